/* tongban-window.c: the kiosk window — header, pages, footer, overlays
 *
 * The window owns navigation (a stack of pages with Back and Home), the
 * citizen session and its idle warning, the display language, the clock,
 * help, the maintenance cover and the lockdown of keys and buttons.
 */

#include "tongban-window.h"

#include <glib/gi18n-lib.h>
#include "tongban-attract-page.h"
#include "tongban-category-page.h"
#include "tongban-clock.h"
#include "tongban-flow-page.h"
#include "tongban-home-page.h"
#include "tongban-i18n.h"
#include "tongban-keyboard.h"
#include "tongban-lockdown.h"
#include "tongban-maintenance-overlay.h"
#include "tongban-pad-keys.h"
#include "tongban-pin-pad.h"
#include "tongban-service-page.h"
#include "tongban-speech.h"
#include "tongban-steps.h"
#include "tongban-tr.h"

typedef struct {
  char *page;
  char *argument;
} NavEntry;

struct _TongbanWindow
{
  GtkApplicationWindow       parent_instance;

  /* template */
  GtkStack                  *stack;
  GtkWidget                 *header;
  GtkWidget                 *platform_subtitle;
  GtkWidget                 *footer;
  GtkLabel                  *time_label;
  GtkLabel                  *date_label;
  GtkLabel                  *site_label;
  GtkWidget                 *home_button;
  GtkWidget                 *back_button;
  GtkWidget                 *help_button;
  GtkWidget                 *help_panel;
  GtkLabel                  *help_text;
  GtkWidget                 *keypad_help;
  GtkWidget                 *idle_warning;
  GtkLabel                  *idle_seconds;
  GtkLabel                  *idle_text;
  TongbanAttractPage        *attract_page;
  TongbanHomePage           *home_page;
  TongbanCategoryPage       *category_page;
  TongbanServicePage        *service_page;
  TongbanFlowPage           *flow_page;
  TongbanMaintenanceOverlay *maintenance;
  GtkBox                    *keyboard_slot;
  TongbanKeyboard           *keyboard;

  TongbanCatalog            *catalog;   /* borrowed from the application */
  TongbanBackend            *backend;
  TongbanDevices            *devices;   /* or NULL */
  GtkWidget                 *power_banner;
  GtkWidget                 *voice_controls;
  GtkWidget                 *repeat_button;
  GtkWidget                 *louder_button;
  GtkWidget                 *quieter_button;
  gboolean                   leave_to_home;
  gboolean                   care_mode;
  TongbanSpeech             *speech;    /* or NULL: a kiosk without voice */
  GtkWidget                 *last_field; /* weak: the text field that had the focus */
  guint                      speak_id;
  guint                      idle_timeout_ms;
  guint                      warning_ms;
  TongbanSession            *session;
  GPtrArray                 *history;   /* NavEntry */
  TongbanLanguage            language;
  TongbanLanguage            default_language;
  gboolean                   in_maintenance;
  guint                      clock_id;
};

enum {
  PROP_0,
  PROP_LANGUAGE,
  PROP_CARE_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TongbanWindow, tongban_window, GTK_TYPE_APPLICATION_WINDOW)

static void queue_speech (TongbanWindow *self);

static void
nav_entry_free (gpointer data)
{
  NavEntry *entry = data;

  g_free (entry->page);
  g_free (entry->argument);
  g_free (entry);
}

static NavEntry *
current_entry (TongbanWindow *self)
{
  if (self->history->len == 0)
    return NULL;
  return g_ptr_array_index (self->history, self->history->len - 1);
}

/* ---- language ---------------------------------------------------------- */

static const char *
page_title_msgid (TongbanWindow *self)
{
  NavEntry *entry = current_entry (self);

  if (entry == NULL || g_str_equal (entry->page, "home"))
    return N_("Bay Area Tongban");
  if (g_str_equal (entry->page, "category"))
    return tongban_catalog_lookup_category (self->catalog, entry->argument)->title;
  /* service and flow pages */
  return tongban_catalog_lookup_service (self->catalog, entry->argument)->title;
}

static const char *
page_help_msgid (TongbanWindow *self)
{
  NavEntry *entry = current_entry (self);

  if (entry == NULL)
    return N_("Touch anywhere on the screen to begin. You can change the language at the top "
              "of the screen at any time.");
  if (g_str_equal (entry->page, "home"))
    return N_("Choose the place that handles your matter, then a kind of service. Back takes "
              "you to the previous page; Home brings you here.");
  if (g_str_equal (entry->page, "category"))
    return N_("Choose a service to see what it does and what you need for it.");
  if (g_str_equal (entry->page, "flow") && tongban_flow_page_get_flow (self->flow_page))
    return tongban_flow_get_help (tongban_flow_page_get_flow (self->flow_page));
  return N_("This page tells you what the service does, which department provides it, and how "
            "you prove who you are.");
}

static void
update_title (TongbanWindow *self)
{
  gtk_window_set_title (GTK_WINDOW (self), g_dgettext (GETTEXT_PACKAGE, page_title_msgid (self)));
}

static void
update_clock (TongbanWindow *self)
{
  g_autoptr(GDateTime) now = tongban_clock_now_local ();
  g_autofree char *time_text = tongban_i18n_format_time (now);
  g_autofree char *date_text = tongban_i18n_format_date (now);

  gtk_label_set_label (self->time_label, time_text);
  gtk_label_set_label (self->date_label, date_text);
}

static gboolean
on_clock_tick (gpointer data)
{
  TongbanWindow *self = data;
  g_autoptr(GDateTime) now = tongban_clock_now_local ();
  guint ms_to_minute = (guint) (60 - g_date_time_get_second (now)) * 1000 + 50;

  update_clock (self);
  self->clock_id = g_timeout_add (MIN (ms_to_minute, 60050), on_clock_tick, self);
  return G_SOURCE_REMOVE;
}

/* Shows every text of the window again in gettext's current language. */
void
tongban_window_retranslate (TongbanWindow *self)
{
  g_return_if_fail (TONGBAN_IS_WINDOW (self));

  tongban_tr_refresh (GTK_WIDGET (self));
  tongban_flow_page_retranslate (self->flow_page);
  tongban_keyboard_update_language (self->keyboard);
  update_title (self);
  update_clock (self);
}

