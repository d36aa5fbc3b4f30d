/* tongban-pinyin.h: toneless pinyin readings of Chinese characters
 *
 * The table is generated at build time from Rime's luna_pinyin dictionary
 * (gen-pinyin-table.py) and covers U+3400..U+9FFF, Simplified and Traditional
 * characters alike. Polyphonic characters keep up to three readings, the most
 * frequent first, so a search matches whichever reading the citizen types.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TONGBAN_PINYIN_MAX_READINGS 3

gboolean    tongban_pinyin_is_han        (gunichar    c);
guint       tongban_pinyin_lookup        (gunichar    c,
                                          guint16     ids[TONGBAN_PINYIN_MAX_READINGS]);
const char *tongban_pinyin_syllable      (guint16     id,
                                          guint      *length);
guint       tongban_pinyin_get_readings  (gunichar    c,
                                          const char *readings[TONGBAN_PINYIN_MAX_READINGS]);

G_END_DECLS
