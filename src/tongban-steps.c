/* tongban-steps.c: the widgets of each kind of step
 *
 * Built from the step's catalogue entry alone, so a new service needs no new
 * code. Texts from the catalogue are msgids (tongban_tr_label); texts from the
 * back end are data and are shown as they come (class tr-fixed).
 */

#include "tongban-steps.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include "tongban-document.h"
#include "tongban-i18n.h"
#include "tongban-mask.h"
#include "tongban-tr.h"

static GtkWidget *
tr_label (const char *msgid,
          const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class)
    gtk_widget_add_css_class (label, css_class);
  if (msgid)
    tongban_tr_label (GTK_LABEL (label), msgid);
  return label;
}

static GtkWidget *
data_label (const char *text,
            const char *css_class)
{
  GtkWidget *label = tr_label (NULL, css_class);

  gtk_label_set_label (GTK_LABEL (label), text ? text : "");
  gtk_widget_add_css_class (label, TONGBAN_TR_FIXED_CLASS);
  return label;
}

static GtkWidget *
box (GtkOrientation orientation,
     int            spacing,
     const char    *css_class)
{
  GtkWidget *b = gtk_box_new (orientation, spacing);

  if (css_class)
    gtk_widget_add_css_class (b, css_class);
  return b;
}

static void
keep_flow (GtkWidget   *widget,
           TongbanFlow *flow)
{
  g_object_set_data_full (G_OBJECT (widget), "flow", g_object_ref (flow), g_object_unref);
}

static TongbanFlow *
flow_of (GtkWidget *widget)
{
  for (; widget; widget = gtk_widget_get_parent (widget))
    {
      TongbanFlow *flow = g_object_get_data (G_OBJECT (widget), "flow");

      if (flow)
        return flow;
    }
  g_return_val_if_reached (NULL);
}

/* ---- choose ------------------------------------------------------------- */

static void
on_option_clicked (GtkButton *button)
{
  TongbanFlow *flow = flow_of (GTK_WIDGET (button));

  tongban_flow_set_answer (flow, tongban_flow_get_step (flow)->id, NULL,
                           g_object_get_data (G_OBJECT (button), "value"));
  gtk_widget_activate_action (GTK_WIDGET (button), "flow.next", NULL);
}

GtkWidget *
tongban_step_choose_new (TongbanFlow *flow)
{
  const TongbanStep *step = tongban_flow_get_step (flow);
  GPtrArray *options = tongban_flow_get_options (flow);
  const char *chosen = tongban_flow_get_answer (flow, step->id, NULL);
  GtkWidget *list = box (GTK_ORIENTATION_VERTICAL, 12, "choices");

  keep_flow (list, flow);
  for (guint i = 0; options && i < options->len; i++)
    {
      const TongbanOption *o = g_ptr_array_index (options, i);
      GtkWidget *button = gtk_button_new ();
      /* Options listed by the back end are data; the catalogue's are msgids. */
      GtkWidget *label = step->options ? tr_label (o->label, "choice-label")
                                       : data_label (o->label, "choice-label");

      gtk_widget_add_css_class (button, "choice");
      if (g_strcmp0 (chosen, o->value) == 0)
        gtk_widget_add_css_class (button, "chosen");
      gtk_widget_set_name (button, o->value);
      g_object_set_data_full (G_OBJECT (button), "value", g_strdup (o->value), g_free);
      gtk_button_set_child (GTK_BUTTON (button), label);
      g_signal_connect (button, "clicked", G_CALLBACK (on_option_clicked), NULL);
      gtk_box_append (GTK_BOX (list), button);
    }
  if (options == NULL || options->len == 0)
    gtk_box_append (GTK_BOX (list), tr_label (N_("There is nothing to choose from: the "
                                                 "department has no record of this for you."),
                                              "body"));
  return list;
}

/* ---- form --------------------------------------------------------------- */

static void
on_entry_changed (GtkEditable *editable)
{
  TongbanFlow *flow = flow_of (GTK_WIDGET (editable));

  tongban_flow_set_answer (flow, tongban_flow_get_step (flow)->id,
                           gtk_widget_get_name (GTK_WIDGET (editable)),
                           gtk_editable_get_text (editable));
}

static void
on_field_choice (GtkToggleButton *button)
{
  TongbanFlow *flow;

  if (!gtk_toggle_button_get_active (button))
    return;
  flow = flow_of (GTK_WIDGET (button));
  tongban_flow_set_answer (flow, tongban_flow_get_step (flow)->id,
                           g_object_get_data (G_OBJECT (button), "field"),
                           g_object_get_data (G_OBJECT (button), "value"));
}

static GtkInputPurpose
purpose_for (TongbanFieldType type)
{
  switch (type)
    {
    case TONGBAN_FIELD_NUMBER:
      return GTK_INPUT_PURPOSE_DIGITS;
    case TONGBAN_FIELD_AMOUNT:
      return GTK_INPUT_PURPOSE_NUMBER;
    case TONGBAN_FIELD_PHONE:
      return GTK_INPUT_PURPOSE_PHONE;
    case TONGBAN_FIELD_EMAIL:
      return GTK_INPUT_PURPOSE_EMAIL;
    default:
      return GTK_INPUT_PURPOSE_FREE_FORM;
    }
}

