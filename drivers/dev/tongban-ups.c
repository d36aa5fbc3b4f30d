/* tongban-ups.c: NUT client polling ups.status
 *
 * upsd answers "ERR DATA-STALE" or "ERR DRIVER-NOT-CONNECTED" when it has
 * lost its UPS: that is the UPS being unknown, not upsd being gone, so the
 * device goes offline but keeps its connection.
 */

#include "tongban-ups.h"
#include "tongban-link.h"

#include <string.h>

#define REPLY_TIMEOUT_MS 2000
#define MAX_LINE         512

struct _TongbanUps
{
  TongbanLinkDevice parent_instance;

  char          *ups;
  gint           flags;     /* atomic; 0 until known */
  gboolean       told_unknown; /* worker thread only: logged once per episode */
};

enum {
  PROP_0,
  PROP_UPS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TongbanUps, tongban_ups, TONGBAN_TYPE_LINK_DEVICE)

static TongbanLink *
link_of (TongbanUps *self)
{
  return tongban_link_device_get_link (TONGBAN_LINK_DEVICE (self));
}

static char *
read_line (TongbanUps    *self,
           gint64         deadline,
           GCancellable  *cancellable,
           GError       **error)
{
  GByteArray *input = tongban_link_device_get_input (TONGBAN_LINK_DEVICE (self));

  for (;;)
    {
      guint8 chunk[256];
      guint8 *nl = input->len > 0 ? memchr (input->data, '\n', input->len) : NULL;
      gssize n;

      if (nl != NULL)
        {
          gsize len = nl - input->data;
          char *line = g_strndup ((const char *) input->data, len);

          g_byte_array_remove_range (input, 0, len + 1);
          return line;
        }
      if (input->len > MAX_LINE)
        {
          g_message ("ups: line longer than %d bytes from upsd", MAX_LINE);
          g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
                               "line too long");
          return NULL;
        }
      n = tongban_link_read (link_of (self), chunk, sizeof chunk, deadline, cancellable, error);
      if (n < 0)
        return NULL;
      g_byte_array_append (input, chunk, n);
    }
}

static void
apply_flags (TongbanUps *self,
             guint       flags,
             const char *status)
{
  TongbanDevice *dev = TONGBAN_DEVICE (self);
  guint old = (guint) g_atomic_int_get (&self->flags);
  guint power = TONGBAN_UPS_OL | TONGBAN_UPS_OB | TONGBAN_UPS_LB;

  if ((flags & TONGBAN_UPS_UNKNOWN) && !self->told_unknown)
    g_message ("ups: unknown word in ups.status");
  self->told_unknown = (flags & TONGBAN_UPS_UNKNOWN) != 0;
  /* Only unknown words: keep what we knew. */
  if ((flags & ~(guint) TONGBAN_UPS_UNKNOWN) == 0)
    return;

  g_atomic_int_set (&self->flags, (gint) flags);
  tongban_device_set_supply (dev, "battery",
                             flags & TONGBAN_UPS_LB ? TONGBAN_SUPPLY_LOW : TONGBAN_SUPPLY_FULL);
  tongban_device_set_state (dev, TONGBAN_DEVICE_STATE_ONLINE);
  if ((old & power) == (flags & power))
    return;
  if ((flags & TONGBAN_UPS_LB) && !(old & TONGBAN_UPS_LB))
    tongban_device_emit_event (dev, "low-battery", g_variant_new_string (status));
  else if ((flags & TONGBAN_UPS_OB) && !(old & TONGBAN_UPS_OB))
    tongban_device_emit_event (dev, "on-battery", g_variant_new_string (status));
  else if ((flags & TONGBAN_UPS_OL) && (old & TONGBAN_UPS_OB))
    tongban_device_emit_event (dev, "on-line", g_variant_new_string (status));
}

