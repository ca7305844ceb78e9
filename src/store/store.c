/*
 * store.c: the store as a whole, its floor 3: a handle on a directory,
 * opening it (the directory, the index, the standard folders; the quick
 * scan that follows is store_open() in store-reindex.c), closing it, and
 * the named locks. Calls only the floors below (store-db.c,
 * store-folder.c, store-tx.c; tools/check-store-floor.sh).
 */
#include "satchel-config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "store/store-private.h"

static gboolean	 store_open_current(struct store *);
static void	 store_lock_close(gpointer);

const char *
store_dir(struct store *st)
{
	return st->dir;
}

static void
store_lock_close(gpointer p)
{
	close(GPOINTER_TO_INT(p));
}

/*
 * TRUE when a read-only handle can serve as it is: the schema is the
 * current one and no folder's new/ or cur/ changed since the index last
 * read them (else the quick scan of a writing open has work to do).
 */
static gboolean
store_open_current(struct store *st)
{
	static const char sql[] =
	    "SELECT name, new_mtime, cur_mtime FROM folders";
	sqlite3_stmt	*stmt = NULL;
	gboolean	 ok;
	int		 rc;

	ok = store_db_current(st);
	if (!ok || sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) !=
	    SQLITE_OK)
		return FALSE;
	while (ok && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		ok = store_folder_unchanged(st, stmt);
	if (ok && rc != SQLITE_DONE)
		ok = FALSE;
	sqlite3_finalize(stmt);
	return ok;
}

/* A handle on dir with nothing open yet. */
static struct store *
store_new(const char *dir, unsigned flags)
{
	struct store	*st;
	char		 host[256];
	char		*p;

	st = g_new0(struct store, 1);
	st->dir = g_strdup(dir);
	st->open_flags = flags;
	st->stmts = g_hash_table_new_full(g_direct_hash, g_direct_equal,
	    NULL, store_stmt_finalize);
	st->folder_ids = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	st->touched = g_hash_table_new_full(g_int64_hash, g_int64_equal,
	    g_free, NULL);
	st->dirty_threads = g_hash_table_new_full(g_int64_hash,
	    g_int64_equal, g_free, NULL);
	st->tx_files = g_ptr_array_new_with_free_func(g_free);
	st->tx_pending = g_ptr_array_new_with_free_func(store_pending_free);
	st->parse_queue = g_queue_new();
	g_mutex_init(&st->parse_lock);
	g_cond_init(&st->parse_cond);
	st->locks = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    store_lock_close);
	if (gethostname(host, sizeof(host)) != 0)
		g_strlcpy(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	host[32] = '\0';
	for (p = host; *p != '\0'; p++)
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.')
			*p = '_';
	st->host = g_strdup(host);
	st->data_version = -1;
	return st;
}

/* The store directory exists (made if flags allow), is ours. */
static enum store_status
store_open_dir(struct store *st, const char *dir, unsigned flags)
{
	struct stat	sb;
	gboolean	readonly = (flags & STORE_OPEN_READONLY) != 0;

	if (stat(dir, &sb) != 0) {
		if (errno != ENOENT || (flags & STORE_OPEN_CREATE) == 0 ||
		    readonly)
			return store_set_error(st, store_errno_status(errno),
			    "%s: %s", dir, g_strerror(errno));
		if (file_mkdir_p(dir, 0700) != 0)
			return store_set_error(st, store_errno_status(errno),
			    "%s: %s", dir, g_strerror(errno));
	} else if (!S_ISDIR(sb.st_mode))
		return store_set_error(st, STORE_ERR_INVALID,
		    _("%s: not a directory"), dir);
	if (file_check_owner(dir) != 0)
		return store_set_error(st, STORE_ERR_PERM,
		    _("%s: owned by another user; refusing to use it"), dir);
	return STORE_OK;
}

/*
 * Nothing but reading a current index: no schema work, no write, no
 * Maildir scan, no message parsing. Kept apart from store_open() so that a
 * program that only searches links none of the writing code.
 */
enum store_status
store_open_query(const char *dir, struct store **out)
{
	struct store		*st;
	enum store_status	 s;

	*out = st = store_new(dir, STORE_OPEN_QUERY);
	if ((s = store_open_dir(st, dir, STORE_OPEN_READONLY)) != STORE_OK)
		return s;
	if ((s = store_db_open_query(st)) != STORE_OK)
		return s;
	if (!store_open_current(st))
		return store_set_error(st, STORE_ERR_INVALID, "%s: %s", dir,
		    _("the index is not current"));
	return STORE_OK;
}

