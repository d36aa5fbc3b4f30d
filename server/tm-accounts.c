/* tm-accounts.c: console accounts, one role each, passwords, lockout and sessions
 *
 * REQ-SEC-05: system admin, business admin and auditor are separate duties, so an
 * account has exactly one role (a single column, checked by the schema). Passwords
 * are PBKDF2-SM3 hashes; sessions are random tokens of which only the SM3 is stored.
 */

#include "tm-app.h"
#include "tongban-region-code.h"
#include "tongban-secret-hash.h"
#include "tongban-sm.h"

#include <string.h>

static const char * const roles[] = { "sysadmin", "bizadmin", "auditor", NULL };

void
tm_account_free (TmAccount *a)
{
  if (a == NULL)
    return;
  g_free (a->username);
  g_free (a->role);
  g_free (a->region_code);
  g_free (a->region_path);
  g_free (a);
}

gboolean
tm_password_acceptable (const char  *password,
                        const char **reason)
{
  gboolean upper = FALSE, lower = FALSE, digit = FALSE, special = FALSE;

  if (password == NULL || g_utf8_strlen (password, -1) < 12)
    {
      *reason = "at least 12 characters";
      return FALSE;
    }
  if (strlen (password) > 256)
    {
      *reason = "at most 256 bytes";
      return FALSE;
    }
  for (const char *p = password; *p; p++)
    {
      if (g_ascii_isupper (*p))
        upper = TRUE;
      else if (g_ascii_islower (*p))
        lower = TRUE;
      else if (g_ascii_isdigit (*p))
        digit = TRUE;
      else
        special = TRUE;
    }
  if (!(upper && lower && digit && special))
    {
      *reason = "needs upper case, lower case, a digit and a special character";
      return FALSE;
    }
  return TRUE;
}

static gboolean
username_ok (const char *u)
{
  gsize len = u ? strlen (u) : 0;

  if (len < 3 || len > 64)
    return FALSE;
  for (const char *p = u; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

gboolean
tm_account_create (TmApp       *app,
                   const char  *username,
                   const char  *role,
                   const char  *region_code,
                   const char  *password,
                   GError     **error)
{
  g_autofree char *hash = NULL;
  g_autofree char *path = NULL;
  GError *db_error = NULL;
  const char *reason = NULL;
  TmConn *conn;
  gboolean ok;

  if (!username_ok (username))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "username",
                    "3-64 characters of letters, digits, '.', '_' or '-'");
      return FALSE;
    }
  if (role == NULL || !g_strv_contains (roles, role))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "role",
                    "exactly one of sysadmin, bizadmin, auditor");
      return FALSE;
    }
  if (!tm_password_acceptable (password, &reason))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "password", "%s", reason);
      return FALSE;
    }
  conn = tm_db_acquire (app->db);
  path = tm_region_path (conn, region_code);
  if (path == NULL)
    {
      tm_db_release (app->db, conn);
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "region_code", "unknown region");
      return FALSE;
    }
  hash = tongban_secret_hash_new (password, TONGBAN_SECRET_HASH_DEFAULT_ITERATIONS, NULL);
  ok = hash != NULL
       && tm_x (conn, &db_error, "INSERT INTO account (username, role, region_code, password_hash,"
                " created_at) VALUES (?, ?, ?, ?, ?)", TM_STR (username), TM_STR (role),
                TM_STR (region_code), TM_STR (hash), TM_INT (tm_now ()));
  tm_db_release (app->db, conn);
  if (!ok)
    {
      if (db_error != NULL && db_error->code == TM_DB_ERROR_CONSTRAINT)
        {
          g_clear_error (&db_error);
          tm_set_error (error, TONGBAN_CODE_CONFLICT, "username", "already exists");
        }
      else
        tm_db_fail (error, db_error);
    }
  return ok;
}

