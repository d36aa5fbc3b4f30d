/* test-sandbox.c: tongban-sandbox, the real binary on a free port, over HTTP (libcurl)
 *
 * Every operation answers a seeded citizen with the keys the kiosk's flows show; refusals
 * carry the documented reason ids; a repeated request_id is answered, not run, again;
 * bad tokens, bodies and faults get the documented status without a crash.
 */

#include <string.h>
#include <unistd.h>

#include "sb-test.h"
#include "sb-sandbox.h"
#include "sb-ops.h"
#include "tongban-validate.h"

#include <gdk-pixbuf/gdk-pixbuf.h>

#define DEMO_ID   "440106199001011235"
#define DEMO_NAME "演示样卡"

typedef SbTestSandbox Sandbox;
typedef SbTestReply Reply;

static Sandbox *the_sandbox;

static Sandbox *
sandbox_start_with (gboolean            control,
                    const char * const *extra)
{
  return sb_test_start (control, extra);
}

static Sandbox *
sandbox_start (const char * const *extra)
{
  return sb_test_start (TRUE, extra);
}

static void
sandbox_stop (Sandbox *s)
{
  sb_test_stop (s);
}

static void
reply_free (Reply *r)
{
  sb_test_reply_free (r);
}

static Reply *
http (const char         *method,
      const char         *path,
      const char * const *headers,
      const char         *body,
      gssize              body_len)
{
  return sb_test_http (NULL, the_sandbox->port, method, path, headers, body, body_len);
}

static guint request_serial;

/* POST /{system}/ops/{operation} as the manager's REST adapter sends it. */
static Reply *
call_as (const char *system,
         const char *operation,
         const char *request_id,
         const char *id_number,
         const char *name,
         const char *params_json)
{
  g_autofree char *path = g_strdup_printf ("/%s/ops/%s", system, operation);
  g_autofree char *rid = request_id ? g_strdup (request_id)
                                    : g_strdup_printf ("test-%u-%u", getpid (), ++request_serial);
  g_autofree char *citizen = id_number
    ? g_strdup_printf ("{\"id_type\": \"resident-id\", \"id_number\": \"%s\", \"name\": \"%s\"}",
                       id_number, name)
    : g_strdup ("null");
  g_autofree char *body = g_strdup_printf ("{\"request_id\": \"%s\", \"terminal\": \"T-TEST\", "
                                           "\"service\": \"F-TEST\", \"citizen\": %s, "
                                           "\"params\": %s}",
                                           rid, citizen, params_json ? params_json : "{}");
  const char *headers[] = { "Authorization: Bearer sandbox", "Content-Type: application/json",
                            NULL };

  return http ("POST", path, headers, body, -1);
}

static Reply *
call (const char *system,
      const char *operation,
      const char *params_json)
{
  return call_as (system, operation, NULL, DEMO_ID, DEMO_NAME, params_json);
}

static JsonObject *
data_of (Reply *r)
{
  g_assert_false (r->failed);
  if (r->status != 200)
    g_test_message ("answer %ld: %.*s", r->status, (int) r->body->len, r->body->data);
  g_assert_cmpint (r->status, ==, 200);
  g_assert_nonnull (r->root);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (r->root), "ok"));
  return json_object_get_object_member (json_node_get_object (r->root), "data");
}

static void
assert_refused (Reply      *r,
                long        status,
                const char *reason)
{
  JsonObject *o;

  g_assert_false (r->failed);
  g_assert_cmpint (r->status, ==, status);
  g_assert_nonnull (r->root);
  o = json_node_get_object (r->root);
  g_assert_false (json_object_get_boolean_member (o, "ok"));
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, reason);
}


#define HK_PERMIT "H60123456"
#define HK_NAME   "陳大文"
#define HK_ID     "C668242(A)"
#define MO_PERMIT "M10234567"
#define MO_NAME   "陳大文"
#define MO_ID     "1234567(8)"

static JsonObject *
object_of (Reply *r)
{
  g_assert_nonnull (r->root);
  return json_node_get_object (r->root);
}

static Reply *
call_hk (const char *system,
         const char *operation,
         const char *params_json)
{
  return call_as (system, operation, NULL, HK_PERMIT, HK_NAME, params_json);
}

static Reply *
call_mo (const char *system,
         const char *operation,
         const char *params_json)
{
  return call_as (system, operation, NULL, MO_PERMIT, MO_NAME, params_json);
}

/* Parameters (as the kiosk sends them, by step) for each operation of the catalog,
 * and the citizen who can use it. */
typedef struct {
  const char *operation;
  const char *system;
  char        who;      /* 'g' demo card holder, 'h' Hong Kong, 'm' Macao */
  const char *params;
} OpCase;

