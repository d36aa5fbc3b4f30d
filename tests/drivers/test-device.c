/* test-device.c: the device core: queue order, timeout, cancel, status rules, reopen */

#include "tongban-device.h"

#define TEST_TYPE_DEVICE (test_device_get_type ())
G_DECLARE_FINAL_TYPE (TestDevice, test_device, TEST, DEVICE, TongbanDevice)

struct _TestDevice
{
  TongbanDevice parent_instance;
  gint          open_failures;   /* open() fails this many times first */
  gint          opens;
  gint          polls;
};

G_DEFINE_FINAL_TYPE (TestDevice, test_device, TONGBAN_TYPE_DEVICE)

static gboolean
test_device_open (TongbanDevice *device, GCancellable *cancellable, GError **error)
{
  TestDevice *self = TEST_DEVICE (device);

  if (g_atomic_int_get (&self->open_failures) > 0)
    {
      g_atomic_int_add (&self->open_failures, -1);
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY,
                           "not there");
      return FALSE;
    }
  g_atomic_int_inc (&self->opens);
  return TRUE;
}

static gboolean
test_device_poll (TongbanDevice *device, GCancellable *cancellable, GError **error)
{
  TestDevice *self = TEST_DEVICE (device);

  if (g_atomic_int_add (&self->polls, 1) == 2)
    tongban_device_emit_event (device, "key-pressed", g_variant_new_string ("enter"));
  return TRUE;
}

static void
test_device_class_init (TestDeviceClass *klass)
{
  TONGBAN_DEVICE_CLASS (klass)->open = test_device_open;
  TONGBAN_DEVICE_CLASS (klass)->poll = test_device_poll;
}

static void
test_device_init (TestDevice *self)
{
}

static TestDevice *
test_device_new (guint poll_ms)
{
  return g_object_new (TEST_TYPE_DEVICE, "name", "test", "poll-interval", poll_ms, NULL);
}

typedef struct
{
  GArray  *order;        /* request numbers in the order they ran */
  GThread *main_thread;
  GMutex   lock;
} Log;

static gpointer
record (TongbanDevice *device, gpointer data, gint64 deadline, GCancellable *c, GError **error)
{
  Log *log = g_object_get_data (G_OBJECT (device), "log");
  guint n = GPOINTER_TO_UINT (data);

  g_assert_true (g_thread_self () != log->main_thread);
  g_mutex_lock (&log->lock);
  g_array_append_val (log->order, n);
  g_mutex_unlock (&log->lock);
  return g_strdup_printf ("result %u", n);
}

static gpointer
wait_forever (TongbanDevice *device, gpointer data, gint64 deadline, GCancellable *c,
              GError **error)
{
  while (tongban_device_deadline_check (deadline, c, error))
    g_usleep (1000);
  return NULL;
}

typedef struct
{
  guint   done;
  GError *errors[8];
  char   *results[8];
  GThread *threads[8];
} Results;

static void
on_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Results *r = data;
  guint i = r->done++;

  r->results[i] = tongban_device_submit_finish (TONGBAN_DEVICE (source), result, &r->errors[i]);
  r->threads[i] = g_thread_self ();
}

static gboolean
done_at_least (gpointer data)
{
  Results *r = ((gpointer *) data)[0];
  return r->done >= GPOINTER_TO_UINT (((gpointer *) data)[1]);
}

static void
wait_done (Results *r, guint n)
{
  gpointer args[2] = { r, GUINT_TO_POINTER (n) };
  g_assert_true (tongban_device_wait_until (NULL, 5000, done_at_least, args));
}

static void
results_clear (Results *r)
{
  for (guint i = 0; i < G_N_ELEMENTS (r->errors); i++)
    {
      g_clear_error (&r->errors[i]);
      g_clear_pointer (&r->results[i], g_free);
    }
}

