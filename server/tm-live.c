/* tm-live.c: what the manager keeps in memory about logged-in terminals, and the heartbeat
 * writer
 *
 * A signed request used to cost a database read and an SM4 unseal for the session key, and a
 * committed nonce insert; a steady heartbeat a transaction of seven statements. Here:
 *
 * - Sessions: session id → terminal and plain session key, filled from the database on first
 *   use (the key is still sealed at rest) and wiped when dropped.
 * - Terminals: status, region and, once a heartbeat has gone the full way, the state it left
 *   (component states, open alarms, module flags). A heartbeat that changes none of it needs
 *   no read at all (tm-monitor.c).
 * - Nonces: the replay check is a hash lookup; each nonce is kept until its timestamp can no
 *   longer be accepted, and written to the database in batches so a restarted manager (or
 *   another instance, after a fail-over) loads them with the terminal's session.
 * - The writer: a thread that keeps the latest "last seen" facts and consumable levels per
 *   terminal and commits them every write_batch_ms in one transaction.
 *
 * Anything that changes what a terminal's heartbeat would read (status, commands, modules,
 * alarms, the silent sweep) calls tm_live_forget() after its commit; on PostgreSQL it also
 * sends NOTIFY so every manager on the database forgets (tm_live_listen). A heartbeat that
 * read the database before the terminal was forgotten never stores what it read (the epoch
 * check).
 */

#include "tm-live.h"
#include "tm-events.h"

#include <string.h>
#include <libpq-fe.h>

#define NOTIFY_CHANNEL "tongban_terminal"

typedef struct {
  gint64  terminal_id;
  guint8  key[32];
  gsize   key_len;
  gint64  expires_at;
} Session;

struct _TmLive {
  GMutex       lock;
  GHashTable  *sessions;    /* session id → Session */
  GHashTable  *terminals;   /* &id → TmLiveTerminal */
  GHashTable  *nonces;      /* "id/nonce" → expiry (seconds, as pointer-size int) */
  gint64       nonce_prune_at;
  guint64      epoch;       /* bumped by every forget */
  guint64      forgot_all;  /* the epoch of the last forget-everything */
  GHashTable  *forgot;      /* &id → epoch of the terminal's last forget */

  /* The writer */
  GMutex       write_lock;
  GCond        write_cond;
  GMutex       flush_lock;  /* one flush at a time, in order */
  GHashTable  *pending;     /* &id → PendingBeat */
  GArray      *pending_nonces;  /* PendingNonce */
  GThread     *writer;
  GThread     *listener;
  gboolean     stopping;
};

typedef struct {
  gint64  terminal_id;
  char   *nonce;
  gint64  seen_at;
} PendingNonce;

typedef struct {
  gint64      terminal_id;
  gint64      last_seen;
  char       *version;
  char       *network;
  char       *ip;
  GPtrArray  *levels;   /* TmLiveLevel */
} PendingBeat;

static void
session_free (gpointer data)
{
  Session *s = data;

  explicit_bzero (s->key, sizeof s->key);
  g_free (s);
}

void
tm_live_terminal_free (TmLiveTerminal *t)
{
  if (t == NULL)
    return;
  g_free (t->number);
  g_free (t->status);
  g_free (t->region_code);
  g_free (t->region_path);
  g_clear_pointer (&t->components, g_hash_table_unref);
  g_clear_pointer (&t->open_alarms, g_hash_table_unref);
  g_clear_pointer (&t->modules, g_ptr_array_unref);
  g_free (t);
}

static void
level_free (gpointer data)
{
  TmLiveLevel *l = data;

  g_free (l->item);
  g_free (l->state);
  g_free (l);
}

static void
pending_free (gpointer data)
{
  PendingBeat *p = data;

  g_free (p->version);
  g_free (p->network);
  g_free (p->ip);
  g_clear_pointer (&p->levels, g_ptr_array_unref);
  g_free (p);
}

static void
pending_nonce_clear (gpointer data)
{
  g_free (((PendingNonce *) data)->nonce);
}

static GArray *
nonce_array_new (void)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (PendingNonce));

  g_array_set_clear_func (a, pending_nonce_clear);
  return a;
}

