/* test-services.c: every service of the catalogue, end to end
 *
 * tongban-sandbox stands in for every government system (REST, and SOAP with
 * WS-Security for the Hong Kong tax and company systems); tongban-manager
 * (SQLite, or PostgreSQL through pg-wrap.sh) has its gateway pointed at it; the
 * kiosk's manager link registers, is approved and logs in; then each of the 30
 * services runs through the kiosk's flow engine with TongbanGatewayBackend, the
 * way a citizen would: identity proved with a seeded citizen's card or permit,
 * choices and forms answered, fees paid on the phone page, submissions sent.
 * Checked on the way: each step's back-end answer arrives, a certificate renders
 * to a PDF whose text holds its number and whose QR code holds the address the
 * sandbox verifies it at, a receipt prints on the simulated receipt printer (the
 * real driver, the printer's bytes read back) with its reference in text and QR, a
 * submission gives a reference, and the sandbox's call log shows each write
 * exactly once.
 */

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "client-link.h"
#include "tongban-document.h"
#include "tongban-flow.h"
#include "tongban-gateway-backend.h"
#include "tongban-i18n.h"
#include "tongban-receipt-printer.h"
#include "tongban-sim-printer.h"
#include "flow-walk.h"
#include "pdf-check.h"

#define PW "Tongban#2026ok"
#define MASTER "00112233445566778899aabbccddeeff"
#define NUMBER "GZ-TH-0902"

static TmTestServer *server;
static TongbanManagerClient *client;
static TongbanCatalog *catalog;
static guint sb_port;
static GPid sb_pid;
static char *state_dir;
static TongbanSim *printer_sim;            /* the receipt printer, as its bytes arrive */
static TongbanReceiptPrinter *printer;
static guint slips;
static GHashTable *submitted;              /* operation → how many submissions the flows made */

typedef struct {
  gboolean    done;
  gboolean    ok;
  JsonObject *answer;
  GError     *error;
} Result;

static void
wait_done (Result *r)
{
  gint64 until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!r->done && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (r->done);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Result *r = data;

  r->ok = tongban_flow_load_finish (TONGBAN_FLOW (source), result, &r->error);
  r->done = TRUE;
}

static void
on_called (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Result *r = data;

  r->answer = tongban_flow_call_finish (TONGBAN_FLOW (source), result, &r->error);
  r->done = TRUE;
}

static JsonObject *
flow_call (TongbanFlow *flow,
           const char  *operation,
           JsonObject  *params)
{
  Result r = { 0 };

  tongban_flow_call_async (flow, operation, params, NULL, on_called, &r);
  wait_done (&r);
  if (r.error)
    g_error ("%s: %s: %s", tongban_flow_get_service (flow)->id, operation, r.error->message);
  return r.answer;
}

/* The sandbox, over plain HTTP as a phone or a test would reach it. */
static char *
sandbox_http (const char *method,
              const char *path,
              const char *form)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", sb_port, path);
  g_autoptr(GSubprocess) curl = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  if (form)
    curl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "curl", "-sS", "-X", method,
                             "--data", form, url, NULL);
  else
    curl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "curl", "-sS", "-X", method,
                             url, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (curl, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  return out;
}

/* A fee paid as a citizen would: the QR code's phone page, then the kiosk asks. */
static void
pay_on_phone (TongbanFlow *flow)
{
  const TongbanStep *step = tongban_flow_get_step (flow);
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(JsonObject) query = json_object_new ();
  g_autoptr(GUri) uri = NULL;
  g_autofree char *page = NULL;
  const char *id;

  json_object_set_string_member (params, "service", tongban_flow_get_service (flow)->id);
  json_object_set_string_member (params, "amount", step->pay_fee->amount);
  json_object_set_string_member (params, "currency", step->pay_fee->currency);
  json_object_set_string_member (params, "item", tongban_flow_get_pay_item (flow));
  order = flow_call (flow, "pay.order", params);
  id = json_object_get_string_member (order, "order");
  json_object_set_string_member (query, "order", id);
  status = flow_call (flow, "pay.qr-status", query);
  g_assert_cmpstr (json_object_get_string_member (status, "status"), ==, "waiting");
  g_clear_pointer (&status, json_object_unref);
  uri = g_uri_parse (json_object_get_string_member (order, "qr_url"), G_URI_FLAGS_NONE, NULL);
  g_assert_nonnull (uri);
  page = sandbox_http ("POST", g_uri_get_path (uri), "pay=1");
  status = flow_call (flow, "pay.qr-status", query);
  g_assert_cmpstr (json_object_get_string_member (status, "status"), ==, "paid");
  g_assert_true (tongban_flow_set_paid (flow, id, "qr", NULL));
}

