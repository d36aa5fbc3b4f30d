/* tm-test.c: helpers for the server tests (see tm-test.h) */

#include "tm-test.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <gio/gio.h>
#include <libpq-fe.h>
#include <microhttpd.h>

#include "tongban-request-sign.h"
#include "tongban-sm.h"

gboolean
tm_test_on_postgres (void)
{
  const char *db = g_getenv ("TONGBAN_TEST_DB");

  return db != NULL && g_str_has_prefix (db, "postgresql:");
}

char *
tm_test_db_uri (void)
{
  const char *base = g_getenv ("TONGBAN_TEST_DB");
  g_autofree char *name = NULL;
  g_autofree char *sql = NULL;
  const char *q;
  PGconn *pg;
  PGresult *res;

  if (!tm_test_on_postgres ())
    {
      g_autofree char *dir = g_dir_make_tmp ("tongban-test-XXXXXX", NULL);

      g_assert_nonnull (dir);
      return g_build_filename (dir, "manager.db", NULL);
    }
  pg = PQconnectdb (base);
  g_assert_cmpint (PQstatus (pg), ==, CONNECTION_OK);
  name = g_strdup_printf ("tb_%08x%08x", g_random_int (), g_random_int ());
  sql = g_strdup_printf ("CREATE DATABASE %s", name);
  res = PQexec (pg, sql);
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_COMMAND_OK);
  PQclear (res);
  PQfinish (pg);
  q = strchr (base, '?');
  g_assert_nonnull (q);
  return g_strdup_printf ("postgresql:///%s%s", name, q);
}

TmApp *
tm_test_app_new (TmConfig *config_or_null)
{
  TmConfig config;
  g_autoptr(GError) error = NULL;
  TmApp *app;

  if (config_or_null == NULL)
    tm_config_init (&config);
  else
    config = *config_or_null;
  g_free (config.db_uri);
  config.db_uri = tm_test_db_uri ();
  config.threads = 2;
  app = tm_app_new (&config, &error);
  g_assert_no_error (error);
  tm_config_clear (&config);
  return app;
}

static const char *
manager_path (void)
{
  const char *p = g_getenv ("TONGBAN_MANAGER");

  g_assert_nonnull (p);
  return p;
}

/* If the test dies on an assertion, its server goes with it. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

TmTestServer *
tm_test_server_start (const char * const *extra_args)
{
  g_autofree char *uri = tm_test_db_uri ();

  return tm_test_server_start_on (uri, extra_args);
}

TmTestServer *
tm_test_server_start_on (const char         *db_uri,
                         const char * const *extra_args)
{
  return tm_test_server_start_logged (db_uri, extra_args, -1);
}

GPid
tm_test_spawn_listening (const char * const *argv,
                         int                 stderr_fd,
                         guint              *port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) ch = NULL;
  g_autofree char *line = NULL;
  GPid pid = 0;
  int out_fd = -1;

  g_spawn_async_with_pipes_and_fds (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                    die_with_parent, NULL, -1, -1, stderr_fd, NULL, NULL, 0,
                                    &pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);
  ch = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (ch, TRUE);
  g_io_channel_read_line (ch, &line, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  *port = (guint) g_ascii_strtoull (strrchr (line, ':') + 1, NULL, 10);
  g_assert_cmpuint (*port, >, 0);
  return pid;
}

TmTestServer *
tm_test_server_start_logged (const char         *db_uri,
                             const char * const *extra_args,
                             int                 stderr_fd)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  TmTestServer *s = g_new0 (TmTestServer, 1);

  s->db_uri = g_strdup (db_uri);
  g_ptr_array_add (argv, (gpointer) manager_path ());
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, s->db_uri);
  g_ptr_array_add (argv, (gpointer) "--port");
  g_ptr_array_add (argv, (gpointer) "0");
  for (guint i = 0; extra_args && extra_args[i]; i++)
    g_ptr_array_add (argv, (gpointer) extra_args[i]);
  g_ptr_array_add (argv, NULL);
  s->pid = tm_test_spawn_listening ((const char * const *) argv->pdata, stderr_fd, &s->port);
  return s;
}

void
tm_test_server_stop (TmTestServer *s)
{
  int status = 0;

  if (s == NULL)
    return;
  kill (s->pid, SIGTERM);
  for (int i = 0; i < 100; i++)
    {
      if (waitpid (s->pid, &status, WNOHANG) == s->pid)
        break;
      if (i == 99)
        {
          kill (s->pid, SIGKILL);
          waitpid (s->pid, &status, 0);
          g_assert_not_reached ();
        }
      g_usleep (50 * 1000);
    }
  /* A clean exit: sanitizer reports or crashes on shutdown fail the test. */
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_spawn_close_pid (s->pid);
  g_free (s->db_uri);
  g_free (s);
}

