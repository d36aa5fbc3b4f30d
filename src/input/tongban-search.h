/* tongban-search.h: the in-memory search index behind "smart guidance" (F-GD-05)
 *
 * Documents are services, guides and FAQ entries, each with a title and a
 * summary in zh_CN, zh_HK and en, and extra keywords (Hong Kong and Cantonese
 * terms, abbreviations). A query matches Chinese text by substring, English by
 * word prefix, and Chinese titles by toneless pinyin: full ("shebao", "she bao
 * zheng ming"), initials ("sbzm") or a mix ("shebzm"). No GTK; not thread-safe
 * (one index per thread, queried from one thread).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TONGBAN_SEARCH_LANG_ZH_CN,
  TONGBAN_SEARCH_LANG_ZH_HK,
  TONGBAN_SEARCH_LANG_EN,
  TONGBAN_SEARCH_N_LANGS
} TongbanSearchLang;

/* How well the best field of a result matched, best last. */
typedef enum {
  TONGBAN_SEARCH_MATCH_NONE,
  TONGBAN_SEARCH_MATCH_SUMMARY,
  TONGBAN_SEARCH_MATCH_KEYWORD,
  TONGBAN_SEARCH_MATCH_TITLE_WORD,
  TONGBAN_SEARCH_MATCH_TITLE_PREFIX,
  TONGBAN_SEARCH_MATCH_TITLE_EXACT,
} TongbanSearchMatch;

typedef struct {
  const char        *id;
  const char        *kind;       /* "service", "guide", "faq"… as given */
  double             weight;     /* 1.0 normal; 0..5, orders results within a match class */
  const char        *title[TONGBAN_SEARCH_N_LANGS];    /* each may be NULL */
  const char        *summary[TONGBAN_SEARCH_N_LANGS];  /* each may be NULL */
  const char *const *keywords;   /* NULL-terminated, may be NULL */
} TongbanSearchDocument;

typedef struct {
  const char         *id;        /* owned by the index */
  const char         *kind;      /* owned by the index */
  TongbanSearchMatch  match;
  int                 score;     /* higher first; match class * 1000 + quality */
} TongbanSearchResult;

typedef struct _TongbanSearch TongbanSearch;

TongbanSearch *tongban_search_new              (void);
void           tongban_search_free             (TongbanSearch               *self);
gboolean       tongban_search_add_document     (TongbanSearch               *self,
                                                const TongbanSearchDocument *doc);
gboolean       tongban_search_add_keywords     (TongbanSearch               *self,
                                                const char                  *id,
                                                const char *const           *keywords);
guint          tongban_search_get_n_documents  (TongbanSearch               *self);
GArray        *tongban_search_query            (TongbanSearch               *self,
                                                const char                  *query,
                                                guint                        max_results);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanSearch, tongban_search_free)

G_END_DECLS