/* PostgreSQL array literal element: NULL, or the text double-quoted with " and \ escaped. */
static void
array_add (GString    *a,
           const char *text)
{
  g_string_append_c (a, a->len == 1 ? ' ' : ',');
  if (text == NULL)
    {
      g_string_append (a, "NULL");
      return;
    }
  g_string_append_c (a, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (a, '\\');
      g_string_append_c (a, *p);
    }
  g_string_append_c (a, '"');
}

static void
array_add_int (GString *a,
               gint64   v)
{
  g_string_append_printf (a, "%c%" G_GINT64_FORMAT, a->len == 1 ? ' ' : ',', v);
}

static GString **
arrays_new (guint n)
{
  GString **a = g_new0 (GString *, n + 1);

  for (guint i = 0; i < n; i++)
    a[i] = g_string_new ("{");
  return a;
}

static void
arrays_free (GString **a)
{
  for (guint i = 0; a[i] != NULL; i++)
    g_string_free (a[i], TRUE);
  g_free (a);
}

static const char *
array_done (GString *a)
{
  if (a->str[a->len - 1] != '}')
    g_string_append_c (a, '}');
  return a->str;
}

/* PostgreSQL: three statements for the whole batch (one round trip each), rows as arrays. */
static gboolean
write_batch_pg (TmConn      *conn,
                GHashTable  *beats,
                GArray      *nonces,
                GError     **error)
{
  GString **n = arrays_new (3), **t = arrays_new (5), **l = arrays_new (5);
  GHashTableIter iter;
  PendingBeat *p;
  gboolean ok = TRUE;

  for (guint i = 0; i < nonces->len; i++)
    {
      PendingNonce *pn = &g_array_index (nonces, PendingNonce, i);

      array_add_int (n[0], pn->terminal_id);
      array_add (n[1], pn->nonce);
      array_add_int (n[2], pn->seen_at);
    }
  g_hash_table_iter_init (&iter, beats);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &p))
    {
      array_add_int (t[0], p->terminal_id);
      array_add_int (t[1], p->last_seen);
      array_add (t[2], p->version);
      array_add (t[3], p->network);
      array_add (t[4], p->ip);
      for (guint i = 0; i < p->levels->len; i++)
        {
          TmLiveLevel *lv = p->levels->pdata[i];

          array_add_int (l[0], p->terminal_id);
          array_add (l[1], lv->item);
          array_add_int (l[2], lv->level);
          array_add (l[3], lv->state);
          array_add_int (l[4], p->last_seen);
        }
    }
  if (nonces->len > 0)
    ok = tm_x (conn, error, "INSERT INTO request_nonce (terminal_id, nonce, seen_at)"
               " SELECT * FROM unnest (CAST(? AS BIGINT[]), CAST(? AS TEXT[]),"
               " CAST(? AS BIGINT[])) ON CONFLICT DO NOTHING", TM_STR (array_done (n[0])),
               TM_STR (array_done (n[1])), TM_STR (array_done (n[2])));
  if (ok && g_hash_table_size (beats) > 0)
    ok = tm_x (conn, error, "UPDATE terminal t SET last_seen = GREATEST (t.last_seen, v.seen),"
               " online = 1, sw_version = COALESCE (v.version, t.sw_version),"
               " network = COALESCE (v.network, t.network), ip = COALESCE (v.ip, t.ip)"
               " FROM unnest (CAST(? AS BIGINT[]), CAST(? AS BIGINT[]), CAST(? AS TEXT[]),"
               " CAST(? AS TEXT[]), CAST(? AS TEXT[])) AS v (id, seen, version, network, ip)"
               " WHERE t.id = v.id", TM_STR (array_done (t[0])), TM_STR (array_done (t[1])),
               TM_STR (array_done (t[2])), TM_STR (array_done (t[3])),
               TM_STR (array_done (t[4])));
  if (ok && l[0]->len > 1)
    ok = tm_x (conn, error, "INSERT INTO consumable_level (terminal_id, item, level, state,"
               " updated_at) SELECT * FROM unnest (CAST(? AS BIGINT[]), CAST(? AS TEXT[]),"
               " CAST(? AS INTEGER[]), CAST(? AS TEXT[]), CAST(? AS BIGINT[]))"
               " ON CONFLICT (terminal_id, item) DO UPDATE SET level = excluded.level,"
               " state = excluded.state, updated_at = excluded.updated_at",
               TM_STR (array_done (l[0])), TM_STR (array_done (l[1])), TM_STR (array_done (l[2])),
               TM_STR (array_done (l[3])), TM_STR (array_done (l[4])));
  arrays_free (n);
  arrays_free (t);
  arrays_free (l);
  return ok;
}

