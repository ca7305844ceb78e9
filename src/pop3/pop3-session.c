/*
 * pop3-session.c: one POP3 session spoken over libetpan's mailstream.
 *
 * net/ opens the stream (connect, implicit TLS, verification) and upgrades
 * it after STLS; every command and reply is handled here. Replies are read into our own buffer:
 * status and listing lines are capped at POP3_SESSION_LINE_MAX, a close in
 * the middle of a reply is an error, and message bodies are dot-unstuffed
 * in place and streamed to a sink in large chunks.
 */
#include "satchel-config.h"

#include <inttypes.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "util/util.h"
#include "net/net.h"
#include "pop3/pop3.h"
#include "pop3/pop3-session.h"

#define RBUF_SIZE	(256 * 1024)
#define CMD_MAX		255	/* RFC 2449: a command line is at most 255 octets */

struct pop3_session {
	mailstream	*stream;
	char		*host;
	unsigned	 port;
	unsigned	 timeout;
	struct pop3_cancel *cancel;
	gboolean	 tls;
	gboolean	 dead;		/* the stream is out of step or closed */

	unsigned	 caps;
	char		*sasl;		/* " PLAIN LOGIN " (upper case, spaced) */
	int		 expire;
	gint64		 login_delay;
	char		*stamp;		/* APOP time stamp, "<...>" */
	char		*last_error;

	char		*rbuf;
	size_t		 rlen;		/* valid bytes in rbuf */
	size_t		 roff;		/* first unread byte */
	const char	*line_end;	/* end of the last line (its NUL) */
};

static enum pop3_status	sess_fail(struct pop3_session *, enum pop3_status,
			    GError **, const char *, ...) G_GNUC_PRINTF(4, 5);
static enum pop3_status	sess_fill(struct pop3_session *, GError **);
static enum pop3_status	sess_line(struct pop3_session *, char **, GError **);
static enum pop3_status	sess_send(struct pop3_session *, const char *,
			    gboolean, GError **);
static enum pop3_status	sess_flush(struct pop3_session *, GError **);
static enum pop3_status	sess_status(struct pop3_session *, char **, GError **);
static enum pop3_status	sess_multi_line(struct pop3_session *, char **,
			    gboolean *, GError **);
static enum pop3_status	sess_capa(struct pop3_session *, GError **);
static enum pop3_status	sess_stls(struct pop3_session *,
			    const struct net_endpoint *, GError **);
static enum pop3_status	sess_net_fail(struct pop3_session *, enum net_status,
			    GError *, GError **);
static enum pop3_status	sess_greeting(struct pop3_session *, GError **);
static enum pop3_status	sess_body(struct pop3_session *,
			    const struct pop3_session_sink *, guint, GError **);
static enum pop3_status	sess_refused(struct pop3_session *, enum pop3_status,
			    const char *, GError **);
static enum pop3_status	sess_sasl(struct pop3_session *, const char *,
			    const char *, const char *, const char *, GError **);
static gboolean		sess_has_mech(struct pop3_session *, const char *);
static enum pop3_status	stat_read(struct pop3_session *, guint *, guint64 *,
			    GError **);
static enum pop3_status	uidl_read(struct pop3_session *, guint, GPtrArray **,
			    GError **);
static void		uidl_dedup(GPtrArray *);
static enum pop3_status	list_read(struct pop3_session *, guint, GArray **,
			    GError **);
static gboolean		parse_uint(const char **, guint64, guint64 *);
static gboolean		has_crlf(const char *);

static enum pop3_status
sess_fail(struct pop3_session *s, enum pop3_status st, GError **err,
    const char *fmt, ...)
{
	va_list ap;

	if (s != NULL && st != POP3_ERR_SERVER)
		s->dead = TRUE;
	if (err != NULL && *err == NULL) {
		va_start(ap, fmt);
		*err = g_error_new_valist(POP3_ERROR, st, fmt, ap);
		va_end(ap);
	}
	return st;
}

/* Read more bytes into the buffer (after moving unread bytes to the front). */
static enum pop3_status
sess_fill(struct pop3_session *s, GError **err)
{
	gint64 t0;
	ssize_t n;

	if (s->dead)
		return sess_fail(s, POP3_ERR_NETWORK, err,
		    _("%s: the connection is no longer usable"), s->host);
	if (s->roff > 0) {
		memmove(s->rbuf, s->rbuf + s->roff, s->rlen - s->roff);
		s->rlen -= s->roff;
		s->roff = 0;
	}
	if (s->rlen == RBUF_SIZE)
		return sess_fail(s, POP3_ERR_PROTOCOL, err,
		    _("%s: reply line too long"), s->host);
	if (pop3_cancel_is_set(s->cancel))
		return sess_fail(s, POP3_ERR_CANCELLED, err, "%s",
		    _("Fetch cancelled"));
	t0 = g_get_monotonic_time();
	n = mailstream_read(s->stream, s->rbuf + s->rlen, RBUF_SIZE - s->rlen);
	if (n > 0) {
		s->rlen += n;
		return POP3_OK;
	}
	if (pop3_cancel_is_set(s->cancel))
		return sess_fail(s, POP3_ERR_CANCELLED, err, "%s",
		    _("Fetch cancelled"));
	if (n == 0)
		return sess_fail(s, POP3_ERR_NETWORK, err,
		    _("%s: the server closed the connection"), s->host);
	if (g_get_monotonic_time() - t0 >=
	    (gint64)s->timeout * G_USEC_PER_SEC - G_USEC_PER_SEC / 2)
		return sess_fail(s, POP3_ERR_TIMEOUT, err,
		    _("%s: no answer from the server for %u seconds"),
		    s->host, s->timeout);
	return sess_fail(s, POP3_ERR_NETWORK, err,
	    _("%s: the connection was cut"), s->host);
}

