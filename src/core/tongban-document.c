/* tongban-document.c: certificates as A4 PDF in memory, receipts as ESC/POS
 *
 * One renderer serves every template: header (issuing office), title and
 * number, the holder, a table of label/value rows and a table with column
 * headings, a statement, and at the foot of each page the verification code
 * (QR of verify_url), the number, the issue date and, on the last page, a
 * seal drawn here. Rows that do not fit go on a continuation page with the
 * table heading repeated. Everything is laid out in millimetres with hinting
 * off, so the PDF and the preview image are the same drawing.
 */

#include "tongban-document.h"

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <string.h>
#include "tongban-document-resources.h"
#include "tongban-escpos.h"
#include "tongban-mask.h"

#define TEMPLATES_RESOURCE "/cn/gov/gba/Tongban/documents/templates.json"

#define MARGIN       18.0
#define FOOTER       46.0   /* reserved at the foot of every page */
#define MAX_ROWS     400
#define MAX_COLUMNS  6
#define MAX_TEXT     2000
#define CELL_PAD     1.6

G_DEFINE_QUARK (tongban-document-error-quark, tongban_document_error)

struct _TongbanDocument
{
  GObject          parent_instance;

  TongbanLanguage  language;
  char            *template_id;
  char            *number;
  char            *verify_url;
  char            *issued;
  char            *office;
  char            *title;
  char            *seal_text;
  char            *name_label;
  char            *name;
  char            *id_label;
  char            *id_value;
  char            *statement;
  char            *label_number;
  char            *label_issued;
  char            *label_verify;
  char            *label_continued;
  char            *page_format;
  GPtrArray       *pairs;     /* of GStrv [label, value] */
  GPtrArray       *columns;   /* of char *, or NULL */
  GPtrArray       *rows;      /* of GStrv, one per table row */
  double           color[3];
  guint            n_pages;

  GMutex           lock;      /* the PDF is made on a worker thread */
  guint8          *pdf;
  gsize            pdf_length;
  gsize            pdf_capacity;
};

G_DEFINE_FINAL_TYPE (TongbanDocument, tongban_document, G_TYPE_OBJECT)

static void
wipe_string (char **s)
{
  if (*s != NULL)
    explicit_bzero (*s, strlen (*s));
  g_clear_pointer (s, g_free);
}

static void
wipe_strv (gpointer data)
{
  char **v = data;

  for (guint i = 0; v && v[i]; i++)
    explicit_bzero (v[i], strlen (v[i]));
  g_strfreev (v);
}

static void
wipe_pdf (TongbanDocument *self)
{
  if (self->pdf != NULL)
    explicit_bzero (self->pdf, self->pdf_capacity);
  self->pdf_length = 0;
}

/* Everything personal goes; the buffers themselves stay until finalize so
 * bytes still held by a print job read as zeros. */
void
tongban_document_wipe (TongbanDocument *self)
{
  g_return_if_fail (TONGBAN_IS_DOCUMENT (self));

  /* Not while a worker thread is drawing from these texts. */
  g_mutex_lock (&self->lock);
  wipe_pdf (self);
  wipe_string (&self->name);
  wipe_string (&self->id_value);
  wipe_string (&self->statement);
  wipe_string (&self->number);
  wipe_string (&self->verify_url);
  g_clear_pointer (&self->pairs, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_mutex_unlock (&self->lock);
}

static void
tongban_document_finalize (GObject *object)
{
  TongbanDocument *self = TONGBAN_DOCUMENT (object);

  tongban_document_wipe (self);
  g_free (self->pdf);
  g_free (self->template_id);
  g_free (self->issued);
  g_free (self->office);
  g_free (self->title);
  g_free (self->seal_text);
  g_free (self->name_label);
  g_free (self->id_label);
  g_free (self->label_number);
  g_free (self->label_issued);
  g_free (self->label_verify);
  g_free (self->label_continued);
  g_free (self->page_format);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (tongban_document_parent_class)->finalize (object);
}

static void
tongban_document_class_init (TongbanDocumentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tongban_document_finalize;
}

static void
tongban_document_init (TongbanDocument *self)
{
  g_mutex_init (&self->lock);
}

/* ---- reading the answer --------------------------------------------------- */

static const char *
tr (TongbanLanguage language,
    const char     *msgid)
{
  return tongban_i18n_translate_in (language, msgid);
}

/* A text from the back end: one string, or one per language code. */
static char *
pick_text (JsonNode        *node,
           TongbanLanguage  language)
{
  const char *text = NULL;

  if (node == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    text = json_node_get_string (node);
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *by_lang = json_node_get_object (node);
      const char *code = tongban_language_to_code (language);
      JsonNode *member = json_object_get_member (by_lang, code);

      if (member == NULL)
        member = json_object_get_member (by_lang, "en");
      if (member && JSON_NODE_HOLDS_VALUE (member) &&
          json_node_get_value_type (member) == G_TYPE_STRING)
        text = json_node_get_string (member);
    }
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;
  return g_strndup (text, strlen (text) > MAX_TEXT ? MAX_TEXT : strlen (text));
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonParser *templates_parser;

static JsonObject *
find_template (const char  *id,
               GError     **error)
{
  JsonArray *list;

  if (g_once_init_enter (&templates_parser))
    {
      g_autoptr(GBytes) bytes = g_resource_lookup_data (tongban_document_get_resource (),
                                                        TEMPLATES_RESOURCE, 0, NULL);
      JsonParser *parser = json_parser_new ();

      if (bytes == NULL ||
          !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                       (gssize) g_bytes_get_size (bytes), NULL))
        g_critical ("the document templates resource is missing or broken");
      g_once_init_leave (&templates_parser, parser);
    }
  list = json_parser_get_root (templates_parser)
           ? member_array (json_node_get_object (json_parser_get_root (templates_parser)),
                           "templates")
           : NULL;
  for (guint i = 0; list && i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          g_strcmp0 (member_string (json_node_get_object (node), "id"), id) == 0)
        return json_node_get_object (node);
    }
  g_set_error (error, TONGBAN_DOCUMENT_ERROR, TONGBAN_DOCUMENT_ERROR_UNKNOWN_TEMPLATE,
               "unknown document template “%s”", id ? id : "(none)");
  return NULL;
}

