/* tongban-catalog.c: loading and checking the service catalogue
 *
 * Every reference is checked when the catalogue loads (category → region,
 * service → category and department, auth methods and devices from the known
 * sets), so a broken catalogue is refused with a message naming the file, the
 * entry and the field, never discovered by a citizen halfway through.
 */

#include "tongban-catalog.h"

#include <json-glib/json-glib.h>
#include <string.h>

struct _TongbanCatalog
{
  GPtrArray  *regions;
  GPtrArray  *categories;
  GPtrArray  *departments;
  GPtrArray  *services;
  GHashTable *by_id;       /* "kind:id" -> entry */
};

static const char * const auth_methods[] = {
  "id-card", "permit", "face", "fingerprint", "qr", NULL
};

static const char * const devices[] = {
  "id-card-reader", "ic-card-reader", "receipt-printer", "laser-printer", "pin-pad",
  "barcode-scanner", "camera", "fingerprint-reader", "document-camera", "removable-storage",
  NULL
};

G_DEFINE_QUARK (tongban-catalog-error-quark, tongban_catalog_error)

const char * const *
tongban_catalog_known_auth_methods (void)
{
  return auth_methods;
}

const char * const *
tongban_catalog_known_devices (void)
{
  return devices;
}

static void
region_free (TongbanRegion *r)
{
  g_free (r->id);
  g_free (r->title);
  g_free (r->subtitle);
  g_free (r);
}

static void
category_free (TongbanCategory *c)
{
  g_free (c->id);
  g_free (c->region);
  g_free (c->icon);
  g_free (c->title);
  g_free (c->help);
  g_free (c);
}

static void
department_free (TongbanDepartment *d)
{
  g_free (d->id);
  g_free (d->region);
  g_free (d->title);
  g_free (d);
}

static void
service_free (TongbanService *s)
{
  g_free (s->id);
  g_free (s->region);
  g_free (s->category);
  g_free (s->department);
  g_free (s->title);
  g_free (s->summary);
  g_free (s->applicant);
  g_strfreev (s->auth);
  g_strfreev (s->devices);
  g_free (s);
}

void
tongban_catalog_free (TongbanCatalog *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->regions, g_ptr_array_unref);
  g_clear_pointer (&self->categories, g_ptr_array_unref);
  g_clear_pointer (&self->departments, g_ptr_array_unref);
  g_clear_pointer (&self->services, g_ptr_array_unref);
  g_free (self);
}

/* Reading context: which file and entry we are in, for error messages. */
typedef struct {
  const char *file;
  const char *list;
  guint       index;
  const char *id;
} Where;

static gboolean G_GNUC_PRINTF (3, 4)
invalid (GError     **error,
         const Where *where,
         const char  *format,
         ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  if (where->id != NULL)
    g_set_error (error, TONGBAN_CATALOG_ERROR, TONGBAN_CATALOG_ERROR_INVALID,
                 "%s: %s \"%s\": %s", where->file, where->list, where->id, detail);
  else
    g_set_error (error, TONGBAN_CATALOG_ERROR, TONGBAN_CATALOG_ERROR_INVALID,
                 "%s: %s[%u]: %s", where->file, where->list, where->index, detail);
  return FALSE;
}

static gboolean
get_string (JsonObject  *obj,
            const char  *member,
            gboolean     required,
            char       **out,
            const Where *where,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);
  const char *value;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return invalid (error, where, "\"%s\" is missing", member);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, where, "\"%s\" must be text", member);

  value = json_node_get_string (node);
  if (required && *value == '\0')
    return invalid (error, where, "\"%s\" is empty", member);
  *out = g_strdup (value);
  return TRUE;
}

static gboolean
get_string_list (JsonObject          *obj,
                 const char          *member,
                 const char * const  *allowed,
                 GStrv               *out,
                 const Where         *where,
                 GError             **error)
{
  JsonNode *node = json_object_get_member (obj, member);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  *out = NULL;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, where, "\"%s\" must be a list", member);

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *value;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        return invalid (error, where, "\"%s\" must list text only", member);
      value = json_node_get_string (item);
      if (!g_strv_contains (allowed, value))
        return invalid (error, where, "\"%s\" has unknown value \"%s\"", member, value);
      g_strv_builder_add (builder, value);
    }

  *out = g_strv_builder_end (builder);
  return TRUE;
}

static JsonArray *
get_list (JsonNode    *root,
          const char  *member,
          const Where *where,
          GError     **error)
{
  JsonObject *obj;
  JsonNode *node;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, TONGBAN_CATALOG_ERROR, TONGBAN_CATALOG_ERROR_INVALID,
                   "%s: the top level must be an object", where->file);
      return NULL;
    }
  obj = json_node_get_object (root);
  node = json_object_get_member (obj, member);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, TONGBAN_CATALOG_ERROR, TONGBAN_CATALOG_ERROR_INVALID,
                   "%s: \"%s\" must be a list", where->file, member);
      return NULL;
    }
  return json_node_get_array (node);
}

