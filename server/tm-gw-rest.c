/* tm-gw-rest.c: the gateway's REST/JSON adapter (docs/gateway.md section 2)
 *
 * POST {base_url}/ops/{operation} with a bearer credential and the request id, through a
 * libcurl easy handle kept per request thread so the connection to each back end stays
 * open between calls. The whole call is bounded by the system's time-out and the answer
 * by a size cap; the answer is parsed strictly. A read whose connection failed is sent
 * once more on a fresh connection (a kept-alive one may have been closed under us); a
 * write is sent once, always on a new connection (libcurl would otherwise re-send it on a
 * dead kept-alive one), since it may have arrived — the back end de-duplicates by
 * request id.
 * Error messages carry the cause for the manager's log, never the credential or the
 * citizen's data.
 */

#include "tm-gateway.h"

#include <string.h>
#include <curl/curl.h>

#define MAX_ANSWER (1024 * 1024)

typedef struct {
  GByteArray *data;
  gboolean    too_big;
  guint       sends;     /* requests put on the wire, libcurl's own retry included */
  const char *body;      /* the request body, handed to libcurl as it asks */
  size_t      body_len;
  size_t      body_pos;
  guint       max_sends; /* a read: 2; a write: 1 */
} Answer;

static void
handle_free (gpointer p)
{
  curl_easy_cleanup (p);
}

static GPrivate thread_handle = G_PRIVATE_INIT (handle_free);

static CURL *
thread_curl (void)
{
  static gsize global = 0;
  CURL *curl = g_private_get (&thread_handle);

  if (g_once_init_enter (&global))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&global, 1);
    }
  if (curl == NULL)
    {
      curl = curl_easy_init ();
      if (curl == NULL)
        g_error ("libcurl: no easy handle");
      g_private_set (&thread_handle, curl);
    }
  return curl;
}

static size_t
on_data (char   *ptr,
         size_t  size,
         size_t  n,
         void   *user)
{
  Answer *a = user;

  if (a->data->len + size * n > MAX_ANSWER)
    {
      a->too_big = TRUE;
      return 0;
    }
  g_byte_array_append (a->data, (const guint8 *) ptr, (guint) (size * n));
  return size * n;
}

/* Counts the requests actually sent: libcurl itself re-sends once when a kept-alive
 * connection turns out dead, and that is the read's one retry too. */
static int
on_debug (CURL          *curl,
          curl_infotype  type,
          char          *data,
          size_t         size,
          void          *user)
{
  Answer *a = user;

  if (type == CURLINFO_HEADER_OUT)
    a->sends++;
  return 0;
}

static size_t
on_read_body (char   *buffer,
              size_t  size,
              size_t  n,
              void   *user)
{
  Answer *a = user;
  size_t chunk = MIN (size * n, a->body_len - a->body_pos);

  memcpy (buffer, a->body + a->body_pos, chunk);
  a->body_pos += chunk;
  return chunk;
}

/* libcurl rewinds the body before it re-sends a request on its own (a kept-alive
 * connection found dead): allowed only while the call has sends left, so a read
 * goes out at most twice and a write once, whatever libcurl would do. */
static int
on_seek_body (void       *user,
              curl_off_t  offset,
              int         origin)
{
  Answer *a = user;

  if (origin != SEEK_SET || offset < 0 || (size_t) offset > a->body_len
      || a->sends >= a->max_sends)
    return CURL_SEEKFUNC_FAIL;
  a->body_pos = (size_t) offset;
  return CURL_SEEKFUNC_OK;
}

static char *
request_body (const TmGatewayCall *call)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonNode *params = json_node_new (JSON_NODE_OBJECT);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "request_id");
  json_builder_add_string_value (b, call->request_id);
  json_builder_set_member_name (b, "terminal");
  json_builder_add_string_value (b, call->terminal_id);
  json_builder_set_member_name (b, "service");
  json_builder_add_string_value (b, call->service_id);
  json_builder_set_member_name (b, "citizen");
  if (call->citizen != NULL)
    {
      static const char * const sent[] = { "id_type", "id_number", "name", NULL };

      json_builder_begin_object (b);
      for (guint i = 0; sent[i] != NULL; i++)
        {
          json_builder_set_member_name (b, sent[i]);
          json_builder_add_string_value (b, json_object_get_string_member_with_default (
                                              call->citizen, sent[i], ""));
        }
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "params");
  json_node_set_object (params, call->params);
  json_builder_add_value (b, params);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* Strict: valid UTF-8, one JSON object. */
