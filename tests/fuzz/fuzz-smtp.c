/*
 * fuzz-smtp.c: satchel's SMTP reply handling (src/smtp/smtp-session.c and
 * the libetpan reply reader under it).
 *
 * Input: one byte of options, then everything a server sends. A thread
 * plays the server on a loopback socket: it sends the input at once, ends
 * its side of the connection and reads whatever the client says until the
 * client closes. The client runs a whole submission: greeting, EHLO, AUTH
 * (mechanism from the option byte), MAIL, RCPT for three recipients, DATA,
 * RSET, a second transaction and QUIT. Besides "does not crash, leak or
 * hang", the harness checks the result promises of smtp.h: a failure
 * carries a reason, SMTP_OK has a 2xx code, a recipient answered 2xx is
 * never counted as refused, and a session reported dead is not used again.
 * Option bit 0x20 asks for STARTTLS: a scripted server can never complete
 * the handshake, so then no AUTH, MAIL, RCPT or DATA may leave the client.
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

#include "smtp/smtp.h"
#include "util/util.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fuzz_server {
	const uint8_t	*data;
	size_t		 len;
	GString		*heard;		/* what the client sent */
};

static int	 fuzz_listener = -1;
static unsigned	 fuzz_port;

static const char *fuzz_mechs[] = {
	"auto", "PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER", "CRAM-MD5",
	"auto", "PLAIN",
};

static const char fuzz_msg[] =
	"From: Alice <alice@example.test>\r\n"
	"To: bob@example.test\r\n"
	"Subject: fuzz\r\n"
	"Message-ID: <fuzz@example.test>\r\n"
	"\r\n"
	".a line that needs dot-stuffing\r\n"
	"body\r\n";

static void
fuzz_die(const char *what)
{
	fprintf(stderr, "fuzz-smtp: %s\n", what);
	abort();
}

static gpointer
fuzz_serve(gpointer arg)
{
	struct fuzz_server	*sv = arg;
	struct pollfd		 pfd;
	char			 buf[4096];
	ssize_t			 n;
	int			 fd;

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
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (sv->heard->len < 1024 * 1024)
			g_string_append_len(sv->heard, buf, (gsize)n);
	close(fd);
	return NULL;
}

/* Did the client send a line starting with cmd (case-insensitive)? */
static gboolean
fuzz_said(const GString *heard, const char *cmd)
{
	size_t	 n = strlen(cmd);
	gsize	 i = 0;

	while (i < heard->len) {
		const char *eol = memchr(heard->str + i, '\n', heard->len - i);

		if (heard->len - i >= n &&
		    g_ascii_strncasecmp(heard->str + i, cmd, n) == 0)
			return TRUE;
		if (eol == NULL)
			break;
		i = (gsize)(eol - heard->str) + 1;
	}
	return FALSE;
}

static void
fuzz_check(enum smtp_status st, GError **err)
{
	if (getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "fuzz-smtp: status %d: %s\n", (int)st,
		    *err != NULL ? (*err)->message : "");
	if (st != SMTP_OK && (*err == NULL || *(*err)->message == '\0'))
		fuzz_die("failure without a reason");
	if (*err != NULL && ((*err)->domain != SMTP_ERROR ||
	    (*err)->code != (int)st))
		fuzz_die("the error's domain or code is not the status");
	(void)smtp_strerror(st);
	(void)smtp_status_is_temporary(st);
	g_clear_error(err);
}

static void
fuzz_check_result(const struct smtp_result *r, enum smtp_status st)
{
	guint	i;

	if (getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "fuzz-smtp: send %d code %d: %s\n", (int)st,
		    r->code, r->text != NULL ? r->text : "");
	if (r->status != st)
		fuzz_die("result status differs from the return value");
	if (st == SMTP_OK && (r->code < 200 || r->code > 299))
		fuzz_die("SMTP_OK without a 2xx code");
	if (st != SMTP_OK && r->text == NULL)
		fuzz_die("failed transaction without a reason");
	for (i = 0; r->refused != NULL && i < r->refused->len; i++) {
		const struct smtp_refusal *f = g_ptr_array_index(r->refused,
		    i);

		if (f->addr == NULL)
			fuzz_die("refusal without an address");
		/* Garbage codes (657) count as refusals; 2xx never does. */
		if (f->code >= 200 && f->code <= 299)
			fuzz_die("a 2xx reply counted as a refusal");
	}
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
		fprintf(stderr, "fuzz-smtp: loopback listener: %s\n",
		    strerror(errno));
		exit(1);
	}
	fuzz_port = ntohs(sin.sin_port);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_endpoint	 o;
	struct smtp_session	*ss = NULL;
	struct smtp_result	 r;
	struct fuzz_server	 sv;
	GPtrArray		*rcpts;
	GThread			*t;
	enum smtp_status	 st;
	GError			*err = NULL;
	unsigned		 opt, round;

	if (size < 1)
		return 0;
	opt = data[0];
	sv.data = data + 1;
	sv.len = size - 1;
	sv.heard = g_string_new(NULL);
	t = g_thread_new("fuzz-smtp-server", fuzz_serve, &sv);

	memset(&o, 0, sizeof(o));
	o.host = "127.0.0.1";
	o.port = fuzz_port;
	o.tls = (opt & 0x20) != 0 ? NET_TLS_STARTTLS : NET_TLS_NONE;
	o.timeout = 5;
	st = smtp_session_open(&o, &ss, &err);
	fuzz_check(st, &err);
	if (st != SMTP_OK) {
		if (ss != NULL)
			fuzz_die("session set on failure");
		goto out;
	}
	(void)smtp_session_offers_dsn(ss);
	if ((opt & 0x08) == 0 || smtp_session_offers_auth(ss)) {
		st = smtp_session_auth(ss, fuzz_mechs[opt & 7], "alice",
		    "secret", TRUE, &err);
		fuzz_check(st, &err);
		if (st != SMTP_OK)
			goto out;
	}
	rcpts = g_ptr_array_new();
	g_ptr_array_add(rcpts, (gpointer)"bob@example.test");
	g_ptr_array_add(rcpts, (gpointer)"carol@example.test");
	g_ptr_array_add(rcpts, (gpointer)"d\xc3\xa9@example.test");
	for (round = 0; round < 2 && smtp_session_alive(ss); round++) {
		smtp_result_init(&r);
		st = smtp_session_send(ss, "alice@example.test", rcpts,
		    (opt & 0x10) ? "envid+1" : NULL, fuzz_msg,
		    sizeof(fuzz_msg) - 1, &r);
		fuzz_check_result(&r, st);
		smtp_result_clear(&r);
		if (smtp_session_alive(ss))
			(void)smtp_session_reset(ss);
	}
	g_ptr_array_unref(rcpts);
out:
	smtp_session_close(ss);
	g_thread_join(t);
	if ((opt & 0x20) != 0 && (fuzz_said(sv.heard, "AUTH") ||
	    fuzz_said(sv.heard, "MAIL") || fuzz_said(sv.heard, "RCPT") ||
	    fuzz_said(sv.heard, "DATA")))
		fuzz_die("a command went out before STARTTLS succeeded");
	g_string_free(sv.heard, TRUE);
	return 0;
}
