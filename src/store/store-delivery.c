/*
 * store-delivery.c: Maildir delivery. A message is written under a unique
 * name in tmp/, fsynced, renamed into new/ (or cur/ when it already has
 * flags) and indexed; the directory fsync and the index commit happen at
 * the end of the transaction. Inside a batch the file sync and the rename
 * wait for store_commit(), which does them for the whole batch at once.
 */
#include "satchel-config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "store/store-private.h"

/* Deliveries parsed ahead at most; more waits for the oldest. */
#define STORE_PARSE_WINDOW	256
#define STORE_PARSE_THREADS	2

struct store_parse_job {
	struct store_item	*item;		/* metadata; sum from parsed */
	char			*path;		/* the file in tmp/ */
	struct store_item	*parsed;	/* NULL: unreadable (errnum) */
	int			 errnum;
	gboolean		 done;
};

struct store_delivery {
	struct store	*st;
	char		*folder;
	int64_t		 folder_id;
	char		*unique;
	char		*tmp_path;
	int		 fd;
	guint64		 len;
};

static enum store_status store_delivery_finish(struct store_delivery *,
		    const char *, const char *, unsigned, int64_t, gboolean,
		    int64_t *);
static enum store_status store_delivery_close(struct store_delivery *,
		    gboolean);
static enum store_status store_delivery_dest(struct store_delivery *,
		    const char *, const char *, unsigned, char **, char **,
		    char **);
static void	 store_delivery_origin(struct store_delivery *,
		    struct store_item *, const char *, const char *,
		    const char *, const char *, unsigned);
static enum store_status store_delivery_queue(struct store_delivery *,
		    struct store_item *, char *);
static enum store_status store_delivery_index(struct store_delivery *,
		    struct store_item *, const char *, gboolean, int64_t,
		    int64_t *);
static gboolean	 store_delivery_uidl_valid(const char *);
static void	 store_parse_worker(gpointer, gpointer);
static void	 store_parse_job_free(struct store_parse_job *);
static enum store_status store_parse_insert(struct store *,
		    struct store_parse_job *);

static void
store_parse_job_free(struct store_parse_job *j)
{
	store_item_free(j->item);
	store_item_free(j->parsed);
	g_free(j->path);
	g_free(j);
}

static void
store_parse_worker(gpointer p, gpointer data)
{
	struct store_parse_job	*j = p;
	struct store		*st = data;
	struct store_item	*it;
	int			 e;

	errno = 0;
	it = store_item_read(j->path, 0, -1);
	e = errno;
	g_mutex_lock(&st->parse_lock);
	j->parsed = it;
	j->errnum = it == NULL ? (e != 0 ? e : EIO) : 0;
	j->done = TRUE;
	g_cond_broadcast(&st->parse_cond);
	g_mutex_unlock(&st->parse_lock);
}

/* Index one parsed delivery; a failure fails the whole batch. */
static enum store_status
store_parse_insert(struct store *st, struct store_parse_job *j)
{
	struct store_item	*it = j->item;
	enum store_status	 s;

	if (j->parsed == NULL) {
		st->tx_failed = TRUE;
		return store_set_error(st, store_errno_status(j->errnum),
		    "%s: %s", j->path, g_strerror(j->errnum));
	}
	it->size = j->parsed->size;
	it->hash = j->parsed->hash;
	it->sum = g_steal_pointer(&j->parsed->sum);
	if ((s = store_item_insert(st, it, 0, NULL)) != STORE_OK)
		st->tx_failed = TRUE;
	return s;
}

