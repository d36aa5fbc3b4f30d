/* tongban-lockdown.h: which keys and pointer buttons may reach the kiosk
 *
 * A kiosk has no keyboard a citizen should use, but a keyboard may be plugged
 * in (or a scanner may act as one). Nothing may close, switch or escape the
 * kiosk: only plain navigation keys pass. The compositor (cage) refuses VT
 * switching; the window asks it to inhibit system shortcuts as well.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

gboolean tongban_lockdown_key_allowed    (guint            keyval,
                                          GdkModifierType  state,
                                          gboolean         development);
gboolean tongban_lockdown_is_quit_key    (guint            keyval,
                                          GdkModifierType  state,
                                          gboolean         development);
gboolean tongban_lockdown_button_allowed (guint            button);

G_END_DECLS
