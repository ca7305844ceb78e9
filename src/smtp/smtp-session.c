/*
 * smtp-session.c: one SMTP submission session over libetpan.
 *
 * net/ opens the stream (connect, implicit TLS, verification) and upgrades
 * it after STARTTLS; libetpan reads the replies. AUTH (with the SASL
 * encodings of net/, so that no Cyrus SASL plugin is needed for PLAIN,
 * LOGIN, CRAM-MD5 and OAuth2) and the transaction commands (MAIL, RCPT, DATA, RSET) are written
 * here so that MAIL carries BODY=8BITMIME, SMTPUTF8, SIZE and ENVID as
 * needed, commands are pipelined when the server offers PIPELINING, and
 * every reply is read with its exact code.
 */
#include "satchel-config.h"

#include <sys/socket.h>

#include <netdb.h>
#include <string.h>

#include "util/util.h"
#include "net/net.h"
#include "smtp/smtp.h"

/* Exported by libetpan 1.9.4 but missing from its headers. */
int	mailsmtp_send_command(mailsmtp *, char *);
int	mailsmtp_send_command_private(mailsmtp *, char *);
int	mailsmtp_read_response(mailsmtp *);
int	mailesmtp_parse_ehlo(mailsmtp *);

/* RFC 5321 4.5.3.1.3: a path holds at most 256 octets. */
#define SMTP_ADDR_MAX	254
/*
 * Most a server may send between two of our commands. Reply lines are at
 * most 512 octets (RFC 5321 4.5.3.1.5) and an EHLO list a few dozen lines;
 * libetpan reads replies without any limit, so a hostile server could make
 * us read (and keep) without end.
 */
#define SMTP_REPLY_MAX	(64 * 1024)

struct smtp_session {
	mailsmtp	*s;
	char		*host;
	unsigned	 port;
	gboolean	 encrypted;
	gboolean	 alive;
	gboolean	 dirty;		/* a transaction ran: RSET first */
	gboolean	 pipelining;
	gboolean	 dsn;
	gboolean	 eightbit;
	gboolean	 smtputf8;
	gboolean	 size;
	GPtrArray	*mechs;		/* AUTH mechanisms offered, upper case */
	size_t		 received;	/* bytes read since our last write */
	gboolean	 overlong;	/* the server passed SMTP_REPLY_MAX */
	smtp_before_dot_fn before_dot;
	void		*before_dot_data;
};

struct smtp_reply {
	int		 code;
	char		*text;
};

static int	 smtp_session_send_ehlo(struct smtp_session *);
static gboolean	 smtp_session_write_stuffed(struct smtp_session *,
		    const char *, gsize);
static enum smtp_status smtp_session_ehlo(struct smtp_session *, GError **);
static enum smtp_status smtp_session_net_fail(enum net_status, GError *,
		    GError **);
static enum smtp_status smtp_session_greeting(struct smtp_session *,
		    mailstream *, GError **);
static enum smtp_status smtp_session_starttls(struct smtp_session *,
		    const struct net_endpoint *, GError **);
static void	 smtp_session_parse_ehlo(struct smtp_session *, const char *);
static int	 smtp_session_read(struct smtp_session *, char **);
static gboolean	 smtp_session_write(struct smtp_session *, const char *,
		    size_t);
static gboolean	 smtp_session_flush(struct smtp_session *);
static char	*smtp_session_reply_text(struct smtp_session *);
static enum smtp_status smtp_session_code_status(int);
static gboolean	 smtp_session_addr_ok(const char *, gboolean);
static gboolean	 smtp_session_has_8bit(const void *, gsize);
static gboolean	 smtp_session_ascii(const char *);
static gboolean	 smtp_session_offers(struct smtp_session *, const char *);
static enum smtp_status smtp_session_sasl(struct smtp_session *,
		    enum net_sasl_mech, const char *, const char *, GError **);
static enum smtp_status smtp_session_cyrus(struct smtp_session *,
		    const char *, const char *, const char *, GError **);
static enum smtp_status smtp_session_fail(struct smtp_result *,
		    enum smtp_status, int, const char *);
struct smtp_txn;
static enum smtp_status smtp_session_check_envelope(struct smtp_session *,
		    const char *, GPtrArray *, gboolean *, struct smtp_result *);
static void	 smtp_session_txn_build(struct smtp_session *,
		    struct smtp_txn *, const char *, GPtrArray *, const char *,
		    gsize, gboolean, gboolean);
static void	 smtp_session_txn_exchange(struct smtp_session *,
		    struct smtp_txn *);
static enum smtp_status smtp_session_txn_judge(struct smtp_txn *,
		    GPtrArray *, struct smtp_result *, gboolean *);
static enum smtp_status smtp_session_txn_data(struct smtp_session *,
		    const void *, gsize, struct smtp_result *);

/*
 * libetpan's logger sees every byte read and written. Count what the server
 * sends between our commands and cancel the stream when it is too much: the
 * pending read then fails and the session ends as a protocol error. Nothing
 * is logged: the data may hold secrets.
 */
