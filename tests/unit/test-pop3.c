/*
 * test-pop3.c: the POP3 protocol layer against scripted fake servers
 * running in a thread on 127.0.0.1: parsing, pipelining, dot-unstuffing,
 * hostile replies (message number 0, huge numbers, overlong lines, a close
 * in the middle of RETR), STLS and plaintext refusal, response codes,
 * timeouts.
 */
#include "satchel-config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/util.h"
#include "net/net.h"
#include "pop3/pop3.h"
#include "pop3/pop3-session.h"

/* One step: wait for a command line starting with expect, send reply. */
struct step {
	const char	*expect;
	const char	*reply;
};

struct fake {
	int		 lfd;
	unsigned	 port;
	const char	*greeting;
	const struct step *steps;
	gboolean	 hold;		/* stay silent after the script */
	GThread		*thread;
	GString		*log;		/* every command received */
	gboolean	 mismatch;
	gboolean	 stop;
};

static gboolean
fake_read_line(int fd, GString *out)
{
	char c;

	g_string_truncate(out, 0);
	for (;;) {
		if (read(fd, &c, 1) != 1)
			return FALSE;
		if (c == '\n')
			break;
		if (c != '\r')
			g_string_append_c(out, c);
	}
	return TRUE;
}

static gpointer
fake_run(gpointer data)
{
	struct fake *f = data;
	GString *line = g_string_new(NULL);
	const struct step *s;
	int fd;

	fd = accept(f->lfd, NULL, NULL);
	if (fd < 0)
		goto out;
	if (f->greeting != NULL)
		(void)!write(fd, f->greeting, strlen(f->greeting));
	for (s = f->steps; s != NULL && s->expect != NULL; s++) {
		if (!fake_read_line(fd, line))
			break;
		g_string_append_printf(f->log, "%s\n", line->str);
		if (strncmp(line->str, s->expect, strlen(s->expect)) != 0) {
			f->mismatch = TRUE;
			break;
		}
		if (s->reply != NULL)
			(void)!write(fd, s->reply, strlen(s->reply));
	}
	if (f->hold) {
		/* Read until the client gives up. */
		while (fake_read_line(fd, line))
			g_string_append_printf(f->log, "%s\n", line->str);
	}
	close(fd);
out:
	g_string_free(line, TRUE);
	return NULL;
}

