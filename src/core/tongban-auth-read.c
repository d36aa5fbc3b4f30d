/* tongban-auth-read.c: reading an identity method's card, permit or finger */

#include "tongban-auth-read.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include "tongban-backend.h"
#include "tongban-camera.h"
#include "tongban-fingerprint-reader.h"
#include "tongban-idcard-reader.h"

#define CARD_POLL_MS     5000   /* one look at the reader */
#define CARD_RETRY_MS    500    /* between looks while the citizen places the card */

G_DEFINE_QUARK (tongban-auth-read-error-quark, tongban_auth_read_error)

static const struct {
  const char *method;
  const char *device;     /* the catalogue's device kind read first */
} methods[] = {
  { "id-card", "id-card-reader" },
  { "fingerprint", "id-card-reader" },   /* then the fingerprint reader */
  { "permit", "document-camera" },
  { "face", "id-card-reader" },          /* the ID number, then the camera pair */
};

/* The device kinds @method uses (none for the QR code on the phone). */
const char * const *
tongban_auth_method_devices (const char *method)
{
  static const char * const card[] = { "id-card-reader", NULL };
  static const char * const permit[] = { "document-camera", NULL };
  static const char * const finger[] = { "id-card-reader", "fingerprint-reader", NULL };
  static const char * const face[] = { "camera", NULL };
  static const char * const none[] = { NULL };

  if (g_strcmp0 (method, "id-card") == 0)
    return card;
  if (g_strcmp0 (method, "permit") == 0)
    return permit;
  if (g_strcmp0 (method, "fingerprint") == 0)
    return finger;
  if (g_strcmp0 (method, "face") == 0)
    return face;
  return none;
}

/* Whether @method reads a device here before asking the identity service. */
gboolean
tongban_auth_read_supported (const char *method)
{
  return tongban_auth_read_device (method) != NULL;
}

/* The device kind @method reads first, or NULL. */
const char *
tongban_auth_read_device (const char *method)
{
  for (guint i = 0; method != NULL && i < G_N_ELEMENTS (methods); i++)
    if (g_str_equal (methods[i].method, method))
      return methods[i].device;
  return NULL;
}

void
tongban_auth_reading_free (char **reading)
{
  if (reading == NULL)
    return;
  for (char **p = reading; *p; p++)
    explicit_bzero (*p, strlen (*p));
  g_strfreev (reading);
}

/* "19900101" → "1990-01-01"; the card's "长期" (no end) → "long-term". */
char *
tongban_auth_date_from_card (const char *yyyymmdd)
{
  if (yyyymmdd == NULL)
    return NULL;
  if (g_str_equal (yyyymmdd, "长期"))
    return g_strdup ("long-term");
  if (strlen (yyyymmdd) != 8 || strspn (yyyymmdd, "0123456789") != 8)
    return NULL;
  return g_strdup_printf ("%.4s-%.2s-%.2s", yyyymmdd, yyyymmdd + 4, yyyymmdd + 6);
}

/* The MRZ's "900101" → "1990-01-01": a birth date is in the past (a year
 * after this one is last century), an expiry date within this century. */
char *
tongban_auth_date_from_mrz (const char *yymmdd,
                            gboolean    expiry,
                            int         this_year)
{
  int yy, century;

  if (yymmdd == NULL || strlen (yymmdd) != 6 || strspn (yymmdd, "0123456789") != 6)
    return NULL;
  yy = (yymmdd[0] - '0') * 10 + (yymmdd[1] - '0');
  century = this_year / 100 * 100;
  if (!expiry && century + yy > this_year)
    century -= 100;
  return g_strdup_printf ("%04d-%.2s-%.2s", century + yy, yymmdd + 2, yymmdd + 4);
}

/* ---- the read ------------------------------------------------------------ */

typedef struct {
  TongbanDevices  *devices;
  char            *method;
  guint            timeout_ms;
  gint64           deadline;       /* monotonic: until when a card is waited for */
  TongbanIdentity *card;
  GSource         *retry;
  char            *liveness_reason;
} ReadData;

