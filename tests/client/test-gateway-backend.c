/* test-gateway-backend.c: the kiosk's gateway backend against a stand-in manager
 *
 * Until the manager's gateway is built, a small libmicrohttpd server in this
 * process speaks the terminal side of the contract (docs/gateway.md section
 * 1): registration, the SM2 challenge login with a sealed session key, and
 * /calls and /sessions/end, each checked for a valid HMAC-SM3 signature. Each
 * test sets what the gateway answers per operation and looks at what the
 * kiosk sent, and at what it made of the answer.
 */

#include <string.h>
#include <microhttpd.h>
#include <glib/gstdio.h>

#include "tongban-envelope.h"
#include "tongban-gateway-backend.h"
#include "tongban-request-sign.h"
#include "tongban-sm.h"

#define TOKEN "8f3a9c0d1e2b4a5968778695a4b3c2d1e0f1a2b3c4d5e6f708192a3b4c5d6e7f"

typedef struct {
  struct MHD_Daemon *daemon;
  guint16            port;
  GMutex             lock;
  EVP_PKEY          *pubkey;        /* the terminal's, from its registration */
  guint8             key[32];       /* the session key handed out */
  char               session_id[40];
  guint              logins;
  guint              bad_signatures;
  guint              expire_next;   /* answer the next N calls with SESSION_EXPIRED */
  GHashTable        *answers;       /* operation -> envelope text */
  GPtrArray         *calls;         /* bodies of the signed /calls, in order */
  GPtrArray         *ended;         /* tokens of /sessions/end */
} Manager;

typedef struct {
  GString *body;
} Upload;

static char *
ok_envelope (const char *data_json)
{
  g_autoptr(JsonNode) data = json_from_string (data_json, NULL);

  g_assert_nonnull (data);
  return tongban_envelope_to_string (TONGBAN_CODE_OK, NULL, g_steal_pointer (&data), NULL);
}

static const char *
object_string (JsonNode   *node,
               const char *member)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_get_string_member_with_default (json_node_get_object (node), member, NULL);
}

static gboolean
signed_correctly (Manager                *m,
                  struct MHD_Connection  *conn,
                  const char             *url,
                  GString                *body)
{
  const char *sid = MHD_lookup_connection_value (conn, MHD_HEADER_KIND, "X-Session-Id");
  const char *ts = MHD_lookup_connection_value (conn, MHD_HEADER_KIND, "X-Timestamp");
  const char *nonce = MHD_lookup_connection_value (conn, MHD_HEADER_KIND, "X-Nonce");
  const char *sig = MHD_lookup_connection_value (conn, MHD_HEADER_KIND, "X-Signature");

  if (sid == NULL || ts == NULL || nonce == NULL || sig == NULL ||
      !g_str_equal (sid, m->session_id) || !tongban_nonce_is_valid (nonce))
    return FALSE;
  return tongban_request_verify (m->key, sizeof m->key, "POST", url,
                                 g_ascii_strtoll (ts, NULL, 10), nonce, body->str, body->len,
                                 sig);
}

