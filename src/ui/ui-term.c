/*
 * ui-term.c: the terminal, a widget (ui-widget.h). Start-up with a
 * fallback for unknown terminal types, the text drawing every view uses,
 * keys and the macro queue. What the reader's state holds of the terminal
 * (colours, leaving curses for a child, standard error) is ui-screen.c's.
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
#include "ui/ui-widget.h"


static SCREEN	*ui_term_try(const char *term);
static gboolean	 ui_term_known(const char *term);

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
