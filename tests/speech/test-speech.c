/* test-speech.c: the voice guidance engine, heard through files and a clock-paced sink
 *
 * Audio goes to WAV files ("file:") or to a fakesink that renders at the
 * clock's pace like a sound card ("fakesink sync=true"), so the tests need no
 * sound card. What espeak-ng is handed is captured through the engine's synth
 * hook; what came out is measured in the WAV (voiced length, RMS) or by the
 * fakesink's handoffs (when each buffer was rendered).
 */

#include <math.h>

#include "speech-util.h"

#define REALTIME_SINK "fakesink name=out sync=true signal-handoffs=true"

static const char *const long_en =
  "Please place your identity card on the reader below the screen, with the photograph "
  "facing up, and keep it there until the kiosk tells you that it has been read. "
  "If you do not have your card with you, touch the button marked other methods.";

typedef struct
{
  char  *dir;
  Events ev;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("tongban-speech-XXXXXX", &error);
  g_assert_no_error (error);
  events_init (&f->ev);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  events_clear (&f->ev);
}

static TongbanSpeech *
new_file_engine (Fixture *f, const char *name, char **path_out)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autofree char *spec = g_strconcat ("file:", path, NULL);
  TongbanSpeech *speech = tongban_speech_new (spec);

  g_assert_cmpint (tongban_speech_get_status (speech), ==, TONGBAN_SPEECH_STATUS_READY);
  connect_events (speech, &f->ev);
  if (path_out)
    *path_out = g_steal_pointer (&path);
  return speech;
}

/* Says one thing into its own WAV file and reads the file back. */
static void
render (Fixture *f, const char *name, const char *text, TongbanLanguage language,
        TongbanSpeechFlags flags, guint volume_step, Wav *wav)
{
  g_autofree char *path = NULL;
  TongbanSpeech *speech = new_file_engine (f, name, &path);
  guint id;

  tongban_speech_set_volume_step (speech, volume_step);
  id = tongban_speech_say_full (speech, text, language, TONGBAN_SPEECH_PRIORITY_NORMAL, flags);
  g_assert_cmpuint (id, !=, 0);
  g_assert_true (run_until (&f->ev, is_done, GUINT_TO_POINTER (id), 10000));
  g_assert_true (array_has (f->ev.finished, id));
  g_assert_finalize_object (speech);
  wav_read (path, wav);
}

static SynthRecord *
last_synth (Fixture *f)
{
  g_assert_cmpuint (f->ev.synth->len, >, 0);
  return g_ptr_array_index (f->ev.synth, f->ev.synth->len - 1);
}

static void
test_voices (Fixture *f, gconstpointer data)
{
  static const struct {
    TongbanLanguage language;
    const char     *text;
    const char     *voice;
  } cases[] = {
    { TONGBAN_LANGUAGE_ZH_CN, "欢迎使用湾区通办，请选择您要办理的业务。", "cmn-latn-pinyin" },
    { TONGBAN_LANGUAGE_ZH_HK, "歡迎使用灣區通辦，請選擇您要辦理的業務。", "yue" },
    { TONGBAN_LANGUAGE_EN, "Welcome. Please choose the service you need.", "en" },
  };
  double lengths[G_N_ELEMENTS (cases)];

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("voice-%u.wav", i);
      SynthRecord *r;
      Wav wav;
      double voiced;

      render (f, name, cases[i].text, cases[i].language, 0, TONGBAN_SPEECH_VOLUME_DEFAULT, &wav);
      r = last_synth (f);
      /* The voice espeak-ng reports as current (its file, "sit/cmn-Latn-pinyin"),
       * not the name we asked for. */
      g_assert_cmpstr (tongban_speech_voice_for (cases[i].language), ==, cases[i].voice);
      {
        const char *slash = strrchr (r->voice_identifier, '/');
        g_autofree char *file = g_ascii_strdown (slash ? slash + 1 : r->voice_identifier, -1);

        g_assert_cmpstr (file, ==, cases[i].voice);
      }
      g_assert_cmpstr (r->text, ==, cases[i].text);
      g_assert_cmpint (r->kind, ==, TONGBAN_SPEECH_KIND_TEXT);

      g_assert_cmpuint (wav.rate, ==, 22050);
      g_assert_cmpuint (wav.channels, ==, 1);
      g_assert_cmpuint (wav.bits, ==, 16);
      voiced = wav_voiced (&wav, NULL);
      lengths[i] = (double) wav.n_samples / wav.rate;
      /* A sentence of 8-20 syllables: seconds of it, mostly voiced. */
      g_assert_cmpfloat (lengths[i], >, 1.5);
      g_assert_cmpfloat (lengths[i], <, 10.0);
      g_assert_cmpfloat (voiced, >, 0.5 * lengths[i]);
      wav_clear (&wav);
    }
  g_test_message ("lengths: Mandarin %.2f s, Cantonese %.2f s, English %.2f s", lengths[0],
                  lengths[1], lengths[2]);
  /* The Mandarin voice reads the Hanzi (the plain cmn voice spells them out in
   * English and runs far longer than the Cantonese reading of the same text). */
  g_assert_cmpfloat (lengths[0], <, 1.6 * lengths[1]);
}