enum store_status
store_delivery_drain(struct store *st, gboolean wait)
{
	struct store_parse_job	*j;
	enum store_status	 s = STORE_OK;

	for (;;) {
		g_mutex_lock(&st->parse_lock);
		j = g_queue_peek_head(st->parse_queue);
		if (j != NULL && !j->done && (wait ||
		    g_queue_get_length(st->parse_queue) > STORE_PARSE_WINDOW))
			while (!j->done)
				g_cond_wait(&st->parse_cond, &st->parse_lock);
		if (j == NULL || !j->done) {
			g_mutex_unlock(&st->parse_lock);
			return s;
		}
		g_queue_pop_head(st->parse_queue);
		g_mutex_unlock(&st->parse_lock);
		if (s == STORE_OK)
			s = store_parse_insert(st, j);
		store_parse_job_free(j);
	}
}

void
store_delivery_discard(struct store *st)
{
	struct store_parse_job	*j;

	g_mutex_lock(&st->parse_lock);
	while ((j = g_queue_pop_head(st->parse_queue)) != NULL) {
		while (!j->done)
			g_cond_wait(&st->parse_cond, &st->parse_lock);
		store_parse_job_free(j);
	}
	g_mutex_unlock(&st->parse_lock);
}

/*
 * 1-70 printable ASCII characters. A space is allowed: the keys that pop3/
 * gives UIDLs breaking RFC 1939, and repeated ones, hold one.
 */
static gboolean
store_delivery_uidl_valid(const char *u)
{
	size_t	 n;

	if (u == NULL || (n = strlen(u)) == 0 || n > 70)
		return FALSE;
	for (; *u != '\0'; u++)
		if (*u < 0x20 || *u > 0x7e)
			return FALSE;
	return TRUE;
}

enum store_status
store_delivery_begin(struct store *st, const char *folder,
    struct store_delivery **out)
{
	struct store_delivery	*d;
	enum store_status	 s;
	g_autofree char		*top = NULL;
	int64_t			 fid;

	*out = NULL;
	if (folder == NULL)
		folder = STORE_INBOX;
	if ((s = store_folder_id(st, folder, FALSE, &fid)) != STORE_OK)
		return s;
	d = g_new0(struct store_delivery, 1);
	d->st = st;
	d->folder = g_strdup(folder);
	d->folder_id = fid;
	d->unique = store_unique_name(st);
	top = store_folder_path(st, folder);
	d->tmp_path = g_build_filename(top, "tmp", d->unique, NULL);
	d->fd = open(d->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600);
	if (d->fd < 0) {
		s = store_set_error(st, store_errno_status(errno), "%s: %s",
		    d->tmp_path, g_strerror(errno));
		g_clear_pointer(&d->tmp_path, g_free);
		store_delivery_abort(d);
		return s;
	}
	*out = d;
	return STORE_OK;
}

enum store_status
store_delivery_write(struct store_delivery *d, const void *buf, size_t len)
{
	if (d == NULL || d->fd < 0)
		return STORE_ERR_INVALID;
	if (file_write_all(d->fd, buf, len) != 0)
		return store_set_error(d->st, store_errno_status(errno),
		    "%s: %s", d->tmp_path, g_strerror(errno));
	d->len += len;
	return STORE_OK;
}

void
store_delivery_abort(struct store_delivery *d)
{
	if (d == NULL)
		return;
	if (d->fd >= 0)
		close(d->fd);
	if (d->tmp_path != NULL)
		unlink(d->tmp_path);
	g_free(d->tmp_path);
	g_free(d->unique);
	g_free(d->folder);
	g_free(d);
}

/*
 * Common end of commit and commit_replace: fsync, rename, index. Inside a
 * batch (and with defer) the file stays in tmp/ unsynced and is queued for
 * store_commit(), which syncs all of the batch's files at once and renames
 * them before the index commit. Frees d in every case.
 */
