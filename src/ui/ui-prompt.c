/*
 * ui-prompt.c: questions on the message line, in the core (ui-core.h): a
 * line editor (wide characters, horizontal scrolling), secrets with echo
 * off, and one-key choices. A question is a state of the one loop: it is
 * put up (ui_prompt_ask), the loop hands it each key (ui_prompt_key), and
 * its callback gets the answer; events and timers go on meanwhile
 * (ui_prompt_ask_yesno: yes or no so). The questions that answer in place
 * (ui_prompt_line ...) turn that loop until theirs is answered.
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "config/config.h"
#include "ui/ui-core.h"

/* A question up: a line being edited, or a choice of keys. */
struct ui_prompt {
	char			*prompt;
	char			*choices;	/* a choice: its keys, else NULL */
	ui_prompt_fn		 fn;		/* gets the answer */
	void			*data;
	struct ui_prompt	*below;		/* asked before, answered after */
	GArray			*text;		/* gunichar */
	guint			 cursor;
	gboolean		 secret;
	enum ui_prompt_kind	 kind;
	/* Tab: the line as it was before the first Tab, the round. */
	char			*base;
	gsize			 base_cursor;
	guint			 tab_round;
	/* Up, Down: how far back in the history, what was typed. */
	guint			 back;
	char			*typed;
};

/* What a key did to the line. */
enum ui_prompt_step {
	UI_PROMPT_EDITING,
	UI_PROMPT_ANSWERED,
	UI_PROMPT_CANCELLED,
};

/* A question answered in place: the answer, once it came. */
struct ui_prompt_wait {
	gboolean		 done;
	char			*line;
	int			 key;
};

static void	ui_prompt_draw(struct ui *, const char *prompt, GArray *text,
		    guint cursor, gboolean secret);
static void	ui_prompt_draw_choice(const char *prompt);
static void	ui_prompt_push(struct ui *, struct ui_prompt *, const char *,
		    ui_prompt_fn, void *);
static void	ui_prompt_end(struct ui *, enum ui_prompt_step, int key);
static void	ui_prompt_waited(struct ui *, char *, int, void *);
static void	ui_prompt_wait(struct ui *, struct ui_prompt_wait *);
static char	*ui_prompt_edit(struct ui *, const char *prompt,
		    const char *initial, gboolean secret, enum ui_prompt_kind);
static void	ui_prompt_set(GArray *, const char *);
static char	*ui_prompt_get(GArray *, guint upto);
static void	ui_prompt_tab(struct ui *, struct ui_prompt *);
static void	ui_prompt_history(struct ui *, struct ui_prompt *, int key);
static gboolean	ui_prompt_motion(struct ui_prompt *, int key);
static enum ui_prompt_step ui_prompt_edit_key(struct ui *, struct ui_prompt *,
		    int key);
static char	*ui_prompt_finish(struct ui *, struct ui_prompt *,
		    char *result);

static void
ui_prompt_draw(struct ui *ui, const char *prompt, GArray *text, guint cursor,
    gboolean secret)
{
	GString	*s;
	int	 pw, avail, w, start_w;
	guint	 i, start;
	char	*safe_prompt;

	(void)ui;
	safe_prompt = sanitize_text(prompt, -1, 0);
	move(LINES - 1, 0);
	clrtoeol();
	pw = ui_term_text_safe(LINES - 1, 0, safe_prompt, COLS - 2, A_BOLD);
	g_free(safe_prompt);
	if (secret) {
		move(LINES - 1, pw);
		refresh();
		return;
	}
	avail = COLS - pw - 1;
	if (avail < 1)
		avail = 1;
	/* Scroll so that the cursor stays visible. */
	start = 0;
	for (;;) {
		start_w = 0;
		for (i = start; i < cursor; i++) {
			w = g_unichar_iswide(g_array_index(text, gunichar, i)) ?
			    2 : 1;
			start_w += w;
		}
		if (start_w < avail || start >= cursor)
			break;
		start++;
	}
	s = g_string_new(NULL);
	for (i = start; i < text->len; i++)
		g_string_append_unichar(s, g_array_index(text, gunichar, i));
	ui_term_text(LINES - 1, pw, s->str, avail, A_NORMAL);
	g_string_free(s, TRUE);
	/* Show where typing goes: the cursor is visible while editing. */
	move(LINES - 1, pw + start_w);
	refresh();
}