/* SQLite: statements run in-process, so one per row costs little. */
static gboolean
write_batch_sqlite (TmConn      *conn,
                    GHashTable  *beats,
                    GArray      *nonces,
                    GError     **error)
{
  GHashTableIter iter;
  PendingBeat *p;
  gboolean ok = TRUE;

  for (guint i = 0; ok && i < nonces->len; i++)
    {
      PendingNonce *n = &g_array_index (nonces, PendingNonce, i);

      ok = tm_x (conn, error, "INSERT INTO request_nonce (terminal_id, nonce, seen_at)"
                 " VALUES (?, ?, ?) ON CONFLICT DO NOTHING", TM_INT (n->terminal_id),
                 TM_STR (n->nonce), TM_INT (n->seen_at));
    }
  g_hash_table_iter_init (&iter, beats);
  while (ok && g_hash_table_iter_next (&iter, NULL, (gpointer *) &p))
    {
      /* Never back in time: a heartbeat that took the full way may have written later. */
      ok = tm_x (conn, error, "UPDATE terminal SET last_seen = MAX (COALESCE (last_seen, 0), ?),"
                 " online = 1, sw_version = COALESCE (?, sw_version),"
                 " network = COALESCE (?, network), ip = COALESCE (?, ip) WHERE id = ?",
                 TM_INT (p->last_seen), TM_STR (p->version), TM_STR (p->network),
                 TM_STR (p->ip), TM_INT (p->terminal_id));
      for (guint i = 0; ok && i < p->levels->len; i++)
        {
          TmLiveLevel *l = p->levels->pdata[i];

          ok = tm_x (conn, error, "INSERT INTO consumable_level (terminal_id, item, level,"
                     " state, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (terminal_id, item)"
                     " DO UPDATE SET level = excluded.level, state = excluded.state,"
                     " updated_at = excluded.updated_at",
                     TM_INT (p->terminal_id), TM_STR (l->item), TM_INT (l->level),
                     TM_STR (l->state), TM_INT (p->last_seen));
        }
    }
  return ok;
}

/* Writes one batch in one transaction; FALSE (logged) if the database refused it. */
static gboolean
write_batch (TmApp      *app,
             GHashTable *beats,
             GArray     *nonces)
{
  GError *db_error = NULL;
  TmConn *conn;
  gboolean ok;

  if (g_hash_table_size (beats) == 0 && nonces->len == 0)
    return TRUE;
  conn = tm_db_acquire (app->db);
  ok = tm_conn_begin (conn, &db_error)
       && (tm_conn_kind (conn) == TM_DB_POSTGRESQL ? write_batch_pg (conn, beats, nonces, &db_error)
                                                   : write_batch_sqlite (conn, beats, nonces,
                                                                         &db_error));
  if (ok)
    ok = tm_conn_commit (conn, &db_error);
  else
    tm_conn_rollback (conn);
  tm_db_release (app->db, conn);
  if (!ok)
    {
      g_warning ("heartbeat writer: %u terminals, %u nonces not written: %s",
                 g_hash_table_size (beats), nonces->len, db_error->message);
      g_error_free (db_error);
    }
  return ok;
}

