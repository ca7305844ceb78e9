/*
 * store-reindex.c: bring the index in line with the Maildir folders. A
 * folder whose new/ and cur/ mtimes match what the index recorded is not
 * read at all; otherwise its files are listed and compared with the rows:
 * new files are parsed and indexed (account and UIDL from the file name),
 * renamed ones (flags changed by another reader) updated, vanished ones
 * dropped. full re-parses every file.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "store/store-private.h"

/* Files indexed per transaction: what a kill -9 can cost to redo. */
#define STORE_REINDEX_BATCH	1000

struct store_reindex_row {
	int64_t		 id;
	int		 subdir;
	char		*name;
	unsigned	 flags;
	int64_t		 thread_id;
	gboolean	 seen;
};

struct store_reindex_file {
	char		*name;
	int		 subdir;
};

static void	 store_reindex_row_free(gpointer);
static void	 store_reindex_drop_partials(GPtrArray *, const char *,
		    const char *);
static int64_t	 store_reindex_mtime(const char *);
static enum store_status store_reindex_list(struct store *, const char *,
		    int, GPtrArray *);

static void
store_reindex_row_free(gpointer p)
{
	struct store_reindex_row *r = p;

	g_free(r->name);
	g_free(r);
}

static void
store_reindex_file_free(gpointer p)
{
	struct store_reindex_file *f = p;

	g_free(f->name);
	g_free(f);
}

static int64_t
store_reindex_mtime(const char *path)
{
	struct stat	 sb;

	if (stat(path, &sb) != 0)
		return -1;
	return (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
}

static enum store_status
store_reindex_list(struct store *st, const char *dir, int subdir,
    GPtrArray *files)
{
	struct dirent	*de;
	DIR		*d;

	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return STORE_OK;
		return store_set_error(st, store_errno_status(errno), "%s: %s",
		    dir, g_strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		struct store_reindex_file *f;

		if (de->d_name[0] == '.')
			continue;
		if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN &&
		    de->d_type != DT_LNK)
			continue;
		f = g_new0(struct store_reindex_file, 1);
		f->name = g_strdup(de->d_name);
		f->subdir = subdir;
		g_ptr_array_add(files, f);
	}
	closedir(d);
	return STORE_OK;
}

/*
 * A headers-only (partial) file whose full body is also in the folder
 * (same account and UIDL) was left by a crash between the two steps of
 * store_delivery_commit_replace(): the full copy is durable, so the
 * partial one goes.
 */
static void
store_reindex_drop_partials(GPtrArray *files, const char *newd,
    const char *curd)
{
	g_autoptr(GHashTable)	 full = NULL;
	guint			 i;

	full = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (i = 0; i < files->len; i++) {
		struct store_reindex_file *f = files->pdata[i];
		g_autofree char *acct = NULL, *uidl = NULL;
		unsigned flags;

		store_name_parse(f->name, NULL, &acct, &uidl, &flags);
		if (acct != NULL && uidl != NULL &&
		    (flags & STORE_FLAG_PARTIAL) == 0)
			g_hash_table_add(full, g_strconcat(acct, "\n", uidl,
			    NULL));
	}
	if (g_hash_table_size(full) == 0)
		return;
	i = 0;
	while (i < files->len) {
		struct store_reindex_file *f = files->pdata[i];
		g_autofree char *acct = NULL, *uidl = NULL, *key = NULL;
		unsigned flags;

		store_name_parse(f->name, NULL, &acct, &uidl, &flags);
		if (acct == NULL || uidl == NULL ||
		    (flags & STORE_FLAG_PARTIAL) == 0) {
			i++;
			continue;
		}
		key = g_strconcat(acct, "\n", uidl, NULL);
		if (!g_hash_table_contains(full, key)) {
			i++;
			continue;
		}
		{
			g_autofree char *path = g_build_filename(f->subdir ==
			    STORE_SUBDIR_CUR ? curd : newd, f->name, NULL);

			if (unlink(path) != 0 && errno != ENOENT)
				log_warn("store: %s: %s", path,
				    g_strerror(errno));
		}
		g_ptr_array_remove_index(files, i);
	}
}

