/* tongban-search.c: matching and ranking for the smart-guidance search
 *
 * Everything a query needs is prepared when a document is added: texts are
 * NFKC-normalised and case-folded once, and each Chinese text keeps the pinyin
 * syllable ids of its characters. A query is then a scan over a few hundred
 * documents with no allocation per document, well under a millisecond for
 * typical input (tests/input/bench-search.c measures it).
 */

#include "tongban-search.h"

#include <string.h>
#include "tongban-pinyin.h"

/* Bounds that keep a pathological query cheap; nobody types more on a kiosk. */
#define MAX_QUERY_CHARS  128
#define MAX_TERMS        16
#define MAX_PINYIN       64

/* Match classes, so that a better class always wins whatever the weights. */
#define SCORE_CLASS      1000

typedef struct {
  char    *text;       /* NFKC, case-folded */
  guint    n_chars;
  guint    n_han;      /* characters with a reading, in order */
  guint16 *readings;   /* n_han * TONGBAN_PINYIN_MAX_READINGS, 0-padded */
  guint32  letters;    /* bit per letter a-z found in those readings */
} Field;

typedef struct {
  char   *id;
  char   *kind;
  double  weight;
  guint   order;
  Field   title[TONGBAN_SEARCH_N_LANGS];
  Field   summary[TONGBAN_SEARCH_N_LANGS];
  GArray *keywords;    /* of Field */
} Doc;

struct _TongbanSearch
{
  GPtrArray  *docs;     /* of Doc */
  GHashTable *by_id;    /* id → Doc, borrowed */
  guint8     *memo;     /* scratch for the pinyin matcher */
  gsize       memo_size;
};

typedef struct {
  char     *text;
  gsize     len;
  guint     n_chars;
  gboolean  han;       /* a run of Han characters; else letters and digits */
  gboolean  letters;   /* only a-z: may be pinyin */
} Term;

typedef struct {
  char     *norm;       /* terms joined by one space */
  char     *concat;     /* terms joined with nothing */
  Term      terms[MAX_TERMS];
  guint     n_terms;
  char      pinyin[MAX_PINYIN + 1];  /* every term run together, when all are letters */
  guint     pinyin_len;
} Query;

typedef enum {
  LEVEL_NONE,
  LEVEL_GAPPED,   /* pinyin initials spread over the text: 社保…证明 */
  LEVEL_INNER,
  LEVEL_PREFIX,
  LEVEL_EXACT,
} Level;

typedef struct {
  Level level;
  int   coverage;  /* 0..100: how much of the text the query covers */
  int   full;      /* 1 when pinyin matched whole syllables only, or no pinyin was involved */
} FieldMatch;

static char *
normalize (const char *s,
           gssize      len)
{
  g_autofree char *valid = g_utf8_make_valid (s, len);
  g_autofree char *nfkc = g_utf8_normalize (valid, -1, G_NORMALIZE_NFKC);

  return g_utf8_casefold (nfkc != NULL ? nfkc : valid, -1);
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) && !tongban_pinyin_is_han (c);
}

static void
field_init (Field      *f,
            const char *text)
{
  GArray *readings;

  memset (f, 0, sizeof *f);
  if (text == NULL || *text == '\0')
    return;

  f->text = normalize (text, -1);
  readings = g_array_new (FALSE, TRUE, sizeof (guint16));
  for (const char *p = f->text; *p; p = g_utf8_next_char (p))
    {
      guint16 ids[TONGBAN_PINYIN_MAX_READINGS] = { 0, };
      gunichar c = g_utf8_get_char (p);

      f->n_chars++;
      if (tongban_pinyin_lookup (c, ids) > 0)
        {
          g_array_append_vals (readings, ids, TONGBAN_PINYIN_MAX_READINGS);
          f->n_han++;
          for (guint r = 0; r < TONGBAN_PINYIN_MAX_READINGS && ids[r] != 0; r++)
            for (const char *l = tongban_pinyin_syllable (ids[r], NULL); *l; l++)
              f->letters |= 1u << (*l - 'a');
        }
    }
  f->readings = (guint16 *) (void *) g_array_free (readings, FALSE);
}

static void
field_clear (Field *f)
{
  g_clear_pointer (&f->text, g_free);
  g_clear_pointer (&f->readings, g_free);
}

static void
field_clear_cb (gpointer data)
{
  field_clear (data);
}

