/* ui-test.h: shared helpers of the tests that drive the real kiosk window
 *
 * Load the catalogue and demonstration back end the kiosk ships, run the
 * main loop for a while or until a condition holds (bounded), show a window
 * and wait until it is mapped, find a widget by its CSS class.
 */
#pragma once

#include <gtk/gtk.h>

#include "tongban-backend.h"
#include "tongban-catalog.h"

G_BEGIN_DECLS

typedef gboolean (*UiTestCondition) (gpointer data);

void       ui_test_load_demo     (TongbanCatalog     **catalog,
                                  TongbanFileBackend **backend);
void       ui_test_iterate       (guint            ms);
gboolean   ui_test_wait_for      (UiTestCondition  cond,
                                  gpointer         data,
                                  guint            timeout_ms);
void       ui_test_show          (GtkWindow       *window);
GtkWidget *ui_test_find_by_class (GtkWidget       *root,
                                  const char      *css_class);

G_END_DECLS
