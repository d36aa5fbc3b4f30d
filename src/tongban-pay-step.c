/* tongban-pay-step.c: paying a fee by bank card or QR code
 *
 * Everything waits without blocking: back-end calls and card commands are
 * async, the QR status is asked from a GLib timeout. One order serves every
 * card attempt; a QR code that expires gets a new order. The PIN goes from
 * the PIN pad into a password entry (GTK keeps its text in non-pageable
 * memory; the pad's digits are read back as asterisks), to the card's VERIFY,
 * and is wiped at once; only the masked card number is ever shown or sent.
 */

#include "tongban-pay-step.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include "tongban-flow-page.h"
#include "tongban-pad-keys.h"
#include "tongban-steps.h"
#include "tongban-tr.h"
#ifdef HAVE_PCSC
#include "tongban-iccard-reader.h"
#endif

#define CARD_WAIT_S 60      /* for a card to be inserted */
#define CARD_TIMEOUT_MS 10000

typedef enum {
  PAY_CHOOSING,
  PAY_ORDERING,
  PAY_QR,
  PAY_CARD_WAIT,
  PAY_CARD_READ,
  PAY_PIN,
  PAY_CHARGING,
  PAY_DONE,
} PayState;

typedef struct {
  TongbanFlow       *flow;
  TongbanDevices    *devices;
  TongbanDevice     *reader;     /* or NULL */
  const TongbanStep *step;
  GCancellable      *cancellable;
  PayState           state;
  const char        *method;     /* chosen: "bank-card" or "qr" */

  char              *order;
  char              *qr_url;
  gint64             expires_at; /* monotonic µs */
  char              *masked_pan;

  guint              poll_id;
  gboolean           polling;    /* a status call is out */
  guint              card_wait_id;
  gulong             card_event_id;
  gulong             pad_key_id;

  GtkWidget         *amount;
  GtkWidget         *methods;
  GtkWidget         *status;
  GtkWidget         *qr_box;
  GtkWidget         *qr_picture;
  GtkWidget         *card_box;
  GtkWidget         *pan;
  GtkWidget         *pin;
  GtkWidget         *new_code;
} Pay;

static void start_qr (Pay *pay);
static void start_card (Pay *pay);

/* ---- amounts ------------------------------------------------------------ */

/* "295.00" in HKD as the citizen's language writes it: HK$295.00,
 * 港币 295.00 元, 港幣 295.00 元. */
char *
tongban_pay_format_amount (const char *amount,
                           const char *currency)
{
  const char *format;

  if (g_strcmp0 (currency, "HKD") == 0)
    /* Translators: an amount in Hong Kong dollars; %s is the number, e.g. 295.00. */
    format = C_("amount", "HK$%s");
  else if (g_strcmp0 (currency, "MOP") == 0)
    /* Translators: an amount in Macao patacas; %s is the number, e.g. 295.00. */
    format = C_("amount", "MOP$%s");
  else if (g_strcmp0 (currency, "CNY") == 0)
    /* Translators: an amount in renminbi; %s is the number, e.g. 295.00. */
    format = C_("amount", "RMB %s");
  else
    return g_strdup_printf ("%s %s", currency ? currency : "", amount ? amount : "");
  return g_strdup_printf (format, amount ? amount : "");
}

/* ---- widgets ------------------------------------------------------------ */

static GtkWidget *
text (const char *msgid,
      const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  if (css_class)
    gtk_widget_add_css_class (label, css_class);
  if (msgid)
    tongban_tr_label (GTK_LABEL (label), msgid);
  return label;
}

/* Shows @msgid under the fee; the flow page says it aloud, as its own prompts. */
static void
say (Pay        *pay,
     const char *msgid)
{
  GtkWidget *page = gtk_widget_get_ancestor (pay->status, TONGBAN_TYPE_FLOW_PAGE);

  gtk_widget_set_visible (pay->status, msgid != NULL);
  if (msgid == NULL)
    return;
  tongban_tr_label (GTK_LABEL (pay->status), msgid);
  if (page != NULL)
    g_signal_emit_by_name (page, "status", msgid);
}

