/* test-panel.c: PIN pad, light board and barcode scanner drivers against their pty simulators */

#include "tongban-pinpad.h"
#include "tongban-lights.h"
#include "tongban-barcode-scanner.h"
#include "tongban-hidpos.h"
#include "tongban-keywedge.h"
#include "tongban-sim-panel.h"

#include <glib/gstdio.h>
#include <linux/input.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

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

static void
on_status (TongbanDevice *dev, int state, guint *lost)
{
  if (state == TONGBAN_DEVICE_STATE_NO_DEVICE)
    (*lost)++;
}

static gboolean
was_lost (gpointer data)
{
  return *(guint *) data > 0;
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
  g_assert_true (tongban_sim_inject_wait (sim, event, 5000));
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
                   "scanned ('unknown', <'https://gba.example/pay?o=1'>)");
  g_assert_cmpstr (g_ptr_array_index (seen.events, 1), ==,
                   "scanned ('unknown', <'粤康码 4401'>)");

  finish_device (scanner);
  g_ptr_array_unref (seen.events);
}

/* The scanner's end of a hidraw link: a SOCK_SEQPACKET socket keeps each
 * report whole, as hidraw's read() does (there is no uhid to make a real
 * hidraw node here). */
static int
hid_listen (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpuint (strlen (path), <, sizeof addr.sun_path);
  strcpy (addr.sun_path, path);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (fd, 1), ==, 0);
  return fd;
}

static int
hid_accept (int listener)
{
  struct pollfd pfd = { listener, POLLIN, 0 };
  int fd;

  g_assert_cmpint (poll (&pfd, 1, 5000), ==, 1);
  fd = accept (listener, NULL, NULL);
  g_assert_cmpint (fd, >=, 0);
  return fd;
}

static void
hid_send (int fd, const void *report, gsize size)
{
  g_assert_cmpint (send (fd, report, size, 0), ==, (gssize) size);
}

static void
hid_send_code (int fd, const char *aim, const void *data, gsize length)
{
  g_autoptr(GPtrArray) reports = tongban_hidpos_build (aim, data, length);

  for (guint i = 0; i < reports->len; i++)
    {
      gsize size;
      const guint8 *r = g_bytes_get_data (g_ptr_array_index (reports, i), &size);

      hid_send (fd, r, size);
    }
}

static void
test_scanner_hidpos (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tongban-hid-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "hidraw0", NULL);
  g_autofree char *link = g_strconcat ("hidraw:", path, NULL);
  g_autoptr(GString) url = g_string_new ("https://gba.example/verify?doc=2026112700042&sig=");
  static const char gb18030[] = "\\000032\xd4\xc1\xb8\xdb\xb0\xc4\xb4\xf3\xcd\xe5\xc7\xf8";
  static const guint8 binary[] = { 0x00, 0xff, 0x80, 0x41 };
  static const char pdf417[] =
    "ANSI 636000090002DL00410278ZV03190008DLDAQ44010012345678DCS CHAN DAC TAI MAN";
  g_autofree char *expected = NULL;
  guint8 report[TONGBAN_HIDPOS_REPORT_SIZE] = {
    TONGBAN_HIDPOS_REPORT_ID, 1, ']', 'Q', '1', 'x',
  };
  TongbanBarcodeScanner *scanner;
  Seen seen = { g_ptr_array_new_with_free_func (g_free) };
  guint lost = 0;
  int listener, peer;

  g_assert_no_error (error);
  listener = hid_listen (path);
  scanner = tongban_barcode_scanner_new ("scanner", link);
  g_signal_connect (scanner, "event", G_CALLBACK (on_event), &seen);
  g_signal_connect (scanner, "status-changed", G_CALLBACK (on_status), &lost);
  tongban_device_start (TONGBAN_DEVICE (scanner));
  peer = hid_accept (listener);
  g_assert_true (tongban_device_wait_until (NULL, 5000, online, scanner));

  /* A URL over three reports, Chinese in GB 18030 by ECI, binary, PDF417. */
  while (url->len < 150)
    g_string_append (url, "3f9a1c0d7e");
  hid_send_code (peer, "]Q1", url->str, url->len);
  hid_send_code (peer, "]Q2", gb18030, sizeof gb18030 - 1);
  hid_send_code (peer, "]Q1", binary, sizeof binary);
  hid_send_code (peer, "]L2", pdf417, sizeof pdf417 - 1);
  wait_events (&seen, 4);
  expected = g_strdup_printf ("scanned ('qr-code', <'%s'>)", url->str);
  g_assert_cmpstr (g_ptr_array_index (seen.events, 0), ==, expected);
  g_assert_cmpstr (g_ptr_array_index (seen.events, 1), ==,
                   "scanned ('qr-code', <'粤港澳大湾区'>)");
  g_assert_cmpstr (g_ptr_array_index (seen.events, 2), ==,
                   "scanned ('qr-code', <[byte 0x00, 0xff, 0x80, 0x41]>)");
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("scanned ('pdf417', <'%s'>)", pdf417);
  g_assert_cmpstr (g_ptr_array_index (seen.events, 3), ==, expected);

  /* A short report, then a continued code that changes symbology: each is
   * invalid data, and the scanner carries on with the next code. */
  hid_send (peer, report, 10);
  report[63] = 1;
  hid_send (peer, report, sizeof report);
  report[3] = 'L';
  hid_send (peer, report, sizeof report);
  hid_send_code (peer, "]Q1", "4401", 4);
  wait_events (&seen, 7);
  g_assert_cmpstr (g_ptr_array_index (seen.events, 4), ==, "scan-failed 'invalid-data'");
  g_assert_cmpstr (g_ptr_array_index (seen.events, 5), ==, "scan-failed 'invalid-data'");
  g_assert_cmpstr (g_ptr_array_index (seen.events, 6), ==, "scanned ('qr-code', <'4401'>)");
  g_assert_cmpint (tongban_device_get_state (TONGBAN_DEVICE (scanner)), ==,
                   TONGBAN_DEVICE_STATE_ONLINE);

  /* Unplugged: the read ends, the scanner is gone until it comes back. */
  g_assert_cmpuint (lost, ==, 0);
  close (peer);
  g_assert_true (tongban_device_wait_until (NULL, 5000, was_lost, &lost));
  peer = hid_accept (listener);
  g_assert_true (tongban_device_wait_until (NULL, 5000, online, scanner));
  hid_send_code (peer, "]Q1", "back", 4);
  wait_events (&seen, 8);
  g_assert_cmpstr (g_ptr_array_index (seen.events, 7), ==, "scanned ('qr-code', <'back'>)");

  finish_device (scanner);
  g_ptr_array_unref (seen.events);
  close (peer);
  close (listener);
  g_unlink (path);
  g_rmdir (dir);
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
  g_test_add_func ("/drivers/panel/scanner-hidpos", test_scanner_hidpos);
  g_test_add_func ("/drivers/panel/keywedge", test_keywedge);

  return g_test_run ();
}
