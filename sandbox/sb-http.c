/* sb-http.c: tongban-sandbox's HTTP server (libmicrohttpd thread pool) and shared state
 *
 * Collects each request body up to the configured cap (413 beyond it), then hands the
 * request to the route with the longest matching prefix for its method. Also holds the
 * life cycle of SbSandbox and the small helpers every part uses: responses, reference
 * numbers, stored submissions, replayed answers and form bodies.
 */

#include "sb-sandbox.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

struct _SbRequest
{
  struct MHD_Connection *connection;
  char                   ip[INET6_ADDRSTRLEN];
  const char            *method;
  const char            *path;
  GBytes                *body;
};

typedef struct {
  GByteArray *body;
  gboolean    too_large;
} Upload;

/* status 0 in an SbResponse: close the connection without answering. */
#define CLOSE_STATUS 0

void
sb_lock (SbSandbox *sb)
{
  g_mutex_lock (&sb->lock);
}

void
sb_unlock (SbSandbox *sb)
{
  g_mutex_unlock (&sb->lock);
}

const char *
sb_request_method (SbRequest *request)
{
  return request->method;
}

const char *
sb_request_path (SbRequest *request)
{
  return request->path;
}

const char *
sb_request_query (SbRequest  *request,
                  const char *key)
{
  return MHD_lookup_connection_value (request->connection, MHD_GET_ARGUMENT_KIND, key);
}

const char *
sb_request_header (SbRequest  *request,
                   const char *name)
{
  return MHD_lookup_connection_value (request->connection, MHD_HEADER_KIND, name);
}

GBytes *
sb_request_body (SbRequest *request)
{
  return request->body;
}

const char *
sb_request_client_ip (SbRequest *request)
{
  const union MHD_ConnectionInfo *info;

  if (*request->ip)
    return request->ip;
  info = MHD_get_connection_info (request->connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == NULL || info->client_addr == NULL)
    return NULL;
  if (info->client_addr->sa_family == AF_INET)
    inet_ntop (AF_INET, &((const struct sockaddr_in *) info->client_addr)->sin_addr,
               request->ip, sizeof request->ip);
  else if (info->client_addr->sa_family == AF_INET6)
    inet_ntop (AF_INET6, &((const struct sockaddr_in6 *) info->client_addr)->sin6_addr,
               request->ip, sizeof request->ip);
  return *request->ip ? request->ip : NULL;
}

void
sb_http_add_route (SbSandbox  *sb,
                   const char *method,
                   const char *path_prefix,
                   SbHandler   handler,
                   gpointer    user_data)
{
  SbRoute *r = g_new0 (SbRoute, 1);

  r->method = g_strdup (method);
  r->prefix = g_strdup (path_prefix);
  r->handler = handler;
  r->user_data = user_data;
  g_ptr_array_add (sb->routes, r);
}

static void
route_free (gpointer data)
{
  SbRoute *r = data;

  g_free (r->method);
  g_free (r->prefix);
  g_free (r);
}

/* Responses */

void
sb_response_clear (SbResponse *response)
{
  g_clear_pointer (&response->content_type, g_free);
  g_clear_pointer (&response->body, g_bytes_unref);
  response->status = 0;
}

void
sb_response_set (SbResponse *response,
                 guint       status,
                 const char *content_type,
                 GBytes     *body)
{
  sb_response_clear (response);
  response->status = status;
  response->content_type = g_strdup (content_type);
  response->body = body ? g_bytes_ref (body) : g_bytes_new (NULL, 0);
}

void
sb_response_text (SbResponse *response,
                  guint       status,
                  const char *content_type,
                  const char *text)
{
  g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));

  sb_response_set (response, status, content_type, body);
}

void
sb_response_json (SbResponse *response,
                  guint       status,
                  JsonNode   *node)
{
  gsize len = 0;
  char *text = json_to_string (node, FALSE);
  g_autoptr(GBytes) body = NULL;

  len = strlen (text);
  body = g_bytes_new_take (text, len);
  sb_response_set (response, status, "application/json; charset=utf-8", body);
}

