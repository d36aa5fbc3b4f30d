/* tm-http.c: HTTP requests in, enveloped JSON out
 *
 * Reads the body up to the size limit, authenticates (signed terminal request or console
 * bearer token), checks the role, dispatches to the business unit and wraps the answer in
 * the envelope. Anything unexpected becomes code 5000 with no internals; the details go to
 * the log. Every console call lands in the audit log, reads included.
 */

#include "tm-http.h"
#include "tm-events.h"
#include "tm-gateway.h"
#include "tm-live.h"

#include <string.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gio/gio.h>

#include "tongban-region-code.h"
#include "tm-console.h"

typedef struct {
  double  tokens;
  gint64  last;   /* monotonic µs */
} Bucket;

struct _TmHttp {
  TmApp             *app;
  struct MHD_Daemon *daemon;
  guint              port;
  GPtrArray         *allow;     /* GInetAddressMask */
  GPtrArray         *deny;
  GMutex             rate_lock;
  GHashTable        *buckets;   /* caller key → Bucket */
};

/* Token bucket per caller (terminal, account, client or address): REQ-I-02 rate limits.
 * In memory, per manager process: behind a balancer each instance limits its share. */
static gboolean
rate_allow (TmHttp     *http,
            const char *key)
{
  double rate = http->app->config.rate_limit;
  double burst = MAX (http->app->config.rate_burst, 1.0);
  gint64 now = g_get_monotonic_time ();
  Bucket *b;
  gboolean ok;

  if (rate <= 0)
    return TRUE;
  g_mutex_lock (&http->rate_lock);
  b = g_hash_table_lookup (http->buckets, key);
  if (b == NULL)
    {
      /* Bounded memory: forget everyone when the table grows too big. */
      if (g_hash_table_size (http->buckets) > 100000)
        g_hash_table_remove_all (http->buckets);
      b = g_new (Bucket, 1);
      b->tokens = burst;
      b->last = now;
      g_hash_table_insert (http->buckets, g_strdup (key), b);
    }
  b->tokens = MIN (burst, b->tokens + rate * (double) (now - b->last) / G_USEC_PER_SEC);
  b->last = now;
  ok = b->tokens >= 1.0;
  if (ok)
    b->tokens -= 1.0;
  g_mutex_unlock (&http->rate_lock);
  return ok;
}

static gboolean
mask_list_matches (GPtrArray  *masks,
                   const char *ip)
{
  g_autoptr(GInetAddress) addr = ip ? g_inet_address_new_from_string (ip) : NULL;

  if (addr == NULL)
    return FALSE;
  for (guint i = 0; i < masks->len; i++)
    if (g_inet_address_mask_matches (masks->pdata[i], addr))
      return TRUE;
  return FALSE;
}

typedef enum {
  AUTH_NONE,           /* open: register, challenge, login, console login */
  AUTH_TERMINAL,       /* signed, refused while locked */
  AUTH_TERMINAL_LOCKED_OK, /* signed, allowed while locked (heartbeat: it carries unlock) */
  AUTH_CONSOLE,
} AuthKind;

enum {
  ROLE_SYSADMIN = 1 << 0,
  ROLE_BIZADMIN = 1 << 1,
  ROLE_AUDITOR  = 1 << 2,
};

typedef struct {
  TmApp       *app;
  const char  *method;
  const char  *path;
  char        *arg;          /* the {} segment of the route */
  JsonObject  *body;
  GHashTable  *query;
  const char  *ip;
  const char  *raw_body;     /* NUL-terminated copy of the body */
  gsize        raw_len;
  const char  *authorization;
  TmTerminal  *terminal;
  TmAccount   *account;
  struct MHD_Response *raw;  /* handlers that answer with something other than JSON */
  guint        raw_status;   /* its status, if not 200 */
  struct MHD_Connection *connection;
} TmRequest;

typedef JsonNode *(*Handler) (TmRequest *req, GError **error);

typedef struct {
  const char *method;
  const char *pattern;
  AuthKind    auth;
  guint       roles;
  gboolean    json_body;
  Handler     handler;
} Route;

typedef struct {
  GByteArray *body;
  gboolean    too_large;
} Upload;

static guint
role_bit (const char *role)
{
  if (g_strcmp0 (role, "sysadmin") == 0)
    return ROLE_SYSADMIN;
  if (g_strcmp0 (role, "bizadmin") == 0)
    return ROLE_BIZADMIN;
  if (g_strcmp0 (role, "auditor") == 0)
    return ROLE_AUDITOR;
  return 0;
}

/* Handlers */

static JsonNode *
h_register (TmRequest *r, GError **e)
{
  return tm_terminal_register (r->app, r->body, r->ip, e);
}

static JsonNode *
h_challenge (TmRequest *r, GError **e)
{
  return tm_terminal_challenge (r->app, r->body, e);
}

