/*
 * ui-outbox.c: the queue in the reader. One row per entry not yet sent
 * (and per sent one that bounced or had recipients refused): its state,
 * attempts, next try, recipients and subject; under the list, the entry
 * under the cursor in full (what it waits for, the last error, refused
 * and bounced recipients). Keys retry now, hold, release, delete and
 * edit an entry; Enter shows its message. The same verbs as `satchel
 * queue`, through smtp/outbox.c.
 */
#include "satchel-config.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "util/util.h"
#include "config/config.h"
#include "mime/mime.h"
#include "store/store.h"
#include "smtp/outbox.h"
#include "ui/ui-view.h"

/* How the outbox view writes a time. */
#define UI_OUTBOX_TIME		"%m-%d %H:%M"
/* Rows under the list for the current entry in full. */
#define UI_OUTBOX_DETAIL	5

struct ui_outbox {
	GPtrArray	*entries;	/* struct outbox_entry * */
};

static void	 ui_outbox_free(struct ui_view *);
static void	 ui_outbox_load(struct ui *, struct ui_view *);
static void	 ui_outbox_recalc(struct ui *, struct ui_view *);
static void	 ui_outbox_repaint(struct ui *, struct ui_view *);
static void	 ui_outbox_title(struct ui *, struct ui_view *, GString *);
static int64_t	 ui_outbox_current_msg(struct ui *, struct ui_view *);
static gboolean	 ui_outbox_op(struct ui *, struct ui_view *, enum ui_op);
static void	 ui_outbox_draw(struct ui *, void *, int, guint64, gboolean);
static const char *ui_outbox_state(const struct outbox_entry *);
static struct outbox_entry *ui_outbox_current(struct ui_view *);
static void	 ui_outbox_act(struct ui *, struct ui_view *, enum ui_op);
static void	 ui_outbox_ask_delete(struct ui *, struct ui_view *, int64_t);
static void	 ui_outbox_delete_answered(struct ui *, char *, int, void *);
static void	 ui_outbox_acted(struct ui *, struct ui_view *, enum ui_op,
		    enum outbox_status, GError *);
static void	 ui_outbox_edit(struct ui *, struct ui_view *);

static const struct ui_view_ops ui_outbox_ops = {
	.name = "outbox",
	.ctx = UI_CTX_OUTBOX,
	.recalc = ui_outbox_recalc,
	.repaint = ui_outbox_repaint,
	.title = ui_outbox_title,
	.current_msg = ui_outbox_current_msg,
	.op = ui_outbox_op,
	.free = ui_outbox_free,
};

struct ui_view *
ui_outbox_new(struct ui *ui)
{
	struct ui_outbox	*ob;
	struct ui_view		*v;

	(void)ui;
	ob = g_new0(struct ui_outbox, 1);
	v = ui_view_new(&ui_outbox_ops, ob);
	ui_list_init(&v->list, ui_outbox_draw, v, FALSE);
	return v;
}

gboolean
ui_outbox_is(struct ui_view *v)
{
	return v != NULL && v->ops == &ui_outbox_ops;
}

static void
ui_outbox_free(struct ui_view *v)
{
	struct ui_outbox	*ob = v->data;

	if (ob->entries != NULL)
		g_ptr_array_unref(ob->entries);
	g_free(ob);
}

/* What the user has to know about: unsent, bounced, partly refused. */
static void
ui_outbox_load(struct ui *ui, struct ui_view *v)
{
	struct ui_outbox	*ob = v->data;
	GPtrArray		*all = NULL;
	GError			*err = NULL;
	struct outbox_entry	*e;
	guint			 i;

	if (ob->entries != NULL)
		g_ptr_array_unref(ob->entries);
	ob->entries = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)outbox_entry_free);
	if (outbox_list(ui->store, OUTBOX_LIST_SENT, &all, &err) !=
	    OUTBOX_OK) {
		ui_error(ui, "%s", err != NULL ? err->message : "?");
		g_clear_error(&err);
		ui_list_set_count(&v->list, 0);
		return;
	}
	for (i = 0; i < all->len; i++) {
		e = g_ptr_array_index(all, i);
		if (e->row.state == STORE_QUEUE_SENT && e->row.bounce == NULL &&
		    e->row.refused == NULL)
			continue;
		g_ptr_array_add(ob->entries, e);
		all->pdata[i] = NULL;	/* kept: not freed with the rest */
	}
	g_ptr_array_unref(all);
	ui_list_set_count(&v->list, ob->entries->len);
}

