/* tongban-session.h: everything that belongs to the citizen at the kiosk
 *
 * A session starts when a person touches the attract screen and ends when
 * they finish, cancel, walk away (idle timeout after a countdown warning),
 * take their card, or the kiosk must stop. At the end every value it holds is
 * overwritten with zeros before the memory is released, and "ended" tells
 * the pages to forget what they show.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  TONGBAN_SESSION_END_FINISHED,
  TONGBAN_SESSION_END_CANCELLED,
  TONGBAN_SESSION_END_TIMEOUT,
  TONGBAN_SESSION_END_CARD_REMOVED,
  TONGBAN_SESSION_END_POWER,
  TONGBAN_SESSION_END_MAINTENANCE,
} TongbanSessionEndReason;

#define TONGBAN_TYPE_SESSION (tongban_session_get_type ())
G_DECLARE_FINAL_TYPE (TongbanSession, tongban_session, TONGBAN, SESSION, GObject)

TongbanSession *tongban_session_new               (guint            idle_timeout_ms,
                                                   guint            warning_ms);
void            tongban_session_set_timeouts      (TongbanSession  *self,
                                                   guint            idle_timeout_ms,
                                                   guint            warning_ms);
void            tongban_session_begin             (TongbanSession  *self);
void            tongban_session_activity          (TongbanSession  *self);
void            tongban_session_end               (TongbanSession  *self,
                                                   TongbanSessionEndReason reason);
gboolean        tongban_session_get_active        (TongbanSession  *self);
gboolean        tongban_session_get_warning       (TongbanSession  *self);
guint           tongban_session_get_seconds_left  (TongbanSession  *self);
guint           tongban_session_get_extensions    (TongbanSession  *self);
void            tongban_session_set_value         (TongbanSession  *self,
                                                   const char      *key,
                                                   const char      *value);
const char     *tongban_session_get_value         (TongbanSession  *self,
                                                   const char      *key);
guint           tongban_session_get_n_values      (TongbanSession  *self);
const guint8   *tongban_session_peek_storage      (TongbanSession  *self,
                                                   gsize           *size);

G_END_DECLS
