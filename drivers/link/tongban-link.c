/* tongban-link.c: tty, TCP, libusb bulk, hidraw and evdev links
 *
 * File-descriptor links wait in poll() on the descriptor and on the
 * cancellable's descriptor together, so a cancel or a deadline ends a read at
 * once instead of after some read timeout. libusb has no descriptor per
 * transfer: its reads are sliced into 100 ms bulk transfers with the same
 * checks in between, and a hot-plug callback marks a link whose device left.
 */

#include "tongban-link.h"
#include "tongban-device.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#ifdef HAVE_LIBUSB
#include <libusb.h>
#endif

#define USB_SLICE_MS 100

struct _TongbanLink
{
  TongbanLinkKind kind;
  int             fd;
  guint           baud;
#ifdef HAVE_LIBUSB
  libusb_context       *usb;
  libusb_device_handle *handle;
  libusb_hotplug_callback_handle hotplug;
  gboolean              has_hotplug;
  gboolean              gone;
  int                   interface;
  guint8                ep_in;
  guint8                ep_out;
#endif
};

static const struct { guint baud; speed_t speed; } bauds[] = {
  { 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 }, { 19200, B19200 },
  { 38400, B38400 }, { 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 },
  { 460800, B460800 }, { 921600, B921600 },
};

static gboolean
fail_errno (GError    **error,
            int         code,
            const char *what)
{
  g_set_error (error, TONGBAN_DEVICE_ERROR, code, "%s: %s", what, g_strerror (errno));
  return FALSE;
}

gboolean
tongban_link_parse_spec (const char       *spec,
                         TongbanLinkKind  *kind,
                         char            **target,
                         guint            *number,
                         GError          **error)
{
  static const struct { const char *prefix; TongbanLinkKind kind; } kinds[] = {
    { "tty:", TONGBAN_LINK_TTY }, { "tcp:", TONGBAN_LINK_TCP }, { "usb:", TONGBAN_LINK_USB },
    { "hidraw:", TONGBAN_LINK_HIDRAW }, { "evdev:", TONGBAN_LINK_EVDEV },
  };
  const char *rest = NULL;
  const char *sep;
  guint64 n = 0;

  g_return_val_if_fail (spec != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_has_prefix (spec, kinds[i].prefix))
      {
        *kind = kinds[i].kind;
        rest = spec + strlen (kinds[i].prefix);
      }
  if (rest == NULL || *rest == '\0')
    goto invalid;

  switch (*kind)
    {
    case TONGBAN_LINK_TTY:
      sep = strrchr (rest, '@');
      n = 9600;
      if (sep != NULL && !g_ascii_string_to_unsigned (sep + 1, 10, 1, G_MAXUINT, &n, NULL))
        goto invalid;
      *target = sep ? g_strndup (rest, sep - rest) : g_strdup (rest);
      break;
    case TONGBAN_LINK_TCP:
      sep = strrchr (rest, ':');
      if (sep == NULL || sep == rest ||
          !g_ascii_string_to_unsigned (sep + 1, 10, 1, 65535, &n, NULL))
        goto invalid;
      *target = g_strndup (rest, sep - rest);
      break;
    case TONGBAN_LINK_USB:
      {
        guint64 vid, pid;
        g_auto(GStrv) parts = g_strsplit (rest, ":", 3);

        if (g_strv_length (parts) != 2 ||
            !g_ascii_string_to_unsigned (parts[0], 16, 0, 0xffff, &vid, NULL) ||
            !g_ascii_string_to_unsigned (parts[1], 16, 0, 0xffff, &pid, NULL))
          goto invalid;
        n = (vid << 16) | pid;
        *target = g_strdup (rest);
      }
      break;
    case TONGBAN_LINK_HIDRAW:
    case TONGBAN_LINK_EVDEV:
    default:
      *target = g_strdup (rest);
      break;
    }
  *number = (guint) n;
  return TRUE;

invalid:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "invalid link '%s'", spec);
  return FALSE;
}

