/* tongban-power-schedule.h: scheduled power-on through the RTC wake alarm
 *
 * Clause 7.1 asks for scheduled on/off. Off is the system's (the kiosk
 * asks logind); on is the real-time clock waking the PC, set through
 * /sys/class/rtc/rtc0/wakealarm. "Power on after a power cut" is a BIOS
 * setting and not software's to make.
 */
#pragma once

#include "tongban-device.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_POWER_SCHEDULE (tongban_power_schedule_get_type ())
G_DECLARE_FINAL_TYPE (TongbanPowerSchedule, tongban_power_schedule, TONGBAN, POWER_SCHEDULE,
                      TongbanDevice)

TongbanPowerSchedule *tongban_power_schedule_new             (const char           *name,
                                                              const char           *wakealarm);
guint                 tongban_power_schedule_set_wake_async  (TongbanPowerSchedule *self,
                                                              gint64                unix_time,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
gboolean              tongban_power_schedule_set_wake_finish (TongbanPowerSchedule *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);

G_END_DECLS