static void
smtp_session_logger(mailsmtp *s, int type, const char *str, size_t size,
    void *data)
{
	struct smtp_session *ss = data;

	(void)str;
	switch (type) {
	case MAILSTREAM_LOG_TYPE_DATA_SENT:
	case MAILSTREAM_LOG_TYPE_DATA_SENT_PRIVATE:
		ss->received = 0;
		break;
	case MAILSTREAM_LOG_TYPE_DATA_RECEIVED:
		ss->received += size;
		if (ss->received > SMTP_REPLY_MAX && !ss->overlong) {
			ss->overlong = TRUE;
			if (s->stream != NULL)
				mailstream_cancel(s->stream);
		}
		break;
	default:
		break;
	}
}

static enum smtp_status
smtp_session_code_status(int code)
{
	if (code == 0)
		return SMTP_ERR_NETWORK;
	if (code >= 200 && code < 400)
		return SMTP_OK;
	if (code >= 400 && code < 500)
		return SMTP_ERR_TEMP;
	if (code >= 500 && code < 600)
		return SMTP_ERR_PERM;
	return SMTP_ERR_PROTOCOL;
}

static char *
smtp_session_reply_text(struct smtp_session *ss)
{
	char	*t;
	size_t	 n;

	if (ss->s->response == NULL)
		return g_strdup("");
	t = g_strdup(ss->s->response);
	n = strlen(t);
	while (n > 0 && (t[n - 1] == '\n' || t[n - 1] == '\r'))
		t[--n] = '\0';
	/* Multi-line replies are joined with a space for one-line display. */
	g_strdelimit(t, "\n", ' ');
	return t;
}

/* Read one reply; its code (0: the link failed) and text (g_free). */
static int
smtp_session_read(struct smtp_session *ss, char **text)
{
	int code;

	if (!ss->alive) {
		if (text != NULL)
			*text = g_strdup(_("connection lost"));
		return 0;
	}
	code = mailsmtp_read_response(ss->s);
	if (code <= 0 || ss->overlong) {
		ss->alive = FALSE;
		code = 0;
	}
	if (text != NULL)
		*text = ss->overlong ?
		    g_strdup(_("the server's reply is too long")) :
		    code == 0 ?
		    g_strdup(_("connection lost or timed out")) :
		    smtp_session_reply_text(ss);
	return code;
}

static gboolean
smtp_session_write(struct smtp_session *ss, const char *buf, size_t len)
{
	if (!ss->alive)
		return FALSE;
	if (mailstream_write(ss->s->stream, buf, len) != (ssize_t)len) {
		ss->alive = FALSE;
		return FALSE;
	}
	return TRUE;
}

/* The message, dot-stuffed, ending in CRLF; not the final ".". */
static gboolean
smtp_session_write_stuffed(struct smtp_session *ss, const char *p, gsize len)
{
	const char	*end = p + len, *eol;

	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		eol = eol != NULL ? eol + 1 : end;
		if (*p == '.' && !smtp_session_write(ss, ".", 1))
			return FALSE;
		if (!smtp_session_write(ss, p, (size_t)(eol - p)))
			return FALSE;
		p = eol;
	}
	if ((len < 2 || memcmp(end - 2, "\r\n", 2) != 0) &&
	    !smtp_session_write(ss, "\r\n", 2))
		return FALSE;
	return TRUE;
}

void
smtp_session_set_before_dot(struct smtp_session *ss, smtp_before_dot_fn fn,
    void *data)
{
	ss->before_dot = fn;
	ss->before_dot_data = data;
}

static gboolean
smtp_session_flush(struct smtp_session *ss)
{
	if (!ss->alive)
		return FALSE;
	if (mailstream_flush(ss->s->stream) == -1) {
		ss->alive = FALSE;
		return FALSE;
	}
	return TRUE;
}

static void
smtp_session_parse_ehlo(struct smtp_session *ss, const char *reply)
{
	g_auto(GStrv)	 lines = NULL;
	guint		 i, j;

	g_ptr_array_set_size(ss->mechs, 0);
	ss->smtputf8 = FALSE;
	ss->pipelining = (ss->s->esmtp & MAILSMTP_ESMTP_PIPELINING) != 0;
	ss->dsn = (ss->s->esmtp & MAILSMTP_ESMTP_DSN) != 0;
	ss->eightbit = (ss->s->esmtp & MAILSMTP_ESMTP_8BITMIME) != 0;
	ss->size = (ss->s->esmtp & MAILSMTP_ESMTP_SIZE) != 0;
	if (reply == NULL)
		return;
	lines = g_strsplit(reply, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		char *l = g_strstrip(lines[i]);

		if (g_ascii_strcasecmp(l, "SMTPUTF8") == 0)
			ss->smtputf8 = TRUE;
		if (g_ascii_strncasecmp(l, "AUTH ", 5) == 0 ||
		    g_ascii_strncasecmp(l, "AUTH=", 5) == 0) {
			g_auto(GStrv) m = g_strsplit_set(l + 5, " \t", -1);

			for (j = 0; m[j] != NULL; j++) {
				if (*m[j] == '\0' ||
				    smtp_session_offers(ss, m[j]))
					continue;
				g_ptr_array_add(ss->mechs,
				    g_ascii_strup(m[j], -1));
			}
		}
	}
}

