/* tongban-thermal.h: the cabinet temperature sensor (hwmon)
 *
 * Reads a Linux hwmon input (millidegrees Celsius), e.g.
 * /sys/class/hwmon/hwmon0/temp1_input. Above the warning level it emits
 * "temperature-high", above the critical level the device is in hardware
 * error ("temperature-critical"), and "temperature-normal" when it is back.
 * Clause 12: the kiosk works from 10 to 35 °C.
 */
#pragma once

#include "tongban-device.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_THERMAL (tongban_thermal_get_type ())
G_DECLARE_FINAL_TYPE (TongbanThermal, tongban_thermal, TONGBAN, THERMAL, TongbanDevice)

TongbanThermal *tongban_thermal_new                 (const char     *name,
                                                     const char     *input,
                                                     double          warning_celsius,
                                                     double          critical_celsius);
double          tongban_thermal_get_celsius         (TongbanThermal *self);
const char     *tongban_thermal_get_level           (TongbanThermal *self);

G_END_DECLS
