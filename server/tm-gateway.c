/* tm-gateway.c: business calls from kiosks, checked and handed to a back-end adapter
 *
 * One call: the terminal is already authenticated (signed request, tm-http.c); here come
 * the module, the citizen session, the operation's parameter schema, the configured back
 * end and its adapter. The routing table (operation → system, read or write, identity,
 * schema) is data in the GResource (data/gateway.json). Citizen identities verified by
 * the identity system live in memory only, bound to the terminal that proved them, and
 * are wiped on end or after 15 minutes without a call. Each failure is logged once with
 * its cause (never personal data or credentials) and becomes a plain envelope code.
 */

#include "tm-gateway.h"
#include "tm-gw-soap.h"

#include <string.h>
#include <gio/gio.h>

#include "tongban-mask.h"
#include "tongban-sm.h"

#define MAX_SESSIONS      100000

typedef struct {
  char       *system;
  char       *module;      /* kiosk module the operation needs, or NULL */
  gboolean    write;
  gboolean    identity;
  JsonObject *params;      /* schema: name → rule */
} Operation;

typedef struct {
  GPtrArray  *modules;     /* modules the service needs */
  GHashTable *operations;  /* set of operation names */
} Service;

typedef struct {
  gint64      terminal_id;
  JsonObject *citizen;     /* id_type, id_number, name, name_en, birth, method */
  gint64      last_used;   /* monotonic µs */
} CitizenSession;

struct _TmGateway {
  GMutex      lock;
  gint64      idle_us;     /* a session ends after this long without a call */
  GHashTable *sessions;    /* token → CitizenSession */
  JsonParser *routes;      /* keeps the schema objects alive */
  GHashTable *operations;  /* name → Operation */
  GHashTable *services;    /* id → Service */
  GHashTable *patterns;    /* pattern text → GRegex */
};

static GMutex adapters_lock;
static GHashTable *adapters;

G_DEFINE_QUARK (tm-gateway-error-quark, tm_gateway_error)

static const char * const reasons[] = {
  "not-found", "not-eligible", "identity-mismatch", "not-live", "document-expired",
  "document-invalid", "slot-taken", "payment-declined", "duplicate", "invalid-field",
  "closed", "pending", NULL
};

gboolean
tm_gateway_reason_known (const char *reason)
{
  return reason != NULL && g_strv_contains (reasons, reason);
}

void
tm_gateway_register_adapter (const char       *transport,
                             TmGatewayAdapter  adapter)
{
  g_mutex_lock (&adapters_lock);
  if (adapters == NULL)
    adapters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_replace (adapters, g_strdup (transport), adapter);
  g_mutex_unlock (&adapters_lock);
}

TmGatewayAdapter
tm_gateway_find_adapter (const char *transport)
{
  static gsize builtins = 0;
  TmGatewayAdapter adapter;

  if (g_once_init_enter (&builtins))
    {
      tm_gateway_register_adapter ("rest", tm_gw_rest_call);
      tm_gw_soap_register ();
      g_once_init_leave (&builtins, 1);
    }
  g_mutex_lock (&adapters_lock);
  adapter = adapters && transport ? g_hash_table_lookup (adapters, transport) : NULL;
  g_mutex_unlock (&adapters_lock);
  return adapter;
}

void
tm_backend_system_free (TmBackendSystem *system)
{
  if (system == NULL)
    return;
  g_free (system->id);
  g_free (system->transport);
  g_free (system->base_url);
  if (system->credential != NULL)
    explicit_bzero (system->credential, strlen (system->credential));
  g_free (system->credential);
  if (system->peer_key != NULL)
    explicit_bzero (system->peer_key, strlen (system->peer_key));
  g_free (system->peer_key);
  g_free (system);
}

/* Routing table */

static void
operation_free (gpointer p)
{
  Operation *op = p;

  g_free (op->system);
  g_free (op->module);
  g_clear_pointer (&op->params, json_object_unref);
  g_free (op);
}

static void
service_free (gpointer p)
{
  Service *s = p;

  g_ptr_array_unref (s->modules);
  g_hash_table_unref (s->operations);
  g_free (s);
}

/* Compiles every pattern of a schema (recursively) once, at load. */
static void
compile_patterns (TmGateway  *gw,
                  JsonObject *schema)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, schema);
  while (json_object_iter_next (&iter, &name, &node))
    {
      JsonObject *rule = json_node_get_object (node);
      const char *pattern = json_object_get_string_member_with_default (rule, "pattern", NULL);
      g_autoptr(GError) error = NULL;

      if (pattern != NULL && !g_hash_table_contains (gw->patterns, pattern))
        {
          GRegex *re = g_regex_new (pattern, G_REGEX_DOLLAR_ENDONLY, 0, &error);

          if (re == NULL)
            g_error ("gateway.json: pattern %s: %s", pattern, error->message);
          g_hash_table_insert (gw->patterns, g_strdup (pattern), re);
        }
      if (json_object_has_member (rule, "fields"))
        compile_patterns (gw, json_object_get_object_member (rule, "fields"));
      if (json_object_has_member (rule, "items"))
        {
          g_autoptr(JsonObject) wrap = json_object_new ();

          json_object_set_object_member (wrap, "items",
                                         json_object_ref (json_object_get_object_member (
                                           rule, "items")));
          compile_patterns (gw, wrap);
        }
    }
}