static gboolean
missing (GError    **error,
         const char *what)
{
  g_set_error (error, TONGBAN_DOCUMENT_ERROR, TONGBAN_DOCUMENT_ERROR_MISSING_FIELD,
               "the document has no %s", what);
  return FALSE;
}

static char *
format_issued (const char      *iso,
               TongbanLanguage  language)
{
  static const char *const months[] = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"
  };
  guint y, m, d;

  if (iso == NULL || sscanf (iso, "%4u-%2u-%2u", &y, &m, &d) != 3 || m < 1 || m > 12 ||
      d < 1 || d > 31)
    return NULL;
  if (language == TONGBAN_LANGUAGE_EN)
    return g_strdup_printf ("%u %s %u", d, months[m - 1], y);
  return g_strdup_printf ("%u年%u月%u日", y, m, d);
}

static GStrv
read_row (JsonNode        *node,
          TongbanLanguage  language,
          guint            n_cells)
{
  JsonArray *cells;
  GStrv row;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  cells = json_node_get_array (node);
  if (json_array_get_length (cells) != n_cells)
    return NULL;
  row = g_new0 (char *, n_cells + 1);
  for (guint i = 0; i < n_cells; i++)
    if (!(row[i] = pick_text (json_array_get_element (cells, i), language)))
      {
        wipe_strv (row);
        return NULL;
      }
  return row;
}

static gboolean
read_fields (TongbanDocument  *self,
             JsonObject       *fields,
             gboolean          mask,
             GError          **error)
{
  JsonObject *holder = member_object (fields, "holder");
  JsonArray *pairs = member_array (fields, "rows");
  JsonObject *table = member_object (fields, "table");
  const char *id;
  char *override;

  if ((override = pick_text (json_object_get_member (fields, "title"), self->language)))
    {
      g_free (self->title);
      self->title = override;
    }
  self->name = pick_text (holder ? json_object_get_member (holder, "name") : NULL,
                          self->language);
  if (self->name == NULL)
    return missing (error, "holder name (fields.holder.name)");
  id = member_string (holder, "id_number");
  if (id != NULL)
    self->id_value = mask ? tongban_mask_id (id) : g_strdup (id);

  self->statement = pick_text (json_object_get_member (fields, "statement"), self->language);

  if (pairs != NULL)
    {
      guint n = json_array_get_length (pairs);

      if (n > MAX_ROWS)
        goto too_large;
      self->pairs = g_ptr_array_new_with_free_func (wipe_strv);
      for (guint i = 0; i < n; i++)
        {
          JsonObject *pair = JSON_NODE_HOLDS_OBJECT (json_array_get_element (pairs, i))
                               ? json_node_get_object (json_array_get_element (pairs, i)) : NULL;
          GStrv row = g_new0 (char *, 3);

          row[0] = pick_text (pair ? json_object_get_member (pair, "label") : NULL,
                              self->language);
          row[1] = pick_text (pair ? json_object_get_member (pair, "value") : NULL,
                              self->language);
          g_ptr_array_add (self->pairs, row);
          if (row[0] == NULL || row[1] == NULL)
            {
              g_autofree char *what = g_strdup_printf ("label or value in row %u", i + 1);
              return missing (error, what);
            }
        }
    }

  if (table != NULL)
    {
      JsonArray *columns = member_array (table, "columns");
      JsonArray *rows = member_array (table, "rows");
      guint n_columns = columns ? json_array_get_length (columns) : 0;

      if (n_columns == 0 || rows == NULL)
        return missing (error, "table columns or rows (fields.table)");
      if (n_columns > MAX_COLUMNS || json_array_get_length (rows) > MAX_ROWS)
        goto too_large;
      self->columns = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < n_columns; i++)
        {
          char *heading = pick_text (json_array_get_element (columns, i), self->language);

          if (heading == NULL)
            return missing (error, "table column heading");
          g_ptr_array_add (self->columns, heading);
        }
      self->rows = g_ptr_array_new_with_free_func (wipe_strv);
      for (guint i = 0; i < json_array_get_length (rows); i++)
        {
          GStrv row = read_row (json_array_get_element (rows, i), self->language, n_columns);

          if (row == NULL)
            {
              g_autofree char *what = g_strdup_printf ("%u cells of text in table row %u",
                                                       n_columns, i + 1);
              return missing (error, what);
            }
          g_ptr_array_add (self->rows, row);
        }
    }

  if (self->pairs == NULL && self->rows == NULL && self->statement == NULL)
    return missing (error, "rows, table or statement");
  return TRUE;