static void
doc_free (gpointer data)
{
  Doc *doc = data;

  for (guint i = 0; i < TONGBAN_SEARCH_N_LANGS; i++)
    {
      field_clear (&doc->title[i]);
      field_clear (&doc->summary[i]);
    }
  g_array_unref (doc->keywords);
  g_free (doc->id);
  g_free (doc->kind);
  g_free (doc);
}

TongbanSearch *
tongban_search_new (void)
{
  TongbanSearch *self = g_new0 (TongbanSearch, 1);

  self->docs = g_ptr_array_new_with_free_func (doc_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  return self;
}

void
tongban_search_free (TongbanSearch *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->docs);
  g_free (self->memo);
  g_free (self);
}

static void
add_keywords (Doc               *doc,
              const char *const *keywords)
{
  for (guint i = 0; keywords != NULL && keywords[i] != NULL; i++)
    {
      Field f;

      field_init (&f, keywords[i]);
      if (f.text != NULL)
        g_array_append_val (doc->keywords, f);
    }
}

/* Returns FALSE (and adds nothing) when the id is missing or already used. */
gboolean
tongban_search_add_document (TongbanSearch               *self,
                             const TongbanSearchDocument *document)
{
  Doc *doc;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (document != NULL, FALSE);

  if (document->id == NULL || g_hash_table_contains (self->by_id, document->id))
    return FALSE;

  doc = g_new0 (Doc, 1);
  doc->id = g_strdup (document->id);
  doc->kind = g_strdup (document->kind != NULL ? document->kind : "");
  doc->weight = CLAMP (document->weight, 0.0, 5.0);
  doc->order = self->docs->len;
  for (guint i = 0; i < TONGBAN_SEARCH_N_LANGS; i++)
    {
      field_init (&doc->title[i], document->title[i]);
      field_init (&doc->summary[i], document->summary[i]);
    }
  doc->keywords = g_array_new (FALSE, FALSE, sizeof (Field));
  g_array_set_clear_func (doc->keywords, field_clear_cb);
  add_keywords (doc, document->keywords);

  g_ptr_array_add (self->docs, doc);
  g_hash_table_insert (self->by_id, doc->id, doc);
  return TRUE;
}

/* More keywords for a document already added, e.g. Hong Kong terms kept
 * apart from the catalogue. Returns FALSE when there is no such document. */
gboolean
tongban_search_add_keywords (TongbanSearch     *self,
                             const char        *id,
                             const char *const *keywords)
{
  Doc *doc;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  doc = g_hash_table_lookup (self->by_id, id);
  if (doc == NULL)
    return FALSE;
  add_keywords (doc, keywords);
  return TRUE;
}

guint
tongban_search_get_n_documents (TongbanSearch *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->docs->len;
}

/* Query parsing */

static void
query_clear (Query *q)
{
  for (guint i = 0; i < q->n_terms; i++)
    g_free (q->terms[i].text);
  g_free (q->norm);
  g_free (q->concat);
}

static void
query_add_term (Query      *q,
                const char *start,
                const char *end,
                guint       n_chars,
                gboolean    han)
{
  Term *t;

  if (start == end || q->n_terms == MAX_TERMS)
    return;

  t = &q->terms[q->n_terms++];
  t->text = g_strndup (start, (gsize) (end - start));
  t->len = (gsize) (end - start);
  t->n_chars = n_chars;
  t->han = han;
  t->letters = !han;
  for (const char *p = t->text; *p && t->letters; p++)
    t->letters = *p >= 'a' && *p <= 'z';
}

/* Splits the query into runs of Han characters and runs of letters and
 * digits; everything else separates terms. Returns FALSE when nothing is
 * left to search for. */