static const OpCase op_cases[] = {
  { "gd.items", "gd-gsda", 'g', NULL },
  { "gd.apply", "gd-gsda", 'g', "{\"item\": {\"choice\": \"GD-0207\"}, \"details\": "
    "{\"phone\": \"13800138000\", \"address\": \"天河区演示路 1 号\", \"note\": \"\"}}" },
  { "gd.receipt", "gd-gsda", 'g', NULL },
  { "gd.applications", "gd-gsda", 'g', NULL },
  { "gd.progress", "gd-gsda", 'g', "{\"application\": {\"choice\": \"A20261103-0040\"}}" },
  { "gd.halls", "gd-gsda", 'g', NULL },
  { "gd.slots", "gd-gsda", 'g', "{\"hall\": {\"choice\": \"TH\"}}" },
  { "gd.book", "gd-gsda", 'g', NULL },   /* slot filled in from gd.slots */
  { "gd.slip", "gd-gsda", 'g', NULL },
  { "si.certificate", "gd-hrss", 'g', "{\"purpose\": {\"choice\": \"job\"}}" },
  { "si.rights", "gd-hrss", 'g', NULL },
  { "si.info", "gd-hrss", 'g', NULL },
  { "si.print", "gd-hrss", 'g', NULL },
  { "hpf.account", "gd-hpf", 'g', NULL },
  { "hpf.deposits", "gd-hpf", 'g', "{\"year\": {\"choice\": \"this\"}}" },
  { "hpf.certificate", "gd-hpf", 'g', NULL },
  { "hpf.print", "gd-hpf", 'g', NULL },
  { "hpf.withdrawals", "gd-hpf", 'g', NULL },
  { "hpf.withdrawal", "gd-hpf", 'g', "{\"withdrawal\": {\"choice\": \"W-2026-0300\"}}" },
  { "hpf.loan", "gd-hpf", 'g', NULL },
  { "hpf.repayments", "gd-hpf", 'g', "{\"year\": {\"choice\": \"this\"}}" },
  { "re.records", "gd-rer", 'g', NULL },
  { "re.record", "gd-rer", 'g', "{\"record\": {\"choice\": \"R-440106-0001\"}}" },
  { "re.certificate", "gd-rer", 'g', "{\"kind\": {\"choice\": \"owned\"}}" },
  { "re.print", "gd-rer", 'g', "{\"kind\": {\"choice\": \"owned\"}}" },
  { "water.bills", "gd-water", 'g', NULL },
  { "water.request", "gd-water", 'g', "{\"request\": {\"kind\": \"meter\", \"date\": "
    "\"2026-12-03\", \"phone\": \"13800138000\"}}" },
  { "water.statement", "gd-water", 'g', NULL },
  { "water.print", "gd-water", 'g', NULL },
  { "cable.account", "gd-cable", 'g', NULL },
  { "cable.request", "gd-cable", 'g', "{\"request\": {\"kind\": \"repair\", \"phone\": "
    "\"13800138000\"}}" },
  { "gas.bills", "gd-gas", 'g', NULL },
  { "gas.request", "gd-gas", 'g', "{\"request\": {\"kind\": \"safety\", \"date\": "
    "\"2026-12-04\", \"phone\": \"13800138000\"}}" },
  { "ird.bir60", "hk-ird", 'h', "{\"taxpayer\": {\"hkid\": \"" HK_ID "\", \"name\": "
    "\"CHAN Tai Man\", \"phone\": \"91234567\", \"email\": \"chan@example.hk\", \"address\": "
    "\"Flat A, 1 Demo Road\"}, \"income\": {\"employer\": \"GREATER BAY TRADING LIMITED\", "
    "\"salary\": \"420000\", \"from\": \"2025-04-01\", \"to\": \"2026-03-31\"}, "
    "\"deductions\": {\"mpf\": \"18000\", \"donations\": \"0\"}}" },
  { "ird.bir56", "hk-ird", 'h', "{\"employer\": {\"brn\": \"71234560\", \"file\": "
    "\"60-30000000\", \"company\": \"GREATER BAY TRADING LIMITED\"}, \"employee\": "
    "{\"hkid\": \"A123456(3)\", \"name\": \"LEE Ka Yan\", \"from\": \"2025-04-01\", "
    "\"to\": \"2026-03-31\", \"income\": \"360000\"}}" },
  { "cr.incorporate", "hk-cr", 'h', "{\"company\": {\"name_en\": \"DEMO HARBOUR LIMITED\", "
    "\"name_zh\": \"演示海港有限公司\", \"office\": \"1 Demo Road, Central\", \"capital\": "
    "\"10000\"}, \"director\": {\"hkid\": \"" HK_ID "\", \"name\": \"CHAN Tai Man\", "
    "\"email\": \"chan@example.hk\"}}" },
  { "cr.change-name", "hk-cr", 'h', NULL },   /* order filled in after paying */
  { "immd.enrol", "hk-immd", 'h', "{\"enrol\": {\"hkid\": \"" HK_ID "\", \"phone\": "
    "\"91234567\"}}" },
  { "dsi.renew", "mo-dsi", 'm', "{\"renewal\": {\"moid\": \"" MO_ID "\", \"phone\": "
    "\"66123456\", \"collect\": \"macao\"}}" },
  { "dsi.kinship", "mo-dsi", 'm', "{\"relative\": {\"choice\": \"child\"}}" },
  { "dsi.personal", "mo-dsi", 'm', NULL },
  { "dsi.print", "mo-dsi", 'm', NULL },
  { "dsaj.record", "mo-dsaj", 'm', "{\"purpose\": {\"choice\": \"job\"}}" },
  { "dsaj.print", "mo-dsaj", 'm', NULL },
};

static JsonObject *
catalog (void)
{
  static JsonParser *parser;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (parser == NULL)
    {
      path = g_build_filename (g_getenv ("TONGBAN_SOURCE_ROOT"), "data", "catalog",
                               "services.json", NULL);
      parser = json_parser_new ();
      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
    }
  return json_node_get_object (json_parser_get_root (parser));
}

/* The flow step of the catalog that calls an operation (the first one). */
static JsonObject *
step_of (const char  *operation,
         const char **service_id)
{
  JsonArray *services = json_object_get_array_member (catalog (), "services");

  for (guint i = 0; i < json_array_get_length (services); i++)
    {
      JsonObject *s = json_array_get_object_element (services, i);
      JsonArray *flow = json_object_get_array_member (s, "flow");

      for (guint j = 0; j < json_array_get_length (flow); j++)
        {
          JsonObject *st = json_array_get_object_element (flow, j);

          if (g_strcmp0 (json_object_get_string_member_with_default (st, "operation", NULL),
                         operation) == 0)
            {
              *service_id = json_object_get_string_member (s, "id");
              return st;
            }
        }
    }
  return NULL;
}

/* A paid order for a Companies Registry name change. */
static char *
paid_order (const char *item,
            const char *amount)
{
  g_autofree char *params = g_strdup_printf ("{\"service\": \"F-HK-04\", \"amount\": \"%s\", "
                                             "\"item\": \"%s\"}", amount, item);
  g_autoptr(SbTestReply) o = call_as ("payment", "pay.order", NULL, NULL, NULL, params);
  JsonObject *d = data_of (o);
  const char *order = json_object_get_string_member (d, "order");
  g_autofree char *pay = g_strdup_printf ("{\"order\": \"%s\", \"card\": \"622202******1234\", "
                                          "\"pin_ok\": true}", order);
  g_autoptr(SbTestReply) p = call_as ("payment", "pay.card", NULL, NULL, NULL, pay);

  g_assert_cmpstr (json_object_get_string_member (data_of (p), "status"), ==, "approved");
  g_assert_cmpstr (json_object_get_string_member (d, "currency"), ==, "HKD");
  return g_strdup (order);
}

static char *
change_name_params (const char *order,
                    const char *brn,
                    const char *current,
                    const char *new_en)
{
  return g_strdup_printf ("{\"change\": {\"brn\": \"%s\", \"current\": \"%s\", "
                          "\"new_en\": \"%s\", \"new_zh\": \"新名有限公司\", "
                          "\"resolution\": \"2026-11-20\", \"email\": "
                          "\"chan@example.hk\"%s%s%s}}", brn, current, new_en,
                          order ? ", \"order\": \"" : "", order ? order : "", order ? "\"" : "");
}

