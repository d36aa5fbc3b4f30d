/* tm-audit.c: the append-only audit log, hash-chained with SM3
 *
 * Entry n stores hash_n = SM3(hash_{n-1} | seq | at | actor | action | object | detail),
 * so changing, removing or reordering any entry breaks every later hash. The database
 * refuses UPDATE and DELETE on the table as well (triggers); the chain catches what an
 * owner of the database could still do behind the server's back.
 */

#include "tm-app.h"
#include "tongban-sm.h"

#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

static char *
entry_hash (const char *prev,
            gint64      seq,
            gint64      at,
            const char *actor,
            const char *action,
            const char *object,
            const char *detail)
{
  g_autoptr(GString) s = g_string_new (prev);

  /* Lengths before each field: "a|b" + "c" must not hash like "a" + "b|c". */
  g_string_append_printf (s, "|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT, seq, at);
  g_string_append_printf (s, "|%zu:%s", strlen (actor), actor);
  g_string_append_printf (s, "|%zu:%s", strlen (action), action);
  g_string_append_printf (s, "|%zu:%s", strlen (object), object);
  g_string_append_printf (s, "|%zu:%s", strlen (detail), detail);
  return tongban_sm3_hex (s->str, s->len);
}

gboolean
tm_audit_append (TmApp       *app,
                 const char  *actor,
                 const char  *action,
                 const char  *object,
                 const char  *detail,
                 GError     **error)
{
  g_autoptr(TmRows) last = NULL;
  g_autofree char *hash = NULL;
  GError *db_error = NULL;
  const char *prev = GENESIS;
  gint64 seq = 1, at = tm_now ();
  TmConn *conn;
  gboolean ok;

  actor = actor ? actor : "";
  object = object ? object : "";
  detail = detail ? detail : "";

  /* The chain needs one writer at a time: a mutex here, a table lock for other managers. */
  g_mutex_lock (&app->audit_lock);
  conn = tm_db_acquire (app->db);
  ok = tm_conn_begin (conn, &db_error);
  if (ok && tm_conn_kind (conn) == TM_DB_POSTGRESQL)
    ok = tm_conn_exec_script (conn, "LOCK TABLE audit_log IN EXCLUSIVE MODE", &db_error);
  if (ok)
    {
      last = tm_q (conn, &db_error, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
      ok = last != NULL;
    }
  if (ok && last->n_rows == 1)
    {
      seq = tm_rows_get_int (last, 0, 0) + 1;
      prev = tm_rows_get (last, 0, 1);
    }
  if (ok)
    {
      hash = entry_hash (prev, seq, at, actor, action, object, detail);
      ok = tm_x (conn, &db_error, "INSERT INTO audit_log (seq, at, actor, action, object, detail,"
                 " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 TM_INT (seq), TM_INT (at), TM_STR (actor), TM_STR (action), TM_STR (object),
                 TM_STR (detail), TM_STR (prev), TM_STR (hash))
           && tm_conn_commit (conn, &db_error);
    }
  if (!ok)
    tm_conn_rollback (conn);
  tm_db_release (app->db, conn);
  g_mutex_unlock (&app->audit_lock);
  if (!ok)
    tm_db_fail (error, db_error);
  return ok;
}

gboolean
tm_audit_verify (TmApp   *app,
                 gint64  *n_entries,
                 gint64  *first_bad,
                 GError **error)
{
  g_autofree char *prev = g_strdup (GENESIS);
  GError *db_error = NULL;
  gint64 expected_seq = 1, after = 0, count = 0;
  TmConn *conn = tm_db_acquire (app->db);

  *first_bad = 0;
  for (;;)
    {
      g_autoptr(TmRows) rows = tm_q (conn, &db_error,
                                     "SELECT seq, at, actor, action, object, detail, prev_hash,"
                                     " hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 1000",
                                     TM_INT (after));

      if (rows == NULL)
        {
          tm_db_release (app->db, conn);
          tm_db_fail (error, db_error);
          return FALSE;
        }
      if (rows->n_rows == 0)
        break;
      for (guint r = 0; r < rows->n_rows; r++)
        {
          gint64 seq = tm_rows_get_int (rows, r, 0);
          g_autofree char *hash = entry_hash (prev, seq, tm_rows_get_int (rows, r, 1),
                                              tm_rows_get (rows, r, 2), tm_rows_get (rows, r, 3),
                                              tm_rows_get (rows, r, 4), tm_rows_get (rows, r, 5));

          count++;
          /* A gap in seq is a deleted entry; a wrong prev_hash or hash is an edited one. */
          if (*first_bad == 0
              && (seq != expected_seq || g_strcmp0 (tm_rows_get (rows, r, 6), prev) != 0
                  || g_strcmp0 (tm_rows_get (rows, r, 7), hash) != 0))
            *first_bad = seq != expected_seq ? expected_seq : seq;
          g_free (prev);
          /* Chain on the stored hash, so one edit is reported once, at its place. */
          prev = g_strdup (tm_rows_get (rows, r, 7));
          expected_seq = seq + 1;
          after = seq;
        }
    }
  tm_db_release (app->db, conn);
  *n_entries = count;
  return *first_bad == 0;
}

JsonNode *
tm_audit_list (TmApp   *app,
               gint64   after,
               guint    limit,
               GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(TmRows) rows = NULL;
  GError *db_error = NULL;
  TmConn *conn = tm_db_acquire (app->db);

  rows = tm_q (conn, &db_error, "SELECT seq, at, actor, action, object, detail, hash"
               " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
               TM_INT (after), TM_INT (CLAMP (limit, 1, 1000)));
  tm_db_release (app->db, conn);
  if (rows == NULL)
    {
      tm_db_fail (error, db_error);
      return NULL;
    }
  json_builder_begin_array (b);
  for (guint r = 0; r < rows->n_rows; r++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "seq");
      json_builder_add_int_value (b, tm_rows_get_int (rows, r, 0));
      json_builder_set_member_name (b, "at");
      json_builder_add_int_value (b, tm_rows_get_int (rows, r, 1));
      for (guint c = 2; c <= 6; c++)
        {
          json_builder_set_member_name (b, rows->names[c]);
          json_builder_add_string_value (b, tm_rows_get (rows, r, c));
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}