static JsonNode *
h_login (TmRequest *r, GError **e)
{
  return tm_terminal_login (r->app, r->body, r->ip, e);
}

static JsonNode *
h_heartbeat (TmRequest *r, GError **e)
{
  return tm_monitor_heartbeat (r->app, r->terminal, r->body, r->ip, e);
}

static JsonNode *
h_events (TmRequest *r, GError **e)
{
  return tm_usage_ingest (r->app, r->terminal, r->body, e);
}

static JsonNode *
h_calls (TmRequest *r, GError **e)
{
  return tm_gateway_call (r->app, r->terminal, r->body, e);
}

static JsonNode *
h_sessions_end (TmRequest *r, GError **e)
{
  return tm_gateway_session_end (r->app, r->terminal, r->body, e);
}

static JsonNode *
h_backends (TmRequest *r, GError **e)
{
  return tm_backend_list (r->app, NULL, e);
}

static JsonNode *
h_backend_get (TmRequest *r, GError **e)
{
  return tm_backend_list (r->app, r->arg, e);
}

static JsonNode *
h_backend_put (TmRequest *r, GError **e)
{
  return tm_backend_put (r->app, r->account->username, r->arg, r->body, e);
}

static JsonNode *
h_time (TmRequest *r, GError **e)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, tm_now ());
  json_builder_set_member_name (b, "server_time_ms");
  json_builder_add_int_value (b, g_get_real_time () / 1000);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
h_account_login (TmRequest *r, GError **e)
{
  const char *user = NULL, *password = NULL, *reason = NULL;

  if (!tongban_json_get_string (r->body, "username", TRUE, 64, &user, &reason))
    {
      tm_set_error (e, TONGBAN_CODE_INVALID_FIELD, "username", "%s", reason);
      return NULL;
    }
  if (!tongban_json_get_string (r->body, "password", TRUE, 256, &password, &reason))
    {
      tm_set_error (e, TONGBAN_CODE_INVALID_FIELD, "password", "%s", reason);
      return NULL;
    }
  return tm_account_login (r->app, user, password, e);
}

static JsonNode *
h_accounts_create (TmRequest *r, GError **e)
{
  static const char * const fields[] = { "username", "role", "region_code", "password", NULL };
  const char *user = NULL, *role = NULL, *region = NULL, *password = NULL, *reason = NULL;
  const char *bad = NULL;
  JsonNode *role_node = json_object_get_member (r->body, "role");

  if (!tongban_json_only_fields (r->body, fields, &bad))
    {
      tm_set_error (e, TONGBAN_CODE_INVALID_FIELD, bad, "unknown field");
      return NULL;
    }
  if (role_node != NULL && JSON_NODE_HOLDS_ARRAY (role_node))
    {
      tm_set_error (e, TONGBAN_CODE_INVALID_FIELD, "role",
                    "exactly one role: sysadmin, bizadmin and auditor are never combined");
      return NULL;
    }
  if (!tongban_json_get_string (r->body, "username", TRUE, 64, &user, &reason)
      || !tongban_json_get_string (r->body, "role", TRUE, 16, &role, &reason)
      || !tongban_json_get_string (r->body, "region_code", TRUE, 9, &region, &reason)
      || !tongban_json_get_string (r->body, "password", TRUE, 256, &password, &reason))
    {
      tm_set_error (e, TONGBAN_CODE_INVALID_FIELD, NULL, "%s", reason);
      return NULL;
    }
  /* Nobody hands out a scope wider than their own. */
  {
    TmConn *conn = tm_db_acquire (r->app->db);
    gboolean within = tm_region_within (conn, region, r->account->region_code);

    tm_db_release (r->app->db, conn);
    if (!within && tongban_region_code_is_valid (region))
      {
        tm_set_error (e, TONGBAN_CODE_FORBIDDEN, "region_code", "outside your region scope");
        return NULL;
      }
  }
  if (!tm_account_create (r->app, user, role, region, password, e))
    return NULL;
  {
    g_autoptr(JsonBuilder) b = json_builder_new ();

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "username");
    json_builder_add_string_value (b, user);
    json_builder_set_member_name (b, "role");
    json_builder_add_string_value (b, role);
    json_builder_end_object (b);
    return json_builder_get_root (b);
  }
}

static JsonNode *
h_accounts_list (TmRequest *r, GError **e)
{
  return tm_account_list (r->app, r->account, e);
}

static JsonNode *
h_regions (TmRequest *r, GError **e)
{
  return tm_regions_children (r->app, g_hash_table_lookup (r->query, "parent"), e);
}

static JsonNode *
h_terminals (TmRequest *r, GError **e)
{
  return tm_terminal_list (r->app, r->account, g_hash_table_lookup (r->query, "region"),
                           g_hash_table_lookup (r->query, "status"), e);
}

