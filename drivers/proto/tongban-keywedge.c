/* tongban-keywedge.c: US-layout key codes to characters
 *
 * Only key presses count (value 1; 2 is autorepeat, which a scanner does
 * not produce); anything off the table is dropped rather than guessed.
 */

#include "tongban-keywedge.h"

#include <linux/input.h>

#define MAX_LINE 8192

struct _TongbanKeywedge
{
  gboolean shift;
  GString *line;
};

static const char plain[] =
  "\0\0" "1234567890-=" "\0\0" "qwertyuiop[]" "\0\0" "asdfghjkl;'`" "\0" "\\zxcvbnm,./";
static const char shifted[] =
  "\0\0" "!@#$%^&*()_+" "\0\0" "QWERTYUIOP{}" "\0\0" "ASDFGHJKL:\"~" "\0" "|ZXCVBNM<>?";

TongbanKeywedge *
tongban_keywedge_new (void)
{
  TongbanKeywedge *self = g_new0 (TongbanKeywedge, 1);

  self->line = g_string_new (NULL);
  return self;
}

void
tongban_keywedge_free (TongbanKeywedge *self)
{
  if (self == NULL)
    return;
  g_string_free (self->line, TRUE);
  g_free (self);
}

/* Returns a finished line (Enter), or NULL. */
char *
tongban_keywedge_feed (TongbanKeywedge *self,
                       guint16          type,
                       guint16          code,
                       gint32           value)
{
  if (type != EV_KEY)
    return NULL;
  if (code == KEY_LEFTSHIFT || code == KEY_RIGHTSHIFT)
    {
      self->shift = value != 0;
      return NULL;
    }
  if (value != 1)
    return NULL;
  if (code == KEY_ENTER || code == KEY_KPENTER)
    {
      char *line = g_strdup (self->line->str);
      g_string_truncate (self->line, 0);
      return line;
    }
  if (self->line->len >= MAX_LINE)
    return NULL;
  if (code == KEY_SPACE)
    g_string_append_c (self->line, ' ');
  else if (code < sizeof plain - 1 && plain[code] != '\0')
    g_string_append_c (self->line, self->shift ? shifted[code] : plain[code]);
  return NULL;
}
