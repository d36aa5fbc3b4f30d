/* test-flow.c: every service of the catalogue run through the engine */

#include <string.h>
#include "tongban-backend.h"
#include "tongban-flow.h"
#include "tongban-i18n.h"
#include "flow-walk.h"

static TongbanCatalog *catalog;
static GBytes *backend_json;

static TongbanFileBackend *
new_backend (void)
{
  g_autoptr(GError) error = NULL;
  TongbanFileBackend *backend = tongban_file_backend_new_from_bytes (backend_json, &error);

  g_assert_no_error (error);
  return backend;
}

typedef struct {
  GMainLoop *loop;
  gboolean   ok;
  GError    *error;
} Wait;

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Wait *w = data;

  w->ok = tongban_flow_load_finish (TONGBAN_FLOW (source), result, &w->error);
  g_main_loop_quit (w->loop);
}

static gboolean
load_step (TongbanFlow *flow,
           GError     **error)
{
  Wait w = { g_main_loop_new (NULL, FALSE), FALSE, NULL };

  tongban_flow_load_async (flow, NULL, on_loaded, &w);
  g_main_loop_run (w.loop);
  g_main_loop_unref (w.loop);
  if (w.error)
    g_propagate_error (error, w.error);
  return w.ok;
}

/* A valid answer for each kind of field. */
static const char *
good_value (const TongbanField *f)
{
  switch (f->type)
    {
    case TONGBAN_FIELD_CN_ID: return "11010519491231002X";
    case TONGBAN_FIELD_HKID: return "A123456(3)";
    case TONGBAN_FIELD_MO_ID: return "1234567(8)";
    case TONGBAN_FIELD_HK_BRN: return "12345678";
    case TONGBAN_FIELD_PHONE:
      return g_strcmp0 (f->region, "hk") == 0 ? "91234567" :
             g_strcmp0 (f->region, "mo") == 0 ? "66123456" : "13800138000";
    case TONGBAN_FIELD_EMAIL: return "chan.taiman@example.com";
    case TONGBAN_FIELD_DATE: return "2026-03-31";
    case TONGBAN_FIELD_AMOUNT: return "1,200.50";
    case TONGBAN_FIELD_NUMBER: return "3";
    case TONGBAN_FIELD_CHOICE: return ((TongbanOption *) g_ptr_array_index (f->options, 0))->value;
    default: return "天河区体育西路 88 号";
    }
}

static void
on_called (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  JsonObject **answer = data;

  *answer = tongban_flow_call_finish (TONGBAN_FLOW (source), result, NULL);
}

/* One of a step's own calls, waited for. */
static JsonObject *
call (TongbanFlow *flow,
      const char  *operation,
      JsonObject  *params)
{
  JsonObject *answer = NULL;
  GMainContext *context = g_main_context_default ();

  tongban_flow_call_async (flow, operation, params, NULL, on_called, &answer);
  while (answer == NULL)
    g_main_context_iteration (context, TRUE);
  return answer;
}

/* Pays the current step's fee by QR as the pay step does: an order for the
 * step's fee, then its status until paid. Returns the order. */
static char *
pay_by_qr (TongbanFlow *flow)
{
  const TongbanStep *step = tongban_flow_get_step (flow);
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(JsonObject) query = json_object_new ();

  json_object_set_string_member (params, "service", tongban_flow_get_service (flow)->id);
  json_object_set_string_member (params, "amount", step->pay_fee->amount);
  json_object_set_string_member (params, "currency", step->pay_fee->currency);
  json_object_set_string_member (params, "item", tongban_flow_get_pay_item (flow));
  order = call (flow, "pay.order", params);
  g_assert_cmpstr (json_object_get_string_member (order, "amount"), ==, step->pay_fee->amount);
  g_assert_cmpstr (json_object_get_string_member (order, "currency"), ==,
                   step->pay_fee->currency);
  json_object_set_string_member (query, "order", json_object_get_string_member (order, "order"));
  status = call (flow, "pay.qr-status", query);
  g_assert_cmpstr (json_object_get_string_member (status, "status"), ==, "paid");
  g_assert_true (tongban_flow_set_paid (flow, json_object_get_string_member (order, "order"),
                                        "qr", NULL));
  return g_strdup (json_object_get_string_member (order, "order"));
}