/* The line's text from UTF-8 (invalid text: nothing). */
static void
ui_prompt_set(GArray *text, const char *s)
{
	const char	*p;

	g_array_set_size(text, 0);
	if (s == NULL || !g_utf8_validate(s, -1, NULL))
		return;
	for (p = s; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		g_array_append_val(text, c);
	}
}

/* The first upto characters as UTF-8. */
static char *
ui_prompt_get(GArray *text, guint upto)
{
	GString	*out = g_string_new(NULL);
	guint	 i;

	for (i = 0; i < text->len && i < upto; i++)
		g_string_append_unichar(out, g_array_index(text, gunichar, i));
	return g_string_free(out, FALSE);
}

/* Tab: the word before the cursor completed, the next candidate each time. */
static void
ui_prompt_tab(struct ui *ui, struct ui_prompt *p)
{
	char		*line;
	gsize		 nc = 0;
	gboolean	 more = FALSE;

	if (p->secret || p->kind == UI_PROMPT_TEXT ||
	    p->kind == UI_PROMPT_QUERY)
		return;
	if (p->base == NULL) {
		g_autofree char *pre = ui_prompt_get(p->text, p->cursor);

		p->base = ui_prompt_get(p->text, p->text->len);
		p->base_cursor = strlen(pre);
		p->tab_round = 0;
	}
	line = ui_complete_tab(ui, p->kind, p->base, p->base_cursor,
	    p->tab_round, &nc, &more);
	if (line == NULL) {
		beep();
		return;
	}
	ui_prompt_set(p->text, line);
	p->cursor = (guint)g_utf8_strlen(line, (gssize)nc);
	g_free(line);
	if (more)
		p->tab_round++;
	else {
		p->tab_round = 0;
		g_clear_pointer(&p->base, g_free);
	}
}

/* Up and Down: older lines of this kind, back to what was typed. */
static void
ui_prompt_history(struct ui *ui, struct ui_prompt *p, int key)
{
	const char *h;

	if (p->secret)
		return;
	if (key == UI_KEY_FN + KEY_UP) {
		if ((h = ui_complete_history(ui, p->kind,
		    p->back + 1)) == NULL) {
			beep();
			return;
		}
		if (p->back++ == 0) {
			g_free(p->typed);
			p->typed = ui_prompt_get(p->text, p->text->len);
		}
	} else {
		if (p->back == 0)
			return;
		h = --p->back == 0 ? p->typed :
		    ui_complete_history(ui, p->kind, p->back);
	}
	ui_prompt_set(p->text, h);
	p->cursor = p->text->len;
}

/* Move or delete within the line; FALSE: Backspace on an empty line. */
static gboolean
ui_prompt_motion(struct ui_prompt *p, int key)
{
	GArray	*text = p->text;

	switch (key) {
	case UI_KEY_FN + KEY_BACKSPACE:
		if (p->cursor > 0)
			g_array_remove_index(text, --p->cursor);
		else if (text->len == 0)
			return FALSE;	/* Backspace on empty: cancel. */
		break;
	case UI_KEY_FN + KEY_DC:
	case 4:
		if (p->cursor < text->len)
			g_array_remove_index(text, p->cursor);
		break;
	case UI_KEY_FN + KEY_LEFT:
	case 2:
		if (p->cursor > 0)
			p->cursor--;
		break;
	case UI_KEY_FN + KEY_RIGHT:
	case 6:
		if (p->cursor < text->len)
			p->cursor++;
		break;
	case UI_KEY_FN + KEY_HOME:
	case 1:
		p->cursor = 0;
		break;
	case UI_KEY_FN + KEY_END:
	case 5:
		p->cursor = text->len;
		break;
	case 21:	/* C-u */
		g_array_remove_range(text, 0, p->cursor);
		p->cursor = 0;
		break;
	case 11:	/* C-k */
		g_array_set_size(text, p->cursor);
		break;
	case 23:	/* C-w: the word before the cursor */
		while (p->cursor > 0 && g_array_index(text, gunichar,
		    p->cursor - 1) == ' ')
			g_array_remove_index(text, --p->cursor);
		while (p->cursor > 0 && g_array_index(text, gunichar,
		    p->cursor - 1) != ' ')
			g_array_remove_index(text, --p->cursor);
		break;
	default:
		if (key >= UI_KEY_FN || key < 0x20 || key == 0x7f ||
		    (key >= 0x80 && key < 0xa0) || text->len >= 4096)
			break;
		{
			gunichar c = (gunichar)key;
			g_array_insert_val(text, p->cursor, c);
			p->cursor++;
		}
		break;
	}
	return TRUE;
}