/*
 * One line without its line end, NUL-terminated in the buffer (valid until
 * the next read). A line without \n before the connection ends is an error.
 */
static enum pop3_status
sess_line(struct pop3_session *s, char **line, GError **err)
{
	enum pop3_status st;
	size_t scanned = 0, len;
	char *start, *nl;

	for (;;) {
		start = s->rbuf + s->roff;
		nl = memchr(start + scanned, '\n', s->rlen - s->roff - scanned);
		if (nl != NULL)
			break;
		scanned = s->rlen - s->roff;
		if (scanned > POP3_SESSION_LINE_MAX)
			return sess_fail(s, POP3_ERR_PROTOCOL, err,
			    _("%s: reply line too long"), s->host);
		if ((st = sess_fill(s, err)) != POP3_OK)
			return st;
	}
	len = nl - start;
	if (len > POP3_SESSION_LINE_MAX)
		return sess_fail(s, POP3_ERR_PROTOCOL, err,
		    _("%s: reply line too long"), s->host);
	if (len > 0 && start[len - 1] == '\r')
		len--;
	start[len] = '\0';
	s->line_end = start + len;
	s->roff = nl + 1 - s->rbuf;
	*line = start;
	return POP3_OK;
}

static enum pop3_status
sess_send(struct pop3_session *s, const char *cmd, gboolean flush,
    GError **err)
{
	size_t len = strlen(cmd);

	if (s->dead)
		return sess_fail(s, POP3_ERR_NETWORK, err,
		    _("%s: the connection is no longer usable"), s->host);
	if (mailstream_write(s->stream, cmd, len) != (ssize_t)len ||
	    mailstream_write(s->stream, "\r\n", 2) != 2)
		return sess_fail(s, pop3_cancel_is_set(s->cancel) ?
		    POP3_ERR_CANCELLED : POP3_ERR_NETWORK, err,
		    _("%s: cannot send to the server"), s->host);
	return flush ? sess_flush(s, err) : POP3_OK;
}

static enum pop3_status
sess_flush(struct pop3_session *s, GError **err)
{
	if (mailstream_flush(s->stream) != 0)
		return sess_fail(s, pop3_cancel_is_set(s->cancel) ?
		    POP3_ERR_CANCELLED : POP3_ERR_NETWORK, err,
		    _("%s: cannot send to the server"), s->host);
	return POP3_OK;
}

/*
 * Read a status line. +OK: POP3_OK and *text (may be NULL) the rest.
 * -ERR: POP3_ERR_SERVER with the text kept as last_error and no GError
 * set (the caller decides what it means). Anything else is a protocol
 * error, and the session is dead.
 */
static enum pop3_status
sess_status(struct pop3_session *s, char **text, GError **err)
{
	enum pop3_status st;
	char *line, *rest;

	if ((st = sess_line(s, &line, err)) != POP3_OK)
		return st;
	if (strncmp(line, "+OK", 3) == 0 && (line[3] == '\0' ||
	    line[3] == ' ')) {
		rest = line + 3;
		while (*rest == ' ')
			rest++;
		if (text != NULL)
			*text = rest;
		return POP3_OK;
	}
	if (strncmp(line, "-ERR", 4) == 0 && (line[4] == '\0' ||
	    line[4] == ' ')) {
		rest = line + 4;
		while (*rest == ' ')
			rest++;
		g_free(s->last_error);
		s->last_error = g_utf8_make_valid(rest, -1);
		if (text != NULL)
			*text = rest;
		return POP3_ERR_SERVER;
	}
	return sess_fail(s, POP3_ERR_PROTOCOL, err,
	    _("%s: the server sent an invalid reply"), s->host);
}

/* One line of a multi-line reply, dot-unstuffed; *end is TRUE at ".". */
static enum pop3_status
sess_multi_line(struct pop3_session *s, char **line, gboolean *end,
    GError **err)
{
	enum pop3_status st;
	char *l;

	if ((st = sess_line(s, &l, err)) != POP3_OK)
		return st;
	*end = FALSE;
	if (l[0] == '.') {
		if (l[1] == '\0') {
			*end = TRUE;
			l++;
		} else
			l++;
	}
	*line = l;
	return POP3_OK;
}

/* A -ERR reply to a command: the status its response code says. */
static enum pop3_status
sess_refused(struct pop3_session *s, enum pop3_status fallback,
    const char *what, GError **err)
{
	enum pop3_status st;
	const char *text = s->last_error != NULL ? s->last_error : "";

	st = pop3_session_resp_code(text, fallback);
	if (err != NULL && *err == NULL)
		*err = g_error_new(POP3_ERROR, st, _("%s: %s refused: %s"),
		    s->host, what, text);
	return st;
}

enum pop3_status
pop3_session_resp_code(const char *text, enum pop3_status fallback)
{
	static const struct {
		const char	*code;
		enum pop3_status st;
	} codes[] = {
		{ "IN-USE", POP3_ERR_IN_USE },
		{ "LOGIN-DELAY", POP3_ERR_LOGIN_DELAY },
		{ "SYS/TEMP", POP3_ERR_SYS_TEMP },
		{ "SYS/PERM", POP3_ERR_SYS_PERM },
		{ "AUTH", POP3_ERR_AUTH },
	};
	size_t i, n;
	char c;

	if (text == NULL || text[0] != '[')
		return fallback;
	text++;
	for (i = 0; i < G_N_ELEMENTS(codes); i++) {
		n = strlen(codes[i].code);
		if (g_ascii_strncasecmp(text, codes[i].code, n) != 0)
			continue;
		c = text[n];
		if (c == ']' || c == '/')
			return codes[i].st;
	}
	return fallback;
}

