/* test-mrz-ocr.c: finding a TD1 zone in OCR text, with the repairs OCR needs and no others */

#include "tongban-mrz-ocr.h"

#include <gio/gio.h>

/* An Exit-Entry Permit's zone (document code CS), check digits computed by hand. */
#define L1 "CSCHNC123456788<<<<<<<<<<<<<<<"
#define L2 "9001011M3001019CHN<<<<<<<<<<<0"
#define L3 "ZHANG<<SAN<<<<<<<<<<<<<<<<<<<<"

static void
assert_permit (TongbanMrz *mrz)
{
  g_assert_nonnull (mrz);
  g_assert_cmpstr (mrz->document_code, ==, "CS");
  g_assert_cmpstr (mrz->document_number, ==, "C12345678");
  g_assert_cmpstr (mrz->birth, ==, "900101");
  g_assert_cmpstr (mrz->expiry, ==, "300101");
  g_assert_cmpstr (mrz->sex, ==, "M");
  g_assert_cmpstr (mrz->surname, ==, "ZHANG");
}

static void
test_clean (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanMrz) mrz = tongban_mrz_find_td1 (L1 "\n" L2 "\n" L3 "\n", &error);

  g_assert_no_error (error);
  assert_permit (mrz);
  g_assert_cmpstr (mrz->given_names, ==, "SAN");
}

static void
test_in_page (void)
{
  /* The card's other print around it, spaces, a blank line, lower case. */
  const char *text = "EXITENTRY PERMIT\n\nZHANG SAN 1990 01 01\n"
                     "CS CHN C12345678 8<<<<<<<<<<<<<<<\n"
                     "9001011M3001019chn<<<<<<<<<<<0\n\n"
                     L3 "\nCHINA\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanMrz) mrz = tongban_mrz_find_td1 (text, &error);

  g_assert_no_error (error);
  assert_permit (mrz);
}

static void
test_fillers (void)
{
  /* What tesseract gave for a DejaVu Sans Mono zone: the name line's filler
   * tail 8 short; and a number line's filler run one too long. */
  const char *text = L1 "<\n" L2 "\nZHANG<<SAN<<<<<<<<<<<<\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanMrz) mrz = tongban_mrz_find_td1 (text, &error);

  g_assert_no_error (error);
  assert_permit (mrz);
  g_assert_cmpstr (mrz->given_names, ==, "SAN");
}

static void
test_k_fillers (void)
{
  /* What tesseract's English model gave for an OCR-B zone at 36 pt: '<' read
   * as 'K' in the filler runs. The name line keeps a 'K' that follows a
   * letter (a name may end in K): the check digits cannot vouch for it. */
  const char *text = "CSCHNC123456788<<<<<<<<<<K<KKK\n"
                     "9001011M3001019CHN<<<<<<<<K<<0\n"
                     "ZHANG<<SANK<K<K<<<<<K<KKKKKKKKKK\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanMrz) mrz = tongban_mrz_find_td1 (text, &error);

  g_assert_no_error (error);
  assert_permit (mrz);
  g_assert_cmpstr (mrz->given_names, ==, "SANK");
}

static void
test_digits (void)
{
  /* O for 0 and I for 1 in date positions. */
  const char *text = L1 "\n9OO1O11M3OO1O19CHN<<<<<<<<<<<0\n" L3 "\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanMrz) mrz = tongban_mrz_find_td1 (text, &error);

  g_assert_no_error (error);
  assert_permit (mrz);
}

static void
test_misread (void)
{
  /* One digit of the number misread as another: no repair makes the check
   * digits verify, and a wrong number is never returned. */
  const char *text = "CSCHNC123456188<<<<<<<<<<<<<<<\n" L2 "\n" L3 "\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanMrz) mrz = tongban_mrz_find_td1 (text, &error);

  g_assert_null (mrz);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static void
test_nothing (void)
{
  const char *texts[] = { "", "\n\n", "EXITENTRY PERMIT\nCHINA\n", L1 "\n" L2 "\n",
                          "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\n<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\n"
                          "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\n" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TongbanMrz) mrz = tongban_mrz_find_td1 (texts[i], &error);

      g_assert_null (mrz);
      g_assert_nonnull (error);
      g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
                     g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA));
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/mrz-ocr/clean", test_clean);
  g_test_add_func ("/drivers/mrz-ocr/in-page", test_in_page);
  g_test_add_func ("/drivers/mrz-ocr/fillers", test_fillers);
  g_test_add_func ("/drivers/mrz-ocr/k-fillers", test_k_fillers);
  g_test_add_func ("/drivers/mrz-ocr/digits", test_digits);
  g_test_add_func ("/drivers/mrz-ocr/misread", test_misread);
  g_test_add_func ("/drivers/mrz-ocr/nothing", test_nothing);

  return g_test_run ();
}