void
tm_live_flush (TmApp *app)
{
  TmLive *live = app->live;
  g_autoptr(GHashTable) beats = NULL;
  g_autoptr(GArray) nonces = NULL;

  g_mutex_lock (&live->flush_lock);
  g_mutex_lock (&live->write_lock);
  if (g_hash_table_size (live->pending) == 0 && live->pending_nonces->len == 0)
    {
      g_mutex_unlock (&live->write_lock);
      g_mutex_unlock (&live->flush_lock);
      return;
    }
  beats = g_steal_pointer (&live->pending);
  nonces = g_steal_pointer (&live->pending_nonces);
  live->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, pending_free);
  live->pending_nonces = nonce_array_new ();
  g_mutex_unlock (&live->write_lock);
  write_batch (app, beats, nonces);
  g_mutex_unlock (&live->flush_lock);
}

static gpointer
writer_main (gpointer data)
{
  TmApp *app = data;
  TmLive *live = app->live;

  g_mutex_lock (&live->write_lock);
  while (!live->stopping)
    {
      gint64 until = g_get_monotonic_time () + app->config.write_batch_ms * 1000;

      while (!live->stopping && g_cond_wait_until (&live->write_cond, &live->write_lock, until))
        ;
      g_mutex_unlock (&live->write_lock);
      tm_live_flush (app);
      g_mutex_lock (&live->write_lock);
    }
  g_mutex_unlock (&live->write_lock);
  return NULL;
}

/* PostgreSQL: forget what another instance (or this one) changed, and hand the events every
 * instance sent to this one's console connections. */
static gpointer
listener_main (gpointer data)
{
  TmApp *app = data;
  TmLive *live = app->live;
  PGconn *pg = NULL;

  while (!g_atomic_int_get (&live->stopping))
    {
      PGnotify *n;

      if (pg == NULL || PQstatus (pg) != CONNECTION_OK)
        {
          g_clear_pointer (&pg, PQfinish);
          PGresult *res;
          gboolean listening;

          pg = PQconnectdb (app->config.db_uri);
          res = PQstatus (pg) == CONNECTION_OK
                ? PQexec (pg, "LISTEN " NOTIFY_CHANNEL "; LISTEN tongban_event") : NULL;
          listening = res != NULL && PQresultStatus (res) == PGRES_COMMAND_OK;
          PQclear (res);
          if (!listening)
            {
              g_clear_pointer (&pg, PQfinish);
              g_usleep (500 * 1000);
              continue;
            }
          /* Whatever happened while nobody listened is unknown: start afresh. */
          tm_live_forget (app, 0);
        }
      {
        int fd = PQsocket (pg);
        GPollFD pfd = { fd, G_IO_IN, 0 };

        if (g_poll (&pfd, 1, 200) > 0 && !PQconsumeInput (pg))
          continue;
      }
      while ((n = PQnotifies (pg)) != NULL)
        {
          if (g_str_equal (n->relname, NOTIFY_CHANNEL))
            tm_live_forget (app, g_ascii_strtoll (n->extra, NULL, 10));
          else
            tm_events_deliver (app, n->extra);
          PQfreemem (n);
        }
    }
  g_clear_pointer (&pg, PQfinish);
  return NULL;
}

TmLive *
tm_live_new (void)
{
  TmLive *live = g_new0 (TmLive, 1);

  g_mutex_init (&live->lock);
  g_mutex_init (&live->write_lock);
  g_mutex_init (&live->flush_lock);
  g_cond_init (&live->write_cond);
  live->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, session_free);
  live->terminals = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                           (GDestroyNotify) tm_live_terminal_free);
  live->nonces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  live->forgot = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  live->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, pending_free);
  live->pending_nonces = nonce_array_new ();
  return live;
}

void
tm_live_start (TmApp *app)
{
  TmLive *live = app->live;

  g_return_if_fail (live->writer == NULL);
  live->writer = g_thread_new ("tm-writer", writer_main, app);
  if (tm_db_kind (app->db) == TM_DB_POSTGRESQL)
    live->listener = g_thread_new ("tm-listen", listener_main, app);
}

void
tm_live_stop (TmApp *app)
{
  TmLive *live = app->live;

  if (live == NULL)
    return;
  g_mutex_lock (&live->write_lock);
  g_atomic_int_set (&live->stopping, TRUE);
  g_cond_signal (&live->write_cond);
  g_mutex_unlock (&live->write_lock);
  g_clear_pointer (&live->writer, g_thread_join);
  g_clear_pointer (&live->listener, g_thread_join);
  /* What the writer had not written yet. */
  tm_live_flush (app);
}

