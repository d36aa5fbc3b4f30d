/* test-regions.c: the Greater Bay Area division table and scope checks */

#include "tm-test.h"

static void
test_gba_present (void)
{
  g_autoptr(TmApp) app = tm_test_app_new (NULL);
  const struct { const char *code, *level, *path; } want[] = {
    { "810000", "sar", "/810000/" },
    { "820000", "sar", "/820000/" },
    { "440000", "province", "/440000/" },
    { "440100", "city", "/440000/440100/" },
    { "440300", "city", "/440000/440300/" },
    { "440400", "city", "/440000/440400/" },
    { "440600", "city", "/440000/440600/" },
    { "440700", "city", "/440000/440700/" },
    { "441200", "city", "/440000/441200/" },
    { "441300", "city", "/440000/441300/" },
    { "441900", "city", "/440000/441900/" },
    { "442000", "city", "/440000/442000/" },
    { "440106", "district", "/440000/440100/440106/" },
    { "810005", "district", "/810000/810005/" },
    { "441900003", "town", "/440000/441900/441900003/" },
  };
  TmConn *c = tm_db_acquire (app->db);

  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      g_autoptr(TmRows) r = tm_q (c, NULL, "SELECT level, path FROM region WHERE code = ?",
                                  TM_STR (want[i].code));

      g_assert_nonnull (r);
      g_assert_cmpuint (r->n_rows, ==, 1);
      g_assert_cmpstr (tm_rows_get (r, 0, 0), ==, want[i].level);
      g_assert_cmpstr (tm_rows_get (r, 0, 1), ==, want[i].path);
    }
  tm_db_release (app->db, c);
}

static void
test_children (void)
{
  g_autoptr(TmApp) app = tm_test_app_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) hk = tm_regions_children (app, "810000", &error);
  g_autoptr(JsonNode) gz = tm_regions_children (app, "440100", &error);
  g_autoptr(JsonNode) top = tm_regions_children (app, NULL, &error);
  g_autoptr(JsonNode) mo = tm_regions_children (app, "820000", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (hk)), ==, 18);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (gz)), ==, 11);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (top)), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (mo)), ==, 8);
  g_assert_null (tm_regions_children (app, "44'--", &error));
  g_assert_error (error, TM_API_ERROR, TONGBAN_CODE_INVALID_FIELD);
}

static void
test_every_city_has_children (void)
{
  g_autoptr(TmApp) app = tm_test_app_new (NULL);
  TmConn *c = tm_db_acquire (app->db);
  g_autoptr(TmRows) r = tm_q (c, NULL, "SELECT p.code, COUNT(k.code) FROM region p"
                              " LEFT JOIN region k ON k.parent = p.code WHERE p.level = 'city'"
                              " GROUP BY p.code ORDER BY p.code");

  g_assert_cmpuint (r->n_rows, ==, 9);
  for (guint i = 0; i < r->n_rows; i++)
    g_assert_cmpint (tm_rows_get_int (r, i, 1), >, 0);
  tm_db_release (app->db, c);
}

static void
test_within (void)
{
  g_autoptr(TmApp) app = tm_test_app_new (NULL);
  TmConn *c = tm_db_acquire (app->db);

  g_assert_true (tm_region_within (c, "440106", "440100"));
  g_assert_true (tm_region_within (c, "440106", "440000"));
  g_assert_true (tm_region_within (c, "440106", "440106"));
  g_assert_false (tm_region_within (c, "440106", "440300"));
  g_assert_false (tm_region_within (c, "810001", "440000"));
  g_assert_true (tm_region_within (c, "442000001", "442000"));
  g_assert_false (tm_region_within (c, "999999", "440000"));
  tm_db_release (app->db, c);
}

/* Loading twice (every start) keeps one row per code. */
static void
test_reload (void)
{
  g_autoptr(TmApp) app = tm_test_app_new (NULL);
  g_autoptr(GError) error = NULL;
  TmConn *c;
  g_autoptr(TmRows) before = NULL;
  g_autoptr(TmRows) after = NULL;

  c = tm_db_acquire (app->db);
  before = tm_q (c, NULL, "SELECT COUNT(*) FROM region");
  tm_db_release (app->db, c);
  g_assert_true (tm_regions_load (app, &error));
  g_assert_no_error (error);
  c = tm_db_acquire (app->db);
  after = tm_q (c, NULL, "SELECT COUNT(*) FROM region");
  tm_db_release (app->db, c);
  g_assert_cmpint (tm_rows_get_int (before, 0, 0), ==, tm_rows_get_int (after, 0, 0));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/regions/gba-present", test_gba_present);
  g_test_add_func ("/server/regions/children", test_children);
  g_test_add_func ("/server/regions/every-city-has-children", test_every_city_has_children);
  g_test_add_func ("/server/regions/within", test_within);
  g_test_add_func ("/server/regions/reload", test_reload);
  return g_test_run ();
}
