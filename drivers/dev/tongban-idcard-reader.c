/* tongban-idcard-reader.c: find, select and read over the SAM frame protocol
 *
 * Every exchange is one command frame and one reply frame. Bytes before a
 * preamble are skipped (a reader may emit noise at power-up), but a reply
 * that never completes, fails its checksum, has an impossible length or an
 * unknown status ends the command with invalid-data: a reader saying
 * something we do not understand is a fault to report, not to guess at.
 */

#include "tongban-idcard-reader.h"
#include "tongban-link.h"
#include "tongban-wlt.h"
#include "tongban-packet-io.h"

#include <string.h>

#define REPLY_TIMEOUT_MS  1500   /* a SAM answers a read in well under a second */

struct _TongbanIdcardReader
{
  TongbanLinkDevice parent_instance;

  gboolean       card_present;  /* worker thread only */
  gint64         late_until;    /* worker thread only: see tongban_packet_io_exchange() */
  gboolean       watch_card;

  char          *wlt_library;
  char          *wlt_symbol;
  int            wlt_code;
  TongbanWlt    *wlt;           /* worker thread only */
  gint           photo_status;  /* atomic: PhotoStatus */
};

typedef enum {
  PHOTO_NONE,
  PHOTO_READY,
  PHOTO_NO_DECODER,
  PHOTO_FAILED,
} PhotoStatus;

enum {
  PROP_0,
  PROP_WATCH_CARD,
  PROP_WLT_LIBRARY,
  PROP_WLT_SYMBOL,
  PROP_WLT_CODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TongbanIdcardReader, tongban_idcard_reader, TONGBAN_TYPE_LINK_DEVICE)

static TongbanPacketScan
scan (const guint8  *buffer,
      gsize          length,
      gsize         *consumed,
      GError       **error)
{
  TongbanSamFrame frame;

  switch (tongban_sam_parse (buffer, length, &frame, consumed, error))
    {
    case TONGBAN_SAM_PARSE_OK:
      return TONGBAN_PACKET_OK;
    case TONGBAN_SAM_PARSE_NEED_MORE:
      return TONGBAN_PACKET_NEED_MORE;
    case TONGBAN_SAM_PARSE_INVALID:
    default:
      return TONGBAN_PACKET_INVALID;
    }
}

/* Sends one command and returns the reply's SW3 and data. */
static gboolean
transact (TongbanIdcardReader  *self,
          guint8                cmd,
          guint8                para,
          gint64                deadline,
          GCancellable         *cancellable,
          guint8               *sw3,
          GByteArray          **data,
          GError              **error)
{
  static const guint8 preamble[] = { 0xAA, 0xAA, 0xAA, 0x96, 0x69 };
  static const TongbanPacketProtocol protocol = { scan, preamble, sizeof preamble,
                                                  REPLY_TIMEOUT_MS };
  g_autoptr(GByteArray) request = tongban_sam_build_command (cmd, para, NULL, 0);
  g_autoptr(GByteArray) buffer = g_byte_array_sized_new (1400);
  g_autoptr(GError) local = NULL;
  TongbanSamFrame frame;
  gsize length = 0;

  TongbanLink *link = tongban_link_device_get_link (TONGBAN_LINK_DEVICE (self));

  if (!tongban_packet_io_exchange (link, &protocol, &self->late_until, request->data,
                                   request->len, buffer, deadline, cancellable, &length, &local))
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
        return tongban_device_invalid_reply (error, "idcard", "ID card reader", local->message);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }

  tongban_sam_parse (buffer->data, length, &frame, &length, NULL);
  if (frame.body_len < 3)
    return tongban_device_invalid_reply (error, "idcard", "ID card reader",
                                         "reply shorter than its status");
  if (tongban_sam_sw3_describe (frame.body[2]) == NULL)
    {
      g_autofree char *what = g_strdup_printf ("unknown status %02X", frame.body[2]);
      return tongban_device_invalid_reply (error, "idcard", "ID card reader", what);
    }
  *sw3 = frame.body[2];
  if (data != NULL)
    {
      *data = g_byte_array_sized_new (frame.body_len - 3);
      g_byte_array_append (*data, frame.body + 3, frame.body_len - 3);
    }
  return TRUE;
}

