/* test-validate.c: identity numbers and the other field checks */

#include "tongban-validate.h"

static void
assert_ok (const char *message,
           char       *normal,
           const char *expected)
{
  g_assert_null (message);
  g_assert_cmpstr (normal, ==, expected);
  g_free (normal);
}

#define ASSERT_OK(expr, expected) \
  G_STMT_START { const char *m_; n = NULL; m_ = (expr); assert_ok (m_, n, (expected)); } G_STMT_END

static void
test_cn_id (void)
{
  char *n = NULL;

  ASSERT_OK (tongban_validate_cn_id ("11010519491231002X", &n), "11010519491231002X");
  ASSERT_OK (tongban_validate_cn_id ("11010519491231002x", &n), "11010519491231002X");
  ASSERT_OK (tongban_validate_cn_id ("440308 19990110 1512", &n), "440308199901101512");
  /* Full-width digits, as some input methods type them. */
  ASSERT_OK (tongban_validate_cn_id ("４４０３０８１９９９０１１０１５１２", &n),
             "440308199901101512");
  g_assert_cmpstr (tongban_validate_cn_id ("110105194912310021", NULL), ==,
                   "This identity card number is not right. Check it against your card.");
  g_assert_cmpstr (tongban_validate_cn_id ("110105194913310029", NULL), ==,
                   "This identity card number is not right. Check it against your card.");
  g_assert_cmpstr (tongban_validate_cn_id ("990105194912310021", NULL), ==,
                   "This identity card number is not right. Check it against your card.");
  g_assert_cmpstr (tongban_validate_cn_id ("1101051949123100", NULL), ==,
                   "An identity card number has 18 characters: 17 digits, then a digit or X.");
  g_assert_cmpstr (tongban_validate_cn_id ("", NULL), ==, "Enter the identity card number.");
  g_assert_nonnull (tongban_validate_cn_id ("11010520991231002X", NULL)); /* born in the future */
}

static void
test_hkid (void)
{
  char *n = NULL;

  ASSERT_OK (tongban_validate_hkid ("A123456(3)", &n), "A123456(3)");
  ASSERT_OK (tongban_validate_hkid ("a1234563", &n), "A123456(3)");
  ASSERT_OK (tongban_validate_hkid ("AB987654(3)", &n), "AB987654(3)");
  ASSERT_OK (tongban_validate_hkid ("Z683365(A)", &n), "Z683365(A)");
  g_assert_cmpstr (tongban_validate_hkid ("A123456(4)", NULL), ==,
                   "This Hong Kong identity card number is not right. Check it against your card.");
  g_assert_cmpstr (tongban_validate_hkid ("123456(3)", NULL), ==,
                   "A Hong Kong identity card number is one or two letters, six digits and a "
                   "check digit, like A123456(3).");
  g_assert_nonnull (tongban_validate_hkid ("A12345(3)", NULL));
}

static void
test_mo_id_and_brn (void)
{
  char *n = NULL;

  ASSERT_OK (tongban_validate_mo_id ("1234567(8)", &n), "1234567(8)");
  ASSERT_OK (tongban_validate_mo_id ("5 123 456 7", &n), "5123456(7)");
  g_assert_nonnull (tongban_validate_mo_id ("3234567(8)", NULL));
  g_assert_nonnull (tongban_validate_mo_id ("123456(7)", NULL));

  ASSERT_OK (tongban_validate_hk_brn ("12345678", &n), "12345678");
  ASSERT_OK (tongban_validate_hk_brn ("12345678-000-01-24-6", &n), "12345678");
  g_assert_nonnull (tongban_validate_hk_brn ("1234567", NULL));
  g_assert_nonnull (tongban_validate_hk_brn ("1234567A", NULL));
}

static void
test_phone_email_date (void)
{
  char *n = NULL;

  ASSERT_OK (tongban_validate_phone ("138 0013 8000", "gd", &n), "13800138000");
  ASSERT_OK (tongban_validate_phone ("9123 4567", "hk", &n), "91234567");
  ASSERT_OK (tongban_validate_phone ("+852 9123 4567", "gd", &n), "91234567");
  ASSERT_OK (tongban_validate_phone ("66123456", "mo", &n), "66123456");
  g_assert_cmpstr (tongban_validate_phone ("12800138000", "gd", NULL), ==,
                   "Enter the 11-digit mobile number, starting with 1.");
  g_assert_cmpstr (tongban_validate_phone ("41234567", "hk", NULL), ==,
                   "Enter the 8-digit phone number.");
  g_assert_cmpstr (tongban_validate_phone ("9123-45a7", "hk", NULL), ==,
                   "A phone number has digits only.");

  ASSERT_OK (tongban_validate_email (" chan@example.com ", &n), "chan@example.com");
  g_assert_nonnull (tongban_validate_email ("chan@example", NULL));
  g_assert_nonnull (tongban_validate_email ("chan@@example.com", NULL));
  g_assert_nonnull (tongban_validate_email ("@example.com", NULL));

  ASSERT_OK (tongban_validate_date ("2024-02-29", &n), "2024-02-29");
  ASSERT_OK (tongban_validate_date ("2026-3-1", &n), "2026-03-01");
  g_assert_nonnull (tongban_validate_date ("2026-02-29", NULL));
  g_assert_nonnull (tongban_validate_date ("31/03/2026", NULL));
  g_assert_nonnull (tongban_validate_date ("2026-03-31x", NULL));
}

static void
test_amount_number (void)
{
  char *n = NULL;

  ASSERT_OK (tongban_validate_amount ("1,200.5", 0, &n), "1200.50");
  ASSERT_OK (tongban_validate_amount ("18000", 18000, &n), "18000.00");
  g_assert_cmpstr (tongban_validate_amount ("18000.01", 18000, NULL), ==,
                   "This amount is larger than this service accepts.");
  g_assert_nonnull (tongban_validate_amount ("12.345", 0, NULL));
  g_assert_nonnull (tongban_validate_amount ("-5", 0, NULL));
  g_assert_nonnull (tongban_validate_amount ("1e5", 0, NULL));
  g_assert_nonnull (tongban_validate_amount ("abc", 0, NULL));

  ASSERT_OK (tongban_validate_number ("12", 1, 20, &n), "12");
  g_assert_nonnull (tongban_validate_number ("21", 1, 20, NULL));
  g_assert_nonnull (tongban_validate_number ("1.5", 1, 20, NULL));
}

static void
test_field_types (void)
{
  TongbanFieldType t;

  for (guint i = 0; i < TONGBAN_N_FIELD_TYPES; i++)
    {
      g_assert_true (tongban_field_type_from_string (tongban_field_type_to_string (i), &t));
      g_assert_cmpint (t, ==, i);
    }
  g_assert_false (tongban_field_type_from_string ("colour", &t));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kiosk/validate/cn-id", test_cn_id);
  g_test_add_func ("/kiosk/validate/hkid", test_hkid);
  g_test_add_func ("/kiosk/validate/mo-id-and-brn", test_mo_id_and_brn);
  g_test_add_func ("/kiosk/validate/phone-email-date", test_phone_email_date);
  g_test_add_func ("/kiosk/validate/amount-number", test_amount_number);
  g_test_add_func ("/kiosk/validate/field-types", test_field_types);
  return g_test_run ();
}
