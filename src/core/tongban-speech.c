/* tongban-speech.c: voice guidance — espeak-ng on a worker thread into GStreamer
 *
 * Every utterance is its own little stream: the worker flushes the pipeline
 * (resetting its running time), synthesises in the voice of the utterance's
 * language, pushes the samples with timestamps from zero, and waits until the
 * sink has played them. Cutting speech off is one mechanism for every case
 * (stop, pre-emption, headset unplugged): bump a generation counter, so the
 * espeak callback returns 1 at its next chunk, and flush the pipeline, which
 * drops whatever was queued and wakes the sink at once.
 */

#include "tongban-speech.h"

#include <espeak-ng/speak_lib.h>
#include <gst/app/gstappsrc.h>
#include <gst/base/gstbasesink.h>
#include <gst/gst.h>
#include <string.h>

#define SAMPLE_RATE 22050
/* espeak hands over audio in chunks this long; a stale chunk is all a stop can leak. */
#define CHUNK_MS    20
/* appsrc blocks beyond this, so synthesis is paced by playback, not ahead of it. */
#define QUEUE_BYTES (SAMPLE_RATE * 2 * 60 / 1000)
#define RATE_NORMAL 165
#define RATE_SLOW   120

static const double volume_levels[TONGBAN_SPEECH_VOLUME_STEPS] = {
  0.10, 0.17, 0.26, 0.37, 0.50, 0.64, 0.80, 1.00,
};

/* Spoken in the utterance's language, which need not be the display language,
 * so these are not gettext strings. */
static const char *const asterisk_words[TONGBAN_N_LANGUAGES] = {
  "星号", "星號", "asterisk",
};
static const char *const asterisk_separators[TONGBAN_N_LANGUAGES] = {
  "，", "，", ", ",
};
static const char *const neutral_phrases[TONGBAN_N_LANGUAGES] = {
  "您的信息已显示在屏幕上。",
  "您的資料已顯示在螢幕上。",
  "Your details are on the screen.",
};
static const char *const typed_phrases[TONGBAN_N_LANGUAGES] = {
  "您输入的是", "您輸入的是", "You typed",
};
static const char *const empty_phrases[TONGBAN_N_LANGUAGES] = {
  "还没有输入", "仲未輸入", "Nothing typed yet",
};
static const char *const point_words[TONGBAN_N_LANGUAGES] = {
  "点", "點", "point",
};
static const char *const voices[TONGBAN_N_LANGUAGES] = {
  /* The plain "cmn" voice reads Hanzi as English spellings of pinyin. */
  "cmn-latn-pinyin", "yue", "en",
};

typedef struct
{
  guint                 id;
  gint64                seq;        /* order within a priority; repeats jump the line */
  TongbanSpeechPriority priority;
  TongbanLanguage       language;
  gboolean              personal;
  gboolean              masked;
  guint                 n_masked;
  char                 *text;       /* NULL when masked: the characters are never kept */
} Utterance;

typedef enum {
  CANCEL_NONE,
  CANCEL_STOP,     /* dropped; stop() reports it */
  CANCEL_REQUEUE,  /* cut in on, or the headset went: speak again from the start */
} CancelKind;

struct _TongbanSpeech
{
  GObject       parent_instance;

  GMainContext *context;
  TongbanSpeechStatus status;

  GstElement   *pipeline;
  GstElement   *appsrc;
  GstElement   *volume;
  GstElement   *sink;
  gboolean      file_sink;
  gboolean      synced;

  GThread      *worker;
  GMutex        lock;        /* everything below up to the stats */
  GCond         cond;
  GPtrArray    *queue;       /* Utterance* */
  Utterance    *current;
  CancelKind    current_cancel;
  Utterance    *last;        /* for repeat */
  guint         next_id;
  gint64        next_seq;
  gint64        front_seq;
  gboolean      paused;
  gboolean      headset;
  gboolean      slow;
  gboolean      quit;
  gboolean      audio_failed;
  gboolean      eos_seen;
  guint         volume_step;
  TongbanSpeechSynthHook hook;
  gpointer      hook_data;

  gint          generation;  /* atomic: bumped to cut off the current utterance */
  GMutex        push_lock;   /* orders pushes against the flush that discards them */
  GMutex        cut_lock;    /* one flush at a time */
  GstPad       *flush_pad;   /* where downstream flushes go in: audioconvert's sink */

  GMutex        stat_lock;   /* written from the streaming thread */
  guint         stat_id;
  gboolean      stat_first_pending;
  GstClockTime  stat_end_pts;
  gint64        stat_last_sample;
};

enum {
  PROP_0,
  PROP_VOLUME_STEP,
  PROP_HEADSET,
  PROP_STATUS,
  N_PROPS
};

enum {
  STARTED,
  FIRST_SAMPLE,
  FINISHED,
  CANCELLED,
  STOPPED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TongbanSpeech, tongban_speech, G_TYPE_OBJECT)

/* espeak-ng keeps one global state; this lock covers every call into it. */
static GMutex espeak_lock;
static int espeak_ready;            /* 1 ok, -1 failed, 0 not tried */
static TongbanSpeech *espeak_owner; /* whose utterance the callback is feeding */
static guint espeak_generation;
static guint64 espeak_samples;
static gboolean espeak_aborted;
static const char *espeak_voice;    /* the one loaded */

static void
utterance_free (Utterance *u)
{
  if (u == NULL)
    return;
  /* The text may be a citizen's personal data. */
  if (u->text != NULL)
    {
      explicit_bzero (u->text, strlen (u->text));
      g_free (u->text);
    }
  g_free (u);
}

