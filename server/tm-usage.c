/* tm-usage.c: usage events from terminals (M-02) — ingest, scoped queries, CSV export
 *
 * Events carry no personal data: the schema admits only the fields below, so a kiosk
 * bug that adds a name or an ID number is refused instead of stored. Each event has a
 * terminal-chosen event_id; re-sending a batch after a network loss stores nothing twice.
 */

#include "tm-app.h"
#include "tongban-region-code.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <xlsxwriter.h>

#define MAX_BATCH 500

static const char * const kinds[] = { "session-start", "session-end", "service", "login",
                                      "logout", NULL };
static const char * const auth_methods[] = { "none", "idcard", "iccard", "face", "fingerprint",
                                             "qrcode", "pin", NULL };
static const char * const outcomes[] = { "success", "failure", "cancel", "timeout", NULL };

static gboolean
token_ok (const char *s,
          gsize       max)
{
  if (s == NULL || *s == '\0' || strlen (s) > max)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

static gboolean
validate_event (JsonNode    *node,
                guint        i,
                GError     **error)
{
  static const char * const fields[] = { "event_id", "kind", "category", "service",
                                         "auth_method", "outcome", "duration_ms", "occurred_at",
                                         NULL };
  const char *bad = NULL, *reason = NULL, *s = NULL;
  g_autofree char *where = NULL;
  JsonObject *o;
  gint64 v = 0;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "events", "entry %u is not an object", i);
      return FALSE;
    }
  o = json_node_get_object (node);
  if (!tongban_json_only_fields (o, fields, &bad))
    {
      where = g_strdup_printf ("events[%u].%s", i, bad);
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, where,
                    "unknown field (usage events carry no personal data)");
      return FALSE;
    }
#define FAIL(f, r) \
  { where = g_strdup_printf ("events[%u].%s", i, f); \
    tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, where, "%s", r); return FALSE; }
  if (!tongban_json_get_string (o, "event_id", TRUE, 64, &s, &reason))
    FAIL ("event_id", reason);
  if (!token_ok (s, 64) || strlen (s) < 8)
    FAIL ("event_id", "8-64 letters, digits, '-', '_' or '.'");
  if (!tongban_json_get_string (o, "kind", TRUE, 32, &s, &reason))
    FAIL ("kind", reason);
  if (!g_strv_contains (kinds, s))
    FAIL ("kind", "one of session-start, session-end, service, login, logout");
  if (!tongban_json_get_string (o, "category", FALSE, 64, &s, &reason))
    FAIL ("category", reason);
  if (s != NULL && !token_ok (s, 64))
    FAIL ("category", "letters, digits, '-', '_' or '.'");
  if (!tongban_json_get_string (o, "service", FALSE, 64, &s, &reason))
    FAIL ("service", reason);
  if (s != NULL && !token_ok (s, 64))
    FAIL ("service", "letters, digits, '-', '_' or '.'");
  if (!tongban_json_get_string (o, "auth_method", FALSE, 32, &s, &reason))
    FAIL ("auth_method", reason);
  if (s != NULL && !g_strv_contains (auth_methods, s))
    FAIL ("auth_method", "unknown method");
  if (!tongban_json_get_string (o, "outcome", FALSE, 32, &s, &reason))
    FAIL ("outcome", reason);
  if (s != NULL && !g_strv_contains (outcomes, s))
    FAIL ("outcome", "one of success, failure, cancel, timeout");
  if (!tongban_json_get_int (o, "duration_ms", FALSE, 0, 24 * 3600 * 1000, &v, &reason))
    FAIL ("duration_ms", reason);
  if (!tongban_json_get_int (o, "occurred_at", TRUE, 1500000000, tm_now () + 86400, &v, &reason))
    FAIL ("occurred_at", reason);
#undef FAIL
  return TRUE;
}

