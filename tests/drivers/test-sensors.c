/* test-sensors.c: door and tilt sensors on the simulated light board, from a kiosk config */

#include "driver-test.h"
#include "tongban-device-manager.h"
#include "tongban-sensors.h"
#include "tongban-sim-panel.h"

#include <glib/gstdio.h>

typedef struct
{
  GPtrArray *events;   /* "name payload" */
  guint      next;     /* first event not yet looked at */
} Seen;

typedef struct
{
  TongbanSim           *sim;
  TongbanDeviceManager *manager;
  TongbanDevice        *lights;
  TongbanDevice        *sensors;
  Seen                  seen;
  char                 *dir;
  char                 *hwmon;   /* a temp1_input of our own */
} Fixture;

static void
on_event (TongbanDevice *dev, const char *name, GVariant *payload, Seen *seen)
{
  g_autofree char *value = payload ? g_variant_print (payload, FALSE) : g_strdup ("");

  g_ptr_array_add (seen->events, g_strdup_printf ("%s %s", name, value));
}

typedef struct
{
  Seen       *seen;
  const char *wanted;
} Wait;

static gboolean
seen_event (gpointer data)
{
  Wait *w = data;

  for (guint i = w->seen->next; i < w->seen->events->len; i++)
    if (g_str_equal (g_ptr_array_index (w->seen->events, i), w->wanted))
      {
        w->seen->next = i + 1;
        return TRUE;
      }
  return FALSE;
}

/* Waits for the event after those already looked at. */
static void
wait_event (Seen *seen, const char *wanted)
{
  Wait w = { seen, wanted };

  if (!tongban_device_wait_until (NULL, 6000, seen_event, &w))
    {
      for (guint i = 0; i < seen->events->len; i++)
        g_test_message ("event %u: %s", i, (char *) g_ptr_array_index (seen->events, i));
      g_error ("no event \"%s\"", wanted);
    }
}

static void
wait_state (TongbanDevice *device, TongbanDeviceState state)
{
  driver_test_wait_state (device, state, 6000);
}

static void
sim_do (TongbanSim *sim, const char *event)
{
  driver_test_sim_do (sim, event);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) config = g_key_file_new ();
  g_autofree char *text = NULL;

  f->sim = tongban_sim_lights_new (9600, &error);
  g_assert_no_error (error);
  tongban_sim_start (f->sim);
  f->dir = g_dir_make_tmp ("tongban-sensors-XXXXXX", &error);
  g_assert_no_error (error);
  f->hwmon = g_build_filename (f->dir, "temp1_input", NULL);
  g_assert_true (g_file_set_contents (f->hwmon, "24500\n", -1, NULL));
  text = g_strdup_printf ("[device:lights]\ntype=lights\nlink=%s\n\n"
                          "[device:cabinet]\ntype=temperature\ninput=%s\n\n"
                          "[device:sensors]\ntype=sensors\nboard=lights\n"
                          "flap-window-ms=400\ndoor=0\ntilt=3\ntemperature=cabinet\n",
                          tongban_sim_get_link (f->sim), f->hwmon);
  g_assert_true (g_key_file_load_from_data (config, text, -1, G_KEY_FILE_NONE, &error));
  f->manager = tongban_device_manager_new ();
  g_assert_true (tongban_device_manager_load (f->manager, config, &error));
  g_assert_no_error (error);
  f->lights = tongban_device_manager_get (f->manager, "lights");
  f->sensors = tongban_device_manager_get (f->manager, "sensors");
  g_assert_true (TONGBAN_IS_SENSORS (f->sensors));
  f->seen.events = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->sensors, "event", G_CALLBACK (on_event), &f->seen);
  tongban_device_manager_start (f->manager);
  wait_state (f->sensors, TONGBAN_DEVICE_STATE_ONLINE);
  wait_event (&f->seen, "sensor-changed ('door', 'off')");
  wait_event (&f->seen, "sensor-changed ('tilt', 'off')");
  wait_event (&f->seen, "sensor-changed ('temperature', 'normal')");
}

