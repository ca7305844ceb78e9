/*
 * store-thread.c: conversations. Every message carries a thread id
 * (assigned at indexing from References/In-Reply-To, see store-item.c);
 * thread_summary keeps one row per (folder, thread) and one per thread for
 * all folders (folder 0), so a page of threads is one indexed range read.
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "store/store-private.h"

#define STORE_THREAD_MAX_DEPTH	64

static enum store_status store_thread_fill(struct store *,
		    struct store_thread *);
static void	 store_thread_kids_free(gpointer);
static void	 store_thread_walk(GPtrArray *, GPtrArray *, GPtrArray *,
		    guint, gboolean *);
static struct store_thread *store_thread_from_row(sqlite3_stmt *);
static enum store_status store_threads_summary_page(struct store *,
		    int64_t, enum store_sort, guint64, guint, GPtrArray *);
static enum store_status store_threads_query_ids(struct store *,
		    const char *, const char *, enum store_sort, guint64,
		    guint, GArray *, GError **);
static enum store_status store_threads_summaries(struct store *, int64_t,
		    GArray *, GPtrArray *);

void
store_thread_free(struct store_thread *t)
{
	if (t == NULL)
		return;
	g_free(t->subject);
	g_free(t->authors);
	g_free(t);
}

/* Subject (of the oldest message) and authors of a thread. */
static enum store_status
store_thread_fill(struct store *st, struct store_thread *t)
{
	static const char subj[] =
	    "SELECT subject FROM messages WHERE thread_id = ?"
	    " ORDER BY date, id LIMIT 1";
	static const char auth[] =
	    "SELECT coalesce(from_name, from_addr) FROM messages"
	    " WHERE thread_id = ? ORDER BY date, id LIMIT 100";
	sqlite3_stmt	*stmt;
	GString		*a;
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	int		 rc;

	if ((stmt = store_stmt(st, subj)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, t->id);
	if (sqlite3_step(stmt) == SQLITE_ROW &&
	    sqlite3_column_text(stmt, 0) != NULL)
		t->subject = g_strdup((const char *)sqlite3_column_text(stmt,
		    0));
	sqlite3_reset(stmt);
	if (t->subject == NULL)
		t->subject = g_strdup("");
	if ((stmt = store_stmt(st, auth)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, t->id);
	a = g_string_new(NULL);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(stmt, 0);

		if (name == NULL || *name == '\0' ||
		    g_hash_table_contains(seen, name))
			continue;
		g_hash_table_add(seen, g_strdup(name));
		if (a->len > 0)
			g_string_append(a, ", ");
		g_string_append(a, name);
	}
	sqlite3_reset(stmt);
	t->authors = g_string_free(a, FALSE);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, "thread authors");
	return STORE_OK;
}

enum store_status
store_threads_page(struct store *st, const char *folder, const char *query,
    guint64 offset, guint limit, GPtrArray **out, GError **err)
{
	return store_threads_page_sorted(st, folder, query,
	    STORE_SORT_DATE_DESC, offset, limit, out, err);
}

/*
 * How threads are ordered: by their newest message (either way), or by
 * their oldest message's sender or subject in this folder (and query), or
 * by their size there. t is the thread's id column, w what else a message
 * of it must satisfy.
 */
static char *
store_threads_order(enum store_sort sort, const char *t, const char *w,
    const char *last)
{
	switch (sort) {
	case STORE_SORT_DATE_ASC:
		return g_strdup_printf("%s ASC, %s ASC", last, t);
	case STORE_SORT_FROM:
	case STORE_SORT_SUBJECT:
		return g_strdup_printf("(SELECT %s FROM messages o"
		    " WHERE o.thread_id = %s AND %s ORDER BY o.date, o.id"
		    " LIMIT 1), %s DESC, %s DESC", sort == STORE_SORT_FROM ?
		    "o.from_name COLLATE NOCASE" : "o.subject_base", t, w,
		    last, t);
	case STORE_SORT_SIZE:
		return g_strdup_printf("(SELECT sum(o.size) FROM messages o"
		    " WHERE o.thread_id = %s AND %s) DESC, %s DESC, %s DESC",
		    t, w, last, t);
	case STORE_SORT_DATE_DESC:
	default:
		return g_strdup_printf("%s DESC, %s DESC", last, t);
	}
}