static void
load_routes (TmGateway *gw)
{
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *root, *ops, *services;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  data = g_resources_lookup_data ("/cn/gov/gba/Tongban/manager/data/gateway.json", 0, &error);
  gw->routes = json_parser_new ();
  /* Compiled in and checked by the tests: a broken table is a build defect. */
  if (data == NULL
      || !json_parser_load_from_data (gw->routes, g_bytes_get_data (data, NULL),
                                      (gssize) g_bytes_get_size (data), &error))
    g_error ("gateway.json: %s", error->message);
  root = json_node_get_object (json_parser_get_root (gw->routes));
  ops = json_object_get_object_member (root, "operations");
  services = json_object_get_object_member (root, "services");

  json_object_iter_init (&iter, ops);
  while (json_object_iter_next (&iter, &name, &node))
    {
      JsonObject *o = json_node_get_object (node);
      Operation *op = g_new0 (Operation, 1);

      op->system = g_strdup (json_object_get_string_member (o, "system"));
      op->module = g_strdup (json_object_get_string_member_with_default (o, "module", NULL));
      op->write = g_strcmp0 (json_object_get_string_member (o, "kind"), "write") == 0;
      op->identity = json_object_get_boolean_member (o, "identity");
      op->params = json_object_ref (json_object_get_object_member (o, "params"));
      compile_patterns (gw, op->params);
      g_hash_table_insert (gw->operations, g_strdup (name), op);
    }
  json_object_iter_init (&iter, services);
  while (json_object_iter_next (&iter, &name, &node))
    {
      JsonObject *o = json_node_get_object (node);
      JsonArray *mods = json_object_get_array_member (o, "modules");
      JsonArray *list = json_object_get_array_member (o, "operations");
      Service *s = g_new0 (Service, 1);

      s->modules = g_ptr_array_new_with_free_func (g_free);
      s->operations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; i < json_array_get_length (mods); i++)
        g_ptr_array_add (s->modules, g_strdup (json_array_get_string_element (mods, i)));
      for (guint i = 0; i < json_array_get_length (list); i++)
        g_hash_table_add (s->operations, g_strdup (json_array_get_string_element (list, i)));
      g_hash_table_insert (gw->services, g_strdup (name), s);
    }
}

/* Overwrites the strings of a citizen object before it is freed. */
static void
wipe_object (JsonObject *o)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, o);
  while (json_object_iter_next (&iter, &name, &node))
    if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
      {
        char *s = (char *) json_node_get_string (node);

        explicit_bzero (s, strlen (s));
      }
}

/* A citizen copy for one call: wiped when the call is done. */
typedef JsonObject CitizenCopy;

static void
citizen_copy_free (CitizenCopy *c)
{
  wipe_object (c);
  json_object_unref (c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CitizenCopy, citizen_copy_free)

static void
session_free (gpointer p)
{
  CitizenSession *s = p;

  wipe_object (s->citizen);
  json_object_unref (s->citizen);
  g_free (s);
}

TmGateway *
tm_gateway_new (gint64 idle_seconds)
{
  TmGateway *gw = g_new0 (TmGateway, 1);

  gw->idle_us = idle_seconds * G_USEC_PER_SEC;
  g_mutex_init (&gw->lock);
  gw->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, session_free);
  gw->operations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, operation_free);
  gw->services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, service_free);
  gw->patterns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_regex_unref);
  load_routes (gw);
  return gw;
}

void
tm_gateway_free (TmGateway *gw)
{
  if (gw == NULL)
    return;
  g_hash_table_unref (gw->sessions);
  g_hash_table_unref (gw->operations);
  g_hash_table_unref (gw->services);
  g_hash_table_unref (gw->patterns);
  g_clear_object (&gw->routes);
  g_mutex_clear (&gw->lock);
  g_free (gw);
}

/* Parameter schema */

static gboolean check_value (TmGateway *gw, JsonObject *rule, JsonNode *value, const char *where,
                             GError **error);

