/* test-catalog.c: the service catalogue — completeness and refusal of broken data */

#include <string.h>
#include "tongban-catalog.h"

static char *
source_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "..", "..", "data", "catalog", name, NULL);
}

static TongbanCatalog *
load_shipped (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "..", "..", "data", "catalog",
                                                NULL);
  TongbanCatalog *catalog = tongban_catalog_new_from_dir (dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (catalog);
  return catalog;
}

static void
test_all_services (void)
{
  g_autoptr(TongbanCatalog) catalog = load_shipped ();
  GPtrArray *services = tongban_catalog_get_services (catalog);
  const char *prefixes[] = { "F-GD-%02u", "F-HK-%02u", "F-MO-%02u" };
  const guint counts[] = { 20, 6, 4 };

  /* Tables 1-3 of the standard: 20 Guangdong, 6 Hong Kong, 4 Macao services. */
  g_assert_cmpuint (services->len, ==, 30);
  for (guint t = 0; t < G_N_ELEMENTS (prefixes); t++)
    for (guint n = 1; n <= counts[t]; n++)
      {
        g_autofree char *id = g_strdup_printf (prefixes[t], n);
        const TongbanService *service = tongban_catalog_lookup_service (catalog, id);

        g_assert_nonnull (service);
        g_assert_cmpstr (service->region, ==, t == 0 ? "gd" : t == 1 ? "hk" : "mo");
        g_assert_nonnull (tongban_catalog_lookup_department (catalog, service->department));
      }
}

static void
test_categories (void)
{
  g_autoptr(TongbanCatalog) catalog = load_shipped ();
  const char *regions[] = { "gd", "hk", "mo" };
  const guint expected[] = { 6, 3, 2 };
  guint total = 0;

  g_assert_cmpuint (tongban_catalog_get_regions (catalog)->len, ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    {
      g_autoptr(GPtrArray) categories = tongban_catalog_dup_categories (catalog, regions[i]);

      g_assert_cmpuint (categories->len, ==, expected[i]);
      for (guint j = 0; j < categories->len; j++)
        {
          const TongbanCategory *c = g_ptr_array_index (categories, j);
          g_autoptr(GPtrArray) services = tongban_catalog_dup_services (catalog, c->id);
          g_autofree char *file = g_strconcat (c->icon, ".svg", NULL);
          g_autofree char *icon = g_test_build_filename (G_TEST_DIST, "..", "..", "icons",
                                                         "scalable", "actions", file, NULL);

          /* Every category has services and its own icon file. */
          g_assert_cmpuint (services->len, >, 0);
          g_assert_true (g_file_test (icon, G_FILE_TEST_IS_REGULAR));
          total += services->len;
        }
    }
  g_assert_cmpuint (total, ==, 30);
}

/* Loads the shipped categories with a services.json whose text is @services,
 * and expects the whole file refused (@service NULL) or that one service left
 * out with a line naming file, service and field. */
static void
assert_refused (const char *services,
                const char *expected_message)
{
  g_autofree char *cpath = source_path ("categories.json");
  g_autofree char *cdata = NULL;
  gsize clen;
  g_autoptr(GBytes) cbytes = NULL;
  g_autoptr(GBytes) sbytes = g_bytes_new_static (services, strlen (services));
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanCatalog) catalog = NULL;
  const char *message;

  g_assert_true (g_file_get_contents (cpath, &cdata, &clen, NULL));
  cbytes = g_bytes_new_take (g_steal_pointer (&cdata), clen);
  catalog = tongban_catalog_new_from_data (cbytes, sbytes, &error);
  if (catalog == NULL)
    message = error->message;
  else
    {
      GPtrArray *problems = tongban_catalog_get_problems (catalog);

      g_assert_cmpuint (problems->len, ==, 1);
      message = g_ptr_array_index (problems, 0);
      g_assert_null (tongban_catalog_lookup_service (catalog, "S-1") == NULL ? NULL :
                     strstr (message, "\"S-1\"") ? "S-1 should be hidden" : NULL);
    }
  if (strstr (message, expected_message) == NULL)
    g_error ("expected \"%s\" in \"%s\"", expected_message, message);
}

#define DEPT "\"departments\": [{\"id\": \"d\", \"region\": \"gd\", \"title\": \"D\"}]"
#define FLOW "\"flow\": [{\"id\": \"r\", \"type\": \"rating\"}]"
#define SERVICE(extra) \
  "{" DEPT ", \"services\": [{\"id\": \"S-1\", \"category\": \"gd-basic\", " \
  "\"department\": \"d\", \"title\": \"T\", \"summary\": \"S\", \"applicant\": \"person\", " \
  "\"auth\": [], \"devices\": [], " FLOW extra "}]}"

