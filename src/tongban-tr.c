/* tongban-tr.c: msgids kept on widgets, translated again on demand */

#include "tongban-tr.h"

#include <glib/gi18n-lib.h>

typedef struct {
  char   *msgid;
  char   *msgid_plural;  /* NULL unless the text depends on a count */
  gulong  n;
} TrText;

static GQuark label_quark;
static GQuark accessible_quark;

static void
tr_text_free (gpointer data)
{
  TrText *t = data;

  g_free (t->msgid);
  g_free (t->msgid_plural);
  g_free (t);
}

static void
ensure_quarks (void)
{
  if (G_UNLIKELY (label_quark == 0))
    {
      label_quark = g_quark_from_static_string ("tongban-tr-label");
      accessible_quark = g_quark_from_static_string ("tongban-tr-accessible");
    }
}

static char *
render (const TrText *t)
{
  if (t->msgid_plural == NULL)
    return g_strdup (g_dgettext (GETTEXT_PACKAGE, t->msgid));

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, t->msgid, t->msgid_plural, t->n), t->n);
}

static void
apply_label (GtkLabel     *label,
             const TrText *t)
{
  g_autofree char *text = render (t);

  if (g_strcmp0 (gtk_label_get_label (label), text) != 0)
    gtk_label_set_label (label, text);
}

static void
apply_accessible (GtkWidget    *widget,
                  const TrText *t)
{
  g_autofree char *text = render (t);

  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static void
set_text (GtkWidget  *widget,
          GQuark      quark,
          const char *msgid,
          const char *msgid_plural,
          gulong      n)
{
  TrText *t;

  ensure_quarks ();
  if (msgid == NULL)
    {
      g_object_set_qdata (G_OBJECT (widget), quark, NULL);
      return;
    }

  t = g_new0 (TrText, 1);
  t->msgid = g_strdup (msgid);
  t->msgid_plural = g_strdup (msgid_plural);
  t->n = n;
  g_object_set_qdata_full (G_OBJECT (widget), quark, t, tr_text_free);

  if (quark == label_quark)
    apply_label (GTK_LABEL (widget), t);
  else
    apply_accessible (widget, t);
}

void
tongban_tr_label (GtkLabel   *label,
                  const char *msgid)
{
  g_return_if_fail (GTK_IS_LABEL (label));
  ensure_quarks ();
  set_text (GTK_WIDGET (label), label_quark, msgid, NULL, 0);
}

void
tongban_tr_label_plural (GtkLabel   *label,
                         const char *msgid,
                         const char *msgid_plural,
                         gulong      n)
{
  g_return_if_fail (GTK_IS_LABEL (label));
  g_return_if_fail (msgid != NULL && msgid_plural != NULL);
  ensure_quarks ();
  set_text (GTK_WIDGET (label), label_quark, msgid, msgid_plural, n);
}

void
tongban_tr_accessible_label (GtkWidget  *widget,
                             const char *msgid)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  ensure_quarks ();
  set_text (widget, accessible_quark, msgid, NULL, 0);
}

const char *
tongban_tr_get_msgid (GtkLabel *label)
{
  TrText *t;

  ensure_quarks ();
  t = g_object_get_qdata (G_OBJECT (label), label_quark);
  return t ? t->msgid : NULL;
}

static void
walk (GtkWidget *widget,
      gboolean   capture)
{
  ensure_quarks ();

  if (GTK_IS_LABEL (widget))
    {
      TrText *t = g_object_get_qdata (G_OBJECT (widget), label_quark);

      if (t != NULL)
        apply_label (GTK_LABEL (widget), t);
      else if (capture && !gtk_widget_has_css_class (widget, TONGBAN_TR_FIXED_CLASS))
        {
          const char *text = gtk_label_get_label (GTK_LABEL (widget));

          /* Empty labels are filled at run time by their page. */
          if (text != NULL && *text != '\0')
            {
              g_autofree char *msgid = g_strdup (text);

              set_text (widget, label_quark, msgid, NULL, 0);
            }
        }
    }

  {
    TrText *t = g_object_get_qdata (G_OBJECT (widget), accessible_quark);

    if (t != NULL)
      apply_accessible (widget, t);
  }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    walk (child, capture);
}

void
tongban_tr_capture (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));
  walk (root, TRUE);
}

void
tongban_tr_refresh (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));
  walk (root, FALSE);
}
