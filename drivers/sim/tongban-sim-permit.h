/* tongban-sim-permit.h: a picture of an exit-entry permit on the document camera's glass
 *
 * An ID-1 card (85.6 x 54 mm) on a dark surface, a title and a name printed
 * on it, and at its foot the three TD1 lines of an Exit-Entry Permit (code
 * CS, document C12345678, ZHANG SAN, born 1990-01-01, valid to 2030-01-01)
 * whose check digits were computed by hand, drawn with Pango in the font
 * given (DejaVu Sans Mono from fonts-dejavu-core, or OCR B from
 * fonts-ocr-b). The document camera simulator serves it for the
 * demonstration and the tests; a blank card and a smudged zone are the
 * pictures that must end in "could not read".
 */
#pragma once

#include "tongban-image.h"

G_BEGIN_DECLS

#define TONGBAN_SIM_PERMIT_WIDTH  1600
#define TONGBAN_SIM_PERMIT_HEIGHT 1000

typedef enum {
  TONGBAN_SIM_PERMIT_ZONE,      /* a readable machine-readable zone */
  TONGBAN_SIM_PERMIT_BLANK,     /* the card without its zone */
  TONGBAN_SIM_PERMIT_SMUDGED,   /* the zone blurred as by a thumb across wet ink */
} TongbanSimPermit;

extern const char *const tongban_sim_permit_mrz[3];

TongbanFrameImage *tongban_sim_permit_picture (const char       *mrz_font,
                                               TongbanSimPermit  kind);

G_END_DECLS
