/* tongban-sim-camera.c: MJPEG-over-HTTP network camera simulator
 *
 * One client at a time, as the simulators' TCP plumbing accepts; a second
 * connection replaces the first, which is what a single-stream camera does.
 * Pictures are JPEG-encoded once when set, not per frame, so the simulator
 * costs little CPU while it streams.
 */

#include "tongban-sim-camera.h"

#include <gst/app/gstappsink.h>
#include <string.h>

#define BOUNDARY "tongbanframe"
#define CLIP_FRAMES 15
#define FPS 15
#define MAX_REQUEST 8192
#define GARBAGE_SIZE 4096

typedef enum {
  SHOW_PICTURE,
  SHOW_BLACK,
  SHOW_GARBAGE,
  SHOW_NOISE,
  SHOW_NOTHING,
} Show;

typedef struct
{
  guint      width;
  guint      height;
  GPtrArray *clip;       /* GBytes JPEG, played in a loop */
  GPtrArray *frames;     /* what is shown: the clip or one still */
  GBytes    *black;
  guint      next;
  Show       show;
  gboolean   streaming;
  guint      frames_sent;
  guint      requests;
  GRand     *rand;
} CameraState;

static void
send_string (TongbanSim *sim,
             const char *text)
{
  tongban_sim_send (sim, (const guint8 *) text, strlen (text));
}

static void
send_part (TongbanSim *sim,
           GBytes     *body)
{
  g_autofree char *header = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (body, &size);

  header = g_strdup_printf ("--" BOUNDARY "\r\nContent-Type: image/jpeg\r\n"
                            "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n", size);
  send_string (sim, header);
  tongban_sim_send (sim, data, size);
  send_string (sim, "\r\n");
}

static GBytes *
current_picture (CameraState *st)
{
  GBytes *jpeg;

  if (st->show == SHOW_BLACK)
    return g_bytes_ref (st->black);
  if (st->show == SHOW_GARBAGE || st->show == SHOW_NOISE)
    {
      guint8 *noise = g_malloc (GARBAGE_SIZE);

      for (gsize i = 0; i < GARBAGE_SIZE; i++)
        noise[i] = (guint8) g_rand_int_range (st->rand, 0, 256);
      return g_bytes_new_take (noise, GARBAGE_SIZE);
    }
  jpeg = g_ptr_array_index (st->frames, st->next % st->frames->len);
  st->next++;
  return g_bytes_ref (jpeg);
}

static void
camera_tick (TongbanSim *sim)
{
  CameraState *st = tongban_sim_get_state (sim);
  g_autoptr(GBytes) picture = NULL;

  if (!st->streaming || st->show == SHOW_NOTHING)
    return;
  picture = current_picture (st);
  if (st->show == SHOW_NOISE)
    tongban_sim_send (sim, g_bytes_get_data (picture, NULL), g_bytes_get_size (picture));
  else
    send_part (sim, picture);
  st->frames_sent++;
}

static void
respond_error (TongbanSim *sim,
               const char *status)
{
  g_autofree char *response = g_strdup_printf ("HTTP/1.0 %s\r\nContent-Type: text/plain\r\n"
                                               "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                               "Connection: close\r\n\r\n%s\n",
                                               status, strlen (status) + 1, status);

  send_string (sim, response);
  tongban_sim_disconnect (sim);
}

static gsize
camera_input (TongbanSim   *sim,
              const guint8 *data,
              gsize         length)
{
  CameraState *st = tongban_sim_get_state (sim);
  const char *end = g_strstr_len ((const char *) data, length, "\r\n\r\n");
  g_autofree char *head = NULL;
  g_auto(GStrv) words = NULL;
  g_autofree char *path = NULL;

  if (st->streaming)
    return length;          /* a streaming camera ignores what else comes */
  if (end == NULL)
    {
      if (length <= MAX_REQUEST)
        return 0;
      respond_error (sim, "431 Request Header Fields Too Large");
      return length;
    }
  st->requests++;
  head = g_strndup ((const char *) data, end - (const char *) data);
  head[strcspn (head, "\r")] = '\0';
  words = g_strsplit (head, " ", 3);
  if (g_strv_length (words) != 3 || !g_str_has_prefix (words[2], "HTTP/1."))
    {
      respond_error (sim, "400 Bad Request");
      return length;
    }
  if (!g_str_equal (words[0], "GET"))
    {
      respond_error (sim, "405 Method Not Allowed");
      return length;
    }
  path = g_strndup (words[1], strcspn (words[1], "?"));
  if (g_str_equal (path, "/video.mjpg"))
    {
      send_string (sim, "HTTP/1.0 200 OK\r\n"
                        "Content-Type: multipart/x-mixed-replace; boundary=" BOUNDARY "\r\n"
                        "Cache-Control: no-cache\r\nConnection: close\r\n\r\n");
      st->streaming = TRUE;
      camera_tick (sim);
    }
  else if (g_str_equal (path, "/snapshot.jpg") && st->show != SHOW_NOTHING)
    {
      g_autoptr(GBytes) picture = current_picture (st);
      g_autofree char *header = g_strdup_printf ("HTTP/1.0 200 OK\r\nContent-Type: image/jpeg\r\n"
                                                 "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                                 "Connection: close\r\n\r\n",
                                                 g_bytes_get_size (picture));

      send_string (sim, header);
      tongban_sim_send (sim, g_bytes_get_data (picture, NULL), g_bytes_get_size (picture));
      st->frames_sent++;
      tongban_sim_disconnect (sim);
    }
  else if (!g_str_equal (path, "/snapshot.jpg"))
    respond_error (sim, "404 Not Found");
  return length;
}

