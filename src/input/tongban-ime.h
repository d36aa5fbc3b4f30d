/* tongban-ime.h: Chinese input through librime, for the on-screen keyboard
 *
 * Three schemas: pinyin with Simplified output (luna_pinyin_simp), pinyin
 * with Traditional output (the same schema with its zh_simp switch off) and
 * Cangjie 5 (Traditional). Keys go in as X11/GDK keysyms; out come the
 * preedit, a page of candidates and committed text.
 *
 * librime is global to the process, so there is one TongbanIme, from
 * tongban_ime_get_default(). Loading it (and, if no deployed data was found,
 * deploying, about 7 s) happens in a worker thread started by
 * tongban_ime_start(); until it has finished, :ready is FALSE and every call
 * does nothing. Once ready, each call takes a few milliseconds at most and is
 * made on the main thread. Nothing typed is logged or written to disk.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The keysyms the IME understands besides printable ASCII (same values as
 * GDK_KEY_*, so a GTK caller can pass those). */
#define TONGBAN_IME_KEY_BACKSPACE  0xff08
#define TONGBAN_IME_KEY_RETURN     0xff0d
#define TONGBAN_IME_KEY_ESCAPE     0xff1b
#define TONGBAN_IME_KEY_PAGE_UP    0xff55
#define TONGBAN_IME_KEY_PAGE_DOWN  0xff56

typedef enum {
  TONGBAN_IME_SCHEMA_PINYIN_SIMPLIFIED,
  TONGBAN_IME_SCHEMA_PINYIN_TRADITIONAL,
  TONGBAN_IME_SCHEMA_CANGJIE,
} TongbanImeSchema;

#define TONGBAN_TYPE_IME (tongban_ime_get_type ())
G_DECLARE_FINAL_TYPE (TongbanIme, tongban_ime, TONGBAN, IME, GObject)

TongbanIme         *tongban_ime_get_default          (void);
void                tongban_ime_start                (TongbanIme       *self);
gboolean            tongban_ime_is_ready             (TongbanIme       *self);
gboolean            tongban_ime_has_failed           (TongbanIme       *self);
const char         *tongban_ime_get_data_dir         (TongbanIme       *self);

gboolean            tongban_ime_set_schema           (TongbanIme       *self,
                                                      TongbanImeSchema  schema);
TongbanImeSchema    tongban_ime_get_schema           (TongbanIme       *self);

gboolean            tongban_ime_process_key          (TongbanIme       *self,
                                                      guint             keyval);
gboolean            tongban_ime_is_composing         (TongbanIme       *self);
const char         *tongban_ime_get_preedit          (TongbanIme       *self);
const char *const  *tongban_ime_get_candidates       (TongbanIme       *self);
guint               tongban_ime_get_page             (TongbanIme       *self);
gboolean            tongban_ime_is_last_page         (TongbanIme       *self);
gboolean            tongban_ime_select_candidate     (TongbanIme       *self,
                                                      guint             index);
gboolean            tongban_ime_change_page          (TongbanIme       *self,
                                                      gboolean          forward);
gboolean            tongban_ime_commit_preedit       (TongbanIme       *self);
char               *tongban_ime_take_commit          (TongbanIme       *self);
void                tongban_ime_reset                (TongbanIme       *self);

gboolean            tongban_ime_deploy               (const char       *shared_data_dir,
                                                      const char       *output_dir,
                                                      GError          **error);

G_END_DECLS
