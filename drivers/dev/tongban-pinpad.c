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
  TongbanDevice  parent_instance;

  char          *link_spec;
  TongbanLink   *link;     /* worker thread only */
  GByteArray    *input;    /* worker thread only */
};

enum {
  PROP_0,
  PROP_LINK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TongbanPinpad, tongban_pinpad, TONGBAN_TYPE_DEVICE)

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
  TongbanPinpad *self = TONGBAN_PINPAD (device);
  g_autoptr(GByteArray) ack = NULL;
  guint8 cmd = GPOINTER_TO_INT (data) ? TONGBAN_PINPAD_ENABLE : TONGBAN_PINPAD_DISABLE;

  if (!tongban_frame_io_command (self->link, self->input, cmd, NULL, 0, TONGBAN_FRAME_ACK, &ack,
                                 on_frame, self, tongban_device_deadline_min (deadline,
                                                                            REPLY_TIMEOUT_MS),
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
tongban_pinpad_open (TongbanDevice  *device,
                     GCancellable   *cancellable,
                     GError        **error)
{
  TongbanPinpad *self = TONGBAN_PINPAD (device);
  gint64 deadline = g_get_monotonic_time () + REPLY_TIMEOUT_MS * 1000;

  self->link = tongban_link_open (self->link_spec, deadline, cancellable, error);
  if (self->link == NULL)
    return FALSE;
  g_byte_array_set_size (self->input, 0);
  /* Start disabled: the kiosk enables the pad when a page wants keys. */
  return enable (device, GINT_TO_POINTER (FALSE), deadline, cancellable, error) != NULL;
}

static void
tongban_pinpad_close (TongbanDevice *device)
{
  g_clear_pointer (&TONGBAN_PINPAD (device)->link, tongban_link_free);
}

static gboolean
tongban_pinpad_poll (TongbanDevice  *device,
                     GCancellable   *cancellable,
                     GError        **error)
{
  TongbanPinpad *self = TONGBAN_PINPAD (device);

  return tongban_frame_io_drain (self->link, self->input, on_frame, self, cancellable, error);
}

static void
tongban_pinpad_finalize (GObject *object)
{
  TongbanPinpad *self = TONGBAN_PINPAD (object);

  g_free (self->link_spec);
  g_byte_array_unref (self->input);

  G_OBJECT_CLASS (tongban_pinpad_parent_class)->finalize (object);
}

static void
tongban_pinpad_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TongbanPinpad *self = TONGBAN_PINPAD (object);

  switch (prop_id)
    {
    case PROP_LINK:
      g_free (self->link_spec);
      self->link_spec = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_pinpad_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TongbanPinpad *self = TONGBAN_PINPAD (object);

  switch (prop_id)
    {
    case PROP_LINK:
      g_value_set_string (value, self->link_spec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_pinpad_class_init (TongbanPinpadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TongbanDeviceClass *device_class = TONGBAN_DEVICE_CLASS (klass);

  object_class->finalize = tongban_pinpad_finalize;
  object_class->set_property = tongban_pinpad_set_property;
  object_class->get_property = tongban_pinpad_get_property;
  device_class->open = tongban_pinpad_open;
  device_class->close = tongban_pinpad_close;
  device_class->poll = tongban_pinpad_poll;

  properties[PROP_LINK] =
    g_param_spec_string ("link", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tongban_pinpad_init (TongbanPinpad *self)
{
  self->input = g_byte_array_new ();
}

TongbanPinpad *
tongban_pinpad_new (const char *name,
                    const char *link)
{
  return g_object_new (TONGBAN_TYPE_PINPAD, "name", name, "link", link, "poll-interval", 20,
                       NULL);
}
