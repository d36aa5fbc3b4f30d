/* tongban-storage.c: removable media from the mount table
 *
 * Reading /proc/self/mountinfo every poll is cheap and needs no udev or
 * D-Bus, which a locked-down kiosk session may not have.
 */

#include "tongban-storage.h"
#include "tongban-mountinfo.h"

static const char * const roots[] = { "/media", "/run/media", NULL };

struct _TongbanStorage
{
  TongbanDevice  parent_instance;

  char          *mountinfo;
  GMutex         lock;
  GPtrArray     *mounted;   /* char*, under lock */
};

enum {
  PROP_0,
  PROP_MOUNTINFO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TongbanStorage, tongban_storage, TONGBAN_TYPE_DEVICE)

static gboolean
contains (GPtrArray  *array,
          const char *path)
{
  for (guint i = 0; i < array->len; i++)
    if (g_str_equal (g_ptr_array_index (array, i), path))
      return TRUE;
  return FALSE;
}

static gboolean
tongban_storage_poll (TongbanDevice  *device,
                      GCancellable   *cancellable,
                      GError        **error)
{
  TongbanStorage *self = TONGBAN_STORAGE (device);
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) now = NULL;
  g_autoptr(GPtrArray) before = NULL;
  gsize length = 0;
  g_autoptr(GError) local = NULL;

  if (!g_file_get_contents (self->mountinfo, &contents, &length, &local))
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY, "%s",
                   local->message);
      return FALSE;
    }
  now = tongban_mountinfo_removable (contents, length, roots);

  g_mutex_lock (&self->lock);
  before = g_steal_pointer (&self->mounted);
  self->mounted = g_ptr_array_ref (now);
  g_mutex_unlock (&self->lock);

  for (guint i = 0; before != NULL && i < before->len; i++)
    if (!contains (now, g_ptr_array_index (before, i)))
      tongban_device_emit_event (device, "media-removed",
                                 g_variant_new_string (g_ptr_array_index (before, i)));
  for (guint i = 0; i < now->len; i++)
    if (before == NULL || !contains (before, g_ptr_array_index (now, i)))
      tongban_device_emit_event (device, "media-inserted",
                                 g_variant_new_string (g_ptr_array_index (now, i)));
  return TRUE;
}

static gboolean
tongban_storage_open (TongbanDevice  *device,
                      GCancellable   *cancellable,
                      GError        **error)
{
  TongbanStorage *self = TONGBAN_STORAGE (device);

  /* What is already mounted at start-up is reported too: a stick left in. */
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->mounted, g_ptr_array_unref);
  g_mutex_unlock (&self->lock);
  return tongban_storage_poll (device, cancellable, error);
}

/* The mount points of the media present now. */
GStrv
tongban_storage_dup_mounted (TongbanStorage *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv result;

  g_return_val_if_fail (TONGBAN_IS_STORAGE (self), NULL);

  g_mutex_lock (&self->lock);
  for (guint i = 0; self->mounted != NULL && i < self->mounted->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->mounted, i));
  g_mutex_unlock (&self->lock);
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return result;
}

static void
tongban_storage_finalize (GObject *object)
{
  TongbanStorage *self = TONGBAN_STORAGE (object);

  g_free (self->mountinfo);
  g_clear_pointer (&self->mounted, g_ptr_array_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tongban_storage_parent_class)->finalize (object);
}

static void
tongban_storage_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TongbanStorage *self = TONGBAN_STORAGE (object);

  switch (prop_id)
    {
    case PROP_MOUNTINFO:
      g_free (self->mountinfo);
      self->mountinfo = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_storage_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TongbanStorage *self = TONGBAN_STORAGE (object);

  switch (prop_id)
    {
    case PROP_MOUNTINFO:
      g_value_set_string (value, self->mountinfo);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_storage_class_init (TongbanStorageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TongbanDeviceClass *device_class = TONGBAN_DEVICE_CLASS (klass);

  object_class->finalize = tongban_storage_finalize;
  object_class->set_property = tongban_storage_set_property;
  object_class->get_property = tongban_storage_get_property;
  device_class->open = tongban_storage_open;
  device_class->poll = tongban_storage_poll;

  properties[PROP_MOUNTINFO] =
    g_param_spec_string ("mountinfo", NULL, NULL, "/proc/self/mountinfo",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tongban_storage_init (TongbanStorage *self)
{
  g_mutex_init (&self->lock);
}

TongbanStorage *
tongban_storage_new (const char *name,
                     const char *mountinfo)
{
  return g_object_new (TONGBAN_TYPE_STORAGE, "name", name,
                       "mountinfo", mountinfo ? mountinfo : "/proc/self/mountinfo",
                       "poll-interval", 500, NULL);
}
