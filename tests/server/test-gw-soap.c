/* test-gw-soap.c: the gateway's SOAP adapter (server/tm-gw-soap.c) against the real
 * tongban-sandbox SOAP front end on a free port
 *
 * Answers over SOAP 1.1 and 1.2 typed by the WSDL, refusals with their reason id, a
 * wrong peer key, a credential the sandbox does not know, and the sandbox's injected
 * faults (latency past the time-out, error, garbage), each mapped to its
 * TM_GATEWAY_ERROR.
 */

#include <curl/curl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <openssl/pem.h>

#include "tm-gw-soap.h"
#include "tongban-sm.h"
#include "tongban-soap.h"

#define DEMO_ID   "440106199001011235"
#define DEMO_NAME "演示样卡"

/* Stand-ins for the gateway core (server/tm-gateway.c), which this test does not link. */
static const char *registered[4];
static TmGatewayAdapter registered_fn[4];
static guint n_registered;

G_DEFINE_QUARK (tm-gateway-error-quark, tm_gateway_error)

void
tm_gateway_register_adapter (const char       *transport,
                             TmGatewayAdapter  adapter)
{
  g_assert_cmpuint (n_registered, <, G_N_ELEMENTS (registered));
  registered[n_registered] = transport;
  registered_fn[n_registered++] = adapter;
}

static GPid sandbox_pid;
static guint sandbox_port;
static char *manager_pem;      /* the manager's credential: PEM SM2 private key */
static char *sandbox_pub;      /* the sandbox's answer key, PEM */

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static char *
pem_of (EVP_PKEY *key,
        gboolean  private_key)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long len;
  char *out;

  if (private_key)
    PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL);
  else
    PEM_write_bio_PUBKEY (bio, key);
  len = BIO_get_mem_data (bio, &data);
  out = g_strndup (data, len);
  BIO_free (bio);
  return out;
}

static size_t
on_data (char   *ptr,
         size_t  size,
         size_t  n,
         void   *user)
{
  g_string_append_len (user, ptr, (gssize) (size * n));
  return size * n;
}

static long
http_typed (const char *method,
            const char *path,
            const char *content_type,
            const char *body,
            GString    *out)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", sandbox_port, path);
  g_autofree char *ct = content_type ? g_strconcat ("Content-Type: ", content_type, NULL) : NULL;
  struct curl_slist *headers = ct ? curl_slist_append (NULL, ct) : NULL;
  CURL *curl = curl_easy_init ();
  long status = 0;

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, out);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 20L);
  if (body != NULL)
    curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
  g_assert_cmpint (curl_easy_perform (curl), ==, CURLE_OK);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);
  return status;
}

static long
http (const char *method,
      const char *path,
      const char *body,
      GString    *out)
{
  return http_typed (method, path, NULL, body, out);
}

static void
sandbox_start (void)
{
  g_autoptr(EVP_PKEY) key = tongban_sm2_generate ();
  g_autofree char *pub = pem_of (key, FALSE);
  g_autofree char *dir = g_dir_make_tmp ("tongban-gw-soap-XXXXXX", NULL);
  g_autofree char *pub_path = g_build_filename (dir, "manager.pem", NULL);
  g_auto(GStrv) env = g_get_environ ();
  const char *argv[] = { g_getenv ("TONGBAN_SANDBOX"), "--port", "0", "--control", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) ch = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GString) got = g_string_new (NULL);
  int out_fd = -1;

  g_assert_nonnull (argv[0]);
  manager_pem = pem_of (key, TRUE);
  g_assert_true (g_file_set_contents (pub_path, pub, -1, NULL));
  env = g_environ_setenv (env, "TONGBAN_SANDBOX_SOAP_CLIENT_KEYS", pub_path, TRUE);
  g_spawn_async_with_pipes (NULL, (char **) argv, env, G_SPAWN_DO_NOT_REAP_CHILD,
                            die_with_parent, NULL, &sandbox_pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);
  ch = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (ch, TRUE);
  g_io_channel_read_line (ch, &line, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on 127.0.0.1:"));
  sandbox_port = (guint) g_ascii_strtoull (strrchr (line, ':') + 1, NULL, 10);
  /* The key file is read at start; nothing of it is needed afterwards. */
  g_unlink (pub_path);
  g_rmdir (dir);
  g_assert_cmpint (http ("GET", "/soap/key.pem", NULL, got), ==, 200);
  sandbox_pub = g_string_free (g_steal_pointer (&got), FALSE);
  g_assert_true (g_str_has_prefix (sandbox_pub, "-----BEGIN PUBLIC KEY-----"));
}