void
tm_live_free (TmLive *live)
{
  if (live == NULL)
    return;
  g_hash_table_unref (live->sessions);
  g_hash_table_unref (live->terminals);
  g_hash_table_unref (live->nonces);
  g_hash_table_unref (live->forgot);
  g_hash_table_unref (live->pending);
  g_array_unref (live->pending_nonces);
  g_mutex_clear (&live->lock);
  g_mutex_clear (&live->write_lock);
  g_mutex_clear (&live->flush_lock);
  g_cond_clear (&live->write_cond);
  g_free (live);
}

/* Whether what was read at epoch is still good for the terminal: nothing about it (or
 * everything) was forgotten since. Called with the lock held. */
static gboolean
still_current (TmLive  *live,
               gint64   terminal_id,
               guint64  epoch)
{
  return live->forgot_all <= epoch
         && GPOINTER_TO_SIZE (g_hash_table_lookup (live->forgot, &terminal_id)) <= epoch;
}

guint64
tm_live_epoch (TmApp *app)
{
  guint64 e;

  g_mutex_lock (&app->live->lock);
  e = app->live->epoch;
  g_mutex_unlock (&app->live->lock);
  return e;
}

static gboolean
session_of_terminal (gpointer key,
                     gpointer value,
                     gpointer user_data)
{
  const gint64 *id = user_data;

  return *id == 0 || ((Session *) value)->terminal_id == *id;
}

void
tm_live_forget (TmApp  *app,
                gint64  terminal_id)
{
  TmLive *live = app->live;

  g_mutex_lock (&live->lock);
  live->epoch++;
  if (terminal_id == 0)
    {
      g_hash_table_remove_all (live->terminals);
      g_hash_table_remove_all (live->forgot);
      live->forgot_all = live->epoch;
    }
  else
    {
      gint64 *key = g_memdup2 (&terminal_id, sizeof terminal_id);

      g_hash_table_remove (live->terminals, &terminal_id);
      g_hash_table_replace (live->forgot, key, GSIZE_TO_POINTER ((gsize) live->epoch));
    }
  g_hash_table_foreach_remove (live->sessions, session_of_terminal, &terminal_id);
  g_mutex_unlock (&live->lock);
}

gboolean
tm_live_notify (TmConn  *conn,
                gint64   terminal_id,
                GError **error)
{
  g_autofree char *payload = NULL;

  if (tm_conn_kind (conn) != TM_DB_POSTGRESQL)
    return TRUE;
  payload = g_strdup_printf ("%" G_GINT64_FORMAT, terminal_id);
  /* Inside a transaction PostgreSQL delivers it at commit, and not at all on rollback. */
  return tm_x (conn, error, "SELECT pg_notify('" NOTIFY_CHANNEL "', ?)", TM_STR (payload));
}

void
tm_live_changed (TmApp  *app,
                 TmConn *conn,
                 gint64  terminal_id)
{
  g_autoptr(GError) error = NULL;

  tm_live_forget (app, terminal_id);
  if (conn != NULL && !tm_live_notify (conn, terminal_id, &error))
    g_warning ("cannot tell other managers about terminal %" G_GINT64_FORMAT ": %s",
               terminal_id, error->message);
}

gboolean
tm_live_session_get (TmApp       *app,
                     const char  *session_id,
                     TmTerminal **terminal,
                     guint8       key[32],
                     gsize       *key_len,
                     gint64      *expires_at)
{
  TmLive *live = app->live;
  Session *s;
  TmLiveTerminal *t = NULL;

  g_mutex_lock (&live->lock);
  s = g_hash_table_lookup (live->sessions, session_id);
  if (s != NULL)
    t = g_hash_table_lookup (live->terminals, &s->terminal_id);
  if (t != NULL)
    {
      TmTerminal *copy = g_new0 (TmTerminal, 1);

      copy->id = t->id;
      copy->number = g_strdup (t->number);
      copy->status = g_strdup (t->status);
      copy->region_code = g_strdup (t->region_code);
      copy->region_path = g_strdup (t->region_path);
      copy->session_id = g_strdup (session_id);
      *terminal = copy;
      memcpy (key, s->key, s->key_len);
      *key_len = s->key_len;
      *expires_at = s->expires_at;
    }
  g_mutex_unlock (&live->lock);
  return t != NULL;
}