too_large:
  g_set_error (error, TONGBAN_DOCUMENT_ERROR, TONGBAN_DOCUMENT_ERROR_TOO_LARGE,
               "the document has more than %u rows or %u columns", MAX_ROWS, MAX_COLUMNS);
  return FALSE;
}

static void parse_color (const char *text, double rgb[3]);

/* "Label: value", with a full-width colon in Chinese. */
static char *
join_label (TongbanLanguage  language,
            const char      *label,
            const char      *value,
            const char      *end)
{
  return g_strconcat (label, language == TONGBAN_LANGUAGE_EN ? ": " : "：", value, end, NULL);
}

static char *
label_value (TongbanDocument *self,
             const char      *label,
             const char      *value)
{
  return join_label (self->language, label, value, NULL);
}
static guint paginate (TongbanDocument *self);

/* @document is the answer's "document" member. */
TongbanDocument *
tongban_document_new (JsonObject       *document,
                      TongbanLanguage   language,
                      GError          **error)
{
  g_autoptr(TongbanDocument) self = NULL;
  JsonObject *layout, *holder, *fields;
  TongbanLanguage seal_language = TONGBAN_LANGUAGE_ZH_CN;
  const char *text;

  g_return_val_if_fail (document != NULL, NULL);
  g_return_val_if_fail (language < TONGBAN_N_LANGUAGES, NULL);

  if (!(layout = find_template (member_string (document, "template"), error)))
    return NULL;
  self = g_object_new (TONGBAN_TYPE_DOCUMENT, NULL);
  self->language = language;
  self->template_id = g_strdup (member_string (document, "template"));

  if (!(text = member_string (document, "number")) || !*text || strlen (text) > 64)
    return missing (error, "number"), NULL;
  self->number = g_strdup (text);
  if (!(text = member_string (document, "verify_url")) || !*text || strlen (text) > 512)
    return missing (error, "verify_url"), NULL;
  self->verify_url = g_strdup (text);
  if (!(self->issued = format_issued (member_string (document, "issued"), language)))
    return missing (error, "issue date (issued, YYYY-MM-DD)"), NULL;
  if (!(fields = member_object (document, "fields")))
    return missing (error, "fields"), NULL;

  /* The layout's texts are msgids. */
  self->office = g_strdup (tr (language, member_string (layout, "office")));
  self->title = g_strdup (tr (language, member_string (layout, "title")));
  tongban_language_from_code (member_string (layout, "seal_language"), &seal_language);
  self->seal_text = g_strdup (tr (seal_language, member_string (layout, "office")));
  holder = member_object (layout, "holder");
  self->name_label = g_strdup (tr (language, member_string (member_object (holder, "name"),
                                                            "label")));
  self->id_label = g_strdup (tr (language, member_string (member_object (holder, "id"),
                                                          "label")));
  parse_color (member_string (layout, "color"), self->color);
  /* Translators: before the certificate's number, e.g. "Verification number: GDSI-…". */
  self->label_number = g_strdup (tr (language, N_("Verification number")));
  self->label_issued = g_strdup (tr (language, N_("Date of issue")));
  self->label_verify = g_strdup (tr (language, N_("Scan the code or open the address below to "
                                                  "check that this document is genuine.")));
  /* Translators: after the title on the second and later pages of a certificate. */
  self->label_continued = g_strdup (tr (language, N_("(continued)")));
  /* Translators: the page number at the foot of a certificate. */
  self->page_format = g_strdup (tr (language, N_("Page {page} of {pages}")));

  if (!read_fields (self, fields, holder == NULL ||
                    json_object_get_boolean_member_with_default (holder, "mask", TRUE), error))
    return NULL;
  self->n_pages = paginate (self);
  return g_steal_pointer (&self);
}

const char *
tongban_document_get_template (TongbanDocument *self)
{
  return self->template_id;
}

const char *
tongban_document_get_number (TongbanDocument *self)
{
  return self->number;
}

const char *
tongban_document_get_title (TongbanDocument *self)
{
  return self->title;
}

guint
tongban_document_get_n_pages (TongbanDocument *self)
{
  return self->n_pages;
}

