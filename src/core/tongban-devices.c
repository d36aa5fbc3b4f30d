/* tongban-devices.c: drivers by kind, their state, and service availability
 *
 * A kind named in kiosk.conf with a link is driven and watched; "none" says
 * the kiosk has no such module; a kind not named is not checked (a kiosk
 * without device management for it). A service is usable when every device
 * it needs is online and not out of supplies; otherwise the page greys it
 * out with the reason and brings it back by itself when the device recovers.
 */

#include "tongban-devices.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include "tongban-idcard-reader.h"
#include "tongban-receipt-printer.h"
#include "tongban-sim-idcard.h"
#include "tongban-sim-printer.h"
#include "tongban-ups.h"

struct _TongbanDevices
{
  GObject     parent_instance;

  GHashTable *devices;   /* kind -> TongbanDevice */
  GHashTable *absent;    /* kinds the kiosk says it has not */
  GPtrArray  *sims;      /* TongbanSim, when simulating */
  GHashTable *sim_by_kind;
  gboolean    on_battery;
};

enum {
  CHANGED,
  POWER,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TongbanDevices, tongban_devices, G_TYPE_OBJECT)

static const char * const kinds[] = {
  "id-card-reader", "receipt-printer", "laser-printer", "ups", NULL
};

const char * const *
tongban_devices_known_kinds (void)
{
  return kinds;
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
fault_reason (const char *kind,
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

static void
on_device_changed (TongbanDevice  *device,
                   int             state,
                   TongbanDevices *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_supply_changed (TongbanDevice  *device,
                   const char     *supply,
                   int             value,
                   TongbanDevices *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_event (TongbanDevice  *device,
          const char     *event,
          GVariant       *payload,
          TongbanDevices *self)
{
  if (g_strcmp0 (event, "on-battery") == 0)
    self->on_battery = TRUE;
  else if (g_strcmp0 (event, "on-line") == 0)
    self->on_battery = FALSE;
  else if (g_strcmp0 (event, "low-battery") != 0)
    return;
  /* "on-battery", "low-battery" or "on-line" */
  g_signal_emit (self, signals[POWER], 0, event);
}

static void
add_device (TongbanDevices *self,
            const char     *kind,
            TongbanDevice  *device)
{
  g_signal_connect_object (device, "status-changed", G_CALLBACK (on_device_changed), self, 0);
  g_signal_connect_object (device, "supply-changed", G_CALLBACK (on_supply_changed), self, 0);
  g_signal_connect_object (device, "event", G_CALLBACK (on_event), self, 0);
  g_hash_table_replace (self->devices, g_strdup (kind), device);
  tongban_device_start (device);
}

/* @links: kind -> link spec, or "none". Unknown kinds and bad links are
 * refused with a message naming the kind. */
gboolean
tongban_devices_configure (TongbanDevices  *self,
                           GHashTable      *links,
                           GError         **error)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (TONGBAN_IS_DEVICES (self), FALSE);

  g_hash_table_iter_init (&iter, links);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *kind = key, *spec = value;
      TongbanDevice *device = NULL;

      if (!g_strv_contains (kinds, kind))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "[devices] %s: not a device the kiosk drives", kind);
          return FALSE;
        }
      if (strcmp (spec, "none") == 0)
        {
          g_hash_table_add (self->absent, g_strdup (kind));
          continue;
        }
      if (strcmp (kind, "id-card-reader") == 0)
        device = TONGBAN_DEVICE (tongban_idcard_reader_new (kind, spec));
      else if (strcmp (kind, "receipt-printer") == 0)
        device = TONGBAN_DEVICE (tongban_receipt_printer_new (kind, spec));
      else if (strcmp (kind, "ups") == 0)
        {
          /* nut:HOST:PORT:UPSNAME → the link tcp:HOST:PORT and the UPS's name */
          g_auto(GStrv) parts = g_strsplit (spec, ":", 4);

          if (g_strv_length (parts) != 4 || strcmp (parts[0], "nut") != 0)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "[devices] ups: '%s' is not nut:HOST:PORT:UPSNAME", spec);
              return FALSE;
            }
          {
            g_autofree char *link = g_strdup_printf ("tcp:%s:%s", parts[1], parts[2]);

            device = TONGBAN_DEVICE (tongban_ups_new (kind, link, parts[3]));
          }
        }
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "[devices] %s: this build has no driver for it", kind);
          return FALSE;
        }
      add_device (self, kind, device);
    }
  return TRUE;
}

/* The demonstration: an ID card reader and a receipt printer at the far end
 * of ptys, speaking their real protocols; the drivers cannot tell. */