static gboolean
render_started (Events *ev, gpointer data)
{
  guint n;

  events_last_render (ev, &n);
  return n > 0 && ev->n_first_samples > 0;
}

static void
test_stop (Fixture *f, gconstpointer data)
{
  TongbanSpeech *speech = tongban_speech_new (REALTIME_SINK);

  g_assert_cmpint (tongban_speech_get_status (speech), ==, TONGBAN_SPEECH_STATUS_READY);
  connect_events (speech, &f->ev);

  for (guint round = 0; round < 3; round++)
    {
      guint id = tongban_speech_say (speech, long_en, TONGBAN_LANGUAGE_EN,
                                     TONGBAN_SPEECH_PRIORITY_NORMAL);
      guint before, after;
      gint64 stop_at, last;

      f->ev.n_first_samples = 0;
      g_assert_true (run_until (&f->ev, render_started, NULL, 3000));
      run_for (&f->ev, 300 + 150 * round);
      events_last_render (&f->ev, &before);
      g_assert_true (tongban_speech_is_speaking (speech));

      stop_at = g_get_monotonic_time ();
      tongban_speech_stop (speech);
      run_for (&f->ev, 400);
      last = events_last_render (&f->ev, &after);

      /* It was playing, then nothing was rendered later than 100 ms after the call. */
      g_assert_cmpuint (before, >, 0);
      g_test_message ("round %u: last audio %" G_GINT64_FORMAT " µs after stop()", round,
                      last - stop_at);
      g_assert_cmpint (last - stop_at, <=, 100 * 1000);
      g_assert_true (array_has (f->ev.cancelled, id));
      g_assert_false (array_has (f->ev.finished, id));
      g_assert_cmpuint (f->ev.stopped, ==, round + 1);
      g_assert_false (tongban_speech_is_speaking (speech));
    }
  g_assert_finalize_object (speech);
}

static gboolean
has_digit (const char *text)
{
  static const char *const chinese[] = {
    "零", "〇", "一", "二", "两", "兩", "三", "四", "五", "六", "七", "八", "九", "十",
  };
  static const char *const english[] = {
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
  };

  for (const char *p = text; *p; p++)
    if (g_ascii_isdigit (*p))
      return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (chinese); i++)
    if (strstr (text, chinese[i]) != NULL)
      return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (english); i++)
    if (strstr (text, english[i]) != NULL)
      return TRUE;
  return FALSE;
}

static guint
count (const char *text, const char *word)
{
  guint n = 0;

  for (const char *p = strstr (text, word); p != NULL; p = strstr (p + 1, word))
    n++;
  return n;
}

