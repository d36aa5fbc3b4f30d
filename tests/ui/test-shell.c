/* test-shell.c: the real kiosk window under Xvfb
 *
 * Drives the window as a citizen would — through its buttons and actions —
 * and checks what is on screen: navigation, live language switching, the idle
 * warning and timeout, the maintenance cover and its PIN, and (with a pseudo
 * locale) that no visible text bypasses translation.
 */

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>
#include "flow-answer.h"
#include "tongban-category-page.h"
#include "tongban-devices.h"
#include "tongban-sim-panel.h"
#include "tongban-sim-printer.h"
#include "tongban-flow-page.h"
#include "tongban-home-page.h"
#include "tongban-i18n.h"
#include "tongban-keyboard.h"
#include "tongban-maintenance-overlay.h"
#include "tongban-pay-step.h"
#ifdef HAVE_PCSC
#include "../drivers/pcsc-helper.h"
#endif
#include "../drivers/ipp-peer.h"
#include "pdf-check.h"
#include "tongban-pin-pad.h"
#include "tongban-secret-hash.h"
#include "tongban-speech.h"
#include "tongban-tr.h"
#include "tongban-window.h"
#include "ui-test.h"

#define TEST_PIN "135790"

static TongbanCatalog *catalog;
static TongbanFileBackend *backend;
static char *pin_hash;

/* ---- helpers ------------------------------------------------------------ */

static GtkWidget *find_by_name (GtkWidget  *root,
                                const char *name);

static TongbanWindow *
make_window (guint max_attempts)
{
  g_autoptr(TongbanConfig) config = tongban_config_new ();
  TongbanWindow *window;

  g_free (config->maintainer_pin_hash);
  config->maintainer_pin_hash = g_strdup (pin_hash);
  config->pin_max_attempts = max_attempts;
  config->pin_lockout_s = 600;
  config->default_language = TONGBAN_LANGUAGE_ZH_CN;

  window = tongban_window_new (NULL, config, catalog, TONGBAN_BACKEND (backend));
  ui_test_show (GTK_WINDOW (window));
  ui_test_iterate (50);
  return window;
}

static void
destroy_window (TongbanWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_iterate (20);
}

static GtkWidget *
part (TongbanWindow *window,
      const char    *name)
{
  GtkWidget *widget = tongban_window_get_part (window, name);

  g_assert_nonnull (widget);
  return widget;
}

/* A tap on a button: "clicked", as a touch emits it (activate would add the
 * keyboard's 250 ms press animation first). */
static void
click (GtkWidget *button)
{
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  ui_test_iterate (20);
}

static void
set_language (TongbanWindow *window,
              const char    *code)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.language", "s", code));
  ui_test_iterate (20);
}

static GtkWidget *
find_heading (TongbanWindow *window)
{
  GtkWidget *page = gtk_stack_get_visible_child (GTK_STACK (part (window, "stack")));

  return ui_test_find_by_class (page, "heading");
}

static gboolean
page_is (TongbanWindow *window,
         const char    *name)
{
  return g_strcmp0 (tongban_window_get_page (window), name) == 0;
}

/* ---- navigation and languages ----------------------------------------- */

static void
test_navigation (void)
{
  TongbanWindow *window = make_window (5);
  TongbanSession *session = tongban_window_get_session (window);
  GtkWidget *start, *tile, *row;
  const char *date;

  g_assert_true (page_is (window, "attract"));
  g_assert_false (tongban_session_get_active (session));
  g_assert_false (gtk_widget_get_sensitive (part (window, "back_button")));

  /* attract → home */
  start = ui_test_find_by_class (part (window, "attract_page"), "attract");
  g_assert_nonnull (start);
  click (start);
  g_assert_true (page_is (window, "home"));
  g_assert_true (tongban_session_get_active (session));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find_heading (window))), ==, "请选择服务");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "湾区通办");

  /* language switch on home */
  set_language (window, "en");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find_heading (window))), ==, "Choose a service");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Bay Area Tongban");
  date = gtk_label_get_label (GTK_LABEL (part (window, "date_label")));
  g_assert_null (strstr (date, "星期"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "lang-en"));

  /* home → a category */
  tile = tongban_home_page_get_tile (TONGBAN_HOME_PAGE (part (window, "home_page")),
                                     "gd-social-insurance");
  g_assert_nonnull (tile);
  click (tile);
  g_assert_true (page_is (window, "category"));
  g_assert_cmpuint (tongban_category_page_get_n_rows (
                      TONGBAN_CATEGORY_PAGE (part (window, "category_page"))), ==, 3);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find_heading (window))), ==, "Social insurance");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Social insurance");
  g_assert_true (gtk_widget_get_sensitive (part (window, "back_button")));

  /* language switch on the category page: heading, title, clock and rows */
  set_language (window, "zh_HK");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find_heading (window))), ==, "社會保險");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "社會保險");
  date = gtk_label_get_label (GTK_LABEL (part (window, "date_label")));
  g_assert_nonnull (strstr (date, "星期"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "lang-zh-hk"));
  row = tongban_category_page_get_row (TONGBAN_CATEGORY_PAGE (part (window, "category_page")),
                                       "F-GD-07");
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (ui_test_find_by_class (row, "row-title"))), ==,
                   "列印參保證明");

  /* category → service, switch again */
  click (row);
  g_assert_true (page_is (window, "service"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find_heading (window))), ==, "列印參保證明");
  set_language (window, "zh_CN");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find_heading (window))), ==, "个人参保证明打印");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "个人参保证明打印");
  set_language (window, "en");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find_heading (window))), ==,
                   "Print social insurance certificate");
  g_assert_cmpuint (tongban_window_get_depth (window), ==, 3);

  /* Back, Back, then Back on home does nothing */
  click (part (window, "back_button"));
  g_assert_true (page_is (window, "category"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find_heading (window))), ==, "Social insurance");
  click (part (window, "back_button"));
  g_assert_true (page_is (window, "home"));
  g_assert_false (gtk_widget_get_sensitive (part (window, "back_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL));
  ui_test_iterate (20);
  g_assert_true (page_is (window, "home"));

  /* Home from deep inside */
  tongban_window_open (window, "service", "F-MO-04");
  ui_test_iterate (20);
  g_assert_true (page_is (window, "service"));
  g_assert_cmpuint (tongban_window_get_depth (window), ==, 3);
  click (part (window, "home_button"));
  g_assert_true (page_is (window, "home"));
  g_assert_cmpuint (tongban_window_get_depth (window), ==, 1);

  /* Help for the current page, in the current language */
  click (part (window, "help_button"));
  g_assert_true (gtk_widget_get_visible (part (window, "help_panel")));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (part (window, "help_text"))),
                                   "Choose the place"));
  set_language (window, "zh_CN");
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (part (window, "help_text"))),
                                   "先选择办理地区"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.close-help", NULL));
  g_assert_false (gtk_widget_get_visible (part (window, "help_panel")));

  destroy_window (window);
}

/* Every tile and every service opens, in every language, with a heading. */
static void
test_every_page_opens (void)
{
  TongbanWindow *window = make_window (5);
  GPtrArray *services = tongban_catalog_get_services (catalog);
  const char *langs[] = { "zh_CN", "zh_HK", "en" };

  for (guint l = 0; l < G_N_ELEMENTS (langs); l++)
    {
      set_language (window, langs[l]);
      for (guint i = 0; i < services->len; i++)
        {
          const TongbanService *s = g_ptr_array_index (services, i);
          const char *heading;

          tongban_window_open (window, "service", s->id);
          ui_test_iterate (5);
          g_assert_true (page_is (window, "service"));
          heading = gtk_label_get_label (GTK_LABEL (find_heading (window)));
          g_assert_cmpstr (heading, ==, g_dgettext (GETTEXT_PACKAGE, s->title));
          if (l != 2)
            g_assert_cmpstr (heading, !=, s->title);
        }
    }
  destroy_window (window);
}

/* ---- idle --------------------------------------------------------------- */

static gboolean
warning_shown (gpointer data)
{
  return gtk_widget_get_visible (part (data, "idle_warning"));
}

static gboolean
session_over (gpointer data)
{
  return !tongban_session_get_active (tongban_window_get_session (data));
}

static void
test_idle_timeout (void)
{
  TongbanWindow *window = make_window (5);
  TongbanSession *session = tongban_window_get_session (window);
  gsize size;
  const guint8 *storage;
  GtkWidget *countdown;

  tongban_window_open (window, "category", "gd-housing-fund");
  set_language (window, "en");
  tongban_session_set_value (session, "id-number", "440301199001011234");
  tongban_session_set_timeouts (session, 200, 1500);

  /* The warning comes, with a countdown in whole seconds... */
  g_assert_true (ui_test_wait_for (warning_shown, window, 3000));
  countdown = part (window, "idle_seconds");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (countdown)), ==, "2");
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (part (window, "idle_text"))),
                            "For your privacy"));
  g_assert_true (page_is (window, "category"));

  /* ...one tap anywhere on it extends the session... */
  click (part (window, "idle_warning"));
  g_assert_false (gtk_widget_get_visible (part (window, "idle_warning")));
  g_assert_true (tongban_session_get_active (session));
  g_assert_cmpuint (tongban_session_get_extensions (session), ==, 1);
  g_assert_true (page_is (window, "category"));

  /* ...and without it the session ends: attract screen, nothing kept. */
  g_assert_true (ui_test_wait_for (session_over, window, 5000));
  ui_test_iterate (20);
  g_assert_true (page_is (window, "attract"));
  g_assert_cmpuint (tongban_window_get_depth (window), ==, 0);
  g_assert_false (gtk_widget_get_visible (part (window, "idle_warning")));
  g_assert_cmpuint (tongban_session_get_n_values (session), ==, 0);
  storage = tongban_session_peek_storage (session, &size);
  for (gsize i = 0; i < size; i++)
    g_assert_cmpuint (storage[i], ==, 0);
  g_assert_cmpuint (tongban_category_page_get_n_rows (
                      TONGBAN_CATEGORY_PAGE (part (window, "category_page"))), ==, 0);
  /* The next person starts in the kiosk's language. */
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "lang-zh-cn"));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "湾区通办");

  destroy_window (window);
}

/* ---- maintenance -------------------------------------------------------- */

static gboolean
not_busy (gpointer data)
{
  return !tongban_maintenance_overlay_get_busy (data);
}

static void
enter_pin (TongbanMaintenanceOverlay *overlay,
           const char                *pin)
{
  char key[2] = { 0, 0 };

  for (const char *p = pin; *p; p++)
    {
      key[0] = *p;
      tongban_maintenance_overlay_press (overlay, key);
    }
  tongban_maintenance_overlay_submit (overlay);
  g_assert_true (ui_test_wait_for (not_busy, overlay, 10000));
  ui_test_iterate (10);
}

static void
test_maintenance (void)
{
  TongbanWindow *window = make_window (5);
  TongbanMaintenanceOverlay *overlay =
    TONGBAN_MAINTENANCE_OVERLAY (part (window, "maintenance"));
  GtkWidget *pad = ui_test_find_by_class (GTK_WIDGET (overlay), "pin-display");

  tongban_window_open (window, "service", "F-GD-12");
  tongban_session_set_value (tongban_window_get_session (window), "name", "陈大文");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.maintenance", NULL));
  ui_test_iterate (20);

  g_assert_true (tongban_window_get_maintenance (window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (overlay)));
  g_assert_false (gtk_widget_get_visible (part (window, "header")));
  g_assert_false (tongban_session_get_active (tongban_window_get_session (window)));
  g_assert_true (page_is (window, "attract"));

  /* Digits typed survive a language switch. */
  tongban_maintenance_overlay_open_sign_in (overlay);
  tongban_maintenance_overlay_press (overlay, "1");
  tongban_maintenance_overlay_press (overlay, "2");
  tongban_maintenance_overlay_press (overlay, "3");
  set_language (window, "zh_HK");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (pad)), ==, "●●●");
  tongban_maintenance_overlay_press (overlay, "clear");

  /* A wrong PIN keeps the cover up and says so in plain words. */
  enter_pin (overlay, "123456");
  g_assert_cmpstr (tongban_maintenance_overlay_get_status (overlay), ==,
                   "That PIN is not right. Try again.");
  g_assert_true (tongban_window_get_maintenance (window));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (pad)), ==, "");

  /* The right one opens the maintainer's page; putting the kiosk back in
   * service lifts the cover. */
  enter_pin (overlay, TEST_PIN);
  g_assert_true (tongban_window_get_maintenance (window));
  g_assert_true (gtk_widget_get_visible (find_by_name (GTK_WIDGET (overlay), "resume_button")));
  click (find_by_name (GTK_WIDGET (overlay), "resume_button"));
  g_assert_false (tongban_window_get_maintenance (window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (overlay)));
  g_assert_true (gtk_widget_get_visible (part (window, "header")));

  destroy_window (window);
}

static void
test_maintenance_lockout (void)
{
  TongbanWindow *window = make_window (2);
  TongbanMaintenanceOverlay *overlay =
    TONGBAN_MAINTENANCE_OVERLAY (part (window, "maintenance"));

  tongban_window_set_maintenance (window, TRUE);
  tongban_maintenance_overlay_open_sign_in (overlay);
  enter_pin (overlay, "000000");
  enter_pin (overlay, "111111");
  g_assert_cmpstr (tongban_maintenance_overlay_get_status (overlay), ==,
                   "Too many wrong PINs. Sign-in is blocked for a while; try again later.");
  /* Even the right PIN waits out the lock-out. */
  enter_pin (overlay, TEST_PIN);
  g_assert_true (tongban_window_get_maintenance (window));

  destroy_window (window);
}


/* ---- a whole service ----------------------------------------------------- */