static struct fake *
fake_listen(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	struct fake *f;

	f = g_new0(struct fake, 1);
	f->log = g_string_new(NULL);
	f->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(f->lfd >= 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(listen(f->lfd, 1), 0);
	assert_int_equal(getsockname(f->lfd, (struct sockaddr *)&sin, &len), 0);
	f->port = ntohs(sin.sin_port);
	return f;
}

static struct fake *
fake_start(const char *greeting, const struct step *steps, gboolean hold)
{
	struct fake *f = fake_listen();

	f->greeting = greeting;
	f->steps = steps;
	f->hold = hold;
	f->thread = g_thread_new("fake-pop3", fake_run, f);
	return f;
}

static void
fake_finish(struct fake *f)
{
	g_thread_join(f->thread);
	close(f->lfd);
	g_string_free(f->log, TRUE);
	g_free(f);
}

static enum pop3_status
open_fake(struct fake *f, enum net_tls_mode tls, unsigned timeout,
    struct pop3_session **s, GError **err)
{
	struct net_endpoint o;

	memset(&o, 0, sizeof o);
	o.host = "127.0.0.1";
	o.port = f->port;
	o.tls = tls;
	o.timeout = timeout;
	return pop3_session_open(&o, NULL, s, err);
}

/* A sink that collects bodies into GStrings. */
struct collect {
	GPtrArray	*bodies;
	GString		*cur;
	guint		 skipped;
	guint		 ends;
};

static enum pop3_status
c_begin(guint idx, void *data)
{
	struct collect *c = data;

	(void)idx;
	c->cur = g_string_new(NULL);
	return POP3_OK;
}

static enum pop3_status
c_write(const void *buf, size_t len, void *data)
{
	struct collect *c = data;

	g_string_append_len(c->cur, buf, len);
	return POP3_OK;
}

static enum pop3_status
c_end(guint idx, void *data)
{
	struct collect *c = data;

	(void)idx;
	g_ptr_array_add(c->bodies, g_string_free(c->cur, FALSE));
	c->cur = NULL;
	c->ends++;
	return POP3_OK;
}

static void
c_skip(guint idx, const char *text, void *data)
{
	struct collect *c = data;

	(void)idx;
	(void)text;
	c->skipped++;
}

static void
collect_init(struct collect *c, struct pop3_session_sink *k)
{
	memset(c, 0, sizeof *c);
	c->bodies = g_ptr_array_new_with_free_func(g_free);
	k->begin = c_begin;
	k->write = c_write;
	k->end = c_end;
	k->skip = c_skip;
	k->data = c;
}

static void
collect_clear(struct collect *c)
{
	if (c->cur != NULL)
		g_string_free(c->cur, TRUE);
	g_ptr_array_unref(c->bodies);
}

#define GREET	"+OK ready <1896.697170952@dbc.mtview.ca.us>\r\n"
#define CAPA_PLAIN \
	"+OK\r\nUSER\r\nUIDL\r\nTOP\r\nPIPELINING\r\nRESP-CODES\r\n" \
	"EXPIRE 30\r\nLOGIN-DELAY 900\r\n.\r\n"

static void
test_helpers(void **state)
{
	g_autofree char *d = NULL;

	(void)state;
	/* Degenerate cases first. */
	assert_false(pop3_session_uidl_valid(NULL, 0));
	assert_false(pop3_session_uidl_valid("", 0));
	assert_true(pop3_session_uidl_valid("a", 1));
	assert_true(pop3_session_uidl_valid("QhdPYR:00WBw1Ph7x7", 18));
	assert_false(pop3_session_uidl_valid("a b", 3));
	assert_false(pop3_session_uidl_valid("a\x1b", 2));
	assert_false(pop3_session_uidl_valid("\xc3\xa9", 2));
	{
		char big[72];

		memset(big, 'x', sizeof big);
		assert_true(pop3_session_uidl_valid(big, 70));
		assert_false(pop3_session_uidl_valid(big, 71));
	}
	/* RFC 1939 section 7 example. */
	d = pop3_session_apop_digest("<1896.697170952@dbc.mtview.ca.us>",
	    "tanstaaf");
	assert_string_equal(d, "c4c9334bac560ecc979e58001b3e22fb");

	assert_int_equal(pop3_session_resp_code(NULL, POP3_ERR_SERVER),
	    POP3_ERR_SERVER);
	assert_int_equal(pop3_session_resp_code("", POP3_ERR_AUTH),
	    POP3_ERR_AUTH);
	assert_int_equal(pop3_session_resp_code("[IN-USE] busy",
	    POP3_ERR_AUTH), POP3_ERR_IN_USE);
	assert_int_equal(pop3_session_resp_code("[LOGIN-DELAY] wait",
	    POP3_ERR_AUTH), POP3_ERR_LOGIN_DELAY);
	assert_int_equal(pop3_session_resp_code("[SYS/TEMP] x",
	    POP3_ERR_AUTH), POP3_ERR_SYS_TEMP);
	assert_int_equal(pop3_session_resp_code("[SYS/PERM] x",
	    POP3_ERR_SERVER), POP3_ERR_SYS_PERM);
	assert_int_equal(pop3_session_resp_code("[AUTH] bad",
	    POP3_ERR_SERVER), POP3_ERR_AUTH);
	assert_int_equal(pop3_session_resp_code("[SYSX] bad",
	    POP3_ERR_SERVER), POP3_ERR_SERVER);
	assert_int_equal(pop3_session_resp_code("[AUTHX] bad",
	    POP3_ERR_SERVER), POP3_ERR_SERVER);

	assert_true(pop3_status_is_temporary(POP3_ERR_IN_USE));
	assert_true(pop3_status_is_temporary(POP3_ERR_TIMEOUT));
	assert_true(pop3_status_is_temporary(POP3_ERR_SYS_TEMP));
	assert_false(pop3_status_is_temporary(POP3_ERR_AUTH));
	assert_false(pop3_status_is_temporary(POP3_ERR_SYS_PERM));
	assert_false(pop3_status_is_temporary(POP3_ERR_CERT));
	assert_false(pop3_status_is_temporary(POP3_ERR_PLAINTEXT));
	assert_non_null(pop3_strerror(POP3_ERR_NO_STLS));
}

/* A whole keep-mode session: login, STAT, UIDL, LIST, pipelined RETR. */
static void
test_session_fetch(void **state)
{
	static const struct step steps[] = {
		{ "CAPA", CAPA_PLAIN },
		{ "USER bob", "+OK\r\n" },
		{ "PASS secret", "+OK logged in\r\n" },
		{ "CAPA", CAPA_PLAIN },
		{ "STAT", "+OK 3 300\r\n" },
		{ "UIDL", "+OK\r\n1 aaa\r\n2 bbb\r\n3 ccc\r\n.\r\n" },
		{ "LIST", "+OK\r\n1 100\r\n2 100\r\n3 100\r\n.\r\n" },
		{ "RETR 1", "+OK\r\nSubject: one\r\n\r\n..dot line\r\n"
		    "plain\r\n.\r\n" },
		{ "RETR 2", "-ERR [SYS/TEMP] gone for now\r\n" },
		{ "TOP 3 0", "+OK\r\nSubject: three\r\n\r\n.\r\n" },
		{ "QUIT", "+OK bye\r\n" },
		{ NULL, NULL },
	};
	struct pop3_session_item items[] = { { 1, FALSE }, { 2, FALSE },
	    { 3, TRUE } };
	struct pop3_session_sink k;
	struct pop3_session *s = NULL;
	struct collect c;
	struct fake *f;
	GError *err = NULL;
	GPtrArray *uidls = NULL;
	GArray *sizes = NULL;
	guint count = 0;
	guint64 size = 0;

	(void)state;
	f = fake_start(GREET, steps, FALSE);
	assert_int_equal(open_fake(f, NET_TLS_NONE, 5, &s, &err), POP3_OK);
	assert_true(pop3_session_caps(s) & POP3_CAP_PIPELINING);
	assert_int_equal(pop3_session_expire(s), 30);
	assert_int_equal(pop3_session_login_delay(s), 900);
	assert_int_equal(pop3_session_auth(s, "user", "bob", "secret", NULL,
	    TRUE, &err), POP3_OK);
	assert_int_equal(pop3_session_stat(s, &count, &size, &err), POP3_OK);
	assert_int_equal(count, 3);
	assert_int_equal(pop3_session_uidl(s, count, &uidls, &err), POP3_OK);
	assert_string_equal(g_ptr_array_index(uidls, 2), "ccc");
	assert_int_equal(pop3_session_list(s, count, &sizes, &err), POP3_OK);
	assert_int_equal(g_array_index(sizes, guint64, 1), 100);
	collect_init(&c, &k);
	assert_int_equal(pop3_session_fetch(s, items, 3, 10, &k, &err),
	    POP3_OK);
	assert_int_equal(c.bodies->len, 2);
	assert_int_equal(c.skipped, 1);
	assert_string_equal(g_ptr_array_index(c.bodies, 0),
	    "Subject: one\n\n.dot line\nplain\n");
	assert_string_equal(g_ptr_array_index(c.bodies, 1),
	    "Subject: three\n\n");
	assert_int_equal(pop3_session_quit(s, &err), POP3_OK);
	assert_null(err);
	pop3_session_free(s);
	fake_finish(f);
	collect_clear(&c);
	g_ptr_array_unref(uidls);
	g_array_unref(sizes);
}

/*
 * UIDLs that break RFC 1939 (mailutils and qpopper copy X-UIDL headers)
 * and repeated UIDLs (popa3d) cost only their own message a real UIDL:
 * each gets a stable key that no real UIDL can equal.
 */
static void
test_odd_uidls(void **state)
{
	static const char listing[] =
	    "+OK\r\n"
	    "1 plain\r\n"
	    "2 has a space\r\n"
	    "3 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxx\r\n"
	    "4 caf\xc3\xa9\r\n"
	    "5 a\x1b[2Jb\r\n"
	    "6 \r\n"
	    "7 plain\r\n"
	    "8 plain\r\n"
	    "9 has a space\r\n"
	    ".\r\n";
	struct step steps[] = {
		{ "CAPA", "-ERR no\r\n" },
		{ "UIDL", listing },
		{ NULL, NULL },
	};
	g_autofree char *k1 = NULL, *k2 = NULL, *k3 = NULL, *k4 = NULL;
	struct pop3_session *s = NULL;
	GPtrArray *uidls = NULL;
	GHashTable *uniq;
	GError *err = NULL;
	struct fake *f;
	char big[80];
	guint i;

	(void)state;
	/* Degenerate cases first. */
	assert_int_equal(pop3_session_uidl_kind(NULL), POP3_UIDL_REAL);
	assert_int_equal(pop3_session_uidl_kind("plain"), POP3_UIDL_REAL);
	k1 = pop3_session_uidl_key("", 0, 1);
	assert_int_equal(pop3_session_uidl_kind(k1), POP3_UIDL_UNUSABLE);
	/* The key must never change: stores hold it. */
	k2 = pop3_session_uidl_key("has a space", 11, 1);
	assert_string_equal(k2, "~ 852841f91ae9434afb26f5453d09f118"
	    "09ed8972924b612dd91abd7f80cb7d29");
	k3 = pop3_session_uidl_key("plain", 5, 2);
	assert_string_equal(k3, "plain #2");
	assert_int_equal(pop3_session_uidl_kind(k3), POP3_UIDL_DUPLICATE);
	memset(big, 'y', 70);
	big[70] = '\0';
	k4 = pop3_session_uidl_key(big, 70, 3);
	assert_true(g_str_has_prefix(k4, "# "));
	assert_true(strlen(k4) <= 70);
	assert_int_equal(pop3_session_uidl_kind(k4), POP3_UIDL_DUPLICATE);

	f = fake_start(GREET, steps, FALSE);
	assert_int_equal(open_fake(f, NET_TLS_NONE, 5, &s, &err), POP3_OK);
	assert_int_equal(pop3_session_uidl(s, 9, &uidls, &err), POP3_OK);
	assert_null(err);
	assert_int_equal(uidls->len, 9);
	assert_string_equal(g_ptr_array_index(uidls, 0), "plain");
	uniq = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; i < uidls->len; i++) {
		const char *u = g_ptr_array_index(uidls, i), *p;

		assert_non_null(u);
		assert_true(strlen(u) >= 1 && strlen(u) <= 70);
		for (p = u; *p != '\0'; p++)
			assert_true(*p >= 0x20 && *p <= 0x7e);
		assert_true(g_hash_table_add(uniq, (gpointer)u));
	}
	g_hash_table_unref(uniq);
	for (i = 1; i < 6; i++)
		assert_int_equal(pop3_session_uidl_kind(
		    g_ptr_array_index(uidls, i)), POP3_UIDL_UNUSABLE);
	assert_string_equal(g_ptr_array_index(uidls, 1), k2);
	assert_string_equal(g_ptr_array_index(uidls, 6), "plain #2");
	assert_string_equal(g_ptr_array_index(uidls, 7), "plain #3");
	assert_int_equal(pop3_session_uidl_kind(g_ptr_array_index(uidls, 8)),
	    POP3_UIDL_DUPLICATE);
	pop3_session_free(s);
	fake_finish(f);
	g_ptr_array_unref(uidls);
}

