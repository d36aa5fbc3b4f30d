/* test-config.c: kiosk.conf — defaults, good values, and every kind of bad input */

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include "tongban-config.h"

static char *
write_config (const char *contents,
              gssize      length)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("kiosk-XXXXXX.conf", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return path;
}

static gboolean
has_warning (GPtrArray  *warnings,
             const char *path,
             const char *needle)
{
  for (guint i = 0; i < warnings->len; i++)
    {
      const char *w = g_ptr_array_index (warnings, i);

      if (g_str_has_prefix (w, path) && strstr (w, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_defaults (void)
{
  g_autoptr(TongbanConfig) config = tongban_config_new ();

  g_assert_cmpuint (config->idle_timeout_s, ==, 60);
  g_assert_cmpuint (config->warning_s, ==, 30);
  g_assert_cmpint (config->default_language, ==, TONGBAN_LANGUAGE_ZH_CN);
  g_assert_true (config->pin_hash_is_default);
  g_assert_nonnull (config->maintainer_pin_hash);
  g_assert_null (config->catalog_dir);
}

static void
test_good_file (void)
{
  g_autoptr(TongbanConfig) config = tongban_config_new ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_config (
    "# comment\n"
    "[kiosk]\nterminal-id=GZ-TH-0042\nsite-name=天河区政务服务中心\ndefault-language=zh_HK\n"
    "[session]\nidle-timeout=90\nwarning=45\n"
    "[maintenance]\n"
    "pin-hash=pbkdf2-sm3$10000$c2FsdHNhbHQ=$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
    "max-attempts=3\nlockout=60\n", -1);

  g_assert_true (tongban_config_load (config, path, warnings, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (warnings->len, ==, 0);
  g_assert_cmpstr (config->terminal_id, ==, "GZ-TH-0042");
  g_assert_cmpstr (config->site_name, ==, "天河区政务服务中心");
  g_assert_cmpint (config->default_language, ==, TONGBAN_LANGUAGE_ZH_HK);
  g_assert_cmpuint (config->idle_timeout_s, ==, 90);
  g_assert_cmpuint (config->warning_s, ==, 45);
  g_assert_false (config->pin_hash_is_default);
  g_assert_cmpuint (config->pin_max_attempts, ==, 3);
  g_assert_cmpuint (config->pin_lockout_s, ==, 60);
  g_unlink (path);
}

static void
test_bad_values (void)
{
  g_autoptr(TongbanConfig) config = tongban_config_new ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_config (
    "[kiosk]\ndefault-language=fr\nterminal-id=\n"
    "[session]\nidle-timeout=abc\nwarning=5\nidel-timeout=30\n"
    "[maintenance]\npin-hash=1234\n"
    "[catalog]\ndirectory=relative/path\n"
    "[display]\nwidth=800\n", -1);

  g_assert_true (tongban_config_load (config, path, warnings, &error));
  g_assert_no_error (error);

  /* Each problem is one line naming the file, the group and the key... */
  g_assert_true (has_warning (warnings, path, "[kiosk] default-language: 'fr'"));
  g_assert_true (has_warning (warnings, path, "[kiosk] terminal-id:"));
  g_assert_true (has_warning (warnings, path, "[session] idle-timeout: 'abc'"));
  g_assert_true (has_warning (warnings, path, "[session] warning: '5'"));
  g_assert_true (has_warning (warnings, path, "[session] idel-timeout: unknown key"));
  g_assert_true (has_warning (warnings, path, "[maintenance] pin-hash:"));
  g_assert_true (has_warning (warnings, path, "[catalog] directory:"));
  g_assert_true (has_warning (warnings, path, "[display] *: unknown group"));
  g_assert_cmpuint (warnings->len, ==, 8);
  for (guint i = 0; i < warnings->len; i++)
    g_assert_null (strchr (g_ptr_array_index (warnings, i), '\n'));

  /* ...and the default stays. */
  g_assert_cmpint (config->default_language, ==, TONGBAN_LANGUAGE_ZH_CN);
  g_assert_cmpstr (config->terminal_id, ==, "DEMO-0001");
  g_assert_cmpuint (config->idle_timeout_s, ==, 60);
  g_assert_cmpuint (config->warning_s, ==, 30);
  g_assert_true (config->pin_hash_is_default);
  g_assert_null (config->catalog_dir);
  g_unlink (path);
}

/* [manager]: a good group is taken; bad values warn and leave the link off. */
static void
test_manager (void)
{
  g_autoptr(TongbanConfig) good = tongban_config_new ();
  g_autoptr(TongbanConfig) bad = tongban_config_new ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *good_path = write_config (
    "[manager]\nurl=https://manager.example:8470\nregion-code=440304\n"
    "state-directory=/var/lib/tongban\n", -1);
  g_autofree char *bad_path = NULL;

  g_assert_null (good->manager_url);
  g_assert_true (tongban_config_load (good, good_path, warnings, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (warnings->len, ==, 0);
  g_assert_cmpstr (good->manager_url, ==, "https://manager.example:8470");
  g_assert_cmpstr (good->region_code, ==, "440304");
  g_assert_cmpstr (good->state_dir, ==, "/var/lib/tongban");
  g_unlink (good_path);

  bad_path = write_config ("[manager]\nurl=ftp://manager\nregion-code=44x\n"
                           "state-directory=state\n", -1);
  g_assert_true (tongban_config_load (bad, bad_path, warnings, &error));
  g_assert_true (has_warning (warnings, bad_path, "[manager] url: 'ftp://manager'"));
  g_assert_true (has_warning (warnings, bad_path, "[manager] region-code: '44x'"));
  g_assert_true (has_warning (warnings, bad_path, "[manager] state-directory: 'state'"));
  g_assert_cmpuint (warnings->len, ==, 3);
  g_assert_null (bad->manager_url);
  g_assert_cmpstr (bad->region_code, ==, "440000");
  g_assert_null (bad->state_dir);
  g_unlink (bad_path);
}

static void
test_devices (void)
{
  g_autoptr(TongbanConfig) config = tongban_config_new ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_config (
    "[kiosk]\nlacks=laser-printer;teleporter;\n"
    "[device:idcard]\ntype=idcard\nlink=tty:/dev/ttyUSB0@115200\n", -1);
  g_autofree char *link = NULL;

  g_assert_true (tongban_config_load (config, path, warnings, &error));
  g_assert_cmpuint (g_strv_length (config->lacks), ==, 1);
  g_assert_cmpstr (config->lacks[0], ==, "laser-printer");
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_true (has_warning (warnings, path, "[kiosk] lacks: 'teleporter'"));
  /* Device groups go to the device manager as they are. */
  link = g_key_file_get_string (config->devices, "device:idcard", "link", NULL);
  g_assert_cmpstr (link, ==, "tty:/dev/ttyUSB0@115200");
  g_unlink (path);
}

static void
test_syntax_error (void)
{
  g_autoptr(TongbanConfig) config = tongban_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_config ("[kiosk\nthis is not a key file\n", -1);

  g_assert_false (tongban_config_load (config, path, NULL, &error));
  g_assert_error (error, TONGBAN_CONFIG_ERROR, TONGBAN_CONFIG_ERROR_SYNTAX);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_cmpuint (config->idle_timeout_s, ==, 60);
  g_unlink (path);
}

static void
test_not_utf8 (void)
{
  g_autoptr(TongbanConfig) config = tongban_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_config ("[kiosk]\nsite-name=\xff\xfe\n", -1);

  g_assert_false (tongban_config_load (config, path, NULL, &error));
  g_assert_error (error, TONGBAN_CONFIG_ERROR, TONGBAN_CONFIG_ERROR_SYNTAX);
  g_unlink (path);
}

static void
test_missing (void)
{
  g_autoptr(TongbanConfig) config = tongban_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (tongban_config_load (config, "/nonexistent/kiosk.conf", NULL, &error));
  g_assert_error (error, TONGBAN_CONFIG_ERROR, TONGBAN_CONFIG_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "/nonexistent/kiosk.conf: no such file");
}

static void
test_example_is_clean (void)
{
  g_autoptr(TongbanConfig) config = tongban_config_new ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "..", "data",
                                                 "kiosk.conf.example", NULL);

  g_assert_true (tongban_config_load (config, path, warnings, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (warnings->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kiosk/config/defaults", test_defaults);
  g_test_add_func ("/kiosk/config/good-file", test_good_file);
  g_test_add_func ("/kiosk/config/bad-values", test_bad_values);
  g_test_add_func ("/kiosk/config/devices", test_devices);
  g_test_add_func ("/kiosk/config/manager", test_manager);
  g_test_add_func ("/kiosk/config/syntax-error", test_syntax_error);
  g_test_add_func ("/kiosk/config/not-utf8", test_not_utf8);
  g_test_add_func ("/kiosk/config/missing", test_missing);
  g_test_add_func ("/kiosk/config/example-is-clean", test_example_is_clean);
  return g_test_run ();
}
