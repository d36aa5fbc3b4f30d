/* tongban-mrz-ocr.c: finding and repairing a TD1 zone in OCR text */

#include "tongban-mrz-ocr.h"

#include <gio/gio.h>
#include <string.h>

#define TD1_LINE 30
/* How far from 30 an OCR line may be and still be tried: filler runs are
 * what OCR miscounts, and a name line is mostly fillers. */
#define SHORTEST 18
#define LONGEST 36

/* Upper case, no spaces, only MRZ characters (anything else ends up as a
 * character the parser rejects, '?'). */
static char *
clean_line (const char *line)
{
  GString *out = g_string_new (NULL);

  for (const char *p = line; *p; p++)
    {
      char c = g_ascii_toupper (*p);

      if (c == ' ' || c == '\t')
        continue;
      if (g_ascii_isupper (c) || g_ascii_isdigit (c) || c == '<')
        g_string_append_c (out, c);
      else
        g_string_append_c (out, '?');
    }
  return g_string_free (out, FALSE);
}

/* Grows or shrinks the longest run of fillers in line[from, to) so that the
 * line is 30 long; FALSE if it cannot. */
static gboolean
fit_fillers (GString *line,
             gsize    from,
             gsize    to)
{
  gsize best = 0, best_len = 0;
  gssize diff = (gssize) TD1_LINE - (gssize) line->len;

  if (diff == 0)
    return TRUE;
  for (gsize i = from; i < to && i < line->len;)
    {
      gsize j = i;

      while (j < to && j < line->len && line->str[j] == '<')
        j++;
      if (j - i > best_len)
        {
          best = i;
          best_len = j - i;
        }
      i = j > i ? j : i + 1;
    }
  if (best_len == 0 || (diff < 0 && (gsize) -diff >= best_len))
    return FALSE;
  if (diff > 0)
    for (gssize k = 0; k < diff; k++)
      g_string_insert_c (line, best, '<');
  else
    g_string_erase (line, best, -diff);
  return line->len == TD1_LINE;
}

/* 'K' inside the filler tail [from, to) read as '<': the tail is the run
 * of '<' and 'K' that ends at to, and a 'K' counts only if a '<' is right
 * before it (a name or number ending in K keeps it). */
static void
fillers_from_k (GString *line,
                gsize    from,
                gsize    to)
{
  gsize start = MIN (to, line->len);

  while (start > from && (line->str[start - 1] == '<' || line->str[start - 1] == 'K'))
    start--;
  for (gsize i = start + 1; i < MIN (to, line->len); i++)
    if (line->str[i] == 'K' && line->str[i - 1] == '<')
      line->str[i] = '<';
}

static void
digits_at (GString    *line,
           gsize       from,
           gsize       to)
{
  static const char letters[] = "OQDIZSBG";
  static const char digits[] = "00012586";

  for (gsize i = from; i < to && i < line->len; i++)
    {
      const char *p = strchr (letters, line->str[i]);

      if (p != NULL && *p != '\0')
        line->str[i] = digits[p - letters];
    }
}

/* One repair of the three lines; NULL if they cannot be made 30 long. */
static char *
repair (char * const *lines,
        gboolean      k_fillers)
{
  g_autoptr(GString) l1 = g_string_new (lines[0]);
  g_autoptr(GString) l2 = g_string_new (lines[1]);
  g_autoptr(GString) l3 = g_string_new (lines[2]);

  if (k_fillers)
    {
      fillers_from_k (l1, 15, l1->len);
      fillers_from_k (l2, 15, l2->len > 0 ? l2->len - 1 : 0);
      fillers_from_k (l3, 0, l3->len);
    }
  /* Line 1: code, state, number and its digit, then optional data. Line 2:
   * dates and digits, nationality, optional data, composite digit. */
  if (!fit_fillers (l1, 5, l1->len) ||
      !fit_fillers (l2, 15, l2->len > 0 ? l2->len - 1 : 0))
    return NULL;
  /* The name line's tail: only its last run of fillers is counted. */
  while (l3->len < TD1_LINE && l3->len > 0 && l3->str[l3->len - 1] == '<')
    g_string_append_c (l3, '<');
  while (l3->len > TD1_LINE && l3->str[l3->len - 1] == '<')
    g_string_truncate (l3, l3->len - 1);
  if (l3->len != TD1_LINE)
    return NULL;
  digits_at (l1, 14, 15);
  digits_at (l2, 0, 7);
  digits_at (l2, 8, 15);
  digits_at (l2, 29, 30);
  return g_strdup_printf ("%s\n%s\n%s\n", l1->str, l2->str, l3->str);
}

TongbanMrz *
tongban_mrz_find_td1 (const char  *text,
                      GError     **error)
{
  g_auto(GStrv) raw = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) last = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  raw = g_strsplit_set (text, "\r\n", -1);
  for (guint i = 0; raw[i] != NULL; i++)
    {
      char *line = clean_line (raw[i]);

      if (*line == '\0')
        g_free (line);
      else
        g_ptr_array_add (lines, line);
    }
  for (guint i = 0; i + 3 <= lines->len; i++)
    {
      char **window = (char **) lines->pdata + i;
      gboolean shaped = TRUE;

      for (guint j = 0; j < 3; j++)
        shaped = shaped && strlen (window[j]) >= SHORTEST && strlen (window[j]) <= LONGEST;
      if (!shaped)
        continue;
      for (int k = 0; k < 2; k++)
        {
          g_autofree char *candidate = repair (window, k == 1);
          g_autoptr(GError) local = NULL;
          TongbanMrz *mrz;

          if (candidate == NULL)
            continue;
          mrz = tongban_mrz_parse_td1 (candidate, &local);
          if (mrz != NULL)
            return mrz;
          g_clear_error (&last);
          last = g_steal_pointer (&local);
        }
    }
  if (last != NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "machine-readable zone misread: %s", last->message);
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                         "no machine-readable zone in the text");
  return NULL;
}
