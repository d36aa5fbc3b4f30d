/* speech-util.h: shared by the speech tests and the voice benchmark — waiting
 * on the engine's signals, reading back the WAV it wrote, and measuring it.
 */
#pragma once

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <math.h>
#include <string.h>
#include "tongban-speech.h"

typedef struct
{
  GMutex     lock;
  GPtrArray *synth;        /* SynthRecord*, what espeak-ng was handed */
  GArray    *started;      /* guint ids, in order */
  GArray    *finished;
  GArray    *cancelled;
  guint      stopped;
  gint64     first_sample; /* monotonic µs of the latest first-sample */
  guint      n_first_samples;
  /* handoffs of a "fakesink name=out signal-handoffs=true": when audio was rendered */
  gint64     last_render;
  gint64     last_render_end;   /* last_render + that buffer's duration */
  gboolean   want_first_render;
  gint64     first_render;      /* the first render after want_first_render was set */
  guint      n_renders;
} Events;

typedef struct
{
  char             *voice_language;
  char             *voice_identifier;
  TongbanSpeechKind kind;
  char             *text;
} SynthRecord;

G_GNUC_UNUSED static void
synth_record_free (SynthRecord *r)
{
  g_free (r->voice_language);
  g_free (r->voice_identifier);
  g_free (r->text);
  g_free (r);
}

G_GNUC_UNUSED static void
on_synth (const char       *voice_language,
          const char       *voice_identifier,
          TongbanSpeechKind kind,
          const char       *text,
          gpointer          data)
{
  Events *ev = data;
  SynthRecord *r = g_new0 (SynthRecord, 1);

  r->voice_language = g_strdup (voice_language);
  r->voice_identifier = g_strdup (voice_identifier);
  r->kind = kind;
  r->text = g_strdup (text);
  g_mutex_lock (&ev->lock);
  g_ptr_array_add (ev->synth, r);
  g_mutex_unlock (&ev->lock);
}

G_GNUC_UNUSED static void
on_started (TongbanSpeech *speech, guint id, Events *ev)
{
  g_array_append_val (ev->started, id);
}

G_GNUC_UNUSED static void
on_finished (TongbanSpeech *speech, guint id, Events *ev)
{
  g_array_append_val (ev->finished, id);
}

G_GNUC_UNUSED static void
on_cancelled (TongbanSpeech *speech, guint id, Events *ev)
{
  g_array_append_val (ev->cancelled, id);
}

G_GNUC_UNUSED static void
on_stopped (TongbanSpeech *speech, Events *ev)
{
  ev->stopped++;
}

G_GNUC_UNUSED static void
on_first_sample (TongbanSpeech *speech, guint id, gint64 when, Events *ev)
{
  ev->first_sample = when;
  ev->n_first_samples++;
}

G_GNUC_UNUSED static void
on_handoff (GstElement *sink, GstBuffer *buffer, GstPad *pad, Events *ev)
{
  g_mutex_lock (&ev->lock);
  ev->last_render = g_get_monotonic_time ();
  ev->last_render_end = ev->last_render;
  if (GST_BUFFER_DURATION_IS_VALID (buffer))
    ev->last_render_end += GST_BUFFER_DURATION (buffer) / GST_USECOND;
  ev->n_renders++;
  if (ev->want_first_render)
    {
      ev->want_first_render = FALSE;
      ev->first_render = ev->last_render;
    }
  g_mutex_unlock (&ev->lock);
}

G_GNUC_UNUSED static void
events_init (Events *ev)
{
  memset (ev, 0, sizeof *ev);
  g_mutex_init (&ev->lock);
  ev->synth = g_ptr_array_new_with_free_func ((GDestroyNotify) synth_record_free);
  ev->started = g_array_new (FALSE, FALSE, sizeof (guint));
  ev->finished = g_array_new (FALSE, FALSE, sizeof (guint));
  ev->cancelled = g_array_new (FALSE, FALSE, sizeof (guint));
}

G_GNUC_UNUSED static void
events_clear (Events *ev)
{
  g_ptr_array_unref (ev->synth);
  g_array_unref (ev->started);
  g_array_unref (ev->finished);
  g_array_unref (ev->cancelled);
  g_mutex_clear (&ev->lock);
}


/* When the last rendered buffer ends: its audio plays until then. */
G_GNUC_UNUSED static gint64
events_last_render (Events *ev, guint *n_renders)
{
  gint64 t;

  g_mutex_lock (&ev->lock);
  t = ev->last_render_end;
  if (n_renders)
    *n_renders = ev->n_renders;
  g_mutex_unlock (&ev->lock);
  return t;
}

