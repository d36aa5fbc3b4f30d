/* tongban-sim-fault.h: one-shot faults on a simulator's next reply packet
 *
 * The ID card and fingerprint simulators answer every command with one
 * packet (start code, length, checksum), and a scenario event spoils the
 * next one: "garbage" (the start of a packet that never completes), "noise"
 * (bytes without a whole packet, then the real reply), "bad checksum", "bad
 * length", "truncate", the protocol's own "unknown …" (a well-formed reply
 * with a code outside the protocol), "silent", and where the device knows
 * them "cut" (half the reply, then the cable is pulled), "slow" (the reply
 * half a second late) and "wrong address" (a reply from another device on
 * the line). A simulator describes its packets once in TongbanSimFaults.
 */
#pragma once

#include "tongban-sim.h"

G_BEGIN_DECLS

typedef enum {
  TONGBAN_SIM_FAULT_NONE,
  TONGBAN_SIM_FAULT_GARBAGE,
  TONGBAN_SIM_FAULT_NOISE,
  TONGBAN_SIM_FAULT_BAD_CHECKSUM,
  TONGBAN_SIM_FAULT_BAD_LENGTH,
  TONGBAN_SIM_FAULT_TRUNCATE,
  TONGBAN_SIM_FAULT_UNKNOWN,
  TONGBAN_SIM_FAULT_SILENT,
  TONGBAN_SIM_FAULT_CUT,
  TONGBAN_SIM_FAULT_SLOW,
  TONGBAN_SIM_FAULT_WRONG_ADDRESS,
} TongbanSimFault;

#define TONGBAN_SIM_FAULT_BIT(fault) (1u << (fault))

typedef struct
{
  const char   *unknown_name;  /* the event of TONGBAN_SIM_FAULT_UNKNOWN */
  guint         known;         /* TONGBAN_SIM_FAULT_BIT of each fault the device knows */
  const guint8 *garbage;
  gsize         garbage_len;
  const guint8 *noise;
  gsize         noise_len;
  guint         length_at;     /* where the packet's two length bytes are */
  guint8        bad_length[2];
  /* Sim thread: the whole packet sent instead, for UNKNOWN and WRONG_ADDRESS. */
  GByteArray *(*odd_reply) (TongbanSim *sim, TongbanSimFault fault);
} TongbanSimFaults;

gboolean tongban_sim_fault_parse (const TongbanSimFaults *faults,
                                  const char             *event,
                                  TongbanSimFault        *pending);
gsize    tongban_sim_fault_send  (TongbanSim             *sim,
                                  const TongbanSimFaults *faults,
                                  TongbanSimFault        *pending,
                                  GByteArray             *packet);

G_END_DECLS
