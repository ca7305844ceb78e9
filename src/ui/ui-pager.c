/*
 * ui-pager.c: one message, as the render layer lays it out for the
 * screen's width (decoded headers, wrapped text, quotes, HTML as text,
 * notices for parts). Opening a message marks it seen. Message operations
 * (flag, delete, move) go to the index below, so both stay in step.
 */
#include "satchel-config.h"

#include <stdio.h>
#include <string.h>

#include "util/util.h"
#include "mime/mime.h"
#include "mime/render.h"
#include "mime/crypt.h"
#include "store/store.h"
#include "ui/ui-view.h"

struct ui_pager {
	int64_t		 id;
	struct store_msg *msg;
	GMimeMessage	*mime;
	struct crypt_state *crypt;	/* verdicts and decrypted parts, in memory */
	struct render_text *text;
	unsigned	 rflags;	/* enum render_flags */
	size_t		 width;
	size_t		*hits;
	size_t		 nhits;
	gssize		 hit;		/* the line of the current hit, -1 */
};

static void	 ui_pager_free(struct ui_view *);
static void	 ui_pager_recalc(struct ui *, struct ui_view *);
static void	 ui_pager_title(struct ui *, struct ui_view *, GString *);
static int64_t	 ui_pager_current(struct ui *, struct ui_view *);
static gboolean	 ui_pager_op(struct ui *, struct ui_view *, enum ui_op);
static void	 ui_pager_draw(struct ui *, void *, int, guint64, gboolean);
static void	 ui_pager_load(struct ui *, struct ui_view *, int64_t);
static void	 ui_pager_render(struct ui *, struct ui_view *);
static void	 ui_pager_clear(struct ui_pager *);
static void	 ui_pager_search(struct ui *, struct ui_view *, gboolean);
static void	 ui_pager_search_answered(struct ui *, char *, int, void *);
static void	 ui_pager_search_next(struct ui *, struct ui_view *);
static void	 ui_pager_crypt(struct ui *, struct ui_pager *);
static void	 ui_pager_changed(struct ui *, struct ui_view *,
		    const struct ui_change *);

static const struct ui_view_ops ui_pager_ops = {
	.name = "pager",
	.ctx = UI_CTX_PAGER,
	.recalc = ui_pager_recalc,
	.title = ui_pager_title,
	.current_msg = ui_pager_current,
	.op = ui_pager_op,
	.changed = ui_pager_changed,
	.free = ui_pager_free,
};

gboolean
ui_pager_is(struct ui_view *v)
{
	return v != NULL && v->ops == &ui_pager_ops;
}

static void
ui_pager_clear(struct ui_pager *pg)
{
	store_msg_free(pg->msg);
	pg->msg = NULL;
	if (pg->mime != NULL)
		g_object_unref(pg->mime);
	pg->mime = NULL;
	crypt_state_free(pg->crypt);
	pg->crypt = NULL;
	render_text_free(pg->text);
	pg->text = NULL;
	g_clear_pointer(&pg->hits, g_free);
	pg->nhits = 0;
	pg->hit = -1;
	pg->width = 0;
}

static void
ui_pager_render(struct ui *ui, struct ui_view *v)
{
	struct ui_pager		*pg = v->data;
	struct render_options	 opts;

	render_text_free(pg->text);
	pg->text = NULL;
	g_clear_pointer(&pg->hits, g_free);
	pg->nhits = 0;
	pg->hit = -1;
	pg->width = (size_t)(COLS > 1 ? COLS : 1);
	if (pg->mime == NULL) {
		ui_list_set_count(&v->list, 0);
		return;
	}
	memset(&opts, 0, sizeof opts);
	opts.width = pg->width;
	opts.flags = pg->rflags;
	opts.crypt = pg->crypt;
	opts.envp = ui->child_env;
	/* A sent message that bounced says why, per recipient. */
	if (pg->msg != NULL && (pg->msg->flags & STORE_FLAG_BOUNCED))
		opts.bounce = pg->msg->bounce_reason != NULL ?
		    pg->msg->bounce_reason : _("delivery failed");
	pg->text = render_message(pg->mime, &opts);
	ui_list_set_count(&v->list, pg->text != NULL ? pg->text->nlines : 0);
}

