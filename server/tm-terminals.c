/* tm-terminals.c: terminal registration, SM2 challenge login, signed requests, fleet queries
 *
 * A kiosk generates its SM2 key pair and registers the public key; the terminal stays
 * "pending" until an admin approves it (like Mender's device admission). Login signs a
 * one-time challenge with SM2; the answer is a session key encrypted to the terminal's
 * own public key, so it never crosses the network in clear. Later requests carry an
 * HMAC-SM3 of method, path, timestamp, nonce and body digest under that key.
 */

#include "tm-app.h"
#include "tm-events.h"
#include "tm-live.h"
#include "tongban-region-code.h"
#include "tongban-request-sign.h"
#include "tongban-sm.h"

#include <string.h>
#include <openssl/rand.h>

#define SESSION_KEY_LEN 32

void
tm_terminal_free (TmTerminal *t)
{
  if (t == NULL)
    return;
  g_free (t->number);
  g_free (t->status);
  g_free (t->region_code);
  g_free (t->region_path);
  g_free (t->session_id);
  g_free (t);
}

static gboolean
number_ok (const char *n)
{
  gsize len = n ? strlen (n) : 0;

  if (len < 3 || len > 32)
    return FALSE;
  for (const char *p = n; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

static gboolean
ip_ok (const char *ip)
{
  return ip != NULL && g_hostname_is_ip_address (ip);
}

static JsonNode *
status_node (const char *number,
             const char *status)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "number");
  json_builder_add_string_value (b, number);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, status);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
tm_terminal_register (TmApp       *app,
                      JsonObject  *body,
                      const char  *ip,
                      GError     **error)
{
  static const char * const fields[] = { "number", "pubkey", "site", "region_code",
                                         "sw_version", NULL };
  const char *number, *pubkey, *site, *region, *version, *reason = NULL, *bad = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(TmRows) existing = NULL;
  g_autofree char *path = NULL;
  GError *db_error = NULL;
  TmConn *conn;
  gboolean ok;

  if (!tongban_json_only_fields (body, fields, &bad))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, bad, "unknown field");
      return NULL;
    }
#define STR(f, req, max, out) \
  if (!tongban_json_get_string (body, f, req, max, out, &reason)) \
    { tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, f, "%s", reason); return NULL; }
  STR ("number", TRUE, 32, &number);
  STR ("pubkey", TRUE, 1024, &pubkey);
  STR ("site", TRUE, 200, &site);
  STR ("region_code", TRUE, 9, &region);
  STR ("sw_version", FALSE, 64, &version);
#undef STR
  if (!number_ok (number))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "number",
                    "3-32 letters, digits or '-'");
      return NULL;
    }
  key = tongban_sm2_public_from_base64 (pubkey);
  if (key == NULL)
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "pubkey",
                    "not a base64 DER SM2 public key");
      return NULL;
    }
  if (!tongban_region_code_is_valid (region))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "region_code", "not a region code");
      return NULL;
    }

  conn = tm_db_acquire (app->db);
  path = tm_region_path (conn, region);
  if (path == NULL)
    {
      tm_db_release (app->db, conn);
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "region_code", "unknown region");
      return NULL;
    }
  existing = tm_q (conn, &db_error, "SELECT pubkey, status FROM terminal WHERE number = ?",
                   TM_STR (number));
  if (existing != NULL && existing->n_rows == 1)
    {
      /* Registering again with the same key is harmless (a kiosk retrying after a
       * network loss); another key for a known number is someone else's claim. */
      gboolean same = g_strcmp0 (tm_rows_get (existing, 0, 0), pubkey) == 0;
      JsonNode *node = same ? status_node (number, tm_rows_get (existing, 0, 1)) : NULL;

      tm_db_release (app->db, conn);
      if (!same)
        tm_set_error (error, TONGBAN_CODE_CONFLICT, "pubkey",
                      "terminal number registered with another key");
      return node;
    }
  ok = existing != NULL
       && tm_x (conn, &db_error, "INSERT INTO terminal (number, pubkey, status, ip, site,"
                " region_code, sw_version, registered_at) VALUES (?, ?, 'pending', ?, ?, ?, ?, ?)",
                TM_STR (number), TM_STR (pubkey), TM_STR (ip_ok (ip) ? ip : NULL), TM_STR (site),
                TM_STR (region), TM_STR (version), TM_INT (tm_now ()));
  tm_db_release (app->db, conn);
  if (!ok)
    {
      if (db_error != NULL && db_error->code == TM_DB_ERROR_CONSTRAINT)
        {
          g_clear_error (&db_error);
          tm_set_error (error, TONGBAN_CODE_CONFLICT, "number", "registered concurrently");
        }
      else
        tm_db_fail (error, db_error);
      return NULL;
    }
  tm_audit_append (app, number, "terminal.register", number, region, NULL);
  return status_node (number, "pending");
}

