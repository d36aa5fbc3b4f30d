/* tongban-camera.c: one-frame captures from a GStreamer pipeline
 *
 * The pipeline runs only while a capture is taken, so the camera's light
 * is off between citizens (and a network camera's stream is only open
 * then). The pull is sliced into short waits so that a cancel, the deadline
 * or an error on the bus stops it.
 */

#include "tongban-camera.h"
#ifdef HAVE_TESSERACT
#include "tongban-mrz-reader.h"
#endif

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <string.h>

#define CONNECT_TIMEOUT_S 2
#define URL_POLL_MS 2000
/* Two free-running streams' newest frames are less than a frame period
 * apart at 10 frames a second or more. */
#define PAIR_MAX_SKEW_US (100 * 1000)

struct _TongbanCamera
{
  TongbanDevice  parent_instance;

  char          *source;
  char          *ir_source;
  TongbanLivenessParams liveness;   /* read on the caller's thread, at submit */
  guint          width;
  guint          height;
};

enum {
  PROP_0,
  PROP_SOURCE,
  PROP_IR_SOURCE,
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

/* A camera's still picture (".../snapshot.jpg"): one JPEG, not a stream. */
static gboolean
is_snapshot (const char *source)
{
  g_autofree char *path = g_strndup (source, strcspn (source, "?#"));

  return is_url (source) && (g_str_has_suffix (path, ".jpg") || g_str_has_suffix (path, ".jpeg"));
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

/* One camera's branch, ending in the appsink called name. A network
 * camera: the parts of the multipart stream are JPEGs; no retries, a camera
 * that went away is reported, not waited for. */
static char *
branch (TongbanCamera *self,
        const char    *source,
        const char    *name)
{
  g_autofree char *head = NULL;

  if (is_snapshot (source))
    head = g_strdup_printf ("souphttpsrc name=%s-http retries=0 timeout=%d ! jpegdec name=%s-dec",
                            name, CONNECT_TIMEOUT_S, name);
  else if (is_url (source))
    head = g_strdup_printf ("souphttpsrc name=%s-http is-live=true retries=0 timeout=%d ! "
                            "multipartdemux single-stream=true ! jpegdec name=%s-dec",
                            name, CONNECT_TIMEOUT_S, name);
  return g_strdup_printf ("%s ! videoconvert ! videoscale ! "
                          "video/x-raw,format=RGB,width=%u,height=%u ! "
                          "appsink name=%s max-buffers=1 drop=true sync=false",
                          head ? head : source, self->width, self->height, name);
}

static void
setup_url (GstElement *pipeline,
           const char *source,
           const char *name)
{
  g_autofree char *http_name = g_strdup_printf ("%s-http", name);
  g_autofree char *dec_name = g_strdup_printf ("%s-dec", name);
  g_autoptr(GstElement) http = gst_bin_get_by_name (GST_BIN (pipeline), http_name);
  g_autoptr(GstElement) dec = gst_bin_get_by_name (GST_BIN (pipeline), dec_name);
  g_autoptr(GstPad) sink = gst_element_get_static_pad (dec, "sink");

  g_object_set (http, "location", source, NULL);
  /* A still comes in network-sized chunks; a stream's parts are whole JPEGs. */
  if (!is_snapshot (source))
    gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER, on_part, NULL, NULL);
}

/* The visible camera into "sink" and, for a pair, the IR one into "irsink",
 * in one pipeline so that both run on one clock. */
static GstElement *
build_pipeline (TongbanCamera  *self,
                gboolean        pair,
                GError        **error)
{
  g_autofree char *visible = branch (self, self->source, "sink");
  g_autofree char *ir = pair ? branch (self, self->ir_source, "irsink") : NULL;
  g_autofree char *description = g_strjoin ("  ", visible, ir, NULL);
  GstElement *pipeline;

  /* A source that is not there (no such element) is a camera not there. */
  pipeline = tongban_gst_parse (description, TONGBAN_COMPLETION_DEVICE_NOT_READY, error);
  if (pipeline == NULL)
    return NULL;
  if (is_url (self->source))
    setup_url (pipeline, self->source, "sink");
  if (pair && is_url (self->ir_source))
    setup_url (pipeline, self->ir_source, "irsink");
  return pipeline;
}

/* A camera that sends what is not a picture is there, and faulty, until it
 * sends a picture again. */
static void
note_outcome (TongbanDevice *device,
              gboolean       ok,
              const GError  *error)
{
  if (!ok && tongban_completion_from_error (error) == TONGBAN_COMPLETION_INVALID_DATA)
    tongban_device_set_state (device, TONGBAN_DEVICE_STATE_HARDWARE_ERROR);
  else if (ok && tongban_device_get_state (device) == TONGBAN_DEVICE_STATE_HARDWARE_ERROR)
    tongban_device_set_state (device, TONGBAN_DEVICE_STATE_ONLINE);
}

static gpointer
capture (TongbanDevice  *device,
         gpointer        data,
         gint64          deadline,
         GCancellable   *cancellable,
         GError        **error)
{
  TongbanCamera *self = TONGBAN_CAMERA (device);
  g_autoptr(GstElement) pipeline = build_pipeline (self, FALSE, error);
  g_autoptr(GstSample) sample = NULL;
  TongbanFrameImage *image;

  if (pipeline == NULL)
    return NULL;
  sample = tongban_gst_pull_sample (pipeline, deadline, cancellable, error);
  image = sample ? tongban_frame_image_from_sample (sample, error) : NULL;
  note_outcome (device, image != NULL, *error);
  return image;
}

void
tongban_frame_pair_free (TongbanFramePair *pair)
{
  if (pair == NULL)
    return;
  g_clear_pointer (&pair->visible, tongban_frame_image_free);
  g_clear_pointer (&pair->ir, tongban_frame_image_free);
  g_free (pair);
}

static TongbanFramePair *
take_pair (TongbanCamera  *self,
           gint64          deadline,
           GCancellable   *cancellable,
           GError        **error)
{
  const char *sinks[] = { "sink", "irsink", NULL };
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(TongbanFramePair) pair = NULL;
  GstSample *samples[2] = { NULL, NULL };
  gint64 skew = 0;

  if (self->ir_source == NULL)
    {
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_UNSUPPORTED_COMMAND,
                           "this camera has no infrared sensor configured");
      return NULL;
    }
  pipeline = build_pipeline (self, TRUE, error);
  if (pipeline == NULL)
    return NULL;
  if (!tongban_gst_pull_samples (pipeline, sinks, PAIR_MAX_SKEW_US, samples, &skew, deadline,
                                 cancellable, error))
    {
      note_outcome (TONGBAN_DEVICE (self), FALSE, *error);
      return NULL;
    }
  pair = g_new0 (TongbanFramePair, 1);
  pair->skew_us = skew;
  pair->visible = tongban_frame_image_from_sample (samples[0], error);
  pair->ir = pair->visible ? tongban_frame_image_from_sample (samples[1], error) : NULL;
  gst_sample_unref (samples[0]);
  gst_sample_unref (samples[1]);
  note_outcome (TONGBAN_DEVICE (self), pair->ir != NULL, *error);
  return pair->ir != NULL ? g_steal_pointer (&pair) : NULL;
}

