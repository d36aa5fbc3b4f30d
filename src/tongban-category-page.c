/* tongban-category-page.c: one category's services, each a large row */

#include "tongban-category-page.h"

#include <glib/gi18n-lib.h>
#include "tongban-tr.h"

struct _TongbanCategoryPage
{
  GtkWidget          parent_instance;

  GtkScrolledWindow *scroller;
  GtkLabel          *region_label;
  GtkLabel          *heading;
  GtkLabel          *instruction;
  GtkBox            *list;
};

G_DEFINE_FINAL_TYPE (TongbanCategoryPage, tongban_category_page, GTK_TYPE_WIDGET)

static GtkWidget *
make_row (TongbanCatalog       *catalog,
          const TongbanService *service,
          TongbanDevices       *devices)
{
  const TongbanDepartment *department = tongban_catalog_lookup_department (catalog,
                                                                           service->department);
  GtkWidget *button = gtk_button_new ();
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *summary = gtk_label_new (NULL);
  GtkWidget *dept = gtk_label_new (NULL);
  GtkWidget *chevron = gtk_image_new_from_icon_name ("go-next-symbolic");

  gtk_widget_add_css_class (button, "service-row");
  gtk_widget_set_name (button, service->id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.open-service");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", service->id);

  gtk_widget_add_css_class (title, "row-title");
  gtk_widget_add_css_class (summary, "row-summary");
  gtk_widget_add_css_class (dept, "row-department");
  {
    GtkWidget *labels[] = { title, summary, dept };

    for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
      {
        gtk_label_set_xalign (GTK_LABEL (labels[i]), 0);
        gtk_label_set_wrap (GTK_LABEL (labels[i]), TRUE);
        gtk_label_set_wrap_mode (GTK_LABEL (labels[i]), PANGO_WRAP_WORD_CHAR);
        gtk_box_append (GTK_BOX (text), labels[i]);
      }
  }
  tongban_tr_label (GTK_LABEL (title), service->title);
  tongban_tr_label (GTK_LABEL (summary), service->summary);
  tongban_tr_label (GTK_LABEL (dept), department->title);
  {
    const char *reason = NULL;

    /* A service whose device is missing or faulty stays in the list, greyed,
     * with the reason; it comes back when the device does. */
    if (devices != NULL && !tongban_devices_service_ready (devices, service, &reason))
      {
        GtkWidget *why = gtk_label_new (NULL);

        gtk_label_set_xalign (GTK_LABEL (why), 0);
        gtk_label_set_wrap (GTK_LABEL (why), TRUE);
        gtk_widget_add_css_class (why, "unavailable-reason");
        tongban_tr_label (GTK_LABEL (why), reason);
        gtk_box_append (GTK_BOX (text), why);
        /* The action would make the button sensitive again. */
        gtk_actionable_set_action_name (GTK_ACTIONABLE (button), NULL);
        gtk_widget_set_sensitive (button, FALSE);
        gtk_widget_add_css_class (button, "unavailable");
      }
  }

  gtk_widget_set_hexpand (text, TRUE);
  gtk_image_set_pixel_size (GTK_IMAGE (chevron), 32);
  gtk_widget_set_valign (chevron, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (chevron),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_box_append (GTK_BOX (row), text);
  gtk_box_append (GTK_BOX (row), chevron);
  gtk_button_set_child (GTK_BUTTON (button), row);
  return button;
}

void
tongban_category_page_reset (TongbanCategoryPage *self)
{
  GtkWidget *child;

  g_return_if_fail (TONGBAN_IS_CATEGORY_PAGE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))))
    gtk_box_remove (self->list, child);
  tongban_tr_label (self->region_label, NULL);
  tongban_tr_label (self->heading, NULL);
  tongban_tr_label (self->instruction, NULL);
  gtk_label_set_label (self->region_label, "");
  gtk_label_set_label (self->heading, "");
  gtk_label_set_label (self->instruction, "");
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

void
tongban_category_page_show (TongbanCategoryPage   *self,
                            TongbanCatalog        *catalog,
                            const TongbanCategory *category,
                            TongbanDevices        *devices)
{
  g_autoptr(GPtrArray) services = NULL;
  const TongbanRegion *region;

  g_return_if_fail (TONGBAN_IS_CATEGORY_PAGE (self));
  g_return_if_fail (category != NULL);

  tongban_category_page_reset (self);
  region = tongban_catalog_lookup_region (catalog, category->region);
  tongban_tr_label (self->region_label, region->subtitle);
  tongban_tr_label (self->heading, category->title);
  tongban_tr_label (self->instruction, category->help);

  services = tongban_catalog_dup_services (catalog, category->id);
  for (guint i = 0; i < services->len; i++)
    gtk_box_append (self->list, make_row (catalog, g_ptr_array_index (services, i), devices));
}

GtkWidget *
tongban_category_page_get_row (TongbanCategoryPage *self,
                               const char          *service_id)
{
  g_return_val_if_fail (TONGBAN_IS_CATEGORY_PAGE (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (gtk_widget_get_name (child), service_id) == 0)
      return child;
  return NULL;
}

guint
tongban_category_page_get_n_rows (TongbanCategoryPage *self)
{
  guint n = 0;

  g_return_val_if_fail (TONGBAN_IS_CATEGORY_PAGE (self), 0);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

static void
tongban_category_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TONGBAN_TYPE_CATEGORY_PAGE);
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
      gtk_widget_unparent (child);
  }
  G_OBJECT_CLASS (tongban_category_page_parent_class)->dispose (object);
}

static void
tongban_category_page_class_init (TongbanCategoryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tongban_category_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/tongban-category-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TongbanCategoryPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, TongbanCategoryPage, region_label);
  gtk_widget_class_bind_template_child (widget_class, TongbanCategoryPage, heading);
  gtk_widget_class_bind_template_child (widget_class, TongbanCategoryPage, instruction);
  gtk_widget_class_bind_template_child (widget_class, TongbanCategoryPage, list);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "categorypage");
}

static void
tongban_category_page_init (TongbanCategoryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  tongban_tr_capture (GTK_WIDGET (self));
}
