/* tongban-sam.h: frames of the resident ID card SAM module (GA 467 readers)
 *
 * A frame is AA AA AA 96 69, a big-endian length counting every byte after
 * it (checksum included), the body, and an XOR checksum over the length and
 * body. Requests carry CMD PARA [data], replies SW1 SW2 SW3 [data]; SW3 0x90
 * is success, 0x9F "card found". Pure functions over bytes: no I/O.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TONGBAN_SAM_HEADER_LEN  7      /* preamble + length */
#define TONGBAN_SAM_MAX_LEN     4096   /* largest length field we accept */
#define TONGBAN_SAM_TEXT_LEN    256
#define TONGBAN_SAM_PHOTO_LEN   1024

/* Commands (CMD, PARA) */
#define TONGBAN_SAM_CMD_RESET        0x10, 0xFF
#define TONGBAN_SAM_CMD_STATUS       0x11, 0xFF
#define TONGBAN_SAM_CMD_SAM_ID       0x12, 0xFF
#define TONGBAN_SAM_CMD_FIND         0x20, 0x01
#define TONGBAN_SAM_CMD_SELECT       0x20, 0x02
#define TONGBAN_SAM_CMD_READ         0x30, 0x01
#define TONGBAN_SAM_CMD_READ_ALL     0x30, 0x10

/* SW3 values */
enum {
  TONGBAN_SAM_SW_OK              = 0x90,
  TONGBAN_SAM_SW_NO_CONTENT      = 0x91,
  TONGBAN_SAM_SW_FOUND           = 0x9F,
  TONGBAN_SAM_SW_CHECKSUM_ERROR  = 0x10,
  TONGBAN_SAM_SW_LENGTH_ERROR    = 0x11,
  TONGBAN_SAM_SW_BAD_COMMAND     = 0x21,
  TONGBAN_SAM_SW_AUTH_FAILED     = 0x31,
  TONGBAN_SAM_SW_AUTH_FAILED2    = 0x32,
  TONGBAN_SAM_SW_UNKNOWN_CARD    = 0x40,
  TONGBAN_SAM_SW_READ_FAILED     = 0x41,
  TONGBAN_SAM_SW_SELF_TEST       = 0x60,
  TONGBAN_SAM_SW_UNAUTHORIZED    = 0x66,
  TONGBAN_SAM_SW_FIND_FAILED     = 0x80,
  TONGBAN_SAM_SW_SELECT_FAILED   = 0x81,
};

typedef enum {
  TONGBAN_SAM_PARSE_OK,
  TONGBAN_SAM_PARSE_NEED_MORE,
  TONGBAN_SAM_PARSE_INVALID,
} TongbanSamParse;

typedef struct
{
  const guint8 *body;      /* CMD PARA … or SW1 SW2 SW3 …, points into the input */
  gsize         body_len;
} TongbanSamFrame;

GByteArray      *tongban_sam_build        (const guint8    *head,
                                           gsize            head_len,
                                           const guint8    *data,
                                           gsize            data_len);
GByteArray      *tongban_sam_build_command (guint8          cmd,
                                            guint8          para,
                                            const guint8   *data,
                                            gsize           data_len);
GByteArray      *tongban_sam_build_reply  (guint8           sw3,
                                           const guint8    *data,
                                           gsize            data_len);
TongbanSamParse  tongban_sam_parse        (const guint8    *buffer,
                                           gsize            length,
                                           TongbanSamFrame *frame,
                                           gsize           *consumed,
                                           GError         **error);
const char      *tongban_sam_sw3_describe (guint8           sw3);

/* Text fields of the card, in card order. */
typedef enum {
  TONGBAN_ID_NAME,
  TONGBAN_ID_SEX,
  TONGBAN_ID_NATION,
  TONGBAN_ID_BIRTH,
  TONGBAN_ID_ADDRESS,
  TONGBAN_ID_NUMBER,
  TONGBAN_ID_AUTHORITY,
  TONGBAN_ID_VALID_FROM,
  TONGBAN_ID_VALID_TO,
  TONGBAN_ID_PASS_NUMBER,   /* HK/Macau/Taiwan residence permit ('J') only */
  TONGBAN_ID_ISSUE_COUNT,   /* idem */
  TONGBAN_ID_N_FIELDS
} TongbanIdField;

typedef struct
{
  char    card_type;        /* ' ' resident ID card, 'J' residence permit, 'I' foreigner */
  char   *fields[TONGBAN_ID_N_FIELDS];
  GBytes *photo;            /* WLT, undecoded */
  GBytes *fingerprint;      /* NULL when the card carries none */
} TongbanIdentity;

const char      *tongban_id_field_name     (TongbanIdField   field);
TongbanIdentity *tongban_identity_decode   (const guint8    *payload,
                                            gsize            length,
                                            gboolean         with_fingerprint,
                                            GError         **error);
GByteArray      *tongban_identity_encode   (const TongbanIdentity *identity,
                                            gboolean         with_fingerprint);
void             tongban_identity_free     (TongbanIdentity *identity);
gboolean         tongban_id_number_valid   (const char      *number);
char            *tongban_identity_describe (const TongbanIdentity *identity);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanIdentity, tongban_identity_free)

G_END_DECLS
