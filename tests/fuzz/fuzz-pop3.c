/*
 * fuzz-pop3.c: satchel's own POP3 reply handling (src/pop3/pop3-session.c).
 *
 * Input: one byte of options, then everything a server sends. A thread
 * plays the server on a loopback socket: it sends the input at once, ends
 * its side of the connection and reads whatever the client says until the
 * client closes. The client runs a whole session against it: greeting,
 * CAPA, authentication, STAT, UIDL, LIST, RETR/TOP (pipelined when the
 * input's CAPA offers it), DELE and QUIT, stopping at the first error as
 * pop3-fetch.c does. Besides "does not crash, leak or hang", the harness
 * checks that every failure carries a message and that the download sink
 * sees begin, data, end in order for messages that were asked for.
 */
#include "satchel-config.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pop3/pop3-session.h"
#include "util/util.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Messages downloaded at most per run: enough to exercise the window. */
#define FUZZ_MAX_FETCH	40

struct fuzz_server {
	const uint8_t	*data;
	size_t		 len;
};

struct fuzz_sink_state {
	guint		 n;
	gint		 open;		/* index between begin and end, or -1 */
	guint		 ended;
};

static int	 fuzz_listener = -1;
static unsigned	 fuzz_port;

static const char *fuzz_methods[] = {
	"user", "auto", "apop", "PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2",
	"OAUTHBEARER",
};

static void
fuzz_die(const char *what)
{
	fprintf(stderr, "fuzz-pop3: %s\n", what);
	abort();
}

static gpointer
fuzz_serve(gpointer arg)
{
	struct fuzz_server	*sv = arg;
	char			 buf[4096];
	struct pollfd		 pfd;
	int			 fd;

	/* A client that failed before connecting must not hang us. */
	pfd.fd = fuzz_listener;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 10000) != 1)
		return NULL;
	do {
		fd = accept(fuzz_listener, NULL, NULL);
	} while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return NULL;
	(void)file_write_all(fd, sv->data, sv->len);
	shutdown(fd, SHUT_WR);
	/* Read until the client closes: no reset can eat our data. */
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	return NULL;
}

static enum pop3_status
fuzz_begin(guint idx, void *data)
{
	struct fuzz_sink_state *st = data;

	if (idx >= st->n || st->open != -1)
		fuzz_die("sink: begin out of order");
	st->open = (gint)idx;
	return POP3_OK;
}

static enum pop3_status
fuzz_write(const void *buf, size_t len, void *data)
{
	struct fuzz_sink_state *st = data;

	if (st->open == -1)
		fuzz_die("sink: data outside a message");
	if (len > 0 && buf == NULL)
		fuzz_die("sink: NULL data");
	return POP3_OK;
}

static enum pop3_status
fuzz_end(guint idx, void *data)
{
	struct fuzz_sink_state *st = data;

	if (st->open != (gint)idx)
		fuzz_die("sink: end without begin");
	st->open = -1;
	st->ended++;
	return POP3_OK;
}

static void
fuzz_skip(guint idx, const char *text, void *data)
{
	struct fuzz_sink_state *st = data;

	if (idx >= st->n || st->open != -1)
		fuzz_die("sink: skip out of order");
	if (text != NULL && !g_utf8_validate(text, -1, NULL))
		fuzz_die("sink: skip text is not UTF-8");
}