gboolean
pop3_session_uidl_valid(const char *u, size_t len)
{
	size_t i;

	if (u == NULL || len == 0 || len > POP3_SESSION_UIDL_MAX)
		return FALSE;
	for (i = 0; i < len; i++)
		if ((unsigned char)u[i] < 0x21 || (unsigned char)u[i] > 0x7e)
			return FALSE;
	return TRUE;
}

/*
 * Keys never collide with a real UIDL: those hold no space, every key does.
 *	"~ HEX"	an unusable UIDL: SHA-256 of its bytes
 *	"U #K"	the K-th message listed with UIDL (or key) U
 *	"# HEX"	the same when "U #K" would be longer than 70 characters
 */
char *
pop3_session_uidl_key(const char *raw, size_t len, guint occurrence)
{
	g_autofree char *dup = NULL, *hex = NULL;

	if (occurrence <= 1) {
		hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
		    (const guchar *)raw, len);
		return g_strdup_printf("~ %s", hex);
	}
	dup = g_strdup_printf("%.*s #%u", (int)len, raw, occurrence);
	if (strlen(dup) <= POP3_SESSION_UIDL_MAX)
		return g_steal_pointer(&dup);
	hex = g_compute_checksum_for_string(G_CHECKSUM_SHA256, dup, -1);
	return g_strdup_printf("# %s", hex);
}

enum pop3_uidl_kind
pop3_session_uidl_kind(const char *key)
{
	const char *sp;

	if (key == NULL || (sp = strrchr(key, ' ')) == NULL)
		return POP3_UIDL_REAL;
	if (key[0] == '#' || (sp[1] == '#' && g_ascii_isdigit(sp[2])))
		return POP3_UIDL_DUPLICATE;
	return POP3_UIDL_UNUSABLE;
}

char *
pop3_session_apop_digest(const char *stamp, const char *password)
{
	g_autoptr(GChecksum) ck = NULL;

	ck = g_checksum_new(G_CHECKSUM_MD5);
	g_checksum_update(ck, (const guchar *)stamp, strlen(stamp));
	g_checksum_update(ck, (const guchar *)password, strlen(password));
	return g_strdup(g_checksum_get_string(ck));
}

/* Digits only, no sign, no overflow, at most max. Advances *p. */
static gboolean
parse_uint(const char **p, guint64 max, guint64 *out)
{
	const char *s = *p;
	guint64 v = 0;

	if (!g_ascii_isdigit(*s))
		return FALSE;
	while (g_ascii_isdigit(*s)) {
		if (v > (G_MAXUINT64 - 9) / 10)
			return FALSE;
		v = v * 10 + (*s - '0');
		s++;
	}
	if (v > max)
		return FALSE;
	*p = s;
	*out = v;
	return TRUE;
}

static gboolean
has_crlf(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") != NULL;
}

/*
 * net/ failed (connect, handshake, certificate): its text, which names the
 * host, under the POP3 status that matches.
 */
static enum pop3_status
sess_net_fail(struct pop3_session *s, enum net_status ns, GError *nerr,
    GError **err)
{
	enum pop3_status st;

	switch (ns) {
	case NET_ERR_TIMEOUT:
		st = POP3_ERR_TIMEOUT;
		break;
	case NET_ERR_TLS:
		st = POP3_ERR_TLS;
		break;
	case NET_ERR_CERT:
		st = POP3_ERR_CERT;
		break;
	default:
		st = POP3_ERR_NETWORK;
		break;
	}
	st = sess_fail(s, st, err, "%s", nerr != NULL ? nerr->message :
	    net_strerror(ns));
	if (nerr != NULL)
		g_error_free(nerr);
	return st;
}