static Utterance *
utterance_copy (const Utterance *u)
{
  Utterance *copy = g_memdup2 (u, sizeof *u);

  copy->text = g_strdup (u->text);
  return copy;
}

/* Signals go through the main context, in the order they were raised. */
typedef struct
{
  GWeakRef ref;
  guint    signal;
  guint    id;
  gint64   time;
  gboolean notify_status;
} Emission;

static gboolean
emission_dispatch (gpointer data)
{
  Emission *e = data;
  g_autoptr(TongbanSpeech) self = g_weak_ref_get (&e->ref);

  if (self == NULL)
    return G_SOURCE_REMOVE;
  if (e->notify_status)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  else if (e->signal == FIRST_SAMPLE)
    g_signal_emit (self, signals[FIRST_SAMPLE], 0, e->id, e->time);
  else if (e->signal == STOPPED)
    g_signal_emit (self, signals[STOPPED], 0);
  else
    g_signal_emit (self, signals[e->signal], 0, e->id);
  return G_SOURCE_REMOVE;
}

static void
emission_free (gpointer data)
{
  Emission *e = data;

  g_weak_ref_clear (&e->ref);
  g_free (e);
}

static void
emit_later (TongbanSpeech *self,
            guint          signal,
            guint          id,
            gint64         time,
            gboolean       notify_status)
{
  Emission *e = g_new0 (Emission, 1);
  g_autoptr(GSource) source = g_idle_source_new ();

  g_weak_ref_init (&e->ref, self);
  e->signal = signal;
  e->id = id;
  e->time = time;
  e->notify_status = notify_status;
  g_source_set_priority (source, G_PRIORITY_HIGH_IDLE);
  g_source_set_callback (source, emission_dispatch, e, emission_free);
  g_source_attach (source, self->context);
}

static void
set_status (TongbanSpeech       *self,
            TongbanSpeechStatus  status)
{
  gboolean changed;

  g_mutex_lock (&self->lock);
  changed = self->status != status;
  self->status = status;
  g_mutex_unlock (&self->lock);
  if (changed)
    emit_later (self, 0, 0, 0, TRUE);
}

/* ---- espeak-ng ---------------------------------------------------------- */

static int
synth_callback (short        *wav,
                int           n_samples,
                espeak_EVENT *events)
{
  TongbanSpeech *self = espeak_owner;
  GstBuffer *buffer;
  GstFlowReturn ret;
  GstClockTime pts;

  if (self == NULL || espeak_aborted)
    return 1;
  if ((guint) g_atomic_int_get (&self->generation) != espeak_generation)
    goto abort;
  if (wav == NULL || n_samples <= 0)
    return 0;

  pts = gst_util_uint64_scale (espeak_samples, GST_SECOND, SAMPLE_RATE);
  buffer = gst_buffer_new_memdup (wav, (gsize) n_samples * sizeof (short));
  GST_BUFFER_PTS (buffer) = pts;
  GST_BUFFER_DURATION (buffer) =
    gst_util_uint64_scale (espeak_samples + n_samples, GST_SECOND, SAMPLE_RATE) - pts;
  if (espeak_samples == 0)
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);
  espeak_samples += n_samples;

  g_mutex_lock (&self->push_lock);
  if ((guint) g_atomic_int_get (&self->generation) != espeak_generation)
    {
      g_mutex_unlock (&self->push_lock);
      gst_buffer_unref (buffer);
      goto abort;
    }
  /* Blocks while the queue is full; a flush wakes it with FLUSHING. */
  ret = gst_app_src_push_buffer (GST_APP_SRC (self->appsrc), buffer);
  g_mutex_unlock (&self->push_lock);
  if (ret != GST_FLOW_OK)
    goto abort;
  return 0;

abort:
  espeak_aborted = TRUE;
  return 1;
}

static gboolean
espeak_setup (void)
{
  g_mutex_lock (&espeak_lock);
  if (espeak_ready == 0)
    {
      /* 0x8000 (espeakINITIALIZE_DONT_EXIT): a missing data directory must not exit the kiosk. */
      int rate = espeak_Initialize (AUDIO_OUTPUT_SYNCHRONOUS, CHUNK_MS, NULL, 0x8000);

      if (rate == SAMPLE_RATE)
        {
          espeak_SetSynthCallback (synth_callback);
          espeak_ready = 1;
        }
      else
        espeak_ready = -1;
    }
  g_mutex_unlock (&espeak_lock);
  return espeak_ready == 1;
}

/* ---- the pipeline ------------------------------------------------------- */

static GstPadProbeReturn
sink_probe (GstPad          *pad,
            GstPadProbeInfo *info,
            gpointer         data)
{
  TongbanSpeech *self = data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    {
      GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
      gint64 now = g_get_monotonic_time ();
      gboolean first = FALSE;
      guint id = 0;

      g_mutex_lock (&self->stat_lock);
      self->stat_last_sample = now;
      if (GST_BUFFER_PTS_IS_VALID (buffer))
        {
          GstClockTime end = GST_BUFFER_PTS (buffer);

          if (GST_BUFFER_DURATION_IS_VALID (buffer))
            end += GST_BUFFER_DURATION (buffer);
          if (self->stat_end_pts == GST_CLOCK_TIME_NONE || end > self->stat_end_pts)
            self->stat_end_pts = end;
        }
      if (self->stat_first_pending)
        {
          self->stat_first_pending = FALSE;
          first = TRUE;
          id = self->stat_id;
        }
      g_mutex_unlock (&self->stat_lock);
      if (first)
        emit_later (self, FIRST_SAMPLE, id, now, FALSE);
    }
  else if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

      /* filesink truncates its file on flush-stop; a file sink records everything. */
      if (self->file_sink && (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_START ||
                              GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP))
        return GST_PAD_PROBE_DROP;
    }
  return GST_PAD_PROBE_OK;
}

