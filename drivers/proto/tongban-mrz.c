/* tongban-mrz.c: ICAO 9303 part 5 (TD1) parsing and check digits
 *
 * OCR output is accepted with any line endings and surrounding spaces, but
 * the three lines must be exactly 30 characters of A-Z, 0-9 and '<': a
 * misread character fails a check digit rather than becoming data.
 */

#include "tongban-mrz.h"

#include <gio/gio.h>
#include <string.h>

#define TD1_LINE 30

static int
char_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'Z')
    return c - 'A' + 10;
  if (c == '<')
    return 0;
  return -1;
}

/* Weights 7, 3, 1 repeating, modulo 10. Returns 10 for a character outside the set. */
guint
tongban_mrz_check_digit (const char *field,
                         gsize       length)
{
  static const int weights[] = { 7, 3, 1 };
  int sum = 0;

  for (gsize i = 0; i < length; i++)
    {
      int v = char_value (field[i]);

      if (v < 0)
        return 10;
      sum += v * weights[i % 3];
    }
  return (guint) (sum % 10);
}

static gboolean
check (const char  *field,
       gsize        length,
       char         digit,
       const char  *what,
       GError     **error)
{
  if (digit < '0' || digit > '9' ||
      tongban_mrz_check_digit (field, length) != (guint) (digit - '0'))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s check digit", what);
      return FALSE;
    }
  return TRUE;
}

/* A field without its '<' fillers; inner single fillers become spaces. */
static char *
field (const char *start,
       gsize       length)
{
  g_autofree char *raw = g_strndup (start, length);
  g_auto(GStrv) words = g_strsplit (raw, "<", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, words[i]);
    }
  return g_string_free (out, FALSE);
}

TongbanMrz *
tongban_mrz_parse_td1 (const char  *text,
                       GError     **error)
{
  g_auto(GStrv) raw = NULL;
  const char *lines[3];
  char composite[TD1_LINE * 2];
  guint n = 0;
  g_autoptr(TongbanMrz) mrz = NULL;
  const char *sep;

  g_return_val_if_fail (text != NULL, NULL);

  raw = g_strsplit_set (text, "\r\n", -1);
  for (guint i = 0; raw[i] != NULL; i++)
    {
      char *line = g_strstrip (raw[i]);

      if (*line == '\0')
        continue;
      if (n == 3 || strlen (line) != TD1_LINE)
        goto malformed;
      for (const char *p = line; *p; p++)
        if (char_value (*p) < 0)
          goto malformed;
      lines[n++] = line;
    }
  if (n != 3)
    goto malformed;

  /* A document number longer than 9 characters spills into the optional
   * data (a '<' in place of its check digit): not used by these cards. */
  if (lines[0][14] == '<')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "long document number");
      return NULL;
    }
  if (!check (lines[0] + 5, 9, lines[0][14], "document number", error) ||
      !check (lines[1], 6, lines[1][6], "birth date", error) ||
      !check (lines[1] + 8, 6, lines[1][14], "expiry date", error))
    return NULL;
  memcpy (composite, lines[0] + 5, 25);
  memcpy (composite + 25, lines[1], 7);
  memcpy (composite + 32, lines[1] + 8, 7);
  memcpy (composite + 39, lines[1] + 18, 11);
  if (!check (composite, 50, lines[1][29], "composite", error))
    return NULL;
  if (lines[1][7] != 'M' && lines[1][7] != 'F' && lines[1][7] != '<')
    goto malformed;

  mrz = g_new0 (TongbanMrz, 1);
  mrz->document_code = field (lines[0], 2);
  mrz->issuing_state = field (lines[0] + 2, 3);
  mrz->document_number = field (lines[0] + 5, 9);
  mrz->birth = g_strndup (lines[1], 6);
  mrz->sex = lines[1][7] == '<' ? g_strdup ("") : g_strndup (lines[1] + 7, 1);
  mrz->expiry = g_strndup (lines[1] + 8, 6);
  mrz->nationality = field (lines[1] + 15, 3);
  sep = strstr (lines[2], "<<");
  mrz->surname = field (lines[2], sep ? (gsize) (sep - lines[2]) : TD1_LINE);
  mrz->given_names = sep ? field (sep + 2, TD1_LINE - (sep + 2 - lines[2])) : g_strdup ("");
  return g_steal_pointer (&mrz);

malformed:
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "not three lines of 30 MRZ characters");
  return NULL;
}

void
tongban_mrz_free (TongbanMrz *mrz)
{
  if (mrz == NULL)
    return;

  char **fields[] = { &mrz->document_code, &mrz->issuing_state, &mrz->document_number,
                      &mrz->birth, &mrz->sex, &mrz->expiry, &mrz->nationality, &mrz->surname,
                      &mrz->given_names };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (*fields[i] != NULL)
      {
        explicit_bzero (*fields[i], strlen (*fields[i]));
        g_free (*fields[i]);
      }
  g_free (mrz);
}
