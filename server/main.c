/* main.c: tongban-manager, the management system of the Tongban kiosk fleet
 *
 *   tongban-manager [--db URI] [--listen ADDR] [--port N] ...        serve
 *   tongban-manager --db URI --create-account NAME --role R --region CODE
 *   tongban-manager --backends FILE.json ...       load back-end systems, then serve
 *
 * URI is a SQLite file (default tongban-manager.db) or postgresql://...
 */

#include <stdio.h>
#include <string.h>
#include <glib-unix.h>
#include <openssl/rand.h>

#include "tm-app.h"
#include "tm-http.h"
#include "tm-events.h"
#include "tm-gateway.h"

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* A generated password meets the rule by construction: one of each class, then random. */
static char *
generate_password (void)
{
  static const char *const classes[] = { "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz",
                                         "23456789", "!#%+-=?@_" };
  static const char all[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789!#%+-=?@_";
  guint8 raw[20];
  GString *s = g_string_new (NULL);

  if (RAND_bytes (raw, sizeof raw) != 1)
    g_error ("no randomness");
  for (guint i = 0; i < sizeof raw; i++)
    {
      const char *set = i < 4 ? classes[i] : all;
      g_string_append_c (s, set[raw[i] % strlen (set)]);
    }
  return g_string_free (s, FALSE);
}

int
main (int    argc,
      char **argv)
{
  TmConfig config;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TmApp) app = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *db = NULL, *listen = NULL, *smtp = NULL, *sms = NULL;
  g_autofree char *backends = NULL;
  g_autofree char *create = NULL, *role = NULL, *region = NULL, *client = NULL;
  int port = -1, threads = 0, interval = 0, escalate = -1, sweep_ms = 0, skew = -1;
  int session_ttl = 0, citizen_idle = 0;
  gboolean migrate_only = FALSE;
  g_auto(GStrv) allow = NULL, deny = NULL;
  double rate = 0, burst = 0;
  TmHttp *http;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, "SQLite file or postgresql:// URI", "URI" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "IPv4 address to listen on", "ADDR" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "TCP port (0: any free port)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "HTTP worker threads", "N" },
    { "smtp", 0, 0, G_OPTION_ARG_STRING, &smtp, "SMTP relay for alarm e-mail", "HOST:PORT" },
    { "sms-url", 0, 0, G_OPTION_ARG_STRING, &sms, "SMS gateway (HTTP POST JSON)", "URL" },
    { "heartbeat-interval", 0, 0, G_OPTION_ARG_INT, &interval, "seconds between heartbeats", "S" },
    { "escalate-after", 0, 0, G_OPTION_ARG_INT, &escalate, "escalate unacked alarms after", "S" },
    { "sweep-ms", 0, 0, G_OPTION_ARG_INT, &sweep_ms, "background check period", "MS" },
    { "clock-skew", 0, 0, G_OPTION_ARG_INT, &skew, "accepted request clock skew", "S" },
    { "session-ttl", 0, 0, G_OPTION_ARG_INT, &session_ttl, "terminal session lifetime", "S" },
    { "citizen-idle", 0, 0, G_OPTION_ARG_INT, &citizen_idle, "a citizen session ends after "
      "this long without a call (default 900)", "S" },
    { "allow", 0, 0, G_OPTION_ARG_STRING_ARRAY, &allow, "only these clients (repeatable)", "CIDR" },
    { "deny", 0, 0, G_OPTION_ARG_STRING_ARRAY, &deny, "never these clients (repeatable)", "CIDR" },
    { "rate-limit", 0, 0, G_OPTION_ARG_DOUBLE, &rate, "requests/s per caller (0: off)", "N" },
    { "rate-burst", 0, 0, G_OPTION_ARG_DOUBLE, &burst, "burst per caller", "N" },
    { "backends", 0, 0, G_OPTION_ARG_FILENAME, &backends, "load back-end systems from a JSON "
      "file at start (upsert; credentials sealed under TONGBAN_MASTER_KEY)", "FILE" },
    { "migrate-only", 0, 0, G_OPTION_ARG_NONE, &migrate_only, "set up the database and exit",
      NULL },
    { "create-account", 0, 0, G_OPTION_ARG_STRING, &create, "create an account and exit "
      "(password from TONGBAN_PASSWORD, else generated and printed once)", "NAME" },
    { "create-client", 0, 0, G_OPTION_ARG_STRING, &client, "create an OAuth 2.0 system client "
      "and exit (secret from TONGBAN_CLIENT_SECRET, else generated and printed once)", "ID" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, "sysadmin, bizadmin or auditor", "ROLE" },
    { "region", 0, 0, G_OPTION_ARG_STRING, &region, "region scope of the account", "CODE" },
    { NULL }
  };

  tm_config_init (&config);
  context = g_option_context_new ("- Tongban management server");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      tm_config_clear (&config);
      return 2;
    }
