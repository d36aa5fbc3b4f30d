/* test-fingerprint.c: the fingerprint reader driver against the module simulator on a pty
 *
 * The citizen's templates come from the demonstration ID card, as the kiosk
 * reads them; the simulator computes every comparison. Faults of the issue:
 * no finger, the finger lifted before a capture, an unusable image, garbage,
 * truncated packets, a wrong checksum, an impossible length, an unknown
 * confirmation code, silence, the cable pulled in the middle of a packet,
 * and the reader plugged back.
 */

#include "driver-test.h"
#include "tongban-fingerprint-reader.h"
#include "tongban-fpm.h"
#include "tongban-sim-fingerprint.h"
#include "tongban-sim-idcard.h"

#include <string.h>

typedef struct
{
  TongbanSim               *sim;
  TongbanFingerprintReader *reader;
  guint                     done;
  gboolean                  ok;
  TongbanFingerprintMatch   match;
  GError                   *error;
  guint                     placed;
  guint                     lifted;
} Fixture;

typedef struct
{
  gboolean watch;
  guint    poll_ms;
  guint    password;
} Setup;

static const Setup quiet = { FALSE, 60000, 0 };
static const Setup polled = { FALSE, 100, 0 };
static const Setup watching = { TRUE, 50, 0 };
static const Setup wrong_password = { FALSE, 60000, 1234 };

static void
on_event (TongbanDevice *dev, const char *name, GVariant *payload, Fixture *fx)
{
  if (g_str_equal (name, "finger-placed"))
    fx->placed++;
  else if (g_str_equal (name, "finger-lifted"))
    fx->lifted++;
}

static void
wait_state (Fixture *fx, TongbanDeviceState state)
{
  driver_test_wait_state (fx->reader, state, 5000);
}

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  const Setup *setup = data;
  g_autoptr(GError) error = NULL;

  fx->sim = tongban_sim_fingerprint_new (57600, NULL, &error);
  driver_test_start_sim (fx->sim, error);
  /* Without idle polling, a fault injected for the next reply is sure to
   * hit the test's own command. */
  fx->reader = g_object_new (TONGBAN_TYPE_FINGERPRINT_READER, "name", "fingerprint",
                             "link", tongban_sim_get_link (fx->sim),
                             "watch-finger", setup->watch, "poll-interval", setup->poll_ms,
                             "password", setup->password, NULL);
  g_signal_connect (fx->reader, "event", G_CALLBACK (on_event), fx);
  /* Opening verifies the password and reads the parameters; faults are for later. */
  driver_test_start (fx->reader, setup->password == 0 ? TONGBAN_DEVICE_STATE_ONLINE
                                                      : TONGBAN_DEVICE_STATE_HARDWARE_ERROR);
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  driver_test_stop (fx->reader, fx->sim);
  g_clear_error (&fx->error);
}

static void
on_verified (GObject *source, GAsyncResult *result, gpointer data)
{
  Fixture *fx = data;

  g_clear_error (&fx->error);
  memset (&fx->match, 0xAA, sizeof fx->match);
  fx->ok = tongban_fingerprint_reader_verify_finish (TONGBAN_FINGERPRINT_READER (source), result,
                                                     &fx->match, &fx->error);
  fx->done++;
}

static void
on_lifted (GObject *source, GAsyncResult *result, gpointer data)
{
  Fixture *fx = data;

  g_clear_error (&fx->error);
  fx->ok = tongban_fingerprint_reader_wait_lift_finish (TONGBAN_FINGERPRINT_READER (source),
                                                        result, &fx->error);
  fx->done++;
}

static void
wait_done (Fixture *fx, guint target)
{
  driver_test_wait_count (&fx->done, target, 15000);
  g_assert_true (fx->ok == (fx->error == NULL));
}

/* Verifies once against templates and waits for the completion (bounded). */
static void
verify (Fixture *fx, GBytes *templates, guint timeout_ms, GCancellable *cancellable)
{
  guint target = fx->done + 1;

  tongban_fingerprint_reader_verify_async (fx->reader, templates, timeout_ms, cancellable,
                                           on_verified, fx);
  wait_done (fx, target);
}

static void
wait_lift (Fixture *fx, guint timeout_ms)
{
  guint target = fx->done + 1;

  tongban_fingerprint_reader_wait_lift_async (fx->reader, timeout_ms, NULL, on_lifted, fx);
  wait_done (fx, target);
}

static void
sim_do (Fixture *fx, const char *event)
{
  driver_test_sim_do (fx->sim, event);
}

