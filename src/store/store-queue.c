/*
 * store-queue.c: the outbox queue table (layer store): rows in and out,
 * states to and from their column values. The table is made and migrated
 * with the rest of the schema (store.c); the policy is smtp/outbox-*.c.
 */
#include "satchel-config.h"

#include <inttypes.h>
#include <string.h>

#include "util/util.h"
#include "store/store-private.h"
#include "store/store-queue.h"

#define QUEUE_COLUMNS \
	"id, msg_id, account, sender, recipients, message_id, envid," \
	" subject, state, attempts, created, next_try, last_try, sent_at," \
	" last_error, refused, bounce, fail_kind"

static struct store_queue_row *store_queue_row_from_stmt(sqlite3_stmt *);
static void	 store_queue_bind_text(sqlite3_stmt *, int, const char *);
static char	*store_queue_column_text(sqlite3_stmt *, int);
static enum store_status store_queue_step_done(struct store *, sqlite3_stmt *,
		    const char *);
static enum store_status store_queue_get_where(struct store *, const char *,
		    int64_t, struct store_queue_row **);
static enum store_status store_queue_ids(struct store *, const char *,
		    const char *, GArray **);
static enum store_status store_queue_update_where(struct store *,
		    const struct store_queue_row *, const char *);

/* The column values, in enum store_queue_state's order. */
static const char *const store_queue_states[] = {
	"queued", "sending", "sent", "failed", "held"
};

const char *
store_queue_state_name(enum store_queue_state state)
{
	if ((size_t)state >= G_N_ELEMENTS(store_queue_states))
		return store_queue_states[STORE_QUEUE_QUEUED];
	return store_queue_states[state];
}

enum store_queue_state
store_queue_state_parse(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < G_N_ELEMENTS(store_queue_states); i++)
		if (strcmp(name, store_queue_states[i]) == 0)
			return (enum store_queue_state)i;
	return STORE_QUEUE_QUEUED;
}

const char *
store_queue_wait_name(enum store_queue_wait wait)
{
	switch (wait) {
	case STORE_QUEUE_WAIT_SERVER:
		return "server";
	case STORE_QUEUE_WAIT_NETWORK:
		return "network";
	case STORE_QUEUE_WAIT_NONE:
		break;
	}
	return NULL;
}

enum store_queue_wait
store_queue_wait_parse(const char *name)
{
	if (g_strcmp0(name, "network") == 0)
		return STORE_QUEUE_WAIT_NETWORK;
	if (g_strcmp0(name, "server") == 0)
		return STORE_QUEUE_WAIT_SERVER;
	return STORE_QUEUE_WAIT_NONE;
}

void
store_queue_row_clear(struct store_queue_row *r)
{
	g_free(r->account);
	g_free(r->from);
	if (r->recipients != NULL)
		g_ptr_array_unref(r->recipients);
	g_free(r->message_id);
	g_free(r->envid);
	g_free(r->subject);
	g_free(r->last_error);
	g_free(r->refused);
	g_free(r->bounce);
	memset(r, 0, sizeof *r);
}

void
store_queue_row_free(struct store_queue_row *r)
{
	if (r == NULL)
		return;
	store_queue_row_clear(r);
	g_free(r);
}

void
store_queue_dsn_free(struct store_queue_dsn *d)
{
	if (d == NULL)
		return;
	g_free(d->original_message_id);
	g_free(d->envid);
	g_free(d->action);
	g_free(d->status);
	g_free(d->diagnostic);
	g_free(d->recipient);
	g_free(d);
}

static void
store_queue_bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, i);
}

static char *
store_queue_column_text(sqlite3_stmt *stmt, int i)
{
	const unsigned char *t = sqlite3_column_text(stmt, i);

	return t != NULL ? g_strdup((const char *)t) : NULL;
}

static enum store_status
store_queue_step_done(struct store *st, sqlite3_stmt *stmt, const char *what)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, what);
	/*
	 * Every queue change is durable when it returns (or when the batch
	 * it joined commits), a power cut included: above all "sending",
	 * written before the message goes out, so that a message the server
	 * may have is never taken for unsent and sent again.
	 */
	return store_sync(st);
}

