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
  GPtrArray  *topics;
  GPtrArray  *faq;
  GPtrArray  *services;
  GPtrArray  *problems;    /* one line per entry left out */
  GHashTable *by_id;       /* "kind:id" -> entry */
};

static const char *step_types[TONGBAN_N_STEP_TYPES] = {
  "auth", "choose", "form", "upload", "review", "submit", "preview", "print", "result",
  "rating", "guide", "video", "view", "pay",
};

static const char * const guide_modes[] = { "browse", "search", "assistance", "app", NULL };
static const char * const show_formats[] = { "text", "amount", "date", "list", NULL };

static const char * const pay_methods[] = { "bank-card", "qr", NULL };
/* The currencies a kiosk of the Greater Bay Area takes fees in. */
static const char * const pay_currencies[] = { "HKD", "CNY", "MOP", NULL };

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

const char * const *
tongban_catalog_known_pay_methods (void)
{
  return pay_methods;
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
topic_free (TongbanTopic *t)
{
  g_free (t->id);
  g_free (t->title);
  g_free (t);
}

static void
faq_free (TongbanFaq *f)
{
  g_free (f->id);
  g_free (f->question);
  g_free (f->answer);
  g_strfreev (f->keywords);
  g_strfreev (f->services);
  g_free (f);
}

static void
guide_free (TongbanGuide *g)
{
  if (g == NULL)
    return;
  g_free (g->topic);
  g_free (g->conditions);
  g_free (g->materials);
  g_free (g->process);
  g_free (g->fees);
  g_free (g->time_limit);
  g_free (g->legal_basis);
  g_free (g->office);
  g_free (g->contact);
  g_strfreev (g->keywords);
  g_free (g);
}

void
tongban_option_free (TongbanOption *o)
{
  g_free (o->value);
  g_free (o->label);
  g_free (o->next);
  g_free (o->detail);
  g_free (o);
}

static void
field_free (TongbanField *f)
{
  g_free (f->id);
  g_free (f->label);
  g_free (f->hint);
  g_free (f->region);
  g_clear_pointer (&f->options, g_ptr_array_unref);
  g_free (f);
}

static void
show_free (TongbanShow *sh)
{
  g_free (sh->key);
  g_free (sh->label);
  g_free (sh->format);
  g_clear_pointer (&sh->values, g_hash_table_unref);
  g_free (sh);
}

static void
step_free (TongbanStep *st)
{
  g_free (st->id);
  g_free (st->title);
  g_free (st->instruction);
  g_free (st->help);
  g_free (st->operation);
  g_free (st->next);
  g_free (st->mode);
  g_free (st->fee);
  if (st->pay_fee)
    {
      g_free (st->pay_fee->amount);
      g_free (st->pay_fee->currency);
      g_free (st->pay_fee->item);
      g_free (st->pay_fee);
    }
  g_strfreev (st->methods);
  g_clear_pointer (&st->options, g_ptr_array_unref);
  g_clear_pointer (&st->fields, g_ptr_array_unref);
  g_clear_pointer (&st->show, g_ptr_array_unref);
  g_free (st);
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
  g_free (s->next_steps);
  guide_free (s->guide);
  g_clear_pointer (&s->steps, g_ptr_array_unref);
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
  g_clear_pointer (&self->topics, g_ptr_array_unref);
  g_clear_pointer (&self->faq, g_ptr_array_unref);
  g_clear_pointer (&self->services, g_ptr_array_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
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


static JsonArray *
get_optional_array (JsonObject  *obj,
                    const char  *member,
                    const Where *where,
                    GError     **error,
                    gboolean    *ok)
{
  JsonNode *node = json_object_get_member (obj, member);

  *ok = TRUE;
  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      *ok = invalid (error, where, "\"%s\" must be a list", member);
      return NULL;
    }
  return json_node_get_array (node);
}

static gboolean
get_int (JsonObject  *obj,
         const char  *member,
         gint64       fallback,
         gint64      *out,
         const Where *where,
         GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  *out = fallback;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return invalid (error, where, "\"%s\" must be a whole number", member);
  *out = json_node_get_int (node);
  return TRUE;
}

static GPtrArray *
parse_options (JsonArray   *array,
               const char  *what,
               const Where *where,
               GError     **error)
{
  g_autoptr(GPtrArray) options =
    g_ptr_array_new_with_free_func ((GDestroyNotify) tongban_option_free);

  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *obj;
      TongbanOption *o;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          invalid (error, where, "%s option %u must be an object", what, i);
          return NULL;
        }
      obj = json_node_get_object (node);
      o = g_new0 (TongbanOption, 1);
      g_ptr_array_add (options, o);
      if (!get_string (obj, "value", TRUE, &o->value, where, error) ||
          !get_string (obj, "label", TRUE, &o->label, where, error) ||
          !get_string (obj, "next", FALSE, &o->next, where, error) ||
          !get_string (obj, "detail", FALSE, &o->detail, where, error))
        return NULL;
    }
  return g_steal_pointer (&options);
}

