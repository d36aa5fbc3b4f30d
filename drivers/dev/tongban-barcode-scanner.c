/* tongban-barcode-scanner.c: serial, keyboard-wedge and HID POS scanners
 *
 * A scan that is not valid UTF-8 (a binary QR code) is handed on as bytes
 * ("ay") rather than mangled; one longer than 8 KiB without an end is
 * dropped with a log line. On a hidraw link every read() is one HID POS
 * report; a bad one drops the code it belonged to with a log line and a
 * "scan-failed" event ("invalid-data"), and the scanner carries on.
 */

#include "tongban-barcode-scanner.h"
#include "tongban-hidpos.h"
#include "tongban-keywedge.h"
#include "tongban-link.h"

#include <linux/input.h>
#include <string.h>

#define MAX_SCAN 8192

struct _TongbanBarcodeScanner
{
  TongbanLinkDevice  parent_instance;

  TongbanKeywedge   *wedge;     /* worker thread only */
  TongbanHidpos     *hidpos;    /* worker thread only */
};

G_DEFINE_FINAL_TYPE (TongbanBarcodeScanner, tongban_barcode_scanner, TONGBAN_TYPE_LINK_DEVICE)

/* text: the code as UTF-8, or NULL to hand it on as bytes. */
static void
emit_scan (TongbanBarcodeScanner *self,
           const char            *symbology,
           const char            *text,
           const guint8          *data,
           gsize                  length)
{
  GVariant *value;

  if (length == 0)
    return;
  if (text != NULL)
    value = g_variant_new_string (text);
  else
    value = g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, length, 1);
  g_debug ("scanner: %s code of %" G_GSIZE_FORMAT " bytes", symbology, length);
  tongban_device_emit_event (TONGBAN_DEVICE (self), "scanned",
                             g_variant_new ("(sv)", symbology, value));
}

/* Serial and wedge scanners say nothing of the symbology. */
static void
emit_line (TongbanBarcodeScanner *self,
           const guint8          *data,
           gsize                  length)
{
  g_autofree char *text = NULL;

  if (g_utf8_validate ((const char *) data, (gssize) length, NULL))
    text = g_strndup ((const char *) data, length);
  emit_scan (self, "unknown", text, data, length);
}

static void
hid_report (TongbanBarcodeScanner *self,
            const guint8          *report,
            gsize                  length)
{
  g_autoptr(TongbanScan) scan = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;
  const guint8 *data;

  switch (tongban_hidpos_feed (self->hidpos, report, length, &scan, &error))
    {
    case TONGBAN_HIDPOS_MORE:
      break;
    case TONGBAN_HIDPOS_INVALID:
      g_message ("scanner: code dropped: %s", error->message);
      tongban_device_emit_event (TONGBAN_DEVICE (self), "scan-failed",
                                 g_variant_new_string (tongban_completion_to_string (
                                   TONGBAN_COMPLETION_INVALID_DATA)));
      break;
    case TONGBAN_HIDPOS_DONE:
    default:
      data = g_bytes_get_data (scan->data, &size);
      emit_scan (self, scan->symbology, scan->text, data, size);
      break;
    }
}

static void
split_lines (TongbanBarcodeScanner *self,
             GByteArray            *input)
{
  for (;;)
    {
      gsize end = 0;

      while (end < input->len && input->data[end] != '\r' && input->data[end] != '\n')
        end++;
      if (end == input->len)
        break;
      emit_line (self, input->data, end);
      g_byte_array_remove_range (input, 0, end + 1);
    }
  if (input->len > MAX_SCAN)
    {
      g_message ("scanner: %u bytes without an end of code, dropped", input->len);
      g_byte_array_set_size (input, 0);
    }
}

static gboolean
tongban_barcode_scanner_poll (TongbanDevice  *device,
                              GCancellable   *cancellable,
                              GError        **error)
{
  TongbanBarcodeScanner *self = TONGBAN_BARCODE_SCANNER (device);
  TongbanLink *link = tongban_link_device_get_link (TONGBAN_LINK_DEVICE (device));
  GByteArray *input = tongban_link_device_get_input (TONGBAN_LINK_DEVICE (device));

  for (;;)
    {
      guint8 chunk[1024];
      g_autoptr(GError) local = NULL;
      gssize n = tongban_link_read (link, chunk, sizeof chunk, g_get_monotonic_time (),
                                    cancellable, &local);

      if (n < 0)
        {
          if (g_error_matches (local, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_TIMEOUT))
            return TRUE;
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      if (self->hidpos != NULL)
        {
          hid_report (self, chunk, (gsize) n);
          continue;
        }
      g_byte_array_append (input, chunk, n);
      if (self->wedge == NULL)
        {
          split_lines (self, input);
          continue;
        }
      /* evdev delivers whole struct input_event records. */
      while (input->len >= sizeof (struct input_event))
        {
          struct input_event ev;
          g_autofree char *line = NULL;

          memcpy (&ev, input->data, sizeof ev);
          g_byte_array_remove_range (input, 0, sizeof ev);
          line = tongban_keywedge_feed (self->wedge, ev.type, ev.code, ev.value);
          if (line != NULL)
            emit_line (self, (const guint8 *) line, strlen (line));
        }
    }
}

static void
tongban_barcode_scanner_closing (TongbanLinkDevice *device)
{
  TongbanBarcodeScanner *self = TONGBAN_BARCODE_SCANNER (device);

  g_clear_pointer (&self->wedge, tongban_keywedge_free);
  g_clear_pointer (&self->hidpos, tongban_hidpos_free);
}

static gboolean
tongban_barcode_scanner_opened (TongbanLinkDevice  *device,
                                gint64              deadline,
                                GCancellable       *cancellable,
                                GError            **error)
{
  TongbanBarcodeScanner *self = TONGBAN_BARCODE_SCANNER (device);
  TongbanLinkKind kind = tongban_link_get_kind (tongban_link_device_get_link (device));

  tongban_barcode_scanner_closing (device);
  if (kind == TONGBAN_LINK_EVDEV)
    self->wedge = tongban_keywedge_new ();
  else if (kind == TONGBAN_LINK_HIDRAW)
    self->hidpos = tongban_hidpos_new ();
  return TRUE;
}

static void
tongban_barcode_scanner_class_init (TongbanBarcodeScannerClass *klass)
{
  TONGBAN_LINK_DEVICE_CLASS (klass)->opened = tongban_barcode_scanner_opened;
  TONGBAN_LINK_DEVICE_CLASS (klass)->closing = tongban_barcode_scanner_closing;
  TONGBAN_DEVICE_CLASS (klass)->poll = tongban_barcode_scanner_poll;
}

static void
tongban_barcode_scanner_init (TongbanBarcodeScanner *self)
{
}

TongbanBarcodeScanner *
tongban_barcode_scanner_new (const char *name,
                             const char *link)
{
  return g_object_new (TONGBAN_TYPE_BARCODE_SCANNER, "name", name, "link", link,
                       "poll-interval", 20, NULL);
}
