/*
 * store-tx.c: transactions (batches), the store's floor 2: begin, commit
 * and rollback, nested as one; at commit the batch's deferred work is
 * flushed: deliveries still being parsed are indexed, files waiting in
 * tmp/ are synced and renamed, touched directories synced, dirty thread
 * summaries refreshed, and the WAL synced when asked (store_sync). The one
 * file of the floors that calls up, to store-delivery.c and store-item.c
 * for exactly that work (tools/check-store-floor.sh names the calls).
 */
#include "satchel-config.h"

#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "store/store-private.h"

/* Below this much free space a batch checkpoints the WAL after its commit. */
#define STORE_SPACE_LOW		((guint64)64 << 20)
/* A batch with fewer files is synced file by file, not with syncfs(). */
#define STORE_SYNCFS_MIN	32

static enum store_status store_flush_pending(struct store *);
static enum store_status store_sync_wal(struct store *);

void
store_pending_free(gpointer p)
{
	struct store_pending *pe = p;

	if (pe == NULL)
		return;
	if (pe->tmp != NULL)
		unlink(pe->tmp);
	g_free(pe->tmp);
	g_free(pe->dest);
	g_free(pe);
}

/*
 * Make the batch's files durable, then rename each into new/ or cur/; the
 * directory fsync and the index commit follow. A big batch takes one
 * syncfs() on the store's file system (one journal commit instead of one
 * per file; measured faster than an fdatasync per file, see
 * doc/bench/fetch.md); a small one an fdatasync per file, so that it does
 * not wait for what other programs have written to the same file system.
 * A crash before the renames leaves only tmp/ files (swept later, never
 * recorded as stored); a crash after some renames leaves complete files
 * that the next open indexes (their directory mtime changed).
 */
static enum store_status
store_flush_pending(struct store *st)
{
	guint	 i;
	int	 fd;

	if (st->tx_pending->len == 0)
		return STORE_OK;
	if (st->tx_pending->len < STORE_SYNCFS_MIN) {
		for (i = 0; i < st->tx_pending->len; i++) {
			struct store_pending *pe = st->tx_pending->pdata[i];

			if ((fd = open(pe->tmp, O_RDONLY | O_CLOEXEC)) < 0 ||
			    fdatasync(fd) != 0) {
				int e = errno;

				if (fd >= 0)
					close(fd);
				return store_set_error(st,
				    store_errno_status(e), "%s: %s", pe->tmp,
				    g_strerror(e));
			}
			close(fd);
		}
	} else {
		if ((fd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) <
		    0)
			return store_set_error(st, store_errno_status(errno),
			    "%s: %s", st->dir, g_strerror(errno));
		if (syncfs(fd) != 0) {
			int e = errno;

			close(fd);
			return store_set_error(st, store_errno_status(e),
			    "%s: %s", st->dir, g_strerror(e));
		}
		close(fd);
	}
	for (i = 0; i < st->tx_pending->len; i++) {
		struct store_pending *pe = st->tx_pending->pdata[i];

		if (pe->tmp == NULL)
			continue;
		if (rename(pe->tmp, pe->dest) != 0)
			return store_set_error(st, store_errno_status(errno),
			    "%s: %s", pe->dest, g_strerror(errno));
		g_clear_pointer(&pe->tmp, g_free);
		g_ptr_array_add(st->tx_files, g_steal_pointer(&pe->dest));
	}
	g_ptr_array_set_size(st->tx_pending, 0);
	return STORE_OK;
}

/*
 * The connections run with synchronous=NORMAL: in WAL mode a commit then
 * survives a crash of the process, but the WAL is synced only at
 * checkpoints, so a power cut can take back the last commits. That is
 * fine for what the Maildir can rebuild, not for the queue. This syncs
 * the WAL as synchronous=FULL does at each commit, for the commits that
 * need it. (The pragma itself cannot change inside a transaction.) The
 * sync goes through SQLite's own handle of the WAL: no descriptor of the
 * index files is opened or closed here.
 */
static enum store_status
store_sync_wal(struct store *st)
{
	sqlite3_file	*wal = NULL;
	int		 rc;

	rc = sqlite3_file_control(st->db, "main",
	    SQLITE_FCNTL_JOURNAL_POINTER, &wal);
	if (rc != SQLITE_OK || wal == NULL || wal->pMethods == NULL)
		return STORE_OK;	/* no WAL open: nothing pending */
	rc = wal->pMethods->xSync(wal, SQLITE_SYNC_FULL);
	if (rc != SQLITE_OK)
		return store_sql_error(st, rc, "sync");
	return STORE_OK;
}

