/* tongban-envelope.c: building, parsing and validating enveloped JSON messages */

#include "tongban-envelope.h"

#include <string.h>

const char *
tongban_code_message (TongbanCode code)
{
  switch (code)
    {
    case TONGBAN_CODE_OK: return "ok";
    case TONGBAN_CODE_BAD_JSON: return "malformed JSON";
    case TONGBAN_CODE_INVALID_FIELD: return "invalid field";
    case TONGBAN_CODE_TOO_LARGE: return "body too large";
    case TONGBAN_CODE_NOT_FOUND: return "not found";
    case TONGBAN_CODE_METHOD: return "method not allowed";
    case TONGBAN_CODE_CONFLICT: return "conflict";
    case TONGBAN_CODE_UNAUTHENTICATED: return "authentication required";
    case TONGBAN_CODE_BAD_SIGNATURE: return "bad signature";
    case TONGBAN_CODE_REPLAY: return "replayed request";
    case TONGBAN_CODE_STALE_TIMESTAMP: return "timestamp out of range";
    case TONGBAN_CODE_SESSION_EXPIRED: return "session expired";
    case TONGBAN_CODE_TERMINAL_PENDING: return "terminal awaiting approval";
    case TONGBAN_CODE_TERMINAL_LOCKED: return "terminal locked";
    case TONGBAN_CODE_FORBIDDEN: return "forbidden";
    case TONGBAN_CODE_ACCOUNT_LOCKED: return "account locked";
    case TONGBAN_CODE_TERMINAL_DISABLED: return "terminal disabled";
    case TONGBAN_CODE_RATE_LIMITED: return "rate limited";
    case TONGBAN_CODE_IDENTITY_REQUIRED: return "citizen identity required";
    case TONGBAN_CODE_MODULE_DISABLED: return "module disabled";
    case TONGBAN_CODE_BACKEND_REFUSED: return "refused by the business system";
    case TONGBAN_CODE_BACKEND_TIMEOUT: return "business system timed out";
    case TONGBAN_CODE_BACKEND_INVALID: return "business system answer invalid";
    case TONGBAN_CODE_INTERNAL: return "internal error";
    case TONGBAN_CODE_UNAVAILABLE: return "service unavailable";
    default: return "error";
    }
}

guint
tongban_code_http_status (TongbanCode code)
{
  switch (code)
    {
    case TONGBAN_CODE_OK: return 200;
    case TONGBAN_CODE_BAD_JSON:
    case TONGBAN_CODE_INVALID_FIELD: return 400;
    case TONGBAN_CODE_TOO_LARGE: return 413;
    case TONGBAN_CODE_NOT_FOUND: return 404;
    case TONGBAN_CODE_METHOD: return 405;
    case TONGBAN_CODE_CONFLICT: return 409;
    case TONGBAN_CODE_UNAUTHENTICATED:
    case TONGBAN_CODE_BAD_SIGNATURE:
    case TONGBAN_CODE_REPLAY:
    case TONGBAN_CODE_STALE_TIMESTAMP:
    case TONGBAN_CODE_SESSION_EXPIRED:
    case TONGBAN_CODE_TERMINAL_PENDING: return 401;
    case TONGBAN_CODE_TERMINAL_LOCKED:
    case TONGBAN_CODE_FORBIDDEN:
    case TONGBAN_CODE_ACCOUNT_LOCKED:
    case TONGBAN_CODE_TERMINAL_DISABLED:
    case TONGBAN_CODE_IDENTITY_REQUIRED:
    case TONGBAN_CODE_MODULE_DISABLED: return 403;
    case TONGBAN_CODE_BACKEND_REFUSED: return 422;
    case TONGBAN_CODE_RATE_LIMITED: return 429;
    case TONGBAN_CODE_BACKEND_INVALID: return 502;
    case TONGBAN_CODE_UNAVAILABLE: return 503;
    case TONGBAN_CODE_BACKEND_TIMEOUT: return 504;
    case TONGBAN_CODE_INTERNAL:
    default: return 500;
    }
}

