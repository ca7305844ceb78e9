/*
 * time.c: times for people to read. Part of util (libc and GLib only).
 */
#include "satchel-config.h"

#include "util/util.h"

char *
time_local_format(int64_t t, const char *fmt)
{
	g_autoptr(GDateTime)	 dt = NULL;

	if (t <= 0)
		return g_strdup("-");
	if ((dt = g_date_time_new_from_unix_local(t)) == NULL)
		return g_strdup("?");
	return g_date_time_format(dt, fmt);
}
