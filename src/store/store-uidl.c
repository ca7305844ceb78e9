/*
 * store-uidl.c: the UIDLs each account has stored. Those of messages in the
 * store come from the index (and, for reindex, from the file names); those
 * of messages the user deleted locally are tombstones in a small append-only
 * file next to the index, so that keep mode never fetches them again, even
 * after the index is rebuilt (a side file, store-sidefile.c). One line
 * per tombstone:
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

static GPtrArray *store_uidl_read_tombstones(struct store *);

void
store_uidl_free(struct store_uidl *u)
{
	if (u == NULL)
		return;
	g_free(u->uidl);
	g_free(u);
}

enum store_status
store_uidl_tombstone(struct store *st, const char *account, const char *uidl)
{
	g_autofree char	*a = g_uri_escape_string(account, NULL, TRUE);
	g_autofree char	*u = g_uri_escape_string(uidl, NULL, TRUE);
	g_autofree char	*line = NULL;

	line = g_strdup_printf("%s\t%s\t%lld\n", a, u, (long long)time(NULL));
	return store_sidefile_append(st, STORE_TOMBSTONES, line);
}

/* Tombstones as an array of triples (account, uidl, time string). */
static GPtrArray *
store_uidl_read_tombstones(struct store *st)
{
	GPtrArray	*out = store_sidefile_read(st, STORE_TOMBSTONES);
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
