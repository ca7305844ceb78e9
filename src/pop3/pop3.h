/*
 * pop3.h: fetching mail from a POP3 account into the store.
 * Depends on util, config, store and net. Never prints or prompts: every
 * function returns an enum pop3_status (with detail in a GError of domain
 * POP3_ERROR, code = the status) and reports progress through a callback.
 *
 * Invariants (DESIGN.md 1, 2, 5, 7): a message is durable in the store
 * (store_commit() returned STORE_OK) before DELE is sent for it; keep mode
 * never sends DELE; only UIDLs the store does not know are downloaded;
 * certificates and host names are verified and passwords never cross an
 * unencrypted link unless the account sets allow_plaintext.
 *
 * Threads: one fetch runs entirely in the calling thread, with the store
 * handle the caller passes (which no other thread may use meanwhile). A UI
 * runs it in a worker thread with its own store handle and may cancel it
 * from the main thread with pop3_cancel_trigger().
 *
 * Strings in results (server_text, error messages) may hold text the server
 * sent: they are valid UTF-8 but NOT sanitised for the terminal.
 */
#ifndef SATCHEL_POP3_H
#define SATCHEL_POP3_H

#include <stdint.h>
#include <glib.h>

struct store;
struct account;

enum pop3_status {
	POP3_OK = 0,
	/*
	 * Not an error: the server's LOGIN-DELAY has not yet passed since
	 * the last login; nothing was sent. result->next_allowed says when.
	 */
	POP3_DEFERRED,

	/* Temporary: try again later (pop3_status_is_temporary()). */
	POP3_ERR_NETWORK,	/* resolve/connect failed, connection cut */
	POP3_ERR_TIMEOUT,	/* the server was silent for account->timeout */
	POP3_ERR_PROTOCOL,	/* garbage, overlong or impossible reply */
	POP3_ERR_SERVER,	/* -ERR without a permanent response code */
	POP3_ERR_IN_USE,	/* [IN-USE]: another session holds the mailbox */
	POP3_ERR_LOGIN_DELAY,	/* [LOGIN-DELAY] at login */
	POP3_ERR_SYS_TEMP,	/* [SYS/TEMP] */
	POP3_ERR_LOCKED,	/* another fetch runs on this store */
	POP3_ERR_CANCELLED,	/* pop3_cancel_trigger() was called */
	POP3_ERR_STORE,		/* the store failed (disk full, I/O) */

	/* Permanent: the user must change something. */
	POP3_ERR_AUTH,		/* credentials refused ([AUTH] or plain -ERR at PASS) */
	POP3_ERR_SYS_PERM,	/* [SYS/PERM] */
	POP3_ERR_CERT,		/* certificate or host name not trusted, pin mismatch */
	POP3_ERR_TLS,		/* TLS handshake failed */
	POP3_ERR_NO_STLS,	/* pop3_tls = starttls but the server offers no STLS */
	POP3_ERR_PLAINTEXT,	/* password over an unencrypted link refused */
	POP3_ERR_NO_MECH,	/* the auth method asked for is not offered */
	POP3_ERR_NO_UIDL,	/* keep mode needs UIDL and the server has none */
	POP3_ERR_NO_SECRET,	/* credentials lack what pop3_account_secret() said */
	POP3_ERR_CONFIG,	/* account without pop3_host/pop3_user, bad option */
	POP3_ERR_NOTFOUND,	/* pop3_fetch_body: message gone from the server */
};
/* A short translated description; the GError carries the detail. */
const char	*pop3_strerror(enum pop3_status);
/* TRUE for POP3_DEFERRED and the temporary errors above. */
gboolean	 pop3_status_is_temporary(enum pop3_status);

#define POP3_ERROR (pop3_error_quark())
GQuark		 pop3_error_quark(void);

/*
 * Credentials are resolved by the caller before the fetch: pop3 never runs
 * commands or prompts. pop3_account_secret() says which secret the account
 * needs: POP3_SECRET_PASSWORD (caller runs config_password(account,
 * CONFIG_SERVICE_POP3, ...) and, on CONFIG_ERR_NO_SECRET, prompts the user)
 * or POP3_SECRET_OAUTH2 (config_oauth2_token()). If the needed field is
 * NULL the fetch returns POP3_ERR_NO_SECRET before connecting.
 * pop3 does not keep or log these strings.
 */
enum pop3_secret {
	POP3_SECRET_PASSWORD,	/* USER/PASS, APOP or a password SASL mechanism */
	POP3_SECRET_OAUTH2,	/* pop3_auth = XOAUTH2 or OAUTHBEARER */
};
enum pop3_secret pop3_account_secret(const struct account *);

struct pop3_credentials {
	const char	*user;		/* NULL: account->pop3_user */
	const char	*password;
	const char	*oauth2_token;
};

