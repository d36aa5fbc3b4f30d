/* tongban-sim.c: pty and TCP plumbing, pacing and scenarios of the simulators
 *
 * The simulator keeps its own descriptor on the pty's slave side open, so
 * the master never sees a hang-up when the driver closes and reopens the
 * port; "unplug" closes both sides and removes the symlink, which is what a
 * driver sees when a USB serial adapter is pulled.
 */

#include "tongban-sim.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#define PACE_CHUNK 16

struct _TongbanSim
{
  const TongbanSimClass *klass;
  gpointer     state;
  gboolean     is_tcp;
  guint        baud;
  char        *dir;
  char        *symlink_path;
  char        *link;
  int          master;
  int          slave;
  int          listener;
  int          client;
  guint        port;
  gboolean     unplugged;
  gboolean     dial_out;

  GThread     *thread;
  int          wake[2];
  GAsyncQueue *injected;
  GMutex       lock;
  gint         stopping;
  gint         events_done;
  GArray      *times;
  GPtrArray   *events;
  guint        next_event;
  gint64       started;
  gint64       next_tick;
  GByteArray  *input;
};

gboolean
tongban_sim_parse_scenario (const char  *scenario,
                            GArray     **times,
                            GPtrArray  **events,
                            GError     **error)
{
  g_auto(GStrv) steps = g_strsplit (scenario ? scenario : "", ";", -1);
  g_autoptr(GArray) t = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) e = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; steps[i] != NULL; i++)
    {
      char *step = g_strstrip (steps[i]);
      gint64 ms = 0;

      if (*step == '\0')
        continue;
      if (g_str_has_prefix (step, "t="))
        {
          char *end = NULL;
          double v = g_ascii_strtod (step + 2, &end);

          if (end == step + 2 || v < 0 || v > 86400)
            goto invalid;
          if (g_str_has_prefix (end, "ms"))
            {
              ms = (gint64) v;
              end += 2;
            }
          else if (*end == 's')
            {
              ms = (gint64) (v * 1000);
              end += 1;
            }
          else
            goto invalid;
          if (*end != ' ')
            goto invalid;
          step = g_strstrip (end);
        }
      if (*step == '\0')
        goto invalid;
      if (t->len > 0 && ms < g_array_index (t, gint64, t->len - 1))
        goto invalid;
      g_array_append_val (t, ms);
      g_ptr_array_add (e, g_strdup (step));
      continue;

invalid:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "scenario step %u: '%s' (expected 't=2s event', times in order)", i + 1, step);
      return FALSE;
    }
  *times = g_steal_pointer (&t);
  *events = g_steal_pointer (&e);
  return TRUE;
}

static gboolean
create_pty (TongbanSim  *sim,
            GError     **error)
{
  struct termios tio;
  char name[256];

  if (openpty (&sim->master, &sim->slave, name, NULL, NULL) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "openpty: %s",
                   g_strerror (errno));
      return FALSE;
    }
  /* No echo, no line editing: the driver also sets raw mode, but not before
   * it opens the port, and the simulator may speak first. */
  tcgetattr (sim->slave, &tio);
  cfmakeraw (&tio);
  tcsetattr (sim->slave, TCSANOW, &tio);
  g_unix_set_fd_nonblocking (sim->master, TRUE, NULL);
  fcntl (sim->master, F_SETFD, FD_CLOEXEC);
  fcntl (sim->slave, F_SETFD, FD_CLOEXEC);
  g_unlink (sim->symlink_path);
  if (symlink (name, sim->symlink_path) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "symlink: %s",
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
create_listener (TongbanSim  *sim,
                 GError     **error)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (sim->port) };
  socklen_t len = sizeof addr;
  int one = 1;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  sim->listener = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  setsockopt (sim->listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (sim->listener < 0 || bind (sim->listener, (struct sockaddr *) &addr, sizeof addr) < 0 ||
      listen (sim->listener, 4) < 0 ||
      getsockname (sim->listener, (struct sockaddr *) &addr, &len) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "listen on %u: %s",
                   sim->port, g_strerror (errno));
      return FALSE;
    }
  sim->port = ntohs (addr.sin_port);
  return TRUE;
}

