/* tongban-maintenance-overlay.c: out-of-service cover and maintainer sign-in */

#include "tongban-maintenance-overlay.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include "tongban-i18n.h"
#include "tongban-pin-pad.h"
#include "tongban-devices.h"
#include "tongban-secret-hash.h"
#include "tongban-tr.h"

struct _TongbanMaintenanceOverlay
{
  GtkWidget      parent_instance;

  GtkBox        *messages;
  GtkWidget     *sign_in_button;
  GtkWidget     *pin_area;
  TongbanPinPad *pin_pad;
  GtkLabel      *status;
  GtkWidget     *menu_area;
  GtkBox        *report;
  TongbanDevices *devices;
  TongbanSpeech  *speech;

  GtkLabel      *titles[TONGBAN_N_LANGUAGES];
  GtkLabel      *texts[TONGBAN_N_LANGUAGES];

  char          *pin_hash;
  guint          max_attempts;
  guint          lockout_s;
  guint          failures;
  gint64         locked_until;  /* monotonic µs */
  GCancellable  *cancellable;
  gboolean       busy;
};

enum {
  UNLOCKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TongbanMaintenanceOverlay, tongban_maintenance_overlay, GTK_TYPE_WIDGET)

static const char *title_msgid = N_("Out of service");
/* Translators: on the full-screen cover while the kiosk is locked or serviced;
 * it is shown in all three languages at once. */
static const char *text_msgid = N_("This kiosk is being serviced. Please use another kiosk "
                                   "or go to a service counter.");

void
tongban_maintenance_overlay_retranslate (TongbanMaintenanceOverlay *self)
{
  g_return_if_fail (TONGBAN_IS_MAINTENANCE_OVERLAY (self));

  for (guint i = 0; i < TONGBAN_N_LANGUAGES; i++)
    {
      gtk_label_set_label (self->titles[i], tongban_i18n_translate_in (i, title_msgid));
      gtk_label_set_label (self->texts[i], tongban_i18n_translate_in (i, text_msgid));
    }
}

void
tongban_maintenance_overlay_configure (TongbanMaintenanceOverlay *self,
                                       const char                *pin_hash,
                                       guint                      max_attempts,
                                       guint                      lockout_s)
{
  g_return_if_fail (TONGBAN_IS_MAINTENANCE_OVERLAY (self));
  g_return_if_fail (pin_hash != NULL);

  g_free (self->pin_hash);
  self->pin_hash = g_strdup (pin_hash);
  self->max_attempts = MAX (max_attempts, 1);
  self->lockout_s = lockout_s;
}

static void
set_status (TongbanMaintenanceOverlay *self,
            const char                *msgid)
{
  if (msgid == NULL)
    {
      tongban_tr_label (self->status, NULL);
      gtk_label_set_label (self->status, "");
    }
  else
    tongban_tr_label (self->status, msgid);
}

void
tongban_maintenance_overlay_reset (TongbanMaintenanceOverlay *self)
{
  g_return_if_fail (TONGBAN_IS_MAINTENANCE_OVERLAY (self));

  tongban_pin_pad_clear (self->pin_pad);
  set_status (self, NULL);
  gtk_widget_set_visible (self->pin_area, FALSE);
  gtk_widget_set_visible (self->menu_area, FALSE);
  gtk_widget_set_visible (self->sign_in_button, TRUE);
}

/* After the PIN: the self-test's result, live, and the way back to service. */
static void
show_report (TongbanMaintenanceOverlay *self)
{
  g_auto(GStrv) lines = self->devices ? tongban_devices_dup_report (self->devices) : NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->report))))
    gtk_box_remove (self->report, child);
  if (self->speech != NULL)
    {
      TongbanSpeechStatus status = tongban_speech_get_status (self->speech);
      g_autofree char *voice = g_strdup_printf ("voice: %s%s",
                                                tongban_speech_status_to_component (status),
                                                status == TONGBAN_SPEECH_STATUS_NO_AUDIO
                                                  ? " (no audio output)"
                                                  : status == TONGBAN_SPEECH_STATUS_NO_VOICE
                                                  ? " (an espeak-ng voice is missing)" : "");
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      if (lines)
        g_strv_builder_addv (builder, (const char **) lines);
      g_strv_builder_add (builder, voice);
      g_strfreev (lines);
      lines = g_strv_builder_end (builder);
    }
  for (guint i = 0; lines && lines[i]; i++)
    {
      GtkWidget *label = gtk_label_new (lines[i]);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, TONGBAN_TR_FIXED_CLASS);
      gtk_widget_add_css_class (label, "report-line");
      gtk_box_append (self->report, label);
    }
}

