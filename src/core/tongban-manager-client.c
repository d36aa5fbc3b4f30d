/* tongban-manager-client.c: registration, login, signed heartbeats and usage
 * events, on a worker thread with libcurl */

#include "tongban-manager-client.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <curl/curl.h>
#include <glib/gstdio.h>
#include <openssl/pem.h>
#include "tongban-clock.h"
#include "tongban-envelope.h"
#include "tongban-request-sign.h"
#include "tongban-sm.h"

#define SESSION_KEY_LEN  32
#define MAX_ANSWER       (1024 * 1024)
#define EVENT_BATCH      100

struct _TongbanManagerClient
{
  GObject             parent_instance;

  char               *url;
  char               *number;
  char               *site;
  char               *region;
  guint               max_backoff_s;
  EVP_PKEY           *key;
  TongbanEventQueue  *queue;
  GMainContext       *context;      /* where properties change and signals are emitted */
  GThread            *thread;
  GThreadPool        *writer;       /* queues events to disk off the main thread */

  /* Shared with the worker, under lock. */
  GMutex              lock;
  GCond               cond;
  gboolean            stopping;
  gboolean            wake;
  gboolean            beat_now;
  char               *report;       /* heartbeat components and consumables */
  char               *last_error;
  gint64              offset_ms;    /* manager time - local time */
  TongbanManagerLink  link;
  GQueue              calls;        /* business calls waiting for the worker (Call) */
  gint                stop_flag;    /* atomic: curl's progress callback reads it */

  /* The worker's alone. */
  CURL               *curl;
  char               *session_id;
  guint8              session_key[SESSION_KEY_LEN];
  guint               interval_s;
  guint               backoff_s;
  gint64              latency_ms;

  /* The owner thread's. */
  gboolean            locked;
  GStrv               modules_off;
  TongbanManagerLink  shown_link;
};

enum {
  PROP_0,
  PROP_LOCKED,
  PROP_LINK,
  N_PROPS
};

enum {
  MODULES_CHANGED,
  SELF_TEST,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TongbanManagerClient, tongban_manager_client, G_TYPE_OBJECT)

/* ---- the SM2 key --------------------------------------------------------- */

static gboolean
file_error (GError    **error,
            const char *path,
            const char *what)
{
  int saved = errno;

  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s: %s", path, what,
               g_strerror (saved));
  return FALSE;
}

/* The terminal's key: made once, kept 0600 in the state folder (it is the
 * terminal's identity, not anyone's personal data). */
static EVP_PKEY *
load_or_make_key (const char  *dir,
                  GError     **error)
{
  g_autofree char *path = g_build_filename (dir, "terminal-key.pem", NULL);
  g_autofree char *tmp = g_strconcat (path, ".new", NULL);
  EVP_PKEY *key = NULL;
  FILE *f;
  int fd;

  f = g_fopen (path, "re");
  if (f != NULL)
    {
      key = PEM_read_PrivateKey (f, NULL, NULL, NULL);
      fclose (f);
      if (key == NULL || !EVP_PKEY_is_a (key, "SM2"))
        {
          EVP_PKEY_free (key);
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s: not an SM2 private key (move it away to register anew)", path);
          return NULL;
        }
      if (g_chmod (path, 0600) != 0)
        {
          EVP_PKEY_free (key);
          file_error (error, path, "cannot make it private");
          return NULL;
        }
      return key;
    }
  if (errno != ENOENT)
    {
      file_error (error, path, "cannot be read");
      return NULL;
    }

  key = tongban_sm2_generate ();
  if (key == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "no SM2 key could be made");
      return NULL;
    }
  fd = g_open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  f = fd >= 0 ? fdopen (fd, "w") : NULL;
  if (f == NULL)
    {
      if (fd >= 0)
        close (fd);
      EVP_PKEY_free (key);
      file_error (error, tmp, "cannot be written");
      return NULL;
    }
  if (PEM_write_PrivateKey (f, key, NULL, NULL, 0, NULL, NULL) != 1
      || fflush (f) != 0 || fsync (fileno (f)) != 0)
    {
      fclose (f);
      EVP_PKEY_free (key);
      file_error (error, tmp, "cannot be written");
      return NULL;
    }
  fclose (f);
  if (g_rename (tmp, path) != 0)
    {
      EVP_PKEY_free (key);
      file_error (error, path, "cannot be written");
      return NULL;
    }
  return key;
}

/* ---- owner-thread side ---------------------------------------------------- */

/* Weak: the owner may drop the client while answers are on their way; the
 * worker must never hold the last reference (it would join itself). */
typedef struct {
  GWeakRef              self;
  JsonNode             *answer;   /* heartbeat data, or NULL */
  TongbanManagerLink    link;
} Update;

static void
update_free (gpointer data)
{
  Update *u = data;

  g_weak_ref_clear (&u->self);
  if (u->answer)
    json_node_unref (u->answer);
  g_free (u);
}

