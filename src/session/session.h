/*
 * session.h: what both front ends (cli/ and ui/) need from a running
 * satchel, under both of them: the configuration loaded once, the store
 * opened once, borrowed-machine mode (a private directory and the janitor
 * that wipes it), one credentials API for passwords and OAuth tokens, and
 * the fetch of N accounts with bounce matching (as outbox_flush is for
 * sending).
 *
 * Layer: util → config → mime → store → net → pop3/smtp → session →
 * cli/ui (doc/LAYERS). Depends on every layer below it; never on cli/ or
 * ui/. It never draws and never reads the terminal itself: what it needs
 * from the person (a line, a secret) comes through callbacks the front end
 * supplies, warnings go to a callback, errors to a GError or a status.
 *
 * Messages a session hands back for the person (GError messages and
 * warnings from session_config and the borrowed directory) are whole lines
 * as satchel's front ends print them before anything else is drawn: they
 * name satchel and end with a newline. Text from the fetch (server words,
 * file names) is not sanitised: the front end sanitises before showing.
 *
 * Threads: a struct session belongs to the main thread. session_secret,
 * session_fetch and session_fetch_body run in any thread with a store
 * handle of their own (as pop3 and outbox do).
 */
#ifndef SATCHEL_SESSION_H
#define SATCHEL_SESSION_H

#include <sys/types.h>
#include <stdint.h>

#include <glib.h>

#include "config/config.h"
#include "store/store.h"
#include "pop3/pop3.h"

/* Exit statuses of the program (sysexits.h values), documented in satchel(1). */
enum session_exit {
	SESSION_EXIT_OK = 0,
	SESSION_EXIT_FAILURE = 1,	/* the command ran and failed, e.g. no match */
	SESSION_EXIT_USAGE = 64,	/* bad command line */
	SESSION_EXIT_DATAERR = 65,	/* bad input data (query syntax, message) */
	SESSION_EXIT_NOINPUT = 66,	/* an input file does not exist */
	SESSION_EXIT_NOUSER = 67,	/* an address is unusable (sendmail) */
	SESSION_EXIT_UNAVAILABLE = 69,	/* server refused for good (5xx, auth) */
	SESSION_EXIT_SOFTWARE = 70,	/* internal error */
	SESSION_EXIT_CANTCREAT = 73,	/* cannot create the store */
	SESSION_EXIT_IOERR = 74,	/* disk error, disk full */
	SESSION_EXIT_TEMPFAIL = 75,	/* try again later (network, 4xx, locked) */
	SESSION_EXIT_NOPERM = 77,	/* permission refused */
	SESSION_EXIT_CONFIG = 78,	/* configuration error */
};

#define SESSION_ERROR (session_error_quark())
GQuark		 session_error_quark(void);
/* GError codes in SESSION_ERROR. */
enum session_error_code {
	SESSION_ERROR_CONFIG,		/* options, the file, a one-off account */
	SESSION_ERROR_BORROWED,		/* the private directory or the bundle */
	SESSION_ERROR_STORE,		/* the store did not open */
};

/*
 * Ask the person for one line (echo on); NULL when nobody can be asked or
 * at end of input. Caller frees with g_free.
 */
typedef char	*(*session_line_fn)(const char *prompt, void *data);
/* Tell the person something that does not stop the session (a whole line). */
typedef void	 (*session_warn_fn)(const char *line, void *data);

/*
 * One running satchel. The front end fills in the first part (main's
 * options and how to reach the person) and zeroes the rest; the session
 * fills in what it holds, released by session_release().
 */
struct session {
	const char	*config_path;	/* -c FILE, or NULL */
	gboolean	 borrowed;	/* --borrowed */
	const char	*pop3_oneoff;	/* --pop3 USER@HOST (borrowed, no config) */
	const char	*ca_file;	/* --ca-file FILE for the one-off account */
	gboolean	 remove_bundle;	/* --remove-bundle: the janitor removes
					   the unpacked bundle too */
	session_line_fn	 ask_line;	/* NULL: nothing is asked */
	session_warn_fn	 warn;		/* NULL: warnings are dropped */
	void		*front;		/* data for ask_line and warn */