static void
test_refuses_broken (void)
{
  assert_refused ("{", "services.json:");
  assert_refused ("[]", "services.json: the top level must be an object");
  assert_refused ("{" DEPT "}", "services.json: \"services\" must be a list");
  assert_refused ("{" DEPT ", \"services\": [{\"id\": \"S-1\"}]}",
                  "services.json: services \"S-1\": \"category\" is missing");
  assert_refused ("{" DEPT ", \"services\": [{\"id\": \"S-1\", \"category\": \"nowhere\","
                  "\"department\": \"d\", \"title\": \"T\", \"summary\": \"S\","
                  "\"applicant\": \"person\", \"auth\": [], \"devices\": []," FLOW "}]}",
                  "services \"S-1\": category \"nowhere\" does not exist");
  assert_refused ("{" DEPT ", \"services\": [{\"id\": \"S-1\", \"category\": \"gd-basic\","
                  "\"department\": \"d\", \"title\": \"T\", \"summary\": \"S\","
                  "\"applicant\": \"person\", \"auth\": [\"password\"], \"devices\": []}]}",
                  "\"auth\" has unknown value \"password\"");
  assert_refused ("{" DEPT ", \"services\": [{\"id\": \"S-1\", \"category\": \"gd-basic\","
                  "\"department\": \"d\", \"title\": 7, \"summary\": \"S\","
                  "\"applicant\": \"person\", \"auth\": [], \"devices\": []}]}",
                  "\"title\" must be text");
  assert_refused ("{" DEPT ", \"services\": [{\"id\": \"S-1\", \"category\": \"hk-tax\","
                  "\"department\": \"d\", \"title\": \"T\", \"summary\": \"S\","
                  "\"applicant\": \"person\", \"auth\": [], \"devices\": []," FLOW "}]}",
                  "department \"d\" is not in region \"hk\"");
  assert_refused ("{" DEPT ", \"services\": [42]}", "services.json: services[0]: must be an object");
  assert_refused (SERVICE (", \"flow\": []"), "\"flow\" has no steps");
  assert_refused ("{" DEPT ", \"services\": [{\"id\": \"S-1\", \"category\": \"gd-basic\","
                  "\"department\": \"d\", \"title\": \"T\", \"summary\": \"S\","
                  "\"applicant\": \"person\", \"auth\": [\"qr\"], \"devices\": [],"
                  "\"flow\": [{\"id\": \"f\", \"type\": \"form\", \"title\": \"F\", \"fields\":"
                  "[{\"id\": \"x\", \"type\": \"text\", \"label\": \"X\"}]},"
                  "{\"id\": \"r\", \"type\": \"rating\"}]}]}",
                  "\"flow\" must begin with the auth step");
  assert_refused ("{" DEPT ", \"services\": [{\"id\": \"S-1\", \"category\": \"gd-basic\","
                  "\"department\": \"d\", \"title\": \"T\", \"summary\": \"S\","
                  "\"applicant\": \"person\", \"auth\": [], \"devices\": [],"
                  "\"flow\": [{\"id\": \"f\", \"type\": \"form\", \"title\": \"F\", \"fields\":"
                  "[{\"id\": \"x\", \"type\": \"text\", \"label\": \"X\"}]},"
                  "{\"id\": \"s\", \"type\": \"submit\", \"operation\": \"o.apply\"},"
                  "{\"id\": \"r\", \"type\": \"rating\"}]}]}",
                  "step \"s\": answers must be reviewed before they are submitted");
  assert_refused ("{" DEPT ", \"services\": [{\"id\": \"S-1\", \"category\": \"gd-basic\","
                  "\"department\": \"d\", \"title\": \"T\", \"summary\": \"S\","
                  "\"applicant\": \"person\", \"auth\": [], \"devices\": [],"
                  "\"flow\": [{\"id\": \"c\", \"type\": \"choose\", \"title\": \"C\", \"options\":"
                  "[{\"value\": \"a\", \"label\": \"A\", \"next\": \"nowhere\"},"
                  "{\"value\": \"b\", \"label\": \"B\"}]},"
                  "{\"id\": \"r\", \"type\": \"rating\"}]}]}",
                  "step \"c\": option \"a\" leads to no step \"nowhere\"");
}

/* The shipped categories with a services.json whose text is @services. */
static TongbanCatalog *
load_services (const char *services)
{
  g_autofree char *cpath = source_path ("categories.json");
  g_autofree char *cdata = NULL;
  gsize clen;
  g_autoptr(GBytes) cbytes = NULL;
  g_autoptr(GBytes) sbytes = g_bytes_new_static (services, strlen (services));
  g_autoptr(GError) error = NULL;
  TongbanCatalog *catalog;

  g_assert_true (g_file_get_contents (cpath, &cdata, &clen, NULL));
  cbytes = g_bytes_new_take (g_steal_pointer (&cdata), clen);
  catalog = tongban_catalog_new_from_data (cbytes, sbytes, &error);
  g_assert_no_error (error);
  return catalog;
}

