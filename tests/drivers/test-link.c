/* test-link.c: link strings, a tty on a pty, TCP, deadlines and cancel */

#include "tongban-device.h"
#include "tongban-link.h"

#include <gio/gio.h>
#include <netinet/in.h>
#include <pty.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

static void
test_parse (void)
{
  const struct {
    const char     *spec;
    TongbanLinkKind kind;
    const char     *target;
    guint           number;
  } ok[] = {
    { "tty:/dev/ttyUSB0@115200", TONGBAN_LINK_TTY, "/dev/ttyUSB0", 115200 },
    { "tty:/dev/ttyS1", TONGBAN_LINK_TTY, "/dev/ttyS1", 9600 },
    { "tcp:127.0.0.1:9100", TONGBAN_LINK_TCP, "127.0.0.1", 9100 },
    { "tcp:printer.local:9100", TONGBAN_LINK_TCP, "printer.local", 9100 },
    { "usb:0483:5740", TONGBAN_LINK_USB, "0483:5740", 0x04835740 },
    { "hidraw:/dev/hidraw0", TONGBAN_LINK_HIDRAW, "/dev/hidraw0", 0 },
    { "evdev:/dev/input/event3", TONGBAN_LINK_EVDEV, "/dev/input/event3", 0 },
  };
  const char *bad[] = { "", "tty:", "tcp:host", "tcp:host:0", "tcp:host:70000", "usb:1234",
                        "usb:xyz:0001", "serial:/dev/ttyS0", "tty:/dev/ttyS0@fast" };

  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      TongbanLinkKind kind;
      g_autofree char *target = NULL;
      guint number = 0;
      g_autoptr(GError) error = NULL;

      g_assert_true (tongban_link_parse_spec (ok[i].spec, &kind, &target, &number, &error));
      g_assert_no_error (error);
      g_assert_cmpint (kind, ==, ok[i].kind);
      g_assert_cmpstr (target, ==, ok[i].target);
      g_assert_cmpuint (number, ==, ok[i].number);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      TongbanLinkKind kind;
      g_autofree char *target = NULL;
      guint number = 0;
      g_autoptr(GError) error = NULL;

      g_assert_false (tongban_link_parse_spec (bad[i], &kind, &target, &number, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }
}

static void
test_tty (void)
{
  int master, slave;
  char name[256];
  g_autofree char *spec = NULL;
  g_autoptr(TongbanLink) link = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) timeout = NULL;
  g_autoptr(GError) baud = NULL;
  guint8 buf[16];
  gint64 start;

  g_assert_cmpint (openpty (&master, &slave, name, NULL, NULL), ==, 0);
  spec = g_strdup_printf ("tty:%s@57600", name);
  link = tongban_link_open (spec, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tongban_link_get_baud (link), ==, 57600);

  /* Raw: bytes that a cooked tty would eat or echo pass through unchanged. */
  g_assert_true (tongban_link_write_all (link, (const guint8 *) "\x03\x11\r\n\x7f", 5, 0, NULL,
                                         &error));
  g_assert_cmpint (read (master, buf, sizeof buf), ==, 5);
  g_assert_cmpmem (buf, 5, "\x03\x11\r\n\x7f", 5);
  g_assert_cmpint (write (master, "\x00\x13\x1c", 3), ==, 3);
  g_assert_true (tongban_link_read_exact (link, buf, 3, g_get_monotonic_time () + G_USEC_PER_SEC,
                                          NULL, &error));
  g_assert_cmpmem (buf, 3, "\x00\x13\x1c", 3);

  /* Nothing more: the deadline ends the read. */
  start = g_get_monotonic_time ();
  g_assert_cmpint (tongban_link_read (link, buf, sizeof buf, start + 50000, NULL, &timeout), ==,
                   -1);
  g_assert_error (timeout, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 50000);

  g_assert_null (tongban_link_open ("tty:/dev/null@12345", 0, NULL, &baud));
  g_assert_error (baud, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  close (master);
  close (slave);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (50000);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_tcp (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t len = sizeof addr;
  int server = socket (AF_INET, SOCK_STREAM, 0);
  int peer;
  g_autofree char *spec = NULL;
  g_autofree char *refused = NULL;
  g_autoptr(TongbanLink) link = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) canceled = NULL;
  g_autoptr(GError) closed = NULL;
  g_autoptr(GError) not_there = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GThread *thread;
  guint8 buf[8];

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (server, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (server, 1), ==, 0);
  g_assert_cmpint (getsockname (server, (struct sockaddr *) &addr, &len), ==, 0);
  spec = g_strdup_printf ("tcp:127.0.0.1:%u", ntohs (addr.sin_port));
  link = tongban_link_open (spec, g_get_monotonic_time () + G_USEC_PER_SEC, NULL, &error);
  g_assert_no_error (error);
  peer = accept (server, NULL, NULL);
  g_assert_cmpint (peer, >=, 0);

  g_assert_true (tongban_link_write_all (link, (const guint8 *) "ping", 4, 0, NULL, &error));
  g_assert_cmpint (read (peer, buf, sizeof buf), ==, 4);

  /* A cancel from another thread ends a read with no deadline at once. */
  thread = g_thread_new ("cancel", cancel_later, cancellable);
  g_assert_cmpint (tongban_link_read (link, buf, sizeof buf, 0, cancellable, &canceled), ==, -1);
  g_assert_error (canceled, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_CANCELED);
  g_thread_join (thread);

  /* The peer going away is device-not-ready. */
  close (peer);
  g_assert_cmpint (tongban_link_read (link, buf, sizeof buf,
                                      g_get_monotonic_time () + G_USEC_PER_SEC, NULL, &closed),
                   ==, -1);
  g_assert_error (closed, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY);

  close (server);
  refused = g_strdup (spec);
  g_assert_null (tongban_link_open (refused, g_get_monotonic_time () + G_USEC_PER_SEC, NULL,
                                    &not_there));
  g_assert_error (not_there, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY);
}

static void
test_missing_devices (void)
{
  const char *specs[] = { "tty:/nonexistent/ttyUSB9@9600", "hidraw:/nonexistent/hidraw9",
                          "evdev:/nonexistent/event9" };

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (tongban_link_open (specs[i], 0, NULL, &error));
      g_assert_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/drivers/link/parse", test_parse);
  g_test_add_func ("/drivers/link/tty", test_tty);
  g_test_add_func ("/drivers/link/tcp", test_tcp);
  g_test_add_func ("/drivers/link/missing-devices", test_missing_devices);

  return g_test_run ();
}
