/* tongban-sim-fault.c: the spoiled reply a fault event asks for */

#include "tongban-sim-fault.h"

static const char *const names[] = {
  [TONGBAN_SIM_FAULT_GARBAGE] = "garbage",
  [TONGBAN_SIM_FAULT_NOISE] = "noise",
  [TONGBAN_SIM_FAULT_BAD_CHECKSUM] = "bad checksum",
  [TONGBAN_SIM_FAULT_BAD_LENGTH] = "bad length",
  [TONGBAN_SIM_FAULT_TRUNCATE] = "truncate",
  [TONGBAN_SIM_FAULT_SILENT] = "silent",
  [TONGBAN_SIM_FAULT_CUT] = "cut",
  [TONGBAN_SIM_FAULT_SLOW] = "slow",
  [TONGBAN_SIM_FAULT_WRONG_ADDRESS] = "wrong address",
};

/* Sim thread. TRUE if event is a fault the device knows; it is then pending. */
gboolean
tongban_sim_fault_parse (const TongbanSimFaults *faults,
                         const char             *event,
                         TongbanSimFault        *pending)
{
  for (guint f = TONGBAN_SIM_FAULT_GARBAGE; f < G_N_ELEMENTS (names); f++)
    {
      const char *name = f == TONGBAN_SIM_FAULT_UNKNOWN ? faults->unknown_name : names[f];

      if ((faults->known & TONGBAN_SIM_FAULT_BIT (f)) && name != NULL && g_str_equal (event, name))
        {
          *pending = f;
          return TRUE;
        }
    }
  return FALSE;
}

/* Sim thread. Sends packet, spoiled as the pending fault says, and clears
 * the fault. Returns the bytes sent as the reply (garbage and noise not
 * counted). */
gsize
tongban_sim_fault_send (TongbanSim             *sim,
                        const TongbanSimFaults *faults,
                        TongbanSimFault        *pending,
                        GByteArray             *packet)
{
  TongbanSimFault fault = *pending;

  *pending = TONGBAN_SIM_FAULT_NONE;
  switch (fault)
    {
    case TONGBAN_SIM_FAULT_SILENT:
      return 0;
    case TONGBAN_SIM_FAULT_GARBAGE:
      tongban_sim_send (sim, faults->garbage, faults->garbage_len);
      return 0;
    case TONGBAN_SIM_FAULT_NOISE:
      tongban_sim_send (sim, faults->noise, faults->noise_len);
      break;
    case TONGBAN_SIM_FAULT_BAD_CHECKSUM:
      packet->data[packet->len - 1] ^= 0x5A;
      break;
    case TONGBAN_SIM_FAULT_BAD_LENGTH:
      packet->data[faults->length_at] = faults->bad_length[0];
      packet->data[faults->length_at + 1] = faults->bad_length[1];
      break;
    case TONGBAN_SIM_FAULT_TRUNCATE:
      g_byte_array_set_size (packet, packet->len / 2);
      break;
    case TONGBAN_SIM_FAULT_UNKNOWN:
    case TONGBAN_SIM_FAULT_WRONG_ADDRESS:
      {
        g_autoptr(GByteArray) odd = faults->odd_reply (sim, fault);

        tongban_sim_send (sim, odd->data, odd->len);
        return odd->len;
      }
    case TONGBAN_SIM_FAULT_CUT:
      tongban_sim_send (sim, packet->data, packet->len / 2);
      tongban_sim_unplug (sim);
      return packet->len / 2;
    case TONGBAN_SIM_FAULT_SLOW:
      g_usleep (500 * 1000);
      break;
    case TONGBAN_SIM_FAULT_NONE:
    default:
      break;
    }
  tongban_sim_send (sim, packet->data, packet->len);
  return packet->len;
}
