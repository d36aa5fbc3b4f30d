/* test-audit.c: the SM3 hash chain of the audit log finds edits, deletions and forgeries */

#include "tm-test.h"

static TmApp *
app_with_entries (guint n)
{
  TmApp *app = tm_test_app_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *obj = g_strdup_printf ("terminal-%u", i);

      g_assert_true (tm_audit_append (app, "admin", "terminal.lock", obj, "{\"why\":\"test\"}",
                                      &error));
      g_assert_no_error (error);
    }
  return app;
}

static void
assert_chain (TmApp  *app,
              gint64  entries,
              gint64  bad)
{
  g_autoptr(GError) error = NULL;
  gint64 n = 0, first_bad = -1;
  gboolean ok = tm_audit_verify (app, &n, &first_bad, &error);

  g_assert_no_error (error);
  g_assert_cmpint (n, ==, entries);
  g_assert_cmpint (first_bad, ==, bad);
  g_assert_true (ok == (bad == 0));
}

static void
test_intact (void)
{
  g_autoptr(TmApp) app = app_with_entries (10);

  assert_chain (app, 10, 0);
}

static void
test_empty (void)
{
  g_autoptr(TmApp) app = app_with_entries (0);

  assert_chain (app, 0, 0);
}

static void
test_append_only (void)
{
  g_autoptr(TmApp) app = app_with_entries (3);
  g_autoptr(GError) error = NULL;
  TmConn *c = tm_db_acquire (app->db);

  g_assert_false (tm_x (c, &error, "UPDATE audit_log SET actor = 'x' WHERE seq = 2"));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (tm_x (c, &error, "DELETE FROM audit_log WHERE seq = 2"));
  g_assert_nonnull (error);
  tm_db_release (app->db, c);
  assert_chain (app, 3, 0);
}

/* Someone with database owner rights drops the guard and edits behind the server's back. */
static void
drop_guard (TmConn *c)
{
  g_autoptr(GError) error = NULL;

  if (tm_conn_kind (c) == TM_DB_POSTGRESQL)
    g_assert_true (tm_conn_exec_script (c, "DROP TRIGGER audit_log_no_change ON audit_log", &error));
  else
    g_assert_true (tm_conn_exec_script (c, "DROP TRIGGER audit_log_no_update;"
                                        "DROP TRIGGER audit_log_no_delete", &error));
  g_assert_no_error (error);
}

static void
test_edit_detected (void)
{
  g_autoptr(TmApp) app = app_with_entries (6);
  g_autoptr(GError) error = NULL;
  TmConn *c = tm_db_acquire (app->db);

  drop_guard (c);
  g_assert_true (tm_x (c, &error, "UPDATE audit_log SET detail = ? WHERE seq = 4",
                       TM_STR ("{\"why\":\"nothing to see\"}")));
  tm_db_release (app->db, c);
  assert_chain (app, 6, 4);
}

static void
test_rehash_detected (void)
{
  g_autoptr(TmApp) app = app_with_entries (6);
  g_autoptr(GError) error = NULL;
  TmConn *c = tm_db_acquire (app->db);

  /* Editing an entry and fixing up its own hash still breaks the next link. */
  drop_guard (c);
  g_assert_true (tm_x (c, &error, "UPDATE audit_log SET actor = 'intruder', hash = ? WHERE seq = 3",
                       TM_STR ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")));
  tm_db_release (app->db, c);
  assert_chain (app, 6, 3);
}

static void
test_delete_detected (void)
{
  g_autoptr(TmApp) app = app_with_entries (6);
  g_autoptr(GError) error = NULL;
  TmConn *c = tm_db_acquire (app->db);

  drop_guard (c);
  g_assert_true (tm_x (c, &error, "DELETE FROM audit_log WHERE seq = 5"));
  tm_db_release (app->db, c);
  assert_chain (app, 5, 5);
}

static void
test_continues_after_restart (void)
{
  g_autoptr(TmApp) app = app_with_entries (2);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = NULL;

  g_assert_true (tm_audit_append (app, "auditor", "audit.read", "", "", &error));
  assert_chain (app, 3, 0);
  list = tm_audit_list (app, 1, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 2);
}

static gpointer
append_many (gpointer data)
{
  for (guint i = 0; i < 25; i++)
    if (!tm_audit_append (data, "worker", "usage.read", "", "", NULL))
      return GINT_TO_POINTER (1);
  return NULL;
}

/* Request threads append at once: the chain must stay one unbroken line. */
static void
test_concurrent_appends (void)
{
  g_autoptr(TmApp) app = tm_test_app_new (NULL);
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("append", append_many, app);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_null (g_thread_join (threads[i]));
  assert_chain (app, 100, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/audit/intact", test_intact);
  g_test_add_func ("/server/audit/empty", test_empty);
  g_test_add_func ("/server/audit/append-only", test_append_only);
  g_test_add_func ("/server/audit/edit-detected", test_edit_detected);
  g_test_add_func ("/server/audit/rehash-detected", test_rehash_detected);
  g_test_add_func ("/server/audit/delete-detected", test_delete_detected);
  g_test_add_func ("/server/audit/list", test_continues_after_restart);
  g_test_add_func ("/server/audit/concurrent", test_concurrent_appends);
  return g_test_run ();
}