static void
test_masked (Fixture *f, gconstpointer data)
{
  static const char *const words[] = { "星号", "星號", "asterisk" };
  Wav one, six;
  double voiced_one, voiced_six;

  /* A PIN as the pad reports it, through both ways in. */
  render (f, "pin-1.wav", "1", TONGBAN_LANGUAGE_ZH_CN, TONGBAN_SPEECH_MASKED,
          TONGBAN_SPEECH_VOLUME_DEFAULT, &one);
  render (f, "pin-6.wav", "135790", TONGBAN_LANGUAGE_ZH_CN, TONGBAN_SPEECH_MASKED,
          TONGBAN_SPEECH_VOLUME_DEFAULT, &six);

  for (guint i = 0; i < f->ev.synth->len; i++)
    {
      SynthRecord *r = g_ptr_array_index (f->ev.synth, i);

      g_assert_false (has_digit (r->text));
      g_assert_cmpint (r->kind, ==, TONGBAN_SPEECH_KIND_MASKED);
    }
  g_assert_cmpuint (count (last_synth (f)->text, "星号"), ==, 6);

  /* Six asterisks last about six times one asterisk: nothing else was said. */
  voiced_one = wav_voiced (&one, NULL);
  voiced_six = wav_voiced (&six, NULL);
  g_test_message ("one asterisk %.2f s voiced, six %.2f s", voiced_one, voiced_six);
  g_assert_cmpfloat (voiced_one, >, 0.1);
  g_assert_cmpfloat (voiced_six, >, 6 * voiced_one * 0.75);
  g_assert_cmpfloat (voiced_six, <, 6 * voiced_one * 1.25);
  wav_clear (&one);
  wav_clear (&six);

  for (TongbanLanguage l = 0; l < TONGBAN_N_LANGUAGES; l++)
    {
      g_autofree char *path = NULL;
      TongbanSpeech *speech = new_file_engine (f, "pin-any.wav", &path);
      guint id = tongban_speech_say_masked_input (speech, 4, l);

      g_assert_true (run_until (&f->ev, is_done, GUINT_TO_POINTER (id), 10000));
      g_assert_cmpuint (count (last_synth (f)->text, words[l]), ==, 4);
      g_assert_false (has_digit (last_synth (f)->text));
      g_assert_finalize_object (speech);
    }
}

static void
test_personal (Fixture *f, gconstpointer data)
{
  static const char *const neutral[] = {
    "您的信息已显示在屏幕上。", "您的資料已顯示在螢幕上。", "Your details are on the screen.",
  };
  const char *personal = "陳大文，身份證號碼 A123456(7)";
  TongbanSpeech *speech = new_file_engine (f, "personal.wav", NULL);
  guint id;

  for (TongbanLanguage l = 0; l < TONGBAN_N_LANGUAGES; l++)
    {
      id = tongban_speech_say_full (speech, personal, l, TONGBAN_SPEECH_PRIORITY_NORMAL,
                                    TONGBAN_SPEECH_PERSONAL);
      g_assert_true (run_until (&f->ev, is_done, GUINT_TO_POINTER (id), 10000));
      g_assert_cmpstr (last_synth (f)->text, ==, neutral[l]);
      g_assert_cmpint (last_synth (f)->kind, ==, TONGBAN_SPEECH_KIND_WITHHELD);
    }
  for (guint i = 0; i < f->ev.synth->len; i++)
    g_assert_null (strstr (((SynthRecord *) g_ptr_array_index (f->ev.synth, i))->text, "陳"));

  tongban_speech_set_headset (speech, TRUE);
  id = tongban_speech_say_full (speech, personal, TONGBAN_LANGUAGE_ZH_HK,
                                TONGBAN_SPEECH_PRIORITY_NORMAL, TONGBAN_SPEECH_PERSONAL);
  g_assert_true (run_until (&f->ev, is_done, GUINT_TO_POINTER (id), 10000));
  g_assert_cmpstr (last_synth (f)->text, ==, personal);
  g_assert_cmpint (last_synth (f)->kind, ==, TONGBAN_SPEECH_KIND_PERSONAL);
  g_assert_finalize_object (speech);
}

