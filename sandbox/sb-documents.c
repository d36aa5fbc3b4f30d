/* sb-documents.c: documents tongban-sandbox issues, and GET /verify/{number}
 */

#include "sb-sandbox.h"

void
sb_documents_add_routes (SbSandbox *sb)
{
}