/* One key typed at the line: answered, cancelled, or still editing. */
static enum ui_prompt_step
ui_prompt_edit_key(struct ui *ui, struct ui_prompt *p, int key)
{
	if (key == 27 || key == 7)
		return UI_PROMPT_CANCELLED;
	if (key == '\n' || key == '\r' || key == UI_KEY_FN + KEY_ENTER)
		return UI_PROMPT_ANSWERED;
	if (key != '\t' && key != UI_KEY_FN + KEY_RESIZE) {
		p->tab_round = 0;
		g_clear_pointer(&p->base, g_free);
	}
	if (key == '\t')
		ui_prompt_tab(ui, p);
	else if (key == UI_KEY_FN + KEY_UP || key == UI_KEY_FN + KEY_DOWN)
		ui_prompt_history(ui, p, key);
	else if (key != UI_KEY_FN + KEY_RESIZE && !ui_prompt_motion(p, key))
		return UI_PROMPT_CANCELLED;
	return UI_PROMPT_EDITING;
}

/*
 * The line is done (result: its text, or NULL when cancelled): the
 * secret wiped, aliases expanded, the history told; the line cleared.
 */
static char *
ui_prompt_finish(struct ui *ui, struct ui_prompt *p, char *result)
{
	if (p->secret) {
		/* Do not leave the secret in freed memory. */
		memset(p->text->data, 0, p->text->len * sizeof(gunichar));
	}
	g_free(p->base);
	g_free(p->typed);
	if (result != NULL && !p->secret) {
		/* An alias typed whole is the addresses it stands for. */
		if (p->kind == UI_PROMPT_ADDRESS) {
			char *x = ui_complete_expand_aliases(ui, result);

			g_free(result);
			result = x;
		}
		ui_complete_history_add(ui, p->kind, result);
	}
	g_array_free(p->text, TRUE);
	curs_set(0);
	leaveok(stdscr, TRUE);
	move(LINES - 1, 0);
	clrtoeol();
	ui->dirty = TRUE;
	return result;
}

/* A choice's line: the question, nothing typed. */
static void
ui_prompt_draw_choice(const char *prompt)
{
	char	*safe;

	safe = sanitize_text(prompt, -1, 0);
	move(LINES - 1, 0);
	clrtoeol();
	ui_term_text_safe(LINES - 1, 0, safe, COLS, A_BOLD);
	g_free(safe);
	refresh();
}

gboolean
ui_prompt_asking(struct ui *ui)
{
	return ui->prompt != NULL;
}

void
ui_prompt_redraw(struct ui *ui)
{
	struct ui_prompt	*p = ui->prompt;

	if (p == NULL)
		return;
	if (p->choices != NULL)
		ui_prompt_draw_choice(p->prompt);
	else
		ui_prompt_draw(ui, p->prompt, p->text, p->cursor, p->secret);
}

/* Put question p up, on top of any asked before. */
static void
ui_prompt_push(struct ui *ui, struct ui_prompt *p, const char *prompt,
    ui_prompt_fn fn, void *data)
{
	p->prompt = g_strdup(prompt);
	p->fn = fn;
	p->data = data;
	p->below = ui->prompt;
	ui->prompt = p;
	g_clear_pointer(&ui->message, g_free);
}

void
ui_prompt_ask(struct ui *ui, const char *prompt, const char *initial,
    enum ui_prompt_kind kind, gboolean secret, ui_prompt_fn fn, void *data)
{
	struct ui_prompt	*p = g_new0(struct ui_prompt, 1);

