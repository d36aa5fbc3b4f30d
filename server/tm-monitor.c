/* tm-monitor.c: heartbeats, alarm rules, automatic module switch-off and recovery (M-03)
 *
 * A heartbeat carries component states, consumable levels and network facts; the answer
 * carries server time (the fleet's one clock), pending commands and module flags. Faults
 * and low consumables raise alarms at most once while open; a faulty device switches off
 * every module that needs it until the device reports healthy again. Maintainers whose
 * region covers the terminal are queued e-mails and SMS, sent by the worker.
 */

#include "tm-app.h"
#include "tm-events.h"
#include "tm-live.h"
#include "tongban-region-code.h"

#include <stdarg.h>
#include <string.h>

static const char * const component_states[] = {
  "online", "offline", "no-device", "hardware-error", "user-error", "busy", "starting", NULL
};
static const char * const fault_states[] = { "offline", "hardware-error", NULL };
static const char * const supply_states[] = { "unknown", "full", "low", "out", "jammed", NULL };

static gboolean
name_ok (const char *s)
{
  if (s == NULL || *s == '\0' || strlen (s) > 32)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

/* {"number": …, key: value, …} for an event; pairs of name and string value, NULL-ended. */
static JsonNode *
event_data (const char *number,
            ...)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *name;
  va_list ap;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "number");
  json_builder_add_string_value (b, number);
  va_start (ap, number);
  while ((name = va_arg (ap, const char *)) != NULL)
    {
      const char *value = va_arg (ap, const char *);

      json_builder_set_member_name (b, name);
      json_builder_add_string_value (b, value);
    }
  va_end (ap);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Tells the maintainers of the nearest region on the terminal's path, strictly wider than
 * the region whose path is @below (NULL: the terminal's own region first), that has any.
 * *notified becomes that region's path, or "" when no wider region has maintainers. */
static gboolean
queue_notifications (TmConn      *conn,
                     gint64       alarm_id,
                     const char  *region_path,
                     const char  *below,
                     const char  *subject,
                     const char  *body,
                     char       **notified,
                     GError     **error)
{
  g_autoptr(TmRows) m = tm_q (conn, error, "SELECT m.email, m.phone, r.path FROM maintainer m"
                              " JOIN region r ON r.code = m.region_code");
  gsize limit = below != NULL ? strlen (below) : strlen (region_path) + 1;
  const char *level = NULL;

  if (m == NULL)
    return FALSE;
  /* Regions on the path from the terminal's outwards: "/440000/440100/440106/" ends one at
   * each '/'. */
  for (gsize len = MIN (limit - 1, strlen (region_path)); level == NULL && len > 1; len--)
    {
      if (region_path[len - 1] != '/')
        continue;
      for (guint i = 0; level == NULL && i < m->n_rows; i++)
        {
          const char *p = tm_rows_get (m, i, 2);

          if (strlen (p) == len && strncmp (p, region_path, len) == 0)
            level = p;
        }
    }
  *notified = g_strdup (level ? level : "");
  for (guint i = 0; level != NULL && i < m->n_rows; i++)
    {
      if (!g_str_equal (tm_rows_get (m, i, 2), level))
        continue;
      for (guint c = 0; c < 2; c++)
        {
          const char *target = tm_rows_get (m, i, c);

          if (target == NULL || *target == '\0')
            continue;
          if (!tm_x (conn, error, "INSERT INTO notification (alarm_id, channel, target, subject,"
                     " body, state, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)",
                     TM_INT (alarm_id), TM_STR (c == 0 ? "email" : "sms"), TM_STR (target),
                     TM_STR (subject), TM_STR (body), TM_INT (tm_now ())))
            return FALSE;
        }
    }
  return tm_x (conn, error, "UPDATE alarm SET notified_path = ?, notified_at = ? WHERE id = ?",
               TM_STR (*notified), TM_INT (tm_now ()), TM_INT (alarm_id));
}

/* Opens an alarm unless the same one is open already; returns FALSE only on a DB error. */
static gboolean
raise_alarm (TmApp      *app,
             TmConn     *conn,
             gint64      terminal_id,
             const char *number,
             const char *region_path,
             const char *kind,
             const char *subject,
             const char *detail,
             GError    **error)
{
  g_autoptr(TmRows) rule = tm_q (conn, error, "SELECT severity, enabled FROM alarm_rule"
                                 " WHERE kind = ?", TM_STR (kind));
  g_autoptr(TmRows) ins = NULL;
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  g_autofree char *notified = NULL;

  if (rule == NULL)
    return FALSE;
  if (rule->n_rows == 0 || tm_rows_get_int (rule, 0, 1) == 0)
    return TRUE;
  ins = tm_q (conn, error, "INSERT INTO alarm (terminal_id, kind, subject, severity, detail,"
              " raised_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (terminal_id, kind, subject)"
              " WHERE cleared_at IS NULL DO NOTHING RETURNING id",
              TM_INT (terminal_id), TM_STR (kind), TM_STR (subject),
              TM_STR (tm_rows_get (rule, 0, 0)),
              TM_STR (detail), TM_INT (tm_now ()));
  if (ins == NULL)
    return FALSE;
  if (ins->n_rows == 0)
    return TRUE;
  {
    JsonNode *data = event_data (number, "kind", kind, "subject", subject, "severity",
                                 tm_rows_get (rule, 0, 0), "detail", detail, NULL);

    json_object_set_int_member (json_node_get_object (data), "id", tm_rows_get_int (ins, 0, 0));
    tm_events_emit (app, conn, "alarm.raised", region_path, data);
  }
  title = g_strdup_printf ("[Tongban %s] terminal %s: %s %s", tm_rows_get (rule, 0, 0), number,
                           kind, subject);
  text = g_strdup_printf ("Terminal %s reports %s on %s (%s).\n", number, kind, subject,
                          detail ? detail : "");
  return queue_notifications (conn, tm_rows_get_int (ins, 0, 0), region_path, NULL, title, text,
                              &notified, error);
}

static gboolean
clear_alarm (TmApp            *app,
             TmConn           *conn,
             const TmTerminal *t,
             const char       *kind,
             const char       *subject,
             GError          **error)
{
  g_autoptr(TmRows) rows = tm_q (conn, error, "UPDATE alarm SET cleared_at = ? WHERE"
                                 " terminal_id = ? AND kind = ? AND subject = ?"
                                 " AND cleared_at IS NULL RETURNING id", TM_INT (tm_now ()),
                                 TM_INT (t->id), TM_STR (kind), TM_STR (subject));

  if (rows == NULL)
    return FALSE;
  for (guint r = 0; r < rows->n_rows; r++)
    {
      JsonNode *data = event_data (t->number, "kind", kind, "subject", subject, "by", "terminal",
                                   NULL);

      json_object_set_int_member (json_node_get_object (data), "id", tm_rows_get_int (rows, r, 0));
      tm_events_emit (app, conn, "alarm.cleared", t->region_path, data);
    }
  return TRUE;
}

static gboolean
validate_heartbeat (JsonObject  *body,
                    GError     **error)
{
  static const char * const fields[] = { "sw_version", "network", "components", "consumables",
                                         NULL };
  const char *bad = NULL, *reason = NULL, *s = NULL;
  JsonNode *n;

  if (!tongban_json_only_fields (body, fields, &bad))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, bad, "unknown field");
      return FALSE;
    }
  if (!tongban_json_get_string (body, "sw_version", FALSE, 64, &s, &reason))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "sw_version", "%s", reason);
      return FALSE;
    }
  n = json_object_get_member (body, "network");
  if (n != NULL)
    {
      static const char * const nf[] = { "type", "signal", "latency_ms", NULL };
      JsonObject *o;
      gint64 v;

      if (!JSON_NODE_HOLDS_OBJECT (n))
        {
          tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "network", "must be an object");
          return FALSE;
        }
      o = json_node_get_object (n);
      if (!tongban_json_only_fields (o, nf, &bad))
        {
          tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "network", "unknown field %s", bad);
          return FALSE;
        }
      if (!tongban_json_get_string (o, "type", FALSE, 16, &s, &reason)
          || !tongban_json_get_int (o, "signal", FALSE, -200, 100, &v, &reason)
          || !tongban_json_get_int (o, "latency_ms", FALSE, 0, 600000, &v, &reason))
        {
          tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "network", "%s", reason);
          return FALSE;
        }
    }
  for (guint which = 0; which < 2; which++)
    {
      const char *field = which == 0 ? "components" : "consumables";
      JsonArray *a;

      n = json_object_get_member (body, field);
      if (n == NULL)
        continue;
      if (!JSON_NODE_HOLDS_ARRAY (n) || json_array_get_length (json_node_get_array (n)) > 64)
        {
          tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, field, "must be an array of at most 64");
          return FALSE;
        }
      a = json_node_get_array (n);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          JsonObject *o;
          const char *name = NULL, *state = NULL;
          gint64 level = 0;

          if (!JSON_NODE_HOLDS_OBJECT (e))
            {
              tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, field, "entry %u is not an object",
                            i);
              return FALSE;
            }
          o = json_node_get_object (e);
          if (which == 0)
            {
              static const char * const cf[] = { "name", "status", NULL };

              if (!tongban_json_only_fields (o, cf, &bad)
                  || !tongban_json_get_string (o, "name", TRUE, 32, &name, &reason)
                  || !name_ok (name)
                  || !tongban_json_get_string (o, "status", TRUE, 32, &state, &reason)
                  || !g_strv_contains (component_states, state))
                {
                  tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, field,
                                "entry %u needs name (a-z, 0-9, -) and a known status", i);
                  return FALSE;
                }
            }
          else
            {
              static const char * const sf[] = { "item", "level", "state", NULL };

              if (!tongban_json_only_fields (o, sf, &bad)
                  || !tongban_json_get_string (o, "item", TRUE, 32, &name, &reason)
                  || !name_ok (name)
                  || !tongban_json_get_int (o, "level", TRUE, 0, 100, &level, &reason)
                  || !tongban_json_get_string (o, "state", FALSE, 16, &state, &reason)
                  || (state != NULL && !g_strv_contains (supply_states, state)))
                {
                  tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, field,
                                "entry %u needs item, level 0-100 and a known state", i);
                  return FALSE;
                }
            }
        }
    }
  return TRUE;
}

