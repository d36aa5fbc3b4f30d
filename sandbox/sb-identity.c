/* sb-identity.c: the identity service (system "identity", docs/gateway.md section 4) and
 * the pages a phone opens: the QR login and QR payment
 *
 * auth.id-card, auth.permit and auth.fingerprint check the document against the seeded
 * records (exists, current, same person); auth.face accepts only a live result and a
 * photo that decodes as a JPEG, for a citizen with an enrolled face. auth.qr-start makes
 * a one-use ticket for two minutes; the phone page at its URL lets a person sign in with
 * an ID number and password and confirm, after which auth.qr answers verified once.
 */

#include "sb-ops.h"
#include "tongban-mask.h"
#include "tongban-secret-hash.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

#define QR_TICKET_SECONDS 120
#define QR_MAX_TRIES      5

static JsonObject *
verified (JsonObject *person)
{
  JsonObject *o = json_object_new ();
  JsonObject *c = json_object_new ();
  const char *keys[] = { "id_type", "id_number", "name", "name_en", "birth" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    json_object_set_string_member (c, keys[i], sb_str (person, keys[i]));
  json_object_set_boolean_member (o, "verified", TRUE);
  json_object_set_object_member (o, "citizen", c);
  return o;
}

/* "1990-01-01", "19900101" or an MRZ "900101" as "1990-01-01"; NULL if none of these. */
static char *
normal_date (const char *text,
             gboolean    future)
{
  char d[9];
  gsize n = text ? strlen (text) : 0;
  guint j = 0;

  for (gsize i = 0; i < n && j < 8; i++)
    if (g_ascii_isdigit (text[i]))
      d[j++] = text[i];
    else if (text[i] != '-')
      return NULL;
  if (j == 6 && n == 6)
    {
      int yy = (d[0] - '0') * 10 + (d[1] - '0');
      /* MRZ years: expiry dates are this century; birth dates after this year's two
       * digits are last century's. */
      gboolean c20 = !future && yy > 30;

      memmove (d + 2, d, 6);
      d[0] = c20 ? '1' : '2';
      d[1] = c20 ? '9' : '0';
      j = 8;
      n = 8;
    }
  if (j != 8 || (n != 8 && n != 10))
    return NULL;
  d[8] = '\0';
  return g_strdup_printf ("%.4s-%.2s-%.2s", d, d + 4, d + 6);
}

static gboolean
expired (const char *date)
{
  g_autofree char *today = sb_today ();

  return date == NULL || strcmp (date, today) < 0;
}

/* Common checks of an ID card read: number known, name, birth date, expiry. */
static JsonObject *
check_card (SbSandbox  *sb,
            SbCall     *call,
            char      **reason)
{
  const char *number = sb_param (call->params, "id_number");
  const char *name = sb_param (call->params, "name");
  g_autofree char *birth = normal_date (sb_param (call->params, "birth"), FALSE);
  g_autofree char *expiry = normal_date (sb_param (call->params, "expiry"), TRUE);
  JsonObject *person;

  if (number == NULL || name == NULL || birth == NULL
      || (sb_param (call->params, "expiry") && expiry == NULL))
    return sb_refuse (reason, "invalid-field");
  person = sb_seed_citizen (sb, number);
  if (person == NULL || g_strcmp0 (sb_str (person, "id_type"), "resident-id") != 0)
    return sb_refuse (reason, "not-found");
  if (g_strcmp0 (sb_str (person, "name"), name) != 0)
    return sb_refuse (reason, "identity-mismatch");
  if (g_strcmp0 (sb_str (person, "birth"), birth) != 0
      || (expiry && g_strcmp0 (sb_str (person, "card_expiry"), expiry) != 0))
    return sb_refuse (reason, "document-invalid");
  if (expired (sb_str (person, "card_expiry")))
    return sb_refuse (reason, "document-expired");
  return person;
}

static JsonObject *
auth_id_card (SbSandbox  *sb,
              SbCall     *call,
              char      **reason)
{
  JsonObject *person = check_card (sb, call, reason);

  return person ? verified (person) : NULL;
}

static JsonObject *
auth_fingerprint (SbSandbox  *sb,
                  SbCall     *call,
                  char      **reason)
{
  JsonNode *match = json_object_get_member (call->params, "match");
  JsonObject *person;

  if (match == NULL || !JSON_NODE_HOLDS_VALUE (match)
      || json_node_get_value_type (match) != G_TYPE_BOOLEAN)
    return sb_refuse (reason, "invalid-field");
  person = check_card (sb, call, reason);
  if (person == NULL)
    return NULL;
  if (!json_node_get_boolean (match))
    return sb_refuse (reason, "identity-mismatch");
  return verified (person);
}

/* MRZ names: "CHAN<<TAI<MAN" or "CHAN TAI MAN", any case. */
static char *
mrz_name (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text ? text : ""; *p; p++)
    {
      char c = *p == '<' || *p == ',' ? ' ' : g_ascii_toupper (*p);

      if (c == ' ' && (s->len == 0 || s->str[s->len - 1] == ' '))
        continue;
      g_string_append_c (s, c);
    }
  while (s->len > 0 && s->str[s->len - 1] == ' ')
    g_string_truncate (s, s->len - 1);
  return g_string_free (s, FALSE);
}

