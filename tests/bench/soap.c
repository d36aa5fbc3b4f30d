/* soap.c: the cost of WS-Security on one SOAP call (common/tongban-soap.c)
 *
 * For a request of the size the gateway sends (si.info with a citizen and a few step
 * answers): building and signing it (SM2/SM3), and parsing and verifying it on the other
 * side; then the same with RSA-SHA256, the third-party path. Median and 95th percentile
 * of many rounds, in microseconds, with the canonical Body's size.
 *
 * Prints figures; never fails on a time.
 */

#include <string.h>

#include "tongban-sm.h"
#include "tongban-soap.h"

#define ROUNDS 400

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static JsonObject *
params (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser,
    "{\"request_id\":\"0123456789abcdef0123456789abcdef\",\"terminal\":\"T-440106-0001\","
    "\"service\":\"F-HK-01\",\"citizen\":{\"id_type\":\"hk-id\",\"id_number\":\"A1234563\","
    "\"name\":\"CHAN Tai Man\",\"method\":\"permit\"},\"params\":{\"taxpayer\":{\"hkid\":"
    "\"A1234563\",\"name\":\"CHAN Tai Man\",\"phone\":\"+852 9123 4567\",\"address\":"
    "\"Flat 12A, 8 Harbour Road, Wan Chai\"},\"income\":{\"employer\":\"Harbour Trading Ltd\","
    "\"salary\":\"420000\",\"from\":\"2025-04-01\",\"to\":\"2026-03-31\"}}}", -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
run (const char *label,
     EVP_PKEY   *key,
     X509       *cert)
{
  g_autoptr(JsonObject) call = params ();
  g_autoptr(TongbanSoapKeyring) ring = tongban_soap_keyring_new ();
  g_autofree char *name = tongban_soap_key_name (key);
  double sign_us[ROUNDS], verify_us[ROUNDS];
  gsize xml_len = 0, body_len = 0;

  tongban_soap_keyring_add (ring, name, key);
  for (guint i = 0; i < ROUNDS; i++)
    {
      gint64 t0 = g_get_monotonic_time (), t1, t2;
      g_autoptr(TongbanSoapMessage) msg =
        tongban_soap_message_new (TONGBAN_SOAP_11, "urn:gba:tongban:backend:hk-ird", "ird.bir60",
                                  call, NULL);
      g_autoptr(TongbanSoapMessage) got = NULL;
      g_autofree char *xml = NULL;
      g_autofree char *canon = NULL;

      g_assert_true (tongban_soap_sign (msg, key, cert, name, 300, NULL));
      xml = tongban_soap_message_to_string (msg, &xml_len);
      t1 = g_get_monotonic_time ();
      got = tongban_soap_message_parse (xml, xml_len, NULL);
      g_assert_true (tongban_soap_verify (got, ring, NULL, NULL, NULL));
      t2 = g_get_monotonic_time ();
      sign_us[i] = (double) (t1 - t0);
      verify_us[i] = (double) (t2 - t1);
      canon = tongban_soap_c14n (got->body, &body_len);
    }
  qsort (sign_us, ROUNDS, sizeof (double), cmp_double);
  qsort (verify_us, ROUNDS, sizeof (double), cmp_double);
  g_print ("%s: message %" G_GSIZE_FORMAT " bytes (canonical Body %" G_GSIZE_FORMAT " bytes)\n"
           "  build + sign:     median %.0f us, p95 %.0f us\n"
           "  parse + verify:   median %.0f us, p95 %.0f us\n",
           label, xml_len, body_len, sign_us[ROUNDS / 2], sign_us[ROUNDS * 95 / 100],
           verify_us[ROUNDS / 2], verify_us[ROUNDS * 95 / 100]);
}

int
main (void)
{
  g_autoptr(EVP_PKEY) sm2 = tongban_sm2_generate ();
  g_autoptr(EVP_PKEY) rsa = EVP_RSA_gen (2048);
  g_autoptr(X509) cert = X509_new ();

  X509_set_pubkey (cert, rsa);
  X509_gmtime_adj (X509_getm_notBefore (cert), 0);
  X509_gmtime_adj (X509_getm_notAfter (cert), 3600);
  g_assert_cmpint (X509_sign (cert, rsa, EVP_sha256 ()), >, 0);
  run ("SM2/SM3, KeyName", sm2, NULL);
  run ("RSA-SHA256 2048, X.509 token", rsa, cert);
  return 0;
}
