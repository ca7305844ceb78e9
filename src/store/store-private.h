/*
 * store-private.h: what the store's own files (store-queue.c, the outbox
 * queue's rows, included) share. Not a public contract.
 *
 * The store stands on four floors; a floor file calls only functions of
 * its own floor or those below it, never up (tools/check-store-floor.sh,
 * run by `make check`):
 *
 *	0 store-db.c	errors, statements, the database file, migrations
 *	1 store-folder.c folders, Maildir directories, unique names, tmp/ sweep
 *	2 store-tx.c	transactions and the batched flush at commit (the
 *			one floor file that calls up: to delivery's drain and
 *			discard and item's thread refresh)
 *	3 store.c	the store as a whole: its handle, open, close, locks
 *
 * Everything else (delivery, item, reader, reindex with store_open and
 * store_poll, query, thread, msg, uidl, sidefile, import, name, pattern,
 * addr, the queue) stands on them. struct store is made and freed by
 * store.c; its members are grouped below by the file that owns them.
 */
#ifndef SATCHEL_STORE_PRIVATE_H
#define SATCHEL_STORE_PRIVATE_H

#include <sqlite3.h>

#include "store/store.h"

struct mime_summary;

/* Maildir subdirectories a message file can live in. */
enum store_subdir {
	STORE_SUBDIR_NEW = 0,
	STORE_SUBDIR_CUR = 1,
};

/* Flags that live in the Maildir info suffix; the others only in the index. */
#define STORE_MAILDIR_FLAGS (STORE_FLAG_SEEN | STORE_FLAG_REPLIED | \
	STORE_FLAG_FLAGGED | STORE_FLAG_TRASHED | STORE_FLAG_DRAFT | \
	STORE_FLAG_PASSED)

/* Name of the file that records POP3 messages deleted locally. */
#define STORE_TOMBSTONES	"uidl-deleted"
/* Name of the file that records bounced messages (index-only flag). */
#define STORE_BOUNCES		"bounced"
#define STORE_INDEX		"index.sqlite"
/*
 * The FTS table as a new or fully rebuilt index makes it: the words with
 * their positions, which only a phrase needs (every other search reads
 * msg_terms below). So no prefix indexes here: a prefix inside a phrase
 * is rare and still answered, by merging the lists of the words it
 * starts. columnsize=0: no per-row column sizes, which only ranking
 * (bm25) reads, and results are ordered by date. An older index keeps
 * its table until reindex --full (converting it means tokenising all the
 * text again). store_fts_tune() sets how all three tables are written.
 */
#define STORE_FTS_CREATE \
	"CREATE VIRTUAL TABLE msg_fts USING fts5(subject, sender, recipients," \
	"  body, attachments, tokenize='unicode61 remove_diacritics 2'," \
	"  columnsize=0);"
/*
 * The same words without their positions (detail=column: which message,
 * which column), holding no copy of the text (content=''): what a search
 * with no phrase reads. A common word's list in msg_fts carries every
 * position of the word in every message; walking it to answer "a AND NOT
 * b" or "subject:a" read megabytes where this list is a few hundred
 * kilobytes. Prefix indexes for 2 and 3 characters, so that "bel*" reads
 * one list instead of merging those of every word it starts. Rows are
 * taken out with the 'delete' command and the text that went in (read
 * back from msg_fts, before its row goes).
 */
#define STORE_TERMS_CREATE \
	"CREATE VIRTUAL TABLE msg_terms USING fts5(subject, sender," \
	"  recipients, body, attachments," \
	"  tokenize='unicode61 remove_diacritics 2', prefix='2 3'," \
	"  detail=column, content='', columnsize=0);"
/*
 * The words of the subject, sender and recipients alone, with positions
 * (a phrase such as from:"Ann Lee" or an address), holding no copy of
 * the text: what subject:, from:, to: and cc: read. In msg_terms the
 * list of a word is that of every message with the word anywhere, the
 * body included; here it is the list of the few whose headers have it.
 * Rows go out like msg_terms's.
 */
#define STORE_HEAD_CREATE \
	"CREATE VIRTUAL TABLE msg_head USING fts5(subject, sender," \
	"  recipients, tokenize='unicode61 remove_diacritics 2'," \
	"  content='', columnsize=0);"

struct store {
	/* store.c */
	char		*dir;
	unsigned	 open_flags;
	GHashTable	*locks;		/* lock name -> fd */

	/* store-db.c */
	sqlite3		*db;
	char		*errmsg;
	GHashTable	*stmts;		/* sql text pointer -> sqlite3_stmt */

	/* store-folder.c */
	char		*host;		/* for unique file names */
	guint		 counter;
	GHashTable	*folder_ids;	/* name -> id (GINT_TO_POINTER) */
	GHashTable	*touched;	/* folder id set: record dir mtimes */

