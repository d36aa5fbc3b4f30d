/* sb-gd.c: the Guangdong systems: online affairs (gd-gsda), social insurance (gd-hrss),
 * housing fund (gd-hpf), real estate (gd-rer), water, cable TV and broadband, gas
 *
 * Reads answer from the seeded record of the citizen; applications, bookings and requests
 * are kept in memory with a reference number. Answer keys are those the kiosk's flows
 * show (data/catalog/services.json, data/demo/backend.json).
 */

#include "sb-ops.h"

#include <stdlib.h>
#include <string.h>

static const char *
label_of (JsonObject *option,
          const char *lang)
{
  JsonObject *label = sb_obj (option, "label");

  return label ? sb_str (label, lang) : sb_str (option, "label");
}

static JsonObject *
find_value (JsonArray  *list,
            const char *member,
            const char *value)
{
  for (guint i = 0; list && value && i < json_array_get_length (list); i++)
    {
      JsonNode *n = json_array_get_element (list, i);

      if (JSON_NODE_HOLDS_OBJECT (n)
          && g_strcmp0 (sb_str (json_node_get_object (n), member), value) == 0)
        return json_node_get_object (n);
    }
  return NULL;
}

static JsonArray *
seed_list (SbSandbox  *sb,
           const char *name)
{
  return sb_arr (sb_seed_root (sb), name);
}

/* Sets the flat keys the preview shows and the section 5 document. */
static JsonObject *
with_document (JsonObject *answer,
               JsonObject *document)
{
  json_object_set_string_member (answer, "number", sb_str (document, "number"));
  json_object_set_string_member (answer, "issued", sb_str (document, "issued"));
  json_object_set_object_member (answer, "document", document);
  return answer;
}

/* Online affairs: items, applications, progress */

static JsonObject *
gd_items (SbSandbox  *sb,
          SbCall     *call,
          char      **reason)
{
  JsonArray *items = seed_list (sb, "items");
  JsonObject *o = sb_options_new ();

  for (guint i = 0; items && i < json_array_get_length (items); i++)
    {
      JsonObject *it = json_array_get_object_element (items, i);
      g_autoptr(JsonObject) opt = json_object_new ();

      json_object_set_string_member (opt, "value", sb_str (it, "value"));
      json_object_set_object_member (opt, "label", sb_object_copy (sb_obj (it, "label")));
      sb_options_add_node (o, opt);
    }
  return o;
}

static JsonObject *
gd_apply (SbSandbox  *sb,
          SbCall     *call,
          char      **reason)
{
  const char *item_id = sb_param (call->params, "item");
  JsonObject *item = find_value (seed_list (sb, "items"), "value", item_id);
  const char *phone = sb_param (call->params, "phone");
  g_autofree char *reference = NULL;
  g_autofree char *today = sb_today ();
  g_autofree char *deadline = NULL;
  g_autoptr(JsonObject) record = json_object_new ();

  if (item == NULL || !sb_text_ok (phone, 32))
    return sb_refuse (reason, "invalid-field");
  reference = sb_next_reference (sb, "GDA");
  deadline = sb_days_from_today ((int) json_object_get_int_member_with_default (item, "days", 20));
  json_object_set_string_member (record, "kind", "gd-application");
  json_object_set_string_member (record, "id_number", sb_str (call->person, "id_number"));
  json_object_set_string_member (record, "reference", reference);
  json_object_set_string_member (record, "item", item_id);
  json_object_set_string_member (record, "submitted", today);
  json_object_set_string_member (record, "stage", "received");
  json_object_set_string_member (record, "deadline", deadline);
  sb_store_submission (sb, record);
  return sb_receipt_new (reference, "matter", label_of (item, "zh_CN"),
                         "matter_en", label_of (item, "en"), "submitted", today,
                         "deadline", deadline, NULL);
}

