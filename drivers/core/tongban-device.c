/* tongban-device.c: worker thread, command queue, status and events of a device
 *
 * The worker thread is the only code that touches the hardware link, so
 * commands and unsolicited-input polling never interleave on the wire. It
 * holds no reference to the device (dispose joins it), and every completion
 * and signal is handed to a main context as an idle source that owns its
 * references, so the last unref of a device can never happen on its own
 * worker thread.
 */

#include "tongban-device.h"

#define REOPEN_INTERVAL_MS 500

typedef struct
{
  guint              id;
  char              *command;
  gint64             deadline;
  TongbanDeviceFunc  func;
  gpointer           data;
  GDestroyNotify     data_free;
  GDestroyNotify     result_free;
  GCancellable      *cancellable;
  GCancellable      *caller_cancellable;
  gulong             caller_handler;
  GTask             *task;
} Request;

typedef struct
{
  char              *name;
  guint              poll_interval_ms;
  GMainContext      *context;

  GMutex             lock;
  TongbanDeviceState state;
  guint              state_sets; /* calls of set_state, to see whether open() set one */
  GHashTable        *supplies;   /* name -> GUINT_TO_POINTER (TongbanSupply) */
  GHashTable        *requests;   /* id -> Request*, queued or running */
  guint              next_id;

  GAsyncQueue       *queue;
  GThread           *worker;
  gboolean           opened;     /* worker thread only */
  GCancellable      *stopping;
} TongbanDevicePrivate;

enum {
  PROP_0,
  PROP_NAME,
  PROP_POLL_INTERVAL,
  N_PROPS
};

enum {
  STATUS_CHANGED,
  SUPPLY_CHANGED,
  EVENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* A distinct address pushed on the queue to end the worker. */
static Request stop_request;

G_DEFINE_TYPE_WITH_PRIVATE (TongbanDevice, tongban_device, G_TYPE_OBJECT)

G_DEFINE_QUARK (tongban-device-error-quark, tongban_device_error)

const char *
tongban_device_state_to_string (TongbanDeviceState state)
{
  static const char *names[] = {
    "starting", "online", "offline", "no-device", "hardware-error", "user-error", "busy",
    "potential-fraud",
  };
  return (guint) state < G_N_ELEMENTS (names) ? names[state] : "unknown";
}

const char *
tongban_supply_to_string (TongbanSupply supply)
{
  static const char *names[] = { "unknown", "full", "low", "out", "jammed" };
  return (guint) supply < G_N_ELEMENTS (names) ? names[supply] : "unknown";
}

const char *
tongban_completion_to_string (TongbanCompletion completion)
{
  static const char *names[] = {
    "success", "canceled", "timeout", "device-not-ready", "hardware-error", "invalid-data",
    "user-error", "unsupported-command", "sequence-error", "command-error",
  };
  return (guint) completion < G_N_ELEMENTS (names) ? names[completion] : "hardware-error";
}

TongbanCompletion
tongban_completion_from_error (const GError *error)
{
  if (error == NULL)
    return TONGBAN_COMPLETION_SUCCESS;
  if (error->domain == TONGBAN_DEVICE_ERROR && error->code > TONGBAN_COMPLETION_SUCCESS &&
      error->code <= TONGBAN_COMPLETION_COMMAND_ERROR)
    return (TongbanCompletion) error->code;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return TONGBAN_COMPLETION_CANCELED;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return TONGBAN_COMPLETION_TIMEOUT;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    return TONGBAN_COMPLETION_INVALID_DATA;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    return TONGBAN_COMPLETION_UNSUPPORTED_COMMAND;
  return TONGBAN_COMPLETION_HARDWARE_ERROR;
}

gboolean
tongban_device_deadline_check (gint64         deadline,
                               GCancellable  *cancellable,
                               GError       **error)
{
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_CANCELED, "canceled");
      return FALSE;
    }
  if (deadline > 0 && g_get_monotonic_time () >= deadline)
    {
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_TIMEOUT, "timed out");
      return FALSE;
    }
  return TRUE;
}

