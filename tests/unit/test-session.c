/* test-session.c: the citizen session — values, idle warning, timeout, wipe */

#include "tongban-session.h"

typedef struct {
  int    ended_reason;
  guint  ended_count;
  GMainLoop *loop;
} Ended;

static void
on_ended (TongbanSession *session,
          int             reason,
          Ended          *ended)
{
  ended->ended_reason = reason;
  ended->ended_count++;
  if (ended->loop)
    g_main_loop_quit (ended->loop);
}

static gboolean
storage_is_zero (TongbanSession *session)
{
  gsize size = 0;
  const guint8 *bytes = tongban_session_peek_storage (session, &size);

  for (gsize i = 0; i < size; i++)
    if (bytes[i] != 0)
      return FALSE;
  return TRUE;
}

static gboolean
storage_contains (TongbanSession *session,
                  const char     *needle)
{
  gsize size = 0;
  const guint8 *bytes = tongban_session_peek_storage (session, &size);

  return bytes != NULL && g_strstr_len ((const char *) bytes, (gssize) size, needle) != NULL;
}

static void
test_values_and_wipe (void)
{
  g_autoptr(TongbanSession) session = tongban_session_new (60000, 30000);
  Ended ended = { -1, 0, NULL };

  g_signal_connect (session, "ended", G_CALLBACK (on_ended), &ended);
  tongban_session_begin (session);
  g_assert_true (tongban_session_get_active (session));

  tongban_session_set_value (session, "id-number", "44030019900101123X");
  tongban_session_set_value (session, "name", "陈大文");
  g_assert_cmpstr (tongban_session_get_value (session, "id-number"), ==, "44030019900101123X");
  g_assert_cmpstr (tongban_session_get_value (session, "name"), ==, "陈大文");
  g_assert_cmpuint (tongban_session_get_n_values (session), ==, 2);
  g_assert_true (storage_contains (session, "44030019900101123X"));

  /* Replacing a value wipes the old one at once. */
  tongban_session_set_value (session, "name", "CHAN Tai Man");
  g_assert_false (storage_contains (session, "陈大文"));
  g_assert_cmpstr (tongban_session_get_value (session, "name"), ==, "CHAN Tai Man");

  tongban_session_end (session, TONGBAN_SESSION_END_FINISHED);
  g_assert_false (tongban_session_get_active (session));
  g_assert_cmpuint (ended.ended_count, ==, 1);
  g_assert_cmpint (ended.ended_reason, ==, TONGBAN_SESSION_END_FINISHED);
  g_assert_cmpuint (tongban_session_get_n_values (session), ==, 0);
  g_assert_null (tongban_session_get_value (session, "id-number"));
  g_assert_true (storage_is_zero (session));

  /* Ending twice is harmless and does not signal again. */
  tongban_session_end (session, TONGBAN_SESSION_END_CANCELLED);
  g_assert_cmpuint (ended.ended_count, ==, 1);
}

static void
test_arena_growth_keeps_values (void)
{
  g_autoptr(TongbanSession) session = tongban_session_new (60000, 30000);
  g_autofree char *big = g_strnfill (40000, 'x');

  tongban_session_begin (session);
  tongban_session_set_value (session, "small", "first");
  tongban_session_set_value (session, "big", big);
  g_assert_cmpstr (tongban_session_get_value (session, "small"), ==, "first");
  g_assert_cmpstr (tongban_session_get_value (session, "big"), ==, big);
  tongban_session_end (session, TONGBAN_SESSION_END_CANCELLED);
  g_assert_true (storage_is_zero (session));
}

static void
test_idle_timeout (void)
{
  g_autoptr(TongbanSession) session = tongban_session_new (150, 300);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Ended ended = { -1, 0, loop };
  gint64 start;

  g_signal_connect (session, "ended", G_CALLBACK (on_ended), &ended);
  tongban_session_begin (session);
  tongban_session_set_value (session, "phone", "13800138000");
  start = g_get_monotonic_time ();
  g_main_loop_run (loop);

  g_assert_cmpint (ended.ended_reason, ==, TONGBAN_SESSION_END_TIMEOUT);
  /* Idle time plus the whole countdown must have passed. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 450 * 1000);
  g_assert_false (tongban_session_get_active (session));
  g_assert_false (tongban_session_get_warning (session));
  g_assert_true (storage_is_zero (session));
}

typedef struct {
  TongbanSession *session;
  guint           warnings;
  gboolean        extended;
} Extender;

static void
on_warning (TongbanSession *session,
            GParamSpec     *pspec,
            Extender       *ext)
{
  if (!tongban_session_get_warning (session))
    return;
  ext->warnings++;
  g_assert_cmpuint (tongban_session_get_seconds_left (session), >=, 1);
  /* The first warning is answered with one tap; the second is not. */
  if (!ext->extended)
    {
      ext->extended = TRUE;
      tongban_session_activity (session);
      g_assert_false (tongban_session_get_warning (session));
    }
}

static void
test_warning_extends (void)
{
  g_autoptr(TongbanSession) session = tongban_session_new (100, 300);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Ended ended = { -1, 0, loop };
  Extender ext = { session, 0, FALSE };

  g_signal_connect (session, "ended", G_CALLBACK (on_ended), &ended);
  g_signal_connect (session, "notify::warning", G_CALLBACK (on_warning), &ext);
  tongban_session_begin (session);
  g_main_loop_run (loop);

  g_assert_cmpuint (ext.warnings, ==, 2);
  g_assert_cmpuint (tongban_session_get_extensions (session), ==, 1);
  g_assert_cmpint (ended.ended_reason, ==, TONGBAN_SESSION_END_TIMEOUT);
}

static gboolean
touch (gpointer data)
{
  tongban_session_activity (data);
  return G_SOURCE_CONTINUE;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
test_activity_keeps_alive (void)
{
  g_autoptr(TongbanSession) session = tongban_session_new (150, 150);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  guint toucher;

  tongban_session_begin (session);
  toucher = g_timeout_add (50, touch, session);
  g_timeout_add (600, quit_loop, loop);
  g_main_loop_run (loop);
  g_source_remove (toucher);

  g_assert_true (tongban_session_get_active (session));
  g_assert_false (tongban_session_get_warning (session));
  tongban_session_end (session, TONGBAN_SESSION_END_CANCELLED);
}

static void
test_finalize (void)
{
  TongbanSession *session = tongban_session_new (1000, 1000);

  tongban_session_begin (session);
  tongban_session_set_value (session, "k", "v");
  g_assert_finalize_object (session);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kiosk/session/wipe", test_values_and_wipe);
  g_test_add_func ("/kiosk/session/arena-growth", test_arena_growth_keeps_values);
  g_test_add_func ("/kiosk/session/idle-timeout", test_idle_timeout);
  g_test_add_func ("/kiosk/session/warning-extends", test_warning_extends);
  g_test_add_func ("/kiosk/session/activity-keeps-alive", test_activity_keeps_alive);
  g_test_add_func ("/kiosk/session/finalize", test_finalize);
  return g_test_run ();
}
