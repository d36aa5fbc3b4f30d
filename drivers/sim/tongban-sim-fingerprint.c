/* tongban-sim-fingerprint.c: fingerprint module simulator
 *
 * Answers the module's instructions with the packets a real module sends:
 * GenImg captures whatever finger is on the sensor, Img2Tz turns the image
 * into features in a character buffer, DownChar/UpChar move a buffer as data
 * packets of the configured size, Match and Search compare buffers. The
 * comparison is done for real (the score counts equal bytes), so a template
 * that differs from the finger's gives "no match" by computation, not by
 * script. A live capture is never byte-for-byte the enrolled template: every
 * eighth byte of the features differs, as a real reading would.
 */

#include "tongban-sim-fingerprint.h"
#include "tongban-sim-fault.h"
#include "tongban-sim-idcard.h"
#include "tongban-fpm.h"

#include <string.h>

#define LIBRARY_SIZE 300
#define TEMPLATE_LEN TONGBAN_FPM_TEMPLATE_LEN

typedef enum {
  FINGER_NONE,
  FINGER_ENROLLED,
  FINGER_OTHER,
  FINGER_SMUDGED,
} Finger;

typedef struct
{
  guint32     address;
  guint32     password;
  guint       packet_size;
  guint8      enrolled[TEMPLATE_LEN];
  Finger      finger;          /* on the sensor */
  Finger      image;           /* in the image buffer, from the last GenImg */
  guint8      buffers[2][TEMPLATE_LEN];
  gboolean    buffer_valid[2];
  guint8     *library[LIBRARY_SIZE];
  int         receiving;       /* buffer a DownChar fills, or -1 */
  GByteArray *received;
  gboolean    image_fail;
  TongbanSimFault fault;
  guint       counts[256];     /* instructions received */
} FingerprintState;

/* Garbage ends in the start of a packet that never completes; noise holds no start code. */
static const guint8 garbage[] = { 0x55, 0xEF, 0x00, 0x13, 0xEF, 0x01, 0xFF, 0x37, 0x00 };
static const guint8 noise[] = { 0x00, 0x55, 0xEF, 0x13, 0xFF, 0x00 };

/* An ok from another module's address, or a code outside the protocol. */
static GByteArray *
odd_reply (TongbanSim      *sim,
           TongbanSimFault  fault)
{
  FingerprintState *st = tongban_sim_get_state (sim);

  if (fault == TONGBAN_SIM_FAULT_WRONG_ADDRESS)
    return tongban_fpm_build_ack (st->address ^ 0x01000000, 0x00, NULL, 0);
  return tongban_fpm_build_ack (st->address, 0x77, NULL, 0);
}

static const TongbanSimFaults faults = {
  .unknown_name = "unknown code",
  .known = ~0u,
  .garbage = garbage, .garbage_len = sizeof garbage,
  .noise = noise, .noise_len = sizeof noise,
  .length_at = 7, .bad_length = { 0xFF, 0xF0 },
  .odd_reply = odd_reply,
};

GBytes *
tongban_sim_fingerprint_demo_template (void)
{
  g_autoptr(TongbanIdentity) card = tongban_sim_idcard_demo_identity ();

  return g_bytes_new_from_bytes (card->fingerprint, 0, TEMPLATE_LEN);
}

/* The features a reading of the finger gives. */
static void
features (FingerprintState *st,
          Finger            finger,
          guint8           *out)
{
  for (guint i = 0; i < TEMPLATE_LEN; i++)
    {
      if (finger == FINGER_ENROLLED)
        out[i] = i % 8 == 7 ? (guint8) (st->enrolled[i] ^ 0xA5) : st->enrolled[i];
      else
        out[i] = (guint8) (i * 29 + 7);
    }
}

/* 0 … 256: half the number of equal bytes. */
static guint
compare (const guint8 *a,
         const guint8 *b)
{
  guint equal = 0;

  for (guint i = 0; i < TEMPLATE_LEN; i++)
    equal += a[i] == b[i];
  return equal / 2;
}

static void
send_packet (TongbanSim *sim,
             GByteArray *packet)
{
  FingerprintState *st = tongban_sim_get_state (sim);

  tongban_sim_fault_send (sim, &faults, &st->fault, packet);
}

