/*
 * store-reindex.c: bring the index in line with the Maildir folders. A
 * folder whose new/ and cur/ mtimes match what the index recorded is not
 * read at all; otherwise its files are listed and compared with the rows:
 * new files are parsed and indexed (account and UIDL from the file name),
 * renamed ones (flags changed by another reader) updated, vanished ones
 * dropped. full re-parses every file. The store's open and its poll for
 * changes live here too: both end in such a scan, and the floors below
 * (store.c and what it stands on) never call up into it.
 */
#include "satchel-config.h"

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
/* Files handed to the reader threads at a time: bounds the memory. */
#define STORE_REINDEX_CHUNK	4096
/*
 * Files indexed in one reindex after which the FTS tables are written as
 * for a bulk build (store_fts_tune), and merged into one segment at the
 * end if that was at least half of the index.
 */
#define STORE_REINDEX_BULK	10000
/* Rows renamed per pass over the listing. */
#define STORE_REINDEX_RENAMES	1000

/*
 * The listing of a folder goes into a temporary table, not memory, so that
 * the memory used does not grow with the number of messages: every file
 * (base name, file name, subdirectory; account and UIDL of POP3 ones),
 * first copy wins when a message is in both new/ and cur/.
 */
static const char store_reindex_temp[] =
    "CREATE TEMP TABLE IF NOT EXISTS reindex_seen("
    "  base TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  subdir INTEGER NOT NULL,"
    "  account TEXT,"
    "  uidl TEXT,"
    "  partial INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS temp.reindex_seen_uidl ON"
    "  reindex_seen(account, uidl) WHERE account IS NOT NULL;"
    "CREATE TEMP TABLE IF NOT EXISTS reindex_gone("
    "  id INTEGER PRIMARY KEY);"
    "DELETE FROM temp.reindex_seen;"
    "DELETE FROM temp.reindex_gone;";

struct store_reindex_file {
	int		 subdir;
	int64_t		 row_id;	/* 0: no row yet */
	unsigned	 row_flags;
};

struct store_reindex {
	struct store		*st;
	const char		*folder;
	const char		*newd;
	const char		*curd;
	int64_t			 fid;
	store_progress_fn	 fn;
	void			*data;
	struct store_progress	*pr;
	guint			 inbatch;
};

static enum store_status store_reindex_list(struct store_reindex *,
		    const char *, int);
static enum store_status store_reindex_drop_partials(struct store_reindex *);
static enum store_status store_reindex_renames(struct store_reindex *,
		    gboolean *);
static enum store_status store_reindex_gone(struct store_reindex *);
static enum store_status store_reindex_index(struct store_reindex *,
		    GPtrArray *);
static enum store_status store_reindex_new(struct store_reindex *,
		    gboolean);
static gboolean	 store_reindex_has_table(struct store *, const char *);
static enum store_status store_reindex_wipe(struct store *);
static enum store_status store_reindex_requeue(struct store *);
static enum store_status store_reindex_optimize(struct store *);
static enum store_status store_reindex_unbulk(struct store *, guint64);

/* Record the files of one subdirectory in temp.reindex_seen. */
static enum store_status
store_reindex_list(struct store_reindex *rx, const char *dir, int subdir)
{
	static const char ins[] =
	    "INSERT OR IGNORE INTO temp.reindex_seen(base, name, subdir,"
	    " account, uidl, partial) VALUES (?, ?, ?, ?, ?, ?)";
	struct store	*st = rx->st;
	struct dirent	*de;
	sqlite3_stmt	*stmt;
	enum store_status s = STORE_OK;
	DIR		*d;
	int		 rc;

	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return STORE_OK;
		return store_set_error(st, store_errno_status(errno), "%s: %s",
		    dir, g_strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		g_autofree char *base = NULL, *acct = NULL, *uidl = NULL;
		unsigned flags;

		if (de->d_name[0] == '.')
			continue;
		if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN &&
		    de->d_type != DT_LNK)
			continue;
		if (rx->pr != NULL)
			rx->pr->total++;
		store_name_parse(de->d_name, &base, &acct, &uidl, &flags);
		if ((stmt = store_stmt(st, ins)) == NULL) {
			s = STORE_ERR_DB;
			break;
		}
		sqlite3_bind_text(stmt, 1, base, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, de->d_name, -1, SQLITE_STATIC);
		sqlite3_bind_int(stmt, 3, subdir);
		if (acct != NULL && uidl != NULL) {
			sqlite3_bind_text(stmt, 4, acct, -1, SQLITE_STATIC);
			sqlite3_bind_text(stmt, 5, uidl, -1, SQLITE_STATIC);
		} else {
			sqlite3_bind_null(stmt, 4);
			sqlite3_bind_null(stmt, 5);
		}
		sqlite3_bind_int(stmt, 6, (flags & STORE_FLAG_PARTIAL) != 0);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE) {
			s = store_sql_error(st, rc, "reindex");
			break;
		}
	}
	closedir(d);
	return s;
}