static TongbanField *
parse_field (JsonNode    *node,
             const Where *where,
             GError     **error)
{
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  TongbanField *f = g_new0 (TongbanField, 1);
  g_autofree char *type = NULL;
  JsonObject *obj;
  JsonArray *options;
  JsonNode *required;
  gboolean ok;

  g_ptr_array_add (keep, f);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, where, "a field must be an object");
      return NULL;
    }
  obj = json_node_get_object (node);
  if (!get_string (obj, "id", TRUE, &f->id, where, error) ||
      !get_string (obj, "type", TRUE, &type, where, error) ||
      !get_string (obj, "label", TRUE, &f->label, where, error) ||
      !get_string (obj, "hint", FALSE, &f->hint, where, error) ||
      !get_string (obj, "region", FALSE, &f->region, where, error) ||
      !get_int (obj, "min", G_MININT64, &f->min, where, error) ||
      !get_int (obj, "max", G_MAXINT64, &f->max, where, error))
    return NULL;
  if (!tongban_field_type_from_string (type, &f->type))
    {
      invalid (error, where, "field \"%s\": unknown type \"%s\"", f->id, type);
      return NULL;
    }
  required = json_object_get_member (obj, "required");
  f->required = required == NULL || (JSON_NODE_HOLDS_VALUE (required) &&
                                     json_node_get_boolean (required));
  options = get_optional_array (obj, "options", where, error, &ok);
  if (!ok)
    return NULL;
  if (f->type == TONGBAN_FIELD_CHOICE)
    {
      if (options == NULL || json_array_get_length (options) < 2)
        {
          invalid (error, where, "field \"%s\": a choice needs two options or more", f->id);
          return NULL;
        }
      if (!(f->options = parse_options (options, f->id, where, error)))
        return NULL;
    }
  return g_ptr_array_steal_index (keep, 0);
}

static TongbanShow *
parse_show (JsonNode    *node,
            const Where *where,
            GError     **error)
{
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func ((GDestroyNotify) show_free);
  TongbanShow *sh = g_new0 (TongbanShow, 1);
  JsonObject *obj;
  JsonNode *values;

  g_ptr_array_add (keep, sh);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, where, "\"show\" entries must be objects");
      return NULL;
    }
  obj = json_node_get_object (node);
  if (!get_string (obj, "key", TRUE, &sh->key, where, error) ||
      !get_string (obj, "label", TRUE, &sh->label, where, error) ||
      !get_string (obj, "format", FALSE, &sh->format, where, error))
    return NULL;
  if (sh->format == NULL)
    sh->format = g_strdup ("text");
  if (!g_strv_contains (show_formats, sh->format))
    {
      invalid (error, where, "\"%s\": unknown format \"%s\"", sh->key, sh->format);
      return NULL;
    }
  values = json_object_get_member (obj, "values");
  if (values != NULL)
    {
      JsonObject *map;
      g_autoptr(GList) members = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (values))
        {
          invalid (error, where, "\"%s\": \"values\" must be an object", sh->key);
          return NULL;
        }
      map = json_node_get_object (values);
      sh->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      members = json_object_get_members (map);
      for (GList *l = members; l; l = l->next)
        {
          JsonNode *v = json_object_get_member (map, l->data);

          if (!JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (v) != G_TYPE_STRING)
            {
              invalid (error, where, "\"%s\": values must be text", sh->key);
              return NULL;
            }
          g_hash_table_insert (sh->values, g_strdup (l->data), g_strdup (json_node_get_string (v)));
        }
    }
  return g_ptr_array_steal_index (keep, 0);
}

