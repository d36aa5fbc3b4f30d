/* tongban-image.c: RGB frames in and out of GStreamer */

#include "tongban-image.h"
#include "tongban-device.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/base/gstbasesrc.h>
#include <string.h>

#define PULL_SLICE_MS 100
#define HELPER_TIMEOUT_US (10 * G_USEC_PER_SEC)

TongbanFrameImage *
tongban_frame_image_new_take (guint   width,
                              guint   height,
                              guint8 *rgb)
{
  TongbanFrameImage *image = g_new0 (TongbanFrameImage, 1);

  image->width = width;
  image->height = height;
  image->rgb = g_bytes_new_take (rgb, (gsize) width * height * 3);
  return image;
}

void
tongban_frame_image_free (TongbanFrameImage *image)
{
  if (image == NULL)
    return;
  g_clear_pointer (&image->rgb, g_bytes_unref);
  g_free (image);
}

double
tongban_frame_image_mean (const TongbanFrameImage *image)
{
  gsize size;
  const guint8 *rgb = g_bytes_get_data (image->rgb, &size);
  guint64 sum = 0;

  for (gsize i = 0; i < size; i++)
    sum += rgb[i];
  return size > 0 ? (double) sum / size : 0;
}

TongbanFrameImage *
tongban_frame_image_from_sample (GstSample  *sample,
                                 GError    **error)
{
  GstCaps *caps = gst_sample_get_caps (sample);
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstStructure *s = caps && gst_caps_get_size (caps) > 0 ? gst_caps_get_structure (caps, 0) : NULL;
  int width = 0, height = 0;
  gsize stride, row;
  GstMapInfo map;
  guint8 *rgb;

  if (s == NULL || g_strcmp0 (gst_structure_get_string (s, "format"), "RGB") != 0 ||
      !gst_structure_get_int (s, "width", &width) || !gst_structure_get_int (s, "height", &height) ||
      width <= 0 || height <= 0 || buffer == NULL)
    {
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
                           "frame is not RGB");
      return NULL;
    }
  /* RGB rows are padded to 4 bytes in GStreamer; the image we hand on is not. */
  row = (gsize) width * 3;
  stride = GST_ROUND_UP_4 (row);
  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_HARDWARE_ERROR,
                           "empty frame");
      return NULL;
    }
  if (map.size < stride * (height - 1) + row)
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
                   "frame of %" G_GSIZE_FORMAT " bytes for %dx%d", map.size, width, height);
      gst_buffer_unmap (buffer, &map);
      return NULL;
    }
  rgb = g_malloc (row * height);
  for (int y = 0; y < height; y++)
    memcpy (rgb + y * row, map.data + y * stride, row);
  gst_buffer_unmap (buffer, &map);
  return tongban_frame_image_new_take ((guint) width, (guint) height, rgb);
}

/* A live source (a camera, a network stream) that ends is a camera that
 * went away; what the demuxer or decoder say about the stream then is a
 * consequence, not the cause. */
typedef struct
{
  GstPad *pad;
  gulong  probe;
} LiveProbe;

typedef struct
{
  gint ended;     /* a live source reached its end */
  gint errored;   /* an error was posted before that */
} LiveWatch;

/* Streaming threads: errors are seen here as they are posted, before the
 * EOS that follows them. */
static GstBusSyncReply
on_bus_sync (GstBus     *bus,
             GstMessage *message,
             gpointer    data)
{
  LiveWatch *watch = data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    g_atomic_int_set (&watch->errored, 1);
  return GST_BUS_PASS;
}

static GstPadProbeReturn
on_live_eos (GstPad          *pad,
             GstPadProbeInfo *info,
             gpointer         data)
{
  LiveWatch *watch = data;

  /* A source also sends EOS when it stops on an error downstream (a demuxer
   * that gave up): that one is not the camera going away. */
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS &&
      !g_atomic_int_get (&watch->errored))
    g_atomic_int_set (&watch->ended, 1);
  return GST_PAD_PROBE_OK;
}

static void
watch_live_sources (GstElement *pipeline,
                    GArray     *probes,
                    LiveWatch  *watch)
{
  g_autoptr(GstIterator) it = gst_bin_iterate_sources (GST_BIN (pipeline));
  GValue item = G_VALUE_INIT;

  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElement *element = g_value_get_object (&item);

      if (GST_IS_BASE_SRC (element) && gst_base_src_is_live (GST_BASE_SRC (element)))
        {
          LiveProbe p = { gst_element_get_static_pad (element, "src"), 0 };

          if (p.pad != NULL)
            {
              p.probe = gst_pad_add_probe (p.pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                                           on_live_eos, watch, NULL);
              g_array_append_val (probes, p);
            }
        }
      g_value_reset (&item);
    }
  g_value_unset (&item);
}

static void
unwatch_live_sources (GArray *probes)
{
  for (guint i = 0; i < probes->len; i++)
    {
      LiveProbe *p = &g_array_index (probes, LiveProbe, i);

      gst_pad_remove_probe (p->pad, p->probe);
      gst_object_unref (p->pad);
    }
  g_array_set_size (probes, 0);
}