/*
 * Cancelling from another thread: create one per fetch, pass it in the
 * options, call pop3_cancel_trigger() from any thread. The fetch stops at
 * the next read (a blocked read is woken with mailstream_cancel), keeps
 * what is already durable, sends no DELE for anything else, and returns
 * POP3_ERR_CANCELLED.
 */
struct pop3_cancel;
struct pop3_cancel *pop3_cancel_new(void);
void		 pop3_cancel_trigger(struct pop3_cancel *);
gboolean	 pop3_cancel_is_set(struct pop3_cancel *);
void		 pop3_cancel_free(struct pop3_cancel *);	/* NULL is fine */

enum pop3_phase {
	POP3_PHASE_CONNECT,	/* connecting, TLS, CAPA */
	POP3_PHASE_AUTH,
	POP3_PHASE_LIST,	/* UIDL and LIST */
	POP3_PHASE_FETCH,	/* RETR / TOP of new messages */
	POP3_PHASE_DELETE,	/* DELE and QUIT */
	POP3_PHASE_DONE,
};

struct pop3_progress {
	const char	*account;	/* account->name */
	enum pop3_phase	 phase;
	guint64		 msgs_done;	/* messages stored so far */
	guint64		 msgs_total;	/* new messages to fetch */
	guint64		 bytes_done;	/* bytes received for them */
	guint64		 bytes_total;	/* their sizes from LIST */
};
/* Called in the fetching thread, at most every few ms and at each phase change. */
typedef void	(*pop3_progress_fn)(const struct pop3_progress *, void *data);

struct pop3_fetch_opts {
	struct pop3_cancel *cancel;	/* NULL: not cancellable */
	unsigned	 window;	/* RETR commands in flight with PIPELINING (0: default 256) */
	gboolean	 ignore_login_delay; /* try even if LOGIN-DELAY has not passed */
};

struct pop3_fetch_result {
	guint64		 server_msgs;	/* messages on the server at login */
	guint64		 new_msgs;	/* stored by this run (full or headers-only) */
	guint64		 partial_msgs;	/* of which headers-only (max_size, TOP) */
	guint64		 skipped;	/* already stored (UIDL known) */
	/*
	 * Of new_msgs: listed with a UIDL that breaks RFC 1939 (stored under
	 * a digest of it), and listed with the same UIDL as an earlier
	 * message (stored under a key of its own). See pop3_session_uidl.
	 */
	guint64		 unusable_uidls;
	guint64		 duplicate_uidls;
	guint64		 deleted;	/* removed from the server (QUIT confirmed) */
	guint64		 bytes;		/* message bytes received */
	gint64		 elapsed_us;
	/*
	 * Server notices (RFC 2449): expire_days is -1 without EXPIRE,
	 * G_MAXINT for NEVER, else days the server keeps mail after a
	 * RETR. login_delay is the LOGIN-DELAY seconds (0: none) and
	 * next_allowed the Unix time the next login may run (0: any time).
	 */
	int		 expire_days;
	gint64		 login_delay;
	gint64		 next_allowed;
	char		*server_text;	/* last -ERR text, or NULL (unsanitised) */
};
void		 pop3_fetch_result_init(struct pop3_fetch_result *);
void		 pop3_fetch_result_clear(struct pop3_fetch_result *);

/*
 * Fetch one account into store (folder account->folder, else INBOX):
 * takes store_lock(store, "fetch") (POP3_ERR_LOCKED if held), connects with
 * the account's TLS mode, verifies the certificate, authenticates, lists,
 * downloads every message whose UIDL the store does not know (pipelined
 * when the server offers PIPELINING), commits in batches, and then, in
 * delete mode or with delete_after_days / delete_on_server_when_deleted,
 * sends DELE for durable messages only and QUIT. Returns POP3_OK, or the
 * first error; everything committed before the error stays stored and
 * the next run continues. result (may be NULL) is filled in either case;
 * release it with pop3_fetch_result_clear().
 */
enum pop3_status pop3_fetch_account(struct store *, const struct account *,
		    const struct pop3_credentials *,
		    const struct pop3_fetch_opts *, pop3_progress_fn, void *data,
		    struct pop3_fetch_result *, GError **);

/*
 * Download the full content of one stored headers-only message
 * (STORE_FLAG_PARTIAL) by its UIDL and replace it in the store
 * (store_delivery_commit_replace). *new_id (may be NULL) gets the id
 * the message has afterwards. POP3_ERR_NOTFOUND if the server no longer
 * has it; POP3_OK without network if the message is not partial.
 */
enum pop3_status pop3_fetch_body(struct store *, const struct account *,
		    const struct pop3_credentials *, int64_t msg_id,
		    const struct pop3_fetch_opts *, pop3_progress_fn, void *data,
		    int64_t *new_id, GError **);

/*
 * When the server's LOGIN-DELAY allows the next login for this account
 * (Unix time; 0 = now), from the small state file the last fetch left in
 * the store directory. Lets a UI skip a fetch without asking for a password.
 */
gint64		 pop3_next_allowed(struct store *, const struct account *);

#endif
