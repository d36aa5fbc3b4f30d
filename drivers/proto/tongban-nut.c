/* tongban-nut.c: NUT protocol lines (networkupstools docs/net-protocol.txt)
 *
 * Words are separated by spaces; a word may be a double-quoted string with
 * backslash escapes. Anything that is not a line we asked for is invalid
 * data, never guessed at.
 */

#include "tongban-nut.h"

#include <gio/gio.h>
#include <string.h>

static gboolean
safe_word (const char *word)
{
  if (word == NULL || *word == '\0')
    return FALSE;
  for (const char *p = word; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._-@:", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* "GET VAR kiosk ups.status\n"; names are validated, never quoted blindly. */
char *
tongban_nut_command (const char *verb,
                     const char *ups,
                     const char *name)
{
  g_return_val_if_fail (verb != NULL, NULL);

  if (ups != NULL && !safe_word (ups))
    return NULL;
  if (name != NULL && !safe_word (name))
    return NULL;
  return g_strconcat (verb, ups ? " " : "", ups ? ups : "", name ? " " : "", name ? name : "",
                      "\n", NULL);
}

static GPtrArray *
tokenize (const char  *line,
          gsize        length,
          GError     **error)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  gsize i = 0;

  while (i < length)
    {
      GString *word;

      if (line[i] == ' ' || line[i] == '\t')
        {
          i++;
          continue;
        }
      word = g_string_new (NULL);
      if (line[i] == '"')
        {
          gboolean closed = FALSE;

          for (i++; i < length; i++)
            {
              if (line[i] == '\\' && i + 1 < length)
                g_string_append_c (word, line[++i]);
              else if (line[i] == '"')
                {
                  closed = TRUE;
                  i++;
                  break;
                }
              else
                g_string_append_c (word, line[i]);
            }
          if (!closed)
            {
              g_string_free (word, TRUE);
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "unclosed quote");
              return NULL;
            }
        }
      else
        {
          for (; i < length && line[i] != ' ' && line[i] != '\t'; i++)
            g_string_append_c (word, line[i]);
        }
      if (memchr (word->str, '\0', word->len) != NULL || !g_utf8_validate (word->str, -1, NULL))
        {
          g_string_free (word, TRUE);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad characters");
          return NULL;
        }
      g_ptr_array_add (words, g_string_free (word, FALSE));
    }
  return g_steal_pointer (&words);
}

gboolean
tongban_nut_parse_line (const char      *line,
                        gsize            length,
                        TongbanNutLine  *out,
                        GError         **error)
{
  g_autoptr(GPtrArray) words = NULL;
  char **w;

  memset (out, 0, sizeof *out);
  while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r'))
    length--;
  words = tokenize (line, length, error);
  if (words == NULL)
    return FALSE;
  w = (char **) words->pdata;

  if (words->len == 4 && strcmp (w[0], "VAR") == 0)
    {
      out->kind = TONGBAN_NUT_LINE_VAR;
      out->ups = g_strdup (w[1]);
      out->name = g_strdup (w[2]);
      out->value = g_strdup (w[3]);
      return TRUE;
    }
  if (words->len >= 2 && strcmp (w[0], "ERR") == 0)
    {
      out->kind = TONGBAN_NUT_LINE_ERR;
      out->name = g_strdup (w[1]);
      return TRUE;
    }
  if (words->len == 4 && strcmp (w[1], "LIST") == 0 &&
      (strcmp (w[0], "BEGIN") == 0 || strcmp (w[0], "END") == 0))
    {
      out->kind = w[0][0] == 'B' ? TONGBAN_NUT_LINE_BEGIN_LIST : TONGBAN_NUT_LINE_END_LIST;
      out->name = g_strdup (w[2]);
      out->ups = g_strdup (w[3]);
      return TRUE;
    }
  if (words->len >= 1 && strcmp (w[0], "OK") == 0)
    {
      out->kind = TONGBAN_NUT_LINE_OK;
      return TRUE;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "unexpected line of %u words",
               words->len);
  return FALSE;
}

void
tongban_nut_line_clear (TongbanNutLine *line)
{
  g_clear_pointer (&line->ups, g_free);
  g_clear_pointer (&line->name, g_free);
  g_clear_pointer (&line->value, g_free);
}

guint
tongban_nut_parse_status (const char *value)
{
  static const struct { const char *word; guint flag; } words[] = {
    { "OL", TONGBAN_UPS_OL }, { "OB", TONGBAN_UPS_OB }, { "LB", TONGBAN_UPS_LB },
    { "RB", TONGBAN_UPS_RB }, { "CHRG", TONGBAN_UPS_CHRG }, { "DISCHRG", TONGBAN_UPS_DISCHRG },
    { "BYPASS", TONGBAN_UPS_BYPASS }, { "CAL", TONGBAN_UPS_CAL }, { "OFF", TONGBAN_UPS_OFF },
    { "OVER", TONGBAN_UPS_OVER }, { "TRIM", TONGBAN_UPS_TRIM }, { "BOOST", TONGBAN_UPS_BOOST },
    { "FSD", TONGBAN_UPS_FSD }, { "HB", TONGBAN_UPS_HB }, { "ALARM", TONGBAN_UPS_ALARM },
  };
  g_auto(GStrv) parts = NULL;
  guint flags = 0;

  if (value == NULL)
    return TONGBAN_UPS_UNKNOWN;
  parts = g_strsplit (value, " ", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint flag = TONGBAN_UPS_UNKNOWN;

      if (parts[i][0] == '\0')
        continue;
      for (guint j = 0; j < G_N_ELEMENTS (words); j++)
        if (strcmp (parts[i], words[j].word) == 0)
          flag = words[j].flag;
      flags |= flag;
    }
  /* net-protocol.txt: treat FSD like "OB LB". */
  if (flags & TONGBAN_UPS_FSD)
    flags |= TONGBAN_UPS_OB | TONGBAN_UPS_LB;
  return flags ? flags : TONGBAN_UPS_UNKNOWN;
}
