/* tm-events.c: live pushes to the console over WebSocket (/api/v1/events/ws)
 *
 * Terminal status changes and alarms (raised, acknowledged, cleared) become events
 * {"type": "...", "data": {...}} sent to every console connection whose account's region
 * scope covers the terminal. An event leaves only when the change that caused it commits:
 * on PostgreSQL it is a NOTIFY on tongban_event inside the change's transaction, so every
 * manager on the database (tm-live.c listens) delivers it to its own connections; on SQLite
 * it is handed over after the commit. The WebSocket itself is wslay on the socket that
 * libmicrohttpd's upgrade hands over, one thread per connection (console users are few).
 */

#include "tm-events.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <openssl/evp.h>
#include <wslay/wslay.h>

#define EVENT_CHANNEL "tongban_event"
#define MAX_QUEUED    1000

typedef struct {
  TmApp                          *app;
  char                           *region_path;
  MHD_socket                      sock;
  struct MHD_UpgradeResponseHandle *urh;
  int                             wake[2];
  GMutex                          lock;
  GQueue                          out;        /* char * JSON texts */
  gboolean                        overflow;
  GString                        *extra_in;   /* bytes MHD read past the request */
} Subscriber;

struct _TmEvents {
  GMutex      lock;
  GPtrArray  *subscribers;
  GPtrArray  *unclaimed;   /* answered 101 but not handed over yet (or never: client gone) */
  GPtrArray  *threads;
};

static void subscriber_free (Subscriber *s);

TmEvents *
tm_events_new (void)
{
  TmEvents *ev = g_new0 (TmEvents, 1);

  g_mutex_init (&ev->lock);
  ev->subscribers = g_ptr_array_new ();
  ev->unclaimed = g_ptr_array_new_with_free_func ((GDestroyNotify) subscriber_free);
  ev->threads = g_ptr_array_new ();
  return ev;
}

void
tm_events_stop (TmApp *app)
{
  TmEvents *ev = app->events;
  g_autoptr(GPtrArray) threads = NULL;

  if (ev == NULL)
    return;
  /* Wake every connection thread; each sees app->stopping and closes. */
  g_mutex_lock (&ev->lock);
  for (guint i = 0; i < ev->subscribers->len; i++)
    {
      Subscriber *s = ev->subscribers->pdata[i];

      if (write (s->wake[1], "x", 1) < 0)
        g_debug ("wake: %s", g_strerror (errno));
    }
  threads = g_steal_pointer (&ev->threads);
  ev->threads = g_ptr_array_new ();
  g_mutex_unlock (&ev->lock);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (threads->pdata[i]);
}

void
tm_events_free (TmEvents *ev)
{
  if (ev == NULL)
    return;
  g_ptr_array_unref (ev->subscribers);
  g_ptr_array_unref (ev->unclaimed);
  g_ptr_array_unref (ev->threads);
  g_mutex_clear (&ev->lock);
  g_free (ev);
}

/* payload: "<region path>\n<event JSON>" */
void
tm_events_deliver (TmApp      *app,
                   const char *payload)
{
  TmEvents *ev = app->events;
  const char *nl = strchr (payload, '\n');
  g_autofree char *path = NULL;

  if (ev == NULL || nl == NULL)
    return;
  path = g_strndup (payload, (gsize) (nl - payload));
  g_mutex_lock (&ev->lock);
  for (guint i = 0; i < ev->subscribers->len; i++)
    {
      Subscriber *s = ev->subscribers->pdata[i];

      if (!g_str_has_prefix (path, s->region_path))
        continue;
      g_mutex_lock (&s->lock);
      /* A console that does not read is cut off rather than let to grow without bound. */
      if (s->out.length < MAX_QUEUED)
        g_queue_push_tail (&s->out, g_strdup (nl + 1));
      else
        s->overflow = TRUE;
      g_mutex_unlock (&s->lock);
      if (write (s->wake[1], "x", 1) < 0 && errno != EAGAIN)
        g_debug ("wake: %s", g_strerror (errno));
    }
  g_mutex_unlock (&ev->lock);
}

static void
deliver_after_commit (gpointer data,
                      gpointer unused)
{
  gpointer *pair = data;

  tm_events_deliver (pair[0], pair[1]);
}

static void
pair_free (gpointer data)
{
  gpointer *pair = data;

  g_free (pair[1]);
  g_free (pair);
}

