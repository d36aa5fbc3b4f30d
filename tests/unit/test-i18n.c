/* test-i18n.c: live language switching and dates, against the built catalogues */

#include <glib/gi18n-lib.h>
#include "tongban-i18n.h"

static void
test_switch (void)
{
  tongban_i18n_set_language (TONGBAN_LANGUAGE_ZH_CN);
  g_assert_cmpstr (_("Home"), ==, "首页");
  tongban_i18n_set_language (TONGBAN_LANGUAGE_ZH_HK);
  g_assert_cmpstr (_("Home"), ==, "首頁");
  /* Hong Kong usage, not converted characters. */
  g_assert_cmpstr (_("Help"), ==, "說明");
  tongban_i18n_set_language (TONGBAN_LANGUAGE_EN);
  g_assert_cmpstr (_("Home"), ==, "Home");
  tongban_i18n_set_language (TONGBAN_LANGUAGE_ZH_CN);
  g_assert_cmpstr (_("Back"), ==, "返回");
  g_assert_cmpint (tongban_i18n_get_language (), ==, TONGBAN_LANGUAGE_ZH_CN);
}

static void
test_translate_in (void)
{
  tongban_i18n_set_language (TONGBAN_LANGUAGE_EN);
  g_assert_cmpstr (tongban_i18n_translate_in (TONGBAN_LANGUAGE_ZH_HK, "Out of service"), ==,
                   "暫停服務");
  g_assert_cmpstr (tongban_i18n_translate_in (TONGBAN_LANGUAGE_ZH_CN, "Out of service"), ==,
                   "暂停服务");
  /* The display language is untouched. */
  g_assert_cmpstr (_("Home"), ==, "Home");
  g_assert_cmpint (tongban_i18n_get_language (), ==, TONGBAN_LANGUAGE_EN);
}

static void
test_dates (void)
{
  g_autoptr(GDateTime) dt = g_date_time_new_local (2026, 11, 27, 9, 5, 0);
  g_autofree char *en = NULL;
  g_autofree char *cn = NULL;
  g_autofree char *hk = NULL;
  g_autofree char *time = tongban_i18n_format_time (dt);

  tongban_i18n_set_language (TONGBAN_LANGUAGE_EN);
  en = tongban_i18n_format_date (dt);
  tongban_i18n_set_language (TONGBAN_LANGUAGE_ZH_CN);
  cn = tongban_i18n_format_date (dt);
  tongban_i18n_set_language (TONGBAN_LANGUAGE_ZH_HK);
  hk = tongban_i18n_format_date (dt);

  g_assert_cmpstr (en, ==, "Friday 27 November 2026");
  g_assert_cmpstr (cn, ==, "2026年11月27日 星期五");
  g_assert_cmpstr (hk, ==, "2026年11月27日 星期五");
  g_assert_cmpstr (time, ==, "09:05");
}

static void
test_codes (void)
{
  TongbanLanguage lang;

  g_assert_true (tongban_language_from_code ("zh_HK", &lang));
  g_assert_cmpint (lang, ==, TONGBAN_LANGUAGE_ZH_HK);
  g_assert_true (tongban_language_from_code ("EN", &lang));
  g_assert_cmpint (lang, ==, TONGBAN_LANGUAGE_EN);
  g_assert_false (tongban_language_from_code ("zh_TW", &lang));
  g_assert_false (tongban_language_from_code (NULL, &lang));
  g_assert_cmpstr (tongban_language_to_code (TONGBAN_LANGUAGE_ZH_CN), ==, "zh_CN");
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("TONGBAN_LOCALEDIR");

  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (localedir);
  tongban_i18n_init (localedir);
  g_test_add_func ("/kiosk/i18n/switch", test_switch);
  g_test_add_func ("/kiosk/i18n/translate-in", test_translate_in);
  g_test_add_func ("/kiosk/i18n/dates", test_dates);
  g_test_add_func ("/kiosk/i18n/codes", test_codes);
  return g_test_run ();
}
