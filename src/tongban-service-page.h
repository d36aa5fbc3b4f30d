/* tongban-service-page.h: one service described from the catalogue */
#pragma once

#include <gtk/gtk.h>
#include "tongban-catalog.h"
#include "tongban-devices.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_SERVICE_PAGE (tongban_service_page_get_type ())
G_DECLARE_FINAL_TYPE (TongbanServicePage, tongban_service_page, TONGBAN, SERVICE_PAGE, GtkWidget)

void tongban_service_page_show  (TongbanServicePage   *self,
                                 TongbanCatalog       *catalog,
                                 const TongbanService *service,
                                 TongbanDevices       *devices);
void tongban_service_page_reset (TongbanServicePage   *self);

G_END_DECLS
