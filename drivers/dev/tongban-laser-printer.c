/* tongban-laser-printer.c: IPP Print-Job, job state and printer-state-reasons
 *
 * libcups calls block, which is what the device worker is for. A job is
 * followed until it is completed, aborted or canceled; a kiosk that stopped
 * watching earlier could not tell the citizen whether the paper came out.
 */

#include "tongban-laser-printer.h"

#include <cups/cups.h>
#include <string.h>

#define CONNECT_TIMEOUT_MS 5000
#define JOB_POLL_MS        100

struct _TongbanLaserPrinter
{
  TongbanDevice  parent_instance;

  char          *uri;
  char          *resource;
  http_t        *http;      /* worker thread only */
};

enum {
  PROP_0,
  PROP_URI,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TongbanLaserPrinter, tongban_laser_printer, TONGBAN_TYPE_DEVICE)

typedef struct
{
  GBytes *pdf;
  char   *job_name;
} PrintData;

static void
print_data_free (PrintData *data)
{
  g_bytes_unref (data->pdf);
  g_free (data->job_name);
  g_free (data);
}

static gboolean
ipp_fail (TongbanLaserPrinter  *self,
          GError              **error,
          const char           *what)
{
  ipp_status_t status = cupsLastError ();
  /* A lost connection shows as a socket error, service-unavailable or a
   * local 0x1xxx code: the worker then reconnects. */
  int code = (self->http != NULL && httpError (self->http) != 0) ||
             status == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE || status >= 0x1000
             ? TONGBAN_COMPLETION_DEVICE_NOT_READY : TONGBAN_COMPLETION_HARDWARE_ERROR;

  g_set_error (error, TONGBAN_DEVICE_ERROR, code, "%s: %s", what, cupsLastErrorString ());
  return FALSE;
}

static gboolean
has_reason (ipp_attribute_t *reasons,
            const char      *prefix)
{
  for (int i = 0; reasons != NULL && i < ippGetCount (reasons); i++)
    {
      const char *r = ippGetString (reasons, i, NULL);
      /* "media-empty", also with -error / -warning / -report suffixes */
      if (r != NULL && g_str_has_prefix (r, prefix))
        return TRUE;
    }
  return FALSE;
}

static void
apply_reasons (TongbanLaserPrinter *self,
               ipp_attribute_t     *reasons)
{
  TongbanDevice *dev = TONGBAN_DEVICE (self);
  gboolean jam = has_reason (reasons, "media-jam");

  tongban_device_set_supply (dev, "paper",
                             jam ? TONGBAN_SUPPLY_JAMMED
                             : has_reason (reasons, "media-empty") ||
                               has_reason (reasons, "media-needed") ? TONGBAN_SUPPLY_OUT
                             : has_reason (reasons, "media-low") ? TONGBAN_SUPPLY_LOW
                             : TONGBAN_SUPPLY_FULL);
  tongban_device_set_supply (dev, "toner",
                             has_reason (reasons, "toner-empty") ||
                             has_reason (reasons, "marker-supply-empty") ? TONGBAN_SUPPLY_OUT
                             : has_reason (reasons, "toner-low") ||
                               has_reason (reasons, "marker-supply-low") ? TONGBAN_SUPPLY_LOW
                             : TONGBAN_SUPPLY_FULL);
  tongban_device_set_state (dev, jam || has_reason (reasons, "cover-open") ||
                                 has_reason (reasons, "door-open")
                                 ? TONGBAN_DEVICE_STATE_USER_ERROR : TONGBAN_DEVICE_STATE_ONLINE);
}

static ipp_t *
new_request (TongbanLaserPrinter *self,
             ipp_op_t             op)
{
  ipp_t *request = ippNewRequest (op);

  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, self->uri);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
                "tongban-kiosk");
  return request;
}

static gboolean
refresh_status (TongbanLaserPrinter  *self,
                GError              **error)
{
  static const char * const wanted[] = { "printer-state", "printer-state-reasons" };
  ipp_t *request = new_request (self, IPP_OP_GET_PRINTER_ATTRIBUTES);
  ipp_t *response;

  ippAddStrings (request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 G_N_ELEMENTS (wanted), NULL, wanted);
  response = cupsDoRequest (self->http, request, self->resource);
  if (response == NULL || cupsLastError () > IPP_STATUS_OK_CONFLICTING)
    {
      ippDelete (response);
      return ipp_fail (self, error, "Get-Printer-Attributes");
    }
  apply_reasons (self, ippFindAttribute (response, "printer-state-reasons", IPP_TAG_KEYWORD));
  ippDelete (response);
  return TRUE;
}

