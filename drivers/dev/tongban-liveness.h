/* tongban-liveness.h: a first-level presentation-attack check on an IR + visible frame pair
 *
 * Binocular face cameras pair a colour sensor with a near-infrared (850 nm)
 * one lit by their own IR LEDs. Skin reflects near-IR, so a live face shows
 * in the IR frame as a lit, textured face where the visible frame has one.
 * A phone or tablet screen emits no IR and its glass mirrors the LEDs away:
 * the face is missing from the IR frame (dark there). A photo on paper
 * reflects IR but most colour inks are transparent to it: the face is washed
 * out, flat and usually no longer a face to a detector.
 *
 * The check: find the largest face in the visible frame (OpenCV's Haar
 * cascade, through GStreamer's facedetect element from gstreamer1.0-opencv
 * and opencv-data); require it to be large enough and near the centre; then
 * in the same region of the IR frame require a mean level and a texture
 * (standard deviation) above thresholds and, unless turned off, a face found
 * there too. That stops screen replays and most printed photos. It does not
 * stop a photo printed with carbon (IR-absorbing) ink on matte paper, masks,
 * or a screen with an IR back-light; certified liveness needs a vendor
 * algorithm (depth, IR speckle, challenge-response), which replaces
 * tongban_liveness_check() behind the same verdicts.
 *
 * Cost: the facedetect plugin (and OpenCV with it) is loaded the first time
 * a check runs, never at start-up, and runs on the camera's worker thread;
 * the cascade is read for every check (see docs/decisions.md for figures).
 * Frames are only ever in memory.
 */
#pragma once

#include "tongban-image.h"

G_BEGIN_DECLS

typedef enum {
  TONGBAN_LIVENESS_LIVE,
  TONGBAN_LIVENESS_NOT_LIVE,
  TONGBAN_LIVENESS_NO_FACE,
  TONGBAN_LIVENESS_FACE_NOT_CENTRED,
} TongbanLivenessVerdict;

typedef struct
{
  guint x;
  guint y;
  guint width;
  guint height;
} TongbanFaceBox;

typedef struct
{
  double   min_face;       /* smallest face width, fraction of the frame width */
  double   max_offset;     /* face centre from frame centre, fraction of width / height */
  double   ir_min_mean;    /* 0..255: IR level in the face region */
  double   ir_min_stddev;  /* 0..255: IR texture in the face region */
  gboolean ir_face;        /* also require a face in the IR frame, at the same place */
} TongbanLivenessParams;

typedef struct
{
  TongbanLivenessVerdict verdict;
  char          *reason;     /* plain English, for the log and maintenance; no personal data */
  TongbanFaceBox face;       /* in the visible frame; zero when none */
  double         ir_mean;
  double         ir_stddev;
  gint64         skew_us;    /* between the two frames, when captured as a pair */
} TongbanLivenessResult;

void                   tongban_liveness_params_init    (TongbanLivenessParams       *params);
const char            *tongban_liveness_verdict_to_string (TongbanLivenessVerdict    verdict);
void                   tongban_liveness_result_free    (TongbanLivenessResult       *result);

/* Faces (TongbanFaceBox), largest first. UNSUPPORTED_COMMAND if the face
 * detector is not installed. Blocks: worker threads only. */
GArray                *tongban_face_detect             (const TongbanFrameImage     *image,
                                                        guint                        min_size,
                                                        GError                     **error);
TongbanLivenessResult *tongban_liveness_check          (const TongbanFrameImage     *visible,
                                                        const TongbanFrameImage     *ir,
                                                        const TongbanLivenessParams *params,
                                                        GError                     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanLivenessResult, tongban_liveness_result_free)

G_END_DECLS
