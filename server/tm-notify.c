/* tm-notify.c: sending queued alarm notifications by e-mail (SMTP) and SMS (HTTP gateway)
 *
 * Both are plain, short-lived GIO socket conversations with a timeout, driven by the
 * worker thread from the notification table, so a slow mail server never holds up a
 * heartbeat. A failed message is retried up to three times.
 */

#include "tm-app.h"

#include <string.h>
#include <gio/gio.h>

#define IO_TIMEOUT_S 10
#define MAX_ATTEMPTS 3

static GIOStream *
open_stream (const char  *host,
             guint        port,
             GError     **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();

  g_socket_client_set_timeout (client, IO_TIMEOUT_S);
  /* Straight to the configured relay: no proxy look-up (libproxy can take seconds). */
  g_socket_client_set_enable_proxy (client, FALSE);
  return G_IO_STREAM (g_socket_client_connect_to_host (client, host, (guint16) port, NULL, error));
}

static gboolean
write_all (GIOStream   *stream,
           const char  *text,
           GError     **error)
{
  return g_output_stream_write_all (g_io_stream_get_output_stream (stream), text, strlen (text),
                                    NULL, NULL, error);
}

/* Reads one SMTP reply (possibly multi-line) and checks its code class. */
static gboolean
smtp_expect (GDataInputStream  *in,
             char               klass,
             GError           **error)
{
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, error);

      if (line == NULL)
        {
          if (error != NULL && *error == NULL)
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "SMTP closed");
          return FALSE;
        }
      if (strlen (line) < 3 || line[0] != klass)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "SMTP said: %.200s", line);
          return FALSE;
        }
      if (line[3] != '-')
        return TRUE;
    }
}

static gboolean
smtp_command (GIOStream         *stream,
              GDataInputStream  *in,
              const char        *command,
              char               klass,
              GError           **error)
{
  return write_all (stream, command, error) && smtp_expect (in, klass, error);
}

gboolean
tm_notify_send_email (const char  *host,
                      guint        port,
                      const char  *from,
                      const char  *to,
                      const char  *subject,
                      const char  *body,
                      GError     **error)
{
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *subject_b64 = NULL;
  g_autofree char *body_b64 = NULL;
  g_autofree char *mail_from = NULL;
  g_autofree char *rcpt_to = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%a, %d %b %Y %H:%M:%S +0000");

  if (strpbrk (to, "\r\n<>") != NULL || strpbrk (from, "\r\n<>") != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad address");
      return FALSE;
    }
  stream = open_stream (host, port, error);
  if (stream == NULL)
    return FALSE;
  in = g_data_input_stream_new (g_io_stream_get_input_stream (stream));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);

  /* Subject and body are UTF-8 (Chinese site names): encoded words and base64 keep the
   * message 7-bit clean and make dot-stuffing unnecessary. */
  subject_b64 = g_base64_encode ((const guchar *) subject, strlen (subject));
  body_b64 = g_base64_encode ((const guchar *) body, strlen (body));
  mail_from = g_strdup_printf ("MAIL FROM:<%s>\r\n", from);
  rcpt_to = g_strdup_printf ("RCPT TO:<%s>\r\n", to);
  message = g_strdup_printf ("From: <%s>\r\nTo: <%s>\r\nDate: %s\r\nSubject: =?UTF-8?B?%s?=\r\n"
                             "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                             "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n.\r\n",
                             from, to, date, subject_b64, body_b64);
  return smtp_expect (in, '2', error)
         && smtp_command (stream, in, "HELO tongban-manager\r\n", '2', error)
         && smtp_command (stream, in, mail_from, '2', error)
         && smtp_command (stream, in, rcpt_to, '2', error)
         && smtp_command (stream, in, "DATA\r\n", '3', error)
         && smtp_command (stream, in, message, '2', error)
         && smtp_command (stream, in, "QUIT\r\n", '2', error);
}

gboolean
tm_notify_send_sms (const char  *url,
                    const char  *to,
                    const char  *text,
                    GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, error);
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autofree char *request = NULL;
  g_autofree char *status = NULL;
  int port;

  if (uri == NULL)
    return FALSE;
  if (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 || g_uri_get_host (uri) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "SMS gateway must be an http:// URL (TLS via a local relay)");
      return FALSE;
    }
  port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 80;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "to");
  json_builder_add_string_value (b, to);
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, text);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json = json_to_string (root, FALSE);
  request = g_strdup_printf ("POST %s HTTP/1.0\r\nHost: %s\r\nContent-Type: application/json\r\n"
                             "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                             *g_uri_get_path (uri) ? g_uri_get_path (uri) : "/",
                             g_uri_get_host (uri), strlen (json), json);
  stream = open_stream (g_uri_get_host (uri), (guint) port, error);
  if (stream == NULL || !write_all (stream, request, error))
    return FALSE;
  in = g_data_input_stream_new (g_io_stream_get_input_stream (stream));
  status = g_data_input_stream_read_line (in, NULL, NULL, error);
  if (status == NULL)
    return FALSE;
  /* "HTTP/1.x 2xx ..." */
  if (strlen (status) < 12 || !g_str_has_prefix (status, "HTTP/1.") || status[9] != '2')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "gateway said: %.100s", status);
      return FALSE;
    }
  return TRUE;
}

void
tm_notify_run_pending (TmApp *app)
{
  g_autoptr(TmRows) rows = NULL;
  TmConn *conn = tm_db_acquire (app->db);

  rows = tm_q (conn, NULL, "SELECT id, channel, target, subject, body, attempts FROM notification"
               " WHERE state = 'pending' ORDER BY id LIMIT 50");
  /* Not holding the connection while talking to the network. */
  tm_db_release (app->db, conn);
  for (guint i = 0; rows != NULL && i < rows->n_rows; i++)
    {
      g_autoptr(GError) error = NULL;
      const char *channel = tm_rows_get (rows, i, 1);
      gint64 attempts = tm_rows_get_int (rows, i, 5) + 1;
      gboolean sent;

      if (g_str_equal (channel, "email"))
        sent = app->config.smtp_host != NULL
               && tm_notify_send_email (app->config.smtp_host, app->config.smtp_port,
                                        app->config.smtp_from, tm_rows_get (rows, i, 2),
                                        tm_rows_get (rows, i, 3), tm_rows_get (rows, i, 4), &error);
      else
        {
          g_autofree char *text = g_strconcat (tm_rows_get (rows, i, 3), "\n",
                                               tm_rows_get (rows, i, 4), NULL);
          sent = app->config.sms_url != NULL
                 && tm_notify_send_sms (app->config.sms_url, tm_rows_get (rows, i, 2), text, &error);
        }
      if (!sent && error == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                             "channel not configured");
      conn = tm_db_acquire (app->db);
      tm_x (conn, NULL, "UPDATE notification SET state = ?, attempts = ?, sent_at = ?, error = ?"
            " WHERE id = ?", TM_STR (sent ? "sent" : attempts >= MAX_ATTEMPTS ? "failed" : "pending"),
            TM_INT (attempts), TM_INT (sent ? tm_now () : 0), TM_STR (error ? error->message : NULL),
            TM_INT (tm_rows_get_int (rows, i, 0)));
      tm_db_release (app->db, conn);
    }
}
