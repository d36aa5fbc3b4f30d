/* tongban-sim-printer.c: ESC/POS receipt printer simulator
 *
 * Out of paper, it drops what it receives until paper is loaded, the way a
 * printer that cleared its buffer would; it does not answer GS r then,
 * since GS r is answered in sequence and the sequence has stopped.
 */

#include "tongban-sim-printer.h"
#include "tongban-escpos.h"

#include <gio/gio.h>
#include <string.h>

typedef struct
{
  TongbanEscposStatus status;
  gboolean   asb;
  gint       paper_limit;      /* lines left before paper out, -1 = no limit */
  gboolean   bad_status;
  GString   *text;
  guint      lines;
  guint      cuts;
  guint      invalid;
  GPtrArray *qr;
  GByteArray *qr_stored;
} PrinterState;

static void
send_asb (TongbanSim *sim)
{
  PrinterState *st = tongban_sim_get_state (sim);
  guint8 asb[4];

  if (!st->asb)
    return;
  st->status.offline = st->status.paper_out || st->status.cover_open || st->status.cutter_error;
  tongban_escpos_encode_asb (&st->status, asb);
  tongban_sim_send (sim, asb, sizeof asb);
}

static void
print_text (TongbanSim   *sim,
            const guint8 *data,
            gsize         length)
{
  PrinterState *st = tongban_sim_get_state (sim);
  gsize start = 0;

  /* Line by line, so paper can run out in the middle of a job. */
  for (gsize i = 0; i <= length; i++)
    {
      g_autofree char *utf8 = NULL;

      if (i < length && data[i] != '\n')
        continue;
      if (st->status.paper_out)
        return;
      utf8 = g_convert ((const char *) data + start, i - start, "UTF-8", "GB18030", NULL, NULL,
                        NULL);
      g_string_append (st->text, utf8 ? utf8 : "\357\277\275");
      if (i < length)
        {
          g_string_append_c (st->text, '\n');
          st->lines++;
          if (st->paper_limit > 0 && --st->paper_limit == 0)
            {
              st->paper_limit = -1;
              st->status.paper_out = TRUE;
              send_asb (sim);
            }
        }
      start = i + 1;
    }
}

static gsize
printer_input (TongbanSim   *sim,
               const guint8 *data,
               gsize         length)
{
  PrinterState *st = tongban_sim_get_state (sim);
  TongbanEscposCmd cmd;
  gsize used = 0;
  guint8 byte;

  switch (tongban_escpos_next_command (data, length, &cmd, &used))
    {
    case TONGBAN_ESCPOS_PARSE_NEED_MORE:
      return 0;
    case TONGBAN_ESCPOS_PARSE_INVALID:
      st->invalid += used;
      return used;
    case TONGBAN_ESCPOS_PARSE_OK:
    default:
      break;
    }

  /* Real-time status is answered even when the printer has stopped. */
  if (cmd.kind == TONGBAN_ESCPOS_CMD_RT_STATUS)
    {
      byte = 0x12;
      if (cmd.arg == 1)
        byte = 0x16 | (st->status.offline ? 0x08 : 0);
      else if (cmd.arg == 2)
        byte |= (st->status.cover_open ? 0x04 : 0) | (st->status.paper_out ? 0x20 : 0);
      else if (cmd.arg == 3)
        byte |= st->status.cutter_error ? 0x08 : 0;
      else if (cmd.arg == 4)
        byte |= (st->status.paper_near_end ? 0x0C : 0) | (st->status.paper_out ? 0x60 : 0);
      tongban_sim_send (sim, &byte, 1);
      return used;
    }
  if (st->status.paper_out || st->status.cover_open)
    return used;

  switch (cmd.kind)
    {
    case TONGBAN_ESCPOS_CMD_TEXT:
      print_text (sim, cmd.data, cmd.length);
      break;
    case TONGBAN_ESCPOS_CMD_CUT:
      if (!st->status.cutter_error)
        st->cuts++;
      break;
    case TONGBAN_ESCPOS_CMD_QR_STORE:
      g_byte_array_set_size (st->qr_stored, 0);
      g_byte_array_append (st->qr_stored, cmd.data, cmd.length);
      break;
    case TONGBAN_ESCPOS_CMD_QR_PRINT:
      g_ptr_array_add (st->qr, g_strndup ((const char *) st->qr_stored->data,
                                          st->qr_stored->len));
      break;
    case TONGBAN_ESCPOS_CMD_ASB:
      st->asb = cmd.arg != 0;
      send_asb (sim);
      break;
    case TONGBAN_ESCPOS_CMD_PAPER_STATUS:
      byte = tongban_escpos_encode_paper (&st->status);
      if (st->bad_status)
        byte = 0xFF;
      st->bad_status = FALSE;
      tongban_sim_send (sim, &byte, 1);
      break;
    case TONGBAN_ESCPOS_CMD_INIT:
    case TONGBAN_ESCPOS_CMD_BOLD:
    case TONGBAN_ESCPOS_CMD_SIZE:
    case TONGBAN_ESCPOS_CMD_ALIGN:
    case TONGBAN_ESCPOS_CMD_FEED:
    case TONGBAN_ESCPOS_CMD_CHINESE:
    case TONGBAN_ESCPOS_CMD_QR_SETUP:
    case TONGBAN_ESCPOS_CMD_RASTER:
    case TONGBAN_ESCPOS_CMD_RT_STATUS:
    default:
      break;
    }
  return used;
}

