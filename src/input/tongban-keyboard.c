/* tongban-keyboard.c: the on-screen keyboard and its candidate bar */

#include "tongban-keyboard.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include "tongban-ime.h"
#include "tongban-input-resources.h"

#define N_LAYOUTS       (TONGBAN_KEYBOARD_LAYOUT_SYMBOLS + 1)
#define MAX_CANDIDATES  8
#define TR_FIXED        "tr-fixed"  /* labels the kiosk must not translate (src/tongban-tr.h) */

typedef enum {
  ACTION_CHAR,
  ACTION_SHIFT,
  ACTION_BACKSPACE,
  ACTION_SPACE,
  ACTION_ENTER,
  ACTION_NEXT_LANGUAGE,
  ACTION_NUMBERS,
  ACTION_SYMBOLS,
  ACTION_LETTERS,
} Action;

typedef struct {
  Action                 action;
  TongbanKeyboardLayout  layout;
  char                  *id;
  char                  *text;   /* what ACTION_CHAR types */
  GtkLabel              *cap;    /* NULL for keys whose label never changes */
} Key;

typedef struct {
  GtkWidget  *widget;
  const char *msgid;
} AccessibleName;

struct _TongbanKeyboard
{
  GtkWidget              parent_instance;

  GtkWidget             *candidate_bar;
  GtkLabel              *preedit_label;
  GtkWidget             *loading_label;
  GtkWidget             *failed_label;
  GtkWidget             *prev_button;
  GtkWidget             *next_button;
  GtkBox                *candidate_box;
  GtkStack              *pages;

  GtkWidget             *candidates[MAX_CANDIDATES];
  GHashTable            *keys[N_LAYOUTS];  /* id → GtkButton, owned by the page */
  GArray                *accessible_names; /* of AccessibleName */

  TongbanIme            *ime;
  GtkWidget             *target;           /* weak */
  TongbanKeyboardLayout  layout;
  TongbanKeyboardLayout  text_layout;      /* where ABC and the language key return */
  gboolean               shifted;
  gboolean               pinyin_traditional;
};

enum {
  PROP_0,
  PROP_TARGET,
  PROP_LAYOUT,
  N_PROPS
};

enum {
  DONE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TongbanKeyboard, tongban_keyboard, GTK_TYPE_WIDGET)

static const char *const page_names[N_LAYOUTS] = {
  [TONGBAN_KEYBOARD_LAYOUT_ENGLISH] = "english",
  [TONGBAN_KEYBOARD_LAYOUT_PINYIN] = "pinyin",
  [TONGBAN_KEYBOARD_LAYOUT_CANGJIE] = "cangjie",
  [TONGBAN_KEYBOARD_LAYOUT_NUMBERS] = "numbers",
  [TONGBAN_KEYBOARD_LAYOUT_SYMBOLS] = "symbols",
};

static const char *const letter_rows[] = { "qwertyuiop", "asdfghjkl", "zxcvbnm" };

/* Cangjie radicals on the QWERTY letters (z is 重, the "difficult" key). */
static const char *const cangjie_radicals[26] = {
  "日", "月", "金", "木", "水", "火", "土", "竹", "戈", "十", "大", "中", "一",
  "弓", "人", "心", "手", "口", "尸", "廿", "山", "女", "田", "難", "卜", "重",
};

static void
ensure_resources (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      tongban_input_register_resource ();
      g_once_init_leave (&done, 1);
    }
}

/* Adds the keyboard's stylesheet to @display, once. */
void
tongban_keyboard_add_style (GdkDisplay *display)
{
  g_autoptr(GtkCssProvider) provider = NULL;

  g_return_if_fail (GDK_IS_DISPLAY (display));

  if (g_object_get_data (G_OBJECT (display), "tongban-keyboard-style") != NULL)
    return;

  ensure_resources ();
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider,
                                       "/cn/gov/gba/Tongban/input/tongban-keyboard.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "tongban-keyboard-style",
                          g_steal_pointer (&provider), g_object_unref);
}

static gboolean
is_chinese (TongbanKeyboardLayout layout)
{
  return layout == TONGBAN_KEYBOARD_LAYOUT_PINYIN || layout == TONGBAN_KEYBOARD_LAYOUT_CANGJIE;
}

static gboolean
is_text_layout (TongbanKeyboardLayout layout)
{
  return layout <= TONGBAN_KEYBOARD_LAYOUT_CANGJIE;
}

static int
get_enum_property (GObject    *object,
                   const char *name,
                   int         fallback)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), name);
  int value = fallback;

  if (pspec == NULL)
    return fallback;
  if (G_IS_PARAM_SPEC_ENUM (pspec))
    g_object_get (object, name, &value, NULL);
  else if (G_IS_PARAM_SPEC_FLAGS (pspec))
    {
      guint flags = 0;

      g_object_get (object, name, &flags, NULL);
      value = (int) flags;
    }
  else if (G_IS_PARAM_SPEC_BOOLEAN (pspec))
    {
      gboolean b = FALSE;

      g_object_get (object, name, &b, NULL);
      value = b;
    }
  return value;
}