static const char *
default_hint (TongbanFieldType type)
{
  switch (type)
    {
    case TONGBAN_FIELD_DATE: return N_("Year-month-day, like 2026-03-31");
    case TONGBAN_FIELD_HKID: return N_("Like A123456(3)");
    case TONGBAN_FIELD_MO_ID: return N_("Like 1234567(8)");
    case TONGBAN_FIELD_CN_ID: return N_("18 characters, as on the card");
    case TONGBAN_FIELD_HK_BRN: return N_("The first 8 digits of the certificate");
    case TONGBAN_FIELD_AMOUNT: return N_("In figures, like 1250.50");
    default: return NULL;
    }
}

GtkWidget *
tongban_step_form_new (TongbanFlow *flow)
{
  const TongbanStep *step = tongban_flow_get_step (flow);
  GtkWidget *form = box (GTK_ORIENTATION_VERTICAL, 24, "form");

  keep_flow (form, flow);
  for (guint i = 0; i < step->fields->len; i++)
    {
      const TongbanField *f = g_ptr_array_index (step->fields, i);
      const char *value = tongban_flow_get_answer (flow, step->id, f->id);
      const char *hint = f->hint ? f->hint : default_hint (f->type);
      GtkWidget *group = box (GTK_ORIENTATION_VERTICAL, 6, "field");
      GtkWidget *label = tr_label (f->label, "field-label");
      GtkWidget *message = tr_label (NULL, "field-error");

      gtk_widget_set_name (group, f->id);
      gtk_box_append (GTK_BOX (group), label);
      if (!f->required)
        gtk_box_append (GTK_BOX (group), tr_label (N_("Optional"), "field-hint"));
      if (hint)
        gtk_box_append (GTK_BOX (group), tr_label (hint, "field-hint"));
      gtk_widget_set_visible (message, FALSE);
      gtk_box_append (GTK_BOX (group), message);
      g_object_set_data (G_OBJECT (group), "message", message);

      if (f->type == TONGBAN_FIELD_CHOICE)
        {
          GtkWidget *row = box (GTK_ORIENTATION_HORIZONTAL, 12, "field-choices");
          GtkToggleButton *first = NULL;

          for (guint j = 0; j < f->options->len; j++)
            {
              const TongbanOption *o = g_ptr_array_index (f->options, j);
              GtkWidget *toggle = gtk_toggle_button_new ();

              gtk_button_set_child (GTK_BUTTON (toggle), tr_label (o->label, NULL));
              gtk_widget_set_name (toggle, o->value);
              if (first)
                gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (toggle), first);
              else
                first = GTK_TOGGLE_BUTTON (toggle);
              gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle),
                                            g_strcmp0 (value, o->value) == 0);
              g_object_set_data (G_OBJECT (toggle), "field", f->id);
              g_object_set_data (G_OBJECT (toggle), "value", o->value);
              g_signal_connect (toggle, "toggled", G_CALLBACK (on_field_choice), NULL);
              gtk_box_append (GTK_BOX (row), toggle);
            }
          gtk_box_append (GTK_BOX (group), row);
        }
      else
        {
          GtkWidget *entry = gtk_entry_new ();

          gtk_widget_set_name (entry, f->id);
          gtk_widget_add_css_class (entry, "field-entry");
          gtk_entry_set_input_purpose (GTK_ENTRY (entry), purpose_for (f->type));
          gtk_entry_set_max_length (GTK_ENTRY (entry), 500);
          /* Numbers and identity numbers are read back character by character. */
          if (f->type == TONGBAN_FIELD_NUMBER || f->type == TONGBAN_FIELD_AMOUNT ||
              f->type == TONGBAN_FIELD_PHONE || f->type == TONGBAN_FIELD_CN_ID ||
              f->type == TONGBAN_FIELD_HKID || f->type == TONGBAN_FIELD_MO_ID ||
              f->type == TONGBAN_FIELD_HK_BRN)
            g_object_set_data (G_OBJECT (entry), TONGBAN_STEP_SPELL, GINT_TO_POINTER (TRUE));
          gtk_accessible_update_relation (GTK_ACCESSIBLE (entry),
                                          GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL,
                                          -1);
          if (value)
            gtk_editable_set_text (GTK_EDITABLE (entry), value);
          g_signal_connect (entry, "changed", G_CALLBACK (on_entry_changed), NULL);
          gtk_box_append (GTK_BOX (group), entry);
        }
      gtk_box_append (GTK_BOX (form), group);
    }
  return form;
}

/* The message at each field, the same words as in the summary at the top. */
void
tongban_step_form_show_errors (GtkWidget *form,
                               GArray    *errors)
{
  for (GtkWidget *group = gtk_widget_get_first_child (form); group;
       group = gtk_widget_get_next_sibling (group))
    {
      GtkWidget *message = g_object_get_data (G_OBJECT (group), "message");
      const char *text = NULL;

      for (guint i = 0; errors && i < errors->len; i++)
        if (g_strcmp0 (g_array_index (errors, TongbanFieldError, i).field_id,
                       gtk_widget_get_name (group)) == 0)
          text = g_array_index (errors, TongbanFieldError, i).message;
      tongban_tr_label (GTK_LABEL (message), text);
      gtk_widget_set_visible (message, text != NULL);
      if (text)
        gtk_widget_add_css_class (group, "has-error");
      else
        gtk_widget_remove_css_class (group, "has-error");
    }
}