/*
 * A headers-only (partial) file whose full body is also in the folder
 * (same account and UIDL) was left by a crash between the two steps of
 * store_delivery_commit_replace(): the full copy is durable, so the
 * partial one goes. Partial files are few: their names fit in memory.
 */
static enum store_status
store_reindex_drop_partials(struct store_reindex *rx)
{
	static const char sel[] =
	    "SELECT s.base, s.name, s.subdir FROM temp.reindex_seen s"
	    " WHERE s.partial = 1 AND s.account IS NOT NULL AND EXISTS"
	    " (SELECT 1 FROM temp.reindex_seen f WHERE f.account = s.account"
	    " AND f.uidl = s.uidl AND f.partial = 0)";
	static const char del[] =
	    "DELETE FROM temp.reindex_seen WHERE base = ?";
	struct store		*st = rx->st;
	g_autoptr(GPtrArray)	 bases = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray)	 paths = g_ptr_array_new_with_free_func(g_free);
	sqlite3_stmt		*stmt;
	guint			 i;
	int			 rc;

	if ((stmt = store_stmt(st, sel)) == NULL)
		return STORE_ERR_DB;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		g_ptr_array_add(bases, g_strdup((const char *)
		    sqlite3_column_text(stmt, 0)));
		g_ptr_array_add(paths, g_build_filename(
		    sqlite3_column_int(stmt, 2) == STORE_SUBDIR_CUR ?
		    rx->curd : rx->newd,
		    (const char *)sqlite3_column_text(stmt, 1), NULL));
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, "reindex");
	for (i = 0; i < bases->len; i++) {
		if (unlink(paths->pdata[i]) != 0 && errno != ENOENT)
			log_warn("store: %s: %s", (char *)paths->pdata[i],
			    g_strerror(errno));
		if ((stmt = store_stmt(st, del)) == NULL)
			return STORE_ERR_DB;
		sqlite3_bind_text(stmt, 1, bases->pdata[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE)
			return store_sql_error(st, rc, "reindex");
	}
	return STORE_OK;
}

/*
 * Rows whose file was renamed (flags changed by another reader): up to
 * STORE_REINDEX_RENAMES per call; *more says whether to call again.
 */