/**
 * tongban_keyboard_wants_target:
 * @widget: (nullable): usually the window's focus widget
 *
 * Whether the keyboard may type into @widget: an editable, editable text
 * field that is not for a PIN or password (input purpose PIN or PASSWORD,
 * hidden characters, a GtkPasswordEntry) and does not ask for no on-screen
 * keyboard (GTK_INPUT_HINT_INHIBIT_OSK). The PIN pad is the only way to
 * enter a PIN, so its digits never pass through this keyboard.
 */
gboolean
tongban_keyboard_wants_target (GtkWidget *widget)
{
  int purpose;

  if (widget == NULL || !GTK_IS_EDITABLE (widget))
    return FALSE;
  if (GTK_IS_PASSWORD_ENTRY (widget)
      || gtk_widget_get_ancestor (widget, GTK_TYPE_PASSWORD_ENTRY) != NULL)
    return FALSE;
  if (!gtk_editable_get_editable (GTK_EDITABLE (widget)))
    return FALSE;

  purpose = get_enum_property (G_OBJECT (widget), "input-purpose", GTK_INPUT_PURPOSE_FREE_FORM);
  if (purpose == GTK_INPUT_PURPOSE_PIN || purpose == GTK_INPUT_PURPOSE_PASSWORD)
    return FALSE;
  if (get_enum_property (G_OBJECT (widget), "input-hints", 0) & GTK_INPUT_HINT_INHIBIT_OSK)
    return FALSE;
  if (!get_enum_property (G_OBJECT (widget), "visibility", TRUE))
    return FALSE;
  return TRUE;
}

static Key *
key_for_button (GtkWidget *button)
{
  return g_object_get_data (G_OBJECT (button), "tongban-key");
}

static void
key_free (gpointer data)
{
  Key *key = data;

  g_free (key->id);
  g_free (key->text);
  g_free (key);
}

static void
set_accessible_name (TongbanKeyboard *self,
                     GtkWidget       *widget,
                     const char      *msgid)
{
  AccessibleName name = { widget, msgid };

  g_array_append_val (self->accessible_names, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  g_dgettext (GETTEXT_PACKAGE, msgid), -1);
}

/* Speaks the key names in the display language after a language switch
 * (visible labels follow through the kiosk's tongban_tr_refresh()). */
void
tongban_keyboard_update_language (TongbanKeyboard *self)
{
  g_return_if_fail (TONGBAN_IS_KEYBOARD (self));

  for (guint i = 0; i < self->accessible_names->len; i++)
    {
      AccessibleName *name = &g_array_index (self->accessible_names, AccessibleName, i);

      gtk_accessible_update_property (GTK_ACCESSIBLE (name->widget),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      g_dgettext (GETTEXT_PACKAGE, name->msgid), -1);
    }
}

/* Editing the target */

static void
insert_text (TongbanKeyboard *self,
             const char      *text)
{
  GtkEditable *editable;
  int pos;

  if (self->target == NULL || text == NULL || *text == '\0')
    return;

  editable = GTK_EDITABLE (self->target);
  gtk_editable_delete_selection (editable);
  pos = gtk_editable_get_position (editable);
  gtk_editable_insert_text (editable, text, -1, &pos);
  gtk_editable_set_position (editable, pos);
}

static void
delete_before_cursor (TongbanKeyboard *self)
{
  GtkEditable *editable;
  int start, end, pos;

  if (self->target == NULL)
    return;

  editable = GTK_EDITABLE (self->target);
  if (gtk_editable_get_selection_bounds (editable, &start, &end))
    {
      gtk_editable_delete_text (editable, start, end);
      return;
    }
  pos = gtk_editable_get_position (editable);
  if (pos > 0)
    gtk_editable_delete_text (editable, pos - 1, pos);
}

static void
flush_commit (TongbanKeyboard *self)
{
  char *text = tongban_ime_take_commit (self->ime);

  if (text != NULL)
    {
      insert_text (self, text);
      explicit_bzero (text, strlen (text));
      g_free (text);
    }
}

/* The candidate bar and key states */

static const char *
layout_name (TongbanKeyboard *self)
{
  switch (self->layout)
    {
    case TONGBAN_KEYBOARD_LAYOUT_PINYIN:
      return self->pinyin_traditional ? "拼音 → 繁" : "拼音 → 简";
    case TONGBAN_KEYBOARD_LAYOUT_CANGJIE:
      return "倉頡";
    case TONGBAN_KEYBOARD_LAYOUT_NUMBERS:
      return "123";
    case TONGBAN_KEYBOARD_LAYOUT_SYMBOLS:
      return "#+=";
    case TONGBAN_KEYBOARD_LAYOUT_ENGLISH:
    default:
      return "EN";
    }
}