/* ---- review ------------------------------------------------------------- */

static void
on_change_clicked (GtkButton *button)
{
  gtk_widget_activate_action (GTK_WIDGET (button), "flow.change", "s",
                              g_object_get_data (G_OBJECT (button), "step"));
}

GtkWidget *
tongban_step_review_new (TongbanFlow *flow)
{
  const TongbanStep *step = tongban_flow_get_step (flow);
  g_autoptr(GPtrArray) rows = tongban_flow_review_rows (flow);
  GtkWidget *outer = box (GTK_ORIENTATION_VERTICAL, 16, NULL);
  GtkWidget *grid = gtk_grid_new ();

  keep_flow (outer, flow);
  gtk_widget_add_css_class (grid, "facts");
  gtk_grid_set_row_spacing (GTK_GRID (grid), 16);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 24);
  for (guint i = 0; i < rows->len; i++)
    {
      const TongbanReviewRow *row = g_ptr_array_index (rows, i);
      GtkWidget *name = tr_label (row->label, "fact-name");
      GtkWidget *value = row->value_is_msgid ? tr_label (row->value, "fact-value")
                                             : data_label (row->value, "fact-value");
      GtkWidget *change = gtk_button_new ();

      gtk_widget_set_hexpand (value, TRUE);
      gtk_button_set_child (GTK_BUTTON (change), tr_label (N_("Change"), NULL));
      gtk_widget_add_css_class (change, "change-button");
      gtk_widget_set_valign (change, GTK_ALIGN_CENTER);
      g_object_set_data (G_OBJECT (change), "step", (gpointer) row->step_id);
      g_signal_connect (change, "clicked", G_CALLBACK (on_change_clicked), NULL);
      gtk_grid_attach (GTK_GRID (grid), name, 0, (int) i, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value, 1, (int) i, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), change, 2, (int) i, 1, 1);
    }
  gtk_box_append (GTK_BOX (outer), grid);
  if (step->fee)
    {
      GtkWidget *fee = box (GTK_ORIENTATION_HORIZONTAL, 16, "fee");

      gtk_box_append (GTK_BOX (fee), tr_label (N_("Fee to pay"), "fact-name"));
      gtk_box_append (GTK_BOX (fee), data_label (step->fee, "fact-value"));
      gtk_box_append (GTK_BOX (outer), fee);
    }
  return outer;
}

/* ---- view and preview --------------------------------------------------- */

static char *
format_value (const TongbanShow *show,
              JsonNode          *node)
{
  const char *text;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      GString *out = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
            g_string_append_printf (out, "%s%s", out->len ? "\n" : "",
                                    json_node_get_string (item));
        }
      return g_string_free (out, FALSE);
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  text = json_node_get_string (node);
  if (g_strcmp0 (show->format, "amount") == 0)
    {
      double v = g_ascii_strtod (text, NULL);
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *fixed = g_strdup (g_ascii_formatd (buf, sizeof buf, "%.2f", v));
      /* Thousands grouped with commas, as on every bill in the three places. */
      GString *grouped = g_string_new (NULL);
      const char *dot = strchr (fixed, '.');
      gsize int_len = dot ? (gsize) (dot - fixed) : strlen (fixed);

      for (gsize i = 0; i < int_len; i++)
        {
          if (i > 0 && (int_len - i) % 3 == 0 && fixed[i - 1] != '-')
            g_string_append_c (grouped, ',');
          g_string_append_c (grouped, fixed[i]);
        }
      g_string_append (grouped, dot ? dot : "");
      return g_string_free (grouped, FALSE);
    }
  return g_strdup (text);
}

static void
wipe_surface (gpointer data)
{
  cairo_surface_t *surface = data;

  explicit_bzero (cairo_image_surface_get_data (surface),
                  (gsize) cairo_image_surface_get_stride (surface) *
                  cairo_image_surface_get_height (surface));
  cairo_surface_destroy (surface);
}

/* A page of a document as a texture whose pixels are wiped when it goes. */
GdkTexture *
tongban_document_texture_new (TongbanDocument *document,
                              guint            page,
                              double           px_per_mm)
{
  cairo_surface_t *surface = tongban_document_render_page (document, page, px_per_mm);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int width = cairo_image_surface_get_width (surface);
  g_autoptr(GBytes) bytes = NULL;

  cairo_surface_flush (surface);
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) stride * height, wipe_surface, surface);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, (gsize) stride);
}

/* The certificate as it will print, page by page, fitted to the width. */
static GtkWidget *
document_preview (JsonObject *answer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanDocument) document = NULL;
  GtkWidget *pages;

  document = tongban_document_new (answer, tongban_i18n_get_language (), &error);
  if (document == NULL)
    {
      g_message ("preview: %s", error->message);
      return NULL;
    }
  pages = box (GTK_ORIENTATION_VERTICAL, 16, "document-pages");
  gtk_widget_set_name (pages, "document-preview");
  /* For the tests: which language the pages were drawn in. */
  g_object_set_data_full (G_OBJECT (pages), "document-title",
                          g_strdup (tongban_document_get_title (document)), g_free);
  for (guint i = 1; i <= tongban_document_get_n_pages (document); i++)
    {
      /* 4 px/mm: 840 px wide, 10 pt text about 14 px high; the page scrolls. */
      g_autoptr(GdkTexture) texture = tongban_document_texture_new (document, i, 4.0);
      GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));

      gtk_picture_set_can_shrink (GTK_PICTURE (picture), FALSE);
      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
      gtk_widget_set_halign (picture, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (picture, "document-page");
      gtk_widget_add_css_class (picture, TONGBAN_TR_FIXED_CLASS);
      gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      tongban_document_get_title (document), -1);
      gtk_box_append (GTK_BOX (pages), picture);
    }
  tongban_document_wipe (document);
  return pages;
}