/* CAPA: forget what an earlier CAPA said, learn again. */
static enum pop3_status
sess_capa(struct pop3_session *s, GError **err)
{
	enum pop3_status st;
	GString *sasl;
	gboolean end;
	guint64 v;
	char *line, **w;
	const char *p;
	guint lines = 0;

	s->caps = 0;
	g_clear_pointer(&s->sasl, g_free);
	s->expire = -1;
	s->login_delay = 0;
	if ((st = sess_send(s, "CAPA", TRUE, err)) != POP3_OK)
		return st;
	st = sess_status(s, NULL, err);
	if (st == POP3_ERR_SERVER)
		return POP3_OK;		/* an RFC 1939 server without CAPA */
	if (st != POP3_OK)
		return st;
	s->caps |= POP3_CAP_CAPA;
	sasl = g_string_new(" ");
	for (;;) {
		if ((st = sess_multi_line(s, &line, &end, err)) != POP3_OK) {
			g_string_free(sasl, TRUE);
			return st;
		}
		if (end)
			break;
		if (++lines > 1000) {
			g_string_free(sasl, TRUE);
			return sess_fail(s, POP3_ERR_PROTOCOL, err,
			    _("%s: capability list too long"), s->host);
		}
		w = g_strsplit_set(line, " \t", -1);
		if (w[0] == NULL) {
			g_strfreev(w);
			continue;
		}
		if (g_ascii_strcasecmp(w[0], "TOP") == 0)
			s->caps |= POP3_CAP_TOP;
		else if (g_ascii_strcasecmp(w[0], "UIDL") == 0)
			s->caps |= POP3_CAP_UIDL;
		else if (g_ascii_strcasecmp(w[0], "USER") == 0)
			s->caps |= POP3_CAP_USER;
		else if (g_ascii_strcasecmp(w[0], "STLS") == 0)
			s->caps |= POP3_CAP_STLS;
		else if (g_ascii_strcasecmp(w[0], "PIPELINING") == 0)
			s->caps |= POP3_CAP_PIPELINING;
		else if (g_ascii_strcasecmp(w[0], "RESP-CODES") == 0)
			s->caps |= POP3_CAP_RESP_CODES;
		else if (g_ascii_strcasecmp(w[0], "AUTH-RESP-CODE") == 0)
			s->caps |= POP3_CAP_AUTH_RESP_CODE;
		else if (g_ascii_strcasecmp(w[0], "SASL") == 0) {
			s->caps |= POP3_CAP_SASL;
			for (char **m = w + 1; *m != NULL; m++) {
				if (**m == '\0')
					continue;
				g_autofree char *up = g_ascii_strup(*m, -1);
				g_string_append_printf(sasl, "%s ", up);
			}
		} else if (g_ascii_strcasecmp(w[0], "EXPIRE") == 0 &&
		    w[1] != NULL) {
			s->caps |= POP3_CAP_EXPIRE;
			p = w[1];
			if (g_ascii_strcasecmp(w[1], "NEVER") == 0)
				s->expire = G_MAXINT;
			else if (parse_uint(&p, G_MAXINT - 1, &v) && *p == '\0')
				s->expire = (int)v;
		} else if (g_ascii_strcasecmp(w[0], "LOGIN-DELAY") == 0 &&
		    w[1] != NULL) {
			p = w[1];
			if (parse_uint(&p, 366 * 86400, &v) && *p == '\0') {
				s->caps |= POP3_CAP_LOGIN_DELAY;
				s->login_delay = (gint64)v;
			}
		}
		g_strfreev(w);
	}
	s->sasl = g_string_free(sasl, FALSE);
	return POP3_OK;
}

/* STLS, then TLS on the same socket; nothing read before it is kept. */
static enum pop3_status
sess_stls(struct pop3_session *s, const struct net_endpoint *ep,
    GError **err)
{
	enum pop3_status st;
	enum net_status ns;
	GError *nerr = NULL;

	if (!(s->caps & POP3_CAP_STLS))
		return sess_fail(s, POP3_ERR_NO_STLS, err,
		    _("%s: the server does not offer STLS; refusing to "
		    "continue without TLS"), s->host);
	if ((st = sess_send(s, "STLS", TRUE, err)) != POP3_OK)
		return st;
	st = sess_status(s, NULL, err);
	if (st == POP3_ERR_SERVER)
		return sess_fail(s, POP3_ERR_NO_STLS, err,
		    _("%s: STLS refused: %s"), s->host, s->last_error);
	if (st != POP3_OK)
		return st;
	/* Bytes after the +OK would be injected into the TLS session. */
	if (s->rlen > s->roff || s->stream->read_buffer_len > 0)
		return sess_fail(s, POP3_ERR_PROTOCOL, err,
		    _("%s: the server sent data after STLS"), s->host);
	s->rlen = s->roff = 0;
	if ((ns = net_starttls(s->stream, ep, &nerr)) != NET_OK)
		return sess_net_fail(s, ns, nerr, err);
	s->tls = TRUE;
	/*
	 * The APOP time stamp stays: there is no second greeting, and the
	 * server checks APOP against the one it sent (RFC 2595 section 4).
	 * A stamp forged before TLS can only make the login fail.
	 */
	return sess_capa(s, err);
}

/* The greeting, and the APOP time stamp in it. */
static enum pop3_status
sess_greeting(struct pop3_session *s, GError **err)
{
	enum pop3_status st;
	char *text, *lt, *gt;

	st = sess_status(s, &text, err);
	if (st == POP3_ERR_SERVER)
		return sess_refused(s, POP3_ERR_SERVER, _("login"), err);
	if (st != POP3_OK)
		return st;
	/* APOP time stamp: "<" printable characters ">" in the greeting. */
	if ((lt = strchr(text, '<')) != NULL &&
	    (gt = strchr(lt, '>')) != NULL && gt - lt < 256 &&
	    pop3_session_uidl_valid(lt, gt - lt + 1))
		s->stamp = g_strndup(lt, gt - lt + 1);
	return POP3_OK;
}

enum pop3_status
pop3_session_open(const struct net_endpoint *ep, struct pop3_cancel *cancel,
    struct pop3_session **out, GError **err)
{
	struct pop3_session *s;
	enum net_status ns;
	enum pop3_status st;
	GError *nerr = NULL;

	*out = NULL;
	s = g_new0(struct pop3_session, 1);
	s->host = g_strdup(ep->host);
	s->port = ep->port;
	s->timeout = net_endpoint_timeout(ep);
	s->cancel = cancel;
	s->expire = -1;
	s->rbuf = g_malloc(RBUF_SIZE + 1);

	if (pop3_cancel_is_set(s->cancel)) {
		st = sess_fail(s, POP3_ERR_CANCELLED, err, "%s",
		    _("Fetch cancelled"));
		goto fail;
	}
	if ((ns = net_open(ep, &s->stream, &nerr)) != NET_OK) {
		st = sess_net_fail(s, ns, nerr, err);
		goto fail;
	}
	s->tls = ep->tls == NET_TLS_IMPLICIT;
	pop3_cancel_attach(s->cancel, s->stream);
	if ((st = sess_greeting(s, err)) != POP3_OK)
		goto fail;
	if ((st = sess_capa(s, err)) != POP3_OK)
		goto fail;
	if (ep->tls == NET_TLS_STARTTLS &&
	    (st = sess_stls(s, ep, err)) != POP3_OK)
		goto fail;
	*out = s;
	return POP3_OK;

fail:
	pop3_session_free(s);
	return st;
}