static void
read_data_free (gpointer data)
{
  ReadData *d = data;

  if (d->retry)
    {
      g_source_destroy (d->retry);
      g_source_unref (d->retry);
    }
  g_clear_pointer (&d->card, tongban_identity_free);
  g_clear_object (&d->devices);
  g_free (d->liveness_reason);
  g_free (d->method);
  g_free (d);
}

static void
add (GPtrArray  *out,
     const char *key,
     char       *value)
{
  if (value == NULL)
    return;
  g_ptr_array_add (out, g_strdup (key));
  g_ptr_array_add (out, value);
}

static char **
finish_array (GPtrArray *out)
{
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

/* The card's fields as the identity service takes them. */
static GPtrArray *
card_params (const TongbanIdentity *card)
{
  GPtrArray *out = g_ptr_array_new ();

  add (out, "id_number", g_strdup (card->fields[TONGBAN_ID_NUMBER]));
  add (out, "name", g_strdup (card->fields[TONGBAN_ID_NAME]));
  add (out, "birth", tongban_auth_date_from_card (card->fields[TONGBAN_ID_BIRTH]));
  add (out, "expiry", tongban_auth_date_from_card (card->fields[TONGBAN_ID_VALID_TO]));
  return out;
}

static void
return_device_error (GTask        *task,
                     const GError *error,
                     const char   *what)
{
  TongbanAuthReadError code;

  switch (tongban_completion_from_error (error))
    {
    case TONGBAN_COMPLETION_CANCELED:
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s: cancelled", what);
      return;
    case TONGBAN_COMPLETION_TIMEOUT:
    case TONGBAN_COMPLETION_USER_ERROR:
      code = TONGBAN_AUTH_READ_NO_CARD;
      break;
    case TONGBAN_COMPLETION_INVALID_DATA:
      code = TONGBAN_AUTH_READ_UNREADABLE;
      break;
    default:
      code = TONGBAN_AUTH_READ_NO_DEVICE;
      break;
    }
  /* The completion's name, never what was on the card. */
  g_task_return_new_error (task, TONGBAN_AUTH_READ_ERROR, code, "%s: %s", what,
                           tongban_completion_to_string (tongban_completion_from_error (error)));
}

static void
on_finger (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReadData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  TongbanFingerprintMatch match = { 0 };
  GPtrArray *out;

  tongban_devices_guide (d->devices, "fingerprint-reader", FALSE);
  if (!tongban_fingerprint_reader_verify_finish (TONGBAN_FINGERPRINT_READER (source), result,
                                                 &match, &error))
    {
      switch (tongban_completion_from_error (error))
        {
        case TONGBAN_COMPLETION_CANCELED:
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
          break;
        case TONGBAN_COMPLETION_TIMEOUT:
          g_task_return_new_error (task, TONGBAN_AUTH_READ_ERROR, TONGBAN_AUTH_READ_NO_FINGER,
                                   "fingerprint: no finger in time");
          break;
        case TONGBAN_COMPLETION_USER_ERROR:
          g_task_return_new_error (task, TONGBAN_AUTH_READ_ERROR,
                                   TONGBAN_AUTH_READ_FINGER_UNCLEAR,
                                   "fingerprint: the image was unusable");
          break;
        default:
          return_device_error (task, error, "fingerprint");
          break;
        }
      return;
    }
  /* The identity service decides; the reader's verdict goes with the card. */
  out = card_params (d->card);
  add (out, "match", g_strdup (match.matched ? "true" : "false"));
  g_task_return_pointer (task, finish_array (out), (GDestroyNotify) tongban_auth_reading_free);
}

static void read_card (GTask *task);

/* ---- face: the ID number from the card, a live check, one picture ------ */

static void
encode_face (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TongbanFrameImage *frame = task_data;
  GError *error = NULL;
  GBytes *jpeg = tongban_frame_image_encode_jpeg (frame, 85, &error);

  if (jpeg == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, jpeg, (GDestroyNotify) g_bytes_unref);
}

static void
on_face_encoded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReadData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = g_task_propagate_pointer (G_TASK (result), &error);
  GPtrArray *out;
  gsize len = 0;
  const guint8 *bytes;

  if (jpeg == NULL)
    {
      g_task_return_new_error (task, TONGBAN_AUTH_READ_ERROR, TONGBAN_AUTH_READ_NO_DEVICE,
                               "face: the picture could not be encoded: %s", error->message);
      return;
    }
  bytes = g_bytes_get_data (jpeg, &len);
  out = g_ptr_array_new ();
  add (out, "id_number", g_strdup (d->card->fields[TONGBAN_ID_NUMBER]));
  add (out, "face", g_base64_encode (bytes, len));
  add (out, "liveness_live", g_strdup ("true"));
  add (out, "liveness_reason", g_strdup (d->liveness_reason));
  explicit_bzero ((guint8 *) bytes, len);
  g_task_return_pointer (task, finish_array (out), (GDestroyNotify) tongban_auth_reading_free);
}