static gboolean
user_error (GError    **error,
            guint8      sw3)
{
  g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_USER_ERROR, "ID card: %s",
               tongban_sam_sw3_describe (sw3));
  return FALSE;
}

static gpointer
read_card (TongbanDevice  *device,
           gpointer        data,
           gint64          deadline,
           GCancellable   *cancellable,
           GError        **error)
{
  TongbanIdcardReader *self = TONGBAN_IDCARD_READER (device);
  gboolean fingerprint = GPOINTER_TO_INT (data);
  g_autoptr(GByteArray) payload = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *summary = NULL;
  TongbanIdentity *identity;
  guint8 sw3 = 0;

  if (!transact (self, TONGBAN_SAM_CMD_FIND, deadline, cancellable, &sw3, NULL, error))
    return NULL;
  if (sw3 != TONGBAN_SAM_SW_FOUND && sw3 != TONGBAN_SAM_SW_OK)
    return user_error (error, sw3), NULL;
  if (!transact (self, TONGBAN_SAM_CMD_SELECT, deadline, cancellable, &sw3, NULL, error))
    return NULL;
  if (sw3 != TONGBAN_SAM_SW_OK)
    return user_error (error, sw3), NULL;
  if (!transact (self, 0x30, fingerprint ? 0x10 : 0x01, deadline, cancellable, &sw3, &payload,
                 error))
    return NULL;
  if (sw3 != TONGBAN_SAM_SW_OK)
    return user_error (error, sw3), NULL;

  identity = tongban_identity_decode (payload->data, payload->len, fingerprint, &local);
  explicit_bzero (payload->data, payload->len);
  if (identity == NULL && g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_UNSUPPORTED_COMMAND,
                   "ID card: %s", local->message);
      return NULL;
    }
  if (identity == NULL)
    return tongban_device_invalid_reply (error, "idcard", "ID card reader", local->message), NULL;
  if (identity->card_type == ' ' && !tongban_id_number_valid (identity->fields[TONGBAN_ID_NUMBER]))
    {
      tongban_identity_free (identity);
      return tongban_device_invalid_reply (error, "idcard", "ID card reader",
                                           "ID number check digit"), NULL;
    }
  summary = tongban_identity_describe (identity);
  g_debug ("idcard: read %s", summary);
  return identity;
}

/* Worker thread. Loads the vendor's decoder the first time it is needed,
 * and again after a failed attempt (the file may have been installed). */
static gboolean
load_decoder (TongbanIdcardReader  *self,
              GError              **error)
{
  g_autoptr(GError) local = NULL;

  if (self->wlt != NULL)
    return TRUE;
  if (self->wlt_library == NULL)
    {
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_UNSUPPORTED_COMMAND,
                           "no photo decoder configured");
      return FALSE;
    }
  self->wlt = tongban_wlt_open (self->wlt_library, self->wlt_symbol, self->wlt_code, &local);
  if (self->wlt == NULL)
    {
      g_message ("idcard: %s", local->message);
      g_atomic_int_set (&self->photo_status, PHOTO_NO_DECODER);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_atomic_int_set (&self->photo_status, PHOTO_READY);
  return TRUE;
}