static GstBusSyncReply
bus_sync_handler (GstBus     *bus,
                  GstMessage *message,
                  gpointer    data)
{
  TongbanSpeech *self = data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      /* The error text may name a device; it never holds what was spoken. */
      g_mutex_lock (&self->lock);
      self->audio_failed = TRUE;
      g_atomic_int_inc (&self->generation);
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      set_status (self, TONGBAN_SPEECH_STATUS_NO_AUDIO);
      break;
    case GST_MESSAGE_EOS:
      g_mutex_lock (&self->lock);
      self->eos_seen = TRUE;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      break;
    default:
      break;
    }
  return GST_BUS_DROP;
}

static GstElement *
make_sink (TongbanSpeech *self,
           const char    *spec,
           GError       **error)
{
  if (spec == NULL || *spec == '\0')
    spec = "autoaudiosink";

  if (g_str_has_prefix (spec, "file:"))
    {
      GstElement *bin = gst_bin_new ("sink");
      GstElement *wavenc = gst_element_factory_make ("wavenc", NULL);
      GstElement *filesink = gst_element_factory_make ("filesink", NULL);
      g_autoptr(GstPad) pad = NULL;

      if (wavenc == NULL || filesink == NULL)
        {
          g_clear_object (&wavenc);
          g_clear_object (&filesink);
          gst_object_unref (bin);
          g_set_error_literal (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
                               "wavenc or filesink missing");
          return NULL;
        }
      self->file_sink = TRUE;
      g_object_set (filesink, "location", spec + strlen ("file:"), NULL);
      gst_bin_add_many (GST_BIN (bin), wavenc, filesink, NULL);
      gst_element_link (wavenc, filesink);
      pad = gst_element_get_static_pad (wavenc, "sink");
      gst_element_add_pad (bin, gst_ghost_pad_new ("sink", pad));
      return bin;
    }

  return gst_parse_bin_from_description (spec, TRUE, error);
}

/* autoaudiosink falls back to a fakesink when it finds no usable device; for
 * the kiosk that is "no audio", to be reported, not silence passed off as speech. */
static gboolean
auto_sink_is_fake (TongbanSpeech *self)
{
  g_autoptr(GstIterator) it = NULL;
  GValue item = G_VALUE_INIT;
  gboolean fake = FALSE;

  if (!GST_IS_BIN (self->sink))
    return FALSE;
  it = gst_bin_iterate_recurse (GST_BIN (self->sink));
  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElementFactory *factory = gst_element_get_factory (g_value_get_object (&item));

      if (factory != NULL && g_strcmp0 (GST_OBJECT_NAME (factory), "fakesink") == 0)
        fake = TRUE;
      g_value_reset (&item);
    }
  g_value_unset (&item);
  return fake;
}

static gboolean
build_pipeline (TongbanSpeech *self,
                const char    *spec)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstPad) pad = NULL;
  g_autoptr(GstBus) bus = NULL;
  GstElement *convert, *resample;

  if (!gst_init_check (NULL, NULL, &error))
    return FALSE;

  self->pipeline = gst_object_ref_sink (gst_pipeline_new ("tongban-speech"));
  self->appsrc = gst_element_factory_make ("appsrc", NULL);
  convert = gst_element_factory_make ("audioconvert", NULL);
  resample = gst_element_factory_make ("audioresample", NULL);
  self->volume = gst_element_factory_make ("volume", NULL);
  self->sink = make_sink (self, spec, &error);
  if (self->appsrc == NULL || convert == NULL || resample == NULL || self->volume == NULL ||
      self->sink == NULL)
    {
      /* Not added to the pipeline yet: these are floating. */
      g_clear_object (&convert);
      g_clear_object (&resample);
      g_clear_object (&self->appsrc);
      g_clear_object (&self->volume);
      g_clear_object (&self->sink);
      return FALSE;
    }

  caps = gst_caps_new_simple ("audio/x-raw",
                              "format", G_TYPE_STRING, "S16LE",
                              "layout", G_TYPE_STRING, "interleaved",
                              "rate", G_TYPE_INT, SAMPLE_RATE,
                              "channels", G_TYPE_INT, 1,
                              NULL);
  g_object_set (self->appsrc,
                "caps", caps,
                "format", GST_FORMAT_TIME,
                "is-live", FALSE,
                "block", TRUE,
                "max-bytes", (guint64) QUEUE_BYTES,
                NULL);
  g_object_set (self->volume, "volume", volume_levels[self->volume_step], NULL);

  gst_bin_add_many (GST_BIN (self->pipeline), self->appsrc, convert, resample, self->volume,
                    self->sink, NULL);
  if (!gst_element_link_many (self->appsrc, convert, resample, self->volume, self->sink, NULL))
    return FALSE;
  self->flush_pad = gst_element_get_static_pad (convert, "sink");

  pad = gst_element_get_static_pad (self->sink, "sink");
  if (pad == NULL)
    return FALSE;
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM |
                          GST_PAD_PROBE_TYPE_EVENT_FLUSH,
                     sink_probe, self, NULL);

  bus = gst_element_get_bus (self->pipeline);
  gst_bus_set_sync_handler (bus, bus_sync_handler, self, NULL);

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    return FALSE;
  if ((spec == NULL || *spec == '\0' || strstr (spec, "autoaudiosink") != NULL) &&
      auto_sink_is_fake (self))
    return FALSE;
  return TRUE;
}

/* Whether the sink plays at the clock's pace (a sound card) or as fast as it
 * can (a file): only the former needs waiting for before "finished". */
