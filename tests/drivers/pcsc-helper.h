/* pcsc-helper.h: real pcscd with vpcd and our virtual card, for tests
 *
 * pcscd runs in the foreground with a private reader configuration whose
 * vpcd listens on a free loopback port; the virtual card (tongban-sim-vicc)
 * dials it and is inserted and removed by its events. Needs root (pcscd's
 * socket is in /run/pcscd) and no other pcscd. Shared by the driver test and
 * the kiosk's UI test of card payment.
 */
#pragma once

#include "tongban-device.h"
#include "tongban-sim-vicc.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define PCSC_HELPER_PCSCD "/usr/sbin/pcscd"
#define PCSC_HELPER_VPCD "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
/* The reader name pcscd gives vpcd's first slot. */
#define PCSC_HELPER_READER "Virtual PCD 00 00"

typedef struct
{
  char        *dir;
  GSubprocess *pcscd;
  TongbanSim  *card;
} PcscRig;

static guint
pcsc_free_port_pair (void)
{
  for (guint attempt = 0; attempt < 20; attempt++)
    {
      guint port = g_random_int_range (20000, 60000);
      gboolean ok = TRUE;

      for (guint i = 0; i < 2; i++)
        {
          struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port + i) };
          int fd = socket (AF_INET, SOCK_STREAM, 0);

          ok = ok && bind (fd, (struct sockaddr *) &addr, sizeof addr) == 0;
          close (fd);
        }
      if (ok)
        return port;
    }
  g_assert_not_reached ();
}

/* Why pcscd cannot be run for a test here, or NULL if it can. */
G_GNUC_UNUSED static const char *
pcsc_rig_unavailable (void)
{
  g_autofree char *pid = NULL;

  if (getuid () != 0)
    return "pcscd needs root for /run/pcscd";
  if (!g_file_test (PCSC_HELPER_PCSCD, G_FILE_TEST_IS_EXECUTABLE) ||
      !g_file_test (PCSC_HELPER_VPCD, G_FILE_TEST_EXISTS))
    return "pcscd or vsmartcard-vpcd is not installed";
  if (g_file_get_contents ("/run/pcscd/pcscd.pid", &pid, NULL, NULL) &&
      kill ((pid_t) g_ascii_strtoll (pid, NULL, 10), 0) == 0)
    return "another pcscd is running";
  return NULL;
}

/* pcscd must not outlive a test that failed half-way. */
static void
pcsc_die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static gboolean
pcsc_socket_ready (gpointer data)
{
  return g_file_test ("/run/pcscd/pcscd.comm", G_FILE_TEST_EXISTS);
}

/* Starts pcscd and the virtual card (not inserted yet). */
G_GNUC_UNUSED static void
pcsc_rig_start (PcscRig *rig)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  guint port = pcsc_free_port_pair ();

  rig->dir = g_dir_make_tmp ("tongban-pcsc-XXXXXX", &error);
  g_assert_no_error (error);
  conf = g_strdup_printf ("FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME /dev/null:0x%X\n"
                          "LIBPATH " PCSC_HELPER_VPCD "\nCHANNELID 0x%X\n", port, port);
  path = g_build_filename (rig->dir, "vpcd", NULL);
  g_file_set_contents (path, conf, -1, &error);
  g_assert_no_error (error);
  g_unlink ("/run/pcscd/pcscd.comm");
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, pcsc_die_with_parent, NULL, NULL);
  rig->pcscd = g_subprocess_launcher_spawn (launcher, &error, PCSC_HELPER_PCSCD, "--foreground",
                                            "--config", rig->dir, NULL);
  g_assert_no_error (error);
  g_assert_true (tongban_device_wait_until (NULL, 10000, pcsc_socket_ready, NULL));
  rig->card = tongban_sim_vicc_new (port);
  tongban_sim_start (rig->card);
}

G_GNUC_UNUSED static void
pcsc_rig_stop (PcscRig *rig)
{
  g_clear_pointer (&rig->card, tongban_sim_free);
  if (rig->pcscd != NULL)
    {
      g_subprocess_send_signal (rig->pcscd, SIGTERM);
      g_subprocess_wait (rig->pcscd, NULL, NULL);
      g_clear_object (&rig->pcscd);
    }
  if (rig->dir != NULL)
    {
      g_autofree char *path = g_build_filename (rig->dir, "vpcd", NULL);

      g_unlink (path);
      g_rmdir (rig->dir);
      g_clear_pointer (&rig->dir, g_free);
    }
}