static void
parse_color (const char *text,
             double      rgb[3])
{
  guint v = 0xb3261e;

  if (text && text[0] == '#' && strlen (text) == 7)
    v = (guint) g_ascii_strtoull (text + 1, NULL, 16);
  rgb[0] = ((v >> 16) & 0xff) / 255.0;
  rgb[1] = ((v >> 8) & 0xff) / 255.0;
  rgb[2] = (v & 0xff) / 255.0;
}

/* ---- drawing -------------------------------------------------------------- */

typedef struct
{
  TongbanDocument *doc;
  cairo_t         *cr;        /* NULL while only measuring */
  PangoContext    *pango;
  guint            page;      /* 1-based, the page being laid out */
  guint            only;      /* 0: draw every page; else only this one */
  double           y;
} Pen;

static gboolean
drawing (Pen *pen)
{
  return pen->cr != NULL && (pen->only == 0 || pen->only == pen->page);
}

static const char *
families (TongbanLanguage language,
          gboolean        sans)
{
  switch (language)
    {
    case TONGBAN_LANGUAGE_ZH_HK:
      return sans ? "Noto Sans CJK HK" : "Noto Serif CJK HK";
    case TONGBAN_LANGUAGE_EN:
      return sans ? "Noto Sans, Noto Sans CJK SC" : "Noto Serif, Noto Serif CJK SC";
    default:
      return sans ? "Noto Sans CJK SC" : "Noto Serif CJK SC";
    }
}

static PangoLayout *
text_layout (Pen           *pen,
             const char    *text,
             double         points,
             gboolean       sans,
             gboolean       bold,
             double         width,
             PangoAlignment align)
{
  PangoLayout *layout = pango_layout_new (pen->pango);
  g_autoptr(PangoFontDescription) font =
    pango_font_description_from_string (families (pen->doc->language, sans));

  /* The context's resolution is 25.4 units per inch: sizes in points. */
  pango_font_description_set_size (font, (int) (points * PANGO_SCALE));
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_alignment (layout, align);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int w, h;

  pango_layout_get_size (layout, &w, &h);
  return (double) h / PANGO_SCALE;
}

static double
layout_width (PangoLayout *layout)
{
  int w, h;

  pango_layout_get_size (layout, &w, &h);
  return (double) w / PANGO_SCALE;
}

static void
show (Pen         *pen,
      PangoLayout *layout,
      double       x,
      double       y,
      double       r,
      double       g,
      double       b)
{
  if (!drawing (pen))
    return;
  cairo_set_source_rgb (pen->cr, r, g, b);
  cairo_move_to (pen->cr, x, y);
  pango_cairo_show_layout (pen->cr, layout);
  cairo_new_path (pen->cr);
}

/* Draws a line of text; returns its height. */
static double
put_text (Pen           *pen,
          const char    *text,
          double         points,
          gboolean       sans,
          gboolean       bold,
          double         x,
          double         y,
          double         width,
          PangoAlignment align,
          const double  *rgb)
{
  g_autoptr(PangoLayout) layout = text_layout (pen, text, points, sans, bold, width, align);
  double h = layout_height (layout);

  if (rgb)
    show (pen, layout, x, y, rgb[0], rgb[1], rgb[2]);
  else
    show (pen, layout, x, y, 0.1, 0.1, 0.1);
  return h;
}

guint8 *
tongban_qr_modules (const char *text,
                    int        *width)
{
  QRcode *qr = QRcode_encodeString8bit (text, 0, QR_ECLEVEL_M);
  guint8 *modules;

  if (qr == NULL)
    return NULL;
  *width = qr->width;
  modules = g_malloc ((gsize) qr->width * qr->width);
  for (int i = 0; i < qr->width * qr->width; i++)
    modules[i] = qr->data[i] & 1;
  QRcode_free (qr);
  return modules;
}

static void
draw_qr (Pen    *pen,
         double  x,
         double  y,
         double  size)
{
  int width = 0;
  g_autofree guint8 *modules = NULL;
  double m;

  if (!drawing (pen) || !(modules = tongban_qr_modules (pen->doc->verify_url, &width)))
    return;
  m = size / width;
  cairo_set_source_rgb (pen->cr, 0, 0, 0);
  for (int row = 0; row < width; row++)
    for (int col = 0; col < width; col++)
      if (modules[row * width + col])
        cairo_rectangle (pen->cr, x + col * m, y + row * m, m, m);
  cairo_fill (pen->cr);
}

static void
draw_star (cairo_t *cr,
           double   cx,
           double   cy,
           double   r)
{
  for (int i = 0; i < 10; i++)
    {
      double a = -G_PI / 2 + i * G_PI / 5;
      double rr = i % 2 ? r * 0.382 : r;

      if (i == 0)
        cairo_move_to (cr, cx + rr * cos (a), cy + rr * sin (a));
      else
        cairo_line_to (cr, cx + rr * cos (a), cy + rr * sin (a));
    }
  cairo_close_path (cr);
  cairo_fill (cr);
}

