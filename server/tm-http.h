/* tm-http.h: the manager's HTTP front (libmicrohttpd thread pool) and its routes */
#pragma once

#include "tm-app.h"

G_BEGIN_DECLS

typedef struct _TmHttp TmHttp;

TmHttp  *tm_http_start (TmApp    *app,
                        GError  **error);
guint    tm_http_port  (TmHttp   *http);
void     tm_http_stop  (TmHttp   *http);
/* "METHOD /pattern" of every route, {} for the variable segment (checked against OpenAPI). */
GPtrArray *tm_http_route_list (void);

G_END_DECLS