enum store_status
store_reindex_folder(struct store *st, const char *folder, gboolean full,
    gboolean force, store_progress_fn fn, void *data,
    struct store_progress *pr)
{
	static const char msql[] =
	    "SELECT new_mtime, cur_mtime FROM folders WHERE id = ?";
	static const char rows[] =
	    "SELECT id, base, subdir, name, flags, thread_id FROM messages"
	    " WHERE folder_id = ?";
	static const char ren[] =
	    "UPDATE messages SET subdir = ?, name = ?, flags = ? WHERE id = ?";
	static const char setm[] =
	    "UPDATE folders SET new_mtime = ?, cur_mtime = ? WHERE id = ?";
	g_autofree char		*top = store_folder_path(st, folder);
	g_autofree char		*newd = NULL, *curd = NULL;
	g_autoptr(GHashTable)	 byname = NULL;
	g_autoptr(GPtrArray)	 files = NULL;
	GPtrArray		*jobs;
	struct store_reader	*rd = NULL;
	struct store_reader_result *res;
	sqlite3_stmt		*stmt;
	enum store_status	 s;
	int64_t			 fid, nm, cm, old_nm = -2, old_cm = -2;
	guint			 i, inbatch = 0;
	gboolean		 in_tx = FALSE;
	int			 rc;

	if ((s = store_folder_id(st, folder, TRUE, &fid)) != STORE_OK)
		return s;
	newd = g_build_filename(top, "new", NULL);
	curd = g_build_filename(top, "cur", NULL);
	nm = store_reindex_mtime(newd);
	cm = store_reindex_mtime(curd);
	if ((stmt = store_stmt(st, msql)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, fid);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		old_nm = sqlite3_column_int64(stmt, 0);
		old_cm = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_reset(stmt);
	if (!full && !force && nm == old_nm && cm == old_cm)
		return STORE_OK;

	/* The rows this folder has, by file base name. */
	byname = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    store_reindex_row_free);
	if ((stmt = store_stmt(st, rows)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, fid);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_reindex_row *r = g_new0(struct store_reindex_row,
		    1);

		r->id = sqlite3_column_int64(stmt, 0);
		r->subdir = sqlite3_column_int(stmt, 2);
		r->name = g_strdup((const char *)sqlite3_column_text(stmt, 3));
		r->flags = (unsigned)sqlite3_column_int(stmt, 4);
		r->thread_id = sqlite3_column_int64(stmt, 5);
		g_hash_table_replace(byname, g_strdup((const char *)
		    sqlite3_column_text(stmt, 1)), r);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, "reindex");

	files = g_ptr_array_new_with_free_func(store_reindex_file_free);
	if ((s = store_reindex_list(st, newd, STORE_SUBDIR_NEW, files)) !=
	    STORE_OK || (s = store_reindex_list(st, curd, STORE_SUBDIR_CUR,
	    files)) != STORE_OK)
		return s;
	if (pr != NULL)
		pr->total += files->len;
	store_reindex_drop_partials(files, newd, curd);

