/* driver-test.c: shared helpers of the driver tests against a simulator */

#include "driver-test.h"

/* The simulator a _new() returned, started; error is the _new()'s. */
TongbanSim *
driver_test_start_sim (TongbanSim   *sim,
                       const GError *error)
{
  g_assert_no_error (error);
  g_assert_nonnull (sim);
  tongban_sim_start (sim);
  return sim;
}

/* Starts the device's worker and waits until it has opened (or failed to). */
void
driver_test_start (gpointer           device,
                   TongbanDeviceState state)
{
  tongban_device_start (TONGBAN_DEVICE (device));
  driver_test_wait_state (device, state, 5000);
}

/* Injects a scenario event and waits until the simulator has done it. */
void
driver_test_sim_do (TongbanSim *sim,
                    const char *event)
{
  g_assert_true (tongban_sim_inject_wait (sim, event, 5000));
}

typedef struct
{
  TongbanDevice     *device;
  TongbanDeviceState state;
} StateWait;

static gboolean
state_is (gpointer data)
{
  StateWait *w = data;

  return tongban_device_get_state (w->device) == w->state;
}

void
driver_test_wait_state (gpointer           device,
                        TongbanDeviceState state,
                        guint              timeout_ms)
{
  StateWait w = { TONGBAN_DEVICE (device), state };

  g_assert_true (tongban_device_wait_until (NULL, timeout_ms, state_is, &w));
}

typedef struct
{
  const guint *counter;
  guint        target;
} CountWait;

static gboolean
count_reached (gpointer data)
{
  CountWait *w = data;

  return *w->counter >= w->target;
}

/* Runs the default main context until *counter (kept by the test's
 * callbacks there) reaches target. */
void
driver_test_wait_count (const guint *counter,
                        guint        target,
                        guint        timeout_ms)
{
  CountWait w = { counter, target };

  g_assert_true (tongban_device_wait_until (NULL, timeout_ms, count_reached, &w));
}

static gboolean
nothing_pending (gpointer data)
{
  return !g_main_context_pending (NULL);
}

/* Runs the default main context until it has nothing more to do; FALSE if
 * it still had after timeout_ms. */
gboolean
driver_test_drain (guint timeout_ms)
{
  return tongban_device_wait_until (NULL, timeout_ms, nothing_pending, NULL);
}

/* Stops the device, delivers what it still had to say, checks that the
 * test held the last reference, and frees the simulator. */
void
driver_test_stop (gpointer    device,
                  TongbanSim *sim)
{
  tongban_device_stop (TONGBAN_DEVICE (device));
  driver_test_drain (500);
  g_assert_finalize_object (device);
  tongban_sim_free (sim);
}