/* Refuses terminals that may not log in: unknown, waiting for approval, disabled. */
static TmRows *
lookup_for_login (TmConn      *conn,
                  const char  *number,
                  GError     **error)
{
  GError *db_error = NULL;
  TmRows *rows = tm_q (conn, &db_error, "SELECT id, status, pubkey FROM terminal WHERE number = ?",
                       TM_STR (number));
  const char *status;

  if (rows == NULL)
    {
      tm_db_fail (error, db_error);
      return NULL;
    }
  if (rows->n_rows == 0)
    {
      tm_rows_free (rows);
      tm_set_error (error, TONGBAN_CODE_UNAUTHENTICATED, "number", "unknown terminal");
      return NULL;
    }
  status = tm_rows_get (rows, 0, 1);
  if (g_str_equal (status, "pending") || g_str_equal (status, "disabled"))
    {
      gboolean pending = g_str_equal (status, "pending");

      tm_rows_free (rows);
      tm_set_error (error, pending ? TONGBAN_CODE_TERMINAL_PENDING
                                   : TONGBAN_CODE_TERMINAL_DISABLED,
                    "number", pending ? "awaiting approval" : "terminal disabled");
      return NULL;
    }
  return rows;
}

JsonNode *
tm_terminal_challenge (TmApp       *app,
                       JsonObject  *body,
                       GError     **error)
{
  static const char * const fields[] = { "number", NULL };
  const char *number = NULL, *reason = NULL, *bad = NULL;
  g_autoptr(TmRows) t = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autofree char *id = NULL;
  g_autofree char *challenge = NULL;
  GError *db_error = NULL;
  gint64 now = tm_now ();
  TmConn *conn;
  gboolean ok;

  if (!tongban_json_only_fields (body, fields, &bad))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, bad, "unknown field");
      return NULL;
    }
  if (!tongban_json_get_string (body, "number", TRUE, 32, &number, &reason))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "number", "%s", reason);
      return NULL;
    }
  conn = tm_db_acquire (app->db);
  t = lookup_for_login (conn, number, error);
  if (t == NULL)
    {
      tm_db_release (app->db, conn);
      return NULL;
    }
  id = tm_random_hex (16);
  challenge = tm_random_hex (32);
  ok = tm_x (conn, &db_error, "DELETE FROM terminal_challenge WHERE expires_at < ?", TM_INT (now))
       && tm_x (conn, &db_error, "INSERT INTO terminal_challenge (id, terminal_id, challenge,"
                " expires_at) VALUES (?, ?, ?, ?)", TM_STR (id), TM_INT (tm_rows_get_int (t, 0, 0)),
                TM_STR (challenge), TM_INT (now + app->config.challenge_ttl));
  tm_db_release (app->db, conn);
  if (!ok)
    {
      tm_db_fail (error, db_error);
      return NULL;
    }
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "challenge_id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "challenge");
  json_builder_add_string_value (b, challenge);
  json_builder_set_member_name (b, "expires_at");
  json_builder_add_int_value (b, now + app->config.challenge_ttl);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
tm_terminal_login (TmApp       *app,
                   JsonObject  *body,
                   const char  *ip,
                   GError     **error)
{
  static const char * const fields[] = { "number", "challenge_id", "signature", NULL };
  const char *number, *cid, *sig_b64, *reason = NULL, *bad = NULL;
  g_autoptr(TmRows) t = NULL;
  g_autoptr(TmRows) ch = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autofree guchar *sig = NULL;
  g_autofree char *message = NULL;
  g_autofree char *session_id = NULL;
  g_autofree char *key_hex = NULL;
  g_autofree char *sealed_b64 = NULL;
  guint8 session_key[SESSION_KEY_LEN];
  gsize sig_len = 0;
  GError *db_error = NULL;
  gint64 now = tm_now (), terminal_id;
  TmConn *conn;
  gboolean ok;

  if (!tongban_json_only_fields (body, fields, &bad))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, bad, "unknown field");
      return NULL;
    }