static void
show_amount (Pay *pay)
{
  g_autofree char *amount = tongban_pay_format_amount (pay->step->pay_fee->amount,
                                                       pay->step->pay_fee->currency);

  gtk_label_set_label (GTK_LABEL (pay->amount), amount);
}

static void
stop_waiting (Pay *pay)
{
  g_clear_handle_id (&pay->poll_id, g_source_remove);
  g_clear_handle_id (&pay->card_wait_id, g_source_remove);
  if (pay->card_event_id && pay->reader)
    g_signal_handler_disconnect (pay->reader, pay->card_event_id);
  pay->card_event_id = 0;
  if (pay->devices && pay->reader)
    tongban_devices_guide (pay->devices, "ic-card-reader", FALSE);
}

/* Empties the PIN field and takes the focus from it, so it can be hidden. */
static void
clear_pin (Pay *pay)
{
  GtkRoot *root = gtk_widget_get_root (pay->pin);
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  /* GtkPasswordEntryBuffer wipes its secure memory when the text goes. */
  gtk_editable_set_text (GTK_EDITABLE (pay->pin), "");
  if (focus != NULL && (focus == pay->pin || gtk_widget_is_ancestor (focus, pay->pin)))
    gtk_root_set_focus (root, NULL);
}

/* Back to the choice of method, saying @msgid (why). */
static void
offer_methods (Pay        *pay,
               const char *msgid)
{
  stop_waiting (pay);
  clear_pin (pay);
  g_clear_pointer (&pay->masked_pan, g_free);
  pay->state = PAY_CHOOSING;
  gtk_widget_set_visible (pay->methods, TRUE);
  gtk_widget_set_sensitive (pay->methods, TRUE);
  gtk_widget_set_visible (pay->qr_box, FALSE);
  gtk_widget_set_visible (pay->card_box, FALSE);
  say (pay, msgid);
}

static gboolean
advance (gpointer data)
{
  TongbanFlow *flow = data;

  tongban_flow_next (flow, NULL);
  return G_SOURCE_REMOVE;
}

static void
paid (Pay        *pay,
      const char *auth_code)
{
  stop_waiting (pay);
  clear_pin (pay);
  if (!tongban_flow_set_paid (pay->flow, pay->order, pay->method, auth_code))
    {
      offer_methods (pay, N_("The payment could not be recorded on this kiosk. Ask the staff "
                             "at the service desk."));
      return;
    }
  pay->state = PAY_DONE;
  gtk_widget_set_visible (pay->methods, FALSE);
  gtk_widget_set_visible (pay->qr_box, FALSE);
  gtk_widget_set_visible (pay->card_box, FALSE);
  say (pay, N_("Paid. Thank you."));
  /* The page is rebuilt for the next step: not from inside this callback. */
  g_idle_add_full (G_PRIORITY_DEFAULT, advance, g_object_ref (pay->flow), g_object_unref);
}

/* A refused pay.card is the bank's decline; any other refusal is the
 * payment system's (an order it will not make, a status it will not give). */
static const char *
call_failure (const GError *error,
              gboolean      card)
{
  if (g_error_matches (error, TONGBAN_BACKEND_ERROR, TONGBAN_BACKEND_ERROR_REFUSED))
    return card ? N_("Your bank declined the payment. No money was taken. Try again, or pay "
                     "by QR code.")
                : N_("The payment system refused this payment. Nothing was paid. Ask the "
                     "staff at the service desk.");
  return N_("The payment system cannot be reached just now. Nothing was paid. Try again in a "
            "moment, or ask the staff at the service desk.");
}

/* Finishes a step call: FALSE if it was cancelled (the step may be gone),
 * else TRUE with its answer or, if none, @error set. */