static void
update_bar (TongbanKeyboard *self)
{
  gboolean chinese = is_chinese (self->layout);
  gboolean ready = tongban_ime_is_ready (self->ime);
  gboolean composing = chinese && ready && tongban_ime_is_composing (self->ime);
  const char *const *candidates = composing ? tongban_ime_get_candidates (self->ime) : NULL;
  gboolean more = FALSE;
  GHashTableIter iter;
  gpointer value;

  gtk_label_set_label (self->preedit_label,
                       composing ? tongban_ime_get_preedit (self->ime) : layout_name (self));
  gtk_widget_set_visible (self->loading_label,
                          chinese && !ready && !tongban_ime_has_failed (self->ime));
  gtk_widget_set_visible (self->failed_label, chinese && tongban_ime_has_failed (self->ime));

  for (guint i = 0; i < MAX_CANDIDATES; i++)
    {
      const char *text = NULL;

      if (candidates != NULL && !more)
        {
          text = candidates[i];
          more = text == NULL;
        }
      if (text != NULL)
        gtk_label_set_label (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (self->candidates[i]))),
                             text);
      gtk_widget_set_visible (self->candidates[i], text != NULL);
    }
  gtk_widget_set_visible (self->prev_button, composing);
  gtk_widget_set_visible (self->next_button, composing);
  if (composing)
    {
      gtk_widget_set_sensitive (self->prev_button, tongban_ime_get_page (self->ime) > 0);
      gtk_widget_set_sensitive (self->next_button, !tongban_ime_is_last_page (self->ime));
    }

  /* Letters on a Chinese layout wait for the IME. */
  if (chinese)
    {
      g_hash_table_iter_init (&iter, self->keys[self->layout]);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Key *key = key_for_button (value);

          if (key->action == ACTION_CHAR && g_ascii_isalpha (key->text[0]))
            gtk_widget_set_sensitive (value, ready);
        }
    }
}

static void
update_caps (TongbanKeyboard *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->keys[TONGBAN_KEYBOARD_LAYOUT_ENGLISH]);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Key *key = key_for_button (value);

      if (key->action == ACTION_CHAR && key->cap != NULL && g_ascii_isalpha (key->text[0]))
        {
          char cap[2] = { self->shifted ? g_ascii_toupper (key->text[0]) : key->text[0], '\0' };

          gtk_label_set_label (key->cap, cap);
        }
      else if (key->action == ACTION_SHIFT)
        gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (value), self->shifted);
    }
}

static void
set_shifted (TongbanKeyboard *self,
             gboolean         shifted)
{
  if (self->shifted == shifted)
    return;
  self->shifted = shifted;
  update_caps (self);
}

/* Drops a half-typed Chinese word (on hiding, switching fields or layouts). */
static void
discard_composition (TongbanKeyboard *self)
{
  if (tongban_ime_is_ready (self->ime) && tongban_ime_is_composing (self->ime))
    tongban_ime_reset (self->ime);
}

static void
apply_schema (TongbanKeyboard *self)
{
  if (self->layout == TONGBAN_KEYBOARD_LAYOUT_PINYIN)
    tongban_ime_set_schema (self->ime, self->pinyin_traditional
                                       ? TONGBAN_IME_SCHEMA_PINYIN_TRADITIONAL
                                       : TONGBAN_IME_SCHEMA_PINYIN_SIMPLIFIED);
  else if (self->layout == TONGBAN_KEYBOARD_LAYOUT_CANGJIE)
    tongban_ime_set_schema (self->ime, TONGBAN_IME_SCHEMA_CANGJIE);
}

void
tongban_keyboard_set_layout (TongbanKeyboard       *self,
                             TongbanKeyboardLayout  layout)
{
  GtkWidget *focus;
  GtkRoot *root;
  const char *focused_id = NULL;

  g_return_if_fail (TONGBAN_IS_KEYBOARD (self));
  g_return_if_fail (layout < N_LAYOUTS);

  if (layout == self->layout)
    return;

  /* Someone typing with focus and Enter keeps the focus on the same key. */
  root = gtk_widget_get_root (GTK_WIDGET (self));
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->pages)))
    {
      GtkWidget *button = GTK_IS_BUTTON (focus) ? focus
                          : gtk_widget_get_ancestor (focus, GTK_TYPE_BUTTON);

      if (button != NULL && key_for_button (button) != NULL)
        focused_id = key_for_button (button)->id;
    }

  discard_composition (self);
  set_shifted (self, FALSE);
  self->layout = layout;
  if (is_text_layout (layout))
    self->text_layout = layout;
  gtk_stack_set_visible_child_name (self->pages, page_names[layout]);
  apply_schema (self);
  update_bar (self);

  if (focused_id != NULL)
    {
      GtkWidget *same = g_hash_table_lookup (self->keys[layout], focused_id);

      if (same == NULL)
        same = g_hash_table_lookup (self->keys[layout], "letters");
      if (same == NULL)
        same = g_hash_table_lookup (self->keys[layout], "language");
      if (same != NULL)
        gtk_widget_grab_focus (same);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYOUT]);
}

