/* test-search.c: the smart-guidance search index and its pinyin table */

#include <string.h>
#include "tongban-pinyin.h"
#include "tongban-search.h"

typedef struct {
  const char *id, *kind;
  double weight;
  const char *cn, *hk, *en;
  const char *summary_cn, *summary_en;
  const char *keywords[4];
} Fixture;

static const Fixture fixtures[] = {
  { "si-proof", "service", 1.0, "社保证明", "社保證明", "Social insurance certificate",
    "打印本人的社会保险参保缴费证明。", "Print your social insurance payment record." },
  { "si-proof-print", "service", 1.0, "社保证明打印", "社保證明打印",
    "Print a social insurance certificate", NULL, NULL },
  { "si-enrol-proof", "service", 1.0, "社会保险参保证明", "社會保險參保證明",
    "Proof of social insurance enrolment", NULL, NULL },
  { "print-si", "service", 1.0, "打印社保证明", "打印社保證明", "Certificate printing", NULL, NULL },
  { "enrol-voucher", "guide", 1.0, "参保凭证", "參保憑證", "Enrolment voucher", NULL, NULL,
    { "社保证明", NULL } },
  { "pension", "guide", 1.0, "养老金领取资格认证", "養老金領取資格認證",
    "Pension eligibility check", "需要时可打印社保证明作为附件。",
    "You may attach a certificate." },
  { "hk-mpf", "service", 1.0, "强积金账户查询", "強積金戶口查詢", "MPF account enquiry", NULL, NULL,
    { "mpf", "強制性公積金", NULL } },
  { "hk-cssa", "guide", 1.0, "综合社会保障援助指南", "綜合社會保障援助計劃指南",
    "Comprehensive Social Security Assistance guide", NULL, NULL },
  { "bank-card", "service", 1.0, "银行卡社保功能激活", "銀行卡社保功能啟用",
    "Activate the social insurance function of a bank card", NULL, NULL },
  { "admin-review", "service", 1.0, "行政复议申请", "行政覆核申請",
    "Apply for administrative review", NULL, NULL },
  { "lost-id", "faq", 0.5, "身份证丢失怎么办", "身份證遺失怎麼辦", "What if I lose my ID card?",
    "先挂失，再到派出所补领。", "Report the loss, then apply for a new card." },
  { "lost-id-popular", "faq", 2.0, "身份证丢失补领", "身份證遺失補領", "Replace a lost ID card",
    NULL, NULL },
};

static TongbanSearch *
make_index (void)
{
  TongbanSearch *index = tongban_search_new ();

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      const Fixture *f = &fixtures[i];
      TongbanSearchDocument doc = {
        .id = f->id, .kind = f->kind, .weight = f->weight,
        .title = { f->cn, f->hk, f->en },
        .summary = { f->summary_cn, NULL, f->summary_en },
        .keywords = f->keywords[0] ? f->keywords : NULL,
      };

      g_assert_true (tongban_search_add_document (index, &doc));
    }
  /* Hong Kong terms kept apart from the catalogue. */
  {
    const char *const cssa[] = { "綜援", "cssa", NULL };

    g_assert_true (tongban_search_add_keywords (index, "hk-cssa", cssa));
    g_assert_false (tongban_search_add_keywords (index, "no-such-id", cssa));
  }
  g_assert_cmpuint (tongban_search_get_n_documents (index), ==, G_N_ELEMENTS (fixtures));
  return index;
}

/* The ids of the results, space-separated, for compact assertions. */
static char *
query_ids (TongbanSearch *index,
           const char    *query,
           guint          max)
{
  g_autoptr(GArray) results = tongban_search_query (index, query, max);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < results->len; i++)
    {
      const TongbanSearchResult *r = &g_array_index (results, TongbanSearchResult, i);

      if (i > 0)
        g_string_append_c (s, ' ');
      g_string_append (s, r->id);
    }
  return g_string_free (s, FALSE);
}

static const char *
first_id (TongbanSearch *index,
          const char    *query)
{
  g_autoptr(GArray) results = tongban_search_query (index, query, 1);

  return results->len > 0 ? g_array_index (results, TongbanSearchResult, 0).id : NULL;
}

static gboolean
has_id (const char *ids,
        const char *id)
{
  g_auto(GStrv) parts = g_strsplit (ids, " ", -1);

  return g_strv_contains ((const char *const *) parts, id);
}

