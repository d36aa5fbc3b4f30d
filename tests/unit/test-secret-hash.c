/* test-secret-hash.c: SM3 and PBKDF2-SM3 PIN hashes */

#include <string.h>
#include "tongban-secret-hash.h"

static void
test_sm3_vector (void)
{
  /* GB/T 32905-2016, appendix A.1 */
  static const guint8 expected[32] = {
    0x66, 0xc7, 0xf0, 0xf4, 0x62, 0xee, 0xed, 0xd9, 0xd1, 0xf2, 0xd4, 0x6b, 0xdc, 0x10, 0xe4, 0xe2,
    0x41, 0x67, 0xc4, 0x87, 0x5c, 0xf2, 0xf7, 0xa2, 0x29, 0x7d, 0xa0, 0x2b, 0x8f, 0x4b, 0xa8, 0xe0,
  };
  guint8 out[32];

  g_assert_true (tongban_sm3 ((const guint8 *) "abc", 3, out));
  g_assert_cmpmem (out, 32, expected, 32);
}

static void
test_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = tongban_secret_hash_new ("246810", 10000, &error);
  g_autofree char *other = tongban_secret_hash_new ("246810", 10000, &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hash, "pbkdf2-sm3$10000$"));
  /* Salted: the same PIN never hashes the same way twice. */
  g_assert_cmpstr (hash, !=, other);
  g_assert_true (tongban_secret_hash_check_format (hash, &error));
  g_assert_true (tongban_secret_hash_verify (hash, "246810", &error));
  g_assert_no_error (error);
  g_assert_false (tongban_secret_hash_verify (hash, "246811", &error));
  g_assert_error (error, TONGBAN_SECRET_HASH_ERROR, TONGBAN_SECRET_HASH_ERROR_MISMATCH);
}

static void
test_malformed (void)
{
  static const char *bad[] = {
    "",
    "246810",
    "pbkdf2-sha256$10000$c2FsdHNhbHQ=$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "pbkdf2-sm3$10$c2FsdHNhbHQ=$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "pbkdf2-sm3$abc$c2FsdHNhbHQ=$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "pbkdf2-sm3$10000$$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "pbkdf2-sm3$10000$c2FsdHNhbHQ=$AAAA",
    "pbkdf2-sm3$10000$c2FsdHNhbHQ=$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=$extra",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (tongban_secret_hash_check_format (bad[i], &error));
      g_assert_error (error, TONGBAN_SECRET_HASH_ERROR, TONGBAN_SECRET_HASH_ERROR_MALFORMED);
      g_clear_error (&error);
      g_assert_false (tongban_secret_hash_verify (bad[i], "246810", &error));
      g_assert_error (error, TONGBAN_SECRET_HASH_ERROR, TONGBAN_SECRET_HASH_ERROR_MALFORMED);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/common/secret-hash/sm3-vector", test_sm3_vector);
  g_test_add_func ("/common/secret-hash/roundtrip", test_roundtrip);
  g_test_add_func ("/common/secret-hash/malformed", test_malformed);
  return g_test_run ();
}