TongbanKeyboardLayout
tongban_keyboard_get_layout (TongbanKeyboard *self)
{
  g_return_val_if_fail (TONGBAN_IS_KEYBOARD (self), TONGBAN_KEYBOARD_LAYOUT_ENGLISH);
  return self->layout;
}

/* Pinyin gives Traditional characters (for a zh_HK display) instead of
 * Simplified ones. */
void
tongban_keyboard_set_pinyin_traditional (TongbanKeyboard *self,
                                         gboolean         traditional)
{
  g_return_if_fail (TONGBAN_IS_KEYBOARD (self));

  traditional = !!traditional;
  if (self->pinyin_traditional == traditional)
    return;
  self->pinyin_traditional = traditional;
  if (self->layout == TONGBAN_KEYBOARD_LAYOUT_PINYIN)
    {
      discard_composition (self);
      apply_schema (self);
    }
  update_bar (self);
}

/* Keys */

static void
press_char (TongbanKeyboard *self,
            Key             *key)
{
  if (is_chinese (self->layout) && g_ascii_isalpha (key->text[0]))
    {
      tongban_ime_process_key (self->ime, (guchar) key->text[0]);
      flush_commit (self);
      return;
    }

  /* Punctuation after a half-typed word takes the first candidate first. */
  if (is_chinese (self->layout) && tongban_ime_is_composing (self->ime))
    {
      tongban_ime_commit_preedit (self->ime);
      flush_commit (self);
    }

  if (self->layout == TONGBAN_KEYBOARD_LAYOUT_ENGLISH && self->shifted)
    {
      g_autofree char *upper = g_utf8_strup (key->text, -1);

      insert_text (self, upper);
      set_shifted (self, FALSE);
    }
  else
    insert_text (self, key->text);
}

/* Keys that go to the IME while a word is being composed there. */
static gboolean
send_to_ime (TongbanKeyboard *self,
             guint            keyval)
{
  if (!is_chinese (self->layout) || !tongban_ime_is_composing (self->ime))
    return FALSE;
  tongban_ime_process_key (self->ime, keyval);
  flush_commit (self);
  return TRUE;
}

static void
press (TongbanKeyboard *self,
       Key             *key)
{
  switch (key->action)
    {
    case ACTION_CHAR:
      press_char (self, key);
      break;
    case ACTION_SHIFT:
      set_shifted (self, !self->shifted);
      break;
    case ACTION_BACKSPACE:
      if (!send_to_ime (self, TONGBAN_IME_KEY_BACKSPACE))
        delete_before_cursor (self);
      break;
    case ACTION_SPACE:
      if (!send_to_ime (self, ' '))
        insert_text (self, " ");
      break;
    case ACTION_ENTER:
      /* While composing, Enter keeps the letters as typed; else it is Done. */
      if (!send_to_ime (self, TONGBAN_IME_KEY_RETURN))
        {
          /* GtkText has an "activate" signal but is no activatable
           * widget; its GtkEntry passes the signal on. */
          if (self->target != NULL && g_signal_lookup ("activate", G_OBJECT_TYPE (self->target)))
            g_signal_emit_by_name (self->target, "activate");
          g_signal_emit (self, signals[DONE], 0);
        }
      break;
    case ACTION_NEXT_LANGUAGE:
      tongban_keyboard_set_layout (self,
                                   (self->layout + 1) % (TONGBAN_KEYBOARD_LAYOUT_CANGJIE + 1));
      break;
    case ACTION_NUMBERS:
      tongban_keyboard_set_layout (self, TONGBAN_KEYBOARD_LAYOUT_NUMBERS);
      break;
    case ACTION_SYMBOLS:
      tongban_keyboard_set_layout (self, TONGBAN_KEYBOARD_LAYOUT_SYMBOLS);
      break;
    case ACTION_LETTERS:
      tongban_keyboard_set_layout (self, self->text_layout);
      break;
    default:
      g_assert_not_reached ();
    }
  update_bar (self);
}

static void
on_key_clicked (GtkButton       *button,
                TongbanKeyboard *self)
{
  Key *key = key_for_button (GTK_WIDGET (button));

  /* A toggle button (Shift) reports its own change too: ignore the echo. */
  if (key->action == ACTION_SHIFT
      && gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)) == self->shifted)
    return;
  press (self, key);
}

static void
on_candidate_clicked (GtkButton       *button,
                      TongbanKeyboard *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));

  tongban_ime_select_candidate (self->ime, index);
  flush_commit (self);
  update_bar (self);
}

static void
on_prev_clicked (TongbanKeyboard *self)
{
  tongban_ime_change_page (self->ime, FALSE);
  update_bar (self);
}

