/* tongban-flow-page.c: heading, step, errors, waiting and the buttons
 *
 * The page shows whatever step the flow is on and rebuilds itself when the
 * flow changes. Steps that need the back end (identity, records, sending,
 * printing) show what is happening while the call runs off the main thread,
 * and a failure is told in plain words with what happened to the answers and
 * a way to try again. Cancelling asks first.
 */

#include "tongban-flow-page.h"

#include <glib/gi18n-lib.h>
#include "tongban-auth-read.h"
#include "tongban-document.h"
#include "tongban-idcard-reader.h"
#include "tongban-pay-step.h"
#include "tongban-laser-printer.h"
#include "tongban-receipt-printer.h"
#include "tongban-steps.h"
#include "tongban-tr.h"

struct _TongbanFlowPage
{
  GtkWidget          parent_instance;

  GtkScrolledWindow *scroller;
  GtkLabel          *eyebrow;
  GtkLabel          *progress_label;
  GtkLabel          *heading;
  GtkLabel          *instruction;
  GtkWidget         *error_summary;
  GtkBox            *error_list;
  GtkBox            *body_holder;
  GtkWidget         *status_box;
  GtkSpinner        *spinner;
  GtkLabel          *status_label;
  GtkWidget         *retry_button;
  GtkWidget         *other_way_button;
  GtkWidget         *reprint_button;
  GtkWidget         *confirm_box;
  GtkWidget         *actions;
  GtkWidget         *cancel_button;
  GtkWidget         *continue_button;
  GtkLabel          *continue_label;

  TongbanFlow       *flow;
  TongbanCatalog    *catalog;   /* borrowed */
  TongbanGuidance   *guidance;  /* built on first use */
  TongbanDevices    *devices;   /* or NULL */
  GtkWidget         *body;
  GtkWidget         *identity;       /* who proved their identity, masked; or NULL */
  TongbanDocument   *document;  /* the certificate being printed, kept for a reprint */
  GCancellable      *cancellable;
  gboolean           busy;
  guint              qr_tick_id;     /* the QR code's countdown, every second */
  guint              qr_poll_id;     /* asking whether the phone confirmed, every 2 s */
  gint64             qr_expires;     /* monotonic µs */
  GtkLabel          *qr_countdown;
};

enum {
  FINISHED,
  CANCELLED,
  STATUS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TongbanFlowPage, tongban_flow_page, GTK_TYPE_WIDGET)

/* How long a card, permit or finger is waited for. */
#define AUTH_READ_TIMEOUT_MS 30000

static void render (TongbanFlowPage *self);
static void qr_stop (TongbanFlowPage *self);
static void start_load (TongbanFlowPage *self);

/* The printer a print step uses: the document printer when the service has
 * one, else the receipt printer. */
static const char *
print_device (TongbanFlowPage *self)
{
  const TongbanService *service = tongban_flow_get_service (self->flow);

  return g_strv_contains ((const char * const *) service->devices, "laser-printer")
           ? "laser-printer" : "receipt-printer";
}


static void
clear_errors (TongbanFlowPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->error_list))))
    gtk_box_remove (self->error_list, child);
  gtk_widget_set_visible (self->error_summary, FALSE);
}

static void
show_errors (TongbanFlowPage *self,
             GArray          *errors)
{
  const TongbanStep *step = tongban_flow_get_step (self->flow);

  clear_errors (self);
  for (guint i = 0; errors && i < errors->len; i++)
    {
      const TongbanFieldError *e = &g_array_index (errors, TongbanFieldError, i);
      GtkWidget *item = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *label = gtk_label_new (NULL);

      /* Name the question, then the same words as at the field. */
      for (guint j = 0; e->field_id && step->fields && j < step->fields->len; j++)
        {
          const TongbanField *f = g_ptr_array_index (step->fields, j);

          if (g_strcmp0 (f->id, e->field_id) == 0)
            {
              GtkWidget *name = gtk_label_new (NULL);

              gtk_label_set_xalign (GTK_LABEL (name), 0);
              gtk_widget_add_css_class (name, "error-field");
              tongban_tr_label (GTK_LABEL (name), f->label);
              gtk_box_append (GTK_BOX (item), name);
            }
        }
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "error-item");
      tongban_tr_label (GTK_LABEL (label), e->message);
      gtk_box_append (GTK_BOX (item), label);
      gtk_box_append (self->error_list, item);
    }
  gtk_widget_set_visible (self->error_summary, errors && errors->len > 0);
  if (self->body && tongban_flow_get_step (self->flow)->type == TONGBAN_STEP_FORM)
    tongban_step_form_show_errors (self->body, errors);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  gtk_widget_grab_focus (self->error_summary);
}