gint64
tongban_device_deadline_min (gint64 deadline,
                             guint  ms_from_now)
{
  gint64 other = g_get_monotonic_time () + (gint64) ms_from_now * 1000;

  return deadline > 0 && deadline < other ? deadline : other;
}

/* Worker thread. A device answered something not in its protocol: a fault
 * to report, not to guess at. One log line and invalid-data; tag is the
 * driver's log prefix ("idcard"), source what answered ("ID card reader"). */
gboolean
tongban_device_invalid_reply (GError    **error,
                              const char *tag,
                              const char *source,
                              const char *what)
{
  g_message ("%s: invalid data from the %s: %s", tag, source, what);
  g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
               "invalid reply from the %s: %s", source, what);
  return FALSE;
}

/* Delivery to main contexts */

typedef struct
{
  TongbanDevice *self;
  guint          signal;
  int            value;
  char          *name;
  GVariant      *payload;
} Emission;

static gboolean
emit_in_context (gpointer data)
{
  Emission *e = data;

  switch (e->signal)
    {
    case STATUS_CHANGED:
      g_signal_emit (e->self, signals[STATUS_CHANGED], 0, e->value);
      break;
    case SUPPLY_CHANGED:
      g_signal_emit (e->self, signals[SUPPLY_CHANGED], 0, e->name, e->value);
      break;
    case EVENT:
      g_signal_emit (e->self, signals[EVENT], 0, e->name, e->payload);
      break;
    default:
      g_assert_not_reached ();
    }
  return G_SOURCE_REMOVE;
}

static void
emission_free (gpointer data)
{
  Emission *e = data;

  g_object_unref (e->self);
  g_free (e->name);
  g_clear_pointer (&e->payload, g_variant_unref);
  g_free (e);
}

static void
queue_emission (TongbanDevice *self,
                guint          signal,
                int            value,
                const char    *name,
                GVariant      *payload)
{
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);
  g_autoptr(GSource) source = g_idle_source_new ();
  Emission *e = g_new0 (Emission, 1);

  e->self = g_object_ref (self);
  e->signal = signal;
  e->value = value;
  e->name = g_strdup (name);
  e->payload = payload ? g_variant_ref_sink (payload) : NULL;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_in_context, e, emission_free);
  g_source_attach (source, priv->context);
}

void
tongban_device_set_state (TongbanDevice      *self,
                          TongbanDeviceState  state)
{
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);
  gboolean changed;

  g_return_if_fail (TONGBAN_IS_DEVICE (self));

  g_mutex_lock (&priv->lock);
  changed = priv->state != state;
  priv->state = state;
  priv->state_sets++;
  g_mutex_unlock (&priv->lock);

  if (changed)
    {
      g_debug ("%s: %s", priv->name, tongban_device_state_to_string (state));
      queue_emission (self, STATUS_CHANGED, state, NULL, NULL);
    }
}

void
tongban_device_set_supply (TongbanDevice *self,
                           const char    *supply,
                           TongbanSupply  value)
{
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);
  gpointer old;
  gboolean changed;

  g_return_if_fail (TONGBAN_IS_DEVICE (self));
  g_return_if_fail (supply != NULL);

  g_mutex_lock (&priv->lock);
  old = g_hash_table_lookup (priv->supplies, supply);
  changed = old == NULL || GPOINTER_TO_UINT (old) - 1 != value;
  if (changed)
    g_hash_table_insert (priv->supplies, g_strdup (supply), GUINT_TO_POINTER (value + 1));
  g_mutex_unlock (&priv->lock);

  if (changed)
    {
      g_debug ("%s: %s %s", priv->name, supply, tongban_supply_to_string (value));
      queue_emission (self, SUPPLY_CHANGED, value, supply, NULL);
    }
}

void
tongban_device_emit_event (TongbanDevice *self,
                           const char    *event,
                           GVariant      *payload)
{
  g_return_if_fail (TONGBAN_IS_DEVICE (self));
  g_return_if_fail (event != NULL);

  queue_emission (self, EVENT, 0, event, payload);
}

/* Requests */