static void
on_face_captured (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  TongbanFrameImage *frame = tongban_camera_capture_finish (TONGBAN_CAMERA (source), result,
                                                            &error);
  g_autoptr(GTask) encode = NULL;

  if (frame == NULL)
    {
      tongban_devices_guide (((ReadData *) g_task_get_task_data (task))->devices, "camera",
                             FALSE);
      return_device_error (task, error, "face");
      return;
    }
  tongban_devices_guide (((ReadData *) g_task_get_task_data (task))->devices, "camera", FALSE);
  /* JPEG through GStreamer: off the main thread. */
  encode = g_task_new (NULL, g_task_get_cancellable (task), on_face_encoded,
                       g_steal_pointer (&task));
  g_task_set_task_data (encode, frame, (GDestroyNotify) tongban_frame_image_free);
  g_task_run_in_thread (encode, encode_face);
}

static void
on_liveness (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReadData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  TongbanLivenessResult *live = tongban_camera_check_liveness_finish (TONGBAN_CAMERA (source),
                                                                      result, &error);
  TongbanAuthReadError code;
  GCancellable *cancellable;

  if (live == NULL)
    {
      tongban_devices_guide (d->devices, "camera", FALSE);
      return_device_error (task, error, "face");
      return;
    }
  switch (live->verdict)
    {
    case TONGBAN_LIVENESS_LIVE:
      d->liveness_reason = g_strdup (live->reason ? live->reason : "live");
      tongban_liveness_result_free (live);
      /* The picture for the comparison with the enrolled photo. */
      cancellable = g_task_get_cancellable (task);
      tongban_camera_capture_async (TONGBAN_CAMERA (source), d->timeout_ms, cancellable,
                                    on_face_captured, g_steal_pointer (&task));
      return;
    case TONGBAN_LIVENESS_NO_FACE:
      code = TONGBAN_AUTH_READ_NO_FACE;
      break;
    case TONGBAN_LIVENESS_FACE_NOT_CENTRED:
      code = TONGBAN_AUTH_READ_FACE_NOT_CENTRED;
      break;
    case TONGBAN_LIVENESS_NOT_LIVE:
    default:
      code = TONGBAN_AUTH_READ_NOT_LIVE;
      break;
    }
  tongban_devices_guide (d->devices, "camera", FALSE);
  g_task_return_new_error (task, TONGBAN_AUTH_READ_ERROR, code, "face: %s",
                           tongban_liveness_verdict_to_string (live->verdict));
  tongban_liveness_result_free (live);
}

/* Takes @task. */
static void
check_face (GTask *task)
{
  ReadData *d = g_task_get_task_data (task);
  TongbanDevice *camera = tongban_devices_get (d->devices, "camera");
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (camera == NULL)
    {
      g_task_return_new_error (task, TONGBAN_AUTH_READ_ERROR, TONGBAN_AUTH_READ_NO_DEVICE,
                               "face: no camera");
      g_object_unref (task);
      return;
    }
  tongban_devices_guide (d->devices, "camera", TRUE);
  tongban_camera_check_liveness_async (TONGBAN_CAMERA (camera), NULL, d->timeout_ms, cancellable,
                                       on_liveness, task);
}

