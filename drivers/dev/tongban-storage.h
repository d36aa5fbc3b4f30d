/* tongban-storage.h: removable storage (USB sticks, SD cards) being inserted and removed
 *
 * Watches what the desktop's automounter mounts under /media and
 * /run/media, and emits "media-inserted" and "media-removed" with the
 * mount point. The one-way transfer filter is a later step.
 */
#pragma once

#include "tongban-device.h"

G_BEGIN_DECLS

#define TONGBAN_TYPE_STORAGE (tongban_storage_get_type ())
G_DECLARE_FINAL_TYPE (TongbanStorage, tongban_storage, TONGBAN, STORAGE, TongbanDevice)

TongbanStorage *tongban_storage_new           (const char *name,
                                               const char *mountinfo);
GStrv           tongban_storage_dup_mounted   (TongbanStorage *self);

G_END_DECLS