static void
set_status (TongbanFlowPage *self,
            const char      *msgid,
            gboolean         waiting,
            gboolean         can_retry)
{
  gtk_widget_set_visible (self->status_box, msgid != NULL);
  if (msgid)
    {
      tongban_tr_label (self->status_label, msgid);
      /* Device prompts and failures are said, not only shown. */
      g_signal_emit (self, signals[STATUS], 0, msgid);
    }
  gtk_spinner_set_spinning (self->spinner, waiting);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), waiting);
  gtk_widget_set_visible (self->retry_button, can_retry);
  /* A failed identity check: the same way again, or another one. */
  gtk_widget_set_visible (self->other_way_button,
                          can_retry && self->flow != NULL &&
                          tongban_flow_get_step (self->flow)->type == TONGBAN_STEP_AUTH);
  /* A failed identity check: the reason and the two ways on take the list's
   * place ("another way" brings the list back). */
  if (gtk_widget_get_visible (self->other_way_button) && self->body != NULL)
    gtk_widget_set_visible (self->body, FALSE);
  gtk_widget_set_visible (self->reprint_button, FALSE);
}

static const char *
waiting_text (TongbanFlowPage *self)
{
  const TongbanStep *step = tongban_flow_get_step (self->flow);

  switch (step->type)
    {
    case TONGBAN_STEP_AUTH:
      return tongban_step_auth_prompt (tongban_flow_get_answer (self->flow, step->id, "method"));
    case TONGBAN_STEP_SUBMIT:
      return N_("Sending… Please wait and do not leave the kiosk.");
    case TONGBAN_STEP_PRINT:
      return N_("Printing… Take your document from the tray below the screen.");
    default:
      return N_("Getting your records…");
    }
}

static const char *
failure_text (const GError *error)
{
  /* The system said why: its reason in plain words. */
  if (tongban_backend_error_reason_text (error) != NULL)
    return tongban_backend_error_reason_text (error);
  if (g_error_matches (error, TONGBAN_BACKEND_ERROR, TONGBAN_BACKEND_ERROR_REFUSED))
    return N_("The department has no record that fits. Check that this is the right service, "
              "or ask the staff at the service desk.");
  if (g_error_matches (error, TONGBAN_BACKEND_ERROR, TONGBAN_BACKEND_ERROR_UNAVAILABLE))
    return N_("The department's system cannot be reached just now. Your answers are kept on "
              "this kiosk until you finish or leave. Try again in a moment, or ask the staff at "
              "the service desk.");
  return N_("Something went wrong on the department's side. Your answers are kept on this "
            "kiosk until you finish or leave. Try again, or ask the staff at the service desk.");
}

static void
update_actions (TongbanFlowPage *self)
{
  const TongbanStep *step = tongban_flow_get_step (self->flow);
  const char *label = N_("Continue");
  gboolean show_continue = TRUE;
  gboolean can_cancel = TRUE;
  guint next = tongban_flow_get_index (self->flow) + 1;
  const TongbanService *service = tongban_flow_get_service (self->flow);
  g_autoptr(JsonObject) data = NULL;

  switch (step->type)
    {
    case TONGBAN_STEP_CHOOSE:
    case TONGBAN_STEP_SUBMIT:
    case TONGBAN_STEP_PRINT:
    case TONGBAN_STEP_PAY:    /* moves on by itself once paid */
      show_continue = FALSE;
      break;
    case TONGBAN_STEP_AUTH:
      data = tongban_flow_get_data (self->flow, NULL);
      show_continue = data != NULL;
      break;
    case TONGBAN_STEP_REVIEW:
      if (next < service->steps->len &&
          ((TongbanStep *) g_ptr_array_index (service->steps, next))->type == TONGBAN_STEP_SUBMIT)
        label = N_("Confirm and send");
      else if (next < service->steps->len &&
               ((TongbanStep *) g_ptr_array_index (service->steps, next))->type == TONGBAN_STEP_PAY)
        label = N_("Confirm and pay");
      break;
    case TONGBAN_STEP_PREVIEW:
      label = N_("Print");
      break;
    case TONGBAN_STEP_RESULT:
      can_cancel = FALSE;
      break;
    case TONGBAN_STEP_RATING:
      label = N_("Finish");
      can_cancel = FALSE;
      break;
    default:
      break;
    }
  /* A step whose records did not come has nothing to continue from. */
  if (step->type != TONGBAN_STEP_AUTH && tongban_flow_step_needs_data (self->flow))
    {
      g_autoptr(JsonObject) loaded = tongban_flow_get_data (self->flow, NULL);

      show_continue &= loaded != NULL;
    }
  if (tongban_flow_get_changing (self->flow))
    label = N_("Save and go back to the check");
  tongban_tr_label (self->continue_label, label);
  gtk_widget_set_visible (self->continue_button, show_continue && !self->busy);
  gtk_widget_set_visible (self->cancel_button, can_cancel && !self->busy);
}

