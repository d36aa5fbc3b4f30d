/* bench-fingerprint.c: a 1:1 verification over a 57600-baud pty, against the time on the line
 *
 * The simulator paces both directions at 10 bits a byte, like a UART. With
 * the finger already on the sensor, the ratio shows what the driver adds on
 * top of the wire (DownChar of the card's template, GenImg, Img2Tz, Match).
 * Then the finger is put down while the reader waits: the figure is the time
 * from the finger to the result, which the capture interval bounds. A real
 * module also needs its own time to capture and extract (some hundred ms,
 * by its manual), which no simulator can show. Prints figures; never fails
 * on a time.
 */

#include "tongban-fingerprint-reader.h"
#include "tongban-fpm.h"
#include "tongban-sim-fingerprint.h"

#define BAUD  57600
#define RUNS  5

static gboolean
online (gpointer data)
{
  return tongban_device_get_state (data) == TONGBAN_DEVICE_STATE_ONLINE;
}

static void
on_verified (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;
  TongbanFingerprintMatch match;

  if (!tongban_fingerprint_reader_verify_finish (TONGBAN_FINGERPRINT_READER (source), result,
                                                 &match, &error))
    g_error ("verify failed: %s", error->message);
  if (!match.matched)
    g_error ("the enrolled finger did not match");
  *(gint64 *) data = g_get_monotonic_time ();
}

static gboolean
done (gpointer data)
{
  return *(gint64 *) data > 0;
}

static gboolean
put_finger (gpointer data)
{
  tongban_sim_inject (data, "finger match");
  return G_SOURCE_REMOVE;
}

/* Bytes both ways for one verification with one template (packets of 128 bytes). */
static gsize
line_bytes (void)
{
  gsize ack = TONGBAN_FPM_HEADER_LEN + 1 + 2;
  gsize data = TONGBAN_FPM_TEMPLATE_LEN / 128 * (TONGBAN_FPM_HEADER_LEN + 128 + 2);

  return (TONGBAN_FPM_HEADER_LEN + 2 + 2) + ack + data  /* DownChar */
         + (TONGBAN_FPM_HEADER_LEN + 1 + 2) + ack       /* GenImg */
         + (TONGBAN_FPM_HEADER_LEN + 2 + 2) + ack       /* Img2Tz */
         + (TONGBAN_FPM_HEADER_LEN + 1 + 2) + ack + 2;  /* Match, with its score */
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanSim) sim = tongban_sim_fingerprint_new (BAUD, NULL, &error);
  g_autoptr(GBytes) templates = tongban_sim_fingerprint_demo_template ();
  TongbanFingerprintReader *reader;
  double best = G_MAXDOUBLE, total = 0, latency_total = 0, latency_worst = 0;
  double line_s = line_bytes () * 10.0 / BAUD;

  g_assert_no_error (error);
  tongban_sim_start (sim);
  reader = tongban_fingerprint_reader_new ("fingerprint", tongban_sim_get_link (sim));
  tongban_device_start (TONGBAN_DEVICE (reader));
  g_assert_true (tongban_device_wait_until (NULL, 5000, online, reader));

  tongban_sim_inject (sim, "finger match");
  for (guint i = 0; i <= RUNS; i++)
    {
      gint64 start = g_get_monotonic_time ();
      gint64 end = 0;
      double elapsed;

      tongban_fingerprint_reader_verify_async (reader, templates, 10000, NULL, on_verified, &end);
      g_assert_true (tongban_device_wait_until (NULL, 20000, done, &end));
      elapsed = (end - start) / 1e6;
      if (i == 0)
        continue;   /* warm-up */
      best = MIN (best, elapsed);
      total += elapsed;
    }

  for (guint i = 0; i < RUNS; i++)
    {
      gint64 placed, end = 0;
      double latency;

      tongban_sim_inject (sim, "finger lift");
      tongban_fingerprint_reader_verify_async (reader, templates, 10000, NULL, on_verified, &end);
      /* Somewhere inside the capture interval, a different phase each time. */
      g_usleep ((400 + i * 23) * 1000);
      placed = g_get_monotonic_time ();
      put_finger (sim);
      g_assert_true (tongban_device_wait_until (NULL, 20000, done, &end));
      latency = (end - placed) / 1e6;
      latency_total += latency;
      latency_worst = MAX (latency_worst, latency);
    }

  g_print ("fingerprint: verification (DownChar 512 bytes, GenImg, Img2Tz, Match) over a "
           "%u-baud pty\n", BAUD);
  g_print ("fingerprint: bytes on the line per verification: %" G_GSIZE_FORMAT " (%.1f ms)\n",
           line_bytes (), line_s * 1000);
  g_print ("fingerprint: finger already down: mean %.1f ms, best %.1f ms over %u runs\n",
           total / RUNS * 1000, best * 1000, RUNS);
  g_print ("fingerprint: ratio time / line time: mean %.3f, best %.3f\n", total / RUNS / line_s,
           best / line_s);
  g_print ("fingerprint: finger put down while waiting -> result: mean %.1f ms, worst %.1f ms "
           "over %u runs\n", latency_total / RUNS * 1000, latency_worst * 1000, RUNS);

  tongban_device_stop (TONGBAN_DEVICE (reader));
  g_object_unref (reader);
  return 0;
}
