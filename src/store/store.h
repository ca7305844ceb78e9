/*
 * store.h: the local mail store, a Maildir per folder plus a SQLite index.
 * Depends on util and mime. The only module that includes sqlite3.h.
 *
 * Invariants (DESIGN.md 1-3): a delivery is durable (file fsynced, renamed
 * into new/ or cur/, directory fsynced, index row and UIDL committed) before
 * store_commit() or an unbatched store_delivery_commit() returns STORE_OK;
 * the Maildir plus the (account, UIDL) recorded with each file is the truth
 * and the index can always be rebuilt from it by store_reindex().
 *
 * Strings in returned structs are UTF-8, decoded but NOT sanitised for the
 * terminal: the UI and CLI sanitise before drawing or printing.
 */
#ifndef SATCHEL_STORE_H
#define SATCHEL_STORE_H

#include <stdint.h>
#include <glib.h>

struct store;
struct store_delivery;
struct store_query;

enum store_status {
	STORE_OK = 0,
	STORE_ERR_IO,		/* read/write/fsync failed */
	STORE_ERR_NOSPC,	/* disk full: nothing already stored was lost */
	STORE_ERR_DB,		/* SQLite error */
	STORE_ERR_CORRUPT,	/* index unreadable: run reindex */
	STORE_ERR_BUSY,		/* another process holds the lock */
	STORE_ERR_NOTFOUND,	/* no such message, folder or path */
	STORE_ERR_QUERY,	/* search syntax error (message in GError) */
	STORE_ERR_PERM,		/* store owned by someone else, or not writable */
	STORE_ERR_INVALID,	/* bad argument (folder name, UIDL) */
};
const char	*store_strerror(enum store_status);
/* Detail of the last error on this handle (names the file); never NULL. */
const char	*store_errmsg(struct store *);

enum store_open_flags {
	STORE_OPEN_CREATE = 1 << 0,	/* create the directory (0700) if missing */
	STORE_OPEN_READONLY = 1 << 1,
	STORE_OPEN_REBUILD = 1 << 2,	/* a damaged index is moved aside, started anew */
	STORE_OPEN_NOSCAN = 1 << 3,	/* skip the quick Maildir check at open */
	STORE_OPEN_RESET = 1 << 4,	/* move the index aside, start anew (reindex) */
	/*
	 * Only to read (search): the index is opened read-only, no schema
	 * work, no write, when it is current (schema up to date, every
	 * folder's new/ and cur/ unchanged since it last read them);
	 * otherwise the store opens as without this flag.
	 */
	STORE_OPEN_QUERY = 1 << 5,
};
/*
 * Open the store at dir. Creates INBOX, Sent, Drafts and Outbox folders,
 * sweeps stale tmp/ files, migrates the schema. A handle is used by one
 * thread at a time; other threads open their own handle. On failure *out
 * may still be set so store_errmsg() can explain; store_close() it.
 */
enum store_status store_open(const char *dir, unsigned flags,
		    struct store **out);
/*
 * Open the store at dir only if its index can be searched as it is
 * (STORE_OPEN_QUERY's fast case): read-only, no write, no schema work.
 * Anything else (no index, an old schema, a folder changed since the index
 * last read it, an error) fails; store_open() then does the full work.
 * Needs none of the writing or parsing code.
 */
enum store_status store_open_query(const char *dir, struct store **out);
void		 store_close(struct store *);	/* NULL is fine */
/* PRAGMA quick_check of the index (reads it all): STORE_ERR_CORRUPT if damaged. */
enum store_status store_check(struct store *);
const char	*store_dir(struct store *);
/*
 * TRUE when path is the index of the store in dir, or its -wal or -shm
 * (by device and inode; only stat(), never open()). Nothing outside SQLite
 * may open these files: closing any descriptor of them drops the process's
 * SQLite locks. Callers refuse such a path (an attachment, an import).
 */
