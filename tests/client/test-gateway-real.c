/* test-gateway-real.c: the kiosk's gateway backend through the real manager and sandbox
 *
 * tongban-manager (tests/server's helpers; SQLite, or PostgreSQL through
 * pg-wrap.sh) with its gateway pointed at tongban-sandbox for the identity
 * service and the Guangdong social insurance system; the kiosk's manager
 * link registers, is approved and logs in; TongbanGatewayBackend then proves
 * a seeded citizen's identity, fetches their record with the citizen session
 * token, is refused in plain reason ids, and closes the session at the end.
 */

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "client-link.h"
#include "tongban-gateway-backend.h"

#define PW "Tongban#2026ok"
#define SECRET "tok-SECRET-4b1d9e"
#define MASTER "00112233445566778899aabbccddeeff"
#define NUMBER "GZ-TH-0901"

typedef struct {
  gboolean    done;
  JsonObject *answer;
  GError     *error;
} Result;

static void
on_called (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Result *r = user_data;

  r->answer = tongban_backend_call_finish (TONGBAN_BACKEND (source), result, &r->error);
  r->done = TRUE;
}

static JsonObject *
call (TongbanGatewayBackend *backend,
      const char            *operation,
      const char            *params_json,
      GError               **error)
{
  g_autoptr(JsonNode) params = json_from_string (params_json ? params_json : "{}", NULL);
  Result r = { 0 };
  gint64 until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  tongban_backend_call_async (TONGBAN_BACKEND (backend), "F-GD-09", operation,
                              json_node_get_object (params), NULL, on_called, &r);
  while (!r.done && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (r.done);
  if (r.error)
    g_propagate_error (error, r.error);
  return r.answer;
}

static void
put_backend (TmTestServer *server,
             const char   *admin,
             const char   *id,
             guint         port)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/backends/%s", id);
  g_autofree char *body = g_strdup_printf ("{\"transport\":\"rest\",\"base_url\":"
                                           "\"http://127.0.0.1:%u/%s\",\"timeout_ms\":5000,"
                                           "\"credential\":\"" SECRET "\"}", port, id);
  g_autoptr(TmTestResponse) r = tm_test_console (server->port, admin, "PUT", path, body);

  g_assert_cmpint (r->code, ==, 0);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

static void
test_through_the_manager (void)
{
  const char *sandbox = g_getenv ("TONGBAN_SANDBOX");
  const char *sb_argv[] = { sandbox, "--port", "0", "--token", SECRET, NULL };
  g_autofree char *uri = tm_test_db_uri ();
  g_autofree char *state = g_dir_make_tmp ("tongban-gw-real-XXXXXX", NULL);
  g_autofree char *admin = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanManagerClient) client = NULL;
  g_autoptr(TongbanSession) session = NULL;
  g_autoptr(TongbanGatewayBackend) backend = NULL;
  g_autoptr(JsonObject) verified = NULL;
  g_autoptr(JsonObject) record = NULL;
  g_autofree char *token = NULL;
  TmTestServer *server;
  JsonObject *citizen;
  guint sb_port = 0;
  gint64 until;
  GPid sb_pid;
  int status = 0;

  if (sandbox == NULL)
    {
      g_test_skip ("tongban-sandbox is not built");
      return;
    }
  sb_pid = tm_test_spawn_listening (sb_argv, -1, &sb_port);
  g_setenv ("TONGBAN_MASTER_KEY", MASTER, TRUE);
  server = tm_test_server_start_on (uri, NULL);
  tm_test_create_account (server, "admin", "sysadmin", "440000", PW);
  admin = tm_test_login (server->port, "admin", PW);
  put_backend (server, admin, "identity", sb_port);
  put_backend (server, admin, "gd-hrss", sb_port);

  /* The kiosk's link: registered, approved, logged in. */
  client = client_link_start (server->port, admin, NUMBER, "440106", state);
  session = tongban_session_new (600000, 30000);
  tongban_session_begin (session);
  backend = tongban_gateway_backend_new (client, session);

  /* Before anyone has proved who they are, a citizen's record is refused. */
  {
    g_autoptr(JsonObject) none = NULL;

    /* (The first calls may come while the link is still logging in: it
     * logs in for them.) */
    none = call (backend, "si.info", NULL, &error);
    g_assert_null (none);
    g_assert_error (error, TONGBAN_BACKEND_ERROR, TONGBAN_BACKEND_ERROR_REFUSED);
    g_assert_cmpstr (tongban_backend_error_get_reason (error), ==, "identity-required");
    g_clear_error (&error);
  }

  /* The sandbox's seeded demonstration card. */
  verified = call (backend, "auth.id-card", "{\"id_number\":\"440106199001011235\","
                   "\"name\":\"演示样卡\",\"birth\":\"1990-01-01\",\"expiry\":\"2040-01-01\"}",
                   &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (verified, "verified"));
  g_assert_false (json_object_has_member (verified, "session"));
  citizen = json_object_get_object_member (verified, "citizen");
  g_assert_nonnull (citizen);
  /* The manager keeps the full number to itself. */
  g_assert_null (strstr (json_object_get_string_member_with_default (citizen, "masked_id", ""),
                         "19900101"));
  token = g_strdup (tongban_session_get_value (session, TONGBAN_GATEWAY_SESSION_KEY));
  g_assert_nonnull (token);
  g_assert_cmpuint (strlen (token), >=, 64);

  record = call (backend, "si.info", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_has_member (record, "status"));

  /* A card the identity service has no record of: refused with a reason id. */
  {
    g_autoptr(JsonObject) refused = call (backend, "auth.id-card",
                                          "{\"id_number\":\"110101199003077777\","
                                          "\"name\":\"王五\",\"birth\":\"1990-03-07\","
                                          "\"expiry\":\"2030-01-01\"}", &error);

    g_assert_null (refused);
    g_assert_error (error, TONGBAN_BACKEND_ERROR, TONGBAN_BACKEND_ERROR_REFUSED);
    g_assert_true (tongban_backend_reason_is_known (tongban_backend_error_get_reason (error)));
    g_assert_nonnull (tongban_backend_error_reason_text (error));
    g_clear_error (&error);
  }

  /* The visit ends: the manager's session is closed too, so a new visit
   * starts without an identity. */
  tongban_session_end (session, TONGBAN_SESSION_END_FINISHED);
  g_assert_null (tongban_session_get_value (session, TONGBAN_GATEWAY_SESSION_KEY));
  tongban_session_begin (session);
  tongban_session_set_value (session, TONGBAN_GATEWAY_SESSION_KEY, token);
  {
    g_autoptr(JsonObject) after = NULL;

    /* The closed token, sent again on purpose: the manager no longer knows it. */
    until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    do
      {
        g_clear_error (&error);
        g_clear_pointer (&after, json_object_unref);
        tongban_session_set_value (session, TONGBAN_GATEWAY_SESSION_KEY, token);
        after = call (backend, "si.info", NULL, &error);
      }
    while (after != NULL && g_get_monotonic_time () < until);
    g_assert_null (after);
    g_assert_error (error, TONGBAN_BACKEND_ERROR, TONGBAN_BACKEND_ERROR_REFUSED);
    g_assert_cmpstr (tongban_backend_error_get_reason (error), ==, "identity-required");
    g_clear_error (&error);
  }
  tongban_session_end (session, TONGBAN_SESSION_END_FINISHED);

  g_clear_object (&backend);
  tongban_manager_client_stop (client);
  tm_test_server_stop (server);
  kill (sb_pid, SIGTERM);
  g_assert_cmpint (waitpid (sb_pid, &status, 0), ==, sb_pid);
  g_spawn_close_pid (sb_pid);
  remove_tree (state);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gateway-backend/real-manager", test_through_the_manager);
  return g_test_run ();
}
