/* test-receipt.c: the receipt printer driver against the ESC/POS simulator on TCP
 *
 * A full receipt, paper low, paper out in the middle of a job and back,
 * cover open, a status byte no printer sends, the printer going away; and
 * a slip built from a back end's "receipt" answer in Traditional Chinese
 * and English, decoded back by the simulator.
 */

#include "tongban-document.h"
#include "tongban-receipt-printer.h"
#include "tongban-sim-printer.h"
#include "tongban-escpos.h"
#include "private-home.h"

static char *private_root;

typedef struct
{
  TongbanSim            *sim;
  TongbanReceiptPrinter *printer;
  guint                  done;
  gboolean               ok;
  GError                *error;
  GPtrArray             *thresholds;
} Fixture;

static void
on_event (TongbanDevice *dev, const char *name, GVariant *payload, Fixture *fx)
{
  if (g_str_equal (name, "paper-threshold"))
    g_ptr_array_add (fx->thresholds, g_variant_dup_string (payload, NULL));
}

static gboolean
state_is (gpointer data)
{
  gpointer *args = data;
  return (int) tongban_device_get_state (args[0]) == GPOINTER_TO_INT (args[1]);
}

static void
wait_state (Fixture *fx, TongbanDeviceState state)
{
  gpointer args[2] = { fx->printer, GINT_TO_POINTER (state) };
  g_assert_true (tongban_device_wait_until (NULL, 5000, state_is, args));
}

static gboolean
paper_is (gpointer data)
{
  gpointer *args = data;
  return (int) tongban_device_get_supply (args[0], "paper") == GPOINTER_TO_INT (args[1]);
}

static void
wait_paper (Fixture *fx, TongbanSupply supply)
{
  gpointer args[2] = { fx->printer, GINT_TO_POINTER (supply) };
  g_assert_true (tongban_device_wait_until (NULL, 5000, paper_is, args));
}

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  fx->thresholds = g_ptr_array_new_with_free_func (g_free);
  fx->sim = tongban_sim_printer_new_tcp (0, &error);
  g_assert_no_error (error);
  tongban_sim_start (fx->sim);
  fx->printer = tongban_receipt_printer_new ("receipt", tongban_sim_get_link (fx->sim));
  g_signal_connect (fx->printer, "event", G_CALLBACK (on_event), fx);
  tongban_device_start (TONGBAN_DEVICE (fx->printer));
  wait_state (fx, TONGBAN_DEVICE_STATE_ONLINE);
  wait_paper (fx, TONGBAN_SUPPLY_FULL);
}

static gboolean
nothing_pending (gpointer data)
{
  return !g_main_context_pending (NULL);
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  tongban_device_stop (TONGBAN_DEVICE (fx->printer));
  tongban_device_wait_until (NULL, 500, nothing_pending, NULL);
  g_assert_finalize_object (fx->printer);
  tongban_sim_free (fx->sim);
  g_clear_error (&fx->error);
  g_ptr_array_unref (fx->thresholds);
}

static void
on_printed (GObject *source, GAsyncResult *result, gpointer data)
{
  Fixture *fx = data;

  g_clear_error (&fx->error);
  fx->ok = tongban_receipt_printer_print_finish (TONGBAN_RECEIPT_PRINTER (source), result,
                                                 &fx->error);
  fx->done++;
}

static gboolean
printed (gpointer data)
{
  gpointer *args = data;
  return ((Fixture *) args[0])->done >= GPOINTER_TO_UINT (args[1]);
}

static void
print (Fixture *fx, GBytes *job)
{
  gpointer args[2] = { fx, GUINT_TO_POINTER (fx->done + 1) };

  tongban_receipt_printer_print_async (fx->printer, job, 5000, NULL, on_printed, fx);
  g_assert_true (tongban_device_wait_until (NULL, 10000, printed, args));
}

static GBytes *
receipt (guint lines)
{
  g_autoptr(TongbanEscpos) p = tongban_escpos_new ();

  tongban_escpos_align (p, TONGBAN_ESCPOS_ALIGN_CENTER);
  tongban_escpos_bold (p, TRUE);
  tongban_escpos_size (p, 2, 2);
  g_assert_true (tongban_escpos_text (p, "湾区通办 回执\n", NULL));
  tongban_escpos_size (p, 1, 1);
  tongban_escpos_bold (p, FALSE);
  tongban_escpos_align (p, TONGBAN_ESCPOS_ALIGN_LEFT);
  for (guint i = 0; i < lines; i++)
    {
      g_autofree char *line = g_strdup_printf ("第%u行：社保缴费记录查询\n", i + 1);
      g_assert_true (tongban_escpos_text (p, line, NULL));
    }
  g_assert_true (tongban_escpos_qr (p, (const guint8 *) "https://gba.example/r/42", 24, 6, NULL));
  tongban_escpos_feed (p, 2);
  tongban_escpos_cut (p, TRUE);
  return tongban_escpos_steal (p);
}

