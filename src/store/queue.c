/*
 * queue.c: the outbox queue table. Rows only; the policy is smtp/outbox.c.
 */
#include "satchel-config.h"

#include <inttypes.h>
#include <string.h>

#include "util/util.h"
#include "store/store-private.h"
#include "store/queue.h"

#define QUEUE_COLUMNS \
	"id, msg_id, account, sender, recipients, message_id, envid," \
	" subject, state, attempts, created, next_try, last_try, sent_at," \
	" last_error, refused, bounce, fail_kind"

static const char queue_schema[] =
	"CREATE TABLE IF NOT EXISTS queue_meta("
	"  key TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS queue("
	"  id INTEGER PRIMARY KEY,"
	"  msg_id INTEGER NOT NULL,"
	"  account TEXT NOT NULL,"
	"  sender TEXT NOT NULL,"
	"  recipients TEXT NOT NULL,"
	"  message_id TEXT,"
	"  envid TEXT,"
	"  subject TEXT,"
	"  state TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  next_try INTEGER NOT NULL DEFAULT 0,"
	"  last_try INTEGER NOT NULL DEFAULT 0,"
	"  sent_at INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  refused TEXT,"
	"  bounce TEXT);"
	"CREATE INDEX IF NOT EXISTS queue_state ON queue(state, next_try);"
	"CREATE INDEX IF NOT EXISTS queue_msg ON queue(msg_id);"
	"CREATE INDEX IF NOT EXISTS queue_envid ON queue(envid);"
	"CREATE INDEX IF NOT EXISTS queue_message_id ON queue(message_id);"
	"INSERT OR IGNORE INTO queue_meta(key, value) VALUES('version', 1);";

/* Version 1 to 2: what a deferred entry waits for (server or network). */
static const char queue_migrate_2[] =
	"ALTER TABLE queue ADD COLUMN fail_kind TEXT;"
	"UPDATE queue_meta SET value = 2 WHERE key = 'version';";

static struct queue_row *queue_row_from_stmt(sqlite3_stmt *);
static void	 queue_bind_text(sqlite3_stmt *, int, const char *);
static char	*queue_column_text(sqlite3_stmt *, int);
static enum store_status queue_step_done(struct store *, sqlite3_stmt *,
		    const char *);
static enum store_status queue_get_where(struct store *, const char *,
		    int64_t, struct queue_row **);
static enum store_status queue_ids(struct store *, const char *,
		    const char *, GArray **);

void
queue_row_free(struct queue_row *r)
{
	if (r == NULL)
		return;
	g_free(r->account);
	g_free(r->from);
	if (r->recipients != NULL)
		g_ptr_array_unref(r->recipients);
	g_free(r->message_id);
	g_free(r->envid);
	g_free(r->subject);
	g_free(r->state);
	g_free(r->last_error);
	g_free(r->refused);
	g_free(r->bounce);
	g_free(r->fail_kind);
	g_free(r);
}

void
queue_dsn_free(struct queue_dsn *d)
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
queue_bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, i);
}

static char *
queue_column_text(sqlite3_stmt *stmt, int i)
{
	const unsigned char *t = sqlite3_column_text(stmt, i);

	return t != NULL ? g_strdup((const char *)t) : NULL;
}

static enum store_status
queue_step_done(struct store *st, sqlite3_stmt *stmt, const char *what)
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