/* The citizen's applications: seeded ones, then those made since the start. */
static GPtrArray *
applications (SbSandbox *sb,
              SbCall    *call)
{
  GPtrArray *all = g_ptr_array_new ();
  JsonArray *seeded = sb_arr (call->person, "applications");
  g_autoptr(GPtrArray) made = sb_submissions (sb, "gd-application",
                                              sb_str (call->person, "id_number"));

  for (guint i = 0; seeded && i < json_array_get_length (seeded); i++)
    g_ptr_array_add (all, json_array_get_object_element (seeded, i));
  for (guint i = 0; i < made->len; i++)
    g_ptr_array_add (all, g_ptr_array_index (made, i));
  return all;
}

static JsonObject *
gd_applications (SbSandbox  *sb,
                 SbCall     *call,
                 char      **reason)
{
  g_autoptr(GPtrArray) apps = applications (sb, call);
  JsonObject *o;

  if (apps->len == 0)
    return sb_refuse (reason, "not-found");
  o = sb_options_new ();
  for (guint i = 0; i < apps->len; i++)
    {
      JsonObject *a = g_ptr_array_index (apps, i);
      JsonObject *item = find_value (seed_list (sb, "items"), "value", sb_str (a, "item"));
      const char *date = sb_str (a, "submitted");
      g_autofree char *cn = g_strdup_printf ("%s（%s）", label_of (item, "zh_CN"), date);
      g_autofree char *hk = g_strdup_printf ("%s（%s）", label_of (item, "zh_HK"), date);
      g_autofree char *en = g_strdup_printf ("%s (%s)", label_of (item, "en"), date);

      sb_options_add (o, sb_str (a, "reference"), cn, hk, en);
    }
  return o;
}

static JsonObject *
gd_progress (SbSandbox  *sb,
             SbCall     *call,
             char      **reason)
{
  g_autoptr(GPtrArray) apps = applications (sb, call);
  const char *wanted = sb_param (call->params, "application");
  JsonObject *o;

  for (guint i = 0; wanted && i < apps->len; i++)
    {
      JsonObject *a = g_ptr_array_index (apps, i);
      JsonObject *item;
      g_autofree char *matter = NULL;

      if (g_strcmp0 (sb_str (a, "reference"), wanted) != 0)
        continue;
      item = find_value (seed_list (sb, "items"), "value", sb_str (a, "item"));
      matter = g_strdup_printf ("%s / %s", label_of (item, "zh_CN"), label_of (item, "en"));
      o = json_object_new ();
      json_object_set_string_member (o, "reference", wanted);
      json_object_set_string_member (o, "matter", matter);
      json_object_set_string_member (o, "submitted", sb_str (a, "submitted"));
      json_object_set_string_member (o, "stage", sb_str (a, "stage"));
      json_object_set_string_member (o, "deadline", sb_str (a, "deadline"));
      return o;
    }
  return sb_refuse (reason, wanted ? "not-found" : "invalid-field");
}

/* The receipt or slip of the citizen's latest submission of a kind. */
static JsonObject *
latest_receipt (SbSandbox  *sb,
                SbCall     *call,
                const char *kind,
                char      **reason)
{
  g_autoptr(GPtrArray) made = sb_submissions (sb, kind, sb_str (call->person, "id_number"));
  JsonObject *last;
  JsonObject *receipt;

  if (made->len == 0)
    return sb_refuse (reason, "not-found");
  last = g_ptr_array_index (made, made->len - 1);
  receipt = sb_obj (last, "answer");
  return sb_object_copy (receipt);
}

static JsonObject *
gd_receipt (SbSandbox  *sb,
            SbCall     *call,
            char      **reason)
{
  g_autoptr(GPtrArray) made = sb_submissions (sb, "gd-application",
                                              sb_str (call->person, "id_number"));
  JsonObject *last;
  JsonObject *item;

  if (made->len == 0)
    return sb_refuse (reason, "not-found");
  last = g_ptr_array_index (made, made->len - 1);
  item = find_value (seed_list (sb, "items"), "value", sb_str (last, "item"));
  return sb_receipt_new (sb_str (last, "reference"), "matter", label_of (item, "zh_CN"),
                         "matter_en", label_of (item, "en"),
                         "submitted", sb_str (last, "submitted"),
                         "deadline", sb_str (last, "deadline"), NULL);
}