static gpointer
decode_photo (TongbanDevice  *device,
              gpointer        data,
              gint64          deadline,
              GCancellable   *cancellable,
              GError        **error)
{
  TongbanIdcardReader *self = TONGBAN_IDCARD_READER (device);
  g_autoptr(GError) local = NULL;
  GBytes *rgb;

  if (!load_decoder (self, error))
    return NULL;
  rgb = tongban_wlt_decode (self->wlt, data, &local);
  if (rgb == NULL)
    {
      /* The library's own words; the photo itself is never logged. */
      g_message ("idcard: %s", local->message);
      g_atomic_int_set (&self->photo_status, PHOTO_FAILED);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  g_atomic_int_set (&self->photo_status, PHOTO_READY);
  return rgb;
}

/* Decodes a card's WLT photo (TongbanIdentity.photo) on the reader's worker
 * with the vendor library the config names. Fails with unsupported-command
 * when there is none (or it cannot be loaded), invalid-data when it will not
 * decode this photo. */
guint
tongban_idcard_reader_decode_photo_async (TongbanIdcardReader *self,
                                          GBytes              *photo,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_val_if_fail (TONGBAN_IS_IDCARD_READER (self), 0);
  g_return_val_if_fail (photo != NULL, 0);

  return tongban_device_submit (TONGBAN_DEVICE (self), "IdCard.DecodePhoto", 5000, decode_photo,
                                g_bytes_ref (photo), (GDestroyNotify) g_bytes_unref,
                                (GDestroyNotify) g_bytes_unref, cancellable, callback,
                                user_data);
}

/* RGB, TONGBAN_WLT_WIDTH × TONGBAN_WLT_HEIGHT × 3 bytes, rows top down. */
GBytes *
tongban_idcard_reader_decode_photo_finish (TongbanIdcardReader  *self,
                                           GAsyncResult         *result,
                                           GError              **error)
{
  return tongban_device_submit_finish (TONGBAN_DEVICE (self), result, error);
}

/* "none" (no decoder configured), "ready", "no-decoder" (the library or its
 * entry point is missing), "failed" (the last photo did not decode). */
const char *
tongban_idcard_reader_get_photo_status (TongbanIdcardReader *self)
{
  static const char *names[] = { "none", "ready", "no-decoder", "failed" };

  g_return_val_if_fail (TONGBAN_IS_IDCARD_READER (self), "none");
  return names[g_atomic_int_get (&self->photo_status)];
}

guint
tongban_idcard_reader_read_async (TongbanIdcardReader *self,
                                  gboolean             fingerprint,
                                  guint                timeout_ms,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_val_if_fail (TONGBAN_IS_IDCARD_READER (self), 0);

  return tongban_device_submit (TONGBAN_DEVICE (self), "IdCard.Read", timeout_ms, read_card,
                                GINT_TO_POINTER (fingerprint), NULL,
                                (GDestroyNotify) tongban_identity_free,
                                cancellable, callback, user_data);
}

TongbanIdentity *
tongban_idcard_reader_read_finish (TongbanIdcardReader  *self,
                                   GAsyncResult         *result,
                                   GError              **error)
{
  return tongban_device_submit_finish (TONGBAN_DEVICE (self), result, error);
}

static gboolean
tongban_idcard_reader_opened (TongbanLinkDevice  *device,
                              gint64              deadline,
                              GCancellable       *cancellable,
                              GError            **error)
{
  TongbanIdcardReader *self = TONGBAN_IDCARD_READER (device);
  guint8 sw3 = 0;

  self->late_until = 0;
  /* The SAM must answer its status before the reader counts as present. */
  if (!transact (self, TONGBAN_SAM_CMD_STATUS, deadline, cancellable, &sw3, NULL, error))
    return FALSE;
  if (sw3 != TONGBAN_SAM_SW_OK)
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_HARDWARE_ERROR, "SAM: %s",
                   tongban_sam_sw3_describe (sw3));
      return FALSE;
    }
  self->card_present = FALSE;
  /* A missing decoder is reported now (status, log), not at the first card;
   * the card's text is read either way. */
  if (self->wlt_library != NULL)
    load_decoder (self, NULL);
  return TRUE;
}

/* Idle: look for a card, so the kiosk can react to one being put down. */
static gboolean
tongban_idcard_reader_poll (TongbanDevice  *device,
                            GCancellable   *cancellable,
                            GError        **error)
{
  TongbanIdcardReader *self = TONGBAN_IDCARD_READER (device);
  gint64 deadline = g_get_monotonic_time () + REPLY_TIMEOUT_MS * 1000;
  gboolean present;
  guint8 sw3 = 0;

  if (!self->watch_card)
    return TRUE;
  if (!transact (self, TONGBAN_SAM_CMD_FIND, deadline, cancellable, &sw3, NULL, error))
    return FALSE;
  present = sw3 == TONGBAN_SAM_SW_FOUND;
  if (present != self->card_present)
    tongban_device_emit_event (device, present ? "card-inserted" : "card-removed", NULL);
  self->card_present = present;
  return TRUE;
}

