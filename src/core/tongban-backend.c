/* tongban-backend.c: the back-end interface and an answer-from-data backend
 *
 * TongbanFileBackend answers each operation with the object stored for it in
 * a JSON document ({"operations": {"si.info": {...}}}). Answers to actions
 * ("gd.book", "si.print") get a fresh reference number. It is the test double
 * of the flow tests and stands in for the government systems in the demo
 * until the kiosk is connected to the management server; failures can be
 * switched on per operation to test what a citizen sees.
 */

#include "tongban-backend.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include "tongban-clock.h"

/* A refusal's reason id (docs/gateway.md section 1) travels with the error. */
typedef struct {
  char *reason;
} TongbanBackendErrorPrivate;

static void
tongban_backend_error_private_init (TongbanBackendErrorPrivate *priv)
{
  /* (GLib hands over what it allocated; the checks keep -Wnull-dereference quiet.) */
  if (priv != NULL)
    priv->reason = NULL;
}

static void
tongban_backend_error_private_copy (const TongbanBackendErrorPrivate *src,
                                    TongbanBackendErrorPrivate       *dest)
{
  if (src != NULL && dest != NULL)
    dest->reason = g_strdup (src->reason);
}

static void
tongban_backend_error_private_clear (TongbanBackendErrorPrivate *priv)
{
  if (priv != NULL)
    g_clear_pointer (&priv->reason, g_free);
}

G_DEFINE_EXTENDED_ERROR (TongbanBackendError, tongban_backend_error)

/* Every reason id the kiosk knows, with what it tells the citizen. */
static const struct {
  const char *id;
  const char *text;
} reasons[] = {
  { "not-found", N_("The department has no record that fits. Check that this is the right "
                    "service, or ask the staff at the service desk.") },
  { "not-eligible", N_("The department says this service is not open to you. Ask the staff at "
                       "the service desk what you can do instead.") },
  { "identity-mismatch", N_("Your details do not match the department's records. Try again, or "
                            "choose another way to prove who you are.") },
  { "not-live", N_("The camera could not confirm that a person was standing in front of it. "
                   "Look straight at the camera and try again, or choose another way.") },
  { "document-expired", N_("This document has expired. Use a current one, or choose another way "
                           "to prove who you are.") },
  { "document-invalid", N_("This document could not be accepted. Check that it is the right one, "
                           "or choose another way to prove who you are.") },
  { "slot-taken", N_("That time has just been taken by someone else. Please choose another "
                     "time.") },
  { "payment-declined", N_("The payment was not accepted. Try again, or pay another way.") },
  { "duplicate", N_("This has already been done, and it was not done twice. Ask the staff at "
                    "the service desk if you are not sure.") },
  { "invalid-field", N_("Something you entered was not accepted. Check what you entered and try "
                        "again.") },
  { "closed", N_("This service is closed just now. Please come back during its opening "
                 "hours.") },
  { "pending", N_("Your earlier application is still being handled. You will be told when it is "
                  "done.") },
  { "identity-required", N_("Please prove who you are again: the earlier check has ended.") },
  { "module-disabled", N_("This service is not available at this kiosk just now. Ask the staff "
                          "at the service desk.") },
  { "rate-limited", N_("The system is busy. Please wait a moment and try again.") },
};

/* Whether @reason is one of the reason ids of docs/gateway.md. */
gboolean
tongban_backend_reason_is_known (const char *reason)
{
  for (guint i = 0; reason != NULL && i < G_N_ELEMENTS (reasons); i++)
    if (g_str_equal (reasons[i].id, reason))
      return TRUE;
  return FALSE;
}

/* A backend error carrying @reason (a known reason id, or NULL). */
GError *
tongban_backend_error_new_reason (TongbanBackendError  code,
                                  const char          *reason,
                                  const char          *message)
{
  GError *error = g_error_new_literal (TONGBAN_BACKEND_ERROR, (int) code, message);
  TongbanBackendErrorPrivate *priv = tongban_backend_error_get_private (error);

  if (priv != NULL)
    priv->reason = tongban_backend_reason_is_known (reason) ? g_strdup (reason) : NULL;
  return error;
}

/* The reason id a refusal carries, or NULL. */
const char *
tongban_backend_error_get_reason (const GError *error)
{
  TongbanBackendErrorPrivate *priv;

  if (error == NULL || error->domain != TONGBAN_BACKEND_ERROR)
    return NULL;
  priv = tongban_backend_error_get_private (error);
  return priv ? priv->reason : NULL;
}

/* The plain words (an English msgid, to translate when shown) for the
 * reason @error carries, or NULL when it carries none. */
const char *
tongban_backend_error_reason_text (const GError *error)
{
  return tongban_backend_reason_words (tongban_backend_error_get_reason (error));
}