void
pop3_session_free(struct pop3_session *s)
{
	if (s == NULL)
		return;
	pop3_cancel_attach(s->cancel, NULL);
	if (s->stream != NULL)
		mailstream_close(s->stream);
	g_free(s->host);
	g_free(s->sasl);
	g_free(s->stamp);
	g_free(s->last_error);
	g_free(s->rbuf);
	g_free(s);
}

unsigned
pop3_session_caps(struct pop3_session *s)
{
	return s->caps;
}

gboolean
pop3_session_is_tls(struct pop3_session *s)
{
	return s->tls;
}

int
pop3_session_expire(struct pop3_session *s)
{
	return s->expire;
}

gint64
pop3_session_login_delay(struct pop3_session *s)
{
	return s->login_delay;
}

const char *
pop3_session_last_error(struct pop3_session *s)
{
	return s->last_error;
}

static gboolean
sess_has_mech(struct pop3_session *s, const char *mech)
{
	g_autofree char *needle = NULL;

	if (!(s->caps & POP3_CAP_CAPA))
		return TRUE;	/* no CAPA: try and see */
	if (s->sasl == NULL)
		return FALSE;
	needle = g_strdup_printf(" %s ", mech);
	return strstr(s->sasl, needle) != NULL;
}

/* The SASL exchange for one mechanism (RFC 5034), encoded by net/. */
static enum pop3_status
sess_sasl(struct pop3_session *s, const char *mech, const char *user,
    const char *password, const char *token, GError **err)
{
	enum net_sasl_mech m = net_sasl_mech_from_name(mech);
	struct net_sasl *sa;
	g_autofree char *ir = NULL, *cmd = NULL;
	enum pop3_status st;
	char *text;
	int step;

	sa = net_sasl_new(m, user, net_sasl_mech_is_oauth(m) ? token : password,
	    s->host, s->port);
	/* An initial response only if the command fits in 255 octets. */
	ir = net_sasl_initial(sa, CMD_MAX - strlen(mech) - 8);
	if (ir != NULL)
		cmd = g_strdup_printf("AUTH %s %s", mech, ir);
	else
		cmd = g_strdup_printf("AUTH %s", mech);
	st = sess_send(s, cmd, TRUE, err);
	net_sasl_wipe(cmd);
	net_sasl_wipe(ir);
	if (st != POP3_OK)
		goto out;

	for (step = 0; step < 4; step++) {
		g_autofree char *resp = NULL;
		char *line;

		if ((st = sess_line(s, &line, err)) != POP3_OK)
			goto out;
		if (strncmp(line, "+OK", 3) == 0 && (line[3] == '\0' ||
		    line[3] == ' '))
			goto out;
		if (strncmp(line, "-ERR", 4) == 0) {
			text = line + 4;
			while (*text == ' ')
				text++;
			g_free(s->last_error);
			s->last_error = g_utf8_make_valid(text, -1);
			st = sess_refused(s, POP3_ERR_AUTH, _("login"), err);
			goto out;
		}
		if (line[0] != '+' || (line[1] != ' ' && line[1] != '\0')) {
			st = sess_fail(s, POP3_ERR_PROTOCOL, err,
			    _("%s: invalid reply during authentication"),
			    s->host);
			goto out;
		}
		text = line[1] == ' ' ? line + 2 : line + 1;
		resp = net_sasl_step(sa, text);
		st = sess_send(s, resp, TRUE, err);
		net_sasl_wipe(resp);
		if (st != POP3_OK)
			goto out;
	}
	st = sess_fail(s, POP3_ERR_PROTOCOL, err,
	    _("%s: authentication exchange did not end"), s->host);
out:
	net_sasl_free(sa);
	return st;
}