static gboolean
read_card_again (gpointer data)
{
  GTask *task = data;
  ReadData *d = g_task_get_task_data (task);

  g_clear_pointer (&d->retry, g_source_unref);
  read_card (task);
  return G_SOURCE_REMOVE;
}

static void
on_card (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReadData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  TongbanDevice *finger;

  d->card = tongban_idcard_reader_read_finish (TONGBAN_IDCARD_READER (source), result, &error);
  if (d->card == NULL && g_task_return_error_if_cancelled (task))
    {
      tongban_devices_guide (d->devices, "id-card-reader", FALSE);
      return;
    }
  /* No card on the reader yet: the citizen is still placing it. */
  if (d->card == NULL && tongban_completion_from_error (error) == TONGBAN_COMPLETION_USER_ERROR
      && g_get_monotonic_time () < d->deadline)
    {
      d->retry = g_timeout_source_new (CARD_RETRY_MS);
      g_source_set_callback (d->retry, read_card_again, g_steal_pointer (&task), g_object_unref);
      g_source_attach (d->retry, g_task_get_context (user_data));
      return;
    }
  tongban_devices_guide (d->devices, "id-card-reader", FALSE);
  if (d->card == NULL)
    {
      return_device_error (task, error, "identity card");
      return;
    }
  if (g_str_equal (d->method, "face"))
    {
      check_face (g_steal_pointer (&task));
      return;
    }
  if (!g_str_equal (d->method, "fingerprint"))
    {
      g_task_return_pointer (task, finish_array (card_params (d->card)),
                             (GDestroyNotify) tongban_auth_reading_free);
      return;
    }
  if (d->card->fingerprint == NULL)
    {
      g_task_return_new_error (task, TONGBAN_AUTH_READ_ERROR, TONGBAN_AUTH_READ_NO_TEMPLATES,
                               "fingerprint: the card carries none");
      return;
    }
  finger = tongban_devices_get (d->devices, "fingerprint-reader");
  if (finger == NULL)
    {
      g_task_return_new_error (task, TONGBAN_AUTH_READ_ERROR, TONGBAN_AUTH_READ_NO_DEVICE,
                               "fingerprint: no reader");
      return;
    }
  tongban_devices_guide (d->devices, "fingerprint-reader", TRUE);
  cancellable = g_task_get_cancellable (task);
  tongban_fingerprint_reader_verify_async (TONGBAN_FINGERPRINT_READER (finger),
                                           d->card->fingerprint, d->timeout_ms, cancellable,
                                           on_finger, g_steal_pointer (&task));
}

/* Takes a reference on @task for the read. */
static void
read_card (GTask *task)
{
  ReadData *d = g_task_get_task_data (task);
  TongbanDevice *reader = tongban_devices_get (d->devices, "id-card-reader");

  if (reader == NULL)
    {
      g_task_return_new_error (task, TONGBAN_AUTH_READ_ERROR, TONGBAN_AUTH_READ_NO_DEVICE,
                               "identity card: no reader");
      return;
    }
  tongban_idcard_reader_read_async (TONGBAN_IDCARD_READER (reader),
                                    g_str_equal (d->method, "fingerprint"), CARD_POLL_MS,
                                    g_task_get_cancellable (task), on_card, g_object_ref (task));
}

static void
on_mrz (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReadData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanMrz) mrz = tongban_camera_read_mrz_finish (TONGBAN_CAMERA (source), result,
                                                              &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GPtrArray *out;

  tongban_devices_guide (d->devices, "document-camera", FALSE);
  if (mrz == NULL)
    {
      /* No readable zone on the picture is the permit that could not be read. */
      if (tongban_completion_from_error (error) == TONGBAN_COMPLETION_USER_ERROR)
        g_task_return_new_error (task, TONGBAN_AUTH_READ_ERROR, TONGBAN_AUTH_READ_UNREADABLE,
                                 "permit: no readable machine-readable zone");
      else
        return_device_error (task, error, "permit");
      return;
    }
  out = g_ptr_array_new ();
  add (out, "document_number", g_strdup (mrz->document_number));
  add (out, "name", g_strjoin (" ", mrz->surname, mrz->given_names, NULL));
  add (out, "birth", tongban_auth_date_from_mrz (mrz->birth, FALSE,
                                                 g_date_time_get_year (now)));
  add (out, "expiry", tongban_auth_date_from_mrz (mrz->expiry, TRUE,
                                                  g_date_time_get_year (now)));
  g_task_return_pointer (task, finish_array (out), (GDestroyNotify) tongban_auth_reading_free);
}

