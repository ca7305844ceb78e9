/*
 * ui.c: the reader's front door, above its views (ui-view.h): opens the
 * session's config and store, sets up the terminal, the keys, the jobs
 * and the first view (the Inbox), runs the core's loop (ui-core.c) and
 * takes it all down again.
 *
 * Nothing proportional to the store's size happens at start-up: open the
 * store, count the folder, draw one page.
 */
#include "satchel-config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "config/config.h"
#include "store/store.h"
#include "session/session.h"
#include "ui/ui.h"
#include "ui/ui-view.h"

static gboolean	ui_rebuild_asked(struct session *, ui_rebuild_fn);
static int	ui_open(struct session *);
static gboolean	ui_fetches(struct ui *);


/*
 * The index is damaged (ui_open said why): offer, on the terminal before
 * curses starts, to rebuild it from the Maildir. TRUE when it was rebuilt.
 */
static gboolean
ui_rebuild_asked(struct session *ctx, ui_rebuild_fn rebuild)
{
	const char	*yn = _("yn");	/* as in ui_prompt_yesno() */
	char		 line[16], c;

	fprintf(stderr, "%s %s ", _("satchel: rebuild the index from the "
	    "Maildir now?"), _("([y]/n)"));
	fflush(stderr);
	if (fgets(line, sizeof line, stdin) == NULL)
		return FALSE;
	c = g_ascii_tolower(line[0]);
	if (strlen(yn) == 2 && c == g_ascii_tolower(yn[1]))
		return FALSE;
	if (c != '\n' && c != 'y' && (strlen(yn) != 2 ||
	    c != g_ascii_tolower(yn[0])))
		return FALSE;
	return rebuild(ctx) == SESSION_EXIT_OK;
}

/* Whether some account fetches mail (has a POP3 server). */
static gboolean
ui_fetches(struct ui *ui)
{
	guint	i;

	for (i = 0; ui->config->accounts != NULL &&
	    i < ui->config->accounts->len; i++)
		if (((struct account *)g_ptr_array_index(ui->config->accounts,
		    i))->pop3_host != NULL)
			return TRUE;
	return FALSE;
}

/*
 * The session's config and store, saying on stderr what went wrong
 * (curses has not started). Returns an exit status.
 */
static int
ui_open(struct session *ctx)
{
	GError	*err = NULL;
	int	 rc;

	if ((rc = session_open(ctx, STORE_OPEN_CREATE, &err)) !=
	    SESSION_EXIT_OK && err != NULL)
		fputs(err->message, stderr);
	g_clear_error(&err);
	return rc;
}

int
ui_main(struct session *ctx, ui_rebuild_fn rebuild)
{
	struct ui	 ui;
	GString		*warnings = NULL;
	int		 rc = SESSION_EXIT_OK;
	guint		 i;

	memset(&ui, 0, sizeof ui);
	ui.wake[0] = ui.wake[1] = -1;
	ui.err_pipe[0] = ui.err_pipe[1] = ui.err_saved = -1;
	ui.ctx = ctx;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s\n", _("satchel: the reader needs a terminal; "
		    "see 'satchel --help' for commands."));
		return SESSION_EXIT_USAGE;
	}
	if ((rc = ui_open(ctx)) == SESSION_EXIT_DATAERR &&
	    ui_rebuild_asked(ctx, rebuild))
		rc = ui_open(ctx);
	if (rc != SESSION_EXIT_OK)
		return rc;
	ui.config = ctx->config;
	ui.store = ctx->store;
	warnings = g_string_new(NULL);
	ui.keys = ui_keys_new(ui.config->keys, ui_ops_lookup, warnings);
	ui.run_op = ui_ops_run;
	ui.utf8 = g_get_charset(NULL);
	ui.views = g_ptr_array_new();
	ui.secrets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)config_secret_free);
	ui.borrowed = ctx->borrowed_dir != NULL;
	ui.child_env = session_borrowed_child_env(ctx);
	if (ui.borrowed && ctx->borrowed_fd > 0)
		ui_signal_janitor_fd(ctx->borrowed_fd);
	ui.body_msg = -1;
	/*
	 * gpg-agent's pinentry-curses draws on the terminal named by
	 * GPG_TTY, which gpg passes on; over SSH it is often unset.
	 */
	if (g_getenv("GPG_TTY") == NULL && isatty(STDIN_FILENO) &&
	    ttyname(STDIN_FILENO) != NULL)
		g_setenv("GPG_TTY", ttyname(STDIN_FILENO), TRUE);
	/* Before curses, which otherwise takes SIGINT and SIGTERM. */
	ui_signal_init();
	if ((ui.screen = ui_term_start(warnings)) == NULL) {
		fprintf(stderr, _("satchel: cannot use the terminal (TERM=%s)\n"),
		    g_getenv("TERM") != NULL ? g_getenv("TERM") : "");
		rc = SESSION_EXIT_SOFTWARE;
		goto out;
	}
	ui_screen_colors(&ui);
	ui_colors_apply(&ui, warnings);
	ui_jobs_init(&ui);
	ui_screen_stderr_start(&ui);
	ui_signal_wake(ui.wake[1]);
	ui_push(&ui, ui_index_new(&ui, STORE_INBOX));
	ui_refresh_counts(&ui);
	if (warnings->len > 0)
		ui_error(&ui, "%s", warnings->str);
	ui_repaint_now(&ui);
	ui_compose_stuck(&ui);
	/* A borrowed session is for reading mail: fetch (ask) at once. */
	if (ui.borrowed && ui_fetches(&ui))
		ui_jobs_fetch(&ui);
	ui_core_loop(&ui);
	if (ui.signalled != 0) {
		ui_core_end_signalled(&ui);
		rc = 128 + ui.signalled;
	} else
		ui_purge(&ui, NULL);
out:
	ui_jobs_shutdown(&ui);
	ui_signal_release();
	for (i = ui.views->len; i > 0; i--)
		ui_view_free(g_ptr_array_index(ui.views, i - 1));
	g_ptr_array_free(ui.views, TRUE);
	ui_screen_stop(&ui);
	ui_screen_stderr_stop(&ui);
	g_hash_table_destroy(ui.secrets);
	g_strfreev(ui.child_env);
	ui_keys_free(ui.keys);
	g_free(ui.message);
	g_free(ui.send_error);
	g_free(ui.send_said);
	g_free(ui.queue_waits);
	ui_complete_free(&ui);
	g_free(ui.search);
	g_string_free(warnings, TRUE);
	if (ui.rebuild && rc == SESSION_EXIT_OK) {
		fprintf(stderr, "%s\n", _("satchel: rebuilding the index from "
		    "the Maildir"));
		if ((rc = rebuild(ctx)) == SESSION_EXIT_OK)
			return ui_main(ctx, rebuild);
	}
	return rc;
}