/* Fault rows follow the devices: on for every module needing a faulty device, off otherwise. */
static gboolean
sync_fault_modules (TmConn  *conn,
                    gint64   terminal_id,
                    GError **error)
{
  return tm_x (conn, error, "DELETE FROM terminal_module WHERE terminal_id = ? AND reason = 'fault'"
               " AND module NOT IN (SELECT d.module FROM module_device d JOIN component_status c"
               " ON c.name = d.device WHERE c.terminal_id = ? AND c.status IN"
               " ('offline', 'hardware-error'))", TM_INT (terminal_id), TM_INT (terminal_id))
         && tm_x (conn, error, "INSERT INTO terminal_module (terminal_id, module, enabled, reason)"
                  " SELECT DISTINCT ?, d.module, 0, 'fault' FROM module_device d"
                  " JOIN component_status c ON c.name = d.device WHERE c.terminal_id = ?"
                  " AND c.status IN ('offline', 'hardware-error')"
                  " ON CONFLICT (terminal_id, module) DO NOTHING",
                  TM_INT (terminal_id), TM_INT (terminal_id));
}

static JsonNode *
heartbeat_answer (TmApp      *app,
                  gint64      now,
                  gboolean    locked,
                  TmRows     *commands,
                  GPtrArray  *modules)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, now);
  json_builder_set_member_name (b, "server_time_ms");
  json_builder_add_int_value (b, g_get_real_time () / 1000);
  json_builder_set_member_name (b, "interval");
  json_builder_add_int_value (b, app->config.heartbeat_interval);
  json_builder_set_member_name (b, "locked");
  json_builder_add_boolean_value (b, locked);
  json_builder_set_member_name (b, "commands");
  json_builder_begin_array (b);
  for (guint r = 0; commands != NULL && r < commands->n_rows; r++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, tm_rows_get_int (commands, r, 0));
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, tm_rows_get (commands, r, 1));
      json_builder_set_member_name (b, "arg");
      if (tm_rows_get (commands, r, 2))
        json_builder_add_string_value (b, tm_rows_get (commands, r, 2));
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "modules");
  json_builder_begin_object (b);
  for (guint r = 0; r < modules->len; r++)
    {
      const char *m = modules->pdata[r];

      json_builder_set_member_name (b, m[0] == '-' ? m + 1 : m);
      json_builder_add_boolean_value (b, m[0] != '-');
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
consumable_is_low (JsonObject  *o,
                   gint64       low,
                   gint64      *level,
                   const char **state)
{
  *level = json_object_get_int_member (o, "level");
  *state = json_object_get_string_member_with_default (o, "state", "unknown");
  return *level <= low || g_str_equal (*state, "low") || g_str_equal (*state, "out")
         || g_str_equal (*state, "jammed");
}

/* A steady heartbeat: the same component states and the same low/not-low consumables as the
 * last one that went the full way, no silent alarm to clear, nothing forgotten since. Its
 * facts go to the writer and the answer comes from memory; anything else returns NULL. */
static JsonNode *
heartbeat_steady (TmApp             *app,
                  const TmTerminal  *t,
                  JsonObject        *body,
                  const char        *version,
                  const char        *network,
                  const char        *ip,
                  gint64             now)
{
  gint64 max_age = tm_db_kind (app->db) == TM_DB_POSTGRESQL ? app->config.state_max_age : 0;
  g_autoptr(TmLiveTerminal) state = tm_live_heartbeat_state (app, t->id, now, max_age);
  g_autoptr(GPtrArray) levels = NULL;
  JsonNode *n;

  if (state == NULL || g_hash_table_contains (state->open_alarms, "terminal-silent/heartbeat"))
    return NULL;
  n = json_object_get_member (body, "components");
  for (guint i = 0; n != NULL && i < json_array_get_length (json_node_get_array (n)); i++)
    {
      JsonObject *o = json_array_get_object_element (json_node_get_array (n), i);

      if (g_strcmp0 (g_hash_table_lookup (state->components,
                                          json_object_get_string_member (o, "name")),
                     json_object_get_string_member (o, "status")) != 0)
        return NULL;
    }
  n = json_object_get_member (body, "consumables");
  if (n != NULL)
    {
      JsonArray *a = json_node_get_array (n);

      if (state->low_threshold < 0)
        return NULL;
      /* Borrowed from the body; the writer copies them. */
      levels = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonObject *o = json_array_get_object_element (a, i);
          const char *item = json_object_get_string_member (o, "item");
          g_autofree char *key = g_strconcat ("consumable-low/", item, NULL);
          TmLiveLevel l = { (char *) item, 0, NULL };

          if (consumable_is_low (o, state->low_threshold, &l.level, (const char **) &l.state)
              != g_hash_table_contains (state->open_alarms, key))
            return NULL;
          g_ptr_array_add (levels, g_memdup2 (&l, sizeof l));
        }
    }
  tm_live_write_beat (app, t->id, now, version, network, ip, levels);
  return heartbeat_answer (app, now, g_strcmp0 (state->status, "locked") == 0, NULL,
                           state->modules);
}