static gboolean
smtp_session_offers(struct smtp_session *ss, const char *mech)
{
	guint i;

	for (i = 0; i < ss->mechs->len; i++)
		if (g_ascii_strcasecmp(g_ptr_array_index(ss->mechs, i),
		    mech) == 0)
			return TRUE;
	return FALSE;
}

/*
 * EHLO with our IP literal, as mailesmtp_ehlo_with_ip() sends it, but with
 * TABs in the reply turned into spaces before libetpan parses it: its
 * mailesmtp_parse_ehlo() (1.9.4) loops for ever on a TAB after "AUTH ".
 * Returns a MAILSMTP_* code like mailesmtp_ehlo_with_ip().
 */
static int
smtp_session_send_ehlo(struct smtp_session *ss)
{
	struct sockaddr_storage	 sa;
	socklen_t		 sl = sizeof sa;
	char			 ip[NI_MAXHOST], cmd[NI_MAXHOST + 16], *p;
	int			 fd, code;

	fd = mailstream_low_get_fd(mailstream_get_low(ss->s->stream));
	if (fd < 0 || getsockname(fd, (struct sockaddr *)&sa, &sl) != 0 ||
	    getnameinfo((struct sockaddr *)&sa, sl, ip, sizeof ip, NULL, 0,
	    NI_NUMERICHOST) != 0)
		return MAILSMTP_ERROR_HOSTNAME;
	g_snprintf(cmd, sizeof cmd, "EHLO [%s]\r\n", ip);
	if (mailsmtp_send_command(ss->s, cmd) == -1)
		return MAILSMTP_ERROR_STREAM;
	code = mailsmtp_read_response(ss->s);
	switch (code) {
	case 250:
		for (p = ss->s->response; p != NULL && *p != '\0'; p++)
			if (*p == '\t')
				*p = ' ';
		return mailesmtp_parse_ehlo(ss->s);
	case 504:
		return MAILSMTP_ERROR_NOT_IMPLEMENTED;
	case 550:
		return MAILSMTP_ERROR_ACTION_NOT_TAKEN;
	case 0:
		return MAILSMTP_ERROR_STREAM;
	default:
		return MAILSMTP_ERROR_UNEXPECTED_CODE;
	}
}

static enum smtp_status
smtp_session_ehlo(struct smtp_session *ss, GError **err)
{
	enum smtp_status st;
	int r;

	ss->s->response_code = 0;
	r = smtp_session_send_ehlo(ss);
	if (r == MAILSMTP_NO_ERROR) {
		smtp_session_parse_ehlo(ss, ss->s->response);
		return SMTP_OK;
	}
	if (ss->overlong) {
		ss->alive = FALSE;
		g_set_error_literal(err, SMTP_ERROR, SMTP_ERR_PROTOCOL,
		    _("the server's reply to EHLO is too long"));
		return SMTP_ERR_PROTOCOL;
	}
	if (r == MAILSMTP_ERROR_STREAM) {
		ss->alive = FALSE;
		g_set_error_literal(err, SMTP_ERROR, SMTP_ERR_NETWORK,
		    _("connection lost after the greeting"));
		return SMTP_ERR_NETWORK;
	}
	/* Not ESMTP: plain HELO, no extensions. */
	r = mailsmtp_helo_with_ip(ss->s, 1);
	if (r == MAILSMTP_NO_ERROR) {
		smtp_session_parse_ehlo(ss, NULL);
		return SMTP_OK;
	}
	if (r == MAILSMTP_ERROR_STREAM)
		ss->alive = FALSE;
	st = r == MAILSMTP_ERROR_STREAM ? SMTP_ERR_NETWORK :
	    smtp_session_code_status(ss->s->response_code) == SMTP_ERR_TEMP ?
	    SMTP_ERR_TEMP : SMTP_ERR_PROTOCOL;
	g_set_error(err, SMTP_ERROR, st, _("the server refused HELO: %d %s"),
	    ss->s->response_code, ss->s->response != NULL ?
	    ss->s->response : "");
	return st;
}

/*
 * net/ failed (connect, handshake, certificate): its text, which names the
 * host, under the SMTP status that matches.
 */
static enum smtp_status
smtp_session_net_fail(enum net_status ns, GError *nerr, GError **err)
{
	enum smtp_status st;

	switch (ns) {
	case NET_ERR_RESOLVE:
		st = SMTP_ERR_RESOLVE;
		break;
	case NET_ERR_TIMEOUT:
		st = SMTP_ERR_TIMEOUT;
		break;
	case NET_ERR_TLS:
		st = SMTP_ERR_TLS;
		break;
	case NET_ERR_CERT:
		st = SMTP_ERR_CERT;
		break;
	default:
		st = SMTP_ERR_CONNECT;
		break;
	}
	g_set_error_literal(err, SMTP_ERROR, st, nerr != NULL ?
	    nerr->message : net_strerror(ns));
	if (nerr != NULL)
		g_error_free(nerr);
	return st;
}

