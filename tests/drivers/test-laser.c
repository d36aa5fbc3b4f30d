/* test-laser.c: the laser printer driver against CUPS's ippeveprinter (a real IPP printer)
 *
 * ippeveprinter needs DNS-SD even with advertising off, so the test runs a
 * private system bus (DBUS_SYSTEM_BUS_ADDRESS) and avahi-daemon on it, then
 * ippeveprinter with a job command that prints into a folder, or reports
 * "STATE: +media-empty" and fails the job when the test asks for no paper.
 * Needs root for avahi-daemon; skipped, with the reason, otherwise.
 */

#include "tongban-laser-printer.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <unistd.h>

#define IPPEVEPRINTER "/usr/sbin/ippeveprinter"
#define AVAHI "/usr/sbin/avahi-daemon"

/* A one-page PDF. */
static const char pdf[] =
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
  "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
  "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
  "trailer<</Root 1 0 R>>\n%%EOF\n";

static const char job_command[] =
  "#!/bin/sh\n"
  "# ippeveprinter runs this for each job, with the document as $1.\n"
  "if [ -e \"$TONGBAN_LASER_DIR/no-paper\" ]; then\n"
  "  echo 'STATE: +media-empty' >&2\n"
  "  exit 1\n"
  "fi\n"
  "echo 'STATE: -media-empty' >&2\n"
  "cp \"$1\" \"$TONGBAN_LASER_DIR/printed.pdf\"\n";

typedef struct
{
  guint    done;
  gboolean ok;
  GError  *error;
} Result;

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

static gboolean
other_avahi_running (void)
{
  g_autofree char *pid = NULL;

  if (!g_file_get_contents ("/run/avahi-daemon/pid", &pid, NULL, NULL))
    return FALSE;
  return kill ((pid_t) g_ascii_strtoll (pid, NULL, 10), 0) == 0;
}