void
sb_response_close (SbResponse *response)
{
  sb_response_clear (response);
  response->status = CLOSE_STATUS;
}

/* Reference numbers and submissions */

char *
sb_next_reference (SbSandbox  *sb,
                   const char *prefix)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%Y%m%d");

  return g_strdup_printf ("%s-%s-%06" G_GUINT64_FORMAT, prefix, day, ++sb->serial);
}

void
sb_store_submission (SbSandbox  *sb,
                     JsonObject *record)
{
  g_ptr_array_add (sb->submissions, json_object_ref (record));
}

GPtrArray *
sb_submissions (SbSandbox  *sb,
                const char *kind,
                const char *id_number)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < sb->submissions->len; i++)
    {
      JsonObject *r = g_ptr_array_index (sb->submissions, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (r, "kind", ""), kind) == 0
          && g_strcmp0 (json_object_get_string_member_with_default (r, "id_number", ""),
                        id_number) == 0)
        g_ptr_array_add (out, r);
    }
  return out;
}

/* Replayed answers */

static void
response_free (gpointer data)
{
  SbResponse *r = data;

  sb_response_clear (r);
  g_free (r);
}

gboolean
sb_replay_lookup (SbSandbox  *sb,
                  const char *key,
                  SbResponse *out)
{
  SbResponse *r;
  gboolean found = FALSE;

  sb_lock (sb);
  r = g_hash_table_lookup (sb->replies, key);
  if (r != NULL)
    {
      sb_response_set (out, r->status, r->content_type, r->body);
      found = TRUE;
    }
  sb_unlock (sb);
  return found;
}

void
sb_replay_store (SbSandbox        *sb,
                 const char       *key,
                 const SbResponse *response)
{
  SbResponse *copy = g_new0 (SbResponse, 1);

  sb_response_set (copy, response->status, response->content_type, response->body);
  sb_lock (sb);
  if (!g_hash_table_contains (sb->replies, key))
    {
      char *k = g_strdup (key);

      g_hash_table_insert (sb->replies, k, copy);
      g_queue_push_tail (&sb->reply_order, k);
      /* A retry comes within minutes: the oldest answers go beyond a bound. */
      while (sb->reply_order.length > SB_MAX_REPLIES)
        g_hash_table_remove (sb->replies, g_queue_pop_head (&sb->reply_order));
    }
  else
    response_free (copy);
  sb_unlock (sb);
}

/* The server */

static const SbRoute *
find_route (SbSandbox  *sb,
            const char *method,
            const char *path,
            gboolean   *path_known)
{
  const SbRoute *best = NULL;
  gsize best_len = 0;

  *path_known = FALSE;
  for (guint i = 0; i < sb->routes->len; i++)
    {
      const SbRoute *r = g_ptr_array_index (sb->routes, i);
      gsize n = strlen (r->prefix);

      if (strncmp (path, r->prefix, n) != 0)
        continue;
      *path_known = TRUE;
      if (strcmp (r->method, method) == 0 && (best == NULL || n > best_len))
        {
          best = r;
          best_len = n;
        }
    }
  return best;
}

static void
error_json (SbResponse *response,
            guint       status,
            const char *reason,
            const char *detail)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_set_member_name (b, "reason");
  json_builder_add_string_value (b, reason);
  json_builder_set_member_name (b, "detail");
  json_builder_add_string_value (b, detail);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  sb_response_json (response, status, node);
}

