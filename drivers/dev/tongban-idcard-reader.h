/* tongban-idcard-reader.h: the resident ID card reader (SAM over serial/USB)
 *
 * Reads the text fields, the undecoded WLT photo and, if asked, the
 * fingerprint template. Emits "card-inserted" and "card-removed" events
 * while idle. Card data is never logged: only field names and lengths.
 * The photo is decoded to RGB by the vendor's library when the config
 * names one ("wlt-library", "wlt-symbol", "wlt-code"; see tongban-wlt.h).
 */
#pragma once

#include "tongban-link-device.h"
#include "tongban-sam.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_IDCARD_READER (tongban_idcard_reader_get_type ())
G_DECLARE_FINAL_TYPE (TongbanIdcardReader, tongban_idcard_reader, TONGBAN, IDCARD_READER,
                      TongbanLinkDevice)

TongbanIdcardReader *tongban_idcard_reader_new         (const char          *name,
                                                        const char          *link);
TongbanIdcardReader *tongban_idcard_reader_new_with_decoder (const char     *name,
                                                             const char     *link,
                                                             const char     *wlt_library,
                                                             const char     *wlt_symbol,
                                                             int             wlt_code);
guint                tongban_idcard_reader_read_async  (TongbanIdcardReader *self,
                                                        gboolean             fingerprint,
                                                        guint                timeout_ms,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
TongbanIdentity     *tongban_idcard_reader_read_finish (TongbanIdcardReader *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
guint                tongban_idcard_reader_decode_photo_async  (TongbanIdcardReader *self,
                                                                GBytes              *photo,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
GBytes              *tongban_idcard_reader_decode_photo_finish (TongbanIdcardReader *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);
const char          *tongban_idcard_reader_get_photo_status    (TongbanIdcardReader *self);

G_END_DECLS