JsonNode *
tm_account_login (TmApp       *app,
                  const char  *username,
                  const char  *password,
                  GError     **error)
{
  g_autoptr(TmRows) rows = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;
  GError *db_error = NULL;
  gint64 now = tm_now (), id;
  TmConn *conn;

  conn = tm_db_acquire (app->db);
  rows = tm_q (conn, &db_error, "SELECT id, password_hash, failed_count, locked_until, role,"
               " region_code FROM account WHERE username = ?", TM_STR (username));
  if (rows == NULL)
    {
      tm_db_release (app->db, conn);
      tm_db_fail (error, db_error);
      return NULL;
    }
  if (rows->n_rows == 0)
    {
      tm_db_release (app->db, conn);
      /* Same answer as a wrong password: account names are not to be probed. */
      tm_set_error (error, TONGBAN_CODE_UNAUTHENTICATED, NULL, "wrong user name or password");
      return NULL;
    }
  id = tm_rows_get_int (rows, 0, 0);
  if (tm_rows_get_int (rows, 0, 3) > now)
    {
      tm_db_release (app->db, conn);
      tm_set_error (error, TONGBAN_CODE_ACCOUNT_LOCKED, NULL, "too many failed logins; try later");
      return NULL;
    }
  if (!tongban_secret_hash_verify (tm_rows_get (rows, 0, 1), password ? password : "", NULL))
    {
      gint64 fails = tm_rows_get_int (rows, 0, 2) + 1;
      gboolean lock = fails >= app->config.lockout_threshold;

      tm_x (conn, NULL, "UPDATE account SET failed_count = ?, locked_until = ? WHERE id = ?",
            TM_INT (lock ? 0 : fails), TM_INT (lock ? now + app->config.lockout_seconds : 0),
            TM_INT (id));
      tm_db_release (app->db, conn);
      tm_audit_append (app, username, lock ? "account.locked" : "account.login-failed",
                       "account", "", NULL);
      if (lock)
        tm_set_error (error, TONGBAN_CODE_ACCOUNT_LOCKED, NULL,
                      "too many failed logins; try later");
      else
        tm_set_error (error, TONGBAN_CODE_UNAUTHENTICATED, NULL, "wrong user name or password");
      return NULL;
    }

  token = tm_random_hex (32);
  token_hash = tongban_sm3_hex (token, strlen (token));
  if (!tm_x (conn, &db_error, "UPDATE account SET failed_count = 0, locked_until = 0 WHERE id = ?",
             TM_INT (id))
      || !tm_x (conn, &db_error, "DELETE FROM account_session WHERE expires_at < ?", TM_INT (now))
      || !tm_x (conn, &db_error, "INSERT INTO account_session (token_hash, account_id, expires_at)"
                " VALUES (?, ?, ?)", TM_STR (token_hash), TM_INT (id),
                TM_INT (now + app->config.account_session_ttl)))
    {
      tm_db_release (app->db, conn);
      tm_db_fail (error, db_error);
      return NULL;
    }
  tm_db_release (app->db, conn);
  tm_audit_append (app, username, "account.login", "account", "", NULL);

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "token");
  json_builder_add_string_value (b, token);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, tm_rows_get (rows, 0, 4));
  json_builder_set_member_name (b, "region_code");
  json_builder_add_string_value (b, tm_rows_get (rows, 0, 5));
  json_builder_set_member_name (b, "expires_at");
  json_builder_add_int_value (b, now + app->config.account_session_ttl);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

TmAccount *
tm_account_from_token (TmApp       *app,
                       const char  *token,
                       GError     **error)
{
  g_autoptr(TmRows) rows = NULL;
  g_autofree char *token_hash = NULL;
  GError *db_error = NULL;
  TmAccount *a;
  TmConn *conn;

  if (token == NULL || strlen (token) != 64)
    {
      tm_set_error (error, TONGBAN_CODE_UNAUTHENTICATED, "Authorization", "bearer token required");
      return NULL;
    }
  token_hash = tongban_sm3_hex (token, strlen (token));
  conn = tm_db_acquire (app->db);
  rows = tm_q (conn, &db_error, "SELECT a.id, a.username, a.role, a.region_code, r.path,"
               " s.expires_at FROM account_session s JOIN account a ON a.id = s.account_id"
               " JOIN region r ON r.code = a.region_code WHERE s.token_hash = ?",
               TM_STR (token_hash));
  tm_db_release (app->db, conn);
  if (rows == NULL)
    {
      tm_db_fail (error, db_error);
      return NULL;
    }
  if (rows->n_rows == 0)
    {
      /* Not a person's session: perhaps a system client's OAuth token. */
      a = tm_oauth_account_from_token (app, token_hash);
      if (a != NULL)
        return a;
    }
  if (rows->n_rows == 0 || tm_rows_get_int (rows, 0, 5) < tm_now ())
    {
      tm_set_error (error, rows->n_rows ? TONGBAN_CODE_SESSION_EXPIRED
                                        : TONGBAN_CODE_UNAUTHENTICATED,
                    "Authorization", rows->n_rows ? "session expired" : "unknown token");
      return NULL;
    }
  a = g_new0 (TmAccount, 1);
  a->id = tm_rows_get_int (rows, 0, 0);
  a->username = g_strdup (tm_rows_get (rows, 0, 1));
  a->role = g_strdup (tm_rows_get (rows, 0, 2));
  a->region_code = g_strdup (tm_rows_get (rows, 0, 3));
  a->region_path = g_strdup (tm_rows_get (rows, 0, 4));
  return a;
}

JsonNode *
tm_account_list (TmApp            *app,
                 const TmAccount  *caller,
                 GError          **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(TmRows) rows = NULL;
  g_autofree char *like = g_strconcat (caller->region_path, "%", NULL);
  GError *db_error = NULL;
  TmConn *conn = tm_db_acquire (app->db);

  rows = tm_q (conn, &db_error, "SELECT a.username, a.role, a.region_code, a.locked_until"
               " FROM account a JOIN region r ON r.code = a.region_code"
               " WHERE r.path LIKE ? ORDER BY a.username", TM_STR (like));
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
      json_builder_set_member_name (b, "username");
      json_builder_add_string_value (b, tm_rows_get (rows, r, 0));
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, tm_rows_get (rows, r, 1));
      json_builder_set_member_name (b, "region_code");
      json_builder_add_string_value (b, tm_rows_get (rows, r, 2));
      json_builder_set_member_name (b, "locked");
      json_builder_add_boolean_value (b, tm_rows_get_int (rows, r, 3) > tm_now ());
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}