static void
test_every_operation (void)
{
  g_autoptr(GHashTable) covered = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *services = json_object_get_array_member (catalog (), "services");
  g_autofree char *slot = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (op_cases); i++)
    {
      const OpCase *c = &op_cases[i];
      const char *service_id = NULL;
      JsonObject *step = step_of (c->operation, &service_id);
      g_autofree char *params = g_strdup (c->params);
      g_autofree char *order = NULL;
      g_autoptr(SbTestReply) r = NULL;
      const char *type;
      JsonObject *d;

      g_test_message ("%s", c->operation);
      g_assert_nonnull (step);
      g_assert_cmpstr (sb_ops_system_of (c->operation), ==, c->system);
      if (strcmp (c->operation, "gd.book") == 0)
        params = g_strdup_printf ("{\"hall\": {\"choice\": \"TH\"}, \"slot\": {\"choice\": "
                                  "\"%s\"}}", slot);
      if (strcmp (c->operation, "cr.change-name") == 0)
        {
          order = paid_order ("cr.change-name", "295.00");
          params = change_name_params (order, "71234560", "GREATER BAY TRADING LIMITED",
                                       "GREATER BAY NEW TRADING LIMITED");
        }
      r = c->who == 'g' ? call (c->system, c->operation, params)
          : c->who == 'h' ? call_hk (c->system, c->operation, params)
          : call_mo (c->system, c->operation, params);
      d = data_of (r);
      type = json_object_get_string_member (step, "type");

      /* Every key the kiosk's step shows is in the answer. */
      if (json_object_has_member (step, "show"))
        {
          JsonArray *show = json_object_get_array_member (step, "show");

          for (guint k = 0; k < json_array_get_length (show); k++)
            {
              const char *key = json_object_get_string_member (
                json_array_get_object_element (show, k), "key");

              if (!json_object_has_member (d, key))
                g_error ("%s answer lacks %s", c->operation, key);
            }
        }
      if (strcmp (type, "choose") == 0)
        {
          JsonArray *options = json_object_get_array_member (d, "options");
          JsonObject *first;

          g_assert_cmpuint (json_array_get_length (options), >, 0);
          first = json_array_get_object_element (options, 0);
          g_assert_true (json_object_has_member (first, "value"));
          g_assert_true (json_object_has_member (first, "label"));
          if (strcmp (c->operation, "gd.slots") == 0)
            slot = g_strdup (json_object_get_string_member (first, "value"));
        }
      if (strcmp (type, "submit") == 0)
        {
          JsonObject *receipt = json_object_get_object_member (d, "receipt");

          g_assert_nonnull (json_object_get_string_member (d, "reference"));
          g_assert_cmpstr (json_object_get_string_member (receipt, "reference"), ==,
                           json_object_get_string_member (d, "reference"));
          g_assert_cmpuint (json_array_get_length (
                              json_object_get_array_member (receipt, "lines")), >, 0);
        }
      if (strcmp (type, "preview") == 0
          || (strcmp (type, "print") == 0 && !g_str_has_prefix (c->operation, "gd.")))
        {
          JsonObject *doc = json_object_get_object_member (d, "document");
          g_autofree char *prefix = g_strdup_printf ("http://127.0.0.1:%u/verify/",
                                                     the_sandbox->port);

          g_assert_nonnull (doc);
          g_assert_nonnull (json_object_get_string_member (doc, "template"));
          g_assert_true (g_str_has_prefix (json_object_get_string_member (doc, "verify_url"),
                                           prefix));
          g_assert_true (g_str_has_suffix (json_object_get_string_member (doc, "verify_url"),
                                           json_object_get_string_member (doc, "number")));
          g_assert_nonnull (json_object_get_object_member (doc, "fields"));
        }
      if (strcmp (type, "print") == 0 && g_str_has_prefix (c->operation, "gd."))
        g_assert_nonnull (json_object_get_object_member (d, "receipt"));
      g_hash_table_add (covered, (gpointer) c->operation);
    }

  /* Every operation the catalog calls has a case above. */
  for (guint i = 0; i < json_array_get_length (services); i++)
    {
      JsonArray *flow = json_object_get_array_member (
        json_array_get_object_element (services, i), "flow");

      for (guint j = 0; j < json_array_get_length (flow); j++)
        {
          const char *op = json_object_get_string_member_with_default (
            json_array_get_object_element (flow, j), "operation", NULL);

          if (op && !g_hash_table_contains (covered, op))
            g_error ("operation %s is not tested", op);
        }
    }
}

static void
test_reads_follow_writes (void)
{
  g_autoptr(SbTestReply) before = call ("gd-gsda", "gd.applications", NULL);
  guint n = json_array_get_length (json_object_get_array_member (data_of (before), "options"));
  g_autoptr(SbTestReply) apply = call ("gd-gsda", "gd.apply", "{\"item\": \"GD-0311\", "
                                 "\"phone\": \"13800138000\"}");
  const char *reference = json_object_get_string_member (data_of (apply), "reference");
  g_autofree char *params = g_strdup_printf ("{\"application\": \"%s\"}", reference);
  g_autoptr(SbTestReply) after = call ("gd-gsda", "gd.applications", NULL);
  g_autoptr(SbTestReply) progress = call ("gd-gsda", "gd.progress", params);
  JsonObject *p = data_of (progress);

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (data_of (after),
                                                                         "options")), ==, n + 1);
  g_assert_cmpstr (json_object_get_string_member (p, "stage"), ==, "received");
  g_assert_nonnull (strstr (json_object_get_string_member (p, "matter"), "灵活就业"));
}

static void
test_refusals (void)
{
  const char *book = "{\"hall\": \"FT\", \"slot\": \"%s\"}";
  g_autoptr(SbTestReply) slots = call ("gd-gsda", "gd.slots", "{\"hall\": \"FT\"}");
  JsonArray *options = json_object_get_array_member (data_of (slots), "options");
  const char *slot = json_object_get_string_member (json_array_get_object_element (options, 0),
                                                    "value");
  g_autofree char *params = g_strdup_printf (book, slot);
  g_autoptr(SbTestReply) first = call ("gd-gsda", "gd.book", params);
  g_autoptr(SbTestReply) again = call_as ("gd-gsda", "gd.book", NULL, "440304198803151073", "陈大文",
                                    params);
  g_autoptr(SbTestReply) slots2 = call ("gd-gsda", "gd.slots", "{\"hall\": \"FT\"}");
  g_autoptr(SbTestReply) bad_slot = call ("gd-gsda", "gd.book", "{\"hall\": \"FT\", \"slot\": "
                                    "\"1999-01-01T09:30\"}");
  /* The seventh seeded company has the Hong Kong demo citizen as director too. */
  g_autofree char *unpaid = change_name_params (NULL, "71240638",
                                                "SILVERMINE HEALTH PRODUCTS LIMITED",
                                                "SILVERMINE WELLNESS LIMITED");
  g_autoptr(SbTestReply) no_order = call_hk ("hk-cr", "cr.change-name", unpaid);
  g_autoptr(SbTestReply) no_loan = call_as ("gd-hpf", "hpf.loan", NULL, "440106199207081140",
                                      "李晓梅", NULL);
  g_autoptr(SbTestReply) none_owned = call ("gd-rer", "re.certificate", "{\"kind\": \"none\"}");
  g_autoptr(SbTestReply) wrong_hkid = call_hk ("hk-immd", "immd.enrol",
                                         "{\"hkid\": \"A123456(3)\", \"phone\": \"91234567\"}");
  g_autoptr(SbTestReply) enrol1 = call_as ("hk-immd", "immd.enrol", NULL, "H62345678", "黃志偉",
                                     "{\"hkid\": \"K553201(9)\", \"phone\": \"91234567\"}");
  g_autoptr(SbTestReply) enrol2 = call_as ("hk-immd", "immd.enrol", NULL, "H62345678", "黃志偉",
                                     "{\"hkid\": \"K553201 9\", \"phone\": \"91234567\"}");
  g_autoptr(SbTestReply) seeded = call_as ("hk-immd", "immd.enrol", NULL, "H61234567", "李嘉欣",
                                     "{\"hkid\": \"A123456(3)\", \"phone\": \"91234567\"}");
  g_autoptr(SbTestReply) not_director = call_as ("hk-ird", "ird.bir56", NULL, "H62345678", "黃志偉",
                                           op_cases[34].params);
  g_autoptr(SbTestReply) bad_field = call ("gd-water", "water.request",
                                     "{\"kind\": \"flood\", \"phone\": \"1\"}");
  g_autoptr(SbTestReply) unknown_op = call ("gd-hrss", "si.nothing", NULL);
  g_autoptr(SbTestReply) wrong_system = call ("gd-hpf", "si.info", NULL);

  data_of (first);
  assert_refused (again, 409, "slot-taken");
  /* The taken slot is no longer offered. */
  options = json_object_get_array_member (data_of (slots2), "options");
  for (guint i = 0; i < json_array_get_length (options); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (options, i),
                                                    "value"), !=, slot);
  assert_refused (bad_slot, 400, "invalid-field");
  assert_refused (no_order, 422, "not-eligible");
  assert_refused (no_loan, 404, "not-found");
  assert_refused (none_owned, 422, "not-eligible");
  assert_refused (wrong_hkid, 403, "identity-mismatch");
  data_of (enrol1);
  assert_refused (enrol2, 409, "duplicate");
  assert_refused (seeded, 409, "duplicate");
  g_assert_cmpstr (op_cases[34].operation, ==, "ird.bir56");
  assert_refused (not_director, 422, "not-eligible");
  assert_refused (bad_field, 400, "invalid-field");
  assert_refused (unknown_op, 404, "not-found");
  assert_refused (wrong_system, 404, "not-found");
}

