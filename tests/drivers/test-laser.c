/* test-laser.c: the laser printer driver against CUPS's ippeveprinter (a real IPP printer)
 *
 * ippeveprinter needs DNS-SD even with advertising off, so the test runs a
 * private system bus (DBUS_SYSTEM_BUS_ADDRESS) and avahi-daemon on it, then
 * ippeveprinter with a job command that prints into a folder, or reports
 * "STATE: +media-empty" and fails the job when the test asks for no paper.
 * Needs root for avahi-daemon; skipped, with the reason, otherwise. A
 * certificate from the document renderer is printed too, read back by poppler.
 */

#include "tongban-document.h"
#include "tongban-laser-printer.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <poppler.h>
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
print_bytes (TongbanLaserPrinter *printer, GBytes *doc, Result *r)
{
  gpointer args[2] = { r, GUINT_TO_POINTER (r->done + 1) };

  tongban_laser_printer_print_async (printer, doc, "receipt", 20000, NULL, on_printed, r);
  g_assert_true (tongban_device_wait_until (NULL, 30000, printed, args));
}

static void
print (TongbanLaserPrinter *printer, Result *r)
{
  g_autoptr(GBytes) doc = g_bytes_new_static (pdf, sizeof pdf - 1);

  print_bytes (printer, doc, r);
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

/* ippeveprinter on a private bus with its own avahi-daemon, and the driver. */
typedef struct
{
  char                *dir;
  char                *bus;
  char                *command;
  char                *spool;
  char                *no_paper;
  char                *output;
  char                *port;
  GSubprocessLauncher *launcher;
  GSubprocess         *dbus;
  GSubprocess         *avahi;
  GSubprocess         *ipp;
  TongbanLaserPrinter *printer;
} Peer;

static gboolean
peer_start (Peer *peer)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *uri = NULL;
  guint n = free_port ();

  if (getuid () != 0)
    {
      g_test_skip ("avahi-daemon (needed by ippeveprinter) needs root");
      return FALSE;
    }
  if (!g_file_test (IPPEVEPRINTER, G_FILE_TEST_IS_EXECUTABLE) ||
      !g_file_test (AVAHI, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("ippeveprinter (cups-ipp-utils) or avahi-daemon is not installed");
      return FALSE;
    }
  if (other_avahi_running ())
    {
      g_test_skip ("another avahi-daemon is running");
      return FALSE;
    }

  peer->dir = g_dir_make_tmp ("tongban-ipp-XXXXXX", &error);
  g_assert_no_error (error);
  peer->bus = g_build_filename (peer->dir, "system_bus", NULL);
  address = g_strdup_printf ("unix:path=%s", peer->bus);
  peer->command = g_build_filename (peer->dir, "print-job.sh", NULL);
  peer->spool = g_build_filename (peer->dir, "spool", NULL);
  peer->no_paper = g_build_filename (peer->dir, "no-paper", NULL);
  peer->output = g_build_filename (peer->dir, "printed.pdf", NULL);
  g_mkdir (peer->spool, 0700);
  g_file_set_contents (peer->command, job_command, -1, &error);
  g_assert_no_error (error);
  g_chmod (peer->command, 0700);

  peer->launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                              G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (peer->launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (peer->launcher, "DBUS_SYSTEM_BUS_ADDRESS", address, TRUE);
  g_subprocess_launcher_setenv (peer->launcher, "TONGBAN_LASER_DIR", peer->dir, TRUE);
  peer->dbus = g_subprocess_launcher_spawn (peer->launcher, &error, "dbus-daemon",
                                            "--config-file=/usr/share/dbus-1/system.conf",
                                            "--nofork", "--nopidfile", "--address", address,
                                            NULL);
  g_assert_no_error (error);
  g_assert_true (tongban_device_wait_until (NULL, 10000, file_exists, peer->bus));
  peer->avahi = g_subprocess_launcher_spawn (peer->launcher, &error, AVAHI, "--no-drop-root",
                                             "--no-chroot", "--no-rlimits", NULL);
  g_assert_no_error (error);
  g_assert_true (tongban_device_wait_until (NULL, 10000, avahi_started, NULL));
  peer->port = g_strdup_printf ("%u", n);
  peer->ipp = spawn_printer (peer->launcher, peer->port, peer->spool, peer->command);

  uri = g_strdup_printf ("ipp://localhost:%u/ipp/print", n);
  peer->printer = g_object_new (TONGBAN_TYPE_LASER_PRINTER, "name", "laser", "uri", uri,
                                "poll-interval", 100, NULL);
  tongban_device_start (TONGBAN_DEVICE (peer->printer));
  g_assert_true (tongban_device_wait_until (NULL, 20000, online, peer->printer));
  return TRUE;
}

static void
peer_stop (Peer *peer)
{
  stop (peer->ipp);
  g_clear_object (&peer->ipp);
  tongban_device_stop (TONGBAN_DEVICE (peer->printer));
  tongban_device_wait_until (NULL, 300, nothing_pending, NULL);
  g_assert_finalize_object (peer->printer);
  stop (peer->avahi);
  stop (peer->dbus);
  g_clear_object (&peer->avahi);
  g_clear_object (&peer->dbus);
  g_clear_object (&peer->launcher);
  remove_tree (peer->dir);
  g_free (peer->dir);
  g_free (peer->bus);
  g_free (peer->command);
  g_free (peer->spool);
  g_free (peer->no_paper);
  g_free (peer->output);
  g_free (peer->port);
}

static void
test_ipp (void)
{
  Peer peer = { NULL, };
  Result r = { 0 };
  gpointer paper_out[2] = { NULL, GINT_TO_POINTER (TONGBAN_SUPPLY_OUT) };
  gpointer paper_full[2] = { NULL, GINT_TO_POINTER (TONGBAN_SUPPLY_FULL) };
  TongbanLaserPrinter *printer;

  if (!peer_start (&peer))
    return;
  printer = peer.printer;
  paper_out[0] = paper_full[0] = printer;

  print (printer, &r);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_true (g_file_test (peer.output, G_FILE_TEST_EXISTS));
  g_unlink (peer.output);

  /* Out of paper: the job is aborted, the supply says so. */
  g_file_set_contents (peer.no_paper, "", 0, NULL);
  print (printer, &r);
  g_assert_error (r.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_COMMAND_ERROR);
  g_assert_true (tongban_device_wait_until (NULL, 5000, paper_is, paper_out));
  g_assert_false (g_file_test (peer.output, G_FILE_TEST_EXISTS));

  /* Power off: the printer goes away, commands fail at once. */
  stop (peer.ipp);
  g_clear_object (&peer.ipp);
  print (printer, &r);
  g_assert_error (r.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY);

  /* Paper loaded, power on: the driver finds it again by itself. */
  g_unlink (peer.no_paper);
  peer.ipp = spawn_printer (peer.launcher, peer.port, peer.spool, peer.command);
  g_assert_true (tongban_device_wait_until (NULL, 20000, paper_is, paper_full));
  g_assert_true (tongban_device_wait_until (NULL, 20000, online, printer));
  print (printer, &r);
  g_assert_no_error (r.error);
  g_assert_true (g_file_test (peer.output, G_FILE_TEST_EXISTS));

  g_clear_error (&r.error);
  peer_stop (&peer);
}


static const char certificate[] =
  "{\"template\": \"hpf-certificate\", \"number\": \"GZHPF-20261127-000042\","
  " \"verify_url\": \"http://127.0.0.1:8650/verify/GZHPF-20261127-000042\","
  " \"issued\": \"2026-11-27\", \"fields\": {"
  "  \"holder\": {\"name\": {\"zh_CN\": \"陈大文\", \"zh_HK\": \"陳大文\", \"en\": \"CHAN Tai Man\"},"
  "             \"id_number\": \"440106199001011234\"},"
  "  \"rows\": [{\"label\": {\"zh_HK\": \"繳存狀態\", \"en\": \"Status\"},"
  "             \"value\": {\"zh_HK\": \"正常繳存\", \"en\": \"Paying\"}}],"
  "  \"statement\": {\"zh_HK\": \"茲證明上述人士的住房公積金繳存紀錄如上。\","
  "                \"en\": \"The deposits of the person above are as shown.\"}}}";

/* A certificate from the renderer reaches the printer whole; out of paper
 * the job fails and the same bytes print again once paper is loaded. */
static void
test_certificate (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(TongbanDocument) document = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *printed_pdf = NULL;
  gsize printed_length = 0;
  Peer peer = { NULL, };
  Result r = { 0 };
  gpointer paper_full[2] = { NULL, GINT_TO_POINTER (TONGBAN_SUPPLY_FULL) };

  g_assert_true (json_parser_load_from_data (parser, certificate, -1, NULL));
  document = tongban_document_new (json_node_get_object (json_parser_get_root (parser)),
                                   TONGBAN_LANGUAGE_ZH_HK, &error);
  g_assert_no_error (error);
  bytes = tongban_document_render_pdf (document, &error);
  g_assert_no_error (error);
  if (!peer_start (&peer))
    return;
  paper_full[0] = peer.printer;

  /* Out of paper first: nothing comes out, the bytes are still there. */
  g_file_set_contents (peer.no_paper, "", 0, NULL);
  print_bytes (peer.printer, bytes, &r);
  g_assert_error (r.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_COMMAND_ERROR);
  g_assert_false (g_file_test (peer.output, G_FILE_TEST_EXISTS));

  /* Paper loaded (ippeveprinter keeps media-empty until it restarts, as in
   * test_ipp): the reprint is the same document. */
  g_unlink (peer.no_paper);
  stop (peer.ipp);
  g_clear_object (&peer.ipp);
  peer.ipp = spawn_printer (peer.launcher, peer.port, peer.spool, peer.command);
  g_assert_true (tongban_device_wait_until (NULL, 20000, paper_is, paper_full));
  g_assert_true (tongban_device_wait_until (NULL, 20000, online, peer.printer));
  print_bytes (peer.printer, bytes, &r);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_true (g_file_get_contents (peer.output, &printed_pdf, &printed_length, NULL));
  g_assert_cmpmem (printed_pdf, printed_length, g_bytes_get_data (bytes, NULL),
                   g_bytes_get_size (bytes));
  {
    g_autoptr(GBytes) got = g_bytes_new_take (g_steal_pointer (&printed_pdf), printed_length);
    PopplerDocument *doc = poppler_document_new_from_bytes (got, NULL, &error);
    PopplerPage *page;
    g_autofree char *text = NULL;

    g_assert_no_error (error);
    page = poppler_document_get_page (doc, 0);
    text = poppler_page_get_text (page);
    g_assert_nonnull (strstr (text, "住房公積金繳存證明"));
    g_assert_nonnull (strstr (text, "GZHPF-20261127-000042"));
    g_assert_nonnull (strstr (text, "陳大文"));
    g_object_unref (page);
    g_object_unref (doc);
  }
  g_clear_error (&r.error);
  peer_stop (&peer);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tongban_i18n_init (g_getenv ("TONGBAN_LOCALEDIR"));

  g_test_add_func ("/drivers/laser/ipp", test_ipp);
  g_test_add_func ("/drivers/laser/certificate", test_certificate);

  return g_test_run ();
}
