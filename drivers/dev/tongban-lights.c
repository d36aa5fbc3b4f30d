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
  TongbanLinkDevice parent_instance;

  gint           inputs;   /* atomic; -1 until known */
  gint           changes[TONGBAN_LIGHTS_INPUTS_N];  /* atomic: edges seen per input */
  gint64         heard;    /* worker thread only: last frame from the board */
};

G_DEFINE_FINAL_TYPE (TongbanLights, tongban_lights, TONGBAN_TYPE_LINK_DEVICE)

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

/* One command frame and its reply, unsolicited frames dispatched meanwhile. */
static gboolean
command (TongbanLights  *self,
         guint8          cmd,
         const guint8   *args,
         gsize           length,
         guint8          reply_cmd,
         GByteArray    **reply,
         gint64          deadline,
         GCancellable   *cancellable,
         GError        **error)
{
  TongbanLinkDevice *dev = TONGBAN_LINK_DEVICE (self);

  return tongban_frame_io_command (tongban_link_device_get_link (dev),
                                   tongban_link_device_get_input (dev), cmd, args, length,
                                   reply_cmd, reply, on_frame, self, deadline, cancellable,
                                   error);
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

  if (!command (self, TONGBAN_LIGHTS_SET, args, 2, TONGBAN_FRAME_ACK, &ack,
                tongban_device_deadline_min (deadline, REPLY_TIMEOUT_MS), cancellable, error))
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

  if (!command (self, TONGBAN_LIGHTS_INPUTS, NULL, 0, TONGBAN_LIGHTS_INPUTS, &mask, deadline,
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
tongban_lights_opened (TongbanLinkDevice  *device,
                       gint64              deadline,
                       GCancellable       *cancellable,
                       GError            **error)
{
  return read_inputs (TONGBAN_LIGHTS (device), deadline, cancellable, error);
}

static gboolean
tongban_lights_poll (TongbanDevice  *device,
                     GCancellable   *cancellable,
                     GError        **error)
{
  TongbanLights *self = TONGBAN_LIGHTS (device);
  TongbanLinkDevice *dev = TONGBAN_LINK_DEVICE (device);

  if (!tongban_frame_io_drain (tongban_link_device_get_link (dev),
                               tongban_link_device_get_input (dev), on_frame, self, cancellable,
                               error))
    return FALSE;
  if (g_get_monotonic_time () - self->heard < QUIET_MS * 1000)
    return TRUE;
  return read_inputs (self, g_get_monotonic_time () + REPLY_TIMEOUT_MS * 1000, cancellable,
                      error);
}

static void
tongban_lights_class_init (TongbanLightsClass *klass)
{
  TONGBAN_LINK_DEVICE_CLASS (klass)->open_timeout_ms = REPLY_TIMEOUT_MS;
  TONGBAN_LINK_DEVICE_CLASS (klass)->opened = tongban_lights_opened;
  TONGBAN_DEVICE_CLASS (klass)->poll = tongban_lights_poll;
}

static void
tongban_lights_init (TongbanLights *self)
{
  self->inputs = -1;
}

TongbanLights *
tongban_lights_new (const char *name,
                    const char *link)
{
  return g_object_new (TONGBAN_TYPE_LIGHTS, "name", name, "link", link, "poll-interval", 50,
                       NULL);
}
