/* tongban-home-page.h: regions and their service categories */
#pragma once

#include <gtk/gtk.h>
#include "tongban-catalog.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_HOME_PAGE (tongban_home_page_get_type ())
G_DECLARE_FINAL_TYPE (TongbanHomePage, tongban_home_page, TONGBAN, HOME_PAGE, GtkWidget)

void       tongban_home_page_set_catalog  (TongbanHomePage *self,
                                           TongbanCatalog  *catalog);
void       tongban_home_page_set_columns  (TongbanHomePage *self,
                                           guint            columns);
void       tongban_home_page_set_care_mode (TongbanHomePage *self,
                                            gboolean         care_mode);
GtkWidget *tongban_home_page_get_tile     (TongbanHomePage *self,
                                           const char      *category_id);
void       tongban_home_page_reset        (TongbanHomePage *self);

G_END_DECLS
