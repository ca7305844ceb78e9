/*
 * ui-screen.c: the terminal as the reader's state holds it, in the core
 * (ui-core.h): colours (none with NO_COLOR or on terminals without them),
 * the end of curses, leaving curses for a child and coming back, and
 * standard error read into the log while curses draws.
 */
#include "satchel-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "ui/ui-core.h"

enum {
	UI_PAIR_QUOTE1 = 1,
	UI_PAIR_QUOTE2,
	UI_PAIR_FLAGGED,
	UI_PAIR_TREE,
	UI_PAIR_ERROR,
	UI_PAIR_SIGNATURE,
	UI_PAIR_HEADER,
	UI_PAIR_VERDICT_GOOD,
	UI_PAIR_VERDICT_INFO,
	UI_PAIR_VERDICT_WARN,
	UI_PAIR_VERDICT_BAD,
};

static void	 ui_screen_derived(struct ui *);
static void	 ui_screen_stderr_lines(struct ui *, gboolean, FILE *);

void
ui_screen_colors(struct ui *ui)
{
	const char	*nc = getenv("NO_COLOR");
	int		 i;

	for (i = 0; i < UI_A_COUNT; i++)
		ui->attrs[i] = A_NORMAL;
	ui->attrs[UI_A_BAR] = A_REVERSE;
	ui->attrs[UI_A_CURSOR] = A_REVERSE | A_BOLD;
	/* Unread rows are marked N, as in mutt: no attribute run per row. */
	ui->attrs[UI_A_UNREAD] = A_NORMAL;
	ui->attrs[UI_A_FLAGGED] = A_BOLD;
	ui->attrs[UI_A_DELETED] = A_DIM;
	ui->attrs[UI_A_HEADER] = A_BOLD;
	ui->attrs[UI_A_QUOTE1] = A_DIM;
	ui->attrs[UI_A_QUOTE2] = A_DIM;
	ui->attrs[UI_A_SIGNATURE] = A_DIM;
	ui->attrs[UI_A_ERROR] = A_BOLD;
	ui->attrs[UI_A_MARK] = A_REVERSE;
	/*
	 * Reverse and underlined together: message text is never drawn so
	 * (a search hit is reverse only), with or without colour.
	 */
	ui->attrs[UI_A_VERDICT_GOOD] = A_REVERSE | A_UNDERLINE | A_BOLD;
	ui->attrs[UI_A_VERDICT_INFO] = A_REVERSE | A_UNDERLINE;
	ui->attrs[UI_A_VERDICT_WARN] = A_REVERSE | A_UNDERLINE | A_BOLD;
	ui->attrs[UI_A_VERDICT_BAD] = A_REVERSE | A_UNDERLINE | A_BOLD |
	    A_BLINK;
	ui->attrs[UI_A_INDICATOR] = A_REVERSE;
	ui->attrs[UI_A_TAGGED] = A_BOLD;
	ui->color = FALSE;
	if ((nc != NULL && *nc != '\0') || !has_colors() ||
	    start_color() != OK) {
		ui_screen_derived(ui);
		return;
	}
	use_default_colors();
	ui->color = TRUE;
	init_pair(UI_PAIR_QUOTE1, COLOR_CYAN, -1);
	init_pair(UI_PAIR_QUOTE2, COLOR_GREEN, -1);
	init_pair(UI_PAIR_FLAGGED, COLOR_RED, -1);
	init_pair(UI_PAIR_TREE, COLOR_BLUE, -1);
	init_pair(UI_PAIR_ERROR, COLOR_RED, -1);
	init_pair(UI_PAIR_SIGNATURE, COLOR_BLUE, -1);
	init_pair(UI_PAIR_HEADER, COLOR_YELLOW, -1);
	/* Reverse video: the pair's background is the foreground colour. */
	init_pair(UI_PAIR_VERDICT_GOOD, COLOR_GREEN, COLOR_BLACK);
	init_pair(UI_PAIR_VERDICT_INFO, COLOR_CYAN, COLOR_BLACK);
	init_pair(UI_PAIR_VERDICT_WARN, COLOR_YELLOW, COLOR_BLACK);
	init_pair(UI_PAIR_VERDICT_BAD, COLOR_RED, COLOR_WHITE);
	ui->attrs[UI_A_QUOTE1] = COLOR_PAIR(UI_PAIR_QUOTE1);
	ui->attrs[UI_A_QUOTE2] = COLOR_PAIR(UI_PAIR_QUOTE2);
	ui->attrs[UI_A_FLAGGED] = COLOR_PAIR(UI_PAIR_FLAGGED) | A_BOLD;
	ui->attrs[UI_A_TREE] = COLOR_PAIR(UI_PAIR_TREE);
	ui->attrs[UI_A_ERROR] = COLOR_PAIR(UI_PAIR_ERROR) | A_BOLD;
	ui->attrs[UI_A_SIGNATURE] = COLOR_PAIR(UI_PAIR_SIGNATURE);
	ui->attrs[UI_A_HEADER] = COLOR_PAIR(UI_PAIR_HEADER) | A_BOLD;
	ui->attrs[UI_A_VERDICT_GOOD] |= COLOR_PAIR(UI_PAIR_VERDICT_GOOD);
	ui->attrs[UI_A_VERDICT_INFO] |= COLOR_PAIR(UI_PAIR_VERDICT_INFO);
	ui->attrs[UI_A_VERDICT_WARN] |= COLOR_PAIR(UI_PAIR_VERDICT_WARN);
	ui->attrs[UI_A_VERDICT_BAD] = (ui->attrs[UI_A_VERDICT_BAD] &
	    ~A_BLINK) | COLOR_PAIR(UI_PAIR_VERDICT_BAD);
	ui_screen_derived(ui);
}

