/* tongban-application.c: start-up, command line, configuration, remote actions
 *
 * The first instance owns the window. A second `tongban-kiosk --maintenance`
 * (or `gapplication action cn.gov.gba.Tongban maintenance`) reaches it over
 * D-Bus and raises the maintenance cover.
 */

#include "tongban-application.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "tongban-catalog.h"
#include "tongban-config.h"
#include "tongban-devices.h"
#include "tongban-gateway-backend.h"
#include "tongban-i18n.h"
#include "tongban-keyboard.h"
#include "tongban-manager-client.h"
#include "tongban-remote.h"
#include "tongban-secret-hash.h"
#include "tongban-window.h"

struct _TongbanApplication
{
  GtkApplication  parent_instance;

  TongbanConfig  *config;
  TongbanCatalog *catalog;
  TongbanBackend *backend;
  TongbanDevices *devices;
  TongbanWindow  *window;
  TongbanManagerClient *manager;
  TongbanRemote  *remote;

  char           *screenshot;
  gboolean        exit_after_first_frame;
  char           *first_page;
  gulong          after_paint_id;
  GdkFrameClock  *frame_clock;
};

G_DEFINE_FINAL_TYPE (TongbanApplication, tongban_application, GTK_TYPE_APPLICATION)

static const GOptionEntry options[] = {
  { "config", 'c', 0, G_OPTION_ARG_FILENAME, NULL,
    "Read the configuration from FILE (default: " SYSCONFDIR "/tongban/kiosk.conf)", "FILE" },
  { "language", 'l', 0, G_OPTION_ARG_STRING, NULL,
    "Show the kiosk in LANGUAGE: zh_CN, zh_HK or en", "LANGUAGE" },
  { "page", 0, 0, G_OPTION_ARG_STRING, NULL,
    "Open PAGE: attract, home, category:ID, service:ID or flow:ID (a service started)",
    "PAGE" },
  { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    "Save a PNG of the window once the page is drawn", "FILE" },
  { "exit-after-first-frame", 0, 0, G_OPTION_ARG_NONE, NULL,
    "Quit once the first frame of the page is drawn (benchmarks)", NULL },
  { "simulate-devices", 0, 0, G_OPTION_ARG_NONE, NULL,
    "Drive simulated devices (ID card reader, receipt printer) speaking the real protocols "
    "on ptys, instead of the [devices] of the configuration", NULL },
  { "maintenance", 0, 0, G_OPTION_ARG_NONE, NULL,
    "Raise the maintenance cover (in the running kiosk, if there is one)", NULL },
  { "hash-pin", 0, 0, G_OPTION_ARG_NONE, NULL,
    "Read a maintainer PIN from standard input and print its hash for kiosk.conf", NULL },
  { "check-config", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    "Check FILE as a kiosk configuration and report every problem", "FILE" },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, "Print the version", NULL },
  { NULL }
};

/* ---- local commands ----------------------------------------------------- */

static char *
read_secret_line (const char *prompt)
{
  struct termios old, quiet;
  gboolean tty = isatty (STDIN_FILENO);
  char buffer[128];
  char *line;

  if (tty)
    {
      fprintf (stderr, "%s", prompt);
      tcgetattr (STDIN_FILENO, &old);
      quiet = old;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  line = fgets (buffer, sizeof buffer, stdin);
  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &old);
      fprintf (stderr, "\n");
    }
  if (line == NULL)
    return NULL;
  buffer[strcspn (buffer, "\r\n")] = '\0';
  line = g_strdup (buffer);
  explicit_bzero (buffer, sizeof buffer);
  return line;
}

