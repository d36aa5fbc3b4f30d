/* answer_document.c: certificate and receipt answers from the network, arbitrary bytes
 *
 * A libFuzzer target like the fuzz_*.c ones, but it needs the core library
 * (cairo, pango, the templates' resources), so it is only replayed over its
 * corpus here, not built with clang by ./tongban test. Whatever the bytes,
 * a document is either refused with a message or renders to a PDF and a
 * page image; a receipt is either refused or built.
 */

#include "tongban-document.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *answer, *member;

  if (!json_parser_load_from_data (parser, (const char *) data, (gssize) size, NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return 0;
  answer = json_node_get_object (json_parser_get_root (parser));

  if (json_object_has_member (answer, "document") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (answer, "document")))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TongbanDocument) document = NULL;

      member = json_object_get_object_member (answer, "document");
      document = tongban_document_new (member, (TongbanLanguage) (size % TONGBAN_N_LANGUAGES),
                                       &error);
      g_assert ((document == NULL) == (error != NULL));
      if (document != NULL)
        {
          g_autoptr(GBytes) pdf = tongban_document_render_pdf (document, &error);
          cairo_surface_t *page;

          g_assert_no_error (error);
          g_assert (g_bytes_get_size (pdf) > 5 &&
                    memcmp (g_bytes_get_data (pdf, NULL), "%PDF-", 5) == 0);
          page = tongban_document_render_page (document, tongban_document_get_n_pages (document),
                                               0.5);
          g_assert (cairo_surface_status (page) == CAIRO_STATUS_SUCCESS);
          cairo_surface_destroy (page);
        }
    }
  if (json_object_has_member (answer, "receipt") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (answer, "receipt")))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 27, 9, 30, 0);
      g_autoptr(GBytes) job = NULL;

      member = json_object_get_object_member (answer, "receipt");
      job = tongban_receipt_build (member, "回执", TONGBAN_LANGUAGE_ZH_HK, now, &error);
      g_assert ((job == NULL) == (error != NULL));
    }
  return 0;
}
