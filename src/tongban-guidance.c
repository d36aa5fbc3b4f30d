/* tongban-guidance.c: the catalogue and the FAQ in one search index
 *
 * The catalogue holds English msgids; the index needs every language's text,
 * so each is looked up in the zh_CN and zh_HK catalogues when the index is
 * built (once, on first use).
 */

#include "tongban-guidance.h"

#include "tongban-i18n.h"
#include "tongban-search.h"

struct _TongbanGuidance
{
  TongbanCatalog *catalog;
  TongbanSearch  *index;
  GHashTable     *faq_by_id;
};

static void
fill_languages (const char  *msgid,
                const char **out)
{
  out[TONGBAN_SEARCH_LANG_ZH_CN] = tongban_i18n_translate_in (TONGBAN_LANGUAGE_ZH_CN, msgid);
  out[TONGBAN_SEARCH_LANG_ZH_HK] = tongban_i18n_translate_in (TONGBAN_LANGUAGE_ZH_HK, msgid);
  out[TONGBAN_SEARCH_LANG_EN] = msgid;
}

TongbanGuidance *
tongban_guidance_new (TongbanCatalog *catalog)
{
  TongbanGuidance *self = g_new0 (TongbanGuidance, 1);
  GPtrArray *services = tongban_catalog_get_services (catalog);
  GPtrArray *faq = tongban_catalog_get_faq (catalog);

  self->catalog = catalog;
  self->index = tongban_search_new ();
  self->faq_by_id = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < services->len; i++)
    {
      const TongbanService *s = g_ptr_array_index (services, i);
      const TongbanCategory *c = tongban_catalog_lookup_category (catalog, s->category);
      TongbanSearchDocument doc = { s->id, "service", 1.0 };
      g_autoptr(GPtrArray) words = g_ptr_array_new ();
      const char *category_names[TONGBAN_SEARCH_N_LANGS];

      fill_languages (s->title, doc.title);
      fill_languages (s->summary, doc.summary);
      /* The category's name finds its services too ("housing fund"). */
      fill_languages (c->title, category_names);
      for (guint l = 0; l < TONGBAN_SEARCH_N_LANGS; l++)
        g_ptr_array_add (words, (gpointer) category_names[l]);
      for (guint k = 0; s->guide && s->guide->keywords && s->guide->keywords[k]; k++)
        g_ptr_array_add (words, s->guide->keywords[k]);
      g_ptr_array_add (words, NULL);
      doc.keywords = (const char * const *) words->pdata;
      tongban_search_add_document (self->index, &doc);
    }

  for (guint i = 0; i < faq->len; i++)
    {
      const TongbanFaq *f = g_ptr_array_index (faq, i);
      TongbanSearchDocument doc = { f->id, "faq", 0.8 };

      fill_languages (f->question, doc.title);
      fill_languages (f->answer, doc.summary);
      doc.keywords = (const char * const *) f->keywords;
      tongban_search_add_document (self->index, &doc);
      g_hash_table_insert (self->faq_by_id, f->id, (gpointer) f);
    }
  return self;
}

void
tongban_guidance_free (TongbanGuidance *self)
{
  if (self == NULL)
    return;
  tongban_search_free (self->index);
  g_hash_table_unref (self->faq_by_id);
  g_free (self);
}

GArray *
tongban_guidance_query (TongbanGuidance *self,
                        const char      *query,
                        guint            max_results)
{
  GArray *hits = g_array_new (FALSE, TRUE, sizeof (TongbanGuidanceHit));
  g_autoptr(GArray) results = tongban_search_query (self->index, query, max_results);

  for (guint i = 0; results && i < results->len; i++)
    {
      const TongbanSearchResult *r = &g_array_index (results, TongbanSearchResult, i);
      TongbanGuidanceHit hit = { NULL, NULL };

      if (g_str_equal (r->kind, "service"))
        hit.service = tongban_catalog_lookup_service (self->catalog, r->id);
      else
        hit.faq = g_hash_table_lookup (self->faq_by_id, r->id);
      if (hit.service || hit.faq)
        g_array_append_val (hits, hit);
    }
  return hits;
}