static int
hash_pin (void)
{
  g_autofree char *pin = read_secret_line ("Maintainer PIN (6 to 12 digits): ");
  g_autofree char *again = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = pin ? strlen (pin) : 0;

  if (pin == NULL || len < 6 || len > 12 || strspn (pin, "0123456789") != len)
    {
      g_printerr ("tongban-kiosk: a maintainer PIN is 6 to 12 digits\n");
      return 2;
    }
  if (isatty (STDIN_FILENO))
    {
      again = read_secret_line ("The same PIN again: ");
      if (again == NULL || strcmp (again, pin) != 0)
        {
          g_printerr ("tongban-kiosk: the two PINs differ\n");
          return 2;
        }
      explicit_bzero (again, strlen (again));
    }

  hash = tongban_secret_hash_new (pin, 0, &error);
  explicit_bzero (pin, len);
  if (hash == NULL)
    {
      g_printerr ("tongban-kiosk: %s\n", error->message);
      return 1;
    }
  g_print ("[maintenance]\npin-hash=%s\n", hash);
  return 0;
}

static gboolean
load_config (TongbanConfig *config,
             const char    *path,
             gboolean       required)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  if (!tongban_config_load (config, path, warnings, &error))
    {
      if (!required && g_error_matches (error, TONGBAN_CONFIG_ERROR,
                                        TONGBAN_CONFIG_ERROR_NOT_FOUND))
        return TRUE;
      g_printerr ("tongban-kiosk: %s\n", error->message);
      /* A file named on purpose must be right; the default one may be bad and
       * the kiosk still serves people on its defaults. */
      return !required && !g_error_matches (error, TONGBAN_CONFIG_ERROR,
                                            TONGBAN_CONFIG_ERROR_UNREADABLE);
    }
  for (guint i = 0; i < warnings->len; i++)
    g_printerr ("tongban-kiosk: %s\n", (char *) g_ptr_array_index (warnings, i));
  return TRUE;
}