/* The greeting (mailsmtp_connect reads it; it closes stream on failure). */
static enum smtp_status
smtp_session_greeting(struct smtp_session *ss, mailstream *stream,
    GError **err)
{
	enum smtp_status st;
	int code;

	if (mailsmtp_connect(ss->s, stream) == MAILSMTP_NO_ERROR) {
		ss->alive = TRUE;
		return SMTP_OK;
	}
	code = ss->s->response_code;
	if (ss->overlong) {
		st = SMTP_ERR_PROTOCOL;
		g_set_error(err, SMTP_ERROR, st, _("%s:%u: the server's "
		    "greeting is too long"), ss->host, ss->port);
	} else if (code == 0) {
		st = SMTP_ERR_NETWORK;
		g_set_error(err, SMTP_ERROR, st, _("%s:%u: no greeting from "
		    "the server"), ss->host, ss->port);
	} else {
		g_autofree char *t = smtp_session_reply_text(ss);

		st = smtp_session_code_status(code);
		if (st == SMTP_OK)
			st = SMTP_ERR_PROTOCOL;
		g_set_error(err, SMTP_ERROR, st, "%d %s", code, t);
	}
	return st;
}

/*
 * STARTTLS (refused if not offered), the TLS upgrade by net/ with its
 * verification, and EHLO again: what was learnt before TLS is forgotten.
 */
static enum smtp_status
smtp_session_starttls(struct smtp_session *ss, const struct net_endpoint *ep,
    GError **err)
{
	enum smtp_status st;
	enum net_status ns;
	GError *nerr = NULL;
	int code = 0;

	if (!(ss->s->esmtp & MAILSMTP_ESMTP_STARTTLS)) {
		g_set_error(err, SMTP_ERROR, SMTP_ERR_NOSTARTTLS,
		    _("%s:%u does not offer STARTTLS; refusing to continue "
		    "unencrypted"), ss->host, ss->port);
		return SMTP_ERR_NOSTARTTLS;
	}
	ss->s->response_code = 0;
	if (mailsmtp_send_command(ss->s, (char *)"STARTTLS\r\n") == 0)
		code = mailsmtp_read_response(ss->s);
	if (code != 220) {
		ss->alive = FALSE;
		code = ss->s->response_code;
		if (code >= 400 && code < 600) {
			g_autofree char *t = smtp_session_reply_text(ss);

			st = code < 500 ? SMTP_ERR_TEMP : SMTP_ERR_NOSTARTTLS;
			g_set_error(err, SMTP_ERROR, st, "STARTTLS: %d %s",
			    code, t);
			return st;
		}
		g_set_error(err, SMTP_ERROR, SMTP_ERR_TLS,
		    _("%s:%u: TLS handshake failed"), ss->host, ss->port);
		return SMTP_ERR_TLS;
	}
	if ((ns = net_starttls(ss->s->stream, ep, &nerr)) != NET_OK) {
		ss->alive = FALSE;
		return smtp_session_net_fail(ns, nerr, err);
	}
	ss->encrypted = TRUE;
	return smtp_session_ehlo(ss, err);
}

enum smtp_status
smtp_session_open(const struct net_endpoint *ep, struct smtp_session **out,
    GError **err)
{
	struct smtp_session	*ss;
	mailstream		*stream;
	enum net_status		 ns;
	enum smtp_status	 st;
	GError			*nerr = NULL;

	*out = NULL;
	if (ep->host == NULL || *ep->host == '\0') {
		g_set_error_literal(err, SMTP_ERROR, SMTP_ERR_INVALID,
		    _("no SMTP host configured"));
		return SMTP_ERR_INVALID;
	}
	if ((ns = net_open(ep, &stream, &nerr)) != NET_OK)
		return smtp_session_net_fail(ns, nerr, err);

	ss = g_new0(struct smtp_session, 1);
	ss->host = g_strdup(ep->host);
	ss->port = ep->port;
	ss->encrypted = ep->tls == NET_TLS_IMPLICIT;
	ss->mechs = g_ptr_array_new_with_free_func(g_free);
	ss->s = mailsmtp_new(0, NULL);
	mailsmtp_set_timeout(ss->s, net_endpoint_timeout(ep));
	mailsmtp_set_logger(ss->s, smtp_session_logger, ss);
	if ((st = smtp_session_greeting(ss, stream, err)) != SMTP_OK ||
	    (st = smtp_session_ehlo(ss, err)) != SMTP_OK ||
	    (ep->tls == NET_TLS_STARTTLS &&
	    (st = smtp_session_starttls(ss, ep, err)) != SMTP_OK)) {
		ss->alive = FALSE;
		smtp_session_close(ss);
		return st;
	}
	*out = ss;
	return SMTP_OK;
}

void
smtp_session_close(struct smtp_session *ss)
{
	if (ss == NULL)
		return;
	if (ss->s != NULL) {
		if (ss->alive && ss->s->stream != NULL) {
			/* QUIT, and read the reply: a clean end. */
			if (mailsmtp_send_command(ss->s, (char *)"QUIT\r\n") == 0)
				(void)mailsmtp_read_response(ss->s);
		}
		if (ss->s->stream != NULL) {
			mailstream_close(ss->s->stream);
			ss->s->stream = NULL;
		}
		mailsmtp_free(ss->s);
	}
	g_ptr_array_unref(ss->mechs);
	g_free(ss->host);
	g_free(ss);
}

