/* test-events.c: live pushes over /api/v1/events/ws, region scope, and (PostgreSQL) two
 * managers on one database delivering each other's events and commands. */

#include "tm-test.h"

#include <string.h>

#define PW "Tongban#2026ok"

static TmTestTerminal *
approve (guint       port,
         const char *token,
         const char *number,
         const char *region)
{
  TmTestTerminal *t = tm_test_terminal_new (port, number, region);
  g_autoptr(TmTestResponse) reg = tm_test_terminal_register (t);
  g_autofree char *path = g_strdup_printf ("/api/v1/terminals/%s/approve", number);
  g_autoptr(TmTestResponse) ok = tm_test_console (port, token, "POST", path, NULL);

  g_assert_cmpint (reg->code, ==, 0);
  g_assert_cmpint (ok->code, ==, 0);
  return t;
}

/* Reads the next event and checks its type and terminal; returns its data (owned by root). */
static JsonObject *
expect_event (TmTestWs    *ws,
              const char  *type,
              const char  *number,
              JsonNode   **root)
{
  g_autofree char *text = tm_test_ws_next (ws, 10000);
  JsonObject *o, *data;

  g_assert_nonnull (text);
  *root = json_from_string (text, NULL);
  g_assert_nonnull (*root);
  o = json_node_get_object (*root);
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, type);
  data = json_object_get_object_member (o, "data");
  g_assert_nonnull (data);
  g_assert_cmpstr (json_object_get_string_member (data, "number"), ==, number);
  return data;
}

static TmTestResponse *
heartbeat (TmTestTerminal *t,
           const char     *body)
{
  return tm_test_terminal_call (t, "POST", "/api/terminal/v1/heartbeat", body, 0, NULL);
}