#define STR(f, max, out) \
  if (!tongban_json_get_string (body, f, TRUE, max, out, &reason)) \
    { tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, f, "%s", reason); return NULL; }
  STR ("number", 32, &number);
  STR ("challenge_id", 64, &cid);
  STR ("signature", 512, &sig_b64);
#undef STR

  conn = tm_db_acquire (app->db);
  t = lookup_for_login (conn, number, error);
  if (t == NULL)
    {
      tm_db_release (app->db, conn);
      return NULL;
    }
  terminal_id = tm_rows_get_int (t, 0, 0);
  /* Single use: the challenge is consumed whether or not the signature verifies. */
  ch = tm_q (conn, &db_error, "DELETE FROM terminal_challenge WHERE id = ? AND terminal_id = ?"
             " RETURNING challenge, expires_at", TM_STR (cid), TM_INT (terminal_id));
  if (ch == NULL)
    {
      tm_db_release (app->db, conn);
      tm_db_fail (error, db_error);
      return NULL;
    }
  if (ch->n_rows == 0 || tm_rows_get_int (ch, 0, 1) < now)
    {
      tm_db_release (app->db, conn);
      tm_set_error (error, TONGBAN_CODE_UNAUTHENTICATED, "challenge_id", "unknown or expired");
      return NULL;
    }
  message = g_strdup_printf ("tongban-login\n%s\n%s\n%s", number, cid, tm_rows_get (ch, 0, 0));
  sig = g_base64_decode (sig_b64, &sig_len);
  key = tongban_sm2_public_from_base64 (tm_rows_get (t, 0, 2));
  if (key == NULL || !tongban_sm2_verify (key, message, strlen (message), sig, sig_len))
    {
      tm_db_release (app->db, conn);
      tm_audit_append (app, number, "terminal.login-refused", number, "bad SM2 signature", NULL);
      tm_set_error (error, TONGBAN_CODE_BAD_SIGNATURE, "signature",
                    "SM2 signature does not verify");
      return NULL;
    }

  if (RAND_bytes (session_key, sizeof session_key) != 1)
    g_error ("no randomness for a session key");
  sealed = tongban_sm2_encrypt (key, session_key, sizeof session_key);
  session_id = tm_random_hex (16);
  {
    /* At rest the key is sealed (SM4-GCM, bound to the session id): a copy of the
     * database alone does not let anyone sign as a terminal. */
    g_autoptr(GBytes) at_rest = tongban_sm4_gcm_encrypt (app->master_key, session_key,
                                                         sizeof session_key,
                                                         (const guint8 *) session_id,
                                                         strlen (session_id));
    if (at_rest != NULL)
      key_hex = g_base64_encode (g_bytes_get_data (at_rest, NULL), g_bytes_get_size (at_rest));
  }
  explicit_bzero (session_key, sizeof session_key);
  ok = sealed != NULL && key_hex != NULL
       && tm_x (conn, &db_error, "DELETE FROM terminal_session WHERE expires_at < ?", TM_INT (now))
       && tm_x (conn, &db_error, "INSERT INTO terminal_session (id, terminal_id, key_sealed,"
                " expires_at) VALUES (?, ?, ?, ?)", TM_STR (session_id), TM_INT (terminal_id),
                TM_STR (key_hex), TM_INT (now + app->config.session_ttl))
       && tm_x (conn, &db_error, "UPDATE terminal SET ip = ? WHERE id = ?",
                TM_STR (ip_ok (ip) ? ip : NULL), TM_INT (terminal_id));
  tm_db_release (app->db, conn);
  if (!ok)
    {
      tm_db_fail (error, db_error);
      return NULL;
    }
  tm_audit_append (app, number, "terminal.login", number, "", NULL);

  sealed_b64 = g_base64_encode (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "session_id");
  json_builder_add_string_value (b, session_id);
  json_builder_set_member_name (b, "session_key");
  json_builder_add_string_value (b, sealed_b64);
  json_builder_set_member_name (b, "expires_at");
  json_builder_add_int_value (b, now + app->config.session_ttl);
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, now);
  json_builder_set_member_name (b, "heartbeat_interval");
  json_builder_add_int_value (b, app->config.heartbeat_interval);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* A session as the database has it: the terminal, and the key unsealed into key. The nonces
 * the terminal used lately (seen by an earlier run or another manager) go to the replay
 * cache. */
