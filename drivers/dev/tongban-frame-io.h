/* tongban-frame-io.h: STX frames over a link, for the PIN pad and the light board
 *
 * Reads frames until the awaited reply, handing every other (unsolicited)
 * frame to the device; a corrupt frame while a reply is awaited ends the
 * command with invalid-data.
 */
#pragma once

#include "tongban-frame.h"
#include "tongban-link.h"

G_BEGIN_DECLS

typedef void (*TongbanFrameHandler) (gpointer            owner,
                                     const TongbanFrame *frame);

gboolean tongban_frame_io_command (TongbanLink         *link,
                                   GByteArray          *buffer,
                                   guint8               cmd,
                                   const guint8        *data,
                                   gsize                length,
                                   guint8               reply_cmd,
                                   GByteArray         **reply,
                                   TongbanFrameHandler  handler,
                                   gpointer             owner,
                                   gint64               deadline,
                                   GCancellable        *cancellable,
                                   GError             **error);
gboolean tongban_frame_io_drain   (TongbanLink         *link,
                                   GByteArray          *buffer,
                                   TongbanFrameHandler  handler,
                                   gpointer             owner,
                                   GCancellable        *cancellable,
                                   GError             **error);

G_END_DECLS