static enum store_status
store_delivery_finish(struct store_delivery *d, const char *account,
    const char *uidl, unsigned flags, int64_t replace_id, gboolean defer,
    int64_t *id_out)
{
	struct store		*st = d->st;
	struct store_item	*it;
	enum store_status	 s;
	g_autofree char		*base = NULL, *name = NULL, *dest = NULL;

	defer = defer && st->tx_depth > 0;
	if ((s = store_delivery_close(d, defer)) != STORE_OK ||
	    (s = store_delivery_dest(d, account, uidl, flags, &base, &name,
	    &dest)) != STORE_OK) {
		store_delivery_abort(d);
		return s;
	}
	if (defer && id_out == NULL && replace_id == 0) {
		/* Parsed by a worker, indexed by a later drain. */
		it = g_new0(struct store_item, 1);
		store_delivery_origin(d, it, name, base, account, uidl,
		    flags);
		return store_delivery_queue(d, it, g_steal_pointer(&dest));
	}
	/* Earlier deliveries of the batch first: keep the order. */
	if ((s = store_delivery_drain(st, TRUE)) != STORE_OK) {
		store_delivery_abort(d);
		return s;
	}
	if ((it = store_item_read(d->tmp_path, 0, -1)) == NULL) {
		s = store_set_error(st, store_errno_status(errno), "%s: %s",
		    d->tmp_path, g_strerror(errno));
		store_delivery_abort(d);
		return s;
	}
	store_delivery_origin(d, it, name, base, account, uidl, flags);
	s = store_delivery_index(d, it, dest, defer, replace_id, id_out);
	store_item_free(it);
	store_delivery_abort(d);
	if (s != STORE_OK)
		return s;
	return store_tx_commit(st);
}

/*
 * The tmp/ file written: fsynced (unless deferred, then the batch's commit
 * syncs it) and closed.
 */
static enum store_status
store_delivery_close(struct store_delivery *d, gboolean defer)
{
	int	 fd = d->fd;

	d->fd = -1;
	if ((!defer && fsync(fd) != 0) || close(fd) != 0) {
		int e = errno;

		if (!defer)
			close(fd);
		return store_set_error(d->st, store_errno_status(e),
		    "%s: %s", d->tmp_path, g_strerror(e));
	}
	return STORE_OK;
}

/*
 * The names the file takes: its base (unique part and origin), its name
 * (base and Maildir flags) and its path in new/ or cur/.
 */
static enum store_status
store_delivery_dest(struct store_delivery *d, const char *account,
    const char *uidl, unsigned flags, char **base, char **name, char **dest)
{
	g_autofree char	*top = NULL;

	*base = store_name_build(d->unique, account, uidl,
	    (flags & STORE_FLAG_PARTIAL) != 0);
	if (*base == NULL)
		return store_set_error(d->st, STORE_ERR_INVALID,
		    _("account name too long for a Maildir file name"));
	*name = (flags & STORE_MAILDIR_FLAGS) != 0 ?
	    store_name_with_flags(*base, flags) : g_strdup(*base);
	top = store_folder_path(d->st, d->folder);
	*dest = g_build_filename(top, (flags & STORE_MAILDIR_FLAGS) != 0 ?
	    "cur" : "new", *name, NULL);
	return STORE_OK;
}

/* Where the item goes and where it came from (the file says the rest). */
static void
store_delivery_origin(struct store_delivery *d, struct store_item *it,
    const char *name, const char *base, const char *account,
    const char *uidl, unsigned flags)
{
	it->folder = g_strdup(d->folder);
	it->folder_id = d->folder_id;
	it->subdir = (flags & STORE_MAILDIR_FLAGS) != 0 ? STORE_SUBDIR_CUR :
	    STORE_SUBDIR_NEW;
	it->name = g_strdup(name);
	it->base = g_strdup(base);
	it->account = g_strdup(account);
	it->uidl = g_strdup(uidl);
	it->flags = flags;
	it->delivered = (int64_t)time(NULL);
}

/*
 * A deferred delivery of a batch: the file waits in tmp/ for the commit,
 * a worker parses it and a drain indexes it in delivery order. Takes it
 * and dest; frees d.
 */