static JsonNode *
h_terminal_stats (TmRequest *r, GError **e)
{
  const char *level = g_hash_table_lookup (r->query, "level");

  return tm_terminal_stats (r->app, r->account, g_hash_table_lookup (r->query, "region"),
                            level ? level : "city", e);
}

#define STATUS_HANDLER(name, action) \
  static JsonNode * \
  h_terminal_##name (TmRequest *r, GError **e) \
  { \
    return tm_terminal_set_status (r->app, r->account, r->arg, action, e); \
  }
STATUS_HANDLER (approve, "approve")
STATUS_HANDLER (lock, "lock")
STATUS_HANDLER (unlock, "unlock")
STATUS_HANDLER (disable, "disable")
STATUS_HANDLER (enable, "enable")
#undef STATUS_HANDLER

static JsonNode *
h_terminal_command (TmRequest *r, GError **e)
{
  return tm_terminal_command (r->app, r->account, r->arg, r->body, e);
}

static JsonNode *
h_modules (TmRequest *r, GError **e)
{
  return tm_terminal_set_module (r->app, r->account, r->body, e);
}

static JsonNode *
h_alarms (TmRequest *r, GError **e)
{
  return tm_alarm_list (r->app, r->account,
                        g_strcmp0 (g_hash_table_lookup (r->query, "open"), "1") == 0, e);
}

static JsonNode *
alarm_action (TmRequest   *r,
              const char  *action,
              GError     **e)
{
  char *end = NULL;
  gint64 id = g_ascii_strtoll (r->arg, &end, 10);

  if (end == r->arg || *end != '\0' || id <= 0)
    {
      tm_set_error (e, TONGBAN_CODE_INVALID_FIELD, "id", "not an alarm id");
      return NULL;
    }
  return tm_alarm_update (r->app, r->account, id, action, e);
}

static JsonNode *
h_alarm_ack (TmRequest *r, GError **e)
{
  return alarm_action (r, "ack", e);
}

static JsonNode *
h_alarm_clear (TmRequest *r, GError **e)
{
  return alarm_action (r, "clear", e);
}

static JsonNode *
h_maintainers (TmRequest *r, GError **e)
{
  return tm_maintainer_add (r->app, r->account, r->body, e);
}

static JsonNode *
h_usage_summary (TmRequest *r, GError **e)
{
  return tm_usage_summary (r->app, r->account, r->query, e);
}

