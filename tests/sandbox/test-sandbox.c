/* test-sandbox.c: tongban-sandbox, the real binary on a free port, over HTTP (libcurl)
 *
 * Every operation answers a seeded citizen with the keys the kiosk's flows show; refusals
 * carry the documented reason ids; a repeated request_id is answered, not run, again;
 * bad tokens, bodies and faults get the documented status without a crash.
 */

#include <curl/curl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "sb-sandbox.h"
#include "sb-ops.h"
#include "tongban-validate.h"

#define DEMO_ID   "440106199001011235"
#define DEMO_NAME "演示样卡"

typedef struct {
  GPid  pid;
  guint port;
} Sandbox;

typedef struct {
  long        status;
  GByteArray *body;
  JsonNode   *root;
  gboolean    failed;     /* no HTTP answer at all */
} Reply;

static Sandbox *the_sandbox;

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static Sandbox *
sandbox_start (const char * const *extra)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) ch = NULL;
  g_autofree char *line = NULL;
  Sandbox *s = g_new0 (Sandbox, 1);
  int out_fd = -1;

  g_ptr_array_add (argv, (gpointer) g_getenv ("TONGBAN_SANDBOX"));
  g_ptr_array_add (argv, (gpointer) "--port");
  g_ptr_array_add (argv, (gpointer) "0");
  g_ptr_array_add (argv, (gpointer) "--control");
  for (guint i = 0; extra && extra[i]; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_nonnull (argv->pdata[0]);
  g_spawn_async_with_pipes (NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                            die_with_parent, NULL, &s->pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);
  ch = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (ch, TRUE);
  g_io_channel_read_line (ch, &line, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on 127.0.0.1:"));
  s->port = (guint) g_ascii_strtoull (strrchr (line, ':') + 1, NULL, 10);
  g_assert_cmpuint (s->port, >, 0);
  return s;
}

static void
sandbox_stop (Sandbox *s)
{
  int status = 0;

  kill (s->pid, SIGTERM);
  g_assert_cmpint (waitpid (s->pid, &status, 0), ==, s->pid);
  /* A clean exit: a crash or a sanitizer report on shutdown fails the test. */
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_spawn_close_pid (s->pid);
  g_free (s);
}

static void
reply_free (Reply *r)
{
  g_byte_array_unref (r->body);
  g_clear_pointer (&r->root, json_node_unref);
  g_free (r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static size_t
on_data (char   *ptr,
         size_t  size,
         size_t  nmemb,
         void   *user_data)
{
  g_byte_array_append (user_data, (const guint8 *) ptr, size * nmemb);
  return size * nmemb;
}

/* One HTTP request; headers NULL-terminated "Name: value" strings. */
static Reply *
http (const char         *method,
      const char         *path,
      const char * const *headers,
      const char         *body,
      gssize              body_len)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", the_sandbox->port, path);
  struct curl_slist *list = NULL;
  Reply *r = g_new0 (Reply, 1);
  CURL *curl = curl_easy_init ();
  CURLcode rc;

  r->body = g_byte_array_new ();
  for (guint i = 0; headers && headers[i]; i++)
    list = curl_slist_append (list, headers[i]);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, r->body);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt (curl, CURLOPT_NOPROXY, "*");
  if (body)
    {
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE,
                        (curl_off_t) (body_len >= 0 ? (gsize) body_len : strlen (body)));
    }
  rc = curl_easy_perform (curl);
  if (rc == CURLE_OK)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &r->status);
      if (json_parser_load_from_data (parser, (const char *) r->body->data,
                                      (gssize) r->body->len, NULL)
          && json_parser_get_root (parser))
        r->root = json_node_copy (json_parser_get_root (parser));
    }
  else
    r->failed = TRUE;
  curl_slist_free_all (list);
  curl_easy_cleanup (curl);
  return r;
}

static guint request_serial;

