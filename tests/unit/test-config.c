/* test-config.c: loading, validation, defaults, secrets. */
#include "satchel-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <string.h>

#include "util/util.h"
#include "config/config.h"

static char *tmpdir;

static int
setup(void **state)
{
	tmpdir = g_dir_make_tmp("satchel-config-XXXXXX", NULL);
	return tmpdir == NULL;
}

static int
teardown(void **state)
{
	file_remove_tree(tmpdir);
	g_free(tmpdir);
	return 0;
}

static char *
write_conf(const char *text, mode_t mode)
{
	char *p = g_build_filename(tmpdir, "config", NULL);

	unlink(p);
	assert_int_equal(file_write_atomic(p, text, strlen(text), mode), 0);
	chmod(p, mode);
	return p;
}

static void
test_missing(void **state)
{
	struct config	*c = NULL;
	GError		*err = NULL;
	char		*p = g_build_filename(tmpdir, "nope", NULL);

	assert_int_equal(config_load(p, &c, &err), CONFIG_ERR_NOTFOUND);
	assert_null(c);
	assert_non_null(strstr(err->message, "nope"));
	g_error_free(err);
	g_free(p);
}

static void
test_full(void **state)
{
	struct config	*c = NULL;
	struct account	*a;
	GError		*err = NULL;
	char		*p;

	p = write_conf("[general]\nstore = ~/mail/satchel\neditor = vim\n"
	    "[account home]\naddress = Jane Doe <jane@example.org>\n"
	    "pop3_host = pop.example.org\npop3_user = jane\n"
	    "smtp_host = smtp.example.org\nsmtp_tls = implicit\n"
	    "password_command = pass show mail/home\nkeep = false\n"
	    "[account work]\naddress = w@example.com\npop3_host = p\n"
	    "pop3_user = u\npop3_tls = starttls\n"
	    "[keys]\nj = next\n", 0644);
	g_setenv("HOME", "/home/jane", TRUE);
	assert_int_equal(config_load(p, &c, &err), CONFIG_OK);
	assert_string_equal(c->store, "/home/jane/mail/satchel");
	assert_string_equal(c->editor, "vim");
	assert_int_equal(c->accounts->len, 2);
	a = config_account(c, "home");
	assert_non_null(a);
	assert_string_equal(a->from_name, "Jane Doe");
	assert_string_equal(a->from_addr, "jane@example.org");
	assert_int_equal(a->pop3_port, 995);
	assert_int_equal(a->smtp_port, 465);
	assert_int_equal(a->pop3_tls, NET_TLS_IMPLICIT);
	/* The endpoints net/ connects to, per service. */
	{
		struct net_endpoint ep;

		config_endpoint(a, CONFIG_SERVICE_SMTP, &ep);
		assert_string_equal(ep.host, "smtp.example.org");
		assert_int_equal(ep.port, 465);
		assert_int_equal(ep.tls, NET_TLS_IMPLICIT);
		assert_int_equal(ep.timeout, a->timeout);
		config_endpoint(config_account(c, "work"), CONFIG_SERVICE_POP3,
		    &ep);
		assert_string_equal(ep.host, "p");
		assert_int_equal(ep.port, 110);
		assert_int_equal(ep.tls, NET_TLS_STARTTLS);
		assert_null(ep.fingerprint);
	}
	assert_false(a->keep);
	assert_string_equal(a->smtp_password_command, "pass show mail/home");
	a = config_account(c, "work");
	assert_int_equal(a->pop3_port, 110);
	assert_int_equal(a->smtp_port, 587);
	assert_true(a->keep);
	assert_null(a->from_name);
	assert_string_equal(a->from_addr, "w@example.com");
	assert_null(config_account(c, "nope"));
	assert_ptr_equal(config_account(c, NULL), c->accounts->pdata[0]);
	assert_string_equal(g_hash_table_lookup(c->keys, "j"), "next");
	config_free(c);
	g_free(p);
}

