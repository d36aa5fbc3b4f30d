/* tongban-soap.c: SOAP envelopes, faults, JSON mapping and WS-Security over libxml2 and
 * OpenSSL 3 (see tongban-soap.h) */

#include "tongban-soap.h"

#include <math.h>
#include <string.h>
#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <libxml/xmlIO.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "tongban-sm.h"

#define XSD_NS "http://www.w3.org/2001/XMLSchema"
#define WSSE_BASE64 "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"

G_DEFINE_QUARK (tongban-soap-error-quark, tongban_soap_error)

static void
init_libxml (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      xmlInitParser ();
      g_once_init_leave (&once, 1);
    }
}

static gboolean
is_element (xmlNode    *node,
            const char *ns,
            const char *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE
         && g_strcmp0 ((const char *) node->name, name) == 0
         && (ns == NULL ? node->ns == NULL
             : node->ns != NULL && g_strcmp0 ((const char *) node->ns->href, ns) == 0);
}

static xmlNode *
first_element (xmlNode *node)
{
  for (; node != NULL; node = node->next)
    if (node->type == XML_ELEMENT_NODE)
      return node;
  return NULL;
}

static xmlNode *
next_element (xmlNode *node)
{
  return node == NULL ? NULL : first_element (node->next);
}

/* The only child element of parent named ns:name; NULL when there is none or several. */
static xmlNode *
only_child (xmlNode    *parent,
            const char *ns,
            const char *name)
{
  xmlNode *found = NULL;

  for (xmlNode *c = first_element (parent->children); c != NULL; c = next_element (c))
    if (is_element (c, ns, name))
      {
        if (found != NULL)
          return NULL;
        found = c;
      }
  return found;
}

/* The node after node in document order below the root element (NULL at the end). */
static xmlNode *
walk_next (xmlNode *node)
{
  if (node->type == XML_ELEMENT_NODE && node->children != NULL)
    return node->children;
  while (node != NULL && node->next == NULL)
    node = node->parent != NULL && node->parent->type == XML_ELEMENT_NODE ? node->parent : NULL;
  return node != NULL ? node->next : NULL;
}

/* A child without namespace (xmlNewChild would give it the parent's). */
static xmlNode *
plain_child (xmlNode    *parent,
             const char *name,
             const char *text)
{
  xmlNode *child = xmlNewDocNode (parent->doc, NULL, BAD_CAST name, NULL);

  if (text != NULL)
    xmlNodeAddContent (child, BAD_CAST text);
  return xmlAddChild (parent, child);
}

static char *
node_text (xmlNode *node)
{
  xmlChar *content = xmlNodeGetContent (node);
  char *text = g_strdup (content != NULL ? (const char *) content : "");

  xmlFree (content);
  return text;
}

/* ---- Safe parsing ---------------------------------------------------------------------- */

typedef struct {
  gboolean forbidden;
} ParseGuard;

static void
refuse_subset (void          *ctx,
               const xmlChar *name,
               const xmlChar *external_id,
               const xmlChar *system_id)
{
  xmlParserCtxt *ctxt = ctx;

  ((ParseGuard *) ctxt->_private)->forbidden = TRUE;
  xmlStopParser (ctxt);
}

static void
refuse_entity (void          *ctx,
               const xmlChar *name,
               int            type,
               const xmlChar *public_id,
               const xmlChar *system_id,
               xmlChar       *content)
{
  xmlParserCtxt *ctxt = ctx;

  ((ParseGuard *) ctxt->_private)->forbidden = TRUE;
  xmlStopParser (ctxt);
}

static gboolean
too_deep (xmlNode *root)
{
  xmlNode *node = root;
  guint depth = 1;

  /* Iterative walk: a recursion here is what the cap protects against. */
  while (node != NULL)
    {
      if (node->type == XML_ELEMENT_NODE && node->children != NULL)
        {
          if (++depth > TONGBAN_SOAP_MAX_DEPTH)
            return TRUE;
          node = node->children;
          continue;
        }
      while (node != NULL && node->next == NULL)
        {
          node = node->parent;
          depth--;
          if (node == root || node == NULL || node->type == XML_DOCUMENT_NODE)
            return FALSE;
        }
      if (node != NULL)
        node = node->next;
    }
  return FALSE;
}

xmlDoc *
tongban_soap_parse_xml (const char  *data,
                        gsize        len,
                        GError     **error)
{
  ParseGuard guard = { FALSE };
  xmlParserCtxt *ctxt;
  xmlDoc *doc;

  if (data == NULL || len == 0)
    {
      g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_PARSE, "empty document");
      return NULL;
    }
  if (len > TONGBAN_SOAP_MAX_BYTES || len > G_MAXINT)
    {
      g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_PARSE,
                   "document larger than %d bytes", TONGBAN_SOAP_MAX_BYTES);
      return NULL;
    }
  /* Refused before parsing; the SAX hooks below catch what a byte scan cannot see
   * (other encodings). */
  if (memmem (data, len, "<!DOCTYPE", 9) != NULL || memmem (data, len, "<!ENTITY", 8) != NULL)
    {
      g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_FORBIDDEN,
                   "documents with a DOCTYPE or entity declarations are refused");
      return NULL;
    }

  init_libxml ();
  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    {
      g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_PARSE, "out of memory");
      return NULL;
    }
  ctxt->_private = &guard;
  ctxt->sax->internalSubset = refuse_subset;
  ctxt->sax->externalSubset = refuse_subset;
  ctxt->sax->entityDecl = refuse_entity;
  doc = xmlCtxtReadMemory (ctxt, data, (int) len, NULL, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (guard.forbidden)
    {
      g_clear_pointer (&doc, xmlFreeDoc);
      g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_FORBIDDEN,
                   "documents with a DOCTYPE or entity declarations are refused");
    }
  else if (doc == NULL || !ctxt->wellFormed)
    {
      const xmlError *err = xmlCtxtGetLastError (ctxt);
      g_autofree char *msg = g_strdup (err != NULL && err->message != NULL
                                       ? err->message : "not well-formed");

      g_clear_pointer (&doc, xmlFreeDoc);
      g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_PARSE,
                   "XML not well-formed (line %d): %s",
                   err != NULL ? err->line : 0, g_strchomp (msg));
    }
  else if (xmlDocGetRootElement (doc) == NULL || too_deep (xmlDocGetRootElement (doc)))
    {
      g_clear_pointer (&doc, xmlFreeDoc);
      g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_PARSE,
                   "XML nested deeper than %d elements", TONGBAN_SOAP_MAX_DEPTH);
    }
  xmlFreeParserCtxt (ctxt);
  return doc;
}

