/* tongban-iccard-reader.h: contact/contactless IC cards through pcsc-lite
 *
 * CPU cards (T=0/T=1) take ISO 7816-4 APDUs; memory cards (SLE4442/4428,
 * AT24Cxx) take the pseudo-APDUs of the reader model named in the config,
 * since PC/SC itself has no memory-card commands. Emits "card-inserted"
 * (payload: the ATR in hex) and "card-removed" while idle.
 */
#pragma once

#include "tongban-device.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_ICCARD_READER (tongban_iccard_reader_get_type ())
G_DECLARE_FINAL_TYPE (TongbanIccardReader, tongban_iccard_reader, TONGBAN, ICCARD_READER,
                      TongbanDevice)

/* Reader models whose memory-card pseudo-APDUs we know. */
typedef enum {
  TONGBAN_MEMORY_CARD_NONE,
  TONGBAN_MEMORY_CARD_ACS,      /* ACS ACR38/ACR39 style: FF A4 / FF 20 / FF B0 / FF D0 */
} TongbanMemoryCardModel;

TongbanIccardReader *tongban_iccard_reader_new             (const char          *name,
                                                            const char          *reader);
guint                tongban_iccard_reader_transmit_async  (TongbanIccardReader *self,
                                                            GBytes              *apdu,
                                                            guint                timeout_ms,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
GBytes              *tongban_iccard_reader_transmit_finish (TongbanIccardReader *self,
                                                            GAsyncResult        *result,
                                                            guint16             *sw,
                                                            GError             **error);
void                 tongban_iccard_reader_read_pan_async  (TongbanIccardReader *self,
                                                            guint                timeout_ms,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
char                *tongban_iccard_reader_read_pan_finish (TongbanIccardReader *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);
void                 tongban_iccard_reader_verify_pin_async  (TongbanIccardReader *self,
                                                              const char          *pin,
                                                              guint                timeout_ms,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
int                  tongban_iccard_reader_verify_pin_finish (TongbanIccardReader *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
GBytes              *tongban_memory_card_apdu              (TongbanMemoryCardModel model,
                                                            const char          *operation,
                                                            guint8               address,
                                                            const guint8        *data,
                                                            gsize                length);

G_END_DECLS
