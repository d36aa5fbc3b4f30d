/* tongban-lights.c: light board over STX frames
 *
 * The input mask is read once on open, then kept current by the board's
 * unsolicited 'I' frames, so a door opened while the kiosk is idle is seen
 * within one poll interval. A board that has said nothing for a second is
 * asked for its inputs: one that no longer answers is lost (and reopened),
 * rather than trusted to report a door it can no longer see.
 */

#include "tongban-lights.h"
#include "tongban-frame-io.h"

#define REPLY_TIMEOUT_MS 1000
#define QUIET_MS         1000

struct _TongbanLights
{
  TongbanDevice  parent_instance;

  char          *link_spec;
  TongbanLink   *link;     /* worker thread only */
  GByteArray    *input;    /* worker thread only */
  gint           inputs;   /* atomic; -1 until known */
  gint           changes[TONGBAN_LIGHTS_INPUTS_N];  /* atomic: edges seen per input */
  gint64         heard;    /* worker thread only: last frame from the board */
};

enum {
  PROP_0,
  PROP_LINK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TongbanLights, tongban_lights, TONGBAN_TYPE_DEVICE)

static void
set_inputs (TongbanLights *self,
            guint          mask)
{
  gint old = g_atomic_int_get (&self->inputs);

  mask &= (1u << TONGBAN_LIGHTS_INPUTS_N) - 1;
  if (old == (gint) mask)
    return;
  for (guint i = 0; old >= 0 && i < TONGBAN_LIGHTS_INPUTS_N; i++)
    if (((guint) old ^ mask) & (1u << i))
      g_atomic_int_inc (&self->changes[i]);
  g_atomic_int_set (&self->inputs, (gint) mask);
  tongban_device_emit_event (TONGBAN_DEVICE (self), "input-changed", g_variant_new_uint32 (mask));
}

static void
on_frame (gpointer            owner,
          const TongbanFrame *frame)
{
  TongbanLights *self = owner;

  self->heard = g_get_monotonic_time ();
  if (frame->cmd == TONGBAN_LIGHTS_INPUTS && frame->length == 1)
    set_inputs (self, frame->data[0]);
  else
    g_message ("lights: unexpected frame of %" G_GSIZE_FORMAT " bytes", frame->length);
}

static gpointer
set_light (TongbanDevice  *device,
           gpointer        data,
           gint64          deadline,
           GCancellable   *cancellable,
           GError        **error)
{
  TongbanLights *self = TONGBAN_LIGHTS (device);
  guint packed = GPOINTER_TO_UINT (data);
  guint8 args[2] = { packed >> 8, packed & 0xff };
  g_autoptr(GByteArray) ack = NULL;

  if (!tongban_frame_io_command (self->link, self->input, TONGBAN_LIGHTS_SET, args, 2,
                                 TONGBAN_FRAME_ACK, &ack, on_frame, self,
                                 tongban_device_deadline_min (deadline, REPLY_TIMEOUT_MS),
                                 cancellable, error))
    return NULL;
  if (ack->len != 1 || ack->data[0] != 0)
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_HARDWARE_ERROR,
                   "light board refused output %u", args[0]);
      return NULL;
    }
  return GINT_TO_POINTER (TRUE);
}

guint
tongban_lights_set_async (TongbanLights       *self,
                          guint                output,
                          TongbanFlashRate     rate,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_val_if_fail (TONGBAN_IS_LIGHTS (self), 0);
  g_return_val_if_fail (output < TONGBAN_LIGHTS_OUTPUTS, 0);
  g_return_val_if_fail (rate <= TONGBAN_FLASH_CONTINUOUS, 0);

  return tongban_device_submit (TONGBAN_DEVICE (self), "Lights.SetLight", 2000, set_light,
                                GUINT_TO_POINTER ((output << 8) | rate), NULL, NULL, cancellable,
                                callback, user_data);
}

gboolean
tongban_lights_set_finish (TongbanLights  *self,
                           GAsyncResult   *result,
                           GError        **error)
{
  return tongban_device_submit_finish (TONGBAN_DEVICE (self), result, error) != NULL;
}