enum store_status
queue_init(struct store *st)
{
	static const char probe[] =
	    "SELECT value FROM queue_meta WHERE key = 'version'";
	sqlite3_stmt		*stmt;
	enum store_status	 s;
	int64_t			 version = 0;
	int			 rc;

	/* A prepared probe makes the common case one cheap lookup. */
	rc = sqlite3_prepare_v2(store_db(st), probe, -1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW)
			version = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
	}
	if (version == QUEUE_SCHEMA_VERSION)
		return STORE_OK;
	if (version > QUEUE_SCHEMA_VERSION)
		return store_set_error(st, STORE_ERR_CORRUPT,
		    _("the outbox queue was written by a newer satchel "
		    "(version %" PRId64 ")"), version);
	/* Version 0 (none yet) to 1, then each later step in order. */
	if ((s = store_tx_begin(st)) != STORE_OK)
		return s;
	if ((version < 1 && (s = store_exec(st, queue_schema)) != STORE_OK) ||
	    (version < 2 && (s = store_exec(st, queue_migrate_2)) !=
	    STORE_OK)) {
		store_tx_rollback(st);
		return s;
	}
	return store_tx_commit(st);
}

static struct queue_row *
queue_row_from_stmt(sqlite3_stmt *stmt)
{
	struct queue_row	*r;
	g_autofree char		*rcpts = NULL;
	g_auto(GStrv)		 v = NULL;
	guint			 i;

	r = g_new0(struct queue_row, 1);
	r->id = sqlite3_column_int64(stmt, 0);
	r->msg_id = sqlite3_column_int64(stmt, 1);
	r->account = queue_column_text(stmt, 2);
	r->from = queue_column_text(stmt, 3);
	rcpts = queue_column_text(stmt, 4);
	r->recipients = g_ptr_array_new_with_free_func(g_free);
	v = g_strsplit(rcpts != NULL ? rcpts : "", "\n", -1);
	for (i = 0; v[i] != NULL; i++)
		if (*v[i] != '\0')
			g_ptr_array_add(r->recipients, g_strdup(v[i]));
	r->message_id = queue_column_text(stmt, 5);
	r->envid = queue_column_text(stmt, 6);
	r->subject = queue_column_text(stmt, 7);
	r->state = queue_column_text(stmt, 8);
	r->attempts = (guint)sqlite3_column_int64(stmt, 9);
	r->created = sqlite3_column_int64(stmt, 10);
	r->next_try = sqlite3_column_int64(stmt, 11);
	r->last_try = sqlite3_column_int64(stmt, 12);
	r->sent_at = sqlite3_column_int64(stmt, 13);
	r->last_error = queue_column_text(stmt, 14);
	r->refused = queue_column_text(stmt, 15);
	r->bounce = queue_column_text(stmt, 16);
	r->fail_kind = queue_column_text(stmt, 17);
	return r;
}

enum store_status
queue_insert(struct store *st, const struct queue_row *r, int64_t *id_out)
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

	if ((s = queue_init(st)) != STORE_OK)
		return s;
	if (r->account == NULL || r->from == NULL || r->state == NULL)
		return store_set_error(st, STORE_ERR_INVALID,
		    "queue row without account, sender or state");
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	rcpts = g_string_new(NULL);
	for (i = 0; r->recipients != NULL && i < r->recipients->len; i++) {
		if (i > 0)
			g_string_append_c(rcpts, '\n');
		g_string_append(rcpts, g_ptr_array_index(r->recipients, i));
	}
	sqlite3_bind_int64(stmt, 1, r->msg_id);
	queue_bind_text(stmt, 2, r->account);
	queue_bind_text(stmt, 3, r->from);
	queue_bind_text(stmt, 4, rcpts->str);
	queue_bind_text(stmt, 5, r->message_id);
	queue_bind_text(stmt, 6, r->envid);
	queue_bind_text(stmt, 7, r->subject);
	queue_bind_text(stmt, 8, r->state);
	sqlite3_bind_int64(stmt, 9, r->attempts);
	sqlite3_bind_int64(stmt, 10, r->created);
	sqlite3_bind_int64(stmt, 11, r->next_try);
	sqlite3_bind_int64(stmt, 12, r->last_try);
	sqlite3_bind_int64(stmt, 13, r->sent_at);
	queue_bind_text(stmt, 14, r->last_error);
	queue_bind_text(stmt, 15, r->refused);
	queue_bind_text(stmt, 16, r->bounce);
	queue_bind_text(stmt, 17, r->fail_kind);
	g_string_free(rcpts, TRUE);
	if ((s = queue_step_done(st, stmt, "queue insert")) != STORE_OK)
		return s;
	if (id_out != NULL)
		*id_out = sqlite3_last_insert_rowid(store_db(st));
	return STORE_OK;
}

