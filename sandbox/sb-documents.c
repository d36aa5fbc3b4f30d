/* sb-documents.c: documents tongban-sandbox issues, the pages that verify them, and the
 * small page frame every phone page uses
 *
 * Each certificate an operation answers (docs/gateway.md section 5) is registered under
 * its number; GET /verify/{number} shows a phone what it is (type, dates, validity and
 * the holder's masked name, nothing more) and GET /verify/{number}.json the same as data.
 * The same citizen asking for the same certificate on the same day gets the same number,
 * so the preview and the printed copy agree.
 */

#include "sb-ops.h"
#include "tongban-mask.h"

#include <string.h>

typedef struct {
  const char *id;
  const char *zh_cn;
  const char *zh_hk;
  const char *en;
} Template;

static const Template templates[] = {
  { "si-certificate", "社会保险参保缴费证明", "社會保險參保繳費證明",
    "Certificate of social insurance contributions" },
  { "si-rights", "社会保险个人权益记录", "社會保險個人權益記錄",
    "Statement of social insurance rights" },
  { "hpf-certificate", "住房公积金缴存证明", "住房公積金繳存證明",
    "Certificate of housing fund deposits" },
  { "re-certificate", "不动产登记信息查询证明", "不動產登記信息查詢證明",
    "Certificate of real estate registration" },
  { "water-statement", "用水缴费清单", "用水繳費清單", "Statement of water use and payments" },
  { "dsi-kinship", "亲属关系证明", "親屬關係證明", "Certificate of kinship" },
  { "dsi-personal", "个人资料证明", "個人資料證明", "Certificate of personal particulars" },
  { "dsaj-record", "刑事纪录证明书", "刑事紀錄證明書", "Certificate of criminal record" },
  { "ird-acknowledgement", "报税表收件通知", "報稅表收件通知",
    "Acknowledgement of a tax return" },
  { "cr-certificate", "公司注册证明书", "公司註冊證明書", "Certificate of the Companies Registry" },
};

static const Template *
find_template (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    if (g_strcmp0 (templates[i].id, id) == 0)
      return &templates[i];
  return NULL;
}

/* The record's own facts, labelled in the three languages: a certificate's `fields`
 * as the kiosk's one renderer reads them (docs/gateway.md 5.1). */
static const struct {
  const char *key;
  const char *zh_cn;
  const char *zh_hk;
  const char *en;
} labels[] = {
  { "period", "缴费期间", "繳費期間", "Period covered" },
  { "months", "累计缴费月数", "累計繳費月數", "Months paid" },
  { "year", "年度", "年度", "Year" },
  { "pension", "养老保险个人账户（元）", "養老保險個人賬戶（元）", "Pension account (CNY)" },
  { "medical", "医疗保险个人账户（元）", "醫療保險個人賬戶（元）", "Medical account (CNY)" },
  { "balance", "账户余额（元）", "賬戶餘額（元）", "Account balance (CNY)" },
  { "account", "用户号", "用戶號", "Account number" },
  { "used", "用水量（立方米）", "用水量（立方米）", "Water used (m³)" },
  { "paid", "已缴金额（元）", "已繳金額（元）", "Amount paid (CNY)" },
  { "relative", "亲属", "親屬", "Relative" },
  { "relation", "关系", "關係", "Relationship" },
  { "born", "出生日期", "出生日期", "Date of birth" },
  { "document", "证件", "證件", "Identity document" },
  { "record", "刑事纪录", "刑事紀錄", "Criminal record" },
  { "form", "表格", "表格", "Form" },
  { "reference", "档案编号", "檔案編號", "File reference" },
  { "company", "公司名称（英文）", "公司名稱（英文）", "Company name (English)" },
  { "company_zh", "公司名称（中文）", "公司名稱（中文）", "Company name (Chinese)" },
  { "cr_number", "公司编号", "公司編號", "Company number" },
  { "kind", "事项", "事項", "Matter" },
};

/* Coded values read as words. */
static const struct {
  const char *key;
  const char *value;
  const char *zh_cn;
  const char *zh_hk;
  const char *en;
} words[] = {
  { "record", "none", "无刑事纪录", "無刑事紀錄", "No criminal record" },
  { "record", "some", "有刑事纪录", "有刑事紀錄", "Criminal record held" },
  { "kind", "incorporation", "公司成立", "公司成立", "Incorporation" },
  { "kind", "change-of-name", "更改公司名称", "更改公司名稱", "Change of company name" },
};

static JsonNode *
text3 (const char *zh_cn,
       const char *zh_hk,
       const char *en)
{
  JsonObject *o = json_object_new ();
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (o, "zh_CN", zh_cn);
  json_object_set_string_member (o, "zh_HK", zh_hk);
  json_object_set_string_member (o, "en", en);
  json_node_take_object (n, o);
  return n;
}