static enum store_status
store_reindex_renames(struct store_reindex *rx, gboolean *more)
{
	static const char sel[] =
	    "SELECT m.id, m.flags, m.thread_id, s.subdir, s.name"
	    " FROM temp.reindex_seen s JOIN messages m"
	    " ON m.folder_id = ? AND m.base = s.base"
	    " WHERE m.subdir != s.subdir OR m.name != s.name LIMIT ?";
	static const char ren[] =
	    "UPDATE messages SET subdir = ?, name = ?, flags = ? WHERE id = ?";
	struct store		*st = rx->st;
	struct store_reindex_ren {
		int64_t		 id;
		int64_t		 thread_id;
		unsigned	 flags;
		int		 subdir;
		char		*name;
	}			*rn;
	sqlite3_stmt		*stmt;
	enum store_status	 s = STORE_OK;
	guint			 n = 0, i;
	int			 rc;

	*more = FALSE;
	rn = g_new0(struct store_reindex_ren, STORE_REINDEX_RENAMES);
	if ((stmt = store_stmt(st, sel)) == NULL) {
		g_free(rn);
		return STORE_ERR_DB;
	}
	sqlite3_bind_int64(stmt, 1, rx->fid);
	sqlite3_bind_int(stmt, 2, STORE_REINDEX_RENAMES);
	while (n < STORE_REINDEX_RENAMES &&
	    (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		rn[n].id = sqlite3_column_int64(stmt, 0);
		rn[n].flags = (unsigned)sqlite3_column_int(stmt, 1);
		rn[n].thread_id = sqlite3_column_int64(stmt, 2);
		rn[n].subdir = sqlite3_column_int(stmt, 3);
		rn[n].name = g_strdup((const char *)sqlite3_column_text(stmt,
		    4));
		n++;
	}
	sqlite3_reset(stmt);
	if (n < STORE_REINDEX_RENAMES && rc != SQLITE_DONE)
		s = store_sql_error(st, rc, "reindex");
	for (i = 0; i < n && s == STORE_OK; i++) {
		unsigned flags, nf;

		store_name_parse(rn[i].name, NULL, NULL, NULL, &flags);
		nf = (rn[i].flags & ~STORE_MAILDIR_FLAGS) |
		    (flags & STORE_MAILDIR_FLAGS);
		if ((stmt = store_stmt(st, ren)) == NULL) {
			s = STORE_ERR_DB;
			break;
		}
		sqlite3_bind_int(stmt, 1, rn[i].subdir);
		sqlite3_bind_text(stmt, 2, rn[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_int(stmt, 3, (int)nf);
		sqlite3_bind_int64(stmt, 4, rn[i].id);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE) {
			s = store_sql_error(st, rc, "reindex");
			break;
		}
		if (nf != rn[i].flags)
			store_item_dirty(st, rn[i].thread_id);
		store_folder_touch(st, rx->fid);
	}
	for (i = 0; i < n; i++)
		g_free(rn[i].name);
	g_free(rn);
	*more = s == STORE_OK && n == STORE_REINDEX_RENAMES;
	return s;
}

/* Rows whose file is gone. */
static enum store_status
store_reindex_gone(struct store_reindex *rx)
{
	static const char fill[] =
	    "INSERT INTO temp.reindex_gone(id) SELECT m.id FROM messages m"
	    " WHERE m.folder_id = ? AND NOT EXISTS (SELECT 1 FROM"
	    " temp.reindex_seen s WHERE s.base = m.base)";
	static const char next[] =
	    "SELECT id FROM temp.reindex_gone WHERE id > ? ORDER BY id"
	    " LIMIT 1";
	struct store		*st = rx->st;
	sqlite3_stmt		*stmt;
	enum store_status	 s;
	int64_t			 last = 0, id;
	int			 rc;

	if ((stmt = store_stmt(st, fill)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, rx->fid);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, "reindex");
	for (;;) {
		if ((stmt = store_stmt(st, next)) == NULL)
			return STORE_ERR_DB;
		sqlite3_bind_int64(stmt, 1, last);
		rc = sqlite3_step(stmt);
		id = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
		sqlite3_reset(stmt);
		if (rc == SQLITE_DONE)
			return STORE_OK;
		if (rc != SQLITE_ROW)
			return store_sql_error(st, rc, "reindex");
		if ((s = store_item_delete_row(st, id)) != STORE_OK)
			return s;
		last = id;
	}
}

/* Parse and index one chunk of files (jobs) with the reader threads. */
static enum store_status
store_reindex_index(struct store_reindex *rx, GPtrArray *jobs)
{
	struct store			*st = rx->st;
	struct store_reader		*rd;
	struct store_reader_result	*res;
	struct store_progress		*pr = rx->pr;
	enum store_status		 s = STORE_OK;

	rd = store_reader_new(jobs);
	while ((res = store_reader_next(rd)) != NULL) {
		struct store_reindex_file *f = res->job->user;
		struct store_item *it = res->item;
		const char *name;
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
		name = strrchr(res->job->path, '/');
		name = name != NULL ? name + 1 : res->job->path;
		it->folder = g_strdup(rx->folder);
		it->folder_id = rx->fid;
		it->subdir = f->subdir;
		it->name = g_strdup(name);
		store_name_parse(name, &it->base, &it->account, &it->uidl,
		    &flags);
		/* A re-parse keeps index-only flags (bounced). */
		it->flags = flags | (f->row_id > 0 ? (f->row_flags &
		    ~STORE_MAILDIR_FLAGS & ~STORE_FLAG_PARTIAL) : 0);
		{
			char *dot, *end;
			gint64 t = g_ascii_strtoll(name, &end, 10);
			struct stat sb;

			dot = end;
			if (dot == name || *dot != '.' || t <= 0) {
				t = stat(res->job->path, &sb) == 0 ?
				    sb.st_mtime : time(NULL);
			}
			it->delivered = t;
		}
		s = store_item_insert(st, it, f->row_id, &id);
		store_reader_result_free(res);
		if (s != STORE_OK)
			break;
		if (pr != NULL)
			pr->imported++;
		if (++rx->inbatch >= STORE_REINDEX_BATCH) {
			rx->inbatch = 0;
			if ((s = store_tx_commit(st)) != STORE_OK)
				break;
			if (!st->fts_bulk && pr != NULL &&
			    pr->imported >= STORE_REINDEX_BULK) {
				store_fts_tune(st, TRUE);
				st->fts_bulk = TRUE;
			}
			if ((s = store_tx_begin(st)) != STORE_OK)
				break;
		}
		if (rx->fn != NULL && pr != NULL && pr->done % 128 == 0)
			rx->fn(pr, rx->data);
	}
	store_reader_free(rd);
	return s;
}

/*
 * Index the listed files that have no row (with full, all of them), in
 * chunks of STORE_REINDEX_CHUNK in listing order.
 */
static enum store_status
store_reindex_new(struct store_reindex *rx, gboolean full)
{
	static const char sel[] =
	    "SELECT s.rowid, s.name, s.subdir, m.id, m.flags"
	    " FROM temp.reindex_seen s LEFT JOIN messages m"
	    " ON m.folder_id = ? AND m.base = s.base"
	    " WHERE s.rowid > ? AND (m.id IS NULL OR ?)"
	    " ORDER BY s.rowid LIMIT ?";
	struct store		*st = rx->st;
	sqlite3_stmt		*stmt;
	enum store_status	 s = STORE_OK;
	int64_t			 last = 0;
	guint			 n;
	int			 rc;

	do {
		GPtrArray *jobs = g_ptr_array_new();
		g_autoptr(GPtrArray) files =
		    g_ptr_array_new_with_free_func(g_free);

		if ((stmt = store_stmt(st, sel)) == NULL) {
			g_ptr_array_unref(jobs);
			return STORE_ERR_DB;
		}
		sqlite3_bind_int64(stmt, 1, rx->fid);
		sqlite3_bind_int64(stmt, 2, last);
		sqlite3_bind_int(stmt, 3, full);
		sqlite3_bind_int(stmt, 4, STORE_REINDEX_CHUNK);
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			struct store_reindex_file *f;
			struct store_reader_job *j;
			int subdir = sqlite3_column_int(stmt, 2);

			last = sqlite3_column_int64(stmt, 0);
			f = g_new0(struct store_reindex_file, 1);
			f->subdir = subdir;
			f->row_id = sqlite3_column_int64(stmt, 3);
			f->row_flags = (unsigned)sqlite3_column_int(stmt, 4);
			g_ptr_array_add(files, f);
			j = g_new0(struct store_reader_job, 1);
			j->path = g_build_filename(subdir == STORE_SUBDIR_CUR ?
			    rx->curd : rx->newd,
			    (const char *)sqlite3_column_text(stmt, 1), NULL);
			j->len = -1;
			j->user = f;
			g_ptr_array_add(jobs, j);
		}
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE) {
			g_ptr_array_unref(jobs);
			return store_sql_error(st, rc, "reindex");
		}
		n = jobs->len;
		if (n > 0)
			s = store_reindex_index(rx, jobs);
		else
			g_ptr_array_unref(jobs);
	} while (s == STORE_OK && n == STORE_REINDEX_CHUNK);
	return s;
}

