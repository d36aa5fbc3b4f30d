/* tm-oauth.c: OAuth 2.0 client credentials for other systems (REQ-I-02)
 *
 * A system client has one role and a region scope like a person's account, so the same
 * route checks apply. Secrets are PBKDF2-SM3 hashed; tokens are random and stored as SM3,
 * and they expire.
 */

#include "tm-app.h"
#include "tongban-secret-hash.h"
#include "tongban-sm.h"

#include <string.h>

gboolean
tm_oauth_client_create (TmApp       *app,
                        const char  *client_id,
                        const char  *role,
                        const char  *region_code,
                        const char  *secret,
                        GError     **error)
{
  static const char * const roles[] = { "sysadmin", "bizadmin", "auditor", NULL };
  g_autofree char *hash = NULL;
  g_autofree char *path = NULL;
  GError *db_error = NULL;
  TmConn *conn;
  gboolean ok;

  if (client_id == NULL || strlen (client_id) < 3 || strlen (client_id) > 64
      || strspn (client_id, "abcdefghijklmnopqrstuvwxyz0123456789-_.") != strlen (client_id))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "client_id", "3-64 of a-z, 0-9, -, _, .");
      return FALSE;
    }
  if (role == NULL || !g_strv_contains (roles, role))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "role",
                    "exactly one of sysadmin, bizadmin, auditor");
      return FALSE;
    }
  if (secret == NULL || strlen (secret) < 32)
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "client_secret", "at least 32 characters");
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
  /* Machine secrets are long and random: fewer iterations than for people are enough. */
  hash = tongban_secret_hash_new (secret, TONGBAN_SECRET_HASH_MIN_ITERATIONS, NULL);
  ok = hash != NULL
       && tm_x (conn, &db_error, "INSERT INTO oauth_client (client_id, secret_hash, role,"
                " region_code, created_at) VALUES (?, ?, ?, ?, ?)", TM_STR (client_id),
                TM_STR (hash), TM_STR (role), TM_STR (region_code), TM_INT (tm_now ()));
  tm_db_release (app->db, conn);
  if (!ok)
    {
      if (db_error != NULL && db_error->code == TM_DB_ERROR_CONSTRAINT)
        {
          g_clear_error (&db_error);
          tm_set_error (error, TONGBAN_CODE_CONFLICT, "client_id", "already exists");
        }
      else
        tm_db_fail (error, db_error);
    }
  return ok;
}

JsonNode *
tm_oauth_token (TmApp       *app,
                const char  *grant_type,
                const char  *client_id,
                const char  *secret,
                GError     **error)
{
  g_autoptr(TmRows) rows = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;
  GError *db_error = NULL;
  gint64 now = tm_now ();
  TmConn *conn;
  gboolean ok;

  if (g_strcmp0 (grant_type, "client_credentials") != 0)
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "grant_type",
                    "only client_credentials (unsupported_grant_type)");
      return NULL;
    }
  if (client_id == NULL || secret == NULL || strlen (client_id) > 64 || strlen (secret) > 256)
    {
      tm_set_error (error, TONGBAN_CODE_UNAUTHENTICATED, "client_id", "invalid_client");
      return NULL;
    }
  conn = tm_db_acquire (app->db);
  rows = tm_q (conn, &db_error, "SELECT secret_hash FROM oauth_client WHERE client_id = ?",
               TM_STR (client_id));
  if (rows == NULL)
    {
      tm_db_release (app->db, conn);
      tm_db_fail (error, db_error);
      return NULL;
    }
  if (rows->n_rows == 0 || !tongban_secret_hash_verify (tm_rows_get (rows, 0, 0), secret, NULL))
    {
      tm_db_release (app->db, conn);
      tm_audit_append (app, client_id, "oauth.token-refused", "oauth_client", "", NULL);
      tm_set_error (error, TONGBAN_CODE_UNAUTHENTICATED, "client_id", "invalid_client");
      return NULL;
    }
  token = tm_random_hex (32);
  token_hash = tongban_sm3_hex (token, strlen (token));
  ok = tm_x (conn, &db_error, "DELETE FROM oauth_token WHERE expires_at < ?", TM_INT (now))
       && tm_x (conn, &db_error, "INSERT INTO oauth_token (token_hash, client_id, expires_at)"
                " VALUES (?, ?, ?)", TM_STR (token_hash), TM_STR (client_id),
                TM_INT (now + app->config.oauth_token_ttl));
  tm_db_release (app->db, conn);
  if (!ok)
    {
      tm_db_fail (error, db_error);
      return NULL;
    }
  tm_audit_append (app, client_id, "oauth.token", "oauth_client", "", NULL);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "access_token");
  json_builder_add_string_value (b, token);
  json_builder_set_member_name (b, "token_type");
  json_builder_add_string_value (b, "Bearer");
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, app->config.oauth_token_ttl);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

TmAccount *
tm_oauth_account_from_token (TmApp      *app,
                             const char *token_hash)
{
  g_autoptr(TmRows) rows = NULL;
  TmAccount *a;
  TmConn *conn = tm_db_acquire (app->db);

  rows = tm_q (conn, NULL, "SELECT c.client_id, c.role, c.region_code, r.path FROM oauth_token t"
               " JOIN oauth_client c ON c.client_id = t.client_id"
               " JOIN region r ON r.code = c.region_code"
               " WHERE t.token_hash = ? AND t.expires_at >= ?",
               TM_STR (token_hash), TM_INT (tm_now ()));
  tm_db_release (app->db, conn);
  if (rows == NULL || rows->n_rows == 0)
    return NULL;
  a = g_new0 (TmAccount, 1);
  a->id = 0;
  a->username = g_strconcat ("client:", tm_rows_get (rows, 0, 0), NULL);
  a->role = g_strdup (tm_rows_get (rows, 0, 1));
  a->region_code = g_strdup (tm_rows_get (rows, 0, 2));
  a->region_path = g_strdup (tm_rows_get (rows, 0, 3));
  return a;
}
