/* tongban-flow-page.h: the page that runs a service, one step at a time */
#pragma once

#include <gtk/gtk.h>
#include "tongban-devices.h"
#include "tongban-flow.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_FLOW_PAGE (tongban_flow_page_get_type ())
G_DECLARE_FINAL_TYPE (TongbanFlowPage, tongban_flow_page, TONGBAN, FLOW_PAGE, GtkWidget)

void         tongban_flow_page_set_flow      (TongbanFlowPage *self,
                                              TongbanFlow     *flow);
TongbanFlow *tongban_flow_page_get_flow      (TongbanFlowPage *self);
gboolean     tongban_flow_page_back          (TongbanFlowPage *self);
void         tongban_flow_page_retranslate   (TongbanFlowPage *self);
gboolean     tongban_flow_page_get_busy      (TongbanFlowPage *self);
GtkWidget   *tongban_flow_page_get_body      (TongbanFlowPage *self);
void         tongban_flow_page_set_catalog   (TongbanFlowPage *self,
                                              TongbanCatalog  *catalog);
void         tongban_flow_page_set_devices   (TongbanFlowPage *self,
                                              TongbanDevices  *devices);

G_END_DECLS
