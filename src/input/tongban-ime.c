/* tongban-ime.c: librime behind the on-screen keyboard
 *
 * Where the data comes from: Rime must "deploy" its schemas (compile the YAML
 * and build dictionaries) before it can type; into an empty folder that takes
 * about 7 s on two cores. The build does it once (tongban-rime-deploy, see
 * meson.build) and `meson install` puts the result in $pkgdatadir/rime; at run
 * time that folder is only read, as Rime's staging folder. Only when no
 * deployed folder is found (an uninstalled test run, a damaged install) do we
 * deploy at run time, in the worker thread, never on the main thread.
 *
 * Privacy: the schemas are deployed with translator/enable_user_dict off, so
 * Rime learns nothing from what is typed and writes no user dictionary. Its
 * user-data folder, which it insists on, is a fresh private folder under
 * $XDG_RUNTIME_DIR (memory) or the temporary folder, emptied by
 * tongban_ime_reset() at the end of every session and removed at exit; its
 * log level is FATAL, so no log line, let alone typed text, is written.
 */

#include "tongban-ime.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <rime_api.h>
#pragma GCC diagnostic pop

#define APP_NAME "rime.tongban"

/* Candidates per page: a candidate bar across a kiosk screen holds eight. */
#define PAGE_SIZE "8"

struct _TongbanIme
{
  GObject           parent_instance;

  RimeApi          *api;
  RimeSessionId     sessions[3];  /* one per schema: switching is then free */
  RimeSessionId     session;      /* the current schema's */
  gboolean          started;
  gboolean          ready;
  gboolean          failed;
  TongbanImeSchema  schema;

  char             *data_dir;    /* deployed schemas, read only */
  char             *user_dir;    /* Rime's user folder: private, kept empty */

  char             *preedit;
  GPtrArray        *candidates;  /* of char *, NULL-terminated */
  guint             page;
  gboolean          last_page;
  gboolean          composing;
  GString          *commit;
};

enum {
  PROP_0,
  PROP_READY,
  PROP_FAILED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TongbanIme, tongban_ime, G_TYPE_OBJECT)

static const char *const schema_ids[] = {
  [TONGBAN_IME_SCHEMA_PINYIN_SIMPLIFIED] = "luna_pinyin_simp",
  [TONGBAN_IME_SCHEMA_PINYIN_TRADITIONAL] = "luna_pinyin",
  [TONGBAN_IME_SCHEMA_CANGJIE] = "cangjie5",
};

/* What the deployment patches into Rime's own files: our three schemas only,
 * a page size for a wide candidate bar, and no learning from what is typed. */
static const struct {
  const char *name;
  const char *text;
} custom_files[] = {
  { "default.custom.yaml",
    "# Written by tongban-ime.c: the kiosk's schemas only.\n"
    "patch:\n"
    "  schema_list:\n"
    "    - schema: luna_pinyin_simp\n"
    "    - schema: luna_pinyin\n"
    "    - schema: cangjie5\n"
    "  menu/page_size: " PAGE_SIZE "\n" },
  { "luna_pinyin_simp.custom.yaml",
    "# Written by tongban-ime.c: learn nothing from what citizens type.\n"
    "patch:\n"
    "  translator/enable_user_dict: false\n" },
  { "luna_pinyin.custom.yaml",
    "# Written by tongban-ime.c: learn nothing from what citizens type.\n"
    "patch:\n"
    "  translator/enable_user_dict: false\n" },
  { "cangjie5.custom.yaml",
    "# Written by tongban-ime.c: learn nothing from what citizens type.\n"
    "patch:\n"
    "  translator/enable_user_dict: false\n" },
};

/* The files a usable deployed folder has. */
static const char *const deployed_files[] = {
  "default.yaml",
  "luna_pinyin_simp.schema.yaml",
  "luna_pinyin.schema.yaml",
  "cangjie5.schema.yaml",
};

static void
wipe_free (char *s)
{
  if (s != NULL)
    {
      explicit_bzero (s, strlen (s));
      g_free (s);
    }
}

static void
wipe_free_cb (gpointer data)
{
  wipe_free (data);
}