static void
tongban_idcard_reader_finalize (GObject *object)
{
  TongbanIdcardReader *self = TONGBAN_IDCARD_READER (object);

  g_free (self->wlt_library);
  g_free (self->wlt_symbol);
  g_clear_pointer (&self->wlt, tongban_wlt_free);

  G_OBJECT_CLASS (tongban_idcard_reader_parent_class)->finalize (object);
}

static void
tongban_idcard_reader_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  TongbanIdcardReader *self = TONGBAN_IDCARD_READER (object);

  switch (prop_id)
    {
    case PROP_WATCH_CARD:
      self->watch_card = g_value_get_boolean (value);
      break;
    case PROP_WLT_LIBRARY:
      g_free (self->wlt_library);
      self->wlt_library = g_value_dup_string (value);
      break;
    case PROP_WLT_SYMBOL:
      g_free (self->wlt_symbol);
      self->wlt_symbol = g_value_dup_string (value);
      break;
    case PROP_WLT_CODE:
      self->wlt_code = g_value_get_int (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_idcard_reader_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  TongbanIdcardReader *self = TONGBAN_IDCARD_READER (object);

  switch (prop_id)
    {
    case PROP_WATCH_CARD:
      g_value_set_boolean (value, self->watch_card);
      break;
    case PROP_WLT_LIBRARY:
      g_value_set_string (value, self->wlt_library);
      break;
    case PROP_WLT_SYMBOL:
      g_value_set_string (value, self->wlt_symbol);
      break;
    case PROP_WLT_CODE:
      g_value_set_int (value, self->wlt_code);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_idcard_reader_class_init (TongbanIdcardReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TongbanDeviceClass *device_class = TONGBAN_DEVICE_CLASS (klass);

  object_class->finalize = tongban_idcard_reader_finalize;
  object_class->set_property = tongban_idcard_reader_set_property;
  object_class->get_property = tongban_idcard_reader_get_property;
  TONGBAN_LINK_DEVICE_CLASS (klass)->open_timeout_ms = REPLY_TIMEOUT_MS;
  TONGBAN_LINK_DEVICE_CLASS (klass)->opened = tongban_idcard_reader_opened;
  device_class->poll = tongban_idcard_reader_poll;

  /* Look for a card while idle ("card-inserted", "card-removed"). */
  properties[PROP_WATCH_CARD] =
    g_param_spec_boolean ("watch-card", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The vendor's WLT photo decoder (see tongban-wlt.h): the library's
   * absolute path, its entry point and the licence code for decoding in
   * memory. No library, no photo: the card is still read. */
  properties[PROP_WLT_LIBRARY] =
    g_param_spec_string ("wlt-library", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WLT_SYMBOL] =
    g_param_spec_string ("wlt-symbol", NULL, NULL, "unpack",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WLT_CODE] =
    g_param_spec_int ("wlt-code", NULL, NULL, G_MININT, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tongban_idcard_reader_init (TongbanIdcardReader *self)
{
}

TongbanIdcardReader *
tongban_idcard_reader_new (const char *name,
                           const char *link)
{
  return tongban_idcard_reader_new_with_decoder (name, link, NULL, NULL, 0);
}

/* wlt_library: NULL for none; wlt_symbol: NULL for "unpack". */
TongbanIdcardReader *
tongban_idcard_reader_new_with_decoder (const char *name,
                                        const char *link,
                                        const char *wlt_library,
                                        const char *wlt_symbol,
                                        int         wlt_code)
{
  g_return_val_if_fail (link != NULL, NULL);

  return g_object_new (TONGBAN_TYPE_IDCARD_READER, "name", name, "link", link,
                       "poll-interval", 300, "wlt-library", wlt_library,
                       "wlt-symbol", wlt_symbol ? wlt_symbol : "unpack", "wlt-code", wlt_code,
                       NULL);
}
