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

/* Splits "/{system}/ops/{operation}"; both parts are plain names. */
static gboolean
split_path (const char  *path,
            char       **system,
            char       **operation)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", 5);

  if (g_strv_length (parts) != 4 || *parts[0] != '\0' || strcmp (parts[2], "ops") != 0
      || *parts[1] == '\0' || *parts[3] == '\0' || strlen (parts[1]) > 32
      || strlen (parts[3]) > 48)
    return FALSE;
  for (const char *p = parts[1]; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      return FALSE;
  for (const char *p = parts[3]; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  *system = g_strdup (parts[1]);
  *operation = g_strdup (parts[3]);
  return TRUE;
}

/* Checks the envelope of a call; on failure fills response. */
static JsonNode *
parse_call (SbRequest   *request,
            SbResponse  *response,
            const char **request_id)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  GBytes *body = sb_request_body (request);
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);
  const char *header_id = sb_request_header (request, "X-Request-Id");
  JsonNode *root;
  JsonObject *o;
  JsonNode *citizen, *params;
  const char *id;

  if (len == 0 || !json_parser_load_from_data (parser, data, (gssize) len, &error))
    {
      answer_error (response, 400, "invalid-field", "the body is not JSON");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      answer_error (response, 400, "invalid-field", "the body must be a JSON object");
      return NULL;
    }
  o = json_node_get_object (root);
  id = sb_str (o, "request_id");
  if (id == NULL || *id == '\0' || strlen (id) > 128)
    {
      answer_error (response, 400, "invalid-field", "request_id is missing or too long");
      return NULL;
    }
  if (header_id && strcmp (header_id, id) != 0)
    {
      answer_error (response, 400, "invalid-field", "X-Request-Id differs from request_id");
      return NULL;
    }
  citizen = json_object_get_member (o, "citizen");
  params = json_object_get_member (o, "params");
  if ((citizen && !JSON_NODE_HOLDS_NULL (citizen) && !JSON_NODE_HOLDS_OBJECT (citizen))
      || (params && !JSON_NODE_HOLDS_NULL (params) && !JSON_NODE_HOLDS_OBJECT (params))
      || (json_object_has_member (o, "service") && sb_str (o, "service") == NULL))
    {
      answer_error (response, 400, "invalid-field",
                    "citizen and params must be objects, service text");
      return NULL;
    }
  *request_id = id;
  return json_node_ref (root);
}

static void
run_call (SbSandbox  *sb,
          const char *system,
          const char *operation,
          JsonObject *call,
          const char *request_id,
          SbResponse *response,
          gboolean   *keep)
{
  g_autofree char *reason = NULL;
  g_autoptr(GBytes) garbage = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *outcome = NULL;

  *keep = FALSE;
  answer = sb_ops_call_full (sb, system, operation, sb_str (call, "service"),
                             sb_obj (call, "citizen"), sb_obj (call, "params"), &reason,
                             &garbage, &error);
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
  sb_log_call (sb, system, operation, request_id, outcome);
}

static void
handle_ops (SbSandbox  *sb,
            SbRequest  *request,
            SbResponse *response,
            gpointer    user_data)
{
  g_autofree char *system = NULL;
  g_autofree char *operation = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *key = NULL;
  const char *request_id = NULL;
  gboolean keep = FALSE;

  if (!split_path (sb_request_path (request), &system, &operation))
    {
      answer_error (response, 404, "not-found", "no such path");
      return;
    }
  if (!token_ok (sb, request))
    {
      answer_error (response, 401, NULL, "missing or wrong bearer token");
      sb_log_call (sb, system, operation, NULL, "unauthorised");
      return;
    }
  root = parse_call (request, response, &request_id);
  if (root == NULL)
    {
      sb_log_call (sb, system, operation, NULL, "malformed");
      return;
    }

  key = g_strconcat ("rest\n", request_id, NULL);
  g_mutex_lock (&running_lock);
  if (running == NULL)
    running = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  while (g_hash_table_contains (running, key))
    g_cond_wait (&running_cond, &running_lock);
  if (sb_replay_lookup (sb, key, response))
    {
      g_mutex_unlock (&running_lock);
      sb_log_call (sb, system, operation, request_id, "replayed");
      return;
    }
  g_hash_table_add (running, g_strdup (key));
  g_mutex_unlock (&running_lock);

  run_call (sb, system, operation, json_node_get_object (root), request_id, response, &keep);
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
