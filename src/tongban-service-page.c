/* tongban-service-page.c: a service's description
 *
 * Shows what the catalogue knows of the service in plain words: what it does,
 * which department provides it, who may use it, how the citizen proves who
 * they are, and which parts of the kiosk it uses.
 */

#include "tongban-service-page.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include "tongban-tr.h"

struct _TongbanServicePage
{
  GtkWidget          parent_instance;

  GtkScrolledWindow *scroller;
  GtkLabel          *category_label;
  GtkLabel          *heading;
  GtkLabel          *summary;
  GtkGrid           *facts;
  GtkWidget         *start_button;
  GtkLabel          *unavailable;
  guint              n_facts;
};

G_DEFINE_FINAL_TYPE (TongbanServicePage, tongban_service_page, GTK_TYPE_WIDGET)

typedef struct {
  const char *id;
  const char *label;
} Name;

static const Name auth_names[] = {
  { "id-card", N_("Resident identity card") },
  { "permit", N_("Exit-entry permit (Home Return Permit or travel permit)") },
  { "face", N_("Face check") },
  { "fingerprint", N_("Fingerprint") },
  { "qr", N_("Scan a QR code with your phone") },
};

static const Name device_names[] = {
  { "id-card-reader", N_("Identity card reader") },
  { "ic-card-reader", N_("Card reader") },
  { "receipt-printer", N_("Receipt printer") },
  { "laser-printer", N_("Document printer") },
  { "pin-pad", N_("Keypad") },
  { "barcode-scanner", N_("Code scanner") },
  { "camera", N_("Camera") },
  { "fingerprint-reader", N_("Fingerprint reader") },
  { "document-camera", N_("Document scanner") },
  { "removable-storage", N_("USB drive slot") },
};

static const char *
name_for (const Name *names,
          gsize       n_names,
          const char *id)
{
  for (gsize i = 0; i < n_names; i++)
    if (strcmp (names[i].id, id) == 0)
      return names[i].label;
  g_return_val_if_reached (id);
}

static GtkWidget *
fact_label (const char *msgid,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, css_class);
  tongban_tr_label (GTK_LABEL (label), msgid);
  return label;
}

/* A fact is a name and one or more values, each value its own label so that
 * each is translated by itself. */
static void
add_fact (TongbanServicePage *self,
          const char         *name,
          const char * const *values)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

  gtk_widget_set_hexpand (box, TRUE);
  for (guint i = 0; values[i]; i++)
    gtk_box_append (GTK_BOX (box), fact_label (values[i], "fact-value"));

  gtk_grid_attach (self->facts, fact_label (name, "fact-name"), 0, (int) self->n_facts, 1, 1);
  gtk_grid_attach (self->facts, box, 1, (int) self->n_facts, 1, 1);
  self->n_facts++;
}

void
tongban_service_page_reset (TongbanServicePage *self)
{
  GtkWidget *child;

  g_return_if_fail (TONGBAN_IS_SERVICE_PAGE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->facts))))
    gtk_grid_remove (self->facts, child);
  self->n_facts = 0;
  tongban_tr_label (self->category_label, NULL);
  tongban_tr_label (self->heading, NULL);
  tongban_tr_label (self->summary, NULL);
  gtk_label_set_label (self->category_label, "");
  gtk_label_set_label (self->heading, "");
  gtk_label_set_label (self->summary, "");
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