static enum store_status
store_delivery_queue(struct store_delivery *d, struct store_item *it,
    char *dest)
{
	struct store		*st = d->st;
	struct store_parse_job	*j;
	struct store_pending	*pe;

	if (st->tx_failed) {
		/* An earlier delivery failed: errmsg says why. */
		store_item_free(it);
		g_free(dest);
		store_delivery_abort(d);
		return STORE_ERR_DB;
	}
	if (st->parse_pool == NULL)
		st->parse_pool = g_thread_pool_new(store_parse_worker, st,
		    CLAMP(g_get_num_processors(), 1, STORE_PARSE_THREADS),
		    FALSE, NULL);
	j = g_new0(struct store_parse_job, 1);
	j->item = it;
	j->path = g_strdup(d->tmp_path);
	pe = g_new0(struct store_pending, 1);
	pe->tmp = g_steal_pointer(&d->tmp_path);
	pe->dest = dest;
	g_ptr_array_add(st->tx_pending, pe);
	store_folder_touch(st, d->folder_id);
	g_mutex_lock(&st->parse_lock);
	g_queue_push_tail(st->parse_queue, j);
	g_mutex_unlock(&st->parse_lock);
	g_thread_pool_push(st->parse_pool, j, NULL);
	store_delivery_abort(d);
	return store_delivery_drain(st, FALSE);
}

/*
 * The file into new/ or cur/ (now, or with defer at the batch's commit)
 * and its row into the index, under a savepoint of a transaction opened
 * here if none is. On failure both are undone and the transaction is
 * closed if it was ours; on success the caller commits it.
 */
static enum store_status
store_delivery_index(struct store_delivery *d, struct store_item *it,
    const char *dest, gboolean defer, int64_t replace_id, int64_t *id_out)
{
	struct store		*st = d->st;
	struct store_pending	*pe;
	enum store_status	 s;

	if ((s = store_tx_begin(st)) != STORE_OK)
		return s;
	if ((s = store_exec(st, "SAVEPOINT delivery")) != STORE_OK)
		goto fail_tx;
	if (defer) {
		pe = g_new0(struct store_pending, 1);
		pe->tmp = g_steal_pointer(&d->tmp_path);
		pe->dest = g_strdup(dest);
		g_ptr_array_add(st->tx_pending, pe);
	} else if (rename(d->tmp_path, dest) != 0) {
		s = store_set_error(st, store_errno_status(errno), "%s: %s",
		    dest, g_strerror(errno));
		goto fail_sp;
	} else {
		g_clear_pointer(&d->tmp_path, g_free);
		g_ptr_array_add(st->tx_files, g_strdup(dest));
	}
	store_folder_touch(st, d->folder_id);
	if ((s = store_item_insert(st, it, replace_id, id_out)) != STORE_OK) {
		if (defer)
			g_ptr_array_remove_index(st->tx_pending,
			    st->tx_pending->len - 1);
		else {
			unlink(dest);
			g_ptr_array_remove_index(st->tx_files,
			    st->tx_files->len - 1);
		}
		goto fail_sp;
	}
	store_exec(st, "RELEASE delivery");
	return STORE_OK;

fail_sp:
	sqlite3_exec(st->db, "ROLLBACK TO delivery; RELEASE delivery", NULL,
	    NULL, NULL);
fail_tx:
	/* Close the transaction if we opened it; a batch stays open. */
	if (st->tx_depth == 1)
		store_tx_rollback(st);
	else
		st->tx_depth--;
	return s;
}

enum store_status
store_delivery_commit(struct store_delivery *d,
    const struct store_origin *origin, unsigned flags, int64_t *id_out)
{
	if (d == NULL)
		return STORE_ERR_INVALID;
	if (origin != NULL && (origin->account == NULL ||
	    *origin->account == '\0' ||
	    !g_utf8_validate(origin->account, -1, NULL) ||
	    (origin->uidl != NULL &&
	    !store_delivery_uidl_valid(origin->uidl)))) {
		enum store_status s = store_set_error(d->st,
		    STORE_ERR_INVALID, _("invalid account or UIDL"));

		store_delivery_abort(d);
		return s;
	}
	return store_delivery_finish(d, origin != NULL ? origin->account :
	    NULL, origin != NULL ? origin->uidl : NULL,
	    flags & ~STORE_FLAG_BOUNCED, 0, TRUE, id_out);
}