JsonNode *
tm_monitor_heartbeat (TmApp             *app,
                      const TmTerminal  *t,
                      JsonObject        *body,
                      const char        *ip,
                      GError           **error)
{
  g_autoptr(TmRows) threshold = NULL;
  g_autoptr(TmRows) commands = NULL;
  g_autoptr(TmRows) modules = NULL;
  g_autoptr(TmRows) status = NULL;
  g_autoptr(TmRows) open_alarms = NULL;
  g_autoptr(TmRows) known = NULL;
  g_autoptr(TmRows) open_after = NULL;
  g_autoptr(TmRows) known_after = NULL;
  g_autoptr(GHashTable) open_set = NULL;
  g_autoptr(GPtrArray) module_flags = NULL;
  g_autofree char *network = NULL;
  const char *version = NULL, *reason = NULL;
  const char *real_ip = g_hostname_is_ip_address (ip ? ip : "") ? ip : NULL;
  GError *db_error = NULL;
  gint64 now = tm_now (), low = 20;
  gboolean consumables_seen = FALSE, changed_any = FALSE;
  guint64 epoch;
  JsonNode *n;
  JsonNode *answer;
  TmConn *conn;
  gboolean ok;

  if (!validate_heartbeat (body, error))
    return NULL;
  tongban_json_get_string (body, "sw_version", FALSE, 64, &version, &reason);
  n = json_object_get_member (body, "network");
  if (n != NULL)
    network = json_to_string (n, FALSE);

  answer = heartbeat_steady (app, t, body, version, network, real_ip, now);
  if (answer != NULL)
    return answer;

  /* The full way: whatever this reads is cached only if nothing changed meanwhile. */
  epoch = tm_live_epoch (app);
  conn = tm_db_acquire (app->db);
  /* Read what is already known first, so a steady heartbeat (nothing changed) writes only
   * the terminal row: most of 20,000 kiosks are fine most of the time. */
  ok = tm_conn_begin (conn, &db_error);
  if (ok)
    {
      status = tm_q (conn, &db_error, "SELECT status, online FROM terminal WHERE id = ?",
                     TM_INT (t->id));
      open_alarms = tm_q (conn, &db_error, "SELECT kind || '/' || subject FROM alarm"
                          " WHERE terminal_id = ? AND cleared_at IS NULL", TM_INT (t->id));
      known = tm_q (conn, &db_error, "SELECT name, status FROM component_status"
                    " WHERE terminal_id = ?", TM_INT (t->id));
      ok = status != NULL && open_alarms != NULL && known != NULL && status->n_rows == 1;
    }
  if (ok)
    {
      open_set = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint r = 0; r < open_alarms->n_rows; r++)
        g_hash_table_add (open_set, (gpointer) tm_rows_get (open_alarms, r, 0));
      ok = tm_x (conn, &db_error, "UPDATE terminal SET last_seen = ?, online = 1, sw_version ="
                 " COALESCE (?, sw_version), network = COALESCE (?, network), ip = COALESCE (?, ip)"
                 " WHERE id = ?", TM_INT (now), TM_STR (version), TM_STR (network),
                 TM_STR (real_ip), TM_INT (t->id));
    }
  if (ok && g_hash_table_contains (open_set, "terminal-silent/heartbeat"))
    {
      ok = clear_alarm (app, conn, t, "terminal-silent", "heartbeat", &db_error);
      changed_any = TRUE;
      {
        JsonNode *data = event_data (t->number, "status", tm_rows_get (status, 0, 0), NULL);

        json_object_set_boolean_member (json_node_get_object (data), "online", TRUE);
        tm_events_emit (app, conn, "terminal.status", t->region_path, data);
      }
    }

  n = json_object_get_member (body, "components");
  if (ok && n != NULL)
    {
      JsonArray *a = json_node_get_array (n);
      gboolean changed = FALSE;

      for (guint i = 0; ok && i < json_array_get_length (a); i++)
        {
          JsonObject *o = json_array_get_object_element (a, i);
          const char *name = json_object_get_string_member (o, "name");
          const char *st = json_object_get_string_member (o, "status");
          g_autofree char *key = g_strconcat ("component-fault/", name, NULL);
          const char *before = NULL;

          for (guint r = 0; r < known->n_rows; r++)
            if (g_str_equal (tm_rows_get (known, r, 0), name))
              before = tm_rows_get (known, r, 1);
          if (g_strcmp0 (before, st) == 0)
            continue;
          changed = TRUE;
          /* updated_at: when the component last changed state. */
          ok = tm_x (conn, &db_error, "INSERT INTO component_status (terminal_id, name, status,"
                     " updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (terminal_id, name) DO UPDATE"
                     " SET status = excluded.status, updated_at = excluded.updated_at",
                     TM_INT (t->id), TM_STR (name), TM_STR (st), TM_INT (now));
          if (ok && g_strv_contains (fault_states, st))
            ok = raise_alarm (app, conn, t->id, t->number, t->region_path, "component-fault", name, st,
                              &db_error);
          else if (ok && g_hash_table_contains (open_set, key))
            ok = clear_alarm (app, conn, t, "component-fault", name, &db_error);
        }
      if (ok && changed)
        ok = sync_fault_modules (conn, t->id, &db_error);
      changed_any |= changed;
    }

  n = json_object_get_member (body, "consumables");
  if (ok && n != NULL)
    {
      JsonArray *a = json_node_get_array (n);

      threshold = tm_q (conn, &db_error, "SELECT threshold FROM alarm_rule"
                        " WHERE kind = 'consumable-low'");
      ok = threshold != NULL;
      consumables_seen = TRUE;
      if (ok && threshold->n_rows == 1)
        low = tm_rows_get_int (threshold, 0, 0);
      for (guint i = 0; ok && i < json_array_get_length (a); i++)
        {
          JsonObject *o = json_array_get_object_element (a, i);
          const char *item = json_object_get_string_member (o, "item");
          gint64 level;
          const char *st;
          gboolean is_low = consumable_is_low (o, low, &level, &st);
          g_autofree char *detail = g_strdup_printf ("level %" G_GINT64_FORMAT "%%, %s", level, st);

          ok = tm_x (conn, &db_error, "INSERT INTO consumable_level (terminal_id, item, level,"
                     " state, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (terminal_id, item)"
                     " DO UPDATE SET level = excluded.level, state = excluded.state,"
                     " updated_at = excluded.updated_at",
                     TM_INT (t->id), TM_STR (item), TM_INT (level), TM_STR (st), TM_INT (now));
          g_autofree char *key = g_strconcat ("consumable-low/", item, NULL);

          if (ok && is_low != g_hash_table_contains (open_set, key))
            changed_any = TRUE;
          if (ok && is_low && !g_hash_table_contains (open_set, key))
            ok = raise_alarm (app, conn, t->id, t->number, t->region_path, "consumable-low", item,
                              detail, &db_error);
          else if (ok && !is_low && g_hash_table_contains (open_set, key))
            ok = clear_alarm (app, conn, t, "consumable-low", item, &db_error);
        }
    }

  if (ok)
    {
      commands = tm_q (conn, &db_error, "UPDATE command SET state = 'delivered', delivered_at = ?"
                       " WHERE terminal_id = ? AND state = 'pending' RETURNING id, kind, arg",
                       TM_INT (now), TM_INT (t->id));
      ok = commands != NULL;
    }
  if (ok)
    {
      modules = tm_q (conn, &db_error, "SELECT d.module, MIN(COALESCE(m.enabled, 1))"
                      " FROM module_device d LEFT JOIN terminal_module m"
                      " ON m.module = d.module AND m.terminal_id = ? GROUP BY d.module"
                      " ORDER BY d.module", TM_INT (t->id));
      ok = modules != NULL;
    }
  /* What the next steady heartbeat compares with. */
  if (ok)
    {
      open_after = tm_q (conn, &db_error, "SELECT kind || '/' || subject FROM alarm"
                         " WHERE terminal_id = ? AND cleared_at IS NULL", TM_INT (t->id));
      known_after = tm_q (conn, &db_error, "SELECT name, status FROM component_status"
                          " WHERE terminal_id = ?", TM_INT (t->id));
      ok = open_after != NULL && known_after != NULL;
    }
  /* Another manager may have this terminal's old state in memory. */
  if (ok && changed_any)
    ok = tm_live_notify (conn, t->id, &db_error);
  if (ok)
    ok = tm_conn_commit (conn, &db_error);
  else
    tm_conn_rollback (conn);
  tm_db_release (app->db, conn);
  if (!ok)
    {
      tm_db_fail (error, db_error);
      return NULL;
    }

  module_flags = g_ptr_array_new_with_free_func (g_free);
  for (guint r = 0; r < modules->n_rows; r++)
    g_ptr_array_add (module_flags, g_strconcat (tm_rows_get_int (modules, r, 1) ? "" : "-",
                                                tm_rows_get (modules, r, 0), NULL));
  /* Pending commands are only in the database; delivered ones leave none behind, but the
   * next heartbeat checks again if some were delivered now. */
  if (commands->n_rows == 0)
    {
      g_autoptr(TmLiveTerminal) state = g_new0 (TmLiveTerminal, 1);

      state->id = t->id;
      state->status = g_strdup (tm_rows_get (status, 0, 0));
      state->state_at = now;
      state->low_threshold = consumables_seen ? low : -1;
      state->components = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      for (guint r = 0; r < known_after->n_rows; r++)
        g_hash_table_insert (state->components, g_strdup (tm_rows_get (known_after, r, 0)),
                             g_strdup (tm_rows_get (known_after, r, 1)));
      state->open_alarms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint r = 0; r < open_after->n_rows; r++)
        g_hash_table_add (state->open_alarms, g_strdup (tm_rows_get (open_after, r, 0)));
      state->modules = g_ptr_array_ref (module_flags);
      tm_live_heartbeat_state_put (app, epoch, state);
    }
  return heartbeat_answer (app, now, g_strcmp0 (tm_rows_get (status, 0, 0), "locked") == 0,
                           commands, module_flags);
}

