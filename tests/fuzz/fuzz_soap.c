/* fuzz_soap.c: SOAP envelopes with WS-Security headers (tongban-soap.h) on arbitrary bytes
 *
 * Parses the envelope, reads a Fault, maps the Body to JSON and runs the whole
 * signature check against a keyring holding one SM2 key: whatever the bytes, each step
 * answers or refuses with an error, and nothing verifies without that key's signature.
 */

#include "tongban-sm.h"
#include "tongban-soap.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static TongbanSoapKeyring *ring;
  g_autoptr(TongbanSoapMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *reason = NULL, *text = NULL;

  if (ring == NULL)
    {
      g_autoptr(EVP_PKEY) key = tongban_sm2_generate ();

      ring = tongban_soap_keyring_new ();
      tongban_soap_keyring_add (ring, "manager", key);
    }
  msg = tongban_soap_message_parse ((const char *) data, size, &error);
  if (msg == NULL)
    {
      g_assert (error != NULL && error->domain == TONGBAN_SOAP_ERROR);
      return 0;
    }
  g_assert (msg->body != NULL && msg->payload != NULL);
  if (tongban_soap_message_get_fault (msg, NULL, &reason, &text))
    g_assert (text != NULL);
  body = tongban_soap_xml_to_json (msg->payload, NULL, NULL);
  g_assert (body != NULL);
  g_assert (!tongban_soap_verify (msg, ring, NULL, NULL, &error));
  g_assert (error != NULL);
  return 0;
}
