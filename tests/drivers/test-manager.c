/* test-manager.c: devices from a kiosk config and the self-test over simulators */

#include "tongban-device-manager.h"
#include "tongban-fingerprint-reader.h"
#include "tongban-sim-fingerprint.h"
#include "tongban-sim-idcard.h"
#include "tongban-sim-printer.h"

#include <gio/gio.h>

static void
on_self_test (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;

  *(GPtrArray **) data = tongban_device_manager_self_test_finish (
    TONGBAN_DEVICE_MANAGER (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
has_results (gpointer data)
{
  return *(GPtrArray **) data != NULL;
}

static void
on_changed (TongbanDeviceManager *manager, TongbanDevice *device, guint *count)
{
  (*count)++;
}

static gboolean
nothing_pending (gpointer data)
{
  return !g_main_context_pending (NULL);
}

static void
test_self_test (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TongbanSim) idcard = tongban_sim_idcard_new (115200, &error);
  g_autoptr(TongbanSim) receipt = tongban_sim_printer_new_tcp (0, NULL);
  g_autoptr(TongbanSim) fingerprint = tongban_sim_fingerprint_new (57600, NULL, NULL);
  g_autoptr(GKeyFile) config = g_key_file_new ();
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) results = NULL;
  TongbanDeviceManager *manager = tongban_device_manager_new ();
  TongbanSelfTestResult *r;
  guint changes = 0;

  g_assert_no_error (error);
  g_assert_nonnull (receipt);
  tongban_sim_start (idcard);
  tongban_sim_inject (receipt, "paper low");
  tongban_sim_start (receipt);
  tongban_sim_start (fingerprint);
  text = g_strdup_printf ("[kiosk]\nname=test\n\n"
                          "[device:idcard]\ntype=idcard\nlink=%s\n\n"
                          "[device:receipt]\ntype=receipt\nlink=%s\n\n"
                          "[device:pinpad]\ntype=pinpad\nlink=tty:/nonexistent/tongban@9600\n\n"
                          "[device:finger]\ntype=fingerprint\nlink=%s\npassword=0\n",
                          tongban_sim_get_link (idcard), tongban_sim_get_link (receipt),
                          tongban_sim_get_link (fingerprint));
  g_key_file_load_from_data (config, text, -1, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (tongban_device_manager_load (manager, config, &error));
  g_assert_no_error (error);
  g_signal_connect (manager, "device-changed", G_CALLBACK (on_changed), &changes);

  tongban_device_manager_self_test_async (manager, 5000, NULL, on_self_test, &results);
  g_assert_true (tongban_device_wait_until (NULL, 10000, has_results, &results));
  g_assert_cmpuint (results->len, ==, 4);

  r = g_ptr_array_index (results, 0);
  g_assert_cmpstr (r->name, ==, "idcard");
  g_assert_cmpstr (r->type, ==, "idcard");
  g_assert_true (r->ok);
  g_assert_cmpstr (r->text, ==, "idcard: online");
  r = g_ptr_array_index (results, 1);
  g_assert_cmpstr (r->name, ==, "receipt");
  g_assert_true (r->ok);   /* low paper still prints */
  g_assert_cmpstr (r->text, ==, "receipt: online; paper low");
  r = g_ptr_array_index (results, 2);
  g_assert_cmpstr (r->name, ==, "pinpad");
  g_assert_false (r->ok);
  g_assert_cmpint (r->state, ==, TONGBAN_DEVICE_STATE_NO_DEVICE);
  r = g_ptr_array_index (results, 3);
  g_assert_cmpstr (r->name, ==, "finger");
  g_assert_cmpstr (r->type, ==, "fingerprint");
  g_assert_true (r->ok);
  g_assert_cmpstr (r->text, ==, "finger: online");
  g_assert_true (TONGBAN_IS_FINGERPRINT_READER (tongban_device_manager_get (manager, "finger")));
  g_assert_cmpuint (changes, >, 0);

  g_assert_true (tongban_device_manager_get (manager, "receipt") != NULL);
  g_assert_null (tongban_device_manager_get (manager, "camera"));

  tongban_device_manager_stop (manager);
  tongban_device_wait_until (NULL, 300, nothing_pending, NULL);
  g_assert_finalize_object (manager);
}

static void
test_bad_config (void)
{
  const char *configs[] = {
    "[device:x]\ntype=teleporter\nlink=tty:/dev/null@9600\n",
    "[device:x]\nlink=tty:/dev/null@9600\n",
    "[device:x]\ntype=idcard\n",
    "[device:x]\ntype=ups\nlink=tcp:127.0.0.1:3493\n",
    /* sensors: no board; a board that is not a light board; one defined
     * below; inputs are 0-4 */
    "[device:s]\ntype=sensors\ndoor=0\n",
    "[device:t]\ntype=temperature\ninput=/nonexistent\n[device:s]\ntype=sensors\nboard=t\n",
    "[device:s]\ntype=sensors\nboard=l\n[device:l]\ntype=lights\nlink=tty:/dev/null@9600\n",
    "[device:l]\ntype=lights\nlink=tty:/dev/null@9600\n[device:s]\ntype=sensors\nboard=l\n"
    "door=5\n",
    "[device:l]\ntype=lights\nlink=tty:/dev/null@9600\n[device:s]\ntype=sensors\nboard=l\n"
    "door=front\n",
    "[device:l]\ntype=lights\nlink=tty:/dev/null@9600\n[device:s]\ntype=sensors\nboard=l\n"
    "flap-window-ms=5\n",
    "[device:l]\ntype=lights\nlink=tty:/dev/null@9600\n[device:s]\ntype=sensors\nboard=l\n"
    "temperature=l\n",
    /* a photo decoder without its licence code */
    "[device:x]\ntype=idcard\nlink=tty:/dev/null@115200\nwlt-library=/opt/vendor/libwlt.so\n",
    "[device:x]\ntype=fingerprint\n",
    "[device:x]\ntype=fingerprint\nlink=tty:/dev/null@57600\npassword=4294967296\n",
    "[device:x]\ntype=fingerprint\nlink=tty:/dev/null@57600\npassword=secret\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (configs); i++)
    {
      g_autoptr(GKeyFile) config = g_key_file_new ();
      g_autoptr(TongbanDeviceManager) manager = tongban_device_manager_new ();
      g_autoptr(GError) error = NULL;

      g_assert_true (g_key_file_load_from_data (config, configs[i], -1, G_KEY_FILE_NONE, NULL));
      g_assert_false (tongban_device_manager_load (manager, config, &error));
      g_assert_nonnull (error);
      g_assert_cmpuint (tongban_device_manager_list (manager)->len, ==, 0);
      g_ptr_array_unref (tongban_device_manager_list (manager));
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/manager/self-test", test_self_test);
  g_test_add_func ("/drivers/manager/bad-config", test_bad_config);

  return g_test_run ();
}