GtkWidget *
tongban_step_record_new (TongbanFlow *flow)
{
  const TongbanStep *step = tongban_flow_get_step (flow);
  g_autoptr(JsonObject) data = tongban_flow_get_data (flow, NULL);
  GtkWidget *grid;
  guint row = 0;

  if (step->type == TONGBAN_STEP_PREVIEW && data != NULL &&
      json_object_has_member (data, "document") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (data, "document")))
    {
      GtkWidget *preview =
        document_preview (json_object_get_object_member (data, "document"));

      if (preview != NULL)
        {
          keep_flow (preview, flow);
          return preview;
        }
    }
  grid = gtk_grid_new ();
  keep_flow (grid, flow);
  gtk_widget_add_css_class (grid, "facts");
  if (step->type == TONGBAN_STEP_PREVIEW)
    gtk_widget_add_css_class (grid, "document-preview");
  gtk_grid_set_row_spacing (GTK_GRID (grid), 16);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 32);
  for (guint i = 0; data && i < step->show->len; i++)
    {
      const TongbanShow *show = g_ptr_array_index (step->show, i);
      g_autofree char *value = format_value (show, json_object_get_member (data, show->key));
      const char *msgid = value && show->values ? g_hash_table_lookup (show->values, value) : NULL;
      GtkWidget *shown;

      if (value == NULL)
        continue;
      shown = msgid ? tr_label (msgid, "fact-value") : data_label (value, "fact-value");
      gtk_widget_set_hexpand (shown, TRUE);
      gtk_grid_attach (GTK_GRID (grid), tr_label (show->label, "fact-name"), 0, (int) row, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), shown, 1, (int) row, 1, 1);
      row++;
    }
  return grid;
}

/* ---- result ------------------------------------------------------------- */

GdkTexture *
tongban_qr_texture_new (const char *text,
                        int         module_px)
{
  int width = 0, quiet = 4, size, stride;
  g_autofree guint8 *modules = tongban_qr_modules (text, &width);
  g_autoptr(GBytes) bytes = NULL;
  guint8 *pixels;

  if (modules == NULL)
    return NULL;
  size = (width + 2 * quiet) * module_px;
  stride = size * 3;
  pixels = g_malloc (size * stride);
  memset (pixels, 0xff, (gsize) size * stride);
  for (int y = 0; y < width; y++)
    for (int x = 0; x < width; x++)
      if (modules[y * width + x])
        for (int dy = 0; dy < module_px; dy++)
          memset (pixels + (gsize) ((y + quiet) * module_px + dy) * stride +
                  (gsize) (x + quiet) * module_px * 3, 0, (gsize) module_px * 3);
  bytes = g_bytes_new_take (pixels, (gsize) size * stride);
  return gdk_memory_texture_new (size, size, GDK_MEMORY_R8G8B8, bytes, (gsize) stride);
}

GtkWidget *
tongban_step_result_new (TongbanFlow *flow)
{
  const TongbanService *service = tongban_flow_get_service (flow);
  const char *reference = tongban_flow_get_reference (flow);
  GtkWidget *outer = box (GTK_ORIENTATION_VERTICAL, 16, "result");
  GtkWidget *panel = box (GTK_ORIENTATION_VERTICAL, 8, "result-panel");

  keep_flow (outer, flow);
  gtk_box_append (GTK_BOX (panel), tr_label (service->title, "result-title"));
  if (reference != NULL)
    {
      g_autofree char *record = g_strdup_printf ("Tongban %s %s", service->id, reference);
      g_autoptr(GdkTexture) texture = tongban_qr_texture_new (record, 6);
      GtkWidget *row = box (GTK_ORIENTATION_HORIZONTAL, 32, NULL);
      GtkWidget *text = box (GTK_ORIENTATION_VERTICAL, 8, NULL);

      gtk_box_append (GTK_BOX (text), tr_label (N_("Your reference number"), "result-label"));
      gtk_box_append (GTK_BOX (text), data_label (reference, "reference"));
      gtk_box_append (GTK_BOX (text), tr_label (N_("Scan the code with your phone to keep a "
                                                   "record."), "body"));
      gtk_widget_set_hexpand (text, TRUE);
      gtk_box_append (GTK_BOX (row), text);
      if (texture)
        {
          GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));

          gtk_widget_set_name (picture, "reference-qr");
          gtk_picture_set_can_shrink (GTK_PICTURE (picture), FALSE);
          tongban_tr_accessible_label (picture, N_("QR code of the reference number"));
          gtk_box_append (GTK_BOX (row), picture);
        }
      gtk_box_append (GTK_BOX (panel), row);
    }
  gtk_box_append (GTK_BOX (outer), panel);
  gtk_box_append (GTK_BOX (outer), tr_label (N_("What happens next"), "subheading"));
  gtk_box_append (GTK_BOX (outer),
                  tr_label (service->next_steps ? service->next_steps
                                                : N_("Nothing more is needed from you."), "body"));
  gtk_box_append (GTK_BOX (outer), tr_label (N_("Questions? Ask the staff at the service "
                                                "desk, or call the department."), "body"));
  return outer;
}

