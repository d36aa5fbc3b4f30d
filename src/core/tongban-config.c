/* tongban-config.c: reading and checking kiosk.conf */

#include "tongban-config.h"

#include <errno.h>
#include <string.h>
#include "tongban-region-code.h"
#include "tongban-secret-hash.h"

/* The demonstration maintainer PIN is 246810 (README.md, "Configuration").
 * A kiosk in service sets its own in [maintenance] pin-hash. */
#define DEMO_PIN_HASH \
  "pbkdf2-sm3$100000$Ms9TtO0lb7+qZL7ZDCRd+w==$+wcQRMmLNXwkccdgxSTTx8SJri5o8OHwxSwuhIJwQRU="

G_DEFINE_QUARK (tongban-config-error-quark, tongban_config_error)

typedef struct {
  const char *group;
  const char *key;
} KnownKey;

static const KnownKey known_keys[] = {
  { "kiosk", "terminal-id" },
  { "kiosk", "site-name" },
  { "kiosk", "default-language" },
  { "session", "idle-timeout" },
  { "session", "warning" },
  { "maintenance", "pin-hash" },
  { "maintenance", "max-attempts" },
  { "maintenance", "lockout" },
  { "kiosk", "lacks" },
  { "voice", "enabled" },
  { "voice", "sink" },
  { "catalog", "directory" },
  { "manager", "url" },
  { "manager", "region-code" },
  { "manager", "state-directory" },
};

/* What a kiosk may say it lacks: the device names of the service catalogue. */
static const char * const device_kinds[] = {
  "id-card-reader", "ic-card-reader", "receipt-printer", "laser-printer", "pin-pad",
  "barcode-scanner", "camera", "fingerprint-reader", "document-camera", "removable-storage",
  NULL
};

TongbanConfig *
tongban_config_new (void)
{
  TongbanConfig *config = g_new0 (TongbanConfig, 1);

  config->terminal_id = g_strdup ("DEMO-0001");
  config->site_name = g_strdup ("Demo service hall");
  config->default_language = TONGBAN_LANGUAGE_ZH_CN;
  config->idle_timeout_s = 60;
  config->warning_s = 30;
  config->maintainer_pin_hash = g_strdup (DEMO_PIN_HASH);
  config->pin_hash_is_default = TRUE;
  config->pin_max_attempts = 5;
  config->pin_lockout_s = 300;
  config->voice = TRUE;
  config->devices = g_key_file_new ();
  config->lacks = g_new0 (char *, 1);
  config->region_code = g_strdup ("440000");
  return config;
}

void
tongban_config_free (TongbanConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->source);
  g_free (config->terminal_id);
  g_free (config->site_name);
  g_free (config->maintainer_pin_hash);
  g_free (config->catalog_dir);
  g_clear_pointer (&config->devices, g_key_file_unref);
  g_free (config->voice_sink);
  g_strfreev (config->lacks);
  g_free (config->manager_url);
  g_free (config->region_code);
  g_free (config->state_dir);
  g_free (config);
}

const char *
tongban_config_default_path (void)
{
  return SYSCONFDIR "/tongban/kiosk.conf";
}

static void G_GNUC_PRINTF (5, 6)
warn (GPtrArray  *warnings,
      const char *path,
      const char *group,
      const char *key,
      const char *format,
      ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  if (warnings != NULL)
    g_ptr_array_add (warnings, g_strdup_printf ("%s: [%s] %s: %s", path, group, key, detail));
}

static gboolean
is_known (const char *group,
          const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_keys); i++)
    if (strcmp (known_keys[i].group, group) == 0 &&
        (key == NULL || strcmp (known_keys[i].key, key) == 0))
      return TRUE;
  return FALSE;
}

