/*
 * test-session.c: the session layer's contracts that the front ends rely
 * on: the config is loaded once and its option errors are whole lines;
 * session_open says which exit status a failure is; the credentials API
 * asks the front end only when no command or file supplies the secret,
 * never when a command failed, and for passwords and tokens alike; a
 * fetch with nothing to fetch calls no callback; the one-off account's
 * From default.
 */
#include "satchel-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <glib/gstdio.h>

#include "util/util.h"
#include "config/config.h"
#include "store/store.h"
#include "session/session.h"

struct asked {
	int			 calls;
	enum config_service	 service;
	enum session_secret_kind kind;
	const char		*answer;	/* NULL: the person gives none */
};

static char *
ask(const struct account *a, enum config_service service,
    enum session_secret_kind kind, void *data)
{
	struct asked *q = data;

	(void)a;
	q->calls++;
	q->service = service;
	q->kind = kind;
	return q->answer != NULL ? g_strdup(q->answer) : NULL;
}

static struct account *
account(void)
{
	struct account *a = config_account_new("work");

	a->address = g_strdup("me@example.org");
	config_account_finish(a);
	return a;
}

/* A literal password (a private file) is used; nobody is asked. */
static void
test_secret_literal(void **state)
{
	struct account	*a = account();
	struct asked	 q = { 0, 0, 0, "typed" };
	GError		*err = NULL;
	char		*s = NULL;

	(void)state;
	a->password = g_strdup("from-file");
	assert_int_equal(session_secret(a, CONFIG_SERVICE_POP3,
	    SESSION_SECRET_PASSWORD, ask, &q, &s, &err), CONFIG_OK);
	assert_string_equal(s, "from-file");
	assert_int_equal(q.calls, 0);
	config_secret_free(s);
	config_account_free(a);
}

/* No command: the front end is asked, for the service and kind wanted. */
static void
test_secret_asked(void **state)
{
	struct account	*a = account();
	struct asked	 q = { 0, 0, 0, "typed" };
	GError		*err = NULL;
	char		*s = NULL;

	(void)state;
	assert_int_equal(session_secret(a, CONFIG_SERVICE_SMTP,
	    SESSION_SECRET_PASSWORD, ask, &q, &s, &err), CONFIG_OK);
	assert_string_equal(s, "typed");
	assert_int_equal(q.calls, 1);
	assert_int_equal(q.service, CONFIG_SERVICE_SMTP);
	assert_int_equal(q.kind, SESSION_SECRET_PASSWORD);
	assert_null(err);
	config_secret_free(s);

	/* A token too: a borrowed account runs no token command. */
	a->borrowed = TRUE;
	q.calls = 0;
	assert_int_equal(session_secret(a, CONFIG_SERVICE_POP3,
	    SESSION_SECRET_TOKEN, ask, &q, &s, &err), CONFIG_OK);
	assert_string_equal(s, "typed");
	assert_int_equal(q.kind, SESSION_SECRET_TOKEN);
	assert_null(err);
	config_secret_free(s);
	config_account_free(a);
}

/* None given, or nobody to ask: NO_SECRET, and the config's reason kept. */
static void
test_secret_none(void **state)
{
	struct account	*a = account();
	struct asked	 q = { 0, 0, 0, NULL };
	GError		*err = NULL;
	char		*s = NULL;

	(void)state;
	assert_int_equal(session_secret(a, CONFIG_SERVICE_POP3,
	    SESSION_SECRET_PASSWORD, ask, &q, &s, &err),
	    CONFIG_ERR_NO_SECRET);
	assert_null(s);
	assert_int_equal(q.calls, 1);
	assert_int_equal(session_secret(a, CONFIG_SERVICE_POP3,
	    SESSION_SECRET_PASSWORD, NULL, NULL, &s, &err),
	    CONFIG_ERR_NO_SECRET);
	a->borrowed = TRUE;
	assert_int_equal(session_secret(a, CONFIG_SERVICE_POP3,
	    SESSION_SECRET_TOKEN, ask, &q, &s, &err), CONFIG_ERR_NO_SECRET);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "borrowed"));
	g_clear_error(&err);
	config_account_free(a);
}

