/* tongban-pin-pad.c: the on-screen PIN keypad */

#include "tongban-pin-pad.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include "tongban-tr.h"

struct _TongbanPinPad
{
  GtkWidget  parent_instance;

  GtkLabel  *display;
  GtkGrid   *keys;
  GtkWidget *ok_button;

  char       digits[TONGBAN_PIN_PAD_MAX_DIGITS + 1];
  guint      length;
};

enum {
  SUBMITTED,
  DIGIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TongbanPinPad, tongban_pin_pad, GTK_TYPE_WIDGET)

static void
update_display (TongbanPinPad *self)
{
  char dots[TONGBAN_PIN_PAD_MAX_DIGITS * 3 + 1] = "";

  for (guint i = 0; i < self->length; i++)
    strcat (dots, "●");
  gtk_label_set_label (self->display, dots);
  gtk_widget_set_sensitive (self->ok_button, self->length > 0);
}

void
tongban_pin_pad_clear (TongbanPinPad *self)
{
  g_return_if_fail (TONGBAN_IS_PIN_PAD (self));

  explicit_bzero (self->digits, sizeof self->digits);
  self->length = 0;
  update_display (self);
}

guint
tongban_pin_pad_get_length (TongbanPinPad *self)
{
  g_return_val_if_fail (TONGBAN_IS_PIN_PAD (self), 0);
  return self->length;
}

/* The digits so far; valid until the next key or clear. */
const char *
tongban_pin_pad_peek (TongbanPinPad *self)
{
  g_return_val_if_fail (TONGBAN_IS_PIN_PAD (self), NULL);
  return self->digits;
}

/* @key: "0" to "9", "clear" or "delete". Also what a hardware PIN pad's
 * driver calls, so both feed the same buffer. */
void
tongban_pin_pad_press (TongbanPinPad *self,
                       const char    *key)
{
  g_return_if_fail (TONGBAN_IS_PIN_PAD (self));
  g_return_if_fail (key != NULL);

  if (strcmp (key, "clear") == 0)
    tongban_pin_pad_clear (self);
  else if (strcmp (key, "delete") == 0)
    {
      if (self->length > 0)
        self->digits[--self->length] = '\0';
    }
  else if (key[0] >= '0' && key[0] <= '9' && key[1] == '\0')
    {
      if (self->length < TONGBAN_PIN_PAD_MAX_DIGITS)
        {
          self->digits[self->length++] = key[0];
          /* Which digit is never said: listeners read back "asterisk". */
          g_signal_emit (self, signals[DIGIT], 0);
        }
    }
  update_display (self);
}

static void
on_key_clicked (GtkButton     *button,
                TongbanPinPad *self)
{
  tongban_pin_pad_press (self, g_object_get_data (G_OBJECT (button), "key"));
}

/* Confirm, as the OK key on screen or Enter on the hardware pad. */
void
tongban_pin_pad_submit (TongbanPinPad *self)
{
  g_return_if_fail (TONGBAN_IS_PIN_PAD (self));
  if (self->length > 0)
    g_signal_emit (self, signals[SUBMITTED], 0);
}

static void
on_ok_clicked (TongbanPinPad *self)
{
  tongban_pin_pad_submit (self);
}

/* The pad itself takes no focus: its first key does, so that the focus
 * (and with it a hardware PIN pad's digits) is inside the PIN field. */
static gboolean
tongban_pin_pad_grab_focus (GtkWidget *widget)
{
  GtkWidget *first = gtk_grid_get_child_at (TONGBAN_PIN_PAD (widget)->keys, 0, 0);

  return first != NULL && gtk_widget_grab_focus (first);
}

static void
tongban_pin_pad_dispose (GObject *object)
{
  TongbanPinPad *self = TONGBAN_PIN_PAD (object);

  explicit_bzero (self->digits, sizeof self->digits);
  gtk_widget_dispose_template (GTK_WIDGET (object), TONGBAN_TYPE_PIN_PAD);
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
      gtk_widget_unparent (child);
  }
  G_OBJECT_CLASS (tongban_pin_pad_parent_class)->dispose (object);
}

static void
tongban_pin_pad_class_init (TongbanPinPadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tongban_pin_pad_dispose;
  widget_class->grab_focus = tongban_pin_pad_grab_focus;

  /* Emitted on Confirm; read the digits with tongban_pin_pad_peek(). */
  signals[SUBMITTED] = g_signal_new ("submitted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A digit was entered (which one is not told). */
  signals[DIGIT] = g_signal_new ("digit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/tongban-pin-pad.ui");
  gtk_widget_class_bind_template_child (widget_class, TongbanPinPad, display);
  gtk_widget_class_bind_template_child (widget_class, TongbanPinPad, keys);
  gtk_widget_class_bind_template_child (widget_class, TongbanPinPad, ok_button);
  gtk_widget_class_bind_template_callback (widget_class, on_ok_clicked);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "pinpad");
}

static void
tongban_pin_pad_init (TongbanPinPad *self)
{
  static const struct {
    const char *key;
    const char *label;  /* NULL: the key itself */
    const char *name;   /* accessible name */
  } layout[] = {
    { "1" }, { "2" }, { "3" },
    { "4" }, { "5" }, { "6" },
    { "7" }, { "8" }, { "9" },
    { "clear", N_("Clear"), NULL }, { "0" }, { "delete", "⌫", N_("Delete") },
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  tongban_tr_capture (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (layout); i++)
    {
      GtkWidget *button = gtk_button_new ();
      GtkWidget *label = gtk_label_new (NULL);

      if (layout[i].label == NULL || layout[i].name != NULL)
        {
          gtk_label_set_label (GTK_LABEL (label),
                               layout[i].label ? layout[i].label : layout[i].key);
          gtk_widget_add_css_class (label, TONGBAN_TR_FIXED_CLASS);
        }
      else
        tongban_tr_label (GTK_LABEL (label), layout[i].label);
      if (layout[i].name != NULL)
        tongban_tr_accessible_label (button, layout[i].name);

      gtk_button_set_child (GTK_BUTTON (button), label);
      gtk_widget_add_css_class (button, "pin-key");
      g_object_set_data (G_OBJECT (button), "key", (gpointer) layout[i].key);
      g_signal_connect (button, "clicked", G_CALLBACK (on_key_clicked), self);
      gtk_grid_attach (self->keys, button, (int) (i % 3), (int) (i / 3), 1, 1);
    }
  update_display (self);
}

GtkWidget *
tongban_pin_pad_new (void)
{
  return g_object_new (TONGBAN_TYPE_PIN_PAD, NULL);
}