static gboolean
call_done (GObject       *source,
           GAsyncResult  *result,
           JsonObject   **answer,
           GError       **error)
{
  *answer = tongban_flow_call_finish (TONGBAN_FLOW (source), result, error);
  return !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- the order ---------------------------------------------------------- */

static void
on_order (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Pay *pay = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  const char *order, *amount, *currency, *url;
  gint64 expires_in;

  if (!call_done (source, result, &answer, &error))
    return;
  if (answer == NULL)
    {
      g_message ("pay.order: %s", error->message);
      offer_methods (pay, call_failure (error, FALSE));
      return;
    }
  order = json_object_get_string_member_with_default (answer, "order", NULL);
  amount = json_object_get_string_member_with_default (answer, "amount", NULL);
  currency = json_object_get_string_member_with_default (answer, "currency", NULL);
  url = json_object_get_string_member_with_default (answer, "qr_url", NULL);
  expires_in = json_object_get_int_member_with_default (answer, "expires_in", 0);
  /* Nothing is charged that the citizen was not shown. */
  if (order == NULL || *order == '\0' || g_strcmp0 (amount, pay->step->pay_fee->amount) != 0 ||
      g_strcmp0 (currency, pay->step->pay_fee->currency) != 0 || expires_in <= 0)
    {
      g_message ("pay.order: the answer does not match the fee (%s %s)",
                 currency ? currency : "?", amount ? amount : "?");
      offer_methods (pay, N_("The payment system answered with a different amount. Nothing "
                             "was paid. Ask the staff at the service desk."));
      return;
    }
  g_free (pay->order);
  pay->order = g_strdup (order);
  g_free (pay->qr_url);
  pay->qr_url = g_strdup (url);
  pay->expires_at = g_get_monotonic_time () + expires_in * G_USEC_PER_SEC;
  if (g_strcmp0 (pay->method, "qr") == 0)
    start_qr (pay);
  else
    start_card (pay);
}

static gboolean
order_valid (Pay *pay)
{
  return pay->order != NULL && g_get_monotonic_time () < pay->expires_at;
}

static void
with_order (Pay        *pay,
            const char *method)
{
  g_autoptr(JsonObject) params = NULL;

  pay->method = method;
  gtk_widget_set_sensitive (pay->methods, FALSE);
  if (order_valid (pay))
    {
      if (g_strcmp0 (method, "qr") == 0)
        start_qr (pay);
      else
        start_card (pay);
      return;
    }
  pay->state = PAY_ORDERING;
  say (pay, N_("Preparing the payment…"));
  params = json_object_new ();
  json_object_set_string_member (params, "service", tongban_flow_get_service (pay->flow)->id);
  json_object_set_string_member (params, "amount", pay->step->pay_fee->amount);
  json_object_set_string_member (params, "currency", pay->step->pay_fee->currency);
  json_object_set_string_member (params, "item", tongban_flow_get_pay_item (pay->flow));
  tongban_flow_call_async (pay->flow, "pay.order", params, pay->cancellable, on_order, pay);
}

/* ---- QR ----------------------------------------------------------------- */

static void
qr_expired (Pay *pay)
{
  stop_waiting (pay);
  g_clear_pointer (&pay->order, g_free);
  gtk_widget_set_visible (pay->qr_picture, FALSE);
  gtk_widget_set_visible (pay->new_code, TRUE);
  say (pay, N_("This code has expired. Nothing was paid. Touch New code to pay by QR code, "
               "or choose another way."));
  gtk_widget_set_visible (pay->methods, TRUE);
  gtk_widget_set_sensitive (pay->methods, TRUE);
  pay->state = PAY_CHOOSING;
}

static void
on_qr_status (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pay *pay = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  const char *status;

  if (!call_done (source, result, &answer, &error))
    return;
  pay->polling = FALSE;
  if (pay->state != PAY_QR)
    return;
  if (answer == NULL)
    {
      /* A lost status answer is asked again at the next tick. */
      g_message ("pay.qr-status: %s", error->message);
      return;
    }
  status = json_object_get_string_member_with_default (answer, "status", "");
  if (g_str_equal (status, "paid"))
    paid (pay, NULL);
  else if (g_str_equal (status, "expired") || !order_valid (pay))
    qr_expired (pay);
}

static gboolean
poll_qr (gpointer data)
{
  Pay *pay = data;
  g_autoptr(JsonObject) params = NULL;

  if (pay->polling)
    return G_SOURCE_CONTINUE;
  pay->polling = TRUE;
  params = json_object_new ();
  json_object_set_string_member (params, "order", pay->order);
  tongban_flow_call_async (pay->flow, "pay.qr-status", params, pay->cancellable, on_qr_status,
                           pay);
  return G_SOURCE_CONTINUE;
}

static void
start_qr (Pay *pay)
{
  g_autoptr(GdkTexture) texture = pay->qr_url ? tongban_qr_texture_new (pay->qr_url, 6) : NULL;

  if (texture == NULL)
    {
      offer_methods (pay, N_("A payment code cannot be shown just now. Pay by bank card, or "
                             "ask the staff at the service desk."));
      return;
    }
  stop_waiting (pay);
  pay->state = PAY_QR;
  gtk_picture_set_paintable (GTK_PICTURE (pay->qr_picture), GDK_PAINTABLE (texture));
  gtk_widget_set_visible (pay->qr_picture, TRUE);
  gtk_widget_set_visible (pay->new_code, FALSE);
  gtk_widget_set_visible (pay->qr_box, TRUE);
  gtk_widget_set_visible (pay->card_box, FALSE);
  gtk_widget_set_visible (pay->methods, TRUE);
  gtk_widget_set_sensitive (pay->methods, TRUE);
  say (pay, N_("Scan the code with your payment app and confirm. This page moves on by itself "
               "once you have paid."));
  pay->poll_id = g_timeout_add_seconds (TONGBAN_PAY_POLL_S, poll_qr, pay);
}

/* ---- bank card ---------------------------------------------------------- */

#ifdef HAVE_PCSC
static void read_card (Pay *pay);

static void
on_charged (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Pay *pay = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  const char *status;

  if (!call_done (source, result, &answer, &error))
    return;
  if (answer == NULL)
    {
      g_message ("pay.card: %s", error->message);
      offer_methods (pay, call_failure (error, TRUE));
      return;
    }
  status = json_object_get_string_member_with_default (answer, "status", "");
  if (g_str_equal (status, "approved"))
    paid (pay, json_object_get_string_member_with_default (answer, "auth_code", NULL));
  else
    offer_methods (pay, N_("Your bank declined the payment. No money was taken. Try again, or "
                           "pay by QR code."));
}

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Pay *pay = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) params = NULL;
  int sw = tongban_iccard_reader_verify_pin_finish (TONGBAN_ICCARD_READER (source), result,
                                                    &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (sw < 0)
    {
      if (g_error_matches (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_INVALID_DATA))
        {
          pay->state = PAY_PIN;
          gtk_widget_grab_focus (pay->pin);
          say (pay, N_("A PIN has 4 to 12 digits. Type it again on the PIN pad, then press "
                       "Enter."));
          return;
        }
      offer_methods (pay, N_("The card was taken out or could not be read. Nothing was paid. "
                             "Try again, or pay by QR code."));
      return;
    }
  if ((sw & 0xFFF0) == 0x63C0 && (sw & 0x0F) > 0)
    {
      pay->state = PAY_PIN;
      gtk_widget_grab_focus (pay->pin);
      say (pay, N_("The PIN is not right. Type it again on the PIN pad, then press Enter."));
      return;
    }
  if (sw != 0x9000)
    {
      offer_methods (pay, N_("This card cannot take a PIN now. Nothing was paid. Pay by QR "
                             "code, or ask your bank."));
      return;
    }
  pay->state = PAY_CHARGING;
  say (pay, N_("Paying… Please wait and leave your card in the reader."));
  params = json_object_new ();
  json_object_set_string_member (params, "order", pay->order);
  json_object_set_string_member (params, "card", pay->masked_pan);
  json_object_set_boolean_member (params, "pin_ok", TRUE);
  tongban_flow_call_async (pay->flow, "pay.card", params, pay->cancellable, on_charged, pay);
}