/* A round seal: two rings, a star, the office's name along the upper arc. */
static void
draw_seal (Pen    *pen,
           double  cx,
           double  cy,
           double  r)
{
  TongbanDocument *doc = pen->doc;
  cairo_t *cr = pen->cr;
  glong n = g_utf8_strlen (doc->seal_text, -1);
  double span = MIN (G_PI * 1.4, n * 0.3);
  double points = MIN (11.0, (span * (r - 4.5)) / MAX (n, 1) / (25.4 / 72) * 0.95);
  const char *p = doc->seal_text;

  if (!drawing (pen))
    return;
  cairo_save (cr);
  cairo_new_path (cr);
  cairo_set_source_rgba (cr, doc->color[0], doc->color[1], doc->color[2], 0.85);
  cairo_set_line_width (cr, 1.0);
  cairo_arc (cr, cx, cy, r, 0, 2 * G_PI);
  cairo_stroke (cr);
  cairo_set_line_width (cr, 0.3);
  cairo_arc (cr, cx, cy, r - 1.4, 0, 2 * G_PI);
  cairo_stroke (cr);
  draw_star (cr, cx, cy, r * 0.3);
  for (glong i = 0; i < n; i++, p = g_utf8_next_char (p))
    {
      char ch[8] = { 0 };
      double a = -G_PI / 2 - span / 2 + span * (i + 0.5) / n;
      g_autoptr(PangoLayout) layout = NULL;

      memcpy (ch, p, g_utf8_next_char (p) - p);
      layout = text_layout (pen, ch, points, TRUE, TRUE, 0, PANGO_ALIGN_LEFT);
      cairo_save (cr);
      cairo_translate (cr, cx + (r - 2.2) * cos (a), cy + (r - 2.2) * sin (a));
      cairo_rotate (cr, a + G_PI / 2);
      cairo_move_to (cr, -layout_width (layout) / 2, 0);
      pango_cairo_show_layout (cr, layout);
      cairo_new_path (cr);
      cairo_restore (cr);
    }
  cairo_restore (cr);
}

static void
page_header (Pen *pen)
{
  TongbanDocument *doc = pen->doc;
  double width = TONGBAN_DOCUMENT_WIDTH_MM - 2 * MARGIN;
  double y = MARGIN;
  g_autofree char *title = NULL;
  g_autofree char *number = NULL;

  y += put_text (pen, doc->office, 11, TRUE, TRUE, MARGIN, y, width, PANGO_ALIGN_CENTER,
                 doc->color);
  if (drawing (pen))
    {
      cairo_set_source_rgb (pen->cr, doc->color[0], doc->color[1], doc->color[2]);
      cairo_set_line_width (pen->cr, 0.6);
      cairo_move_to (pen->cr, MARGIN, y + 1.5);
      cairo_line_to (pen->cr, TONGBAN_DOCUMENT_WIDTH_MM - MARGIN, y + 1.5);
      cairo_stroke (pen->cr);
    }
  y += 6;
  if (pen->page == 1)
    y += put_text (pen, doc->title, 20, TRUE, TRUE, MARGIN, y, width, PANGO_ALIGN_CENTER, NULL);
  else
    {
      title = g_strdup_printf ("%s %s", doc->title, doc->label_continued);
      y += put_text (pen, title, 13, TRUE, TRUE, MARGIN, y, width, PANGO_ALIGN_CENTER, NULL);
    }
  number = label_value (doc, doc->label_number, doc->number);
  y += 2;
  y += put_text (pen, number, 9, TRUE, FALSE, MARGIN, y, width, PANGO_ALIGN_RIGHT, NULL);
  pen->y = y + 5;
}

static void
page_footer (Pen *pen,
             guint n_pages)
{
  TongbanDocument *doc = pen->doc;
  double top = TONGBAN_DOCUMENT_HEIGHT_MM - MARGIN - FOOTER + 8;
  double qr = TONGBAN_DOCUMENT_QR_MM;
  double text_x = MARGIN + qr + 6;
  double text_w = 82;
  double y = top;
  g_autofree char *number = label_value (doc, doc->label_number, doc->number);
  g_autofree char *issued = label_value (doc, doc->label_issued, doc->issued);

  if (!drawing (pen))
    return;
  cairo_set_source_rgb (pen->cr, 0.6, 0.6, 0.6);
  cairo_set_line_width (pen->cr, 0.2);
  cairo_move_to (pen->cr, MARGIN, top - 5);
  cairo_line_to (pen->cr, TONGBAN_DOCUMENT_WIDTH_MM - MARGIN, top - 5);
  cairo_stroke (pen->cr);
  draw_qr (pen, MARGIN, top, qr);
  y += put_text (pen, number, 10, TRUE, TRUE, text_x, y, text_w, PANGO_ALIGN_LEFT, NULL) + 1;
  y += put_text (pen, issued, 10, TRUE, FALSE, text_x, y, text_w, PANGO_ALIGN_LEFT, NULL) + 2;
  y += put_text (pen, doc->label_verify, 8, TRUE, FALSE, text_x, y, text_w, PANGO_ALIGN_LEFT,
                 NULL) + 1;
  put_text (pen, doc->verify_url, 7.5, TRUE, FALSE, text_x, y, text_w, PANGO_ALIGN_LEFT, NULL);
  if (n_pages > 1)
    {
      g_autofree char *pages = g_strdup_printf ("%u", n_pages);
      g_autofree char *page = g_strdup_printf ("%u", pen->page);
      g_autoptr(GString) text = g_string_new (doc->page_format);

      g_string_replace (text, "{page}", page, 1);
      g_string_replace (text, "{pages}", pages, 1);
      put_text (pen, text->str, 8, TRUE, FALSE, MARGIN, TONGBAN_DOCUMENT_HEIGHT_MM - MARGIN,
                TONGBAN_DOCUMENT_WIDTH_MM - 2 * MARGIN, PANGO_ALIGN_CENTER, NULL);
    }
  if (pen->page == n_pages)
    draw_seal (pen, TONGBAN_DOCUMENT_WIDTH_MM - MARGIN - 24, top + qr / 2 - 1, 20);
}