static void
update_progress (TongbanFlowPage *self)
{
  const TongbanService *service = tongban_flow_get_service (self->flow);
  g_autofree char *text = NULL;

  /* Translators: the position in a service, e.g. "Step 2 of 7". */
  text = g_strdup_printf (_("Step %u of %u"), tongban_flow_get_index (self->flow) + 1,
                          service->steps->len);
  gtk_label_set_label (self->progress_label, text);
}

/* Ways of proving who you are whose device is missing or not working are
 * greyed, with the reason. */
static void
grey_unavailable_methods (TongbanFlowPage *self)
{
  const TongbanService *service = tongban_flow_get_service (self->flow);

  for (guint i = 0; self->devices != NULL && service->auth && service->auth[i]; i++)
    {
      const char * const *kinds = tongban_auth_method_devices (service->auth[i]);

      for (guint k = 0; kinds[k]; k++)
        {
          const char *reason = NULL;

          if (!tongban_devices_kind_ready (self->devices, kinds[k], &reason))
            {
              tongban_step_auth_set_unavailable (self->body, service->auth[i], reason);
              break;
            }
        }
    }
}

static void
render (TongbanFlowPage *self)
{
  const TongbanStep *step;
  const TongbanService *service;
  g_autoptr(JsonObject) data = NULL;

  qr_stop (self);
  if (self->identity)
    {
      gtk_box_remove (self->body_holder, self->identity);
      self->identity = NULL;
    }
  if (self->body)
    {
      gtk_box_remove (self->body_holder, self->body);
      self->body = NULL;
    }
  clear_errors (self);
  gtk_widget_set_visible (self->confirm_box, FALSE);
  gtk_widget_set_visible (self->actions, TRUE);
  if (self->flow == NULL)
    return;

  step = tongban_flow_get_step (self->flow);
  service = tongban_flow_get_service (self->flow);
  tongban_tr_label (self->eyebrow, service->title);
  tongban_tr_label (self->heading, step->title ? step->title : service->title);
  if (step->instruction)
    tongban_tr_label (self->instruction, step->instruction);
  else
    {
      tongban_tr_label (self->instruction, NULL);
      gtk_label_set_label (self->instruction, "");
    }
  gtk_widget_set_visible (GTK_WIDGET (self->instruction), step->instruction != NULL);
  update_progress (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);

  data = tongban_flow_get_data (self->flow, NULL);
  if (step->type != TONGBAN_STEP_AUTH && tongban_flow_step_needs_data (self->flow) && !data)
    {
      update_actions (self);
      start_load (self);
      return;
    }
  if (!self->busy)
    set_status (self, NULL, FALSE, FALSE);

  switch (step->type)
    {
    case TONGBAN_STEP_CHOOSE:
      self->body = tongban_step_choose_new (self->flow);
      break;
    case TONGBAN_STEP_FORM:
      self->body = tongban_step_form_new (self->flow);
      break;
    case TONGBAN_STEP_REVIEW:
      self->body = tongban_step_review_new (self->flow);
      break;
    case TONGBAN_STEP_VIEW:
    case TONGBAN_STEP_PREVIEW:
      self->body = tongban_step_record_new (self->flow);
      break;
    case TONGBAN_STEP_RESULT:
      self->body = tongban_step_result_new (self->flow);
      tongban_pay_step_add_receipt (self->body, self->flow);
      break;
    case TONGBAN_STEP_PAY:
      self->body = tongban_pay_step_new (self->flow, self->devices);
      break;
    case TONGBAN_STEP_RATING:
      self->body = tongban_step_rating_new (self->flow);
      break;
    case TONGBAN_STEP_AUTH:
      self->body = tongban_step_auth_new (self->flow);
      grey_unavailable_methods (self);
      break;
    case TONGBAN_STEP_GUIDE:
      if (self->guidance == NULL && g_strcmp0 (step->mode, "search") == 0)
        self->guidance = tongban_guidance_new (self->catalog);
      self->body = tongban_step_guide_new (self->flow, self->catalog, self->guidance);
      break;
    default:
      self->body = tongban_step_notice_new (self->flow);
      break;
    }
  gtk_box_append (self->body_holder, self->body);
  /* After the identity check, every step shows whose visit it is (masked). */
  self->identity = tongban_step_identity_new (self->flow);
  if (self->identity)
    gtk_box_prepend (self->body_holder, self->identity);
  update_actions (self);
}

/* ---- QR login ------------------------------------------------------------ */

#define QR_POLL_S 2

static void
qr_stop (TongbanFlowPage *self)
{
  g_clear_handle_id (&self->qr_tick_id, g_source_remove);
  g_clear_handle_id (&self->qr_poll_id, g_source_remove);
  self->qr_countdown = NULL;
}

static gboolean
is_qr_step (TongbanFlowPage *self)
{
  const TongbanStep *step = tongban_flow_get_step (self->flow);

  return step->type == TONGBAN_STEP_AUTH &&
         g_strcmp0 (tongban_flow_get_answer (self->flow, step->id, "method"), "qr") == 0;
}