/* Appointments: halls, slots (working days from tomorrow), bookings */

static JsonObject *
gd_halls (SbSandbox  *sb,
          SbCall     *call,
          char      **reason)
{
  JsonArray *halls = seed_list (sb, "halls");
  JsonObject *o = sb_options_new ();

  for (guint i = 0; halls && i < json_array_get_length (halls); i++)
    {
      JsonObject *h = json_array_get_object_element (halls, i);
      g_autoptr(JsonObject) opt = json_object_new ();

      json_object_set_string_member (opt, "value", sb_str (h, "value"));
      json_object_set_object_member (opt, "label", sb_object_copy (sb_obj (h, "label")));
      sb_options_add_node (o, opt);
    }
  return o;
}

/* Every slot offered, "YYYY-MM-DDTHH:MM", taken or not. */
static GPtrArray *
all_slots (SbSandbox *sb)
{
  GPtrArray *slots = g_ptr_array_new_with_free_func (g_free);
  JsonArray *times = seed_list (sb, "slot_times");
  gint64 days = json_object_get_int_member_with_default (sb_seed_root (sb), "slot_days", 5);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int found = 0;

  for (int d = 1; found < days && d < 30; d++)
    {
      g_autoptr(GDateTime) day = g_date_time_add_days (now, d);
      g_autofree char *date = NULL;

      if (g_date_time_get_day_of_week (day) >= 6)
        continue;
      found++;
      date = g_date_time_format (day, "%Y-%m-%d");
      for (guint t = 0; times && t < json_array_get_length (times); t++)
        g_ptr_array_add (slots, g_strdup_printf ("%sT%s", date,
                                                 json_array_get_string_element (times, t)));
    }
  return slots;
}

static JsonObject *
gd_slots (SbSandbox  *sb,
          SbCall     *call,
          char      **reason)
{
  const char *hall = sb_param (call->params, "hall");
  g_autoptr(GPtrArray) slots = NULL;
  JsonObject *o;

  if (find_value (seed_list (sb, "halls"), "value", hall) == NULL)
    return sb_refuse (reason, "invalid-field");
  slots = all_slots (sb);
  o = sb_options_new ();
  for (guint i = 0; i < slots->len; i++)
    {
      const char *s = g_ptr_array_index (slots, i);
      g_autofree char *key = g_strconcat (hall, "/", s, NULL);
      g_autofree char *label = g_strdup (s);
      JsonObject *opt;

      if (g_hash_table_contains (sb->taken_slots, key))
        continue;
      label[10] = ' ';
      opt = json_object_new ();
      json_object_set_string_member (opt, "value", s);
      json_object_set_string_member (opt, "label", label);
      json_array_add_object_element (json_object_get_array_member (o, "options"), opt);
    }
  return o;
}

static JsonObject *
gd_book (SbSandbox  *sb,
         SbCall     *call,
         char      **reason)
{
  const char *hall_id = sb_param (call->params, "hall");
  const char *slot = sb_param (call->params, "slot");
  JsonObject *hall = find_value (seed_list (sb, "halls"), "value", hall_id);
  g_autoptr(GPtrArray) slots = all_slots (sb);
  g_autoptr(JsonObject) record = json_object_new ();
  g_autofree char *key = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *when = NULL;
  gboolean offered = FALSE;
  JsonObject *answer;

  for (guint i = 0; slot && i < slots->len; i++)
    offered |= strcmp (g_ptr_array_index (slots, i), slot) == 0;
  if (hall == NULL || !offered)
    return sb_refuse (reason, "invalid-field");
  key = g_strconcat (hall_id, "/", slot, NULL);
  if (g_hash_table_contains (sb->taken_slots, key))
    return sb_refuse (reason, "slot-taken");
  reference = sb_next_reference (sb, "GDB");
  g_hash_table_insert (sb->taken_slots, g_steal_pointer (&key), g_strdup (reference));
  when = g_strdup (slot);
  when[10] = ' ';
  answer = sb_receipt_new (reference, "hall", label_of (hall, "zh_CN"),
                           "hall_en", label_of (hall, "en"), "time", when, NULL);
  json_object_set_string_member (record, "kind", "gd-booking");
  json_object_set_string_member (record, "id_number", sb_str (call->person, "id_number"));
  json_object_set_string_member (record, "reference", reference);
  json_object_set_object_member (record, "answer", sb_object_copy (answer));
  sb_store_submission (sb, record);
  return answer;
}

