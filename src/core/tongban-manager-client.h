/* tongban-manager-client.h: the kiosk's link to tongban-manager
 *
 * On first start the kiosk makes its SM2 key pair (kept in the state folder,
 * mode 0600) and registers; it then waits, asking again now and then, until
 * an administrator approves it. It logs in by signing the manager's one-time
 * challenge, and signs every later request (HMAC-SM3, common/). Heartbeats
 * carry the device layer's report; their answers carry the manager's time
 * (the kiosk's one clock), commands and module switches, which reach the
 * kiosk as properties and signals on the thread that made this object.
 * Usage events go through an on-disk queue (tongban-event-queue.h).
 *
 * All network work runs on one worker thread with libcurl: the GTK main
 * thread never waits for the network. Failures back off (doubling, with
 * jitter, up to max-backoff seconds) and are logged once per change, in one
 * line; an expired session is renewed by logging in again.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include "tongban-event-queue.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_MANAGER_CLIENT (tongban_manager_client_get_type ())
G_DECLARE_FINAL_TYPE (TongbanManagerClient, tongban_manager_client, TONGBAN, MANAGER_CLIENT,
                      GObject)

/* The link as a maintainer would name it. */
typedef enum {
  TONGBAN_MANAGER_LINK_STARTING,
  TONGBAN_MANAGER_LINK_PENDING,      /* registered, waiting for approval */
  TONGBAN_MANAGER_LINK_ONLINE,       /* logged in, last request answered */
  TONGBAN_MANAGER_LINK_OFFLINE,      /* the manager cannot be reached */
  TONGBAN_MANAGER_LINK_REFUSED,      /* the manager answered no (see last-error) */
} TongbanManagerLink;

typedef struct {
  const char *url;           /* http://host:port, no trailing path */
  const char *number;        /* terminal number, 3-32 letters, digits or '-' */
  const char *site;
  const char *region_code;
  const char *state_dir;     /* the SM2 key and the event queue live here */
  guint       max_backoff_s; /* 0: 60 */
} TongbanManagerClientSetup;

TongbanManagerClient *tongban_manager_client_new          (const TongbanManagerClientSetup *setup,
                                                           GError                         **error);
void                  tongban_manager_client_start        (TongbanManagerClient *self);
void                  tongban_manager_client_stop         (TongbanManagerClient *self);
void                  tongban_manager_client_set_report   (TongbanManagerClient *self,
                                                           JsonNode             *report);
gboolean              tongban_manager_client_record       (TongbanManagerClient    *self,
                                                           const TongbanUsageEvent *event,
                                                           GError                 **error);
void                  tongban_manager_client_flush        (TongbanManagerClient *self);
void                  tongban_manager_client_heartbeat_now (TongbanManagerClient *self);
gint64                tongban_manager_client_now_ms       (TongbanManagerClient *self);
gint64                tongban_manager_client_clock_offset_ms (TongbanManagerClient *self);
gint64                tongban_manager_client_queued       (TongbanManagerClient *self);
TongbanManagerLink    tongban_manager_client_get_link     (TongbanManagerClient *self);
char                 *tongban_manager_client_dup_last_error (TongbanManagerClient *self);
gboolean              tongban_manager_client_get_locked   (TongbanManagerClient *self);
GStrv                 tongban_manager_client_dup_modules_off (TongbanManagerClient *self);
void                  tongban_manager_client_call_async   (TongbanManagerClient *self,
                                                           const char           *path,
                                                           char                 *body,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean              tongban_manager_client_call_finish  (TongbanManagerClient *self,
                                                           GAsyncResult         *result,
                                                           gint64               *code,
                                                           JsonNode            **data,
                                                           GError              **error);

G_END_DECLS
