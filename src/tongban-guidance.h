/* tongban-guidance.h: smart guidance (F-GD-05) over the catalogue
 *
 * Builds one search index of every service (title and summary in the three
 * languages, the guide's extra keywords) and every question of the FAQ, and
 * answers a query with the services and questions that fit, best first.
 */
#pragma once

#include <glib.h>
#include "tongban-catalog.h"

G_BEGIN_DECLS

typedef struct _TongbanGuidance TongbanGuidance;

typedef struct {
  const TongbanService *service;   /* one of the two is set */
  const TongbanFaq     *faq;
} TongbanGuidanceHit;

TongbanGuidance *tongban_guidance_new   (TongbanCatalog  *catalog);
void             tongban_guidance_free  (TongbanGuidance *self);
GArray          *tongban_guidance_query (TongbanGuidance *self,
                                         const char      *query,
                                         guint            max_results);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TongbanGuidance, tongban_guidance_free)

G_END_DECLS
