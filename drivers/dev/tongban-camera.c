/* tongban-camera.c: one-frame captures from a GStreamer pipeline
 *
 * The pipeline runs only while a capture is taken, so the camera's light
 * is off between citizens (and a network camera's stream is only open
 * then). The pull is sliced into short waits so that a cancel, the deadline
 * or an error on the bus stops it.
 */

#include "tongban-camera.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <string.h>

#define CONNECT_TIMEOUT_S 2

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

static gboolean
is_url (const char *source)
{
  return g_str_has_prefix (source, "http://") || g_str_has_prefix (source, "https://");
}

/* jpegdec skips bytes until it finds a JPEG start marker, so a camera
 * sending noise would only ever time out. Every part of an MJPEG stream is
 * a whole JPEG: one that does not start like one is the camera's fault. */
static GstPadProbeReturn
on_part (GstPad          *pad,
         GstPadProbeInfo *info,
         gpointer         data)
{
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  guint8 soi[3];

  if (gst_buffer_extract (buffer, 0, soi, sizeof soi) == sizeof soi &&
      soi[0] == 0xff && soi[1] == 0xd8 && soi[2] == 0xff)
    return GST_PAD_PROBE_OK;
  {
    GstElement *dec = GST_ELEMENT (gst_pad_get_parent (pad));
    GError *error = g_error_new (GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
                                 "a part of %" G_GSIZE_FORMAT " bytes is not a JPEG",
                                 gst_buffer_get_size (buffer));

    gst_element_post_message (dec, gst_message_new_error (GST_OBJECT (dec), error, NULL));
    g_error_free (error);
    gst_object_unref (dec);
  }
  return GST_PAD_PROBE_DROP;
}

static GstElement *
build_pipeline (TongbanCamera  *self,
                GError        **error)
{
  g_autofree char *description = NULL;
  g_autoptr(GError) local = NULL;
  GstElement *pipeline;
  gboolean url = is_url (self->source);

  /* A network camera: the parts of the multipart stream are JPEGs. No
   * retries: a camera that went away is reported, not waited for. */
  description = g_strdup_printf ("%s ! videoconvert ! videoscale ! "
                                 "video/x-raw,format=RGB,width=%u,height=%u ! "
                                 "appsink name=sink max-buffers=1 drop=true sync=false",
                                 url ? "souphttpsrc name=http is-live=true retries=0 "
                                       "timeout=" G_STRINGIFY (CONNECT_TIMEOUT_S) " ! "
                                       "multipartdemux single-stream=true ! jpegdec name=dec"
                                     : self->source,
                                 self->width, self->height);
  pipeline = gst_parse_launch (description, &local);
  if (pipeline == NULL || local != NULL)
    {
      g_clear_pointer (&pipeline, gst_object_unref);
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY,
                   "camera pipeline: %s", local ? local->message : "invalid");
      return NULL;
    }
  if (url)
    {
      g_autoptr(GstElement) http = gst_bin_get_by_name (GST_BIN (pipeline), "http");
      g_autoptr(GstElement) dec = gst_bin_get_by_name (GST_BIN (pipeline), "dec");
      g_autoptr(GstPad) sink = gst_element_get_static_pad (dec, "sink");

      g_object_set (http, "location", self->source, NULL);
      gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER, on_part, NULL, NULL);
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
  g_autoptr(GstSample) sample = NULL;
  TongbanFrameImage *image;

  if (pipeline == NULL)
    return NULL;
  sample = tongban_gst_pull_sample (pipeline, deadline, cancellable, error);
  image = sample ? tongban_frame_image_from_sample (sample, error) : NULL;
  /* A camera that sends what is not a picture is there, and faulty, until
   * it sends a picture again. */
  if (image == NULL && tongban_completion_from_error (*error) == TONGBAN_COMPLETION_INVALID_DATA)
    tongban_device_set_state (device, TONGBAN_DEVICE_STATE_HARDWARE_ERROR);
  else if (image != NULL &&
           tongban_device_get_state (device) == TONGBAN_DEVICE_STATE_HARDWARE_ERROR)
    tongban_device_set_state (device, TONGBAN_DEVICE_STATE_ONLINE);
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

/* A network camera is there when it takes a TCP connection; the stream
 * itself is only opened for a capture. */
static gboolean
reachable (TongbanCamera  *self,
           GCancellable   *cancellable,
           GError        **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) local = NULL;

  g_socket_client_set_timeout (client, CONNECT_TIMEOUT_S);
  connection = g_socket_client_connect_to_uri (client, self->source, 80, cancellable, &local);
  if (connection == NULL)
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY,
                   "camera not reachable: %s", local->message);
      return FALSE;
    }
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
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
  if (is_url (self->source))
    return reachable (self, cancellable, error);
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