static GByteArray *
ack (FingerprintState *st,
     guint8            code,
     const guint8     *results,
     gsize             length)
{
  return tongban_fpm_build_ack (st->address, code, results, length);
}

static GByteArray *
ack_u16 (FingerprintState *st,
         guint8            code,
         guint             a)
{
  guint8 r[2] = { a >> 8, a & 0xff };

  return ack (st, code, r, 2);
}

static GByteArray *
ack_u16_u16 (FingerprintState *st,
             guint8            code,
             guint             a,
             guint             b)
{
  guint8 r[4] = { a >> 8, a & 0xff, b >> 8, b & 0xff };

  return ack (st, code, r, 4);
}

static guint
be16 (const guint8 *p)
{
  return (p[0] << 8) | p[1];
}

/* Buffer ids are 1 and 2; anything else is a parameter the module refuses. */
static int
buffer_index (const guint8 *params,
              gsize         length)
{
  if (length < 1 || params[0] < 1 || params[0] > 2)
    return -1;
  return params[0] - 1;
}

static GByteArray *
sys_para (FingerprintState *st)
{
  TongbanFpmSysPara para = {
    .status = 0x0004, .system_id = 0x0009, .library_size = LIBRARY_SIZE, .security_level = 3,
    .address = st->address, .packet_size = st->packet_size, .baud = 57600,
  };
  guint8 out[16];

  tongban_fpm_sys_para_encode (&para, out);
  return ack (st, TONGBAN_FPM_OK, out, sizeof out);
}

