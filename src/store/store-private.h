/*
 * store-private.h: what the store's own files (store-queue.c, the outbox
 * queue's rows, included) share. Not a public contract.
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
 * The FTS table as a new or fully rebuilt index makes it: migration 1 of
 * store.c without prefix indexes, plus prefix indexes for 2 and 3
 * characters so that "bel*" reads one list instead of merging those of
 * every word it starts. An older index keeps its table until reindex
 * --full (converting it means tokenising all the text again).
 */
#define STORE_FTS_CREATE \
	"CREATE VIRTUAL TABLE msg_fts USING fts5(subject, sender, recipients," \
	"  body, attachments, tokenize='unicode61 remove_diacritics 2'," \
	"  prefix='2 3');"
/*
 * The same words without their positions (detail=column: which message,
 * which column), holding no copy of the text (content=''): what a search
 * with no phrase reads. A common word's list in msg_fts carries every
 * position of the word in every message; walking it to answer "a AND NOT
 * b" or "subject:a" read megabytes where this list is a few hundred
 * kilobytes. Rows are taken out with the 'delete' command and the text
 * that went in (read back from msg_fts, before its row goes).
 */
#define STORE_TERMS_CREATE \
	"CREATE VIRTUAL TABLE msg_terms USING fts5(subject, sender," \
	"  recipients, body, attachments," \
	"  tokenize='unicode61 remove_diacritics 2', prefix='2 3'," \
	"  detail=column, content='');"

struct store {
	char		*dir;
	sqlite3		*db;
	unsigned	 open_flags;
	char		*errmsg;
	char		*host;		/* for unique file names */
	guint		 counter;

	int		 tx_depth;	/* nested store_tx_begin() */
	gboolean	 tx_failed;
	GHashTable	*stmts;		/* sql text pointer -> sqlite3_stmt */
	GHashTable	*folder_ids;	/* name -> id (GINT_TO_POINTER) */
	GHashTable	*touched;	/* folder id set: record dir mtimes */
	GHashTable	*dirty_threads;	/* thread id set: refresh summary */
	GPtrArray	*tx_files;	/* files delivered in the open tx */
	GPtrArray	*tx_pending;	/* struct store_pending: still in tmp/ */
	GThreadPool	*parse_pool;	/* parses a batch's deliveries */
	GQueue		*parse_queue;	/* struct store_parse_job, in order */
	GMutex		 parse_lock;
	GCond		 parse_cond;
	int64_t		 next_thread;	/* 0: load from the database */
	GHashTable	*locks;		/* lock name -> fd */
	gboolean	 bulk;		/* import/reindex: defer thread work */
	int64_t		 data_version;	/* store_poll(): -1 before the first */
	gboolean	 tx_sync;	/* store_sync() asked inside the tx */
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
void		 store_pending_free(gpointer);
/*
 * Make the last commit durable against a power cut now, or, inside a
 * transaction, when it commits. Used for the outbox queue's transitions.
 */
enum store_status store_sync(struct store *);

/*
 * store-delivery.c: a batch's deliveries are parsed by worker threads and
 * indexed (in delivery order, on the caller's thread) as results come in;
 * drain indexes what is ready (all of it with wait), discard drops the
 * queue (rollback).
 */
enum store_status store_delivery_drain(struct store *, gboolean wait);
void		 store_delivery_discard(struct store *);

/* For the outbox: the index database handle (owned by the store). */
sqlite3		*store_db(struct store *);
/* Absolute path of folder's Maildir (g_free). */
char		*store_folder_path(struct store *, const char *folder);

/* store.c */
enum store_status store_set_error(struct store *, enum store_status,
		    const char *fmt, ...) G_GNUC_PRINTF(3, 4);
enum store_status store_sql_error(struct store *, int rc, const char *what);
enum store_status store_errno_status(int);
sqlite3_stmt	*store_stmt(struct store *, const char *sql);
enum store_status store_exec(struct store *, const char *sql);
enum store_status store_tx_begin(struct store *);
enum store_status store_tx_commit(struct store *);
void		 store_tx_rollback(struct store *);
/* Folder id, creating the folder (directory and row) if create. */
enum store_status store_folder_id(struct store *, const char *name,
		    gboolean create, int64_t *id);
char		*store_folder_name(struct store *, int64_t id);
void		 store_folder_touch(struct store *, int64_t id);
char		*store_unique_name(struct store *);
gboolean	 store_folder_name_valid(const char *);
/* Remove crash leftovers from folder's tmp/ (old, or their writer gone). */
void		 store_sweep_folder(struct store *, const char *folder);

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

/* store-uidl.c: durably record a locally deleted POP3 message. */
/*
 * Bounced messages, one line each in STORE_BOUNCES (append-only, fsynced):
 * base TAB reason TAB unix-time LF, base and reason %-escaped, an empty
 * reason for none. _read returns (base, reason or NULL) pairs, last wins.
 */
enum store_status store_bounce_record(struct store *, const char *base,
		    const char *reason);
GPtrArray	*store_bounce_read(struct store *);
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

#endif
