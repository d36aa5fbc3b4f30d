/* tongban-iccard-reader.c: PC/SC reader on its own worker thread
 *
 * pcsc-lite wants one SCARDCONTEXT per thread: the worker establishes it in
 * open() and is the only thread that uses it. Idle polling is
 * SCardGetStatusChange with a zero timeout, so commands never wait behind
 * it. A reset card is reconnected (SCARD_W_RESET_CARD), a vanished reader
 * or daemon closes the device so the worker reopens it.
 */

#include "tongban-iccard-reader.h"
#include "tongban-apdu.h"
#include "tongban-emv.h"

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <string.h>

#define MAX_RESPONSE 65538

struct _TongbanIccardReader
{
  TongbanDevice  parent_instance;

  char          *reader_match;    /* substring of the reader name, NULL = first */

  /* worker thread only */
  SCARDCONTEXT   context;
  gboolean       has_context;
  char          *reader;
  SCARDHANDLE    card;
  gboolean       connected;
  DWORD          protocol;
  DWORD          known_state;
};

enum {
  PROP_0,
  PROP_READER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TongbanIccardReader, tongban_iccard_reader, TONGBAN_TYPE_DEVICE)

static TongbanCompletion
completion_for (LONG rv)
{
  switch (rv)
    {
    case SCARD_E_NO_SMARTCARD:
    case SCARD_W_REMOVED_CARD:
    case SCARD_W_UNRESPONSIVE_CARD:
    case SCARD_W_UNPOWERED_CARD:
      return TONGBAN_COMPLETION_USER_ERROR;
    case SCARD_E_TIMEOUT:
      return TONGBAN_COMPLETION_TIMEOUT;
    case SCARD_E_CANCELLED:
      return TONGBAN_COMPLETION_CANCELED;
    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
    case SCARD_E_READER_UNAVAILABLE:
    case SCARD_E_UNKNOWN_READER:
    case SCARD_E_NO_READERS_AVAILABLE:
    case SCARD_E_INVALID_HANDLE:
    case SCARD_E_INVALID_VALUE:
      return TONGBAN_COMPLETION_DEVICE_NOT_READY;
    case SCARD_E_PROTO_MISMATCH:
    case SCARD_E_NOT_TRANSACTED:
      return TONGBAN_COMPLETION_INVALID_DATA;
    default:
      return TONGBAN_COMPLETION_HARDWARE_ERROR;
    }
}

static gboolean
pcsc_fail (GError    **error,
           const char *what,
           LONG        rv)
{
  g_set_error (error, TONGBAN_DEVICE_ERROR, completion_for (rv), "%s: %s", what,
               pcsc_stringify_error (rv));
  return FALSE;
}

static void
disconnect_card (TongbanIccardReader *self)
{
  if (self->connected)
    SCardDisconnect (self->card, SCARD_RESET_CARD);
  self->connected = FALSE;
}

static gboolean
connect_card (TongbanIccardReader  *self,
              GError              **error)
{
  LONG rv;

  if (self->connected)
    return TRUE;
  rv = SCardConnect (self->context, self->reader, SCARD_SHARE_EXCLUSIVE,
                     SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &self->card, &self->protocol);
  if (rv != SCARD_S_SUCCESS)
    return pcsc_fail (error, "connect", rv);
  self->connected = TRUE;
  return TRUE;
}

/* One exchange; reconnects once if the card was reset under us. */
static GByteArray *
exchange (TongbanIccardReader  *self,
          const guint8         *apdu,
          gsize                 length,
          GError              **error)
{
  const SCARD_IO_REQUEST *pci = self->protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0
                                                                    : SCARD_PCI_T1;
  g_autoptr(GByteArray) response = g_byte_array_sized_new (MAX_RESPONSE);
  DWORD received = MAX_RESPONSE;
  LONG rv;

  g_byte_array_set_size (response, MAX_RESPONSE);
  rv = SCardTransmit (self->card, pci, apdu, length, NULL, response->data, &received);
  if (rv == SCARD_W_RESET_CARD)
    {
      rv = SCardReconnect (self->card, SCARD_SHARE_EXCLUSIVE,
                           SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, SCARD_LEAVE_CARD,
                           &self->protocol);
      if (rv == SCARD_S_SUCCESS)
        {
          received = MAX_RESPONSE;
          rv = SCardTransmit (self->card, pci, apdu, length, NULL, response->data, &received);
        }
    }
  if (rv != SCARD_S_SUCCESS)
    {
      disconnect_card (self);
      pcsc_fail (error, "transmit", rv);
      return NULL;
    }
  g_byte_array_set_size (response, received);
  return g_steal_pointer (&response);
}

