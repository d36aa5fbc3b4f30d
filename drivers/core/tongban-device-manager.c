/* tongban-device-manager.c: devices from the config, self-test, change notification
 *
 * The self-test never talks to the hardware itself: each device's worker
 * already opens and polls it, so the test only waits (bounded) for every
 * device to have an answer and reads states and supplies. A device that is
 * still starting when the time is up fails the test as "starting".
 */

#include "tongban-device-manager.h"
#include "tongban-barcode-scanner.h"
#include "tongban-fingerprint-reader.h"
#include "tongban-idcard-reader.h"
#include "tongban-lights.h"
#include "tongban-pinpad.h"
#include "tongban-power-schedule.h"
#include "tongban-receipt-printer.h"
#include "tongban-sensors.h"
#include "tongban-storage.h"
#include "tongban-thermal.h"
#include "tongban-ups.h"
#ifdef HAVE_PCSC
#include "tongban-iccard-reader.h"
#endif
#ifdef HAVE_CUPS
#include "tongban-laser-printer.h"
#endif
#ifdef HAVE_GSTREAMER
#include "tongban-camera.h"
#endif

#include <string.h>

#define GROUP_PREFIX "device:"
#define SELF_TEST_TICK_MS 50

struct _TongbanDeviceManager
{
  GObject     parent_instance;

  GPtrArray  *devices;   /* TongbanDevice, in config order */
};

enum {
  DEVICE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TongbanDeviceManager, tongban_device_manager, G_TYPE_OBJECT)

void
tongban_self_test_result_free (TongbanSelfTestResult *result)
{
  if (result == NULL)
    return;
  g_free (result->name);
  g_free (result->type);
  g_free (result->text);
  g_free (result);
}

static char *
required (GKeyFile    *config,
          const char  *group,
          const char  *key,
          GError     **error)
{
  char *value = g_key_file_get_string (config, group, key, error);

  if (value != NULL && *value == '\0')
    {
      g_free (value);
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "[%s] %s is empty",
                   group, key);
      return NULL;
    }
  return value;
}

#ifdef HAVE_GSTREAMER
/* liveness-min-face=0.15, liveness-max-offset=0.2, liveness-ir-min-mean=40,
 * liveness-ir-min-stddev=12, liveness-ir-face=true: see tongban-liveness.h. */
static void
configure_liveness (TongbanCamera *camera,
                    GKeyFile      *config,
                    const char    *group)
{
  struct { const char *key; double *value; } keys[4];
  TongbanLivenessParams params;

  tongban_liveness_params_init (&params);
  keys[0].key = "liveness-min-face";
  keys[0].value = &params.min_face;
  keys[1].key = "liveness-max-offset";
  keys[1].value = &params.max_offset;
  keys[2].key = "liveness-ir-min-mean";
  keys[2].value = &params.ir_min_mean;
  keys[3].key = "liveness-ir-min-stddev";
  keys[3].value = &params.ir_min_stddev;
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(GError) error = NULL;
      double v = g_key_file_get_double (config, group, keys[i].key, &error);

      if (error == NULL && v >= 0)
        *keys[i].value = v;
    }
  if (g_key_file_has_key (config, group, "liveness-ir-face", NULL))
    params.ir_face = g_key_file_get_boolean (config, group, "liveness-ir-face", NULL);
  tongban_camera_set_liveness_params (camera, &params);
}
#endif

static TongbanDevice *
find_device (GPtrArray  *devices,
             const char *name)
{
  for (guint i = 0; i < devices->len; i++)
    if (g_strcmp0 (tongban_device_get_name (g_ptr_array_index (devices, i)), name) == 0)
      return g_ptr_array_index (devices, i);
  return NULL;
}

/* [device:sensors] type=sensors, board=<a lights device above>, and one
 * key per sensor: its name and the board input it is on (door=0), or
 * temperature=<a temperature device above>. */