static GtkWidget *
find_by_name (GtkWidget  *root,
              const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_by_name (c, name);

      if (found)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_entry (TongbanWindow *window,
            const char    *field)
{
  GtkWidget *body = tongban_flow_page_get_body (TONGBAN_FLOW_PAGE (part (window, "flow_page")));
  GtkWidget *group = body ? find_by_name (body, field) : NULL;
  GtkWidget *entry = group ? ui_test_find_by_class (group, "field-entry") : NULL;

  g_assert_nonnull (entry);
  return entry;
}

static void
type_into (TongbanWindow *window,
           const char    *field,
           const char    *text)
{
  gtk_editable_set_text (GTK_EDITABLE (find_entry (window, field)), text);
}

static const char *
step_id (TongbanWindow *window)
{
  TongbanFlow *flow = tongban_flow_page_get_flow (TONGBAN_FLOW_PAGE (part (window, "flow_page")));

  return flow ? tongban_flow_get_step (flow)->id : NULL;
}

typedef struct {
  TongbanWindow *window;
  const char    *step;
} StepWait;

static gboolean
on_step (gpointer data)
{
  StepWait *w = data;

  return g_strcmp0 (step_id (w->window), w->step) == 0 &&
         !tongban_flow_page_get_busy (TONGBAN_FLOW_PAGE (part (w->window, "flow_page")));
}


/* ---- the on-screen keyboard, touched key by key ----------------------- */

static TongbanKeyboard *
keyboard_of (TongbanWindow *window)
{
  GtkWidget *keyboard = find_by_name (GTK_WIDGET (window), "keyboard");

  g_assert_true (TONGBAN_IS_KEYBOARD (keyboard));
  return TONGBAN_KEYBOARD (keyboard);
}

static void
osk_key (TongbanKeyboard *keyboard,
         const char      *key)
{
  GtkWidget *button = tongban_keyboard_get_key (keyboard, key);

  if (button == NULL)
    g_error ("no key \"%s\" on layout %d", key, tongban_keyboard_get_layout (keyboard));
  g_signal_emit_by_name (button, "clicked");
  ui_test_iterate (2);
}

/* Letters on the letter page, digits and "-" on the number page. */
static void
osk_type (TongbanKeyboard *keyboard,
          const char      *text)
{
  for (const char *p = text; *p; p++)
    {
      char key[2] = { *p, '\0' };
      gboolean numeric = g_ascii_isdigit (*p) || *p == '-';
      TongbanKeyboardLayout layout = tongban_keyboard_get_layout (keyboard);

      if (numeric && layout != TONGBAN_KEYBOARD_LAYOUT_NUMBERS)
        osk_key (keyboard, "numbers");
      else if (!numeric && layout == TONGBAN_KEYBOARD_LAYOUT_NUMBERS)
        osk_key (keyboard, "letters");
      osk_key (keyboard, *p == ' ' ? "space" : key);
    }
}

static TongbanKeyboard *
osk_focus (TongbanWindow *window,
           const char    *field)
{
  TongbanKeyboard *keyboard = keyboard_of (window);
  GtkWidget *entry = find_entry (window, field);

  gtk_widget_grab_focus (entry);
  ui_test_iterate (20);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (keyboard)));
  g_assert_true (tongban_keyboard_get_target (keyboard) == entry ||
                 gtk_widget_is_ancestor (tongban_keyboard_get_target (keyboard), entry));
  return keyboard;
}

static void
osk_layout (TongbanKeyboard       *keyboard,
            TongbanKeyboardLayout  layout)
{
  if (tongban_keyboard_get_layout (keyboard) == TONGBAN_KEYBOARD_LAYOUT_NUMBERS)
    osk_key (keyboard, "letters");
  for (guint i = 0; i < 3 && tongban_keyboard_get_layout (keyboard) != layout; i++)
    osk_key (keyboard, "language");
  g_assert_cmpint (tongban_keyboard_get_layout (keyboard), ==, layout);
}

static int
osk_find_candidate (TongbanKeyboard *keyboard,
                    const char      *text)
{
  for (guint i = 0; i < 10; i++)
    {
      GtkWidget *button = tongban_keyboard_get_candidate (keyboard, i);

      if (button && gtk_widget_get_visible (button) &&
          g_strcmp0 (gtk_label_get_label (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button)))),
                     text) == 0)
        return (int) i;
    }
  return -1;
}

/* Types a Chinese word by its keys and touches the candidate; the input
 * method loads in the background, so its first word may need a moment. */
static void
osk_word (TongbanKeyboard *keyboard,
          const char      *keys,
          const char      *word)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  int index;

  osk_type (keyboard, keys);
  while ((index = osk_find_candidate (keyboard, word)) < 0)
    {
      if (g_get_monotonic_time () > end)
        g_error ("\"%s\" never offered %s", keys, word);
      for (const char *p = keys; *p; p++)
        osk_key (keyboard, "backspace");
      ui_test_iterate (200);
      osk_type (keyboard, keys);
    }
  if (g_getenv ("TONGBAN_SHOT_DIR"))
    {
      g_autofree char *name = g_strdup_printf ("%s/keyboard-%s.png", g_getenv ("TONGBAN_SHOT_DIR"),
                                               keys);

      ui_test_iterate (100);
      tongban_window_save_screenshot (TONGBAN_WINDOW (gtk_widget_get_root (GTK_WIDGET (keyboard))),
                                      name, NULL);
    }
  g_signal_emit_by_name (tongban_keyboard_get_candidate (keyboard, (guint) index), "clicked");
  ui_test_iterate (5);
}

static void
expect_step (TongbanWindow *window,
             const char    *step)
{
  StepWait w = { window, step };
  const char *dir = g_getenv ("TONGBAN_SHOT_DIR");

  if (!ui_test_wait_for (on_step, &w, 5000))
    g_error ("expected step %s, the flow is on %s", step, step_id (window));
  ui_test_iterate (20);
  if (dir)
    {
      static guint n;
      g_autofree char *name = g_strdup_printf ("%s/flow-%02u-%s.png", dir, ++n, step);

      /* A screenshot shows the page the citizen sees once the cross-fade is over. */
      while (gtk_stack_get_transition_running (GTK_STACK (part (window, "stack"))))
        ui_test_iterate (10);
      tongban_window_save_screenshot (window, name, NULL);
    }
}

static void
press_continue (TongbanWindow *window)
{
  click (find_by_name (part (window, "flow_page"), "continue_button"));
}

static void
test_flow_hk_tax_return (void)
{
  TongbanWindow *window = make_window (5);
  GtkWidget *page = part (window, "flow_page");
  GtkWidget *summary, *change;
  TongbanKeyboard *keyboard;

  tongban_window_open (window, "service", "F-HK-01");
  set_language (window, "zh_HK");
  ui_test_iterate (20);
  click (ui_test_find_by_class (part (window, "service_page"), "start-button"));
  g_assert_true (page_is (window, "flow"));
  expect_step (window, "auth");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find_heading (window))), ==, "核實身份");
  click (find_by_name (page, "permit"));
  expect_step (window, "taxpayer");

  /* Everything typed on the kiosk's own keyboard. A wrong check digit is
   * refused in plain words; the value stays. */
  osk_type (osk_focus (window, "hkid"), "a1234564");
  osk_type (osk_focus (window, "name"), "chan tai man");
  keyboard = osk_focus (window, "phone");
  g_assert_cmpint (tongban_keyboard_get_layout (keyboard), ==, TONGBAN_KEYBOARD_LAYOUT_NUMBERS);
  osk_type (keyboard, "91234567");
  press_continue (window);
  summary = ui_test_find_by_class (page, "error-summary");
  g_assert_true (gtk_widget_get_visible (summary));
  g_assert_nonnull (ui_test_find_by_class (find_by_name (page, "hkid"), "field-error"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (ui_test_find_by_class (find_by_name (page,
                                                                                        "hkid"),
                                                                          "field-error"))), ==,
                   "香港身份證號碼不正確，請對照證件核對。");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_entry (window, "hkid"))), ==,
                   "a1234564");
  expect_step (window, "taxpayer");

  /* Switching language keeps what was typed. */
  set_language (window, "en");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_entry (window, "name"))), ==,
                   "chan tai man");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find_heading (window))), ==, "About you");

  keyboard = osk_focus (window, "hkid");
  gtk_editable_set_position (GTK_EDITABLE (find_entry (window, "hkid")), -1);
  osk_key (keyboard, "backspace");
  osk_type (keyboard, "3");
  /* A pinyin word: 香港 typed as xianggang. */
  keyboard = osk_focus (window, "address");
  osk_layout (keyboard, TONGBAN_KEYBOARD_LAYOUT_PINYIN);
  osk_word (keyboard, "xianggang", "香港");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_entry (window, "address"))), ==,
                   "香港");
  press_continue (window);
  expect_step (window, "income");
  /* A Cangjie word: 香 (hda) 港 (etcu). */
  keyboard = osk_focus (window, "employer");
  osk_layout (keyboard, TONGBAN_KEYBOARD_LAYOUT_CANGJIE);
  osk_word (keyboard, "hda", "香");
  osk_word (keyboard, "etcu", "港");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_entry (window, "employer"))), ==,
                   "香港");
  osk_type (osk_focus (window, "salary"), "420000");
  keyboard = osk_focus (window, "from");
  osk_layout (keyboard, TONGBAN_KEYBOARD_LAYOUT_ENGLISH);
  osk_type (keyboard, "2025-04-01");
  osk_type (osk_focus (window, "to"), "2026-03-31");
  press_continue (window);
  expect_step (window, "deductions");
  osk_type (osk_focus (window, "mpf"), "18000");
  press_continue (window);
  expect_step (window, "documents");
  press_continue (window);
  expect_step (window, "review");

  /* Change on the review goes to the step and comes back. */
  change = ui_test_find_by_class (tongban_flow_page_get_body (TONGBAN_FLOW_PAGE (page)),
                                  "change-button");
  g_assert_nonnull (change);
  click (change);
  expect_step (window, "taxpayer");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_entry (window, "hkid"))), ==,
                   "A123456(3)");
  type_into (window, "email", "chan.taiman@example.com");
  /* The keyboard never comes up for a PIN. */
  {
    GtkWidget *pin = gtk_password_entry_new ();

    g_assert_false (tongban_keyboard_wants_target (pin));
    g_object_ref_sink (pin);
    g_object_unref (pin);
  }
  press_continue (window);
  expect_step (window, "review");

  press_continue (window);   /* Confirm and send */
  expect_step (window, "result");
  g_assert_true (g_str_has_prefix (
    gtk_label_get_label (GTK_LABEL (ui_test_find_by_class (page, "reference"))), "HK-01-"));
  g_assert_nonnull (find_by_name (page, "reference-qr"));
  /* A sent return cannot be walked back into. */
  g_assert_false (gtk_widget_get_sensitive (part (window, "back_button")));
  g_assert_cmpuint (tongban_file_backend_get_calls (backend, "ird.bir60"), >=, 1);
  press_continue (window);
  expect_step (window, "rating");
  click (find_by_name (page, "4"));
  press_continue (window);   /* Finish */
  ui_test_iterate (20);

  /* Finishing ends the session: back to the attract screen, nothing kept. */
  g_assert_true (page_is (window, "attract"));
  g_assert_false (tongban_session_get_active (tongban_window_get_session (window)));
  g_assert_cmpuint (tongban_session_get_n_values (tongban_window_get_session (window)), ==, 0);
  g_assert_null (tongban_flow_page_get_flow (TONGBAN_FLOW_PAGE (page)));
  destroy_window (window);
}

static void
test_smart_guidance (void)
{
  TongbanWindow *window = make_window (5);
  GtkWidget *page = part (window, "flow_page");
  GtkWidget *entry, *first;

  tongban_window_open (window, "service", "F-GD-05");
  set_language (window, "zh_CN");
  click (ui_test_find_by_class (part (window, "service_page"), "start-button"));
  expect_step (window, "guide");
  entry = find_by_name (page, "search_entry");
  g_assert_nonnull (entry);
  /* Pinyin initials find the certificate: 社保证明. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "sbzm");
  ui_test_iterate (20);
  first = ui_test_find_by_class (tongban_flow_page_get_body (TONGBAN_FLOW_PAGE (page)),
                                 "guide-search");
  first = ui_test_find_by_class (first, "service-row");
  g_assert_nonnull (first);
  g_assert_cmpstr (gtk_widget_get_name (first), ==, "F-GD-07");
  expect_step (window, "guide");
  /* A question opens its answer in place. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "私隱");
  ui_test_iterate (20);
  {
    GtkWidget *question = find_by_name (page, "faq-privacy");
    GtkWidget *answer = gtk_widget_get_next_sibling (question);

    g_assert_nonnull (question);
    g_assert_true (gtk_widget_has_css_class (answer, "reveal-answer"));
    g_assert_false (gtk_widget_get_visible (answer));
    click (question);
    g_assert_true (gtk_widget_get_visible (answer));
  }
  /* Opening a result shows the service; Back returns to the search. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "sbzm");
  ui_test_iterate (20);
  click (find_by_name (page, "F-GD-07"));
  g_assert_true (page_is (window, "service"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find_heading (window))), ==, "个人参保证明打印");
  click (part (window, "back_button"));
  g_assert_true (page_is (window, "flow"));
  destroy_window (window);
}

static gboolean
device_online (gpointer data)
{
  return tongban_device_get_state (data) == TONGBAN_DEVICE_STATE_ONLINE;
}

static gboolean
reader_light_on (gpointer data)
{
  TongbanDevices *devices = data;

  return tongban_sim_lights_get_output (tongban_devices_get_simulator (devices, "lights"),
                                        tongban_devices_get_slot (devices, "id-card-reader"))
         != TONGBAN_FLASH_OFF;
}

static gboolean
reader_light_off (gpointer data)
{
  return !reader_light_on (data);
}

static gboolean
row_greyed (gpointer data)
{
  GtkWidget *row = tongban_category_page_get_row (
    TONGBAN_CATEGORY_PAGE (part (data, "category_page")), "F-GD-04");

  return row != NULL && !gtk_widget_get_sensitive (row);
}

static gboolean
row_usable (gpointer data)
{
  GtkWidget *row = tongban_category_page_get_row (
    TONGBAN_CATEGORY_PAGE (part (data, "category_page")), "F-GD-04");

  return row != NULL && gtk_widget_get_sensitive (row);
}

/* The real ID card driver against a simulated reader on a pty: the card is
 * read on the driver's thread and what the identity service needs goes to
 * the back end; devices the kiosk lacks grey out their services. */
static void
test_devices (void)
{
  TongbanWindow *window = make_window (5);
  g_autoptr(TongbanDevices) devices = tongban_devices_new ();
  const char *lacks[] = { "laser-printer", NULL };
  g_autoptr(GError) error = NULL;
  GtkWidget *page = part (window, "flow_page");
  GtkWidget *row;
  JsonObject *sent;

  g_assert_true (tongban_devices_configure (devices, NULL, lacks, &error));
  g_assert_true (tongban_devices_simulate (devices, &error));
  g_assert_no_error (error);
  tongban_window_set_devices (window, devices);
  g_assert_true (ui_test_wait_for (device_online,
                                   tongban_devices_get (devices, "id-card-reader"), 10000));

  /* The self-test lists every module for the maintainer. */
  {
    g_auto(GStrv) report = tongban_devices_dup_report (devices);

    g_assert_true (g_strv_contains ((const char * const *) report,
                                    "laser-printer: not fitted"));
    g_autofree char *all = g_strjoinv ("\n", report);

    g_assert_nonnull (strstr (all, "idcard: online"));
  }

  /* No document printer: its certificates are greyed out, with the reason. */
  set_language (window, "en");
  tongban_window_open (window, "category", "gd-social-insurance");
  ui_test_iterate (20);
  row = tongban_category_page_get_row (TONGBAN_CATEGORY_PAGE (part (window, "category_page")),
                                       "F-GD-07");
  g_assert_false (gtk_widget_get_sensitive (row));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (ui_test_find_by_class (row,
                                                                          "unavailable-reason"))),
                   ==, "This kiosk has no document printer. Use another kiosk or the service desk.");
  row = tongban_category_page_get_row (TONGBAN_CATEGORY_PAGE (part (window, "category_page")),
                                       "F-GD-09");
  g_assert_true (gtk_widget_get_sensitive (row));

  /* The receipt printer runs out of paper: booking greys out, and comes
   * back by itself when paper is loaded. */
  tongban_window_open (window, "category", "gd-online-affairs");
  ui_test_iterate (20);
  g_assert_true (tongban_devices_simulate_event (devices, "receipt-printer", "paper out"));
  g_assert_true (ui_test_wait_for (row_greyed, window, 10000));
  g_assert_true (tongban_devices_simulate_event (devices, "receipt-printer", "paper loaded"));
  g_assert_true (ui_test_wait_for (row_usable, window, 10000));

  tongban_window_open (window, "category", "gd-social-insurance");
  ui_test_iterate (20);
  row = tongban_category_page_get_row (TONGBAN_CATEGORY_PAGE (part (window, "category_page")),
                                       "F-GD-09");
  click (row);
  click (ui_test_find_by_class (part (window, "service_page"), "start-button"));
  /* No card yet: the light beside the reader flashes until one is read. */
  g_assert_true (ui_test_wait_for (device_online, tongban_devices_get (devices, "lights"), 10000));
  g_assert_true (tongban_devices_simulate_event (devices, "id-card-reader", "card removed"));
  click (find_by_name (page, "id-card"));
  g_assert_true (ui_test_wait_for (reader_light_on, devices, 10000));
  g_assert_true (tongban_devices_simulate_event (devices, "id-card-reader", "card present"));
  expect_step (window, "view");
  g_assert_true (ui_test_wait_for (reader_light_off, devices, 10000));
  sent = tongban_file_backend_get_last_params (backend, "auth.id-card");
  g_assert_nonnull (sent);
  /* The identity service's parameters (docs/gateway.md section 4), flat. */
  g_assert_cmpuint (strlen (json_object_get_string_member (sent, "id_number")), ==, 18);
  g_assert_null (tongban_validate_cn_id (json_object_get_string_member (sent, "id_number"),
                                         NULL));
  g_assert_nonnull (json_object_get_string_member (sent, "name"));
  g_assert_true (g_regex_match_simple ("^[12][0-9]{3}-[01][0-9]-[0-3][0-9]$",
                                       json_object_get_string_member (sent, "birth"), 0, 0));
  g_assert_nonnull (json_object_get_string_member (sent, "expiry"));
  destroy_window (window);
  tongban_devices_stop (devices);
}