/* Listings a libetpan client would crash or hang on. */
static void
test_hostile_listings(void **state)
{
	static const char *bad[] = {
		"+OK\r\n0 aaa\r\n.\r\n",			/* number 0 */
		"+OK\r\n3000000000 aaa\r\n.\r\n",		/* huge */
		"+OK\r\n99999999999999999999999 a\r\n.\r\n",	/* overflow */
		"+OK\r\n3 aaa\r\n.\r\n",			/* > count */
		"+OK\r\n1 aaa\r\n1 bbb\r\n.\r\n",		/* twice */
		"+OK\r\n1\r\n.\r\n",				/* no UIDL */
		"+OK\r\n-1 aaa\r\n.\r\n",
		"+OK\r\n1 aaa\r\n",				/* EOF */
		"+OK\r\n1 aaa",					/* no \n */
		NULL,
	};
	size_t i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		struct step steps[] = {
			{ "CAPA", "-ERR no\r\n" },
			{ "UIDL", bad[i] },
			{ NULL, NULL },
		};
		struct pop3_session *s = NULL;
		GPtrArray *uidls = NULL;
		GError *err = NULL;
		struct fake *f;
		enum pop3_status st;

		f = fake_start(GREET, steps, FALSE);
		assert_int_equal(open_fake(f, NET_TLS_NONE, 5, &s, &err), POP3_OK);
		st = pop3_session_uidl(s, 2, &uidls, &err);
		assert_true(st == POP3_ERR_PROTOCOL || st == POP3_ERR_NETWORK);
		assert_null(uidls);
		assert_non_null(err);
		g_clear_error(&err);
		pop3_session_free(s);
		fake_finish(f);
	}
	/* LIST: number 0 and a huge one. */
	for (i = 0; i < 2; i++) {
		struct step steps[] = {
			{ "CAPA", "-ERR no\r\n" },
			{ "LIST", i == 0 ? "+OK\r\n0 100\r\n.\r\n" :
			    "+OK\r\n4294967296 1\r\n.\r\n" },
			{ NULL, NULL },
		};
		struct pop3_session *s = NULL;
		GArray *sizes = NULL;
		GError *err = NULL;
		struct fake *f;

		f = fake_start(GREET, steps, FALSE);
		assert_int_equal(open_fake(f, NET_TLS_NONE, 5, &s, &err), POP3_OK);
		assert_int_equal(pop3_session_list(s, 2, &sizes, &err),
		    POP3_ERR_PROTOCOL);
		assert_null(sizes);
		g_clear_error(&err);
		pop3_session_free(s);
		fake_finish(f);
	}
}