static TongbanDevice *
create_sensors (GKeyFile    *config,
                const char  *group,
                const char  *name,
                GPtrArray   *created,
                GError     **error)
{
  g_autofree char *board_name = required (config, group, "board", error);
  g_auto(GStrv) keys = NULL;
  g_autoptr(TongbanSensors) sensors = NULL;
  TongbanDevice *board;

  if (board_name == NULL)
    return NULL;
  board = find_device (created, board_name);
  if (!TONGBAN_IS_LIGHTS (board))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "[%s] board=%s is not a light board defined above", group, board_name);
      return NULL;
    }
  sensors = tongban_sensors_new (name, TONGBAN_LIGHTS (board));
  if (g_key_file_has_key (config, group, "flap-window-ms", NULL))
    {
      int ms = g_key_file_get_integer (config, group, "flap-window-ms", error);

      if (ms < 100 || ms > 60000)
        {
          g_clear_error (error);
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       "[%s] flap-window-ms must be 100 to 60000", group);
          return NULL;
        }
      g_object_set (sensors, "flap-window", (guint) ms, NULL);
    }
  keys = g_key_file_get_keys (config, group, NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autofree char *value = NULL;
      guint64 input;

      if (g_str_equal (keys[i], "type") || g_str_equal (keys[i], "board") ||
          g_str_equal (keys[i], "flap-window-ms"))
        continue;
      value = g_key_file_get_string (config, group, keys[i], NULL);
      if (g_str_equal (keys[i], "temperature"))
        {
          TongbanDevice *thermal = find_device (created, value);

          if (!TONGBAN_IS_THERMAL (thermal))
            {
              g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                           "[%s] temperature=%s is not a temperature device defined above",
                           group, value);
              return NULL;
            }
          tongban_sensors_add_thermal (sensors, keys[i], TONGBAN_THERMAL (thermal));
          continue;
        }
      if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT, &input, NULL))
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       "[%s] %s must be a board input number", group, keys[i]);
          return NULL;
        }
      if (!tongban_sensors_add (sensors, keys[i], (guint) input, error))
        return NULL;
    }
  return TONGBAN_DEVICE (g_steal_pointer (&sensors));
}

static TongbanDevice *
create_device (GKeyFile    *config,
               const char  *group,
               const char  *name,
               const char  *type,
               GPtrArray   *created,
               GError     **error)
{
  g_autofree char *link = NULL;

  if (g_str_equal (type, "iccard"))
    {
#ifdef HAVE_PCSC
      g_autofree char *reader = g_key_file_get_string (config, group, "reader", NULL);
      return TONGBAN_DEVICE (tongban_iccard_reader_new (name, reader));
#else
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "built without pcsc-lite");
      return NULL;
#endif
    }
  if (g_str_equal (type, "laser"))
    {
#ifdef HAVE_CUPS
      g_autofree char *uri = required (config, group, "uri", error);
      return uri ? TONGBAN_DEVICE (tongban_laser_printer_new (name, uri)) : NULL;
#else
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "built without libcups");
      return NULL;
#endif
    }

  if (g_str_equal (type, "sensors"))
    return create_sensors (config, group, name, created, error);
  if (g_str_equal (type, "storage"))
    {
      g_autofree char *mountinfo = g_key_file_get_string (config, group, "mountinfo", NULL);
      return TONGBAN_DEVICE (tongban_storage_new (name, mountinfo));
    }
  if (g_str_equal (type, "power"))
    {
      g_autofree char *wakealarm = g_key_file_get_string (config, group, "wakealarm", NULL);
      return TONGBAN_DEVICE (tongban_power_schedule_new (name, wakealarm));
    }
  if (g_str_equal (type, "temperature"))
    {
      g_autofree char *input = required (config, group, "input", error);
      double warning = g_key_file_get_double (config, group, "warning", NULL);
      double critical = g_key_file_get_double (config, group, "critical", NULL);

      if (input == NULL)
        return NULL;
      return TONGBAN_DEVICE (tongban_thermal_new (name, input, warning > 0 ? warning : 35,
                                                  critical > 0 ? critical : 45));
    }
  /* A document camera is a camera over the glass where permits are laid. */
  if (g_str_equal (type, "camera") || g_str_equal (type, "document-camera"))
    {
#ifdef HAVE_GSTREAMER
      g_autofree char *source = required (config, group, "source", error);
      g_autofree char *ir_source = g_key_file_get_string (config, group, "ir-source", NULL);
      int width = g_key_file_get_integer (config, group, "width", NULL);
      int height = g_key_file_get_integer (config, group, "height", NULL);
      TongbanCamera *camera;

      if (source == NULL)
        return NULL;
      camera = tongban_camera_new_pair (name, source, ir_source && *ir_source ? ir_source : NULL,
                                        width >= 16 ? (guint) width : 640,
                                        height >= 16 ? (guint) height : 480);
      configure_liveness (camera, config, group);
      return TONGBAN_DEVICE (camera);
#else
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "built without GStreamer");
      return NULL;