static void
test_pushes (void)
{
  TmTestServer *s = tm_test_server_start (NULL);
  g_autofree char *admin = NULL;
  g_autofree char *admin_sz = NULL;
  g_autofree char *query = NULL;
  g_autoptr(TmTestWs) gz = NULL;
  g_autoptr(TmTestWs) sz = NULL;
  g_autoptr(TmTestTerminal) t = NULL;
  g_autoptr(TmTestTerminal) t_sz = NULL;
  gint64 code, alarm_id;

  tm_test_create_account (s, "admin", "sysadmin", "440000", PW);
  tm_test_create_account (s, "admin.sz", "sysadmin", "440300", PW);
  admin = tm_test_login (s->port, "admin", PW);
  admin_sz = tm_test_login (s->port, "admin.sz", PW);

  /* Refusals: no token, a bad token, no upgrade asked for. */
  g_assert_null (tm_test_ws_open (s->port, "/api/v1/events/ws", NULL));
  g_assert_null (tm_test_ws_open (s->port, "/api/v1/events/ws?access_token=nope", NULL));
  {
    g_autoptr(TmTestResponse) r = tm_test_console (s->port, admin, "GET", "/api/v1/events/ws",
                                                   NULL);

    g_assert_cmpint (r->code, !=, 0);
    g_assert_cmpstr (tm_test_field (r), ==, "Upgrade");
  }

  gz = tm_test_ws_open (s->port, "/api/v1/events/ws", admin);
  g_assert_nonnull (gz);
  /* A browser passes its token in the query. */
  query = g_strdup_printf ("/api/v1/events/ws?access_token=%s", admin_sz);
  sz = tm_test_ws_open (s->port, query, NULL);
  g_assert_nonnull (sz);

  t = approve (s->port, admin, "GZ-EV-0001", "440106");
  {
    g_autoptr(JsonNode) root = NULL;
    JsonObject *d = expect_event (gz, "terminal.status", "GZ-EV-0001", &root);

    g_assert_cmpstr (json_object_get_string_member (d, "status"), ==, "active");
  }
  g_assert_true (tm_test_terminal_login (t, &code));
  {
    g_autoptr(TmTestResponse) ok = heartbeat (t, "{\"components\":[{\"name\":\"laser\","
                                                 "\"status\":\"online\"}]}");
    g_autoptr(TmTestResponse) again = heartbeat (t, "{\"components\":[{\"name\":\"laser\","
                                                    "\"status\":\"online\"}]}");
    g_autoptr(TmTestResponse) fault = heartbeat (t, "{\"components\":[{\"name\":\"laser\","
                                                    "\"status\":\"hardware-error\"}]}");
    g_autoptr(JsonNode) root = NULL;
    JsonObject *d;

    g_assert_cmpint (ok->code, ==, 0);
    g_assert_cmpint (again->code, ==, 0);
    g_assert_cmpint (fault->code, ==, 0);
    d = expect_event (gz, "alarm.raised", "GZ-EV-0001", &root);
    g_assert_cmpstr (json_object_get_string_member (d, "kind"), ==, "component-fault");
    g_assert_cmpstr (json_object_get_string_member (d, "subject"), ==, "laser");
    alarm_id = json_object_get_int_member (d, "id");
    g_assert_cmpint (alarm_id, >, 0);
  }
  {
    g_autofree char *ack = g_strdup_printf ("/api/v1/alarms/%" G_GINT64_FORMAT "/ack", alarm_id);
    g_autoptr(TmTestResponse) r = tm_test_console (s->port, admin, "POST", ack, NULL);
    g_autoptr(JsonNode) root = NULL;
    JsonObject *d;

    g_assert_cmpint (r->code, ==, 0);
    d = expect_event (gz, "alarm.acked", "GZ-EV-0001", &root);
    g_assert_cmpint (json_object_get_int_member (d, "id"), ==, alarm_id);
    g_assert_cmpstr (json_object_get_string_member (d, "by"), ==, "admin");
  }
  {
    g_autoptr(TmTestResponse) back = heartbeat (t, "{\"components\":[{\"name\":\"laser\","
                                                   "\"status\":\"online\"}]}");
    g_autoptr(JsonNode) root = NULL;
    JsonObject *d;

    g_assert_cmpint (back->code, ==, 0);
    d = expect_event (gz, "alarm.cleared", "GZ-EV-0001", &root);
    g_assert_cmpint (json_object_get_int_member (d, "id"), ==, alarm_id);
    g_assert_cmpstr (json_object_get_string_member (d, "by"), ==, "terminal");
  }
  {
    g_autoptr(TmTestResponse) r = tm_test_console (s->port, admin, "POST",
                                                   "/api/v1/terminals/GZ-EV-0001/lock", NULL);
    g_autoptr(JsonNode) root = NULL;
    JsonObject *d;

    g_assert_cmpint (r->code, ==, 0);
    d = expect_event (gz, "terminal.status", "GZ-EV-0001", &root);
    g_assert_cmpstr (json_object_get_string_member (d, "status"), ==, "locked");
  }
  /* Shenzhen's console saw none of Guangzhou's; it sees its own. */
  t_sz = approve (s->port, admin, "SZ-EV-0001", "440304");
  {
    g_autoptr(JsonNode) root = NULL;
    g_autoptr(JsonNode) root_gz = NULL;

    expect_event (sz, "terminal.status", "SZ-EV-0001", &root);
    expect_event (gz, "terminal.status", "SZ-EV-0001", &root_gz);
  }
  tm_test_server_stop (s);
}

