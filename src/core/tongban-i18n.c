/* tongban-i18n.c: live language switching over glibc gettext
 *
 * glibc consults the LANGUAGE variable whenever LC_MESSAGES is not "C", and
 * keeps a cache of looked-up messages that is invalidated by bumping
 * _nl_msg_cat_cntr (the documented way, GNU gettext manual "Being a gettext
 * grok"). The kiosk therefore runs in C.UTF-8 (or the system locale) and
 * chooses its language through LANGUAGE alone, so no generated locales are
 * needed on the kiosk.
 *
 * textdomain() is deliberately never called: GLib's g_dgettext() would decide
 * once, at the first call, not to translate at all if the default domain had
 * no catalogue for the start-up language (English).
 */

#include "tongban-i18n.h"

#include <glib/gi18n-lib.h>
#include <libintl.h>
#include <locale.h>
#include <string.h>

extern int _nl_msg_cat_cntr;

static const char *codes[TONGBAN_N_LANGUAGES] = { "zh_CN", "zh_HK", "en" };

static TongbanLanguage current = TONGBAN_LANGUAGE_ZH_CN;
static char *bound_localedir;

static void
apply (const char *gettext_language)
{
  /* LANGUAGE exists from start-up on, so replacing its value never reallocates
   * environ under a thread reading it. No fallback chain: zh_HK must never show
   * Simplified text, and English is the msgid itself. */
  g_setenv ("LANGUAGE", gettext_language, TRUE);
  ++_nl_msg_cat_cntr;
}

void
tongban_i18n_init (const char *localedir)
{
  const char *messages;

  /* Use the system locale for character types; fall back to C.UTF-8 so that
   * gettext honours LANGUAGE (it ignores it in the plain "C" locale). */
  if (setlocale (LC_ALL, "") == NULL)
    setlocale (LC_ALL, "C.UTF-8");
  messages = setlocale (LC_MESSAGES, NULL);
  if (messages == NULL || strcmp (messages, "C") == 0 || strcmp (messages, "POSIX") == 0)
    setlocale (LC_ALL, "C.UTF-8");

  /* Numbers and dates are formatted by the kiosk itself per language. */
  setlocale (LC_NUMERIC, "C.UTF-8");
  setlocale (LC_TIME, "C.UTF-8");

  g_free (bound_localedir);
  bound_localedir = g_strdup (localedir);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  apply (codes[current]);
}

const char *
tongban_i18n_get_localedir (void)
{
  return bound_localedir;
}

void
tongban_i18n_set_language (TongbanLanguage language)
{
  g_return_if_fail (language < TONGBAN_N_LANGUAGES);

  current = language;
  apply (codes[language]);
}

TongbanLanguage
tongban_i18n_get_language (void)
{
  return current;
}

/* For tests: a gettext language outside the three, such as a pseudo-locale. */
void
tongban_i18n_set_gettext_language (const char *code)
{
  g_return_if_fail (code != NULL);
  apply (code);
}

/* Looks @msgid up in @language without changing the display language: used
 * where a screen deliberately shows all three languages at once. The result
 * points into the loaded catalogue (or is @msgid) and stays valid. */
const char *
tongban_i18n_translate_in (TongbanLanguage  language,
                           const char      *msgid)
{
  const char *result;

  g_return_val_if_fail (language < TONGBAN_N_LANGUAGES, msgid);

  if (language == current)
    return g_dgettext (GETTEXT_PACKAGE, msgid);

  apply (codes[language]);
  result = g_dgettext (GETTEXT_PACKAGE, msgid);
  apply (codes[current]);
  return result;
}

gboolean
tongban_language_from_code (const char      *code,
                            TongbanLanguage *language)
{
  if (code == NULL)
    return FALSE;

  for (guint i = 0; i < TONGBAN_N_LANGUAGES; i++)
    {
      if (g_ascii_strcasecmp (code, codes[i]) == 0)
        {
          *language = i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
tongban_language_to_code (TongbanLanguage language)
{
  g_return_val_if_fail (language < TONGBAN_N_LANGUAGES, "en");
  return codes[language];
}

static const char *
weekday_name (GDateTime *dt)
{
  static const char *names[] = {
    NC_("weekday", "Monday"), NC_("weekday", "Tuesday"), NC_("weekday", "Wednesday"),
    NC_("weekday", "Thursday"), NC_("weekday", "Friday"), NC_("weekday", "Saturday"),
    NC_("weekday", "Sunday"),
  };
  int day = g_date_time_get_day_of_week (dt);

  return g_dpgettext2 (GETTEXT_PACKAGE, "weekday", names[CLAMP (day, 1, 7) - 1]);
}

static const char *
month_name (GDateTime *dt)
{
  static const char *names[] = {
    NC_("month", "January"), NC_("month", "February"), NC_("month", "March"),
    NC_("month", "April"), NC_("month", "May"), NC_("month", "June"),
    NC_("month", "July"), NC_("month", "August"), NC_("month", "September"),
    NC_("month", "October"), NC_("month", "November"), NC_("month", "December"),
  };
  int month = g_date_time_get_month (dt);

  return g_dpgettext2 (GETTEXT_PACKAGE, "month", names[CLAMP (month, 1, 12) - 1]);
}

/* Expands the translated date pattern. Translators place {weekday},
 * {month}, {day} and {year}, so each language orders them its own way. */
char *
tongban_i18n_format_date (GDateTime *dt)
{
  /* Translators: the date in the kiosk header. Keep the words in braces;
   * they become the weekday, month name, day and year. */
  const char *pattern = _("{weekday} {day} {month} {year}");
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (dt != NULL, NULL);

  for (const char *p = pattern; *p; )
    {
      if (g_str_has_prefix (p, "{weekday}"))
        {
          g_string_append (out, weekday_name (dt));
          p += strlen ("{weekday}");
        }
      else if (g_str_has_prefix (p, "{month}"))
        {
          g_string_append (out, month_name (dt));
          p += strlen ("{month}");
        }
      else if (g_str_has_prefix (p, "{day}"))
        {
          g_string_append_printf (out, "%d", g_date_time_get_day_of_month (dt));
          p += strlen ("{day}");
        }
      else if (g_str_has_prefix (p, "{year}"))
        {
          g_string_append_printf (out, "%d", g_date_time_get_year (dt));
          p += strlen ("{year}");
        }
      else
        g_string_append_c (out, *p++);
    }

  return g_string_free (out, FALSE);
}

char *
tongban_i18n_format_time (GDateTime *dt)
{
  g_return_val_if_fail (dt != NULL, NULL);
  return g_strdup_printf ("%02d:%02d", g_date_time_get_hour (dt), g_date_time_get_minute (dt));
}
