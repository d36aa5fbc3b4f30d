/* tongban-flow.c: the flow engine
 *
 * Answers are stored in the citizen session under "flow/STEP/FIELD" and the
 * data a step fetched under "data/STEP", so everything the engine learns about
 * a person is wiped with the session. The engine keeps the path it took as a
 * stack of step indices: Back pops it, so a choice that jumped ahead is undone
 * exactly, and Change pushes the review page so that the changed step returns
 * there. Once something is submitted or printed the path is cleared: there is
 * no way back into a finished transaction.
 */

#include "tongban-flow.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include "tongban-i18n.h"

struct _TongbanFlow
{
  GObject               parent_instance;

  const TongbanService *service;
  TongbanSession       *session;
  TongbanBackend       *backend;

  guint                 index;
  GArray               *path;        /* guint step indices, for Back */
  TongbanFlowState      state;
  char                 *changing;    /* step being changed from the review, or NULL */
  GPtrArray            *keys;        /* session keys this flow wrote */
  GPtrArray             *dyn_options; /* TongbanOption made from loaded data */
  char                 *reference;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TongbanFlow, tongban_flow, G_TYPE_OBJECT)

static const TongbanStep *
step_at (TongbanFlow *self,
         guint        index)
{
  return g_ptr_array_index (self->service->steps, index);
}

static char *
answer_key (const char *step_id,
            const char *field_id)
{
  return g_strconcat ("flow/", step_id, "/", field_id ? field_id : "choice", NULL);
}

static void
remember (TongbanFlow *self,
          const char  *key,
          const char  *value)
{
  tongban_session_set_value (self->session, key, value);
  if (!g_ptr_array_find_with_equal_func (self->keys, key, g_str_equal, NULL))
    g_ptr_array_add (self->keys, g_strdup (key));
}

static void
emit_changed (TongbanFlow *self)
{
  g_clear_pointer (&self->dyn_options, g_ptr_array_unref);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* ---- answers ------------------------------------------------------------ */

const char *
tongban_flow_get_answer (TongbanFlow *self,
                         const char  *step_id,
                         const char  *field_id)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (TONGBAN_IS_FLOW (self), NULL);
  key = answer_key (step_id, field_id);
  return tongban_session_get_active (self->session)
           ? tongban_session_get_value (self->session, key) : NULL;
}

void
tongban_flow_set_answer (TongbanFlow *self,
                         const char  *step_id,
                         const char  *field_id,
                         const char  *value)
{
  g_autofree char *key = NULL;

  g_return_if_fail (TONGBAN_IS_FLOW (self));
  g_return_if_fail (step_id != NULL);

  if (!tongban_session_get_active (self->session))
    return;
  key = answer_key (step_id, field_id);
  remember (self, key, value && *value ? value : NULL);
}

static const char *
check_field (const TongbanField  *field,
             const char          *value,
             char               **normal)
{
  switch (field->type)
    {
    case TONGBAN_FIELD_CN_ID:
      return tongban_validate_cn_id (value, normal);
    case TONGBAN_FIELD_HKID:
      return tongban_validate_hkid (value, normal);
    case TONGBAN_FIELD_MO_ID:
      return tongban_validate_mo_id (value, normal);
    case TONGBAN_FIELD_HK_BRN:
      return tongban_validate_hk_brn (value, normal);
    case TONGBAN_FIELD_PHONE:
      return tongban_validate_phone (value, field->region, normal);
    case TONGBAN_FIELD_EMAIL:
      return tongban_validate_email (value, normal);
    case TONGBAN_FIELD_DATE:
      return tongban_validate_date (value, normal);
    case TONGBAN_FIELD_AMOUNT:
      return tongban_validate_amount (value, field->max == G_MAXINT64 ? 0 : (double) field->max,
                                      normal);
    case TONGBAN_FIELD_NUMBER:
      return tongban_validate_number (value, field->min, field->max, normal);
    case TONGBAN_FIELD_CHOICE:
      for (guint i = 0; field->options && i < field->options->len; i++)
        if (g_strcmp0 (((TongbanOption *) g_ptr_array_index (field->options, i))->value,
                       value) == 0)
          return NULL;
      return N_("Choose one of the options.");
    case TONGBAN_FIELD_TEXT:
    case TONGBAN_FIELD_ADDRESS:
    default:
      if (g_utf8_strlen (value, -1) > 500)
        return N_("This answer is too long. Shorten it to 500 characters.");
      return NULL;
    }
}