static void
request_free (Request *req)
{
  if (req->caller_handler != 0)
    g_cancellable_disconnect (req->caller_cancellable, req->caller_handler);
  g_clear_object (&req->caller_cancellable);
  g_clear_object (&req->cancellable);
  if (req->data_free != NULL)
    req->data_free (req->data);
  g_clear_object (&req->task);
  g_free (req->command);
  g_free (req);
}

typedef struct
{
  GTask          *task;
  gpointer        result;
  GDestroyNotify  result_free;
  GError         *error;
} Completion;

static gboolean
complete_in_context (gpointer data)
{
  Completion *c = data;

  if (c->error != NULL)
    g_task_return_error (c->task, g_steal_pointer (&c->error));
  else
    g_task_return_pointer (c->task, g_steal_pointer (&c->result), c->result_free);
  return G_SOURCE_REMOVE;
}

static void
completion_free (gpointer data)
{
  Completion *c = data;

  if (c->result != NULL && c->result_free != NULL)
    c->result_free (c->result);
  g_clear_error (&c->error);
  g_clear_object (&c->task);
  g_free (c);
}

/* Takes the request out of the table and hands its result to the caller. */
static void
request_complete (TongbanDevice *self,
                  Request       *req,
                  gpointer       result,
                  GError        *error)
{
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);
  g_autoptr(GSource) source = g_idle_source_new ();
  Completion *c = g_new0 (Completion, 1);

  g_mutex_lock (&priv->lock);
  g_hash_table_remove (priv->requests, GUINT_TO_POINTER (req->id));
  g_mutex_unlock (&priv->lock);

  if (error != NULL && error->domain != TONGBAN_DEVICE_ERROR)
    {
      GError *mapped = g_error_new_literal (TONGBAN_DEVICE_ERROR,
                                            tongban_completion_from_error (error),
                                            error->message);
      g_error_free (error);
      error = mapped;
    }
  if (error != NULL)
    g_debug ("%s: %s #%u: %s (%s)", priv->name, req->command, req->id,
             tongban_completion_to_string (error->code), error->message);

  c->task = g_steal_pointer (&req->task);
  c->result = result;
  c->result_free = req->result_free;
  c->error = error;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, complete_in_context, c, completion_free);
  g_source_attach (source, g_task_get_context (c->task));
  request_free (req);
}

static void
on_caller_cancelled (GCancellable *caller,
                     gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

guint
tongban_device_submit (TongbanDevice       *self,
                       const char          *command,
                       guint                timeout_ms,
                       TongbanDeviceFunc    func,
                       gpointer             data,
                       GDestroyNotify       data_free,
                       GDestroyNotify       result_free,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);
  Request *req;
  guint id;

  g_return_val_if_fail (TONGBAN_IS_DEVICE (self), 0);
  g_return_val_if_fail (func != NULL, 0);

  req = g_new0 (Request, 1);
  req->command = g_strdup (command);
  req->deadline = timeout_ms > 0 ? g_get_monotonic_time () + (gint64) timeout_ms * 1000 : 0;
  req->func = func;
  req->data = data;
  req->data_free = data_free;
  req->result_free = result_free;
  req->cancellable = g_cancellable_new ();
  req->task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (req->task, tongban_device_submit);
  g_task_set_name (req->task, command);

  g_mutex_lock (&priv->lock);
  req->id = ++priv->next_id;
  g_hash_table_insert (priv->requests, GUINT_TO_POINTER (req->id), req);
  g_mutex_unlock (&priv->lock);

  if (cancellable != NULL)
    {
      req->caller_cancellable = g_object_ref (cancellable);
      req->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                   g_object_ref (req->cancellable),
                                                   g_object_unref);
    }

  if (priv->worker == NULL)
    tongban_device_start (self);
  /* Once queued, the request belongs to the worker and may be gone already. */
  id = req->id;
  g_async_queue_push (priv->queue, req);
  return id;
}

gpointer
tongban_device_submit_finish (TongbanDevice  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
tongban_device_cancel (TongbanDevice *self,
                       guint          request_id)
{
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);
  Request *req;
  g_autoptr(GCancellable) cancellable = NULL;

  g_return_val_if_fail (TONGBAN_IS_DEVICE (self), FALSE);

  g_mutex_lock (&priv->lock);
  req = g_hash_table_lookup (priv->requests, GUINT_TO_POINTER (request_id));
  if (req != NULL)
    cancellable = g_object_ref (req->cancellable);
  g_mutex_unlock (&priv->lock);

  if (cancellable == NULL)
    return FALSE;
  g_cancellable_cancel (cancellable);
  return TRUE;
}