typedef struct
{
  GBytes  *response;
  guint16  sw;
} TransmitResult;

static void
transmit_result_free (TransmitResult *r)
{
  g_clear_pointer (&r->response, g_bytes_unref);
  g_free (r);
}

static gpointer
transmit (TongbanDevice  *device,
          gpointer        data,
          gint64          deadline,
          GCancellable   *cancellable,
          GError        **error)
{
  TongbanIccardReader *self = TONGBAN_ICCARD_READER (device);
  g_autoptr(GByteArray) command = g_byte_array_new ();
  g_autoptr(GByteArray) all = g_byte_array_new ();
  gsize size;
  const guint8 *bytes = g_bytes_get_data (data, &size);
  TransmitResult *result;
  guint rounds = 0;

  if (!connect_card (self, error))
    return NULL;
  g_byte_array_append (command, bytes, size);

  for (;;)
    {
      g_autoptr(GByteArray) r = exchange (self, command->data, command->len, error);
      g_autoptr(GError) local = NULL;
      const guint8 *body;
      gsize body_len;
      guint16 sw;

      if (r == NULL)
        return NULL;
      if (!tongban_apdu_parse_response (r->data, r->len, &body, &body_len, &sw, &local))
        return tongban_device_invalid_reply (error, "iccard", "card", local->message), NULL;
      if (body_len > 0)
        g_byte_array_append (all, body, body_len);
      if (++rounds > 64 || !tongban_device_deadline_check (deadline, cancellable, error))
        return NULL;

      /* T=0: 61xx means GET RESPONSE for xx more bytes; 6Cxx, resend with Le = xx. */
      if ((sw >> 8) == 0x61)
        {
          guint8 get[5] = { 0x00, 0xC0, 0x00, 0x00, sw & 0xff };
          g_byte_array_set_size (command, 0);
          g_byte_array_append (command, get, 5);
          continue;
        }
      if ((sw >> 8) == 0x6C && command->len >= 5 && rounds == 1)
        {
          command->data[command->len - 1] = sw & 0xff;
          continue;
        }
      result = g_new0 (TransmitResult, 1);
      result->sw = sw;
      result->response = g_bytes_new (all->data, all->len);
      return result;
    }
}

guint
tongban_iccard_reader_transmit_async (TongbanIccardReader *self,
                                      GBytes              *apdu,
                                      guint                timeout_ms,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_val_if_fail (TONGBAN_IS_ICCARD_READER (self), 0);
  g_return_val_if_fail (apdu != NULL, 0);

  return tongban_device_submit (TONGBAN_DEVICE (self), "CardReader.ChipIO", timeout_ms, transmit,
                                g_bytes_ref (apdu), (GDestroyNotify) g_bytes_unref,
                                (GDestroyNotify) transmit_result_free, cancellable, callback,
                                user_data);
}

/* Returns the response data (without SW1 SW2) and the status word. */
GBytes *
tongban_iccard_reader_transmit_finish (TongbanIccardReader  *self,
                                       GAsyncResult         *result,
                                       guint16              *sw,
                                       GError              **error)
{
  TransmitResult *r = tongban_device_submit_finish (TONGBAN_DEVICE (self), result, error);
  GBytes *response;

  if (r == NULL)
    return NULL;
  if (sw != NULL)
    *sw = r->sw;
  response = g_steal_pointer (&r->response);
  transmit_result_free (r);
  return response;
}

/* ---- bank cards: the account number by EMV ------------------------------ */

/* SFIs and records tried for the account number; an application's records
 * are short and few, and a card answers 6A83 past its last one. */
#define PAN_MAX_SFI 3
#define PAN_MAX_RECORD 4

typedef struct {
  guint   timeout_ms;
  guint   stage;     /* 0 SELECT PPSE, 1 SELECT AID, 2 READ RECORD */
  guint8  sfi;
  guint8  record;
} PanRead;

static void pan_next (GTask *task, GBytes *response, guint16 sw);

static void
on_pan_response (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) response = NULL;
  guint16 sw = 0;

  response = tongban_iccard_reader_transmit_finish (TONGBAN_ICCARD_READER (source), result, &sw,
                                                    &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  pan_next (task, response, sw);
}