enum store_status
store_delivery_commit_replace(struct store_delivery *d, int64_t replace_id,
    int64_t *id_out)
{
	static const char sql[] =
	    "SELECT m.account, m.uidl, m.flags, m.subdir, m.name, f.name,"
	    " m.folder_id FROM messages m JOIN folders f ON f.id = m.folder_id"
	    " WHERE m.id = ?";
	struct store		*st;
	sqlite3_stmt		*stmt;
	enum store_status	 s;
	g_autofree char		*account = NULL, *uidl = NULL, *old = NULL;
	g_autofree char		*folder = NULL;
	unsigned		 flags;
	int			 subdir;

	if (d == NULL)
		return STORE_ERR_INVALID;
	st = d->st;
	if ((stmt = store_stmt(st, sql)) == NULL) {
		store_delivery_abort(d);
		return STORE_ERR_DB;
	}
	sqlite3_bind_int64(stmt, 1, replace_id);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		sqlite3_reset(stmt);
		store_delivery_abort(d);
		return store_set_error(st, STORE_ERR_NOTFOUND,
		    _("no message %" PRId64), replace_id);
	}
	account = g_strdup((const char *)sqlite3_column_text(stmt, 0));
	uidl = g_strdup((const char *)sqlite3_column_text(stmt, 1));
	flags = (unsigned)sqlite3_column_int(stmt, 2) & ~STORE_FLAG_PARTIAL;
	subdir = sqlite3_column_int(stmt, 3);
	folder = g_strdup((const char *)sqlite3_column_text(stmt, 5));
	{
		g_autofree char *top = store_folder_path(st, folder);

		old = g_build_filename(top, subdir == STORE_SUBDIR_CUR ?
		    "cur" : "new", (const char *)sqlite3_column_text(stmt, 4),
		    NULL);
	}
	d->folder_id = sqlite3_column_int64(stmt, 6);
	sqlite3_reset(stmt);
	g_free(d->folder);
	d->folder = g_strdup(folder);
	/* The new file goes where the old one was: same folder. */
	{
		g_autofree char *top = store_folder_path(st, folder);
		g_autofree char *tmp = g_build_filename(top, "tmp", d->unique,
		    NULL);

		if (strcmp(tmp, d->tmp_path) != 0) {
			if (rename(d->tmp_path, tmp) != 0) {
				s = store_set_error(st,
				    store_errno_status(errno), "%s: %s", tmp,
				    g_strerror(errno));
				store_delivery_abort(d);
				return s;
			}
			g_free(d->tmp_path);
			d->tmp_path = g_steal_pointer(&tmp);
		}
	}
	/* Not deferred: the old file goes as soon as the new one is durable. */
	if ((s = store_delivery_finish(d, account, uidl, flags, replace_id,
	    FALSE, id_out)) != STORE_OK)
		return s;
	/* Only now is the full copy durable; the partial one can go. */
	if (unlink(old) != 0 && errno != ENOENT)
		log_warn("store: %s: %s", old, g_strerror(errno));
	return STORE_OK;
}

enum store_status
store_deliver(struct store *st, const char *folder, const void *data,
    size_t len, const struct store_origin *origin, unsigned flags,
    int64_t *id_out)
{
	struct store_delivery	*d;
	enum store_status	 s;

	if ((s = store_delivery_begin(st, folder, &d)) != STORE_OK)
		return s;
	if ((s = store_delivery_write(d, data, len)) != STORE_OK) {
		store_delivery_abort(d);
		return s;
	}
	return store_delivery_commit(d, origin, flags, id_out);
}
