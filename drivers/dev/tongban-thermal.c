/* tongban-thermal.c: hwmon temperature with two thresholds
 *
 * A reading the kernel could never produce (not a number, beyond ±200 °C)
 * is invalid data: a loose sensor, not a fire.
 */

#include "tongban-thermal.h"

#include <math.h>

typedef enum {
  LEVEL_UNKNOWN,
  LEVEL_NORMAL,
  LEVEL_HIGH,
  LEVEL_CRITICAL,
} Level;

struct _TongbanThermal
{
  TongbanDevice  parent_instance;

  char          *input;
  double         warning;
  double         critical;
  gint           level;      /* atomic: Level, written by the worker */
  gint           millis;     /* atomic: last reading, m°C; G_MININT before the first */
};

enum {
  PROP_0,
  PROP_INPUT,
  PROP_WARNING,
  PROP_CRITICAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TongbanThermal, tongban_thermal, TONGBAN_TYPE_DEVICE)

static gboolean
tongban_thermal_poll (TongbanDevice  *device,
                      GCancellable   *cancellable,
                      GError        **error)
{
  TongbanThermal *self = TONGBAN_THERMAL (device);
  g_autofree char *text = NULL;
  g_autoptr(GError) local = NULL;
  gint64 millis;
  double celsius;
  Level level;
  char *end = NULL;

  if (!g_file_get_contents (self->input, &text, NULL, &local))
    {
      g_atomic_int_set (&self->level, LEVEL_UNKNOWN);
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY, "%s",
                   local->message);
      return FALSE;
    }
  millis = g_ascii_strtoll (g_strstrip (text), &end, 10);
  if (end == text || *end != '\0' || millis < -200000 || millis > 200000)
    {
      g_message ("thermal: unreadable value from %s", self->input);
      g_atomic_int_set (&self->level, LEVEL_UNKNOWN);
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
                           "temperature reading");
      return FALSE;
    }
  g_atomic_int_set (&self->millis, (gint) millis);
  celsius = millis / 1000.0;
  level = celsius >= self->critical ? LEVEL_CRITICAL
        : celsius >= self->warning ? LEVEL_HIGH : LEVEL_NORMAL;
  if (level != (Level) g_atomic_int_get (&self->level))
    {
      static const char *events[] = {
        NULL, "temperature-normal", "temperature-high", "temperature-critical",
      };

      /* The first reading is only news when it is not normal. */
      if (g_atomic_int_get (&self->level) != LEVEL_UNKNOWN || level != LEVEL_NORMAL)
        tongban_device_emit_event (device, events[level], g_variant_new_double (celsius));
      g_atomic_int_set (&self->level, level);
    }
  tongban_device_set_state (device, level == LEVEL_CRITICAL ? TONGBAN_DEVICE_STATE_HARDWARE_ERROR
                                                            : TONGBAN_DEVICE_STATE_ONLINE);
  return TRUE;
}

static gboolean
tongban_thermal_open (TongbanDevice  *device,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_atomic_int_set (&TONGBAN_THERMAL (device)->level, LEVEL_UNKNOWN);
  return tongban_thermal_poll (device, cancellable, error);
}

/* "normal", "high" (above the warning level), "critical", or "unknown"
 * before a reading and while the sensor cannot be read. */
const char *
tongban_thermal_get_level (TongbanThermal *self)
{
  static const char *names[] = { "unknown", "normal", "high", "critical" };

  g_return_val_if_fail (TONGBAN_IS_THERMAL (self), "unknown");
  return names[g_atomic_int_get (&self->level)];
}

/* NAN until the first reading. */
double
tongban_thermal_get_celsius (TongbanThermal *self)
{
  gint millis;

  g_return_val_if_fail (TONGBAN_IS_THERMAL (self), NAN);
  millis = g_atomic_int_get (&self->millis);
  return millis == G_MININT ? NAN : millis / 1000.0;
}

static void
tongban_thermal_finalize (GObject *object)
{
  g_free (TONGBAN_THERMAL (object)->input);

  G_OBJECT_CLASS (tongban_thermal_parent_class)->finalize (object);
}

static void
tongban_thermal_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TongbanThermal *self = TONGBAN_THERMAL (object);

  switch (prop_id)
    {
    case PROP_INPUT:
      g_free (self->input);
      self->input = g_value_dup_string (value);
      break;
    case PROP_WARNING:
      self->warning = g_value_get_double (value);
      break;
    case PROP_CRITICAL:
      self->critical = g_value_get_double (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_thermal_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TongbanThermal *self = TONGBAN_THERMAL (object);

  switch (prop_id)
    {
    case PROP_INPUT:
      g_value_set_string (value, self->input);
      break;
    case PROP_WARNING:
      g_value_set_double (value, self->warning);
      break;
    case PROP_CRITICAL:
      g_value_set_double (value, self->critical);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_thermal_class_init (TongbanThermalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tongban_thermal_finalize;
  object_class->set_property = tongban_thermal_set_property;
  object_class->get_property = tongban_thermal_get_property;
  TONGBAN_DEVICE_CLASS (klass)->open = tongban_thermal_open;
  TONGBAN_DEVICE_CLASS (klass)->poll = tongban_thermal_poll;

  properties[PROP_INPUT] =
    g_param_spec_string ("input", NULL, NULL, "/sys/class/hwmon/hwmon0/temp1_input",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Clause 12: 10-35 °C in operation. */
  properties[PROP_WARNING] =
    g_param_spec_double ("warning", NULL, NULL, -50, 150, 35,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CRITICAL] =
    g_param_spec_double ("critical", NULL, NULL, -50, 150, 45,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tongban_thermal_init (TongbanThermal *self)
{
  self->millis = G_MININT;
}

TongbanThermal *
tongban_thermal_new (const char *name,
                     const char *input,
                     double      warning_celsius,
                     double      critical_celsius)
{
  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (warning_celsius <= critical_celsius, NULL);

  return g_object_new (TONGBAN_TYPE_THERMAL, "name", name, "input", input,
                       "warning", warning_celsius, "critical", critical_celsius,
                       "poll-interval", 2000, NULL);
}
