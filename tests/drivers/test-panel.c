/* test-panel.c: PIN pad, light board and barcode scanner drivers against their pty simulators */

#include "tongban-pinpad.h"
#include "tongban-lights.h"
#include "tongban-barcode-scanner.h"
#include "tongban-keywedge.h"
#include "tongban-sim-panel.h"

#include <linux/input.h>

typedef struct
{
  GPtrArray *events;   /* "name payload" */
  guint      done;
  gboolean   ok;
  GError    *error;
} Seen;

static void
on_event (TongbanDevice *dev, const char *name, GVariant *payload, Seen *seen)
{
  g_autofree char *value = payload ? g_variant_print (payload, FALSE) : g_strdup ("");

  g_ptr_array_add (seen->events, g_strdup_printf ("%s %s", name, value));
}

static gboolean
has_n_events (gpointer data)
{
  gpointer *args = data;
  return ((Seen *) args[0])->events->len >= GPOINTER_TO_UINT (args[1]);
}

static void
wait_events (Seen *seen, guint n)
{
  gpointer args[2] = { seen, GUINT_TO_POINTER (n) };
  g_assert_true (tongban_device_wait_until (NULL, 5000, has_n_events, args));
}

static gboolean
online (gpointer data)
{
  return tongban_device_get_state (data) == TONGBAN_DEVICE_STATE_ONLINE;
}

static gboolean
nothing_pending (gpointer data)
{
  return !g_main_context_pending (NULL);
}

static void
finish_device (gpointer device)
{
  tongban_device_stop (device);
  tongban_device_wait_until (NULL, 300, nothing_pending, NULL);
  g_assert_finalize_object (device);
}

static void
sim_do (TongbanSim *sim, const char *event)
{
  guint target = tongban_sim_get_events_done (sim) + 1;
  gint64 limit = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  tongban_sim_inject (sim, event);
  while (tongban_sim_get_events_done (sim) < target)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, limit);
      g_usleep (1000);
    }
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Seen *seen = data;

  g_clear_error (&seen->error);
  if (TONGBAN_IS_PINPAD (source))
    seen->ok = tongban_pinpad_enable_finish (TONGBAN_PINPAD (source), result, &seen->error);
  else
    seen->ok = tongban_lights_set_finish (TONGBAN_LIGHTS (source), result, &seen->error);
  seen->done++;
}

static gboolean
done (gpointer data)
{
  gpointer *args = data;
  return ((Seen *) args[0])->done >= GPOINTER_TO_UINT (args[1]);
}

static void
wait_done (Seen *seen)
{
  gpointer args[2] = { seen, GUINT_TO_POINTER (seen->done + 1) };
  g_assert_true (tongban_device_wait_until (NULL, 5000, done, args));
}

static void
test_pinpad (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanSim) sim = tongban_sim_pinpad_new (9600, &error);
  TongbanPinpad *pad;
  Seen seen = { g_ptr_array_new_with_free_func (g_free) };

  g_assert_no_error (error);
  tongban_sim_start (sim);
  pad = tongban_pinpad_new ("pinpad", tongban_sim_get_link (sim));
  g_signal_connect (pad, "event", G_CALLBACK (on_event), &seen);
  tongban_device_start (TONGBAN_DEVICE (pad));
  g_assert_true (tongban_device_wait_until (NULL, 5000, online, pad));

  /* Disabled: keys are not sent. */
  sim_do (sim, "key 1");
  g_assert_false (tongban_sim_pinpad_get_enabled (sim));

  tongban_pinpad_enable_async (pad, TRUE, NULL, on_done, &seen);
  wait_done (&seen);
  g_assert_no_error (seen.error);
  g_assert_true (tongban_sim_pinpad_get_enabled (sim));
  sim_do (sim, "keys 42");
  sim_do (sim, "key .");
  sim_do (sim, "key enter");
  wait_events (&seen, 4);
  g_assert_cmpstr (g_ptr_array_index (seen.events, 0), ==, "key-pressed 'four'");
  g_assert_cmpstr (g_ptr_array_index (seen.events, 1), ==, "key-pressed 'two'");
  g_assert_cmpstr (g_ptr_array_index (seen.events, 2), ==, "key-pressed 'decPoint'");
  g_assert_cmpstr (g_ptr_array_index (seen.events, 3), ==, "key-pressed 'enter'");

  /* A corrupt frame is dropped; the next key still arrives. */
  sim_do (sim, "garbage");
  sim_do (sim, "key cancel");
  wait_events (&seen, 5);
  g_assert_cmpstr (g_ptr_array_index (seen.events, 4), ==, "key-pressed 'cancel'");

  finish_device (pad);
  g_ptr_array_unref (seen.events);
}