/* Pulled out mid-sentence: the rest is not played, the neutral phrase is. */
static void
test_personal_unplug (Fixture *f, gconstpointer data)
{
  TongbanSpeech *speech = tongban_speech_new (REALTIME_SINK);
  guint id, n;
  gint64 unplug_at, last;

  connect_events (speech, &f->ev);
  tongban_speech_set_headset (speech, TRUE);
  id = tongban_speech_say_full (speech, long_en, TONGBAN_LANGUAGE_EN,
                                TONGBAN_SPEECH_PRIORITY_NORMAL, TONGBAN_SPEECH_PERSONAL);
  g_assert_true (run_until (&f->ev, render_started, NULL, 3000));
  run_for (&f->ev, 200);
  g_assert_cmpint (last_synth (f)->kind, ==, TONGBAN_SPEECH_KIND_PERSONAL);

  unplug_at = g_get_monotonic_time ();
  tongban_speech_set_headset (speech, FALSE);
  g_assert_true (run_until (&f->ev, is_done, GUINT_TO_POINTER (id), 10000));
  g_assert_true (array_has (f->ev.finished, id));
  g_assert_cmpuint (f->ev.synth->len, ==, 2);
  g_assert_cmpint (last_synth (f)->kind, ==, TONGBAN_SPEECH_KIND_WITHHELD);
  g_assert_cmpstr (last_synth (f)->text, ==, "Your details are on the screen.");
  /* The neutral phrase is ~2 s; the paragraph would have gone on for ~15 s. */
  last = events_last_render (&f->ev, &n);
  g_assert_cmpint (last - unplug_at, <, 4 * G_USEC_PER_SEC);
  g_assert_finalize_object (speech);
}

static void
test_priority (Fixture *f, gconstpointer data)
{
  TongbanSpeech *speech = tongban_speech_new (REALTIME_SINK);
  const char *page = "Choose a service. Identity card, travel permit, or social security.";
  const char *hint = "You can also use the number keys.";
  const char *warning = "Your session ends in ten seconds.";
  guint page_id, hint_id, warning_id;

  connect_events (speech, &f->ev);
  page_id = tongban_speech_say (speech, page, TONGBAN_LANGUAGE_EN,
                                TONGBAN_SPEECH_PRIORITY_NORMAL);
  hint_id = tongban_speech_say (speech, hint, TONGBAN_LANGUAGE_EN, TONGBAN_SPEECH_PRIORITY_LOW);
  g_assert_true (run_until (&f->ev, render_started, NULL, 3000));
  run_for (&f->ev, 150);
  warning_id = tongban_speech_say (speech, warning, TONGBAN_LANGUAGE_EN,
                                   TONGBAN_SPEECH_PRIORITY_URGENT);

  g_assert_true (run_until (&f->ev, is_done, GUINT_TO_POINTER (page_id), 20000));
  /* The warning cut in at once, the page was said again after it, the hint
   * queued behind the page was dropped. */
  g_assert_cmpuint (f->ev.synth->len, ==, 3);
  g_assert_cmpstr (((SynthRecord *) g_ptr_array_index (f->ev.synth, 0))->text, ==, page);
  g_assert_cmpstr (((SynthRecord *) g_ptr_array_index (f->ev.synth, 1))->text, ==, warning);
  g_assert_cmpstr (((SynthRecord *) g_ptr_array_index (f->ev.synth, 2))->text, ==, page);
  g_assert_cmpuint (f->ev.finished->len, ==, 2);
  g_assert_cmpuint (g_array_index (f->ev.finished, guint, 0), ==, warning_id);
  g_assert_cmpuint (g_array_index (f->ev.finished, guint, 1), ==, page_id);
  g_assert_true (array_has (f->ev.cancelled, hint_id));
  g_assert_finalize_object (speech);
}

