/*
 * store-queue.h: the outbox queue table in the store's SQLite database
 * (layer store). Rows only: the policy (when to send, retries, SMTP) is
 * smtp/outbox-*.c. The table is part of the store's schema (store.c's
 * migrations, under the one PRAGMA user_version): it exists whenever the
 * store is open.
 *
 * Every change is one SQLite statement (or transaction), so it commits on
 * its own unless the caller is inside store_begin()/store_commit(), where it
 * joins the batch (outbox_queue writes the Outbox file and the row that way).
 */
#ifndef SATCHEL_STORE_QUEUE_H
#define SATCHEL_STORE_QUEUE_H

#include <stdint.h>
#include <glib.h>

#include "store/store.h"

/*
 * The states of an entry (the policy behind each: smtp/outbox.h). The
 * column holds their names ("queued", "sending", "sent", "failed", "held").
 */
enum store_queue_state {
	STORE_QUEUE_QUEUED,
	STORE_QUEUE_SENDING,
	STORE_QUEUE_SENT,
	STORE_QUEUE_FAILED,
	STORE_QUEUE_HELD,
};
/* The column value (not translated). */
const char	*store_queue_state_name(enum store_queue_state);
/* From the column value; NULL or an unknown name is queued. */
enum store_queue_state store_queue_state_parse(const char *);

/*
 * What a deferred (queued) entry waits for. The fail_kind column holds
 * "server" or "network", NULL for none.
 */
enum store_queue_wait {
	STORE_QUEUE_WAIT_NONE,		/* never tried, or nothing to wait for */
	STORE_QUEUE_WAIT_SERVER,	/* the server said 4xx: backoff */
	STORE_QUEUE_WAIT_NETWORK,	/* no route, refused, DNS, TLS */
};
/* The column value: NULL for STORE_QUEUE_WAIT_NONE. */
const char	*store_queue_wait_name(enum store_queue_wait);
/* From the column value; NULL or unknown is STORE_QUEUE_WAIT_NONE. */
enum store_queue_wait store_queue_wait_parse(const char *);

/* One row of the queue table. Strings are raw (sanitise to show). */
struct store_queue_row {
	int64_t		 id;		/* queue id */
	int64_t		 msg_id;	/* store message (Outbox, then Sent) */
	char		*account;
	char		*from;		/* envelope sender */
	GPtrArray	*recipients;	/* char *, To + Cc + Bcc */
	char		*message_id;	/* without <> */
	char		*envid;		/* DSN ENVID (plain, not xtext) */
	char		*subject;	/* decoded UTF-8 */
	enum store_queue_state state;
	guint		 attempts;
	int64_t		 created;	/* Unix times; 0 = not set */
	int64_t		 next_try;
	int64_t		 last_try;
	int64_t		 sent_at;
	char		*last_error;	/* "451 4.3.0 text" or a local reason */
	char		*refused;	/* "addr: 550 5.1.1 text" per line; NULL */
	char		*bounce;	/* "addr: 5.1.1 diagnostic" from a DSN */
	enum store_queue_wait wait;	/* queued: what the retry waits for */
};
/* Free the row's members (the struct itself is the caller's). */
void		 store_queue_row_clear(struct store_queue_row *);
/* Free a row from this API; NULL is fine. */
void		 store_queue_row_free(struct store_queue_row *);

/* Insert row (id ignored); *id_out (may be NULL) gets the new id. */
enum store_status store_queue_insert(struct store *,
		    const struct store_queue_row *, int64_t *id_out);
/* The row id; STORE_ERR_NOTFOUND if none. *out: store_queue_row_free. */
enum store_status store_queue_get(struct store *, int64_t id,
		    struct store_queue_row **out);
/* The row whose Outbox/Sent message is msg_id. */
enum store_status store_queue_get_by_msg(struct store *, int64_t msg_id,
		    struct store_queue_row **out);

enum store_queue_list_flags {
	STORE_QUEUE_LIST_SENT = 1 << 0,	/* include sent rows */
	STORE_QUEUE_LIST_DUE = 1 << 1,	/* only queued rows, next_try <= now */
	STORE_QUEUE_LIST_QUEUED = 1 << 2, /* only queued rows */
	STORE_QUEUE_LIST_NETWORK = 1 << 3, /* with DUE: also queued rows
					   waiting for the network, due or not */
};
/* Rows by id (oldest first). *out: GPtrArray of struct store_queue_row *. */
enum store_status store_queue_list(struct store *, unsigned flags,
		    int64_t now, GPtrArray **out);
/* Number of rows in state. */
enum store_status store_queue_count(struct store *, enum store_queue_state,
		    guint *count);
/* Smallest next_try of queued rows; *found FALSE if none. */
enum store_status store_queue_next_try(struct store *, int64_t *next,
		    gboolean *found);

/*
 * A cheap fingerprint of the queue for watchers: the highest id (grows
 * when an entry is added) and the number of queued rows due at once
 * (next_try 0: new, retried or released).
 */
enum store_status store_queue_stamp(struct store *, int64_t *max_id,
		    guint *ready);

/*
 * Update the mutable columns of row id from row (state, msg_id, attempts,
 * next_try, last_try, sent_at, last_error, refused, bounce, wait).
 * STORE_ERR_NOTFOUND when there is no such row.
 */
enum store_status store_queue_update(struct store *,
		    const struct store_queue_row *);
/*
 * The same only while the row is still in state expect: STORE_ERR_NOTFOUND
 * when it is not any more (someone else changed it).
 */
enum store_status store_queue_update_if(struct store *,
		    const struct store_queue_row *,
		    enum store_queue_state expect);
enum store_status store_queue_delete(struct store *, int64_t id);

/*
 * The newest row a DSN may be about (store_queue_find_all's first);
 * STORE_ERR_NOTFOUND if none.
 */
enum store_status store_queue_find_sent(struct store *, const char *envid,
		    const char *message_id, struct store_queue_row **out);

/*
 * Every row a DSN may be about: those with envid, else those with
 * message_id (either may be NULL), newest first. *out: GPtrArray of
 * struct store_queue_row * (empty when none); a 4xx recipient's retry
 * entry shares both with the entry that was sent to the others.
 */
enum store_status store_queue_find_all(struct store *, const char *envid,
		    const char *message_id, GPtrArray **out);

/* DSN messages indexed since the last call (id > watermark). */
struct store_queue_dsn {
	int64_t		 msg_id;
	char		*original_message_id;
	char		*envid;
	char		*action;
	char		*status;
	char		*diagnostic;
	char		*recipient;
};
void		 store_queue_dsn_free(struct store_queue_dsn *);
/*
 * *out: GPtrArray of struct store_queue_dsn *; *last: highest message id
 * seen.
 */
enum store_status store_queue_dsn_since(struct store *, int64_t after,
		    GPtrArray **out, int64_t *last);
/*
 * A small named number of the queue's (the DSN watermark), in the
 * queue_marks table: 0 when never set.
 */
enum store_status store_queue_mark_get(struct store *, const char *key,
		    int64_t *value);
enum store_status store_queue_mark_set(struct store *, const char *key,
		    int64_t value);

/* Messages of sent rows still filed in folder: *out GArray of int64_t. */
enum store_status store_queue_sent_in(struct store *, const char *folder,
		    GArray **out);

/* Messages in folder that no queue row points to: *out GArray of int64_t. */
enum store_status store_queue_orphans(struct store *, const char *folder,
		    GArray **out);

#endif