static JsonObject *
gd_slip (SbSandbox  *sb,
         SbCall     *call,
         char      **reason)
{
  return latest_receipt (sb, call, "gd-booking", reason);
}

/* Social insurance */

static JsonObject *
si_info (SbSandbox  *sb,
         SbCall     *call,
         char      **reason)
{
  JsonObject *si = sb_obj (call->person, "si");
  JsonObject *o;
  JsonArray *types;

  if (si == NULL)
    return sb_refuse (reason, "not-found");
  o = json_object_new ();
  json_object_set_string_member (o, "status", sb_str (si, "status"));
  types = sb_arr (si, "types");
  json_object_set_array_member (o, "types", types ? json_array_ref (types) : json_array_new ());
  json_object_set_string_member (o, "base", sb_str (si, "base"));
  json_object_set_string_member (o, "since", sb_str (si, "since"));
  return o;
}

static JsonObject *
si_document (SbSandbox  *sb,
             SbCall     *call,
             gboolean    rights,
             char      **reason)
{
  JsonObject *si = sb_obj (call->person, "si");
  JsonObject *o, *fields;
  g_autofree char *months = NULL;
  g_autofree char *period = NULL;
  g_autofree char *until = sb_days_from_today (90);

  if (si == NULL)
    return sb_refuse (reason, "not-found");
  months = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (si, "months"));
  period = g_strdup_printf ("%s — %s", sb_str (si, "period_from"), sb_str (si, "period_to"));
  o = json_object_new ();
  json_object_set_string_member (o, "holder", sb_str (call->person, "name"));
  json_object_set_string_member (o, "months", months);
  if (rights)
    {
      json_object_set_string_member (o, "year", sb_str (si, "year"));
      json_object_set_string_member (o, "pension", sb_str (si, "pension"));
      json_object_set_string_member (o, "medical", sb_str (si, "medical"));
    }
  else
    json_object_set_string_member (o, "period", period);
  fields = sb_object_copy (o);
  return with_document (o, sb_document_issue (sb, rights ? "si-rights" : "si-certificate",
                                              "GDSI", sb_str (call->person, "name"),
                                              sb_str (call->person, "id_number"), until,
                                              fields));
}

static JsonObject *
si_certificate (SbSandbox  *sb,
                SbCall     *call,
                char      **reason)
{
  return si_document (sb, call, FALSE, reason);
}

static JsonObject *
si_rights (SbSandbox  *sb,
           SbCall     *call,
           char      **reason)
{
  return si_document (sb, call, TRUE, reason);
}

static JsonObject *
si_print (SbSandbox  *sb,
          SbCall     *call,
          char      **reason)
{
  gboolean rights = g_strcmp0 (call->service, "F-GD-08") == 0
                    || g_strcmp0 (sb_param (call->params, "template"), "si-rights") == 0;

  return si_document (sb, call, rights, reason);
}

/* Housing fund */

static char *
masked_account (const char *account)
{
  gsize n = strlen (account);
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < n; i++)
    g_string_append_c (s, i < 4 || i + 4 >= n ? account[i] : '*');
  return g_string_free (s, FALSE);
}

static JsonObject *
hpf_account (SbSandbox  *sb,
             SbCall     *call,
             char      **reason)
{
  JsonObject *hpf = sb_obj (call->person, "hpf");
  JsonObject *o;
  g_autofree char *account = NULL;

  if (hpf == NULL)
    return sb_refuse (reason, "not-found");
  account = masked_account (sb_str (hpf, "account"));
  o = json_object_new ();
  json_object_set_string_member (o, "account", account);
  json_object_set_string_member (o, "status", sb_str (hpf, "status"));
  json_object_set_string_member (o, "balance", sb_str (hpf, "balance"));
  json_object_set_string_member (o, "monthly", sb_str (hpf, "monthly"));
  return o;
}