static gboolean
query_parse (Query      *q,
             const char *text)
{
  g_autofree char *norm = NULL;
  const char *term_start = NULL;
  gboolean term_han = FALSE;
  guint term_chars = 0;
  guint n = 0;
  const char *p;
  GString *joined, *concat;
  gboolean all_letters = TRUE;

  memset (q, 0, sizeof *q);
  /* Only the first MAX_QUERY_CHARS characters count: normalise no more
   * bytes than they can take (a cut character becomes U+FFFD, a separator). */
  norm = normalize (text, (gssize) strnlen (text, MAX_QUERY_CHARS * 4));

  for (p = norm; *p && n < MAX_QUERY_CHARS; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);
      gboolean han = tongban_pinyin_is_han (c);
      gboolean word = han || is_word_char (c);

      if (term_start != NULL && (!word || han != term_han))
        {
          query_add_term (q, term_start, p, term_chars, term_han);
          term_start = NULL;
        }
      if (word && term_start == NULL)
        {
          term_start = p;
          term_han = han;
          term_chars = 0;
        }
      if (word)
        term_chars++;
    }
  if (term_start != NULL)
    query_add_term (q, term_start, p, term_chars, term_han);

  if (q->n_terms == 0)
    return FALSE;

  joined = g_string_new (NULL);
  concat = g_string_new (NULL);
  for (guint i = 0; i < q->n_terms; i++)
    {
      if (i > 0)
        g_string_append_c (joined, ' ');
      g_string_append (joined, q->terms[i].text);
      g_string_append (concat, q->terms[i].text);
      all_letters = all_letters && q->terms[i].letters;
    }
  if (all_letters && concat->len <= MAX_PINYIN)
    {
      memcpy (q->pinyin, concat->str, concat->len + 1);
      q->pinyin_len = (guint) concat->len;
    }
  q->norm = g_string_free (joined, FALSE);
  q->concat = g_string_free (concat, FALSE);
  return TRUE;
}

/* Pinyin */

typedef struct {
  const Field *f;
  const char  *q;
  guint        qlen;
  guint8      *failed;   /* bit per (query position, character) known not to match */
  gboolean     gapped;   /* may skip characters once the match has begun */
  guint        end;      /* out: character after the match */
  guint        abbrevs;  /* out: syllables matched by a prefix only */
} PinyinMatch;

static inline gboolean
memo_test (PinyinMatch *m,
           guint        qp,
           guint        ci)
{
  gsize bit = (gsize) qp * (m->f->n_han + 1) + ci;

  return (m->failed[bit / 8] >> (bit % 8)) & 1;
}

static inline void
memo_set (PinyinMatch *m,
          guint        qp,
          guint        ci)
{
  gsize bit = (gsize) qp * (m->f->n_han + 1) + ci;

  m->failed[bit / 8] |= (guint8) (1u << (bit % 8));
}

/* Can q[qp..] be read from character ci on? Each character takes a whole
 * syllable or a prefix of one (an initial); the query may end inside the
 * last syllable, so that results follow as the citizen types. Whole
 * syllables are tried first so that the path found prefers them. */
static gboolean
pinyin_from (PinyinMatch *m,
             guint        qp,
             guint        ci)
{
  const guint16 *ids;

  if (qp == m->qlen)
    {
      m->end = ci;
      return TRUE;
    }
  if (ci == m->f->n_han || memo_test (m, qp, ci))
    return FALSE;

  ids = &m->f->readings[ci * TONGBAN_PINYIN_MAX_READINGS];
  for (guint r = 0; r < TONGBAN_PINYIN_MAX_READINGS && ids[r] != 0; r++)
    {
      guint slen, common = 0;
      const char *s = tongban_pinyin_syllable (ids[r], &slen);

      while (common < slen && qp + common < m->qlen && s[common] == m->q[qp + common])
        common++;
      if (common == 0)
        continue;
      if (qp + common == m->qlen)
        {
          m->end = ci + 1;
          if (common < slen)
            m->abbrevs++;
          return TRUE;
        }
      if (common == slen && pinyin_from (m, qp + common, ci + 1))
        return TRUE;
      for (guint j = MIN (common, slen - 1); j >= 1; j--)
        if (pinyin_from (m, qp + j, ci + 1))
          {
            m->abbrevs++;
            return TRUE;
          }
    }
  if (m->gapped && qp > 0 && pinyin_from (m, qp, ci + 1))
    return TRUE;

  memo_set (m, qp, ci);
  return FALSE;
}

/* Finds the first character from which @q reads; returns it, or -1. */
static int
pinyin_find (TongbanSearch *self,
             const Field   *f,
             const char    *q,
             guint          qlen,
             gboolean       gapped,
             guint         *end,
             guint         *abbrevs)
{
  PinyinMatch m = { f, q, qlen, NULL, gapped, 0, 0 };
  gsize need;

  if (f->n_han == 0 || qlen == 0)
    return -1;

  /* Most fields cannot match at all: they lack a letter of the query. */
  for (guint i = 0; i < qlen; i++)
    if ((f->letters & (1u << (q[i] - 'a'))) == 0)
      return -1;

  need = ((gsize) (qlen + 1) * (f->n_han + 1) + 7) / 8;
  if (need > self->memo_size)
    {
      g_free (self->memo);
      self->memo = g_malloc (need);
      self->memo_size = need;
    }
  memset (self->memo, 0, need);
  m.failed = self->memo;

  for (guint ci = 0; ci < f->n_han; ci++)
    {
      m.abbrevs = 0;
      if (pinyin_from (&m, 0, ci))
        {
          *end = m.end;
          *abbrevs = m.abbrevs;
          return (int) ci;
        }
    }
  return -1;
}

