/* sb-rest.c: the REST front end, POST /{system}/ops/{operation} (docs/gateway.md section 2),
 * and the /_control/ routes the tests use (faults, the call log)
 *
 * A call is checked in this order: bearer token (401), JSON body with a request_id (400),
 * a repeated request_id (the first answer again, nothing run twice), then the operation.
 */

#include "sb-ops.h"

#include <string.h>
#include <openssl/crypto.h>

/* Calls with a request_id running now: a second one with the same id waits for the first. */
static GMutex running_lock;
static GCond running_cond;
static GHashTable *running;

static void
answer_error (SbResponse *response,
              guint       status,
              const char *reason,
              const char *detail)
{
  g_autoptr(JsonObject) o = json_object_new ();
  g_autoptr(JsonNode) node = NULL;

  json_object_set_boolean_member (o, "ok", FALSE);
  if (reason)
    json_object_set_string_member (o, "reason", reason);
  json_object_set_string_member (o, "detail", detail);
  node = json_node_init_object (json_node_alloc (), o);
  sb_response_json (response, status, node);
}

static guint
status_of_reason (const char *reason)
{
  static const struct { const char *reason; guint status; } map[] = {
    { "not-found", 404 },
    { "invalid-field", 400 },
    { "identity-mismatch", 403 },
    { "not-live", 403 },
    { "document-expired", 403 },
    { "document-invalid", 403 },
    { "slot-taken", 409 },
    { "duplicate", 409 },
    { "payment-declined", 402 },
    { "pending", 409 },
    { "closed", 409 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (strcmp (map[i].reason, reason) == 0)
      return map[i].status;
  return 422;
}

static gboolean
token_ok (SbSandbox *sb,
          SbRequest *request)
{
  const char *auth = sb_request_header (request, "Authorization");
  const char *want = sb_sandbox_token (sb);

  if (auth == NULL || !g_str_has_prefix (auth, "Bearer "))
    return FALSE;
  auth += 7;
  return strlen (auth) == strlen (want) && CRYPTO_memcmp (auth, want, strlen (want)) == 0;
}

static void
run_call (SbSandbox     *sb,
          SbCallRequest *call,
          SbResponse    *response,
          gboolean      *keep)
{
  g_autofree char *reason = NULL;
  g_autoptr(GBytes) garbage = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *outcome = NULL;

  *keep = FALSE;
  const char *operation = call->operation;

  answer = sb_ops_call_full (sb, call->system, operation, call->service, call->citizen,
                             call->params, &reason, &garbage, &error);
  if (answer)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      g_autoptr(JsonNode) node = NULL;

      json_object_set_boolean_member (o, "ok", TRUE);
      json_object_set_object_member (o, "data", json_object_ref (answer));
      node = json_node_init_object (json_node_alloc (), o);
      sb_response_json (response, 200, node);
      outcome = g_strdup ("ok");
      *keep = TRUE;
    }
  else if (reason)
    {
      g_autofree char *detail = g_strdup_printf ("%s refused: %s", operation, reason);

      answer_error (response, status_of_reason (reason), reason, detail);
      outcome = g_strconcat ("refused:", reason, NULL);
      *keep = TRUE;
    }
  else if (garbage)
    {
      sb_response_set (response, 200, "application/json", garbage);
      outcome = g_strdup ("fault:garbage");
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
    {
      sb_response_close (response);
      outcome = g_strdup ("fault:close");
    }
  else
    {
      answer_error (response, 500, NULL, error ? error->message : "failed");
      outcome = g_strdup ("fault:error");
    }
  sb_log_call (sb, call->system, operation, call->request_id, outcome);
}

static void
handle_ops (SbSandbox  *sb,
            SbRequest  *request,
            SbResponse *response,
            gpointer    user_data)
{
  g_auto(SbCallRequest) call = { 0 };
  g_autofree char *key = NULL;
  const char *problem = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (sb_request_body (request), &len);
  gboolean keep = FALSE;

  if (!sb_call_path_split (sb_request_path (request), &call.system, &call.operation))
    {
      answer_error (response, 404, "not-found", "no such path");
      return;
    }
  if (!token_ok (sb, request))
    {
      answer_error (response, 401, NULL, "missing or wrong bearer token");
      sb_log_call (sb, call.system, call.operation, NULL, "unauthorised");
      return;
    }
  if (!sb_call_request_parse (&call, data, len, sb_request_header (request, "X-Request-Id"),
                              &problem))
    {
      answer_error (response, 400, "invalid-field", problem);
      sb_log_call (sb, call.system, call.operation, NULL, "malformed");
      return;
    }

  key = g_strconcat ("rest\n", call.request_id, NULL);
  g_mutex_lock (&running_lock);
  if (running == NULL)
    running = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  while (g_hash_table_contains (running, key))
    g_cond_wait (&running_cond, &running_lock);
  if (sb_replay_lookup (sb, key, response))
    {
      g_mutex_unlock (&running_lock);
      sb_log_call (sb, call.system, call.operation, call.request_id, "replayed");
      return;
    }
  g_hash_table_add (running, g_strdup (key));
  g_mutex_unlock (&running_lock);

  run_call (sb, &call, response, &keep);
  if (keep)
    sb_replay_store (sb, key, response);

  g_mutex_lock (&running_lock);
  g_hash_table_remove (running, key);
  g_cond_broadcast (&running_cond);
  g_mutex_unlock (&running_lock);
}

static gboolean
from_loopback (SbRequest *request)
{
  const char *ip = sb_request_client_ip (request);

  return ip && (strcmp (ip, "127.0.0.1") == 0 || strcmp (ip, "::1") == 0);
}

static gboolean
control_allowed (SbSandbox  *sb,
                 SbRequest  *request,
                 SbResponse *response)
{
  if (!sb_sandbox_control_on (sb))
    {
      answer_error (response, 404, "not-found", "control routes are off (--control)");
      return FALSE;
    }
  if (!from_loopback (request))
    {
      answer_error (response, 403, NULL, "control only from this machine");
      return FALSE;
    }
  return TRUE;
}

static void
handle_faults_add (SbSandbox  *sb,
                   SbRequest  *request,
                   SbResponse *response,
                   gpointer    user_data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (sb_request_body (request), &len);
  JsonNode *root;

  if (!control_allowed (sb, request, response))
    return;
  if (len == 0 || !json_parser_load_from_data (parser, data, (gssize) len, &error)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      answer_error (response, 400, "invalid-field", "the body must be a JSON object");
      return;
    }
  if (!sb_faults_add_json (sb, json_node_get_object (root), &error))
    {
      answer_error (response, 400, "invalid-field", error->message);
      return;
    }
  sb_response_text (response, 200, "application/json", "{\"ok\": true}");
}

static void
handle_faults_clear (SbSandbox  *sb,
                     SbRequest  *request,
                     SbResponse *response,
                     gpointer    user_data)
{
  if (!control_allowed (sb, request, response))
    return;
  sb_faults_clear (sb);
  sb_response_text (response, 200, "application/json", "{\"ok\": true}");
}

static void
handle_log (SbSandbox  *sb,
            SbRequest  *request,
            SbResponse *response,
            gpointer    user_data)
{
  g_autoptr(JsonNode) node = NULL;

  if (!control_allowed (sb, request, response))
    return;
  node = sb_log_to_json (sb);
  sb_response_json (response, 200, node);
}

void
sb_rest_add_routes (SbSandbox *sb)
{
  sb_http_add_route (sb, "POST", "/", handle_ops, NULL);
  sb_http_add_route (sb, "POST", "/_control/faults", handle_faults_add, NULL);
  sb_http_add_route (sb, "DELETE", "/_control/faults", handle_faults_clear, NULL);
  sb_http_add_route (sb, "GET", "/_control/log", handle_log, NULL);
}
