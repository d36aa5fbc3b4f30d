/* test-ime.c: the librime wrapper, with the schemas the build deployed */

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include "tongban-ime.h"

static char *runtime_dir;

static void
type (TongbanIme *ime,
      const char *keys)
{
  for (const char *k = keys; *k; k++)
    g_assert_true (tongban_ime_process_key (ime, (guchar) *k));
}

static int
candidate_index (TongbanIme *ime,
                 const char *text)
{
  const char *const *candidates = tongban_ime_get_candidates (ime);

  for (int i = 0; candidates[i] != NULL; i++)
    if (strcmp (candidates[i], text) == 0)
      return i;
  return -1;
}

/* Everything under @dir, for the privacy check. */
static void
list_tree (const char *dir,
           GPtrArray  *out)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_ptr_array_add (out, g_strdup (path));
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        list_tree (path, out);
    }
}

static void
test_not_ready (void)
{
  TongbanIme *ime = tongban_ime_get_default ();

  g_assert_true (ime == tongban_ime_get_default ());
  g_assert_false (tongban_ime_is_ready (ime));
  g_assert_false (tongban_ime_process_key (ime, 'a'));
  g_assert_false (tongban_ime_is_composing (ime));
  g_assert_cmpstr (tongban_ime_get_preedit (ime), ==, "");
  g_assert_null (tongban_ime_get_candidates (ime)[0]);
  g_assert_false (tongban_ime_select_candidate (ime, 0));
  g_assert_false (tongban_ime_change_page (ime, TRUE));
  g_assert_null (tongban_ime_take_commit (ime));
  g_assert_null (tongban_ime_get_data_dir (ime));
  /* Remembered and applied once loaded. */
  g_assert_false (tongban_ime_set_schema (ime, TONGBAN_IME_SCHEMA_PINYIN_SIMPLIFIED));
  tongban_ime_reset (ime);
}

