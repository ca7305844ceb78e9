/*
 * ui-index.c: the message index, one line per message or per thread.
 *
 * Rows come from the store a page at a time (store_query_page and
 * store_threads_page); only a window of about three screens is kept, so
 * memory and start-up time do not depend on the folder's size. In thread
 * mode a thread is expanded in place into its messages with a tree; rows
 * after it shift by the thread's size. Several can be open: Enter and the
 * pager open one (closing the others they opened), Esc-v and Esc-V open
 * and close threads that stay open.
 */
#include "satchel-config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "config/config.h"
#include "mime/compose.h"
#include "store/store.h"
#include "store/store-pattern.h"
#include "ui/ui-view.h"

struct ui_index {
	char		*folder;	/* NULL: every folder (search results) */
	char		*query;		/* limit or search, NULL: everything */
	gboolean	 threads;
	enum store_sort	 sort;
	struct store_query *q;		/* message mode */
	guint64		 total;		/* messages, or threads */
	gboolean	 stale;		/* recount and refetch before drawing */

	/* The window of rows read from the store. */
	guint64		 cache_off;
	GPtrArray	*cache;		/* store_msg or store_thread */

	/* The open threads (thread mode), by position. */
	GPtrArray	*exps;		/* struct ui_index_exp * */

	/* Tagged messages: id -> thread id (both int64_t *), this session. */
	GHashTable	*tags;

	time_t		 now;		/* for date formats: one per repaint */
	int		 w_date, w_from;
};

/*
 * A question the index asked (ui_prompt_ask): what its answer acts on.
 * The view is found again by its serial, the messages by their ids.
 */
struct ui_index_asked {
	guint		 view;		/* ui_view.serial */
	gboolean	 flag;		/* a search, not a limit; a copy */
	GArray		*ids;		/* int64_t: the messages, or NULL */
	char		*name;		/* the folder or file answered */
};

/* An open thread. */
struct ui_index_exp {
	guint64		 pos;		/* its index among the threads */
	int64_t		 thread;
	gboolean	 pinned;	/* opened by Esc-v/Esc-V: stays open */
	GPtrArray	*msgs;		/* store_msg in tree order */
	GPtrArray	*tree;		/* char *: tree prefix per message */
};

static void	 ui_index_free(struct ui_view *);
static void	 ui_index_recalc(struct ui *, struct ui_view *);
static void	 ui_index_title(struct ui *, struct ui_view *, GString *);
static void	 ui_index_repaint(struct ui *, struct ui_view *);
static gboolean	 ui_index_op(struct ui *, struct ui_view *, enum ui_op);
static void	 ui_index_draw(struct ui *, void *, int, guint64, gboolean);
static void	 ui_index_draw_format(struct ui *, struct ui_view *, int, int,
		    guint64, struct store_msg *, struct store_thread *,
		    const char *, const char *, attr_t, gboolean);
static gboolean	 ui_index_open(struct ui *, struct ui_index *, GError **);
static void	 ui_index_drop_cache(struct ui_index *);
static gboolean	 ui_index_ensure(struct ui *, struct ui_index *, guint64,
		    guint64);
static void	 ui_index_row(struct ui *, struct ui_index *, guint64,
		    struct store_msg **, struct store_thread **, const char **);
static void	 ui_index_collapse(struct ui_view *);
static gboolean	 ui_index_expand(struct ui *, struct ui_view *, guint64,
		    gboolean);
static void	 ui_index_tree(struct ui *, struct ui_index_exp *);
static struct ui_index_exp *ui_index_locate(struct ui_index *, guint64,
		    guint *, guint64 *);
static guint64	 ui_index_thread_row(struct ui_index *, guint64);
static char	*ui_index_date(struct ui_index *, int64_t, const char *);
static void	 ui_index_pad(GString *, const char *, int);
static void	 ui_index_flag_ids(struct ui *, struct ui_view *, GArray *);
static void	 ui_index_set_flags(struct ui *, struct ui_view *, enum ui_op);
static void	 ui_index_move(struct ui *, struct ui_view *, gboolean);
static void	 ui_index_move_answered(struct ui *, char *, int, void *);
static void	 ui_index_move_create(struct ui *, char *, int, void *);
static void	 ui_index_move_to(struct ui *, struct ui_index_asked *);
static void	 ui_index_next_unread(struct ui *, struct ui_view *);
static void	 ui_index_sort(struct ui *, struct ui_view *);
static void	 ui_index_sorted(struct ui *, char *, int, void *);
static void	 ui_index_threads(struct ui *, struct ui_view *);
static void	 ui_index_limit(struct ui *, struct ui_view *, gboolean);
static void	 ui_index_limit_answered(struct ui *, char *, int, void *);
static void	 ui_index_set_limit(struct ui *, struct ui_view *, char *);
static gboolean	 ui_index_mutt_pattern(struct ui *, char **);
static void	 ui_index_crypt_note(struct ui *, const char *, const char *);
static void	 ui_index_mbox_append(GByteArray *, struct store_msg *,
		    const char *, gsize);
static gboolean	 ui_index_row_tagged(struct ui_index *, struct store_msg *,
		    struct store_thread *);
static gboolean	 ui_index_targets(struct ui *, struct ui_view *, GArray *);
static void	 ui_index_tag(struct ui *, struct ui_view *);
static void	 ui_index_tag_query(struct ui *, struct ui_view *, gboolean);
static void	 ui_index_tag_answered(struct ui *, char *, int, void *);
static struct ui_index_asked *ui_index_asked_new(struct ui_view *, gboolean,
		    GArray *);
static void	 ui_index_asked_free(struct ui_index_asked *);
static GArray	*ui_index_op_ids(struct ui *, struct ui_view *);
static void	 ui_index_pipe(struct ui *, struct ui_view *);
static void	 ui_index_pipe_answered(struct ui *, char *, int, void *);
static void	 ui_index_save_file(struct ui *, struct ui_view *);
static void	 ui_index_save_answered(struct ui *, char *, int, void *);
static void	 ui_index_save_write(struct ui *, char *, int, void *);
static void	 ui_index_jump(struct ui *, struct ui_view *);
static void	 ui_index_jump_answered(struct ui *, char *, int, void *);
static void	 ui_index_read_thread(struct ui *, struct ui_view *);

static void	 ui_index_reload(struct ui *, struct ui_view *);
static int64_t	 ui_index_step(struct ui *, struct ui_view *, int dir,
		    gboolean thread);
static void	 ui_index_changed(struct ui *, struct ui_view *,
		    const struct ui_change *);
static guint64	 ui_index_list_info(struct ui_view *, const char **,
		    const char **);

static const struct ui_view_ops ui_index_ops = {
	.name = "index",
	.ctx = UI_CTX_INDEX,
	.recalc = ui_index_recalc,
	.repaint = ui_index_repaint,
	.title = ui_index_title,
	.current_msg = ui_index_current_msg,
	.op = ui_index_op,
	.changed = ui_index_changed,
	.step = ui_index_step,
	.list_info = ui_index_list_info,
	.free = ui_index_free,
};

gboolean
ui_index_is(struct ui_view *v)
{
	return v != NULL && v->ops == &ui_index_ops;
}

static void
ui_index_drop_cache(struct ui_index *ix)
{
	if (ix->cache != NULL)
		g_ptr_array_set_size(ix->cache, 0);
	ix->cache_off = 0;
}

/* (Re)open the query and count. Cheap: one COUNT, no rows. */
static gboolean
ui_index_open(struct ui *ui, struct ui_index *ix, GError **err)
{
	struct store_query	*q = NULL;
	enum store_status	 st;
	guint64			 n = 0;

	ui_index_drop_cache(ix);
	if (ix->threads) {
		st = store_threads_count(ui->store, ix->folder, ix->query, &n,
		    err);
		if (st != STORE_OK)
			return FALSE;
		store_query_free(ix->q);
		ix->q = NULL;
		ix->total = n;
	} else {
		st = store_query_new(ui->store, ix->query, ix->folder, &q, err);
		if (st != STORE_OK)
			return FALSE;
		if ((st = store_query_count(q, &n)) != STORE_OK) {
			g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_FAILED,
			    "%s", store_errmsg(ui->store));
			store_query_free(q);
			return FALSE;
		}
		store_query_free(ix->q);
		ix->q = q;
		ix->total = n;
	}
	ix->stale = FALSE;
	return TRUE;
}

struct ui_view *
ui_index_new(struct ui *ui, const char *folder)
{
	struct ui_index	*ix;
	struct ui_view	*v;
	GError		*err = NULL;

	ix = g_new0(struct ui_index, 1);
	ix->folder = g_strdup(folder);
	ix->sort = STORE_SORT_DATE_DESC;
	ix->cache = g_ptr_array_new();
	ix->tags = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
	    g_free);
	ix->exps = g_ptr_array_new();
	v = ui_view_new(&ui_index_ops, ix);
	ui_list_init(&v->list, ui_index_draw, v, FALSE);
	v->read_only = folder != NULL && strcmp(folder, STORE_OUTBOX) == 0;
	if (!ui_index_open(ui, ix, &err)) {
		ui_error(ui, _("Cannot read the folder: %s"),
		    err != NULL ? err->message : store_errmsg(ui->store));
		g_clear_error(&err);
	}
	ui_list_set_count(&v->list, ix->total);
	return v;
}

/* A search over every folder: results shown as an index. */
static struct ui_view *
ui_index_new_search(struct ui *ui, const char *query)
{
	struct ui_view	*v;
	struct ui_index	*ix;
	GError		*err = NULL;

	v = ui_index_new(ui, NULL);
	ix = v->data;
	ix->query = g_strdup(query);
	if (!ui_index_open(ui, ix, &err)) {
		ui_error(ui, "%s", err != NULL ? err->message :
		    _("Bad query."));
		g_clear_error(&err);
		ui_view_free(v);
		return NULL;
	}
	ui_list_set_count(&v->list, ix->total);
	return v;
}