static void
set_language (TongbanWindow   *self,
              TongbanLanguage  language)
{
  static const char *classes[] = { "lang-zh-cn", "lang-zh-hk", "lang-en" };

  if (self->language == language && tongban_i18n_get_language () == language)
    return;

  self->language = language;
  tongban_i18n_set_language (language);

  for (guint i = 0; i < TONGBAN_N_LANGUAGES; i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self), classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self), classes[language]);

  tongban_window_retranslate (self);
  queue_speech (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LANGUAGE]);
}

/* ---- voice guidance ------------------------------------------------------ */

/* What a page says is read off the page itself, so every service speaks
 * without code of its own: headings, instructions, choices and messages in
 * the order they stand. Texts that came from the back end (records, names)
 * are the citizen's data: they go to the headset only (the engine replaces
 * them with a neutral phrase otherwise). */
static gboolean
is_data (GtkWidget *label)
{
  return gtk_widget_has_css_class (label, TONGBAN_TR_FIXED_CLASS) &&
         !gtk_widget_has_css_class (label, "clock-time");
}

static void
collect_speech (GtkWidget *widget,
                GString   *words,
                GString   *personal)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));

      if (text != NULL && *text != '\0' && !gtk_widget_has_css_class (widget, "progress"))
        {
          GString *into = is_data (widget) ? personal : words;

          g_string_append_printf (into, "%s%s", into->len ? "\n" : "", text);
        }
      return;
    }
  if (GTK_IS_ENTRY (widget) || GTK_IS_IMAGE (widget) || GTK_IS_PICTURE (widget))
    return;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_speech (c, words, personal);
}

static gboolean
speak_page (gpointer data)
{
  TongbanWindow *self = data;
  g_autoptr(GString) words = g_string_new (NULL);
  g_autoptr(GString) personal = g_string_new (NULL);
  GtkWidget *page;

  self->speak_id = 0;
  if (self->speech == NULL)
    return G_SOURCE_REMOVE;

  if (gtk_widget_get_visible (GTK_WIDGET (self->maintenance)))
    page = GTK_WIDGET (self->maintenance);
  else if (gtk_widget_get_visible (self->help_panel))
    page = self->help_panel;
  else
    page = gtk_stack_get_visible_child (self->stack);
  collect_speech (page, words, personal);

  tongban_speech_stop (self->speech);
  if (words->len > 0)
    tongban_speech_say (self->speech, words->str, self->language,
                        TONGBAN_SPEECH_PRIORITY_NORMAL);
  if (personal->len > 0)
    tongban_speech_say_full (self->speech, personal->str, self->language,
                             TONGBAN_SPEECH_PRIORITY_NORMAL, TONGBAN_SPEECH_PERSONAL);
  return G_SOURCE_REMOVE;
}

/* After the page has been built and shown: one utterance per page change. */
static void
queue_speech (TongbanWindow *self)
{
  if (self->speech == NULL)
    return;
  g_clear_handle_id (&self->speak_id, g_source_remove);
  self->speak_id = g_timeout_add (30, speak_page, self);
}

/* Repeat and volume on screen, beside Home and Back, while there is a voice:
 * without one (no audio output, a voice missing) the kiosk goes on silently
 * and shows no controls that would do nothing. */
static void
update_voice_controls (TongbanWindow *self)
{
  gtk_widget_set_visible (self->voice_controls,
                          self->speech != NULL &&
                          tongban_speech_get_status (self->speech) ==
                            TONGBAN_SPEECH_STATUS_READY);
  /* The monitor sees a kiosk whose voice has gone silent (clause 8.1 a). */
  if (self->devices != NULL && self->speech != NULL)
    tongban_devices_set_voice (self->devices, tongban_speech_status_to_component (
                                                tongban_speech_get_status (self->speech)));
}

void
tongban_window_set_speech (TongbanWindow *self,
                           TongbanSpeech *speech)
{
  g_return_if_fail (TONGBAN_IS_WINDOW (self));
  if (self->speech)
    g_signal_handlers_disconnect_by_data (self->speech, self);
  g_set_object (&self->speech, speech);
  tongban_maintenance_overlay_set_speech (self->maintenance, speech);
  if (speech)
    g_signal_connect_swapped (speech, "notify::status", G_CALLBACK (update_voice_controls), self);
  update_voice_controls (self);
}

static void
action_voice_repeat (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  TongbanWindow *self = TONGBAN_WINDOW (widget);

  if (self->speech)
    tongban_speech_repeat (self->speech);
}

static void
action_voice_volume (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  TongbanWindow *self = TONGBAN_WINDOW (widget);

  if (self->speech == NULL)
    return;
  if (g_str_equal (action_name, "win.voice-louder"))
    tongban_speech_volume_up (self->speech);
  else
    tongban_speech_volume_down (self->speech);
  /* Say something at the new volume, so the citizen hears the change. */
  tongban_speech_repeat (self->speech);
}

TongbanSpeech *
tongban_window_get_speech (TongbanWindow *self)
{
  g_return_val_if_fail (TONGBAN_IS_WINDOW (self), NULL);
  return self->speech;
}

/* ---- care mode (關愛模式) ------------------------------------------------- */

/* Larger text and targets (style.css, .care-mode), fewer tiles a row, and
 * twice the time before the idle warning and in its countdown. It lasts for
 * the citizen who chose it. */
static void
set_care_mode (TongbanWindow *self,
               gboolean       care)
{
  care = !!care;
  if (self->care_mode == care)
    return;
  self->care_mode = care;
  if (care)
    gtk_widget_add_css_class (GTK_WIDGET (self), "care-mode");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "care-mode");
  tongban_session_set_timeouts (self->session, self->idle_timeout_ms * (care ? 2 : 1),
                                self->warning_ms * (care ? 2 : 1));
  tongban_home_page_set_care_mode (self->home_page, care);
  if (self->speech)
    tongban_speech_set_slow (self->speech, care);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CARE_MODE]);
}

/* ---- navigation -------------------------------------------------------- */