void
tm_live_session_put (TmApp            *app,
                     guint64           epoch,
                     const TmTerminal *terminal,
                     const guint8     *key,
                     gsize             key_len,
                     gint64            expires_at)
{
  TmLive *live = app->live;
  TmLiveTerminal *t;
  Session *s;

  g_return_if_fail (key_len <= sizeof s->key);
  g_mutex_lock (&live->lock);
  if (!still_current (live, terminal->id, epoch))
    {
      g_mutex_unlock (&live->lock);
      return;
    }
  t = g_hash_table_lookup (live->terminals, &terminal->id);
  if (t == NULL)
    {
      t = g_new0 (TmLiveTerminal, 1);
      t->id = terminal->id;
      t->number = g_strdup (terminal->number);
      t->status = g_strdup (terminal->status);
      t->region_code = g_strdup (terminal->region_code);
      t->region_path = g_strdup (terminal->region_path);
      g_hash_table_insert (live->terminals, &t->id, t);
    }
  s = g_new0 (Session, 1);
  s->terminal_id = terminal->id;
  memcpy (s->key, key, key_len);
  s->key_len = key_len;
  s->expires_at = expires_at;
  g_hash_table_insert (live->sessions, g_strdup (terminal->session_id), s);
  g_mutex_unlock (&live->lock);
}

static gboolean
nonce_expired (gpointer key,
               gpointer value,
               gpointer user_data)
{
  return (gint64) GPOINTER_TO_SIZE (value) < *(const gint64 *) user_data;
}

static gboolean
session_expired (gpointer key,
                 gpointer value,
                 gpointer user_data)
{
  return ((Session *) value)->expires_at < *(const gint64 *) user_data;
}

gboolean
tm_live_nonce_use (TmApp      *app,
                   gint64      terminal_id,
                   const char *nonce,
                   gint64      now,
                   gint64      keep_until)
{
  TmLive *live = app->live;
  char *key = g_strdup_printf ("%" G_GINT64_FORMAT "/%s", terminal_id, nonce);
  gboolean fresh;

  g_mutex_lock (&live->lock);
  /* Every 10 s: nonces nobody can replay any more, sessions past their end. */
  if (now >= live->nonce_prune_at)
    {
      g_hash_table_foreach_remove (live->nonces, nonce_expired, &now);
      g_hash_table_foreach_remove (live->sessions, session_expired, &now);
      live->nonce_prune_at = now + 10;
    }
  fresh = !g_hash_table_contains (live->nonces, key);
  if (fresh)
    g_hash_table_insert (live->nonces, key, GSIZE_TO_POINTER ((gsize) keep_until));
  else
    g_free (key);
  g_mutex_unlock (&live->lock);
  if (fresh)
    {
      PendingNonce n = { terminal_id, g_strdup (nonce), now };

      g_mutex_lock (&live->write_lock);
      g_array_append_val (live->pending_nonces, n);
      g_mutex_unlock (&live->write_lock);
    }
  return fresh;
}

void
tm_live_nonce_load (TmApp      *app,
                    gint64      terminal_id,
                    const char *nonce,
                    gint64      keep_until)
{
  TmLive *live = app->live;

  g_mutex_lock (&live->lock);
  g_hash_table_insert (live->nonces,
                       g_strdup_printf ("%" G_GINT64_FORMAT "/%s", terminal_id, nonce),
                       GSIZE_TO_POINTER ((gsize) keep_until));
  g_mutex_unlock (&live->lock);
}