static TmTerminal *
session_from_db (TmApp       *app,
                 const char  *session_id,
                 gint64       now,
                 guint8       key[32],
                 gsize       *key_len,
                 gint64      *expires_at,
                 GError     **error)
{
  g_autoptr(TmRows) rows = NULL;
  g_autoptr(TmRows) nonces = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autofree guchar *sealed = NULL;
  gsize sealed_len = 0;
  GError *db_error = NULL;
  TmConn *conn = tm_db_acquire (app->db);
  TmTerminal *t;

  rows = tm_q (conn, &db_error, "SELECT t.id, t.number, t.status, t.region_code, r.path,"
               " s.key_sealed, s.expires_at FROM terminal_session s"
               " JOIN terminal t ON t.id = s.terminal_id JOIN region r ON r.code = t.region_code"
               " WHERE s.id = ?", TM_STR (session_id));
  if (rows != NULL && rows->n_rows == 1)
    nonces = tm_q (conn, &db_error, "SELECT nonce, seen_at FROM request_nonce"
                   " WHERE terminal_id = ? AND seen_at >= ?", TM_INT (tm_rows_get_int (rows, 0, 0)),
                   TM_INT (now - 2 * app->config.clock_skew));
  tm_db_release (app->db, conn);
  if (rows == NULL || (rows->n_rows == 1 && nonces == NULL))
    {
      tm_db_fail (error, db_error);
      return NULL;
    }
  if (rows->n_rows == 0)
    {
      tm_set_error (error, TONGBAN_CODE_UNAUTHENTICATED, "X-Session-Id", "unknown session");
      return NULL;
    }
  sealed = g_base64_decode (tm_rows_get (rows, 0, 5), &sealed_len);
  plain = tongban_sm4_gcm_decrypt (app->master_key, sealed, sealed_len,
                                   (const guint8 *) session_id, strlen (session_id));
  if (plain == NULL || g_bytes_get_size (plain) > 32)
    {
      /* Sealed under another master key (a restart without a configured key). */
      tm_set_error (error, TONGBAN_CODE_UNAUTHENTICATED, "X-Session-Id", "log in again");
      return NULL;
    }
  *key_len = g_bytes_get_size (plain);
  memcpy (key, g_bytes_get_data (plain, NULL), *key_len);
  explicit_bzero ((gpointer) g_bytes_get_data (plain, NULL), *key_len);
  *expires_at = tm_rows_get_int (rows, 0, 6);
  t = g_new0 (TmTerminal, 1);
  t->id = tm_rows_get_int (rows, 0, 0);
  t->number = g_strdup (tm_rows_get (rows, 0, 1));
  t->status = g_strdup (tm_rows_get (rows, 0, 2));
  t->region_code = g_strdup (tm_rows_get (rows, 0, 3));
  t->region_path = g_strdup (tm_rows_get (rows, 0, 4));
  t->session_id = g_strdup (session_id);
  for (guint i = 0; i < nonces->n_rows; i++)
    tm_live_nonce_load (app, t->id, tm_rows_get (nonces, i, 0),
                        tm_rows_get_int (nonces, i, 1) + 2 * app->config.clock_skew);
  return t;
}

