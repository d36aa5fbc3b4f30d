/* tongban-sam.c: SAM frame codec and the card's text layout
 *
 * The parser resynchronises on the preamble, so garbage on the line costs
 * only the garbage; a frame with a wrong checksum or an impossible length is
 * reported as invalid and skipped by its preamble only, since its length
 * cannot be trusted. Card text is UCS-2LE in fixed-width fields padded with
 * spaces.
 */

#include "tongban-sam.h"

#include <gio/gio.h>
#include <string.h>

static const guint8 preamble[] = { 0xAA, 0xAA, 0xAA, 0x96, 0x69 };

/* Layout of the 256 text bytes, in UCS-2 characters. */
static const struct {
  const char *name;
  guint       offset;
  guint       length;
} layout[TONGBAN_ID_N_FIELDS] = {
  [TONGBAN_ID_NAME]        = { "name",        0,   15 },
  [TONGBAN_ID_SEX]         = { "sex",         15,  1 },
  [TONGBAN_ID_NATION]      = { "nation",      16,  2 },
  [TONGBAN_ID_BIRTH]       = { "birth",       18,  8 },
  [TONGBAN_ID_ADDRESS]     = { "address",     26,  35 },
  [TONGBAN_ID_NUMBER]      = { "id-number",   61,  18 },
  [TONGBAN_ID_AUTHORITY]   = { "authority",   79,  15 },
  [TONGBAN_ID_VALID_FROM]  = { "valid-from",  94,  8 },
  [TONGBAN_ID_VALID_TO]    = { "valid-to",    102, 8 },
  [TONGBAN_ID_PASS_NUMBER] = { "pass-number", 110, 9 },
  [TONGBAN_ID_ISSUE_COUNT] = { "issue-count", 119, 2 },
};
#define CARD_TYPE_OFFSET 124

GByteArray *
tongban_sam_build (const guint8 *head,
                   gsize         head_len,
                   const guint8 *data,
                   gsize         data_len)
{
  GByteArray *frame;
  gsize len = head_len + data_len + 1;
  guint8 b[2] = { (len >> 8) & 0xff, len & 0xff };
  guint8 chk = 0;

  g_return_val_if_fail (len <= TONGBAN_SAM_MAX_LEN, NULL);

  frame = g_byte_array_sized_new (TONGBAN_SAM_HEADER_LEN + len);
  g_byte_array_append (frame, preamble, sizeof preamble);
  g_byte_array_append (frame, b, 2);
  g_byte_array_append (frame, head, head_len);
  if (data_len > 0)
    g_byte_array_append (frame, data, data_len);
  for (gsize i = sizeof preamble; i < frame->len; i++)
    chk ^= frame->data[i];
  g_byte_array_append (frame, &chk, 1);
  return frame;
}

GByteArray *
tongban_sam_build_command (guint8        cmd,
                           guint8        para,
                           const guint8 *data,
                           gsize         data_len)
{
  guint8 head[] = { cmd, para };

  return tongban_sam_build (head, 2, data, data_len);
}

GByteArray *
tongban_sam_build_reply (guint8        sw3,
                         const guint8 *data,
                         gsize         data_len)
{
  guint8 head[] = { 0x00, 0x00, sw3 };

  return tongban_sam_build (head, 3, data, data_len);
}

/* Where a preamble could start: a full match, or a prefix at the very end. */
static gsize
find_preamble (const guint8 *buffer,
               gsize         length,
               gsize         from)
{
  for (gsize i = from; i < length; i++)
    {
      gsize n = MIN (sizeof preamble, length - i);

      if (memcmp (buffer + i, preamble, n) == 0)
        return i;
    }
  return length;
}

TongbanSamParse
tongban_sam_parse (const guint8     *buffer,
                   gsize             length,
                   TongbanSamFrame  *frame,
                   gsize            *consumed,
                   GError          **error)
{
  gsize start, len;
  guint8 chk = 0;

  g_return_val_if_fail (buffer != NULL || length == 0, TONGBAN_SAM_PARSE_INVALID);
  *consumed = 0;

  start = find_preamble (buffer, length, 0);
  if (start > 0)
    {
      *consumed = start;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%" G_GSIZE_FORMAT " bytes before the preamble", start);
      return TONGBAN_SAM_PARSE_INVALID;
    }
  if (length < TONGBAN_SAM_HEADER_LEN)
    return TONGBAN_SAM_PARSE_NEED_MORE;

  len = ((gsize) buffer[5] << 8) | buffer[6];
  if (len < 3 || len > TONGBAN_SAM_MAX_LEN)
    {
      *consumed = sizeof preamble;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "impossible length %" G_GSIZE_FORMAT,
                   len);
      return TONGBAN_SAM_PARSE_INVALID;
    }
  if (length < TONGBAN_SAM_HEADER_LEN + len)
    return TONGBAN_SAM_PARSE_NEED_MORE;

  for (gsize i = sizeof preamble; i < TONGBAN_SAM_HEADER_LEN + len - 1; i++)
    chk ^= buffer[i];
  if (chk != buffer[TONGBAN_SAM_HEADER_LEN + len - 1])
    {
      *consumed = sizeof preamble;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "checksum %02x, expected %02x",
                   buffer[TONGBAN_SAM_HEADER_LEN + len - 1], chk);
      return TONGBAN_SAM_PARSE_INVALID;
    }

  frame->body = buffer + TONGBAN_SAM_HEADER_LEN;
  frame->body_len = len - 1;
  *consumed = TONGBAN_SAM_HEADER_LEN + len;
  return TONGBAN_SAM_PARSE_OK;
}