/* Reads a string key; NULL if absent. Empty or over-long values are reported. */
static char *
get_string (GKeyFile   *kf,
            const char *path,
            const char *group,
            const char *key,
            gsize       max_len,
            GPtrArray  *warnings)
{
  g_autofree char *value = NULL;

  if (!g_key_file_has_key (kf, group, key, NULL))
    return NULL;

  value = g_key_file_get_string (kf, group, key, NULL);
  if (value == NULL || !g_utf8_validate (value, -1, NULL))
    {
      warn (warnings, path, group, key, "not valid UTF-8 text; using the default");
      return NULL;
    }
  g_strstrip (value);
  if (*value == '\0' || strlen (value) > max_len)
    {
      warn (warnings, path, group, key, "must be 1 to %" G_GSIZE_FORMAT " characters; "
            "using the default", max_len);
      return NULL;
    }
  return g_steal_pointer (&value);
}

static void
get_seconds (GKeyFile   *kf,
             const char *path,
             const char *group,
             const char *key,
             guint       min,
             guint       max,
             guint      *inout,
             GPtrArray  *warnings)
{
  g_autofree char *raw = NULL;
  guint64 value;

  if (!g_key_file_has_key (kf, group, key, NULL))
    return;

  raw = g_key_file_get_value (kf, group, key, NULL);
  g_strstrip (raw);
  if (!g_ascii_string_to_unsigned (raw, 10, min, max, &value, NULL))
    {
      warn (warnings, path, group, key, "'%s' is not a whole number of seconds from %u to %u; "
            "using %u", raw, min, max, *inout);
      return;
    }
  *inout = (guint) value;
}