G_GNUC_UNUSED static void
connect_events (TongbanSpeech *speech, Events *ev)
{
  GstElement *pipeline = tongban_speech_get_pipeline (speech);
  g_autoptr(GstElement) out = NULL;

  /* Ids start at 1 in every engine. */
  g_array_set_size (ev->started, 0);
  g_array_set_size (ev->finished, 0);
  g_array_set_size (ev->cancelled, 0);
  ev->stopped = 0;
  tongban_speech_set_synth_hook (speech, on_synth, ev);
  g_signal_connect (speech, "started", G_CALLBACK (on_started), ev);
  g_signal_connect (speech, "finished", G_CALLBACK (on_finished), ev);
  g_signal_connect (speech, "cancelled", G_CALLBACK (on_cancelled), ev);
  g_signal_connect (speech, "stopped", G_CALLBACK (on_stopped), ev);
  g_signal_connect (speech, "first-sample", G_CALLBACK (on_first_sample), ev);
  if (pipeline != NULL && (out = gst_bin_get_by_name (GST_BIN (pipeline), "out")) != NULL)
    g_signal_connect (out, "handoff", G_CALLBACK (on_handoff), ev);
}

G_GNUC_UNUSED static gboolean
array_has (GArray *array, guint id)
{
  for (guint i = 0; i < array->len; i++)
    if (g_array_index (array, guint, i) == id)
      return TRUE;
  return FALSE;
}

typedef gboolean (*Predicate) (Events *ev, gpointer data);

G_GNUC_UNUSED static gboolean
is_done (Events *ev, gpointer data)
{
  guint id = GPOINTER_TO_UINT (data);

  return array_has (ev->finished, id) || array_has (ev->cancelled, id);
}

G_GNUC_UNUSED static gboolean
has_first_sample (Events *ev, gpointer data)
{
  return ev->n_first_samples >= GPOINTER_TO_UINT (data);
}

G_GNUC_UNUSED static gboolean
never (Events *ev, gpointer data)
{
  return FALSE;
}

G_GNUC_UNUSED static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

G_GNUC_UNUSED static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main context until @pred holds or @ms pass; returns whether it held.
 * The tick re-checks what streaming threads record without a main-loop wakeup. */
G_GNUC_UNUSED static gboolean
run_until (Events *ev, Predicate pred, gpointer data, guint ms)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add (ms, timeout_cb, &timed_out);
  guint tick = g_timeout_add (1, tick_cb, NULL);

  while (!pred (ev, data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (source);
  g_source_remove (tick);
  return pred (ev, data);
}

G_GNUC_UNUSED static void
run_for (Events *ev, guint ms)
{
  run_until (ev, never, NULL, ms);
}

/* ---- WAV analysis ------------------------------------------------------- */

typedef struct
{
  guint   rate;
  guint   channels;
  guint   bits;
  gsize   n_samples;
  gint16 *samples;
} Wav;

G_GNUC_UNUSED static void
wav_clear (Wav *wav)
{
  g_clear_pointer (&wav->samples, g_free);
}

G_GNUC_UNUSED static guint32
le32 (const guchar *p)
{
  return p[0] | (p[1] << 8) | (p[2] << 16) | ((guint32) p[3] << 24);
}

G_GNUC_UNUSED static void
wav_read (const char *path, Wav *wav)
{
  g_autofree guchar *data = NULL;
  gsize len = 0, pos = 12;
  g_autoptr(GError) error = NULL;

  memset (wav, 0, sizeof *wav);
  g_file_get_contents (path, (char **) &data, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, >=, 44);
  g_assert_cmpmem (data, 4, "RIFF", 4);
  g_assert_cmpmem (data + 8, 4, "WAVE", 4);
  while (pos + 8 <= len)
    {
      guint32 size = le32 (data + pos + 4);

      if (memcmp (data + pos, "fmt ", 4) == 0)
        {
          wav->channels = data[pos + 10] | (data[pos + 11] << 8);
          wav->rate = le32 (data + pos + 12);
          wav->bits = data[pos + 22] | (data[pos + 23] << 8);
        }
      else if (memcmp (data + pos, "data", 4) == 0)
        {
          gsize bytes = MIN ((gsize) size, len - pos - 8);

          wav->n_samples = bytes / 2;
          wav->samples = g_memdup2 (data + pos + 8, wav->n_samples * 2);
          break;
        }
      pos += 8 + size + (size & 1);
    }
  g_assert_nonnull (wav->samples);
}

#define FRAME 220  /* 10 ms at 22050 Hz */

G_GNUC_UNUSED static double
frame_rms (const gint16 *s, gsize n)
{
  double sum = 0;

  for (gsize i = 0; i < n; i++)
    sum += (double) s[i] * s[i];
  return n ? sqrt (sum / n) : 0;
}

/* Seconds of audio loud enough to be speech, and its RMS. The threshold is
 * relative to the loudest frame, so quiet volume steps are measured alike. */
G_GNUC_UNUSED static double
wav_voiced (const Wav *wav, double *rms)
{
  double peak = 0, sum = 0;
  gsize voiced = 0, n = 0;

  for (gsize i = 0; i + FRAME <= wav->n_samples; i += FRAME)
    peak = MAX (peak, frame_rms (wav->samples + i, FRAME));
  for (gsize i = 0; i + FRAME <= wav->n_samples; i += FRAME)
    {
      double r = frame_rms (wav->samples + i, FRAME);

      if (peak > 0 && r > peak * 0.05)
        {
          voiced++;
          sum += r * r * FRAME;
          n += FRAME;
        }
    }
  if (rms)
    *rms = n ? sqrt (sum / n) : 0;
  return (double) voiced * FRAME / (wav->rate ? wav->rate : 22050);
}