static gboolean
apply_update (gpointer data)
{
  Update *u = data;
  g_autoptr(TongbanManagerClient) self = g_weak_ref_get (&u->self);
  JsonObject *o;
  JsonNode *n;

  if (self == NULL)
    return G_SOURCE_REMOVE;
  if (u->link != self->shown_link)
    {
      self->shown_link = u->link;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINK]);
    }
  if (u->answer == NULL || !JSON_NODE_HOLDS_OBJECT (u->answer))
    return G_SOURCE_REMOVE;
  o = json_node_get_object (u->answer);

  n = json_object_get_member (o, "locked");
  if (n != NULL && JSON_NODE_HOLDS_VALUE (n)
      && json_node_get_value_type (n) == G_TYPE_BOOLEAN
      && json_node_get_boolean (n) != self->locked)
    {
      self->locked = json_node_get_boolean (n);
      g_message ("manager: the kiosk is %s", self->locked ? "locked" : "unlocked");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCKED]);
    }

  n = json_object_get_member (o, "modules");
  if (n != NULL && JSON_NODE_HOLDS_OBJECT (n))
    {
      g_autoptr(GList) names = json_object_get_members (json_node_get_object (n));
      g_autoptr(GStrvBuilder) off = g_strv_builder_new ();
      g_auto(GStrv) list = NULL;

      names = g_list_sort (names, (GCompareFunc) strcmp);
      for (GList *l = names; l; l = l->next)
        {
          JsonNode *v = json_object_get_member (json_node_get_object (n), l->data);

          if (JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) == G_TYPE_BOOLEAN
              && !json_node_get_boolean (v))
            g_strv_builder_add (off, l->data);
        }
      list = g_strv_builder_end (off);
      if (!g_strv_equal ((const char * const *) list, (const char * const *) self->modules_off))
        {
          g_autofree char *text = g_strjoinv (", ", list);

          g_strfreev (self->modules_off);
          self->modules_off = g_steal_pointer (&list);
          g_message ("manager: modules switched off: %s", *text ? text : "none");
          g_signal_emit (self, signals[MODULES_CHANGED], 0);
        }
    }

  n = json_object_get_member (o, "commands");
  if (n != NULL && JSON_NODE_HOLDS_ARRAY (n))
    {
      JsonArray *a = json_node_get_array (n);

      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          const char *kind;

          if (!JSON_NODE_HOLDS_OBJECT (e))
            continue;
          kind = json_object_get_string_member_with_default (json_node_get_object (e), "kind", "");
          /* lock and unlock arrive as "locked" above as well. */
          if (g_str_equal (kind, "self-test"))
            {
              g_message ("manager: command self-test");
              g_signal_emit (self, signals[SELF_TEST], 0);
            }
          else if (!g_str_equal (kind, "lock") && !g_str_equal (kind, "unlock")
                   && !g_str_equal (kind, "sync-time"))
            g_message ("manager: command '%s' is not one this kiosk carries out", kind);
        }
    }
  return G_SOURCE_REMOVE;
}

static void
post_update (TongbanManagerClient *self,
             JsonNode             *answer)
{
  Update *u = g_new0 (Update, 1);
  GSource *source;

  g_weak_ref_init (&u->self, self);
  u->answer = answer ? json_node_ref (answer) : NULL;
  g_mutex_lock (&self->lock);
  u->link = self->link;
  g_mutex_unlock (&self->lock);
  /* Always on the owner's thread (g_main_context_invoke() would run it here
   * when nobody iterates that context at this moment). */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, apply_update, u, update_free);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/* ---- worker: HTTP ------------------------------------------------------- */

/* A failed call: transport trouble (no envelope) or the manager's refusal. */
#define CALL_TRANSPORT (-1)

static size_t
on_body (char   *data,
         size_t  size,
         size_t  n,
         void   *user_data)
{
  GString *out = user_data;

  if (out->len + size * n > MAX_ANSWER)
    return 0;
  g_string_append_len (out, data, (gssize) (size * n));
  return size * n;
}

static int
on_progress (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  TongbanManagerClient *self = user_data;

  return g_atomic_int_get (&self->stop_flag) ? 1 : 0;
}

static gint64
local_ms (void)
{
  return g_get_real_time () / 1000;
}

/* One request; returns the envelope code (0: *data set) or CALL_TRANSPORT,
 * with *why in plain technical words for the log. */
