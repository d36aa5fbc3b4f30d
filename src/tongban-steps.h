/* tongban-steps.h: one widget per kind of flow step
 *
 * Each widget shows the flow's current step and writes the citizen's answers
 * straight into the flow (so Back, Change and a language switch lose nothing).
 * TongbanFlowPage around them owns the heading, the error summary, loading
 * and the Continue and Cancel buttons.
 */
#pragma once

#include <gtk/gtk.h>
#include "tongban-document.h"
#include "tongban-flow.h"
#include "tongban-guidance.h"

G_BEGIN_DECLS

/* Emitted by a step widget on its flow page ancestor's behalf. */
#define TONGBAN_STEP_ADVANCE "tongban-step-advance"
/* Object data on a form's entry: read its value back character by character. */
#define TONGBAN_STEP_SPELL "tongban-step-spell"

GtkWidget *tongban_step_choose_new  (TongbanFlow *flow);
GtkWidget *tongban_step_form_new    (TongbanFlow *flow);
void       tongban_step_form_show_errors (GtkWidget *form,
                                          GArray    *errors);
GtkWidget *tongban_step_review_new  (TongbanFlow *flow);
GtkWidget *tongban_step_record_new  (TongbanFlow *flow);
GtkWidget *tongban_step_result_new  (TongbanFlow *flow);
GtkWidget *tongban_step_rating_new  (TongbanFlow *flow);
GtkWidget *tongban_step_auth_new    (TongbanFlow *flow);
GtkWidget *tongban_step_identity_new (TongbanFlow *flow);
void        tongban_step_auth_set_unavailable (GtkWidget   *body,
                                               const char  *method,
                                               const char  *reason);
const char *tongban_step_auth_prompt (const char *method);
GtkWidget *tongban_step_notice_new  (TongbanFlow *flow);
GtkWidget *tongban_step_guide_new   (TongbanFlow     *flow,
                                     TongbanCatalog  *catalog,
                                     TongbanGuidance *guidance);
GdkTexture *tongban_qr_texture_new  (const char  *text,
                                     int          module_px);
GdkTexture *tongban_document_texture_new (TongbanDocument *document,
                                          guint            page,
                                          double           px_per_mm);

G_END_DECLS