static gboolean
open_tty (TongbanLink  *link,
          const char   *path,
          guint         baud,
          GError      **error)
{
  struct termios tio;
  speed_t speed = 0;

  for (guint i = 0; i < G_N_ELEMENTS (bauds); i++)
    if (bauds[i].baud == baud)
      speed = bauds[i].speed;
  if (speed == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "unsupported baud rate %u",
                   baud);
      return FALSE;
    }

  link->fd = open (path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (link->fd < 0)
    return fail_errno (error, TONGBAN_COMPLETION_DEVICE_NOT_READY, path);
  if (tcgetattr (link->fd, &tio) < 0)
    return fail_errno (error, TONGBAN_COMPLETION_DEVICE_NOT_READY, path);
  cfmakeraw (&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag &= ~(CSTOPB | CRTSCTS);
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  cfsetispeed (&tio, speed);
  cfsetospeed (&tio, speed);
  if (tcsetattr (link->fd, TCSANOW, &tio) < 0)
    return fail_errno (error, TONGBAN_COMPLETION_DEVICE_NOT_READY, path);
  tcflush (link->fd, TCIOFLUSH);
  link->baud = baud;
  return TRUE;
}

static gboolean
is_socket (const char *path)
{
  struct stat st;

  return stat (path, &st) == 0 && S_ISSOCK (st.st_mode);
}

/* A hidraw node hands out one whole report per read(); so does a
 * SOCK_SEQPACKET socket, which is how a simulator (no uhid here) or a
 * forwarding helper presents a HID device. */
static gboolean
open_seqpacket (TongbanLink  *link,
                const char   *path,
                GError      **error)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };

  if (strlen (path) >= sizeof addr.sun_path)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "socket path too long");
      return FALSE;
    }
  strcpy (addr.sun_path, path);
  link->fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (link->fd < 0)
    return fail_errno (error, TONGBAN_COMPLETION_DEVICE_NOT_READY, "socket");
  if (connect (link->fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return fail_errno (error, TONGBAN_COMPLETION_DEVICE_NOT_READY, path);
  return TRUE;
}

static gboolean
wait_fd (int            fd,
         short          events,
         gint64         deadline,
         GCancellable  *cancellable,
         GError       **error)
{
  for (;;)
    {
      struct pollfd fds[2] = { { fd, events, 0 }, { -1, POLLIN, 0 } };
      int timeout = -1;
      int n;

      if (!tongban_device_deadline_check (0, cancellable, error))
        return FALSE;
      /* Polled at least once, so a deadline of "now" still reads what is there. */
      if (deadline > 0)
        timeout = (int) MAX (0, (deadline - g_get_monotonic_time () + 999) / 1000);
      if (cancellable != NULL)
        fds[1].fd = g_cancellable_get_fd (cancellable);
      n = poll (fds, fds[1].fd >= 0 ? 2 : 1, timeout);
      if (cancellable != NULL)
        g_cancellable_release_fd (cancellable);
      if (n < 0 && errno != EINTR)
        return fail_errno (error, TONGBAN_COMPLETION_HARDWARE_ERROR, "poll");
      if (n > 0 && fds[0].revents != 0)
        return TRUE;
      if (!tongban_device_deadline_check (deadline, cancellable, error))
        return FALSE;
    }
}

static gboolean
open_tcp (TongbanLink   *link,
          const char    *host,
          guint          port,
          gint64         deadline,
          GCancellable  *cancellable,
          GError       **error)
{
  struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC };
  struct addrinfo *res = NULL;
  char service[8];
  int rc, one = 1, err = 0;
  socklen_t err_len = sizeof err;

  g_snprintf (service, sizeof service, "%u", port);
  rc = getaddrinfo (host, service, &hints, &res);
  if (rc != 0)
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY, "%s: %s",
                   host, gai_strerror (rc));
      return FALSE;
    }
  link->fd = socket (res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (link->fd < 0)
    {
      freeaddrinfo (res);
      return fail_errno (error, TONGBAN_COMPLETION_HARDWARE_ERROR, "socket");
    }
  setsockopt (link->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  rc = connect (link->fd, res->ai_addr, res->ai_addrlen);
  freeaddrinfo (res);
  if (rc < 0 && errno != EINPROGRESS)
    return fail_errno (error, TONGBAN_COMPLETION_DEVICE_NOT_READY, "connect");
  if (rc < 0)
    {
      if (!wait_fd (link->fd, POLLOUT, deadline, cancellable, error))
        return FALSE;
      getsockopt (link->fd, SOL_SOCKET, SO_ERROR, &err, &err_len);
      if (err != 0)
        {
          errno = err;
          return fail_errno (error, TONGBAN_COMPLETION_DEVICE_NOT_READY, "connect");
        }
    }
  return TRUE;
}

#ifdef HAVE_LIBUSB
static int LIBUSB_CALL
on_usb_hotplug (libusb_context        *ctx,
                libusb_device         *device,
                libusb_hotplug_event   event,
                void                  *data)
{
  TongbanLink *link = data;

  if (link->handle != NULL && device == libusb_get_device (link->handle))
    link->gone = TRUE;
  return 0;
}

static gboolean
open_usb (TongbanLink  *link,
          guint         vid_pid,
          GError      **error)
{
  struct libusb_config_descriptor *config = NULL;
  guint16 vid = vid_pid >> 16, pid = vid_pid & 0xffff;
  int rc;

  rc = libusb_init (&link->usb);
  if (rc == 0)
    {
      link->handle = libusb_open_device_with_vid_pid (link->usb, vid, pid);
      rc = link->handle ? 0 : LIBUSB_ERROR_NO_DEVICE;
    }
  if (rc == 0)
    {
      libusb_set_auto_detach_kernel_driver (link->handle, 1);
      rc = libusb_get_active_config_descriptor (libusb_get_device (link->handle), &config);
    }
  if (rc == 0 && config->bNumInterfaces > 0 && config->interface[0].num_altsetting > 0)
    {
      const struct libusb_interface_descriptor *alt = &config->interface[0].altsetting[0];

      link->interface = alt->bInterfaceNumber;
      for (int i = 0; i < alt->bNumEndpoints; i++)
        {
          const struct libusb_endpoint_descriptor *ep = &alt->endpoint[i];

          if ((ep->bmAttributes & LIBUSB_TRANSFER_TYPE_MASK) != LIBUSB_TRANSFER_TYPE_BULK)
            continue;
          if ((ep->bEndpointAddress & LIBUSB_ENDPOINT_IN) != 0 && link->ep_in == 0)
            link->ep_in = ep->bEndpointAddress;
          else if ((ep->bEndpointAddress & LIBUSB_ENDPOINT_IN) == 0 && link->ep_out == 0)
            link->ep_out = ep->bEndpointAddress;
        }
      rc = libusb_claim_interface (link->handle, link->interface);
    }
  g_clear_pointer (&config, libusb_free_config_descriptor);
  if (rc == 0 && (link->ep_in == 0 || link->ep_out == 0))
    rc = LIBUSB_ERROR_NOT_SUPPORTED;
  if (rc != 0)
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY,
                   "usb %04x:%04x: %s", vid, pid, libusb_strerror (rc));
      return FALSE;
    }
  if (libusb_has_capability (LIBUSB_CAP_HAS_HOTPLUG) &&
      libusb_hotplug_register_callback (link->usb, LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT, 0, vid, pid,
                                        LIBUSB_HOTPLUG_MATCH_ANY, on_usb_hotplug, link,
                                        &link->hotplug) == 0)
    link->has_hotplug = TRUE;
  return TRUE;
}

