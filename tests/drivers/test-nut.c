/* test-nut.c: NUT protocol lines and ups.status words */

#include "tongban-nut.h"

#include <gio/gio.h>
#include <string.h>

static void
test_command (void)
{
  g_autofree char *get = tongban_nut_command ("GET VAR", "kiosk", "ups.status");
  g_autofree char *list = tongban_nut_command ("LIST VAR", "kiosk", NULL);
  g_autofree char *bad = tongban_nut_command ("GET VAR", "kiosk\nFSD kiosk", "ups.status");

  g_assert_cmpstr (get, ==, "GET VAR kiosk ups.status\n");
  g_assert_cmpstr (list, ==, "LIST VAR kiosk\n");
  g_assert_null (bad);
}

static void
test_lines (void)
{
  g_auto(TongbanNutLine) var = { 0 };
  g_auto(TongbanNutLine) err = { 0 };
  g_auto(TongbanNutLine) begin = { 0 };
  g_auto(TongbanNutLine) esc = { 0 };
  const char *l1 = "VAR su700 ups.status \"OB LB\"\n";
  const char *l2 = "ERR UNKNOWN-UPS";
  const char *l3 = "BEGIN LIST VAR kiosk\r\n";
  const char *l4 = "VAR kiosk ups.mfr \"A \\\"quoted\\\" \\\\ name\"";

  g_assert_true (tongban_nut_parse_line (l1, strlen (l1), &var, NULL));
  g_assert_cmpint (var.kind, ==, TONGBAN_NUT_LINE_VAR);
  g_assert_cmpstr (var.ups, ==, "su700");
  g_assert_cmpstr (var.name, ==, "ups.status");
  g_assert_cmpstr (var.value, ==, "OB LB");
  g_assert_true (tongban_nut_parse_line (l2, strlen (l2), &err, NULL));
  g_assert_cmpint (err.kind, ==, TONGBAN_NUT_LINE_ERR);
  g_assert_cmpstr (err.name, ==, "UNKNOWN-UPS");
  g_assert_true (tongban_nut_parse_line (l3, strlen (l3), &begin, NULL));
  g_assert_cmpint (begin.kind, ==, TONGBAN_NUT_LINE_BEGIN_LIST);
  g_assert_cmpstr (begin.ups, ==, "kiosk");
  g_assert_true (tongban_nut_parse_line (l4, strlen (l4), &esc, NULL));
  g_assert_cmpstr (esc.value, ==, "A \"quoted\" \\ name");
}

static void
test_bad_lines (void)
{
  const char *bad[] = { "VAR kiosk ups.status \"OL", "HELLO there", "", "VAR a b",
                        "VAR a b \"\xff\xfe\"" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(TongbanNutLine) line = { 0 };
      g_autoptr(GError) error = NULL;

      g_assert_false (tongban_nut_parse_line (bad[i], strlen (bad[i]), &line, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

static void
test_status_words (void)
{
  g_assert_cmpuint (tongban_nut_parse_status ("OL"), ==, TONGBAN_UPS_OL);
  g_assert_cmpuint (tongban_nut_parse_status ("OB DISCHRG"), ==,
                    TONGBAN_UPS_OB | TONGBAN_UPS_DISCHRG);
  g_assert_cmpuint (tongban_nut_parse_status ("OB LB"), ==, TONGBAN_UPS_OB | TONGBAN_UPS_LB);
  /* FSD counts as OB LB */
  g_assert_cmpuint (tongban_nut_parse_status ("FSD OL"), ==,
                    TONGBAN_UPS_FSD | TONGBAN_UPS_OL | TONGBAN_UPS_OB | TONGBAN_UPS_LB);
  g_assert_cmpuint (tongban_nut_parse_status ("OL WEIRD") & TONGBAN_UPS_UNKNOWN, !=, 0);
  g_assert_cmpuint (tongban_nut_parse_status (""), ==, TONGBAN_UPS_UNKNOWN);
  g_assert_cmpuint (tongban_nut_parse_status (NULL), ==, TONGBAN_UPS_UNKNOWN);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/nut/command", test_command);
  g_test_add_func ("/drivers/nut/lines", test_lines);
  g_test_add_func ("/drivers/nut/bad-lines", test_bad_lines);
  g_test_add_func ("/drivers/nut/status-words", test_status_words);

  return g_test_run ();
}
