/* tongban-fingerprint-reader.c: 1:1 verification on a UART fingerprint module
 *
 * Every exchange is one command packet and one acknowledgement; DownChar is
 * followed by the template as data packets of the size the module reported
 * (ReadSysPara) when it was opened. Noise before a packet is skipped, but an
 * acknowledgement that never completes, fails its checksum, has an
 * impossible length, comes from another address or carries a confirmation
 * code outside the protocol ends the request with invalid-data and one log
 * line: a module saying something we do not understand is a fault to
 * report, not to guess at. Waiting for a finger is GenImg repeated until it
 * stops answering "no finger", which is how these modules are meant to be
 * driven; each round checks the deadline and the cancellable.
 */

#include "tongban-fingerprint-reader.h"
#include "tongban-fpm.h"
#include "tongban-link.h"
#include "tongban-packet-io.h"

#include <string.h>

#define REPLY_TIMEOUT_MS     1500  /* a capture takes well under a second */
#define CAPTURE_INTERVAL_MS  100
#define MAX_TEMPLATES        4     /* the ID card has room for two */

struct _TongbanFingerprintReader
{
  TongbanLinkDevice parent_instance;

  guint32        address;
  guint32        password;
  gboolean       watch_finger;
  guint          packet_size;     /* worker thread only */
  gboolean       finger_present;  /* worker thread only */
  gint64         late_until;      /* worker: an abandoned command's reply may come until then */
};

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_PASSWORD,
  PROP_WATCH_FINGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TongbanFingerprintReader, tongban_fingerprint_reader,
                     TONGBAN_TYPE_LINK_DEVICE)

/* A known confirmation code that ends the request. */
static gboolean
refused (GError    **error,
         const char *instruction,
         guint8      code)
{
  gboolean unusable_image = code == TONGBAN_FPM_IMAGE_MESSY || code == TONGBAN_FPM_FEW_FEATURES ||
                            code == TONGBAN_FPM_NO_VALID_IMAGE;

  g_set_error (error, TONGBAN_DEVICE_ERROR,
               unusable_image ? TONGBAN_COMPLETION_USER_ERROR : TONGBAN_COMPLETION_HARDWARE_ERROR,
               "fingerprint module, %s: %s", instruction, tongban_fpm_code_describe (code));
  return FALSE;
}

static TongbanPacketScan
scan (const guint8  *buffer,
      gsize          length,
      gsize         *consumed,
      GError       **error)
{
  TongbanFpmPacket packet;

  switch (tongban_fpm_parse (buffer, length, &packet, consumed, error))
    {
    case TONGBAN_FPM_PARSE_OK:
      return TONGBAN_PACKET_OK;
    case TONGBAN_FPM_PARSE_NEED_MORE:
      return TONGBAN_PACKET_NEED_MORE;
    case TONGBAN_FPM_PARSE_INVALID:
    default:
      return TONGBAN_PACKET_INVALID;
    }
}

static const guint8 start_code[] = { 0xEF, 0x01 };
static const TongbanPacketProtocol protocol = { scan, start_code, sizeof start_code,
                                                REPLY_TIMEOUT_MS };