/* Garbage and overlong status lines; STAT over the cap. */
static void
test_garbage(void **state)
{
	static const struct step garbage[] = { { NULL, NULL } };
	struct pop3_session *s = NULL;
	GError *err = NULL;
	struct fake *f;
	char *longline;
	guint count;
	guint64 size;

	(void)state;
	f = fake_start("HELLO I am not POP3\r\n", garbage, FALSE);
	assert_int_equal(open_fake(f, NET_TLS_NONE, 5, &s, &err),
	    POP3_ERR_PROTOCOL);
	assert_null(s);
	g_clear_error(&err);
	fake_finish(f);

	/* A 100 KB greeting without a line end. */
	longline = g_malloc(100001);
	memset(longline, 'A', 100000);
	longline[100000] = '\0';
	memcpy(longline, "+OK ", 4);
	f = fake_start(longline, garbage, FALSE);
	assert_int_equal(open_fake(f, NET_TLS_NONE, 5, &s, &err),
	    POP3_ERR_PROTOCOL);
	assert_non_null(strstr(err->message, "too long"));
	g_clear_error(&err);
	fake_finish(f);
	g_free(longline);

	{
		static const struct step steps[] = {
			{ "CAPA", "-ERR\r\n" },
			{ "STAT", "+OK 99999999 1\r\n" },
			{ NULL, NULL },
		};
		f = fake_start(GREET, steps, FALSE);
		assert_int_equal(open_fake(f, NET_TLS_NONE, 5, &s, &err), POP3_OK);
		assert_int_equal(pop3_session_stat(s, &count, &size, &err),
		    POP3_ERR_PROTOCOL);
		g_clear_error(&err);
		pop3_session_free(s);
		fake_finish(f);
	}
}