gboolean
smtp_session_offers_auth(struct smtp_session *ss)
{
	return ss->mechs->len > 0;
}

gboolean
smtp_session_offers_dsn(struct smtp_session *ss)
{
	return ss->dsn;
}

gboolean
smtp_session_alive(struct smtp_session *ss)
{
	return ss != NULL && ss->alive;
}

/*
 * The AUTH exchange of RFC 4954 for a mechanism net/ encodes: the command
 * with the initial response if the line stays within 512 octets, then one
 * line per 334 challenge until 235 (success) or a refusal. Lines holding a
 * secret go through the private write, which the logger never shows.
 * OAuth2 failures arrive as a 334 carrying a JSON error; net_sasl_step
 * answers it so that the server sends its final 5xx.
 */
static enum smtp_status
smtp_session_sasl(struct smtp_session *ss, enum net_sasl_mech mech,
    const char *user, const char *secret, GError **err)
{
	const char	*name = net_sasl_mech_name(mech);
	struct net_sasl	*sa;
	char		*ir, *cmd, *text = NULL;
	int		 code, step;
	gboolean	 sent;
	enum smtp_status st;

	sa = net_sasl_new(mech, user, secret, ss->host, ss->port);
	/* RFC 5321 4.5.3.1.4: "AUTH " NAME " " IR CRLF in 512 octets. */
	ir = net_sasl_initial(sa, 512 - 8 - strlen(name));
	if (ir != NULL)
		cmd = g_strdup_printf("AUTH %s %s\r\n", name, *ir != '\0' ?
		    ir : "=");
	else
		cmd = g_strdup_printf("AUTH %s\r\n", name);
	net_sasl_wipe(ir);
	g_free(ir);
	ss->s->response_code = 0;
	sent = mailsmtp_send_command_private(ss->s, cmd) == 0;
	net_sasl_wipe(cmd);
	g_free(cmd);
	code = sent ? smtp_session_read(ss, &text) : 0;
	/* A well-behaved exchange has at most 3 challenges (LOGIN). */
	for (step = 0; code == 334 && step < 8; step++) {
		char *resp = net_sasl_step(sa, text);

		cmd = g_strdup_printf("%s\r\n", resp);
		net_sasl_wipe(resp);
		g_free(resp);
		g_clear_pointer(&text, g_free);
		sent = mailsmtp_send_command_private(ss->s, cmd) == 0;
		net_sasl_wipe(cmd);
		g_free(cmd);
		code = sent ? smtp_session_read(ss, &text) : 0;
	}
	net_sasl_free(sa);
	if (code == 235) {
		g_free(text);
		return SMTP_OK;
	}
	if (code == 0) {
		ss->alive = FALSE;
		g_free(text);
		g_set_error_literal(err, SMTP_ERROR, SMTP_ERR_NETWORK,
		    _("connection lost during AUTH"));
		return SMTP_ERR_NETWORK;
	}
	if (code == 334) {
		g_free(text);
		ss->alive = FALSE;
		g_set_error(err, SMTP_ERROR, SMTP_ERR_PROTOCOL, _("%s: the "
		    "AUTH %s exchange did not end"), ss->host, name);
		return SMTP_ERR_PROTOCOL;
	}
	if (code >= 400 && code < 500)
		st = SMTP_ERR_TEMP;
	else if (code >= 500 && code < 600)
		st = SMTP_ERR_AUTH;
	else	/* 2xx other than 235, 3xx other than 334: not an AUTH reply. */
		st = SMTP_ERR_PROTOCOL;
	g_set_error(err, SMTP_ERROR, st, "%d %s", code, text != NULL ? text :
	    "");
	g_free(text);
	return st;
}

/*
 * A mechanism satchel does not encode (SCRAM, DIGEST-MD5, GSSAPI...) goes
 * through libetpan and Cyrus SASL, whose mechanisms are plugins.
 */
static enum smtp_status
smtp_session_cyrus(struct smtp_session *ss, const char *use,
    const char *user, const char *secret, GError **err)
{
	g_autofree char	*text = NULL;
	int		 r, code;

	ss->s->response_code = 0;
	r = mailesmtp_auth_sasl(ss->s, use, ss->host, NULL, NULL, user, user,
	    secret, NULL);
	if (r == MAILSMTP_NO_ERROR)
		return SMTP_OK;
	code = ss->s->response_code;
	if (r == MAILSMTP_ERROR_STREAM || (code == 0 &&
	    ss->s->stream == NULL)) {
		ss->alive = FALSE;
		g_set_error_literal(err, SMTP_ERROR, SMTP_ERR_NETWORK,
		    _("connection lost during AUTH"));
		return SMTP_ERR_NETWORK;
	}
	if (code == 0 || (code >= 200 && code < 400)) {
		/* Nothing came back: SASL failed here, before sending. */
		g_set_error(err, SMTP_ERROR, SMTP_ERR_NOAUTH,
		    _("the SASL mechanism %s is not "
		    "available here: install the Cyrus SASL plugins "
		    "(Debian package %s), or set smtp_auth to PLAIN, LOGIN "
		    "or CRAM-MD5"), use,
		    g_ascii_strcasecmp(use, "GSSAPI") == 0 ?
		    "libsasl2-modules-gssapi-mit" : "libsasl2-modules");
		return SMTP_ERR_NOAUTH;
	}
	text = smtp_session_reply_text(ss);
	g_set_error(err, SMTP_ERROR, code >= 400 && code < 500 ?
	    SMTP_ERR_TEMP : SMTP_ERR_AUTH, "%d %s", code, text);
	return code >= 400 && code < 500 ? SMTP_ERR_TEMP : SMTP_ERR_AUTH;
}

