/* tongban-apdu.h: ISO/IEC 7816-4 command and response APDUs
 *
 * Short and extended length encodings, parsed the same way a card would
 * (the virtual card uses the command parser), and the status words the
 * kiosk acts on. Pure functions over bytes.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TONGBAN_APDU_NO_LE (-1)

typedef struct
{
  guint8        cla, ins, p1, p2;
  const guint8 *data;       /* points into the input */
  gsize         lc;
  gint          le;         /* TONGBAN_APDU_NO_LE, or 1..65536 (0 encodes 256/65536) */
  gboolean      extended;
} TongbanApdu;

GByteArray *tongban_apdu_build           (guint8         cla,
                                          guint8         ins,
                                          guint8         p1,
                                          guint8         p2,
                                          const guint8  *data,
                                          gsize          lc,
                                          gint           le,
                                          GError       **error);
gboolean    tongban_apdu_parse_command   (const guint8  *buffer,
                                          gsize          length,
                                          TongbanApdu   *apdu,
                                          GError       **error);
gboolean    tongban_apdu_parse_response  (const guint8  *buffer,
                                          gsize          length,
                                          const guint8 **data,
                                          gsize         *data_len,
                                          guint16       *sw,
                                          GError       **error);
const char *tongban_apdu_sw_describe     (guint16        sw);
gboolean    tongban_apdu_sw_ok           (guint16        sw);

G_END_DECLS
