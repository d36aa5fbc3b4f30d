/* tongban-link-device.c: the link, its input buffer and their lifetime */

#include "tongban-link-device.h"

typedef struct
{
  char        *link_spec;
  TongbanLink *link;    /* worker thread only */
  GByteArray  *input;   /* worker thread only */
} TongbanLinkDevicePrivate;

enum {
  PROP_0,
  PROP_LINK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (TongbanLinkDevice, tongban_link_device,
                                     TONGBAN_TYPE_DEVICE)

TongbanLink *
tongban_link_device_get_link (TongbanLinkDevice *self)
{
  TongbanLinkDevicePrivate *priv = tongban_link_device_get_instance_private (self);

  return priv->link;
}

GByteArray *
tongban_link_device_get_input (TongbanLinkDevice *self)
{
  TongbanLinkDevicePrivate *priv = tongban_link_device_get_instance_private (self);

  return priv->input;
}

static gboolean
tongban_link_device_open (TongbanDevice  *device,
                          GCancellable   *cancellable,
                          GError        **error)
{
  TongbanLinkDevice *self = TONGBAN_LINK_DEVICE (device);
  TongbanLinkDevicePrivate *priv = tongban_link_device_get_instance_private (self);
  TongbanLinkDeviceClass *klass = TONGBAN_LINK_DEVICE_GET_CLASS (self);
  gint64 deadline = g_get_monotonic_time () + (gint64) klass->open_timeout_ms * 1000;

  priv->link = tongban_link_open (priv->link_spec, deadline, cancellable, error);
  if (priv->link == NULL)
    return FALSE;
  g_byte_array_set_size (priv->input, 0);
  return klass->opened == NULL || klass->opened (self, deadline, cancellable, error);
}

static void
tongban_link_device_close (TongbanDevice *device)
{
  TongbanLinkDevice *self = TONGBAN_LINK_DEVICE (device);
  TongbanLinkDevicePrivate *priv = tongban_link_device_get_instance_private (self);
  TongbanLinkDeviceClass *klass = TONGBAN_LINK_DEVICE_GET_CLASS (self);

  if (klass->closing != NULL)
    klass->closing (self);
  g_clear_pointer (&priv->link, tongban_link_free);
}

static void
tongban_link_device_finalize (GObject *object)
{
  TongbanLinkDevice *self = TONGBAN_LINK_DEVICE (object);
  TongbanLinkDevicePrivate *priv = tongban_link_device_get_instance_private (self);

  g_free (priv->link_spec);
  g_byte_array_unref (priv->input);

  G_OBJECT_CLASS (tongban_link_device_parent_class)->finalize (object);
}

static void
tongban_link_device_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TongbanLinkDevice *self = TONGBAN_LINK_DEVICE (object);
  TongbanLinkDevicePrivate *priv = tongban_link_device_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_LINK:
      g_free (priv->link_spec);
      priv->link_spec = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_link_device_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TongbanLinkDevice *self = TONGBAN_LINK_DEVICE (object);
  TongbanLinkDevicePrivate *priv = tongban_link_device_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_LINK:
      g_value_set_string (value, priv->link_spec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_link_device_class_init (TongbanLinkDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TongbanDeviceClass *device_class = TONGBAN_DEVICE_CLASS (klass);

  object_class->finalize = tongban_link_device_finalize;
  object_class->set_property = tongban_link_device_set_property;
  object_class->get_property = tongban_link_device_get_property;
  device_class->open = tongban_link_device_open;
  device_class->close = tongban_link_device_close;
  klass->open_timeout_ms = 1000;

  properties[PROP_LINK] =
    g_param_spec_string ("link", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tongban_link_device_init (TongbanLinkDevice *self)
{
  TongbanLinkDevicePrivate *priv = tongban_link_device_get_instance_private (self);

  priv->input = g_byte_array_new ();
}