/* The input bit mask, or G_MAXUINT while unknown. */
guint
tongban_lights_get_inputs (TongbanLights *self)
{
  g_return_val_if_fail (TONGBAN_IS_LIGHTS (self), G_MAXUINT);
  return (guint) g_atomic_int_get (&self->inputs);
}

/* How often the input has changed since the board was created; an input
 * that went on and off between two looks at the mask still counts twice. */
guint
tongban_lights_get_input_changes (TongbanLights *self,
                                  guint          input)
{
  g_return_val_if_fail (TONGBAN_IS_LIGHTS (self), 0);
  g_return_val_if_fail (input < TONGBAN_LIGHTS_INPUTS_N, 0);
  return (guint) g_atomic_int_get (&self->changes[input]);
}

static gboolean
read_inputs (TongbanLights  *self,
             gint64          deadline,
             GCancellable   *cancellable,
             GError        **error)
{
  g_autoptr(GByteArray) mask = NULL;

  if (!tongban_frame_io_command (self->link, self->input, TONGBAN_LIGHTS_INPUTS, NULL, 0,
                                 TONGBAN_LIGHTS_INPUTS, &mask, on_frame, self, deadline,
                                 cancellable, error))
    return FALSE;
  if (mask->len != 1)
    {
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
                           "input mask");
      return FALSE;
    }
  self->heard = g_get_monotonic_time ();
  set_inputs (self, mask->data[0]);
  return TRUE;
}

static gboolean
tongban_lights_open (TongbanDevice  *device,
                     GCancellable   *cancellable,
                     GError        **error)
{
  TongbanLights *self = TONGBAN_LIGHTS (device);
  gint64 deadline = g_get_monotonic_time () + REPLY_TIMEOUT_MS * 1000;

  self->link = tongban_link_open (self->link_spec, deadline, cancellable, error);
  if (self->link == NULL)
    return FALSE;
  g_byte_array_set_size (self->input, 0);
  return read_inputs (self, deadline, cancellable, error);
}

static void
tongban_lights_close (TongbanDevice *device)
{
  g_clear_pointer (&TONGBAN_LIGHTS (device)->link, tongban_link_free);
}

static gboolean
tongban_lights_poll (TongbanDevice  *device,
                     GCancellable   *cancellable,
                     GError        **error)
{
  TongbanLights *self = TONGBAN_LIGHTS (device);

  if (!tongban_frame_io_drain (self->link, self->input, on_frame, self, cancellable, error))
    return FALSE;
  if (g_get_monotonic_time () - self->heard < QUIET_MS * 1000)
    return TRUE;
  return read_inputs (self, g_get_monotonic_time () + REPLY_TIMEOUT_MS * 1000, cancellable,
                      error);
}

static void
tongban_lights_finalize (GObject *object)
{
  TongbanLights *self = TONGBAN_LIGHTS (object);

  g_free (self->link_spec);
  g_byte_array_unref (self->input);

  G_OBJECT_CLASS (tongban_lights_parent_class)->finalize (object);
}

static void
tongban_lights_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TongbanLights *self = TONGBAN_LIGHTS (object);

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
tongban_lights_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TongbanLights *self = TONGBAN_LIGHTS (object);

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
tongban_lights_class_init (TongbanLightsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TongbanDeviceClass *device_class = TONGBAN_DEVICE_CLASS (klass);

  object_class->finalize = tongban_lights_finalize;
  object_class->set_property = tongban_lights_set_property;
  object_class->get_property = tongban_lights_get_property;
  device_class->open = tongban_lights_open;
  device_class->close = tongban_lights_close;
  device_class->poll = tongban_lights_poll;

  properties[PROP_LINK] =
    g_param_spec_string ("link", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tongban_lights_init (TongbanLights *self)
{
  self->input = g_byte_array_new ();
  self->inputs = -1;
}

TongbanLights *
tongban_lights_new (const char *name,
                    const char *link)
{
  return g_object_new (TONGBAN_TYPE_LIGHTS, "name", name, "link", link, "poll-interval", 50,
                       NULL);
}
