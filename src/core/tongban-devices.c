/* tongban-devices.c: the device manager's devices, seen by the services
 *
 * Device kinds are the catalogue's names ("laser-printer"); the manager's
 * config calls them by type ("laser"). A kind the kiosk says it lacks makes
 * its services unavailable; a kind with no device configured is not checked
 * (a kiosk without device management for it). A service is usable when every
 * device it needs is online and not out of paper; otherwise the page greys it
 * out with the reason and brings it back by itself when the device recovers.
 */

#include "tongban-devices.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include "tongban-device-manager.h"
#include "tongban-lights.h"
#include "tongban-pinpad.h"
#include "tongban-sim-camera.h"
#include "tongban-sim-fingerprint.h"
#include "tongban-sim-idcard.h"
#include "tongban-sim-panel.h"
#include "tongban-sim-permit.h"
#include "tongban-sim-printer.h"

struct _TongbanDevices
{
  GObject               parent_instance;

  TongbanDeviceManager *manager;
  GStrv                 lacks;
  GPtrArray            *sims;         /* TongbanSim, when simulating */
  GHashTable           *sim_by_kind;
  GHashTable           *slots;        /* kind -> light board output + 1 */
  GStrv                 modules_off;  /* switched off by the management server */
  char                 *voice;        /* voice guidance as a component state, or NULL */
  gboolean              on_battery;
  TongbanDevice        *pad_enabled;  /* the PIN pad, once told to send keys */
};

enum {
  CHANGED,
  POWER,
  KEY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TongbanDevices, tongban_devices, G_TYPE_OBJECT)

static const struct {
  const char *kind;   /* catalogue */
  const char *type;   /* device manager */
} kinds[] = {
  { "id-card-reader", "idcard" },
  { "ic-card-reader", "iccard" },
  { "receipt-printer", "receipt" },
  { "laser-printer", "laser" },
  { "pin-pad", "pinpad" },
  { "barcode-scanner", "scanner" },
  { "ups", "ups" },
  { "lights", "lights" },
  { "fingerprint-reader", "fingerprint" },
  { "camera", "camera" },
  { "document-camera", "document-camera" },
};

/* The management server switches modules (server/sql: module_device) on and
 * off; each stands for the catalogue's device kind a service needs. */
static const struct {
  const char *module;
  const char *kind;
} modules[] = {
  { "idcard-auth", "id-card-reader" },
  { "iccard-auth", "ic-card-reader" },
  { "print", "laser-printer" },
  { "receipt", "receipt-printer" },
  { "pin", "pin-pad" },
  { "video", "camera" },
  { "fingerprint-auth", "fingerprint-reader" },
  { "scan", "document-camera" },
  { "barcode", "barcode-scanner" },
};

/* The server's device names (module_device.device) where ours differ. */
static const char *
component_name (const char *type)
{
  return g_strcmp0 (type, "scanner") == 0 ? "barcode" : type;
}

static gboolean
switched_off (TongbanDevices *self,
              const char     *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    if (strcmp (modules[i].kind, kind) == 0
        && g_strv_contains ((const char * const *) self->modules_off, modules[i].module))
      return TRUE;
  return FALSE;
}

static const char *
type_of (const char *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (strcmp (kinds[i].kind, kind) == 0)
      return kinds[i].type;
  return NULL;
}

static const char *
absent_reason (const char *kind)
{
  if (strcmp (kind, "laser-printer") == 0)
    return N_("This kiosk has no document printer. Use another kiosk or the service desk.");
  if (strcmp (kind, "receipt-printer") == 0)
    return N_("This kiosk has no receipt printer. Use another kiosk or the service desk.");
  if (strcmp (kind, "id-card-reader") == 0)
    return N_("This kiosk has no identity card reader. Use another kiosk or the service desk.");
  return N_("This kiosk lacks a device this service needs. Use another kiosk or the service "
            "desk.");
}

static const char *
fault_reason (const char    *kind,
              TongbanDevice *device)
{
  gboolean paper_out = tongban_device_get_supply (device, "paper") == TONGBAN_SUPPLY_OUT;

  if (strcmp (kind, "laser-printer") == 0)
    return paper_out ? N_("The document printer has run out of paper. Staff have been told; "
                          "it will be back soon.")
                     : N_("The document printer is not working just now. Staff have been told; "
                          "it will be back soon.");
  if (strcmp (kind, "receipt-printer") == 0)
    return paper_out ? N_("The receipt printer has run out of paper. Staff have been told; "
                          "it will be back soon.")
                     : N_("The receipt printer is not working just now. Staff have been told; "
                          "it will be back soon.");
  return N_("A device this service needs is not working just now. Staff have been told; it will "
            "be back soon.");
}

