/* tongban-packet-io.h: one reply packet from a link, for command/reply protocols
 *
 * For the devices whose every exchange is one command and one reply packet
 * with a start code and a length (the ID card SAM, the fingerprint module):
 * sends the command and reads until the reply buffer begins with a whole
 * valid packet. Such packets carry no sequence number, so the reply to a
 * command given up (timed out or canceled while it was on its way) is
 * waited for and dropped before the next command; *late_until is that
 * state, kept by the driver (0 when the link is opened). Noise before a
 * start code is dropped; a packet that begins with the start code but is
 * broken (checksum, length), or is cut by silence inside it before the
 * request's deadline, ends the read with G_IO_ERROR_INVALID_DATA, which the
 * driver logs once and reports as invalid-data. Link failures (timeout,
 * canceled, device gone) come as the link gives them.
 */
#pragma once

#include "tongban-link.h"

G_BEGIN_DECLS

typedef enum {
  TONGBAN_PACKET_OK,
  TONGBAN_PACKET_NEED_MORE,
  TONGBAN_PACKET_INVALID,
} TongbanPacketScan;

/* A codec's parser without its packet struct: OK with *consumed the
 * packet's length, NEED_MORE, or INVALID with *consumed what to drop. */
typedef TongbanPacketScan (*TongbanPacketScanner) (const guint8  *buffer,
                                                   gsize          length,
                                                   gsize         *consumed,
                                                   GError       **error);

typedef struct
{
  TongbanPacketScanner scan;
  const guint8        *start;            /* the start code every packet begins with */
  gsize                start_len;
  guint                reply_timeout_ms;
} TongbanPacketProtocol;

gboolean tongban_packet_io_exchange (TongbanLink                 *link,
                                     const TongbanPacketProtocol *protocol,
                                     gint64                      *late_until,
                                     const guint8                *request,
                                     gsize                        request_len,
                                     GByteArray                  *reply,
                                     gint64                       deadline,
                                     GCancellable                *cancellable,
                                     gsize                       *reply_len,
                                     GError                     **error);

G_END_DECLS
