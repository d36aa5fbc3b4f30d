/* tongban-gateway-backend.c: TongbanBackend over the manager's gateway */

#include "tongban-gateway-backend.h"

#include <string.h>
#include "tongban-envelope.h"

#define CALLS_PATH        "/api/terminal/v1/calls"
#define SESSION_END_PATH  "/api/terminal/v1/sessions/end"

struct _TongbanGatewayBackend
{
  GObject               parent_instance;

  TongbanManagerClient *client;
  TongbanSession       *session;
  gulong                ending_id;
};

static void backend_iface_init (TongbanBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TongbanGatewayBackend, tongban_gateway_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TONGBAN_TYPE_BACKEND, backend_iface_init))

typedef struct {
  char *operation;
} CallData;

static void
call_data_free (gpointer data)
{
  CallData *d = data;

  g_free (d->operation);
  g_free (d);
}

static const char *
data_string (JsonNode   *data,
             const char *member)
{
  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    return NULL;
  return json_object_get_string_member_with_default (json_node_get_object (data), member, NULL);
}

/* The error for the envelope @code (not 0) and its @data, per the table of
 * docs/gateway.md section 1. The message is for the log: it names codes and
 * reason ids, never a citizen's data. */
GError *
tongban_gateway_backend_map_answer (gint64      code,
                                    JsonNode   *data,
                                    const char *operation)
{
  g_autofree char *message = NULL;
  const char *reason = NULL;
  TongbanBackendError kind;

  switch (code)
    {
    case TONGBAN_CODE_IDENTITY_REQUIRED:
      kind = TONGBAN_BACKEND_ERROR_REFUSED;
      reason = "identity-required";
      break;
    case TONGBAN_CODE_MODULE_DISABLED:
      kind = TONGBAN_BACKEND_ERROR_REFUSED;
      reason = "module-disabled";
      break;
    case TONGBAN_CODE_RATE_LIMITED:
      kind = TONGBAN_BACKEND_ERROR_UNAVAILABLE;
      reason = "rate-limited";
      break;
    case TONGBAN_CODE_INVALID_FIELD:
      kind = TONGBAN_BACKEND_ERROR_REFUSED;
      reason = "invalid-field";
      break;
    case TONGBAN_CODE_BACKEND_REFUSED:
      kind = TONGBAN_BACKEND_ERROR_REFUSED;
      reason = data_string (data, "reason");
      break;
    case TONGBAN_CODE_BACKEND_INVALID:
      kind = TONGBAN_BACKEND_ERROR_INVALID;
      break;
    default:
      /* 5003, 5004 and whatever else stops the call at the manager (a locked
       * or disabled terminal): the system cannot be reached from here now. */
      kind = TONGBAN_BACKEND_ERROR_UNAVAILABLE;
      break;
    }
  if (reason != NULL && !tongban_backend_reason_is_known (reason))
    {
      message = g_strdup_printf ("%s: refused by the gateway (code %d) with an unknown reason "
                                 "id", operation, (int) code);
      reason = NULL;
    }
  else
    message = g_strdup_printf ("%s: refused by the gateway (code %d%s%s%s%s)", operation,
                               (int) code, reason ? ", " : "", reason ? reason : "",
                               data_string (data, "field") ? ", field " : "",
                               data_string (data, "field") ? data_string (data, "field") : "");
  return tongban_backend_error_new_reason (kind, reason, message);
}

static void
on_answer (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TongbanGatewayBackend *self = g_task_get_source_object (task);
  CallData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) data = NULL;
  JsonObject *answer;
  gint64 code = 0;

  if (!tongban_manager_client_call_finish (TONGBAN_MANAGER_CLIENT (source), result, &code, &data,
                                           &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, TONGBAN_BACKEND_ERROR, TONGBAN_BACKEND_ERROR_UNAVAILABLE,
                                 "%s: %s", d->operation, error->message);
      return;
    }
  if (code != 0)
    {
      /* The manager no longer knows the citizen: the token is of no use. */
      if (code == TONGBAN_CODE_IDENTITY_REQUIRED && tongban_session_get_active (self->session))
        tongban_session_set_value (self->session, TONGBAN_GATEWAY_SESSION_KEY, NULL);
      g_task_return_error (task, tongban_gateway_backend_map_answer (code, data, d->operation));
      return;
    }
  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    {
      g_task_return_new_error (task, TONGBAN_BACKEND_ERROR, TONGBAN_BACKEND_ERROR_INVALID,
                               "%s: the gateway's answer is not an object", d->operation);
      return;
    }
  answer = json_node_get_object (data);
  if (g_str_has_prefix (d->operation, "auth.") &&
      json_object_get_boolean_member_with_default (answer, "verified", FALSE))
    {
      const char *token = json_object_get_string_member_with_default (answer, "session", NULL);

      if (token == NULL || strlen (token) < 32 || strlen (token) > 256 ||
          strspn (token, "0123456789abcdefABCDEF") != strlen (token))
        {
          g_task_return_new_error (task, TONGBAN_BACKEND_ERROR, TONGBAN_BACKEND_ERROR_INVALID,
                                   "%s: verified, but without a valid session token",
                                   d->operation);
          return;
        }
      if (!tongban_session_get_active (self->session))
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                   "the citizen left before the answer came");
          return;
        }
      /* Kept with the citizen, in locked memory, and nowhere else. */
      tongban_session_set_value (self->session, TONGBAN_GATEWAY_SESSION_KEY, token);
      explicit_bzero ((char *) token, strlen (token));
      json_object_remove_member (answer, "session");
    }
  g_task_return_pointer (task, json_object_ref (answer), (GDestroyNotify) json_object_unref);
}

