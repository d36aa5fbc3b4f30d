/* tm-events.h: live pushes to console users over WebSocket (see tm-events.c) */
#pragma once

#include <microhttpd.h>

#include "tm-app.h"

G_BEGIN_DECLS

TmEvents *tm_events_new   (void);
/* Closes every WebSocket connection and waits for their threads. */
void      tm_events_stop  (TmApp *app);
void      tm_events_free  (TmEvents *events);

/* Sends {"type": type, "data": data} (data is taken) to consoles whose scope covers
 * region_path, once conn's transaction commits (at once outside one). */
void      tm_events_emit    (TmApp *app, TmConn *conn, const char *type, const char *region_path,
                             JsonNode *data);
/* A "<region path>\n<event JSON>" payload from this or another manager. */
void      tm_events_deliver (TmApp *app, const char *payload);

/* The 101 answer that hands the connection to a WebSocket pushing events to account. */
struct MHD_Response *tm_events_ws_response (TmApp *app, const TmAccount *account,
                                            const char *upgrade, const char *version,
                                            const char *key, GError **error);

G_END_DECLS
