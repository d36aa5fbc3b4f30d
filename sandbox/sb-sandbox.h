/* sb-sandbox.h: the state tongban-sandbox keeps, shared by its parts
 *
 * One SbSandbox holds the seeded records, everything submitted since it started (in memory
 * only), issued documents, QR login tickets, payment orders, the injected faults and the
 * log of calls. One lock guards it all: the HTTP server runs handlers on a thread pool.
 */
#pragma once

#include "sb-http.h"
#include "sb-request.h"

G_BEGIN_DECLS

typedef struct {
  const char *listen;       /* address to bind, "127.0.0.1" */
  guint       port;         /* 0: any free port */
  const char *seed_file;    /* NULL: the built-in seed */
  const char *token;        /* bearer token the REST front end requires; NULL: "sandbox" */
  const char *public_url;   /* base of URLs in answers (QR, verify); NULL: from listen/port */
  gboolean    control;      /* /_control/ routes on */
  gsize       max_body;     /* 0: SB_DEFAULT_MAX_BODY */
  guint       threads;      /* 0: 4 */
} SbConfig;

typedef struct {
  char    *method;
  char    *prefix;
  SbHandler handler;
  gpointer  user_data;
} SbRoute;

struct _SbSandbox
{
  GMutex      lock;
  SbConfig    config;         /* strings owned copies */
  guint       port;
  void       *daemon;         /* struct MHD_Daemon */
  GPtrArray  *routes;         /* SbRoute */

  JsonNode   *seed;
  GHashTable *citizens;       /* every id number a citizen has → JsonObject (borrowed) */
  GHashTable *companies;      /* CR number and BRN → JsonObject (borrowed) */

  guint64     serial;
  GPtrArray  *submissions;    /* JsonObject */
  GHashTable *documents;      /* number → JsonObject (the registry record) */
  GHashTable *tickets;        /* QR ticket → JsonObject */
  GHashTable *orders;         /* payment order → JsonObject */
  GHashTable *taken_slots;    /* "hall/slot" → reference */
  GHashTable *replies;        /* request key → SbResponse* */
  GQueue      reply_order;    /* their keys, oldest first (owned by replies) */
  GPtrArray  *faults;         /* SbFault* */
  GPtrArray  *log;            /* JsonObject */
};

#define SB_DEFAULT_MAX_BODY (2 * 1024 * 1024)
#define SB_MAX_REPLIES      50000  /* first answers kept for repeated request ids */
#define SB_DEFAULT_TOKEN    "sandbox"

SbSandbox  *sb_sandbox_new        (const SbConfig  *config,
                                   GError         **error);
/* Starts listening; afterwards sb_sandbox_get_port() tells the port. */
gboolean    sb_sandbox_start      (SbSandbox       *sb,
                                   GError         **error);
guint       sb_sandbox_get_port   (SbSandbox       *sb);
const char *sb_sandbox_get_listen (SbSandbox       *sb);
void        sb_sandbox_free       (SbSandbox       *sb);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbSandbox, sb_sandbox_free)

/* "http://HOST:PORT" as seen by clients, for URLs in answers. */
char       *sb_sandbox_base_url   (SbSandbox       *sb);
const char *sb_sandbox_token      (SbSandbox       *sb);
gboolean    sb_sandbox_control_on (SbSandbox       *sb);

/* The one lock around all state below. */
void        sb_lock               (SbSandbox       *sb);
void        sb_unlock             (SbSandbox       *sb);

/* Seeded records (sb-seed.c). Look-ups return borrowed objects; call with the lock held. */
gboolean    sb_seed_load          (SbSandbox       *sb,
                                   GBytes          *json,
                                   GError         **error);
JsonObject *sb_seed_root          (SbSandbox       *sb);
JsonObject *sb_seed_citizen       (SbSandbox       *sb,
                                   const char      *any_id_number);
JsonObject *sb_seed_company       (SbSandbox       *sb,
                                   const char      *cr_or_brn);

/* A new reference number "PREFIX-YYYYMMDD-NNNNNN", unique for the run. */
char       *sb_next_reference     (SbSandbox       *sb,
                                   const char      *prefix);

