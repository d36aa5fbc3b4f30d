/* fuzz_gateway.c: the gateway's parsers of outside bytes — a back end's REST answer and a
 * kiosk's call parameters against an operation's schema
 *
 * Input: the first byte picks what is fed. Even: the rest is a back end's answer body, the
 * second byte picks its HTTP status. Odd: the rest is "operation\nJSON params". Whatever
 * comes in, the answer is an object or a TM_GATEWAY_ERROR / 1002 error, never a crash or a
 * GLib critical (the replay runs with G_DEBUG=fatal-warnings). Replayed over the corpus in
 * fuzz-gateway/ by ../fuzz/replay.c; builds as a libFuzzer target with clang as well.
 */

#include "tm-gateway.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static TmGateway *gateway;

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const long statuses[] = { 200, 404, 409, 500, 302, 100, 201, 403 };
  g_autoptr(GError) error = NULL;

  if (gateway == NULL)
    gateway = tm_gateway_new (900);
  if (size < 2)
    return 0;
  if ((data[0] & 1) == 0)
    {
      g_autoptr(JsonObject) answer = tm_gw_rest_parse_answer (statuses[data[1] % 8], data + 2,
                                                              size - 2, &error);

      g_assert ((answer != NULL) != (error != NULL));
      if (error != NULL)
        g_assert (error->domain == TM_GATEWAY_ERROR);
      if (error != NULL && error->code == TM_GATEWAY_ERROR_REFUSED)
        g_assert (tm_gateway_reason_known (error->message));
    }
  else
    {
      g_autofree char *text = g_strndup ((const char *) data + 1, size - 1);
      char *nl = strchr (text, '\n');
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root;
      gboolean ok;

      if (nl == NULL)
        return 0;
      *nl = '\0';
      if (!g_utf8_validate (nl + 1, -1, NULL)
          || !json_parser_load_from_data (parser, nl + 1, -1, NULL))
        return 0;
      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        return 0;
      ok = tm_gateway_check_params (gateway, text, json_node_get_object (root), &error);
      g_assert (ok == (error == NULL));
      if (error != NULL)
        g_assert (error->domain == TM_API_ERROR && error->code == TONGBAN_CODE_INVALID_FIELD);
    }
  return 0;
}