static gboolean
remove_tree (const char  *path,
             gboolean     keep_top,
             GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "Could not remove %s: %s", path, g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }

  dir = g_dir_open (path, 0, error);
  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (!remove_tree (child, FALSE, error))
        return FALSE;
    }
  if (!keep_top && g_rmdir (path) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not remove %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_deployed (const char *dir)
{
  for (guint i = 0; i < G_N_ELEMENTS (deployed_files); i++)
    {
      g_autofree char *path = g_build_filename (dir, deployed_files[i], NULL);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return FALSE;
    }
  return TRUE;
}

/* RimeSetup() may be called once per process; it also fixes the log level. */
static void
ensure_setup (RimeApi    *api,
              const char *log_dir)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      RIME_STRUCT (RimeTraits, traits);

      traits.app_name = APP_NAME;
      traits.min_log_level = 3;  /* FATAL only: no log lines, no typed text in logs */
      traits.log_dir = log_dir;
      api->setup (&traits);
      g_once_init_leave (&done, 1);
    }
}

/**
 * tongban_ime_deploy:
 * @shared_data_dir: Rime's shared data, normally /usr/share/rime-data
 * @output_dir: where the deployed (staging) files go; replaced as a whole
 *
 * Deploys the kiosk's three schemas. Slow (seconds): call it at build time
 * (tongban-rime-deploy) or from a worker thread. Not on the main thread.
 */