enum smtp_status
smtp_session_auth(struct smtp_session *ss, const char *mech,
    const char *user, const char *secret, gboolean allow_plaintext,
    GError **err)
{
	/* Ours first: they need nothing from the system. */
	static const char *const prefer[] = {
		"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256", "SCRAM-SHA-1",
		"DIGEST-MD5", NULL,
	};
	const char	*use = NULL;
	enum net_sasl_mech m;
	guint		 i;

	if (!ss->encrypted && !allow_plaintext) {
		g_set_error(err, SMTP_ERROR, SMTP_ERR_PLAINTEXT, _("%s: the "
		    "connection is not encrypted; set allow_plaintext to send "
		    "a password anyway"), ss->host);
		return SMTP_ERR_PLAINTEXT;
	}
	if (user == NULL || secret == NULL)
		return SMTP_ERR_INVALID;
	if (ss->mechs->len == 0) {
		g_set_error(err, SMTP_ERROR, SMTP_ERR_NOAUTH,
		    _("%s does not offer AUTH"), ss->host);
		return SMTP_ERR_NOAUTH;
	}
	if (mech != NULL && *mech != '\0' &&
	    g_ascii_strcasecmp(mech, "auto") != 0) {
		if (!smtp_session_offers(ss, mech)) {
			g_set_error(err, SMTP_ERROR, SMTP_ERR_NOAUTH,
			    _("%s does not offer AUTH %s"), ss->host, mech);
			return SMTP_ERR_NOAUTH;
		}
		use = mech;
	} else {
		for (i = 0; prefer[i] != NULL && use == NULL; i++)
			if (smtp_session_offers(ss, prefer[i]))
				use = prefer[i];
		for (i = 0; use == NULL && i < ss->mechs->len; i++)
			if (!smtp_mech_is_oauth2(g_ptr_array_index(ss->mechs,
			    i)))
				use = g_ptr_array_index(ss->mechs, i);
		if (use == NULL) {
			g_set_error(err, SMTP_ERROR, SMTP_ERR_NOAUTH,
			    _("%s offers only OAuth2; set "
			    "oauth2_token_command"), ss->host);
			return SMTP_ERR_NOAUTH;
		}
	}
	m = net_sasl_mech_from_name(use);
	if (m != NET_SASL_NONE)
		return smtp_session_sasl(ss, m, user, secret, err);
	return smtp_session_cyrus(ss, use, user, secret, err);
}

/* A path we may paste into a command (CR/LF/<> would inject commands). */
static gboolean
smtp_session_addr_ok(const char *a, gboolean empty_ok)
{
	const unsigned char	*p;
	size_t			 n;

	if (a == NULL)
		return FALSE;
	n = strlen(a);
	if (n == 0)
		return empty_ok;
	if (n > SMTP_ADDR_MAX || strchr(a, '@') == NULL)
		return FALSE;
	for (p = (const unsigned char *)a; *p != '\0'; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>')
			return FALSE;
	return g_utf8_validate(a, -1, NULL);
}

static gboolean
smtp_session_has_8bit(const void *data, gsize len)
{
	const guchar	*p = data;
	gsize		 i;

	for (i = 0; i < len; i++)
		if (p[i] & 0x80)
			return TRUE;
	return FALSE;
}

static gboolean
smtp_session_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s & 0x80)
			return FALSE;
	return TRUE;
}

static enum smtp_status
smtp_session_fail(struct smtp_result *res, enum smtp_status st, int code,
    const char *text)
{
	res->status = st;
	res->code = code;
	g_free(res->text);
	res->text = g_strdup(text);
	return st;
}

enum smtp_status
smtp_session_reset(struct smtp_session *ss)
{
	int code;

	if (!smtp_session_write(ss, "RSET\r\n", 6) || !smtp_session_flush(ss))
		return SMTP_ERR_NETWORK;
	code = smtp_session_read(ss, NULL);
	if (code == 0)
		return SMTP_ERR_NETWORK;
	ss->dirty = FALSE;
	return code / 100 == 2 ? SMTP_OK : smtp_session_code_status(code);
}

/* One transaction's commands and the replies read to them. */
struct smtp_txn {
	GPtrArray	*cmds;		/* [RSET,] MAIL, RCPT..., DATA */
	int		*codes;		/* per command; 0: no reply */
	char		**texts;	/* per command, NULL-terminated */
	guint		 n;		/* commands */
	guint		 first_rcpt;	/* index of the first RCPT */
	gboolean	 with_rset;
};

/*
 * The envelope is usable: paths that cannot inject a command, at least one
 * recipient, SMTPUTF8 offered when an address needs it (*utf8).
 */