/* A pay step's fee: {"amount": "295", "currency": "HKD", "item": msgid}. */
static TongbanFee *
parse_fee (JsonObject  *obj,
           const char  *step_id,
           const Where *where,
           GError     **error)
{
  g_autofree char *amount = NULL;
  g_autofree char *currency = NULL;
  g_autofree char *item = NULL;
  g_autoptr(GRegex) decimal = g_regex_new ("^(0|[1-9][0-9]{0,8})(\\.[0-9]{1,2})?$", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *whole = NULL;
  g_autofree char *cents = NULL;
  TongbanFee *fee;

  if (!get_string (obj, "amount", TRUE, &amount, where, error) ||
      !get_string (obj, "currency", TRUE, &currency, where, error) ||
      !get_string (obj, "item", TRUE, &item, where, error))
    return NULL;
  if (!g_regex_match (decimal, amount, 0, &match))
    {
      invalid (error, where, "step \"%s\": fee amount \"%s\" is not a decimal like 295.00",
               step_id, amount);
      return NULL;
    }
  if (!g_strv_contains (pay_currencies, currency))
    {
      invalid (error, where, "step \"%s\": fee currency \"%s\" is not HKD, CNY or MOP",
               step_id, currency);
      return NULL;
    }
  if (json_object_get_size (obj) != 3)
    {
      invalid (error, where, "step \"%s\": a fee has only amount, currency and item", step_id);
      return NULL;
    }
  whole = g_match_info_fetch (match, 1);
  cents = g_match_info_fetch (match, 2);
  fee = g_new0 (TongbanFee, 1);
  /* Always two decimals, so what is shown and what is charged read alike. */
  fee->amount = g_strdup_printf ("%s.%s%s", whole,
                                 cents && *cents ? cents + 1 : "00",
                                 cents && strlen (cents) == 2 ? "0" : "");
  fee->currency = g_steal_pointer (&currency);
  fee->item = g_steal_pointer (&item);
  return fee;
}

/* A pay step's "methods": a non-empty list of known ways to pay, no repeats. */
static gboolean
parse_methods (JsonObject  *obj,
               TongbanStep *st,
               const Where *where,
               GError     **error)
{
  JsonNode *node = json_object_get_member (obj, "methods");
  JsonArray *array;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (array = json_node_get_array (node)) == 0)
    return invalid (error, where, "step \"%s\": \"methods\" must list how to pay", st->id);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *m = json_array_get_element (array, i);
      const char *method;

      if (!JSON_NODE_HOLDS_VALUE (m) || json_node_get_value_type (m) != G_TYPE_STRING ||
          !g_strv_contains (pay_methods, (method = json_node_get_string (m))))
        return invalid (error, where, "step \"%s\": \"methods\" may hold only bank-card "
                        "and qr", st->id);
      for (guint j = 0; j < i; j++)
        if (g_strcmp0 (json_array_get_string_element (array, j), method) == 0)
          return invalid (error, where, "step \"%s\": method \"%s\" is listed twice",
                          st->id, method);
      g_strv_builder_add (builder, method);
    }
  st->methods = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
