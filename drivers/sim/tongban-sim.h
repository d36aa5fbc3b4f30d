/* tongban-sim.h: the far end of a device link, for tests and the demo
 *
 * A simulator owns a pty (the driver opens its stable symlink, as it would
 * open /dev/ttyUSB0) or a TCP listener, and speaks the device's real wire
 * protocol from its own thread. A scenario string schedules events:
 *   "t=2s paper low; t=5s paper out; t=800ms card present"
 * Events every simulator knows: "unplug" and "replug" (the link disappears
 * and comes back at the same address). On a pty the simulator paces its side
 * at the configured baud rate (10 bits a byte), both ways, like a UART.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TongbanSim TongbanSim;

typedef struct
{
  const char *name;
  /* Sim thread. Consumes what it can from the input, returns how much. */
  gsize    (*input)     (TongbanSim *sim, const guint8 *data, gsize length);
  /* Sim thread. A scenario or injected event; FALSE if unknown. */
  gboolean (*event)     (TongbanSim *sim, const char *event);
  /* Sim thread. A peer connected (TCP) or the pty was (re)created. */
  void     (*connected) (TongbanSim *sim);
  void     (*finalize)  (TongbanSim *sim);
  /* Sim thread, every tick_ms while it is set (a camera's frame clock). */
  void     (*tick)      (TongbanSim *sim);
  guint      tick_ms;
} TongbanSimClass;

TongbanSim *tongban_sim_new_pty        (const TongbanSimClass *klass,
                                        gpointer               state,
                                        guint                  baud,
                                        GError               **error);
TongbanSim *tongban_sim_new_tcp        (const TongbanSimClass *klass,
                                        gpointer               state,
                                        guint                  port,
                                        GError               **error);
/* The simulator dials out instead (a virtual card connecting to vpcd):
 * tongban_sim_connect() from the sim thread, tongban_sim_disconnect() to hang up. */
TongbanSim *tongban_sim_new_tcp_client (const TongbanSimClass *klass,
                                        gpointer               state,
                                        guint                  port);
void        tongban_sim_free           (TongbanSim            *sim);
const char *tongban_sim_get_link       (TongbanSim            *sim);
gpointer    tongban_sim_get_state      (TongbanSim            *sim);
gboolean    tongban_sim_set_scenario   (TongbanSim            *sim,
                                        const char            *scenario,
                                        GError               **error);
void        tongban_sim_start          (TongbanSim            *sim);
void        tongban_sim_inject         (TongbanSim            *sim,
                                        const char            *event);
gboolean    tongban_sim_inject_wait    (TongbanSim            *sim,
                                        const char            *event,
                                        guint                  timeout_ms);
guint       tongban_sim_get_events_done (TongbanSim           *sim);
void        tongban_sim_lock           (TongbanSim            *sim);
void        tongban_sim_unlock         (TongbanSim            *sim);

/* Sim thread only. */
void        tongban_sim_send           (TongbanSim            *sim,
                                        const guint8          *data,
                                        gsize                  length);
void        tongban_sim_disconnect     (TongbanSim            *sim);
void        tongban_sim_unplug         (TongbanSim            *sim);
gboolean    tongban_sim_connect        (TongbanSim            *sim);

/* "t=2s paper low; t=5s paper out" -> times (ms) and events */
gboolean    tongban_sim_parse_scenario (const char            *scenario,
                                        GArray               **times,
                                        GPtrArray            **events,
                                        GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanSim, tongban_sim_free)

G_END_DECLS
