/* test-ups.c: the UPS driver against NUT's own upsd + dummy-ups (OL -> OB -> OB LB)
 *
 * The test starts both daemons itself, unprivileged where it can, with a
 * private configuration on a free loopback port, and stops them. A second
 * case puts a fake upsd that answers nonsense behind the same driver.
 */

#include "tongban-ups.h"
#include "tongban-sim.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <unistd.h>

#define NUT_BIN "/lib/nut"

static guint
free_port (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  guint port;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);
  port = ntohs (addr.sin_port);
  close (fd);
  return port;
}

static void
write_file (const char *dir, const char *name, const char *contents, int mode)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_chmod (path, mode);
}

typedef struct
{
  GPtrArray *events;
} Seen;

static void
on_event (TongbanDevice *dev, const char *name, GVariant *payload, Seen *seen)
{
  g_ptr_array_add (seen->events, g_strdup (name));
}

static gboolean
has_events (gpointer data)
{
  return ((Seen *) data)->events->len >= 2;
}

static gboolean
has_one_event (gpointer data)
{
  return ((Seen *) data)->events->len >= 1;
}

static gboolean
nothing_pending (gpointer data)
{
  return !g_main_context_pending (NULL);
}

/* A peer must not outlive a test that failed half-way. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
stop (GSubprocess *process)
{
  if (process == NULL)
    return;
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
}

static void
test_upsd (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *link = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) driver = NULL;
  g_autoptr(GSubprocess) upsd = NULL;
  g_autoptr(GError) error = NULL;
  const char *user = getuid () == 0 ? "root" : g_get_user_name ();
  TongbanUps *ups;
  Seen seen = { g_ptr_array_new_with_free_func (g_free) };
  guint port = free_port ();

  if (!g_file_test (NUT_BIN "/upsd", G_FILE_TEST_IS_EXECUTABLE) ||
      !g_file_test (NUT_BIN "/dummy-ups", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("NUT (nut-server) is not installed");
      g_ptr_array_unref (seen.events);
      return;
    }

  dir = g_dir_make_tmp ("tongban-nut-XXXXXX", &error);
  g_assert_no_error (error);
  g_chmod (dir, 0700);
  write_file (dir, "ups.conf", "[kiosk]\n  driver = dummy-ups\n  port = kiosk.seq\n"
                               "  desc = \"test\"\n", 0600);
  conf = g_strdup_printf ("LISTEN 127.0.0.1 %u\n", port);
  write_file (dir, "upsd.conf", conf, 0600);
  write_file (dir, "upsd.users", "", 0600);
  /* OL for 2 s, then on battery, then low battery for good. */
  write_file (dir, "kiosk.seq", "ups.status: OL\nTIMER 2\nups.status: OB DISCHRG\nTIMER 2\n"
                                "ups.status: OB LB\nTIMER 3600\n", 0600);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "NUT_CONFPATH", dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "NUT_STATEPATH", dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "NUT_ALTPIDPATH", dir, TRUE);
  driver = g_subprocess_launcher_spawn (launcher, &error, NUT_BIN "/dummy-ups", "-a", "kiosk",
                                        "-u", user, "-F", NULL);
  g_assert_no_error (error);
  upsd = g_subprocess_launcher_spawn (launcher, &error, NUT_BIN "/upsd", "-u", user, "-F", NULL);
  g_assert_no_error (error);

  link = g_strdup_printf ("tcp:127.0.0.1:%u", port);
  ups = g_object_new (TONGBAN_TYPE_UPS, "name", "ups", "link", link, "ups", "kiosk",
                      "poll-interval", 100, NULL);
  g_signal_connect (ups, "event", G_CALLBACK (on_event), &seen);
  tongban_device_start (TONGBAN_DEVICE (ups));

  g_assert_true (tongban_device_wait_until (NULL, 20000, has_events, &seen));
  g_assert_cmpstr (g_ptr_array_index (seen.events, 0), ==, "on-battery");
  g_assert_cmpstr (g_ptr_array_index (seen.events, 1), ==, "low-battery");
  g_assert_cmpuint (tongban_ups_get_flags (ups) & (TONGBAN_UPS_OB | TONGBAN_UPS_LB), ==,
                    TONGBAN_UPS_OB | TONGBAN_UPS_LB);
  g_assert_cmpint (tongban_device_get_supply (TONGBAN_DEVICE (ups), "battery"), ==,
                   TONGBAN_SUPPLY_LOW);
  g_assert_cmpint (tongban_device_get_state (TONGBAN_DEVICE (ups)), ==,
                   TONGBAN_DEVICE_STATE_ONLINE);

  tongban_device_stop (TONGBAN_DEVICE (ups));
  tongban_device_wait_until (NULL, 300, nothing_pending, NULL);
  g_assert_finalize_object (ups);
  stop (upsd);
  stop (driver);
  g_ptr_array_unref (seen.events);

  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (dir);
  }
}