const char *
tongban_sam_sw3_describe (guint8 sw3)
{
  switch (sw3)
    {
    case TONGBAN_SAM_SW_OK: return "ok";
    case TONGBAN_SAM_SW_NO_CONTENT: return "no content";
    case TONGBAN_SAM_SW_FOUND: return "card found";
    case TONGBAN_SAM_SW_CHECKSUM_ERROR: return "checksum error";
    case TONGBAN_SAM_SW_LENGTH_ERROR: return "length error";
    case TONGBAN_SAM_SW_BAD_COMMAND: return "bad command";
    case TONGBAN_SAM_SW_AUTH_FAILED:
    case TONGBAN_SAM_SW_AUTH_FAILED2: return "card authentication failed";
    case TONGBAN_SAM_SW_UNKNOWN_CARD: return "unknown card";
    case TONGBAN_SAM_SW_READ_FAILED: return "read failed";
    case TONGBAN_SAM_SW_SELF_TEST: return "SAM self-test failed";
    case TONGBAN_SAM_SW_UNAUTHORIZED: return "SAM unauthorized";
    case TONGBAN_SAM_SW_FIND_FAILED: return "no card";
    case TONGBAN_SAM_SW_SELECT_FAILED: return "select failed";
    default: return NULL;
    }
}

const char *
tongban_id_field_name (TongbanIdField field)
{
  g_return_val_if_fail ((guint) field < TONGBAN_ID_N_FIELDS, NULL);
  return layout[field].name;
}

/* UCS-2LE, trailing spaces removed. Surrogates are not UCS-2: refused. */
static char *
decode_ucs2 (const guint8  *text,
             guint          chars,
             GError       **error)
{
  g_autofree gunichar2 *units = g_new0 (gunichar2, chars + 1);
  guint n = chars;

  for (guint i = 0; i < chars; i++)
    {
      units[i] = (gunichar2) (text[2 * i] | (text[2 * i + 1] << 8));
      if (units[i] >= 0xD800 && units[i] <= 0xDFFF)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not UCS-2");
          return NULL;
        }
    }
  /* A NUL ends the field (what follows it is padding of some writer), then
   * the space padding goes; fuzzing found "A \0B" otherwise kept its space. */
  for (guint i = 0; i < chars; i++)
    if (units[i] == 0x0000)
      {
        n = i;
        break;
      }
  while (n > 0 && units[n - 1] == 0x0020)
    n--;
  return g_utf16_to_utf8 (units, n, NULL, NULL, error);
}

TongbanIdentity *
tongban_identity_decode (const guint8  *payload,
                         gsize          length,
                         gboolean       with_fingerprint,
                         GError       **error)
{
  g_autoptr(TongbanIdentity) id = g_new0 (TongbanIdentity, 1);
  gsize header = with_fingerprint ? 6 : 4;
  gsize text_len, photo_len, fp_len = 0;
  const guint8 *text;
  guint last_field;

  if (length < header)
    goto truncated;
  text_len = (payload[0] << 8) | payload[1];
  photo_len = (payload[2] << 8) | payload[3];
  if (with_fingerprint)
    fp_len = (payload[4] << 8) | payload[5];
  if (text_len > TONGBAN_SAM_TEXT_LEN || text_len < 2 * (layout[TONGBAN_ID_VALID_TO].offset +
                                                         layout[TONGBAN_ID_VALID_TO].length))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "text length %" G_GSIZE_FORMAT,
                   text_len);
      return NULL;
    }
  if (header + text_len + photo_len + fp_len > length)
    goto truncated;
  if (header + text_len + photo_len + fp_len < length)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "trailing bytes");
      return NULL;
    }

  text = payload + header;
  id->card_type = ' ';
  if (text_len > 2 * CARD_TYPE_OFFSET + 1 && text[2 * CARD_TYPE_OFFSET + 1] == 0 &&
      g_ascii_isupper (text[2 * CARD_TYPE_OFFSET]))
    id->card_type = (char) text[2 * CARD_TYPE_OFFSET];

  /* Only layouts we know: a foreigner's permanent residence card ('I') puts
   * other fields at these offsets, and guessing would misfile personal data. */
  if (id->card_type != ' ' && id->card_type != 'J')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "card type '%c' not supported",
                   id->card_type);
      return NULL;
    }
  last_field = id->card_type == 'J' ? TONGBAN_ID_ISSUE_COUNT : TONGBAN_ID_VALID_TO;
  if (2 * (layout[last_field].offset + layout[last_field].length) > text_len)
    goto truncated;
  for (guint f = 0; f <= last_field; f++)
    {
      id->fields[f] = decode_ucs2 (text + 2 * layout[f].offset, layout[f].length, error);
      if (id->fields[f] == NULL)
        return NULL;
    }

  id->photo = g_bytes_new (text + text_len, photo_len);
  if (fp_len > 0)
    id->fingerprint = g_bytes_new (text + text_len + photo_len, fp_len);
  return g_steal_pointer (&id);