enum store_status
store_reindex_folder(struct store *st, const char *folder, gboolean full,
    gboolean force, store_progress_fn fn, void *data,
    struct store_progress *pr)
{
	static const char msql[] =
	    "SELECT new_mtime, cur_mtime FROM folders WHERE id = ?";
	static const char setm[] =
	    "UPDATE folders SET new_mtime = ?, cur_mtime = ? WHERE id = ?";
	static const char known[] =
	    "SELECT count(*) FROM temp.reindex_seen s JOIN messages m"
	    " ON m.folder_id = ? AND m.base = s.base";
	g_autofree char		*top = store_folder_path(st, folder);
	g_autofree char		*newd = NULL, *curd = NULL;
	struct store_reindex	 rx;
	sqlite3_stmt		*stmt;
	enum store_status	 s;
	int64_t			 fid, nm, cm, old_nm = -2, old_cm = -2;
	gboolean		 in_tx = FALSE, more;
	int			 rc;

	if ((s = store_folder_id(st, folder, TRUE, &fid)) != STORE_OK)
		return s;
	newd = g_build_filename(top, "new", NULL);
	curd = g_build_filename(top, "cur", NULL);
	nm = store_folder_mtime(newd);
	cm = store_folder_mtime(curd);
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

	memset(&rx, 0, sizeof(rx));
	rx.st = st;
	rx.folder = folder;
	rx.newd = newd;
	rx.curd = curd;
	rx.fid = fid;
	rx.fn = fn;
	rx.data = data;
	rx.pr = pr;
	if ((s = store_exec(st, store_reindex_temp)) != STORE_OK)
		return s;
	st->bulk = TRUE;
	if ((s = store_tx_begin(st)) != STORE_OK)
		goto out;
	in_tx = TRUE;
	if ((s = store_reindex_list(&rx, newd, STORE_SUBDIR_NEW)) !=
	    STORE_OK || (s = store_reindex_list(&rx, curd,
	    STORE_SUBDIR_CUR)) != STORE_OK ||
	    (s = store_reindex_drop_partials(&rx)) != STORE_OK)
		goto out;
	/* Known files are settled here; the others go to the readers. */
	do {
		if ((s = store_reindex_renames(&rx, &more)) != STORE_OK)
			goto out;
	} while (more);
	if (!full && pr != NULL) {
		if ((stmt = store_stmt(st, known)) == NULL) {
			s = STORE_ERR_DB;
			goto out;
		}
		sqlite3_bind_int64(stmt, 1, fid);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			pr->done += (guint)sqlite3_column_int64(stmt, 0);
		sqlite3_reset(stmt);
	}
	if ((s = store_reindex_gone(&rx)) != STORE_OK ||
	    (s = store_reindex_new(&rx, full)) != STORE_OK) {
		in_tx = st->tx_depth > 0;
		goto out;
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
	if ((s = store_exec(st, "DELETE FROM temp.reindex_seen;"
	    "DELETE FROM temp.reindex_gone")) != STORE_OK)
		goto out;
	s = store_tx_commit(st);
	in_tx = FALSE;
out:
	if (in_tx)
		store_tx_rollback(st);
	st->bulk = FALSE;
	if (fn != NULL && pr != NULL)
		fn(pr, data);
	return s;
}

/*
 * Bounced is a flag of the index only; a rebuilt index gets it back from
 * the STORE_BOUNCES file kept next to the Maildir.
 */
enum store_status
store_reindex_bounces(struct store *st)
{
	static const char sel[] =
	    "SELECT id, flags, thread_id, bounce_reason FROM messages"
	    " WHERE folder_id IN (SELECT id FROM folders) AND base = ?";
	g_autoptr(GPtrArray)	 b = store_bounce_read(st);
	sqlite3_stmt		*stmt;
	enum store_status	 s;
	guint			 i;
	int			 rc;

	if (b->len == 0)
		return STORE_OK;
	if ((s = store_tx_begin(st)) != STORE_OK)
		return s;
	for (i = 0; i < b->len; i++) {
		char **v = b->pdata[i];
		const char *reason = v[1], *old;
		int64_t id, tid;
		unsigned flags;

		if ((stmt = store_stmt(st, sel)) == NULL) {
			store_tx_rollback(st);
			return STORE_ERR_DB;
		}
		sqlite3_bind_text(stmt, 1, v[0], -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(stmt)) != SQLITE_ROW) {
			sqlite3_reset(stmt);
			if (rc == SQLITE_DONE)
				continue;	/* the message is gone */
			store_tx_rollback(st);
			return store_sql_error(st, rc, "bounces");
		}
		id = sqlite3_column_int64(stmt, 0);
		flags = (unsigned)sqlite3_column_int(stmt, 1);
		tid = sqlite3_column_int64(stmt, 2);
		old = (const char *)sqlite3_column_text(stmt, 3);
		if ((flags & STORE_FLAG_BOUNCED) != 0 &&
		    g_strcmp0(old, reason) == 0) {
			sqlite3_reset(stmt);
			continue;
		}
		sqlite3_reset(stmt);
		if ((s = store_msg_mark_bounced(st, id, tid, reason)) !=
		    STORE_OK) {
			store_tx_rollback(st);
			return s;
		}
	}
	return store_tx_commit(st);
}

