/*
 * cli.h: subcommands for scripts and cron. Depends on every layer below
 * (util, config, mime, store, pop3, smtp); never on ui.
 */
#ifndef SATCHEL_CLI_H
#define SATCHEL_CLI_H

#include <sys/types.h>

#include <glib.h>

struct config;
struct store;

/* Exit statuses (sysexits.h values), documented in satchel(1). */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAILURE = 1,		/* the command ran and failed, e.g. no match */
	CLI_EXIT_USAGE = 64,		/* bad command line */
	CLI_EXIT_DATAERR = 65,		/* bad input data (query syntax, message) */
	CLI_EXIT_NOINPUT = 66,		/* an input file does not exist */
	CLI_EXIT_NOUSER = 67,		/* an address is unusable (sendmail) */
	CLI_EXIT_UNAVAILABLE = 69,	/* server refused for good (5xx, auth) */
	CLI_EXIT_SOFTWARE = 70,		/* internal error */
	CLI_EXIT_CANTCREAT = 73,	/* cannot create the store */
	CLI_EXIT_IOERR = 74,		/* disk error, disk full */
	CLI_EXIT_TEMPFAIL = 75,		/* try again later (network, 4xx, locked) */
	CLI_EXIT_NOPERM = 77,		/* permission refused */
	CLI_EXIT_CONFIG = 78,		/* configuration error */
};

/* What main parsed before the subcommand, shared by every subcommand. */
struct cli_ctx {
	const char	*config_path;	/* -c FILE, or NULL */
	gboolean	 borrowed;	/* --borrowed */
	const char	*pop3_oneoff;	/* --pop3 USER@HOST (borrowed, no config) */
	const char	*ca_file;	/* --ca-file FILE for the one-off account */
	gboolean	 remove_bundle;	/* --remove-bundle: the janitor removes
					   the unpacked bundle too */
	char		*bundle_dir;	/* run from this unpacked bundle, which
					   the janitor holds (borrowed mode) */
	struct config	*config;	/* loaded on demand by cli_config() */
	struct store	*store;		/* opened on demand by cli_store() */
	char		*borrowed_dir;	/* private store directory in borrowed mode */
	int		 borrowed_fd;	/* pipe to the janitor that wipes it */
	dev_t		 borrowed_dev;	/* the directory's device and inode: */
	ino_t		 borrowed_ino;	/* a name recreated later is not ours */
	gboolean	 borrowed_gnupg; /* GNUPGHOME is a temporary one in it */
};

/* Run the subcommand argv[0] (argv[0] is its name). Returns an exit status. */
int	cli_run(struct cli_ctx *, int argc, char **argv);
/* TRUE if name is a subcommand. */
gboolean cli_is_command(const char *name);
/* Print the list of subcommands with one line of help each. */
void	cli_print_commands(void);

/*
 * Load the configuration once. On error prints the message to stderr and
 * returns NULL; the caller returns CLI_EXIT_CONFIG.
 */
struct config	*cli_config(struct cli_ctx *);
/*
 * Open (creating) the store once. On error prints the message and returns
 * NULL; *exit_code is set to the status to return.
 */
struct store	*cli_store(struct cli_ctx *, int *exit_code);
/* The same with store_open() flags (STORE_OPEN_QUERY for a search). */
struct store	*cli_store_flags(struct cli_ctx *, unsigned flags,
		    int *exit_code);
/* Opens the store for a command; NULL after printing why (*exit_code). */
typedef struct store *(*cli_store_fn)(struct cli_ctx *, int *exit_code);
/*
 * satchel search with the store opened by open_store (cli_search: the
 * store opened for a search by cli_store_flags()).
 */
int	cli_search_run(struct cli_ctx *, int argc, char **argv,
	    cli_store_fn open_store);
/* Release what the context holds (store, config, borrowed directory). */
void	cli_ctx_release(struct cli_ctx *);
/*
 * Ask for a secret on the controlling terminal with echo off. Returns NULL
 * if there is no terminal. Free with config_secret_free().
 */
char	*cli_prompt_secret(const char *prompt);
/*
 * Parse a subcommand's options (GOptionContext): params is the usage text
 * after the command's name, summary and description may be NULL. On error
 * prints it with the command's name and returns FALSE; the caller returns
 * CLI_EXIT_USAGE. --help prints and exits as GLib does.
 */
gboolean cli_parse_options(const char *name, const char *params,
	    const char *summary, const char *description,
	    const GOptionEntry *entries, int *argc, char ***argv);
/* Ask for one line on the terminal (echo on). NULL without a terminal. */
char	*cli_prompt_line(const char *prompt);
/*
 * Borrowed-machine mode (cli-borrowed.c): put the store of c in a private
 * RAM-backed directory that is wiped when satchel ends, however it ends,
 * and force keep mode on every account. Returns 0, or -1 after printing.
 */
int	 cli_borrowed_begin(struct cli_ctx *, struct config *);
/* Wipe the private directory now (normal exit). */
void	 cli_borrowed_end(struct cli_ctx *);
/* The config for `--borrowed --pop3 USER@HOST` (no file). NULL on error. */
struct config *cli_borrowed_oneoff(struct cli_ctx *);
/*
 * The environment for the programs the reader starts in borrowed mode
 * (the editor, mailcap viewers, the HTML converter): HOME and the XDG base
 * directories inside the private directory (created here), so that what
 * they keep (history, swap, backup and auto-save files) goes with the
 * session; run from the bundle, without the variable that points the
 * bundle's GLib at its (empty) module directory. NULL outside borrowed mode (inherit ours). Free with
 * g_strfreev.
 */
char	**cli_borrowed_child_env(struct cli_ctx *);
/*
 * The switches that keep the editor argv0 (a path or a name) from
 * writing its own history, to go right after argv0; NULL for an editor
 * satchel knows none for. Static, not freed.
 */
const char *const *cli_borrowed_editor_flags(const char *argv0);
/*
 * The From address a one-off account offers by default for USER@HOST:
 * USER when it is an address itself, else USER at HOST without a leading
 * pop., pop3. or mail. label. Caller frees.
 */
char	*cli_borrowed_default_from(const char *user, const char *host);
/*
 * Have the janitor remove the unpacked bundle (ctx->bundle_dir) as well
 * when the session ends: the answer to the question at quit. 0, or -1
 * when it cannot be told (no bundle held, the pipe failed).
 */
int	 cli_borrowed_remove_bundle(struct cli_ctx *);
/* TRUE when stdout is a terminal (progress bars are drawn). */
gboolean cli_isatty(void);
/* Print untrusted text safely on stdout (sanitised) followed by a newline. */
void	cli_puts_safe(const char *);

/* The subcommands, one file each: cli-NAME.c. */
int	cli_fetch(struct cli_ctx *, int, char **);
int	cli_send(struct cli_ctx *, int, char **);
int	cli_compose(struct cli_ctx *, int, char **);
int	cli_search(struct cli_ctx *, int, char **);
int	cli_import(struct cli_ctx *, int, char **);
int	cli_reindex(struct cli_ctx *, int, char **);
int	cli_queue(struct cli_ctx *, int, char **);
int	cli_sync(struct cli_ctx *, int, char **);
int	cli_sendmail(struct cli_ctx *, int, char **);

#endif