static void
on_next_clicked (TongbanKeyboard *self)
{
  tongban_ime_change_page (self->ime, TRUE);
  update_bar (self);
}

static void
on_ime_ready (TongbanKeyboard *self)
{
  apply_schema (self);
  update_bar (self);
}

/* Building the layouts */

static GtkWidget *
add_key (TongbanKeyboard       *self,
         GtkGrid               *grid,
         TongbanKeyboardLayout  layout,
         Action                 action,
         const char            *id,
         const char            *text,
         const char            *cap,
         gboolean               translatable,
         int                    column,
         int                    row,
         int                    width)
{
  GtkWidget *button = action == ACTION_SHIFT ? gtk_toggle_button_new () : gtk_button_new ();
  GtkWidget *label = gtk_label_new (cap);
  Key *key = g_new0 (Key, 1);

  key->action = action;
  key->layout = layout;
  key->id = g_strdup (id);
  key->text = g_strdup (text);
  key->cap = GTK_LABEL (label);

  /* Key caps are the same in every language; "Done" and "Space" are
   * msgids the kiosk's tongban_tr_capture() translates. */
  if (!translatable)
    gtk_widget_add_css_class (label, TR_FIXED);
  gtk_button_set_child (GTK_BUTTON (button), label);
  gtk_widget_add_css_class (button, "key");
  if (action != ACTION_CHAR && action != ACTION_SPACE)
    gtk_widget_add_css_class (button, action == ACTION_ENTER ? "key-enter" : "key-special");
  /* The target keeps the focus when a key is touched. */
  gtk_widget_set_focus_on_click (button, FALSE);
  gtk_widget_set_hexpand (button, TRUE);
  g_object_set_data_full (G_OBJECT (button), "tongban-key", key, key_free);
  g_signal_connect (button, action == ACTION_SHIFT ? "toggled" : "clicked",
                    G_CALLBACK (on_key_clicked), self);

  gtk_grid_attach (grid, button, column, row, width, 1);
  g_hash_table_insert (self->keys[layout], key->id, button);
  return button;
}

static void
add_cangjie_key (TongbanKeyboard *self,
                 GtkGrid         *grid,
                 char             letter,
                 int              column,
                 int              row)
{
  char id[2] = { letter, '\0' };
  GtkWidget *button = add_key (self, grid, TONGBAN_KEYBOARD_LAYOUT_CANGJIE, ACTION_CHAR,
                               id, id, cangjie_radicals[letter - 'a'], FALSE, column, row, 2);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *radical = gtk_label_new (cangjie_radicals[letter - 'a']);
  GtkWidget *latin = gtk_label_new (id);

  /* The radical to find the key by, the letter for those who learnt it so. */
  gtk_widget_add_css_class (radical, TR_FIXED);
  gtk_widget_add_css_class (radical, "key-radical");
  gtk_widget_add_css_class (latin, TR_FIXED);
  gtk_widget_add_css_class (latin, "key-letter");
  gtk_box_append (GTK_BOX (box), radical);
  gtk_box_append (GTK_BOX (box), latin);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_button_set_child (GTK_BUTTON (button), box);
  key_for_button (button)->cap = NULL;
}

static GtkGrid *
new_page (TongbanKeyboard       *self,
          TongbanKeyboardLayout  layout)
{
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_row_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_row_homogeneous (GTK_GRID (grid), TRUE);
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  gtk_stack_add_named (self->pages, grid, page_names[layout]);
  return GTK_GRID (grid);
}

/* English, pinyin and Cangjie share one QWERTY plan on a 20-unit grid. */
static void
build_text_page (TongbanKeyboard       *self,
                 TongbanKeyboardLayout  layout)
{
  GtkGrid *grid = new_page (self, layout);
  gboolean chinese = is_chinese (layout);
  static const char *const next_language[] = { "拼音", "倉頡", "ABC" };
  GtkWidget *button;

  for (guint row = 0; row < G_N_ELEMENTS (letter_rows); row++)
    {
      const char *letters = letter_rows[row];
      int column = row == 1 ? 1 : row == 2 ? 3 : 0;

      for (const char *l = letters; *l; l++, column += 2)
        {
          char id[2] = { *l, '\0' };

          if (layout == TONGBAN_KEYBOARD_LAYOUT_CANGJIE)
            add_cangjie_key (self, grid, *l, column, (int) row);
          else
            add_key (self, grid, layout, ACTION_CHAR, id, id, id, FALSE, column, (int) row, 2);
        }
    }

  button = add_key (self, grid, layout, ACTION_SHIFT, "shift", NULL, "⇧", FALSE, 0, 2, 3);
  set_accessible_name (self, button, N_("Shift"));
  gtk_widget_set_sensitive (button, !chinese);
  button = add_key (self, grid, layout, ACTION_BACKSPACE, "backspace", NULL, "⌫", FALSE, 17, 2, 3);
  set_accessible_name (self, button, N_("Delete"));

  add_key (self, grid, layout, ACTION_NUMBERS, "numbers", NULL, "123", FALSE, 0, 3, 3);
  add_key (self, grid, layout, ACTION_NEXT_LANGUAGE, "language", NULL, next_language[layout],
           FALSE, 3, 3, 3);
  add_key (self, grid, layout, ACTION_CHAR, chinese ? "，" : ",", chinese ? "，" : ",",
           chinese ? "，" : ",", FALSE, 6, 3, 2);
  add_key (self, grid, layout, ACTION_SPACE, "space", NULL, N_("Space"), TRUE, 8, 3, 6);
  add_key (self, grid, layout, ACTION_CHAR, chinese ? "。" : ".", chinese ? "。" : ".",
           chinese ? "。" : ".", FALSE, 14, 3, 2);
  add_key (self, grid, layout, ACTION_ENTER, "enter", NULL, N_("Done"), TRUE, 16, 3, 4);
}

