/* tongban-link-device.h: a device on one byte link named in the config
 *
 * The PIN pad, the light board, the barcode scanner, the receipt printer, the
 * ID card reader, the fingerprint reader and the UPS (upsd over tcp:) are
 * each a "link" string (tty:, tcp:, usb:, hidraw:, evdev:, see
 * tongban-link.h), a link opened on the worker, a buffer of bytes read but
 * not yet understood, and a greeting once the link is open. This class owns
 * all of that; a subclass says hello in opened(), lets go of its own worker
 * state in closing(), and reads unsolicited input in TongbanDevice's poll().
 */
#pragma once

#include "tongban-device.h"
#include "tongban-link.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_LINK_DEVICE (tongban_link_device_get_type ())
G_DECLARE_DERIVABLE_TYPE (TongbanLinkDevice, tongban_link_device, TONGBAN, LINK_DEVICE,
                          TongbanDevice)

struct _TongbanLinkDeviceClass
{
  TongbanDeviceClass parent_class;

  /* How long opening the link and opened() may take together. */
  guint    open_timeout_ms;

  /* Worker thread. The link is open and the input buffer empty; a device
   * that must answer before it counts as present is asked here. */
  gboolean (*opened)  (TongbanLinkDevice *self,
                       gint64             deadline,
                       GCancellable      *cancellable,
                       GError           **error);
  /* Worker thread, before the link is closed (also after a failed open). */
  void     (*closing) (TongbanLinkDevice *self);
};

/* Worker thread only. */
TongbanLink *tongban_link_device_get_link  (TongbanLinkDevice *self);
GByteArray  *tongban_link_device_get_input (TongbanLinkDevice *self);

G_END_DECLS