static gboolean
check_object (TmGateway   *gw,
              JsonObject  *schema,
              JsonObject  *obj,
              const char  *prefix,
              gboolean     drop_unknown,
              GError     **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  /* Nothing unknown goes to a government system. At the top the kiosk sends every
   * answer of the visit, so what this operation does not take is left out; inside
   * a parameter, anything unknown is an error. */
  if (drop_unknown)
    {
      g_autoptr(GList) names = json_object_get_members (obj);

      for (GList *l = names; l; l = l->next)
        if (!json_object_has_member (schema, l->data))
          json_object_remove_member (obj, l->data);
    }
  json_object_iter_init (&iter, obj);
  while (json_object_iter_next (&iter, &name, &node))
    if (!json_object_has_member (schema, name))
      {
        g_autofree char *where = g_strconcat (prefix, ".", name, NULL);

        tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, where, "unknown parameter");
        return FALSE;
      }
  json_object_iter_init (&iter, schema);
  while (json_object_iter_next (&iter, &name, &node))
    {
      JsonObject *rule = json_node_get_object (node);
      JsonNode *value = json_object_get_member (obj, name);
      g_autofree char *where = g_strconcat (prefix, ".", name, NULL);

      if (value == NULL || JSON_NODE_HOLDS_NULL (value))
        {
          if (json_object_get_boolean_member_with_default (rule, "required", FALSE))
            {
              tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, where, "required");
              return FALSE;
            }
          continue;
        }
      if (!check_value (gw, rule, value, where, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_value (TmGateway   *gw,
             JsonObject  *rule,
             JsonNode    *value,
             const char  *where,
             GError     **error)
{
  const char *type = json_object_get_string_member (rule, "type");
  GType vt = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_value_type (value) : G_TYPE_INVALID;

  if (g_strcmp0 (type, "string") == 0)
    {
      const char *s, *pattern;
      gint64 max = json_object_get_int_member_with_default (rule, "max", 256);

      if (vt != G_TYPE_STRING)
        {
          tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, where, "must be text");
          return FALSE;
        }
      s = json_node_get_string (value);
      if (g_utf8_strlen (s, -1) > max)
        {
          tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, where,
                        "at most %" G_GINT64_FORMAT " characters", max);
          return FALSE;
        }
      if (json_object_get_boolean_member_with_default (rule, "required", FALSE) && *s == '\0')
        {
          tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, where, "required");
          return FALSE;
        }
      for (const char *p = s; *p; p++)
        if ((guchar) *p < 0x20 && *p != '\n')
          {
            tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, where, "control characters");
            return FALSE;
          }
      pattern = json_object_get_string_member_with_default (rule, "pattern", NULL);
      if (pattern != NULL && *s != '\0'
          && !g_regex_match (g_hash_table_lookup (gw->patterns, pattern), s, 0, NULL))
        {
          tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, where, "not in the expected form");
          return FALSE;
        }
      if (json_object_has_member (rule, "enum"))
        {
          JsonArray *options = json_object_get_array_member (rule, "enum");
          gboolean found = FALSE;

          for (guint i = 0; !found && i < json_array_get_length (options); i++)
            found = g_strcmp0 (json_array_get_string_element (options, i), s) == 0;
          if (!found)
            {
              tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, where, "not one of the choices");
              return FALSE;
            }
        }
      return TRUE;
    }
  if (g_strcmp0 (type, "number") == 0 || g_strcmp0 (type, "integer") == 0)
    {
      double v, min, max;

      if (vt != G_TYPE_INT64 && vt != G_TYPE_DOUBLE)
        {
          tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, where, "must be a number");
          return FALSE;
        }
      if (g_strcmp0 (type, "integer") == 0 && vt != G_TYPE_INT64)
        {
          tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, where, "must be a whole number");
          return FALSE;
        }
      v = vt == G_TYPE_INT64 ? (double) json_node_get_int (value) : json_node_get_double (value);
      min = json_object_get_double_member_with_default (rule, "min", -1e15);
      max = json_object_get_double_member_with_default (rule, "max", 1e15);
      if (!(v >= min && v <= max))
        {
          tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, where, "between %g and %g", min, max);
          return FALSE;
        }
      return TRUE;
    }
  if (g_strcmp0 (type, "boolean") == 0)
    {
      if (vt != G_TYPE_BOOLEAN)
        {
          tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, where, "must be true or false");
          return FALSE;
        }
      return TRUE;
    }
  if (g_strcmp0 (type, "object") == 0)
    {
      if (!JSON_NODE_HOLDS_OBJECT (value))
        {
          tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, where, "must be an object");
          return FALSE;
        }
      return check_object (gw, json_object_get_object_member (rule, "fields"),
                           json_node_get_object (value), where, FALSE, error);
    }
  if (g_strcmp0 (type, "array") == 0)
    {
      JsonArray *a;
      JsonObject *items = json_object_get_object_member (rule, "items");
      gint64 max = json_object_get_int_member_with_default (rule, "max_items", 16);

      if (!JSON_NODE_HOLDS_ARRAY (value))
        {
          tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, where, "must be a list");
          return FALSE;
        }
      a = json_node_get_array (value);
      if (json_array_get_length (a) > max)
        {
          tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, where,
                        "at most %" G_GINT64_FORMAT " entries", max);
          return FALSE;
        }
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          g_autofree char *at = g_strdup_printf ("%s[%u]", where, i);

          if (!check_value (gw, items, json_array_get_element (a, i), at, error))
            return FALSE;
        }
      return TRUE;
    }
  tm_set_error (error, TONGBAN_CODE_INTERNAL, NULL, "unknown schema type");
  return FALSE;
}

gboolean
tm_gateway_check_params (TmGateway   *gw,
                         const char  *operation,
                         JsonObject  *params,
                         GError     **error)
{
  Operation *op = operation ? g_hash_table_lookup (gw->operations, operation) : NULL;

  if (op == NULL)
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "operation", "no such operation");
      return FALSE;
    }
  return check_object (gw, op->params, params, "params", TRUE, error);
}

/* Citizen sessions */

static const char *
auth_method (const char *operation)
{
  static const struct { const char *op, *method; } methods[] = {
    { "auth.id-card", "id-card" }, { "auth.permit", "permit" }, { "auth.face", "face" },
    { "auth.fingerprint", "fingerprint" }, { "auth.qr", "qr" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (methods); i++)
    if (strcmp (methods[i].op, operation) == 0)
      return methods[i].method;
  return NULL;
}

static void
sessions_expire (TmGateway *gw,
                 gint64     now)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, gw->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (now - ((CitizenSession *) value)->last_used > gw->idle_us)
      g_hash_table_iter_remove (&iter);
}