	char		*bundle_dir;	/* run from this unpacked bundle, which
					   the janitor holds (borrowed mode) */
	struct config	*config;	/* loaded on demand by session_config() */
	struct store	*store;		/* opened on demand by session_store() */
	char		*borrowed_dir;	/* private store directory in borrowed mode */
	int		 borrowed_fd;	/* pipe to the janitor that wipes it */
	dev_t		 borrowed_dev;	/* the directory's device and inode: */
	ino_t		 borrowed_ino;	/* a name recreated later is not ours */
	gboolean	 borrowed_gnupg; /* GNUPGHOME is a temporary one in it */
};

/*
 * Load the configuration once (the file, or the one-off account of
 * --borrowed --pop3), set up what it asks of the process (GNUPGHOME, what
 * the index keeps of encrypted mail) and, in borrowed mode, the private
 * directory. Returns the config, owned by the session; NULL with *err set
 * (SESSION_ERROR_CONFIG or _BORROWED, or the config's own error).
 */
struct config	*session_config(struct session *, GError **err);
/*
 * Open the store once with store_open() flags (STORE_OPEN_CREATE, or
 * STORE_OPEN_QUERY for a search), loading the config first. Returns the
 * store, owned by the session; NULL with *err set (SESSION_ERROR_CONFIG
 * when the config did not load, else SESSION_ERROR_STORE and *status, may
 * be NULL, says the store's status).
 */
struct store	*session_store(struct session *, unsigned flags,
		    enum store_status *status, GError **err);
/*
 * session_store() for a front end: SESSION_EXIT_OK when the config and
 * the store are there (s->config, s->store), else the exit status to
 * return (SESSION_EXIT_CONFIG, or one for the store's trouble:
 * SESSION_EXIT_DATAERR for a damaged index, _TEMPFAIL for a busy one...)
 * with *err saying why.
 */
int		 session_open(struct session *, unsigned flags, GError **err);
/* Release what the session holds (store, config, borrowed directory). */
void		 session_release(struct session *);
/* Close the store the session holds, if any (it opens again on demand). */
void		 session_close_store(struct session *);

/*
 * Credentials: the secret an account needs for service (a password, or an
 * OAuth token for kind SESSION_SECRET_TOKEN), from its command
 * (password_command, oauth2_token_command); when the account has none, or
 * is a borrowed one, ask (may be NULL: never asked) is called, in the
 * calling thread. Returns CONFIG_OK and *secret (free with
 * config_secret_free), or CONFIG_ERR_NO_SECRET when none was given (*err
 * says why when the config knows), or the command's failure with *err.
 */
enum session_secret_kind {
	SESSION_SECRET_PASSWORD,
	SESSION_SECRET_TOKEN,
};
/* The front end's prompt for a secret; NULL when none is given. */
typedef char	*(*session_ask_fn)(const struct account *, enum config_service,
		    enum session_secret_kind, void *data);
enum config_status session_secret(const struct account *, enum config_service,
		    enum session_secret_kind, session_ask_fn ask, void *data,
		    char **secret, GError **err);
/* Which secret the account's POP3 login needs. */
enum session_secret_kind session_pop3_secret_kind(const struct account *);

/*
 * Fetching. One account after the other, each with pop3_fetch_account(),
 * then the bounces among what arrived are matched to the mail we sent
 * (outbox_match_bounces). What happens goes to the callbacks, in the
 * calling thread.
 */