static gpointer
capture_pair (TongbanDevice  *device,
              gpointer        data,
              gint64          deadline,
              GCancellable   *cancellable,
              GError        **error)
{
  return take_pair (TONGBAN_CAMERA (device), deadline, cancellable, error);
}

/* The frames live only for the check; the result holds no picture. */
static gpointer
check_liveness (TongbanDevice  *device,
                gpointer        data,
                gint64          deadline,
                GCancellable   *cancellable,
                GError        **error)
{
  g_autoptr(TongbanFramePair) pair = take_pair (TONGBAN_CAMERA (device), deadline, cancellable,
                                                error);
  TongbanLivenessResult *result;

  if (pair == NULL)
    return NULL;
  result = tongban_liveness_check (pair->visible, pair->ir, data, error);
  if (result != NULL)
    result->skew_us = pair->skew_us;
  return result;
}

/* The picture lives only for the OCR; the result is the zone's fields. */
static gpointer
read_mrz (TongbanDevice  *device,
          gpointer        data,
          gint64          deadline,
          GCancellable   *cancellable,
          GError        **error)
{
#ifdef HAVE_TESSERACT
  g_autoptr(TongbanFrameImage) image = capture (device, NULL, deadline, cancellable, error);

  return image ? tongban_mrz_read_image (image, error) : NULL;
#else
  g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_UNSUPPORTED_COMMAND,
                       "built without tesseract");
  return NULL;
#endif
}

/* A request that needs nothing but the camera: a picture, a pair, a zone read. */
static guint
submit_capture (TongbanCamera       *self,
                const char          *command,
                TongbanDeviceFunc    func,
                GDestroyNotify       result_free,
                guint                timeout_ms,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_return_val_if_fail (TONGBAN_IS_CAMERA (self), 0);

  return tongban_device_submit (TONGBAN_DEVICE (self), command, timeout_ms, func, NULL, NULL,
                                result_free, cancellable, callback, user_data);
}

guint
tongban_camera_read_mrz_async (TongbanCamera       *self,
                               guint                timeout_ms,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  return submit_capture (self, "Camera.ReadMrz", read_mrz, (GDestroyNotify) tongban_mrz_free,
                         timeout_ms, cancellable, callback, user_data);
}