/* A copy of the session's citizen if the token is alive and belongs to this terminal. */
static JsonObject *
session_use (TmGateway  *gw,
             const char *token,
             gint64      terminal_id)
{
  CitizenSession *s;
  JsonObject *copy = NULL;
  gint64 now = g_get_monotonic_time ();

  if (token == NULL)
    return NULL;
  g_mutex_lock (&gw->lock);
  s = g_hash_table_lookup (gw->sessions, token);
  if (s != NULL && now - s->last_used > gw->idle_us)
    {
      g_hash_table_remove (gw->sessions, token);
      s = NULL;
    }
  if (s != NULL && s->terminal_id == terminal_id)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *node;

      /* A copy of its own (json_node_copy() would share the object): the call wipes
       * its copy when done, and the session's must stay whole. */
      s->last_used = now;
      copy = json_object_new ();
      json_object_iter_init (&iter, s->citizen);
      while (json_object_iter_next (&iter, &name, &node))
        if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
          json_object_set_string_member (copy, name, json_node_get_string (node));
    }
  g_mutex_unlock (&gw->lock);
  return copy;
}

static char *
session_create (TmGateway  *gw,
                gint64      terminal_id,
                JsonObject *citizen)
{
  CitizenSession *s = g_new0 (CitizenSession, 1);
  char *token = tm_random_hex (32);
  gint64 now = g_get_monotonic_time ();

  s->terminal_id = terminal_id;
  s->citizen = citizen;
  s->last_used = now;
  g_mutex_lock (&gw->lock);
  if (g_hash_table_size (gw->sessions) >= MAX_SESSIONS)
    sessions_expire (gw, now);
  g_hash_table_insert (gw->sessions, g_strdup (token), s);
  g_mutex_unlock (&gw->lock);
  return token;
}

static gboolean
session_end (TmGateway  *gw,
             const char *token,
             gint64      terminal_id)
{
  CitizenSession *s;
  gboolean ended = FALSE;

  g_mutex_lock (&gw->lock);
  s = g_hash_table_lookup (gw->sessions, token);
  if (s != NULL && s->terminal_id == terminal_id)
    ended = g_hash_table_remove (gw->sessions, token);
  g_mutex_unlock (&gw->lock);
  return ended;
}

/* The identity system's citizen, checked; the kept copy carries the method too. */
static JsonObject *
citizen_from_answer (JsonObject  *answer,
                     const char  *method,
                     GError     **error)
{
  static const char * const keep[] = { "id_type", "id_number", "name", "name_en", "birth", NULL };
  JsonNode *node = json_object_get_member (answer, "citizen");
  JsonObject *in, *out;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_INVALID,
                   "verified without a citizen object");
      return NULL;
    }
  in = json_node_get_object (node);
  out = json_object_new ();
  for (guint i = 0; keep[i] != NULL; i++)
    {
      JsonNode *v = json_object_get_member (in, keep[i]);
      gboolean needed = i < 3;

      if (v != NULL && JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) == G_TYPE_STRING
          && *json_node_get_string (v) != '\0' && strlen (json_node_get_string (v)) <= 128
          && g_utf8_validate (json_node_get_string (v), -1, NULL))
        json_object_set_string_member (out, keep[i], json_node_get_string (v));
      else if (needed)
        {
          g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_INVALID,
                       "citizen without a valid %s", keep[i]);
          wipe_object (out);
          json_object_unref (out);
          return NULL;
        }
    }
  json_object_set_string_member (out, "method", method);
  return out;
}

/* Back-end systems */

/* A member's text, or NULL if absent or not text (outside input: no criticals). */
static const char *
string_member (JsonObject *o,
               const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
         ? json_node_get_string (n) : NULL;
}

static char *
seal (TmApp      *app,
      const char *id,
      const char *what,
      const char *plain)
{
  g_autofree char *aad = g_strconcat ("backend:", id, ":", what, NULL);
  g_autoptr(GBytes) sealed = NULL;

  if (plain == NULL)
    return NULL;
  sealed = tongban_sm4_gcm_encrypt (app->master_key, (const guint8 *) plain, strlen (plain),
                                    (const guint8 *) aad, strlen (aad));
  return sealed ? g_base64_encode (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed))
                : NULL;
}

