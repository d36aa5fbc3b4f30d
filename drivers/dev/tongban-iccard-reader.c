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