/* The PIN pad starts silent; the kiosk wants its keys on every page (they
 * move the focus, see src/tongban-pad-keys.c), so it is told to send them
 * each time it comes online. */
static void
enable_pad (TongbanDevices *self,
            TongbanDevice  *device)
{
  gboolean online = tongban_device_get_state (device) == TONGBAN_DEVICE_STATE_ONLINE ||
                    tongban_device_get_state (device) == TONGBAN_DEVICE_STATE_BUSY;

  if (!online)
    self->pad_enabled = NULL;
  else if (self->pad_enabled != device)
    {
      self->pad_enabled = device;
      tongban_pinpad_enable_async (TONGBAN_PINPAD (device), TRUE, NULL, NULL, NULL);
    }
}

static void
on_device_changed (TongbanDevices *self,
                   TongbanDevice  *device)
{
  if (TONGBAN_IS_PINPAD (device))
    enable_pad (self, device);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_event (TongbanDevice  *device,
          const char     *event,
          GVariant       *payload,
          TongbanDevices *self)
{
  if (g_strcmp0 (event, "key-pressed") == 0 &&
      g_variant_is_of_type (payload, G_VARIANT_TYPE_STRING))
    {
      g_signal_emit (self, signals[KEY], 0, g_variant_get_string (payload, NULL));
      return;
    }
  if (g_strcmp0 (event, "on-battery") == 0)
    self->on_battery = TRUE;
  else if (g_strcmp0 (event, "on-line") == 0)
    self->on_battery = FALSE;
  else if (g_strcmp0 (event, "low-battery") != 0)
    return;
  g_signal_emit (self, signals[POWER], 0, event);
}

/* @devices: the [device:NAME] groups; @lacks: kinds the kiosk has not. */
gboolean
tongban_devices_configure (TongbanDevices      *self,
                           GKeyFile            *devices,
                           const char * const  *lacks,
                           GError             **error)
{
  GPtrArray *list;

  g_return_val_if_fail (TONGBAN_IS_DEVICES (self), FALSE);

  if ((const char * const *) self->lacks != lacks)
    {
      g_strfreev (self->lacks);
      self->lacks = g_strdupv ((char **) lacks);
    }
  if (devices == NULL)
    return TRUE;
  if (!tongban_device_manager_load (self->manager, devices, error))
    return FALSE;

  list = tongban_device_manager_list (self->manager);
  for (guint i = 0; i < list->len; i++)
    g_signal_connect_object (g_ptr_array_index (list, i), "event", G_CALLBACK (on_event), self,
                             0);

  /* The light board's group says which output lights which slot:
   * id-card-reader=3 means output 3 is beside the card reader. */
  {
    g_auto(GStrv) groups = g_key_file_get_groups (devices, NULL);

    for (guint g = 0; groups[g]; g++)
      {
        g_autofree char *type = g_key_file_get_string (devices, groups[g], "type", NULL);

        if (g_strcmp0 (type, "lights") != 0)
          continue;
        for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
          {
            g_autoptr(GError) slot_error = NULL;
            gint output = g_key_file_get_integer (devices, groups[g], kinds[k].kind, &slot_error);

            if (slot_error == NULL && output >= 0 && output < 20)
              g_hash_table_replace (self->slots, g_strdup (kinds[k].kind),
                                    GINT_TO_POINTER (output + 1));
          }
      }
  }
  tongban_device_manager_start (self->manager);
  return TRUE;
}

guint
tongban_devices_get_slot (TongbanDevices *self,
                          const char     *kind)
{
  g_return_val_if_fail (TONGBAN_IS_DEVICES (self), G_MAXUINT);
  return (guint) GPOINTER_TO_INT (g_hash_table_lookup (self->slots, kind)) - 1;
}

static void
on_light_set (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* A light that does not answer must not stop the service: log it. */
  if (!tongban_lights_set_finish (TONGBAN_LIGHTS (source), result, &error))
    g_message ("lights: %s", tongban_completion_to_string (tongban_completion_from_error (error)));
}

/* Lights (or puts out) the light beside the device the citizen must use. */
void
tongban_devices_guide (TongbanDevices *self,
                       const char     *kind,
                       gboolean        on)
{
  TongbanDevice *lights;
  gpointer slot;

  g_return_if_fail (TONGBAN_IS_DEVICES (self));

  lights = tongban_devices_get (self, "lights");
  if (lights == NULL || !(slot = g_hash_table_lookup (self->slots, kind)))
    return;
  tongban_lights_set_async (TONGBAN_LIGHTS (lights), (guint) GPOINTER_TO_INT (slot) - 1,
                            on ? TONGBAN_FLASH_MEDIUM : TONGBAN_FLASH_OFF, NULL, on_light_set,
                            NULL);
}

/* What lies on the simulated document camera's glass. */
static gboolean
show_permit (TongbanSim *document,
             const char *event)
{
  g_autoptr(TongbanFrameImage) picture = NULL;
  g_autoptr(GError) error = NULL;

  if (g_str_equal (event, "permit"))
    picture = tongban_sim_permit_picture ("DejaVu Sans Mono", TONGBAN_SIM_PERMIT_ZONE);
  else if (g_str_equal (event, "permit blank"))
    picture = tongban_sim_permit_picture ("DejaVu Sans Mono", TONGBAN_SIM_PERMIT_BLANK);
  else if (g_str_equal (event, "permit smudged"))
    picture = tongban_sim_permit_picture ("DejaVu Sans Mono", TONGBAN_SIM_PERMIT_SMUDGED);
  else if (!g_str_equal (event, "permit removed"))
    return FALSE;
  if (!tongban_sim_camera_show (document, picture, &error))
    {
      g_message ("simulated document camera: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* The demonstration: an ID card reader, a receipt printer, a light board, a
 * PIN pad and a fingerprint reader at the far end of ptys, and the face
 * camera pair (visible and infrared) and the document camera as MJPEG
 * cameras on local TCP ports, all speaking their real protocols; the
 * drivers cannot tell. */
gboolean
tongban_devices_simulate (TongbanDevices  *self,
                          GError         **error)
{
  return tongban_devices_simulate_with (self, NULL, error);
}

/* The same, plus the real devices in @real's [device:NAME] groups (e.g. a
 * laser printer at an IPP address), driven alongside the simulated ones. */
gboolean
tongban_devices_simulate_with (TongbanDevices  *self,
                               GKeyFile        *real,
                               GError         **error)
{
  g_autoptr(GKeyFile) config = g_key_file_new ();
  TongbanSim *idcard, *printer, *lights, *pinpad, *finger, *face, *face_ir, *document;
  g_autofree char *face_url = NULL;
  g_autofree char *face_ir_url = NULL;
  g_autofree char *document_url = NULL;

  g_return_val_if_fail (TONGBAN_IS_DEVICES (self), FALSE);

  if (!(idcard = tongban_sim_idcard_new (115200, error)))
    return FALSE;
  g_ptr_array_add (self->sims, idcard);
  if (!(printer = tongban_sim_printer_new_pty (115200, error)))
    return FALSE;
  g_ptr_array_add (self->sims, printer);
  if (!(lights = tongban_sim_lights_new (115200, error)))
    return FALSE;
  g_ptr_array_add (self->sims, lights);
  if (!(pinpad = tongban_sim_pinpad_new (9600, error)))
    return FALSE;
  g_ptr_array_add (self->sims, pinpad);
  if (!(finger = tongban_sim_fingerprint_new (57600, NULL, error)))
    return FALSE;
  g_ptr_array_add (self->sims, finger);
  if (!(face = tongban_sim_camera_new (0, 640, 480, error)))
    return FALSE;
  g_ptr_array_add (self->sims, face);
  if (!(face_ir = tongban_sim_camera_new (0, 640, 480, error)))
    return FALSE;
  g_ptr_array_add (self->sims, face_ir);
  if (!(document = tongban_sim_camera_new (0, 1280, 800, error)))
    return FALSE;
  g_ptr_array_add (self->sims, document);
  g_hash_table_insert (self->sim_by_kind, g_strdup ("fingerprint-reader"), finger);
  g_hash_table_insert (self->sim_by_kind, g_strdup ("camera"), face);
  g_hash_table_insert (self->sim_by_kind, g_strdup ("document-camera"), document);
  tongban_sim_start (finger);
  tongban_sim_start (face);
  tongban_sim_start (face_ir);
  tongban_sim_start (document);
  /* A permit lies on the glass; "permit blank", "permit smudged" and
   * "permit removed" change that (tongban_devices_simulate_event()). */
  if (!show_permit (document, "permit"))
    return FALSE;
  face_url = tongban_sim_camera_dup_url (face, NULL);
  face_ir_url = tongban_sim_camera_dup_url (face_ir, NULL);
  document_url = tongban_sim_camera_dup_url (document, "/snapshot.jpg");
  g_key_file_set_string (config, "device:fingerprint", "type", "fingerprint");
  g_key_file_set_string (config, "device:fingerprint", "link", tongban_sim_get_link (finger));
  g_key_file_set_string (config, "device:face", "type", "camera");
  g_key_file_set_string (config, "device:face", "source", face_url);
  g_key_file_set_string (config, "device:face", "ir-source", face_ir_url);
  g_key_file_set_string (config, "device:document", "type", "document-camera");
  g_key_file_set_string (config, "device:document", "source", document_url);
  g_key_file_set_integer (config, "device:document", "width", 1280);
  g_key_file_set_integer (config, "device:document", "height", 800);
  g_hash_table_insert (self->sim_by_kind, g_strdup ("id-card-reader"), idcard);
  g_hash_table_insert (self->sim_by_kind, g_strdup ("receipt-printer"), printer);
  g_hash_table_insert (self->sim_by_kind, g_strdup ("lights"), lights);
  g_hash_table_insert (self->sim_by_kind, g_strdup ("pin-pad"), pinpad);
  tongban_sim_start (idcard);
  tongban_sim_start (printer);
  tongban_sim_start (lights);
  tongban_sim_start (pinpad);
  tongban_sim_inject (idcard, "card present");

  g_key_file_set_string (config, "device:idcard", "type", "idcard");
  g_key_file_set_string (config, "device:idcard", "link", tongban_sim_get_link (idcard));
  g_key_file_set_string (config, "device:receipt", "type", "receipt");
  g_key_file_set_string (config, "device:receipt", "link", tongban_sim_get_link (printer));
  g_key_file_set_string (config, "device:lights", "type", "lights");
  g_key_file_set_string (config, "device:lights", "link", tongban_sim_get_link (lights));
  g_key_file_set_string (config, "device:pinpad", "type", "pinpad");
  g_key_file_set_string (config, "device:pinpad", "link", tongban_sim_get_link (pinpad));
  g_key_file_set_integer (config, "device:lights", "id-card-reader", 1);
  g_key_file_set_integer (config, "device:lights", "receipt-printer", 2);
  if (real != NULL)
    {
      g_auto(GStrv) groups = g_key_file_get_groups (real, NULL);

      for (guint g = 0; groups[g]; g++)
        {
          g_auto(GStrv) keys = g_key_file_get_keys (real, groups[g], NULL, NULL);

          for (guint k = 0; keys != NULL && keys[k]; k++)
            {
              g_autofree char *value = g_key_file_get_value (real, groups[g], keys[k], NULL);

              g_key_file_set_value (config, groups[g], keys[k], value);
            }
        }
    }
  return tongban_devices_configure (self, config, (const char * const *) self->lacks, error);
}

/* For the demonstration and the tests: what happens at the simulated
 * device, e.g. "paper out" then "paper loaded" at the receipt printer. */
gboolean
tongban_devices_simulate_event (TongbanDevices *self,
                                const char     *kind,
                                const char     *event)
{
  TongbanSim *sim;

  g_return_val_if_fail (TONGBAN_IS_DEVICES (self), FALSE);
  sim = g_hash_table_lookup (self->sim_by_kind, kind);
  if (sim == NULL)
    return FALSE;
  if (g_str_equal (kind, "document-camera") && g_str_has_prefix (event, "permit"))
    return show_permit (sim, event);
  tongban_sim_inject (sim, event);
  return TRUE;
}

/* The simulator (a TongbanSim) at the far end of @kind's link, when
 * simulating: for the tests to see what the device was told. */
gpointer
tongban_devices_get_simulator (TongbanDevices *self,
                               const char     *kind)
{
  g_return_val_if_fail (TONGBAN_IS_DEVICES (self), NULL);
  return g_hash_table_lookup (self->sim_by_kind, kind);
}

TongbanDevice *
tongban_devices_get (TongbanDevices *self,
                     const char     *kind)
{
  const char *type = type_of (kind);
  GPtrArray *list;

  g_return_val_if_fail (TONGBAN_IS_DEVICES (self), NULL);
  list = tongban_device_manager_list (self->manager);
  for (guint i = 0; type && i < list->len; i++)
    {
      TongbanDevice *device = g_ptr_array_index (list, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (device), "tongban-type"), type) == 0)
        return device;
    }
  return NULL;
}

gboolean
tongban_devices_service_ready (TongbanDevices        *self,
                               const TongbanService  *service,
                               const char           **reason)
{
  g_return_val_if_fail (TONGBAN_IS_DEVICES (self), TRUE);

  for (guint i = 0; service->devices[i]; i++)
    if (!tongban_devices_kind_ready (self, service->devices[i], reason))
      return FALSE;
  *reason = NULL;
  return TRUE;
}

/* Whether the device of @kind can be used now (a kind with no device
 * configured is not checked); if not, *reason is why, in plain words. */
gboolean
tongban_devices_kind_ready (TongbanDevices  *self,
                            const char      *kind,
                            const char     **reason)
{
  TongbanDevice *device;

  g_return_val_if_fail (TONGBAN_IS_DEVICES (self), TRUE);

  device = tongban_devices_get (self, kind);
  *reason = NULL;
  if (self->lacks && g_strv_contains ((const char * const *) self->lacks, kind))
    {
      *reason = absent_reason (kind);
      return FALSE;
    }
  if (switched_off (self, kind))
    {
      *reason = N_("This service is switched off at this kiosk for now. Use another kiosk "
                   "or the service desk.");
      return FALSE;
    }
  if (device != NULL &&
      ((tongban_device_get_state (device) != TONGBAN_DEVICE_STATE_ONLINE &&
        tongban_device_get_state (device) != TONGBAN_DEVICE_STATE_BUSY) ||
       tongban_device_get_supply (device, "paper") == TONGBAN_SUPPLY_OUT))
    {
      *reason = fault_reason (kind, device);
      return FALSE;
    }
  return TRUE;
}

/* For maintainers and the log: one line per module, state and supplies
 * (technical words: this is not for citizens), and what the kiosk lacks. */
GStrv
tongban_devices_dup_report (TongbanDevices *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GPtrArray *list;

  g_return_val_if_fail (TONGBAN_IS_DEVICES (self), NULL);

  list = tongban_device_manager_list (self->manager);
  for (guint i = 0; i < list->len; i++)
    {
      g_autofree char *line = tongban_device_dup_status_text (g_ptr_array_index (list, i));

      g_strv_builder_add (builder, line);
    }
  for (guint i = 0; self->lacks && self->lacks[i]; i++)
    {
      g_autofree char *line = g_strdup_printf ("%s: not fitted", self->lacks[i]);

      g_strv_builder_add (builder, line);
    }
  return g_strv_builder_end (builder);
}

/* The management server's module switches (names as in its module_device
 * table): the services needing a module switched off are greyed out with the
 * reason, as for a fault, until it is switched on again. */
void
tongban_devices_set_modules_off (TongbanDevices     *self,
                                 const char * const *off)
{
  static const char * const none[] = { NULL };

  g_return_if_fail (TONGBAN_IS_DEVICES (self));

  if (off == NULL)
    off = none;
  if (g_strv_equal (off, (const char * const *) self->modules_off))
    return;
  g_strfreev (self->modules_off);
  self->modules_off = g_strdupv ((char **) off);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Voice guidance is no device of the drivers' manager, but the monitor watches it
 * like one: @state is a component state ("online", "offline", "hardware-error"). */
void
tongban_devices_set_voice (TongbanDevices *self,
                           const char     *state)
{
  g_return_if_fail (TONGBAN_IS_DEVICES (self));

  if (g_strcmp0 (self->voice, state) == 0)
    return;
  g_free (self->voice);
  self->voice = g_strdup (state);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* For the management server's heartbeat: each device's state and the paper
 * of the printers, in the server's words (components and consumables). */
JsonNode *
tongban_devices_dup_heartbeat (TongbanDevices *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GPtrArray *list;

  g_return_val_if_fail (TONGBAN_IS_DEVICES (self), NULL);

  list = tongban_device_manager_list (self->manager);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "components");
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len && i < 64; i++)
    {
      TongbanDevice *device = g_ptr_array_index (list, i);
      const char *type = g_object_get_data (G_OBJECT (device), "tongban-type");

      if (type == NULL)
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, component_name (type));
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, tongban_device_state_to_string (
                                          tongban_device_get_state (device)));
      json_builder_end_object (b);
    }
  if (self->voice != NULL)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, "voice");
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, self->voice);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "consumables");
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len && i < 64; i++)
    {
      TongbanDevice *device = g_ptr_array_index (list, i);
      const char *type = g_object_get_data (G_OBJECT (device), "tongban-type");
      TongbanSupply paper = tongban_device_get_supply (device, "paper");
      g_autofree char *item = NULL;

      if (type == NULL || paper == TONGBAN_SUPPLY_UNKNOWN)
        continue;
      item = g_strconcat (type, "-paper", NULL);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "item");
      json_builder_add_string_value (b, item);
      json_builder_set_member_name (b, "level");
      /* The printers say full, low or out; the server wants a level too. */
      json_builder_add_int_value (b, paper == TONGBAN_SUPPLY_FULL ? 100
                                     : paper == TONGBAN_SUPPLY_LOW ? 10 : 0);
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, tongban_supply_to_string (paper));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
on_self_test (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TongbanDevices) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results =
    tongban_device_manager_self_test_finish (TONGBAN_DEVICE_MANAGER (source), result, &error);

  /* The device manager logs each module's result itself. */
  if (results == NULL)
    g_message ("self-test: not run: %s", error->message);
  /* States are fresh now: whoever reports them (the manager's heartbeat) reads them again. */
  else
    g_signal_emit (self, signals[CHANGED], 0);
}

