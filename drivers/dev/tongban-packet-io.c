/* tongban-packet-io.c: one command, one reply packet, with a reply and an inter-byte timeout */

#include "tongban-packet-io.h"
#include "tongban-device.h"

#include <string.h>

#define INTER_BYTE_MS 200   /* silence inside a packet: it is truncated */

static gboolean
read_packet (TongbanLink                 *link,
             const TongbanPacketProtocol *protocol,
             GByteArray                  *buffer,
             gint64                       deadline,
             GCancellable                *cancellable,
             gsize                       *packet_len,
             GError                     **error)
{
  gint64 reply_deadline = tongban_device_deadline_min (deadline, protocol->reply_timeout_ms);
  gboolean got_bytes = buffer->len > 0;

  for (;;)
    {
      guint8 chunk[1400];
      g_autoptr(GError) local = NULL;
      gsize used = 0;
      gssize n;
      gint64 wait_until = got_bytes
        ? tongban_device_deadline_min (reply_deadline, INTER_BYTE_MS) : reply_deadline;

      switch (protocol->scan (buffer->data, buffer->len, &used, &local))
        {
        case TONGBAN_PACKET_OK:
          *packet_len = used;
          return TRUE;
        case TONGBAN_PACKET_INVALID:
          /* Noise before a packet is skipped (quietly: what went wrong, if
           * anything, is logged once as the request fails); a broken packet
           * is not skipped. */
          if (buffer->len >= protocol->start_len &&
              memcmp (buffer->data, protocol->start, protocol->start_len) == 0)
            {
              if (local == NULL)
                g_set_error_literal (&local, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                     "invalid packet");
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          g_debug ("skipped %" G_GSIZE_FORMAT " bytes of noise", used);
          g_byte_array_remove_range (buffer, 0, used);
          continue;
        case TONGBAN_PACKET_NEED_MORE:
        default:
          break;
        }

      n = tongban_link_read (link, chunk, sizeof chunk, wait_until, cancellable, &local);
      if (n < 0)
        {
          /* Silence inside a packet, before the request's own time is up. */
          if (got_bytes &&
              g_error_matches (local, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_TIMEOUT) &&
              (deadline == 0 || g_get_monotonic_time () < deadline))
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "truncated packet");
              return FALSE;
            }
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_byte_array_append (buffer, chunk, n);
      got_bytes = TRUE;
    }
}

static void
drop_late_reply (TongbanLink                 *link,
                 const TongbanPacketProtocol *protocol,
                 gint64                      *late_until,
                 GCancellable                *cancellable)
{
  g_autoptr(GByteArray) late = g_byte_array_new ();
  g_autoptr(GError) local = NULL;
  gsize length = 0;

  if (*late_until <= g_get_monotonic_time ())
    return;
  if (read_packet (link, protocol, late, *late_until, cancellable, &length, &local))
    g_debug ("dropped a late reply");
  else if (g_error_matches (local, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_CANCELED))
    return;   /* still to come: the next command waits for it */
  *late_until = 0;
}

gboolean
tongban_packet_io_exchange (TongbanLink                 *link,
                            const TongbanPacketProtocol *protocol,
                            gint64                      *late_until,
                            const guint8                *request,
                            gsize                        request_len,
                            GByteArray                  *reply,
                            gint64                       deadline,
                            GCancellable                *cancellable,
                            gsize                       *reply_len,
                            GError                     **error)
{
  g_autoptr(GError) local = NULL;
  gint64 sent;

  drop_late_reply (link, protocol, late_until, cancellable);
  tongban_link_discard_input (link);
  if (!tongban_link_write_all (link, request, request_len, deadline, cancellable, error))
    return FALSE;
  sent = g_get_monotonic_time ();
  if (read_packet (link, protocol, reply, deadline, cancellable, reply_len, &local))
    return TRUE;
  if (g_error_matches (local, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_TIMEOUT) ||
      g_error_matches (local, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_CANCELED))
    *late_until = sent + (gint64) protocol->reply_timeout_ms * 1000;
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}