static void
test_volume (Fixture *f, gconstpointer data)
{
  static const guint steps[] = { 0, 2, TONGBAN_SPEECH_VOLUME_DEFAULT, 6, 7 };
  double rms[G_N_ELEMENTS (steps)];

  G_STATIC_ASSERT (TONGBAN_SPEECH_VOLUME_STEPS >= 6);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *name = g_strdup_printf ("volume-%u.wav", steps[i]);
      Wav wav;

      render (f, name, "请将身份证放在读卡区。", TONGBAN_LANGUAGE_ZH_CN, 0, steps[i], &wav);
      wav_voiced (&wav, &rms[i]);
      g_test_message ("step %u: RMS %.1f", steps[i], rms[i]);
      if (i > 0)
        g_assert_cmpfloat (rms[i], >, rms[i - 1] * 1.1);
      wav_clear (&wav);
    }
  /* From the quietest to the loudest step is a range a hard-of-hearing
   * listener and a quiet hall both need. */
  g_assert_cmpfloat (rms[G_N_ELEMENTS (steps) - 1], >, 5 * rms[0]);

  {
    TongbanSpeech *speech = tongban_speech_new ("fakesink");

    g_assert_cmpuint (tongban_speech_get_volume_step (speech), ==, TONGBAN_SPEECH_VOLUME_DEFAULT);
    for (guint i = 0; i < TONGBAN_SPEECH_VOLUME_STEPS + 2; i++)
      tongban_speech_volume_up (speech);
    g_assert_cmpuint (tongban_speech_get_volume_step (speech), ==, TONGBAN_SPEECH_VOLUME_STEPS - 1);
    for (guint i = 0; i < TONGBAN_SPEECH_VOLUME_STEPS + 2; i++)
      tongban_speech_volume_down (speech);
    g_assert_cmpuint (tongban_speech_get_volume_step (speech), ==, 0);
    g_assert_finalize_object (speech);
  }
}

static void
test_reset (Fixture *f, gconstpointer data)
{
  const char *text = "请将身份证放在读卡区。";
  g_autofree char *path = NULL;
  TongbanSpeech *speech;
  Wav reference, after;
  double rms_reference, rms_after;
  guint id, queued;

  render (f, "reference.wav", text, TONGBAN_LANGUAGE_ZH_CN, 0, TONGBAN_SPEECH_VOLUME_DEFAULT,
          &reference);

  /* One citizen turned it up and slowed it down, then walked away mid-sentence. */
  speech = new_file_engine (f, "after-reset.wav", &path);
  tongban_speech_set_volume_step (speech, TONGBAN_SPEECH_VOLUME_STEPS - 1);
  tongban_speech_set_slow (speech, TRUE);
  tongban_speech_set_headset (speech, TRUE);
  tongban_speech_pause (speech);
  id = tongban_speech_say (speech, long_en, TONGBAN_LANGUAGE_EN, TONGBAN_SPEECH_PRIORITY_NORMAL);
  queued = tongban_speech_say (speech, text, TONGBAN_LANGUAGE_ZH_CN,
                               TONGBAN_SPEECH_PRIORITY_NORMAL);
  tongban_speech_reset (speech);
  g_assert_cmpuint (tongban_speech_get_volume_step (speech), ==, TONGBAN_SPEECH_VOLUME_DEFAULT);
  g_assert_false (tongban_speech_get_paused (speech));
  g_assert_false (tongban_speech_is_speaking (speech));
  g_assert_cmpuint (tongban_speech_repeat (speech), ==, 0);
  run_for (&f->ev, 100);
  g_assert_true (array_has (f->ev.cancelled, id));
  g_assert_true (array_has (f->ev.cancelled, queued));
  g_assert_cmpuint (f->ev.finished->len, ==, 0);

  /* The next citizen hears the default volume (the WAV holds only this). */
  id = tongban_speech_say (speech, text, TONGBAN_LANGUAGE_ZH_CN, TONGBAN_SPEECH_PRIORITY_NORMAL);
  g_assert_true (run_until (&f->ev, is_done, GUINT_TO_POINTER (id), 10000));
  g_assert_finalize_object (speech);
  wav_read (path, &after);
  wav_voiced (&reference, &rms_reference);
  wav_voiced (&after, &rms_after);
  g_assert_cmpfloat (fabs (rms_after - rms_reference), <, 0.03 * rms_reference);
  /* ...at the normal rate, not the slow one. */
  g_assert_cmpfloat (fabs ((double) after.n_samples - reference.n_samples), <,
                     0.05 * reference.n_samples);
  wav_clear (&reference);
  wav_clear (&after);
}