static void
test_payment (void)
{
  g_autoptr(SbTestReply) order = call_as ("payment", "pay.order", NULL, NULL, NULL,
                                    "{\"service\": \"F-GD-02\", \"amount\": \"25.00\", "
                                    "\"item\": \"gd.apply\"}");
  JsonObject *o = data_of (order);
  const char *id = json_object_get_string_member (o, "order");
  g_autofree char *status_params = g_strdup_printf ("{\"order\": \"%s\"}", id);
  g_autofree char *declined = g_strdup_printf ("{\"order\": \"%s\", \"card\": "
                                               "\"622202******0000\", \"pin_ok\": true}", id);
  g_autofree char *bad_pin = g_strdup_printf ("{\"order\": \"%s\", \"card\": "
                                              "\"622202******1234\", \"pin_ok\": false}", id);
  g_autofree char *full_pan = g_strdup_printf ("{\"order\": \"%s\", \"card\": "
                                               "\"6222021234561234\", \"pin_ok\": true}", id);
  g_autofree char *pay_path = NULL;
  g_autoptr(SbTestReply) waiting = NULL;
  g_autoptr(SbTestReply) r1 = NULL, r2 = NULL, r3 = NULL, page = NULL, paid = NULL, status = NULL;
  g_autoptr(SbTestReply) wrong_fee = NULL;
  g_autofree char *reused = NULL;
  g_autofree char *order2 = NULL;
  g_autoptr(SbTestReply) change = NULL, change_again = NULL;

  g_assert_cmpstr (json_object_get_string_member (o, "currency"), ==, "CNY");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (o, "qr_url"), id));
  waiting = call_as ("payment", "pay.qr-status", NULL, NULL, NULL, status_params);
  g_assert_cmpstr (json_object_get_string_member (data_of (waiting), "status"), ==, "waiting");
  r1 = call_as ("payment", "pay.card", NULL, NULL, NULL, declined);
  assert_refused (r1, 402, "payment-declined");
  r2 = call_as ("payment", "pay.card", NULL, NULL, NULL, bad_pin);
  assert_refused (r2, 402, "payment-declined");
  r3 = call_as ("payment", "pay.card", NULL, NULL, NULL, full_pan);
  assert_refused (r3, 400, "invalid-field");

  /* QR pay: the phone page, then its form. */
  pay_path = g_strdup_printf ("/phone/pay/%s", id);
  page = http ("GET", pay_path, NULL, NULL, -1);
  g_assert_cmpint (page->status, ==, 200);
  g_assert_nonnull (g_strstr_len ((char *) page->body->data, page->body->len, "25.00"));
  paid = http ("POST", pay_path, NULL, "", 0);
  g_assert_cmpint (paid->status, ==, 200);
  status = call_as ("payment", "pay.qr-status", NULL, NULL, NULL, status_params);
  g_assert_cmpstr (json_object_get_string_member (data_of (status), "status"), ==, "paid");

  /* A fee the registry fixes must be paid in full. */
  wrong_fee = call_as ("payment", "pay.order", NULL, NULL, NULL,
                       "{\"service\": \"F-HK-04\", \"amount\": \"1.00\", "
                       "\"item\": \"cr.change-name\"}");
  assert_refused (wrong_fee, 400, "invalid-field");

  /* An order pays for one name change only. */
  order2 = paid_order ("cr.change-name", "295.00");
  reused = change_name_params (order2, "71240638", "SILVERMINE HEALTH PRODUCTS LIMITED",
                               "SILVERMINE WELLNESS LIMITED");
  change = call_as ("hk-cr", "cr.change-name", NULL, HK_PERMIT, HK_NAME, reused);
  data_of (change);
  g_free (reused);
  reused = change_name_params (order2, "71240638", "SILVERMINE WELLNESS LIMITED",
                               "SILVERMINE AGAIN LIMITED");
  change_again = call_as ("hk-cr", "cr.change-name", NULL, HK_PERMIT, HK_NAME, reused);
  assert_refused (change_again, 422, "not-eligible");
}

static void
test_request_id_replay (void)
{
  const char *params = "{\"item\": \"GD-0101\", \"phone\": \"13800138000\"}";
  g_autoptr(SbTestReply) before = call ("gd-gsda", "gd.applications", NULL);
  guint n = json_array_get_length (json_object_get_array_member (data_of (before), "options"));
  g_autoptr(SbTestReply) a = call_as ("gd-gsda", "gd.apply", "replay-1", DEMO_ID, DEMO_NAME, params);
  g_autoptr(SbTestReply) b = call_as ("gd-gsda", "gd.apply", "replay-1", DEMO_ID, DEMO_NAME, params);
  g_autoptr(SbTestReply) c = call_as ("gd-gsda", "gd.apply", "replay-2", DEMO_ID, DEMO_NAME, params);
  g_autoptr(SbTestReply) after = call ("gd-gsda", "gd.applications", NULL);
  g_autoptr(SbTestReply) refused1 = call_as ("gd-hrss", "si.info", "replay-3", DEMO_ID, "王五", NULL);
  g_autoptr(SbTestReply) refused2 = call_as ("gd-hrss", "si.info", "replay-3", DEMO_ID, DEMO_NAME,
                                       NULL);
  const char *header[] = { "Authorization: Bearer sandbox", "X-Request-Id: other", NULL };
  g_autoptr(SbTestReply) mismatch = http ("POST", "/gd-gsda/ops/gd.items", header,
                                    "{\"request_id\": \"replay-4\", \"citizen\": null}", -1);

  g_assert_cmpstr (json_object_get_string_member (data_of (a), "reference"), ==,
                   json_object_get_string_member (data_of (b), "reference"));
  g_assert_cmpmem (a->body->data, a->body->len, b->body->data, b->body->len);
  g_assert_cmpstr (json_object_get_string_member (data_of (a), "reference"), !=,
                   json_object_get_string_member (data_of (c), "reference"));
  /* Two submissions, not three. */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (data_of (after),
                                                                         "options")), ==, n + 2);
  /* A refusal is an answer too: the same id gets it again. */
  assert_refused (refused1, 403, "identity-mismatch");
  assert_refused (refused2, 403, "identity-mismatch");
  assert_refused (mismatch, 400, "invalid-field");
}

