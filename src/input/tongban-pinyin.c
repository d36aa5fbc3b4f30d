/* tongban-pinyin.c: lookups in the generated pinyin table */

#include "tongban-pinyin.h"

#include <string.h>
#include "tongban-pinyin-table.h"

/* Han characters as far as search is concerned: the unified ideographs with
 * extension A, the compatibility ideographs and the supplementary planes. Only
 * the first range has readings in the table; the others still count as Han so
 * that they are matched as Chinese text, not as Latin words. */
gboolean
tongban_pinyin_is_han (gunichar c)
{
  return (c >= 0x3400 && c <= 0x9FFF)
      || (c >= 0xF900 && c <= 0xFAFF)
      || (c >= 0x20000 && c <= 0x3FFFF);
}

/* Fills @ids with the syllable ids of @c, most frequent first; returns how
 * many (0 for a character that is not in the table). */
guint
tongban_pinyin_lookup (gunichar c,
                       guint16  ids[TONGBAN_PINYIN_MAX_READINGS])
{
  guint32 packed;
  guint n = 0;

  if (c < TONGBAN_PINYIN_TABLE_FIRST || c > TONGBAN_PINYIN_TABLE_LAST)
    return 0;

  packed = pinyin_chars[c - TONGBAN_PINYIN_TABLE_FIRST];
  while (n < TONGBAN_PINYIN_MAX_READINGS && (packed & 0x3FF) != 0)
    {
      ids[n++] = packed & 0x3FF;
      packed >>= 10;
    }
  return n;
}

/* The syllable with id @id (from tongban_pinyin_lookup()), or NULL. */
const char *
tongban_pinyin_syllable (guint16  id,
                         guint   *length)
{
  const char *s;

  if (id == 0 || id > TONGBAN_PINYIN_N_SYLLABLES)
    return NULL;

  s = pinyin_syllables[id - 1];
  if (length != NULL)
    *length = (guint) strlen (s);
  return s;
}

guint
tongban_pinyin_get_readings (gunichar    c,
                             const char *readings[TONGBAN_PINYIN_MAX_READINGS])
{
  guint16 ids[TONGBAN_PINYIN_MAX_READINGS];
  guint n = tongban_pinyin_lookup (c, ids);

  for (guint i = 0; i < n; i++)
    readings[i] = tongban_pinyin_syllable (ids[i], NULL);
  return n;
}
