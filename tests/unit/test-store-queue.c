/*
 * test-store-queue.c: the outbox queue table (store/store-queue.c): the
 * states and their column values, rows in and out, and the migration of a
 * queue made before the table joined the store's schema.
 */
#include "satchel-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <string.h>

#include "util/util.h"
#include "store/store.h"
#include "store/store-queue.h"

/* The schema version this satchel writes (store.c's migrations). */
#define CURRENT_SCHEMA	11

struct fixture {
	char		*top;
	char		*dir;
	struct store	*st;
};

static int
setup(void **state)
{
	struct fixture	*f = g_new0(struct fixture, 1);

	f->top = g_dir_make_tmp("test-store-queue-XXXXXX", NULL);
	assert_non_null(f->top);
	f->dir = g_build_filename(f->top, "store", NULL);
	assert_int_equal(store_open(f->dir, STORE_OPEN_CREATE, &f->st),
	    STORE_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	store_close(f->st);
	file_remove_tree(f->top);
	g_free(f->dir);
	g_free(f->top);
	g_free(f);
	return 0;
}

/* A row for account acct to rcpt, in state. */
static int64_t
insert(struct store *st, const char *rcpt, const char *msgid,
    enum store_queue_state state)
{
	g_autoptr(GPtrArray)	 rcpts = g_ptr_array_new();
	struct store_queue_row	 r;
	int64_t			 id = 0;

	g_ptr_array_add(rcpts, (char *)rcpt);
	memset(&r, 0, sizeof r);
	r.msg_id = 1;
	r.account = (char *)"acct";
	r.from = (char *)"me@example.org";
	r.recipients = rcpts;
	r.message_id = (char *)msgid;
	r.envid = (char *)"env";
	r.subject = (char *)"hello";
	r.state = state;
	r.created = 1000;
	assert_int_equal(store_queue_insert(st, &r, &id), STORE_OK);
	assert_true(id > 0);
	return id;
}

static void
test_names(void **state)
{
	static const struct {
		enum store_queue_state	 state;
		const char		*name;
	} t[] = {
		{ STORE_QUEUE_QUEUED, "queued" },
		{ STORE_QUEUE_SENDING, "sending" },
		{ STORE_QUEUE_SENT, "sent" },
		{ STORE_QUEUE_FAILED, "failed" },
		{ STORE_QUEUE_HELD, "held" },
	};
	size_t i;

	(void)state;
	assert_int_equal(store_queue_state_parse(NULL), STORE_QUEUE_QUEUED);
	assert_int_equal(store_queue_state_parse(""), STORE_QUEUE_QUEUED);
	assert_int_equal(store_queue_state_parse("Sent"), STORE_QUEUE_QUEUED);
	assert_null(store_queue_wait_name(STORE_QUEUE_WAIT_NONE));
	assert_int_equal(store_queue_wait_parse(NULL), STORE_QUEUE_WAIT_NONE);
	assert_int_equal(store_queue_wait_parse("x"), STORE_QUEUE_WAIT_NONE);
	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		assert_string_equal(store_queue_state_name(t[i].state),
		    t[i].name);
		assert_int_equal(store_queue_state_parse(t[i].name),
		    t[i].state);
	}
	assert_string_equal(store_queue_wait_name(STORE_QUEUE_WAIT_SERVER),
	    "server");
	assert_string_equal(store_queue_wait_name(STORE_QUEUE_WAIT_NETWORK),
	    "network");
	assert_int_equal(store_queue_wait_parse("server"),
	    STORE_QUEUE_WAIT_SERVER);
	assert_int_equal(store_queue_wait_parse("network"),
	    STORE_QUEUE_WAIT_NETWORK);
}