/* "2026-10  1860.00" lines of a month/amount list, for "this" or "last" year or all. */
static JsonObject *
month_lines (JsonArray  *list,
             const char *member,
             const char *year_choice)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int year = g_date_time_get_year (now) - (g_strcmp0 (year_choice, "last") == 0 ? 1 : 0);
  g_autofree char *prefix = g_strdup_printf ("%d-", year);
  JsonArray *lines = json_array_new ();
  JsonObject *o = json_object_new ();
  double total = 0;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; list && i < json_array_get_length (list); i++)
    {
      JsonObject *m = json_array_get_object_element (list, i);
      g_autofree char *line = NULL;
      const char *month = sb_str (m, "month");
      const char *amount = sb_str (m, "amount");

      if (month == NULL || amount == NULL
          || (year_choice && !g_str_has_prefix (month, prefix)))
        continue;
      line = g_strdup_printf ("%s  %s", month, amount);
      json_array_add_string_element (lines, line);
      total += g_ascii_strtod (amount, NULL);
    }
  json_object_set_array_member (o, member, lines);
  g_snprintf (buf, sizeof buf, "%.2f", total);
  json_object_set_string_member (o, "total", buf);
  return o;
}

static JsonObject *
hpf_deposits (SbSandbox  *sb,
              SbCall     *call,
              char      **reason)
{
  JsonObject *hpf = sb_obj (call->person, "hpf");

  if (hpf == NULL)
    return sb_refuse (reason, "not-found");
  return month_lines (sb_arr (hpf, "deposits"), "deposits", sb_param (call->params, "year"));
}

static JsonObject *
hpf_certificate (SbSandbox  *sb,
                 SbCall     *call,
                 char      **reason)
{
  JsonObject *hpf = sb_obj (call->person, "hpf");
  JsonObject *o;
  g_autofree char *period = NULL;
  g_autofree char *until = sb_days_from_today (90);

  if (hpf == NULL)
    return sb_refuse (reason, "not-found");
  period = g_strdup_printf ("%s — 2026-10", sb_str (hpf, "since"));
  o = json_object_new ();
  json_object_set_string_member (o, "holder", sb_str (call->person, "name"));
  json_object_set_string_member (o, "period", period);
  json_object_set_string_member (o, "balance", sb_str (hpf, "balance"));
  return with_document (o, sb_document_issue (sb, "hpf-certificate", "HPF",
                                              sb_str (call->person, "name"),
                                              sb_str (call->person, "id_number"), until,
                                              sb_object_copy (o)));
}

static JsonObject *
hpf_withdrawals (SbSandbox  *sb,
                 SbCall     *call,
                 char      **reason)
{
  JsonArray *list = sb_arr (sb_obj (call->person, "hpf"), "withdrawals");
  JsonObject *o;

  if (list == NULL || json_array_get_length (list) == 0)
    return sb_refuse (reason, "not-found");
  o = sb_options_new ();
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *w = json_array_get_object_element (list, i);
      const char *date = sb_str (w, "date");
      g_autofree char *cn = g_strdup_printf ("%s提取（%s）", sb_str (w, "reason_zh_HK"), date);
      g_autofree char *en = g_strdup_printf ("%s withdrawal (%s)", sb_str (w, "reason_en"),
                                             date);

      sb_options_add (o, sb_str (w, "id"), cn, cn, en);
    }
  return o;
}

static JsonObject *
hpf_withdrawal (SbSandbox  *sb,
                SbCall     *call,
                char      **reason)
{
  JsonArray *list = sb_arr (sb_obj (call->person, "hpf"), "withdrawals");
  JsonObject *w = find_value (list, "id", sb_param (call->params, "withdrawal"));
  JsonObject *o;

  if (w == NULL)
    return sb_refuse (reason, "not-found");
  o = json_object_new ();
  json_object_set_string_member (o, "reason", sb_str (w, "reason"));
  json_object_set_string_member (o, "amount", sb_str (w, "amount"));
  json_object_set_string_member (o, "stage", sb_str (w, "stage"));
  return o;
}

