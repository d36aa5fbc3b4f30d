/* test-lockdown.c: no key chord or button leaves the kiosk */

#include "tongban-lockdown.h"

static void
test_escape_keys_blocked (void)
{
  static const struct { guint keyval; GdkModifierType mods; } blocked[] = {
    { GDK_KEY_F4, GDK_ALT_MASK },                       /* close window */
    { GDK_KEY_Tab, GDK_ALT_MASK },                      /* switch window */
    { GDK_KEY_Escape, 0 },
    { GDK_KEY_Super_L, 0 },
    { GDK_KEY_Super_R, 0 },
    { GDK_KEY_a, GDK_SUPER_MASK },
    { GDK_KEY_Delete, GDK_CONTROL_MASK | GDK_ALT_MASK },
    { GDK_KEY_F1, GDK_CONTROL_MASK | GDK_ALT_MASK },    /* VT switch */
    { GDK_KEY_BackSpace, GDK_CONTROL_MASK | GDK_ALT_MASK },
    { GDK_KEY_w, GDK_CONTROL_MASK },
    { GDK_KEY_q, GDK_CONTROL_MASK },
    { GDK_KEY_Q, GDK_CONTROL_MASK | GDK_SHIFT_MASK },   /* quit, release profile */
    { GDK_KEY_F10, 0 },
    { GDK_KEY_F11, 0 },
    { GDK_KEY_Menu, 0 },
    { GDK_KEY_Alt_L, 0 },
    { GDK_KEY_Print, 0 },
    { GDK_KEY_PowerOff, 0 },
    { GDK_KEY_Back, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (blocked); i++)
    g_assert_false (tongban_lockdown_key_allowed (blocked[i].keyval, blocked[i].mods, FALSE));
  for (guint k = GDK_KEY_F1; k <= GDK_KEY_F12; k++)
    g_assert_false (tongban_lockdown_key_allowed (k, 0, FALSE));
}

static void
test_navigation_keys_allowed (void)
{
  static const guint allowed[] = {
    GDK_KEY_Tab, GDK_KEY_Up, GDK_KEY_Down, GDK_KEY_Left, GDK_KEY_Right, GDK_KEY_Return,
    GDK_KEY_KP_Enter, GDK_KEY_space, GDK_KEY_0, GDK_KEY_9, GDK_KEY_KP_5, GDK_KEY_BackSpace,
    GDK_KEY_a, GDK_KEY_Z,
  };

  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    g_assert_true (tongban_lockdown_key_allowed (allowed[i], 0, FALSE));
  g_assert_true (tongban_lockdown_key_allowed (GDK_KEY_A, GDK_SHIFT_MASK, FALSE));
}

static void
test_quit_key_only_in_development (void)
{
  GdkModifierType chord = GDK_CONTROL_MASK | GDK_SHIFT_MASK;

  g_assert_false (tongban_lockdown_is_quit_key (GDK_KEY_Q, chord, FALSE));
  g_assert_true (tongban_lockdown_is_quit_key (GDK_KEY_Q, chord, TRUE));
  g_assert_false (tongban_lockdown_is_quit_key (GDK_KEY_q, GDK_CONTROL_MASK, TRUE));
  g_assert_true (tongban_lockdown_key_allowed (GDK_KEY_Q, chord, TRUE));
}

static void
test_buttons (void)
{
  g_assert_true (tongban_lockdown_button_allowed (GDK_BUTTON_PRIMARY));
  g_assert_false (tongban_lockdown_button_allowed (GDK_BUTTON_SECONDARY));
  g_assert_false (tongban_lockdown_button_allowed (GDK_BUTTON_MIDDLE));
  g_assert_false (tongban_lockdown_button_allowed (8));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kiosk/lockdown/escape-keys", test_escape_keys_blocked);
  g_test_add_func ("/kiosk/lockdown/navigation-keys", test_navigation_keys_allowed);
  g_test_add_func ("/kiosk/lockdown/quit-key", test_quit_key_only_in_development);
  g_test_add_func ("/kiosk/lockdown/buttons", test_buttons);
  return g_test_run ();
}
