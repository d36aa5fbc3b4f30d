/* bench-voice.c: how soon voice guidance starts after a page change, and how
 * soon it falls silent after a touch
 *
 * Audio goes to a fakesink that renders at the clock's pace, as a sound card
 * would (no sound card needed). A page change is a touch (stop()) followed by
 * say() of the new page's text; we time say() to the first buffer reaching the
 * sink and to the sink rendering it, and stop() to silence: the end of the
 * last buffer the sink rendered (a fakesink cannot cut a buffer short, so this
 * is an upper bound; a real sink's ring buffer is emptied by the flush, i.e.
 * when stop() returns, also printed). Median and p95 over RUNS; never fails on
 * a time (targets: 150 ms and 100 ms).
 */

#include "speech-util.h"

#define RUNS 20

static const char *const pages[] = {
  "请选择您要办理的业务。身份证、港澳通行证、社会保障卡。",
  "請選擇您要辦理的業務。身份證、港澳通行證、社會保障卡。",
  "Please choose the service you need: identity card, travel permit or social security.",
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
      g_print ("%-38s no measurement\n", what);
      return;
    }
  qsort (ms, n, sizeof *ms, compare);
  g_print ("%-38s median %6.1f ms   p95 %6.1f ms   max %6.1f ms   (n=%u)\n", what,
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

int
main (int argc, char *argv[])
{
  Events ev;
  TongbanSpeech *speech;
  double first[RUNS], render[RUNS], silence[RUNS], flushed[RUNS];
  guint n_first = 0, n_render = 0, n_silence = 0;

  gst_init (&argc, &argv);
  events_init (&ev);
  speech = tongban_speech_new ("fakesink name=out sync=true signal-handoffs=true");
  if (tongban_speech_get_status (speech) != TONGBAN_SPEECH_STATUS_READY)
    {
      g_print ("voice: engine not ready (status %d), nothing measured\n",
               tongban_speech_get_status (speech));
      g_object_unref (speech);
      events_clear (&ev);
      return 0;
    }
  connect_events (speech, &ev);

  /* One warm-up per voice: the first use of a voice loads its dictionary,
   * once per process; printed apart. */
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      gint64 said = g_get_monotonic_time ();

      ev.n_first_samples = 0;
      tongban_speech_say (speech, pages[i], i, TONGBAN_SPEECH_PRIORITY_NORMAL);
      if (run_until (&ev, has_first_sample, GUINT_TO_POINTER (1), 3000))
        g_print ("first use of voice %-16s say() → first sample %6.1f ms\n",
                 tongban_speech_voice_for (i), (ev.first_sample - said) / 1000.0);
      tongban_speech_stop (speech);
      run_for (&ev, 50);
    }

  for (guint run = 0; run < RUNS; run++)
    {
      /* Alternating languages: each page change also switches the voice. */
      TongbanLanguage language = run % G_N_ELEMENTS (pages);
      gint64 said, stopped, returned, last;

      g_mutex_lock (&ev.lock);
      ev.want_first_render = TRUE;
      g_mutex_unlock (&ev.lock);
      ev.n_first_samples = 0;
      said = g_get_monotonic_time ();
      tongban_speech_say (speech, pages[language], language, TONGBAN_SPEECH_PRIORITY_NORMAL);
      if (run_until (&ev, has_first_sample, GUINT_TO_POINTER (1), 3000))
        first[n_first++] = (ev.first_sample - said) / 1000.0;
      if (run_until (&ev, has_first_render, NULL, 3000))
        render[n_render++] = (ev.first_render - said) / 1000.0;

      /* Mid-sentence, a touch. */
      run_for (&ev, 300 + g_random_int_range (0, 300));
      stopped = g_get_monotonic_time ();
      tongban_speech_stop (speech);
      returned = g_get_monotonic_time ();
      run_for (&ev, 250);
      last = events_last_render (&ev, NULL);
      flushed[n_silence] = (returned - stopped) / 1000.0;
      silence[n_silence++] = (MAX (returned, last) - stopped) / 1000.0;
    }

  g_print ("voice guidance: espeak-ng → GStreamer, clock-paced sink, %d page changes\n", RUNS);
  report ("say() → first sample at the sink", first, n_first);
  report ("say() → first sample rendered", render, n_render);
  report ("stop() → pipeline flushed (returns)", flushed, n_silence);
  report ("stop() → end of last rendered audio", silence, n_silence);
  g_print ("targets: first sample ≤ 150 ms, silence ≤ 100 ms\n");

  g_assert_finalize_object (speech);
  events_clear (&ev);
  return 0;
}