static TongbanSim *
sim_new (const TongbanSimClass *klass,
         gpointer               state)
{
  TongbanSim *sim = g_new0 (TongbanSim, 1);

  sim->klass = klass;
  sim->state = state;
  sim->master = sim->slave = sim->listener = sim->client = -1;
  sim->wake[0] = sim->wake[1] = -1;
  sim->injected = g_async_queue_new_full (g_free);
  sim->input = g_byte_array_new ();
  sim->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  sim->events = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&sim->lock);
  g_unix_open_pipe (sim->wake, FD_CLOEXEC, NULL);
  g_unix_set_fd_nonblocking (sim->wake[0], TRUE, NULL);
  return sim;
}

TongbanSim *
tongban_sim_new_pty (const TongbanSimClass  *klass,
                     gpointer                state,
                     guint                   baud,
                     GError                **error)
{
  g_autoptr(TongbanSim) sim = sim_new (klass, state);

  sim->baud = baud;
  sim->dir = g_dir_make_tmp ("tongban-sim-XXXXXX", error);
  if (sim->dir == NULL)
    return NULL;
  sim->symlink_path = g_build_filename (sim->dir, klass->name, NULL);
  if (!create_pty (sim, error))
    return NULL;
  sim->link = g_strdup_printf ("tty:%s@%u", sim->symlink_path, baud ? baud : 9600);
  return g_steal_pointer (&sim);
}

TongbanSim *
tongban_sim_new_tcp (const TongbanSimClass  *klass,
                     gpointer                state,
                     guint                   port,
                     GError                **error)
{
  g_autoptr(TongbanSim) sim = sim_new (klass, state);

  sim->is_tcp = TRUE;
  sim->port = port;
  if (!create_listener (sim, error))
    return NULL;
  sim->link = g_strdup_printf ("tcp:127.0.0.1:%u", sim->port);
  return g_steal_pointer (&sim);
}

TongbanSim *
tongban_sim_new_tcp_client (const TongbanSimClass *klass,
                            gpointer               state,
                            guint                  port)
{
  TongbanSim *sim = sim_new (klass, state);

  sim->is_tcp = TRUE;
  sim->dial_out = TRUE;
  sim->port = port;
  sim->link = g_strdup_printf ("tcp:127.0.0.1:%u", port);
  return sim;
}

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

static void
wake (TongbanSim *sim)
{
  char c = 'w';

  if (write (sim->wake[1], &c, 1) < 0)
    g_debug ("sim wake: %s", g_strerror (errno));
}

void
tongban_sim_free (TongbanSim *sim)
{
  if (sim == NULL)
    return;
  if (sim->thread != NULL)
    {
      g_atomic_int_set (&sim->stopping, 1);
      wake (sim);
      g_thread_join (sim->thread);
    }
  if (sim->klass->finalize != NULL)
    sim->klass->finalize (sim);
  close_fd (&sim->master);
  close_fd (&sim->slave);
  close_fd (&sim->client);
  close_fd (&sim->listener);
  close_fd (&sim->wake[0]);
  close_fd (&sim->wake[1]);
  if (sim->symlink_path != NULL)
    g_unlink (sim->symlink_path);
  if (sim->dir != NULL)
    g_rmdir (sim->dir);
  g_free (sim->symlink_path);
  g_free (sim->dir);
  g_free (sim->link);
  g_async_queue_unref (sim->injected);
  g_byte_array_unref (sim->input);
  g_array_unref (sim->times);
  g_ptr_array_unref (sim->events);
  g_mutex_clear (&sim->lock);
  g_free (sim);
}

const char *
tongban_sim_get_link (TongbanSim *sim)
{
  return sim->link;
}

gpointer
tongban_sim_get_state (TongbanSim *sim)
{
  return sim->state;
}

void
tongban_sim_lock (TongbanSim *sim)
{
  g_mutex_lock (&sim->lock);
}

void
tongban_sim_unlock (TongbanSim *sim)
{
  g_mutex_unlock (&sim->lock);
}

guint
tongban_sim_get_events_done (TongbanSim *sim)
{
  return (guint) g_atomic_int_get (&sim->events_done);
}

gboolean
tongban_sim_set_scenario (TongbanSim  *sim,
                          const char  *scenario,
                          GError     **error)
{
  GArray *times;
  GPtrArray *events;

  g_return_val_if_fail (sim->thread == NULL, FALSE);

  if (!tongban_sim_parse_scenario (scenario, &times, &events, error))
    return FALSE;
  g_array_unref (sim->times);
  g_ptr_array_unref (sim->events);
  sim->times = times;
  sim->events = events;
  sim->next_event = 0;
  return TRUE;
}

