/* sb-soap.c: the SOAP front end of tongban-sandbox (see sb-soap.h)
 *
 * A request is checked in this order: system, Content-Type, envelope (no DTD, size and
 * depth caps), WS-Security (Timestamp, Signature by a registered key), the operation
 * element (this system's namespace, an operation of this system), request_id; then a
 * repeated request_id gets the first answer, otherwise the operation runs. Every answer,
 * Faults included, is signed with the sandbox's key.
 */

#include "sb-soap.h"
#include "sb-ops.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/pem.h>

#include "tongban-sm.h"
#include "tongban-soap.h"

#define WSDL_RESOURCE "/cn/gov/gba/Tongban/sandbox/wsdl/"
#define NS_PREFIX "urn:gba:tongban:backend:"

static const char *const systems[] = { "hk-ird", "hk-cr", "gd-hrss" };

typedef struct {
  GMutex              lock;     /* guards keyring */
  EVP_PKEY           *key;      /* the sandbox's SM2 key */
  char               *key_name;
  char               *public_pem;
  TongbanSoapKeyring *keyring;
  GHashTable         *types;    /* system → element types of its WSDL */
} SbSoap;

/* One front end per process, released at exit (after main has stopped the server). */
static SbSoap *the_soap;

static void
soap_free (SbSoap *soap)
{
  EVP_PKEY_free (soap->key);
  g_free (soap->key_name);
  g_free (soap->public_pem);
  tongban_soap_keyring_free (soap->keyring);
  g_hash_table_unref (soap->types);
  g_mutex_clear (&soap->lock);
  g_free (soap);
}

static void
release_at_exit (void)
{
  g_clear_pointer (&the_soap, soap_free);
}

static const char *
known_system (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (systems); i++)
    if (g_strcmp0 (systems[i], name) == 0)
      return systems[i];
  return NULL;
}

/* "/soap/{system}" → the system, or NULL. */
static const char *
system_of_path (const char *path)
{
  if (!g_str_has_prefix (path, "/soap/"))
    return NULL;
  return known_system (path + strlen ("/soap/"));
}

/* A PEM public key or certificate; NULL if neither. */
static EVP_PKEY *
key_from_pem (const char *pem)
{
  g_autoptr(X509) cert = tongban_soap_cert_from_pem (pem);
  EVP_PKEY *key;

  if (cert != NULL)
    {
      key = X509_get0_pubkey (cert);
      if (key != NULL)
        EVP_PKEY_up_ref (key);
      return key;
    }
  return tongban_soap_key_from_pem (pem, FALSE);
}

static gboolean
register_client_key (SbSoap     *soap,
                     const char *pem)
{
  g_autoptr(EVP_PKEY) key = key_from_pem (pem);
  g_autofree char *name = NULL;

  if (key == NULL || (!EVP_PKEY_is_a (key, "SM2") && !EVP_PKEY_is_a (key, "RSA")))
    return FALSE;
  name = tongban_soap_key_name (key);
  g_mutex_lock (&soap->lock);
  tongban_soap_keyring_add (soap->keyring, name, key);
  g_mutex_unlock (&soap->lock);
  return TRUE;
}

static void
answer (SbSoap             *soap,
        SbResponse         *response,
        TongbanSoapMessage *msg,
        guint               status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ct = tongban_soap_content_type (msg->version, NULL);
  gsize len = 0;
  char *xml;

  if (!tongban_soap_sign (msg, soap->key, NULL, soap->key_name, TONGBAN_SOAP_TTL_SECONDS,
                          &error))
    g_warning ("SOAP answer not signed: %s", error->message);
  xml = tongban_soap_message_to_string (msg, &len);
  sb_response_set (response, status, ct, g_bytes_new_take (xml, len));
}

/* SOAP over HTTP: 1.1 sends every Fault with 500, 1.2 a Sender fault with 400. */
static void
answer_fault (SbSoap             *soap,
              SbResponse         *response,
              TongbanSoapVersion  version,
              gboolean            sender,
              const char         *reason,
              const char         *text)
{
  g_autoptr(TongbanSoapMessage) fault = tongban_soap_fault_new (version, sender, reason, text);

  answer (soap, response, fault, version == TONGBAN_SOAP_12 && sender ? 400 : 500);
}

