/*
 * queue.h: the outbox queue table in the store's SQLite database. Rows only:
 * the policy (states, retries, SMTP) lives in smtp/outbox.c. Depends on
 * store. The table is created on first use with a version row in
 * queue_meta and migrated from there.
 *
 * Every change is one SQLite statement (or transaction), so it commits on
 * its own unless the caller is inside store_begin()/store_commit(), where it
 * joins the batch (outbox_queue writes the Outbox file and the row that way).
 */
#ifndef SATCHEL_QUEUE_H
#define SATCHEL_QUEUE_H

#include <stdint.h>
#include <glib.h>

#include "store/store.h"

#define QUEUE_SCHEMA_VERSION	2

/* State names stored in the table. */
#define QUEUE_QUEUED	"queued"
#define QUEUE_SENDING	"sending"
#define QUEUE_SENT	"sent"
#define QUEUE_FAILED	"failed"
#define QUEUE_HELD	"held"

/* What a deferred (queued) entry waits for: fail_kind (NULL: nothing). */
#define QUEUE_WAIT_SERVER	"server"	/* a 4xx reply: backoff */
#define QUEUE_WAIT_NETWORK	"network"	/* no route, refused, DNS, TLS */

struct queue_row {
	int64_t		 id;
	int64_t		 msg_id;
	char		*account;
	char		*from;
	GPtrArray	*recipients;	/* char * */
	char		*message_id;
	char		*envid;
	char		*subject;
	char		*state;		/* one of QUEUE_* */
	guint		 attempts;
	int64_t		 created;
	int64_t		 next_try;
	int64_t		 last_try;
	int64_t		 sent_at;
	char		*last_error;
	char		*refused;
	char		*bounce;
	char		*fail_kind;	/* QUEUE_WAIT_*, or NULL (version 2) */
};
void		 queue_row_free(struct queue_row *);

/* Create or migrate the table. Called by every function below. */
enum store_status queue_init(struct store *);

/* Insert row (id ignored); *id_out gets the new id. */
enum store_status queue_insert(struct store *, const struct queue_row *,
		    int64_t *id_out);
enum store_status queue_get(struct store *, int64_t id,
		    struct queue_row **out);
/* The row whose Outbox/Sent message is msg_id. */
enum store_status queue_get_by_msg(struct store *, int64_t msg_id,
		    struct queue_row **out);

enum queue_list_flags {
	QUEUE_LIST_SENT = 1 << 0,	/* include sent rows */
	QUEUE_LIST_DUE = 1 << 1,	/* only queued rows with next_try <= now */
	QUEUE_LIST_QUEUED = 1 << 2,	/* only queued rows */
	QUEUE_LIST_NETWORK = 1 << 3,	/* with DUE: also queued rows waiting
					   for the network, due or not */
};
/* Rows by id (oldest first). *out: GPtrArray of struct queue_row *. */
enum store_status queue_list(struct store *, unsigned flags, int64_t now,
		    GPtrArray **out);
/* Number of rows in state. */
enum store_status queue_count(struct store *, const char *state,
		    guint *count);
/* Smallest next_try of queued rows; *found FALSE if none. */
enum store_status queue_next_try(struct store *, int64_t *next,
		    gboolean *found);

/*
 * A cheap fingerprint of the queue for watchers: the highest id (grows
 * when an entry is added) and the number of queued rows due at once
 * (next_try 0: new, retried or released).
 */
enum store_status queue_stamp(struct store *, int64_t *max_id, guint *ready);

/*
 * Update the mutable columns of row id from row (state, msg_id, attempts,
 * next_try, last_try, sent_at, last_error, refused, bounce, fail_kind).
 * expect_state
 * (may be NULL) makes it conditional: STORE_ERR_NOTFOUND when the row is
 * not in that state any more (someone else changed it).
 */
enum store_status queue_update(struct store *, const struct queue_row *,
		    const char *expect_state);
enum store_status queue_delete(struct store *, int64_t id);

/* Rows matching a DSN: by envid, else by message id (either may be NULL). */
enum store_status queue_find_sent(struct store *, const char *envid,
		    const char *message_id, struct queue_row **out);

/*
 * Every row a DSN may be about: those with envid, else those with
 * message_id (either may be NULL), newest first. *out: GPtrArray of
 * struct queue_row * (empty when none); a 4xx recipient's retry entry
 * shares both with the entry that was sent to the others.
 */
enum store_status queue_find_all(struct store *, const char *envid,
		    const char *message_id, GPtrArray **out);

/* DSN messages indexed since the last call (id > watermark). */
struct queue_dsn {
	int64_t		 msg_id;
	char		*original_message_id;
	char		*envid;
	char		*action;
	char		*status;
	char		*diagnostic;
	char		*recipient;
};
void		 queue_dsn_free(struct queue_dsn *);
/* *out: GPtrArray of struct queue_dsn *; *last: highest message id seen. */
enum store_status queue_dsn_since(struct store *, int64_t after,
		    GPtrArray **out, int64_t *last);
/* A small key/value of ours (e.g. the DSN watermark). */
enum store_status queue_meta_get(struct store *, const char *key,
		    int64_t *value);
enum store_status queue_meta_set(struct store *, const char *key,
		    int64_t value);

/* Messages of sent rows still filed in folder: *out GArray of int64_t. */
enum store_status queue_sent_in(struct store *, const char *folder,
		    GArray **out);

/* Messages in folder that no queue row points to: *out GArray of int64_t. */
enum store_status queue_orphans(struct store *, const char *folder,
		    GArray **out);

#endif