static JsonObject *
hpf_loan (SbSandbox  *sb,
          SbCall     *call,
          char      **reason)
{
  JsonObject *loan = sb_obj (sb_obj (call->person, "hpf"), "loan");
  JsonObject *o;
  g_autofree char *term = NULL;

  if (loan == NULL)
    return sb_refuse (reason, "not-found");
  term = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (loan, "term"));
  o = json_object_new ();
  json_object_set_string_member (o, "amount", sb_str (loan, "amount"));
  json_object_set_string_member (o, "term", term);
  json_object_set_string_member (o, "rate", sb_str (loan, "rate"));
  json_object_set_string_member (o, "outstanding", sb_str (loan, "outstanding"));
  return o;
}

static JsonObject *
hpf_repayments (SbSandbox  *sb,
                SbCall     *call,
                char      **reason)
{
  JsonObject *loan = sb_obj (sb_obj (call->person, "hpf"), "loan");

  if (loan == NULL)
    return sb_refuse (reason, "not-found");
  return month_lines (sb_arr (loan, "repayments"), "repayments",
                      sb_param (call->params, "year"));
}

/* Real estate */

static JsonObject *
re_records (SbSandbox  *sb,
            SbCall     *call,
            char      **reason)
{
  JsonArray *props = sb_arr (call->person, "properties");
  JsonObject *o;

  if (props == NULL || json_array_get_length (props) == 0)
    return sb_refuse (reason, "not-found");
  o = sb_options_new ();
  for (guint i = 0; i < json_array_get_length (props); i++)
    {
      JsonObject *p = json_array_get_object_element (props, i);

      sb_options_add (o, sb_str (p, "id"), sb_str (p, "address"), sb_str (p, "address_zh_HK"),
                      sb_str (p, "address_en"));
    }
  return o;
}

static JsonObject *
re_record (SbSandbox  *sb,
           SbCall     *call,
           char      **reason)
{
  JsonObject *p = find_value (sb_arr (call->person, "properties"), "id",
                              sb_param (call->params, "record"));
  JsonObject *o;
  const char *keys[] = { "address", "area", "use", "registered", "certificate" };

  if (p == NULL)
    return sb_refuse (reason, "not-found");
  o = json_object_new ();
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    json_object_set_string_member (o, keys[i], sb_str (p, keys[i]));
  return o;
}

/* The certificate of what the citizen owns; kind "none" asks for one of owning nothing. */
static JsonObject *
re_certificate (SbSandbox  *sb,
                SbCall     *call,
                char      **reason)
{
  JsonArray *props = sb_arr (call->person, "properties");
  gboolean none = g_strcmp0 (sb_param (call->params, "kind"), "none") == 0;
  guint n = props ? json_array_get_length (props) : 0;
  JsonArray *list = json_array_new ();
  JsonObject *o = json_object_new ();
  g_autofree char *until = sb_days_from_today (30);

  if ((none && n > 0) || (!none && n == 0))
    {
      json_array_unref (list);
      json_object_unref (o);
      return sb_refuse (reason, "not-eligible");
    }
  for (guint i = 0; i < n; i++)
    json_array_add_string_element (list, sb_str (json_array_get_object_element (props, i),
                                                 "address"));
  json_object_set_string_member (o, "holder", sb_str (call->person, "name"));
  json_object_set_array_member (o, "properties", list);
  return with_document (o, sb_document_issue (sb, "re-certificate", "RE",
                                              sb_str (call->person, "name"),
                                              sb_str (call->person, "id_number"), until,
                                              sb_object_copy (o)));
}

/* Water, gas, cable */

