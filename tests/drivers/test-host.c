/* test-host.c: removable storage from a mount table, the RTC wake alarm */

#include "tongban-mountinfo.h"
#include "tongban-power-schedule.h"
#include "tongban-storage.h"
#include "tongban-thermal.h"

#include <math.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

static const char base[] =
  "22 28 0:21 / /proc rw,nosuid - proc proc rw\n"
  "28 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n"
  "40 28 0:35 / /run rw - tmpfs tmpfs rw\n";
static const char stick[] =
  "90 28 8:17 / /media/kiosk/GBA\\040USB rw,nosuid,nodev shared:60 - vfat /dev/sdb1 rw\n";
static const char fake[] =
  "91 28 0:50 / /media/not-a-disk rw - tmpfs tmpfs rw\n"
  "92 28 8:33 / /mnt/backup rw - ext4 /dev/sdc1 rw\n";

static void
test_mountinfo (void)
{
  static const char * const roots[] = { "/media", "/run/media", NULL };
  g_autofree char *all = g_strconcat (base, stick, fake, "broken line\n", NULL);
  g_autoptr(GPtrArray) found = tongban_mountinfo_removable (all, strlen (all), roots);

  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (found, 0), ==, "/media/kiosk/GBA USB");
}

typedef struct
{
  GPtrArray *events;
} Seen;

static void
on_event (TongbanDevice *dev, const char *name, GVariant *payload, Seen *seen)
{
  g_ptr_array_add (seen->events, g_strdup_printf ("%s %s", name,
                                                  g_variant_get_string (payload, NULL)));
}

static gboolean
has_n (gpointer data)
{
  gpointer *args = data;
  return ((Seen *) args[0])->events->len >= GPOINTER_TO_UINT (args[1]);
}

static gboolean
nothing_pending (gpointer data)
{
  return !g_main_context_pending (NULL);
}

static void
test_storage (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tongban-storage-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "mountinfo", NULL);
  g_autofree char *with_stick = g_strconcat (base, stick, NULL);
  g_auto(GStrv) mounted = NULL;
  TongbanStorage *storage;
  Seen seen = { g_ptr_array_new_with_free_func (g_free) };
  gpointer one[2] = { &seen, GUINT_TO_POINTER (1) };
  gpointer two[2] = { &seen, GUINT_TO_POINTER (2) };

  g_assert_no_error (error);
  g_file_set_contents (path, base, -1, &error);
  g_assert_no_error (error);
  storage = g_object_new (TONGBAN_TYPE_STORAGE, "name", "storage", "mountinfo", path,
                          "poll-interval", 20, NULL);
  g_signal_connect (storage, "event", G_CALLBACK (on_event), &seen);
  tongban_device_start (TONGBAN_DEVICE (storage));

  g_file_set_contents (path, with_stick, -1, &error);
  g_assert_true (tongban_device_wait_until (NULL, 5000, has_n, one));
  g_assert_cmpstr (g_ptr_array_index (seen.events, 0), ==, "media-inserted /media/kiosk/GBA USB");
  mounted = tongban_storage_dup_mounted (storage);
  g_assert_cmpuint (g_strv_length (mounted), ==, 1);

  g_file_set_contents (path, base, -1, &error);
  g_assert_true (tongban_device_wait_until (NULL, 5000, has_n, two));
  g_assert_cmpstr (g_ptr_array_index (seen.events, 1), ==, "media-removed /media/kiosk/GBA USB");

  tongban_device_stop (TONGBAN_DEVICE (storage));
  tongban_device_wait_until (NULL, 300, nothing_pending, NULL);
  g_assert_finalize_object (storage);
  g_ptr_array_unref (seen.events);
  g_unlink (path);
  g_rmdir (dir);
}

typedef struct
{
  guint   done;
  GError *error;
} Result;

static void
on_set (GObject *source, GAsyncResult *result, gpointer data)
{
  Result *r = data;

  g_clear_error (&r->error);
  tongban_power_schedule_set_wake_finish (TONGBAN_POWER_SCHEDULE (source), result, &r->error);
  r->done++;
}

static gboolean
done (gpointer data)
{
  gpointer *args = data;
  return ((Result *) args[0])->done >= GPOINTER_TO_UINT (args[1]);
}

static void
set_wake (TongbanPowerSchedule *power, Result *r, gint64 when)
{
  gpointer args[2] = { r, GUINT_TO_POINTER (r->done + 1) };

  tongban_power_schedule_set_wake_async (power, when, NULL, on_set, r);
  g_assert_true (tongban_device_wait_until (NULL, 5000, done, args));
}

