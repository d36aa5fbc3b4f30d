/* tongban-sensors.c: named sensors on the light board's inputs
 *
 * The board's worker owns the serial link; this device only reads what it
 * keeps current (the input mask and a count of edges per input, both atomic)
 * on its own worker, every poll interval. Counting edges rather than
 * comparing masks is what makes a door opened and shut between two looks, or
 * a switch flapping faster than the poll, visible.
 */

#include "tongban-sensors.h"

#define FLAP_EDGES 6

typedef struct
{
  char           *name;
  TongbanThermal *thermal;          /* a temperature sensor, or NULL for a board input */
  guint           input;
  guint       seen;                 /* worker: board edge count at the last look */
  gint64      edges[FLAP_EDGES];    /* worker: times of the last edges, a ring */
  guint       n_edges;              /* worker */
  gboolean    flapping;             /* worker */
  const char *state;                /* under lock */
} Sensor;

struct _TongbanSensors
{
  TongbanDevice  parent_instance;

  TongbanLights *board;
  guint          flap_window_ms;  /* set before the worker starts */
  GMutex         lock;
  GPtrArray     *sensors;  /* Sensor*, fixed once started */
};

enum {
  PROP_0,
  PROP_BOARD,
  PROP_FLAP_WINDOW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TongbanSensors, tongban_sensors, TONGBAN_TYPE_DEVICE)

static void
sensor_free (gpointer data)
{
  Sensor *s = data;

  g_free (s->name);
  g_clear_object (&s->thermal);
  g_free (s);
}

static void
set_sensor_state (TongbanSensors *self,
                  Sensor         *s,
                  const char     *state)
{
  gboolean changed;

  g_mutex_lock (&self->lock);
  changed = g_strcmp0 (s->state, state) != 0;
  s->state = state;
  g_mutex_unlock (&self->lock);
  if (changed)
    tongban_device_emit_event (TONGBAN_DEVICE (self), "sensor-changed",
                               g_variant_new ("(ss)", s->name, state));
}

static gboolean
board_ready (TongbanSensors  *self,
             GError         **error)
{
  if (tongban_device_get_state (TONGBAN_DEVICE (self->board)) == TONGBAN_DEVICE_STATE_ONLINE &&
      tongban_lights_get_inputs (self->board) != G_MAXUINT)
    return TRUE;
  g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY,
               "light board %s is not answering",
               tongban_device_get_name (TONGBAN_DEVICE (self->board)));
  return FALSE;
}

static gboolean
tongban_sensors_poll (TongbanDevice  *device,
                      GCancellable   *cancellable,
                      GError        **error)
{
  TongbanSensors *self = TONGBAN_SENSORS (device);
  gint64 now = g_get_monotonic_time ();
  gint64 window = (gint64) self->flap_window_ms * 1000;
  gboolean alarm = FALSE;
  guint mask;

  if (!board_ready (self, error))
    return FALSE;
  mask = tongban_lights_get_inputs (self->board);
  for (guint i = 0; i < self->sensors->len; i++)
    {
      Sensor *s = g_ptr_array_index (self->sensors, i);
      guint changes, edges;
      gboolean on;
      gint64 last;

      /* A temperature is reported, not an alarm here: the thermal device
       * itself goes to hardware-error when it is critical. */
      if (s->thermal != NULL)
        {
          set_sensor_state (self, s, tongban_thermal_get_level (s->thermal));
          continue;
        }
      changes = tongban_lights_get_input_changes (self->board, s->input);
      edges = changes - s->seen;
      on = (mask >> s->input) & 1;
      s->seen = changes;
      for (guint e = 0; e < MIN (edges, FLAP_EDGES); e++)
        s->edges[s->n_edges++ % FLAP_EDGES] = now;
      last = s->n_edges > 0 ? s->edges[(s->n_edges - 1) % FLAP_EDGES] : 0;
      if (s->n_edges >= FLAP_EDGES && s->edges[s->n_edges % FLAP_EDGES] > now - window)
        {
          if (!s->flapping)
            g_message ("sensors: %s is flapping", s->name);
          s->flapping = TRUE;
        }
      else if (s->flapping && last <= now - window)
        s->flapping = FALSE;

      /* Opened and shut again between two looks: still worth an event. */
      if (!s->flapping && edges >= 2 && g_strcmp0 (s->state, on ? "on" : "off") == 0)
        set_sensor_state (self, s, on ? "off" : "on");
      set_sensor_state (self, s, s->flapping ? "flapping" : on ? "on" : "off");
      alarm |= s->flapping || on;
    }
  tongban_device_set_state (device, alarm ? TONGBAN_DEVICE_STATE_POTENTIAL_FRAUD
                                          : TONGBAN_DEVICE_STATE_ONLINE);
  return TRUE;
}

static gboolean
tongban_sensors_open (TongbanDevice  *device,
                      GCancellable   *cancellable,
                      GError        **error)
{
  TongbanSensors *self = TONGBAN_SENSORS (device);

  if (!board_ready (self, error))
    return FALSE;
  for (guint i = 0; i < self->sensors->len; i++)
    {
      Sensor *s = g_ptr_array_index (self->sensors, i);

      if (s->thermal == NULL)
        s->seen = tongban_lights_get_input_changes (self->board, s->input);
    }
  return tongban_sensors_poll (device, cancellable, error);
}