/* Answers one complete request; called with the lock held. */
static char *
answer (Manager               *m,
        struct MHD_Connection *conn,
        const char            *url,
        GString               *body)
{
  g_autoptr(JsonNode) root = json_from_string (body->str, NULL);

  if (g_str_equal (url, "/api/terminal/v1/register"))
    {
      g_clear_pointer (&m->pubkey, EVP_PKEY_free);
      m->pubkey = tongban_sm2_public_from_base64 (object_string (root, "pubkey"));
      return ok_envelope ("{\"status\":\"active\"}");
    }
  if (g_str_equal (url, "/api/terminal/v1/auth/challenge"))
    {
      if (m->pubkey == NULL)
        return tongban_envelope_error (TONGBAN_CODE_UNAUTHENTICATED, NULL, NULL);
      return ok_envelope ("{\"challenge_id\":\"c1\",\"challenge\":\"0123456789abcdef\"}");
    }
  if (g_str_equal (url, "/api/terminal/v1/auth/login"))
    {
      g_autofree char *message = g_strdup_printf ("tongban-login\n%s\nc1\n0123456789abcdef",
                                                  object_string (root, "number"));
      g_autofree guchar *sig = NULL;
      g_autoptr(GBytes) sealed = NULL;
      g_autofree char *sealed_b64 = NULL;
      g_autofree char *data = NULL;
      gsize sig_len = 0;

      if (object_string (root, "signature") != NULL)
        sig = g_base64_decode (object_string (root, "signature"), &sig_len);
      if (sig == NULL || !tongban_sm2_verify (m->pubkey, message, strlen (message), sig, sig_len))
        return tongban_envelope_error (TONGBAN_CODE_BAD_SIGNATURE, "signature", NULL);
      for (guint i = 0; i < sizeof m->key; i++)
        m->key[i] = (guint8) g_random_int ();
      g_snprintf (m->session_id, sizeof m->session_id, "S%08x", g_random_int ());
      sealed = tongban_sm2_encrypt (m->pubkey, m->key, sizeof m->key);
      sealed_b64 = g_base64_encode (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
      m->logins++;
      data = g_strdup_printf ("{\"session_id\":\"%s\",\"session_key\":\"%s\","
                              "\"heartbeat_interval\":3600,\"server_time\":%" G_GINT64_FORMAT "}",
                              m->session_id, sealed_b64, g_get_real_time () / G_USEC_PER_SEC);
      return ok_envelope (data);
    }
  if (!signed_correctly (m, conn, url, body))
    {
      m->bad_signatures++;
      return tongban_envelope_error (TONGBAN_CODE_BAD_SIGNATURE, NULL, NULL);
    }
  if (g_str_equal (url, "/api/terminal/v1/heartbeat"))
    return ok_envelope ("{\"interval\":3600}");
  if (g_str_equal (url, "/api/terminal/v1/sessions/end"))
    {
      g_ptr_array_add (m->ended, g_strdup (object_string (root, "session")));
      return ok_envelope ("{}");
    }
  if (g_str_equal (url, "/api/terminal/v1/calls"))
    {
      const char *op = object_string (root, "operation");
      const char *text;

      if (m->expire_next > 0)
        {
          m->expire_next--;
          return tongban_envelope_error (TONGBAN_CODE_SESSION_EXPIRED, NULL, NULL);
        }
      g_ptr_array_add (m->calls, g_strdup (body->str));
      text = op ? g_hash_table_lookup (m->answers, op) : NULL;
      return text ? g_strdup (text)
                  : tongban_envelope_error (TONGBAN_CODE_NOT_FOUND, "operation", NULL);
    }
  return tongban_envelope_error (TONGBAN_CODE_NOT_FOUND, NULL, NULL);
}

static enum MHD_Result
on_request (void                  *cls,
            struct MHD_Connection *conn,
            const char            *url,
            const char            *method,
            const char            *version,
            const char            *upload_data,
            size_t                *upload_data_size,
            void                 **con_cls)
{
  Manager *m = cls;
  Upload *u = *con_cls;
  struct MHD_Response *resp;
  enum MHD_Result ret;
  char *text;

  if (u == NULL)
    {
      u = g_new0 (Upload, 1);
      u->body = g_string_new (NULL);
      *con_cls = u;
      return MHD_YES;
    }
  if (*upload_data_size > 0)
    {
      g_string_append_len (u->body, upload_data, (gssize) *upload_data_size);
      *upload_data_size = 0;
      return MHD_YES;
    }
  g_mutex_lock (&m->lock);
  text = answer (m, conn, url, u->body);
  g_mutex_unlock (&m->lock);
  resp = MHD_create_response_from_buffer (strlen (text), text, MHD_RESPMEM_MUST_FREE);
  MHD_add_response_header (resp, "Content-Type", "application/json");
  ret = MHD_queue_response (conn, 200, resp);
  MHD_destroy_response (resp);
  return ret;
}

static void
on_completed (void                            *cls,
              struct MHD_Connection           *conn,
              void                           **con_cls,
              enum MHD_RequestTerminationCode  toe)
{
  Upload *u = *con_cls;

  if (u != NULL)
    {
      g_string_free (u->body, TRUE);
      g_free (u);
    }
  *con_cls = NULL;
}

static Manager *
manager_start (void)
{
  Manager *m = g_new0 (Manager, 1);

  g_mutex_init (&m->lock);
  m->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  m->calls = g_ptr_array_new_with_free_func (g_free);
  m->ended = g_ptr_array_new_with_free_func (g_free);
  m->daemon = MHD_start_daemon (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
                                on_request, m, MHD_OPTION_NOTIFY_COMPLETED, on_completed, m,
                                MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_END);
  g_assert_nonnull (m->daemon);
  m->port = MHD_get_daemon_info (m->daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
  return m;
}

static void
manager_stop (Manager *m)
{
  if (m->daemon)
    MHD_stop_daemon (m->daemon);
  m->daemon = NULL;
}

static void
manager_free (Manager *m)
{
  manager_stop (m);
  g_clear_pointer (&m->pubkey, EVP_PKEY_free);
  g_hash_table_unref (m->answers);
  g_ptr_array_unref (m->calls);
  g_ptr_array_unref (m->ended);
  g_mutex_clear (&m->lock);
  g_free (m);
}

static void
manager_answer (Manager    *m,
                const char *operation,
                char       *envelope)
{
  g_mutex_lock (&m->lock);
  g_hash_table_insert (m->answers, g_strdup (operation), envelope);
  g_mutex_unlock (&m->lock);
}

/* The body of the @i-th call the manager took (negative: from the end). */
static JsonNode *
manager_call (Manager *m,
              int      i)
{
  JsonNode *node;

  g_mutex_lock (&m->lock);
  g_assert_cmpuint (m->calls->len, >, 0);
  if (i < 0)
    i += (int) m->calls->len;
  g_assert_cmpint (i, >=, 0);
  g_assert_cmpint (i, <, (int) m->calls->len);
  node = json_from_string (g_ptr_array_index (m->calls, i), NULL);
  g_mutex_unlock (&m->lock);
  g_assert_nonnull (node);
  return node;
}

/* ---- fixture ------------------------------------------------------------- */

typedef struct {
  Manager               *manager;
  char                  *state_dir;
  TongbanManagerClient  *client;
  TongbanSession        *session;
  TongbanGatewayBackend *backend;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  TongbanManagerClientSetup setup = { 0 };

  f->manager = manager_start ();
  f->state_dir = g_dir_make_tmp ("tongban-gateway-XXXXXX", NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u", f->manager->port);
  setup.url = url;
  setup.number = "T-GW-001";
  setup.state_dir = f->state_dir;
  setup.max_backoff_s = 1;
  f->client = tongban_manager_client_new (&setup, &error);
  g_assert_no_error (error);
  tongban_manager_client_start (f->client);
  f->session = tongban_session_new (600000, 30000);
  tongban_session_begin (f->session);
  f->backend = tongban_gateway_backend_new (f->client, f->session);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&f->backend);
  g_clear_object (&f->session);
  tongban_manager_client_stop (f->client);
  g_clear_object (&f->client);
  manager_free (f->manager);
  dir = g_dir_open (f->state_dir, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (f->state_dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (f->state_dir);
  g_free (f->state_dir);
}

typedef struct {
  gboolean    done;
  JsonObject *answer;
  GError     *error;
} Result;

static void
on_called (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Result *r = user_data;

  r->answer = tongban_backend_call_finish (TONGBAN_BACKEND (source), result, &r->error);
  r->done = TRUE;
}

/* One call, waited for on the main context (where the answers arrive). */
static JsonObject *
call (Fixture     *f,
      const char  *operation,
      const char  *params_json,
      GError     **error)
{
  g_autoptr(JsonNode) params = json_from_string (params_json ? params_json : "{}", NULL);
  Result r = { 0 };
  gint64 until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  tongban_backend_call_async (TONGBAN_BACKEND (f->backend), "F-GD-07", operation,
                              json_node_get_object (params), NULL, on_called, &r);
  while (!r.done && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (r.done);
  if (r.error)
    g_propagate_error (error, r.error);
  return r.answer;
}

static gboolean
is_call_id (const char *id)
{
  return id != NULL && strlen (id) == 32 && strspn (id, "0123456789abcdef") == 32;
}

/* ---- tests --------------------------------------------------------------- */

/* A plain call: signed (the stand-in checks the HMAC-SM3 signature), with a
 * call id, the service, the operation and the params; no citizen session yet. */
static void
test_signed_call (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonNode) sent = NULL;
  JsonObject *o;

  manager_answer (f->manager, "si.info", ok_envelope ("{\"months\":120}"));
  answer = call (f, "si.info", "{\"year\":2026}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (answer, "months"), ==, 120);

  sent = manager_call (f->manager, -1);
  o = json_node_get_object (sent);
  g_assert_true (is_call_id (json_object_get_string_member (o, "call_id")));
  g_assert_cmpstr (json_object_get_string_member (o, "service"), ==, "F-GD-07");
  g_assert_cmpstr (json_object_get_string_member (o, "operation"), ==, "si.info");
  g_assert_false (json_object_has_member (o, "session"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "params"),
                                               "year"), ==, 2026);
  g_assert_cmpuint (f->manager->bad_signatures, ==, 0);
  g_assert_cmpuint (f->manager->logins, ==, 1);
}

/* An identity check's token is kept with the session, sent with every later
 * call, not shown to the flow, and closed at the manager when the citizen
 * leaves; the session's memory is zero afterwards. */
static void
test_citizen_session (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) verified = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) second = NULL;
  const guint8 *arena;
  gsize size = 0;
  gint64 until;

  manager_answer (f->manager, "auth.id-card",
                  ok_envelope ("{\"verified\":true,\"session\":\"" TOKEN "\",\"expires_in\":900,"
                               "\"citizen\":{\"name\":\"陈大文\",\"masked_id\":"
                               "\"4403**********123X\",\"id_type\":\"resident-id\","
                               "\"method\":\"id-card\"}}"));
  manager_answer (f->manager, "si.info", ok_envelope ("{\"months\":120}"));

  verified = call (f, "auth.id-card",
                   "{\"id_number\":\"44030419900101123X\",\"name\":\"陈大文\"}", &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (verified, "verified"));
  g_assert_false (json_object_has_member (verified, "session"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (verified,
                                                                                 "citizen"),
                                                  "masked_id"), ==, "4403**********123X");
  g_assert_cmpstr (tongban_session_get_value (f->session, TONGBAN_GATEWAY_SESSION_KEY), ==,
                   TOKEN);

  info = call (f, "si.info", NULL, &error);
  g_assert_no_error (error);
  first = manager_call (f->manager, 0);
  second = manager_call (f->manager, 1);
  g_assert_false (json_object_has_member (json_node_get_object (first), "session"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (second), "session"), ==,
                   TOKEN);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (first), "call_id"), !=,
                   json_object_get_string_member (json_node_get_object (second), "call_id"));

  tongban_session_end (f->session, TONGBAN_SESSION_END_FINISHED);
  arena = tongban_session_peek_storage (f->session, &size);
  g_assert_cmpuint (size, >, 0);
  for (gsize i = 0; i < size; i++)
    g_assert_cmpuint (arena[i], ==, 0);
  until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until)
    {
      guint n;

      g_mutex_lock (&f->manager->lock);
      n = f->manager->ended->len;
      g_mutex_unlock (&f->manager->lock);
      if (n > 0)
        break;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_cmpuint (f->manager->ended->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->manager->ended, 0), ==, TOKEN);
  g_assert_cmpuint (f->manager->bad_signatures, ==, 0);
}