	/* store-tx.c */
	int		 tx_depth;	/* nested store_tx_begin() */
	gboolean	 tx_failed;
	GHashTable	*dirty_threads;	/* thread id set: refresh summary */
	GPtrArray	*tx_files;	/* files delivered in the open tx */
	GPtrArray	*tx_pending;	/* struct store_pending: still in tmp/ */
	gboolean	 tx_sync;	/* store_sync() asked inside the tx */

	/* store-delivery.c */
	GThreadPool	*parse_pool;	/* parses a batch's deliveries */
	GQueue		*parse_queue;	/* struct store_parse_job, in order */
	GMutex		 parse_lock;
	GCond		 parse_cond;

	/* store-item.c (reset by store-tx.c at begin) */
	int64_t		 next_thread;	/* 0: load from the database */

	/* store-reindex.c (read by store-tx.c at commit) */
	gboolean	 bulk;		/* reindex: mtimes recorded by itself */
	gboolean	 fts_bulk;	/* reindex: FTS tables tuned for bulk */
	int64_t		 data_version;	/* store_poll(): -1 before the first */
};

/* A message file read and parsed, ready to be indexed (no database use). */
struct store_item {
	char			*folder;
	int64_t			 folder_id;
	enum store_subdir	 subdir;
	char			*name;		/* file name in new/ or cur/ */
	char			*base;		/* name without the info suffix */
	char			*account;
	char			*uidl;
	unsigned		 flags;
	int64_t			 size;
	int64_t			 delivered;
	int64_t			 hash;
	gboolean		 blank;		/* only white space: no message */
	struct mime_summary	*sum;
};

/*
 * A delivery of a batch waiting in tmp/ (written, not yet synced) for
 * store_commit() to make it durable and rename it to dest.
 */
struct store_pending {
	char		*tmp;
	char		*dest;
};
/* store-db.c (floor 0) */
#define STORE_BUSY_TIMEOUT	10000	/* ms a statement waits for a lock */
enum store_status store_set_error(struct store *, enum store_status,
		    const char *fmt, ...) G_GNUC_PRINTF(3, 4);
enum store_status store_sql_error(struct store *, int rc, const char *what);
enum store_status store_errno_status(int);
/* For the outbox: the index database handle (owned by the store). */
sqlite3		*store_db(struct store *);
sqlite3_stmt	*store_stmt(struct store *, const char *sql);
void		 store_stmt_finalize(gpointer);
enum store_status store_exec(struct store *, const char *sql);
/*
 * How the FTS tables are written (merges, memory), for a bulk build or
 * for everyday additions; see store-db.c.
 */
void		 store_fts_tune(struct store *, gboolean bulk);
/* Open the index to write (made and migrated if need be) or to read. */
enum store_status store_db_open(struct store *, gboolean readonly);
/* Open it to query only (query_only): nothing is made or written. */
enum store_status store_db_open_query(struct store *);
/* Read-only, even as an immutable file when no -shm can be made. */
enum store_status store_db_open_fallback(struct store *);
gboolean	 store_db_current(struct store *);
/* Move a damaged index (and its -wal, -shm) aside under a dated name. */
void		 store_db_move_aside(struct store *);

/* store-folder.c (floor 1) */
/* Absolute path of folder's Maildir (g_free). */
char		*store_folder_path(struct store *, const char *folder);
/* Folder id, creating the folder (directory and row) if create. */
enum store_status store_folder_id(struct store *, const char *name,
		    gboolean create, int64_t *id);
char		*store_folder_name(struct store *, int64_t id);
enum store_status store_folder_std(struct store *);
void		 store_folder_touch(struct store *, int64_t id);
/* Add delta to folder id's count of messages (in the caller's batch). */
enum store_status store_folder_count_add(struct store *, int64_t id,
		    int64_t delta);
int64_t		 store_folder_mtime(const char *path);
/* TRUE: the folder of a row (name, new_mtime, cur_mtime) did not change. */
gboolean	 store_folder_unchanged(struct store *, sqlite3_stmt *row);
/* fsync the new/ and cur/ directories of every folder the tx touched. */
void		 store_folder_sync_touched(struct store *);
void		 store_folder_record_mtimes(struct store *);
char		*store_unique_name(struct store *);
gboolean	 store_folder_name_valid(const char *);
/* Remove crash leftovers from folder's tmp/ (old, or their writer gone). */
void		 store_sweep_folder(struct store *, const char *folder);

/* store-tx.c (floor 2) */
void		 store_pending_free(gpointer);
enum store_status store_tx_begin(struct store *);
enum store_status store_tx_commit(struct store *);
void		 store_tx_rollback(struct store *);
/* At close: an open batch rolled back, the parse workers gone. */
void		 store_tx_close(struct store *);
/*
 * Make the last commit durable against a power cut now, or, inside a
 * transaction, when it commits. Used for the outbox queue's transitions.
 */