static gboolean
query_status (TongbanUps    *self,
              GCancellable  *cancellable,
              GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + REPLY_TIMEOUT_MS * 1000;
  g_autofree char *command = tongban_nut_command ("GET VAR", self->ups, "ups.status");
  g_autofree char *line = NULL;
  g_auto(TongbanNutLine) reply = { 0 };
  g_autoptr(GError) local = NULL;

  if (command == NULL)
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
                   "invalid UPS name");
      return FALSE;
    }
  if (!tongban_link_write_all (link_of (self), (const guint8 *) command, strlen (command),
                               deadline, cancellable, error))
    return FALSE;
  line = read_line (self, deadline, cancellable, error);
  if (line == NULL)
    return FALSE;
  if (!tongban_nut_parse_line (line, strlen (line), &reply, &local) ||
      (reply.kind == TONGBAN_NUT_LINE_VAR && g_strcmp0 (reply.name, "ups.status") != 0))
    {
      g_message ("ups: invalid reply from upsd (%s)", local ? local->message : "another variable");
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
                           "invalid reply from upsd");
      return FALSE;
    }
  if (reply.kind == TONGBAN_NUT_LINE_ERR)
    {
      g_debug ("ups: upsd says %s", reply.name);
      tongban_device_set_state (TONGBAN_DEVICE (self), TONGBAN_DEVICE_STATE_OFFLINE);
      return TRUE;
    }
  if (reply.kind != TONGBAN_NUT_LINE_VAR)
    {
      g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
                           "unexpected reply from upsd");
      return FALSE;
    }
  apply_flags (self, tongban_nut_parse_status (reply.value), reply.value);
  return TRUE;
}

guint
tongban_ups_get_flags (TongbanUps *self)
{
  g_return_val_if_fail (TONGBAN_IS_UPS (self), 0);
  return (guint) g_atomic_int_get (&self->flags);
}

static gboolean
tongban_ups_opened (TongbanLinkDevice  *device,
                    gint64              deadline,
                    GCancellable       *cancellable,
                    GError            **error)
{
  return query_status (TONGBAN_UPS (device), cancellable, error);
}

static gboolean
tongban_ups_poll (TongbanDevice  *device,
                  GCancellable   *cancellable,
                  GError        **error)
{
  return query_status (TONGBAN_UPS (device), cancellable, error);
}

static void
tongban_ups_finalize (GObject *object)
{
  TongbanUps *self = TONGBAN_UPS (object);

  g_free (self->ups);

  G_OBJECT_CLASS (tongban_ups_parent_class)->finalize (object);
}

static void
tongban_ups_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  TongbanUps *self = TONGBAN_UPS (object);

  switch (prop_id)
    {
    case PROP_UPS:
      g_free (self->ups);
      self->ups = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_ups_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TongbanUps *self = TONGBAN_UPS (object);

  switch (prop_id)
    {
    case PROP_UPS:
      g_value_set_string (value, self->ups);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_ups_class_init (TongbanUpsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TongbanDeviceClass *device_class = TONGBAN_DEVICE_CLASS (klass);

  object_class->finalize = tongban_ups_finalize;
  object_class->set_property = tongban_ups_set_property;
  object_class->get_property = tongban_ups_get_property;
  TONGBAN_LINK_DEVICE_CLASS (klass)->open_timeout_ms = REPLY_TIMEOUT_MS;
  TONGBAN_LINK_DEVICE_CLASS (klass)->opened = tongban_ups_opened;
  device_class->poll = tongban_ups_poll;

  properties[PROP_UPS] =
    g_param_spec_string ("ups", NULL, NULL, "ups",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tongban_ups_init (TongbanUps *self)
{
}

TongbanUps *
tongban_ups_new (const char *name,
                 const char *link,
                 const char *ups)
{
  /* upsd's own port on this machine unless told otherwise. */
  return g_object_new (TONGBAN_TYPE_UPS, "name", name, "link", link ? link : "tcp:127.0.0.1:3493",
                       "ups", ups, "poll-interval", 1000, NULL);
}