/* The plain words (an English msgid) for the reason id @reason, or NULL. */
const char *
tongban_backend_reason_words (const char *reason)
{
  for (guint i = 0; reason != NULL && i < G_N_ELEMENTS (reasons); i++)
    if (g_str_equal (reasons[i].id, reason))
      return reasons[i].text;
  return NULL;
}
G_DEFINE_INTERFACE (TongbanBackend, tongban_backend, G_TYPE_OBJECT)

static void
tongban_backend_default_init (TongbanBackendInterface *iface)
{
}

void
tongban_backend_call_async (TongbanBackend      *self,
                            const char          *service_id,
                            const char          *operation,
                            JsonObject          *params,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (TONGBAN_IS_BACKEND (self));
  g_return_if_fail (operation != NULL);

  TONGBAN_BACKEND_GET_IFACE (self)->call_async (self, service_id, operation, params,
                                                cancellable, callback, user_data);
}

JsonObject *
tongban_backend_call_finish (TongbanBackend  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  TongbanBackendInterface *iface;

  g_return_val_if_fail (TONGBAN_IS_BACKEND (self), NULL);
  iface = TONGBAN_BACKEND_GET_IFACE (self);
  if (iface->call_finish != NULL)
    return iface->call_finish (self, result, error);
  /* Implementations that answer with a GTask need no finish of their own. */
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- TongbanFileBackend ------------------------------------------------- */

struct _TongbanFileBackend
{
  GObject     parent_instance;

  JsonObject *operations;
  guint       delay_ms;
  GHashTable *failures;     /* operation -> code + 1 */
  GHashTable *reasons;      /* operation -> reason id of its failure */
  GHashTable *calls;        /* operation -> count */
  GHashTable *last_params;  /* operation -> JsonObject */
  guint       serial;
};

static void backend_iface_init (TongbanBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TongbanFileBackend, tongban_file_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TONGBAN_TYPE_BACKEND, backend_iface_init))

typedef struct {
  JsonObject *answer;
  GError     *error;
} Pending;

static void
pending_free (gpointer data)
{
  Pending *p = data;

  g_clear_pointer (&p->answer, json_object_unref);
  g_clear_error (&p->error);
  g_free (p);
}

static gboolean
deliver (gpointer data)
{
  GTask *task = data;
  Pending *p = g_task_get_task_data (task);

  if (p->error != NULL)
    g_task_return_error (task, g_steal_pointer (&p->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&p->answer),
                           (GDestroyNotify) json_object_unref);
  return G_SOURCE_REMOVE;
}

/* Actions leave a trace that the citizen may need later: a reference. */
static gboolean
is_action (const char *operation)
{
  static const char *suffixes[] = { ".apply", ".book", ".print", ".receipt", ".slip",
                                    ".request", ".bir60", ".bir56", ".incorporate",
                                    ".change-name", ".enrol", ".renew" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (operation, suffixes[i]))
      return TRUE;
  return FALSE;
}

static void
file_call_async (TongbanBackend      *backend,
                 const char          *service_id,
                 const char          *operation,
                 JsonObject          *params,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  TongbanFileBackend *self = TONGBAN_FILE_BACKEND (backend);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Pending *p = g_new0 (Pending, 1);
  gpointer failure = g_hash_table_lookup (self->failures, operation);
  JsonNode *stored = self->operations ? json_object_get_member (self->operations, operation)
                                      : NULL;

  g_task_set_source_tag (task, file_call_async);
  g_task_set_task_data (task, p, pending_free);
  g_hash_table_insert (self->calls, g_strdup (operation),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->calls,
                                                                                operation)) + 1));
  g_hash_table_insert (self->last_params, g_strdup (operation),
                       params ? json_object_ref (params) : json_object_new ());

  if (failure != NULL)
    {
      g_autofree char *message = g_strdup_printf ("%s: failure switched on", operation);

      p->error = tongban_backend_error_new_reason (GPOINTER_TO_INT (failure) - 1,
                                                   g_hash_table_lookup (self->reasons, operation),
                                                   message);
    }
  else if (stored != NULL && JSON_NODE_HOLDS_OBJECT (stored))
    {
      JsonNode *copy = json_node_copy (stored);

      p->answer = json_object_ref (json_node_get_object (copy));
      json_node_unref (copy);
    }
  else if (is_action (operation))
    p->answer = json_object_new ();
  else
    p->error = g_error_new (TONGBAN_BACKEND_ERROR, TONGBAN_BACKEND_ERROR_UNAVAILABLE,
                            "%s: no answer for this operation", operation);

  if (p->answer != NULL && is_action (operation) &&
      !json_object_has_member (p->answer, "reference"))
    {
      g_autoptr(GDateTime) now = tongban_clock_now_local ();
      g_autofree char *day = g_date_time_format (now, "%Y%m%d");
      g_autofree char *ref = g_strdup_printf ("%s-%s-%04u",
                                              service_id ? service_id + 2 : "TB", day,
                                              (++self->serial * 7919) % 10000);

      json_object_set_string_member (p->answer, "reference", ref);
    }

  if (self->delay_ms == 0)
    g_idle_add_full (G_PRIORITY_DEFAULT, deliver, g_object_ref (task), g_object_unref);
  else
    g_timeout_add_full (G_PRIORITY_DEFAULT, self->delay_ms, deliver, g_object_ref (task),
                        g_object_unref);
}

