/* tongban-liveness.c: face in the visible frame, skin response in the IR frame */

#include "tongban-liveness.h"
#include "tongban-device.h"

#include <math.h>

#define DETECT_TIMEOUT_US (20 * G_USEC_PER_SEC)

void
tongban_liveness_params_init (TongbanLivenessParams *params)
{
  params->min_face = 0.15;
  params->max_offset = 0.2;
  params->ir_min_mean = 40;
  params->ir_min_stddev = 12;
  params->ir_face = TRUE;
}

const char *
tongban_liveness_verdict_to_string (TongbanLivenessVerdict verdict)
{
  switch (verdict)
    {
    case TONGBAN_LIVENESS_LIVE:
      return "live";
    case TONGBAN_LIVENESS_NOT_LIVE:
      return "not live";
    case TONGBAN_LIVENESS_NO_FACE:
      return "no face";
    case TONGBAN_LIVENESS_FACE_NOT_CENTRED:
      return "face not centred";
    default:
      return "unknown";
    }
}

void
tongban_liveness_result_free (TongbanLivenessResult *result)
{
  if (result == NULL)
    return;
  g_free (result->reason);
  g_free (result);
}

static gint
larger_first (gconstpointer a,
              gconstpointer b)
{
  const TongbanFaceBox *fa = a, *fb = b;
  guint64 area_a = (guint64) fa->width * fa->height, area_b = (guint64) fb->width * fb->height;

  return area_a < area_b ? 1 : area_a > area_b ? -1 : 0;
}

static void
read_faces (const GstStructure *s,
            GArray             *faces)
{
  const GValue *list = gst_structure_get_value (s, "faces");

  for (guint i = 0; list != NULL && GST_VALUE_HOLDS_LIST (list) && i < gst_value_list_get_size (list);
       i++)
    {
      const GValue *v = gst_value_list_get_value (list, i);
      const GstStructure *f = GST_VALUE_HOLDS_STRUCTURE (v) ? gst_value_get_structure (v) : NULL;
      TongbanFaceBox box = { 0 };

      if (f != NULL && gst_structure_get_uint (f, "x", &box.x) &&
          gst_structure_get_uint (f, "y", &box.y) && gst_structure_get_uint (f, "width", &box.width) &&
          gst_structure_get_uint (f, "height", &box.height))
        g_array_append_val (faces, box);
    }
}

GArray *
tongban_face_detect (const TongbanFrameImage  *image,
                     guint                     min_size,
                     GError                  **error)
{
  g_autoptr(GstElementFactory) factory = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstElement) detect = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GArray) faces = g_array_new (FALSE, FALSE, sizeof (TongbanFaceBox));
  gint64 deadline = g_get_monotonic_time () + DETECT_TIMEOUT_US;
  GError *local = NULL;

  if (!gst_init_check (NULL, NULL, error))
    return NULL;
  factory = gst_element_factory_find ("facedetect");
  if (factory == NULL)
    {
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_UNSUPPORTED_COMMAND,
                           "face detection is not installed (gstreamer1.0-opencv, opencv-data)");
      return NULL;
    }
  pipeline = tongban_gst_parse ("appsrc name=src ! videoconvert ! "
                                "facedetect name=detect display=false ! fakesink",
                                TONGBAN_COMPLETION_HARDWARE_ERROR, error);
  if (pipeline == NULL)
    return NULL;
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  detect = gst_bin_get_by_name (GST_BIN (pipeline), "detect");
  /* The element also tries its default nose, mouth and eye cascades, which
   * opencv-data 4.6 does not ship: OpenCV says so on stderr, and the face
   * cascade alone is used (setting them to NULL crashes the element). */
  g_object_set (detect, "min-size-width", MAX (min_size, 20), "min-size-height", MAX (min_size, 20),
                NULL);
  tongban_frame_image_push (image, src);
  bus = gst_element_get_bus (pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      gst_element_set_state (pipeline, GST_STATE_NULL);
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_HARDWARE_ERROR,
                           "face detector does not start (is opencv-data installed?)");
      return NULL;
    }
  while (local == NULL)
    {
      gint64 left = deadline - g_get_monotonic_time ();
      g_autoptr(GstMessage) message = NULL;

      if (left <= 0)
        {
          g_set_error_literal (&local, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_TIMEOUT,
                               "face detection took too long");
          break;
        }
      message = gst_bus_timed_pop_filtered (bus, left * GST_USECOND,
                                            GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR |
                                            GST_MESSAGE_EOS);
      if (message == NULL)
        continue;
      switch (GST_MESSAGE_TYPE (message))
        {
        case GST_MESSAGE_ELEMENT:
          if (gst_message_has_name (message, "facedetect"))
            read_faces (gst_message_get_structure (message), faces);
          break;
        case GST_MESSAGE_ERROR:
          {
            g_autoptr(GError) gst_error = NULL;

            gst_message_parse_error (message, &gst_error, NULL);
            g_set_error (&local, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_HARDWARE_ERROR,
                         "face detector: %s", gst_error->message);
          }
          break;
        default:
          deadline = 0;   /* end of stream: every face is in */
        }
      if (deadline == 0)
        break;
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  g_array_sort (faces, larger_first);
  return g_steal_pointer (&faces);
}

