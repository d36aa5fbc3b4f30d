/* answer_gateway.c: the kiosk's reading of the gateway's answers on arbitrary bytes
 *
 * The manager's envelope as the kiosk parses it, then, for a refusal, the
 * mapping to a backend error and its reason id (tongban-gateway-backend.c):
 * whatever comes, the error is a backend error, and its reason is one of
 * the known ids or none. A libFuzzer target like the fuzz_*.c ones, but it
 * needs the core library, so it is only replayed over its corpus here, not
 * built with clang by ./tongban test (as answer_document.c). */

#include "tongban-envelope.h"
#include "tongban-gateway-backend.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) mapped = NULL;
  TongbanCode code = TONGBAN_CODE_OK;
  JsonNode *payload;
  const char *reason;

  root = tongban_envelope_parse ((const char *) data, (gssize) size, &code, &error);
  if (root == NULL || code == TONGBAN_CODE_OK)
    return 0;
  payload = json_object_get_member (json_node_get_object (root), "data");
  mapped = tongban_gateway_backend_map_answer (code, payload, "auth.id-card");
  g_assert (mapped != NULL && mapped->domain == TONGBAN_BACKEND_ERROR);
  reason = tongban_backend_error_get_reason (mapped);
  g_assert (reason == NULL || tongban_backend_reason_is_known (reason));
  g_assert ((reason == NULL) == (tongban_backend_error_reason_text (mapped) == NULL));
  return 0;
}
