/* tongban-lights.h: the indicator-light board (20 outputs, 5 inputs)
 *
 * Lights the slot the citizen must use (card reader, printer exit …) with an
 * XFS4IoT flash rate, and reports its inputs (door switch, tilt …) as
 * "input-changed" events with the bit mask as payload. TongbanSensors gives
 * the inputs names (door, tilt …).
 */
#pragma once

#include "tongban-link-device.h"
#include "tongban-frame.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_LIGHTS (tongban_lights_get_type ())
G_DECLARE_FINAL_TYPE (TongbanLights, tongban_lights, TONGBAN, LIGHTS, TongbanLinkDevice)

TongbanLights *tongban_lights_new        (const char         *name,
                                          const char         *link);
guint          tongban_lights_set_async  (TongbanLights      *self,
                                          guint               output,
                                          TongbanFlashRate    rate,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
gboolean       tongban_lights_set_finish (TongbanLights      *self,
                                          GAsyncResult       *result,
                                          GError            **error);
guint          tongban_lights_get_inputs (TongbanLights      *self);
guint          tongban_lights_get_input_changes (TongbanLights *self,
                                                 guint          input);

G_END_DECLS