/* The code is no longer valid: forget it, and offer a new one. */
static void
qr_expired (TongbanFlowPage *self)
{
  tongban_flow_set_answer (self->flow, tongban_flow_get_step (self->flow)->id, "ticket", NULL);
  render (self);   /* the dead code goes */
  set_status (self, N_("The code has expired. Touch Try again for a new one, or choose another "
                       "way."), FALSE, TRUE);
  update_actions (self);
}

static gboolean
qr_tick (gpointer data)
{
  TongbanFlowPage *self = data;
  gint64 left = (self->qr_expires - g_get_monotonic_time ()) / G_USEC_PER_SEC;

  if (left <= 0)
    {
      self->qr_tick_id = 0;
      qr_expired (self);
      return G_SOURCE_REMOVE;
    }
  if (self->qr_countdown)
    tongban_tr_label_plural (self->qr_countdown, "The code works for %lu more second.",
                             "The code works for %lu more seconds.", (gulong) left);
  return G_SOURCE_CONTINUE;
}

static void on_qr_polled (GObject *source, GAsyncResult *result, gpointer user_data);

static gboolean
qr_poll (gpointer data)
{
  TongbanFlowPage *self = data;

  /* One question at a time; the next one is asked when it is answered. */
  self->qr_poll_id = 0;
  tongban_flow_load_async (self->flow, self->cancellable, on_qr_polled, self);
  return G_SOURCE_REMOVE;
}

static void
on_qr_polled (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TongbanFlowPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) data = NULL;
  gboolean ok = tongban_flow_load_finish (TONGBAN_FLOW (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->flow != TONGBAN_FLOW (source) || self->qr_tick_id == 0)
    return;
  if (!ok)
    {
      qr_stop (self);
      g_message ("flow %s: QR login: %s", tongban_flow_get_service (self->flow)->id,
                 error->message);
      tongban_flow_set_answer (self->flow, tongban_flow_get_step (self->flow)->id, "ticket",
                               NULL);
      render (self);   /* the code is of no use now */
      set_status (self, failure_text (error), FALSE, TRUE);
      update_actions (self);
      return;
    }
  data = tongban_flow_get_data (self->flow, NULL);
  if (data != NULL && json_object_get_boolean_member_with_default (data, "verified", FALSE))
    {
      qr_stop (self);
      tongban_flow_next (self->flow, NULL);
      return;
    }
  self->qr_poll_id = g_timeout_add_seconds (QR_POLL_S, qr_poll, self);
}

/* The one-time code came: show it, count down, and ask every two seconds
 * whether the phone has confirmed it (never waiting on the main thread). */
static void
qr_show (TongbanFlowPage *self,
         JsonObject      *start)
{
  const char *ticket = json_object_get_string_member_with_default (start, "ticket", NULL);
  const char *url = json_object_get_string_member_with_default (start, "url", NULL);
  gint64 expires_in = json_object_get_int_member_with_default (start, "expires_in", 0);
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *picture, *countdown;

  if (ticket == NULL || url == NULL || expires_in <= 0 ||
      !(texture = tongban_qr_texture_new (url, 8)))
    {
      g_message ("flow %s: QR login: the code's answer is incomplete",
                 tongban_flow_get_service (self->flow)->id);
      set_status (self, failure_text (NULL), FALSE, TRUE);
      update_actions (self);
      return;
    }
  tongban_flow_set_answer (self->flow, tongban_flow_get_step (self->flow)->id, "ticket", ticket);
  if (self->body)
    gtk_box_remove (self->body_holder, self->body);
  self->body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 16);
  gtk_widget_add_css_class (self->body, "qr-login");
  picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), FALSE);
  gtk_widget_set_halign (picture, GTK_ALIGN_START);
  tongban_tr_accessible_label (picture, N_("QR code to prove who you are with your phone"));
  gtk_box_append (GTK_BOX (self->body), picture);
  countdown = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (countdown), 0);
  gtk_widget_add_css_class (countdown, "body");
  gtk_box_append (GTK_BOX (self->body), countdown);
  gtk_box_append (self->body_holder, self->body);
  self->qr_countdown = GTK_LABEL (countdown);
  self->qr_expires = g_get_monotonic_time () + expires_in * G_USEC_PER_SEC;
  set_status (self, N_("Scan the code with your phone and confirm there."), TRUE, FALSE);
  qr_tick (self);
  self->qr_tick_id = g_timeout_add_seconds (1, qr_tick, self);
  self->qr_poll_id = g_timeout_add_seconds (QR_POLL_S, qr_poll, self);
  update_actions (self);
}

/* ---- printing ----------------------------------------------------------- */

static void
forget_document (TongbanFlowPage *self)
{
  if (self->document == NULL)
    return;
  tongban_document_wipe (self->document);
  g_clear_object (&self->document);
}

