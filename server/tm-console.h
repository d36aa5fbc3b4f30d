/* tm-console.h: the web console's static files, served from the manager's GResource */
#pragma once

#include <glib.h>
#include <microhttpd.h>

G_BEGIN_DECLS

/* TRUE for "/", "/console" and everything under "/console/". */
gboolean         tm_console_handles (const char            *url);
enum MHD_Result  tm_console_serve   (struct MHD_Connection *connection,
                                     const char            *method,
                                     const char            *url);

G_END_DECLS
