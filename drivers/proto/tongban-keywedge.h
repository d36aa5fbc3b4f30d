/* tongban-keywedge.h: keyboard-wedge barcode scanners, from evdev key events to text
 *
 * A wedge scanner types its data as key presses on a US layout and ends
 * with Enter. Pure: feed it the (type, code, value) of each input_event.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TongbanKeywedge TongbanKeywedge;

TongbanKeywedge *tongban_keywedge_new  (void);
void             tongban_keywedge_free (TongbanKeywedge *self);
char            *tongban_keywedge_feed (TongbanKeywedge *self,
                                        guint16          type,
                                        guint16          code,
                                        gint32           value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanKeywedge, tongban_keywedge_free)

G_END_DECLS
