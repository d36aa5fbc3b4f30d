/* tongban-sim-camera.h: a network camera serving MJPEG over HTTP, on TCP
 *
 * Speaks what IP cameras serve: GET /video.mjpg answers
 * "multipart/x-mixed-replace; boundary=…" and then one JPEG part per frame
 * at 15 frames a second, until the client goes; GET /snapshot.jpg answers one
 * JPEG. The pictures are a looping videotestsrc clip (SMPTE bars, moving),
 * or a still image set with tongban_sim_camera_show().
 * Scenario events, besides "unplug" and "replug":
 *   "black"    frames go black (lens covered)
 *   "garbage"  parts still say image/jpeg, but their bytes are not a JPEG
 *   "noise"    no more multipart framing: random bytes after the header
 *   "freeze"   the connection stays open, no more frames come
 *   "normal"   back to the picture
 */
#pragma once

#include "tongban-image.h"
#include "tongban-sim.h"

G_BEGIN_DECLS

TongbanSim *tongban_sim_camera_new        (guint                    port,
                                           guint                    width,
                                           guint                    height,
                                           GError                 **error);
/* "http://127.0.0.1:PORT/video.mjpg" (or the path given) */
char       *tongban_sim_camera_dup_url    (TongbanSim              *sim,
                                           const char              *path);
/* Serve this picture (any size; the driver scales) from now on; NULL goes
 * back to the test clip. Any thread. */
gboolean    tongban_sim_camera_show       (TongbanSim              *sim,
                                           const TongbanFrameImage *image,
                                           GError                 **error);
guint       tongban_sim_camera_get_frames_sent (TongbanSim         *sim);
guint       tongban_sim_camera_get_requests    (TongbanSim         *sim);

G_END_DECLS