static void
update_back (TongbanWindow *self)
{
  NavEntry *entry = current_entry (self);
  TongbanFlow *flow = tongban_flow_page_get_flow (self->flow_page);
  gboolean can = self->history->len > 1;

  if (entry != NULL && g_str_equal (entry->page, "flow") && flow != NULL)
    can = tongban_flow_get_index (flow) == 0 || tongban_flow_can_go_back (flow);
  gtk_widget_set_sensitive (self->back_button, can);
}

static void
on_flow_step (TongbanFlow   *flow,
              TongbanWindow *self)
{
  update_back (self);
  queue_speech (self);
}

static void
show_current (TongbanWindow *self)
{
  NavEntry *entry = current_entry (self);
  const char *page = entry ? entry->page : "attract";

  if (g_str_equal (page, "category"))
    tongban_category_page_show (self->category_page, self->catalog,
                                tongban_catalog_lookup_category (self->catalog, entry->argument),
                                self->devices);
  else if (g_str_equal (page, "service"))
    tongban_service_page_show (self->service_page, self->catalog,
                               tongban_catalog_lookup_service (self->catalog, entry->argument),
                               self->devices);

  gtk_stack_set_visible_child_name (self->stack, page);
  update_back (self);
  gtk_widget_set_sensitive (self->home_button, entry != NULL &&
                                               !g_str_equal (entry->page, "home"));
  gtk_widget_set_visible (self->help_panel, FALSE);
  update_title (self);
  queue_speech (self);
}

static void
push (TongbanWindow *self,
      const char    *page,
      const char    *argument)
{
  NavEntry *entry = g_new0 (NavEntry, 1);

  entry->page = g_strdup (page);
  entry->argument = g_strdup (argument);
  g_ptr_array_add (self->history, entry);
  show_current (self);
}

/* Opens @page ("attract", "home", "category", "service" or "flow") with its
 * @argument (category or service id), as the citizen would reach it: the
 * pages above it in the path are put on the Back stack first. */
void
tongban_window_open (TongbanWindow *self,
                     const char    *page,
                     const char    *argument)
{
  const TongbanService *service = NULL;
  const TongbanCategory *category = NULL;

  g_return_if_fail (TONGBAN_IS_WINDOW (self));
  g_return_if_fail (page != NULL);

  if (g_str_equal (page, "attract"))
    {
      tongban_session_end (self->session, TONGBAN_SESSION_END_CANCELLED);
      return;
    }

  if (g_str_equal (page, "service") || g_str_equal (page, "flow"))
    {
      service = tongban_catalog_lookup_service (self->catalog, argument);
      g_return_if_fail (service != NULL);
      category = tongban_catalog_lookup_category (self->catalog, service->category);
    }
  else if (g_str_equal (page, "category"))
    {
      category = tongban_catalog_lookup_category (self->catalog, argument);
      g_return_if_fail (category != NULL);
    }
  else
    g_return_if_fail (g_str_equal (page, "home"));

  tongban_session_begin (self->session);
  g_ptr_array_set_size (self->history, 0);
  push (self, "home", NULL);
  if (category != NULL)
    push (self, "category", category->id);
  if (service != NULL)
    push (self, "service", service->id);
  if (service != NULL && g_str_equal (page, "flow"))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.start-service", "s", service->id);
}

const char *
tongban_window_get_page (TongbanWindow *self)
{
  g_return_val_if_fail (TONGBAN_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

guint
tongban_window_get_depth (TongbanWindow *self)
{
  g_return_val_if_fail (TONGBAN_IS_WINDOW (self), 0);
  return self->history->len;
}

TongbanSession *
tongban_window_get_session (TongbanWindow *self)
{
  g_return_val_if_fail (TONGBAN_IS_WINDOW (self), NULL);
  return self->session;
}

GtkWidget *
tongban_window_get_part (TongbanWindow *self,
                         const char    *name)
{
  g_return_val_if_fail (TONGBAN_IS_WINDOW (self), NULL);
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self), TONGBAN_TYPE_WINDOW,
                                                    name));
}

static void
action_start (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  tongban_window_open (TONGBAN_WINDOW (widget), "home", NULL);
}

static void
action_home (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TongbanWindow *self = TONGBAN_WINDOW (widget);
  NavEntry *entry = current_entry (self);
  TongbanFlow *flow = tongban_flow_page_get_flow (self->flow_page);

  /* After the result, Home is the end of the visit. */
  if (entry != NULL && g_str_equal (entry->page, "flow") && flow != NULL &&
      tongban_flow_finish (flow))
    return;
  /* Leaving a service half-way deletes the answers: ask first. */
  if (entry != NULL && g_str_equal (entry->page, "flow") && flow != NULL &&
      tongban_flow_get_state (flow) == TONGBAN_FLOW_RUNNING)
    {
      self->leave_to_home = TRUE;
      gtk_widget_activate_action (GTK_WIDGET (self->flow_page), "flow.cancel", NULL);
      return;
    }
  g_ptr_array_set_size (self->history, 0);
  tongban_session_begin (self->session);
  push (self, "home", NULL);
}

static void
action_back (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TongbanWindow *self = TONGBAN_WINDOW (widget);
  NavEntry *entry = current_entry (self);
  TongbanFlow *flow = tongban_flow_page_get_flow (self->flow_page);

  if (entry != NULL && g_str_equal (entry->page, "flow") && flow != NULL)
    {
      /* Back inside the service first; before its first step, leave it.
       * Past a submission there is no way back (the button is greyed). */
      if (tongban_flow_get_index (flow) == 0)
        tongban_flow_cancel (flow);
      else
        tongban_flow_page_back (self->flow_page);
      return;
    }
  if (self->history->len <= 1)
    return;
  g_ptr_array_set_size (self->history, self->history->len - 1);
  show_current (self);
}

static void
action_open_category (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  TongbanWindow *self = TONGBAN_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);

  if (tongban_catalog_lookup_category (self->catalog, id) == NULL)
    return;
  tongban_session_begin (self->session);
  push (self, "category", id);
}

static void
action_open_service (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  TongbanWindow *self = TONGBAN_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);

  if (tongban_catalog_lookup_service (self->catalog, id) == NULL)
    return;
  tongban_session_begin (self->session);
  push (self, "service", id);
}