parse_step (TongbanService *service,
            JsonNode       *node,
            guint           index,
            const Where    *where,
            GError        **error)
{
  TongbanStep *st = g_new0 (TongbanStep, 1);
  g_autofree char *type = NULL;
  JsonObject *obj;
  JsonArray *array;
  JsonNode *fee;
  gboolean ok, found = FALSE;

  g_ptr_array_add (service->steps, st);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, where, "step %u must be an object", index);
  obj = json_node_get_object (node);
  if (!get_string (obj, "id", TRUE, &st->id, where, error) ||
      !get_string (obj, "type", TRUE, &type, where, error) ||
      !get_string (obj, "title", FALSE, &st->title, where, error) ||
      !get_string (obj, "instruction", FALSE, &st->instruction, where, error) ||
      !get_string (obj, "help", FALSE, &st->help, where, error) ||
      !get_string (obj, "operation", FALSE, &st->operation, where, error) ||
      !get_string (obj, "next", FALSE, &st->next, where, error) ||
      !get_string (obj, "mode", FALSE, &st->mode, where, error))
    return FALSE;
  fee = json_object_get_member (obj, "fee");
  if (fee != NULL && JSON_NODE_HOLDS_OBJECT (fee))
    {
      if (!(st->pay_fee = parse_fee (json_node_get_object (fee), st->id, where, error)))
        return FALSE;
    }
  else if (!get_string (obj, "fee", FALSE, &st->fee, where, error))
    return FALSE;

  for (guint i = 0; i < TONGBAN_N_STEP_TYPES; i++)
    if (strcmp (type, step_types[i]) == 0)
      st->type = i, found = TRUE;
  if (!found)
    return invalid (error, where, "step \"%s\": unknown type \"%s\"", st->id, type);

  for (guint i = 0; i + 1 < service->steps->len; i++)
    if (strcmp (((TongbanStep *) g_ptr_array_index (service->steps, i))->id, st->id) == 0)
      return invalid (error, where, "step \"%s\" is used twice", st->id);

  array = get_optional_array (obj, "options", where, error, &ok);
  if (!ok || (array && !(st->options = parse_options (array, st->id, where, error))))
    return FALSE;
  array = get_optional_array (obj, "fields", where, error, &ok);
  if (!ok)
    return FALSE;
  st->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      TongbanField *f = parse_field (json_array_get_element (array, i), where, error);

      if (f == NULL)
        return FALSE;
      g_ptr_array_add (st->fields, f);
    }
  array = get_optional_array (obj, "show", where, error, &ok);
  if (!ok)
    return FALSE;
  st->show = g_ptr_array_new_with_free_func ((GDestroyNotify) show_free);
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      TongbanShow *sh = parse_show (json_array_get_element (array, i), where, error);

      if (sh == NULL)
        return FALSE;
      g_ptr_array_add (st->show, sh);
    }

  /* What each kind of step cannot do without. */
  switch (st->type)
    {
    case TONGBAN_STEP_CHOOSE:
      if ((st->options == NULL || st->options->len < 2) && st->operation == NULL)
        return invalid (error, where, "step \"%s\": a choice needs two options or an "
                        "operation that lists them", st->id);
      if (st->title == NULL)
        return invalid (error, where, "step \"%s\": \"title\" is missing", st->id);
      break;
    case TONGBAN_STEP_FORM:
      if (st->fields->len == 0)
        return invalid (error, where, "step \"%s\": a form needs fields", st->id);
      if (st->title == NULL)
        return invalid (error, where, "step \"%s\": \"title\" is missing", st->id);
      break;
    case TONGBAN_STEP_VIEW:
    case TONGBAN_STEP_PREVIEW:
      if (st->operation == NULL || st->show->len == 0)
        return invalid (error, where, "step \"%s\": needs an operation and what to show",
                        st->id);
      break;
    case TONGBAN_STEP_SUBMIT:
    case TONGBAN_STEP_PRINT:
      if (st->operation == NULL)
        return invalid (error, where, "step \"%s\": \"operation\" is missing", st->id);
      break;
    case TONGBAN_STEP_PAY:
      if (st->pay_fee == NULL)
        return invalid (error, where, "step \"%s\": a payment needs a \"fee\" with amount, "
                        "currency and item", st->id);
      if (!parse_methods (obj, st, where, error))
        return FALSE;
      break;
    case TONGBAN_STEP_GUIDE:
      if (st->mode == NULL || !g_strv_contains (guide_modes, st->mode))
        return invalid (error, where, "step \"%s\": \"mode\" must be browse, search, "
                        "assistance or app", st->id);
      break;
    default:
      break;
    }
  return TRUE;
}

