/* tongban-clock.h: the kiosk's one clock
 *
 * The management server's time is the fleet's clock: every heartbeat answer
 * carries it, and the link to the manager sets the offset here. Everything
 * on the kiosk that shows or stamps a time (the header clock, usage events,
 * receipts, age checks) reads it through this, never the system clock alone.
 * Thread-safe; the offset is 0 until the manager has answered.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void       tongban_clock_set_offset_ms (gint64 offset_ms);
gint64     tongban_clock_get_offset_ms (void);
gint64     tongban_clock_now_ms        (void);
GDateTime *tongban_clock_now_local     (void);

G_END_DECLS