const char *
ui_index_folder(struct ui_view *v)
{
	return ((struct ui_index *)v->data)->folder;
}

/* The status bar's question (ui_view_ops.list_info). */
static guint64
ui_index_list_info(struct ui_view *v, const char **folder, const char **query)
{
	*folder = ui_index_folder(v);
	return ui_index_total(v, query);
}

/* For status_format: rows (messages or threads) and the limit, if any. */
guint64
ui_index_total(struct ui_view *v, const char **query)
{
	struct ui_index	*ix = v->data;

	if (query != NULL)
		*query = ix->query;
	return ix->total;
}

void
ui_index_set_folder(struct ui *ui, struct ui_view *v, const char *folder)
{
	struct ui_index	*ix = v->data;

	ui_index_collapse(v);
	g_free(ix->folder);
	ix->folder = g_strdup(folder);
	g_clear_pointer(&ix->query, g_free);
	g_hash_table_remove_all(ix->tags);
	v->read_only = folder != NULL && strcmp(folder, STORE_OUTBOX) == 0;
	v->list.cursor = v->list.top = 0;
	ix->stale = TRUE;
	ui_index_recalc(ui, v);
}

/*
 * What the jobs announce: the folder the reader opened (the bottom view)
 * reloads; the Outbox and Sent also after a send. An index pushed above
 * it (the drafts offered) is read when it opens.
 */
static void
ui_index_changed(struct ui *ui, struct ui_view *v, const struct ui_change *ch)
{
	struct ui_index	*ix = v->data;

	if (g_ptr_array_index(ui->views, 0) != v)
		return;
	if (ch->kind == UI_CHANGE_SENT && (ix->folder == NULL ||
	    (strcmp(ix->folder, STORE_OUTBOX) != 0 &&
	    strcmp(ix->folder, STORE_SENT) != 0)))
		return;
	ui_index_reload(ui, v);
}

static void
ui_index_reload(struct ui *ui, struct ui_view *v)
{
	((struct ui_index *)v->data)->stale = TRUE;
	if (ui_top(ui) == v)
		ui_index_recalc(ui, v);
}

static void
ui_index_free(struct ui_view *v)
{
	struct ui_index	*ix = v->data;

	ui_index_collapse(v);
	store_query_free(ix->q);
	if (ix->cache != NULL) {
		ui_index_drop_cache(ix);
		g_ptr_array_free(ix->cache, TRUE);
	}
	g_hash_table_unref(ix->tags);
	g_ptr_array_free(ix->exps, TRUE);
	g_free(ix->folder);
	g_free(ix->query);
	g_free(ix);
}

static void
ui_index_exp_free(struct ui_index_exp *e)
{
	g_ptr_array_unref(e->msgs);
	g_ptr_array_unref(e->tree);
	g_free(e);
}

/* Rows the open threads add. */
static guint64
ui_index_extra(struct ui_index *ix)
{
	struct ui_index_exp	*e;
	guint64			 n = 0;
	guint			 i;

	for (i = 0; i < ix->exps->len; i++) {
		e = g_ptr_array_index(ix->exps, i);
		n += e->msgs->len - 1;
	}
	return n;
}

/* The row where thread pos starts. */
static guint64
ui_index_thread_row(struct ui_index *ix, guint64 pos)
{
	struct ui_index_exp	*e;
	guint64			 row = pos;
	guint			 i;

	for (i = 0; i < ix->exps->len; i++) {
		e = g_ptr_array_index(ix->exps, i);
		if (e->pos >= pos)
			break;
		row += e->msgs->len - 1;
	}
	return row;
}

/*
 * What row r is: a message of an open thread (returned, *k its index in
 * it) or a collapsed thread (NULL); *pos the thread's position either way.
 */
static struct ui_index_exp *
ui_index_locate(struct ui_index *ix, guint64 r, guint *k, guint64 *pos)
{
	struct ui_index_exp	*e;
	guint64			 extra = 0, first;
	guint			 i;

	*k = 0;
	for (i = 0; i < ix->exps->len; i++) {
		e = g_ptr_array_index(ix->exps, i);
		first = e->pos + extra;
		if (r < first)
			break;
		if (r < first + e->msgs->len) {
			*k = (guint)(r - first);
			*pos = e->pos;
			return e;
		}
		extra += e->msgs->len - 1;
	}
	*pos = r - extra;
	return NULL;
}

static void
ui_index_set_count(struct ui_view *v)
{
	struct ui_index	*ix = v->data;

	ui_list_set_count(&v->list, ix->total + ui_index_extra(ix));
}

/* Close the open thread at exps[i]; rows after it move up. */
static void
ui_index_collapse_at(struct ui_view *v, guint i)
{
	struct ui_index		*ix = v->data;
	struct ui_index_exp	*e = g_ptr_array_index(ix->exps, i);
	guint64			 first = ui_index_thread_row(ix, e->pos);
	guint64			 n = e->msgs->len;

	if (v->list.cursor >= first + n)
		v->list.cursor -= n - 1;
	else if (v->list.cursor > first)
		v->list.cursor = first;
	if (v->list.top >= first + n)
		v->list.top -= n - 1;
	else if (v->list.top > first)
		v->list.top = first;
	g_ptr_array_remove_index(ix->exps, i);
	ui_index_exp_free(e);
	ui_index_set_count(v);
}

/* Close every open thread. */
static void
ui_index_collapse(struct ui_view *v)
{
	struct ui_index	*ix = v->data;

	while (ix->exps->len > 0)
		ui_index_collapse_at(v, ix->exps->len - 1);
}

/* Close the threads Enter or the pager opened, but the one at keep. */
static void
ui_index_collapse_unpinned(struct ui_view *v, guint64 keep)
{
	struct ui_index		*ix = v->data;
	struct ui_index_exp	*e;
	guint			 i;

	for (i = ix->exps->len; i > 0; i--) {
		e = g_ptr_array_index(ix->exps, i - 1);
		if (!e->pinned && e->pos != keep)
			ui_index_collapse_at(v, i - 1);
	}
}

/* Tree prefixes: "├─>" for a child with later siblings, "└─>" for the last. */
static void
ui_index_tree(struct ui *ui, struct ui_index_exp *e)
{
	GArray		*seen;
	struct store_msg *m;
	GString		*s;
	guint		 i, n = e->msgs->len;
	int		 d, l;
	gboolean	 f = FALSE, t = TRUE;

	e->tree = g_ptr_array_new_full(n, g_free);
	g_ptr_array_set_size(e->tree, n);
	seen = g_array_new(FALSE, TRUE, sizeof(gboolean));
	for (i = n; i > 0; i--) {
		m = g_ptr_array_index(e->msgs, i - 1);
		d = m->depth < 0 ? 0 : m->depth > 64 ? 64 : m->depth;
		if ((guint)d + 1 > seen->len)
			g_array_set_size(seen, (guint)d + 1);
		s = g_string_new(NULL);
		for (l = 1; l < d; l++)
			g_string_append(s, g_array_index(seen, gboolean, l) ?
			    (ui->utf8 ? "\u2502 " : "| ") : "  ");
		if (d > 0)
			g_string_append(s, g_array_index(seen, gboolean, d) ?
			    (ui->utf8 ? "\u251c\u2500>" : "|->") :
			    (ui->utf8 ? "\u2514\u2500>" : "`->"));
		g_ptr_array_index(e->tree, i - 1) = g_string_free(s, FALSE);
		g_array_index(seen, gboolean, d) = t;
		for (l = d + 1; (guint)l < seen->len; l++)
			g_array_index(seen, gboolean, l) = f;
	}
	g_array_free(seen, TRUE);
}

/*
 * Open thread thread_pos (already open: TRUE, pinned if asked). Enter and
 * the pager (pinned FALSE) close the other threads they opened.
 */
static gboolean
ui_index_expand(struct ui *ui, struct ui_view *v, guint64 thread_pos,
    gboolean pinned)
{
	struct ui_index		*ix = v->data;
	struct ui_index_exp	*e;
	struct store_thread	*t;
	GPtrArray		*msgs = NULL;
	guint64			 first;
	guint			 i;

	if (!pinned)
		ui_index_collapse_unpinned(v, thread_pos);
	for (i = 0; i < ix->exps->len; i++) {
		e = g_ptr_array_index(ix->exps, i);
		if (e->pos == thread_pos) {
			e->pinned = e->pinned || pinned;
			return TRUE;
		}
		if (e->pos > thread_pos)
			break;
	}
	if (thread_pos >= ix->total ||
	    !ui_index_ensure(ui, ix, thread_pos, 1))
		return FALSE;
	t = g_ptr_array_index(ix->cache, thread_pos - ix->cache_off);
	if (store_thread_messages(ui->store, t->id, &msgs) != STORE_OK ||
	    msgs->len == 0) {
		if (msgs != NULL)
			g_ptr_array_unref(msgs);
		return FALSE;
	}
	e = g_new0(struct ui_index_exp, 1);
	e->pos = thread_pos;
	e->thread = t->id;
	e->pinned = pinned;
	e->msgs = msgs;
	ui_index_tree(ui, e);
	first = ui_index_thread_row(ix, thread_pos);
	g_ptr_array_insert(ix->exps, (gint)i, e);
	if (v->list.top > first)
		v->list.top += msgs->len - 1;
	if (v->list.cursor > first)
		v->list.cursor += msgs->len - 1;
	ui_index_set_count(v);
	return TRUE;
}

