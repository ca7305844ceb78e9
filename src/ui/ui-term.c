/*
 * ui-term.c: the terminal. Start-up with a fallback for unknown terminal
 * types, colours (none with NO_COLOR or on terminals without them), the
 * text drawing every view uses, keys, and leaving curses for a child.
 */
#include "satchel-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "ui/ui-private.h"

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

static SCREEN	*ui_term_try(const char *term);
static gboolean	 ui_term_known(const char *term);
static void	 ui_term_derived(struct ui *);

/*
 * Whether a terminfo entry exists for term, looked up where ncurses looks.
 * Asking newterm() about an unknown name leaks its pre-screen, so the
 * usual case (a name from a newer terminal) is decided here first.
 */
static gboolean
ui_term_known(const char *term)
{
	GPtrArray	*dirs;
	const char	*e;
	char		 hex[3];
	gboolean	 found = FALSE;
	guint		 i;

	if (strchr(term, '/') != NULL || *term == '.')
		return FALSE;
	dirs = g_ptr_array_new_with_free_func(g_free);
	if ((e = g_getenv("TERMINFO")) != NULL && *e != '\0')
		g_ptr_array_add(dirs, g_strdup(e));
	g_ptr_array_add(dirs, g_build_filename(g_get_home_dir(), ".terminfo",
	    NULL));
	if ((e = g_getenv("TERMINFO_DIRS")) != NULL) {
		g_auto(GStrv) parts = g_strsplit(e, ":", -1);
		for (i = 0; parts[i] != NULL; i++)
			g_ptr_array_add(dirs, g_strdup(*parts[i] != '\0' ?
			    parts[i] : "/usr/share/terminfo"));
	}
	g_ptr_array_add(dirs, g_strdup("/etc/terminfo"));
	g_ptr_array_add(dirs, g_strdup("/lib/terminfo"));
	g_ptr_array_add(dirs, g_strdup("/usr/share/terminfo"));
	g_ptr_array_add(dirs, g_strdup("/usr/lib/terminfo"));
	g_snprintf(hex, sizeof hex, "%02x", (unsigned char)term[0]);
	for (i = 0; i < dirs->len && !found; i++) {
		char first[2] = { term[0], '\0' };
		char *a = g_build_filename(g_ptr_array_index(dirs, i), first,
		    term, NULL);
		char *b = g_build_filename(g_ptr_array_index(dirs, i), hex,
		    term, NULL);
		found = g_file_test(a, G_FILE_TEST_EXISTS) ||
		    g_file_test(b, G_FILE_TEST_EXISTS);
		g_free(a);
		g_free(b);
	}
	g_ptr_array_unref(dirs);
	return found;
}

static SCREEN *
ui_term_try(const char *term)
{
	SCREEN	*sp;

	sp = newterm(term, stdout, stdin);
	if (sp != NULL)
		set_term(sp);
	return sp;
}

