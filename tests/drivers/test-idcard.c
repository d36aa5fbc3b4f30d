/* test-idcard.c: the ID card reader driver against the SAM simulator on a pty
 *
 * Includes the faults of the issue: card pulled during the read, garbage,
 * truncated frames, a wrong checksum, an impossible length, an unknown
 * status, silence, the reader unplugged and plugged back.
 */

#include "driver-test.h"
#include "tongban-idcard-reader.h"
#include "tongban-sim-idcard.h"

typedef struct
{
  TongbanSim          *sim;
  TongbanIdcardReader *reader;
  guint                done;
  TongbanIdentity     *identity;
  GError              *error;
  guint                inserted;
  guint                removed;
} Fixture;

static void
on_event (TongbanDevice *dev, const char *name, GVariant *payload, Fixture *fx)
{
  if (g_str_equal (name, "card-inserted"))
    fx->inserted++;
  else if (g_str_equal (name, "card-removed"))
    fx->removed++;
}

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  fx->sim = tongban_sim_idcard_new (115200, &error);
  driver_test_start_sim (fx->sim, error);
  /* Without card watching, a fault injected for the next reply is sure to
   * hit the test's own command, not an idle FIND. */
  fx->reader = g_object_new (TONGBAN_TYPE_IDCARD_READER, "name", "idcard",
                             "link", tongban_sim_get_link (fx->sim),
                             "watch-card", data == NULL, "poll-interval", 50, NULL);
  g_signal_connect (fx->reader, "event", G_CALLBACK (on_event), fx);
  /* Opening sends a status command; faults are for the commands after it. */
  driver_test_start (fx->reader, TONGBAN_DEVICE_STATE_ONLINE);
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  driver_test_stop (fx->reader, fx->sim);
  g_clear_pointer (&fx->identity, tongban_identity_free);
  g_clear_error (&fx->error);
}

static void
on_read (GObject *source, GAsyncResult *result, gpointer data)
{
  Fixture *fx = data;

  g_clear_pointer (&fx->identity, tongban_identity_free);
  g_clear_error (&fx->error);
  fx->identity = tongban_idcard_reader_read_finish (TONGBAN_IDCARD_READER (source), result,
                                                    &fx->error);
  fx->done++;
}

/* Reads once and waits for the completion (bounded). */
static void
read_card (Fixture *fx, gboolean fingerprint, guint timeout_ms)
{
  guint target = fx->done + 1;

  tongban_idcard_reader_read_async (fx->reader, fingerprint, timeout_ms, NULL, on_read, fx);
  driver_test_wait_count (&fx->done, target, 10000);
}

static void
sim_do (Fixture *fx, const char *event)
{
  driver_test_sim_do (fx->sim, event);
}

static void
assert_same_identity (const TongbanIdentity *got, gboolean fingerprint)
{
  g_autoptr(TongbanIdentity) expected = tongban_sim_idcard_demo_identity ();

  g_assert_nonnull (got);
  for (guint f = 0; f < TONGBAN_ID_N_FIELDS; f++)
    g_assert_cmpstr (got->fields[f], ==, expected->fields[f]);
  g_assert_true (g_bytes_equal (got->photo, expected->photo));
  if (fingerprint)
    g_assert_true (g_bytes_equal (got->fingerprint, expected->fingerprint));
  else
    g_assert_null (got->fingerprint);
}

static void
test_read (Fixture *fx, gconstpointer data)
{
  sim_do (fx, "card present");
  read_card (fx, FALSE, 5000);
  g_assert_no_error (fx->error);
  assert_same_identity (fx->identity, FALSE);
  read_card (fx, TRUE, 5000);
  g_assert_no_error (fx->error);
  assert_same_identity (fx->identity, TRUE);
  g_assert_cmpuint (tongban_sim_idcard_get_reads (fx->sim), ==, 2);
  g_assert_cmpint (tongban_device_get_state (TONGBAN_DEVICE (fx->reader)), ==,
                   TONGBAN_DEVICE_STATE_ONLINE);
}

static void
test_no_card_and_pulled (Fixture *fx, gconstpointer data)
{
  read_card (fx, FALSE, 5000);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_USER_ERROR);
  g_assert_null (fx->identity);

  sim_do (fx, "card present");
  sim_do (fx, "card pulled");
  read_card (fx, FALSE, 5000);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_USER_ERROR);
  g_assert_cmpuint (tongban_sim_idcard_get_reads (fx->sim), ==, 0);

  /* Put back: reads again. */
  sim_do (fx, "card present");
  read_card (fx, FALSE, 5000);
  g_assert_no_error (fx->error);
  assert_same_identity (fx->identity, FALSE);
}

static void
test_bad_replies (Fixture *fx, gconstpointer data)
{
  const char *faults[] = { "garbage", "bad checksum", "bad length", "truncate", "unknown status" };

  sim_do (fx, "card present");
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_test_message ("fault: %s", faults[i]);
      sim_do (fx, faults[i]);
      read_card (fx, FALSE, 5000);
      g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA);
      g_assert_null (fx->identity);
      /* and the next read works */
      read_card (fx, FALSE, 5000);
      g_assert_no_error (fx->error);
      assert_same_identity (fx->identity, FALSE);
    }

  /* Noise before a good frame is skipped. */
  sim_do (fx, "noise");
  read_card (fx, FALSE, 5000);
  g_assert_no_error (fx->error);

  /* Silence: the request's own timeout. */
  sim_do (fx, "silent");
  read_card (fx, FALSE, 300);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_TIMEOUT);
}

static void
test_unplug_replug (Fixture *fx, gconstpointer data)
{
  driver_test_wait_state (fx->reader, TONGBAN_DEVICE_STATE_ONLINE, 5000);
  sim_do (fx, "card present");
  driver_test_wait_count (&fx->inserted, 1, 5000);
  sim_do (fx, "card removed");
  driver_test_wait_count (&fx->removed, 1, 5000);

  sim_do (fx, "unplug");
  read_card (fx, FALSE, 3000);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY);
  driver_test_wait_state (fx->reader, TONGBAN_DEVICE_STATE_NO_DEVICE, 5000);

  sim_do (fx, "replug");
  sim_do (fx, "card present");
  driver_test_wait_state (fx->reader, TONGBAN_DEVICE_STATE_ONLINE, 5000);
  read_card (fx, FALSE, 5000);
  g_assert_no_error (fx->error);
  assert_same_identity (fx->identity, FALSE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/drivers/idcard/read", Fixture, NULL, fixture_setup, test_read, fixture_teardown);
  g_test_add ("/drivers/idcard/no-card-and-pulled", Fixture, "quiet", fixture_setup,
              test_no_card_and_pulled, fixture_teardown);
  g_test_add ("/drivers/idcard/bad-replies", Fixture, "quiet", fixture_setup, test_bad_replies,
              fixture_teardown);
  g_test_add ("/drivers/idcard/unplug-replug", Fixture, NULL, fixture_setup, test_unplug_replug,
              fixture_teardown);

  return g_test_run ();
}