static void
on_devices_changed (TongbanDevices            *devices,
                    TongbanMaintenanceOverlay *self)
{
  if (gtk_widget_get_visible (self->menu_area))
    show_report (self);
}

void
tongban_maintenance_overlay_set_devices (TongbanMaintenanceOverlay *self,
                                         TongbanDevices            *devices)
{
  g_return_if_fail (TONGBAN_IS_MAINTENANCE_OVERLAY (self));

  if (self->devices)
    g_signal_handlers_disconnect_by_data (self->devices, self);
  g_set_object (&self->devices, devices);
  if (devices)
    g_signal_connect (devices, "changed", G_CALLBACK (on_devices_changed), self);
}

/* For the maintainer's report: the voice's state beside the devices'. */
void
tongban_maintenance_overlay_set_speech (TongbanMaintenanceOverlay *self,
                                        TongbanSpeech             *speech)
{
  g_return_if_fail (TONGBAN_IS_MAINTENANCE_OVERLAY (self));
  g_set_object (&self->speech, speech);
}

static void
on_resume_clicked (TongbanMaintenanceOverlay *self)
{
  tongban_maintenance_overlay_reset (self);
  g_signal_emit (self, signals[UNLOCKED], 0);
}

static void
on_relock_clicked (TongbanMaintenanceOverlay *self)
{
  tongban_maintenance_overlay_reset (self);
}

void
tongban_maintenance_overlay_open_sign_in (TongbanMaintenanceOverlay *self)
{
  g_return_if_fail (TONGBAN_IS_MAINTENANCE_OVERLAY (self));

  gtk_widget_set_visible (self->sign_in_button, FALSE);
  gtk_widget_set_visible (self->pin_area, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->pin_pad));
}

static void
on_sign_in_clicked (TongbanMaintenanceOverlay *self)
{
  tongban_maintenance_overlay_open_sign_in (self);
}

static void
on_cancel_clicked (TongbanMaintenanceOverlay *self)
{
  tongban_maintenance_overlay_reset (self);
}

static void
verify_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  char **pair = task_data;  /* { hash, pin } */
  gboolean ok = tongban_secret_hash_verify (pair[0], pair[1], NULL);

  g_task_return_boolean (task, ok);
}

static void
wipe_pair (gpointer data)
{
  char **pair = data;

  explicit_bzero (pair[1], strlen (pair[1]));
  g_strfreev (pair);
}

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  TongbanMaintenanceOverlay *self = TONGBAN_MAINTENANCE_OVERLAY (source);
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->busy = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->pin_pad), TRUE);
  tongban_pin_pad_clear (self->pin_pad);

  if (ok)
    {
      self->failures = 0;
      set_status (self, NULL);
      gtk_widget_set_visible (self->pin_area, FALSE);
      show_report (self);
      gtk_widget_set_visible (self->menu_area, TRUE);
      return;
    }

  self->failures++;
  if (self->failures >= self->max_attempts)
    {
      self->failures = 0;
      self->locked_until = g_get_monotonic_time () + (gint64) self->lockout_s * G_USEC_PER_SEC;
      set_status (self, N_("Too many wrong PINs. Sign-in is blocked for a while; "
                           "try again later."));
    }
  else
    set_status (self, N_("That PIN is not right. Try again."));
}

void
tongban_maintenance_overlay_submit (TongbanMaintenanceOverlay *self)
{
  g_autoptr(GTask) task = NULL;
  char **pair;

  g_return_if_fail (TONGBAN_IS_MAINTENANCE_OVERLAY (self));

  if (self->busy || tongban_pin_pad_get_length (self->pin_pad) == 0)
    return;

  if (g_get_monotonic_time () < self->locked_until)
    {
      tongban_pin_pad_clear (self->pin_pad);
      set_status (self, N_("Too many wrong PINs. Sign-in is blocked for a while; "
                           "try again later."));
      return;
    }

  pair = g_new0 (char *, 3);
  pair[0] = g_strdup (self->pin_hash);
  pair[1] = g_strdup (tongban_pin_pad_peek (self->pin_pad));
  tongban_pin_pad_clear (self->pin_pad);

  self->busy = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->pin_pad), FALSE);
  set_status (self, N_("Checking…"));

  task = g_task_new (self, self->cancellable, on_verified, NULL);
  g_task_set_source_tag (task, tongban_maintenance_overlay_submit);
  g_task_set_task_data (task, pair, wipe_pair);
  g_task_run_in_thread (task, verify_in_thread);
}

void
tongban_maintenance_overlay_press (TongbanMaintenanceOverlay *self,
                                   const char                *key)
{
  g_return_if_fail (TONGBAN_IS_MAINTENANCE_OVERLAY (self));
  tongban_pin_pad_press (self->pin_pad, key);
}