/* ---- rating ------------------------------------------------------------- */

static void
on_star_toggled (GtkToggleButton *star)
{
  TongbanFlow *flow;
  g_autofree char *value = NULL;

  if (!gtk_toggle_button_get_active (star))
    return;
  flow = flow_of (GTK_WIDGET (star));
  value = g_strdup (gtk_widget_get_name (GTK_WIDGET (star)));
  tongban_flow_set_answer (flow, tongban_flow_get_step (flow)->id, "stars", value);
}

static void
on_remark_toggled (GtkToggleButton *chip)
{
  TongbanFlow *flow = flow_of (GTK_WIDGET (chip));
  GtkWidget *row = gtk_widget_get_parent (GTK_WIDGET (chip));
  GString *chosen = g_string_new (NULL);

  for (GtkWidget *c = gtk_widget_get_first_child (row); c; c = gtk_widget_get_next_sibling (c))
    if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (c)))
      g_string_append_printf (chosen, "%s%s", chosen->len ? "," : "", gtk_widget_get_name (c));
  tongban_flow_set_answer (flow, tongban_flow_get_step (flow)->id, "remarks", chosen->str);
  g_string_free (chosen, TRUE);
}

GtkWidget *
tongban_step_rating_new (TongbanFlow *flow)
{
  static const char *glyphs[] = { "★", "★★", "★★★", "★★★★", "★★★★★" };
  static const char *stars[] = {
    N_("Very poor"), N_("Poor"), N_("All right"), N_("Good"), N_("Very good"),
  };
  static const struct { const char *id; const char *label; } remarks[] = {
    { "easy", N_("Easy to use") },
    { "slow", N_("Too slow") },
    { "unclear", N_("Hard to understand") },
    { "device", N_("A device did not work") },
  };
  const TongbanStep *step = tongban_flow_get_step (flow);
  const char *given = tongban_flow_get_answer (flow, step->id, "stars");
  GtkWidget *outer = box (GTK_ORIENTATION_VERTICAL, 24, "rating");
  GtkWidget *row = box (GTK_ORIENTATION_HORIZONTAL, 12, "stars");
  GtkWidget *chips = box (GTK_ORIENTATION_HORIZONTAL, 12, "remarks");
  GtkToggleButton *first = NULL;

  keep_flow (outer, flow);
  for (guint i = 0; i < G_N_ELEMENTS (stars); i++)
    {
      GtkWidget *star = gtk_toggle_button_new ();
      GtkWidget *content = box (GTK_ORIENTATION_VERTICAL, 4, NULL);
      g_autofree char *name = g_strdup_printf ("%u", i + 1);

      gtk_box_append (GTK_BOX (content), data_label (glyphs[i], "star-count"));
      gtk_box_append (GTK_BOX (content), tr_label (stars[i], "star-label"));
      gtk_button_set_child (GTK_BUTTON (star), content);
      gtk_widget_set_name (star, name);
      gtk_widget_add_css_class (star, "star");
      if (first)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (star), first);
      else
        first = GTK_TOGGLE_BUTTON (star);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (star), g_strcmp0 (given, name) == 0);
      g_signal_connect (star, "toggled", G_CALLBACK (on_star_toggled), NULL);
      gtk_box_append (GTK_BOX (row), star);
    }
  gtk_box_append (GTK_BOX (outer), row);
  gtk_box_append (GTK_BOX (outer), tr_label (N_("Anything to tell us? Choose all that apply."),
                                             "body"));
  for (guint i = 0; i < G_N_ELEMENTS (remarks); i++)
    {
      GtkWidget *chip = gtk_toggle_button_new ();

      gtk_button_set_child (GTK_BUTTON (chip), tr_label (remarks[i].label, NULL));
      gtk_widget_set_name (chip, remarks[i].id);
      gtk_widget_add_css_class (chip, "remark");
      g_signal_connect (chip, "toggled", G_CALLBACK (on_remark_toggled), NULL);
      gtk_box_append (GTK_BOX (chips), chip);
    }
  gtk_box_append (GTK_BOX (outer), chips);
  return outer;
}

/* ---- auth --------------------------------------------------------------- */

static const struct {
  const char *method;
  const char *label;
  const char *prompt;
} auth_methods[] = {
  { "id-card", N_("Resident identity card"),
    N_("Place your identity card on the reader below the screen.") },
  { "permit", N_("Exit-entry permit (Home Return Permit or travel permit)"),
    N_("Place your permit on the reader below the screen.") },
  { "face", N_("Face check"),
    N_("Look at the camera above the screen and keep still.") },
  { "fingerprint", N_("Fingerprint"),
    N_("Place your finger on the fingerprint reader.") },
  { "qr", N_("Scan a QR code with your phone"),
    N_("Scan the code with your phone and confirm there.") },
};

static void
on_method_clicked (GtkButton *button)
{
  TongbanFlow *flow = flow_of (GTK_WIDGET (button));
  const char *method = g_object_get_data (G_OBJECT (button), "method");

  tongban_flow_set_answer (flow, tongban_flow_get_step (flow)->id, "method", method);
  gtk_widget_activate_action (GTK_WIDGET (button), "flow.load", NULL);
}

