/* tongban-receipt-printer.c: ESC/POS jobs and automatic status back
 *
 * Jobs go out in slices so that a status block saying "paper out" that
 * arrives mid-job stops the rest at once instead of filling a buffer the
 * printer will drop.
 */

#include "tongban-receipt-printer.h"
#include "tongban-escpos.h"
#include "tongban-link.h"

#include <string.h>

#define SLICE        1024
#define OPEN_WAIT_MS 2000

struct _TongbanReceiptPrinter
{
  TongbanLinkDevice   parent_instance;

  TongbanEscposStatus status; /* worker thread only */
};

G_DEFINE_FINAL_TYPE (TongbanReceiptPrinter, tongban_receipt_printer, TONGBAN_TYPE_LINK_DEVICE)

static TongbanLink *
link_of (TongbanReceiptPrinter *self)
{
  return tongban_link_device_get_link (TONGBAN_LINK_DEVICE (self));
}

static void
apply_status (TongbanReceiptPrinter *self)
{
  TongbanDevice *dev = TONGBAN_DEVICE (self);
  TongbanSupply paper = self->status.paper_out ? TONGBAN_SUPPLY_OUT
                      : self->status.paper_near_end ? TONGBAN_SUPPLY_LOW : TONGBAN_SUPPLY_FULL;
  TongbanSupply before = tongban_device_get_supply (dev, "paper");

  tongban_device_set_supply (dev, "paper", paper);
  /* A threshold is crossed, not found at start-up. */
  if (paper != before && before != TONGBAN_SUPPLY_UNKNOWN)
    tongban_device_emit_event (dev, "paper-threshold",
                               g_variant_new_string (tongban_supply_to_string (paper)));
  if (self->status.cutter_error || self->status.unrecoverable)
    tongban_device_set_state (dev, TONGBAN_DEVICE_STATE_HARDWARE_ERROR);
  else if (self->status.cover_open)
    tongban_device_set_state (dev, TONGBAN_DEVICE_STATE_USER_ERROR);
  else
    tongban_device_set_state (dev, TONGBAN_DEVICE_STATE_ONLINE);
}

/* Reads what the printer sent until the deadline (or only what is there,
 * if want_paper is FALSE and the deadline is now). Returns TRUE once a GS r
 * reply came when want_paper is set. */
static gboolean
read_status (TongbanReceiptPrinter  *self,
             gboolean                want_paper,
             gint64                  deadline,
             GCancellable           *cancellable,
             GError                **error)
{
  /* Unparsed status bytes. */
  GByteArray *input = tongban_link_device_get_input (TONGBAN_LINK_DEVICE (self));

  for (;;)
    {
      guint8 chunk[256];
      g_autoptr(GError) local = NULL;
      gssize n;

      while (input->len > 0)
        {
          gsize used = 0;
          TongbanEscposStatus st = self->status;

          switch (tongban_escpos_parse_reply (input->data, input->len, &st, &used))
            {
            case TONGBAN_ESCPOS_REPLY_NEED_MORE:
              goto need_more;
            case TONGBAN_ESCPOS_REPLY_ASB:
              self->status = st;
              apply_status (self);
              break;
            case TONGBAN_ESCPOS_REPLY_PAPER:
              self->status.paper_out = st.paper_out;
              self->status.paper_near_end = st.paper_near_end;
              apply_status (self);
              if (want_paper)
                {
                  g_byte_array_remove_range (input, 0, used);
                  return TRUE;
                }
              break;
            case TONGBAN_ESCPOS_REPLY_RT_STATUS:
              break;
            case TONGBAN_ESCPOS_REPLY_INVALID:
            default:
              g_message ("receipt: invalid status byte %02X from the printer",
                         input->data[0]);
              g_byte_array_set_size (input, 0);
              g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA,
                                   "unknown status from the printer");
              return FALSE;
            }
          g_byte_array_remove_range (input, 0, used);
          if (want_paper && self->status.paper_out)
            {
              g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_COMMAND_ERROR,
                                   "paper out");
              return FALSE;
            }
        }
need_more:
      n = tongban_link_read (link_of (self), chunk, sizeof chunk, deadline, cancellable, &local);
      if (n < 0)
        {
          if (!want_paper && g_error_matches (local, TONGBAN_DEVICE_ERROR,
                                              TONGBAN_COMPLETION_TIMEOUT))
            return TRUE;
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_byte_array_append (input, chunk, n);
    }
}

static gboolean
check_ready (TongbanReceiptPrinter  *self,
             GError                **error)
{
  if (self->status.paper_out)
    g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_COMMAND_ERROR,
                         "paper out");
  else if (self->status.cover_open)
    g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_USER_ERROR, "cover open");
  else if (self->status.cutter_error || self->status.unrecoverable)
    g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_HARDWARE_ERROR,
                         "cutter error");
  else
    return TRUE;
  return FALSE;
}