/* Clause 8.2.4: at start-up every module is tested and the result logged;
 * maintainers see the live report after their PIN. */
void
tongban_devices_log_self_test (TongbanDevices *self)
{
  g_return_if_fail (TONGBAN_IS_DEVICES (self));
  tongban_device_manager_self_test_async (self->manager, 10000, NULL, on_self_test,
                                          g_object_ref (self));
}

gboolean
tongban_devices_on_battery (TongbanDevices *self)
{
  g_return_val_if_fail (TONGBAN_IS_DEVICES (self), FALSE);
  return self->on_battery;
}

void
tongban_devices_stop (TongbanDevices *self)
{
  g_return_if_fail (TONGBAN_IS_DEVICES (self));

  tongban_device_manager_stop (self->manager);
  self->pad_enabled = NULL;
  g_hash_table_remove_all (self->sim_by_kind);
  g_ptr_array_set_size (self->sims, 0);
}

static void
tongban_devices_dispose (GObject *object)
{
  TongbanDevices *self = TONGBAN_DEVICES (object);

  if (self->manager)
    {
      g_signal_handlers_disconnect_by_data (self->manager, self);
      tongban_devices_stop (self);
      g_clear_object (&self->manager);
    }
  G_OBJECT_CLASS (tongban_devices_parent_class)->dispose (object);
}