static char *
unseal (TmApp       *app,
        const char  *id,
        const char  *what,
        const char  *b64,
        GError     **error)
{
  g_autofree char *aad = g_strconcat ("backend:", id, ":", what, NULL);
  g_autofree guchar *raw = NULL;
  g_autoptr(GBytes) plain = NULL;
  gsize len = 0;
  char *text;

  if (b64 == NULL)
    return NULL;
  raw = g_base64_decode (b64, &len);
  plain = raw ? tongban_sm4_gcm_decrypt (app->master_key, raw, len, (const guint8 *) aad,
                                         strlen (aad)) : NULL;
  if (plain == NULL)
    {
      g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_UNAVAILABLE,
                   "the %s of back end %s cannot be unsealed (another master key?)", what, id);
      return NULL;
    }
  text = g_strndup (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
  explicit_bzero ((gpointer) g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
  return text;
}

TmBackendSystem *
tm_backend_get (TmApp       *app,
                const char  *id,
                GError     **error)
{
  g_autoptr(TmBackendSystem) sys = NULL;
  g_autoptr(TmRows) rows = NULL;
  GError *db_error = NULL;
  TmConn *conn = tm_db_acquire (app->db);

  rows = tm_q (conn, &db_error, "SELECT transport, base_url, timeout_ms, credential_sealed,"
               " peer_key_sealed FROM backend_system WHERE id = ?", TM_STR (id));
  tm_db_release (app->db, conn);
  if (rows == NULL)
    {
      g_set_error (error, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_UNAVAILABLE,
                   "back-end configuration unreadable: %s", db_error->message);
      g_clear_error (&db_error);
      return NULL;
    }
  if (rows->n_rows == 0)
    return NULL;
  sys = g_new0 (TmBackendSystem, 1);
  sys->id = g_strdup (id);
  sys->transport = g_strdup (tm_rows_get (rows, 0, 0));
  sys->base_url = g_strdup (tm_rows_get (rows, 0, 1));
  sys->timeout_ms = (guint) tm_rows_get_int (rows, 0, 2);
  sys->credential = unseal (app, id, "credential", tm_rows_get (rows, 0, 3), error);
  if (tm_rows_get (rows, 0, 3) != NULL && sys->credential == NULL)
    return NULL;
  sys->peer_key = unseal (app, id, "peer-key", tm_rows_get (rows, 0, 4), error);
  if (tm_rows_get (rows, 0, 4) != NULL && sys->peer_key == NULL)
    return NULL;
  return g_steal_pointer (&sys);
}

static void
add_backend_row (JsonBuilder *b,
                 TmRows      *rows,
                 guint        r)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, tm_rows_get (rows, r, 0));
  json_builder_set_member_name (b, "transport");
  json_builder_add_string_value (b, tm_rows_get (rows, r, 1));
  json_builder_set_member_name (b, "base_url");
  json_builder_add_string_value (b, tm_rows_get (rows, r, 2));
  json_builder_set_member_name (b, "timeout_ms");
  json_builder_add_int_value (b, tm_rows_get_int (rows, r, 3));
  /* Whether a secret is set, never the secret. */
  json_builder_set_member_name (b, "has_credential");
  json_builder_add_boolean_value (b, tm_rows_get (rows, r, 4) != NULL);
  json_builder_set_member_name (b, "has_peer_key");
  json_builder_add_boolean_value (b, tm_rows_get (rows, r, 5) != NULL);
  json_builder_set_member_name (b, "updated_at");
  json_builder_add_int_value (b, tm_rows_get_int (rows, r, 6));
  json_builder_end_object (b);
}

JsonNode *
tm_backend_list (TmApp       *app,
                 const char  *id,
                 GError     **error)
{
  g_autoptr(TmRows) rows = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GError *db_error = NULL;
  TmConn *conn = tm_db_acquire (app->db);

  rows = tm_q (conn, &db_error, "SELECT id, transport, base_url, timeout_ms,"
               " credential_sealed, peer_key_sealed, updated_at FROM backend_system"
               " WHERE CAST(? AS TEXT) IS NULL OR id = ? ORDER BY id", TM_STR (id), TM_STR (id));
  tm_db_release (app->db, conn);
  if (rows == NULL)
    {
      tm_db_fail (error, db_error);
      return NULL;
    }
  if (id != NULL)
    {
      if (rows->n_rows == 0)
        {
          tm_set_error (error, TONGBAN_CODE_NOT_FOUND, "id", "no such back-end system");
          return NULL;
        }
      add_backend_row (b, rows, 0);
      return json_builder_get_root (b);
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "systems");
  json_builder_begin_array (b);
  for (guint r = 0; r < rows->n_rows; r++)
    add_backend_row (b, rows, r);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
system_id_known (TmApp      *app,
                 const char *id)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, app->gateway->operations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (strcmp (((Operation *) value)->system, id) == 0)
      return TRUE;
  return FALSE;
}

/* A bearer token or a PEM key: text, line breaks allowed (PEM has them). */
static gboolean
get_secret (JsonObject   *body,
            const char   *field,
            const char  **out,
            const char  **reason)
{
  JsonNode *n = json_object_get_member (body, field);

  *out = NULL;
  if (n == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING
      || *json_node_get_string (n) == '\0' || strlen (json_node_get_string (n)) > 16384)
    {
      *reason = "text of 1 to 16384 bytes";
      return FALSE;
    }
  for (const char *p = json_node_get_string (n); *p; p++)
    if ((guchar) *p < 0x20 && *p != '\n' && *p != '\r')
      {
        *reason = "control characters other than line breaks";
        return FALSE;
      }
  *out = json_node_get_string (n);
  return TRUE;
}

/* Checks a system's fields; stores them (sealing the secrets) unless check_only. */
static gboolean
backend_store (TmApp       *app,
               const char  *actor,
               const char  *id,
               JsonObject  *body,
               gboolean     check_only,
               GError     **error)
{
  static const char * const fields[] = { "id", "transport", "base_url", "timeout_ms",
                                         "credential", "peer_key", NULL };
  static const char * const transports[] = { "rest", "soap11", "soap12", NULL };
  const char *transport = NULL, *url = NULL, *credential = NULL, *peer = NULL;
  const char *reason = NULL, *bad = NULL;
  g_autofree char *cred_sealed = NULL, *peer_sealed = NULL, *detail = NULL;
  g_autoptr(GUri) uri = NULL;
  JsonNode *peer_node = json_object_get_member (body, "peer_key");
  gboolean clear_peer = peer_node != NULL && JSON_NODE_HOLDS_NULL (peer_node);
  gint64 timeout = 0;
  GError *db_error = NULL;
  TmConn *conn;
  gboolean ok;

  if (!tongban_json_only_fields (body, fields, &bad))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, bad, "unknown field");
      return FALSE;
    }
  if (json_object_has_member (body, "id") && g_strcmp0 (string_member (body, "id"), id) != 0)
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "id", "differs from the address");
      return FALSE;
    }
  if (id == NULL || !system_id_known (app, id))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "id",
                    "not a system any operation is routed to");
      return FALSE;
    }
