/* tongban-envelope.h: the one JSON envelope of every kiosk/console/server message
 *
 * Every answer is {"code": N, "message": "...", "data": ..., "ext": {...}}; code 0 is
 * success. A refused message names the offending field and the reason in data, so a
 * caller can fix its request without reading server logs (REQ-I-01).
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  TONGBAN_CODE_OK                 = 0,
  TONGBAN_CODE_BAD_JSON           = 1001,
  TONGBAN_CODE_INVALID_FIELD      = 1002,
  TONGBAN_CODE_TOO_LARGE          = 1003,
  TONGBAN_CODE_NOT_FOUND          = 1004,
  TONGBAN_CODE_METHOD             = 1005,
  TONGBAN_CODE_CONFLICT           = 1006,
  TONGBAN_CODE_UNAUTHENTICATED    = 2001,
  TONGBAN_CODE_BAD_SIGNATURE      = 2002,
  TONGBAN_CODE_REPLAY             = 2003,
  TONGBAN_CODE_STALE_TIMESTAMP    = 2004,
  TONGBAN_CODE_SESSION_EXPIRED    = 2005,
  TONGBAN_CODE_TERMINAL_PENDING   = 2006,
  TONGBAN_CODE_TERMINAL_LOCKED    = 2007,
  TONGBAN_CODE_FORBIDDEN          = 2008,
  TONGBAN_CODE_ACCOUNT_LOCKED     = 2009,
  TONGBAN_CODE_TERMINAL_DISABLED  = 2010,
  TONGBAN_CODE_RATE_LIMITED       = 2011,
  TONGBAN_CODE_IDENTITY_REQUIRED  = 2012,  /* no verified citizen session for this call */
  TONGBAN_CODE_MODULE_DISABLED    = 2013,  /* the service's module is switched off */
  TONGBAN_CODE_BACKEND_REFUSED    = 4001,  /* the government system said no; data.reason */
  TONGBAN_CODE_INTERNAL           = 5000,
  TONGBAN_CODE_UNAVAILABLE        = 5003,
  TONGBAN_CODE_BACKEND_TIMEOUT    = 5004,  /* the government system did not answer in time */
  TONGBAN_CODE_BACKEND_INVALID    = 5005,  /* its answer could not be understood */
} TongbanCode;

const char *tongban_code_message      (TongbanCode   code);
guint       tongban_code_http_status  (TongbanCode   code);

/* data and ext are taken (may be NULL). */
char       *tongban_envelope_to_string (TongbanCode  code,
                                        const char  *message,
                                        JsonNode    *data,
                                        JsonNode    *ext);
char       *tongban_envelope_error     (TongbanCode  code,
                                        const char  *field,
                                        const char  *reason);
JsonNode   *tongban_envelope_parse     (const char  *text,
                                        gssize       len,
                                        TongbanCode *code,
                                        GError     **error);

/* Field checks for incoming objects: each returns FALSE and fills *reason. */
gboolean    tongban_json_get_string    (JsonObject  *obj,
                                        const char  *field,
                                        gboolean     required,
                                        gsize        max_len,
                                        const char **out,
                                        const char **reason);
gboolean    tongban_json_get_int       (JsonObject  *obj,
                                        const char  *field,
                                        gboolean     required,
                                        gint64       min,
                                        gint64       max,
                                        gint64      *out,
                                        const char **reason);
gboolean    tongban_json_only_fields   (JsonObject  *obj,
                                        const char * const *allowed,
                                        const char **bad_field);

G_END_DECLS