void
tm_test_create_account (TmTestServer *s,
                        const char   *name,
                        const char   *role,
                        const char   *region,
                        const char   *password)
{
  const char *argv[] = { manager_path (), "--db", s->db_uri, "--create-account", name, "--role",
                         role, "--region", region, NULL };
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "TONGBAN_PASSWORD", password, TRUE);
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

void
tm_test_response_free (TmTestResponse *r)
{
  if (r == NULL)
    return;
  g_free (r->body);
  g_clear_pointer (&r->root, json_node_unref);
  g_free (r);
}

TmTestResponse *
tm_test_http (guint               port,
              const char         *method,
              const char         *path,
              const char * const *headers,
              const char         *body,
              gssize              len)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) req = g_string_new (NULL);
  g_autoptr(GByteArray) in = g_byte_array_new ();
  TmTestResponse *r = g_new0 (TmTestResponse, 1);
  const char *sep;
  guint8 buf[16384];
  gssize n;

  if (body != NULL && len < 0)
    len = (gssize) strlen (body);
  g_socket_client_set_timeout (client, 30);
  g_socket_client_set_enable_proxy (client, FALSE);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) port, NULL, &error);
  g_assert_no_error (error);
  /* HTTP/1.0 so the server closes after the answer and never chunks. */
  g_string_append_printf (req, "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\n", method, path);
  for (guint i = 0; headers && headers[i]; i++)
    g_string_append_printf (req, "%s\r\n", headers[i]);
  if (body != NULL)
    g_string_append_printf (req, "Content-Type: application/json\r\nContent-Length: %zd\r\n", len);
  g_string_append (req, "\r\n");
  if (body != NULL)
    g_string_append_len (req, body, len);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), req->str,
                             req->len, NULL, NULL, &error);
  /* The server may answer (e.g. 413) and close before reading everything. */
  g_clear_error (&error);
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buf,
                                   sizeof buf, NULL, &error)) > 0)
    g_byte_array_append (in, buf, (guint) n);
  g_assert_no_error (error);
  g_byte_array_append (in, (const guint8 *) "", 1);

  g_assert_true (g_str_has_prefix ((const char *) in->data, "HTTP/1."));
  r->status = (guint) g_ascii_strtoull ((const char *) in->data + 9, NULL, 10);
  sep = strstr ((const char *) in->data, "\r\n\r\n");
  g_assert_nonnull (sep);
  /* Bodies may be binary (XLSX): keep the length, and a NUL after it for text use. */
  r->body_len = in->len - 1 - (gsize) (sep + 4 - (const char *) in->data);
  r->body = g_malloc (r->body_len + 1);
  memcpy (r->body, sep + 4, r->body_len + 1);
  r->code = -1;
  {
    g_autoptr(JsonParser) p = json_parser_new ();

    if (json_parser_load_from_data (p, r->body, -1, NULL)
        && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)))
      {
        JsonObject *o = json_node_get_object (json_parser_get_root (p));

        r->root = json_node_copy (json_parser_get_root (p));
        /* Every JSON answer must be the full envelope (the OpenAPI document aside). */
        if (json_object_has_member (o, "openapi"))
          return r;
        g_assert_true (json_object_has_member (o, "code"));
        g_assert_true (json_object_has_member (o, "message"));
        g_assert_true (json_object_has_member (o, "data"));
        g_assert_true (json_object_has_member (o, "ext"));
        r->code = json_object_get_int_member (o, "code");
      }
  }
  /* Never an internal error that leaks details: 500s must be the bare envelope. */
  if (r->status == 500)
    g_assert_null (strstr (r->body, "SQL"));
  return r;
}