static enum smtp_status
smtp_session_check_envelope(struct smtp_session *ss, const char *from,
    GPtrArray *rcpts, gboolean *utf8, struct smtp_result *res)
{
	guint i;

	*utf8 = FALSE;
	if (!ss->alive)
		return smtp_session_fail(res, SMTP_ERR_NETWORK, 0,
		    _("connection lost"));
	if (!smtp_session_addr_ok(from, TRUE))
		return smtp_session_fail(res, SMTP_ERR_INVALID, 0,
		    _("the sender address is not usable"));
	if (rcpts == NULL || rcpts->len == 0)
		return smtp_session_fail(res, SMTP_ERR_INVALID, 0,
		    _("no recipient"));
	for (i = 0; i < rcpts->len; i++) {
		const char *r = g_ptr_array_index(rcpts, i);

		if (!smtp_session_addr_ok(r, FALSE)) {
			g_autofree char *t = g_strdup_printf(
			    _("unusable recipient address \"%s\""), r);

			return smtp_session_fail(res, SMTP_ERR_INVALID, 0, t);
		}
		if (!smtp_session_ascii(r))
			*utf8 = TRUE;
	}
	if (!smtp_session_ascii(from))
		*utf8 = TRUE;
	if (*utf8 && !ss->smtputf8)
		return smtp_session_fail(res, SMTP_ERR_PERM, 0,
		    _("an address is not ASCII and the server does not offer "
		    "SMTPUTF8"));
	return SMTP_OK;
}

/* The commands of the transaction, in order, with the parameters offered. */
static void
smtp_session_txn_build(struct smtp_session *ss, struct smtp_txn *t,
    const char *from, GPtrArray *rcpts, const char *envid, gsize len,
    gboolean eight, gboolean utf8)
{
	GString	*cmd;
	guint	 i;

	t->cmds = g_ptr_array_new_with_free_func(g_free);
	t->with_rset = ss->dirty;
	if (t->with_rset)
		g_ptr_array_add(t->cmds, g_strdup("RSET\r\n"));
	cmd = g_string_new(NULL);
	g_string_printf(cmd, "MAIL FROM:<%s>", from);
	if (ss->size)
		g_string_append_printf(cmd, " SIZE=%" G_GSIZE_FORMAT, len);
	if (eight && ss->eightbit)
		g_string_append(cmd, " BODY=8BITMIME");
	if (utf8)
		g_string_append(cmd, " SMTPUTF8");
	if (ss->dsn && envid != NULL && *envid != '\0') {
		g_autofree char *x = smtp_xtext(envid);

		g_string_append_printf(cmd, " RET=HDRS ENVID=%s", x);
	}
	g_string_append(cmd, "\r\n");
	g_ptr_array_add(t->cmds, g_string_free(cmd, FALSE));
	t->first_rcpt = t->cmds->len;
	for (i = 0; i < rcpts->len; i++)
		g_ptr_array_add(t->cmds, g_strdup_printf("RCPT TO:<%s>%s\r\n",
		    (const char *)g_ptr_array_index(rcpts, i),
		    ss->dsn ? " NOTIFY=FAILURE,DELAY" : ""));
	g_ptr_array_add(t->cmds, g_strdup("DATA\r\n"));
	t->n = t->cmds->len;
	t->codes = g_new0(int, t->n);
	t->texts = g_new0(char *, t->n + 1);
}

/*
 * Send the commands and read their replies: in one write with PIPELINING
 * (RFC 2920), else one at a time, stopping at a refused MAIL and sending
 * no DATA without an accepted recipient.
 */
static void
smtp_session_txn_exchange(struct smtp_session *ss, struct smtp_txn *t)
{
	guint i, accepted = 0;

	ss->dirty = TRUE;
	if (ss->pipelining) {
		for (i = 0; i < t->n; i++) {
			const char *c = g_ptr_array_index(t->cmds, i);

			if (!smtp_session_write(ss, c, strlen(c)))
				break;
		}
		smtp_session_flush(ss);
		for (i = 0; i < t->n; i++)
			t->codes[i] = smtp_session_read(ss, &t->texts[i]);
		return;
	}
	for (i = 0; i < t->n; i++) {
		const char *c = g_ptr_array_index(t->cmds, i);

		if (i == t->n - 1 && accepted == 0)
			break;		/* no DATA without a recipient */
		if (!smtp_session_write(ss, c, strlen(c)) ||
		    !smtp_session_flush(ss))
			break;
		t->codes[i] = smtp_session_read(ss, &t->texts[i]);
		if (t->codes[i] == 0)
			break;
		if (i == t->first_rcpt - 1 && t->codes[i] / 100 != 2)
			break;		/* MAIL refused */
		if (i >= t->first_rcpt && i < t->n - 1 &&
		    t->codes[i] / 100 == 2)
			accepted++;
	}
}

/*
 * Decide from the replies, in order: SMTP_OK if DATA may follow (354 with
 * a recipient accepted; the refused ones in res->refused), else the
 * failure, with *drain set when a pipelined DATA may still be open.
 */
static enum smtp_status
smtp_session_txn_judge(struct smtp_txn *t, GPtrArray *rcpts,
    struct smtp_result *res, gboolean *drain)
{
	enum smtp_status st;
	guint i, accepted = 0, temp = 0;