/* Sends one command and returns the acknowledgement's code and results. */
static gboolean
transact (TongbanFingerprintReader  *self,
          guint8                     instruction,
          const guint8              *params,
          gsize                      params_len,
          gint64                     deadline,
          GCancellable              *cancellable,
          guint8                    *code,
          GByteArray               **results,
          GError                   **error)
{
  g_autoptr(GByteArray) request = tongban_fpm_build_command (self->address, instruction, params,
                                                             params_len);
  g_autoptr(GByteArray) buffer = g_byte_array_sized_new (64);
  g_autoptr(GError) local = NULL;
  TongbanFpmPacket packet;
  gsize length = 0;
  TongbanLink *link = tongban_link_device_get_link (TONGBAN_LINK_DEVICE (self));

  if (!tongban_packet_io_exchange (link, &protocol, &self->late_until, request->data,
                                   request->len, buffer, deadline, cancellable, &length, &local))
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
        return tongban_device_invalid_reply (error, "fingerprint", "fingerprint module",
                                             local->message);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }

  tongban_fpm_parse (buffer->data, length, &packet, &length, NULL);
  if (packet.pid != TONGBAN_FPM_PID_ACK)
    return tongban_device_invalid_reply (error, "fingerprint", "fingerprint module",
                                         "not an acknowledgement");
  if (packet.address != self->address)
    return tongban_device_invalid_reply (error, "fingerprint", "fingerprint module",
                                         "packet from another address");
  if (tongban_fpm_code_describe (packet.content[0]) == NULL)
    {
      g_autofree char *what = g_strdup_printf ("unknown confirmation code %02X",
                                               packet.content[0]);
      return tongban_device_invalid_reply (error, "fingerprint", "fingerprint module", what);
    }
  *code = packet.content[0];
  if (results != NULL)
    {
      *results = g_byte_array_sized_new (packet.content_len - 1);
      g_byte_array_append (*results, packet.content + 1, packet.content_len - 1);
    }
  return TRUE;
}

/* A command whose acknowledgement must say ok. */
static gboolean
command (TongbanFingerprintReader  *self,
         guint8                     instruction,
         const char                *name,
         const guint8              *params,
         gsize                      params_len,
         gint64                     deadline,
         GCancellable              *cancellable,
         GByteArray               **results,
         GError                   **error)
{
  guint8 code = 0;

  if (!transact (self, instruction, params, params_len, deadline, cancellable, &code, results,
                 error))
    return FALSE;
  if (code != TONGBAN_FPM_OK)
    {
      if (results != NULL)
        g_clear_pointer (results, g_byte_array_unref);
      return refused (error, name, code);
    }
  return TRUE;
}

static void
finger_seen (TongbanFingerprintReader *self,
             gboolean                  present)
{
  if (present == self->finger_present)
    return;
  self->finger_present = present;
  tongban_device_emit_event (TONGBAN_DEVICE (self), present ? "finger-placed" : "finger-lifted",
                             NULL);
}

/* Waits between captures, still answering to the deadline and cancellation. */
static gboolean
pause_capture (gint64         deadline,
               GCancellable  *cancellable,
               GError       **error)
{
  gint64 until = g_get_monotonic_time () + CAPTURE_INTERVAL_MS * 1000;

  while (g_get_monotonic_time () < until)
    {
      if (!tongban_device_deadline_check (deadline, cancellable, error))
        return FALSE;
      g_usleep (10 * 1000);
    }
  return TRUE;
}

/* One GenImg: its code (ok, no finger or image failed), or FALSE with error. */
static gboolean
look (TongbanFingerprintReader  *self,
      gint64                     deadline,
      GCancellable              *cancellable,
      guint8                    *code,
      GError                   **error)
{
  if (!transact (self, TONGBAN_FPM_GEN_IMG, NULL, 0, deadline, cancellable, code, NULL, error))
    return FALSE;
  switch (*code)
    {
    case TONGBAN_FPM_OK:
    case TONGBAN_FPM_NO_FINGER:
      finger_seen (self, *code == TONGBAN_FPM_OK);
      return TRUE;
    case TONGBAN_FPM_IMAGE_FAILED:
      /* A finger moving or half on: no image this time. */
      g_debug ("fingerprint: capture failed");
      return TRUE;
    default:
      return refused (error, "GenImg", *code);
    }
}

/* Captures until GenImg answers awaited (an image taken, or the sensor clear). */
static gboolean
look_until (TongbanFingerprintReader  *self,
            guint8                     awaited,
            gint64                     deadline,
            GCancellable              *cancellable,
            GError                   **error)
{
  for (;;)
    {
      guint8 code = 0;

      if (!tongban_device_deadline_check (deadline, cancellable, error) ||
          !look (self, deadline, cancellable, &code, error))
        return FALSE;
      if (code == awaited)
        return TRUE;
      if (!pause_capture (deadline, cancellable, error))
        return FALSE;
    }
}