/* The connection closes in the middle of a RETR. */
static void
test_cut_mid_retr(void **state)
{
	static const struct step steps[] = {
		{ "CAPA", "+OK\r\nPIPELINING\r\n.\r\n" },
		{ "RETR 1", "+OK\r\nSubject: one\r\n\r\nbody\r\n.\r\n"
		    "+OK\r\nSubject: two\r\n\r\nhalf a bo" },
		{ NULL, NULL },
	};
	struct pop3_session_item items[] = { { 1, FALSE }, { 2, FALSE } };
	struct pop3_session_sink k;
	struct pop3_session *s = NULL;
	struct collect c;
	GError *err = NULL;
	struct fake *f;

	(void)state;
	f = fake_start(GREET, steps, FALSE);
	assert_int_equal(open_fake(f, NET_TLS_NONE, 5, &s, &err), POP3_OK);
	collect_init(&c, &k);
	assert_int_equal(pop3_session_fetch(s, items, 2, 8, &k, &err),
	    POP3_ERR_NETWORK);
	assert_non_null(err);
	assert_int_equal(c.ends, 1);	/* only the whole message ended */
	g_clear_error(&err);
	pop3_session_free(s);
	fake_finish(f);
	collect_clear(&c);
}

/* STLS required but not offered; password refused over plaintext. */
static void
test_tls_policy(void **state)
{
	static const struct step nostls[] = {
		{ "CAPA", "+OK\r\nUSER\r\n.\r\n" },
		{ NULL, NULL },
	};
	static const struct step plain[] = {
		{ "CAPA", "+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n" },
		{ NULL, NULL },
	};
	struct pop3_session *s = NULL;
	GError *err = NULL;
	struct fake *f;

	(void)state;
	f = fake_start(GREET, nostls, FALSE);
	assert_int_equal(open_fake(f, NET_TLS_STARTTLS, 5, &s, &err),
	    POP3_ERR_NO_STLS);
	assert_null(s);
	g_clear_error(&err);
	fake_finish(f);

	f = fake_start(GREET, plain, TRUE);
	assert_int_equal(open_fake(f, NET_TLS_NONE, 5, &s, &err), POP3_OK);
	assert_int_equal(pop3_session_auth(s, NULL, "bob", "secret", NULL,
	    FALSE, &err), POP3_ERR_PLAINTEXT);
	assert_int_equal(pop3_session_auth(s, "apop", "bob", "secret", NULL,
	    FALSE, &err), POP3_ERR_PLAINTEXT);
	g_clear_error(&err);
	pop3_session_free(s);
	fake_finish(f);
	/* Nothing secret was sent. */
}