/* Esc-v: open or close the thread under the cursor. */
static void
ui_index_toggle_thread(struct ui *ui, struct ui_view *v)
{
	struct ui_index		*ix = v->data;
	struct ui_index_exp	*e;
	guint64			 pos;
	guint			 k, i;

	if (!ix->threads) {
		ui_error(ui, "%s", _("Not in thread mode (z shows threads)."));
		return;
	}
	if (v->list.count == 0)
		return;
	e = ui_index_locate(ix, v->list.cursor, &k, &pos);
	if (e != NULL) {
		for (i = 0; i < ix->exps->len; i++)
			if (g_ptr_array_index(ix->exps, i) == e)
				ui_index_collapse_at(v, i);
		ui_list_goto(&v->list, ui_index_thread_row(ix, pos));
		return;
	}
	if (ui_index_expand(ui, v, pos, TRUE))
		ui_list_goto(&v->list, ui_index_thread_row(ix, pos));
}

#define UI_INDEX_OPEN_MAX	1000

/* Esc-V: close every open thread, or open them all (the first 1000). */
static void
ui_index_toggle_all(struct ui *ui, struct ui_view *v)
{
	struct ui_index		*ix = v->data;
	struct store_thread	*t;
	GPtrArray		*rows = NULL;
	GError			*err = NULL;
	guint64			 pos;
	guint			 k, i;

	if (!ix->threads) {
		ui_error(ui, "%s", _("Not in thread mode (z shows threads)."));
		return;
	}
	if (v->list.count == 0)
		return;
	(void)ui_index_locate(ix, v->list.cursor, &k, &pos);
	if (ix->exps->len > 0) {
		ui_index_collapse(v);
		ui_list_goto(&v->list, pos);
		return;
	}
	if (store_threads_page_sorted(ui->store, ix->folder, ix->query,
	    ix->sort, 0, UI_INDEX_OPEN_MAX, &rows, &err) != STORE_OK) {
		ui_error(ui, "%s", err != NULL ? err->message :
		    store_errmsg(ui->store));
		g_clear_error(&err);
		return;
	}
	v->list.top = 0;
	for (i = 0; i < rows->len; i++) {
		t = g_ptr_array_index(rows, i);
		if (t->count > 1)
			ui_index_expand(ui, v, i, TRUE);
	}
	g_ptr_array_set_free_func(rows, (GDestroyNotify)store_thread_free);
	g_ptr_array_unref(rows);
	ui_list_goto(&v->list, ui_index_thread_row(ix, pos));
	if (ix->total > UI_INDEX_OPEN_MAX)
		ui_message(ui, _("Opened the first %u threads."),
		    UI_INDEX_OPEN_MAX);
}

/*
 * Make sure the store rows [first, first + n) (messages, or threads) are
 * in the window, reading one page of three screens around them if not.
 */
static gboolean
ui_index_ensure(struct ui *ui, struct ui_index *ix, guint64 first, guint64 n)
{
	GPtrArray	*rows = NULL;
	GError		*err = NULL;
	guint64		 off, limit;
	int		 y0, screen;

	if (first >= ix->total)
		return FALSE;
	if (first + n > ix->total)
		n = ix->total - first;
	if (first >= ix->cache_off &&
	    first + n <= ix->cache_off + ix->cache->len)
		return TRUE;
	ui_body_size(&y0, &screen);
	limit = (guint64)screen * 3;
	if (limit < n + (guint64)screen)
		limit = n + (guint64)screen;
	off = first > (guint64)screen ? first - (guint64)screen : 0;
	if (ix->threads) {
		if (store_threads_page_sorted(ui->store, ix->folder, ix->query,
		    ix->sort, off, (guint)limit, &rows, &err) != STORE_OK) {
			ui_error(ui, "%s", err != NULL ? err->message :
			    store_errmsg(ui->store));
			g_clear_error(&err);
			return FALSE;
		}
		g_ptr_array_set_free_func(rows,
		    (GDestroyNotify)store_thread_free);
	} else {
		if (ix->q == NULL || store_query_page(ix->q, ix->sort, off,
		    (guint)limit, &rows) != STORE_OK) {
			ui_error(ui, "%s", store_errmsg(ui->store));
			return FALSE;
		}
		g_ptr_array_set_free_func(rows,
		    (GDestroyNotify)store_msg_free);
	}
	g_ptr_array_unref(ix->cache);
	ix->cache = rows;
	ix->cache_off = off;
	/* The folder shrank under us (another process): shrink too. */
	if (rows->len < limit && off + rows->len < ix->total)
		ix->total = off + rows->len;
	return first >= off && first < off + rows->len;
}

/* What row r shows: a message (with a tree prefix) or a collapsed thread. */
static void
ui_index_row(struct ui *ui, struct ui_index *ix, guint64 r,
    struct store_msg **m, struct store_thread **t, const char **tree)
{
	guint64	pos = r;

	*m = NULL;
	*t = NULL;
	*tree = NULL;
	if (ix->threads && ix->exps->len > 0) {
		struct ui_index_exp *e;
		guint k;

		if ((e = ui_index_locate(ix, r, &k, &pos)) != NULL) {
			*m = g_ptr_array_index(e->msgs, k);
			*tree = g_ptr_array_index(e->tree, k);
			return;
		}
	}
	if (!ui_index_ensure(ui, ix, pos, 1))
		return;
	if (ix->threads)
		*t = g_ptr_array_index(ix->cache, pos - ix->cache_off);
	else
		*m = g_ptr_array_index(ix->cache, pos - ix->cache_off);
}

static char *
ui_index_date(struct ui_index *ix, int64_t date, const char *fmt)
{
	GDateTime	*dt, *now;
	char		*s;

	if (date <= 0)
		return g_strdup("");
	dt = time_local(date);
	now = time_local(ix->now);
	if (dt == NULL || now == NULL) {
		s = g_strdup("?");
	} else if (fmt != NULL) {
		/* date_format, or %{...} in index_format. */
		s = g_date_time_format(dt, fmt);
	} else if (g_date_time_get_year(dt) == g_date_time_get_year(now) &&
	    g_date_time_get_day_of_year(dt) ==
	    g_date_time_get_day_of_year(now)) {
		s = g_date_time_format(dt, "%H:%M");
	} else if (g_date_time_get_year(dt) == g_date_time_get_year(now) ||
	    (date < ix->now && ix->now - date < 180 * 86400)) {
		s = g_date_time_format(dt, "%b %d");
	} else {
		s = g_date_time_format(dt, ix->w_date >= 8 ? "%b %Y" : "%Y");
	}
	if (dt != NULL)
		g_date_time_unref(dt);
	if (now != NULL)
		g_date_time_unref(now);
	return s != NULL ? s : g_strdup("?");
}

/* Append untrusted text sanitised, cut or padded to exactly cols columns. */
static void
ui_index_pad(GString *s, const char *text, int cols)
{
	char	*safe, *cut;
	size_t	 w;

	safe = sanitize_text(text != NULL ? text : "", -1, 0);
	cut = sanitize_truncate(safe, (size_t)cols, FALSE);
	w = sanitize_width(cut);
	g_string_append(s, cut);
	for (; w < (size_t)cols; w++)
		g_string_append_c(s, ' ');
	g_free(cut);
	g_free(safe);
}

static void
ui_index_draw(struct ui *ui, void *data, int y, guint64 row, gboolean current)
{
	struct ui_view		*v = data;
	struct ui_index		*ix = v->data;
	struct store_msg	*m;
	struct store_thread	*t;
	const char		*tree;
	char			 flags[5];
	char			*date, *subject = NULL;
	const char		*from;
	unsigned		 f;
	attr_t			 attr = A_NORMAL;
	GString			*row_text;
	int			 x, w;
	int64_t			 when;

	ui_index_row(ui, ix, row, &m, &t, &tree);
	if (m == NULL && t == NULL)
		return;
	f = m != NULL ? m->flags : t->flags;
	memset(flags, ' ', 4);
	flags[4] = '\0';
	if (m != NULL ? (m->flags & STORE_FLAG_SEEN) == 0 : t->unread > 0)
		flags[0] = 'N';
	if (ui_index_row_tagged(ix, m, t))
		flags[1] = '*';
	else if (f & STORE_FLAG_TRASHED)
		flags[1] = 'D';
	else if (f & STORE_FLAG_FLAGGED)
		flags[1] = '!';
	if (f & STORE_FLAG_REPLIED)
		flags[2] = 'r';
	else if (f & STORE_FLAG_PASSED)
		flags[2] = 'f';
	else if (f & STORE_FLAG_BOUNCED)
		flags[2] = 'B';
	if (m != NULL && m->has_attachment)
		flags[3] = '@';
	if (f & STORE_FLAG_TRASHED)
		attr = ui->attrs[UI_A_DELETED];
	else if (f & STORE_FLAG_FLAGGED)
		attr = ui->attrs[UI_A_FLAGGED];
	else if (flags[0] == 'N')
		attr = ui->attrs[UI_A_UNREAD];
	/*
	 * Tagged: [colors] tagged's colour if it has one, else the row's
	 * (a deleted or flagged row keeps it); its attributes are added.
	 */
	if (flags[1] == '*')
		attr = (ui->attrs[UI_A_TAGGED] & A_COLOR) != 0 ?
		    ui->attrs[UI_A_TAGGED] | (attr & ~A_COLOR) :
		    attr | ui->attrs[UI_A_TAGGED];

	x = ui_row_begin(ui, y, current, &attr);
	if (ui->config->index_format != NULL) {
		ui_index_draw_format(ui, v, y, x, row, m, t, tree, flags,
		    attr, current);
		ui_row_end(ui, y, COLS, current);
		return;
	}
	/*
	 * The columns go out as one run of one attribute: padding is
	 * drawn, not skipped, so the terminal gets one attribute change a
	 * row instead of one per column.
	 */
	when = m != NULL ? m->date : t->last_date;
	date = ui_index_date(ix, when, ui->config->date_format);
	from = m != NULL ? m->from : t->authors;
	if (from == NULL || *from == '\0')
		from = m != NULL && m->from_addr != NULL ? m->from_addr : "";
	row_text = g_string_new(flags);
	g_string_append_c(row_text, ' ');
	ui_index_pad(row_text, date, ix->w_date);
	g_string_append_c(row_text, ' ');
	ui_index_pad(row_text, from, ix->w_from);
	g_string_append_c(row_text, ' ');
	g_free(date);
	x += ui_term_text_safe(y, x, row_text->str, COLS - x, attr);
	g_string_free(row_text, TRUE);
	if (x >= COLS)
		return;
	if (tree != NULL && *tree != '\0') {
		w = ui_term_text_safe(y, x, tree, COLS - x, current &&
		    !ui->arrow_cursor ? attr : ui->attrs[UI_A_TREE]);
		x += w;
	}
	if (t != NULL && t->count > 1)
		subject = g_strdup_printf("(%u) %s", t->count,
		    t->subject != NULL ? t->subject : "");
	if (x < COLS)
		x += ui_term_text(y, x, subject != NULL ? subject :
		    m != NULL ? m->subject : t->subject, COLS - x, attr);
	g_free(subject);
	ui_row_end(ui, y, x, current);
}

