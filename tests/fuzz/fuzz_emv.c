/* fuzz_emv.c: BER-TLV search and account number reading on arbitrary bytes
 *
 * Whatever the card answers, a found value lies inside the input, and an
 * account number found has 12 to 19 digits, passes Luhn and masks to the
 * same length with only its first 6 and last 4 digits showing.
 */

#include "tongban-emv.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const guint tags[] = { 0x4F, 0x5A, 0x57, 0x61, 0x70, 0xBF0C, 0x5F24, 0x9F4B };
  g_autofree char *pan = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      const guint8 *v = NULL;
      gsize vl = 0;

      if (tongban_emv_find_tag (data, size, tags[i], &v, &vl))
        g_assert (v >= data && v + vl <= data + size);
    }
  pan = tongban_emv_pan (data, size);
  if (pan != NULL)
    {
      g_autofree char *masked = tongban_emv_mask_pan (pan);
      gsize n = strlen (pan);

      g_assert (n >= 12 && n <= 19 && tongban_emv_luhn_ok (pan));
      g_assert (masked != NULL && strlen (masked) == n);
      g_assert (memcmp (masked, pan, 6) == 0 && memcmp (masked + n - 4, pan + n - 4, 4) == 0);
      for (gsize i = 6; i < n - 4; i++)
        g_assert (masked[i] == '*');
    }
  return 0;
}