static void
test_pinyin_table (void)
{
  const char *r[TONGBAN_PINYIN_MAX_READINGS];
  guint n;

  n = tongban_pinyin_get_readings (g_utf8_get_char ("社"), r);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (r[0], ==, "she");

  /* Polyphonic: both readings kept, the more frequent first. */
  n = tongban_pinyin_get_readings (g_utf8_get_char ("行"), r);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (r[0], ==, "xing");
  g_assert_cmpstr (r[1], ==, "hang");

  /* Traditional characters have readings too. */
  n = tongban_pinyin_get_readings (g_utf8_get_char ("證"), r);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpstr (r[0], ==, "zheng");

  g_assert_cmpuint (tongban_pinyin_get_readings ('A', r), ==, 0);
  g_assert_cmpuint (tongban_pinyin_get_readings (0x1F600, r), ==, 0);
  g_assert_null (tongban_pinyin_syllable (0, NULL));
  g_assert_null (tongban_pinyin_syllable (G_MAXUINT16, NULL));
  g_assert_true (tongban_pinyin_is_han (g_utf8_get_char ("港")));
  g_assert_false (tongban_pinyin_is_han ('x'));
}

static void
test_chinese (void)
{
  g_autoptr(TongbanSearch) index = make_index ();
  g_autofree char *simplified = query_ids (index, "参保", 0);
  g_autofree char *traditional = query_ids (index, "參保", 0);
  g_autofree char *two_words = query_ids (index, "身份证 补领", 0);

  g_assert_true (has_id (simplified, "si-enrol-proof"));
  g_assert_true (has_id (simplified, "enrol-voucher"));
  g_assert_true (has_id (traditional, "si-enrol-proof"));
  g_assert_true (has_id (traditional, "enrol-voucher"));
  /* Both words must appear, not in sequence. */
  g_assert_cmpstr (two_words, ==, "lost-id-popular");
  g_assert_cmpstr (first_id (index, "強積金"), ==, "hk-mpf");
  g_assert_cmpstr (first_id (index, "强积金"), ==, "hk-mpf");
}

static void
test_pinyin_full (void)
{
  g_autoptr(TongbanSearch) index = make_index ();
  g_autoptr(GArray) exact = tongban_search_query (index, "she bao zheng ming", 0);
  g_autofree char *partial = query_ids (index, "shebaozh", 3);

  g_assert_cmpstr (first_id (index, "shebao"), ==, "si-proof");
  g_assert_cmpstr (first_id (index, "shebaozhengming"), ==, "si-proof");
  g_assert_cmpuint (exact->len, >=, 1);
  g_assert_cmpstr (g_array_index (exact, TongbanSearchResult, 0).id, ==, "si-proof");
  g_assert_cmpint (g_array_index (exact, TongbanSearchResult, 0).match, ==,
                   TONGBAN_SEARCH_MATCH_TITLE_EXACT);
  /* As the citizen types: a syllable cut short still matches. */
  g_assert_cmpstr (partial, ==, "si-proof si-proof-print print-si");
  g_assert_cmpstr (first_id (index, "qiangjijin"), ==, "hk-mpf");
  /* Tone marks and upper case are not needed, and capitals are ignored. */
  g_assert_cmpstr (first_id (index, "SheBao"), ==, "si-proof");
  /* Full-width letters from a CJK keyboard are the same letters. */
  g_assert_cmpstr (first_id (index, "ｓｈｅｂａｏ"), ==, "si-proof");
}

static void
test_pinyin_initials (void)
{
  g_autoptr(TongbanSearch) index = make_index ();
  g_autoptr(GArray) results = tongban_search_query (index, "sbzm", 0);
  g_autofree char *ids = query_ids (index, "sbzm", 0);
  g_autofree char *mixed = query_ids (index, "shebzm", 0);
  g_autofree char *digraph = query_ids (index, "shbzhm", 0);

  g_assert_cmpuint (results->len, >=, 4);
  g_assert_cmpstr (g_array_index (results, TongbanSearchResult, 0).id, ==, "si-proof");
  g_assert_cmpint (g_array_index (results, TongbanSearchResult, 0).match, ==,
                   TONGBAN_SEARCH_MATCH_TITLE_PREFIX);
  /* 社会保险参保证明: 社…保…证明 in sequence, after the contiguous ones. */
  g_assert_true (has_id (ids, "si-enrol-proof"));
  g_assert_true (g_str_has_suffix (ids, "si-enrol-proof"));
  g_assert_true (g_str_has_prefix (mixed, "si-proof"));
  g_assert_true (g_str_has_prefix (digraph, "si-proof"));
  g_assert_cmpstr (first_id (index, "qjj"), ==, "hk-mpf");
}