enum store_status store_sync(struct store *);

/* store.c (floor 3): store_open() but the scan (*scan: run it). */
enum store_status store_open_index(const char *dir, unsigned flags,
		    struct store **out, gboolean *scan);

/*
 * store-delivery.c: a batch's deliveries are parsed by worker threads and
 * indexed (in delivery order, on the caller's thread) as results come in;
 * drain indexes what is ready (all of it with wait), discard drops the
 * queue (rollback).
 */
enum store_status store_delivery_drain(struct store *, gboolean wait);
void		 store_delivery_discard(struct store *);

/* store-name.c: Maildir file names. */
/* Base name: unique part plus the encoded origin; NULL if too long. */
char		*store_name_build(const char *unique, const char *account,
		    const char *uidl, gboolean partial);
void		 store_name_parse(const char *name, char **base,
		    char **account, char **uidl, unsigned *flags);
char		*store_name_with_flags(const char *name, unsigned flags);

/*
 * store-item.c: reading, parsing and indexing one message file; _read_mem
 * does the same for a message in memory (an unquoted mbox message).
 */
struct store_item *store_item_read_mem(GBytes *data);
struct store_item *store_item_read(const char *path, int64_t offset,
		    int64_t len);
void		 store_item_free(struct store_item *);
enum store_status store_item_insert(struct store *, struct store_item *,
		    int64_t replace_id, int64_t *id_out);
enum store_status store_item_delete_row(struct store *, int64_t id);
int64_t		 store_item_hash(const void *, size_t);
void		 store_item_thread_refresh(struct store *, int64_t thread_id);
/* Mark a thread's summary for refresh at commit. */
void		 store_item_dirty(struct store *, int64_t thread_id);

/*
 * store-reader.c: read and parse message files in worker threads, handed
 * back in order with a bounded look-ahead (memory stays flat).
 */
struct store_reader;
struct store_reader_job {
	char		*path;
	int64_t		 offset;	/* slice of the file (mbox) */
	int64_t		 len;		/* -1: the whole file */
	gboolean	 unquote;	/* mboxrd: ">From " lines lose one '>' */
	unsigned	 flags;		/* from mbox Status:/X-Status: */
	gboolean	 status;	/* the mbox message had a Status: */
	gpointer	 user;
};
struct store_reader_result {
	struct store_reader_job	*job;
	struct store_item	*item;	/* NULL: unreadable (errnum) */
	GBytes			*data;	/* the bytes to store, if not the slice */
	int			 errnum;
};
/* jobs: GPtrArray of struct store_reader_job (taken over). */
struct store_reader *store_reader_new(GPtrArray *jobs);
/* Next result in job order, NULL at the end. Free with _result_free. */
struct store_reader_result *store_reader_next(struct store_reader *);
void		 store_reader_result_free(struct store_reader_result *);
void		 store_reader_free(struct store_reader *);

/* store-reindex.c */
enum store_status store_reindex_bounces(struct store *);
enum store_status store_reindex_folder(struct store *, const char *folder,
		    gboolean full, gboolean force, store_progress_fn, void *,
		    struct store_progress *);

/*
 * store-sidefile.c: the append-only files next to the index. _append adds
 * one line durably; _read returns its lines as triples (field 1, field 2
 * or NULL when empty, field 3), a line cut short by a crash skipped.
 */
enum store_status store_sidefile_append(struct store *, const char *file,
		    const char *line);
GPtrArray	*store_sidefile_read(struct store *, const char *file);
/*
 * Bounced messages, one line each in STORE_BOUNCES (append-only, fsynced):
 * base TAB reason TAB unix-time LF, base and reason %-escaped, an empty
 * reason for none. _read returns (base, reason or NULL) pairs, last wins.
 */
enum store_status store_bounce_record(struct store *, const char *base,
		    const char *reason);
GPtrArray	*store_bounce_read(struct store *);

/* store-uidl.c: durably record a locally deleted POP3 message. */
enum store_status store_uidl_tombstone(struct store *, const char *account,
		    const char *uidl);

/* store-query.c: a query as an SQL condition on "messages m". */
struct store_query {
	struct store	*st;
	GString		*where;
	GPtrArray	*params;	/* struct store_query_param */
};
struct store_query_param {
	gboolean	 is_int;
	int64_t		 i;
	char		*s;
};
/* Bind the query's parameters to stmt starting at index first; next index. */
int		 store_query_bind(struct store_query *, sqlite3_stmt *,
		    int first);

/* store-msg.c */
struct store_msg *store_msg_from_row(struct store *, sqlite3_stmt *);
extern const char store_msg_columns[];
enum store_status store_msg_mark_bounced(struct store *, int64_t id,
		    int64_t thread_id, const char *reason);

#endif