static JsonObject *
render_fields (const char *template_id,
               const char *holder_name,
               const char *id_number,
               JsonObject *specific)
{
  JsonObject *fields = json_object_new ();
  JsonObject *holder = json_object_new ();
  JsonArray *rows = json_array_new ();
  JsonArray *list = json_object_has_member (specific, "properties")
                    ? json_object_get_array_member (specific, "properties") : NULL;

  json_object_set_string_member (holder, "name", holder_name);
  /* A company's certificate names the company by its number; a return's receipt the
   * taxpayer by name alone. */
  if (g_strcmp0 (template_id, "cr-certificate") == 0)
    json_object_set_string_member (holder, "id_number", sb_str (specific, "cr_number"));
  else if (g_strcmp0 (template_id, "ird-acknowledgement") != 0 && id_number != NULL)
    json_object_set_string_member (holder, "id_number", id_number);
  json_object_set_object_member (fields, "holder", holder);

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      const char *value = json_object_has_member (specific, labels[i].key)
                          ? sb_str (specific, labels[i].key) : NULL;
      JsonObject *row;
      JsonNode *shown = NULL;

      if (value == NULL || *value == '\0')
        continue;
      for (guint w = 0; w < G_N_ELEMENTS (words); w++)
        if (strcmp (words[w].key, labels[i].key) == 0 && strcmp (words[w].value, value) == 0)
          shown = text3 (words[w].zh_cn, words[w].zh_hk, words[w].en);
      row = json_object_new ();
      json_object_set_member (row, "label", text3 (labels[i].zh_cn, labels[i].zh_hk,
                                                   labels[i].en));
      if (shown)
        json_object_set_member (row, "value", shown);
      else
        json_object_set_string_member (row, "value", value);
      json_array_add_object_element (rows, row);
    }
  if (list != NULL && json_array_get_length (list) > 0)
    {
      JsonObject *table = json_object_new ();
      JsonArray *columns = json_array_new ();
      JsonArray *cells = json_array_new ();

      json_array_add_element (columns, text3 ("不动产坐落", "不動產坐落", "Property address"));
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonArray *cell = json_array_new ();

          json_array_add_string_element (cell, json_array_get_string_element (list, i));
          json_array_add_array_element (cells, cell);
        }
      json_object_set_array_member (table, "columns", columns);
      json_object_set_array_member (table, "rows", cells);
      json_object_set_object_member (fields, "table", table);
    }
  if (json_array_get_length (rows) > 0)
    json_object_set_array_member (fields, "rows", rows);
  else
    json_array_unref (rows);
  return fields;
}

JsonObject *
sb_document_issue (SbSandbox  *sb,
                   const char *template_id,
                   const char *prefix,
                   const char *holder_name,
                   const char *id_number,
                   const char *valid_until,
                   JsonObject *fields)
{
  g_autoptr(JsonObject) specific = fields;
  g_autoptr(JsonObject) owned_fields = render_fields (template_id, holder_name, id_number,
                                                      specific);
  g_autofree char *today = sb_today ();
  g_autofree char *reuse = g_strdup_printf ("%s|%s|%s", id_number, template_id, today);
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autofree char *number = NULL;
  g_autofree char *masked = NULL;
  JsonObject *record;
  JsonObject *doc;
  const char *known;

  g_assert (find_template (template_id) != NULL);
  /* The registry keeps the reuse key → number too (as a string member of a record). */
  record = g_hash_table_lookup (sb->documents, reuse);
  known = record ? sb_str (record, "number") : NULL;
  if (known && (record = g_hash_table_lookup (sb->documents, known)) != NULL)
    {
      doc = sb_object_copy (sb_obj (record, "document"));
      json_object_set_string_member (owned_fields, "number", known);
      json_object_set_string_member (owned_fields, "issued", sb_str (doc, "issued"));
      json_object_set_object_member (doc, "fields", json_object_ref (owned_fields));
      return doc;
    }

  number = sb_next_reference (sb, prefix);
  base = sb_sandbox_base_url (sb);
  url = g_strdup_printf ("%s/verify/%s", base, number);
  masked = tongban_mask_name (holder_name);
  json_object_set_string_member (owned_fields, "number", number);
  json_object_set_string_member (owned_fields, "issued", today);

  doc = json_object_new ();
  json_object_set_string_member (doc, "template", template_id);
  json_object_set_string_member (doc, "number", number);
  json_object_set_string_member (doc, "verify_url", url);
  json_object_set_string_member (doc, "issued", today);
  if (valid_until)
    json_object_set_string_member (doc, "valid_until", valid_until);
  json_object_set_object_member (doc, "fields", json_object_ref (owned_fields));

  record = json_object_new ();
  json_object_set_string_member (record, "number", number);
  json_object_set_string_member (record, "template", template_id);
  json_object_set_string_member (record, "issued", today);
  if (valid_until)
    json_object_set_string_member (record, "valid_until", valid_until);
  json_object_set_string_member (record, "holder", masked);
  json_object_set_object_member (record, "document", sb_object_copy (doc));
  g_hash_table_insert (sb->documents, g_strdup (number), record);

  record = json_object_new ();
  json_object_set_string_member (record, "number", number);
  g_hash_table_insert (sb->documents, g_steal_pointer (&reuse), record);
  return doc;
}

