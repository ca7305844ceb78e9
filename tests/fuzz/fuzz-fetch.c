/*
 * fuzz-fetch.c: the whole fetch (src/pop3/pop3-fetch.c over
 * pop3-session.c) into a real store in a temporary directory, against a
 * scripted server.
 *
 * Input: one byte of options, then everything the server sends. A thread
 * plays the server on a loopback socket: it sends the input at once, ends
 * its side and records what the client says until the client closes. The
 * options choose the account: bit 0 STLS (pop3_tls = starttls; the TLS
 * handshake can only fail against scripted bytes, so what is reached is
 * everything up to and including it), bit 1 allow_plaintext, bit 2 delete
 * mode (keep = false), bit 3 max_size 300 (larger messages headers-only
 * with TOP), bits 4-5 the auth method (auto, user, apop, PLAIN), bit 6
 * delete_after_days, bit 7 a second fetch of the same script into the
 * same store.
 *
 * Properties checked: a failure carries a UTF-8 message; on success the
 * folder holds exactly result.new_msgs messages more than before and the
 * index passes store_check(); keep mode without delete_after_days never
 * sends DELE; without allow_plaintext (and no TLS can succeed here) no
 * USER, PASS, APOP or AUTH command ever leaves the client; a second fetch
 * stores no message whose UIDL the first one stored.
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

#include "util/util.h"
#include "config/config.h"
#include "store/store.h"
#include "pop3/pop3.h"
#include "scratch.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fuzz_server {
	const uint8_t	*data;
	size_t		 len;
	GString		*heard;		/* what the client sent */
};

static int	 fuzz_listener = -1;
static unsigned	 fuzz_port;

static const char *fuzz_auths[] = { "auto", "user", "apop", "PLAIN" };

static void
fuzz_die(struct store *st, const char *what)
{
	fprintf(stderr, "fuzz-fetch: %s (%s)\n", what,
	    st != NULL ? store_errmsg(st) : "");
	abort();
}

static gpointer
fuzz_serve(gpointer arg)
{
	struct fuzz_server	*sv = arg;
	char			 buf[4096];
	struct pollfd		 pfd;
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

static guint64
fuzz_count(struct store *st)
{
	struct store_query	*q = NULL;
	guint64			 n = 0;
	GError			*err = NULL;

	if (store_query_new(st, NULL, STORE_INBOX, &q, &err) != STORE_OK ||
	    store_query_count(q, &n) != STORE_OK)
		fuzz_die(st, "cannot count INBOX");
	store_query_free(q);
	return n;
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

static enum pop3_status
fuzz_fetch(struct store *st, struct account *acc, const uint8_t *data,
    size_t size, GString *heard, struct pop3_fetch_result *res)
{
	struct pop3_credentials	 cred = { NULL, "s3cret-pw", "t0ken" };
	struct pop3_fetch_opts	 o;
	struct fuzz_server	 sv;
	enum pop3_status	 s;
	GError			*err = NULL;
	GThread			*t;

	sv.data = data;
	sv.len = size;
	sv.heard = heard;
	t = g_thread_new("fuzz-fetch-server", fuzz_serve, &sv);
	memset(&o, 0, sizeof(o));
	o.ignore_login_delay = TRUE;
	pop3_fetch_result_init(res);
	s = pop3_fetch_account(st, acc, &cred, &o, NULL, NULL, res, &err);
	if (getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "fuzz-fetch: status %d: %s\n", (int)s,
		    err != NULL ? err->message : "");
	if (s == POP3_OK || s == POP3_DEFERRED) {
		if (err != NULL)
			fuzz_die(st, "error set on success");
	} else if (err == NULL || err->message == NULL ||
	    !g_utf8_validate(err->message, -1, NULL))
		fuzz_die(st, "failure without a readable message");
	if (res->server_text != NULL && !g_utf8_validate(res->server_text, -1,
	    NULL))
		fuzz_die(st, "server text is not UTF-8");
	g_clear_error(&err);
	g_thread_join(t);
	return s;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_in	sin;
	socklen_t		slen = sizeof(sin);

	signal(SIGPIPE, SIG_IGN);
	fuzz_init();
	fuzz_listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fuzz_listener == -1 ||
	    bind(fuzz_listener, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(fuzz_listener, 4) != 0 ||
	    getsockname(fuzz_listener, (struct sockaddr *)&sin, &slen) != 0) {
		fprintf(stderr, "fuzz-fetch: loopback listener: %s\n",
		    strerror(errno));
		exit(1);
	}
	fuzz_port = ntohs(sin.sin_port);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pop3_fetch_result res;
	struct account		*acc;
	struct store		*st;
	enum pop3_status	 s;
	GString			*heard = g_string_new(NULL);
	char			*dir;
	guint64			 before, after;
	unsigned		 opt;

	if (size < 1)
		return 0;
	opt = data[0];
	data++;
	size--;

	acc = config_account_new("acct");
	acc->pop3_host = g_strdup("127.0.0.1");
	acc->pop3_port = fuzz_port;
	acc->pop3_tls = (opt & 1) != 0 ? NET_TLS_STARTTLS : NET_TLS_NONE;
	acc->pop3_user = g_strdup("user");
	acc->allow_plaintext = (opt & 2) != 0;
	acc->keep = (opt & 4) == 0;
	acc->max_size = (opt & 8) != 0 ? 300 : 0;
	g_free(acc->pop3_auth);
	acc->pop3_auth = g_strdup(fuzz_auths[(opt >> 4) & 3]);
	acc->delete_after_days = (opt & 64) != 0 ? 1 : 0;
	acc->timeout = 5;

	st = fuzz_store_new(&dir);
	before = fuzz_count(st);
	s = fuzz_fetch(st, acc, data, size, heard, &res);
	after = fuzz_count(st);
	if (s == POP3_OK) {
		if (after - before != res.new_msgs)
			fuzz_die(st, "new_msgs differs from what was stored");
		if (store_check(st) != STORE_OK)
			fuzz_die(st, "index damaged after a fetch");
	} else if (after < before)
		fuzz_die(st, "a failed fetch lost mail");
	if (acc->keep && acc->delete_after_days == 0 && fuzz_said(heard,
	    "DELE"))
		fuzz_die(st, "keep mode sent DELE");
	if (!acc->allow_plaintext && (fuzz_said(heard, "USER") ||
	    fuzz_said(heard, "PASS") || fuzz_said(heard, "APOP") ||
	    fuzz_said(heard, "AUTH")))
		fuzz_die(st, "credentials over an unencrypted link");
	pop3_fetch_result_clear(&res);

	if ((opt & 128) != 0 && s == POP3_OK) {
		/* The same mailbox again: nothing new may be stored twice. */
		g_string_truncate(heard, 0);
		before = after;
		s = fuzz_fetch(st, acc, data, size, heard, &res);
		after = fuzz_count(st);
		if (s == POP3_OK && acc->keep && res.new_msgs != 0 &&
		    res.partial_msgs == 0)
			fuzz_die(st, "a second fetch stored known mail again");
		if (after < before && acc->keep)
			fuzz_die(st, "a second fetch lost mail");
		pop3_fetch_result_clear(&res);
	}
	fuzz_store_done(st, dir);
	config_account_free(acc);
	g_string_free(heard, TRUE);
	return 0;
}