static double
bottom (void)
{
  return TONGBAN_DOCUMENT_HEIGHT_MM - MARGIN - FOOTER;
}

static void
next_page (Pen   *pen,
           guint  n_pages)
{
  page_footer (pen, n_pages);
  if (pen->cr && pen->only == 0)
    cairo_show_page (pen->cr);
  pen->page++;
  page_header (pen);
}

/* One table row: cells side by side, each wrapped in its column. A row
 * taller than a page is cut at the page's foot by the clip. */
static void
table_row (Pen           *pen,
           char         **cells,
           const double  *widths,
           guint          n,
           gboolean       heading,
           guint          n_pages,
           char         **repeat)
{
  PangoLayout *layouts[MAX_COLUMNS] = { NULL, };
  double h = 0, x = MARGIN;

  for (guint i = 0; i < n; i++)
    {
      layouts[i] = text_layout (pen, cells[i], 10, heading || (repeat == NULL && i == 0 && n == 2),
                                heading, widths[i] - 2 * CELL_PAD, PANGO_ALIGN_LEFT);
      h = MAX (h, layout_height (layouts[i]));
    }
  h += 2 * CELL_PAD;
  if (pen->y + h > bottom () && pen->y > MARGIN + 40)
    {
      next_page (pen, n_pages);
      if (repeat != NULL)
        table_row (pen, repeat, widths, n, TRUE, n_pages, NULL);
    }
  if (drawing (pen))
    {
      cairo_t *cr = pen->cr;

      cairo_save (cr);
      cairo_rectangle (cr, MARGIN - 1, MARGIN, TONGBAN_DOCUMENT_WIDTH_MM - 2 * MARGIN + 2,
                       bottom () - MARGIN);
      cairo_clip (cr);
      if (heading)
        {
          cairo_set_source_rgba (cr, pen->doc->color[0], pen->doc->color[1], pen->doc->color[2],
                                 0.12);
          cairo_rectangle (cr, MARGIN, pen->y, TONGBAN_DOCUMENT_WIDTH_MM - 2 * MARGIN, h);
          cairo_fill (cr);
        }
      cairo_set_source_rgb (cr, 0.55, 0.55, 0.55);
      cairo_set_line_width (cr, 0.2);
      cairo_rectangle (cr, MARGIN, pen->y, TONGBAN_DOCUMENT_WIDTH_MM - 2 * MARGIN, h);
      cairo_stroke (cr);
      for (guint i = 0; i < n; i++)
        {
          if (i > 0)
            {
              cairo_set_source_rgb (cr, 0.55, 0.55, 0.55);
              cairo_move_to (cr, x, pen->y);
              cairo_line_to (cr, x, pen->y + h);
              cairo_stroke (cr);
            }
          show (pen, layouts[i], x + CELL_PAD, pen->y + CELL_PAD, 0.1, 0.1, 0.1);
          x += widths[i];
        }
      cairo_restore (cr);
    }
  for (guint i = 0; i < n; i++)
    g_object_unref (layouts[i]);
  pen->y += h;
}

