/*
 * outbox.h: the durable outgoing queue (DESIGN invariant 4), layer smtp.
 * Depends on util, config, mime, store, smtp. Never prints or prompts:
 * credentials come from a callback, progress goes to a callback. The rows
 * and their states are store/store-queue.h's; queueing and the user's
 * commands are outbox-queue.c, the sender outbox-send.c, bounce matching
 * outbox-bounce.c, the backoff outbox-retry.c.
 *
 * A queued message is a file in the Outbox Maildir folder (its headers keep
 * Bcc; Bcc is stripped when sending) plus a row in the queue table (state,
 * envelope, attempts, next try, last error, refused recipients). Both are
 * durable when outbox_queue() returns.
 *
 * States:
 *   queued   waiting; next_try says when (0 = now)
 *   sending  a sender is submitting it right now. Found with no sender
 *            running (a crash or kill during the transaction), it MAY have
 *            been sent: it is never retried on its own; the user decides
 *            with outbox_resend() or outbox_mark_sent()
 *   sent     the server said 2xx to the end of DATA; the file moved to Sent
 *   failed   a 5xx, or every recipient refused: kept in the Outbox, shown
 *            with the server's words, never filed in Sent
 *   held     the user holds it; never sent until released
 *
 * Retry: two kinds of temporary failure, two policies, recorded per entry
 * (the row's wait). A server's 4xx retries after 1, 2, 4 ... minutes
 * (capped at 60) and expires after OUTBOX_RETRY_EXPIRE. A network failure
 * (no address, no route, refused, reset, timeout, TLS cut) is retried as
 * soon as the network changes (OUTBOX_FLUSH_NETWORK) and otherwise after
 * 1, 2, 4 minutes capped at OUTBOX_RETRY_NET_MAX; it never expires. Both
 * go at once when the user asks (outbox_flush without OUTBOX_FLUSH_DUE).
 *
 * Thread use: a flush in a background thread opens its own struct store.
 * Whether a "sending" entry is live or maybe sent is decided by the store's
 * "send" lock, so list from a different handle than the one flushing.
 *
 * A recipient refused with 4xx while others were accepted gets a new queue
 * entry (a copy of the message for the refused ones only) that is retried;
 * one refused with 5xx is reported in the entry's refused text.
 *
 * When the connection drops after the whole message was written but before
 * the server's reply, the entry stays "sending" (maybe sent): the user
 * decides, the sender never guesses.
 */
#ifndef SATCHEL_OUTBOX_H
#define SATCHEL_OUTBOX_H

#include <stdint.h>
#include <glib.h>

#include "config/config.h"
#include "mime/mime.h"
#include "store/store.h"
#include "store/store-queue.h"

struct store;

enum outbox_status {
	OUTBOX_OK = 0,
	OUTBOX_ERR_STORE,	/* the store failed (detail in GError) */
	OUTBOX_ERR_NOTFOUND,	/* no such queue entry */
	OUTBOX_ERR_STATE,	/* not allowed in the entry's state */
	OUTBOX_ERR_ACCOUNT,	/* no such account, or it cannot send */
	OUTBOX_ERR_INVALID,	/* message unusable (no recipient, bad address) */
	OUTBOX_ERR_BUSY,	/* another sender runs, or the store is busy */
	OUTBOX_ERR_TEMP,	/* flush: something is left for a retry */
	OUTBOX_ERR_PERM,	/* flush: something failed for good */
	OUTBOX_ERR_CREDENTIALS,	/* flush: no secret (callback gave none) */
};
const char	*outbox_strerror(enum outbox_status);
#define OUTBOX_ERROR (outbox_error_quark())
GQuark		 outbox_error_quark(void);

/*
 * An entry: its queue row (the states, what a deferred entry waits for:
 * store/store-queue.h) and what only the outbox knows.
 */
struct outbox_entry {
	struct store_queue_row row;
	gboolean	 maybe_sent;	/* state SENDING and no sender running */
};
void		 outbox_entry_free(struct outbox_entry *);

/*
 * What a queued entry waits for, for people: "waiting for the network",
 * "server said 451, next try 14:05" (translated, raw: sanitise to show).
 * NULL when the entry is not queued or waits for nothing. g_free.
 */
char		*outbox_entry_waits(const struct outbox_entry *, int64_t now);
/*
 * The same for the whole outbox, for a status line: what the first entry
 * waiting for the network, else the next entry a server deferred, waits
 * for. NULL when nothing waits. g_free.
 */
char		*outbox_waits(struct store *);
/*
 * A fingerprint of the queue (highest id, entries due at once): a watcher
 * sends when it changes, i.e. when the queue gains an entry or one is
 * retried or released. OUTBOX_ERR_STORE on error.
 */
