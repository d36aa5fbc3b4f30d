/* tongban-catalog.h: regions, service categories, departments and services
 *
 * The catalogue is data (the JSON files of data/catalog/), built into the program and
 * optionally replaced by a folder named in the configuration. Its texts are
 * English msgids; the pages translate them with gettext when they show them.
 */
#pragma once

#include <gio/gio.h>

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
  char  *id;
  char  *region;
  char  *category;
  char  *department;
  char  *title;
  char  *summary;
  char  *applicant;
  GStrv  auth;
  GStrv  devices;
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
const char * const      *tongban_catalog_known_auth_methods   (void);
const char * const      *tongban_catalog_known_devices        (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanCatalog, tongban_catalog_free)

G_END_DECLS