static gboolean
store_reindex_has_table(struct store *st, const char *name)
{
	static const char sql[] =
	    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?";
	sqlite3_stmt	*stmt;
	gboolean	 has;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return FALSE;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	has = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_reset(stmt);
	return has;
}

/*
 * reindex --full: empty the index of messages, threads and text in one
 * transaction (whole tables: SQLite drops their pages, and the FTS table
 * is dropped and made again, no per-row work), then index every file as from
 * nothing, once. Updating each row in place instead costs twice: the old
 * text is read back and tokenised again to take it out of the FTS index.
 * Outbox queue rows point at message ids, which change: their messages
 * are remembered by folder and file name (reindex_queue_keys, a real
 * table so that a crash before the end keeps it) and pointed at again
 * when the folders are indexed (store_reindex_requeue). A crash half way
 * leaves a smaller index that the next open completes: every folder's
 * recorded mtimes are reset, so the next scan lists them all.
 */
static enum store_status
store_reindex_wipe(struct store *st)
{
	static const char keys[] =
	    "CREATE TABLE IF NOT EXISTS reindex_queue_keys("
	    "  queue_id INTEGER PRIMARY KEY,"
	    "  folder_id INTEGER NOT NULL,"
	    "  base TEXT NOT NULL);"
	    "INSERT OR IGNORE INTO reindex_queue_keys(queue_id, folder_id,"
	    "  base) SELECT q.id, m.folder_id, m.base FROM queue q"
	    "  JOIN messages m ON m.id = q.msg_id;";
	static const char wipe[] =
	    "DELETE FROM messages;"
	    "DELETE FROM folder_counts;"
	    "DELETE FROM thread_ids;"
	    "DELETE FROM thread_summary;"
	    /* Drops its pages; made again as a new index makes it. */
	    "DROP TABLE msg_fts;"
	    STORE_FTS_CREATE
	    "DROP TABLE msg_terms;"
	    STORE_TERMS_CREATE
	    "DROP TABLE msg_head;"
	    STORE_HEAD_CREATE
	    "UPDATE folders SET new_mtime = -1, cur_mtime = -1;";
	enum store_status	 s;

	if ((s = store_tx_begin(st)) != STORE_OK)
		return s;
	if ((store_reindex_has_table(st, "queue") &&
	    (s = store_exec(st, keys)) != STORE_OK) ||
	    (s = store_exec(st, wipe)) != STORE_OK) {
		store_tx_rollback(st);
		return s;
	}
	store_fts_tune(st, FALSE);
	g_hash_table_remove_all(st->touched);
	g_hash_table_remove_all(st->dirty_threads);
	return store_tx_commit(st);
}