static gint64
call_full (TongbanManagerClient  *self,
           const char            *path,
           const char            *body,
           gboolean               sign,
           JsonNode             **data,
           char                 **why,
           char                 **bad_field,
           JsonNode             **refusal)
{
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *url = g_strconcat (self->url, path, NULL);
  struct curl_slist *headers = NULL;
  TongbanCode code = TONGBAN_CODE_OK;
  CURLcode rc;
  long status = 0;
  gint64 sent = local_ms ();

  *data = NULL;
  *why = NULL;
  headers = curl_slist_append (headers, "Content-Type: application/json");
  if (sign)
    {
      g_autofree char *nonce = tongban_nonce_new ();
      gint64 ts = (local_ms () + tongban_manager_client_clock_offset_ms (self)) / 1000;
      g_autofree char *sig = tongban_request_sign (self->session_key, sizeof self->session_key,
                                                   "POST", path, ts, nonce, body, strlen (body));
      g_autofree char *h1 = g_strdup_printf ("X-Session-Id: %s", self->session_id);
      g_autofree char *h2 = g_strdup_printf ("X-Timestamp: %" G_GINT64_FORMAT, ts);
      g_autofree char *h3 = g_strdup_printf ("X-Nonce: %s", nonce);
      g_autofree char *h4 = g_strdup_printf ("X-Signature: %s", sig);

      headers = curl_slist_append (headers, h1);
      headers = curl_slist_append (headers, h2);
      headers = curl_slist_append (headers, h3);
      headers = curl_slist_append (headers, h4);
    }
  curl_easy_setopt (self->curl, CURLOPT_URL, url);
  curl_easy_setopt (self->curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (self->curl, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt (self->curl, CURLOPT_POSTFIELDSIZE, (long) strlen (body));
  curl_easy_setopt (self->curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (self->curl, CURLOPT_WRITEDATA, answer);
  rc = curl_easy_perform (self->curl);
  curl_slist_free_all (headers);
  self->latency_ms = local_ms () - sent;
  if (rc != CURLE_OK)
    {
      *why = g_strdup_printf ("cannot reach %s: %s", self->url, curl_easy_strerror (rc));
      return CALL_TRANSPORT;
    }
  curl_easy_getinfo (self->curl, CURLINFO_RESPONSE_CODE, &status);
  root = tongban_envelope_parse (answer->str, (gssize) answer->len, &code, &error);
  if (root == NULL)
    {
      *why = g_strdup_printf ("%s answered HTTP %ld without a manager envelope (%s): is this "
                              "the management server?", url, status, error->message);
      return CALL_TRANSPORT;
    }
  if (code != TONGBAN_CODE_OK)
    {
      JsonObject *o = json_node_get_object (root);
      JsonNode *d = json_object_get_member (o, "data");
      const char *field = NULL, *reason = NULL;

      if (d != NULL && JSON_NODE_HOLDS_OBJECT (d))
        {
          field = json_object_get_string_member_with_default (json_node_get_object (d), "field",
                                                              NULL);
          reason = json_object_get_string_member_with_default (json_node_get_object (d),
                                                               "reason", NULL);
        }
      if (bad_field != NULL)
        *bad_field = g_strdup (field);
      /* The refusal's details (a reason id, a field), for a caller that asks. */
      if (refusal != NULL && d != NULL)
        *refusal = json_node_copy (d);
      *why = g_strdup_printf ("%s refused (code %d, %s%s%s%s%s)", path, (int) code,
                              json_object_get_string_member_with_default (o, "message", "?"),
                              field ? ": " : "", field ? field : "", reason ? " " : "",
                              reason ? reason : "");
      return code;
    }
  *data = json_node_copy (json_object_get_member (json_node_get_object (root), "data"));
  /* Answers may name a citizen: no copy of them is left behind in freed memory. */
  explicit_bzero (answer->str, answer->len);
  return 0;
}

static gint64
call (TongbanManagerClient  *self,
      const char            *path,
      const char            *body,
      gboolean               sign,
      JsonNode             **data,
      char                 **why)
{
  return call_full (self, path, body, sign, data, why, NULL, NULL);
}

/* ---- worker: state ------------------------------------------------------- */

/* Logs a line when the link's state or its trouble changes, not at every retry. */
static void
set_link (TongbanManagerClient *self,
          TongbanManagerLink    link,
          const char           *why)
{
  gboolean changed;

  g_mutex_lock (&self->lock);
  changed = self->link != link || g_strcmp0 (self->last_error, why) != 0;
  self->link = link;
  if (why != NULL)
    {
      g_free (self->last_error);
      self->last_error = g_strdup (why);
    }
  g_mutex_unlock (&self->lock);
  if (changed && why != NULL)
    g_message ("manager: %s", why);
  if (changed)
    post_update (self, NULL);
}

static gint64
answer_int (JsonNode   *data,
            const char *member,
            gint64      fallback)
{
  JsonNode *n;

  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    return fallback;
  n = json_object_get_member (json_node_get_object (data), member);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (n);
}

static void
set_clock (TongbanManagerClient *self,
           gint64                server_ms)
{
  /* The answer left the manager about half a round trip ago. */
  gint64 offset = server_ms + self->latency_ms / 2 - local_ms ();

  g_mutex_lock (&self->lock);
  self->offset_ms = offset;
  g_mutex_unlock (&self->lock);
  tongban_clock_set_offset_ms (offset);
}

static const char *
answer_string (JsonNode   *data,
               const char *member)
{
  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    return NULL;
  return json_object_get_string_member_with_default (json_node_get_object (data), member, NULL);
}

static void
drop_session (TongbanManagerClient *self)
{
  g_clear_pointer (&self->session_id, g_free);
  explicit_bzero (self->session_key, sizeof self->session_key);
}

static gboolean
is_session_trouble (gint64 code)
{
  return code == TONGBAN_CODE_SESSION_EXPIRED || code == TONGBAN_CODE_UNAUTHENTICATED
         || code == TONGBAN_CODE_BAD_SIGNATURE || code == TONGBAN_CODE_STALE_TIMESTAMP
         || code == TONGBAN_CODE_REPLAY;
}

static gint64
do_register (TongbanManagerClient *self)
{
  g_autofree char *pub = tongban_sm2_public_to_base64 (self->key);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body_node = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autofree char *body = NULL;
  g_autofree char *why = NULL;
  gint64 code;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "number");
  json_builder_add_string_value (b, self->number);
  json_builder_set_member_name (b, "pubkey");
  json_builder_add_string_value (b, pub);
  json_builder_set_member_name (b, "site");
  json_builder_add_string_value (b, self->site);
  json_builder_set_member_name (b, "region_code");
  json_builder_add_string_value (b, self->region);
  json_builder_set_member_name (b, "sw_version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_end_object (b);
  body_node = json_builder_get_root (b);
  body = json_to_string (body_node, FALSE);
  code = call (self, "/api/terminal/v1/register", body, FALSE, &data, &why);
  if (code == 0 && g_strcmp0 (answer_string (data, "status"), "pending") == 0)
    {
      g_autofree char *line = g_strdup_printf ("registered as %s; waiting for an administrator "
                                               "to approve the terminal", self->number);

      set_link (self, TONGBAN_MANAGER_LINK_PENDING, line);
      return TONGBAN_CODE_TERMINAL_PENDING;
    }
  if (code != 0)
    set_link (self, code == CALL_TRANSPORT ? TONGBAN_MANAGER_LINK_OFFLINE
                                           : TONGBAN_MANAGER_LINK_REFUSED, why);
  return code;
}

/* Challenge, SM2 signature, session key; registers first if the manager does
 * not know the terminal. Returns 0 once logged in. */
static gint64
do_login (TongbanManagerClient *self)
{
  g_autofree char *body = g_strdup_printf ("{\"number\":\"%s\"}", self->number);
  g_autoptr(JsonNode) ch = NULL;
  g_autoptr(JsonNode) session = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autofree char *why = NULL;
  g_autofree char *message = NULL;
  g_autofree char *sig_b64 = NULL;
  g_autofree char *login = NULL;
  g_autofree guint8 *sig = NULL;
  g_autofree guchar *sealed = NULL;
  const char *cid, *challenge, *sid, *sealed_b64;
  gsize sig_len = 0, sealed_len = 0;
  gint64 code;

  code = call (self, "/api/terminal/v1/auth/challenge", body, FALSE, &ch, &why);
  if (code == TONGBAN_CODE_UNAUTHENTICATED)
    {
      code = do_register (self);
      if (code != 0)
        return code;
      g_clear_pointer (&why, g_free);
      code = call (self, "/api/terminal/v1/auth/challenge", body, FALSE, &ch, &why);
    }
  if (code == TONGBAN_CODE_TERMINAL_PENDING)
    {
      g_autofree char *line = g_strdup_printf ("terminal %s is waiting for an administrator to "
                                               "approve it", self->number);

      set_link (self, TONGBAN_MANAGER_LINK_PENDING, line);
      return code;
    }
  if (code != 0)
    {
      set_link (self, code == CALL_TRANSPORT ? TONGBAN_MANAGER_LINK_OFFLINE
                                             : TONGBAN_MANAGER_LINK_REFUSED, why);
      return code;
    }
  cid = answer_string (ch, "challenge_id");
  challenge = answer_string (ch, "challenge");
  if (cid == NULL || challenge == NULL || strlen (cid) > 64 || strlen (challenge) > 256
      || strchr (cid, '"') != NULL || strchr (cid, '\\') != NULL)
    {
      set_link (self, TONGBAN_MANAGER_LINK_REFUSED, "the login challenge is malformed");
      return CALL_TRANSPORT;
    }
  message = g_strdup_printf ("tongban-login\n%s\n%s\n%s", self->number, cid, challenge);
  if (!tongban_sm2_sign (self->key, message, strlen (message), &sig, &sig_len))
    {
      set_link (self, TONGBAN_MANAGER_LINK_REFUSED, "the SM2 key cannot sign");
      return CALL_TRANSPORT;
    }
  sig_b64 = g_base64_encode (sig, sig_len);
  login = g_strdup_printf ("{\"number\":\"%s\",\"challenge_id\":\"%s\",\"signature\":\"%s\"}",
                           self->number, cid, sig_b64);
  g_clear_pointer (&why, g_free);
  code = call (self, "/api/terminal/v1/auth/login", login, FALSE, &session, &why);
  if (code != 0)
    {
      set_link (self, code == CALL_TRANSPORT ? TONGBAN_MANAGER_LINK_OFFLINE
                                             : TONGBAN_MANAGER_LINK_REFUSED, why);
      return code;
    }
  sid = answer_string (session, "session_id");
  sealed_b64 = answer_string (session, "session_key");
  if (sealed_b64 != NULL && strlen (sealed_b64) < 4096)
    sealed = g_base64_decode (sealed_b64, &sealed_len);
  if (sealed != NULL && sealed_len > 0)
    key = tongban_sm2_decrypt (self->key, sealed, sealed_len);
  if (sid == NULL || strlen (sid) > 64 || strpbrk (sid, "\r\n") != NULL || key == NULL
      || g_bytes_get_size (key) != SESSION_KEY_LEN)
    {
      set_link (self, TONGBAN_MANAGER_LINK_REFUSED,
                "the session key does not open with this terminal's SM2 key (a manager that "
                "holds another key for this number?)");
      return TONGBAN_CODE_BAD_SIGNATURE;
    }
  g_free (self->session_id);
  self->session_id = g_strdup (sid);
  memcpy (self->session_key, g_bytes_get_data (key, NULL), SESSION_KEY_LEN);
  explicit_bzero ((gpointer) g_bytes_get_data (key, NULL), SESSION_KEY_LEN);
  self->interval_s = (guint) CLAMP (answer_int (session, "heartbeat_interval", 30), 1, 3600);
  set_clock (self, answer_int (session, "server_time", local_ms () / 1000) * 1000);
  {
    g_autofree char *line = g_strdup_printf ("logged in as %s", self->number);

    set_link (self, TONGBAN_MANAGER_LINK_ONLINE, line);
  }
  return 0;
}

static gint64
do_heartbeat (TongbanManagerClient *self)
{
  g_autoptr(GString) body = g_string_new ("{\"sw_version\":\"" PACKAGE_VERSION "\"");
  g_autoptr(JsonNode) data = NULL;
  g_autofree char *why = NULL;
  gint64 code;

  g_string_append_printf (body, ",\"network\":{\"latency_ms\":%" G_GINT64_FORMAT "}",
                          CLAMP (self->latency_ms, 0, 600000));
  g_mutex_lock (&self->lock);
  if (self->report != NULL)
    g_string_append_printf (body, ",%s", self->report);
  g_mutex_unlock (&self->lock);
  g_string_append_c (body, '}');

  code = call (self, "/api/terminal/v1/heartbeat", body->str, TRUE, &data, &why);
  if (code != 0)
    {
      set_link (self, code == CALL_TRANSPORT ? TONGBAN_MANAGER_LINK_OFFLINE
                                             : TONGBAN_MANAGER_LINK_REFUSED, why);
      return code;
    }
  if (answer_int (data, "server_time_ms", 0) > 0)
    set_clock (self, answer_int (data, "server_time_ms", 0));
  self->interval_s = (guint) CLAMP (answer_int (data, "interval", self->interval_s), 1, 3600);
  set_link (self, TONGBAN_MANAGER_LINK_ONLINE, NULL);
  post_update (self, data);
  return 0;
}

/* Sends queued events, oldest first, until none is left or a call fails. */
static gint64
do_events (TongbanManagerClient *self)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) data = NULL;
      g_autofree char *why = NULL;
      g_autofree char *body = NULL;
      g_autofree char *field = NULL;
      guint count = 0, bad = 0;
      gint64 last = 0, code;

      if (g_atomic_int_get (&self->stop_flag))
        return 0;
      body = tongban_event_queue_peek (self->queue, EVENT_BATCH, &count, &last, &error);
      if (body == NULL)
        {
          if (error != NULL)
            g_message ("manager: %s", error->message);
          return 0;
        }
      code = call_full (self, "/api/terminal/v1/events", body, TRUE, &data, &why, &field, NULL);
      if (code == TONGBAN_CODE_TERMINAL_LOCKED)
        return 0;   /* kept until the kiosk is unlocked */
      /* One event the manager will never take (say, stamped by a clock far
       * ahead): it is logged and dropped, so it cannot hold back the rest. */
      if (code == TONGBAN_CODE_INVALID_FIELD && field != NULL
          && sscanf (field, "events[%u]", &bad) == 1 && bad < count)
        {
          g_message ("manager: usage event dropped: %s", why);
          if (!tongban_event_queue_drop (self->queue, bad, &error))
            {
              g_message ("manager: %s", error->message);
              return CALL_TRANSPORT;
            }
          continue;
        }
      if (code != 0)
        {
          set_link (self, code == CALL_TRANSPORT ? TONGBAN_MANAGER_LINK_OFFLINE
                                                 : TONGBAN_MANAGER_LINK_REFUSED, why);
          return code;
        }
      /* Stored by the manager (or already stored, by event_id): only now removed. */
      if (!tongban_event_queue_ack (self->queue, last, &error))
        {
          g_message ("manager: %s", error->message);
          return CALL_TRANSPORT;
        }
    }
}