static void
action_start_service (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  TongbanWindow *self = TONGBAN_WINDOW (widget);
  const TongbanService *service =
    tongban_catalog_lookup_service (self->catalog, g_variant_get_string (parameter, NULL));
  g_autoptr(TongbanFlow) flow = NULL;

  if (service == NULL || self->backend == NULL)
    return;
  tongban_session_begin (self->session);
  flow = tongban_flow_new (service, self->session, self->backend);
  self->leave_to_home = FALSE;
  g_signal_connect_object (flow, "changed", G_CALLBACK (on_flow_step), self, 0);
  tongban_flow_page_set_flow (self->flow_page, flow);
  push (self, "flow", service->id);
}

static void
close_flow (TongbanWindow *self)
{
  NavEntry *entry = current_entry (self);

  tongban_flow_page_set_flow (self->flow_page, NULL);
  if (entry != NULL && g_str_equal (entry->page, "flow"))
    g_ptr_array_set_size (self->history, self->history->len - 1);
}

static void
on_flow_cancelled (TongbanFlowPage *page,
                   TongbanWindow   *self)
{
  close_flow (self);
  if (self->leave_to_home)
    {
      self->leave_to_home = FALSE;
      g_ptr_array_set_size (self->history, MIN (self->history->len, 1));
    }
  show_current (self);
}

/* A finished service ends the citizen's session: nothing of it is kept. */
static void
on_flow_finished (TongbanFlowPage *page,
                  TongbanWindow   *self)
{
  close_flow (self);
  tongban_session_end (self->session, TONGBAN_SESSION_END_FINISHED);
}

static void
action_help (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TongbanWindow *self = TONGBAN_WINDOW (widget);

  tongban_tr_label (self->help_text, page_help_msgid (self));
  gtk_widget_set_visible (self->help_panel, TRUE);
  queue_speech (self);
}

static void
action_close_help (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  gtk_widget_set_visible (TONGBAN_WINDOW (widget)->help_panel, FALSE);
}

static void
action_extend (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  tongban_session_activity (TONGBAN_WINDOW (widget)->session);
}

static void
action_maintenance (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  tongban_window_set_maintenance (TONGBAN_WINDOW (widget), TRUE);
}

/* ---- session ----------------------------------------------------------- */

static void
on_session_ended (TongbanSession *session,
                  int             reason,
                  TongbanWindow  *self)
{
  g_ptr_array_set_size (self->history, 0);
  tongban_keyboard_reset (self->keyboard);
  tongban_flow_page_set_flow (self->flow_page, NULL);
  tongban_category_page_reset (self->category_page);
  tongban_service_page_reset (self->service_page);
  tongban_home_page_reset (self->home_page);
  gtk_widget_set_visible (self->idle_warning, FALSE);
  show_current (self);
  /* The next person starts in the kiosk's own language, without care mode. */
  set_language (self, self->default_language);
  set_care_mode (self, FALSE);
  /* Volume back to normal for the next person (EN 301 549 5.1.3.13). */
  if (self->speech)
    tongban_speech_reset (self->speech);
}

static void
on_session_warning (TongbanSession *session,
                    GParamSpec     *pspec,
                    TongbanWindow  *self)
{
  gboolean warning = tongban_session_get_warning (session);
  guint seconds = tongban_session_get_seconds_left (session);

  if (warning)
    {
      g_autofree char *number = g_strdup_printf ("%u", seconds);

      gtk_label_set_label (self->idle_seconds, number);
      /* Translators: the idle warning; the number is the seconds left. */
      tongban_tr_label_plural (self->idle_text,
                               "For your privacy, this session will end in %lu second "
                               "and everything you entered will be deleted.",
                               "For your privacy, this session will end in %lu seconds "
                               "and everything you entered will be deleted.",
                               seconds);
    }
  if (gtk_widget_get_visible (self->idle_warning) != warning)
    {
      gtk_widget_set_visible (self->idle_warning, warning);
      if (warning)
        {
          gtk_widget_grab_focus (self->idle_warning);
          if (self->speech)
            {
              g_autoptr(GString) words = g_string_new (NULL);
              g_autoptr(GString) unused = g_string_new (NULL);

              collect_speech (self->idle_warning, words, unused);
              tongban_speech_stop (self->speech);
              tongban_speech_say (self->speech, words->str, self->language,
                                  TONGBAN_SPEECH_PRIORITY_URGENT);
            }
        }
    }
}

/* ---- devices ------------------------------------------------------------ */

/* A device came or went: the category and service pages show again what
 * can be used, so a service greyed out comes back by itself. */
static void
on_devices_changed (TongbanDevices *devices,
                    TongbanWindow  *self)
{
  NavEntry *entry = current_entry (self);

  if (entry != NULL && (g_str_equal (entry->page, "category") ||
                        g_str_equal (entry->page, "service")))
    show_current (self);
}

static void
on_power (TongbanDevices *devices,
          const char     *event,
          TongbanWindow  *self)
{
  if (g_str_equal (event, "low-battery"))
    {
      /* The kiosk is about to shut down: nothing of the citizen may remain. */
      gtk_widget_set_visible (self->power_banner, FALSE);
      tongban_window_set_maintenance (self, TRUE);
      return;
    }
  gtk_widget_set_visible (self->power_banner, g_str_equal (event, "on-battery"));
}

/* ---- the PIN pad and read-back ----------------------------------------- */

/* The PIN field (the on-screen PIN pad, a password entry) @focus is in. */
static GtkWidget *
pin_field_of (GtkWidget *focus)
{
  for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
    {
      if (TONGBAN_IS_PIN_PAD (w) || GTK_IS_PASSWORD_ENTRY (w))
        return w;
      if (GTK_IS_EDITABLE (w))
        {
          GtkInputPurpose purpose = GTK_INPUT_PURPOSE_FREE_FORM;

          if (g_object_class_find_property (G_OBJECT_GET_CLASS (w), "input-purpose"))
            g_object_get (w, "input-purpose", &purpose, NULL);
          if (purpose == GTK_INPUT_PURPOSE_PIN || purpose == GTK_INPUT_PURPOSE_PASSWORD)
            return w;
        }
    }
  return NULL;
}

