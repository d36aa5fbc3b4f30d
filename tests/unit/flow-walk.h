/* flow-walk.h: moving a flow on as a citizen would, for the tests that walk services
 *
 * The flow engine's own test (test-flow.c) and the end-to-end service test
 * (tests/e2e) answer steps with their own values; these are the moves they share:
 * every field of a form filled, the first choice taken, and Continue, which must
 * succeed (each field error is printed before the test fails).
 */
#pragma once

#include "tongban-flow.h"

typedef const char *(*FlowWalkValue) (const TongbanField *field);

static inline void
flow_walk_fill_form (TongbanFlow   *flow,
                     FlowWalkValue  value)
{
  const TongbanStep *step = tongban_flow_get_step (flow);

  for (guint i = 0; step->fields && i < step->fields->len; i++)
    {
      const TongbanField *f = g_ptr_array_index (step->fields, i);

      tongban_flow_set_answer (flow, step->id, f->id, value (f));
    }
}

/* On a choose step (after its options are loaded): the first option. */
static inline void
flow_walk_choose_first (TongbanFlow *flow)
{
  const TongbanStep *step = tongban_flow_get_step (flow);
  GPtrArray *options;

  if (step->type != TONGBAN_STEP_CHOOSE)
    return;
  options = tongban_flow_get_options (flow);
  g_assert_nonnull (options);
  g_assert_cmpuint (options->len, >, 0);
  tongban_flow_set_answer (flow, step->id, NULL,
                           ((TongbanOption *) g_ptr_array_index (options, 0))->value);
}

static inline void
flow_walk_next (TongbanFlow *flow)
{
  const TongbanStep *step = tongban_flow_get_step (flow);
  GArray *errors = NULL;

  if (!tongban_flow_next (flow, &errors))
    {
      for (guint i = 0; errors && i < errors->len; i++)
        g_printerr ("%s/%s: %s\n", step->id,
                    g_array_index (errors, TongbanFieldError, i).field_id,
                    g_array_index (errors, TongbanFieldError, i).message);
      g_error ("%s: step %s did not complete", tongban_flow_get_service (flow)->id, step->id);
    }
  g_clear_pointer (&errors, g_array_unref);
}