static void
test_bad_requests (void)
{
  const char *auth[] = { "Authorization: Bearer sandbox", NULL };
  g_autofree char *big = g_malloc (3 * 1024 * 1024 + 1);
  g_autoptr(SbTestReply) not_json = http ("POST", "/gd-hrss/ops/si.info", auth, "{\"request_id\": ",
                                    -1);
  g_autoptr(SbTestReply) array = http ("POST", "/gd-hrss/ops/si.info", auth, "[1, 2]", -1);
  g_autoptr(SbTestReply) no_id = http ("POST", "/gd-hrss/ops/si.info", auth, "{\"params\": {}}", -1);
  g_autoptr(SbTestReply) bad_params = http ("POST", "/gd-hrss/ops/si.info", auth,
                                      "{\"request_id\": \"b1\", \"params\": [1]}", -1);
  g_autoptr(SbTestReply) binary = http ("POST", "/gd-hrss/ops/si.info", auth, "\xff\xfe\x00\x01", 4);
  g_autoptr(SbTestReply) empty = http ("POST", "/gd-hrss/ops/si.info", auth, "", 0);
  g_autoptr(SbTestReply) oversize = NULL;
  g_autoptr(SbTestReply) bad_path = http ("POST", "/gd-hrss/ops/../../etc", auth, "{}", -1);
  g_autoptr(SbTestReply) get = http ("GET", "/gd-hrss/ops/si.info", auth, NULL, -1);
  g_autoptr(SbTestReply) index = http ("GET", "/", NULL, NULL, -1);
  g_autoptr(SbTestReply) no_page = http ("GET", "/nothing/here", NULL, NULL, -1);
  g_autoptr(SbTestReply) alive = NULL;

  memset (big, 'x', 3 * 1024 * 1024);
  big[3 * 1024 * 1024] = '\0';
  oversize = http ("POST", "/gd-hrss/ops/si.info", auth, big, -1);
  assert_refused (not_json, 400, "invalid-field");
  assert_refused (array, 400, "invalid-field");
  assert_refused (no_id, 400, "invalid-field");
  assert_refused (bad_params, 400, "invalid-field");
  assert_refused (binary, 400, "invalid-field");
  assert_refused (empty, 400, "invalid-field");
  g_assert_cmpint (oversize->status, ==, 413);
  g_assert_cmpint (bad_path->status, ==, 404);
  g_assert_cmpint (get->status, ==, 405);
  g_assert_cmpint (index->status, ==, 200);
  g_assert_nonnull (g_strstr_len ((char *) index->body->data, index->body->len, "/verify/"));
  g_assert_cmpint (no_page->status, ==, 404);
  alive = call ("gd-hrss", "si.info", NULL);
  data_of (alive);
}

static Reply *
control (const char *method,
         const char *path,
         const char *body)
{
  return http (method, path, NULL, body, -1);
}

/* The call log's entries for one request id. */
static GPtrArray *
log_for (const char *request_id)
{
  g_autoptr(SbTestReply) log = control ("GET", "/_control/log", NULL);
  JsonArray *calls = json_object_get_array_member (object_of (log), "calls");
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  g_assert_cmpint (log->status, ==, 200);
  for (guint i = 0; i < json_array_get_length (calls); i++)
    {
      JsonObject *c = json_array_get_object_element (calls, i);

      /* No personal data in the log. */
      g_assert_false (json_object_has_member (c, "citizen"));
      if (g_strcmp0 (json_object_get_string_member_with_default (c, "request_id", NULL),
                     request_id) == 0)
        g_ptr_array_add (out, g_strdup (json_object_get_string_member (c, "outcome")));
    }
  return out;
}

static void
test_faults (void)
{
  const char *params = "{\"item\": \"GD-0207\", \"phone\": \"13800138000\"}";
  g_autoptr(SbTestReply) before = call ("gd-gsda", "gd.applications", NULL);
  guint n = json_array_get_length (json_object_get_array_member (data_of (before), "options"));
  g_autoptr(SbTestReply) add = NULL, err = NULL, garbage = NULL, closed = NULL, retry = NULL;
  g_autoptr(SbTestReply) slow = NULL, refused = NULL, after_refuse = NULL, after = NULL;
  g_autoptr(SbTestReply) other = NULL, bad = NULL, cleared = NULL, ok = NULL;
  g_autoptr(GPtrArray) outcomes = NULL;
  const char *bad_specs[] = { "{\"system\": 5, \"kind\": \"error\"}",
                              "{\"kind\": \"latency\", \"ms\": -5}",
                              "{\"kind\": \"latency\", \"ms\": \"5\"}",
                              "{\"kind\": \"error\", \"count\": 1.5}", "[]", "not json" };
  gint64 t0;

  add = control ("POST", "/_control/faults", "{\"system\": \"gd-gsda\", \"operation\": "
                 "\"gd.apply\", \"kind\": \"error\", \"count\": 1}");
  g_assert_cmpint (add->status, ==, 200);
  err = call_as ("gd-gsda", "gd.apply", "fault-1", DEMO_ID, DEMO_NAME, params);
  g_assert_cmpint (err->status, ==, 500);
  /* Another operation is not affected. */
  other = call ("gd-hrss", "si.info", NULL);
  data_of (other);

  g_clear_pointer (&add, reply_free);
  add = control ("POST", "/_control/faults", "{\"system\": \"*\", \"operation\": \"gd.apply\", "
                 "\"kind\": \"garbage\", \"count\": 1}");
  garbage = call_as ("gd-gsda", "gd.apply", "fault-1", DEMO_ID, DEMO_NAME, params);
  g_assert_false (garbage->failed);
  g_assert_null (garbage->root);

  g_clear_pointer (&add, reply_free);
  add = control ("POST", "/_control/faults", "{\"system\": \"gd-gsda\", \"operation\": \"*\", "
                 "\"kind\": \"close\", \"count\": 1}");
  closed = call_as ("gd-gsda", "gd.apply", "fault-1", DEMO_ID, DEMO_NAME, params);
  g_assert_true (closed->failed);

  /* Nothing was submitted by the failed calls; the retry with the same id is. */
  retry = call_as ("gd-gsda", "gd.apply", "fault-1", DEMO_ID, DEMO_NAME, params);
  data_of (retry);
  after = call ("gd-gsda", "gd.applications", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (data_of (after),
                                                                         "options")), ==, n + 1);
  outcomes = log_for ("fault-1");
  g_assert_cmpuint (outcomes->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (outcomes, 0), ==, "fault:error");
  g_assert_cmpstr (g_ptr_array_index (outcomes, 1), ==, "fault:garbage");
  g_assert_cmpstr (g_ptr_array_index (outcomes, 2), ==, "fault:close");
  g_assert_cmpstr (g_ptr_array_index (outcomes, 3), ==, "ok");

  g_clear_pointer (&add, reply_free);
  add = control ("POST", "/_control/faults", "{\"system\": \"gd-hrss\", \"operation\": "
                 "\"si.info\", \"kind\": \"latency\", \"ms\": 400, \"count\": 1}");
  t0 = g_get_monotonic_time ();
  slow = call ("gd-hrss", "si.info", NULL);
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 400 * 1000);
  data_of (slow);

  g_clear_pointer (&add, reply_free);
  add = control ("POST", "/_control/faults", "{\"kind\": \"refuse\", \"count\": 1}");
  refused = call ("gd-hrss", "si.info", NULL);
  g_assert_true (refused->failed);
  after_refuse = call ("gd-hrss", "si.info", NULL);
  data_of (after_refuse);

  bad = control ("POST", "/_control/faults", "{\"kind\": \"explode\"}");
  g_assert_cmpint (bad->status, ==, 400);
  for (guint i = 0; i < G_N_ELEMENTS (bad_specs); i++)
    {
      g_autoptr(SbTestReply) b = control ("POST", "/_control/faults", bad_specs[i]);

      g_assert_cmpint (b->status, ==, 400);
    }

  /* Unlimited until cleared. */
  g_clear_pointer (&add, reply_free);
  add = control ("POST", "/_control/faults", "{\"system\": \"gd-gas\", \"operation\": "
                 "\"gas.bills\", \"kind\": \"error\"}");
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(SbTestReply) e = call ("gd-gas", "gas.bills", NULL);

      g_assert_cmpint (e->status, ==, 500);
    }
  cleared = control ("DELETE", "/_control/faults", NULL);
  g_assert_cmpint (cleared->status, ==, 200);
  ok = call ("gd-gas", "gas.bills", NULL);
  data_of (ok);
}

