/* tongban-validate.c: identity numbers, phones, dates and amounts
 *
 * Mainland resident ID: GB 11643-1999 (ISO 7064 MOD 11-2 check character,
 * birth date, province code). Hong Kong identity card: one or two letters,
 * six digits and a MOD 11 check character. Macao resident ID: 1, 5 or 7,
 * six digits and a check digit in brackets (the format only: the check rule
 * is not published). Hong Kong business registration: 8 digits, optionally
 * followed by the branch and certificate suffix.
 */

#include "tongban-validate.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include "tongban-clock.h"

static const char *type_names[TONGBAN_N_FIELD_TYPES] = {
  "text", "number", "amount", "date", "choice", "phone", "email", "address",
  "cn-id", "hkid", "mo-id", "hk-brn",
};

gboolean
tongban_field_type_from_string (const char       *name,
                                TongbanFieldType *type)
{
  for (guint i = 0; name != NULL && i < TONGBAN_N_FIELD_TYPES; i++)
    if (strcmp (name, type_names[i]) == 0)
      {
        *type = i;
        return TRUE;
      }
  return FALSE;
}

const char *
tongban_field_type_to_string (TongbanFieldType type)
{
  g_return_val_if_fail (type < TONGBAN_N_FIELD_TYPES, "text");
  return type_names[type];
}

/* Upper-cases ASCII and drops spaces, hyphens, brackets and full-width forms
 * of digits and letters, which people type as they see them on the card. */
static char *
squeeze (const char *text,
         const char *keep_extra)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0xFF01 && c <= 0xFF5E)   /* full-width ASCII */
        c -= 0xFEE0;
      if (c == ' ' || c == 0x3000 || c == '-' || c == '(' || c == ')')
        continue;
      if (c < 0x80 && (g_ascii_isalnum ((char) c) || (keep_extra && strchr (keep_extra, (int) c))))
        g_string_append_c (out, g_ascii_toupper ((char) c));
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static gboolean
all_digits (const char *s,
            gsize       n)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

const char *
tongban_validate_cn_id (const char  *text,
                        char       **normal)
{
  static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  static const char checks[] = "10X98765432";
  static const int provinces[] = {
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
    50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
  };
  g_autofree char *id = squeeze (text ? text : "", NULL);
  g_autoptr(GDateTime) now = tongban_clock_now_local ();
  int sum = 0, province, year, month, day;
  gboolean known = FALSE;

  if (*id == '\0')
    return N_("Enter the identity card number.");
  if (strlen (id) != 18 || !all_digits (id, 17) || !(g_ascii_isdigit (id[17]) || id[17] == 'X'))
    return N_("An identity card number has 18 characters: 17 digits, then a digit or X.");

  province = (id[0] - '0') * 10 + (id[1] - '0');
  for (guint i = 0; i < G_N_ELEMENTS (provinces); i++)
    known |= provinces[i] == province;
  year = (id[6] - '0') * 1000 + (id[7] - '0') * 100 + (id[8] - '0') * 10 + (id[9] - '0');
  month = (id[10] - '0') * 10 + (id[11] - '0');
  day = (id[12] - '0') * 10 + (id[13] - '0');
  if (!known || year < 1900 || month < 1 || month > 12 || day < 1 ||
      day > g_date_get_days_in_month (month, year) ||
      year * 10000 + month * 100 + day > g_date_time_get_year (now) * 10000 +
                                         g_date_time_get_month (now) * 100 +
                                         g_date_time_get_day_of_month (now))
    return N_("This identity card number is not right. Check it against your card.");

  for (int i = 0; i < 17; i++)
    sum += (id[i] - '0') * weights[i];
  if (checks[sum % 11] != id[17])
    return N_("This identity card number is not right. Check it against your card.");

  if (normal)
    *normal = g_steal_pointer (&id);
  return NULL;
}

const char *
tongban_validate_hkid (const char  *text,
                       char       **normal)
{
  g_autofree char *id = squeeze (text ? text : "", NULL);
  gsize len = strlen (id);
  gsize letters;
  char padded[9];
  int sum = 0, check;

  if (len == 0)
    return N_("Enter the Hong Kong identity card number.");
  letters = g_ascii_isalpha (id[0]) && len > 1 && g_ascii_isalpha (id[1]) ? 2 : 1;
  if ((len != letters + 7) || !g_ascii_isalpha (id[0]) || !all_digits (id + letters, 6) ||
      !(g_ascii_isdigit (id[len - 1]) || id[len - 1] == 'A'))
    return N_("A Hong Kong identity card number is one or two letters, six digits and a check "
              "digit, like A123456(3).");

  /* One-letter numbers are checked as if a space (value 36) stood first. */
  memset (padded, ' ', sizeof padded);
  memcpy (padded + (letters == 1 ? 1 : 0), id, len - 1);
  for (int i = 0; i < 8; i++)
    {
      char c = padded[i];
      int v = c == ' ' ? 36 : g_ascii_isalpha (c) ? c - 'A' + 10 : c - '0';

      sum += v * (9 - i);
    }
  check = (11 - sum % 11) % 11;
  if ((check == 10 ? 'A' : '0' + check) != id[len - 1])
    return N_("This Hong Kong identity card number is not right. Check it against your card.");

  if (normal)
    *normal = g_strdup_printf ("%.*s(%c)", (int) (len - 1), id, id[len - 1]);
  return NULL;
}