	p->secret = secret;
	p->kind = kind;
	p->text = g_array_new(FALSE, FALSE, sizeof(gunichar));
	ui_prompt_set(p->text, initial);
	p->cursor = p->text->len;
	ui_prompt_push(ui, p, prompt, fn, data);
	if (!secret) {
		leaveok(stdscr, FALSE);
		curs_set(1);
	}
	ui_prompt_redraw(ui);
}

void
ui_prompt_ask_choice(struct ui *ui, const char *prompt, const char *choices,
    ui_prompt_fn fn, void *data)
{
	struct ui_prompt	*p = g_new0(struct ui_prompt, 1);

	p->choices = g_strdup(choices);
	ui_prompt_push(ui, p, prompt, fn, data);
	ui_prompt_redraw(ui);
}

/*
 * The question up is answered (step, key: a choice's) or cancelled: it
 * comes down, the one below (if any) takes the keys again, and the
 * callback gets the answer.
 */
static void
ui_prompt_end(struct ui *ui, enum ui_prompt_step step, int key)
{
	struct ui_prompt	*p = ui->prompt;
	char			*line = NULL;

	ui->prompt = p->below;
	if (p->choices != NULL) {
		move(LINES - 1, 0);
		clrtoeol();
		ui->dirty = TRUE;
	} else
		line = ui_prompt_finish(ui, p, step == UI_PROMPT_ANSWERED ?
		    ui_prompt_get(p->text, p->text->len) : NULL);
	p->fn(ui, line, step == UI_PROMPT_ANSWERED ? key : 0, p->data);
	g_free(p->prompt);
	g_free(p->choices);
	g_free(p);
}

/* A key for the question up: a choice's answer, or the line edited. */
void
ui_prompt_key(struct ui *ui, int key)
{
	struct ui_prompt	*p = ui->prompt;
	enum ui_prompt_step	 step;

	if (p == NULL)
		return;
	if (key == UI_KEY_FN + KEY_RESIZE) {
		ui->recalc = TRUE;
		ui_repaint_now(ui);
	}
	if (p->choices != NULL) {
		if (key == 27 || key == 7) {
			ui_prompt_end(ui, UI_PROMPT_CANCELLED, 0);
			return;
		}
		if (key == '\r')
			key = '\n';
		if (key > 0 && key < 0x80 && strchr(p->choices, key) != NULL) {
			ui_prompt_end(ui, UI_PROMPT_ANSWERED, key);
			return;
		}
	} else if ((step = ui_prompt_edit_key(ui, p, key)) !=
	    UI_PROMPT_EDITING) {
		ui_prompt_end(ui, step, 0);
		return;
	}
	ui_prompt_redraw(ui);
}

void
ui_prompt_cancel_all(struct ui *ui)
{
	while (ui->prompt != NULL)
		ui_prompt_end(ui, UI_PROMPT_CANCELLED, 0);
}

/* ui_prompt_fn of a question answered in place: keep the answer. */
static void
ui_prompt_waited(struct ui *ui, char *line, int key, void *data)
{
	struct ui_prompt_wait	*w = data;

	(void)ui;
	w->done = TRUE;
	w->line = line;
	w->key = key;
}

/*
 * Turn the one loop until w's question (just put up) is answered; the
 * session ending cancels it, and any asked on top of it meanwhile.
 */
static void
ui_prompt_wait(struct ui *ui, struct ui_prompt_wait *w)
{
	while (!w->done) {
		if (ui_core_turn(ui))
			continue;
		ui_prompt_cancel_all(ui);
	}
}

static char *
ui_prompt_edit(struct ui *ui, const char *prompt, const char *initial,
    gboolean secret, enum ui_prompt_kind kind)
{
	struct ui_prompt_wait	w;

	memset(&w, 0, sizeof w);
	ui_prompt_ask(ui, prompt, initial, kind, secret, ui_prompt_waited, &w);
	ui_prompt_wait(ui, &w);
	return w.line;
}

char *
ui_prompt_line(struct ui *ui, const char *prompt, const char *initial)
{
	return ui_prompt_edit(ui, prompt, initial, FALSE, UI_PROMPT_TEXT);
}