static ssize_t
export_reader (void     *cls,
               uint64_t  pos,
               char     *buf,
               size_t    max)
{
  struct {
    TmUsageExport *export;
    GBytes        *pending;
    gsize          offset;
  } *s = cls;
  gsize len;
  const guint8 *data;

  if (s->pending == NULL || s->offset >= g_bytes_get_size (s->pending))
    {
      g_clear_pointer (&s->pending, g_bytes_unref);
      s->offset = 0;
      s->pending = tm_usage_export_next (s->export);
      if (s->pending == NULL)
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
  data = g_bytes_get_data (s->pending, &len);
  len = MIN (len - s->offset, max);
  memcpy (buf, data + s->offset, len);
  s->offset += len;
  return (ssize_t) len;
}

static void
export_free (void *cls)
{
  struct {
    TmUsageExport *export;
    GBytes        *pending;
    gsize          offset;
  } *s = cls;

  tm_usage_export_free (s->export);
  g_clear_pointer (&s->pending, g_bytes_unref);
  g_free (s);
}

static JsonNode *
h_usage_export (TmRequest *r, GError **e)
{
  struct {
    TmUsageExport *export;
    GBytes        *pending;
    gsize          offset;
  } *s;
  TmUsageExport *export = tm_usage_export_new (r->app, r->account, r->query, e);

  if (export == NULL)
    return NULL;
  s = g_malloc0 (sizeof *s);
  s->export = export;
  r->raw = MHD_create_response_from_callback (MHD_SIZE_UNKNOWN, 32 * 1024, export_reader, s,
                                              export_free);
  MHD_add_response_header (r->raw, "Content-Type", "text/csv; charset=utf-8");
  MHD_add_response_header (r->raw, "Content-Disposition", "attachment; filename=\"usage.csv\"");
  return NULL;
}

static JsonNode *
h_usage_export_xlsx (TmRequest *r, GError **e)
{
  TmUsageExport *export = tm_usage_export_new (r->app, r->account, r->query, e);
  struct stat st;
  int fd;

  if (export == NULL)
    return NULL;
  fd = tm_usage_export_xlsx (export, e);
  tm_usage_export_free (export);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      if (fd >= 0)
        close (fd);
      if (e != NULL && *e == NULL)
        tm_set_error (e, TONGBAN_CODE_INTERNAL, NULL, "export failed");
      return NULL;
    }
  /* MHD sends from the descriptor (sendfile) and closes it. */
  r->raw = MHD_create_response_from_fd ((uint64_t) st.st_size, fd);
  MHD_add_response_header (r->raw, "Content-Type",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  MHD_add_response_header (r->raw, "Content-Disposition", "attachment; filename=\"usage.xlsx\"");
  return NULL;
}

static JsonNode *
h_audit (TmRequest *r, GError **e)
{
  const char *after = g_hash_table_lookup (r->query, "after");

  return tm_audit_list (r->app, after ? g_ascii_strtoll (after, NULL, 10) : 0, 200, e);
}

static JsonNode *
h_audit_verify (TmRequest *r, GError **e)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gint64 n = 0, bad = 0;
  GError *local = NULL;
  gboolean ok = tm_audit_verify (r->app, &n, &bad, &local);

  if (!ok && local != NULL)
    {
      g_propagate_error (e, local);
      return NULL;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "intact");
  json_builder_add_boolean_value (b, ok);
  json_builder_set_member_name (b, "entries");
  json_builder_add_int_value (b, n);
  json_builder_set_member_name (b, "first_bad_seq");
  if (bad > 0)
    json_builder_add_int_value (b, bad);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* RFC 6749 4.4: form-encoded body, client authenticated by body fields or HTTP Basic. */
static JsonNode *
h_oauth_token (TmRequest *r, GError **e)
{
  g_autoptr(GHashTable) form = NULL;
  g_autofree char *basic_id = NULL;
  g_autofree char *basic_secret = NULL;
  const char *id, *secret;

  form = g_uri_parse_params (r->raw_body, (gssize) r->raw_len, "&", G_URI_PARAMS_WWW_FORM, NULL);
  if (form == NULL)
    {
      tm_set_error (e, TONGBAN_CODE_INVALID_FIELD, "body",
                    "application/x-www-form-urlencoded expected");
      return NULL;
    }
  if (r->authorization != NULL && g_str_has_prefix (r->authorization, "Basic "))
    {
      gsize len = 0;
      g_autofree guchar *raw = g_base64_decode (r->authorization + 6, &len);
      g_autofree char *text = raw ? g_strndup ((const char *) raw, len) : NULL;
      char *colon = text ? strchr (text, ':') : NULL;

      if (colon != NULL)
        {
          basic_id = g_strndup (text, (gsize) (colon - text));
          basic_secret = g_strdup (colon + 1);
        }
    }
  id = basic_id ? basic_id : g_hash_table_lookup (form, "client_id");
  secret = basic_secret ? basic_secret : g_hash_table_lookup (form, "client_secret");
  return tm_oauth_token (r->app, g_hash_table_lookup (form, "grant_type"), id, secret, e);
}

static JsonNode *
h_stock_change (TmRequest *r, GError **e)
{
  return tm_stock_change (r->app, r->account, r->body, e);
}

static JsonNode *
h_stock_query (TmRequest *r, GError **e)
{
  return tm_stock_query (r->app, r->account, g_hash_table_lookup (r->query, "region"),
                         g_hash_table_lookup (r->query, "site"), e);
}

static JsonNode *
h_openapi (TmRequest *r, GError **e)
{
  g_autoptr(GBytes) doc = g_resources_lookup_data ("/cn/gov/gba/Tongban/manager/openapi.json",
                                                   0, e);
  gsize len = 0;
  const char *data;

  if (doc == NULL)
    return NULL;
  data = g_bytes_get_data (doc, &len);
  /* The document itself, not an envelope: OpenAPI tools read it as it is. */
  r->raw = MHD_create_response_from_buffer (len, (void *) data, MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header (r->raw, "Content-Type", "application/json; charset=utf-8");
  return NULL;
}

#define ALL (ROLE_SYSADMIN | ROLE_BIZADMIN)

/* Live pushes to the console (status changes, alarms), scoped to the caller's region. */
static JsonNode *
h_events_ws (TmRequest *r, GError **e)
{
  struct MHD_Connection *c = r->connection;

  r->raw = tm_events_ws_response (r->app, r->account,
                                  MHD_lookup_connection_value (c, MHD_HEADER_KIND, "Upgrade"),
                                  MHD_lookup_connection_value (c, MHD_HEADER_KIND,
                                                               "Sec-WebSocket-Version"),
                                  MHD_lookup_connection_value (c, MHD_HEADER_KIND,
                                                               "Sec-WebSocket-Key"), e);
  r->raw_status = MHD_HTTP_SWITCHING_PROTOCOLS;
  return NULL;
}

static const Route routes[] = {
  { "POST", "/api/terminal/v1/register", AUTH_NONE, 0, TRUE, h_register },
  { "POST", "/api/terminal/v1/auth/challenge", AUTH_NONE, 0, TRUE, h_challenge },
  { "POST", "/api/terminal/v1/auth/login", AUTH_NONE, 0, TRUE, h_login },
  { "POST", "/api/terminal/v1/heartbeat", AUTH_TERMINAL_LOCKED_OK, 0, TRUE, h_heartbeat },
  { "POST", "/api/terminal/v1/events", AUTH_TERMINAL, 0, TRUE, h_events },
  { "POST", "/api/terminal/v1/calls", AUTH_TERMINAL, 0, TRUE, h_calls },
  { "POST", "/api/terminal/v1/sessions/end", AUTH_TERMINAL, 0, TRUE, h_sessions_end },
  { "GET", "/api/terminal/v1/time", AUTH_TERMINAL_LOCKED_OK, 0, FALSE, h_time },
  { "POST", "/api/v1/login", AUTH_NONE, 0, TRUE, h_account_login },
  { "POST", "/oauth/token", AUTH_NONE, 0, FALSE, h_oauth_token },
  { "GET", "/api/v1/openapi.json", AUTH_NONE, 0, FALSE, h_openapi },
  { "GET", "/api/v1/consumables/stock", AUTH_CONSOLE, ALL, FALSE, h_stock_query },
  { "POST", "/api/v1/consumables/stock", AUTH_CONSOLE, ALL, TRUE, h_stock_change },
  { "GET", "/api/v1/accounts", AUTH_CONSOLE, ROLE_SYSADMIN, FALSE, h_accounts_list },
  { "POST", "/api/v1/accounts", AUTH_CONSOLE, ROLE_SYSADMIN, TRUE, h_accounts_create },
  { "GET", "/api/v1/regions", AUTH_CONSOLE, ALL, FALSE, h_regions },
  { "GET", "/api/v1/terminals", AUTH_CONSOLE, ALL, FALSE, h_terminals },
  { "GET", "/api/v1/terminals/stats", AUTH_CONSOLE, ALL, FALSE, h_terminal_stats },
  { "POST", "/api/v1/terminals/{}/approve", AUTH_CONSOLE, ROLE_SYSADMIN, FALSE, h_terminal_approve },
  { "POST", "/api/v1/terminals/{}/lock", AUTH_CONSOLE, ROLE_SYSADMIN, FALSE, h_terminal_lock },
  { "POST", "/api/v1/terminals/{}/unlock", AUTH_CONSOLE, ROLE_SYSADMIN, FALSE, h_terminal_unlock },
  { "POST", "/api/v1/terminals/{}/disable", AUTH_CONSOLE, ROLE_SYSADMIN, FALSE, h_terminal_disable },
  { "POST", "/api/v1/terminals/{}/enable", AUTH_CONSOLE, ROLE_SYSADMIN, FALSE, h_terminal_enable },
  { "POST", "/api/v1/terminals/{}/commands", AUTH_CONSOLE, ROLE_SYSADMIN, TRUE, h_terminal_command },
  { "POST", "/api/v1/modules", AUTH_CONSOLE, ROLE_BIZADMIN, TRUE, h_modules },
  { "GET", "/api/v1/backends", AUTH_CONSOLE, ROLE_SYSADMIN, FALSE, h_backends },
  { "GET", "/api/v1/backends/{}", AUTH_CONSOLE, ROLE_SYSADMIN, FALSE, h_backend_get },
  { "PUT", "/api/v1/backends/{}", AUTH_CONSOLE, ROLE_SYSADMIN, TRUE, h_backend_put },
  { "GET", "/api/v1/alarms", AUTH_CONSOLE, ROLE_SYSADMIN, FALSE, h_alarms },
  { "POST", "/api/v1/alarms/{}/ack", AUTH_CONSOLE, ROLE_SYSADMIN, FALSE, h_alarm_ack },
  { "POST", "/api/v1/alarms/{}/clear", AUTH_CONSOLE, ROLE_SYSADMIN, FALSE, h_alarm_clear },
  { "POST", "/api/v1/maintainers", AUTH_CONSOLE, ROLE_SYSADMIN, TRUE, h_maintainers },
  { "GET", "/api/v1/usage/summary", AUTH_CONSOLE, ROLE_BIZADMIN, FALSE, h_usage_summary },
  { "GET", "/api/v1/usage/export.csv", AUTH_CONSOLE, ROLE_BIZADMIN, FALSE, h_usage_export },
  { "GET", "/api/v1/usage/export.xlsx", AUTH_CONSOLE, ROLE_BIZADMIN, FALSE, h_usage_export_xlsx },
  { "GET", "/api/v1/audit", AUTH_CONSOLE, ROLE_AUDITOR, FALSE, h_audit },
  { "GET", "/api/v1/audit/verify", AUTH_CONSOLE, ROLE_AUDITOR, FALSE, h_audit_verify },
  { "GET", "/api/v1/events/ws", AUTH_CONSOLE, ALL, FALSE, h_events_ws },
};

GPtrArray *
tm_http_route_list (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);

  for (gsize i = 0; i < G_N_ELEMENTS (routes); i++)
    g_ptr_array_add (list, g_strdup_printf ("%s %s", routes[i].method, routes[i].pattern));
  return list;
}

/* Matches "/a/{}/b" against a path; the {} segment (one, non-empty, no '/') goes to *arg. */
static gboolean
route_match (const char  *pattern,
             const char  *path,
             char       **arg)
{
  const char *hole = strstr (pattern, "{}");
  gsize head, tail_len, path_len = strlen (path);
  const char *tail;

  if (hole == NULL)
    return strcmp (pattern, path) == 0;
  head = (gsize) (hole - pattern);
  tail = hole + 2;
  tail_len = strlen (tail);
  if (path_len <= head + tail_len || strncmp (pattern, path, head) != 0
      || strcmp (path + path_len - tail_len, tail) != 0)
    return FALSE;
  *arg = g_strndup (path + head, path_len - head - tail_len);
  if (**arg == '\0' || strchr (*arg, '/') != NULL || strlen (*arg) > 64)
    {
      g_clear_pointer (arg, g_free);
      return FALSE;
    }
  return TRUE;
}

static enum MHD_Result
collect_query (void                *cls,
               enum MHD_ValueKind   kind,
               const char          *key,
               const char          *value)
{
  GHashTable *q = cls;

  if (key != NULL && value != NULL && *value != '\0' && g_utf8_validate (key, -1, NULL)
      && g_utf8_validate (value, -1, NULL) && strlen (value) <= 256)
    g_hash_table_replace (q, g_strdup (key), g_strdup (value));
  return MHD_YES;
}

static enum MHD_Result
queue_text (struct MHD_Connection *connection,
            guint                  status,
            char                  *text)
{
  struct MHD_Response *resp = MHD_create_response_from_buffer (strlen (text), text,
                                                               MHD_RESPMEM_MUST_FREE);
  enum MHD_Result ret;

  MHD_add_response_header (resp, "Content-Type", "application/json; charset=utf-8");
  MHD_add_response_header (resp, "Cache-Control", "no-store");
  MHD_add_response_header (resp, "X-Content-Type-Options", "nosniff");
  ret = MHD_queue_response (connection, status, resp);
  MHD_destroy_response (resp);
  return ret;
}

static enum MHD_Result
queue_error (struct MHD_Connection *connection,
             const GError          *error)
{
  g_autofree char *field = NULL;
  g_autofree char *reason = NULL;
  TongbanCode code = error->domain == TM_API_ERROR ? (TongbanCode) error->code
                                                   : TONGBAN_CODE_INTERNAL;

  if (error->domain != TM_API_ERROR)
    {
      g_warning ("unexpected error: %s", error->message);
      return queue_text (connection, 500, tongban_envelope_error (TONGBAN_CODE_INTERNAL, NULL,
                                                                 "internal error"));
    }
  tm_error_split (error, &field, &reason);
  return queue_text (connection, tongban_code_http_status (code),
                     tongban_envelope_error (code, field, reason));
}

static char *
client_ip (struct MHD_Connection *connection)
{
  const union MHD_ConnectionInfo *info =
    MHD_get_connection_info (connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  char buf[INET6_ADDRSTRLEN] = "";

  if (info == NULL || info->client_addr == NULL)
    return NULL;
  if (info->client_addr->sa_family == AF_INET)
    inet_ntop (AF_INET, &((const struct sockaddr_in *) info->client_addr)->sin_addr, buf,
               sizeof buf);
  else if (info->client_addr->sa_family == AF_INET6)
    inet_ntop (AF_INET6, &((const struct sockaddr_in6 *) info->client_addr)->sin6_addr, buf,
               sizeof buf);
  return *buf ? g_strdup (buf) : NULL;
}

static enum MHD_Result
dispatch (TmHttp                *http,
          struct MHD_Connection *connection,
          const char            *url,
          const char            *method,
          Upload                *up)
{
  g_autoptr(GHashTable) query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autofree char *ip = client_ip (connection);
  g_autofree char *arg = NULL;
  const Route *route = NULL;
  gboolean path_known = FALSE;
  TmRequest req = { 0 };
  enum MHD_Result ret;

  /* IP deny list first, then the allow list if there is one (REQ-I-02). */
  if (mask_list_matches (http->deny, ip)
      || (http->allow->len > 0 && !mask_list_matches (http->allow, ip)))
    return queue_text (connection, 403, tongban_envelope_error (TONGBAN_CODE_FORBIDDEN, NULL,
                                                                "address not allowed"));
  if (up->too_large)
    {
      g_autofree char *reason = g_strdup_printf ("at most %zu bytes", http->app->config.max_body);
      return queue_text (connection, 413, tongban_envelope_error (TONGBAN_CODE_TOO_LARGE, "body",
                                                                  reason));
    }
  if (tm_console_handles (url))
    return tm_console_serve (connection, method, url);
  for (gsize i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_autofree char *candidate = NULL;

      if (route_match (routes[i].pattern, url, &candidate))
        {
          path_known = TRUE;
          if (strcmp (routes[i].method, method) == 0)
            {
              route = &routes[i];
              arg = g_steal_pointer (&candidate);
              break;
            }
        }
    }
  if (route == NULL)
    return queue_text (connection, path_known ? 405 : 404,
                       tongban_envelope_error (path_known ? TONGBAN_CODE_METHOD
                                                          : TONGBAN_CODE_NOT_FOUND,
                                               NULL, path_known ? "method not allowed"
                                                                : "no such resource"));

  MHD_get_connection_values (connection, MHD_GET_ARGUMENT_KIND, collect_query, query);
  req.app = http->app;
  req.method = method;
  req.path = url;
  req.arg = arg;
  req.query = query;
  req.ip = ip;
  /* The upload buffer always has room for a terminating NUL (see on_request). */
  g_byte_array_append (up->body, (const guint8 *) "", 1);
  g_byte_array_set_size (up->body, up->body->len - 1);
  req.raw_body = (const char *) up->body->data;
  req.raw_len = up->body->len;
  req.authorization = MHD_lookup_connection_value (connection, MHD_HEADER_KIND, "Authorization");
  req.connection = connection;

  if (route->auth == AUTH_TERMINAL || route->auth == AUTH_TERMINAL_LOCKED_OK)
    {
      req.terminal = tm_terminal_authenticate (
        http->app, method, url,
        MHD_lookup_connection_value (connection, MHD_HEADER_KIND, "X-Session-Id"),
        MHD_lookup_connection_value (connection, MHD_HEADER_KIND, "X-Timestamp"),
        MHD_lookup_connection_value (connection, MHD_HEADER_KIND, "X-Nonce"),
        MHD_lookup_connection_value (connection, MHD_HEADER_KIND, "X-Signature"),
        up->body->data, up->body->len, route->auth == AUTH_TERMINAL_LOCKED_OK, &error);
      if (req.terminal == NULL)
        return queue_error (connection, error);
    }
  else if (route->auth == AUTH_CONSOLE)
    {
      const char *auth = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                      "Authorization");
      const char *token = auth && g_str_has_prefix (auth, "Bearer ") ? auth + 7 : NULL;

      /* A browser's WebSocket cannot send headers: the token comes as access_token
       * (RFC 6750 §2.3), on that route only. */
      if (token == NULL && route->handler == h_events_ws)
        token = g_hash_table_lookup (query, "access_token");
      req.account = tm_account_from_token (http->app, token, &error);
      if (req.account == NULL)
        return queue_error (connection, error);
      /* People read what terminals last reported, not what the writer still holds. */
      tm_live_flush (http->app);
      if ((role_bit (req.account->role) & route->roles) == 0)
        {
          g_autofree char *what = g_strdup_printf ("%s %s", method, url);

          tm_audit_append (http->app, req.account->username, "denied", what, req.account->role,
                           NULL);
          tm_account_free (req.account);
          return queue_text (connection, 403,
                             tongban_envelope_error (TONGBAN_CODE_FORBIDDEN, NULL,
                                                     "your role may not do this"));
        }
    }

  {
    g_autofree char *key = req.terminal ? g_strdup_printf ("t:%" G_GINT64_FORMAT, req.terminal->id)
                           : req.account ? g_strconcat ("a:", req.account->username, NULL)
                           : g_strconcat ("ip:", ip ? ip : "?", NULL);

    if (!rate_allow (http, key))
      {
        tm_set_error (&error, TONGBAN_CODE_RATE_LIMITED, NULL, "too many requests; slow down");
        goto out;
      }
  }

  if (route->json_body)
    {
      JsonNode *root;

      parser = json_parser_new ();
      if (up->body->len == 0
          || !g_utf8_validate ((const char *) up->body->data, (gssize) up->body->len, NULL)
          || !json_parser_load_from_data (parser, (const char *) up->body->data,
                                          (gssize) up->body->len, NULL))
        {
          tm_set_error (&error, TONGBAN_CODE_BAD_JSON, "body", "not valid UTF-8 JSON");
          goto out;
        }
      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          tm_set_error (&error, TONGBAN_CODE_BAD_JSON, "body", "must be a JSON object");
          goto out;
        }
      req.body = json_node_get_object (root);
    }

  data = route->handler (&req, &error);

  if (req.account != NULL)
    {
      g_autofree char *what = g_strdup_printf ("%s %s", method, url);
      g_autofree char *detail = g_strdup_printf ("code=%d", error ? error->code : 0);

      /* Reads are audited too (REQ-SEC-05: every data read and change). */
      tm_audit_append (http->app, req.account->username, what, arg ? arg : "", detail, NULL);
    }

out:
  if (error != NULL)
    ret = queue_error (connection, error);
  else if (req.raw != NULL)
    {
      ret = MHD_queue_response (connection, req.raw_status ? req.raw_status : 200, req.raw);
      MHD_destroy_response (req.raw);
    }
  else
    ret = queue_text (connection, 200,
                      tongban_envelope_to_string (TONGBAN_CODE_OK, NULL, g_steal_pointer (&data),
                                                  NULL));
  tm_terminal_free (req.terminal);
  tm_account_free (req.account);
  return ret;
}