static int
check_config (const char *path)
{
  g_autoptr(TongbanConfig) config = tongban_config_new ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  if (!tongban_config_load (config, path, warnings, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < warnings->len; i++)
    g_printerr ("%s\n", (char *) g_ptr_array_index (warnings, i));
  if (warnings->len == 0)
    g_print ("%s: no problems\n", path);
  return warnings->len == 0 ? 0 : 1;
}

static int
tongban_application_handle_local_options (GApplication *app,
                                          GVariantDict *dict)
{
  const char *path = NULL;

  if (g_variant_dict_contains (dict, "version"))
    {
      g_print ("tongban-kiosk %s (%s)\n", PACKAGE_VERSION, PROFILE);
      return 0;
    }
  if (g_variant_dict_contains (dict, "hash-pin"))
    return hash_pin ();
  if (g_variant_dict_lookup (dict, "check-config", "^&ay", &path))
    return check_config (path);
  return -1;
}

/* ---- first frame ------------------------------------------------------- */

static gboolean
finish_first_frame (gpointer data)
{
  TongbanApplication *self = data;
  g_autoptr(GError) error = NULL;

  if (self->screenshot != NULL)
    {
      if (tongban_window_save_screenshot (self->window, self->screenshot, &error))
        g_print ("screenshot: %s\n", self->screenshot);
      else
        g_printerr ("tongban-kiosk: screenshot: %s\n", error->message);
    }
  if (self->exit_after_first_frame)
    g_application_quit (G_APPLICATION (self));
  g_application_release (G_APPLICATION (self));
  return G_SOURCE_REMOVE;
}

static void
on_after_paint (GdkFrameClock      *clock,
                TongbanApplication *self)
{
  GtkStack *stack = GTK_STACK (tongban_window_get_part (self->window, "stack"));

  if ((self->first_page != NULL &&
       g_strcmp0 (tongban_window_get_page (self->window), self->first_page) != 0) ||
      gtk_stack_get_transition_running (stack))
    return;

  g_clear_signal_handler (&self->after_paint_id, clock);
  g_idle_add_full (G_PRIORITY_HIGH, finish_first_frame, self, NULL);
}

static void
on_window_mapped (GtkWidget          *window,
                  TongbanApplication *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  self->frame_clock = clock;
  self->after_paint_id = g_signal_connect (clock, "after-paint",
                                           G_CALLBACK (on_after_paint), self);
  gtk_widget_queue_draw (window);
}

static gboolean
start_voice (gpointer data)
{
  TongbanApplication *self = data;
  g_autoptr(TongbanSpeech) speech = NULL;

  if (self->window == NULL)
    return G_SOURCE_REMOVE;
  speech = tongban_speech_new (self->config->voice_sink);
  /* Without a voice or a sound card the kiosk goes on silently. */
  if (tongban_speech_get_status (speech) != TONGBAN_SPEECH_STATUS_READY)
    g_printerr ("tongban-kiosk: voice guidance is not available on this machine\n");
  tongban_window_set_speech (self->window, speech);
  return G_SOURCE_REMOVE;
}

/* ---- the management server ---------------------------------------------- */

static const char *
state_dir (TongbanApplication *self,
           char              **owned)
{
  if (self->config->state_dir != NULL)
    return self->config->state_dir;
  /* systemd's StateDirectory=tongban (data/systemd/tongban-kiosk.service). */
  if (g_getenv ("STATE_DIRECTORY") != NULL)
    return g_getenv ("STATE_DIRECTORY");
  *owned = g_build_filename (g_get_user_state_dir (), "tongban", NULL);
  return *owned;
}

/* [manager] url set: register, log in, heartbeats, commands and usage events
 * (tongban-manager-client.h). The kiosk serves people whether or not the
 * manager answers. */
static void
start_manager_link (TongbanApplication *self)
{
  g_autofree char *owned_dir = NULL;
  g_autoptr(GError) error = NULL;
  TongbanManagerClientSetup setup = { 0 };

  setup.url = self->config->manager_url;
  setup.number = self->config->terminal_id;
  setup.site = self->config->site_name;
  setup.region_code = self->config->region_code;
  setup.state_dir = state_dir (self, &owned_dir);
  self->manager = tongban_manager_client_new (&setup, &error);
  if (self->manager == NULL)
    {
      g_printerr ("tongban-kiosk: no link to the management server: %s\n", error->message);
      return;
    }
  self->remote = tongban_remote_new (self->window, self->devices, self->manager);
  /* With a manager, every business call goes through its gateway (REQ-I-04);
   * the built-in answers stay for a kiosk without one. */
  g_clear_object (&self->backend);
  self->backend = TONGBAN_BACKEND (tongban_gateway_backend_new (self->manager,
                                                                tongban_window_get_session (
                                                                  self->window)));
  tongban_window_set_backend (self->window, self->backend);
  tongban_manager_client_start (self->manager);
}

/* ---- command line ------------------------------------------------------ */

static gboolean
parse_page (const char  *spec,
            char       **page,
            char       **argument)
{
  const char *colon = strchr (spec, ':');

  if (colon == NULL)
    {
      if (!g_str_equal (spec, "attract") && !g_str_equal (spec, "home"))
        return FALSE;
      *page = g_strdup (spec);
      *argument = NULL;
      return TRUE;
    }
  *page = g_strndup (spec, (gsize) (colon - spec));
  *argument = g_strdup (colon + 1);
  return g_str_equal (*page, "category") || g_str_equal (*page, "service") ||
         g_str_equal (*page, "flow");
}

static gboolean
page_exists (TongbanApplication *self,
             const char         *page,
             const char         *argument)
{
  if (g_str_equal (page, "category"))
    return tongban_catalog_lookup_category (self->catalog, argument) != NULL;
  if (g_str_equal (page, "service") || g_str_equal (page, "flow"))
    return tongban_catalog_lookup_service (self->catalog, argument) != NULL;
  return TRUE;
}

static gboolean
setup (TongbanApplication *self,
       GVariantDict       *dict)
{
  const char *path = NULL;
  gboolean explicit_path;
  g_autoptr(GError) error = NULL;

  explicit_path = g_variant_dict_lookup (dict, "config", "^&ay", &path);
  if (!explicit_path)
    path = g_getenv ("TONGBAN_CONFIG");
  if (path != NULL)
    explicit_path = TRUE;
  else
    path = tongban_config_default_path ();

  self->config = tongban_config_new ();
  if (!load_config (self->config, path, explicit_path))
    return FALSE;
  if (self->config->pin_hash_is_default && !DEVELOPMENT)
    g_printerr ("tongban-kiosk: [maintenance] pin-hash is not set; the demonstration PIN "
                "is in use\n");

  if (self->config->catalog_dir != NULL)
    {
      self->catalog = tongban_catalog_new_from_dir (self->config->catalog_dir, &error);
      if (self->catalog == NULL)
        {
          g_printerr ("tongban-kiosk: %s: %s; using the built-in catalogue\n",
                      self->config->catalog_dir, error->message);
          g_clear_error (&error);
        }
    }
  if (self->catalog == NULL)
    self->catalog = tongban_catalog_new_from_resource (RESOURCE_PREFIX "/catalog", &error);
  if (self->catalog == NULL)
    {
      g_printerr ("tongban-kiosk: the built-in catalogue is broken: %s\n", error->message);
      return FALSE;
    }

  /* Without a management server, the government systems are stood in for by
   * the demonstration answers built in (start_manager_link() replaces them
   * with the manager's gateway). */
  {
    g_autoptr(GBytes) demo = g_resources_lookup_data (RESOURCE_PREFIX "/demo/backend.json", 0,
                                                      &error);

    if (demo != NULL)
      self->backend = TONGBAN_BACKEND (tongban_file_backend_new_from_bytes (demo, &error));
    if (self->backend == NULL)
      {
        g_printerr ("tongban-kiosk: the demonstration answers are broken: %s\n", error->message);
        return FALSE;
      }
    tongban_file_backend_set_delay (TONGBAN_FILE_BACKEND (self->backend), 600);
  }
  return TRUE;
}

static int
tongban_application_command_line (GApplication            *app,
                                  GApplicationCommandLine *cmdline)
{
  TongbanApplication *self = TONGBAN_APPLICATION (app);
  GVariantDict *dict = g_application_command_line_get_options_dict (cmdline);
  const char *language = NULL;
  const char *page_spec = NULL;
  const char *screenshot = NULL;
  g_autofree char *page = NULL;
  g_autofree char *argument = NULL;
  TongbanLanguage lang;

  if (g_variant_dict_lookup (dict, "language", "&s", &language) &&
      !tongban_language_from_code (language, &lang))
    {
      g_application_command_line_printerr (cmdline, "tongban-kiosk: --language: '%s' is not "
                                           "one of zh_CN, zh_HK, en\n", language);
      return 2;
    }
  if (g_variant_dict_lookup (dict, "page", "&s", &page_spec) &&
      !parse_page (page_spec, &page, &argument))
    {
      g_application_command_line_printerr (cmdline, "tongban-kiosk: --page: '%s' is not "
                                           "attract, home, category:ID, service:ID or flow:ID\n",
                                           page_spec);
      return 2;
    }

  if (self->window == NULL)
    {
      if (!setup (self, dict))
        return 1;
      if (page != NULL && !page_exists (self, page, argument))
        {
          g_application_command_line_printerr (cmdline, "tongban-kiosk: --page: there is no "
                                               "%s '%s' in the catalogue\n", page, argument);
          return 2;
        }
      if (language != NULL)
        self->config->default_language = lang;

      self->window = tongban_window_new (GTK_APPLICATION (self), self->config, self->catalog,
                                         self->backend);
      {
        g_autoptr(GError) device_error = NULL;

        self->devices = tongban_devices_new ();
        if (g_variant_dict_contains (dict, "simulate-devices")
              ? !tongban_devices_simulate (self->devices, &device_error)
              : !tongban_devices_configure (self->devices, self->config->devices,
                                            (const char * const *) self->config->lacks,
                                            &device_error))
          g_printerr ("tongban-kiosk: %s\n", device_error->message);
        tongban_window_set_devices (self->window, self->devices);
        tongban_devices_log_self_test (self->devices);
      }
      if (self->config->manager_url != NULL)
        start_manager_link (self);
      /* The voice (GStreamer and espeak-ng) is not needed for the first
       * frame: it starts once the kiosk is on the screen. */
      if (self->config->voice)
        g_idle_add_full (G_PRIORITY_LOW, start_voice, g_object_ref (self), g_object_unref);
      self->exit_after_first_frame = g_variant_dict_contains (dict, "exit-after-first-frame");
      if (g_variant_dict_lookup (dict, "screenshot", "^&ay", &screenshot))
        self->screenshot = g_strdup (screenshot);
      self->first_page = g_strdup (page ? page : "attract");

      if (self->screenshot != NULL || self->exit_after_first_frame)
        {
          g_application_hold (app);
          g_signal_connect (self->window, "map", G_CALLBACK (on_window_mapped), self);
        }
    }
  else if (page != NULL && !page_exists (self, page, argument))
    {
      g_application_command_line_printerr (cmdline, "tongban-kiosk: --page: there is no "
                                           "%s '%s' in the catalogue\n", page, argument);
      return 2;
    }

  else if (g_variant_dict_lookup (dict, "screenshot", "^&ay", &screenshot) &&
           self->after_paint_id == 0)
    {
      /* A screenshot of the running kiosk, once it has drawn what this
       * command asked for. */
      g_free (self->screenshot);
      self->screenshot = g_strdup (screenshot);
      self->exit_after_first_frame = FALSE;
      g_free (self->first_page);
      self->first_page = NULL;
      g_application_hold (app);
      on_window_mapped (GTK_WIDGET (self->window), self);
    }

  if (language != NULL)
    g_object_set (self->window, "language", language, NULL);
  if (page != NULL)
    tongban_window_open (self->window, page, argument);
  if (g_variant_dict_contains (dict, "maintenance"))
    tongban_window_set_maintenance (self->window, TRUE);

  gtk_window_present (GTK_WINDOW (self->window));
  return 0;
}

/* ---- application ------------------------------------------------------- */

static void
maintenance_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  TongbanApplication *self = user_data;

  if (self->window != NULL)
    tongban_window_set_maintenance (self->window, TRUE);
}