void
tongban_service_page_show (TongbanServicePage   *self,
                           TongbanCatalog       *catalog,
                           const TongbanService *service,
                           TongbanDevices       *devices)
{
  const char *reason = NULL;

  const TongbanCategory *category;
  const TongbanDepartment *department;
  g_autoptr(GPtrArray) values = g_ptr_array_new ();

  g_return_if_fail (TONGBAN_IS_SERVICE_PAGE (self));
  g_return_if_fail (service != NULL);

  tongban_service_page_reset (self);
  category = tongban_catalog_lookup_category (catalog, service->category);
  department = tongban_catalog_lookup_department (catalog, service->department);

  tongban_tr_label (self->category_label, category->title);
  tongban_tr_label (self->heading, service->title);
  tongban_tr_label (self->summary, service->summary);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->start_button), "s", service->id);
  if (devices != NULL && !tongban_devices_service_ready (devices, service, &reason))
    {
      /* Without its action the button stays greyed. */
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->start_button), NULL);
      gtk_widget_set_sensitive (self->start_button, FALSE);
      tongban_tr_label (self->unavailable, reason);
    }
  else
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->start_button), "win.start-service");
      gtk_widget_set_sensitive (self->start_button, TRUE);
      tongban_tr_label (self->unavailable, NULL);
      gtk_label_set_label (self->unavailable, "");
    }
  gtk_widget_set_visible (GTK_WIDGET (self->unavailable), reason != NULL);

  add_fact (self, N_("Provided by"), (const char *[]) { department->title, NULL });

  add_fact (self, N_("Who can use it"),
            (const char *[]) { strcmp (service->applicant, "company") == 0
                                 ? N_("A company, through its authorised person")
                                 : N_("You, for yourself"),
                               NULL });

  if (service->auth[0] == NULL)
    g_ptr_array_add (values, (gpointer) N_("No identification needed"));
  for (guint i = 0; service->auth[i]; i++)
    g_ptr_array_add (values, (gpointer) name_for (auth_names, G_N_ELEMENTS (auth_names),
                                                  service->auth[i]));
  g_ptr_array_add (values, NULL);
  add_fact (self, N_("How you prove who you are"), (const char * const *) values->pdata);

  g_ptr_array_set_size (values, 0);
  if (service->devices[0] == NULL)
    g_ptr_array_add (values, (gpointer) N_("The touch screen only"));
  for (guint i = 0; service->devices[i]; i++)
    g_ptr_array_add (values, (gpointer) name_for (device_names, G_N_ELEMENTS (device_names),
                                                  service->devices[i]));
  g_ptr_array_add (values, NULL);
  add_fact (self, N_("What the kiosk uses"), (const char * const *) values->pdata);

  if (service->guide != NULL)
    {
      const TongbanGuide *g = service->guide;

      add_fact (self, N_("Who can apply"), (const char *[]) { g->conditions, NULL });
      add_fact (self, N_("What to bring"), (const char *[]) { g->materials, NULL });
      add_fact (self, N_("How it works"), (const char *[]) { g->process, NULL });
      add_fact (self, N_("Fees"), (const char *[]) { g->fees, NULL });
      add_fact (self, N_("How long it takes"), (const char *[]) { g->time_limit, NULL });
      add_fact (self, N_("Legal basis"), (const char *[]) { g->legal_basis, NULL });
      add_fact (self, N_("Where to go"), (const char *[]) { g->office, NULL });
      add_fact (self, N_("Enquiries"), (const char *[]) { g->contact, NULL });
    }
}

static void
tongban_service_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TONGBAN_TYPE_SERVICE_PAGE);
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
      gtk_widget_unparent (child);
  }
  G_OBJECT_CLASS (tongban_service_page_parent_class)->dispose (object);
}

static void
tongban_service_page_class_init (TongbanServicePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tongban_service_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/tongban-service-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TongbanServicePage, scroller);
  gtk_widget_class_bind_template_child (widget_class, TongbanServicePage, category_label);
  gtk_widget_class_bind_template_child (widget_class, TongbanServicePage, heading);
  gtk_widget_class_bind_template_child (widget_class, TongbanServicePage, summary);
  gtk_widget_class_bind_template_child (widget_class, TongbanServicePage, facts);
  gtk_widget_class_bind_template_child (widget_class, TongbanServicePage, start_button);
  gtk_widget_class_bind_template_child (widget_class, TongbanServicePage, unavailable);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "servicepage");
}

static void
tongban_service_page_init (TongbanServicePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  tongban_tr_capture (GTK_WIDGET (self));
}
