/*
 * store-uidl.c: the UIDLs each account has stored. Those of messages in the
 * store come from the index (and, for reindex, from the file names); those
 * of messages the user deleted locally are tombstones in a small append-only
 * file next to the index, so that keep mode never fetches them again, even
 * after the index is rebuilt. One line per tombstone:
 *
 *	account TAB uidl TAB unix-time LF	(account and uidl %-escaped)
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

static GPtrArray *store_uidl_read_file(struct store *, const char *);
static GPtrArray *store_uidl_read_tombstones(struct store *);
static enum store_status store_uidl_append(struct store *, const char *,
		    const char *);

void
store_uidl_free(struct store_uidl *u)
{
	if (u == NULL)
		return;
	g_free(u->uidl);
	g_free(u);
}

/* Append one line to a file next to the Maildir, durably. */
static enum store_status
store_uidl_append(struct store *st, const char *file, const char *line)
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

enum store_status
store_uidl_tombstone(struct store *st, const char *account, const char *uidl)
{
	g_autofree char	*a = g_uri_escape_string(account, NULL, TRUE);
	g_autofree char	*u = g_uri_escape_string(uidl, NULL, TRUE);
	g_autofree char	*line = NULL;

	line = g_strdup_printf("%s\t%s\t%lld\n", a, u, (long long)time(NULL));
	return store_uidl_append(st, STORE_TOMBSTONES, line);
}

enum store_status
store_bounce_record(struct store *st, const char *base, const char *reason)
{
	g_autofree char	*b = g_uri_escape_string(base, NULL, TRUE);
	g_autofree char	*r = g_uri_escape_string(reason != NULL ? reason :
	    "", NULL, TRUE);
	g_autofree char	*line = NULL;

	line = g_strdup_printf("%s\t%s\t%lld\n", b, r, (long long)time(NULL));
	return store_uidl_append(st, STORE_BOUNCES, line);
}

/* A triple of store_uidl_read_file(): its middle may be NULL. */
static void
store_uidl_triple_free(gpointer p)
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
static GPtrArray *
store_uidl_read_file(struct store *st, const char *name)
{
	g_autofree char	*path = g_build_filename(st->dir, name, NULL);
	g_autofree char	*data = NULL;
	GPtrArray	*out = g_ptr_array_new_with_free_func(
	    store_uidl_triple_free);
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
			store_uidl_triple_free(v);
			continue;
		}
		g_ptr_array_add(out, v);
	}
	g_strfreev(lines);
	return out;
}

GPtrArray *
store_bounce_read(struct store *st)
{
	return store_uidl_read_file(st, STORE_BOUNCES);
}

/* Tombstones as an array of triples (account, uidl, time string). */
static GPtrArray *
store_uidl_read_tombstones(struct store *st)
{
	GPtrArray	*out = store_uidl_read_file(st, STORE_TOMBSTONES);
	guint		 i = 0;

	/* A tombstone needs its UIDL. */
	while (i < out->len) {
		char **v = g_ptr_array_index(out, i);

		if (v[1] == NULL)
			g_ptr_array_remove_index(out, i);
		else
			i++;
	}
	return out;
}

enum store_status
store_uidl_known(struct store *st, const char *account, GHashTable **out)
{
	static const char sql[] =
	    "SELECT uidl, delivered FROM messages WHERE account = ?"
	    " AND uidl IS NOT NULL";
	g_autoptr(GPtrArray)	 tomb = NULL;
	GHashTable		*h;
	sqlite3_stmt		*stmt;
	guint			 i;
	int			 rc;

	*out = NULL;
	if (account == NULL)
		return STORE_ERR_INVALID;
	h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)store_uidl_free);
	if ((stmt = store_stmt(st, sql)) == NULL) {
		g_hash_table_destroy(h);
		return STORE_ERR_DB;
	}
	sqlite3_bind_text(stmt, 1, account, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_uidl *u = g_new0(struct store_uidl, 1);

		u->uidl = g_strdup((const char *)sqlite3_column_text(stmt, 0));
		u->stored_at = sqlite3_column_int64(stmt, 1);
		g_hash_table_replace(h, g_strdup(u->uidl), u);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		g_hash_table_destroy(h);
		return store_sql_error(st, rc, "uidls");
	}
	tomb = store_uidl_read_tombstones(st);
	for (i = 0; i < tomb->len; i++) {
		char **v = tomb->pdata[i];
		struct store_uidl *u;

		if (strcmp(v[0], account) != 0 ||
		    g_hash_table_contains(h, v[1]))
			continue;
		u = g_new0(struct store_uidl, 1);
		u->uidl = g_strdup(v[1]);
		u->stored_at = g_ascii_strtoll(v[2], NULL, 10);
		u->deleted_locally = TRUE;
		g_hash_table_replace(h, g_strdup(u->uidl), u);
	}
	*out = h;
	return STORE_OK;
}

enum store_status
store_uidl_forget(struct store *st, const char *account, const char *uidl)
{
	static const char sql[] =
	    "UPDATE messages SET uidl = NULL WHERE account = ? AND uidl = ?";
	g_autoptr(GPtrArray)	 tomb = NULL;
	g_autofree char		*path = NULL;
	sqlite3_stmt		*stmt;
	GString			*keep;
	gboolean		 found = FALSE;
	guint			 i;
	int			 rc;

	if (account == NULL || uidl == NULL)
		return STORE_ERR_INVALID;
	tomb = store_uidl_read_tombstones(st);
	keep = g_string_new(NULL);
	for (i = 0; i < tomb->len; i++) {
		char **v = tomb->pdata[i];
		g_autofree char *a = NULL, *u = NULL;

		if (strcmp(v[0], account) == 0 && strcmp(v[1], uidl) == 0) {
			found = TRUE;
			continue;
		}
		a = g_uri_escape_string(v[0], NULL, TRUE);
		u = g_uri_escape_string(v[1], NULL, TRUE);
		g_string_append_printf(keep, "%s\t%s\t%s\n", a, u, v[2]);
	}
	path = g_build_filename(st->dir, STORE_TOMBSTONES, NULL);
	if (found && file_write_atomic(path, keep->str, keep->len, 0600) !=
	    0) {
		int e = errno;

		g_string_free(keep, TRUE);
		return store_set_error(st, store_errno_status(e), "%s: %s",
		    path, g_strerror(e));
	}
	g_string_free(keep, TRUE);
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_text(stmt, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, uidl, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, "forget uidl");
	return STORE_OK;
}

int64_t
store_uidl_content_hash(GChecksum *sha1)
{
	guint8	 dig[20];
	gsize	 n = sizeof(dig);
	int64_t	 h = 0;
	int	 i;

	g_checksum_get_digest(sha1, dig, &n);
	for (i = 0; i < 8; i++)
		h = (int64_t)((uint64_t)h << 8 | dig[i]);
	return h;
}

enum store_status
store_uidl_seen_hash(struct store *st, const char *account, int64_t hash,
    int64_t since, gboolean *found)
{
	static const char sql[] =
	    "SELECT 1 FROM messages WHERE hash = ? AND account = ?"
	    " AND uidl IS NULL AND delivered >= ? LIMIT 1";
	sqlite3_stmt	*stmt;
	int		 rc;

	*found = FALSE;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, hash);
	sqlite3_bind_text(stmt, 2, account, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, since);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		*found = TRUE;
	else if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, "seen hash");
	return STORE_OK;
}