static void
sandbox_stop (void)
{
  int status = 0;

  kill (sandbox_pid, SIGTERM);
  g_assert_cmpint (waitpid (sandbox_pid, &status, 0), ==, sandbox_pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_spawn_close_pid (sandbox_pid);
}

static TmBackendSystem *
gd_hrss (const char *transport)
{
  TmBackendSystem *s = g_new0 (TmBackendSystem, 1);

  s->id = g_strdup ("gd-hrss");
  s->transport = g_strdup (transport);
  s->base_url = g_strdup_printf ("http://127.0.0.1:%u/soap/gd-hrss", sandbox_port);
  s->credential = g_strdup (manager_pem);
  s->peer_key = g_strdup (sandbox_pub);
  s->timeout_ms = 5000;
  return s;
}

/* Stand-in too (tm-gateway.c frees the systems it loads). */
void
tm_backend_system_free (TmBackendSystem *s)
{
  g_free (s->id);
  g_free (s->transport);
  g_free (s->base_url);
  g_free (s->credential);
  g_free (s->peer_key);
  g_free (s);
}

static guint serial;

static JsonObject *
run (const TmBackendSystem *system,
     const char            *id_number,
     GError               **error)
{
  g_autofree char *rid = g_strdup_printf ("gw-soap-%d-%u", getpid (), ++serial);
  g_autoptr(JsonObject) citizen = json_object_new ();
  g_autoptr(JsonObject) params = json_object_new ();
  TmGatewayCall call = {
    .request_id = rid, .terminal_id = "T-TEST", .service_id = "F-GD-07",
    .operation = "si.info", .citizen = citizen, .params = params, .idempotent = TRUE,
  };

  json_object_set_string_member (citizen, "id_type", "resident-id");
  json_object_set_string_member (citizen, "id_number", id_number);
  json_object_set_string_member (citizen, "name", DEMO_NAME);
  json_object_set_string_member (citizen, "method", "id-card");
  return tm_gateway_find_adapter (system->transport) (system, &call, error);
}

TmGatewayAdapter
tm_gateway_find_adapter (const char *transport)
{
  for (guint i = 0; i < n_registered; i++)
    if (g_strcmp0 (registered[i], transport) == 0)
      return registered_fn[i];
  return NULL;
}

static void
test_register (void)
{
  g_assert_cmpuint (n_registered, ==, 2);
  g_assert_true (tm_gateway_find_adapter ("soap11") == tm_gw_soap11_call);
  g_assert_true (tm_gateway_find_adapter ("soap12") == tm_gw_soap12_call);
}

static void
test_answers (void)
{
  for (int v = 0; v < 2; v++)
    {
      g_autoptr(TmBackendSystem) s = gd_hrss (v ? "soap12" : "soap11");
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) answer = run (s, DEMO_ID, &error);

      g_assert_no_error (error);
      g_assert_nonnull (answer);
      g_assert_nonnull (json_object_get_string_member_with_default (answer, "status", NULL));
      /* An array by the WSDL's maxOccurs, whatever its length. */
      g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (answer, "types")));
    }
}

