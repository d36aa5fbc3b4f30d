/* tm-gw-soap.c: the gateway's SOAP adapter (docs/gateway.md sections 3 and 6)
 *
 * Builds <tns:{operation}> in the system's namespace (urn:gba:tongban:backend:{id}) from
 * the call, signs it with WS-Security under the manager's SM2 credential, POSTs it with
 * libcurl within the system's time-out and reads the answer: checked against the
 * system's peer key when one is set, then a Fault mapped to a TM_GATEWAY_ERROR or the
 * {operation}Response element mapped to JSON with the element types of the system's
 * WSDL (fetched from {base_url}?wsdl once and kept). Error messages name the cause for
 * the manager's log, never the credential nor the citizen's data, nor a Fault's text
 * (which may echo them).
 */

#include "tm-gw-soap.h"

#include <string.h>
#include <curl/curl.h>

#include "tongban-sm.h"
#include "tongban-soap.h"

#define BACKEND_NS "urn:gba:tongban:backend:"

typedef struct {
  GByteArray *data;
  gboolean    too_big;
} Sink;

static size_t
sink_write (char   *ptr,
            size_t  size,
            size_t  n,
            void   *user)
{
  Sink *sink = user;

  if (sink->data->len + size * n > TONGBAN_SOAP_MAX_BYTES)
    {
      sink->too_big = TRUE;
      return 0;
    }
  g_byte_array_append (sink->data, (const guint8 *) ptr, (guint) (size * n));
  return size * n;
}

/* One HTTP exchange (POST when body is set, else GET) bounded by timeout_ms. */
static GByteArray *
exchange (const char         *url,
          struct curl_slist  *headers,
          const char         *body,
          gsize               body_len,
          guint               timeout_ms,
          long               *status,
          GError            **error)
{
  static gsize global = 0;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  Sink sink = { data, FALSE };
  char curl_error[CURL_ERROR_SIZE] = "";
  CURL *curl;
  CURLcode rc;

  if (g_once_init_enter (&global))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&global, 1);
    }
  curl = curl_easy_init ();
  if (curl == NULL)
    {
      g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_UNAVAILABLE, "libcurl: no handle");
      return NULL;
    }
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) MAX (timeout_ms, 1));
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, sink_write);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, curl_error);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, "tongban-manager gateway (SOAP)");
  if (body != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) body_len);
    }
  rc = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, status);
  curl_easy_cleanup (curl);

  if (sink.too_big)
    g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_INVALID,
                 "answer larger than %d bytes", TONGBAN_SOAP_MAX_BYTES);
  else if (rc == CURLE_OPERATION_TIMEDOUT)
    g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_TIMEOUT,
                 "no complete answer within %u ms", timeout_ms);
  else if (rc != CURLE_OK)
    g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_UNAVAILABLE, "%s",
                 *curl_error ? curl_error : curl_easy_strerror (rc));
  else
    return g_steal_pointer (&data);
  return NULL;
}

/* Element types of each system's WSDL, by its address. */
static GMutex types_lock;
static GHashTable *types_by_url;

static GHashTable *
wsdl_types (const TmBackendSystem *system,
            guint                  timeout_ms)
{
  g_autofree char *url = g_strconcat (system->base_url, "?wsdl", NULL);
  g_autoptr(GByteArray) data = NULL;
  GHashTable *types;
  long status = 0;

  g_mutex_lock (&types_lock);
  if (types_by_url == NULL)
    types_by_url = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_hash_table_unref);
  types = g_hash_table_lookup (types_by_url, url);
  if (types != NULL)
    g_hash_table_ref (types);
  g_mutex_unlock (&types_lock);
  if (types != NULL)
    return types;

  if (timeout_ms == 0)
    return NULL;
  data = exchange (url, NULL, NULL, 0, timeout_ms, &status, NULL);
  if (data == NULL || status != 200)
    return NULL;
  types = tongban_soap_types_from_wsdl ((const char *) data->data, data->len, NULL);
  if (types == NULL)
    return NULL;
  g_mutex_lock (&types_lock);
  g_hash_table_replace (types_by_url, g_strdup (url), g_hash_table_ref (types));
  g_mutex_unlock (&types_lock);
  return types;
}

static JsonObject *
call_object (const TmGatewayCall *call)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "request_id", call->request_id);
  if (call->terminal_id != NULL)
    json_object_set_string_member (o, "terminal", call->terminal_id);
  if (call->service_id != NULL)
    json_object_set_string_member (o, "service", call->service_id);
  if (call->citizen != NULL)
    {
      static const char * const sent[] = { "id_type", "id_number", "name", "method" };
      JsonObject *c = json_object_new ();

      for (guint i = 0; i < G_N_ELEMENTS (sent); i++)
        if (json_object_has_member (call->citizen, sent[i]))
          json_object_set_member (c, sent[i],
                                  json_object_dup_member (call->citizen, sent[i]));
      json_object_set_object_member (o, "citizen", c);
    }
  json_object_set_object_member (o, "params", call->params != NULL
                                              ? json_object_ref (call->params)
                                              : json_object_new ());
  return o;
}

static gboolean
plain_reason (const char *reason)
{
  gsize len = reason != NULL ? strlen (reason) : 0;

  if (len == 0 || len > 32)
    return FALSE;
  for (const char *p = reason; *p; p++)
    if (!g_ascii_islower (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

/* The answer's Fault as a TM_GATEWAY_ERROR; FALSE if it holds none. */
static gboolean
fault_error (TongbanSoapMessage  *answer,
             GError             **error)
{
  gboolean sender = FALSE;
  g_autofree char *reason = NULL;

  if (!tongban_soap_message_get_fault (answer, &sender, &reason, NULL))
    return FALSE;
  if (sender && plain_reason (reason))
    g_set_error_literal (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_REFUSED, reason);
  else if (sender && reason != NULL)
    g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_INVALID,
                 "Client fault with a reason that is not a reason id");
  else if (sender)
    /* The system refused the message itself (signature, shape): nothing the citizen
     * can change; the manager's log and configuration are where to look. */
    g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_UNAVAILABLE,
                 "the system refused the SOAP request itself (Client fault without a "
                 "reason id: check the keys registered on both sides)");
  else
    g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_UNAVAILABLE,
                 "Server fault");
  return TRUE;
}

