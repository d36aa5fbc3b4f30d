/* tm-live.h: logged-in terminals kept in memory, the nonce replay cache and the heartbeat
 * writer (see tm-live.c) */
#pragma once

#include "tm-app.h"

G_BEGIN_DECLS

typedef struct {
  char   *item;
  gint64  level;
  char   *state;
} TmLiveLevel;

/* A terminal's cached facts; the heartbeat part (components onwards) is NULL until a
 * heartbeat has gone the full way. Copies returned to callers share the tables. */
typedef struct {
  gint64      id;
  char       *number;
  char       *status;
  char       *region_code;
  char       *region_path;
  gint64      state_at;       /* when the heartbeat part was read */
  gint64      low_threshold;  /* consumable-low rule */
  GHashTable *components;     /* name → status */
  GHashTable *open_alarms;    /* "kind/subject" set */
  GPtrArray  *modules;        /* "name" strings; a leading '-' means switched off */
} TmLiveTerminal;

TmLive         *tm_live_new          (void);
void            tm_live_start        (TmApp *app);
void            tm_live_stop         (TmApp *app);
void            tm_live_free         (TmLive *live);
void            tm_live_terminal_free (TmLiveTerminal *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmLiveTerminal, tm_live_terminal_free)

guint64         tm_live_epoch        (TmApp *app);
/* Drops what is cached about one terminal (0: all) on this instance. */
void            tm_live_forget       (TmApp *app, gint64 terminal_id);
/* PostgreSQL: asks every manager on the database to forget the terminal (NOTIFY). */
gboolean        tm_live_notify       (TmConn *conn, gint64 terminal_id, GError **error);
/* After a committed change: forget here, NOTIFY the others (conn may be NULL). */
void            tm_live_changed      (TmApp *app, TmConn *conn, gint64 terminal_id);

gboolean        tm_live_session_get  (TmApp *app, const char *session_id, TmTerminal **terminal,
                                      guint8 key[32], gsize *key_len, gint64 *expires_at);
/* Stored only if nothing was forgotten since epoch was read. */
void            tm_live_session_put  (TmApp *app, guint64 epoch, const TmTerminal *terminal,
                                      const guint8 *key, gsize key_len, gint64 expires_at);

/* TRUE if the nonce is fresh (now remembered until keep_until and queued for the database). */
gboolean        tm_live_nonce_use    (TmApp *app, gint64 terminal_id, const char *nonce,
                                      gint64 now, gint64 keep_until);
/* A nonce the database remembers (another run or instance saw it). */
void            tm_live_nonce_load   (TmApp *app, gint64 terminal_id, const char *nonce,
                                      gint64 keep_until);

/* The cached heartbeat state, or NULL (then the heartbeat goes the full way). */
TmLiveTerminal *tm_live_heartbeat_state     (TmApp *app, gint64 terminal_id, gint64 now,
                                             gint64 max_age);
void            tm_live_heartbeat_state_put (TmApp *app, guint64 epoch, TmLiveTerminal *state);

GPtrArray      *tm_live_levels_new   (void);
/* Queues a heartbeat's last-seen facts and consumable levels (borrowed) for the writer. */
void            tm_live_write_beat   (TmApp *app, gint64 terminal_id, gint64 now,
                                      const char *version, const char *network, const char *ip,
                                      GPtrArray *levels);
/* Writes whatever is queued now (readers that need the latest facts call this first). */
void            tm_live_flush        (TmApp *app);

G_END_DECLS