enum store_status
store_threads_page_sorted(struct store *st, const char *folder,
    const char *query, enum store_sort sort, guint64 offset, guint limit,
    GPtrArray **out, GError **err)
{
	enum store_status	 s;
	GPtrArray		*a;
	g_autoptr(GArray)	 tids = g_array_new(FALSE, FALSE,
	    sizeof(int64_t));
	int64_t			 fid = 0;
	guint			 i;

	*out = NULL;
	if (folder != NULL && (s = store_folder_id(st, folder, FALSE, &fid)) !=
	    STORE_OK)
		return s;
	a = g_ptr_array_new_with_free_func((GDestroyNotify)store_thread_free);
	if (query == NULL || *query == '\0')
		s = store_threads_summary_page(st, fid, sort, offset, limit, a);
	else if ((s = store_threads_query_ids(st, query, folder, sort, offset,
	    limit, tids, err)) == STORE_OK)
		s = store_threads_summaries(st, fid, tids, a);
	for (i = 0; s == STORE_OK && i < a->len; i++)
		s = store_thread_fill(st, a->pdata[i]);
	if (s != STORE_OK) {
		g_ptr_array_unref(a);
		return s;
	}
	*out = a;
	return STORE_OK;
}

/* A thread from a row of thread_summary (the columns of the selects). */
static struct store_thread *
store_thread_from_row(sqlite3_stmt *stmt)
{
	struct store_thread *t = g_new0(struct store_thread, 1);

	t->id = sqlite3_column_int64(stmt, 0);
	t->last_date = sqlite3_column_int64(stmt, 1);
	t->count = (guint)sqlite3_column_int(stmt, 2);
	t->unread = (guint)sqlite3_column_int(stmt, 3);
	t->flags = (unsigned)sqlite3_column_int(stmt, 4);
	t->newest_msg_id = sqlite3_column_int64(stmt, 5);
	return t;
}

/* Without a query: a page of the folder's thread summaries, in order. */
static enum store_status
store_threads_summary_page(struct store *st, int64_t fid,
    enum store_sort sort, guint64 offset, guint limit, GPtrArray *a)
{
	g_autofree char *order = store_threads_order(sort,
	    "thread_summary.thread_id",
	    "o.folder_id = thread_summary.folder_id", "last_date");
	/* The usual order's statement is kept; the others are made each time. */
	static const char newest[] =
	    "SELECT thread_id, last_date, count, unread, flags, newest_msg_id"
	    " FROM thread_summary WHERE folder_id = ?"
	    " ORDER BY last_date DESC, thread_id DESC LIMIT ? OFFSET ?";
	g_autofree char *plain = g_strdup_printf(
	    "SELECT thread_id, last_date, count, unread, flags, newest_msg_id"
	    " FROM thread_summary WHERE folder_id = ?"
	    " ORDER BY %s LIMIT ? OFFSET ?", order);
	gboolean	 own = sort != STORE_SORT_DATE_DESC;
	sqlite3_stmt	*stmt = NULL;
	int		 rc;

	if (!own && (stmt = store_stmt(st, newest)) == NULL)
		return STORE_ERR_DB;
	if (own && (rc = sqlite3_prepare_v2(st->db, plain, -1, &stmt,
	    NULL)) != SQLITE_OK)
		return store_sql_error(st, rc, "threads");
	sqlite3_bind_int64(stmt, 1, fid);
	sqlite3_bind_int64(stmt, 2, limit);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)offset);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		g_ptr_array_add(a, store_thread_from_row(stmt));
	if (own)
		sqlite3_finalize(stmt);
	else
		sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, "threads");
	return STORE_OK;
}

/*
 * With a query: a page of the ids of the threads holding a message it
 * matches, ordered by the newest (or oldest, or size) among those it keeps.
 */
static enum store_status
store_threads_query_ids(struct store *st, const char *query,
    const char *folder, enum store_sort sort, guint64 offset, guint limit,
    GArray *tids, GError **err)
{
	g_autofree char		*sql = NULL, *qorder = NULL;
	struct store_query	*q = NULL;
	enum store_status	 s;
	sqlite3_stmt		*stmt = NULL;
	int			 rc, i;

	if ((s = store_query_new(st, query, folder, &q, err)) != STORE_OK) {
		store_query_free(q);
		return s;
	}
	/* The oldest message or the size among those the query keeps. */
	qorder = store_threads_order(sort, "m.thread_id", folder != NULL ?
	    "o.folder_id = m.folder_id" : "1", "d");
	sql = g_strdup_printf("SELECT m.thread_id, max(m.date) AS d"
	    " FROM messages m WHERE %s GROUP BY m.thread_id"
	    " ORDER BY %s LIMIT ? OFFSET ?", q->where->str, qorder);
	rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		store_query_free(q);
		return store_sql_error(st, rc, "threads");
	}
	i = store_query_bind(q, stmt, 1);
	sqlite3_bind_int64(stmt, i, limit);
	sqlite3_bind_int64(stmt, i + 1, (sqlite3_int64)offset);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t tid = sqlite3_column_int64(stmt, 0);

		g_array_append_val(tids, tid);
	}
	sqlite3_finalize(stmt);
	store_query_free(q);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, "threads");
	return STORE_OK;
}