JsonObject *
tm_test_data (TmTestResponse *r)
{
  JsonNode *d;

  g_assert_nonnull (r->root);
  d = json_object_get_member (json_node_get_object (r->root), "data");
  g_assert_true (JSON_NODE_HOLDS_OBJECT (d));
  return json_node_get_object (d);
}

const char *
tm_test_field (TmTestResponse *r)
{
  return json_object_get_string_member_with_default (tm_test_data (r), "field", NULL);
}

TmTestResponse *
tm_test_console (guint       port,
                 const char *token,
                 const char *method,
                 const char *path,
                 const char *body)
{
  g_autofree char *auth = token ? g_strdup_printf ("Authorization: Bearer %s", token) : NULL;
  const char *headers[] = { auth, NULL };

  return tm_test_http (port, method, path, headers, body, -1);
}

char *
tm_test_login (guint       port,
               const char *user,
               const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}", user,
                                           password);
  g_autoptr(TmTestResponse) r = tm_test_http (port, "POST", "/api/v1/login", NULL, body, -1);

  g_assert_cmpint (r->code, ==, 0);
  return g_strdup (json_object_get_string_member (tm_test_data (r), "token"));
}

TmTestTerminal *
tm_test_terminal_new (guint       port,
                      const char *number,
                      const char *region)
{
  TmTestTerminal *t = g_new0 (TmTestTerminal, 1);

  t->key = tongban_sm2_generate ();
  g_assert_nonnull (t->key);
  t->number = g_strdup (number);
  t->port = port;
  t->region = g_strdup (region);
  return t;
}

void
tm_test_terminal_free (TmTestTerminal *t)
{
  if (t == NULL)
    return;
  EVP_PKEY_free (t->key);
  g_free (t->number);
  g_free (t->region);
  g_free (t->session_id);
  explicit_bzero (t->session_key, sizeof t->session_key);
  g_free (t);
}

TmTestResponse *
tm_test_terminal_register (TmTestTerminal *t)
{
  g_autofree char *pub = tongban_sm2_public_to_base64 (t->key);
  g_autofree char *body = g_strdup_printf ("{\"number\":\"%s\",\"pubkey\":\"%s\","
                                           "\"site\":\"政务服务中心\",\"region_code\":\"%s\","
                                           "\"sw_version\":\"0.1.0\"}", t->number, pub,
                                           t->region);

  return tm_test_http (t->port, "POST", "/api/terminal/v1/register", NULL, body, -1);
}

gboolean
tm_test_terminal_login (TmTestTerminal *t,
                        gint64         *code)
{
  g_autofree char *body = g_strdup_printf ("{\"number\":\"%s\"}", t->number);
  g_autoptr(TmTestResponse) ch = tm_test_http (t->port, "POST", "/api/terminal/v1/auth/challenge",
                                               NULL, body, -1);
  g_autoptr(TmTestResponse) lr = NULL;
  g_autofree char *message = NULL;
  g_autofree char *sig_b64 = NULL;
  g_autofree char *login = NULL;
  g_autofree guint8 *sig = NULL;
  g_autofree guchar *sealed = NULL;
  g_autoptr(GBytes) key = NULL;
  const char *cid, *challenge;
  gsize sig_len = 0, sealed_len = 0;

  *code = ch->code;
  if (ch->code != 0)
    return FALSE;
  cid = json_object_get_string_member (tm_test_data (ch), "challenge_id");
  challenge = json_object_get_string_member (tm_test_data (ch), "challenge");
  message = g_strdup_printf ("tongban-login\n%s\n%s\n%s", t->number, cid, challenge);
  g_assert_true (tongban_sm2_sign (t->key, message, strlen (message), &sig, &sig_len));
  sig_b64 = g_base64_encode (sig, sig_len);
  login = g_strdup_printf ("{\"number\":\"%s\",\"challenge_id\":\"%s\",\"signature\":\"%s\"}",
                           t->number, cid, sig_b64);
  lr = tm_test_http (t->port, "POST", "/api/terminal/v1/auth/login", NULL, login, -1);
  *code = lr->code;
  if (lr->code != 0)
    return FALSE;
  g_free (t->session_id);
  t->session_id = g_strdup (json_object_get_string_member (tm_test_data (lr), "session_id"));
  sealed = g_base64_decode (json_object_get_string_member (tm_test_data (lr), "session_key"),
                            &sealed_len);
  key = tongban_sm2_decrypt (t->key, sealed, sealed_len);
  g_assert_nonnull (key);
  g_assert_cmpuint (g_bytes_get_size (key), ==, sizeof t->session_key);
  memcpy (t->session_key, g_bytes_get_data (key, NULL), sizeof t->session_key);
  return TRUE;
}