gboolean
tongban_devices_simulate (TongbanDevices  *self,
                          GError         **error)
{
  TongbanSim *idcard, *printer;

  g_return_val_if_fail (TONGBAN_IS_DEVICES (self), FALSE);

  if (!(idcard = tongban_sim_idcard_new (115200, error)))
    return FALSE;
  g_ptr_array_add (self->sims, idcard);
  if (!(printer = tongban_sim_printer_new_pty (115200, error)))
    return FALSE;
  g_ptr_array_add (self->sims, printer);
  tongban_sim_start (idcard);
  tongban_sim_start (printer);
  tongban_sim_inject (idcard, "card present");
  g_hash_table_insert (self->sim_by_kind, g_strdup ("id-card-reader"), idcard);
  g_hash_table_insert (self->sim_by_kind, g_strdup ("receipt-printer"), printer);

  add_device (self, "id-card-reader",
              TONGBAN_DEVICE (tongban_idcard_reader_new ("id-card-reader",
                                                         tongban_sim_get_link (idcard))));
  add_device (self, "receipt-printer",
              TONGBAN_DEVICE (tongban_receipt_printer_new ("receipt-printer",
                                                           tongban_sim_get_link (printer))));
  return TRUE;
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
  tongban_sim_inject (sim, event);
  return TRUE;
}

TongbanDevice *
tongban_devices_get (TongbanDevices *self,
                     const char     *kind)
{
  g_return_val_if_fail (TONGBAN_IS_DEVICES (self), NULL);
  return g_hash_table_lookup (self->devices, kind);
}

gboolean
tongban_devices_service_ready (TongbanDevices        *self,
                               const TongbanService  *service,
                               const char           **reason)
{
  g_return_val_if_fail (TONGBAN_IS_DEVICES (self), TRUE);

  for (guint i = 0; service->devices[i]; i++)
    {
      const char *kind = service->devices[i];
      TongbanDevice *device = g_hash_table_lookup (self->devices, kind);

      if (g_hash_table_contains (self->absent, kind))
        {
          *reason = absent_reason (kind);
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
    }
  *reason = NULL;
  return TRUE;
}

/* The self-test's result for maintainers and the log: one line per module,
 * its state and supplies (technical words: this is not for citizens). */
GStrv
tongban_devices_dup_report (TongbanDevices *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GList) keys = NULL;

  g_return_val_if_fail (TONGBAN_IS_DEVICES (self), NULL);

  keys = g_list_sort (g_hash_table_get_keys (self->devices), (GCompareFunc) g_strcmp0);
  for (GList *l = keys; l; l = l->next)
    {
      g_autofree char *line =
        tongban_device_dup_status_text (g_hash_table_lookup (self->devices, l->data));

      g_strv_builder_add (builder, line);
    }
  g_list_free (g_steal_pointer (&keys));
  keys = g_list_sort (g_hash_table_get_keys (self->absent), (GCompareFunc) g_strcmp0);
  for (GList *l = keys; l; l = l->next)
    {
      g_autofree char *line = g_strdup_printf ("%s: not fitted", (char *) l->data);

      g_strv_builder_add (builder, line);
    }
  for (guint i = 0; kinds[i]; i++)
    if (!g_hash_table_contains (self->devices, kinds[i]) &&
        !g_hash_table_contains (self->absent, kinds[i]))
      {
        g_autofree char *line = g_strdup_printf ("%s: not configured", kinds[i]);

        g_strv_builder_add (builder, line);
      }
  return g_strv_builder_end (builder);
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
  GHashTableIter iter;
  gpointer device;

  g_return_if_fail (TONGBAN_IS_DEVICES (self));

  g_hash_table_iter_init (&iter, self->devices);
  while (g_hash_table_iter_next (&iter, NULL, &device))
    {
      g_signal_handlers_disconnect_by_data (device, self);
      tongban_device_stop (device);
    }
  g_hash_table_remove_all (self->devices);
  g_hash_table_remove_all (self->sim_by_kind);
  g_ptr_array_set_size (self->sims, 0);
}

static void
tongban_devices_dispose (GObject *object)
{
  TongbanDevices *self = TONGBAN_DEVICES (object);

  if (self->devices)
    tongban_devices_stop (self);
  G_OBJECT_CLASS (tongban_devices_parent_class)->dispose (object);
}

static void
tongban_devices_finalize (GObject *object)
{
  TongbanDevices *self = TONGBAN_DEVICES (object);

  g_clear_pointer (&self->devices, g_hash_table_unref);
  g_clear_pointer (&self->absent, g_hash_table_unref);
  g_clear_pointer (&self->sim_by_kind, g_hash_table_unref);
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
}

static void
tongban_devices_init (TongbanDevices *self)
{
  self->devices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->absent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->sims = g_ptr_array_new_with_free_func ((GDestroyNotify) tongban_sim_free);
  self->sim_by_kind = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

TongbanDevices *
tongban_devices_new (void)
{
  return g_object_new (TONGBAN_TYPE_DEVICES, NULL);
}