TmTerminal *
tm_terminal_authenticate (TmApp       *app,
                          const char  *method,
                          const char  *path,
                          const char  *session_id,
                          const char  *timestamp,
                          const char  *nonce,
                          const char  *signature,
                          const void  *body,
                          gsize        body_len,
                          gboolean     locked_ok,
                          GError     **error)
{
  gint64 now = tm_now (), ts, expires_at = 0;
  guint8 key[32];
  gsize key_len = 0;
  guint64 epoch;
  char *end = NULL;
  gboolean good;
  TmTerminal *t = NULL;

  if (session_id == NULL || timestamp == NULL || nonce == NULL || signature == NULL)
    {
      tm_set_error (error, TONGBAN_CODE_UNAUTHENTICATED,
                    session_id == NULL ? "X-Session-Id" : timestamp == NULL ? "X-Timestamp"
                    : nonce == NULL ? "X-Nonce" : "X-Signature", "missing");
      return NULL;
    }
  ts = g_ascii_strtoll (timestamp, &end, 10);
  if (end == timestamp || *end != '\0')
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "X-Timestamp", "not an integer");
      return NULL;
    }
  if (!tongban_nonce_is_valid (nonce))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "X-Nonce", "16-64 letters, digits, - or _");
      return NULL;
    }
  if (strlen (session_id) > 64)
    {
      tm_set_error (error, TONGBAN_CODE_UNAUTHENTICATED, "X-Session-Id", "unknown session");
      return NULL;
    }

  /* The session, its terminal and its plain key come from memory after the first request;
   * the database holds the key only sealed. */
  epoch = tm_live_epoch (app);
  if (!tm_live_session_get (app, session_id, &t, key, &key_len, &expires_at))
    {
      t = session_from_db (app, session_id, now, key, &key_len, &expires_at, error);
      if (t == NULL)
        return NULL;
      tm_live_session_put (app, epoch, t, key, key_len, expires_at);
    }
  if (expires_at < now)
    {
      explicit_bzero (key, sizeof key);
      tm_terminal_free (t);
      tm_set_error (error, TONGBAN_CODE_SESSION_EXPIRED, "X-Session-Id", "log in again");
      return NULL;
    }
  if (g_str_equal (t->status, "disabled") || g_str_equal (t->status, "pending"))
    {
      explicit_bzero (key, sizeof key);
      tm_terminal_free (t);
      tm_set_error (error, TONGBAN_CODE_TERMINAL_DISABLED, NULL, "terminal disabled");
      return NULL;
    }
  if (ts < now - app->config.clock_skew || ts > now + app->config.clock_skew)
    {
      explicit_bzero (key, sizeof key);
      tm_terminal_free (t);
      tm_set_error (error, TONGBAN_CODE_STALE_TIMESTAMP, "X-Timestamp",
                    "more than %" G_GINT64_FORMAT " s from server time %" G_GINT64_FORMAT,
                    app->config.clock_skew, now);
      return NULL;
    }
  good = tongban_request_verify (key, key_len, method, path, ts, nonce, body, body_len,
                                 signature);
  explicit_bzero (key, sizeof key);
  if (!good)
    {
      tm_terminal_free (t);
      tm_set_error (error, TONGBAN_CODE_BAD_SIGNATURE, "X-Signature", "does not verify");
      return NULL;
    }
  /* Only after the signature checks out, so nobody can use up a terminal's nonces. A nonce
   * is kept until its timestamp falls out of the accepted skew: after that the timestamp
   * check refuses the request anyway. */
  if (!tm_live_nonce_use (app, t->id, nonce, now, ts + app->config.clock_skew + 1))
    {
      tm_terminal_free (t);
      tm_set_error (error, TONGBAN_CODE_REPLAY, "X-Nonce", "already used");
      return NULL;
    }
  if (g_str_equal (t->status, "locked") && !locked_ok)
    {
      tm_terminal_free (t);
      tm_set_error (error, TONGBAN_CODE_TERMINAL_LOCKED, NULL, "terminal locked");
      return NULL;
    }
  return t;
}

/* Terminals visible to an account: those under its region scope. */
static TmRows *
scoped_terminal (TmConn           *conn,
                 const TmAccount  *caller,
                 const char       *number,
                 GError          **error)
{
  g_autofree char *like = g_strconcat (caller->region_path, "%", NULL);
  GError *db_error = NULL;
  TmRows *rows = tm_q (conn, &db_error, "SELECT t.id, t.status, r.path FROM terminal t"
                       " JOIN region r ON r.code = t.region_code"
                       " WHERE t.number = ? AND r.path LIKE ?", TM_STR (number), TM_STR (like));

  if (rows == NULL)
    {
      tm_db_fail (error, db_error);
      return NULL;
    }
  if (rows->n_rows == 0)
    {
      tm_rows_free (rows);
      tm_set_error (error, TONGBAN_CODE_NOT_FOUND, "number", "no such terminal in your region");
      return NULL;
    }
  return rows;
}