/* A telephone-style pad for numbers, phone numbers and amounts. */
static void
build_numbers_page (TongbanKeyboard *self)
{
  const TongbanKeyboardLayout layout = TONGBAN_KEYBOARD_LAYOUT_NUMBERS;
  GtkGrid *grid = new_page (self, layout);
  static const char *const pad[3][4] = {
    { "1", "2", "3", NULL },
    { "4", "5", "6", "-" },
    { "7", "8", "9", "+" },
  };
  GtkWidget *button;

  for (int row = 0; row < 3; row++)
    for (int column = 0; column < 4; column++)
      if (pad[row][column] != NULL)
        add_key (self, grid, layout, ACTION_CHAR, pad[row][column], pad[row][column],
                 pad[row][column], FALSE, column, row, 1);

  button = add_key (self, grid, layout, ACTION_BACKSPACE, "backspace", NULL, "⌫", FALSE, 3, 0, 1);
  set_accessible_name (self, button, N_("Delete"));
  add_key (self, grid, layout, ACTION_LETTERS, "letters", NULL, "ABC", FALSE, 0, 3, 1);
  add_key (self, grid, layout, ACTION_CHAR, "0", "0", "0", FALSE, 1, 3, 1);
  add_key (self, grid, layout, ACTION_CHAR, ".", ".", ".", FALSE, 2, 3, 1);
  add_key (self, grid, layout, ACTION_ENTER, "enter", NULL, N_("Done"), TRUE, 3, 3, 1);
}

static void
build_symbols_page (TongbanKeyboard *self)
{
  const TongbanKeyboardLayout layout = TONGBAN_KEYBOARD_LAYOUT_SYMBOLS;
  GtkGrid *grid = new_page (self, layout);
  static const char *const rows[3][10] = {
    { "1", "2", "3", "4", "5", "6", "7", "8", "9", "0" },
    { "@", "-", "_", "/", ":", ";", "(", ")", "¥", "$" },
    { ".", ",", "?", "!", "'", "&", "#", NULL },
  };
  GtkWidget *button;

  for (int row = 0; row < 3; row++)
    {
      int column = row == 2 ? 3 : 0;

      for (int i = 0; i < 10 && rows[row][i] != NULL; i++, column += 2)
        add_key (self, grid, layout, ACTION_CHAR, rows[row][i], rows[row][i], rows[row][i],
                 FALSE, column, row, 2);
    }
  button = add_key (self, grid, layout, ACTION_BACKSPACE, "backspace", NULL, "⌫", FALSE, 17, 2, 3);
  set_accessible_name (self, button, N_("Delete"));

  add_key (self, grid, layout, ACTION_LETTERS, "letters", NULL, "ABC", FALSE, 0, 3, 3);
  add_key (self, grid, layout, ACTION_CHAR, "、", "、", "、", FALSE, 3, 3, 2);
  add_key (self, grid, layout, ACTION_CHAR, "，", "，", "，", FALSE, 5, 3, 2);
  add_key (self, grid, layout, ACTION_SPACE, "space", NULL, N_("Space"), TRUE, 7, 3, 6);
  add_key (self, grid, layout, ACTION_CHAR, "。", "。", "。", FALSE, 13, 3, 2);
  add_key (self, grid, layout, ACTION_ENTER, "enter", NULL, N_("Done"), TRUE, 15, 3, 5);
}

/* The target */

static TongbanKeyboardLayout
layout_for_purpose (TongbanKeyboard *self,
                    GtkWidget       *target)
{
  switch (get_enum_property (G_OBJECT (target), "input-purpose", GTK_INPUT_PURPOSE_FREE_FORM))
    {
    case GTK_INPUT_PURPOSE_NUMBER:
    case GTK_INPUT_PURPOSE_PHONE:
    case GTK_INPUT_PURPOSE_DIGITS:
      return TONGBAN_KEYBOARD_LAYOUT_NUMBERS;
    case GTK_INPUT_PURPOSE_EMAIL:
    case GTK_INPUT_PURPOSE_URL:
      return TONGBAN_KEYBOARD_LAYOUT_ENGLISH;
    default:
      return self->text_layout;
    }
}