static gssize
usb_transfer (TongbanLink   *link,
              guint8         endpoint,
              guint8        *buffer,
              gsize          size,
              gint64         deadline,
              GCancellable  *cancellable,
              GError       **error)
{
  for (;;)
    {
      int done = 0;
      int rc;

      if (!tongban_device_deadline_check (deadline, cancellable, error))
        return -1;
      rc = libusb_bulk_transfer (link->handle, endpoint, buffer, (int) MIN (size, G_MAXINT),
                                 &done, USB_SLICE_MS);
      if (done > 0)
        return done;
      if (link->gone || rc == LIBUSB_ERROR_NO_DEVICE || rc == LIBUSB_ERROR_IO)
        {
          link->gone = TRUE;
          g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY,
                       "usb: device gone");
          return -1;
        }
      if (rc != 0 && rc != LIBUSB_ERROR_TIMEOUT)
        {
          g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_HARDWARE_ERROR, "usb: %s",
                       libusb_strerror (rc));
          return -1;
        }
    }
}
#endif

TongbanLink *
tongban_link_open (const char    *spec,
                   gint64         deadline,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(TongbanLink) link = g_new0 (TongbanLink, 1);
  g_autofree char *target = NULL;
  guint number = 0;
  gboolean ok = FALSE;

  link->fd = -1;
  if (!tongban_link_parse_spec (spec, &link->kind, &target, &number, error))
    return NULL;

  switch (link->kind)
    {
    case TONGBAN_LINK_TTY:
      ok = open_tty (link, target, number, error);
      break;
    case TONGBAN_LINK_TCP:
      ok = open_tcp (link, target, number, deadline, cancellable, error);
      break;
    case TONGBAN_LINK_USB:
#ifdef HAVE_LIBUSB
      ok = open_usb (link, number, error);
#else
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_UNSUPPORTED_COMMAND,
                   "built without libusb");
#endif
      break;
    case TONGBAN_LINK_HIDRAW:
    case TONGBAN_LINK_EVDEV:
    default:
      if (link->kind == TONGBAN_LINK_HIDRAW && is_socket (target))
        {
          ok = open_seqpacket (link, target, error);
          break;
        }
      link->fd = open (target, O_RDWR | O_NONBLOCK | O_CLOEXEC);
      if (link->fd < 0)
        link->fd = open (target, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
      ok = link->fd >= 0 || fail_errno (error, TONGBAN_COMPLETION_DEVICE_NOT_READY, target);
      /* A keyboard-wedge scanner must not type into the kiosk UI. */
      if (ok && link->kind == TONGBAN_LINK_EVDEV && ioctl (link->fd, EVIOCGRAB, (void *) 1) < 0)
        ok = fail_errno (error, TONGBAN_COMPLETION_DEVICE_NOT_READY, "EVIOCGRAB");
      break;
    }
  return ok ? g_steal_pointer (&link) : NULL;
}

