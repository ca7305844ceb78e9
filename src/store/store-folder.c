/*
 * store-folder.c: folders, the store's floor 1: a folder's row and id,
 * its Maildir directories (made with tmp/, new/ and cur/), the standard
 * folders, unique file names, the sweep of crash leftovers in tmp/, and
 * the directory mtimes that tell the index a folder changed. Calls only
 * store-db.c of the store (tools/check-store-floor.sh).
 */
#include "satchel-config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "store/store-private.h"

/* tmp/ files older than this were left by a crash and are removed. */
#define STORE_TMP_MAX_AGE	(36 * 3600)

static const char *const store_std_folders[] = {
	STORE_INBOX, STORE_SENT, STORE_DRAFTS, STORE_OUTBOX, NULL
};

static enum store_status store_mkdir_maildir(struct store *, const char *);
static gboolean store_tmp_orphan(struct store *, const char *);
static void	 store_sweep_tmp(struct store *, const char *);

char *
store_folder_path(struct store *st, const char *folder)
{
	return g_build_filename(st->dir, folder, NULL);
}

/* Unique Maildir name: time.MusecPpidQn.host */
char *
store_unique_name(struct store *st)
{
	gint64	 now = g_get_real_time();

	return g_strdup_printf("%" G_GINT64_FORMAT ".M%" G_GINT64_FORMAT
	    "P%ldQ%u.%s", now / G_USEC_PER_SEC, now % G_USEC_PER_SEC,
	    (long)getpid(), ++st->counter, st->host);
}

gboolean
store_folder_name_valid(const char *name)
{
	const char	*p;

	if (name == NULL || *name == '\0' || *name == '.' ||
	    strlen(name) > 200 || !g_utf8_validate(name, -1, NULL))
		return FALSE;
	for (p = name; *p != '\0'; p++)
		if (*p == '/' || (unsigned char)*p < 0x20 || *p == 0x7f)
			return FALSE;
	return TRUE;
}

static enum store_status
store_mkdir_maildir(struct store *st, const char *name)
{
	static const char *const subs[] = { "tmp", "new", "cur" };
	g_autofree char	*top = store_folder_path(st, name);
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(subs); i++) {
		g_autofree char *d = g_build_filename(top, subs[i], NULL);

		if (file_mkdir_p(d, 0700) != 0)
			return store_set_error(st, store_errno_status(errno),
			    "%s: %s", d, g_strerror(errno));
	}
	store_sweep_tmp(st, top);
	return STORE_OK;
}

/*
 * TRUE when a tmp/ file name is one of ours (store_unique_name) written on
 * this host by a process that is gone: a fetch, import or compose killed
 * before it renamed the file. A reused pid keeps the file (the age rule
 * takes it later); our own files are never touched.
 */