TongbanMrz *
tongban_camera_read_mrz_finish (TongbanCamera  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  return tongban_device_submit_finish (TONGBAN_DEVICE (self), result, error);
}

guint
tongban_camera_capture_pair_async (TongbanCamera       *self,
                                   guint                timeout_ms,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  return submit_capture (self, "Camera.TakePicturePair", capture_pair,
                         (GDestroyNotify) tongban_frame_pair_free, timeout_ms, cancellable,
                         callback, user_data);
}

TongbanFramePair *
tongban_camera_capture_pair_finish (TongbanCamera  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  return tongban_device_submit_finish (TONGBAN_DEVICE (self), result, error);
}

guint
tongban_camera_check_liveness_async (TongbanCamera               *self,
                                     const TongbanLivenessParams *params,
                                     guint                        timeout_ms,
                                     GCancellable                *cancellable,
                                     GAsyncReadyCallback          callback,
                                     gpointer                     user_data)
{
  TongbanLivenessParams *copy = g_new (TongbanLivenessParams, 1);

  g_return_val_if_fail (TONGBAN_IS_CAMERA (self), 0);

  *copy = params != NULL ? *params : self->liveness;
  return tongban_device_submit (TONGBAN_DEVICE (self), "Biometric.Liveness", timeout_ms,
                                check_liveness, copy, g_free,
                                (GDestroyNotify) tongban_liveness_result_free,
                                cancellable, callback, user_data);
}

TongbanLivenessResult *
tongban_camera_check_liveness_finish (TongbanCamera  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  return tongban_device_submit_finish (TONGBAN_DEVICE (self), result, error);
}

guint
tongban_camera_capture_async (TongbanCamera       *self,
                              guint                timeout_ms,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  return submit_capture (self, "Camera.TakePicture", capture,
                         (GDestroyNotify) tongban_frame_image_free, timeout_ms, cancellable,
                         callback, user_data);
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
reachable (const char    *url,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) local = NULL;

  g_socket_client_set_timeout (client, CONNECT_TIMEOUT_S);
  connection = g_socket_client_connect_to_uri (client, url, 80, cancellable, &local);
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
  if (is_url (self->source) && !reachable (self->source, cancellable, error))
    return FALSE;
  if (self->ir_source != NULL && is_url (self->ir_source) &&
      !reachable (self->ir_source, cancellable, error))
    return FALSE;
  if (is_url (self->source) && (self->ir_source == NULL || is_url (self->ir_source)))
    return TRUE;
  pipeline = build_pipeline (self, self->ir_source != NULL, error);
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

/* Idle, a network camera is looked for now and then, so that one that went
 * away shows as such before a citizen needs it. */
static gboolean
tongban_camera_poll (TongbanDevice  *device,
                     GCancellable   *cancellable,
                     GError        **error)
{
  TongbanCamera *self = TONGBAN_CAMERA (device);

  if (is_url (self->source) && !reachable (self->source, cancellable, error))
    return FALSE;
  if (self->ir_source != NULL && is_url (self->ir_source) &&
      !reachable (self->ir_source, cancellable, error))
    return FALSE;
  return TRUE;
}

static void
tongban_camera_finalize (GObject *object)
{
  TongbanCamera *self = TONGBAN_CAMERA (object);

  g_free (self->source);
  g_free (self->ir_source);

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
    case PROP_IR_SOURCE:
      g_free (self->ir_source);
      self->ir_source = g_value_dup_string (value);
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
    case PROP_IR_SOURCE:
      g_value_set_string (value, self->ir_source);
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
  device_class->poll = tongban_camera_poll;

  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL, "v4l2src",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The infrared sensor of a binocular face camera, or NULL. */
  properties[PROP_IR_SOURCE] =
    g_param_spec_string ("ir-source", NULL, NULL, NULL,
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
  tongban_liveness_params_init (&self->liveness);
}

void
tongban_camera_set_liveness_params (TongbanCamera               *self,
                                    const TongbanLivenessParams *params)
{
  g_return_if_fail (TONGBAN_IS_CAMERA (self));
  g_return_if_fail (params != NULL);

  self->liveness = *params;
}

TongbanCamera *
tongban_camera_new (const char *name,
                    const char *source,
                    guint       width,
                    guint       height)
{
  return tongban_camera_new_pair (name, source, NULL, width, height);
}

TongbanCamera *
tongban_camera_new_pair (const char *name,
                         const char *source,
                         const char *ir_source,
                         guint       width,
                         guint       height)
{
  return g_object_new (TONGBAN_TYPE_CAMERA, "name", name, "source", source,
                       "ir-source", ir_source, "width", width, "height", height,
                       "poll-interval", is_url (source) ? URL_POLL_MS : 60000, NULL);
}