static void
test_print (Fixture *fx, gconstpointer data)
{
  g_autoptr(GBytes) job = receipt (3);
  g_autofree char *text = NULL;
  g_autofree char *qr = NULL;

  print (fx, job);
  g_assert_no_error (fx->error);
  g_assert_true (fx->ok);
  text = tongban_sim_printer_dup_text (fx->sim);
  g_assert_cmpstr (text, ==, "湾区通办 回执\n第1行：社保缴费记录查询\n第2行：社保缴费记录查询\n"
                             "第3行：社保缴费记录查询\n");
  qr = tongban_sim_printer_dup_qr (fx->sim, 0);
  g_assert_cmpstr (qr, ==, "https://gba.example/r/42");
  g_assert_cmpuint (tongban_sim_printer_get_cuts (fx->sim), ==, 1);
  g_assert_cmpuint (tongban_sim_printer_get_invalid_bytes (fx->sim), ==, 0);
}

static void
test_paper_out_mid_job (Fixture *fx, gconstpointer data)
{
  g_autoptr(GBytes) job = receipt (40);

  tongban_sim_inject (fx->sim, "paper low");
  wait_paper (fx, TONGBAN_SUPPLY_LOW);

  tongban_sim_inject (fx->sim, "paper out after 5");
  print (fx, job);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_COMMAND_ERROR);
  g_assert_false (fx->ok);
  g_assert_cmpint (tongban_device_get_supply (TONGBAN_DEVICE (fx->printer), "paper"), ==,
                   TONGBAN_SUPPLY_OUT);
  g_assert_cmpuint (tongban_sim_printer_get_lines (fx->sim), ==, 5);
  g_assert_cmpuint (tongban_sim_printer_get_cuts (fx->sim), ==, 0);

  /* Refused at once while out. */
  print (fx, job);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_COMMAND_ERROR);

  tongban_sim_inject (fx->sim, "paper loaded");
  wait_paper (fx, TONGBAN_SUPPLY_FULL);
  print (fx, job);
  g_assert_no_error (fx->error);
  g_assert_cmpuint (tongban_sim_printer_get_cuts (fx->sim), ==, 1);
  g_assert_cmpuint (tongban_sim_printer_get_lines (fx->sim), ==, 5 + 41);

  tongban_device_wait_until (NULL, 200, nothing_pending, NULL);
  g_assert_cmpuint (fx->thresholds->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (fx->thresholds, 0), ==, "low");
  g_assert_cmpstr (g_ptr_array_index (fx->thresholds, 1), ==, "out");
  g_assert_cmpstr (g_ptr_array_index (fx->thresholds, 2), ==, "full");
}

static void
test_cover_and_cutter (Fixture *fx, gconstpointer data)
{
  g_autoptr(GBytes) job = receipt (1);

  tongban_sim_inject (fx->sim, "cover open");
  wait_state (fx, TONGBAN_DEVICE_STATE_USER_ERROR);
  print (fx, job);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_USER_ERROR);
  tongban_sim_inject (fx->sim, "cover closed");
  wait_state (fx, TONGBAN_DEVICE_STATE_ONLINE);
  tongban_sim_inject (fx->sim, "cutter error");
  wait_state (fx, TONGBAN_DEVICE_STATE_HARDWARE_ERROR);
  tongban_sim_inject (fx->sim, "cutter ok");
  wait_state (fx, TONGBAN_DEVICE_STATE_ONLINE);
  print (fx, job);
  g_assert_no_error (fx->error);
}

static void
test_bad_status_and_unplug (Fixture *fx, gconstpointer data)
{
  g_autoptr(GBytes) job = receipt (1);

  g_assert_true (tongban_sim_inject_wait (fx->sim, "bad status", 5000));
  print (fx, job);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA);
  print (fx, job);
  g_assert_no_error (fx->error);

  tongban_sim_inject (fx->sim, "unplug");
  wait_state (fx, TONGBAN_DEVICE_STATE_NO_DEVICE);
  print (fx, job);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY);
  tongban_sim_inject (fx->sim, "replug");
  wait_state (fx, TONGBAN_DEVICE_STATE_ONLINE);
  print (fx, job);
  g_assert_no_error (fx->error);
}