/* A command that fails is an error to show, not a reason to prompt. */
static void
test_secret_command_fails(void **state)
{
	struct account	*a = account();
	struct asked	 q = { 0, 0, 0, "typed" };
	GError		*err = NULL;
	char		*s = NULL;

	(void)state;
	a->pop3_password_command = g_strdup("false");
	assert_int_equal(session_secret(a, CONFIG_SERVICE_POP3,
	    SESSION_SECRET_PASSWORD, ask, &q, &s, &err), CONFIG_ERR_COMMAND);
	assert_null(s);
	assert_int_equal(q.calls, 0);
	assert_non_null(err);
	g_clear_error(&err);
	config_account_free(a);
}

/* Option errors are whole lines; the config is loaded once. */
static void
test_config_errors(void **state)
{
	struct session	 s;
	GError		*err = NULL;
	char		*dir, *path, *store;
	struct config	*c;

	(void)state;
	memset(&s, 0, sizeof s);
	s.ca_file = "/dev/null";
	assert_null(session_config(&s, &err));
	assert_non_null(strstr(err->message, "--ca-file goes with --pop3"));
	assert_true(g_str_has_prefix(err->message, "satchel: "));
	assert_true(g_str_has_suffix(err->message, "\n"));
	assert_int_equal(session_open(&s, STORE_OPEN_CREATE, NULL),
	    SESSION_EXIT_CONFIG);
	g_clear_error(&err);

	memset(&s, 0, sizeof s);
	s.pop3_oneoff = "me@pop.example.org";
	assert_null(session_config(&s, &err));
	assert_non_null(strstr(err->message, "--pop3 goes with --borrowed"));
	g_clear_error(&err);

	dir = g_dir_make_tmp("test-session-XXXXXX", NULL);
	path = g_build_filename(dir, "conf", NULL);
	store = g_build_filename(dir, "store", NULL);
	{
		g_autofree char *text = g_strdup_printf("[general]\n"
		    "store = %s\n", store);

		assert_true(g_file_set_contents(path, text, -1, NULL));
	}
	g_chmod(path, 0600);
	memset(&s, 0, sizeof s);
	s.config_path = path;
	c = session_config(&s, &err);
	assert_non_null(c);
	assert_ptr_equal(session_config(&s, &err), c);
	assert_int_equal(session_open(&s, STORE_OPEN_CREATE, &err),
	    SESSION_EXIT_OK);
	assert_non_null(s.store);
	session_release(&s);
	assert_null(s.store);
	assert_null(s.config);
	file_remove_tree(dir);
	g_free(store);
	g_free(path);
	g_free(dir);
}

static int	done_calls;

static void
done(const struct account *a, enum pop3_status st,
    const struct pop3_fetch_result *res, const GError *err, void *data)
{
	(void)a; (void)st; (void)res; (void)err; (void)data;
	done_calls++;
}

/* Accounts without pop3_host are not fetched; nothing new, no bounces. */
static void
test_fetch_nothing(void **state)
{
	struct session_fetch_ops	 ops;
	struct session_fetch_result	 res;
	struct config			*c = config_new_default();
	struct store			*st = NULL;
	char				*dir;

	(void)state;
	dir = g_dir_make_tmp("test-session-XXXXXX", NULL);
	assert_int_equal(store_open(dir, STORE_OPEN_CREATE, &st), STORE_OK);
	g_ptr_array_add(c->accounts, account());
	memset(&ops, 0, sizeof ops);
	ops.account_done = done;
	session_fetch(st, c, NULL, 0, NULL, &ops, &res);
	assert_int_equal(done_calls, 0);
	assert_int_equal(res.new_msgs, 0);
	assert_int_equal(res.bounced, 0);
	assert_null(res.bounce_err);
	session_fetch(st, c, NULL, SESSION_FETCH_BOUNCES_ALWAYS, NULL, &ops,
	    &res);
	assert_int_equal(res.bounced, 0);
	assert_null(res.bounce_err);
	store_close(st);
	config_free(c);
	file_remove_tree(dir);
	g_free(dir);
}

static void
test_default_from(void **state)
{
	char *s;

	(void)state;
	s = session_borrowed_default_from("jane", "pop.example.org");
	assert_string_equal(s, "jane@example.org");
	g_free(s);
	s = session_borrowed_default_from("jane@mail.test", "pop.example.org");
	assert_string_equal(s, "jane@mail.test");
	g_free(s);
	s = session_borrowed_default_from("jane", "pop.org");
	assert_string_equal(s, "jane@pop.org");
	g_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secret_literal),
		cmocka_unit_test(test_secret_asked),
		cmocka_unit_test(test_secret_none),
		cmocka_unit_test(test_secret_command_fails),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_fetch_nothing),
		cmocka_unit_test(test_default_from),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