static void
ui_outbox_recalc(struct ui *ui, struct ui_view *v)
{
	int	y0, rows;

	ui_body_size(&y0, &rows);
	if (rows > UI_OUTBOX_DETAIL + 3)
		rows -= UI_OUTBOX_DETAIL + 1;
	ui_list_resize(&v->list, y0, rows);
	ui_outbox_load(ui, v);
}

static struct outbox_entry *
ui_outbox_current(struct ui_view *v)
{
	struct ui_outbox	*ob = v->data;

	if (ob->entries == NULL || v->list.count == 0 ||
	    v->list.cursor >= ob->entries->len)
		return NULL;
	return g_ptr_array_index(ob->entries, v->list.cursor);
}

static int64_t
ui_outbox_current_msg(struct ui *ui, struct ui_view *v)
{
	struct outbox_entry	*e = ui_outbox_current(v);

	(void)ui;
	return e != NULL ? e->row.msg_id : -1;
}

static void
ui_outbox_title(struct ui *ui, struct ui_view *v, GString *s)
{
	struct ui_outbox	*ob = v->data;
	guint			 n;

	/*
	 * Sends in the background and other processes change the queue:
	 * show it as it is at every repaint (the title is drawn first).
	 */
	ui_outbox_load(ui, v);
	n = ob->entries->len;
	g_string_append(s, _("satchel: outbox"));
	g_string_append_printf(s, " (");
	g_string_append_printf(s, ngettext("%u entry", "%u entries", n), n);
	g_string_append(s, ")");
}

/* The entry's state for people. */
static const char *
ui_outbox_state(const struct outbox_entry *e)
{
	if (e->maybe_sent)
		return _("maybe sent");
	if (e->row.state == STORE_QUEUE_SENT)
		return e->row.bounce != NULL ? _("bounced") : _("refused");
	switch (e->row.state) {
	case STORE_QUEUE_QUEUED:
		return _("queued");
	case STORE_QUEUE_SENDING:
		return _("sending");
	case STORE_QUEUE_FAILED:
		return _("failed");
	case STORE_QUEUE_HELD:
		return _("held");
	default:
		return store_queue_state_name(e->row.state);
	}
}

static void
ui_outbox_draw(struct ui *ui, void *data, int y, guint64 row,
    gboolean current)
{
	struct ui_view		*v = data;
	struct ui_outbox	*ob = v->data;
	struct outbox_entry	*e = g_ptr_array_index(ob->entries, row);
	g_autofree char		*next = NULL, *rcpts = NULL, *line = NULL;
	attr_t			 a = A_NORMAL;
	int			 x;

	if (e->row.state == STORE_QUEUE_FAILED || e->maybe_sent ||
	    e->row.bounce != NULL)
		a = ui->attrs[UI_A_ERROR];
	else if (e->row.state == STORE_QUEUE_HELD)
		a = ui->attrs[UI_A_DELETED];
	move(y, 0);
	clrtoeol();
	ui_term_text_safe(y, 0, current ? ">" : " ", 1,
	    current ? ui->attrs[UI_A_CURSOR] : A_NORMAL);
	if (e->row.state != STORE_QUEUE_QUEUED)
		next = g_strdup("-");
	else if (e->row.next_try <= (int64_t)time(NULL))
		next = g_strdup(_("now"));
	else
		next = time_local_format(e->row.next_try, UI_OUTBOX_TIME);
	line = g_strdup_printf("%3" PRId64 " %-10s %2u %-11s", e->row.id,
	    ui_outbox_state(e), e->row.attempts, next);
	x = 2 + ui_term_text(y, 2, line, COLS - 2, a);
	g_ptr_array_add(e->row.recipients, NULL);
	rcpts = g_strjoinv(", ", (char **)e->row.recipients->pdata);
	g_ptr_array_set_size(e->row.recipients, e->row.recipients->len - 1);
	if (x + 1 < COLS)
		x += 1 + ui_term_text(y, x + 1, rcpts, MIN(24, COLS - x - 1),
		    A_NORMAL);
	if (x + 2 < COLS)
		ui_term_text(y, MAX(x + 2, 55), e->row.subject != NULL ?
		    e->row.subject : "", COLS - MAX(x + 2, 55), A_NORMAL);
}

