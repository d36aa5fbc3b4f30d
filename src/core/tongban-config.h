/* tongban-config.h: the kiosk's configuration (a key file, see data/kiosk.conf.example)
 *
 * Every key has an embedded default, so the kiosk runs with no file at all.
 * A bad value never stops the kiosk: it is reported in one line naming the
 * file and the key, and the default is used instead.
 */
#pragma once

#include <glib.h>
#include "tongban-i18n.h"

G_BEGIN_DECLS

#define TONGBAN_CONFIG_ERROR (tongban_config_error_quark ())

typedef enum {
  TONGBAN_CONFIG_ERROR_NOT_FOUND,
  TONGBAN_CONFIG_ERROR_UNREADABLE,
  TONGBAN_CONFIG_ERROR_SYNTAX,
} TongbanConfigError;

typedef struct {
  char            *source;              /* file the values came from, or NULL */
  char            *terminal_id;
  char            *site_name;
  TongbanLanguage  default_language;
  guint            idle_timeout_s;      /* inactivity before the warning */
  guint            warning_s;           /* length of the countdown */
  char            *maintainer_pin_hash; /* pbkdf2-sm3$... */
  gboolean         pin_hash_is_default;
  guint            pin_max_attempts;
  guint            pin_lockout_s;
  char            *catalog_dir;         /* NULL: the catalogue built into the program */
  gboolean         voice;               /* [voice] enabled */
  char            *voice_sink;          /* [voice] sink; NULL: the system's audio output */
  GKeyFile        *devices;             /* the [device:NAME] groups, for the device manager */
  GStrv            lacks;               /* [kiosk] lacks: device kinds the kiosk has not */
  char            *manager_url;         /* [manager] url; NULL: no management server */
  char            *region_code;         /* [manager] region-code, where the kiosk stands */
  char            *state_dir;           /* [manager] state-directory; NULL: the default */
} TongbanConfig;

GQuark         tongban_config_error_quark  (void);
TongbanConfig *tongban_config_new          (void);
void           tongban_config_free         (TongbanConfig  *config);
gboolean       tongban_config_load         (TongbanConfig  *config,
                                            const char     *path,
                                            GPtrArray      *warnings,
                                            GError        **error);
const char    *tongban_config_default_path (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanConfig, tongban_config_free)

G_END_DECLS