/* Checks the current form; keeps each value, in its normal written form when
 * it is right. Returns the problems in field order (empty when none). */
GArray *
tongban_flow_validate (TongbanFlow *self)
{
  const TongbanStep *step;
  GArray *errors = g_array_new (FALSE, FALSE, sizeof (TongbanFieldError));

  g_return_val_if_fail (TONGBAN_IS_FLOW (self), errors);

  step = tongban_flow_get_step (self);
  for (guint i = 0; step->type == TONGBAN_STEP_FORM && i < step->fields->len; i++)
    {
      const TongbanField *field = g_ptr_array_index (step->fields, i);
      const char *value = tongban_flow_get_answer (self, step->id, field->id);
      g_autofree char *normal = NULL;
      TongbanFieldError e = { field->id, NULL };

      if (value == NULL)
        {
          if (field->required)
            {
              e.message = field->type == TONGBAN_FIELD_CHOICE
                            ? N_("Choose one of the options.")
                            : N_("This question needs an answer.");
              g_array_append_val (errors, e);
            }
          continue;
        }
      e.message = check_field (field, value, &normal);
      if (e.message != NULL)
        g_array_append_val (errors, e);
      else if (normal != NULL && strcmp (normal, value) != 0)
        tongban_flow_set_answer (self, step->id, field->id, normal);
    }
  return errors;
}

/* ---- moving ------------------------------------------------------------- */

static gboolean
has_data (TongbanFlow *self,
          const char  *step_id)
{
  g_autofree char *key = g_strconcat ("data/", step_id, NULL);

  return tongban_session_get_active (self->session) &&
         tongban_session_get_value (self->session, key) != NULL;
}

static void
add_error (GArray    **errors,
           const char *message)
{
  TongbanFieldError e = { NULL, message };

  if (errors == NULL)
    return;
  if (*errors == NULL)
    *errors = g_array_new (FALSE, FALSE, sizeof (TongbanFieldError));
  g_array_append_val (*errors, e);
}

/* Goes forward if the current step is complete; otherwise says why in
 * @errors (field errors for forms, one general message otherwise). */
gboolean
tongban_flow_next (TongbanFlow  *self,
                   GArray      **errors)
{
  const TongbanStep *step;
  guint target;

  g_return_val_if_fail (TONGBAN_IS_FLOW (self), FALSE);
  if (errors)
    *errors = NULL;
  if (self->state != TONGBAN_FLOW_RUNNING)
    return FALSE;

  step = tongban_flow_get_step (self);
  target = self->index + 1;

  switch (step->type)
    {
    case TONGBAN_STEP_FORM:
      {
        GArray *problems = tongban_flow_validate (self);

        if (problems->len > 0)
          {
            if (errors)
              *errors = problems;
            else
              g_array_unref (problems);
            return FALSE;
          }
        g_array_unref (problems);
      }
      break;

    case TONGBAN_STEP_CHOOSE:
      {
        const char *chosen = tongban_flow_get_answer (self, step->id, NULL);
        GPtrArray *options = tongban_flow_get_options (self);
        gboolean found = FALSE;

        for (guint i = 0; chosen && options && i < options->len; i++)
          {
            const TongbanOption *o = g_ptr_array_index (options, i);

            if (strcmp (o->value, chosen) == 0)
              {
                found = TRUE;
                if (o->next)
                  tongban_service_find_step (self->service, o->next, &target);
              }
          }
        if (!found)
          {
            add_error (errors, N_("Choose one of the options."));
            return FALSE;
          }
      }
      break;

    case TONGBAN_STEP_AUTH:
      if (!has_data (self, step->id))
        {
          add_error (errors, N_("Prove who you are first."));
          return FALSE;
        }
      break;

    case TONGBAN_STEP_VIEW:
    case TONGBAN_STEP_PREVIEW:
    case TONGBAN_STEP_SUBMIT:
    case TONGBAN_STEP_PRINT:
      if (!has_data (self, step->id))
        {
          add_error (errors, N_("Please wait until this step is complete."));
          return FALSE;
        }
      break;

    case TONGBAN_STEP_PAY:
      if (tongban_flow_get_answer (self, step->id, TONGBAN_FLOW_PAYMENT_ORDER) == NULL)
        {
          add_error (errors, N_("Pay the fee first."));
          return FALSE;
        }
      break;

    case TONGBAN_STEP_RATING:
      self->state = TONGBAN_FLOW_FINISHED;
      emit_changed (self);
      return TRUE;

    default:
      break;
    }

  if (self->changing != NULL && strcmp (self->changing, step->id) == 0)
    {
      /* Back to the review this change came from. */
      g_clear_pointer (&self->changing, g_free);
      target = g_array_index (self->path, guint, self->path->len - 1);
      g_array_set_size (self->path, self->path->len - 1);
      self->index = target;
      emit_changed (self);
      return TRUE;
    }
  if (step->next)
    tongban_service_find_step (self->service, step->next, &target);
  if (target >= self->service->steps->len)
    return FALSE;

  /* Nothing done can be undone: past a submit, print or payment there is no way back. */
  if (step->type != TONGBAN_STEP_SUBMIT && step->type != TONGBAN_STEP_PRINT &&
      step->type != TONGBAN_STEP_PAY)
    g_array_append_val (self->path, self->index);
  self->index = target;
  emit_changed (self);
  return TRUE;
}