static enum store_status
queue_get_where(struct store *st, const char *sql, int64_t key,
    struct queue_row **out)
{
	sqlite3_stmt		*stmt;
	enum store_status	 s;
	int			 rc;

	*out = NULL;
	if ((s = queue_init(st)) != STORE_OK)
		return s;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, key);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*out = queue_row_from_stmt(stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE)
		return store_set_error(st, STORE_ERR_NOTFOUND,
		    _("no queue entry %" PRId64), key);
	return store_sql_error(st, rc, "queue get");
}

enum store_status
queue_get(struct store *st, int64_t id, struct queue_row **out)
{
	return queue_get_where(st, "SELECT " QUEUE_COLUMNS
	    " FROM queue WHERE id = ?", id, out);
}

enum store_status
queue_get_by_msg(struct store *st, int64_t msg_id, struct queue_row **out)
{
	return queue_get_where(st, "SELECT " QUEUE_COLUMNS
	    " FROM queue WHERE msg_id = ? ORDER BY id DESC LIMIT 1", msg_id,
	    out);
}

enum store_status
queue_list(struct store *st, unsigned flags, int64_t now, GPtrArray **out)
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
	    " OR fail_kind = '" QUEUE_WAIT_NETWORK "') ORDER BY id";
	sqlite3_stmt		*stmt;
	enum store_status	 s;
	const char		*sql;
	int			 rc;

	*out = NULL;
	if ((s = queue_init(st)) != STORE_OK)
		return s;
	if ((flags & QUEUE_LIST_DUE) && (flags & QUEUE_LIST_NETWORK))
		sql = due_net;
	else if (flags & QUEUE_LIST_DUE)
		sql = due;
	else if (flags & QUEUE_LIST_QUEUED)
		sql = queued;
	else if (flags & QUEUE_LIST_SENT)
		sql = all;
	else
		sql = unsent;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	if (sql == due || sql == due_net)
		sqlite3_bind_int64(stmt, 1, now);
	*out = g_ptr_array_new_with_free_func((GDestroyNotify)queue_row_free);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		g_ptr_array_add(*out, queue_row_from_stmt(stmt));
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		g_clear_pointer(out, g_ptr_array_unref);
		return store_sql_error(st, rc, "queue list");
	}
	return STORE_OK;
}

enum store_status
queue_count(struct store *st, const char *state, guint *count)
{
	static const char sql[] = "SELECT count(*) FROM queue WHERE state = ?";
	sqlite3_stmt		*stmt;
	enum store_status	 s;
	int			 rc;

	*count = 0;
	if ((s = queue_init(st)) != STORE_OK)
		return s;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	queue_bind_text(stmt, 1, state);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*count = (guint)sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_sql_error(st, rc, "queue count");
	return STORE_OK;
}