/* Mean and standard deviation of the luma inside the box. */
static void
region_stats (const TongbanFrameImage *image,
              const TongbanFaceBox    *box,
              double                  *mean,
              double                  *stddev)
{
  const guint8 *rgb = g_bytes_get_data (image->rgb, NULL);
  double sum = 0, sum2 = 0;
  guint64 n = 0;

  for (guint y = box->y; y < box->y + box->height && y < image->height; y++)
    for (guint x = box->x; x < box->x + box->width && x < image->width; x++)
      {
        const guint8 *p = rgb + ((gsize) y * image->width + x) * 3;
        double luma = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];

        sum += luma;
        sum2 += luma * luma;
        n++;
      }
  *mean = n > 0 ? sum / n : 0;
  *stddev = n > 0 ? sqrt (MAX (0, sum2 / n - *mean * *mean)) : 0;
}

static TongbanLivenessResult *
verdict (TongbanLivenessResult  *result,
         TongbanLivenessVerdict  v,
         const char             *format,
         ...) G_GNUC_PRINTF (3, 4);

static TongbanLivenessResult *
verdict (TongbanLivenessResult  *result,
         TongbanLivenessVerdict  v,
         const char             *format,
         ...)
{
  va_list args;

  va_start (args, format);
  result->verdict = v;
  g_free (result->reason);
  result->reason = g_strdup_vprintf (format, args);
  va_end (args);
  return result;
}

TongbanLivenessResult *
tongban_liveness_check (const TongbanFrameImage      *visible,
                        const TongbanFrameImage      *ir,
                        const TongbanLivenessParams  *params,
                        GError                      **error)
{
  g_autoptr(TongbanLivenessResult) result = g_new0 (TongbanLivenessResult, 1);
  g_autoptr(GArray) faces = NULL;
  g_autoptr(GArray) ir_faces = NULL;
  TongbanFaceBox face, in_ir;
  double sx, sy, dx, dy;

  g_return_val_if_fail (visible != NULL && ir != NULL && params != NULL, NULL);

  faces = tongban_face_detect (visible, (guint) (params->min_face * visible->width), error);
  if (faces == NULL)
    return NULL;
  if (faces->len == 0)
    return verdict (g_steal_pointer (&result), TONGBAN_LIVENESS_NO_FACE,
                    "no face of at least %.0f%% of the frame width in the visible frame",
                    params->min_face * 100);
  face = g_array_index (faces, TongbanFaceBox, 0);
  result->face = face;
  dx = ((face.x + face.width / 2.0) / visible->width) - 0.5;
  dy = ((face.y + face.height / 2.0) / visible->height) - 0.5;
  if (fabs (dx) > params->max_offset || fabs (dy) > params->max_offset)
    return verdict (g_steal_pointer (&result), TONGBAN_LIVENESS_FACE_NOT_CENTRED,
                    "face centre %+.0f%% across and %+.0f%% down from the frame centre "
                    "(at most %.0f%%)", dx * 100, dy * 100, params->max_offset * 100);

  /* The two sensors of a binocular module are aligned at the factory and
   * see the same field; the frames may differ in size. */
  sx = (double) ir->width / visible->width;
  sy = (double) ir->height / visible->height;
  in_ir = (TongbanFaceBox) { (guint) (face.x * sx), (guint) (face.y * sy),
                             MAX (1, (guint) (face.width * sx)), MAX (1, (guint) (face.height * sy)) };
  region_stats (ir, &in_ir, &result->ir_mean, &result->ir_stddev);
  if (result->ir_mean < params->ir_min_mean)
    return verdict (g_steal_pointer (&result), TONGBAN_LIVENESS_NOT_LIVE,
                    "the face is dark in infrared (level %.0f, at least %.0f): a screen?",
                    result->ir_mean, params->ir_min_mean);
  if (result->ir_stddev < params->ir_min_stddev)
    return verdict (g_steal_pointer (&result), TONGBAN_LIVENESS_NOT_LIVE,
                    "the face is flat in infrared (texture %.1f, at least %.1f): a print?",
                    result->ir_stddev, params->ir_min_stddev);
  if (params->ir_face)
    {
      gboolean found = FALSE;

      ir_faces = tongban_face_detect (ir, (guint) (in_ir.width / 2), error);
      if (ir_faces == NULL)
        return NULL;
      for (guint i = 0; i < ir_faces->len && !found; i++)
        {
          TongbanFaceBox *f = &g_array_index (ir_faces, TongbanFaceBox, i);
          double cx = f->x + f->width / 2.0, cy = f->y + f->height / 2.0;

          found = cx >= in_ir.x && cx < in_ir.x + in_ir.width &&
                  cy >= in_ir.y && cy < in_ir.y + in_ir.height &&
                  f->width * 2 >= in_ir.width && f->width <= in_ir.width * 2;
        }
      if (!found)
        return verdict (g_steal_pointer (&result), TONGBAN_LIVENESS_NOT_LIVE,
                        "no face in infrared where the visible frame has one");
    }
  return verdict (g_steal_pointer (&result), TONGBAN_LIVENESS_LIVE,
                  "face in both frames; infrared level %.0f, texture %.1f",
                  result->ir_mean, result->ir_stddev);
}
