/*
 * ui-ops.c: the operation table. Each row is a name (what [keys] binds),
 * the contexts it exists in, prerequisite flags checked here once, and a
 * handler; rows with UI_OPF_VIEW are handled by the top view's op hook.
 * A view file (ui-view.h): its handlers open views. The core runs it
 * through ui->run_op, and the key maps find names through ui_ops_lookup,
 * both handed to them by ui.c.
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "config/config.h"
#include "store/store.h"
#include "ui/ui-view.h"

static void	ui_ops_quit(struct ui *, enum ui_op);
static void	ui_ops_exit(struct ui *, enum ui_op);
static void	ui_ops_help(struct ui *, enum ui_op);
static void	ui_ops_redraw(struct ui *, enum ui_op);
static void	ui_ops_folders(struct ui *, enum ui_op);
static void	ui_ops_compose(struct ui *, enum ui_op);
static void	ui_ops_sync(struct ui *, enum ui_op);
static void	ui_ops_msgview(struct ui *, enum ui_op);
static void	ui_ops_fetch_body(struct ui *, enum ui_op);
static void	ui_ops_view_raw(struct ui *, enum ui_op);
static void	ui_ops_tag_prefix(struct ui *, enum ui_op);
static void	ui_ops_outbox(struct ui *, enum ui_op);
static void	ui_ops_bounce(struct ui *, enum ui_op);

#define L	UI_CTX_LISTS
#define P	UI_CTX_BIT(UI_CTX_PAGER)
#define I	UI_CTX_BIT(UI_CTX_INDEX)
#define M	UI_CTX_MSG
#define A	UI_CTX_ALL
#define C	UI_CTX_BIT(UI_CTX_COMPOSE)
#define V	UI_OPF_VIEW
#define O	UI_CTX_BIT(UI_CTX_OUTBOX)

static const struct ui_op_def ui_ops_table[] = {
	{ "noop", UI_OP_NOOP, 0, A, NULL, N_("Do nothing (unbinds a key)") },
	{ "quit", UI_OP_QUIT, 0, A, ui_ops_quit,
	  N_("Leave this screen; in the index, quit") },
	{ "exit", UI_OP_EXIT, 0, A, ui_ops_exit, N_("Quit at once") },
	{ "help", UI_OP_HELP, 0, A, ui_ops_help, N_("Show the keys") },
	{ "redraw", UI_OP_REDRAW, 0, A, ui_ops_redraw,
	  N_("Clear and redraw the screen") },
	{ "next-entry", UI_OP_NEXT_ENTRY, V, A, NULL,
	  N_("Next entry (in the pager: next message)") },
	{ "prev-entry", UI_OP_PREV_ENTRY, V, A, NULL,
	  N_("Previous entry (in the pager: previous message)") },
	{ "next-page", UI_OP_NEXT_PAGE, V, A, NULL, N_("Next page") },
	{ "prev-page", UI_OP_PREV_PAGE, V, A, NULL, N_("Previous page") },
	{ "half-down", UI_OP_HALF_DOWN, V, A, NULL, N_("Down half a page") },
	{ "half-up", UI_OP_HALF_UP, V, A, NULL, N_("Up half a page") },
	{ "first-entry", UI_OP_FIRST_ENTRY, V, A, NULL, N_("Go to the top") },
	{ "last-entry", UI_OP_LAST_ENTRY, V, A, NULL, N_("Go to the bottom") },
	{ "next-line", UI_OP_NEXT_LINE, V, P, NULL, N_("Scroll down a line") },
	{ "prev-line", UI_OP_PREV_LINE, V, P, NULL, N_("Scroll up a line") },
	{ "select-entry", UI_OP_SELECT, V, L, NULL,
	  N_("Open the entry under the cursor") },
	{ "next-unread", UI_OP_NEXT_UNREAD, V, M, NULL,
	  N_("Jump to the next unread message") },
	{ "next-thread", UI_OP_NEXT_THREAD, V, M, NULL,
	  N_("Jump to the next thread") },
	{ "prev-thread", UI_OP_PREV_THREAD, V, M, NULL,
	  N_("Jump to the previous thread") },
	{ "folders", UI_OP_FOLDERS, 0, M, ui_ops_folders,
	  N_("List the folders and switch") },
	{ "search", UI_OP_SEARCH, V, M, NULL,
	  N_("Search (index: the store's query syntax; pager: the text)") },
	{ "search-next", UI_OP_SEARCH_NEXT, V, M, NULL,
	  N_("Find the next match") },
	{ "limit", UI_OP_LIMIT, V, I, NULL,
	  N_("Show only messages matching a query") },
	{ "sort", UI_OP_SORT, V, I, NULL, N_("Change the sort order") },
	{ "threads", UI_OP_THREADS, V, I, NULL,
	  N_("Toggle between messages and threads") },
	{ "flag", UI_OP_FLAG, UI_OPF_MSG | UI_OPF_WRITE, M, ui_ops_msgview,
	  N_("Flag or unflag the message") },
	{ "toggle-new", UI_OP_TOGGLE_NEW, UI_OPF_MSG | UI_OPF_WRITE, M,
	  ui_ops_msgview, N_("Mark the message read or unread") },
	{ "delete", UI_OP_DELETE, UI_OPF_MSG | UI_OPF_WRITE, M, ui_ops_msgview,
	  N_("Mark the message deleted (again: undelete); purged on leaving") },
	{ "save", UI_OP_SAVE, UI_OPF_MSG | UI_OPF_WRITE, M, ui_ops_msgview,
	  N_("Move the message to a folder") },
	{ "mail", UI_OP_MAIL, 0, M, ui_ops_compose, N_("Write a new message") },
	{ "reply", UI_OP_REPLY, UI_OPF_MSG, M, ui_ops_compose,
	  N_("Reply to the sender") },
	{ "group-reply", UI_OP_GROUP_REPLY, UI_OPF_MSG, M, ui_ops_compose,
	  N_("Reply to all recipients") },
	{ "forward", UI_OP_FORWARD, UI_OPF_MSG, M, ui_ops_compose,
	  N_("Forward the message") },
	{ "sync", UI_OP_SYNC, 0, M | O, ui_ops_sync,
	  N_("Fetch new mail and send the queue") },
	{ "attachments", UI_OP_ATTACHMENTS, UI_OPF_MSG, M, ui_ops_msgview,
	  N_("List the message's parts and attachments") },
	{ "headers", UI_OP_HEADERS, V, P, NULL, N_("Toggle all raw headers") },
	{ "urls", UI_OP_URLS, UI_OPF_MSG, M, ui_ops_msgview,
	  N_("List the message's links, numbered") },
	{ "save-attachment", UI_OP_SAVE_ATTACHMENT, V,
	  UI_CTX_BIT(UI_CTX_ATTACH), NULL, N_("Save the attachment to a file") },
	{ "send", UI_OP_SEND, V, C, NULL, N_("Queue the message for sending") },
	{ "edit", UI_OP_EDIT, V, C, NULL, N_("Edit the message again") },
	{ "attach-file", UI_OP_ATTACH_FILE, V, C, NULL, N_("Attach a file") },
	{ "edit-from", UI_OP_EDIT_FROM, V, C, NULL,
	  N_("Change the sender (an address or an account's name)") },
	{ "edit-to", UI_OP_EDIT_TO, V, C, NULL,
	  N_("Change the recipients (Tab completes addresses)") },
	{ "edit-cc", UI_OP_EDIT_CC, V, C, NULL,
	  N_("Change the Cc recipients (Tab completes addresses)") },
	{ "edit-bcc", UI_OP_EDIT_BCC, V, C, NULL,
	  N_("Change the Bcc recipients (Tab completes addresses)") },
	{ "postpone", UI_OP_POSTPONE, V, C, NULL,
	  N_("Save the message as a draft") },
	{ "crypt", UI_OP_CRYPT, V, C, NULL,
	  N_("Sign, encrypt, both or neither (OpenPGP or S/MIME)") },
	{ "fetch-body", UI_OP_FETCH_BODY, UI_OPF_MSG, M, ui_ops_fetch_body,
	  N_("Download the whole of a message fetched headers-only") },
	{ "toggle-quoted", UI_OP_TOGGLE_QUOTED, V, P, NULL,
	  N_("Hide or show quoted text") },
	{ "view-raw", UI_OP_VIEW_RAW, UI_OPF_MSG, M, ui_ops_view_raw,
	  N_("Show the message as it is stored (header and body)") },
	{ "tag", UI_OP_TAG, UI_OPF_MSG, M, ui_ops_msgview,
	  N_("Tag or untag the message (a collapsed thread: all of it)") },
	{ "tag-pattern", UI_OP_TAG_PATTERN, V, I, NULL,
	  N_("Tag the messages matching a query") },
	{ "untag-pattern", UI_OP_UNTAG_PATTERN, V, I, NULL,
	  N_("Untag the messages matching a query") },
	{ "tag-prefix", UI_OP_TAG_PREFIX, 0, M, ui_ops_tag_prefix,
	  N_("Apply the next operation to every tagged message") },
	{ "undelete", UI_OP_UNDELETE, UI_OPF_MSG | UI_OPF_WRITE, M,
	  ui_ops_msgview, N_("Undelete the message") },
	{ "copy", UI_OP_COPY, UI_OPF_MSG, M, ui_ops_msgview,
	  N_("Copy the message to a folder") },
	{ "pipe", UI_OP_PIPE, UI_OPF_MSG, M, ui_ops_msgview,
	  N_("Pipe the message to a shell command") },
	{ "list-reply", UI_OP_LIST_REPLY, UI_OPF_MSG, M, ui_ops_compose,
	  N_("Reply to the mailing list (List-Post)") },
	{ "recall", UI_OP_RECALL, UI_OPF_MSG, M, ui_ops_compose,
	  N_("Edit the message (a draft, or any) as a new message") },
	{ "jump", UI_OP_JUMP, V, I, NULL,
	  N_("Jump to a message by its number (digits)") },
	{ "save-file", UI_OP_SAVE_FILE, UI_OPF_MSG, M, ui_ops_msgview,
	  N_("Save the message as it is to a file") },
	{ "collapse-thread", UI_OP_COLLAPSE_THREAD, V, I, NULL,
	  N_("Open or close the current thread") },
	{ "collapse-all", UI_OP_COLLAPSE_ALL, V, I, NULL,
	  N_("Open every thread, or close them all") },
	{ "read-thread", UI_OP_READ_THREAD, UI_OPF_MSG | UI_OPF_WRITE, M,
	  ui_ops_msgview, N_("Mark the whole thread read") },
	{ "outbox", UI_OP_OUTBOX, 0, M | UI_CTX_BIT(UI_CTX_FOLDERS),
	  ui_ops_outbox, N_("Show the outbox: state, attempts, next try, "
	  "last error of each message") },
	{ "bounce", UI_OP_BOUNCE, UI_OPF_MSG | UI_OPF_ACCOUNT, M,
	  ui_ops_bounce, N_("Bounce (redirect) the message unchanged to "
	  "other recipients, through the outbox") },
	{ "queue-retry", UI_OP_QUEUE_RETRY, V, O, NULL,
	  N_("Send the message now (a failed or maybe-sent one again)") },
	{ "queue-hold", UI_OP_QUEUE_HOLD, V, O, NULL,
	  N_("Hold the message: not sent until released") },
	{ "queue-release", UI_OP_QUEUE_RELEASE, V, O, NULL,
	  N_("Release a held message") },
	{ "queue-delete", UI_OP_QUEUE_DELETE, V, O, NULL,
	  N_("Delete the message unsent") },
	{ "queue-edit", UI_OP_QUEUE_EDIT, V, O, NULL,
	  N_("Hold the message and edit it; sent, it is queued anew") },
};

#undef L
#undef P
#undef I
#undef M
#undef A
#undef C
#undef V
#undef O

/* The key maps' question (ui_keys_find_fn): an operation by its name. */
gboolean
ui_ops_lookup(const char *name, enum ui_op *op, unsigned *ctx)
{
	const struct ui_op_def	*def = ui_ops_find(name);

	if (def == NULL)
		return FALSE;
	*op = def->op;
	*ctx = def->ctx;
	return TRUE;
}