static JsonObject *
bills (SbSandbox  *sb,
       SbCall     *call,
       const char *utility,
       char      **reason)
{
  JsonObject *u = sb_obj (call->person, utility);
  JsonArray *list = sb_arr (u, "bills");
  JsonArray *lines = json_array_new ();
  JsonObject *o;
  double due = 0;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (u == NULL)
    {
      json_array_unref (lines);
      return sb_refuse (reason, "not-found");
    }
  for (guint i = 0; list && i < json_array_get_length (list); i++)
    {
      JsonObject *b = json_array_get_object_element (list, i);
      gboolean paid = json_object_get_boolean_member_with_default (b, "paid", FALSE);

      g_autofree char *line = g_strdup_printf ("%s  %s%s", sb_str (b, "month"),
                                               sb_str (b, "amount"), paid ? "  ✓" : "");

      json_array_add_string_element (lines, line);
      if (!paid)
        due += g_ascii_strtod (sb_str (b, "amount"), NULL);
    }
  o = json_object_new ();
  g_snprintf (buf, sizeof buf, "%.2f", due);
  json_object_set_string_member (o, "account", sb_str (u, "account"));
  json_object_set_string_member (o, "address", sb_str (u, "address"));
  json_object_set_string_member (o, "due", buf);
  json_object_set_array_member (o, "bills", lines);
  return o;
}

static JsonObject *
service_request (SbSandbox   *sb,
                 SbCall      *call,
                 const char  *utility,
                 const char  *prefix,
                 const char **kinds,
                 char       **reason)
{
  JsonObject *u = sb_obj (call->person, utility);
  const char *kind = sb_param (call->params, "kind");
  const char *phone = sb_param (call->params, "phone");
  const char *date = sb_param (call->params, "date");
  g_autoptr(JsonObject) record = json_object_new ();
  g_autofree char *reference = NULL;
  g_autofree char *kind_name = g_strconcat (utility, "-request", NULL);
  gboolean known = FALSE;
  JsonObject *answer;

  if (u == NULL)
    return sb_refuse (reason, "not-found");
  for (guint i = 0; kinds[i]; i++)
    known |= g_strcmp0 (kinds[i], kind) == 0;
  if (!known || !sb_text_ok (phone, 32) || (date && !sb_text_ok (date, 10)))
    return sb_refuse (reason, "invalid-field");
  reference = sb_next_reference (sb, prefix);
  answer = sb_receipt_new (reference, "account", sb_str (u, "account"), "kind", kind,
                           date ? "date" : NULL, date, NULL);
  json_object_set_string_member (record, "kind", kind_name);
  json_object_set_string_member (record, "id_number", sb_str (call->person, "id_number"));
  json_object_set_string_member (record, "reference", reference);
  json_object_set_object_member (record, "answer", sb_object_copy (answer));
  sb_store_submission (sb, record);
  return answer;
}

static JsonObject *
water_bills (SbSandbox  *sb,
             SbCall     *call,
             char      **reason)
{
  return bills (sb, call, "water", reason);
}

static JsonObject *
water_request (SbSandbox  *sb,
               SbCall     *call,
               char      **reason)
{
  static const char *kinds[] = { "transfer", "meter", "stop", NULL };

  return service_request (sb, call, "water", "GZW", kinds, reason);
}

static JsonObject *
water_statement (SbSandbox  *sb,
                 SbCall     *call,
                 char      **reason)
{
  JsonObject *w = sb_obj (call->person, "water");
  JsonArray *list = sb_arr (w, "bills");
  JsonObject *o;
  double paid = 0;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *used = NULL;
  g_autofree char *until = sb_days_from_today (30);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *period = g_date_time_format (now, "%Y-01 — %Y-%m");

  if (w == NULL)
    return sb_refuse (reason, "not-found");
  for (guint i = 0; list && i < json_array_get_length (list); i++)
    {
      JsonObject *b = json_array_get_object_element (list, i);

      if (json_object_get_boolean_member_with_default (b, "paid", FALSE))
        paid += g_ascii_strtod (sb_str (b, "amount"), NULL);
    }
  g_snprintf (buf, sizeof buf, "%.2f", paid);
  used = g_strdup_printf ("%.0f", json_object_get_double_member_with_default (w, "monthly_m3", 0)
                                  * g_date_time_get_month (now));
  o = json_object_new ();
  json_object_set_string_member (o, "account", sb_str (w, "account"));
  json_object_set_string_member (o, "period", period);
  json_object_set_string_member (o, "used", used);
  json_object_set_string_member (o, "paid", buf);
  return with_document (o, sb_document_issue (sb, "water-statement", "GZW",
                                              sb_str (call->person, "name"),
                                              sb_str (call->person, "id_number"), until,
                                              sb_object_copy (o)));
}

