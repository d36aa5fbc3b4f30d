/* tm-app.c: configuration defaults, the app's lifetime, and the background worker */

#include "tm-app.h"
#include "tm-events.h"
#include "tm-live.h"
#include "tm-gateway.h"
#include "tongban-sm.h"

#include <stdarg.h>
#include <string.h>
#include <gio/gio.h>
#include <openssl/rand.h>

G_DEFINE_QUARK (tm-api-error-quark, tm_api_error)

void
tm_config_init (TmConfig *c)
{
  memset (c, 0, sizeof *c);
  c->db_uri = g_strdup ("tongban-manager.db");
  c->listen_address = g_strdup ("127.0.0.1");
  c->port = 8470;
  c->threads = 4;
  c->max_body = 256 * 1024;
  c->session_ttl = 15 * 60;
  c->citizen_idle = 15 * 60;
  c->challenge_ttl = 60;
  c->clock_skew = 300;
  c->heartbeat_interval = 30;
  c->account_session_ttl = 30 * 60;
  c->oauth_token_ttl = 60 * 60;
  c->lockout_threshold = 5;
  c->lockout_seconds = 15 * 60;
  c->escalate_after = 30 * 60;
  c->sweep_interval_ms = 1000;
  c->write_batch_ms = 100;
  c->state_max_age = 300;
  c->smtp_port = 25;
  c->smtp_from = g_strdup ("tongban-manager@localhost");
}

void
tm_config_clear (TmConfig *c)
{
  g_clear_pointer (&c->db_uri, g_free);
  g_clear_pointer (&c->listen_address, g_free);
  g_clear_pointer (&c->smtp_host, g_free);
  g_clear_pointer (&c->smtp_from, g_free);
  g_clear_pointer (&c->sms_url, g_free);
  if (c->master_key_hex != NULL)
    explicit_bzero (c->master_key_hex, strlen (c->master_key_hex));
  g_clear_pointer (&c->master_key_hex, g_free);
  g_clear_pointer (&c->allow, g_strfreev);
  g_clear_pointer (&c->deny, g_strfreev);
}

static void
config_copy (TmConfig       *dst,
             const TmConfig *src)
{
  *dst = *src;
  dst->db_uri = g_strdup (src->db_uri);
  dst->listen_address = g_strdup (src->listen_address);
  dst->smtp_host = g_strdup (src->smtp_host);
  dst->smtp_from = g_strdup (src->smtp_from);
  dst->sms_url = g_strdup (src->sms_url);
  dst->master_key_hex = g_strdup (src->master_key_hex);
  dst->allow = g_strdupv (src->allow);
  dst->deny = g_strdupv (src->deny);
}

gint64
tm_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

void
tm_set_error (GError      **error,
              TongbanCode   code,
              const char   *field,
              const char   *format,
              ...)
{
  va_list ap;
  g_autofree char *reason = NULL;

  va_start (ap, format);
  reason = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (error, TM_API_ERROR, (int) code, "%s\n%s", field ? field : "", reason);
}

void
tm_error_split (const GError  *error,
                char         **field,
                char         **reason)
{
  const char *nl = strchr (error->message, '\n');

  if (error->domain != TM_API_ERROR || nl == NULL)
    {
      *field = NULL;
      *reason = g_strdup (error->message);
      return;
    }
  *field = nl == error->message ? NULL : g_strndup (error->message, (gsize) (nl - error->message));
  *reason = g_strdup (nl + 1);
}

void
tm_db_fail (GError **error,
            GError  *db_error)
{
  /* The SQL message goes to the log only: callers never see table or statement text. */
  g_warning ("database: %s", db_error ? db_error->message : "unknown failure");
  tm_set_error (error, TONGBAN_CODE_INTERNAL, NULL, "storage failure");
  g_clear_error (&db_error);
}

char *
tm_random_hex (gsize n_bytes)
{
  g_autofree guint8 *raw = g_malloc (n_bytes);

  if (RAND_bytes (raw, (int) n_bytes) != 1)
    g_error ("no randomness available");
  return tongban_hex_encode (raw, n_bytes);
}

TmApp *
tm_app_new (const TmConfig  *config,
            GError         **error)
{
  g_autoptr(TmApp) app = g_new0 (TmApp, 1);

  config_copy (&app->config, config);
  g_mutex_init (&app->audit_lock);
  if (config->master_key_hex != NULL)
    {
      if (strlen (config->master_key_hex) != 32)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "the master key must be 32 hex digits");
          return NULL;
        }
      for (guint i = 0; i < 16; i++)
        {
          int hi = g_ascii_xdigit_value (config->master_key_hex[2 * i]);
          int lo = g_ascii_xdigit_value (config->master_key_hex[2 * i + 1]);

          if (hi < 0 || lo < 0)
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   "the master key must be 32 hex digits");
              return NULL;
            }
          app->master_key[i] = (guint8) (hi << 4 | lo);
        }
    }
  else if (RAND_bytes (app->master_key, sizeof app->master_key) != 1)
    g_error ("no randomness for a master key");
  /* Without a configured key, sealed session keys die with the process: terminals just log
   * in again. A cluster of managers must share one key. */
  /* One connection per HTTP thread, one for the background worker, one for the heartbeat
   * writer and one spare. */
  app->db = tm_db_open (config->db_uri, config->threads + 3, error);
  if (app->db == NULL)
    return NULL;
  if (!tm_db_migrate (app->db, error) || !tm_regions_load (app, error))
    return NULL;
  app->events = tm_events_new ();
  app->gateway = tm_gateway_new (app->config.citizen_idle);
  app->live = tm_live_new ();
  tm_live_start (app);
  return g_steal_pointer (&app);
}

static gpointer
worker_main (gpointer data)
{
  TmApp *app = data;

  while (!g_atomic_int_get (&app->stopping))
    {
      tm_monitor_sweep (app);
      tm_notify_run_pending (app);
      /* Sleep in short steps so stopping is quick. */
      for (gint64 slept = 0; slept < app->config.sweep_interval_ms
           && !g_atomic_int_get (&app->stopping); slept += 50)
        g_usleep (50 * 1000);
    }
  return NULL;
}

void
tm_app_start_worker (TmApp *app)
{
  g_return_if_fail (app->worker == NULL);
  app->worker = g_thread_new ("tm-worker", worker_main, app);
}

void
tm_app_free (TmApp *app)
{
  if (app == NULL)
    return;
  g_atomic_int_set (&app->stopping, 1);
  if (app->worker != NULL)
    g_thread_join (app->worker);
  tm_events_stop (app);
  tm_live_stop (app);
  g_clear_pointer (&app->live, tm_live_free);
  g_clear_pointer (&app->events, tm_events_free);
  g_clear_pointer (&app->gateway, tm_gateway_free);
  tm_db_free (app->db);
  g_mutex_clear (&app->audit_lock);
  explicit_bzero (app->master_key, sizeof app->master_key);
  tm_config_clear (&app->config);
  g_free (app);
}