static gpointer
print_job (TongbanDevice  *device,
           gpointer        data,
           gint64          deadline,
           GCancellable   *cancellable,
           GError        **error)
{
  TongbanReceiptPrinter *self = TONGBAN_RECEIPT_PRINTER (device);
  GBytes *job = data;
  gsize size = 0;
  const guint8 *bytes = g_bytes_get_data (job, &size);

  /* Status that came in while idle first. */
  if (!read_status (self, FALSE, g_get_monotonic_time (), cancellable, error) ||
      !check_ready (self, error))
    return NULL;

  for (gsize done = 0; done < size; done += MIN (SLICE, size - done))
    {
      if (!tongban_link_write_all (link_of (self), bytes + done, MIN (SLICE, size - done),
                                   deadline, cancellable, error) ||
          !read_status (self, FALSE, g_get_monotonic_time (), cancellable, error))
        return NULL;
      if (!check_ready (self, error))
        {
          g_message ("receipt: job stopped after %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                     " bytes", done, size);
          return NULL;
        }
    }

  /* GS r is answered in sequence: once it is, the printer has the whole job. */
  if (!tongban_link_write_all (link_of (self), (const guint8 *) TONGBAN_ESCPOS_PAPER_STATUS, 3,
                               deadline, cancellable, error) ||
      !read_status (self, TRUE, deadline, cancellable, error) ||
      !check_ready (self, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

guint
tongban_receipt_printer_print_async (TongbanReceiptPrinter *self,
                                     GBytes                *job,
                                     guint                  timeout_ms,
                                     GCancellable          *cancellable,
                                     GAsyncReadyCallback    callback,
                                     gpointer               user_data)
{
  g_return_val_if_fail (TONGBAN_IS_RECEIPT_PRINTER (self), 0);
  g_return_val_if_fail (job != NULL, 0);

  return tongban_device_submit (TONGBAN_DEVICE (self), "Printer.PrintRaw", timeout_ms, print_job,
                                g_bytes_ref (job), (GDestroyNotify) g_bytes_unref, NULL,
                                cancellable, callback, user_data);
}

gboolean
tongban_receipt_printer_print_finish (TongbanReceiptPrinter  *self,
                                      GAsyncResult           *result,
                                      GError                **error)
{
  return tongban_device_submit_finish (TONGBAN_DEVICE (self), result, error) != NULL;
}

static gboolean
tongban_receipt_printer_opened (TongbanLinkDevice  *device,
                                gint64              deadline,
                                GCancellable       *cancellable,
                                GError            **error)
{
  TongbanReceiptPrinter *self = TONGBAN_RECEIPT_PRINTER (device);
  static const guint8 hello[] = TONGBAN_ESCPOS_INIT TONGBAN_ESCPOS_ASB_ON
                                TONGBAN_ESCPOS_PAPER_STATUS;

  memset (&self->status, 0, sizeof self->status);
  /* A printer that does not answer GS r is not there (or not ESC/POS). */
  if (!tongban_link_write_all (link_of (self), hello, sizeof hello - 1, deadline, cancellable,
                               error) ||
      !read_status (self, TRUE, deadline, cancellable, error))
    {
      GError *e = error ? *error : NULL;
      if (e != NULL && e->domain == TONGBAN_DEVICE_ERROR &&
          e->code == TONGBAN_COMPLETION_COMMAND_ERROR)
        {
          /* Out of paper is still a printer that is there. */
          g_clear_error (error);
          return TRUE;
        }
      return FALSE;
    }
  return TRUE;
}

static gboolean
tongban_receipt_printer_poll (TongbanDevice  *device,
                              GCancellable   *cancellable,
                              GError        **error)
{
  TongbanReceiptPrinter *self = TONGBAN_RECEIPT_PRINTER (device);

  return read_status (self, FALSE, g_get_monotonic_time () + 1000, cancellable, error);
}

static void
tongban_receipt_printer_class_init (TongbanReceiptPrinterClass *klass)
{
  TONGBAN_LINK_DEVICE_CLASS (klass)->open_timeout_ms = OPEN_WAIT_MS;
  TONGBAN_LINK_DEVICE_CLASS (klass)->opened = tongban_receipt_printer_opened;
  TONGBAN_DEVICE_CLASS (klass)->poll = tongban_receipt_printer_poll;
}

static void
tongban_receipt_printer_init (TongbanReceiptPrinter *self)
{
}

TongbanReceiptPrinter *
tongban_receipt_printer_new (const char *name,
                             const char *link)
{
  g_return_val_if_fail (link != NULL, NULL);

  return g_object_new (TONGBAN_TYPE_RECEIPT_PRINTER, "name", name, "link", link,
                       "poll-interval", 100, NULL);
}