/* Response codes at login, APOP, and a long OAuth2 token. */
static void
test_auth_codes(void **state)
{
	static const struct {
		const char	*reply;
		enum pop3_status st;
	} cases[] = {
		{ "-ERR [IN-USE] locked\r\n", POP3_ERR_IN_USE },
		{ "-ERR [LOGIN-DELAY] wait\r\n", POP3_ERR_LOGIN_DELAY },
		{ "-ERR [SYS/TEMP] later\r\n", POP3_ERR_SYS_TEMP },
		{ "-ERR [SYS/PERM] never\r\n", POP3_ERR_SYS_PERM },
		{ "-ERR [AUTH] bad password\r\n", POP3_ERR_AUTH },
		{ "-ERR bad password\r\n", POP3_ERR_AUTH },
	};
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct step steps[] = {
			{ "CAPA", "+OK\r\nUSER\r\nRESP-CODES\r\n.\r\n" },
			{ "USER bob", "+OK\r\n" },
			{ "PASS pw", cases[i].reply },
			{ NULL, NULL },
		};
		struct pop3_session *s = NULL;
		GError *err = NULL;
		struct fake *f;

		f = fake_start(GREET, steps, FALSE);
		assert_int_equal(open_fake(f, NET_TLS_NONE, 5, &s, &err), POP3_OK);
		assert_int_equal(pop3_session_auth(s, "user", "bob", "pw",
		    NULL, TRUE, &err), cases[i].st);
		assert_int_equal(err->code, cases[i].st);
		g_clear_error(&err);
		pop3_session_free(s);
		fake_finish(f);
	}

	{
		static const struct step steps[] = {
			{ "CAPA", "-ERR\r\n" },
			{ "APOP bob c4c9334bac560ecc979e58001b3e22fb",
			    "+OK\r\n" },
			{ "CAPA", "-ERR\r\n" },
			{ NULL, NULL },
		};
		struct pop3_session *s = NULL;
		GError *err = NULL;
		struct fake *f;

		f = fake_start(GREET, steps, FALSE);
		assert_int_equal(open_fake(f, NET_TLS_NONE, 5, &s, &err), POP3_OK);
		assert_int_equal(pop3_session_auth(s, "apop", "bob",
		    "tanstaaf", NULL, TRUE, &err), POP3_OK);
		assert_false(f->mismatch);
		pop3_session_free(s);
		fake_finish(f);
	}

	{
		static const struct step steps[] = {
			{ "CAPA", "+OK\r\nSASL XOAUTH2\r\n.\r\n" },
			{ "AUTH XOAUTH2", "+ \r\n" },
			{ "dXNlcj1ib2IB", "+OK\r\n" },
			{ "CAPA", "-ERR\r\n" },
			{ NULL, NULL },
		};
		struct pop3_session *s = NULL;
		GError *err = NULL;
		struct fake *f;
		char token[1200];

		memset(token, 'T', sizeof token - 1);
		token[sizeof token - 1] = '\0';
		f = fake_start(GREET, steps, FALSE);
		assert_int_equal(open_fake(f, NET_TLS_NONE, 5, &s, &err), POP3_OK);
		assert_int_equal(pop3_session_auth(s, "XOAUTH2", "bob", NULL,
		    token, TRUE, &err), POP3_OK);
		assert_false(f->mismatch);
		/* The command line itself stayed within 255 octets. */
		assert_true(strlen(strchr(f->log->str, '\n') + 1) > 1000);
		assert_int_equal(strncmp(strchr(f->log->str, '\n') + 1,
		    "AUTH XOAUTH2\n", 13), 0);
		pop3_session_free(s);
		fake_finish(f);
	}
}