void
tongban_link_free (TongbanLink *link)
{
  if (link == NULL)
    return;
  if (link->fd >= 0)
    close (link->fd);
#ifdef HAVE_LIBUSB
  if (link->has_hotplug)
    libusb_hotplug_deregister_callback (link->usb, link->hotplug);
  if (link->handle != NULL)
    {
      libusb_release_interface (link->handle, link->interface);
      libusb_close (link->handle);
    }
  if (link->usb != NULL)
    libusb_exit (link->usb);
#endif
  g_free (link);
}

TongbanLinkKind
tongban_link_get_kind (TongbanLink *link)
{
  return link->kind;
}

guint
tongban_link_get_baud (TongbanLink *link)
{
  return link->baud;
}

gssize
tongban_link_read (TongbanLink   *link,
                   guint8        *buffer,
                   gsize          size,
                   gint64         deadline,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_return_val_if_fail (link != NULL, -1);

#ifdef HAVE_LIBUSB
  if (link->kind == TONGBAN_LINK_USB)
    return usb_transfer (link, link->ep_in, buffer, size, deadline, cancellable, error);
#endif
  for (;;)
    {
      gssize n;

      if (!wait_fd (link->fd, POLLIN, deadline, cancellable, error))
        return -1;
      n = read (link->fd, buffer, size);
      if (n > 0)
        return n;
      /* EOF, or EIO from a pty whose far end closed: the device went away. */
      if (n == 0 || (errno != EAGAIN && errno != EINTR))
        {
          g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY,
                               n == 0 ? "link closed" : g_strerror (errno));
          return -1;
        }
    }
}

gboolean
tongban_link_read_exact (TongbanLink   *link,
                         guint8        *buffer,
                         gsize          size,
                         gint64         deadline,
                         GCancellable  *cancellable,
                         GError       **error)
{
  gsize got = 0;

  while (got < size)
    {
      gssize n = tongban_link_read (link, buffer + got, size - got, deadline, cancellable, error);

      if (n < 0)
        return FALSE;
      got += n;
    }
  return TRUE;
}

gboolean
tongban_link_write_all (TongbanLink   *link,
                        const guint8  *data,
                        gsize          size,
                        gint64         deadline,
                        GCancellable  *cancellable,
                        GError       **error)
{
  gsize done = 0;

  g_return_val_if_fail (link != NULL, FALSE);

  while (done < size)
    {
      gssize n;

#ifdef HAVE_LIBUSB
      if (link->kind == TONGBAN_LINK_USB)
        {
          n = usb_transfer (link, link->ep_out, (guint8 *) data + done, size - done, deadline,
                            cancellable, error);
          if (n < 0)
            return FALSE;
          done += n;
          continue;
        }
#endif
      if (!wait_fd (link->fd, POLLOUT, deadline, cancellable, error))
        return FALSE;
      n = link->kind == TONGBAN_LINK_TCP
            ? send (link->fd, data + done, size - done, MSG_NOSIGNAL)
            : write (link->fd, data + done, size - done);
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (n <= 0)
        return fail_errno (error, TONGBAN_COMPLETION_DEVICE_NOT_READY, "write");
      done += n;
    }
  /* No tcdrain(): it ignores the deadline and would hang on a stalled peer. */
  return TRUE;
}

void
tongban_link_discard_input (TongbanLink *link)
{
  guint8 scratch[256];

  if (link->kind == TONGBAN_LINK_TTY)
    tcflush (link->fd, TCIFLUSH);
  if (link->fd >= 0)
    while (read (link->fd, scratch, sizeof scratch) > 0)
      ;
}