/* The text field @focus is (a GtkEntry, not its inner GtkText), or NULL. */
static GtkWidget *
text_field_of (GtkWidget *focus)
{
  GtkWidget *parent;

  if (focus == NULL || !GTK_IS_EDITABLE (focus))
    return NULL;
  parent = gtk_widget_get_parent (focus);
  return parent != NULL && GTK_IS_EDITABLE (parent) ? parent : focus;
}

/* Says back what is in @field: asterisks for a PIN, else "<label>, you
 * typed …", the value spelt for numbers and identity numbers, and spoken
 * only into a headset (the engine's privacy rule). */
static void
read_back (TongbanWindow *self,
           GtkWidget     *field)
{
  GtkWidget *label = NULL;
  const char *text;

  if (self->speech == NULL || field == NULL)
    return;
  if (pin_field_of (field) != NULL)
    {
      guint n = TONGBAN_IS_PIN_PAD (field)
                  ? tongban_pin_pad_get_length (TONGBAN_PIN_PAD (field))
                  : (guint) g_utf8_strlen (gtk_editable_get_text (GTK_EDITABLE (field)), -1);

      tongban_speech_say_masked_input (self->speech, n, self->language);
      return;
    }
  if (!GTK_IS_EDITABLE (field))
    return;
  /* A form field stands under its label (tongban-steps.c). */
  for (GtkWidget *c = gtk_widget_get_first_child (gtk_widget_get_parent (field)); c;
       c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_LABEL (c) && gtk_widget_has_css_class (c, "field-label"))
      label = c;
  text = gtk_editable_get_text (GTK_EDITABLE (field));
  tongban_speech_say_read_back (self->speech,
                                label ? gtk_label_get_text (GTK_LABEL (label)) : NULL, text,
                                g_object_get_data (G_OBJECT (field), TONGBAN_STEP_SPELL) != NULL,
                                self->language);
}

/* A field that loses the focus, still on screen, is read back. */
static void
on_focus_changed (TongbanWindow *self)
{
  GtkWidget *field = text_field_of (gtk_root_get_focus (GTK_ROOT (self)));

  if (field == self->last_field)
    return;
  if (self->last_field != NULL && gtk_widget_get_mapped (self->last_field))
    read_back (self, self->last_field);
  g_set_weak_pointer (&self->last_field, field);
}

/* What the focus moved onto, said at once (a blind citizen's only cue). */
static void
say_focus (TongbanWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *field = text_field_of (focus);
  g_autoptr(GString) words = g_string_new (NULL);
  g_autoptr(GString) personal = g_string_new (NULL);

  if (self->speech == NULL || focus == NULL)
    return;
  if (field != NULL)
    {
      read_back (self, field);
      return;
    }
  collect_speech (focus, words, personal);
  if (words->len > 0)
    tongban_speech_say (self->speech, words->str, self->language,
                        TONGBAN_SPEECH_PRIORITY_URGENT);
  if (personal->len > 0)
    tongban_speech_say_full (self->speech, personal->str, self->language,
                             TONGBAN_SPEECH_PRIORITY_URGENT, TONGBAN_SPEECH_PERSONAL);
}

/* A key of a PIN field: digits, Clear, Backspace and Enter go to it. */
static gboolean
pin_key (TongbanWindow    *self,
         GtkWidget        *pin,
         char              digit,
         TongbanPadAction  action)
{
  char key[2] = { digit, '\0' };

  if (TONGBAN_IS_PIN_PAD (pin))
    {
      if (digit != 0)
        tongban_pin_pad_press (TONGBAN_PIN_PAD (pin), key);
      else if (action == TONGBAN_PAD_CLEAR)
        tongban_pin_pad_press (TONGBAN_PIN_PAD (pin), "clear");
      else if (action == TONGBAN_PAD_DELETE)
        tongban_pin_pad_press (TONGBAN_PIN_PAD (pin), "delete");
      else if (action == TONGBAN_PAD_ACTIVATE)
        tongban_pin_pad_submit (TONGBAN_PIN_PAD (pin));
      else
        return FALSE;
      return TRUE;
    }
  if (digit != 0)
    {
      int position = gtk_editable_get_position (GTK_EDITABLE (pin));

      gtk_editable_insert_text (GTK_EDITABLE (pin), key, 1, &position);
      gtk_editable_set_position (GTK_EDITABLE (pin), position);
      if (self->speech)
        tongban_speech_say_masked_input (self->speech, 1, self->language);
      return TRUE;
    }
  if (action == TONGBAN_PAD_ACTIVATE)
    {
      gtk_widget_activate (pin);
      return TRUE;
    }
  return FALSE;
}

static void
edit_field (GtkWidget        *field,
            TongbanPadAction  action)
{
  int end;

  if (field == NULL || !GTK_IS_EDITABLE (field))
    return;
  if (action == TONGBAN_PAD_CLEAR)
    {
      gtk_editable_set_text (GTK_EDITABLE (field), "");
      return;
    }
  end = (int) g_utf8_strlen (gtk_editable_get_text (GTK_EDITABLE (field)), -1);
  if (end > 0)
    gtk_editable_delete_text (GTK_EDITABLE (field), end - 1, end);
}