/* The fingerprint field of the demonstration card, as the ID card reader returns it. */
static GBytes *
card_templates (void)
{
  g_autoptr(TongbanIdentity) card = tongban_sim_idcard_demo_identity ();

  return g_bytes_ref (card->fingerprint);
}

/* Someone else's template first, then the citizen's (or an empty slot first). */
static GBytes *
templates_with_first (gboolean empty_first)
{
  g_autoptr(GBytes) enrolled = tongban_sim_fingerprint_demo_template ();
  guint8 both[2 * TONGBAN_FPM_TEMPLATE_LEN];

  for (guint i = 0; i < TONGBAN_FPM_TEMPLATE_LEN; i++)
    both[i] = empty_first ? 0 : (guint8) (i * 101 + 3);
  memcpy (both + TONGBAN_FPM_TEMPLATE_LEN, g_bytes_get_data (enrolled, NULL),
          TONGBAN_FPM_TEMPLATE_LEN);
  return g_bytes_new (both, sizeof both);
}

static guint
count (Fixture *fx, guint8 instruction)
{
  return tongban_sim_fingerprint_get_count (fx->sim, instruction);
}

static void
test_match_and_lift (Fixture *fx, gconstpointer data)
{
  g_autoptr(GBytes) card = card_templates ();

  sim_do (fx, "finger match");
  verify (fx, card, 10000, NULL);
  g_assert_no_error (fx->error);
  g_assert_true (fx->match.matched);
  /* A live reading is close to the enrolled template, never identical. */
  g_assert_cmpuint (fx->match.score, >=, TONGBAN_SIM_FINGERPRINT_THRESHOLD);
  g_assert_cmpuint (fx->match.score, <, 256);
  g_assert_cmpuint (fx->match.finger, ==, 0);
  g_assert_cmpuint (count (fx, TONGBAN_FPM_DOWN_CHAR), ==, 1);
  g_assert_cmpuint (count (fx, TONGBAN_FPM_IMG2TZ), ==, 1);
  g_assert_cmpuint (count (fx, TONGBAN_FPM_MATCH), ==, 1);
  g_assert_cmpuint (fx->placed, ==, 1);

  /* Still on the sensor: waiting for the lift goes on until it is lifted. */
  wait_lift (fx, 400);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_TIMEOUT);
  g_assert_cmpuint (fx->lifted, ==, 0);
  sim_do (fx, "finger lift");
  wait_lift (fx, 5000);
  g_assert_no_error (fx->error);
  g_assert_true (driver_test_drain (2000));
  g_assert_cmpuint (fx->lifted, ==, 1);
  g_assert_cmpint (tongban_device_get_state (TONGBAN_DEVICE (fx->reader)), ==,
                   TONGBAN_DEVICE_STATE_ONLINE);
}

static void
test_other_finger (Fixture *fx, gconstpointer data)
{
  g_autoptr(GBytes) card = card_templates ();

  sim_do (fx, "finger other");
  verify (fx, card, 10000, NULL);
  g_assert_no_error (fx->error);
  g_assert_true (fx->ok);
  g_assert_false (fx->match.matched);
  g_assert_cmpuint (fx->match.score, <, TONGBAN_SIM_FINGERPRINT_THRESHOLD);
  /* Both fingers of the card were tried against the one reading. */
  g_assert_cmpuint (count (fx, TONGBAN_FPM_DOWN_CHAR), ==, 2);
  g_assert_cmpuint (count (fx, TONGBAN_FPM_IMG2TZ), ==, 1);
  g_assert_cmpuint (count (fx, TONGBAN_FPM_MATCH), ==, 2);
}

static void
test_second_template (Fixture *fx, gconstpointer data)
{
  g_autoptr(GBytes) other_first = templates_with_first (FALSE);
  g_autoptr(GBytes) empty_first = templates_with_first (TRUE);

  sim_do (fx, "finger match");
  verify (fx, other_first, 10000, NULL);
  g_assert_no_error (fx->error);
  g_assert_true (fx->match.matched);
  g_assert_cmpuint (fx->match.finger, ==, 1);
  g_assert_cmpuint (count (fx, TONGBAN_FPM_MATCH), ==, 2);

  /* An empty slot is not sent to the module at all. */
  verify (fx, empty_first, 10000, NULL);
  g_assert_no_error (fx->error);
  g_assert_true (fx->match.matched);
  g_assert_cmpuint (fx->match.finger, ==, 1);
  g_assert_cmpuint (count (fx, TONGBAN_FPM_DOWN_CHAR), ==, 3);
  g_assert_cmpuint (count (fx, TONGBAN_FPM_MATCH), ==, 3);
}