static void
test_pinyin_polyphonic (void)
{
  g_autoptr(TongbanSearch) index = make_index ();

  /* 行 is hang in 银行 and xing in 行政; both readings match. */
  g_assert_cmpstr (first_id (index, "yinhang"), ==, "bank-card");
  g_assert_cmpstr (first_id (index, "yhk"), ==, "bank-card");
  g_assert_cmpstr (first_id (index, "xingzheng"), ==, "admin-review");
  g_assert_cmpstr (first_id (index, "xzfy"), ==, "admin-review");
}

static void
test_english (void)
{
  g_autoptr(TongbanSearch) index = make_index ();
  g_autofree char *insur = query_ids (index, "insur", 0);
  g_autofree char *inner = query_ids (index, "sur", 0);

  g_assert_true (g_str_has_prefix (insur, "si-proof "));
  g_assert_true (has_id (insur, "bank-card"));
  /* Prefixes of words only: "sur" is inside "insurance", not the start of a word. */
  g_assert_false (has_id (inner, "si-proof"));
  g_assert_cmpstr (first_id (index, "SOCIAL INSURANCE CERTIFICATE"), ==, "si-proof");
  g_assert_cmpstr (first_id (index, "admin rev"), ==, "admin-review");
  g_assert_cmpstr (first_id (index, "Comprehensive"), ==, "hk-cssa");
}

static void
test_keywords (void)
{
  g_autoptr(TongbanSearch) index = make_index ();
  g_autoptr(GArray) cssa = tongban_search_query (index, "綜援", 0);

  g_assert_cmpuint (cssa->len, ==, 1);
  g_assert_cmpstr (g_array_index (cssa, TongbanSearchResult, 0).id, ==, "hk-cssa");
  g_assert_cmpstr (g_array_index (cssa, TongbanSearchResult, 0).kind, ==, "guide");
  g_assert_cmpint (g_array_index (cssa, TongbanSearchResult, 0).match, ==,
                   TONGBAN_SEARCH_MATCH_KEYWORD);
  g_assert_cmpstr (first_id (index, "CSSA"), ==, "hk-cssa");
  g_assert_cmpstr (first_id (index, "mpf"), ==, "hk-mpf");
  g_assert_cmpstr (first_id (index, "強制性公積金"), ==, "hk-mpf");
  /* Pinyin of a Chinese keyword, in whole syllables. */
  g_assert_cmpstr (first_id (index, "zongyuan"), ==, "hk-cssa");
}

static void
test_ranking (void)
{
  g_autoptr(TongbanSearch) index = make_index ();
  g_autoptr(GArray) results = tongban_search_query (index, "社保证明", 0);
  static const struct {
    const char *id;
    TongbanSearchMatch match;
  } expected[] = {
    { "si-proof", TONGBAN_SEARCH_MATCH_TITLE_EXACT },
    { "si-proof-print", TONGBAN_SEARCH_MATCH_TITLE_PREFIX },
    { "print-si", TONGBAN_SEARCH_MATCH_TITLE_WORD },
    { "enrol-voucher", TONGBAN_SEARCH_MATCH_KEYWORD },
    { "pension", TONGBAN_SEARCH_MATCH_SUMMARY },
  };

  g_assert_cmpuint (results->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < results->len; i++)
    {
      const TongbanSearchResult *r = &g_array_index (results, TongbanSearchResult, i);

      g_assert_cmpstr (r->id, ==, expected[i].id);
      g_assert_cmpint (r->match, ==, expected[i].match);
      if (i > 0)
        g_assert_cmpint (r->score, <, g_array_index (results, TongbanSearchResult, i - 1).score);
    }
}

static void
test_no_match (void)
{
  g_autoptr(TongbanSearch) index = make_index ();
  g_autoptr(GArray) a = tongban_search_query (index, "xyzzy", 0);
  g_autoptr(GArray) b = tongban_search_query (index, "護照", 0);
  g_autoptr(GArray) c = tongban_search_query (index, "12345", 0);

  g_assert_cmpuint (a->len, ==, 0);
  g_assert_cmpuint (b->len, ==, 0);
  g_assert_cmpuint (c->len, ==, 0);
}