static void
fuzz_check_error(enum pop3_status st, GError **err)
{
	if (getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "fuzz-pop3: status %d: %s\n", (int)st,
		    *err != NULL ? (*err)->message : "");
	if (st == POP3_OK) {
		if (*err != NULL)
			fuzz_die("error set on success");
		return;
	}
	if (*err == NULL || (*err)->message == NULL)
		fuzz_die("failure without a message");
	if (!g_utf8_validate((*err)->message, -1, NULL))
		fuzz_die("error message is not UTF-8");
	(void)pop3_strerror(st);
	g_clear_error(err);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_in	sin;
	socklen_t		slen = sizeof(sin);

	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_LEVEL_ERROR);
	fuzz_listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fuzz_listener == -1 ||
	    bind(fuzz_listener, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(fuzz_listener, 4) != 0 ||
	    getsockname(fuzz_listener, (struct sockaddr *)&sin, &slen) != 0) {
		fprintf(stderr, "fuzz-pop3: loopback listener: %s\n",
		    strerror(errno));
		exit(1);
	}
	fuzz_port = ntohs(sin.sin_port);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_endpoint		 o;
	struct pop3_session		*s = NULL;
	struct pop3_session_item	 items[FUZZ_MAX_FETCH];
	struct pop3_session_sink	 sink;
	struct fuzz_sink_state		 state;
	struct fuzz_server		 sv;
	GPtrArray			*uidls = NULL;
	GArray				*sizes = NULL;
	GError				*err = NULL;
	GThread				*t;
	enum pop3_status		 st;
	guint				 count = 0, n, i, window;
	guint				 msgnos[FUZZ_MAX_FETCH];
	gboolean			 deleted[FUZZ_MAX_FETCH];
	guint64				 total = 0;
	unsigned			 opt;

	if (size < 1)
		return 0;
	opt = data[0];
	sv.data = data + 1;
	sv.len = size - 1;
	t = g_thread_new("fuzz-pop3-server", fuzz_serve, &sv);

	memset(&o, 0, sizeof(o));
	o.host = "127.0.0.1";
	o.port = fuzz_port;
	o.tls = NET_TLS_NONE;
	o.timeout = 5;
	st = pop3_session_open(&o, NULL, &s, &err);
	fuzz_check_error(st, &err);
	if (st != POP3_OK) {
		if (s != NULL)
			fuzz_die("session set on failure");
		goto out;
	}
	(void)pop3_session_caps(s);
	(void)pop3_session_expire(s);
	(void)pop3_session_login_delay(s);
	st = pop3_session_auth(s, fuzz_methods[opt & 7], "user", "secret",
	    "token", TRUE, &err);
	fuzz_check_error(st, &err);
	if (st != POP3_OK)
		goto out;
	st = pop3_session_stat(s, &count, &total, &err);
	fuzz_check_error(st, &err);
	if (st != POP3_OK)
		goto out;
	st = pop3_session_uidl(s, count, &uidls, &err);
	fuzz_check_error(st, &err);
	if (st == POP3_OK) {
		if (uidls == NULL || uidls->len != count)
			fuzz_die("UIDL listing has the wrong length");
		for (i = 0; i < uidls->len; i++) {
			const char *u = g_ptr_array_index(uidls, i);

			if (u != NULL && !pop3_session_uidl_valid(u,
			    strlen(u)) && pop3_session_uidl_kind(u) ==
			    POP3_UIDL_REAL)
				fuzz_die("invalid UIDL accepted");
		}
	} else if (st != POP3_ERR_NO_UIDL)
		goto out;
	st = pop3_session_list(s, count, &sizes, &err);
	fuzz_check_error(st, &err);
	if (st != POP3_OK)
		goto out;
	if (sizes == NULL || sizes->len != count)
		fuzz_die("LIST listing has the wrong length");

	n = MIN(count, FUZZ_MAX_FETCH);
	for (i = 0; i < n; i++) {
		items[i].msgno = i + 1;
		items[i].top = ((opt >> 3) & 1) != 0 && (i & 1) != 0;
		msgnos[i] = i + 1;
	}
	memset(&state, 0, sizeof(state));
	state.n = n;
	state.open = -1;
	sink.begin = fuzz_begin;
	sink.write = fuzz_write;
	sink.end = fuzz_end;
	sink.skip = fuzz_skip;
	sink.data = &state;
	window = (opt >> 4) + 1;
	st = pop3_session_fetch(s, items, n, window, &sink, &err);
	fuzz_check_error(st, &err);
	if (st != POP3_OK)
		goto out;
	if (state.open != -1)
		fuzz_die("fetch returned OK inside a message");
	st = pop3_session_dele(s, msgnos, n, window, deleted, &err);
	fuzz_check_error(st, &err);
	if (st != POP3_OK)
		goto out;
	st = pop3_session_quit(s, &err);
	fuzz_check_error(st, &err);
out:
	if (s != NULL) {
		const char *e = pop3_session_last_error(s);

		if (e != NULL && !g_utf8_validate(e, -1, NULL))
			fuzz_die("last error is not UTF-8");
	}
	pop3_session_free(s);
	if (uidls != NULL)
		g_ptr_array_unref(uidls);
	if (sizes != NULL)
		g_array_unref(sizes);
	g_thread_join(t);
	return 0;
}