gboolean
tongban_ime_deploy (const char  *shared_data_dir,
                    const char  *output_dir,
                    GError     **error)
{
  RimeApi *api = rime_get_api ();
  g_autofree char *work = g_strconcat (output_dir, ".work", NULL);
  g_autofree char *staged = g_build_filename (work, "build", NULL);
  RIME_STRUCT (RimeTraits, traits);

  g_return_val_if_fail (shared_data_dir != NULL, FALSE);
  g_return_val_if_fail (output_dir != NULL, FALSE);

  if (!remove_tree (work, FALSE, error))
    return FALSE;
  if (g_mkdir_with_parents (work, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not create %s: %s", work, g_strerror (saved));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (custom_files); i++)
    {
      g_autofree char *path = g_build_filename (work, custom_files[i].name, NULL);

      if (!g_file_set_contents (path, custom_files[i].text, -1, error))
        return FALSE;
    }

  ensure_setup (api, work);
  traits.shared_data_dir = shared_data_dir;
  traits.user_data_dir = work;
  traits.app_name = APP_NAME;
  traits.min_log_level = 3;
  api->deployer_initialize (&traits);
  if (!api->deploy () || !is_deployed (staged))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Rime could not deploy the schemas from %s", shared_data_dir);
      return FALSE;
    }

  if (!remove_tree (output_dir, FALSE, error))
    return FALSE;
  if (g_rename (staged, output_dir) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not move %s to %s: %s", staged, output_dir, g_strerror (saved));
      return FALSE;
    }
  return remove_tree (work, FALSE, error);
}

/* The deployed folder to read: $TONGBAN_RIME_DIR when set, else the
 * installed one, else the one in the build tree (uninstalled runs), else a
 * folder in the user's cache that we deploy into. */
static char *
find_data_dir (gboolean *needs_deploy)
{
  const char *env = g_getenv ("TONGBAN_RIME_DIR");
  const char *const candidates[] = { TONGBAN_INPUT_RIME_DIR, TONGBAN_INPUT_RIME_BUILD_DIR };

  *needs_deploy = FALSE;
  if (env != NULL && *env != '\0')
    {
      *needs_deploy = !is_deployed (env);
      return g_strdup (env);
    }
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (is_deployed (candidates[i]))
      return g_strdup (candidates[i]);

  *needs_deploy = TRUE;
  return g_build_filename (g_get_user_cache_dir (), "tongban", "rime", NULL);
}

static char *
make_user_dir (GError **error)
{
  const char *runtime = g_getenv ("XDG_RUNTIME_DIR");
  g_autofree char *tmpl = NULL;

  /* The runtime folder is in memory; the temporary folder is the fallback. */
  if (runtime != NULL && g_file_test (runtime, G_FILE_TEST_IS_DIR))
    {
      tmpl = g_build_filename (runtime, "tongban-rime-XXXXXX", NULL);
      if (g_mkdtemp_full (tmpl, 0700) != NULL)
        return g_steal_pointer (&tmpl);
    }
  return g_dir_make_tmp ("tongban-rime-XXXXXX", error);
}

/* librime's own static destructors crash when sessions are still open at
 * exit (a translator outlives what it points to), so close everything first.
 * Registered after librime's statics exist, so it runs before them. */
static char *exit_user_dir;

static void
shutdown_at_exit (void)
{
  RimeApi *api = rime_get_api ();

  api->cleanup_all_sessions ();
  api->finalize ();
  if (exit_user_dir != NULL)
    remove_tree (exit_user_dir, FALSE, NULL);
  g_clear_pointer (&exit_user_dir, g_free);
}

typedef struct {
  char          *data_dir;
  char          *user_dir;
  RimeSessionId  sessions[3];
} LoadResult;

static void
load_result_free (gpointer data)
{
  LoadResult *r = data;

  g_free (r->data_dir);
  g_free (r->user_dir);
  g_free (r);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TongbanIme *self = source_object;
  RimeApi *api = self->api;
  g_autoptr(GError) error = NULL;
  LoadResult *r = g_new0 (LoadResult, 1);
  gboolean needs_deploy;
  RIME_STRUCT (RimeTraits, traits);

  r->data_dir = find_data_dir (&needs_deploy);
  r->user_dir = make_user_dir (&error);
  if (r->user_dir == NULL)
    {
      load_result_free (r);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  ensure_setup (api, r->user_dir);

  if (needs_deploy && !tongban_ime_deploy (TONGBAN_INPUT_RIME_SHARED_DIR, r->data_dir, &error))
    {
      remove_tree (r->user_dir, FALSE, NULL);
      load_result_free (r);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  traits.shared_data_dir = TONGBAN_INPUT_RIME_SHARED_DIR;
  traits.user_data_dir = r->user_dir;
  traits.staging_dir = r->data_dir;
  traits.app_name = APP_NAME;
  traits.min_log_level = 3;
  traits.log_dir = r->user_dir;
  /* No maintenance: the data is deployed already and its folder read-only. */
  api->initialize (&traits);
  exit_user_dir = g_strdup (r->user_dir);
  atexit (shutdown_at_exit);

  /* A session per schema, because selecting a schema rebuilds the engine
   * (about 30 ms, too long for the main thread on a layout switch). Each
   * is typed into once, so the dictionaries are mapped here rather than on
   * the citizen's first key. */
  G_STATIC_ASSERT (G_N_ELEMENTS (schema_ids) == G_N_ELEMENTS (r->sessions));
  for (guint i = 0; i < G_N_ELEMENTS (schema_ids); i++)
    {
      r->sessions[i] = api->create_session ();
      if (r->sessions[i] == 0 || !api->select_schema (r->sessions[i], schema_ids[i]))
        {
          api->cleanup_all_sessions ();
          remove_tree (r->user_dir, FALSE, NULL);
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                                   "Rime could not open schema %s from %s",
                                   schema_ids[i], r->data_dir);
          load_result_free (r);
          return;
        }
      api->process_key (r->sessions[i], 'a', 0);
      api->clear_composition (r->sessions[i]);
    }

  g_task_return_pointer (task, r, load_result_free);
}

static void
refresh (TongbanIme *self)
{
  RIME_STRUCT (RimeCommit, commit);
  RIME_STRUCT (RimeContext, context);

  if (self->api->get_commit (self->session, &commit))
    {
      if (commit.text != NULL)
        g_string_append (self->commit, commit.text);
      self->api->free_commit (&commit);
    }

  g_clear_pointer (&self->preedit, wipe_free);
  g_ptr_array_set_size (self->candidates, 0);
  self->page = 0;
  self->last_page = TRUE;
  self->composing = FALSE;

  if (self->api->get_context (self->session, &context))
    {
      self->composing = context.composition.length > 0;
      self->preedit = g_strdup (context.composition.preedit ? context.composition.preedit : "");
      for (int i = 0; i < context.menu.num_candidates; i++)
        g_ptr_array_add (self->candidates, g_strdup (context.menu.candidates[i].text));
      self->page = (guint) MAX (context.menu.page_no, 0);
      self->last_page = context.menu.is_last_page != 0;
      self->api->free_context (&context);
    }
}

static void
apply_schema (TongbanIme *self)
{
  /* What was half typed in the other schema is dropped, as on any switch. */
  if (self->session != 0)
    self->api->clear_composition (self->session);
  self->session = self->sessions[self->schema];
  self->api->clear_composition (self->session);
  refresh (self);
}

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  TongbanIme *self = TONGBAN_IME (object);
  g_autoptr(GError) error = NULL;
  LoadResult *r = g_task_propagate_pointer (G_TASK (result), &error);

  if (r == NULL)
    {
      /* The keyboard keeps its English layouts; say why in the kiosk's log. */
      g_warning ("Chinese input is not available: %s", error->message);
      self->failed = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILED]);
      return;
    }

  self->data_dir = g_steal_pointer (&r->data_dir);
  self->user_dir = g_steal_pointer (&r->user_dir);
  memcpy (self->sessions, r->sessions, sizeof self->sessions);
  load_result_free (r);

  apply_schema (self);
  self->ready = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
}

