/* test-keyboard.c: the on-screen keyboard in a real window (under Xvfb)
 *
 * Types by emitting "clicked" on the keyboard's own key buttons, as a touch
 * does, and checks what lands in the entry.
 */

#include <string.h>
#include "tongban-ime.h"
#include "tongban-keyboard.h"

typedef struct {
  GtkWindow       *window;
  GtkWidget       *entry;
  GtkWidget       *other_entry;
  GtkWidget       *pin_entry;
  GtkWidget       *password;
  GtkWidget       *button;
  TongbanKeyboard *keyboard;
} Fixture;

static void
iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
count (guint *counter)
{
  (*counter)++;
}

/* A button activated by Enter clicks after a short animation. */
static void
wait_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      iterate ();
      g_usleep (5000);
    }
}

static gboolean
on_timeout (gpointer data)
{
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

static void
wait_for_ime (void)
{
  TongbanIme *ime = tongban_ime_get_default ();
  guint timeout = g_timeout_add_seconds (60, on_timeout, NULL);

  tongban_ime_start (ime);
  while (!tongban_ime_is_ready (ime))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  iterate ();
}

static void
click (TongbanKeyboard *keyboard,
       const char      *key)
{
  GtkWidget *button = tongban_keyboard_get_key (keyboard, key);

  if (button == NULL)
    g_error ("no key %s on layout %d", key, tongban_keyboard_get_layout (keyboard));
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
type (TongbanKeyboard *keyboard,
      const char      *keys)
{
  for (const char *k = keys; *k; k++)
    {
      char key[2] = { *k, '\0' };

      click (keyboard, key);
    }
}

static const char *
entry_text (Fixture *f)
{
  return gtk_editable_get_text (GTK_EDITABLE (f->entry));
}

/* The index of the candidate button showing @text, or -1. */
static int
find_candidate (TongbanKeyboard *keyboard,
                const char      *text)
{
  for (guint i = 0; i < 8; i++)
    {
      GtkWidget *button = tongban_keyboard_get_candidate (keyboard, i);
      GtkWidget *label = gtk_button_get_child (GTK_BUTTON (button));

      if (gtk_widget_get_visible (button)
          && strcmp (gtk_label_get_label (GTK_LABEL (label)), text) == 0)
        return (int) i;
    }
  return -1;
}

/* Touches the candidate showing @text. */
static void
choose (TongbanKeyboard *keyboard,
        const char      *text)
{
  int i = find_candidate (keyboard, text);

  g_assert_cmpint (i, >=, 0);
  g_signal_emit_by_name (tongban_keyboard_get_candidate (keyboard, (guint) i), "clicked");
}

static void
focus (Fixture   *f,
       GtkWidget *widget)
{
  gtk_widget_grab_focus (widget);
  iterate ();
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1280, 800);
  tongban_keyboard_add_style (gtk_widget_get_display (GTK_WIDGET (f->window)));

  f->entry = gtk_entry_new ();
  f->other_entry = gtk_entry_new ();
  f->pin_entry = gtk_entry_new ();
  gtk_entry_set_input_purpose (GTK_ENTRY (f->pin_entry), GTK_INPUT_PURPOSE_PIN);
  f->password = gtk_password_entry_new ();
  f->button = gtk_button_new_with_label ("Continue");
  f->keyboard = TONGBAN_KEYBOARD (tongban_keyboard_new ());

  gtk_box_append (GTK_BOX (box), f->entry);
  gtk_box_append (GTK_BOX (box), f->other_entry);
  gtk_box_append (GTK_BOX (box), f->pin_entry);
  gtk_box_append (GTK_BOX (box), f->password);
  gtk_box_append (GTK_BOX (box), f->button);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->keyboard));
  gtk_window_set_child (f->window, box);
  gtk_window_present (f->window);
  tongban_keyboard_attach_to_window (f->keyboard, f->window);
  iterate ();

  focus (f, f->entry);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->keyboard)));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  tongban_keyboard_reset (f->keyboard);
  gtk_window_destroy (f->window);
  iterate ();
}

