/* tongban-camera.h: the face / document camera, through GStreamer
 *
 * The source is either a network camera's MJPEG stream, given as its URL
 * ("http://10.0.0.8/video.mjpg": multipart/x-mixed-replace over HTTP, read
 * with souphttpsrc ! multipartdemux ! jpegdec), or a GStreamer description
 * from the config ("v4l2src device=/dev/video0"; "videotestsrc"). A capture
 * is one RGB frame of the configured size. The camera is mounted so that it
 * cannot see the PIN pad (clause 7.1); the driver adds nothing to that.
 *
 * A binocular face camera adds its infrared sensor ("ir-source"): a pair
 * is one frame of each, close in time, and tongban_camera_check_liveness_async()
 * runs the first-level presentation-attack check of tongban-liveness.h on
 * it (a vendor liveness library can replace that check later).
 *
 * A document camera is the same device at document resolution (its
 * width and height in the config); its source may also be a still
 * picture's URL (".../snapshot.jpg"). tongban_camera_read_mrz_async()
 * reads a permit's machine-readable zone off one picture.
 *
 * Completions: a camera that cannot be reached or goes away mid-capture
 * (unplugged, server closed) is DEVICE_NOT_READY and the device's state
 * becomes NO_DEVICE until it answers again; a stream that is not a picture
 * (garbage, undecodable JPEG) is INVALID_DATA; a camera that sends nothing
 * ends at the request's timeout.
 */
#pragma once

#include "tongban-device.h"
#include "tongban-image.h"
#include "tongban-liveness.h"
#include "tongban-mrz.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_CAMERA (tongban_camera_get_type ())
G_DECLARE_FINAL_TYPE (TongbanCamera, tongban_camera, TONGBAN, CAMERA, TongbanDevice)

typedef struct
{
  TongbanFrameImage *visible;
  TongbanFrameImage *ir;
  gint64             skew_us;   /* how far apart the two frames arrived */
} TongbanFramePair;

void tongban_frame_pair_free (TongbanFramePair *pair);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanFramePair, tongban_frame_pair_free)

TongbanCamera     *tongban_camera_new            (const char          *name,
                                                  const char          *source,
                                                  guint                width,
                                                  guint                height);
/* A binocular face camera: a visible and an infrared sensor. */
TongbanCamera     *tongban_camera_new_pair       (const char          *name,
                                                  const char          *source,
                                                  const char          *ir_source,
                                                  guint                width,
                                                  guint                height);
guint              tongban_camera_capture_async  (TongbanCamera       *self,
                                                  guint                timeout_ms,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
TongbanFrameImage *tongban_camera_capture_finish (TongbanCamera       *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* One visible and one IR frame, taken within 100 ms of each other. */
guint              tongban_camera_capture_pair_async  (TongbanCamera       *self,
                                                       guint                timeout_ms,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
TongbanFramePair  *tongban_camera_capture_pair_finish (TongbanCamera       *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* One picture, OCR of the permit's machine-readable zone, every check digit
 * verified (tongban-mrz-reader.h): USER_ERROR "could not read …" for a
 * picture without a readable zone (card misplaced, smudged, blank). */
guint              tongban_camera_read_mrz_async  (TongbanCamera       *self,
                                                   guint                timeout_ms,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
TongbanMrz        *tongban_camera_read_mrz_finish (TongbanCamera       *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* The thresholds a check with params NULL uses (from the config). */
void               tongban_camera_set_liveness_params (TongbanCamera               *self,
                                                       const TongbanLivenessParams *params);
/* A pair, checked on the camera's worker thread (see tongban-liveness.h);
 * params NULL for the camera's own. The frames are dropped after the check. */
guint              tongban_camera_check_liveness_async  (TongbanCamera               *self,
                                                         const TongbanLivenessParams *params,
                                                         guint                        timeout_ms,
                                                         GCancellable                *cancellable,
                                                         GAsyncReadyCallback          callback,
                                                         gpointer                     user_data);
TongbanLivenessResult *tongban_camera_check_liveness_finish (TongbanCamera       *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

G_END_DECLS