static enum MHD_Result
on_request (void                  *cls,
            struct MHD_Connection *connection,
            const char            *url,
            const char            *method,
            const char            *version,
            const char            *upload_data,
            size_t                *upload_data_size,
            void                 **con_cls)
{
  TmHttp *http = cls;
  Upload *up = *con_cls;

  if (up == NULL)
    {
      up = g_new0 (Upload, 1);
      up->body = g_byte_array_new ();
      *con_cls = up;
      return MHD_YES;
    }
  if (*upload_data_size > 0)
    {
      /* Keep reading past the limit (discarding) so the client gets our answer, not a reset. */
      if (!up->too_large && up->body->len + *upload_data_size <= http->app->config.max_body)
        g_byte_array_append (up->body, (const guint8 *) upload_data, (guint) *upload_data_size);
      else
        up->too_large = TRUE;
      *upload_data_size = 0;
      return MHD_YES;
    }
  return dispatch (http, connection, url, method, up);
}

static void
on_completed (void                            *cls,
              struct MHD_Connection           *connection,
              void                           **con_cls,
              enum MHD_RequestTerminationCode  toe)
{
  Upload *up = *con_cls;

  if (up == NULL)
    return;
  g_byte_array_unref (up->body);
  g_free (up);
  *con_cls = NULL;
}