static const char slip[] =
  "{\"reference\": \"MO-DSI-20261127-0042\", \"lines\": ["
  " {\"key\": {\"zh_CN\": \"预约事项\", \"zh_HK\": \"預約事項\", \"en\": \"Appointment\"},"
  "  \"value\": {\"zh_CN\": \"补领身份证\", \"zh_HK\": \"補領身份證\", \"en\": \"Replacement ID card\"}},"
  " {\"key\": {\"zh_HK\": \"時間\", \"en\": \"Time\"}, \"value\": \"2026-12-03 10:30\"}]}";

static GBytes *
build_slip (const char *json, const char *title, TongbanLanguage language, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GDateTime) now = g_date_time_new_local (2026, 11, 27, 15, 4, 0);

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return tongban_receipt_build (json_node_get_object (json_parser_get_root (parser)), title,
                                language, now, error);
}

/* The slip as the simulated printer printed it: text back in UTF-8, the
 * reference in the QR code, one cut. */
static void
print_slip (Fixture         *fx,
            const char      *title,
            TongbanLanguage  language,
            const char      *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) job = build_slip (slip, title, language, &error);
  g_autofree char *text = NULL;
  g_autofree char *qr = NULL;

  g_assert_no_error (error);
  print (fx, job);
  g_assert_no_error (fx->error);
  text = tongban_sim_printer_dup_text (fx->sim);
  g_assert_cmpstr (text, ==, expected);
  qr = tongban_sim_printer_dup_qr (fx->sim, 0);
  g_assert_cmpstr (qr, ==, "MO-DSI-20261127-0042");
  g_assert_cmpuint (tongban_sim_printer_get_cuts (fx->sim), ==, 1);
  g_assert_cmpuint (tongban_sim_printer_get_invalid_bytes (fx->sim), ==, 0);
}

/* Traditional Chinese goes through GB 18030 and comes back the same. */
static void
test_slip_zh_hk (Fixture *fx, gconstpointer data)
{
  print_slip (fx, "預約取號", TONGBAN_LANGUAGE_ZH_HK,
              "預約取號\n"
              "您的參考編號：MO-DSI-20261127-0042\n"
              "預約事項：補領身份證\n"
              "時間：2026-12-03 10:30\n"
              "列印時間：2026-11-27 15:04\n");
  /* Built and printed in memory: no file under the fresh home. */
  g_assert_cmpuint (private_home_count_files (private_root), ==, 0);
}

static void
test_slip_en (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bad = NULL;

  print_slip (fx, "Appointment", TONGBAN_LANGUAGE_EN,
              "Appointment\n"
              "Your reference number: MO-DSI-20261127-0042\n"
              "Appointment: Replacement ID card\n"
              "Time: 2026-12-03 10:30\n"
              "Printed: 2026-11-27 15:04\n");

  /* A receipt without its reference, or with a line that is not text, is refused. */
  bad = build_slip ("{\"lines\": []}", "Appointment", TONGBAN_LANGUAGE_EN, &error);
  g_assert_null (bad);
  g_assert_error (error, TONGBAN_DOCUMENT_ERROR, TONGBAN_DOCUMENT_ERROR_MISSING_FIELD);
  g_clear_error (&error);
  bad = build_slip ("{\"reference\": \"R1\", \"lines\": [{\"key\": \"A\", \"value\": 3}]}",
                    "Appointment", TONGBAN_LANGUAGE_EN, &error);
  g_assert_null (bad);
  g_assert_error (error, TONGBAN_DOCUMENT_ERROR, TONGBAN_DOCUMENT_ERROR_MISSING_FIELD);
}

int
main (int argc, char *argv[])
{
  int status;

  private_root = private_home_new ("tongban-receipt-XXXXXX");
  g_test_init (&argc, &argv, NULL);
  tongban_i18n_init (g_getenv ("TONGBAN_LOCALEDIR"));

  g_test_add ("/drivers/receipt/print", Fixture, NULL, fixture_setup, test_print,
              fixture_teardown);
  g_test_add ("/drivers/receipt/paper-out-mid-job", Fixture, NULL, fixture_setup,
              test_paper_out_mid_job, fixture_teardown);
  g_test_add ("/drivers/receipt/cover-and-cutter", Fixture, NULL, fixture_setup,
              test_cover_and_cutter, fixture_teardown);
  g_test_add ("/drivers/receipt/bad-status-and-unplug", Fixture, NULL, fixture_setup,
              test_bad_status_and_unplug, fixture_teardown);
  g_test_add ("/drivers/receipt/slip-zh-hk", Fixture, NULL, fixture_setup, test_slip_zh_hk,
              fixture_teardown);
  g_test_add ("/drivers/receipt/slip-en", Fixture, NULL, fixture_setup, test_slip_en,
              fixture_teardown);

  status = g_test_run ();
  private_home_free (private_root);
  return status;
}
