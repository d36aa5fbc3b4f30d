/* tongban-mask.c: character-wise masking of names, ID numbers and phone numbers */

#include "tongban-mask.h"

char *
tongban_mask (const char *text,
              guint       keep_head,
              guint       keep_tail)
{
  GString *out;
  glong len;
  const char *p;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_strdup ("");
  len = g_utf8_strlen (text, -1);
  /* At least one character must be hidden, or the mask would reveal everything. */
  if ((glong) keep_head + (glong) keep_tail >= len)
    keep_head = keep_tail = 0;
  out = g_string_new (NULL);
  p = text;
  for (glong i = 0; i < len; i++, p = g_utf8_next_char (p))
    {
      if (i < (glong) keep_head || i >= len - (glong) keep_tail)
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      else
        g_string_append_c (out, '*');
    }
  return g_string_free (out, FALSE);
}

char *
tongban_mask_name (const char *name)
{
  /* 张三丰 → 张**; a one-character name is hidden completely. */
  return tongban_mask (name, 1, 0);
}

char *
tongban_mask_id (const char *id_number)
{
  /* 18-digit resident ID: region prefix and last four stay, birth date goes. HK/Macau IDs
   * are shorter; the same rule still hides the middle. */
  return tongban_mask (id_number, 4, 4);
}

char *
tongban_mask_phone (const char *phone)
{
  return tongban_mask (phone, 3, 4);
}
