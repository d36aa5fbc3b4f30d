/* main.c: tongban-sandbox, the stand-in government systems (see docs/gateway.md)
 *
 * tongban-sandbox [--listen 127.0.0.1] [--port 8650] [--seed FILE] [--token TOKEN]
 *                 [--public-url URL] [--control]
 *                 [--fault SYSTEM:OPERATION:KIND[:MS[:COUNT]]]...
 * Prints "listening on HOST:PORT" once it answers, and runs until SIGTERM or SIGINT.
 */

#include "sb-sandbox.h"
#include "sb-soap.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *listen = NULL;
  g_autofree char *seed = NULL;
  g_autofree char *token = NULL;
  g_autofree char *public_url = NULL;
  g_auto(GStrv) faults = NULL;
  gint port = 8650;
  gint64 max_body = 0;
  gboolean control = FALSE;
  GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "Address to listen on (127.0.0.1)", "ADDR" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port (8650; 0 for any free port)", "PORT" },
    { "seed", 0, 0, G_OPTION_ARG_FILENAME, &seed, "Seed records instead of the built-in ones",
      "FILE" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token, "Bearer token callers must send (sandbox)",
      "TOKEN" },
    { "public-url", 0, 0, G_OPTION_ARG_STRING, &public_url,
      "Base of the URLs phones open (QR login, verify), e.g. http://192.168.1.5:8650", "URL" },
    { "control", 0, 0, G_OPTION_ARG_NONE, &control, "Allow /_control/ from this machine",
      NULL },
    { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &faults,
      "Inject a fault: SYSTEM:OPERATION:KIND[:MS[:COUNT]]", "SPEC" },
    { "max-body", 0, 0, G_OPTION_ARG_INT64, &max_body, "Largest request body in bytes",
      "BYTES" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- stand-in government systems");
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSandbox) sb = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  SbConfig config = { 0 };

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("tongban-sandbox: %s\n", error->message);
      return 2;
    }
  if (port < 0 || port > 65535 || max_body < 0 || max_body > 64 * 1024 * 1024)
    {
      g_printerr ("tongban-sandbox: --port must be 0 to 65535, --max-body at most 64 MiB\n");
      return 2;
    }
  if (public_url && !g_str_has_prefix (public_url, "http://")
      && !g_str_has_prefix (public_url, "https://"))
    {
      g_printerr ("tongban-sandbox: --public-url must start with http:// or https://\n");
      return 2;
    }
  config.listen = listen ? listen : "127.0.0.1";
  config.port = (guint) port;
  config.seed_file = seed;
  config.token = token;
  config.public_url = public_url;
  config.control = control;
  config.max_body = (gsize) max_body;

  sb = sb_sandbox_new (&config, &error);
  if (sb == NULL)
    {
      g_printerr ("tongban-sandbox: %s\n", error->message);
      return 1;
    }
  sb_soap_register (sb);
  for (guint i = 0; faults && faults[i]; i++)
    if (!sb_faults_add_text (sb, faults[i], &error))
      {
        g_printerr ("tongban-sandbox: %s\n", error->message);
        return 2;
      }
  if (!sb_sandbox_start (sb, &error))
    {
      g_printerr ("tongban-sandbox: %s\n", error->message);
      return 1;
    }
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_unix_signal_add (SIGINT, on_signal, loop);
  printf ("listening on %s:%u\n", sb_sandbox_get_listen (sb), sb_sandbox_get_port (sb));
  fflush (stdout);

  g_main_loop_run (loop);
  return 0;
}