/* Literal matching */

/* Where @t occurs in @text as a Chinese substring, or for Latin terms at the
 * start of a word ("insur" in "social insurance", not "sur"); -1 if not. */
static gssize
term_find (const char *text,
           const Term *t)
{
  const char *p = text;

  while ((p = strstr (p, t->text)) != NULL)
    {
      if (t->han || p == text
          || !is_word_char (g_utf8_get_char (g_utf8_find_prev_char (text, p))))
        return p - text;
      p++;
    }
  return -1;
}

static void
match_field (TongbanSearch *self,
             const Field   *f,
             const Query   *q,
             gboolean       is_title,
             FieldMatch    *out)
{
  int covered = 0;
  gboolean all = TRUE;
  gboolean starts = FALSE;
  gboolean used_pinyin = FALSE;

  memset (out, 0, sizeof *out);
  if (f->text == NULL)
    return;

  /* Every term in the text, as written or (for letters) as pinyin. Terms
   * read as pinyin one by one ("gongjijin tiqu" in 公积金个人提取) only in
   * titles, or in mixed queries ("社保 zm"): in summaries that costs much and
   * finds little the whole-query reading below does not. */
  for (guint i = 0; i < q->n_terms && all; i++)
    {
      const Term *t = &q->terms[i];
      gssize at = term_find (f->text, t);

      if (at >= 0)
        {
          covered += (int) t->n_chars;
          if (i == 0 && at == 0)
            starts = TRUE;
        }
      else if (t->letters && t->len <= MAX_PINYIN && (q->n_terms > 1 || q->pinyin_len == 0)
               && (is_title || q->pinyin_len == 0))
        {
          guint end, abbrevs;
          int ci = pinyin_find (self, f, t->text, (guint) t->len, FALSE, &end, &abbrevs);

          all = ci >= 0;
          if (all)
            {
              covered += (int) (end - (guint) ci);
              used_pinyin = TRUE;
              if (i == 0 && ci == 0 && f->n_han == f->n_chars)
                starts = TRUE;
            }
        }
      else
        all = FALSE;
    }
  if (all)
    {
      if (strcmp (f->text, q->norm) == 0 || strcmp (f->text, q->concat) == 0)
        out->level = LEVEL_EXACT;
      else
        out->level = starts ? LEVEL_PREFIX : LEVEL_INNER;
      out->coverage = MIN (100, covered * 100 / (int) MAX (f->n_chars, 1));
      out->full = !used_pinyin;
    }

  /* The whole query as one run of pinyin: "shebaozhengming", "sbzm". */
  if (q->pinyin_len > 0 && out->level < LEVEL_EXACT && f->n_han > 0)
    {
      guint end, abbrevs;
      int ci = pinyin_find (self, f, q->pinyin, q->pinyin_len, FALSE, &end, &abbrevs);
      Level level = LEVEL_NONE;

      if (ci == 0 && end == f->n_han && abbrevs == 0 && f->n_han == f->n_chars)
        level = LEVEL_EXACT;
      else if (ci == 0 && f->n_han == f->n_chars)
        level = LEVEL_PREFIX;
      else if (ci >= 0)
        level = LEVEL_INNER;
      else if (is_title && q->pinyin_len >= 3)
        {
          ci = pinyin_find (self, f, q->pinyin, q->pinyin_len, TRUE, &end, &abbrevs);
          if (ci >= 0)
            level = LEVEL_GAPPED;
        }

      if (level > out->level)
        {
          out->level = level;
          out->coverage = (int) ((end - (guint) ci) * 100 / f->n_han);
          out->full = abbrevs == 0;
        }
    }
}

/* A match in a summary or keyword by pinyin initials alone is too loose to
 * show ("sb" is in half the summaries); there it takes whole syllables. */
static gboolean
loose (const FieldMatch *m)
{
  return m->level == LEVEL_GAPPED || !m->full;
}