/* What index_format's expandos see. */
struct ui_index_fmt {
	struct ui		*ui;
	struct ui_index		*ix;
	guint64			 row;
	struct store_msg	*m;
	struct store_thread	*t;
	const char		*tree;
	const char		*flags;
};

static gboolean
ui_index_expando(char code, const char *arg, GString *val,
    struct ui_format_ctx *fc)
{
	struct ui_index_fmt	*f = fc->data;
	struct store_msg	*m = f->m;
	struct store_thread	*t = f->t;
	const char		*from, *addr;
	char			*s;

	from = m != NULL ? m->from : t->authors;
	addr = m != NULL && m->from_addr != NULL ? m->from_addr : "";
	switch (code) {
	case 'C':
		g_string_append_printf(val, "%" PRIu64, f->row + 1);
		fc->trusted = TRUE;
		return TRUE;
	case 'Z':
		g_string_append(val, f->flags);
		fc->trusted = TRUE;
		return TRUE;
	case 'd':
	case 'D':
	case '{':
		s = ui_index_date(f->ix, m != NULL ? m->date : t->last_date,
		    code == '{' ? arg : f->ui->config->date_format);
		g_string_append(val, s);
		g_free(s);
		return TRUE;
	case 'F':
	case 'L':
		g_string_append(val, from != NULL && *from != '\0' ? from :
		    addr);
		return TRUE;
	case 'n':
		g_string_append(val, from != NULL && *from != '\0' ? from :
		    addr);
		return TRUE;
	case 'a':
		g_string_append(val, addr);
		return TRUE;
	case 's':
		if (f->tree != NULL && *f->tree != '\0') {
			g_string_append(val, f->tree);
			fc->mark_len = strlen(f->tree);
		}
		if (t != NULL && t->count > 1)
			g_string_append_printf(val, "(%u) ", t->count);
		g_string_append(val, m != NULL ? (m->subject != NULL ?
		    m->subject : "") : (t->subject != NULL ? t->subject : ""));
		return TRUE;
	case 'c':
		/* mutt's way: 512, 4.2K, 1.3M. */
		if (m != NULL && m->size < 1000)
			g_string_append_printf(val, "%d", (int)MAX(m->size, 0));
		else if (m != NULL && m->size < 1000 * 1024)
			g_string_append_printf(val, "%.1fK",
			    (double)m->size / 1024);
		else if (m != NULL)
			g_string_append_printf(val, "%.1fM",
			    (double)m->size / (1024 * 1024));
		fc->trusted = TRUE;
		return TRUE;
	case 'M':
		if (t != NULL && t->count > 1)
			g_string_append_printf(val, "%u", t->count);
		fc->trusted = TRUE;
		return TRUE;
	default:
		return FALSE;
	}
}

/* A row laid out by index_format; the tree keeps its colour. */
static void
ui_index_draw_format(struct ui *ui, struct ui_view *v, int y, int x,
    guint64 row, struct store_msg *m, struct store_thread *t,
    const char *tree, const char *flags, attr_t attr, gboolean current)
{
	struct ui_index_fmt	 f = { ui, v->data, row, m, t, tree, flags };
	struct ui_format_ctx	 fc = { 0 };
	GString			*out = g_string_new(NULL);
	char			*part;

	fc.data = &f;
	ui_format_expand(ui->config->index_format, ui_index_expando, &fc,
	    out);
	if (current && !ui->arrow_cursor)
		fc.mark_end = fc.mark_off;	/* the bar is one colour */
	part = g_strndup(out->str, fc.mark_off);
	x += ui_term_text_safe(y, x, part, COLS - x, attr);
	g_free(part);
	if (fc.mark_end > fc.mark_off && x < COLS) {
		part = g_strndup(out->str + fc.mark_off,
		    fc.mark_end - fc.mark_off);
		x += ui_term_text_safe(y, x, part, COLS - x,
		    ui->attrs[UI_A_TREE]);
		g_free(part);
	}
	if (x < COLS)
		x += ui_term_text_safe(y, x, out->str + MAX(fc.mark_end,
		    fc.mark_off), COLS - x, attr);
	g_string_free(out, TRUE);
}

/* Which threads are open (positions, pinned in the top bit). */
static GArray *
ui_index_open_list(struct ui_index *ix)
{
	struct ui_index_exp	*e;
	GArray			*open;
	guint64			 x;
	guint			 i;

	open = g_array_new(FALSE, FALSE, sizeof(guint64));
	for (i = 0; i < ix->exps->len; i++) {
		e = g_ptr_array_index(ix->exps, i);
		x = e->pos | (e->pinned ? G_GUINT64_CONSTANT(1) << 63 : 0);
		g_array_append_val(open, x);
	}
	return open;
}

/* Open them again, the cursor on the same row of the same thread. */
static void
ui_index_reopen(struct ui *ui, struct ui_view *v, GArray *open)
{
	struct ui_index	*ix = v->data;
	guint64		 x, pos;
	guint		 i;

	for (i = 0; i < open->len; i++) {
		x = g_array_index(open, guint64, i);
		pos = x & ~(G_GUINT64_CONSTANT(1) << 63);
		if (pos < ix->total)
			ui_index_expand(ui, v, pos, (x >> 63) != 0);
	}
}

static void
ui_index_recalc(struct ui *ui, struct ui_view *v)
{
	struct ui_index	*ix = v->data;
	GError		*err = NULL;
	guint64		 old_total = ix->total, old_cursor = v->list.cursor;
	int		 y0, rows;

	ix->w_date = COLS >= 70 ? 8 : 6;
	ix->w_from = COLS >= 80 ? 20 : COLS >= 50 ? COLS / 5 : 8;
	ui_body_size(&y0, &rows);
	ui_list_resize(&v->list, y0, rows);
	/*
	 * A view that comes back to the top re-reads its window: the pager
	 * or a job may have changed flags. The count changes only on
	 * explicit reloads (stale).
	 */
	if (ix->stale) {
		GArray *open = ui_index_open_list(ix);

		ui_index_collapse(v);
		old_cursor = v->list.cursor;
		if (!ui_index_open(ui, ix, &err)) {
			ui_error(ui, "%s", err != NULL ? err->message :
			    store_errmsg(ui->store));
			g_clear_error(&err);
			ix->total = 0;
		}
		/* Newest first: keep the cursor on the same message. */
		if (ix->total > old_total && old_cursor > 0 &&
		    (ix->threads || ix->sort == STORE_SORT_DATE_DESC))
			old_cursor += ix->total - old_total;
		ui_list_set_count(&v->list, ix->total);
		ui_list_goto(&v->list, old_cursor);
		if (old_total == ix->total)
			ui_index_reopen(ui, v, open);
		g_array_free(open, TRUE);
	} else {
		ui_index_drop_cache(ix);
		if (ix->exps->len > 0) {
			/* Refresh the open threads' flags. */
			GArray *open = ui_index_open_list(ix);
			guint64 cur = v->list.cursor;

			ui_index_collapse(v);
			ui_index_reopen(ui, v, open);
			ui_list_goto(&v->list, cur);
			g_array_free(open, TRUE);
		}
	}
	ui->dirty = TRUE;
}

static void
ui_index_title(struct ui *ui, struct ui_view *v, GString *s)
{
	struct ui_index	*ix = v->data;
	static const char *sorts[] = {
		N_("date"), N_("date, oldest first"), N_("from"),
		N_("subject"), N_("size"),
	};

	(void)ui;
	g_string_append_printf(s, "satchel: %s", ix->folder != NULL ?
	    ix->folder : _("search"));
	if (ix->query != NULL)
		g_string_append_printf(s, " [%s]", ix->query);
	g_string_append_printf(s, ix->threads ?
	    ngettext(" (%" PRIu64 " thread)", " (%" PRIu64 " threads)",
	    (unsigned long)ix->total) :
	    ngettext(" (%" PRIu64 " message)", " (%" PRIu64 " messages)",
	    (unsigned long)ix->total), ix->total);
	if (ix->sort != STORE_SORT_DATE_DESC &&
	    (guint)ix->sort < G_N_ELEMENTS(sorts))
		g_string_append_printf(s, _(" sorted by %s"),
		    _(sorts[ix->sort]));
	if (v->read_only)
		g_string_append(s, _(" (read-only)"));
}

static void
ui_index_repaint(struct ui *ui, struct ui_view *v)
{
	struct ui_index	*ix = v->data;

	ix->now = time(NULL);
	if (ix->stale)
		ui_index_recalc(ui, v);
	/* One read for the whole screen, not one per row. */
	if (!ix->threads || ix->exps->len == 0)
		ui_index_ensure(ui, ix, v->list.top, (guint64)v->list.rows);
	else {
		guint64 pos;
		guint k;

		(void)ui_index_locate(ix, v->list.top, &k, &pos);
		ui_index_ensure(ui, ix, pos, (guint64)v->list.rows);
	}
	ui_list_repaint(ui, &v->list);
	if (v->list.count == 0)
		ui_term_text_safe(v->list.y0, 2, ix->query != NULL ?
		    _("No messages match.") : _("No messages."), COLS - 2,
		    A_NORMAL);
}

