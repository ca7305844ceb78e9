/*
 * cli.h: subcommands for scripts and cron, a front end on the session
 * layer (session/session.h): it parses, prompts on the terminal and
 * prints; the work is the layers' below. Depends on every layer below
 * (util, config, mime, store, net, pop3, smtp, session); never on ui.
 * Each subcommand takes the session main set up (main's options) and
 * returns an exit status (enum session_exit).
 */
#ifndef SATCHEL_CLI_H
#define SATCHEL_CLI_H

#include <glib.h>

#include "session/session.h"

struct config;
struct store;

/* Run the subcommand argv[0] (argv[0] is its name). Returns an exit status. */
int	cli_run(struct session *, int argc, char **argv);
/* TRUE if name is a subcommand. */
gboolean cli_is_command(const char *name);
/* Print the list of subcommands with one line of help each. */
void	cli_print_commands(void);

/*
 * Load the configuration once. On error prints the message to stderr and
 * returns NULL; the caller returns SESSION_EXIT_CONFIG.
 */
struct config	*cli_config(struct session *);
/*
 * Open (creating) the store once. On error prints the message and returns
 * NULL; *exit_code is set to the status to return.
 */
struct store	*cli_store(struct session *, int *exit_code);
/* The same with store_open() flags (STORE_OPEN_QUERY for a search). */
struct store	*cli_store_flags(struct session *, unsigned flags,
		    int *exit_code);
/* Opens the store for a command; NULL after printing why (*exit_code). */
typedef struct store *(*cli_store_fn)(struct session *, int *exit_code);
/*
 * satchel search with the store opened by open_store (cli_search: the
 * store opened for a search by cli_store_flags()).
 */
int	cli_search_run(struct session *, int argc, char **argv,
	    cli_store_fn open_store);
/*
 * Ask for a secret on the controlling terminal with echo off. Returns NULL
 * if there is no terminal. Free with config_secret_free().
 */
char	*cli_prompt_secret(const char *prompt);
/*
 * Parse a subcommand's options (GOptionContext): params is the usage text
 * after the command's name, summary and description may be NULL. On error
 * prints it with the command's name and returns FALSE; the caller returns
 * SESSION_EXIT_USAGE. --help prints and exits as GLib does.
 */
gboolean cli_parse_options(const char *name, const char *params,
	    const char *summary, const char *description,
	    const GOptionEntry *entries, int *argc, char ***argv);
/* Ask for one line on the terminal (echo on). NULL without a terminal. */
char	*cli_prompt_line(const char *prompt);
/*
 * The session's ways to reach the person on the terminal, for main to
 * set before any front end runs (session.h): a warning line on stderr,
 * a line typed (cli_prompt_line).
 */
void	 cli_session_warn(const char *line, void *data);
char	*cli_session_line(const char *prompt, void *data);
/* TRUE when stdout is a terminal (progress bars are drawn). */
gboolean cli_isatty(void);
/* Print untrusted text safely on stdout (sanitised) followed by a newline. */
void	cli_puts_safe(const char *);

/* The subcommands, one file each: cli-NAME.c. */
int	cli_fetch(struct session *, int, char **);
int	cli_send(struct session *, int, char **);
int	cli_compose(struct session *, int, char **);
int	cli_search(struct session *, int, char **);
int	cli_import(struct session *, int, char **);
int	cli_reindex(struct session *, int, char **);
/* satchel reindex --full (the reader asks for it: ui_main). */
int	cli_reindex_full(struct session *);
int	cli_queue(struct session *, int, char **);
int	cli_sync(struct session *, int, char **);
int	cli_sendmail(struct session *, int, char **);

#endif
