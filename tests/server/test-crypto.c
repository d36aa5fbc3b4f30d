/* test-crypto.c: the shared national-algorithm helpers, request signing, envelope, codes */

#include <string.h>
#include <openssl/evp.h>

#include "tongban-envelope.h"
#include "tongban-mask.h"
#include "tongban-region-code.h"
#include "tongban-request-sign.h"
#include "tongban-sm.h"

static void
test_sm3_vector (void)
{
  g_autofree char *h = tongban_sm3_hex ("abc", 3);

  /* GB/T 32905-2016 appendix A example 1 */
  g_assert_cmpstr (h, ==, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

static void
test_hmac_sm3 (void)
{
  const guint8 key[] = "key one";
  const guint8 key2[] = "key two";
  g_autofree char *a = tongban_hmac_sm3_hex (key, 7, "payload", 7);
  g_autofree char *b = tongban_hmac_sm3_hex (key2, 7, "payload", 7);
  g_autofree char *c = tongban_hmac_sm3_hex (key, 7, "payloaD", 7);
  g_autofree char *again = tongban_hmac_sm3_hex (key, 7, "payload", 7);
  guint8 raw[32];
  size_t n = 0;

  g_assert_cmpuint (strlen (a), ==, 64);
  g_assert_cmpstr (a, ==, again);
  {
    /* From `openssl mac -digest SM3 -macopt key:key HMAC` (the command line tool). */
    g_autofree char *fox = tongban_hmac_sm3_hex ((const guint8 *) "key", 3,
                                                 "The quick brown fox jumps over the lazy dog", 43);

    g_assert_cmpstr (fox, ==, "bd4a34077888162b210645b8ebf74b9af357303789357a27c7fc457244ebd398");
  }
  g_assert_cmpstr (a, !=, b);
  g_assert_cmpstr (a, !=, c);
  /* Independent computation through OpenSSL's EVP_MAC path. */
  g_assert_nonnull (EVP_Q_mac (NULL, "HMAC", NULL, "SM3", NULL, key, 7, (const guint8 *) "payload", 7, raw,
                               sizeof raw, &n));
  for (int i = 0; i < 32; i++)
    {
      char hex[3];
      g_snprintf (hex, sizeof hex, "%02x", raw[i]);
      g_assert_cmpint (strncmp (a + 2 * i, hex, 2), ==, 0);
    }
}

static void
test_sm2_sign_verify (void)
{
  g_autoptr(EVP_PKEY) key = tongban_sm2_generate ();
  g_autoptr(EVP_PKEY) other = tongban_sm2_generate ();
  g_autofree char *pub = tongban_sm2_public_to_base64 (key);
  g_autoptr(EVP_PKEY) pub_only = tongban_sm2_public_from_base64 (pub);
  g_autofree guint8 *sig = NULL;
  const char *msg = "tongban-login\nGZ-0001\nabc";
  gsize len = 0;

  g_assert_nonnull (key);
  g_assert_nonnull (pub_only);
  g_assert_true (tongban_sm2_sign (key, msg, strlen (msg), &sig, &len));
  g_assert_true (tongban_sm2_verify (pub_only, msg, strlen (msg), sig, len));
  g_assert_false (tongban_sm2_verify (pub_only, msg, strlen (msg) - 1, sig, len));
  g_assert_false (tongban_sm2_verify (other, msg, strlen (msg), sig, len));
  sig[len / 2] ^= 1;
  g_assert_false (tongban_sm2_verify (pub_only, msg, strlen (msg), sig, len));
  g_assert_false (tongban_sm2_verify (pub_only, msg, strlen (msg), (const guint8 *) "x", 1));
}

/* A signature made with OpenSSL 3.0's default (empty) ID must not verify: proof that the
 * helpers really use 1234567812345678. */
static void
test_sm2_distid (void)
{
  g_autoptr(EVP_PKEY) key = tongban_sm2_generate ();
  EVP_MD_CTX *mctx = EVP_MD_CTX_new ();
  guint8 sig[128];
  size_t len = sizeof sig;

  g_assert_cmpint (EVP_DigestSignInit (mctx, NULL, EVP_sm3 (), NULL, key), ==, 1);
  g_assert_cmpint (EVP_DigestSign (mctx, sig, &len, (const guint8 *) "m", 1), ==, 1);
  EVP_MD_CTX_free (mctx);
  g_assert_false (tongban_sm2_verify (key, "m", 1, sig, len));
}

static void
test_sm2_pubkey_parse (void)
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL);
  EVP_PKEY *p256 = NULL;
  g_autofree char *b64 = NULL;
  g_autoptr(EVP_PKEY) parsed = NULL;

  g_assert_null (tongban_sm2_public_from_base64 ("not base64 at all"));
  g_assert_null (tongban_sm2_public_from_base64 (""));
  g_assert_null (tongban_sm2_public_from_base64 ("AAAA"));
  /* A NIST P-256 key is not an SM2 key. */
  EVP_PKEY_keygen_init (ctx);
  EVP_PKEY_CTX_set_group_name (ctx, "P-256");
  g_assert_cmpint (EVP_PKEY_generate (ctx, &p256), ==, 1);
  b64 = tongban_sm2_public_to_base64 (p256);
  parsed = tongban_sm2_public_from_base64 (b64);
  g_assert_null (parsed);
  EVP_PKEY_free (p256);
  EVP_PKEY_CTX_free (ctx);
}