/* The answer of this flow that carries @member ("document" or "receipt"):
 * the print step's own, else the latest earlier step's (the preview's). */
static JsonObject *
find_printable (TongbanFlowPage *self,
                const char      *member)
{
  const TongbanService *service = tongban_flow_get_service (self->flow);
  guint current = tongban_flow_get_index (self->flow);

  for (guint i = current + 1; i-- > 0; )
    {
      const TongbanStep *step = g_ptr_array_index (service->steps, i);
      g_autoptr(JsonObject) data = tongban_flow_get_data (self->flow, step->id);
      JsonNode *node = data ? json_object_get_member (data, member) : NULL;

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        return json_object_ref (json_node_get_object (node));
    }
  return NULL;
}

static void
print_failed (TongbanFlowPage *self,
              const char      *kind,
              const GError    *error)
{
  TongbanDevice *printer = self->devices ? tongban_devices_get (self->devices, kind) : NULL;
  gboolean paper_out = printer &&
                       tongban_device_get_supply (printer, "paper") == TONGBAN_SUPPLY_OUT;

  /* The completion code only: never the document. */
  g_message ("flow %s: printing on the %s failed: %s",
             tongban_flow_get_service (self->flow)->id, kind,
             error ? tongban_completion_to_string (tongban_completion_from_error (error))
                   : "no printer");
  if (self->devices)
    tongban_devices_guide (self->devices, kind, FALSE);
  self->busy = FALSE;
  set_status (self,
              paper_out ? N_("The printer has run out of paper, so nothing was printed. Your "
                             "document is kept until you leave. Ask the staff to load paper, "
                             "then touch Print again.")
                        : N_("The document could not be printed. It is kept until you leave. "
                             "Touch Print again, or ask the staff at the service desk."),
              FALSE, FALSE);
  gtk_widget_set_visible (self->reprint_button, TRUE);
  update_actions (self);
}

static void
on_printed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  TongbanFlowPage *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;
  const char *kind;

  if (TONGBAN_IS_LASER_PRINTER (source))
    {
      ok = tongban_laser_printer_print_finish (TONGBAN_LASER_PRINTER (source), result, &error);
      kind = "laser-printer";
    }
  else
    {
      ok = tongban_receipt_printer_print_finish (TONGBAN_RECEIPT_PRINTER (source), result,
                                                 &error);
      kind = "receipt-printer";
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      tongban_completion_from_error (error) == TONGBAN_COMPLETION_CANCELED || self->flow == NULL)
    return;
  if (!ok)
    {
      print_failed (self, kind, error);
      return;
    }
  if (self->devices)
    tongban_devices_guide (self->devices, kind, FALSE);
  self->busy = FALSE;
  forget_document (self);
  set_status (self, NULL, FALSE, FALSE);
  tongban_flow_next (self->flow, NULL);
}

static void
render_pdf_in_thread (GTask        *task,
                      gpointer      source,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;
  GBytes *pdf = tongban_document_render_pdf (task_data, &error);

  if (pdf == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, pdf, (GDestroyNotify) g_bytes_unref);
}

static void
on_pdf_ready (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TongbanFlowPage *self = TONGBAN_FLOW_PAGE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = g_task_propagate_pointer (G_TASK (result), &error);
  TongbanDevice *printer;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->flow == NULL)
    return;
  printer = self->devices ? tongban_devices_get (self->devices, "laser-printer") : NULL;
  if (pdf == NULL || !TONGBAN_IS_LASER_PRINTER (printer))
    {
      if (error)
        g_message ("certificate: %s", error->message);
      print_failed (self, "laser-printer", NULL);
      return;
    }
  tongban_laser_printer_print_async (TONGBAN_LASER_PRINTER (printer), pdf,
                                     tongban_flow_get_service (self->flow)->id, 120000,
                                     self->cancellable, on_printed, self);
}

static void
print_receipt (TongbanFlowPage *self,
               JsonObject      *receipt)
{
  TongbanDevice *printer = tongban_devices_get (self->devices, "receipt-printer");
  const TongbanService *service = tongban_flow_get_service (self->flow);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) job = NULL;

  job = tongban_receipt_build (receipt, _(service->title), tongban_i18n_get_language (), now,
                               &error);
  if (job == NULL || !TONGBAN_IS_RECEIPT_PRINTER (printer))
    {
      if (error)
        g_message ("receipt: %s", error->message);
      print_failed (self, "receipt-printer", NULL);
      return;
    }
  tongban_receipt_printer_print_async (TONGBAN_RECEIPT_PRINTER (printer), job, 60000,
                                       self->cancellable, on_printed, self);
}

/* Prints the flow's certificate on the document printer, or its receipt on
 * the receipt printer; FALSE when the answers have neither (or the kiosk
 * runs without devices), and the step simply goes on. A certificate is made
 * once and kept, so Print again prints the same bytes. */