static void
set_error_from_message (GstMessage  *message,
                        gboolean     live_ended,
                        GError     **error)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;
  TongbanCompletion code = TONGBAN_COMPLETION_HARDWARE_ERROR;

  gst_message_parse_error (message, &gst_error, &debug);
  /* The source itself failing is the link to the camera failing
   * (souphttpsrc with no retries reports a refused connection only as a
   * flow error of its own). */
  if (gst_error->domain == GST_RESOURCE_ERROR || live_ended || GST_IS_BASE_SRC (message->src))
    code = TONGBAN_COMPLETION_DEVICE_NOT_READY;
  else if (gst_error->domain == GST_STREAM_ERROR)
    code = TONGBAN_COMPLETION_INVALID_DATA;
  g_debug ("camera pipeline error from %s: %s (%s)", GST_OBJECT_NAME (message->src),
           gst_error->message, debug ? debug : "");
  g_set_error (error, TONGBAN_DEVICE_ERROR, code, "camera: %s", gst_error->message);
}

typedef struct
{
  GMutex      lock;
  GCond       cond;
  guint       n;
  GstSample **samples;
  gint64     *when;
} Pull;

typedef struct
{
  Pull  *pull;
  guint  index;
} PullSink;

/* Streaming thread: keep the newest frame of each sink and when it came. */
static GstFlowReturn
on_new_sample (GstAppSink *sink,
               gpointer    data)
{
  PullSink *ps = data;
  Pull *pull = ps->pull;
  GstSample *sample = gst_app_sink_pull_sample (sink);

  g_mutex_lock (&pull->lock);
  g_clear_pointer (&pull->samples[ps->index], gst_sample_unref);
  pull->samples[ps->index] = sample;
  pull->when[ps->index] = g_get_monotonic_time ();
  g_cond_signal (&pull->cond);
  g_mutex_unlock (&pull->lock);
  return GST_FLOW_OK;
}

/* Called with the lock held. */
static gboolean
pull_complete (Pull   *pull,
               gint64  max_skew_us,
               gint64 *skew_us)
{
  gint64 first = G_MAXINT64, last = 0;

  for (guint i = 0; i < pull->n; i++)
    {
      if (pull->samples[i] == NULL)
        return FALSE;
      first = MIN (first, pull->when[i]);
      last = MAX (last, pull->when[i]);
    }
  if (skew_us != NULL)
    *skew_us = last - first;
  return last - first <= max_skew_us;
}

gboolean
tongban_gst_pull_samples (GstElement         *pipeline,
                          const char * const *sinks,
                          gint64              max_skew_us,
                          GstSample         **samples,
                          gint64             *skew_us,
                          gint64              deadline,
                          GCancellable       *cancellable,
                          GError            **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr(GArray) probes = g_array_new (FALSE, FALSE, sizeof (LiveProbe));
  g_autoptr(GPtrArray) elements = g_ptr_array_new_with_free_func (gst_object_unref);
  guint n = g_strv_length ((char **) sinks);
  g_autofree PullSink *ps = g_new0 (PullSink, n);
  g_autofree gint64 *when = g_new0 (gint64, n);
  Pull pull = { .n = n, .samples = samples, .when = when };
  LiveWatch watch = { 0, 0 };
  gboolean complete = FALSE;

  g_mutex_init (&pull.lock);
  g_cond_init (&pull.cond);
  for (guint i = 0; i < n; i++)
    {
      GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), sinks[i]);
      GstAppSinkCallbacks callbacks = { .new_sample = on_new_sample };

      g_assert (GST_IS_APP_SINK (sink));
      samples[i] = NULL;
      ps[i] = (PullSink) { &pull, i };
      gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, &ps[i], NULL);
      g_ptr_array_add (elements, sink);
    }

  gst_bus_set_sync_handler (bus, on_bus_sync, &watch, NULL);
  watch_live_sources (pipeline, probes, &watch);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

      if (message != NULL)
        set_error_from_message (message, FALSE, error);
      else
        g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY,
                             "camera does not start");
    }
  else
    {
      for (;;)
        {
          g_autoptr(GstMessage) message = NULL;
          gboolean eos = FALSE;

          if (!tongban_device_deadline_check (deadline, cancellable, error))
            break;
          g_mutex_lock (&pull.lock);
          complete = pull_complete (&pull, max_skew_us, skew_us);
          if (!complete)
            g_cond_wait_until (&pull.cond, &pull.lock,
                               g_get_monotonic_time () + PULL_SLICE_MS * 1000);
          complete = pull_complete (&pull, max_skew_us, skew_us);
          g_mutex_unlock (&pull.lock);
          if (complete)
            break;
          message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
          if (message != NULL)
            {
              set_error_from_message (message, g_atomic_int_get (&watch.ended), error);
              break;
            }
          for (guint i = 0; i < n; i++)
            eos = eos || gst_app_sink_is_eos (GST_APP_SINK (g_ptr_array_index (elements, i)));
          if (eos)
            {
              g_set_error_literal (error, TONGBAN_DEVICE_ERROR,
                                   TONGBAN_COMPLETION_DEVICE_NOT_READY, "camera stream ended");
              break;
            }
        }
    }
  /* Streaming threads are stopped in NULL: the callbacks' and probes' data can go. */
  gst_element_set_state (pipeline, GST_STATE_NULL);
  unwatch_live_sources (probes);
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  g_mutex_clear (&pull.lock);
  g_cond_clear (&pull.cond);
  if (!complete)
    for (guint i = 0; i < n; i++)
      g_clear_pointer (&samples[i], gst_sample_unref);
  return complete;
}