/*
 * Verify signatures and decrypt. Decrypting may need a passphrase, which
 * gpg-agent asks through its pinentry: pinentry-curses needs the
 * terminal, so curses steps aside meanwhile, as for the editor.
 */
static void
ui_pager_crypt(struct ui *ui, struct ui_pager *pg)
{
	pg->crypt = ui_pager_crypt_state(ui, pg->mime);
}

struct crypt_state *
ui_pager_crypt_state(struct ui *ui, GMimeMessage *mime)
{
	struct crypt_state	*st;
	unsigned		 kinds = crypt_message_kinds(mime);

	if (kinds == 0)
		return NULL;
	if (!(kinds & CRYPT_ENCRYPTED))
		return crypt_state_new(mime, 0);
	ui_screen_suspend(ui);
	printf("%s\n", _("Decrypting (gpg-agent may ask for your "
	    "passphrase)..."));
	fflush(stdout);
	st = crypt_state_new(mime, CRYPT_DECRYPT);
	ui_screen_resume(ui);
	return st;
}

static void
ui_pager_load(struct ui *ui, struct ui_view *v, int64_t id)
{
	struct ui_pager	*pg = v->data;
	gboolean	 raw = FALSE;

	ui_pager_clear(pg);
	pg->id = id;
	v->list.top = 0;
	if (store_msg_get(ui->store, id, &pg->msg) != STORE_OK) {
		ui_error(ui, "%s", store_errmsg(ui->store));
		pg->msg = NULL;
	} else if ((pg->mime = mime_message_from_file_raw(pg->msg->path,
	    &raw)) == NULL) {
		ui_error(ui, _("Cannot read the message file %s."),
		    pg->msg->path);
	}
	if (pg->mime != NULL)
		ui_pager_crypt(ui, pg);
	if (pg->msg != NULL && !(pg->msg->flags & STORE_FLAG_SEEN)) {
		if (store_msg_set_flags(ui->store, id, STORE_FLAG_SEEN, 0) ==
		    STORE_OK)
			pg->msg->flags |= STORE_FLAG_SEEN;
	}
	if (pg->msg != NULL && (pg->msg->flags & STORE_FLAG_PARTIAL) &&
	    ui->body_msg != id) {
		char *k = ui_keys_for(ui->keys, UI_CTX_PAGER,
		    UI_OP_FETCH_BODY);
		if (*k != '\0')
			ui_message(ui, _("Headers only (larger than "
			    "max_size): press %s to download the rest."), k);
		else
			ui_message(ui, "%s", _("Only the headers of this "
			    "message were fetched (it is larger than "
			    "max_size)."));
		g_free(k);
	}
	if (raw)
		ui_message(ui, "%s", _("This message could not be parsed: "
		    "showing its raw text."));
	ui->new_mail = 0;
	ui_pager_render(ui, v);
	if (!raw && pg->text != NULL &&
	    (pg->text->flags & RENDER_TEXT_TRUNCATED)) {
		char *k = ui_keys_for(ui->keys, UI_CTX_PAGER,
		    UI_OP_ATTACHMENTS);

		ui_message(ui, _("Message truncated for display (too big): "
		    "%s lists its parts to save or view whole."),
		    *k != '\0' ? k : "attachments");
		g_free(k);
	}
	ui->dirty = TRUE;
}

struct ui_view *
ui_pager_new(struct ui *ui, int64_t id)
{
	struct ui_pager	*pg;
	struct ui_view	*v;
	int		 y0, rows;

	pg = g_new0(struct ui_pager, 1);
	pg->hit = -1;
	v = ui_view_new(&ui_pager_ops, pg);
	ui_list_init(&v->list, ui_pager_draw, v, TRUE);
	ui_body_size(&y0, &rows);
	ui_list_resize(&v->list, y0, rows);
	ui_pager_load(ui, v, id);
	return v;
}