static gboolean
pipeline_is_synced (TongbanSpeech *self)
{
  g_autoptr(GstIterator) it = gst_bin_iterate_recurse (GST_BIN (self->pipeline));
  GValue item = G_VALUE_INIT;
  gboolean synced = FALSE;

  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElement *element = g_value_get_object (&item);

      if (GST_IS_BASE_SINK (element) && gst_base_sink_get_sync (GST_BASE_SINK (element)))
        synced = TRUE;
      g_value_reset (&item);
    }
  g_value_unset (&item);
  return synced;
}

/* Cuts off whatever is queued or playing and starts a fresh stream.
 *
 * Not a flush sent to appsrc: basesrc's flush-stop waits for the streaming
 * thread, which may sit in appsrc waiting for data that the blocked worker
 * will never push — a deadlock. Instead the part downstream of appsrc is
 * flushed (that wakes the sink at once and resets the running time) while
 * appsrc itself goes to READY and back, which empties its queue and wakes a
 * push blocked on it. */
static void
flush_pipeline (TongbanSpeech *self)
{
  g_mutex_lock (&self->cut_lock);
  gst_pad_send_event (self->flush_pad, gst_event_new_flush_start ());
  gst_element_set_state (self->appsrc, GST_STATE_READY);
  g_mutex_lock (&self->push_lock);
  gst_pad_send_event (self->flush_pad, gst_event_new_flush_stop (TRUE));
  gst_element_sync_state_with_parent (self->appsrc);
  g_mutex_unlock (&self->push_lock);
  g_mutex_unlock (&self->cut_lock);
}

/* ---- the queue ---------------------------------------------------------- */

static Utterance *
queue_pop_best (TongbanSpeech *self)
{
  Utterance *best = NULL;
  guint best_index = 0;

  for (guint i = 0; i < self->queue->len; i++)
    {
      Utterance *u = g_ptr_array_index (self->queue, i);

      if (best == NULL || u->priority > best->priority ||
          (u->priority == best->priority && u->seq < best->seq))
        {
          best = u;
          best_index = i;
        }
    }
  if (best != NULL)
    g_ptr_array_steal_index (self->queue, best_index);
  return best;
}

/* Called with the lock held; the caller flushes after releasing it. */
static gboolean
cancel_current_locked (TongbanSpeech *self,
                       CancelKind     kind)
{
  if (self->current == NULL || self->current_cancel != CANCEL_NONE)
    return FALSE;
  self->current_cancel = kind;
  g_atomic_int_inc (&self->generation);
  g_cond_broadcast (&self->cond);
  return TRUE;
}

static char *
masked_text (TongbanLanguage language,
             guint           n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (s, asterisk_separators[language]);
      g_string_append (s, asterisk_words[language]);
    }
  return g_string_free (s, FALSE);
}

/* ---- the worker --------------------------------------------------------- */

static gboolean
cancelled (TongbanSpeech *self,
           guint          generation)
{
  return (guint) g_atomic_int_get (&self->generation) != generation;
}

/* Waits until the sink has played @end of the stream. Never holds the lock
 * while asking the pipeline: streaming threads take it when they post. */
static void
wait_played (TongbanSpeech *self,
             guint          generation,
             GstClockTime   end)
{
  gint64 give_up = 0;

  for (;;)
    {
      GstClockTime seen;
      gint64 position = -1;
      gint64 now = g_get_monotonic_time ();
      gboolean paused;

      g_mutex_lock (&self->lock);
      if (self->quit || cancelled (self, generation))
        {
          g_mutex_unlock (&self->lock);
          return;
        }
      paused = self->paused;
      g_mutex_unlock (&self->lock);

      g_mutex_lock (&self->stat_lock);
      seen = self->stat_end_pts;
      g_mutex_unlock (&self->stat_lock);

      if (seen != GST_CLOCK_TIME_NONE && seen + GST_MSECOND >= end)
        {
          if (!self->synced)
            return;
          if (!paused &&
              gst_element_query_position (self->pipeline, GST_FORMAT_TIME, &position) &&
              position + (gint64) GST_MSECOND >= (gint64) end)
            return;
          /* A sink that never reports its position must not hang the queue. */
          if (give_up == 0)
            give_up = now + (gint64) (end / GST_USECOND) + G_USEC_PER_SEC;
          else if (!paused && now > give_up)
            return;
        }

      g_mutex_lock (&self->lock);
      if (!self->quit && !cancelled (self, generation))
        g_cond_wait_until (&self->cond, &self->lock, now + 5 * G_TIME_SPAN_MILLISECOND);
      g_mutex_unlock (&self->lock);
    }
}