/* ---- worker: business calls ---------------------------------------------- */

/* One call_async(): the body may hold a citizen's data, so it is wiped when
 * it has been sent. */
typedef struct {
  GTask *task;
  char  *path;
  char  *body;
  guint  tries;
} Call;

typedef struct {
  gint64    code;
  JsonNode *data;
} CallAnswer;

static void
call_answer_free (gpointer data)
{
  CallAnswer *a = data;

  if (a->data)
    json_node_unref (a->data);
  g_free (a);
}

static void
call_free (Call *c)
{
  g_clear_object (&c->task);
  g_free (c->path);
  if (c->body)
    explicit_bzero (c->body, strlen (c->body));
  g_free (c->body);
  g_free (c);
}

static Call *
pop_call (TongbanManagerClient *self)
{
  Call *c;

  g_mutex_lock (&self->lock);
  c = g_queue_pop_head (&self->calls);
  g_mutex_unlock (&self->lock);
  return c;
}

/* Every waiting call fails with @code of G_IO_ERROR and @why. */
static void
fail_calls (TongbanManagerClient *self,
            GIOErrorEnum          code,
            const char           *why)
{
  Call *c;

  while ((c = pop_call (self)) != NULL)
    {
      g_task_return_new_error (c->task, G_IO_ERROR, code, "%s", why);
      call_free (c);
    }
}

