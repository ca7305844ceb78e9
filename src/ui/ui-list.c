/*
 * ui-list.c: the one scrolling list every view uses. It knows a row count,
 * a cursor and the first visible row; a callback draws each row. With
 * nocursor (the pager) movement scrolls the view instead of a cursor.
 *
 * Repainting draws the visible rows into stdscr; ncurses then sends only
 * the cells that changed, so moving the cursor costs two marker cells.
 */
#include "satchel-config.h"

#include "util/util.h"
#include "ui/ui-widget.h"

static void	ui_list_fit(struct ui_list *);

void
ui_list_init(struct ui_list *l, ui_list_draw_fn draw, void *data,
    gboolean nocursor)
{
	l->count = l->cursor = l->top = 0;
	l->y0 = 1;
	l->rows = 1;
	l->nocursor = nocursor;
	l->draw = draw;
	l->data = data;
}

/* Keep cursor and top in range, and the cursor visible. */
static void
ui_list_fit(struct ui_list *l)
{
	guint64	rows = l->rows > 0 ? (guint64)l->rows : 1;

	if (l->nocursor) {
		if (l->count <= rows)
			l->top = 0;
		else if (l->top > l->count - rows)
			l->top = l->count - rows;
		l->cursor = l->top;
		return;
	}
	if (l->count == 0) {
		l->cursor = l->top = 0;
		return;
	}
	if (l->cursor >= l->count)
		l->cursor = l->count - 1;
	if (l->cursor < l->top)
		l->top = l->cursor;
	else if (l->cursor >= l->top + rows)
		l->top = l->cursor - rows + 1;
	/* No empty space below the last row when it can be avoided. */
	if (l->count > rows && l->top > l->count - rows)
		l->top = l->count - rows;
	if (l->count <= rows)
		l->top = 0;
}

void
ui_list_set_count(struct ui_list *l, guint64 count)
{
	l->count = count;
	ui_list_fit(l);
}

void
ui_list_resize(struct ui_list *l, int y0, int rows)
{
	l->y0 = y0;
	l->rows = rows > 0 ? rows : 1;
	ui_list_fit(l);
}

void
ui_list_goto(struct ui_list *l, guint64 row)
{
	if (l->nocursor)
		l->top = row;
	else
		l->cursor = row;
	ui_list_fit(l);
}

gboolean
ui_list_move(struct ui_list *l, enum ui_op op)
{
	guint64	 rows = (guint64)l->rows, half = rows > 1 ? rows / 2 : 1;
	guint64	*pos = l->nocursor ? &l->top : &l->cursor;

	switch (op) {
	case UI_OP_NEXT_ENTRY:
	case UI_OP_NEXT_LINE:
		if (*pos + 1 < l->count)
			(*pos)++;
		break;
	case UI_OP_PREV_ENTRY:
	case UI_OP_PREV_LINE:
		if (*pos > 0)
			(*pos)--;
		break;
	case UI_OP_NEXT_PAGE:
		/* A page moves the view; the cursor keeps its screen row. */
		if (l->top + rows < l->count) {
			l->top += rows;
			if (!l->nocursor)
				l->cursor += rows;
		} else if (!l->nocursor && l->count > 0)
			l->cursor = l->count - 1;
		break;
	case UI_OP_PREV_PAGE:
		if (l->top >= rows) {
			l->top -= rows;
			if (!l->nocursor)
				l->cursor -= rows;
		} else {
			l->top = 0;
			if (!l->nocursor)
				l->cursor = 0;
		}
		break;
	case UI_OP_HALF_DOWN:
		*pos += half;
		if (!l->nocursor && l->top + half + rows <= l->count)
			l->top += half;
		break;
	case UI_OP_HALF_UP:
		*pos = *pos > half ? *pos - half : 0;
		if (!l->nocursor)
			l->top = l->top > half ? l->top - half : 0;
		break;
	case UI_OP_FIRST_ENTRY:
		*pos = 0;
		break;
	case UI_OP_LAST_ENTRY:
		*pos = l->count > 0 ? l->count - 1 : 0;
		break;
	default:
		return FALSE;
	}
	ui_list_fit(l);
	return TRUE;
}

void
ui_list_repaint(struct ui *ui, struct ui_list *l)
{
	int	i;

	for (i = 0; i < l->rows; i++) {
		move(l->y0 + i, 0);
		clrtoeol();
		if (l->top + (guint64)i < l->count)
			l->draw(ui, l->data, l->y0 + i, l->top + (guint64)i,
			    !l->nocursor && l->top + (guint64)i == l->cursor);
	}
}
