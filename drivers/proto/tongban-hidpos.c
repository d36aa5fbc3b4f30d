/* tongban-hidpos.c: HID POS scanned-data reports to whole codes
 *
 * Every check happens before a byte is kept, and a bad report drops the
 * partial code with it: a code is delivered whole and as sent, or not at
 * all. Error messages say what was wrong with the report, never what the
 * code said (it may be a citizen's).
 */

#include "tongban-hidpos.h"

#include <gio/gio.h>
#include <string.h>

#define OFF_LENGTH 1
#define OFF_AIM    2
#define OFF_DATA   5
#define OFF_FLAGS  63

struct _TongbanHidpos
{
  GByteArray *code;      /* the chunks so far */
  char        aim[4];
  gboolean    started;
};

TongbanHidpos *
tongban_hidpos_new (void)
{
  TongbanHidpos *self = g_new0 (TongbanHidpos, 1);

  self->code = g_byte_array_new ();
  return self;
}

void
tongban_hidpos_free (TongbanHidpos *self)
{
  if (self == NULL)
    return;
  g_byte_array_unref (self->code);
  g_free (self);
}

void
tongban_scan_free (TongbanScan *scan)
{
  if (scan == NULL)
    return;
  g_bytes_unref (scan->data);
  g_free (scan->text);
  g_free (scan);
}

static const char *
symbology_name (const char *aim)
{
  static const struct { char code; const char *name; } names[] = {
    { 'Q', "qr-code" }, { 'L', "pdf417" }, { 'd', "data-matrix" }, { 'z', "aztec" },
    { 'E', "ean-upc" }, { 'C', "code128" }, { 'A', "code39" }, { 'G', "code93" },
    { 'I', "interleaved-2-of-5" }, { 'F', "codabar" }, { 'e', "gs1-databar" },
  };

  for (guint i = 0; aim[0] == ']' && i < G_N_ELEMENTS (names); i++)
    if (names[i].code == aim[1])
      return names[i].name;
  return "unknown";
}

/* The AIM modifiers that say "ECI protocol implemented". */
static gboolean
uses_eci (const char *aim)
{
  if (aim[0] != ']')
    return FALSE;
  if (aim[1] == 'Q')
    return aim[2] == '2' || aim[2] == '4' || aim[2] == '6';
  if (aim[1] == 'L')
    return aim[2] == '1';
  return FALSE;
}

static const char *
eci_charset (guint eci)
{
  switch (eci)
    {
    case 1:
    case 3:
      return "ISO-8859-1";
    case 20:
      return "SHIFT_JIS";
    case 25:
      return "UTF-16BE";
    case 26:
      return "UTF-8";
    case 28:
      return "BIG5";
    case 29:   /* GB 2312: GB 18030 is its superset */
    case 32:
      return "GB18030";
    default:
      return NULL;
    }
}

#define ECI_BINARY 899

static gboolean
append_segment (GString       *text,
                const guint8  *data,
                gsize          length,
                const char    *charset,
                GError       **error)
{
  g_autofree char *utf8 = NULL;
  gsize written = 0;

  if (length == 0)
    return TRUE;
  /* Before any designator: UTF-8 if it is, else the standard's default. */
  if (charset == NULL)
    charset = g_utf8_validate ((const char *) data, (gssize) length, NULL) ? "UTF-8"
                                                                          : "ISO-8859-1";
  utf8 = g_convert ((const char *) data, (gssize) length, "UTF-8", charset, NULL, &written,
                    NULL);
  if (utf8 == NULL || !g_utf8_validate (utf8, (gssize) written, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "code is not valid %s where its ECI says so", charset);
      return FALSE;
    }
  g_string_append_len (text, utf8, (gssize) written);
  return TRUE;
}

/* Splits "\nnnnnn" designators and "\\" out of an ECI-protocol code. */
static gboolean
decode_eci (const guint8  *data,
            gsize          length,
            GByteArray    *bytes,
            char         **text_out,
            GError       **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const char *charset = NULL;
  gboolean binary = FALSE;
  gsize start = 0;

  for (gsize i = 0; i <= length; i++)
    {
      guint eci = 0;

      if (i < length && data[i] != '\\')
        {
          g_byte_array_append (bytes, data + i, 1);
          continue;
        }
      /* The segment so far, then whatever the backslash starts. */
      if (!binary && !append_segment (text, data + start, i - start, charset, error))
        return FALSE;
      if (i == length)
        break;
      if (i + 1 < length && data[i + 1] == '\\')
        {
          g_byte_array_append (bytes, data + i, 1);
          g_string_append_c (text, '\\');
          start = i + 2;
          i++;
          continue;
        }
      if (i + 6 >= length)
        goto bad;
      for (guint d = 1; d <= 6; d++)
        {
          if (!g_ascii_isdigit (data[i + d]))
            goto bad;
          eci = eci * 10 + (data[i + d] - '0');
        }
      if (eci == ECI_BINARY)
        binary = TRUE;
      else if ((charset = eci_charset (eci)) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "unsupported ECI %06u", eci);
          return FALSE;
        }
      start = i + 7;
      i += 6;
    }
  *text_out = binary ? NULL : g_string_free (g_steal_pointer (&text), FALSE);
  return TRUE;