static gboolean
register_id (TongbanCatalog *self,
             const char     *kind,
             const char     *id,
             gpointer        entry,
             const Where    *where,
             GError        **error)
{
  g_autofree char *key = g_strconcat (kind, ":", id, NULL);

  if (g_hash_table_contains (self->by_id, key))
    return invalid (error, where, "the id is used twice");
  g_hash_table_insert (self->by_id, g_steal_pointer (&key), entry);
  return TRUE;
}

static gpointer
lookup (TongbanCatalog *self,
        const char     *kind,
        const char     *id)
{
  g_autofree char *key = NULL;

  if (id == NULL)
    return NULL;
  key = g_strconcat (kind, ":", id, NULL);
  return g_hash_table_lookup (self->by_id, key);
}

static JsonObject *
entry_object (JsonArray *array,
              guint      index,
              Where     *where,
              GError   **error)
{
  JsonNode *node = json_array_get_element (array, index);

  where->index = index;
  where->id = NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, where, "must be an object");
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
load_categories (TongbanCatalog *self,
                 JsonNode       *root,
                 GError        **error)
{
  Where where = { "categories.json", "regions", 0, NULL };
  JsonArray *array;

  if (!(array = get_list (root, "regions", &where, error)))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *obj = entry_object (array, i, &where, error);
      TongbanRegion *r;

      if (obj == NULL)
        return FALSE;
      r = g_new0 (TongbanRegion, 1);
      g_ptr_array_add (self->regions, r);
      if (!get_string (obj, "id", TRUE, &r->id, &where, error))
        return FALSE;
      where.id = r->id;
      if (!get_string (obj, "title", TRUE, &r->title, &where, error) ||
          !get_string (obj, "subtitle", TRUE, &r->subtitle, &where, error) ||
          !register_id (self, "region", r->id, r, &where, error))
        return FALSE;
    }

  where.list = "categories";
  if (!(array = get_list (root, "categories", &where, error)))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *obj = entry_object (array, i, &where, error);
      TongbanCategory *c;

      if (obj == NULL)
        return FALSE;
      c = g_new0 (TongbanCategory, 1);
      g_ptr_array_add (self->categories, c);
      if (!get_string (obj, "id", TRUE, &c->id, &where, error))
        return FALSE;
      where.id = c->id;
      if (!get_string (obj, "region", TRUE, &c->region, &where, error) ||
          !get_string (obj, "icon", TRUE, &c->icon, &where, error) ||
          !get_string (obj, "title", TRUE, &c->title, &where, error) ||
          !get_string (obj, "help", TRUE, &c->help, &where, error) ||
          !register_id (self, "category", c->id, c, &where, error))
        return FALSE;
      if (lookup (self, "region", c->region) == NULL)
        return invalid (error, &where, "region \"%s\" does not exist", c->region);
    }

  if (self->regions->len == 0)
    {
      g_set_error (error, TONGBAN_CATALOG_ERROR, TONGBAN_CATALOG_ERROR_INVALID,
                   "categories.json: there are no regions");
      return FALSE;
    }
  return TRUE;
}

static gboolean
load_services (TongbanCatalog *self,
               JsonNode       *root,
               GError        **error)
{
  Where where = { "services.json", "departments", 0, NULL };
  JsonArray *array;

  if (!(array = get_list (root, "departments", &where, error)))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *obj = entry_object (array, i, &where, error);
      TongbanDepartment *d;

      if (obj == NULL)
        return FALSE;
      d = g_new0 (TongbanDepartment, 1);
      g_ptr_array_add (self->departments, d);
      if (!get_string (obj, "id", TRUE, &d->id, &where, error))
        return FALSE;
      where.id = d->id;
      if (!get_string (obj, "region", TRUE, &d->region, &where, error) ||
          !get_string (obj, "title", TRUE, &d->title, &where, error) ||
          !register_id (self, "department", d->id, d, &where, error))
        return FALSE;
      if (lookup (self, "region", d->region) == NULL)
        return invalid (error, &where, "region \"%s\" does not exist", d->region);
    }

  where.list = "services";
  if (!(array = get_list (root, "services", &where, error)))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *obj = entry_object (array, i, &where, error);
      const TongbanCategory *category;
      const TongbanDepartment *department;
      TongbanService *s;

      if (obj == NULL)
        return FALSE;
      s = g_new0 (TongbanService, 1);
      g_ptr_array_add (self->services, s);
      if (!get_string (obj, "id", TRUE, &s->id, &where, error))
        return FALSE;
      where.id = s->id;
      if (!get_string (obj, "category", TRUE, &s->category, &where, error) ||
          !get_string (obj, "department", TRUE, &s->department, &where, error) ||
          !get_string (obj, "title", TRUE, &s->title, &where, error) ||
          !get_string (obj, "summary", TRUE, &s->summary, &where, error) ||
          !get_string (obj, "applicant", TRUE, &s->applicant, &where, error) ||
          !get_string_list (obj, "auth", auth_methods, &s->auth, &where, error) ||
          !get_string_list (obj, "devices", devices, &s->devices, &where, error) ||
          !register_id (self, "service", s->id, s, &where, error))
        return FALSE;

      if (!(category = lookup (self, "category", s->category)))
        return invalid (error, &where, "category \"%s\" does not exist", s->category);
      if (!(department = lookup (self, "department", s->department)))
        return invalid (error, &where, "department \"%s\" does not exist", s->department);
      if (strcmp (category->region, department->region) != 0)
        return invalid (error, &where, "department \"%s\" is not in region \"%s\"",
                        s->department, category->region);
      if (strcmp (s->applicant, "person") != 0 && strcmp (s->applicant, "company") != 0)
        return invalid (error, &where, "\"applicant\" must be \"person\" or \"company\"");
      s->region = g_strdup (category->region);
    }
  return TRUE;
}