const struct ui_op_def *
ui_ops_find(const char *name)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(ui_ops_table); i++)
		if (strcmp(ui_ops_table[i].name, name) == 0)
			return &ui_ops_table[i];
	return NULL;
}

const struct ui_op_def *
ui_ops_get(enum ui_op op)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(ui_ops_table); i++)
		if (ui_ops_table[i].op == op)
			return &ui_ops_table[i];
	return NULL;
}

void
ui_ops_run(struct ui *ui, enum ui_op op)
{
	const struct ui_op_def	*def;
	struct ui_view		*top = ui_top(ui);

	if ((def = ui_ops_get(op)) == NULL || op == UI_OP_NOOP)
		return;
	if ((def->ctx & UI_CTX_BIT(top->ops->ctx)) == 0)
		return;
	if ((def->flags & UI_OPF_MSG) && ui_current_msg(ui) < 0) {
		ui_error(ui, "%s", _("No message selected."));
		return;
	}
	if ((def->flags & UI_OPF_WRITE) && top->read_only) {
		ui_error(ui, "%s", _("This folder is read-only."));
		return;
	}
	if ((def->flags & UI_OPF_ACCOUNT) &&
	    (ui->config->accounts == NULL || ui->config->accounts->len == 0)) {
		ui_error(ui, "%s", _("No account is configured."));
		return;
	}
	if (def->flags & UI_OPF_VIEW) {
		if (top->ops->op == NULL || !top->ops->op(ui, top, op))
			ui_error(ui, _("'%s' does nothing here."), def->name);
		return;
	}
	def->fn(ui, op);
}