static void
camera_connected (TongbanSim *sim)
{
  CameraState *st = tongban_sim_get_state (sim);

  st->streaming = FALSE;
}

static gboolean
camera_event (TongbanSim *sim,
              const char *event)
{
  CameraState *st = tongban_sim_get_state (sim);

  if (g_str_equal (event, "black"))
    st->show = SHOW_BLACK;
  else if (g_str_equal (event, "garbage"))
    st->show = SHOW_GARBAGE;
  else if (g_str_equal (event, "noise"))
    st->show = SHOW_NOISE;
  else if (g_str_equal (event, "freeze"))
    st->show = SHOW_NOTHING;
  else if (g_str_equal (event, "normal"))
    st->show = SHOW_PICTURE;
  else
    return FALSE;
  return TRUE;
}

static void
camera_finalize (TongbanSim *sim)
{
  CameraState *st = tongban_sim_get_state (sim);

  g_clear_pointer (&st->clip, g_ptr_array_unref);
  g_clear_pointer (&st->frames, g_ptr_array_unref);
  g_clear_pointer (&st->black, g_bytes_unref);
  g_clear_pointer (&st->rand, g_rand_free);
  g_free (st);
}

static const TongbanSimClass camera_class = {
  .name = "camera",
  .input = camera_input,
  .event = camera_event,
  .connected = camera_connected,
  .finalize = camera_finalize,
  .tick = camera_tick,
  .tick_ms = 1000 / FPS,
};

static GPtrArray *
render_clip (guint    width,
             guint    height,
             GError **error)
{
  g_autofree char *description = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GPtrArray) clip = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GstSample *sample;

  description = g_strdup_printf ("videotestsrc num-buffers=%d pattern=smpte horizontal-speed=8 ! "
                                 "video/x-raw,width=%u,height=%u ! jpegenc ! "
                                 "appsink name=sink sync=false",
                                 CLIP_FRAMES, width, height);
  pipeline = tongban_gst_parse (description, TONGBAN_COMPLETION_HARDWARE_ERROR, error);
  if (pipeline == NULL)
    return NULL;
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while ((sample = gst_app_sink_pull_sample (GST_APP_SINK (sink))) != NULL)
    {
      GstBuffer *buffer = gst_sample_get_buffer (sample);
      GstMapInfo map;

      if (buffer != NULL && gst_buffer_map (buffer, &map, GST_MAP_READ))
        {
          g_ptr_array_add (clip, g_bytes_new (map.data, map.size));
          gst_buffer_unmap (buffer, &map);
        }
      gst_sample_unref (sample);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (clip->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "camera clip: no frames");
      return NULL;
    }
  return g_steal_pointer (&clip);
}

TongbanSim *
tongban_sim_camera_new (guint    port,
                        guint    width,
                        guint    height,
                        GError **error)
{
  CameraState *st;
  g_autoptr(TongbanFrameImage) black = NULL;

  g_return_val_if_fail (width >= 16 && height >= 16, NULL);

  st = g_new0 (CameraState, 1);
  st->width = width;
  st->height = height;
  st->rand = g_rand_new_with_seed (9303);
  st->clip = render_clip (width, height, error);
  black = tongban_frame_image_new_take (width, height, g_malloc0 ((gsize) width * height * 3));
  st->black = st->clip ? tongban_frame_image_encode_jpeg (black, 85, error) : NULL;
  if (st->black == NULL)
    {
      g_clear_pointer (&st->clip, g_ptr_array_unref);
      g_clear_pointer (&st->rand, g_rand_free);
      g_free (st);
      return NULL;
    }
  st->frames = g_ptr_array_ref (st->clip);
  return tongban_sim_new_tcp (&camera_class, st, port, error);
}

char *
tongban_sim_camera_dup_url (TongbanSim *sim,
                            const char *path)
{
  /* The link is "tcp:127.0.0.1:PORT". */
  return g_strdup_printf ("http://%s%s", tongban_sim_get_link (sim) + strlen ("tcp:"),
                          path ? path : "/video.mjpg");
}

gboolean
tongban_sim_camera_show (TongbanSim               *sim,
                         const TongbanFrameImage  *image,
                         GError                  **error)
{
  CameraState *st = tongban_sim_get_state (sim);
  g_autoptr(GPtrArray) frames = NULL;

  if (image != NULL)
    {
      GBytes *jpeg = tongban_frame_image_encode_jpeg (image, 92, error);

      if (jpeg == NULL)
        return FALSE;
      frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      g_ptr_array_add (frames, jpeg);
    }
  else
    frames = g_ptr_array_ref (st->clip);
  tongban_sim_lock (sim);
  g_ptr_array_unref (st->frames);
  st->frames = g_steal_pointer (&frames);
  st->next = 0;
  tongban_sim_unlock (sim);
  return TRUE;
}

guint
tongban_sim_camera_get_frames_sent (TongbanSim *sim)
{
  CameraState *st = tongban_sim_get_state (sim);
  guint n;

  tongban_sim_lock (sim);
  n = st->frames_sent;
  tongban_sim_unlock (sim);
  return n;
}

guint
tongban_sim_camera_get_requests (TongbanSim *sim)
{
  CameraState *st = tongban_sim_get_state (sim);
  guint n;

  tongban_sim_lock (sim);
  n = st->requests;
  tongban_sim_unlock (sim);
  return n;
}