/* A silent server: every wait ends with a timeout. */
static void
test_timeout(void **state)
{
	static const struct step steps[] = {
		{ "CAPA", "+OK\r\nUSER\r\n.\r\n" },
		{ "STAT", NULL },
		{ NULL, NULL },
	};
	struct pop3_session *s = NULL;
	GError *err = NULL;
	struct fake *f;
	guint count;
	guint64 size;
	gint64 t0;

	(void)state;
	f = fake_start(GREET, steps, TRUE);
	assert_int_equal(open_fake(f, NET_TLS_NONE, 1, &s, &err), POP3_OK);
	t0 = g_get_monotonic_time();
	assert_int_equal(pop3_session_stat(s, &count, &size, &err),
	    POP3_ERR_TIMEOUT);
	assert_true(g_get_monotonic_time() - t0 < 4 * G_USEC_PER_SEC);
	g_clear_error(&err);
	pop3_session_free(s);
	fake_finish(f);

	/* A silent implicit-TLS port: the handshake times out too. */
	f = fake_start(NULL, steps, TRUE);
	t0 = g_get_monotonic_time();
	assert_int_equal(open_fake(f, NET_TLS_IMPLICIT, 1, &s, &err),
	    POP3_ERR_TIMEOUT);
	assert_true(g_get_monotonic_time() - t0 < 4 * G_USEC_PER_SEC);
	g_clear_error(&err);
	fake_finish(f);
}