enum store_status
queue_next_try(struct store *st, int64_t *next, gboolean *found)
{
	static const char sql[] =
	    "SELECT min(next_try) FROM queue WHERE state = 'queued'";
	sqlite3_stmt		*stmt;
	enum store_status	 s;
	int			 rc;

	*found = FALSE;
	*next = 0;
	if ((s = queue_init(st)) != STORE_OK)
		return s;
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
queue_stamp(struct store *st, int64_t *max_id, guint *ready)
{
	static const char sql[] = "SELECT (SELECT max(id) FROM queue),"
	    " (SELECT count(*) FROM queue WHERE state = 'queued' AND"
	    " next_try <= 0)";
	sqlite3_stmt		*stmt;
	enum store_status	 s;
	int			 rc;

	*max_id = 0;
	*ready = 0;
	if ((s = queue_init(st)) != STORE_OK)
		return s;
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
queue_update(struct store *st, const struct queue_row *r,
    const char *expect_state)
{
	static const char sql[] = "UPDATE queue SET state = ?1, msg_id = ?2,"
	    " attempts = ?3, next_try = ?4, last_try = ?5, sent_at = ?6,"
	    " last_error = ?7, refused = ?8, bounce = ?9, fail_kind = ?12"
	    " WHERE id = ?10 AND (?11 IS NULL OR state = ?11)";
	sqlite3_stmt		*stmt;
	enum store_status	 s;

	if ((s = queue_init(st)) != STORE_OK)
		return s;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	queue_bind_text(stmt, 1, r->state);
	sqlite3_bind_int64(stmt, 2, r->msg_id);
	sqlite3_bind_int64(stmt, 3, r->attempts);
	sqlite3_bind_int64(stmt, 4, r->next_try);
	sqlite3_bind_int64(stmt, 5, r->last_try);
	sqlite3_bind_int64(stmt, 6, r->sent_at);
	queue_bind_text(stmt, 7, r->last_error);
	queue_bind_text(stmt, 8, r->refused);
	queue_bind_text(stmt, 9, r->bounce);
	sqlite3_bind_int64(stmt, 10, r->id);
	queue_bind_text(stmt, 11, expect_state);
	queue_bind_text(stmt, 12, r->fail_kind);
	if ((s = queue_step_done(st, stmt, "queue update")) != STORE_OK)
		return s;
	if (sqlite3_changes(store_db(st)) == 0)
		return store_set_error(st, STORE_ERR_NOTFOUND,
		    _("queue entry %" PRId64 " changed meanwhile"),
		    r->id);
	return STORE_OK;
}

enum store_status
queue_delete(struct store *st, int64_t id)
{
	static const char sql[] = "DELETE FROM queue WHERE id = ?";
	sqlite3_stmt		*stmt;
	enum store_status	 s;

	if ((s = queue_init(st)) != STORE_OK)
		return s;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, id);
	if ((s = queue_step_done(st, stmt, "queue delete")) != STORE_OK)
		return s;
	if (sqlite3_changes(store_db(st)) == 0)
		return store_set_error(st, STORE_ERR_NOTFOUND,
		    _("no queue entry %" PRId64), id);
	return STORE_OK;
}

/* The newest entry of queue_find_all's answer. */
enum store_status
queue_find_sent(struct store *st, const char *envid, const char *message_id,
    struct queue_row **out)
{
	GPtrArray		*all;
	enum store_status	 s;

	*out = NULL;
	s = queue_find_all(st, envid, message_id, &all);
	if (s == STORE_OK && all->len == 0)
		s = STORE_ERR_NOTFOUND;
	if (s == STORE_OK)
		*out = g_ptr_array_steal_index(all, 0);
	g_ptr_array_unref(all);
	return s;
}

enum store_status
queue_find_all(struct store *st, const char *envid, const char *message_id,
    GPtrArray **out)
{
	static const char by_envid[] = "SELECT " QUEUE_COLUMNS
	    " FROM queue WHERE envid = ? ORDER BY id DESC LIMIT 1000";
	static const char by_msgid[] = "SELECT " QUEUE_COLUMNS
	    " FROM queue WHERE message_id = ? ORDER BY id DESC LIMIT 1000";
	const char		*keys[2] = { envid, message_id };
	const char		*sqls[2] = { by_envid, by_msgid };
	sqlite3_stmt		*stmt;
	enum store_status	 s;
	int			 i, rc;

	*out = g_ptr_array_new_with_free_func((GDestroyNotify)queue_row_free);
	if ((s = queue_init(st)) != STORE_OK)
		return s;
	for (i = 0; i < 2 && (*out)->len == 0; i++) {
		if (keys[i] == NULL || *keys[i] == '\0')
			continue;
		if ((stmt = store_stmt(st, sqls[i])) == NULL)
			return STORE_ERR_DB;
		queue_bind_text(stmt, 1, keys[i]);
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
			g_ptr_array_add(*out, queue_row_from_stmt(stmt));
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE)
			return store_sql_error(st, rc, "queue find");
	}
	return STORE_OK;
}