static enum MHD_Result
queue (struct MHD_Connection *connection,
       SbResponse            *response)
{
  gsize len = 0;
  const void *data = response->body ? g_bytes_get_data (response->body, &len) : NULL;
  struct MHD_Response *r = MHD_create_response_from_buffer (len, (void *) (data ? data : ""),
                                                            MHD_RESPMEM_MUST_COPY);
  enum MHD_Result ret;

  if (response->content_type)
    MHD_add_response_header (r, "Content-Type", response->content_type);
  MHD_add_response_header (r, "Cache-Control", "no-store");
  MHD_add_response_header (r, "X-Content-Type-Options", "nosniff");
  if (response->content_type && g_str_has_prefix (response->content_type, "text/html"))
    {
      MHD_add_response_header (r, "Content-Security-Policy",
                               "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
      MHD_add_response_header (r, "Referrer-Policy", "no-referrer");
    }
  ret = MHD_queue_response (connection, response->status, r);
  MHD_destroy_response (r);
  return ret;
}

static enum MHD_Result
on_request (void                  *cls,
            struct MHD_Connection *connection,
            const char            *url,
            const char            *method,
            const char            *version,
            const char            *upload_data,
            size_t                *upload_data_size,
            void                 **con_cls)
{
  SbSandbox *sb = cls;
  Upload *up = *con_cls;
  SbResponse response = { 0 };
  const SbRoute *route;
  gboolean path_known = FALSE;
  g_autoptr(GBytes) body = NULL;
  SbRequest request;
  enum MHD_Result ret;

  if (up == NULL)
    {
      up = g_new0 (Upload, 1);
      up->body = g_byte_array_new ();
      *con_cls = up;
      return MHD_YES;
    }
  if (*upload_data_size > 0)
    {
      if (!up->too_large && up->body->len + *upload_data_size <= sb->config.max_body)
        g_byte_array_append (up->body, (const guint8 *) upload_data, *upload_data_size);
      else
        {
          up->too_large = TRUE;
          g_byte_array_set_size (up->body, 0);
        }
      *upload_data_size = 0;
      return MHD_YES;
    }

  if (up->too_large)
    {
      g_autofree char *detail = g_strdup_printf ("the body is larger than %zu bytes",
                                                 sb->config.max_body);

      error_json (&response, 413, "invalid-field", detail);
    }
  else if ((route = find_route (sb, method, url, &path_known)) == NULL)
    {
      if (path_known)
        error_json (&response, MHD_HTTP_METHOD_NOT_ALLOWED, "invalid-field",
                    "method not allowed here");
      else
        error_json (&response, MHD_HTTP_NOT_FOUND, "not-found", "no such path");
    }
  else
    {
      body = g_bytes_new (up->body->data, up->body->len);
      memset (&request, 0, sizeof request);
      request.connection = connection;
      request.method = method;
      request.path = url;
      request.body = body;
      response.status = 500;
      route->handler (sb, &request, &response, route->user_data);
      if (response.status == CLOSE_STATUS)
        {
          sb_response_clear (&response);
          return MHD_NO;
        }
      if (response.body == NULL)
        response.body = g_bytes_new (NULL, 0);
    }
  ret = queue (connection, &response);
  sb_response_clear (&response);
  return ret;
}

static void
on_completed (void                            *cls,
              struct MHD_Connection           *connection,
              void                           **con_cls,
              enum MHD_RequestTerminationCode  toe)
{
  Upload *up = *con_cls;

  if (up == NULL)
    return;
  g_byte_array_unref (up->body);
  g_free (up);
  *con_cls = NULL;
}

static enum MHD_Result
on_accept (void                  *cls,
           const struct sockaddr *addr,
           socklen_t              addrlen)
{
  return sb_faults_take_refuse (cls) ? MHD_NO : MHD_YES;
}

SbSandbox *
sb_sandbox_new (const SbConfig  *config,
                GError         **error)
{
  g_autoptr(SbSandbox) sb = g_new0 (SbSandbox, 1);
  g_autoptr(GBytes) seed = NULL;

  g_mutex_init (&sb->lock);
  sb->config = *config;
  sb->config.listen = g_strdup (config->listen ? config->listen : "127.0.0.1");
  sb->config.seed_file = g_strdup (config->seed_file);
  sb->config.token = g_strdup (config->token ? config->token : SB_DEFAULT_TOKEN);
  sb->config.public_url = config->public_url && *config->public_url
                            ? g_strndup (config->public_url,
                                         strlen (config->public_url)
                                         - (g_str_has_suffix (config->public_url, "/") ? 1 : 0))
                            : NULL;
  if (sb->config.max_body == 0)
    sb->config.max_body = SB_DEFAULT_MAX_BODY;
  if (sb->config.threads == 0)
    sb->config.threads = 4;
  sb->routes = g_ptr_array_new_with_free_func (route_free);
  sb->citizens = g_hash_table_new (g_str_hash, g_str_equal);
  sb->companies = g_hash_table_new (g_str_hash, g_str_equal);
  sb->submissions = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  sb->documents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) json_object_unref);
  sb->tickets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) json_object_unref);
  sb->orders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) json_object_unref);
  sb->taken_slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sb->replies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, response_free);
  sb->faults = g_ptr_array_new_with_free_func (g_free);
  sb->log = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  if (sb->config.seed_file)
    {
      char *data = NULL;
      gsize len = 0;

      if (!g_file_get_contents (sb->config.seed_file, &data, &len, error))
        return NULL;
      seed = g_bytes_new_take (data, len);
    }
  else
    seed = g_resources_lookup_data ("/cn/gov/gba/Tongban/sandbox/seed.json",
                                    G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (seed == NULL || !sb_seed_load (sb, seed, error))
    return NULL;

  sb_rest_add_routes (sb);
  sb_identity_add_routes (sb);
  sb_documents_add_routes (sb);
  return g_steal_pointer (&sb);
}