#define FIELD_FAIL(f) \
  { tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, f, "%s", reason); return FALSE; }
  if (!tongban_json_get_string (body, "transport", TRUE, 16, &transport, &reason))
    FIELD_FAIL ("transport");
  if (!g_strv_contains (transports, transport))
    {
      reason = "one of rest, soap11, soap12";
      FIELD_FAIL ("transport");
    }
  if (!tongban_json_get_string (body, "base_url", TRUE, 512, &url, &reason))
    FIELD_FAIL ("base_url");
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
                      && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0)
      || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL)
    {
      reason = "an http:// or https:// address without user, password or query";
      FIELD_FAIL ("base_url");
    }
  if (!tongban_json_get_int (body, "timeout_ms", TRUE, 100, 120000, &timeout, &reason))
    FIELD_FAIL ("timeout_ms");
  if (!get_secret (body, "credential", &credential, &reason))
    FIELD_FAIL ("credential");
  if (!clear_peer && !get_secret (body, "peer_key", &peer, &reason))
    FIELD_FAIL ("peer_key");
#undef FIELD_FAIL
  if (check_only)
    return TRUE;
  cred_sealed = seal (app, id, "credential", credential);
  peer_sealed = seal (app, id, "peer-key", peer);

  conn = tm_db_acquire (app->db);
  ok = tm_x (conn, &db_error, "INSERT INTO backend_system (id, transport, base_url, timeout_ms,"
             " credential_sealed, peer_key_sealed, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
             " ON CONFLICT (id) DO UPDATE SET transport = excluded.transport,"
             " base_url = excluded.base_url, timeout_ms = excluded.timeout_ms,"
             " credential_sealed = COALESCE (excluded.credential_sealed,"
             "   backend_system.credential_sealed),"
             " peer_key_sealed = CASE WHEN ? = 1 THEN NULL ELSE COALESCE"
             "   (excluded.peer_key_sealed, backend_system.peer_key_sealed) END,"
             " updated_at = excluded.updated_at",
             TM_STR (id), TM_STR (transport), TM_STR (url), TM_INT (timeout),
             TM_STR (cred_sealed), TM_STR (peer_sealed), TM_INT (tm_now ()),
             TM_INT (clear_peer ? 1 : 0));
  tm_db_release (app->db, conn);
  if (!ok)
    {
      tm_db_fail (error, db_error);
      return FALSE;
    }
  /* The audit names what changed, never the secret. */
  detail = g_strdup_printf ("%s %s timeout=%" G_GINT64_FORMAT "%s%s", transport, url, timeout,
                            credential ? " credential=replaced" : "",
                            peer ? " peer_key=replaced" : clear_peer ? " peer_key=cleared" : "");
  tm_audit_append (app, actor, "backend.update", id, detail, NULL);
  return TRUE;
}

JsonNode *
tm_backend_put (TmApp       *app,
                const char  *actor,
                const char  *id,
                JsonObject  *body,
                GError     **error)
{
  if (!backend_store (app, actor, id, body, FALSE, error))
    return NULL;
  return tm_backend_list (app, id, error);
}

static gboolean
load_entries (TmApp       *app,
              const char  *path,
              JsonArray   *a,
              gboolean     check_only,
              GError     **error)
{
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      const char *id;
      GError *local = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (n)
          || (id = string_member (json_node_get_object (n), "id")) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: systems[%u] needs an \"id\"", path, i);
          return FALSE;
        }
      if (!backend_store (app, "cli", id, json_node_get_object (n), check_only, &local))
        {
          g_autofree char *field = NULL, *reason = NULL;

          tm_error_split (local, &field, &reason);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: system %s: %s%s%s",
                       path, id, field ? field : "", field && *field ? ": " : "", reason);
          g_clear_error (&local);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
tm_backend_load_file (TmApp       *app,
                      const char  *path,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root, *systems;

  if (!json_parser_load_from_file (parser, path, error))
    return FALSE;
  root = json_parser_get_root (parser);
  systems = root && JSON_NODE_HOLDS_OBJECT (root)
            ? json_object_get_member (json_node_get_object (root), "systems") : NULL;
  if (systems == NULL || !JSON_NODE_HOLDS_ARRAY (systems))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: expected {\"systems\": [...]}", path);
      return FALSE;
    }
  /* Every entry checked before any is stored: a bad file changes nothing. */
  return load_entries (app, path, json_node_get_array (systems), TRUE, error)
         && load_entries (app, path, json_node_get_array (systems), FALSE, error);
}

/* Calls */