truncated:
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "truncated card data");
  return NULL;
}

static void
encode_ucs2 (guint8     *out,
             const char *text,
             guint       chars)
{
  g_autofree gunichar2 *units = NULL;
  glong n = 0;

  if (text != NULL)
    units = g_utf8_to_utf16 (text, -1, NULL, &n, NULL);
  for (guint i = 0; i < chars; i++)
    {
      gunichar2 u = i < (guint) n ? units[i] : 0x0020;

      out[2 * i] = u & 0xff;
      out[2 * i + 1] = u >> 8;
    }
}

/* The reply payload of READ / READ_ALL, as a card and SAM produce it. */
GByteArray *
tongban_identity_encode (const TongbanIdentity *identity,
                         gboolean               with_fingerprint)
{
  GByteArray *out = g_byte_array_new ();
  guint8 text[TONGBAN_SAM_TEXT_LEN];
  gsize photo_len = identity->photo ? g_bytes_get_size (identity->photo) : 0;
  gsize fp_len = identity->fingerprint ? g_bytes_get_size (identity->fingerprint) : 0;
  guint8 head[6] = { TONGBAN_SAM_TEXT_LEN >> 8, TONGBAN_SAM_TEXT_LEN & 0xff,
                     photo_len >> 8, photo_len & 0xff, fp_len >> 8, fp_len & 0xff };

  encode_ucs2 (text, NULL, TONGBAN_SAM_TEXT_LEN / 2);
  for (guint f = 0; f < TONGBAN_ID_N_FIELDS; f++)
    encode_ucs2 (text + 2 * layout[f].offset, identity->fields[f], layout[f].length);
  if (identity->card_type != ' ' && identity->card_type != 0)
    {
      text[2 * CARD_TYPE_OFFSET] = (guint8) identity->card_type;
      text[2 * CARD_TYPE_OFFSET + 1] = 0;
    }
  g_byte_array_append (out, head, with_fingerprint ? 6 : 4);
  g_byte_array_append (out, text, sizeof text);
  if (photo_len > 0)
    g_byte_array_append (out, g_bytes_get_data (identity->photo, NULL), photo_len);
  if (with_fingerprint && fp_len > 0)
    g_byte_array_append (out, g_bytes_get_data (identity->fingerprint, NULL), fp_len);
  explicit_bzero (text, sizeof text);
  return out;
}

void
tongban_identity_free (TongbanIdentity *identity)
{
  if (identity == NULL)
    return;
  for (guint f = 0; f < TONGBAN_ID_N_FIELDS; f++)
    if (identity->fields[f] != NULL)
      {
        explicit_bzero (identity->fields[f], strlen (identity->fields[f]));
        g_free (identity->fields[f]);
      }
  g_clear_pointer (&identity->photo, g_bytes_unref);
  g_clear_pointer (&identity->fingerprint, g_bytes_unref);
  g_free (identity);
}

/* GB 11643: 17 digits and an ISO 7064 MOD 11-2 check character. */
gboolean
tongban_id_number_valid (const char *number)
{
  static const guint weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  static const char checks[] = "10X98765432";
  guint sum = 0;

  if (number == NULL || strlen (number) != 18)
    return FALSE;
  for (guint i = 0; i < 17; i++)
    {
      if (!g_ascii_isdigit (number[i]))
        return FALSE;
      sum += (guint) (number[i] - '0') * weights[i];
    }
  return number[17] == checks[sum % 11];
}

/* For logs: field names and lengths, never values. */
char *
tongban_identity_describe (const TongbanIdentity *identity)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "type '%c'", identity->card_type);
  for (guint f = 0; f < TONGBAN_ID_N_FIELDS; f++)
    if (identity->fields[f] != NULL)
      g_string_append_printf (s, ", %s %ld chars", layout[f].name,
                              g_utf8_strlen (identity->fields[f], -1));
  g_string_append_printf (s, ", photo %" G_GSIZE_FORMAT " bytes",
                          identity->photo ? g_bytes_get_size (identity->photo) : 0);
  if (identity->fingerprint != NULL)
    g_string_append_printf (s, ", fingerprint %" G_GSIZE_FORMAT " bytes",
                            g_bytes_get_size (identity->fingerprint));
  return g_string_free (s, FALSE);
}