static JsonObject *
auth_permit (SbSandbox  *sb,
             SbCall     *call,
             char      **reason)
{
  const char *number = sb_param (call->params, "document_number");
  const char *name = sb_param (call->params, "name");
  g_autofree char *birth = normal_date (sb_param (call->params, "birth"), FALSE);
  g_autofree char *expiry = normal_date (sb_param (call->params, "expiry"), TRUE);
  g_autofree char *given = NULL;
  g_autofree char *seeded = NULL;
  JsonObject *person, *permit;

  if (number == NULL || birth == NULL || expiry == NULL)
    return sb_refuse (reason, "invalid-field");
  person = sb_seed_citizen (sb, number);
  permit = sb_obj (person, "permit");
  if (permit == NULL || g_strcmp0 (sb_str (permit, "number"), number) != 0)
    return sb_refuse (reason, "not-found");
  given = mrz_name (name);
  seeded = mrz_name (sb_str (person, "name_en"));
  if (name && g_strcmp0 (name, sb_str (person, "name")) != 0 && strcmp (given, seeded) != 0)
    return sb_refuse (reason, "identity-mismatch");
  if (g_strcmp0 (sb_str (person, "birth"), birth) != 0
      || g_strcmp0 (sb_str (permit, "expiry"), expiry) != 0)
    return sb_refuse (reason, "document-invalid");
  if (expired (expiry))
    return sb_refuse (reason, "document-expired");
  return verified (person);
}

static gboolean
is_jpeg (const char *base64)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autofree guchar *data = NULL;
  gsize len = 0;
  GdkPixbuf *pixbuf;
  gboolean ok;

  if (base64 == NULL || *base64 == '\0')
    return FALSE;
  data = g_base64_decode (base64, &len);
  /* A JPEG starts with SOI (FF D8 FF); the loader then has to decode all of it. */
  if (len < 4 || data[0] != 0xFF || data[1] != 0xD8 || data[2] != 0xFF)
    return FALSE;
  loader = gdk_pixbuf_loader_new_with_type ("jpeg", NULL);
  if (loader == NULL)
    return FALSE;
  ok = gdk_pixbuf_loader_write (loader, data, len, NULL);
  ok = gdk_pixbuf_loader_close (loader, NULL) && ok;
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  return ok && pixbuf && gdk_pixbuf_get_width (pixbuf) >= 16
         && gdk_pixbuf_get_height (pixbuf) >= 16;
}

static JsonObject *
auth_face (SbSandbox  *sb,
           SbCall     *call,
           char      **reason)
{
  const char *number = sb_param (call->params, "id_number");
  JsonObject *liveness = sb_obj (call->params, "liveness");
  JsonNode *live = liveness ? json_object_get_member (liveness, "live") : NULL;
  JsonObject *person;

  if (number == NULL || live == NULL || !JSON_NODE_HOLDS_VALUE (live)
      || json_node_get_value_type (live) != G_TYPE_BOOLEAN)
    return sb_refuse (reason, "invalid-field");
  if (!json_node_get_boolean (live))
    return sb_refuse (reason, "not-live");
  if (!is_jpeg (sb_str (call->params, "face")))
    return sb_refuse (reason, "invalid-field");
  person = sb_seed_citizen (sb, number);
  if (person == NULL)
    return sb_refuse (reason, "not-found");
  if (!json_object_get_boolean_member_with_default (person, "face", FALSE))
    return sb_refuse (reason, "not-eligible");
  return verified (person);
}

/* QR login */