enum store_status
queue_dsn_since(struct store *st, int64_t after, GPtrArray **out,
    int64_t *last)
{
	static const char sql[] = "SELECT id, dsn_original_message_id,"
	    " dsn_envid, dsn_action, dsn_status, dsn_diagnostic, dsn_recipient"
	    " FROM messages WHERE id > ?1 AND id <= ?2 AND"
	    " (dsn_original_message_id IS NOT NULL OR dsn_envid IS NOT NULL)"
	    " ORDER BY id";
	static const char maxid[] = "SELECT max(id) FROM messages";
	sqlite3_stmt		*stmt;
	struct queue_dsn	*d;
	enum store_status	 s;
	int64_t			 top = after;
	int			 rc;

	*out = NULL;
	*last = after;
	if ((s = queue_init(st)) != STORE_OK)
		return s;
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
	*out = g_ptr_array_new_with_free_func((GDestroyNotify)queue_dsn_free);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		d = g_new0(struct queue_dsn, 1);
		d->msg_id = sqlite3_column_int64(stmt, 0);
		d->original_message_id = queue_column_text(stmt, 1);
		d->envid = queue_column_text(stmt, 2);
		d->action = queue_column_text(stmt, 3);
		d->status = queue_column_text(stmt, 4);
		d->diagnostic = queue_column_text(stmt, 5);
		d->recipient = queue_column_text(stmt, 6);
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
queue_meta_get(struct store *st, const char *key, int64_t *value)
{
	static const char sql[] = "SELECT value FROM queue_meta WHERE key = ?";
	sqlite3_stmt		*stmt;
	enum store_status	 s;
	int			 rc;

	*value = 0;
	if ((s = queue_init(st)) != STORE_OK)
		return s;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	queue_bind_text(stmt, 1, key);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sql_error(st, rc, "queue meta");
	return STORE_OK;
}

enum store_status
queue_meta_set(struct store *st, const char *key, int64_t value)
{
	static const char sql[] =
	    "INSERT OR REPLACE INTO queue_meta(key, value) VALUES(?, ?)";
	sqlite3_stmt		*stmt;
	enum store_status	 s;

	if ((s = queue_init(st)) != STORE_OK)
		return s;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	queue_bind_text(stmt, 1, key);
	sqlite3_bind_int64(stmt, 2, value);
	return queue_step_done(st, stmt, "queue meta");
}

static enum store_status
queue_ids(struct store *st, const char *sql, const char *folder, GArray **out)
{
	sqlite3_stmt		*stmt;
	enum store_status	 s;
	int64_t			 id;
	int			 rc;

	*out = NULL;
	if ((s = queue_init(st)) != STORE_OK)
		return s;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	queue_bind_text(stmt, 1, folder);
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
queue_orphans(struct store *st, const char *folder, GArray **out)
{
	return queue_ids(st, "SELECT m.id FROM messages m"
	    " JOIN folders f ON f.id = m.folder_id WHERE f.name = ?"
	    " AND NOT EXISTS (SELECT 1 FROM queue q WHERE q.msg_id = m.id)"
	    " ORDER BY m.id", folder, out);
}

enum store_status
queue_sent_in(struct store *st, const char *folder, GArray **out)
{
	return queue_ids(st, "SELECT m.id FROM queue q"
	    " JOIN messages m ON m.id = q.msg_id"
	    " JOIN folders f ON f.id = m.folder_id"
	    " WHERE q.state = 'sent' AND f.name = ? ORDER BY m.id", folder,
	    out);
}
