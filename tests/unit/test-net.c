/*
 * test-net.c: the SASL encodings POP3 and SMTP share (net-sasl.c), and the
 * one stream open (net-stream.c): its errors and its handshake timeout.
 */
#include "satchel-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>
#include <unistd.h>

#include "net/net.h"

/* base64 text -> plain bytes as a NUL-terminated string (g_free). */
static char *
decode(const char *b64)
{
	gsize	 len = 0;
	guchar	*raw = g_base64_decode(b64, &len);
	char	*s = g_malloc(len + 1);

	memcpy(s, raw, len);
	s[len] = '\0';
	g_free(raw);
	return s;
}

static void
test_names(void **state)
{
	(void)state;
	assert_int_equal(net_sasl_mech_from_name("plain"), NET_SASL_PLAIN);
	assert_int_equal(net_sasl_mech_from_name("Cram-MD5"),
	    NET_SASL_CRAM_MD5);
	assert_int_equal(net_sasl_mech_from_name("SCRAM-SHA-256"),
	    NET_SASL_NONE);
	assert_int_equal(net_sasl_mech_from_name(NULL), NET_SASL_NONE);
	assert_string_equal(net_sasl_mech_name(NET_SASL_OAUTHBEARER),
	    "OAUTHBEARER");
	assert_true(net_sasl_mech_is_oauth(NET_SASL_XOAUTH2));
	assert_false(net_sasl_mech_is_oauth(NET_SASL_LOGIN));
	assert_false(net_sasl_mech_sends_secret(NET_SASL_CRAM_MD5));
	assert_true(net_sasl_mech_sends_secret(NET_SASL_PLAIN));
}

static void
test_plain(void **state)
{
	struct net_sasl	*sa;
	char		*r;

	(void)state;
	/* Inline: "\0user\0password" (RFC 4616). */
	sa = net_sasl_new(NET_SASL_PLAIN, "tim", "tanstaaf", "h", 25);
	r = net_sasl_initial(sa, 512);
	assert_string_equal(r, "AHRpbQB0YW5zdGFhZg==");
	g_free(r);
	/* A challenge after it: cancel. */
	r = net_sasl_step(sa, "");
	assert_string_equal(r, "*");
	g_free(r);
	net_sasl_free(sa);

	/* Too long for the command: the first challenge gets it. */
	sa = net_sasl_new(NET_SASL_PLAIN, "tim", "tanstaaf", "h", 25);
	assert_null(net_sasl_initial(sa, 10));
	r = net_sasl_step(sa, "");
	assert_string_equal(r, "AHRpbQB0YW5zdGFhZg==");
	g_free(r);
	net_sasl_free(sa);
}

static void
test_login(void **state)
{
	struct net_sasl	*sa;
	char		*r;

	(void)state;
	sa = net_sasl_new(NET_SASL_LOGIN, "jane", "pw 1", "h", 25);
	assert_null(net_sasl_initial(sa, 512));
	r = net_sasl_step(sa, "VXNlcm5hbWU6");
	assert_string_equal(r, "amFuZQ==");
	g_free(r);
	r = net_sasl_step(sa, "UGFzc3dvcmQ6");
	assert_string_equal(r, "cHcgMQ==");
	g_free(r);
	r = net_sasl_step(sa, "");
	assert_string_equal(r, "*");
	g_free(r);
	net_sasl_free(sa);
}