static gboolean
start_printing (TongbanFlowPage *self)
{
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(JsonObject) receipt = NULL;
  g_autoptr(GTask) task = NULL;

  gboolean laser;

  if (self->devices == NULL)
    return FALSE;
  /* Certificates go to the document printer, slips to the receipt printer:
   * whichever the service uses. */
  laser = g_str_equal (print_device (self), "laser-printer");
  if (laser && self->document == NULL && (document = find_printable (self, "document")) != NULL)
    {
      g_autoptr(GError) error = NULL;

      self->document = tongban_document_new (document, tongban_i18n_get_language (), &error);
      if (self->document == NULL)
        {
          g_message ("certificate: %s", error->message);
          set_status (self, N_("The department sent a document this kiosk cannot print, so "
                               "nothing was printed. Ask the staff at the service desk."),
                      FALSE, FALSE);
          update_actions (self);
          return TRUE;
        }
    }
  if (laser ? self->document == NULL : (receipt = find_printable (self, "receipt")) == NULL)
    return FALSE;

  self->busy = TRUE;
  set_status (self, waiting_text (self), TRUE, FALSE);
  update_actions (self);
  tongban_devices_guide (self->devices, print_device (self), TRUE);
  if (receipt != NULL)
    {
      print_receipt (self, receipt);
      return TRUE;
    }
  task = g_task_new (self, self->cancellable, on_pdf_ready, NULL);
  g_task_set_task_data (task, g_object_ref (self->document), g_object_unref);
  g_task_run_in_thread (task, render_pdf_in_thread);
  return TRUE;
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  TongbanFlowPage *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = tongban_flow_load_finish (TONGBAN_FLOW (source), result, &error);
  TongbanStepType type;

  if (self->devices && self->flow == TONGBAN_FLOW (source) &&
      tongban_flow_get_step (self->flow)->type == TONGBAN_STEP_PRINT)
    tongban_devices_guide (self->devices, print_device (self), FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  if (self->flow != TONGBAN_FLOW (source))
    return;

  if (!ok)
    {
      g_message ("flow %s, step %s: %s", tongban_flow_get_service (self->flow)->id,
                 tongban_flow_get_step (self->flow)->id, error->message);
      set_status (self, failure_text (error), FALSE, TRUE);
      update_actions (self);
      return;
    }

  type = tongban_flow_get_step (self->flow)->type;
  if (type == TONGBAN_STEP_AUTH && is_qr_step (self))
    {
      g_autoptr(JsonObject) data = tongban_flow_get_data (self->flow, NULL);

      /* The one-time code to show (the back end may also answer at once). */
      if (data != NULL && !json_object_get_boolean_member_with_default (data, "verified", FALSE))
        {
          qr_show (self, data);
          return;
        }
    }
  set_status (self, NULL, FALSE, FALSE);
  /* The department has recorded the printing: now the kiosk prints. */
  if (type == TONGBAN_STEP_PRINT && start_printing (self))
    return;
  /* Sending and printing finish by themselves; so does proving who you are. */
  if (type == TONGBAN_STEP_SUBMIT || type == TONGBAN_STEP_PRINT || type == TONGBAN_STEP_AUTH)
    tongban_flow_next (self->flow, NULL);
  else
    render (self);
}

static void
start_load (TongbanFlowPage *self)
{
  if (self->busy)
    return;
  self->busy = TRUE;
  if (self->body)
    gtk_widget_set_sensitive (self->body, FALSE);
  set_status (self, waiting_text (self), TRUE, FALSE);
  update_actions (self);
  /* The light beside the printer's tray shows where the document comes out. */
  if (self->devices && tongban_flow_get_step (self->flow)->type == TONGBAN_STEP_PRINT)
    tongban_devices_guide (self->devices, print_device (self), TRUE);
  tongban_flow_load_async (self->flow, self->cancellable, on_loaded, self);
}

static void
on_auth_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TongbanFlowPage *self = user_data;
  g_autoptr(GError) error = NULL;
  char **reading = tongban_auth_read_finish (TONGBAN_DEVICES (source), result, &error);
  const TongbanStep *step;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  if (self->flow == NULL || reading == NULL)
    {
      if (error != NULL && self->flow != NULL)
        {
          /* What failed, never what was read. */
          g_message ("identity reading failed: %s", error->message);
          set_status (self, tongban_auth_read_error_text (error), FALSE, TRUE);
          update_actions (self);
        }
      tongban_auth_reading_free (reading);
      return;
    }

  /* What the identity service needs, kept with the session only; the
   * reading itself is wiped here. */
  step = tongban_flow_get_step (self->flow);
  for (char **p = reading; p[0] && p[1]; p += 2)
    tongban_flow_set_answer (self->flow, step->id, p[0], p[1]);
  tongban_auth_reading_free (reading);
  start_load (self);
}

/* Proving who you are with a card, a permit, a finger or the face: read it
 * on the device's own thread, then ask the identity service. Without the
 * device (a kiosk in development) the back end decides alone. */
