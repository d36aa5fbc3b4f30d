/* startup.c: time from launch to the first drawn frame of the home page
 *
 * Starts tongban-kiosk five times with --exit-after-first-frame on the
 * display it is given (Xvfb in CI), and prints the median wall time and the
 * median peak resident memory. Target on 2 cores: <= 0.35 s, <= 125 MiB.
 * Usage: bench-startup TONGBAN_KIOSK [RUNS]
 */

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, (int (*)(const void *, const void *)) compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int
main (int   argc,
      char *argv[])
{
  guint runs = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 5;
  g_autofree double *seconds = NULL;
  g_autofree double *mib = NULL;

  if (argc < 2 || runs == 0)
    {
      fprintf (stderr, "usage: %s TONGBAN_KIOSK [RUNS]\n", argv[0]);
      return 2;
    }
  seconds = g_new0 (double, runs);
  mib = g_new0 (double, runs);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);

  for (guint i = 0; i < runs; i++)
    {
      gint64 start = g_get_monotonic_time ();
      struct rusage usage;
      int status = 0;
      pid_t pid = fork ();

      if (pid == 0)
        {
          char *args[] = { argv[1], "--config=/dev/null", "--page=home",
                           "--exit-after-first-frame", NULL };

          execv (argv[1], args);
          _exit (127);
        }
      if (pid < 0 || wait4 (pid, &status, 0, &usage) < 0 ||
          !WIFEXITED (status) || WEXITSTATUS (status) != 0)
        {
          fprintf (stderr, "run %u: the kiosk did not start and exit cleanly\n", i + 1);
          return 1;
        }
      seconds[i] = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
      mib[i] = (double) usage.ru_maxrss / 1024.0;
      printf ("run %u: %.3f s, %.1f MiB\n", i + 1, seconds[i], mib[i]);
    }

  printf ("startup to first frame of home (median of %u): %.3f s (target 0.35 s)\n",
          runs, median (seconds, runs));
  printf ("peak RSS (median of %u): %.1f MiB (target 125 MiB)\n", runs, median (mib, runs));
  return 0;
}