static gboolean
printer_event (TongbanSim *sim,
               const char *event)
{
  PrinterState *st = tongban_sim_get_state (sim);
  guint64 n;

  if (g_str_equal (event, "paper low"))
    st->status.paper_near_end = TRUE;
  else if (g_str_equal (event, "paper out"))
    st->status.paper_out = st->status.paper_near_end = TRUE;
  else if (g_str_equal (event, "paper loaded"))
    st->status.paper_out = st->status.paper_near_end = FALSE;
  else if (g_str_has_prefix (event, "paper out after ") &&
           g_ascii_string_to_unsigned (event + 16, 10, 1, 100000, &n, NULL))
    {
      st->paper_limit = (gint) n;
      return TRUE;
    }
  else if (g_str_equal (event, "cover open"))
    st->status.cover_open = TRUE;
  else if (g_str_equal (event, "cover closed"))
    st->status.cover_open = FALSE;
  else if (g_str_equal (event, "cutter error"))
    st->status.cutter_error = TRUE;
  else if (g_str_equal (event, "cutter ok"))
    st->status.cutter_error = FALSE;
  else if (g_str_equal (event, "bad status"))
    {
      st->bad_status = TRUE;
      return TRUE;
    }
  else
    return FALSE;
  send_asb (sim);
  return TRUE;
}

static void
printer_connected (TongbanSim *sim)
{
  PrinterState *st = tongban_sim_get_state (sim);

  /* A new host starts with ASB off, as after power-on. */
  st->asb = FALSE;
}

static void
printer_finalize (TongbanSim *sim)
{
  PrinterState *st = tongban_sim_get_state (sim);

  g_string_free (st->text, TRUE);
  g_ptr_array_unref (st->qr);
  g_byte_array_unref (st->qr_stored);
  g_free (st);
}

static const TongbanSimClass printer_class = {
  .name = "receipt",
  .input = printer_input,
  .event = printer_event,
  .connected = printer_connected,
  .finalize = printer_finalize,
};

static PrinterState *
state_new (void)
{
  PrinterState *st = g_new0 (PrinterState, 1);

  st->text = g_string_new (NULL);
  st->qr = g_ptr_array_new_with_free_func (g_free);
  st->qr_stored = g_byte_array_new ();
  st->paper_limit = -1;
  return st;
}

/* On failure the simulator's finalize has already freed the state. */
TongbanSim *
tongban_sim_printer_new_tcp (guint    port,
                             GError **error)
{
  return tongban_sim_new_tcp (&printer_class, state_new (), port, error);
}

TongbanSim *
tongban_sim_printer_new_pty (guint    baud,
                             GError **error)
{
  return tongban_sim_new_pty (&printer_class, state_new (), baud, error);
}

char *
tongban_sim_printer_dup_text (TongbanSim *sim)
{
  PrinterState *st = tongban_sim_get_state (sim);
  char *text;

  tongban_sim_lock (sim);
  text = g_strdup (st->text->str);
  tongban_sim_unlock (sim);
  return text;
}

guint
tongban_sim_printer_get_cuts (TongbanSim *sim)
{
  PrinterState *st = tongban_sim_get_state (sim);
  guint n;

  tongban_sim_lock (sim);
  n = st->cuts;
  tongban_sim_unlock (sim);
  return n;
}

guint
tongban_sim_printer_get_lines (TongbanSim *sim)
{
  PrinterState *st = tongban_sim_get_state (sim);
  guint n;

  tongban_sim_lock (sim);
  n = st->lines;
  tongban_sim_unlock (sim);
  return n;
}

guint
tongban_sim_printer_get_invalid_bytes (TongbanSim *sim)
{
  PrinterState *st = tongban_sim_get_state (sim);
  guint n;

  tongban_sim_lock (sim);
  n = st->invalid;
  tongban_sim_unlock (sim);
  return n;
}

char *
tongban_sim_printer_dup_qr (TongbanSim *sim,
                            guint       index)
{
  PrinterState *st = tongban_sim_get_state (sim);
  char *qr = NULL;

  tongban_sim_lock (sim);
  if (index < st->qr->len)
    qr = g_strdup (g_ptr_array_index (st->qr, index));
  tongban_sim_unlock (sim);
  return qr;
}