/* A key of the hardware PIN pad (src/tongban-pad-keys.h has the layout). */
static void
on_pad_key (TongbanDevices *devices,
            const char     *key,
            TongbanWindow  *self)
{
  TongbanPadAction action = tongban_pad_keys_action (key);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *pin = pin_field_of (focus);

  tongban_session_activity (self->session);
  /* A key silences the voice as a touch does; pause keeps its place. */
  if (self->speech && action != TONGBAN_PAD_PAUSE)
    tongban_speech_stop (self->speech);

  if (pin != NULL && pin_key (self, pin, tongban_pad_keys_digit (key), action))
    return;
  /* On the attract screen any key begins, as a touch does. */
  if (self->history->len == 0 && !self->in_maintenance)
    {
      tongban_window_open (self, "home", NULL);
      return;
    }

  switch (action)
    {
    case TONGBAN_PAD_NEXT:
    case TONGBAN_PAD_PREVIOUS:
      gtk_widget_child_focus (GTK_WIDGET (self), action == TONGBAN_PAD_NEXT
                                                   ? GTK_DIR_TAB_FORWARD : GTK_DIR_TAB_BACKWARD);
      say_focus (self);
      break;
    case TONGBAN_PAD_ACTIVATE:
      if (focus != NULL)
        gtk_widget_activate (focus);
      break;
    case TONGBAN_PAD_BACK:
      if (gtk_widget_get_visible (self->help_panel))
        gtk_widget_activate_action (GTK_WIDGET (self), "win.close-help", NULL);
      else
        gtk_widget_activate_action (GTK_WIDGET (self), "win.back", NULL);
      break;
    case TONGBAN_PAD_CLEAR:
    case TONGBAN_PAD_DELETE:
      edit_field (text_field_of (focus), action);
      break;
    case TONGBAN_PAD_HELP:
      gtk_widget_activate_action (GTK_WIDGET (self), "win.help", NULL);
      break;
    case TONGBAN_PAD_REPEAT:
      gtk_widget_activate_action (GTK_WIDGET (self), "win.voice-repeat", NULL);
      break;
    case TONGBAN_PAD_PAUSE:
      if (self->speech && tongban_speech_get_paused (self->speech))
        tongban_speech_resume (self->speech);
      else if (self->speech)
        tongban_speech_pause (self->speech);
      break;
    case TONGBAN_PAD_QUIETER:
      gtk_widget_activate_action (GTK_WIDGET (self), "win.voice-quieter", NULL);
      break;
    case TONGBAN_PAD_LOUDER:
      gtk_widget_activate_action (GTK_WIDGET (self), "win.voice-louder", NULL);
      break;
    case TONGBAN_PAD_READ_BACK:
      read_back (self, pin ? pin : text_field_of (focus));
      break;
    case TONGBAN_PAD_NONE:
    default:
      break;
    }
}

/* The systems the services talk to from the next service on (the manager's
 * gateway once the link is set up). */
void
tongban_window_set_backend (TongbanWindow  *self,
                            TongbanBackend *backend)
{
  g_return_if_fail (TONGBAN_IS_WINDOW (self));
  g_return_if_fail (TONGBAN_IS_BACKEND (backend));
  g_set_object (&self->backend, backend);
}

void
tongban_window_set_devices (TongbanWindow  *self,
                            TongbanDevices *devices)
{
  g_return_if_fail (TONGBAN_IS_WINDOW (self));

  if (self->devices)
    g_signal_handlers_disconnect_by_data (self->devices, self);
  g_set_object (&self->devices, devices);
  tongban_flow_page_set_devices (self->flow_page, devices);
  tongban_maintenance_overlay_set_devices (self->maintenance, devices);
  if (devices)
    {
      g_signal_connect (devices, "changed", G_CALLBACK (on_devices_changed), self);
      g_signal_connect (devices, "power", G_CALLBACK (on_power), self);
      g_signal_connect (devices, "key", G_CALLBACK (on_pad_key), self);
    }
  /* Help tells the keypad's layout where there is one. */
  gtk_widget_set_visible (self->keypad_help,
                          devices != NULL && tongban_devices_get (devices, "pin-pad") != NULL);
  update_voice_controls (self);
  show_current (self);
}

/* ---- maintenance ------------------------------------------------------- */

void
tongban_window_set_maintenance (TongbanWindow *self,
                                gboolean       maintenance)
{
  g_return_if_fail (TONGBAN_IS_WINDOW (self));

  maintenance = !!maintenance;
  if (self->in_maintenance == maintenance)
    return;

  self->in_maintenance = maintenance;
  if (maintenance)
    {
      tongban_session_end (self->session, TONGBAN_SESSION_END_MAINTENANCE);
      gtk_widget_set_visible (self->help_panel, FALSE);
      gtk_widget_set_visible (self->idle_warning, FALSE);
    }
  tongban_maintenance_overlay_reset (self->maintenance);
  gtk_widget_set_visible (GTK_WIDGET (self->maintenance), maintenance);
  gtk_widget_set_visible (self->header, !maintenance);
  gtk_widget_set_visible (self->footer, !maintenance);
}

gboolean
tongban_window_get_maintenance (TongbanWindow *self)
{
  g_return_val_if_fail (TONGBAN_IS_WINDOW (self), FALSE);
  return self->in_maintenance;
}

static void
on_flow_status (TongbanFlowPage *page,
                const char      *msgid,
                TongbanWindow   *self)
{
  if (self->speech == NULL)
    return;
  tongban_speech_stop (self->speech);
  tongban_speech_say (self->speech, g_dgettext (GETTEXT_PACKAGE, msgid), self->language,
                      TONGBAN_SPEECH_PRIORITY_URGENT);
}

/* PIN digits are read back as "asterisk", never as themselves. */
static void
on_pin_digit (TongbanWindow *self)
{
  if (self->speech)
    tongban_speech_say_masked_input (self->speech, 1, self->language);
}

static void
on_unlocked (TongbanMaintenanceOverlay *overlay,
             TongbanWindow             *self)
{
  tongban_window_set_maintenance (self, FALSE);
}

/* ---- input policy ------------------------------------------------------ */

static gboolean
on_event (GtkEventControllerLegacy *controller,
          GdkEvent                 *event,
          TongbanWindow            *self)
{
  switch ((int) gdk_event_get_event_type (event))
    {
    case GDK_KEY_PRESS:
    case GDK_KEY_RELEASE:
      {
        guint keyval = gdk_key_event_get_keyval (event);
        GdkModifierType state = gdk_event_get_modifier_state (event);

        if (gdk_event_get_event_type (event) == GDK_KEY_PRESS &&
            tongban_lockdown_is_quit_key (keyval, state, DEVELOPMENT))
          {
            gtk_window_destroy (GTK_WINDOW (self));
            return TRUE;
          }
        if (!tongban_lockdown_key_allowed (keyval, state, DEVELOPMENT))
          return TRUE;
        tongban_session_activity (self->session);
        if (self->speech && gdk_event_get_event_type (event) == GDK_KEY_PRESS)
          tongban_speech_stop (self->speech);
        return FALSE;
      }

    case GDK_BUTTON_PRESS:
    case GDK_BUTTON_RELEASE:
      if (!tongban_lockdown_button_allowed (gdk_button_event_get_button (event)))
        return TRUE;
      tongban_session_activity (self->session);
      /* Any touch silences the voice at once (UX.md 16). */
      if (self->speech && gdk_event_get_event_type (event) == GDK_BUTTON_PRESS)
        tongban_speech_stop (self->speech);
      return FALSE;

    case GDK_TOUCH_BEGIN:
      if (self->speech)
        tongban_speech_stop (self->speech);
      G_GNUC_FALLTHROUGH;
    case GDK_SCROLL:
      tongban_session_activity (self->session);
      return FALSE;

    default:
      return FALSE;
    }
}