static gboolean
read_first (TongbanFlowPage *self)
{
  const TongbanStep *step = tongban_flow_get_step (self->flow);
  const char *method = tongban_flow_get_answer (self->flow, step->id, "method");

  /* (A kiosk without the method's device configured at all is not checked,
   * as for services.) */
  if (step->type != TONGBAN_STEP_AUTH || self->devices == NULL ||
      !tongban_auth_read_supported (method) ||
      tongban_devices_get (self->devices, tongban_auth_read_device (method)) == NULL)
    return FALSE;

  self->busy = TRUE;
  if (self->body)
    gtk_widget_set_sensitive (self->body, FALSE);
  set_status (self, waiting_text (self), TRUE, FALSE);
  update_actions (self);
  tongban_auth_read_async (self->devices, method, AUTH_READ_TIMEOUT_MS, self->cancellable,
                           on_auth_read, self);
  return TRUE;
}

static void
on_flow_changed (TongbanFlow     *flow,
                 TongbanFlowPage *self)
{
  switch (tongban_flow_get_state (flow))
    {
    case TONGBAN_FLOW_FINISHED:
      g_signal_emit (self, signals[FINISHED], 0);
      break;
    case TONGBAN_FLOW_CANCELLED:
      g_signal_emit (self, signals[CANCELLED], 0);
      break;
    default:
      render (self);
    }
}

/* ---- actions ------------------------------------------------------------ */

static void
action_next (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  TongbanFlowPage *self = TONGBAN_FLOW_PAGE (widget);
  GArray *errors = NULL;

  if (self->flow == NULL || self->busy)
    return;
  if (!tongban_flow_next (self->flow, &errors))
    {
      show_errors (self, errors);
      g_clear_pointer (&errors, g_array_unref);
    }
}

static void
action_load (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  TongbanFlowPage *self = TONGBAN_FLOW_PAGE (widget);

  if (self->flow != NULL && !self->busy && !read_first (self))
    start_load (self);
}

static void
action_retry (GtkWidget  *widget,
              const char *name,
              GVariant   *param)
{
  TongbanFlowPage *self = TONGBAN_FLOW_PAGE (widget);

  if (self->flow == NULL || self->busy)
    return;
  set_status (self, NULL, FALSE, FALSE);
  /* An identity check tries the same way again (the card, the permit or the
   * finger is read anew). */
  if (!read_first (self))
    start_load (self);
}

static void
action_other_way (GtkWidget  *widget,
                  const char *name,
                  GVariant   *param)
{
  TongbanFlowPage *self = TONGBAN_FLOW_PAGE (widget);

  if (self->flow == NULL || self->busy)
    return;
  qr_stop (self);
  tongban_flow_set_answer (self->flow, tongban_flow_get_step (self->flow)->id, "ticket", NULL);
  set_status (self, NULL, FALSE, FALSE);
  render (self);   /* choose the method again */
}

static void
action_reprint (GtkWidget  *widget,
                const char *name,
                GVariant   *param)
{
  TongbanFlowPage *self = TONGBAN_FLOW_PAGE (widget);

  if (self->flow != NULL && !self->busy &&
      tongban_flow_get_step (self->flow)->type == TONGBAN_STEP_PRINT)
    start_printing (self);
}

static void
action_change (GtkWidget  *widget,
               const char *name,
               GVariant   *param)
{
  TongbanFlowPage *self = TONGBAN_FLOW_PAGE (widget);

  if (self->flow != NULL)
    tongban_flow_change (self->flow, g_variant_get_string (param, NULL));
}

static void
action_cancel (GtkWidget  *widget,
               const char *name,
               GVariant   *param)
{
  TongbanFlowPage *self = TONGBAN_FLOW_PAGE (widget);

  gtk_widget_set_visible (self->confirm_box, TRUE);
  gtk_widget_set_visible (self->actions, FALSE);
  gtk_widget_grab_focus (gtk_widget_get_first_child (self->confirm_box));
}

static void
action_keep (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  TongbanFlowPage *self = TONGBAN_FLOW_PAGE (widget);

  gtk_widget_set_visible (self->confirm_box, FALSE);
  gtk_widget_set_visible (self->actions, TRUE);
}

static void
action_stop (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  TongbanFlowPage *self = TONGBAN_FLOW_PAGE (widget);

  if (self->flow != NULL)
    tongban_flow_cancel (self->flow);
}

/* ---- public ------------------------------------------------------------- */