static void
test_minimal_valid (void)
{
  g_autoptr(TongbanCatalog) catalog = load_services (SERVICE (""));

  g_assert_cmpstr (tongban_catalog_lookup_service (catalog, "S-1")->region, ==, "gd");
}

#define PAY_SERVICE(fee, methods) \
  "{" DEPT ", \"services\": [{\"id\": \"S-1\", \"category\": \"gd-basic\"," \
  "\"department\": \"d\", \"title\": \"T\", \"summary\": \"S\"," \
  "\"applicant\": \"person\", \"auth\": [], \"devices\": []," \
  "\"flow\": [{\"id\": \"p\", \"type\": \"pay\", \"title\": \"P\"" fee methods "}," \
  "{\"id\": \"r\", \"type\": \"rating\"}]}]}"
#define GOOD_FEE ", \"fee\": {\"amount\": \"295\", \"currency\": \"HKD\", \"item\": \"I\"}"
#define BOTH ", \"methods\": [\"bank-card\", \"qr\"]"

/* A pay step: its fee is normalised to two decimals; what it cannot be is refused. */
static void
test_pay_step (void)
{
  g_autoptr(TongbanCatalog) catalog =
    load_services (PAY_SERVICE (", \"fee\": {\"amount\": \"12.5\", \"currency\": \"MOP\","
                                " \"item\": \"I\"}", BOTH));
  const TongbanStep *step;

  step = tongban_service_find_step (tongban_catalog_lookup_service (catalog, "S-1"), "p", NULL);
  g_assert_nonnull (step);
  g_assert_cmpint (step->type, ==, TONGBAN_STEP_PAY);
  g_assert_cmpstr (step->pay_fee->amount, ==, "12.50");
  g_assert_cmpstr (step->pay_fee->currency, ==, "MOP");
  g_assert_cmpstr (step->pay_fee->item, ==, "I");
  g_assert_cmpuint (g_strv_length (step->methods), ==, 2);
  g_assert_cmpstr (tongban_step_type_to_string (step->type), ==, "pay");

  assert_refused (PAY_SERVICE ("", BOTH), "step \"p\": a payment needs a \"fee\"");
  assert_refused (PAY_SERVICE (", \"fee\": \"HK$295\"", BOTH), "a payment needs a \"fee\"");
  assert_refused (PAY_SERVICE (", \"fee\": {\"amount\": \"29.555\", \"currency\": \"HKD\","
                               " \"item\": \"I\"}", BOTH),
                  "fee amount \"29.555\" is not a decimal");
  assert_refused (PAY_SERVICE (", \"fee\": {\"amount\": \"-5\", \"currency\": \"HKD\","
                               " \"item\": \"I\"}", BOTH), "fee amount \"-5\"");
  assert_refused (PAY_SERVICE (", \"fee\": {\"amount\": \"5\", \"currency\": \"USD\","
                               " \"item\": \"I\"}", BOTH), "fee currency \"USD\"");
  assert_refused (PAY_SERVICE (", \"fee\": {\"amount\": \"5\", \"currency\": \"HKD\"}", BOTH),
                  "\"item\" is missing");
  assert_refused (PAY_SERVICE (GOOD_FEE, ""), "\"methods\" must list how to pay");
  assert_refused (PAY_SERVICE (GOOD_FEE, ", \"methods\": [\"cash\"]"),
                  "\"methods\" may hold only bank-card and qr");
  assert_refused (PAY_SERVICE (GOOD_FEE, ", \"methods\": [\"qr\", \"qr\"]"),
                  "method \"qr\" is listed twice");
  /* A fee is paid only for answers the citizen has checked. */
  assert_refused ("{" DEPT ", \"services\": [{\"id\": \"S-1\", \"category\": \"gd-basic\","
                  "\"department\": \"d\", \"title\": \"T\", \"summary\": \"S\","
                  "\"applicant\": \"person\", \"auth\": [], \"devices\": [],"
                  "\"flow\": [{\"id\": \"f\", \"type\": \"form\", \"title\": \"F\", \"fields\":"
                  "[{\"id\": \"x\", \"type\": \"text\", \"label\": \"X\"}]},"
                  "{\"id\": \"p\", \"type\": \"pay\", \"title\": \"P\"" GOOD_FEE BOTH "},"
                  "{\"id\": \"r\", \"type\": \"rating\"}]}]}",
                  "step \"p\": answers must be reviewed before the fee is paid");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kiosk/catalog/all-services", test_all_services);
  g_test_add_func ("/kiosk/catalog/categories", test_categories);
  g_test_add_func ("/kiosk/catalog/refuses-broken", test_refuses_broken);
  g_test_add_func ("/kiosk/catalog/minimal-valid", test_minimal_valid);
  g_test_add_func ("/kiosk/catalog/pay-step", test_pay_step);
  return g_test_run ();
}