gboolean
tongban_flow_back (TongbanFlow *self)
{
  g_return_val_if_fail (TONGBAN_IS_FLOW (self), FALSE);

  if (self->state != TONGBAN_FLOW_RUNNING || self->path->len == 0)
    return FALSE;
  if (self->changing != NULL &&
      strcmp (self->changing, tongban_flow_get_step (self)->id) == 0)
    g_clear_pointer (&self->changing, g_free);
  self->index = g_array_index (self->path, guint, self->path->len - 1);
  g_array_set_size (self->path, self->path->len - 1);
  emit_changed (self);
  return TRUE;
}

gboolean
tongban_flow_can_go_back (TongbanFlow *self)
{
  g_return_val_if_fail (TONGBAN_IS_FLOW (self), FALSE);
  return self->state == TONGBAN_FLOW_RUNNING && self->path->len > 0;
}

/* Once the result is shown, leaving is finishing: the rating is optional. */
gboolean
tongban_flow_finish (TongbanFlow *self)
{
  TongbanStepType type;

  g_return_val_if_fail (TONGBAN_IS_FLOW (self), FALSE);
  if (self->state != TONGBAN_FLOW_RUNNING)
    return FALSE;
  type = tongban_flow_get_step (self)->type;
  if (type != TONGBAN_STEP_RESULT && type != TONGBAN_STEP_RATING)
    return FALSE;
  self->state = TONGBAN_FLOW_FINISHED;
  emit_changed (self);
  return TRUE;
}

/* From the review page: open @step_id to change it; its Continue comes back. */
gboolean
tongban_flow_change (TongbanFlow *self,
                     const char  *step_id)
{
  guint target;

  g_return_val_if_fail (TONGBAN_IS_FLOW (self), FALSE);

  if (self->state != TONGBAN_FLOW_RUNNING ||
      tongban_flow_get_step (self)->type != TONGBAN_STEP_REVIEW ||
      !tongban_service_find_step (self->service, step_id, &target) || target >= self->index)
    return FALSE;

  g_free (self->changing);
  self->changing = g_strdup (step_id);
  g_array_append_val (self->path, self->index);
  self->index = target;
  emit_changed (self);
  return TRUE;
}

/* Ends the flow and forgets every answer it collected. */
void
tongban_flow_cancel (TongbanFlow *self)
{
  g_return_if_fail (TONGBAN_IS_FLOW (self));

  if (self->state != TONGBAN_FLOW_RUNNING)
    return;
  if (tongban_session_get_active (self->session))
    for (guint i = 0; i < self->keys->len; i++)
      tongban_session_set_value (self->session, g_ptr_array_index (self->keys, i), NULL);
  g_ptr_array_set_size (self->keys, 0);
  self->state = TONGBAN_FLOW_CANCELLED;
  emit_changed (self);
}

