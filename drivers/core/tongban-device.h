/* tongban-device.h: the base of every kiosk device (XFS4IoT-style)
 *
 * A device has a state, named supplies (paper, toner, battery …), one worker
 * thread that owns the hardware link and runs commands one at a time from a
 * queue, and completion codes instead of ad-hoc errors. Callers never block:
 * a command is an _async/_finish pair whose callback runs in the caller's
 * thread-default GMainContext. Signals are emitted in the context the device
 * was created in, and "status-changed" only when something actually changed.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  TONGBAN_DEVICE_STATE_STARTING,
  TONGBAN_DEVICE_STATE_ONLINE,
  TONGBAN_DEVICE_STATE_OFFLINE,
  TONGBAN_DEVICE_STATE_NO_DEVICE,
  TONGBAN_DEVICE_STATE_HARDWARE_ERROR,
  TONGBAN_DEVICE_STATE_USER_ERROR,
  TONGBAN_DEVICE_STATE_BUSY,
  /* Works, but has seen a possible attack (cabinet door open, tilted). */
  TONGBAN_DEVICE_STATE_POTENTIAL_FRAUD,
} TongbanDeviceState;

typedef enum {
  TONGBAN_SUPPLY_UNKNOWN,
  TONGBAN_SUPPLY_FULL,
  TONGBAN_SUPPLY_LOW,
  TONGBAN_SUPPLY_OUT,
  TONGBAN_SUPPLY_JAMMED,
} TongbanSupply;

/* The completion of a command; every failure is a GError in
 * TONGBAN_DEVICE_ERROR whose code is one of these (never SUCCESS). */
typedef enum {
  TONGBAN_COMPLETION_SUCCESS,
  TONGBAN_COMPLETION_CANCELED,
  TONGBAN_COMPLETION_TIMEOUT,
  TONGBAN_COMPLETION_DEVICE_NOT_READY,
  TONGBAN_COMPLETION_HARDWARE_ERROR,
  TONGBAN_COMPLETION_INVALID_DATA,
  TONGBAN_COMPLETION_USER_ERROR,
  TONGBAN_COMPLETION_UNSUPPORTED_COMMAND,
  TONGBAN_COMPLETION_SEQUENCE_ERROR,
  TONGBAN_COMPLETION_COMMAND_ERROR,
} TongbanCompletion;

#define TONGBAN_DEVICE_ERROR (tongban_device_error_quark ())
GQuark tongban_device_error_quark (void);

const char *tongban_device_state_to_string (TongbanDeviceState state);
const char *tongban_supply_to_string       (TongbanSupply      supply);
const char *tongban_completion_to_string   (TongbanCompletion  completion);
TongbanCompletion tongban_completion_from_error (const GError *error);

#define TONGBAN_TYPE_DEVICE (tongban_device_get_type ())
G_DECLARE_DERIVABLE_TYPE (TongbanDevice, tongban_device, TONGBAN, DEVICE, GObject)

/* Runs on the worker thread. Returns the result (or NULL with error set);
 * blocking I/O must honour the deadline (monotonic µs, 0 = none) and the
 * cancellable, which tongban_device_deadline_check() and the links do. */
typedef gpointer (*TongbanDeviceFunc) (TongbanDevice *device,
                                       gpointer       data,
                                       gint64         deadline,
                                       GCancellable  *cancellable,
                                       GError       **error);

struct _TongbanDeviceClass
{
  GObjectClass parent_class;

  /* All three run on the worker thread, which owns the hardware. open()
   * is retried by the worker while it fails (so a replugged device comes
   * back by itself); poll() runs whenever the queue has been idle for
   * poll-interval and reads unsolicited input; a failing poll() closes the
   * device and open() is tried again. */
  gboolean (*open)  (TongbanDevice *device, GCancellable *cancellable, GError **error);
  void     (*close) (TongbanDevice *device);
  gboolean (*poll)  (TongbanDevice *device, GCancellable *cancellable, GError **error);
};

const char        *tongban_device_get_name          (TongbanDevice      *self);
TongbanDeviceState tongban_device_get_state         (TongbanDevice      *self);
TongbanSupply      tongban_device_get_supply        (TongbanDevice      *self,
                                                     const char         *supply);
char              *tongban_device_dup_status_text   (TongbanDevice      *self);

void               tongban_device_start             (TongbanDevice      *self);
void               tongban_device_stop              (TongbanDevice      *self);

guint              tongban_device_submit            (TongbanDevice      *self,
                                                     const char         *command,
                                                     guint               timeout_ms,
                                                     TongbanDeviceFunc   func,
                                                     gpointer            data,
                                                     GDestroyNotify      data_free,
                                                     GDestroyNotify      result_free,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
gpointer           tongban_device_submit_finish     (TongbanDevice      *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);
gboolean           tongban_device_cancel            (TongbanDevice      *self,
                                                     guint               request_id);
void               tongban_device_cancel_all        (TongbanDevice      *self);

/* For subclasses, from any thread. */
void               tongban_device_set_state         (TongbanDevice      *self,
                                                     TongbanDeviceState  state);
void               tongban_device_set_supply        (TongbanDevice      *self,
                                                     const char         *supply,
                                                     TongbanSupply       value);
void               tongban_device_emit_event        (TongbanDevice      *self,
                                                     const char         *event,
                                                     GVariant           *payload);
gboolean           tongban_device_deadline_check    (gint64              deadline,
                                                     GCancellable       *cancellable,
                                                     GError            **error);
gint64             tongban_device_deadline_min      (gint64              deadline,
                                                     guint               ms_from_now);
gboolean           tongban_device_invalid_reply     (GError            **error,
                                                     const char         *tag,
                                                     const char         *source,
                                                     const char         *what);

/* Blocks the calling (non-worker) thread's default context until func
 * returns TRUE or timeout_ms passes; for tests and tools. */
gboolean           tongban_device_wait_until        (GMainContext       *context,
                                                     guint               timeout_ms,
                                                     gboolean          (*func) (gpointer),
                                                     gpointer            data);

G_END_DECLS
