/* tm-db.c: the SQLite and PostgreSQL back ends of the SQL layer, pool and migrations */

#include "tm-db.h"

#include <string.h>
#include <gio/gio.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#define PG_INT8_OID 20

struct _TmConn {
  TmDbKind  kind;
  GMutex   *write_lock;   /* SQLite: the db's one-writer lock */
  gboolean  in_tx;
  sqlite3  *lite;
  PGconn   *pg;
  GHashTable *pg_sql;   /* "?" SQL → "$n" SQL, per connection so no locking */
  GHashTable *pg_prepared; /* SQL → server-side prepared statement name */
  GHashTable *lite_stmts; /* SQL → prepared sqlite3_stmt, reused: parsing costs more than running */
  GArray     *after_commit; /* AfterCommit */
};

typedef struct {
  GFunc          fn;
  gpointer       data;
  GDestroyNotify destroy;
} AfterCommit;

struct _TmDb {
  TmDbKind     kind;
  /* SQLite allows one writer; waiting on this mutex is far cheaper than SQLite's own
   * busy handler, which sleeps in steps of milliseconds. */
  GMutex       write_lock;
  GAsyncQueue *pool;
  GPtrArray   *all;
};

G_DEFINE_QUARK (tm-db-error-quark, tm_db_error)

static void
stmt_finalize (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
conn_free (TmConn *c)
{
  g_clear_pointer (&c->lite_stmts, g_hash_table_unref);
  if (c->lite != NULL)
    sqlite3_close (c->lite);
  if (c->pg != NULL)
    PQfinish (c->pg);
  g_clear_pointer (&c->pg_sql, g_hash_table_unref);
  g_clear_pointer (&c->pg_prepared, g_hash_table_unref);
  g_free (c);
}

static TmConn *
conn_open (TmDbKind     kind,
           const char  *target,
           GError     **error)
{
  TmConn *c = g_new0 (TmConn, 1);

  c->kind = kind;
  if (kind == TM_DB_SQLITE)
    {
      int rc = sqlite3_open_v2 (target, &c->lite,
                                SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                | SQLITE_OPEN_NOMUTEX, NULL);
      char *msg = NULL;

      if (rc != SQLITE_OK)
        {
          g_set_error (error, TM_DB_ERROR, TM_DB_ERROR_OPEN, "cannot open %s: %s", target,
                       c->lite ? sqlite3_errmsg (c->lite) : sqlite3_errstr (rc));
          conn_free (c);
          return NULL;
        }
      sqlite3_busy_timeout (c->lite, 10000);
      c->lite_stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, stmt_finalize);
      /* WAL lets the pool's readers run beside one writer; NORMAL keeps commits cheap
       * while WAL still guarantees consistency after power loss. */
      if (sqlite3_exec (c->lite, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                        "PRAGMA foreign_keys=ON;", NULL, NULL, &msg) != SQLITE_OK)
        {
          g_set_error (error, TM_DB_ERROR, TM_DB_ERROR_OPEN, "cannot set up %s: %s", target,
                       msg ? msg : "?");
          sqlite3_free (msg);
          conn_free (c);
          return NULL;
        }
    }
  else
    {
      c->pg = PQconnectdb (target);
      if (PQstatus (c->pg) != CONNECTION_OK)
        {
          g_set_error (error, TM_DB_ERROR, TM_DB_ERROR_OPEN, "cannot connect to PostgreSQL: %s",
                       PQerrorMessage (c->pg));
          conn_free (c);
          return NULL;
        }
      c->pg_sql = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      c->pg_prepared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      PQclear (PQexec (c->pg, "SET client_min_messages = warning"));
    }
  return c;
}