enum outbox_status outbox_stamp(struct store *, int64_t *max_id,
		    guint *ready, GError **err);

/*
 * Queue msg (built by compose_build) for account: the Outbox file (with
 * Bcc) and the queue row are committed durably before this returns; no
 * network is used. draft_id > 0 deletes that draft in the same step.
 * *queue_id (may be NULL) gets the new id. OUTBOX_ERR_INVALID when the
 * message has no (safe) recipient or the account has no from_addr.
 */
enum outbox_status outbox_queue(struct store *, const struct account *,
		    GMimeMessage *msg, int64_t draft_id, int64_t *queue_id,
		    GError **err);
/*
 * The same with the envelope recipients given (sendmail without -t: the
 * command line names them, Bcc included, whatever the headers say). rcpts
 * NULL: from To/Cc/Bcc as outbox_queue.
 */
enum outbox_status outbox_queue_to(struct store *, const struct account *,
		    GMimeMessage *msg, GPtrArray *rcpts, int64_t *queue_id,
		    GError **err);

/*
 * Queue a message bounced to new recipients (compose_resent): data is
 * queued byte for byte, to rcpts (the Resent-To addresses) from the
 * account's address, known by resent_id (its Resent-Message-ID, without
 * <>). OUTBOX_ERR_INVALID when data does not parse or an address is bad.
 */
enum outbox_status outbox_queue_resent(struct store *,
		    const struct account *, GBytes *data, GPtrArray *rcpts,
		    const char *resent_id, int64_t *queue_id, GError **err);

/*
 * Save msg (Bcc kept) to Drafts, flagged draft and seen, replacing the
 * draft replace_id when > 0. *msg_id (may be NULL) gets the new store id.
 * Resume with compose_template_resume() on the stored file.
 */
enum outbox_status outbox_draft_save(struct store *, GMimeMessage *msg,
		    int64_t replace_id, int64_t *msg_id, GError **err);

enum outbox_list_flags {
	OUTBOX_LIST_SENT = 1 << 0,	/* also entries already sent */
};
/*
 * Entries, oldest first (not sent ones only unless OUTBOX_LIST_SENT).
 * *out: GPtrArray of struct outbox_entry * (owning).
 */
enum outbox_status outbox_list(struct store *, unsigned flags,
		    GPtrArray **out, GError **err);
enum outbox_status outbox_get(struct store *, int64_t id,
		    struct outbox_entry **out, GError **err);
/*
 * Counts for a status line: queued (waiting for a send), and what waits
 * for the user: held, failed, maybe sent. A held entry is never "queued".
 * *sending (may be NULL): entries being sent; whether they count as
 * pending or (maybe sent) attention depends on whether a sender runs,
 * which no change to the index announces: a caller that keeps the counts
 * must count again while it is not 0.
 */
enum outbox_status outbox_counts(struct store *, guint *pending,
		    guint *attention, guint *sending, GError **err);

/* queued or failed -> queued, due now. OUTBOX_ERR_STATE otherwise. */
enum outbox_status outbox_retry(struct store *, int64_t id, GError **err);
/* queued or failed -> held. */
enum outbox_status outbox_hold(struct store *, int64_t id, GError **err);
/* held -> queued, due now. */
enum outbox_status outbox_release(struct store *, int64_t id, GError **err);
/* Remove an unsent entry and its Outbox file (not while it is sending). */
enum outbox_status outbox_delete(struct store *, int64_t id, GError **err);
/* A maybe-sent entry: send it again (-> queued). */
enum outbox_status outbox_resend(struct store *, int64_t id, GError **err);
/* A maybe-sent entry: the user says it went (-> sent, file to Sent). */
enum outbox_status outbox_mark_sent(struct store *, int64_t id, GError **err);

/* Credentials: the caller resolves them (config command, or a prompt). */
enum outbox_secret_kind {
	OUTBOX_SECRET_PASSWORD,
	OUTBOX_SECRET_OAUTH2_TOKEN,
};
/*
 * Return a newly allocated secret (freed with config_secret_free), or NULL
 * to skip the account (its entries stay queued; the flush reports
 * OUTBOX_ERR_CREDENTIALS). Called at most once per account per flush,
 * only when the server needs AUTH. May run in the flushing thread.
 */
typedef char	*(*outbox_secret_fn)(const struct account *,
		    enum outbox_secret_kind, void *data);