/*
 * store_open() but its quick scan of the Maildir: *scan says whether the
 * caller (store_open() in store-reindex.c) has to run it.
 */
enum store_status
store_open_index(const char *dir, unsigned flags, struct store **out,
    gboolean *scan)
{
	struct store		*st;
	enum store_status	 s;
	gboolean		 readonly = (flags & STORE_OPEN_READONLY) != 0;

	*scan = FALSE;
	*out = st = store_new(dir, flags);
	if ((s = store_open_dir(st, dir, flags)) != STORE_OK)
		return s;
	if ((flags & STORE_OPEN_QUERY) != 0 && !readonly) {
		if (store_db_open_query(st) == STORE_OK &&
		    store_open_current(st))
			return STORE_OK;
		/* Not current: open it to write, as without the flag. */
		if (st->db != NULL)
			sqlite3_close(st->db);
		st->db = NULL;
		g_clear_pointer(&st->errmsg, g_free);
		st->open_flags &= ~(unsigned)STORE_OPEN_QUERY;
	}
	if ((flags & STORE_OPEN_RESET) != 0 && !readonly)
		store_db_move_aside(st);
	s = store_db_open(st, readonly);
	if (s == STORE_ERR_CORRUPT && (flags & STORE_OPEN_REBUILD) != 0) {
		sqlite3_close(st->db);
		st->db = NULL;
		g_hash_table_remove_all(st->stmts);
		store_db_move_aside(st);
		s = store_db_open(st, readonly);
	}
	if ((s == STORE_ERR_NOSPC || s == STORE_ERR_IO) && !readonly) {
		/*
		 * A full disk: the WAL (or its -shm) cannot be made. The
		 * mail must stay readable: open the index read-only, as it
		 * is on disk, and refuse writes.
		 */
		g_autofree char *why = g_strdup(store_errmsg(st));

		sqlite3_close(st->db);
		st->db = NULL;
		g_hash_table_remove_all(st->stmts);
		if (store_db_open_fallback(st) == STORE_OK) {
			log_warn(_("%s: %s; the index is open read-only"), dir,
			    why);
			st->open_flags |= STORE_OPEN_READONLY;
			return STORE_OK;
		}
		return store_set_error(st, s, "%s", why);
	}
	if (s != STORE_OK)
		return s;
	if (readonly)
		return STORE_OK;
	if ((s = store_folder_std(st)) != STORE_OK)
		return s;
	*scan = (flags & STORE_OPEN_NOSCAN) == 0;
	return STORE_OK;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	store_tx_close(st);
	g_queue_free(st->parse_queue);
	g_mutex_clear(&st->parse_lock);
	g_cond_clear(&st->parse_cond);
	g_hash_table_destroy(st->stmts);
	if (st->db != NULL)
		sqlite3_close(st->db);
	g_hash_table_destroy(st->folder_ids);
	g_hash_table_destroy(st->touched);
	g_hash_table_destroy(st->dirty_threads);
	g_ptr_array_unref(st->tx_files);
	g_ptr_array_unref(st->tx_pending);
	g_hash_table_destroy(st->locks);
	g_free(st->host);
	g_free(st->errmsg);
	g_free(st->dir);
	g_free(st);
}

enum store_status
store_lock(struct store *st, const char *name)
{
	g_autofree char	*file = NULL, *path = NULL;
	int		 fd;

	if (name == NULL || !store_folder_name_valid(name))
		return store_set_error(st, STORE_ERR_INVALID,
		    _("invalid lock name"));
	if (g_hash_table_contains(st->locks, name))
		return STORE_OK;
	file = g_strconcat(".lock-", name, NULL);
	path = g_build_filename(st->dir, file, NULL);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return store_set_error(st, store_errno_status(errno),
		    "%s: %s", path, g_strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;

		close(fd);
		if (e == EWOULDBLOCK)
			return store_set_error(st, STORE_ERR_BUSY,
			    _("%s is locked by another process"), path);
		return store_set_error(st, STORE_ERR_IO, "%s: %s", path,
		    g_strerror(e));
	}
	g_hash_table_insert(st->locks, g_strdup(name), GINT_TO_POINTER(fd));
	return STORE_OK;
}

void
store_unlock(struct store *st, const char *name)
{
	if (st != NULL && name != NULL)
		g_hash_table_remove(st->locks, name);
}