static gboolean
down_char (TongbanFingerprintReader  *self,
           guint8                     buffer_id,
           const guint8              *template,
           gint64                     deadline,
           GCancellable              *cancellable,
           GError                   **error)
{
  g_autoptr(GByteArray) packets = g_byte_array_new ();
  gboolean ok;

  if (!command (self, TONGBAN_FPM_DOWN_CHAR, "DownChar", &buffer_id, 1, deadline, cancellable,
                NULL, error))
    return FALSE;
  tongban_fpm_append_data (packets, self->address, template, TONGBAN_FPM_TEMPLATE_LEN,
                           self->packet_size);
  ok = tongban_link_write_all (tongban_link_device_get_link (TONGBAN_LINK_DEVICE (self)),
                               packets->data, packets->len, deadline, cancellable, error);
  explicit_bzero (packets->data, packets->len);
  return ok;
}

static gboolean
slot_empty (const guint8 *template)
{
  for (guint i = 0; i < TONGBAN_FPM_TEMPLATE_LEN; i++)
    if (template[i] != 0)
      return FALSE;
  return TRUE;
}

static gpointer
verify (TongbanDevice  *device,
        gpointer        data,
        gint64          deadline,
        GCancellable   *cancellable,
        GError        **error)
{
  TongbanFingerprintReader *self = TONGBAN_FINGERPRINT_READER (device);
  g_autofree TongbanFingerprintMatch *match = g_new0 (TongbanFingerprintMatch, 1);
  static const guint8 buffer_1 = 1;
  gsize size = 0;
  const guint8 *all = g_bytes_get_data (data, &size);
  guint slots[MAX_TEMPLATES];
  guint n_slots = 0;

  if (size == 0 || size % TONGBAN_FPM_TEMPLATE_LEN != 0 ||
      size / TONGBAN_FPM_TEMPLATE_LEN > MAX_TEMPLATES)
    {
      g_message ("fingerprint: card templates of %" G_GSIZE_FORMAT " bytes", size);
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
                   "fingerprint data of %" G_GSIZE_FORMAT " bytes is no set of templates", size);
      return NULL;
    }
  for (guint i = 0; i < size / TONGBAN_FPM_TEMPLATE_LEN; i++)
    if (!slot_empty (all + i * TONGBAN_FPM_TEMPLATE_LEN))
      slots[n_slots++] = i;
  if (n_slots == 0)
    {
      g_message ("fingerprint: the card's template slots are empty");
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
                           "the card holds no fingerprint template");
      return NULL;
    }

  /* The card's template goes first, so the citizen waits only for the capture. */
  if (!down_char (self, 2, all + slots[0] * TONGBAN_FPM_TEMPLATE_LEN, deadline, cancellable,
                  error))
    return NULL;
  if (!look_until (self, TONGBAN_FPM_OK, deadline, cancellable, error))
    return NULL;
  if (!command (self, TONGBAN_FPM_IMG2TZ, "Img2Tz", &buffer_1, 1, deadline, cancellable, NULL,
                error))
    return NULL;

  for (guint i = 0; i < n_slots; i++)
    {
      g_autoptr(GByteArray) results = NULL;
      guint8 code = 0;
      guint score;

      if (i > 0 && !down_char (self, 2, all + slots[i] * TONGBAN_FPM_TEMPLATE_LEN, deadline,
                               cancellable, error))
        return NULL;
      if (!transact (self, TONGBAN_FPM_MATCH, NULL, 0, deadline, cancellable, &code, &results,
                     error))
        return NULL;
      if (code != TONGBAN_FPM_OK && code != TONGBAN_FPM_NO_MATCH)
        {
          refused (error, "Match", code);
          return NULL;
        }
      if (results->len != 2)
        {
          tongban_device_invalid_reply (error, "fingerprint", "fingerprint module",
                                        "Match without a score");
          return NULL;
        }
      score = (results->data[0] << 8) | results->data[1];
      if (code == TONGBAN_FPM_OK)
        {
          match->matched = TRUE;
          match->score = score;
          match->finger = slots[i];
          break;
        }
      match->score = MAX (match->score, score);
    }
  g_debug ("fingerprint: %s (score %u)", match->matched ? "match" : "no match", match->score);
  return g_steal_pointer (&match);
}

