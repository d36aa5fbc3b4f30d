/* document-sample.h: sample certificate answers for the document tests and benchmark
 *
 * One answer per template as docs/gateway.md section 5.1 describes it: a
 * holder named in each language, a label/value row, a table of months with
 * @n_table_rows rows and a statement in three languages.
 */
#pragma once

#include <json-glib/json-glib.h>
#include "tongban-i18n.h"

G_GNUC_UNUSED static const char *const document_templates[] = {
  "si-certificate", "si-rights", "hpf-certificate", "re-certificate", "water-statement",
  "dsi-kinship", "dsi-personal", "dsaj-record", "ird-acknowledgement", "cr-certificate",
};

G_GNUC_UNUSED static const char *const document_names[TONGBAN_N_LANGUAGES] = {
  "陈大文", "陳大文", "CHAN Tai Man"
};

static inline JsonObject *
document_sample (const char *template,
        guint       n_table_rows)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *number = g_strdup_printf ("T-%s-000123", template);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:8650/verify/%s", number);
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "template");
  json_builder_add_string_value (b, template);
  json_builder_set_member_name (b, "number");
  json_builder_add_string_value (b, number);
  json_builder_set_member_name (b, "verify_url");
  json_builder_add_string_value (b, url);
  json_builder_set_member_name (b, "issued");
  json_builder_add_string_value (b, "2026-11-27");
  json_builder_set_member_name (b, "fields");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "holder");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_begin_object (b);
  for (guint i = 0; i < TONGBAN_N_LANGUAGES; i++)
    {
      json_builder_set_member_name (b, tongban_language_to_code (i));
      json_builder_add_string_value (b, document_names[i]);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "id_number");
  json_builder_add_string_value (b, "440106199001011234");
  json_builder_end_object (b);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "label");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "zh_CN");
  json_builder_add_string_value (b, "参保单位");
  json_builder_set_member_name (b, "zh_HK");
  json_builder_add_string_value (b, "參保單位");
  json_builder_set_member_name (b, "en");
  json_builder_add_string_value (b, "Employer");
  json_builder_end_object (b);
  json_builder_set_member_name (b, "value");
  json_builder_add_string_value (b, "Guangzhou Example Trading Co., Ltd.");
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "table");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "columns");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "Month");
  json_builder_add_string_value (b, "Base");
  json_builder_add_string_value (b, "Paid");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_table_rows; i++)
    {
      g_autofree char *month = g_strdup_printf ("%04u-%02u", 2026 - i / 12, 12 - i % 12);

      json_builder_begin_array (b);
      json_builder_add_string_value (b, month);
      json_builder_add_string_value (b, "8,000.00");
      json_builder_add_string_value (b, "1,280.00");
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "statement");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "zh_CN");
  json_builder_add_string_value (b, "兹证明上述人员的记录如上表所列。本证明仅用于办理相关业务，"
                                    "涂改无效。");
  json_builder_set_member_name (b, "zh_HK");
  json_builder_add_string_value (b, "茲證明上述人士的紀錄如上表所列。本證明僅用於辦理相關事務，"
                                    "塗改無效。");
  json_builder_set_member_name (b, "en");
  json_builder_add_string_value (b, "This is to certify that the records of the person named "
                                    "above are as listed. Any alteration makes it void.");
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_object_ref (json_node_get_object (root));
}

