/* fuzz_fpm.c: the fingerprint module packet parser and the system parameters on arbitrary bytes
 *
 * Properties beyond "no crash": the parser always makes progress or asks for
 * more, a packet it accepts rebuilds to the same bytes, and parameters it
 * decodes encode back to the same 16 bytes.
 */

#include "tongban-fpm.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  TongbanFpmSysPara para;
  gsize pos = 0;

  while (pos < size)
    {
      TongbanFpmPacket packet;
      gsize used = 0;
      TongbanFpmParse r = tongban_fpm_parse (data + pos, size - pos, &packet, &used, NULL);

      if (r == TONGBAN_FPM_PARSE_NEED_MORE)
        {
          g_assert (used == 0);
          break;
        }
      g_assert (used > 0 && used <= size - pos);
      if (r == TONGBAN_FPM_PARSE_OK)
        {
          g_autoptr(GByteArray) again = tongban_fpm_build (packet.address, packet.pid,
                                                           packet.content, packet.content_len);

          g_assert (packet.content_len >= 1);
          g_assert (again->len == used && memcmp (again->data, data + pos, used) == 0);
          tongban_fpm_code_describe (packet.content[0]);
          if (packet.pid == TONGBAN_FPM_PID_ACK && packet.content_len == 17 &&
              tongban_fpm_sys_para_decode (packet.content + 1, 16, &para, NULL))
            g_assert (tongban_fpm_packet_size_valid (para.packet_size));
        }
      pos += used;
    }

  if (size >= 16 && tongban_fpm_sys_para_decode (data, 16, &para, NULL))
    {
      guint8 out[16];

      tongban_fpm_sys_para_encode (&para, out);
      g_assert (memcmp (out, data, 16) == 0);
    }
  return 0;
}