/* Pages */

/* The recognised language with the highest q in Accept-Language (first wins a tie). */
SbLang
sb_page_lang (SbRequest *request)
{
  const char *q = sb_request_query (request, "lang");
  const char *accept = sb_request_header (request, "Accept-Language");
  g_auto(GStrv) tags = NULL;
  SbLang best = SB_LANG_ZH_CN;
  double best_q = -1;

  if (q)
    return strcmp (q, "en") == 0 ? SB_LANG_EN
           : strcmp (q, "zh_HK") == 0 ? SB_LANG_ZH_HK : SB_LANG_ZH_CN;
  tags = g_strsplit (accept ? accept : "", ",", 16);
  for (guint i = 0; tags[i]; i++)
    {
      g_autofree char *t = g_ascii_strdown (g_strstrip (tags[i]), -1);
      char *semi = strchr (t, ';');
      double weight = 1;
      SbLang lang;

      if (semi)
        {
          const char *qv = strstr (semi, "q=");

          *semi = '\0';
          weight = qv ? g_ascii_strtod (qv + 2, NULL) : 1;
        }
      if (g_str_has_prefix (t, "zh-hk") || g_str_has_prefix (t, "zh-mo")
          || g_str_has_prefix (t, "zh-tw") || g_str_has_prefix (t, "zh-hant"))
        lang = SB_LANG_ZH_HK;
      else if (g_str_has_prefix (t, "zh"))
        lang = SB_LANG_ZH_CN;
      else if (g_str_has_prefix (t, "en"))
        lang = SB_LANG_EN;
      else
        continue;
      if (weight > best_q)
        {
          best = lang;
          best_q = weight;
        }
    }
  return best;
}

const char *
sb_tr (SbLang      lang,
       const char *zh_cn,
       const char *zh_hk,
       const char *en)
{
  return lang == SB_LANG_EN ? en : lang == SB_LANG_ZH_HK ? zh_hk : zh_cn;
}

void
sb_page_respond (SbResponse *response,
                 guint       status,
                 SbLang      lang,
                 const char *title,
                 const char *body_html)
{
  g_autofree char *t = g_markup_escape_text (title, -1);
  g_autofree char *page = g_strdup_printf (
    "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<title>%s</title><style>"
    "body{font-family:sans-serif;margin:0;padding:1rem;max-width:32rem;color:#1a1a1a}"
    "h1{font-size:1.4rem}dt{font-weight:bold;margin-top:.6rem}dd{margin:0}"
    "label{display:block;margin-top:1rem}input{font-size:1.1rem;width:100%%;padding:.5rem;"
    "box-sizing:border-box}button{font-size:1.1rem;margin-top:1.2rem;padding:.7rem 1.4rem}"
    ".ok{color:#0a6b2d}.bad{color:#a4161a}nav a{margin-right:1rem}"
    "</style></head><body><h1>%s</h1>%s<nav>"
    "<a href=\"?lang=zh_CN\">简体</a><a href=\"?lang=zh_HK\">繁體</a>"
    "<a href=\"?lang=en\">English</a></nav></body></html>\n",
    sb_tr (lang, "zh-CN", "zh-HK", "en"), t, t, body_html);

  sb_response_text (response, status, "text/html; charset=utf-8", page);
}

/* GET /verify/{number} and /verify/{number}.json */