static void
tongban_application_startup (GApplication *app)
{
  static const GActionEntry actions[] = {
    { "maintenance", maintenance_activated },
  };
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (tongban_application_parent_class)->startup (app);

  gtk_css_provider_load_from_resource (css, RESOURCE_PREFIX "/ui/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  tongban_keyboard_add_style (gdk_display_get_default ());
  gtk_window_set_default_icon_name (APP_ID);
  g_action_map_add_action_entries (G_ACTION_MAP (app), actions, G_N_ELEMENTS (actions), app);
}

static void
tongban_application_dispose (GObject *object)
{
  TongbanApplication *self = TONGBAN_APPLICATION (object);

  if (self->frame_clock != NULL)
    g_clear_signal_handler (&self->after_paint_id, self->frame_clock);
  g_clear_pointer (&self->remote, tongban_remote_free);
  if (self->manager != NULL)
    tongban_manager_client_stop (self->manager);
  self->window = NULL;
  G_OBJECT_CLASS (tongban_application_parent_class)->dispose (object);
}

static void
tongban_application_finalize (GObject *object)
{
  TongbanApplication *self = TONGBAN_APPLICATION (object);

  g_clear_object (&self->backend);
  g_clear_object (&self->manager);
  g_clear_object (&self->devices);
  g_clear_pointer (&self->catalog, tongban_catalog_free);
  g_clear_pointer (&self->config, tongban_config_free);
  g_free (self->screenshot);
  g_free (self->first_page);
  G_OBJECT_CLASS (tongban_application_parent_class)->finalize (object);
}

static void
tongban_application_class_init (TongbanApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = tongban_application_dispose;
  object_class->finalize = tongban_application_finalize;
  app_class->startup = tongban_application_startup;
  app_class->command_line = tongban_application_command_line;
  app_class->handle_local_options = tongban_application_handle_local_options;
}

static void
tongban_application_init (TongbanApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            "Bay Area Tongban government self-service kiosk");
}

TongbanApplication *
tongban_application_new (void)
{
  return g_object_new (TONGBAN_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}