static gboolean
cancel_job (TongbanLaserPrinter *self,
            int                  job_id)
{
  ipp_t *request = new_request (self, IPP_OP_CANCEL_JOB);

  ippAddInteger (request, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
  ippDelete (cupsDoRequest (self->http, request, self->resource));
  return cupsLastError () <= IPP_STATUS_OK_CONFLICTING;
}

static gpointer
print_pdf (TongbanDevice  *device,
           gpointer        data,
           gint64          deadline,
           GCancellable   *cancellable,
           GError        **error)
{
  TongbanLaserPrinter *self = TONGBAN_LASER_PRINTER (device);
  PrintData *job = data;
  gsize size;
  const guint8 *pdf = g_bytes_get_data (job->pdf, &size);
  ipp_t *request = new_request (self, IPP_OP_PRINT_JOB);
  ipp_t *response;
  ipp_attribute_t *attr;
  int job_id;

  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", NULL, job->job_name);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_MIMETYPE, "document-format", NULL,
                "application/pdf");
  /* Chunked: a Content-Length of the document alone made ippeveprinter
   * read the PDF as IPP attributes. */
  if (cupsSendRequest (self->http, request, self->resource,
                       CUPS_LENGTH_VARIABLE) != HTTP_STATUS_CONTINUE ||
      cupsWriteRequestData (self->http, (const char *) pdf, size) != HTTP_STATUS_CONTINUE)
    {
      ippDelete (request);
      return ipp_fail (self, error, "Print-Job"), NULL;
    }
  response = cupsGetResponse (self->http, self->resource);
  ippDelete (request);
  if (response == NULL || cupsLastError () > IPP_STATUS_OK_CONFLICTING ||
      (attr = ippFindAttribute (response, "job-id", IPP_TAG_INTEGER)) == NULL)
    {
      ippDelete (response);
      return ipp_fail (self, error, "Print-Job"), NULL;
    }
  job_id = ippGetInteger (attr, 0);
  ippDelete (response);

  for (;;)
    {
      static const char * const wanted[] = { "job-state", "job-state-reasons" };
      ipp_jstate_t state;

      if (!tongban_device_deadline_check (deadline, cancellable, error))
        {
          cancel_job (self, job_id);
          return NULL;
        }
      request = new_request (self, IPP_OP_GET_JOB_ATTRIBUTES);
      ippAddInteger (request, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
      ippAddStrings (request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                     G_N_ELEMENTS (wanted), NULL, wanted);
      response = cupsDoRequest (self->http, request, self->resource);
      attr = response ? ippFindAttribute (response, "job-state", IPP_TAG_ENUM) : NULL;
      if (attr == NULL)
        {
          ippDelete (response);
          return ipp_fail (self, error, "Get-Job-Attributes"), NULL;
        }
      state = (ipp_jstate_t) ippGetInteger (attr, 0);
      ippDelete (response);
      if (state >= IPP_JSTATE_CANCELED)
        {
          g_autoptr(GError) local = NULL;

          if (!refresh_status (self, &local))
            g_debug ("laser: status after the job: %s", local->message);
          if (state == IPP_JSTATE_COMPLETED)
            return GINT_TO_POINTER (TRUE);
          if (tongban_device_get_supply (device, "paper") == TONGBAN_SUPPLY_OUT)
            g_set_error_literal (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_COMMAND_ERROR,
                                 "paper out");
          else
            g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_HARDWARE_ERROR,
                         "job %s", state == IPP_JSTATE_CANCELED ? "canceled" : "aborted");
          return NULL;
        }
      g_usleep (JOB_POLL_MS * 1000);
    }
}