static gboolean
tongban_window_close_request (GtkWindow *window)
{
  /* Only the development profile may be closed by the compositor. */
  if (DEVELOPMENT)
    return GTK_WINDOW_CLASS (tongban_window_parent_class)->close_request (window);
  return TRUE;
}

static void
tongban_window_realize (GtkWidget *widget)
{
  GdkSurface *surface;

  GTK_WIDGET_CLASS (tongban_window_parent_class)->realize (widget);

  surface = gtk_native_get_surface (GTK_NATIVE (widget));
  if (GDK_IS_TOPLEVEL (surface))
    gdk_toplevel_inhibit_system_shortcuts (GDK_TOPLEVEL (surface), NULL);
}

/* ---- screenshot -------------------------------------------------------- */

/* The window as drawn now, as a texture (for screenshots and the tests'
 * contrast checks, which read its pixels). */
GdkTexture *
tongban_window_render (TongbanWindow  *self,
                       GError        **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer;
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  g_return_val_if_fail (TONGBAN_IS_WINDOW (self), NULL);

  renderer = gtk_native_get_renderer (GTK_NATIVE (self));
  if (renderer == NULL || width <= 0 || height <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           "the window is not shown yet");
      return NULL;
    }

  paintable = gtk_widget_paintable_new (GTK_WIDGET (self));
  snapshot = gtk_snapshot_new ();
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 1, 1, 1, 1 },
                             &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "nothing was drawn");
      return NULL;
    }
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

gboolean
tongban_window_save_screenshot (TongbanWindow  *self,
                                const char     *path,
                                GError        **error)
{
  g_autoptr(GdkTexture) texture = NULL;

  g_return_val_if_fail (TONGBAN_IS_WINDOW (self), FALSE);

  texture = tongban_window_render (self, error);
  if (texture == NULL)
    return FALSE;
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: cannot be written", path);
      return FALSE;
    }
  return TRUE;
}

/* ---- GObject ----------------------------------------------------------- */

static void
tongban_window_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TongbanWindow *self = TONGBAN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LANGUAGE:
      g_value_set_string (value, tongban_language_to_code (self->language));
      break;
    case PROP_CARE_MODE:
      g_value_set_boolean (value, self->care_mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_window_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TongbanWindow *self = TONGBAN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LANGUAGE:
      {
        TongbanLanguage language;

        if (tongban_language_from_code (g_value_get_string (value), &language))
          {
            set_language (self, language);
            /* Choosing a language on the attract screen is a way to start. */
            if (self->history->len == 0 && !self->in_maintenance &&
                gtk_widget_get_mapped (GTK_WIDGET (self)))
              tongban_window_open (self, "home", NULL);
          }
      }
      break;
    case PROP_CARE_MODE:
      set_care_mode (self, g_value_get_boolean (value));
      /* Like choosing a language, choosing care mode is a way to start. */
      if (self->history->len == 0 && !self->in_maintenance &&
          gtk_widget_get_mapped (GTK_WIDGET (self)))
        tongban_window_open (self, "home", NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_window_dispose (GObject *object)
{
  TongbanWindow *self = TONGBAN_WINDOW (object);

  g_clear_handle_id (&self->clock_id, g_source_remove);
  g_clear_handle_id (&self->speak_id, g_source_remove);
  g_signal_handlers_disconnect_by_func (self, on_focus_changed, NULL);
  g_clear_weak_pointer (&self->last_field);
  if (self->speech)
    g_signal_handlers_disconnect_by_data (self->speech, self);
  g_clear_object (&self->speech);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      tongban_session_end (self->session, TONGBAN_SESSION_END_CANCELLED);
      g_clear_object (&self->session);
    }
  g_clear_object (&self->backend);
  if (self->devices)
    g_signal_handlers_disconnect_by_data (self->devices, self);
  g_clear_object (&self->devices);
  gtk_widget_dispose_template (GTK_WIDGET (self), TONGBAN_TYPE_WINDOW);
  G_OBJECT_CLASS (tongban_window_parent_class)->dispose (object);
}

static void
tongban_window_finalize (GObject *object)
{
  TongbanWindow *self = TONGBAN_WINDOW (object);

  g_clear_pointer (&self->history, g_ptr_array_unref);
  G_OBJECT_CLASS (tongban_window_parent_class)->finalize (object);
}

static void
tongban_window_class_init (TongbanWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->get_property = tongban_window_get_property;
  object_class->set_property = tongban_window_set_property;
  object_class->dispose = tongban_window_dispose;
  object_class->finalize = tongban_window_finalize;
  widget_class->realize = tongban_window_realize;
  window_class->close_request = tongban_window_close_request;

  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, "zh_CN",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CARE_MODE] =
    g_param_spec_boolean ("care-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TONGBAN_TYPE_ATTRACT_PAGE);
  g_type_ensure (TONGBAN_TYPE_HOME_PAGE);
  g_type_ensure (TONGBAN_TYPE_CATEGORY_PAGE);
  g_type_ensure (TONGBAN_TYPE_SERVICE_PAGE);
  g_type_ensure (TONGBAN_TYPE_FLOW_PAGE);
  g_type_ensure (TONGBAN_TYPE_MAINTENANCE_OVERLAY);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/tongban-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, header);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, platform_subtitle);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, footer);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, time_label);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, date_label);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, site_label);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, home_button);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, help_button);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, help_panel);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, help_text);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, keypad_help);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, idle_warning);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, idle_seconds);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, idle_text);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, attract_page);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, home_page);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, category_page);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, service_page);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, flow_page);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, maintenance);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, keyboard_slot);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, power_banner);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, voice_controls);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, repeat_button);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, louder_button);
  gtk_widget_class_bind_template_child (widget_class, TongbanWindow, quieter_button);

  /* Every action of the window, in one place: none of them leaves the kiosk. */
  gtk_widget_class_install_action (widget_class, "win.start", NULL, action_start);
  gtk_widget_class_install_action (widget_class, "win.home", NULL, action_home);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, action_back);
  gtk_widget_class_install_action (widget_class, "win.help", NULL, action_help);
  gtk_widget_class_install_action (widget_class, "win.close-help", NULL, action_close_help);
  gtk_widget_class_install_action (widget_class, "win.extend", NULL, action_extend);
  gtk_widget_class_install_action (widget_class, "win.maintenance", NULL, action_maintenance);
  gtk_widget_class_install_action (widget_class, "win.open-category", "s",
                                   action_open_category);
  gtk_widget_class_install_action (widget_class, "win.open-service", "s", action_open_service);
  gtk_widget_class_install_action (widget_class, "win.start-service", "s", action_start_service);
  gtk_widget_class_install_action (widget_class, "win.voice-repeat", NULL, action_voice_repeat);
  gtk_widget_class_install_action (widget_class, "win.voice-louder", NULL, action_voice_volume);
  gtk_widget_class_install_action (widget_class, "win.voice-quieter", NULL, action_voice_volume);
  gtk_widget_class_install_property_action (widget_class, "win.language", "language");
  gtk_widget_class_install_property_action (widget_class, "win.care-mode", "care-mode");

  gtk_widget_class_set_css_name (widget_class, "kioskwindow");
}

