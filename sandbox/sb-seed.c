/* sb-seed.c: the seeded citizens and companies tongban-sandbox starts with
 *
 * The seed (sandbox/data/seed.json, built in as a resource, or --seed FILE) is checked
 * once on loading; afterwards each citizen can be found by any number they hold: the
 * resident ID, an exit-entry permit, a Hong Kong identity card or a Macao resident ID.
 */

#include "sb-ops.h"

static void
index_citizen (SbSandbox  *sb,
               JsonObject *c,
               const char *key)
{
  if (key != NULL && *key != '\0')
    g_hash_table_insert (sb->citizens, (gpointer) key, c);
}

gboolean
sb_seed_load (SbSandbox  *sb,
              GBytes     *json,
              GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = g_bytes_get_data (json, &len);
  JsonNode *root;
  JsonObject *o;
  JsonArray *citizens, *companies;

  if (!json_parser_load_from_data (parser, data ? data : "", (gssize) len, error))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || !json_object_has_member (json_node_get_object (root), "citizens")
      || !json_object_has_member (json_node_get_object (root), "companies"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the seed must be an object with citizens and companies");
      return FALSE;
    }
  o = json_node_get_object (root);
  citizens = json_object_get_array_member (o, "citizens");
  companies = json_object_get_array_member (o, "companies");
  if (citizens == NULL || companies == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "citizens and companies must be lists");
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (citizens); i++)
    {
      JsonNode *n = json_array_get_element (citizens, i);
      JsonObject *c = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      JsonObject *permit;

      if (c == NULL || !json_object_has_member (c, "id_number")
          || !json_object_has_member (c, "name"))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "citizen %u has no id_number or name", i);
          return FALSE;
        }
      index_citizen (sb, c, json_object_get_string_member (c, "id_number"));
      index_citizen (sb, c, json_object_get_string_member_with_default (c, "hkid", NULL));
      index_citizen (sb, c, json_object_get_string_member_with_default (c, "mo_id", NULL));
      permit = sb_obj (c, "permit");
      if (permit)
        index_citizen (sb, c, json_object_get_string_member_with_default (permit, "number",
                                                                          NULL));
    }
  for (guint i = 0; i < json_array_get_length (companies); i++)
    {
      JsonNode *n = json_array_get_element (companies, i);
      JsonObject *c = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;

      if (c == NULL || !json_object_has_member (c, "cr") || !json_object_has_member (c, "brn"))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "company %u has no cr or brn", i);
          return FALSE;
        }
      g_hash_table_insert (sb->companies, (gpointer) json_object_get_string_member (c, "cr"), c);
      g_hash_table_insert (sb->companies, (gpointer) json_object_get_string_member (c, "brn"), c);
    }
  sb->seed = json_node_ref (root);
  return TRUE;
}

JsonObject *
sb_seed_root (SbSandbox *sb)
{
  return json_node_get_object (sb->seed);
}

JsonObject *
sb_seed_citizen (SbSandbox  *sb,
                 const char *any_id_number)
{
  return any_id_number ? g_hash_table_lookup (sb->citizens, any_id_number) : NULL;
}

JsonObject *
sb_seed_company (SbSandbox  *sb,
                 const char *cr_or_brn)
{
  return cr_or_brn ? g_hash_table_lookup (sb->companies, cr_or_brn) : NULL;
}