void
tm_monitor_sweep (TmApp *app)
{
  g_autoptr(TmRows) rule = NULL;
  g_autoptr(TmRows) silent = NULL;
  g_autoptr(TmRows) stale = NULL;
  GError *db_error = NULL;
  gint64 now = tm_now (), beats = 3;
  TmConn *conn;

  /* The writer's pending "last seen" facts first, or a terminal that just came back would
   * look silent. */
  tm_live_flush (app);
  conn = tm_db_acquire (app->db);
  /* Replay protection only needs nonces younger than the accepted clock skew. */
  tm_x (conn, NULL, "DELETE FROM request_nonce WHERE seen_at < ?",
        TM_INT (now - 2 * app->config.clock_skew));

  rule = tm_q (conn, &db_error, "SELECT threshold FROM alarm_rule WHERE kind = 'terminal-silent'"
               " AND enabled = 1");
  if (rule != NULL && rule->n_rows == 1)
    beats = MAX (tm_rows_get_int (rule, 0, 0), 1);
  if (rule != NULL && rule->n_rows == 1)
    silent = tm_q (conn, &db_error, "SELECT t.id, t.number, r.path, t.status FROM terminal t"
                   " JOIN region r ON r.code = t.region_code WHERE t.online = 1"
                   " AND t.status IN ('active', 'locked') AND t.last_seen < ?",
                   TM_INT (now - beats * app->config.heartbeat_interval));
  for (guint i = 0; silent != NULL && i < silent->n_rows; i++)
    {
      gboolean ok = tm_conn_begin (conn, &db_error)
                    && tm_x (conn, &db_error, "UPDATE terminal SET online = 0 WHERE id = ?",
                             TM_INT (tm_rows_get_int (silent, i, 0)));

      if (ok)
        {
          JsonNode *data = event_data (tm_rows_get (silent, i, 1), "status",
                                       tm_rows_get (silent, i, 3), NULL);

          json_object_set_boolean_member (json_node_get_object (data), "online", FALSE);
          tm_events_emit (app, conn, "terminal.status", tm_rows_get (silent, i, 2), data);
        }
      ok = ok
                    && raise_alarm (app, conn, tm_rows_get_int (silent, i, 0),
                                    tm_rows_get (silent, i, 1),
                                    tm_rows_get (silent, i, 2), "terminal-silent", "heartbeat",
                                    "no heartbeat", &db_error)
                    && tm_live_notify (conn, tm_rows_get_int (silent, i, 0), &db_error)
                    && tm_conn_commit (conn, &db_error);
      if (!ok)
        tm_conn_rollback (conn);
      else
        tm_live_forget (app, tm_rows_get_int (silent, i, 0));
    }

  /* Escalation: an alarm nobody acknowledged within escalate_after goes to the maintainers of
   * the next wider region that has any (town → county → city → province / SAR), and again
   * after as long, until it is acknowledged or cleared or nobody wider is left. */
  stale = tm_q (conn, &db_error, "SELECT a.id, t.number, r.path, a.kind, a.subject, a.severity,"
                " a.notified_path FROM alarm a JOIN terminal t ON t.id = a.terminal_id"
                " JOIN region r ON r.code = t.region_code WHERE a.cleared_at IS NULL"
                " AND a.acked_at IS NULL AND a.notified_path IS NOT NULL"
                " AND a.notified_path <> '' AND a.notified_at < ?",
                TM_INT (now - app->config.escalate_after));
  for (guint i = 0; stale != NULL && i < stale->n_rows; i++)
    {
      g_autofree char *title = g_strdup_printf ("[Tongban ESCALATED %s] terminal %s: %s %s",
                                                tm_rows_get (stale, i, 5), tm_rows_get (stale, i, 1),
                                                tm_rows_get (stale, i, 3), tm_rows_get (stale, i, 4));
      g_autofree char *text = g_strdup_printf ("Not acknowledged in time by the maintainers of"
                                               " region %s.\n", tm_rows_get (stale, i, 6));
      g_autofree char *notified = NULL;
      gboolean ok = tm_conn_begin (conn, &db_error)
                    && queue_notifications (conn, tm_rows_get_int (stale, i, 0),
                                            tm_rows_get (stale, i, 2), tm_rows_get (stale, i, 6),
                                            title, text, &notified, &db_error)
                    && (*notified == '\0'
                        || tm_x (conn, &db_error, "UPDATE alarm SET escalated = escalated + 1"
                                 " WHERE id = ?", TM_INT (tm_rows_get_int (stale, i, 0))))
                    && tm_conn_commit (conn, &db_error);
      if (!ok)
        tm_conn_rollback (conn);
    }
  tm_db_release (app->db, conn);
  if (db_error != NULL)
    g_warning ("sweep: %s", db_error->message);
  g_clear_error (&db_error);
}