#define SET_STR(field, v) if (v) { g_free (config.field); config.field = g_strdup (v); }
  SET_STR (db_uri, db);
  SET_STR (listen_address, listen);
  SET_STR (sms_url, sms);
#undef SET_STR
  if (port >= 0)
    config.port = (guint) port;
  if (threads > 0)
    config.threads = (guint) threads;
  if (interval > 0)
    config.heartbeat_interval = interval;
  if (escalate >= 0)
    config.escalate_after = escalate;
  if (sweep_ms > 0)
    config.sweep_interval_ms = sweep_ms;
  if (skew >= 0)
    config.clock_skew = skew;
  if (session_ttl > 0)
    config.session_ttl = session_ttl;
  if (citizen_idle > 0)
    config.citizen_idle = citizen_idle;
  config.allow = g_steal_pointer (&allow);
  config.deny = g_steal_pointer (&deny);
  config.rate_limit = rate;
  config.rate_burst = burst > 0 ? burst : MAX (rate, 1);
  /* From the environment, not argv: command lines are visible to every local user. */
  config.master_key_hex = g_strdup (g_getenv ("TONGBAN_MASTER_KEY"));
  if (smtp != NULL)
    {
      const char *colon = strrchr (smtp, ':');

      config.smtp_host = colon ? g_strndup (smtp, (gsize) (colon - smtp)) : g_strdup (smtp);
      config.smtp_port = colon ? (guint) g_ascii_strtoull (colon + 1, NULL, 10) : 25;
    }

  app = tm_app_new (&config, &error);
  tm_config_clear (&config);
  if (app == NULL)
    {
      g_printerr ("tongban-manager: %s\n", error->message);
      return 1;
    }
  if (backends != NULL && !tm_backend_load_file (app, backends, &error))
    {
      g_printerr ("tongban-manager: %s\n", error->message);
      return 1;
    }
  if (migrate_only)
    return 0;
  if (create != NULL)
    {
      const char *env = g_getenv ("TONGBAN_PASSWORD");
      g_autofree char *password = env ? g_strdup (env) : generate_password ();

      if (!tm_account_create (app, create, role, region, password, &error))
        {
          g_autofree char *field = NULL, *reason = NULL;

          tm_error_split (error, &field, &reason);
          g_printerr ("tongban-manager: %s%s%s\n", field ? field : "", field ? ": " : "", reason);
          return 1;
        }
      tm_audit_append (app, "cli", "account.create", create, role, NULL);
      if (env == NULL)
        g_print ("password for %s (shown once): %s\n", create, password);
      return 0;
    }

  if (client != NULL)
    {
      const char *env = g_getenv ("TONGBAN_CLIENT_SECRET");
      g_autofree char *secret = env ? g_strdup (env) : tm_random_hex (24);

      if (!tm_oauth_client_create (app, client, role, region, secret, &error))
        {
          g_autofree char *field = NULL, *reason = NULL;

          tm_error_split (error, &field, &reason);
          g_printerr ("tongban-manager: %s%s%s\n", field ? field : "", field ? ": " : "", reason);
          return 1;
        }
      tm_audit_append (app, "cli", "oauth.client-create", client, role, NULL);
      if (env == NULL)
        g_print ("secret for %s (shown once): %s\n", client, secret);
      return 0;
    }

  /* Handlers before the "listening" line: a test may stop us right after reading it. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);

  http = tm_http_start (app, &error);
  if (http == NULL)
    {
      g_printerr ("tongban-manager: %s\n", error->message);
      return 1;
    }
  tm_app_start_worker (app);
  /* Tests and scripts read this line to find a port chosen with --port 0. */
  g_print ("listening on %s:%u\n", app->config.listen_address, tm_http_port (http));
  fflush (stdout);

  g_main_loop_run (loop);
  /* WebSocket connections belong to us after the upgrade: closed before the daemon stops. */
  g_atomic_int_set (&app->stopping, 1);
  tm_events_stop (app);
  tm_http_stop (http);
  return 0;
}
