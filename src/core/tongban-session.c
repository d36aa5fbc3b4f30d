/* tongban-session.c: the citizen session, its idle clock and its wipe
 *
 * Values live in one private arena, locked in RAM where the system allows
 * (no swap), so that a wipe is a single explicit_bzero() over every byte a
 * value ever occupied; the map from keys to offsets is dropped with it.
 */

#include "tongban-session.h"

#include <string.h>
#include <sys/mman.h>

#define ARENA_INITIAL (16 * 1024)

struct _TongbanSession
{
  GObject     parent_instance;

  guint       idle_timeout_ms;
  guint       warning_ms;

  gboolean    active;
  gboolean    warning;
  gint64      last_activity;   /* monotonic, µs */
  gint64      deadline;        /* end of the countdown, µs */
  guint       seconds_left;
  guint       extensions;
  guint       timer_id;

  GHashTable *offsets;         /* key -> GSIZE_TO_POINTER (offset + 1) */
  guint8     *arena;
  gsize       arena_size;
  gsize       arena_used;
  gboolean    arena_locked;
};

enum {
  PROP_0,
  PROP_ACTIVE,
  PROP_WARNING,
  PROP_SECONDS_LEFT,
  N_PROPS
};

enum {
  STARTED,
  ENDING,
  ENDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TongbanSession, tongban_session, G_TYPE_OBJECT)

static gboolean on_timer (gpointer data);

static void
arena_release (TongbanSession *self)
{
  if (self->arena == NULL)
    return;
  explicit_bzero (self->arena, self->arena_size);
  if (self->arena_locked)
    munlock (self->arena, self->arena_size);
  g_free (self->arena);
  self->arena = NULL;
  self->arena_size = 0;
  self->arena_used = 0;
  self->arena_locked = FALSE;
}

static void
arena_reserve (TongbanSession *self,
               gsize           needed)
{
  gsize size;
  guint8 *bigger;
  gboolean locked;

  if (self->arena != NULL && self->arena_size - self->arena_used >= needed)
    return;

  size = MAX (self->arena_size, ARENA_INITIAL);
  while (size - self->arena_used < needed)
    size *= 2;

  bigger = g_malloc0 (size);
  locked = mlock (bigger, size) == 0;
  if (self->arena != NULL)
    {
      memcpy (bigger, self->arena, self->arena_used);
      explicit_bzero (self->arena, self->arena_size);
      if (self->arena_locked)
        munlock (self->arena, self->arena_size);
      g_free (self->arena);
    }
  self->arena = bigger;
  self->arena_size = size;
  self->arena_locked = locked;
}

/* Both values change before either is announced, so a handler of one sees
 * the other already right. */
static void
set_warning (TongbanSession *self,
             gboolean        warning,
             guint           seconds_left)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->warning != warning)
    {
      self->warning = warning;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WARNING]);
    }
  if (self->seconds_left != seconds_left)
    {
      self->seconds_left = seconds_left;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECONDS_LEFT]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
schedule (TongbanSession *self,
          gint64          due)
{
  gint64 now = g_get_monotonic_time ();
  guint delay_ms = due > now ? (guint) ((due - now + 999) / 1000) : 0;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->timer_id = g_timeout_add (delay_ms, on_timer, self);
}

/* One timer serves both phases: it wakes when the idle time may be over, and
 * then once a second (or at the end) while the countdown runs. Activity only
 * stamps the time, so a stream of touch events costs nothing. */