static void
test_bad_card_data (Fixture *fx, gconstpointer data)
{
  static const guint8 zeros[TONGBAN_FPM_TEMPLATE_LEN] = { 0 };
  g_autoptr(GBytes) short_data = g_bytes_new (zeros, 100);
  g_autoptr(GBytes) empty = g_bytes_new (zeros, sizeof zeros);

  sim_do (fx, "finger match");
  g_test_expect_message (NULL, G_LOG_LEVEL_MESSAGE, "fingerprint: card templates of 100 bytes");
  verify (fx, short_data, 5000, NULL);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA);
  g_test_assert_expected_messages ();
  g_test_expect_message (NULL, G_LOG_LEVEL_MESSAGE, "fingerprint: *slots are empty");
  verify (fx, empty, 5000, NULL);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (count (fx, TONGBAN_FPM_DOWN_CHAR), ==, 0);
  g_assert_cmpuint (count (fx, TONGBAN_FPM_GEN_IMG), ==, 0);
}

static gboolean
inject_later (gpointer data)
{
  Fixture *fx = ((gpointer *) data)[0];

  tongban_sim_inject (fx->sim, ((gpointer *) data)[1]);
  return G_SOURCE_REMOVE;
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_waiting_for_finger (Fixture *fx, gconstpointer data)
{
  g_autoptr(GBytes) card = card_templates ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gpointer later[2] = { fx, "finger match" };
  guint gen_imgs;

  /* Nobody comes: the request's own timeout, after several looks. */
  verify (fx, card, 700, NULL);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_TIMEOUT);
  g_assert_cmpuint (count (fx, TONGBAN_FPM_GEN_IMG), >=, 2);
  g_assert_cmpuint (count (fx, TONGBAN_FPM_IMG2TZ), ==, 0);

  /* The citizen gives up: canceled while waiting. */
  g_timeout_add (300, cancel_later, cancellable);
  verify (fx, card, 10000, cancellable);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_CANCELED);

  /* The finger comes while the reader waits. */
  gen_imgs = count (fx, TONGBAN_FPM_GEN_IMG);
  g_timeout_add (400, inject_later, later);
  verify (fx, card, 10000, NULL);
  g_assert_no_error (fx->error);
  g_assert_true (fx->match.matched);
  g_assert_cmpuint (count (fx, TONGBAN_FPM_GEN_IMG), >, gen_imgs + 1);
}

static void
test_unusable_image (Fixture *fx, gconstpointer data)
{
  g_autoptr(GBytes) card = card_templates ();
  gpointer later[2] = { fx, "finger match" };
  guint gen_imgs;

  /* Read, but too messy for features: the citizen is asked to try again. */
  sim_do (fx, "finger smudged");
  verify (fx, card, 5000, NULL);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_USER_ERROR);
  g_assert_cmpuint (count (fx, TONGBAN_FPM_MATCH), ==, 0);

  /* Lifted before a capture, then a failed capture: both only mean looking again. */
  sim_do (fx, "finger lift");
  sim_do (fx, "image fail");
  gen_imgs = count (fx, TONGBAN_FPM_GEN_IMG);
  g_timeout_add (300, inject_later, later);
  verify (fx, card, 10000, NULL);
  g_assert_no_error (fx->error);
  g_assert_true (fx->match.matched);
  g_assert_cmpuint (count (fx, TONGBAN_FPM_GEN_IMG), >=, gen_imgs + 2);
}

static void
test_bad_replies (Fixture *fx, gconstpointer data)
{
  static const struct { const char *fault; const char *log; } faults[] = {
    { "garbage", "*truncated packet" },
    { "bad checksum", "*checksum*" },
    { "bad length", "*impossible length*" },
    { "truncate", "*truncated packet" },
    { "unknown code", "*unknown confirmation code 77" },
    { "wrong address", "*packet from another address" },
  };
  g_autoptr(GBytes) card = card_templates ();

  sim_do (fx, "finger match");
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_test_message ("fault: %s", faults[i].fault);
      sim_do (fx, faults[i].fault);
      /* One line in the log, and nothing else. */
      g_test_expect_message (NULL, G_LOG_LEVEL_MESSAGE, faults[i].log);
      verify (fx, card, 5000, NULL);
      g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA);
      g_test_assert_expected_messages ();
      g_assert_cmpint (tongban_device_get_state (TONGBAN_DEVICE (fx->reader)), ==,
                       TONGBAN_DEVICE_STATE_ONLINE);
      /* and the next verification works */
      verify (fx, card, 5000, NULL);
      g_assert_no_error (fx->error);
      g_assert_true (fx->match.matched);
    }

  /* Noise before a good packet is skipped. */
  sim_do (fx, "noise");
  verify (fx, card, 5000, NULL);
  g_assert_no_error (fx->error);
  g_assert_true (fx->match.matched);

  /* Silence: the request's own timeout. */
  sim_do (fx, "silent");
  verify (fx, card, 300, NULL);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_TIMEOUT);
}

