/*
 * test-outbox-wait.c: the two kinds of temporary failure: the network
 * retry delay, which statuses are the network's, what an entry says it
 * waits for, the flush selection when the network changed, the queue
 * stamp, and queueing with explicit envelope recipients.
 */
#include "satchel-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <string.h>
#include <time.h>

#include "util/util.h"
#include "config/config.h"
#include "mime/mime.h"
#include "mime/compose.h"
#include "store/store.h"
#include "store/store-queue.h"
#include "smtp/smtp.h"
#include "smtp/outbox.h"

struct fixture {
	char		*dir;
	struct store	*st;
	struct account	*acc;
};

static const struct compose_identity me = { "Me", "me@example.org" };

static int
setup(void **state)
{
	struct fixture *f = g_new0(struct fixture, 1);

	f->dir = g_dir_make_tmp("test-outbox-wait-XXXXXX", NULL);
	assert_int_equal(store_open(f->dir, STORE_OPEN_CREATE, &f->st),
	    STORE_OK);
	f->acc = config_account_new("work");
	f->acc->address = g_strdup("Me <me@example.org>");
	config_account_finish(f->acc);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->st);
	file_remove_tree(f->dir);
	g_free(f->dir);
	config_account_free(f->acc);
	g_free(f);
	return 0;
}

static int64_t
queue(struct fixture *f, const char *text, GPtrArray *rcpts)
{
	g_autoptr(GMimeMessage)	 m = NULL;
	GError			*err = NULL;
	int64_t			 id = 0;

	m = compose_parse_build(&me, text, NULL, &err);
	assert_null(err);
	assert_int_equal(outbox_queue_to(f->st, f->acc, m, rcpts, &id, &err),
	    OUTBOX_OK);
	assert_null(err);
	return id;
}