static JsonObject *
parse_object (const guint8 *bytes,
              gsize         len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (len == 0 || len > MAX_ANSWER || !g_utf8_validate ((const char *) bytes, (gssize) len, NULL)
      || !json_parser_load_from_data (parser, (const char *) bytes, (gssize) len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

JsonObject *
tm_gw_rest_parse_answer (long           status,
                         const guint8  *bytes,
                         gsize          len,
                         GError       **error)
{
  g_autoptr(JsonObject) answer = NULL;

  if (status >= 500)
    {
      g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_UNAVAILABLE, "HTTP %ld", status);
      return NULL;
    }
  answer = parse_object (bytes, len);
  if (answer == NULL)
    {
      g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_INVALID,
                   "HTTP %ld with an answer that is not a JSON object (%u bytes)", status,
                   (guint) len);
      return NULL;
    }
  if (status == 200)
    {
      JsonNode *ok = json_object_get_member (answer, "ok");
      JsonNode *d = json_object_get_member (answer, "data");

      if (ok == NULL || !JSON_NODE_HOLDS_VALUE (ok)
          || json_node_get_value_type (ok) != G_TYPE_BOOLEAN
          || !json_node_get_boolean (ok) || d == NULL || !JSON_NODE_HOLDS_OBJECT (d))
        {
          g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_INVALID,
                       "HTTP 200 without {\"ok\": true, \"data\": {...}}");
          return NULL;
        }
      return json_object_ref (json_node_get_object (d));
    }
  if (status >= 400 && status < 500)
    {
      JsonNode *r = json_object_get_member (answer, "reason");
      const char *reason = r != NULL && JSON_NODE_HOLDS_VALUE (r)
                           && json_node_get_value_type (r) == G_TYPE_STRING
                           ? json_node_get_string (r) : NULL;

      /* The back end's "detail" stays out of the log: it may quote the citizen. */
      if (!tm_gateway_reason_known (reason))
        {
          g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_INVALID,
                       "HTTP %ld without a known reason id", status);
          return NULL;
        }
      g_set_error_literal (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_REFUSED, reason);
      return NULL;
    }
  g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_INVALID, "unexpected HTTP %ld", status);
  return NULL;
}

static gboolean
connection_failed (CURLcode rc)
{
  return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST
         || rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING
         || rc == CURLE_PARTIAL_FILE;
}

JsonObject *
tm_gw_rest_call (const TmBackendSystem *system,
                 const TmGatewayCall   *call,
                 GError               **error)
{
  g_autofree char *url = g_strconcat (system->base_url, "/ops/", call->operation, NULL);
  g_autofree char *body = request_body (call);
  g_autofree char *auth = NULL, *rid = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  struct curl_slist *headers = NULL;
  char curl_error[CURL_ERROR_SIZE] = "";
  Answer a = { data, FALSE, 0, body, strlen (body), 0, call->idempotent ? 2 : 1 };
  CURL *curl = thread_curl ();
  long status = 0;
  CURLcode rc;
  guint attempts = 0;
  gint64 started = g_get_monotonic_time ();

  if (system->credential != NULL)
    {
      auth = g_strconcat ("Authorization: Bearer ", system->credential, NULL);
      headers = curl_slist_append (headers, auth);
    }
  rid = g_strconcat ("X-Request-Id: ", call->request_id, NULL);
  headers = curl_slist_append (headers, rid);
  headers = curl_slist_append (headers, "Content-Type: application/json");
  headers = curl_slist_append (headers, "Accept: application/json");
  headers = curl_slist_append (headers, "Expect:");

  do
    {
      gint64 spent_ms = (g_get_monotonic_time () - started) / 1000;
      long left_ms = (long) system->timeout_ms - (long) spent_ms;

      attempts++;
      g_byte_array_set_size (data, 0);
      a.too_big = FALSE;
      curl_easy_reset (curl);
      curl_easy_setopt (curl, CURLOPT_URL, url);
      curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
      curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);
      curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
      a.body_pos = 0;
      curl_easy_setopt (curl, CURLOPT_POST, 1L);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE, (long) a.body_len);
      curl_easy_setopt (curl, CURLOPT_READFUNCTION, on_read_body);
      curl_easy_setopt (curl, CURLOPT_READDATA, &a);
      curl_easy_setopt (curl, CURLOPT_SEEKFUNCTION, on_seek_body);
      curl_easy_setopt (curl, CURLOPT_SEEKDATA, &a);
      curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, MAX (left_ms, 1L));
      curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_data);
      curl_easy_setopt (curl, CURLOPT_WRITEDATA, &a);
      curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, curl_error);
      curl_easy_setopt (curl, CURLOPT_USERAGENT, "tongban-manager gateway");
      curl_easy_setopt (curl, CURLOPT_DEBUGFUNCTION, on_debug);
      curl_easy_setopt (curl, CURLOPT_DEBUGDATA, &a);
      curl_easy_setopt (curl, CURLOPT_VERBOSE, 1L);
      /* A write goes on a new connection, so libcurl never re-sends it on its own; a read's
       * retry does too, the kept one being the likely culprit. */
      curl_easy_setopt (curl, CURLOPT_FRESH_CONNECT, !call->idempotent || attempts > 1 ? 1L : 0L);
      rc = curl_easy_perform (curl);
      curl_easy_setopt (curl, CURLOPT_HTTPHEADER, NULL);
    }
  while (connection_failed (rc) && call->idempotent && attempts < 2 && a.sends < a.max_sends);
  curl_slist_free_all (headers);
  if (auth != NULL)
    explicit_bzero (auth, strlen (auth));

  if (a.too_big)
    {
      g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_INVALID,
                   "answer larger than %d bytes", MAX_ANSWER);
      return NULL;
    }
  if (rc == CURLE_OPERATION_TIMEDOUT)
    {
      g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_TIMEOUT,
                   "no complete answer within %u ms%s", system->timeout_ms,
                   call->idempotent ? ""
                   : " (a write: not retried; the back end de-duplicates by request id)");
      return NULL;
    }
  if (rc != CURLE_OK)
    {
      g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_UNAVAILABLE,
                   "%s (%s) after %u attempt%s%s", *curl_error ? curl_error : curl_easy_strerror (rc),
                   curl_easy_strerror (rc), MAX (a.sends, 1), a.sends > 1 ? "s" : "",
                   call->idempotent ? ""
                   : "; a write: not retried, the back end de-duplicates by request id");
      return NULL;
    }
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  return tm_gw_rest_parse_answer (status, data->data, data->len, error);
}
