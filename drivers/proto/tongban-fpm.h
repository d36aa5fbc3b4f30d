/* tongban-fpm.h: packets of the UART optical fingerprint modules (AS60x, ZFM, R30x family)
 *
 * A packet is EF 01, a 4-byte module address (FF FF FF FF unless set), a
 * packet identifier (01 command, 02 data, 07 acknowledge, 08 last data), a
 * big-endian length counting the content and the 2-byte checksum, the
 * content, and the checksum: the low 16 bits of the sum of the identifier,
 * the two length bytes and the content. A command's content is an
 * instruction code and its parameters; an acknowledgement's a confirmation
 * code and its results. Pure functions over bytes: no I/O.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TONGBAN_FPM_HEADER_LEN       9       /* EF 01, address, PID, length */
#define TONGBAN_FPM_DEFAULT_ADDRESS  0xFFFFFFFFu
/* The largest data packet (256 bytes) plus its checksum: nothing is longer. */
#define TONGBAN_FPM_MAX_LEN          258
#define TONGBAN_FPM_TEMPLATE_LEN     512     /* a character buffer, uploaded or downloaded */

/* Packet identifiers */
enum {
  TONGBAN_FPM_PID_COMMAND   = 0x01,
  TONGBAN_FPM_PID_DATA      = 0x02,
  TONGBAN_FPM_PID_ACK       = 0x07,
  TONGBAN_FPM_PID_END_DATA  = 0x08,
};

/* Instruction codes */
enum {
  TONGBAN_FPM_GEN_IMG       = 0x01,  /* capture an image of the finger on the sensor */
  TONGBAN_FPM_IMG2TZ        = 0x02,  /* (buffer id) features of the image into a buffer */
  TONGBAN_FPM_MATCH         = 0x03,  /* compare buffers 1 and 2 -> score */
  TONGBAN_FPM_SEARCH        = 0x04,  /* (buffer id, start page, count) -> page, score */
  TONGBAN_FPM_REG_MODEL     = 0x05,  /* merge buffers 1 and 2 into a template */
  TONGBAN_FPM_STORE         = 0x06,  /* (buffer id, page) into the library */
  TONGBAN_FPM_UP_CHAR       = 0x08,  /* (buffer id) -> ack, then data packets to the host */
  TONGBAN_FPM_DOWN_CHAR     = 0x09,  /* (buffer id) -> ack, then data packets from the host */
  TONGBAN_FPM_READ_SYS_PARA = 0x0F,  /* -> 16 bytes of system parameters */
  TONGBAN_FPM_VFY_PWD       = 0x13,  /* (4-byte password) */
  TONGBAN_FPM_TEMPLATE_NUM  = 0x1D,  /* -> number of stored templates */
};

/* Confirmation codes */
enum {
  TONGBAN_FPM_OK                = 0x00,
  TONGBAN_FPM_RECEIVE_ERROR     = 0x01,
  TONGBAN_FPM_NO_FINGER         = 0x02,
  TONGBAN_FPM_IMAGE_FAILED      = 0x03,
  TONGBAN_FPM_IMAGE_MESSY       = 0x06,
  TONGBAN_FPM_FEW_FEATURES      = 0x07,
  TONGBAN_FPM_NO_MATCH          = 0x08,
  TONGBAN_FPM_NOT_FOUND         = 0x09,
  TONGBAN_FPM_MERGE_FAILED      = 0x0A,
  TONGBAN_FPM_BAD_PAGE          = 0x0B,
  TONGBAN_FPM_TEMPLATE_INVALID  = 0x0C,
  TONGBAN_FPM_UPLOAD_FAILED     = 0x0D,
  TONGBAN_FPM_CANNOT_RECEIVE    = 0x0E,
  TONGBAN_FPM_WRONG_PASSWORD    = 0x13,
  TONGBAN_FPM_NO_VALID_IMAGE    = 0x15,
  TONGBAN_FPM_FLASH_ERROR       = 0x18,
};

typedef enum {
  TONGBAN_FPM_PARSE_OK,
  TONGBAN_FPM_PARSE_NEED_MORE,
  TONGBAN_FPM_PARSE_INVALID,
} TongbanFpmParse;

typedef struct
{
  guint32       address;
  guint8        pid;
  const guint8 *content;    /* points into the input */
  gsize         content_len;
} TongbanFpmPacket;

/* What ReadSysPara reports. */
typedef struct
{
  guint16 status;           /* bit 0 busy, bit 1 finger matched, bit 2 password verified */
  guint16 system_id;
  guint16 library_size;
  guint16 security_level;   /* 1 (loosest) … 5 */
  guint32 address;
  guint   packet_size;      /* bytes of data in a data packet: 32, 64, 128 or 256 */
  guint   baud;             /* 9600 × N */
} TongbanFpmSysPara;

GByteArray      *tongban_fpm_build            (guint32            address,
                                               guint8             pid,
                                               const guint8      *content,
                                               gsize              content_len);
GByteArray      *tongban_fpm_build_command    (guint32            address,
                                               guint8             instruction,
                                               const guint8      *params,
                                               gsize              params_len);
GByteArray      *tongban_fpm_build_ack        (guint32            address,
                                               guint8             code,
                                               const guint8      *results,
                                               gsize              results_len);
void             tongban_fpm_append_data      (GByteArray        *out,
                                               guint32            address,
                                               const guint8      *data,
                                               gsize              length,
                                               guint              packet_size);
TongbanFpmParse  tongban_fpm_parse            (const guint8      *buffer,
                                               gsize              length,
                                               TongbanFpmPacket  *packet,
                                               gsize             *consumed,
                                               GError           **error);
const char      *tongban_fpm_code_describe    (guint8             code);
gboolean         tongban_fpm_packet_size_valid (guint             packet_size);
gboolean         tongban_fpm_sys_para_decode  (const guint8      *results,
                                               gsize              length,
                                               TongbanFpmSysPara *para,
                                               GError           **error);
void             tongban_fpm_sys_para_encode  (const TongbanFpmSysPara *para,
                                               guint8             out[16]);

G_END_DECLS