void
tongban_flow_page_set_flow (TongbanFlowPage *self,
                            TongbanFlow     *flow)
{
  g_return_if_fail (TONGBAN_IS_FLOW_PAGE (self));

  if (self->flow == flow)
    return;
  qr_stop (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->busy = FALSE;
  /* A new flow or the session's end: the kept certificate goes. */
  forget_document (self);
  if (self->flow)
    g_signal_handlers_disconnect_by_data (self->flow, self);
  g_set_object (&self->flow, flow);
  if (flow)
    g_signal_connect (flow, "changed", G_CALLBACK (on_flow_changed), self);
  set_status (self, NULL, FALSE, FALSE);
  render (self);
}

TongbanFlow *
tongban_flow_page_get_flow (TongbanFlowPage *self)
{
  g_return_val_if_fail (TONGBAN_IS_FLOW_PAGE (self), NULL);
  return self->flow;
}

/* Back inside the flow; FALSE when there is no earlier step to go to. */
gboolean
tongban_flow_page_back (TongbanFlowPage *self)
{
  g_return_val_if_fail (TONGBAN_IS_FLOW_PAGE (self), FALSE);

  if (self->flow == NULL || self->busy)
    return self->busy;
  return tongban_flow_back (self->flow);
}

/* Texts from the back end come in the display language: show them again. */
void
tongban_flow_page_retranslate (TongbanFlowPage *self)
{
  g_return_if_fail (TONGBAN_IS_FLOW_PAGE (self));

  if (self->flow == NULL)
    return;
  update_progress (self);
  /* A certificate's preview is drawn in the language too. */
  if (!self->busy && (tongban_flow_get_step (self->flow)->type == TONGBAN_STEP_CHOOSE ||
                      tongban_flow_get_step (self->flow)->type == TONGBAN_STEP_PREVIEW))
    render (self);
  else if (self->body && tongban_flow_get_step (self->flow)->type == TONGBAN_STEP_PAY)
    tongban_pay_step_retranslate (self->body);
}

gboolean
tongban_flow_page_get_busy (TongbanFlowPage *self)
{
  g_return_val_if_fail (TONGBAN_IS_FLOW_PAGE (self), FALSE);
  return self->busy;
}

void
tongban_flow_page_set_catalog (TongbanFlowPage *self,
                               TongbanCatalog  *catalog)
{
  g_return_if_fail (TONGBAN_IS_FLOW_PAGE (self));
  g_clear_pointer (&self->guidance, tongban_guidance_free);
  self->catalog = catalog;
}

void
tongban_flow_page_set_devices (TongbanFlowPage *self,
                               TongbanDevices  *devices)
{
  g_return_if_fail (TONGBAN_IS_FLOW_PAGE (self));
  g_set_object (&self->devices, devices);
}

GtkWidget *
tongban_flow_page_get_body (TongbanFlowPage *self)
{
  g_return_val_if_fail (TONGBAN_IS_FLOW_PAGE (self), NULL);
  return self->body;
}

static void
tongban_flow_page_dispose (GObject *object)
{
  TongbanFlowPage *self = TONGBAN_FLOW_PAGE (object);
  GtkWidget *child;

  qr_stop (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->flow)
    g_signal_handlers_disconnect_by_data (self->flow, self);
  g_clear_object (&self->flow);
  forget_document (self);
  g_clear_pointer (&self->guidance, tongban_guidance_free);
  g_clear_object (&self->devices);
  gtk_widget_dispose_template (GTK_WIDGET (object), TONGBAN_TYPE_FLOW_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (tongban_flow_page_parent_class)->dispose (object);
}

static void
tongban_flow_page_class_init (TongbanFlowPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tongban_flow_page_dispose;

  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[CANCELLED] = g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* (msgid) a wait or a failure to tell the citizen: "Place your card…" */
  signals[STATUS] = g_signal_new ("status", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/tongban-flow-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, eyebrow);
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, heading);
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, instruction);
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, error_summary);
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, error_list);
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, body_holder);
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, status_box);
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, other_way_button);
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, reprint_button);
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, confirm_box);
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, actions);
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, continue_button);
  gtk_widget_class_bind_template_child (widget_class, TongbanFlowPage, continue_label);

  gtk_widget_class_install_action (widget_class, "flow.next", NULL, action_next);
  gtk_widget_class_install_action (widget_class, "flow.load", NULL, action_load);
  gtk_widget_class_install_action (widget_class, "flow.retry", NULL, action_retry);
  gtk_widget_class_install_action (widget_class, "flow.other-way", NULL, action_other_way);
  gtk_widget_class_install_action (widget_class, "flow.reprint", NULL, action_reprint);
  gtk_widget_class_install_action (widget_class, "flow.change", "s", action_change);
  gtk_widget_class_install_action (widget_class, "flow.cancel", NULL, action_cancel);
  gtk_widget_class_install_action (widget_class, "flow.keep", NULL, action_keep);
  gtk_widget_class_install_action (widget_class, "flow.stop", NULL, action_stop);

  /* The step scrolls; the Cancel / Continue bar under it does not. */
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "flowpage");
}

static void
tongban_flow_page_init (TongbanFlowPage *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (
                                                    GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_widget_init_template (GTK_WIDGET (self));
  tongban_tr_capture (GTK_WIDGET (self));
}