const char *
tongban_validate_mo_id (const char  *text,
                        char       **normal)
{
  g_autofree char *id = squeeze (text ? text : "", NULL);

  if (*id == '\0')
    return N_("Enter the Macao resident identity card number.");
  if (strlen (id) != 8 || !all_digits (id, 8) || strchr ("157", id[0]) == NULL)
    return N_("A Macao resident identity card number is 1, 5 or 7, six digits and a check "
              "digit, like 1234567(8).");
  if (normal)
    *normal = g_strdup_printf ("%.7s(%c)", id, id[7]);
  return NULL;
}

const char *
tongban_validate_hk_brn (const char  *text,
                         char       **normal)
{
  g_autofree char *id = squeeze (text ? text : "", NULL);
  gsize len = strlen (id);

  if (len == 0)
    return N_("Enter the business registration number.");
  /* 8 digits, or the full certificate number 12345678-000-01-24-6 (16 digits). */
  if (!all_digits (id, len) || (len != 8 && len != 16))
    return N_("A business registration number is the first 8 digits on the business "
              "registration certificate.");
  if (normal)
    *normal = g_strndup (id, 8);
  return NULL;
}

const char *
tongban_validate_phone (const char  *text,
                        const char  *region,
                        char       **normal)
{
  g_autofree char *num = squeeze (text ? text : "", "+");
  const char *digits = num;
  gsize len;

  if (*num == '\0')
    return N_("Enter a phone number.");
  if (g_str_has_prefix (num, "+86"))
    digits += 3, region = "gd";
  else if (g_str_has_prefix (num, "+852"))
    digits += 4, region = "hk";
  else if (g_str_has_prefix (num, "+853"))
    digits += 4, region = "mo";
  len = strlen (digits);

  if (!all_digits (digits, len))
    return N_("A phone number has digits only.");
  if (g_strcmp0 (region, "hk") == 0 ? (len == 8 && strchr ("235679", digits[0]) != NULL) :
      g_strcmp0 (region, "mo") == 0 ? (len == 8 && (digits[0] == '6' || digits[0] == '2')) :
      (len == 11 && digits[0] == '1' && digits[1] >= '3'))
    {
      if (normal)
        *normal = g_strdup (digits);
      return NULL;
    }
  if (g_strcmp0 (region, "hk") == 0 || g_strcmp0 (region, "mo") == 0)
    return N_("Enter the 8-digit phone number.");
  return N_("Enter the 11-digit mobile number, starting with 1.");
}

const char *
tongban_validate_email (const char  *text,
                        char       **normal)
{
  g_autofree char *mail = g_strstrip (g_strdup (text ? text : ""));
  const char *at = strchr (mail, '@');

  if (*mail == '\0')
    return N_("Enter an e-mail address.");
  if (at == NULL || at == mail || strchr (at + 1, '@') != NULL || strchr (at, '.') == NULL ||
      at[1] == '.' || g_str_has_suffix (mail, ".") || strpbrk (mail, " \t,;<>") != NULL ||
      strlen (mail) > 254)
    return N_("Enter the e-mail address in the form name@example.com.");
  if (normal)
    *normal = g_steal_pointer (&mail);
  return NULL;
}

const char *
tongban_validate_date (const char  *text,
                       char       **normal)
{
  g_autofree char *d = g_strstrip (g_strdup (text ? text : ""));
  int year, month, day;
  char tail;

  if (*d == '\0')
    return N_("Enter a date.");
  if (sscanf (d, "%4d-%2d-%2d%c", &year, &month, &day, &tail) != 3 || year < 1900 ||
      year > 2100 || month < 1 || month > 12 || day < 1 ||
      day > g_date_get_days_in_month (month, year))
    return N_("Enter a real date as year, month and day, like 2026-03-31.");
  if (normal)
    *normal = g_strdup_printf ("%04d-%02d-%02d", year, month, day);
  return NULL;
}

const char *
tongban_validate_amount (const char  *text,
                         double       max,
                         char       **normal)
{
  g_autofree char *a = squeeze (text ? text : "", ".,");
  char *w = a;
  const char *dot;
  double value;
  char *end = NULL;

  if (*a == '\0')
    return N_("Enter an amount.");
  /* squeeze() drops hyphens, which in an amount would be a minus sign. */
  if (strchr (text, '-') != NULL)
    return N_("Enter the amount in figures, with at most two decimal places, like 1250.50.");
  /* Thousands separators are written by some and read past by everyone. */
  for (const char *r = a; *r; r++)
    if (*r != ',')
      *w++ = *r;
  *w = '\0';
  dot = strchr (a, '.');
  value = g_ascii_strtod (a, &end);
  if (end == a || *end != '\0' || !all_digits (a, dot ? (gsize) (dot - a) : strlen (a)) ||
      (dot && (strlen (dot + 1) > 2 || !all_digits (dot + 1, strlen (dot + 1)))))
    return N_("Enter the amount in figures, with at most two decimal places, like 1250.50.");
  if (value < 0 || (max > 0 && value > max))
    return N_("This amount is larger than this service accepts.");
  if (normal)
    *normal = g_strdup_printf ("%.2f", value);
  return NULL;
}

const char *
tongban_validate_number (const char  *text,
                         gint64       min,
                         gint64       max,
                         char       **normal)
{
  g_autofree char *n = squeeze (text ? text : "", NULL);
  gint64 value;

  if (*n == '\0')
    return N_("Enter a number.");
  if (!g_ascii_string_to_signed (n, 10, min, max, &value, NULL))
    return N_("Enter a whole number in the range this question allows.");
  if (normal)
    *normal = g_strdup_printf ("%" G_GINT64_FORMAT, value);
  return NULL;
}