/* With TONGBAN_SHOT_DIR set: a picture of the window, for people to look at. */
static void
shot (TongbanWindow *window,
      const char    *name)
{
  const char *dir = g_getenv ("TONGBAN_SHOT_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  while (gtk_stack_get_transition_running (GTK_STACK (part (window, "stack"))))
    ui_test_iterate (10);
  ui_test_iterate (20);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  g_assert_true (tongban_window_save_screenshot (window, path, NULL));
}

static gboolean
retry_visible (gpointer page)
{
  return gtk_widget_get_visible (find_by_name (page, "retry_button"));
}

static gboolean
qr_shown (gpointer page)
{
  return ui_test_find_by_class (page, "qr-login") != NULL;
}

/* Proving who you are: a refusal says why in plain words and offers the
 * same way again or another one; QR login shows a code with a countdown and
 * goes on once the phone has confirmed (the demo answers at the first ask). */
static void
test_identity_methods (void)
{
  TongbanWindow *window = make_window (5);
  GtkWidget *page = part (window, "flow_page");
  GtkWidget *qr;
  const char *countdown;
  guint cards = tongban_file_backend_get_calls (backend, "auth.id-card");
  guint codes = tongban_file_backend_get_calls (backend, "auth.qr-start");
  guint asks = tongban_file_backend_get_calls (backend, "auth.qr");

  tongban_file_backend_set_refusal (backend, "auth.id-card", "identity-mismatch");
  tongban_window_open (window, "service", "F-GD-09");
  set_language (window, "en");
  click (ui_test_find_by_class (part (window, "service_page"), "start-button"));
  click (find_by_name (page, "id-card"));
  g_assert_true (ui_test_wait_for (retry_visible, page, 5000));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find_by_name (page, "status_label"))), ==,
                   "Your details do not match the department's records. Try again, or choose "
                   "another way to prove who you are.");
  g_assert_true (gtk_widget_get_visible (find_by_name (page, "other_way_button")));
  shot (window, "identity-refused");
  /* The same way again asks the identity service again. */
  click (find_by_name (page, "retry_button"));
  g_assert_true (ui_test_wait_for (retry_visible, page, 5000));
  g_assert_cmpuint (tongban_file_backend_get_calls (backend, "auth.id-card"), ==, cards + 2);
  click (find_by_name (page, "other_way_button"));
  ui_test_iterate (20);
  g_assert_false (gtk_widget_is_visible (find_by_name (page, "status_label")));
  g_assert_nonnull (find_by_name (page, "qr"));
  tongban_file_backend_set_failure (backend, "auth.id-card", -1);

  /* The phone side fails: plain words, and the code is asked for anew. */
  tongban_file_backend_set_failure (backend, "auth.qr", TONGBAN_BACKEND_ERROR_UNAVAILABLE);
  click (find_by_name (page, "qr"));
  g_assert_true (ui_test_wait_for (qr_shown, page, 5000));
  g_assert_true (ui_test_wait_for (retry_visible, page, 8000));
  g_assert_null (ui_test_find_by_class (page, "qr-login"));
  tongban_file_backend_set_failure (backend, "auth.qr", -1);

  click (find_by_name (page, "retry_button"));
  g_assert_true (ui_test_wait_for (qr_shown, page, 5000));
  qr = ui_test_find_by_class (page, "qr-login");
  g_assert_nonnull (ui_test_find_by_class (qr, "body"));
  countdown = gtk_label_get_label (GTK_LABEL (ui_test_find_by_class (qr, "body")));
  g_assert_true (g_str_has_prefix (countdown, "The code works for "));
  shot (window, "identity-qr");
  g_assert_cmpuint (tongban_file_backend_get_calls (backend, "auth.qr-start"), ==, codes + 2);
  expect_step (window, "view");
  g_assert_cmpuint (tongban_file_backend_get_calls (backend, "auth.qr"), >=, asks + 2);
  /* Whose visit it is, masked, on the steps after the check. */
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (ui_test_find_by_class (page, "identity"))), ==,
                   "陈**  4403**********123X");
  shot (window, "identity-after");
  g_assert_cmpstr (json_object_get_string_member (
                     tongban_file_backend_get_last_params (backend, "auth.qr"), "ticket"), ==,
                   "demo-ticket");
  destroy_window (window);
}

static gboolean
paper_is_out (gpointer data)
{
  return tongban_device_get_supply (data, "paper") == TONGBAN_SUPPLY_OUT;
}

static gboolean
paper_is_full (gpointer data)
{
  return tongban_device_get_supply (data, "paper") == TONGBAN_SUPPLY_FULL;
}

static gboolean
widget_shown (gpointer data)
{
  return gtk_widget_get_visible (data);
}

/* The preview step shows the certificate as it will print; a booking's slip
 * goes to the (simulated) receipt printer, and when the paper is out the
 * same slip prints from Print again once paper is loaded. */
static void
test_documents (void)
{
  TongbanWindow *window = make_window (5);
  GtkWidget *page = part (window, "flow_page");
  g_autoptr(TongbanDevices) devices = tongban_devices_new ();
  const char *lacks[] = { "laser-printer", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *qr = NULL;
  TongbanDevice *printer;
  GtkWidget *body, *picture, *reprint;
  GdkPaintable *paintable;

  tongban_window_open (window, "service", "F-GD-07");
  set_language (window, "zh_HK");
  ui_test_iterate (20);
  click (ui_test_find_by_class (part (window, "service_page"), "start-button"));
  click (find_by_name (page, "id-card"));
  expect_step (window, "purpose");
  click (ui_test_find_by_class (page, "choice"));
  expect_step (window, "preview");
  body = tongban_flow_page_get_body (TONGBAN_FLOW_PAGE (page));
  g_assert_cmpstr (gtk_widget_get_name (body), ==, "document-preview");
  g_assert_cmpstr (g_object_get_data (G_OBJECT (body), "document-title"), ==,
                   "社會保險參保繳費證明");
  picture = gtk_widget_get_first_child (body);
  g_assert_true (GTK_IS_PICTURE (picture));
  paintable = gtk_picture_get_paintable (GTK_PICTURE (picture));
  /* A4 at 4 px/mm, shown whole in the width the page has. */
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 840);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, 1188);
  g_assert_cmpint (gtk_widget_get_width (picture), >, 300);
  g_assert_cmpint (gtk_widget_get_width (picture), <=, gtk_widget_get_width (page));
  /* Another language draws the certificate again, in that language. */
  set_language (window, "en");
  ui_test_iterate (20);
  body = tongban_flow_page_get_body (TONGBAN_FLOW_PAGE (page));
  g_assert_cmpstr (gtk_widget_get_name (body), ==, "document-preview");
  g_assert_cmpstr (g_object_get_data (G_OBJECT (body), "document-title"), ==,
                   "Certificate of Social Insurance Contributions");
  /* Without a printer, Print goes on as before. */
  press_continue (window);
  expect_step (window, "result");
  destroy_window (window);

  window = make_window (5);
  page = part (window, "flow_page");
  g_assert_true (tongban_devices_configure (devices, NULL, lacks, &error));
  g_assert_true (tongban_devices_simulate (devices, &error));
  g_assert_no_error (error);
  printer = tongban_devices_get (devices, "receipt-printer");
  g_assert_true (ui_test_wait_for (device_online, printer, 10000));

  tongban_window_open (window, "service", "F-GD-04");
  set_language (window, "zh_HK");
  ui_test_iterate (20);
  click (ui_test_find_by_class (part (window, "service_page"), "start-button"));
  click (find_by_name (page, "permit"));
  expect_step (window, "hall");
  click (ui_test_find_by_class (page, "choice"));
  expect_step (window, "slot");
  click (ui_test_find_by_class (page, "choice"));
  expect_step (window, "review");
  tongban_window_set_devices (window, devices);
  g_assert_true (tongban_devices_simulate_event (devices, "receipt-printer", "paper out"));
  g_assert_true (ui_test_wait_for (paper_is_out, printer, 10000));
  press_continue (window);

  /* Paper out: plain words, the slip kept, a way to print it again. */
  reprint = find_by_name (page, "reprint_button");
  g_assert_true (ui_test_wait_for (widget_shown, reprint, 15000));
  g_assert_cmpstr (step_id (window), ==, "print");
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (find_by_name (page,
                                                                               "status_label"))),
                                   "打印機"));
  g_assert_true (tongban_devices_simulate_event (devices, "receipt-printer", "paper loaded"));
  g_assert_true (ui_test_wait_for (paper_is_full, printer, 10000));
  click (reprint);
  expect_step (window, "result");

  printed = tongban_sim_printer_dup_text (tongban_devices_get_simulator (devices,
                                                                         "receipt-printer"));
  g_assert_nonnull (strstr (printed, "GD-SLIP-20261201-0930"));
  g_assert_nonnull (strstr (printed, "預約時間：2026-12-01 09:30"));
  g_assert_nonnull (strstr (printed, "辦理事項：社會保險業務"));
  qr = tongban_sim_printer_dup_qr (tongban_devices_get_simulator (devices, "receipt-printer"), 0);
  g_assert_cmpstr (qr, ==, "GD-SLIP-20261201-0930");
  destroy_window (window);
  tongban_devices_stop (devices);
}

static gboolean
step_is_result (gpointer window)
{
  return g_strcmp0 (step_id (window), "result") == 0;
}

/* Issue 6: a citizen of Hong Kong proves who they are with the (simulated)
 * ID card, and the social insurance certificate comes out of the document
 * printer in zh_HK. The printer is CUPS's ippeveprinter, driven through the
 * real laser printer driver; what it received is read back as a person and
 * a phone would: the title and number as text, the QR as the verify URL. */
static void
test_certificate_zh_hk (void)
{
  g_autoptr(TongbanDevices) devices = tongban_devices_new ();
  g_autoptr(GKeyFile) laser = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) printed = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autoptr(PopplerPage) first = NULL;
  g_autofree char *text = NULL;
  g_autofree char *qr = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  IppPeer peer = { NULL, };
  TongbanWindow *window;
  GtkWidget *page, *body;
  guint cards;

#ifndef HAVE_CUPS
  g_test_skip ("the laser printer driver is not built (no libcups)");
  return;
#endif
  if (!ipp_peer_start (&peer))
    return;
  g_key_file_set_string (laser, "device:laser", "type", "laser");
  g_key_file_set_string (laser, "device:laser", "uri", peer.uri);
  g_assert_true (tongban_devices_simulate_with (devices, laser, &error));
  g_assert_no_error (error);
  g_assert_true (ui_test_wait_for (device_online,
                                   tongban_devices_get (devices, "id-card-reader"), 10000));
  g_assert_true (ui_test_wait_for (device_online,
                                   tongban_devices_get (devices, "laser-printer"), 20000));

  window = make_window (5);
  page = part (window, "flow_page");
  tongban_window_set_devices (window, devices);
  set_language (window, "zh_HK");
  tongban_window_open (window, "service", "F-GD-07");
  ui_test_iterate (20);
  shot (window, "cert-zh_HK-01-service");
  click (ui_test_find_by_class (part (window, "service_page"), "start-button"));
  expect_step (window, "auth");
  shot (window, "cert-zh_HK-02-auth");

  /* 居民身份證: the card is read through the driver, then checked. */
  cards = tongban_file_backend_get_calls (backend, "auth.id-card");
  click (find_by_name (page, "id-card"));
  expect_step (window, "purpose");
  g_assert_cmpuint (tongban_file_backend_get_calls (backend, "auth.id-card"), ==, cards + 1);
  g_assert_cmpuint (strlen (json_object_get_string_member (
                      tongban_file_backend_get_last_params (backend, "auth.id-card"),
                      "id_number")), ==, 18);
  shot (window, "cert-zh_HK-03-purpose");
  click (ui_test_find_by_class (page, "choice"));

  expect_step (window, "preview");
  body = tongban_flow_page_get_body (TONGBAN_FLOW_PAGE (page));
  g_assert_cmpstr (gtk_widget_get_name (body), ==, "document-preview");
  g_assert_cmpstr (g_object_get_data (G_OBJECT (body), "document-title"), ==,
                   "社會保險參保繳費證明");
  shot (window, "cert-zh_HK-04-preview");

  /* Print: the certificate goes to ippeveprinter; the flow moves on only
   * once the printer has taken the job. */
  press_continue (window);
  g_assert_true (ui_test_wait_for (step_is_result, window, 60000));
  ui_test_iterate (20);
  shot (window, "cert-zh_HK-05-result");

  g_assert_true (g_file_get_contents (peer.output, &contents, &length, &error));
  g_assert_no_error (error);
  printed = g_bytes_new_take (g_steal_pointer (&contents), length);
  if (g_getenv ("TONGBAN_SHOT_DIR"))
    {
      g_autofree char *path = g_build_filename (g_getenv ("TONGBAN_SHOT_DIR"),
                                                "cert-zh_HK-06-printed.pdf", NULL);

      g_assert_true (g_file_set_contents (path, g_bytes_get_data (printed, NULL), length, NULL));
    }
  doc = open_pdf (printed);
  g_assert_cmpint (poppler_document_get_n_pages (doc), >=, 1);
  text = page_text (doc, 0);
  g_assert_nonnull (strstr (text, "社會保險參保繳費證明"));
  g_assert_nonnull (strstr (text, "GDSI-2026-118877"));
  g_assert_nonnull (strstr (text, "陳大文"));
  first = poppler_document_get_page (doc, 0);
  qr = decode_qr (first);
  g_assert_cmpstr (qr, ==, "http://127.0.0.1:8650/verify/GDSI-2026-118877");

  destroy_window (window);
  tongban_devices_stop (devices);
  ipp_peer_stop (&peer);
}