const char *
tongban_flow_get_help (TongbanFlow *self)
{
  static const char *defaults[TONGBAN_N_STEP_TYPES] = {
    [TONGBAN_STEP_AUTH] = N_("Choose a way to prove who you are, then follow the "
                             "instructions on the screen."),
    [TONGBAN_STEP_CHOOSE] = N_("Touch the option that fits you. You can come back and "
                               "change it."),
    [TONGBAN_STEP_FORM] = N_("Fill in each box. A message under a box tells you if "
                             "something needs correcting."),
    [TONGBAN_STEP_UPLOAD] = N_("Place each page face up under the document scanner and "
                               "touch Scan."),
    [TONGBAN_STEP_REVIEW] = N_("Check each answer. Touch Change to correct one. Nothing is "
                               "sent until you confirm."),
    [TONGBAN_STEP_SUBMIT] = N_("Your answers are being sent. Please wait."),
    [TONGBAN_STEP_PREVIEW] = N_("This information comes from the department's records. If "
                                "something is wrong, ask the staff at the service desk."),
    [TONGBAN_STEP_PRINT] = N_("Wait until the printer stops, then take your document."),
    [TONGBAN_STEP_RESULT] = N_("Keep the reference number. Scan the code with your phone to "
                               "keep a record."),
    [TONGBAN_STEP_RATING] = N_("Choose from one to five stars. You may skip this."),
    [TONGBAN_STEP_GUIDE] = N_("Touch a topic to read more."),
    [TONGBAN_STEP_VIDEO] = N_("Look at the screen and speak normally. The officer can see "
                              "and hear you."),
    [TONGBAN_STEP_VIEW] = N_("This information comes from the department's records. If "
                             "something is wrong, ask the staff at the service desk."),
    [TONGBAN_STEP_PAY] = N_("Choose how to pay. Your PIN is typed on the PIN pad only; it is "
                            "never shown or kept."),
  };
  const TongbanStep *step;

  g_return_val_if_fail (TONGBAN_IS_FLOW (self), NULL);
  step = tongban_flow_get_step (self);
  return step->help ? step->help : defaults[step->type];
}

/* ---- data from the back end -------------------------------------------- */

gboolean
tongban_flow_step_needs_data (TongbanFlow *self)
{
  const TongbanStep *step;

  g_return_val_if_fail (TONGBAN_IS_FLOW (self), FALSE);
  step = tongban_flow_get_step (self);
  return step->type == TONGBAN_STEP_AUTH || step->operation != NULL;
}

/* Everything answered so far, by step, for the back end. */
static JsonObject *
collect_params (TongbanFlow *self)
{
  JsonObject *params = json_object_new ();

  /* Flat, as the gateway's schema names them (server/data/gateway.json): a choice
   * under its step's id, a field under its own id, a payment's order as "order". */
  for (guint i = 0; i < self->service->steps->len; i++)
    {
      const TongbanStep *st = step_at (self, i);
      const char *choice = tongban_flow_get_answer (self, st->id, NULL);

      /* Who the citizen is travels with the manager's citizen session, never
       * again in a business call's parameters. */
      if (st->type == TONGBAN_STEP_AUTH)
        continue;
      if (st->type == TONGBAN_STEP_PAY)
        {
          const char *order = tongban_flow_get_answer (self, st->id,
                                                       TONGBAN_FLOW_PAYMENT_ORDER);

          if (order)
            json_object_set_string_member (params, "order", order);
          continue;
        }
      if (choice)
        json_object_set_string_member (params, st->id, choice);
      for (guint j = 0; st->fields && j < st->fields->len; j++)
        {
          const TongbanField *f = g_ptr_array_index (st->fields, j);
          const char *v = tongban_flow_get_answer (self, st->id, f->id);

          if (v)
            json_object_set_string_member (params, f->id, v);
        }
    }
  return params;
}

/* What the identity service needs for the chosen method (docs/gateway.md
 * section 4), from what the kiosk read off the card, permit, finger or
 * phone; kept with the session only. */
