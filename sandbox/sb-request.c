/* sb-request.c: checks of what callers send tongban-sandbox: the REST call envelope
 * (docs/gateway.md section 2) and the phone pages' form bodies
 *
 * Only GLib and json-glib: tests/fuzz/fuzz_sandbox_request.c builds this file alone.
 */

#include "sb-request.h"

#include <string.h>

gboolean
sb_call_path_split (const char  *path,
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

static const char *
text_member (JsonObject *o,
             const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

/* NULL or an object member: TRUE; anything else FALSE. */
static gboolean
object_member (JsonObject  *o,
               const char  *name,
               JsonObject **out)
{
  JsonNode *n = json_object_get_member (o, name);

  *out = NULL;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (n))
    return FALSE;
  *out = json_node_get_object (n);
  return TRUE;
}

gboolean
sb_call_request_parse (SbCallRequest *call,
                       const char    *data,
                       gsize          len,
                       const char    *header_request_id,
                       const char   **problem)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *o;
  const char *id;

  if (len == 0 || len > G_MAXSSIZE || !g_utf8_validate_len (data, len, NULL)
      || !json_parser_load_from_data (parser, data, (gssize) len, NULL))
    {
      *problem = "the body is not JSON";
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      *problem = "the body must be a JSON object";
      return FALSE;
    }
  o = json_node_get_object (root);
  id = text_member (o, "request_id");
  if (id == NULL || *id == '\0' || strlen (id) > 128)
    {
      *problem = "request_id is missing or too long";
      return FALSE;
    }
  if (header_request_id && strcmp (header_request_id, id) != 0)
    {
      *problem = "X-Request-Id differs from request_id";
      return FALSE;
    }
  if (!object_member (o, "citizen", &call->citizen) || !object_member (o, "params", &call->params)
      || (json_object_has_member (o, "service") && text_member (o, "service") == NULL))
    {
      *problem = "citizen and params must be objects, service text";
      call->citizen = call->params = NULL;
      return FALSE;
    }
  call->root = json_node_ref (root);
  call->request_id = id;
  call->service = text_member (o, "service");
  return TRUE;
}

void
sb_call_request_clear (SbCallRequest *call)
{
  g_clear_pointer (&call->system, g_free);
  g_clear_pointer (&call->operation, g_free);
  g_clear_pointer (&call->root, json_node_unref);
  call->request_id = call->service = NULL;
  call->citizen = call->params = NULL;
}

/* Form bodies: application/x-www-form-urlencoded, '+' for space. Bad escapes drop the pair. */
GHashTable *
sb_form_parse (GBytes *body)
{
  GHashTable *form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;
  g_autofree char *text = g_strndup (data ? data : "", len);
  g_auto(GStrv) pairs = g_strsplit (text, "&", 64);

  for (guint i = 0; pairs[i]; i++)
    {
      char *eq = strchr (pairs[i], '=');
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;

      if (eq == NULL)
        continue;
      *eq = '\0';
      g_strdelimit (pairs[i], "+", ' ');
      g_strdelimit (eq + 1, "+", ' ');
      key = g_uri_unescape_string (pairs[i], NULL);
      value = g_uri_unescape_string (eq + 1, NULL);
      if (key == NULL || value == NULL || !g_utf8_validate (value, -1, NULL))
        continue;
      g_hash_table_replace (form, g_steal_pointer (&key), g_steal_pointer (&value));
    }
  return form;
}