static gboolean
store_tmp_orphan(struct store *st, const char *name)
{
	const char	*p, *dot;
	char		*end;
	gint64		 pid;

	if ((p = strchr(name, '.')) == NULL || p[1] != 'M' ||
	    (p = strchr(p, 'P')) == NULL)
		return FALSE;
	pid = g_ascii_strtoll(p + 1, &end, 10);
	if (end == p + 1 || *end != 'Q' || pid <= 1 || pid > G_MAXINT32 ||
	    pid == (gint64)getpid())
		return FALSE;
	if ((dot = strchr(end, '.')) == NULL || strcmp(dot + 1, st->host) != 0)
		return FALSE;
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/*
 * Remove what crashed writers left in a folder's tmp/: files older than
 * 36 hours (the Maildir rule) and files of a writer that is gone.
 */
static void
store_sweep_tmp(struct store *st, const char *top)
{
	g_autofree char	*tmp = g_build_filename(top, "tmp", NULL);
	struct dirent	*de;
	struct stat	 sb;
	time_t		 now = time(NULL);
	DIR		*d;
	int		 fd;

	if ((d = opendir(tmp)) == NULL)
		return;
	fd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (fstatat(fd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(sb.st_mode))
			continue;
		if (now - sb.st_mtime > STORE_TMP_MAX_AGE ||
		    store_tmp_orphan(st, de->d_name)) {
			if (unlinkat(fd, de->d_name, 0) != 0 && errno != ENOENT)
				log_warn("store: %s/%s: %s", tmp, de->d_name,
				    g_strerror(errno));
		}
	}
	closedir(d);
}

void
store_sweep_folder(struct store *st, const char *folder)
{
	g_autofree char	*top = store_folder_path(st, folder);

	store_sweep_tmp(st, top);
}

enum store_status
store_folder_id(struct store *st, const char *name, gboolean create,
    int64_t *id)
{
	static const char sel[] = "SELECT id FROM folders WHERE name = ?";
	/* Another process may create the same folder at the same time. */
	static const char ins[] =
	    "INSERT INTO folders(name) VALUES (?) ON CONFLICT(name) DO NOTHING";
	sqlite3_stmt		*stmt;
	gpointer		 v;
	enum store_status	 s;
	int			 rc;

	if (g_hash_table_lookup_extended(st->folder_ids, name, NULL, &v)) {
		*id = (int64_t)GPOINTER_TO_SIZE(v);
		return STORE_OK;
	}
	if (!store_folder_name_valid(name))
		return store_set_error(st, STORE_ERR_INVALID,
		    _("invalid folder name \"%s\""), name);
	if ((stmt = store_stmt(st, sel)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(stmt, 0);
		sqlite3_reset(stmt);
		g_hash_table_insert(st->folder_ids, g_strdup(name),
		    GSIZE_TO_POINTER((gsize)*id));
		return STORE_OK;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, "folder");
	if (!create)
		return store_set_error(st, STORE_ERR_NOTFOUND,
		    _("no folder \"%s\""), name);
	if ((s = store_mkdir_maildir(st, name)) != STORE_OK)
		return s;
	if ((stmt = store_stmt(st, ins)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, "create folder");
	if ((stmt = store_stmt(st, sel)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_sql_error(st, rc, "create folder");
	g_hash_table_insert(st->folder_ids, g_strdup(name),
	    GSIZE_TO_POINTER((gsize)*id));
	return STORE_OK;
}

/* The standard folders (INBOX, Sent, Drafts, Outbox), made if missing. */
enum store_status
store_folder_std(struct store *st)
{
	enum store_status	 s;
	int64_t			 id;
	int			 i;

	for (i = 0; store_std_folders[i] != NULL; i++)
		if ((s = store_folder_id(st, store_std_folders[i], TRUE, &id))
		    != STORE_OK)
			return s;
	return STORE_OK;
}

char *
store_folder_name(struct store *st, int64_t id)
{
	static const char sql[] = "SELECT name FROM folders WHERE id = ?";
	sqlite3_stmt	*stmt;
	char		*name = NULL;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return NULL;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		name = g_strdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_reset(stmt);
	return name;
}

enum store_status
store_folder_create(struct store *st, const char *name)
{
	int64_t	 id;

	return store_folder_id(st, name, TRUE, &id);
}

void
store_folder_free(struct store_folder *f)
{
	if (f == NULL)
		return;
	g_free(f->name);
	g_free(f);
}

enum store_status
store_folders(struct store *st, GPtrArray **out)
{
	static const char sql[] =
	    "SELECT f.name, (SELECT count(*) FROM messages m"
	    "   WHERE m.folder_id = f.id),"
	    "  (SELECT count(*) FROM messages m WHERE m.folder_id = f.id"
	    "   AND (m.flags & 1) = 0)"
	    " FROM folders f ORDER BY CASE f.name WHEN 'INBOX' THEN 0"
	    "  WHEN 'Sent' THEN 1 WHEN 'Drafts' THEN 2 WHEN 'Outbox' THEN 3"
	    "  ELSE 4 END, f.name";
	sqlite3_stmt	*stmt;
	GPtrArray	*a;
	int		 rc;

	*out = NULL;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	a = g_ptr_array_new_with_free_func((GDestroyNotify)store_folder_free);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_folder *f = g_new0(struct store_folder, 1);

		f->name = g_strdup((const char *)sqlite3_column_text(stmt, 0));
		f->total = (guint64)sqlite3_column_int64(stmt, 1);
		f->unread = (guint64)sqlite3_column_int64(stmt, 2);
		g_ptr_array_add(a, f);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(a);
		return store_sql_error(st, rc, "folders");
	}
	*out = a;
	return STORE_OK;
}

/*
 * Every row of messages that comes, goes or changes folder changes its
 * folder's count in folder_counts (schema 11), in the same transaction.
 * Not a trigger: a trigger makes each message's INSERT open a statement
 * savepoint, at which FTS5 writes out the words it holds in memory (a
 * rebuild then wrote a segment per message; t1071).
 */
enum store_status
store_folder_count_add(struct store *st, int64_t id, int64_t delta)
{
	static const char sql[] =
	    "INSERT INTO folder_counts(folder_id, n) VALUES (?1, ?2)"
	    " ON CONFLICT(folder_id) DO UPDATE SET n = n + ?2";
	sqlite3_stmt	*stmt;
	int		 rc;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, delta);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, "folder count");
	return STORE_OK;
}

void
store_folder_touch(struct store *st, int64_t id)
{
	int64_t	*key;

	/* g_hash_table_add() would swap in a new key: free nothing it holds. */
	if (g_hash_table_contains(st->touched, &id))
		return;
	key = g_new(int64_t, 1);
	*key = id;
	g_hash_table_add(st->touched, key);
}

/* A directory's mtime in nanoseconds, -1 if it cannot be read. */
int64_t
store_folder_mtime(const char *path)
{
	struct stat	 sb;

	if (stat(path, &sb) != 0)
		return -1;
	return (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
}

/* fsync the new/ and cur/ directories of every folder the tx touched. */
void
store_folder_sync_touched(struct store *st)
{
	GHashTableIter	 it;
	gpointer	 k;

	g_hash_table_iter_init(&it, st->touched);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		g_autofree char *name = store_folder_name(st, *(int64_t *)k);
		g_autofree char *top = NULL, *n = NULL, *c = NULL;

		if (name == NULL)
			continue;
		top = store_folder_path(st, name);
		n = g_build_filename(top, "new", NULL);
		c = g_build_filename(top, "cur", NULL);
		file_fsync_dir(n);
		file_fsync_dir(c);
	}
}

/*
 * Record the directory mtimes of touched folders so that the next open
 * does not read them again. Runs inside the transaction that indexed our
 * own changes: anything renamed in by a process that died before its
 * commit leaves a different mtime behind.
 */
void
store_folder_record_mtimes(struct store *st)
{
	static const char sql[] =
	    "UPDATE folders SET new_mtime = ?, cur_mtime = ? WHERE id = ?";
	GHashTableIter	 it;
	gpointer	 k;
	sqlite3_stmt	*stmt;

	g_hash_table_iter_init(&it, st->touched);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		g_autofree char *name = store_folder_name(st, *(int64_t *)k);
		g_autofree char *top = NULL, *n = NULL, *c = NULL;

		if (name == NULL || (stmt = store_stmt(st, sql)) == NULL)
			continue;
		top = store_folder_path(st, name);
		n = g_build_filename(top, "new", NULL);
		c = g_build_filename(top, "cur", NULL);
		sqlite3_bind_int64(stmt, 1, store_folder_mtime(n));
		sqlite3_bind_int64(stmt, 2, store_folder_mtime(c));
		sqlite3_bind_int64(stmt, 3, *(int64_t *)k);
		sqlite3_step(stmt);
		sqlite3_reset(stmt);
	}
}

/*
 * TRUE when the folder of a row (name, new_mtime, cur_mtime) of the
 * folders table is as the index last read it: neither its new/ nor its
 * cur/ changed since.
 */
gboolean
store_folder_unchanged(struct store *st, sqlite3_stmt *row)
{
	g_autofree char	*top = store_folder_path(st, (const char *)
	    sqlite3_column_text(row, 0));
	g_autofree char	*n = g_build_filename(top, "new", NULL);
	g_autofree char	*c = g_build_filename(top, "cur", NULL);

	return store_folder_mtime(n) == sqlite3_column_int64(row, 1) &&
	    store_folder_mtime(c) == sqlite3_column_int64(row, 2);
}