/* The reply to a command: its acknowledgement, and for UpChar the data after it. */
static GByteArray *
command (FingerprintState *st,
         guint8            instruction,
         const guint8     *params,
         gsize             length)
{
  int b = buffer_index (params, length);

  st->counts[instruction]++;
  switch (instruction)
    {
    case TONGBAN_FPM_GEN_IMG:
      if (st->finger == FINGER_NONE)
        return ack (st, TONGBAN_FPM_NO_FINGER, NULL, 0);
      if (st->image_fail)
        {
          st->image_fail = FALSE;
          st->image = FINGER_NONE;
          return ack (st, TONGBAN_FPM_IMAGE_FAILED, NULL, 0);
        }
      st->image = st->finger;
      return ack (st, TONGBAN_FPM_OK, NULL, 0);

    case TONGBAN_FPM_IMG2TZ:
      if (b < 0 || length != 1)
        return ack (st, TONGBAN_FPM_RECEIVE_ERROR, NULL, 0);
      if (st->image == FINGER_NONE)
        return ack (st, TONGBAN_FPM_NO_VALID_IMAGE, NULL, 0);
      if (st->image == FINGER_SMUDGED)
        return ack (st, TONGBAN_FPM_IMAGE_MESSY, NULL, 0);
      features (st, st->image, st->buffers[b]);
      st->buffer_valid[b] = TRUE;
      return ack (st, TONGBAN_FPM_OK, NULL, 0);

    case TONGBAN_FPM_MATCH:
      {
        guint score = st->buffer_valid[0] && st->buffer_valid[1]
                      ? compare (st->buffers[0], st->buffers[1]) : 0;

        return ack_u16 (st, score >= TONGBAN_SIM_FINGERPRINT_THRESHOLD
                             ? TONGBAN_FPM_OK : TONGBAN_FPM_NO_MATCH, score);
      }

    case TONGBAN_FPM_SEARCH:
      {
        guint start, count, best = 0, page = 0;

        if (b < 0 || length != 5)
          return ack (st, TONGBAN_FPM_RECEIVE_ERROR, NULL, 0);
        start = be16 (params + 1);
        count = be16 (params + 3);
        for (guint p = start; p < MIN (start + count, LIBRARY_SIZE) && st->buffer_valid[b]; p++)
          if (st->library[p] != NULL && compare (st->library[p], st->buffers[b]) > best)
            {
              best = compare (st->library[p], st->buffers[b]);
              page = p;
            }
        if (best < TONGBAN_SIM_FINGERPRINT_THRESHOLD)
          return ack_u16_u16 (st, TONGBAN_FPM_NOT_FOUND, 0, 0);
        return ack_u16_u16 (st, TONGBAN_FPM_OK, page, best);
      }

    case TONGBAN_FPM_REG_MODEL:
      if (!st->buffer_valid[0] || !st->buffer_valid[1] ||
          compare (st->buffers[0], st->buffers[1]) < TONGBAN_SIM_FINGERPRINT_THRESHOLD)
        return ack (st, TONGBAN_FPM_MERGE_FAILED, NULL, 0);
      memcpy (st->buffers[1], st->buffers[0], TEMPLATE_LEN);
      return ack (st, TONGBAN_FPM_OK, NULL, 0);

    case TONGBAN_FPM_STORE:
      {
        guint page;

        if (b < 0 || length != 3 || !st->buffer_valid[b])
          return ack (st, TONGBAN_FPM_RECEIVE_ERROR, NULL, 0);
        page = be16 (params + 1);
        if (page >= LIBRARY_SIZE)
          return ack (st, TONGBAN_FPM_BAD_PAGE, NULL, 0);
        g_free (st->library[page]);
        st->library[page] = g_memdup2 (st->buffers[b], TEMPLATE_LEN);
        return ack (st, TONGBAN_FPM_OK, NULL, 0);
      }

    case TONGBAN_FPM_UP_CHAR:
      {
        GByteArray *reply;

        if (b < 0 || length != 1)
          return ack (st, TONGBAN_FPM_RECEIVE_ERROR, NULL, 0);
        if (!st->buffer_valid[b])
          return ack (st, TONGBAN_FPM_UPLOAD_FAILED, NULL, 0);
        reply = ack (st, TONGBAN_FPM_OK, NULL, 0);
        tongban_fpm_append_data (reply, st->address, st->buffers[b], TEMPLATE_LEN,
                                 st->packet_size);
        return reply;
      }

    case TONGBAN_FPM_DOWN_CHAR:
      if (b < 0 || length != 1)
        return ack (st, TONGBAN_FPM_RECEIVE_ERROR, NULL, 0);
      st->receiving = b;
      g_byte_array_set_size (st->received, 0);
      return ack (st, TONGBAN_FPM_OK, NULL, 0);

    case TONGBAN_FPM_READ_SYS_PARA:
      return sys_para (st);

    case TONGBAN_FPM_VFY_PWD:
      if (length != 4)
        return ack (st, TONGBAN_FPM_RECEIVE_ERROR, NULL, 0);
      return ack (st, ((guint32) be16 (params) << 16 | be16 (params + 2)) == st->password
                       ? TONGBAN_FPM_OK : TONGBAN_FPM_WRONG_PASSWORD, NULL, 0);

    case TONGBAN_FPM_TEMPLATE_NUM:
      {
        guint n = 0;

        for (guint p = 0; p < LIBRARY_SIZE; p++)
          n += st->library[p] != NULL;
        return ack_u16 (st, TONGBAN_FPM_OK, n);
      }

    default:
      return ack (st, TONGBAN_FPM_RECEIVE_ERROR, NULL, 0);
    }
}

/* Data packets after DownChar; a buffer only counts when all of it came. */
static void
data_packet (TongbanSim             *sim,
             const TongbanFpmPacket *packet)
{
  FingerprintState *st = tongban_sim_get_state (sim);

  if (st->receiving < 0)
    return;
  g_byte_array_append (st->received, packet->content, packet->content_len);
  if (packet->pid != TONGBAN_FPM_PID_END_DATA)
    return;
  st->buffer_valid[st->receiving] = st->received->len == TEMPLATE_LEN;
  if (st->buffer_valid[st->receiving])
    memcpy (st->buffers[st->receiving], st->received->data, TEMPLATE_LEN);
  st->receiving = -1;
  explicit_bzero (st->received->data, st->received->len);
}