/* Answers the current step the way a citizen would and moves on. */
static void
complete_step (TongbanFlow *flow)
{
  const TongbanStep *step = tongban_flow_get_step (flow);
  const TongbanService *service = tongban_flow_get_service (flow);
  g_autoptr(GError) error = NULL;

  switch (step->type)
    {
    case TONGBAN_STEP_AUTH:
      tongban_flow_set_answer (flow, step->id, "method", service->auth[0]);
      break;
    case TONGBAN_STEP_FORM:
      flow_walk_fill_form (flow, good_value);
      break;
    case TONGBAN_STEP_RATING:
      tongban_flow_set_answer (flow, step->id, "stars", "5");
      break;
    case TONGBAN_STEP_PAY:
      g_free (pay_by_qr (flow));
      break;
    default:
      break;
    }

  if (tongban_flow_step_needs_data (flow))
    {
      g_assert_true (load_step (flow, &error));
      g_assert_no_error (error);
    }

  flow_walk_choose_first (flow);
  flow_walk_next (flow);
}

static void
run_to_end (const TongbanService *service,
            TongbanSession       *session)
{
  g_autoptr(TongbanFileBackend) backend = new_backend ();
  g_autoptr(TongbanFlow) flow = tongban_flow_new (service, session,
                                                  TONGBAN_BACKEND (backend));
  gboolean acted = FALSE;
  guint guard = 0;

  while (tongban_flow_get_state (flow) == TONGBAN_FLOW_RUNNING)
    {
      TongbanStepType type = tongban_flow_get_step (flow)->type;

      acted |= type == TONGBAN_STEP_SUBMIT || type == TONGBAN_STEP_PRINT;
      if (type == TONGBAN_STEP_RESULT && acted)
        g_assert_nonnull (tongban_flow_get_reference (flow));
      complete_step (flow);
      g_assert_cmpuint (++guard, <, 50);
    }
  g_assert_cmpint (tongban_flow_get_state (flow), ==, TONGBAN_FLOW_FINISHED);
  g_assert_cmpstr (tongban_flow_get_answer (flow, "rating", "stars"), ==, "5");
}

static void
test_every_service (void)
{
  GPtrArray *services = tongban_catalog_get_services (catalog);
  TongbanLanguage langs[] = { TONGBAN_LANGUAGE_ZH_CN, TONGBAN_LANGUAGE_ZH_HK,
                              TONGBAN_LANGUAGE_EN };

  g_assert_cmpuint (services->len, ==, 30);
  g_assert_cmpuint (tongban_catalog_get_problems (catalog)->len, ==, 0);
  for (guint l = 0; l < G_N_ELEMENTS (langs); l++)
    {
      tongban_i18n_set_language (langs[l]);
      for (guint i = 0; i < services->len; i++)
        {
          g_autoptr(TongbanSession) session = tongban_session_new (60000, 30000);

          tongban_session_begin (session);
          run_to_end (g_ptr_array_index (services, i), session);
          tongban_session_end (session, TONGBAN_SESSION_END_FINISHED);
        }
    }
}

static TongbanFlow *
start (const char         *service_id,
       TongbanSession     *session,
       TongbanFileBackend *backend)
{
  const TongbanService *service = tongban_catalog_lookup_service (catalog, service_id);

  g_assert_nonnull (service);
  tongban_session_begin (session);
  return tongban_flow_new (service, session, TONGBAN_BACKEND (backend));
}