static int
score_document (TongbanSearch      *self,
                const Doc          *doc,
                const Query        *q,
                TongbanSearchMatch *match)
{
  TongbanSearchMatch best = TONGBAN_SEARCH_MATCH_NONE;
  int best_quality = 0;
  int weight_bonus = (int) (doc->weight * 100.0);

#define CONSIDER(cls, quality) \
  G_STMT_START { \
    int q_ = (quality); \
    if ((cls) > best || ((cls) == best && q_ > best_quality)) \
      { best = (cls); best_quality = q_; } \
  } G_STMT_END

  for (guint i = 0; i < TONGBAN_SEARCH_N_LANGS; i++)
    {
      FieldMatch m;
      TongbanSearchMatch cls;

      match_field (self, &doc->title[i], q, TRUE, &m);
      if (m.level == LEVEL_NONE)
        continue;
      cls = m.level == LEVEL_EXACT ? TONGBAN_SEARCH_MATCH_TITLE_EXACT
          : m.level == LEVEL_PREFIX ? TONGBAN_SEARCH_MATCH_TITLE_PREFIX
          : TONGBAN_SEARCH_MATCH_TITLE_WORD;
      CONSIDER (cls, m.coverage * 2 + (m.level != LEVEL_GAPPED ? 100 : 0) + (m.full ? 50 : 0));
    }
  if (best >= TONGBAN_SEARCH_MATCH_TITLE_WORD)
    goto done;

  for (guint i = 0; i < doc->keywords->len; i++)
    {
      FieldMatch m;

      match_field (self, &g_array_index (doc->keywords, Field, i), q, FALSE, &m);
      if (m.level != LEVEL_NONE && !loose (&m))
        CONSIDER (TONGBAN_SEARCH_MATCH_KEYWORD,
                  m.coverage * 2 + (m.level == LEVEL_EXACT ? 100 : 0));
    }
  if (best >= TONGBAN_SEARCH_MATCH_KEYWORD)
    goto done;

  for (guint i = 0; i < TONGBAN_SEARCH_N_LANGS; i++)
    {
      FieldMatch m;

      match_field (self, &doc->summary[i], q, FALSE, &m);
      if (m.level != LEVEL_NONE && !loose (&m))
        CONSIDER (TONGBAN_SEARCH_MATCH_SUMMARY, m.coverage * 2);
    }
#undef CONSIDER

done:
  *match = best;
  if (best == TONGBAN_SEARCH_MATCH_NONE)
    return 0;
  return (int) best * SCORE_CLASS + MIN (best_quality + weight_bonus, SCORE_CLASS - 1);
}

typedef struct {
  TongbanSearchResult result;
  guint               order;
} Ranked;

static int
compare_ranked (gconstpointer a,
                gconstpointer b)
{
  const Ranked *ra = a, *rb = b;

  if (ra->result.score != rb->result.score)
    return ra->result.score > rb->result.score ? -1 : 1;
  return ra->order < rb->order ? -1 : ra->order > rb->order;
}

/* Returns the documents matching @query, best first, at most @max_results
 * (0: all), as a GArray of TongbanSearchResult whose strings belong to the
 * index. Any string is accepted: invalid UTF-8 is repaired, and only the
 * first 128 characters count. An empty query matches nothing. */
GArray *
tongban_search_query (TongbanSearch *self,
                      const char    *query,
                      guint          max_results)
{
  GArray *ranked;
  GArray *results;
  Query q;

  g_return_val_if_fail (self != NULL, NULL);

  results = g_array_new (FALSE, FALSE, sizeof (TongbanSearchResult));
  if (query == NULL || !query_parse (&q, query))
    {
      if (query != NULL)
        query_clear (&q);
      return results;
    }

  ranked = g_array_new (FALSE, FALSE, sizeof (Ranked));
  for (guint i = 0; i < self->docs->len; i++)
    {
      const Doc *doc = g_ptr_array_index (self->docs, i);
      Ranked r = { { doc->id, doc->kind, TONGBAN_SEARCH_MATCH_NONE, 0 }, doc->order };

      r.result.score = score_document (self, doc, &q, &r.result.match);
      if (r.result.match != TONGBAN_SEARCH_MATCH_NONE)
        g_array_append_val (ranked, r);
    }
  g_array_sort (ranked, compare_ranked);

  for (guint i = 0; i < ranked->len && (max_results == 0 || i < max_results); i++)
    g_array_append_val (results, g_array_index (ranked, Ranked, i).result);

  g_array_unref (ranked);
  query_clear (&q);
  return results;
}