static gsize
fingerprint_input (TongbanSim   *sim,
                   const guint8 *data,
                   gsize         length)
{
  FingerprintState *st = tongban_sim_get_state (sim);
  TongbanFpmPacket packet;
  gsize used = 0;

  switch (tongban_fpm_parse (data, length, &packet, &used, NULL))
    {
    case TONGBAN_FPM_PARSE_NEED_MORE:
      return 0;
    case TONGBAN_FPM_PARSE_INVALID:
      /* A module answers a corrupt packet with "receive error". */
      if (length >= 2 && data[0] == 0xEF && data[1] == 0x01)
        {
          g_autoptr(GByteArray) reply = ack (st, TONGBAN_FPM_RECEIVE_ERROR, NULL, 0);
          send_packet (sim, reply);
        }
      return used;
    case TONGBAN_FPM_PARSE_OK:
    default:
      break;
    }
  /* Not for this module: another one on the same line answers it. */
  if (packet.address != st->address)
    return used;
  if (packet.pid == TONGBAN_FPM_PID_DATA || packet.pid == TONGBAN_FPM_PID_END_DATA)
    data_packet (sim, &packet);
  else if (packet.pid == TONGBAN_FPM_PID_COMMAND)
    {
      g_autoptr(GByteArray) reply = NULL;

      st->receiving = -1;
      reply = command (st, packet.content[0], packet.content + 1, packet.content_len - 1);
      send_packet (sim, reply);
    }
  return used;
}

static gboolean
fingerprint_event (TongbanSim *sim,
                   const char *event)
{
  static const struct { const char *name; Finger finger; } fingers[] = {
    { "finger match", FINGER_ENROLLED }, { "finger other", FINGER_OTHER },
    { "finger smudged", FINGER_SMUDGED }, { "finger lift", FINGER_NONE },
  };
  FingerprintState *st = tongban_sim_get_state (sim);

  for (guint i = 0; i < G_N_ELEMENTS (fingers); i++)
    if (g_str_equal (event, fingers[i].name))
      {
        st->finger = fingers[i].finger;
        return TRUE;
      }
  if (tongban_sim_fault_parse (&faults, event, &st->fault))
    return TRUE;
  if (g_str_equal (event, "image fail"))
    {
      st->image_fail = TRUE;
      return TRUE;
    }
  return FALSE;
}

/* Power comes back with the cable: the RAM buffers are empty. */
static void
fingerprint_connected (TongbanSim *sim)
{
  FingerprintState *st = tongban_sim_get_state (sim);

  st->buffer_valid[0] = st->buffer_valid[1] = FALSE;
  st->image = FINGER_NONE;
  st->receiving = -1;
}

static void
fingerprint_finalize (TongbanSim *sim)
{
  FingerprintState *st = tongban_sim_get_state (sim);

  for (guint p = 0; p < LIBRARY_SIZE; p++)
    g_free (st->library[p]);
  g_byte_array_unref (st->received);
  g_free (st);
}

static const TongbanSimClass fingerprint_class = {
  .name = "fingerprint",
  .input = fingerprint_input,
  .event = fingerprint_event,
  .connected = fingerprint_connected,
  .finalize = fingerprint_finalize,
};

/* enrolled: the finger's 512-byte template, or NULL for the demonstration card's. */
TongbanSim *
tongban_sim_fingerprint_new (guint    baud,
                             GBytes  *enrolled,
                             GError **error)
{
  FingerprintState *st = g_new0 (FingerprintState, 1);
  g_autoptr(GBytes) demo = enrolled ? NULL : tongban_sim_fingerprint_demo_template ();
  GBytes *finger = enrolled ? enrolled : demo;

  g_return_val_if_fail (g_bytes_get_size (finger) == TEMPLATE_LEN, NULL);

  st->address = TONGBAN_FPM_DEFAULT_ADDRESS;
  st->packet_size = 128;
  st->receiving = -1;
  st->received = g_byte_array_new ();
  memcpy (st->enrolled, g_bytes_get_data (finger, NULL), TEMPLATE_LEN);
  /* On failure the simulator's finalize has already freed the state. */
  return tongban_sim_new_pty (&fingerprint_class, st, baud, error);
}

/* How many times the module received an instruction. */
guint
tongban_sim_fingerprint_get_count (TongbanSim *sim,
                                   guint8      instruction)
{
  FingerprintState *st = tongban_sim_get_state (sim);
  guint n;

  tongban_sim_lock (sim);
  n = st->counts[instruction];
  tongban_sim_unlock (sim);
  return n;
}
