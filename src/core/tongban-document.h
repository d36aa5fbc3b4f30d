/* tongban-document.h: certificates and receipts from a back end's answer
 *
 * An answer's "document" (docs/gateway.md, section 5) becomes an A4 PDF in
 * memory (cairo + pango, never a file) and the same drawing becomes the
 * preview image; an answer's "receipt" becomes the ESC/POS bytes of a slip.
 * The layout of each template (issuing office, title, how the holder is
 * shown, seal colour) is data: data/documents/templates.json, in this
 * library's resources. Every text is resolved when the document is made, on
 * the main thread (gettext switches language there), so rendering may run on
 * a worker thread. The document's texts and its PDF are overwritten with
 * zeros when it is wiped or freed.
 */
#pragma once

#include <cairo.h>
#include <json-glib/json-glib.h>
#include "tongban-i18n.h"

G_BEGIN_DECLS

#define TONGBAN_DOCUMENT_ERROR (tongban_document_error_quark ())

typedef enum {
  TONGBAN_DOCUMENT_ERROR_UNKNOWN_TEMPLATE,
  TONGBAN_DOCUMENT_ERROR_MISSING_FIELD,
  TONGBAN_DOCUMENT_ERROR_TOO_LARGE,
  TONGBAN_DOCUMENT_ERROR_RENDER,
} TongbanDocumentError;

GQuark tongban_document_error_quark (void);

/* A4, in millimetres. */
#define TONGBAN_DOCUMENT_WIDTH_MM  210.0
#define TONGBAN_DOCUMENT_HEIGHT_MM 297.0
/* The verification code's printed size, quiet zone excluded. */
#define TONGBAN_DOCUMENT_QR_MM     28.0

#define TONGBAN_TYPE_DOCUMENT (tongban_document_get_type ())
G_DECLARE_FINAL_TYPE (TongbanDocument, tongban_document, TONGBAN, DOCUMENT, GObject)

TongbanDocument *tongban_document_new          (JsonObject       *document,
                                                TongbanLanguage   language,
                                                GError          **error);
const char      *tongban_document_get_template (TongbanDocument  *self);
const char      *tongban_document_get_number   (TongbanDocument  *self);
const char      *tongban_document_get_title    (TongbanDocument  *self);
guint            tongban_document_get_n_pages  (TongbanDocument  *self);
GBytes          *tongban_document_render_pdf   (TongbanDocument  *self,
                                                GError          **error);
cairo_surface_t *tongban_document_render_page  (TongbanDocument  *self,
                                                guint             page,
                                                double            px_per_mm);
void             tongban_document_wipe         (TongbanDocument  *self);
const guint8    *tongban_document_peek_pdf     (TongbanDocument  *self,
                                                gsize            *size);

/* The ESC/POS bytes of a receipt or appointment slip. */
GBytes          *tongban_receipt_build         (JsonObject       *receipt,
                                                const char       *title,
                                                TongbanLanguage   language,
                                                GDateTime        *printed,
                                                GError          **error);

/* A QR code's modules, row by row, 1 for dark; NULL if @text does not fit. */
guint8          *tongban_qr_modules            (const char       *text,
                                                int              *width);

G_END_DECLS