/* The list, then the current entry in full below a bar. */
static void
ui_outbox_repaint(struct ui *ui, struct ui_view *v)
{
	struct outbox_entry	*e;
	GPtrArray		*lines;
	g_autofree char		*waits = NULL;
	int			 y, y0, rows;
	guint			 i;

	ui_list_repaint(ui, &v->list);
	ui_body_size(&y0, &rows);
	if (rows <= UI_OUTBOX_DETAIL + 3)
		return;
	y = y0 + v->list.rows;
	for (i = (guint)y; i < (guint)(y0 + rows); i++) {
		move((int)i, 0);
		clrtoeol();
	}
	if ((e = ui_outbox_current(v)) == NULL) {
		ui_term_text_safe(y0, 2, _("Nothing is waiting to be sent."),
		    COLS - 2, A_NORMAL);
		return;
	}
	ui_term_bar(y, "", ui->attrs[UI_A_BAR]);
	lines = g_ptr_array_new_with_free_func(g_free);
	waits = outbox_entry_waits(e, (int64_t)time(NULL));
	if (waits != NULL)
		g_ptr_array_add(lines, g_strdup_printf(_("Waits: %s"), waits));
	if (e->maybe_sent)
		g_ptr_array_add(lines, g_strdup(_("The server may have it: r "
		    "sends it again.")));
	if (e->row.last_error != NULL)
		g_ptr_array_add(lines, g_strdup_printf(_("Last error: %s"),
		    e->row.last_error));
	if (e->row.last_try > 0) {
		g_autofree char *t = time_local_format(e->row.last_try,
		    UI_OUTBOX_TIME);

		g_ptr_array_add(lines, g_strdup_printf(_("Last try: %s"), t));
	}
	for (i = 0; e->row.refused != NULL && i < 2; i++) {
		g_auto(GStrv) r = g_strsplit(e->row.refused, "\n", 3);

		if (r[i] == NULL)
			break;
		g_ptr_array_add(lines, g_strdup_printf(_("Refused: %s"),
		    r[i]));
	}
	for (i = 0; e->row.bounce != NULL && i < 3; i++) {
		g_auto(GStrv) b = g_strsplit(e->row.bounce, "\n", 4);

		if (b[i] == NULL)
			break;
		g_ptr_array_add(lines, g_strdup_printf(_("Bounced: %s"),
		    b[i]));
	}
	if (lines->len == 0)
		g_ptr_array_add(lines, g_strdup(_("Not tried yet.")));
	for (i = 0; i < lines->len && (int)i < UI_OUTBOX_DETAIL; i++)
		ui_term_text(y + 1 + (int)i, 1, g_ptr_array_index(lines, i),
		    COLS - 1, A_NORMAL);
	g_ptr_array_unref(lines);
}

/* r, h, u, d: through smtp/outbox.c as `satchel queue` does. */
static void
ui_outbox_act(struct ui *ui, struct ui_view *v, enum ui_op op)
{
	struct outbox_entry	*e = ui_outbox_current(v);
	enum outbox_status	 os;
	GError			*err = NULL;
	int64_t			 id;

	if (e == NULL) {
		ui_error(ui, "%s", _("The outbox is empty."));
		return;
	}
	id = e->row.id;
	switch (op) {
	case UI_OP_QUEUE_RETRY:
		os = e->maybe_sent ? outbox_resend(ui->store, id, &err) :
		    outbox_retry(ui->store, id, &err);
		break;
	case UI_OP_QUEUE_HOLD:
		os = outbox_hold(ui->store, id, &err);
		break;
	case UI_OP_QUEUE_RELEASE:
		os = outbox_release(ui->store, id, &err);
		break;
	default:
		ui_outbox_ask_delete(ui, v, id);
		return;
	}
	ui_outbox_acted(ui, v, op, os, err);
}

/* An entry to delete, asked: the outbox view (serial) and the entry. */
struct ui_outbox_asked {
	guint		 view;
	int64_t		 id;
};

/* d: delete entry id unsent, once the user agrees. */
static void
ui_outbox_ask_delete(struct ui *ui, struct ui_view *v, int64_t id)
{
	struct ui_outbox_asked	*a = g_new0(struct ui_outbox_asked, 1);

	a->view = v->serial;
	a->id = id;
	ui_prompt_ask_yesno(ui, _("Delete this message unsent?"), FALSE,
	    ui_outbox_delete_answered, a);
}

