/* test-laser.c: the laser printer driver against CUPS's ippeveprinter (a real IPP printer)
 *
 * The printer, with its private bus and avahi-daemon, is set up by
 * ipp-peer.h; its job command prints into a folder, or fails the job as out
 * of paper when the test asks. Needs root for avahi-daemon; skipped, with the
 * reason, otherwise. A certificate from the document renderer is printed
 * too, read back by poppler.
 */

#include "ipp-peer.h"
#include "tongban-document.h"
#include "tongban-laser-printer.h"

#include <poppler.h>

/* A one-page PDF. */
static const char pdf[] =
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
  "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
  "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
  "trailer<</Root 1 0 R>>\n%%EOF\n";

typedef struct
{
  guint    done;
  gboolean ok;
  GError  *error;
} Result;

static gboolean
online (gpointer data)
{
  return tongban_device_get_state (data) == TONGBAN_DEVICE_STATE_ONLINE;
}

static gboolean
paper_is (gpointer data)
{
  gpointer *args = data;
  return (int) tongban_device_get_supply (args[0], "paper") == GPOINTER_TO_INT (args[1]);
}

static gboolean
nothing_pending (gpointer data)
{
  return !g_main_context_pending (NULL);
}

static void
on_printed (GObject *source, GAsyncResult *result, gpointer data)
{
  Result *r = data;

  g_clear_error (&r->error);
  r->ok = tongban_laser_printer_print_finish (TONGBAN_LASER_PRINTER (source), result, &r->error);
  r->done++;
}

static gboolean
printed (gpointer data)
{
  gpointer *args = data;
  return ((Result *) args[0])->done >= GPOINTER_TO_UINT (args[1]);
}

static void
print_bytes (TongbanLaserPrinter *printer, GBytes *doc, Result *r)
{
  gpointer args[2] = { r, GUINT_TO_POINTER (r->done + 1) };

  tongban_laser_printer_print_async (printer, doc, "receipt", 20000, NULL, on_printed, r);
  g_assert_true (tongban_device_wait_until (NULL, 30000, printed, args));
}

static void
print (TongbanLaserPrinter *printer, Result *r)
{
  g_autoptr(GBytes) doc = g_bytes_new_static (pdf, sizeof pdf - 1);

  print_bytes (printer, doc, r);
}

/* ippeveprinter and the driver pointed at it. */
typedef struct
{
  IppPeer              p;
  TongbanLaserPrinter *printer;
} Peer;

static gboolean
peer_start (Peer *peer)
{
  if (!ipp_peer_start (&peer->p))
    return FALSE;
  peer->printer = g_object_new (TONGBAN_TYPE_LASER_PRINTER, "name", "laser", "uri", peer->p.uri,
                                "poll-interval", 100, NULL);
  tongban_device_start (TONGBAN_DEVICE (peer->printer));
  g_assert_true (tongban_device_wait_until (NULL, 20000, online, peer->printer));
  return TRUE;
}

static void
peer_stop (Peer *peer)
{
  ipp_peer_kill_printer (&peer->p);
  tongban_device_stop (TONGBAN_DEVICE (peer->printer));
  tongban_device_wait_until (NULL, 300, nothing_pending, NULL);
  g_assert_finalize_object (peer->printer);
  ipp_peer_stop (&peer->p);
}

static void
test_ipp (void)
{
  Peer peer = { 0 };
  Result r = { 0 };
  gpointer paper_out[2] = { NULL, GINT_TO_POINTER (TONGBAN_SUPPLY_OUT) };
  gpointer paper_full[2] = { NULL, GINT_TO_POINTER (TONGBAN_SUPPLY_FULL) };
  TongbanLaserPrinter *printer;

  if (!peer_start (&peer))
    return;
  printer = peer.printer;
  paper_out[0] = paper_full[0] = printer;

  print (printer, &r);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_true (g_file_test (peer.p.output, G_FILE_TEST_EXISTS));
  g_unlink (peer.p.output);

  /* Out of paper: the job is aborted, the supply says so. */
  g_file_set_contents (peer.p.no_paper, "", 0, NULL);
  print (printer, &r);
  g_assert_error (r.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_COMMAND_ERROR);
  g_assert_true (tongban_device_wait_until (NULL, 5000, paper_is, paper_out));
  g_assert_false (g_file_test (peer.p.output, G_FILE_TEST_EXISTS));

  /* Power off: the printer goes away, commands fail at once. */
  ipp_peer_kill_printer (&peer.p);
  print (printer, &r);
  g_assert_error (r.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY);

  /* Paper loaded, power on: the driver finds it again by itself. */
  g_unlink (peer.p.no_paper);
  ipp_peer_spawn_printer (&peer.p);
  g_assert_true (tongban_device_wait_until (NULL, 20000, paper_is, paper_full));
  g_assert_true (tongban_device_wait_until (NULL, 20000, online, printer));
  print (printer, &r);
  g_assert_no_error (r.error);
  g_assert_true (g_file_test (peer.p.output, G_FILE_TEST_EXISTS));

  g_clear_error (&r.error);
  peer_stop (&peer);
}


