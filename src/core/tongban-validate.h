/* tongban-validate.h: checking what a citizen types into a form
 *
 * Each check returns NULL when the value is acceptable (and may hand back the
 * value in its normal written form), or the English msgid of a plain message
 * that says what is wrong and how to put it right — never a code.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TONGBAN_FIELD_TEXT,
  TONGBAN_FIELD_NUMBER,
  TONGBAN_FIELD_AMOUNT,
  TONGBAN_FIELD_DATE,
  TONGBAN_FIELD_CHOICE,
  TONGBAN_FIELD_PHONE,
  TONGBAN_FIELD_EMAIL,
  TONGBAN_FIELD_ADDRESS,
  TONGBAN_FIELD_CN_ID,
  TONGBAN_FIELD_HKID,
  TONGBAN_FIELD_MO_ID,
  TONGBAN_FIELD_HK_BRN,
  TONGBAN_N_FIELD_TYPES
} TongbanFieldType;

gboolean    tongban_field_type_from_string (const char       *name,
                                            TongbanFieldType *type);
const char *tongban_field_type_to_string   (TongbanFieldType  type);

const char *tongban_validate_cn_id    (const char  *text,
                                       char       **normal);
const char *tongban_validate_hkid     (const char  *text,
                                       char       **normal);
const char *tongban_validate_mo_id    (const char  *text,
                                       char       **normal);
const char *tongban_validate_hk_brn   (const char  *text,
                                       char       **normal);
const char *tongban_validate_phone    (const char  *text,
                                       const char  *region,
                                       char       **normal);
const char *tongban_validate_email    (const char  *text,
                                       char       **normal);
const char *tongban_validate_date     (const char  *text,
                                       char       **normal);
const char *tongban_validate_amount   (const char  *text,
                                       double       max,
                                       char       **normal);
const char *tongban_validate_number   (const char  *text,
                                       gint64       min,
                                       gint64       max,
                                       char       **normal);

G_END_DECLS