static char *
new_call_id (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  GString *id = g_string_sized_new (32);

  for (const char *p = uuid; *p; p++)
    if (*p != '-')
      g_string_append_c (id, *p);
  return g_string_free (id, FALSE);
}

static void
gateway_call_async (TongbanBackend      *backend,
                    const char          *service_id,
                    const char          *operation,
                    JsonObject          *params,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  TongbanGatewayBackend *self = TONGBAN_GATEWAY_BACKEND (backend);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *call_id = new_call_id ();
  const char *token = NULL;
  CallData *d = g_new0 (CallData, 1);

  g_task_set_source_tag (task, gateway_call_async);
  d->operation = g_strdup (operation);
  g_task_set_task_data (task, d, call_data_free);

  if (tongban_session_get_active (self->session))
    token = tongban_session_get_value (self->session, TONGBAN_GATEWAY_SESSION_KEY);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "call_id");
  json_builder_add_string_value (b, call_id);
  if (service_id != NULL)
    {
      json_builder_set_member_name (b, "service");
      json_builder_add_string_value (b, service_id);
    }
  json_builder_set_member_name (b, "operation");
  json_builder_add_string_value (b, operation);
  if (token != NULL)
    {
      json_builder_set_member_name (b, "session");
      json_builder_add_string_value (b, token);
    }
  json_builder_set_member_name (b, "params");
  if (params != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), params);

      json_builder_add_value (b, g_steal_pointer (&node));
    }
  else
    {
      json_builder_begin_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  /* The body is wiped by the link once it is sent. */
  tongban_manager_client_call_async (self->client, CALLS_PATH, json_to_string (root, FALSE),
                                     cancellable, on_answer, g_steal_pointer (&task));
}

static void
backend_iface_init (TongbanBackendInterface *iface)
{
  iface->call_async = gateway_call_async;
}

static void
on_session_closed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) data = NULL;
  gint64 code = 0;

  /* The manager forgets it anyway after 15 minutes without a call. */
  if (!tongban_manager_client_call_finish (TONGBAN_MANAGER_CLIENT (source), result, &code, &data,
                                           &error))
    g_message ("gateway: the citizen session was not closed at the manager: %s",
               error->message);
  else if (code != 0)
    g_message ("gateway: the manager refused to close the citizen session (code %d)",
               (int) code);
}

/* Before the session's values are wiped: close the manager's side too. */
static void
on_session_ending (TongbanSession        *session,
                   int                    reason,
                   TongbanGatewayBackend *self)
{
  const char *token = tongban_session_get_value (session, TONGBAN_GATEWAY_SESSION_KEY);
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (token == NULL)
    return;
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "session");
  json_builder_add_string_value (b, token);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  tongban_manager_client_call_async (self->client, SESSION_END_PATH, json_to_string (root, FALSE),
                                     NULL, on_session_closed, NULL);
}

static void
tongban_gateway_backend_dispose (GObject *object)
{
  TongbanGatewayBackend *self = TONGBAN_GATEWAY_BACKEND (object);

  if (self->session != NULL)
    g_clear_signal_handler (&self->ending_id, self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (tongban_gateway_backend_parent_class)->dispose (object);
}

static void
tongban_gateway_backend_class_init (TongbanGatewayBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tongban_gateway_backend_dispose;
}

static void
tongban_gateway_backend_init (TongbanGatewayBackend *self)
{
}

TongbanGatewayBackend *
tongban_gateway_backend_new (TongbanManagerClient *client,
                             TongbanSession       *session)
{
  TongbanGatewayBackend *self;

  g_return_val_if_fail (TONGBAN_IS_MANAGER_CLIENT (client), NULL);
  g_return_val_if_fail (TONGBAN_IS_SESSION (session), NULL);

  self = g_object_new (TONGBAN_TYPE_GATEWAY_BACKEND, NULL);
  self->client = g_object_ref (client);
  self->session = g_object_ref (session);
  self->ending_id = g_signal_connect (session, "ending", G_CALLBACK (on_session_ending), self);
  return self;
}
