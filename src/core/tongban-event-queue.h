/* tongban-event-queue.h: usage events waiting for the management server, on disk
 *
 * Each event gets a stable id when it is queued; the manager stores an id once
 * (UNIQUE (terminal_id, event_id)), so sending a batch again after a cut
 * connection or a killed kiosk stores nothing twice, and an event leaves the
 * queue only after the manager has acknowledged it: each event is stored
 * exactly once. SQLite in WAL mode with synchronous=FULL: a queued event
 * survives a power cut. The file is the kiosk's (mode 0600); events carry no
 * personal data, only the fields below, each a short token.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TONGBAN_EVENT_QUEUE_ERROR (tongban_event_queue_error_quark ())

typedef enum {
  TONGBAN_EVENT_QUEUE_ERROR_DB,
  TONGBAN_EVENT_QUEUE_ERROR_INVALID,
} TongbanEventQueueError;

/* What a usage event may say: nothing that names or identifies a citizen. */
typedef struct {
  const char *kind;         /* session-start, session-end, service, login, logout */
  const char *category;     /* catalogue category id, or NULL */
  const char *service;      /* catalogue service id, or NULL */
  const char *auth_method;  /* none, idcard, iccard, face, fingerprint, qrcode, pin, or NULL */
  const char *outcome;      /* success, failure, cancel, timeout, or NULL */
  gint64      duration_ms;  /* < 0: none */
  gint64      occurred_at;  /* Unix seconds on the manager's clock */
} TongbanUsageEvent;

typedef struct _TongbanEventQueue TongbanEventQueue;

GQuark             tongban_event_queue_error_quark (void);
gboolean           tongban_usage_event_check       (const TongbanUsageEvent *event,
                                                    GError                 **error);
TongbanEventQueue *tongban_event_queue_open        (const char              *path,
                                                    GError                 **error);
void               tongban_event_queue_free        (TongbanEventQueue       *queue);
char              *tongban_event_queue_push        (TongbanEventQueue       *queue,
                                                    const TongbanUsageEvent *event,
                                                    GError                 **error);
char              *tongban_event_queue_peek        (TongbanEventQueue       *queue,
                                                    guint                    max,
                                                    guint                   *count,
                                                    gint64                  *last_seq,
                                                    GError                 **error);
gboolean           tongban_event_queue_ack         (TongbanEventQueue       *queue,
                                                    gint64                   last_seq,
                                                    GError                 **error);
gboolean           tongban_event_queue_drop        (TongbanEventQueue       *queue,
                                                    guint                    index,
                                                    GError                 **error);
gint64             tongban_event_queue_length      (TongbanEventQueue       *queue);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanEventQueue, tongban_event_queue_free)

G_END_DECLS