static void
test_network_delay(void **state)
{
	static const struct {
		guint	attempts;
		gint64	delay;
	} t[] = {
		{ 0, 0 }, { 1, 60 }, { 2, 120 }, { 3, 240 }, { 4, 300 },
		{ 10, 300 }, { G_MAXUINT, 300 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(t); i++)
		assert_int_equal(outbox_retry_network_delay(t[i].attempts),
		    t[i].delay);
	/* The server's backoff is unchanged and goes past the cap. */
	assert_int_equal(outbox_retry_delay(7), 3600);
}

static void
test_status_kinds(void **state)
{
	static const struct {
		enum smtp_status st;
		gboolean	 network;
	} t[] = {
		{ SMTP_OK, FALSE }, { SMTP_ERR_RESOLVE, TRUE },
		{ SMTP_ERR_CONNECT, TRUE }, { SMTP_ERR_TIMEOUT, TRUE },
		{ SMTP_ERR_NETWORK, TRUE }, { SMTP_ERR_TLS, TRUE },
		{ SMTP_ERR_TEMP, FALSE }, { SMTP_ERR_PERM, FALSE },
		{ SMTP_ERR_PROTOCOL, FALSE }, { SMTP_ERR_CERT, FALSE },
		{ SMTP_ERR_AUTH, FALSE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		assert_int_equal(smtp_status_is_network(t[i].st),
		    t[i].network);
		/* Every network failure is temporary. */
		if (t[i].network)
			assert_true(smtp_status_is_temporary(t[i].st));
	}
}

static void
test_entry_waits(void **state)
{
	static const struct {
		enum store_queue_state state;
		enum store_queue_wait wait;
		const char	*last_error;
		int64_t		 next_try;	/* relative to now; 0: now */
		const char	*want;		/* regex, NULL: no text */
	} t[] = {
		{ STORE_QUEUE_QUEUED, STORE_QUEUE_WAIT_NONE, NULL, 0, NULL },
		{ STORE_QUEUE_FAILED, STORE_QUEUE_WAIT_SERVER, "550 no", 0, NULL },
		{ STORE_QUEUE_HELD, STORE_QUEUE_WAIT_NETWORK, "x", 60, NULL },
		{ STORE_QUEUE_QUEUED, STORE_QUEUE_WAIT_NETWORK, "no route", 0,
		  "^waiting for the network$" },
		{ STORE_QUEUE_QUEUED, STORE_QUEUE_WAIT_NETWORK, "no route", 120,
		  "^waiting for the network, next try [0-9]{2}:[0-9]{2}$" },
		{ STORE_QUEUE_QUEUED, STORE_QUEUE_WAIT_SERVER, "451 4.3.0 later", 120,
		  "^server said 451, next try [0-9]{2}:[0-9]{2}$" },
		{ STORE_QUEUE_QUEUED, STORE_QUEUE_WAIT_SERVER, "421-multi", 0,
		  "^server said 421, next try now$" },
		{ STORE_QUEUE_QUEUED, STORE_QUEUE_WAIT_SERVER, "4510 odd", 120,
		  "^server deferred it, next try " },
		{ STORE_QUEUE_QUEUED, STORE_QUEUE_WAIT_SERVER, NULL, 0,
		  "^server deferred it, next try now$" },
		{ STORE_QUEUE_QUEUED, STORE_QUEUE_WAIT_SERVER, "45", 0,
		  "^server deferred it" },
		/* Tomorrow's time carries the date. */
		{ STORE_QUEUE_QUEUED, STORE_QUEUE_WAIT_SERVER, "451 x", 3 * 86400,
		  "^server said 451, next try [0-9]{4}-[0-9]{2}-[0-9]{2} " },
	};
	struct outbox_entry	 e;
	int64_t			 now = (int64_t)time(NULL);
	size_t			 i;

	(void)state;
	assert_null(outbox_entry_waits(NULL, now));
	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		g_autofree char *got = NULL;

		memset(&e, 0, sizeof e);
		e.row.state = t[i].state;
		e.row.wait = t[i].wait;
		e.row.last_error = (char *)t[i].last_error;
		e.row.next_try = t[i].next_try > 0 ? now + t[i].next_try : 0;
		got = outbox_entry_waits(&e, now);
		if (t[i].want == NULL) {
			assert_null(got);
			continue;
		}
		assert_non_null(got);
		if (!g_regex_match_simple(t[i].want, got, 0, 0))
			fail_msg("case %zu: \"%s\" does not match %s", i, got,
			    t[i].want);
	}
}

/* A network change sends what waits for the network, due or not. */
static void
test_flush_selection(void **state)
{
	struct fixture		*f = *state;
	g_autoptr(GPtrArray)	 rows = NULL;
	struct store_queue_row	*r;
	int64_t			 a, b, c, now = (int64_t)time(NULL), max_id;
	guint			 ready;

	a = queue(f, "To: a@example.com\nSubject: net\n\nx\n", NULL);
	b = queue(f, "To: b@example.com\nSubject: server\n\nx\n", NULL);
	c = queue(f, "To: c@example.com\nSubject: new\n\nx\n", NULL);
	assert_int_equal(store_queue_stamp(f->st, &max_id, &ready), STORE_OK);
	assert_int_equal(max_id, c);
	assert_int_equal(ready, 3);

	assert_int_equal(store_queue_get(f->st, a, &r), STORE_OK);
	r->wait = STORE_QUEUE_WAIT_NETWORK;
	r->next_try = now + 300;
	assert_int_equal(store_queue_update(f->st, r), STORE_OK);
	store_queue_row_free(r);
	assert_int_equal(store_queue_get(f->st, b, &r), STORE_OK);
	r->wait = STORE_QUEUE_WAIT_SERVER;
	r->next_try = now + 300;
	assert_int_equal(store_queue_update(f->st, r), STORE_OK);
	store_queue_row_free(r);
	assert_int_equal(store_queue_stamp(f->st, &max_id, &ready), STORE_OK);
	assert_int_equal(ready, 1);

	/* Due only: the new one. */
	assert_int_equal(store_queue_list(f->st, STORE_QUEUE_LIST_DUE, now, &rows),
	    STORE_OK);
	assert_int_equal(rows->len, 1);
	assert_int_equal(((struct store_queue_row *)rows->pdata[0])->id, c);
	g_clear_pointer(&rows, g_ptr_array_unref);
	/* The network changed: also the one waiting for it, not the 451. */
	assert_int_equal(store_queue_list(f->st, STORE_QUEUE_LIST_DUE |
	    STORE_QUEUE_LIST_NETWORK, now, &rows), STORE_OK);
	assert_int_equal(rows->len, 2);
	assert_int_equal(((struct store_queue_row *)rows->pdata[0])->id, a);
	assert_int_equal(((struct store_queue_row *)rows->pdata[1])->id, c);
	assert_int_equal(((struct store_queue_row *)rows->pdata[0])->wait,
	    STORE_QUEUE_WAIT_NETWORK);
	g_clear_pointer(&rows, g_ptr_array_unref);

	/* The summary names the network first. */
	{
		g_autofree char *w = outbox_waits(f->st);

		assert_non_null(w);
		assert_true(g_str_has_prefix(w, "waiting for the network"));
	}
}

static void
test_queue_to(void **state)
{
	struct fixture		*f = *state;
	g_autoptr(GPtrArray)	 rcpts = g_ptr_array_new();
	struct outbox_entry	*e = NULL;
	GError			*err = NULL;
	g_autoptr(GMimeMessage)	 m = NULL;
	int64_t			 id;

	/* The envelope as given, not the headers. */
	g_ptr_array_add(rcpts, (char *)"hidden@example.com");
	g_ptr_array_add(rcpts, (char *)"to@example.com");
	id = queue(f, "To: to@example.com\nSubject: env\n\nx\n", rcpts);
	assert_int_equal(outbox_get(f->st, id, &e, &err), OUTBOX_OK);
	assert_int_equal(e->row.recipients->len, 2);
	assert_string_equal(e->row.recipients->pdata[0], "hidden@example.com");
	assert_int_equal(e->row.wait, STORE_QUEUE_WAIT_NONE);
	outbox_entry_free(e);

	/* An unsafe address in the envelope is refused. */
	g_ptr_array_set_size(rcpts, 0);
	g_ptr_array_add(rcpts, (char *)"bad address@example.com");
	m = compose_parse_build(&me, "To: to@example.com\nSubject: x\n\nx\n",
	    NULL, &err);
	assert_int_equal(outbox_queue_to(f->st, f->acc, m, rcpts, NULL, &err),
	    OUTBOX_ERR_INVALID);
	g_clear_error(&err);
	/* No recipient at all. */
	g_ptr_array_set_size(rcpts, 0);
	assert_int_equal(outbox_queue_to(f->st, f->acc, m, rcpts, NULL, &err),
	    OUTBOX_ERR_INVALID);
	g_clear_error(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_network_delay),
		cmocka_unit_test(test_status_kinds),
		cmocka_unit_test(test_entry_waits),
		cmocka_unit_test_setup_teardown(test_flush_selection, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_queue_to, setup,
		    teardown),
	};
	int rc;

	setlocale(LC_ALL, "C.UTF-8");
	mime_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	mime_shutdown();
	return rc;
}
