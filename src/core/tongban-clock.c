/* tongban-clock.c: local time corrected by the management server's */

#include "tongban-clock.h"

static gint64 offset_ms;   /* read and written atomically: set on the link's thread */

void
tongban_clock_set_offset_ms (gint64 offset)
{
  __atomic_store_n (&offset_ms, offset, __ATOMIC_RELAXED);
}

gint64
tongban_clock_get_offset_ms (void)
{
  return __atomic_load_n (&offset_ms, __ATOMIC_RELAXED);
}

gint64
tongban_clock_now_ms (void)
{
  return g_get_real_time () / 1000 + tongban_clock_get_offset_ms ();
}

GDateTime *
tongban_clock_now_local (void)
{
  gint64 ms = tongban_clock_now_ms ();
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_local (ms / 1000);

  return g_date_time_add (seconds, (ms % 1000) * 1000);
}