/* The prompt for the device the chosen method uses (while it is read). */
const char *
tongban_step_auth_prompt (const char *method)
{
  for (guint i = 0; i < G_N_ELEMENTS (auth_methods); i++)
    if (g_strcmp0 (auth_methods[i].method, method) == 0)
      return auth_methods[i].prompt;
  return NULL;
}

/* "We know who you are:" and the citizen's masked name and ID, appended to
 * @box, when @identity is a verified identity check's answer. */
static gboolean
identity_line (JsonObject *identity,
               GtkWidget  *box)
{
  JsonObject *citizen;
  g_autofree char *name = NULL;
  g_autofree char *who = NULL;

  /* (A QR login's one-time code is kept there too, and is no identity.) */
  if (identity == NULL || !(json_object_has_member (identity, "citizen") ||
                            json_object_has_member (identity, "masked_id")))
    return FALSE;
  /* The gateway names the citizen in "citizen"; shown masked all the same. */
  citizen = json_object_has_member (identity, "citizen")
              ? json_object_get_object_member (identity, "citizen") : identity;
  if (citizen == NULL)
    return FALSE;
  name = tongban_mask_name (json_object_get_string_member_with_default (citizen, "name", ""));
  who = g_strdup_printf ("%s  %s", name ? name : "",
                         json_object_get_string_member_with_default (citizen, "masked_id", ""));
  gtk_box_append (GTK_BOX (box), tr_label (N_("We know who you are:"), "body"));
  gtk_box_append (GTK_BOX (box), data_label (who, "identity"));
  return TRUE;
}

/* Who proved their identity in this visit (masked), for the steps after the
 * check; NULL before. */
GtkWidget *
tongban_step_identity_new (TongbanFlow *flow)
{
  const TongbanService *service = tongban_flow_get_service (flow);
  const TongbanStep *current = tongban_flow_get_step (flow);
  GtkWidget *outer = box (GTK_ORIENTATION_HORIZONTAL, 12, "identity-line");

  for (guint i = 0; current->type != TONGBAN_STEP_AUTH && i < service->steps->len; i++)
    {
      const TongbanStep *step = g_ptr_array_index (service->steps, i);
      g_autoptr(JsonObject) identity = NULL;

      if (step->type != TONGBAN_STEP_AUTH)
        continue;
      identity = tongban_flow_get_data (flow, step->id);
      if (identity_line (identity, outer))
        return outer;
    }
  g_object_ref_sink (outer);
  g_object_unref (outer);
  return NULL;
}

GtkWidget *
tongban_step_auth_new (TongbanFlow *flow)
{
  const TongbanService *service = tongban_flow_get_service (flow);
  g_autoptr(JsonObject) identity = tongban_flow_get_data (flow, NULL);
  GtkWidget *outer = box (GTK_ORIENTATION_VERTICAL, 12, "choices");

  keep_flow (outer, flow);
  if (identity_line (identity, outer))
    return outer;
  for (guint i = 0; service->auth[i]; i++)
    for (guint j = 0; j < G_N_ELEMENTS (auth_methods); j++)
      if (strcmp (service->auth[i], auth_methods[j].method) == 0)
        {
          GtkWidget *button = gtk_button_new ();
          GtkWidget *content = box (GTK_ORIENTATION_VERTICAL, 4, NULL);

          gtk_widget_add_css_class (button, "choice");
          gtk_widget_set_name (button, auth_methods[j].method);
          gtk_widget_set_valign (content, GTK_ALIGN_CENTER);
          gtk_box_append (GTK_BOX (content), tr_label (auth_methods[j].label, "choice-label"));
          gtk_button_set_child (GTK_BUTTON (button), content);
          g_object_set_data (G_OBJECT (button), "method", (gpointer) auth_methods[j].method);
          g_signal_connect (button, "clicked", G_CALLBACK (on_method_clicked), NULL);
          gtk_box_append (GTK_BOX (outer), button);
        }
  return outer;
}

/* A method whose device is missing or not working: greyed, with the reason
 * (an English msgid) under its name. */
void
tongban_step_auth_set_unavailable (GtkWidget  *body,
                                   const char *method,
                                   const char *reason)
{
  for (GtkWidget *button = gtk_widget_get_first_child (body); button;
       button = gtk_widget_get_next_sibling (button))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (button), "method"), method) == 0)
      {
        GtkWidget *content = gtk_button_get_child (GTK_BUTTON (button));

        gtk_box_append (GTK_BOX (content), tr_label (reason, "unavailable-reason"));
        gtk_widget_set_sensitive (button, FALSE);
        gtk_widget_add_css_class (button, "unavailable");
      }
}

/* ---- notices: upload, video, guides ------------------------------------ */

