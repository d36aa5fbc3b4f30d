/* tongban-wlt.h: the ID card photo through the vendor's licensed WLT decoder
 *
 * The photo on a resident ID card is 1024 bytes of WLT, a format only the
 * card-reader vendors' licensed libraries decode; there is no open decoder.
 * The kiosk dlopen()s one when its config names it, and calls its decode
 * entry point, whose signature public code around these libraries (Huashi/
 * CVR and others, x86-64 and arm64) gives as
 *
 *   int unpack (char *wlt, char *bgr, int code);
 *
 * wlt: the 1024 bytes; bgr: 102 × 126 pixels, 3 bytes each, blue first;
 * code: a number each vendor issues with its licence, one value decoding
 * in memory and another also writing a BMP file (configure the in-memory
 * one: nothing of a citizen goes to disk); returns 1 on success, 0 for a
 * wrong code. Some of these libraries write past a buffer of exactly that
 * size, so the output buffer is larger than the photo.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TONGBAN_WLT_SIZE   1024
#define TONGBAN_WLT_WIDTH  102
#define TONGBAN_WLT_HEIGHT 126

typedef struct _TongbanWlt TongbanWlt;

TongbanWlt *tongban_wlt_open   (const char    *library,
                                const char    *symbol,
                                int            code,
                                GError       **error);
void        tongban_wlt_free   (TongbanWlt    *wlt);
/* RGB, TONGBAN_WLT_WIDTH × TONGBAN_WLT_HEIGHT × 3 bytes, rows top down. */
GBytes     *tongban_wlt_decode (TongbanWlt    *wlt,
                                GBytes        *photo,
                                GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanWlt, tongban_wlt_free)

G_END_DECLS
