/* test-accounts.c: password rule, one role per account, lockout, tokens */

#include "tm-test.h"

#define GOOD "Tongban#2026ok"

static void
test_password_rule (void)
{
  const char *reason = NULL;
  const struct { const char *pw; gboolean ok; } cases[] = {
    { GOOD, TRUE },
    { "Sh0rt#pw", FALSE },                 /* 8 characters */
    { "alllowercase#123", FALSE },
    { "ALLUPPERCASE#123", FALSE },
    { "NoDigitsHere#abc", FALSE },
    { "NoSpecial1234abc", FALSE },
    { "Exactly12#ab", TRUE },              /* 12 is enough */
    { "Exactly1#ab", FALSE },              /* 11 is not */
    { "", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      reason = NULL;
      g_assert_true (tm_password_acceptable (cases[i].pw, &reason) == cases[i].ok);
      if (!cases[i].ok)
        g_assert_nonnull (reason);
    }
  g_assert_false (tm_password_acceptable (NULL, &reason));
}

static void
test_create_checks (void)
{
  g_autoptr(TmApp) app = tm_test_app_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (tm_account_create (app, "ops.gz", "sysadmin", "440100", GOOD, &error));
  g_assert_no_error (error);
  g_assert_false (tm_account_create (app, "ops.gz", "auditor", "440100", GOOD, &error));
  g_assert_error (error, TM_API_ERROR, TONGBAN_CODE_CONFLICT);
  g_clear_error (&error);
  g_assert_false (tm_account_create (app, "x1", "sysadmin", "440100", GOOD, &error));
  g_assert_error (error, TM_API_ERROR, TONGBAN_CODE_INVALID_FIELD);
  g_clear_error (&error);
  /* One role only: combined role names are not roles. */
  g_assert_false (tm_account_create (app, "both", "sysadmin,auditor", "440100", GOOD, &error));
  g_assert_error (error, TM_API_ERROR, TONGBAN_CODE_INVALID_FIELD);
  g_clear_error (&error);
  g_assert_false (tm_account_create (app, "weak", "auditor", "440100", "weakpassword", &error));
  g_assert_error (error, TM_API_ERROR, TONGBAN_CODE_INVALID_FIELD);
  g_clear_error (&error);
  g_assert_false (tm_account_create (app, "nowhere", "auditor", "999900", GOOD, &error));
  g_assert_error (error, TM_API_ERROR, TONGBAN_CODE_INVALID_FIELD);
}

/* Even the database refuses a second role or an unknown one. */
static void
test_schema_one_role (void)
{
  g_autoptr(TmApp) app = tm_test_app_new (NULL);
  g_autoptr(GError) error = NULL;
  TmConn *c = tm_db_acquire (app->db);

  g_assert_false (tm_x (c, &error, "INSERT INTO account (username, role, region_code,"
                        " password_hash, created_at) VALUES ('x', 'sysadmin+auditor', '440000',"
                        " 'h', 0)"));
  g_assert_error (error, TM_DB_ERROR, TM_DB_ERROR_CONSTRAINT);
  tm_db_release (app->db, c);
}

static void
test_login_and_lockout (void)
{
  TmConfig config;
  g_autoptr(TmApp) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) ok = NULL;
  g_autoptr(TmAccount) who = NULL;
  const char *token;

  tm_config_init (&config);
  config.lockout_threshold = 3;
  app = tm_test_app_new (&config);
  g_assert_true (tm_account_create (app, "biz.sz", "bizadmin", "440300", GOOD, &error));

  ok = tm_account_login (app, "biz.sz", GOOD, &error);
  g_assert_no_error (error);
  token = json_object_get_string_member (json_node_get_object (ok), "token");
  who = tm_account_from_token (app, token, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (who->role, ==, "bizadmin");
  g_assert_cmpstr (who->region_path, ==, "/440000/440300/");

  for (guint i = 0; i < 2; i++)
    {
      g_assert_null (tm_account_login (app, "biz.sz", "Wrong#password1", &error));
      g_assert_error (error, TM_API_ERROR, TONGBAN_CODE_UNAUTHENTICATED);
      g_clear_error (&error);
    }
  g_assert_null (tm_account_login (app, "biz.sz", "Wrong#password1", &error));
  g_assert_error (error, TM_API_ERROR, TONGBAN_CODE_ACCOUNT_LOCKED);
  g_clear_error (&error);
  /* Locked: even the right password is refused now. */
  g_assert_null (tm_account_login (app, "biz.sz", GOOD, &error));
  g_assert_error (error, TM_API_ERROR, TONGBAN_CODE_ACCOUNT_LOCKED);
  g_clear_error (&error);
  /* Unknown users get the same answer as wrong passwords. */
  g_assert_null (tm_account_login (app, "nobody", GOOD, &error));
  g_assert_error (error, TM_API_ERROR, TONGBAN_CODE_UNAUTHENTICATED);
  g_clear_error (&error);
  g_assert_null (tm_account_from_token (app, "0000000000000000000000000000000000000000000000000000"
                                        "000000000000", &error));
  g_assert_error (error, TM_API_ERROR, TONGBAN_CODE_UNAUTHENTICATED);
}

static void
test_lock_expires (void)
{
  TmConfig config;
  g_autoptr(TmApp) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) ok = NULL;

  tm_config_init (&config);
  config.lockout_threshold = 1;
  config.lockout_seconds = 1;
  app = tm_test_app_new (&config);
  g_assert_true (tm_account_create (app, "aud", "auditor", "440000", GOOD, &error));
  g_assert_null (tm_account_login (app, "aud", "Wrong#password1", &error));
  g_assert_error (error, TM_API_ERROR, TONGBAN_CODE_ACCOUNT_LOCKED);
  g_clear_error (&error);
  g_usleep (2100 * 1000);
  ok = tm_account_login (app, "aud", GOOD, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/accounts/password-rule", test_password_rule);
  g_test_add_func ("/server/accounts/create-checks", test_create_checks);
  g_test_add_func ("/server/accounts/schema-one-role", test_schema_one_role);
  g_test_add_func ("/server/accounts/login-and-lockout", test_login_and_lockout);
  g_test_add_func ("/server/accounts/lock-expires", test_lock_expires);
  return g_test_run ();
}