/**
 * tongban_keyboard_set_target:
 * @target: (nullable): a GtkEditable (GtkText, GtkEntry, …) or NULL
 *
 * Types into @target from now on and picks the layout its input purpose
 * asks for. Refuses (returns FALSE, and has no target) a field that
 * tongban_keyboard_wants_target() rejects, such as a PIN field.
 */
gboolean
tongban_keyboard_set_target (TongbanKeyboard *self,
                             GtkWidget       *target)
{
  gboolean refused = FALSE;

  g_return_val_if_fail (TONGBAN_IS_KEYBOARD (self), FALSE);
  g_return_val_if_fail (target == NULL || GTK_IS_WIDGET (target), FALSE);

  if (target != NULL && !tongban_keyboard_wants_target (target))
    {
      target = NULL;
      refused = TRUE;
    }
  if (target == self->target)
    return !refused;

  discard_composition (self);
  set_shifted (self, FALSE);
  g_set_weak_pointer (&self->target, target);
  if (target != NULL)
    tongban_keyboard_set_layout (self, layout_for_purpose (self, target));
  update_bar (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET]);
  return !refused;
}

GtkWidget *
tongban_keyboard_get_target (TongbanKeyboard *self)
{
  g_return_val_if_fail (TONGBAN_IS_KEYBOARD (self), NULL);
  return self->target;
}