void
tongban_device_cancel_all (TongbanDevice *self)
{
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (TONGBAN_IS_DEVICE (self));

  g_mutex_lock (&priv->lock);
  g_hash_table_iter_init (&iter, priv->requests);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (all, g_object_ref (((Request *) value)->cancellable));
  g_mutex_unlock (&priv->lock);

  for (guint i = 0; i < all->len; i++)
    g_cancellable_cancel (g_ptr_array_index (all, i));
}

/* The worker */

static void
device_close (TongbanDevice *self)
{
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);
  TongbanDeviceClass *klass = TONGBAN_DEVICE_GET_CLASS (self);

  if (!priv->opened)
    return;
  if (klass->close != NULL)
    klass->close (self);
  priv->opened = FALSE;
}

static gboolean
device_open (TongbanDevice *self,
             GError       **error)
{
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);
  TongbanDeviceClass *klass = TONGBAN_DEVICE_GET_CLASS (self);

  guint sets_before;
  gboolean set_by_open;
  TongbanDeviceState state;

  if (priv->opened)
    return TRUE;
  g_mutex_lock (&priv->lock);
  sets_before = priv->state_sets;
  g_mutex_unlock (&priv->lock);
  if (klass->open != NULL && !klass->open (self, priv->stopping, error))
    {
      TongbanCompletion why = tongban_completion_from_error (error ? *error : NULL);

      if (klass->close != NULL)
        klass->close (self);
      /* A device that answers nonsense is there, and faulty. */
      tongban_device_set_state (self, why == TONGBAN_COMPLETION_INVALID_DATA ||
                                      why == TONGBAN_COMPLETION_HARDWARE_ERROR
                                      ? TONGBAN_DEVICE_STATE_HARDWARE_ERROR
                                      : TONGBAN_DEVICE_STATE_NO_DEVICE);
      return FALSE;
    }
  priv->opened = TRUE;
  /* Online, unless open() itself found a fault (a printer with its cutter
   * jammed): a hardware error left from the last failed attempt is ours. */
  g_mutex_lock (&priv->lock);
  state = priv->state;
  set_by_open = priv->state_sets != sets_before;
  g_mutex_unlock (&priv->lock);
  if (state == TONGBAN_DEVICE_STATE_STARTING || state == TONGBAN_DEVICE_STATE_NO_DEVICE ||
      (state == TONGBAN_DEVICE_STATE_HARDWARE_ERROR && !set_by_open))
    tongban_device_set_state (self, TONGBAN_DEVICE_STATE_ONLINE);
  return TRUE;
}

static void
run_request (TongbanDevice *self,
             Request       *req)
{
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);
  GError *error = NULL;
  gpointer result = NULL;

  if (!tongban_device_deadline_check (req->deadline, req->cancellable, &error))
    {
      request_complete (self, req, NULL, error);
      return;
    }

  if (!device_open (self, &error))
    {
      GError *not_ready = g_error_new (TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY,
                                       "%s: %s", priv->name, error->message);
      g_error_free (error);
      request_complete (self, req, NULL, not_ready);
      return;
    }

  result = req->func (self, req->data, req->deadline, req->cancellable, &error);
  if (error != NULL)
    {
      if (result != NULL && req->result_free != NULL)
        req->result_free (result);
      result = NULL;
      /* The link is gone: close, so the worker reopens it (replug). */
      if (tongban_completion_from_error (error) == TONGBAN_COMPLETION_DEVICE_NOT_READY)
        {
          device_close (self);
          tongban_device_set_state (self, TONGBAN_DEVICE_STATE_NO_DEVICE);
        }
    }
  request_complete (self, req, result, error);
}