static JsonObject *
auth_params (TongbanFlow       *self,
             const TongbanStep *step)
{
  static const char * const keys[] = { "id_number", "name", "birth", "expiry",
                                       "document_number", "ticket", "face" };
  JsonObject *params = json_object_new ();
  const char *match = tongban_flow_get_answer (self, step->id, "match");
  const char *live = tongban_flow_get_answer (self, step->id, "liveness_live");

  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      const char *v = tongban_flow_get_answer (self, step->id, keys[k]);

      if (v)
        json_object_set_string_member (params, keys[k], v);
    }
  if (match != NULL)
    json_object_set_boolean_member (params, "match", g_str_equal (match, "true"));
  if (live != NULL)
    {
      JsonObject *liveness = json_object_new ();

      json_object_set_boolean_member (liveness, "live", g_str_equal (live, "true"));
      json_object_set_string_member (liveness, "reason",
                                     tongban_flow_get_answer (self, step->id, "liveness_reason"));
      json_object_set_object_member (params, "liveness", liveness);
    }
  return params;
}

typedef struct {
  char *step_id;
  gboolean final;  /* submit or print: no way back afterwards */
} LoadData;

static void
load_data_free (gpointer data)
{
  LoadData *d = data;

  g_free (d->step_id);
  g_free (d);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TongbanFlow *self = g_task_get_source_object (task);
  LoadData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = tongban_backend_call_finish (TONGBAN_BACKEND (source), result,
                                                              &error);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *key = NULL;

  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->state != TONGBAN_FLOW_RUNNING || !tongban_session_get_active (self->session))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the flow has ended");
      return;
    }

  node = json_node_init_object (json_node_alloc (), answer);
  text = json_to_string (node, FALSE);
  key = g_strconcat ("data/", d->step_id, NULL);
  remember (self, key, text);
  explicit_bzero (text, strlen (text));

  if (json_object_has_member (answer, "reference"))
    {
      g_free (self->reference);
      self->reference = g_strdup (json_object_get_string_member (answer, "reference"));
    }
  /* A printed certificate's reference is its verification number. */
  else if (d->final && JSON_NODE_HOLDS_OBJECT (json_object_get_member (answer, "document"))
           && json_object_get_string_member_with_default (
                json_object_get_object_member (answer, "document"), "number", NULL) != NULL)
    {
      g_free (self->reference);
      self->reference = g_strdup (json_object_get_string_member (
                                    json_object_get_object_member (answer, "document"),
                                    "number"));
    }
  if (d->final)
    g_array_set_size (self->path, 0);
  g_clear_pointer (&self->dyn_options, g_ptr_array_unref);
  g_task_return_boolean (task, TRUE);
}

/* Fetches what the current step needs (identity, choices, a record) or does
 * what it does (submit, print). The answer is kept with the session. */
void
tongban_flow_load_async (TongbanFlow         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) params = NULL;
  g_autofree char *operation = NULL;
  const TongbanStep *step;
  LoadData *d;

  g_return_if_fail (TONGBAN_IS_FLOW (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tongban_flow_load_async);
  step = tongban_flow_get_step (self);

  if (step->type == TONGBAN_STEP_AUTH)
    {
      const char *method = tongban_flow_get_answer (self, step->id, "method");

      if (method == NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   "no method chosen");
          return;
        }
      /* QR login: a one-time code first, then asking whether the phone
       * has confirmed it (docs/gateway.md section 4). */
      if (g_str_equal (method, "qr"))
        operation = g_strdup (tongban_flow_get_answer (self, step->id, "ticket")
                                ? "auth.qr" : "auth.qr-start");
      else
        operation = g_strconcat ("auth.", method, NULL);
    }
  else if (step->operation != NULL)
    operation = g_strdup (step->operation);
  else
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  d = g_new0 (LoadData, 1);
  d->step_id = g_strdup (step->id);
  d->final = step->type == TONGBAN_STEP_SUBMIT || step->type == TONGBAN_STEP_PRINT;
  g_task_set_task_data (task, d, load_data_free);

  params = step->type == TONGBAN_STEP_AUTH ? auth_params (self, step) : collect_params (self);
  tongban_backend_call_async (self->backend, self->service->id, operation, params, cancellable,
                              on_loaded, g_steal_pointer (&task));
}

