/* camera-test.h: shared helpers of the camera tests and the liveness benchmark
 *
 * Pictures from Debian's python3-skimage (the astronaut's portrait, the cat),
 * an MJPEG camera simulator showing a picture, and a pair capture waited
 * for (bounded) in the default main context.
 */
#pragma once

#include "tongban-camera.h"
#include "tongban-sim-camera.h"

G_BEGIN_DECLS

#define CAMERA_TEST_PICTURES "/usr/lib/python3/dist-packages/skimage/data/"

TongbanFrameImage *camera_test_picture      (const char              *name,
                                             guint                    width,
                                             guint                    height,
                                             GError                 **error);
TongbanSim        *camera_test_sim_showing  (const TongbanFrameImage *image,
                                             guint                    width,
                                             guint                    height);
TongbanFramePair  *camera_test_capture_pair (TongbanCamera           *camera,
                                             guint                    timeout_ms,
                                             GError                 **error);

G_END_DECLS
