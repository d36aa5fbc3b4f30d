/* tongban-escpos.h: ESC/POS for the 76/80 mm receipt printer
 *
 * Three pure codecs: a builder for the bytes of a receipt (GB18030 text,
 * bold and size, QR via GS ( k, raster images, cut), a reader for what the
 * printer sends back (automatic status back, DLE EOT and GS r replies), and a
 * decoder for the command stream, which the printer simulator and the tests
 * use to see what a real printer would print.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TongbanEscpos TongbanEscpos;

typedef enum {
  TONGBAN_ESCPOS_ALIGN_LEFT,
  TONGBAN_ESCPOS_ALIGN_CENTER,
  TONGBAN_ESCPOS_ALIGN_RIGHT,
} TongbanEscposAlign;

TongbanEscpos *tongban_escpos_new        (void);
void           tongban_escpos_free       (TongbanEscpos      *self);
gboolean       tongban_escpos_text       (TongbanEscpos      *self,
                                          const char         *utf8,
                                          GError            **error);
void           tongban_escpos_bold       (TongbanEscpos      *self,
                                          gboolean            bold);
void           tongban_escpos_size       (TongbanEscpos      *self,
                                          guint               width,
                                          guint               height);
void           tongban_escpos_align      (TongbanEscpos      *self,
                                          TongbanEscposAlign  align);
void           tongban_escpos_feed       (TongbanEscpos      *self,
                                          guint               lines);
gboolean       tongban_escpos_qr         (TongbanEscpos      *self,
                                          const guint8       *data,
                                          gsize               length,
                                          guint               module_size,
                                          GError            **error);
gboolean       tongban_escpos_raster     (TongbanEscpos      *self,
                                          guint               width,
                                          guint               height,
                                          const guint8       *bits,
                                          gsize               length,
                                          GError            **error);
void           tongban_escpos_cut        (TongbanEscpos      *self,
                                          gboolean            partial);
void           tongban_escpos_raw        (TongbanEscpos      *self,
                                          const guint8       *data,
                                          gsize               length);
GBytes        *tongban_escpos_steal      (TongbanEscpos      *self);

/* Fixed sequences the driver sends. */
#define TONGBAN_ESCPOS_INIT          "\x1b\x40"
#define TONGBAN_ESCPOS_ASB_ON        "\x1d\x61\x0f"   /* GS a: drawer, online, error, paper */
#define TONGBAN_ESCPOS_PAPER_STATUS  "\x1d\x72\x01"   /* GS r 1, answered in sequence */
#define TONGBAN_ESCPOS_RT_PAPER      "\x10\x04\x04"   /* DLE EOT 4, answered at once */

typedef struct
{
  gboolean offline;
  gboolean cover_open;
  gboolean cutter_error;
  gboolean unrecoverable;
  gboolean paper_near_end;
  gboolean paper_out;
} TongbanEscposStatus;

typedef enum {
  TONGBAN_ESCPOS_REPLY_NEED_MORE,
  TONGBAN_ESCPOS_REPLY_ASB,        /* 4 bytes, fills status */
  TONGBAN_ESCPOS_REPLY_RT_STATUS,  /* DLE EOT reply, 1 byte */
  TONGBAN_ESCPOS_REPLY_PAPER,      /* GS r 1 reply, 1 byte, fills paper fields */
  TONGBAN_ESCPOS_REPLY_INVALID,
} TongbanEscposReply;

TongbanEscposReply tongban_escpos_parse_reply (const guint8        *buffer,
                                               gsize                length,
                                               TongbanEscposStatus *status,
                                               gsize               *consumed);
void               tongban_escpos_encode_asb  (const TongbanEscposStatus *status,
                                               guint8               out[4]);
guint8             tongban_escpos_encode_paper (const TongbanEscposStatus *status);
gboolean           tongban_escpos_rt_paper_status (guint8               byte,
                                                   TongbanEscposStatus *status);

/* The command stream, as a printer reads it. */
typedef enum {
  TONGBAN_ESCPOS_CMD_TEXT,        /* data: printable bytes and LF, printer encoding */
  TONGBAN_ESCPOS_CMD_INIT,
  TONGBAN_ESCPOS_CMD_BOLD,        /* arg */
  TONGBAN_ESCPOS_CMD_SIZE,        /* arg: GS ! n */
  TONGBAN_ESCPOS_CMD_ALIGN,       /* arg */
  TONGBAN_ESCPOS_CMD_FEED,        /* arg: lines */
  TONGBAN_ESCPOS_CMD_CUT,         /* arg: 0 full, 1 partial */
  TONGBAN_ESCPOS_CMD_CHINESE,     /* arg: 1 FS &, 0 FS . */
  TONGBAN_ESCPOS_CMD_QR_SETUP,    /* arg: function 65/67/69 */
  TONGBAN_ESCPOS_CMD_QR_STORE,    /* data */
  TONGBAN_ESCPOS_CMD_QR_PRINT,
  TONGBAN_ESCPOS_CMD_RASTER,      /* width (bytes), height, data */
  TONGBAN_ESCPOS_CMD_ASB,         /* arg: GS a n */
  TONGBAN_ESCPOS_CMD_RT_STATUS,   /* arg: DLE EOT n */
  TONGBAN_ESCPOS_CMD_PAPER_STATUS,/* arg: GS r n */
} TongbanEscposCmdKind;

typedef struct
{
  TongbanEscposCmdKind kind;
  guint                arg;
  guint                width;
  guint                height;
  const guint8        *data;      /* points into the input */
  gsize                length;
} TongbanEscposCmd;

typedef enum {
  TONGBAN_ESCPOS_PARSE_OK,
  TONGBAN_ESCPOS_PARSE_NEED_MORE,
  TONGBAN_ESCPOS_PARSE_INVALID,
} TongbanEscposParse;

TongbanEscposParse tongban_escpos_next_command (const guint8      *buffer,
                                                gsize              length,
                                                TongbanEscposCmd  *cmd,
                                                gsize             *consumed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanEscpos, tongban_escpos_free)

G_END_DECLS
