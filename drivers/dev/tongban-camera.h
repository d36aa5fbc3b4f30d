/* tongban-camera.h: the face / document camera, through GStreamer
 *
 * The source is a GStreamer description from the config ("v4l2src
 * device=/dev/video0"; "videotestsrc" in the demo). A capture is one RGB
 * frame of the configured size. The camera is mounted so that it cannot
 * see the PIN pad (clause 7.1); the driver adds nothing to that. Liveness
 * (IR + visible pair) needs a vendor algorithm and is not done here.
 */
#pragma once

#include "tongban-device.h"

G_BEGIN_DECLS

typedef struct
{
  guint   width;
  guint   height;
  GBytes *rgb;        /* width * height * 3 bytes, rows top to bottom */
} TongbanFrameImage;

void tongban_frame_image_free (TongbanFrameImage *image);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanFrameImage, tongban_frame_image_free)

#define TONGBAN_TYPE_CAMERA (tongban_camera_get_type ())
G_DECLARE_FINAL_TYPE (TongbanCamera, tongban_camera, TONGBAN, CAMERA, TongbanDevice)

TongbanCamera     *tongban_camera_new            (const char          *name,
                                                  const char          *source,
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

G_END_DECLS