/* A valid answer for each kind of field, for the seeded citizen; company names as
 * the Companies Registry takes them. */
static const char *
good_value (const TongbanField *f)
{
  static const char * const named[][2] = {
    { "name_en", "BAY AREA KIOSK DEMONSTRATION LIMITED" },
    { "new_en", "GREATER BAY KIOSK TRADING LIMITED" },
    { "current", "GREATER BAY TRADING LIMITED" },
    { "name_zh", "灣區自助示範有限公司" },
    { "new_zh", "灣區自助貿易有限公司" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (named); i++)
    if (g_strcmp0 (f->id, named[i][0]) == 0)
      return named[i][1];
  switch (f->type)
    {
    case TONGBAN_FIELD_CN_ID: return "440106199001011235";
    case TONGBAN_FIELD_HKID: return "C668242(A)";
    case TONGBAN_FIELD_MO_ID: return "1234567(8)";
    case TONGBAN_FIELD_HK_BRN: return "71234560";   /* GREATER BAY TRADING, its director */
    case TONGBAN_FIELD_PHONE:
      return g_strcmp0 (f->region, "hk") == 0 ? "91234567" :
             g_strcmp0 (f->region, "mo") == 0 ? "66123456" : "13800138000";
    case TONGBAN_FIELD_EMAIL: return "citizen@example.com";
    case TONGBAN_FIELD_DATE: return "2026-03-31";
    case TONGBAN_FIELD_AMOUNT: return "1200.50";
    case TONGBAN_FIELD_NUMBER: return "3";
    case TONGBAN_FIELD_CHOICE: return ((TongbanOption *) g_ptr_array_index (f->options, 0))->value;
    default: return "天河区体育西路 88 号";
    }
}

/* Who proves their identity, by the services' region: a mainland card, or a
 * Hong Kong or Macao resident's exit-entry permit, as seeded in the sandbox. */
static void
prove_identity (TongbanFlow *flow)
{
  const TongbanStep *step = tongban_flow_get_step (flow);
  const TongbanService *service = tongban_flow_get_service (flow);
  static const char * const card[] = { "method", "id-card", "id_number", "440106199001011235",
                                       "name", "演示样卡", "birth", "1990-01-01",
                                       "expiry", "2040-01-01", NULL };
  static const char * const hk[] = { "method", "permit", "document_number", "H60123456",
                                     "name", "陳大文", "birth", "1985-06-12",
                                     "expiry", "2028-06-30", NULL };
  static const char * const mo[] = { "method", "permit", "document_number", "M10234567",
                                     "name", "陳大文", "birth", "1990-01-01",
                                     "expiry", "2029-01-31", NULL };
  const char * const *answers = g_str_has_prefix (service->id, "F-HK") ? hk
                                : g_str_has_prefix (service->id, "F-MO") ? mo : card;

  for (guint i = 0; answers[i]; i += 2)
    tongban_flow_set_answer (flow, step->id, answers[i], answers[i + 1]);
}

/* A certificate's PDF read back: its number in the text, its QR the sandbox's
 * verification address, and the sandbox confirms it issued it. */
static void
check_document (const char *service_id,
                JsonObject *answer)
{
  JsonObject *doc = json_object_get_object_member (answer, "document");
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanDocument) document = tongban_document_new (doc, tongban_i18n_get_language (),
                                                              &error);
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) read = NULL;
  g_autoptr(PopplerPage) page = NULL;
  g_autofree char *text = NULL;
  g_autofree char *qr = NULL;
  g_autofree char *verified = NULL;
  g_autofree char *path = NULL;
  const char *number = json_object_get_string_member (doc, "number");

  if (document == NULL)
    g_error ("%s: its certificate does not render: %s", service_id, error->message);
  pdf = tongban_document_render_pdf (document, &error);
  g_assert_no_error (error);
  read = open_pdf (pdf);
  text = page_text (read, 0);
  if (strstr (text, number) == NULL)
    g_error ("%s: the certificate's text lacks its number %s", service_id, number);
  page = poppler_document_get_page (read, 0);
  qr = decode_qr (page);
  g_assert_cmpstr (qr, ==, json_object_get_string_member (doc, "verify_url"));
  path = g_strdup_printf ("/verify/%s.json", number);
  verified = sandbox_http ("GET", path, NULL);
  g_assert_nonnull (strstr (verified, "\"issued\": true") ? verified
                    : strstr (verified, "\"issued\":true"));
  tongban_document_wipe (document);
}

