/* tm-app.h: the manager's state shared by every request thread, and its error helpers
 *
 * TmApp holds the database pool and the configuration; the business units (terminals,
 * monitor, usage, accounts, audit, regions, notify) are plain functions over it, so the
 * tests call them directly and through HTTP alike.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "tongban-envelope.h"
#include "tm-db.h"

G_BEGIN_DECLS

#define TM_API_ERROR (tm_api_error_quark ())

typedef struct {
  char    *db_uri;
  char    *listen_address;
  guint    port;
  guint    threads;
  gsize    max_body;
  gint64   session_ttl;          /* seconds a terminal session key lives */
  gint64   challenge_ttl;
  gint64   clock_skew;           /* accepted |server time - X-Timestamp| */
  gint64   heartbeat_interval;   /* what terminals are told to use */
  gint64   account_session_ttl;
  gint64   oauth_token_ttl;
  guint    lockout_threshold;    /* failed logins before an account locks */
  gint64   lockout_seconds;
  gint64   escalate_after;       /* seconds an alarm may stay unacknowledged */
  gint64   sweep_interval_ms;
  char    *smtp_host;
  guint    smtp_port;
  char    *smtp_from;
  char    *sms_url;
  char   **allow;                /* CIDR allow list (empty: everyone) */
  char   **deny;                 /* CIDR deny list, checked first */
  double   rate_limit;           /* requests per second per caller; 0 = off */
  double   rate_burst;
  char    *master_key_hex;       /* 32 hex digits: SM4 key sealing secrets at rest */
  gint64   write_batch_ms;       /* heartbeat facts are committed together this often */
  gint64   citizen_idle;         /* seconds a citizen session lives without a call */
  gint64   state_max_age;        /* PostgreSQL: cached heartbeat state is re-read this often */
} TmConfig;

typedef struct _TmLive TmLive;
typedef struct _TmEvents TmEvents;
typedef struct _TmGateway TmGateway;

typedef struct {
  TmConfig   config;
  TmDb      *db;
  TmLive    *live;
  TmEvents  *events;
  TmGateway *gateway;        /* citizen sessions, routing (tm-gateway.c) */
  guint8     master_key[16];
  GMutex     audit_lock;
  GThread   *worker;
  gint       stopping;
} TmApp;

GQuark   tm_api_error_quark (void);
void     tm_config_init     (TmConfig    *config);
void     tm_config_clear    (TmConfig    *config);

TmApp   *tm_app_new         (const TmConfig *config,
                             GError     **error);
void     tm_app_free        (TmApp       *app);
void     tm_app_start_worker (TmApp      *app);
gint64   tm_now             (void);

/* Errors carry a TongbanCode, the offending field (may be empty) and a reason. */
void     tm_set_error       (GError     **error,
                             TongbanCode  code,
                             const char  *field,
                             const char  *format,
                             ...) G_GNUC_PRINTF (4, 5);
void     tm_error_split     (const GError *error,
                             char        **field,
                             char        **reason);
/* A database failure becomes an internal error without any SQL text for the caller. */
void     tm_db_fail         (GError     **error,
                             GError      *db_error);
char    *tm_random_hex      (gsize        n_bytes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmApp, tm_app_free)

/* Regions (tm-regions.c) */
gboolean  tm_regions_load        (TmApp *app, GError **error);
char     *tm_region_path         (TmConn *conn, const char *code);
gboolean  tm_region_within       (TmConn *conn, const char *code, const char *scope_code);
JsonNode *tm_regions_children    (TmApp *app, const char *parent, GError **error);

/* Audit (tm-audit.c) */
gboolean  tm_audit_append        (TmApp *app, const char *actor, const char *action,
                                  const char *object, const char *detail, GError **error);
gboolean  tm_audit_verify        (TmApp *app, gint64 *n_entries, gint64 *first_bad,
                                  GError **error);
JsonNode *tm_audit_list          (TmApp *app, gint64 after, guint limit, GError **error);

/* Accounts (tm-accounts.c) */
typedef struct {
  gint64  id;
  char   *username;
  char   *role;
  char   *region_code;
  char   *region_path;
} TmAccount;

void       tm_account_free             (TmAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmAccount, tm_account_free)
char      *tm_region_path_in_scope     (TmConn *conn, const TmAccount *caller, const char *code,
                                        const char *field, GError **error);
gboolean   tm_password_acceptable      (const char *password, const char **reason);
gboolean   tm_account_create           (TmApp *app, const char *username, const char *role,
                                        const char *region_code, const char *password,
                                        GError **error);