static struct store_queue_row *
store_queue_row_from_stmt(sqlite3_stmt *stmt)
{
	struct store_queue_row	*r;
	g_autofree char		*rcpts = NULL;
	g_auto(GStrv)		 v = NULL;
	guint			 i;

	r = g_new0(struct store_queue_row, 1);
	r->id = sqlite3_column_int64(stmt, 0);
	r->msg_id = sqlite3_column_int64(stmt, 1);
	r->account = store_queue_column_text(stmt, 2);
	r->from = store_queue_column_text(stmt, 3);
	rcpts = store_queue_column_text(stmt, 4);
	r->recipients = g_ptr_array_new_with_free_func(g_free);
	v = g_strsplit(rcpts != NULL ? rcpts : "", "\n", -1);
	for (i = 0; v[i] != NULL; i++)
		if (*v[i] != '\0')
			g_ptr_array_add(r->recipients, g_strdup(v[i]));
	r->message_id = store_queue_column_text(stmt, 5);
	r->envid = store_queue_column_text(stmt, 6);
	r->subject = store_queue_column_text(stmt, 7);
	{
		g_autofree char *state = store_queue_column_text(stmt, 8);

		r->state = store_queue_state_parse(state);
	}
	r->attempts = (guint)sqlite3_column_int64(stmt, 9);
	r->created = sqlite3_column_int64(stmt, 10);
	r->next_try = sqlite3_column_int64(stmt, 11);
	r->last_try = sqlite3_column_int64(stmt, 12);
	r->sent_at = sqlite3_column_int64(stmt, 13);
	r->last_error = store_queue_column_text(stmt, 14);
	r->refused = store_queue_column_text(stmt, 15);
	r->bounce = store_queue_column_text(stmt, 16);
	{
		g_autofree char *kind = store_queue_column_text(stmt, 17);

		r->wait = store_queue_wait_parse(kind);
	}
	return r;
}

enum store_status
store_queue_insert(struct store *st, const struct store_queue_row *r,
    int64_t *id_out)
{
	static const char sql[] = "INSERT INTO queue(msg_id, account, sender,"
	    " recipients, message_id, envid, subject, state, attempts, created,"
	    " next_try, last_try, sent_at, last_error, refused, bounce,"
	    " fail_kind) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
	    " ?12, ?13, ?14, ?15, ?16, ?17)";
	sqlite3_stmt		*stmt;
	enum store_status	 s;
	GString			*rcpts;
	guint			 i;

	if (r->account == NULL || r->from == NULL)
		return store_set_error(st, STORE_ERR_INVALID,
		    "queue row without account or sender");
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	rcpts = g_string_new(NULL);
	for (i = 0; r->recipients != NULL && i < r->recipients->len; i++) {
		if (i > 0)
			g_string_append_c(rcpts, '\n');
		g_string_append(rcpts, g_ptr_array_index(r->recipients, i));
	}
	sqlite3_bind_int64(stmt, 1, r->msg_id);
	store_queue_bind_text(stmt, 2, r->account);
	store_queue_bind_text(stmt, 3, r->from);
	store_queue_bind_text(stmt, 4, rcpts->str);
	store_queue_bind_text(stmt, 5, r->message_id);
	store_queue_bind_text(stmt, 6, r->envid);
	store_queue_bind_text(stmt, 7, r->subject);
	store_queue_bind_text(stmt, 8, store_queue_state_name(r->state));
	sqlite3_bind_int64(stmt, 9, r->attempts);
	sqlite3_bind_int64(stmt, 10, r->created);
	sqlite3_bind_int64(stmt, 11, r->next_try);
	sqlite3_bind_int64(stmt, 12, r->last_try);
	sqlite3_bind_int64(stmt, 13, r->sent_at);
	store_queue_bind_text(stmt, 14, r->last_error);
	store_queue_bind_text(stmt, 15, r->refused);
	store_queue_bind_text(stmt, 16, r->bounce);
	store_queue_bind_text(stmt, 17, store_queue_wait_name(r->wait));
	g_string_free(rcpts, TRUE);
	if ((s = store_queue_step_done(st, stmt, "queue insert")) != STORE_OK)
		return s;
	if (id_out != NULL)
		*id_out = sqlite3_last_insert_rowid(store_db(st));
	return STORE_OK;
}

static enum store_status
store_queue_get_where(struct store *st, const char *sql, int64_t key,
    struct store_queue_row **out)
{
	sqlite3_stmt		*stmt;
	int			 rc;