static void
tongban_devices_finalize (GObject *object)
{
  TongbanDevices *self = TONGBAN_DEVICES (object);

  g_strfreev (self->lacks);
  g_strfreev (self->modules_off);
  g_free (self->voice);
  g_clear_pointer (&self->sim_by_kind, g_hash_table_unref);
  g_clear_pointer (&self->slots, g_hash_table_unref);
  g_clear_pointer (&self->sims, g_ptr_array_unref);
  G_OBJECT_CLASS (tongban_devices_parent_class)->finalize (object);
}

static void
tongban_devices_class_init (TongbanDevicesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tongban_devices_dispose;
  object_class->finalize = tongban_devices_finalize;

  /* Some device's state or supplies changed: availability may have. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* "on-battery", "low-battery" or "on-line", from the UPS. */
  signals[POWER] = g_signal_new ("power", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* A PIN pad key, by its XFS4IoT name ("one", "enter", "cancel" …). */
  signals[KEY] = g_signal_new ("key", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                               NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tongban_devices_init (TongbanDevices *self)
{
  self->manager = tongban_device_manager_new ();
  self->sims = g_ptr_array_new_with_free_func ((GDestroyNotify) tongban_sim_free);
  self->sim_by_kind = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->modules_off = g_new0 (char *, 1);
  g_signal_connect_swapped (self->manager, "device-changed", G_CALLBACK (on_device_changed),
                            self);
}

TongbanDevices *
tongban_devices_new (void)
{
  return g_object_new (TONGBAN_TYPE_DEVICES, NULL);
}