guint
tongban_laser_printer_print_async (TongbanLaserPrinter *self,
                                   GBytes              *pdf,
                                   const char          *job_name,
                                   guint                timeout_ms,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  PrintData *data;

  g_return_val_if_fail (TONGBAN_IS_LASER_PRINTER (self), 0);
  g_return_val_if_fail (pdf != NULL, 0);

  data = g_new0 (PrintData, 1);
  data->pdf = g_bytes_ref (pdf);
  data->job_name = g_strdup (job_name ? job_name : "tongban");
  return tongban_device_submit (TONGBAN_DEVICE (self), "Printer.PrintPdf", timeout_ms, print_pdf,
                                data, (GDestroyNotify) print_data_free, NULL, cancellable,
                                callback, user_data);
}

gboolean
tongban_laser_printer_print_finish (TongbanLaserPrinter  *self,
                                    GAsyncResult         *result,
                                    GError              **error)
{
  return tongban_device_submit_finish (TONGBAN_DEVICE (self), result, error) != NULL;
}

static gboolean
tongban_laser_printer_open (TongbanDevice  *device,
                            GCancellable   *cancellable,
                            GError        **error)
{
  TongbanLaserPrinter *self = TONGBAN_LASER_PRINTER (device);
  char scheme[32], user[64], host[256], resource[1024];
  int port = 0;

  if (httpSeparateURI (HTTP_URI_CODING_ALL, self->uri, scheme, sizeof scheme, user, sizeof user,
                       host, sizeof host, &port, resource, sizeof resource) < HTTP_URI_STATUS_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "invalid printer URI");
      return FALSE;
    }
  g_free (self->resource);
  self->resource = g_strdup (resource);
  self->http = httpConnect2 (host, port, NULL, AF_UNSPEC,
                             g_str_equal (scheme, "ipps") ? HTTP_ENCRYPTION_ALWAYS
                                                          : HTTP_ENCRYPTION_IF_REQUESTED,
                             1, CONNECT_TIMEOUT_MS, NULL);
  if (self->http == NULL)
    {
      g_set_error (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_DEVICE_NOT_READY,
                   "cannot connect to the printer");
      return FALSE;
    }
  httpSetTimeout (self->http, CONNECT_TIMEOUT_MS / 1000.0, NULL, NULL);
  return refresh_status (self, error);
}

static void
tongban_laser_printer_close (TongbanDevice *device)
{
  TongbanLaserPrinter *self = TONGBAN_LASER_PRINTER (device);

  g_clear_pointer (&self->http, httpClose);
}

static gboolean
tongban_laser_printer_poll (TongbanDevice  *device,
                            GCancellable   *cancellable,
                            GError        **error)
{
  return refresh_status (TONGBAN_LASER_PRINTER (device), error);
}

static void
tongban_laser_printer_finalize (GObject *object)
{
  TongbanLaserPrinter *self = TONGBAN_LASER_PRINTER (object);

  g_free (self->uri);
  g_free (self->resource);

  G_OBJECT_CLASS (tongban_laser_printer_parent_class)->finalize (object);
}

static void
tongban_laser_printer_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  TongbanLaserPrinter *self = TONGBAN_LASER_PRINTER (object);

  switch (prop_id)
    {
    case PROP_URI:
      g_free (self->uri);
      self->uri = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_laser_printer_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  TongbanLaserPrinter *self = TONGBAN_LASER_PRINTER (object);

  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tongban_laser_printer_class_init (TongbanLaserPrinterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TongbanDeviceClass *device_class = TONGBAN_DEVICE_CLASS (klass);

  object_class->finalize = tongban_laser_printer_finalize;
  object_class->set_property = tongban_laser_printer_set_property;
  object_class->get_property = tongban_laser_printer_get_property;
  device_class->open = tongban_laser_printer_open;
  device_class->close = tongban_laser_printer_close;
  device_class->poll = tongban_laser_printer_poll;

  /* ipp://printer.local:631/ipp/print, or a CUPS queue's ipp://localhost/printers/NAME */
  properties[PROP_URI] =
    g_param_spec_string ("uri", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tongban_laser_printer_init (TongbanLaserPrinter *self)
{
}

TongbanLaserPrinter *
tongban_laser_printer_new (const char *name,
                           const char *uri)
{
  return g_object_new (TONGBAN_TYPE_LASER_PRINTER, "name", name, "uri", uri,
                       "poll-interval", 1000, NULL);
}