static void
handle_wsdl (SbSandbox  *sb,
             SbRequest  *request,
             SbResponse *response,
             gpointer    user_data)
{
  SbSoap *soap = user_data;
  const char *path = sb_request_path (request);
  const char *system;
  g_autofree char *resource = NULL;
  g_autoptr(GBytes) wsdl = NULL;
  g_autofree char *base = NULL;
  g_autofree char *address = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *text = NULL;

  if (g_strcmp0 (path, "/soap/key.pem") == 0)
    {
      sb_response_text (response, 200, "application/x-pem-file", soap->public_pem);
      return;
    }
  system = system_of_path (path);
  if (system == NULL)
    {
      sb_response_text (response, 404, "text/plain; charset=utf-8", "no such SOAP system\n");
      return;
    }
  resource = g_strconcat (WSDL_RESOURCE, system, ".wsdl", NULL);
  wsdl = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_assert (wsdl != NULL);
  base = sb_sandbox_base_url (sb);
  address = g_strconcat (base, "/soap/", system, NULL);
  text = g_strndup (g_bytes_get_data (wsdl, NULL), g_bytes_get_size (wsdl));
  parts = g_strsplit (text, "@ADDRESS@", -1);
  g_free (text);
  text = g_strjoinv (address, parts);
  sb_response_text (response, 200, "text/xml; charset=utf-8", text);
}

static void
handle_call (SbSandbox  *sb,
             SbRequest  *request,
             SbResponse *response,
             gpointer    user_data)
{
  SbSoap *soap = user_data;
  const char *system = system_of_path (sb_request_path (request));
  TongbanSoapVersion version =
    tongban_soap_version_from_content_type (sb_request_header (request, "Content-Type"));
  GBytes *body = sb_request_body (request);
  g_autoptr(TongbanSoapMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) call = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GBytes) garbage = NULL;
  g_autofree char *ns = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *key = NULL;
  g_autofree char *outcome = NULL;
  const char *operation;
  const char *request_id;
  gboolean verified;

  if (system == NULL)
    {
      sb_response_text (response, 404, "text/plain; charset=utf-8", "no such SOAP system\n");
      return;
    }
  if (version == 0)
    {
      answer_fault (soap, response, TONGBAN_SOAP_11, TRUE, "invalid-field",
                    "Content-Type must be text/xml (SOAP 1.1) or application/soap+xml (1.2)");
      response->status = 415;
      sb_log_call (sb, system, NULL, NULL, "malformed");
      return;
    }
  msg = tongban_soap_message_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                    &error);
  if (msg == NULL || msg->version != version)
    {
      answer_fault (soap, response, version, TRUE, "invalid-field",
                    msg == NULL ? error->message
                                : "the envelope's SOAP version differs from the Content-Type");
      sb_log_call (sb, system, NULL, NULL, "malformed");
      return;
    }
  g_mutex_lock (&soap->lock);
  verified = tongban_soap_verify (msg, soap->keyring, NULL, NULL, &error);
  g_mutex_unlock (&soap->lock);
  if (!verified)
    {
      answer_fault (soap, response, version, TRUE, NULL, error->message);
      sb_log_call (sb, system, NULL, NULL, "unauthorised");
      return;
    }

  ns = g_strconcat (NS_PREFIX, system, NULL);
  operation = (const char *) msg->payload->name;
  if (msg->payload->ns == NULL || g_strcmp0 ((const char *) msg->payload->ns->href, ns) != 0
      || g_strcmp0 (sb_ops_system_of (operation), system) != 0)
    {
      answer_fault (soap, response, version, TRUE, "not-found",
                    "no such operation in this system");
      sb_log_call (sb, system, operation, NULL, "malformed");
      return;
    }
  call = tongban_soap_xml_to_json (msg->payload,
                                   g_hash_table_lookup (soap->types, system), &error);
  request_id = call != NULL ? sb_str (call, "request_id") : NULL;
  if (request_id == NULL || *request_id == '\0' || strlen (request_id) > 128)
    {
      answer_fault (soap, response, version, TRUE, "invalid-field",
                    call == NULL ? error->message : "request_id is missing or too long");
      sb_log_call (sb, system, operation, NULL, "malformed");
      return;
    }

  key = g_strconcat ("soap\n", request_id, NULL);
  if (sb_replay_lookup (sb, key, response))
    {
      sb_log_call (sb, system, operation, request_id, "replayed");
      return;
    }
  result = sb_ops_call_full (sb, system, operation, sb_str (call, "service"),
                             sb_obj (call, "citizen"), sb_obj (call, "params"), &reason,
                             &garbage, &error);
  if (result != NULL)
    {
      g_autofree char *name = g_strconcat (operation, "Response", NULL);
      g_autoptr(TongbanSoapMessage) reply =
        tongban_soap_message_new (version, ns, name, result, &error);

      if (reply == NULL)
        {
          answer_fault (soap, response, version, FALSE, NULL, error->message);
          outcome = g_strdup ("fault:error");
        }
      else
        {
          answer (soap, response, reply, 200);
          sb_replay_store (sb, key, response);
          outcome = g_strdup ("ok");
        }
    }
  else if (reason != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s refused: %s", operation, reason);

      answer_fault (soap, response, version, TRUE, reason, text);
      sb_replay_store (sb, key, response);
      outcome = g_strconcat ("refused:", reason, NULL);
    }
  else if (garbage != NULL)
    {
      g_autofree char *ct = tongban_soap_content_type (version, NULL);

      sb_response_set (response, 200, ct, g_bytes_ref (garbage));
      outcome = g_strdup ("fault:garbage");
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
    {
      sb_response_close (response);
      outcome = g_strdup ("fault:close");
    }
  else
    {
      answer_fault (soap, response, version, FALSE, NULL,
                    error != NULL ? error->message : "failed");
      outcome = g_strdup ("fault:error");
    }
  sb_log_call (sb, system, operation, request_id, outcome);
}

