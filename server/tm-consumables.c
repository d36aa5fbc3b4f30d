/* tm-consumables.c: consumables stock per site and item — in, out, adjustment, query (M-05)
 *
 * Stock is kept where it is stored (region + site); a query shows, beside each item, the
 * levels the site's terminals last reported, so the back office sees both the shelf and
 * the printers.
 */

#include "tm-app.h"
#include "tongban-region-code.h"

#include <string.h>

JsonNode *
tm_stock_change (TmApp            *app,
                 const TmAccount  *caller,
                 JsonObject       *body,
                 GError          **error)
{
  static const char * const fields[] = { "region_code", "site", "item", "kind", "quantity", "note",
                                         NULL };
  static const char * const kinds[] = { "in", "out", "adjust", NULL };
  const char *region, *site, *item, *kind, *note, *reason = NULL, *bad = NULL;
  g_autoptr(TmRows) cur = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  GError *db_error = NULL;
  gint64 qty = 0, balance, have;
  TmConn *conn;
  gboolean ok;

  if (!tongban_json_only_fields (body, fields, &bad))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, bad, "unknown field");
      return NULL;
    }
#define STR(f, req, max, out) \
  if (!tongban_json_get_string (body, f, req, max, out, &reason)) \
    { tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, f, "%s", reason); return NULL; }
  STR ("region_code", TRUE, 9, &region);
  STR ("site", TRUE, 200, &site);
  STR ("item", TRUE, 32, &item);
  STR ("kind", TRUE, 8, &kind);
  STR ("note", FALSE, 500, &note);
#undef STR
  if (!g_strv_contains (kinds, kind))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "kind", "one of in, out, adjust");
      return NULL;
    }
  if (!tongban_json_get_int (body, "quantity", TRUE, g_str_equal (kind, "adjust") ? 0 : 1,
                             1000000, &qty, &reason))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "quantity", "%s", reason);
      return NULL;
    }
  conn = tm_db_acquire (app->db);
  path = tm_region_path_in_scope (conn, caller, region, "region_code", error);
  if (path == NULL)
    {
      tm_db_release (app->db, conn);
      return NULL;
    }
  ok = tm_conn_begin (conn, &db_error);
  if (ok)
    {
      cur = tm_q (conn, &db_error, "SELECT quantity FROM stock WHERE region_code = ? AND site = ?"
                  " AND item = ?", TM_STR (region), TM_STR (site), TM_STR (item));
      ok = cur != NULL;
    }
  if (!ok)
    {
      tm_conn_rollback (conn);
      tm_db_release (app->db, conn);
      tm_db_fail (error, db_error);
      return NULL;
    }
  have = cur->n_rows ? tm_rows_get_int (cur, 0, 0) : 0;
  balance = g_str_equal (kind, "in") ? have + qty : g_str_equal (kind, "out") ? have - qty : qty;
  if (balance < 0)
    {
      tm_conn_rollback (conn);
      tm_db_release (app->db, conn);
      tm_set_error (error, TONGBAN_CODE_CONFLICT, "quantity",
                    "only %" G_GINT64_FORMAT " in stock", have);
      return NULL;
    }
  ok = tm_x (conn, &db_error, "INSERT INTO stock (region_code, site, item, quantity, updated_at)"
             " VALUES (?, ?, ?, ?, ?) ON CONFLICT (region_code, site, item) DO UPDATE SET"
             " quantity = excluded.quantity, updated_at = excluded.updated_at",
             TM_STR (region), TM_STR (site), TM_STR (item), TM_INT (balance), TM_INT (tm_now ()))
       && tm_x (conn, &db_error, "INSERT INTO stock_txn (region_code, site, item, kind, quantity,"
                " balance, at, actor, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", TM_STR (region),
                TM_STR (site), TM_STR (item), TM_STR (kind), TM_INT (qty), TM_INT (balance),
                TM_INT (tm_now ()), TM_STR (caller->username), TM_STR (note))
       && tm_conn_commit (conn, &db_error);
  if (!ok)
    tm_conn_rollback (conn);
  tm_db_release (app->db, conn);
  if (!ok)
    {
      tm_db_fail (error, db_error);
      return NULL;
    }
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "item");
  json_builder_add_string_value (b, item);
  json_builder_set_member_name (b, "quantity");
  json_builder_add_int_value (b, balance);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
tm_stock_query (TmApp            *app,
                const TmAccount  *caller,
                const char       *region,
                const char       *site,
                GError          **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(TmRows) rows = NULL;
  g_autofree char *path = NULL;
  g_autofree char *like = NULL;
  GError *db_error = NULL;
  TmConn *conn = tm_db_acquire (app->db);

  if (region != NULL)
    {
      path = tm_region_path_in_scope (conn, caller, region, "region", error);
      if (path == NULL)
        {
          tm_db_release (app->db, conn);
          return NULL;
        }
    }
  like = g_strconcat (path ? path : caller->region_path, "%", NULL);
  /* Each stock line with the lowest level any terminal at that site reports for the item. */
  rows = tm_q (conn, &db_error,
               "SELECT s.region_code, s.site, s.item, s.quantity,"
               " (SELECT MIN(l.level) FROM consumable_level l"
               "  JOIN terminal t ON t.id = l.terminal_id"
               "  WHERE t.site = s.site AND t.region_code = s.region_code AND l.item = s.item),"
               " (SELECT COUNT(*) FROM consumable_level l JOIN terminal t ON t.id = l.terminal_id"
               "  WHERE t.site = s.site AND t.region_code = s.region_code AND l.item = s.item)"
               " FROM stock s JOIN region r ON r.code = s.region_code WHERE r.path LIKE ?"
               " AND (CAST(? AS TEXT) IS NULL OR s.site = ?)"
               " ORDER BY s.region_code, s.site, s.item",
               TM_STR (like), TM_STR (site), TM_STR (site));
  tm_db_release (app->db, conn);
  if (rows == NULL)
    {
      tm_db_fail (error, db_error);
      return NULL;
    }
  json_builder_begin_array (b);
  for (guint r = 0; r < rows->n_rows; r++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "region_code");
      json_builder_add_string_value (b, tm_rows_get (rows, r, 0));
      json_builder_set_member_name (b, "site");
      json_builder_add_string_value (b, tm_rows_get (rows, r, 1));
      json_builder_set_member_name (b, "item");
      json_builder_add_string_value (b, tm_rows_get (rows, r, 2));
      json_builder_set_member_name (b, "quantity");
      json_builder_add_int_value (b, tm_rows_get_int (rows, r, 3));
      json_builder_set_member_name (b, "lowest_terminal_level");
      if (tm_rows_get (rows, r, 4) != NULL)
        json_builder_add_int_value (b, tm_rows_get_int (rows, r, 4));
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "reporting_terminals");
      json_builder_add_int_value (b, tm_rows_get_int (rows, r, 5));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}