static void
on_pin_activate (GtkWidget *entry,
                 Pay       *pay)
{
  char *pin;

  if (pay->state != PAY_PIN)
    return;
  pin = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  clear_pin (pay);
  pay->state = PAY_CHARGING;
  say (pay, N_("Checking the PIN…"));
  tongban_iccard_reader_verify_pin_async (TONGBAN_ICCARD_READER (pay->reader), pin,
                                          CARD_TIMEOUT_MS, pay->cancellable, on_verified, pay);
  explicit_bzero (pin, strlen (pin));
  g_free (pin);
}

/* Enter on the hardware PIN pad submits the PIN (its digits reach the
 * focused PIN field through the window, read back as asterisks). */
static void
on_pad_key (TongbanDevices *devices,
            const char     *key,
            Pay            *pay)
{
  if (pay->state == PAY_PIN && tongban_pad_keys_action (key) == TONGBAN_PAD_ACTIVATE)
    on_pin_activate (pay->pin, pay);
}

static void
on_pan (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Pay *pay = user_data;
  g_autoptr(GError) error = NULL;
  char *masked = tongban_iccard_reader_read_pan_finish (TONGBAN_ICCARD_READER (source), result,
                                                        &error);
  g_autofree char *shown = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (pay->state != PAY_CARD_READ)
    {
      g_free (masked);
      return;
    }
  if (masked == NULL)
    {
      /* No card yet: wait for one. */
      if (g_error_matches (error, TONGBAN_DEVICE_ERROR, TONGBAN_COMPLETION_USER_ERROR))
        {
          pay->state = PAY_CARD_WAIT;
          return;
        }
      g_message ("bank card: %s", error->message);
      offer_methods (pay, N_("This card cannot be read. Take it out and try another card, or "
                             "pay by QR code."));
      return;
    }
  g_clear_handle_id (&pay->card_wait_id, g_source_remove);
  g_free (pay->masked_pan);
  pay->masked_pan = masked;
  /* Translators: the masked number of a bank card, e.g. 476173******0119. */
  shown = g_strdup_printf (_("Card %s"), masked);
  gtk_label_set_label (GTK_LABEL (pay->pan), shown);
  gtk_widget_set_visible (pay->pan, TRUE);
  gtk_widget_set_visible (pay->pin, TRUE);
  pay->state = PAY_PIN;
  say (pay, N_("Type your PIN on the PIN pad, then press Enter. Cover the pad with your hand."));
  gtk_widget_grab_focus (pay->pin);
}