static gpointer
worker_main (gpointer data)
{
  TongbanDevice *self = data;
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);
  TongbanDeviceClass *klass = TONGBAN_DEVICE_GET_CLASS (self);
  Request *req;

  for (;;)
    {
      guint wait_ms;

      if (!priv->opened)
        {
          g_autoptr(GError) error = NULL;

          if (!device_open (self, &error))
            g_debug ("%s: not available: %s", priv->name, error->message);
        }

      wait_ms = priv->opened ? priv->poll_interval_ms : REOPEN_INTERVAL_MS;
      req = g_async_queue_timeout_pop (priv->queue, (guint64) wait_ms * 1000);
      if (req == &stop_request)
        break;
      if (req != NULL)
        {
          run_request (self, req);
          continue;
        }
      if (priv->opened && klass->poll != NULL)
        {
          g_autoptr(GError) error = NULL;

          if (!klass->poll (self, priv->stopping, &error))
            {
              g_message ("%s: lost (%s)", priv->name,
                         tongban_completion_to_string (tongban_completion_from_error (error)));
              device_close (self);
              if (tongban_completion_from_error (error) == TONGBAN_COMPLETION_INVALID_DATA)
                tongban_device_set_state (self, TONGBAN_DEVICE_STATE_HARDWARE_ERROR);
              else
                tongban_device_set_state (self, TONGBAN_DEVICE_STATE_NO_DEVICE);
            }
        }
    }

  /* Whatever is still queued ends as canceled. */
  while ((req = g_async_queue_try_pop (priv->queue)) != NULL)
    {
      if (req != &stop_request)
        request_complete (self, req, NULL,
                          g_error_new_literal (TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_CANCELED,
                                               "device stopped"));
    }
  device_close (self);
  return NULL;
}

void
tongban_device_start (TongbanDevice *self)
{
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);
  g_autofree char *thread_name = NULL;

  g_return_if_fail (TONGBAN_IS_DEVICE (self));

  if (priv->worker != NULL)
    return;
  g_cancellable_reset (priv->stopping);
  thread_name = g_strdup_printf ("dev-%s", priv->name);
  priv->worker = g_thread_new (thread_name, worker_main, self);
}

void
tongban_device_stop (TongbanDevice *self)
{
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);

  g_return_if_fail (TONGBAN_IS_DEVICE (self));

  if (priv->worker == NULL)
    return;
  g_assert (g_thread_self () != priv->worker);
  g_cancellable_cancel (priv->stopping);
  tongban_device_cancel_all (self);
  g_async_queue_push (priv->queue, &stop_request);
  g_thread_join (g_steal_pointer (&priv->worker));
  tongban_device_set_state (self, TONGBAN_DEVICE_STATE_OFFLINE);
}

/* Getters */

const char *
tongban_device_get_name (TongbanDevice *self)
{
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);

  g_return_val_if_fail (TONGBAN_IS_DEVICE (self), NULL);
  return priv->name;
}

TongbanDeviceState
tongban_device_get_state (TongbanDevice *self)
{
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);
  TongbanDeviceState state;

  g_return_val_if_fail (TONGBAN_IS_DEVICE (self), TONGBAN_DEVICE_STATE_OFFLINE);
  g_mutex_lock (&priv->lock);
  state = priv->state;
  g_mutex_unlock (&priv->lock);
  return state;
}

TongbanSupply
tongban_device_get_supply (TongbanDevice *self,
                           const char    *supply)
{
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);
  gpointer value;

  g_return_val_if_fail (TONGBAN_IS_DEVICE (self), TONGBAN_SUPPLY_UNKNOWN);
  g_mutex_lock (&priv->lock);
  value = g_hash_table_lookup (priv->supplies, supply);
  g_mutex_unlock (&priv->lock);
  return value ? (TongbanSupply) (GPOINTER_TO_UINT (value) - 1) : TONGBAN_SUPPLY_UNKNOWN;
}