JsonNode *
tm_terminal_set_status (TmApp            *app,
                        const TmAccount  *caller,
                        const char       *number,
                        const char       *action,
                        GError          **error)
{
  g_autoptr(TmRows) t = NULL;
  GError *db_error = NULL;
  const char *to, *command = NULL;
  TmConn *conn;
  gboolean ok;

  if (g_str_equal (action, "approve") || g_str_equal (action, "enable"))
    to = "active";
  else if (g_str_equal (action, "lock"))
    to = "locked", command = "lock";
  else if (g_str_equal (action, "unlock"))
    to = "active", command = "unlock";
  else if (g_str_equal (action, "disable"))
    to = "disabled";
  else
    {
      tm_set_error (error, TONGBAN_CODE_NOT_FOUND, NULL, "unknown action");
      return NULL;
    }
  conn = tm_db_acquire (app->db);
  t = scoped_terminal (conn, caller, number, error);
  if (t == NULL)
    {
      tm_db_release (app->db, conn);
      return NULL;
    }
  if (g_str_equal (action, "approve") && !g_str_equal (tm_rows_get (t, 0, 1), "pending"))
    {
      tm_db_release (app->db, conn);
      tm_set_error (error, TONGBAN_CODE_CONFLICT, "number", "terminal is not pending");
      return NULL;
    }
  if (g_str_equal (action, "unlock") && !g_str_equal (tm_rows_get (t, 0, 1), "locked"))
    {
      tm_db_release (app->db, conn);
      tm_set_error (error, TONGBAN_CODE_CONFLICT, "number", "terminal is not locked");
      return NULL;
    }
  ok = tm_conn_begin (conn, &db_error)
       && tm_x (conn, &db_error, "UPDATE terminal SET status = ?, approved_at = COALESCE"
                " (approved_at, ?) WHERE id = ?", TM_STR (to),
                TM_INT (g_str_equal (to, "active") ? tm_now () : 0),
                TM_INT (tm_rows_get_int (t, 0, 0)))
       && (command == NULL
           || tm_x (conn, &db_error, "INSERT INTO command (terminal_id, kind, state, created_at)"
                    " VALUES (?, ?, 'pending', ?)", TM_INT (tm_rows_get_int (t, 0, 0)),
                    TM_STR (command), TM_INT (tm_now ())))
       /* A disabled terminal's sessions end at once. */
       && (!g_str_equal (to, "disabled")
           || tm_x (conn, &db_error, "DELETE FROM terminal_session WHERE terminal_id = ?",
                    TM_INT (tm_rows_get_int (t, 0, 0))))
       && tm_live_notify (conn, tm_rows_get_int (t, 0, 0), &db_error);
  if (ok)
    tm_events_emit (app, conn, "terminal.status", tm_rows_get (t, 0, 2), status_node (number, to));
  ok = ok && tm_conn_commit (conn, &db_error);
  if (!ok)
    tm_conn_rollback (conn);
  else
    tm_live_forget (app, tm_rows_get_int (t, 0, 0));
  tm_db_release (app->db, conn);
  if (!ok)
    {
      tm_db_fail (error, db_error);
      return NULL;
    }
  return status_node (number, to);
}