TmTestResponse *
tm_test_terminal_call (TmTestTerminal *t,
                       const char     *method,
                       const char     *path,
                       const char     *body,
                       gint64          ts,
                       const char     *nonce)
{
  g_autofree char *own_nonce = nonce ? g_strdup (nonce) : tongban_nonce_new ();
  g_autofree char *sig = NULL;
  g_autofree char *h1 = NULL, *h2 = NULL, *h3 = NULL, *h4 = NULL;
  const char *headers[5];

  if (ts == 0)
    ts = g_get_real_time () / G_USEC_PER_SEC;
  sig = tongban_request_sign (t->session_key, sizeof t->session_key, method, path, ts, own_nonce,
                              body, body ? strlen (body) : 0);
  h1 = g_strdup_printf ("X-Session-Id: %s", t->session_id ? t->session_id : "none");
  h2 = g_strdup_printf ("X-Timestamp: %" G_GINT64_FORMAT, ts);
  h3 = g_strdup_printf ("X-Nonce: %s", own_nonce);
  h4 = g_strdup_printf ("X-Signature: %s", sig);
  headers[0] = h1;
  headers[1] = h2;
  headers[2] = h3;
  headers[3] = h4;
  headers[4] = NULL;
  return tm_test_http (t->port, method, path, headers, body, -1);
}

struct _TmTestSink {
  gboolean      smtp;
  GSocket      *socket;
  guint         port;
  GThread      *thread;
  GAsyncQueue  *queue;
  gint          stop;
};

static void
sink_serve_smtp (TmTestSink *s,
                 GIOStream  *io)
{
  GOutputStream *out = g_io_stream_get_output_stream (io);
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_io_stream_get_input_stream (io));
  g_autoptr(GString) msg = g_string_new (NULL);
  char *line;

  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  g_output_stream_write_all (out, "220 sink ready\r\n", 16, NULL, NULL, NULL);
  while ((line = g_data_input_stream_read_line (in, NULL, NULL, NULL)) != NULL)
    {
      const char *reply = "250 ok\r\n";

      if (g_ascii_strncasecmp (line, "RCPT TO:", 8) == 0)
        g_string_append_printf (msg, "%s\n", line);
      if (g_ascii_strcasecmp (line, "DATA") == 0)
        {
          char *d;

          g_output_stream_write_all (out, "354 go on\r\n", 11, NULL, NULL, NULL);
          while ((d = g_data_input_stream_read_line (in, NULL, NULL, NULL)) != NULL)
            {
              gboolean end = strcmp (d, ".") == 0;

              if (!end)
                g_string_append_printf (msg, "%s\n", d);
              g_free (d);
              if (end)
                break;
            }
          g_async_queue_push (s->queue, g_strdup (msg->str));
          g_string_truncate (msg, 0);
        }
      if (g_ascii_strcasecmp (line, "QUIT") == 0)
        reply = "221 bye\r\n";
      g_output_stream_write_all (out, reply, strlen (reply), NULL, NULL, NULL);
      if (g_ascii_strcasecmp (line, "QUIT") == 0)
        {
          g_free (line);
          break;
        }
      g_free (line);
    }
}