static void
test_errors(void **state)
{
	static const struct { const char *text, *want; int status; } t[] = {
		{ "[general\n", "config", CONFIG_ERR_PARSE },
		{ "[bogus]\nx=1\n", "[bogus]", CONFIG_ERR_VALUE },
		{ "[account a]\nfrobnicate = 1\n", "[account a] frobnicate", CONFIG_ERR_VALUE },
		{ "[account a]\nkeep = maybe\n", "[account a] keep", CONFIG_ERR_VALUE },
		{ "[account a]\npop3_port = 70000\n", "pop3_port", CONFIG_ERR_VALUE },
		{ "[account a]\npop3_port = -1\n", "pop3_port", CONFIG_ERR_VALUE },
		{ "[account a]\npop3_tls = ssl\n", "pop3_tls", CONFIG_ERR_VALUE },
		{ "[account a]\npop3_host = h\n", "pop3_user", CONFIG_ERR_VALUE },
		{ "[account a]\npassword_command = 'unbalanced\n", "password_command", CONFIG_ERR_VALUE },
		{ "[account a]\npassword = secret\n", "chmod 600", CONFIG_ERR_PERM },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		struct config *c = NULL;
		GError *err = NULL;
		char *p = write_conf(t[i].text, 0644);

		assert_int_equal(config_load(p, &c, &err), t[i].status);
		assert_null(c);
		assert_non_null(err);
		if (strstr(err->message, t[i].want) == NULL)
			fail_msg("%s: '%s' lacks '%s'", t[i].text,
			    err->message, t[i].want);
		g_error_free(err);
		g_free(p);
	}
}

static void
test_secret(void **state)
{
	struct config	*c = NULL;
	GError		*err = NULL;
	char		*p, *secret = NULL;

	p = write_conf("[account a]\npassword_command = printf 's3cret\\nsecond'\n"
	    "[account b]\npassword_command = false\n"
	    "[account c]\npassword = lit\n"
	    "[account d]\naddress = d@x\n", 0600);
	assert_int_equal(config_load(p, &c, &err), CONFIG_OK);
	assert_int_equal(config_password(config_account(c, "a"),
	    CONFIG_SERVICE_POP3, &secret, &err), CONFIG_OK);
	assert_string_equal(secret, "s3cret");
	config_secret_free(secret);
	assert_int_equal(config_password(config_account(c, "b"),
	    CONFIG_SERVICE_SMTP, &secret, &err), CONFIG_ERR_COMMAND);
	assert_null(secret);
	g_clear_error(&err);
	assert_int_equal(config_password(config_account(c, "c"),
	    CONFIG_SERVICE_SMTP, &secret, &err), CONFIG_OK);
	assert_string_equal(secret, "lit");
	config_secret_free(secret);
	assert_int_equal(config_password(config_account(c, "d"),
	    CONFIG_SERVICE_SMTP, &secret, &err), CONFIG_ERR_NO_SECRET);
	config_free(c);
	g_free(p);
}

/* Whatever it holds, a configuration others may change is refused. */
static void
test_writers(void **state)
{
	static const struct {
		mode_t file, dir;
		enum config_status status;
	} t[] = {
		{ 0600, 0700, CONFIG_OK },
		{ 0644, 0755, CONFIG_OK },
		{ 0666, 0700, CONFIG_ERR_PERM },
		{ 0620, 0700, CONFIG_ERR_PERM },
		{ 0602, 0700, CONFIG_ERR_PERM },
		{ 0600, 0777, CONFIG_ERR_PERM },
		{ 0600, 0770, CONFIG_ERR_PERM },
		{ 0600, 01777, CONFIG_OK },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		struct config *c = NULL;
		GError *err = NULL;
		char *p = write_conf("[general]\neditor = /tmp/x/run-me\n"
		    "[account a]\npassword_command = /tmp/x/run-me\n",
		    t[i].file);

		assert_int_equal(chmod(tmpdir, t[i].dir), 0);
		if (config_load(p, &c, &err) != t[i].status)
			fail_msg("file %o dir %o: %s", (unsigned)t[i].file,
			    (unsigned)t[i].dir, err != NULL ? err->message :
			    "accepted");
		if (t[i].status == CONFIG_ERR_PERM) {
			assert_null(c);
			assert_non_null(strstr(err->message, "chmod go-w"));
		}
		config_free(c);
		g_clear_error(&err);
		g_free(p);
	}
	assert_int_equal(chmod(tmpdir, 0700), 0);
}

