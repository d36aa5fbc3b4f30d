/* tongban-sensors.h: the cabinet's named sensors on the light board's inputs
 *
 * XFS4IoT's Auxiliaries sensors for a kiosk: the light board (TongbanLights)
 * has five inputs, and the config says which is which (door=0, tilt=1 …).
 * Each sensor is "on" (door open, cabinet tilted), "off", "flapping" (six or
 * more changes within the flap window: a loose switch or someone working at
 * it) or "unknown" (the board is not answering). Every change is a
 * "sensor-changed" event with (name, state) as payload. While any sensor is
 * on or flapping the device is in "potential-fraud", as XFS4IoT calls a
 * device that has seen a possible attack and still works; while the board is
 * not answering, the sensors are "no-device". The cabinet temperature
 * (TongbanThermal) can be one more sensor, whose state is its level
 * ("normal", "high", "critical"); it raises no fraud alarm.
 */
#pragma once

#include "tongban-device.h"
#include "tongban-lights.h"
#include "tongban-thermal.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_SENSORS (tongban_sensors_get_type ())
G_DECLARE_FINAL_TYPE (TongbanSensors, tongban_sensors, TONGBAN, SENSORS, TongbanDevice)

TongbanSensors *tongban_sensors_new       (const char     *name,
                                           TongbanLights  *board);
gboolean        tongban_sensors_add       (TongbanSensors *self,
                                           const char     *sensor,
                                           guint           input,
                                           GError        **error);
void            tongban_sensors_add_thermal (TongbanSensors *self,
                                             const char     *sensor,
                                             TongbanThermal *thermal);
char           *tongban_sensors_dup_state (TongbanSensors *self,
                                           const char     *sensor);

G_END_DECLS
