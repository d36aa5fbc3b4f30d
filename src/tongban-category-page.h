/* tongban-category-page.h: the services of one category */
#pragma once

#include <gtk/gtk.h>
#include "tongban-catalog.h"
#include "tongban-devices.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_CATEGORY_PAGE (tongban_category_page_get_type ())
G_DECLARE_FINAL_TYPE (TongbanCategoryPage, tongban_category_page, TONGBAN, CATEGORY_PAGE,
                      GtkWidget)

void       tongban_category_page_show        (TongbanCategoryPage   *self,
                                              TongbanCatalog        *catalog,
                                              const TongbanCategory *category,
                                              TongbanDevices        *devices);
void       tongban_category_page_reset       (TongbanCategoryPage   *self);
GtkWidget *tongban_category_page_get_row     (TongbanCategoryPage   *self,
                                              const char            *service_id);
guint      tongban_category_page_get_n_rows  (TongbanCategoryPage   *self);

G_END_DECLS