JsonNode *
tm_alarm_list (TmApp            *app,
               const TmAccount  *caller,
               gboolean          open_only,
               GError          **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(TmRows) rows = NULL;
  g_autofree char *like = g_strconcat (caller->region_path, "%", NULL);
  GError *db_error = NULL;
  TmConn *conn = tm_db_acquire (app->db);

  rows = tm_q (conn, &db_error, "SELECT a.id, t.number, a.kind, a.subject, a.severity, a.detail,"
               " a.raised_at, a.acked_at, a.acked_by, a.cleared_at, a.escalated FROM alarm a"
               " JOIN terminal t ON t.id = a.terminal_id JOIN region r ON r.code = t.region_code"
               " WHERE r.path LIKE ? AND (? = 0 OR a.cleared_at IS NULL) ORDER BY a.id DESC"
               " LIMIT 1000", TM_STR (like), TM_INT (open_only ? 1 : 0));
  tm_db_release (app->db, conn);
  if (rows == NULL)
    {
      tm_db_fail (error, db_error);
      return NULL;
    }
  json_builder_begin_array (b);
  for (guint r = 0; r < rows->n_rows; r++)
    {
      json_builder_begin_object (b);
      for (guint c = 0; c < rows->n_cols; c++)
        {
          const char *v = tm_rows_get (rows, r, c);

          json_builder_set_member_name (b, rows->names[c]);
          if (v == NULL)
            json_builder_add_null_value (b);
          else if (c == 0 || c == 6 || c == 7 || c == 9 || c == 10)
            json_builder_add_int_value (b, g_ascii_strtoll (v, NULL, 10));
          else
            json_builder_add_string_value (b, v);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

JsonNode *
tm_alarm_update (TmApp            *app,
                 const TmAccount  *caller,
                 gint64            id,
                 const char       *action,
                 GError          **error)
{
  g_autoptr(TmRows) rows = NULL;
  g_autofree char *like = g_strconcat (caller->region_path, "%", NULL);
  GError *db_error = NULL;
  gboolean ack = g_str_equal (action, "ack");
  TmConn *conn = tm_db_acquire (app->db);

  if (ack)
    rows = tm_q (conn, &db_error, "UPDATE alarm SET acked_at = ?, acked_by = ? WHERE id = ?"
                 " AND acked_at IS NULL AND terminal_id IN (SELECT t.id FROM terminal t"
                 " JOIN region r ON r.code = t.region_code WHERE r.path LIKE ?)"
                 " RETURNING id, terminal_id",
                 TM_INT (tm_now ()), TM_STR (caller->username), TM_INT (id), TM_STR (like));
  else
    rows = tm_q (conn, &db_error, "UPDATE alarm SET cleared_at = ? WHERE id = ?"
                 " AND cleared_at IS NULL AND terminal_id IN (SELECT t.id FROM terminal t"
                 " JOIN region r ON r.code = t.region_code WHERE r.path LIKE ?)"
                 " RETURNING id, terminal_id", TM_INT (tm_now ()), TM_INT (id), TM_STR (like));
  if (rows != NULL && rows->n_rows == 1)
    {
      g_autoptr(TmRows) who = tm_q (conn, NULL, "SELECT t.number, r.path, a.kind, a.subject"
                                    " FROM alarm a JOIN terminal t ON t.id = a.terminal_id"
                                    " JOIN region r ON r.code = t.region_code WHERE a.id = ?",
                                    TM_INT (id));

      if (who != NULL && who->n_rows == 1)
        {
          JsonNode *data = event_data (tm_rows_get (who, 0, 0), "kind", tm_rows_get (who, 0, 2),
                                       "subject", tm_rows_get (who, 0, 3), "by",
                                       caller->username, NULL);

          json_object_set_int_member (json_node_get_object (data), "id", id);
          tm_events_emit (app, conn, ack ? "alarm.acked" : "alarm.cleared",
                          tm_rows_get (who, 0, 1), data);
        }
    }
  /* A cleared alarm is raised again by the terminal's next report of the same fault. */
  if (!ack && rows != NULL && rows->n_rows == 1)
    tm_live_changed (app, conn, tm_rows_get_int (rows, 0, 1));
  tm_db_release (app->db, conn);
  if (rows == NULL)
    {
      tm_db_fail (error, db_error);
      return NULL;
    }
  if (rows->n_rows == 0)
    {
      tm_set_error (error, TONGBAN_CODE_NOT_FOUND, "id", "no such open alarm in your region");
      return NULL;
    }
  {
    g_autoptr(JsonBuilder) b = json_builder_new ();

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "id");
    json_builder_add_int_value (b, id);
    json_builder_set_member_name (b, ack ? "acknowledged" : "cleared");
    json_builder_add_boolean_value (b, TRUE);
    json_builder_end_object (b);
    return json_builder_get_root (b);
  }
}

JsonNode *
tm_maintainer_add (TmApp            *app,
                   const TmAccount  *caller,
                   JsonObject       *body,
                   GError          **error)
{
  static const char * const fields[] = { "name", "email", "phone", "region_code", NULL };
  const char *name, *email, *phone, *region, *reason = NULL, *bad = NULL;
  g_autoptr(TmRows) rows = NULL;
  g_autofree char *path = NULL;
  GError *db_error = NULL;
  TmConn *conn;

  if (!tongban_json_only_fields (body, fields, &bad))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, bad, "unknown field");
      return NULL;
    }
#define STR(f, req, max, out) \
  if (!tongban_json_get_string (body, f, req, max, out, &reason)) \
    { tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, f, "%s", reason); return NULL; }
  STR ("name", TRUE, 100, &name);
  STR ("email", FALSE, 200, &email);
  STR ("phone", FALSE, 20, &phone);
  STR ("region_code", TRUE, 9, &region);
