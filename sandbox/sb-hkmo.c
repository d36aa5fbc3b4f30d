/* sb-hkmo.c: the Hong Kong and Macao systems: IRD (hk-ird), Companies Registry (hk-cr),
 * Immigration (hk-immd), Identification Services (mo-dsi), Legal Affairs (mo-dsaj),
 * and payment (system "payment", pay.*) for the fees some of them charge
 *
 * Filings are checked against the seeded records (the HKID given must be the citizen's,
 * an employer return must come from a director of a live company, a name change needs a
 * paid order) and kept in memory with a reference number and an acknowledgement.
 */

#include "sb-ops.h"

#include <string.h>

/* A positive amount with at most two decimals, at most 10 million. */
static gboolean
amount_ok (const char *text)
{
  char *end = NULL;
  double v;
  const char *dot;

  if (!sb_text_ok (text, 16))
    return FALSE;
  v = g_ascii_strtod (text, &end);
  dot = strchr (text, '.');
  return end && *end == '\0' && v >= 0 && v <= 1e7 && g_ascii_isdigit (*text)
         && (dot == NULL || strlen (dot + 1) <= 2);
}

/* Compares identity card numbers ignoring brackets, spaces and case. */
static gboolean
same_id (const char *a,
         const char *b)
{
  GString *x = g_string_new (NULL), *y = g_string_new (NULL);
  gboolean same;

  for (const char *p = a ? a : ""; *p; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (x, g_ascii_toupper (*p));
  for (const char *p = b ? b : ""; *p; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (y, g_ascii_toupper (*p));
  same = x->len > 0 && strcmp (x->str, y->str) == 0;
  g_string_free (x, TRUE);
  g_string_free (y, TRUE);
  return same;
}

static void
store (SbSandbox  *sb,
       SbCall     *call,
       const char *kind,
       const char *key,
       JsonObject *answer)
{
  g_autoptr(JsonObject) record = json_object_new ();

  json_object_set_string_member (record, "kind", kind);
  json_object_set_string_member (record, "id_number", sb_str (call->person, "id_number"));
  json_object_set_string_member (record, "reference", sb_str (answer, "reference"));
  if (key)
    json_object_set_string_member (record, "key", key);
  json_object_set_object_member (record, "answer", sb_object_copy (answer));
  sb_store_submission (sb, record);
}

static gboolean
already (SbSandbox  *sb,
         SbCall     *call,
         const char *kind,
         const char *key)
{
  g_autoptr(GPtrArray) made = sb_submissions (sb, kind, sb_str (call->person, "id_number"));

  for (guint i = 0; i < made->len; i++)
    if (key == NULL || g_strcmp0 (sb_str (g_ptr_array_index (made, i), "key"), key) == 0)
      return TRUE;
  return FALSE;
}

/* The acknowledgement document of a filing, added to its receipt answer. */
static JsonObject *
acknowledge (SbSandbox  *sb,
             SbCall     *call,
             JsonObject *answer,
             const char *template_id,
             const char *prefix,
             const char *form)
{
  JsonObject *fields = json_object_new ();
  JsonObject *doc;

  json_object_set_string_member (fields, "holder", sb_str (call->person, "name"));
  json_object_set_string_member (fields, "form", form);
  json_object_set_string_member (fields, "reference", sb_str (answer, "reference"));
  doc = sb_document_issue (sb, template_id, prefix, sb_str (call->person, "name"),
                           sb_str (answer, "reference"), NULL, fields);
  json_object_set_object_member (answer, "document", doc);
  return answer;
}

/* Inland Revenue */

static JsonObject *
ird_bir60 (SbSandbox  *sb,
           SbCall     *call,
           char      **reason)
{
  JsonObject *ird = sb_obj (call->person, "ird");
  const char *hkid = sb_param (call->params, "hkid");
  const char *salary = sb_param (call->params, "salary");
  const char *mpf = sb_param (call->params, "mpf");
  const char *donations = sb_param (call->params, "donations");
  const char *year;
  JsonObject *answer;
  g_autofree char *reference = NULL;

  if (!sb_text_ok (hkid, 16) || !amount_ok (salary) || (mpf && !amount_ok (mpf))
      || (donations && !amount_ok (donations)) || !sb_text_ok (sb_param (call->params, "employer"), 200))
    return sb_refuse (reason, "invalid-field");
  if (ird == NULL)
    return sb_refuse (reason, "not-found");
  if (!same_id (hkid, sb_str (call->person, "hkid")))
    return sb_refuse (reason, "identity-mismatch");
  year = sb_str (ird, "last_year");
  if (already (sb, call, "ird-bir60", year))
    return sb_refuse (reason, "duplicate");
  reference = sb_next_reference (sb, "IRD60");
  answer = sb_receipt_new (reference, "file", sb_str (ird, "file"), "year", year,
                           "form", "BIR60", "salary", salary, NULL);
  acknowledge (sb, call, answer, "ird-acknowledgement", "IRDA", "BIR60");
  store (sb, call, "ird-bir60", year, answer);
  return answer;
}

static gboolean
is_director (JsonObject *company,
             JsonObject *person)
{
  JsonArray *directors = sb_arr (company, "directors");

  for (guint i = 0; directors && i < json_array_get_length (directors); i++)
    if (same_id (json_array_get_string_element (directors, i), sb_str (person, "hkid")))
      return TRUE;
  return FALSE;
}

static JsonObject *
ird_bir56 (SbSandbox  *sb,
           SbCall     *call,
           char      **reason)
{
  const char *brn = sb_param (call->params, "brn");
  const char *income = sb_param (call->params, "income");
  const char *employee = sb_param (call->params, "hkid");
  JsonObject *company;
  JsonObject *answer;
  g_autofree char *reference = NULL;
  g_autofree char *key = NULL;
  g_autofree char *brn8 = NULL;

  if (!sb_text_ok (brn, 20) || !amount_ok (income) || !sb_text_ok (employee, 16)
      || !sb_text_ok (sb_param (call->params, "name"), 100))
    return sb_refuse (reason, "invalid-field");
  brn8 = g_strndup (brn, 8);
  company = sb_seed_company (sb, brn8);
  if (company == NULL)
    return sb_refuse (reason, "not-found");
  if (g_strcmp0 (sb_str (company, "status"), "live") != 0 || !is_director (company, call->person))
    return sb_refuse (reason, "not-eligible");
  key = g_strdup_printf ("%s/%s", brn8, employee);
  if (already (sb, call, "ird-bir56", key))
    return sb_refuse (reason, "duplicate");
  reference = sb_next_reference (sb, "IRD56");
  answer = sb_receipt_new (reference, "employer", sb_str (company, "name_en"),
                           "file", sb_str (company, "employer_file"), "form", "BIR56A",
                           "income", income, NULL);
  acknowledge (sb, call, answer, "ird-acknowledgement", "IRDA", "BIR56A");
  store (sb, call, "ird-bir56", key, answer);
  return answer;
}

/* Companies Registry */

static gboolean
name_taken (SbSandbox  *sb,
            const char *name_en)
{
  GHashTableIter it;
  gpointer value;

  g_hash_table_iter_init (&it, sb->companies);
  while (g_hash_table_iter_next (&it, NULL, &value))
    if (g_ascii_strcasecmp (sb_str (value, "name_en"), name_en) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
company_name_ok (const char *name_en)
{
  g_autofree char *up = NULL;

  if (!sb_text_ok (name_en, 120))
    return FALSE;
  up = g_ascii_strup (name_en, -1);
  return g_str_has_suffix (up, " LIMITED");
}

static JsonObject *
cr_document (SbSandbox  *sb,
             SbCall     *call,
             JsonObject *answer,
             JsonObject *company,
             const char *what)
{
  JsonObject *fields = json_object_new ();

  json_object_set_string_member (fields, "company", sb_str (company, "name_en"));
  json_object_set_string_member (fields, "company_zh", sb_str (company, "name_zh"));
  json_object_set_string_member (fields, "cr_number", sb_str (company, "cr"));
  json_object_set_string_member (fields, "kind", what);
  json_object_set_object_member (answer, "document",
                                 sb_document_issue (sb, "cr-certificate", "CR",
                                                    sb_str (company, "name_en"),
                                                    sb_str (answer, "reference"), NULL,
                                                    fields));
  return answer;
}

static JsonObject *
cr_incorporate (SbSandbox  *sb,
                SbCall     *call,
                char      **reason)
{
  const char *name_en = sb_param (call->params, "name_en");
  const char *name_zh = sb_param (call->params, "name_zh");
  const char *director = sb_param (call->params, "hkid");
  JsonArray *companies = sb_arr (sb_seed_root (sb), "companies");
  JsonObject *company;
  JsonArray *directors;
  JsonObject *answer;
  g_autofree char *reference = NULL;
  g_autofree char *cr = NULL;
  g_autofree char *brn = NULL;
  g_autofree char *today = sb_today ();

  if (!company_name_ok (name_en) || (name_zh && !sb_text_ok (name_zh, 60))
      || !sb_text_ok (sb_param (call->params, "office"), 300)
      || !amount_ok (sb_param (call->params, "capital")) || !sb_text_ok (director, 16))
    return sb_refuse (reason, "invalid-field");
  if (!same_id (director, sb_str (call->person, "hkid")))
    return sb_refuse (reason, "identity-mismatch");
  if (name_taken (sb, name_en))
    return sb_refuse (reason, "duplicate");
  cr = g_strdup_printf ("%07u", 3500000 + (guint) json_array_get_length (companies));
  brn = g_strdup_printf ("%08u", 79000000 + (guint) json_array_get_length (companies));
  company = json_object_new ();
  json_object_set_string_member (company, "cr", cr);
  json_object_set_string_member (company, "brn", brn);
  json_object_set_string_member (company, "name_en", name_en);
  json_object_set_string_member (company, "name_zh", name_zh ? name_zh : "");
  json_object_set_string_member (company, "incorporated", today);
  json_object_set_string_member (company, "status", "live");
  directors = json_array_new ();
  json_array_add_string_element (directors, sb_str (call->person, "hkid"));
  json_object_set_array_member (company, "directors", directors);
  json_array_add_object_element (companies, company);
  g_hash_table_insert (sb->companies, (gpointer) sb_str (company, "cr"), company);
  g_hash_table_insert (sb->companies, (gpointer) sb_str (company, "brn"), company);

  reference = sb_next_reference (sb, "CRI");
  answer = sb_receipt_new (reference, "company", name_en, "cr_number", cr, "brn", brn, NULL);
  cr_document (sb, call, answer, company, "incorporation");
  store (sb, call, "cr-incorporation", cr, answer);
  return answer;
}

static JsonObject *
cr_change_name (SbSandbox  *sb,
                SbCall     *call,
                char      **reason)
{
  const char *brn = sb_param (call->params, "brn");
  const char *current = sb_param (call->params, "current");
  const char *new_en = sb_param (call->params, "new_en");
  const char *new_zh = sb_param (call->params, "new_zh");
  const char *order_id = sb_param (call->params, "order");
  g_autofree char *brn8 = NULL;
  JsonObject *company, *order;
  JsonObject *answer;
  g_autofree char *reference = NULL;

  if (!sb_text_ok (brn, 20) || !sb_text_ok (current, 120) || !company_name_ok (new_en)
      || (new_zh && !sb_text_ok (new_zh, 60)) || !sb_text_ok (sb_param (call->params, "resolution"), 10))
    return sb_refuse (reason, "invalid-field");
  brn8 = g_strndup (brn, 8);
  company = sb_seed_company (sb, brn8);
  if (company == NULL)
    return sb_refuse (reason, "not-found");
  if (g_ascii_strcasecmp (sb_str (company, "name_en"), current) != 0)
    return sb_refuse (reason, "invalid-field");
  if (g_strcmp0 (sb_str (company, "status"), "live") != 0 || !is_director (company, call->person))
    return sb_refuse (reason, "not-eligible");
  order = order_id ? g_hash_table_lookup (sb->orders, order_id) : NULL;
  if (order == NULL || g_strcmp0 (sb_str (order, "status"), "paid") != 0
      || g_strcmp0 (sb_str (order, "item"), "cr.change-name") != 0
      || json_object_get_boolean_member_with_default (order, "used", FALSE))
    return sb_refuse (reason, "not-eligible");
  if (name_taken (sb, new_en))
    return sb_refuse (reason, "duplicate");

  json_object_set_boolean_member (order, "used", TRUE);
  json_object_set_string_member (company, "former_name", sb_str (company, "name_en"));
  json_object_set_string_member (company, "name_en", new_en);
  if (new_zh)
    json_object_set_string_member (company, "name_zh", new_zh);
  reference = sb_next_reference (sb, "CRN");
  answer = sb_receipt_new (reference, "company", new_en, "former_name", current,
                           "cr_number", sb_str (company, "cr"), "fee", sb_str (order, "amount"),
                           "order", order_id, NULL);
  cr_document (sb, call, answer, company, "change-of-name");
  store (sb, call, "cr-change-name", sb_str (company, "cr"), answer);
  return answer;
}

/* Immigration: e-Channel enrolment */

static JsonObject *
immd_enrol (SbSandbox  *sb,
            SbCall     *call,
            char      **reason)
{
  const char *hkid = sb_param (call->params, "hkid");
  JsonObject *answer;
  g_autofree char *reference = NULL;

  if (!sb_text_ok (hkid, 16) || !sb_text_ok (sb_param (call->params, "phone"), 32))
    return sb_refuse (reason, "invalid-field");
  if (sb_str (call->person, "hkid") == NULL)
    return sb_refuse (reason, "not-eligible");
  if (!same_id (hkid, sb_str (call->person, "hkid")))
    return sb_refuse (reason, "identity-mismatch");
  if (json_object_get_boolean_member_with_default (sb_obj (call->person, "immd"), "enrolled",
                                                   FALSE)
      || already (sb, call, "immd-enrol", NULL))
    return sb_refuse (reason, "duplicate");
  reference = sb_next_reference (sb, "ECH");
  /* The back office checks the enrolment before the e-Channel lets the person through. */
  answer = sb_receipt_new (reference, "service", "e-Channel", "valid_with", "HKID",
                           "status", "pending", NULL);
  store (sb, call, "immd-enrol", NULL, answer);
  return answer;
}

/* Macao: identification services, legal affairs */

static JsonObject *
dsi_renew (SbSandbox  *sb,
           SbCall     *call,
           char      **reason)
{
  JsonObject *macau = sb_obj (call->person, "macau");
  const char *moid = sb_param (call->params, "moid");
  const char *collect = sb_param (call->params, "collect");
  JsonObject *answer;
  g_autofree char *reference = NULL;
  g_autofree char *ready = sb_days_from_today (10);

  if (!sb_text_ok (moid, 16) || !sb_text_ok (sb_param (call->params, "phone"), 32)
      || (g_strcmp0 (collect, "macao") != 0 && g_strcmp0 (collect, "hengqin") != 0))
    return sb_refuse (reason, "invalid-field");
  if (macau == NULL)
    return sb_refuse (reason, "not-found");
  if (!same_id (moid, sb_str (call->person, "mo_id")))
    return sb_refuse (reason, "identity-mismatch");
  if (already (sb, call, "dsi-renew", NULL))
    return sb_refuse (reason, "duplicate");
  reference = sb_next_reference (sb, "DSIR");
  answer = sb_receipt_new (reference, "document", sb_str (macau, "bir"),
                           "collect", collect, "ready", ready, NULL);
  store (sb, call, "dsi-renew", NULL, answer);
  return answer;
}

static JsonObject *
macao_certificate (SbSandbox  *sb,
                   SbCall     *call,
                   const char *template_id,
                   char      **reason)
{
  JsonObject *macau = sb_obj (call->person, "macau");
  JsonObject *o;
  g_autofree char *until = sb_days_from_today (90);
  const char *prefix;

  if (macau == NULL)
    return sb_refuse (reason, "not-found");
  o = json_object_new ();
  json_object_set_string_member (o, "holder", sb_str (call->person, "name"));
  if (strcmp (template_id, "dsi-kinship") == 0)
    {
      JsonArray *rel = sb_arr (macau, "relatives");
      JsonObject *r = rel && json_array_get_length (rel) > 0
                        ? json_array_get_object_element (rel, 0) : NULL;

      if (r == NULL)
        {
          json_object_unref (o);
          return sb_refuse (reason, "not-found");
        }
      json_object_set_string_member (o, "relative", sb_str (r, "name"));
      json_object_set_string_member (o, "relation", sb_str (r, "relation"));
      prefix = "DSI-PR";
    }
  else if (strcmp (template_id, "dsi-personal") == 0)
    {
      json_object_set_string_member (o, "born", sb_str (call->person, "birth"));
      json_object_set_string_member (o, "document", sb_str (macau, "bir"));
      prefix = "DSI-DP";
    }
  else
    {
      json_object_set_string_member (o, "record", sb_str (macau, "record"));
      prefix = "DSAJ-RC";
    }
  {
    JsonObject *doc = sb_document_issue (sb, template_id, prefix, sb_str (call->person, "name"),
                                         sb_str (call->person, "id_number"), until,
                                         sb_object_copy (o));

    json_object_set_string_member (o, "number", sb_str (doc, "number"));
    json_object_set_string_member (o, "issued", sb_str (doc, "issued"));
    json_object_set_object_member (o, "document", doc);
  }
  return o;
}

static JsonObject *
dsi_kinship (SbSandbox  *sb,
             SbCall     *call,
             char      **reason)
{
  return macao_certificate (sb, call, "dsi-kinship", reason);
}

static JsonObject *
dsi_personal (SbSandbox  *sb,
              SbCall     *call,
              char      **reason)
{
  return macao_certificate (sb, call, "dsi-personal", reason);
}

static JsonObject *
dsi_print (SbSandbox  *sb,
           SbCall     *call,
           char      **reason)
{
  gboolean personal = g_strcmp0 (call->service, "F-MO-03") == 0
                      || g_strcmp0 (sb_param (call->params, "template"), "dsi-personal") == 0;

  return macao_certificate (sb, call, personal ? "dsi-personal" : "dsi-kinship", reason);
}

static JsonObject *
dsaj_record (SbSandbox  *sb,
             SbCall     *call,
             char      **reason)
{
  return macao_certificate (sb, call, "dsaj-record", reason);
}

/* Payment: an order, then a bank card (PIN checked by the kiosk's PIN pad) or QR pay */

static const char *
currency_of (const char *service)
{
  if (g_str_has_prefix (service ? service : "", "F-HK-"))
    return "HKD";
  if (g_str_has_prefix (service ? service : "", "F-MO-"))
    return "MOP";
  return "CNY";
}

static JsonObject *
pay_order (SbSandbox  *sb,
           SbCall     *call,
           char      **reason)
{
  const char *service = sb_param (call->params, "service");
  const char *amount = sb_param (call->params, "amount");
  const char *item = sb_param (call->params, "item");
  const char *fee = item ? sb_str (sb_obj (sb_seed_root (sb), "fees"), item) : NULL;
  g_autofree char *order_id = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  JsonObject *order, *o;

  if (service == NULL)
    service = call->service;
  if (!sb_text_ok (service, 16) || !amount_ok (amount) || g_ascii_strtod (amount, NULL) <= 0
      || !sb_text_ok (item, 48) || (fee && g_ascii_strtod (fee, NULL) != g_ascii_strtod (amount, NULL)))
    return sb_refuse (reason, "invalid-field");
  order_id = sb_next_reference (sb, "PAY");
  base = sb_sandbox_base_url (sb);
  url = g_strdup_printf ("%s/phone/pay/%s", base, order_id);
  order = json_object_new ();
  json_object_set_string_member (order, "order", order_id);
  json_object_set_string_member (order, "service", service);
  json_object_set_string_member (order, "item", item);
  json_object_set_string_member (order, "amount", amount);
  json_object_set_string_member (order, "currency", currency_of (service));
  json_object_set_string_member (order, "status", "waiting");
  g_hash_table_insert (sb->orders, g_strdup (order_id), order);

  o = json_object_new ();
  json_object_set_string_member (o, "order", order_id);
  json_object_set_string_member (o, "amount", amount);
  json_object_set_string_member (o, "currency", currency_of (service));
  json_object_set_string_member (o, "qr_url", url);
  return o;
}

static JsonObject *
pay_card (SbSandbox  *sb,
          SbCall     *call,
          char      **reason)
{
  const char *order_id = sb_param (call->params, "order");
  const char *card = sb_param (call->params, "card");
  JsonNode *pin = json_object_get_member (call->params, "pin_ok");
  JsonObject *order = order_id ? g_hash_table_lookup (sb->orders, order_id) : NULL;
  JsonObject *o;
  gsize digits = 0, stars = 0;

  for (const char *p = card ? card : ""; *p; p++)
    {
      digits += g_ascii_isdigit (*p) != 0;
      stars += *p == '*';
    }
  /* The kiosk sends the card number masked ("622202******1234"), never in full. */
  if (card == NULL || digits + stars != strlen (card) || digits > 10 || stars < 4
      || strlen (card) < 12 || strlen (card) > 19 || pin == NULL
      || !JSON_NODE_HOLDS_VALUE (pin) || json_node_get_value_type (pin) != G_TYPE_BOOLEAN)
    return sb_refuse (reason, "invalid-field");
  if (order == NULL)
    return sb_refuse (reason, "not-found");
  if (g_strcmp0 (sb_str (order, "status"), "paid") == 0)
    return sb_refuse (reason, "duplicate");
  /* The sandbox's declined test card ends in 0000. */
  if (!json_node_get_boolean (pin) || g_str_has_suffix (card, "0000"))
    return sb_refuse (reason, "payment-declined");
  json_object_set_string_member (order, "status", "paid");
  json_object_set_string_member (order, "method", "card");
  o = json_object_new ();
  json_object_set_string_member (o, "order", order_id);
  json_object_set_string_member (o, "status", "approved");
  json_object_set_string_member (o, "amount", sb_str (order, "amount"));
  json_object_set_string_member (o, "currency", sb_str (order, "currency"));
  json_object_set_string_member (o, "card", card);
  return o;
}

static JsonObject *
pay_qr_status (SbSandbox  *sb,
               SbCall     *call,
               char      **reason)
{
  const char *order_id = sb_param (call->params, "order");
  JsonObject *order = order_id ? g_hash_table_lookup (sb->orders, order_id) : NULL;
  JsonObject *o;

  if (order == NULL)
    return sb_refuse (reason, order_id ? "not-found" : "invalid-field");
  o = json_object_new ();
  json_object_set_string_member (o, "order", order_id);
  json_object_set_string_member (o, "status",
                                 g_strcmp0 (sb_str (order, "status"), "paid") == 0 ? "paid"
                                                                                  : "waiting");
  return o;
}

const SbOp sb_hkmo_ops[] = {
  { "hk-ird", "ird.bir60", TRUE, ird_bir60 },
  { "hk-ird", "ird.bir56", TRUE, ird_bir56 },
  { "hk-cr", "cr.incorporate", TRUE, cr_incorporate },
  { "hk-cr", "cr.change-name", TRUE, cr_change_name },
  { "hk-immd", "immd.enrol", TRUE, immd_enrol },
  { "mo-dsi", "dsi.renew", TRUE, dsi_renew },
  { "mo-dsi", "dsi.kinship", TRUE, dsi_kinship },
  { "mo-dsi", "dsi.personal", TRUE, dsi_personal },
  { "mo-dsi", "dsi.print", TRUE, dsi_print },
  { "mo-dsaj", "dsaj.record", TRUE, dsaj_record },
  { "mo-dsaj", "dsaj.print", TRUE, dsaj_record },
  { "payment", "pay.order", FALSE, pay_order },
  { "payment", "pay.card", FALSE, pay_card },
  { "payment", "pay.qr-status", FALSE, pay_qr_status },
  { NULL }
};
