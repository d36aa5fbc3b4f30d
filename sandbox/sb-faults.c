/* sb-faults.c: injected faults and the log of calls received
 *
 * A fault matches a system and an operation (or "*") and is used up after `count` calls
 * (0: until cleared). latency delays the answer by `ms`, error answers 500 (REST) or a
 * SOAP fault, garbage sends bytes that are not an answer, close drops the connection
 * without answering, refuse drops new connections before reading anything.
 */

#include "sb-ops.h"

#include <string.h>

typedef struct {
  char        system[48];
  char        operation[48];
  SbFaultKind kind;
  guint       ms;
  guint       count;   /* uses left; 0: unlimited */
} SbFault;

static const char *kind_names[] = { "none", "latency", "error", "garbage", "close", "refuse" };

static gboolean
add (SbSandbox   *sb,
     const char  *system,
     const char  *operation,
     const char  *kind,
     gint64       ms,
     gint64       count,
     GError     **error)
{
  SbFault *f;
  guint k = 0;

  for (guint i = 1; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (kind, kind_names[i]) == 0)
      k = i;
  if (k == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "kind must be latency, error, garbage, close or refuse");
      return FALSE;
    }
  if (system == NULL || *system == '\0' || strlen (system) >= 48
      || operation == NULL || *operation == '\0' || strlen (operation) >= 48)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "system and operation are needed (\"*\" for any)");
      return FALSE;
    }
  if (ms < 0 || ms > 600000 || count < 0 || count > 1000000)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "ms must be 0 to 600000 and count 0 to 1000000");
      return FALSE;
    }
  f = g_new0 (SbFault, 1);
  g_strlcpy (f->system, system, sizeof f->system);
  g_strlcpy (f->operation, operation, sizeof f->operation);
  f->kind = k;
  f->ms = (guint) ms;
  f->count = (guint) count;
  sb_lock (sb);
  g_ptr_array_add (sb->faults, f);
  sb_unlock (sb);
  return TRUE;
}

gboolean
sb_faults_add_json (SbSandbox   *sb,
                    JsonObject  *spec,
                    GError     **error)
{
  JsonNode *ms = json_object_get_member (spec, "ms");
  JsonNode *count = json_object_get_member (spec, "count");
  const char *names[] = { "system", "operation", "kind" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonNode *n = json_object_get_member (spec, names[i]);

      if (n && sb_str (spec, names[i]) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s must be text",
                       names[i]);
          return FALSE;
        }
    }
  if ((ms && json_node_get_value_type (ms) != G_TYPE_INT64)
      || (count && json_node_get_value_type (count) != G_TYPE_INT64))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "ms and count must be whole numbers");
      return FALSE;
    }
  return add (sb, sb_str (spec, "system") ? sb_str (spec, "system") : "*",
              sb_str (spec, "operation") ? sb_str (spec, "operation") : "*",
              sb_str (spec, "kind"),
              ms ? json_node_get_int (ms) : 0, count ? json_node_get_int (count) : 0, error);
}

gboolean
sb_faults_add_text (SbSandbox   *sb,
                    const char  *text,
                    GError     **error)
{
  g_auto(GStrv) p = g_strsplit (text, ":", 6);
  guint n = g_strv_length (p);
  guint64 ms = 0, count = 0;

  if (n < 3 || n > 5
      || (n > 3 && !g_ascii_string_to_unsigned (p[3], 10, 0, 600000, &ms, NULL))
      || (n > 4 && !g_ascii_string_to_unsigned (p[4], 10, 0, 1000000, &count, NULL)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "--fault takes SYSTEM:OPERATION:KIND[:MS[:COUNT]], not “%s”", text);
      return FALSE;
    }
  return add (sb, p[0], p[1], p[2], (gint64) ms, (gint64) count, error);
}

void
sb_faults_clear (SbSandbox *sb)
{
  sb_lock (sb);
  g_ptr_array_set_size (sb->faults, 0);
  sb_unlock (sb);
}

static SbFaultKind
take (SbSandbox  *sb,
      const char *system,
      const char *operation,
      gboolean    refuse,
      guint      *ms)
{
  SbFaultKind kind = SB_FAULT_NONE;

  sb_lock (sb);
  for (guint i = 0; i < sb->faults->len; i++)
    {
      SbFault *f = g_ptr_array_index (sb->faults, i);

      if ((f->kind == SB_FAULT_REFUSE) != refuse)
        continue;
      if (!refuse && ((strcmp (f->system, "*") != 0 && g_strcmp0 (f->system, system) != 0)
                      || (strcmp (f->operation, "*") != 0
                          && g_strcmp0 (f->operation, operation) != 0)))
        continue;
      kind = f->kind;
      if (ms)
        *ms = f->ms;
      if (f->count > 0 && --f->count == 0)
        g_ptr_array_remove_index (sb->faults, i);
      break;
    }
  sb_unlock (sb);
  return kind;
}

SbFaultKind
sb_faults_take (SbSandbox  *sb,
                const char *system,
                const char *operation,
                guint      *ms)
{
  return take (sb, system, operation, FALSE, ms);
}

gboolean
sb_faults_take_refuse (SbSandbox *sb)
{
  return take (sb, NULL, NULL, TRUE, NULL) == SB_FAULT_REFUSE;
}

void
sb_log_call (SbSandbox  *sb,
             const char *system,
             const char *operation,
             const char *request_id,
             const char *outcome)
{
  JsonObject *o = json_object_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  json_object_set_int_member (o, "time_ms", g_date_time_to_unix (now) * 1000
                                            + g_date_time_get_microsecond (now) / 1000);
  json_object_set_string_member (o, "system", system ? system : "");
  json_object_set_string_member (o, "operation", operation ? operation : "");
  if (request_id)
    json_object_set_string_member (o, "request_id", request_id);
  else
    json_object_set_null_member (o, "request_id");
  json_object_set_string_member (o, "outcome", outcome);
  sb_lock (sb);
  /* The last 10000 calls or so; the oldest go a thousand at a time. */
  if (sb->log->len >= 11000)
    g_ptr_array_remove_range (sb->log, 0, 1000);
  g_ptr_array_add (sb->log, o);
  sb_unlock (sb);
}

JsonNode *
sb_log_to_json (SbSandbox *sb)
{
  JsonArray *calls = json_array_new ();
  JsonObject *root = json_object_new ();
  JsonNode *node;

  sb_lock (sb);
  for (guint i = 0; i < sb->log->len; i++)
    json_array_add_object_element (calls,
                                   json_object_ref (g_ptr_array_index (sb->log, i)));
  sb_unlock (sb);
  json_object_set_array_member (root, "calls", calls);
  node = json_node_init_object (json_node_alloc (), root);
  json_object_unref (root);
  return node;
}
