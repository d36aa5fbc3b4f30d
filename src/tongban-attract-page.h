/* tongban-attract-page.h: the screen shown while nobody uses the kiosk */
#pragma once

#include <gtk/gtk.h>
#include "tongban-catalog.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_ATTRACT_PAGE (tongban_attract_page_get_type ())
G_DECLARE_FINAL_TYPE (TongbanAttractPage, tongban_attract_page, TONGBAN, ATTRACT_PAGE, GtkWidget)

void tongban_attract_page_set_catalog (TongbanAttractPage *self,
                                       TongbanCatalog     *catalog);
void tongban_attract_page_retranslate (TongbanAttractPage *self);

G_END_DECLS