#endif
    }

  link = required (config, group, "link", error);
  if (link == NULL)
    return NULL;
  if (g_str_equal (type, "idcard"))
    {
      g_autofree char *wlt = g_key_file_get_string (config, group, "wlt-library", NULL);
      g_autofree char *symbol = g_key_file_get_string (config, group, "wlt-symbol", NULL);
      int code = g_key_file_get_integer (config, group, "wlt-code", NULL);

      if (wlt != NULL && !g_key_file_has_key (config, group, "wlt-code", NULL))
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                       "[%s] wlt-library needs the vendor's wlt-code", group);
          return NULL;
        }
      return TONGBAN_DEVICE (tongban_idcard_reader_new_with_decoder (name, link, wlt, symbol,
                                                                     code));
    }
  if (g_str_equal (type, "fingerprint"))
    {
      g_autoptr(GError) local = NULL;
      guint64 password = 0;

      /* The module's password, when one was set on it (0 is the factory's). */
      if (g_key_file_has_key (config, group, "password", NULL))
        password = g_key_file_get_uint64 (config, group, "password", &local);
      if (local != NULL || password > G_MAXUINT32)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       "[%s] password is not a 32-bit number", group);
          return NULL;
        }
      return g_object_new (TONGBAN_TYPE_FINGERPRINT_READER, "name", name, "link", link,
                           "password", (guint) password, "poll-interval", 1000, NULL);
    }
  if (g_str_equal (type, "receipt"))
    return TONGBAN_DEVICE (tongban_receipt_printer_new (name, link));
  if (g_str_equal (type, "pinpad"))
    return TONGBAN_DEVICE (tongban_pinpad_new (name, link));
  if (g_str_equal (type, "lights"))
    return TONGBAN_DEVICE (tongban_lights_new (name, link));
  if (g_str_equal (type, "scanner"))
    return TONGBAN_DEVICE (tongban_barcode_scanner_new (name, link));
  if (g_str_equal (type, "ups"))
    {
      g_autofree char *ups = required (config, group, "ups", error);
      return ups ? TONGBAN_DEVICE (tongban_ups_new (name, link, ups)) : NULL;
    }
  g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
               "[%s] unknown device type '%s'", group, type);
  return NULL;
}

static void
on_device_status (TongbanDevice        *device,
                  int                   state,
                  TongbanDeviceManager *self)
{
  g_signal_emit (self, signals[DEVICE_CHANGED], 0, device);
}

static void
on_device_supply (TongbanDevice        *device,
                  const char           *supply,
                  int                   value,
                  TongbanDeviceManager *self)
{
  g_signal_emit (self, signals[DEVICE_CHANGED], 0, device);
}

gboolean
tongban_device_manager_load (TongbanDeviceManager  *self,
                             GKeyFile              *config,
                             GError               **error)
{
  g_auto(GStrv) groups = NULL;
  g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (TONGBAN_IS_DEVICE_MANAGER (self), FALSE);
  g_return_val_if_fail (self->devices->len == 0, FALSE);

  groups = g_key_file_get_groups (config, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *name = groups[i] + strlen (GROUP_PREFIX);
      g_autofree char *type = NULL;
      TongbanDevice *device;

      if (!g_str_has_prefix (groups[i], GROUP_PREFIX))
        continue;
      type = required (config, groups[i], "type", error);
      if (type == NULL)
        return FALSE;
      device = create_device (config, groups[i], name, type, created, error);
      if (device == NULL)
        return FALSE;
      g_object_set_data_full (G_OBJECT (device), "tongban-type", g_steal_pointer (&type), g_free);
      g_ptr_array_add (created, device);
    }

  for (guint i = 0; i < created->len; i++)
    {
      TongbanDevice *device = g_ptr_array_index (created, i);

      g_signal_connect_object (device, "status-changed", G_CALLBACK (on_device_status), self, 0);
      g_signal_connect_object (device, "supply-changed", G_CALLBACK (on_device_supply), self, 0);
      g_ptr_array_add (self->devices, g_object_ref (device));
    }
  return TRUE;
}

TongbanDevice *
tongban_device_manager_get (TongbanDeviceManager *self,
                            const char           *name)
{
  g_return_val_if_fail (TONGBAN_IS_DEVICE_MANAGER (self), NULL);

  return find_device (self->devices, name);
}

/* (transfer container) */
GPtrArray *
tongban_device_manager_list (TongbanDeviceManager *self)
{
  g_return_val_if_fail (TONGBAN_IS_DEVICE_MANAGER (self), NULL);
  return g_ptr_array_ref (self->devices);
}

void
tongban_device_manager_start (TongbanDeviceManager *self)
{
  g_return_if_fail (TONGBAN_IS_DEVICE_MANAGER (self));

  for (guint i = 0; i < self->devices->len; i++)
    tongban_device_start (g_ptr_array_index (self->devices, i));
}

