/*
 * ui-index.c: the message index, one line per message or per thread.
 *
 * Rows come from the store a page at a time (store_query_page and
 * store_threads_page); only a window of about three screens is kept, so
 * memory and start-up time do not depend on the folder's size. In thread
 * mode one thread at a time is expanded in place into its messages with a
 * tree; rows after it shift by the thread's size.
 */
#include "satchel-config.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "util/util.h"
#include "config/config.h"
#include "store/store.h"
#include "store/store-pattern.h"
#include "ui/ui-private.h"

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

	/* The expanded thread (thread mode). */
	gboolean	 expanded;
	guint64		 exp_pos;	/* its index among the threads */
	int64_t		 exp_thread;
	GPtrArray	*exp_msgs;	/* store_msg in tree order */
	GPtrArray	*exp_tree;	/* char *: tree prefix per message */

	time_t		 now;		/* for date formats: one per repaint */
	int		 w_date, w_from;
};

static void	 ui_index_free(struct ui_view *);
static void	 ui_index_recalc(struct ui *, struct ui_view *);
static void	 ui_index_title(struct ui *, struct ui_view *, GString *);
static void	 ui_index_repaint(struct ui *, struct ui_view *);
static gboolean	 ui_index_op(struct ui *, struct ui_view *, enum ui_op);
static void	 ui_index_draw(struct ui *, void *, int, guint64, gboolean);
static gboolean	 ui_index_open(struct ui *, struct ui_index *, GError **);
static void	 ui_index_drop_cache(struct ui_index *);
static gboolean	 ui_index_ensure(struct ui *, struct ui_index *, guint64,
		    guint64);
static void	 ui_index_row(struct ui *, struct ui_index *, guint64,
		    struct store_msg **, struct store_thread **, const char **);
static void	 ui_index_collapse(struct ui_view *);
static gboolean	 ui_index_expand(struct ui *, struct ui_view *, guint64);
static void	 ui_index_tree(struct ui *, struct ui_index *);
static char	*ui_index_date(struct ui_index *, int64_t);
static void	 ui_index_pad(GString *, const char *, int);
static void	 ui_index_flag_ids(struct ui *, struct ui_view *, GArray *);
static void	 ui_index_set_flags(struct ui *, struct ui_view *, enum ui_op);
static void	 ui_index_move(struct ui *, struct ui_view *);
static void	 ui_index_next_unread(struct ui *, struct ui_view *);
static void	 ui_index_sort(struct ui *, struct ui_view *);
static void	 ui_index_limit(struct ui *, struct ui_view *, gboolean);
static gboolean	 ui_index_mutt_pattern(struct ui *, char **);
static void	 ui_index_crypt_note(struct ui *, const char *, const char *);

static const struct ui_view_ops ui_index_ops = {
	.name = "index",
	.ctx = UI_CTX_INDEX,
	.recalc = ui_index_recalc,
	.repaint = ui_index_repaint,
	.title = ui_index_title,
	.current_msg = ui_index_current_msg,
	.op = ui_index_op,
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

void
ui_index_set_folder(struct ui *ui, struct ui_view *v, const char *folder)
{
	struct ui_index	*ix = v->data;

	ui_index_collapse(v);
	g_free(ix->folder);
	ix->folder = g_strdup(folder);
	g_clear_pointer(&ix->query, g_free);
	v->read_only = folder != NULL && strcmp(folder, STORE_OUTBOX) == 0;
	v->list.cursor = v->list.top = 0;
	ix->stale = TRUE;
	ui_index_recalc(ui, v);
}

void
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
	g_free(ix->folder);
	g_free(ix->query);
	g_free(ix);
}

static void
ui_index_collapse(struct ui_view *v)
{
	struct ui_index	*ix = v->data;

	if (!ix->expanded)
		return;
	if (v->list.cursor >= ix->exp_pos + ix->exp_msgs->len)
		v->list.cursor -= ix->exp_msgs->len - 1;
	else if (v->list.cursor > ix->exp_pos)
		v->list.cursor = ix->exp_pos;
	if (v->list.top >= ix->exp_pos + ix->exp_msgs->len)
		v->list.top -= ix->exp_msgs->len - 1;
	else if (v->list.top > ix->exp_pos)
		v->list.top = ix->exp_pos;
	g_ptr_array_unref(ix->exp_msgs);
	g_ptr_array_unref(ix->exp_tree);
	ix->exp_msgs = ix->exp_tree = NULL;
	ix->expanded = FALSE;
	ui_list_set_count(&v->list, ix->total);
}

