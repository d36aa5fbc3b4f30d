/* tongban-pinpad.c: PIN keyboard over STX frames
 *
 * A key frame carrying a code the pad should not send is dropped with a log
 * line (no value): better a lost key than a wrong one.
 */

#include "tongban-pinpad.h"
#include "tongban-frame-io.h"

#define REPLY_TIMEOUT_MS 1000

struct _TongbanPinpad
{
  TongbanLinkDevice  parent_instance;
};

G_DEFINE_FINAL_TYPE (TongbanPinpad, tongban_pinpad, TONGBAN_TYPE_LINK_DEVICE)

static void
on_frame (gpointer            owner,
          const TongbanFrame *frame)
{
  TongbanDevice *dev = owner;
  const char *key;

  if (frame->cmd != TONGBAN_PINPAD_KEY || frame->length != 1)
    {
      g_message ("pinpad: unexpected frame '%c' of %" G_GSIZE_FORMAT " bytes",
                 g_ascii_isprint (frame->cmd) ? frame->cmd : '?', frame->length);
      return;
    }
  key = tongban_key_name (frame->data[0]);
  if (key == NULL)
    {
      g_message ("pinpad: unknown key code");
      return;
    }
  tongban_device_emit_event (dev, "key-pressed", g_variant_new_string (key));
}

static gpointer
enable (TongbanDevice  *device,
        gpointer        data,
        gint64          deadline,
        GCancellable   *cancellable,
        GError        **error)
{
  TongbanLinkDevice *self = TONGBAN_LINK_DEVICE (device);
  g_autoptr(GByteArray) ack = NULL;
  guint8 cmd = GPOINTER_TO_INT (data) ? TONGBAN_PINPAD_ENABLE : TONGBAN_PINPAD_DISABLE;

  if (!tongban_frame_io_command (tongban_link_device_get_link (self),
                                 tongban_link_device_get_input (self), cmd, NULL, 0,
                                 TONGBAN_FRAME_ACK, &ack, on_frame, self,
                                 tongban_device_deadline_min (deadline, REPLY_TIMEOUT_MS),
                                 cancellable, error))
    return NULL;
  if (ack->len != 1 || ack->data[0] != 0)
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_HARDWARE_ERROR,
                   "PIN pad refused the command");
      return NULL;
    }
  return GINT_TO_POINTER (TRUE);
}

guint
tongban_pinpad_enable_async (TongbanPinpad       *self,
                             gboolean             on,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_val_if_fail (TONGBAN_IS_PINPAD (self), 0);

  return tongban_device_submit (TONGBAN_DEVICE (self), on ? "Keyboard.DataEntry" : "Keyboard.Stop",
                                2000, enable, GINT_TO_POINTER (on), NULL, NULL, cancellable,
                                callback, user_data);
}

gboolean
tongban_pinpad_enable_finish (TongbanPinpad  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  return tongban_device_submit_finish (TONGBAN_DEVICE (self), result, error) != NULL;
}

static gboolean
tongban_pinpad_opened (TongbanLinkDevice  *self,
                       gint64              deadline,
                       GCancellable       *cancellable,
                       GError            **error)
{
  /* Start disabled: the kiosk enables the pad when a page wants keys. */
  return enable (TONGBAN_DEVICE (self), GINT_TO_POINTER (FALSE), deadline, cancellable,
                 error) != NULL;
}

static gboolean
tongban_pinpad_poll (TongbanDevice  *device,
                     GCancellable   *cancellable,
                     GError        **error)
{
  TongbanLinkDevice *self = TONGBAN_LINK_DEVICE (device);

  return tongban_frame_io_drain (tongban_link_device_get_link (self),
                                 tongban_link_device_get_input (self), on_frame, self,
                                 cancellable, error);
}

static void
tongban_pinpad_class_init (TongbanPinpadClass *klass)
{
  TONGBAN_LINK_DEVICE_CLASS (klass)->open_timeout_ms = REPLY_TIMEOUT_MS;
  TONGBAN_LINK_DEVICE_CLASS (klass)->opened = tongban_pinpad_opened;
  TONGBAN_DEVICE_CLASS (klass)->poll = tongban_pinpad_poll;
}

static void
tongban_pinpad_init (TongbanPinpad *self)
{
}

TongbanPinpad *
tongban_pinpad_new (const char *name,
                    const char *link)
{
  return g_object_new (TONGBAN_TYPE_PINPAD, "name", name, "link", link, "poll-interval", 20,
                       NULL);
}