TmHttp *
tm_http_start (TmApp   *app,
               GError **error)
{
  struct sockaddr_in addr = { 0 };
  TmHttp *http = g_new0 (TmHttp, 1);
  const union MHD_DaemonInfo *info;

  addr.sin_family = AF_INET;
  addr.sin_port = htons ((guint16) app->config.port);
  if (inet_pton (AF_INET, app->config.listen_address, &addr.sin_addr) != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "listen address %s is not IPv4",
                   app->config.listen_address);
      g_free (http);
      return NULL;
    }
  http->app = app;
  http->allow = g_ptr_array_new_with_free_func (g_object_unref);
  http->deny = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint which = 0; which < 2; which++)
    {
      char **list = which == 0 ? app->config.allow : app->config.deny;

      for (guint i = 0; list != NULL && list[i] != NULL; i++)
        {
          GInetAddressMask *mask = g_inet_address_mask_new_from_string (list[i], error);

          if (mask == NULL)
            {
              tm_http_stop (http);
              return NULL;
            }
          g_ptr_array_add (which == 0 ? http->allow : http->deny, mask);
        }
    }
  g_mutex_init (&http->rate_lock);
  http->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  http->daemon = MHD_start_daemon (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL
                                   | MHD_USE_ERROR_LOG | MHD_ALLOW_UPGRADE,
                                   (guint16) app->config.port, NULL, NULL, on_request, http,
                                   MHD_OPTION_THREAD_POOL_SIZE, (unsigned int) app->config.threads,
                                   MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &addr,
                                   MHD_OPTION_NOTIFY_COMPLETED, on_completed, http,
                                   MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) 30,
                                   MHD_OPTION_CONNECTION_LIMIT, (unsigned int) 4096,
                                   /* Headers and one read; bodies collect in our own buffer.
                                    * MHD clears the pool for every request: the default
                                    * 32 KiB cost a seventh of a heartbeat. */
                                   MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) 16 * 1024,
                                   MHD_OPTION_END);
  if (http->daemon == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot listen on %s:%u",
                   app->config.listen_address, app->config.port);
      tm_http_stop (http);
      return NULL;
    }
  info = MHD_get_daemon_info (http->daemon, MHD_DAEMON_INFO_BIND_PORT);
  http->port = info ? info->port : app->config.port;
  return http;
}

guint
tm_http_port (TmHttp *http)
{
  return http->port;
}

void
tm_http_stop (TmHttp *http)
{
  if (http == NULL)
    return;
  if (http->daemon != NULL)
    MHD_stop_daemon (http->daemon);
  g_clear_pointer (&http->allow, g_ptr_array_unref);
  g_clear_pointer (&http->deny, g_ptr_array_unref);
  g_clear_pointer (&http->buckets, g_hash_table_unref);
  g_mutex_clear (&http->rate_lock);
  g_free (http);
}
