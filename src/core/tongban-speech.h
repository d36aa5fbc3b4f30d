/* tongban-speech.h: the kiosk's voice guidance, offline, in three languages
 *
 * espeak-ng synthesises on a worker thread into a GStreamer pipeline (appsrc →
 * audioconvert → audioresample → volume → sink). Pages queue utterances with a
 * priority; a higher priority cuts in; any touch or key calls stop(). The
 * privacy rules live here, not in the pages: masked input is spoken as
 * "asterisk" per character and its characters never reach the synthesiser,
 * and personal text is spoken only into a headset. Nothing spoken is logged.
 *
 * Call the public functions from the main thread (the one that created the
 * engine); signals are emitted there, in order: "started" (id), "first-sample"
 * (id, monotonic µs when its first samples reached the sink), "finished" (id,
 * played to the end), "cancelled" (id, dropped by stop(), reset() or a missing
 * voice, or a hint cut in on), "stopped" (after stop()). An utterance cut in on
 * by a higher priority, or personal text whose headset was pulled out, is said
 * again from the start later ("started" again, same id). espeak-ng is one per
 * process, so run one engine at a time.
 *
 * Pages: call stop() on every touch or key, then say() what the new state
 * needs; reset() when the citizen's session ends.
 */
#pragma once

#include <glib-object.h>
#include "tongban-i18n.h"

G_BEGIN_DECLS

typedef enum {
  TONGBAN_SPEECH_PRIORITY_LOW,     /* hints: dropped when something more important cuts in */
  TONGBAN_SPEECH_PRIORITY_NORMAL,  /* page text: title, instruction, options */
  TONGBAN_SPEECH_PRIORITY_URGENT,  /* errors, countdown warnings, device prompts */
} TongbanSpeechPriority;

typedef enum {
  TONGBAN_SPEECH_FLAGS_NONE = 0,
  TONGBAN_SPEECH_PERSONAL   = 1 << 0,  /* the citizen's data: only into a headset */
  TONGBAN_SPEECH_MASKED     = 1 << 1,  /* say "asterisk" per character, never the text */
} TongbanSpeechFlags;

/* What the synthesiser is actually given for an utterance. */
typedef enum {
  TONGBAN_SPEECH_KIND_TEXT,
  TONGBAN_SPEECH_KIND_PERSONAL,  /* personal text, headset connected */
  TONGBAN_SPEECH_KIND_WITHHELD,  /* personal text replaced by the neutral phrase */
  TONGBAN_SPEECH_KIND_MASKED,    /* asterisks */
} TongbanSpeechKind;

typedef enum {
  TONGBAN_SPEECH_STATUS_READY,
  TONGBAN_SPEECH_STATUS_NO_VOICE,  /* espeak-ng or one of its voices is missing */
  TONGBAN_SPEECH_STATUS_NO_AUDIO,  /* the audio sink failed; the kiosk goes on silently */
} TongbanSpeechStatus;

#define TONGBAN_SPEECH_VOLUME_STEPS   8
#define TONGBAN_SPEECH_VOLUME_DEFAULT 4

/* For tests only: sees, on the worker thread, exactly what espeak-ng is about
 * to synthesise and the voice it selected. The kiosk never sets one. */
typedef void (*TongbanSpeechSynthHook) (const char        *voice_language,
                                        const char        *voice_identifier,
                                        TongbanSpeechKind  kind,
                                        const char        *text,
                                        gpointer           user_data);

#define TONGBAN_TYPE_SPEECH (tongban_speech_get_type ())
G_DECLARE_FINAL_TYPE (TongbanSpeech, tongban_speech, TONGBAN, SPEECH, GObject)

/* @sink: NULL or "" for autoaudiosink; "file:PATH" for a WAV file written as
 * fast as synthesis goes; anything else is a gst-launch description of the
 * sink ("fakesink sync=true", "alsasink device=hw:1"). Never fails: check
 * tongban_speech_get_status(). */
TongbanSpeech       *tongban_speech_new               (const char            *sink);
TongbanSpeechStatus  tongban_speech_get_status        (TongbanSpeech         *self);
const char          *tongban_speech_status_to_component (TongbanSpeechStatus status);

guint                tongban_speech_say               (TongbanSpeech         *self,
                                                       const char            *text,
                                                       TongbanLanguage        language,
                                                       TongbanSpeechPriority  priority);
guint                tongban_speech_say_full          (TongbanSpeech         *self,
                                                       const char            *text,
                                                       TongbanLanguage        language,
                                                       TongbanSpeechPriority  priority,
                                                       TongbanSpeechFlags     flags);
guint                tongban_speech_say_masked_input  (TongbanSpeech         *self,
                                                       guint                  n_chars,
                                                       TongbanLanguage        language);
guint                tongban_speech_say_read_back     (TongbanSpeech         *self,
                                                       const char            *label,
                                                       const char            *value,
                                                       gboolean               spell,
                                                       TongbanLanguage        language);
char                *tongban_speech_spell             (const char            *text,
                                                       TongbanLanguage        language);
guint                tongban_speech_repeat            (TongbanSpeech         *self);
void                 tongban_speech_stop              (TongbanSpeech         *self);
void                 tongban_speech_pause             (TongbanSpeech         *self);
void                 tongban_speech_resume            (TongbanSpeech         *self);
gboolean             tongban_speech_get_paused        (TongbanSpeech         *self);
gboolean             tongban_speech_is_speaking       (TongbanSpeech         *self);

void                 tongban_speech_set_volume_step   (TongbanSpeech         *self,
                                                       guint                  step);
guint                tongban_speech_get_volume_step   (TongbanSpeech         *self);
void                 tongban_speech_volume_up         (TongbanSpeech         *self);
void                 tongban_speech_volume_down       (TongbanSpeech         *self);
void                 tongban_speech_set_slow          (TongbanSpeech         *self,
                                                       gboolean               slow);
void                 tongban_speech_set_headset       (TongbanSpeech         *self,
                                                       gboolean               connected);
gboolean             tongban_speech_get_headset       (TongbanSpeech         *self);
void                 tongban_speech_reset             (TongbanSpeech         *self);

const char          *tongban_speech_voice_for         (TongbanLanguage        language);

/* Diagnostics and measurement. Times are g_get_monotonic_time() µs, 0 if none. */
gint64               tongban_speech_get_last_sample_time (TongbanSpeech      *self);
gpointer             tongban_speech_get_pipeline      (TongbanSpeech         *self);
void                 tongban_speech_set_synth_hook    (TongbanSpeech         *self,
                                                       TongbanSpeechSynthHook hook,
                                                       gpointer               user_data);

G_END_DECLS