	*out = NULL;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, key);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*out = store_queue_row_from_stmt(stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE)
		return store_set_error(st, STORE_ERR_NOTFOUND,
		    _("no queue entry %" PRId64), key);
	return store_sql_error(st, rc, "queue get");
}

enum store_status
store_queue_get(struct store *st, int64_t id, struct store_queue_row **out)
{
	return store_queue_get_where(st, "SELECT " QUEUE_COLUMNS
	    " FROM queue WHERE id = ?", id, out);
}

enum store_status
store_queue_get_by_msg(struct store *st, int64_t msg_id,
    struct store_queue_row **out)
{
	return store_queue_get_where(st, "SELECT " QUEUE_COLUMNS
	    " FROM queue WHERE msg_id = ? ORDER BY id DESC LIMIT 1", msg_id,
	    out);
}

enum store_status
store_queue_list(struct store *st, unsigned flags, int64_t now, GPtrArray **out)
{
	static const char all[] = "SELECT " QUEUE_COLUMNS
	    " FROM queue ORDER BY id";
	static const char unsent[] = "SELECT " QUEUE_COLUMNS
	    " FROM queue WHERE state <> 'sent' ORDER BY id";
	static const char queued[] = "SELECT " QUEUE_COLUMNS
	    " FROM queue WHERE state = 'queued' ORDER BY id";
	static const char due[] = "SELECT " QUEUE_COLUMNS
	    " FROM queue WHERE state = 'queued' AND next_try <= ?"
	    " ORDER BY id";
	static const char due_net[] = "SELECT " QUEUE_COLUMNS
	    " FROM queue WHERE state = 'queued' AND (next_try <= ?"
	    " OR fail_kind = 'network') ORDER BY id";
	sqlite3_stmt		*stmt;
	const char		*sql;
	int			 rc;

	*out = NULL;
	if ((flags & STORE_QUEUE_LIST_DUE) &&
	    (flags & STORE_QUEUE_LIST_NETWORK))
		sql = due_net;
	else if (flags & STORE_QUEUE_LIST_DUE)
		sql = due;
	else if (flags & STORE_QUEUE_LIST_QUEUED)
		sql = queued;
	else if (flags & STORE_QUEUE_LIST_SENT)
		sql = all;
	else
		sql = unsent;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	if (sql == due || sql == due_net)
		sqlite3_bind_int64(stmt, 1, now);
	*out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)store_queue_row_free);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		g_ptr_array_add(*out, store_queue_row_from_stmt(stmt));
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		g_clear_pointer(out, g_ptr_array_unref);
		return store_sql_error(st, rc, "queue list");
	}
	return STORE_OK;
}

enum store_status
store_queue_count(struct store *st, enum store_queue_state state,
    guint *count)
{
	static const char sql[] = "SELECT count(*) FROM queue WHERE state = ?";
	sqlite3_stmt		*stmt;
	int			 rc;

	*count = 0;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	store_queue_bind_text(stmt, 1, store_queue_state_name(state));
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*count = (guint)sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_sql_error(st, rc, "queue count");
	return STORE_OK;
}

enum store_status
store_queue_next_try(struct store *st, int64_t *next, gboolean *found)
{
	static const char sql[] =
	    "SELECT min(next_try) FROM queue WHERE state = 'queued'";
	sqlite3_stmt		*stmt;
	int			 rc;

	*found = FALSE;
	*next = 0;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
		*found = TRUE;
		*next = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_sql_error(st, rc, "queue next");
	return STORE_OK;
}

enum store_status
store_queue_stamp(struct store *st, int64_t *max_id, guint *ready)
{
	static const char sql[] = "SELECT (SELECT max(id) FROM queue),"
	    " (SELECT count(*) FROM queue WHERE state = 'queued' AND"
	    " next_try <= 0)";
	sqlite3_stmt		*stmt;
	int			 rc;

	*max_id = 0;
	*ready = 0;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*max_id = sqlite3_column_int64(stmt, 0);
		*ready = (guint)sqlite3_column_int64(stmt, 1);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_sql_error(st, rc, "queue stamp");
	return STORE_OK;
}

enum store_status
store_queue_update(struct store *st, const struct store_queue_row *r)
{
	return store_queue_update_where(st, r, NULL);
}