static void
test_lights (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanSim) sim = tongban_sim_lights_new (9600, &error);
  TongbanLights *lights;
  Seen seen = { g_ptr_array_new_with_free_func (g_free) };

  g_assert_no_error (error);
  tongban_sim_start (sim);
  sim_do (sim, "input 4 on");
  lights = tongban_lights_new ("lights", tongban_sim_get_link (sim));
  g_signal_connect (lights, "event", G_CALLBACK (on_event), &seen);
  tongban_device_start (TONGBAN_DEVICE (lights));
  g_assert_true (tongban_device_wait_until (NULL, 5000, online, lights));
  g_assert_cmpuint (tongban_lights_get_inputs (lights), ==, 1u << 4);

  tongban_lights_set_async (lights, 7, TONGBAN_FLASH_QUICK, NULL, on_done, &seen);
  wait_done (&seen);
  g_assert_no_error (seen.error);
  g_assert_cmpint (tongban_sim_lights_get_output (sim, 7), ==, TONGBAN_FLASH_QUICK);
  g_assert_cmpint (tongban_sim_lights_get_output (sim, 6), ==, TONGBAN_FLASH_OFF);

  sim_do (sim, "refuse");
  tongban_lights_set_async (lights, 19, TONGBAN_FLASH_SLOW, NULL, on_done, &seen);
  wait_done (&seen);
  g_assert_error (seen.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_HARDWARE_ERROR);

  /* The door switch (input 0) opens while idle. */
  sim_do (sim, "input 0 on");
  wait_events (&seen, 2);
  g_assert_cmpstr (g_ptr_array_index (seen.events, 1), ==, "input-changed 17");
  g_assert_cmpuint (tongban_lights_get_inputs (lights), ==, 17);

  finish_device (lights);
  g_ptr_array_unref (seen.events);
}

static void
test_scanner_serial (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanSim) sim = tongban_sim_scanner_new (115200, &error);
  TongbanBarcodeScanner *scanner;
  Seen seen = { g_ptr_array_new_with_free_func (g_free) };

  g_assert_no_error (error);
  tongban_sim_start (sim);
  scanner = tongban_barcode_scanner_new ("scanner", tongban_sim_get_link (sim));
  g_signal_connect (scanner, "event", G_CALLBACK (on_event), &seen);
  tongban_device_start (TONGBAN_DEVICE (scanner));
  g_assert_true (tongban_device_wait_until (NULL, 5000, online, scanner));

  sim_do (sim, "scan https://gba.example/pay?o=1");
  sim_do (sim, "scan 粤康码 4401");
  wait_events (&seen, 2);
  g_assert_cmpstr (g_ptr_array_index (seen.events, 0), ==,
                   "scanned 'https://gba.example/pay?o=1'");
  g_assert_cmpstr (g_ptr_array_index (seen.events, 1), ==, "scanned '粤康码 4401'");

  finish_device (scanner);
  g_ptr_array_unref (seen.events);
}

static void
test_keywedge (void)
{
  g_autoptr(TongbanKeywedge) kw = tongban_keywedge_new ();
  const struct { guint16 code; gint32 value; } keys[] = {
    { KEY_LEFTSHIFT, 1 }, { KEY_A, 1 }, { KEY_A, 0 }, { KEY_LEFTSHIFT, 0 }, { KEY_B, 1 },
    { KEY_1, 1 }, { KEY_1, 2 }, { KEY_SLASH, 1 }, { KEY_SPACE, 1 }, { KEY_F1, 1 },
  };
  char *line = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_null (tongban_keywedge_feed (kw, EV_KEY, keys[i].code, keys[i].value));
  g_assert_null (tongban_keywedge_feed (kw, EV_MSC, 4, 0x70004));
  line = tongban_keywedge_feed (kw, EV_KEY, KEY_ENTER, 1);
  g_assert_cmpstr (line, ==, "Ab1/ ");
  g_free (line);
  line = tongban_keywedge_feed (kw, EV_KEY, KEY_KPENTER, 1);
  g_assert_cmpstr (line, ==, "");
  g_free (line);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/panel/pinpad", test_pinpad);
  g_test_add_func ("/drivers/panel/lights", test_lights);
  g_test_add_func ("/drivers/panel/scanner-serial", test_scanner_serial);
  g_test_add_func ("/drivers/panel/keywedge", test_keywedge);

  return g_test_run ();
}