void
tongban_sim_inject (TongbanSim *sim,
                    const char *event)
{
  g_async_queue_push (sim->injected, g_strdup (event));
  wake (sim);
}

/* Injects an event and waits (bounded) until the sim thread has handled
 * it, so a test's next step sees its effect on the wire. */
gboolean
tongban_sim_inject_wait (TongbanSim *sim,
                         const char *event,
                         guint       timeout_ms)
{
  guint target = tongban_sim_get_events_done (sim) + 1;
  gint64 limit = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  tongban_sim_inject (sim, event);
  while (tongban_sim_get_events_done (sim) < target)
    {
      if (g_get_monotonic_time () >= limit)
        return FALSE;
      g_usleep (1000);
    }
  return TRUE;
}

static int
active_fd (TongbanSim *sim)
{
  return sim->is_tcp ? sim->client : sim->master;
}

/* Sleeps for the time n bytes take on the line. */
static void
pace (TongbanSim *sim,
      gsize       n)
{
  if (sim->baud > 0 && !sim->is_tcp)
    g_usleep ((gulong) (n * 10 * G_USEC_PER_SEC / sim->baud));
}

void
tongban_sim_send (TongbanSim   *sim,
                  const guint8 *data,
                  gsize         length)
{
  gsize done = 0;
  gint64 start = g_get_monotonic_time ();

  while (done < length && active_fd (sim) >= 0 && !g_atomic_int_get (&sim->stopping))
    {
      gsize chunk = sim->baud > 0 && !sim->is_tcp ? MIN (PACE_CHUNK, length - done) : length - done;
      struct pollfd pfd = { active_fd (sim), POLLOUT, 0 };
      gssize n;

      /* A chunk leaves when its last bit would have crossed the line, never earlier. */
      if (sim->baud > 0 && !sim->is_tcp)
        {
          gint64 due = start + (gint64) (done + chunk) * 10 * G_USEC_PER_SEC / sim->baud;
          gint64 now = g_get_monotonic_time ();

          if (due > now)
            g_usleep (due - now);
        }
      if (poll (&pfd, 1, 1000) <= 0)
        {
          g_debug ("%s sim: peer does not read, dropping output", sim->klass->name);
          return;
        }
      n = sim->is_tcp ? send (pfd.fd, data + done, chunk, MSG_NOSIGNAL)
                      : write (pfd.fd, data + done, chunk);
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (n <= 0)
        return;
      done += n;
    }
}

void
tongban_sim_disconnect (TongbanSim *sim)
{
  if (sim->is_tcp)
    close_fd (&sim->client);
  g_byte_array_set_size (sim->input, 0);
}

gboolean
tongban_sim_connect (TongbanSim *sim)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (sim->port) };
  int fd;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    {
      g_message ("%s sim: cannot connect to port %u: %s", sim->klass->name, sim->port,
                 g_strerror (errno));
      if (fd >= 0)
        close (fd);
      return FALSE;
    }
  g_unix_set_fd_nonblocking (fd, TRUE, NULL);
  close_fd (&sim->client);
  sim->client = fd;
  g_byte_array_set_size (sim->input, 0);
  if (sim->klass->connected != NULL)
    sim->klass->connected (sim);
  return TRUE;
}

/* The cable is pulled: also from a simulator's input(), to cut a reply mid-frame. */
void
tongban_sim_unplug (TongbanSim *sim)
{
  sim->unplugged = TRUE;
  close_fd (&sim->client);
  close_fd (&sim->listener);
  close_fd (&sim->master);
  close_fd (&sim->slave);
  if (sim->symlink_path != NULL)
    g_unlink (sim->symlink_path);
  g_byte_array_set_size (sim->input, 0);
}

static void
handle_event (TongbanSim *sim,
              const char *event)
{
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&sim->lock);
  if (g_strcmp0 (event, "unplug") == 0)
    tongban_sim_unplug (sim);
  else if (g_strcmp0 (event, "replug") == 0)
    {
      if (sim->dial_out)
        tongban_sim_connect (sim);
      else if (sim->unplugged &&
               !(sim->is_tcp ? create_listener (sim, &error) : create_pty (sim, &error)))
        g_message ("%s sim: replug failed: %s", sim->klass->name, error->message);
      sim->unplugged = FALSE;
      if (!sim->is_tcp && sim->klass->connected != NULL)
        sim->klass->connected (sim);
    }
  else if (sim->klass->event == NULL || !sim->klass->event (sim, event))
    g_message ("%s sim: unknown event '%s'", sim->klass->name, event);
  g_mutex_unlock (&sim->lock);
  g_atomic_int_inc (&sim->events_done);
}