/* The kiosk modules switched off on this terminal (manually or by a device fault). */
static char *
module_off (TmApp       *app,
            gint64       terminal_id,
            GPtrArray   *needed,
            GError     **error)
{
  g_autoptr(TmRows) rows = NULL;
  GError *db_error = NULL;
  TmConn *conn;

  if (needed->len == 0)
    return NULL;
  conn = tm_db_acquire (app->db);
  rows = tm_q (conn, &db_error, "SELECT module FROM terminal_module WHERE terminal_id = ?"
               " AND enabled = 0", TM_INT (terminal_id));
  tm_db_release (app->db, conn);
  if (rows == NULL)
    {
      tm_db_fail (error, db_error);
      return NULL;
    }
  for (guint r = 0; r < rows->n_rows; r++)
    for (guint i = 0; i < needed->len; i++)
      if (g_strcmp0 (tm_rows_get (rows, r, 0), needed->pdata[i]) == 0)
        return g_strdup (needed->pdata[i]);
  return NULL;
}

/* A usage fact per call: service, operation, outcome, duration; nothing about the person. */
static void
record_usage (TmApp            *app,
              const TmTerminal *terminal,
              const char       *call_id,
              const char       *service,
              const char       *operation,
              const char       *outcome,
              gint64            duration_ms)
{
  GError *db_error = NULL;
  TmConn *conn = tm_db_acquire (app->db);

  if (!tm_x (conn, &db_error, "INSERT INTO usage_event (terminal_id, event_id, kind, category,"
             " service, outcome, duration_ms, occurred_at, region_path)"
             " VALUES (?, ?, 'backend-call', ?, ?, ?, ?, ?, ?)"
             " ON CONFLICT (terminal_id, event_id) DO NOTHING",
             TM_INT (terminal->id), TM_STR (call_id), TM_STR (operation), TM_STR (service),
             TM_STR (outcome), TM_INT (duration_ms), TM_INT (tm_now ()),
             TM_STR (terminal->region_path)))
    {
      g_warning ("gateway: usage of call %s not recorded: %s", call_id, db_error->message);
      g_clear_error (&db_error);
    }
  tm_db_release (app->db, conn);
}

static gboolean
hex_id (const char *s)
{
  if (s == NULL || strlen (s) != 32)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isxdigit (*s))
      return FALSE;
  return TRUE;
}

static gboolean
verified (JsonObject *answer)
{
  JsonNode *v = json_object_get_member (answer, "verified");

  return v != NULL && JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) == G_TYPE_BOOLEAN
         && json_node_get_boolean (v);
}

/* The answer to an identity call that verified someone: the session and a masked view. */
static JsonNode *
identity_answer (TmApp            *app,
                 const TmTerminal *terminal,
                 const char       *previous,
                 JsonObject       *citizen)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *masked = tongban_mask_id (json_object_get_string_member (citizen, "id_number"));
  g_autofree char *token = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "verified");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, app->gateway->idle_us / G_USEC_PER_SEC);
  json_builder_set_member_name (b, "citizen");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, json_object_get_string_member (citizen, "name"));
  json_builder_set_member_name (b, "masked_id");
  json_builder_add_string_value (b, masked);
  json_builder_set_member_name (b, "id_type");
  json_builder_add_string_value (b, json_object_get_string_member (citizen, "id_type"));
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, json_object_get_string_member (citizen, "method"));
  json_builder_end_object (b);
  /* A new proof replaces the visit's old session. */
  if (previous != NULL)
    session_end (app->gateway, previous, terminal->id);
  token = session_create (app->gateway, terminal->id, citizen);
  json_builder_set_member_name (b, "session");
  json_builder_add_string_value (b, token);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