	/*
	 * Known files are settled here; the others (and with full all) go to
	 * the reader threads.
	 */
	jobs = g_ptr_array_new();
	st->bulk = TRUE;
	if ((s = store_tx_begin(st)) != STORE_OK)
		goto out;
	in_tx = TRUE;
	for (i = 0; i < files->len; i++) {
		struct store_reindex_file *f = files->pdata[i];
		struct store_reindex_row *r;
		g_autofree char *base = NULL;
		unsigned flags;

		store_name_parse(f->name, &base, NULL, NULL, &flags);
		r = g_hash_table_lookup(byname, base);
		if (r != NULL && r->seen) {
			/* The same message in new/ and cur/: keep one row. */
			continue;
		}
		if (r != NULL) {
			r->seen = TRUE;
			if (r->subdir != f->subdir || strcmp(r->name, f->name) !=
			    0) {
				unsigned nf = (r->flags & ~STORE_MAILDIR_FLAGS) |
				    (flags & STORE_MAILDIR_FLAGS);

				if ((stmt = store_stmt(st, ren)) == NULL) {
					s = STORE_ERR_DB;
					goto out;
				}
				sqlite3_bind_int(stmt, 1, f->subdir);
				sqlite3_bind_text(stmt, 2, f->name, -1,
				    SQLITE_STATIC);
				sqlite3_bind_int(stmt, 3, (int)nf);
				sqlite3_bind_int64(stmt, 4, r->id);
				rc = sqlite3_step(stmt);
				sqlite3_reset(stmt);
				if (rc != SQLITE_DONE) {
					s = store_sql_error(st, rc, "reindex");
					goto out;
				}
				if (nf != r->flags)
					store_item_dirty(st, r->thread_id);
				store_folder_touch(st, fid);
			}
			if (!full) {
				if (pr != NULL)
					pr->done++;
				continue;
			}
		}
		{
			struct store_reader_job *j = g_new0(
			    struct store_reader_job, 1);

			j->path = g_build_filename(f->subdir ==
			    STORE_SUBDIR_CUR ? curd : newd, f->name, NULL);
			j->len = -1;
			j->user = f;
			g_ptr_array_add(jobs, j);
		}
		if (r == NULL) {
			/* Placeholder so a second copy is skipped. */
			r = g_new0(struct store_reindex_row, 1);
			r->seen = TRUE;
			r->name = g_strdup(f->name);
			g_hash_table_replace(byname, g_strdup(base), r);
		}
	}
	/* Rows whose file is gone. */
	{
		GHashTableIter it;
		gpointer v;

		g_hash_table_iter_init(&it, byname);
		while (g_hash_table_iter_next(&it, NULL, &v)) {
			struct store_reindex_row *r = v;

			if (!r->seen && r->id > 0 &&
			    (s = store_item_delete_row(st, r->id)) != STORE_OK)
				goto out;
		}
	}

	rd = store_reader_new(jobs);
	jobs = NULL;
	while ((res = store_reader_next(rd)) != NULL) {
		struct store_reindex_file *f = res->job->user;
		struct store_item *it = res->item;
		struct store_reindex_row *r;
		unsigned flags;
		int64_t id;

		if (pr != NULL) {
			pr->done++;
			pr->current = res->job->path;
		}
		if (it == NULL) {
			/* Unreadable or empty: not a message we can index. */
			if (pr != NULL)
				pr->unreadable++;
			store_reader_result_free(res);
			continue;
		}
		it->folder = g_strdup(folder);
		it->folder_id = fid;
		it->subdir = f->subdir;
		it->name = g_strdup(f->name);
		store_name_parse(f->name, &it->base, &it->account, &it->uidl,
		    &flags);
		r = g_hash_table_lookup(byname, it->base);
		/* A re-parse keeps index-only flags (bounced). */
		it->flags = flags | (r != NULL && r->id > 0 ?
		    (r->flags & ~STORE_MAILDIR_FLAGS & ~STORE_FLAG_PARTIAL) :
		    0);
		{
			char *dot, *end;
			gint64 t = g_ascii_strtoll(f->name, &end, 10);
			struct stat sb;

			dot = end;
			if (dot == f->name || *dot != '.' || t <= 0) {
				t = stat(res->job->path, &sb) == 0 ?
				    sb.st_mtime : time(NULL);
			}
			it->delivered = t;
		}
		s = store_item_insert(st, it, r != NULL ? r->id : 0, &id);
		store_reader_result_free(res);
		if (s != STORE_OK)
			goto out;
		if (pr != NULL)
			pr->imported++;
		if (++inbatch >= STORE_REINDEX_BATCH) {
			inbatch = 0;
			if ((s = store_tx_commit(st)) != STORE_OK) {
				in_tx = FALSE;
				goto out;
			}
			if ((s = store_tx_begin(st)) != STORE_OK) {
				in_tx = FALSE;
				goto out;
			}
		}
		if (fn != NULL && pr != NULL && pr->done % 128 == 0)
			fn(pr, data);
	}
	/* Everything seen before the scan started is now indexed. */
	if ((stmt = store_stmt(st, setm)) == NULL) {
		s = STORE_ERR_DB;
		goto out;
	}
	sqlite3_bind_int64(stmt, 1, nm);
	sqlite3_bind_int64(stmt, 2, cm);
	sqlite3_bind_int64(stmt, 3, fid);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		s = store_sql_error(st, rc, "reindex");
		goto out;
	}
	s = store_tx_commit(st);
	in_tx = FALSE;