static void
ui_ops_quit(struct ui *ui, enum ui_op op)
{
	struct ui_view	*top = ui_top(ui);

	if (top->ops->op != NULL && top->ops->op(ui, top, op))
		return;
	if (ui->views->len > 1)
		ui_pop(ui);
	else
		ui->quit = TRUE;
}

static void
ui_ops_exit(struct ui *ui, enum ui_op op)
{
	(void)op;
	ui->quit = TRUE;
}

static void
ui_ops_help(struct ui *ui, enum ui_op op)
{
	(void)op;
	if (ui_top(ui)->ops->ctx == UI_CTX_HELP)
		return;
	ui_push(ui, ui_help_new(ui, ui_top(ui)->ops->ctx));
}

static void
ui_ops_redraw(struct ui *ui, enum ui_op op)
{
	(void)op;
	clearok(curscr, TRUE);
	ui->recalc = TRUE;
	ui_redraw(ui);
}

static void
ui_ops_folders(struct ui *ui, enum ui_op op)
{
	(void)op;
	ui_push(ui, ui_folders_new(ui));
}

static void
ui_ops_compose(struct ui *ui, enum ui_op op)
{
	struct ui_view	*ix;
	GArray		*ids;

	/* ;f: one message with every tagged message attached. */
	if (op == UI_OP_FORWARD && ui->tag_prefix) {
		ix = ui_index_is(ui_top(ui)) ? ui_top(ui) :
		    ui_view_below(ui, ui_top(ui));
		ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
		if (ui_index_is(ix) && ui_index_tagged(ui, ix, ids))
			ui_compose_forward_many(ui, ids);
		g_array_free(ids, TRUE);
		return;
	}
	ui_compose_start(ui, op, op == UI_OP_MAIL ? -1 : ui_current_msg(ui));
}