/* A fake upsd: "reply" decides what it answers to GET VAR. */
typedef struct
{
  const char *reply;
} FakeState;

static gsize
fake_input (TongbanSim *sim, const guint8 *data, gsize length)
{
  FakeState *st = tongban_sim_get_state (sim);
  const guint8 *nl = memchr (data, '\n', length);

  if (nl == NULL)
    return 0;
  tongban_sim_send (sim, (const guint8 *) st->reply, strlen (st->reply));
  return nl - data + 1;
}

static gboolean
fake_event (TongbanSim *sim, const char *event)
{
  FakeState *st = tongban_sim_get_state (sim);

  if (g_str_equal (event, "garbage"))
    st->reply = "HELLO \"unclosed\n";
  else if (g_str_equal (event, "stale"))
    st->reply = "ERR DATA-STALE\n";
  else if (g_str_equal (event, "fsd"))
    st->reply = "VAR kiosk ups.status \"FSD OL\"\n";
  else if (g_str_equal (event, "ol"))
    st->reply = "VAR kiosk ups.status \"OL CHRG\"\n";
  else
    return FALSE;
  return TRUE;
}

static void
fake_finalize (TongbanSim *sim)
{
  g_free (tongban_sim_get_state (sim));
}

static const TongbanSimClass fake_class = {
  .name = "fake-upsd", .input = fake_input, .event = fake_event, .finalize = fake_finalize,
};

static gboolean
state_is (gpointer data)
{
  gpointer *args = data;
  return (int) tongban_device_get_state (args[0]) == GPOINTER_TO_INT (args[1]);
}

static void
wait_state (TongbanUps *ups, TongbanDeviceState state)
{
  gpointer args[2] = { ups, GINT_TO_POINTER (state) };
  g_assert_true (tongban_device_wait_until (NULL, 5000, state_is, args));
}

static void
test_bad_upsd (void)
{
  FakeState *st = g_new0 (FakeState, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanSim) sim = NULL;
  TongbanUps *ups;
  Seen seen = { g_ptr_array_new_with_free_func (g_free) };

  st->reply = "VAR kiosk ups.status \"OL\"\n";
  sim = tongban_sim_new_tcp (&fake_class, st, 0, &error);
  g_assert_no_error (error);
  tongban_sim_start (sim);
  ups = g_object_new (TONGBAN_TYPE_UPS, "name", "ups", "link", tongban_sim_get_link (sim),
                      "ups", "kiosk", "poll-interval", 50, NULL);
  g_signal_connect (ups, "event", G_CALLBACK (on_event), &seen);
  tongban_device_start (TONGBAN_DEVICE (ups));
  wait_state (ups, TONGBAN_DEVICE_STATE_ONLINE);

  tongban_sim_inject (sim, "garbage");
  wait_state (ups, TONGBAN_DEVICE_STATE_HARDWARE_ERROR);
  tongban_sim_inject (sim, "stale");
  wait_state (ups, TONGBAN_DEVICE_STATE_OFFLINE);
  tongban_sim_inject (sim, "fsd");
  g_assert_true (tongban_device_wait_until (NULL, 5000, has_one_event, &seen));
  wait_state (ups, TONGBAN_DEVICE_STATE_ONLINE);
  /* FSD alone is treated as OB LB: one "low-battery". */
  g_assert_cmpstr (g_ptr_array_index (seen.events, 0), ==, "low-battery");
  tongban_sim_inject (sim, "ol");
  g_assert_true (tongban_device_wait_until (NULL, 5000, has_events, &seen));
  g_assert_cmpstr (g_ptr_array_index (seen.events, 1), ==, "on-line");

  tongban_device_stop (TONGBAN_DEVICE (ups));
  tongban_device_wait_until (NULL, 300, nothing_pending, NULL);
  g_assert_finalize_object (ups);
  g_ptr_array_unref (seen.events);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/ups/upsd-dummy-ups", test_upsd);
  g_test_add_func ("/drivers/ups/bad-upsd", test_bad_upsd);

  return g_test_run ();
}
