/* tongban-mrz-ocr.h: a TD1 machine-readable zone out of OCR text
 *
 * OCR of a document camera's picture gives lines with more on them than
 * the MRZ (the card's other print), spaces where there are none, filler
 * runs one or two characters too long or short, and with tesseract's
 * English model reading OCR-B, the '<' filler as 'K' now and then. This
 * finds three consecutive lines that make a TD1 zone whose check digits
 * all verify, trying the usual repairs: fillers counted to 30, 'K' in a
 * filler run read as '<', O/I/B/S/Z in digit positions read as digits.
 * A repair is kept only if every check digit then verifies; the name line
 * has no check digit, so only its filler tail is ever repaired. Pure.
 */
#pragma once

#include "tongban-mrz.h"

G_BEGIN_DECLS

/* G_IO_ERROR_NOT_FOUND: nothing like an MRZ; G_IO_ERROR_INVALID_DATA: an
 * MRZ whose check digits do not verify (a misread). */
TongbanMrz *tongban_mrz_find_td1 (const char *text,
                                  GError    **error);

G_END_DECLS