static void
test_control_needs_flag (void)
{
  Sandbox *saved = the_sandbox;
  const char *fault[] = { "--fault", "gd-hrss:si.info:error:0:1", NULL };
  g_autoptr(SbTestReply) r = NULL, first = NULL, second = NULL;

  the_sandbox = sandbox_start_with (FALSE, fault);
  r = control ("POST", "/_control/faults", "{\"kind\": \"error\"}");
  g_assert_cmpint (r->status, ==, 404);
  first = call ("gd-hrss", "si.info", NULL);
  g_assert_cmpint (first->status, ==, 500);
  second = call ("gd-hrss", "si.info", NULL);
  data_of (second);
  sandbox_stop (the_sandbox);
  the_sandbox = saved;
}

static void
test_public_url (void)
{
  Sandbox *saved = the_sandbox;
  const char *args[] = { "--public-url", "http://kiosk-lan.example:9999/", NULL };
  g_autoptr(SbTestReply) start = NULL, cert = NULL;

  the_sandbox = sandbox_start (args);
  start = call_as ("identity", "auth.qr-start", NULL, NULL, NULL, NULL);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (data_of (start), "url"),
                                   "http://kiosk-lan.example:9999/phone/qr/"));
  cert = call ("gd-hpf", "hpf.certificate", NULL);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (
                                     json_object_get_object_member (data_of (cert), "document"),
                                     "verify_url"),
                                   "http://kiosk-lan.example:9999/verify/HPF-"));
  sandbox_stop (the_sandbox);
  the_sandbox = saved;
}

static char *
extract (const char *html,
         const char *before,
         const char *after)
{
  const char *a = strstr (html, before);
  const char *b;

  g_assert_nonnull (a);
  a += strlen (before);
  b = strstr (a, after);
  g_assert_nonnull (b);
  return g_strndup (a, (gsize) (b - a));
}

static void
test_qr_login (void)
{
  g_autoptr(SbTestReply) start = call_as ("identity", "auth.qr-start", NULL, NULL, NULL, NULL);
  JsonObject *d = data_of (start);
  const char *ticket = json_object_get_string_member (d, "ticket");
  const char *url = json_object_get_string_member (d, "url");
  g_autofree char *path = g_strdup (strstr (url, "/phone/qr/"));
  g_autofree char *params = g_strdup_printf ("{\"ticket\": \"%s\"}", ticket);
  const char *en[] = { "Accept-Language: en-GB,en;q=0.9", NULL };
  const char *hk[] = { "Accept-Language: en;q=0.5, zh-HK, zh;q=0.8", NULL };
  g_autoptr(SbTestReply) waiting = NULL, page = NULL, page_hk = NULL, wrong = NULL, right = NULL;
  g_autoptr(SbTestReply) bad_code = NULL, confirm = NULL, done = NULL, again = NULL, gone = NULL;
  g_autofree char *html = NULL;
  g_autofree char *code = NULL;
  g_autofree char *confirm_body = NULL;

  g_assert_cmpint (json_object_get_int_member (d, "expires_in"), >, 0);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  waiting = call_as ("identity", "auth.qr", NULL, NULL, NULL, params);
  g_assert_false (json_object_get_boolean_member (data_of (waiting), "verified"));
  g_assert_cmpstr (json_object_get_string_member (data_of (waiting), "state"), ==, "waiting");

  page = http ("GET", path, en, NULL, -1);
  g_assert_cmpint (page->status, ==, 200);
  html = g_strndup ((char *) page->body->data, page->body->len);
  g_assert_nonnull (strstr (html, "Sign in"));
  g_assert_null (strstr (html, "<script"));
  page_hk = http ("GET", path, hk, NULL, -1);
  g_assert_nonnull (g_strstr_len ((char *) page_hk->body->data, page_hk->body->len, "登入"));

  wrong = http ("POST", path, en, "step=login&id_number=" DEMO_ID "&password=nope", -1);
  g_assert_cmpint (wrong->status, ==, 403);
  right = http ("POST", path, en, "step=login&id_number=+" DEMO_ID "+&password=demo1234", -1);
  g_assert_cmpint (right->status, ==, 200);
  g_free (html);
  html = g_strndup ((char *) right->body->data, right->body->len);
  /* Who is signing in, masked. */
  g_assert_null (strstr (html, DEMO_NAME));
  g_assert_null (strstr (html, DEMO_ID));
  code = extract (html, "name=\"code\" value=\"", "\"");

  bad_code = http ("POST", path, en, "step=confirm&code=0000", -1);
  g_assert_cmpint (bad_code->status, ==, 403);
  confirm_body = g_strdup_printf ("step=confirm&code=%s", code);
  confirm = http ("POST", path, en, confirm_body, -1);
  g_assert_cmpint (confirm->status, ==, 200);

  done = call_as ("identity", "auth.qr", NULL, NULL, NULL, params);
  d = data_of (done);
  g_assert_true (json_object_get_boolean_member (d, "verified"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (d, "citizen"),
                                                  "id_number"), ==, DEMO_ID);
  /* One use only. */
  again = call_as ("identity", "auth.qr", NULL, NULL, NULL, params);
  assert_refused (again, 409, "closed");
  gone = http ("GET", path, en, NULL, -1);
  g_assert_cmpint (gone->status, ==, 404);
}

