/* tongban-flow.h: running one service from its catalogue steps
 *
 * The engine knows nothing of screens: it holds the position in the flow,
 * the answers (kept in the citizen session, so they are wiped with it), the
 * way back (Back restores earlier answers, Change returns to the review),
 * validation of forms, and the back-end calls each step needs. One generic
 * page per step type shows whatever step the engine is on.
 */
#pragma once

#include <glib-object.h>
#include "tongban-backend.h"
#include "tongban-catalog.h"
#include "tongban-session.h"

G_BEGIN_DECLS

/* The answer of a pay step that the following steps send: the order paid. */
#define TONGBAN_FLOW_PAYMENT_ORDER "payment_order"

typedef enum {
  TONGBAN_FLOW_RUNNING,
  TONGBAN_FLOW_FINISHED,
  TONGBAN_FLOW_CANCELLED,
} TongbanFlowState;

typedef struct {
  const char *field_id;
  const char *message;   /* English msgid */
} TongbanFieldError;

typedef struct {
  const char *step_id;
  const char *label;     /* msgid */
  char       *value;     /* as entered, or an option's label msgid */
  gboolean    value_is_msgid;
} TongbanReviewRow;

#define TONGBAN_TYPE_FLOW (tongban_flow_get_type ())
G_DECLARE_FINAL_TYPE (TongbanFlow, tongban_flow, TONGBAN, FLOW, GObject)

TongbanFlow          *tongban_flow_new            (const TongbanService *service,
                                                   TongbanSession       *session,
                                                   TongbanBackend       *backend);
const TongbanService *tongban_flow_get_service    (TongbanFlow          *self);
const TongbanStep    *tongban_flow_get_step       (TongbanFlow          *self);
guint                 tongban_flow_get_index      (TongbanFlow          *self);
TongbanFlowState      tongban_flow_get_state      (TongbanFlow          *self);
gboolean              tongban_flow_get_changing   (TongbanFlow          *self);

const char           *tongban_flow_get_answer     (TongbanFlow          *self,
                                                   const char           *step_id,
                                                   const char           *field_id);
void                  tongban_flow_set_answer     (TongbanFlow          *self,
                                                   const char           *step_id,
                                                   const char           *field_id,
                                                   const char           *value);
GArray               *tongban_flow_validate       (TongbanFlow          *self);
gboolean              tongban_flow_next           (TongbanFlow          *self,
                                                   GArray              **errors);
gboolean              tongban_flow_back           (TongbanFlow          *self);
gboolean              tongban_flow_can_go_back    (TongbanFlow          *self);
gboolean              tongban_flow_finish         (TongbanFlow          *self);
gboolean              tongban_flow_change         (TongbanFlow          *self,
                                                   const char           *step_id);
void                  tongban_flow_cancel         (TongbanFlow          *self);
const char           *tongban_flow_get_help       (TongbanFlow          *self);

gboolean              tongban_flow_step_needs_data (TongbanFlow         *self);
void                  tongban_flow_load_async     (TongbanFlow          *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean              tongban_flow_load_finish    (TongbanFlow          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
JsonObject           *tongban_flow_get_data       (TongbanFlow          *self,
                                                   const char           *step_id);
GPtrArray            *tongban_flow_get_options    (TongbanFlow          *self);
GPtrArray            *tongban_flow_review_rows    (TongbanFlow          *self);
const char           *tongban_flow_get_reference  (TongbanFlow          *self);

void                  tongban_flow_call_async     (TongbanFlow          *self,
                                                   const char           *operation,
                                                   JsonObject           *params,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
JsonObject           *tongban_flow_call_finish    (TongbanFlow          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
gboolean              tongban_flow_set_paid       (TongbanFlow          *self,
                                                   const char           *order,
                                                   const char           *method,
                                                   const char           *auth_code);
const char           *tongban_flow_get_pay_item   (TongbanFlow          *self);
gboolean              tongban_flow_get_payment    (TongbanFlow          *self,
                                                   const TongbanFee    **fee,
                                                   const char          **order,
                                                   const char          **auth_code);

G_END_DECLS