int64_t
ui_index_current_msg(struct ui *ui, struct ui_view *v)
{
	struct ui_index		*ix = v->data;
	struct store_msg	*m;
	struct store_thread	*t;
	const char		*tree;

	if (v->list.count == 0)
		return -1;
	ui_index_row(ui, ix, v->list.cursor, &m, &t, &tree);
	if (m != NULL)
		return m->id;
	if (t != NULL)
		return t->newest_msg_id;
	return -1;
}

/*
 * Step to the next (dir 1) or previous (-1) message or thread for the
 * pager; returns the message id there, or -1 at the end.
 */
static int64_t
ui_index_step(struct ui *ui, struct ui_view *v, int dir, gboolean thread)
{
	struct ui_index		*ix = v->data;
	struct ui_index_exp	*e;
	guint64			 cur = v->list.cursor, pos, first;
	guint			 k;

	if (v->list.count == 0)
		return -1;
	if (!ix->threads) {
		if ((dir > 0 && cur + 1 >= v->list.count) ||
		    (dir < 0 && cur == 0))
			return -1;
		ui_list_goto(&v->list, dir > 0 ? cur + 1 : cur - 1);
		return ui_index_current_msg(ui, v);
	}
	/* Thread mode: within an open thread first. */
	e = ui_index_locate(ix, cur, &k, &pos);
	if (e != NULL && !thread) {
		if (dir > 0 && k + 1 < e->msgs->len) {
			ui_list_goto(&v->list, cur + 1);
			return ui_index_current_msg(ui, v);
		}
		if (dir < 0 && k > 0) {
			ui_list_goto(&v->list, cur - 1);
			return ui_index_current_msg(ui, v);
		}
	}
	/* To the neighbouring thread, opened. */
	if ((dir > 0 && pos + 1 >= ix->total) || (dir < 0 && pos == 0))
		return -1;
	pos = dir > 0 ? pos + 1 : pos - 1;
	if (!ui_index_expand(ui, v, pos, FALSE)) {
		ui_list_goto(&v->list, ui_index_thread_row(ix, pos));
		return ui_index_current_msg(ui, v);
	}
	first = ui_index_thread_row(ix, pos);
	e = ui_index_locate(ix, first, &k, &pos);
	ui_list_goto(&v->list, dir < 0 && !thread && e != NULL ?
	    first + e->msgs->len - 1 : first);
	return ui_index_current_msg(ui, v);
}

/*
 * The ids an operation acts on: the message, or a collapsed thread's
 * messages in this folder and limit (never its copies elsewhere).
 */
static void
ui_index_flag_ids(struct ui *ui, struct ui_view *v, GArray *ids)
{
	struct ui_index		*ix = v->data;
	struct store_msg	*m;
	struct store_thread	*t;
	const char		*tree;
	GPtrArray		*msgs = NULL;
	guint			 i;

	ui_index_row(ui, ix, v->list.cursor, &m, &t, &tree);
	if (m != NULL) {
		g_array_append_val(ids, m->id);
		return;
	}
	if (t == NULL)
		return;
	if (store_thread_messages_in(ui->store, t->id, ix->folder, ix->query,
	    &msgs, NULL) != STORE_OK) {
		ui_error(ui, "%s", store_errmsg(ui->store));
		return;
	}
	for (i = 0; i < msgs->len; i++) {
		m = g_ptr_array_index(msgs, i);
		g_array_append_val(ids, m->id);
	}
	g_ptr_array_unref(msgs);
}

static void
ui_index_set_flags(struct ui *ui, struct ui_view *v, enum ui_op op)
{
	struct store_msg	*m = NULL;
	GArray			*ids;
	unsigned		 set = 0, clear = 0, bit;
	guint			 i;
	int64_t			 id;

	ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	if (ui->tag_prefix) {
		if (!ui_index_tagged(ui, v, ids))
			goto out;
	} else if (op == UI_OP_FLAG) {
		id = ui_index_current_msg(ui, v);
		if (id >= 0)
			g_array_append_val(ids, id);
	} else
		ui_index_flag_ids(ui, v, ids);
	if (ids->len == 0)
		goto out;
	bit = op == UI_OP_FLAG ? STORE_FLAG_FLAGGED :
	    op == UI_OP_DELETE || op == UI_OP_UNDELETE ? STORE_FLAG_TRASHED :
	    STORE_FLAG_SEEN;
	if (op == UI_OP_UNDELETE)
		clear = bit;
	else if (op == UI_OP_DELETE && ui->tag_prefix)
		set = bit;
	else {
		/* The first message decides: toggle it, the rest the same. */
		if (store_msg_get(ui->store, g_array_index(ids, int64_t, 0),
		    &m) != STORE_OK) {
			ui_error(ui, "%s", store_errmsg(ui->store));
			goto out;
		}
		if (m->flags & bit)
			clear = bit;
		else
			set = bit;
		store_msg_free(m);
	}
	for (i = 0; i < ids->len; i++) {
		id = g_array_index(ids, int64_t, i);
		if (store_msg_set_flags(ui->store, id, set, clear) !=
		    STORE_OK) {
			ui_error(ui, "%s", store_errmsg(ui->store));
			break;
		}
	}
	if (i < ids->len)
		goto out;
	if (op == UI_OP_DELETE && set != 0)
		ui_message(ui, ngettext("Marked %u message deleted; purged "
		    "when you leave the folder.", "Marked %u messages "
		    "deleted; purged when you leave the folder.", ids->len),
		    ids->len);
	else if (op == UI_OP_DELETE || op == UI_OP_UNDELETE)
		ui_message(ui, ngettext("Undeleted %u message.",
		    "Undeleted %u messages.", ids->len), ids->len);
	else if (ui->tag_prefix)
		ui_message(ui, ngettext("Changed %u message.",
		    "Changed %u messages.", ids->len), ids->len);
out:
	g_array_free(ids, TRUE);
	ui_index_recalc(ui, v);
}

/* s moves, C copies: to a folder, created if the user agrees. */
static void
ui_index_move(struct ui *ui, struct ui_view *v, gboolean copy)
{
	GArray	*ids;

	ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	if (!ui_index_targets(ui, v, ids) || ids->len == 0) {
		g_array_free(ids, TRUE);
		return;
	}
	ui_prompt_ask(ui, copy ? _("Copy to folder: ") :
	    _("Move to folder: "), NULL, UI_PROMPT_FOLDER, FALSE,
	    ui_index_move_answered, ui_index_asked_new(v, copy, ids));
}

/* The folder typed (NULL: cancelled): there, or asked to create it. */
static void
ui_index_move_answered(struct ui *ui, char *name, int key, void *data)
{
	struct ui_index_asked	*a = data;
	GPtrArray		*folders = NULL;
	struct store_folder	*f;
	gboolean		 exists = FALSE;
	guint			 i;
	char			*q;

	(void)key;
	a->name = name;
	if (name == NULL || *g_strstrip(name) == '\0') {
		ui_index_asked_free(a);
		return;
	}
	if (store_folders(ui->store, &folders) == STORE_OK) {
		for (i = 0; i < folders->len; i++) {
			f = g_ptr_array_index(folders, i);
			if (strcmp(f->name, name) == 0)
				exists = TRUE;
		}
		g_ptr_array_unref(folders);
	}
	if (exists) {
		ui_index_move_to(ui, a);
		return;
	}
	q = g_strdup_printf(_("Create folder %s?"), name);
	ui_prompt_ask_yesno(ui, q, TRUE, ui_index_move_create, a);
	g_free(q);
}

/* Create folder a->name, if yes, and move or copy there. */
static void
ui_index_move_create(struct ui *ui, char *line, int yes, void *data)
{
	struct ui_index_asked	*a = data;

	(void)line;
	if (!yes)
		ui_index_asked_free(a);
	else if (store_folder_create(ui->store, a->name) != STORE_OK) {
		ui_error(ui, "%s", store_errmsg(ui->store));
		ui_index_asked_free(a);
	} else
		ui_index_move_to(ui, a);
}

/* Move or copy a's messages to folder a->name (there), and free a. */
static void
ui_index_move_to(struct ui *ui, struct ui_index_asked *a)
{
	struct ui_view	*v = ui_view_find(ui, a->view);
	struct ui_index	*ix;
	const char	*name = a->name;
	gboolean	 copy = a->flag;
	guint		 i, done = 0;
	int64_t		 id;

	if (v == NULL) {
		ui_index_asked_free(a);
		return;
	}
	ix = v->data;
	for (i = 0; i < a->ids->len; i++) {
		id = g_array_index(a->ids, int64_t, i);
		if ((copy ? store_msg_copy(ui->store, id, name, NULL) :
		    store_msg_move(ui->store, id, name)) != STORE_OK) {
			ui_error(ui, "%s", store_errmsg(ui->store));
			break;
		}
		/* Gone from this folder: no longer tagged here. */
		if (!copy && g_strcmp0(ix->folder, name) != 0)
			g_hash_table_remove(ix->tags, &id);
		done++;
	}
	if (done > 0 && i == a->ids->len)
		ui_message(ui, copy ? ngettext("Copied %u message to %s.",
		    "Copied %u messages to %s.", done) :
		    ngettext("Moved %u message to %s.",
		    "Moved %u messages to %s.", done), done, name);
	ui_index_reload(ui, v);
	ui_index_asked_free(a);
}

static gboolean
ui_index_row_tagged(struct ui_index *ix, struct store_msg *m,
    struct store_thread *t)
{
	GHashTableIter	 it;
	gpointer	 k, val;

