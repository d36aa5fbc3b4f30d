/* tongban-hidpos.h: the HID POS barcode scanner's scanned-data input report
 *
 * A scanner in HID POS mode (usage page 0x8C, "HID Point of Sale Usage
 * Tables" 1.02) sends each code as one or more 64-byte input reports, read
 * whole from hidraw with the report ID first:
 *
 *   [0]      report ID 0x02 (Scanned Data Report)
 *   [1]      number of data bytes in this report, 0-56
 *   [2..4]   symbology identifier: the AIM identifier "]Q1", or three zeros
 *   [5..60]  decoded data, the first [1] bytes of it used
 *   [61..62] vendor bytes (Honeywell puts its own code ID in [61])
 *   [63]     bit 0: decoded data continued in the next report
 *
 * (The layout Honeywell, Zebra and Datalogic scanners use in this mode,
 * as public HID POS readers decode it.) A code whose AIM identifier says
 * the ECI protocol is on (QR "]Q2", "]Q4", "]Q6", PDF417 "]L1") carries
 * "\nnnnnn" designators that switch the character set (26 UTF-8, 32
 * GB18030, 29 GB2312, 28 Big5, 3 ISO-8859-1, 20 Shift JIS, 899 binary) and
 * a doubled backslash for one. Pure: no I/O.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TONGBAN_HIDPOS_REPORT_ID   0x02
#define TONGBAN_HIDPOS_REPORT_SIZE 64
#define TONGBAN_HIDPOS_CHUNK       56
#define TONGBAN_HIDPOS_MAX_CODE    8192

typedef enum {
  TONGBAN_HIDPOS_MORE,      /* part of a code; feed the next report */
  TONGBAN_HIDPOS_DONE,      /* a whole code */
  TONGBAN_HIDPOS_INVALID,   /* a bad report; any partial code is dropped */
} TongbanHidposFeed;

typedef struct
{
  char        aim[4];      /* "]Q1", or "" when the scanner sent none */
  const char *symbology;   /* "qr-code", "pdf417" … or "unknown" */
  GBytes     *data;        /* the code's bytes, ECI designators taken out */
  char       *text;        /* UTF-8, or NULL when the content is binary */
} TongbanScan;

typedef struct _TongbanHidpos TongbanHidpos;

TongbanHidpos     *tongban_hidpos_new   (void);
void               tongban_hidpos_free  (TongbanHidpos  *self);
TongbanHidposFeed  tongban_hidpos_feed  (TongbanHidpos  *self,
                                         const guint8   *report,
                                         gsize           length,
                                         TongbanScan   **scan,
                                         GError        **error);
void               tongban_scan_free    (TongbanScan    *scan);
/* The reports a scanner sends for one code (for simulators and tests):
 * GBytes of TONGBAN_HIDPOS_REPORT_SIZE each. */
GPtrArray         *tongban_hidpos_build (const char     *aim,
                                         const guint8   *data,
                                         gsize           length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanHidpos, tongban_hidpos_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanScan, tongban_scan_free)

G_END_DECLS