enum session_fetch_flags {
	/*
	 * An account whose server's LOGIN-DELAY has not passed is reported
	 * POP3_DEFERRED (res->next_allowed says when) before its secret is
	 * looked for: nobody is asked for a password not used.
	 */
	SESSION_FETCH_DELAY_FIRST = 1 << 0,
	/* Match bounces even when nothing new arrived. */
	SESSION_FETCH_BOUNCES_ALWAYS = 1 << 1,
};
struct session_fetch_ops {
	pop3_progress_fn progress;	/* may be NULL */
	session_ask_fn	 ask;		/* NULL: secrets from commands only */
	/*
	 * An account is done: st is POP3_OK, POP3_DEFERRED or an error with
	 * err (may be NULL) saying more. res is NULL when no fetch was
	 * tried for want of a secret: st is POP3_ERR_NO_SECRET (none was
	 * given; err says why when the config knows) or POP3_ERR_CONFIG
	 * (the secret's command failed, err says how). Otherwise res is
	 * valid for the call.
	 */
	void		(*account_done)(const struct account *,
			    enum pop3_status st,
			    const struct pop3_fetch_result *res,
			    const GError *err, void *data);
	void		*data;
};
struct session_fetch_result {
	guint64		 new_msgs;	/* stored, every account together */
	guint		 bounced;	/* sent messages found bounced */
	GError		*bounce_err;	/* matching bounces failed; caller frees */
};
/*
 * Fetch accounts (struct account *; NULL: every account of c with a
 * pop3_host) into st, stopping between accounts when cancel is set.
 * flags: enum session_fetch_flags. *res is filled in.
 */
void		 session_fetch(struct store *st, struct config *c,
		    GPtrArray *accounts, unsigned flags,
		    struct pop3_cancel *cancel,
		    const struct session_fetch_ops *ops,
		    struct session_fetch_result *res);
/*
 * The whole of the headers-only message msg_id, from the account that
 * fetched it (pop3_fetch_body). POP3_OK and *new_id; else the status with
 * *err set: POP3_ERR_STORE (the message), POP3_ERR_CONFIG (no account
 * fetches it, or the secret's command failed), POP3_ERR_NO_SECRET (none
 * given), or pop3_fetch_body's.
 */
enum pop3_status session_fetch_body(struct store *st, struct config *c,
		    int64_t msg_id, struct pop3_cancel *cancel,
		    pop3_progress_fn progress, session_ask_fn ask, void *data,
		    int64_t *new_id, GError **err);

/*
 * Borrowed-machine mode (session-borrowed.c, DESIGN invariant 8): put the
 * store of c in a private RAM-backed directory that is wiped when satchel
 * ends, however it ends, and force keep mode on every account. TRUE, or
 * FALSE with *err set.
 */
gboolean	 session_borrowed_begin(struct session *, struct config *,
		    GError **err);
/* Wipe the private directory now (normal exit). */
void		 session_borrowed_end(struct session *);
/* The config for `--borrowed --pop3 USER@HOST` (no file). NULL with *err. */
struct config	*session_borrowed_oneoff(struct session *, GError **err);
/*
 * The environment for the programs the reader starts in borrowed mode
 * (the editor, mailcap viewers, the HTML converter): HOME and the XDG base
 * directories inside the private directory (created here), so that what
 * they keep (history, swap, backup and auto-save files) goes with the
 * session; run from the bundle, without the variable that points the
 * bundle's GLib at its (empty) module directory. NULL outside borrowed
 * mode (inherit ours). Free with g_strfreev.
 */
char		**session_borrowed_child_env(struct session *);
/*
 * The switches that keep the editor argv0 (a path or a name) from
 * writing its own history, to go right after argv0; NULL for an editor
 * satchel knows none for. Static, not freed.
 */
const char *const *session_borrowed_editor_flags(const char *argv0);
/*
 * The From address a one-off account offers by default for USER@HOST:
 * USER when it is an address itself, else USER at HOST without a leading
 * pop., pop3. or mail. label. Caller frees.
 */
char		*session_borrowed_default_from(const char *user,
		    const char *host);
/*
 * Have the janitor remove the unpacked bundle (bundle_dir) as well when
 * the session ends: the answer to the question at quit. TRUE, or FALSE
 * when it cannot be told (no bundle held, the pipe failed).
 */
gboolean	 session_borrowed_remove_bundle(struct session *);

#endif