/* ---- Envelopes ------------------------------------------------------------------------- */

static const char *
envelope_ns (TongbanSoapVersion version)
{
  return version == TONGBAN_SOAP_12 ? TONGBAN_SOAP12_NS : TONGBAN_SOAP11_NS;
}

void
tongban_soap_message_free (TongbanSoapMessage *message)
{
  if (message == NULL)
    return;
  xmlFreeDoc (message->doc);
  g_free (message);
}

TongbanSoapMessage *
tongban_soap_message_parse (const char  *data,
                            gsize        len,
                            GError     **error)
{
  g_autoptr(TongbanSoapMessage) msg = g_new0 (TongbanSoapMessage, 1);
  xmlNode *root;
  const char *ns;

  msg->doc = tongban_soap_parse_xml (data, len, error);
  if (msg->doc == NULL)
    return NULL;
  root = xmlDocGetRootElement (msg->doc);
  if (is_element (root, TONGBAN_SOAP11_NS, "Envelope"))
    msg->version = TONGBAN_SOAP_11;
  else if (is_element (root, TONGBAN_SOAP12_NS, "Envelope"))
    msg->version = TONGBAN_SOAP_12;
  else
    {
      g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_ENVELOPE,
                   "not a SOAP 1.1 or 1.2 Envelope");
      return NULL;
    }
  ns = envelope_ns (msg->version);
  msg->envelope = root;
  for (xmlNode *c = first_element (root->children); c != NULL; c = next_element (c))
    {
      if (is_element (c, ns, "Header") && msg->header == NULL && msg->body == NULL)
        msg->header = c;
      else if (is_element (c, ns, "Body") && msg->body == NULL)
        msg->body = c;
      else
        {
          g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_ENVELOPE,
                       "unexpected element <%s> in the Envelope", (const char *) c->name);
          return NULL;
        }
    }
  if (msg->body == NULL)
    {
      g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_ENVELOPE,
                   "the Envelope has no Body");
      return NULL;
    }
  msg->payload = first_element (msg->body->children);
  if (msg->payload == NULL || next_element (msg->payload) != NULL)
    {
      g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_ENVELOPE,
                   "the Body must hold exactly one element");
      return NULL;
    }
  return g_steal_pointer (&msg);
}

static TongbanSoapMessage *
message_skeleton (TongbanSoapVersion version)
{
  TongbanSoapMessage *msg = g_new0 (TongbanSoapMessage, 1);
  xmlNs *ns;

  init_libxml ();
  msg->version = version;
  msg->doc = xmlNewDoc (BAD_CAST "1.0");
  msg->envelope = xmlNewDocNode (msg->doc, NULL, BAD_CAST "Envelope", NULL);
  ns = xmlNewNs (msg->envelope, BAD_CAST envelope_ns (version), BAD_CAST "soap");
  xmlSetNs (msg->envelope, ns);
  xmlDocSetRootElement (msg->doc, msg->envelope);
  msg->body = xmlNewChild (msg->envelope, ns, BAD_CAST "Body", NULL);
  return msg;
}

TongbanSoapMessage *
tongban_soap_message_new (TongbanSoapVersion  version,
                          const char         *ns_uri,
                          const char         *operation,
                          JsonObject         *params,
                          GError            **error)
{
  TongbanSoapMessage *msg = message_skeleton (version);
  xmlNs *ns;

  msg->payload = xmlNewChild (msg->body, NULL, BAD_CAST operation, NULL);
  ns = xmlNewNs (msg->payload, BAD_CAST ns_uri, BAD_CAST "tns");
  xmlSetNs (msg->payload, ns);
  if (params != NULL && !tongban_soap_json_to_xml (msg->payload, ns, params, error))
    g_clear_pointer (&msg, tongban_soap_message_free);
  return msg;
}

TongbanSoapMessage *
tongban_soap_fault_new (TongbanSoapVersion  version,
                        gboolean            sender,
                        const char         *reason_id,
                        const char         *text)
{
  TongbanSoapMessage *msg = message_skeleton (version);
  xmlNs *env = msg->envelope->ns;
  xmlNode *detail;

  msg->payload = xmlNewChild (msg->body, env, BAD_CAST "Fault", NULL);
  if (version == TONGBAN_SOAP_11)
    {
      plain_child (msg->payload, "faultcode", sender ? "soap:Client" : "soap:Server");
      plain_child (msg->payload, "faultstring", text);
      detail = reason_id != NULL ? plain_child (msg->payload, "detail", NULL) : NULL;
    }
  else
    {
      xmlNode *code = xmlNewChild (msg->payload, env, BAD_CAST "Code", NULL);
      xmlNode *reason = xmlNewChild (msg->payload, env, BAD_CAST "Reason", NULL);
      xmlNode *t;

      xmlNewTextChild (code, env, BAD_CAST "Value",
                       BAD_CAST (sender ? "soap:Sender" : "soap:Receiver"));
      t = xmlNewTextChild (reason, env, BAD_CAST "Text", BAD_CAST text);
      xmlNodeSetLang (t, BAD_CAST "en");
      detail = reason_id != NULL ? xmlNewChild (msg->payload, env, BAD_CAST "Detail", NULL)
                                 : NULL;
    }
  if (detail != NULL)
    {
      xmlNode *r = plain_child (detail, "reason", reason_id);

      xmlSetNs (r, xmlNewNs (r, BAD_CAST TONGBAN_SOAP_FAULT_NS, BAD_CAST "tbf"));
    }
  return msg;
}

char *
tongban_soap_message_to_string (TongbanSoapMessage *message,
                                gsize              *len)
{
  xmlChar *buf = NULL;
  int size = 0;
  char *out;

  xmlDocDumpMemoryEnc (message->doc, &buf, &size, "UTF-8");
  out = g_strndup ((const char *) buf, size);
  xmlFree (buf);
  if (len != NULL)
    *len = (gsize) size;
  return out;
}