gboolean
sb_sandbox_start (SbSandbox  *sb,
                  GError    **error)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  const union MHD_DaemonInfo *info;
  struct MHD_Daemon *d;

  if (inet_pton (AF_INET, sb->config.listen, &addr.sin_addr) != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IPv4 address", sb->config.listen);
      return FALSE;
    }
  addr.sin_port = htons ((guint16) sb->config.port);
  d = MHD_start_daemon (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG,
                        (guint16) sb->config.port, on_accept, sb, on_request, sb,
                        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int) sb->config.threads,
                        MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &addr,
                        MHD_OPTION_NOTIFY_COMPLETED, on_completed, sb,
                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) 30,
                        MHD_OPTION_END);
  if (d == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot listen on %s:%u",
                   sb->config.listen, sb->config.port);
      return FALSE;
    }
  sb->daemon = d;
  info = MHD_get_daemon_info (d, MHD_DAEMON_INFO_BIND_PORT);
  sb->port = info ? info->port : sb->config.port;
  return TRUE;
}

guint
sb_sandbox_get_port (SbSandbox *sb)
{
  return sb->port;
}

const char *
sb_sandbox_get_listen (SbSandbox *sb)
{
  return sb->config.listen;
}

char *
sb_sandbox_base_url (SbSandbox *sb)
{
  const char *host = sb->config.listen;

  if (sb->config.public_url)
    return g_strdup (sb->config.public_url);
  if (strcmp (host, "0.0.0.0") == 0)
    host = "127.0.0.1";
  return g_strdup_printf ("http://%s:%u", host, sb->port);
}

const char *
sb_sandbox_token (SbSandbox *sb)
{
  return sb->config.token;
}

gboolean
sb_sandbox_control_on (SbSandbox *sb)
{
  return sb->config.control;
}

void
sb_sandbox_free (SbSandbox *sb)
{
  if (sb == NULL)
    return;
  if (sb->daemon)
    MHD_stop_daemon (sb->daemon);
  g_ptr_array_unref (sb->routes);
  g_hash_table_unref (sb->citizens);
  g_hash_table_unref (sb->companies);
  g_clear_pointer (&sb->seed, json_node_unref);
  g_ptr_array_unref (sb->submissions);
  g_hash_table_unref (sb->documents);
  g_hash_table_unref (sb->tickets);
  g_hash_table_unref (sb->orders);
  g_hash_table_unref (sb->taken_slots);
  g_queue_clear (&sb->reply_order);
  g_hash_table_unref (sb->replies);
  g_ptr_array_unref (sb->faults);
  g_ptr_array_unref (sb->log);
  g_free ((char *) sb->config.listen);
  g_free ((char *) sb->config.seed_file);
  g_free ((char *) sb->config.token);
  g_free ((char *) sb->config.public_url);
  g_mutex_clear (&sb->lock);
  g_free (sb);
}