TmDb *
tm_db_open (const char  *uri,
            guint        pool_size,
            GError     **error)
{
  TmDb *db;
  TmDbKind kind;
  const char *target;

  g_return_val_if_fail (uri != NULL, NULL);

  if (g_str_has_prefix (uri, "postgresql://") || g_str_has_prefix (uri, "postgres://"))
    {
      kind = TM_DB_POSTGRESQL;
      target = uri;
    }
  else if (g_str_has_prefix (uri, "sqlite:"))
    {
      kind = TM_DB_SQLITE;
      target = uri + strlen ("sqlite:");
    }
  else
    {
      kind = TM_DB_SQLITE;
      target = uri;
    }
  if (*target == '\0')
    {
      g_set_error (error, TM_DB_ERROR, TM_DB_ERROR_OPEN, "empty database location");
      return NULL;
    }

  db = g_new0 (TmDb, 1);
  db->kind = kind;
  g_mutex_init (&db->write_lock);
  db->pool = g_async_queue_new ();
  db->all = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_free);
  for (guint i = 0; i < MAX (pool_size, 1); i++)
    {
      TmConn *c = conn_open (kind, target, error);

      if (c == NULL)
        {
          tm_db_free (db);
          return NULL;
        }
      c->write_lock = kind == TM_DB_SQLITE ? &db->write_lock : NULL;
      g_ptr_array_add (db->all, c);
      g_async_queue_push (db->pool, c);
    }
  return db;
}

void
tm_db_free (TmDb *db)
{
  if (db == NULL)
    return;
  while (g_async_queue_try_pop (db->pool) != NULL)
    ;
  g_async_queue_unref (db->pool);
  g_ptr_array_unref (db->all);
  g_mutex_clear (&db->write_lock);
  g_free (db);
}

TmDbKind
tm_db_kind (TmDb *db)
{
  return db->kind;
}

TmConn *
tm_db_acquire (TmDb *db)
{
  return g_async_queue_pop (db->pool);
}

void
tm_db_release (TmDb   *db,
               TmConn *conn)
{
  if (conn != NULL)
    g_async_queue_push (db->pool, conn);
}

TmDbKind
tm_conn_kind (TmConn *conn)
{
  return conn->kind;
}

static TmRows *
rows_new (void)
{
  return g_new0 (TmRows, 1);
}

void
tm_rows_free (TmRows *rows)
{
  if (rows == NULL)
    return;
  for (guint i = 0; i < rows->n_cols; i++)
    g_free (rows->names[i]);
  for (guint i = 0; i < rows->n_rows * rows->n_cols; i++)
    g_free (rows->values[i]);
  g_free (rows->names);
  g_free (rows->values);
  g_free (rows);
}

const char *
tm_rows_get (TmRows *rows,
             guint   row,
             guint   col)
{
  g_return_val_if_fail (rows != NULL, NULL);
  if (row >= rows->n_rows || col >= rows->n_cols)
    return NULL;
  return rows->values[row * rows->n_cols + col];
}

gint64
tm_rows_get_int (TmRows *rows,
                 guint   row,
                 guint   col)
{
  const char *v = tm_rows_get (rows, row, col);

  if (v == NULL)
    return 0;
  /* PostgreSQL renders booleans as t/f. */
  if (v[0] == 't' && v[1] == '\0')
    return 1;
  return g_ascii_strtoll (v, NULL, 10);
}

int
tm_rows_col (TmRows     *rows,
             const char *name)
{
  for (guint i = 0; i < rows->n_cols; i++)
    if (strcmp (rows->names[i], name) == 0)
      return (int) i;
  return -1;
}

static const char *
pg_sql (TmConn     *conn,
        const char *sql)
{
  char *conv = g_hash_table_lookup (conn->pg_sql, sql);
  GString *s;
  guint n = 0;
  gboolean quoted = FALSE;

  if (conv != NULL)
    return conv;
  s = g_string_sized_new (strlen (sql) + 16);
  for (const char *p = sql; *p; p++)
    {
      if (*p == '\'')
        quoted = !quoted;
      if (*p == '?' && !quoted)
        g_string_append_printf (s, "$%u", ++n);
      else
        g_string_append_c (s, *p);
    }
  conv = g_string_free (s, FALSE);
  g_hash_table_insert (conn->pg_sql, g_strdup (sql), conv);
  return conv;
}