static gboolean
on_timer (gpointer data)
{
  TongbanSession *self = data;
  gint64 now = g_get_monotonic_time ();

  self->timer_id = 0;

  if (!self->active)
    return G_SOURCE_REMOVE;

  if (!self->warning)
    {
      gint64 idle_due = self->last_activity + (gint64) self->idle_timeout_ms * 1000;

      if (now < idle_due)
        {
          schedule (self, idle_due);
          return G_SOURCE_REMOVE;
        }
      self->deadline = now + (gint64) self->warning_ms * 1000;
    }

  if (now >= self->deadline)
    {
      tongban_session_end (self, TONGBAN_SESSION_END_TIMEOUT);
      return G_SOURCE_REMOVE;
    }

  {
    gint64 remaining = self->deadline - now;
    guint seconds = (guint) ((remaining + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
    gint64 next_tick = self->deadline - (gint64) (seconds - 1) * G_USEC_PER_SEC;

    set_warning (self, TRUE, seconds);
    schedule (self, MIN (next_tick, self->deadline));
  }
  return G_SOURCE_REMOVE;
}

static void
tongban_session_finalize (GObject *object)
{
  TongbanSession *self = TONGBAN_SESSION (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_pointer (&self->offsets, g_hash_table_unref);
  arena_release (self);

  G_OBJECT_CLASS (tongban_session_parent_class)->finalize (object);
}

static void
tongban_session_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TongbanSession *self = TONGBAN_SESSION (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;
    case PROP_WARNING:
      g_value_set_boolean (value, self->warning);
      break;
    case PROP_SECONDS_LEFT:
      g_value_set_uint (value, self->seconds_left);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_session_class_init (TongbanSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tongban_session_finalize;
  object_class->get_property = tongban_session_get_property;

  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WARNING] =
    g_param_spec_boolean ("warning", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECONDS_LEFT] =
    g_param_spec_uint ("seconds-left", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[STARTED] = g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Emitted just before the values are wiped, for those that must close
   * something the session holds (the manager's citizen session). */
  signals[ENDING] = g_signal_new ("ending", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  /* Emitted after the values are wiped; handlers reset what they show. */
  signals[ENDED] = g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
tongban_session_init (TongbanSession *self)
{
  self->offsets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

TongbanSession *
tongban_session_new (guint idle_timeout_ms,
                     guint warning_ms)
{
  TongbanSession *self = g_object_new (TONGBAN_TYPE_SESSION, NULL);

  tongban_session_set_timeouts (self, idle_timeout_ms, warning_ms);
  return self;
}

void
tongban_session_set_timeouts (TongbanSession *self,
                              guint           idle_timeout_ms,
                              guint           warning_ms)
{
  g_return_if_fail (TONGBAN_IS_SESSION (self));
  g_return_if_fail (idle_timeout_ms > 0 && warning_ms > 0);

  self->idle_timeout_ms = idle_timeout_ms;
  self->warning_ms = warning_ms;
  if (self->active && !self->warning)
    schedule (self, self->last_activity + (gint64) idle_timeout_ms * 1000);
}

void
tongban_session_begin (TongbanSession *self)
{
  g_return_if_fail (TONGBAN_IS_SESSION (self));

  if (self->active)
    {
      tongban_session_activity (self);
      return;
    }

  self->active = TRUE;
  self->extensions = 0;
  self->last_activity = g_get_monotonic_time ();
  schedule (self, self->last_activity + (gint64) self->idle_timeout_ms * 1000);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  g_signal_emit (self, signals[STARTED], 0);
}

/* Any touch or key. During the countdown it is the "one tap" that extends. */
void
tongban_session_activity (TongbanSession *self)
{
  g_return_if_fail (TONGBAN_IS_SESSION (self));

  if (!self->active)
    return;

  self->last_activity = g_get_monotonic_time ();
  if (self->warning)
    {
      self->extensions++;
      set_warning (self, FALSE, 0);
      schedule (self, self->last_activity + (gint64) self->idle_timeout_ms * 1000);
    }
}

void
tongban_session_end (TongbanSession          *self,
                     TongbanSessionEndReason  reason)
{
  g_return_if_fail (TONGBAN_IS_SESSION (self));

  if (!self->active)
    return;

  g_signal_emit (self, signals[ENDING], 0, (int) reason);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_hash_table_remove_all (self->offsets);
  if (self->arena != NULL)
    explicit_bzero (self->arena, self->arena_size);
  self->arena_used = 0;

  self->active = FALSE;
  set_warning (self, FALSE, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  g_signal_emit (self, signals[ENDED], 0, (int) reason);
}

gboolean
tongban_session_get_active (TongbanSession *self)
{
  g_return_val_if_fail (TONGBAN_IS_SESSION (self), FALSE);
  return self->active;
}

gboolean
tongban_session_get_warning (TongbanSession *self)
{
  g_return_val_if_fail (TONGBAN_IS_SESSION (self), FALSE);
  return self->warning;
}

guint
tongban_session_get_seconds_left (TongbanSession *self)
{
  g_return_val_if_fail (TONGBAN_IS_SESSION (self), 0);
  return self->seconds_left;
}

guint
tongban_session_get_extensions (TongbanSession *self)
{
  g_return_val_if_fail (TONGBAN_IS_SESSION (self), 0);
  return self->extensions;
}

/* Stores a copy of @value for the rest of the session. A value replaced
 * under the same key is overwritten with zeros at once. */
void
tongban_session_set_value (TongbanSession *self,
                           const char     *key,
                           const char     *value)
{
  gpointer old;
  gsize len;

  g_return_if_fail (TONGBAN_IS_SESSION (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (self->active);

  if (g_hash_table_lookup_extended (self->offsets, key, NULL, &old))
    {
      gsize offset = GPOINTER_TO_SIZE (old) - 1;

      explicit_bzero (self->arena + offset, strlen ((char *) self->arena + offset));
      g_hash_table_remove (self->offsets, key);
    }

  if (value == NULL)
    return;

  len = strlen (value) + 1;
  arena_reserve (self, len);
  memcpy (self->arena + self->arena_used, value, len);
  g_hash_table_insert (self->offsets, g_strdup (key), GSIZE_TO_POINTER (self->arena_used + 1));
  self->arena_used += len;
}

const char *
tongban_session_get_value (TongbanSession *self,
                           const char     *key)
{
  gpointer found;

  g_return_val_if_fail (TONGBAN_IS_SESSION (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (!g_hash_table_lookup_extended (self->offsets, key, NULL, &found))
    return NULL;
  return (const char *) self->arena + GPOINTER_TO_SIZE (found) - 1;
}

guint
tongban_session_get_n_values (TongbanSession *self)
{
  g_return_val_if_fail (TONGBAN_IS_SESSION (self), 0);
  return g_hash_table_size (self->offsets);
}

/* For the wipe tests: the whole arena, so they can check that no byte of a
 * past session survives. */
const guint8 *
tongban_session_peek_storage (TongbanSession *self,
                              gsize          *size)
{
  g_return_val_if_fail (TONGBAN_IS_SESSION (self), NULL);
  *size = self->arena_size;
  return self->arena;
}