static JsonObject *
gas_bills (SbSandbox  *sb,
           SbCall     *call,
           char      **reason)
{
  return bills (sb, call, "gas", reason);
}

static JsonObject *
gas_request (SbSandbox  *sb,
             SbCall     *call,
             char      **reason)
{
  static const char *kinds[] = { "safety", "meter", "stop", NULL };

  return service_request (sb, call, "gas", "GZG", kinds, reason);
}

static JsonObject *
cable_account (SbSandbox  *sb,
               SbCall     *call,
               char      **reason)
{
  JsonObject *c = sb_obj (call->person, "cable");
  JsonObject *o;
  const char *keys[] = { "account", "plan", "due", "until" };

  if (c == NULL)
    return sb_refuse (reason, "not-found");
  o = json_object_new ();
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    json_object_set_string_member (o, keys[i], sb_str (c, keys[i]));
  return o;
}

static JsonObject *
cable_request (SbSandbox  *sb,
               SbCall     *call,
               char      **reason)
{
  static const char *kinds[] = { "repair", "upgrade", "move", NULL };

  return service_request (sb, call, "cable", "GDCN", kinds, reason);
}

const SbOp sb_gd_ops[] = {
  { "gd-gsda", "gd.items", FALSE, gd_items },
  { "gd-gsda", "gd.apply", TRUE, gd_apply },
  { "gd-gsda", "gd.applications", TRUE, gd_applications },
  { "gd-gsda", "gd.progress", TRUE, gd_progress },
  { "gd-gsda", "gd.receipt", TRUE, gd_receipt },
  { "gd-gsda", "gd.halls", FALSE, gd_halls },
  { "gd-gsda", "gd.slots", FALSE, gd_slots },
  { "gd-gsda", "gd.book", TRUE, gd_book },
  { "gd-gsda", "gd.slip", TRUE, gd_slip },
  { "gd-hrss", "si.info", TRUE, si_info },
  { "gd-hrss", "si.certificate", TRUE, si_certificate },
  { "gd-hrss", "si.rights", TRUE, si_rights },
  { "gd-hrss", "si.print", TRUE, si_print },
  { "gd-hpf", "hpf.account", TRUE, hpf_account },
  { "gd-hpf", "hpf.deposits", TRUE, hpf_deposits },
  { "gd-hpf", "hpf.certificate", TRUE, hpf_certificate },
  { "gd-hpf", "hpf.print", TRUE, hpf_certificate },
  { "gd-hpf", "hpf.withdrawals", TRUE, hpf_withdrawals },
  { "gd-hpf", "hpf.withdrawal", TRUE, hpf_withdrawal },
  { "gd-hpf", "hpf.loan", TRUE, hpf_loan },
  { "gd-hpf", "hpf.repayments", TRUE, hpf_repayments },
  { "gd-rer", "re.records", TRUE, re_records },
  { "gd-rer", "re.record", TRUE, re_record },
  { "gd-rer", "re.certificate", TRUE, re_certificate },
  { "gd-rer", "re.print", TRUE, re_certificate },
  { "gd-water", "water.bills", TRUE, water_bills },
  { "gd-water", "water.request", TRUE, water_request },
  { "gd-water", "water.statement", TRUE, water_statement },
  { "gd-water", "water.print", TRUE, water_statement },
  { "gd-cable", "cable.account", TRUE, cable_account },
  { "gd-cable", "cable.request", TRUE, cable_request },
  { "gd-gas", "gas.bills", TRUE, gas_bills },
  { "gd-gas", "gas.request", TRUE, gas_request },
  { NULL }
};
