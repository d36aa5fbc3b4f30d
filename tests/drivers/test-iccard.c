/* test-iccard.c: the PC/SC driver against real pcscd, vpcd and our virtual card
 *
 * pcscd runs in the foreground with a private reader configuration whose
 * vpcd listens on a free loopback port; the virtual card dials it. Needs
 * root (pcscd's socket is in /run/pcscd) and no other pcscd: skipped
 * otherwise, with the reason.
 */

#include "tongban-iccard-reader.h"
#include "pcsc-helper.h"

#include <string.h>

typedef struct
{
  PcscRig              rig;
  TongbanSim          *card;       /* the rig's */
  TongbanIccardReader *reader;
  GPtrArray           *events;
  guint                done;
  GBytes              *response;
  char                *pan;        /* masked, from read_pan */
  guint16              sw;
  GError              *error;
} Fixture;

static void
on_event (TongbanDevice *dev, const char *name, GVariant *payload, Fixture *fx)
{
  g_ptr_array_add (fx->events, g_strdup (name));
}

static gboolean
online (gpointer data)
{
  return tongban_device_get_state (data) == TONGBAN_DEVICE_STATE_ONLINE;
}

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  const char *why = pcsc_rig_unavailable ();

  fx->events = g_ptr_array_new_with_free_func (g_free);
  if (why != NULL)
    {
      g_test_skip (why);
      return;
    }
  pcsc_rig_start (&fx->rig);
  fx->card = fx->rig.card;
  fx->reader = tongban_iccard_reader_new ("iccard", PCSC_HELPER_READER);
  g_signal_connect (fx->reader, "event", G_CALLBACK (on_event), fx);
  tongban_device_start (TONGBAN_DEVICE (fx->reader));
  g_assert_true (tongban_device_wait_until (NULL, 10000, online, fx->reader));
}

static gboolean
nothing_pending (gpointer data)
{
  return !g_main_context_pending (NULL);
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  if (fx->reader != NULL)
    {
      tongban_device_stop (TONGBAN_DEVICE (fx->reader));
      tongban_device_wait_until (NULL, 300, nothing_pending, NULL);
      g_assert_finalize_object (fx->reader);
    }
  pcsc_rig_stop (&fx->rig);
  g_clear_pointer (&fx->response, g_bytes_unref);
  g_clear_pointer (&fx->pan, g_free);
  g_clear_error (&fx->error);
  g_ptr_array_unref (fx->events);
}

static void
on_response (GObject *source, GAsyncResult *result, gpointer data)
{
  Fixture *fx = data;

  g_clear_pointer (&fx->response, g_bytes_unref);
  g_clear_error (&fx->error);
  fx->sw = 0;
  fx->response = tongban_iccard_reader_transmit_finish (TONGBAN_ICCARD_READER (source), result,
                                                        &fx->sw, &fx->error);
  fx->done++;
}

static gboolean
done (gpointer data)
{
  gpointer *args = data;
  return ((Fixture *) args[0])->done >= GPOINTER_TO_UINT (args[1]);
}

static void
transmit (Fixture *fx, GBytes *apdu)
{
  gpointer args[2] = { fx, GUINT_TO_POINTER (fx->done + 1) };

  g_assert_nonnull (apdu);
  tongban_iccard_reader_transmit_async (fx->reader, apdu, 5000, NULL, on_response, fx);
  g_assert_true (tongban_device_wait_until (NULL, 10000, done, args));
}

static void
transmit_hex (Fixture *fx, const char *hex)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GBytes) apdu = NULL;

  for (const char *p = hex; p[0] && p[1]; p += 2)
    {
      guint8 b = (guint8) ((g_ascii_xdigit_value (p[0]) << 4) | g_ascii_xdigit_value (p[1]));
      g_byte_array_append (bytes, &b, 1);
    }
  apdu = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
  transmit (fx, apdu);
}