/* Sends the waiting calls, in order. Returns the code that stopped them
 * (a session to renew: the call stays at the head, tried once more after
 * the new login), or 0. */
static gint64
do_calls (TongbanManagerClient *self)
{
  Call *c;

  while ((c = pop_call (self)) != NULL)
    {
      g_autoptr(JsonNode) data = NULL;
      g_autoptr(JsonNode) refusal = NULL;
      g_autofree char *why = NULL;
      CallAnswer *answer;
      gint64 code;

      if (g_task_return_error_if_cancelled (c->task))
        {
          call_free (c);
          continue;
        }
      code = call_full (self, c->path, c->body, TRUE, &data, &why, NULL, &refusal);
      if (is_session_trouble (code) && ++c->tries < 2)
        {
          g_mutex_lock (&self->lock);
          g_queue_push_head (&self->calls, c);
          g_mutex_unlock (&self->lock);
          return code;
        }
      if (code == CALL_TRANSPORT)
        {
          set_link (self, TONGBAN_MANAGER_LINK_OFFLINE, why);
          g_task_return_new_error (c->task, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, "%s",
                                   why);
          call_free (c);
          continue;
        }
      if (code != 0)
        g_message ("manager: %s", why);
      answer = g_new0 (CallAnswer, 1);
      answer->code = code;
      answer->data = code == 0 ? g_steal_pointer (&data) : g_steal_pointer (&refusal);
      g_task_return_pointer (c->task, answer, call_answer_free);
      call_free (c);
    }
  return 0;
}