GtkWidget *
tongban_step_notice_new (TongbanFlow *flow)
{
  const TongbanStep *step = tongban_flow_get_step (flow);
  GtkWidget *outer = box (GTK_ORIENTATION_VERTICAL, 16, "notice");

  keep_flow (outer, flow);
  switch (step->type)
    {
    case TONGBAN_STEP_UPLOAD:
      gtk_box_append (GTK_BOX (outer),
                      tr_label (N_("The document scanner of this kiosk is not ready. You can "
                                   "continue now and hand in the documents at the service desk "
                                   "within seven days, quoting your reference number."),
                                "body"));
      break;
    case TONGBAN_STEP_VIDEO:
      gtk_box_append (GTK_BOX (outer),
                      tr_label (N_("Video calls are not available on this kiosk yet. The staff "
                                   "at the service desk can help you in person."), "body"));
      break;
    case TONGBAN_STEP_GUIDE:
      if (g_strcmp0 (step->mode, "app") == 0)
        {
          g_autoptr(GdkTexture) texture =
            tongban_qr_texture_new ("https://www.immd.gov.hk/eng/e-services/"
                                    "contactless-e-channel.html", 6);
          GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));

          gtk_picture_set_can_shrink (GTK_PICTURE (picture), FALSE);
          gtk_widget_set_halign (picture, GTK_ALIGN_START);
          tongban_tr_accessible_label (picture, N_("QR code to install the mobile app"));
          gtk_box_append (GTK_BOX (outer), picture);
        }
      break;
    default:
      break;
    }
  return outer;
}

/* ---- guides: browse, search, assistance --------------------------------- */

static GtkWidget *
service_button (const TongbanService *service)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *content = box (GTK_ORIENTATION_VERTICAL, 4, NULL);

  gtk_box_append (GTK_BOX (content), tr_label (service->title, "row-title"));
  gtk_box_append (GTK_BOX (content), tr_label (service->summary, "row-summary"));
  gtk_button_set_child (GTK_BUTTON (button), content);
  gtk_widget_add_css_class (button, "service-row");
  gtk_widget_set_name (button, service->id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.open-service");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", service->id);
  return button;
}

static void
fill_browser (GtkWidget      *list,
              TongbanCatalog *catalog,
              gboolean        by_topic)
{
  GPtrArray *groups = by_topic ? tongban_catalog_get_topics (catalog)
                               : tongban_catalog_get_departments (catalog);
  GPtrArray *services = tongban_catalog_get_services (catalog);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (list)))
    gtk_box_remove (GTK_BOX (list), child);

  for (guint i = 0; i < groups->len; i++)
    {
      /* Topics and departments both start with an id and a title. */
      const TongbanTopic *group = g_ptr_array_index (groups, i);
      GtkWidget *section = box (GTK_ORIENTATION_VERTICAL, 8, "guide-group");
      guint n = 0;

      gtk_box_append (GTK_BOX (section), tr_label (by_topic ? group->title :
        ((const TongbanDepartment *) g_ptr_array_index (groups, i))->title, "subheading"));
      for (guint j = 0; j < services->len; j++)
        {
          const TongbanService *s = g_ptr_array_index (services, j);
          const char *key = by_topic ? (s->guide ? s->guide->topic : NULL) : s->department;

          if (g_strcmp0 (key, group->id) == 0)
            {
              gtk_box_append (GTK_BOX (section), service_button (s));
              n++;
            }
        }
      if (n > 0)
        gtk_box_append (GTK_BOX (list), section);
    }
}

static void
on_browse_toggled (GtkToggleButton *toggle)
{
  GtkWidget *outer;

  if (!gtk_toggle_button_get_active (toggle))
    return;
  outer = gtk_widget_get_parent (gtk_widget_get_parent (GTK_WIDGET (toggle)));
  fill_browser (g_object_get_data (G_OBJECT (outer), "list"),
                g_object_get_data (G_OBJECT (outer), "catalog"),
                g_str_equal (gtk_widget_get_name (GTK_WIDGET (toggle)), "by-topic"));
}

static GtkWidget *
guide_browser (TongbanCatalog *catalog)
{
  GtkWidget *outer = box (GTK_ORIENTATION_VERTICAL, 16, "guide-browser");
  GtkWidget *switcher = box (GTK_ORIENTATION_HORIZONTAL, 12, "field-choices");
  GtkWidget *by_dept = gtk_toggle_button_new ();
  GtkWidget *by_topic = gtk_toggle_button_new ();
  GtkWidget *list = box (GTK_ORIENTATION_VERTICAL, 24, NULL);

  gtk_button_set_child (GTK_BUTTON (by_dept), tr_label (N_("By department"), NULL));
  gtk_button_set_child (GTK_BUTTON (by_topic), tr_label (N_("By topic"), NULL));
  gtk_widget_set_name (by_dept, "by-department");
  gtk_widget_set_name (by_topic, "by-topic");
  gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (by_topic), GTK_TOGGLE_BUTTON (by_dept));
  gtk_box_append (GTK_BOX (switcher), by_dept);
  gtk_box_append (GTK_BOX (switcher), by_topic);
  gtk_box_append (GTK_BOX (outer), switcher);
  gtk_box_append (GTK_BOX (outer), list);
  g_object_set_data (G_OBJECT (outer), "list", list);
  g_object_set_data (G_OBJECT (outer), "catalog", catalog);
  g_signal_connect (by_dept, "toggled", G_CALLBACK (on_browse_toggled), NULL);
  g_signal_connect (by_topic, "toggled", G_CALLBACK (on_browse_toggled), NULL);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (by_topic), TRUE);
  return outer;
}

static void
on_reveal_clicked (GtkButton *button)
{
  GtkWidget *detail = g_object_get_data (G_OBJECT (button), "detail");

  gtk_widget_set_visible (detail, !gtk_widget_get_visible (detail));
}

