/* sb-ops.h: how tongban-sandbox's business operations are written
 *
 * Each operation is one function in the table of sb-ops.c. It gets the call (the seeded
 * record of the citizen the gateway vouches for, the parameters) with the sandbox lock
 * held, and answers an object or refuses with a reason id of docs/gateway.md section 1.
 */
#pragma once

#include "sb-sandbox.h"

G_BEGIN_DECLS

typedef struct {
  const char *system;
  const char *operation;
  const char *service;    /* "F-GD-07" or NULL */
  JsonObject *citizen;    /* as the caller sent it, or NULL */
  JsonObject *person;     /* the seeded record of that citizen, or NULL */
  JsonObject *params;     /* never NULL */
} SbCall;

typedef JsonObject *(*SbOpFunc) (SbSandbox  *sb,
                                 SbCall     *call,
                                 char      **reason);

typedef struct {
  const char *system;
  const char *operation;
  gboolean    needs_citizen;
  SbOpFunc    func;
} SbOp;

/* Like sb_ops_call(), with the service the call is for (some operations serve two). */
JsonObject *sb_ops_call_full   (SbSandbox   *sb,
                                const char  *system,
                                const char  *operation,
                                const char  *service,
                                JsonObject  *citizen,
                                JsonObject  *params,
                                char       **reason,
                                GBytes     **garbage,
                                GError     **error);
/* The system an operation belongs to, or NULL. */
const char *sb_ops_system_of   (const char  *operation);

/* A parameter by name: params[name] if it is text, else the first step answer object
 * (as the kiosk sends them, {"step": {"choice": …, "field": …}}) holding it, and for
 * name == a step id, that step's "choice". NULL if absent. */
const char *sb_param           (JsonObject  *params,
                                const char  *name);
JsonObject *sb_refuse          (char       **reason,
                                const char  *id);
/* {"options": [...]} from {value, label} objects (borrowed and copied). */
JsonObject *sb_options_new     (void);
void        sb_options_add     (JsonObject  *options,
                                const char  *value,
                                const char  *zh_cn,
                                const char  *zh_hk,
                                const char  *en);
void        sb_options_add_node (JsonObject *options,
                                JsonObject  *option);
/* A submission's answer: {"reference", "receipt": {"reference", "lines": [...]}}; pass
 * key/value pairs, NULL-terminated. */
JsonObject *sb_receipt_new     (const char  *reference,
                                ...) G_GNUC_NULL_TERMINATED;
char       *sb_today           (void);
/* The date so many days from today, "YYYY-MM-DD". */
char       *sb_days_from_today (int          days);
/* Present, not empty, UTF-8 and at most max bytes. */
gboolean    sb_text_ok         (const char  *value,
                                gsize        max);
/* A deep copy (json_node_copy() only adds references to objects). */
JsonObject *sb_object_copy     (JsonObject  *o);
/* Looks up a member path of strings: sb_str (obj, "a", "b") = obj.a.b or NULL. */
const char *sb_str             (JsonObject  *o,
                                const char  *member);
JsonObject *sb_obj             (JsonObject  *o,
                                const char  *member);
JsonArray  *sb_arr             (JsonObject  *o,
                                const char  *member);

/* The operation tables of each part. */
extern const SbOp sb_gd_ops[];
extern const SbOp sb_hkmo_ops[];
extern const SbOp sb_identity_ops[];

G_END_DECLS