static void
test_queue_order (void)
{
  g_autoptr(TestDevice) dev = test_device_new (1000);
  Log log = { g_array_new (FALSE, FALSE, sizeof (guint)), g_thread_self () };
  Results r = { 0 };
  guint ids[4];

  g_mutex_init (&log.lock);
  g_object_set_data (G_OBJECT (dev), "log", &log);
  for (guint i = 0; i < 4; i++)
    ids[i] = tongban_device_submit (TONGBAN_DEVICE (dev), "Test.Record", 0, record,
                                    GUINT_TO_POINTER (i), NULL, g_free, NULL, on_done, &r);
  for (guint i = 1; i < 4; i++)
    g_assert_cmpuint (ids[i], >, ids[i - 1]);
  wait_done (&r, 4);
  g_assert_cmpuint (log.order->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *expected = g_strdup_printf ("result %u", i);
      g_assert_cmpuint (g_array_index (log.order, guint, i), ==, i);
      g_assert_no_error (r.errors[i]);
      g_assert_cmpstr (r.results[i], ==, expected);
      /* Completions arrive on the caller's thread. */
      g_assert_true (r.threads[i] == g_thread_self ());
    }
  tongban_device_stop (TONGBAN_DEVICE (dev));
  results_clear (&r);
  g_array_unref (log.order);
  g_mutex_clear (&log.lock);
}

static void
test_timeout_and_cancel (void)
{
  g_autoptr(TestDevice) dev = test_device_new (1000);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Results r = { 0 };
  gint64 start = g_get_monotonic_time ();
  guint running, queued;

  tongban_device_submit (TONGBAN_DEVICE (dev), "Test.Wait", 50, wait_forever, NULL, NULL, NULL,
                         NULL, on_done, &r);
  wait_done (&r, 1);
  g_assert_error (r.errors[0], TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 50000);

  /* Cancel by request id, while running; and a queued one by its cancellable. */
  running = tongban_device_submit (TONGBAN_DEVICE (dev), "Test.Wait", 0, wait_forever, NULL, NULL,
                                   NULL, NULL, on_done, &r);
  queued = tongban_device_submit (TONGBAN_DEVICE (dev), "Test.Wait", 0, wait_forever, NULL, NULL,
                                  NULL, cancellable, on_done, &r);
  g_assert_cmpuint (queued, !=, running);
  g_cancellable_cancel (cancellable);
  g_assert_true (tongban_device_cancel (TONGBAN_DEVICE (dev), running));
  wait_done (&r, 3);
  g_assert_error (r.errors[1], TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_CANCELED);
  g_assert_error (r.errors[2], TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_CANCELED);
  g_assert_false (tongban_device_cancel (TONGBAN_DEVICE (dev), running));

  /* Stopping cancels what is still queued. */
  tongban_device_submit (TONGBAN_DEVICE (dev), "Test.Wait", 0, wait_forever, NULL, NULL, NULL,
                         NULL, on_done, &r);
  tongban_device_stop (TONGBAN_DEVICE (dev));
  wait_done (&r, 4);
  g_assert_error (r.errors[3], TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_CANCELED);
  results_clear (&r);
}

typedef struct
{
  guint  states;
  int    last_state;
  guint  supplies;
  guint  events;
  char  *event;
} Seen;

static void
on_status (TongbanDevice *dev, int state, Seen *seen)
{
  seen->states++;
  seen->last_state = state;
}

static void
on_supply (TongbanDevice *dev, const char *name, int value, Seen *seen)
{
  seen->supplies++;
}

static void
on_event (TongbanDevice *dev, const char *name, GVariant *payload, Seen *seen)
{
  seen->events++;
  g_free (seen->event);
  seen->event = g_strdup_printf ("%s %s", name,
                                 payload ? g_variant_get_string (payload, NULL) : "");
}

static gboolean
has_state (gpointer data)
{
  return ((Seen *) data)->last_state == TONGBAN_DEVICE_STATE_ONLINE;
}

static gboolean
has_event (gpointer data)
{
  return ((Seen *) data)->events > 0;
}

static gboolean
iterate_pending (gpointer data)
{
  return !g_main_context_pending (NULL);
}