static JsonNode *
parse (GBytes      *bytes,
       const char  *file,
       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  if (!json_parser_load_from_data (parser, data, (gssize) len, &local_error))
    {
      g_set_error (error, TONGBAN_CATALOG_ERROR, TONGBAN_CATALOG_ERROR_PARSE,
                   "%s: %s", file, local_error->message);
      return NULL;
    }
  return json_parser_steal_root (parser);
}

TongbanCatalog *
tongban_catalog_new_from_data (GBytes  *categories_json,
                               GBytes  *services_json,
                               GError **error)
{
  g_autoptr(TongbanCatalog) self = g_new0 (TongbanCatalog, 1);
  g_autoptr(JsonNode) categories = NULL;
  g_autoptr(JsonNode) services = NULL;

  g_return_val_if_fail (categories_json != NULL && services_json != NULL, NULL);

  self->regions = g_ptr_array_new_with_free_func ((GDestroyNotify) region_free);
  self->categories = g_ptr_array_new_with_free_func ((GDestroyNotify) category_free);
  self->departments = g_ptr_array_new_with_free_func ((GDestroyNotify) department_free);
  self->services = g_ptr_array_new_with_free_func ((GDestroyNotify) service_free);
  self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!(categories = parse (categories_json, "categories.json", error)) ||
      !(services = parse (services_json, "services.json", error)) ||
      !load_categories (self, categories, error) ||
      !load_services (self, services, error))
    return NULL;

  return g_steal_pointer (&self);
}

TongbanCatalog *
tongban_catalog_new_from_resource (const char  *prefix,
                                   GError     **error)
{
  g_autofree char *cpath = g_build_path ("/", prefix, "categories.json", NULL);
  g_autofree char *spath = g_build_path ("/", prefix, "services.json", NULL);
  g_autoptr(GBytes) categories = NULL;
  g_autoptr(GBytes) services = NULL;

  if (!(categories = g_resources_lookup_data (cpath, 0, error)) ||
      !(services = g_resources_lookup_data (spath, 0, error)))
    return NULL;
  return tongban_catalog_new_from_data (categories, services, error);
}

TongbanCatalog *
tongban_catalog_new_from_dir (const char  *dir,
                              GError     **error)
{
  g_autofree char *cpath = g_build_filename (dir, "categories.json", NULL);
  g_autofree char *spath = g_build_filename (dir, "services.json", NULL);
  g_autofree char *cdata = NULL;
  g_autofree char *sdata = NULL;
  gsize clen, slen;
  g_autoptr(GBytes) categories = NULL;
  g_autoptr(GBytes) services = NULL;

  if (!g_file_get_contents (cpath, &cdata, &clen, error) ||
      !g_file_get_contents (spath, &sdata, &slen, error))
    return NULL;
  categories = g_bytes_new_take (g_steal_pointer (&cdata), clen);
  services = g_bytes_new_take (g_steal_pointer (&sdata), slen);
  return tongban_catalog_new_from_data (categories, services, error);
}

GPtrArray *
tongban_catalog_get_regions (TongbanCatalog *self)
{
  return self->regions;
}

GPtrArray *
tongban_catalog_get_services (TongbanCatalog *self)
{
  return self->services;
}

GPtrArray *
tongban_catalog_dup_categories (TongbanCatalog *self,
                                const char     *region_id)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < self->categories->len; i++)
    {
      TongbanCategory *c = g_ptr_array_index (self->categories, i);

      if (region_id == NULL || strcmp (c->region, region_id) == 0)
        g_ptr_array_add (out, c);
    }
  return out;
}

GPtrArray *
tongban_catalog_dup_services (TongbanCatalog *self,
                              const char     *category_id)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < self->services->len; i++)
    {
      TongbanService *s = g_ptr_array_index (self->services, i);

      if (category_id == NULL || strcmp (s->category, category_id) == 0)
        g_ptr_array_add (out, s);
    }
  return out;
}

const TongbanRegion *
tongban_catalog_lookup_region (TongbanCatalog *self,
                               const char     *id)
{
  return lookup (self, "region", id);
}

const TongbanCategory *
tongban_catalog_lookup_category (TongbanCatalog *self,
                                 const char     *id)
{
  return lookup (self, "category", id);
}

const TongbanDepartment *
tongban_catalog_lookup_department (TongbanCatalog *self,
                                   const char     *id)
{
  return lookup (self, "department", id);
}

const TongbanService *
tongban_catalog_lookup_service (TongbanCatalog *self,
                                const char     *id)
{
  return lookup (self, "service", id);
}