/* The shape of a whole flow: where it starts, where it ends, that jumps land. */
static gboolean
check_flow (TongbanService *s,
            const Where    *where,
            GError        **error)
{
  guint n = s->steps->len;
  const TongbanStep *first, *last;
  gboolean has_form = FALSE, has_review = FALSE;

  if (n == 0)
    return invalid (error, where, "\"flow\" has no steps");
  first = g_ptr_array_index (s->steps, 0);
  last = g_ptr_array_index (s->steps, n - 1);
  if (last->type != TONGBAN_STEP_RATING)
    return invalid (error, where, "\"flow\" must end with a rating step");
  if (s->auth[0] != NULL && first->type != TONGBAN_STEP_AUTH &&
      !(first->type == TONGBAN_STEP_GUIDE && n > 1 &&
        ((TongbanStep *) g_ptr_array_index (s->steps, 1))->type == TONGBAN_STEP_AUTH))
    return invalid (error, where, "\"flow\" must begin with the auth step");
  if (s->auth[0] == NULL)
    for (guint i = 0; i < n; i++)
      if (((TongbanStep *) g_ptr_array_index (s->steps, i))->type == TONGBAN_STEP_AUTH)
        return invalid (error, where, "\"flow\" has an auth step but \"auth\" lists no method");

  for (guint i = 0; i < n; i++)
    {
      const TongbanStep *st = g_ptr_array_index (s->steps, i);

      if (st->type == TONGBAN_STEP_FORM)
        has_form = TRUE;
      if (st->type == TONGBAN_STEP_REVIEW)
        has_review = TRUE;
      if (st->type == TONGBAN_STEP_SUBMIT && has_form && !has_review)
        return invalid (error, where, "step \"%s\": answers must be reviewed before they are "
                        "submitted", st->id);
      if (st->type == TONGBAN_STEP_PAY && has_form && !has_review)
        return invalid (error, where, "step \"%s\": answers must be reviewed before the fee "
                        "is paid", st->id);
      if (st->next && !tongban_service_find_step (s, st->next, NULL))
        return invalid (error, where, "step \"%s\": \"next\" names no step \"%s\"",
                        st->id, st->next);
      for (guint j = 0; st->options && j < st->options->len; j++)
        {
          const TongbanOption *o = g_ptr_array_index (st->options, j);

          if (o->next && !tongban_service_find_step (s, o->next, NULL))
            return invalid (error, where, "step \"%s\": option \"%s\" leads to no step \"%s\"",
                            st->id, o->value, o->next);
        }
    }
  return TRUE;
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

  /* Topics for browsing guides; optional. */
  where.list = "topics";
  if (json_object_has_member (json_node_get_object (root), "topics"))
    {
      if (!(array = get_list (root, "topics", &where, error)))
        return FALSE;
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *obj = entry_object (array, i, &where, error);
          TongbanTopic *t;

          if (obj == NULL)
            return FALSE;
          t = g_new0 (TongbanTopic, 1);
          g_ptr_array_add (self->topics, t);
          if (!get_string (obj, "id", TRUE, &t->id, &where, error))
            return FALSE;
          where.id = t->id;
          if (!get_string (obj, "title", TRUE, &t->title, &where, error) ||
              !register_id (self, "topic", t->id, t, &where, error))
            return FALSE;
        }
    }

  if (self->regions->len == 0)
    {
      g_set_error (error, TONGBAN_CATALOG_ERROR, TONGBAN_CATALOG_ERROR_INVALID,
                   "categories.json: there are no regions");
      return FALSE;
    }
  return TRUE;
}

/* Leaves an entry out and says why, in one line that names file, entry and
 * field: the rest of the catalogue still serves people. */
static void
leave_out (TongbanCatalog *self,
           GError         *error)
{
  g_message ("catalogue: left out: %s", error->message);
  g_ptr_array_add (self->problems, g_strdup (error->message));
}

static gboolean
load_department (TongbanCatalog    *self,
                 JsonObject        *obj,
                 TongbanDepartment *d,
                 Where             *where,
                 GError           **error)
{
  if (!get_string (obj, "id", TRUE, &d->id, where, error))
    return FALSE;
  where->id = d->id;
  if (!get_string (obj, "region", TRUE, &d->region, where, error) ||
      !get_string (obj, "title", TRUE, &d->title, where, error))
    return FALSE;
  if (lookup (self, "region", d->region) == NULL)
    return invalid (error, where, "region \"%s\" does not exist", d->region);
  return TRUE;
}