static void
tongban_window_init (TongbanWindow *self)
{
  GtkEventController *controller;

  self->history = g_ptr_array_new_with_free_func (nav_entry_free);
  self->language = tongban_i18n_get_language ();

  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    RESOURCE_PREFIX "/icons");

  gtk_widget_init_template (GTK_WIDGET (self));
  tongban_tr_capture (GTK_WIDGET (self));

  controller = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "event", G_CALLBACK (on_event), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  g_signal_connect (self->maintenance, "unlocked", G_CALLBACK (on_unlocked), self);
  g_signal_connect_swapped (tongban_maintenance_overlay_get_pin_pad (self->maintenance), "digit",
                            G_CALLBACK (on_pin_digit), self);
  g_signal_connect (self->flow_page, "cancelled", G_CALLBACK (on_flow_cancelled), self);
  g_signal_connect (self, "notify::focus-widget", G_CALLBACK (on_focus_changed), NULL);

  /* The kiosk's own keyboard, shown under the page when a text field has the
   * focus (never for PINs). */
  self->keyboard = TONGBAN_KEYBOARD (tongban_keyboard_new ());
  gtk_widget_set_name (GTK_WIDGET (self->keyboard), "keyboard");
  gtk_box_append (self->keyboard_slot, GTK_WIDGET (self->keyboard));
  tongban_keyboard_attach_to_window (self->keyboard, GTK_WINDOW (self));
  g_signal_connect (self->flow_page, "finished", G_CALLBACK (on_flow_finished), self);
  g_signal_connect (self->flow_page, "status", G_CALLBACK (on_flow_status), self);
}

/* The window covers the whole monitor: fullscreen under a compositor such as
 * cage, and sized to the monitor where nothing manages windows (Xvfb). */
static GdkRectangle
fill_monitor (TongbanWindow *self)
{
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (self));
  g_autoptr(GdkMonitor) monitor = g_list_model_get_item (gdk_display_get_monitors (display), 0);
  GdkRectangle geometry = { 0, 0, 1280, 1024 };

  if (monitor != NULL)
    {
      gdk_monitor_get_geometry (monitor, &geometry);
      gtk_window_set_default_size (GTK_WINDOW (self), geometry.width, geometry.height);
    }
  gtk_window_fullscreen (GTK_WINDOW (self));
  return geometry;
}

TongbanWindow *
tongban_window_new (GtkApplication      *application,
                    const TongbanConfig *config,
                    TongbanCatalog      *catalog,
                    TongbanBackend      *backend)
{
  TongbanWindow *self;
  g_autofree char *site = NULL;
  GdkRectangle screen;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (catalog != NULL, NULL);

  self = g_object_new (TONGBAN_TYPE_WINDOW, "application", application, NULL);
  self->catalog = catalog;
  self->backend = backend ? g_object_ref (backend) : NULL;
  self->default_language = config->default_language;
  self->idle_timeout_ms = config->idle_timeout_s * 1000;
  self->warning_ms = config->warning_s * 1000;
  self->session = tongban_session_new (self->idle_timeout_ms, self->warning_ms);
  g_signal_connect (self->session, "ended", G_CALLBACK (on_session_ended), self);
  g_signal_connect (self->session, "notify::warning", G_CALLBACK (on_session_warning), self);
  g_signal_connect (self->session, "notify::seconds-left", G_CALLBACK (on_session_warning), self);

  tongban_maintenance_overlay_configure (self->maintenance, config->maintainer_pin_hash,
                                         config->pin_max_attempts, config->pin_lockout_s);
  screen = fill_monitor (self);
  tongban_attract_page_set_catalog (self->attract_page, catalog);
  tongban_flow_page_set_catalog (self->flow_page, catalog);
  tongban_home_page_set_columns (self->home_page, screen.width >= 1240 ? 6 : 3);
  /* Narrow screens (1024 wide) keep the platform name whole: the header drops
   * its subtitle and tightens (style.css, .compact). */
  if (screen.width < 1200)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "compact");
      gtk_widget_set_visible (self->platform_subtitle, FALSE);
    }
  tongban_home_page_set_catalog (self->home_page, catalog);

  site = g_strdup_printf ("%s · %s", config->site_name, config->terminal_id);
  gtk_label_set_label (self->site_label, site);

  self->language = (TongbanLanguage) -1;
  set_language (self, config->default_language);
  show_current (self);
  on_clock_tick (self);
  return self;
}