static void
on_printed (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Result *r = data;

  r->ok = tongban_receipt_printer_print_finish (TONGBAN_RECEIPT_PRINTER (source), result,
                                                &r->error);
  r->done = TRUE;
}

/* A receipt or slip printed on the (simulated) receipt printer and read back from
 * the bytes it received: the reference in the text and in the slip's QR code. */
static void
check_receipt (const char *service_id,
               JsonObject *answer)
{
  JsonObject *receipt = json_object_get_object_member (answer, "receipt");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GBytes) bytes = tongban_receipt_build (receipt, service_id,
                                                   tongban_i18n_get_language (), now, &error);
  const char *reference = json_object_get_string_member (receipt, "reference");
  g_autofree char *text = NULL;
  g_autofree char *qr = NULL;
  Result r = { 0 };

  if (bytes == NULL)
    g_error ("%s: its receipt does not build: %s", service_id, error->message);
  tongban_receipt_printer_print_async (printer, bytes, 10000, NULL, on_printed, &r);
  wait_done (&r);
  if (!r.ok)
    g_error ("%s: its receipt did not print: %s", service_id, r.error->message);
  text = tongban_sim_printer_dup_text (printer_sim);
  g_assert_nonnull (strstr (text, reference));
  qr = tongban_sim_printer_dup_qr (printer_sim, slips++);
  g_assert_cmpstr (qr, ==, reference);
  g_assert_cmpuint (tongban_sim_printer_get_invalid_bytes (printer_sim), ==, 0);
}

static gboolean
printer_online (gpointer data)
{
  return tongban_device_get_state (data) == TONGBAN_DEVICE_STATE_ONLINE;
}

typedef struct {
  guint previews;
  guint documents;
  guint receipts;
  guint writes;
} Seen;

static void
complete_step (TongbanFlow *flow,
               Seen        *seen)
{
  const TongbanStep *step = tongban_flow_get_step (flow);
  const TongbanService *service = tongban_flow_get_service (flow);

  switch (step->type)
    {
    case TONGBAN_STEP_AUTH:
      prove_identity (flow);
      break;
    case TONGBAN_STEP_FORM:
      flow_walk_fill_form (flow, good_value);
      break;
    case TONGBAN_STEP_PAY:
      pay_on_phone (flow);
      break;
    case TONGBAN_STEP_RATING:
      tongban_flow_set_answer (flow, step->id, "stars", "5");
      break;
    case TONGBAN_STEP_PREVIEW:
      seen->previews++;
      break;
    default:
      break;
    }

  if (tongban_flow_step_needs_data (flow))
    {
      Result r = { 0 };
      JsonObject *answer;

      tongban_flow_load_async (flow, NULL, on_loaded, &r);
      wait_done (&r);
      if (!r.ok)
        g_error ("%s: step %s (%s): %s", service->id, step->id,
                 step->operation ? step->operation : "identity",
                 r.error ? r.error->message : "no answer");
      answer = tongban_flow_get_data (flow, step->id);
      g_assert_nonnull (answer);
      if (step->type == TONGBAN_STEP_AUTH)
        g_assert_true (json_object_get_boolean_member (answer, "verified"));
      if (json_object_has_member (answer, "document"))
        {
          check_document (service->id, answer);
          seen->documents++;
        }
      if (json_object_has_member (answer, "receipt"))
        {
          check_receipt (service->id, answer);
          seen->receipts++;
        }
      if (step->type == TONGBAN_STEP_SUBMIT)
        {
          guint n = GPOINTER_TO_UINT (g_hash_table_lookup (submitted, step->operation));

          g_hash_table_insert (submitted, (gpointer) step->operation, GUINT_TO_POINTER (n + 1));
          seen->writes++;
        }
    }

  flow_walk_choose_first (flow);
  flow_walk_next (flow);
}

