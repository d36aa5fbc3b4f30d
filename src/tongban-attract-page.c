/* tongban-attract-page.c: the attract screen
 *
 * The invitation to touch is written in all three languages at once, since
 * the kiosk cannot know who walks up; everything else follows the display
 * language. The whole page is one button, so a touch anywhere starts.
 */

#include "tongban-attract-page.h"

#include <glib/gi18n-lib.h>
#include "tongban-i18n.h"
#include "tongban-tr.h"

struct _TongbanAttractPage
{
  GtkWidget  parent_instance;

  GtkWidget *start_button;
  GtkBox    *regions;
  GtkBox    *touch_lines;
  GtkLabel  *touch[TONGBAN_N_LANGUAGES];
};

G_DEFINE_FINAL_TYPE (TongbanAttractPage, tongban_attract_page, GTK_TYPE_WIDGET)

/* Translators: on the attract screen; it is shown in all three languages at once. */
static const char *touch_msgid = N_("Touch the screen to start");

void
tongban_attract_page_retranslate (TongbanAttractPage *self)
{
  g_return_if_fail (TONGBAN_IS_ATTRACT_PAGE (self));

  for (guint i = 0; i < TONGBAN_N_LANGUAGES; i++)
    gtk_label_set_label (self->touch[i], tongban_i18n_translate_in (i, touch_msgid));
}

void
tongban_attract_page_set_catalog (TongbanAttractPage *self,
                                  TongbanCatalog     *catalog)
{
  GPtrArray *regions;
  GtkWidget *child;

  g_return_if_fail (TONGBAN_IS_ATTRACT_PAGE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->regions))))
    gtk_box_remove (self->regions, child);

  regions = tongban_catalog_get_regions (catalog);
  for (guint i = 0; i < regions->len; i++)
    {
      const TongbanRegion *region = g_ptr_array_index (regions, i);
      GtkWidget *label = gtk_label_new (NULL);

      gtk_widget_add_css_class (label, "attract-region");
      gtk_widget_add_css_class (label, region->id);
      tongban_tr_label (GTK_LABEL (label), region->title);
      gtk_box_append (self->regions, label);
    }
}

static void
tongban_attract_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TONGBAN_TYPE_ATTRACT_PAGE);
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
      gtk_widget_unparent (child);
  }
  G_OBJECT_CLASS (tongban_attract_page_parent_class)->dispose (object);
}

static void
tongban_attract_page_class_init (TongbanAttractPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tongban_attract_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/tongban-attract-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TongbanAttractPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, TongbanAttractPage, regions);
  gtk_widget_class_bind_template_child (widget_class, TongbanAttractPage, touch_lines);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attractpage");
}

static void
tongban_attract_page_init (TongbanAttractPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  tongban_tr_capture (GTK_WIDGET (self));

  for (guint i = 0; i < TONGBAN_N_LANGUAGES; i++)
    {
      self->touch[i] = GTK_LABEL (gtk_label_new (NULL));
      gtk_widget_add_css_class (GTK_WIDGET (self->touch[i]), TONGBAN_TR_FIXED_CLASS);
      gtk_widget_add_css_class (GTK_WIDGET (self->touch[i]),
                                i == TONGBAN_LANGUAGE_EN ? "lang-en" :
                                i == TONGBAN_LANGUAGE_ZH_HK ? "lang-zh-hk" : "lang-zh-cn");
      gtk_box_append (self->touch_lines, GTK_WIDGET (self->touch[i]));
    }
  tongban_attract_page_retranslate (self);
}