JsonNode  *tm_account_login            (TmApp *app, const char *username, const char *password,
                                        GError **error);
TmAccount *tm_account_from_token       (TmApp *app, const char *token, GError **error);
JsonNode  *tm_account_list             (TmApp *app, const TmAccount *caller, GError **error);

/* OAuth 2.0 client credentials (tm-oauth.c) */
gboolean   tm_oauth_client_create      (TmApp *app, const char *client_id, const char *role,
                                        const char *region_code, const char *secret,
                                        GError **error);
JsonNode  *tm_oauth_token              (TmApp *app, const char *grant_type, const char *client_id,
                                        const char *secret, GError **error);
TmAccount *tm_oauth_account_from_token (TmApp *app, const char *token_hash);

/* Consumables stock (tm-consumables.c) */
JsonNode  *tm_stock_change             (TmApp *app, const TmAccount *caller, JsonObject *body,
                                        GError **error);
JsonNode  *tm_stock_query              (TmApp *app, const TmAccount *caller, const char *region,
                                        const char *site, GError **error);

/* Terminals (tm-terminals.c) */
typedef struct {
  gint64  id;
  char   *number;
  char   *status;
  char   *region_code;
  char   *region_path;
  char   *session_id;
} TmTerminal;

void        tm_terminal_free          (TmTerminal *terminal);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmTerminal, tm_terminal_free)
JsonNode   *tm_terminal_register      (TmApp *app, JsonObject *body, const char *ip,
                                       GError **error);
JsonNode   *tm_terminal_challenge     (TmApp *app, JsonObject *body, GError **error);
JsonNode   *tm_terminal_login         (TmApp *app, JsonObject *body, const char *ip,
                                       GError **error);
TmTerminal *tm_terminal_authenticate  (TmApp *app, const char *method, const char *path,
                                       const char *session_id, const char *timestamp,
                                       const char *nonce, const char *signature,
                                       const void *body, gsize body_len, gboolean locked_ok,
                                       GError **error);
JsonNode   *tm_terminal_set_status    (TmApp *app, const TmAccount *caller, const char *number,
                                       const char *action, GError **error);
JsonNode   *tm_terminal_list          (TmApp *app, const TmAccount *caller, const char *region,
                                       const char *status, GError **error);
JsonNode   *tm_terminal_stats         (TmApp *app, const TmAccount *caller, const char *region,
                                       const char *level, GError **error);
JsonNode   *tm_terminal_command       (TmApp *app, const TmAccount *caller, const char *number,
                                       JsonObject *body, GError **error);
JsonNode   *tm_terminal_set_module    (TmApp *app, const TmAccount *caller, JsonObject *body,
                                       GError **error);

/* Monitoring (tm-monitor.c) */
JsonNode   *tm_monitor_heartbeat      (TmApp *app, const TmTerminal *terminal, JsonObject *body,
                                       const char *ip, GError **error);
void        tm_monitor_sweep          (TmApp *app);
JsonNode   *tm_alarm_list             (TmApp *app, const TmAccount *caller, gboolean open_only,
                                       GError **error);
JsonNode   *tm_alarm_update           (TmApp *app, const TmAccount *caller, gint64 id,
                                       const char *action, GError **error);
JsonNode   *tm_maintainer_add         (TmApp *app, const TmAccount *caller, JsonObject *body,
                                       GError **error);

/* Notifications (tm-notify.c) */
void        tm_notify_run_pending     (TmApp *app);
gboolean    tm_notify_send_email      (const char *host, guint port, const char *from,
                                       const char *to, const char *subject, const char *body,
                                       GError **error);
gboolean    tm_notify_send_sms        (const char *url, const char *to, const char *text,
                                       GError **error);

/* Usage (tm-usage.c) */
JsonNode   *tm_usage_ingest           (TmApp *app, const TmTerminal *terminal, JsonObject *body,
                                       GError **error);
JsonNode   *tm_usage_summary          (TmApp *app, const TmAccount *caller, GHashTable *query,
                                       GError **error);

typedef struct _TmUsageExport TmUsageExport;
TmUsageExport *tm_usage_export_new    (TmApp *app, const TmAccount *caller, GHashTable *query,
                                       GError **error);
/* Next chunk of CSV text, or NULL at the end. */
GBytes        *tm_usage_export_next   (TmUsageExport *export);
/* Writes the whole export as XLSX to an unlinked temp file; returns its fd at offset 0. */
int            tm_usage_export_xlsx   (TmUsageExport *export, GError **error);
void           tm_usage_export_free   (TmUsageExport *export);

G_END_DECLS