static gpointer
sim_main (gpointer data)
{
  TongbanSim *sim = data;

  while (!g_atomic_int_get (&sim->stopping))
    {
      struct pollfd fds[3];
      int nfds = 0, timeout = -1;
      char *event;
      gint64 now = g_get_monotonic_time ();

      while (sim->next_event < sim->times->len &&
             sim->started + g_array_index (sim->times, gint64, sim->next_event) * 1000 <= now)
        handle_event (sim, g_ptr_array_index (sim->events, sim->next_event++));
      while ((event = g_async_queue_try_pop (sim->injected)) != NULL)
        {
          handle_event (sim, event);
          g_free (event);
        }
      if (sim->next_event < sim->times->len)
        timeout = (int) MAX (0, (sim->started + g_array_index (sim->times, gint64,
                                                               sim->next_event) * 1000
                                 - g_get_monotonic_time () + 999) / 1000);
      if (sim->klass->tick != NULL)
        {
          gint64 wait;

          if (g_get_monotonic_time () >= sim->next_tick)
            {
              sim->next_tick = g_get_monotonic_time () + sim->klass->tick_ms * 1000;
              g_mutex_lock (&sim->lock);
              sim->klass->tick (sim);
              g_mutex_unlock (&sim->lock);
            }
          wait = MAX (0, (sim->next_tick - g_get_monotonic_time () + 999) / 1000);
          if (timeout < 0 || wait < timeout)
            timeout = (int) wait;
        }

      fds[nfds++] = (struct pollfd) { sim->wake[0], POLLIN, 0 };
      if (active_fd (sim) >= 0)
        fds[nfds++] = (struct pollfd) { active_fd (sim), POLLIN, 0 };
      if (sim->listener >= 0)
        fds[nfds++] = (struct pollfd) { sim->listener, POLLIN, 0 };
      if (poll (fds, nfds, timeout) <= 0)
        continue;

      for (int i = 0; i < nfds; i++)
        {
          if (fds[i].revents == 0)
            continue;
          if (fds[i].fd == sim->wake[0])
            {
              char buf[64];
              while (read (sim->wake[0], buf, sizeof buf) > 0)
                ;
            }
          else if (fds[i].fd == sim->listener)
            {
              int fd = accept4 (sim->listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

              if (fd >= 0)
                {
                  g_mutex_lock (&sim->lock);
                  /* One host at a time, like a printer's port 9100. */
                  close_fd (&sim->client);
                  sim->client = fd;
                  g_byte_array_set_size (sim->input, 0);
                  if (sim->klass->connected != NULL)
                    sim->klass->connected (sim);
                  g_mutex_unlock (&sim->lock);
                }
            }
          else if (fds[i].fd == active_fd (sim))
            {
              guint8 buf[4096];
              gssize n = read (fds[i].fd, buf, sizeof buf);

              if (n <= 0)
                {
                  if (n == 0 || (errno != EAGAIN && errno != EINTR))
                    {
                      g_mutex_lock (&sim->lock);
                      tongban_sim_disconnect (sim);
                      g_mutex_unlock (&sim->lock);
                    }
                  continue;
                }
              pace (sim, n);
              g_mutex_lock (&sim->lock);
              g_byte_array_append (sim->input, buf, n);
              while (sim->input->len > 0 && active_fd (sim) >= 0)
                {
                  gsize used = sim->klass->input (sim, sim->input->data, sim->input->len);

                  if (used == 0)
                    break;
                  g_byte_array_remove_range (sim->input, 0, MIN (used, sim->input->len));
                }
              g_mutex_unlock (&sim->lock);
            }
        }
    }
  return NULL;
}

void
tongban_sim_start (TongbanSim *sim)
{
  g_autofree char *name = NULL;

  g_return_if_fail (sim->thread == NULL);

  if (!sim->is_tcp && sim->klass->connected != NULL)
    sim->klass->connected (sim);
  name = g_strdup_printf ("sim-%s", sim->klass->name);
  sim->started = g_get_monotonic_time ();
  sim->thread = g_thread_new (name, sim_main, sim);
}