static void
test_repeat_and_slow (Fixture *f, gconstpointer data)
{
  const char *text = "Please take your card.";
  TongbanSpeech *speech = new_file_engine (f, "repeat.wav", NULL);
  guint id, again;
  Wav normal, slow;

  g_assert_cmpuint (tongban_speech_repeat (speech), ==, 0);
  id = tongban_speech_say (speech, text, TONGBAN_LANGUAGE_EN, TONGBAN_SPEECH_PRIORITY_NORMAL);
  g_assert_true (run_until (&f->ev, is_done, GUINT_TO_POINTER (id), 10000));
  again = tongban_speech_repeat (speech);
  g_assert_cmpuint (again, !=, 0);
  g_assert_cmpuint (again, !=, id);
  g_assert_true (run_until (&f->ev, is_done, GUINT_TO_POINTER (again), 10000));
  g_assert_true (array_has (f->ev.finished, again));
  g_assert_cmpuint (f->ev.synth->len, ==, 2);
  g_assert_cmpstr (last_synth (f)->text, ==, text);
  g_assert_finalize_object (speech);

  /* Care mode speaks more slowly. */
  render (f, "normal.wav", text, TONGBAN_LANGUAGE_EN, 0, TONGBAN_SPEECH_VOLUME_DEFAULT, &normal);
  {
    g_autofree char *path = NULL;

    speech = new_file_engine (f, "slow.wav", &path);
    tongban_speech_set_slow (speech, TRUE);
    id = tongban_speech_say (speech, text, TONGBAN_LANGUAGE_EN, TONGBAN_SPEECH_PRIORITY_NORMAL);
    g_assert_true (run_until (&f->ev, is_done, GUINT_TO_POINTER (id), 10000));
    g_assert_finalize_object (speech);
    wav_read (path, &slow);
  }
  g_assert_cmpfloat (slow.n_samples, >, 1.2 * normal.n_samples);
  wav_clear (&normal);
  wav_clear (&slow);
}

static void
test_pause (Fixture *f, gconstpointer data)
{
  TongbanSpeech *speech = tongban_speech_new (REALTIME_SINK);
  guint id, n_paused, n_later, n_resumed;

  connect_events (speech, &f->ev);
  id = tongban_speech_say (speech, long_en, TONGBAN_LANGUAGE_EN, TONGBAN_SPEECH_PRIORITY_NORMAL);
  g_assert_true (run_until (&f->ev, render_started, NULL, 3000));
  run_for (&f->ev, 200);
  tongban_speech_pause (speech);
  g_assert_true (tongban_speech_get_paused (speech));
  run_for (&f->ev, 100);
  events_last_render (&f->ev, &n_paused);
  run_for (&f->ev, 400);
  events_last_render (&f->ev, &n_later);
  g_assert_cmpuint (n_later, ==, n_paused);
  g_assert_false (array_has (f->ev.finished, id));

  tongban_speech_resume (speech);
  run_for (&f->ev, 300);
  events_last_render (&f->ev, &n_resumed);
  g_assert_cmpuint (n_resumed, >, n_later);
  tongban_speech_stop (speech);
  g_assert_finalize_object (speech);
}

/* A citizen tapping fast: every touch stops, every page speaks. Nothing may
 * deadlock or leave the engine stuck, and the last page is heard to the end. */
static void
test_rapid_touches (Fixture *f, gconstpointer data)
{
  TongbanSpeech *speech = tongban_speech_new (REALTIME_SINK);
  guint id = 0;

  connect_events (speech, &f->ev);
  for (guint i = 0; i < 40; i++)
    {
      tongban_speech_stop (speech);
      id = tongban_speech_say (speech, i % 2 ? "请选择。" : "Please choose.", i % 3,
                               (TongbanSpeechPriority) (i % 3));
      if (i % 5 == 0)
        tongban_speech_say_masked_input (speech, 3, TONGBAN_LANGUAGE_EN);
      if (i % 7 == 0)
        tongban_speech_repeat (speech);
      run_for (&f->ev, g_random_int_range (0, 40));
    }
  tongban_speech_stop (speech);
  id = tongban_speech_say (speech, "Thank you.", TONGBAN_LANGUAGE_EN,
                           TONGBAN_SPEECH_PRIORITY_NORMAL);
  g_assert_true (run_until (&f->ev, is_done, GUINT_TO_POINTER (id), 5000));
  g_assert_true (array_has (f->ev.finished, id));
  g_assert_false (tongban_speech_is_speaking (speech));
  g_assert_finalize_object (speech);
}

