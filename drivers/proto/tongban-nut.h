/* tongban-nut.h: the NUT network protocol (upsd, TCP 3493), client side
 *
 * Line-based: "GET VAR kiosk ups.status" is answered by
 * 'VAR kiosk ups.status "OB LB"' or "ERR UNKNOWN-UPS". Pure functions: the
 * UPS device does the I/O.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TONGBAN_NUT_LINE_VAR,
  TONGBAN_NUT_LINE_ERR,
  TONGBAN_NUT_LINE_BEGIN_LIST,
  TONGBAN_NUT_LINE_END_LIST,
  TONGBAN_NUT_LINE_OK,
} TongbanNutLineKind;

typedef struct
{
  TongbanNutLineKind kind;
  char *ups;     /* VAR, LIST */
  char *name;    /* VAR: variable; ERR: error word; LIST: list type */
  char *value;   /* VAR: unescaped value */
} TongbanNutLine;

typedef enum {
  TONGBAN_UPS_OL       = 1 << 0,
  TONGBAN_UPS_OB       = 1 << 1,
  TONGBAN_UPS_LB       = 1 << 2,
  TONGBAN_UPS_RB       = 1 << 3,
  TONGBAN_UPS_CHRG     = 1 << 4,
  TONGBAN_UPS_DISCHRG  = 1 << 5,
  TONGBAN_UPS_BYPASS   = 1 << 6,
  TONGBAN_UPS_CAL      = 1 << 7,
  TONGBAN_UPS_OFF      = 1 << 8,
  TONGBAN_UPS_OVER     = 1 << 9,
  TONGBAN_UPS_TRIM     = 1 << 10,
  TONGBAN_UPS_BOOST    = 1 << 11,
  TONGBAN_UPS_FSD      = 1 << 12,
  TONGBAN_UPS_HB       = 1 << 13,
  TONGBAN_UPS_ALARM    = 1 << 14,
  TONGBAN_UPS_UNKNOWN  = 1 << 15,   /* a word we do not know */
} TongbanUpsFlags;

char     *tongban_nut_command        (const char      *verb,
                                      const char      *ups,
                                      const char      *name);
gboolean  tongban_nut_parse_line     (const char      *line,
                                      gsize            length,
                                      TongbanNutLine  *out,
                                      GError         **error);
void      tongban_nut_line_clear     (TongbanNutLine  *line);
guint     tongban_nut_parse_status   (const char      *value);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TongbanNutLine, tongban_nut_line_clear)

G_END_DECLS