static void
ui_ops_tag_prefix(struct ui *ui, enum ui_op op)
{
	struct ui_view	*ix;
	GArray		*ids;

	(void)op;
	ix = ui_index_is(ui_top(ui)) ? ui_top(ui) :
	    ui_view_below(ui, ui_top(ui));
	ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	if (ui_index_is(ix) && ui_index_tagged(ui, ix, ids)) {
		ui->tag_prefix = TRUE;
		ui_message(ui, ngettext("tag- (the next operation acts on %u "
		    "tagged message)", "tag- (the next operation acts on %u "
		    "tagged messages)", ids->len), ids->len);
	}
	g_array_free(ids, TRUE);
}

static void
ui_ops_sync(struct ui *ui, enum ui_op op)
{
	(void)op;
	ui_jobs_fetch(ui);
	ui_jobs_send(ui);
}

/*
 * Message operations work the same from the index and the pager: the
 * index view does them (the pager forwards to the index below it, then
 * redraws itself).
 */
static void
ui_ops_msgview(struct ui *ui, enum ui_op op)
{
	struct ui_view	*top = ui_top(ui);

	if (top->ops->op == NULL || !top->ops->op(ui, top, op))
		ui_error(ui, _("'%s' does nothing here."), ui_ops_get(op)->name);
}

static void
ui_ops_outbox(struct ui *ui, enum ui_op op)
{
	(void)op;
	if (ui_outbox_is(ui_top(ui)))
		return;
	ui_push(ui, ui_outbox_new(ui));
}

static void
ui_ops_bounce(struct ui *ui, enum ui_op op)
{
	(void)op;
	ui_bounce_start(ui, ui_current_msg(ui));
}

/* A message fetched headers-only (max_size): get the rest now. */
static void
ui_ops_fetch_body(struct ui *ui, enum ui_op op)
{
	struct store_msg	*m = NULL;
	int64_t			 id = ui_current_msg(ui);

	(void)op;
	if (store_msg_get(ui->store, id, &m) != STORE_OK) {
		ui_error(ui, "%s", store_errmsg(ui->store));
		return;
	}
	if (!(m->flags & STORE_FLAG_PARTIAL))
		ui_message(ui, "%s", _("This message is already complete."));
	else
		ui_jobs_fetch_body(ui, id);
	store_msg_free(m);
}

static void
ui_ops_view_raw(struct ui *ui, enum ui_op op)
{
	(void)op;
	ui_raw_show(ui, ui_current_msg(ui));
}
