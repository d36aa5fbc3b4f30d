/* idcard.c: a full ID card read over a 115200-baud pty, against the time on the line
 *
 * The simulator paces both directions at 10 bits a byte, like a UART, so the
 * ratio shows what the driver adds on top of the wire: target <= 1.25.
 * Prints figures; never fails on a time.
 */

#include "tongban-idcard-reader.h"
#include "tongban-sim-idcard.h"

#define BAUD  115200
#define READS 5

static gboolean
online (gpointer data)
{
  return tongban_device_get_state (data) == TONGBAN_DEVICE_STATE_ONLINE;
}

static void
on_read (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanIdentity) id = tongban_idcard_reader_read_finish (
    TONGBAN_IDCARD_READER (source), result, &error);

  if (id == NULL)
    g_error ("read failed: %s", error->message);
  (*(guint *) data)++;
}

static gboolean
done (gpointer data)
{
  return *(guint *) data > 0;
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanSim) sim = tongban_sim_idcard_new (BAUD, &error);
  TongbanIdcardReader *reader;
  double best = G_MAXDOUBLE, total = 0, line_s = 0;

  g_assert_no_error (error);
  tongban_sim_inject (sim, "card present");
  tongban_sim_start (sim);
  reader = g_object_new (TONGBAN_TYPE_IDCARD_READER, "name", "idcard",
                         "link", tongban_sim_get_link (sim), "watch-card", FALSE, NULL);
  tongban_device_start (TONGBAN_DEVICE (reader));
  g_assert_true (tongban_device_wait_until (NULL, 5000, online, reader));

  for (guint i = 0; i <= READS; i++)
    {
      gsize before = tongban_sim_idcard_get_line_bytes (sim);
      gint64 start = g_get_monotonic_time ();
      guint n = 0;
      double elapsed;

      tongban_idcard_reader_read_async (reader, FALSE, 10000, NULL, on_read, &n);
      g_assert_true (tongban_device_wait_until (NULL, 20000, done, &n));
      elapsed = (g_get_monotonic_time () - start) / 1e6;
      line_s = (tongban_sim_idcard_get_line_bytes (sim) - before) * 10.0 / BAUD;
      if (i == 0)
        continue;   /* warm-up */
      best = MIN (best, elapsed);
      total += elapsed;
    }

  g_print ("idcard: full read (find, select, read text+photo) over a %u-baud pty\n", BAUD);
  g_print ("idcard: bytes on the line per read: %.0f (%.1f ms)\n", line_s * BAUD / 10,
           line_s * 1000);
  g_print ("idcard: mean %.1f ms, best %.1f ms over %u reads\n", total / READS * 1000,
           best * 1000, READS);
  g_print ("idcard: ratio read time / line time: mean %.3f, best %.3f (target <= 1.25)\n",
           total / READS / line_s, best / line_s);

  tongban_device_stop (TONGBAN_DEVICE (reader));
  g_object_unref (reader);
  return 0;
}