static JsonObject *
auth_qr_start (SbSandbox  *sb,
               SbCall     *call,
               char      **reason)
{
  guint8 raw[16];
  g_autofree char *ticket = NULL;
  g_autofree char *base = sb_sandbox_base_url (sb);
  g_autofree char *url = NULL;
  JsonObject *t = json_object_new ();
  JsonObject *o = json_object_new ();
  GString *hex = g_string_new (NULL);

  for (guint i = 0; i < sizeof raw; i++)
    {
      raw[i] = (guint8) g_random_int_range (0, 256);
      g_string_append_printf (hex, "%02x", raw[i]);
    }
  ticket = g_string_free (hex, FALSE);
  url = g_strdup_printf ("%s/phone/qr/%s", base, ticket);
  json_object_set_string_member (t, "state", "waiting");
  json_object_set_int_member (t, "expires", g_get_monotonic_time () / G_USEC_PER_SEC
                                            + QR_TICKET_SECONDS);
  json_object_set_int_member (t, "tries", 0);
  g_hash_table_insert (sb->tickets, g_strdup (ticket), t);
  json_object_set_string_member (o, "ticket", ticket);
  json_object_set_string_member (o, "url", url);
  json_object_set_int_member (o, "expires_in", QR_TICKET_SECONDS);
  return o;
}

static gboolean
ticket_live (JsonObject *t)
{
  return t && json_object_get_int_member (t, "expires") >= g_get_monotonic_time () / G_USEC_PER_SEC
         && g_strcmp0 (sb_str (t, "state"), "closed") != 0;
}

static JsonObject *
auth_qr (SbSandbox  *sb,
         SbCall     *call,
         char      **reason)
{
  const char *ticket = sb_param (call->params, "ticket");
  JsonObject *t = ticket ? g_hash_table_lookup (sb->tickets, ticket) : NULL;
  JsonObject *person, *o;

  if (ticket == NULL)
    return sb_refuse (reason, "invalid-field");
  if (t == NULL)
    return sb_refuse (reason, "not-found");
  if (!ticket_live (t))
    return sb_refuse (reason, "closed");
  if (g_strcmp0 (sb_str (t, "state"), "confirmed") != 0)
    {
      o = json_object_new ();
      json_object_set_boolean_member (o, "verified", FALSE);
      json_object_set_string_member (o, "state", "waiting");
      return o;
    }
  person = sb_seed_citizen (sb, sb_str (t, "id_number"));
  json_object_set_string_member (t, "state", "closed");   /* one use */
  return person ? verified (person) : sb_refuse (reason, "not-found");
}

const SbOp sb_identity_ops[] = {
  { "identity", "auth.id-card", FALSE, auth_id_card },
  { "identity", "auth.permit", FALSE, auth_permit },
  { "identity", "auth.face", FALSE, auth_face },
  { "identity", "auth.fingerprint", FALSE, auth_fingerprint },
  { "identity", "auth.qr-start", FALSE, auth_qr_start },
  { "identity", "auth.qr", FALSE, auth_qr },
  { NULL }
};

/* The phone pages */

