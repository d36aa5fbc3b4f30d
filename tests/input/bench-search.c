/* bench-search.c: index build time and query time per keystroke for smart guidance
 *
 * Builds an index of a few hundred made-up but realistic documents (every
 * subject × every action, in three languages, with summaries and Hong Kong
 * keywords), then types a set of queries one keystroke at a time and times a
 * query after every keystroke. Prints the figures; never fails on a time.
 */

#include <stdio.h>
#include <stdlib.h>
#include "tongban-search.h"

typedef struct {
  const char *cn, *hk, *en, *keyword;
} Word;

static const Word subjects[] = {
  { "社保", "社保", "social insurance", "社會保障" },
  { "医保", "醫保", "medical insurance", "醫療保險" },
  { "养老保险", "養老保險", "pension insurance", "退休金" },
  { "住房公积金", "住房公積金", "housing provident fund", "公積金" },
  { "强积金", "強積金", "MPF", "mpf" },
  { "综援", "綜援", "CSSA", "cssa" },
  { "户籍", "戶籍", "household registration", "戶口" },
  { "居民身份证", "居民身份證", "resident identity card", "身份證" },
  { "港澳通行证", "港澳通行證", "exit-entry permit for Hong Kong and Macao", "回鄉證" },
  { "机动车驾驶证", "機動車駕駛執照", "driving licence", "車牌" },
  { "个人所得税", "個人所得稅", "individual income tax", "薪俸稅" },
  { "不动产登记", "不動產登記", "real estate registration", "物業" },
  { "营业执照", "營業執照", "business licence", "商業登記" },
  { "出生登记", "出生登記", "birth registration", "出世紙" },
  { "婚姻登记", "婚姻登記", "marriage registration", "結婚" },
  { "水电燃气", "水電煤氣", "water, power and gas", "煤氣" },
  { "失业保险", "失業保險", "unemployment insurance", "失業" },
  { "工伤认定", "工傷認定", "work injury recognition", "工傷" },
  { "残疾人证", "殘疾人證", "disability card", "殘疾" },
  { "澳门居民身份证", "澳門居民身份證", "Macao resident identity card", "澳門身份證" },
};

static const Word actions[] = {
  { "查询", "查詢", "enquiry", NULL },
  { "证明打印", "證明打印", "certificate printing", NULL },
  { "缴费", "繳費", "payment", NULL },
  { "信息变更", "資料更改", "change of details", NULL },
  { "申请", "申請", "application", NULL },
  { "补领", "補領", "replacement", NULL },
  { "续期", "續期", "renewal", NULL },
  { "办理指南", "辦理指南", "guide", NULL },
  { "常见问题", "常見問題", "frequently asked questions", NULL },
  { "预约", "預約", "appointment", NULL },
  { "进度查询", "進度查詢", "progress enquiry", NULL },
  { "注销", "註銷", "cancellation", NULL },
  { "网上办理", "網上辦理", "online service", NULL },
  { "材料清单", "所需文件", "required documents", NULL },
  { "费用标准", "收費標準", "fees", NULL },
  { "转移接续", "轉移接續", "transfer", NULL },
  { "异地备案", "異地備案", "registration elsewhere", NULL },
  { "年度核验", "年度核驗", "annual check", NULL },
  { "待遇领取", "待遇領取", "benefit collection", NULL },
  { "退款", "退款", "refund", NULL },
};

static const char *const queries[] = {
  "shebaozhengming",
  "she bao zheng ming",
  "sbzm",
  "社保证明打印",
  "社保證明",
  "social insurance cert",
  "gongjijin tiqu",
  "gjjcx",
  "港澳通行证续期",
  "qiangjijin",
  "mpf",
  "綜援申請",
  "driving licence renewal",
  "jiashizheng buling",
  "xyzzy nothing",
};

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TongbanSearch) index = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  const char *kinds[] = { "service", "guide", "faq" };
  gint64 start;
  double build_ms, median, p95, worst;
  guint n = 0;

  start = g_get_monotonic_time ();
  index = tongban_search_new ();
  for (guint s = 0; s < G_N_ELEMENTS (subjects); s++)
    for (guint a = 0; a < G_N_ELEMENTS (actions); a++)
      {
        const Word *sub = &subjects[s], *act = &actions[a];
        g_autofree char *id = g_strdup_printf ("doc-%u-%u", s, a);
        g_autofree char *cn = g_strconcat (sub->cn, act->cn, NULL);
        g_autofree char *hk = g_strconcat (sub->hk, act->hk, NULL);
        g_autofree char *en = g_strdup_printf ("%s %s", sub->en, act->en);
        g_autofree char *sum_cn = g_strdup_printf ("在自助终端办理%s%s，需携带身份证件，"
                                                   "办理结果可当场打印或通过短信通知。",
                                                   sub->cn, act->cn);
        g_autofree char *sum_hk = g_strdup_printf ("可在自助服務機辦理%s%s，請帶備身份證明文件，"
                                                   "結果可即場列印或以短訊通知。",
                                                   sub->hk, act->hk);
        g_autofree char *sum_en = g_strdup_printf ("Apply for %s %s at this kiosk. Bring your "
                                                   "identity document; print the result here.",
                                                   sub->en, act->en);
        const char *keywords[] = { sub->keyword, NULL };
        TongbanSearchDocument doc = {
          .id = id, .kind = kinds[(s + a) % 3], .weight = 1.0 + (double) (a % 4) / 4.0,
          .title = { cn, hk, en },
          .summary = { sum_cn, sum_hk, sum_en },
          .keywords = keywords,
        };

        tongban_search_add_document (index, &doc);
      }
  build_ms = (double) (g_get_monotonic_time () - start) / 1000.0;

  /* A few rounds, so that the figures are not one cold pass. */
  for (guint round = 0; round < 5; round++)
    for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
      {
        const char *query = queries[q];

        for (const char *end = g_utf8_next_char (query);; end = g_utf8_next_char (end))
          {
            g_autofree char *typed = g_strndup (query, (gsize) (end - query));
            g_autoptr(GArray) results = NULL;
            double ms;

            start = g_get_monotonic_time ();
            results = tongban_search_query (index, typed, 20);
            ms = (double) (g_get_monotonic_time () - start) / 1000.0;
            g_array_append_val (times, ms);
            n++;
            if (*end == '\0')
              break;
          }
      }

  qsort (times->data, times->len, sizeof (double), compare_double);
  median = g_array_index (times, double, times->len / 2);
  p95 = g_array_index (times, double, (times->len * 95) / 100);
  worst = g_array_index (times, double, times->len - 1);

  printf ("search: %u documents indexed in %.2f ms\n",
          tongban_search_get_n_documents (index), build_ms);
  printf ("search: %u keystrokes, query per keystroke median %.3f ms, p95 %.3f ms, max %.3f ms "
          "(target <= 5 ms)\n", n, median, p95, worst);
  return 0;
}