gboolean
tongban_flow_load_finish (TongbanFlow   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- payment ------------------------------------------------------------ */

static void
on_called (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  JsonObject *answer = tongban_backend_call_finish (TONGBAN_BACKEND (source), result, &error);

  if (answer == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, answer, (GDestroyNotify) json_object_unref);
}

/* A call the current step makes itself (a payment's order, card and status
 * calls), for this flow's service; the answer is the caller's to keep. */
void
tongban_flow_call_async (TongbanFlow         *self,
                         const char          *operation,
                         JsonObject          *params,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TONGBAN_IS_FLOW (self));
  g_return_if_fail (operation != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tongban_flow_call_async);
  /* A payment in progress (a citizen confirming on the phone) keeps the visit
   * alive; it is bounded by the order's own expiry. */
  if (tongban_session_get_active (self->session))
    tongban_session_activity (self->session);
  tongban_backend_call_async (self->backend, self->service->id, operation, params, cancellable,
                              on_called, task);
}

JsonObject *
tongban_flow_call_finish (TongbanFlow   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Records that the fee of the current pay step is paid: the order (sent by
 * the following steps as TONGBAN_FLOW_PAYMENT_ORDER), how, and the bank's
 * authorisation code (NULL for a QR payment). A paid fee cannot be walked
 * back into, as a sent application cannot. */
gboolean
tongban_flow_set_paid (TongbanFlow *self,
                       const char  *order,
                       const char  *method,
                       const char  *auth_code)
{
  const TongbanStep *step;

  g_return_val_if_fail (TONGBAN_IS_FLOW (self), FALSE);
  g_return_val_if_fail (order != NULL && *order != '\0', FALSE);
  g_return_val_if_fail (method != NULL, FALSE);

  if (self->state != TONGBAN_FLOW_RUNNING || !tongban_session_get_active (self->session))
    return FALSE;
  step = tongban_flow_get_step (self);
  if (step->type != TONGBAN_STEP_PAY ||
      !g_strv_contains ((const char * const *) step->methods, method) ||
      tongban_flow_get_answer (self, step->id, TONGBAN_FLOW_PAYMENT_ORDER) != NULL)
    return FALSE;

  tongban_flow_set_answer (self, step->id, "method", method);
  tongban_flow_set_answer (self, step->id, "auth_code", auth_code);
  tongban_flow_set_answer (self, step->id, TONGBAN_FLOW_PAYMENT_ORDER, order);
  g_array_set_size (self->path, 0);
  g_clear_pointer (&self->changing, g_free);
  return TRUE;
}

/* What the current pay step's fee is for, as the payment system knows fees: the
 * operation of the submission it pays for (the next step that calls one). */
const char *
tongban_flow_get_pay_item (TongbanFlow *self)
{
  g_return_val_if_fail (TONGBAN_IS_FLOW (self), NULL);

  for (guint i = self->index + 1; i < self->service->steps->len; i++)
    if (step_at (self, i)->operation != NULL)
      return step_at (self, i)->operation;
  return NULL;
}

/* The fee paid in this flow, if any: its step's fee, order and auth code. */
gboolean
tongban_flow_get_payment (TongbanFlow       *self,
                          const TongbanFee **fee,
                          const char       **order,
                          const char       **auth_code)
{
  g_return_val_if_fail (TONGBAN_IS_FLOW (self), FALSE);

  for (guint i = 0; i < self->service->steps->len; i++)
    {
      const TongbanStep *st = step_at (self, i);
      const char *paid;

      if (st->type != TONGBAN_STEP_PAY ||
          !(paid = tongban_flow_get_answer (self, st->id, TONGBAN_FLOW_PAYMENT_ORDER)))
        continue;
      if (fee)
        *fee = st->pay_fee;
      if (order)
        *order = paid;
      if (auth_code)
        *auth_code = tongban_flow_get_answer (self, st->id, "auth_code");
      return TRUE;
    }
  return FALSE;
}

/* The data fetched for @step_id (NULL: the current step), or NULL. */
JsonObject *
tongban_flow_get_data (TongbanFlow *self,
                       const char  *step_id)
{
  g_autofree char *key = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *text;

  g_return_val_if_fail (TONGBAN_IS_FLOW (self), NULL);
  if (!tongban_session_get_active (self->session))
    return NULL;
  key = g_strconcat ("data/", step_id ? step_id : tongban_flow_get_step (self)->id, NULL);
  text = tongban_session_get_value (self->session, key);
  if (text == NULL || !(node = json_from_string (text, NULL)) || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_ref (json_node_get_object (node));
}

/* A label from the back end may be one text or one per language. */
static char *
pick_label (JsonNode *node)
{
  if (node == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *by_lang = json_node_get_object (node);
      const char *code = tongban_language_to_code (tongban_i18n_get_language ());

      if (json_object_has_member (by_lang, code))
        return g_strdup (json_object_get_string_member (by_lang, code));
      if (json_object_has_member (by_lang, "en"))
        return g_strdup (json_object_get_string_member (by_lang, "en"));
    }
  return NULL;
}

/* The options of the current choice: the catalogue's, or those the back end
 * listed (their labels are data, already in the display language). */
GPtrArray *
tongban_flow_get_options (TongbanFlow *self)
{
  const TongbanStep *step;
  g_autoptr(JsonObject) data = NULL;
  JsonNode *list;

  g_return_val_if_fail (TONGBAN_IS_FLOW (self), NULL);
  step = tongban_flow_get_step (self);
  if (step->options != NULL)
    return step->options;
  if (self->dyn_options != NULL)
    return self->dyn_options;

  data = tongban_flow_get_data (self, step->id);
  if (data == NULL || !(list = json_object_get_member (data, "options")) ||
      !JSON_NODE_HOLDS_ARRAY (list))
    return NULL;

  self->dyn_options = g_ptr_array_new_with_free_func ((GDestroyNotify) tongban_option_free);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (list), i);
      JsonObject *obj;
      TongbanOption *o;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        continue;
      obj = json_node_get_object (item);
      if (!json_object_has_member (obj, "value"))
        continue;
      o = g_new0 (TongbanOption, 1);
      o->value = g_strdup (json_object_get_string_member (obj, "value"));
      o->label = pick_label (json_object_get_member (obj, "label"));
      if (o->value == NULL || o->label == NULL)
        {
          tongban_option_free (o);
          continue;
        }
      g_ptr_array_add (self->dyn_options, o);
    }
  return self->dyn_options;
}