static const char *
tail_of (SbRequest  *request,
         const char *prefix)
{
  const char *rest = sb_request_path (request) + strlen (prefix);

  for (const char *p = rest; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      return NULL;
  return *rest ? rest : NULL;
}

static void
gone_page (SbResponse *response,
           SbLang      lang,
           guint       status)
{
  sb_page_respond (response, status, lang, sb_tr (lang, "二维码已失效", "二維碼已失效",
                                                  "This code is no longer valid"),
                   sb_tr (lang, "<p class=\"bad\">请在自助机上重新获取二维码。</p>",
                          "<p class=\"bad\">請在自助機上重新取得二維碼。</p>",
                          "<p class=\"bad\">Ask the kiosk for a new code.</p>"));
}

static void
login_form (SbResponse *response,
            SbLang      lang,
            const char *ticket,
            guint       status,
            const char *problem)
{
  g_autofree char *body = g_strdup_printf (
    "<p>%s</p>%s<form method=\"post\" action=\"/phone/qr/%s?lang=%s\">"
    "<input type=\"hidden\" name=\"step\" value=\"login\">"
    "<label>%s<input name=\"id_number\" autocomplete=\"username\" required maxlength=\"32\">"
    "</label><label>%s<input name=\"password\" type=\"password\" "
    "autocomplete=\"current-password\" required maxlength=\"64\"></label>"
    "<button type=\"submit\">%s</button></form>",
    sb_tr (lang, "登录后确认在自助机上办理业务。", "登入後確認在自助機上辦理業務。",
           "Sign in, then confirm to use your account at the kiosk."),
    problem ? problem : "", ticket, sb_tr (lang, "zh_CN", "zh_HK", "en"),
    sb_tr (lang, "证件号码", "證件號碼", "ID number"), sb_tr (lang, "密码", "密碼", "Password"),
    sb_tr (lang, "登录", "登入", "Sign in"));

  sb_page_respond (response, status, lang, sb_tr (lang, "扫码登录", "掃碼登入",
                                                  "Sign in with your phone"), body);
}

static void
handle_qr_page (SbSandbox  *sb,
                SbRequest  *request,
                SbResponse *response,
                gpointer    user_data)
{
  SbLang lang = sb_page_lang (request);
  const char *ticket = tail_of (request, "/phone/qr/");
  gboolean live;

  sb_lock (sb);
  live = ticket && ticket_live (g_hash_table_lookup (sb->tickets, ticket))
         && g_strcmp0 (sb_str (g_hash_table_lookup (sb->tickets, ticket), "state"),
                       "waiting") == 0;
  sb_unlock (sb);
  if (!live)
    {
      gone_page (response, lang, 404);
      return;
    }
  login_form (response, lang, ticket, 200, NULL);
}

/* POST /phone/qr/{ticket}: step=login (ID number and password) shows who will be signed
 * in and a confirm button carrying a one-time code; step=confirm with that code confirms. */
static void
handle_qr_post (SbSandbox  *sb,
                SbRequest  *request,
                SbResponse *response,
                gpointer    user_data)
{
  SbLang lang = sb_page_lang (request);
  const char *ticket = tail_of (request, "/phone/qr/");
  g_autoptr(GHashTable) form = sb_form_parse (sb_request_body (request));
  const char *step = g_hash_table_lookup (form, "step");
  JsonObject *t;
  g_autofree char *hash = NULL;
  g_autofree char *id_number = NULL;
  g_autofree char *masked = NULL;
  g_autofree char *code = NULL;

  sb_lock (sb);
  t = ticket ? g_hash_table_lookup (sb->tickets, ticket) : NULL;
  if (!ticket_live (t) || g_strcmp0 (sb_str (t, "state"), "waiting") != 0)
    {
      sb_unlock (sb);
      gone_page (response, lang, 410);
      return;
    }
  if (g_strcmp0 (step, "confirm") == 0)
    {
      const char *want = sb_str (t, "confirm_code");
      const char *got = g_hash_table_lookup (form, "code");

      if (want == NULL || got == NULL || strcmp (want, got) != 0)
        {
          sb_unlock (sb);
          login_form (response, lang, ticket, 403, NULL);
          return;
        }
      json_object_set_string_member (t, "state", "confirmed");
      sb_unlock (sb);
      sb_page_respond (response, 200, lang, sb_tr (lang, "已确认", "已確認", "Confirmed"),
                       sb_tr (lang, "<p class=\"ok\">已登录，请回到自助机继续办理。</p>",
                              "<p class=\"ok\">已登入，請回到自助機繼續辦理。</p>",
                              "<p class=\"ok\">You are signed in. Carry on at the kiosk.</p>"));
      return;
    }

  /* step=login: a few tries per ticket; the password check runs without the lock. */
  json_object_set_int_member (t, "tries", json_object_get_int_member (t, "tries") + 1);
  if (json_object_get_int_member (t, "tries") > QR_MAX_TRIES)
    {
      json_object_set_string_member (t, "state", "closed");
      sb_unlock (sb);
      gone_page (response, lang, 429);
      return;
    }
  {
    char *given = g_hash_table_lookup (form, "id_number");
    JsonObject *person = sb_seed_citizen (sb, given ? g_strstrip (given) : NULL);

    if (person)
      {
        hash = g_strdup (sb_str (person, "password"));
        id_number = g_strdup (sb_str (person, "id_number"));
        masked = tongban_mask_name (sb_str (person, "name"));
      }
  }
  sb_unlock (sb);

  if (hash == NULL || g_hash_table_lookup (form, "password") == NULL
      || !tongban_secret_hash_verify (hash, g_hash_table_lookup (form, "password"), NULL))
    {
      login_form (response, lang, ticket, 403,
                  sb_tr (lang, "<p class=\"bad\">证件号码或密码不正确。</p>",
                         "<p class=\"bad\">證件號碼或密碼不正確。</p>",
                         "<p class=\"bad\">The ID number or password is wrong.</p>"));
      return;
    }

  code = g_uuid_string_random ();
  sb_lock (sb);
  t = g_hash_table_lookup (sb->tickets, ticket);
  if (!ticket_live (t) || g_strcmp0 (sb_str (t, "state"), "waiting") != 0)
    {
      sb_unlock (sb);
      gone_page (response, lang, 410);
      return;
    }
  json_object_set_string_member (t, "id_number", id_number);
  json_object_set_string_member (t, "confirm_code", code);
  sb_unlock (sb);
  {
    g_autofree char *m = g_markup_escape_text (masked, -1);
    g_autofree char *body = g_strdup_printf (
      "<p>%s <strong>%s</strong></p><form method=\"post\" action=\"/phone/qr/%s?lang=%s\">"
      "<input type=\"hidden\" name=\"step\" value=\"confirm\">"
      "<input type=\"hidden\" name=\"code\" value=\"%s\"><button type=\"submit\">%s</button>"
      "</form>",
      sb_tr (lang, "在自助机上以此身份办理：", "在自助機上以此身份辦理：",
             "Use the kiosk as:"), m, ticket, sb_tr (lang, "zh_CN", "zh_HK", "en"), code,
      sb_tr (lang, "确认登录", "確認登入", "Confirm"));

    sb_page_respond (response, 200, lang, sb_tr (lang, "确认登录", "確認登入",
                                                 "Confirm sign-in"), body);
  }
}

/* QR payment: GET shows the order, POST pays it. */
static void
handle_pay (SbSandbox  *sb,
            SbRequest  *request,
            SbResponse *response,
            gpointer    user_data)
{
  SbLang lang = sb_page_lang (request);
  const char *order_id = tail_of (request, "/phone/pay/");
  gboolean post = strcmp (sb_request_method (request), "POST") == 0;
  JsonObject *order;
  g_autofree char *amount = NULL;
  g_autofree char *currency = NULL;
  gboolean paid;

  sb_lock (sb);
  order = order_id ? g_hash_table_lookup (sb->orders, order_id) : NULL;
  if (order == NULL)
    {
      sb_unlock (sb);
      sb_page_respond (response, 404, lang, sb_tr (lang, "没有这笔订单", "沒有這筆訂單",
                                                   "No such order"), "");
      return;
    }
  paid = g_strcmp0 (sb_str (order, "status"), "paid") == 0;
  if (post && !paid)
    {
      json_object_set_string_member (order, "status", "paid");
      json_object_set_string_member (order, "method", "qr");
    }
  amount = g_strdup (sb_str (order, "amount"));
  currency = g_strdup (sb_str (order, "currency"));
  sb_unlock (sb);

  if (post || paid)
    {
      g_autofree char *body = g_strdup_printf ("<p class=\"ok\">%s %s %s</p>",
                                               sb_tr (lang, "已支付", "已支付", "Paid"),
                                               currency, amount);

      sb_page_respond (response, 200, lang, sb_tr (lang, "支付完成", "支付完成", "Paid"), body);
    }
  else
    {
      g_autofree char *body = g_strdup_printf (
        "<p>%s <strong>%s %s</strong></p><form method=\"post\" action=\"/phone/pay/%s?lang=%s\">"
        "<button type=\"submit\">%s</button></form>",
        sb_tr (lang, "应付金额：", "應付金額：", "Amount:"), currency, amount, order_id,
        sb_tr (lang, "zh_CN", "zh_HK", "en"), sb_tr (lang, "确认支付", "確認支付", "Pay"));

      sb_page_respond (response, 200, lang, sb_tr (lang, "扫码支付", "掃碼支付",
                                                   "Pay by QR code"), body);
    }
}

void
sb_identity_add_routes (SbSandbox *sb)
{
  sb_http_add_route (sb, "GET", "/phone/qr/", handle_qr_page, NULL);
  sb_http_add_route (sb, "POST", "/phone/qr/", handle_qr_post, NULL);
  sb_http_add_route (sb, "GET", "/phone/pay/", handle_pay, NULL);
  sb_http_add_route (sb, "POST", "/phone/pay/", handle_pay, NULL);
}
