/* tongban-home-page.c: the home page
 *
 * Built from the catalogue: one section per region, one tile per category.
 * A tile carries the action that opens its category, so the window, not the
 * page, owns navigation.
 */

#include "tongban-home-page.h"

#include <glib/gi18n-lib.h>
#include "tongban-tr.h"

struct _TongbanHomePage
{
  GtkWidget          parent_instance;

  GtkScrolledWindow *scroller;
  GtkGrid           *sections;
  GHashTable        *tiles;  /* category id -> GtkButton (borrowed) */
  guint              columns;
  gboolean           care_mode;
  TongbanCatalog    *catalog;   /* borrowed, to lay out again */
};

G_DEFINE_FINAL_TYPE (TongbanHomePage, tongban_home_page, GTK_TYPE_WIDGET)

static GtkWidget *
make_tile (TongbanCatalog        *catalog,
           const TongbanCategory *category)
{
  g_autoptr(GPtrArray) services = tongban_catalog_dup_services (catalog, category->id);
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *icon = gtk_image_new_from_icon_name (category->icon);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *count = gtk_label_new (NULL);

  gtk_widget_add_css_class (button, "tile");
  gtk_widget_set_name (button, category->id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.open-category");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", category->id);

  gtk_image_set_pixel_size (GTK_IMAGE (icon), 48);
  gtk_widget_add_css_class (icon, "tile-icon");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);

  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_justify (GTK_LABEL (title), GTK_JUSTIFY_CENTER);
  gtk_label_set_lines (GTK_LABEL (title), 2);
  gtk_label_set_max_width_chars (GTK_LABEL (title), 10);
  gtk_label_set_width_chars (GTK_LABEL (title), 8);
  gtk_widget_add_css_class (title, "tile-title");
  tongban_tr_label (GTK_LABEL (title), category->title);

  gtk_widget_add_css_class (count, "tile-count");
  /* Translators: under a category tile on the home page. */
  tongban_tr_label_plural (GTK_LABEL (count), "%lu service", "%lu services",
                           services->len);

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), count);
  gtk_button_set_child (GTK_BUTTON (button), box);
  return button;
}

/* Regions are laid out on one grid of equal columns, so every tile has the
 * same width; regions whose tiles fit side by side share a line (Hong Kong's
 * three and Macao's two beside each other on a wide screen). */
void
tongban_home_page_set_catalog (TongbanHomePage *self,
                               TongbanCatalog  *catalog)
{
  GPtrArray *regions;
  GtkWidget *child;
  guint column = 0;
  guint line_row = 0;
  guint line_height = 0;

  g_return_if_fail (TONGBAN_IS_HOME_PAGE (self));

  self->catalog = catalog;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sections))))
    gtk_grid_remove (self->sections, child);
  g_hash_table_remove_all (self->tiles);

  regions = tongban_catalog_get_regions (catalog);
  for (guint i = 0; i < regions->len; i++)
    {
      const TongbanRegion *region = g_ptr_array_index (regions, i);
      g_autoptr(GPtrArray) categories = tongban_catalog_dup_categories (catalog, region->id);
      guint columns = self->care_mode ? MAX (self->columns / 2, 2) : self->columns;
      guint span = MIN (MAX (categories->len, 1), columns);
      guint height = 1 + (categories->len + span - 1) / span;
      GtkWidget *title;

      if (column + span > columns)
        {
          line_row += line_height;
          column = 0;
          line_height = 0;
        }

      title = g_object_new (GTK_TYPE_LABEL,
                            "accessible-role", GTK_ACCESSIBLE_ROLE_HEADING,
                            "xalign", 0.0f,
                            NULL);
      gtk_widget_add_css_class (title, "region-title");
      gtk_widget_add_css_class (title, region->id);
      tongban_tr_label (GTK_LABEL (title), region->subtitle);
      gtk_grid_attach (self->sections, title, (int) column, (int) line_row, (int) span, 1);

      for (guint j = 0; j < categories->len; j++)
        {
          const TongbanCategory *category = g_ptr_array_index (categories, j);
          GtkWidget *tile = make_tile (catalog, category);

          gtk_widget_add_css_class (tile, region->id);
          gtk_grid_attach (self->sections, tile, (int) (column + j % span),
                           (int) (line_row + 1 + j / span), 1, 1);
          g_hash_table_insert (self->tiles, g_strdup (category->id), tile);
        }

      column += span;
      line_height = MAX (line_height, height);
    }
}

/* Tiles per row: 6 where a region's six categories fit side by side, else 3,
 * so a region's tiles never break 5 + 1. Set before the catalogue; the kiosk's screen
 * does not change size while it runs. */
void
tongban_home_page_set_columns (TongbanHomePage *self,
                               guint            columns)
{
  g_return_if_fail (TONGBAN_IS_HOME_PAGE (self));
  g_return_if_fail (columns > 0);
  self->columns = columns;
}

/* Care mode: fewer, larger tiles a row. */
void
tongban_home_page_set_care_mode (TongbanHomePage *self,
                                 gboolean         care_mode)
{
  g_return_if_fail (TONGBAN_IS_HOME_PAGE (self));
  self->care_mode = care_mode;
  if (self->catalog != NULL)
    tongban_home_page_set_catalog (self, self->catalog);
}

GtkWidget *
tongban_home_page_get_tile (TongbanHomePage *self,
                            const char      *category_id)
{
  g_return_val_if_fail (TONGBAN_IS_HOME_PAGE (self), NULL);
  return g_hash_table_lookup (self->tiles, category_id);
}

void
tongban_home_page_reset (TongbanHomePage *self)
{
  g_return_if_fail (TONGBAN_IS_HOME_PAGE (self));
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

static void
tongban_home_page_dispose (GObject *object)
{
  TongbanHomePage *self = TONGBAN_HOME_PAGE (object);

  g_clear_pointer (&self->tiles, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), TONGBAN_TYPE_HOME_PAGE);
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
      gtk_widget_unparent (child);
  }
  G_OBJECT_CLASS (tongban_home_page_parent_class)->dispose (object);
}

static void
tongban_home_page_class_init (TongbanHomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tongban_home_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/tongban-home-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TongbanHomePage, scroller);
  gtk_widget_class_bind_template_child (widget_class, TongbanHomePage, sections);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "homepage");
}

static void
tongban_home_page_init (TongbanHomePage *self)
{
  self->tiles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->columns = 3;
  gtk_widget_init_template (GTK_WIDGET (self));
  tongban_tr_capture (GTK_WIDGET (self));
}