static void
test_flow_cancel_and_failure (void)
{
  TongbanWindow *window = make_window (5);
  GtkWidget *page = part (window, "flow_page");
  TongbanSession *session = tongban_window_get_session (window);

  /* The department's system is down: plain words, a way to try again. */
  tongban_file_backend_set_failure (backend, "si.info", TONGBAN_BACKEND_ERROR_UNAVAILABLE);
  tongban_window_open (window, "service", "F-GD-09");
  set_language (window, "en");
  click (ui_test_find_by_class (part (window, "service_page"), "start-button"));
  click (find_by_name (page, "id-card"));
  expect_step (window, "view");
  g_assert_true (gtk_widget_get_visible (find_by_name (page, "retry_button")));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (find_by_name (page,
                                                                               "status_label"))),
                                   "The department's system cannot be reached just now."));
  tongban_file_backend_set_failure (backend, "si.info", -1);
  click (find_by_name (page, "retry_button"));
  expect_step (window, "view");
  g_assert_false (gtk_widget_get_visible (find_by_name (page, "retry_button")));
  g_assert_nonnull (ui_test_find_by_class (tongban_flow_page_get_body (TONGBAN_FLOW_PAGE (page)),
                                           "facts"));

  /* Home asks first; Stop deletes the answers and goes home. */
  click (part (window, "home_button"));
  g_assert_true (page_is (window, "flow"));
  g_assert_true (gtk_widget_get_visible (find_by_name (page, "confirm_box")));
  click (find_by_name (page, "stop_button"));
  g_assert_true (page_is (window, "home"));
  g_assert_true (tongban_session_get_active (session));
  g_assert_cmpuint (tongban_session_get_n_values (session), ==, 0);

  /* Back before the first step leaves the service for its page. */
  tongban_window_open (window, "service", "F-GD-07");
  click (ui_test_find_by_class (part (window, "service_page"), "start-button"));
  expect_step (window, "auth");
  click (part (window, "back_button"));
  g_assert_true (page_is (window, "service"));
  destroy_window (window);
}

/* ---- voice guidance ----------------------------------------------------- */

typedef struct {
  GPtrArray *voices;
  GPtrArray *texts;
  GArray    *kinds;
  GMutex     lock;     /* the hook runs on the engine's worker thread */
} Heard;

static void
on_synth (const char        *voice_language,
          const char        *voice_identifier,
          TongbanSpeechKind  kind,
          const char        *text,
          gpointer           data)
{
  Heard *heard = data;

  g_mutex_lock (&heard->lock);
  g_ptr_array_add (heard->voices, g_strdup (voice_identifier));
  g_ptr_array_add (heard->texts, g_strdup (text));
  g_array_append_val (heard->kinds, kind);
  g_mutex_unlock (&heard->lock);
}

static gboolean
heard_something (gpointer data)
{
  Heard *heard = data;
  gboolean any;

  g_mutex_lock (&heard->lock);
  any = heard->texts->len > 0;
  g_mutex_unlock (&heard->lock);
  return any;
}

static gboolean
heard_kind (Heard             *heard,
            TongbanSpeechKind  kind,
            const char        *needle)
{
  gboolean found = FALSE;

  g_mutex_lock (&heard->lock);
  for (guint i = 0; !found && i < heard->texts->len; i++)
    found = g_array_index (heard->kinds, TongbanSpeechKind, i) == kind &&
            (needle == NULL || strstr (g_ptr_array_index (heard->texts, i), needle));
  g_mutex_unlock (&heard->lock);
  return found;
}

static void
forget (Heard *heard)
{
  g_mutex_lock (&heard->lock);
  g_ptr_array_set_size (heard->voices, 0);
  g_ptr_array_set_size (heard->texts, 0);
  g_array_set_size (heard->kinds, 0);
  g_mutex_unlock (&heard->lock);
}

static gboolean
first_voice_is (Heard           *heard,
                TongbanLanguage  language)
{
  gboolean same;

  g_mutex_lock (&heard->lock);
  /* espeak-ng names voices by family: "sit/yue" is Cantonese. */
  same = heard->voices->len > 0 &&
         g_str_has_suffix (g_ptr_array_index (heard->voices, 0),
                           tongban_speech_voice_for (language));
  g_mutex_unlock (&heard->lock);
  return same;
}

/* Each page speaks its own words in the voice of the displayed language;
 * records from the back end are withheld without a headset. */
static void
test_voice (void)
{
  TongbanWindow *window = make_window (5);
  g_autoptr(TongbanSpeech) speech = tongban_speech_new ("fakesink sync=false");
  Heard heard = { g_ptr_array_new_with_free_func (g_free), g_ptr_array_new_with_free_func (g_free),
                  g_array_new (FALSE, FALSE, sizeof (TongbanSpeechKind)) };

  g_mutex_init (&heard.lock);
  GtkWidget *page = part (window, "flow_page");

  if (tongban_speech_get_status (speech) != TONGBAN_SPEECH_STATUS_READY)
    g_error ("espeak-ng or GStreamer is missing (tools/debian-packages.txt)");
  tongban_speech_set_synth_hook (speech, on_synth, &heard);
  tongban_window_set_speech (window, speech);

  set_language (window, "zh_HK");
  tongban_window_open (window, "category", "gd-housing-fund");
  g_assert_true (ui_test_wait_for (heard_something, &heard, 5000));
  ui_test_iterate (200);
  g_assert_true (heard_kind (&heard, TONGBAN_SPEECH_KIND_TEXT, "住房公積金"));
  g_assert_true (heard_kind (&heard, TONGBAN_SPEECH_KIND_TEXT, "公積金帳戶明細查詢"));
  g_assert_true (first_voice_is (&heard, TONGBAN_LANGUAGE_ZH_HK));

  forget (&heard);
  set_language (window, "en");
  g_assert_true (ui_test_wait_for (heard_something, &heard, 5000));
  ui_test_iterate (200);
  g_assert_true (heard_kind (&heard, TONGBAN_SPEECH_KIND_TEXT, "Housing provident fund"));
  g_assert_true (first_voice_is (&heard, TONGBAN_LANGUAGE_EN));

  /* A record from the back end: withheld without a headset... */
  tongban_window_open (window, "flow", "F-GD-09");
  ui_test_iterate (20);
  forget (&heard);
  /* A reader takes a moment; so does the identity service here. */
  tongban_file_backend_set_delay (backend, 800);
  click (find_by_name (page, "id-card"));
  expect_step (window, "view");
  tongban_file_backend_set_delay (backend, 0);
  /* The device prompt is said, not only shown. */
  g_assert_true (heard_kind (&heard, TONGBAN_SPEECH_KIND_TEXT, "Place your identity card"));
  forget (&heard);
  tongban_window_retranslate (window);
  set_language (window, "zh_CN");
  g_assert_true (ui_test_wait_for (heard_something, &heard, 5000));
  ui_test_iterate (300);
  g_assert_true (heard_kind (&heard, TONGBAN_SPEECH_KIND_WITHHELD, NULL));
  g_assert_false (heard_kind (&heard, TONGBAN_SPEECH_KIND_TEXT, "8650"));
  g_assert_false (heard_kind (&heard, TONGBAN_SPEECH_KIND_TEXT, "8,650.00"));
  g_assert_false (heard_kind (&heard, TONGBAN_SPEECH_KIND_PERSONAL, "8,650.00"));
  /* ...and spoken into one. */
  forget (&heard);
  tongban_speech_set_headset (speech, TRUE);
  set_language (window, "en");
  g_assert_true (ui_test_wait_for (heard_something, &heard, 5000));
  ui_test_iterate (300);
  g_assert_true (heard_kind (&heard, TONGBAN_SPEECH_KIND_PERSONAL, "8,650.00"));

  /* Repeat and volume on screen; the volume goes back for the next person. */
  {
    guint step = tongban_speech_get_volume_step (speech);

    g_assert_true (gtk_widget_get_visible (part (window, "voice_controls")));
    click (part (window, "louder_button"));
    g_assert_cmpuint (tongban_speech_get_volume_step (speech), ==, step + 1);
    forget (&heard);
    click (part (window, "repeat_button"));
    g_assert_true (ui_test_wait_for (heard_something, &heard, 5000));
    tongban_session_end (tongban_window_get_session (window), TONGBAN_SESSION_END_TIMEOUT);
    ui_test_iterate (20);
    g_assert_cmpuint (tongban_speech_get_volume_step (speech), ==, step);
  }

  /* PIN digits are read back as asterisks, never as digits. */
  forget (&heard);
  tongban_window_set_maintenance (window, TRUE);
  tongban_maintenance_overlay_open_sign_in (TONGBAN_MAINTENANCE_OVERLAY (part (window,
                                                                               "maintenance")));
  forget (&heard);
  tongban_maintenance_overlay_press (TONGBAN_MAINTENANCE_OVERLAY (part (window, "maintenance")),
                                     "7");
  g_assert_true (ui_test_wait_for (heard_something, &heard, 5000));
  ui_test_iterate (300);
  g_assert_true (heard_kind (&heard, TONGBAN_SPEECH_KIND_MASKED, NULL));
  g_assert_false (heard_kind (&heard, TONGBAN_SPEECH_KIND_MASKED, "7"));
  g_assert_false (heard_kind (&heard, TONGBAN_SPEECH_KIND_TEXT, "7"));

  tongban_speech_set_synth_hook (speech, NULL, NULL);
  destroy_window (window);
  g_ptr_array_unref (heard.voices);
  g_ptr_array_unref (heard.texts);
  g_array_unref (heard.kinds);
  g_mutex_clear (&heard.lock);
}

/* ---- keys alone ----------------------------------------------------------- */

/* Moves the focus one step as the PIN pad's arrow keys do, and returns the
 * newly focused widget. */
static GtkWidget *
move_focus (TongbanWindow    *window,
            GtkDirectionType  direction)
{
  gtk_widget_child_focus (GTK_WIDGET (window), direction);
  ui_test_iterate (5);
  return gtk_root_get_focus (GTK_ROOT (window));
}

static gboolean
is_or_inside (GtkWidget  *widget,
              const char *name)
{
  for (; widget; widget = gtk_widget_get_parent (widget))
    if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
      return TRUE;
  return FALSE;
}

/* The whole way from home to a service's first step with the focus keys and
 * OK alone (UX.md, EN 301 549 closed functionality). */
static void
test_keys_alone (void)
{
  TongbanWindow *window = make_window (5);
  GtkWidget *focus = NULL;
  guint moves;

  tongban_window_open (window, "home", NULL);
  set_language (window, "en");
  /* Forward through the page until the Social insurance tile has the focus. */
  for (moves = 0; moves < 60 && !is_or_inside (focus, "gd-social-insurance"); moves++)
    focus = move_focus (window, GTK_DIR_TAB_FORWARD);
  g_assert_true (is_or_inside (focus, "gd-social-insurance"));
  g_assert_true (gtk_widget_activate (focus));
  ui_test_iterate (300);   /* keyboard activation animates the press */
  g_assert_true (page_is (window, "category"));

  for (focus = NULL, moves = 0; moves < 60 && !is_or_inside (focus, "F-GD-07"); moves++)
    focus = move_focus (window, GTK_DIR_TAB_FORWARD);
  g_assert_true (is_or_inside (focus, "F-GD-07"));
  g_assert_true (gtk_widget_activate (focus));
  ui_test_iterate (300);
  g_assert_true (page_is (window, "service"));

  for (focus = NULL, moves = 0;
       moves < 60 && !(focus && gtk_widget_has_css_class (focus, "start-button")); moves++)
    focus = move_focus (window, GTK_DIR_TAB_FORWARD);
  g_assert_true (gtk_widget_has_css_class (focus, "start-button"));
  g_assert_true (gtk_widget_activate (focus));
  ui_test_iterate (300);
  g_assert_true (page_is (window, "flow"));
  destroy_window (window);
}

/* ---- the hardware PIN pad ---------------------------------------------- */

static guint pad_keys_seen;

static void
count_pad_key (TongbanDevices *devices,
               const char     *key,
               gpointer        data)
{
  pad_keys_seen++;
}

static gboolean
pad_key_arrived (gpointer data)
{
  return pad_keys_seen > GPOINTER_TO_UINT (data);
}

static gboolean
pad_enabled (gpointer sim)
{
  return tongban_sim_pinpad_get_enabled (sim);
}

/* One key pressed on the simulated pad: its frame goes over the pty to the
 * real driver, which hands it to the window. */
static void
pad (TongbanDevices *devices,
     const char     *key)
{
  g_autofree char *event = g_strdup_printf ("key %s", key);
  guint before = pad_keys_seen;

  g_assert_true (tongban_devices_simulate_event (devices, "pin-pad", event));
  g_assert_true (ui_test_wait_for (pad_key_arrived, GUINT_TO_POINTER (before), 5000));
  ui_test_iterate (10);
}

/* Presses @key until the focus is on (or inside) the widget named @name,
 * or the start button when @name is NULL. */
static GtkWidget *
pad_until (TongbanWindow  *window,
           TongbanDevices *devices,
           const char     *key,
           const char     *name)
{
  GtkWidget *focus = NULL;

  for (guint moves = 0; moves < 60; moves++)
    {
      pad (devices, key);
      focus = gtk_root_get_focus (GTK_ROOT (window));
      if (name ? is_or_inside (focus, name)
               : focus != NULL && gtk_widget_has_css_class (focus, "start-button"))
        return focus;
    }
  g_error ("key %s never reached %s", key, name ? name : "the start button");
  return NULL;
}

static TongbanDevices *
pad_devices (TongbanWindow *window)
{
  TongbanDevices *devices = tongban_devices_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (tongban_devices_simulate (devices, &error));
  g_assert_no_error (error);
  tongban_window_set_devices (window, devices);
  g_signal_connect (devices, "key", G_CALLBACK (count_pad_key), NULL);
  /* The kiosk tells the pad to send its keys once it is online. */
  g_assert_true (ui_test_wait_for (pad_enabled, tongban_devices_get_simulator (devices, "pin-pad"),
                                   10000));
  return devices;
}