typedef struct {
  TongbanCode          code;
  const char          *reason;     /* data.reason sent */
  TongbanBackendError  expect;
  const char          *expect_reason;
} Refusal;

/* Each envelope code and reason id of the table becomes the right error
 * kind, reason id and plain words. */
static void
test_refusals (Fixture       *f,
               gconstpointer  data)
{
  static const char * const ids[] = {
    "not-found", "not-eligible", "identity-mismatch", "not-live", "document-expired",
    "document-invalid", "slot-taken", "payment-declined", "duplicate", "invalid-field",
    "closed", "pending",
  };
  static const Refusal table[] = {
    { TONGBAN_CODE_IDENTITY_REQUIRED, NULL, TONGBAN_BACKEND_ERROR_REFUSED, "identity-required" },
    { TONGBAN_CODE_MODULE_DISABLED, NULL, TONGBAN_BACKEND_ERROR_REFUSED, "module-disabled" },
    { TONGBAN_CODE_RATE_LIMITED, NULL, TONGBAN_BACKEND_ERROR_UNAVAILABLE, "rate-limited" },
    { TONGBAN_CODE_INVALID_FIELD, NULL, TONGBAN_BACKEND_ERROR_REFUSED, "invalid-field" },
    { TONGBAN_CODE_BACKEND_REFUSED, "made-up-reason", TONGBAN_BACKEND_ERROR_REFUSED, NULL },
    { TONGBAN_CODE_UNAVAILABLE, NULL, TONGBAN_BACKEND_ERROR_UNAVAILABLE, NULL },
    { TONGBAN_CODE_BACKEND_TIMEOUT, NULL, TONGBAN_BACKEND_ERROR_UNAVAILABLE, NULL },
    { TONGBAN_CODE_BACKEND_INVALID, NULL, TONGBAN_BACKEND_ERROR_INVALID, NULL },
    { TONGBAN_CODE_TERMINAL_LOCKED, NULL, TONGBAN_BACKEND_ERROR_UNAVAILABLE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) answer = NULL;

      manager_answer (f->manager, "gd.book",
                      tongban_envelope_error (TONGBAN_CODE_BACKEND_REFUSED, NULL, ids[i]));
      answer = call (f, "gd.book", NULL, &error);
      g_assert_null (answer);
      g_assert_error (error, TONGBAN_BACKEND_ERROR, TONGBAN_BACKEND_ERROR_REFUSED);
      g_assert_cmpstr (tongban_backend_error_get_reason (error), ==, ids[i]);
      g_assert_nonnull (tongban_backend_error_reason_text (error));
      /* The log line names the reason id, never personal data. */
      g_assert_nonnull (strstr (error->message, ids[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) answer = NULL;

      manager_answer (f->manager, "gd.book",
                      tongban_envelope_error (table[i].code, table[i].code
                                              == TONGBAN_CODE_INVALID_FIELD ? "date" : NULL,
                                              table[i].reason));
      answer = call (f, "gd.book", NULL, &error);
      g_assert_null (answer);
      g_assert_error (error, TONGBAN_BACKEND_ERROR, (gint) table[i].expect);
      g_assert_cmpstr (tongban_backend_error_get_reason (error), ==, table[i].expect_reason);
      if (table[i].expect_reason)
        g_assert_nonnull (tongban_backend_error_reason_text (error));
      else
        g_assert_null (tongban_backend_error_reason_text (error));
    }
}

/* IDENTITY_REQUIRED drops the token the kiosk held; the next call goes without. */
static void
test_identity_required_drops_token (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  g_autoptr(JsonNode) last = NULL;

  tongban_session_set_value (f->session, TONGBAN_GATEWAY_SESSION_KEY, TOKEN);
  manager_answer (f->manager, "gd.book",
                  tongban_envelope_error (TONGBAN_CODE_IDENTITY_REQUIRED, NULL, NULL));
  a = call (f, "gd.book", NULL, &error);
  g_assert_error (error, TONGBAN_BACKEND_ERROR, TONGBAN_BACKEND_ERROR_REFUSED);
  g_assert_null (tongban_session_get_value (f->session, TONGBAN_GATEWAY_SESSION_KEY));
  g_clear_error (&error);
  b = call (f, "gd.book", NULL, &error);
  last = manager_call (f->manager, -1);
  g_assert_false (json_object_has_member (json_node_get_object (last), "session"));
}

/* A verified answer without a usable token, or one that is not an object. */
static void
test_bad_answers (Fixture       *f,
                  gconstpointer  data)
{
  static const char * const bad[] = {
    "{\"verified\":true}",
    "{\"verified\":true,\"session\":\"short\"}",
    "{\"verified\":true,\"session\":\"" TOKEN "\\r\\nX-Injected: 1\"}",
    "[1,2,3]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) answer = NULL;

      manager_answer (f->manager, "auth.qr", ok_envelope (bad[i]));
      answer = call (f, "auth.qr", "{\"ticket\":\"t\"}", &error);
      g_assert_null (answer);
      g_assert_error (error, TONGBAN_BACKEND_ERROR, TONGBAN_BACKEND_ERROR_INVALID);
      g_assert_null (tongban_session_get_value (f->session, TONGBAN_GATEWAY_SESSION_KEY));
    }
  /* Waiting for the phone is an answer, not a failure. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) answer = NULL;

    manager_answer (f->manager, "auth.qr", ok_envelope ("{\"verified\":false,"
                                                        "\"state\":\"waiting\"}"));
    answer = call (f, "auth.qr", "{\"ticket\":\"t\"}", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (answer, "state"), ==, "waiting");
  }
}

/* The manager's session expired: the link logs in again and sends the call
 * once more, so the citizen sees nothing of it. */
static void
test_session_renewed (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;

  manager_answer (f->manager, "si.info", ok_envelope ("{\"months\":1}"));
  a = call (f, "si.info", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->manager->logins, ==, 1);
  g_mutex_lock (&f->manager->lock);
  f->manager->expire_next = 1;
  g_mutex_unlock (&f->manager->lock);
  b = call (f, "si.info", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (b);
  g_assert_cmpuint (f->manager->logins, ==, 2);
  g_assert_cmpuint (f->manager->calls->len, ==, 2);
}

/* The manager is gone: the citizen is told at once that the system cannot
 * be reached, rather than waiting for the link's backoff. */
static void
test_manager_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;

  manager_answer (f->manager, "si.info", ok_envelope ("{\"months\":1}"));
  a = call (f, "si.info", NULL, &error);
  g_assert_no_error (error);
  manager_stop (f->manager);
  b = call (f, "si.info", NULL, &error);
  g_assert_null (b);
  g_assert_error (error, TONGBAN_BACKEND_ERROR, TONGBAN_BACKEND_ERROR_UNAVAILABLE);
  g_assert_null (tongban_backend_error_get_reason (error));
}

/* A stopped link answers at once; nothing waits forever. */
static void
test_link_stopped (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) a = NULL;

  tongban_manager_client_stop (f->client);
  a = call (f, "si.info", NULL, &error);
  g_assert_null (a);
  g_assert_error (error, TONGBAN_BACKEND_ERROR, TONGBAN_BACKEND_ERROR_UNAVAILABLE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/gateway-backend/signed-call", test_signed_call);
  ADD ("/gateway-backend/citizen-session", test_citizen_session);
  ADD ("/gateway-backend/refusals", test_refusals);
  ADD ("/gateway-backend/identity-required", test_identity_required_drops_token);
  ADD ("/gateway-backend/bad-answers", test_bad_answers);
  ADD ("/gateway-backend/session-renewed", test_session_renewed);
  ADD ("/gateway-backend/manager-down", test_manager_down);
  ADD ("/gateway-backend/link-stopped", test_link_stopped);
#undef ADD

  return g_test_run ();
}