static void
test_cram_md5(void **state)
{
	struct net_sasl	*sa;
	char		*r, *plain;

	(void)state;
	/* The example of RFC 2195 section 2. */
	sa = net_sasl_new(NET_SASL_CRAM_MD5, "tim", "tanstaaftanstaaf", "h",
	    25);
	assert_null(net_sasl_initial(sa, 512));
	r = net_sasl_step(sa,
	    "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+");
	plain = decode(r);
	assert_string_equal(plain, "tim b913a602c7eda7a495b4e6e7334d3890");
	assert_string_equal(r,
	    "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
	g_free(plain);
	g_free(r);
	net_sasl_free(sa);

	/* An empty challenge cannot be answered: cancel. */
	sa = net_sasl_new(NET_SASL_CRAM_MD5, "tim", "x", "h", 25);
	r = net_sasl_step(sa, "");
	assert_string_equal(r, "*");
	g_free(r);
	net_sasl_free(sa);
}

static void
test_oauth(void **state)
{
	struct net_sasl	*sa;
	char		*r, *plain;

	(void)state;
	sa = net_sasl_new(NET_SASL_XOAUTH2, "a@b.test", "tok", "h", 25);
	r = net_sasl_initial(sa, 512);
	plain = decode(r);
	assert_string_equal(plain, "user=a@b.test\001auth=Bearer tok\001\001");
	g_free(plain);
	g_free(r);
	/* The server's error (JSON) is answered with an empty line. */
	r = net_sasl_step(sa, "eyJzdGF0dXMiOiI0MDEifQ==");
	assert_string_equal(r, "");
	g_free(r);
	net_sasl_free(sa);

	sa = net_sasl_new(NET_SASL_OAUTHBEARER, "a@b.test", "tok",
	    "smtp.b.test", 587);
	r = net_sasl_initial(sa, 512);
	plain = decode(r);
	assert_string_equal(plain, "n,a=a@b.test,\001host=smtp.b.test\001"
	    "port=587\001auth=Bearer tok\001\001");
	g_free(plain);
	g_free(r);
	/* RFC 7628 3.2.3: the error is answered with ^A. */
	r = net_sasl_step(sa, "eyJzdGF0dXMiOiI0MDEifQ==");
	assert_string_equal(r, "AQ==");
	g_free(r);
	net_sasl_free(sa);
}

/* A loopback listener that accepts (the kernel does) and never speaks. */
static int
silent_listener(unsigned *port)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof sin;
	int			 fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static void
test_open(void **state)
{
	struct net_endpoint	 ep;
	mailstream		*s = NULL;
	GError			*err = NULL;
	gint64			 t0;
	unsigned		 port;
	int			 lfd;

	(void)state;
	lfd = silent_listener(&port);
	memset(&ep, 0, sizeof ep);
	ep.host = "127.0.0.1";
	ep.port = port;
	ep.timeout = 1;
	assert_int_equal(net_endpoint_timeout(&ep), 1);

	/* Plain: the stream is open, nothing is read yet. */
	ep.tls = NET_TLS_NONE;
	assert_int_equal(net_open(&ep, &s, &err), NET_OK);
	assert_null(err);
	assert_non_null(s);
	mailstream_close(s);
	s = NULL;

	/* Implicit TLS to a silent server: cut after the timeout. */
	ep.tls = NET_TLS_IMPLICIT;
	t0 = g_get_monotonic_time();
	assert_int_equal(net_open(&ep, &s, &err), NET_ERR_TIMEOUT);
	assert_true(g_get_monotonic_time() - t0 < 4 * G_USEC_PER_SEC);
	assert_null(s);
	assert_non_null(err);
	assert_true(g_error_matches(err, NET_ERROR, NET_ERR_TIMEOUT));
	assert_non_null(strstr(err->message, "127.0.0.1"));
	g_clear_error(&err);
	close(lfd);

	/* Nobody listens any more: refused, and the error names the port. */
	ep.tls = NET_TLS_NONE;
	assert_int_equal(net_open(&ep, &s, &err), NET_ERR_CONNECT);
	assert_null(s);
	assert_true(g_error_matches(err, NET_ERROR, NET_ERR_CONNECT));
	g_clear_error(&err);
	ep.timeout = 0;
	assert_int_equal(net_endpoint_timeout(&ep), 60);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_login),
		cmocka_unit_test(test_cram_md5),
		cmocka_unit_test(test_oauth),
		cmocka_unit_test(test_open),
	};

	return cmocka_run_group_tests_name("net", tests, NULL, NULL);
}
