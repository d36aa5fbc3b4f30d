/* ipp-peer.h: CUPS's ippeveprinter as the laser printer's real peer, for tests
 *
 * ippeveprinter needs DNS-SD even with advertising off, so the peer runs a
 * private system bus (DBUS_SYSTEM_BUS_ADDRESS) and avahi-daemon on it, then
 * ippeveprinter with a job command that copies each job into a folder
 * (output), or reports "STATE: +media-empty" and fails the job while the
 * no_paper file exists. Needs root for avahi-daemon and no other avahi; the
 * test is skipped, with the reason, otherwise. Shared by the laser driver
 * test and the kiosk's UI test of printing a certificate.
 */
#pragma once

#include "tongban-device.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define IPP_PEER_IPPEVEPRINTER "/usr/sbin/ippeveprinter"
#define IPP_PEER_AVAHI "/usr/sbin/avahi-daemon"

static const char ipp_peer_job_command[] =
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
  char                *dir;
  char                *bus;
  char                *command;
  char                *spool;
  char                *no_paper;
  char                *output;
  char                *port;
  char                *uri;
  GSubprocessLauncher *launcher;
  GSubprocess         *dbus;
  GSubprocess         *avahi;
  GSubprocess         *ipp;
} IppPeer;

static guint
ipp_peer_free_port (void)
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
ipp_peer_other_avahi (void)
{
  g_autofree char *pid = NULL;

  if (!g_file_get_contents ("/run/avahi-daemon/pid", &pid, NULL, NULL))
    return FALSE;
  return kill ((pid_t) g_ascii_strtoll (pid, NULL, 10), 0) == 0;
}

static gboolean
ipp_peer_avahi_started (gpointer data)
{
  return ipp_peer_other_avahi ();
}

static gboolean
ipp_peer_file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* A peer must not outlive a test that failed half-way. */
static void
ipp_peer_die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
ipp_peer_stop_process (GSubprocess *process)
{
  if (process == NULL)
    return;
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
}

static void
ipp_peer_remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        ipp_peer_remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

/* (Re)starts ippeveprinter, e.g. after a simulated power cut. */
static void
ipp_peer_spawn_printer (IppPeer *peer)
{
  g_autoptr(GError) error = NULL;

  peer->ipp = g_subprocess_launcher_spawn (peer->launcher, &error, IPP_PEER_IPPEVEPRINTER,
                                           "-r", "off", "-f", "application/pdf",
                                           "-p", peer->port, "-d", peer->spool,
                                           "-c", peer->command, "Tongban Laser", NULL);
  g_assert_no_error (error);
}

static void
ipp_peer_kill_printer (IppPeer *peer)
{
  ipp_peer_stop_process (peer->ipp);
  g_clear_object (&peer->ipp);
}

/* FALSE (and the test skipped, with the reason) when it cannot run here;
 * peer->uri is the printer's address once it returns TRUE. */
static gboolean
ipp_peer_start (IppPeer *peer)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  guint n;

  if (getuid () != 0)
    {
      g_test_skip ("avahi-daemon (needed by ippeveprinter) needs root");
      return FALSE;
    }
  if (!g_file_test (IPP_PEER_IPPEVEPRINTER, G_FILE_TEST_IS_EXECUTABLE) ||
      !g_file_test (IPP_PEER_AVAHI, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("ippeveprinter (cups-ipp-utils) or avahi-daemon is not installed");
      return FALSE;
    }
  if (ipp_peer_other_avahi ())
    {
      g_test_skip ("another avahi-daemon is running");
      return FALSE;
    }

  n = ipp_peer_free_port ();
  peer->dir = g_dir_make_tmp ("tongban-ipp-XXXXXX", &error);
  g_assert_no_error (error);
  peer->bus = g_build_filename (peer->dir, "system_bus", NULL);
  address = g_strdup_printf ("unix:path=%s", peer->bus);
  peer->command = g_build_filename (peer->dir, "print-job.sh", NULL);
  peer->spool = g_build_filename (peer->dir, "spool", NULL);
  peer->no_paper = g_build_filename (peer->dir, "no-paper", NULL);
  peer->output = g_build_filename (peer->dir, "printed.pdf", NULL);
  g_mkdir (peer->spool, 0700);
  g_file_set_contents (peer->command, ipp_peer_job_command, -1, &error);
  g_assert_no_error (error);
  g_chmod (peer->command, 0700);

  peer->launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                              G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (peer->launcher, ipp_peer_die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (peer->launcher, "DBUS_SYSTEM_BUS_ADDRESS", address, TRUE);
  g_subprocess_launcher_setenv (peer->launcher, "TONGBAN_LASER_DIR", peer->dir, TRUE);
  peer->dbus = g_subprocess_launcher_spawn (peer->launcher, &error, "dbus-daemon",
                                            "--config-file=/usr/share/dbus-1/system.conf",
                                            "--nofork", "--nopidfile", "--address", address,
                                            NULL);
  g_assert_no_error (error);
  g_assert_true (tongban_device_wait_until (NULL, 10000, ipp_peer_file_exists, peer->bus));
  peer->avahi = g_subprocess_launcher_spawn (peer->launcher, &error, IPP_PEER_AVAHI,
                                             "--no-drop-root", "--no-chroot", "--no-rlimits",
                                             NULL);
  g_assert_no_error (error);
  g_assert_true (tongban_device_wait_until (NULL, 10000, ipp_peer_avahi_started, NULL));
  peer->port = g_strdup_printf ("%u", n);
  peer->uri = g_strdup_printf ("ipp://localhost:%u/ipp/print", n);
  ipp_peer_spawn_printer (peer);
  return TRUE;
}

static void
ipp_peer_stop (IppPeer *peer)
{
  ipp_peer_kill_printer (peer);
  ipp_peer_stop_process (peer->avahi);
  ipp_peer_stop_process (peer->dbus);
  g_clear_object (&peer->avahi);
  g_clear_object (&peer->dbus);
  g_clear_object (&peer->launcher);
  ipp_peer_remove_tree (peer->dir);
  g_clear_pointer (&peer->dir, g_free);
  g_clear_pointer (&peer->bus, g_free);
  g_clear_pointer (&peer->command, g_free);
  g_clear_pointer (&peer->spool, g_free);
  g_clear_pointer (&peer->no_paper, g_free);
  g_clear_pointer (&peer->output, g_free);
  g_clear_pointer (&peer->port, g_free);
  g_clear_pointer (&peer->uri, g_free);
}