enum store_status
store_sync(struct store *st)
{
	if (st->tx_depth > 0) {
		st->tx_sync = TRUE;
		return STORE_OK;
	}
	return store_sync_wal(st);
}

enum store_status
store_tx_begin(struct store *st)
{
	enum store_status	 s;

	if (st->tx_depth++ > 0)
		return STORE_OK;
	st->tx_failed = FALSE;
	st->tx_sync = FALSE;
	st->next_thread = 0;
	if ((s = store_exec(st, "BEGIN IMMEDIATE")) != STORE_OK) {
		st->tx_depth = 0;
		return s;
	}
	return STORE_OK;
}

enum store_status
store_tx_commit(struct store *st)
{
	GHashTableIter		 it;
	gpointer		 k;
	enum store_status	 s;

	if (st->tx_depth == 0)
		return STORE_OK;
	if (--st->tx_depth > 0)
		return STORE_OK;
	if ((s = store_delivery_drain(st, TRUE)) != STORE_OK) {
		st->tx_depth = 1;
		store_tx_rollback(st);
		return s;
	}
	if (st->tx_failed) {
		st->tx_depth = 1;
		store_tx_rollback(st);
		return STORE_ERR_DB;
	}
	if ((s = store_flush_pending(st)) != STORE_OK) {
		st->tx_depth = 1;
		store_tx_rollback(st);
		return s;
	}
	store_folder_sync_touched(st);
	g_hash_table_iter_init(&it, st->dirty_threads);
	while (g_hash_table_iter_next(&it, &k, NULL))
		store_item_thread_refresh(st, *(int64_t *)k);
	g_hash_table_remove_all(st->dirty_threads);
	if (st->tx_failed) {
		st->tx_depth = 1;
		store_tx_rollback(st);
		return STORE_ERR_DB;
	}
	/* Reindex records the mtimes it read before its scan itself. */
	if (!st->bulk)
		store_folder_record_mtimes(st);
	if ((s = store_exec(st, "COMMIT")) != STORE_OK) {
		st->tx_depth = 1;
		store_tx_rollback(st);
		return s;
	}
	g_hash_table_remove_all(st->touched);
	g_ptr_array_set_size(st->tx_files, 0);
	if (st->tx_sync) {
		st->tx_sync = FALSE;
		return store_sync_wal(st);
	}
	return STORE_OK;
}

void
store_tx_rollback(struct store *st)
{
	guint	 i;

	if (st->tx_depth == 0)
		return;
	st->tx_depth = 0;
	store_delivery_discard(st);
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	/* The batch's files must not stay: nothing recorded them. */
	for (i = 0; i < st->tx_files->len; i++)
		unlink(g_ptr_array_index(st->tx_files, i));
	g_ptr_array_set_size(st->tx_files, 0);
	g_ptr_array_set_size(st->tx_pending, 0);	/* unlinks tmp/ */
	g_hash_table_remove_all(st->touched);
	g_hash_table_remove_all(st->dirty_threads);
	g_hash_table_remove_all(st->folder_ids);
}

/*
 * The end of the batch machinery when the store closes: an open batch
 * rolled back, the parse queue dropped, the parse workers gone.
 */
void
store_tx_close(struct store *st)
{
	if (st->tx_depth > 0)
		store_tx_rollback(st);
	store_delivery_discard(st);
	if (st->parse_pool != NULL)
		g_thread_pool_free(st->parse_pool, FALSE, TRUE);
	st->parse_pool = NULL;
}

/*
 * Bytes a batch may write before it is committed: an eighth of the space
 * left on the store's file system. The index takes about as many bytes
 * again (the text for search), first in the WAL and later in the database,
 * so this keeps room for the commit. Near a full disk each message becomes
 * a batch of its own.
 */
guint64
store_space_budget(struct store *st)
{
	struct statvfs	 sv;
	guint64		 left;

	if (statvfs(st->dir, &sv) != 0)
		return G_MAXUINT64;
	left = (guint64)sv.f_bavail * (guint64)sv.f_frsize;
	if (left < STORE_SPACE_LOW && st->tx_depth == 0 &&
	    sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    NULL, NULL) == SQLITE_OK && statvfs(st->dir, &sv) == 0) {
		/* Checkpointed: the WAL is reused instead of growing. */
		left = (guint64)sv.f_bavail * (guint64)sv.f_frsize;
	}
	return left / 8;
}

enum store_status
store_begin(struct store *st)
{
	return store_tx_begin(st);
}

enum store_status
store_commit(struct store *st)
{
	return store_tx_commit(st);
}

void
store_rollback(struct store *st)
{
	store_tx_rollback(st);
}
