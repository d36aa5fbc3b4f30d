/* tongban-soap.h: SOAP 1.1/1.2 messages with WS-Security (SM2/SM3), shared by the
 * manager's SOAP adapter and the sandbox's SOAP front end
 *
 * Outside bytes are parsed by libxml2 without network, DTD or entity substitution; a
 * document with a DOCTYPE is refused before anything is built from it. Envelopes carry
 * one operation element in the Body, mapped to and from a JSON object (see
 * tongban_soap_body_from_json). WS-Security: a wsu:Timestamp and a ds:Signature whose
 * SignedInfo (exclusive C14N) references THE Body and THE Timestamp by wsu:Id. The
 * project's algorithms are SM3 digests and an SM2 signature (URIs below, documented in
 * docs/gateway.md section 6); RSA-SHA256 with SHA-256 digests is verified too, for
 * third-party clients, but only with keys registered in a TongbanSoapKeyring.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

G_BEGIN_DECLS

#define TONGBAN_SOAP11_NS   "http://schemas.xmlsoap.org/soap/envelope/"
#define TONGBAN_SOAP12_NS   "http://www.w3.org/2003/05/soap-envelope"
#define TONGBAN_WSSE_NS     "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
#define TONGBAN_WSU_NS      "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
#define TONGBAN_DS_NS       "http://www.w3.org/2000/09/xmldsig#"
#define TONGBAN_EXC_C14N    "http://www.w3.org/2001/10/xml-exc-c14n#"
#define TONGBAN_SOAP_FAULT_NS "urn:gba:tongban:fault"

/* Project-defined algorithm URIs: no standard XML-DSig URI names SM2 or SM3. */
#define TONGBAN_XMLDSIG_SM2_SM3 "urn:gba:tongban:xmldsig:sm2-sm3"
#define TONGBAN_XMLDSIG_SM3     "urn:gba:tongban:xmldsig:sm3"
/* W3C URIs, verified for interoperability with clients that cannot do SM2. */
#define TONGBAN_XMLDSIG_RSA_SHA256 "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
#define TONGBAN_XMLDSIG_SHA256     "http://www.w3.org/2001/04/xmlenc#sha256"
#define TONGBAN_WSSE_X509V3 "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"

#define TONGBAN_SOAP_MAX_BYTES (1024 * 1024)
#define TONGBAN_SOAP_MAX_DEPTH 48
/* Timestamps: how long a message we sign stays valid, and how far clocks may differ. */
#define TONGBAN_SOAP_TTL_SECONDS  300
#define TONGBAN_SOAP_SKEW_SECONDS 60

#define TONGBAN_SOAP_ERROR (tongban_soap_error_quark ())

typedef enum {
  TONGBAN_SOAP_ERROR_PARSE,      /* not well-formed XML, too large or too deep */
  TONGBAN_SOAP_ERROR_FORBIDDEN,  /* DOCTYPE, entity declaration */
  TONGBAN_SOAP_ERROR_ENVELOPE,   /* not a SOAP envelope of the expected shape */
  TONGBAN_SOAP_ERROR_SECURITY,   /* WS-Security header missing, wrong or not verified */
  TONGBAN_SOAP_ERROR_EXPIRED,    /* Timestamp expired, stale or from the future */
} TongbanSoapError;

typedef enum {
  TONGBAN_SOAP_11 = 11,
  TONGBAN_SOAP_12 = 12,
} TongbanSoapVersion;

/* A parsed or built envelope. The node pointers point into doc. */
typedef struct {
  xmlDoc             *doc;
  TongbanSoapVersion  version;
  xmlNode            *envelope;
  xmlNode            *header;     /* may be NULL */
  xmlNode            *body;
  xmlNode            *payload;    /* the first element child of Body (operation or Fault) */
} TongbanSoapMessage;

GQuark              tongban_soap_error_quark  (void);

/* Parses outside bytes safely; refuses DOCTYPE, oversize and over-deep documents. */
xmlDoc             *tongban_soap_parse_xml    (const char          *data,
                                               gsize                len,
                                               GError             **error);

TongbanSoapMessage *tongban_soap_message_parse (const char         *data,
                                                gsize               len,
                                                GError            **error);
/* A new envelope whose Body holds <ns:operation> built from params (may be NULL);
 * NULL when params have no XML form. */
TongbanSoapMessage *tongban_soap_message_new   (TongbanSoapVersion  version,
                                                const char         *ns,
                                                const char         *operation,
                                                JsonObject         *params,
                                                GError            **error);