static void
test_rows(void **state)
{
	struct fixture		*f = *state;
	struct store_queue_row	*r = NULL;
	g_autoptr(GPtrArray)	 rows = NULL;
	int64_t			 a, b, c, v, max_id, next;
	guint			 n, ready;
	gboolean		 found;

	/* Empty. */
	assert_int_equal(store_queue_get(f->st, 1, &r), STORE_ERR_NOTFOUND);
	assert_null(r);
	assert_int_equal(store_queue_count(f->st, STORE_QUEUE_QUEUED, &n),
	    STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_queue_next_try(f->st, &next, &found),
	    STORE_OK);
	assert_false(found);
	assert_int_equal(store_queue_mark_get(f->st, "dsn_watermark", &v),
	    STORE_OK);
	assert_int_equal(v, 0);
	assert_int_equal(store_queue_delete(f->st, 99), STORE_ERR_NOTFOUND);

	a = insert(f->st, "a@example.org", "m1@x", STORE_QUEUE_QUEUED);
	b = insert(f->st, "b@example.org", "m2@x", STORE_QUEUE_SENT);
	c = insert(f->st, "c@example.org", "m2@x", STORE_QUEUE_HELD);
	assert_int_equal(store_queue_stamp(f->st, &max_id, &ready), STORE_OK);
	assert_int_equal(max_id, c);
	assert_int_equal(ready, 1);

	/* Every column back as it went in. */
	assert_int_equal(store_queue_get(f->st, b, &r), STORE_OK);
	assert_int_equal(r->state, STORE_QUEUE_SENT);
	assert_int_equal(r->wait, STORE_QUEUE_WAIT_NONE);
	assert_string_equal(r->account, "acct");
	assert_string_equal(r->from, "me@example.org");
	assert_int_equal(r->recipients->len, 1);
	assert_string_equal(r->recipients->pdata[0], "b@example.org");
	assert_string_equal(r->subject, "hello");
	assert_int_equal(r->created, 1000);

	/* A conditional update sees the state; the wait is kept. */
	r->wait = STORE_QUEUE_WAIT_NETWORK;
	r->state = STORE_QUEUE_QUEUED;
	assert_int_equal(store_queue_update_if(f->st, r, STORE_QUEUE_QUEUED),
	    STORE_ERR_NOTFOUND);
	assert_int_equal(store_queue_update_if(f->st, r, STORE_QUEUE_SENT),
	    STORE_OK);
	store_queue_row_free(r);
	assert_int_equal(store_queue_get(f->st, b, &r), STORE_OK);
	assert_int_equal(r->state, STORE_QUEUE_QUEUED);
	assert_int_equal(r->wait, STORE_QUEUE_WAIT_NETWORK);
	r->next_try = 5000;
	r->state = STORE_QUEUE_SENT;
	assert_int_equal(store_queue_update(f->st, r), STORE_OK);
	store_queue_row_free(r);

	/* Lists. */
	assert_int_equal(store_queue_list(f->st, 0, 0, &rows), STORE_OK);
	assert_int_equal(rows->len, 2);
	g_clear_pointer(&rows, g_ptr_array_unref);
	assert_int_equal(store_queue_list(f->st, STORE_QUEUE_LIST_SENT, 0,
	    &rows), STORE_OK);
	assert_int_equal(rows->len, 3);
	g_clear_pointer(&rows, g_ptr_array_unref);
	assert_int_equal(store_queue_list(f->st, STORE_QUEUE_LIST_QUEUED, 0,
	    &rows), STORE_OK);
	assert_int_equal(rows->len, 1);
	assert_int_equal(((struct store_queue_row *)rows->pdata[0])->id, a);
	g_clear_pointer(&rows, g_ptr_array_unref);
	assert_int_equal(store_queue_count(f->st, STORE_QUEUE_HELD, &n),
	    STORE_OK);
	assert_int_equal(n, 1);

	/* A DSN's rows: by ENVID, newest first. */
	assert_int_equal(store_queue_find_all(f->st, NULL, "m2@x", &rows),
	    STORE_OK);
	assert_int_equal(rows->len, 2);
	assert_int_equal(((struct store_queue_row *)rows->pdata[0])->id, c);
	g_clear_pointer(&rows, g_ptr_array_unref);
	assert_int_equal(store_queue_find_sent(f->st, "env", NULL, &r),
	    STORE_OK);
	assert_int_equal(r->id, c);
	store_queue_row_free(r);
	assert_int_equal(store_queue_find_sent(f->st, "nope", "nope", &r),
	    STORE_ERR_NOTFOUND);

	/* Marks. */
	assert_int_equal(store_queue_mark_set(f->st, "dsn_watermark", 42),
	    STORE_OK);
	assert_int_equal(store_queue_mark_get(f->st, "dsn_watermark", &v),
	    STORE_OK);
	assert_int_equal(v, 42);

	assert_int_equal(store_queue_delete(f->st, a), STORE_OK);
	assert_int_equal(store_queue_get(f->st, a, &r), STORE_ERR_NOTFOUND);
}

