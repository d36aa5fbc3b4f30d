/* tongban-sim-vicc.c: vpcd virtual card
 *
 * vpcd's wire format: a 2-byte big-endian length, then the payload; a 1-byte
 * payload is a control code (0 power off, 1 power on, 2 reset, 4 send ATR),
 * anything longer is a command APDU answered by a response APDU.
 */

#include "tongban-sim-vicc.h"
#include "tongban-apdu.h"
#include "tongban-emv.h"

#include <string.h>

/* TS 3B, T0 80 (TD1), TD1 80 (T=0, TD2), TD2 01 (T=1), TCK 01 */
static const guint8 atr[] = { 0x3B, 0x80, 0x80, 0x01, 0x01 };

typedef struct
{
  guint8   memory[256];
  guint8   psc[3];
  guint    psc_tries;
  gboolean psc_ok;
  gboolean selected;
  gboolean emv_selected;
  guint    pin_tries;
  gboolean memory_mode;
  gboolean bad_response;
} ViccState;

static void
send_payload (TongbanSim   *sim,
              const guint8 *data,
              gsize         length)
{
  guint8 head[2] = { length >> 8, length & 0xff };
  g_autoptr(GByteArray) out = g_byte_array_sized_new (length + 2);

  g_byte_array_append (out, head, 2);
  g_byte_array_append (out, data, length);
  tongban_sim_send (sim, out->data, out->len);
}

static void
respond (TongbanSim   *sim,
         GByteArray   *response,
         guint16       sw)
{
  ViccState *st = tongban_sim_get_state (sim);
  guint8 tail[2] = { sw >> 8, sw & 0xff };

  g_byte_array_append (response, tail, 2);
  if (st->bad_response)
    {
      st->bad_response = FALSE;
      g_byte_array_set_size (response, 1);
    }
  send_payload (sim, response->data, response->len);
}

#define RESPOND(sw) G_STMT_START { respond (sim, r, (sw)); return; } G_STMT_END

/* The EMV answers: the payment directory names one application, whose one
 * record holds the account number (5A), its track 2 equivalent and expiry. */
static const guint8 emv_ppse_fci[] = {
  0x6F, 0x23, 0x84, 0x0E, '2', 'P', 'A', 'Y', '.', 'S', 'Y', 'S', '.', 'D', 'D', 'F', '0', '1',
  0xA5, 0x11, 0xBF, 0x0C, 0x0E, 0x61, 0x0C, 0x4F, 0x07, 0xA0, 0x00, 0x00, 0x00, 0x03, 0x10, 0x10,
  0x87, 0x01, 0x01,
};
static const guint8 emv_aid_fci[] = {
  0x6F, 0x10, 0x84, 0x07, 0xA0, 0x00, 0x00, 0x00, 0x03, 0x10, 0x10,
  0xA5, 0x05, 0x50, 0x03, 'T', 'S', 'T',
};
static const guint8 emv_record[] = {
  0x70, 0x22,
  0x57, 0x10, 0x47, 0x61, 0x73, 0x90, 0x01, 0x01, 0x01, 0x19, 0xD2, 0x91, 0x22, 0x01, 0x00, 0x00,
  0x00, 0x0F,
  0x5A, 0x08, 0x47, 0x61, 0x73, 0x90, 0x01, 0x01, 0x01, 0x19,
  0x5F, 0x24, 0x03, 0x29, 0x12, 0x31,
};