static JsonObject *
soap_call (const TmBackendSystem *system,
           const TmGatewayCall   *call,
           TongbanSoapVersion     version,
           GError               **error)
{
  g_autofree char *ns = g_strconcat (BACKEND_NS, system->id, NULL);
  g_autofree char *action = g_strconcat (ns, "#", call->operation, NULL);
  g_autofree char *content_type = tongban_soap_content_type (version, action);
  g_autofree char *ct_header = g_strconcat ("Content-Type: ", content_type, NULL);
  g_autofree char *action_header = g_strconcat ("SOAPAction: \"", action, "\"", NULL);
  g_autofree char *response_name = g_strconcat (call->operation, "Response", NULL);
  g_autoptr(EVP_PKEY) key = tongban_soap_key_from_pem (system->credential, TRUE);
  g_autofree char *key_name = NULL;
  g_autoptr(JsonObject) body = call_object (call);
  g_autoptr(TongbanSoapMessage) request = NULL;
  g_autoptr(TongbanSoapMessage) answer = NULL;
  g_autoptr(GByteArray) data = NULL;
  g_autoptr(GHashTable) types = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *xml = NULL;
  struct curl_slist *headers = NULL;
  gsize xml_len = 0;
  long status = 0;
  gint64 started = g_get_monotonic_time ();
  gint64 left_ms;
  JsonObject *result;

  if (key == NULL || !EVP_PKEY_is_a (key, "SM2"))
    {
      g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_UNAVAILABLE,
                   "system %s: its credential is not a PEM SM2 private key", system->id);
      return NULL;
    }
  key_name = tongban_soap_key_name (key);
  request = tongban_soap_message_new (version, ns, call->operation, body, &local);
  if (request == NULL
      || !tongban_soap_sign (request, key, NULL, key_name, TONGBAN_SOAP_TTL_SECONDS, &local))
    {
      g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_INVALID,
                   "the call has no SOAP form: %s", local->message);
      return NULL;
    }
  xml = tongban_soap_message_to_string (request, &xml_len);

  headers = curl_slist_append (headers, ct_header);
  if (version == TONGBAN_SOAP_11)
    headers = curl_slist_append (headers, action_header);
  headers = curl_slist_append (headers, "Expect:");
  data = exchange (system->base_url, headers, xml, xml_len, system->timeout_ms, &status, error);
  curl_slist_free_all (headers);
  if (data == NULL)
    return NULL;

  answer = tongban_soap_message_parse ((const char *) data->data, data->len, &local);
  if (answer == NULL)
    {
      g_set_error (error, TM_GATEWAY_ERROR,
                   status >= 500 ? TM_GATEWAY_ERROR_UNAVAILABLE : TM_GATEWAY_ERROR_INVALID,
                   "HTTP %ld, not a SOAP answer: %s", status, local->message);
      return NULL;
    }
  if (system->peer_key != NULL && *system->peer_key != '\0')
    {
      g_autoptr(EVP_PKEY) peer = tongban_soap_key_from_pem (system->peer_key, FALSE);
      g_autoptr(TongbanSoapKeyring) ring = tongban_soap_keyring_new ();
      g_autofree char *peer_name = peer != NULL ? tongban_soap_key_name (peer) : NULL;

      if (peer == NULL)
        {
          g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_INVALID,
                       "system %s: its peer key is not a PEM public key", system->id);
          return NULL;
        }
      tongban_soap_keyring_add (ring, peer_name, peer);
      if (!tongban_soap_verify (answer, ring, NULL, NULL, &local))
        {
          g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_INVALID,
                       "answer failed its WS-Security check: %s", local->message);
          return NULL;
        }
    }
  if (fault_error (answer, error))
    return NULL;
  if (answer->payload->ns == NULL || g_strcmp0 ((const char *) answer->payload->ns->href, ns) != 0
      || g_strcmp0 ((const char *) answer->payload->name, response_name) != 0)
    {
      g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_INVALID,
                   "HTTP %ld, the Body holds no %s", status, response_name);
      return NULL;
    }
  /* The first call to a system also reads its WSDL, within what is left of the time-out;
   * without it the answer is read untyped (text leaves, arrays only where repeated). */
  left_ms = (gint64) system->timeout_ms - (g_get_monotonic_time () - started) / 1000;
  types = wsdl_types (system, (guint) CLAMP (left_ms, 0, G_MAXUINT));
  result = tongban_soap_xml_to_json (answer->payload, types, &local);
  if (result == NULL)
    g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_INVALID,
                 "the answer does not fit the WSDL: %s", local->message);
  return result;
}

JsonObject *
tm_gw_soap11_call (const TmBackendSystem *system,
                   const TmGatewayCall   *call,
                   GError               **error)
{
  return soap_call (system, call, TONGBAN_SOAP_11, error);
}

JsonObject *
tm_gw_soap12_call (const TmBackendSystem *system,
                   const TmGatewayCall   *call,
                   GError               **error)
{
  return soap_call (system, call, TONGBAN_SOAP_12, error);
}

void
tm_gw_soap_register (void)
{
  tm_gateway_register_adapter ("soap11", tm_gw_soap11_call);
  tm_gateway_register_adapter ("soap12", tm_gw_soap12_call);
}