static const char certificate[] =
  "{\"template\": \"hpf-certificate\", \"number\": \"GZHPF-20261127-000042\","
  " \"verify_url\": \"http://127.0.0.1:8650/verify/GZHPF-20261127-000042\","
  " \"issued\": \"2026-11-27\", \"fields\": {"
  "  \"holder\": {\"name\": {\"zh_CN\": \"陈大文\", \"zh_HK\": \"陳大文\", \"en\": \"CHAN Tai Man\"},"
  "             \"id_number\": \"440106199001011234\"},"
  "  \"rows\": [{\"label\": {\"zh_HK\": \"繳存狀態\", \"en\": \"Status\"},"
  "             \"value\": {\"zh_HK\": \"正常繳存\", \"en\": \"Paying\"}}],"
  "  \"statement\": {\"zh_HK\": \"茲證明上述人士的住房公積金繳存紀錄如上。\","
  "                \"en\": \"The deposits of the person above are as shown.\"}}}";

/* A certificate from the renderer reaches the printer whole; out of paper
 * the job fails and the same bytes print again once paper is loaded. */
static void
test_certificate (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(TongbanDocument) document = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *printed_pdf = NULL;
  gsize printed_length = 0;
  Peer peer = { 0 };
  Result r = { 0 };
  gpointer paper_full[2] = { NULL, GINT_TO_POINTER (TONGBAN_SUPPLY_FULL) };

  g_assert_true (json_parser_load_from_data (parser, certificate, -1, NULL));
  document = tongban_document_new (json_node_get_object (json_parser_get_root (parser)),
                                   TONGBAN_LANGUAGE_ZH_HK, &error);
  g_assert_no_error (error);
  bytes = tongban_document_render_pdf (document, &error);
  g_assert_no_error (error);
  if (!peer_start (&peer))
    return;
  paper_full[0] = peer.printer;

  /* Out of paper first: nothing comes out, the bytes are still there. */
  g_file_set_contents (peer.p.no_paper, "", 0, NULL);
  print_bytes (peer.printer, bytes, &r);
  g_assert_error (r.error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_COMMAND_ERROR);
  g_assert_false (g_file_test (peer.p.output, G_FILE_TEST_EXISTS));

  /* Paper loaded (ippeveprinter keeps media-empty until it restarts, as in
   * test_ipp): the reprint is the same document. */
  g_unlink (peer.p.no_paper);
  ipp_peer_kill_printer (&peer.p);
  ipp_peer_spawn_printer (&peer.p);
  g_assert_true (tongban_device_wait_until (NULL, 20000, paper_is, paper_full));
  g_assert_true (tongban_device_wait_until (NULL, 20000, online, peer.printer));
  print_bytes (peer.printer, bytes, &r);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_true (g_file_get_contents (peer.p.output, &printed_pdf, &printed_length, NULL));
  g_assert_cmpmem (printed_pdf, printed_length, g_bytes_get_data (bytes, NULL),
                   g_bytes_get_size (bytes));
  {
    g_autoptr(GBytes) got = g_bytes_new_take (g_steal_pointer (&printed_pdf), printed_length);
    PopplerDocument *doc = poppler_document_new_from_bytes (got, NULL, &error);
    PopplerPage *page;
    g_autofree char *text = NULL;

    g_assert_no_error (error);
    page = poppler_document_get_page (doc, 0);
    text = poppler_page_get_text (page);
    g_assert_nonnull (strstr (text, "住房公積金繳存證明"));
    g_assert_nonnull (strstr (text, "GZHPF-20261127-000042"));
    g_assert_nonnull (strstr (text, "陳大文"));
    g_object_unref (page);
    g_object_unref (doc);
  }
  g_clear_error (&r.error);
  peer_stop (&peer);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tongban_i18n_init (g_getenv ("TONGBAN_LOCALEDIR"));

  g_test_add_func ("/drivers/laser/ipp", test_ipp);
  g_test_add_func ("/drivers/laser/certificate", test_certificate);

  return g_test_run ();
}