/* Borrowed mode runs no secret command, the OAuth 2 one included. */
static void
test_oauth_borrowed(void **state)
{
	struct config	*c = NULL;
	GError		*err = NULL;
	char		*p, *conf, *marker, *token = NULL;

	marker = g_build_filename(tmpdir, "ran", NULL);
	conf = g_strdup_printf("[account a]\noauth2_token_command = "
	    "sh -c 'touch %s; echo tok'\nborrowed = true\n", marker);
	p = write_conf(conf, 0600);
	assert_int_equal(config_load(p, &c, &err), CONFIG_OK);
	assert_int_equal(config_oauth2_token(config_account(c, "a"), &token,
	    &err), CONFIG_ERR_NO_SECRET);
	assert_null(token);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "borrowed"));
	g_clear_error(&err);
	assert_false(g_file_test(marker, G_FILE_TEST_EXISTS));
	config_free(c);
	g_free(p);
	/* Not borrowed: the command runs. */
	p = write_conf("[account b]\noauth2_token_command = echo tok\n", 0600);
	assert_int_equal(config_load(p, &c, &err), CONFIG_OK);
	assert_int_equal(config_oauth2_token(config_account(c, "b"), &token,
	    &err), CONFIG_OK);
	assert_string_equal(token, "tok");
	config_secret_free(token);
	config_free(c);
	g_free(p);
	g_free(conf);
	g_free(marker);
}

/* Which account an address is: its own address first, then alternates. */
static void
test_account_for_address(void **state)
{
	struct config	*c = NULL;
	GError		*err = NULL;
	char		*p;

	(void)state;
	p = write_conf("[account home]\naddress = Jane <jane@home.test>\n"
	    "alternates = j.doe@home.test, *@jane.test\n"
	    "[account work]\naddress = Jane Doe <JDoe@Work.test>\n"
	    "alternates = *@work.test;sales@shop.test\n", 0600);
	assert_int_equal(config_load(p, &c, &err), CONFIG_OK);
	assert_string_equal(config_account_for_address(c, "jane@home.test")->name,
	    "home");
	/* Case does not matter; the own address wins over a glob. */
	assert_string_equal(config_account_for_address(c, "jdoe@WORK.test")->name,
	    "work");
	assert_string_equal(config_account_for_address(c, "J.Doe@home.test")->name,
	    "home");
	assert_string_equal(config_account_for_address(c, "x@jane.test")->name,
	    "home");
	assert_string_equal(config_account_for_address(c, "boss@work.test")->name,
	    "work");
	assert_string_equal(config_account_for_address(c, "sales@shop.test")->name,
	    "work");
	assert_null(config_account_for_address(c, "jane@elsewhere.test"));
	assert_null(config_account_for_address(c, "x@jane.test.evil"));
	assert_null(config_account_for_address(c, ""));
	assert_null(config_account_for_address(c, NULL));
	config_free(c);
	g_free(p);
}