static void
test_back_change_cancel (void)
{
  g_autoptr(TongbanSession) session = tongban_session_new (60000, 30000);
  g_autoptr(TongbanFileBackend) backend = new_backend ();
  g_autoptr(TongbanFlow) flow = start ("F-HK-01", session, backend);
  g_autoptr(GPtrArray) rows = NULL;
  GArray *errors = NULL;

  complete_step (flow);                                   /* auth */
  g_assert_cmpstr (tongban_flow_get_step (flow)->id, ==, "taxpayer");
  tongban_flow_set_answer (flow, "taxpayer", "hkid", "A123456(4)");   /* wrong check digit */
  tongban_flow_set_answer (flow, "taxpayer", "name", "CHAN Tai Man");
  g_assert_false (tongban_flow_next (flow, &errors));
  g_assert_nonnull (errors);
  /* hkid is wrong; phone and address are missing; e-mail is optional. */
  g_assert_cmpuint (errors->len, ==, 3);
  g_assert_cmpstr (g_array_index (errors, TongbanFieldError, 0).field_id, ==, "hkid");
  g_assert_cmpstr (g_array_index (errors, TongbanFieldError, 0).message, ==,
                   "This Hong Kong identity card number is not right. Check it against your card.");
  g_array_unref (errors);
  /* The value stays as typed, so the citizen can correct it. */
  g_assert_cmpstr (tongban_flow_get_answer (flow, "taxpayer", "hkid"), ==, "A123456(4)");

  complete_step (flow);                                   /* taxpayer, corrected */
  g_assert_cmpstr (tongban_flow_get_answer (flow, "taxpayer", "hkid"), ==, "A123456(3)");
  complete_step (flow);                                   /* income */
  g_assert_cmpstr (tongban_flow_get_answer (flow, "income", "salary"), ==, "1200.50");

  /* Back restores the earlier answers. */
  g_assert_true (tongban_flow_back (flow));
  g_assert_cmpstr (tongban_flow_get_step (flow)->id, ==, "income");
  g_assert_cmpstr (tongban_flow_get_answer (flow, "income", "employer"), ==,
                   "天河区体育西路 88 号");
  complete_step (flow);                                   /* income again */
  complete_step (flow);                                   /* deductions */
  complete_step (flow);                                   /* documents */
  g_assert_cmpint (tongban_flow_get_step (flow)->type, ==, TONGBAN_STEP_REVIEW);

  rows = tongban_flow_review_rows (flow);
  g_assert_cmpuint (rows->len, ==, 5 + 4 + 2);

  /* Change from the review goes to the step and comes back to the review. */
  g_assert_true (tongban_flow_change (flow, "taxpayer"));
  g_assert_true (tongban_flow_get_changing (flow));
  g_assert_cmpstr (tongban_flow_get_step (flow)->id, ==, "taxpayer");
  tongban_flow_set_answer (flow, "taxpayer", "phone", "6123 4567");
  g_assert_true (tongban_flow_next (flow, NULL));
  g_assert_cmpint (tongban_flow_get_step (flow)->type, ==, TONGBAN_STEP_REVIEW);
  g_assert_cmpstr (tongban_flow_get_answer (flow, "taxpayer", "phone"), ==, "61234567");

  /* Cancel forgets every answer. */
  tongban_flow_cancel (flow);
  g_assert_cmpint (tongban_flow_get_state (flow), ==, TONGBAN_FLOW_CANCELLED);
  g_assert_null (tongban_flow_get_answer (flow, "taxpayer", "hkid"));
  g_assert_cmpuint (tongban_session_get_n_values (session), ==, 0);
}

static void
test_submit_is_final (void)
{
  g_autoptr(TongbanSession) session = tongban_session_new (60000, 30000);
  g_autoptr(TongbanFileBackend) backend = new_backend ();
  g_autoptr(TongbanFlow) flow = start ("F-MO-01", session, backend);
  JsonObject *sent;

  while (tongban_flow_get_step (flow)->type != TONGBAN_STEP_RESULT)
    complete_step (flow);
  g_assert_cmpuint (tongban_file_backend_get_calls (backend, "dsi.renew"), ==, 1);
  sent = tongban_file_backend_get_last_params (backend, "dsi.renew");
  /* Flat, as the gateway names parameters; who the citizen is goes with the
   * manager's citizen session, never in the parameters. */
  g_assert_cmpstr (json_object_get_string_member (sent, "moid"), ==, "1234567(8)");
  g_assert_false (json_object_has_member (sent, "auth"));
  g_assert_false (json_object_has_member (sent, "method"));
  g_assert_true (g_str_has_prefix (tongban_flow_get_reference (flow), "MO-01-"));
  /* No way back into a submitted transaction. */
  g_assert_false (tongban_flow_back (flow));
}