/* The WSDL the adapter types answers by: served with this address, types for si.info. */
static void
test_wsdl (void)
{
  g_autoptr(GString) wsdl = g_string_new (NULL);
  g_autoptr(GHashTable) types = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_strdup_printf ("location=\"http://127.0.0.1:%u/soap/gd-hrss\"",
                                              sandbox_port);
  const char *one = "<r xmlns=\"urn:gba:tongban:backend:gd-hrss\"><status>active</status>"
                    "<types>Pension</types></r>";
  g_autoptr(xmlDoc) doc = tongban_soap_parse_xml (one, strlen (one), NULL);
  g_autoptr(JsonObject) answer = NULL;

  g_assert_cmpint (http ("GET", "/soap/gd-hrss?wsdl", NULL, wsdl), ==, 200);
  g_assert_nonnull (strstr (wsdl->str, address));
  types = tongban_soap_types_from_wsdl (wsdl->str, wsdl->len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (types, "types"), ==, "string[]");
  g_assert_cmpstr (g_hash_table_lookup (types, "citizen"), ==, "object");
  g_assert_cmpstr (g_hash_table_lookup (types, "lines"), ==, "object[]");
  /* One contribution type is still an array. */
  answer = tongban_soap_xml_to_json (xmlDocGetRootElement (doc), types, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (answer, "types")), ==, 1);
  {
    g_autoptr(GString) none = g_string_new (NULL);

    g_assert_cmpint (http ("GET", "/soap/nowhere?wsdl", NULL, none), ==, 404);
  }
}

static void
test_refused (void)
{
  g_autoptr(TmBackendSystem) s = gd_hrss ("soap11");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = run (s, "110101199003077777", &error);

  g_assert_null (answer);
  g_assert_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_REFUSED);
  g_assert_cmpstr (error->message, ==, "not-found");
}

/* Runs si.info on s (freed here) and expects it to fail with code, the message holding words. */
static void
expect_failure (TmBackendSystem *s,
                int              code,
                const char      *words)
{
  g_autoptr(TmBackendSystem) system = s;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = run (system, DEMO_ID, &error);

  g_assert_null (answer);
  g_assert_error (error, TM_GATEWAY_ERROR, code);
  if (words != NULL)
    g_assert_nonnull (strstr (error->message, words));
}

static void
test_keys (void)
{
  g_autoptr(EVP_PKEY) stranger = tongban_sm2_generate ();
  TmBackendSystem *s;

  /* Answers signed by another key than the configured peer key. */
  s = gd_hrss ("soap12");
  g_free (s->peer_key);
  s->peer_key = pem_of (stranger, FALSE);
  expect_failure (s, TM_GATEWAY_ERROR_INVALID, "WS-Security");

  /* A manager key the sandbox never registered: its Client fault, no reason id. */
  s = gd_hrss ("soap11");
  g_free (s->credential);
  s->credential = pem_of (stranger, TRUE);
  expect_failure (s, TM_GATEWAY_ERROR_UNAVAILABLE, "Client fault");

  /* A credential that is no key at all. */
  s = gd_hrss ("soap11");
  g_free (s->credential);
  s->credential = g_strdup ("not a key");
  expect_failure (s, TM_GATEWAY_ERROR_UNAVAILABLE, "not a PEM SM2 private key");
}

static void
add_fault (const char *kind,
           guint       ms)
{
  g_autofree char *body = g_strdup_printf ("{\"system\": \"gd-hrss\", \"operation\": \"si.info\", "
                                           "\"kind\": \"%s\", \"ms\": %u, \"count\": 1}",
                                           kind, ms);
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert_cmpint (http ("POST", "/_control/faults", body, out), ==, 200);
}