static void
test_sm2_encrypt (void)
{
  g_autoptr(EVP_PKEY) key = tongban_sm2_generate ();
  g_autoptr(EVP_PKEY) other = tongban_sm2_generate ();
  const guint8 secret[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  g_autoptr(GBytes) sealed = tongban_sm2_encrypt (key, secret, sizeof secret);
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(GBytes) wrong = NULL;

  g_assert_nonnull (sealed);
  opened = tongban_sm2_decrypt (key, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
  g_assert_nonnull (opened);
  g_assert_cmpmem (g_bytes_get_data (opened, NULL), g_bytes_get_size (opened), secret,
                   sizeof secret);
  wrong = tongban_sm2_decrypt (other, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
  g_assert_null (wrong);
}

static void
test_sm4_gcm (void)
{
  const guint8 key[16] = "0123456789abcdef";
  const guint8 bad_key[16] = "0123456789abcdeF";
  const char *plain = "back-end password: S3cret!";
  g_autoptr(GBytes) sealed = tongban_sm4_gcm_encrypt (key, (const guint8 *) plain, strlen (plain),
                                                      (const guint8 *) "id=1", 4);
  g_autoptr(GBytes) again = tongban_sm4_gcm_encrypt (key, (const guint8 *) plain, strlen (plain),
                                                     (const guint8 *) "id=1", 4);
  g_autoptr(GBytes) opened = NULL;
  g_autofree guint8 *copy = NULL;
  gsize len;

  g_assert_nonnull (sealed);
  len = g_bytes_get_size (sealed);
  g_assert_cmpuint (len, ==, strlen (plain) + 12 + 16);
  /* Fresh IV each time. */
  g_assert_false (g_bytes_equal (sealed, again));
  opened = tongban_sm4_gcm_decrypt (key, g_bytes_get_data (sealed, NULL), len,
                                    (const guint8 *) "id=1", 4);
  g_assert_nonnull (opened);
  g_assert_cmpmem (g_bytes_get_data (opened, NULL), g_bytes_get_size (opened), plain,
                   strlen (plain));
  g_assert_null (tongban_sm4_gcm_decrypt (bad_key, g_bytes_get_data (sealed, NULL), len,
                                          (const guint8 *) "id=1", 4));
  g_assert_null (tongban_sm4_gcm_decrypt (key, g_bytes_get_data (sealed, NULL), len,
                                          (const guint8 *) "id=2", 4));
  copy = g_memdup2 (g_bytes_get_data (sealed, NULL), len);
  copy[14] ^= 0x80;
  g_assert_null (tongban_sm4_gcm_decrypt (key, copy, len, (const guint8 *) "id=1", 4));
  g_assert_null (tongban_sm4_gcm_decrypt (key, copy, 10, NULL, 0));
}

static void
test_request_sign (void)
{
  /* Last byte non-zero: HMAC zero-pads keys, so a trailing zero would not matter. */
  const guint8 key[32] = { 42, [31] = 7 };
  const char *body = "{\"a\":1}";
  g_autofree char *sig = tongban_request_sign (key, sizeof key, "POST", "/api/terminal/v1/heartbeat",
                                               1700000000, "0123456789abcdef", body, strlen (body));
  g_autofree char *upper = g_ascii_strup (sig, -1);
  g_autofree char *canon = tongban_request_canonical ("GET", "/x", 5, "n", NULL, 0);

  g_assert_cmpstr (canon, ==, "GET\n/x\n5\nn\n"
                   "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b");
  g_assert_true (tongban_request_verify (key, sizeof key, "POST", "/api/terminal/v1/heartbeat",
                                         1700000000, "0123456789abcdef", body, strlen (body), sig));
  g_assert_true (tongban_request_verify (key, sizeof key, "POST", "/api/terminal/v1/heartbeat",
                                         1700000000, "0123456789abcdef", body, strlen (body), upper));
  /* Each signed part matters. */
  g_assert_false (tongban_request_verify (key, sizeof key, "GET", "/api/terminal/v1/heartbeat",
                                          1700000000, "0123456789abcdef", body, strlen (body), sig));
  g_assert_false (tongban_request_verify (key, sizeof key, "POST", "/api/terminal/v1/events",
                                          1700000000, "0123456789abcdef", body, strlen (body), sig));
  g_assert_false (tongban_request_verify (key, sizeof key, "POST", "/api/terminal/v1/heartbeat",
                                          1700000001, "0123456789abcdef", body, strlen (body), sig));
  g_assert_false (tongban_request_verify (key, sizeof key, "POST", "/api/terminal/v1/heartbeat",
                                          1700000000, "0123456789abcdeF", body, strlen (body), sig));
  g_assert_false (tongban_request_verify (key, sizeof key, "POST", "/api/terminal/v1/heartbeat",
                                          1700000000, "0123456789abcdef", "{\"a\":2}", 7, sig));
  g_assert_false (tongban_request_verify (key, 31, "POST", "/api/terminal/v1/heartbeat",
                                          1700000000, "0123456789abcdef", body, strlen (body), sig));
  g_assert_false (tongban_request_verify (key, sizeof key, "POST", "/api/terminal/v1/heartbeat",
                                          1700000000, "0123456789abcdef", body, strlen (body), "00"));
  g_assert_false (tongban_request_verify (key, sizeof key, "POST", "/", 1, "n", NULL, 0, NULL));
}

static void
test_nonce (void)
{
  g_autofree char *a = tongban_nonce_new ();
  g_autofree char *b = tongban_nonce_new ();

  g_assert_true (tongban_nonce_is_valid (a));
  g_assert_cmpstr (a, !=, b);
  g_assert_false (tongban_nonce_is_valid ("short"));
  g_assert_false (tongban_nonce_is_valid ("0123456789abcdef'; DROP TABLE x;--"));
  g_assert_false (tongban_nonce_is_valid (NULL));
}

static void
test_envelope (void)
{
  g_autofree char *err = tongban_envelope_error (TONGBAN_CODE_INVALID_FIELD, "number", "too long");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  TongbanCode code = 0;
  JsonObject *data;

  root = tongban_envelope_parse (err, -1, &code, &error);
  g_assert_no_error (error);
  g_assert_cmpint (code, ==, TONGBAN_CODE_INVALID_FIELD);
  data = json_object_get_object_member (json_node_get_object (root), "data");
  g_assert_cmpstr (json_object_get_string_member (data, "field"), ==, "number");
  g_assert_cmpstr (json_object_get_string_member (data, "reason"), ==, "too long");
  g_assert_true (json_object_has_member (json_node_get_object (root), "ext"));
  g_assert_null (tongban_envelope_parse ("[1]", -1, &code, NULL));
  g_assert_null (tongban_envelope_parse ("{\"code\":\"0\",\"message\":\"\",\"data\":null}", -1,
                                         &code, NULL));
  g_assert_cmpuint (tongban_code_http_status (TONGBAN_CODE_TOO_LARGE), ==, 413);
  g_assert_cmpuint (tongban_code_http_status (TONGBAN_CODE_REPLAY), ==, 401);
  g_assert_cmpuint (tongban_code_http_status (TONGBAN_CODE_TERMINAL_LOCKED), ==, 403);
}

static void
test_json_checks (void)
{
  g_autoptr(JsonParser) p = json_parser_new ();
  const char *s = NULL, *reason = NULL, *bad = NULL;
  const char * const allowed[] = { "a", "n", "c", NULL };
  gint64 v = 0;
  JsonObject *o;

  g_assert_true (json_parser_load_from_data (p, "{\"a\":\"x\",\"n\":5,\"c\":\"x\\u0001\",\"z\":1}",
                                             -1, NULL));
  o = json_node_get_object (json_parser_get_root (p));
  g_assert_true (tongban_json_get_string (o, "a", TRUE, 10, &s, &reason));
  g_assert_cmpstr (s, ==, "x");
  g_assert_false (tongban_json_get_string (o, "n", TRUE, 10, &s, &reason));
  g_assert_cmpstr (reason, ==, "must be a string");
  g_assert_false (tongban_json_get_string (o, "c", TRUE, 10, &s, &reason));
  g_assert_false (tongban_json_get_string (o, "missing", TRUE, 10, &s, &reason));
  g_assert_cmpstr (reason, ==, "required");
  g_assert_true (tongban_json_get_string (o, "missing", FALSE, 10, &s, &reason));
  g_assert_false (tongban_json_get_string (o, "a", TRUE, 0, &s, &reason));
  g_assert_true (tongban_json_get_int (o, "n", TRUE, 0, 10, &v, &reason));
  g_assert_cmpint (v, ==, 5);
  g_assert_false (tongban_json_get_int (o, "n", TRUE, 6, 10, &v, &reason));
  g_assert_false (tongban_json_get_int (o, "a", TRUE, 0, 10, &v, &reason));
  g_assert_false (tongban_json_only_fields (o, allowed, &bad));
  g_assert_cmpstr (bad, ==, "z");
}

static void
test_region_codes (void)
{
  g_assert_true (tongban_region_code_is_valid ("440106"));
  g_assert_true (tongban_region_code_is_valid ("441900003"));
  g_assert_false (tongban_region_code_is_valid ("44010"));
  g_assert_false (tongban_region_code_is_valid ("44010a"));
  g_assert_false (tongban_region_code_is_valid ("440106' OR 1=1"));
  g_assert_false (tongban_region_code_is_valid (NULL));
  g_assert_cmpint (tongban_region_level_guess ("440000"), ==, TONGBAN_REGION_PROVINCE);
  g_assert_cmpint (tongban_region_level_guess ("810000"), ==, TONGBAN_REGION_SAR);
  g_assert_cmpint (tongban_region_level_guess ("440300"), ==, TONGBAN_REGION_CITY);
  g_assert_cmpint (tongban_region_level_guess ("440304"), ==, TONGBAN_REGION_DISTRICT);
  g_assert_cmpint (tongban_region_level_guess ("810005"), ==, TONGBAN_REGION_DISTRICT);
  g_assert_cmpint (tongban_region_level_guess ("442000001"), ==, TONGBAN_REGION_TOWN);
  g_assert_cmpint (tongban_region_level_parse ("city"), ==, TONGBAN_REGION_CITY);
  g_assert_cmpint (tongban_region_level_parse ("City"), ==, TONGBAN_REGION_INVALID);
  g_assert_cmpstr (tongban_region_level_name (TONGBAN_REGION_TOWN), ==, "town");
}

static void
test_mask (void)
{
  const struct { char *got; const char *want; } cases[] = {
    { tongban_mask_id ("440106199001011234"), "4401**********1234" },
    { tongban_mask_phone ("13800138000"), "138****8000" },
    { tongban_mask_name ("张三丰"), "张**" },
    { tongban_mask_name ("王"), "*" },
    { tongban_mask_id ("A123456(7)"), "A123**6(7)" },
    { tongban_mask ("abc", 2, 2), "***" },
    { tongban_mask ("\xff\xfe", 1, 1), "" },
    { tongban_mask (NULL, 1, 1), "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpstr (cases[i].got, ==, cases[i].want);
      g_free (cases[i].got);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/common/sm3/vector", test_sm3_vector);
  g_test_add_func ("/common/hmac-sm3", test_hmac_sm3);
  g_test_add_func ("/common/sm2/sign-verify", test_sm2_sign_verify);
  g_test_add_func ("/common/sm2/distinguishing-id", test_sm2_distid);
  g_test_add_func ("/common/sm2/public-key-parse", test_sm2_pubkey_parse);
  g_test_add_func ("/common/sm2/encrypt", test_sm2_encrypt);
  g_test_add_func ("/common/sm4-gcm", test_sm4_gcm);
  g_test_add_func ("/common/request-sign", test_request_sign);
  g_test_add_func ("/common/nonce", test_nonce);
  g_test_add_func ("/common/envelope", test_envelope);
  g_test_add_func ("/common/json-checks", test_json_checks);
  g_test_add_func ("/common/region-codes", test_region_codes);
  g_test_add_func ("/common/mask", test_mask);
  return g_test_run ();
}
