/* tongban-sim-panel.c: PIN pad, light board and serial barcode scanner simulators
 *
 * The three small devices of the kiosk's front panel, each a few lines of
 * state over the same STX frames (or, for the scanner, plain CR-ended text).
 */

#include "tongban-sim-panel.h"

#include <stdio.h>
#include <string.h>

typedef struct
{
  gboolean         enabled;
  TongbanFlashRate outputs[TONGBAN_LIGHTS_OUTPUTS];
  guint8           inputs;
  gboolean         refuse;
  gboolean         silent;
} PanelState;

static void
send_frame (TongbanSim   *sim,
            guint8        cmd,
            const guint8 *data,
            gsize         length)
{
  g_autoptr(GByteArray) f = tongban_frame_build (cmd, data, length);

  tongban_sim_send (sim, f->data, f->len);
}

static gsize
frame_input (TongbanSim    *sim,
             const guint8  *data,
             gsize          length,
             TongbanFrame  *frame)
{
  gsize used = 0;

  switch (tongban_frame_parse (data, length, frame, &used))
    {
    case TONGBAN_FRAME_PARSE_NEED_MORE:
      return 0;
    case TONGBAN_FRAME_PARSE_INVALID:
      frame->cmd = 0;
      return used;
    case TONGBAN_FRAME_PARSE_OK:
    default:
      return used;
    }
}

/* PIN pad */

static gsize
pinpad_input (TongbanSim   *sim,
              const guint8 *data,
              gsize         length)
{
  PanelState *st = tongban_sim_get_state (sim);
  TongbanFrame frame = { 0 };
  gsize used = frame_input (sim, data, length, &frame);
  guint8 status = 0;

  if (used == 0 || frame.cmd == 0)
    return used;
  if (frame.cmd == TONGBAN_PINPAD_ENABLE)
    st->enabled = TRUE;
  else if (frame.cmd == TONGBAN_PINPAD_DISABLE)
    st->enabled = FALSE;
  else if (frame.cmd != TONGBAN_PINPAD_BEEP)
    status = 1;
  send_frame (sim, TONGBAN_FRAME_ACK, &status, 1);
  return used;
}

static gboolean
send_key (TongbanSim *sim,
          const char *name)
{
  PanelState *st = tongban_sim_get_state (sim);
  static const struct { const char *name; guint8 code; } named[] = {
    { "enter", TONGBAN_KEY_ENTER }, { "cancel", TONGBAN_KEY_CANCEL },
    { "clear", TONGBAN_KEY_CLEAR }, { "backspace", TONGBAN_KEY_BACKSPACE }, { ".", '.' },
  };
  guint8 code = 0;

  if (strlen (name) == 1 && g_ascii_isdigit (name[0]))
    code = (guint8) name[0];
  for (guint i = 0; i < G_N_ELEMENTS (named); i++)
    if (g_str_equal (name, named[i].name))
      code = named[i].code;
  if (code == 0)
    return FALSE;
  if (st->enabled)
    send_frame (sim, TONGBAN_PINPAD_KEY, &code, 1);
  return TRUE;
}

static gboolean
pinpad_event (TongbanSim *sim,
              const char *event)
{
  if (g_str_has_prefix (event, "key "))
    return send_key (sim, event + 4);
  if (g_str_has_prefix (event, "keys "))
    {
      for (const char *p = event + 5; *p; p++)
        {
          char key[2] = { *p, 0 };
          if (!send_key (sim, key))
            return FALSE;
        }
      return TRUE;
    }
  if (g_str_equal (event, "garbage"))
    {
      tongban_sim_send (sim, (const guint8 *) "\x02\x05K\x01\x02", 5);
      return TRUE;
    }
  return FALSE;
}

/* Light board */

static gsize
lights_input (TongbanSim   *sim,
              const guint8 *data,
              gsize         length)
{
  PanelState *st = tongban_sim_get_state (sim);
  TongbanFrame frame = { 0 };
  gsize used = frame_input (sim, data, length, &frame);
  guint8 status = 0;

  if (used == 0 || frame.cmd == 0 || st->silent)
    return used;
  if (frame.cmd == TONGBAN_LIGHTS_INPUTS)
    {
      send_frame (sim, TONGBAN_LIGHTS_INPUTS, &st->inputs, 1);
      return used;
    }
  if (frame.cmd == TONGBAN_LIGHTS_SET && frame.length == 2 &&
      frame.data[0] < TONGBAN_LIGHTS_OUTPUTS && frame.data[1] <= TONGBAN_FLASH_CONTINUOUS &&
      !st->refuse)
    st->outputs[frame.data[0]] = frame.data[1];
  else
    status = 1;
  st->refuse = FALSE;
  send_frame (sim, TONGBAN_FRAME_ACK, &status, 1);
  return used;
}

