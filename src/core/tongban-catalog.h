/* tongban-catalog.h: regions, service categories, departments and services
 *
 * The catalogue is data (the JSON files of data/catalog/), built into the program and
 * optionally replaced by a folder named in the configuration. Its texts are
 * English msgids; the pages translate them with gettext when they show them.
 */
#pragma once

#include <gio/gio.h>
#include "tongban-validate.h"

G_BEGIN_DECLS

#define TONGBAN_CATALOG_ERROR (tongban_catalog_error_quark ())

typedef enum {
  TONGBAN_CATALOG_ERROR_PARSE,
  TONGBAN_CATALOG_ERROR_INVALID,
} TongbanCatalogError;

typedef struct {
  char *id;
  char *title;
  char *subtitle;
} TongbanRegion;

typedef struct {
  char *id;
  char *region;
  char *icon;
  char *title;
  char *help;
} TongbanCategory;

typedef struct {
  char *id;
  char *region;
  char *title;
} TongbanDepartment;

typedef struct {
  char *id;
  char *title;
} TongbanTopic;

typedef struct {
  char  *id;
  char  *question;
  char  *answer;
  GStrv  keywords;
  GStrv  services;    /* services the answer is about */
} TongbanFaq;

/* What a citizen should know before starting (F-GD-01, F-HK-06). */
typedef struct {
  char  *topic;
  char  *conditions;
  char  *materials;
  char  *process;
  char  *fees;
  char  *time_limit;
  char  *legal_basis;
  char  *office;
  char  *contact;
  GStrv  keywords;    /* extra search words, e.g. Cantonese or Traditional terms */
} TongbanGuide;

typedef enum {
  TONGBAN_STEP_AUTH,
  TONGBAN_STEP_CHOOSE,
  TONGBAN_STEP_FORM,
  TONGBAN_STEP_UPLOAD,
  TONGBAN_STEP_REVIEW,
  TONGBAN_STEP_SUBMIT,
  TONGBAN_STEP_PREVIEW,
  TONGBAN_STEP_PRINT,
  TONGBAN_STEP_RESULT,
  TONGBAN_STEP_RATING,
  TONGBAN_STEP_GUIDE,
  TONGBAN_STEP_VIDEO,
  TONGBAN_STEP_VIEW,
  TONGBAN_STEP_PAY,
  TONGBAN_N_STEP_TYPES
} TongbanStepType;

typedef struct {
  char *value;
  char *label;
  char *next;       /* step to go to when chosen, or NULL for the next one */
  char *detail;     /* guides: what to read once this option is chosen */
} TongbanOption;

typedef struct {
  char             *id;
  TongbanFieldType  type;
  char             *label;
  char             *hint;
  gboolean          required;
  gint64            min;
  gint64            max;
  char             *region;   /* phone numbers: gd, hk or mo */
  GPtrArray        *options;  /* TongbanOption, for choice fields */
} TongbanField;

typedef struct {
  char       *key;      /* member of the back end's answer */
  char       *label;
  char       *format;   /* text, amount, date, list */
  GHashTable *values;   /* code -> msgid, for codes the citizen should read as words */
} TongbanShow;

/* A fee paid on a pay step: the amount as a decimal string ("295.00", always
 * two decimals once loaded), an ISO 4217 currency and what it is for (msgid). */
typedef struct {
  char *amount;
  char *currency;
  char *item;
} TongbanFee;

typedef struct {
  char            *id;
  TongbanStepType  type;
  char            *title;
  char            *instruction;
  char            *help;
  char            *operation;  /* back-end operation for its data or its action */
  char            *next;       /* step after this one, if not the following */
  char            *mode;       /* guide: browse, search, assistance, app */
  char            *fee;        /* review: a fee to show before submitting */
  TongbanFee      *pay_fee;    /* pay: what is paid */
  GStrv            methods;    /* pay: "bank-card", "qr" */
  GPtrArray       *options;    /* TongbanOption */
  GPtrArray       *fields;     /* TongbanField */
  GPtrArray       *show;       /* TongbanShow */
} TongbanStep;

typedef struct {
  char  *id;
  char  *region;
  char  *category;
  char  *department;
  char  *title;
  char  *summary;
  char  *applicant;
  GStrv  auth;
  GStrv  devices;
  char  *next_steps;   /* result page: what happens next */
  TongbanGuide *guide; /* or NULL */
  GPtrArray *steps;    /* TongbanStep */
} TongbanService;

typedef struct _TongbanCatalog TongbanCatalog;

GQuark                   tongban_catalog_error_quark          (void);
TongbanCatalog          *tongban_catalog_new_from_data        (GBytes         *categories_json,
                                                               GBytes         *services_json,
                                                               GError        **error);
TongbanCatalog          *tongban_catalog_new_from_resource    (const char     *prefix,
                                                               GError        **error);
TongbanCatalog          *tongban_catalog_new_from_dir         (const char     *dir,
                                                               GError        **error);
void                     tongban_catalog_free                 (TongbanCatalog *self);
GPtrArray               *tongban_catalog_get_regions          (TongbanCatalog *self);
GPtrArray               *tongban_catalog_get_services         (TongbanCatalog *self);
GPtrArray               *tongban_catalog_dup_categories       (TongbanCatalog *self,
                                                               const char     *region_id);
GPtrArray               *tongban_catalog_dup_services         (TongbanCatalog *self,
                                                               const char     *category_id);
const TongbanRegion     *tongban_catalog_lookup_region        (TongbanCatalog *self,
                                                               const char     *id);
const TongbanCategory   *tongban_catalog_lookup_category      (TongbanCatalog *self,
                                                               const char     *id);
const TongbanDepartment *tongban_catalog_lookup_department    (TongbanCatalog *self,
                                                               const char     *id);
const TongbanService    *tongban_catalog_lookup_service       (TongbanCatalog *self,
                                                               const char     *id);
GPtrArray               *tongban_catalog_get_topics           (TongbanCatalog *self);
GPtrArray               *tongban_catalog_get_faq              (TongbanCatalog *self);
gboolean                 tongban_catalog_add_faq              (TongbanCatalog *self,
                                                               GBytes         *faq_json,
                                                               GError        **error);
GPtrArray               *tongban_catalog_get_departments      (TongbanCatalog *self);
GPtrArray               *tongban_catalog_get_problems         (TongbanCatalog *self);
const TongbanStep       *tongban_service_find_step            (const TongbanService *service,
                                                               const char     *step_id,
                                                               guint          *index);
void                     tongban_option_free                  (TongbanOption  *option);
const char              *tongban_step_type_to_string          (TongbanStepType type);
const char * const      *tongban_catalog_known_auth_methods   (void);
const char * const      *tongban_catalog_known_devices        (void);
const char * const      *tongban_catalog_known_pay_methods    (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanCatalog, tongban_catalog_free)

G_END_DECLS
