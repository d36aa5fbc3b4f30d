/* tongban-remote.c: the management server's commands on the kiosk's screen,
 * and the kiosk's usage events for it */

#include "tongban-remote.h"

#include "tongban-flow-page.h"

struct _TongbanRemote
{
  TongbanWindow        *window;    /* weak: the window goes first at shutdown */
  TongbanDevices       *devices;
  TongbanManagerClient *client;
  gboolean              locked_by_manager;
  gboolean              self_test_running;
  gint64                session_started;   /* monotonic µs, 0: no session */
  gulong                flow_hooks[2];
};

static void
on_devices_changed (TongbanRemote *self)
{
  g_autoptr(JsonNode) report = tongban_devices_dup_heartbeat (self->devices);

  tongban_manager_client_set_report (self->client, report);
  if (self->self_test_running)
    {
      /* The first change after the manager's self-test command is its end. */
      self->self_test_running = FALSE;
      g_message ("manager: self-test done; its states go in this heartbeat");
      tongban_manager_client_heartbeat_now (self->client);
    }
}

static void
on_self_test (TongbanRemote *self)
{
  self->self_test_running = TRUE;
  tongban_devices_log_self_test (self->devices);
}

/* Lock: the maintenance cover; unlock: back, unless a maintainer raised it. */
static void
on_locked (TongbanRemote *self)
{
  gboolean locked = tongban_manager_client_get_locked (self->client);

  if (self->window == NULL)
    return;
  if (locked && !tongban_window_get_maintenance (self->window))
    {
      self->locked_by_manager = TRUE;
      tongban_window_set_maintenance (self->window, TRUE);
    }
  else if (!locked && self->locked_by_manager)
    {
      self->locked_by_manager = FALSE;
      tongban_window_set_maintenance (self->window, FALSE);
    }
}

static void
on_modules (TongbanRemote *self)
{
  g_auto(GStrv) off = tongban_manager_client_dup_modules_off (self->client);

  tongban_devices_set_modules_off (self->devices, (const char * const *) off);
}

static void
record (TongbanRemote           *self,
        const TongbanUsageEvent *event)
{
  g_autoptr(GError) error = NULL;

  if (!tongban_manager_client_record (self->client, event, &error))
    g_message ("manager: %s", error->message);
}

static void
on_session_started (TongbanRemote *self)
{
  TongbanUsageEvent event = { .kind = "session-start", .duration_ms = -1 };

  self->session_started = g_get_monotonic_time ();
  record (self, &event);
}

static void
on_session_ended (TongbanRemote *self,
                  int            reason)
{
  static const char * const outcomes[] = {
    [TONGBAN_SESSION_END_FINISHED] = "success", [TONGBAN_SESSION_END_CANCELLED] = "cancel",
    [TONGBAN_SESSION_END_TIMEOUT] = "timeout", [TONGBAN_SESSION_END_CARD_REMOVED] = "cancel",
    [TONGBAN_SESSION_END_POWER] = "failure", [TONGBAN_SESSION_END_MAINTENANCE] = "cancel",
  };
  TongbanUsageEvent event = { .kind = "session-end", .duration_ms = -1 };

  if (reason >= 0 && (guint) reason < G_N_ELEMENTS (outcomes))
    event.outcome = outcomes[reason];
  if (self->session_started != 0)
    event.duration_ms = (g_get_monotonic_time () - self->session_started) / 1000;
  self->session_started = 0;
  record (self, &event);
}

/* An emission hook runs before the window's own handlers, while the flow
 * (and so the service) is still there. */
static gboolean
on_flow_done (GSignalInvocationHint *hint,
              guint                  n_values,
              const GValue          *values,
              gpointer               data)
{
  TongbanRemote *self = data;
  GObject *page = g_value_get_object (&values[0]);
  TongbanFlow *flow;
  const TongbanService *service;
  TongbanUsageEvent event = { .kind = "service", .duration_ms = -1 };

  if (self->window == NULL || !gtk_widget_is_ancestor (GTK_WIDGET (page),
                                                       GTK_WIDGET (self->window)))
    return TRUE;
  flow = tongban_flow_page_get_flow (TONGBAN_FLOW_PAGE (page));
  service = flow ? tongban_flow_get_service (flow) : NULL;
  if (service == NULL)
    return TRUE;
  event.category = service->category;
  event.service = service->id;
  event.outcome = g_str_equal (g_signal_name (hint->signal_id), "finished") ? "success"
                                                                            : "cancel";
  record (self, &event);
  return TRUE;
}

TongbanRemote *
tongban_remote_new (TongbanWindow        *window,
                    TongbanDevices       *devices,
                    TongbanManagerClient *client)
{
  static const char * const done[] = { "finished", "cancelled" };
  TongbanRemote *self = g_new0 (TongbanRemote, 1);
  TongbanSession *session = tongban_window_get_session (window);

  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  self->devices = g_object_ref (devices);
  self->client = g_object_ref (client);
  g_signal_connect_swapped (devices, "changed", G_CALLBACK (on_devices_changed), self);
  g_signal_connect_swapped (client, "notify::locked", G_CALLBACK (on_locked), self);
  g_signal_connect_swapped (client, "modules-changed", G_CALLBACK (on_modules), self);
  g_signal_connect_swapped (client, "self-test", G_CALLBACK (on_self_test), self);
  g_signal_connect_swapped (session, "started", G_CALLBACK (on_session_started), self);
  g_signal_connect_swapped (session, "ended", G_CALLBACK (on_session_ended), self);
  for (guint i = 0; i < G_N_ELEMENTS (done); i++)
    self->flow_hooks[i] = g_signal_add_emission_hook (g_signal_lookup (done[i],
                                                                       TONGBAN_TYPE_FLOW_PAGE),
                                                      0, on_flow_done, self, NULL);
  on_devices_changed (self);
  on_modules (self);
  on_locked (self);
  return self;
}

void
tongban_remote_free (TongbanRemote *self)
{
  static const char * const done[] = { "finished", "cancelled" };

  if (self == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (done); i++)
    g_signal_remove_emission_hook (g_signal_lookup (done[i], TONGBAN_TYPE_FLOW_PAGE),
                                   self->flow_hooks[i]);
  if (self->window != NULL)
    {
      g_signal_handlers_disconnect_by_data (tongban_window_get_session (self->window), self);
      g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
    }
  g_signal_handlers_disconnect_by_data (self->devices, self);
  g_signal_handlers_disconnect_by_data (self->client, self);
  g_object_unref (self->devices);
  g_object_unref (self->client);
  g_free (self);
}