enum store_status
store_queue_update_if(struct store *st, const struct store_queue_row *r,
    enum store_queue_state expect)
{
	return store_queue_update_where(st, r, store_queue_state_name(expect));
}

/* store_queue_update, while the state is expect_state (NULL: any). */
static enum store_status
store_queue_update_where(struct store *st, const struct store_queue_row *r,
    const char *expect_state)
{
	static const char sql[] = "UPDATE queue SET state = ?1, msg_id = ?2,"
	    " attempts = ?3, next_try = ?4, last_try = ?5, sent_at = ?6,"
	    " last_error = ?7, refused = ?8, bounce = ?9, fail_kind = ?12"
	    " WHERE id = ?10 AND (?11 IS NULL OR state = ?11)";
	sqlite3_stmt		*stmt;
	enum store_status	 s;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	store_queue_bind_text(stmt, 1, store_queue_state_name(r->state));
	sqlite3_bind_int64(stmt, 2, r->msg_id);
	sqlite3_bind_int64(stmt, 3, r->attempts);
	sqlite3_bind_int64(stmt, 4, r->next_try);
	sqlite3_bind_int64(stmt, 5, r->last_try);
	sqlite3_bind_int64(stmt, 6, r->sent_at);
	store_queue_bind_text(stmt, 7, r->last_error);
	store_queue_bind_text(stmt, 8, r->refused);
	store_queue_bind_text(stmt, 9, r->bounce);
	sqlite3_bind_int64(stmt, 10, r->id);
	store_queue_bind_text(stmt, 11, expect_state);
	store_queue_bind_text(stmt, 12, store_queue_wait_name(r->wait));
	if ((s = store_queue_step_done(st, stmt, "queue update")) != STORE_OK)
		return s;
	if (sqlite3_changes(store_db(st)) == 0)
		return store_set_error(st, STORE_ERR_NOTFOUND,
		    _("queue entry %" PRId64 " changed meanwhile"),
		    r->id);
	return STORE_OK;
}

enum store_status
store_queue_delete(struct store *st, int64_t id)
{
	static const char sql[] = "DELETE FROM queue WHERE id = ?";
	sqlite3_stmt		*stmt;
	enum store_status	 s;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, id);
	if ((s = store_queue_step_done(st, stmt, "queue delete")) != STORE_OK)
		return s;
	if (sqlite3_changes(store_db(st)) == 0)
		return store_set_error(st, STORE_ERR_NOTFOUND,
		    _("no queue entry %" PRId64), id);
	return STORE_OK;
}

/* The newest entry of queue_find_all's answer. */
enum store_status
store_queue_find_sent(struct store *st, const char *envid,
    const char *message_id, struct store_queue_row **out)
{
	GPtrArray		*all;
	enum store_status	 s;

	*out = NULL;
	s = store_queue_find_all(st, envid, message_id, &all);
	if (s == STORE_OK && all->len == 0)
		s = STORE_ERR_NOTFOUND;
	if (s == STORE_OK)
		*out = g_ptr_array_steal_index(all, 0);
	g_ptr_array_unref(all);
	return s;
}

enum store_status
store_queue_find_all(struct store *st, const char *envid,
    const char *message_id, GPtrArray **out)
{
	static const char by_envid[] = "SELECT " QUEUE_COLUMNS
	    " FROM queue WHERE envid = ? ORDER BY id DESC LIMIT 1000";
	static const char by_msgid[] = "SELECT " QUEUE_COLUMNS
	    " FROM queue WHERE message_id = ? ORDER BY id DESC LIMIT 1000";
	const char		*keys[2] = { envid, message_id };
	const char		*sqls[2] = { by_envid, by_msgid };
	sqlite3_stmt		*stmt;
	int			 i, rc;

	*out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)store_queue_row_free);
	for (i = 0; i < 2 && (*out)->len == 0; i++) {
		if (keys[i] == NULL || *keys[i] == '\0')
			continue;
		if ((stmt = store_stmt(st, sqls[i])) == NULL)
			return STORE_ERR_DB;
		store_queue_bind_text(stmt, 1, keys[i]);
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
			g_ptr_array_add(*out, store_queue_row_from_stmt(stmt));
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE)
			return store_sql_error(st, rc, "queue find");
	}
	return STORE_OK;
}