/* From the attract screen to a service's first step and back home with the
 * hardware PIN pad alone; its keys for help, voice and volume; a PIN typed
 * on it and heard only as asterisks. */
static void
test_pad_alone (void)
{
  TongbanWindow *window = make_window (5);
  g_autoptr(TongbanDevices) devices = pad_devices (window);
  g_autoptr(TongbanSpeech) speech = tongban_speech_new ("fakesink sync=false");
  TongbanMaintenanceOverlay *overlay;
  GtkWidget *first, *second;
  Heard heard = { g_ptr_array_new_with_free_func (g_free), g_ptr_array_new_with_free_func (g_free),
                  g_array_new (FALSE, FALSE, sizeof (TongbanSpeechKind)) };
  guint step;

  g_mutex_init (&heard.lock);
  g_assert_cmpint (tongban_speech_get_status (speech), ==, TONGBAN_SPEECH_STATUS_READY);
  tongban_speech_set_synth_hook (speech, on_synth, &heard);
  tongban_window_set_speech (window, speech);
  set_language (window, "en");
  tongban_session_end (tongban_window_get_session (window), TONGBAN_SESSION_END_TIMEOUT);
  ui_test_iterate (20);
  g_assert_true (page_is (window, "attract"));

  /* Any key begins, like a touch. */
  pad (devices, "enter");
  g_assert_true (page_is (window, "home"));
  set_language (window, "en");

  /* 8 forward, 4 back: the focus walks the page and says where it is. */
  pad (devices, "8");
  first = gtk_root_get_focus (GTK_ROOT (window));
  pad (devices, "8");
  second = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (first);
  g_assert_true (first != second);
  forget (&heard);
  pad (devices, "4");
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == first);
  g_assert_true (ui_test_wait_for (heard_something, &heard, 5000));

  pad_until (window, devices, "8", "gd-social-insurance");
  pad (devices, "enter");
  ui_test_iterate (300);   /* keyboard activation animates the press */
  g_assert_true (page_is (window, "category"));
  pad_until (window, devices, "6", "F-GD-07");
  pad (devices, "enter");
  ui_test_iterate (300);
  g_assert_true (page_is (window, "service"));
  pad_until (window, devices, "8", NULL);
  pad (devices, "enter");
  ui_test_iterate (300);
  g_assert_true (page_is (window, "flow"));

  /* Cancel is Back, all the way home. */
  pad (devices, "cancel");
  g_assert_true (page_is (window, "service"));
  pad (devices, "cancel");
  g_assert_true (page_is (window, "category"));
  pad (devices, "cancel");
  g_assert_true (page_is (window, "home"));

  /* 1 is help, which tells the keypad's layout (shown and said); Cancel
   * closes it. */
  forget (&heard);
  pad (devices, "1");
  g_assert_true (gtk_widget_get_visible (part (window, "help_panel")));
  g_assert_true (gtk_widget_get_visible (part (window, "keypad_help")));
  g_assert_true (ui_test_wait_for (heard_something, &heard, 5000));
  ui_test_iterate (300);
  g_assert_true (heard_kind (&heard, TONGBAN_SPEECH_KIND_TEXT, "On the keypad"));
  pad (devices, "cancel");
  g_assert_false (gtk_widget_get_visible (part (window, "help_panel")));
  g_assert_true (page_is (window, "home"));

  /* 9 louder, 7 quieter, 5 says the page again, 0 pauses and goes on. */
  step = tongban_speech_get_volume_step (speech);
  pad (devices, "9");
  g_assert_cmpuint (tongban_speech_get_volume_step (speech), ==, step + 1);
  pad (devices, "7");
  pad (devices, "7");
  g_assert_cmpuint (tongban_speech_get_volume_step (speech), ==, step - 1);
  forget (&heard);
  pad (devices, "5");
  g_assert_true (ui_test_wait_for (heard_something, &heard, 5000));
  pad (devices, "0");
  g_assert_true (tongban_speech_get_paused (speech));
  pad (devices, "0");
  g_assert_false (tongban_speech_get_paused (speech));

  /* A PIN field has the focus: the digits go into it, heard as asterisks. */
  tongban_window_set_maintenance (window, TRUE);
  overlay = TONGBAN_MAINTENANCE_OVERLAY (part (window, "maintenance"));
  tongban_maintenance_overlay_open_sign_in (overlay);
  ui_test_iterate (300);
  forget (&heard);
  for (const char *p = TEST_PIN; *p; p++)
    {
      char key[2] = { *p, '\0' };

      pad (devices, key);
    }
  g_assert_cmpuint (tongban_pin_pad_get_length (TONGBAN_PIN_PAD (
                      tongban_maintenance_overlay_get_pin_pad (overlay))), ==, strlen (TEST_PIN));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (ui_test_find_by_class (GTK_WIDGET (overlay),
                                                                          "pin-display"))), ==,
                   "●●●●●●");
  ui_test_iterate (300);
  g_assert_true (heard_kind (&heard, TONGBAN_SPEECH_KIND_MASKED, NULL));
  for (const char *p = TEST_PIN; *p; p++)
    {
      char digit[2] = { *p, '\0' };

      g_assert_false (heard_kind (&heard, TONGBAN_SPEECH_KIND_TEXT, digit));
      g_assert_false (heard_kind (&heard, TONGBAN_SPEECH_KIND_MASKED, digit));
    }
  pad (devices, "enter");
  g_assert_true (ui_test_wait_for (not_busy, overlay, 10000));
  ui_test_iterate (10);
  g_assert_true (gtk_widget_get_visible (find_by_name (GTK_WIDGET (overlay), "resume_button")));

  tongban_speech_set_synth_hook (speech, NULL, NULL);
  destroy_window (window);
  tongban_devices_stop (devices);
  g_ptr_array_unref (heard.voices);
  g_ptr_array_unref (heard.texts);
  g_array_unref (heard.kinds);
  g_mutex_clear (&heard.lock);
}

/* A field that loses the focus is read back: spelt for an identity number,
 * withheld without a headset; on request with the pad's 3. Speech goes to a
 * WAV file. */
static void
test_read_back (void)
{
  TongbanWindow *window = make_window (5);
  g_autoptr(TongbanDevices) devices = pad_devices (window);
  g_autofree char *dir = g_dir_make_tmp ("tongban-read-back-XXXXXX", NULL);
  g_autofree char *wav = g_build_filename (dir, "read-back.wav", NULL);
  g_autofree char *sink = g_strconcat ("file:", wav, NULL);
  g_autoptr(TongbanSpeech) speech = tongban_speech_new (sink);
  GtkWidget *page = part (window, "flow_page");
  Heard heard = { g_ptr_array_new_with_free_func (g_free), g_ptr_array_new_with_free_func (g_free),
                  g_array_new (FALSE, FALSE, sizeof (TongbanSpeechKind)) };
  GStatBuf st;

  g_mutex_init (&heard.lock);
  g_assert_cmpint (tongban_speech_get_status (speech), ==, TONGBAN_SPEECH_STATUS_READY);
  tongban_speech_set_synth_hook (speech, on_synth, &heard);
  tongban_window_set_speech (window, speech);
  tongban_window_open (window, "service", "F-HK-01");
  set_language (window, "en");
  click (ui_test_find_by_class (part (window, "service_page"), "start-button"));
  click (find_by_name (page, "permit"));
  expect_step (window, "taxpayer");

  /* Without a headset: the label and "you typed", never the number. */
  gtk_widget_grab_focus (find_entry (window, "hkid"));
  gtk_editable_set_text (GTK_EDITABLE (find_entry (window, "hkid")), "A1234563");
  ui_test_iterate (200);
  forget (&heard);
  gtk_widget_grab_focus (find_entry (window, "name"));
  g_assert_true (ui_test_wait_for (heard_something, &heard, 5000));
  ui_test_iterate (300);
  g_assert_true (heard_kind (&heard, TONGBAN_SPEECH_KIND_TEXT, "You typed"));
  g_assert_true (heard_kind (&heard, TONGBAN_SPEECH_KIND_WITHHELD, NULL));
  g_assert_false (heard_kind (&heard, TONGBAN_SPEECH_KIND_TEXT, "1 2 3"));
  g_assert_false (heard_kind (&heard, TONGBAN_SPEECH_KIND_TEXT, "A1234563"));
  g_assert_false (heard_kind (&heard, TONGBAN_SPEECH_KIND_PERSONAL, NULL));

  /* Into a headset: digit by digit. */
  tongban_speech_set_headset (speech, TRUE);
  gtk_widget_grab_focus (find_entry (window, "hkid"));
  ui_test_iterate (50);
  forget (&heard);
  gtk_widget_grab_focus (find_entry (window, "name"));
  g_assert_true (ui_test_wait_for (heard_something, &heard, 5000));
  ui_test_iterate (300);
  g_assert_true (heard_kind (&heard, TONGBAN_SPEECH_KIND_PERSONAL, "A 1 2 3 4 5 6 3"));

  /* On request: 3 on the pad reads the field that has the focus; a name
   * is said as words, not spelt. */
  gtk_editable_set_text (GTK_EDITABLE (find_entry (window, "name")), "Chan Tai Man");
  forget (&heard);
  pad (devices, "3");
  g_assert_true (ui_test_wait_for (heard_something, &heard, 5000));
  ui_test_iterate (300);
  g_assert_true (heard_kind (&heard, TONGBAN_SPEECH_KIND_PERSONAL, "Chan Tai Man"));
  /* Clear on the pad empties the field; read back, it says so. */
  pad (devices, "clear");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_entry (window, "name"))), ==, "");
  forget (&heard);
  pad (devices, "3");
  g_assert_true (ui_test_wait_for (heard_something, &heard, 5000));
  ui_test_iterate (300);
  g_assert_true (heard_kind (&heard, TONGBAN_SPEECH_KIND_TEXT, "Nothing typed yet"));

  tongban_speech_set_synth_hook (speech, NULL, NULL);
  destroy_window (window);
  tongban_devices_stop (devices);
  /* The speech reached the file (a WAV header alone is 44 bytes). */
  g_clear_object (&speech);
  g_assert_cmpint (g_stat (wav, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 44 + 22050);
  g_unlink (wav);
  g_rmdir (dir);
  g_ptr_array_unref (heard.voices);
  g_ptr_array_unref (heard.texts);
  g_array_unref (heard.kinds);
  g_mutex_clear (&heard.lock);
}

/* A line of the maintainer's report starting with @line. */
static gboolean
report_has (GtkWidget  *root,
            const char *line)
{
  if (GTK_IS_LABEL (root) && gtk_widget_has_css_class (root, "report-line") &&
      g_str_has_prefix (gtk_label_get_label (GTK_LABEL (root)), line))
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    if (report_has (c, line))
      return TRUE;
  return FALSE;
}

/* No audio output: the kiosk works on screen as before, shows no voice
 * controls that would do nothing, and the maintainer's report (the
 * monitor's component list) says the voice is offline. */
static void
test_voice_missing (void)
{
  TongbanWindow *window = make_window (5);
  g_autoptr(TongbanSpeech) speech = tongban_speech_new ("no-such-element");
  GtkWidget *page = part (window, "flow_page");
  TongbanMaintenanceOverlay *overlay;

  g_assert_cmpint (tongban_speech_get_status (speech), ==, TONGBAN_SPEECH_STATUS_NO_AUDIO);
  g_assert_cmpstr (tongban_speech_status_to_component (TONGBAN_SPEECH_STATUS_NO_AUDIO), ==,
                   "offline");
  tongban_window_set_speech (window, speech);
  g_assert_false (gtk_widget_get_visible (part (window, "voice_controls")));

  tongban_window_open (window, "category", "gd-social-insurance");
  ui_test_iterate (50);
  click (tongban_category_page_get_row (TONGBAN_CATEGORY_PAGE (part (window, "category_page")),
                                        "F-GD-09"));
  g_assert_true (page_is (window, "service"));
  click (ui_test_find_by_class (part (window, "service_page"), "start-button"));
  click (find_by_name (page, "id-card"));
  expect_step (window, "view");
  click (part (window, "help_button"));
  g_assert_true (gtk_widget_get_visible (part (window, "help_panel")));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.close-help", NULL);
  click (part (window, "back_button"));
  ui_test_iterate (50);

  tongban_window_set_maintenance (window, TRUE);
  overlay = TONGBAN_MAINTENANCE_OVERLAY (part (window, "maintenance"));
  tongban_maintenance_overlay_open_sign_in (overlay);
  enter_pin (overlay, TEST_PIN);
  g_assert_true (report_has (GTK_WIDGET (overlay), "voice: offline"));
  destroy_window (window);
}

/* ---- no codes or system text on screen ---------------------------------- */

static GPtrArray *system_text;   /* GRegex, from tests/data/system-text.txt */

static void
load_system_text (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "data",
                                            "system-text.txt", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (system_text)
    return;
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  system_text = g_ptr_array_new_with_free_func ((GDestroyNotify) g_regex_unref);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (lines[i][0] != '\0' && lines[i][0] != '#')
      {
        g_autoptr(GError) error = NULL;
        GRegex *regex = g_regex_new (lines[i], G_REGEX_OPTIMIZE, 0, &error);

        g_assert_no_error (error);
        g_ptr_array_add (system_text, regex);
      }
  g_assert_cmpuint (system_text->len, >, 10);
}

static void
check_no_system_text (GtkWidget  *root,
                      const char *where,
                      guint      *n_labels)
{
  if (!gtk_widget_get_mapped (root))
    return;
  if (GTK_IS_LABEL (root))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (root));

      for (guint i = 0; text && i < system_text->len; i++)
        if (g_regex_match (g_ptr_array_index (system_text, i), text, 0, NULL))
          g_error ("%s: \"%s\" is on screen (%s)", where, text,
                   g_regex_get_pattern (g_ptr_array_index (system_text, i)));
      (*n_labels)++;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    check_no_system_text (c, where, n_labels);
}

static void
check_screen (TongbanWindow *window,
              const char    *where)
{
  guint n = 0;

  check_no_system_text (GTK_WIDGET (window), where, &n);
  g_assert_cmpuint (n, >, 5);
}

static gboolean
retry_shown (gpointer data)
{
  return gtk_widget_get_visible (find_by_name (data, "retry_button"));
}

/* The status panel shows a prompt or a failure. */
static gboolean
status_shown (gpointer data)
{
  GtkWidget *label = find_by_name (data, "status_label");

  return gtk_widget_get_mapped (label) && *gtk_label_get_text (GTK_LABEL (label)) != '\0';
}

/* Faults injected where a citizen would meet them — every kind of back-end
 * failure on every operation, a reader that talks garbage or has no card,
 * printers out of paper, open or jammed — in all three languages: every
 * label then on screen is free of codes and system text. */