static void
test_english (Fixture       *f,
              gconstpointer  data)
{
  g_assert_cmpint (tongban_keyboard_get_layout (f->keyboard), ==, TONGBAN_KEYBOARD_LAYOUT_ENGLISH);
  /* The focus moved to the entry's text, which is the target. */
  g_assert_true (gtk_widget_is_ancestor (tongban_keyboard_get_target (f->keyboard), f->entry));

  type (f->keyboard, "abc");
  g_assert_cmpstr (entry_text (f), ==, "abc");

  click (f->keyboard, "shift");
  type (f->keyboard, "d");
  type (f->keyboard, "e");  /* Shift is for one letter */
  g_assert_cmpstr (entry_text (f), ==, "abcDe");

  click (f->keyboard, "backspace");
  click (f->keyboard, "backspace");
  g_assert_cmpstr (entry_text (f), ==, "abc");
  click (f->keyboard, "space");
  click (f->keyboard, ".");
  g_assert_cmpstr (entry_text (f), ==, "abc .");

  /* Insertion goes where the cursor is, nothing else moves. */
  gtk_editable_set_position (GTK_EDITABLE (f->entry), 1);
  type (f->keyboard, "x");
  g_assert_cmpstr (entry_text (f), ==, "axbc .");
  click (f->keyboard, "backspace");
  g_assert_cmpstr (entry_text (f), ==, "abc .");
  g_assert_cmpint (gtk_editable_get_position (GTK_EDITABLE (f->entry)), ==, 1);

  /* The focus stayed in the entry all along. */
  g_assert_true (gtk_widget_has_focus (tongban_keyboard_get_target (f->keyboard)));

  /* Done activates the field (the form moves on) and says so. */
  {
    guint done = 0, activated = 0;

    g_signal_connect_swapped (f->keyboard, "done", G_CALLBACK (count), &done);
    g_signal_connect_swapped (f->entry, "activate", G_CALLBACK (count), &activated);
    click (f->keyboard, "enter");
    g_assert_cmpuint (done, ==, 1);
    g_assert_cmpuint (activated, ==, 1);
    g_assert_cmpstr (entry_text (f), ==, "abc .");
  }
}

static void
test_pinyin (Fixture       *f,
             gconstpointer  data)
{
  wait_for_ime ();
  click (f->keyboard, "language");
  g_assert_cmpint (tongban_keyboard_get_layout (f->keyboard), ==, TONGBAN_KEYBOARD_LAYOUT_PINYIN);

  type (f->keyboard, "shebao");
  g_assert_cmpstr (entry_text (f), ==, "");  /* still composing */
  choose (f->keyboard, "社保");
  g_assert_cmpstr (entry_text (f), ==, "社保");

  /* Space takes the first candidate. */
  type (f->keyboard, "zhengming");
  g_assert_cmpint (find_candidate (f->keyboard, "证明"), ==, 0);
  click (f->keyboard, "space");
  g_assert_cmpstr (entry_text (f), ==, "社保证明");

  /* Backspace edits the composition first, then the text. */
  type (f->keyboard, "da");
  click (f->keyboard, "backspace");
  click (f->keyboard, "backspace");
  g_assert_cmpstr (entry_text (f), ==, "社保证明");
  click (f->keyboard, "backspace");
  g_assert_cmpstr (entry_text (f), ==, "社保证");

  /* Paging through candidates. */
  type (f->keyboard, "shi");
  {
    GtkWidget *first = tongban_keyboard_get_candidate (f->keyboard, 0);
    GtkLabel *label = GTK_LABEL (gtk_button_get_child (GTK_BUTTON (first)));
    g_autofree char *before = g_strdup (gtk_label_get_label (label));
    GtkWidget *next = gtk_widget_get_next_sibling (gtk_widget_get_parent (first));

    g_assert_true (GTK_IS_BUTTON (next));
    g_signal_emit_by_name (next, "clicked");
    g_assert_cmpstr (gtk_label_get_label (label), !=, before);
  }
  /* Done while composing keeps the letters. */
  click (f->keyboard, "enter");
  g_assert_cmpstr (entry_text (f), ==, "社保证shi");

  /* Chinese punctuation. */
  click (f->keyboard, "，");
  g_assert_cmpstr (entry_text (f), ==, "社保证shi，");
}

static void
test_cangjie (Fixture       *f,
              gconstpointer  data)
{
  wait_for_ime ();
  tongban_keyboard_set_layout (f->keyboard, TONGBAN_KEYBOARD_LAYOUT_CANGJIE);
  type (f->keyboard, "hqi");
  g_assert_cmpint (find_candidate (f->keyboard, "我"), ==, 0);
  click (f->keyboard, "space");
  g_assert_cmpstr (entry_text (f), ==, "我");

  /* 香港: hda 香, etcu 港 */
  type (f->keyboard, "hda");
  choose (f->keyboard, "香");
  type (f->keyboard, "etcu");
  choose (f->keyboard, "港");
  g_assert_cmpstr (entry_text (f), ==, "我香港");

  /* The language key goes round back to English. */
  click (f->keyboard, "language");
  g_assert_cmpint (tongban_keyboard_get_layout (f->keyboard), ==, TONGBAN_KEYBOARD_LAYOUT_ENGLISH);
}

