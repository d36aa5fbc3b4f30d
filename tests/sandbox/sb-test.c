/* sb-test.c: shared helpers of the sandbox tests and benchmark (see sb-test.h) */

#include "sb-test.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

SbTestSandbox *
sb_test_start (gboolean            control,
               const char * const *extra)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) ch = NULL;
  g_autofree char *line = NULL;
  SbTestSandbox *s = g_new0 (SbTestSandbox, 1);
  int out_fd = -1;

  g_ptr_array_add (argv, (gpointer) g_getenv ("TONGBAN_SANDBOX"));
  g_ptr_array_add (argv, (gpointer) "--port");
  g_ptr_array_add (argv, (gpointer) "0");
  if (control)
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

void
sb_test_stop (SbTestSandbox *s)
{
  int status = 0;

  kill (s->pid, SIGTERM);
  g_assert_cmpint (waitpid (s->pid, &status, 0), ==, s->pid);
  /* A clean exit: a crash or a sanitizer report on shutdown fails the test. */
  if (WIFSIGNALED (status))
    g_test_message ("tongban-sandbox ended by signal %d", WTERMSIG (status));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_spawn_close_pid (s->pid);
  g_free (s);
}

void
sb_test_reply_free (SbTestReply *r)
{
  g_byte_array_unref (r->body);
  g_clear_pointer (&r->root, json_node_unref);
  g_free (r);
}

static size_t
on_data (char   *ptr,
         size_t  size,
         size_t  nmemb,
         void   *user_data)
{
  g_byte_array_append (user_data, (const guint8 *) ptr, size * nmemb);
  return size * nmemb;
}

SbTestReply *
sb_test_http (CURL               *reuse,
              guint               port,
              const char         *method,
              const char         *path,
              const char * const *headers,
              const char         *body,
              gssize              body_len)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  struct curl_slist *list = NULL;
  SbTestReply *r = g_new0 (SbTestReply, 1);
  CURL *curl = reuse ? reuse : curl_easy_init ();
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
  else
    curl_easy_setopt (curl, CURLOPT_POSTFIELDS, NULL);
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
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, NULL);
  curl_slist_free_all (list);
  if (reuse == NULL)
    curl_easy_cleanup (curl);
  return r;
}
