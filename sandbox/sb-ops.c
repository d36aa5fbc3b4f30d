/* sb-ops.c: the table of business operations and the one way to call them
 *
 * sb_ops_call() is what both front ends (REST in sb-rest.c, SOAP in sb-soap.c) run: it
 * applies an injected fault first (so a failed call never half-submits anything), finds
 * the seeded record of the citizen the gateway vouches for, and runs the operation with
 * the sandbox lock held.
 */

#include "sb-ops.h"

#include <stdarg.h>
#include <string.h>

static const SbOp *tables[] = { sb_gd_ops, sb_hkmo_ops, sb_identity_ops };

static const SbOp *
find_op (const char *operation)
{
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (const SbOp *op = tables[t]; op->operation; op++)
      if (g_strcmp0 (op->operation, operation) == 0)
        return op;
  return NULL;
}

const char *
sb_ops_system_of (const char *operation)
{
  const SbOp *op = find_op (operation);

  return op ? op->system : NULL;
}

const char *
sb_str (JsonObject *o,
        const char *member)
{
  JsonNode *n = o ? json_object_get_member (o, member) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

JsonObject *
sb_obj (JsonObject *o,
        const char *member)
{
  JsonNode *n = o ? json_object_get_member (o, member) : NULL;

  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

JsonArray *
sb_arr (JsonObject *o,
        const char *member)
{
  JsonNode *n = o ? json_object_get_member (o, member) : NULL;

  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

const char *
sb_param (JsonObject *params,
          const char *name)
{
  const char *v = sb_str (params, name);
  JsonObject *step;
  g_autoptr(GList) members = NULL;

  if (v != NULL)
    return v;
  step = sb_obj (params, name);
  if (step && (v = sb_str (step, "choice")) != NULL)
    return v;
  members = params ? json_object_get_members (params) : NULL;
  for (GList *l = members; l; l = l->next)
    {
      JsonObject *answers = sb_obj (params, l->data);

      if (answers && (v = sb_str (answers, name)) != NULL)
        return v;
    }
  return NULL;
}

JsonObject *
sb_refuse (char      **reason,
           const char *id)
{
  g_free (*reason);
  *reason = g_strdup (id);
  return NULL;
}

JsonObject *
sb_options_new (void)
{
  JsonObject *o = json_object_new ();

  json_object_set_array_member (o, "options", json_array_new ());
  return o;
}

void
sb_options_add (JsonObject *options,
                const char *value,
                const char *zh_cn,
                const char *zh_hk,
                const char *en)
{
  JsonObject *opt = json_object_new ();
  JsonObject *label = json_object_new ();

  json_object_set_string_member (label, "zh_CN", zh_cn);
  json_object_set_string_member (label, "zh_HK", zh_hk ? zh_hk : zh_cn);
  json_object_set_string_member (label, "en", en ? en : zh_cn);
  json_object_set_string_member (opt, "value", value);
  json_object_set_object_member (opt, "label", label);
  json_array_add_object_element (json_object_get_array_member (options, "options"), opt);
}

void
sb_options_add_node (JsonObject *options,
                     JsonObject *option)
{
  json_array_add_object_element (json_object_get_array_member (options, "options"),
                                 sb_object_copy (option));
}

JsonObject *
sb_receipt_new (const char *reference,
                ...)
{
  JsonObject *answer = json_object_new ();
  JsonObject *receipt = json_object_new ();
  JsonArray *lines = json_array_new ();
  const char *key;
  va_list ap;

  va_start (ap, reference);
  while ((key = va_arg (ap, const char *)) != NULL)
    {
      const char *value = va_arg (ap, const char *);
      JsonObject *line = json_object_new ();

      json_object_set_string_member (line, "key", key);
      json_object_set_string_member (line, "value", value ? value : "");
      json_array_add_object_element (lines, line);
    }
  va_end (ap);
  json_object_set_string_member (receipt, "reference", reference);
  json_object_set_array_member (receipt, "lines", lines);
  json_object_set_string_member (answer, "reference", reference);
  json_object_set_object_member (answer, "receipt", receipt);
  return answer;
}

static JsonNode *
deep_copy (JsonNode *node)
{
  JsonNode *copy;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *from = json_node_get_object (node);
      JsonObject *to = json_object_new ();
      JsonObjectIter it;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&it, from);
      while (json_object_iter_next (&it, &name, &member))
        json_object_set_member (to, name, deep_copy (member));
      copy = json_node_init_object (json_node_alloc (), to);
      json_object_unref (to);
      return copy;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *from = json_node_get_array (node);
      JsonArray *to = json_array_sized_new (json_array_get_length (from));

      for (guint i = 0; i < json_array_get_length (from); i++)
        json_array_add_element (to, deep_copy (json_array_get_element (from, i)));
      copy = json_node_init_array (json_node_alloc (), to);
      json_array_unref (to);
      return copy;
    }
  return json_node_copy (node);
}

JsonObject *
sb_object_copy (JsonObject *o)
{
  g_autoptr(JsonNode) n = json_node_init_object (json_node_alloc (), o);
  g_autoptr(JsonNode) c = deep_copy (n);

  return json_object_ref (json_node_get_object (c));
}

char *
sb_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

char *
sb_days_from_today (int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, days);

  return g_date_time_format (then, "%Y-%m-%d");
}

