/* tongban-fingerprint-reader.h: the fingerprint reader (UART optical module, AS60x/R30x family)
 *
 * Verifies a citizen against the fingerprint templates on their ID card
 * (the fingerprint method of REQ-F-AUTH): read the card with fingerprints
 * (tongban_idcard_reader_read_async with fingerprint TRUE), then pass
 * TongbanIdentity.fingerprint as it is to
 * tongban_fingerprint_reader_verify_async(). The reader loads the first
 * template into the module, waits for a finger (until the request's
 * timeout, cancellable), extracts its features and compares; if the card
 * holds a second finger and the first did not match, that one is tried
 * too. The callback runs in the caller's main context.
 *
 * Completions (tongban_completion_from_error() on the error):
 *   success       the comparison was made: see match->matched and score
 *   timeout       no finger was put on the sensor in time
 *   user-error    the finger was read but its image was unusable (too
 *                 messy, too few features): ask to press flat and retry
 *   invalid-data  the card's template data is unusable, or the module
 *                 answered something not in its protocol (one log line)
 *   device-not-ready, hardware-error, canceled as for every device
 *
 * Then ask the citizen to lift the finger and call
 * tongban_fingerprint_reader_wait_lift_async(), which completes once the
 * sensor is clear. Events: "finger-placed" and "finger-lifted" (no
 * payload), whenever the reader sees the change: during these two
 * requests, and while idle if "watch-finger" is set. Templates and images
 * are never logged or stored: nothing is written to the module's library.
 *
 * Config: [device:fingerprint] type=fingerprint link=tty:/dev/ttyUSB1@57600
 */
#pragma once

#include "tongban-link-device.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean matched;
  guint    score;      /* the module's score for the best template; higher is surer */
  guint    finger;     /* which template of the card matched (0, 1); 0 when none did */
} TongbanFingerprintMatch;

#define TONGBAN_TYPE_FINGERPRINT_READER (tongban_fingerprint_reader_get_type ())
G_DECLARE_FINAL_TYPE (TongbanFingerprintReader, tongban_fingerprint_reader, TONGBAN,
                      FINGERPRINT_READER, TongbanLinkDevice)

TongbanFingerprintReader *
tongban_fingerprint_reader_new (const char *name,
                                const char *link);

/* templates: one or more 512-byte templates one after the other, as the ID
 * card carries them (an all-zero one is an empty slot and skipped). */
guint    tongban_fingerprint_reader_verify_async     (TongbanFingerprintReader *self,
                                                      GBytes                   *templates,
                                                      guint                     timeout_ms,
                                                      GCancellable             *cancellable,
                                                      GAsyncReadyCallback       callback,
                                                      gpointer                  user_data);
gboolean tongban_fingerprint_reader_verify_finish    (TongbanFingerprintReader *self,
                                                      GAsyncResult             *result,
                                                      TongbanFingerprintMatch  *match,
                                                      GError                  **error);
guint    tongban_fingerprint_reader_wait_lift_async  (TongbanFingerprintReader *self,
                                                      guint                     timeout_ms,
                                                      GCancellable             *cancellable,
                                                      GAsyncReadyCallback       callback,
                                                      gpointer                  user_data);
gboolean tongban_fingerprint_reader_wait_lift_finish (TongbanFingerprintReader *self,
                                                      GAsyncResult             *result,
                                                      GError                  **error);

G_END_DECLS