static void
test_pay_is_final (void)
{
  g_autoptr(TongbanSession) session = tongban_session_new (60000, 30000);
  g_autoptr(TongbanFileBackend) backend = new_backend ();
  g_autoptr(TongbanFlow) flow = start ("F-HK-04", session, backend);
  g_autofree char *order = NULL;
  const TongbanFee *fee = NULL;
  const char *paid = NULL, *auth_code = NULL;
  JsonObject *sent;
  GArray *errors = NULL;

  while (tongban_flow_get_step (flow)->type != TONGBAN_STEP_PAY)
    complete_step (flow);
  g_assert_cmpstr (tongban_flow_get_step (flow)->pay_fee->amount, ==, "295.00");
  g_assert_false (tongban_flow_get_payment (flow, NULL, NULL, NULL));

  /* Unpaid, there is no way on, but the way back to the check is open. */
  g_assert_false (tongban_flow_next (flow, &errors));
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_cmpstr (g_array_index (errors, TongbanFieldError, 0).message, ==,
                   "Pay the fee first.");
  g_clear_pointer (&errors, g_array_unref);
  g_assert_true (tongban_flow_can_go_back (flow));
  g_assert_true (tongban_flow_back (flow));
  g_assert_cmpint (tongban_flow_get_step (flow)->type, ==, TONGBAN_STEP_REVIEW);
  g_assert_true (tongban_flow_next (flow, NULL));
  g_assert_cmpint (tongban_flow_get_step (flow)->type, ==, TONGBAN_STEP_PAY);

  /* Only a way the step offers counts as paid. */
  g_assert_false (tongban_flow_set_paid (flow, "PO-1", "cash", NULL));
  g_assert_null (tongban_flow_get_answer (flow, "pay", TONGBAN_FLOW_PAYMENT_ORDER));

  order = pay_by_qr (flow);
  g_assert_cmpstr (tongban_flow_get_answer (flow, "pay", TONGBAN_FLOW_PAYMENT_ORDER), ==, order);
  /* Paid once: no second payment, no way back to the answers paid for. */
  g_assert_false (tongban_flow_set_paid (flow, "PO-2", "qr", NULL));
  g_assert_false (tongban_flow_can_go_back (flow));
  g_assert_false (tongban_flow_back (flow));
  g_assert_true (tongban_flow_get_payment (flow, &fee, &paid, &auth_code));
  g_assert_cmpstr (paid, ==, order);
  g_assert_cmpstr (fee->currency, ==, "HKD");
  g_assert_null (auth_code);

  /* The application sent after it carries the order. */
  g_assert_true (tongban_flow_next (flow, NULL));
  g_assert_cmpint (tongban_flow_get_step (flow)->type, ==, TONGBAN_STEP_SUBMIT);
  g_assert_false (tongban_flow_back (flow));
  complete_step (flow);
  sent = tongban_file_backend_get_last_params (backend, "cr.change-name");
  g_assert_nonnull (sent);
  g_assert_cmpstr (json_object_get_string_member (sent, "order"), ==, order);
  g_assert_cmpint (tongban_flow_get_step (flow)->type, ==, TONGBAN_STEP_RESULT);
  g_assert_true (tongban_flow_get_payment (flow, NULL, NULL, NULL));

  /* Leaving forgets the payment with every other answer. */
  tongban_flow_cancel (flow);
  g_assert_cmpint (tongban_flow_get_state (flow), ==, TONGBAN_FLOW_CANCELLED);
  g_assert_false (tongban_flow_get_payment (flow, NULL, NULL, NULL));
  g_assert_cmpuint (tongban_session_get_n_values (session), ==, 0);
}

static void
test_branches (void)
{
  g_autoptr(TongbanSession) session = tongban_session_new (60000, 30000);
  g_autoptr(TongbanFileBackend) backend = new_backend ();
  g_autoptr(TongbanFlow) flow = start ("F-GD-18", session, backend);

  complete_step (flow);                               /* auth */
  tongban_flow_set_answer (flow, "action", NULL, "statement");
  g_assert_true (tongban_flow_next (flow, NULL));
  g_assert_cmpstr (tongban_flow_get_step (flow)->id, ==, "preview");
  g_assert_true (tongban_flow_back (flow));
  tongban_flow_set_answer (flow, "action", NULL, "bills");
  g_assert_true (tongban_flow_next (flow, NULL));
  g_assert_cmpstr (tongban_flow_get_step (flow)->id, ==, "bills");
  complete_step (flow);
  g_assert_cmpstr (tongban_flow_get_step (flow)->id, ==, "rating");
}