enum pop3_status
pop3_session_auth(struct pop3_session *s, const char *method,
    const char *user, const char *password, const char *token,
    gboolean allow_plaintext, GError **err)
{
	g_autofree char *mech = NULL, *digest = NULL, *cmd = NULL;
	enum pop3_status st;
	gboolean secret_in_clear;

	if (user == NULL || *user == '\0' || has_crlf(user) ||
	    has_crlf(password) || has_crlf(token))
		return sess_fail(s, POP3_ERR_CONFIG, err, "%s",
		    _("The user name or secret is empty or holds a line break"));
	if (method == NULL || g_ascii_strcasecmp(method, "auto") == 0) {
		if (sess_has_mech(s, "PLAIN") && (s->caps & POP3_CAP_SASL))
			mech = g_strdup("PLAIN");
		else if ((s->caps & POP3_CAP_USER) ||
		    !(s->caps & POP3_CAP_CAPA) || s->stamp == NULL)
			mech = g_strdup("USER");
		else
			mech = g_strdup("APOP");
	} else
		mech = g_ascii_strup(method, -1);

	if (net_sasl_mech_is_oauth(net_sasl_mech_from_name(mech))) {
		if (token == NULL)
			return sess_fail(s, POP3_ERR_NO_SECRET, err, "%s",
			    _("No OAuth2 token given"));
	} else if (password == NULL)
		return sess_fail(s, POP3_ERR_NO_SECRET, err, "%s",
		    _("No password given"));

	/* Only CRAM-MD5 keeps the secret off an unencrypted link. */
	secret_in_clear = net_sasl_mech_sends_secret(
	    net_sasl_mech_from_name(mech));
	if (!s->tls && secret_in_clear && !allow_plaintext)
		return sess_fail(s, POP3_ERR_PLAINTEXT, err,
		    _("%s: refusing to send the password over an unencrypted "
		    "connection (use pop3_tls = implicit or starttls, or set "
		    "allow_plaintext = true)"), s->host);

	if (strcmp(mech, "USER") == 0) {
		cmd = g_strdup_printf("USER %s", user);
		if ((st = sess_send(s, cmd, TRUE, err)) != POP3_OK)
			return st;
		st = sess_status(s, NULL, err);
		if (st == POP3_ERR_SERVER)
			return sess_refused(s, POP3_ERR_AUTH, _("login"), err);
		if (st != POP3_OK)
			return st;
		g_free(cmd);
		cmd = g_strdup_printf("PASS %s", password);
		st = sess_send(s, cmd, TRUE, err);
		memset(cmd, 0, strlen(cmd));
		if (st != POP3_OK)
			return st;
		st = sess_status(s, NULL, err);
	} else if (strcmp(mech, "APOP") == 0) {
		if (s->stamp == NULL)
			return sess_fail(s, POP3_ERR_NO_MECH, err,
			    _("%s: the server does not offer APOP (no time "
			    "stamp in its greeting)"), s->host);
		digest = pop3_session_apop_digest(s->stamp, password);
		cmd = g_strdup_printf("APOP %s %s", user, digest);
		if ((st = sess_send(s, cmd, TRUE, err)) != POP3_OK)
			return st;
		st = sess_status(s, NULL, err);
	} else if (net_sasl_mech_from_name(mech) != NET_SASL_NONE) {
		if (!sess_has_mech(s, mech))
			return sess_fail(s, POP3_ERR_NO_MECH, err,
			    _("%s: the server does not offer SASL %s"),
			    s->host, mech);
		st = sess_sasl(s, mech, user, password, token, err);
	} else
		return sess_fail(s, POP3_ERR_NO_MECH, err,
		    _("Authentication method %s is not supported (use auto, "
		    "user, apop, PLAIN, LOGIN, CRAM-MD5, XOAUTH2 or "
		    "OAUTHBEARER)"), mech);

	if (st == POP3_ERR_SERVER)
		return sess_refused(s, POP3_ERR_AUTH, _("login"), err);
	if (st != POP3_OK)
		return st;
	/* RFC 2449: capabilities may change once the user is known. */
	return sess_capa(s, err);
}

enum pop3_status
pop3_session_stat(struct pop3_session *s, guint *count, guint64 *size,
    GError **err)
{
	enum pop3_status st;

	if ((st = sess_send(s, "STAT", TRUE, err)) != POP3_OK)
		return st;
	return stat_read(s, count, size, err);
}

static enum pop3_status
stat_read(struct pop3_session *s, guint *count, guint64 *size, GError **err)
{
	enum pop3_status st;
	const char *p;
	char *text;
	guint64 n, sz;

	st = sess_status(s, &text, err);
	if (st == POP3_ERR_SERVER)
		return sess_refused(s, POP3_ERR_SERVER, "STAT", err);
	if (st != POP3_OK)
		return st;
	p = text;
	if (!parse_uint(&p, G_MAXUINT64, &n) || *p++ != ' ' ||
	    !parse_uint(&p, G_MAXUINT64, &sz))
		return sess_fail(s, POP3_ERR_PROTOCOL, err,
		    _("%s: invalid STAT reply"), s->host);
	if (n > POP3_SESSION_MAX_MSGS)
		return sess_fail(s, POP3_ERR_PROTOCOL, err,
		    _("%s: the server lists %" PRIu64
		    " messages, more than %u"), s->host, n,
		    POP3_SESSION_MAX_MSGS);
	*count = (guint)n;
	*size = sz;
	return POP3_OK;
}

enum pop3_status
pop3_session_uidl(struct pop3_session *s, guint count, GPtrArray **uidls,
    GError **err)
{
	enum pop3_status st;

	*uidls = NULL;
	if ((st = sess_send(s, "UIDL", TRUE, err)) != POP3_OK)
		return st;
	return uidl_read(s, count, uidls, err);
}

/*
 * The next line of a UIDL (uidl) or LIST listing: *n its message number
 * (1..count), *rest what follows the number and its spaces; *end at the
 * listing's final dot.
 */
static enum pop3_status
listing_line(struct pop3_session *s, gboolean uidl, guint count, guint64 *n,
    const char **rest, gboolean *end, GError **err)
{
	enum pop3_status st;
	const char *p;
	char *line;

	if ((st = sess_multi_line(s, &line, end, err)) != POP3_OK || *end)
		return st;
	p = line;
	if (!parse_uint(&p, count, n) || *n == 0 || *p != ' ')
		return sess_fail(s, POP3_ERR_PROTOCOL, err, uidl ?
		    _("%s: invalid UIDL line (message number out of "
		    "range 1..%u)") : _("%s: invalid LIST line (message number "
		    "out of range 1..%u)"), s->host, count);
	while (*p == ' ')
		p++;
	*rest = p;
	return POP3_OK;
}