enum outbox_event_type {
	OUTBOX_EVENT_CONNECTING,	/* account, host */
	OUTBOX_EVENT_SENDING,		/* entry */
	OUTBOX_EVENT_SENT,		/* entry (entry->refused: partial) */
	OUTBOX_EVENT_DEFERRED,		/* entry, text: will retry at next_try */
	OUTBOX_EVENT_FAILED,		/* entry, text: permanent */
	OUTBOX_EVENT_ACCOUNT_ERROR,	/* account, text: connect/TLS/auth */
};
struct outbox_event {
	enum outbox_event_type	 type;
	const char		*account;
	const char		*host;
	const struct outbox_entry *entry; /* after the change; may be NULL */
	const char		*text;	/* raw server words or local reason */
	gboolean		 permanent; /* ACCOUNT_ERROR: retrying won't help */
};
typedef void	(*outbox_notify_fn)(const struct outbox_event *, void *data);

struct outbox_flush_result {
	guint		 sent;		/* moved to Sent (some maybe partial) */
	guint		 partial;	/* of those, with refused recipients */
	guint		 deferred;	/* left queued for a retry */
	guint		 deferred_network; /* of those, no server was reached */
	guint		 failed;	/* failed for good now */
	guint		 skipped;	/* held, not due, maybe sent, no account */
	/* A server refused the login, or its certificate did not verify. */
	gboolean	 refused_login;
};

enum outbox_flush_flags {
	OUTBOX_FLUSH_DUE = 1 << 0,	/* only entries whose next_try passed */
	OUTBOX_FLUSH_NETWORK = 1 << 1,	/* with DUE: also every entry waiting
					   for the network (it changed) */
};
/*
 * Send queued entries: all of them (flags 0: the user asked), only those
 * whose next_try has passed (OUTBOX_FLUSH_DUE: timers and cron), or those
 * and every entry waiting for the network (OUTBOX_FLUSH_DUE |
 * OUTBOX_FLUSH_NETWORK: the network changed).
 * One connection per account, RSET between messages. Takes the store's
 * "send" lock (OUTBOX_ERR_BUSY if another sender runs). secret_fn NULL
 * runs the account's password or token command (config_password,
 * config_oauth2_token) and never prompts; notify may be NULL. An account
 * that cannot connect or log in leaves its entries queued with the reason
 * as last_error and a backoff (temporary) or reports it (permanent: bad
 * certificate, no STARTTLS, refused AUTH). Returns OUTBOX_OK when nothing is left to do,
 * OUTBOX_ERR_PERM when something failed for good this run (takes
 * precedence), OUTBOX_ERR_TEMP when something waits for a retry,
 * OUTBOX_ERR_CREDENTIALS when an account had no secret. result may be
 * NULL.
 */
enum outbox_status outbox_flush(struct store *, struct config *,
		    unsigned flags, outbox_secret_fn secret_fn,
		    void *secret_data, outbox_notify_fn notify,
		    void *notify_data, struct outbox_flush_result *result,
		    GError **err);

/*
 * outbox-retry.c: the backoff. Delay in seconds before try number
 * attempts + 1 after a temporary failure: 60 * 2^(attempts - 1), capped at
 * OUTBOX_RETRY_MAX. A server that keeps answering 4xx for
 * OUTBOX_RETRY_EXPIRE seconds after queueing makes the entry fail; network
 * errors (offline) never expire it.
 */
#define OUTBOX_RETRY_MAX	3600
#define OUTBOX_RETRY_EXPIRE	(5 * 24 * 3600)
#define OUTBOX_RETRY_NET_MAX	300
gint64		 outbox_retry_delay(guint attempts);
/* After a network failure: 60 * 2^(attempts - 1), capped at NET_MAX. */
gint64		 outbox_retry_network_delay(guint attempts);
gboolean	 outbox_retry_expired(int64_t created, int64_t now);

/* Seconds until the next queued entry is due (-1: none queued). */
gint64		 outbox_next_due(struct store *);

/*
 * Match delivery status notifications in the store (messages the fetch
 * indexed as DSNs, RFC 3464) to sent messages by ENVID or original
 * Message-ID; a failed one marks the queue entry and the Sent message
 * "bounced" with the reason (store_msg_set_bounce). Looks only at DSNs not
 * looked at before. *matched (may be NULL) counts new matches. Call after
 * a fetch.
 */
enum outbox_status outbox_match_bounces(struct store *, guint *matched,
		    GError **err);

/*
 * Rebuild queue rows for Outbox files that have none (the index was lost
 * and rebuilt by reindex): recipients from To/Cc/Bcc, the account whose
 * from_addr matches From (else the first). Each becomes held, so the user
 * decides whether it goes. *recovered may be NULL. outbox_flush calls it.
 */
enum outbox_status outbox_recover(struct store *, struct config *,
		    guint *recovered, GError **err);

#endif