/* [colors]: mutt's objects and colour names; bad lines warn, never fail. */
static void
test_colors(void **state)
{
	struct config		*c = NULL;
	struct config_color	 col, *e;
	GError			*err = NULL;
	char			*p;
	guint			 i;

	(void)state;
	assert_int_equal(config_color_value("default"), CONFIG_COLOR_DEFAULT);
	assert_int_equal(config_color_value("black"), 0);
	assert_int_equal(config_color_value("White"), 7);
	assert_int_equal(config_color_value("brightred"), 9);
	assert_int_equal(config_color_value("brightwhite"), 15);
	assert_int_equal(config_color_value("color0"), 0);
	assert_int_equal(config_color_value("color208"), 208);
	assert_int_equal(config_color_value("color255"), 255);
	assert_int_equal(config_color_value("color256"), -2);
	assert_int_equal(config_color_value("color"), -2);
	assert_int_equal(config_color_value("color-1"), -2);
	assert_int_equal(config_color_value("color0001"), -2);
	assert_int_equal(config_color_value("brightdefault"), -2);
	assert_int_equal(config_color_value("orange"), -2);
	assert_int_equal(config_color_value(""), -2);
	assert_int_equal(config_color_value(NULL), -2);

	assert_true(config_color_parse("indicator", "black cyan", &col, NULL));
	assert_string_equal(col.object, "indicator");
	assert_int_equal(col.fg, 0);
	assert_int_equal(col.bg, 6);
	assert_int_equal(col.attrs, 0);
	g_free(col.object);
	/* "quoted" is quoted0; attributes come first; no background: default. */
	assert_true(config_color_parse("quoted", "bold underline color33",
	    &col, NULL));
	assert_string_equal(col.object, "quoted0");
	assert_int_equal(col.fg, 33);
	assert_int_equal(col.bg, CONFIG_COLOR_DEFAULT);
	assert_int_equal(col.attrs, CONFIG_COLOR_BOLD | CONFIG_COLOR_UNDERLINE);
	g_free(col.object);
	assert_true(config_color_parse("status", "reverse", &col, NULL));
	assert_int_equal(col.fg, CONFIG_COLOR_DEFAULT);
	assert_int_equal(col.attrs, CONFIG_COLOR_REVERSE);
	g_free(col.object);

	/* Each failure says what is wrong and leaves out untouched. */
	memset(&col, 0, sizeof col);
	assert_false(config_color_parse("sidebar", "red", &col, &err));
	assert_non_null(strstr(err->message, "unknown object"));
	g_clear_error(&err);
	assert_false(config_color_parse("quoted10", "red", &col, &err));
	g_clear_error(&err);
	assert_false(config_color_parse("error", "red blue green", &col, &err));
	assert_non_null(strstr(err->message, "more than"));
	g_clear_error(&err);
	assert_false(config_color_parse("error", "rouge", &col, &err));
	assert_non_null(strstr(err->message, "'rouge'"));
	g_clear_error(&err);
	/* An attribute after a colour is not a colour either. */
	assert_false(config_color_parse("error", "red bold", &col, &err));
	g_clear_error(&err);
	assert_false(config_color_parse("error", "", &col, &err));
	assert_non_null(strstr(err->message, "no colour"));
	g_clear_error(&err);
	assert_false(config_color_parse("error", NULL, &col, &err));
	g_clear_error(&err);
	assert_null(col.object);

	/* In a file: good lines kept, bad ones warned about, load succeeds. */
	p = write_conf("[general]\nindex_format = %4C %Z %-20.20F %s\n"
	    "date_format = %d.%m.%y\narrow_cursor = true\n"
	    "[colors]\nindicator = brightwhite blue\nquoted1 = green\n"
	    "bogus = red\nsignature = color999\nerror = \n", 0600);
	assert_int_equal(config_load(p, &c, &err), CONFIG_OK);
	assert_null(err);
	assert_string_equal(c->index_format, "%4C %Z %-20.20F %s");
	assert_string_equal(c->date_format, "%d.%m.%y");
	assert_true(c->arrow_cursor);
	assert_int_equal(c->colors->len, 2);
	e = g_ptr_array_index(c->colors, 0);
	assert_string_equal(e->object, "indicator");
	assert_int_equal(e->fg, 15);
	assert_int_equal(e->bg, 4);
	assert_int_equal(c->warnings->len, 3);
	for (i = 0; i < c->warnings->len; i++)
		assert_non_null(strstr(g_ptr_array_index(c->warnings, i),
		    "[colors]"));
	config_free(c);
	g_free(p);

	/* A bad boolean stays an error, as for every typed key. */
	p = write_conf("[general]\narrow_cursor = maybe\n", 0600);
	assert_int_equal(config_load(p, &c, &err), CONFIG_ERR_VALUE);
	assert_non_null(strstr(err->message, "arrow_cursor"));
	g_clear_error(&err);
	g_free(p);
	/* No [colors]: nothing, no warnings; formats unset. */
	p = write_conf("[general]\neditor = vi\n", 0600);
	assert_int_equal(config_load(p, &c, &err), CONFIG_OK);
	assert_int_equal(c->colors->len, 0);
	assert_int_equal(c->warnings->len, 0);
	assert_null(c->index_format);
	assert_false(c->arrow_cursor);
	config_free(c);
	g_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_secret),
		cmocka_unit_test(test_writers),
		cmocka_unit_test(test_oauth_borrowed),
		cmocka_unit_test(test_account_for_address),
		cmocka_unit_test(test_colors),
	};

	return cmocka_run_group_tests_name("config", tests, setup, teardown);
}