static void
review_row_free (TongbanReviewRow *row)
{
  g_free (row->value);
  g_free (row);
}

/* The answers on the path to the review, in the order they were given. */
GPtrArray *
tongban_flow_review_rows (TongbanFlow *self)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) review_row_free);

  g_return_val_if_fail (TONGBAN_IS_FLOW (self), rows);

  for (guint p = 0; p < self->path->len; p++)
    {
      const TongbanStep *st = step_at (self, g_array_index (self->path, guint, p));

      if (st->type == TONGBAN_STEP_CHOOSE && st->options != NULL)
        {
          const char *chosen = tongban_flow_get_answer (self, st->id, NULL);

          for (guint i = 0; chosen && i < st->options->len; i++)
            {
              const TongbanOption *o = g_ptr_array_index (st->options, i);

              if (strcmp (o->value, chosen) == 0)
                {
                  TongbanReviewRow *row = g_new0 (TongbanReviewRow, 1);

                  row->step_id = st->id;
                  row->label = st->title;
                  row->value = g_strdup (o->label);
                  row->value_is_msgid = TRUE;
                  g_ptr_array_add (rows, row);
                }
            }
        }
      else if (st->type == TONGBAN_STEP_CHOOSE)
        {
          g_autoptr(JsonObject) data = tongban_flow_get_data (self, st->id);
          const char *chosen = tongban_flow_get_answer (self, st->id, NULL);
          JsonNode *list = data ? json_object_get_member (data, "options") : NULL;

          for (guint i = 0; chosen && list && JSON_NODE_HOLDS_ARRAY (list) &&
                            i < json_array_get_length (json_node_get_array (list)); i++)
            {
              JsonNode *item = json_array_get_element (json_node_get_array (list), i);
              JsonObject *obj = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;

              if (obj && g_strcmp0 (json_object_get_string_member_with_default (obj, "value", ""),
                                    chosen) == 0)
                {
                  TongbanReviewRow *row = g_new0 (TongbanReviewRow, 1);

                  row->step_id = st->id;
                  row->label = st->title;
                  row->value = pick_label (json_object_get_member (obj, "label"));
                  g_ptr_array_add (rows, row);
                }
            }
        }
      for (guint i = 0; st->type == TONGBAN_STEP_FORM && i < st->fields->len; i++)
        {
          const TongbanField *f = g_ptr_array_index (st->fields, i);
          const char *value = tongban_flow_get_answer (self, st->id, f->id);
          TongbanReviewRow *row;

          if (value == NULL)
            continue;
          row = g_new0 (TongbanReviewRow, 1);
          row->step_id = st->id;
          row->label = f->label;
          row->value = g_strdup (value);
          for (guint k = 0; f->options && k < f->options->len; k++)
            {
              const TongbanOption *o = g_ptr_array_index (f->options, k);

              if (strcmp (o->value, value) == 0)
                {
                  g_free (row->value);
                  row->value = g_strdup (o->label);
                  row->value_is_msgid = TRUE;
                }
            }
          g_ptr_array_add (rows, row);
        }
    }
  return rows;
}