gboolean
tongban_soap_message_get_fault (TongbanSoapMessage *message,
                                gboolean           *sender,
                                char              **reason_id,
                                char              **text)
{
  const char *env = envelope_ns (message->version);
  xmlNode *fault = message->payload;
  xmlNode *code_node, *text_node, *detail;
  g_autofree char *code = NULL;
  const char *local;

  if (!is_element (fault, env, "Fault"))
    return FALSE;
  if (message->version == TONGBAN_SOAP_11)
    {
      code_node = only_child (fault, NULL, "faultcode");
      text_node = only_child (fault, NULL, "faultstring");
      detail = only_child (fault, NULL, "detail");
    }
  else
    {
      xmlNode *c = only_child (fault, env, "Code");
      xmlNode *r = only_child (fault, env, "Reason");

      code_node = c != NULL ? only_child (c, env, "Value") : NULL;
      text_node = r != NULL ? first_element (r->children) : NULL;
      detail = only_child (fault, env, "Detail");
    }
  code = code_node != NULL ? node_text (code_node) : g_strdup ("");
  g_strstrip (code);
  local = strchr (code, ':') != NULL ? strchr (code, ':') + 1 : code;
  if (sender != NULL)
    *sender = g_str_has_prefix (local, "Client") || g_str_equal (local, "Sender");
  if (text != NULL)
    *text = text_node != NULL ? g_strstrip (node_text (text_node)) : g_strdup ("");
  if (reason_id != NULL)
    {
      xmlNode *r = detail != NULL ? only_child (detail, TONGBAN_SOAP_FAULT_NS, "reason") : NULL;

      *reason_id = r != NULL ? g_strstrip (node_text (r)) : NULL;
    }
  return TRUE;
}

char *
tongban_soap_content_type (TongbanSoapVersion  version,
                           const char         *action)
{
  if (version == TONGBAN_SOAP_11)
    return g_strdup ("text/xml; charset=utf-8");
  if (action != NULL)
    return g_strdup_printf ("application/soap+xml; charset=utf-8; action=\"%s\"", action);
  return g_strdup ("application/soap+xml; charset=utf-8");
}

TongbanSoapVersion
tongban_soap_version_from_content_type (const char *content_type)
{
  g_autofree char *media = NULL;
  const char *semi;

  if (content_type == NULL)
    return 0;
  semi = strchr (content_type, ';');
  media = g_ascii_strdown (content_type, semi != NULL ? semi - content_type : -1);
  g_strstrip (media);
  if (g_str_equal (media, "text/xml"))
    return TONGBAN_SOAP_11;
  if (g_str_equal (media, "application/soap+xml"))
    return TONGBAN_SOAP_12;
  return 0;
}

/* ---- JSON ↔ XML ------------------------------------------------------------------------ */

static gboolean
xml_text_ok (const char *s)
{
  if (!g_utf8_validate (s, -1, NULL))
    return FALSE;
  for (const char *p = s; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xfffe || c == 0xffff)
        return FALSE;
    }
  return TRUE;
}

static gboolean json_node_to_xml (xmlNode     *parent,
                                  xmlNs       *ns,
                                  const char  *name,
                                  JsonNode    *node,
                                  gboolean     in_array,
                                  GError     **error);

static gboolean
json_object_to_xml_children (xmlNode     *parent,
                             xmlNs       *ns,
                             JsonObject  *object,
                             GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    if (!json_node_to_xml (parent, ns, l->data, json_object_get_member (object, l->data),
                           FALSE, error))
      return FALSE;
  return TRUE;
}

static gboolean
json_node_to_xml (xmlNode     *parent,
                  xmlNs       *ns,
                  const char  *name,
                  JsonNode    *node,
                  gboolean     in_array,
                  GError     **error)
{
  g_autofree char *text = NULL;

  if (xmlValidateNCName (BAD_CAST name, 0) != 0)
    {
      g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_ENVELOPE,
                   "member name cannot be an XML element name");
      return FALSE;
    }
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_NULL:
      return TRUE;
    case JSON_NODE_OBJECT:
      return json_object_to_xml_children (xmlNewChild (parent, ns, BAD_CAST name, NULL), ns,
                                          json_node_get_object (node), error);
    case JSON_NODE_ARRAY:
      if (in_array)
        {
          g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_ENVELOPE,
                       "member %s: arrays of arrays have no XML form", name);
          return FALSE;
        }
      for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
        if (!json_node_to_xml (parent, ns, name,
                               json_array_get_element (json_node_get_array (node), i),
                               TRUE, error))
          return FALSE;
      return TRUE;
    case JSON_NODE_VALUE:
      break;
    }
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      text = g_strdup (json_node_get_boolean (node) ? "true" : "false");
      break;
    case G_TYPE_INT64:
      text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        text = g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
      }
      break;
    default:
      text = g_strdup (json_node_get_string (node));
      if (text == NULL || !xml_text_ok (text))
        {
          g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_ENVELOPE,
                       "member %s holds characters XML cannot carry", name);
          return FALSE;
        }
    }
  xmlNewTextChild (parent, ns, BAD_CAST name, BAD_CAST text);
  return TRUE;
}

gboolean
tongban_soap_json_to_xml (xmlNode     *parent,
                          xmlNs       *ns,
                          JsonObject  *object,
                          GError     **error)
{
  return json_object_to_xml_children (parent, ns, object, error);
}

static JsonNode *
leaf_to_json (xmlNode     *element,
              const char  *kind,
              GError     **error)
{
  g_autofree char *text = node_text (element);
  JsonNode *node = NULL;

  if (g_strcmp0 (kind, "integer") == 0)
    {
      gint64 v;

      g_strstrip (text);
      if (g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &v, NULL))
        node = json_node_init_int (json_node_alloc (), v);
    }
  else if (g_strcmp0 (kind, "number") == 0)
    {
      char *end = NULL;
      double v;

      g_strstrip (text);
      v = g_ascii_strtod (text, &end);
      if (*text != '\0' && end != NULL && *end == '\0' && isfinite (v))
        node = json_node_init_double (json_node_alloc (), v);
    }
  else if (g_strcmp0 (kind, "boolean") == 0)
    {
      g_strstrip (text);
      if (g_str_equal (text, "true") || g_str_equal (text, "1"))
        node = json_node_init_boolean (json_node_alloc (), TRUE);
      else if (g_str_equal (text, "false") || g_str_equal (text, "0"))
        node = json_node_init_boolean (json_node_alloc (), FALSE);
    }
  else if (g_strcmp0 (kind, "object") == 0)
    node = json_node_init_object (json_node_alloc (), json_object_new ());
  else
    node = json_node_init_string (json_node_alloc (), text);
  if (node == NULL)
    g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_ENVELOPE,
                 "element <%s> is not a valid %s", (const char *) element->name, kind);
  return node;
}