static void
pan_send (GTask        *task,
          guint8        ins,
          guint8        p1,
          guint8        p2,
          const guint8 *data,
          gsize         lc)
{
  PanRead *d = g_task_get_task_data (task);
  g_autoptr(GByteArray) apdu = tongban_apdu_build (0x00, ins, p1, p2, data, lc, 256, NULL);
  g_autoptr(GBytes) bytes = g_bytes_new (apdu->data, apdu->len);

  tongban_iccard_reader_transmit_async (g_task_get_source_object (task), bytes, d->timeout_ms,
                                        g_task_get_cancellable (task), on_pan_response, task);
}

static void
pan_fail (GTask      *task,
          const char *why)
{
  g_task_return_new_error (task, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
                           "not a bank card this kiosk can read: %s", why);
  g_object_unref (task);
}

static void
pan_next (GTask   *task,
          GBytes  *response,
          guint16  sw)
{
  PanRead *d = g_task_get_task_data (task);
  gsize len = 0;
  const guint8 *data = response ? g_bytes_get_data (response, &len) : NULL;
  const guint8 *aid;
  gsize aid_len;

  switch (d->stage)
    {
    case 0:
      if (!tongban_apdu_sw_ok (sw))
        {
          pan_fail (task, "no payment application (SELECT PPSE)");
          return;
        }
      if (!tongban_emv_find_tag (data, len, 0x4F, &aid, &aid_len) || aid_len < 5 || aid_len > 16)
        {
          pan_fail (task, "the payment directory names no application");
          return;
        }
      d->stage = 1;
      pan_send (task, 0xA4, 0x04, 0x00, aid, aid_len);
      return;
    case 1:
      if (!tongban_apdu_sw_ok (sw))
        {
          pan_fail (task, "the application cannot be selected");
          return;
        }
      d->stage = 2;
      d->sfi = 1;
      d->record = 1;
      break;
    default:
      if (tongban_apdu_sw_ok (sw))
        {
          char *pan = tongban_emv_pan (data, len);

          if (pan != NULL)
            {
              char *masked = tongban_emv_mask_pan (pan);

              /* The full number goes no further than this function. */
              explicit_bzero (pan, strlen (pan));
              g_free (pan);
              g_task_return_pointer (task, masked, g_free);
              g_object_unref (task);
              return;
            }
          d->record++;
        }
      else
        {
          d->sfi++;
          d->record = 1;
        }
      if (d->record > PAN_MAX_RECORD)
        {
          d->sfi++;
          d->record = 1;
        }
      if (d->sfi > PAN_MAX_SFI)
        {
          pan_fail (task, "no account number in the application's records");
          return;
        }
      break;
    }
  pan_send (task, 0xB2, d->record, (guint8) ((d->sfi << 3) | 0x04), NULL, 0);
}

/* Reads the account number of the bank card in the reader (SELECT PPSE,
 * SELECT AID, READ RECORD) and answers it masked: first 6 and last 4 digits.
 * Errors: those of transmit (a card taken out is USER_ERROR), or
 * INVALID_DATA for a card that is not a bank card. */