static void
handle_add_key (SbSandbox  *sb,
                SbRequest  *request,
                SbResponse *response,
                gpointer    user_data)
{
  SbSoap *soap = user_data;
  GBytes *body = sb_request_body (request);
  const char *ip = sb_request_client_ip (request);
  g_autofree char *pem = NULL;

  if (!sb_sandbox_control_on (sb))
    {
      sb_response_text (response, 404, "text/plain", "control routes are off (--control)\n");
      return;
    }
  if (g_strcmp0 (ip, "127.0.0.1") != 0 && g_strcmp0 (ip, "::1") != 0)
    {
      sb_response_text (response, 403, "text/plain", "control only from this machine\n");
      return;
    }
  pem = g_strndup (g_bytes_get_data (body, NULL), MIN (g_bytes_get_size (body), 64 * 1024));
  if (!register_client_key (soap, pem))
    {
      sb_response_text (response, 400, "text/plain",
                        "the body is not a PEM SM2/RSA public key or certificate\n");
      return;
    }
  sb_response_text (response, 200, "text/plain", "registered\n");
}

static void
load_keys (SbSoap *soap)
{
  const char *own = g_getenv ("TONGBAN_SANDBOX_SOAP_KEY");
  const char *clients = g_getenv ("TONGBAN_SANDBOX_SOAP_CLIENT_KEYS");
  BIO *bio;
  char *data = NULL;
  long len;

  if (own != NULL && *own != '\0')
    {
      g_autofree char *pem = NULL;

      if (!g_file_get_contents (own, &pem, NULL, NULL)
          || (soap->key = tongban_soap_key_from_pem (pem, TRUE)) == NULL
          || !EVP_PKEY_is_a (soap->key, "SM2"))
        g_error ("TONGBAN_SANDBOX_SOAP_KEY: %s is not a PEM SM2 private key", own);
    }
  else
    soap->key = tongban_sm2_generate ();
  soap->key_name = tongban_soap_key_name (soap->key);
  bio = BIO_new (BIO_s_mem ());
  PEM_write_bio_PUBKEY (bio, soap->key);
  len = BIO_get_mem_data (bio, &data);
  soap->public_pem = g_strndup (data, len);
  BIO_free (bio);

  if (clients != NULL && *clients != '\0')
    {
      g_auto(GStrv) files = g_strsplit (clients, ":", -1);

      for (guint i = 0; files[i]; i++)
        {
          g_autofree char *pem = NULL;

          if (*files[i] == '\0')
            continue;
          if (!g_file_get_contents (files[i], &pem, NULL, NULL)
              || !register_client_key (soap, pem))
            g_error ("TONGBAN_SANDBOX_SOAP_CLIENT_KEYS: %s is not a PEM public key or "
                     "certificate", files[i]);
        }
    }
}

void
sb_soap_register (SbSandbox *sb)
{
  SbSoap *soap;

  g_return_if_fail (the_soap == NULL);
  soap = g_new0 (SbSoap, 1);
  g_mutex_init (&soap->lock);
  soap->keyring = tongban_soap_keyring_new ();
  soap->types = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) g_hash_table_unref);
  for (guint i = 0; i < G_N_ELEMENTS (systems); i++)
    {
      g_autofree char *resource = g_strconcat (WSDL_RESOURCE, systems[i], ".wsdl", NULL);
      g_autoptr(GBytes) wsdl = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE,
                                                        NULL);
      g_autoptr(GError) error = NULL;
      GHashTable *types;

      g_assert (wsdl != NULL);
      types = tongban_soap_types_from_wsdl (g_bytes_get_data (wsdl, NULL),
                                            g_bytes_get_size (wsdl), &error);
      g_assert_no_error (error);
      g_hash_table_insert (soap->types, (gpointer) systems[i], types);
    }
  load_keys (soap);
  the_soap = soap;
  atexit (release_at_exit);

  sb_http_add_route (sb, "POST", "/soap/", handle_call, soap);
  sb_http_add_route (sb, "GET", "/soap/", handle_wsdl, soap);
  sb_http_add_route (sb, "POST", "/_control/soap-keys", handle_add_key, soap);
}