/* Attributes made from others, once the colours are known. */
static void
ui_screen_derived(struct ui *ui)
{
	int	i;

	ui->attrs[UI_A_ATTACHMENT] = ui->attrs[UI_A_TREE] | A_BOLD;
	for (i = 0; i < UI_QUOTE_LEVELS; i++)
		ui->quotes[i] = ui->attrs[i % 2 == 0 ? UI_A_QUOTE1 :
		    UI_A_QUOTE2];
	ui->nquotes = 2;
}

void
ui_screen_stop(struct ui *ui)
{
	if (ui->screen == NULL)
		return;
	curs_set(1);
	endwin();
	delscreen(ui->screen);
	ui->screen = NULL;
}

void
ui_screen_suspend(struct ui *ui)
{
	def_prog_mode();
	endwin();
	fflush(stdout);
	/* The child (editor, viewer) writes to the terminal itself. */
	if (ui->err_saved >= 0) {
		fflush(stderr);
		(void)dup2(ui->err_saved, STDERR_FILENO);
	}
}

void
ui_screen_resume(struct ui *ui)
{
	if (ui->err_saved >= 0 && ui->err_pipe[1] >= 0) {
		fflush(stderr);
		(void)dup2(ui->err_pipe[1], STDERR_FILENO);
	}
	reset_prog_mode();
	/*
	 * Keys typed while the editor, a viewer or a command had the
	 * terminal were meant for it: dropped, so that a stray y on the
	 * compose screen cannot send.
	 */
	flushinp();
	curs_set(0);
	clearok(curscr, TRUE);
	ui->recalc = TRUE;
	ui_redraw(ui);
}

/*
 * While curses draws, whatever writes to fd 2 (GnuTLS through libetpan, a
 * password command, GLib's own warnings) would scroll the screen behind
 * its back: fd 2 becomes a pipe that the loop reads into the log. The
 * write end is non-blocking: a writer that outpaces us loses text, it
 * never hangs.
 */
void
ui_screen_stderr_start(struct ui *ui)
{
	int	p[2], i;

	ui->err_pipe[0] = ui->err_pipe[1] = ui->err_saved = -1;
	if (pipe(p) != 0)
		return;
	for (i = 0; i < 2; i++) {
		fcntl(p[i], F_SETFL, fcntl(p[i], F_GETFL) | O_NONBLOCK);
		fcntl(p[i], F_SETFD, FD_CLOEXEC);
	}
	fflush(stderr);
	if ((ui->err_saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)) < 0 ||
	    dup2(p[1], STDERR_FILENO) < 0) {
		if (ui->err_saved >= 0)
			close(ui->err_saved);
		ui->err_saved = -1;
		close(p[0]);
		close(p[1]);
		return;
	}
	ui->err_pipe[0] = p[0];
	ui->err_pipe[1] = p[1];
	ui->err_line = g_string_new(NULL);
}

/* Each whole line to the log (which sanitises); at most 4 KiB a line. */
static void
ui_screen_stderr_lines(struct ui *ui, gboolean flush, FILE *out)
{
	GString	*l = ui->err_line;
	char	*nl;
	gsize	 n;

	while ((nl = memchr(l->str, '\n', l->len)) != NULL ||
	    l->len >= 4096 || (flush && l->len > 0)) {
		n = nl != NULL ? (gsize)(nl - l->str) : MIN(l->len, 4096);
		{
			g_autofree char *line = g_strndup(l->str, n);
			g_autofree char *safe = NULL;

			g_strchomp(line);
			if (*line != '\0' && out == NULL)
				log_warn("%s", line);
			else if (*line != '\0') {
				safe = sanitize_text(line, -1, 0);
				fprintf(out, "%s\n", safe);
			}
		}
		g_string_erase(l, 0, nl != NULL ? n + 1 : n);
	}
}

void
ui_screen_stderr_read(struct ui *ui)
{
	char	buf[4096];
	ssize_t	n;

	if (ui->err_pipe[0] < 0)
		return;
	while ((n = read(ui->err_pipe[0], buf, sizeof buf)) > 0) {
		g_string_append_len(ui->err_line, buf, n);
		ui_screen_stderr_lines(ui, FALSE, NULL);
	}
}

void
ui_screen_stderr_stop(struct ui *ui)
{
	char	buf[4096];
	ssize_t	n;

	if (ui->err_saved < 0)
		return;
	fflush(stderr);
	(void)dup2(ui->err_saved, STDERR_FILENO);
	close(ui->err_saved);
	ui->err_saved = -1;
	close(ui->err_pipe[1]);
	ui->err_pipe[1] = -1;
	/* What came after the last read goes to the terminal, made safe. */
	while ((n = read(ui->err_pipe[0], buf, sizeof buf)) > 0)
		g_string_append_len(ui->err_line, buf, n);
	ui_screen_stderr_lines(ui, TRUE, stderr);
	close(ui->err_pipe[0]);
	ui->err_pipe[0] = -1;
	g_string_free(ui->err_line, TRUE);
	ui->err_line = NULL;
}