gboolean	 store_path_is_index(const char *dir, const char *path);
/*
 * Has the store changed under this handle since the last call? *changed
 * is TRUE when another connection (another process, another thread's
 * handle) committed (PRAGMA data_version), or when a Maildir directory
 * (new/ or cur/) was changed by another program (mutt, notmuch: a flag is
 * a rename in cur/); those folders are read again, as at store_open(). The
 * cost is one statement and two stat() per folder: no file is read unless
 * its directory changed. STORE_ERR_BUSY: another process is writing, ask
 * again later; STORE_ERR_CORRUPT: the index is damaged.
 */
enum store_status store_poll(struct store *, gboolean *changed);

#define STORE_INBOX	"INBOX"
#define STORE_SENT	"Sent"
#define STORE_DRAFTS	"Drafts"
#define STORE_OUTBOX	"Outbox"

enum store_flags {
	STORE_FLAG_SEEN = 1 << 0,	/* Maildir S */
	STORE_FLAG_REPLIED = 1 << 1,	/* Maildir R */
	STORE_FLAG_FLAGGED = 1 << 2,	/* Maildir F */
	STORE_FLAG_TRASHED = 1 << 3,	/* Maildir T */
	STORE_FLAG_DRAFT = 1 << 4,	/* Maildir D */
	STORE_FLAG_PASSED = 1 << 5,	/* Maildir P (forwarded) */
	STORE_FLAG_PARTIAL = 1 << 8,	/* headers only (POP3 TOP); body on demand */
	STORE_FLAG_BOUNCED = 1 << 9,	/* a DSN reported this sent message failed */
};
/*
 * PARTIAL lives in the file name; BOUNCED (and bounce_reason) in the index
 * and, so that a rebuilt index keeps them, in the file "bounced" next to
 * the Maildir folders.
 */

struct store_folder {
	char		*name;
	guint64		 total;
	guint64		 unread;
};
void		 store_folder_free(struct store_folder *);
/* All folders, the four standard ones first. *out: GPtrArray of store_folder, owns them. */
enum store_status store_folders(struct store *, GPtrArray **out);
/* Create a folder (Maildir) if missing. Names: no '/', not starting with '.'. */
enum store_status store_folder_create(struct store *, const char *name);

struct store_msg {
	int64_t		 id;
	char		*folder;
	char		*account;	/* NULL unless fetched by POP3 */
	char		*uidl;		/* NULL unless fetched by POP3 */
	char		*message_id;	/* without <> */
	char		*in_reply_to;
	char		*references;	/* space separated, without <> */
	int64_t		 date;		/* Unix time (Date:, else delivery time) */
	char		*from;		/* display form: "Name" or addr */
	char		*from_addr;
	char		*to;		/* decoded address list as text */
	char		*cc;
	char		*subject;
	int64_t		 size;
	unsigned	 flags;		/* enum store_flags */
	gboolean	 has_attachment;
	char		*snippet;
	int64_t		 thread_id;
	int		 depth;		/* in store_thread_messages(): 0 = root */
	char		*path;		/* absolute path of the Maildir file */
	char		*bounce_reason;	/* with STORE_FLAG_BOUNCED */
};
void		 store_msg_free(struct store_msg *);
enum store_status store_msg_get(struct store *, int64_t id,
		    struct store_msg **out);
enum store_status store_msg_by_message_id(struct store *, const char *msgid,
		    struct store_msg **out);
/*
 * Messages marked deleted (Maildir T, by us in any session or by another
 * Maildir reader) in folder (NULL: every folder), by folder then date.
 * *out: GPtrArray of store_msg (owned, freed by unref).
 */
enum store_status store_msg_trashed(struct store *, const char *folder,
		    GPtrArray **out);
/* Set and clear flags; mirrored to the Maildir info suffix (:2,FRS). */
enum store_status store_msg_set_flags(struct store *, int64_t id,
		    unsigned set, unsigned clear);
enum store_status store_msg_move(struct store *, int64_t id,
		    const char *folder);
/*
 * A copy of the message in folder (which must exist): the same bytes, its
 * flags but deleted (T), as a new message with its own id (*id_out, may
 * be NULL). A headers-only message (PARTIAL) is refused (STORE_ERR_INVALID):
 * the copy could never get its body.
 */
