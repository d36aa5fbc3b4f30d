/* tongban-auth-read.h: what an identity method reads off the kiosk's devices
 *
 * Before the kiosk asks the identity service (auth.* on the backend,
 * docs/gateway.md section 4), the chosen method reads what the service
 * checks: the ID card's fields (the card on its reader), the exit-entry
 * permit's machine-readable zone (the document camera), the ID card and
 * then the finger against the card's templates (the fingerprint reader), or
 * the card's ID number, the camera pair's liveness check and one picture
 * (face; the picture goes as base64 JPEG).
 * Every device works on its own thread; the callback runs on the caller's.
 *
 * The reading is a NULL-terminated list of key, value, key, value … (the
 * identity service's parameter names), held in memory only and wiped by
 * tongban_auth_reading_free(). A failure's error says which plain words to
 * show (tongban_auth_read_error_text()); its message names no personal data.
 */
#pragma once

#include <gio/gio.h>
#include "tongban-devices.h"

G_BEGIN_DECLS

#define TONGBAN_AUTH_READ_ERROR (tongban_auth_read_error_quark ())

typedef enum {
  TONGBAN_AUTH_READ_NO_DEVICE,        /* the method's device is not here or not working */
  TONGBAN_AUTH_READ_NO_CARD,          /* no card (or permit) was put on the reader in time */
  TONGBAN_AUTH_READ_UNREADABLE,       /* the card or permit could not be read */
  TONGBAN_AUTH_READ_NO_FINGER,        /* no finger on the sensor in time */
  TONGBAN_AUTH_READ_FINGER_UNCLEAR,   /* the finger's image was unusable */
  TONGBAN_AUTH_READ_NO_TEMPLATES,     /* the card carries no fingerprints */
  TONGBAN_AUTH_READ_NO_FACE,          /* the camera saw no face */
  TONGBAN_AUTH_READ_FACE_NOT_CENTRED, /* a face, not in the middle */
  TONGBAN_AUTH_READ_NOT_LIVE,         /* the IR check found no live person */
} TongbanAuthReadError;

GQuark      tongban_auth_read_error_quark  (void);
gboolean    tongban_auth_read_supported    (const char          *method);
const char * const *tongban_auth_method_devices (const char     *method);
const char *tongban_auth_read_device       (const char          *method);
void        tongban_auth_read_async        (TongbanDevices      *devices,
                                            const char          *method,
                                            guint                timeout_ms,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
char      **tongban_auth_read_finish       (TongbanDevices      *devices,
                                            GAsyncResult        *result,
                                            GError             **error);
const char *tongban_auth_read_error_text   (const GError        *error);
void        tongban_auth_reading_free      (char               **reading);
char       *tongban_auth_date_from_card    (const char          *yyyymmdd);
char       *tongban_auth_date_from_mrz     (const char          *yymmdd,
                                            gboolean             expiry,
                                            int                  this_year);


G_END_DECLS