static void
sink_serve_http (TmTestSink *s,
                 GIOStream  *io)
{
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_io_stream_get_input_stream (io));
  gsize length = 0;
  char *line;
  g_autofree char *body = NULL;
  static const char answer[] = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok";

  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  while ((line = g_data_input_stream_read_line (in, NULL, NULL, NULL)) != NULL)
    {
      gboolean end = *line == '\0';

      if (g_ascii_strncasecmp (line, "Content-Length:", 15) == 0)
        length = g_ascii_strtoull (line + 15, NULL, 10);
      g_free (line);
      if (end)
        break;
    }
  body = g_malloc0 (length + 1);
  g_input_stream_read_all (G_INPUT_STREAM (in), body, length, NULL, NULL, NULL);
  g_async_queue_push (s->queue, g_steal_pointer (&body));
  g_output_stream_write_all (g_io_stream_get_output_stream (io), answer, strlen (answer), NULL,
                             NULL, NULL);
}

static gpointer
sink_main (gpointer data)
{
  TmTestSink *s = data;

  while (!g_atomic_int_get (&s->stop))
    {
      g_autoptr(GSocket) client = g_socket_accept (s->socket, NULL, NULL);
      g_autoptr(GSocketConnection) conn = NULL;

      if (client == NULL)
        continue;   /* timeout: look at the stop flag again */
      g_socket_set_timeout (client, 10);
      conn = g_socket_connection_factory_create_connection (client);
      if (s->smtp)
        sink_serve_smtp (s, G_IO_STREAM (conn));
      else
        sink_serve_http (s, G_IO_STREAM (conn));
      g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
    }
  return NULL;
}

TmTestSink *
tm_test_sink_start (gboolean smtp)
{
  TmTestSink *s = g_new0 (TmTestSink, 1);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  s->smtp = smtp;
  s->queue = g_async_queue_new_full (g_free);
  s->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                            &error);
  g_assert_no_error (error);
  g_socket_bind (s->socket, addr, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (s->socket, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (s->socket, 1);
  bound = g_socket_get_local_address (s->socket, &error);
  g_assert_no_error (error);
  s->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  s->thread = g_thread_new ("sink", sink_main, s);
  return s;
}

guint
tm_test_sink_port (TmTestSink *s)
{
  return s->port;
}

char *
tm_test_sink_pop (TmTestSink *s,
                  guint       timeout_ms)
{
  return g_async_queue_timeout_pop (s->queue, (guint64) timeout_ms * 1000);
}

void
tm_test_sink_stop (TmTestSink *s)
{
  g_atomic_int_set (&s->stop, 1);
  {
    /* Wake the blocking accept now rather than at its next timeout. */
    g_autoptr(GSocketClient) client = g_socket_client_new ();
    g_autoptr(GSocketConnection) conn = NULL;

    g_socket_client_set_enable_proxy (client, FALSE);
    conn = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) s->port, NULL, NULL);
    if (conn != NULL)
      g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  }
  g_thread_join (s->thread);
  g_object_unref (s->socket);
  g_async_queue_unref (s->queue);
  g_free (s);
}

/* A WebSocket client (RFC 6455) over a plain socket: the handshake, then unmasked text
 * frames from the server. */
struct _TmTestWs {
  int         fd;
  GByteArray *in;
};

static gboolean
ws_fill (TmTestWs *ws,
         gsize     need,
         gint64    deadline)
{
  while (ws->in->len < need)
    {
      struct pollfd pfd = { ws->fd, POLLIN, 0 };
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      guint8 buf[4096];
      ssize_t n;

      if (left <= 0 || poll (&pfd, 1, (int) left) <= 0)
        return FALSE;
      n = read (ws->fd, buf, sizeof buf);
      if (n <= 0)
        return FALSE;
      g_byte_array_append (ws->in, buf, (guint) n);
    }
  return TRUE;
}