enum store_status store_msg_copy(struct store *, int64_t id,
		    const char *folder, int64_t *id_out);
/*
 * Delete the file and the row. The (account, UIDL) stays known so keep mode
 * never fetches it again; it is queued for server deletion when the account
 * has delete_on_server_when_deleted (see store_uidl_*).
 */
enum store_status store_msg_delete(struct store *, int64_t id);
enum store_status store_msg_set_bounce(struct store *, int64_t id,
		    const char *reason);

/* Where a delivered message came from (POP3), or NULL for local mail. */
struct store_origin {
	const char	*account;
	const char	*uidl;		/* validated by the caller: 1-70 printable */
};

/*
 * Streaming delivery: begin writes a unique file in the folder's tmp/,
 * write appends (raw RFC 5322 bytes, any line ending), commit fsyncs,
 * renames, indexes and records the origin. abort removes the file.
 * flags: initial enum store_flags. id_out may be NULL.
 */
enum store_status store_delivery_begin(struct store *, const char *folder,
		    struct store_delivery **out);
enum store_status store_delivery_write(struct store_delivery *,
		    const void *buf, size_t len);
enum store_status store_delivery_commit(struct store_delivery *,
		    const struct store_origin *, unsigned flags,
		    int64_t *id_out);
/* Commit as the new content of message replace_id (a PARTIAL body fetch). */
enum store_status store_delivery_commit_replace(struct store_delivery *,
		    int64_t replace_id, int64_t *id_out);
void		 store_delivery_abort(struct store_delivery *);	/* NULL is fine */
/* One call for a message in memory. */
enum store_status store_deliver(struct store *, const char *folder,
		    const void *data, size_t len, const struct store_origin *,
		    unsigned flags, int64_t *id_out);

/*
 * Batches: deliveries between begin and commit share one transaction, one
 * file-system sync and one directory fsync; their files stay in tmp/ and
 * appear in new/ or cur/ at store_commit(). Nothing in the batch may be
 * treated as durable (no DELE, no "queued" to the user) until
 * store_commit() returns STORE_OK. store_rollback() removes the batch's
 * files.
 */
enum store_status store_begin(struct store *);
/* Bytes a batch should write at most before a commit (space left / 8). */
guint64		 store_space_budget(struct store *);
enum store_status store_commit(struct store *);
void		 store_rollback(struct store *);

/* UIDLs an account has stored (or stored then deleted locally). */
struct store_uidl {
	char		*uidl;
	int64_t		 stored_at;	/* Unix time it became durable */
	gboolean	 deleted_locally; /* the user deleted the message */
};
void		 store_uidl_free(struct store_uidl *);
/* *out: set (GHashTable of char* -> struct store_uidl*) owned by caller. */
enum store_status store_uidl_known(struct store *, const char *account,
		    GHashTable **out);
/* The server no longer has it (deleted by us): forget it. */
enum store_status store_uidl_forget(struct store *, const char *account,
		    const char *uidl);
/*
 * For servers without UIDL: the content hash the index keeps (the first 8
 * bytes of a finished SHA-1 checksum of the message bytes, g_checksum_new
 * (G_CHECKSUM_SHA1)), and whether a message of the account with that hash
 * and no UIDL was stored at or after since.
 */
int64_t		 store_uidl_content_hash(GChecksum *sha1);
enum store_status store_uidl_seen_hash(struct store *, const char *account,
		    int64_t hash, int64_t since, gboolean *found);

/*
 * Search. query uses the syntax of satchel(1) (words, "phrases", from:,
 * to:, subject:, date:A..B, is:unread|read|flagged|replied, has:attachment,
 * folder:, account:, AND/OR/NOT, parentheses); NULL or "" matches all.
 * folder limits to one folder (NULL: all). A syntax error returns
 * STORE_ERR_QUERY with a readable message in *err.
 */
enum store_sort {
	STORE_SORT_DATE_DESC,
	STORE_SORT_DATE_ASC,
	STORE_SORT_FROM,
	STORE_SORT_SUBJECT,
	STORE_SORT_SIZE,
};
/* Domain of the GError a syntax error sets. */
GQuark		 store_query_error_quark(void);
enum store_status store_query_new(struct store *, const char *query,
		    const char *folder, struct store_query **out, GError **err);