/* Waits up to @ms, or until woken or stopped; returns FALSE when stopping. */
static gboolean
pause_for (TongbanManagerClient *self,
           gint64                ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;
  gboolean go_on;

  g_mutex_lock (&self->lock);
  while (!self->stopping && !self->wake)
    if (!g_cond_wait_until (&self->cond, &self->lock, until))
      break;
  self->wake = FALSE;
  go_on = !self->stopping;
  g_mutex_unlock (&self->lock);
  return go_on;
}

static gint64
next_backoff_ms (TongbanManagerClient *self)
{
  /* 1, 2, 4 … max seconds, each ±25 %, so a fleet that lost the manager does
   * not come back all at the same second. */
  gint64 base = (gint64) self->backoff_s * 1000;

  self->backoff_s = MIN (self->backoff_s * 2, self->max_backoff_s);
  return base * 3 / 4 + g_random_int_range (0, (gint32) (base / 2 + 1));
}

static gpointer
worker (gpointer data)
{
  TongbanManagerClient *self = data;
  gint64 next_beat = 0;

  self->curl = curl_easy_init ();
  curl_easy_setopt (self->curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (self->curl, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt (self->curl, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt (self->curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (self->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (self->curl, CURLOPT_XFERINFODATA, self);
  curl_easy_setopt (self->curl, CURLOPT_PROTOCOLS_STR, "http,https");
  self->backoff_s = 1;

  while (!g_atomic_int_get (&self->stop_flag))
    {
      gint64 code = 0, now;

      if (self->session_id == NULL)
        {
          code = do_login (self);
          if (code != 0)
            {
              g_autofree char *why = tongban_manager_client_dup_last_error (self);

              /* A citizen waits for these: they are told now, not after the backoff. */
              fail_calls (self, G_IO_ERROR_NOT_CONNECTED, why ? why : "not logged in");
              if (!pause_for (self, next_backoff_ms (self)))
                break;
              continue;
            }
          next_beat = 0;
        }
      /* Business calls first: someone is standing at the kiosk. */
      code = do_calls (self);
      if (is_session_trouble (code))
        {
          drop_session (self);
          continue;
        }
      now = g_get_monotonic_time () / 1000;
      if (now >= next_beat)
        {
          code = do_heartbeat (self);
          if (code == 0)
            next_beat = now + (gint64) self->interval_s * 1000;
        }
      if (code == 0)
        code = do_events (self);
      if (is_session_trouble (code))
        {
          /* Expired, or the manager restarted with another master key: log in again. */
          drop_session (self);
          continue;
        }
      if (code != 0)
        {
          if (!pause_for (self, next_backoff_ms (self)))
            break;
          continue;
        }
      self->backoff_s = 1;
      if (!pause_for (self, MAX (next_beat - g_get_monotonic_time () / 1000, 0)))
        break;
      g_mutex_lock (&self->lock);
      if (self->beat_now)
        next_beat = 0;
      self->beat_now = FALSE;
      g_mutex_unlock (&self->lock);
    }
  fail_calls (self, G_IO_ERROR_CANCELLED, "the link to the manager is stopping");
  drop_session (self);
  curl_easy_cleanup (self->curl);
  self->curl = NULL;
  return NULL;
}

/* ---- public ---------------------------------------------------------------- */

static void
write_event (gpointer data,
             gpointer user_data)
{
  TongbanUsageEvent *event = data;
  TongbanManagerClient *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = tongban_event_queue_push (self->queue, event, &error);

  if (id == NULL)
    g_message ("manager: usage event not queued: %s", error->message);
  g_free ((char *) event->kind);
  g_free ((char *) event->category);
  g_free ((char *) event->service);
  g_free ((char *) event->auth_method);
  g_free ((char *) event->outcome);
  g_free (event);
  if (id != NULL)
    tongban_manager_client_flush (self);
}

TongbanManagerClient *
tongban_manager_client_new (const TongbanManagerClientSetup  *setup,
                            GError                          **error)
{
  static gsize curl_ready = 0;
  g_autoptr(TongbanManagerClient) self = NULL;
  g_autofree char *queue_path = NULL;

  g_return_val_if_fail (setup != NULL && setup->url != NULL && setup->number != NULL
                        && setup->state_dir != NULL, NULL);

  if (g_once_init_enter (&curl_ready))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&curl_ready, 1);
    }
  if (!g_str_has_prefix (setup->url, "http://") && !g_str_has_prefix (setup->url, "https://"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "manager url '%s' is not http:// or https://", setup->url);
      return NULL;
    }
  if (g_mkdir_with_parents (setup->state_dir, 0700) != 0)
    {
      file_error (error, setup->state_dir, "cannot be made");
      return NULL;
    }
  self = g_object_new (TONGBAN_TYPE_MANAGER_CLIENT, NULL);
  self->url = g_strdup (setup->url);
  while (g_str_has_suffix (self->url, "/"))
    self->url[strlen (self->url) - 1] = '\0';
  self->number = g_strdup (setup->number);
  self->site = g_strdup (setup->site ? setup->site : setup->number);
  self->region = g_strdup (setup->region_code ? setup->region_code : "440000");
  self->max_backoff_s = setup->max_backoff_s ? setup->max_backoff_s : 60;
  self->key = load_or_make_key (setup->state_dir, error);
  if (self->key == NULL)
    return NULL;
  queue_path = g_build_filename (setup->state_dir, "usage-events.db", NULL);
  self->queue = tongban_event_queue_open (queue_path, error);
  if (self->queue == NULL)
    return NULL;
  self->writer = g_thread_pool_new (write_event, self, 1, FALSE, NULL);
  return g_steal_pointer (&self);
}

void
tongban_manager_client_start (TongbanManagerClient *self)
{
  g_return_if_fail (TONGBAN_IS_MANAGER_CLIENT (self));

  if (self->thread != NULL)
    return;
  g_atomic_int_set (&self->stop_flag, 0);
  self->stopping = FALSE;
  self->thread = g_thread_new ("tongban-manager", worker, self);
}

/* Ends the worker (an answer in flight is abandoned, its events stay queued). */
void
tongban_manager_client_stop (TongbanManagerClient *self)
{
  g_return_if_fail (TONGBAN_IS_MANAGER_CLIENT (self));

  if (self->writer != NULL)
    {
      /* Events handed over are on disk before the worker goes. */
      g_thread_pool_free (self->writer, FALSE, TRUE);
      self->writer = NULL;
    }
  if (self->thread == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_atomic_int_set (&self->stop_flag, 1);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);
  self->thread = NULL;
}

/* Sends @body (taken; wiped once sent) to @path (for example
 * "/api/terminal/v1/calls"), signed with the terminal's session key, on the
 * worker thread, before the next heartbeat. A lost session is renewed and
 * the call sent once more. @callback runs on the thread that made the client. */
void
tongban_manager_client_call_async (TongbanManagerClient *self,
                                   const char           *path,
                                   char                 *body,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  Call *c;
  gboolean running;

  g_return_if_fail (TONGBAN_IS_MANAGER_CLIENT (self));
  g_return_if_fail (path != NULL && path[0] == '/' && body != NULL);

  c = g_new0 (Call, 1);
  /* No source object: the worker may drop the task last, and must never
   * hold the last reference to the client (it would join itself). */
  c->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (c->task, tongban_manager_client_call_async);
  c->path = g_strdup (path);
  c->body = body;
  g_mutex_lock (&self->lock);
  running = self->thread != NULL && !self->stopping;
  if (running)
    {
      g_queue_push_tail (&self->calls, c);
      self->wake = TRUE;
      g_cond_signal (&self->cond);
    }
  g_mutex_unlock (&self->lock);
  if (!running)
    {
      g_task_return_new_error (c->task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               "the link to the manager is not started");
      call_free (c);
    }
}

/* FALSE with @error when the manager was not reached (G_IO_ERROR); TRUE with
 * the envelope's @code and its @data (may be NULL) when it answered. */
gboolean
tongban_manager_client_call_finish (TongbanManagerClient  *self,
                                    GAsyncResult          *result,
                                    gint64                *code,
                                    JsonNode             **data,
                                    GError               **error)
{
  CallAnswer *answer;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == tongban_manager_client_call_async, FALSE);

  answer = g_task_propagate_pointer (G_TASK (result), error);
  if (answer == NULL)
    return FALSE;
  *code = answer->code;
  *data = g_steal_pointer (&answer->data);
  call_answer_free (answer);
  return TRUE;
}

/* @report: an object with "components" [{name, status}] and "consumables"
 * [{item, level, state}] for the next heartbeat (the device layer's report). */
void
tongban_manager_client_set_report (TongbanManagerClient *self,
                                   JsonNode             *report)
{
  g_autofree char *text = NULL;

  g_return_if_fail (TONGBAN_IS_MANAGER_CLIENT (self));
  g_return_if_fail (report != NULL && JSON_NODE_HOLDS_OBJECT (report));

  text = json_to_string (report, FALSE);
  /* Without its braces, to go into the heartbeat beside sw_version. */
  if (strlen (text) <= 2)
    g_clear_pointer (&text, g_free);
  else
    {
      text[strlen (text) - 1] = '\0';
      memmove (text, text + 1, strlen (text));
    }
  g_mutex_lock (&self->lock);
  g_free (self->report);
  self->report = g_steal_pointer (&text);
  g_mutex_unlock (&self->lock);
}

/* Queues a usage event (on disk, off this thread) and wakes the sender.
 * occurred_at 0 means now, on the manager's clock. */
gboolean
tongban_manager_client_record (TongbanManagerClient     *self,
                               const TongbanUsageEvent  *event,
                               GError                  **error)
{
  TongbanUsageEvent *copy;

  g_return_val_if_fail (TONGBAN_IS_MANAGER_CLIENT (self), FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  copy = g_new0 (TongbanUsageEvent, 1);
  *copy = *event;
  if (copy->occurred_at == 0)
    copy->occurred_at = tongban_manager_client_now_ms (self) / 1000;
  if (!tongban_usage_event_check (copy, error) || self->writer == NULL)
    {
      g_free (copy);
      if (self->writer == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the link to the manager is stopped");
      return FALSE;
    }
  copy->kind = g_strdup (event->kind);
  copy->category = g_strdup (event->category);
  copy->service = g_strdup (event->service);
  copy->auth_method = g_strdup (event->auth_method);
  copy->outcome = g_strdup (event->outcome);
  g_thread_pool_push (self->writer, copy, NULL);
  return TRUE;
}

/* Sends queued events now rather than at the next heartbeat. */
void
tongban_manager_client_flush (TongbanManagerClient *self)
{
  g_return_if_fail (TONGBAN_IS_MANAGER_CLIENT (self));

  g_mutex_lock (&self->lock);
  self->wake = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Sends a heartbeat now (say, with a self-test's results) rather than at the interval. */
void
tongban_manager_client_heartbeat_now (TongbanManagerClient *self)
{
  g_return_if_fail (TONGBAN_IS_MANAGER_CLIENT (self));

  g_mutex_lock (&self->lock);
  self->beat_now = TRUE;
  self->wake = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

gint64
tongban_manager_client_clock_offset_ms (TongbanManagerClient *self)
{
  gint64 offset;

  g_return_val_if_fail (TONGBAN_IS_MANAGER_CLIENT (self), 0);
  g_mutex_lock (&self->lock);
  offset = self->offset_ms;
  g_mutex_unlock (&self->lock);
  return offset;
}

/* The kiosk's one clock: local time corrected by the manager's. */
gint64
tongban_manager_client_now_ms (TongbanManagerClient *self)
{
  return local_ms () + tongban_manager_client_clock_offset_ms (self);
}

gint64
tongban_manager_client_queued (TongbanManagerClient *self)
{
  g_return_val_if_fail (TONGBAN_IS_MANAGER_CLIENT (self), -1);
  return tongban_event_queue_length (self->queue);
}

TongbanManagerLink
tongban_manager_client_get_link (TongbanManagerClient *self)
{
  g_return_val_if_fail (TONGBAN_IS_MANAGER_CLIENT (self), TONGBAN_MANAGER_LINK_STARTING);
  return self->shown_link;
}

char *
tongban_manager_client_dup_last_error (TongbanManagerClient *self)
{
  char *text;

  g_return_val_if_fail (TONGBAN_IS_MANAGER_CLIENT (self), NULL);
  g_mutex_lock (&self->lock);
  text = g_strdup (self->last_error);
  g_mutex_unlock (&self->lock);
  return text;
}

gboolean
tongban_manager_client_get_locked (TongbanManagerClient *self)
{
  g_return_val_if_fail (TONGBAN_IS_MANAGER_CLIENT (self), FALSE);
  return self->locked;
}

GStrv
tongban_manager_client_dup_modules_off (TongbanManagerClient *self)
{
  g_return_val_if_fail (TONGBAN_IS_MANAGER_CLIENT (self), NULL);
  return g_strdupv (self->modules_off);
}

static void
tongban_manager_client_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  TongbanManagerClient *self = TONGBAN_MANAGER_CLIENT (object);

  switch (prop_id)
    {
    case PROP_LOCKED:
      g_value_set_boolean (value, self->locked);
      break;
    case PROP_LINK:
      g_value_set_uint (value, self->shown_link);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_manager_client_dispose (GObject *object)
{
  tongban_manager_client_stop (TONGBAN_MANAGER_CLIENT (object));
  G_OBJECT_CLASS (tongban_manager_client_parent_class)->dispose (object);
}

static void
tongban_manager_client_finalize (GObject *object)
{
  TongbanManagerClient *self = TONGBAN_MANAGER_CLIENT (object);

  g_free (self->url);
  g_free (self->number);
  g_free (self->site);
  g_free (self->region);
  g_clear_pointer (&self->key, EVP_PKEY_free);
  g_clear_pointer (&self->queue, tongban_event_queue_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->report);
  g_free (self->last_error);
  g_free (self->session_id);
  g_strfreev (self->modules_off);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (tongban_manager_client_parent_class)->finalize (object);
}

static void
tongban_manager_client_class_init (TongbanManagerClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tongban_manager_client_get_property;
  object_class->dispose = tongban_manager_client_dispose;
  object_class->finalize = tongban_manager_client_finalize;

  /* The manager has locked the kiosk (maintenance cover) or unlocked it. */
  properties[PROP_LOCKED] =
    g_param_spec_boolean ("locked", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A TongbanManagerLink. */
  properties[PROP_LINK] =
    g_param_spec_uint ("link", NULL, NULL, 0, TONGBAN_MANAGER_LINK_REFUSED, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The modules switched off changed: tongban_manager_client_dup_modules_off(). */
  signals[MODULES_CHANGED] = g_signal_new ("modules-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
  /* The manager asks for a device self-test (its result goes in the next heartbeat). */
  signals[SELF_TEST] = g_signal_new ("self-test", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tongban_manager_client_init (TongbanManagerClient *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->context = g_main_context_ref_thread_default ();
  self->modules_off = g_new0 (char *, 1);
  self->interval_s = 30;
}