static void
run_service (gconstpointer data)
{
  const TongbanService *service = data;
  g_autoptr(TongbanSession) session = tongban_session_new (600000, 30000);
  g_autoptr(TongbanGatewayBackend) backend = NULL;
  g_autoptr(TongbanFlow) flow = NULL;
  gboolean acted = FALSE;
  Seen seen = { 0 };
  guint guard = 0;

  tongban_session_begin (session);
  backend = tongban_gateway_backend_new (client, session);
  flow = tongban_flow_new (service, session, TONGBAN_BACKEND (backend));
  while (tongban_flow_get_state (flow) == TONGBAN_FLOW_RUNNING)
    {
      TongbanStepType type = tongban_flow_get_step (flow)->type;

      acted |= type == TONGBAN_STEP_SUBMIT || type == TONGBAN_STEP_PRINT;
      if (type == TONGBAN_STEP_RESULT && acted)
        g_assert_nonnull (tongban_flow_get_reference (flow));
      complete_step (flow, &seen);
      g_assert_cmpuint (++guard, <, 50);
    }
  g_assert_cmpint (tongban_flow_get_state (flow), ==, TONGBAN_FLOW_FINISHED);
  /* Every certificate shown before printing is one the PDF check read back. */
  g_assert_cmpuint (seen.documents, >=, seen.previews);
  tongban_session_end (session, TONGBAN_SESSION_END_FINISHED);
}

/* Each write reached its system exactly once (no double submission). */
static void
test_writes_once (void)
{
  g_autofree char *log = sandbox_http ("GET", "/_control/log", NULL);
  g_autoptr(JsonNode) root = json_from_string (log, NULL);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer op, n;
  JsonArray *calls;

  g_assert_nonnull (root);
  calls = JSON_NODE_HOLDS_ARRAY (root) ? json_node_get_array (root)
          : json_object_get_array_member (json_node_get_object (root), "calls");
  g_assert_nonnull (calls);
  for (guint i = 0; i < json_array_get_length (calls); i++)
    {
      JsonObject *c = json_array_get_object_element (calls, i);
      const char *id = json_object_get_string_member_with_default (c, "request_id", "");
      const char *operation = json_object_get_string_member_with_default (c, "operation", "");

      /* No call reached a system twice... */
      g_assert_false (g_hash_table_contains (ids, id));
      g_hash_table_add (ids, (gpointer) id);
      if (g_strcmp0 (json_object_get_string_member_with_default (c, "outcome", ""), "ok") == 0)
        g_hash_table_insert (done, (gpointer) operation, GUINT_TO_POINTER (
                               GPOINTER_TO_UINT (g_hash_table_lookup (done, operation)) + 1));
    }
  /* ...and each submission the flows made was taken exactly once. */
  g_assert_cmpuint (g_hash_table_size (submitted), >=, 8);
  g_hash_table_iter_init (&iter, submitted);
  while (g_hash_table_iter_next (&iter, &op, &n))
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (done, op)), ==, GPOINTER_TO_UINT (n));
  /* Receipts and slips came out of the printer (submissions, bookings, filings). */
  g_test_message ("%u operations submitted to, %u receipts and slips printed", g_hash_table_size (submitted),
                  slips);
  g_assert_cmpuint (slips, >=, 10);
}

static void
put_backend (const char *admin,
             const char *id,
             const char *transport)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/backends/%s", id);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  g_autofree char *url = NULL;
  g_autoptr(TmTestResponse) r = NULL;
  const char *src = g_getenv ("TONGBAN_SOURCE_ROOT");

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "transport");
  json_builder_add_string_value (b, transport);
  json_builder_set_member_name (b, "base_url");
  url = g_str_equal (transport, "rest")
        ? g_strdup_printf ("http://127.0.0.1:%u/%s", sb_port, id)
        : g_strdup_printf ("http://127.0.0.1:%u/soap/%s", sb_port, id);
  json_builder_add_string_value (b, url);
  json_builder_set_member_name (b, "timeout_ms");
  json_builder_add_int_value (b, 8000);
  json_builder_set_member_name (b, "credential");
  if (g_str_equal (transport, "rest"))
    json_builder_add_string_value (b, "sandbox");
  else
    {
      g_autofree char *key = g_build_filename (src, "data", "demo", "soap", "manager-key.pem",
                                               NULL);
      g_autofree char *peer = g_build_filename (src, "data", "demo", "soap", "sandbox-pub.pem",
                                                NULL);
      g_autofree char *key_pem = NULL, *peer_pem = NULL;

      g_assert_true (g_file_get_contents (key, &key_pem, NULL, NULL));
      g_assert_true (g_file_get_contents (peer, &peer_pem, NULL, NULL));
      json_builder_add_string_value (b, key_pem);
      json_builder_set_member_name (b, "peer_key");
      json_builder_add_string_value (b, peer_pem);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = json_to_string (root, FALSE);
  r = tm_test_console (server->port, admin, "PUT", path, body);
  g_assert_cmpint (r->code, ==, 0);
}

