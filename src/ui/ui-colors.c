/*
 * ui-colors.c: the user's [colors] over the built-in attributes, and the
 * cursor row of every list (mutt's indicator bar, or its arrow cursor).
 *
 * Degrading: on a terminal without colours (TERM=vt100) an entry keeps
 * only its attribute words (bold, underline, reverse ...); an entry with
 * colours alone keeps the built-in attribute, so the indicator stays
 * reverse video. NO_COLOR turns off the built-in colours only: colours the
 * user wrote in [colors] are a per-user setting and win, as no-color.org
 * asks. A colour the terminal does not have (color208 on an 8-colour
 * terminal) becomes the default colour; brightX there is X and bold.
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "config/config.h"
#include "ui/ui-core.h"

/* Pairs below this are ui-term.c's built-in ones. */
#define UI_COLORS_FIRST_PAIR	32

static const struct {
	const char	*object;
	int		 attr;		/* enum ui_attr, or -1 */
	gboolean	 text;		/* draws text from mail */
} ui_colors_map[] = {
	{ "indicator", UI_A_INDICATOR, FALSE },
	{ "status", UI_A_BAR, FALSE },
	{ "tree", UI_A_TREE, FALSE },
	{ "header", UI_A_HEADER, TRUE },
	{ "hdrdefault", UI_A_HDRDEFAULT, TRUE },
	{ "signature", UI_A_SIGNATURE, TRUE },
	{ "attachment", UI_A_ATTACHMENT, TRUE },
	{ "error", UI_A_ERROR, FALSE },
	{ "message", UI_A_MESSAGE, FALSE },
	{ "search", UI_A_MARK, TRUE },
	{ "tagged", UI_A_TAGGED, TRUE },
	{ "index_new", UI_A_UNREAD, TRUE },
	{ "index_flagged", UI_A_FLAGGED, TRUE },
	{ "index_deleted", UI_A_DELETED, TRUE },
};

static attr_t
ui_colors_attrs(unsigned a)
{
	attr_t	r = A_NORMAL;

	if (a & CONFIG_COLOR_BOLD)
		r |= A_BOLD;
	if (a & CONFIG_COLOR_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & CONFIG_COLOR_REVERSE)
		r |= A_REVERSE;
	if (a & CONFIG_COLOR_BLINK)
		r |= A_BLINK;
	if (a & CONFIG_COLOR_DIM)
		r |= A_DIM;
	if (a & CONFIG_COLOR_STANDOUT)
		r |= A_STANDOUT;
	return r;
}

/* A configured colour as this terminal can show it; may add bold. */
static int
ui_colors_fit(int c, attr_t *extra)
{
	if (c < 0)
		return -1;
	if (c >= 8 && c < 16 && COLORS < 16) {
		if (extra != NULL)
			*extra |= A_BOLD;
		return c - 8;
	}
	return c < COLORS ? c : -1;
}

/* The attribute for one entry, given the built-in one it replaces. */
static attr_t
ui_colors_entry(struct ui *ui, const struct config_color *col, attr_t def,
    short *pair)
{
	attr_t	a = ui_colors_attrs(col->attrs), extra = A_NORMAL;
	int	fg, bg;

	if (col->fg == CONFIG_COLOR_DEFAULT && col->bg == CONFIG_COLOR_DEFAULT &&
	    col->attrs != 0)
		return a;
	if (!ui->color || *pair >= COLOR_PAIRS)
		/* Colours alone, and none to show: keep the built-in look. */
		return col->attrs != 0 ? a : def;
	fg = ui_colors_fit(col->fg, &extra);
	bg = ui_colors_fit(col->bg, NULL);
	if (init_pair(*pair, (short)fg, (short)bg) != OK)
		return col->attrs != 0 ? a : def;
	a |= extra | COLOR_PAIR(*pair);
	(*pair)++;
	return a;
}

