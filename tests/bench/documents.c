/* documents.c: certificate render time per page, per template (target <= 100 ms)
 *
 * Each template renders a sample answer (docs/gateway.md section 5.1) to a
 * PDF in memory in each language, from the answer to the finished bytes, as
 * the print step does; then the preview page image at the size the kiosk
 * shows it (4 px/mm, 840 x 1188). Median and p95 per page, wall clock and
 * this thread's CPU time (the machine may be shared). Prints figures; never
 * fails on a time.
 */

#include "tongban-document.h"
#include "document-sample.h"

#include <time.h>

#define ROUNDS 15

static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int
compare (gconstpointer a,
         gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
report (const char *what,
        GArray     *ms)
{
  g_array_sort (ms, compare);
  g_print ("documents: %-22s median %6.1f ms, p95 %6.1f ms per page over %u (target <= 100 ms)\n",
           what, g_array_index (ms, double, ms->len / 2),
           g_array_index (ms, double, MIN (ms->len - 1, (guint) (ms->len * 0.95))), ms->len);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) all_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) preview = g_array_new (FALSE, FALSE, sizeof (double));
  gsize size = 0;

  tongban_i18n_init (g_getenv ("TONGBAN_LOCALEDIR"));
  for (guint t = 0; t < G_N_ELEMENTS (document_templates); t++)
    {
      g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));

      for (guint round = 0; round < ROUNDS; round++)
        {
          TongbanLanguage language = round % TONGBAN_N_LANGUAGES;
          g_autoptr(JsonObject) answer = document_sample (document_templates[t], 12);
          double cpu = cpu_ms ();
          gint64 start = g_get_monotonic_time ();
          g_autoptr(TongbanDocument) document = tongban_document_new (answer, language, NULL);
          g_autoptr(GBytes) pdf = tongban_document_render_pdf (document, NULL);
          double per_page = (g_get_monotonic_time () - start) / 1000.0 /
                            tongban_document_get_n_pages (document);
          cairo_surface_t *image;

          cpu = (cpu_ms () - cpu) / tongban_document_get_n_pages (document);
          g_array_append_val (all_cpu, cpu);
          size = g_bytes_get_size (pdf);
          g_array_append_val (ms, per_page);
          g_array_append_val (all, per_page);

          start = g_get_monotonic_time ();
          image = tongban_document_render_page (document, 1, 4.0);
          per_page = (g_get_monotonic_time () - start) / 1000.0;
          cairo_surface_destroy (image);
          g_array_append_val (preview, per_page);
        }
      report (document_templates[t], ms);
    }
  report ("all templates (PDF)", all);
  report ("all, CPU time (PDF)", all_cpu);
  report ("preview image", preview);
  g_print ("documents: a one-page certificate PDF is about %" G_GSIZE_FORMAT " KiB\n",
           size / 1024);
  return 0;
}
