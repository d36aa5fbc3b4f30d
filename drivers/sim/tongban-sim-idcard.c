/* tongban-sim-idcard.c: SAM ID-card reader simulator
 *
 * Answers FIND, SELECT and READ with the frames a real SAM sends, for a
 * demonstration card whose data is made up (its ID number has a valid check
 * digit so the driver's checks run). The WLT photo is a placeholder of the
 * right size: a real one needs the licensed decoder anyway.
 */

#include "tongban-sim-idcard.h"
#include "tongban-sim-fault.h"

#include <string.h>

typedef struct
{
  gboolean         present;
  gboolean         selected;
  gboolean         pull_on_read;
  TongbanSimFault  fault;
  guint            reads;
  gsize            line_bytes;
  TongbanIdentity *identity;
} IdcardState;

static const guint8 garbage[] = { 0x55, 0x00, 0xAA, 0xAA, 0x13, 0x37, 0x96, 0x69, 0xFF, 0x00 };

static GByteArray *
odd_reply (TongbanSim      *sim,
           TongbanSimFault  fault)
{
  return tongban_sam_build_reply (0x77, NULL, 0);
}

/* Noise is the garbage, then the real reply. */
static const TongbanSimFaults faults = {
  .unknown_name = "unknown status",
  .known = TONGBAN_SIM_FAULT_BIT (TONGBAN_SIM_FAULT_GARBAGE) |
           TONGBAN_SIM_FAULT_BIT (TONGBAN_SIM_FAULT_NOISE) |
           TONGBAN_SIM_FAULT_BIT (TONGBAN_SIM_FAULT_BAD_CHECKSUM) |
           TONGBAN_SIM_FAULT_BIT (TONGBAN_SIM_FAULT_BAD_LENGTH) |
           TONGBAN_SIM_FAULT_BIT (TONGBAN_SIM_FAULT_TRUNCATE) |
           TONGBAN_SIM_FAULT_BIT (TONGBAN_SIM_FAULT_UNKNOWN) |
           TONGBAN_SIM_FAULT_BIT (TONGBAN_SIM_FAULT_SILENT),
  .garbage = garbage, .garbage_len = sizeof garbage,
  .noise = garbage, .noise_len = sizeof garbage,
  .length_at = 5, .bad_length = { 0xFF, 0xFF },
  .odd_reply = odd_reply,
};

TongbanIdentity *
tongban_sim_idcard_demo_identity (void)
{
  TongbanIdentity *id = g_new0 (TongbanIdentity, 1);
  guint8 photo[TONGBAN_SAM_PHOTO_LEN];
  guint8 finger[1024];

  /* Made-up demonstration data, not a person. */
  id->card_type = ' ';
  id->fields[TONGBAN_ID_NAME] = g_strdup ("演示样卡");
  id->fields[TONGBAN_ID_SEX] = g_strdup ("1");
  id->fields[TONGBAN_ID_NATION] = g_strdup ("01");
  id->fields[TONGBAN_ID_BIRTH] = g_strdup ("19900101");
  id->fields[TONGBAN_ID_ADDRESS] = g_strdup ("广东省广州市天河区演示路1号");
  id->fields[TONGBAN_ID_NUMBER] = g_strdup ("440106199001011235");
  id->fields[TONGBAN_ID_AUTHORITY] = g_strdup ("广州市公安局天河分局");
  id->fields[TONGBAN_ID_VALID_FROM] = g_strdup ("20200101");
  id->fields[TONGBAN_ID_VALID_TO] = g_strdup ("20400101");
  for (guint i = 0; i < sizeof photo; i++)
    photo[i] = (guint8) (i * 7 + 3);
  for (guint i = 0; i < sizeof finger; i++)
    finger[i] = (guint8) (i * 13 + 1);
  memcpy (photo, "WLT\x00", 4);
  id->photo = g_bytes_new (photo, sizeof photo);
  id->fingerprint = g_bytes_new (finger, sizeof finger);
  return id;
}

static void
reply (TongbanSim   *sim,
       guint8        sw3,
       const guint8 *data,
       gsize         length)
{
  IdcardState *st = tongban_sim_get_state (sim);
  g_autoptr(GByteArray) frame = tongban_sam_build_reply (sw3, data, length);

  st->line_bytes += tongban_sim_fault_send (sim, &faults, &st->fault, frame);
}

