/* tongban-devsim.c: runs the device simulators on their own, for the demo and by hand
 *
 *   tongban-devsim [--scenario=DEVICE:SCENARIO]… [--receipt-port=N] [--exit-after=S] DEVICE…
 *
 * DEVICE is idcard, fingerprint, receipt, pinpad, lights, scanner or camera (an
 * MJPEG network camera, where GStreamer is built in). Prints one line per
 * device, "DEVICE LINK" (e.g. "idcard tty:/tmp/tongban-sim-Q2/idcard@115200"; a
 * camera's is its URL), the string the kiosk config takes, then runs until SIGINT or SIGTERM.
 * Events can also be typed on standard input: "idcard card present".
 */

#include "tongban-sim-fingerprint.h"
#include "tongban-sim-idcard.h"
#include "tongban-sim-panel.h"
#include "tongban-sim-printer.h"
#ifdef HAVE_GSTREAMER
#include "tongban-sim-camera.h"
#endif

#include <glib-unix.h>
#include <stdio.h>
#include <string.h>

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static TongbanSim *
create (const char  *device,
        guint        receipt_port,
        GError     **error)
{
  if (g_str_equal (device, "idcard"))
    return tongban_sim_idcard_new (115200, error);
  if (g_str_equal (device, "fingerprint"))
    return tongban_sim_fingerprint_new (57600, NULL, error);
  if (g_str_equal (device, "receipt"))
    return tongban_sim_printer_new_tcp (receipt_port, error);
  if (g_str_equal (device, "pinpad"))
    return tongban_sim_pinpad_new (9600, error);
  if (g_str_equal (device, "lights"))
    return tongban_sim_lights_new (9600, error);
  if (g_str_equal (device, "scanner"))
    return tongban_sim_scanner_new (115200, error);
#ifdef HAVE_GSTREAMER
  if (g_str_equal (device, "camera"))
    return tongban_sim_camera_new (0, 640, 480, error);
#endif
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "unknown device '%s'", device);
  return NULL;
}

typedef struct
{
  GHashTable *sims;   /* device -> TongbanSim */
  GString    *line;
} Stdin;

static gboolean
on_stdin (gint         fd,
          GIOCondition condition,
          gpointer     data)
{
  Stdin *in = data;
  char buf[512];
  gssize n = read (fd, buf, sizeof buf);

  if (n <= 0)
    return G_SOURCE_REMOVE;
  g_string_append_len (in->line, buf, n);
  for (char *nl; (nl = memchr (in->line->str, '\n', in->line->len)) != NULL;)
    {
      g_autofree char *cmd = g_strndup (in->line->str, nl - in->line->str);
      char *space = strchr (g_strstrip (cmd), ' ');
      TongbanSim *sim;

      g_string_erase (in->line, 0, nl - in->line->str + 1);
      if (space == NULL)
        continue;
      *space = '\0';
      sim = g_hash_table_lookup (in->sims, cmd);
      if (sim != NULL)
        tongban_sim_inject (sim, space + 1);
      else
        g_printerr ("no simulator '%s'\n", cmd);
    }
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char *argv[])
{
  g_auto(GStrv) scenarios = NULL;
  int receipt_port = 0;
  int exit_after = 0;
  const GOptionEntry entries[] = {
    { "scenario", 's', 0, G_OPTION_ARG_STRING_ARRAY, &scenarios,
      "Scenario of a device, e.g. \"receipt:t=2s paper low; t=5s paper out\"", "DEVICE:SCENARIO" },
    { "receipt-port", 0, 0, G_OPTION_ARG_INT, &receipt_port,
      "TCP port of the receipt printer (0: any free one)", "PORT" },
    { "exit-after", 0, 0, G_OPTION_ARG_INT, &exit_after, "Stop after this many seconds", "S" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("DEVICE… — device simulators");
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) sims = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify) tongban_sim_free);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Stdin in = { sims, g_string_new (NULL) };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Devices: idcard (pty, SAM), fingerprint (pty, AS60x), receipt (TCP, ESC/POS), pinpad,\n"
    "lights, scanner (pty), camera (TCP, MJPEG over HTTP).\n"
    "Each prints \"DEVICE LINK\"; events can also be typed on stdin: \"idcard card present\".");
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc < 2 ||
      receipt_port < 0 || receipt_port > 65535)
    {
      g_printerr ("%s\n", error ? error->message : "name at least one device (--help)");
      return 2;
    }

  for (int i = 1; i < argc; i++)
    {
      TongbanSim *sim = create (argv[i], (guint) receipt_port, &error);

      if (sim == NULL)
        {
          g_printerr ("%s: %s\n", argv[i], error->message);
          return 1;
        }
      g_hash_table_insert (sims, g_strdup (argv[i]), sim);
    }
  for (guint i = 0; scenarios != NULL && scenarios[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (scenarios[i], ":", 2);
      TongbanSim *sim = parts[0] ? g_hash_table_lookup (sims, parts[0]) : NULL;

      if (sim == NULL || parts[1] == NULL || !tongban_sim_set_scenario (sim, parts[1], &error))
        {
          g_printerr ("--scenario=%s: %s\n", scenarios[i],
                      error ? error->message : "not DEVICE:SCENARIO of a device started here");
          return 2;
        }
    }
  for (int i = 1; i < argc; i++)
    {
      TongbanSim *sim = g_hash_table_lookup (sims, argv[i]);

      tongban_sim_start (sim);
#ifdef HAVE_GSTREAMER
      if (g_str_equal (argv[i], "camera"))
        {
          g_autofree char *url = tongban_sim_camera_dup_url (sim, NULL);

          g_print ("%s %s\n", argv[i], url);
          continue;
        }
#endif
      g_print ("%s %s\n", argv[i], tongban_sim_get_link (sim));
    }
  fflush (stdout);

  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_unix_fd_add (0, G_IO_IN | G_IO_HUP, on_stdin, &in);
  if (exit_after > 0)
    g_timeout_add_seconds ((guint) exit_after, on_signal, loop);
  g_main_loop_run (loop);
  g_string_free (in.line, TRUE);
  return 0;
}