static void
read_card (Pay *pay)
{
  pay->state = PAY_CARD_READ;
  tongban_iccard_reader_read_pan_async (TONGBAN_ICCARD_READER (pay->reader), CARD_TIMEOUT_MS,
                                        pay->cancellable, on_pan, pay);
}

static void
on_card_event (TongbanDevice *reader,
               const char    *event,
               GVariant      *payload,
               Pay           *pay)
{
  if (g_strcmp0 (event, "card-inserted") == 0 && pay->state == PAY_CARD_WAIT)
    read_card (pay);
  else if (g_strcmp0 (event, "card-removed") == 0 &&
           (pay->state == PAY_PIN || pay->state == PAY_CARD_READ))
    offer_methods (pay, N_("The card was taken out. Nothing was paid. Insert it again, or pay "
                           "by QR code."));
}

static gboolean
card_not_inserted (gpointer data)
{
  Pay *pay = data;

  pay->card_wait_id = 0;
  if (pay->state == PAY_CARD_WAIT || pay->state == PAY_CARD_READ)
    offer_methods (pay, N_("No card was inserted. Try again, or pay by QR code."));
  return G_SOURCE_REMOVE;
}
#endif

static void
start_card (Pay *pay)
{
#ifdef HAVE_PCSC
  if (pay->reader == NULL || !TONGBAN_IS_ICCARD_READER (pay->reader))
#endif
    {
      offer_methods (pay, N_("The card reader is not working. Pay by QR code, or ask the staff "
                             "at the service desk."));
      return;
    }
#ifdef HAVE_PCSC
  stop_waiting (pay);
  gtk_widget_set_visible (pay->qr_box, FALSE);
  gtk_widget_set_visible (pay->card_box, TRUE);
  gtk_widget_set_visible (pay->pan, FALSE);
  gtk_widget_set_visible (pay->pin, FALSE);
  gtk_widget_set_visible (pay->methods, FALSE);
  say (pay, N_("Insert your bank card into the card reader, chip first."));
  if (pay->devices)
    tongban_devices_guide (pay->devices, "ic-card-reader", TRUE);
  pay->card_event_id = g_signal_connect (pay->reader, "event", G_CALLBACK (on_card_event), pay);
  pay->card_wait_id = g_timeout_add_seconds (CARD_WAIT_S, card_not_inserted, pay);
  /* A card may be in the reader already. */
  read_card (pay);
#endif
}