guint
tongban_fingerprint_reader_verify_async (TongbanFingerprintReader *self,
                                         GBytes                   *templates,
                                         guint                     timeout_ms,
                                         GCancellable             *cancellable,
                                         GAsyncReadyCallback       callback,
                                         gpointer                  user_data)
{
  g_return_val_if_fail (TONGBAN_IS_FINGERPRINT_READER (self), 0);
  g_return_val_if_fail (templates != NULL, 0);

  return tongban_device_submit (TONGBAN_DEVICE (self), "Biometric.Match", timeout_ms, verify,
                                g_bytes_ref (templates), (GDestroyNotify) g_bytes_unref, g_free,
                                cancellable, callback, user_data);
}

/* TRUE when the comparison was made (match says how it came out). */
gboolean
tongban_fingerprint_reader_verify_finish (TongbanFingerprintReader  *self,
                                          GAsyncResult              *result,
                                          TongbanFingerprintMatch   *match,
                                          GError                   **error)
{
  g_autofree TongbanFingerprintMatch *got = tongban_device_submit_finish (TONGBAN_DEVICE (self),
                                                                          result, error);

  if (got == NULL)
    return FALSE;
  if (match != NULL)
    *match = *got;
  return TRUE;
}

static gpointer
wait_lift (TongbanDevice  *device,
           gpointer        data,
           gint64          deadline,
           GCancellable   *cancellable,
           GError        **error)
{
  return look_until (TONGBAN_FINGERPRINT_READER (device), TONGBAN_FPM_NO_FINGER, deadline,
                     cancellable, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

guint
tongban_fingerprint_reader_wait_lift_async (TongbanFingerprintReader *self,
                                            guint                     timeout_ms,
                                            GCancellable             *cancellable,
                                            GAsyncReadyCallback       callback,
                                            gpointer                  user_data)
{
  g_return_val_if_fail (TONGBAN_IS_FINGERPRINT_READER (self), 0);

  return tongban_device_submit (TONGBAN_DEVICE (self), "Biometric.WaitLift", timeout_ms,
                                wait_lift, NULL, NULL, NULL, cancellable, callback, user_data);
}

gboolean
tongban_fingerprint_reader_wait_lift_finish (TongbanFingerprintReader  *self,
                                             GAsyncResult              *result,
                                             GError                   **error)
{
  return tongban_device_submit_finish (TONGBAN_DEVICE (self), result, error) != NULL;
}

static gboolean
tongban_fingerprint_reader_opened (TongbanLinkDevice  *device,
                                   gint64              deadline,
                                   GCancellable       *cancellable,
                                   GError            **error)
{
  TongbanFingerprintReader *self = TONGBAN_FINGERPRINT_READER (device);
  guint8 password[4] = {
    self->password >> 24, (self->password >> 16) & 0xff, (self->password >> 8) & 0xff,
    self->password & 0xff,
  };
  g_autoptr(GByteArray) results = NULL;
  g_autoptr(GError) local = NULL;
  TongbanFpmSysPara para;

  self->late_until = 0;
  /* The module must accept the password and tell its packet size before it counts as present. */
  if (!command (self, TONGBAN_FPM_VFY_PWD, "VfyPwd", password, sizeof password, deadline,
                cancellable, NULL, error))
    return FALSE;
  deadline = g_get_monotonic_time () + REPLY_TIMEOUT_MS * 1000;
  if (!command (self, TONGBAN_FPM_READ_SYS_PARA, "ReadSysPara", NULL, 0, deadline, cancellable,
                &results, error))
    return FALSE;
  if (!tongban_fpm_sys_para_decode (results->data, results->len, &para, &local))
    return tongban_device_invalid_reply (error, "fingerprint", "fingerprint module",
                                         local->message);
  self->packet_size = para.packet_size;
  self->finger_present = FALSE;
  return TRUE;
}

/* Idle: look for a finger if asked to, otherwise just see that the module answers. */
static gboolean
tongban_fingerprint_reader_poll (TongbanDevice  *device,
                                 GCancellable   *cancellable,
                                 GError        **error)
{
  TongbanFingerprintReader *self = TONGBAN_FINGERPRINT_READER (device);
  gint64 deadline = g_get_monotonic_time () + REPLY_TIMEOUT_MS * 1000;
  g_autoptr(GByteArray) results = NULL;
  guint8 code;

  if (self->watch_finger)
    return look (self, deadline, cancellable, &code, error);
  if (!command (self, TONGBAN_FPM_TEMPLATE_NUM, "TemplateNum", NULL, 0, deadline, cancellable,
                &results, error))
    return FALSE;
  return results->len == 2 ||
         tongban_device_invalid_reply (error, "fingerprint", "fingerprint module",
                                       "TemplateNum without a count");
}

static void
tongban_fingerprint_reader_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  TongbanFingerprintReader *self = TONGBAN_FINGERPRINT_READER (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      self->address = g_value_get_uint (value);
      break;
    case PROP_PASSWORD:
      self->password = g_value_get_uint (value);
      break;
    case PROP_WATCH_FINGER:
      self->watch_finger = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_fingerprint_reader_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  TongbanFingerprintReader *self = TONGBAN_FINGERPRINT_READER (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_value_set_uint (value, self->address);
      break;
    case PROP_PASSWORD:
      g_value_set_uint (value, self->password);
      break;
    case PROP_WATCH_FINGER:
      g_value_set_boolean (value, self->watch_finger);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_fingerprint_reader_class_init (TongbanFingerprintReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TongbanDeviceClass *device_class = TONGBAN_DEVICE_CLASS (klass);

  object_class->set_property = tongban_fingerprint_reader_set_property;
  object_class->get_property = tongban_fingerprint_reader_get_property;
  TONGBAN_LINK_DEVICE_CLASS (klass)->open_timeout_ms = REPLY_TIMEOUT_MS;
  TONGBAN_LINK_DEVICE_CLASS (klass)->opened = tongban_fingerprint_reader_opened;
  device_class->poll = tongban_fingerprint_reader_poll;

  properties[PROP_ADDRESS] =
    g_param_spec_uint ("address", NULL, NULL, 0, G_MAXUINT32, TONGBAN_FPM_DEFAULT_ADDRESS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PASSWORD] =
    g_param_spec_uint ("password", NULL, NULL, 0, G_MAXUINT32, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Look for a finger while idle ("finger-placed", "finger-lifted"). Off by
   * default: an optical module lights its sensor for every capture. */
  properties[PROP_WATCH_FINGER] =
    g_param_spec_boolean ("watch-finger", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tongban_fingerprint_reader_init (TongbanFingerprintReader *self)
{
  self->address = TONGBAN_FPM_DEFAULT_ADDRESS;
  self->packet_size = 128;
}

TongbanFingerprintReader *
tongban_fingerprint_reader_new (const char *name,
                                const char *link)
{
  g_return_val_if_fail (link != NULL, NULL);

  return g_object_new (TONGBAN_TYPE_FINGERPRINT_READER, "name", name, "link", link,
                       "poll-interval", 1000, NULL);
}