GtkWidget *
tongban_maintenance_overlay_get_pin_pad (TongbanMaintenanceOverlay *self)
{
  g_return_val_if_fail (TONGBAN_IS_MAINTENANCE_OVERLAY (self), NULL);
  return GTK_WIDGET (self->pin_pad);
}

gboolean
tongban_maintenance_overlay_get_busy (TongbanMaintenanceOverlay *self)
{
  g_return_val_if_fail (TONGBAN_IS_MAINTENANCE_OVERLAY (self), FALSE);
  return self->busy;
}

const char *
tongban_maintenance_overlay_get_status (TongbanMaintenanceOverlay *self)
{
  g_return_val_if_fail (TONGBAN_IS_MAINTENANCE_OVERLAY (self), NULL);
  return tongban_tr_get_msgid (self->status);
}

static void
on_pin_submitted (TongbanMaintenanceOverlay *self)
{
  tongban_maintenance_overlay_submit (self);
}

static void
tongban_maintenance_overlay_dispose (GObject *object)
{
  TongbanMaintenanceOverlay *self = TONGBAN_MAINTENANCE_OVERLAY (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->devices)
    g_signal_handlers_disconnect_by_data (self->devices, self);
  g_clear_object (&self->devices);
  g_clear_object (&self->speech);
  gtk_widget_dispose_template (GTK_WIDGET (object), TONGBAN_TYPE_MAINTENANCE_OVERLAY);
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
      gtk_widget_unparent (child);
  }
  G_OBJECT_CLASS (tongban_maintenance_overlay_parent_class)->dispose (object);
}

static void
tongban_maintenance_overlay_finalize (GObject *object)
{
  TongbanMaintenanceOverlay *self = TONGBAN_MAINTENANCE_OVERLAY (object);

  g_free (self->pin_hash);
  G_OBJECT_CLASS (tongban_maintenance_overlay_parent_class)->finalize (object);
}

static void
tongban_maintenance_overlay_class_init (TongbanMaintenanceOverlayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tongban_maintenance_overlay_dispose;
  object_class->finalize = tongban_maintenance_overlay_finalize;

  signals[UNLOCKED] = g_signal_new ("unlocked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (TONGBAN_TYPE_PIN_PAD);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX
                                               "/ui/tongban-maintenance-overlay.ui");
  gtk_widget_class_bind_template_child (widget_class, TongbanMaintenanceOverlay, messages);
  gtk_widget_class_bind_template_child (widget_class, TongbanMaintenanceOverlay, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, TongbanMaintenanceOverlay, pin_area);
  gtk_widget_class_bind_template_child (widget_class, TongbanMaintenanceOverlay, pin_pad);
  gtk_widget_class_bind_template_child (widget_class, TongbanMaintenanceOverlay, status);
  gtk_widget_class_bind_template_child (widget_class, TongbanMaintenanceOverlay, menu_area);
  gtk_widget_class_bind_template_child (widget_class, TongbanMaintenanceOverlay, report);
  gtk_widget_class_bind_template_callback (widget_class, on_resume_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_relock_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_pin_submitted);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "maintenance");
}

static void
tongban_maintenance_overlay_init (TongbanMaintenanceOverlay *self)
{
  static const char *lang_class[] = { "lang-zh-cn", "lang-zh-hk", "lang-en" };

  self->cancellable = g_cancellable_new ();
  self->max_attempts = 5;
  self->lockout_s = 300;

  gtk_widget_init_template (GTK_WIDGET (self));
  tongban_tr_capture (GTK_WIDGET (self));

  for (guint i = 0; i < TONGBAN_N_LANGUAGES; i++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

      self->titles[i] = GTK_LABEL (gtk_label_new (NULL));
      self->texts[i] = GTK_LABEL (gtk_label_new (NULL));
      gtk_widget_add_css_class (GTK_WIDGET (self->titles[i]), "maintenance-title");
      gtk_widget_add_css_class (GTK_WIDGET (self->texts[i]), "maintenance-text");
      gtk_label_set_wrap (self->texts[i], TRUE);
      gtk_label_set_justify (self->texts[i], GTK_JUSTIFY_CENTER);
      gtk_label_set_max_width_chars (self->texts[i], 50);
      gtk_widget_add_css_class (box, lang_class[i]);
      gtk_widget_add_css_class (GTK_WIDGET (self->titles[i]), TONGBAN_TR_FIXED_CLASS);
      gtk_widget_add_css_class (GTK_WIDGET (self->texts[i]), TONGBAN_TR_FIXED_CLASS);
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->titles[i]));
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->texts[i]));
      gtk_box_append (self->messages, box);
    }
  tongban_maintenance_overlay_retranslate (self);
}