char *
tongban_envelope_to_string (TongbanCode  code,
                            const char  *message,
                            JsonNode    *data,
                            JsonNode    *ext)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message ? message : tongban_code_message (code));
  json_builder_set_member_name (b, "data");
  if (data != NULL)
    json_builder_add_value (b, data);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "ext");
  if (ext != NULL)
    json_builder_add_value (b, ext);
  else
    {
      json_builder_begin_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

char *
tongban_envelope_error (TongbanCode  code,
                        const char  *field,
                        const char  *reason)
{
  JsonObject *o = json_object_new ();
  JsonNode *data = json_node_new (JSON_NODE_OBJECT);

  if (field != NULL)
    json_object_set_string_member (o, "field", field);
  if (reason != NULL)
    json_object_set_string_member (o, "reason", reason);
  json_node_take_object (data, o);
  return tongban_envelope_to_string (code, NULL, data, NULL);
}

JsonNode *
tongban_envelope_parse (const char   *text,
                        gssize        len,
                        TongbanCode  *code,
                        GError      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  JsonNode *code_node;

  if (!json_parser_load_from_data (parser, text, len, error))
    return NULL;
  /* (An empty text parses, to no root at all.) */
  if (json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "envelope is not an object");
      return NULL;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  code_node = json_object_get_member (o, "code");
  if (code_node == NULL || json_node_get_value_type (code_node) != G_TYPE_INT64
      || !json_object_has_member (o, "message") || !json_object_has_member (o, "data"))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "envelope lacks code, message or data");
      return NULL;
    }
  if (code != NULL)
    *code = (TongbanCode) json_node_get_int (code_node);
  return json_node_copy (json_parser_get_root (parser));
}

gboolean
tongban_json_get_string (JsonObject  *obj,
                         const char  *field,
                         gboolean     required,
                         gsize        max_len,
                         const char **out,
                         const char **reason)
{
  JsonNode *n = json_object_get_member (obj, field);
  const char *s;

  *out = NULL;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    {
      if (required)
        {
          *reason = "required";
          return FALSE;
        }
      return TRUE;
    }
  if (json_node_get_value_type (n) != G_TYPE_STRING)
    {
      *reason = "must be a string";
      return FALSE;
    }
  s = json_node_get_string (n);
  if (required && *s == '\0')
    {
      *reason = "must not be empty";
      return FALSE;
    }
  if (strlen (s) > max_len)
    {
      *reason = "too long";
      return FALSE;
    }
  if (!g_utf8_validate (s, -1, NULL))
    {
      *reason = "not UTF-8";
      return FALSE;
    }
  for (const char *p = s; *p; p++)
    if ((guchar) *p < 0x20)
      {
        *reason = "contains control characters";
        return FALSE;
      }
  *out = s;
  return TRUE;
}

gboolean
tongban_json_get_int (JsonObject  *obj,
                      const char  *field,
                      gboolean     required,
                      gint64       min,
                      gint64       max,
                      gint64      *out,
                      const char **reason)
{
  JsonNode *n = json_object_get_member (obj, field);
  gint64 v;

  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    {
      if (required)
        {
          *reason = "required";
          return FALSE;
        }
      return TRUE;
    }
  if (json_node_get_value_type (n) != G_TYPE_INT64)
    {
      *reason = "must be an integer";
      return FALSE;
    }
  v = json_node_get_int (n);
  if (v < min || v > max)
    {
      *reason = "out of range";
      return FALSE;
    }
  *out = v;
  return TRUE;
}

gboolean
tongban_json_only_fields (JsonObject          *obj,
                          const char * const  *allowed,
                          const char         **bad_field)
{
  g_autoptr(GList) members = json_object_get_members (obj);

  for (GList *l = members; l; l = l->next)
    {
      if (!g_strv_contains (allowed, l->data))
        {
          *bad_field = l->data;
          return FALSE;
        }
    }
  return TRUE;
}