void
tm_events_emit (TmApp      *app,
                TmConn     *conn,
                const char *type,
                const char *region_path,
                JsonNode   *data)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autofree char *payload = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "data");
  json_builder_add_value (b, data);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json = json_to_string (root, FALSE);
  payload = g_strconcat (region_path ? region_path : "/", "\n", json, NULL);
  if (tm_conn_kind (conn) == TM_DB_POSTGRESQL)
    {
      g_autoptr(GError) error = NULL;

      if (!tm_x (conn, &error, "SELECT pg_notify('" EVENT_CHANNEL "', ?)", TM_STR (payload)))
        g_warning ("event %s not sent: %s", type, error->message);
    }
  else
    {
      gpointer *pair = g_new (gpointer, 2);

      pair[0] = app;
      pair[1] = g_steal_pointer (&payload);
      tm_conn_after_commit (conn, deliver_after_commit, pair, pair_free);
    }
}

/* Sec-WebSocket-Accept (RFC 6455 §4.2.2): base64 (SHA-1 (key + GUID)). */
static char *
accept_key (const char *key)
{
  g_autofree char *joined = g_strconcat (key, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", NULL);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;

  if (!EVP_Digest (joined, strlen (joined), digest, &len, EVP_sha1 (), NULL))
    return NULL;
  return g_base64_encode (digest, len);
}

static ssize_t
ws_recv (wslay_event_context_ptr ctx,
         uint8_t                *buf,
         size_t                  len,
         int                     flags,
         void                   *user_data)
{
  Subscriber *s = user_data;
  ssize_t n;

  if (s->extra_in != NULL && s->extra_in->len > 0)
    {
      n = (ssize_t) MIN (len, s->extra_in->len);
      memcpy (buf, s->extra_in->str, (gsize) n);
      g_string_erase (s->extra_in, 0, n);
      return n;
    }
  n = recv (s->sock, buf, len, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    wslay_event_set_error (ctx, WSLAY_ERR_WOULDBLOCK);
  else if (n <= 0)
    {
      wslay_event_set_error (ctx, WSLAY_ERR_CALLBACK_FAILURE);
      return -1;
    }
  return n < 0 ? -1 : n;
}

static ssize_t
ws_send (wslay_event_context_ptr ctx,
         const uint8_t          *data,
         size_t                  len,
         int                     flags,
         void                   *user_data)
{
  Subscriber *s = user_data;
  ssize_t n = send (s->sock, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);

  if (n < 0)
    {
      wslay_event_set_error (ctx, errno == EAGAIN || errno == EWOULDBLOCK
                                  ? WSLAY_ERR_WOULDBLOCK : WSLAY_ERR_CALLBACK_FAILURE);
      return -1;
    }
  return n;
}

/* The console sends nothing but pings and the closing handshake; wslay answers those. */
static void
ws_on_msg (wslay_event_context_ptr                   ctx,
           const struct wslay_event_on_msg_recv_arg *arg,
           void                                     *user_data)
{
}

static void
subscriber_free (Subscriber *s)
{
  char *text;

  while ((text = g_queue_pop_head (&s->out)) != NULL)
    g_free (text);
  close (s->wake[0]);
  close (s->wake[1]);
  g_mutex_clear (&s->lock);
  if (s->extra_in != NULL)
    g_string_free (s->extra_in, TRUE);
  g_free (s->region_path);
  g_free (s);
}

static gpointer
ws_main (gpointer data)
{
  Subscriber *s = data;
  TmEvents *ev = s->app->events;
  struct wslay_event_callbacks callbacks = { ws_recv, ws_send, NULL, NULL, NULL, NULL,
                                             ws_on_msg };
  wslay_event_context_ptr ctx = NULL;
  gboolean closing = FALSE;

  wslay_event_context_server_init (&ctx, &callbacks, s);
  wslay_event_config_set_max_recv_msg_length (ctx, 4096);
  while (wslay_event_want_read (ctx) || wslay_event_want_write (ctx))
    {
      struct pollfd fds[2] = {
        { s->sock, (short) ((wslay_event_want_read (ctx) ? POLLIN : 0)
                            | (wslay_event_want_write (ctx) ? POLLOUT : 0)), 0 },
        { s->wake[0], POLLIN, 0 },
      };
      char *text;

      if (poll (fds, 2, 1000) < 0 && errno != EINTR)
        break;
      if (fds[1].revents & POLLIN)
        {
          char buf[64];

          while (read (s->wake[0], buf, sizeof buf) > 0)
            ;
        }
      if (!closing && (g_atomic_int_get (&s->app->stopping) || s->overflow))
        {
          closing = TRUE;
          wslay_event_queue_close (ctx, s->overflow ? WSLAY_CODE_POLICY_VIOLATION
                                                    : WSLAY_CODE_GOING_AWAY, NULL, 0);
        }
      g_mutex_lock (&s->lock);
      while (!closing && (text = g_queue_pop_head (&s->out)) != NULL)
        {
          struct wslay_event_msg msg = { WSLAY_TEXT_FRAME, (const uint8_t *) text, strlen (text) };

          wslay_event_queue_msg (ctx, &msg);
          g_free (text);
        }
      g_mutex_unlock (&s->lock);
      if (((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) || (s->extra_in && s->extra_in->len))
          && wslay_event_recv (ctx) != 0)
        break;
      if (wslay_event_want_write (ctx) && wslay_event_send (ctx) != 0)
        break;
      /* Stopping and nothing more goes out: do not wait for the peer's close. */
      if (closing && !wslay_event_want_write (ctx) && g_atomic_int_get (&s->app->stopping))
        break;
    }
  wslay_event_context_free (ctx);
  g_mutex_lock (&ev->lock);
  g_ptr_array_remove (ev->subscribers, s);
  g_mutex_unlock (&ev->lock);
  MHD_upgrade_action (s->urh, MHD_UPGRADE_ACTION_CLOSE);
  subscriber_free (s);
  return NULL;
}

static void
on_upgrade (void                             *cls,
            struct MHD_Connection            *connection,
            void                             *con_cls,
            const char                       *extra_in,
            size_t                            extra_in_size,
            MHD_socket                        sock,
            struct MHD_UpgradeResponseHandle *urh)
{
  Subscriber *s = cls;
  TmEvents *ev = s->app->events;

  s->sock = sock;
  s->urh = urh;
  if (extra_in_size > 0)
    s->extra_in = g_string_new_len (extra_in, (gssize) extra_in_size);
  g_mutex_lock (&ev->lock);
  {
    guint at;

    if (g_ptr_array_find (ev->unclaimed, s, &at))
      g_ptr_array_steal_index_fast (ev->unclaimed, at);
  }
  g_ptr_array_add (ev->subscribers, s);
  g_ptr_array_add (ev->threads, g_thread_new ("tm-ws", ws_main, s));
  g_mutex_unlock (&ev->lock);
}

struct MHD_Response *
tm_events_ws_response (TmApp            *app,
                       const TmAccount  *account,
                       const char       *upgrade,
                       const char       *version,
                       const char       *key,
                       GError          **error)
{
  g_autofree char *accept = NULL;
  struct MHD_Response *resp;
  Subscriber *s;

  if (upgrade == NULL || g_ascii_strcasecmp (upgrade, "websocket") != 0)
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "Upgrade", "a WebSocket upgrade is needed");
      return NULL;
    }
  if (g_strcmp0 (version, "13") != 0)
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "Sec-WebSocket-Version", "must be 13");
      return NULL;
    }
  if (key == NULL || strlen (key) != 24 || (accept = accept_key (key)) == NULL)
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "Sec-WebSocket-Key",
                    "must be 16 bytes in base64");
      return NULL;
    }
  s = g_new0 (Subscriber, 1);
  s->app = app;
  s->region_path = g_strdup (account->region_path);
  s->sock = -1;
  g_mutex_init (&s->lock);
  g_queue_init (&s->out);
  if (pipe2 (s->wake, O_CLOEXEC | O_NONBLOCK) != 0)
    g_error ("no pipe for a WebSocket connection");
  /* Freed with the app if the client goes before the upgrade. */
  g_mutex_lock (&app->events->lock);
  g_ptr_array_add (app->events->unclaimed, s);
  g_mutex_unlock (&app->events->lock);
  resp = MHD_create_response_for_upgrade (on_upgrade, s);
  MHD_add_response_header (resp, MHD_HTTP_HEADER_UPGRADE, "websocket");
  MHD_add_response_header (resp, "Sec-WebSocket-Accept", accept);
  return resp;
}
