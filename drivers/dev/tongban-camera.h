/* tongban-camera.h: the face / document camera, through GStreamer
 *
 * The source is either a network camera's MJPEG stream, given as its URL
 * ("http://10.0.0.8/video.mjpg": multipart/x-mixed-replace over HTTP, read
 * with souphttpsrc ! multipartdemux ! jpegdec), or a GStreamer description
 * from the config ("v4l2src device=/dev/video0"; "videotestsrc"). A capture
 * is one RGB frame of the configured size. The camera is mounted so that it
 * cannot see the PIN pad (clause 7.1); the driver adds nothing to that.
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

G_BEGIN_DECLS

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