static gboolean
load_service (TongbanCatalog *self,
              JsonObject     *obj,
              TongbanService *s,
              Where          *where,
              GError        **error)
{
  const TongbanCategory *category;
  const TongbanDepartment *department;
  JsonArray *flow;
  gboolean ok;

  if (!get_string (obj, "id", TRUE, &s->id, where, error))
    return FALSE;
  where->id = s->id;
  if (!get_string (obj, "category", TRUE, &s->category, where, error) ||
      !get_string (obj, "department", TRUE, &s->department, where, error) ||
      !get_string (obj, "title", TRUE, &s->title, where, error) ||
      !get_string (obj, "summary", TRUE, &s->summary, where, error) ||
      !get_string (obj, "applicant", TRUE, &s->applicant, where, error) ||
      !get_string (obj, "next_steps", FALSE, &s->next_steps, where, error) ||
      !get_string_list (obj, "auth", auth_methods, &s->auth, where, error) ||
      !get_string_list (obj, "devices", devices, &s->devices, where, error))
    return FALSE;

  if (lookup (self, "service", s->id) != NULL)
    return invalid (error, where, "the id is used twice");
  if (!(category = lookup (self, "category", s->category)))
    return invalid (error, where, "category \"%s\" does not exist", s->category);
  if (!(department = lookup (self, "department", s->department)))
    return invalid (error, where, "department \"%s\" does not exist", s->department);
  if (strcmp (category->region, department->region) != 0)
    return invalid (error, where, "department \"%s\" is not in region \"%s\"",
                    s->department, category->region);
  if (strcmp (s->applicant, "person") != 0 && strcmp (s->applicant, "company") != 0)
    return invalid (error, where, "\"applicant\" must be \"person\" or \"company\"");
  s->region = g_strdup (category->region);

  if (json_object_has_member (obj, "guide"))
    {
      JsonNode *node = json_object_get_member (obj, "guide");
      JsonObject *g;
      JsonNode *keywords;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, where, "\"guide\" must be an object");
      g = json_node_get_object (node);
      s->guide = g_new0 (TongbanGuide, 1);
      if (!get_string (g, "topic", TRUE, &s->guide->topic, where, error) ||
          !get_string (g, "conditions", TRUE, &s->guide->conditions, where, error) ||
          !get_string (g, "materials", TRUE, &s->guide->materials, where, error) ||
          !get_string (g, "process", TRUE, &s->guide->process, where, error) ||
          !get_string (g, "fees", TRUE, &s->guide->fees, where, error) ||
          !get_string (g, "time_limit", TRUE, &s->guide->time_limit, where, error) ||
          !get_string (g, "legal_basis", TRUE, &s->guide->legal_basis, where, error) ||
          !get_string (g, "office", TRUE, &s->guide->office, where, error) ||
          !get_string (g, "contact", TRUE, &s->guide->contact, where, error))
        return FALSE;
      if (self->topics->len > 0 && lookup (self, "topic", s->guide->topic) == NULL)
        return invalid (error, where, "guide: topic \"%s\" does not exist", s->guide->topic);
      keywords = json_object_get_member (g, "keywords");
      if (keywords != NULL)
        {
          g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

          if (!JSON_NODE_HOLDS_ARRAY (keywords))
            return invalid (error, where, "guide: \"keywords\" must be a list");
          for (guint i = 0; i < json_array_get_length (json_node_get_array (keywords)); i++)
            {
              JsonNode *k = json_array_get_element (json_node_get_array (keywords), i);

              if (JSON_NODE_HOLDS_VALUE (k) && json_node_get_value_type (k) == G_TYPE_STRING)
                g_strv_builder_add (b, json_node_get_string (k));
            }
          s->guide->keywords = g_strv_builder_end (b);
        }
    }

  s->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  flow = get_optional_array (obj, "flow", where, error, &ok);
  if (!ok)
    return FALSE;
  if (flow == NULL)
    return invalid (error, where, "\"flow\" is missing");
  for (guint i = 0; i < json_array_get_length (flow); i++)
    if (!parse_step (s, json_array_get_element (flow, i), i, where, error))
      return FALSE;
  return check_flow (s, where, error);
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
      g_autoptr(GError) entry_error = NULL;
      JsonObject *obj = entry_object (array, i, &where, &entry_error);
      TongbanDepartment *d = g_new0 (TongbanDepartment, 1);

      if (obj == NULL || !load_department (self, obj, d, &where, &entry_error) ||
          !register_id (self, "department", d->id, d, &where, &entry_error))
        {
          leave_out (self, entry_error);
          department_free (d);
          continue;
        }
      g_ptr_array_add (self->departments, d);
    }

  where.list = "services";
  if (!(array = get_list (root, "services", &where, error)))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(GError) entry_error = NULL;
      JsonObject *obj = entry_object (array, i, &where, &entry_error);
      TongbanService *s = g_new0 (TongbanService, 1);

      if (obj == NULL || !load_service (self, obj, s, &where, &entry_error) ||
          !register_id (self, "service", s->id, s, &where, &entry_error))
        {
          leave_out (self, entry_error);
          service_free (s);
          continue;
        }
      g_ptr_array_add (self->services, s);
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
  self->topics = g_ptr_array_new_with_free_func ((GDestroyNotify) topic_free);
  self->faq = g_ptr_array_new_with_free_func ((GDestroyNotify) faq_free);
  self->services = g_ptr_array_new_with_free_func ((GDestroyNotify) service_free);
  self->problems = g_ptr_array_new_with_free_func (g_free);
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

  g_autofree char *fpath = g_build_path ("/", prefix, "faq.json", NULL);
  g_autoptr(GBytes) faq = NULL;
  TongbanCatalog *self;

  if (!(categories = g_resources_lookup_data (cpath, 0, error)) ||
      !(services = g_resources_lookup_data (spath, 0, error)) ||
      !(self = tongban_catalog_new_from_data (categories, services, error)))
    return NULL;
  faq = g_resources_lookup_data (fpath, 0, NULL);
  if (faq != NULL && !tongban_catalog_add_faq (self, faq, error))
    {
      tongban_catalog_free (self);
      return NULL;
    }
  return self;
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
  g_autofree char *fpath = g_build_filename (dir, "faq.json", NULL);
  g_autofree char *fdata = NULL;
  gsize flen;
  TongbanCatalog *self;

  categories = g_bytes_new_take (g_steal_pointer (&cdata), clen);
  services = g_bytes_new_take (g_steal_pointer (&sdata), slen);
  if (!(self = tongban_catalog_new_from_data (categories, services, error)))
    return NULL;
  if (g_file_get_contents (fpath, &fdata, &flen, NULL))
    {
      g_autoptr(GBytes) faq = g_bytes_new_take (g_steal_pointer (&fdata), flen);

      if (!tongban_catalog_add_faq (self, faq, error))
        {
          tongban_catalog_free (self);
          return NULL;
        }
    }
  return self;
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
tongban_catalog_get_topics (TongbanCatalog *self)
{
  return self->topics;
}