GstSample *
tongban_gst_pull_sample (GstElement    *pipeline,
                         gint64         deadline,
                         GCancellable  *cancellable,
                         GError       **error)
{
  const char *sinks[] = { "sink", NULL };
  GstSample *sample = NULL;

  tongban_gst_pull_samples (pipeline, sinks, 0, &sample, NULL, deadline, cancellable, error);
  return sample;
}

void
tongban_frame_image_push (const TongbanFrameImage *image,
                          GstElement              *appsrc)
{
  g_autoptr(GstCaps) caps = NULL;
  gsize row = (gsize) image->width * 3, stride = GST_ROUND_UP_4 (row);
  const guint8 *rgb = g_bytes_get_data (image->rgb, NULL);
  GstBuffer *buffer;
  GstMapInfo map;

  caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "RGB",
                              "width", G_TYPE_INT, (int) image->width,
                              "height", G_TYPE_INT, (int) image->height,
                              "framerate", GST_TYPE_FRACTION, 0, 1, NULL);
  g_object_set (appsrc, "caps", caps, "format", GST_FORMAT_TIME, NULL);
  buffer = gst_buffer_new_allocate (NULL, stride * image->height, NULL);
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  memset (map.data, 0, map.size);
  for (guint y = 0; y < image->height; y++)
    memcpy (map.data + y * stride, rgb + y * row, row);
  gst_buffer_unmap (buffer, &map);
  GST_BUFFER_PTS (buffer) = 0;
  gst_app_src_push_buffer (GST_APP_SRC (appsrc), buffer);
  gst_app_src_end_of_stream (GST_APP_SRC (appsrc));
}

GstElement *
tongban_gst_parse (const char         *description,
                   TongbanCompletion   code,
                   GError            **error)
{
  g_autoptr(GError) local = NULL;
  GstElement *pipeline;

  if (!gst_init_check (NULL, NULL, &local))
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_HARDWARE_ERROR,
                   "GStreamer: %s", local->message);
      return NULL;
    }
  pipeline = gst_parse_launch (description, &local);
  if (pipeline == NULL || local != NULL)
    {
      g_clear_pointer (&pipeline, gst_object_unref);
      g_set_error (error, TONGBAN_DEVICE_ERROR, code, "pipeline: %s",
                   local ? local->message : "invalid");
      return NULL;
    }
  return pipeline;
}

GBytes *
tongban_frame_image_encode_jpeg (const TongbanFrameImage  *image,
                                 guint                     quality,
                                 GError                  **error)
{
  g_autofree char *description = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstSample) sample = NULL;
  GstBuffer *buffer;
  GstMapInfo map;

  description = g_strdup_printf ("appsrc name=src ! videoconvert ! "
                                 "jpegenc quality=%u ! appsink name=sink sync=false",
                                 MIN (quality, 100));
  pipeline = tongban_gst_parse (description, TONGBAN_COMPLETION_HARDWARE_ERROR, error);
  if (pipeline == NULL)
    return NULL;
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  tongban_frame_image_push (image, src);
  sample = tongban_gst_pull_sample (pipeline, g_get_monotonic_time () + HELPER_TIMEOUT_US,
                                    NULL, error);
  if (sample == NULL)
    return NULL;
  buffer = gst_sample_get_buffer (sample);
  if (buffer == NULL || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_HARDWARE_ERROR,
                           "jpegenc gave nothing");
      return NULL;
    }
  {
    GBytes *jpeg = g_bytes_new (map.data, map.size);

    gst_buffer_unmap (buffer, &map);
    return jpeg;
  }
}

TongbanFrameImage *
tongban_frame_image_load (const char  *path,
                          guint        width,
                          guint        height,
                          GError     **error)
{
  g_autofree char *description = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) file = NULL;
  g_autoptr(GstSample) sample = NULL;

  description = g_strdup_printf ("filesrc name=file ! decodebin ! videoconvert ! videoscale ! "
                                 "video/x-raw,format=RGB,width=%u,height=%u ! "
                                 "appsink name=sink sync=false", width, height);
  pipeline = tongban_gst_parse (description, TONGBAN_COMPLETION_HARDWARE_ERROR, error);
  if (pipeline == NULL)
    return NULL;
  file = gst_bin_get_by_name (GST_BIN (pipeline), "file");
  g_object_set (file, "location", path, NULL);
  sample = tongban_gst_pull_sample (pipeline, g_get_monotonic_time () + HELPER_TIMEOUT_US,
                                    NULL, error);
  return sample ? tongban_frame_image_from_sample (sample, error) : NULL;
}