JsonNode *
tm_terminal_list (TmApp            *app,
                  const TmAccount  *caller,
                  const char       *region,
                  const char       *status,
                  GError          **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(TmRows) rows = NULL;
  g_autofree char *like = NULL;
  g_autofree char *path = NULL;
  GError *db_error = NULL;
  TmConn *conn = tm_db_acquire (app->db);

  if (region != NULL)
    {
      path = tm_region_path_in_scope (conn, caller, region, "region", error);
      if (path == NULL)
        {
          tm_db_release (app->db, conn);
          return NULL;
        }
    }
  like = g_strconcat (path ? path : caller->region_path, "%", NULL);
  rows = tm_q (conn, &db_error, "SELECT t.number, t.status, t.ip, t.site, t.region_code,"
               " t.sw_version, t.last_seen, t.online FROM terminal t"
               " JOIN region r ON r.code = t.region_code WHERE r.path LIKE ?"
               " AND (CAST(? AS TEXT) IS NULL OR t.status = ?) ORDER BY t.number LIMIT 10000",
               TM_STR (like), TM_STR (status), TM_STR (status));
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
      for (guint c = 0; c < 6; c++)
        {
          json_builder_set_member_name (b, rows->names[c]);
          if (tm_rows_get (rows, r, c))
            json_builder_add_string_value (b, tm_rows_get (rows, r, c));
          else
            json_builder_add_null_value (b);
        }
      json_builder_set_member_name (b, "last_seen");
      json_builder_add_int_value (b, tm_rows_get_int (rows, r, 6));
      json_builder_set_member_name (b, "online");
      json_builder_add_boolean_value (b, tm_rows_get_int (rows, r, 7) != 0);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

JsonNode *
tm_terminal_stats (TmApp            *app,
                   const TmAccount  *caller,
                   const char       *region,
                   const char       *level,
                   GError          **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(TmRows) rows = NULL;
  g_autofree char *path = NULL;
  g_autofree char *like = NULL;
  GError *db_error = NULL;
  TmConn *conn;

  if (tongban_region_level_parse (level) == TONGBAN_REGION_INVALID)
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "level",
                    "one of sar, province, city, district, town");
      return NULL;
    }
  conn = tm_db_acquire (app->db);
  path = region ? tm_region_path_in_scope (conn, caller, region, "region", error)
                : g_strdup (caller->region_path);
  if (path == NULL)
    {
      tm_db_release (app->db, conn);
      return NULL;
    }
  like = g_strconcat (path, "%", NULL);
  /* Each terminal counts towards the one ancestor (or itself) at the asked level. */
  rows = tm_q (conn, &db_error,
               "SELECT a.code, a.name_zh, a.name_en, COUNT(t.id),"
               " SUM(CASE WHEN t.online = 1 THEN 1 ELSE 0 END),"
               " SUM(CASE WHEN t.status = 'locked' THEN 1 ELSE 0 END)"
               " FROM region a JOIN region r ON r.path LIKE a.path || '%'"
               " JOIN terminal t ON t.region_code = r.code"
               " WHERE a.level = ? AND a.path LIKE ? GROUP BY a.code, a.name_zh, a.name_en"
               " ORDER BY a.code", TM_STR (level), TM_STR (like));
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
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, tm_rows_get (rows, r, 0));
      json_builder_set_member_name (b, "name_zh");
      json_builder_add_string_value (b, tm_rows_get (rows, r, 1));
      json_builder_set_member_name (b, "name_en");
      json_builder_add_string_value (b, tm_rows_get (rows, r, 2));
      json_builder_set_member_name (b, "terminals");
      json_builder_add_int_value (b, tm_rows_get_int (rows, r, 3));
      json_builder_set_member_name (b, "online");
      json_builder_add_int_value (b, tm_rows_get_int (rows, r, 4));
      json_builder_set_member_name (b, "locked");
      json_builder_add_int_value (b, tm_rows_get_int (rows, r, 5));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

JsonNode *
tm_terminal_command (TmApp            *app,
                     const TmAccount  *caller,
                     const char       *number,
                     JsonObject       *body,
                     GError          **error)
{
  static const char * const fields[] = { "kind", "arg", NULL };
  static const char * const kinds[] = { "self-test", "reboot", "sync-time", NULL };
  const char *kind, *arg, *reason = NULL, *bad = NULL;
  g_autoptr(TmRows) t = NULL;
  GError *db_error = NULL;
  TmConn *conn;
  gboolean ok;

  if (!tongban_json_only_fields (body, fields, &bad))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, bad, "unknown field");
      return NULL;
    }
  if (!tongban_json_get_string (body, "kind", TRUE, 32, &kind, &reason)
      || !g_strv_contains (kinds, kind))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "kind", "%s",
                    reason ? reason : "one of self-test, reboot, sync-time"
                    " (lock, unlock and modules have their own calls)");
      return NULL;
    }
  if (!tongban_json_get_string (body, "arg", FALSE, 200, &arg, &reason))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "arg", "%s", reason);
      return NULL;
    }
  conn = tm_db_acquire (app->db);
  t = scoped_terminal (conn, caller, number, error);
  ok = t != NULL
       && tm_x (conn, &db_error, "INSERT INTO command (terminal_id, kind, arg, state, created_at)"
                " VALUES (?, ?, ?, 'pending', ?)", TM_INT (tm_rows_get_int (t, 0, 0)),
                TM_STR (kind), TM_STR (arg), TM_INT (tm_now ()));
  /* Delivered by the terminal's next heartbeat, on whichever manager it reaches. */
  if (ok)
    tm_live_changed (app, conn, tm_rows_get_int (t, 0, 0));
  tm_db_release (app->db, conn);
  if (!ok)
    {
      if (t != NULL)
        tm_db_fail (error, db_error);
      return NULL;
    }
  return status_node (number, "queued");
}