/* The message shown was downloaded whole: show that one. */
static void
ui_pager_changed(struct ui *ui, struct ui_view *v, const struct ui_change *ch)
{
	struct ui_pager	*pg = v->data;

	if (ch->kind == UI_CHANGE_BODY && pg->id == ch->old_id &&
	    ch->new_id >= 0)
		ui_pager_load(ui, v, ch->new_id);
}

static void
ui_pager_free(struct ui_view *v)
{
	struct ui_pager	*pg = v->data;

	ui_pager_clear(pg);
	g_free(pg);
}

static void
ui_pager_recalc(struct ui *ui, struct ui_view *v)
{
	struct ui_pager	*pg = v->data;
	guint64		 top = v->list.top;

	if (pg->width != (size_t)(COLS > 1 ? COLS : 1)) {
		/* Keep roughly the same place in the text. */
		guint64 old = pg->text != NULL ? pg->text->nlines : 1;
		ui_pager_render(ui, v);
		if (old > 0 && pg->text != NULL)
			top = top * pg->text->nlines / old;
	}
	ui_list_set_count(&v->list, pg->text != NULL ? pg->text->nlines : 0);
	ui_list_goto(&v->list, top);
}

/*
 * The title shares its start with the index's ("satchel: FOLDER"), so
 * opening and leaving a message rewrites few cells of the bar; the
 * subject is in the headers below.
 */
static void
ui_pager_title(struct ui *ui, struct ui_view *v, GString *s)
{
	struct ui_pager	*pg = v->data;
	guint64		 pct;

	(void)ui;
	g_string_append_printf(s, "satchel: %s", pg->msg != NULL ?
	    pg->msg->folder : "");
	if (v->list.count <= (guint64)v->list.rows)
		g_string_append(s, _(" (all)"));
	else {
		pct = (v->list.top + (guint64)v->list.rows) * 100 /
		    v->list.count;
		g_string_append_printf(s, " (%u%%)", (unsigned)MIN(pct, 100));
	}
}

static int64_t
ui_pager_current(struct ui *ui, struct ui_view *v)
{
	struct ui_pager	*pg = v->data;

	(void)ui;
	return pg->msg != NULL ? pg->msg->id : -1;
}

static void
ui_pager_draw(struct ui *ui, void *data, int y, guint64 row, gboolean current)
{
	struct ui_view		*v = data;
	struct ui_pager		*pg = v->data;
	const struct render_line *l;
	attr_t			 attr = A_NORMAL;
	int			 x = 0;

	(void)current;
	if (pg->text == NULL || row >= pg->text->nlines)
		return;
	l = &pg->text->lines[row];
	switch (l->kind) {
	case RENDER_LINE_HEADER:
		if (l->label > 0 && l->label <= strlen(l->text)) {
			char *label = g_strndup(l->text, l->label);
			x = ui_term_text_safe(y, 0, label, COLS,
			    ui->attrs[UI_A_HEADER]);
			g_free(label);
		}
		ui_term_text_safe(y, x, l->text + l->label, COLS - x,
		    ui->attrs[UI_A_HDRDEFAULT]);
		return;
	case RENDER_LINE_QUOTE:
		attr = ui_colors_quote(ui, l->quote);
		break;
	case RENDER_LINE_SIGNATURE:
		attr = ui->attrs[UI_A_SIGNATURE];
		break;
	case RENDER_LINE_HEADING:
		attr = A_BOLD;
		break;
	case RENDER_LINE_NOTICE:
		attr = ui->attrs[UI_A_ATTACHMENT];
		break;
	case RENDER_LINE_VERDICT:
		attr = ui->attrs[l->verdict == RENDER_VERDICT_GOOD ?
		    UI_A_VERDICT_GOOD : l->verdict == RENDER_VERDICT_WARN ?
		    UI_A_VERDICT_WARN : l->verdict == RENDER_VERDICT_BAD ?
		    UI_A_VERDICT_BAD : UI_A_VERDICT_INFO];
		/* The whole row, so no message text can sit beside it. */
		x = ui_term_text_safe(y, 0, l->text, COLS, attr);
		if (x < COLS)
			mvhline(y, x, ' ' | attr, COLS - x);
		return;
	default:
		break;
	}
	if (pg->hit >= 0 && (guint64)pg->hit == row)
		attr = ui->attrs[UI_A_MARK];
	ui_term_text_safe(y, 0, l->text, COLS, attr);
}