/* Reads what @method needs: the card on the reader (waiting up to
 * @timeout_ms for one to be put there, the light beside it flashing), the
 * permit under the document camera, or the card and then the finger. */
void
tongban_auth_read_async (TongbanDevices      *devices,
                         const char          *method,
                         guint                timeout_ms,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadData *d;
  const char *kind;
  TongbanDevice *device;

  g_return_if_fail (TONGBAN_IS_DEVICES (devices));

  task = g_task_new (devices, cancellable, callback, user_data);
  g_task_set_source_tag (task, tongban_auth_read_async);
  d = g_new0 (ReadData, 1);
  d->devices = g_object_ref (devices);
  d->method = g_strdup (method);
  d->timeout_ms = timeout_ms;
  d->deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  g_task_set_task_data (task, d, read_data_free);

  kind = tongban_auth_read_device (method);
  device = kind ? tongban_devices_get (devices, kind) : NULL;
  if (device == NULL)
    {
      g_task_return_new_error (task, TONGBAN_AUTH_READ_ERROR, TONGBAN_AUTH_READ_NO_DEVICE,
                               "%s: no %s here", method ? method : "?", kind ? kind : "device");
      return;
    }
  tongban_devices_guide (devices, kind, TRUE);
  if (g_str_equal (kind, "document-camera"))
    tongban_camera_read_mrz_async (TONGBAN_CAMERA (device), timeout_ms, cancellable, on_mrz,
                                   g_steal_pointer (&task));
  else
    read_card (task);
}

/* The reading (free with tongban_auth_reading_free()), or NULL. */
char **
tongban_auth_read_finish (TongbanDevices  *devices,
                          GAsyncResult    *result,
                          GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, devices), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Plain words (an English msgid) for a failed reading. */
const char *
tongban_auth_read_error_text (const GError *error)
{
  if (error == NULL || error->domain != TONGBAN_AUTH_READ_ERROR)
    return N_("Something went wrong while reading. Try again, or choose another way to prove "
              "who you are.");
  switch ((TongbanAuthReadError) error->code)
    {
    case TONGBAN_AUTH_READ_NO_CARD:
      return N_("No card was found on the reader. Place your card flat on the reader and touch "
                "Try again.");
    case TONGBAN_AUTH_READ_UNREADABLE:
      return N_("Your document could not be read. Take it off, put it back flat and touch Try "
                "again, or choose another way.");
    case TONGBAN_AUTH_READ_NO_FINGER:
      return N_("No finger was felt on the reader. Place your finger flat on it and touch Try "
                "again.");
    case TONGBAN_AUTH_READ_FINGER_UNCLEAR:
      return N_("Your fingerprint was not clear. Press your finger flat on the reader and touch "
                "Try again.");
    case TONGBAN_AUTH_READ_NO_TEMPLATES:
      return N_("Your identity card holds no fingerprints. Choose another way to prove who you "
                "are.");
    case TONGBAN_AUTH_READ_NO_FACE:
      return N_("No face was seen. Stand in front of the screen, look at the camera above it and "
                "touch Try again.");
    case TONGBAN_AUTH_READ_FACE_NOT_CENTRED:
      return N_("Your face is not in the middle of the picture. Stand straight in front of the "
                "screen and touch Try again.");
    case TONGBAN_AUTH_READ_NOT_LIVE:
      /* The same words as the identity service's own refusal. */
      return tongban_backend_reason_words ("not-live");
    case TONGBAN_AUTH_READ_NO_DEVICE:
    default:
      return N_("The reader for this way is not working just now. Choose another way to prove "
                "who you are, or ask the staff at the service desk.");
    }
}