GPtrArray *
tongban_catalog_get_faq (TongbanCatalog *self)
{
  return self->faq;
}

static GStrv
get_words (JsonObject *obj,
           const char *member)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (obj, member);

  for (guint i = 0; node && JSON_NODE_HOLDS_ARRAY (node) &&
                    i < json_array_get_length (json_node_get_array (node)); i++)
    {
      JsonNode *k = json_array_get_element (json_node_get_array (node), i);

      if (JSON_NODE_HOLDS_VALUE (k) && json_node_get_value_type (k) == G_TYPE_STRING)
        g_strv_builder_add (b, json_node_get_string (k));
    }
  return g_strv_builder_end (b);
}

/* Questions and answers for smart guidance; a broken entry is left out. */
gboolean
tongban_catalog_add_faq (TongbanCatalog *self,
                         GBytes         *faq_json,
                         GError        **error)
{
  g_autoptr(JsonNode) root = parse (faq_json, "faq.json", error);
  Where where = { "faq.json", "faq", 0, NULL };
  JsonArray *array;

  if (root == NULL || !(array = get_list (root, "faq", &where, error)))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(GError) entry_error = NULL;
      JsonObject *obj = entry_object (array, i, &where, &entry_error);
      TongbanFaq *f = g_new0 (TongbanFaq, 1);

      if (obj == NULL ||
          !get_string (obj, "id", TRUE, &f->id, &where, &entry_error) ||
          !get_string (obj, "question", TRUE, &f->question, &where, &entry_error) ||
          !get_string (obj, "answer", TRUE, &f->answer, &where, &entry_error))
        {
          leave_out (self, entry_error);
          faq_free (f);
          continue;
        }
      f->keywords = get_words (obj, "keywords");
      f->services = get_words (obj, "services");
      g_ptr_array_add (self->faq, f);
    }
  return TRUE;
}

GPtrArray *
tongban_catalog_get_departments (TongbanCatalog *self)
{
  return self->departments;
}

/* Entries left out while loading, one line each naming file, entry and field. */
GPtrArray *
tongban_catalog_get_problems (TongbanCatalog *self)
{
  return self->problems;
}

const TongbanStep *
tongban_service_find_step (const TongbanService *service,
                           const char           *step_id,
                           guint                *index)
{
  for (guint i = 0; step_id && i < service->steps->len; i++)
    {
      const TongbanStep *st = g_ptr_array_index (service->steps, i);

      if (strcmp (st->id, step_id) == 0)
        {
          if (index)
            *index = i;
          return st;
        }
    }
  return NULL;
}

const char *
tongban_step_type_to_string (TongbanStepType type)
{
  g_return_val_if_fail (type < TONGBAN_N_STEP_TYPES, "");
  return step_types[type];
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