void
tongban_iccard_reader_read_pan_async (TongbanIccardReader *self,
                                      guint                timeout_ms,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;
  PanRead *d = g_new0 (PanRead, 1);

  g_return_if_fail (TONGBAN_IS_ICCARD_READER (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tongban_iccard_reader_read_pan_async);
  d->timeout_ms = timeout_ms;
  g_task_set_task_data (task, d, g_free);
  pan_send (task, 0xA4, 0x04, 0x00, (const guint8 *) TONGBAN_EMV_PPSE,
            strlen (TONGBAN_EMV_PPSE));
}

char *
tongban_iccard_reader_read_pan_finish (TongbanIccardReader  *self,
                                       GAsyncResult         *result,
                                       GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_verify_response (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) response = NULL;
  guint16 sw = 0;

  response = tongban_iccard_reader_transmit_finish (TONGBAN_ICCARD_READER (source), result, &sw,
                                                    &error);
  if (response == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, sw);
}

/* Offline plaintext PIN verification (EMV VERIFY, P2 80): the card itself
 * checks @pin (4 to 12 digits). The PIN block is wiped once sent; the PIN is
 * never logged. Answers the status word: 9000 right, 63Cx wrong with x tries
 * left, 6983 blocked. */
void
tongban_iccard_reader_verify_pin_async (TongbanIccardReader *self,
                                        const char          *pin,
                                        guint                timeout_ms,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GByteArray) apdu = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint8 block[8];
  gsize n = pin ? strlen (pin) : 0;

  g_return_if_fail (TONGBAN_IS_ICCARD_READER (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tongban_iccard_reader_verify_pin_async);
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (pin[i]))
      n = 0;
  if (n < 4 || n > 12)
    {
      g_task_return_new_error (task, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
                               "a PIN has 4 to 12 digits");
      return;
    }
  /* Plaintext PIN block: 2N, then the digits as BCD, F-padded. */
  memset (block, 0xFF, sizeof block);
  block[0] = (guint8) (0x20 | n);
  for (gsize i = 0; i < n; i++)
    {
      guint8 d = (guint8) (pin[i] - '0');

      if (i % 2 == 0)
        block[1 + i / 2] = (guint8) ((d << 4) | 0x0F);
      else
        block[1 + i / 2] = (guint8) ((block[1 + i / 2] & 0xF0) | d);
    }
  apdu = tongban_apdu_build (0x00, 0x20, 0x00, 0x80, block, sizeof block, TONGBAN_APDU_NO_LE,
                             NULL);
  explicit_bzero (block, sizeof block);
  bytes = g_bytes_new (apdu->data, apdu->len);
  explicit_bzero (apdu->data, apdu->len);
  tongban_iccard_reader_transmit_async (self, bytes, timeout_ms, cancellable, on_verify_response,
                                        g_steal_pointer (&task));
}

/* The status word of the VERIFY, or -1 with @error. */
int
tongban_iccard_reader_verify_pin_finish (TongbanIccardReader  *self,
                                         GAsyncResult         *result,
                                         GError              **error)
{
  GError *local = NULL;
  gssize sw;

  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  sw = g_task_propagate_int (G_TASK (result), &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return -1;
    }
  return (int) sw;
}

/* Pseudo-APDUs of a reader model: "select-sle4442", "read", "write",
 * "present-psc", "read-security". */
GBytes *
tongban_memory_card_apdu (TongbanMemoryCardModel  model,
                          const char             *operation,
                          guint8                  address,
                          const guint8           *data,
                          gsize                   length)
{
  g_autoptr(GByteArray) apdu = NULL;

  if (model != TONGBAN_MEMORY_CARD_ACS)
    return NULL;
  if (g_str_equal (operation, "select-sle4442"))
    apdu = tongban_apdu_build (0xFF, 0xA4, 0x00, 0x00, (const guint8 *) "\x06", 1,
                               TONGBAN_APDU_NO_LE, NULL);
  else if (g_str_equal (operation, "read") && length > 0 && length <= 256)
    apdu = tongban_apdu_build (0xFF, 0xB0, 0x00, address, NULL, 0, (gint) length, NULL);
  else if (g_str_equal (operation, "write") && length > 0 && length <= 255)
    apdu = tongban_apdu_build (0xFF, 0xD0, 0x00, address, data, length, TONGBAN_APDU_NO_LE, NULL);
  else if (g_str_equal (operation, "present-psc") && length == 3)
    apdu = tongban_apdu_build (0xFF, 0x20, 0x00, 0x00, data, 3, TONGBAN_APDU_NO_LE, NULL);
  else if (g_str_equal (operation, "read-security"))
    apdu = tongban_apdu_build (0xFF, 0xB1, 0x00, 0x00, NULL, 0, 4, NULL);
  return apdu ? g_byte_array_free_to_bytes (g_steal_pointer (&apdu)) : NULL;
}

static gboolean
tongban_iccard_reader_open (TongbanDevice  *device,
                            GCancellable   *cancellable,
                            GError        **error)
{
  TongbanIccardReader *self = TONGBAN_ICCARD_READER (device);
  g_autofree char *readers = NULL;
  DWORD size = 0;
  LONG rv;

  rv = SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &self->context);
  if (rv != SCARD_S_SUCCESS)
    return pcsc_fail (error, "establish context", rv);
  self->has_context = TRUE;
  rv = SCardListReaders (self->context, NULL, NULL, &size);
  if (rv != SCARD_S_SUCCESS)
    return pcsc_fail (error, "list readers", rv);
  readers = g_malloc0 (size + 1);
  rv = SCardListReaders (self->context, NULL, readers, &size);
  if (rv != SCARD_S_SUCCESS)
    return pcsc_fail (error, "list readers", rv);

  /* A multi-string: names separated by NUL, ended by an empty one. */
  for (const char *r = readers; *r != '\0'; r += strlen (r) + 1)
    if (self->reader_match == NULL || strstr (r, self->reader_match) != NULL)
      {
        self->reader = g_strdup (r);
        break;
      }
  if (self->reader == NULL)
    return pcsc_fail (error, "find reader", SCARD_E_UNKNOWN_READER);
  self->known_state = SCARD_STATE_UNAWARE;
  return TRUE;
}