static gboolean
nothing_pending (gpointer data)
{
  return !g_main_context_pending (NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  tongban_device_manager_stop (f->manager);
  tongban_device_wait_until (NULL, 300, nothing_pending, NULL);
  g_assert_finalize_object (f->manager);
  g_ptr_array_unref (f->seen.events);
  tongban_sim_free (f->sim);
  g_unlink (f->hwmon);
  g_rmdir (f->dir);
  g_free (f->hwmon);
  g_free (f->dir);
}

static void
assert_sensor (Fixture *f, const char *sensor, const char *state)
{
  g_autofree char *now = tongban_sensors_dup_state (TONGBAN_SENSORS (f->sensors), sensor);

  g_assert_cmpstr (now, ==, state);
}

static void
test_door (Fixture *f, gconstpointer data)
{
  g_autofree char *text = NULL;

  sim_do (f->sim, "input 0 on");
  wait_event (&f->seen, "sensor-changed ('door', 'on')");
  wait_state (f->sensors, TONGBAN_DEVICE_STATE_POTENTIAL_FRAUD);
  assert_sensor (f, "door", "on");
  assert_sensor (f, "tilt", "off");
  text = tongban_device_dup_status_text (f->sensors);
  g_assert_cmpstr (text, ==, "sensors: potential-fraud");

  /* An input no sensor is on changes nothing. */
  sim_do (f->sim, "input 1 on");
  sim_do (f->sim, "input 0 off");
  wait_event (&f->seen, "sensor-changed ('door', 'off')");
  wait_state (f->sensors, TONGBAN_DEVICE_STATE_ONLINE);
  g_assert_cmpuint (f->seen.events->len, ==, f->seen.next);
  assert_sensor (f, "door", "off");
  g_assert_null (tongban_sensors_dup_state (TONGBAN_SENSORS (f->sensors), "window"));
}

static void
test_flapping (Fixture *f, gconstpointer data)
{
  /* Opened and shut back to back: both are reported, not lost. */
  sim_do (f->sim, "flap 3 2");
  wait_event (&f->seen, "sensor-changed ('tilt', 'on')");
  wait_event (&f->seen, "sensor-changed ('tilt', 'off')");

  /* Ten edges at once: flapping, an alarm, until the switch is quiet for
   * the flap window; it ends where it started (off). */
  sim_do (f->sim, "flap 3 10");
  wait_event (&f->seen, "sensor-changed ('tilt', 'flapping')");
  wait_state (f->sensors, TONGBAN_DEVICE_STATE_POTENTIAL_FRAUD);
  wait_event (&f->seen, "sensor-changed ('tilt', 'off')");
  wait_state (f->sensors, TONGBAN_DEVICE_STATE_ONLINE);

  /* An odd number of edges leaves it on once quiet. */
  sim_do (f->sim, "flap 3 7");
  wait_event (&f->seen, "sensor-changed ('tilt', 'flapping')");
  wait_event (&f->seen, "sensor-changed ('tilt', 'on')");
  wait_state (f->sensors, TONGBAN_DEVICE_STATE_POTENTIAL_FRAUD);
  assert_sensor (f, "door", "off");
}

static void
test_board_silent (Fixture *f, gconstpointer data)
{
  /* The board hangs: within its quiet time plus a reply timeout the board
   * is lost, and the sensors are unknown rather than trusted. */
  sim_do (f->sim, "silent");
  wait_state (f->lights, TONGBAN_DEVICE_STATE_NO_DEVICE);
  wait_event (&f->seen, "sensor-changed ('door', 'unknown')");
  wait_state (f->sensors, TONGBAN_DEVICE_STATE_NO_DEVICE);
  assert_sensor (f, "tilt", "unknown");

  /* The door opens while nobody hears it; the board recovers and tells. */
  sim_do (f->sim, "input 0 on");
  sim_do (f->sim, "answer");
  wait_state (f->lights, TONGBAN_DEVICE_STATE_ONLINE);
  wait_event (&f->seen, "sensor-changed ('door', 'on')");
  wait_state (f->sensors, TONGBAN_DEVICE_STATE_POTENTIAL_FRAUD);
  assert_sensor (f, "tilt", "off");
}

static void
test_temperature (Fixture *f, gconstpointer data)
{
  TongbanDevice *cabinet = tongban_device_manager_get (f->manager, "cabinet");

  /* Above the warning level (35 °C): reported, but no alarm of fraud. */
  g_assert_true (g_file_set_contents (f->hwmon, "40000\n", -1, NULL));
  wait_event (&f->seen, "sensor-changed ('temperature', 'high')");
  g_assert_cmpint (tongban_device_get_state (f->sensors), ==, TONGBAN_DEVICE_STATE_ONLINE);
  assert_sensor (f, "temperature", "high");

  /* The sensor cannot be read: unknown, until it can again. */
  g_assert_cmpint (g_unlink (f->hwmon), ==, 0);
  wait_event (&f->seen, "sensor-changed ('temperature', 'unknown')");
  wait_state (cabinet, TONGBAN_DEVICE_STATE_NO_DEVICE);
  g_assert_true (g_file_set_contents (f->hwmon, "21000\n", -1, NULL));
  wait_event (&f->seen, "sensor-changed ('temperature', 'normal')");
  wait_state (cabinet, TONGBAN_DEVICE_STATE_ONLINE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/drivers/sensors/door", Fixture, NULL, fixture_set_up, test_door,
              fixture_tear_down);
  g_test_add ("/drivers/sensors/flapping", Fixture, NULL, fixture_set_up, test_flapping,
              fixture_tear_down);
  g_test_add ("/drivers/sensors/board-silent", Fixture, NULL, fixture_set_up, test_board_silent,
              fixture_tear_down);
  g_test_add ("/drivers/sensors/temperature", Fixture, NULL, fixture_set_up, test_temperature,
              fixture_tear_down);

  return g_test_run ();
}