static void
lay_out (Pen  *pen,
         guint n_pages)
{
  TongbanDocument *doc = pen->doc;
  double full = TONGBAN_DOCUMENT_WIDTH_MM - 2 * MARGIN;
  double pair_widths[2] = { full * 0.34, full * 0.66 };
  double widths[MAX_COLUMNS];
  g_autofree char *name = label_value (doc, doc->name_label, doc->name);

  pen->page = 1;
  page_header (pen);

  pen->y += put_text (pen, name, 12, TRUE, TRUE, MARGIN, pen->y, full, PANGO_ALIGN_LEFT, NULL);
  if (doc->id_value)
    {
      g_autofree char *id = label_value (doc, doc->id_label, doc->id_value);

      pen->y += 1 + put_text (pen, id, 12, FALSE, FALSE, MARGIN, pen->y, full, PANGO_ALIGN_LEFT,
                              NULL);
    }
  pen->y += 5;

  for (guint i = 0; doc->pairs && i < doc->pairs->len; i++)
    table_row (pen, g_ptr_array_index (doc->pairs, i), pair_widths, 2, FALSE, n_pages, NULL);
  if (doc->pairs && doc->pairs->len)
    pen->y += 5;

  if (doc->rows)
    {
      guint n = doc->columns->len;

      for (guint i = 0; i < n; i++)
        widths[i] = full / n;
      table_row (pen, (char **) doc->columns->pdata, widths, n, TRUE, n_pages, NULL);
      for (guint i = 0; i < doc->rows->len; i++)
        table_row (pen, g_ptr_array_index (doc->rows, i), widths, n, FALSE, n_pages,
                   (char **) doc->columns->pdata);
      pen->y += 5;
    }

  if (doc->statement)
    {
      g_autoptr(PangoLayout) layout = text_layout (pen, doc->statement, 11, FALSE, FALSE, full,
                                                   PANGO_ALIGN_LEFT);

      pango_layout_set_justify (layout, TRUE);
      pango_layout_set_spacing (layout, (int) (1.2 * PANGO_SCALE));
      if (pen->y + layout_height (layout) > bottom ())
        next_page (pen, n_pages);
      show (pen, layout, MARGIN, pen->y, 0.1, 0.1, 0.1);
      pen->y += layout_height (layout);
    }
  page_footer (pen, n_pages);
  if (pen->cr && pen->only == 0)
    cairo_show_page (pen->cr);
}

static PangoContext *
make_context (cairo_t *cr)
{
  PangoContext *context = pango_cairo_create_context (cr);
  cairo_font_options_t *options = cairo_font_options_create ();

  /* Millimetres as units, sizes in points; no hinting, so the layout is the
   * same at every scale. */
  pango_cairo_context_set_resolution (context, 25.4);
  pango_context_set_round_glyph_positions (context, FALSE);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
  return context;
}

static PangoLanguage *
pango_language (TongbanLanguage language)
{
  switch (language)
    {
    case TONGBAN_LANGUAGE_ZH_HK:
      return pango_language_from_string ("zh-hk");
    case TONGBAN_LANGUAGE_EN:
      return pango_language_from_string ("en");
    default:
      return pango_language_from_string ("zh-cn");
    }
}

static guint
run (TongbanDocument *self,
     cairo_t         *cr,
     guint            only,
     guint            n_pages)
{
  cairo_surface_t *scratch = NULL;
  Pen pen = { self, cr, NULL, 1, only, 0 };

  if (cr == NULL)
    {
      scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
      cr = cairo_create (scratch);
    }
  pen.pango = make_context (cr);
  pango_context_set_language (pen.pango, pango_language (self->language));
  lay_out (&pen, n_pages);
  g_object_unref (pen.pango);
  if (scratch != NULL)
    {
      cairo_destroy (cr);
      cairo_surface_destroy (scratch);
    }
  return pen.page;
}

static guint
paginate (TongbanDocument *self)
{
  return run (self, NULL, 0, 0);
}

/* Grows without leaving copies: the old block is zeroed before it is freed. */
static cairo_status_t
write_pdf (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  TongbanDocument *self = closure;

  if (self->pdf_length + length > self->pdf_capacity)
    {
      gsize capacity = MAX (self->pdf_capacity * 2, self->pdf_length + length + 65536);
      guint8 *bigger = g_malloc (capacity);

      if (self->pdf != NULL)
        {
          memcpy (bigger, self->pdf, self->pdf_length);
          explicit_bzero (self->pdf, self->pdf_capacity);
          g_free (self->pdf);
        }
      self->pdf = bigger;
      self->pdf_capacity = capacity;
    }
  memcpy (self->pdf + self->pdf_length, data, length);
  self->pdf_length += length;
  return CAIRO_STATUS_SUCCESS;
}

/* The PDF, made once and kept with the document (thread-safe). The bytes
 * hold a reference on the document and read as zeros after a wipe. */
GBytes *
tongban_document_render_pdf (TongbanDocument  *self,
                             GError          **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (TONGBAN_IS_DOCUMENT (self), NULL);

  locker = g_mutex_locker_new (&self->lock);
  if (self->number == NULL)
    {
      g_set_error (error, TONGBAN_DOCUMENT_ERROR, TONGBAN_DOCUMENT_ERROR_RENDER,
                   "the document was wiped");
      return NULL;
    }
  if (self->pdf_length == 0)
    {
      cairo_surface_t *surface =
        cairo_pdf_surface_create_for_stream (write_pdf, self,
                                             TONGBAN_DOCUMENT_WIDTH_MM / 25.4 * 72,
                                             TONGBAN_DOCUMENT_HEIGHT_MM / 25.4 * 72);
      cairo_t *cr = cairo_create (surface);
      cairo_status_t status;

      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, self->title);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Tongban kiosk");
      cairo_scale (cr, 72 / 25.4, 72 / 25.4);
      run (self, cr, 0, self->n_pages);
      cairo_destroy (cr);
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
      cairo_surface_destroy (surface);
      if (status != CAIRO_STATUS_SUCCESS)
        {
          wipe_pdf (self);
          g_set_error (error, TONGBAN_DOCUMENT_ERROR, TONGBAN_DOCUMENT_ERROR_RENDER,
                       "could not make the PDF: %s", cairo_status_to_string (status));
          return NULL;
        }
    }
  return g_bytes_new_with_free_func (self->pdf, self->pdf_length, g_object_unref,
                                     g_object_ref (self));
}