/*
 * Merge each FTS table into one segment, a transaction each: what a bulk
 * build leaves is many segments, and a search pays for every one (on
 * 1,000,000 messages the first page of a common word took 99 ms of CPU
 * over 25 segments, 22 ms over one). Costs a few percent of the build.
 */
static enum store_status
store_reindex_optimize(struct store *st)
{
	static const char *const sqls[] = {
		"INSERT INTO msg_terms(msg_terms) VALUES('optimize');",
		"INSERT INTO msg_head(msg_head) VALUES('optimize');",
		"INSERT INTO msg_fts(msg_fts) VALUES('optimize');",
	};
	enum store_status	 s;
	size_t			 i;

	for (i = 0; i < G_N_ELEMENTS(sqls); i++) {
		if ((s = store_tx_begin(st)) != STORE_OK)
			return s;
		if ((s = store_exec(st, sqls[i])) != STORE_OK) {
			store_tx_rollback(st);
			return s;
		}
		if ((s = store_tx_commit(st)) != STORE_OK)
			return s;
	}
	return STORE_OK;
}

/*
 * The end of a bulk build of imported messages: the FTS tables merged into
 * one segment if that was half of the index or more, and written as for
 * everyday additions again.
 */
static enum store_status
store_reindex_unbulk(struct store *st, guint64 imported)
{
	static const char total[] = "SELECT count(*) FROM messages";
	sqlite3_stmt		*stmt;
	enum store_status	 s = STORE_OK;
	int64_t			 n = 0;

	if ((stmt = store_stmt(st, total)) == NULL)
		return STORE_ERR_DB;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (imported * 2 >= (guint64)n)
		s = store_reindex_optimize(st);
	if (s == STORE_OK) {
		store_fts_tune(st, FALSE);
		st->fts_bulk = FALSE;
	}
	return s;
}