JsonNode *
tm_usage_ingest (TmApp             *app,
                 const TmTerminal  *t,
                 JsonObject        *body,
                 GError           **error)
{
  static const char * const fields[] = { "events", NULL };
  const char *bad = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  GError *db_error = NULL;
  JsonNode *n = json_object_get_member (body, "events");
  JsonArray *a;
  guint stored = 0, len;
  TmConn *conn;
  gboolean ok;

  if (!tongban_json_only_fields (body, fields, &bad))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, bad, "unknown field");
      return NULL;
    }
  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "events", "must be an array");
      return NULL;
    }
  a = json_node_get_array (n);
  len = json_array_get_length (a);
  if (len == 0 || len > MAX_BATCH)
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "events", "1 to %d events", MAX_BATCH);
      return NULL;
    }
  /* All or nothing: validate the whole batch before storing any of it. */
  for (guint i = 0; i < len; i++)
    if (!validate_event (json_array_get_element (a, i), i, error))
      return NULL;

  conn = tm_db_acquire (app->db);
  ok = tm_conn_begin (conn, &db_error);
  for (guint i = 0; ok && i < len; i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      g_autoptr(TmRows) ins = NULL;

#define OPT(f) json_object_get_string_member_with_default (o, f, NULL)
      ins = tm_q (conn, &db_error, "INSERT INTO usage_event (terminal_id, event_id, kind, category,"
                  " service, auth_method, outcome, duration_ms, occurred_at, region_path)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                  " ON CONFLICT (terminal_id, event_id) DO NOTHING RETURNING id",
                  TM_INT (t->id), TM_STR (OPT ("event_id")), TM_STR (OPT ("kind")),
                  TM_STR (OPT ("category")), TM_STR (OPT ("service")), TM_STR (OPT ("auth_method")),
                  TM_STR (OPT ("outcome")),
                  json_object_has_member (o, "duration_ms")
                  ? TM_INT (json_object_get_int_member (o, "duration_ms")) : TM_NULL,
                  TM_INT (json_object_get_int_member (o, "occurred_at")), TM_STR (t->region_path));
#undef OPT
      ok = ins != NULL;
      if (ok)
        stored += ins->n_rows;
    }
  if (ok)
    ok = tm_conn_commit (conn, &db_error);
  else
    tm_conn_rollback (conn);
  tm_db_release (app->db, conn);
  if (!ok)
    {
      tm_db_fail (error, db_error);
      return NULL;
    }
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "received");
  json_builder_add_int_value (b, len);
  json_builder_set_member_name (b, "stored");
  json_builder_add_int_value (b, stored);
  json_builder_set_member_name (b, "duplicates");
  json_builder_add_int_value (b, len - stored);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

typedef struct {
  char   *like;
  gint64  from;
  gint64  to;
  char   *category;
  char   *service;
} UsageFilter;

static void
filter_clear (UsageFilter *f)
{
  g_free (f->like);
  g_free (f->category);
  g_free (f->service);
}

static gboolean
parse_time (GHashTable  *query,
            const char  *name,
            gint64       fallback,
            gint64      *out,
            GError     **error)
{
  const char *v = g_hash_table_lookup (query, name);
  char *end = NULL;

  if (v == NULL)
    {
      *out = fallback;
      return TRUE;
    }
  *out = g_ascii_strtoll (v, &end, 10);
  if (end == v || *end != '\0' || *out < 0)
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, name, "Unix seconds");
      return FALSE;
    }
  return TRUE;
}

static gboolean
filter_parse (TmApp            *app,
              const TmAccount  *caller,
              GHashTable       *query,
              UsageFilter      *f,
              GError          **error)
{
  const char *region = g_hash_table_lookup (query, "region");
  const char *category = g_hash_table_lookup (query, "category");
  const char *service = g_hash_table_lookup (query, "service");
  g_autofree char *path = NULL;

  memset (f, 0, sizeof *f);
  if (region != NULL)
    {
      TmConn *conn = tm_db_acquire (app->db);

      path = tm_region_path_in_scope (conn, caller, region, "region", error);
      tm_db_release (app->db, conn);
      if (path == NULL)
        return FALSE;
    }
  if ((category != NULL && !token_ok (category, 64))
      || (service != NULL && !token_ok (service, 64)))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, category && !token_ok (category, 64)
                    ? "category" : "service", "letters, digits, '-', '_' or '.'");
      return FALSE;
    }
  if (!parse_time (query, "from", 0, &f->from, error)
      || !parse_time (query, "to", G_MAXINT64 / 2, &f->to, error))
    return FALSE;
  f->like = g_strconcat (path ? path : caller->region_path, "%", NULL);
  f->category = g_strdup (category);
  f->service = g_strdup (service);
  return TRUE;
}

