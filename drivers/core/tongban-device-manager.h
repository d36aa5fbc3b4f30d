/* tongban-device-manager.h: every device of the kiosk, from its config, and the self-test
 *
 * The kiosk config names its devices in groups:
 *   [device:idcard]
 *   type=idcard
 *   link=tty:/dev/ttyUSB0@115200
 * Types and their keys: idcard, receipt, pinpad, lights, scanner (link);
 * fingerprint (link, [password]); ups (link, ups); iccard ([reader]); laser (uri); camera (source, [width],
 * [height]); storage ([mountinfo]); power ([wakealarm]); temperature (input,
 * [warning], [critical]); sensors (board = a lights group above it, and
 * NAME=INPUT per sensor, e.g. door=0, tilt=1, and [temperature] = a
 * temperature group above it). The self-test (clause 8.2.4) waits for each device
 * to leave "starting" and lists every module with its result; the monitor
 * follows "device-changed".
 */
#pragma once

#include "tongban-device.h"

G_BEGIN_DECLS

typedef struct
{
  char              *name;
  char              *type;
  TongbanDeviceState state;
  gboolean           ok;
  char              *text;     /* "receipt: online; paper low" */
} TongbanSelfTestResult;

void tongban_self_test_result_free (TongbanSelfTestResult *result);

#define TONGBAN_TYPE_DEVICE_MANAGER (tongban_device_manager_get_type ())
G_DECLARE_FINAL_TYPE (TongbanDeviceManager, tongban_device_manager, TONGBAN, DEVICE_MANAGER,
                      GObject)

TongbanDeviceManager *tongban_device_manager_new              (void);
gboolean              tongban_device_manager_load             (TongbanDeviceManager *self,
                                                               GKeyFile             *config,
                                                               GError              **error);
TongbanDevice        *tongban_device_manager_get              (TongbanDeviceManager *self,
                                                               const char           *name);
GPtrArray            *tongban_device_manager_list             (TongbanDeviceManager *self);
void                  tongban_device_manager_start            (TongbanDeviceManager *self);
void                  tongban_device_manager_stop             (TongbanDeviceManager *self);
void                  tongban_device_manager_self_test_async  (TongbanDeviceManager *self,
                                                               guint                 timeout_ms,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
GPtrArray            *tongban_device_manager_self_test_finish (TongbanDeviceManager *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

G_END_DECLS