SCREEN *
ui_term_start(GString *warnings)
{
	static const char *fallbacks[] = {
		"xterm-256color", "xterm", "vt100", "ansi", "dumb",
	};
	const char	*term = getenv("TERM");
	SCREEN		*sp = NULL;
	size_t		 i;

	if (term == NULL || *term == '\0')
		term = "vt100";
	if (!ui_term_known(term) || (sp = ui_term_try(term)) == NULL) {
		/* An unknown TERM (a new terminal's name over ssh): use a known one. */
		for (i = 0; i < G_N_ELEMENTS(fallbacks); i++) {
			const char *fb = fallbacks[i];
			if ((strncmp(term, "screen", 6) == 0 ||
			    strncmp(term, "tmux", 4) == 0) && i == 0 &&
			    (sp = ui_term_try("screen")) != NULL) {
				fb = "screen";
			} else if ((sp = ui_term_try(fb)) == NULL)
				continue;
			g_string_append_printf(warnings,
			    _("Unknown terminal type '%s'; using '%s'. "), term,
			    fb);
			/* Children (the editor, viewers) get the same. */
			g_setenv("TERM", fb, TRUE);
			break;
		}
		if (sp == NULL)
			return NULL;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	/* No cursor: the marker shows the position; no moves after updates. */
	curs_set(0);
	leaveok(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	return sp;
}

void
ui_term_colors(struct ui *ui)
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
		ui_term_derived(ui);
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
	ui_term_derived(ui);
}

/* Attributes made from others, once the colours are known. */
static void
ui_term_derived(struct ui *ui)
{
	int	i;

	ui->attrs[UI_A_ATTACHMENT] = ui->attrs[UI_A_TREE] | A_BOLD;
	for (i = 0; i < UI_QUOTE_LEVELS; i++)
		ui->quotes[i] = ui->attrs[i % 2 == 0 ? UI_A_QUOTE1 :
		    UI_A_QUOTE2];
	ui->nquotes = 2;
}

void
ui_term_stop(struct ui *ui)
{
	if (ui->screen == NULL)
		return;
	curs_set(1);
	endwin();
	delscreen(ui->screen);
	ui->screen = NULL;
}

void
ui_term_suspend(struct ui *ui)
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
ui_term_resume(struct ui *ui)
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
 * In a locale that is not UTF-8 (LANG=C over ssh, say) the terminal gets
 * ASCII: what it could not show (it would get bytes, or blanks) is '?'.
 * The cut was made for the text's own width, which '?' never exceeds.
 */
static void
ui_term_ascii(char *s)
{
	char	*in = s, *out = s;

	while (*in != '\0') {
		if ((unsigned char)*in < 0x80) {
			*out++ = *in++;
			continue;
		}
		in = g_utf8_next_char(in);	/* before out writes over it */
		*out++ = '?';
	}
	*out = '\0';
}

int
ui_term_text_safe(int y, int x, const char *safe, int cols, attr_t attr)
{
	static int	 utf8 = -1;
	char		*cut;
	int		 w;

	if (cols <= 0 || safe == NULL)
		return 0;
	if (utf8 < 0)
		utf8 = g_get_charset(NULL) ? 1 : 0;
	cut = sanitize_truncate(safe, (size_t)cols, FALSE);
	if (!utf8) {
		ui_term_ascii(cut);
		w = (int)strlen(cut);
	} else
		w = (int)sanitize_width(cut);
	attrset(attr);
	mvaddstr(y, x, cut);
	attrset(A_NORMAL);
	g_free(cut);
	return w;
}

int
ui_term_text(int y, int x, const char *text, int cols, attr_t attr)
{
	char	*safe;
	int	 w;

	if (cols <= 0 || text == NULL)
		return 0;
	safe = sanitize_text(text, -1, 0);
	w = ui_term_text_safe(y, x, safe, cols, attr);
	g_free(safe);
	return w;
}

void
ui_term_bar(int y, const char *safe, attr_t attr)
{
	int	w;

	attrset(attr);
	move(y, 0);
	w = ui_term_text_safe(y, 0, safe, COLS, attr);
	attrset(attr);
	/* Fill with the bar's background. */
	if (w < COLS)
		mvhline(y, w, ' ' | attr, COLS - w);
	attrset(A_NORMAL);
}

/*
 * Keys a macro typed, read before the terminal's. A macro's keys go in
 * front of what is left of the one that ran it, as in mutt.
 */
static GArray	*ui_term_queue;		/* int */
static guint	 ui_term_qpos;
static guint	 ui_term_macro_runs;	/* since the last key typed */

gboolean
ui_term_push_keys(const GArray *keys)
{
	if (keys == NULL || keys->len == 0)
		return TRUE;
	if (++ui_term_macro_runs > UI_MACRO_MAX_RUNS) {
		ui_term_drop_keys();
		return FALSE;
	}
	if (ui_term_queue == NULL)
		ui_term_queue = g_array_new(FALSE, FALSE, sizeof(int));
	g_array_insert_vals(ui_term_queue, ui_term_qpos, keys->data,
	    keys->len);
	return TRUE;
}

void
ui_term_drop_keys(void)
{
	if (ui_term_queue != NULL)
		g_array_set_size(ui_term_queue, 0);
	ui_term_qpos = 0;
}

void
ui_term_wait_key(const char *prompt)
{
	struct termios	 saved, raw;
	gboolean	 tty;
	char		 c;

	if (write(STDOUT_FILENO, prompt, strlen(prompt)) < 0)
		return;
	tty = tcgetattr(STDIN_FILENO, &saved) == 0;
	if (tty) {
		raw = saved;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	while (read(STDIN_FILENO, &c, 1) < 0 && errno == EINTR &&
	    ui_signal_caught() == 0)
		;
	if (tty)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
}

int
ui_term_key(int ms)
{
	wint_t	wc;
	int	rc;

	if (ui_term_queue != NULL && ui_term_qpos < ui_term_queue->len)
		return g_array_index(ui_term_queue, int, ui_term_qpos++);
	if (ui_term_queue != NULL && ui_term_queue->len > 0)
		ui_term_drop_keys();
	timeout(ms);
	rc = get_wch(&wc);
	if (rc == ERR)
		return -1;
	ui_term_macro_runs = 0;
	if (rc == KEY_CODE_YES)
		return UI_KEY_FN + (int)wc;
	if (wc == 0x7f || wc == 8)
		return UI_KEY_FN + KEY_BACKSPACE;
	return (int)wc;
}

/*
 * While curses draws, whatever writes to fd 2 (GnuTLS through libetpan, a
 * password command, GLib's own warnings) would scroll the screen behind
 * its back: fd 2 becomes a pipe that the loop reads into the log. The
 * write end is non-blocking: a writer that outpaces us loses text, it
 * never hangs.
 */
void
ui_term_stderr_start(struct ui *ui)
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
ui_term_stderr_lines(struct ui *ui, gboolean flush, FILE *out)
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
ui_term_stderr_read(struct ui *ui)
{
	char	buf[4096];
	ssize_t	n;

	if (ui->err_pipe[0] < 0)
		return;
	while ((n = read(ui->err_pipe[0], buf, sizeof buf)) > 0) {
		g_string_append_len(ui->err_line, buf, n);
		ui_term_stderr_lines(ui, FALSE, NULL);
	}
}

void
ui_term_stderr_stop(struct ui *ui)
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
	ui_term_stderr_lines(ui, TRUE, stderr);
	close(ui->err_pipe[0]);
	ui->err_pipe[0] = -1;
	g_string_free(ui->err_line, TRUE);
	ui->err_line = NULL;
}