TmLiveTerminal *
tm_live_heartbeat_state (TmApp  *app,
                         gint64  terminal_id,
                         gint64  now,
                         gint64  max_age)
{
  TmLive *live = app->live;
  TmLiveTerminal *t, *copy = NULL;

  g_mutex_lock (&live->lock);
  t = g_hash_table_lookup (live->terminals, &terminal_id);
  if (t != NULL && t->components != NULL && (max_age <= 0 || now - t->state_at <= max_age))
    {
      copy = g_new0 (TmLiveTerminal, 1);
      copy->id = t->id;
      copy->status = g_strdup (t->status);
      copy->low_threshold = t->low_threshold;
      copy->components = g_hash_table_ref (t->components);
      copy->open_alarms = g_hash_table_ref (t->open_alarms);
      copy->modules = g_ptr_array_ref (t->modules);
    }
  g_mutex_unlock (&live->lock);
  return copy;
}

void
tm_live_heartbeat_state_put (TmApp           *app,
                             guint64          epoch,
                             TmLiveTerminal  *state)
{
  TmLive *live = app->live;
  TmLiveTerminal *t;

  g_mutex_lock (&live->lock);
  t = g_hash_table_lookup (live->terminals, &state->id);
  if (t != NULL && still_current (live, state->id, epoch))
    {
      g_free (t->status);
      t->status = g_strdup (state->status);
      t->low_threshold = state->low_threshold;
      t->state_at = state->state_at;
      g_clear_pointer (&t->components, g_hash_table_unref);
      g_clear_pointer (&t->open_alarms, g_hash_table_unref);
      g_clear_pointer (&t->modules, g_ptr_array_unref);
      t->components = g_hash_table_ref (state->components);
      t->open_alarms = g_hash_table_ref (state->open_alarms);
      t->modules = g_ptr_array_ref (state->modules);
    }
  g_mutex_unlock (&live->lock);
}

static TmLiveLevel *
level_copy (const TmLiveLevel *l)
{
  TmLiveLevel *c = g_new0 (TmLiveLevel, 1);

  c->item = g_strdup (l->item);
  c->level = l->level;
  c->state = g_strdup (l->state);
  return c;
}

void
tm_live_write_beat (TmApp      *app,
                    gint64      terminal_id,
                    gint64      now,
                    const char *version,
                    const char *network,
                    const char *ip,
                    GPtrArray  *levels)
{
  TmLive *live = app->live;
  PendingBeat *p = g_new0 (PendingBeat, 1), *before;

  p->terminal_id = terminal_id;
  p->last_seen = now;
  p->version = g_strdup (version);
  p->network = g_strdup (network);
  p->ip = g_strdup (ip);
  p->levels = tm_live_levels_new ();
  /* One row per item (a repeated item: the last one counts). */
  for (guint i = levels ? levels->len : 0; i-- > 0;)
    {
      const TmLiveLevel *l = levels->pdata[i];
      gboolean seen = FALSE;

      for (guint j = 0; !seen && j < p->levels->len; j++)
        seen = g_str_equal (((TmLiveLevel *) p->levels->pdata[j])->item, l->item);
      if (!seen)
        g_ptr_array_add (p->levels, level_copy (l));
    }
  g_mutex_lock (&live->write_lock);
  /* A heartbeat without some facts keeps the earlier ones (COALESCE, as a direct write). */
  before = g_hash_table_lookup (live->pending, &terminal_id);
  if (before != NULL)
    {
      if (p->version == NULL)
        p->version = g_steal_pointer (&before->version);
      if (p->network == NULL)
        p->network = g_steal_pointer (&before->network);
      if (p->ip == NULL)
        p->ip = g_steal_pointer (&before->ip);
      for (guint i = 0; i < before->levels->len; i++)
        {
          TmLiveLevel *old = before->levels->pdata[i];
          gboolean newer = FALSE;

          for (guint j = 0; !newer && j < p->levels->len; j++)
            newer = g_str_equal (((TmLiveLevel *) p->levels->pdata[j])->item, old->item);
          if (!newer)
            g_ptr_array_add (p->levels, level_copy (old));
        }
    }
  g_hash_table_replace (live->pending, &p->terminal_id, p);
  g_mutex_unlock (&live->write_lock);
}

GPtrArray *
tm_live_levels_new (void)
{
  return g_ptr_array_new_with_free_func (level_free);
}