/* Submissions (applications, bookings, filings, renewals), kept in memory in order. */
void        sb_store_submission   (SbSandbox       *sb,
                                   JsonObject      *record);
/* The caller's records of one kind, oldest first (borrowed objects in a new array). */
GPtrArray  *sb_submissions        (SbSandbox       *sb,
                                   const char      *kind,
                                   const char      *id_number);

/* Documents (sb-documents.c): registers a certificate and returns its section 5 "document"
 * object (new); takes fields. The same id_number and template on the same day get the same
 * number. Call with the lock held. */
JsonObject *sb_document_issue     (SbSandbox       *sb,
                                   const char      *template_id,
                                   const char      *prefix,
                                   const char      *holder_name,
                                   const char      *id_number,
                                   const char      *valid_until,
                                   JsonObject      *fields);
void        sb_documents_add_routes (SbSandbox     *sb);

/* Identity (sb-identity.c): the phone page of the QR login. */
void        sb_identity_add_routes (SbSandbox      *sb);
/* Front ends (sb-rest.c): REST operations and the control routes. */
void        sb_rest_add_routes    (SbSandbox       *sb);

/* Faults (sb-faults.c). */
typedef enum {
  SB_FAULT_NONE,
  SB_FAULT_LATENCY,
  SB_FAULT_ERROR,
  SB_FAULT_GARBAGE,
  SB_FAULT_CLOSE,
  SB_FAULT_REFUSE,
} SbFaultKind;

/* Parses {"system", "operation", "kind", "ms", "count"} and adds it. */
gboolean    sb_faults_add_json    (SbSandbox       *sb,
                                   JsonObject      *spec,
                                   GError         **error);
/* "system:operation:kind[:ms[:count]]", the --fault form. */
gboolean    sb_faults_add_text    (SbSandbox       *sb,
                                   const char      *text,
                                   GError         **error);
void        sb_faults_clear       (SbSandbox       *sb);
/* Takes one use of the first fault matching (kinds other than refuse); lock not held. */
SbFaultKind sb_faults_take        (SbSandbox       *sb,
                                   const char      *system,
                                   const char      *operation,
                                   guint           *ms);
/* Takes one use of a refuse fault, if any (at connection time: any system). */
gboolean    sb_faults_take_refuse (SbSandbox       *sb);

/* The call log: operation, system, request_id and outcome; no personal data. */
void        sb_log_call           (SbSandbox       *sb,
                                   const char      *system,
                                   const char      *operation,
                                   const char      *request_id,
                                   const char      *outcome);
JsonNode   *sb_log_to_json        (SbSandbox       *sb);

/* Answers kept by request id (REST and SOAP): a repeated id gets the first answer. */
gboolean    sb_replay_lookup      (SbSandbox       *sb,
                                   const char      *key,
                                   SbResponse      *out);
void        sb_replay_store       (SbSandbox       *sb,
                                   const char      *key,
                                   const SbResponse *response);

/* Response helpers. */
void        sb_response_set       (SbResponse      *response,
                                   guint            status,
                                   const char      *content_type,
                                   GBytes          *body);
void        sb_response_json      (SbResponse      *response,
                                   guint            status,
                                   JsonNode        *node);
void        sb_response_text      (SbResponse      *response,
                                   guint            status,
                                   const char      *content_type,
                                   const char      *text);
void        sb_response_clear     (SbResponse      *response);
/* Marks the response as "close the connection without an answer". */
void        sb_response_close     (SbResponse      *response);

/* Pages for a phone (verify, QR login, QR pay): the language from ?lang= or
 * Accept-Language, and a small page with a strict CSP and no script. */
typedef enum {
  SB_LANG_ZH_CN,
  SB_LANG_ZH_HK,
  SB_LANG_EN,
} SbLang;

SbLang      sb_page_lang          (SbRequest       *request);
const char *sb_tr                 (SbLang           lang,
                                   const char      *zh_cn,
                                   const char      *zh_hk,
                                   const char      *en);
/* body_html is inserted as is: escape what it holds with g_markup_escape_text(). */
void        sb_page_respond       (SbResponse      *response,
                                   guint            status,
                                   SbLang           lang,
                                   const char      *title,
                                   const char      *body_html);


G_END_DECLS
