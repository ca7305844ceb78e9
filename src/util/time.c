/*
 * time.c: times for people to read. Part of util (libc and GLib only).
 */
#include "satchel-config.h"

#include "util/util.h"

/*
 * The local time zone, looked up once: GLib reads /etc/localtime again
 * (a stat and a readlink) for every g_date_time_new_from_unix_local(),
 * which was a third of the system calls of a search printing 50 lines.
 */
static GTimeZone *
time_local_zone(void)
{
	static gsize	 once;
	static GTimeZone *zone;

	if (g_once_init_enter(&once)) {
		zone = g_time_zone_new_local();
		g_once_init_leave(&once, 1);
	}
	return zone;
}

GDateTime *
time_local(int64_t t)
{
	g_autoptr(GDateTime)	 utc = g_date_time_new_from_unix_utc(t);

	if (utc == NULL)
		return NULL;
	return g_date_time_to_timezone(utc, time_local_zone());
}

char *
time_local_format(int64_t t, const char *fmt)
{
	g_autoptr(GDateTime)	 dt = NULL;

	if (t <= 0)
		return g_strdup("-");
	if ((dt = time_local(t)) == NULL)
		return g_strdup("?");
	return g_date_time_format(dt, fmt);
}