enum store_status store_query_count(struct store_query *, guint64 *count);
/*
 * SQLite's plan (EXPLAIN QUERY PLAN, one step a line) for the count, or for
 * the first page of limit in sort order: for tests and benchmarks.
 */
enum store_status store_query_plan(struct store_query *, gboolean count,
		    enum store_sort, guint limit, char **plan);
/* *msgs: GPtrArray of store_msg (owned, freed by unref). */
enum store_status store_query_page(struct store_query *, enum store_sort,
		    guint64 offset, guint limit, GPtrArray **msgs);
void		 store_query_free(struct store_query *);
/*
 * TRUE when the query looks in the text index (words, phrases, subject:
 * and the like), where encrypted messages have only their headers unless
 * their text was indexed (mime_set_summary_flags()).
 */
gboolean	 store_query_has_text(const struct store_query *);

/* Threads (conversations), newest activity first. */
struct store_thread {
	int64_t		 id;
	int64_t		 last_date;
	guint		 count;
	guint		 unread;
	unsigned	 flags;		/* OR of the messages' flags */
	char		*subject;	/* of the root (or oldest) message */
	char		*authors;	/* comma separated display names */
	int64_t		 newest_msg_id;
};
void		 store_thread_free(struct store_thread *);
enum store_status store_threads_page(struct store *, const char *folder,
		    const char *query, guint64 offset, guint limit,
		    GPtrArray **out, GError **err);
/*
 * The same in another order: by the newest message (STORE_SORT_DATE_DESC,
 * as store_threads_page, or _ASC), by the oldest message's sender or
 * subject (FROM, SUBJECT), or by the thread's size (SIZE), largest first.
 */
enum store_status store_threads_page_sorted(struct store *,
		    const char *folder, const char *query, enum store_sort,
		    guint64 offset, guint limit, GPtrArray **out,
		    GError **err);
enum store_status store_threads_count(struct store *, const char *folder,
		    const char *query, guint64 *count, GError **err);
/* The thread's messages in tree order (store_msg.depth set). */
enum store_status store_thread_messages(struct store *, int64_t thread_id,
		    GPtrArray **msgs);
/*
 * The thread's messages that a view of folder (NULL: every folder) limited
 * by query (NULL or "": none) shows, by date: what an operation on the
 * collapsed thread acts on. Copies in other folders are left out.
 */
enum store_status store_thread_messages_in(struct store *,
		    int64_t thread_id, const char *folder, const char *query,
		    GPtrArray **msgs, GError **err);

/* Import and reindex, with progress. */
struct store_progress {
	guint64		 done;		/* items looked at */
	guint64		 total;		/* 0 if unknown */
	guint64		 bytes;
	guint64		 imported;
	guint64		 duplicates;
	guint64		 unreadable;
	guint64		 skipped;	/* not regular files (links, FIFOs...) */
	guint64		 empty;		/* blank: not a message, skipped */
	guint64		 unchanged;	/* sources skipped as already read */
	const char	*current;	/* path being read, may be NULL */
};
typedef void	(*store_progress_fn)(const struct store_progress *, void *);
/*
 * Import a Maildir (directory with cur/ new/) or an mbox file into folder
 * (NULL: INBOX). A message already in the store (same Message-ID and same
 * content hash) counts as a duplicate and is not added again.
 */
enum store_status store_import(struct store *, const char *path,
		    const char *folder, store_progress_fn, void *,
		    struct store_progress *result);
/*
 * Rebuild the index from the Maildir folders. full = FALSE looks only at
 * directories whose modification time changed since the last scan.
 */
enum store_status store_reindex(struct store *, gboolean full,
		    store_progress_fn, void *, struct store_progress *result);

/* Cross-process lock for one job (e.g. "fetch"); STORE_ERR_BUSY if held. */
enum store_status store_lock(struct store *, const char *name);
void		 store_unlock(struct store *, const char *name);

#endif
