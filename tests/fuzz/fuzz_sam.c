/* fuzz_sam.c: the SAM frame parser and the ID card text decoder on arbitrary bytes
 *
 * Properties beyond "no crash": the parser always makes progress or asks for
 * more, a frame it accepts rebuilds to the same bytes, and a decoded
 * identity re-encodes to a payload that decodes to the same fields.
 */

#include "tongban-sam.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  gsize pos = 0;

  while (pos < size)
    {
      TongbanSamFrame frame;
      gsize used = 0;
      TongbanSamParse r = tongban_sam_parse (data + pos, size - pos, &frame, &used, NULL);

      if (r == TONGBAN_SAM_PARSE_NEED_MORE)
        {
          g_assert (used == 0);
          break;
        }
      g_assert (used > 0 && used <= size - pos);
      if (r == TONGBAN_SAM_PARSE_OK)
        {
          g_autoptr(GByteArray) again = tongban_sam_build (frame.body, frame.body_len, NULL, 0);
          g_assert (again->len == used && memcmp (again->data, data + pos, used) == 0);
        }
      pos += used;
    }

  for (int fp = 0; fp <= 1; fp++)
    {
      g_autoptr(TongbanIdentity) id = tongban_identity_decode (data, size, fp, NULL);

      if (id != NULL)
        {
          g_autoptr(GByteArray) payload = tongban_identity_encode (id, fp);
          g_autoptr(TongbanIdentity) again = tongban_identity_decode (payload->data, payload->len,
                                                                      fp, NULL);
          g_autofree char *summary = tongban_identity_describe (id);

          g_assert (again != NULL);
          for (guint f = 0; f < TONGBAN_ID_N_FIELDS; f++)
            g_assert (g_strcmp0 (again->fields[f], id->fields[f]) == 0 ||
                      /* a field with characters beyond its width is cut on encode */
                      id->fields[f] == NULL);
          tongban_id_number_valid (id->fields[TONGBAN_ID_NUMBER]);
        }
    }
  return 0;
}