static gboolean
has_event (gpointer data)
{
  gpointer *args = data;
  GPtrArray *events = ((Fixture *) args[0])->events;

  for (guint i = 0; i < events->len; i++)
    if (g_str_equal (g_ptr_array_index (events, i), args[1]))
      return TRUE;
  return FALSE;
}

static void
insert_card (Fixture *fx)
{
  gpointer args[2] = { fx, "card-inserted" };

  tongban_sim_inject (fx->card, "card insert");
  g_assert_true (tongban_device_wait_until (NULL, 10000, has_event, args));
}

static void
test_cpu_card (Fixture *fx, gconstpointer data)
{
  gpointer removed[2] = { fx, "card-removed" };

  if (g_test_failed () || fx->reader == NULL)
    return;
  insert_card (fx);

  transmit_hex (fx, "00A4040007A000000333010100");
  g_assert_no_error (fx->error);
  g_assert_cmpuint (fx->sw, ==, 0x9000);
  g_assert_cmpmem (g_bytes_get_data (fx->response, NULL), g_bytes_get_size (fx->response),
                   "\x6F\x09\x84\x07" TONGBAN_VICC_AID, 11);

  /* Wrong Le: the card says 6C08, the driver resends with Le 8. */
  transmit_hex (fx, "0084000004");
  g_assert_no_error (fx->error);
  g_assert_cmpuint (fx->sw, ==, 0x9000);
  g_assert_cmpuint (g_bytes_get_size (fx->response), ==, 8);

  transmit_hex (fx, "00A4040003010203");
  g_assert_cmpuint (fx->sw, ==, 0x6A82);

  /* A response without a status word is invalid data. */
  tongban_sim_inject (fx->card, "bad response");
  transmit_hex (fx, "00A4040007A000000333010100");
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA);

  tongban_sim_inject (fx->card, "card remove");
  g_assert_true (tongban_device_wait_until (NULL, 10000, has_event, removed));
  transmit_hex (fx, "00A4040007A000000333010100");
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_USER_ERROR);
}

static void
test_memory_card (Fixture *fx, gconstpointer data)
{
  guint8 memory[256];
  g_autoptr(GBytes) select = tongban_memory_card_apdu (TONGBAN_MEMORY_CARD_ACS, "select-sle4442",
                                                       0, NULL, 0);
  g_autoptr(GBytes) read = tongban_memory_card_apdu (TONGBAN_MEMORY_CARD_ACS, "read", 0x20, NULL,
                                                     16);
  g_autoptr(GBytes) bad_psc = tongban_memory_card_apdu (TONGBAN_MEMORY_CARD_ACS, "present-psc", 0,
                                                        (const guint8 *) "\x12\x34\x56", 3);
  g_autoptr(GBytes) psc = tongban_memory_card_apdu (TONGBAN_MEMORY_CARD_ACS, "present-psc", 0,
                                                    (const guint8 *) TONGBAN_VICC_PSC, 3);
  g_autoptr(GBytes) write = tongban_memory_card_apdu (TONGBAN_MEMORY_CARD_ACS, "write", 0x20,
                                                      (const guint8 *) "TONGBAN", 7);

  if (g_test_failed () || fx->reader == NULL)
    return;
  g_assert_null (tongban_memory_card_apdu (TONGBAN_MEMORY_CARD_NONE, "read", 0, NULL, 1));
  insert_card (fx);

  transmit (fx, select);
  g_assert_cmpuint (fx->sw, ==, 0x9000);
  transmit (fx, read);
  g_assert_no_error (fx->error);
  g_assert_cmpuint (fx->sw, ==, 0x9000);
  tongban_sim_vicc_get_memory (fx->card, memory);
  g_assert_cmpmem (g_bytes_get_data (fx->response, NULL), g_bytes_get_size (fx->response),
                   memory + 0x20, 16);

  /* Writing needs the PSC; a wrong one costs a try. */
  transmit (fx, write);
  g_assert_cmpuint (fx->sw, ==, 0x6982);
  transmit (fx, bad_psc);
  g_assert_cmpuint (fx->sw, ==, 0x6303);
  transmit (fx, psc);
  g_assert_cmpuint (fx->sw, ==, 0x9007);
  transmit (fx, write);
  g_assert_cmpuint (fx->sw, ==, 0x9000);
  tongban_sim_vicc_get_memory (fx->card, memory);
  g_assert_cmpmem (memory + 0x20, 7, "TONGBAN", 7);
}