/* The summaries in folder fid of the threads tids, in their order. */
static enum store_status
store_threads_summaries(struct store *st, int64_t fid, GArray *tids,
    GPtrArray *a)
{
	static const char one[] =
	    "SELECT thread_id, last_date, count, unread, flags, newest_msg_id"
	    " FROM thread_summary WHERE folder_id = ? AND thread_id = ?";
	sqlite3_stmt	*stmt;
	guint		 i;

	for (i = 0; i < tids->len; i++) {
		if ((stmt = store_stmt(st, one)) == NULL)
			return STORE_ERR_DB;
		sqlite3_bind_int64(stmt, 1, fid);
		sqlite3_bind_int64(stmt, 2, g_array_index(tids, int64_t, i));
		if (sqlite3_step(stmt) == SQLITE_ROW)
			g_ptr_array_add(a, store_thread_from_row(stmt));
		sqlite3_reset(stmt);
	}
	return STORE_OK;
}

enum store_status
store_thread_messages_in(struct store *st, int64_t thread_id,
    const char *folder, const char *query, GPtrArray **out, GError **err)
{
	g_autofree char		*sql = NULL;
	struct store_query	*q = NULL;
	enum store_status	 s;
	sqlite3_stmt		*stmt = NULL;
	GPtrArray		*a;
	int			 rc;

	*out = NULL;
	if ((s = store_query_new(st, query, folder, &q, err)) != STORE_OK)
		return s;
	sql = g_strdup_printf("SELECT %s FROM messages m JOIN folders f"
	    " ON f.id = m.folder_id WHERE m.thread_id = ? AND (%s)"
	    " ORDER BY m.date, m.id", store_msg_columns, q->where->str);
	rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		store_query_free(q);
		return store_sql_error(st, rc, "thread");
	}
	sqlite3_bind_int64(stmt, 1, thread_id);
	store_query_bind(q, stmt, 2);
	a = g_ptr_array_new_with_free_func((GDestroyNotify)store_msg_free);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		g_ptr_array_add(a, store_msg_from_row(st, stmt));
	sqlite3_finalize(stmt);
	store_query_free(q);
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(a);
		return store_sql_error(st, rc, "thread");
	}
	*out = a;
	return STORE_OK;
}

enum store_status
store_threads_count(struct store *st, const char *folder, const char *query,
    guint64 *count, GError **err)
{
	static const char plain[] =
	    "SELECT count(*) FROM thread_summary WHERE folder_id = ?";
	struct store_query	*q = NULL;
	enum store_status	 s;
	sqlite3_stmt		*stmt;
	g_autofree char		*sql = NULL;
	int64_t			 fid = 0;
	int			 rc;

	*count = 0;
	if (folder != NULL && (s = store_folder_id(st, folder, FALSE, &fid)) !=
	    STORE_OK)
		return s;
	if (query == NULL || *query == '\0') {
		if ((stmt = store_stmt(st, plain)) == NULL)
			return STORE_ERR_DB;
		sqlite3_bind_int64(stmt, 1, fid);
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW)
			*count = (guint64)sqlite3_column_int64(stmt, 0);
		sqlite3_reset(stmt);
		return rc == SQLITE_ROW ? STORE_OK : store_sql_error(st, rc,
		    "threads");
	}
	if ((s = store_query_new(st, query, folder, &q, err)) != STORE_OK)
		return s;
	sql = g_strdup_printf("SELECT count(DISTINCT m.thread_id) FROM"
	    " messages m WHERE %s", q->where->str);
	rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		store_query_free(q);
		return store_sql_error(st, rc, "threads");
	}
	store_query_bind(q, stmt, 1);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*count = (guint64)sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	store_query_free(q);
	return rc == SQLITE_ROW ? STORE_OK : store_sql_error(st, rc,
	    "threads");
}

static void
store_thread_kids_free(gpointer p)
{
	if (p != NULL)
		g_array_unref(p);
}

/*
 * Depth-first: node i, then its children (already in date order). With
 * an explicit stack, not recursion: a thread is as deep as a stranger's
 * References chain makes it.
 */
struct store_thread_frame {
	guint	node;
	int	depth;
};