void
ui_colors_apply(struct ui *ui, GString *warnings)
{
	GPtrArray		*cols = ui->config->colors;
	const struct config_color *col;
	const char		*nc = getenv("NO_COLOR");
	gboolean		 colored = FALSE;
	short			 pair = UI_COLORS_FIRST_PAIR;
	attr_t			 a;
	guint			 i;
	size_t			 j;

	ui->arrow_cursor = ui->config->arrow_cursor;
	if (ui->config->warnings != NULL)
		for (i = 0; i < ui->config->warnings->len; i++)
			g_string_append_printf(warnings, "%s. ", (char *)
			    g_ptr_array_index(ui->config->warnings, i));
	if (cols == NULL || cols->len == 0)
		return;
	for (i = 0; i < cols->len; i++) {
		col = g_ptr_array_index(cols, i);
		if (col->fg != CONFIG_COLOR_DEFAULT ||
		    col->bg != CONFIG_COLOR_DEFAULT)
			colored = TRUE;
	}
	/*
	 * NO_COLOR kept the built-in colours off; the user's own [colors]
	 * still apply when the terminal has colours.
	 */
	if (colored && !ui->color && nc != NULL && *nc != '\0' &&
	    has_colors() && start_color() == OK) {
		use_default_colors();
		ui->color = TRUE;
	}
	for (i = 0; i < cols->len; i++) {
		col = g_ptr_array_index(cols, i);
		if (strcmp(col->object, "normal") == 0) {
			if (ui->color)
				assume_default_colors(ui_colors_fit(col->fg,
				    NULL), ui_colors_fit(col->bg, NULL));
			continue;
		}
		if (g_str_has_prefix(col->object, "quoted")) {
			int level = col->object[6] - '0';

			if (level < 0 || level >= UI_QUOTE_LEVELS)
				continue;
			a = ui_colors_entry(ui, col, ui->quotes[level], &pair);
			/* Reverse and underlined is for verdicts alone. */
			if ((a & (A_REVERSE | A_STANDOUT)) &&
			    (a & A_UNDERLINE)) {
				a &= ~A_UNDERLINE;
				g_string_append_printf(warnings, _("[colors] "
				    "%s: reverse and underline together are "
				    "kept for signature verdicts; not "
				    "underlined. "), col->object);
			}
			ui->quotes[level] = a;
			if (level + 1 > ui->nquotes)
				ui->nquotes = level + 1;
			continue;
		}
		for (j = 0; j < G_N_ELEMENTS(ui_colors_map); j++) {
			if (strcmp(ui_colors_map[j].object, col->object) != 0)
				continue;
			a = ui_colors_entry(ui, col,
			    ui->attrs[ui_colors_map[j].attr], &pair);
			if (ui_colors_map[j].text &&
			    (a & (A_REVERSE | A_STANDOUT)) &&
			    (a & A_UNDERLINE)) {
				a &= ~A_UNDERLINE;
				g_string_append_printf(warnings, _("[colors] "
				    "%s: reverse and underline together are "
				    "kept for signature verdicts; not "
				    "underlined. "), col->object);
			}
			ui->attrs[ui_colors_map[j].attr] = a;
			if (ui_colors_map[j].attr == UI_A_INDICATOR)
				ui->indicator_set = TRUE;
		}
	}
}

attr_t
ui_colors_quote(struct ui *ui, unsigned level)
{
	if (level == 0 || ui->nquotes <= 0)
		return A_NORMAL;
	return ui->quotes[(level - 1) % (unsigned)ui->nquotes];
}

int
ui_row_begin(struct ui *ui, int y, gboolean current, attr_t *attr)
{
	if (ui->arrow_cursor) {
		ui_term_text_safe(y, 0, current ? "->" : "  ", 2,
		    current ? ui->attrs[UI_A_CURSOR] : A_NORMAL);
		return 2;
	}
	/*
	 * The bar keeps a '>' in its first column: the row stays marked on
	 * a terminal that cannot show reverse video, and in a copy.
	 */
	if (current) {
		/*
		 * The built-in bar is the row's own look in reverse video (a
		 * flagged row stays red); an indicator from [colors] replaces it.
		 */
		*attr = ui->indicator_set ? ui->attrs[UI_A_INDICATOR] :
		    (*attr | ui->attrs[UI_A_INDICATOR]);
		/* The gaps between columns are part of the bar. */
		mvhline(y, 0, ' ' | *attr, COLS);
	}
	ui_term_text_safe(y, 0, current ? ">" : " ", 1,
	    current ? ui->attrs[UI_A_INDICATOR] : A_NORMAL);
	return 1;
}

void
ui_row_end(struct ui *ui, int y, int x, gboolean current)
{
	if (!current || ui->arrow_cursor || x >= COLS)
		return;
	mvhline(y, x, ' ' | ui->attrs[UI_A_INDICATOR], COLS - x);
}