static JsonObject *xml_children_to_json (xmlNode     *element,
                                         GHashTable  *types,
                                         GError     **error);

static JsonNode *
element_to_json (xmlNode     *element,
                 GHashTable  *types,
                 GError     **error)
{
  const char *type = types != NULL ? g_hash_table_lookup (types, element->name) : NULL;
  g_autofree char *kind = type != NULL ? g_strndup (type, strcspn (type, "[")) : NULL;
  JsonObject *object;

  if (first_element (element->children) == NULL && g_strcmp0 (kind, "object") != 0)
    return leaf_to_json (element, kind, error);
  object = xml_children_to_json (element, types, error);
  return object != NULL ? json_node_init_object (json_node_alloc (), object) : NULL;
}

static JsonObject *
xml_children_to_json (xmlNode     *element,
                      GHashTable  *types,
                      GError     **error)
{
  g_autoptr(JsonObject) object = json_object_new ();

  for (xmlNode *c = first_element (element->children); c != NULL; c = next_element (c))
    {
      const char *name = (const char *) c->name;
      const char *type = types != NULL ? g_hash_table_lookup (types, name) : NULL;
      gboolean repeated = type != NULL && g_str_has_suffix (type, "[]");
      JsonNode *value;

      /* A second element of one name: the first becomes an array's first item. */
      if (!repeated && json_object_has_member (object, name)
          && !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, name)))
        {
          JsonNode *first = json_node_copy (json_object_get_member (object, name));
          JsonArray *array = json_array_new ();

          json_array_add_element (array, first);
          json_object_set_array_member (object, name, array);
          repeated = TRUE;
        }
      else if (json_object_has_member (object, name))
        repeated = TRUE;
      value = element_to_json (c, types, error);
      if (value == NULL)
        return NULL;
      if (repeated)
        {
          if (!json_object_has_member (object, name))
            json_object_set_array_member (object, name, json_array_new ());
          json_array_add_element (json_object_get_array_member (object, name), value);
        }
      else
        json_object_set_member (object, name, value);
    }
  return g_steal_pointer (&object);
}

JsonObject *
tongban_soap_xml_to_json (xmlNode     *element,
                          GHashTable  *types,
                          GError     **error)
{
  return xml_children_to_json (element, types, error);
}

static const char *
xsd_kind (xmlNode *element)
{
  g_autofree char *type = (char *) xmlGetProp (element, BAD_CAST "type");
  const char *local;

  if (type == NULL)
    {
      for (xmlNode *c = first_element (element->children); c != NULL; c = next_element (c))
        if (is_element (c, XSD_NS, "complexType"))
          return "object";
      return "string";
    }
  local = strchr (type, ':') != NULL ? strchr (type, ':') + 1 : type;
  {
    g_autofree char *prefix = g_strndup (type, local > type ? local - type - 1 : 0);
    xmlNs *ns = xmlSearchNs (element->doc, element, *prefix ? BAD_CAST prefix : NULL);

    if (ns == NULL || g_strcmp0 ((const char *) ns->href, XSD_NS) != 0)
      return "object";
  }
  if (g_str_equal (local, "int") || g_str_equal (local, "integer") || g_str_equal (local, "long")
      || g_str_equal (local, "short") || g_str_equal (local, "nonNegativeInteger"))
    return "integer";
  if (g_str_equal (local, "decimal") || g_str_equal (local, "double")
      || g_str_equal (local, "float"))
    return "number";
  if (g_str_equal (local, "boolean"))
    return "boolean";
  return "string";
}

GHashTable *
tongban_soap_types_from_wsdl (const char  *wsdl,
                              gsize        len,
                              GError     **error)
{
  g_autoptr(xmlDoc) doc = tongban_soap_parse_xml (wsdl, len, error);
  g_autoptr(GHashTable) types = NULL;
  xmlNode *node;

  if (doc == NULL)
    return NULL;
  types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  node = xmlDocGetRootElement (doc);
  while (node != NULL)
    {
      if (is_element (node, XSD_NS, "element"))
        {
          g_autofree char *name = (char *) xmlGetProp (node, BAD_CAST "name");
          g_autofree char *max = (char *) xmlGetProp (node, BAD_CAST "maxOccurs");

          if (name != NULL && !g_hash_table_contains (types, name))
            g_hash_table_insert (types, g_strdup (name),
                                 g_strconcat (xsd_kind (node),
                                              max != NULL && !g_str_equal (max, "1")
                                              ? "[]" : "", NULL));
        }
      node = walk_next (node);
    }
  return g_steal_pointer (&types);
}

/* ---- Canonicalisation and digests ------------------------------------------------------ */

static int
in_subtree (void       *user_data,
            xmlNodePtr  node,
            xmlNodePtr  parent)
{
  xmlNode *root = user_data;
  /* Namespace nodes are xmlNs, whose type field sits where xmlNode's does. */
  xmlNode *n = (node == NULL || node->type == XML_NAMESPACE_DECL) ? parent : node;

  for (; n != NULL; n = n->parent)
    if (n == root)
      return 1;
  return 0;
}

static char *
c14n_with_prefixes (xmlNode     *node,
                    xmlChar    **prefixes,
                    gsize       *len)
{
  xmlOutputBuffer *buf;
  char *out = NULL;

  buf = xmlAllocOutputBuffer (NULL);
  if (buf == NULL)
    return NULL;
  if (xmlC14NExecute (node->doc, in_subtree, node, XML_C14N_EXCLUSIVE_1_0, prefixes, 0,
                      buf) >= 0)
    {
      gsize n = xmlOutputBufferGetSize (buf);

      out = g_strndup ((const char *) xmlOutputBufferGetContent (buf), n);
      if (len != NULL)
        *len = n;
    }
  xmlOutputBufferClose (buf);
  return out;
}

char *
tongban_soap_c14n (xmlNode *node,
                   gsize   *len)
{
  return c14n_with_prefixes (node, NULL, len);
}

static const EVP_MD *
digest_md (const char *uri)
{
  if (g_strcmp0 (uri, TONGBAN_XMLDSIG_SM3) == 0)
    return EVP_sm3 ();
  if (g_strcmp0 (uri, TONGBAN_XMLDSIG_SHA256) == 0)
    return EVP_sha256 ();
  return NULL;
}