/* POST /{system}/ops/{operation} as the manager's REST adapter sends it. */
static Reply *
call_as (const char *system,
         const char *operation,
         const char *request_id,
         const char *id_number,
         const char *name,
         const char *params_json)
{
  g_autofree char *path = g_strdup_printf ("/%s/ops/%s", system, operation);
  g_autofree char *rid = request_id ? g_strdup (request_id)
                                    : g_strdup_printf ("test-%u-%u", getpid (), ++request_serial);
  g_autofree char *citizen = id_number
    ? g_strdup_printf ("{\"id_type\": \"resident-id\", \"id_number\": \"%s\", \"name\": \"%s\"}",
                       id_number, name)
    : g_strdup ("null");
  g_autofree char *body = g_strdup_printf ("{\"request_id\": \"%s\", \"terminal\": \"T-TEST\", "
                                           "\"service\": \"F-TEST\", \"citizen\": %s, "
                                           "\"params\": %s}",
                                           rid, citizen, params_json ? params_json : "{}");
  const char *headers[] = { "Authorization: Bearer sandbox", "Content-Type: application/json",
                            NULL };

  return http ("POST", path, headers, body, -1);
}

static Reply *
call (const char *system,
      const char *operation,
      const char *params_json)
{
  return call_as (system, operation, NULL, DEMO_ID, DEMO_NAME, params_json);
}

static JsonObject *
data_of (Reply *r)
{
  g_assert_false (r->failed);
  if (r->status != 200)
    g_test_message ("answer %ld: %.*s", r->status, (int) r->body->len, r->body->data);
  g_assert_cmpint (r->status, ==, 200);
  g_assert_nonnull (r->root);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (r->root), "ok"));
  return json_object_get_object_member (json_node_get_object (r->root), "data");
}

static void
assert_refused (Reply      *r,
                long        status,
                const char *reason)
{
  JsonObject *o;

  g_assert_false (r->failed);
  g_assert_cmpint (r->status, ==, status);
  g_assert_nonnull (r->root);
  o = json_node_get_object (r->root);
  g_assert_false (json_object_get_boolean_member (o, "ok"));
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, reason);
}

static void
test_read_shape (void)
{
  g_autoptr(Reply) r = call ("gd-hrss", "si.info", NULL);
  JsonObject *d = data_of (r);

  g_assert_cmpstr (json_object_get_string_member (d, "status"), ==, "active");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (d, "types")), ==, 4);
  g_assert_true (json_object_has_member (d, "base"));
  g_assert_true (json_object_has_member (d, "since"));
}

static void
test_identity_mismatch (void)
{
  g_autoptr(Reply) wrong_name = call_as ("gd-hrss", "si.info", NULL, DEMO_ID, "王五", NULL);
  g_autoptr(Reply) unknown = call_as ("gd-hrss", "si.info", NULL, "110101199003077777", "王五",
                                      NULL);

  assert_refused (wrong_name, 403, "identity-mismatch");
  assert_refused (unknown, 404, "not-found");
}

static void
test_bad_token (void)
{
  const char *headers[] = { "Authorization: Bearer wrong", NULL };
  const char *none[] = { NULL };
  const char *body = "{\"request_id\": \"x1\", \"citizen\": null, \"params\": {}}";
  g_autoptr(Reply) r = http ("POST", "/gd-hrss/ops/si.info", headers, body, -1);
  g_autoptr(Reply) r2 = http ("POST", "/gd-hrss/ops/si.info", none, body, -1);

  g_assert_cmpint (r->status, ==, 401);
  g_assert_cmpint (r2->status, ==, 401);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  the_sandbox = sandbox_start (NULL);

  g_test_add_func ("/sandbox/read-shape", test_read_shape);
  g_test_add_func ("/sandbox/identity-mismatch", test_identity_mismatch);
  g_test_add_func ("/sandbox/bad-token", test_bad_token);

  ret = g_test_run ();
  sandbox_stop (the_sandbox);
  curl_global_cleanup ();
  return ret;
}
