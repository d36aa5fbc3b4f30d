/* test-devsim.c: tongban-devsim as the demo runs it, with the real drivers at the other end
 *
 * Starts the program, reads the links it prints, reads a card through the
 * ID reader it simulates (the card is put down by a typed event), verifies
 * the citizen's finger against the card's fingerprints as the kiosk does,
 * and sees the receipt printer's scenario reach the driver as a paper
 * threshold.
 */

#include "tongban-fingerprint-reader.h"
#include "tongban-idcard-reader.h"
#include "tongban-receipt-printer.h"

#include <gio/gio.h>
#include <signal.h>
#include <string.h>

static gboolean
done (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_read (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanIdentity) id = tongban_idcard_reader_read_finish (
    TONGBAN_IDCARD_READER (source), result, &error);

  g_assert_no_error (error);
  g_assert_true (tongban_id_number_valid (id->fields[TONGBAN_ID_NUMBER]));
  g_assert_nonnull (id->fingerprint);
  *(GBytes **) data = g_bytes_ref (id->fingerprint);
}

static void
on_verified (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;
  TongbanFingerprintMatch match = { 0 };

  g_assert_true (tongban_fingerprint_reader_verify_finish (TONGBAN_FINGERPRINT_READER (source),
                                                           result, &match, &error));
  g_assert_no_error (error);
  g_assert_true (match.matched);
  *(gboolean *) data = TRUE;
}

static gboolean
have_bytes (gpointer data)
{
  return *(GBytes **) data != NULL;
}

static gboolean
paper_low (gpointer data)
{
  return tongban_device_get_supply (data, "paper") == TONGBAN_SUPPLY_LOW;
}

static gboolean
nothing_pending (gpointer data)
{
  return !g_main_context_pending (NULL);
}

static void
test_devsim (void)
{
  const char *program = g_getenv ("TONGBAN_DEVSIM");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) devsim = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *idcard_link = NULL;
  g_autofree char *receipt_link = NULL;
  g_autofree char *fingerprint_link = NULL;
  g_autoptr(GBytes) templates = NULL;
  TongbanIdcardReader *reader;
  TongbanFingerprintReader *fingerprint;
  TongbanReceiptPrinter *printer;
  gboolean verified = FALSE;

  g_assert_nonnull (program);
  devsim = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                             &error, program, "--exit-after=60",
                             "--scenario=receipt:t=300ms paper low", "idcard", "receipt", "fingerprint",
                             NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (devsim));
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "idcard "))
        idcard_link = g_strdup (line + 7);
      else if (g_str_has_prefix (line, "receipt "))
        receipt_link = g_strdup (line + 8);
      else if (g_str_has_prefix (line, "fingerprint "))
        fingerprint_link = g_strdup (line + 12);
    }
  g_assert_true (g_str_has_prefix (idcard_link, "tty:"));
  g_assert_true (g_str_has_prefix (receipt_link, "tcp:127.0.0.1:"));
  g_assert_true (g_str_has_prefix (fingerprint_link, "tty:"));
  g_assert_true (g_str_has_suffix (fingerprint_link, "@57600"));

  g_output_stream_write_all (g_subprocess_get_stdin_pipe (devsim), "idcard card present\n", 20,
                             NULL, NULL, &error);
  g_assert_no_error (error);
  reader = tongban_idcard_reader_new ("idcard", idcard_link);
  tongban_idcard_reader_read_async (reader, TRUE, 10000, NULL, on_read, &templates);
  g_assert_true (tongban_device_wait_until (NULL, 15000, have_bytes, &templates));

  /* The citizen's finger against the card just read, as the kiosk verifies. */
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (devsim), "fingerprint finger match\n",
                             25, NULL, NULL, &error);
  g_assert_no_error (error);
  fingerprint = tongban_fingerprint_reader_new ("fingerprint", fingerprint_link);
  tongban_device_start (TONGBAN_DEVICE (fingerprint));
  tongban_fingerprint_reader_verify_async (fingerprint, templates, 10000, NULL, on_verified,
                                           &verified);
  g_assert_true (tongban_device_wait_until (NULL, 15000, done, &verified));

  printer = tongban_receipt_printer_new ("receipt", receipt_link);
  tongban_device_start (TONGBAN_DEVICE (printer));
  g_assert_true (tongban_device_wait_until (NULL, 10000, paper_low, printer));

  tongban_device_stop (TONGBAN_DEVICE (reader));
  tongban_device_stop (TONGBAN_DEVICE (printer));
  tongban_device_stop (TONGBAN_DEVICE (fingerprint));
  tongban_device_wait_until (NULL, 300, nothing_pending, NULL);
  g_assert_finalize_object (reader);
  g_assert_finalize_object (fingerprint);
  g_assert_finalize_object (printer);
  g_subprocess_send_signal (devsim, SIGTERM);
  g_assert_true (g_subprocess_wait_check (devsim, NULL, &error));
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/devsim/demo", test_devsim);

  return g_test_run ();
}