static void
test_no_system_text (void)
{
  static const TongbanBackendError codes[] = {
    TONGBAN_BACKEND_ERROR_UNAVAILABLE, TONGBAN_BACKEND_ERROR_REFUSED,
    TONGBAN_BACKEND_ERROR_INVALID,
  };
  static const char *const printer_faults[][2] = {
    { "paper out", "paper loaded" }, { "cover open", "cover closed" },
    { "cutter error", "cutter ok" },
  };
  const char *langs[] = { "zh_CN", "zh_HK", "en" };
  const char *operations[] = { "auth.id-card", "si.info" };
  TongbanWindow *window = make_window (5);
  g_autoptr(TongbanDevices) devices = tongban_devices_new ();
  g_autoptr(GError) error = NULL;
  GtkWidget *page = part (window, "flow_page");

  load_system_text ();
  g_assert_true (tongban_devices_simulate (devices, &error));
  g_assert_no_error (error);
  tongban_window_set_devices (window, devices);
  g_assert_true (ui_test_wait_for (device_online,
                                   tongban_devices_get (devices, "id-card-reader"), 10000));

  for (guint l = 0; l < G_N_ELEMENTS (langs); l++)
    {
      /* The back end fails at the identity check, then at the record. */
      for (guint c = 0; c < G_N_ELEMENTS (codes); c++)
        for (guint o = 0; o < G_N_ELEMENTS (operations); o++)
          {
            g_autofree char *where = g_strdup_printf ("%s, %s fails with %d", langs[l],
                                                      operations[o], codes[c]);

            tongban_file_backend_set_failure (backend, operations[o], codes[c]);
            /* A new citizen each time: proving who you are is asked again. */
            tongban_session_end (tongban_window_get_session (window),
                                 TONGBAN_SESSION_END_CANCELLED);
            tongban_window_open (window, "flow", "F-GD-09");
            set_language (window, langs[l]);
            ui_test_iterate (20);
            click (find_by_name (page, "id-card"));
            g_assert_true (ui_test_wait_for (retry_shown, page, 10000));
            ui_test_iterate (20);
            check_screen (window, where);
            tongban_file_backend_set_failure (backend, operations[o], -1);
          }

      /* The reader talks garbage; then has no card (the prompt waits). */
      tongban_session_end (tongban_window_get_session (window), TONGBAN_SESSION_END_CANCELLED);
      tongban_window_open (window, "flow", "F-GD-09");
      set_language (window, langs[l]);
      ui_test_iterate (20);
      g_assert_true (tongban_devices_simulate_event (devices, "id-card-reader", "garbage"));
      click (find_by_name (page, "id-card"));
      ui_test_iterate (1500);
      check_screen (window, "card reader garbage");
      tongban_window_open (window, "home", NULL);
      g_assert_true (tongban_devices_simulate_event (devices, "id-card-reader", "card removed"));
      g_assert_true (ui_test_wait_for (device_online,
                                       tongban_devices_get (devices, "id-card-reader"), 10000));
      tongban_session_end (tongban_window_get_session (window), TONGBAN_SESSION_END_CANCELLED);
      tongban_window_open (window, "flow", "F-GD-09");
      set_language (window, langs[l]);
      ui_test_iterate (20);
      click (find_by_name (page, "id-card"));
      g_assert_true (ui_test_wait_for (status_shown, page, 5000));
      ui_test_iterate (200);
      check_screen (window, "no card");
      g_assert_true (tongban_devices_simulate_event (devices, "id-card-reader", "card present"));
      tongban_window_open (window, "home", NULL);

      /* The receipt printer's faults grey out what needs it, with reasons. */
      for (guint f = 0; f < G_N_ELEMENTS (printer_faults); f++)
        {
          g_autofree char *where = g_strdup_printf ("%s, receipt printer %s", langs[l],
                                                    printer_faults[f][0]);

          tongban_window_open (window, "category", "gd-online-affairs");
          g_assert_true (tongban_devices_simulate_event (devices, "receipt-printer",
                                                         printer_faults[f][0]));
          g_assert_true (ui_test_wait_for (row_greyed, window, 10000));
          check_screen (window, where);
          g_assert_true (tongban_devices_simulate_event (devices, "receipt-printer",
                                                         printer_faults[f][1]));
          g_assert_true (ui_test_wait_for (row_usable, window, 10000));
        }
    }
  destroy_window (window);
  tongban_devices_stop (devices);
  g_clear_pointer (&system_text, g_ptr_array_unref);
}

/* ---- contrast and clipping at each screen size --------------------------- */

typedef struct {
  TongbanWindow *window;
  const char    *where;
  guchar        *pixels;   /* the window as rendered: Cairo ARGB32, premultiplied */
  gsize          stride;
  int            width, height;
  guint          n_checked;
  double         worst;    /* the lowest contrast ratio seen */
} UxCheck;

/* WCAG 2 relative luminance of an sRGB colour. */
static double
luminance (double r, double g, double b)
{
  double c[3] = { r, g, b };

  for (guint i = 0; i < 3; i++)
    c[i] = c[i] <= 0.04045 ? c[i] / 12.92 : pow ((c[i] + 0.055) / 1.055, 2.4);
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/* Whether all of @box (window coordinates) shows: inside the window and
 * inside the viewport of every scrolled window @widget is in. */
static gboolean
fully_shown (GtkWidget       *widget,
             graphene_rect_t *box,
             gboolean        *scrolled)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (widget));
  graphene_rect_t view;

  gboolean shown;

  *scrolled = FALSE;
  g_assert_true (gtk_widget_compute_bounds (window, window, &view));
  shown = graphene_rect_contains_rect (&view, box);
  for (GtkWidget *w = gtk_widget_get_parent (widget); w; w = gtk_widget_get_parent (w))
    if (GTK_IS_SCROLLED_WINDOW (w))
      {
        *scrolled = TRUE;
        g_assert_true (gtk_widget_compute_bounds (w, window, &view));
        shown = shown && graphene_rect_contains_rect (&view, box);
      }
  return shown;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The background behind a label: the median luminance of the rendered
 * pixels along the edge of its box, where the ground shows and glyphs
 * rarely reach (a gradient has no single colour to count). */
static double
background_of (UxCheck         *ux,
               graphene_rect_t *box)
{
  g_autoptr(GArray) lum = g_array_new (FALSE, FALSE, sizeof (double));
  int x0 = MAX (0, (int) box->origin.x), y0 = MAX (0, (int) box->origin.y);
  int x1 = MIN (ux->width, (int) (box->origin.x + box->size.width)) - 1;
  int y1 = MIN (ux->height, (int) (box->origin.y + box->size.height)) - 1;

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      if (y == y0 || y == y1 || x == x0 || x == x1)
        {
          guint32 px = *(guint32 *) (ux->pixels + (gsize) y * ux->stride + (gsize) x * 4);
          double l = luminance (((px >> 16) & 0xff) / 255.0, ((px >> 8) & 0xff) / 255.0,
                                (px & 0xff) / 255.0);

          g_array_append_val (lum, l);
        }
  g_assert_cmpuint (lum->len, >, 0);
  g_array_sort (lum, compare_doubles);
  return g_array_index (lum, double, lum->len / 2);
}

/* Contrast of a label's text, from its computed CSS colour (with the opacity
 * of the widgets it sits in) over the rendered background. */
static double
contrast_of (UxCheck         *ux,
             GtkWidget       *label,
             graphene_rect_t *box)
{
  GdkRGBA fg;
  GtkBorder border;
  graphene_rect_t inner;
  double alpha, l1, l2;

  /* The ground is read inside the label's own border, if it has one. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (label), &fg);
  gtk_style_context_get_border (gtk_widget_get_style_context (label), &border);
  G_GNUC_END_IGNORE_DEPRECATIONS
  graphene_rect_init (&inner, box->origin.x + border.left + 1, box->origin.y + border.top + 1,
                      MAX (1, box->size.width - border.left - border.right - 2),
                      MAX (1, box->size.height - border.top - border.bottom - 2));
  l2 = background_of (ux, &inner);
  alpha = fg.alpha;
  for (GtkWidget *w = label; w; w = gtk_widget_get_parent (w))
    alpha *= gtk_widget_get_opacity (w);
  /* A translucent text colour, blended in luminance over the ground. */
  l1 = luminance (fg.red, fg.green, fg.blue) * alpha + l2 * (1 - alpha);
  return (MAX (l1, l2) + 0.05) / (MIN (l1, l2) + 0.05);
}

static void
check_ux_labels (UxCheck   *ux,
                 GtkWidget *widget)
{
  if (!gtk_widget_get_mapped (widget) || gtk_widget_get_opacity (widget) == 0)
    return;
  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));
      int min_w, min_h, w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
      gboolean scrolled, shown;
      graphene_rect_t box;

      g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (ux->window), &box));
      shown = fully_shown (widget, &box, &scrolled);
      if (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget))))
        g_error ("%s: \"%s\" is cut short (ellipsized)", ux->where, text);
      /* The text as laid out for the width it was given must fit the box
       * it was given (a box smaller than its text cuts it). */
      pango_layout_get_pixel_size (gtk_label_get_layout (GTK_LABEL (widget)), &min_w, &min_h);
      if (w < min_w || h < min_h)
        g_error ("%s: \"%s\" has %d × %d px for the %d × %d it needs", ux->where, text, w, h,
                 min_w, min_h);
      /* Outside a scrolled window, all of it must show. */
      if (!scrolled && !shown)
        g_error ("%s: \"%s\" reaches outside the window (%.0f,%.0f %.0f × %.0f)", ux->where,
                 text, box.origin.x, box.origin.y, box.size.width, box.size.height);
      /* Text of a control that is switched off is exempt (WCAG 1.4.3),
       * except the reason it is off, which the citizen must read. */
      if ((gtk_widget_is_sensitive (widget) ||
           gtk_widget_has_css_class (widget, "unavailable-reason")) && shown)
        {
          double ratio = contrast_of (ux, widget, &box);

          ux->worst = MIN (ux->worst, ratio);
          if (ratio < 4.5 && g_getenv ("TONGBAN_SHOT_DIR"))
            {
              g_autofree char *file = g_build_filename (g_getenv ("TONGBAN_SHOT_DIR"),
                                                        "ux-failure.png", NULL);

              tongban_window_save_screenshot (ux->window, file, NULL);
            }
          if (ratio < 4.5)
            g_error ("%s: \"%s\" has a contrast of %.2f:1, less than 4.5:1", ux->where, text,
                     ratio);
        }
      ux->n_checked++;
      return;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    check_ux_labels (ux, c);
}

static void
set_flag (gboolean *flag)
{
  *flag = TRUE;
}

static gboolean
flag_set (gpointer flag)
{
  return *(gboolean *) flag;
}

static GtkWidget *
mapped_scrim (GtkWidget *root)
{
  if (!gtk_widget_get_mapped (root))
    return NULL;
  if (gtk_widget_has_css_class (root, "scrim"))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = mapped_scrim (c);

      if (found)
        return found;
    }
  return NULL;
}

static gboolean
stack_settled (gpointer window)
{
  return !gtk_stack_get_transition_running (GTK_STACK (part (window, "stack")));
}

/* The window's pixels (Cairo ARGB32) as drawn now. Now and then the widget
 * paintable draws nothing (a page of one colour, which no kiosk page is):
 * then it is drawn again after another frame; NULL if it never is. */
static guchar *
render_pixels (TongbanWindow *window,
               gsize         *stride)
{
  for (guint attempt = 0; attempt < 5; attempt++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GdkTexture) texture = tongban_window_render (window, &error);
      guint32 *pixels;
      gsize n;

      g_assert_no_error (error);
      *stride = (gsize) gdk_texture_get_width (texture) * 4;
      n = *stride * (gsize) gdk_texture_get_height (texture) / 4;
      pixels = g_new (guint32, n);
      gdk_texture_download (texture, (guchar *) pixels, *stride);
      for (gsize i = 1; i < n; i++)
        if (pixels[i] != pixels[0])
          return (guchar *) pixels;
      g_free (pixels);
      ui_test_iterate (100);
    }
  return NULL;
}

/* The window as shown now: it fits the screen; no text is cut, ellipsized or
 * outside the window; every text has 4.5:1 against what is drawn behind it. */
static void
check_ux (TongbanWindow *window,
          const char    *where,
          double        *worst)
{
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (window));
  g_autoptr(GdkMonitor) monitor = g_list_model_get_item (gdk_display_get_monitors (display), 0);
  GdkRectangle screen;
  UxCheck ux = { window, where, NULL, 0, 0, 0, 0, 100 };

  /* Pages slide: the one going is still drawn until the move ends. Then
   * one whole frame, so that layout is done before it is read. */
  g_assert_true (ui_test_wait_for (stack_settled, window, 5000));
  {
    GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
    gboolean painted = FALSE;
    gulong id = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (set_flag), &painted);

    gtk_widget_queue_draw (GTK_WIDGET (window));
    g_assert_true (ui_test_wait_for (flag_set, &painted, 5000));
    g_signal_handler_disconnect (clock, id);
  }
  gdk_monitor_get_geometry (monitor, &screen);
  ux.width = gtk_widget_get_width (GTK_WIDGET (window));
  ux.height = gtk_widget_get_height (GTK_WIDGET (window));
  if (ux.width > screen.width || ux.height > screen.height)
    g_error ("%s: the window grew to %d × %d on a %d × %d screen", where, ux.width, ux.height,
             screen.width, screen.height);
  ux.pixels = render_pixels (window, &ux.stride);
  if (ux.pixels == NULL)
    g_error ("%s: the window draws nothing", where);
  /* Under a dialog's scrim the page is dimmed on purpose: the dialog is
   * what can be read then. */
  check_ux_labels (&ux, mapped_scrim (GTK_WIDGET (window)) ? mapped_scrim (GTK_WIDGET (window))
                                                           : GTK_WIDGET (window));
  g_free (ux.pixels);
  g_assert_cmpuint (ux.n_checked, >, 3);
  *worst = MIN (*worst, ux.worst);
}

/* Every step of @service, each checked, answered as a citizen would. */
static void
check_ux_flow (TongbanWindow *window,
               const char    *service_id,
               const char    *lang,
               gboolean      *seen,
               double        *worst)
{
  TongbanFlowPage *page = TONGBAN_FLOW_PAGE (part (window, "flow_page"));
  g_autoptr(TongbanFlow) flow = NULL;

  tongban_session_end (tongban_window_get_session (window), TONGBAN_SESSION_END_CANCELLED);
  tongban_window_open (window, "flow", service_id);
  set_language (window, lang);
  flow = g_object_ref (tongban_flow_page_get_flow (page));
  while (tongban_flow_get_state (flow) == TONGBAN_FLOW_RUNNING)
    {
      const TongbanStep *step;
      g_autofree char *where = NULL;

      step = tongban_flow_get_step (flow);
      /* Waiting for the back end (or a device) shows a page of its own. */
      if (tongban_flow_page_get_busy (page))
        {
          g_autofree char *waiting = g_strdup_printf ("%s, %s step %s, waiting", lang,
                                                      service_id, step->id);

          ui_test_iterate (100);
          if (tongban_flow_page_get_busy (page))
            check_ux (window, waiting, worst);
          seen[step->type] = TRUE;
          while (tongban_flow_page_get_busy (page))
            g_main_context_iteration (NULL, TRUE);
        }
      step = tongban_flow_get_step (flow);
      where = g_strdup_printf ("%s, %s step %s", lang, service_id, step->id);
      check_ux (window, where, worst);
      seen[step->type] = TRUE;
      if (step->type == TONGBAN_STEP_AUTH && tongban_flow_get_data (flow, NULL) == NULL)
        {
          answer (flow);
          gtk_widget_activate_action (GTK_WIDGET (page), "flow.load", NULL);
          continue;
        }
      answer (flow);
      if (!tongban_flow_next (flow, NULL))
        g_error ("%s: the step did not complete", where);
    }
}