/* Module on/off for one terminal or every terminal under a region (M-04). */
JsonNode *
tm_terminal_set_module (TmApp            *app,
                        const TmAccount  *caller,
                        JsonObject       *body,
                        GError          **error)
{
  static const char * const fields[] = { "module", "enabled", "number", "region_code", NULL };
  const char *module, *number, *region, *reason = NULL, *bad = NULL;
  g_autoptr(TmRows) known = NULL;
  g_autoptr(TmRows) targets = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autofree char *path = NULL;
  g_autofree char *like = NULL;
  GError *db_error = NULL;
  JsonNode *en;
  gboolean enabled, ok = TRUE;
  TmConn *conn;

  if (!tongban_json_only_fields (body, fields, &bad))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, bad, "unknown field");
      return NULL;
    }
  if (!tongban_json_get_string (body, "module", TRUE, 64, &module, &reason)
      || !tongban_json_get_string (body, "number", FALSE, 32, &number, &reason)
      || !tongban_json_get_string (body, "region_code", FALSE, 9, &region, &reason))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, NULL, "%s", reason);
      return NULL;
    }
  en = json_object_get_member (body, "enabled");
  if (en == NULL || json_node_get_value_type (en) != G_TYPE_BOOLEAN)
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "enabled", "must be true or false");
      return NULL;
    }
  enabled = json_node_get_boolean (en);
  if ((number == NULL) == (region == NULL))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, number ? "region_code" : "number",
                    "give exactly one of number and region_code");
      return NULL;
    }

  conn = tm_db_acquire (app->db);
  known = tm_q (conn, &db_error, "SELECT 1 FROM module_device WHERE module = ?", TM_STR (module));
  if (known != NULL && known->n_rows == 0)
    {
      tm_db_release (app->db, conn);
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "module", "unknown module");
      return NULL;
    }
  if (region != NULL)
    {
      path = tm_region_path_in_scope (conn, caller, region, "region_code", error);
      if (path == NULL)
        {
          tm_db_release (app->db, conn);
          return NULL;
        }
    }
  like = g_strconcat (path ? path : caller->region_path, "%", NULL);
  targets = tm_q (conn, &db_error, "SELECT t.id FROM terminal t JOIN region r"
                  " ON r.code = t.region_code WHERE r.path LIKE ?"
                  " AND (CAST(? AS TEXT) IS NULL OR t.number = ?)",
                  TM_STR (like), TM_STR (number), TM_STR (number));
  if (targets == NULL || known == NULL)
    {
      tm_db_release (app->db, conn);
      tm_db_fail (error, db_error);
      return NULL;
    }
  if (number != NULL && targets->n_rows == 0)
    {
      tm_db_release (app->db, conn);
      tm_set_error (error, TONGBAN_CODE_NOT_FOUND, "number", "no such terminal in your region");
      return NULL;
    }
  ok = tm_conn_begin (conn, &db_error);
  for (guint r = 0; ok && r < targets->n_rows; r++)
    {
      gint64 id = tm_rows_get_int (targets, r, 0);

      /* Switching on removes the manual override; a device fault keeps its own row. */
      if (enabled)
        ok = tm_x (conn, &db_error, "DELETE FROM terminal_module WHERE terminal_id = ? AND"
                   " module = ? AND reason = 'manual'", TM_INT (id), TM_STR (module));
      else
        ok = tm_x (conn, &db_error, "INSERT INTO terminal_module (terminal_id, module, enabled,"
                   " reason) VALUES (?, ?, 0, 'manual') ON CONFLICT (terminal_id, module)"
                   " DO UPDATE SET enabled = 0, reason = 'manual'", TM_INT (id), TM_STR (module));
    }
  /* One terminal, or (0) every terminal: forgotten on every manager. */
  if (ok)
    ok = tm_live_notify (conn, number ? tm_rows_get_int (targets, 0, 0) : 0, &db_error);
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
  tm_live_forget (app, number ? tm_rows_get_int (targets, 0, 0) : 0);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "module");
  json_builder_add_string_value (b, module);
  json_builder_set_member_name (b, "enabled");
  json_builder_add_boolean_value (b, enabled);
  json_builder_set_member_name (b, "terminals");
  json_builder_add_int_value (b, targets->n_rows);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
