/* tongban-mountinfo.h: removable media in /proc/self/mountinfo
 *
 * Pure: returns the mount points under the given roots (e.g. /media,
 * /run/media) whose source is a block device, with octal escapes undone.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GPtrArray *tongban_mountinfo_removable (const char         *contents,
                                        gsize               length,
                                        const char * const *roots);

G_END_DECLS