static void
test_ux_checks (void)
{
  const char *langs[] = { "zh_CN", "zh_HK", "en" };
  const char *categories[] = { "gd-social-insurance", "hk-tax", "mo-civil" };
  TongbanWindow *window = make_window (5);
  GPtrArray *services = tongban_catalog_get_services (catalog);
  gboolean in_catalog[TONGBAN_N_STEP_TYPES] = { FALSE };
  double worst = 100;

  /* The back end takes a moment, so its waiting pages are seen too. */
  tongban_file_backend_set_delay (backend, 200);
  for (guint i = 0; i < services->len; i++)
    {
      const TongbanService *s = g_ptr_array_index (services, i);

      for (guint j = 0; j < s->steps->len; j++)
        in_catalog[((TongbanStep *) g_ptr_array_index (s->steps, j))->type] = TRUE;
    }

  /* The attract screen speaks all three languages at once. */
  tongban_session_end (tongban_window_get_session (window), TONGBAN_SESSION_END_TIMEOUT);
  check_ux (window, "attract", &worst);
  for (guint care = 0; care < 2; care++)
    for (guint l = 0; l < G_N_ELEMENTS (langs); l++)
      {
        gboolean seen[TONGBAN_N_STEP_TYPES] = { FALSE };
        g_autofree char *home = g_strdup_printf ("%s%s, home", langs[l],
                                                 care ? " care mode" : "");
        g_autofree char *help = g_strdup_printf ("%s%s, help", langs[l],
                                                 care ? " care mode" : "");

        tongban_window_open (window, "home", NULL);
        set_language (window, langs[l]);
        if (care)
          g_object_set (window, "care-mode", TRUE, NULL);
        check_ux (window, home, &worst);
        click (part (window, "help_button"));
        check_ux (window, help, &worst);
        gtk_widget_activate_action (GTK_WIDGET (window), "win.close-help", NULL);
        for (guint c = 0; c < G_N_ELEMENTS (categories); c++)
          {
            g_autofree char *where = g_strdup_printf ("%s%s, category %s", langs[l],
                                                      care ? " care mode" : "", categories[c]);

            tongban_window_open (window, "category", categories[c]);
            check_ux (window, where, &worst);
          }
        /* Every kind of step the catalogue has: the services that bring a
         * kind not seen yet, every step of each. */
        for (guint i = 0; i < services->len; i++)
          {
            const TongbanService *s = g_ptr_array_index (services, i);
            gboolean brings = FALSE;
            g_autofree char *where = g_strdup_printf ("%s%s, service %s", langs[l],
                                                      care ? " care mode" : "", s->id);

            for (guint j = 0; j < s->steps->len; j++)
              brings |= !seen[((TongbanStep *) g_ptr_array_index (s->steps, j))->type];
            if (!brings)
              continue;
            tongban_window_open (window, "service", s->id);
            set_language (window, langs[l]);
            check_ux (window, where, &worst);
            if (care)
              g_object_set (window, "care-mode", TRUE, NULL);
            check_ux_flow (window, s->id, langs[l], seen, &worst);
            if (care)
              g_object_set (window, "care-mode", TRUE, NULL);
          }
        for (guint t = 0; t < TONGBAN_N_STEP_TYPES; t++)
          if (in_catalog[t] && !seen[t])
            g_error ("%s: no step of kind %u was checked", langs[l], t);
        tongban_session_end (tongban_window_get_session (window), TONGBAN_SESSION_END_TIMEOUT);
        ui_test_iterate (20);
      }
  tongban_file_backend_set_delay (backend, 0);
  g_test_message ("lowest text contrast: %.2f:1", worst);
  destroy_window (window);
}

/* ---- touch targets and care mode ---------------------------------------- */

static void
check_targets (GtkWidget  *root,
               const char *where)
{
  if (!gtk_widget_get_mapped (root))
    return;
  if (GTK_IS_BUTTON (root) && gtk_widget_get_sensitive (root))
    {
      int w = gtk_widget_get_width (root), h = gtk_widget_get_height (root);

      /* UX.md item 6: at least 48 × 48 px. */
      if (w < 48 || h < 48)
        g_error ("%s: a button of %d × %d px is smaller than 48 × 48", where, w, h);
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    check_targets (c, where);
}

/* Every kind of page; the attract screen only when @attract (opening it
 * ends the session, and with it care mode). */
static void
check_all_pages (TongbanWindow *window,
                 const char    *where,
                 gboolean       attract)
{
  const char *pages[][2] = {
    { "attract", NULL }, { "home", NULL }, { "category", "gd-housing-fund" },
    { "service", "F-HK-01" }, { "flow", "F-GD-07" },
  };

  for (guint i = attract ? 0 : 1; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s, %s %s", where, pages[i][0],
                                               pages[i][1] ? pages[i][1] : "");

      tongban_window_open (window, pages[i][0], pages[i][1]);
      ui_test_iterate (200);
      check_targets (GTK_WIDGET (window), name);
      if (g_getenv ("TONGBAN_SHOT_DIR"))
        {
          g_autofree char *file = g_strdup_printf ("%s/%s.png", g_getenv ("TONGBAN_SHOT_DIR"),
                                                   name);

          g_strdelimit (file + strlen (g_getenv ("TONGBAN_SHOT_DIR")) + 1, " ,", '_');
          tongban_window_save_screenshot (window, file, NULL);
        }
    }
}

static void
test_targets_and_care_mode (void)
{
  TongbanWindow *window = make_window (5);
  const char *langs[] = { "zh_CN", "zh_HK", "en" };
  GtkWidget *tile;
  int before, after;

  for (guint l = 0; l < G_N_ELEMENTS (langs); l++)
    {
      set_language (window, langs[l]);
      check_all_pages (window, langs[l], TRUE);
    }

  /* Care mode: larger text, fewer tiles a row, twice the time. */
  tongban_window_open (window, "home", NULL);
  ui_test_iterate (100);
  tile = tongban_home_page_get_tile (TONGBAN_HOME_PAGE (part (window, "home_page")),
                                     "gd-online-affairs");
  before = gtk_widget_get_width (tile);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.care-mode", NULL));
  ui_test_iterate (200);
  tile = tongban_home_page_get_tile (TONGBAN_HOME_PAGE (part (window, "home_page")),
                                     "gd-online-affairs");
  after = gtk_widget_get_width (tile);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "care-mode"));
  g_assert_cmpint (after, >, before);
  check_all_pages (window, "care mode", FALSE);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "care-mode"));

  /* The next citizen starts without it. */
  tongban_session_end (tongban_window_get_session (window), TONGBAN_SESSION_END_TIMEOUT);
  ui_test_iterate (20);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "care-mode"));
  destroy_window (window);
}

/* A whole service in care mode, in each language: care mode holds from the first
 * step to the rating, every target stays large enough, and the steps are saved
 * as care-LANG-NN-STEP.png where TONGBAN_SHOT_DIR is set, to be looked at. */
static void
care_step (TongbanWindow *window,
           const char    *lang,
           const char    *step)
{
  static guint n;
  g_autofree char *where = g_strdup_printf ("care mode, %s, step %s", lang, step);

  expect_step (window, step);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "care-mode"));
  check_targets (GTK_WIDGET (window), where);
  if (g_getenv ("TONGBAN_SHOT_DIR"))
    {
      g_autofree char *file = g_strdup_printf ("%s/care-%s-%02u-%s.png",
                                               g_getenv ("TONGBAN_SHOT_DIR"), lang, ++n, step);

      tongban_window_save_screenshot (window, file, NULL);
    }
}

static void
test_care_mode_service (void)
{
  const char *langs[] = { "zh_CN", "zh_HK", "en" };

  for (guint l = 0; l < G_N_ELEMENTS (langs); l++)
    {
      TongbanWindow *window = make_window (5);
      GtkWidget *page = part (window, "flow_page");

      tongban_window_open (window, "service", "F-GD-04");
      set_language (window, langs[l]);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.care-mode", NULL));
      ui_test_iterate (50);
      click (ui_test_find_by_class (part (window, "service_page"), "start-button"));
      care_step (window, langs[l], "auth");
      click (find_by_name (page, "id-card"));
      care_step (window, langs[l], "hall");
      click (find_by_name (page, "TH"));
      care_step (window, langs[l], "slot");
      click (find_by_name (page, "2026-12-01T09:30"));
      care_step (window, langs[l], "review");
      press_continue (window);   /* Confirm and send */
      care_step (window, langs[l], "result");
      g_assert_nonnull (find_by_name (page, "reference-qr"));
      press_continue (window);
      care_step (window, langs[l], "rating");
      click (find_by_name (page, "5"));
      press_continue (window);   /* Finish: the session, and care mode with it, ends */
      ui_test_iterate (20);
      g_assert_true (page_is (window, "attract"));
      g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "care-mode"));
      destroy_window (window);
    }
}

/* ---- lockdown ----------------------------------------------------------- */

static void
test_close_refused (void)
{
  TongbanWindow *window = make_window (5);

  g_object_ref (window);
  gtk_window_close (GTK_WINDOW (window));
  ui_test_iterate (50);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_assert_false (gtk_window_get_decorated (GTK_WINDOW (window)));
  destroy_window (window);
  g_object_unref (window);
}

/* ---- pseudo-locale ------------------------------------------------------ */

static gboolean
is_fixed (GtkWidget *widget)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    if (gtk_widget_has_css_class (widget, TONGBAN_TR_FIXED_CLASS))
      return TRUE;
  return FALSE;
}

static void
check_visible_text (GtkWidget  *root,
                    const char *where)
{
  if (!gtk_widget_get_mapped (root))
    return;
  if (GTK_IS_LABEL (root) && !is_fixed (root))
    {
      const char *text = gtk_label_get_label (GTK_LABEL (root));

      if (text != NULL && *text != '\0' && !g_str_has_prefix (text, "⟦"))
        g_error ("%s: \"%s\" is shown without translation", where, text);
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    check_visible_text (c, where);
}

static void
test_pseudo_locale (void)
{
  const char *mo = g_getenv ("TONGBAN_PSEUDO_MO");
  g_autofree char *dir = g_dir_make_tmp ("tongban-pseudo-XXXXXX", NULL);
  g_autofree char *messages = g_build_filename (dir, "eo", "LC_MESSAGES", NULL);
  g_autofree char *target = g_build_filename (messages, "tongban.mo", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  TongbanWindow *window;
  GPtrArray *services = tongban_catalog_get_services (catalog);
  const char *categories[] = { "gd-online-affairs", "gd-basic", "gd-social-insurance",
                               "gd-housing-fund", "gd-real-estate", "gd-utilities", "hk-tax",
                               "hk-companies", "hk-immigration", "mo-immigration", "mo-civil" };

  g_assert_true (g_file_get_contents (mo, &contents, &length, NULL));
  g_assert_cmpint (g_mkdir_with_parents (messages, 0700), ==, 0);
  g_assert_true (g_file_set_contents (target, contents, (gssize) length, NULL));

  window = make_window (5);
  tongban_i18n_init (dir);
  tongban_i18n_set_gettext_language ("eo");
  tongban_window_retranslate (window);
  ui_test_iterate (20);
  check_visible_text (GTK_WIDGET (window), "attract");

  tongban_window_open (window, "home", NULL);
  ui_test_iterate (20);
  check_visible_text (GTK_WIDGET (window), "home");
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (window)), "⟦"));

  click (part (window, "help_button"));
  check_visible_text (GTK_WIDGET (window), "help");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.close-help", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
    {
      tongban_window_open (window, "category", categories[i]);
      ui_test_iterate (10);
      check_visible_text (GTK_WIDGET (window), categories[i]);
    }
  for (guint i = 0; i < services->len; i++)
    {
      const TongbanService *s = g_ptr_array_index (services, i);

      tongban_window_open (window, "service", s->id);
      ui_test_iterate (10);
      check_visible_text (GTK_WIDGET (window), s->id);
    }

  /* A service's steps: the method choice, a form with its errors, the review. */
  tongban_window_open (window, "service", "F-HK-04");
  ui_test_iterate (10);
  click (ui_test_find_by_class (part (window, "service_page"), "start-button"));
  check_visible_text (GTK_WIDGET (window), "F-HK-04 auth");
  click (find_by_name (part (window, "flow_page"), "permit"));
  expect_step (window, "change");
  click (find_by_name (part (window, "flow_page"), "continue_button"));
  ui_test_iterate (20);
  check_visible_text (GTK_WIDGET (window), "F-HK-04 form with errors");

  tongban_session_set_timeouts (tongban_window_get_session (window), 50, 5000);
  g_assert_true (ui_test_wait_for (warning_shown, window, 3000));
  ui_test_iterate (20);
  check_visible_text (GTK_WIDGET (window), "idle warning");

  tongban_window_set_maintenance (window, TRUE);
  tongban_maintenance_overlay_open_sign_in (TONGBAN_MAINTENANCE_OVERLAY (part (window,
                                                                               "maintenance")));
  ui_test_iterate (20);
  check_visible_text (GTK_WIDGET (window), "maintenance");

  destroy_window (window);
  g_unlink (target);
}

/* ---- the pay step (F-HK-04) ------------------------------------------- */

static gboolean
widget_visible (gpointer data)
{
  return gtk_widget_get_visible (data) && gtk_widget_get_mapped (data);
}

typedef struct {
  const char *operation;
  guint       calls;
} CallWait;

static gboolean
called (gpointer data)
{
  CallWait *w = data;

  return tongban_file_backend_get_calls (backend, w->operation) >= w->calls;
}

static void
set_qr_status (const char *status)
{
  g_autoptr(JsonObject) answer = json_object_new ();

  json_object_set_string_member (answer, "status", status);
  tongban_file_backend_set_answer (backend, "pay.qr-status", answer);
}

static GtkLabel *
first_label (GtkWidget *root)
{
  if (GTK_IS_LABEL (root))
    return GTK_LABEL (root);
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkLabel *found = first_label (c);

      if (found)
        return found;
    }
  return NULL;
}