/* Digest of the canonical form of node; out must hold EVP_MAX_MD_SIZE bytes. */
static gboolean
digest_node (xmlNode       *node,
             xmlChar      **prefixes,
             const EVP_MD  *md,
             guint8        *out,
             guint         *out_len)
{
  gsize len = 0;
  g_autofree char *canon = c14n_with_prefixes (node, prefixes, &len);

  return canon != NULL && EVP_Digest (canon, len, out, out_len, md, NULL) == 1;
}

/* ---- Keys ------------------------------------------------------------------------------ */

typedef struct {
  char     *name;
  EVP_PKEY *key;
} KeyEntry;

struct _TongbanSoapKeyring {
  GPtrArray *keys;
};

static void
key_entry_free (KeyEntry *entry)
{
  g_free (entry->name);
  EVP_PKEY_free (entry->key);
  g_free (entry);
}

TongbanSoapKeyring *
tongban_soap_keyring_new (void)
{
  TongbanSoapKeyring *keyring = g_new0 (TongbanSoapKeyring, 1);

  keyring->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) key_entry_free);
  return keyring;
}

void
tongban_soap_keyring_free (TongbanSoapKeyring *keyring)
{
  if (keyring == NULL)
    return;
  g_ptr_array_unref (keyring->keys);
  g_free (keyring);
}

void
tongban_soap_keyring_add (TongbanSoapKeyring *keyring,
                          const char         *name,
                          EVP_PKEY           *key)
{
  KeyEntry *entry = g_new0 (KeyEntry, 1);

  g_return_if_fail (key != NULL && name != NULL);
  entry->name = g_strdup (name);
  entry->key = key;
  EVP_PKEY_up_ref (key);
  g_ptr_array_add (keyring->keys, entry);
}

char *
tongban_soap_key_name (EVP_PKEY *key)
{
  unsigned char *der = NULL;
  int len = i2d_PUBKEY (key, &der);
  guint8 md[EVP_MAX_MD_SIZE];
  guint md_len = 0;
  g_autofree char *hex = NULL;

  if (len <= 0)
    return NULL;
  if (EVP_Digest (der, len, md, &md_len, EVP_sm3 (), NULL) != 1)
    md_len = 0;
  OPENSSL_free (der);
  if (md_len < 16)
    return NULL;
  hex = tongban_hex_encode (md, 16);
  return g_strconcat ("sm3:", hex, NULL);
}

static KeyEntry *
keyring_by_name (TongbanSoapKeyring *keyring,
                 const char         *name)
{
  for (guint i = 0; i < keyring->keys->len; i++)
    {
      KeyEntry *e = g_ptr_array_index (keyring->keys, i);

      if (g_strcmp0 (e->name, name) == 0)
        return e;
    }
  return NULL;
}

static KeyEntry *
keyring_by_key (TongbanSoapKeyring *keyring,
                EVP_PKEY           *key)
{
  for (guint i = 0; i < keyring->keys->len; i++)
    {
      KeyEntry *e = g_ptr_array_index (keyring->keys, i);

      if (EVP_PKEY_eq (e->key, key) == 1)
        return e;
    }
  return NULL;
}

EVP_PKEY *
tongban_soap_key_from_pem (const char *pem,
                           gboolean    private_key)
{
  BIO *bio;
  EVP_PKEY *key;

  if (pem == NULL)
    return NULL;
  bio = BIO_new_mem_buf (pem, -1);
  if (bio == NULL)
    return NULL;
  key = private_key ? PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL)
                    : PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL);
  BIO_free (bio);
  ERR_clear_error ();
  return key;
}

X509 *
tongban_soap_cert_from_pem (const char *pem)
{
  BIO *bio;
  X509 *cert;

  if (pem == NULL)
    return NULL;
  bio = BIO_new_mem_buf (pem, -1);
  if (bio == NULL)
    return NULL;
  cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  BIO_free (bio);
  ERR_clear_error ();
  return cert;
}

static gboolean
rsa_sha256 (EVP_PKEY     *key,
            gboolean      sign,
            const void   *data,
            gsize         len,
            guint8      **sig,
            gsize        *sig_len)
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  gboolean ok = FALSE;

  if (ctx == NULL)
    return FALSE;
  if (sign)
    {
      size_t n = 0;

      if (EVP_DigestSignInit (ctx, NULL, EVP_sha256 (), NULL, key) == 1
          && EVP_DigestSign (ctx, NULL, &n, data, len) == 1)
        {
          *sig = g_malloc (n);
          ok = EVP_DigestSign (ctx, *sig, &n, data, len) == 1;
          *sig_len = n;
          if (!ok)
            g_clear_pointer (sig, g_free);
        }
    }
  else
    ok = EVP_DigestVerifyInit (ctx, NULL, EVP_sha256 (), NULL, key) == 1
         && EVP_DigestVerify (ctx, *sig, *sig_len, data, len) == 1;
  EVP_MD_CTX_free (ctx);
  ERR_clear_error ();
  return ok;
}

/* ---- Signing --------------------------------------------------------------------------- */

static char *
iso8601 (GDateTime *t)
{
  return g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ");
}

static xmlNode *
add_reference (xmlNode      *signed_info,
               xmlNs        *ds,
               xmlNode      *target,
               const char   *id,
               const char   *digest_uri)
{
  xmlNode *ref = xmlNewChild (signed_info, ds, BAD_CAST "Reference", NULL);
  xmlNode *transforms = xmlNewChild (ref, ds, BAD_CAST "Transforms", NULL);
  xmlNode *node;
  guint8 md[EVP_MAX_MD_SIZE];
  guint md_len = 0;
  g_autofree char *uri = g_strconcat ("#", id, NULL);
  g_autofree char *b64 = NULL;

  xmlSetProp (ref, BAD_CAST "URI", BAD_CAST uri);
  node = xmlNewChild (transforms, ds, BAD_CAST "Transform", NULL);
  xmlSetProp (node, BAD_CAST "Algorithm", BAD_CAST TONGBAN_EXC_C14N);
  node = xmlNewChild (ref, ds, BAD_CAST "DigestMethod", NULL);
  xmlSetProp (node, BAD_CAST "Algorithm", BAD_CAST digest_uri);
  if (!digest_node (target, NULL, digest_md (digest_uri), md, &md_len))
    return NULL;
  b64 = g_base64_encode (md, md_len);
  xmlNewTextChild (ref, ds, BAD_CAST "DigestValue", BAD_CAST b64);
  return ref;
}