static void
on_pan (GObject *source, GAsyncResult *result, gpointer data)
{
  Fixture *fx = data;

  g_clear_error (&fx->error);
  fx->pan = tongban_iccard_reader_read_pan_finish (TONGBAN_ICCARD_READER (source), result,
                                                &fx->error);
  fx->done++;
}

static char *
read_pan (Fixture *fx)
{
  gpointer args[2] = { fx, GUINT_TO_POINTER (fx->done + 1) };
  char *pan;

  g_clear_pointer (&fx->pan, g_free);
  tongban_iccard_reader_read_pan_async (fx->reader, 5000, NULL, on_pan, fx);
  g_assert_true (tongban_device_wait_until (NULL, 10000, done, args));
  pan = g_steal_pointer (&fx->pan);
  return pan;
}

static void
on_verified (GObject *source, GAsyncResult *result, gpointer data)
{
  Fixture *fx = data;

  g_clear_error (&fx->error);
  fx->sw = (guint16) tongban_iccard_reader_verify_pin_finish (TONGBAN_ICCARD_READER (source),
                                                              result, &fx->error);
  fx->done++;
}

static int
verify_pin (Fixture *fx, const char *pin)
{
  gpointer args[2] = { fx, GUINT_TO_POINTER (fx->done + 1) };

  tongban_iccard_reader_verify_pin_async (fx->reader, pin, 5000, NULL, on_verified, fx);
  g_assert_true (tongban_device_wait_until (NULL, 10000, done, args));
  return fx->error ? -1 : fx->sw;
}

/* A bank card: SELECT PPSE, SELECT AID, READ RECORD through real pcscd; only
 * the masked number comes out. */
static void
test_bank_card (Fixture *fx, gconstpointer data)
{
  gpointer removed[2] = { fx, "card-removed" };
  g_autofree char *pan = NULL;
  g_autofree char *again = NULL;

  if (g_test_failed () || fx->reader == NULL)
    return;
  insert_card (fx);
  pan = read_pan (fx);
  g_assert_no_error (fx->error);
  g_assert_cmpstr (pan, ==, "476173******0119");
  g_assert_cmpuint (strlen (pan), ==, strlen (TONGBAN_VICC_EMV_PAN));
  g_assert_cmpmem (pan + 12, 4, TONGBAN_VICC_EMV_PAN + 12, 4);

  /* The card checks the PIN itself: a wrong one costs a try, the right one resets them. */
  g_assert_cmphex (verify_pin (fx, "1243"), ==, 0x63C2);
  g_assert_cmphex (verify_pin (fx, "1234"), ==, 0x9000);
  g_assert_cmphex (verify_pin (fx, "12"), ==, -1);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA);

  tongban_sim_inject (fx->card, "card remove");
  g_assert_true (tongban_device_wait_until (NULL, 10000, has_event, removed));
  again = read_pan (fx);
  g_assert_null (again);
  g_assert_error (fx->error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_USER_ERROR);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/drivers/iccard/cpu-card", Fixture, NULL, fixture_setup, test_cpu_card,
              fixture_teardown);
  g_test_add ("/drivers/iccard/memory-card", Fixture, NULL, fixture_setup, test_memory_card,
              fixture_teardown);
  g_test_add ("/drivers/iccard/bank-card", Fixture, NULL, fixture_setup, test_bank_card,
              fixture_teardown);

  return g_test_run ();
}