static void
test_backend_failure (void)
{
  g_autoptr(TongbanSession) session = tongban_session_new (60000, 30000);
  g_autoptr(TongbanFileBackend) backend = new_backend ();
  g_autoptr(TongbanFlow) flow = start ("F-GD-09", session, backend);
  g_autoptr(GError) error = NULL;
  GArray *errors = NULL;

  complete_step (flow);
  tongban_file_backend_set_failure (backend, "si.info", TONGBAN_BACKEND_ERROR_UNAVAILABLE);
  g_assert_false (load_step (flow, &error));
  g_assert_error (error, TONGBAN_BACKEND_ERROR, TONGBAN_BACKEND_ERROR_UNAVAILABLE);
  g_assert_false (tongban_flow_next (flow, &errors));
  g_assert_cmpuint (errors->len, ==, 1);
  g_array_unref (errors);
  /* When the system is back, the same step works. */
  tongban_file_backend_set_failure (backend, "si.info", -1);
  g_clear_error (&error);
  g_assert_true (load_step (flow, &error));
  g_assert_true (tongban_flow_next (flow, NULL));
}

static void
test_hidden_service (void)
{
  g_autofree char *cpath = g_test_build_filename (G_TEST_DIST, "..", "..", "data", "catalog",
                                                  "categories.json", NULL);
  g_autofree char *cdata = NULL;
  gsize clen;
  const char *services =
    "{\"departments\": [{\"id\": \"d\", \"region\": \"gd\", \"title\": \"D\"}], \"services\": ["
    "{\"id\": \"S-1\", \"category\": \"gd-basic\", \"department\": \"d\", \"title\": \"T\","
    " \"summary\": \"S\", \"applicant\": \"person\", \"auth\": [], \"devices\": [],"
    " \"flow\": [{\"id\": \"r\", \"type\": \"rating\"}]},"
    "{\"id\": \"S-2\", \"category\": \"gd-basic\", \"department\": \"d\", \"title\": \"T\","
    " \"summary\": \"S\", \"applicant\": \"person\", \"auth\": [], \"devices\": [],"
    " \"flow\": [{\"id\": \"f\", \"type\": \"form\", \"title\": \"F\", \"fields\":"
    " [{\"id\": \"x\", \"type\": \"colour\", \"label\": \"X\"}]},"
    " {\"id\": \"r\", \"type\": \"rating\"}]}]}";
  g_autoptr(GBytes) cbytes = NULL;
  g_autoptr(GBytes) sbytes = g_bytes_new_static (services, strlen (services));
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanCatalog) broken = NULL;

  g_assert_true (g_file_get_contents (cpath, &cdata, &clen, NULL));
  cbytes = g_bytes_new_take (g_steal_pointer (&cdata), clen);
  broken = tongban_catalog_new_from_data (cbytes, sbytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tongban_catalog_lookup_service (broken, "S-1"));
  g_assert_null (tongban_catalog_lookup_service (broken, "S-2"));
  g_assert_cmpuint (tongban_catalog_get_problems (broken)->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (tongban_catalog_get_problems (broken), 0), ==,
                   "services.json: services \"S-2\": field \"x\": unknown type \"colour\"");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *demo = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  g_test_init (&argc, &argv, NULL);
  tongban_i18n_init (g_getenv ("TONGBAN_LOCALEDIR"));
  dir = g_test_build_filename (G_TEST_DIST, "..", "..", "data", "catalog", NULL);
  catalog = tongban_catalog_new_from_dir (dir, &error);
  g_assert_no_error (error);
  demo = g_test_build_filename (G_TEST_DIST, "..", "..", "data", "demo", "backend.json", NULL);
  g_assert_true (g_file_get_contents (demo, &contents, &len, NULL));
  backend_json = g_bytes_new_take (g_steal_pointer (&contents), len);

  g_test_add_func ("/kiosk/flow/every-service", test_every_service);
  g_test_add_func ("/kiosk/flow/back-change-cancel", test_back_change_cancel);
  g_test_add_func ("/kiosk/flow/submit-is-final", test_submit_is_final);
  g_test_add_func ("/kiosk/flow/pay-is-final", test_pay_is_final);
  g_test_add_func ("/kiosk/flow/branches", test_branches);
  g_test_add_func ("/kiosk/flow/backend-failure", test_backend_failure);
  g_test_add_func ("/kiosk/flow/hidden-service", test_hidden_service);
  {
    int status = g_test_run ();

    tongban_catalog_free (catalog);
    g_bytes_unref (backend_json);
    return status;
  }
}