/* Point queue rows at their messages' new ids after a --full rebuild. */
static enum store_status
store_reindex_requeue(struct store *st)
{
	static const char sql[] =
	    "UPDATE queue SET msg_id = coalesce((SELECT m.id FROM"
	    "  reindex_queue_keys k JOIN messages m ON m.folder_id ="
	    "  k.folder_id AND m.base = k.base WHERE k.queue_id = queue.id),"
	    "  msg_id) WHERE id IN (SELECT queue_id FROM reindex_queue_keys);"
	    "DROP TABLE reindex_queue_keys;";
	enum store_status	 s;

	if (!store_reindex_has_table(st, "reindex_queue_keys"))
		return STORE_OK;
	if ((s = store_tx_begin(st)) != STORE_OK)
		return s;
	if ((s = store_exec(st, sql)) != STORE_OK) {
		store_tx_rollback(st);
		return s;
	}
	return store_tx_commit(st);
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

		g_autofree char *top = store_folder_path(st, gone->pdata[i]);
		struct stat sb;

		if ((s = store_tx_begin(st)) != STORE_OK)
			return s;
		/* Made by another process since our readdir(): keep it. */
		if (stat(top, &sb) == 0) {
			store_tx_rollback(st);
			continue;
		}
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
	for (i = 0; i < names->len; i++)
		store_sweep_folder(st, names->pdata[i]);
	if (full && (s = store_reindex_wipe(st)) != STORE_OK)
		return s;
	for (i = 0; i < names->len && s == STORE_OK; i++)
		s = store_reindex_folder(st, names->pdata[i], FALSE, FALSE, fn,
		    data, &pr);
	if (s == STORE_OK)
		s = store_reindex_requeue(st);
	if (s == STORE_OK)
		s = store_reindex_bounces(st);
	if (s == STORE_OK && st->fts_bulk)
		s = store_reindex_unbulk(st, pr.imported);
	if (result != NULL)
		*result = pr;
	return s;
}

enum store_status
store_open(const char *dir, unsigned flags, struct store **out)
{
	enum store_status	 s;
	gboolean		 scan;

	if ((s = store_open_index(dir, flags, out, &scan)) != STORE_OK ||
	    !scan)
		return s;
	/*
	 * Bring the index up to date with the Maildir: files renamed in by a
	 * process killed before it committed, flag changes by other readers.
	 * Only directories whose mtime changed are read.
	 */
	return store_reindex(*out, FALSE, NULL, NULL, NULL);
}

enum store_status
store_poll(struct store *st, gboolean *changed)
{
	static const char dv[] = "PRAGMA data_version";
	static const char fl[] =
	    "SELECT name, new_mtime, cur_mtime FROM folders";
	sqlite3_stmt		*stmt;
	enum store_status	 s = STORE_OK;
	gboolean		 stale = FALSE;
	int64_t			 v;
	int			 rc;

	*changed = FALSE;
	if ((stmt = store_stmt(st, dv)) == NULL)
		return STORE_ERR_DB;
	rc = sqlite3_step(stmt);
	v = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_sql_error(st, rc, "data version");
	/*
	 * The first poll has nothing to compare with, but another process
	 * may have committed between the open (when the caller read what it
	 * shows) and now, and already recorded the folders' new mtimes:
	 * report a change once, or that commit would never be seen.
	 */
	if (st->data_version < 0 || v != st->data_version)
		*changed = TRUE;
	st->data_version = v;

	if ((stmt = store_stmt(st, fl)) == NULL)
		return STORE_ERR_DB;
	while (!stale && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		stale = !store_folder_unchanged(st, stmt);
	sqlite3_reset(stmt);
	if (!stale && rc != SQLITE_DONE)
		return store_sql_error(st, rc, "folders");
	if (!stale)
		return STORE_OK;
	/*
	 * Read the changed folders again. A process that renamed files in and
	 * has not committed yet holds the write lock: do not wait for it (the
	 * caller is a user interface), ask again at the next poll.
	 */
	sqlite3_busy_timeout(st->db, 100);
	s = store_reindex(st, FALSE, NULL, NULL, NULL);
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT);
	if (s == STORE_OK)
		*changed = TRUE;
	return s;
}