/* ---- the step ----------------------------------------------------------- */

static void
on_method_clicked (GtkButton *button,
                   Pay       *pay)
{
  const char *method = gtk_widget_get_name (GTK_WIDGET (button));

  if (pay->state == PAY_ORDERING || pay->state == PAY_DONE || pay->state == PAY_CHARGING)
    return;
  with_order (pay, g_str_equal (method, "pay-qr") ? "qr" : "bank-card");
}

static void
on_new_code (GtkButton *button,
             Pay       *pay)
{
  with_order (pay, "qr");
}

static void
pay_free (Pay *pay)
{
  g_cancellable_cancel (pay->cancellable);
  stop_waiting (pay);
  if (pay->pad_key_id)
    g_signal_handler_disconnect (pay->devices, pay->pad_key_id);
  g_clear_object (&pay->cancellable);
  g_clear_object (&pay->flow);
  g_clear_object (&pay->devices);
  g_clear_object (&pay->reader);
  g_free (pay->order);
  g_free (pay->qr_url);
  g_free (pay->masked_pan);
  g_free (pay);
}

static GtkWidget *
method_button (Pay        *pay,
               const char *name,
               const char *msgid)
{
  GtkWidget *button = gtk_button_new ();

  gtk_widget_add_css_class (button, "choice");
  gtk_widget_set_name (button, name);
  gtk_button_set_child (GTK_BUTTON (button), text (msgid, "choice-label"));
  g_signal_connect (button, "clicked", G_CALLBACK (on_method_clicked), pay);
  return button;
}

GtkWidget *
tongban_pay_step_new (TongbanFlow    *flow,
                      TongbanDevices *devices)
{
  const TongbanStep *step = tongban_flow_get_step (flow);
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 16);
  GtkWidget *panel = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 32);
  GtkWidget *fee = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *button;
  Pay *pay;

  g_return_val_if_fail (step->type == TONGBAN_STEP_PAY, NULL);
  pay = g_new0 (Pay, 1);
  pay->flow = g_object_ref (flow);
  pay->devices = devices ? g_object_ref (devices) : NULL;
  pay->reader = devices ? tongban_devices_get (devices, "ic-card-reader") : NULL;
  if (pay->reader)
    g_object_ref (pay->reader);
  pay->step = step;
  pay->cancellable = g_cancellable_new ();
  g_object_set_data_full (G_OBJECT (outer), "tongban-pay", pay, (GDestroyNotify) pay_free);
  gtk_widget_add_css_class (outer, "pay");

  /* What is paid, and how much; beside it, once asked for, the QR code. */
  gtk_widget_add_css_class (panel, "result-panel");
  gtk_box_append (GTK_BOX (fee), text (step->pay_fee->item, "result-label"));
  pay->amount = text (NULL, "reference");
  gtk_widget_set_name (pay->amount, "pay-amount");
  gtk_widget_add_css_class (pay->amount, TONGBAN_TR_FIXED_CLASS);
  show_amount (pay);
  gtk_box_append (GTK_BOX (fee), pay->amount);
  gtk_widget_set_hexpand (fee, TRUE);
  gtk_box_append (GTK_BOX (panel), fee);
  gtk_box_append (GTK_BOX (outer), panel);

  pay->status = text (NULL, "body");
  gtk_widget_set_name (pay->status, "pay-status");
  gtk_widget_set_visible (pay->status, FALSE);
  gtk_box_append (GTK_BOX (outer), pay->status);

  /* The QR code of the order, and a new one once it expires. */
  pay->qr_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  pay->qr_picture = gtk_picture_new ();
  gtk_widget_set_name (pay->qr_picture, "pay-qr-code");
  gtk_picture_set_can_shrink (GTK_PICTURE (pay->qr_picture), FALSE);
  gtk_widget_set_halign (pay->qr_picture, GTK_ALIGN_START);
  tongban_tr_accessible_label (pay->qr_picture, N_("QR code to pay with a payment app"));
  gtk_box_append (GTK_BOX (pay->qr_box), pay->qr_picture);
  pay->new_code = gtk_button_new ();
  gtk_widget_set_name (pay->new_code, "pay-new-code");
  gtk_widget_add_css_class (pay->new_code, "choice");
  gtk_button_set_child (GTK_BUTTON (pay->new_code), text (N_("New code"), "choice-label"));
  g_signal_connect (pay->new_code, "clicked", G_CALLBACK (on_new_code), pay);
  gtk_widget_set_visible (pay->new_code, FALSE);
  gtk_box_append (GTK_BOX (pay->qr_box), pay->new_code);
  gtk_widget_set_visible (pay->qr_box, FALSE);
  gtk_box_append (GTK_BOX (panel), pay->qr_box);

  /* The card: its masked number and the PIN, typed on the PIN pad. */
  pay->card_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  pay->pan = text (NULL, "identity");
  gtk_widget_set_name (pay->pan, "pay-card");
  gtk_widget_add_css_class (pay->pan, TONGBAN_TR_FIXED_CLASS);
  gtk_box_append (GTK_BOX (pay->card_box), pay->pan);
  pay->pin = gtk_password_entry_new ();
  gtk_widget_set_name (pay->pin, "pay-pin");
  gtk_widget_set_halign (pay->pin, GTK_ALIGN_START);
  gtk_widget_set_size_request (pay->pin, 240, -1);
  tongban_tr_accessible_label (pay->pin, N_("PIN"));
