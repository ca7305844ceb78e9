/*
 * store-sidefile.c: the small append-only files next to the index that
 * keep what the index cannot lose when it is rebuilt: the POP3 messages
 * deleted locally (STORE_TOMBSTONES, written by store-uidl.c) and the
 * bounced messages (STORE_BOUNCES, here). A line is durable (fsynced)
 * when its append returns. One line a record:
 *
 *	field1 TAB field2 TAB unix-time LF	(field1 and field2 %-escaped)
 *
 * Above the store's floors: it uses only store-db.c's errors.
 */
#include "satchel-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "store/store-private.h"

/* Append one line to a file next to the Maildir, durably. */
enum store_status
store_sidefile_append(struct store *st, const char *file, const char *line)
{
	g_autofree char	*path = g_build_filename(st->dir, file, NULL);
	gboolean	 created;
	int		 fd;

	created = access(path, F_OK) != 0;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return store_set_error(st, store_errno_status(errno),
		    "%s: %s", path, g_strerror(errno));
	if (file_write_all(fd, line, strlen(line)) != 0 || fsync(fd) != 0) {
		int e = errno;

		close(fd);
		return store_set_error(st, store_errno_status(e), "%s: %s",
		    path, g_strerror(e));
	}
	close(fd);
	if (created)
		file_fsync_dir(path);
	return STORE_OK;
}

/* A triple of store_sidefile_read(): its middle may be NULL. */
static void
store_sidefile_triple_free(gpointer p)
{
	char	**v = p;

	g_free(v[0]);
	g_free(v[1]);
	g_free(v[2]);
	g_free(v);
}

/*
 * Read one of the append-only side files (tombstones, bounces): lines of
 * three tab-separated fields, the first two URI-escaped. Returns triples
 * (field 1, field 2 or NULL when empty, field 3) as arrays of three
 * strings, freed by the array (not g_strfreev: the middle may be NULL). A
 * line cut short by a crash has no third field and is skipped, as is one
 * whose first field does not unescape.
 */
GPtrArray *
store_sidefile_read(struct store *st, const char *name)
{
	g_autofree char	*path = g_build_filename(st->dir, name, NULL);
	g_autofree char	*data = NULL;
	GPtrArray	*out = g_ptr_array_new_with_free_func(
	    store_sidefile_triple_free);
	char		**lines;
	size_t		 len, i;

	if ((data = file_read_all(path, &len)) == NULL)
		return out;
	lines = g_strsplit(data, "\n", 0);
	for (i = 0; lines[i] != NULL; i++) {
		char **f = g_strsplit(lines[i], "\t", 3);
		char **v;

		if (g_strv_length(f) != 3 || *f[2] == '\0') {
			g_strfreev(f);
			continue;
		}
		v = g_new0(char *, 4);
		v[0] = g_uri_unescape_string(f[0], NULL);
		v[1] = *f[1] != '\0' ? g_uri_unescape_string(f[1], NULL) :
		    NULL;
		v[2] = g_strdup(f[2]);
		g_strfreev(f);
		if (v[0] == NULL) {
			store_sidefile_triple_free(v);
			continue;
		}
		g_ptr_array_add(out, v);
	}
	g_strfreev(lines);
	return out;
}

enum store_status
store_bounce_record(struct store *st, const char *base, const char *reason)
{
	g_autofree char	*b = g_uri_escape_string(base, NULL, TRUE);
	g_autofree char	*r = g_uri_escape_string(reason != NULL ? reason :
	    "", NULL, TRUE);
	g_autofree char	*line = NULL;

	line = g_strdup_printf("%s\t%s\t%lld\n", b, r, (long long)time(NULL));
	return store_sidefile_append(st, STORE_BOUNCES, line);
}

GPtrArray *
store_bounce_read(struct store *st)
{
	return store_sidefile_read(st, STORE_BOUNCES);
}
