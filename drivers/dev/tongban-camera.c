/* tongban-camera.c: one-frame captures from a GStreamer pipeline
 *
 * The pipeline runs only while a capture is taken, so the camera's light
 * is off between citizens. The pull is sliced into short waits so that a
 * cancel or the deadline stops it.
 */

#include "tongban-camera.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <string.h>

#define PULL_SLICE_MS 100

struct _TongbanCamera
{
  TongbanDevice  parent_instance;

  char          *source;
  guint          width;
  guint          height;
};

enum {
  PROP_0,
  PROP_SOURCE,
  PROP_WIDTH,
  PROP_HEIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TongbanCamera, tongban_camera, TONGBAN_TYPE_DEVICE)

void
tongban_frame_image_free (TongbanFrameImage *image)
{
  if (image == NULL)
    return;
  g_clear_pointer (&image->rgb, g_bytes_unref);
  g_free (image);
}

static GstElement *
build_pipeline (TongbanCamera  *self,
                GError        **error)
{
  g_autofree char *description = NULL;
  g_autoptr(GError) local = NULL;
  GstElement *pipeline;

  description = g_strdup_printf ("%s ! videoconvert ! videoscale ! "
                                 "video/x-raw,format=RGB,width=%u,height=%u ! "
                                 "appsink name=sink max-buffers=1 drop=true sync=false",
                                 self->source, self->width, self->height);
  pipeline = gst_parse_launch (description, &local);
  if (pipeline == NULL || local != NULL)
    {
      g_clear_pointer (&pipeline, gst_object_unref);
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY,
                   "camera pipeline: %s", local ? local->message : "invalid");
      return NULL;
    }
  return pipeline;
}

static gpointer
capture (TongbanDevice  *device,
         gpointer        data,
         gint64          deadline,
         GCancellable   *cancellable,
         GError        **error)
{
  TongbanCamera *self = TONGBAN_CAMERA (device);
  g_autoptr(GstElement) pipeline = build_pipeline (self, error);
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstSample) sample = NULL;
  TongbanFrameImage *image = NULL;
  GstBuffer *buffer;
  GstMapInfo map;
  gsize stride, expected;

  if (pipeline == NULL)
    return NULL;
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      gst_element_set_state (pipeline, GST_STATE_NULL);
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY,
                           "camera does not start");
      return NULL;
    }
  while (sample == NULL)
    {
      if (!tongban_device_deadline_check (deadline, cancellable, error))
        break;
      sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), PULL_SLICE_MS * GST_MSECOND);
      if (sample == NULL && gst_app_sink_is_eos (GST_APP_SINK (sink)))
        {
          g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_HARDWARE_ERROR,
                               "camera stream ended");
          break;
        }
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (sample == NULL)
    return NULL;

  buffer = gst_sample_get_buffer (sample);
  /* RGB rows are padded to 4 bytes in GStreamer; the image we hand on is not. */
  stride = GST_ROUND_UP_4 (self->width * 3);
  expected = stride * self->height;
  if (buffer == NULL || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_HARDWARE_ERROR,
                           "empty frame");
      return NULL;
    }
  if (map.size < expected)
    {
      gst_buffer_unmap (buffer, &map);
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
                   "frame of %" G_GSIZE_FORMAT " bytes", map.size);
      return NULL;
    }
  {
    guint8 *rgb = g_malloc ((gsize) self->width * self->height * 3);

    for (guint y = 0; y < self->height; y++)
      memcpy (rgb + (gsize) y * self->width * 3, map.data + y * stride, self->width * 3);
    image = g_new0 (TongbanFrameImage, 1);
    image->width = self->width;
    image->height = self->height;
    image->rgb = g_bytes_new_take (rgb, (gsize) self->width * self->height * 3);
  }
  gst_buffer_unmap (buffer, &map);
  return image;
}

guint
tongban_camera_capture_async (TongbanCamera       *self,
                              guint                timeout_ms,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_val_if_fail (TONGBAN_IS_CAMERA (self), 0);

  return tongban_device_submit (TONGBAN_DEVICE (self), "Camera.TakePicture", timeout_ms, capture,
                                NULL, NULL, (GDestroyNotify) tongban_frame_image_free,
                                cancellable, callback, user_data);
}

TongbanFrameImage *
tongban_camera_capture_finish (TongbanCamera  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  return tongban_device_submit_finish (TONGBAN_DEVICE (self), result, error);
}

/* The source must at least reach READY: v4l2src opens its device there. */
static gboolean
tongban_camera_open (TongbanDevice  *device,
                     GCancellable   *cancellable,
                     GError        **error)
{
  TongbanCamera *self = TONGBAN_CAMERA (device);
  g_autoptr(GError) init_error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  GstStateChangeReturn ret;

  if (!gst_init_check (NULL, NULL, &init_error))
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_HARDWARE_ERROR,
                   "GStreamer: %s", init_error->message);
      return FALSE;
    }
  pipeline = build_pipeline (self, error);
  if (pipeline == NULL)
    return FALSE;
  ret = gst_element_set_state (pipeline, GST_STATE_READY);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (ret == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY,
                           "camera not available");
      return FALSE;
    }
  return TRUE;
}

static void
tongban_camera_finalize (GObject *object)
{
  TongbanCamera *self = TONGBAN_CAMERA (object);

  g_free (self->source);

  G_OBJECT_CLASS (tongban_camera_parent_class)->finalize (object);
}

static void
tongban_camera_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TongbanCamera *self = TONGBAN_CAMERA (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      g_free (self->source);
      self->source = g_value_dup_string (value);
      break;
    case PROP_WIDTH:
      self->width = g_value_get_uint (value);
      break;
    case PROP_HEIGHT:
      self->height = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_camera_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TongbanCamera *self = TONGBAN_CAMERA (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case PROP_WIDTH:
      g_value_set_uint (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_uint (value, self->height);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_camera_class_init (TongbanCameraClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TongbanDeviceClass *device_class = TONGBAN_DEVICE_CLASS (klass);

  object_class->finalize = tongban_camera_finalize;
  object_class->set_property = tongban_camera_set_property;
  object_class->get_property = tongban_camera_get_property;
  device_class->open = tongban_camera_open;

  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL, "v4l2src",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WIDTH] =
    g_param_spec_uint ("width", NULL, NULL, 16, 4096, 640,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEIGHT] =
    g_param_spec_uint ("height", NULL, NULL, 16, 4096, 480,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tongban_camera_init (TongbanCamera *self)
{
}

TongbanCamera *
tongban_camera_new (const char *name,
                    const char *source,
                    guint       width,
                    guint       height)
{
  return g_object_new (TONGBAN_TYPE_CAMERA, "name", name, "source", source, "width", width,
                       "height", height, "poll-interval", 60000, NULL);
}