TmTestWs *
tm_test_ws_open (guint       port,
                 const char *path,
                 const char *token)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons ((guint16) port) };
  g_autofree char *req = NULL;
  TmTestWs *ws = g_new0 (TmTestWs, 1);
  const guint8 *end;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  ws->fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ws->in = g_byte_array_new ();
  g_assert_cmpint (connect (ws->fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  /* The key and its answer are RFC 6455's own example. */
  req = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                         "Sec-WebSocket-Version: 13\r\n%s%s%s\r\n", path,
                         token ? "Authorization: Bearer " : "", token ? token : "",
                         token ? "\r\n" : "");
  g_assert_cmpint (write (ws->fd, req, strlen (req)), ==, (ssize_t) strlen (req));
  for (;;)
    {
      g_assert_true (ws_fill (ws, ws->in->len + 1, deadline));
      end = memmem (ws->in->data, ws->in->len, "\r\n\r\n", 4);
      if (end != NULL)
        break;
    }
  {
    g_autofree char *head = g_strndup ((const char *) ws->in->data,
                                       (gsize) (end - ws->in->data));

    if (!g_str_has_prefix (head, "HTTP/1.1 101"))
      {
        g_test_message ("no upgrade: %s", head);
        tm_test_ws_close (ws);
        return NULL;
      }
    g_assert_nonnull (strcasestr (head, "\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    g_assert_nonnull (strcasestr (head, "\r\nUpgrade: websocket"));
  }
  g_byte_array_remove_range (ws->in, 0, (guint) (end + 4 - ws->in->data));
  return ws;
}

char *
tm_test_ws_next (TmTestWs *ws,
                 guint     timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      gsize head = 2, len;
      guint8 opcode;
      char *text;

      if (!ws_fill (ws, 2, deadline))
        return NULL;
      /* A server never masks its frames (RFC 6455 §5.1). */
      g_assert_cmpuint (ws->in->data[1] & 0x80, ==, 0);
      opcode = ws->in->data[0] & 0x0f;
      len = ws->in->data[1] & 0x7f;
      if (len == 126)
        {
          head = 4;
          if (!ws_fill (ws, head, deadline))
            return NULL;
          len = (gsize) ws->in->data[2] << 8 | ws->in->data[3];
        }
      g_assert_cmpuint (len, <, 65536);
      if (!ws_fill (ws, head + len, deadline))
        return NULL;
      text = g_strndup ((const char *) ws->in->data + head, len);
      g_byte_array_remove_range (ws->in, 0, (guint) (head + len));
      if (opcode == 0x1)
        return text;
      g_free (text);
      if (opcode == 0x8)
        return NULL;
    }
}

void
tm_test_ws_close (TmTestWs *ws)
{
  if (ws == NULL)
    return;
  close (ws->fd);
  g_byte_array_unref (ws->in);
  g_free (ws);
}

/* A stand-in government system speaking docs/gateway.md section 2, one thread per
 * connection so a slow answer holds up nobody else. */

struct _TmTestBackend {
  struct MHD_Daemon *daemon;
  guint              port;
  GMutex             lock;
  char              *mode;
  guint              slow_ms;
  GHashTable        *attempts;     /* request id → count */
  char              *last_auth;
  char              *last_body;
  gint64             last_spent_us;
};

typedef struct {
  GByteArray *body;
} BackendUpload;

static enum MHD_Result
backend_answer (struct MHD_Connection *c,
                guint                  status,
                const char            *text,
                gint64                 started,
                TmTestBackend         *b)
{
  struct MHD_Response *resp = MHD_create_response_from_buffer (strlen (text), (void *) text,
                                                               MHD_RESPMEM_MUST_COPY);
  g_autofree char *spent = NULL;
  enum MHD_Result ret;

  g_mutex_lock (&b->lock);
  b->last_spent_us = g_get_monotonic_time () - started;
  spent = g_strdup_printf ("%" G_GINT64_FORMAT, b->last_spent_us);
  g_mutex_unlock (&b->lock);
  /* The back end's own time, so a benchmark can subtract it. */
  MHD_add_response_header (resp, "X-Backend-Time-Us", spent);
  MHD_add_response_header (resp, "Content-Type", "application/json");
  ret = MHD_queue_response (c, status, resp);
  MHD_destroy_response (resp);
  return ret;
}

static enum MHD_Result
backend_request (void                  *cls,
                 struct MHD_Connection *c,
                 const char            *url,
                 const char            *method,
                 const char            *version,
                 const char            *upload_data,
                 size_t                *upload_data_size,
                 void                 **con_cls)
{
  TmTestBackend *b = cls;
  BackendUpload *up = *con_cls;
  const char *op, *rid, *auth;
  g_autofree char *mode = NULL;
  gint64 started = g_get_monotonic_time ();
  guint attempt, slow;

  if (up == NULL)
    {
      up = g_new0 (BackendUpload, 1);
      up->body = g_byte_array_new ();
      *con_cls = up;
      return MHD_YES;
    }
  if (*upload_data_size > 0)
    {
      g_byte_array_append (up->body, (const guint8 *) upload_data, (guint) *upload_data_size);
      *upload_data_size = 0;
      return MHD_YES;
    }
  op = strstr (url, "/ops/");
  rid = MHD_lookup_connection_value (c, MHD_HEADER_KIND, "X-Request-Id");
  auth = MHD_lookup_connection_value (c, MHD_HEADER_KIND, "Authorization");
  g_mutex_lock (&b->lock);
  attempt = GPOINTER_TO_UINT (g_hash_table_lookup (b->attempts, rid ? rid : "")) + 1;
  g_hash_table_replace (b->attempts, g_strdup (rid ? rid : ""), GUINT_TO_POINTER (attempt));
  g_free (b->last_auth);
  b->last_auth = g_strdup (auth);
  g_free (b->last_body);
  b->last_body = g_strndup ((const char *) up->body->data, up->body->len);
  mode = g_strdup (b->mode);
  slow = b->slow_ms;
  g_mutex_unlock (&b->lock);

  if (strcmp (method, "POST") != 0 || op == NULL)
    return backend_answer (c, 404, "{\"ok\":false,\"reason\":\"not-found\"}", started, b);
  op += 5;
  if (strcmp (mode, "close") == 0 || (strcmp (mode, "close-once") == 0 && attempt == 1))
    return MHD_NO;   /* MHD drops the connection without an answer */
  if (strcmp (mode, "slow") == 0)
    g_usleep (slow * 1000);
  if (strcmp (mode, "500") == 0)
    return backend_answer (c, 500, "{\"ok\":false}", started, b);
  if (strcmp (mode, "garbage") == 0)
    return backend_answer (c, 200, "<html>service window closed</html>", started, b);
  if (strcmp (mode, "no-data") == 0)
    return backend_answer (c, 200, "{\"ok\":true}", started, b);
  if (strcmp (mode, "refuse") == 0)
    return backend_answer (c, 404, "{\"ok\":false,\"reason\":\"not-found\",\"detail\":"
                           "\"no record for 44030019900101123X\"}", started, b);
  if (strcmp (mode, "bad-reason") == 0)
    return backend_answer (c, 409, "{\"ok\":false,\"reason\":\"rm -rf\"}", started, b);
  if (strcmp (op, "auth.id-card") == 0)
    {
      /* The stand-in trusts the card: the citizen is who the card's fields say. */
      g_autofree char *text_in = g_strndup ((const char *) up->body->data, up->body->len);
      g_autoptr(JsonNode) root = json_from_string (text_in, NULL);
      JsonObject *params = root ? json_object_get_object_member (json_node_get_object (root),
                                                                 "params") : NULL;
      g_autoptr(JsonBuilder) jb = json_builder_new ();
      g_autoptr(JsonNode) answer = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (jb);
      json_builder_set_member_name (jb, "ok");
      json_builder_add_boolean_value (jb, TRUE);
      json_builder_set_member_name (jb, "data");
      json_builder_begin_object (jb);
      json_builder_set_member_name (jb, "verified");
      json_builder_add_boolean_value (jb, TRUE);
      json_builder_set_member_name (jb, "citizen");
      json_builder_begin_object (jb);
      json_builder_set_member_name (jb, "id_type");
      json_builder_add_string_value (jb, "resident-id");
      json_builder_set_member_name (jb, "id_number");
      json_builder_add_string_value (jb, json_object_get_string_member (params, "id_number"));
      json_builder_set_member_name (jb, "name");
      json_builder_add_string_value (jb, json_object_get_string_member (params, "name"));
      json_builder_set_member_name (jb, "birth");
      json_builder_add_string_value (jb, json_object_get_string_member (params, "birth"));
      json_builder_end_object (jb);
      json_builder_end_object (jb);
      json_builder_end_object (jb);
      answer = json_builder_get_root (jb);
      text = json_to_string (answer, FALSE);
      return backend_answer (c, 200, text, started, b);
    }
  if (strcmp (op, "auth.qr") == 0)
    /* A careless identity system: who it is waiting for must not reach the kiosk. */
    return backend_answer (c, 200, "{\"ok\":true,\"data\":{\"verified\":false,"
                           "\"state\":\"waiting\",\"citizen\":{\"id_number\":\""
                           TM_TEST_ID_NUMBER "\"}}}", started, b);
  {
    g_autofree char *text = g_strdup_printf ("{\"ok\":true,\"data\":{\"operation\":\"%s\","
                                             "\"attempt\":%u}}", op, attempt);

    return backend_answer (c, 200, text, started, b);
  }
}

static void
backend_completed (void                            *cls,
                   struct MHD_Connection           *c,
                   void                           **con_cls,
                   enum MHD_RequestTerminationCode  toe)
{
  BackendUpload *up = *con_cls;

  if (up == NULL)
    return;
  g_byte_array_unref (up->body);
  g_free (up);
  *con_cls = NULL;
}

TmTestBackend *
tm_test_backend_start (void)
{
  TmTestBackend *b = g_new0 (TmTestBackend, 1);
  const union MHD_DaemonInfo *info;

  g_mutex_init (&b->lock);
  b->mode = g_strdup ("ok");
  b->attempts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  b->daemon = MHD_start_daemon (MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD
                                | MHD_USE_ERROR_LOG, 0, NULL, NULL, backend_request, b,
                                MHD_OPTION_NOTIFY_COMPLETED, backend_completed, b,
                                MHD_OPTION_END);
  g_assert_nonnull (b->daemon);
  info = MHD_get_daemon_info (b->daemon, MHD_DAEMON_INFO_BIND_PORT);
  b->port = info->port;
  return b;
}

guint
tm_test_backend_port (TmTestBackend *b)
{
  return b->port;
}

void
tm_test_backend_set_mode (TmTestBackend *b,
                          const char    *mode,
                          guint          slow_ms)
{
  g_mutex_lock (&b->lock);
  g_free (b->mode);
  b->mode = g_strdup (mode);
  b->slow_ms = slow_ms;
  g_mutex_unlock (&b->lock);
}

guint
tm_test_backend_attempts (TmTestBackend *b,
                          const char    *request_id)
{
  guint n;

  g_mutex_lock (&b->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (b->attempts, request_id));
  g_mutex_unlock (&b->lock);
  return n;
}

char *
tm_test_backend_last (TmTestBackend *b,
                      gboolean       authorization)
{
  char *copy;

  g_mutex_lock (&b->lock);
  copy = g_strdup (authorization ? b->last_auth : b->last_body);
  g_mutex_unlock (&b->lock);
  return copy;
}

gint64
tm_test_backend_spent_us (TmTestBackend *b)
{
  gint64 v;

  g_mutex_lock (&b->lock);
  v = b->last_spent_us;
  g_mutex_unlock (&b->lock);
  return v;
}

void
tm_test_backend_stop (TmTestBackend *b)
{
  if (b == NULL)
    return;
  MHD_stop_daemon (b->daemon);
  g_hash_table_unref (b->attempts);
  g_free (b->mode);
  g_free (b->last_auth);
  g_free (b->last_body);
  g_mutex_clear (&b->lock);
  g_free (b);
}