char *
ui_prompt_line_kind(struct ui *ui, const char *prompt, const char *initial,
    enum ui_prompt_kind kind)
{
	return ui_prompt_edit(ui, prompt, initial, FALSE, kind);
}

char *
ui_prompt_secret(struct ui *ui, const char *prompt)
{
	char	*s, *copy;

	s = ui_prompt_edit(ui, prompt, NULL, TRUE, UI_PROMPT_TEXT);
	if (s == NULL)
		return NULL;
	/* config_secret_free() wipes what it frees. */
	copy = g_strdup(s);
	memset(s, 0, strlen(s));
	g_free(s);
	return copy;
}

int
ui_prompt_choice(struct ui *ui, const char *prompt, const char *choices)
{
	struct ui_prompt_wait	w;

	memset(&w, 0, sizeof w);
	ui_prompt_ask_choice(ui, prompt, choices, ui_prompt_waited, &w);
	ui_prompt_wait(ui, &w);
	return w.key;
}

/* A yes-or-no question up: its letters, Enter's answer, whom to tell. */
struct ui_prompt_yn {
	char			 yes, no;
	gboolean		 def;
	ui_prompt_fn		 fn;
	void			*data;
};

/*
 * A yes-or-no question's line and keys (choices: 16 bytes) into yn;
 * the line to g_free.
 */
static char *
ui_prompt_yn_setup(const char *question, gboolean def,
    struct ui_prompt_yn *yn, char *choices)
{
	/*
	 * TRANSLATORS: two ASCII letters, the answers for yes and no, in
	 * the same order as in "([y]/n)". y and n are always understood too.
	 */
	const char	*letters = _("yn");

	yn->yes = 'y';
	yn->no = 'n';
	yn->def = def;
	if (strlen(letters) == 2 && g_ascii_isalpha(letters[0]) &&
	    g_ascii_isalpha(letters[1]) && letters[0] != letters[1]) {
		yn->yes = g_ascii_tolower(letters[0]);
		yn->no = g_ascii_tolower(letters[1]);
	}
	g_snprintf(choices, 16, "%c%c%c%cynYN\n", yn->yes,
	    g_ascii_toupper(yn->yes), yn->no, g_ascii_toupper(yn->no));
	return g_strdup_printf("%s %s ", question, def ? _("([y]/n)") :
	    _("(y/[n])"));
}

/* The key typed at a yes-or-no question (0: cancelled): yes or no. */
static gboolean
ui_prompt_yn_answer(const struct ui_prompt_yn *yn, int c)
{
	if (c == '\n')
		return yn->def;
	c = g_ascii_tolower(c);
	/* The translated "no" letter may be y in some language: it wins. */
	if (c == yn->no)
		return FALSE;
	return c == yn->yes || c == 'y';
}

gboolean
ui_prompt_yesno(struct ui *ui, const char *question, gboolean def)
{
	struct ui_prompt_yn	 yn;
	char			 choices[16];
	char			*p;
	int			 c;

	p = ui_prompt_yn_setup(question, def, &yn, choices);
	c = ui_prompt_choice(ui, p, choices);
	g_free(p);
	return ui_prompt_yn_answer(&yn, c);
}

/* ui_prompt_fn of a yes-or-no question: its asker told yes or no. */
static void
ui_prompt_yn_done(struct ui *ui, char *line, int key, void *data)
{
	struct ui_prompt_yn	*yn = data;

	(void)line;
	yn->fn(ui, NULL, ui_prompt_yn_answer(yn, key), yn->data);
	g_free(yn);
}

void
ui_prompt_ask_yesno(struct ui *ui, const char *question, gboolean def,
    ui_prompt_fn fn, void *data)
{
	struct ui_prompt_yn	*yn = g_new0(struct ui_prompt_yn, 1);
	char			 choices[16];
	char			*p;

	p = ui_prompt_yn_setup(question, def, yn, choices);
	yn->fn = fn;
	yn->data = data;
	ui_prompt_ask_choice(ui, p, choices, ui_prompt_yn_done, yn);
	g_free(p);
}
