/* tongban-i18n.h: the kiosk's display language, switchable at any moment
 *
 * The kiosk speaks three languages: Simplified Chinese (zh_CN), Traditional
 * Chinese in Hong Kong usage (zh_HK) and English (the msgids). Switching sets
 * gettext's LANGUAGE and flushes its cache, so every later _() call answers in
 * the new language; the GTK side then re-renders what is on screen.
 * Call these from the main thread only.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TONGBAN_LANGUAGE_ZH_CN,
  TONGBAN_LANGUAGE_ZH_HK,
  TONGBAN_LANGUAGE_EN,
  TONGBAN_N_LANGUAGES
} TongbanLanguage;

void             tongban_i18n_init             (const char      *localedir);
const char      *tongban_i18n_get_localedir    (void);
void             tongban_i18n_set_language     (TongbanLanguage  language);
TongbanLanguage  tongban_i18n_get_language     (void);
void             tongban_i18n_set_gettext_language (const char  *code);
const char      *tongban_i18n_translate_in     (TongbanLanguage  language,
                                                const char      *msgid);
gboolean         tongban_language_from_code    (const char      *code,
                                                TongbanLanguage *language);
const char      *tongban_language_to_code      (TongbanLanguage  language);
char            *tongban_i18n_format_date      (GDateTime       *dt);
char            *tongban_i18n_format_time      (GDateTime       *dt);

G_END_DECLS