/* Two managers on one PostgreSQL: a terminal talks to the first, people to the second. */
static void
test_two_managers (void)
{
  TmTestServer *a, *b;
  g_autofree char *admin = NULL;
  g_autoptr(TmTestWs) ws = NULL;
  g_autoptr(TmTestTerminal) t = NULL;
  const char *steady = "{\"components\":[{\"name\":\"laser\",\"status\":\"online\"}]}";
  gint64 code;

  if (!tm_test_on_postgres ())
    {
      g_test_skip ("several managers share a database only on PostgreSQL");
      return;
    }
  a = tm_test_server_start (NULL);
  b = tm_test_server_start_on (a->db_uri, NULL);
  tm_test_create_account (a, "admin", "sysadmin", "440000", PW);
  admin = tm_test_login (b->port, "admin", PW);
  ws = tm_test_ws_open (b->port, "/api/v1/events/ws", admin);
  g_assert_nonnull (ws);

  t = approve (a->port, admin, "GZ-EV-0002", "440106");
  g_assert_true (tm_test_terminal_login (t, &code));
  for (guint i = 0; i < 3; i++)
    {
      /* Steady: the first manager answers these from memory. */
      g_autoptr(TmTestResponse) r = heartbeat (t, steady);

      g_assert_cmpint (r->code, ==, 0);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (tm_test_data (r),
                                                                           "commands")), ==, 0);
    }
  {
    /* A command queued on the second reaches the terminal through the first. */
    g_autoptr(TmTestResponse) q = tm_test_console (b->port, admin, "POST",
                                                   "/api/v1/terminals/GZ-EV-0002/commands",
                                                   "{\"kind\":\"self-test\"}");
    g_autoptr(TmTestResponse) r = NULL;
    JsonArray *commands = NULL;

    g_assert_cmpint (q->code, ==, 0);
    /* NOTIFY reaches the first manager within moments. */
    for (guint i = 0; i < 50; i++)
      {
        g_clear_pointer (&r, tm_test_response_free);
        r = heartbeat (t, steady);
        g_assert_cmpint (r->code, ==, 0);
        commands = json_object_get_array_member (tm_test_data (r), "commands");
        if (json_array_get_length (commands) > 0)
          break;
        g_usleep (100 * 1000);
      }
    g_assert_cmpuint (json_array_get_length (commands), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (commands, 0),
                                                    "kind"), ==, "self-test");
  }
  {
    /* A lock on the second: its event on the second's console, and the first answers
     * "locked" to the terminal. */
    g_autoptr(TmTestResponse) l = tm_test_console (b->port, admin, "POST",
                                                   "/api/v1/terminals/GZ-EV-0002/lock", NULL);
    g_autoptr(TmTestResponse) r = NULL;
    g_autoptr(JsonNode) root = NULL;
    g_autoptr(JsonNode) root2 = NULL;
    JsonObject *d;

    g_assert_cmpint (l->code, ==, 0);
    d = expect_event (ws, "terminal.status", "GZ-EV-0002", &root);
    g_assert_cmpstr (json_object_get_string_member (d, "status"), ==, "active");
    d = expect_event (ws, "terminal.status", "GZ-EV-0002", &root2);
    g_assert_cmpstr (json_object_get_string_member (d, "status"), ==, "locked");
    for (guint i = 0; i < 50; i++)
      {
        g_clear_pointer (&r, tm_test_response_free);
        r = heartbeat (t, steady);
        g_assert_cmpint (r->code, ==, 0);
        if (json_object_get_boolean_member (tm_test_data (r), "locked"))
          break;
        g_usleep (100 * 1000);
      }
    g_assert_true (json_object_get_boolean_member (tm_test_data (r), "locked"));
  }
  {
    /* An alarm raised on the first is pushed by the second. */
    g_autoptr(TmTestResponse) r = heartbeat (t, "{\"components\":[{\"name\":\"laser\","
                                                "\"status\":\"offline\"}]}");
    g_autoptr(JsonNode) root = NULL;
    JsonObject *d;

    g_assert_cmpint (r->code, ==, 0);
    d = expect_event (ws, "alarm.raised", "GZ-EV-0002", &root);
    g_assert_cmpstr (json_object_get_string_member (d, "subject"), ==, "laser");
  }
  tm_test_server_stop (b);
  tm_test_server_stop (a);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/events/pushes", test_pushes);
  g_test_add_func ("/server/events/two-managers", test_two_managers);
  return g_test_run ();
}