static enum pop3_status
uidl_read(struct pop3_session *s, guint count, GPtrArray **uidls,
    GError **err)
{
	GPtrArray *a;
	enum pop3_status st;
	const char *p;
	gboolean end;
	guint64 n;
	size_t len;
	char *key;

	*uidls = NULL;
	st = sess_status(s, NULL, err);
	if (st == POP3_ERR_SERVER)
		return sess_refused(s, POP3_ERR_NO_UIDL, "UIDL", err);
	if (st != POP3_OK)
		return st;
	a = g_ptr_array_new_full(count, g_free);
	g_ptr_array_set_size(a, count);
	for (;;) {
		if ((st = listing_line(s, TRUE, count, &n, &p, &end, err)) !=
		    POP3_OK)
			goto fail;
		if (end)
			break;
		if (g_ptr_array_index(a, n - 1) != NULL) {
			st = sess_fail(s, POP3_ERR_PROTOCOL, err,
			    _("%s: UIDL lists message %" PRIu64
			    " twice"), s->host, n);
			goto fail;
		}
		/*
		 * A UIDL that breaks RFC 1939 (mailutils and qpopper copy a
		 * message's own X-UIDL header) is keyed by a digest of its
		 * bytes: only that message is odd, never the whole mailbox.
		 */
		len = s->line_end - p;
		if (pop3_session_uidl_valid(p, len))
			key = g_strdup(p);
		else
			key = pop3_session_uidl_key(p, len, 1);
		g_ptr_array_index(a, n - 1) = key;
	}
	uidl_dedup(a);
	*uidls = a;
	return POP3_OK;
fail:
	g_ptr_array_unref(a);
	return st;
}

/*
 * The same UIDL for several messages (popa3d for identical messages, a
 * forged X-UIDL): the second and later ones, in listing order, get keys
 * of their own, so that each is fetched once and known afterwards.
 */
static void
uidl_dedup(GPtrArray *a)
{
	GHashTable *count;
	guint i, k;
	char *u;

	count = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; i < a->len; i++) {
		if ((u = g_ptr_array_index(a, i)) == NULL)
			continue;
		/* The table keeps the first occurrence as its key. */
		k = GPOINTER_TO_UINT(g_hash_table_lookup(count, u)) + 1;
		g_hash_table_insert(count, u, GUINT_TO_POINTER(k));
		if (k > 1) {
			g_ptr_array_index(a, i) = pop3_session_uidl_key(u,
			    strlen(u), k);
			g_free(u);
		}
	}
	g_hash_table_unref(count);
}

enum pop3_status
pop3_session_list(struct pop3_session *s, guint count, GArray **sizes,
    GError **err)
{
	enum pop3_status st;

	*sizes = NULL;
	if ((st = sess_send(s, "LIST", TRUE, err)) != POP3_OK)
		return st;
	return list_read(s, count, sizes, err);
}

static enum pop3_status
list_read(struct pop3_session *s, guint count, GArray **sizes, GError **err)
{
	enum pop3_status st;
	GArray *a;
	GHashTable *seen = NULL;
	const char *p;
	gboolean end;
	guint64 n, sz;

	*sizes = NULL;
	st = sess_status(s, NULL, err);
	if (st == POP3_ERR_SERVER)
		return sess_refused(s, POP3_ERR_SERVER, "LIST", err);
	if (st != POP3_OK)
		return st;
	a = g_array_sized_new(FALSE, TRUE, sizeof(guint64), count);
	g_array_set_size(a, count);
	seen = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (;;) {
		if ((st = listing_line(s, FALSE, count, &n, &p, &end, err)) !=
		    POP3_OK)
			goto fail;
		if (end)
			break;
		if (!parse_uint(&p, G_MAXINT64, &sz) ||
		    (*p != '\0' && *p != ' ')) {
			st = sess_fail(s, POP3_ERR_PROTOCOL, err,
			    _("%s: invalid size in LIST"), s->host);
			goto fail;
		}
		if (!g_hash_table_add(seen, GUINT_TO_POINTER((guint)n))) {
			st = sess_fail(s, POP3_ERR_PROTOCOL, err,
			    _("%s: LIST lists message %" PRIu64
			    " twice"), s->host, n);
			goto fail;
		}
		g_array_index(a, guint64, n - 1) = sz;
	}
	g_hash_table_unref(seen);
	*sizes = a;
	return POP3_OK;
fail:
	g_hash_table_unref(seen);
	g_array_unref(a);
	return st;
}

/*
 * Stream one message body (after its +OK) to the sink: dot-unstuffed,
 * CRLF turned into LF, written in place over the consumed bytes.
 */
static enum pop3_status
sess_body(struct pop3_session *s, const struct pop3_session_sink *k,
    guint idx, GError **err)
{
	enum pop3_status st;
	gboolean bol = TRUE, done = FALSE;
	char *p, *end, *w, *out, *nl;
	size_t len;

	if (k->begin != NULL && (st = k->begin(idx, k->data)) != POP3_OK)
		return sess_fail(s, st, err, "%s", _("Cannot store the message"));
	for (;;) {
		p = s->rbuf + s->roff;
		end = s->rbuf + s->rlen;
		w = out = p;
		while (p < end) {
			if (bol && *p == '.') {
				if (p + 1 == end || (p[1] == '\r' &&
				    p + 2 == end))
					break;		/* need more to decide */
				if (p[1] == '\n') {
					p += 2;
					done = TRUE;
					break;
				}
				if (p[1] == '\r' && p[2] == '\n') {
					p += 3;
					done = TRUE;
					break;
				}
				p++;			/* unstuff */
			}
			nl = memchr(p, '\n', end - p);
			if (nl == NULL) {
				/* Partial line: keep a trailing \r for later. */
				len = end - p;
				if (end[-1] == '\r')
					len--;
				memmove(w, p, len);
				w += len;
				p += len;
				bol = FALSE;
				break;
			}
			len = nl - p;
			if (len > 0 && p[len - 1] == '\r')
				len--;
			memmove(w, p, len);
			w += len;
			*w++ = '\n';
			p = nl + 1;
			bol = TRUE;
		}
		s->roff = p - s->rbuf;
		if (w > out && (st = k->write(out, w - out, k->data)) != POP3_OK)
			return sess_fail(s, st, err, "%s",
			    _("Cannot store the message"));
		if (done)
			break;
		if ((st = sess_fill(s, err)) != POP3_OK)
			return st;
	}
	if (k->end != NULL && (st = k->end(idx, k->data)) != POP3_OK)
		return sess_fail(s, st, err, "%s", _("Cannot store the message"));
	return POP3_OK;
}