static void
handle_verify (SbSandbox  *sb,
               SbRequest  *request,
               SbResponse *response,
               gpointer    user_data)
{
  const char *path = sb_request_path (request) + strlen ("/verify/");
  g_autofree char *number = g_strdup (path);
  gboolean json = g_str_has_suffix (number, ".json");
  SbLang lang = sb_page_lang (request);
  g_autoptr(JsonObject) found = NULL;
  g_autofree char *today = sb_today ();
  const Template *tpl;
  const char *until;
  gboolean valid;

  if (json)
    number[strlen (number) - 5] = '\0';
  sb_lock (sb);
  if (*number && strchr (number, '|') == NULL)
    {
      JsonObject *r = g_hash_table_lookup (sb->documents, number);

      if (r && sb_obj (r, "document"))
        found = json_object_ref (r);
    }
  sb_unlock (sb);

  if (found == NULL)
    {
      if (json)
        sb_response_text (response, 404, "application/json",
                          "{\"issued\": false, \"detail\": \"no document with this number\"}");
      else
        sb_page_respond (response, 404, lang,
                         sb_tr (lang, "未签发", "未簽發", "Not issued"),
                         sb_tr (lang, "<p class=\"bad\">没有签发过这个编号的证明。"
                                      "这份文件不是由本系统签发的，请向出具单位核实。</p>",
                                "<p class=\"bad\">沒有簽發過這個編號的證明。"
                                "這份文件不是由本系統簽發的，請向出具單位核實。</p>",
                                "<p class=\"bad\">No document with this number was issued. "
                                "This paper did not come from this system: check with the "
                                "office that is said to have issued it.</p>"));
      return;
    }

  tpl = find_template (sb_str (found, "template"));
  until = sb_str (found, "valid_until");
  valid = until == NULL || strcmp (today, until) <= 0;
  if (json)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      g_autoptr(JsonNode) node = NULL;

      json_object_set_boolean_member (o, "issued", TRUE);
      json_object_set_string_member (o, "number", number);
      json_object_set_string_member (o, "template", tpl->id);
      json_object_set_string_member (o, "title", tpl->en);
      json_object_set_string_member (o, "holder", sb_str (found, "holder"));
      json_object_set_string_member (o, "issued_on", sb_str (found, "issued"));
      if (until)
        json_object_set_string_member (o, "valid_until", until);
      json_object_set_boolean_member (o, "valid", valid);
      node = json_node_init_object (json_node_alloc (), o);
      sb_response_json (response, 200, node);
    }
  else
    {
      g_autofree char *n = g_markup_escape_text (number, -1);
      g_autofree char *holder = g_markup_escape_text (sb_str (found, "holder"), -1);
      g_autofree char *body = g_strdup_printf (
        "<p class=\"%s\">%s</p><dl><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
        "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd></dl>",
        valid ? "ok" : "bad",
        valid ? sb_tr (lang, "这份证明由本系统签发，现仍有效。", "這份證明由本系統簽發，現仍有效。",
                       "This document was issued by this system and is still valid.")
              : sb_tr (lang, "这份证明由本系统签发，但已过有效期。",
                       "這份證明由本系統簽發，但已過有效期。",
                       "This document was issued by this system but is no longer valid."),
        sb_tr (lang, "证明类型", "證明類型", "Document"),
        sb_tr (lang, tpl->zh_cn, tpl->zh_hk, tpl->en),
        sb_tr (lang, "编号", "編號", "Number"), n,
        sb_tr (lang, "持证人", "持證人", "Holder"), holder,
        sb_tr (lang, "签发日期", "簽發日期", "Issued on"), sb_str (found, "issued"),
        sb_tr (lang, "有效期至", "有效期至", "Valid until"),
        until ? until : sb_tr (lang, "长期", "長期", "No end date"));

      sb_page_respond (response, 200, lang, sb_tr (lang, "证明核验", "證明核驗",
                                                   "Document check"), body);
    }
}

/* GET /: what this is, for a person who opens the address in a browser. */
static void
handle_index (SbSandbox  *sb,
              SbRequest  *request,
              SbResponse *response,
              gpointer    user_data)
{
  SbLang lang = sb_page_lang (request);
  g_autofree char *system = NULL;
  g_autofree char *operation = NULL;

  if (sb_call_path_split (sb_request_path (request), &system, &operation))
    {
      sb_response_text (response, 405, "application/json",
                        "{\"ok\": false, \"detail\": \"operations are called with POST\"}");
      return;
    }
  if (strcmp (sb_request_path (request), "/") != 0)
    {
      sb_page_respond (response, 404, lang, sb_tr (lang, "没有这个页面", "沒有這個頁面",
                                                   "No such page"), "");
      return;
    }
  sb_page_respond (response, 200, lang,
                   sb_tr (lang, "政务系统模拟服务", "政務系統模擬服務",
                          "Stand-in government systems"),
                   sb_tr (lang,
                          "<p>本服务为湾区通办的演示和测试模拟各政务系统，数据均为虚构。"
                          "业务接口：POST /{系统}/ops/{操作}；证明核验：/verify/{编号}。</p>",
                          "<p>本服務為灣區通辦的示範和測試模擬各政務系統，資料均為虛構。"
                          "業務接口：POST /{系統}/ops/{操作}；證明核驗：/verify/{編號}。</p>",
                          "<p>This service stands in for the government systems in Tongban's "
                          "demonstration and tests; every record is made up. Business calls: "
                          "POST /{system}/ops/{operation}; document checks: "
                          "/verify/{number}.</p>"));
}

void
sb_documents_add_routes (SbSandbox *sb)
{
  sb_http_add_route (sb, "GET", "/", handle_index, NULL);
  sb_http_add_route (sb, "GET", "/verify/", handle_verify, NULL);
}