static void
handle_apdu (TongbanSim   *sim,
             const guint8 *data,
             gsize         length)
{
  ViccState *st = tongban_sim_get_state (sim);
  g_autoptr(GByteArray) r = g_byte_array_new ();
  TongbanApdu apdu;

  if (!tongban_apdu_parse_command (data, length, &apdu, NULL))
    RESPOND (0x6700);

  if (apdu.cla == 0xFF)
    {
      switch (apdu.ins)
        {
        case 0xA4:   /* select card type: 06 = SLE4432/4442 */
          st->memory_mode = apdu.lc == 1 && apdu.data[0] == 0x06;
          RESPOND (st->memory_mode ? 0x9000 : 0x6A81);
        case 0xB0:
          if (!st->memory_mode)
            RESPOND (0x6985);
          if (apdu.le == TONGBAN_APDU_NO_LE || apdu.p2 + apdu.le > 256)
            RESPOND (0x6B00);
          g_byte_array_append (r, st->memory + apdu.p2, apdu.le);
          RESPOND (0x9000);
        case 0xB1:
          {
            guint8 sec[4] = { (guint8) ((1u << st->psc_tries) - 1), st->psc[0], st->psc[1],
                              st->psc[2] };
            if (!st->memory_mode)
              RESPOND (0x6985);
            /* The PSC reads as zeros until presented. */
            if (!st->psc_ok)
              memset (sec + 1, 0, 3);
            g_byte_array_append (r, sec, 4);
            RESPOND (0x9000);
          }
        case 0x20:
          if (!st->memory_mode || apdu.lc != 3)
            RESPOND (0x6700);
          if (st->psc_tries == 0)
            RESPOND (0x6983);
          if (memcmp (apdu.data, st->psc, 3) == 0)
            {
              st->psc_ok = TRUE;
              st->psc_tries = 3;
              RESPOND (0x9007);   /* ACS: 90 07 = PSC ok, counter 111b */
            }
          st->psc_tries--;
          st->psc_ok = FALSE;
          RESPOND (0x6300 | ((1u << st->psc_tries) - 1));
        case 0xD0:
          if (!st->memory_mode || apdu.lc == 0 || apdu.p2 + apdu.lc > 256)
            RESPOND (0x6B00);
          if (!st->psc_ok)
            RESPOND (0x6982);
          memcpy (st->memory + apdu.p2, apdu.data, apdu.lc);
          RESPOND (0x9000);
        default:
          RESPOND (0x6D00);
        }
    }
  if (apdu.cla != 0x00)
    RESPOND (0x6E00);

  switch (apdu.ins)
    {
    case 0xA4:
      st->emv_selected = FALSE;
      if (apdu.p1 == 0x04 && apdu.lc == strlen (TONGBAN_EMV_PPSE) &&
          memcmp (apdu.data, TONGBAN_EMV_PPSE, apdu.lc) == 0)
        {
          g_byte_array_append (r, emv_ppse_fci, sizeof emv_ppse_fci);
          RESPOND (0x9000);
        }
      if (apdu.p1 == 0x04 && apdu.lc == sizeof TONGBAN_VICC_EMV_AID - 1 &&
          memcmp (apdu.data, TONGBAN_VICC_EMV_AID, apdu.lc) == 0)
        {
          st->emv_selected = TRUE;
          g_byte_array_append (r, emv_aid_fci, sizeof emv_aid_fci);
          RESPOND (0x9000);
        }
      st->selected = apdu.p1 == 0x04 && apdu.lc == sizeof TONGBAN_VICC_AID - 1 &&
                     memcmp (apdu.data, TONGBAN_VICC_AID, apdu.lc) == 0;
      if (!st->selected)
        RESPOND (0x6A82);
      g_byte_array_append (r, (const guint8 *) "\x6F\x09\x84\x07" TONGBAN_VICC_AID, 11);
      RESPOND (0x9000);
    case 0x84:
      if (apdu.le != 8)
        RESPOND (0x6C08);
      for (guint i = 0; i < 8; i++)
        {
          guint8 b = (guint8) g_random_int ();
          g_byte_array_append (r, &b, 1);
        }
      RESPOND (0x9000);
    case 0xB0:
      if (!st->selected)
        RESPOND (0x6985);
      if (apdu.le == TONGBAN_APDU_NO_LE || apdu.p2 + apdu.le > 256)
        RESPOND (0x6B00);
      g_byte_array_append (r, st->memory + apdu.p2, apdu.le);
      RESPOND (0x9000);
    case 0x20:   /* VERIFY, plaintext PIN block */
      if (!st->emv_selected || apdu.p2 != 0x80)
        RESPOND (0x6985);
      if (st->pin_tries == 0)
        RESPOND (0x6983);
      if (apdu.lc != 8 || memcmp (apdu.data, TONGBAN_VICC_EMV_PIN, 8) != 0)
        {
          st->pin_tries--;
          RESPOND (st->pin_tries == 0 ? 0x6983 : 0x63C0 | st->pin_tries);
        }
      st->pin_tries = 3;
      RESPOND (0x9000);
    case 0xB2:   /* READ RECORD: P1 record, P2 SFI << 3 | 4 */
      if (!st->emv_selected)
        RESPOND (0x6985);
      if (apdu.p2 != ((1 << 3) | 0x04))
        RESPOND (0x6A82);
      if (apdu.p1 != 1)
        RESPOND (0x6A83);
      g_byte_array_append (r, emv_record, sizeof emv_record);
      RESPOND (0x9000);
    default:
      RESPOND (0x6D00);
    }
}

static gsize
vicc_input (TongbanSim   *sim,
            const guint8 *data,
            gsize         length)
{
  gsize len;

  if (length < 2)
    return 0;
  len = (data[0] << 8) | data[1];
  if (length < 2 + len)
    return 0;
  if (len == 1)
    {
      ViccState *st = tongban_sim_get_state (sim);

      if (data[2] == 4)
        send_payload (sim, atr, sizeof atr);
      else if (data[2] == 0 || data[2] == 2)
        st->selected = st->emv_selected = st->memory_mode = st->psc_ok = FALSE;
    }
  else if (len > 1)
    handle_apdu (sim, data + 2, len);
  return 2 + len;
}

static gboolean
vicc_event (TongbanSim *sim,
            const char *event)
{
  ViccState *st = tongban_sim_get_state (sim);

  if (g_str_equal (event, "card insert"))
    tongban_sim_connect (sim);
  else if (g_str_equal (event, "card remove"))
    tongban_sim_disconnect (sim);
  else if (g_str_equal (event, "bad response"))
    st->bad_response = TRUE;
  else
    return FALSE;
  return TRUE;
}

static void
vicc_finalize (TongbanSim *sim)
{
  g_free (tongban_sim_get_state (sim));
}

static const TongbanSimClass vicc_class = {
  .name = "vicc",
  .input = vicc_input,
  .event = vicc_event,
  .finalize = vicc_finalize,
};

TongbanSim *
tongban_sim_vicc_new (guint vpcd_port)
{
  ViccState *st = g_new0 (ViccState, 1);

  for (guint i = 0; i < sizeof st->memory; i++)
    st->memory[i] = (guint8) (i ^ 0xA5);
  memcpy (st->psc, TONGBAN_VICC_PSC, 3);
  st->psc_tries = 3;
  st->pin_tries = 3;
  return tongban_sim_new_tcp_client (&vicc_class, st, vpcd_port);
}

gboolean
tongban_sim_vicc_get_memory (TongbanSim *sim,
                             guint8      memory[256])
{
  ViccState *st = tongban_sim_get_state (sim);

  tongban_sim_lock (sim);
  memcpy (memory, st->memory, sizeof st->memory);
  tongban_sim_unlock (sim);
  return TRUE;
}