#undef STR
  /* Addresses go into SMTP commands: no spaces, angle brackets or line breaks. */
  if (email != NULL && (strchr (email, '@') == NULL || strpbrk (email, " <>\r\n,;") != NULL))
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "email", "not an e-mail address");
      return NULL;
    }
  if (phone != NULL)
    for (const char *p = phone; *p; p++)
      if (!g_ascii_isdigit (*p) && !(p == phone && *p == '+'))
        {
          tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "phone", "digits, optionally after +");
          return NULL;
        }
  if (email == NULL && phone == NULL)
    {
      tm_set_error (error, TONGBAN_CODE_INVALID_FIELD, "email", "give an e-mail or a phone");
      return NULL;
    }
  conn = tm_db_acquire (app->db);
  path = tm_region_path_in_scope (conn, caller, region, "region_code", error);
  if (path == NULL)
    {
      tm_db_release (app->db, conn);
      return NULL;
    }
  rows = tm_q (conn, &db_error, "INSERT INTO maintainer (name, email, phone, region_code)"
               " VALUES (?, ?, ?, ?) RETURNING id", TM_STR (name), TM_STR (email), TM_STR (phone),
               TM_STR (region));
  tm_db_release (app->db, conn);
  if (rows == NULL)
    {
      tm_db_fail (error, db_error);
      return NULL;
    }
  {
    g_autoptr(JsonBuilder) b = json_builder_new ();

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "id");
    json_builder_add_int_value (b, tm_rows_get_int (rows, 0, 0));
    json_builder_end_object (b);
    return json_builder_get_root (b);
  }
}