/* What was typed, read back: spelt for numbers, withheld without a headset,
 * rendered into a WAV file that holds speech. */
static void
test_read_back (Fixture *f, gconstpointer data)
{
  static const struct { const char *in; TongbanLanguage l; const char *out; } spelt[] = {
    { "A123456(3)", TONGBAN_LANGUAGE_EN, "A 1 2 3 4 5 6 3" },
    { "a123456(3)", TONGBAN_LANGUAGE_ZH_HK, "A 1 2 3 4 5 6 3" },
    { "1250.50", TONGBAN_LANGUAGE_EN, "1 2 5 0 point 5 0" },
    { "1250.50", TONGBAN_LANGUAGE_ZH_CN, "1 2 5 0 点 5 0" },
    { "912 345-67", TONGBAN_LANGUAGE_ZH_HK, "9 1 2 3 4 5 6 7" },
    { "", TONGBAN_LANGUAGE_EN, "" },
  };
  g_autofree char *path = NULL;
  TongbanSpeech *speech;
  guint id;
  Wav wav;

  for (guint i = 0; i < G_N_ELEMENTS (spelt); i++)
    {
      g_autofree char *out = tongban_speech_spell (spelt[i].in, spelt[i].l);

      g_assert_cmpstr (out, ==, spelt[i].out);
    }

  speech = new_file_engine (f, "read-back.wav", &path);
  /* No headset: the label and "you typed" are said, the value is not. */
  id = tongban_speech_say_read_back (speech, "Identity card number", "A123456(3)", TRUE,
                                     TONGBAN_LANGUAGE_EN);
  g_assert_true (run_until (&f->ev, is_done, GUINT_TO_POINTER (id), 10000));
  g_assert_cmpuint (f->ev.synth->len, ==, 2);
  g_assert_cmpstr (((SynthRecord *) g_ptr_array_index (f->ev.synth, 0))->text, ==,
                   "Identity card number: You typed");
  g_assert_cmpint (last_synth (f)->kind, ==, TONGBAN_SPEECH_KIND_WITHHELD);
  for (guint i = 0; i < f->ev.synth->len; i++)
    g_assert_false (has_digit (((SynthRecord *) g_ptr_array_index (f->ev.synth, i))->text));

  /* Into a headset: the value, character by character, in the voice of
   * the language. */
  tongban_speech_set_headset (speech, TRUE);
  id = tongban_speech_say_read_back (speech, "身份證號碼", "A123456(3)", TRUE,
                                     TONGBAN_LANGUAGE_ZH_HK);
  g_assert_true (run_until (&f->ev, is_done, GUINT_TO_POINTER (id), 10000));
  g_assert_cmpint (last_synth (f)->kind, ==, TONGBAN_SPEECH_KIND_PERSONAL);
  g_assert_cmpstr (last_synth (f)->text, ==, "A 1 2 3 4 5 6 3");
  g_assert_true (g_str_has_suffix (last_synth (f)->voice_identifier, "yue"));
  g_assert_cmpstr (((SynthRecord *) g_ptr_array_index (f->ev.synth, f->ev.synth->len - 2))->text,
                   ==, "身份證號碼：您輸入的是");

  /* An empty field says so, and nothing personal. */
  id = tongban_speech_say_read_back (speech, "Name", "", FALSE, TONGBAN_LANGUAGE_EN);
  g_assert_true (run_until (&f->ev, is_done, GUINT_TO_POINTER (id), 10000));
  g_assert_cmpstr (last_synth (f)->text, ==, "Name: Nothing typed yet");
  g_assert_cmpint (last_synth (f)->kind, ==, TONGBAN_SPEECH_KIND_TEXT);
  g_assert_finalize_object (speech);

  wav_read (path, &wav);
  g_assert_cmpfloat (wav_voiced (&wav, NULL), >, 1.0);
  wav_clear (&wav);
}