static void
on_focus_changed (GtkWindow       *window,
                  GParamSpec      *pspec,
                  TongbanKeyboard *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  /* No focus for a moment (a page being replaced), or a key focused for
   * typing by focus and Enter: keep things as they are. */
  if (focus == NULL || gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
    return;

  if (tongban_keyboard_set_target (self, focus) && focus != NULL)
    gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  else
    {
      tongban_keyboard_set_target (self, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
    }
}

/* Shows the keyboard (which must already be somewhere inside @window) while
 * a field that wants it has the focus, and hides it otherwise. */
void
tongban_keyboard_attach_to_window (TongbanKeyboard *self,
                                   GtkWindow       *window)
{
  g_return_if_fail (TONGBAN_IS_KEYBOARD (self));
  g_return_if_fail (GTK_IS_WINDOW (window));

  g_signal_connect_object (window, "notify::focus-widget", G_CALLBACK (on_focus_changed),
                           self, 0);
  if (gtk_root_get_focus (GTK_ROOT (window)) != NULL)
    on_focus_changed (window, NULL, self);
  else
    gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

/* End of a citizen's session: forget what was typed, drop the target and
 * go back to the English layout. */
void
tongban_keyboard_reset (TongbanKeyboard *self)
{
  g_return_if_fail (TONGBAN_IS_KEYBOARD (self));

  tongban_keyboard_set_target (self, NULL);
  tongban_ime_reset (self->ime);
  set_shifted (self, FALSE);
  self->text_layout = TONGBAN_KEYBOARD_LAYOUT_ENGLISH;
  tongban_keyboard_set_layout (self, TONGBAN_KEYBOARD_LAYOUT_ENGLISH);
  update_bar (self);
}

/* The button of @key on the layout shown ("a", "shift", "backspace",
 * "space", "enter", "language", "numbers", "letters", "1", "，"…), for
 * scripted input and tests; NULL if that layout has no such key. */
GtkWidget *
tongban_keyboard_get_key (TongbanKeyboard *self,
                          const char      *key)
{
  g_return_val_if_fail (TONGBAN_IS_KEYBOARD (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  return g_hash_table_lookup (self->keys[self->layout], key);
}

/* The candidate button @index of the bar, whether shown or not. */
GtkWidget *
tongban_keyboard_get_candidate (TongbanKeyboard *self,
                                guint            index)
{
  g_return_val_if_fail (TONGBAN_IS_KEYBOARD (self), NULL);
  g_return_val_if_fail (index < MAX_CANDIDATES, NULL);
  return self->candidates[index];
}

/* GObject */

static void
tongban_keyboard_map (GtkWidget *widget)
{
  TongbanKeyboard *self = TONGBAN_KEYBOARD (widget);

  GTK_WIDGET_CLASS (tongban_keyboard_parent_class)->map (widget);
  /* Loading librime starts when a keyboard is first shown, in a thread;
   * the kiosk may start it earlier, after its first frame. */
  tongban_ime_start (self->ime);
  update_bar (self);
}

static void
tongban_keyboard_unmap (GtkWidget *widget)
{
  discard_composition (TONGBAN_KEYBOARD (widget));
  GTK_WIDGET_CLASS (tongban_keyboard_parent_class)->unmap (widget);
}

static void
tongban_keyboard_dispose (GObject *object)
{
  TongbanKeyboard *self = TONGBAN_KEYBOARD (object);
  GtkWidget *child;

  g_clear_weak_pointer (&self->target);
  gtk_widget_dispose_template (GTK_WIDGET (object), TONGBAN_TYPE_KEYBOARD);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
    gtk_widget_unparent (child);
  for (guint i = 0; i < N_LAYOUTS; i++)
    g_clear_pointer (&self->keys[i], g_hash_table_unref);
  g_clear_pointer (&self->accessible_names, g_array_unref);

  G_OBJECT_CLASS (tongban_keyboard_parent_class)->dispose (object);
}

static void
tongban_keyboard_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TongbanKeyboard *self = TONGBAN_KEYBOARD (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      g_value_set_object (value, self->target);
      break;
    case PROP_LAYOUT:
      g_value_set_int (value, self->layout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_keyboard_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TongbanKeyboard *self = TONGBAN_KEYBOARD (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      tongban_keyboard_set_target (self, g_value_get_object (value));
      break;
    case PROP_LAYOUT:
      tongban_keyboard_set_layout (self, (TongbanKeyboardLayout) g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_keyboard_class_init (TongbanKeyboardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tongban_keyboard_dispose;
  object_class->get_property = tongban_keyboard_get_property;
  object_class->set_property = tongban_keyboard_set_property;
  widget_class->map = tongban_keyboard_map;
  widget_class->unmap = tongban_keyboard_unmap;

  properties[PROP_TARGET] =
    g_param_spec_object ("target", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* A TongbanKeyboardLayout. */
  properties[PROP_LAYOUT] =
    g_param_spec_int ("layout", NULL, NULL, 0, N_LAYOUTS - 1, TONGBAN_KEYBOARD_LAYOUT_ENGLISH,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Done pressed with nothing being composed (the target was activated). */
  signals[DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/gov/gba/Tongban/input/tongban-keyboard.ui");
  gtk_widget_class_bind_template_child (widget_class, TongbanKeyboard, candidate_bar);
  gtk_widget_class_bind_template_child (widget_class, TongbanKeyboard, preedit_label);
  gtk_widget_class_bind_template_child (widget_class, TongbanKeyboard, loading_label);
  gtk_widget_class_bind_template_child (widget_class, TongbanKeyboard, failed_label);
  gtk_widget_class_bind_template_child (widget_class, TongbanKeyboard, prev_button);
  gtk_widget_class_bind_template_child (widget_class, TongbanKeyboard, next_button);
  gtk_widget_class_bind_template_child (widget_class, TongbanKeyboard, candidate_box);
  gtk_widget_class_bind_template_child (widget_class, TongbanKeyboard, pages);
  gtk_widget_class_bind_template_callback (widget_class, on_prev_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_next_clicked);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "keyboard");
}

static void
tongban_keyboard_init (TongbanKeyboard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->ime = tongban_ime_get_default ();
  self->accessible_names = g_array_new (FALSE, FALSE, sizeof (AccessibleName));
  for (guint i = 0; i < N_LAYOUTS; i++)
    self->keys[i] = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < MAX_CANDIDATES; i++)
    {
      GtkWidget *button = gtk_button_new ();
      GtkWidget *label = gtk_label_new (NULL);

      /* Long phrases shrink rather than widen the window past the screen. */
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (label, TR_FIXED);
      gtk_button_set_child (GTK_BUTTON (button), label);
      gtk_widget_add_css_class (button, "candidate");
      gtk_widget_set_focus_on_click (button, FALSE);
      gtk_widget_set_visible (button, FALSE);
      g_object_set_data (G_OBJECT (button), "index", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (on_candidate_clicked), self);
      gtk_box_append (self->candidate_box, button);
      self->candidates[i] = button;
    }
  set_accessible_name (self, self->prev_button, N_("Previous candidates"));
  set_accessible_name (self, self->next_button, N_("More candidates"));

  build_text_page (self, TONGBAN_KEYBOARD_LAYOUT_ENGLISH);
  build_text_page (self, TONGBAN_KEYBOARD_LAYOUT_PINYIN);
  build_text_page (self, TONGBAN_KEYBOARD_LAYOUT_CANGJIE);
  build_numbers_page (self);
  build_symbols_page (self);

  self->layout = TONGBAN_KEYBOARD_LAYOUT_ENGLISH;
  self->text_layout = TONGBAN_KEYBOARD_LAYOUT_ENGLISH;
  gtk_stack_set_visible_child_name (self->pages, page_names[self->layout]);
  g_signal_connect_object (self->ime, "notify::ready", G_CALLBACK (on_ime_ready), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->ime, "notify::failed", G_CALLBACK (update_bar), self,
                           G_CONNECT_SWAPPED);
  update_bar (self);
}

GtkWidget *
tongban_keyboard_new (void)
{
  return g_object_new (TONGBAN_TYPE_KEYBOARD, NULL);
}