	if (g_hash_table_size(ix->tags) == 0)
		return FALSE;
	if (m != NULL)
		return g_hash_table_contains(ix->tags, &m->id);
	if (t == NULL)
		return FALSE;
	g_hash_table_iter_init(&it, ix->tags);
	while (g_hash_table_iter_next(&it, &k, &val))
		if (*(int64_t *)val == t->id)
			return TRUE;
	return FALSE;
}

static gint
ui_index_id_cmp(gconstpointer a, gconstpointer b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

gboolean
ui_index_tagged(struct ui *ui, struct ui_view *v, GArray *ids)
{
	struct ui_index		*ix = v->data;
	struct store_msg	*m;
	GHashTableIter		 it;
	gpointer		 k, val;

	/* What left the folder meanwhile (moved, purged) is no longer here. */
	g_hash_table_iter_init(&it, ix->tags);
	while (g_hash_table_iter_next(&it, &k, &val)) {
		m = NULL;
		if (store_msg_get(ui->store, *(int64_t *)k, &m) != STORE_OK ||
		    (ix->folder != NULL && strcmp(m->folder, ix->folder) != 0))
			g_hash_table_iter_remove(&it);
		else
			g_array_append_val(ids, *(int64_t *)k);
		store_msg_free(m);
	}
	if (ids->len == 0) {
		ui_error(ui, "%s", _("No tagged messages."));
		return FALSE;
	}
	g_array_sort(ids, ui_index_id_cmp);
	return TRUE;
}

/* What an operation acts on: the tagged messages after ';', else the row. */
static gboolean
ui_index_targets(struct ui *ui, struct ui_view *v, GArray *ids)
{
	if (ui->tag_prefix)
		return ui_index_tagged(ui, v, ids);
	ui_index_flag_ids(ui, v, ids);
	return ids->len > 0;
}

static void
ui_index_tag_one(struct ui_index *ix, int64_t id, int64_t thread,
    gboolean tag)
{
	if (!tag)
		g_hash_table_remove(ix->tags, &id);
	else
		g_hash_table_replace(ix->tags, g_memdup2(&id, sizeof id),
		    g_memdup2(&thread, sizeof thread));
}

/* t: tag or untag the message, or a collapsed thread's messages. */
static void
ui_index_tag(struct ui *ui, struct ui_view *v)
{
	struct ui_index		*ix = v->data;
	struct store_msg	*m;
	struct store_thread	*t;
	const char		*tree;
	GPtrArray		*msgs = NULL;
	gboolean		 all = TRUE;
	guint			 i;

	if (v->list.count == 0)
		return;
	ui_index_row(ui, ix, v->list.cursor, &m, &t, &tree);
	if (m != NULL) {
		ui_index_tag_one(ix, m->id, m->thread_id,
		    !g_hash_table_contains(ix->tags, &m->id));
	} else if (t != NULL) {
		if (store_thread_messages_in(ui->store, t->id, ix->folder,
		    ix->query, &msgs, NULL) != STORE_OK) {
			ui_error(ui, "%s", store_errmsg(ui->store));
			return;
		}
		for (i = 0; i < msgs->len; i++) {
			m = g_ptr_array_index(msgs, i);
			if (!g_hash_table_contains(ix->tags, &m->id))
				all = FALSE;
		}
		for (i = 0; i < msgs->len; i++) {
			m = g_ptr_array_index(msgs, i);
			ui_index_tag_one(ix, m->id, t->id, !all);
		}
		g_ptr_array_unref(msgs);
	}
	/* As mutt: on to the next message. */
	ui_list_move(&v->list, UI_OP_NEXT_ENTRY);
}

/* T and C-t: tag or untag what a query matches in this folder and limit. */
static void
ui_index_tag_query(struct ui *ui, struct ui_view *v, gboolean tag)
{
	ui_prompt_ask(ui, tag ? _("Tag messages matching: ") :
	    _("Untag messages matching: "), NULL, UI_PROMPT_QUERY, FALSE,
	    ui_index_tag_answered, ui_index_asked_new(v, tag, NULL));
}

/* The pattern typed (pat, NULL: cancelled): what it matches (un)tagged. */
static void
ui_index_tag_answered(struct ui *ui, char *pat, int key, void *data)
{
	struct ui_index_asked	*a = data;
	struct ui_view		*v = ui_view_find(ui, a->view);
	struct ui_index		*ix;
	struct store_query	*q = NULL;
	struct store_msg	*m;
	GPtrArray		*rows = NULL;
	GError			*err = NULL;
	char			*full;
	guint64			 off = 0;
	guint			 i, n = 0;
	gboolean		 tag = a->flag;

	(void)key;
	ui_index_asked_free(a);
	if (v == NULL || pat == NULL || *g_strstrip(pat) == '\0') {
		g_free(pat);
		return;
	}
	ix = v->data;
	if (!ui_index_mutt_pattern(ui, &pat))
		return;
	full = ix->query != NULL ? g_strdup_printf("(%s) (%s)", ix->query,
	    pat) : g_strdup(pat);
	if (store_query_new(ui->store, full, ix->folder, &q, &err) !=
	    STORE_OK) {
		ui_error(ui, "%s", err != NULL ? err->message : _("Bad query."));
		g_clear_error(&err);
		goto out;
	}
	for (;;) {
		if (store_query_page(q, STORE_SORT_DATE_DESC, off, 1000,
		    &rows) != STORE_OK) {
			ui_error(ui, "%s", store_errmsg(ui->store));
			break;
		}
		for (i = 0; i < rows->len; i++) {
			m = g_ptr_array_index(rows, i);
			if (tag != g_hash_table_contains(ix->tags, &m->id))
				n++;
			ui_index_tag_one(ix, m->id, m->thread_id, tag);
		}
		off += rows->len;
		i = rows->len;
		g_ptr_array_unref(rows);
		if (i < 1000)
			break;
	}
	ui_message(ui, tag ? ngettext("Tagged %u message.",
	    "Tagged %u messages.", n) : ngettext("Untagged %u message.",
	    "Untagged %u messages.", n), n);
out:
	store_query_free(q);
	g_free(full);
	g_free(pat);
}

/* The raw bytes of ids, one after another. NULL with an error said. */
static GByteArray *
ui_index_read_msgs(struct ui *ui, GArray *ids, gboolean mbox)
{
	GByteArray		*out = g_byte_array_new();
	struct store_msg	*m = NULL;
	GError			*err = NULL;
	gchar			*data = NULL;
	gsize			 len = 0;
	guint			 i;

	for (i = 0; i < ids->len; i++) {
		if (store_msg_get(ui->store, g_array_index(ids, int64_t, i),
		    &m) != STORE_OK) {
			ui_error(ui, "%s", store_errmsg(ui->store));
			goto fail;
		}
		if (!g_file_get_contents(m->path, &data, &len, &err)) {
			ui_error(ui, "%s", err->message);
			g_error_free(err);
			goto fail;
		}
		if (mbox)
			ui_index_mbox_append(out, m, data, len);
		else
			g_byte_array_append(out, (guint8 *)data, (guint)len);
		g_free(data);
		store_msg_free(m);
		m = NULL;
	}
	return out;
fail:
	store_msg_free(m);
	g_byte_array_unref(out);
	return NULL;
}

/* A question's continuation for view v: its flag, the messages (taken). */
static struct ui_index_asked *
ui_index_asked_new(struct ui_view *v, gboolean flag, GArray *ids)
{
	struct ui_index_asked	*a = g_new0(struct ui_index_asked, 1);

	a->view = v->serial;
	a->flag = flag;
	a->ids = ids;
	return a;
}

static void
ui_index_asked_free(struct ui_index_asked *a)
{
	if (a->ids != NULL)
		g_array_free(a->ids, TRUE);
	g_free(a->name);
	g_free(a);
}

/* The messages an operation acts on: the tagged ones (;), or the current. */
static GArray *
ui_index_op_ids(struct ui *ui, struct ui_view *v)
{
	GArray	*ids = g_array_new(FALSE, FALSE, sizeof(int64_t));

	if (ui->tag_prefix) {
		if (!ui_index_tagged(ui, v, ids)) {
			g_array_free(ids, TRUE);
			return NULL;
		}
	} else {
		int64_t id = ui_index_current_msg(ui, v);
		g_array_append_val(ids, id);
	}
	return ids;
}

/* |: the message (tagged: all of them, in turn) on a command's stdin. */
static void
ui_index_pipe(struct ui *ui, struct ui_view *v)
{
	GArray	*ids;

	if ((ids = ui_index_op_ids(ui, v)) == NULL)
		return;
	ui_prompt_ask(ui, _("Pipe to command: "), NULL, UI_PROMPT_TEXT, FALSE,
	    ui_index_pipe_answered, ui_index_asked_new(v, FALSE, ids));
}

/* The command typed (cmd, NULL: cancelled): the messages piped to it. */
static void
ui_index_pipe_answered(struct ui *ui, char *cmd, int key, void *data)
{
	struct ui_index_asked	*a = data;
	GSubprocessLauncher	*l = NULL;
	GSubprocess		*proc = NULL;
	GByteArray		*msgs = NULL;
	GBytes			*in = NULL;
	GError			*err = NULL;
	GArray			*ids = a->ids;
	const char		*argv[4] = { "/bin/sh", "-c", NULL, NULL };

	(void)key;
	if (cmd == NULL || *g_strstrip(cmd) == '\0')
		goto out;
	if ((msgs = ui_index_read_msgs(ui, ids, FALSE)) == NULL)
		goto out;
	in = g_byte_array_free_to_bytes(msgs);
	argv[2] = cmd;
	/* As the viewers: in borrowed mode, HOME is the private one. */
	l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDIN_PIPE);
	if (ui->child_env != NULL)
		g_subprocess_launcher_set_environ(l, ui->child_env);
	ui_screen_suspend(ui);
	proc = g_subprocess_launcher_spawnv(l, argv, &err);
	if (proc != NULL && !g_subprocess_communicate(proc, in, NULL, NULL,
	    NULL, &err) && g_error_matches(err, G_IO_ERROR,
	    G_IO_ERROR_BROKEN_PIPE)) {
		/* The command stopped reading (head, exit): its own choice. */
		g_clear_error(&err);
		(void)g_subprocess_wait(proc, NULL, NULL);
	}
	if (proc != NULL && err == NULL && g_subprocess_get_if_exited(proc) &&
	    g_subprocess_get_exit_status(proc) != 0) {
		char *st = g_strdup_printf(_("(the command exited with status "
		    "%d)\n"), g_subprocess_get_exit_status(proc));
		ssize_t w = write(STDOUT_FILENO, st, strlen(st));
		(void)w;
		g_free(st);
	}
	if (ui_signal_caught() == 0)
		ui_term_wait_key(_("Press any key to continue..."));
	ui_screen_resume(ui);
	if (err != NULL)
		ui_error(ui, _("Cannot run the command: %s"), err->message);
	else if (proc != NULL && g_subprocess_get_if_exited(proc) &&
	    g_subprocess_get_exit_status(proc) != 0)
		ui_error(ui, _("The command exited with status %d."),
		    g_subprocess_get_exit_status(proc));
	else
		ui_message(ui, ngettext("Piped %u message.",
		    "Piped %u messages.", ids->len), ids->len);
out:
	g_clear_error(&err);
	if (proc != NULL)
		g_object_unref(proc);
	if (l != NULL)
		g_object_unref(l);
	if (in != NULL)
		g_bytes_unref(in);
	g_free(cmd);
	ui_index_asked_free(a);
}