/* Returns FALSE if the utterance could not be synthesised at all. */
static gboolean
speak (TongbanSpeech *self,
       Utterance     *u,
       guint          generation)
{
  g_autofree char *text = NULL;
  TongbanSpeechKind kind;
  espeak_VOICE *voice;
  TongbanSpeechSynthHook hook;
  gpointer hook_data;
  gboolean slow;
  GstClockTime end = 0;
  gboolean ok = TRUE;

  g_mutex_lock (&self->lock);
  if (u->masked)
    {
      kind = TONGBAN_SPEECH_KIND_MASKED;
      text = masked_text (u->language, u->n_masked);
    }
  else if (u->personal && !self->headset)
    {
      kind = TONGBAN_SPEECH_KIND_WITHHELD;
      text = g_strdup (neutral_phrases[u->language]);
    }
  else
    {
      kind = u->personal ? TONGBAN_SPEECH_KIND_PERSONAL : TONGBAN_SPEECH_KIND_TEXT;
      text = g_strdup (u->text);
    }
  hook = self->hook;
  hook_data = self->hook_data;
  slow = self->slow;
  utterance_free (self->last);
  self->last = utterance_copy (u);
  g_mutex_unlock (&self->lock);

  emit_later (self, STARTED, u->id, 0, FALSE);

  /* A fresh stream per utterance: running time and timestamps start at zero,
   * so an idle gap before it never makes its samples late. */
  flush_pipeline (self);
  g_mutex_lock (&self->stat_lock);
  self->stat_id = u->id;
  self->stat_first_pending = TRUE;
  self->stat_end_pts = GST_CLOCK_TIME_NONE;
  g_mutex_unlock (&self->stat_lock);

  g_mutex_lock (&espeak_lock);
  /* Loading a voice reads its dictionary; do it only when the language changes. */
  if (g_strcmp0 (espeak_voice, voices[u->language]) != 0)
    {
      espeak_voice = NULL;
      if (espeak_SetVoiceByName (voices[u->language]) == EE_OK)
        espeak_voice = voices[u->language];
      else
        ok = FALSE;
    }
  voice = espeak_GetCurrentVoice ();
  if (ok && hook != NULL)
    hook (voice->languages + 1, voice->identifier, kind, text, hook_data);
  if (ok)
    {
      espeak_SetParameter (espeakRATE, slow ? RATE_SLOW : RATE_NORMAL, 0);
      espeak_owner = self;
      espeak_generation = generation;
      espeak_samples = 0;
      espeak_aborted = FALSE;
      if (espeak_Synth (text, strlen (text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL,
                        NULL) != EE_OK)
        ok = FALSE;
      espeak_owner = NULL;
      end = gst_util_uint64_scale (espeak_samples, GST_SECOND, SAMPLE_RATE);
    }
  g_mutex_unlock (&espeak_lock);
  explicit_bzero (text, strlen (text));

  if (!ok)
    {
      set_status (self, TONGBAN_SPEECH_STATUS_NO_VOICE);
      return FALSE;
    }

  if (end > 0)
    wait_played (self, generation, end);
  return TRUE;
}

static gpointer
worker_main (gpointer data)
{
  TongbanSpeech *self = data;

  g_mutex_lock (&self->lock);
  for (;;)
    {
      Utterance *u;
      guint generation;
      CancelKind cancel;
      gboolean spoken;

      while (!self->quit && (self->paused || self->audio_failed || self->queue->len == 0))
        g_cond_wait (&self->cond, &self->lock);
      if (self->quit)
        break;

      u = queue_pop_best (self);
      if (u == NULL)
        continue;
      self->current = u;
      self->current_cancel = CANCEL_NONE;
      generation = (guint) g_atomic_int_get (&self->generation);
      g_mutex_unlock (&self->lock);

      spoken = speak (self, u, generation);

      g_mutex_lock (&self->lock);
      cancel = self->current_cancel;
      self->current = NULL;
      self->current_cancel = CANCEL_NONE;
      if (cancel == CANCEL_REQUEUE && u->priority > TONGBAN_SPEECH_PRIORITY_LOW && !self->quit)
        {
          g_ptr_array_add (self->queue, u);
          continue;
        }
      if (spoken && cancel == CANCEL_NONE && !cancelled (self, generation) && !self->quit)
        emit_later (self, FINISHED, u->id, 0, FALSE);
      else if (cancel != CANCEL_STOP)
        emit_later (self, CANCELLED, u->id, 0, FALSE);
      utterance_free (u);
    }
  g_mutex_unlock (&self->lock);
  return NULL;
}

/* ---- GObject ------------------------------------------------------------ */

static void
tongban_speech_dispose (GObject *object)
{
  TongbanSpeech *self = TONGBAN_SPEECH (object);

  if (self->worker != NULL)
    {
      g_mutex_lock (&self->lock);
      self->quit = TRUE;
      self->paused = FALSE;
      g_atomic_int_inc (&self->generation);
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      if (self->pipeline != NULL)
        {
          gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
          flush_pipeline (self);
        }
      g_thread_join (g_steal_pointer (&self->worker));
    }

  if (self->pipeline != NULL)
    {
      /* EOS lets wavenc write the final sizes into the WAV header. */
      if (self->status != TONGBAN_SPEECH_STATUS_NO_AUDIO &&
          gst_app_src_end_of_stream (GST_APP_SRC (self->appsrc)) == GST_FLOW_OK)
        {
          gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

          g_mutex_lock (&self->lock);
          while (!self->eos_seen && !self->audio_failed)
            if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
              break;
          g_mutex_unlock (&self->lock);
        }
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      g_clear_object (&self->pipeline);
    }
  g_clear_object (&self->flush_pad);

  G_OBJECT_CLASS (tongban_speech_parent_class)->dispose (object);
}

static void
tongban_speech_finalize (GObject *object)
{
  TongbanSpeech *self = TONGBAN_SPEECH (object);

  g_ptr_array_unref (self->queue);
  utterance_free (self->last);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->push_lock);
  g_mutex_clear (&self->cut_lock);
  g_mutex_clear (&self->stat_lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (tongban_speech_parent_class)->finalize (object);
}

static void
tongban_speech_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TongbanSpeech *self = TONGBAN_SPEECH (object);

  switch (prop_id)
    {
    case PROP_VOLUME_STEP:
      g_value_set_uint (value, tongban_speech_get_volume_step (self));
      break;
    case PROP_HEADSET:
      g_value_set_boolean (value, tongban_speech_get_headset (self));
      break;
    case PROP_STATUS:
      g_value_set_enum (value, tongban_speech_get_status (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_speech_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TongbanSpeech *self = TONGBAN_SPEECH (object);

  switch (prop_id)
    {
    case PROP_VOLUME_STEP:
      tongban_speech_set_volume_step (self, g_value_get_uint (value));
      break;
    case PROP_HEADSET:
      tongban_speech_set_headset (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GType
status_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { TONGBAN_SPEECH_STATUS_READY, "TONGBAN_SPEECH_STATUS_READY", "ready" },
    { TONGBAN_SPEECH_STATUS_NO_VOICE, "TONGBAN_SPEECH_STATUS_NO_VOICE", "no-voice" },
    { TONGBAN_SPEECH_STATUS_NO_AUDIO, "TONGBAN_SPEECH_STATUS_NO_AUDIO", "no-audio" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("TongbanSpeechStatus", values));
  return type;
}

static void
tongban_speech_class_init (TongbanSpeechClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tongban_speech_dispose;
  object_class->finalize = tongban_speech_finalize;
  object_class->get_property = tongban_speech_get_property;
  object_class->set_property = tongban_speech_set_property;

  properties[PROP_VOLUME_STEP] =
    g_param_spec_uint ("volume-step", NULL, NULL, 0, TONGBAN_SPEECH_VOLUME_STEPS - 1,
                       TONGBAN_SPEECH_VOLUME_DEFAULT,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HEADSET] =
    g_param_spec_boolean ("headset", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, status_get_type (), TONGBAN_SPEECH_STATUS_READY,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[STARTED] = g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /* The first samples of an utterance reached the sink; the time is monotonic µs. */
  signals[FIRST_SAMPLE] = g_signal_new ("first-sample", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                        2, G_TYPE_UINT, G_TYPE_INT64);
  /* Played to the end. */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /* Dropped without finishing: cut in on (a hint), stop(), reset(), or no voice. An
   * utterance cut in on at a higher priority than a hint is spoken again later instead. */
  signals[CANCELLED] = g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[STOPPED] = g_signal_new ("stopped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tongban_speech_init (TongbanSpeech *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->push_lock);
  g_mutex_init (&self->cut_lock);
  g_mutex_init (&self->stat_lock);
  g_cond_init (&self->cond);
  self->queue = g_ptr_array_new_with_free_func ((GDestroyNotify) utterance_free);
  self->context = g_main_context_ref_thread_default ();
  self->volume_step = TONGBAN_SPEECH_VOLUME_DEFAULT;
  self->next_id = 1;
  self->stat_end_pts = GST_CLOCK_TIME_NONE;
}

TongbanSpeech *
tongban_speech_new (const char *sink)
{
  TongbanSpeech *self = g_object_new (TONGBAN_TYPE_SPEECH, NULL);

  if (!espeak_setup ())
    {
      self->status = TONGBAN_SPEECH_STATUS_NO_VOICE;
      return self;
    }
  if (!build_pipeline (self, sink))
    {
      self->status = TONGBAN_SPEECH_STATUS_NO_AUDIO;
      if (self->pipeline != NULL)
        gst_element_set_state (self->pipeline, GST_STATE_NULL);
      g_clear_object (&self->pipeline);
      g_clear_object (&self->flush_pad);
      return self;
    }
  self->synced = pipeline_is_synced (self);
  self->worker = g_thread_new ("tongban-speech", worker_main, self);
  return self;
}

/* The voice as a component of the monitor's heartbeat (tm-monitor.c's
 * states): no audio output is "offline", a missing espeak-ng voice (or
 * espeak-ng itself) "hardware-error"; both raise an alarm, while the kiosk
 * goes on silently with everything on screen. */
const char *
tongban_speech_status_to_component (TongbanSpeechStatus status)
{
  switch (status)
    {
    case TONGBAN_SPEECH_STATUS_READY:
      return "online";
    case TONGBAN_SPEECH_STATUS_NO_AUDIO:
      return "offline";
    case TONGBAN_SPEECH_STATUS_NO_VOICE:
    default:
      return "hardware-error";
    }
}

TongbanSpeechStatus
tongban_speech_get_status (TongbanSpeech *self)
{
  TongbanSpeechStatus status;

  g_return_val_if_fail (TONGBAN_IS_SPEECH (self), TONGBAN_SPEECH_STATUS_NO_AUDIO);

  g_mutex_lock (&self->lock);
  status = self->status;
  g_mutex_unlock (&self->lock);
  return status;
}

const char *
tongban_speech_voice_for (TongbanLanguage language)
{
  g_return_val_if_fail (language < TONGBAN_N_LANGUAGES, NULL);
  return voices[language];
}

static guint
enqueue (TongbanSpeech *self,
         Utterance     *u)
{
  gboolean cut_in = FALSE;
  guint id;

  g_mutex_lock (&self->lock);
  if (self->worker == NULL || self->audio_failed)
    {
      g_mutex_unlock (&self->lock);
      utterance_free (u);
      return 0;
    }
  id = u->id = self->next_id++;
  if (u->seq == 0)
    u->seq = ++self->next_seq;
  /* Hints waiting behind something more important are stale by then. */
  if (u->priority > TONGBAN_SPEECH_PRIORITY_LOW)
    for (guint i = self->queue->len; i > 0; i--)
      {
        Utterance *q = g_ptr_array_index (self->queue, i - 1);

        if (q->priority == TONGBAN_SPEECH_PRIORITY_LOW)
          {
            emit_later (self, CANCELLED, q->id, 0, FALSE);
            g_ptr_array_remove_index (self->queue, i - 1);
          }
      }
  g_ptr_array_add (self->queue, u);
  if (self->current != NULL && u->priority > self->current->priority)
    cut_in = cancel_current_locked (self, CANCEL_REQUEUE);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  if (cut_in)
    flush_pipeline (self);
  return id;
}

guint
tongban_speech_say_full (TongbanSpeech         *self,
                         const char            *text,
                         TongbanLanguage        language,
                         TongbanSpeechPriority  priority,
                         TongbanSpeechFlags     flags)
{
  Utterance *u;

  g_return_val_if_fail (TONGBAN_IS_SPEECH (self), 0);
  g_return_val_if_fail (text != NULL, 0);
  g_return_val_if_fail (language < TONGBAN_N_LANGUAGES, 0);
  g_return_val_if_fail (priority <= TONGBAN_SPEECH_PRIORITY_URGENT, 0);

  if (!g_utf8_validate (text, -1, NULL))
    return 0;

  u = g_new0 (Utterance, 1);
  u->priority = priority;
  u->language = language;
  u->personal = (flags & TONGBAN_SPEECH_PERSONAL) != 0;
  if (flags & TONGBAN_SPEECH_MASKED)
    {
      /* Only the count survives; the characters are never stored. */
      u->masked = TRUE;
      u->n_masked = (guint) g_utf8_strlen (text, -1);
    }
  else
    u->text = g_strdup (text);
  return enqueue (self, u);
}

guint
tongban_speech_say (TongbanSpeech         *self,
                    const char            *text,
                    TongbanLanguage        language,
                    TongbanSpeechPriority  priority)
{
  return tongban_speech_say_full (self, text, language, priority, TONGBAN_SPEECH_FLAGS_NONE);
}

guint
tongban_speech_say_masked_input (TongbanSpeech   *self,
                                 guint            n_chars,
                                 TongbanLanguage  language)
{
  Utterance *u;

  g_return_val_if_fail (TONGBAN_IS_SPEECH (self), 0);
  g_return_val_if_fail (language < TONGBAN_N_LANGUAGES, 0);

  if (n_chars == 0)
    return 0;
  u = g_new0 (Utterance, 1);
  /* Read-back of what was just typed answers a key press: it goes first. */
  u->priority = TONGBAN_SPEECH_PRIORITY_URGENT;
  u->language = language;
  u->masked = TRUE;
  u->n_masked = n_chars;
  return enqueue (self, u);
}

/* An identity number, phone number or amount, character by character:
 * "A123456(3)" → "A 1 2 3 4 5 6 3", "12.50" → "1 2 point 5 0". Brackets,
 * dashes and spaces are left out; other text is returned as it is. */
char *
tongban_speech_spell (const char      *text,
                      TongbanLanguage  language)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (language < TONGBAN_N_LANGUAGES, NULL);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '(' || c == ')' || c == '-' || g_unichar_isspace (c))
        continue;
      if (s->len > 0)
        g_string_append_c (s, ' ');
      if (c == '.')
        g_string_append (s, point_words[language]);
      else
        g_string_append_unichar (s, g_unichar_toupper (c));
    }
  return g_string_free (s, FALSE);
}

/* Reads back what the citizen typed in a field: "<label>, you typed", then
 * the value (spelt when @spell) as personal text, so without a headset it is
 * the neutral phrase. Never for PIN fields: those use say_masked_input().
 * Returns the id of the value's utterance (or of "nothing typed yet"). */
guint
tongban_speech_say_read_back (TongbanSpeech   *self,
                              const char      *label,
                              const char      *value,
                              gboolean         spell,
                              TongbanLanguage  language)
{
  g_autofree char *lead = NULL;
  g_autofree char *spelt = NULL;
  const char *sep = language == TONGBAN_LANGUAGE_EN ? ": " : "：";

  g_return_val_if_fail (TONGBAN_IS_SPEECH (self), 0);
  g_return_val_if_fail (language < TONGBAN_N_LANGUAGES, 0);

  if (value == NULL || *value == '\0')
    {
      lead = g_strconcat (label ? label : "", label ? sep : "", empty_phrases[language], NULL);
      return tongban_speech_say (self, lead, language, TONGBAN_SPEECH_PRIORITY_URGENT);
    }
  lead = g_strconcat (label ? label : "", label ? sep : "", typed_phrases[language], NULL);
  tongban_speech_say (self, lead, language, TONGBAN_SPEECH_PRIORITY_URGENT);
  if (spell)
    spelt = tongban_speech_spell (value, language);
  return tongban_speech_say_full (self, spelt ? spelt : value, language,
                                  TONGBAN_SPEECH_PRIORITY_URGENT, TONGBAN_SPEECH_PERSONAL);
}

guint
tongban_speech_repeat (TongbanSpeech *self)
{
  Utterance *u = NULL;
  gboolean cut = FALSE;

  g_return_val_if_fail (TONGBAN_IS_SPEECH (self), 0);

  g_mutex_lock (&self->lock);
  if (self->last != NULL)
    {
      u = utterance_copy (self->last);
      u->seq = --self->front_seq;
      cut = cancel_current_locked (self, CANCEL_STOP);
      if (cut)
        emit_later (self, CANCELLED, self->current->id, 0, FALSE);
    }
  g_mutex_unlock (&self->lock);

  if (u == NULL)
    return 0;
  if (cut)
    flush_pipeline (self);
  return enqueue (self, u);
}

void
tongban_speech_stop (TongbanSpeech *self)
{
  gboolean was_paused;

  g_return_if_fail (TONGBAN_IS_SPEECH (self));

  if (self->worker == NULL)
    return;

  g_mutex_lock (&self->lock);
  if (cancel_current_locked (self, CANCEL_STOP))
    emit_later (self, CANCELLED, self->current->id, 0, FALSE);
  for (guint i = 0; i < self->queue->len; i++)
    emit_later (self, CANCELLED, ((Utterance *) g_ptr_array_index (self->queue, i))->id, 0,
                FALSE);
  g_ptr_array_set_size (self->queue, 0);
  was_paused = self->paused;
  self->paused = FALSE;
  g_mutex_unlock (&self->lock);

  flush_pipeline (self);
  if (was_paused)
    gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
  emit_later (self, STOPPED, 0, 0, FALSE);
}

void
tongban_speech_pause (TongbanSpeech *self)
{
  g_return_if_fail (TONGBAN_IS_SPEECH (self));

  if (self->worker == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->paused = TRUE;
  g_mutex_unlock (&self->lock);
  gst_element_set_state (self->pipeline, GST_STATE_PAUSED);
}

void
tongban_speech_resume (TongbanSpeech *self)
{
  g_return_if_fail (TONGBAN_IS_SPEECH (self));

  if (self->worker == NULL)
    return;
  gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
  g_mutex_lock (&self->lock);
  self->paused = FALSE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

gboolean
tongban_speech_get_paused (TongbanSpeech *self)
{
  gboolean paused;

  g_return_val_if_fail (TONGBAN_IS_SPEECH (self), FALSE);

  g_mutex_lock (&self->lock);
  paused = self->paused;
  g_mutex_unlock (&self->lock);
  return paused;
}

gboolean
tongban_speech_is_speaking (TongbanSpeech *self)
{
  gboolean speaking;

  g_return_val_if_fail (TONGBAN_IS_SPEECH (self), FALSE);

  g_mutex_lock (&self->lock);
  speaking = self->current != NULL || self->queue->len > 0;
  g_mutex_unlock (&self->lock);
  return speaking;
}

void
tongban_speech_set_volume_step (TongbanSpeech *self,
                                guint          step)
{
  g_return_if_fail (TONGBAN_IS_SPEECH (self));

  step = MIN (step, TONGBAN_SPEECH_VOLUME_STEPS - 1);
  if (self->volume_step == step)
    return;
  self->volume_step = step;
  if (self->volume != NULL)
    g_object_set (self->volume, "volume", volume_levels[step], NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VOLUME_STEP]);
}

guint
tongban_speech_get_volume_step (TongbanSpeech *self)
{
  g_return_val_if_fail (TONGBAN_IS_SPEECH (self), 0);
  return self->volume_step;
}

void
tongban_speech_volume_up (TongbanSpeech *self)
{
  g_return_if_fail (TONGBAN_IS_SPEECH (self));
  if (self->volume_step + 1 < TONGBAN_SPEECH_VOLUME_STEPS)
    tongban_speech_set_volume_step (self, self->volume_step + 1);
}

void
tongban_speech_volume_down (TongbanSpeech *self)
{
  g_return_if_fail (TONGBAN_IS_SPEECH (self));
  if (self->volume_step > 0)
    tongban_speech_set_volume_step (self, self->volume_step - 1);
}

void
tongban_speech_set_slow (TongbanSpeech *self,
                         gboolean       slow)
{
  g_return_if_fail (TONGBAN_IS_SPEECH (self));

  g_mutex_lock (&self->lock);
  self->slow = !!slow;
  g_mutex_unlock (&self->lock);
}

void
tongban_speech_set_headset (TongbanSpeech *self,
                            gboolean       connected)
{
  gboolean cut = FALSE;

  g_return_if_fail (TONGBAN_IS_SPEECH (self));

  connected = !!connected;
  g_mutex_lock (&self->lock);
  if (self->headset == connected)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->headset = connected;
  /* Unplugged mid-sentence: the rest must not reach the loudspeaker. It is said
   * again from the start, as the neutral phrase this time. */
  if (!connected && self->current != NULL && self->current->personal)
    cut = cancel_current_locked (self, CANCEL_REQUEUE);
  g_mutex_unlock (&self->lock);

  if (cut)
    flush_pipeline (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEADSET]);
}

gboolean
tongban_speech_get_headset (TongbanSpeech *self)
{
  gboolean headset;

  g_return_val_if_fail (TONGBAN_IS_SPEECH (self), FALSE);

  g_mutex_lock (&self->lock);
  headset = self->headset;
  g_mutex_unlock (&self->lock);
  return headset;
}

void
tongban_speech_reset (TongbanSpeech *self)
{
  g_return_if_fail (TONGBAN_IS_SPEECH (self));

  tongban_speech_stop (self);
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->last, utterance_free);
  self->slow = FALSE;
  g_mutex_unlock (&self->lock);
  tongban_speech_set_volume_step (self, TONGBAN_SPEECH_VOLUME_DEFAULT);
}

gint64
tongban_speech_get_last_sample_time (TongbanSpeech *self)
{
  gint64 t;

  g_return_val_if_fail (TONGBAN_IS_SPEECH (self), 0);

  g_mutex_lock (&self->stat_lock);
  t = self->stat_last_sample;
  g_mutex_unlock (&self->stat_lock);
  return t;
}

gpointer
tongban_speech_get_pipeline (TongbanSpeech *self)
{
  g_return_val_if_fail (TONGBAN_IS_SPEECH (self), NULL);
  return self->pipeline;
}

void
tongban_speech_set_synth_hook (TongbanSpeech          *self,
                               TongbanSpeechSynthHook  hook,
                               gpointer                user_data)
{
  g_return_if_fail (TONGBAN_IS_SPEECH (self));

  g_mutex_lock (&self->lock);
  self->hook = hook;
  self->hook_data = user_data;
  g_mutex_unlock (&self->lock);
}