static TmRows *
query_pg (TmConn         *conn,
          const char     *sql,
          const TmParam  *params,
          guint           n_params,
          GError        **error)
{
  g_autofree Oid *types = g_new0 (Oid, n_params + 1);
  g_autofree const char **values = g_new0 (const char *, n_params + 1);
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  PGresult *res;
  ExecStatusType st;
  const char *name;
  TmRows *rows;

  for (guint i = 0; i < n_params; i++)
    {
      switch (params[i].type)
        {
        case 'i':
          types[i] = PG_INT8_OID;
          values[i] = g_strdup_printf ("%" G_GINT64_FORMAT, params[i].i);
          g_ptr_array_add (owned, (gpointer) values[i]);
          break;
        case 's':
          values[i] = params[i].s;
          break;
        default:
          values[i] = NULL;
        }
    }

  if (PQstatus (conn->pg) != CONNECTION_OK)
    {
      PQreset (conn->pg);
      /* A new server session has none of the old prepared statements. */
      g_hash_table_remove_all (conn->pg_prepared);
    }
  name = g_hash_table_lookup (conn->pg_prepared, sql);
  if (name == NULL && g_hash_table_size (conn->pg_prepared) < 512)
    {
      g_autofree char *fresh = g_strdup_printf ("tm%u", g_hash_table_size (conn->pg_prepared));
      PGresult *prep = PQprepare (conn->pg, fresh, pg_sql (conn, sql), (int) n_params, types);

      if (PQresultStatus (prep) == PGRES_COMMAND_OK)
        {
          name = fresh;
          g_hash_table_insert (conn->pg_prepared, g_strdup (sql), g_steal_pointer (&fresh));
        }
      PQclear (prep);
    }
  if (name != NULL)
    res = PQexecPrepared (conn->pg, name, (int) n_params, values, NULL, NULL, 0);
  else
    res = PQexecParams (conn->pg, pg_sql (conn, sql), (int) n_params, types, values, NULL, NULL,
                        0);
  st = PQresultStatus (res);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
    {
      const char *state = PQresultErrorField (res, PG_DIAG_SQLSTATE);
      gboolean constraint = state != NULL && g_str_has_prefix (state, "23");

      g_set_error (error, TM_DB_ERROR, constraint ? TM_DB_ERROR_CONSTRAINT : TM_DB_ERROR_QUERY,
                   "%s", PQresultErrorMessage (res));
      PQclear (res);
      return NULL;
    }

  rows = rows_new ();
  rows->n_rows = (guint) PQntuples (res);
  rows->n_cols = (guint) PQnfields (res);
  rows->names = g_new0 (char *, rows->n_cols + 1);
  rows->values = g_new0 (char *, (gsize) rows->n_rows * rows->n_cols + 1);
  for (guint c = 0; c < rows->n_cols; c++)
    rows->names[c] = g_strdup (PQfname (res, (int) c));
  for (guint r = 0; r < rows->n_rows; r++)
    for (guint c = 0; c < rows->n_cols; c++)
      if (!PQgetisnull (res, (int) r, (int) c))
        rows->values[r * rows->n_cols + c] = g_strdup (PQgetvalue (res, (int) r, (int) c));
  {
    const char *t = PQcmdTuples (res);
    rows->changes = (t && *t) ? g_ascii_strtoll (t, NULL, 10) : 0;
  }
  PQclear (res);
  return rows;
}