#define FILTER_SQL " WHERE region_path LIKE ? AND occurred_at >= ? AND occurred_at < ?" \
                   " AND (CAST(? AS TEXT) IS NULL OR category = ?)" \
                   " AND (CAST(? AS TEXT) IS NULL OR service = ?)"
#define FILTER_PARAMS(f) TM_STR ((f)->like), TM_INT ((f)->from), TM_INT ((f)->to), \
                         TM_STR ((f)->category), TM_STR ((f)->category), \
                         TM_STR ((f)->service), TM_STR ((f)->service)

JsonNode *
tm_usage_summary (TmApp            *app,
                  const TmAccount  *caller,
                  GHashTable       *query,
                  GError          **error)
{
  static const char * const groups[] = { "service", "category", "kind", "outcome", "auth_method",
                                         NULL };
  const char *group = g_hash_table_lookup (query, "group_by");
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(TmRows) rows = NULL;
  g_autofree char *sql = NULL;
  GError *db_error = NULL;
  UsageFilter f;
  TmConn *conn;

  group = group ? group : "service";
  if (!g_strv_contains (groups, group))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "group_by",
                    "one of service, category, kind, outcome, auth_method");
      return NULL;
    }
  if (!filter_parse (app, caller, query, &f, error))
    return NULL;
  /* group is one of the fixed names above, never caller text. */
  sql = g_strdup_printf ("SELECT %s, COUNT(*), COALESCE(SUM(duration_ms), 0) FROM usage_event"
                         FILTER_SQL " GROUP BY %s ORDER BY 2 DESC, 1", group, group);
  conn = tm_db_acquire (app->db);
  rows = tm_q (conn, &db_error, sql, FILTER_PARAMS (&f));
  tm_db_release (app->db, conn);
  filter_clear (&f);
  if (rows == NULL)
    {
      tm_db_fail (error, db_error);
      return NULL;
    }
  b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint r = 0; r < rows->n_rows; r++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, group);
      if (tm_rows_get (rows, r, 0))
        json_builder_add_string_value (b, tm_rows_get (rows, r, 0));
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "count");
      json_builder_add_int_value (b, tm_rows_get_int (rows, r, 1));
      json_builder_set_member_name (b, "duration_ms");
      json_builder_add_int_value (b, tm_rows_get_int (rows, r, 2));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

struct _TmUsageExport {
  TmApp       *app;
  UsageFilter  filter;
  gint64       after;
  gboolean     header_sent;
  gboolean     done;
};

TmUsageExport *
tm_usage_export_new (TmApp            *app,
                     const TmAccount  *caller,
                     GHashTable       *query,
                     GError          **error)
{
  TmUsageExport *e = g_new0 (TmUsageExport, 1);

  e->app = app;
  if (!filter_parse (app, caller, query, &e->filter, error))
    {
      g_free (e);
      return NULL;
    }
  return e;
}

