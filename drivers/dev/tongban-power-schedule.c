/* tongban-power-schedule.c: the RTC wake alarm
 *
 * The kernel refuses a new alarm while one is set (EBUSY), so the alarm is
 * cleared with 0 first. A time in the past is refused here: the RTC would
 * take it and never fire.
 */

#include "tongban-power-schedule.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

struct _TongbanPowerSchedule
{
  TongbanDevice  parent_instance;

  char          *wakealarm;
};

enum {
  PROP_0,
  PROP_WAKEALARM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TongbanPowerSchedule, tongban_power_schedule, TONGBAN_TYPE_DEVICE)

static gboolean
write_value (const char  *path,
             const char  *value,
             GError     **error)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC | O_TRUNC);
  gssize n;

  if (fd < 0)
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY, "%s: %s",
                   path, g_strerror (errno));
      return FALSE;
    }
  n = write (fd, value, strlen (value));
  close (fd);
  if (n != (gssize) strlen (value))
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_HARDWARE_ERROR, "%s: %s",
                   path, n < 0 ? g_strerror (errno) : "short write");
      return FALSE;
    }
  return TRUE;
}

static gpointer
set_wake (TongbanDevice  *device,
          gpointer        data,
          gint64          deadline,
          GCancellable   *cancellable,
          GError        **error)
{
  TongbanPowerSchedule *self = TONGBAN_POWER_SCHEDULE (device);
  gint64 when = *(gint64 *) data;
  char value[32];

  if (when != 0 && when <= g_get_real_time () / G_USEC_PER_SEC)
    {
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
                           "wake time in the past");
      return NULL;
    }
  if (!write_value (self->wakealarm, "0\n", error))
    return NULL;
  if (when == 0)
    return GINT_TO_POINTER (TRUE);
  g_snprintf (value, sizeof value, "%" G_GINT64_FORMAT "\n", when);
  return write_value (self->wakealarm, value, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

/* unix_time 0 clears the alarm. */
guint
tongban_power_schedule_set_wake_async (TongbanPowerSchedule *self,
                                       gint64                unix_time,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data)
{
  g_return_val_if_fail (TONGBAN_IS_POWER_SCHEDULE (self), 0);

  return tongban_device_submit (TONGBAN_DEVICE (self), "Power.SetAutoStartupTime", 2000,
                                set_wake, g_memdup2 (&unix_time, sizeof unix_time), g_free,
                                NULL, cancellable, callback, user_data);
}

gboolean
tongban_power_schedule_set_wake_finish (TongbanPowerSchedule  *self,
                                        GAsyncResult          *result,
                                        GError               **error)
{
  return tongban_device_submit_finish (TONGBAN_DEVICE (self), result, error) != NULL;
}

static gboolean
tongban_power_schedule_open (TongbanDevice  *device,
                             GCancellable   *cancellable,
                             GError        **error)
{
  TongbanPowerSchedule *self = TONGBAN_POWER_SCHEDULE (device);

  if (access (self->wakealarm, W_OK) != 0)
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY, "%s: %s",
                   self->wakealarm, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static void
tongban_power_schedule_finalize (GObject *object)
{
  g_free (TONGBAN_POWER_SCHEDULE (object)->wakealarm);

  G_OBJECT_CLASS (tongban_power_schedule_parent_class)->finalize (object);
}

static void
tongban_power_schedule_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  TongbanPowerSchedule *self = TONGBAN_POWER_SCHEDULE (object);

  switch (prop_id)
    {
    case PROP_WAKEALARM:
      g_free (self->wakealarm);
      self->wakealarm = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_power_schedule_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  TongbanPowerSchedule *self = TONGBAN_POWER_SCHEDULE (object);

  switch (prop_id)
    {
    case PROP_WAKEALARM:
      g_value_set_string (value, self->wakealarm);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_power_schedule_class_init (TongbanPowerScheduleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tongban_power_schedule_finalize;
  object_class->set_property = tongban_power_schedule_set_property;
  object_class->get_property = tongban_power_schedule_get_property;
  TONGBAN_DEVICE_CLASS (klass)->open = tongban_power_schedule_open;

  properties[PROP_WAKEALARM] =
    g_param_spec_string ("wakealarm", NULL, NULL, "/sys/class/rtc/rtc0/wakealarm",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tongban_power_schedule_init (TongbanPowerSchedule *self)
{
}

TongbanPowerSchedule *
tongban_power_schedule_new (const char *name,
                            const char *wakealarm)
{
  return g_object_new (TONGBAN_TYPE_POWER_SCHEDULE, "name", name,
                       "wakealarm", wakealarm ? wakealarm : "/sys/class/rtc/rtc0/wakealarm",
                       "poll-interval", 60000, NULL);
}
