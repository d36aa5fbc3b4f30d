/* tongban-mrz.h: the machine-readable zone of ID-1 size travel documents (ICAO 9303 TD1)
 *
 * Three lines of 30 characters, as on the card-type Exit-Entry Permit for
 * travelling to and from Hong Kong and Macao (往来港澳通行证, code "CS") and
 * other ID-1 documents. The document camera's OCR gives the text; this
 * checks every check digit and splits the fields. Pure.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *document_code;    /* "CS", "I", … (fillers removed) */
  char *issuing_state;
  char *document_number;
  char *birth;            /* YYMMDD */
  char *sex;              /* "M", "F" or "" */
  char *expiry;           /* YYMMDD */
  char *nationality;
  char *surname;
  char *given_names;      /* words separated by one space */
} TongbanMrz;

TongbanMrz *tongban_mrz_parse_td1   (const char *text,
                                     GError    **error);
guint       tongban_mrz_check_digit (const char *field,
                                     gsize       length);
void        tongban_mrz_free        (TongbanMrz *mrz);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanMrz, tongban_mrz_free)

G_END_DECLS
