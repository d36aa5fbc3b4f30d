/* voice.c: how soon the kiosk speaks after a page change, and how soon it
 * falls silent after a touch — in the real window (Xvfb in CI)
 *
 * Audio goes to a fakesink that renders at the clock's pace, as a sound card
 * would. A page change is tongban_window_open() (what a tile's tap does):
 * timed to the first samples reaching the sink and to their rendering, so the
 * window's collection of the page's words and the synthesis are inside. A
 * touch is a real X button press injected with xdotool into the window
 * (through the kiosk's own event handler): timed to the engine's "stopped"
 * signal (emitted from the main loop after stop() has flushed the pipeline)
 * and to the end of the last audio rendered, from when the X server stamped the press and,
 * as an upper bound, from just before xdotool starts. A fakesink cannot cut a buffer short, so the latter is
 * an upper bound. Median and p95 over RUNS; never fails on a time (targets:
 * 150 ms and 100 ms).
 */

#include <gtk/gtk.h>
#include "speech-util.h"
#include "tongban-i18n.h"
#include "tongban-window.h"

#define RUNS 20

static const char *const categories[] = {
  "gd-social-insurance", "gd-housing-fund", "hk-tax", "mo-civil", "gd-online-affairs",
};

static int
compare (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
report (const char *what, double *ms, guint n)
{
  if (n == 0)
    {
      g_print ("%-46s no measurement\n", what);
      return;
    }
  qsort (ms, n, sizeof *ms, compare);
  g_print ("%-46s median %6.1f ms   p95 %6.1f ms   max %6.1f ms   (n=%u)\n", what,
           ms[n / 2], ms[(guint) ceil (0.95 * n) - 1], ms[n - 1], n);
}

static gboolean
has_first_render (Events *ev, gpointer data)
{
  gboolean done;

  g_mutex_lock (&ev->lock);
  done = !ev->want_first_render;
  g_mutex_unlock (&ev->lock);
  return done;
}

static gboolean
was_stopped (Events *ev, gpointer data)
{
  return ev->stopped > GPOINTER_TO_UINT (data);
}

static gint64 stopped_at;
static gint64 press_at;     /* when the X server stamped the click, monotonic µs; 0 if unknown */

/* The X server stamps events with its own millisecond clock, which on Linux
 * (Xorg, Xvfb) is CLOCK_MONOTONIC as g_get_monotonic_time() is: so the time
 * the click happened at the server is known, without xdotool's start-up. */
static gboolean
on_press (GtkEventControllerLegacy *controller,
          GdkEvent                 *event,
          gpointer                  data)
{
  if (gdk_event_get_event_type (event) == GDK_BUTTON_PRESS && press_at == 0)
    {
      gint64 now = g_get_monotonic_time ();
      guint32 ago = (guint32) (now / 1000) - gdk_event_get_time (event);

      press_at = ago < 1000 ? now - (gint64) ago * 1000 : -1;
    }
  return FALSE;
}

static void
on_stop_time (TongbanSpeech *speech, gpointer data)
{
  stopped_at = g_get_monotonic_time ();
}

int
main (int argc, char *argv[])
{
  g_autoptr(TongbanConfig) config = tongban_config_new ();
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) demo = NULL;
  g_autoptr(TongbanFileBackend) backend = NULL;
  g_autoptr(TongbanCatalog) catalog = NULL;
  double first[RUNS], render[RUNS], to_stop[RUNS], silence[RUNS];
  double press_stop[RUNS], press_silence[RUNS];
  guint n_first = 0, n_render = 0, n_silence = 0, n_press = 0;
  GtkEventController *controller;
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  TongbanSpeech *speech;
  TongbanWindow *window;
  Events ev;

  gtk_disable_setlocale ();
  tongban_i18n_init (g_getenv ("TONGBAN_LOCALEDIR"));
  gtk_init ();
  gst_init (&argc, &argv);
  gtk_css_provider_load_from_resource (css, RESOURCE_PREFIX "/ui/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  catalog = tongban_catalog_new_from_resource (RESOURCE_PREFIX "/catalog", &error);
  g_assert_no_error (error);
  demo = g_resources_lookup_data (RESOURCE_PREFIX "/demo/backend.json", 0, &error);
  g_assert_no_error (error);
  backend = tongban_file_backend_new_from_bytes (demo, &error);
  g_assert_no_error (error);

  events_init (&ev);
  speech = tongban_speech_new ("fakesink name=out sync=true signal-handoffs=true");
  if (tongban_speech_get_status (speech) != TONGBAN_SPEECH_STATUS_READY)
    {
      g_print ("voice: engine not ready (%s), nothing measured\n",
               tongban_speech_status_to_component (tongban_speech_get_status (speech)));
      g_object_unref (speech);
      events_clear (&ev);
      return 0;
    }
  connect_events (speech, &ev);
  tongban_speech_set_synth_hook (speech, NULL, NULL);
  g_signal_connect (speech, "stopped", G_CALLBACK (on_stop_time), NULL);

  window = tongban_window_new (NULL, config, catalog, TONGBAN_BACKEND (backend));
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  tongban_window_set_speech (window, speech);
  controller = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "event", G_CALLBACK (on_press), NULL);
  gtk_widget_add_controller (GTK_WIDGET (window), controller);

  /* First use of each voice loads its dictionary, once per process. */
  for (TongbanLanguage l = 0; l < TONGBAN_N_LANGUAGES; l++)
    {
      ev.n_first_samples = 0;
      tongban_speech_say (speech, "1", l, TONGBAN_SPEECH_PRIORITY_NORMAL);
      run_until (&ev, has_first_sample, GUINT_TO_POINTER (1), 3000);
      tongban_speech_stop (speech);
      run_for (&ev, 50);
    }

  for (guint run = 0; run < RUNS; run++)
    {
      gint64 changed, touched, last;
      guint stops = ev.stopped;

      g_mutex_lock (&ev.lock);
      ev.want_first_render = TRUE;
      g_mutex_unlock (&ev.lock);
      ev.n_first_samples = 0;
      changed = g_get_monotonic_time ();
      tongban_window_open (window, "category", categories[run % G_N_ELEMENTS (categories)]);
      if (run_until (&ev, has_first_sample, GUINT_TO_POINTER (1), 3000))
        first[n_first++] = (ev.first_sample - changed) / 1000.0;
      if (run_until (&ev, has_first_render, NULL, 3000))
        render[n_render++] = (ev.first_render - changed) / 1000.0;

      /* Mid-sentence, a touch on the footer (nothing there to press). */
      run_for (&ev, 300 + g_random_int_range (0, 300));
      if (xdotool == NULL)
        continue;
      stops = ev.stopped;
      press_at = 0;
      touched = g_get_monotonic_time ();
      {
        const char *click[] = { xdotool, "mousemove", "2", "1020", "click", "1", NULL };

        /* Not g_spawn_sync(): the window must go on handling events meanwhile. */
        g_spawn_async (NULL, (char **) click, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                       NULL, NULL);
      }
      if (!run_until (&ev, was_stopped, GUINT_TO_POINTER (stops), 2000))
        continue;
      run_for (&ev, 250);
      last = events_last_render (&ev, NULL);
      to_stop[n_silence] = (stopped_at - touched) / 1000.0;
      silence[n_silence++] = (MAX (stopped_at, last) - touched) / 1000.0;
      if (press_at > 0)
        {
          press_stop[n_press] = (stopped_at - press_at) / 1000.0;
          press_silence[n_press++] = (MAX (stopped_at, last) - press_at) / 1000.0;
        }
    }

  g_print ("voice guidance in the kiosk window: espeak-ng → GStreamer, clock-paced sink, "
           "%d page changes\n", RUNS);
  report ("page change → first sample at the sink", first, n_first);
  report ("page change → first sample rendered", render, n_render);
  if (xdotool == NULL)
    g_print ("touch: xdotool is missing (tools/debian-packages.txt), not measured\n");
  report ("xdotool started → \"stopped\" emitted", to_stop, n_silence);
  report ("xdotool started → end of last rendered audio", silence, n_silence);
  report ("touch at the X server → \"stopped\" emitted", press_stop, n_press);
  report ("touch at the X server → end of last audio", press_silence, n_press);
  g_print ("targets: first sample ≤ 150 ms, silence ≤ 100 ms\n");

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (speech);
  events_clear (&ev);
  return 0;
}