/* QUIT answered -ERR: the deletions are not committed. */
static void
test_quit_err(void **state)
{
	static const struct step steps[] = {
		{ "CAPA", "+OK\r\nPIPELINING\r\n.\r\n" },
		{ "DELE 1", "+OK\r\n-ERR no such message\r\n" },
		{ "DELE 2", NULL },
		{ "QUIT", "-ERR [SYS/TEMP] some deleted messages not removed\r\n" },
		{ NULL, NULL },
	};
	struct pop3_session *s = NULL;
	GError *err = NULL;
	guint nos[] = { 1, 2 };
	gboolean deleted[2] = { FALSE, TRUE };
	struct fake *f;

	(void)state;
	f = fake_start(GREET, steps, FALSE);
	assert_int_equal(open_fake(f, NET_TLS_NONE, 5, &s, &err), POP3_OK);
	assert_int_equal(pop3_session_dele(s, nos, 2, 8, deleted, &err),
	    POP3_OK);
	assert_true(deleted[0]);
	assert_false(deleted[1]);
	assert_int_equal(pop3_session_quit(s, &err), POP3_ERR_SYS_TEMP);
	g_clear_error(&err);
	pop3_session_free(s);
	fake_finish(f);
}

/* A big body written in small pieces: dot-unstuffing across reads. */
static gpointer
slow_server(gpointer data)
{
	struct fake *f = data;
	GString *line = g_string_new(NULL), *body = g_string_new(NULL);
	size_t i, step;
	int fd;

	fd = accept(f->lfd, NULL, NULL);
	(void)!write(fd, GREET, strlen(GREET));
	fake_read_line(fd, line);	/* CAPA */
	(void)!write(fd, "-ERR\r\n", 6);
	fake_read_line(fd, line);	/* RETR 1 */
	g_string_append(body, "+OK\r\n");
	for (i = 0; i < 3000; i++)
		g_string_append_printf(body, "%s%zu\r\n", i % 3 == 0 ? ".." :
		    "", i);
	g_string_append(body, ".\r\n");
	for (i = 0; i < body->len; i += step) {
		step = MIN((i % 7) + 1, body->len - i);
		(void)!write(fd, body->str + i, step);
	}
	close(fd);
	g_string_free(line, TRUE);
	g_string_free(body, TRUE);
	return NULL;
}

static void
test_split_reads(void **state)
{
	struct pop3_session_item items[] = { { 1, FALSE } };
	struct pop3_session_sink k;
	struct pop3_session *s = NULL;
	struct collect c;
	GError *err = NULL;
	struct fake *f;
	GString *want;
	size_t i;

	(void)state;
	f = fake_listen();
	f->thread = g_thread_new("slow", slow_server, f);
	assert_int_equal(open_fake(f, NET_TLS_NONE, 5, &s, &err), POP3_OK);
	collect_init(&c, &k);
	assert_int_equal(pop3_session_fetch(s, items, 1, 1, &k, &err),
	    POP3_OK);
	want = g_string_new(NULL);
	for (i = 0; i < 3000; i++)
		g_string_append_printf(want, "%s%zu\n", i % 3 == 0 ? "." : "",
		    i);
	assert_int_equal(c.bodies->len, 1);
	assert_string_equal(g_ptr_array_index(c.bodies, 0), want->str);
	g_string_free(want, TRUE);
	pop3_session_free(s);
	fake_finish(f);
	collect_clear(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_session_fetch),
		cmocka_unit_test(test_hostile_listings),
		cmocka_unit_test(test_odd_uidls),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_cut_mid_retr),
		cmocka_unit_test(test_tls_policy),
		cmocka_unit_test(test_auth_codes),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_quit_err),
		cmocka_unit_test(test_split_reads),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
