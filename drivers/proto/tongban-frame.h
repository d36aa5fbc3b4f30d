/* tongban-frame.h: the STX frames of the PIN pad and the light board
 *
 * Neither device class has one public wire protocol, so the kiosk defines
 * this one and a firmware or a small adapter speaks it:
 *
 *   02 LEN CMD DATA… BCC 03
 *
 * LEN counts CMD and DATA (1..64); BCC is the XOR of LEN, CMD and DATA.
 * PIN pad: host sends 'E' (enable keys), 'D' (disable), 'B' (beep); the pad
 * sends 'K' <key> for each key and 'A' <0|error> to acknowledge.
 * Light board (20 outputs, 5 inputs): host sends 'L' <output 0-19> <rate 0-4>
 * and 'I' (read inputs); the board answers 'A' <0|error>, and sends
 * 'I' <bitmask of inputs 0-4> when asked and whenever an input changes.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TONGBAN_FRAME_STX      0x02
#define TONGBAN_FRAME_ETX      0x03
#define TONGBAN_FRAME_MAX_LEN  64

enum {
  TONGBAN_PINPAD_ENABLE  = 'E',
  TONGBAN_PINPAD_DISABLE = 'D',
  TONGBAN_PINPAD_BEEP    = 'B',
  TONGBAN_PINPAD_KEY     = 'K',
  TONGBAN_FRAME_ACK      = 'A',
  TONGBAN_LIGHTS_SET     = 'L',
  TONGBAN_LIGHTS_INPUTS  = 'I',
};

/* PIN pad key codes: '0'…'9', '.', and these. */
enum {
  TONGBAN_KEY_ENTER     = 0x0D,
  TONGBAN_KEY_CANCEL    = 0x1B,
  TONGBAN_KEY_CLEAR     = 0x7F,
  TONGBAN_KEY_BACKSPACE = 0x08,
};

#define TONGBAN_LIGHTS_OUTPUTS 20
#define TONGBAN_LIGHTS_INPUTS_N 5

typedef enum {
  TONGBAN_FLASH_OFF,
  TONGBAN_FLASH_SLOW,
  TONGBAN_FLASH_MEDIUM,
  TONGBAN_FLASH_QUICK,
  TONGBAN_FLASH_CONTINUOUS,
} TongbanFlashRate;

typedef enum {
  TONGBAN_FRAME_PARSE_OK,
  TONGBAN_FRAME_PARSE_NEED_MORE,
  TONGBAN_FRAME_PARSE_INVALID,
} TongbanFrameParse;

typedef struct
{
  guint8        cmd;
  const guint8 *data;     /* points into the input */
  gsize         length;
} TongbanFrame;

GByteArray        *tongban_frame_build     (guint8         cmd,
                                            const guint8  *data,
                                            gsize          length);
TongbanFrameParse  tongban_frame_parse     (const guint8  *buffer,
                                            gsize          length,
                                            TongbanFrame  *frame,
                                            gsize         *consumed);
const char        *tongban_key_name        (guint8         key);

G_END_DECLS