static void
test_power_schedule (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tongban-rtc-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "wakealarm", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  TongbanPowerSchedule *power;
  Result r = { 0 };
  gint64 tomorrow = g_get_real_time () / G_USEC_PER_SEC + 86400;

  g_file_set_contents (path, "", 0, &error);
  g_assert_no_error (error);
  power = tongban_power_schedule_new ("power", path);

  set_wake (power, &r, tomorrow);
  g_assert_no_error (r.error);
  g_file_get_contents (path, &contents, NULL, &error);
  expected = g_strdup_printf ("%" G_GINT64_FORMAT "\n", tomorrow);
  g_assert_cmpstr (contents, ==, expected);

  set_wake (power, &r, 1000);
  g_assert_error (r.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA);

  g_clear_pointer (&contents, g_free);
  set_wake (power, &r, 0);
  g_assert_no_error (r.error);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_cmpstr (contents, ==, "0\n");

  g_unlink (path);
  set_wake (power, &r, tomorrow);
  g_assert_error (r.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY);

  tongban_device_stop (TONGBAN_DEVICE (power));
  tongban_device_wait_until (NULL, 300, nothing_pending, NULL);
  g_assert_finalize_object (power);
  g_clear_error (&r.error);
  g_rmdir (dir);
}

static void
on_thermal (TongbanDevice *dev, const char *name, GVariant *payload, Seen *seen)
{
  g_ptr_array_add (seen->events,
                   g_strdup_printf ("%s %.1f", name, g_variant_get_double (payload)));
}

static gboolean
state_is (gpointer data)
{
  gpointer *args = data;
  return (int) tongban_device_get_state (args[0]) == GPOINTER_TO_INT (args[1]);
}

static void
test_thermal (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tongban-hwmon-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "temp1_input", NULL);
  TongbanThermal *thermal;
  Seen seen = { g_ptr_array_new_with_free_func (g_free) };
  gpointer one[2] = { &seen, GUINT_TO_POINTER (1) };
  gpointer two[2] = { &seen, GUINT_TO_POINTER (2) };
  gpointer three[2] = { &seen, GUINT_TO_POINTER (3) };
  gpointer broken[2] = { NULL, GINT_TO_POINTER (TONGBAN_DEVICE_STATE_HARDWARE_ERROR) };
  gpointer online[2] = { NULL, GINT_TO_POINTER (TONGBAN_DEVICE_STATE_ONLINE) };

  g_file_set_contents (path, "24500\n", -1, &error);
  g_assert_no_error (error);
  thermal = g_object_new (TONGBAN_TYPE_THERMAL, "name", "thermal", "input", path,
                          "warning", 35.0, "critical", 45.0, "poll-interval", 20, NULL);
  broken[0] = online[0] = thermal;
  g_signal_connect (thermal, "event", G_CALLBACK (on_thermal), &seen);
  g_assert_true (isnan (tongban_thermal_get_celsius (thermal)));
  tongban_device_start (TONGBAN_DEVICE (thermal));
  g_assert_true (tongban_device_wait_until (NULL, 5000, state_is, online));
  g_assert_cmpfloat_with_epsilon (tongban_thermal_get_celsius (thermal), 24.5, 0.001);

  g_file_set_contents (path, "36000\n", -1, &error);
  g_assert_true (tongban_device_wait_until (NULL, 5000, has_n, one));
  g_assert_cmpstr (g_ptr_array_index (seen.events, 0), ==, "temperature-high 36.0");
  g_file_set_contents (path, "47250\n", -1, &error);
  g_assert_true (tongban_device_wait_until (NULL, 5000, has_n, two));
  g_assert_cmpstr (g_ptr_array_index (seen.events, 1), ==, "temperature-critical 47.2");
  g_assert_true (tongban_device_wait_until (NULL, 5000, state_is, broken));
  g_file_set_contents (path, "30000\n", -1, &error);
  g_assert_true (tongban_device_wait_until (NULL, 5000, has_n, three));
  g_assert_cmpstr (g_ptr_array_index (seen.events, 2), ==, "temperature-normal 30.0");
  g_assert_true (tongban_device_wait_until (NULL, 5000, state_is, online));

  /* A loose sensor reads nonsense: invalid data, the device is faulty. */
  g_file_set_contents (path, "garbage\n", -1, &error);
  g_assert_true (tongban_device_wait_until (NULL, 5000, state_is, broken));

  tongban_device_stop (TONGBAN_DEVICE (thermal));
  tongban_device_wait_until (NULL, 300, nothing_pending, NULL);
  g_assert_finalize_object (thermal);
  g_ptr_array_unref (seen.events);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/host/mountinfo", test_mountinfo);
  g_test_add_func ("/drivers/host/storage", test_storage);
  g_test_add_func ("/drivers/host/power-schedule", test_power_schedule);
  g_test_add_func ("/drivers/host/thermal", test_thermal);

  return g_test_run ();
}