#ifdef HAVE_PCSC
  g_signal_connect (pay->pin, "activate", G_CALLBACK (on_pin_activate), pay);
  if (pay->devices)
    pay->pad_key_id = g_signal_connect (pay->devices, "key", G_CALLBACK (on_pad_key), pay);
#endif
  gtk_box_append (GTK_BOX (pay->card_box), pay->pin);
  gtk_widget_set_visible (pay->card_box, FALSE);
  gtk_box_append (GTK_BOX (outer), pay->card_box);

  pay->methods = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_add_css_class (pay->methods, "choices");
  if (g_strv_contains ((const char * const *) step->methods, "bank-card"))
    {
      button = method_button (pay, "pay-bank-card", N_("Pay by bank card"));
      gtk_box_append (GTK_BOX (pay->methods), button);
    }
  if (g_strv_contains ((const char * const *) step->methods, "qr"))
    {
      button = method_button (pay, "pay-qr", N_("Pay by QR code with a payment app"));
      gtk_box_append (GTK_BOX (pay->methods), button);
    }
  gtk_box_append (GTK_BOX (outer), pay->methods);
  return outer;
}

/* The amount follows the language; the rest are msgids that tongban-tr redoes. */
void
tongban_pay_step_retranslate (GtkWidget *pay_step)
{
  Pay *pay = g_object_get_data (G_OBJECT (pay_step), "tongban-pay");

  if (pay != NULL)
    show_amount (pay);
}

/* On the result page: what was paid, the order and the bank's code. */
void
tongban_pay_step_add_receipt (GtkWidget   *result,
                              TongbanFlow *flow)
{
  const TongbanFee *fee;
  const char *order, *auth_code;
  g_autofree char *amount = NULL;
  g_autofree char *line = NULL;
  GtkWidget *label;

  if (!tongban_flow_get_payment (flow, &fee, &order, &auth_code))
    return;
  amount = tongban_pay_format_amount (fee->amount, fee->currency);
  if (auth_code != NULL)
    /* Translators: the receipt line of a card payment: amount, order number and the bank's
     * authorisation code. */
    line = g_strdup_printf (_("Paid %s, order %s, authorisation %s"), amount, order, auth_code);
  else
    /* Translators: the receipt line of a QR payment: amount and order number. */
    line = g_strdup_printf (_("Paid %s, order %s"), amount, order);
  gtk_box_append (GTK_BOX (result), text (N_("Payment"), "subheading"));
  label = text (NULL, "body");
  gtk_widget_set_name (label, "pay-receipt");
  gtk_widget_add_css_class (label, TONGBAN_TR_FIXED_CLASS);
  gtk_label_set_label (GTK_LABEL (label), line);
  gtk_box_append (GTK_BOX (result), label);
}
