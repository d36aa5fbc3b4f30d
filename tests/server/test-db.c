/* test-db.c: the SQL layer on SQLite or PostgreSQL (TONGBAN_TEST_DB picks) */

#include "tm-test.h"

#include <gio/gio.h>

static void
test_migrate_twice (void)
{
  g_autofree char *uri = tm_test_db_uri ();
  g_autoptr(GError) error = NULL;
  TmDb *db = tm_db_open (uri, 2, &error);
  TmConn *c;
  g_autoptr(TmRows) rows = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (tm_db_kind (db), ==, tm_test_on_postgres () ? TM_DB_POSTGRESQL : TM_DB_SQLITE);
  g_assert_true (tm_db_migrate (db, &error));
  g_assert_no_error (error);
  /* Idempotent: a restart applies nothing again. */
  g_assert_true (tm_db_migrate (db, &error));
  g_assert_no_error (error);
  c = tm_db_acquire (db);
  rows = tm_q (c, &error, "SELECT COUNT(*) FROM schema_migration");
  g_assert_no_error (error);
  {
    /* One row per migration file, each applied once. */
    g_auto(GStrv) files = g_resources_enumerate_children (
      tm_test_on_postgres () ? "/cn/gov/gba/Tongban/manager/sql/postgresql"
                             : "/cn/gov/gba/Tongban/manager/sql/sqlite", 0, NULL);

    g_assert_nonnull (files);
    g_assert_cmpint (tm_rows_get_int (rows, 0, 0), ==, g_strv_length (files));
    g_assert_cmpint (g_strv_length (files), >=, 2);
  }
  tm_db_release (db, c);
  tm_db_free (db);
}

static void
test_params_are_data (void)
{
  g_autoptr(TmApp) app = tm_test_app_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmRows) rows = NULL;
  g_autoptr(TmRows) count = NULL;
  const char *evil = "x'); DROP TABLE region; -- ? $1 \"\\";
  TmConn *c = tm_db_acquire (app->db);

  g_assert_true (tm_x (c, &error, "INSERT INTO maintainer (name, email, region_code)"
                       " VALUES (?, ?, ?)", TM_STR (evil), TM_NULL, TM_STR ("440100")));
  g_assert_no_error (error);
  rows = tm_q (c, &error, "SELECT name, email FROM maintainer WHERE name = ?", TM_STR (evil));
  g_assert_no_error (error);
  g_assert_cmpuint (rows->n_rows, ==, 1);
  g_assert_cmpstr (tm_rows_get (rows, 0, 0), ==, evil);
  g_assert_null (tm_rows_get (rows, 0, 1));
  g_assert_cmpint (tm_rows_col (rows, "email"), ==, 1);
  g_assert_cmpint (tm_rows_col (rows, "nope"), ==, -1);
  /* Out of range reads are NULL, not crashes. */
  g_assert_null (tm_rows_get (rows, 5, 0));
  count = tm_q (c, &error, "SELECT COUNT(*) FROM region");
  g_assert_no_error (error);
  g_assert_cmpint (tm_rows_get_int (count, 0, 0), >, 90);
  tm_db_release (app->db, c);
}

static void
test_constraint_error (void)
{
  g_autoptr(TmApp) app = tm_test_app_new (NULL);
  g_autoptr(GError) error = NULL;
  TmConn *c = tm_db_acquire (app->db);

  /* Unknown region: foreign key. */
  g_assert_false (tm_x (c, &error, "INSERT INTO maintainer (name, region_code) VALUES (?, ?)",
                        TM_STR ("a"), TM_STR ("999999")));
  g_assert_error (error, TM_DB_ERROR, TM_DB_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_false (tm_x (c, &error, "SELECT nonsense FROM nowhere"));
  g_assert_error (error, TM_DB_ERROR, TM_DB_ERROR_QUERY);
  tm_db_release (app->db, c);
}

static void
test_rollback (void)
{
  g_autoptr(TmApp) app = tm_test_app_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmRows) rows = NULL;
  TmConn *c = tm_db_acquire (app->db);

  g_assert_true (tm_conn_begin (c, &error));
  g_assert_true (tm_x (c, &error, "INSERT INTO maintainer (name, region_code) VALUES (?, ?)",
                       TM_STR ("gone"), TM_STR ("440100")));
  tm_conn_rollback (c);
  rows = tm_q (c, &error, "SELECT COUNT(*) FROM maintainer");
  g_assert_cmpint (tm_rows_get_int (rows, 0, 0), ==, 0);
  tm_db_release (app->db, c);
}

static void
test_returning_and_changes (void)
{
  g_autoptr(TmApp) app = tm_test_app_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TmRows) a = NULL;
  g_autoptr(TmRows) b = NULL;
  g_autoptr(TmRows) u = NULL;
  TmConn *c = tm_db_acquire (app->db);

  a = tm_q (c, &error, "INSERT INTO maintainer (name, region_code) VALUES (?, ?) RETURNING id",
            TM_STR ("a"), TM_STR ("440100"));
  b = tm_q (c, &error, "INSERT INTO maintainer (name, region_code) VALUES (?, ?) RETURNING id",
            TM_STR ("b"), TM_STR ("440300"));
  g_assert_no_error (error);
  g_assert_cmpint (tm_rows_get_int (b, 0, 0), >, tm_rows_get_int (a, 0, 0));
  u = tm_q (c, &error, "UPDATE maintainer SET phone = ? WHERE id >= ?", TM_STR ("123"),
            TM_INT (tm_rows_get_int (a, 0, 0)));
  g_assert_no_error (error);
  g_assert_cmpint (u->changes, ==, 2);
  tm_db_release (app->db, c);
}

static void
test_bad_uri (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (tm_db_open ("", 1, &error));
  g_assert_error (error, TM_DB_ERROR, TM_DB_ERROR_OPEN);
  g_clear_error (&error);
  g_assert_null (tm_db_open ("/nonexistent-dir/x/y.db", 1, &error));
  g_assert_error (error, TM_DB_ERROR, TM_DB_ERROR_OPEN);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/db/migrate-twice", test_migrate_twice);
  g_test_add_func ("/server/db/params-are-data", test_params_are_data);
  g_test_add_func ("/server/db/constraint-error", test_constraint_error);
  g_test_add_func ("/server/db/rollback", test_rollback);
  g_test_add_func ("/server/db/returning-and-changes", test_returning_and_changes);
  g_test_add_func ("/server/db/bad-uri", test_bad_uri);
  return g_test_run ();
}
