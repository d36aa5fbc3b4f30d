/* test-mrz.c: ICAO 9303 TD1 machine-readable zones */

#include "tongban-mrz.h"

#include <gio/gio.h>
#include <string.h>

/* The specimen of ICAO Doc 9303 part 5. */
static const char specimen[] =
  "I<UTOD231458907<<<<<<<<<<<<<<<\n"
  "7408122F1204159UTO<<<<<<<<<<<6\n"
  "ERIKSSON<<ANNA<MARIA<<<<<<<<<<\n";

static void
test_check_digits (void)
{
  g_assert_cmpuint (tongban_mrz_check_digit ("D23145890", 9), ==, 7);
  g_assert_cmpuint (tongban_mrz_check_digit ("740812", 6), ==, 2);
  g_assert_cmpuint (tongban_mrz_check_digit ("120415", 6), ==, 9);
  g_assert_cmpuint (tongban_mrz_check_digit ("<<<", 3), ==, 0);
  g_assert_cmpuint (tongban_mrz_check_digit ("a", 1), ==, 10);
}

static void
test_specimen (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanMrz) mrz = tongban_mrz_parse_td1 (specimen, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (mrz->document_code, ==, "I");
  g_assert_cmpstr (mrz->issuing_state, ==, "UTO");
  g_assert_cmpstr (mrz->document_number, ==, "D23145890");
  g_assert_cmpstr (mrz->birth, ==, "740812");
  g_assert_cmpstr (mrz->sex, ==, "F");
  g_assert_cmpstr (mrz->expiry, ==, "120415");
  g_assert_cmpstr (mrz->nationality, ==, "UTO");
  g_assert_cmpstr (mrz->surname, ==, "ERIKSSON");
  g_assert_cmpstr (mrz->given_names, ==, "ANNA MARIA");
}

static void
test_misread (void)
{
  /* One character misread by OCR anywhere a check digit covers is caught. */
  for (guint line = 0; line < 2; line++)
    for (guint col = 0; col < 30; col++)
      {
        char text[sizeof specimen];
        guint at = line * 31 + col;
        g_autoptr(GError) error = NULL;
        g_autoptr(TongbanMrz) mrz = NULL;

        /* Positions no check digit covers: line 1 code and state, line 2 sex and nationality. */
        if ((line == 0 && col < 5) || (line == 1 && (col == 7 || (col >= 15 && col < 18))))
          continue;
        memcpy (text, specimen, sizeof specimen);
        text[at] = text[at] == '8' ? '9' : '8';
        mrz = tongban_mrz_parse_td1 (text, &error);
        g_assert_null (mrz);
        g_assert_nonnull (error);
      }
}

static void
test_malformed (void)
{
  const char *bad[] = {
    "",
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\n",
    "I<UTOD231458907<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<\n",
    "i<utod231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (tongban_mrz_parse_td1 (bad[i], &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/mrz/check-digits", test_check_digits);
  g_test_add_func ("/drivers/mrz/specimen", test_specimen);
  g_test_add_func ("/drivers/mrz/misread", test_misread);
  g_test_add_func ("/drivers/mrz/malformed", test_malformed);

  return g_test_run ();
}
