/* tongban-event-queue.c: the on-disk queue of usage events (SQLite) */

#include "tongban-event-queue.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

struct _TongbanEventQueue
{
  sqlite3 *db;
  GMutex   lock;
};

G_DEFINE_QUARK (tongban-event-queue-error-quark, tongban_event_queue_error)

/* The manager's own lists (server/tm-usage.c): an event it would refuse is
 * refused here, before it is queued, so one bad event never blocks the rest. */
static const char * const kinds[] = { "session-start", "session-end", "service", "login",
                                      "logout", NULL };
static const char * const auth_methods[] = { "none", "idcard", "iccard", "face", "fingerprint",
                                             "qrcode", "pin", NULL };
static const char * const outcomes[] = { "success", "failure", "cancel", "timeout", NULL };

static gboolean
token_ok (const char *s)
{
  gsize len = s ? strlen (s) : 0;

  if (len == 0 || len > 64)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

gboolean
tongban_usage_event_check (const TongbanUsageEvent  *event,
                           GError                  **error)
{
  const char *bad = NULL;

  if (event->kind == NULL || !g_strv_contains (kinds, event->kind))
    bad = "kind";
  else if (event->category != NULL && !token_ok (event->category))
    bad = "category";
  else if (event->service != NULL && !token_ok (event->service))
    bad = "service";
  else if (event->auth_method != NULL && !g_strv_contains (auth_methods, event->auth_method))
    bad = "auth_method";
  else if (event->outcome != NULL && !g_strv_contains (outcomes, event->outcome))
    bad = "outcome";
  else if (event->duration_ms > 24 * 3600 * 1000)
    bad = "duration_ms";
  else if (event->occurred_at < 1500000000)
    bad = "occurred_at";
  if (bad != NULL)
    {
      g_set_error (error, TONGBAN_EVENT_QUEUE_ERROR, TONGBAN_EVENT_QUEUE_ERROR_INVALID,
                   "usage event: %s is not one the manager accepts", bad);
      return FALSE;
    }
  return TRUE;
}

static gboolean
db_fail (TongbanEventQueue  *queue,
         const char         *what,
         GError            **error)
{
  g_set_error (error, TONGBAN_EVENT_QUEUE_ERROR, TONGBAN_EVENT_QUEUE_ERROR_DB,
               "event queue: %s: %s", what, sqlite3_errmsg (queue->db));
  return FALSE;
}

static gboolean
exec (TongbanEventQueue  *queue,
      const char         *sql,
      GError            **error)
{
  if (sqlite3_exec (queue->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return db_fail (queue, sql, error);
  return TRUE;
}

TongbanEventQueue *
tongban_event_queue_open (const char  *path,
                          GError     **error)
{
  g_autoptr(TongbanEventQueue) queue = g_new0 (TongbanEventQueue, 1);
  int fd;

  g_mutex_init (&queue->lock);
  /* Created 0600 before SQLite opens it; its -wal and -shm files take the same mode. */
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "event queue: %s: %s", path, g_strerror (saved));
      return NULL;
    }
  close (fd);
  if (g_chmod (path, 0600) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "event queue: %s: %s", path, g_strerror (saved));
      return NULL;
    }
  if (sqlite3_open_v2 (path, &queue->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL)
      != SQLITE_OK)
    {
      db_fail (queue, path, error);
      return NULL;
    }
  sqlite3_busy_timeout (queue->db, 5000);
  if (!exec (queue, "PRAGMA journal_mode=WAL", error)
      || !exec (queue, "PRAGMA synchronous=FULL", error)
      || !exec (queue, "CREATE TABLE IF NOT EXISTS usage_event ("
                " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                " event_id TEXT NOT NULL UNIQUE,"
                " body TEXT NOT NULL)", error))
    return NULL;
  return g_steal_pointer (&queue);
}