const char *
tongban_flow_get_reference (TongbanFlow *self)
{
  g_return_val_if_fail (TONGBAN_IS_FLOW (self), NULL);
  return self->reference;
}

/* ---- object ------------------------------------------------------------- */

const TongbanService *
tongban_flow_get_service (TongbanFlow *self)
{
  g_return_val_if_fail (TONGBAN_IS_FLOW (self), NULL);
  return self->service;
}

const TongbanStep *
tongban_flow_get_step (TongbanFlow *self)
{
  g_return_val_if_fail (TONGBAN_IS_FLOW (self), NULL);
  return step_at (self, self->index);
}

guint
tongban_flow_get_index (TongbanFlow *self)
{
  g_return_val_if_fail (TONGBAN_IS_FLOW (self), 0);
  return self->index;
}

TongbanFlowState
tongban_flow_get_state (TongbanFlow *self)
{
  g_return_val_if_fail (TONGBAN_IS_FLOW (self), TONGBAN_FLOW_CANCELLED);
  return self->state;
}

gboolean
tongban_flow_get_changing (TongbanFlow *self)
{
  g_return_val_if_fail (TONGBAN_IS_FLOW (self), FALSE);
  return self->changing != NULL;
}

static void
tongban_flow_finalize (GObject *object)
{
  TongbanFlow *self = TONGBAN_FLOW (object);

  g_clear_pointer (&self->path, g_array_unref);
  g_clear_pointer (&self->keys, g_ptr_array_unref);
  g_clear_pointer (&self->dyn_options, g_ptr_array_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->backend);
  g_free (self->changing);
  g_free (self->reference);
  G_OBJECT_CLASS (tongban_flow_parent_class)->finalize (object);
}

static void
tongban_flow_class_init (TongbanFlowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tongban_flow_finalize;

  /* The step or the state changed: show the current step. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tongban_flow_init (TongbanFlow *self)
{
  self->path = g_array_new (FALSE, FALSE, sizeof (guint));
  self->keys = g_ptr_array_new_with_free_func (g_free);
}

TongbanFlow *
tongban_flow_new (const TongbanService *service,
                  TongbanSession       *session,
                  TongbanBackend       *backend)
{
  TongbanFlow *self;

  g_return_val_if_fail (service != NULL && service->steps->len > 0, NULL);
  g_return_val_if_fail (TONGBAN_IS_SESSION (session), NULL);
  g_return_val_if_fail (TONGBAN_IS_BACKEND (backend), NULL);

  self = g_object_new (TONGBAN_TYPE_FLOW, NULL);
  self->service = service;
  self->session = g_object_ref (session);
  self->backend = g_object_ref (backend);
  return self;
}