static void
test_late_reply (Fixture *fx, gconstpointer data)
{
  g_autoptr(GBytes) card = card_templates ();

  /* DownChar's acknowledgement comes after the request gave up ... */
  sim_do (fx, "slow");
  verify (fx, card, 250, NULL);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_TIMEOUT);
  /* ... and must not pass for the next DownChar's, shifting every reply by
   * one (GenImg would read "ok" with no finger on the sensor). */
  verify (fx, card, 1500, NULL);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_TIMEOUT);
  g_assert_cmpuint (count (fx, TONGBAN_FPM_IMG2TZ), ==, 0);
  g_assert_cmpuint (fx->placed, ==, 0);

  sim_do (fx, "finger match");
  verify (fx, card, 5000, NULL);
  g_assert_no_error (fx->error);
  g_assert_true (fx->match.matched);
}

static void
test_cable_pulled (Fixture *fx, gconstpointer data)
{
  g_autoptr(GBytes) card = card_templates ();

  /* Half an acknowledgement, then the line is gone. */
  sim_do (fx, "finger match");
  sim_do (fx, "cut");
  verify (fx, card, 5000, NULL);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY);
  wait_state (fx, TONGBAN_DEVICE_STATE_NO_DEVICE);
  verify (fx, card, 2000, NULL);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY);

  sim_do (fx, "replug");
  wait_state (fx, TONGBAN_DEVICE_STATE_ONLINE);
  verify (fx, card, 5000, NULL);
  g_assert_no_error (fx->error);
  g_assert_true (fx->match.matched);
}

static gboolean
idle_checked (gpointer data)
{
  return count (data, TONGBAN_FPM_TEMPLATE_NUM) > 0;
}

static void
test_unplug_idle (Fixture *fx, gconstpointer data)
{
  /* The idle check notices the module gone without any request. */
  g_assert_true (tongban_device_wait_until (NULL, 3000, idle_checked, fx));
  g_test_expect_message (NULL, G_LOG_LEVEL_MESSAGE, "fingerprint: lost (device-not-ready)");
  sim_do (fx, "unplug");
  wait_state (fx, TONGBAN_DEVICE_STATE_NO_DEVICE);
  g_test_assert_expected_messages ();
  sim_do (fx, "replug");
  wait_state (fx, TONGBAN_DEVICE_STATE_ONLINE);
}

static void
test_watch_finger (Fixture *fx, gconstpointer data)
{
  sim_do (fx, "finger other");
  driver_test_wait_count (&fx->placed, 1, 5000);
  sim_do (fx, "finger lift");
  driver_test_wait_count (&fx->lifted, 1, 5000);
  g_assert_cmpuint (fx->placed, ==, 1);
  g_assert_cmpuint (fx->lifted, ==, 1);
}

static void
test_wrong_password (Fixture *fx, gconstpointer data)
{
  g_autoptr(GBytes) card = card_templates ();

  verify (fx, card, 3000, NULL);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY);
  g_assert_nonnull (strstr (fx->error->message, "wrong password"));
  g_assert_cmpuint (count (fx, TONGBAN_FPM_DOWN_CHAR), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, setup, func) \
  g_test_add ("/drivers/fingerprint/" path, Fixture, &setup, fixture_setup, func, fixture_teardown)
  ADD ("match-and-lift", quiet, test_match_and_lift);
  ADD ("other-finger", quiet, test_other_finger);
  ADD ("second-template", quiet, test_second_template);
  ADD ("bad-card-data", quiet, test_bad_card_data);
  ADD ("waiting-for-finger", quiet, test_waiting_for_finger);
  ADD ("unusable-image", quiet, test_unusable_image);
  ADD ("bad-replies", quiet, test_bad_replies);
  ADD ("late-reply", quiet, test_late_reply);
  ADD ("cable-pulled", quiet, test_cable_pulled);
  ADD ("unplug-idle", polled, test_unplug_idle);
  ADD ("watch-finger", watching, test_watch_finger);
  ADD ("wrong-password", wrong_password, test_wrong_password);
#undef ADD

  return g_test_run ();
}
