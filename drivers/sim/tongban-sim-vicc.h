/* tongban-sim-vicc.h: a virtual smart card for vsmartcard's vpcd
 *
 * It dials vpcd (the virtual reader pcscd loads), so the kiosk's PC/SC
 * driver talks to real pcscd. The card answers ISO 7816-4 (SELECT, GET
 * CHALLENGE, READ BINARY) and, as an SLE4442 memory card behind an ACS-style
 * reader, the pseudo-APDUs FF A4 (select card type), FF 20 (present PSC),
 * FF B0 (read), FF D0 (write), FF B1 (read security memory). As a bank card
 * it answers EMV SELECT PPSE, SELECT of its payment application and READ
 * RECORD (SFI 1, record 1: track 2 equivalent, account number, expiry) and
 * VERIFY of its PIN, 1234.
 * Events: "card insert", "card remove", "bad response" (next reply has no
 * status word).
 */
#pragma once

#include "tongban-sim.h"

G_BEGIN_DECLS

#define TONGBAN_VICC_AID "\xA0\x00\x00\x03\x33\x01\x01"
#define TONGBAN_VICC_PSC "\xFF\xFF\xFF"
/* The bank card's payment application and account number (a test number). */
#define TONGBAN_VICC_EMV_AID "\xA0\x00\x00\x00\x03\x10\x10"
#define TONGBAN_VICC_EMV_PAN "4761739001010119"
/* Its PIN, checked by VERIFY (offline plaintext); three tries. */
#define TONGBAN_VICC_EMV_PIN "\x24\x12\x34\xFF\xFF\xFF\xFF\xFF"

TongbanSim *tongban_sim_vicc_new        (guint       vpcd_port);
gboolean    tongban_sim_vicc_get_memory (TongbanSim *sim,
                                         guint8      memory[256]);

G_END_DECLS