enum pop3_status
pop3_session_fetch(struct pop3_session *s,
    const struct pop3_session_item *items, guint n, guint window,
    const struct pop3_session_sink *k, GError **err)
{
	enum pop3_status st;
	guint sent = 0, done = 0;
	char cmd[64];

	if (!(s->caps & POP3_CAP_PIPELINING) || window == 0)
		window = 1;
	while (done < n) {
		if (sent == done || (sent < n && sent - done <= window / 2)) {
			while (sent < n && sent - done < window) {
				if (items[sent].top)
					g_snprintf(cmd, sizeof cmd, "TOP %u 0",
					    items[sent].msgno);
				else
					g_snprintf(cmd, sizeof cmd, "RETR %u",
					    items[sent].msgno);
				if ((st = sess_send(s, cmd, FALSE, err)) !=
				    POP3_OK)
					return st;
				sent++;
			}
			if ((st = sess_flush(s, err)) != POP3_OK)
				return st;
		}
		st = sess_status(s, NULL, err);
		if (st == POP3_ERR_SERVER) {
			if (k->skip != NULL)
				k->skip(done, s->last_error, k->data);
		} else if (st != POP3_OK)
			return st;
		else if ((st = sess_body(s, k, done, err)) != POP3_OK)
			return st;
		done++;
	}
	return POP3_OK;
}

enum pop3_status
pop3_session_dele(struct pop3_session *s, const guint *msgnos, guint n,
    guint window, gboolean *deleted, GError **err)
{
	enum pop3_status st;
	guint sent = 0, done = 0;
	char cmd[32];

	if (!(s->caps & POP3_CAP_PIPELINING) || window == 0)
		window = 1;
	while (done < n) {
		if (sent == done || (sent < n && sent - done <= window / 2)) {
			while (sent < n && sent - done < window) {
				g_snprintf(cmd, sizeof cmd, "DELE %u",
				    msgnos[sent]);
				if ((st = sess_send(s, cmd, FALSE, err)) !=
				    POP3_OK)
					return st;
				sent++;
			}
			if ((st = sess_flush(s, err)) != POP3_OK)
				return st;
		}
		st = sess_status(s, NULL, err);
		if (st != POP3_OK && st != POP3_ERR_SERVER)
			return st;
		deleted[done] = st == POP3_OK;
		done++;
	}
	return POP3_OK;
}

enum pop3_status
pop3_session_quit(struct pop3_session *s, GError **err)
{
	enum pop3_status st;

	if ((st = sess_send(s, "QUIT", TRUE, err)) != POP3_OK)
		return st;
	st = sess_status(s, NULL, err);
	s->dead = TRUE;
	if (st == POP3_ERR_SERVER)
		return sess_refused(s, POP3_ERR_SERVER, "QUIT", err);
	return st;
}

enum pop3_status
pop3_session_listing(struct pop3_session *s, guint *count, guint64 *size,
    GPtrArray **uidls, GArray **sizes, GError **err)
{
	enum pop3_status st, ust;
	GError *uerr = NULL;

	*uidls = NULL;
	*sizes = NULL;
	if (!(s->caps & POP3_CAP_PIPELINING)) {
		if ((st = pop3_session_stat(s, count, size, err)) != POP3_OK)
			return st;
		if (*count == 0)
			return POP3_OK;
		ust = pop3_session_uidl(s, *count, uidls, &uerr);
		if (ust != POP3_OK && ust != POP3_ERR_NO_UIDL) {
			g_propagate_error(err, uerr);
			return ust;
		}
		if ((st = pop3_session_list(s, *count, sizes, err)) != POP3_OK) {
			g_clear_error(&uerr);
			return st;
		}
	} else {
		/* One round trip for all three. */
		if ((st = sess_send(s, "STAT", FALSE, err)) != POP3_OK ||
		    (st = sess_send(s, "UIDL", FALSE, err)) != POP3_OK ||
		    (st = sess_send(s, "LIST", TRUE, err)) != POP3_OK)
			return st;
		if ((st = stat_read(s, count, size, err)) != POP3_OK) {
			s->dead = TRUE;	/* two replies are still pending */
			return st;
		}
		ust = uidl_read(s, *count, uidls, &uerr);
		if (ust != POP3_OK && ust != POP3_ERR_NO_UIDL) {
			g_propagate_error(err, uerr);
			return ust;
		}
		if ((st = list_read(s, *count, sizes, err)) != POP3_OK) {
			g_clear_error(&uerr);
			if (*uidls != NULL)
				g_ptr_array_unref(*uidls);
			*uidls = NULL;
			return st;
		}
	}
	if (ust == POP3_ERR_NO_UIDL) {
		g_propagate_error(err, uerr);
		return POP3_ERR_NO_UIDL;
	}
	return POP3_OK;
}
