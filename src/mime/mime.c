/* mime.c: GMime set-up and message parsing for the index. */
#include "config.h"

#include "util/util.h"
#include "mime/mime.h"

void
mime_init(void)
{
	g_mime_init();
}

void
mime_shutdown(void)
{
	g_mime_shutdown();
}