static char *
jpeg_base64 (void)
{
  g_autoptr(GdkPixbuf) pb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 64);
  g_autofree char *buf = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pb, 0xc08060ff);
  gdk_pixbuf_save_to_buffer (pb, &buf, &len, "jpeg", &error, "quality", "80", NULL);
  g_assert_no_error (error);
  return g_base64_encode ((guchar *) buf, len);
}

static void
test_identity (void)
{
  g_autofree char *jpeg = jpeg_base64 ();
  g_autofree char *face = g_strdup_printf ("{\"id_number\": \"" DEMO_ID "\", \"face\": \"%s\", "
                                           "\"liveness\": {\"live\": true}}", jpeg);
  g_autofree char *spoof = g_strdup_printf ("{\"id_number\": \"" DEMO_ID "\", \"face\": \"%s\", "
                                            "\"liveness\": {\"live\": false, \"reason\": "
                                            "\"photo\"}}", jpeg);
  g_autofree char *unenrolled = g_strdup_printf ("{\"id_number\": \"441302196902282123\", "
                                                 "\"face\": \"%s\", \"liveness\": "
                                                 "{\"live\": true}}", jpeg);
  g_autofree char *png = g_base64_encode ((const guchar *) "\x89PNG\r\n\x1a\n0000", 12);
  g_autofree char *not_jpeg = g_strdup_printf ("{\"id_number\": \"" DEMO_ID "\", \"face\": "
                                               "\"%s\", \"liveness\": {\"live\": true}}", png);
  struct {
    const char *operation;
    const char *params;
    long        status;
    const char *reason;
  } cases[] = {
    { "auth.id-card", "{\"id_number\": \"" DEMO_ID "\", \"name\": \"" DEMO_NAME "\", "
      "\"birth\": \"19900101\", \"expiry\": \"20400101\"}", 200, NULL },
    { "auth.id-card", "{\"id_number\": \"" DEMO_ID "\", \"name\": \"别人\", "
      "\"birth\": \"19900101\", \"expiry\": \"20400101\"}", 403, "identity-mismatch" },
    { "auth.id-card", "{\"id_number\": \"" DEMO_ID "\", \"name\": \"" DEMO_NAME "\", "
      "\"birth\": \"19900102\", \"expiry\": \"20400101\"}", 403, "document-invalid" },
    { "auth.id-card", "{\"id_number\": \"440604199605052198\", \"name\": \"唐佳怡\", "
      "\"birth\": \"1996-05-05\", \"expiry\": \"2020-01-01\"}", 403, "document-expired" },
    { "auth.id-card", "{\"id_number\": \"110101199003077777\", \"name\": \"王五\", "
      "\"birth\": \"19900307\"}", 404, "not-found" },
    { "auth.id-card", "{\"id_number\": \"" DEMO_ID "\"}", 400, "invalid-field" },
    { "auth.fingerprint", "{\"id_number\": \"" DEMO_ID "\", \"name\": \"" DEMO_NAME "\", "
      "\"birth\": \"19900101\", \"expiry\": \"20400101\", \"match\": true}", 200, NULL },
    { "auth.fingerprint", "{\"id_number\": \"" DEMO_ID "\", \"name\": \"" DEMO_NAME "\", "
      "\"birth\": \"19900101\", \"expiry\": \"20400101\", \"match\": false}", 403,
      "identity-mismatch" },
    { "auth.permit", "{\"document_number\": \"" HK_PERMIT "\", \"name\": \"CHAN<<TAI<MAN\", "
      "\"birth\": \"850612\", \"expiry\": \"280630\"}", 200, NULL },
    { "auth.permit", "{\"document_number\": \"" HK_PERMIT "\", \"name\": \"CHAN<<TAI<MAN\", "
      "\"birth\": \"850612\", \"expiry\": \"290630\"}", 403, "document-invalid" },
    { "auth.permit", "{\"document_number\": \"H65679011\", \"name\": \"LAM<<SUK<YEE\", "
      "\"birth\": \"940404\", \"expiry\": \"190630\"}", 403, "document-expired" },
    { "auth.permit", "{\"document_number\": \"H99999999\", \"name\": \"X\", "
      "\"birth\": \"940404\", \"expiry\": \"300630\"}", 404, "not-found" },
    { "auth.face", face, 200, NULL },
    { "auth.face", spoof, 403, "not-live" },
    { "auth.face", not_jpeg, 400, "invalid-field" },
    { "auth.face", unenrolled, 422, "not-eligible" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SbTestReply) r = call_as ("identity", cases[i].operation, NULL, NULL, NULL,
                                    cases[i].params);

      g_test_message ("%s case %u", cases[i].operation, i);
      if (cases[i].reason == NULL)
        {
          JsonObject *d = data_of (r);

          g_assert_true (json_object_get_boolean_member (d, "verified"));
          g_assert_nonnull (json_object_get_string_member (
                              json_object_get_object_member (d, "citizen"), "id_number"));
        }
      else
        assert_refused (r, cases[i].status, cases[i].reason);
    }
}

static void
test_verify_pages (void)
{
  g_autoptr(SbTestReply) cert = call ("gd-hrss", "si.certificate", NULL);
  g_autoptr(SbTestReply) print = call ("gd-hrss", "si.print", NULL);
  JsonObject *doc = json_object_get_object_member (data_of (cert), "document");
  const char *number = json_object_get_string_member (doc, "number");
  g_autofree char *path = g_strdup_printf ("/verify/%s", number);
  g_autofree char *json_path = g_strdup_printf ("/verify/%s.json", number);
  const char *en[] = { "Accept-Language: en", NULL };
  const char *cn[] = { "Accept-Language: zh-CN,zh;q=0.9", NULL };
  g_autoptr(SbTestReply) page = http ("GET", path, en, NULL, -1);
  g_autoptr(SbTestReply) page_cn = http ("GET", path, cn, NULL, -1);
  g_autoptr(SbTestReply) data = http ("GET", json_path, NULL, NULL, -1);
  g_autoptr(SbTestReply) unknown = http ("GET", "/verify/GDSI-20990101-999999", en, NULL, -1);
  g_autoptr(SbTestReply) unknown_json = http ("GET", "/verify/GDSI-20990101-999999.json", NULL, NULL,
                                        -1);
  g_autofree char *html = g_strndup ((char *) page->body->data, page->body->len);
  JsonObject *v;

  /* Preview and print carry the same number. */
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (data_of (print), "document"), "number"), ==,
                   number);
  g_assert_cmpint (page->status, ==, 200);
  g_assert_nonnull (strstr (html, number));
  g_assert_nonnull (strstr (html, "still valid"));
  g_assert_null (strstr (html, DEMO_NAME));
  g_assert_null (strstr (html, DEMO_ID));
  g_assert_nonnull (g_strstr_len ((char *) page_cn->body->data, page_cn->body->len, "仍有效"));
  g_assert_cmpint (data->status, ==, 200);
  v = object_of (data);
  g_assert_true (json_object_get_boolean_member (v, "issued"));
  g_assert_true (json_object_get_boolean_member (v, "valid"));
  g_assert_cmpstr (json_object_get_string_member (v, "template"), ==, "si-certificate");
  g_assert_cmpstr (json_object_get_string_member (v, "holder"), !=, DEMO_NAME);
  g_assert_cmpint (unknown->status, ==, 404);
  g_assert_nonnull (g_strstr_len ((char *) unknown->body->data, unknown->body->len,
                                  "Not issued"));
  g_assert_cmpint (unknown_json->status, ==, 404);
  g_assert_false (json_object_get_boolean_member (object_of (unknown_json), "issued"));
}