bad:
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "backslash in an ECI code not followed by six digits");
  return FALSE;
}

static TongbanScan *
finish_code (TongbanHidpos  *self,
             GError        **error)
{
  g_autoptr(TongbanScan) scan = g_new0 (TongbanScan, 1);
  g_autoptr(GByteArray) bytes = NULL;

  memcpy (scan->aim, self->aim, sizeof scan->aim);
  scan->symbology = symbology_name (scan->aim);
  if (self->code->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "empty code");
      return NULL;
    }
  if (uses_eci (scan->aim))
    {
      bytes = g_byte_array_new ();
      if (!decode_eci (self->code->data, self->code->len, bytes, &scan->text, error))
        return NULL;
      scan->data = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
      return g_steal_pointer (&scan);
    }
  /* No ECI: text when it is UTF-8 (ASCII included) without NULs, else
   * bytes, left to the service to interpret. */
  if (g_utf8_validate ((const char *) self->code->data, self->code->len, NULL))
    scan->text = g_strndup ((const char *) self->code->data, self->code->len);
  scan->data = g_bytes_new (self->code->data, self->code->len);
  return g_steal_pointer (&scan);
}

static void
reset (TongbanHidpos *self)
{
  g_byte_array_set_size (self->code, 0);
  memset (self->aim, 0, sizeof self->aim);
  self->started = FALSE;
}

TongbanHidposFeed
tongban_hidpos_feed (TongbanHidpos  *self,
                     const guint8   *report,
                     gsize           length,
                     TongbanScan   **scan,
                     GError        **error)
{
  char aim[4] = { 0 };
  guint n;

  g_return_val_if_fail (self != NULL, TONGBAN_HIDPOS_INVALID);
  g_return_val_if_fail (scan != NULL && *scan == NULL, TONGBAN_HIDPOS_INVALID);

  if (length != TONGBAN_HIDPOS_REPORT_SIZE || report[0] != TONGBAN_HIDPOS_REPORT_ID)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "not a scanned-data report (%" G_GSIZE_FORMAT " bytes, ID %u)", length,
                   length > 0 ? report[0] : 0);
      goto invalid;
    }
  n = report[OFF_LENGTH];
  if (n > TONGBAN_HIDPOS_CHUNK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "report claims %u data bytes of at most %u", n, TONGBAN_HIDPOS_CHUNK);
      goto invalid;
    }
  if (report[OFF_AIM] != 0 || report[OFF_AIM + 1] != 0 || report[OFF_AIM + 2] != 0)
    {
      if (report[OFF_AIM] != ']' || !g_ascii_isgraph (report[OFF_AIM + 1]) ||
          !g_ascii_isgraph (report[OFF_AIM + 2]))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "symbology identifier is not an AIM identifier");
          goto invalid;
        }
      memcpy (aim, report + OFF_AIM, 3);
    }
  if (self->started && memcmp (aim, self->aim, sizeof aim) != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "continued code changed its symbology");
      goto invalid;
    }
  if (self->code->len + n > TONGBAN_HIDPOS_MAX_CODE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "code longer than %u bytes", TONGBAN_HIDPOS_MAX_CODE);
      goto invalid;
    }

  memcpy (self->aim, aim, sizeof aim);
  self->started = TRUE;
  g_byte_array_append (self->code, report + OFF_DATA, n);
  if (report[OFF_FLAGS] & 0x01)
    return TONGBAN_HIDPOS_MORE;

  *scan = finish_code (self, error);
  reset (self);
  return *scan != NULL ? TONGBAN_HIDPOS_DONE : TONGBAN_HIDPOS_INVALID;

invalid:
  reset (self);
  return TONGBAN_HIDPOS_INVALID;
}

GPtrArray *
tongban_hidpos_build (const char   *aim,
                      const guint8 *data,
                      gsize         length)
{
  GPtrArray *reports = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize off = 0;

  g_return_val_if_fail (aim == NULL || strlen (aim) == 3, reports);

  do
    {
      guint8 report[TONGBAN_HIDPOS_REPORT_SIZE] = { TONGBAN_HIDPOS_REPORT_ID };
      gsize n = MIN (length - off, TONGBAN_HIDPOS_CHUNK);

      report[OFF_LENGTH] = (guint8) n;
      if (aim != NULL)
        memcpy (report + OFF_AIM, aim, 3);
      if (n > 0)
        memcpy (report + OFF_DATA, data + off, n);
      off += n;
      report[OFF_FLAGS] = off < length ? 0x01 : 0x00;
      g_ptr_array_add (reports, g_bytes_new (report, sizeof report));
    }
  while (off < length);
  return reports;
}