static gboolean
avahi_started (gpointer data)
{
  return other_avahi_running ();
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
online (gpointer data)
{
  return tongban_device_get_state (data) == TONGBAN_DEVICE_STATE_ONLINE;
}

static gboolean
paper_is (gpointer data)
{
  gpointer *args = data;
  return (int) tongban_device_get_supply (args[0], "paper") == GPOINTER_TO_INT (args[1]);
}

static gboolean
nothing_pending (gpointer data)
{
  return !g_main_context_pending (NULL);
}

static void
on_printed (GObject *source, GAsyncResult *result, gpointer data)
{
  Result *r = data;

  g_clear_error (&r->error);
  r->ok = tongban_laser_printer_print_finish (TONGBAN_LASER_PRINTER (source), result, &r->error);
  r->done++;
}

static gboolean
printed (gpointer data)
{
  gpointer *args = data;
  return ((Result *) args[0])->done >= GPOINTER_TO_UINT (args[1]);
}

static void
print (TongbanLaserPrinter *printer, Result *r)
{
  g_autoptr(GBytes) doc = g_bytes_new_static (pdf, sizeof pdf - 1);
  gpointer args[2] = { r, GUINT_TO_POINTER (r->done + 1) };

  tongban_laser_printer_print_async (printer, doc, "receipt", 20000, NULL, on_printed, r);
  g_assert_true (tongban_device_wait_until (NULL, 30000, printed, args));
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
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

static GSubprocess *
spawn_printer (GSubprocessLauncher *launcher,
               const char          *port,
               const char          *spool,
               const char          *command)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *ipp;

  ipp = g_subprocess_launcher_spawn (launcher, &error, IPPEVEPRINTER, "-r", "off",
                                     "-f", "application/pdf", "-p", port, "-d", spool,
                                     "-c", command, "Tongban Laser", NULL);
  g_assert_no_error (error);
  return ipp;
}

static void
test_ipp (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *bus = NULL;
  g_autofree char *address = NULL;
  g_autofree char *command = NULL;
  g_autofree char *spool = NULL;
  g_autofree char *no_paper = NULL;
  g_autofree char *output = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *port = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) dbus = NULL;
  g_autoptr(GSubprocess) avahi = NULL;
  g_autoptr(GSubprocess) ipp = NULL;
  TongbanLaserPrinter *printer;
  Result r = { 0 };
  guint n = free_port ();
  gpointer paper_out[2] = { NULL, GINT_TO_POINTER (TONGBAN_SUPPLY_OUT) };
  gpointer paper_full[2] = { NULL, GINT_TO_POINTER (TONGBAN_SUPPLY_FULL) };

  if (getuid () != 0)
    {
      g_test_skip ("avahi-daemon (needed by ippeveprinter) needs root");
      return;
    }
  if (!g_file_test (IPPEVEPRINTER, G_FILE_TEST_IS_EXECUTABLE) ||
      !g_file_test (AVAHI, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("ippeveprinter (cups-ipp-utils) or avahi-daemon is not installed");
      return;
    }
  if (other_avahi_running ())
    {
      g_test_skip ("another avahi-daemon is running");
      return;
    }

  dir = g_dir_make_tmp ("tongban-ipp-XXXXXX", &error);
  g_assert_no_error (error);
  bus = g_build_filename (dir, "system_bus", NULL);
  address = g_strdup_printf ("unix:path=%s", bus);
  command = g_build_filename (dir, "print-job.sh", NULL);
  spool = g_build_filename (dir, "spool", NULL);
  no_paper = g_build_filename (dir, "no-paper", NULL);
  output = g_build_filename (dir, "printed.pdf", NULL);
  g_mkdir (spool, 0700);
  g_file_set_contents (command, job_command, -1, &error);
  g_assert_no_error (error);
  g_chmod (command, 0700);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "DBUS_SYSTEM_BUS_ADDRESS", address, TRUE);
  g_subprocess_launcher_setenv (launcher, "TONGBAN_LASER_DIR", dir, TRUE);
  dbus = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon",
                                      "--config-file=/usr/share/dbus-1/system.conf",
                                      "--nofork", "--nopidfile", "--address", address, NULL);
  g_assert_no_error (error);
  g_assert_true (tongban_device_wait_until (NULL, 10000, file_exists, bus));
  avahi = g_subprocess_launcher_spawn (launcher, &error, AVAHI, "--no-drop-root", "--no-chroot",
                                       "--no-rlimits", NULL);
  g_assert_no_error (error);
  g_assert_true (tongban_device_wait_until (NULL, 10000, avahi_started, NULL));
  port = g_strdup_printf ("%u", n);
  ipp = spawn_printer (launcher, port, spool, command);

  uri = g_strdup_printf ("ipp://localhost:%u/ipp/print", n);
  printer = g_object_new (TONGBAN_TYPE_LASER_PRINTER, "name", "laser", "uri", uri,
                          "poll-interval", 100, NULL);
  paper_out[0] = paper_full[0] = printer;
  tongban_device_start (TONGBAN_DEVICE (printer));
  g_assert_true (tongban_device_wait_until (NULL, 20000, online, printer));

  print (printer, &r);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_true (g_file_test (output, G_FILE_TEST_EXISTS));
  g_unlink (output);

  /* Out of paper: the job is aborted, the supply says so. */
  g_file_set_contents (no_paper, "", 0, NULL);
  print (printer, &r);
  g_assert_error (r.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_COMMAND_ERROR);
  g_assert_true (tongban_device_wait_until (NULL, 5000, paper_is, paper_out));
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));

  /* Power off: the printer goes away, commands fail at once. */
  stop (ipp);
  g_clear_object (&ipp);
  print (printer, &r);
  g_assert_error (r.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY);

  /* Paper loaded, power on: the driver finds it again by itself. */
  g_unlink (no_paper);
  ipp = spawn_printer (launcher, port, spool, command);
  g_assert_true (tongban_device_wait_until (NULL, 20000, paper_is, paper_full));
  g_assert_true (tongban_device_wait_until (NULL, 20000, online, printer));
  print (printer, &r);
  g_assert_no_error (r.error);
  g_assert_true (g_file_test (output, G_FILE_TEST_EXISTS));
  stop (ipp);
  g_clear_object (&ipp);

  tongban_device_stop (TONGBAN_DEVICE (printer));
  tongban_device_wait_until (NULL, 300, nothing_pending, NULL);
  g_assert_finalize_object (printer);
  g_clear_error (&r.error);
  stop (avahi);
  stop (dbus);
  remove_tree (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/laser/ipp", test_ipp);

  return g_test_run ();
}