/* The queue table as the outbox made it itself, version 1 (no fail_kind). */
static const char old_queue_v1[] =
	"CREATE TABLE queue_meta("
	"  key TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE queue("
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
	"CREATE INDEX queue_state ON queue(state, next_try);"
	"CREATE INDEX queue_msg ON queue(msg_id);"
	"CREATE INDEX queue_envid ON queue(envid);"
	"CREATE INDEX queue_message_id ON queue(message_id);"
	"INSERT INTO queue_meta(key, value) VALUES('version', 1);"
	"INSERT INTO queue_meta(key, value) VALUES('dsn_watermark', 17);"
	"INSERT INTO queue(msg_id, account, sender, recipients, message_id,"
	"  envid, subject, state, attempts, created, next_try, last_error)"
	"  VALUES(3, 'acct', 'me@example.org', 'a@example.org\nb@example.org',"
	"  'm@x', 'env', 'old', 'held', 2, 100, 200, '451 later');"
	"INSERT INTO queue(msg_id, account, sender, recipients, state,"
	"  created, sent_at) VALUES(4, 'acct', 'me@example.org',"
	"  'c@example.org', 'sent', 100, 300);";
/* Version 2: what version 1 became (one more column). */
static const char old_queue_v2[] =
	"ALTER TABLE queue ADD COLUMN fail_kind TEXT;"
	"UPDATE queue SET fail_kind = 'network' WHERE msg_id = 3;"
	"UPDATE queue_meta SET value = 2 WHERE key = 'version';";

static int64_t
sql_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*stmt = NULL;
	int64_t		 v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/*
 * An index of schema 7 holding a queue of the outbox's own version (1 or
 * 2), made from a new store by taking the queue back to how it was.
 */
static void
make_old(const char *dir, int version)
{
	g_autofree char	*path = g_build_filename(dir, "index.sqlite", NULL);
	sqlite3		*db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	/* Schema 7 had neither the queue nor msg_head (9) nor vocabularies. */
	assert_int_equal(sqlite3_exec(db, "DROP TABLE queue;"
	    "DROP TABLE queue_marks; DROP TABLE msg_head;"
	    "DROP TABLE msg_terms_vocab; DROP TABLE msg_head_vocab;"
	    "DROP TABLE folder_counts;", NULL,
	    NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, old_queue_v1, NULL, NULL, NULL),
	    SQLITE_OK);
	if (version == 2)
		assert_int_equal(sqlite3_exec(db, old_queue_v2, NULL, NULL,
		    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 7", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
test_migrate(void **state)
{
	struct fixture		*f = *state;
	g_autofree char		*path = g_build_filename(f->dir,
				    "index.sqlite", NULL);
	struct store_queue_row	*r = NULL;
	g_autoptr(GPtrArray)	 rows = NULL;
	sqlite3			*db = NULL;
	int64_t			 v;
	int			 version;

	for (version = 1; version <= 2; version++) {
		store_close(f->st);
		f->st = NULL;
		make_old(f->dir, version);
		assert_int_equal(store_open(f->dir, 0, &f->st), STORE_OK);

		/* The rows survive, their words as they were. */
		assert_int_equal(store_queue_list(f->st, STORE_QUEUE_LIST_SENT,
		    0, &rows), STORE_OK);
		assert_int_equal(rows->len, 2);
		r = rows->pdata[0];
		assert_int_equal(r->state, STORE_QUEUE_HELD);
		assert_int_equal(r->msg_id, 3);
		assert_int_equal(r->attempts, 2);
		assert_int_equal(r->next_try, 200);
		assert_int_equal(r->recipients->len, 2);
		assert_string_equal(r->last_error, "451 later");
		assert_int_equal(r->wait, version == 2 ?
		    STORE_QUEUE_WAIT_NETWORK : STORE_QUEUE_WAIT_NONE);
		r = rows->pdata[1];
		assert_int_equal(r->state, STORE_QUEUE_SENT);
		assert_int_equal(r->sent_at, 300);
		g_clear_pointer(&rows, g_ptr_array_unref);
		/* The DSN watermark moved over. */
		assert_int_equal(store_queue_mark_get(f->st, "dsn_watermark",
		    &v), STORE_OK);
		assert_int_equal(v, 17);
		/* And the table takes the new column. */
		assert_int_equal(store_queue_get(f->st, 1, &r), STORE_OK);
		r->wait = STORE_QUEUE_WAIT_SERVER;
		assert_int_equal(store_queue_update(f->st, r), STORE_OK);
		store_queue_row_free(r);

		/* The one schema version is current; queue_meta is gone. */
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sql_int(db, "PRAGMA user_version"),
		    CURRENT_SCHEMA);
		assert_int_equal(sql_int(db, "SELECT count(*) FROM"
		    " sqlite_master WHERE name = 'queue_meta'"), 0);
		sqlite3_close(db);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
