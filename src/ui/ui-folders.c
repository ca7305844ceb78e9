/*
 * ui-folders.c: the folder list (INBOX, Sent, Drafts, Outbox with its
 * count, then the others). Enter shows the folder in the main index; on
 * the Outbox, the queue (ui-outbox.c).
 */
#include "satchel-config.h"

#include <inttypes.h>
#include <string.h>

#include "util/util.h"
#include "store/store.h"
#include "ui/ui-view.h"

struct ui_folders {
	GPtrArray	*folders;	/* struct store_folder * */
};

static void	 ui_folders_free(struct ui_view *);
static void	 ui_folders_recalc(struct ui *, struct ui_view *);
static void	 ui_folders_title(struct ui *, struct ui_view *, GString *);
static gboolean	 ui_folders_op(struct ui *, struct ui_view *, enum ui_op);
static void	 ui_folders_draw(struct ui *, void *, int, guint64, gboolean);
static void	 ui_folders_enter(struct ui *, void *);

static const struct ui_view_ops ui_folders_ops = {
	.name = "folders",
	.ctx = UI_CTX_FOLDERS,
	.recalc = ui_folders_recalc,
	.title = ui_folders_title,
	.op = ui_folders_op,
	.free = ui_folders_free,
};

struct ui_view *
ui_folders_new(struct ui *ui)
{
	struct ui_folders	*fv;
	struct ui_view		*v;
	struct store_folder	*f;
	const char		*current;
	guint			 i;

	fv = g_new0(struct ui_folders, 1);
	v = ui_view_new(&ui_folders_ops, fv);
	ui_list_init(&v->list, ui_folders_draw, v, FALSE);
	ui_folders_recalc(ui, v);
	/* Start on the folder the index shows. */
	current = ui_index_folder(g_ptr_array_index(ui->views, 0));
	for (i = 0; fv->folders != NULL && i < fv->folders->len; i++) {
		f = g_ptr_array_index(fv->folders, i);
		if (current != NULL && strcmp(f->name, current) == 0)
			ui_list_goto(&v->list, i);
	}
	return v;
}

static void
ui_folders_free(struct ui_view *v)
{
	struct ui_folders	*fv = v->data;

	if (fv->folders != NULL)
		g_ptr_array_unref(fv->folders);
	g_free(fv);
}

static void
ui_folders_recalc(struct ui *ui, struct ui_view *v)
{
	struct ui_folders	*fv = v->data;

	if (fv->folders != NULL)
		g_ptr_array_unref(fv->folders);
	fv->folders = NULL;
	if (store_folders(ui->store, &fv->folders) != STORE_OK) {
		ui_error(ui, "%s", store_errmsg(ui->store));
		fv->folders = g_ptr_array_new();
	}
	ui_list_set_count(&v->list, fv->folders->len);
}

static void
ui_folders_title(struct ui *ui, struct ui_view *v, GString *s)
{
	(void)ui;
	(void)v;
	g_string_append(s, _("satchel: folders"));
}

static void
ui_folders_draw(struct ui *ui, void *data, int y, guint64 row,
    gboolean current)
{
	struct ui_view		*v = data;
	struct ui_folders	*fv = v->data;
	struct store_folder	*f = g_ptr_array_index(fv->folders, row);
	char			*counts;
	int			 w;
	attr_t			 attr = f->unread > 0 ?
				    ui->attrs[UI_A_UNREAD] : A_NORMAL;
	attr_t			 rest = A_NORMAL;

	if (ui_row_begin(ui, y, current, &rest) < 0)
		return;
	if (current && !ui->arrow_cursor)
		attr = rest;
	w = COLS > 60 ? 30 : COLS / 2;
	ui_term_text(y, 2, f->name, w - 1, attr);
	if (strcmp(f->name, STORE_OUTBOX) == 0 && ui->queue_attention > 0)
		counts = g_strdup_printf(_("%" PRIu64 " queued, %" PRIu64
		    " held or failed"), ui->queue_count, ui->queue_attention);
	else if (strcmp(f->name, STORE_OUTBOX) == 0)
		counts = g_strdup_printf(_("%" PRIu64 " queued"),
		    ui->queue_count);
	else
		counts = g_strdup_printf(_("%" PRIu64 " unread, %"
		    PRIu64 " total"), f->unread, f->total);
	ui_term_text_safe(y, 2 + w, counts, COLS - 2 - w, rest);
	g_free(counts);
}

static gboolean
ui_folders_op(struct ui *ui, struct ui_view *v, enum ui_op op)
{
	struct ui_folders	*fv = v->data;
	struct store_folder	*f;
	char			*name;

	if (ui_list_move(&v->list, op))
		return TRUE;
	if (op != UI_OP_SELECT)
		return FALSE;
	if (v->list.count == 0)
		return TRUE;
	f = g_ptr_array_index(fv->folders, v->list.cursor);
	name = g_strdup(f->name);
	/* Back to the main index (also from a search), on that folder. */
	while (ui->views->len > 1)
		ui_pop(ui);
	ui->new_mail = 0;
	/* Leaving the folder purges what was deleted in it. */
	if (ui_index_folder(ui_top(ui)) != NULL &&
	    g_strcmp0(ui_index_folder(ui_top(ui)), name) != 0) {
		ui_repaint_now(ui);
		ui_purge_ask(ui, ui_index_folder(ui_top(ui)), ui_folders_enter,
		    name);
	} else
		ui_folders_enter(ui, name);
	return TRUE;
}

/*
 * The main index (the bottom view) shows folder name (taken), once what
 * was deleted in the one left is purged or kept.
 */
static void
ui_folders_enter(struct ui *ui, void *name)
{
	ui_index_set_folder(ui, g_ptr_array_index(ui->views, 0), name);
	/* The Outbox is shown as the queue (states, errors, retries) over
	   its index. */
	if (strcmp(name, STORE_OUTBOX) == 0)
		ui_push(ui, ui_outbox_new(ui));
	g_free(name);
}