static void
test_layouts (Fixture       *f,
              gconstpointer  data)
{
  click (f->keyboard, "numbers");
  g_assert_cmpint (tongban_keyboard_get_layout (f->keyboard), ==, TONGBAN_KEYBOARD_LAYOUT_NUMBERS);
  type (f->keyboard, "42");
  click (f->keyboard, "letters");
  g_assert_cmpint (tongban_keyboard_get_layout (f->keyboard), ==, TONGBAN_KEYBOARD_LAYOUT_ENGLISH);
  tongban_keyboard_set_layout (f->keyboard, TONGBAN_KEYBOARD_LAYOUT_SYMBOLS);
  click (f->keyboard, "@");
  g_assert_cmpstr (entry_text (f), ==, "42@");

  /* Input purposes choose the first layout. */
  gtk_entry_set_input_purpose (GTK_ENTRY (f->other_entry), GTK_INPUT_PURPOSE_PHONE);
  focus (f, f->other_entry);
  g_assert_cmpint (tongban_keyboard_get_layout (f->keyboard), ==, TONGBAN_KEYBOARD_LAYOUT_NUMBERS);
  type (f->keyboard, "852");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (f->other_entry)), ==, "852");
  gtk_entry_set_input_purpose (GTK_ENTRY (f->entry), GTK_INPUT_PURPOSE_EMAIL);
  focus (f, f->entry);
  g_assert_cmpint (tongban_keyboard_get_layout (f->keyboard), ==, TONGBAN_KEYBOARD_LAYOUT_ENGLISH);
}

static void
test_refuses_pin (Fixture       *f,
                  gconstpointer  data)
{
  GtkWidget *hidden = gtk_entry_new ();
  GtkWidget *inhibit = gtk_text_new ();
  GtkWidget *read_only = gtk_entry_new ();

  g_object_ref_sink (hidden);
  g_object_ref_sink (inhibit);
  g_object_ref_sink (read_only);

  g_assert_false (tongban_keyboard_wants_target (NULL));
  g_assert_false (tongban_keyboard_wants_target (f->button));
  g_assert_false (tongban_keyboard_wants_target (f->pin_entry));
  g_assert_false (tongban_keyboard_wants_target (f->password));
  gtk_entry_set_visibility (GTK_ENTRY (hidden), FALSE);
  g_assert_false (tongban_keyboard_wants_target (hidden));
  gtk_text_set_input_hints (GTK_TEXT (inhibit), GTK_INPUT_HINT_INHIBIT_OSK);
  g_assert_false (tongban_keyboard_wants_target (inhibit));
  gtk_editable_set_editable (GTK_EDITABLE (read_only), FALSE);
  g_assert_false (tongban_keyboard_wants_target (read_only));
  g_assert_true (tongban_keyboard_wants_target (f->entry));

  g_assert_false (tongban_keyboard_set_target (f->keyboard, f->pin_entry));
  g_assert_null (tongban_keyboard_get_target (f->keyboard));

  /* Focus on the PIN field (its inner text) hides the keyboard. */
  focus (f, f->pin_entry);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->keyboard)));
  g_assert_null (tongban_keyboard_get_target (f->keyboard));
  focus (f, f->entry);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->keyboard)));
  focus (f, f->password);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->keyboard)));
  /* And a plain button too. */
  focus (f, f->entry);
  focus (f, f->button);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->keyboard)));

  g_object_unref (hidden);
  g_object_unref (inhibit);
  g_object_unref (read_only);
}

static void
test_focus_keys (Fixture       *f,
                 gconstpointer  data)
{
  GtkWidget *key = tongban_keyboard_get_key (f->keyboard, "q");

  /* Someone using focus and Enter: focusing a key keeps the target. */
  focus (f, key);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->keyboard)));
  g_assert_nonnull (tongban_keyboard_get_target (f->keyboard));
  g_assert_true (gtk_widget_activate (key));
  wait_ms (400);
  g_assert_cmpstr (entry_text (f), ==, "q");

  /* A layout switch by keyboard keeps the focus on the keyboard. */
  focus (f, tongban_keyboard_get_key (f->keyboard, "numbers"));
  gtk_widget_activate (tongban_keyboard_get_key (f->keyboard, "numbers"));
  wait_ms (400);
  g_assert_cmpint (tongban_keyboard_get_layout (f->keyboard), ==, TONGBAN_KEYBOARD_LAYOUT_NUMBERS);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)),
                                         GTK_WIDGET (f->keyboard)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->keyboard)));
}

static void
test_key_size (Fixture       *f,
               gconstpointer  data)
{
  static const char *const keys[] = { "q", "m", "shift", "backspace", "space", "enter" };

  gtk_widget_queue_resize (GTK_WIDGET (f->window));
  iterate ();
  /* Wait for an allocation. */
  GtkWidget *q = tongban_keyboard_get_key (f->keyboard, "q");

  for (guint i = 0; i < 100 && gtk_widget_get_width (q) == 0; i++)
    {
      g_usleep (10000);
      iterate ();
    }
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      GtkWidget *key = tongban_keyboard_get_key (f->keyboard, keys[i]);

      g_assert_cmpint (gtk_widget_get_width (key), >=, 48);
      g_assert_cmpint (gtk_widget_get_height (key), >=, 48);
    }
  /* Candidates and the language key exist in every Chinese layout. */
  tongban_keyboard_update_language (f->keyboard);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/input/keyboard/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("english", test_english);
  ADD ("pinyin", test_pinyin);
  ADD ("cangjie", test_cangjie);
  ADD ("layouts", test_layouts);
  ADD ("refuses-pin", test_refuses_pin);
  ADD ("focus-keys", test_focus_keys);
  ADD ("key-size", test_key_size);
#undef ADD

  return g_test_run ();
}