void
tongban_device_manager_stop (TongbanDeviceManager *self)
{
  g_return_if_fail (TONGBAN_IS_DEVICE_MANAGER (self));

  for (guint i = 0; i < self->devices->len; i++)
    tongban_device_stop (g_ptr_array_index (self->devices, i));
}

typedef struct
{
  TongbanDeviceManager *self;
  gint64                deadline;
} SelfTest;

static gboolean
device_passes (TongbanDevice *device)
{
  static const char * const supplies[] = { "paper", "toner", "battery" };

  if (tongban_device_get_state (device) != TONGBAN_DEVICE_STATE_ONLINE)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (supplies); i++)
    {
      TongbanSupply s = tongban_device_get_supply (device, supplies[i]);
      if (s == TONGBAN_SUPPLY_OUT || s == TONGBAN_SUPPLY_JAMMED)
        return FALSE;
    }
  return TRUE;
}

static gboolean
self_test_tick (gpointer data)
{
  GTask *task = data;
  SelfTest *st = g_task_get_task_data (task);
  g_autoptr(GPtrArray) results = NULL;
  gboolean waiting = FALSE;

  if (g_task_return_error_if_cancelled (task))
    return G_SOURCE_REMOVE;
  for (guint i = 0; i < st->self->devices->len; i++)
    if (tongban_device_get_state (g_ptr_array_index (st->self->devices, i)) ==
        TONGBAN_DEVICE_STATE_STARTING)
      waiting = TRUE;
  if (waiting && g_get_monotonic_time () < st->deadline)
    return G_SOURCE_CONTINUE;

  results = g_ptr_array_new_with_free_func ((GDestroyNotify) tongban_self_test_result_free);
  for (guint i = 0; i < st->self->devices->len; i++)
    {
      TongbanDevice *device = g_ptr_array_index (st->self->devices, i);
      TongbanSelfTestResult *r = g_new0 (TongbanSelfTestResult, 1);

      r->name = g_strdup (tongban_device_get_name (device));
      r->type = g_strdup (g_object_get_data (G_OBJECT (device), "tongban-type"));
      r->state = tongban_device_get_state (device);
      r->ok = device_passes (device);
      r->text = tongban_device_dup_status_text (device);
      g_message ("self-test: %s: %s", r->text, r->ok ? "pass" : "FAIL");
      g_ptr_array_add (results, r);
    }
  g_task_return_pointer (task, g_steal_pointer (&results), (GDestroyNotify) g_ptr_array_unref);
  return G_SOURCE_REMOVE;
}

void
tongban_device_manager_self_test_async (TongbanDeviceManager *self,
                                        guint                 timeout_ms,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSource) source = g_timeout_source_new (SELF_TEST_TICK_MS);
  SelfTest *st = g_new0 (SelfTest, 1);

  g_return_if_fail (TONGBAN_IS_DEVICE_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tongban_device_manager_self_test_async);
  st->self = self;
  st->deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  g_task_set_task_data (task, st, g_free);
  tongban_device_manager_start (self);
  g_source_set_callback (source, self_test_tick, g_object_ref (task), g_object_unref);
  g_source_attach (source, g_task_get_context (task));
}

/* (transfer full) (element-type TongbanSelfTestResult), one per device, in config order */
GPtrArray *
tongban_device_manager_self_test_finish (TongbanDeviceManager  *self,
                                         GAsyncResult          *result,
                                         GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
tongban_device_manager_dispose (GObject *object)
{
  TongbanDeviceManager *self = TONGBAN_DEVICE_MANAGER (object);

  if (self->devices != NULL)
    tongban_device_manager_stop (self);
  g_clear_pointer (&self->devices, g_ptr_array_unref);

  G_OBJECT_CLASS (tongban_device_manager_parent_class)->dispose (object);
}

static void
tongban_device_manager_class_init (TongbanDeviceManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tongban_device_manager_dispose;

  /* A device's state or a supply changed (for the monitor). */
  signals[DEVICE_CHANGED] =
    g_signal_new ("device-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TONGBAN_TYPE_DEVICE);
}

static void
tongban_device_manager_init (TongbanDeviceManager *self)
{
  self->devices = g_ptr_array_new_with_free_func (g_object_unref);
}

TongbanDeviceManager *
tongban_device_manager_new (void)
{
  return g_object_new (TONGBAN_TYPE_DEVICE_MANAGER, NULL);
}