gboolean
tongban_config_load (TongbanConfig  *config,
                     const char     *path,
                     GPtrArray      *warnings,
                     GError        **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) groups = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  char *value;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, TONGBAN_CONFIG_ERROR, TONGBAN_CONFIG_ERROR_NOT_FOUND,
                     "%s: no such file", path);
      else
        g_set_error (error, TONGBAN_CONFIG_ERROR, TONGBAN_CONFIG_ERROR_UNREADABLE,
                     "%s: cannot be read (%s)", path, local_error->message);
      return FALSE;
    }

  if (!g_utf8_validate (contents, (gssize) length, NULL) ||
      !g_key_file_load_from_data (kf, contents, length, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, TONGBAN_CONFIG_ERROR, TONGBAN_CONFIG_ERROR_SYNTAX,
                   "%s: not a valid key file (%s)", path,
                   local_error ? local_error->message : "the text is not UTF-8");
      return FALSE;
    }

  g_free (config->source);
  config->source = g_strdup (path);

  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i]; i++)
    {
      g_auto(GStrv) keys = g_key_file_get_keys (kf, groups[i], NULL, NULL);

      /* Devices are the device manager's to check (drivers/core). */
      if (g_str_has_prefix (groups[i], "device:"))
        {
          for (guint j = 0; keys && keys[j]; j++)
            {
              g_autofree char *v = g_key_file_get_value (kf, groups[i], keys[j], NULL);

              g_key_file_set_value (config->devices, groups[i], keys[j], v);
            }
          continue;
        }
      if (!is_known (groups[i], NULL))
        {
          warn (warnings, path, groups[i], "*", "unknown group; ignored");
          continue;
        }
      for (guint j = 0; keys && keys[j]; j++)
        if (!is_known (groups[i], keys[j]))
          warn (warnings, path, groups[i], keys[j], "unknown key; ignored");
    }

  if ((value = get_string (kf, path, "kiosk", "terminal-id", 64, warnings)))
    {
      g_free (config->terminal_id);
      config->terminal_id = value;
    }
  if ((value = get_string (kf, path, "kiosk", "site-name", 200, warnings)))
    {
      g_free (config->site_name);
      config->site_name = value;
    }

  if ((value = get_string (kf, path, "kiosk", "default-language", 16, warnings)))
    {
      if (!tongban_language_from_code (value, &config->default_language))
        warn (warnings, path, "kiosk", "default-language",
              "'%s' is not one of zh_CN, zh_HK, en; using %s", value,
              tongban_language_to_code (config->default_language));
      g_free (value);
    }

  get_seconds (kf, path, "session", "idle-timeout", 15, 1800, &config->idle_timeout_s, warnings);
  get_seconds (kf, path, "session", "warning", 20, 300, &config->warning_s, warnings);
  get_seconds (kf, path, "maintenance", "max-attempts", 1, 20, &config->pin_max_attempts, warnings);
  get_seconds (kf, path, "maintenance", "lockout", 10, 86400, &config->pin_lockout_s, warnings);

  if ((value = get_string (kf, path, "maintenance", "pin-hash", 512, warnings)))
    {
      g_autoptr(GError) hash_error = NULL;

      if (tongban_secret_hash_check_format (value, &hash_error))
        {
          g_free (config->maintainer_pin_hash);
          config->maintainer_pin_hash = value;
          config->pin_hash_is_default = FALSE;
        }
      else
        {
          warn (warnings, path, "maintenance", "pin-hash", "%s; keeping the previous PIN",
                hash_error->message);
          g_free (value);
        }
    }

  if ((value = get_string (kf, path, "catalog", "directory", 4096, warnings)))
    {
      if (g_path_is_absolute (value) && g_file_test (value, G_FILE_TEST_IS_DIR))
        {
          g_free (config->catalog_dir);
          config->catalog_dir = value;
        }
      else
        {
          warn (warnings, path, "catalog", "directory",
                "'%s' is not an existing absolute folder; using the built-in catalogue", value);
          g_free (value);
        }
    }

  if (g_key_file_has_key (kf, "voice", "enabled", NULL))
    {
      g_autoptr(GError) bool_error = NULL;
      gboolean enabled = g_key_file_get_boolean (kf, "voice", "enabled", &bool_error);

      if (bool_error)
        warn (warnings, path, "voice", "enabled", "must be true or false; voice stays on");
      else
        config->voice = enabled;
    }
  if ((value = get_string (kf, path, "voice", "sink", 512, warnings)))
    {
      g_free (config->voice_sink);
      config->voice_sink = value;
    }

  if ((value = get_string (kf, path, "manager", "url", 512, warnings)))
    {
      if (g_str_has_prefix (value, "http://") || g_str_has_prefix (value, "https://"))
        {
          g_free (config->manager_url);
          config->manager_url = value;
        }
      else
        {
          warn (warnings, path, "manager", "url", "'%s' is not an http:// or https:// address; "
                "the kiosk works without the management server", value);
          g_free (value);
        }
    }
  if ((value = get_string (kf, path, "manager", "region-code", 9, warnings)))
    {
      if (tongban_region_code_is_valid (value))
        {
          g_free (config->region_code);
          config->region_code = value;
        }
      else
        {
          warn (warnings, path, "manager", "region-code", "'%s' is not a region code; using %s",
                value, config->region_code);
          g_free (value);
        }
    }
  if ((value = get_string (kf, path, "manager", "state-directory", 4096, warnings)))
    {
      if (g_path_is_absolute (value))
        {
          g_free (config->state_dir);
          config->state_dir = value;
        }
      else
        {
          warn (warnings, path, "manager", "state-directory", "'%s' is not an absolute folder; "
                "using the default", value);
          g_free (value);
        }
    }

  if (g_key_file_has_key (kf, "kiosk", "lacks", NULL))
    {
      g_auto(GStrv) list = g_key_file_get_string_list (kf, "kiosk", "lacks", NULL, NULL);
      g_autoptr(GStrvBuilder) kinds = g_strv_builder_new ();

      for (guint i = 0; list && list[i]; i++)
        {
          g_strstrip (list[i]);
          if (g_strv_contains (device_kinds, list[i]))
            g_strv_builder_add (kinds, list[i]);
          else if (*list[i] != '\0')
            warn (warnings, path, "kiosk", "lacks", "'%s' is not a device of the catalogue; "
                  "ignored", list[i]);
        }
      g_strfreev (config->lacks);
      config->lacks = g_strv_builder_end (kinds);
    }
  return TRUE;
}