/* ui_prompt_fn of the delete question: the entry deleted if yes. */
static void
ui_outbox_delete_answered(struct ui *ui, char *line, int yes, void *data)
{
	struct ui_outbox_asked	*a = data;
	struct ui_view		*v = ui_view_find(ui, a->view);
	GError			*err = NULL;
	enum outbox_status	 os;

	(void)line;
	if (yes && v != NULL) {
		os = outbox_delete(ui->store, a->id, &err);
		ui_outbox_acted(ui, v, UI_OP_QUEUE_DELETE, os, err);
	}
	g_free(a);
}

/* What r, h, u or d did (os, err: taken): said, the list read again. */
static void
ui_outbox_acted(struct ui *ui, struct ui_view *v, enum ui_op op,
    enum outbox_status os, GError *err)
{
	if (os != OUTBOX_OK) {
		ui_error(ui, "%s", err != NULL ? err->message :
		    outbox_strerror(os));
		g_clear_error(&err);
		return;
	}
	switch (op) {
	case UI_OP_QUEUE_RETRY:
		ui_message(ui, "%s", _("Sending it now."));
		ui_jobs_send(ui);
		break;
	case UI_OP_QUEUE_HOLD:
		ui_message(ui, "%s", _("Held: it is not sent until released."));
		break;
	case UI_OP_QUEUE_RELEASE:
		ui_message(ui, "%s", _("Released: it goes with the next send."));
		ui_jobs_send(ui);
		break;
	default:
		ui_message(ui, "%s", _("Deleted."));
		break;
	}
	ui_outbox_load(ui, v);
	ui_refresh_counts(ui);
}

/*
 * e: held first, so no send takes it meanwhile; then the compose screen
 * on its message, which queues it anew (and deletes this entry) when
 * sent. A bounced message is not edited: it goes as it is.
 */
static void
ui_outbox_edit(struct ui *ui, struct ui_view *v)
{
	struct outbox_entry	*e = ui_outbox_current(v);
	struct store_msg	*m = NULL;
	GMimeMessage		*mime = NULL;
	GError			*err = NULL;
	gboolean		 resent = FALSE;
	int64_t			 id, msg_id;

	if (e == NULL) {
		ui_error(ui, "%s", _("The outbox is empty."));
		return;
	}
	if (e->row.state == STORE_QUEUE_SENT ||
	    e->row.state == STORE_QUEUE_SENDING) {
		ui_error(ui, "%s", _("This message is with the server (or may "
		    "be): it cannot be edited."));
		return;
	}
	if (store_msg_get(ui->store, e->row.msg_id, &m) == STORE_OK &&
	    (mime = mime_message_from_file(m->path)) != NULL)
		resent = g_mime_object_get_header(GMIME_OBJECT(mime),
		    "Resent-Message-ID") != NULL;
	store_msg_free(m);
	if (mime != NULL)
		g_object_unref(mime);
	if (resent) {
		ui_error(ui, "%s", _("A bounced message goes as it is: delete "
		    "it and bounce the original again."));
		return;
	}
	id = e->row.id;
	msg_id = e->row.msg_id;
	if (e->row.state != STORE_QUEUE_HELD &&
	    outbox_hold(ui->store, id, &err) != OUTBOX_OK) {
		ui_error(ui, "%s", err != NULL ? err->message : "?");
		g_clear_error(&err);
		return;
	}
	ui_refresh_counts(ui);
	ui_compose_requeue(ui, msg_id, id);
}

static gboolean
ui_outbox_op(struct ui *ui, struct ui_view *v, enum ui_op op)
{
	int64_t	id;

	if (ui_list_move(&v->list, op))
		return TRUE;
	switch (op) {
	case UI_OP_SELECT:
		if ((id = ui_outbox_current_msg(ui, v)) >= 0)
			ui_push(ui, ui_pager_new(ui, id));
		return TRUE;
	case UI_OP_QUEUE_RETRY:
	case UI_OP_QUEUE_HOLD:
	case UI_OP_QUEUE_RELEASE:
	case UI_OP_QUEUE_DELETE:
		ui_outbox_act(ui, v, op);
		return TRUE;
	case UI_OP_QUEUE_EDIT:
		ui_outbox_edit(ui, v);
		return TRUE;
	default:
		return FALSE;
	}
}