static void
tongban_iccard_reader_close (TongbanDevice *device)
{
  TongbanIccardReader *self = TONGBAN_ICCARD_READER (device);

  disconnect_card (self);
  if (self->has_context)
    SCardReleaseContext (self->context);
  self->has_context = FALSE;
  g_clear_pointer (&self->reader, g_free);
}

static gboolean
tongban_iccard_reader_poll (TongbanDevice  *device,
                            GCancellable   *cancellable,
                            GError        **error)
{
  TongbanIccardReader *self = TONGBAN_ICCARD_READER (device);
  SCARD_READERSTATE state = { .szReader = self->reader, .dwCurrentState = self->known_state };
  gboolean was_present = (self->known_state & SCARD_STATE_PRESENT) != 0;
  gboolean present;
  LONG rv;

  rv = SCardGetStatusChange (self->context, 0, &state, 1);
  if (rv == SCARD_E_TIMEOUT)
    return TRUE;
  if (rv != SCARD_S_SUCCESS)
    return pcsc_fail (error, "status", rv);
  if (state.dwEventState & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE))
    return pcsc_fail (error, "status", SCARD_E_READER_UNAVAILABLE);
  /* The upper 16 bits count insertions and removals: keep them out of the state. */
  self->known_state = state.dwEventState & ~SCARD_STATE_CHANGED;
  present = (state.dwEventState & SCARD_STATE_PRESENT) != 0;
  if (present && !was_present)
    {
      g_autofree char *atr = g_malloc0 (state.cbAtr * 2 + 1);

      for (DWORD i = 0; i < state.cbAtr && i < sizeof state.rgbAtr; i++)
        g_snprintf (atr + 2 * i, 3, "%02X", state.rgbAtr[i]);
      tongban_device_emit_event (device, "card-inserted", g_variant_new_string (atr));
    }
  else if (!present && was_present)
    {
      disconnect_card (self);
      tongban_device_emit_event (device, "card-removed", NULL);
    }
  return TRUE;
}

static void
tongban_iccard_reader_finalize (GObject *object)
{
  TongbanIccardReader *self = TONGBAN_ICCARD_READER (object);

  g_free (self->reader_match);

  G_OBJECT_CLASS (tongban_iccard_reader_parent_class)->finalize (object);
}

static void
tongban_iccard_reader_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  TongbanIccardReader *self = TONGBAN_ICCARD_READER (object);

  switch (prop_id)
    {
    case PROP_READER:
      g_free (self->reader_match);
      self->reader_match = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_iccard_reader_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  TongbanIccardReader *self = TONGBAN_ICCARD_READER (object);

  switch (prop_id)
    {
    case PROP_READER:
      g_value_set_string (value, self->reader_match);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_iccard_reader_class_init (TongbanIccardReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TongbanDeviceClass *device_class = TONGBAN_DEVICE_CLASS (klass);

  object_class->finalize = tongban_iccard_reader_finalize;
  object_class->set_property = tongban_iccard_reader_set_property;
  object_class->get_property = tongban_iccard_reader_get_property;
  device_class->open = tongban_iccard_reader_open;
  device_class->close = tongban_iccard_reader_close;
  device_class->poll = tongban_iccard_reader_poll;

  /* A part of the PC/SC reader name, e.g. "ACS ACR38U"; NULL takes the first. */
  properties[PROP_READER] =
    g_param_spec_string ("reader", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tongban_iccard_reader_init (TongbanIccardReader *self)
{
}

TongbanIccardReader *
tongban_iccard_reader_new (const char *name,
                           const char *reader)
{
  return g_object_new (TONGBAN_TYPE_ICCARD_READER, "name", name, "reader", reader,
                       "poll-interval", 200, NULL);
}
