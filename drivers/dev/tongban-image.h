/* tongban-image.h: RGB frames, and the GStreamer plumbing to get one out of a pipeline
 *
 * A TongbanFrameImage is plain packed RGB (no row padding), the form every
 * check over pixels (liveness, OCR) takes. The helpers here are used by the
 * camera drivers on their worker threads and by the camera simulator;
 * nothing here writes a frame anywhere but to memory.
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "tongban-device.h"

G_BEGIN_DECLS

typedef struct
{
  guint   width;
  guint   height;
  GBytes *rgb;        /* width * height * 3 bytes, rows top to bottom */
} TongbanFrameImage;

TongbanFrameImage *tongban_frame_image_new_take   (guint                     width,
                                                   guint                     height,
                                                   guint8                   *rgb);
void               tongban_frame_image_free       (TongbanFrameImage        *image);
/* Mean of (R+G+B)/3 over the frame, 0..255. */
double             tongban_frame_image_mean       (const TongbanFrameImage  *image);

/* Frame of a sample whose caps are video/x-raw,format=RGB. INVALID_DATA if it
 * is not one. */
TongbanFrameImage *tongban_frame_image_from_sample (GstSample               *sample,
                                                    GError                 **error);
/* JPEG (quality 0..100) of the frame, through jpegenc. */
GBytes            *tongban_frame_image_encode_jpeg (const TongbanFrameImage *image,
                                                    guint                    quality,
                                                    GError                 **error);
/* Any image GStreamer decodes (PNG, JPEG …), scaled to width x height. */
TongbanFrameImage *tongban_frame_image_load       (const char               *path,
                                                   guint                     width,
                                                   guint                     height,
                                                   GError                  **error);

/* Sets the appsrc's caps to the frame's, pushes it and ends the stream. */
void               tongban_frame_image_push       (const TongbanFrameImage  *image,
                                                   GstElement               *appsrc);
/* gst_init_check() and gst_parse_launch(); HARDWARE_ERROR if GStreamer
 * does not start, code if the description is not a pipeline. */
GstElement        *tongban_gst_parse              (const char               *description,
                                                   TongbanCompletion         code,
                                                   GError                  **error);

/* Plays the pipeline until its appsink called "sink" has a sample, the bus
 * reports an error or the end of the stream, the deadline (monotonic µs,
 * 0 = none) passes or the cancellable fires; leaves it in NULL. Errors are
 * TONGBAN_DEVICE_ERROR completions: a stream that is not what it claims
 * (undecodable JPEG, broken multipart) is INVALID_DATA, a source that cannot
 * be opened or goes away (camera unplugged, server closed) is
 * DEVICE_NOT_READY. */
GstSample         *tongban_gst_pull_sample        (GstElement               *pipeline,
                                                   gint64                    deadline,
                                                   GCancellable             *cancellable,
                                                   GError                  **error);
/* The same for several appsinks at once (a camera pair): done when every
 * sink has a frame and the newest frames arrived within max_skew_us of each
 * other; samples[i] is the frame of sinks[i] (NULL-terminated names), and
 * skew_us how far apart they arrived. */
gboolean           tongban_gst_pull_samples       (GstElement               *pipeline,
                                                   const char * const       *sinks,
                                                   gint64                    max_skew_us,
                                                   GstSample               **samples,
                                                   gint64                   *skew_us,
                                                   gint64                    deadline,
                                                   GCancellable             *cancellable,
                                                   GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanFrameImage, tongban_frame_image_free)

G_END_DECLS