void
tongban_event_queue_free (TongbanEventQueue *queue)
{
  if (queue == NULL)
    return;
  if (queue->db != NULL)
    sqlite3_close (queue->db);
  g_mutex_clear (&queue->lock);
  g_free (queue);
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

/* Queues @event durably; returns its id (or NULL and @error). */
char *
tongban_event_queue_push (TongbanEventQueue        *queue,
                          const TongbanUsageEvent  *event,
                          GError                  **error)
{
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *id = NULL;
  g_autofree char *body = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (queue != NULL && event != NULL, NULL);

  if (!tongban_usage_event_check (event, error))
    return NULL;
  id = g_uuid_string_random ();
  b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "event_id", id);
  add_string (b, "kind", event->kind);
  add_string (b, "category", event->category);
  add_string (b, "service", event->service);
  add_string (b, "auth_method", event->auth_method);
  add_string (b, "outcome", event->outcome);
  if (event->duration_ms >= 0)
    {
      json_builder_set_member_name (b, "duration_ms");
      json_builder_add_int_value (b, event->duration_ms);
    }
  json_builder_set_member_name (b, "occurred_at");
  json_builder_add_int_value (b, event->occurred_at);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = json_to_string (root, FALSE);

  g_mutex_lock (&queue->lock);
  ok = sqlite3_prepare_v2 (queue->db, "INSERT INTO usage_event (event_id, body) VALUES (?, ?)",
                           -1, &stmt, NULL) == SQLITE_OK
       && sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC) == SQLITE_OK
       && sqlite3_bind_text (stmt, 2, body, -1, SQLITE_STATIC) == SQLITE_OK
       && sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    db_fail (queue, "insert", error);
  sqlite3_finalize (stmt);
  g_mutex_unlock (&queue->lock);
  return ok ? g_steal_pointer (&id) : NULL;
}

/* The oldest @max events as the body of POST /api/terminal/v1/events,
 * {"events":[...]}; NULL with *count 0 when the queue is empty. */
char *
tongban_event_queue_peek (TongbanEventQueue  *queue,
                          guint               max,
                          guint              *count,
                          gint64             *last_seq,
                          GError            **error)
{
  g_autoptr(GString) out = g_string_new ("{\"events\":[");
  sqlite3_stmt *stmt = NULL;
  int rc = SQLITE_ERROR;

  g_return_val_if_fail (queue != NULL && count != NULL && last_seq != NULL, NULL);

  *count = 0;
  *last_seq = 0;
  g_mutex_lock (&queue->lock);
  if (sqlite3_prepare_v2 (queue->db, "SELECT seq, body FROM usage_event ORDER BY seq LIMIT ?",
                          -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_bind_int (stmt, 1, (int) max) == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        if (*count > 0)
          g_string_append_c (out, ',');
        g_string_append (out, (const char *) sqlite3_column_text (stmt, 1));
        *last_seq = sqlite3_column_int64 (stmt, 0);
        (*count)++;
      }
  if (rc != SQLITE_DONE)
    db_fail (queue, "read", error);
  sqlite3_finalize (stmt);
  g_mutex_unlock (&queue->lock);
  if (rc != SQLITE_DONE || *count == 0)
    {
      *count = 0;
      return NULL;
    }
  g_string_append (out, "]}");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The manager has stored every event up to @last_seq. */
gboolean
tongban_event_queue_ack (TongbanEventQueue  *queue,
                         gint64              last_seq,
                         GError            **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (queue != NULL, FALSE);

  g_mutex_lock (&queue->lock);
  ok = sqlite3_prepare_v2 (queue->db, "DELETE FROM usage_event WHERE seq <= ?", -1, &stmt,
                           NULL) == SQLITE_OK
       && sqlite3_bind_int64 (stmt, 1, last_seq) == SQLITE_OK
       && sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    db_fail (queue, "delete", error);
  sqlite3_finalize (stmt);
  g_mutex_unlock (&queue->lock);
  return ok;
}

/* Removes the @index-th oldest event (one the manager refused for good). */
gboolean
tongban_event_queue_drop (TongbanEventQueue  *queue,
                          guint               index,
                          GError            **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (queue != NULL, FALSE);

  g_mutex_lock (&queue->lock);
  ok = sqlite3_prepare_v2 (queue->db, "DELETE FROM usage_event WHERE seq = (SELECT seq FROM"
                           " usage_event ORDER BY seq LIMIT 1 OFFSET ?)", -1, &stmt, NULL)
         == SQLITE_OK
       && sqlite3_bind_int64 (stmt, 1, index) == SQLITE_OK
       && sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    db_fail (queue, "delete", error);
  sqlite3_finalize (stmt);
  g_mutex_unlock (&queue->lock);
  return ok;
}

gint64
tongban_event_queue_length (TongbanEventQueue *queue)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_return_val_if_fail (queue != NULL, -1);

  g_mutex_lock (&queue->lock);
  if (sqlite3_prepare_v2 (queue->db, "SELECT COUNT(*) FROM usage_event", -1, &stmt, NULL)
      == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  g_mutex_unlock (&queue->lock);
  return n;
}