gboolean
tongban_soap_sign (TongbanSoapMessage  *message,
                   EVP_PKEY            *key,
                   X509                *cert,
                   const char          *key_name,
                   guint                ttl_seconds,
                   GError             **error)
{
  gboolean sm2 = EVP_PKEY_is_a (key, "SM2");
  const char *digest_uri = sm2 ? TONGBAN_XMLDSIG_SM3 : TONGBAN_XMLDSIG_SHA256;
  xmlNs *env = message->envelope->ns;
  xmlNode *security, *timestamp, *signature, *signed_info, *node, *key_info;
  xmlNs *wsse, *wsu, *ds;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expires = g_date_time_add_seconds (now, ttl_seconds);
  g_autofree char *created_s = iso8601 (now);
  g_autofree char *expires_s = iso8601 (expires);
  g_autofree char *canon = NULL;
  g_autofree guint8 *sig = NULL;
  g_autofree char *sig_b64 = NULL;
  gsize canon_len = 0, sig_len = 0;
  gboolean ok;

  if (!sm2 && !EVP_PKEY_is_a (key, "RSA"))
    {
      g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_SECURITY,
                   "only SM2 and RSA keys can sign");
      return FALSE;
    }
  if (message->header == NULL)
    {
      message->header = xmlNewDocNode (message->doc, env, BAD_CAST "Header", NULL);
      xmlAddPrevSibling (message->body, message->header);
    }
  security = xmlNewChild (message->header, NULL, BAD_CAST "Security", NULL);
  wsse = xmlNewNs (security, BAD_CAST TONGBAN_WSSE_NS, BAD_CAST "wsse");
  wsu = xmlNewNs (security, BAD_CAST TONGBAN_WSU_NS, BAD_CAST "wsu");
  xmlSetNs (security, wsse);
  xmlSetNsProp (security, env, BAD_CAST "mustUnderstand",
                BAD_CAST (message->version == TONGBAN_SOAP_11 ? "1" : "true"));

  if (cert != NULL)
    {
      unsigned char *der = NULL;
      int der_len = i2d_X509 (cert, &der);
      g_autofree char *b64 = NULL;

      if (der_len <= 0)
        {
          g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_SECURITY,
                       "certificate cannot be encoded");
          return FALSE;
        }
      b64 = g_base64_encode (der, der_len);
      OPENSSL_free (der);
      node = xmlNewTextChild (security, wsse, BAD_CAST "BinarySecurityToken", BAD_CAST b64);
      xmlSetProp (node, BAD_CAST "EncodingType", BAD_CAST WSSE_BASE64);
      xmlSetProp (node, BAD_CAST "ValueType", BAD_CAST TONGBAN_WSSE_X509V3);
      xmlSetNsProp (node, wsu, BAD_CAST "Id", BAD_CAST "X509-1");
    }

  timestamp = xmlNewChild (security, wsu, BAD_CAST "Timestamp", NULL);
  xmlSetNsProp (timestamp, wsu, BAD_CAST "Id", BAD_CAST "TS-1");
  xmlNewTextChild (timestamp, wsu, BAD_CAST "Created", BAD_CAST created_s);
  xmlNewTextChild (timestamp, wsu, BAD_CAST "Expires", BAD_CAST expires_s);
  xmlSetNsProp (message->body, xmlNewNs (message->body, BAD_CAST TONGBAN_WSU_NS, BAD_CAST "wsu"),
                BAD_CAST "Id", BAD_CAST "Body-1");

  signature = xmlNewChild (security, NULL, BAD_CAST "Signature", NULL);
  ds = xmlNewNs (signature, BAD_CAST TONGBAN_DS_NS, BAD_CAST "ds");
  xmlSetNs (signature, ds);
  signed_info = xmlNewChild (signature, ds, BAD_CAST "SignedInfo", NULL);
  node = xmlNewChild (signed_info, ds, BAD_CAST "CanonicalizationMethod", NULL);
  xmlSetProp (node, BAD_CAST "Algorithm", BAD_CAST TONGBAN_EXC_C14N);
  node = xmlNewChild (signed_info, ds, BAD_CAST "SignatureMethod", NULL);
  xmlSetProp (node, BAD_CAST "Algorithm",
              BAD_CAST (sm2 ? TONGBAN_XMLDSIG_SM2_SM3 : TONGBAN_XMLDSIG_RSA_SHA256));
  if (add_reference (signed_info, ds, message->body, "Body-1", digest_uri) == NULL
      || add_reference (signed_info, ds, timestamp, "TS-1", digest_uri) == NULL
      || (canon = tongban_soap_c14n (signed_info, &canon_len)) == NULL)
    {
      g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_SECURITY,
                   "canonicalisation failed");
      return FALSE;
    }
  ok = sm2 ? tongban_sm2_sign (key, canon, canon_len, &sig, &sig_len)
           : rsa_sha256 (key, TRUE, canon, canon_len, &sig, &sig_len);
  if (!ok)
    {
      g_set_error (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_SECURITY, "signing failed");
      return FALSE;
    }
  sig_b64 = g_base64_encode (sig, sig_len);
  xmlNewTextChild (signature, ds, BAD_CAST "SignatureValue", BAD_CAST sig_b64);
  key_info = xmlNewChild (signature, ds, BAD_CAST "KeyInfo", NULL);
  if (cert != NULL)
    {
      xmlNode *str = xmlNewChild (key_info, wsse, BAD_CAST "SecurityTokenReference", NULL);

      node = xmlNewChild (str, wsse, BAD_CAST "Reference", NULL);
      xmlSetProp (node, BAD_CAST "URI", BAD_CAST "#X509-1");
      xmlSetProp (node, BAD_CAST "ValueType", BAD_CAST TONGBAN_WSSE_X509V3);
    }
  else
    xmlNewTextChild (key_info, ds, BAD_CAST "KeyName", BAD_CAST key_name);
  return TRUE;
}

/* ---- Verification ---------------------------------------------------------------------- */

static gboolean
security_error (GError     **error,
                const char  *message)
{
  g_set_error_literal (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_SECURITY, message);
  return FALSE;
}

static char *
wsu_id (xmlNode *node)
{
  return (char *) xmlGetNsProp (node, BAD_CAST "Id", BAD_CAST TONGBAN_WSU_NS);
}

