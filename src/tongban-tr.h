/* tongban-tr.h: re-rendering visible text when the language changes
 *
 * Templates are built with the domain "tongban-msgid", which has no
 * catalogue, so every translatable label arrives holding its English msgid.
 * tongban_tr_capture() records that msgid on the label and shows the
 * translation; tongban_tr_refresh() translates every recorded label under a
 * widget again, so a language switch reaches every page, shown or not,
 * without any page keeping a list of its strings.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TONGBAN_TR_FIXED_CLASS "tr-fixed"

void        tongban_tr_capture             (GtkWidget  *root);
void        tongban_tr_refresh             (GtkWidget  *root);
void        tongban_tr_label               (GtkLabel   *label,
                                            const char *msgid);
void        tongban_tr_label_plural        (GtkLabel   *label,
                                            const char *msgid,
                                            const char *msgid_plural,
                                            gulong      n);
void        tongban_tr_accessible_label    (GtkWidget  *widget,
                                            const char *msgid);
const char *tongban_tr_get_msgid           (GtkLabel   *label);

G_END_DECLS