/* For the wipe test: the PDF buffer as it is now. */
const guint8 *
tongban_document_peek_pdf (TongbanDocument *self,
                           gsize           *size)
{
  *size = self->pdf_capacity;
  return self->pdf;
}

/* Page @page (from 1) on white, @px_per_mm pixels per millimetre. */
cairo_surface_t *
tongban_document_render_page (TongbanDocument *self,
                              guint            page,
                              double           px_per_mm)
{
  int w = (int) ceil (TONGBAN_DOCUMENT_WIDTH_MM * px_per_mm);
  int h = (int) ceil (TONGBAN_DOCUMENT_HEIGHT_MM * px_per_mm);
  cairo_surface_t *surface;
  cairo_t *cr;

  g_return_val_if_fail (TONGBAN_IS_DOCUMENT (self), NULL);
  g_return_val_if_fail (page >= 1 && page <= self->n_pages, NULL);
  g_return_val_if_fail (px_per_mm > 0 && px_per_mm <= 40, NULL);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  g_mutex_lock (&self->lock);
  if (self->number != NULL)
    {
      cairo_scale (cr, px_per_mm, px_per_mm);
      run (self, cr, page, self->n_pages);
    }
  g_mutex_unlock (&self->lock);
  cairo_destroy (cr);
  return surface;
}

/* ---- receipts ------------------------------------------------------------- */

static gboolean
line (TongbanEscpos    *escpos,
      TongbanLanguage   language,
      const char       *key,
      const char       *value,
      GError          **error)
{
  g_autofree char *text = join_label (language, key, value, "\n");

  return tongban_escpos_text (escpos, text, error);
}

/* @receipt is the answer's "receipt" member; @title the service's name,
 * already in @language. */
GBytes *
tongban_receipt_build (JsonObject       *receipt,
                       const char       *title,
                       TongbanLanguage   language,
                       GDateTime        *printed,
                       GError          **error)
{
  g_autoptr(TongbanEscpos) escpos = tongban_escpos_new ();
  const char *reference = member_string (receipt, "reference");
  JsonArray *lines = member_array (receipt, "lines");
  g_autofree char *time = NULL;

  if (reference == NULL || !*reference || strlen (reference) > 64 ||
      !g_utf8_validate (reference, -1, NULL))
    return missing (error, "receipt reference"), NULL;
  if (lines && json_array_get_length (lines) > MAX_ROWS)
    {
      g_set_error (error, TONGBAN_DOCUMENT_ERROR, TONGBAN_DOCUMENT_ERROR_TOO_LARGE,
                   "the receipt has more than %u lines", MAX_ROWS);
      return NULL;
    }

  tongban_escpos_align (escpos, TONGBAN_ESCPOS_ALIGN_CENTER);
  tongban_escpos_bold (escpos, TRUE);
  tongban_escpos_size (escpos, 2, 2);
  if (!tongban_escpos_text (escpos, title, error) || !tongban_escpos_text (escpos, "\n", error))
    return NULL;
  tongban_escpos_size (escpos, 1, 1);
  tongban_escpos_bold (escpos, FALSE);
  tongban_escpos_feed (escpos, 1);
  tongban_escpos_align (escpos, TONGBAN_ESCPOS_ALIGN_LEFT);
  tongban_escpos_bold (escpos, TRUE);
  if (!line (escpos, language, tr (language, N_("Your reference number")), reference, error))
    return NULL;
  tongban_escpos_bold (escpos, FALSE);
  for (guint i = 0; lines && i < json_array_get_length (lines); i++)
    {
      JsonNode *node = json_array_get_element (lines, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      g_autofree char *key = pick_text (item ? json_object_get_member (item, "key") : NULL,
                                        language);
      g_autofree char *value = pick_text (item ? json_object_get_member (item, "value") : NULL,
                                          language);

      if (key == NULL || value == NULL)
        {
          g_autofree char *what = g_strdup_printf ("key or value in receipt line %u", i + 1);
          return missing (error, what), NULL;
        }
      if (!line (escpos, language, key, value, error))
        return NULL;
    }
  time = g_date_time_format (printed, "%Y-%m-%d %H:%M");
  /* Translators: on a printed receipt, before the date and time it was printed. */
  if (!line (escpos, language, tr (language, N_("Printed")), time, error))
    return NULL;
  tongban_escpos_feed (escpos, 1);
  tongban_escpos_align (escpos, TONGBAN_ESCPOS_ALIGN_CENTER);
  if (!tongban_escpos_qr (escpos, (const guint8 *) reference, strlen (reference), 6, error))
    return NULL;
  tongban_escpos_feed (escpos, 3);
  tongban_escpos_cut (escpos, TRUE);
  return tongban_escpos_steal (escpos);
}