static void
tongban_sensors_close (TongbanDevice *device)
{
  TongbanSensors *self = TONGBAN_SENSORS (device);

  for (guint i = 0; i < self->sensors->len; i++)
    {
      Sensor *s = g_ptr_array_index (self->sensors, i);

      s->n_edges = 0;
      s->flapping = FALSE;
      set_sensor_state (self, s, "unknown");
    }
}

gboolean
tongban_sensors_add (TongbanSensors  *self,
                     const char      *sensor,
                     guint            input,
                     GError         **error)
{
  Sensor *s;

  g_return_val_if_fail (TONGBAN_IS_SENSORS (self), FALSE);
  g_return_val_if_fail (sensor != NULL, FALSE);

  if (input >= TONGBAN_LIGHTS_INPUTS_N)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "sensor %s: the light board has inputs 0 to %d", sensor,
                   TONGBAN_LIGHTS_INPUTS_N - 1);
      return FALSE;
    }
  s = g_new0 (Sensor, 1);
  s->name = g_strdup (sensor);
  s->input = input;
  s->state = "unknown";
  g_ptr_array_add (self->sensors, s);
  return TRUE;
}

/* The cabinet temperature as one more sensor: its state is the thermal
 * device's level ("normal", "high", "critical", "unknown"). */
void
tongban_sensors_add_thermal (TongbanSensors *self,
                             const char     *sensor,
                             TongbanThermal *thermal)
{
  Sensor *s;

  g_return_if_fail (TONGBAN_IS_SENSORS (self));
  g_return_if_fail (TONGBAN_IS_THERMAL (thermal));

  s = g_new0 (Sensor, 1);
  s->name = g_strdup (sensor);
  s->thermal = g_object_ref (thermal);
  s->state = "unknown";
  g_ptr_array_add (self->sensors, s);
}

/* "on", "off", "flapping", "unknown" (a temperature: its level), or NULL
 * for a sensor not configured. */
char *
tongban_sensors_dup_state (TongbanSensors *self,
                           const char     *sensor)
{
  char *state = NULL;

  g_return_val_if_fail (TONGBAN_IS_SENSORS (self), NULL);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->sensors->len; i++)
    {
      Sensor *s = g_ptr_array_index (self->sensors, i);

      if (g_str_equal (s->name, sensor))
        state = g_strdup (s->state);
    }
  g_mutex_unlock (&self->lock);
  return state;
}

static void
tongban_sensors_dispose (GObject *object)
{
  /* The worker reads the board: stop it before letting go of the board. */
  tongban_device_stop (TONGBAN_DEVICE (object));
  g_clear_object (&TONGBAN_SENSORS (object)->board);

  G_OBJECT_CLASS (tongban_sensors_parent_class)->dispose (object);
}

static void
tongban_sensors_finalize (GObject *object)
{
  TongbanSensors *self = TONGBAN_SENSORS (object);

  g_ptr_array_unref (self->sensors);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tongban_sensors_parent_class)->finalize (object);
}

static void
tongban_sensors_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TongbanSensors *self = TONGBAN_SENSORS (object);

  switch (prop_id)
    {
    case PROP_BOARD:
      g_set_object (&self->board, g_value_get_object (value));
      break;
    case PROP_FLAP_WINDOW:
      self->flap_window_ms = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_sensors_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TongbanSensors *self = TONGBAN_SENSORS (object);

  switch (prop_id)
    {
    case PROP_BOARD:
      g_value_set_object (value, self->board);
      break;
    case PROP_FLAP_WINDOW:
      g_value_set_uint (value, self->flap_window_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_sensors_class_init (TongbanSensorsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TongbanDeviceClass *device_class = TONGBAN_DEVICE_CLASS (klass);

  object_class->dispose = tongban_sensors_dispose;
  object_class->finalize = tongban_sensors_finalize;
  object_class->set_property = tongban_sensors_set_property;
  object_class->get_property = tongban_sensors_get_property;
  device_class->open = tongban_sensors_open;
  device_class->close = tongban_sensors_close;
  device_class->poll = tongban_sensors_poll;

  properties[PROP_BOARD] =
    g_param_spec_object ("board", NULL, NULL, TONGBAN_TYPE_LIGHTS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FLAP_WINDOW] =
    g_param_spec_uint ("flap-window", NULL, NULL, 100, 60000, 2000,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tongban_sensors_init (TongbanSensors *self)
{
  g_mutex_init (&self->lock);
  self->sensors = g_ptr_array_new_with_free_func (sensor_free);
}

TongbanSensors *
tongban_sensors_new (const char    *name,
                     TongbanLights *board)
{
  g_return_val_if_fail (TONGBAN_IS_LIGHTS (board), NULL);

  return g_object_new (TONGBAN_TYPE_SENSORS, "name", name, "board", board, "poll-interval", 20,
                       NULL);
}