out:
	if (in_tx)
		store_tx_rollback(st);
	store_reader_free(rd);
	if (jobs != NULL)
		g_ptr_array_unref(jobs);
	st->bulk = FALSE;
	if (fn != NULL && pr != NULL)
		fn(pr, data);
	return s;
}

enum store_status
store_reindex(struct store *st, gboolean full, store_progress_fn fn,
    void *data, struct store_progress *result)
{
	static const char all[] = "SELECT name FROM folders";
	static const char drop[] =
	    "SELECT id FROM messages WHERE folder_id ="
	    " (SELECT id FROM folders WHERE name = ?)";
	static const char dropf[] = "DELETE FROM folders WHERE name = ?";
	struct store_progress	 pr;
	g_autoptr(GPtrArray)	 names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray)	 gone = g_ptr_array_new_with_free_func(g_free);
	sqlite3_stmt		*stmt;
	struct dirent		*de;
	enum store_status	 s = STORE_OK;
	DIR			*d;
	guint			 i;
	int			 rc;

	memset(&pr, 0, sizeof(pr));
	if ((d = opendir(st->dir)) == NULL)
		return store_set_error(st, store_errno_status(errno), "%s: %s",
		    st->dir, g_strerror(errno));
	while ((de = readdir(d)) != NULL) {
		g_autofree char *cur = NULL, *nw = NULL;
		struct stat sb;

		if (de->d_name[0] == '.' || !store_folder_name_valid(de->d_name))
			continue;
		cur = g_build_filename(st->dir, de->d_name, "cur", NULL);
		nw = g_build_filename(st->dir, de->d_name, "new", NULL);
		if ((stat(cur, &sb) == 0 && S_ISDIR(sb.st_mode)) ||
		    (stat(nw, &sb) == 0 && S_ISDIR(sb.st_mode)))
			g_ptr_array_add(names, g_strdup(de->d_name));
	}
	closedir(d);
	/* Folders the index knows whose directory is gone. */
	if ((stmt = store_stmt(st, all)) == NULL)
		return STORE_ERR_DB;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(stmt, 0);

		for (i = 0; i < names->len; i++)
			if (strcmp(names->pdata[i], n) == 0)
				break;
		if (i == names->len)
			g_ptr_array_add(gone, g_strdup(n));
	}
	sqlite3_reset(stmt);
	for (i = 0; i < gone->len; i++) {
		g_autoptr(GArray) ids = g_array_new(FALSE, FALSE,
		    sizeof(int64_t));
		guint j;

		if ((s = store_tx_begin(st)) != STORE_OK)
			return s;
		if ((stmt = store_stmt(st, drop)) == NULL) {
			store_tx_rollback(st);
			return STORE_ERR_DB;
		}
		sqlite3_bind_text(stmt, 1, gone->pdata[i], -1, SQLITE_STATIC);
		while (sqlite3_step(stmt) == SQLITE_ROW) {
			int64_t id = sqlite3_column_int64(stmt, 0);

			g_array_append_val(ids, id);
		}
		sqlite3_reset(stmt);
		for (j = 0; j < ids->len; j++)
			if ((s = store_item_delete_row(st, g_array_index(ids,
			    int64_t, j))) != STORE_OK) {
				store_tx_rollback(st);
				return s;
			}
		if ((stmt = store_stmt(st, dropf)) != NULL) {
			sqlite3_bind_text(stmt, 1, gone->pdata[i], -1,
			    SQLITE_STATIC);
			sqlite3_step(stmt);
			sqlite3_reset(stmt);
		}
		g_hash_table_remove_all(st->touched);
		g_hash_table_remove(st->folder_ids, gone->pdata[i]);
		if ((s = store_tx_commit(st)) != STORE_OK)
			return s;
	}
	for (i = 0; i < names->len && s == STORE_OK; i++)
		s = store_reindex_folder(st, names->pdata[i], full, FALSE, fn,
		    data, &pr);
	if (result != NULL)
		*result = pr;
	return s;
}