/* No sound card or a broken sink: the engine says so and the kiosk goes on. */
static void
test_no_audio (Fixture *f, gconstpointer data)
{
  static const char *const sinks[] = {
    "no-such-element",
    "file:/nonexistent/dir/out.wav",
  };

  for (guint i = 0; i < G_N_ELEMENTS (sinks); i++)
    {
      TongbanSpeech *speech = tongban_speech_new (sinks[i]);
      guint id;

      run_for (&f->ev, 50);
      g_assert_cmpint (tongban_speech_get_status (speech), ==, TONGBAN_SPEECH_STATUS_NO_AUDIO);
      id = tongban_speech_say (speech, "Hello", TONGBAN_LANGUAGE_EN,
                               TONGBAN_SPEECH_PRIORITY_NORMAL);
      g_assert_cmpuint (id, ==, 0);
      tongban_speech_stop (speech);
      tongban_speech_pause (speech);
      tongban_speech_resume (speech);
      tongban_speech_reset (speech);
      g_assert_finalize_object (speech);
    }

  /* The production sink on a machine without a sound card (as in CI) falls
   * back to a fakesink inside autoaudiosink: that is no audio too. */
  if (!g_file_test ("/dev/snd", G_FILE_TEST_EXISTS) && g_getenv ("PULSE_SERVER") == NULL)
    {
      TongbanSpeech *speech = tongban_speech_new (NULL);

      g_assert_cmpint (tongban_speech_get_status (speech), ==, TONGBAN_SPEECH_STATUS_NO_AUDIO);
      g_assert_cmpuint (tongban_speech_say (speech, "Hello", TONGBAN_LANGUAGE_EN,
                                            TONGBAN_SPEECH_PRIORITY_NORMAL), ==, 0);
      g_assert_finalize_object (speech);
    }
}

/* espeak-ng's data folder is there but empty, as on a machine where the
 * voices were not installed: the engine says so (the status the monitor
 * reports, "hardware-error"), accepts nothing, and never crashes or hangs.
 * Alone in its process (tests/speech/meson.build): espeak-ng reads its data
 * path once. */
static void
test_no_voice (Fixture *f, gconstpointer data)
{
  g_autofree char *data_dir = g_build_filename (f->dir, "espeak-ng-data", NULL);
  TongbanSpeech *speech;

  g_assert_cmpint (g_mkdir (data_dir, 0700), ==, 0);
  g_setenv ("ESPEAK_DATA_PATH", f->dir, TRUE);
  speech = tongban_speech_new ("fakesink");
  g_assert_cmpint (tongban_speech_get_status (speech), ==, TONGBAN_SPEECH_STATUS_NO_VOICE);
  g_assert_cmpstr (tongban_speech_status_to_component (tongban_speech_get_status (speech)), ==,
                   "hardware-error");
  g_assert_cmpuint (tongban_speech_say (speech, "Hello", TONGBAN_LANGUAGE_EN,
                                        TONGBAN_SPEECH_PRIORITY_NORMAL), ==, 0);
  g_assert_cmpuint (tongban_speech_say_read_back (speech, "Name", "Chan", FALSE,
                                                  TONGBAN_LANGUAGE_EN), ==, 0);
  tongban_speech_stop (speech);
  tongban_speech_repeat (speech);
  tongban_speech_reset (speech);
  g_assert_finalize_object (speech);
  g_rmdir (data_dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  if (g_getenv ("TONGBAN_TEST_NO_VOICE") != NULL)
    {
      ADD ("/speech/no-voice", test_no_voice);
      return g_test_run ();
    }
  ADD ("/speech/voices", test_voices);
  ADD ("/speech/stop", test_stop);
  ADD ("/speech/masked", test_masked);
  ADD ("/speech/personal", test_personal);
  ADD ("/speech/personal-unplug", test_personal_unplug);
  ADD ("/speech/priority", test_priority);
  ADD ("/speech/volume", test_volume);
  ADD ("/speech/reset", test_reset);
  ADD ("/speech/repeat", test_repeat_and_slow);
  ADD ("/speech/pause", test_pause);
  ADD ("/speech/rapid-touches", test_rapid_touches);
  ADD ("/speech/read-back", test_read_back);
  ADD ("/speech/no-audio", test_no_audio);
#undef ADD

  return g_test_run ();
}