static void
store_thread_walk(GPtrArray *msgs, GPtrArray *kids, GPtrArray *out, guint i,
    gboolean *done)
{
	g_autoptr(GArray)	stack = g_array_new(FALSE, FALSE,
	    sizeof(struct store_thread_frame));
	struct store_thread_frame f = { i, 0 };

	g_array_append_val(stack, f);
	while (stack->len > 0) {
		struct store_msg	*m;
		GArray			*k;
		guint			 j;

		f = g_array_index(stack, struct store_thread_frame,
		    stack->len - 1);
		g_array_set_size(stack, stack->len - 1);
		if (done[f.node])
			continue;
		done[f.node] = TRUE;
		m = msgs->pdata[f.node];
		m->depth = MIN(f.depth, STORE_THREAD_MAX_DEPTH);
		g_ptr_array_add(out, m);
		k = kids->pdata[f.node];
		/* Pushed last first, so that they come off in order. */
		for (j = k != NULL ? k->len : 0; j > 0; j--) {
			struct store_thread_frame c = {
				g_array_index(k, guint, j - 1), f.depth + 1
			};

			if (!done[c.node])
				g_array_append_val(stack, c);
		}
	}
}

enum store_status
store_thread_messages(struct store *st, int64_t thread_id, GPtrArray **out)
{
	g_autofree char		*sql = NULL;
	g_autoptr(GHashTable)	 byid = g_hash_table_new(g_str_hash,
	    g_str_equal);
	g_autofree int		*parent = NULL;
	g_autofree gboolean	*done = NULL;
	GPtrArray		*msgs, *kids, *res;
	sqlite3_stmt		*stmt = NULL;
	guint			 i;
	int			 rc;

	*out = NULL;
	sql = g_strdup_printf("SELECT %s FROM messages m JOIN folders f"
	    " ON f.id = m.folder_id WHERE m.thread_id = ?"
	    " ORDER BY m.date, m.id", store_msg_columns);
	rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sql_error(st, rc, "thread");
	sqlite3_bind_int64(stmt, 1, thread_id);
	msgs = g_ptr_array_new();
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		g_ptr_array_add(msgs, store_msg_from_row(st, stmt));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		g_ptr_array_set_free_func(msgs, (GDestroyNotify)store_msg_free);
		g_ptr_array_unref(msgs);
		return store_sql_error(st, rc, "thread");
	}
	for (i = 0; i < msgs->len; i++) {
		struct store_msg *m = msgs->pdata[i];

		if (m->message_id != NULL &&
		    !g_hash_table_contains(byid, m->message_id))
			g_hash_table_insert(byid, m->message_id,
			    GUINT_TO_POINTER(i + 1));
	}
	/* Parent: In-Reply-To, else the last reference we hold. */
	parent = g_new(int, msgs->len + 1);
	kids = g_ptr_array_new_with_free_func(store_thread_kids_free);
	g_ptr_array_set_size(kids, (gint)msgs->len);
	for (i = 0; i < msgs->len; i++) {
		struct store_msg *m = msgs->pdata[i];
		guint p = 0;

		if (m->in_reply_to != NULL)
			p = GPOINTER_TO_UINT(g_hash_table_lookup(byid,
			    m->in_reply_to));
		if (p == 0 && m->references != NULL) {
			char **v = g_strsplit(m->references, " ", 0);
			int j = (int)g_strv_length(v);

			while (p == 0 && --j >= 0)
				p = GPOINTER_TO_UINT(g_hash_table_lookup(byid,
				    v[j]));
			g_strfreev(v);
		}
		parent[i] = p == 0 || p - 1 == i ? -1 : (int)p - 1;
		if (parent[i] >= 0) {
			GArray *k = kids->pdata[parent[i]];

			if (k == NULL) {
				k = g_array_new(FALSE, FALSE, sizeof(guint));
				kids->pdata[parent[i]] = k;
			}
			g_array_append_val(k, i);
		}
	}
	done = g_new0(gboolean, msgs->len + 1);
	res = g_ptr_array_new_full(msgs->len, (GDestroyNotify)store_msg_free);
	for (i = 0; i < msgs->len; i++)
		if (parent[i] < 0)
			store_thread_walk(msgs, kids, res, i, done);
	/* Messages caught in a reference loop: show them as roots. */
	for (i = 0; i < msgs->len; i++)
		if (!done[i])
			store_thread_walk(msgs, kids, res, i, done);
	g_ptr_array_unref(kids);
	g_ptr_array_unref(msgs);
	*out = res;
	return STORE_OK;
}
