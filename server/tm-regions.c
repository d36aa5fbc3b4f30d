/* tm-regions.c: the region table, loaded from data/regions.tsv, and scope checks
 *
 * Each region stores its path of codes from the top ("/440000/440100/440106/"), so
 * "everything under Guangzhou" is one prefix match at any of the five levels.
 */

#include "tm-app.h"
#include "tongban-region-code.h"

#include <string.h>
#include <gio/gio.h>

gboolean
tm_regions_load (TmApp   *app,
                 GError **error)
{
  g_autoptr(GBytes) data = g_resources_lookup_data ("/cn/gov/gba/Tongban/manager/data/regions.tsv",
                                                    0, error);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  TmConn *conn;
  GError *db_error = NULL;
  gboolean ok;

  if (data == NULL)
    return FALSE;
  text = g_strndup (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  lines = g_strsplit (text, "\n", -1);

  conn = tm_db_acquire (app->db);
  ok = tm_conn_begin (conn, &db_error);
  for (guint i = 0; ok && lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = NULL;
      const char *parent_path;
      char *path;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      f = g_strsplit (lines[i], "\t", -1);
      if (g_strv_length (f) != 5 || !tongban_region_code_is_valid (f[0])
          || tongban_region_level_parse (f[2]) == TONGBAN_REGION_INVALID)
        {
          g_set_error (&db_error, TM_DB_ERROR, TM_DB_ERROR_MIGRATE, "regions.tsv line %u is bad",
                       i + 1);
          ok = FALSE;
          break;
        }
      parent_path = *f[1] ? g_hash_table_lookup (paths, f[1]) : "/";
      if (parent_path == NULL)
        {
          g_set_error (&db_error, TM_DB_ERROR, TM_DB_ERROR_MIGRATE,
                       "regions.tsv line %u: parent %s comes later or is missing", i + 1, f[1]);
          ok = FALSE;
          break;
        }
      path = g_strconcat (parent_path, f[0], "/", NULL);
      g_hash_table_insert (paths, g_strdup (f[0]), path);
      ok = tm_x (conn, &db_error,
                 "INSERT INTO region (code, parent, level, path, name_zh, name_en)"
                 " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET"
                 " parent = excluded.parent, level = excluded.level, path = excluded.path,"
                 " name_zh = excluded.name_zh, name_en = excluded.name_en",
                 TM_STR (f[0]), TM_STR (*f[1] ? f[1] : NULL), TM_STR (f[2]), TM_STR (path),
                 TM_STR (f[3]), TM_STR (f[4]));
    }
  if (ok)
    ok = tm_conn_commit (conn, &db_error);
  else
    tm_conn_rollback (conn);
  tm_db_release (app->db, conn);
  if (!ok)
    g_propagate_error (error, db_error);
  return ok;
}

char *
tm_region_path (TmConn     *conn,
                const char *code)
{
  g_autoptr(TmRows) rows = NULL;

  if (!tongban_region_code_is_valid (code))
    return NULL;
  rows = tm_q (conn, NULL, "SELECT path FROM region WHERE code = ?", TM_STR (code));
  if (rows == NULL || rows->n_rows == 0)
    return NULL;
  return g_strdup (tm_rows_get (rows, 0, 0));
}

/* The path of region @code when it lies within @caller's scope; otherwise NULL, with an
 * error on @field saying whether the region is unknown or outside the scope. */
char *
tm_region_path_in_scope (TmConn           *conn,
                         const TmAccount  *caller,
                         const char       *code,
                         const char       *field,
                         GError          **error)
{
  g_autofree char *path = tm_region_path (conn, code);

  if (path == NULL)
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, field, "unknown region");
      return NULL;
    }
  if (!g_str_has_prefix (path, caller->region_path))
    {
      tm_set_error (error, TONGBAN_CODE_FORBIDDEN, field, "outside your region scope");
      return NULL;
    }
  return g_steal_pointer (&path);
}

gboolean
tm_region_within (TmConn     *conn,
                  const char *code,
                  const char *scope_code)
{
  g_autofree char *path = tm_region_path (conn, code);
  g_autofree char *scope = g_strconcat ("/", scope_code, "/", NULL);

  return path != NULL && strstr (path, scope) != NULL;
}

JsonNode *
tm_regions_children (TmApp       *app,
                     const char  *parent,
                     GError     **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(TmRows) rows = NULL;
  GError *db_error = NULL;
  TmConn *conn;

  if (parent != NULL && !tongban_region_code_is_valid (parent))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "parent", "not a region code");
      return NULL;
    }
  conn = tm_db_acquire (app->db);
  if (parent == NULL)
    rows = tm_q (conn, &db_error, "SELECT code, level, name_zh, name_en FROM region"
                 " WHERE parent IS NULL ORDER BY code");
  else
    rows = tm_q (conn, &db_error, "SELECT code, level, name_zh, name_en FROM region"
                 " WHERE parent = ? ORDER BY code", TM_STR (parent));
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
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, tm_rows_get (rows, r, 0));
      json_builder_set_member_name (b, "level");
      json_builder_add_string_value (b, tm_rows_get (rows, r, 1));
      json_builder_set_member_name (b, "name_zh");
      json_builder_add_string_value (b, tm_rows_get (rows, r, 2));
      json_builder_set_member_name (b, "name_en");
      json_builder_add_string_value (b, tm_rows_get (rows, r, 3));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}