static void
test_bad_input (void)
{
  g_autoptr(TongbanSearch) index = make_index ();
  static const char *const empty[] = {
    "", "   ", "\t\n", "!!!", "%%% ### ***", "…。，、", "\xff\xfe\xfd", "🙂🙂🙂",
  };
  g_autofree char *long_query = NULL;
  g_autofree char *long_cjk = NULL;
  GString *s;

  for (guint i = 0; i < G_N_ELEMENTS (empty); i++)
    {
      g_autoptr(GArray) results = tongban_search_query (index, empty[i], 0);

      g_assert_nonnull (results);
      g_assert_cmpuint (results->len, ==, 0);
    }
  {
    g_autoptr(GArray) results = tongban_search_query (index, NULL, 0);

    g_assert_cmpuint (results->len, ==, 0);
  }

  /* Invalid UTF-8 around real words is repaired, not rejected. */
  g_assert_cmpstr (first_id (index, "\xff社保证明\xc3"), ==, "si-proof");

  /* Very long queries are cut to 128 characters and stay fast. */
  long_query = g_strnfill (100000, 'a');
  {
    g_autoptr(GArray) results = tongban_search_query (index, long_query, 0);

    g_assert_cmpuint (results->len, ==, 0);
  }
  s = g_string_new (NULL);
  for (guint i = 0; i < 5000; i++)
    g_string_append (s, "社保 sb ");
  long_cjk = g_string_free (s, FALSE);
  {
    g_autoptr(GArray) results = tongban_search_query (index, long_cjk, 0);

    g_assert_nonnull (results);
  }

  /* Random bytes never crash. */
  {
    g_autoptr(GRand) rand = g_rand_new_with_seed (42);

    for (guint round = 0; round < 300; round++)
      {
        char buf[64];
        guint len = (guint) g_rand_int_range (rand, 0, sizeof buf);
        g_autoptr(GArray) results = NULL;

        for (guint i = 0; i < len; i++)
          buf[i] = (char) g_rand_int_range (rand, 1, 256);
        buf[len] = '\0';
        results = tongban_search_query (index, buf, 0);
        g_assert_nonnull (results);
      }
  }
}

static void
test_documents (void)
{
  g_autoptr(TongbanSearch) index = tongban_search_new ();
  TongbanSearchDocument doc = { .id = "a", .kind = "faq", .weight = 1.0,
                                .title = { NULL, NULL, "Opening hours" } };
  TongbanSearchDocument no_id = { .title = { "社保" } };
  g_autofree char *limited = NULL;
  g_autofree char *weighted = NULL;

  g_assert_true (tongban_search_add_document (index, &doc));
  g_assert_false (tongban_search_add_document (index, &doc));
  g_assert_false (tongban_search_add_document (index, &no_id));
  doc.id = "b";
  g_assert_true (tongban_search_add_document (index, &doc));
  g_assert_cmpuint (tongban_search_get_n_documents (index), ==, 2);

  /* Equal scores keep the order documents were added in; max_results cuts. */
  limited = query_ids (index, "open", 1);
  g_assert_cmpstr (limited, ==, "a");
  g_assert_cmpstr (first_id (index, "hours"), ==, "a");

  /* The same match on a heavier document ranks it first. */
  doc.id = "c";
  doc.weight = 2.0;
  g_assert_true (tongban_search_add_document (index, &doc));
  weighted = query_ids (index, "opening hours", 0);
  g_assert_cmpstr (weighted, ==, "c a b");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/input/pinyin/table", test_pinyin_table);
  g_test_add_func ("/input/search/chinese", test_chinese);
  g_test_add_func ("/input/search/pinyin-full", test_pinyin_full);
  g_test_add_func ("/input/search/pinyin-initials", test_pinyin_initials);
  g_test_add_func ("/input/search/pinyin-polyphonic", test_pinyin_polyphonic);
  g_test_add_func ("/input/search/english", test_english);
  g_test_add_func ("/input/search/keywords", test_keywords);
  g_test_add_func ("/input/search/ranking", test_ranking);
  g_test_add_func ("/input/search/no-match", test_no_match);
  g_test_add_func ("/input/search/bad-input", test_bad_input);
  g_test_add_func ("/input/search/documents", test_documents);

  return g_test_run ();
}
