/* tongban-lockdown.c: the key and button policy of the kiosk window */

#include "tongban-lockdown.h"

#define SHORTCUT_MASK (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK | GDK_META_MASK | \
                       GDK_HYPER_MASK)

/* The development profile keeps one way out: Ctrl+Shift+Q. */
gboolean
tongban_lockdown_is_quit_key (guint           keyval,
                              GdkModifierType state,
                              gboolean        development)
{
  GdkModifierType mods = state & (SHORTCUT_MASK | GDK_SHIFT_MASK);

  return development &&
         (keyval == GDK_KEY_Q || keyval == GDK_KEY_q) &&
         mods == (GDK_CONTROL_MASK | GDK_SHIFT_MASK);
}

gboolean
tongban_lockdown_key_allowed (guint           keyval,
                              GdkModifierType state,
                              gboolean        development)
{
  if (tongban_lockdown_is_quit_key (keyval, state, development))
    return TRUE;

  /* Any chord with Ctrl, Alt, Super, Meta or Hyper: Alt+F4, Alt+Tab, Ctrl+W,
   * Ctrl+Q, Ctrl+Alt+Del, Super+anything. */
  if (state & SHORTCUT_MASK)
    return FALSE;

  switch (keyval)
    {
    /* Keys that only move focus or activate: the kiosk works by them alone. */
    case GDK_KEY_Tab:
    case GDK_KEY_ISO_Left_Tab:
    case GDK_KEY_Up:
    case GDK_KEY_Down:
    case GDK_KEY_Left:
    case GDK_KEY_Right:
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
    case GDK_KEY_KP_Up:
    case GDK_KEY_KP_Down:
    case GDK_KEY_KP_Left:
    case GDK_KEY_KP_Right:
    case GDK_KEY_BackSpace:
      return TRUE;
    default:
      break;
    }

  /* Digits and letters for entry fields; never function keys, Escape, Menu,
   * Super/Alt on their own, or the multimedia and power keys. */
  if ((keyval >= GDK_KEY_0 && keyval <= GDK_KEY_9) ||
      (keyval >= GDK_KEY_KP_0 && keyval <= GDK_KEY_KP_9) ||
      (keyval >= GDK_KEY_a && keyval <= GDK_KEY_z) ||
      (keyval >= GDK_KEY_A && keyval <= GDK_KEY_Z) ||
      keyval == GDK_KEY_period || keyval == GDK_KEY_KP_Decimal ||
      keyval == GDK_KEY_Shift_L || keyval == GDK_KEY_Shift_R)
    return TRUE;

  return FALSE;
}

/* Only the primary button (and touch, which arrives as button 1): no
 * context menus on the secondary button, no middle-click paste. */
gboolean
tongban_lockdown_button_allowed (guint button)
{
  return button == 0 || button == GDK_BUTTON_PRIMARY;
}