static GtkWidget *
pay_part (TongbanWindow *window,
          const char    *name)
{
  GtkWidget *widget = find_by_name (part (window, "flow_page"), name);

  g_assert_nonnull (widget);
  return widget;
}

static void
shoot (TongbanWindow *window,
       const char    *name)
{
  const char *dir = g_getenv ("TONGBAN_SHOT_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  while (gtk_stack_get_transition_running (GTK_STACK (part (window, "stack"))))
    ui_test_iterate (10);
  ui_test_iterate (50);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  tongban_window_save_screenshot (window, path, NULL);
}

/* F-HK-04 with the fee paid by QR code: the amount in each language, a code
 * that expires and is renewed, the status asked every 2 s while waiting, the
 * order sent with the application and shown on the result; a kiosk without
 * a card reader says so and keeps the QR code open. */
static void
test_pay_fee (void)
{
  TongbanWindow *window = make_window (5);
  GtkWidget *page = part (window, "flow_page");
  TongbanFlow *flow;
  CallWait orders = { "pay.order", tongban_file_backend_get_calls (backend, "pay.order") + 1 };
  CallWait polls = { "pay.qr-status", 0 };
  const char *langs[][2] = { { "zh_CN", "港币 295.00 元" }, { "zh_HK", "港幣 295.00 元" },
                             { "en", "HK$295.00" } };
  JsonObject *sent;
  guint before;

  set_qr_status ("waiting");
  tongban_window_open (window, "service", "F-HK-04");
  set_language (window, "en");
  click (ui_test_find_by_class (part (window, "service_page"), "start-button"));
  expect_step (window, "auth");
  click (find_by_name (page, "permit"));
  expect_step (window, "change");
  flow = tongban_flow_page_get_flow (TONGBAN_FLOW_PAGE (page));
  answer (flow);
  press_continue (window);
  expect_step (window, "review");
  g_assert_cmpstr (tongban_tr_get_msgid (first_label (find_by_name (page, "continue_button"))),
                   ==, "Confirm and pay");
  press_continue (window);
  expect_step (window, "pay");
  /* Nothing moves on until paid: no Continue, but Back to the check is open. */
  g_assert_false (gtk_widget_get_visible (find_by_name (page, "continue_button")));
  g_assert_true (gtk_widget_get_sensitive (part (window, "back_button")));

  for (guint i = 0; i < G_N_ELEMENTS (langs); i++)
    {
      g_autofree char *shot = g_strdup_printf ("pay-%s", langs[i][0]);

      set_language (window, langs[i][0]);
      g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (pay_part (window, "pay-amount"))), ==,
                       langs[i][1]);
      shoot (window, shot);
    }

  /* No card reader on this kiosk: said in plain words, nothing ordered. */
  click (pay_part (window, "pay-bank-card"));
  g_assert_true (gtk_widget_get_visible (pay_part (window, "pay-status")));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (pay_part (window, "pay-status"))), ==,
                   "The card reader is not working. Pay by QR code, or ask the staff at the "
                   "service desk.");

  /* QR: an order for exactly the fee, its code shown, the status asked while waiting. */
  click (pay_part (window, "pay-qr"));
  g_assert_true (ui_test_wait_for (called, &orders, 5000));
  g_assert_true (ui_test_wait_for (widget_visible, pay_part (window, "pay-qr-code"), 5000));
  sent = tongban_file_backend_get_last_params (backend, "pay.order");
  g_assert_cmpstr (json_object_get_string_member (sent, "amount"), ==, "295.00");
  g_assert_cmpstr (json_object_get_string_member (sent, "currency"), ==, "HKD");
  g_assert_cmpstr (json_object_get_string_member (sent, "service"), ==, "F-HK-04");
  /* The fee is for the submission it pays for, as the payment system lists fees. */
  g_assert_cmpstr (json_object_get_string_member (sent, "item"), ==, "cr.change-name");
  shoot (window, "pay-qr-en");
  polls.calls = tongban_file_backend_get_calls (backend, "pay.qr-status") + 2;
  g_assert_true (ui_test_wait_for (called, &polls, TONGBAN_PAY_POLL_S * 1000 * 2 + 3000));
  g_assert_cmpstr (step_id (window), ==, "pay");
  g_assert_null (tongban_flow_get_answer (flow, "pay", TONGBAN_FLOW_PAYMENT_ORDER));

  /* The code expires: a new one is a new order. */
  set_qr_status ("expired");
  g_assert_true (ui_test_wait_for (widget_visible, pay_part (window, "pay-new-code"), 5000));
  g_assert_false (gtk_widget_get_visible (pay_part (window, "pay-qr-code")));
  set_qr_status ("waiting");
  before = tongban_file_backend_get_calls (backend, "pay.order");
  click (pay_part (window, "pay-new-code"));
  orders.calls = before + 1;
  g_assert_true (ui_test_wait_for (called, &orders, 5000));
  g_assert_true (ui_test_wait_for (widget_visible, pay_part (window, "pay-qr-code"), 5000));

  /* Paid on the phone: the page moves on and sends the order with the application. */
  set_qr_status ("paid");
  expect_step (window, "result");
  sent = tongban_file_backend_get_last_params (backend, "cr.change-name");
  g_assert_cmpstr (json_object_get_string_member (sent, "order"), ==, "PO-20261127-000295");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (pay_part (window, "pay-receipt"))), ==,
                   "Paid HK$295.00, order PO-20261127-000295");
  g_assert_false (gtk_widget_get_sensitive (part (window, "back_button")));
  shoot (window, "pay-result-en");
  destroy_window (window);
}

#ifdef HAVE_PCSC
static gboolean
label_is (gpointer data)
{
  gpointer *args = data;

  return gtk_widget_get_visible (args[0]) &&
         g_strcmp0 (gtk_label_get_label (GTK_LABEL (args[0])), args[1]) == 0;
}

static void
wait_label (GtkWidget  *label,
            const char *text)
{
  gpointer args[2] = { label, (gpointer) text };

  if (!ui_test_wait_for (label_is, args, 10000))
    g_error ("expected \"%s\", the label says \"%s\"", text,
             gtk_label_get_label (GTK_LABEL (label)));
}

/* A PIN on the hardware PIN pad: its keys as the devices hand them on. */
static void
type_pin (TongbanWindow  *window,
          TongbanDevices *devices,
          const char     *pin)
{
  static const char *names[] = { "zero", "one", "two", "three", "four", "five", "six", "seven",
                                 "eight", "nine" };
  GtkWidget *entry = pay_part (window, "pay-pin");
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  /* The PIN field has the focus, so the pad's digits go there. */
  g_assert_true (focus != NULL && gtk_widget_is_ancestor (focus, entry));
  for (const char *p = pin; *p; p++)
    g_signal_emit_by_name (devices, "key", names[*p - '0']);
  g_assert_cmpuint (strlen (gtk_editable_get_text (GTK_EDITABLE (entry))), ==, strlen (pin));
  g_signal_emit_by_name (devices, "key", "enter");
  ui_test_iterate (20);
  /* The PIN is gone from the screen's memory as soon as it is sent. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
}

/* F-HK-04 paid by bank card through real pcscd and the virtual bank card:
 * the masked number only, a wrong PIN refused by the card, the bank's
 * decline said in plain words with nothing paid, the card taken out halfway,
 * then a second card payment approved. */
static void
test_pay_card (void)
{
  const char *why = pcsc_rig_unavailable ();
  PcscRig rig = { 0 };
  g_autoptr(TongbanDevices) devices = NULL;
  g_autoptr(GKeyFile) config = NULL;
  g_autoptr(GError) error = NULL;
  TongbanWindow *window;
  GtkWidget *page;
  JsonObject *sent;
  CallWait cards = { "pay.card", 0 };

  if (why != NULL)
    {
      g_test_skip (why);
      return;
    }
  pcsc_rig_start (&rig);
  config = g_key_file_new ();
  g_key_file_set_string (config, "device:iccard", "type", "iccard");
  g_key_file_set_string (config, "device:iccard", "reader", PCSC_HELPER_READER);
  devices = tongban_devices_new ();
  g_assert_true (tongban_devices_configure (devices, config, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ui_test_wait_for (device_online, tongban_devices_get (devices, "ic-card-reader"),
                           10000));

  window = make_window (5);
  tongban_window_set_devices (window, devices);
  page = part (window, "flow_page");
  tongban_window_open (window, "service", "F-HK-04");
  set_language (window, "en");
  click (ui_test_find_by_class (part (window, "service_page"), "start-button"));
  expect_step (window, "auth");
  click (find_by_name (page, "permit"));
  expect_step (window, "change");
  answer (tongban_flow_page_get_flow (TONGBAN_FLOW_PAGE (page)));
  press_continue (window);
  expect_step (window, "review");
  press_continue (window);
  expect_step (window, "pay");

  tongban_file_backend_set_failure (backend, "pay.card", TONGBAN_BACKEND_ERROR_REFUSED);
  click (pay_part (window, "pay-bank-card"));
  wait_label (pay_part (window, "pay-status"),
              "Insert your bank card into the card reader, chip first.");
  tongban_sim_inject (rig.card, "card insert");
  wait_label (pay_part (window, "pay-card"), "Card 476173******0119");
  wait_label (pay_part (window, "pay-status"), "Type your PIN on the PIN pad, then press Enter. "
              "Cover the pad with your hand.");
  shoot (window, "pay-card-en");
  type_pin (window, devices, "1243");
  wait_label (pay_part (window, "pay-status"),
              "The PIN is not right. Type it again on the PIN pad, then press Enter.");
  g_assert_cmpuint (tongban_file_backend_get_calls (backend, "pay.card"), ==, 0);
  cards.calls = 1;
  type_pin (window, devices, "1234");
  g_assert_true (ui_test_wait_for (called, &cards, 10000));
  wait_label (pay_part (window, "pay-status"), "Your bank declined the payment. No money was "
              "taken. Try again, or pay by QR code.");
  sent = tongban_file_backend_get_last_params (backend, "pay.card");
  g_assert_cmpstr (json_object_get_string_member (sent, "card"), ==, "476173******0119");
  g_assert_true (json_object_get_boolean_member (sent, "pin_ok"));
  g_assert_cmpstr (json_object_get_string_member (sent, "order"), ==, "PO-20261127-000295");
  g_assert_true (gtk_widget_get_visible (pay_part (window, "pay-qr")));
  g_assert_cmpstr (step_id (window), ==, "pay");
  shoot (window, "pay-declined-en");

  /* The card taken out while the PIN is asked for: said, nothing paid. */
  click (pay_part (window, "pay-bank-card"));
  wait_label (pay_part (window, "pay-card"), "Card 476173******0119");
  tongban_sim_inject (rig.card, "card remove");
  wait_label (pay_part (window, "pay-status"), "The card was taken out. Nothing was paid. "
              "Insert it again, or pay by QR code.");
  g_assert_false (gtk_widget_get_visible (pay_part (window, "pay-pin")) &&
                  gtk_widget_get_mapped (pay_part (window, "pay-pin")));
  g_assert_cmpuint (tongban_file_backend_get_calls (backend, "pay.card"), ==, 1);

  /* Inserted again, the bank approves the second try. */
  tongban_file_backend_set_failure (backend, "pay.card", -1);
  click (pay_part (window, "pay-bank-card"));
  wait_label (pay_part (window, "pay-status"),
              "Insert your bank card into the card reader, chip first.");
  tongban_sim_inject (rig.card, "card insert");
  wait_label (pay_part (window, "pay-card"), "Card 476173******0119");
  cards.calls = 2;
  type_pin (window, devices, "1234");
  g_assert_true (ui_test_wait_for (called, &cards, 10000));
  expect_step (window, "result");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (pay_part (window, "pay-receipt"))), ==,
                   "Paid HK$295.00, order PO-20261127-000295, authorisation A73921");
  sent = tongban_file_backend_get_last_params (backend, "cr.change-name");
  g_assert_cmpstr (json_object_get_string_member (sent, "order"), ==, "PO-20261127-000295");
  destroy_window (window);
  tongban_devices_stop (devices);
  pcsc_rig_stop (&rig);
}
#endif

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkCssProvider) css = NULL;
  const char *localedir = g_getenv ("TONGBAN_LOCALEDIR");

  gtk_disable_setlocale ();
  g_assert_nonnull (localedir);
  tongban_i18n_init (localedir);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, RESOURCE_PREFIX "/ui/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  tongban_keyboard_add_style (gdk_display_get_default ());
  ui_test_load_demo (&catalog, &backend);
  pin_hash = tongban_secret_hash_new (TEST_PIN, TONGBAN_SECRET_HASH_MIN_ITERATIONS, &error);
  g_assert_no_error (error);

  if (g_getenv ("TONGBAN_UX_SCREEN") != NULL)
    g_test_add_func ("/kiosk/ui/ux-checks", test_ux_checks);
  else if (g_getenv ("TONGBAN_PSEUDO_MO") != NULL)
    g_test_add_func ("/kiosk/ui/pseudo-locale", test_pseudo_locale);
  else
    {
      g_test_add_func ("/kiosk/ui/navigation", test_navigation);
      g_test_add_func ("/kiosk/ui/every-page-opens", test_every_page_opens);
      g_test_add_func ("/kiosk/ui/idle-timeout", test_idle_timeout);
      g_test_add_func ("/kiosk/ui/maintenance", test_maintenance);
      g_test_add_func ("/kiosk/ui/maintenance-lockout", test_maintenance_lockout);
      g_test_add_func ("/kiosk/ui/close-refused", test_close_refused);
      g_test_add_func ("/kiosk/ui/flow-hk-tax-return", test_flow_hk_tax_return);
      g_test_add_func ("/kiosk/ui/flow-cancel-and-failure", test_flow_cancel_and_failure);
      g_test_add_func ("/kiosk/ui/identity-methods", test_identity_methods);
      g_test_add_func ("/kiosk/ui/smart-guidance", test_smart_guidance);
      g_test_add_func ("/kiosk/ui/devices", test_devices);
      g_test_add_func ("/kiosk/ui/documents", test_documents);
      g_test_add_func ("/kiosk/ui/certificate-zh-hk", test_certificate_zh_hk);
      g_test_add_func ("/kiosk/ui/targets-and-care-mode", test_targets_and_care_mode);
      g_test_add_func ("/kiosk/ui/care-mode-service", test_care_mode_service);
      g_test_add_func ("/kiosk/ui/voice", test_voice);
      g_test_add_func ("/kiosk/ui/keys-alone", test_keys_alone);
      g_test_add_func ("/kiosk/ui/pad-alone", test_pad_alone);
      g_test_add_func ("/kiosk/ui/read-back", test_read_back);
      g_test_add_func ("/kiosk/ui/voice-missing", test_voice_missing);
      g_test_add_func ("/kiosk/ui/no-system-text", test_no_system_text);
      g_test_add_func ("/kiosk/ui/pay-fee", test_pay_fee);
#ifdef HAVE_PCSC
      g_test_add_func ("/kiosk/ui/pay-card", test_pay_card);
#endif
    }
  return g_test_run ();
}
