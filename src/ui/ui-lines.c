/*
 * ui-lines.c: a read-only list of text lines (the help screen, the list
 * of a message's links). Long lines wrap, so a URL can be copied whole
 * from the terminal even over SSH.
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "ui/ui-view.h"

struct ui_lines {
	char		*title;
	const struct ui_view_ops *ops;
	GPtrArray	*items;		/* char *: untrusted text */
	GPtrArray	*shown;		/* char *: sanitised, wrapped to COLS */
	int		 width;
};

static void	 ui_lines_free(struct ui_view *);
static void	 ui_lines_recalc(struct ui *, struct ui_view *);
static void	 ui_lines_title(struct ui *, struct ui_view *, GString *);
static gboolean	 ui_lines_op(struct ui *, struct ui_view *, enum ui_op);
static void	 ui_lines_draw(struct ui *, void *, int, guint64, gboolean);

#define UI_LINES_OPS(n, c) {						\
	.name = n, .ctx = c, .recalc = ui_lines_recalc,		\
	.title = ui_lines_title, .op = ui_lines_op,			\
	.free = ui_lines_free,						\
}
static const struct ui_view_ops ui_lines_ops[] = {
	UI_LINES_OPS("help", UI_CTX_HELP),
	UI_LINES_OPS("urls", UI_CTX_URLS),
};

struct ui_view *
ui_lines_new(struct ui *ui, const char *title, GPtrArray *items,
    enum ui_ctx ctx)
{
	struct ui_lines	*lv;
	struct ui_view	*v;

	(void)ui;
	lv = g_new0(struct ui_lines, 1);
	lv->title = g_strdup(title);
	lv->items = g_ptr_array_ref(items);
	lv->shown = g_ptr_array_new_with_free_func(g_free);
	v = ui_view_new(ctx == UI_CTX_URLS ? &ui_lines_ops[1] :
	    &ui_lines_ops[0], lv);
	/* Nothing to select: the keys scroll. */
	ui_list_init(&v->list, ui_lines_draw, v, TRUE);
	return v;
}

static void
ui_lines_free(struct ui_view *v)
{
	struct ui_lines	*lv = v->data;

	g_ptr_array_unref(lv->items);
	g_ptr_array_unref(lv->shown);
	g_free(lv->title);
	g_free(lv);
}

static void
ui_lines_recalc(struct ui *ui, struct ui_view *v)
{
	struct ui_lines	*lv = v->data;
	char		*safe, *piece;
	const char	*p;
	guint		 i;
	size_t		 w;
	int		 cols = COLS > 2 ? COLS - 1 : 1;

	(void)ui;
	if (lv->width == cols && lv->shown->len > 0) {
		ui_list_set_count(&v->list, lv->shown->len);
		return;
	}
	lv->width = cols;
	g_ptr_array_set_size(lv->shown, 0);
	for (i = 0; i < lv->items->len; i++) {
		safe = sanitize_text(g_ptr_array_index(lv->items, i), -1, 0);
		p = safe;
		do {
			piece = sanitize_truncate(p, (size_t)cols, FALSE);
			w = strlen(piece);
			if (w == 0 && *p != '\0') {
				/* A character wider than the screen. */
				g_free(piece);
				piece = g_strndup(p, g_utf8_next_char(p) - p);
				w = strlen(piece);
			}
			g_ptr_array_add(lv->shown, piece);
			p += w;
		} while (*p != '\0');
		g_free(safe);
	}
	ui_list_set_count(&v->list, lv->shown->len);
}

static void
ui_lines_title(struct ui *ui, struct ui_view *v, GString *s)
{
	struct ui_lines	*lv = v->data;

	(void)ui;
	g_string_append(s, lv->title);
}

static void
ui_lines_draw(struct ui *ui, void *data, int y, guint64 row, gboolean current)
{
	struct ui_view	*v = data;
	struct ui_lines	*lv = v->data;

	(void)ui;
	(void)current;
	ui_term_text_safe(y, 0, g_ptr_array_index(lv->shown, row), COLS,
	    A_NORMAL);
}

static gboolean
ui_lines_op(struct ui *ui, struct ui_view *v, enum ui_op op)
{
	(void)ui;
	switch (op) {
	case UI_OP_NEXT_ENTRY:
		return ui_list_move(&v->list, UI_OP_NEXT_LINE);
	case UI_OP_PREV_ENTRY:
		return ui_list_move(&v->list, UI_OP_PREV_LINE);
	case UI_OP_SELECT:
		return TRUE;
	default:
		return ui_list_move(&v->list, op);
	}
}