/*
 * One message of an mbox: a "From " line, the text with LF line ends and
 * its "From " lines quoted (mboxrd), a blank line.
 */
static void
ui_index_mbox_append(GByteArray *out, struct store_msg *m, const char *data,
    gsize len)
{
	GString		*s = g_string_new(NULL);
	GDateTime	*dt;
	char		*when;
	const char	*p = data, *end = data + len, *nl, *q;

	dt = g_date_time_new_from_unix_utc(m->date > 0 ? m->date : 0);
	when = dt != NULL ? g_date_time_format(dt, "%a %b %e %H:%M:%S %Y") :
	    NULL;
	g_string_append_printf(s, "From %s %s\n", m->from_addr != NULL &&
	    compose_addr_is_safe(m->from_addr) ? m->from_addr :
	    "MAILER-DAEMON", when != NULL ? when : "Thu Jan  1 00:00:00 1970");
	g_free(when);
	if (dt != NULL)
		g_date_time_unref(dt);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		q = nl != NULL ? nl : end;
		for (nl = p; nl < q && *nl == '>'; nl++)
			;
		if ((size_t)(q - nl) >= 5 && memcmp(nl, "From ", 5) == 0)
			g_string_append_c(s, '>');
		g_string_append_len(s, p, (q > p && q[-1] == '\r') ?
		    q - p - 1 : q - p);
		g_string_append_c(s, '\n');
		p = q < end ? q + 1 : end;
	}
	g_string_append_c(s, '\n');
	g_byte_array_append(out, (guint8 *)s->str, (guint)s->len);
	g_string_free(s, TRUE);
}

/*
 * Save to a file: one message as it is stored; tagged messages (;S) as
 * an mbox. An existing file is overwritten only when the user says so.
 */
static void
ui_index_save_file(struct ui *ui, struct ui_view *v)
{
	GArray	*ids;

	if ((ids = ui_index_op_ids(ui, v)) == NULL)
		return;
	ui_prompt_ask(ui, ids->len > 1 ? _("Save to file (mbox): ") :
	    _("Save to file: "), NULL, UI_PROMPT_FILE, FALSE,
	    ui_index_save_answered, ui_index_asked_new(v, FALSE, ids));
}

/* The file typed (NULL: cancelled): saved, after asking if it exists. */
static void
ui_index_save_answered(struct ui *ui, char *answer, int key, void *data)
{
	struct ui_index_asked	*a = data;
	char			*path, *q;

	(void)key;
	if (answer == NULL || *g_strstrip(answer) == '\0') {
		g_free(answer);
		ui_index_asked_free(a);
		return;
	}
	path = path_expand(answer);
	g_free(answer);
	a->name = path;
	if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
		ui_error(ui, _("%s is a directory: give a file name."), path);
		ui_index_asked_free(a);
		return;
	}
	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		ui_index_save_write(ui, NULL, TRUE, a);
		return;
	}
	q = g_strdup_printf(_("%s exists. Overwrite?"), path);
	ui_prompt_ask_yesno(ui, q, FALSE, ui_index_save_write, a);
	g_free(q);
}

/*
 * Write the messages to a->name, if yes (the file is new, or the user
 * said to overwrite it).
 */
static void
ui_index_save_write(struct ui *ui, char *line, int yes, void *data)
{
	struct ui_index_asked	*a = data;
	GByteArray		*msgs;
	GArray			*ids = a->ids;

	(void)line;
	if (!yes)
		ui_message(ui, "%s", _("Not saved."));
	else if ((msgs = ui_index_read_msgs(ui, ids, ids->len > 1)) != NULL) {
		if (file_write_atomic(a->name, msgs->data, msgs->len,
		    0600) != 0)
			ui_error(ui, _("Cannot write %s: %s"), a->name,
			    g_strerror(errno));
		else
			ui_message(ui, ngettext("Saved %u message to %s.",
			    "Saved %u messages to %s.", ids->len), ids->len,
			    a->name);
		g_byte_array_unref(msgs);
	}
	ui_index_asked_free(a);
}

/*
 * Digits: jump to a row by its number, 1 to N from the top in the order
 * shown (as mutt numbers messages).
 */
static void
ui_index_jump(struct ui *ui, struct ui_view *v)
{
	char		 first[8] = "";

	if (ui->last_key >= '0' && ui->last_key <= '9')
		first[0] = (char)ui->last_key;
	ui_prompt_ask(ui, _("Jump to: "), first, UI_PROMPT_TEXT, FALSE,
	    ui_index_jump_answered, ui_index_asked_new(v, FALSE, NULL));
}

/* The row number typed (NULL: cancelled): the cursor goes there. */
static void
ui_index_jump_answered(struct ui *ui, char *answer, int key, void *data)
{
	struct ui_index_asked	*a = data;
	struct ui_view		*v = ui_view_find(ui, a->view);
	char			*end = NULL;
	guint64			 n;

	(void)key;
	ui_index_asked_free(a);
	if (v == NULL || answer == NULL || *g_strstrip(answer) == '\0') {
		g_free(answer);
		return;
	}
	n = g_ascii_strtoull(answer, &end, 10);
	if (end == answer || *end != '\0' || n == 0 || n > v->list.count)
		ui_error(ui, _("There is no message %s here (1 to %" PRIu64
		    ")."), answer, v->list.count);
	else {
		ui_list_goto(&v->list, n - 1);
		ui_message(ui, _("Message %" PRIu64 " of %" PRIu64 "."), n,
		    v->list.count);
	}
	g_free(answer);
}

/* The current message's thread, all of it in this folder, marked read. */
static void
ui_index_read_thread(struct ui *ui, struct ui_view *v)
{
	struct ui_index		*ix = v->data;
	struct store_msg	*m = NULL, *cur = NULL;
	GPtrArray		*msgs = NULL;
	guint			 i, n = 0;

	if (store_msg_get(ui->store, ui_index_current_msg(ui, v), &cur) !=
	    STORE_OK) {
		ui_error(ui, "%s", store_errmsg(ui->store));
		return;
	}
	if (store_thread_messages_in(ui->store, cur->thread_id, ix->folder,
	    NULL, &msgs, NULL) != STORE_OK) {
		ui_error(ui, "%s", store_errmsg(ui->store));
		goto out;
	}
	for (i = 0; i < msgs->len; i++) {
		m = g_ptr_array_index(msgs, i);
		if (m->flags & STORE_FLAG_SEEN)
			continue;
		if (store_msg_set_flags(ui->store, m->id, STORE_FLAG_SEEN, 0) !=
		    STORE_OK) {
			ui_error(ui, "%s", store_errmsg(ui->store));
			break;
		}
		n++;
	}
	if (i == msgs->len)
		ui_message(ui, ngettext("Marked %u message of the thread read.",
		    "Marked %u messages of the thread read.", n), n);
	g_ptr_array_unref(msgs);
out:
	store_msg_free(cur);
	ui_index_recalc(ui, v);
}

/* Scan forward a page at a time for an unread message, within bounds. */
static void
ui_index_next_unread(struct ui *ui, struct ui_view *v)
{
	struct ui_index		*ix = v->data;
	struct store_msg	*m;
	struct store_thread	*t;
	const char		*tree;
	guint64			 r;
	gint64			 deadline = g_get_monotonic_time() +
				    2 * G_USEC_PER_SEC;

	for (r = v->list.cursor + 1; r < v->list.count; r++) {
		ui_index_row(ui, ix, r, &m, &t, &tree);
		if ((m != NULL && !(m->flags & STORE_FLAG_SEEN)) ||
		    (t != NULL && t->unread > 0)) {
			ui_list_goto(&v->list, r);
			return;
		}
		if (m == NULL && t == NULL)
			break;
		if ((r & 255) == 0 && g_get_monotonic_time() > deadline) {
			ui_list_goto(&v->list, r);
			ui_error(ui, "%s", _("No unread message nearby; "
			    "stopped looking here."));
			return;
		}
	}
	ui_error(ui, "%s", _("No more unread messages."));
}

static void
ui_index_sort(struct ui *ui, struct ui_view *v)
{
	struct ui_index	*ix = v->data;

	/* In thread mode the threads are sorted, each kept in tree order. */
	ui_prompt_ask_choice(ui, ix->threads ? _("Sort threads: (d)ate "
	    "newest, (D)ate oldest, (f)rom, (s)ubject, si(z)e, (t)hreads "
	    "off?") : _("Sort: (d)ate newest, (D)ate oldest, (f)rom, "
	    "(s)ubject, si(z)e, (t)hreads?"), "dDfszt", ui_index_sorted,
	    GUINT_TO_POINTER(v->serial));
}