/* / asks for a search, n finds the next hit of the last one. */
static void
ui_pager_search(struct ui *ui, struct ui_view *v, gboolean ask)
{
	if (ask)
		ui_prompt_ask(ui, _("Search for: "), NULL, UI_PROMPT_TEXT,
		    FALSE, ui_pager_search_answered,
		    GUINT_TO_POINTER(v->serial));
	else
		ui_pager_search_next(ui, v);
}

/*
 * The search typed (needle, NULL: cancelled) in the pager of view serial
 * data: the last search (unless empty), its first hit found.
 */
static void
ui_pager_search_answered(struct ui *ui, char *needle, int key, void *data)
{
	struct ui_view	*v = ui_view_find(ui, GPOINTER_TO_UINT(data));
	struct ui_pager	*pg;

	(void)key;
	if (v == NULL || needle == NULL) {
		g_free(needle);
		return;
	}
	pg = v->data;
	if (*needle != '\0') {
		g_free(ui->search);
		ui->search = needle;
	} else
		g_free(needle);
	g_clear_pointer(&pg->hits, g_free);
	pg->nhits = 0;
	pg->hit = -1;
	ui_pager_search_next(ui, v);
}

/* The next hit of the last search, after the current one. */
static void
ui_pager_search_next(struct ui *ui, struct ui_view *v)
{
	struct ui_pager	*pg = v->data;
	size_t		 i, from;

	if (ui->search == NULL) {
		ui_error(ui, "%s", _("No search yet."));
		return;
	}
	if (pg->hits == NULL && pg->text != NULL)
		pg->hits = render_search(pg->text, ui->search, &pg->nhits);
	if (pg->hits == NULL || pg->nhits == 0) {
		pg->hit = -1;
		ui_error(ui, _("Not found: %s"), ui->search);
		return;
	}
	/* The next hit after the current one (or from the top of the view). */
	from = pg->hit >= 0 ? (size_t)pg->hit + 1 : (size_t)v->list.top;
	for (i = 0; i < pg->nhits; i++)
		if (pg->hits[i] >= from)
			break;
	if (i == pg->nhits) {
		i = 0;
		ui_message(ui, "%s", _("Search wrapped to the top."));
	}
	pg->hit = (gssize)pg->hits[i];
	/* Show the hit with a little context above it. */
	if (pg->hits[i] < v->list.top ||
	    pg->hits[i] >= v->list.top + (guint64)v->list.rows)
		ui_list_goto(&v->list, pg->hits[i] > 2 ? pg->hits[i] - 2 : 0);
}

