/* fuzz_sandbox_request.c: tongban-sandbox's checks of a REST call and of a form body
 *
 * Input: a path line, then the body. The same bytes are also read as a form body.
 */

#include "sb-request.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const guint8 *nl = memchr (data, '\n', size);
  gsize path_len = nl ? (gsize) (nl - data) : size;
  g_autofree char *path = g_strndup ((const char *) data, path_len);
  const char *body = nl ? (const char *) nl + 1 : "";
  gsize body_len = nl ? size - path_len - 1 : 0;
  g_autofree char *system = NULL;
  g_autofree char *operation = NULL;
  g_auto(SbCallRequest) call = { 0 };
  const char *problem = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GHashTable) form = NULL;
  GHashTableIter it;
  gpointer key, value;

  if (sb_call_path_split (path, &system, &operation))
    {
      g_assert (*system != '\0' && strlen (system) <= 32);
      g_assert (*operation != '\0' && strlen (operation) <= 48);
      g_assert (strchr (system, '/') == NULL && strchr (operation, '/') == NULL);
    }
  if (sb_call_request_parse (&call, body, body_len, NULL, &problem))
    {
      g_assert (call.request_id != NULL && *call.request_id != '\0');
      g_assert (strlen (call.request_id) <= 128);
    }
  else
    g_assert (problem != NULL);

  form = sb_form_parse (bytes);
  g_assert (g_hash_table_size (form) <= 64);
  g_hash_table_iter_init (&it, form);
  while (g_hash_table_iter_next (&it, &key, &value))
    g_assert (g_utf8_validate (value, -1, NULL));
  return 0;
}
