/* tongban-barcode-scanner.h: the QR / PDF417 scanner
 *
 * Serial or CDC-ACM mode (tty:…, or tcp:… for a networked one): data ends
 * with CR or LF. Keyboard-wedge mode (evdev:…): the device is grabbed so
 * its keystrokes never reach the kiosk UI, and decoded from a US layout.
 * Each code is a "scanned" event (payload: the text). Codes are never
 * logged, only their length.
 */
#pragma once

#include "tongban-device.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_BARCODE_SCANNER (tongban_barcode_scanner_get_type ())
G_DECLARE_FINAL_TYPE (TongbanBarcodeScanner, tongban_barcode_scanner, TONGBAN, BARCODE_SCANNER,
                      TongbanDevice)

TongbanBarcodeScanner *tongban_barcode_scanner_new (const char *name,
                                                    const char *link);

G_END_DECLS
