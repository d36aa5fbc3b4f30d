/* tongban-backend.h: how the kiosk asks government systems for data
 *
 * Every service reaches its government system through one call: the service
 * id, an operation name ("si.certificate", "gd.book", "auth.id-card") and its
 * parameters, answered with a JSON object. The kiosk never talks to those
 * systems itself: in service the implementation is the management server's
 * gateway (TongbanGatewayBackend, tongban-gateway-backend.h); in tests and on
 * a kiosk with no manager, TongbanFileBackend answers from data. A refusal
 * may carry a reason id (docs/gateway.md), with plain words for the citizen.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TONGBAN_BACKEND_ERROR (tongban_backend_error_quark ())

typedef enum {
  TONGBAN_BACKEND_ERROR_UNAVAILABLE,  /* the system cannot be reached now */
  TONGBAN_BACKEND_ERROR_REFUSED,      /* it answered no (not eligible, not found) */
  TONGBAN_BACKEND_ERROR_INVALID,      /* its answer could not be understood */
} TongbanBackendError;

#define TONGBAN_TYPE_BACKEND (tongban_backend_get_type ())
G_DECLARE_INTERFACE (TongbanBackend, tongban_backend, TONGBAN, BACKEND, GObject)

struct _TongbanBackendInterface
{
  GTypeInterface parent_iface;

  void        (*call_async)  (TongbanBackend      *self,
                              const char          *service_id,
                              const char          *operation,
                              JsonObject          *params,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
  /* NULL: call_async answers with a GTask holding a JsonObject. */
  JsonObject *(*call_finish) (TongbanBackend      *self,
                              GAsyncResult        *result,
                              GError             **error);
};

GQuark      tongban_backend_error_quark (void);
GError     *tongban_backend_error_new_reason  (TongbanBackendError  code,
                                               const char          *reason,
                                               const char          *message);
const char *tongban_backend_error_get_reason  (const GError        *error);
const char *tongban_backend_error_reason_text (const GError        *error);
gboolean    tongban_backend_reason_is_known   (const char          *reason);
const char *tongban_backend_reason_words      (const char          *reason);
void        tongban_backend_call_async  (TongbanBackend      *self,
                                         const char          *service_id,
                                         const char          *operation,
                                         JsonObject          *params,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
JsonObject *tongban_backend_call_finish (TongbanBackend      *self,
                                         GAsyncResult        *result,
                                         GError             **error);

#define TONGBAN_TYPE_FILE_BACKEND (tongban_file_backend_get_type ())
G_DECLARE_FINAL_TYPE (TongbanFileBackend, tongban_file_backend, TONGBAN, FILE_BACKEND, GObject)

TongbanFileBackend *tongban_file_backend_new_from_bytes (GBytes              *json,
                                                        GError             **error);
void                tongban_file_backend_set_delay      (TongbanFileBackend  *self,
                                                        guint                milliseconds);
void                tongban_file_backend_set_failure    (TongbanFileBackend  *self,
                                                        const char          *operation,
                                                        TongbanBackendError  code);
void                tongban_file_backend_set_answer     (TongbanFileBackend  *self,
                                                        const char          *operation,
                                                        JsonObject          *answer);
guint               tongban_file_backend_get_calls      (TongbanFileBackend  *self,
                                                        const char          *operation);
JsonObject         *tongban_file_backend_get_last_params (TongbanFileBackend *self,
                                                         const char         *operation);
void                tongban_file_backend_set_refusal    (TongbanFileBackend  *self,
                                                        const char          *operation,
                                                        const char          *reason);

G_END_DECLS