/* Tree prefixes: "├─>" for a child with later siblings, "└─>" for the last. */
static void
ui_index_tree(struct ui *ui, struct ui_index *ix)
{
	GArray		*seen;
	struct store_msg *m;
	GString		*s;
	guint		 i, n = ix->exp_msgs->len;
	int		 d, l;
	gboolean	 f = FALSE, t = TRUE;

	ix->exp_tree = g_ptr_array_new_full(n, g_free);
	g_ptr_array_set_size(ix->exp_tree, n);
	seen = g_array_new(FALSE, TRUE, sizeof(gboolean));
	for (i = n; i > 0; i--) {
		m = g_ptr_array_index(ix->exp_msgs, i - 1);
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
		g_ptr_array_index(ix->exp_tree, i - 1) = g_string_free(s,
		    FALSE);
		g_array_index(seen, gboolean, d) = t;
		for (l = d + 1; (guint)l < seen->len; l++)
			g_array_index(seen, gboolean, l) = f;
	}
	g_array_free(seen, TRUE);
}

static gboolean
ui_index_expand(struct ui *ui, struct ui_view *v, guint64 thread_pos)
{
	struct ui_index		*ix = v->data;
	struct store_thread	*t;
	GPtrArray		*msgs = NULL;

	ui_index_collapse(v);
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
	ix->exp_msgs = msgs;
	ix->exp_pos = thread_pos;
	ix->exp_thread = t->id;
	ix->expanded = TRUE;
	ui_index_tree(ui, ix);
	if (v->list.top > thread_pos)
		v->list.top += msgs->len - 1;
	ui_list_set_count(&v->list, ix->total + msgs->len - 1);
	return TRUE;
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
		if (store_threads_page(ui->store, ix->folder, ix->query, off,
		    (guint)limit, &rows, &err) != STORE_OK) {
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
	if (ix->threads && ix->expanded) {
		if (r >= ix->exp_pos && r < ix->exp_pos + ix->exp_msgs->len) {
			*m = g_ptr_array_index(ix->exp_msgs, r - ix->exp_pos);
			*tree = g_ptr_array_index(ix->exp_tree, r - ix->exp_pos);
			return;
		}
		if (r >= ix->exp_pos + ix->exp_msgs->len)
			pos = r - ix->exp_msgs->len + 1;
	}
	if (!ui_index_ensure(ui, ix, pos, 1))
		return;
	if (ix->threads)
		*t = g_ptr_array_index(ix->cache, pos - ix->cache_off);
	else
		*m = g_ptr_array_index(ix->cache, pos - ix->cache_off);
}

static char *
ui_index_date(struct ui_index *ix, int64_t date)
{
	GDateTime	*dt, *now;
	char		*s;

	if (date <= 0)
		return g_strdup("");
	dt = g_date_time_new_from_unix_local(date);
	now = g_date_time_new_from_unix_local(ix->now);
	if (dt == NULL || now == NULL) {
		s = g_strdup("?");
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
	if (f & STORE_FLAG_TRASHED)
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

	ui_term_text_safe(y, 0, current ? ">" : " ", 1,
	    current ? ui->attrs[UI_A_CURSOR] : A_NORMAL);
	/*
	 * The columns go out as one run of one attribute: padding is
	 * drawn, not skipped, so the terminal gets one attribute change a
	 * row instead of one per column.
	 */
	when = m != NULL ? m->date : t->last_date;
	date = ui_index_date(ix, when);
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
	x = 1 + ui_term_text_safe(y, 1, row_text->str, COLS - 1, attr);
	g_string_free(row_text, TRUE);
	if (x >= COLS)
		return;
	if (tree != NULL && *tree != '\0') {
		w = ui_term_text_safe(y, x, tree, COLS - x,
		    ui->attrs[UI_A_TREE]);
		x += w;
	}
	if (t != NULL && t->count > 1)
		subject = g_strdup_printf("(%u) %s", t->count,
		    t->subject != NULL ? t->subject : "");
	if (x < COLS)
		ui_term_text(y, x, subject != NULL ? subject :
		    m != NULL ? m->subject : t->subject, COLS - x, attr);
	g_free(subject);
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
		gboolean was_expanded = ix->expanded;
		guint64 exp = ix->exp_pos;

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
		if (was_expanded && exp < ix->total && old_total == ix->total)
			ui_index_expand(ui, v, exp);
	} else {
		ui_index_drop_cache(ix);
		if (ix->expanded) {
			/* Refresh the expanded thread's flags. */
			guint64 exp = ix->exp_pos, cur = v->list.cursor;
			ui_index_expand(ui, v, exp);
			ui_list_goto(&v->list, cur);
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
	if (!ix->threads && ix->sort != STORE_SORT_DATE_DESC &&
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
	if (!ix->threads || !ix->expanded)
		ui_index_ensure(ui, ix, v->list.top, (guint64)v->list.rows);
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
int64_t
ui_index_step(struct ui *ui, struct ui_view *v, int dir, gboolean thread)
{
	struct ui_index		*ix = v->data;
	struct store_msg	*m;
	struct store_thread	*t;
	const char		*tree;
	guint64			 cur = v->list.cursor, pos;

	if (v->list.count == 0)
		return -1;
	if (!ix->threads || (thread && !ix->expanded)) {
		if ((dir > 0 && cur + 1 >= v->list.count) ||
		    (dir < 0 && cur == 0))
			return -1;
		ui_list_goto(&v->list, dir > 0 ? cur + 1 : cur - 1);
		if (ix->threads && ui_index_expand(ui, v, v->list.cursor))
			ui_list_goto(&v->list, ix->exp_pos);
		return ui_index_current_msg(ui, v);
	}
	/* Thread mode. */
	if (ix->expanded && cur >= ix->exp_pos &&
	    cur < ix->exp_pos + ix->exp_msgs->len && !thread) {
		if (dir > 0 && cur + 1 < ix->exp_pos + ix->exp_msgs->len) {
			ui_list_goto(&v->list, cur + 1);
			return ui_index_current_msg(ui, v);
		}
		if (dir < 0 && cur > ix->exp_pos) {
			ui_list_goto(&v->list, cur - 1);
			return ui_index_current_msg(ui, v);
		}
	}
	/* To the neighbouring thread, expanded. */
	pos = ix->expanded && cur >= ix->exp_pos + ix->exp_msgs->len ?
	    cur - ix->exp_msgs->len + 1 : ix->expanded && cur > ix->exp_pos ?
	    ix->exp_pos : cur;
	if ((dir > 0 && pos + 1 >= ix->total) || (dir < 0 && pos == 0))
		return -1;
	pos = dir > 0 ? pos + 1 : pos - 1;
	if (!ui_index_expand(ui, v, pos)) {
		ui_list_goto(&v->list, pos);
		return ui_index_current_msg(ui, v);
	}
	ui_list_goto(&v->list, dir < 0 && !thread ?
	    ix->exp_pos + ix->exp_msgs->len - 1 : ix->exp_pos);
	ui_index_row(ui, ix, v->list.cursor, &m, &t, &tree);
	return m != NULL ? m->id : -1;
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
	if (op == UI_OP_FLAG) {
		id = ui_index_current_msg(ui, v);
		if (id >= 0)
			g_array_append_val(ids, id);
	} else
		ui_index_flag_ids(ui, v, ids);
	if (ids->len == 0)
		goto out;
	bit = op == UI_OP_FLAG ? STORE_FLAG_FLAGGED :
	    op == UI_OP_DELETE ? STORE_FLAG_TRASHED : STORE_FLAG_SEEN;
	/* The first message decides: toggle it, and do the same to the rest. */
	if (store_msg_get(ui->store, g_array_index(ids, int64_t, 0), &m) !=
	    STORE_OK) {
		ui_error(ui, "%s", store_errmsg(ui->store));
		goto out;
	}
	if (m->flags & bit)
		clear = bit;
	else
		set = bit;
	store_msg_free(m);
	for (i = 0; i < ids->len; i++) {
		id = g_array_index(ids, int64_t, i);
		if (store_msg_set_flags(ui->store, id, set, clear) !=
		    STORE_OK) {
			ui_error(ui, "%s", store_errmsg(ui->store));
			break;
		}
	}
	if (op == UI_OP_DELETE)
		ui_message(ui, "%s", set != 0 ?
		    _("Marked deleted; purged when you leave the folder.") :
		    _("Undeleted."));
out:
	g_array_free(ids, TRUE);
	ui_index_recalc(ui, v);
}

static void
ui_index_move(struct ui *ui, struct ui_view *v)
{
	GArray			*ids;
	GPtrArray		*folders = NULL;
	struct store_folder	*f;
	char			*name = NULL, *hint;
	gboolean		 exists = FALSE;
	guint			 i, moved = 0;

	ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	ui_index_flag_ids(ui, v, ids);
	if (ids->len == 0)
		goto out;
	hint = g_strdup_printf(_("Move to folder: "));
	name = ui_prompt_line_kind(ui, hint, NULL, UI_PROMPT_FOLDER);
	g_free(hint);
	if (name == NULL || *g_strstrip(name) == '\0')
		goto out;
	if (store_folders(ui->store, &folders) == STORE_OK) {
		for (i = 0; i < folders->len; i++) {
			f = g_ptr_array_index(folders, i);
			if (strcmp(f->name, name) == 0)
				exists = TRUE;
		}
		g_ptr_array_unref(folders);
	}
	if (!exists) {
		char *q = g_strdup_printf(_("Create folder %s?"), name);
		gboolean yes = ui_prompt_yesno(ui, q, TRUE);
		g_free(q);
		if (!yes)
			goto out;
		if (store_folder_create(ui->store, name) != STORE_OK) {
			ui_error(ui, "%s", store_errmsg(ui->store));
			goto out;
		}
	}
	for (i = 0; i < ids->len; i++) {
		if (store_msg_move(ui->store, g_array_index(ids, int64_t, i),
		    name) != STORE_OK) {
			ui_error(ui, "%s", store_errmsg(ui->store));
			break;
		}
		moved++;
	}
	if (moved > 0)
		ui_message(ui, ngettext("Moved %u message to %s.",
		    "Moved %u messages to %s.", moved), moved, name);
	ui_index_reload(ui, v);
out:
	g_free(name);
	g_array_free(ids, TRUE);
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
	int		 c;

	if (ix->threads) {
		ui_error(ui, "%s", _("Threads are sorted by their newest "
		    "message."));
		return;
	}
	c = ui_prompt_choice(ui, _("Sort: (d)ate newest, (D)ate oldest, "
	    "(f)rom, (s)ubject, si(z)e?"), "dDfsz");
	switch (c) {
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
	ui_index_drop_cache(ix);
	ui_list_goto(&v->list, 0);
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
	struct ui_index	*ix = v->data;
	char		*q, *old;
	GError		*err = NULL;

	q = ui_prompt_line_kind(ui, search ? _("Search: ") : _("Limit to: "),
	    search ? NULL : ix->query, UI_PROMPT_QUERY);
	if (q == NULL)
		return;
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
			guint64 pos = v->list.cursor;
			if (ix->expanded && pos > ix->exp_pos)
				pos -= ix->exp_msgs->len - 1;
			if (!ui_index_expand(ui, v, pos))
				return TRUE;
			ui_list_goto(&v->list, ix->exp_pos);
			/* A thread of one opens at once; else show the tree. */
			if (ix->exp_msgs->len > 1)
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
		ui_index_collapse(v);
		ix->threads = !ix->threads;
		ix->stale = TRUE;
		v->list.cursor = v->list.top = 0;
		ui_index_recalc(ui, v);
		ui_message(ui, "%s", ix->threads ? _("Threads.") :
		    _("Messages."));
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
		ui_index_set_flags(ui, v, op);
		if (op == UI_OP_DELETE && ui_top(ui) == v)
			ui_list_move(&v->list, UI_OP_NEXT_ENTRY);
		return TRUE;
	case UI_OP_SAVE:
		ui_index_move(ui, v);
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