/* A question or situation that opens its answer in place. */
static GtkWidget *
reveal_row (const char *name,
            const char *question,
            const char *answer)
{
  GtkWidget *row = box (GTK_ORIENTATION_VERTICAL, 8, "reveal");
  GtkWidget *button = gtk_button_new ();
  GtkWidget *detail = tr_label (answer, "reveal-answer");

  gtk_widget_set_name (button, name);
  gtk_widget_add_css_class (button, "choice");
  gtk_button_set_child (GTK_BUTTON (button), tr_label (question, "choice-label"));
  gtk_widget_set_visible (detail, FALSE);
  g_object_set_data (G_OBJECT (button), "detail", detail);
  g_signal_connect (button, "clicked", G_CALLBACK (on_reveal_clicked), NULL);
  gtk_box_append (GTK_BOX (row), button);
  gtk_box_append (GTK_BOX (row), detail);
  return row;
}

static void
show_results (GtkWidget       *results,
              TongbanCatalog  *catalog,
              TongbanGuidance *guidance,
              const char      *query)
{
  static const char *often[] = { "F-GD-07", "F-GD-10", "F-GD-04", "F-HK-01", "F-MO-01" };
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (results)))
    gtk_box_remove (GTK_BOX (results), child);

  if (query == NULL || *query == '\0')
    {
      gtk_box_append (GTK_BOX (results), tr_label (N_("Often used"), "subheading"));
      for (guint i = 0; i < G_N_ELEMENTS (often); i++)
        {
          const TongbanService *s = tongban_catalog_lookup_service (catalog, often[i]);

          if (s)
            gtk_box_append (GTK_BOX (results), service_button (s));
        }
      return;
    }

  {
    g_autoptr(GArray) hits = tongban_guidance_query (guidance, query, 8);

    if (hits->len == 0)
      gtk_box_append (GTK_BOX (results),
                      tr_label (N_("Nothing was found. Try other words, or ask the staff at the "
                                   "service desk."), "body"));
    for (guint i = 0; i < hits->len; i++)
      {
        const TongbanGuidanceHit *hit = &g_array_index (hits, TongbanGuidanceHit, i);

        if (hit->service)
          gtk_box_append (GTK_BOX (results), service_button (hit->service));
        else
          gtk_box_append (GTK_BOX (results), reveal_row (hit->faq->id, hit->faq->question,
                                                         hit->faq->answer));
      }
  }
}

static void
on_search_changed (GtkEditable *entry)
{
  GtkWidget *outer = gtk_widget_get_parent (GTK_WIDGET (entry));

  show_results (g_object_get_data (G_OBJECT (outer), "results"),
                g_object_get_data (G_OBJECT (outer), "catalog"),
                g_object_get_data (G_OBJECT (outer), "guidance"),
                gtk_editable_get_text (entry));
}

static GtkWidget *
guide_search (TongbanCatalog  *catalog,
              TongbanGuidance *guidance)
{
  GtkWidget *outer = box (GTK_ORIENTATION_VERTICAL, 16, "guide-search");
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *results = box (GTK_ORIENTATION_VERTICAL, 12, NULL);

  gtk_widget_set_name (entry, "search_entry");
  gtk_widget_add_css_class (entry, "field-entry");
  gtk_entry_set_max_length (GTK_ENTRY (entry), 100);
  tongban_tr_accessible_label (entry, N_("Search"));
  g_object_set_data (G_OBJECT (outer), "results", results);
  g_object_set_data (G_OBJECT (outer), "catalog", catalog);
  g_object_set_data (G_OBJECT (outer), "guidance", guidance);
  g_signal_connect (entry, "changed", G_CALLBACK (on_search_changed), NULL);
  gtk_box_append (GTK_BOX (outer), tr_label (N_("Type what you need, like \"social insurance "
                                                "certificate\" or \"sbzm\"."), "field-hint"));
  gtk_box_append (GTK_BOX (outer), entry);
  gtk_box_append (GTK_BOX (outer), results);
  show_results (results, catalog, guidance, NULL);
  return outer;
}

GtkWidget *
tongban_step_guide_new (TongbanFlow     *flow,
                        TongbanCatalog  *catalog,
                        TongbanGuidance *guidance)
{
  const TongbanStep *step = tongban_flow_get_step (flow);
  GtkWidget *outer;

  if (g_strcmp0 (step->mode, "browse") == 0)
    outer = guide_browser (catalog);
  else if (g_strcmp0 (step->mode, "search") == 0)
    outer = guide_search (catalog, guidance);
  else if (g_strcmp0 (step->mode, "assistance") == 0)
    {
      outer = box (GTK_ORIENTATION_VERTICAL, 12, "choices");
      for (guint i = 0; step->options && i < step->options->len; i++)
        {
          const TongbanOption *o = g_ptr_array_index (step->options, i);

          gtk_box_append (GTK_BOX (outer), reveal_row (o->value, o->label,
                                                       o->detail ? o->detail : o->label));
        }
      gtk_box_append (GTK_BOX (outer),
                      tr_label (N_("Call the Immigration Department's 24-hour hotline: "
                                   "(852) 1868"), "subheading"));
    }
  else
    return tongban_step_notice_new (flow);

  keep_flow (outer, flow);
  return outer;
}