static gboolean
lights_event (TongbanSim *sim,
              const char *event)
{
  PanelState *st = tongban_sim_get_state (sim);
  guint input, times;
  char state[8];

  if (g_str_equal (event, "refuse"))
    {
      st->refuse = TRUE;
      return TRUE;
    }
  if (g_str_equal (event, "silent") || g_str_equal (event, "answer"))
    {
      st->silent = g_str_equal (event, "silent");
      return TRUE;
    }
  /* A switch that bounces or is being tampered with: back to back edges. */
  if (sscanf (event, "flap %u %u", &input, &times) == 2 && input < TONGBAN_LIGHTS_INPUTS_N &&
      times <= 100)
    {
      for (guint i = 0; i < times; i++)
        {
          st->inputs ^= 1u << input;
          send_frame (sim, TONGBAN_LIGHTS_INPUTS, &st->inputs, 1);
        }
      return TRUE;
    }
  if (sscanf (event, "input %u %7s", &input, state) != 2 || input >= TONGBAN_LIGHTS_INPUTS_N)
    return FALSE;
  if (g_str_equal (state, "on"))
    st->inputs |= 1u << input;
  else if (g_str_equal (state, "off"))
    st->inputs &= ~(1u << input);
  else
    return FALSE;
  if (!st->silent)
    send_frame (sim, TONGBAN_LIGHTS_INPUTS, &st->inputs, 1);
  return TRUE;
}

/* Serial barcode scanner: it only talks */

static gsize
scanner_input (TongbanSim   *sim,
               const guint8 *data,
               gsize         length)
{
  return length;
}

static gboolean
scanner_event (TongbanSim *sim,
               const char *event)
{
  if (!g_str_has_prefix (event, "scan "))
    return FALSE;
  tongban_sim_send (sim, (const guint8 *) event + 5, strlen (event + 5));
  tongban_sim_send (sim, (const guint8 *) "\r", 1);
  return TRUE;
}

static void
panel_finalize (TongbanSim *sim)
{
  g_free (tongban_sim_get_state (sim));
}

static const TongbanSimClass pinpad_class = {
  .name = "pinpad", .input = pinpad_input, .event = pinpad_event, .finalize = panel_finalize,
};
static const TongbanSimClass lights_class = {
  .name = "lights", .input = lights_input, .event = lights_event, .finalize = panel_finalize,
};
static const TongbanSimClass scanner_class = {
  .name = "scanner", .input = scanner_input, .event = scanner_event, .finalize = panel_finalize,
};

TongbanSim *
tongban_sim_pinpad_new (guint    baud,
                        GError **error)
{
  return tongban_sim_new_pty (&pinpad_class, g_new0 (PanelState, 1), baud, error);
}

gboolean
tongban_sim_pinpad_get_enabled (TongbanSim *sim)
{
  PanelState *st = tongban_sim_get_state (sim);
  gboolean enabled;

  tongban_sim_lock (sim);
  enabled = st->enabled;
  tongban_sim_unlock (sim);
  return enabled;
}

TongbanSim *
tongban_sim_lights_new (guint    baud,
                        GError **error)
{
  return tongban_sim_new_pty (&lights_class, g_new0 (PanelState, 1), baud, error);
}

TongbanFlashRate
tongban_sim_lights_get_output (TongbanSim *sim,
                               guint       output)
{
  PanelState *st = tongban_sim_get_state (sim);
  TongbanFlashRate rate;

  g_return_val_if_fail (output < TONGBAN_LIGHTS_OUTPUTS, TONGBAN_FLASH_OFF);
  tongban_sim_lock (sim);
  rate = st->outputs[output];
  tongban_sim_unlock (sim);
  return rate;
}

TongbanSim *
tongban_sim_scanner_new (guint    baud,
                         GError **error)
{
  return tongban_sim_new_pty (&scanner_class, g_new0 (PanelState, 1), baud, error);
}