/* The one element of the document carrying wsu:Id id; NULL when none or several. */
static xmlNode *
find_by_id (xmlDoc     *doc,
            const char *id)
{
  xmlNode *found = NULL;
  guint count = 0;
  xmlNode *node = xmlDocGetRootElement (doc);

  while (node != NULL)
    {
      if (node->type == XML_ELEMENT_NODE)
        {
          g_autofree char *v = wsu_id (node);

          if (g_strcmp0 (v, id) == 0)
            {
              found = node;
              count++;
            }
        }
      node = walk_next (node);
    }
  return count == 1 ? found : NULL;
}

static gboolean
exc_c14n_method (xmlNode   *method,
                 GStrv     *prefixes)
{
  g_autofree char *alg = (char *) xmlGetProp (method, BAD_CAST "Algorithm");
  xmlNode *incl;

  if (g_strcmp0 (alg, TONGBAN_EXC_C14N) != 0)
    return FALSE;
  incl = first_element (method->children);
  if (incl != NULL && is_element (incl, TONGBAN_EXC_C14N, "InclusiveNamespaces"))
    {
      g_autofree char *list = (char *) xmlGetProp (incl, BAD_CAST "PrefixList");

      g_strfreev (*prefixes);
      *prefixes = g_strsplit_set (list != NULL ? g_strstrip (list) : "", " \t\r\n", -1);
    }
  else if (incl != NULL)
    return FALSE;
  return TRUE;
}

/* The enveloped-signature transform removes the Signature from what it covers; the
 * Signature never sits inside the Body or the Timestamp, so there it changes nothing
 * (clients such as npm soap send it by default). */
static gboolean
enveloped_noop (xmlNode *transform,
                xmlNode *signature,
                xmlNode *target)
{
  g_autofree char *alg = (char *) xmlGetProp (transform, BAD_CAST "Algorithm");

  if (g_strcmp0 (alg, TONGBAN_DS_NS "enveloped-signature") != 0
      || first_element (transform->children) != NULL)
    return FALSE;
  for (xmlNode *n = signature; n != NULL; n = n->parent)
    if (n == target)
      return FALSE;
  return TRUE;
}

static gboolean
check_timestamp (xmlNode    *timestamp,
                 GDateTime  *now,
                 GError    **error)
{
  xmlNode *created_n = only_child (timestamp, TONGBAN_WSU_NS, "Created");
  xmlNode *expires_n = only_child (timestamp, TONGBAN_WSU_NS, "Expires");
  g_autofree char *created_s = NULL, *expires_s = NULL;
  g_autoptr(GDateTime) created = NULL, expires = NULL;
  GTimeSpan age, left;

  if (created_n == NULL || expires_n == NULL)
    return security_error (error, "the Timestamp needs one Created and one Expires");
  created_s = g_strstrip (node_text (created_n));
  expires_s = g_strstrip (node_text (expires_n));
  created = g_date_time_new_from_iso8601 (created_s, NULL);
  expires = g_date_time_new_from_iso8601 (expires_s, NULL);
  if (created == NULL || expires == NULL || g_date_time_compare (expires, created) <= 0)
    return security_error (error, "the Timestamp's times are not valid");
  age = g_date_time_difference (now, created);
  left = g_date_time_difference (expires, now);
  if (age < -TONGBAN_SOAP_SKEW_SECONDS * G_TIME_SPAN_SECOND)
    {
      g_set_error_literal (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_EXPIRED,
                           "the Timestamp was created in the future");
      return FALSE;
    }
  if (left < -TONGBAN_SOAP_SKEW_SECONDS * G_TIME_SPAN_SECOND)
    {
      g_set_error_literal (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_EXPIRED,
                           "the message has expired");
      return FALSE;
    }
  if (age > (TONGBAN_SOAP_TTL_SECONDS + TONGBAN_SOAP_SKEW_SECONDS) * G_TIME_SPAN_SECOND)
    {
      g_set_error_literal (error, TONGBAN_SOAP_ERROR, TONGBAN_SOAP_ERROR_EXPIRED,
                           "the message is stale");
      return FALSE;
    }
  return TRUE;
}

static guint8 *
decode_b64 (xmlNode *node,
            gsize   *len)
{
  g_autofree char *text = node_text (node);
  guint8 *out;

  g_strstrip (text);
  *len = 0;
  if (*text == '\0' || strlen (text) > 64 * 1024)
    return NULL;
  out = g_base64_decode (text, len);
  if (*len == 0)
    g_clear_pointer (&out, g_free);
  return out;
}

/* The registered key KeyInfo points at: ds:KeyName, or a BinarySecurityToken in the
 * same Security header whose certificate's key is registered. */
static KeyEntry *
resolve_key (xmlNode            *key_info,
             xmlNode            *security,
             TongbanSoapKeyring *keyring,
             GError            **error)
{
  xmlNode *name = key_info != NULL ? only_child (key_info, TONGBAN_DS_NS, "KeyName") : NULL;
  xmlNode *str = key_info != NULL
                 ? only_child (key_info, TONGBAN_WSSE_NS, "SecurityTokenReference") : NULL;
  KeyEntry *entry = NULL;

  if (name != NULL)
    {
      g_autofree char *n = g_strstrip (node_text (name));

      entry = keyring_by_name (keyring, n);
    }
  else if (str != NULL)
    {
      xmlNode *ref = only_child (str, TONGBAN_WSSE_NS, "Reference");
      g_autofree char *uri = ref != NULL ? (char *) xmlGetProp (ref, BAD_CAST "URI") : NULL;
      xmlNode *token = NULL;

      if (uri != NULL && uri[0] == '#')
        token = find_by_id (security->doc, uri + 1);
      if (token != NULL && token->parent == security
          && is_element (token, TONGBAN_WSSE_NS, "BinarySecurityToken"))
        {
          g_autofree char *vt = (char *) xmlGetProp (token, BAD_CAST "ValueType");
          g_autofree guint8 *der = NULL;
          gsize der_len = 0;
          const unsigned char *p;
          X509 *cert = NULL;

          if (g_strcmp0 (vt, TONGBAN_WSSE_X509V3) == 0
              && (der = decode_b64 (token, &der_len)) != NULL)
            {
              p = der;
              cert = d2i_X509 (NULL, &p, (long) der_len);
              ERR_clear_error ();
            }
          if (cert != NULL)
            {
              entry = keyring_by_key (keyring, X509_get0_pubkey (cert));
              X509_free (cert);
            }
        }
    }
  else
    {
      security_error (error, "the Signature's KeyInfo names no key");
      return NULL;
    }
  if (entry == NULL)
    security_error (error, "the signing key is not registered here");
  return entry;
}