/* The sort chosen (c, 0: cancelled): the index of view serial data. */
static void
ui_index_sorted(struct ui *ui, char *line, int c, void *data)
{
	struct ui_view	*v = ui_view_find(ui, GPOINTER_TO_UINT(data));
	struct ui_index	*ix;

	(void)line;
	if (v == NULL)
		return;
	ix = v->data;
	switch (c) {
	case 't':
		ui_index_threads(ui, v);
		return;
	case 'd':
		ix->sort = STORE_SORT_DATE_DESC;
		break;
	case 'D':
		ix->sort = STORE_SORT_DATE_ASC;
		break;
	case 'f':
		ix->sort = STORE_SORT_FROM;
		break;
	case 's':
		ix->sort = STORE_SORT_SUBJECT;
		break;
	case 'z':
		ix->sort = STORE_SORT_SIZE;
		break;
	default:
		return;
	}
	ui_index_collapse(v);
	ui_index_drop_cache(ix);
	ui_list_goto(&v->list, 0);
}

/* z, and t in the sort prompt: threads on or off. */
static void
ui_index_threads(struct ui *ui, struct ui_view *v)
{
	struct ui_index	*ix = v->data;

	ui_index_collapse(v);
	ix->threads = !ix->threads;
	ix->stale = TRUE;
	v->list.cursor = v->list.top = 0;
	ui_index_recalc(ui, v);
	ui_message(ui, "%s", ix->threads ? _("Threads.") : _("Messages."));
}

/*
 * The text of encrypted mail is not indexed unless index_decrypted is on:
 * a search for words says how many encrypted messages it could only
 * match by their headers.
 */
static void
ui_index_crypt_note(struct ui *ui, const char *query, const char *folder)
{
	struct store_query	*q = NULL, *e = NULL;
	guint64			 n = 0;

	if (ui->config->index_decrypted || query == NULL ||
	    store_query_new(ui->store, query, folder, &q, NULL) != STORE_OK)
		return;
	if (store_query_has_text(q) && store_query_new(ui->store,
	    "is:encrypted", folder, &e, NULL) == STORE_OK &&
	    store_query_count(e, &n) == STORE_OK && n > 0)
		ui_message(ui, ngettext("The text of %u encrypted message was "
		    "not searched, only its headers (index_decrypted).",
		    "The text of %u encrypted messages was not searched, only "
		    "their headers (index_decrypted).", (unsigned long)n),
		    (unsigned)n);
	store_query_free(e);
	store_query_free(q);
}

/*
 * mutt's patterns (~f alice, ~d <1w, all) in the search language; FALSE
 * (said, *q freed) when one is not known.
 */
static gboolean
ui_index_mutt_pattern(struct ui *ui, char **q)
{
	GError	*err = NULL;
	char	*t;

	if (!store_pattern_is_mutt(*q))
		return TRUE;
	if ((t = store_pattern_translate(*q, &err)) == NULL) {
		ui_error(ui, "%s", err->message);
		g_clear_error(&err);
		g_free(*q);
		*q = NULL;
		return FALSE;
	}
	g_free(*q);
	*q = t;
	return TRUE;
}

/* limit: narrow this index; search: a new index over every folder. */
static void
ui_index_limit(struct ui *ui, struct ui_view *v, gboolean search)
{
	struct ui_index		*ix = v->data;
	struct ui_index_asked	*a = ui_index_asked_new(v, search, NULL);

	ui_prompt_ask(ui, search ? _("Search: ") : _("Limit to: "),
	    search ? NULL : ix->query, UI_PROMPT_QUERY, FALSE,
	    ui_index_limit_answered, a);
}

/*
 * The limit or search typed (q, NULL: cancelled): the index narrowed, or
 * the search's index opened above it.
 */
static void
ui_index_limit_answered(struct ui *ui, char *q, int key, void *data)
{
	struct ui_index_asked	*a = data;
	struct ui_view		*v = ui_view_find(ui, a->view);
	gboolean		 search = a->flag;

	(void)key;
	ui_index_asked_free(a);
	if (q == NULL || v == NULL) {
		g_free(q);
		return;
	}
	g_strstrip(q);
	if (!ui_index_mutt_pattern(ui, &q))
		return;
	if (search) {
		if (*q != '\0') {
			ui_push(ui, ui_index_new_search(ui, q));
			ui_index_crypt_note(ui, q, NULL);
		}
		g_free(q);
		return;
	}
	ui_index_set_limit(ui, v, q);
}

/* Narrow index v to query q (taken; "": everything again). */
static void
ui_index_set_limit(struct ui *ui, struct ui_view *v, char *q)
{
	struct ui_index	*ix = v->data;
	char		*old;
	GError		*err = NULL;

	ui_index_collapse(v);
	old = ix->query;
	ix->query = *q != '\0' ? q : NULL;
	if (*q == '\0')
		g_free(q);
	if (!ui_index_open(ui, ix, &err)) {
		ui_error(ui, "%s", err != NULL ? err->message :
		    _("Bad query."));
		g_clear_error(&err);
		g_free(ix->query);
		ix->query = old;
		ui_index_open(ui, ix, NULL);
	} else {
		g_free(old);
		ui_index_crypt_note(ui, ix->query, ix->folder);
	}
	v->list.cursor = v->list.top = 0;
	ui_list_set_count(&v->list, ix->total);
}

static gboolean
ui_index_op(struct ui *ui, struct ui_view *v, enum ui_op op)
{
	struct ui_index		*ix = v->data;
	struct store_msg	*m;
	struct store_thread	*t;
	const char		*tree;
	int64_t			 id;

	if (ui_list_move(&v->list, op))
		return TRUE;
	switch (op) {
	case UI_OP_QUIT:
		/* A search result index goes back; the main index quits. */
		return FALSE;
	case UI_OP_SELECT:
		if (v->list.count == 0)
			return TRUE;
		ui_index_row(ui, ix, v->list.cursor, &m, &t, &tree);
		if (t != NULL) {
			struct ui_index_exp *e;
			guint64 pos, first;
			guint k;

			(void)ui_index_locate(ix, v->list.cursor, &k, &pos);
			if (!ui_index_expand(ui, v, pos, FALSE))
				return TRUE;
			first = ui_index_thread_row(ix, pos);
			ui_list_goto(&v->list, first);
			/* A thread of one opens at once; else show the tree. */
			e = ui_index_locate(ix, first, &k, &pos);
			if (e != NULL && e->msgs->len > 1)
				return TRUE;
		}
		if ((id = ui_index_current_msg(ui, v)) >= 0)
			ui_push(ui, ui_pager_new(ui, id));
		return TRUE;
	case UI_OP_NEXT_UNREAD:
		ui_index_next_unread(ui, v);
		return TRUE;
	case UI_OP_NEXT_THREAD:
	case UI_OP_PREV_THREAD:
		if (!ix->threads)
			return FALSE;
		if (ui_index_step(ui, v, op == UI_OP_NEXT_THREAD ? 1 : -1,
		    TRUE) < 0)
			ui_error(ui, "%s", _("No more threads."));
		return TRUE;
	case UI_OP_THREADS:
		ui_index_threads(ui, v);
		return TRUE;
	case UI_OP_SORT:
		ui_index_sort(ui, v);
		return TRUE;
	case UI_OP_LIMIT:
	case UI_OP_SEARCH:
		ui_index_limit(ui, v, op == UI_OP_SEARCH);
		return TRUE;
	case UI_OP_SEARCH_NEXT:
		ui_error(ui, "%s", _("Use / to search or l to limit."));
		return TRUE;
	case UI_OP_FLAG:
	case UI_OP_TOGGLE_NEW:
	case UI_OP_DELETE:
	case UI_OP_UNDELETE:
		ui_index_set_flags(ui, v, op);
		if ((op == UI_OP_DELETE || op == UI_OP_UNDELETE) &&
		    !ui->tag_prefix && ui_top(ui) == v)
			ui_list_move(&v->list, UI_OP_NEXT_ENTRY);
		return TRUE;
	case UI_OP_SAVE:
	case UI_OP_COPY:
		ui_index_move(ui, v, op == UI_OP_COPY);
		return TRUE;
	case UI_OP_TAG:
		if (ui->tag_prefix) {
			ui_error(ui, "%s", _("t tags one message; ';' is for "
			    "the operation that follows."));
			return TRUE;
		}
		ui_index_tag(ui, v);
		return TRUE;
	case UI_OP_TAG_PATTERN:
	case UI_OP_UNTAG_PATTERN:
		ui_index_tag_query(ui, v, op == UI_OP_TAG_PATTERN);
		return TRUE;
	case UI_OP_PIPE:
		ui_index_pipe(ui, v);
		return TRUE;
	case UI_OP_SAVE_FILE:
		ui_index_save_file(ui, v);
		return TRUE;
	case UI_OP_JUMP:
		ui_index_jump(ui, v);
		return TRUE;
	case UI_OP_COLLAPSE_THREAD:
		ui_index_toggle_thread(ui, v);
		return TRUE;
	case UI_OP_COLLAPSE_ALL:
		ui_index_toggle_all(ui, v);
		return TRUE;
	case UI_OP_READ_THREAD:
		ui_index_read_thread(ui, v);
		return TRUE;
	case UI_OP_ATTACHMENTS:
		if ((id = ui_index_current_msg(ui, v)) >= 0)
			ui_push(ui, ui_attach_new(ui, id));
		return TRUE;
	case UI_OP_URLS:
		if ((id = ui_index_current_msg(ui, v)) >= 0)
			ui_push(ui, ui_urls_new(ui, id));
		return TRUE;
	default:
		return FALSE;
	}
}
