/* tm-console.c: the web console's files (server/web/), compiled into the binary
 *
 * GET and HEAD only; "/" and "/console" redirect to "/console/", which is index.html. A
 * path is served only if every segment is made of letters, digits, '-', '_' and '.', no
 * segment starts with '.', and its extension has a known type: no traversal, no hidden
 * files, no directory listing (a directory is simply not found). Every answer carries a
 * strict Content-Security-Policy (scripts and styles from this origin only, nothing
 * inline), nosniff and no framing. Files revalidate on every load (no-cache) against a
 * strong ETag, so an upgraded manager is picked up at once and an unchanged file costs a
 * 304.
 */

#include "tm-console.h"

#include <string.h>
#include <gio/gio.h>

#define WEB_PREFIX "/cn/gov/gba/Tongban/manager/web/"
#define MAX_PATH   128

static const char csp[] =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
  " connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none';"
  " base-uri 'none'";

static const struct {
  const char *ext;
  const char *type;
} types[] = {
  { ".html", "text/html; charset=utf-8" },
  { ".css", "text/css; charset=utf-8" },
  { ".js", "text/javascript; charset=utf-8" },
  { ".svg", "image/svg+xml" },
  { ".png", "image/png" },
  { ".ico", "image/x-icon" },
};

gboolean
tm_console_handles (const char *url)
{
  return g_strcmp0 (url, "/") == 0 || g_strcmp0 (url, "/console") == 0
         || g_str_has_prefix (url, "/console/");
}

static const char *
content_type (const char *path)
{
  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_has_suffix (path, types[i].ext))
      return types[i].type;
  return NULL;
}

/* Only plain relative paths: "js/app.js", never "../x", "a//b", ".hidden" or "a/". */
static gboolean
path_is_plain (const char *path)
{
  gboolean segment_start = TRUE;
  gsize len = strlen (path);

  if (len == 0 || len > MAX_PATH)
    return FALSE;
  for (const char *p = path; *p != '\0'; p++)
    {
      if (*p == '/')
        {
          if (segment_start)
            return FALSE;
          segment_start = TRUE;
          continue;
        }
      if (segment_start && *p == '.')
        return FALSE;
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
        return FALSE;
      segment_start = FALSE;
    }
  return !segment_start;
}

static void
add_common_headers (struct MHD_Response *resp)
{
  MHD_add_response_header (resp, "Content-Security-Policy", csp);
  MHD_add_response_header (resp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header (resp, "X-Frame-Options", "DENY");
  MHD_add_response_header (resp, "Referrer-Policy", "no-referrer");
  MHD_add_response_header (resp, "Cross-Origin-Opener-Policy", "same-origin");
  MHD_add_response_header (resp, "Cross-Origin-Resource-Policy", "same-origin");
  MHD_add_response_header (resp, "Permissions-Policy",
                           "camera=(), microphone=(), geolocation=(), usb=(), serial=()");
}

static enum MHD_Result
queue_plain (struct MHD_Connection *connection,
             guint                  status,
             const char            *text,
             const char            *location,
             const char            *allow)
{
  struct MHD_Response *resp = MHD_create_response_from_buffer (strlen (text), (void *) text,
                                                               MHD_RESPMEM_PERSISTENT);
  enum MHD_Result ret;

  add_common_headers (resp);
  MHD_add_response_header (resp, "Content-Type", "text/plain; charset=utf-8");
  MHD_add_response_header (resp, "Cache-Control", "no-store");
  if (location != NULL)
    MHD_add_response_header (resp, "Location", location);
  if (allow != NULL)
    MHD_add_response_header (resp, "Allow", allow);
  ret = MHD_queue_response (connection, status, resp);
  MHD_destroy_response (resp);
  return ret;
}

enum MHD_Result
tm_console_serve (struct MHD_Connection *connection,
                  const char            *method,
                  const char            *url)
{
  g_autoptr(GBytes) data = NULL;
  g_autofree char *resource = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *digest = NULL;
  struct MHD_Response *resp;
  const char *path, *type, *if_none_match;
  enum MHD_Result ret;
  gboolean not_modified;
  gsize len = 0;
  const void *bytes;

  if (g_strcmp0 (method, "GET") != 0 && g_strcmp0 (method, "HEAD") != 0)
    return queue_plain (connection, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n", NULL,
                        "GET, HEAD");
  if (g_strcmp0 (url, "/") == 0 || g_strcmp0 (url, "/console") == 0)
    return queue_plain (connection, MHD_HTTP_FOUND, "see /console/\n", "/console/", NULL);

  path = url + strlen ("/console/");
  if (*path == '\0')
    path = "index.html";
  type = content_type (path);
  if (type == NULL || !path_is_plain (path))
    return queue_plain (connection, MHD_HTTP_NOT_FOUND, "not found\n", NULL, NULL);
  resource = g_strconcat (WEB_PREFIX, path, NULL);
  data = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (data == NULL)
    return queue_plain (connection, MHD_HTTP_NOT_FOUND, "not found\n", NULL, NULL);

  digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  etag = g_strdup_printf ("\"%.32s\"", digest);
  if_none_match = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                               MHD_HTTP_HEADER_IF_NONE_MATCH);
  not_modified = if_none_match != NULL && strstr (if_none_match, etag) != NULL;
  bytes = g_bytes_get_data (data, &len);
  resp = not_modified ? MHD_create_response_from_buffer (0, NULL, MHD_RESPMEM_PERSISTENT)
                      : MHD_create_response_from_buffer (len, (void *) bytes,
                                                         MHD_RESPMEM_MUST_COPY);
  add_common_headers (resp);
  MHD_add_response_header (resp, "Content-Type", type);
  MHD_add_response_header (resp, "Cache-Control", "no-cache");
  MHD_add_response_header (resp, "ETag", etag);
  ret = MHD_queue_response (connection, not_modified ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK,
                            resp);
  MHD_destroy_response (resp);
  return ret;
}
