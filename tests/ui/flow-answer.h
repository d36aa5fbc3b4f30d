/* flow-answer.h: answers a flow's current step as a citizen would, with
 * valid values of each field type; shared by the UI test and the flow
 * benchmark, which walk every step of the services. */
#pragma once

#include "tongban-flow.h"

G_GNUC_UNUSED static void
answer (TongbanFlow *flow)
{
  const TongbanStep *step = tongban_flow_get_step (flow);
  const TongbanService *service = tongban_flow_get_service (flow);

  if (step->type == TONGBAN_STEP_AUTH)
    tongban_flow_set_answer (flow, step->id, "method", service->auth[0]);
  for (guint i = 0; step->type == TONGBAN_STEP_FORM && i < step->fields->len; i++)
    {
      const TongbanField *f = g_ptr_array_index (step->fields, i);
      const char *v = f->type == TONGBAN_FIELD_HKID ? "A123456(3)" :
                      f->type == TONGBAN_FIELD_MO_ID ? "1234567(8)" :
                      f->type == TONGBAN_FIELD_HK_BRN ? "12345678" :
                      f->type == TONGBAN_FIELD_PHONE ? (g_strcmp0 (f->region, "gd") == 0 ?
                                                        "13800138000" : "61234567") :
                      f->type == TONGBAN_FIELD_EMAIL ? "a@example.com" :
                      f->type == TONGBAN_FIELD_DATE ? "2026-03-31" :
                      f->type == TONGBAN_FIELD_AMOUNT ? "100" :
                      f->type == TONGBAN_FIELD_CHOICE ?
                        ((TongbanOption *) g_ptr_array_index (f->options, 0))->value : "text";

      tongban_flow_set_answer (flow, step->id, f->id, v);
    }
  /* Walkers of every step pay as a QR payment confirmed on the phone would. */
  if (step->type == TONGBAN_STEP_PAY)
    tongban_flow_set_paid (flow, "PO-WALK-1", step->methods[0], NULL);
  if (step->type == TONGBAN_STEP_CHOOSE)
    {
      GPtrArray *options = tongban_flow_get_options (flow);

      if (options && options->len)
        tongban_flow_set_answer (flow, step->id, NULL,
                                 ((TongbanOption *) g_ptr_array_index (options, 0))->value);
    }
}