static TmRows *
query_lite (TmConn         *conn,
            const char     *sql,
            const TmParam  *params,
            guint           n_params,
            GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  GPtrArray *vals;
  TmRows *rows;
  int rc;

  stmt = g_hash_table_lookup (conn->lite_stmts, sql);
  if (stmt == NULL)
    {
      rc = sqlite3_prepare_v3 (conn->lite, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
      if (rc != SQLITE_OK)
        {
          g_set_error (error, TM_DB_ERROR, TM_DB_ERROR_QUERY, "%s", sqlite3_errmsg (conn->lite));
          return NULL;
        }
      /* Bounded: dynamic SQL is built only from fixed pieces, but keep a ceiling anyway. */
      if (g_hash_table_size (conn->lite_stmts) > 512)
        g_hash_table_remove_all (conn->lite_stmts);
      g_hash_table_insert (conn->lite_stmts, g_strdup (sql), stmt);
    }
  for (guint i = 0; i < n_params; i++)
    {
      int idx = (int) i + 1;

      if (params[i].type == 'i')
        sqlite3_bind_int64 (stmt, idx, params[i].i);
      else if (params[i].type == 's' && params[i].s != NULL)
        sqlite3_bind_text (stmt, idx, params[i].s, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (stmt, idx);
    }

  rows = rows_new ();
  rows->n_cols = (guint) sqlite3_column_count (stmt);
  rows->names = g_new0 (char *, rows->n_cols + 1);
  for (guint c = 0; c < rows->n_cols; c++)
    rows->names[c] = g_strdup (sqlite3_column_name (stmt, (int) c));
  vals = g_ptr_array_new ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (guint c = 0; c < rows->n_cols; c++)
        {
          const unsigned char *t = sqlite3_column_text (stmt, (int) c);
          g_ptr_array_add (vals, t ? g_strdup ((const char *) t) : NULL);
        }
      rows->n_rows++;
    }
  if (rc != SQLITE_DONE)
    {
      int ext = sqlite3_extended_errcode (conn->lite);

      g_set_error (error, TM_DB_ERROR,
                   (ext & 0xff) == SQLITE_CONSTRAINT ? TM_DB_ERROR_CONSTRAINT : TM_DB_ERROR_QUERY,
                   "%s", sqlite3_errmsg (conn->lite));
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      g_ptr_array_set_free_func (vals, g_free);
      g_ptr_array_unref (vals);
      rows->n_rows = 0;
      tm_rows_free (rows);
      return NULL;
    }
  rows->changes = sqlite3_changes (conn->lite);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  g_ptr_array_add (vals, NULL);
  rows->values = (char **) g_ptr_array_free (vals, FALSE);
  return rows;
}

TmRows *
tm_conn_query (TmConn         *conn,
               const char     *sql,
               const TmParam  *params,
               guint           n_params,
               GError        **error)
{
  g_return_val_if_fail (conn != NULL && sql != NULL, NULL);

  if (conn->kind == TM_DB_POSTGRESQL)
    return query_pg (conn, sql, params, n_params, error);
  if (!conn->in_tx && g_ascii_strncasecmp (sql, "SELECT", 6) != 0)
    {
      TmRows *rows;

      g_mutex_lock (conn->write_lock);
      rows = query_lite (conn, sql, params, n_params, error);
      g_mutex_unlock (conn->write_lock);
      return rows;
    }
  return query_lite (conn, sql, params, n_params, error);
}

gboolean
tm_conn_exec (TmConn         *conn,
              const char     *sql,
              const TmParam  *params,
              guint           n_params,
              GError        **error)
{
  TmRows *rows = tm_conn_query (conn, sql, params, n_params, error);

  tm_rows_free (rows);
  return rows != NULL;
}

gboolean
tm_conn_exec_script (TmConn      *conn,
                     const char  *script,
                     GError     **error)
{
  if (conn->kind == TM_DB_POSTGRESQL)
    {
      PGresult *res = PQexec (conn->pg, script);
      ExecStatusType st = PQresultStatus (res);
      gboolean ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;

      if (!ok)
        g_set_error (error, TM_DB_ERROR, TM_DB_ERROR_QUERY, "%s", PQresultErrorMessage (res));
      PQclear (res);
      return ok;
    }
  else
    {
      char *msg = NULL;

      if (sqlite3_exec (conn->lite, script, NULL, NULL, &msg) != SQLITE_OK)
        {
          g_set_error (error, TM_DB_ERROR, TM_DB_ERROR_QUERY, "%s", msg ? msg : "?");
          sqlite3_free (msg);
          return FALSE;
        }
      return TRUE;
    }
}

gboolean
tm_conn_begin (TmConn  *conn,
               GError **error)
{
  g_return_val_if_fail (!conn->in_tx, FALSE);

  if (conn->kind == TM_DB_POSTGRESQL)
    {
      conn->in_tx = tm_conn_exec_script (conn, "BEGIN", error);
      return conn->in_tx;
    }
  /* IMMEDIATE: a deferred SQLite transaction that later writes can fail with
   * SQLITE_BUSY without waiting, when another process wrote in between. */
  g_mutex_lock (conn->write_lock);
  conn->in_tx = tm_conn_exec_script (conn, "BEGIN IMMEDIATE", error);
  if (!conn->in_tx)
    g_mutex_unlock (conn->write_lock);
  return conn->in_tx;
}

void
tm_conn_after_commit (TmConn         *conn,
                      GFunc           fn,
                      gpointer        data,
                      GDestroyNotify  destroy)
{
  AfterCommit a = { fn, data, destroy };

  if (!conn->in_tx)
    {
      fn (data, NULL);
      if (destroy != NULL)
        destroy (data);
      return;
    }
  if (conn->after_commit == NULL)
    conn->after_commit = g_array_new (FALSE, FALSE, sizeof (AfterCommit));
  g_array_append_val (conn->after_commit, a);
}

static void
end_tx (TmConn   *conn,
        gboolean  committed)
{
  g_autoptr(GArray) after = g_steal_pointer (&conn->after_commit);

  if (conn->in_tx && conn->kind == TM_DB_SQLITE)
    g_mutex_unlock (conn->write_lock);
  conn->in_tx = FALSE;
  for (guint i = 0; after != NULL && i < after->len; i++)
    {
      AfterCommit *a = &g_array_index (after, AfterCommit, i);

      if (committed)
        a->fn (a->data, NULL);
      if (a->destroy != NULL)
        a->destroy (a->data);
    }
}

gboolean
tm_conn_commit (TmConn  *conn,
                GError **error)
{
  gboolean ok = tm_conn_exec_script (conn, "COMMIT", error);

  /* A failed COMMIT may leave the transaction open; end it here so no caller can forget. */
  if (!ok)
    tm_conn_exec_script (conn, "ROLLBACK", NULL);
  end_tx (conn, ok);
  return ok;
}

void
tm_conn_rollback (TmConn *conn)
{
  if (!conn->in_tx)
    return;
  tm_conn_exec_script (conn, "ROLLBACK", NULL);
  end_tx (conn, FALSE);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

gboolean
tm_db_migrate (TmDb    *db,
               GError **error)
{
  const char *dir = db->kind == TM_DB_SQLITE ? "/cn/gov/gba/Tongban/manager/sql/sqlite"
                                             : "/cn/gov/gba/Tongban/manager/sql/postgresql";
  g_auto(GStrv) names = g_resources_enumerate_children (dir, 0, error);
  TmConn *conn;
  gboolean ok = TRUE;

  if (names == NULL)
    return FALSE;
  qsort (names, g_strv_length (names), sizeof (char *), compare_names);

  conn = tm_db_acquire (db);
  /* Several managers may start at once on one PostgreSQL: one migrates, the others wait. */
  if (db->kind == TM_DB_POSTGRESQL)
    ok = tm_conn_exec_script (conn, "SELECT pg_advisory_lock(7261001)", error);
  if (ok)
    ok = tm_conn_exec_script (conn, "CREATE TABLE IF NOT EXISTS schema_migration ("
                              " version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)", error);
  for (guint i = 0; ok && names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_path ("/", dir, names[i], NULL);
      g_autoptr(GBytes) script = NULL;
      g_autoptr(TmRows) done = NULL;
      g_autofree char *text = NULL;

      if (!g_str_has_suffix (names[i], ".sql"))
        continue;
      done = tm_q (conn, error, "SELECT 1 FROM schema_migration WHERE version = ?",
                   TM_STR (names[i]));
      if (done == NULL)
        {
          ok = FALSE;
          break;
        }
      if (done->n_rows > 0)
        continue;
      script = g_resources_lookup_data (path, 0, error);
      if (script == NULL)
        {
          ok = FALSE;
          break;
        }
      text = g_strndup (g_bytes_get_data (script, NULL), g_bytes_get_size (script));
      ok = tm_conn_begin (conn, error)
           && tm_conn_exec_script (conn, text, error)
           && tm_x (conn, error, "INSERT INTO schema_migration (version, applied_at) VALUES (?, ?)",
                    TM_STR (names[i]), TM_INT (g_get_real_time () / G_USEC_PER_SEC))
           && tm_conn_commit (conn, error);
      if (!ok)
        {
          tm_conn_rollback (conn);
          g_prefix_error (error, "migration %s: ", names[i]);
        }
    }
  if (db->kind == TM_DB_POSTGRESQL)
    tm_conn_exec_script (conn, "SELECT pg_advisory_unlock(7261001)", NULL);
  tm_db_release (db, conn);
  return ok;
}
