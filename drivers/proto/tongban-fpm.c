/* tongban-fpm.c: fingerprint module packet codec
 *
 * Like the SAM parser, this one resynchronises on the start code, so noise
 * costs only the noise; a packet with a wrong checksum, an impossible
 * length or an unknown identifier is reported as invalid and skipped by its
 * start code only, since its length cannot be trusted.
 */

#include "tongban-fpm.h"

#include <gio/gio.h>
#include <string.h>

static const guint8 start_code[] = { 0xEF, 0x01 };

static guint16
checksum (const guint8 *from,
          gsize         length)
{
  guint sum = 0;

  for (gsize i = 0; i < length; i++)
    sum += from[i];
  return sum & 0xFFFF;
}

GByteArray *
tongban_fpm_build (guint32       address,
                   guint8        pid,
                   const guint8 *content,
                   gsize         content_len)
{
  GByteArray *packet;
  gsize len = content_len + 2;
  guint8 head[TONGBAN_FPM_HEADER_LEN] = {
    start_code[0], start_code[1], address >> 24, (address >> 16) & 0xff, (address >> 8) & 0xff,
    address & 0xff, pid, (len >> 8) & 0xff, len & 0xff,
  };
  guint16 sum;
  guint8 tail[2];

  g_return_val_if_fail (len <= TONGBAN_FPM_MAX_LEN, NULL);

  packet = g_byte_array_sized_new (TONGBAN_FPM_HEADER_LEN + len);
  g_byte_array_append (packet, head, sizeof head);
  if (content_len > 0)
    g_byte_array_append (packet, content, content_len);
  sum = checksum (packet->data + 6, packet->len - 6);
  tail[0] = sum >> 8;
  tail[1] = sum & 0xff;
  g_byte_array_append (packet, tail, 2);
  return packet;
}

static GByteArray *
build_with_code (guint32       address,
                 guint8        pid,
                 guint8        code,
                 const guint8 *rest,
                 gsize         rest_len)
{
  guint8 content[TONGBAN_FPM_MAX_LEN - 2];

  g_return_val_if_fail (rest_len < sizeof content, NULL);

  content[0] = code;
  if (rest_len > 0)
    memcpy (content + 1, rest, rest_len);
  return tongban_fpm_build (address, pid, content, rest_len + 1);
}

GByteArray *
tongban_fpm_build_command (guint32       address,
                           guint8        instruction,
                           const guint8 *params,
                           gsize         params_len)
{
  return build_with_code (address, TONGBAN_FPM_PID_COMMAND, instruction, params, params_len);
}

GByteArray *
tongban_fpm_build_ack (guint32       address,
                       guint8        code,
                       const guint8 *results,
                       gsize         results_len)
{
  return build_with_code (address, TONGBAN_FPM_PID_ACK, code, results, results_len);
}

/* A buffer as data packets of packet_size bytes, the last one marked. */
void
tongban_fpm_append_data (GByteArray   *out,
                         guint32       address,
                         const guint8 *data,
                         gsize         length,
                         guint         packet_size)
{
  g_return_if_fail (tongban_fpm_packet_size_valid (packet_size));
  g_return_if_fail (length > 0);

  for (gsize done = 0; done < length; done += packet_size)
    {
      gsize n = MIN (packet_size, length - done);
      g_autoptr(GByteArray) packet = tongban_fpm_build (address,
                                                        done + n < length
                                                        ? TONGBAN_FPM_PID_DATA
                                                        : TONGBAN_FPM_PID_END_DATA,
                                                        data + done, n);

      g_byte_array_append (out, packet->data, packet->len);
      explicit_bzero (packet->data, packet->len);
    }
}

/* Where a start code could begin: a full match, or its first byte at the very end. */
static gsize
find_start (const guint8 *buffer,
            gsize         length)
{
  for (gsize i = 0; i < length; i++)
    {
      gsize n = MIN (sizeof start_code, length - i);

      if (memcmp (buffer + i, start_code, n) == 0)
        return i;
    }
  return length;
}

static gboolean
pid_known (guint8 pid)
{
  return pid == TONGBAN_FPM_PID_COMMAND || pid == TONGBAN_FPM_PID_DATA ||
         pid == TONGBAN_FPM_PID_ACK || pid == TONGBAN_FPM_PID_END_DATA;
}

