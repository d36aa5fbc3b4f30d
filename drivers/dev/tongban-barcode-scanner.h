/* tongban-barcode-scanner.h: the QR / PDF417 scanner
 *
 * Serial or CDC-ACM mode (tty:…, or tcp:… for a networked one): data ends
 * with CR or LF. Keyboard-wedge mode (evdev:…): the device is grabbed so
 * its keystrokes never reach the kiosk UI, and decoded from a US layout.
 * HID POS mode (hidraw:…, usage page 0x8C): reports decoded by
 * tongban-hidpos, with the symbology and ECI character sets (GB 18030,
 * Big5, UTF-8 …). Each code is a "scanned" event whose payload is
 * (symbology, value): "qr-code", "pdf417" … ("unknown" in serial and wedge
 * mode) and the text ("s") or, for binary content, the bytes ("ay"). A bad
 * HID POS report is a "scan-failed" event ("invalid-data"). Codes are never
 * logged, only their length.
 */
#pragma once

#include "tongban-link-device.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_BARCODE_SCANNER (tongban_barcode_scanner_get_type ())
G_DECLARE_FINAL_TYPE (TongbanBarcodeScanner, tongban_barcode_scanner, TONGBAN, BARCODE_SCANNER,
                      TongbanLinkDevice)

TongbanBarcodeScanner *tongban_barcode_scanner_new (const char *name,
                                                    const char *link);

G_END_DECLS
