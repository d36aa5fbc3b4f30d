/* tm-db.h: one thin SQL layer over SQLite (default) and PostgreSQL
 *
 * Statements are written once with "?" placeholders and always parameterised;
 * for PostgreSQL the placeholders become $1..$n. Results come back as text, as
 * both engines can give them, so callers parse numbers explicitly. A pool holds
 * one connection per server thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TM_DB_ERROR (tm_db_error_quark ())

typedef enum {
  TM_DB_ERROR_OPEN,
  TM_DB_ERROR_QUERY,
  TM_DB_ERROR_CONSTRAINT,
  TM_DB_ERROR_MIGRATE,
} TmDbError;

typedef enum {
  TM_DB_SQLITE,
  TM_DB_POSTGRESQL,
} TmDbKind;

typedef struct {
  char        type;   /* 'i' integer, 's' text (NULL text is SQL NULL), 'n' NULL */
  gint64      i;
  const char *s;
} TmParam;

#define TM_INT(v)  ((TmParam) { 'i', (gint64) (v), NULL })
#define TM_STR(v)  ((TmParam) { 's', 0, (v) })
#define TM_NULL    ((TmParam) { 'n', 0, NULL })

typedef struct _TmDb TmDb;
typedef struct _TmConn TmConn;

typedef struct {
  guint    n_rows;
  guint    n_cols;
  char   **names;    /* n_cols */
  char   **values;   /* n_rows * n_cols, NULL for SQL NULL */
  gint64   changes;  /* rows changed by INSERT/UPDATE/DELETE */
} TmRows;

GQuark      tm_db_error_quark (void);

TmDb       *tm_db_open        (const char    *uri,
                               guint          pool_size,
                               GError       **error);
void        tm_db_free        (TmDb          *db);
TmDbKind    tm_db_kind        (TmDb          *db);
gboolean    tm_db_migrate     (TmDb          *db,
                               GError       **error);

TmConn     *tm_db_acquire     (TmDb          *db);
void        tm_db_release     (TmDb          *db,
                               TmConn        *conn);

TmRows     *tm_conn_query     (TmConn        *conn,
                               const char    *sql,
                               const TmParam *params,
                               guint          n_params,
                               GError       **error);
gboolean    tm_conn_exec      (TmConn        *conn,
                               const char    *sql,
                               const TmParam *params,
                               guint          n_params,
                               GError       **error);
gboolean    tm_conn_exec_script (TmConn      *conn,
                               const char    *script,
                               GError       **error);
gboolean    tm_conn_begin     (TmConn        *conn,
                               GError       **error);
gboolean    tm_conn_commit    (TmConn        *conn,
                               GError       **error);
void        tm_conn_rollback  (TmConn        *conn);
TmDbKind    tm_conn_kind      (TmConn        *conn);
/* Runs fn (data) once the open transaction commits (at once outside one); a rollback drops
 * it. destroy frees data in every case. */
void        tm_conn_after_commit (TmConn     *conn,
                               GFunc          fn,
                               gpointer       data,
                               GDestroyNotify destroy);

void        tm_rows_free      (TmRows        *rows);
const char *tm_rows_get       (TmRows        *rows,
                               guint          row,
                               guint          col);
gint64      tm_rows_get_int   (TmRows        *rows,
                               guint          row,
                               guint          col);
int         tm_rows_col       (TmRows        *rows,
                               const char    *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmRows, tm_rows_free)

/* Convenience: tm_q (conn, &error, "SELECT ... ?", TM_INT (1)) */
#define tm_q(conn, err, sql, ...) \
  tm_conn_query ((conn), (sql), (const TmParam[]) { TM_NULL, __VA_ARGS__ } + 1, \
                 G_N_ELEMENTS (((const TmParam[]) { TM_NULL, __VA_ARGS__ })) - 1, (err))
#define tm_x(conn, err, sql, ...) \
  tm_conn_exec ((conn), (sql), (const TmParam[]) { TM_NULL, __VA_ARGS__ } + 1, \
                G_N_ELEMENTS (((const TmParam[]) { TM_NULL, __VA_ARGS__ })) - 1, (err))

G_END_DECLS
