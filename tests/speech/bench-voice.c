/* bench-voice.c: how soon voice guidance starts after a page change, and how
 * soon it falls silent after a touch
 *
 * Audio goes to a fakesink that renders at the clock's pace, as a sound card
 * would (no sound card needed). "First sample" is when the first buffer of the
 * page's text reaches the sink; "rendered" is when the sink renders it. Silence
 * is the last buffer the sink renders after stop(). Prints median and p95 of
 * each; never fails on a time (targets: 150 ms and 100 ms).
 */

#include <math.h>

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
  qsort (ms, n, sizeof *ms, compare);
  g_print ("%-34s median %6.1f ms   p95 %6.1f ms   max %6.1f ms   (n=%u)\n", what,
           ms[n / 2], ms[(guint) ceil (0.95 * n) - 1], ms[n - 1], n);
}

static gboolean
rendered_since (Events *ev, gpointer data)
{
  guint n;

  events_last_render (ev, &n);
  return n > GPOINTER_TO_UINT (data);
}

int
main (int argc, char *argv[])
{
  Events ev;
  TongbanSpeech *speech;
  double first[RUNS], render[RUNS], silence[RUNS];
  guint n_first = 0, n_render = 0, n_silence = 0;

  gst_init (&argc, &argv);
  events_init (&ev);
  speech = tongban_speech_new ("fakesink name=out sync=true signal-handoffs=true");
  if (tongban_speech_get_status (speech) != TONGBAN_SPEECH_STATUS_READY)
    {
      g_print ("voice: engine not ready (status %d), nothing measured\n",
               tongban_speech_get_status (speech));
      return 0;
    }
  connect_events (speech, &ev);

  /* One warm-up per voice: the first use of a voice loads its dictionary. */
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      tongban_speech_say (speech, pages[i], i, TONGBAN_SPEECH_PRIORITY_NORMAL);
      run_until (&ev, has_first_sample, GUINT_TO_POINTER (i + 1), 3000);
      tongban_speech_stop (speech);
      run_for (&ev, 50);
    }

  for (guint run = 0; run < RUNS; run++)
    {
      TongbanLanguage language = run % G_N_ELEMENTS (pages);
      guint renders_before, renders;
      gint64 said, stopped, last;

      /* A page change: the touch stops what was playing, the new page speaks. */
      events_last_render (&ev, &renders_before);
      ev.n_first_samples = 0;
      said = g_get_monotonic_time ();
      tongban_speech_say (speech, pages[language], language, TONGBAN_SPEECH_PRIORITY_NORMAL);
      if (run_until (&ev, has_first_sample, GUINT_TO_POINTER (1), 3000))
        first[n_first++] = (ev.first_sample - said) / 1000.0;
      run_until (&ev, rendered_since, GUINT_TO_POINTER (renders_before), 3000);

      run_for (&ev, 400);
      stopped = g_get_monotonic_time ();
      tongban_speech_stop (speech);
      run_for (&ev, 300);
      last = events_last_render (&ev, &renders);
      silence[n_silence++] = MAX (0, last - stopped) / 1000.0;
    }

  /* Time to the first rendered buffer. */
  for (guint run = 0; run < RUNS; run++)
    {
      TongbanLanguage language = run % G_N_ELEMENTS (pages);
      guint before, n;
      gint64 said, deadline;

      events_last_render (&ev, &before);
      said = g_get_monotonic_time ();
      tongban_speech_say (speech, pages[language], language, TONGBAN_SPEECH_PRIORITY_NORMAL);
      deadline = said + 3 * G_USEC_PER_SEC;
      for (;;)
        {
          g_mutex_lock (&ev.lock);
          n = ev.n_renders;
          g_mutex_unlock (&ev.lock);
          if (n > before)
            break;
          if (g_get_monotonic_time () > deadline)
            break;
          g_usleep (200);
        }
      /* Polled every 0.2 ms, off the main loop, so no signal's trip counts. */
      if (n > before)
        render[n_render++] = (g_get_monotonic_time () - said) / 1000.0;
      tongban_speech_stop (speech);
      run_for (&ev, 100);
    }

  g_print ("voice guidance, espeak-ng → GStreamer, clock-paced sink, %d runs\n", RUNS);
  if (n_first > 0)
    report ("say() → first sample at sink", first, n_first);
  if (n_render > 0)
    report ("say() → first buffer rendered", render, n_render);
  if (n_silence > 0)
    report ("stop() → last buffer rendered", silence, n_silence);
  g_print ("targets: first sample ≤ 150 ms, silence ≤ 100 ms\n");

  g_assert_finalize_object (speech);
  events_clear (&ev);
  return 0;
}