/* Spreadsheets run cells starting with = + - @ as formulas: quote them (CSV injection). */
static void
csv_field (GString    *out,
           const char *v)
{
  if (v == NULL)
    return;
  g_string_append_c (out, '"');
  if (strchr ("=+-@\t\r", v[0]) != NULL && v[0] != '\0')
    g_string_append_c (out, '\'');
  for (const char *p = v; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* Pages by id, so a long export never holds a transaction or all rows in memory. */
static TmRows *
export_page (TmUsageExport *e)
{
  TmRows *rows;
  TmConn *conn = tm_db_acquire (e->app->db);

  rows = tm_q (conn, NULL, "SELECT u.id, u.occurred_at, t.number, u.region_path, u.kind,"
               " u.category, u.service, u.auth_method, u.outcome, u.duration_ms"
               " FROM usage_event u JOIN terminal t ON t.id = u.terminal_id"
               " WHERE u.id > ? AND u.id IN (SELECT id FROM usage_event" FILTER_SQL ")"
               " ORDER BY u.id LIMIT 500", TM_INT (e->after), FILTER_PARAMS (&e->filter));
  tm_db_release (e->app->db, conn);
  if (rows == NULL || rows->n_rows == 0)
    e->done = TRUE;
  else
    e->after = tm_rows_get_int (rows, rows->n_rows - 1, 0);
  return rows;
}

static const char * const export_columns[] = {
  "id", "occurred_at", "terminal", "region_path", "kind", "category", "service", "auth_method",
  "outcome", "duration_ms", NULL
};

GBytes *
tm_usage_export_next (TmUsageExport *e)
{
  g_autoptr(TmRows) rows = NULL;
  GString *out;

  if (e->done)
    return NULL;
  out = g_string_new (NULL);
  if (!e->header_sent)
    {
      g_autofree char *header = g_strjoinv (",", (char **) export_columns);

      g_string_append_printf (out, "%s\r\n", header);
      e->header_sent = TRUE;
    }
  rows = export_page (e);
  for (guint r = 0; rows != NULL && r < rows->n_rows; r++)
    {
      for (guint c = 0; c < rows->n_cols; c++)
        {
          if (c > 0)
            g_string_append_c (out, ',');
          if (c == 0 || c == 1 || c == 9)
            g_string_append (out, tm_rows_get (rows, r, c) ? tm_rows_get (rows, r, c) : "");
          else
            csv_field (out, tm_rows_get (rows, r, c));
        }
      g_string_append (out, "\r\n");
    }
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free_to_bytes (out);
}

int
tm_usage_export_xlsx (TmUsageExport  *e,
                      GError        **error)
{
  lxw_workbook_options options = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
  g_autofree char *path = NULL;
  lxw_workbook *wb;
  lxw_worksheet *ws;
  lxw_error err;
  guint32 row = 1;
  int fd;

  fd = g_file_open_tmp ("tongban-usage-XXXXXX.xlsx", &path, error);
  if (fd < 0)
    return -1;
  /* constant_memory: rows go to disk as they are written, so memory stays flat. */
  wb = workbook_new_opt (path, &options);
  ws = wb ? workbook_add_worksheet (wb, "usage") : NULL;
  if (ws == NULL)
    {
      close (fd);
      g_unlink (path);
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot create workbook");
      return -1;
    }
  for (guint c = 0; export_columns[c] != NULL; c++)
    worksheet_write_string (ws, 0, (lxw_col_t) c, export_columns[c], NULL);
  while (!e->done)
    {
      g_autoptr(TmRows) rows = export_page (e);

      for (guint r = 0; rows != NULL && r < rows->n_rows; r++, row++)
        for (guint c = 0; c < rows->n_cols; c++)
          {
            const char *v = tm_rows_get (rows, r, c);

            if (v == NULL)
              continue;
            if (c == 0 || c == 1 || c == 9)
              worksheet_write_number (ws, row, (lxw_col_t) c, g_ascii_strtod (v, NULL), NULL);
            else
              /* Strings, never formulas: write_string does not interpret "=". */
              worksheet_write_string (ws, row, (lxw_col_t) c, v, NULL);
          }
    }
  err = workbook_close (wb);
  /* The open descriptor keeps the data; the name goes at once. */
  g_unlink (path);
  if (err != LXW_NO_ERROR)
    {
      close (fd);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "workbook: %s", lxw_strerror (err));
      return -1;
    }
  return fd;
}

void
tm_usage_export_free (TmUsageExport *e)
{
  if (e == NULL)
    return;
  filter_clear (&e->filter);
  g_free (e);
}