static gboolean
on_timeout (gpointer data)
{
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

static void
test_start (void)
{
  TongbanIme *ime = tongban_ime_get_default ();
  gint64 start = g_get_monotonic_time ();
  guint timeout = g_timeout_add_seconds (60, on_timeout, NULL);
  g_autofree char *message = NULL;

  tongban_ime_start (ime);
  tongban_ime_start (ime);  /* once only */
  /* Start returns at once: loading is in the worker thread. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 50000);
  g_assert_false (tongban_ime_is_ready (ime));

  while (!tongban_ime_is_ready (ime))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);

  message = g_strdup_printf ("ready after %.0f ms, data in %s",
                             (double) (g_get_monotonic_time () - start) / 1000.0,
                             tongban_ime_get_data_dir (ime));
  g_test_message ("%s", message);
  g_assert_cmpstr (tongban_ime_get_data_dir (ime), ==, g_getenv ("TONGBAN_RIME_DIR"));
  g_assert_cmpint (tongban_ime_get_schema (ime), ==, TONGBAN_IME_SCHEMA_PINYIN_SIMPLIFIED);
}

static void
test_pinyin (void)
{
  TongbanIme *ime = tongban_ime_get_default ();
  g_autofree char *committed = NULL;
  int i;

  g_assert_true (tongban_ime_set_schema (ime, TONGBAN_IME_SCHEMA_PINYIN_SIMPLIFIED));
  type (ime, "shebao");
  g_assert_true (tongban_ime_is_composing (ime));
  g_assert_cmpstr (tongban_ime_get_preedit (ime), ==, "she bao");
  i = candidate_index (ime, "社保");
  g_assert_cmpint (i, >=, 0);
  g_assert_cmpint (i, <, 3);
  g_assert_true (tongban_ime_select_candidate (ime, (guint) i));
  g_assert_false (tongban_ime_is_composing (ime));
  committed = tongban_ime_take_commit (ime);
  g_assert_cmpstr (committed, ==, "社保");
  g_assert_null (tongban_ime_take_commit (ime));

  /* Simplified output. */
  type (ime, "guojia");
  g_assert_cmpint (candidate_index (ime, "国家"), ==, 0);
  tongban_ime_reset (ime);

  /* Out of range. */
  type (ime, "a");
  g_assert_false (tongban_ime_select_candidate (ime, 99));
  tongban_ime_reset (ime);
}

static void
test_pinyin_traditional (void)
{
  TongbanIme *ime = tongban_ime_get_default ();

  g_assert_true (tongban_ime_set_schema (ime, TONGBAN_IME_SCHEMA_PINYIN_TRADITIONAL));
  type (ime, "guojia");
  g_assert_cmpint (candidate_index (ime, "國家"), ==, 0);
  tongban_ime_reset (ime);
}

static void
test_cangjie (void)
{
  TongbanIme *ime = tongban_ime_get_default ();
  g_autofree char *committed = NULL;

  g_assert_true (tongban_ime_set_schema (ime, TONGBAN_IME_SCHEMA_CANGJIE));
  g_assert_cmpint (tongban_ime_get_schema (ime), ==, TONGBAN_IME_SCHEMA_CANGJIE);
  type (ime, "hqi");
  g_assert_cmpint (candidate_index (ime, "我"), ==, 0);
  /* Space takes the first candidate. */
  g_assert_true (tongban_ime_process_key (ime, ' '));
  committed = tongban_ime_take_commit (ime);
  g_assert_cmpstr (committed, ==, "我");
  tongban_ime_set_schema (ime, TONGBAN_IME_SCHEMA_PINYIN_SIMPLIFIED);
}

static void
test_paging (void)
{
  TongbanIme *ime = tongban_ime_get_default ();
  g_autofree char *first = NULL;

  tongban_ime_set_schema (ime, TONGBAN_IME_SCHEMA_PINYIN_SIMPLIFIED);
  type (ime, "shi");
  g_assert_cmpuint (tongban_ime_get_page (ime), ==, 0);
  g_assert_cmpuint (g_strv_length ((char **) tongban_ime_get_candidates (ime)), ==, 8);
  g_assert_false (tongban_ime_is_last_page (ime));
  first = g_strdup (tongban_ime_get_candidates (ime)[0]);
  g_assert_false (tongban_ime_change_page (ime, FALSE));
  g_assert_true (tongban_ime_change_page (ime, TRUE));
  g_assert_cmpuint (tongban_ime_get_page (ime), ==, 1);
  g_assert_cmpstr (tongban_ime_get_candidates (ime)[0], !=, first);
  g_assert_true (tongban_ime_change_page (ime, FALSE));
  g_assert_cmpstr (tongban_ime_get_candidates (ime)[0], ==, first);
  tongban_ime_reset (ime);
}

static void
test_editing (void)
{
  TongbanIme *ime = tongban_ime_get_default ();
  g_autofree char *raw = NULL;
  g_autofree char *converted = NULL;

  tongban_ime_set_schema (ime, TONGBAN_IME_SCHEMA_PINYIN_SIMPLIFIED);
  /* Nothing composed: Backspace is the caller's to apply to the text. */
  g_assert_false (tongban_ime_process_key (ime, TONGBAN_IME_KEY_BACKSPACE));

  type (ime, "sheb");
  g_assert_true (tongban_ime_process_key (ime, TONGBAN_IME_KEY_BACKSPACE));
  g_assert_cmpstr (tongban_ime_get_preedit (ime), ==, "she");
  /* Return commits the letters as typed. */
  g_assert_true (tongban_ime_process_key (ime, TONGBAN_IME_KEY_RETURN));
  raw = tongban_ime_take_commit (ime);
  g_assert_cmpstr (raw, ==, "she");

  type (ime, "fawu");
  g_assert_true (tongban_ime_commit_preedit (ime));
  converted = tongban_ime_take_commit (ime);
  g_assert_cmpstr (converted, ==, "法务");
  g_assert_false (tongban_ime_commit_preedit (ime));
}

static void
test_reset (void)
{
  TongbanIme *ime = tongban_ime_get_default ();
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  type (ime, "mima");
  tongban_ime_select_candidate (ime, 0);
  type (ime, "zhanghao");
  tongban_ime_reset (ime);
  g_assert_false (tongban_ime_is_composing (ime));
  g_assert_cmpstr (tongban_ime_get_preedit (ime), ==, "");
  g_assert_null (tongban_ime_get_candidates (ime)[0]);
  g_assert_null (tongban_ime_take_commit (ime));

  /* Nothing typed reached the disk: the private user folder is empty. */
  list_tree (runtime_dir, files);
  for (guint i = 0; i < files->len; i++)
    g_test_message ("found %s", (char *) files->pdata[i]);
  g_assert_cmpuint (files->len, ==, 1);  /* the folder itself */
  g_assert_true (strstr (files->pdata[0], "tongban-rime-") != NULL);
}

static void
test_latency (void)
{
  TongbanIme *ime = tongban_ime_get_default ();
  const char *words[] = { "zhonghuarenmingongheguo", "shehuibaoxian", "xianggang" };
  gint64 worst = 0, worst_schema = 0;
  g_autofree char *message = NULL;

  for (guint w = 0; w < G_N_ELEMENTS (words); w++)
    {
      for (const char *k = words[w]; *k; k++)
        {
          gint64 start = g_get_monotonic_time ();

          tongban_ime_process_key (ime, (guchar) *k);
          worst = MAX (worst, g_get_monotonic_time () - start);
        }
      tongban_ime_reset (ime);
    }
  /* Switching layouts switches schemas on the main thread too. */
  for (guint i = 0; i < 6; i++)
    {
      gint64 start = g_get_monotonic_time ();

      tongban_ime_set_schema (ime, i % 3);
      worst_schema = MAX (worst_schema, g_get_monotonic_time () - start);
    }
  tongban_ime_set_schema (ime, TONGBAN_IME_SCHEMA_PINYIN_SIMPLIFIED);
  message = g_strdup_printf ("slowest key on the main thread: %.2f ms, schema switch %.2f ms",
                             (double) worst / 1000.0, (double) worst_schema / 1000.0);
  g_test_message ("%s", message);
  /* Far above what was measured (a few ms), only to catch a blocking call. */
  g_assert_cmpint (worst, <, 500000);
  g_assert_cmpint (worst_schema, <, 500000);
}

/* With no deployed data and nowhere to deploy it, the IME says so (and the
 * keyboard shows a plain sentence) instead of staying "not ready". */
static void
test_failure (void)
{
  if (g_test_subprocess ())
    {
      TongbanIme *ime;
      guint timeout = g_timeout_add_seconds (60, on_timeout, NULL);

      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      g_setenv ("TONGBAN_RIME_DIR", "/proc/tongban-no-such-dir/rime", TRUE);
      ime = tongban_ime_get_default ();
      tongban_ime_start (ime);
      while (!tongban_ime_has_failed (ime))
        g_main_context_iteration (NULL, TRUE);
      g_source_remove (timeout);
      g_assert_false (tongban_ime_is_ready (ime));
      g_assert_false (tongban_ime_process_key (ime, 'a'));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*Chinese input is not available*");
}

/* The deployment the build does, run again into a scratch folder. */
static void
test_deploy (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tongban-deploy-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "rime", NULL);
  g_autofree char *schema = g_build_filename (out, "cangjie5.schema.yaml", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *cmd = NULL;

  if (!g_test_slow ())
    {
      g_test_skip ("takes about 7 s; run with -m slow");
      return;
    }
  g_assert_true (tongban_ime_deploy ("/usr/share/rime-data", out, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (schema, G_FILE_TEST_IS_REGULAR));
  cmd = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_cmpint (system (cmd), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  /* The IME's private folder goes under the runtime folder: use our own, so
   * that the test can look inside. */
  runtime_dir = g_dir_make_tmp ("test-ime-XXXXXX", NULL);
  g_setenv ("XDG_RUNTIME_DIR", runtime_dir, TRUE);

  g_test_add_func ("/input/ime/not-ready", test_not_ready);
  g_test_add_func ("/input/ime/failure", test_failure);
  g_test_add_func ("/input/ime/start", test_start);
  g_test_add_func ("/input/ime/pinyin", test_pinyin);
  g_test_add_func ("/input/ime/pinyin-traditional", test_pinyin_traditional);
  g_test_add_func ("/input/ime/cangjie", test_cangjie);
  g_test_add_func ("/input/ime/paging", test_paging);
  g_test_add_func ("/input/ime/editing", test_editing);
  g_test_add_func ("/input/ime/reset", test_reset);
  g_test_add_func ("/input/ime/latency", test_latency);
  g_test_add_func ("/input/ime/deploy", test_deploy);

  ret = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", runtime_dir);

    if (system (cmd) != 0)
      ret = 1;
  }
  g_free (runtime_dir);
  return ret;
}