static void
backend_iface_init (TongbanBackendInterface *iface)
{
  iface->call_async = file_call_async;
}

static void
tongban_file_backend_finalize (GObject *object)
{
  TongbanFileBackend *self = TONGBAN_FILE_BACKEND (object);

  g_clear_pointer (&self->operations, json_object_unref);
  g_clear_pointer (&self->failures, g_hash_table_unref);
  g_clear_pointer (&self->reasons, g_hash_table_unref);
  g_clear_pointer (&self->calls, g_hash_table_unref);
  g_clear_pointer (&self->last_params, g_hash_table_unref);
  G_OBJECT_CLASS (tongban_file_backend_parent_class)->finalize (object);
}

static void
tongban_file_backend_class_init (TongbanFileBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tongban_file_backend_finalize;
}

static void
tongban_file_backend_init (TongbanFileBackend *self)
{
  self->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->reasons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->last_params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) json_object_unref);
}

TongbanFileBackend *
tongban_file_backend_new_from_bytes (GBytes  *json,
                                     GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(TongbanFileBackend) self = g_object_new (TONGBAN_TYPE_FILE_BACKEND, NULL);
  JsonNode *root, *ops;
  gsize len;
  const char *data = g_bytes_get_data (json, &len);

  if (!json_parser_load_from_data (parser, data, (gssize) len, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !(ops = json_object_get_member (json_node_get_object (root), "operations")) ||
      !JSON_NODE_HOLDS_OBJECT (ops))
    {
      g_set_error_literal (error, TONGBAN_BACKEND_ERROR, TONGBAN_BACKEND_ERROR_INVALID,
                           "expected {\"operations\": {...}}");
      return NULL;
    }
  self->operations = json_object_ref (json_node_get_object (ops));
  return g_steal_pointer (&self);
}

void
tongban_file_backend_set_delay (TongbanFileBackend *self,
                                guint               milliseconds)
{
  g_return_if_fail (TONGBAN_IS_FILE_BACKEND (self));
  self->delay_ms = milliseconds;
}

/* Makes @operation fail with @code from now on; code -1 switches it off. */
void
tongban_file_backend_set_failure (TongbanFileBackend  *self,
                                  const char          *operation,
                                  TongbanBackendError  code)
{
  g_return_if_fail (TONGBAN_IS_FILE_BACKEND (self));
  g_hash_table_remove (self->reasons, operation);
  if ((int) code < 0)
    g_hash_table_remove (self->failures, operation);
  else
    g_hash_table_insert (self->failures, g_strdup (operation), GINT_TO_POINTER (code + 1));
}

/* Makes @operation refused from now on with the reason id @reason. */
void
tongban_file_backend_set_refusal (TongbanFileBackend *self,
                                  const char         *operation,
                                  const char         *reason)
{
  tongban_file_backend_set_failure (self, operation, TONGBAN_BACKEND_ERROR_REFUSED);
  g_hash_table_insert (self->reasons, g_strdup (operation), g_strdup (reason));
}

/* Answers @operation with @answer from now on, as a back end whose state
 * moved on would: a payment that was waiting is now paid. */
void
tongban_file_backend_set_answer (TongbanFileBackend *self,
                                 const char         *operation,
                                 JsonObject         *answer)
{
  g_return_if_fail (TONGBAN_IS_FILE_BACKEND (self));
  g_return_if_fail (operation != NULL && answer != NULL);
  json_object_set_object_member (self->operations, operation, json_object_ref (answer));
}

guint
tongban_file_backend_get_calls (TongbanFileBackend *self,
                                const char         *operation)
{
  g_return_val_if_fail (TONGBAN_IS_FILE_BACKEND (self), 0);
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->calls, operation));
}

JsonObject *
tongban_file_backend_get_last_params (TongbanFileBackend *self,
                                      const char         *operation)
{
  g_return_val_if_fail (TONGBAN_IS_FILE_BACKEND (self), NULL);
  return g_hash_table_lookup (self->last_params, operation);
}