/* A new envelope whose Body holds a Fault. sender: the caller's fault (1.1 Client,
 * 1.2 Sender), else the server's (Server / Receiver). reason_id (may be NULL) goes in
 * the detail as <tbf:reason>. */
TongbanSoapMessage *tongban_soap_fault_new     (TongbanSoapVersion  version,
                                                gboolean            sender,
                                                const char         *reason_id,
                                                const char         *text);
void                tongban_soap_message_free  (TongbanSoapMessage *message);
char               *tongban_soap_message_to_string (TongbanSoapMessage *message,
                                                    gsize              *len);

/* TRUE when the Body holds a Fault; then fills the out arguments (each may be NULL). */
gboolean            tongban_soap_message_get_fault (TongbanSoapMessage *message,
                                                    gboolean           *sender,
                                                    char              **reason_id,
                                                    char              **text);

/* HTTP framing: the Content-Type to send (1.2 carries the action in it; 1.1 sends it as
 * the SOAPAction header), and the version a received Content-Type announces (0: neither). */
char               *tongban_soap_content_type  (TongbanSoapVersion  version,
                                                const char         *action);
TongbanSoapVersion  tongban_soap_version_from_content_type (const char *content_type);

/* JSON ↔ XML for operation bodies: members become child elements in the operation's
 * namespace, arrays repeated elements of the member's name, scalars text (booleans
 * "true"/"false"), null members are left out. Reading back, leaves are strings unless
 * types (element local name → "integer", "number", "boolean", "array", "object"; may
 * be NULL) says otherwise, and repeated names always become arrays; the types come from
 * the WSDL's schema (tongban_soap_types_from_wsdl) so both sides agree with it. */
gboolean            tongban_soap_json_to_xml   (xmlNode            *parent,
                                                xmlNs              *ns,
                                                JsonObject         *object,
                                                GError            **error);
JsonObject         *tongban_soap_xml_to_json   (xmlNode            *element,
                                                GHashTable         *types,
                                                GError            **error);
GHashTable         *tongban_soap_types_from_wsdl (const char       *wsdl,
                                                  gsize             len,
                                                  GError          **error);

/* Exclusive C14N 1.0 (without comments) of the subtree at node. */
char               *tongban_soap_c14n          (xmlNode            *node,
                                                gsize              *len);

/* Keys the verifier trusts, by name. A signature naming a key by ds:KeyName must name
 * one of them; one carrying an X.509 BinarySecurityToken must carry the certificate of
 * one of them (a key merely carried in the message is never trusted). */
typedef struct _TongbanSoapKeyring TongbanSoapKeyring;

TongbanSoapKeyring *tongban_soap_keyring_new   (void);
void                tongban_soap_keyring_free  (TongbanSoapKeyring *keyring);
/* The name a signer puts in ds:KeyName and a verifier registers the key under: "sm3:"
 * and the first 16 bytes, in hex, of the SM3 digest of the key's SubjectPublicKeyInfo. */
char               *tongban_soap_key_name      (EVP_PKEY           *key);
/* Takes a reference to key. */
void                tongban_soap_keyring_add   (TongbanSoapKeyring *keyring,
                                                const char         *name,
                                                EVP_PKEY           *key);

/* Adds wsse:Security (Timestamp valid for ttl_seconds, Signature over Body and
 * Timestamp) to message. key: SM2 (sm2-sm3 / sm3 URIs) or RSA (rsa-sha256 / sha256).
 * With cert the KeyInfo references a BinarySecurityToken carrying it, otherwise a
 * ds:KeyName of key_name. */
gboolean            tongban_soap_sign          (TongbanSoapMessage *message,
                                                EVP_PKEY           *key,
                                                X509               *cert,
                                                const char         *key_name,
                                                guint               ttl_seconds,
                                                GError            **error);
/* Checks the Timestamp against now (NULL: the current time) and the Signature against
 * keyring; on success *key_name (may be NULL) names the key that signed. */
gboolean            tongban_soap_verify        (TongbanSoapMessage *message,
                                                TongbanSoapKeyring *keyring,
                                                GDateTime          *now,
                                                char              **key_name,
                                                GError            **error);

/* PEM helpers (NULL on anything unreadable). */
EVP_PKEY           *tongban_soap_key_from_pem  (const char         *pem,
                                                gboolean            private_key);
X509               *tongban_soap_cert_from_pem (const char         *pem);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanSoapMessage, tongban_soap_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanSoapKeyring, tongban_soap_keyring_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509, X509_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

G_END_DECLS