static void
test_seed_numbers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) seed = g_resources_lookup_data ("/cn/gov/gba/Tongban/sandbox/seed.json",
                                                    G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *citizens;
  guint mainland = 0, hk = 0, mo = 0;
  gboolean demo = FALSE;

  g_assert_no_error (error);
  json_parser_load_from_data (parser, g_bytes_get_data (seed, NULL),
                              (gssize) g_bytes_get_size (seed), &error);
  g_assert_no_error (error);
  citizens = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                           "citizens");
  g_assert_cmpuint (json_array_get_length (citizens), >=, 30);
  for (guint i = 0; i < json_array_get_length (citizens); i++)
    {
      JsonObject *c = json_array_get_object_element (citizens, i);
      const char *type = json_object_get_string_member (c, "id_type");
      const char *number = json_object_get_string_member (c, "id_number");

      if (strcmp (type, "resident-id") == 0)
        {
          g_autofree char *normal = NULL;
          const char *problem = tongban_validate_cn_id (number, &normal);

          if (problem)
            g_error ("%s: %s", number, problem);
          mainland++;
          demo |= strcmp (number, DEMO_ID) == 0;
        }
      if (json_object_has_member (c, "hkid"))
        {
          g_autofree char *normal = NULL;

          g_assert_null (tongban_validate_hkid (json_object_get_string_member (c, "hkid"),
                                                &normal));
          g_assert_true (g_regex_match_simple ("^H[0-9]{8}$", number, 0, 0));
          hk++;
        }
      if (json_object_has_member (c, "mo_id"))
        {
          g_autofree char *normal = NULL;

          g_assert_null (tongban_validate_mo_id (json_object_get_string_member (c, "mo_id"),
                                                 &normal));
          mo++;
        }
    }
  g_assert_true (demo);
  g_assert_cmpuint (mainland, >=, 15);
  g_assert_cmpuint (hk, >=, 5);
  g_assert_cmpuint (mo, >=, 5);
}

static gpointer
replay_in_thread (gpointer data)
{
  return call_as ("gd-gsda", "gd.apply", "conc-1", DEMO_ID, DEMO_NAME, data);
}

static void
test_concurrent_replay (void)
{
  /* The same request id from two connections at once is run once. */
  const char *params = "{\"item\": \"GD-0101\", \"phone\": \"13800138000\"}";
  g_autoptr(SbTestReply) before = call ("gd-gsda", "gd.applications", NULL);
  guint n = json_array_get_length (json_object_get_array_member (data_of (before), "options"));
  g_autoptr(SbTestReply) add = control ("POST", "/_control/faults", "{\"system\": \"gd-gsda\", "
                                  "\"operation\": \"gd.apply\", \"kind\": \"latency\", "
                                  "\"ms\": 500, \"count\": 1}");
  GThread *t = g_thread_new ("other", replay_in_thread, (gpointer) params);
  g_autoptr(SbTestReply) mine = NULL;
  g_autoptr(SbTestReply) theirs = NULL;
  g_autoptr(SbTestReply) after = NULL;

  g_assert_cmpint (add->status, ==, 200);
  g_usleep (100 * 1000);
  mine = call_as ("gd-gsda", "gd.apply", "conc-1", DEMO_ID, DEMO_NAME, params);
  theirs = g_thread_join (t);
  g_assert_cmpstr (json_object_get_string_member (data_of (mine), "reference"), ==,
                   json_object_get_string_member (data_of (theirs), "reference"));
  after = call ("gd-gsda", "gd.applications", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (data_of (after),
                                                                         "options")), ==, n + 1);
}

static void
test_read_shape (void)
{
  g_autoptr(SbTestReply) r = call ("gd-hrss", "si.info", NULL);
  JsonObject *d = data_of (r);

  g_assert_cmpstr (json_object_get_string_member (d, "status"), ==, "active");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (d, "types")), ==, 4);
  g_assert_true (json_object_has_member (d, "base"));
  g_assert_true (json_object_has_member (d, "since"));
}

static void
test_identity_mismatch (void)
{
  g_autoptr(SbTestReply) wrong_name = call_as ("gd-hrss", "si.info", NULL, DEMO_ID, "王五", NULL);
  g_autoptr(SbTestReply) unknown = call_as ("gd-hrss", "si.info", NULL, "110101199003077777", "王五",
                                      NULL);

  assert_refused (wrong_name, 403, "identity-mismatch");
  assert_refused (unknown, 404, "not-found");
}

static void
test_bad_token (void)
{
  const char *headers[] = { "Authorization: Bearer wrong", NULL };
  const char *none[] = { NULL };
  const char *body = "{\"request_id\": \"x1\", \"citizen\": null, \"params\": {}}";
  g_autoptr(SbTestReply) r = http ("POST", "/gd-hrss/ops/si.info", headers, body, -1);
  g_autoptr(SbTestReply) r2 = http ("POST", "/gd-hrss/ops/si.info", none, body, -1);
  g_autoptr(GPtrArray) outcomes = log_for ("x1");

  g_assert_cmpint (r->status, ==, 401);
  g_assert_cmpint (r2->status, ==, 401);
  g_assert_false (json_object_get_boolean_member (object_of (r), "ok"));
  /* Not even looked at: nothing logged under its request id. */
  g_assert_cmpuint (outcomes->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  the_sandbox = sandbox_start (NULL);

  g_test_add_func ("/sandbox/seed-numbers", test_seed_numbers);
  g_test_add_func ("/sandbox/every-operation", test_every_operation);
  g_test_add_func ("/sandbox/reads-follow-writes", test_reads_follow_writes);
  g_test_add_func ("/sandbox/refusals", test_refusals);
  g_test_add_func ("/sandbox/identity", test_identity);
  g_test_add_func ("/sandbox/payment", test_payment);
  g_test_add_func ("/sandbox/request-id-replay", test_request_id_replay);
  g_test_add_func ("/sandbox/bad-requests", test_bad_requests);
  g_test_add_func ("/sandbox/faults", test_faults);
  g_test_add_func ("/sandbox/control-needs-flag", test_control_needs_flag);
  g_test_add_func ("/sandbox/concurrent-replay", test_concurrent_replay);
  g_test_add_func ("/sandbox/qr-login", test_qr_login);
  g_test_add_func ("/sandbox/public-url", test_public_url);
  g_test_add_func ("/sandbox/verify-pages", test_verify_pages);
  g_test_add_func ("/sandbox/read-shape", test_read_shape);
  g_test_add_func ("/sandbox/identity-mismatch", test_identity_mismatch);
  g_test_add_func ("/sandbox/bad-token", test_bad_token);

  ret = g_test_run ();
  sandbox_stop (the_sandbox);
  curl_global_cleanup ();
  return ret;
}