gboolean
tongban_soap_verify (TongbanSoapMessage  *message,
                     TongbanSoapKeyring  *keyring,
                     GDateTime           *now_in,
                     char               **key_name,
                     GError             **error)
{
  g_autoptr(GDateTime) now = now_in != NULL ? g_date_time_ref (now_in)
                                            : g_date_time_new_now_utc ();
  xmlNode *security, *timestamp, *signature, *signed_info, *method, *sig_value, *key_info;
  g_autofree char *sig_alg = NULL;
  g_auto(GStrv) si_prefixes = NULL;
  gboolean sm2, body_signed = FALSE, timestamp_signed = FALSE;
  const char *want_digest;
  g_autofree char *canon = NULL;
  g_autofree guint8 *sig = NULL;
  gsize canon_len = 0, sig_len = 0;
  KeyEntry *entry;
  gboolean ok;

  if (message->header == NULL
      || (security = only_child (message->header, TONGBAN_WSSE_NS, "Security")) == NULL)
    return security_error (error, "no (or more than one) WS-Security header");
  timestamp = only_child (security, TONGBAN_WSU_NS, "Timestamp");
  if (timestamp == NULL)
    return security_error (error, "the Security header has no (or several) Timestamp");
  signature = only_child (security, TONGBAN_DS_NS, "Signature");
  if (signature == NULL)
    return security_error (error, "the Security header has no (or several) Signature");
  if (!check_timestamp (timestamp, now, error))
    return FALSE;

  signed_info = first_element (signature->children);
  sig_value = next_element (signed_info);
  key_info = next_element (sig_value);
  if (!is_element (signed_info, TONGBAN_DS_NS, "SignedInfo")
      || !is_element (sig_value, TONGBAN_DS_NS, "SignatureValue")
      || (key_info != NULL && !is_element (key_info, TONGBAN_DS_NS, "KeyInfo")))
    return security_error (error, "the Signature is not SignedInfo, SignatureValue, KeyInfo");

  method = first_element (signed_info->children);
  if (!is_element (method, TONGBAN_DS_NS, "CanonicalizationMethod")
      || !exc_c14n_method (method, &si_prefixes))
    return security_error (error, "SignedInfo must be canonicalised with exclusive C14N");
  method = next_element (method);
  sig_alg = is_element (method, TONGBAN_DS_NS, "SignatureMethod")
            ? (char *) xmlGetProp (method, BAD_CAST "Algorithm") : NULL;
  if (g_strcmp0 (sig_alg, TONGBAN_XMLDSIG_SM2_SM3) == 0)
    sm2 = TRUE;
  else if (g_strcmp0 (sig_alg, TONGBAN_XMLDSIG_RSA_SHA256) == 0)
    sm2 = FALSE;
  else
    return security_error (error, "unsupported signature algorithm");
  want_digest = sm2 ? TONGBAN_XMLDSIG_SM3 : TONGBAN_XMLDSIG_SHA256;

  for (xmlNode *ref = next_element (method); ref != NULL; ref = next_element (ref))
    {
      g_autofree char *uri = NULL;
      g_autofree char *alg = NULL;
      g_autofree guint8 *expected = NULL;
      g_auto(GStrv) prefixes = NULL;
      xmlNode *target = NULL, *c, *digest_method, *digest_value;
      guint8 md[EVP_MAX_MD_SIZE];
      guint md_len = 0;
      gsize expected_len = 0;

      if (!is_element (ref, TONGBAN_DS_NS, "Reference"))
        return security_error (error, "unexpected element in SignedInfo");
      uri = (char *) xmlGetProp (ref, BAD_CAST "URI");
      if (uri != NULL && uri[0] == '#')
        target = find_by_id (message->doc, uri + 1);
      /* Against signature wrapping: only THE Body and THE Timestamp may be signed. */
      if (target == message->body && !body_signed)
        body_signed = TRUE;
      else if (target == timestamp && !timestamp_signed)
        timestamp_signed = TRUE;
      else
        return security_error (error, "a Reference points elsewhere than the Body or the "
                                      "Timestamp of this message");
      c = first_element (ref->children);
      if (c != NULL && is_element (c, TONGBAN_DS_NS, "Transforms"))
        {
          for (xmlNode *t = first_element (c->children); t != NULL; t = next_element (t))
            if (!is_element (t, TONGBAN_DS_NS, "Transform")
                || !(exc_c14n_method (t, &prefixes)
                     || enveloped_noop (t, signature, target)))
              return security_error (error, "only the exclusive C14N transform is accepted");
          c = next_element (c);
        }
      digest_method = c;
      digest_value = next_element (c);
      alg = is_element (digest_method, TONGBAN_DS_NS, "DigestMethod")
            ? (char *) xmlGetProp (digest_method, BAD_CAST "Algorithm") : NULL;
      if (g_strcmp0 (alg, want_digest) != 0
          || !is_element (digest_value, TONGBAN_DS_NS, "DigestValue")
          || next_element (digest_value) != NULL)
        return security_error (error, "unsupported or missing digest");
      expected = decode_b64 (digest_value, &expected_len);
      if (!digest_node (target, (xmlChar **) prefixes, digest_md (alg), md, &md_len)
          || expected == NULL || expected_len != md_len
          || !tongban_memeq_const (expected, md, md_len))
        return security_error (error, target == message->body
                                      ? "the Body does not match its signed digest"
                                      : "the Timestamp does not match its signed digest");
    }
  if (!body_signed || !timestamp_signed)
    return security_error (error, "the Signature must cover the Body and the Timestamp");

  entry = resolve_key (key_info, security, keyring, error);
  if (entry == NULL)
    return FALSE;
  if (!EVP_PKEY_is_a (entry->key, sm2 ? "SM2" : "RSA"))
    return security_error (error, "the registered key does not fit the signature algorithm");
  sig = decode_b64 (sig_value, &sig_len);
  canon = c14n_with_prefixes (signed_info, (xmlChar **) si_prefixes, &canon_len);
  if (sig == NULL || canon == NULL)
    return security_error (error, "the SignatureValue is not valid");
  ok = sm2 ? tongban_sm2_verify (entry->key, canon, canon_len, sig, sig_len)
           : rsa_sha256 (entry->key, FALSE, canon, canon_len, &sig, &sig_len);
  if (!ok)
    return security_error (error, "the signature does not verify");
  if (key_name != NULL)
    *key_name = g_strdup (entry->name);
  return TRUE;
}