enum store_status
store_queue_dsn_since(struct store *st, int64_t after, GPtrArray **out,
    int64_t *last)
{
	static const char sql[] = "SELECT id, dsn_original_message_id,"
	    " dsn_envid, dsn_action, dsn_status, dsn_diagnostic, dsn_recipient"
	    " FROM messages WHERE id > ?1 AND id <= ?2 AND"
	    " (dsn_original_message_id IS NOT NULL OR dsn_envid IS NOT NULL)"
	    " ORDER BY id";
	static const char maxid[] = "SELECT max(id) FROM messages";
	sqlite3_stmt		*stmt;
	struct store_queue_dsn	*d;
	int64_t			 top = after;
	int			 rc;

	*out = NULL;
	*last = after;
	/* The watermark first: rows added meanwhile wait for the next call. */
	if ((stmt = store_stmt(st, maxid)) == NULL)
		return STORE_ERR_DB;
	if (sqlite3_step(stmt) == SQLITE_ROW &&
	    sqlite3_column_type(stmt, 0) != SQLITE_NULL)
		top = MAX(after, sqlite3_column_int64(stmt, 0));
	sqlite3_reset(stmt);
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, after);
	sqlite3_bind_int64(stmt, 2, top);
	*out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)store_queue_dsn_free);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		d = g_new0(struct store_queue_dsn, 1);
		d->msg_id = sqlite3_column_int64(stmt, 0);
		d->original_message_id = store_queue_column_text(stmt, 1);
		d->envid = store_queue_column_text(stmt, 2);
		d->action = store_queue_column_text(stmt, 3);
		d->status = store_queue_column_text(stmt, 4);
		d->diagnostic = store_queue_column_text(stmt, 5);
		d->recipient = store_queue_column_text(stmt, 6);
		g_ptr_array_add(*out, d);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		g_clear_pointer(out, g_ptr_array_unref);
		return store_sql_error(st, rc, "dsn list");
	}
	*last = top;
	return STORE_OK;
}

enum store_status
store_queue_mark_get(struct store *st, const char *key, int64_t *value)
{
	static const char sql[] = "SELECT value FROM queue_marks WHERE key = ?";
	sqlite3_stmt		*stmt;
	int			 rc;

	*value = 0;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	store_queue_bind_text(stmt, 1, key);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sql_error(st, rc, "queue mark");
	return STORE_OK;
}

enum store_status
store_queue_mark_set(struct store *st, const char *key, int64_t value)
{
	static const char sql[] =
	    "INSERT OR REPLACE INTO queue_marks(key, value) VALUES(?, ?)";
	sqlite3_stmt		*stmt;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	store_queue_bind_text(stmt, 1, key);
	sqlite3_bind_int64(stmt, 2, value);
	return store_queue_step_done(st, stmt, "queue mark");
}

static enum store_status
store_queue_ids(struct store *st, const char *sql, const char *folder,
    GArray **out)
{
	sqlite3_stmt		*stmt;
	int64_t			 id;
	int			 rc;

	*out = NULL;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	store_queue_bind_text(stmt, 1, folder);
	*out = g_array_new(FALSE, FALSE, sizeof(int64_t));
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		id = sqlite3_column_int64(stmt, 0);
		g_array_append_val(*out, id);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		g_clear_pointer(out, g_array_unref);
		return store_sql_error(st, rc, "queue ids");
	}
	return STORE_OK;
}

enum store_status
store_queue_orphans(struct store *st, const char *folder, GArray **out)
{
	return store_queue_ids(st, "SELECT m.id FROM messages m"
	    " JOIN folders f ON f.id = m.folder_id WHERE f.name = ?"
	    " AND NOT EXISTS (SELECT 1 FROM queue q WHERE q.msg_id = m.id)"
	    " ORDER BY m.id", folder, out);
}

enum store_status
store_queue_sent_in(struct store *st, const char *folder, GArray **out)
{
	return store_queue_ids(st, "SELECT m.id FROM queue q"
	    " JOIN messages m ON m.id = q.msg_id"
	    " JOIN folders f ON f.id = m.folder_id"
	    " WHERE q.state = 'sent' AND f.name = ? ORDER BY m.id", folder,
	    out);
}