	*drain = FALSE;
	if (t->with_rset && t->codes[0] == 0)
		return smtp_session_fail(res, SMTP_ERR_NETWORK, 0,
		    t->texts[0] != NULL ? t->texts[0] : _("connection lost"));
	i = t->first_rcpt - 1;
	if (t->codes[i] / 100 != 2) {
		st = smtp_session_code_status(t->codes[i]);
		if (st == SMTP_OK)
			st = SMTP_ERR_PROTOCOL;
		*drain = TRUE;
		return smtp_session_fail(res, st, t->codes[i], t->texts[i]);
	}
	for (i = t->first_rcpt; i < t->n - 1; i++) {
		struct smtp_refusal *ref;

		if (t->codes[i] == 0)
			return smtp_session_fail(res, SMTP_ERR_NETWORK, 0,
			    t->texts[i]);
		if (t->codes[i] / 100 == 2) {
			accepted++;
			continue;
		}
		ref = g_new0(struct smtp_refusal, 1);
		ref->addr = g_strdup(g_ptr_array_index(rcpts,
		    i - t->first_rcpt));
		ref->code = t->codes[i];
		ref->text = g_strdup(t->texts[i]);
		g_ptr_array_add(res->refused, ref);
		if (t->codes[i] / 100 == 4)
			temp++;
	}
	if (accepted == 0) {
		struct smtp_refusal *first = g_ptr_array_index(res->refused, 0);
		g_autofree char *text = g_strdup_printf(_("every recipient "
		    "was refused; %s: %d %s"), first->addr, first->code,
		    first->text);

		*drain = TRUE;
		return smtp_session_fail(res, temp > 0 ? SMTP_ERR_TEMP :
		    SMTP_ERR_PERM, first->code, text);
	}
	if (t->codes[t->n - 1] != 354) {
		st = smtp_session_code_status(t->codes[t->n - 1]);
		if (st == SMTP_OK)
			st = SMTP_ERR_PROTOCOL;
		return smtp_session_fail(res, st, t->codes[t->n - 1],
		    t->texts[t->n - 1]);
	}
	return SMTP_OK;
}

/*
 * The message, then (once the caller has recorded that from here on the
 * server may take it) the final ".", and the reply that decides: a stop
 * before the dot leaves a message the server cannot have accepted.
 */
static enum smtp_status
smtp_session_txn_data(struct smtp_session *ss, const void *data, gsize len,
    struct smtp_result *res)
{
	g_autofree char *t = NULL;
	enum smtp_status st;
	int code;

	if (!smtp_session_write_stuffed(ss, data, len) ||
	    !smtp_session_flush(ss))
		return smtp_session_fail(res, SMTP_ERR_NETWORK, 0,
		    _("connection lost while sending the message"));
	if (ss->before_dot != NULL && !ss->before_dot(ss->before_dot_data)) {
		/* Only closing the link can end DATA without the message. */
		ss->alive = FALSE;
		return smtp_session_fail(res, SMTP_ERR_INVALID, 0,
		    _("stopped before the end of the message"));
	}
	if (!smtp_session_write(ss, ".\r\n", 3) || !smtp_session_flush(ss)) {
		ss->alive = FALSE;
		res->data_done = TRUE;
		return smtp_session_fail(res, SMTP_ERR_NETWORK, 0,
		    _("connection lost while sending the message"));
	}
	res->data_done = TRUE;
	code = smtp_session_read(ss, &t);
	st = smtp_session_code_status(code);
	if (st == SMTP_OK && code / 100 != 2)
		st = SMTP_ERR_PROTOCOL;
	res->status = st;
	res->code = code;
	g_free(res->text);
	res->text = g_steal_pointer(&t);
	return st;
}

enum smtp_status
smtp_session_send(struct smtp_session *ss, const char *from, GPtrArray *rcpts,
    const char *envid, const void *data, gsize len, struct smtp_result *res)
{
	struct smtp_txn		 t;
	gboolean		 utf8, drain;
	enum smtp_status	 st;

	if (res->refused == NULL)
		smtp_result_init(res);
	res->status = SMTP_OK;
	res->data_done = FALSE;
	if ((st = smtp_session_check_envelope(ss, from, rcpts, &utf8, res)) !=
	    SMTP_OK)
		return st;
	memset(&t, 0, sizeof t);
	smtp_session_txn_build(ss, &t, from, rcpts, envid, len,
	    smtp_session_has_8bit(data, len), utf8);
	smtp_session_txn_exchange(ss, &t);
	st = smtp_session_txn_judge(&t, rcpts, res, &drain);
	if (st == SMTP_OK)
		st = smtp_session_txn_data(ss, data, len, res);
	else if (drain && ss->pipelining && t.codes[t.n - 1] == 354) {
		/* Pipelined DATA the server took anyway: an empty message. */
		if (smtp_session_write(ss, ".\r\n", 3) && smtp_session_flush(ss))
			(void)smtp_session_read(ss, NULL);
	}
	g_ptr_array_unref(t.cmds);
	g_free(t.codes);
	g_strfreev(t.texts);
	return st;
}