static void
test_faults (void)
{
  g_autoptr(TmBackendSystem) s = gd_hrss ("soap11");
  struct { const char *kind; guint ms; int code; } cases[] = {
    { "latency", 1500, TM_GATEWAY_ERROR_TIMEOUT },
    { "error", 0, TM_GATEWAY_ERROR_UNAVAILABLE },
    { "garbage", 0, TM_GATEWAY_ERROR_INVALID },
    { "close", 0, TM_GATEWAY_ERROR_UNAVAILABLE },
  };

  s->timeout_ms = 500;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) answer = NULL;

      add_fault (cases[i].kind, cases[i].ms);
      answer = run (s, DEMO_ID, &error);
      g_assert_null (answer);
      g_test_message ("%s: %s", cases[i].kind, error ? error->message : "(none)");
      g_assert_error (error, TM_GATEWAY_ERROR, cases[i].code);
    }
  /* Once the faults are used up the same system answers again. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) answer = NULL;

    s->timeout_ms = 5000;
    answer = run (s, DEMO_ID, &error);
    g_assert_no_error (error);
    g_assert_nonnull (answer);
  }
}

/* What the sandbox's front end answers bad requests: a signed Client fault, never a crash. */
static void
test_sandbox_refuses (void)
{
  g_autoptr(EVP_PKEY) peer = tongban_soap_key_from_pem (sandbox_pub, FALSE);
  g_autoptr(TongbanSoapKeyring) ring = tongban_soap_keyring_new ();
  g_autofree char *peer_name = tongban_soap_key_name (peer);
  g_autoptr(TongbanSoapMessage) unsigned_msg =
    tongban_soap_message_new (TONGBAN_SOAP_12, "urn:gba:tongban:backend:gd-hrss", "si.info",
                              NULL, NULL);
  g_autofree char *unsigned_xml = tongban_soap_message_to_string (unsigned_msg, NULL);
  struct {
    const char *content_type;
    const char *body;
    long        status;
    gboolean    soap12;
    const char *words;
  } cases[] = {
    { "text/xml", "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
      "<e>&x;</e>", 500, FALSE, "DOCTYPE" },
    { "text/xml", "<soap:Envelope xmlns:soap=\"" TONGBAN_SOAP11_NS "\"><soap:Body>", 500, FALSE,
      "not well-formed" },
    { "application/soap+xml", unsigned_xml, 400, TRUE, "WS-Security" },
    { "text/xml", unsigned_xml, 500, FALSE, "version" },
    { "application/json", "{}", 415, FALSE, "Content-Type" },
  };

  tongban_soap_keyring_add (ring, peer_name, peer);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      g_autoptr(TongbanSoapMessage) fault = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      gboolean sender = FALSE;

      g_assert_cmpint (http_typed ("POST", "/soap/gd-hrss", cases[i].content_type,
                                   cases[i].body, out), ==, cases[i].status);
      fault = tongban_soap_message_parse (out->str, out->len, &error);
      g_assert_no_error (error);
      g_assert_cmpint (fault->version, ==, cases[i].soap12 ? TONGBAN_SOAP_12 : TONGBAN_SOAP_11);
      g_assert_true (tongban_soap_verify (fault, ring, NULL, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (tongban_soap_message_get_fault (fault, &sender, NULL, &text));
      g_assert_true (sender);
      g_test_message ("%s", text);
      g_assert_nonnull (strstr (text, cases[i].words));
    }
}

static void
test_unreachable (void)
{
  TmBackendSystem *s = gd_hrss ("soap12");

  g_free (s->base_url);
  /* Port 1 on loopback: nothing listens there. */
  s->base_url = g_strdup ("http://127.0.0.1:1/soap/gd-hrss");
  expect_failure (s, TM_GATEWAY_ERROR_UNAVAILABLE, NULL);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tm_gw_soap_register ();
  sandbox_start ();
  g_test_add_func ("/gw-soap/register", test_register);
  g_test_add_func ("/gw-soap/answers", test_answers);
  g_test_add_func ("/gw-soap/wsdl", test_wsdl);
  g_test_add_func ("/gw-soap/refused", test_refused);
  g_test_add_func ("/gw-soap/keys", test_keys);
  g_test_add_func ("/gw-soap/faults", test_faults);
  g_test_add_func ("/gw-soap/sandbox-refuses", test_sandbox_refuses);
  g_test_add_func ("/gw-soap/unreachable", test_unreachable);
  ret = g_test_run ();
  sandbox_stop ();
  g_free (manager_pem);
  g_free (sandbox_pub);
  return ret;
}