static void
tongban_ime_finalize (GObject *object)
{
  TongbanIme *self = TONGBAN_IME (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->sessions); i++)
    if (self->sessions[i] != 0)
      self->api->destroy_session (self->sessions[i]);
  if (self->user_dir != NULL)
    remove_tree (self->user_dir, FALSE, NULL);
  g_free (self->user_dir);
  g_free (self->data_dir);
  g_clear_pointer (&self->preedit, wipe_free);
  g_ptr_array_unref (self->candidates);
  explicit_bzero (self->commit->str, self->commit->len);
  g_string_free (self->commit, TRUE);

  G_OBJECT_CLASS (tongban_ime_parent_class)->finalize (object);
}

static void
tongban_ime_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TongbanIme *self = TONGBAN_IME (object);

  switch (prop_id)
    {
    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;
    case PROP_FAILED:
      g_value_set_boolean (value, self->failed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_ime_class_init (TongbanImeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tongban_ime_finalize;
  object_class->get_property = tongban_ime_get_property;

  /* TRUE once the worker thread has loaded (or deployed) the schemas. */
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* TRUE if loading failed (logged); Chinese input stays unavailable. */
  properties[PROP_FAILED] =
    g_param_spec_boolean ("failed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tongban_ime_init (TongbanIme *self)
{
  self->api = rime_get_api ();
  self->candidates = g_ptr_array_new_null_terminated (8, wipe_free_cb, TRUE);
  self->commit = g_string_new (NULL);
  self->last_page = TRUE;
  self->preedit = g_strdup ("");
}

/**
 * tongban_ime_get_default:
 *
 * Returns: (transfer none): the process's IME, created on first use but not
 * started; see tongban_ime_start().
 */
TongbanIme *
tongban_ime_get_default (void)
{
  static TongbanIme *ime;

  if (ime == NULL)
    ime = g_object_new (TONGBAN_TYPE_IME, NULL);
  return ime;
}

/* Starts loading librime in a worker thread, once; :ready turns TRUE on the
 * main context when done. Call it after the first frame is up. */
void
tongban_ime_start (TongbanIme *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TONGBAN_IS_IME (self));

  if (self->started)
    return;
  self->started = TRUE;

  task = g_task_new (self, NULL, load_done, NULL);
  g_task_set_source_tag (task, tongban_ime_start);
  g_task_run_in_thread (task, load_thread);
}

gboolean
tongban_ime_is_ready (TongbanIme *self)
{
  g_return_val_if_fail (TONGBAN_IS_IME (self), FALSE);
  return self->ready;
}

gboolean
tongban_ime_has_failed (TongbanIme *self)
{
  g_return_val_if_fail (TONGBAN_IS_IME (self), FALSE);
  return self->failed;
}

/* The deployed folder in use (NULL until ready): for the kiosk's log. */
const char *
tongban_ime_get_data_dir (TongbanIme *self)
{
  g_return_val_if_fail (TONGBAN_IS_IME (self), NULL);
  return self->data_dir;
}

/* Clears any composition. Before :ready the choice is kept and applied on
 * loading; returns whether it took effect now. */
gboolean
tongban_ime_set_schema (TongbanIme       *self,
                        TongbanImeSchema  schema)
{
  g_return_val_if_fail (TONGBAN_IS_IME (self), FALSE);
  g_return_val_if_fail (schema <= TONGBAN_IME_SCHEMA_CANGJIE, FALSE);

  self->schema = schema;
  if (!self->ready)
    return FALSE;
  apply_schema (self);
  return TRUE;
}

TongbanImeSchema
tongban_ime_get_schema (TongbanIme *self)
{
  g_return_val_if_fail (TONGBAN_IS_IME (self), TONGBAN_IME_SCHEMA_PINYIN_SIMPLIFIED);
  return self->schema;
}

/* @keyval: a printable ASCII character or a TONGBAN_IME_KEY_*. Returns
 * whether the IME used the key; if not (Backspace with nothing composed,
 * say), the caller applies it to the text itself. */
gboolean
tongban_ime_process_key (TongbanIme *self,
                         guint       keyval)
{
  gboolean handled;

  g_return_val_if_fail (TONGBAN_IS_IME (self), FALSE);

  if (!self->ready)
    return FALSE;
  handled = self->api->process_key (self->session, (int) keyval, 0);
  refresh (self);
  return handled;
}

gboolean
tongban_ime_is_composing (TongbanIme *self)
{
  g_return_val_if_fail (TONGBAN_IS_IME (self), FALSE);
  return self->composing;
}

/* What has been typed and not yet converted, as Rime shows it ("she bao"),
 * or "". Valid until the next call. */
const char *
tongban_ime_get_preedit (TongbanIme *self)
{
  g_return_val_if_fail (TONGBAN_IS_IME (self), NULL);
  return self->preedit;
}

/* The current page of candidates, NULL-terminated (empty when not
 * composing). Valid until the next call. */
const char *const *
tongban_ime_get_candidates (TongbanIme *self)
{
  static const char *const none[] = { NULL };

  g_return_val_if_fail (TONGBAN_IS_IME (self), NULL);
  /* A null-terminated GPtrArray has no pdata until its first element. */
  if (self->candidates->pdata == NULL)
    return none;
  return (const char *const *) self->candidates->pdata;
}

guint
tongban_ime_get_page (TongbanIme *self)
{
  g_return_val_if_fail (TONGBAN_IS_IME (self), 0);
  return self->page;
}

gboolean
tongban_ime_is_last_page (TongbanIme *self)
{
  g_return_val_if_fail (TONGBAN_IS_IME (self), TRUE);
  return self->last_page;
}

/* Chooses candidate @index of the current page; its text is then committed
 * (or, for a partial choice, the rest stays composing). */
gboolean
tongban_ime_select_candidate (TongbanIme *self,
                              guint       index)
{
  gboolean ok;

  g_return_val_if_fail (TONGBAN_IS_IME (self), FALSE);

  if (!self->ready || index >= self->candidates->len)
    return FALSE;
  ok = self->api->select_candidate_on_current_page (self->session, index);
  refresh (self);
  return ok;
}

/* Returns whether the page changed. */
gboolean
tongban_ime_change_page (TongbanIme *self,
                         gboolean    forward)
{
  guint before;

  g_return_val_if_fail (TONGBAN_IS_IME (self), FALSE);

  if (!self->ready || !self->composing)
    return FALSE;
  before = self->page;
  self->api->process_key (self->session,
                          forward ? TONGBAN_IME_KEY_PAGE_DOWN : TONGBAN_IME_KEY_PAGE_UP, 0);
  refresh (self);
  return self->page != before;
}

/* Commits the composition as Rime would convert it (the first candidate). */
gboolean
tongban_ime_commit_preedit (TongbanIme *self)
{
  gboolean ok;

  g_return_val_if_fail (TONGBAN_IS_IME (self), FALSE);

  if (!self->ready || !self->composing)
    return FALSE;
  ok = self->api->commit_composition (self->session);
  refresh (self);
  return ok;
}

/* Returns: (transfer full) (nullable): text committed since the last call,
 * for the caller to insert; NULL if none. */
char *
tongban_ime_take_commit (TongbanIme *self)
{
  char *text;

  g_return_val_if_fail (TONGBAN_IS_IME (self), NULL);

  if (self->commit->len == 0)
    return NULL;
  text = g_strndup (self->commit->str, self->commit->len);
  explicit_bzero (self->commit->str, self->commit->len);
  g_string_truncate (self->commit, 0);
  return text;
}

/* Forgets everything typed: the composition, uncollected commits, and
 * anything Rime may have put in its user folder. At the end of a session. */
void
tongban_ime_reset (TongbanIme *self)
{
  g_return_if_fail (TONGBAN_IS_IME (self));

  explicit_bzero (self->commit->str, self->commit->len);
  g_string_truncate (self->commit, 0);
  if (!self->ready)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (self->sessions); i++)
    self->api->clear_composition (self->sessions[i]);
  refresh (self);
  explicit_bzero (self->commit->str, self->commit->len);
  g_string_truncate (self->commit, 0);
  remove_tree (self->user_dir, TRUE, NULL);
}
