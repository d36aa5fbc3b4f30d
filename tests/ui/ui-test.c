/* ui-test.c: shared helpers of the tests that drive the real kiosk window */

#include "ui-test.h"

/* The catalogue and the demonstration back end, from the kiosk's resources. */
void
ui_test_load_demo (TongbanCatalog     **catalog,
                   TongbanFileBackend **backend)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) demo = NULL;

  *catalog = tongban_catalog_new_from_resource (RESOURCE_PREFIX "/catalog", &error);
  g_assert_no_error (error);
  demo = g_resources_lookup_data (RESOURCE_PREFIX "/demo/backend.json", 0, &error);
  g_assert_no_error (error);
  *backend = tongban_file_backend_new_from_bytes (demo, &error);
  g_assert_no_error (error);
}

static gboolean
timeout_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the default main context for ms milliseconds. */
void
ui_test_iterate (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_flag, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Runs the default main context until cond holds; FALSE if it did not
 * within timeout_ms. */
gboolean
ui_test_wait_for (UiTestCondition cond,
                  gpointer        data,
                  guint           timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      ui_test_iterate (10);
    }
  return TRUE;
}

/* Presents the window and runs the main context until it is mapped. */
void
ui_test_show (GtkWindow *window)
{
  gtk_window_present (window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
}

/* The first widget under root (root included, depth first) with the class. */
GtkWidget *
ui_test_find_by_class (GtkWidget  *root,
                       const char *css_class)
{
  if (gtk_widget_has_css_class (root, css_class))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = ui_test_find_by_class (c, css_class);

      if (found)
        return found;
    }
  return NULL;
}