static gsize
idcard_input (TongbanSim   *sim,
              const guint8 *data,
              gsize         length)
{
  IdcardState *st = tongban_sim_get_state (sim);
  TongbanSamFrame frame;
  gsize used = 0;
  guint8 cmd, para;

  switch (tongban_sam_parse (data, length, &frame, &used, NULL))
    {
    case TONGBAN_SAM_PARSE_NEED_MORE:
      return 0;
    case TONGBAN_SAM_PARSE_INVALID:
      /* A SAM answers a corrupt command with "checksum error". */
      if (length >= 5 && memcmp (data, "\xAA\xAA\xAA\x96\x69", 5) == 0)
        reply (sim, TONGBAN_SAM_SW_CHECKSUM_ERROR, NULL, 0);
      return used;
    case TONGBAN_SAM_PARSE_OK:
    default:
      break;
    }
  st->line_bytes += used;
  if (frame.body_len < 2)
    {
      reply (sim, TONGBAN_SAM_SW_LENGTH_ERROR, NULL, 0);
      return used;
    }
  cmd = frame.body[0];
  para = frame.body[1];

  if (cmd == 0x10 || cmd == 0x11)
    reply (sim, TONGBAN_SAM_SW_OK, NULL, 0);
  else if (cmd == 0x12 && para == 0xFF)
    {
      static const guint8 sam_id[16] = { 0x05, 0x00, 0x01, 0x02, 0x20, 0x26, 0x11, 0x27 };
      reply (sim, TONGBAN_SAM_SW_OK, sam_id, sizeof sam_id);
    }
  else if (cmd == 0x20 && para == 0x01)
    {
      static const guint8 zeros[4] = { 0 };
      st->selected = FALSE;
      if (st->present)
        reply (sim, TONGBAN_SAM_SW_FOUND, zeros, sizeof zeros);
      else
        reply (sim, TONGBAN_SAM_SW_FIND_FAILED, NULL, 0);
    }
  else if (cmd == 0x20 && para == 0x02)
    {
      static const guint8 zeros[8] = { 0 };
      st->selected = st->present;
      if (st->present)
        reply (sim, TONGBAN_SAM_SW_OK, zeros, sizeof zeros);
      else
        reply (sim, TONGBAN_SAM_SW_SELECT_FAILED, NULL, 0);
    }
  else if (cmd == 0x30 && (para == 0x01 || para == 0x10))
    {
      if (st->pull_on_read)
        {
          st->pull_on_read = FALSE;
          st->present = FALSE;
          st->selected = FALSE;
        }
      if (st->present && st->selected)
        {
          g_autoptr(GByteArray) payload = tongban_identity_encode (st->identity, para == 0x10);

          st->reads++;
          reply (sim, TONGBAN_SAM_SW_OK, payload->data, payload->len);
        }
      else
        reply (sim, TONGBAN_SAM_SW_READ_FAILED, NULL, 0);
    }
  else
    reply (sim, TONGBAN_SAM_SW_BAD_COMMAND, NULL, 0);
  return used;
}

static gboolean
idcard_event (TongbanSim *sim,
              const char *event)
{
  IdcardState *st = tongban_sim_get_state (sim);

  if (g_str_equal (event, "card present"))
    st->present = TRUE;
  else if (g_str_equal (event, "card removed"))
    st->present = st->selected = FALSE;
  else if (g_str_equal (event, "card pulled"))
    st->pull_on_read = TRUE;
  else
    return tongban_sim_fault_parse (&faults, event, &st->fault);
  return TRUE;
}

static void
idcard_finalize (TongbanSim *sim)
{
  IdcardState *st = tongban_sim_get_state (sim);

  tongban_identity_free (st->identity);
  g_free (st);
}

static const TongbanSimClass idcard_class = {
  .name = "idcard",
  .input = idcard_input,
  .event = idcard_event,
  .finalize = idcard_finalize,
};

TongbanSim *
tongban_sim_idcard_new (guint    baud,
                        GError **error)
{
  IdcardState *st = g_new0 (IdcardState, 1);

  /* On failure the simulator's finalize has already freed the state. */
  st->identity = tongban_sim_idcard_demo_identity ();
  return tongban_sim_new_pty (&idcard_class, st, baud, error);
}

guint
tongban_sim_idcard_get_reads (TongbanSim *sim)
{
  IdcardState *st = tongban_sim_get_state (sim);
  guint reads;

  tongban_sim_lock (sim);
  reads = st->reads;
  tongban_sim_unlock (sim);
  return reads;
}

/* Bytes the simulator received and sent in well-formed frames. */
gsize
tongban_sim_idcard_get_line_bytes (TongbanSim *sim)
{
  IdcardState *st = tongban_sim_get_state (sim);
  gsize n;

  tongban_sim_lock (sim);
  n = st->line_bytes;
  tongban_sim_unlock (sim);
  return n;
}