TongbanFpmParse
tongban_fpm_parse (const guint8      *buffer,
                   gsize              length,
                   TongbanFpmPacket  *packet,
                   gsize             *consumed,
                   GError           **error)
{
  gsize start, len;
  guint16 sum, got;

  g_return_val_if_fail (buffer != NULL || length == 0, TONGBAN_FPM_PARSE_INVALID);
  *consumed = 0;

  start = find_start (buffer, length);
  if (start > 0)
    {
      *consumed = start;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%" G_GSIZE_FORMAT " bytes before the start code", start);
      return TONGBAN_FPM_PARSE_INVALID;
    }
  if (length < TONGBAN_FPM_HEADER_LEN)
    return TONGBAN_FPM_PARSE_NEED_MORE;

  if (!pid_known (buffer[6]))
    {
      *consumed = sizeof start_code;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "unknown packet identifier %02X",
                   buffer[6]);
      return TONGBAN_FPM_PARSE_INVALID;
    }
  /* Every packet carries at least one byte: an instruction, a code or data. */
  len = ((gsize) buffer[7] << 8) | buffer[8];
  if (len < 3 || len > TONGBAN_FPM_MAX_LEN)
    {
      *consumed = sizeof start_code;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "impossible length %" G_GSIZE_FORMAT, len);
      return TONGBAN_FPM_PARSE_INVALID;
    }
  if (length < TONGBAN_FPM_HEADER_LEN + len)
    return TONGBAN_FPM_PARSE_NEED_MORE;

  sum = checksum (buffer + 6, TONGBAN_FPM_HEADER_LEN - 6 + len - 2);
  got = (buffer[TONGBAN_FPM_HEADER_LEN + len - 2] << 8) | buffer[TONGBAN_FPM_HEADER_LEN + len - 1];
  if (sum != got)
    {
      *consumed = sizeof start_code;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "checksum %04X, expected %04X",
                   got, sum);
      return TONGBAN_FPM_PARSE_INVALID;
    }

  packet->address = ((guint32) buffer[2] << 24) | ((guint32) buffer[3] << 16) |
                    ((guint32) buffer[4] << 8) | buffer[5];
  packet->pid = buffer[6];
  packet->content = buffer + TONGBAN_FPM_HEADER_LEN;
  packet->content_len = len - 2;
  *consumed = TONGBAN_FPM_HEADER_LEN + len;
  return TONGBAN_FPM_PARSE_OK;
}

/* The codes this driver can meet; NULL for any other, which the driver
 * treats as a module saying something it does not understand. */
const char *
tongban_fpm_code_describe (guint8 code)
{
  switch (code)
    {
    case TONGBAN_FPM_OK: return "ok";
    case TONGBAN_FPM_RECEIVE_ERROR: return "packet receive error";
    case TONGBAN_FPM_NO_FINGER: return "no finger";
    case TONGBAN_FPM_IMAGE_FAILED: return "image capture failed";
    case TONGBAN_FPM_IMAGE_MESSY: return "image too messy";
    case TONGBAN_FPM_FEW_FEATURES: return "too few features";
    case TONGBAN_FPM_NO_MATCH: return "no match";
    case TONGBAN_FPM_NOT_FOUND: return "not found";
    case TONGBAN_FPM_MERGE_FAILED: return "merge failed";
    case TONGBAN_FPM_BAD_PAGE: return "page beyond the library";
    case TONGBAN_FPM_TEMPLATE_INVALID: return "template invalid";
    case TONGBAN_FPM_UPLOAD_FAILED: return "upload failed";
    case TONGBAN_FPM_CANNOT_RECEIVE: return "cannot receive data";
    case TONGBAN_FPM_WRONG_PASSWORD: return "wrong password";
    case TONGBAN_FPM_NO_VALID_IMAGE: return "no valid image";
    case TONGBAN_FPM_FLASH_ERROR: return "flash write error";
    default: return NULL;
    }
}

gboolean
tongban_fpm_packet_size_valid (guint packet_size)
{
  return packet_size == 32 || packet_size == 64 || packet_size == 128 || packet_size == 256;
}

static guint16
be16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

/* The 16 bytes after the confirmation code of ReadSysPara. */
gboolean
tongban_fpm_sys_para_decode (const guint8       *results,
                             gsize               length,
                             TongbanFpmSysPara  *para,
                             GError            **error)
{
  guint16 size_code, baud_n;

  if (length != 16)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "system parameters of %" G_GSIZE_FORMAT " bytes", length);
      return FALSE;
    }
  size_code = be16 (results + 12);
  baud_n = be16 (results + 14);
  if (size_code > 3 || baud_n == 0 || baud_n > 12)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "packet size code %u, baud rate code %u", size_code, baud_n);
      return FALSE;
    }
  para->status = be16 (results);
  para->system_id = be16 (results + 2);
  para->library_size = be16 (results + 4);
  para->security_level = be16 (results + 6);
  para->address = ((guint32) be16 (results + 8) << 16) | be16 (results + 10);
  para->packet_size = 32u << size_code;
  para->baud = 9600u * baud_n;
  return TRUE;
}

void
tongban_fpm_sys_para_encode (const TongbanFpmSysPara *para,
                             guint8                   out[16])
{
  guint size_code = para->packet_size >= 256 ? 3 : para->packet_size >= 128 ? 2
                  : para->packet_size >= 64 ? 1 : 0;
  guint baud_n = para->baud / 9600;
  guint16 values[8] = {
    para->status, para->system_id, para->library_size, para->security_level,
    para->address >> 16, para->address & 0xFFFF, size_code, baud_n,
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      out[2 * i] = values[i] >> 8;
      out[2 * i + 1] = values[i] & 0xff;
    }
}