tm_gateway_call (TmApp             *app,
                 const TmTerminal  *terminal,
                 JsonObject        *body,
                 GError           **error)
{
  static const char * const fields[] = { "call_id", "service", "operation", "session", "params",
                                         NULL };
  TmGateway *gw = app->gateway;
  const char *call_id = NULL, *service_id = NULL, *op_name = NULL, *token = NULL;
  const char *reason = NULL, *bad = NULL, *outcome = "failure";
  g_autoptr(CitizenCopy) citizen = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) empty = NULL;
  g_autoptr(TmBackendSystem) sys = NULL;
  g_autoptr(GPtrArray) needed = NULL;
  g_autoptr(GError) failure = NULL;
  g_autofree char *off = NULL;
  JsonNode *params_node, *result = NULL;
  JsonObject *params;
  TmGatewayAdapter adapter;
  TmGatewayCall call = { 0 };
  Operation *op;
  Service *service;
  gint64 started;

  if (!tongban_json_only_fields (body, fields, &bad))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, bad, "unknown field");
      return NULL;
    }
  if (!tongban_json_get_string (body, "call_id", TRUE, 32, &call_id, &reason)
      || !hex_id (call_id))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "call_id", "32 hex digits");
      return NULL;
    }
  if (!tongban_json_get_string (body, "service", TRUE, 32, &service_id, &reason)
      || (service = g_hash_table_lookup (gw->services, service_id)) == NULL)
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "service", "no such service");
      return NULL;
    }
  if (!tongban_json_get_string (body, "operation", TRUE, 64, &op_name, &reason)
      || (op = g_hash_table_lookup (gw->operations, op_name)) == NULL
      || !(g_hash_table_contains (service->operations, op_name)
           || g_str_has_prefix (op_name, "auth.") || g_str_has_prefix (op_name, "pay.")))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "operation",
                    "not an operation of this service");
      return NULL;
    }
  if (!tongban_json_get_string (body, "session", FALSE, 128, &token, &reason))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "session", "%s", reason);
      return NULL;
    }
  params_node = json_object_get_member (body, "params");
  if (params_node != NULL && !JSON_NODE_HOLDS_OBJECT (params_node))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "params", "must be an object");
      return NULL;
    }
  empty = json_object_new ();
  params = params_node ? json_node_get_object (params_node) : empty;

  /* Module: the service's devices and the operation's own (a card reader for auth.id-card). */
  needed = g_ptr_array_new ();
  for (guint i = 0; i < service->modules->len; i++)
    g_ptr_array_add (needed, service->modules->pdata[i]);
  if (op->module != NULL)
    g_ptr_array_add (needed, op->module);
  off = module_off (app, terminal->id, needed, error);
  if (error != NULL && *error != NULL)
    return NULL;
  if (off != NULL)
    {
      tm_set_error (error, TONGBAN_CODE_MODULE_DISABLED, "module", "%s is switched off here",
                    off);
      return NULL;
    }
  if (op->identity)
    {
      citizen = session_use (gw, token, terminal->id);
      if (citizen == NULL)
        {
          tm_set_error (error, TONGBAN_CODE_IDENTITY_REQUIRED, "session",
                        token ? "the citizen session has ended or is not valid here"
                              : "prove who you are first");
          return NULL;
        }
    }
  if (!tm_gateway_check_params (gw, op_name, params, error))
    return NULL;

  started = g_get_monotonic_time ();
  sys = tm_backend_get (app, op->system, &failure);
  if (sys == NULL && failure == NULL)
    g_set_error (&failure, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_UNAVAILABLE,
                 "no back end configured for system %s", op->system);
  adapter = sys ? tm_gateway_find_adapter (sys->transport) : NULL;
  if (sys != NULL && adapter == NULL)
    g_set_error (&failure, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_UNAVAILABLE,
                 "no adapter for transport %s", sys->transport);
  if (adapter != NULL)
    {
      call.request_id = call_id;
      call.terminal_id = terminal->number;
      call.service_id = service_id;
      call.operation = op_name;
      call.citizen = citizen;
      call.params = params;
      call.idempotent = !op->write;
      answer = adapter (sys, &call, &failure);
      if (answer == NULL && failure == NULL)
        g_set_error (&failure, TM_GATEWAY_ERROR, TM_GATEWAY_ERROR_INVALID, "adapter gave nothing");
    }

  /* An identity answer that verifies someone opens (or replaces) the citizen session. */
  if (answer != NULL && auth_method (op_name) != NULL && verified (answer))
    {
      JsonObject *who = citizen_from_answer (answer, auth_method (op_name), &failure);

      if (who != NULL)
        result = identity_answer (app, terminal, token, who);
    }
  else if (answer != NULL)
    {
      /* Whoever an identity answer names stays here until it verifies them. */
      if (g_str_has_prefix (op_name, "auth."))
        json_object_remove_member (answer, "citizen");
      result = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (result, answer);
    }

  if (failure != NULL)
    {
      gboolean known = failure->domain == TM_GATEWAY_ERROR;
      TongbanCode code = !known ? TONGBAN_CODE_UNAVAILABLE
                       : failure->code == TM_GATEWAY_ERROR_TIMEOUT ? TONGBAN_CODE_BACKEND_TIMEOUT
                       : failure->code == TM_GATEWAY_ERROR_REFUSED ? TONGBAN_CODE_BACKEND_REFUSED
                       : failure->code == TM_GATEWAY_ERROR_INVALID ? TONGBAN_CODE_BACKEND_INVALID
                       : TONGBAN_CODE_UNAVAILABLE;

      if (code == TONGBAN_CODE_BACKEND_TIMEOUT)
        outcome = "timeout";
      /* Once, with the cause; adapters put no personal data or credentials in messages. */
      g_message ("gateway: %s %s on %s via %s, call %s: %s%s", service_id, op_name,
                 terminal->number, op->system, call_id,
                 code == TONGBAN_CODE_BACKEND_REFUSED ? "refused: " : "", failure->message);
      if (code == TONGBAN_CODE_BACKEND_REFUSED)
        tm_set_error (error, code, NULL, "%s",
                      tm_gateway_reason_known (failure->message) ? failure->message : "closed");
      else
        tm_set_error (error, code, NULL, "%s", code == TONGBAN_CODE_BACKEND_TIMEOUT
                      ? "the government system did not answer in time"
                      : code == TONGBAN_CODE_BACKEND_INVALID
                      ? "the government system's answer could not be understood"
                      : "the government system cannot be reached now");
    }
  else
    outcome = "success";
  record_usage (app, terminal, call_id, service_id, op_name, outcome,
                (g_get_monotonic_time () - started) / 1000);
  return failure ? NULL : result;
}

JsonNode *
tm_gateway_session_end (TmApp             *app,
                        const TmTerminal  *terminal,
                        JsonObject        *body,
                        GError           **error)
{
  static const char * const fields[] = { "session", NULL };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *token = NULL, *reason = NULL, *bad = NULL;

  if (!tongban_json_only_fields (body, fields, &bad))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, bad, "unknown field");
      return NULL;
    }
  if (!tongban_json_get_string (body, "session", TRUE, 128, &token, &reason))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "session", "%s", reason);
      return NULL;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ended");
  json_builder_add_boolean_value (b, session_end (app->gateway, token, terminal->id));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