static void
start_platform (void)
{
  const char *sandbox = g_getenv ("TONGBAN_SANDBOX");
  const char *src = g_getenv ("TONGBAN_SOURCE_ROOT");
  const char *sb_argv[] = { sandbox, "--port", "0", "--control", NULL };
  static const char * const systems[][2] = {
    { "identity", "rest" }, { "payment", "rest" }, { "gd-gsda", "rest" }, { "gd-hrss", "rest" },
    { "gd-hpf", "rest" }, { "gd-rer", "rest" }, { "gd-water", "rest" }, { "gd-cable", "rest" },
    { "gd-gas", "rest" }, { "hk-ird", "soap11" }, { "hk-cr", "soap12" }, { "hk-immd", "rest" },
    { "mo-dsi", "rest" }, { "mo-dsaj", "rest" },
  };
  g_autofree char *uri = tm_test_db_uri ();
  g_autofree char *admin = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *own_key = g_build_filename (src, "data", "demo", "soap", "sandbox-key.pem",
                                               NULL);
  g_autofree char *client_key = g_build_filename (src, "data", "demo", "soap",
                                                  "manager-pub.pem", NULL);

  g_setenv ("TONGBAN_SANDBOX_SOAP_KEY", own_key, TRUE);
  g_setenv ("TONGBAN_SANDBOX_SOAP_CLIENT_KEYS", client_key, TRUE);
  sb_pid = tm_test_spawn_listening (sb_argv, -1, &sb_port);
  g_setenv ("TONGBAN_MASTER_KEY", MASTER, TRUE);
  server = tm_test_server_start_on (uri, NULL);
  tm_test_create_account (server, "admin", "sysadmin", "440000", PW);
  admin = tm_test_login (server->port, "admin", PW);
  for (guint i = 0; i < G_N_ELEMENTS (systems); i++)
    put_backend (admin, systems[i][0], systems[i][1]);

  printer_sim = tongban_sim_printer_new_tcp (0, &error);
  g_assert_no_error (error);
  tongban_sim_start (printer_sim);
  printer = tongban_receipt_printer_new ("receipt", tongban_sim_get_link (printer_sim));
  tongban_device_start (TONGBAN_DEVICE (printer));
  g_assert_true (tongban_device_wait_until (NULL, 10000, printer_online, printer));

  state_dir = g_dir_make_tmp ("tongban-e2e-XXXXXX", NULL);
  client = client_link_start (server->port, admin, NUMBER, "440106", state_dir);
}

static void
stop_platform (void)
{
  g_autoptr(GDir) d = g_dir_open (state_dir, 0, NULL);
  const char *name;
  int status = 0;

  tongban_manager_client_stop (client);
  g_clear_object (&client);
  tongban_device_stop (TONGBAN_DEVICE (printer));
  g_clear_object (&printer);
  tongban_sim_free (printer_sim);
  tm_test_server_stop (server);
  kill (sb_pid, SIGTERM);
  g_assert_cmpint (waitpid (sb_pid, &status, 0), ==, sb_pid);
  g_spawn_close_pid (sb_pid);
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (state_dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (state_dir);
  g_free (state_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  GPtrArray *services;
  int status;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("TONGBAN_SANDBOX") == NULL)
    {
      g_test_skip ("tongban-sandbox is not built");
      return g_test_run ();
    }
  tongban_i18n_set_language (TONGBAN_LANGUAGE_ZH_HK);
  {
    g_autofree char *dir = g_build_filename (g_getenv ("TONGBAN_SOURCE_ROOT"), "data",
                                             "catalog", NULL);

    catalog = tongban_catalog_new_from_dir (dir, &error);
    g_assert_no_error (error);
  }
  services = tongban_catalog_get_services (catalog);
  g_assert_cmpuint (services->len, ==, 30);
  submitted = g_hash_table_new (g_str_hash, g_str_equal);
  start_platform ();
  for (guint i = 0; i < services->len; i++)
    {
      const TongbanService *service = g_ptr_array_index (services, i);
      g_autofree char *name = g_strdup_printf ("/e2e/service/%s", service->id);

      g_test_add_data_func (name, service, run_service);
    }
  g_test_add_func ("/e2e/service/writes-once", test_writes_once);
  status = g_test_run ();
  stop_platform ();
  g_hash_table_unref (submitted);
  tongban_catalog_free (catalog);
  return status;
}
