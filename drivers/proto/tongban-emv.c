/* tongban-emv.c: BER-TLV search and the account number of a bank card
 *
 * Card answers are outside bytes: every length is checked against what is
 * left, nesting is bounded, and anything malformed is simply "not found".
 */

#include "tongban-emv.h"

#include <string.h>

#define MAX_DEPTH 8

/* Reads one TLV header at *p; FALSE if it does not fit in [*p, end). */
static gboolean
read_header (const guint8 **p,
             const guint8  *end,
             guint         *tag,
             gboolean      *constructed,
             gsize         *length)
{
  const guint8 *q = *p;
  gsize len;

  if (q >= end)
    return FALSE;
  *constructed = (*q & 0x20) != 0;
  *tag = *q;
  if ((*q++ & 0x1F) == 0x1F)
    {
      /* Subsequent tag bytes while bit 8 is set; EMV tags have at most 3 bytes. */
      for (guint n = 0; ; n++)
        {
          if (q >= end || n == 2)
            return FALSE;
          *tag = (*tag << 8) | *q;
          if (!(*q++ & 0x80))
            break;
        }
    }
  if (q >= end)
    return FALSE;
  if (*q < 0x80)
    len = *q++;
  else
    {
      guint n = *q++ & 0x7F;

      if (n == 0 || n > 3 || (gsize) (end - q) < n)
        return FALSE;
      len = 0;
      while (n--)
        len = (len << 8) | *q++;
    }
  if (len > (gsize) (end - q))
    return FALSE;
  *length = len;
  *p = q;
  return TRUE;
}

static gboolean
find (const guint8  *p,
      const guint8  *end,
      guint          wanted,
      guint          depth,
      const guint8 **value,
      gsize         *value_length)
{
  while (p < end)
    {
      guint tag;
      gboolean constructed;
      gsize len;

      /* Padding between objects (00 or FF) is allowed by ISO 7816-4. */
      if (*p == 0x00 || *p == 0xFF)
        {
          p++;
          continue;
        }
      if (!read_header (&p, end, &tag, &constructed, &len))
        return FALSE;
      if (tag == wanted)
        {
          *value = p;
          *value_length = len;
          return TRUE;
        }
      if (constructed && depth < MAX_DEPTH &&
          find (p, p + len, wanted, depth + 1, value, value_length))
        return TRUE;
      p += len;
    }
  return FALSE;
}

/* Finds the first @tag (as written: 0x5A, 0x5F24, 0xBF0C) anywhere in @tlv,
 * looking inside constructed objects. */
gboolean
tongban_emv_find_tag (const guint8  *tlv,
                      gsize          length,
                      guint          tag,
                      const guint8 **value,
                      gsize         *value_length)
{
  const guint8 *v = NULL;
  gsize vl = 0;

  if (tlv == NULL || !find (tlv, tlv + length, tag, 0, &v, &vl))
    return FALSE;
  if (value)
    *value = v;
  if (value_length)
    *value_length = vl;
  return TRUE;
}

gboolean
tongban_emv_luhn_ok (const char *digits)
{
  guint sum = 0, n = 0;

  if (digits == NULL)
    return FALSE;
  for (gssize i = (gssize) strlen (digits) - 1; i >= 0; i--, n++)
    {
      guint d;

      if (!g_ascii_isdigit (digits[i]))
        return FALSE;
      d = (guint) (digits[i] - '0');
      if (n % 2 == 1 && (d *= 2) > 9)
        d -= 9;
      sum += d;
    }
  return n > 0 && sum % 10 == 0;
}

/* Digits of compressed BCD, up to an F nibble (5A) or the separator D (57). */
static char *
bcd_digits (const guint8 *v,
            gsize         len,
            guint8        stop)
{
  GString *s = g_string_sized_new (20);

  for (gsize i = 0; i < len * 2; i++)
    {
      guint8 nibble = i % 2 ? v[i / 2] & 0x0F : v[i / 2] >> 4;

      if (nibble == stop || nibble == 0x0F)
        break;
      if (nibble > 9)
        {
          g_string_free (s, TRUE);
          return NULL;
        }
      g_string_append_c (s, (char) ('0' + nibble));
    }
  return g_string_free (s, FALSE);
}

/* The primary account number in a READ RECORD answer (5A, else the track 2
 * equivalent 57), if it has 12 to 19 digits and passes the Luhn check; NULL
 * otherwise. The caller wipes it once masked. */
char *
tongban_emv_pan (const guint8 *record,
                 gsize         length)
{
  const guint8 *v;
  gsize vl;
  g_autofree char *pan = NULL;
  gsize n;

  if (tongban_emv_find_tag (record, length, 0x5A, &v, &vl) && vl <= 10)
    pan = bcd_digits (v, vl, 0x0F);
  else if (tongban_emv_find_tag (record, length, 0x57, &v, &vl) && vl <= 19)
    pan = bcd_digits (v, vl, 0x0D);
  if (pan == NULL)
    return NULL;
  n = strlen (pan);
  if (n < 12 || n > 19 || !tongban_emv_luhn_ok (pan))
    {
      memset (pan, 0, n);
      return NULL;
    }
  return g_steal_pointer (&pan);
}

/* First 6 and last 4 digits; the rest as asterisks (PCI DSS 3.3). */
char *
tongban_emv_mask_pan (const char *pan)
{
  gsize n;
  char *masked;

  if (pan == NULL || (n = strlen (pan)) < 12)
    return NULL;
  masked = g_strdup (pan);
  memset (masked + 6, '*', n - 10);
  return masked;
}
