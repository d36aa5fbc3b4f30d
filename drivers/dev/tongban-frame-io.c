/* tongban-frame-io.c: command/reply and unsolicited frames on one link
 *
 * Unsolicited frames (a key, an input change) can arrive between a command
 * and its reply; they are dispatched, not dropped.
 */

#include "tongban-frame-io.h"
#include "tongban-device.h"

static gboolean
read_frames (TongbanLink         *link,
             GByteArray          *buffer,
             guint8               reply_cmd,
             GByteArray         **reply,
             TongbanFrameHandler  handler,
             gpointer             owner,
             gint64               deadline,
             GCancellable        *cancellable,
             GError             **error)
{
  for (;;)
    {
      guint8 chunk[256];
      g_autoptr(GError) local = NULL;
      gssize n;

      while (buffer->len > 0)
        {
          TongbanFrame frame;
          gsize used = 0;
          TongbanFrameParse r = tongban_frame_parse (buffer->data, buffer->len, &frame, &used);

          if (r == TONGBAN_FRAME_PARSE_NEED_MORE)
            break;
          if (r == TONGBAN_FRAME_PARSE_INVALID)
            {
              g_message ("frame: %" G_GSIZE_FORMAT " invalid bytes from the device", used);
              g_byte_array_remove_range (buffer, 0, used);
              if (reply_cmd != 0)
                {
                  g_set_error_literal (error, TONGBAN_DEVICE_ERROR,
                                       TONGBAN_COMPLETION_INVALID_DATA, "invalid frame");
                  return FALSE;
                }
              continue;
            }
          if (reply_cmd != 0 && frame.cmd == reply_cmd)
            {
              if (reply != NULL)
                {
                  *reply = g_byte_array_new ();
                  g_byte_array_append (*reply, frame.data, frame.length);
                }
              g_byte_array_remove_range (buffer, 0, used);
              return TRUE;
            }
          if (handler != NULL)
            handler (owner, &frame);
          g_byte_array_remove_range (buffer, 0, used);
        }

      n = tongban_link_read (link, chunk, sizeof chunk, deadline, cancellable, &local);
      if (n < 0)
        {
          if (reply_cmd == 0 && g_error_matches (local, TONGBAN_DEVICE_ERROR,
                                                 TONGBAN_COMPLETION_TIMEOUT))
            return TRUE;
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_byte_array_append (buffer, chunk, n);
    }
}

gboolean
tongban_frame_io_command (TongbanLink         *link,
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
                          GError             **error)
{
  g_autoptr(GByteArray) frame = tongban_frame_build (cmd, data, length);

  g_return_val_if_fail (reply_cmd != 0, FALSE);

  if (!tongban_link_write_all (link, frame->data, frame->len, deadline, cancellable, error))
    return FALSE;
  return read_frames (link, buffer, reply_cmd, reply, handler, owner, deadline, cancellable,
                      error);
}

/* Dispatches whatever has arrived, without waiting. */
gboolean
tongban_frame_io_drain (TongbanLink         *link,
                        GByteArray          *buffer,
                        TongbanFrameHandler  handler,
                        gpointer             owner,
                        GCancellable        *cancellable,
                        GError             **error)
{
  return read_frames (link, buffer, 0, NULL, handler, owner, g_get_monotonic_time (),
                      cancellable, error);
}