gboolean
sb_text_ok (const char *value,
            gsize       max)
{
  return value != NULL && *value != '\0' && strlen (value) <= max
         && g_utf8_validate (value, -1, NULL);
}

/* The garbage a "garbage" fault sends: truncated JSON, then bytes that are not UTF-8. */
static GBytes *
garbage_bytes (void)
{
  static const char bytes[] = "{\"ok\": true, \"data\": {\"stat\xff\xfe\x00<html>";

  return g_bytes_new_static (bytes, sizeof bytes - 1);
}

JsonObject *
sb_ops_call_full (SbSandbox   *sb,
                  const char  *system,
                  const char  *operation,
                  const char  *service,
                  JsonObject  *citizen,
                  JsonObject  *params,
                  char       **reason,
                  GBytes     **garbage,
                  GError     **error)
{
  const SbOp *op = find_op (operation);
  g_autoptr(JsonObject) empty = NULL;
  SbCall call = { 0 };
  JsonObject *answer;
  guint ms = 0;

  g_return_val_if_fail (reason != NULL && *reason == NULL, NULL);

  if (op == NULL || g_strcmp0 (op->system, system) != 0)
    return sb_refuse (reason, "not-found");

  switch (sb_faults_take (sb, system, operation, &ms))
    {
    case SB_FAULT_LATENCY:
      g_usleep ((gulong) ms * 1000);
      break;
    case SB_FAULT_ERROR:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "injected error");
      return NULL;
    case SB_FAULT_GARBAGE:
      if (garbage)
        *garbage = garbage_bytes ();
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "injected garbage");
      return NULL;
    case SB_FAULT_CLOSE:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "injected close");
      return NULL;
    case SB_FAULT_REFUSE:
    case SB_FAULT_NONE:
    default:
      break;
    }

  if (params == NULL)
    params = empty = json_object_new ();
  call.system = system;
  call.operation = operation;
  call.service = service;
  call.citizen = citizen;
  call.params = params;

  sb_lock (sb);
  if (op->needs_citizen)
    {
      const char *number = sb_str (citizen, "id_number");
      const char *name = sb_str (citizen, "name");

      call.person = sb_seed_citizen (sb, number);
      if (number == NULL)
        {
          sb_unlock (sb);
          return sb_refuse (reason, "invalid-field");
        }
      if (call.person == NULL)
        {
          sb_unlock (sb);
          return sb_refuse (reason, "not-found");
        }
      if (name && g_strcmp0 (name, sb_str (call.person, "name")) != 0)
        {
          sb_unlock (sb);
          return sb_refuse (reason, "identity-mismatch");
        }
    }
  answer = op->func (sb, &call, reason);
  sb_unlock (sb);
  g_assert (answer != NULL || *reason != NULL);
  return answer;
}

JsonObject *
sb_ops_call (SbSandbox   *sb,
             const char  *system,
             const char  *operation,
             JsonObject  *citizen,
             JsonObject  *params,
             char       **reason,
             GBytes     **garbage,
             GError     **error)
{
  return sb_ops_call_full (sb, system, operation, NULL, citizen, params, reason, garbage,
                           error);
}
