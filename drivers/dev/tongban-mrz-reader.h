/* tongban-mrz-reader.h: the permit's machine-readable zone, read off a document camera picture
 *
 * tesseract (libtesseract, English model from tesseract-ocr-eng) reads the
 * picture with the MRZ characters as its only alphabet; tongban-mrz-ocr.c
 * finds the three lines and tongban-mrz.c verifies every check digit. The
 * model is loaded for each read, on the calling (worker) thread, never at
 * start-up. Neither the picture nor the text is kept or logged.
 */
#pragma once

#include "tongban-image.h"
#include "tongban-mrz.h"

G_BEGIN_DECLS

/* TONGBAN_DEVICE_ERROR USER_ERROR ("could not read …") when there is no
 * readable zone or its check digits do not verify; UNSUPPORTED_COMMAND when
 * the OCR is not installed. Blocks: worker threads only. */
TongbanMrz *tongban_mrz_read_image (const TongbanFrameImage *image,
                                    GError                 **error);

G_END_DECLS