static void
test_status_changes_once (void)
{
  TestDevice *dev = test_device_new (10);
  Seen seen = { 0, -1 };
  g_autofree char *text = NULL;

  g_signal_connect (dev, "status-changed", G_CALLBACK (on_status), &seen);
  g_signal_connect (dev, "supply-changed", G_CALLBACK (on_supply), &seen);
  g_signal_connect (dev, "event", G_CALLBACK (on_event), &seen);
  dev->open_failures = 2;
  tongban_device_start (TONGBAN_DEVICE (dev));

  /* starting -> no-device (twice failed, signalled once) -> online */
  g_assert_true (tongban_device_wait_until (NULL, 5000, has_state, &seen));
  g_assert_cmpuint (seen.states, ==, 2);
  g_assert_cmpint (g_atomic_int_get (&dev->opens), ==, 1);

  g_assert_true (tongban_device_wait_until (NULL, 5000, has_event, &seen));
  g_assert_cmpstr (seen.event, ==, "key-pressed enter");

  tongban_device_set_supply (TONGBAN_DEVICE (dev), "paper", TONGBAN_SUPPLY_LOW);
  tongban_device_set_supply (TONGBAN_DEVICE (dev), "paper", TONGBAN_SUPPLY_LOW);
  tongban_device_set_supply (TONGBAN_DEVICE (dev), "paper", TONGBAN_SUPPLY_OUT);
  tongban_device_set_state (TONGBAN_DEVICE (dev), TONGBAN_DEVICE_STATE_ONLINE);
  tongban_device_wait_until (NULL, 200, iterate_pending, NULL);
  g_assert_cmpuint (seen.supplies, ==, 2);
  g_assert_cmpuint (seen.states, ==, 2);
  g_assert_cmpint (tongban_device_get_supply (TONGBAN_DEVICE (dev), "paper"), ==,
                   TONGBAN_SUPPLY_OUT);
  g_assert_cmpint (tongban_device_get_supply (TONGBAN_DEVICE (dev), "toner"), ==,
                   TONGBAN_SUPPLY_UNKNOWN);
  text = tongban_device_dup_status_text (TONGBAN_DEVICE (dev));
  g_assert_cmpstr (text, ==, "test: online; paper out");

  tongban_device_stop (TONGBAN_DEVICE (dev));
  tongban_device_wait_until (NULL, 200, iterate_pending, NULL);
  g_free (seen.event);
  g_assert_finalize_object (dev);
}

static void
test_not_ready (void)
{
  g_autoptr(TestDevice) dev = test_device_new (1000);
  Results r = { 0 };

  /* open() keeps failing: a command gets device-not-ready, not a hang. */
  dev->open_failures = 1000;
  tongban_device_submit (TONGBAN_DEVICE (dev), "Test.Record", 1000, wait_forever, NULL, NULL,
                         NULL, NULL, on_done, &r);
  wait_done (&r, 1);
  g_assert_error (r.errors[0], TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY);
  g_assert_cmpint (tongban_device_get_state (TONGBAN_DEVICE (dev)), ==,
                   TONGBAN_DEVICE_STATE_NO_DEVICE);
  tongban_device_stop (TONGBAN_DEVICE (dev));
  results_clear (&r);
}

static void
test_completion_names (void)
{
  g_autoptr(GError) io = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "x");

  g_assert_cmpstr (tongban_completion_to_string (TONGBAN_COMPLETION_INVALID_DATA), ==,
                   "invalid-data");
  g_assert_cmpint (tongban_completion_from_error (io), ==, TONGBAN_COMPLETION_INVALID_DATA);
  g_assert_cmpint (tongban_completion_from_error (NULL), ==, TONGBAN_COMPLETION_SUCCESS);
  g_assert_cmpstr (tongban_device_state_to_string (TONGBAN_DEVICE_STATE_NO_DEVICE), ==,
                   "no-device");
  g_assert_cmpstr (tongban_supply_to_string (TONGBAN_SUPPLY_JAMMED), ==, "jammed");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/device/queue-order", test_queue_order);
  g_test_add_func ("/drivers/device/timeout-cancel", test_timeout_and_cancel);
  g_test_add_func ("/drivers/device/status-changes-once", test_status_changes_once);
  g_test_add_func ("/drivers/device/not-ready", test_not_ready);
  g_test_add_func ("/drivers/device/completion-names", test_completion_names);

  return g_test_run ();
}
