/* tongban-link.h: byte transports between a device worker and its hardware
 *
 * A link is opened from the string in the kiosk config:
 *   tty:/dev/ttyUSB0@115200   serial port (or a pty), raw 8N1
 *   tcp:127.0.0.1:9100        TCP stream
 *   usb:0483:5740             libusb bulk endpoints of the first interface
 *   hidraw:/dev/hidraw0       HID reports (HID-POS scanners), one per read; the
 *                             path may also be a SOCK_SEQPACKET unix socket
 *                             that carries one report per packet (simulators)
 *   evdev:/dev/input/event3   keyboard-wedge scanner, grabbed from the desktop
 * Every blocking call takes a deadline (monotonic µs, 0 = none) and a
 * cancellable, and fails with a TONGBAN_DEVICE_ERROR completion code:
 * TIMEOUT, CANCELED, or DEVICE_NOT_READY when the device went away.
 * A link is used by one thread at a time (the device worker).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  TONGBAN_LINK_TTY,
  TONGBAN_LINK_TCP,
  TONGBAN_LINK_USB,
  TONGBAN_LINK_HIDRAW,
  TONGBAN_LINK_EVDEV,
} TongbanLinkKind;

typedef struct _TongbanLink TongbanLink;

gboolean         tongban_link_parse_spec    (const char    *spec,
                                             TongbanLinkKind *kind,
                                             char         **target,
                                             guint         *number,
                                             GError       **error);
TongbanLink     *tongban_link_open          (const char    *spec,
                                             gint64         deadline,
                                             GCancellable  *cancellable,
                                             GError       **error);
void             tongban_link_free          (TongbanLink   *link);
TongbanLinkKind  tongban_link_get_kind      (TongbanLink   *link);
guint            tongban_link_get_baud      (TongbanLink   *link);
gssize           tongban_link_read          (TongbanLink   *link,
                                             guint8        *buffer,
                                             gsize          size,
                                             gint64         deadline,
                                             GCancellable  *cancellable,
                                             GError       **error);
gboolean         tongban_link_read_exact    (TongbanLink   *link,
                                             guint8        *buffer,
                                             gsize          size,
                                             gint64         deadline,
                                             GCancellable  *cancellable,
                                             GError       **error);
gboolean         tongban_link_write_all     (TongbanLink   *link,
                                             const guint8  *data,
                                             gsize          size,
                                             gint64         deadline,
                                             GCancellable  *cancellable,
                                             GError       **error);
void             tongban_link_discard_input (TongbanLink   *link);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanLink, tongban_link_free)

G_END_DECLS