/* "receipt: online; paper low" — for the self-test and monitor pages. */
char *
tongban_device_dup_status_text (TongbanDevice *self)
{
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);
  GString *text = g_string_new (NULL);
  g_autoptr(GList) keys = NULL;

  g_return_val_if_fail (TONGBAN_IS_DEVICE (self), NULL);
  g_mutex_lock (&priv->lock);
  g_string_append_printf (text, "%s: %s", priv->name, tongban_device_state_to_string (priv->state));
  keys = g_list_sort (g_hash_table_get_keys (priv->supplies), (GCompareFunc) g_strcmp0);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      guint stored = GPOINTER_TO_UINT (g_hash_table_lookup (priv->supplies, l->data));

      g_string_append_printf (text, "; %s %s", (char *) l->data,
                              tongban_supply_to_string ((TongbanSupply) (stored - 1)));
    }
  g_mutex_unlock (&priv->lock);
  return g_string_free (text, FALSE);
}

static gboolean
on_wait_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
on_wait_tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* The condition may change outside the context (another process, another
 * thread), so the loop also wakes every 10 ms to look again. */
gboolean
tongban_device_wait_until (GMainContext *context,
                           guint         timeout_ms,
                           gboolean    (*func) (gpointer),
                           gpointer      data)
{
  g_autoptr(GSource) timeout = g_timeout_source_new (timeout_ms);
  g_autoptr(GSource) tick = g_timeout_source_new (10);
  gboolean expired = FALSE;
  gboolean done;

  g_source_set_callback (timeout, on_wait_timeout, &expired, NULL);
  g_source_set_callback (tick, on_wait_tick, NULL, NULL);
  g_source_attach (timeout, context);
  g_source_attach (tick, context);
  while (!(done = func (data)) && !expired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  g_source_destroy (tick);
  return done;
}

/* GObject */

static void
tongban_device_dispose (GObject *object)
{
  TongbanDevice *self = TONGBAN_DEVICE (object);

  tongban_device_stop (self);

  G_OBJECT_CLASS (tongban_device_parent_class)->dispose (object);
}

static void
tongban_device_finalize (GObject *object)
{
  TongbanDevice *self = TONGBAN_DEVICE (object);
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);

  g_assert (g_hash_table_size (priv->requests) == 0);
  g_clear_pointer (&priv->requests, g_hash_table_unref);
  g_clear_pointer (&priv->supplies, g_hash_table_unref);
  g_clear_pointer (&priv->queue, g_async_queue_unref);
  g_clear_pointer (&priv->context, g_main_context_unref);
  g_clear_object (&priv->stopping);
  g_mutex_clear (&priv->lock);
  g_free (priv->name);

  G_OBJECT_CLASS (tongban_device_parent_class)->finalize (object);
}

static void
tongban_device_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TongbanDevice *self = TONGBAN_DEVICE (object);
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, priv->name);
      break;
    case PROP_POLL_INTERVAL:
      g_value_set_uint (value, priv->poll_interval_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_device_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TongbanDevice *self = TONGBAN_DEVICE (object);
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_NAME:
      g_free (priv->name);
      priv->name = g_value_dup_string (value);
      break;
    case PROP_POLL_INTERVAL:
      priv->poll_interval_ms = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_device_class_init (TongbanDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tongban_device_dispose;
  object_class->finalize = tongban_device_finalize;
  object_class->get_property = tongban_device_get_property;
  object_class->set_property = tongban_device_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, "device",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* How long the queue must be idle before poll() reads unsolicited input. */
  properties[PROP_POLL_INTERVAL] =
    g_param_spec_uint ("poll-interval", NULL, NULL, 1, 60000, 200,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (state: TongbanDeviceState) */
  signals[STATUS_CHANGED] =
    g_signal_new ("status-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  /* (supply name, value: TongbanSupply) */
  signals[SUPPLY_CHANGED] =
    g_signal_new ("supply-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);
  /* Unsolicited: "card-inserted", "key-pressed", "on-battery" … (name, payload or NULL) */
  signals[EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_VARIANT);
}

static void
tongban_device_init (TongbanDevice *self)
{
  TongbanDevicePrivate *priv = tongban_device_get_instance_private (self);

  g_mutex_init (&priv->lock);
  priv->state = TONGBAN_DEVICE_STATE_STARTING;
  priv->supplies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  priv->requests = g_hash_table_new (NULL, NULL);
  priv->queue = g_async_queue_new ();
  priv->context = g_main_context_ref_thread_default ();
  priv->stopping = g_cancellable_new ();
  priv->poll_interval_ms = 200;
}