static gboolean
ui_pager_op(struct ui *ui, struct ui_view *v, enum ui_op op)
{
	struct ui_pager	*pg = v->data;
	struct ui_view	*ix = ui_view_below(ui, v);
	int64_t		 id = -1;

	switch (op) {
	case UI_OP_NEXT_PAGE:
		/* mutt: a page on from the end is the next unread message. */
		if (v->list.top + (guint64)v->list.rows < v->list.count)
			return ui_list_move(&v->list, op);
		return ui_pager_op(ui, v, UI_OP_NEXT_UNREAD);
	case UI_OP_TOGGLE_QUOTED:
		pg->rflags ^= RENDER_HIDE_QUOTED;
		ui_pager_render(ui, v);
		ui_list_goto(&v->list, v->list.top);
		ui_message(ui, "%s", (pg->rflags & RENDER_HIDE_QUOTED) ?
		    _("Quoted text hidden.") : _("Quoted text shown."));
		return TRUE;
	case UI_OP_NEXT_LINE:
	case UI_OP_PREV_LINE:
	case UI_OP_PREV_PAGE:
	case UI_OP_HALF_DOWN:
	case UI_OP_HALF_UP:
	case UI_OP_FIRST_ENTRY:
	case UI_OP_LAST_ENTRY:
		return ui_list_move(&v->list, op);
	case UI_OP_NEXT_ENTRY:
	case UI_OP_PREV_ENTRY:
	case UI_OP_NEXT_THREAD:
	case UI_OP_PREV_THREAD:
		if (!ui_view_steps(ix))
			return FALSE;
		id = ui_view_step(ui, ix, op == UI_OP_NEXT_ENTRY ||
		    op == UI_OP_NEXT_THREAD ? 1 : -1,
		    op == UI_OP_NEXT_THREAD || op == UI_OP_PREV_THREAD);
		if (id < 0)
			ui_error(ui, "%s", op == UI_OP_NEXT_ENTRY ||
			    op == UI_OP_NEXT_THREAD ? _("This is the last "
			    "message.") : _("This is the first message."));
		else
			ui_pager_load(ui, v, id);
		return TRUE;
	case UI_OP_NEXT_UNREAD:
		if (!ui_view_steps(ix) || ix->ops->op == NULL)
			return FALSE;
		id = ui_view_current(ui, ix);
		ix->ops->op(ui, ix, op);
		if (ui_view_current(ui, ix) != id &&
		    (id = ui_view_current(ui, ix)) >= 0)
			ui_pager_load(ui, v, id);
		return TRUE;
	case UI_OP_HEADERS:
		/* Every header, and the key ids behind the verdicts. */
		pg->rflags ^= RENDER_ALL_HEADERS | RENDER_CRYPT_DETAILS |
		    RENDER_PART_HEADERS;
		v->list.top = 0;
		ui_pager_render(ui, v);
		return TRUE;
	case UI_OP_SEARCH:
	case UI_OP_SEARCH_NEXT:
		ui_pager_search(ui, v, op == UI_OP_SEARCH);
		return TRUE;
	case UI_OP_ATTACHMENTS:
		ui_push(ui, ui_attach_new(ui, pg->id));
		return TRUE;
	case UI_OP_URLS:
		/* The pager's own numbers, decrypted parts included. */
		if (pg->text != NULL)
			ui_push(ui, ui_urls_new_list(ui, pg->text->urls));
		else
			ui_push(ui, ui_urls_new(ui, pg->id));
		return TRUE;
	case UI_OP_FLAG:
	case UI_OP_TOGGLE_NEW:
	case UI_OP_DELETE:
	case UI_OP_UNDELETE:
	case UI_OP_SAVE:
	case UI_OP_COPY:
	case UI_OP_TAG:
	case UI_OP_PIPE:
	case UI_OP_SAVE_FILE:
	case UI_OP_READ_THREAD:
		if (!ui_view_steps(ix) || ix->ops->op == NULL ||
		    ui_view_current(ui, ix) != pg->id)
			return FALSE;
		ix->ops->op(ui, ix, op);
		if (op == UI_OP_SAVE) {
			/* The message left this folder. */
			ui_pop(ui);
			return TRUE;
		}
		if (op == UI_OP_TAG) {
			/* The index moved on: the pager follows. */
			if ((id = ui_view_current(ui, ix)) >= 0 &&
			    id != pg->id)
				ui_pager_load(ui, v, id);
			return TRUE;
		}
		if (op == UI_OP_DELETE && !ui->tag_prefix) {
			if ((id = ui_view_step(ui, ix, 1, FALSE)) >= 0)
				ui_pager_load(ui, v, id);
			return TRUE;
		}
		if (pg->msg != NULL) {
			struct store_msg *m = NULL;
			if (store_msg_get(ui->store, pg->id, &m) == STORE_OK) {
				pg->msg->flags = m->flags;
				store_msg_free(m);
			}
		}
		return TRUE;
	default:
		return FALSE;
	}
}
