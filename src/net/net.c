/*
 * net.c: TCP connects with a timeout and the verification of a TLS peer
 * (chain, host name, or a pinned fingerprint) for POP3 and SMTP. libetpan
 * performs the handshake but checks nothing; every TLS session is verified
 * here before a credential is sent (DESIGN invariant 7). Layer: net.
 */
#include "satchel-config.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/crypto.h>

#include "util/util.h"
#include "net/net.h"

static enum net_status net_connect_one(const struct addrinfo *, unsigned,
		    int *, int *);
static char	*net_hex_normalise(const char *);
static char	*net_fingerprint_parse(const char *);
static enum net_status net_tls_verify_pin(mailstream *, const char *,
		    const char *, GError **);

G_DEFINE_QUARK(net-error-quark, net_error)

unsigned
net_endpoint_timeout(const struct net_endpoint *ep)
{
	return ep->timeout > 0 ? ep->timeout : 60;
}

const char *
net_strerror(enum net_status s)
{
	switch (s) {
	case NET_OK:
		return _("success");
	case NET_ERR_RESOLVE:
		return _("unknown host");
	case NET_ERR_CONNECT:
		return _("cannot connect");
	case NET_ERR_TIMEOUT:
		return _("timed out");
	case NET_ERR_TLS:
		return _("TLS handshake failed");
	case NET_ERR_CERT:
		return _("server certificate not trusted");
	}
	return _("unknown network error");
}

/* GnuTLS initialised (net_connect). */
static gsize net_tls_ready;

void
net_tls_sni_cb(struct mailstream_ssl_context *ctx, void *host)
{
	/* SNI only for names; an IP literal must not be sent as SNI. */
	if (host != NULL && !g_hostname_is_ip_address(host))
		mailstream_ssl_set_server_name(ctx, host);
}

static enum net_status
net_connect_one(const struct addrinfo *ai, unsigned timeout, int *fdp,
    int *err)
{
	struct pollfd	pfd;
	int		fd, flags, rc, soerr = 0, one = 1;
	socklen_t	len = sizeof soerr;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
	    ai->ai_protocol);
	if (fd < 0) {
		*err = errno;
		return NET_ERR_CONNECT;
	}
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
	if (rc != 0 && errno != EINPROGRESS) {
		*err = errno;
		close(fd);
		return NET_ERR_CONNECT;
	}
	if (rc != 0) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		do {
			rc = poll(&pfd, 1, (int)timeout * 1000);
		} while (rc < 0 && errno == EINTR);
		if (rc == 0) {
			*err = ETIMEDOUT;
			close(fd);
			return NET_ERR_TIMEOUT;
		}
		if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr,
		    &len) != 0 || soerr != 0) {
			*err = soerr != 0 ? soerr : errno;
			close(fd);
			return NET_ERR_CONNECT;
		}
	}
	fcntl(fd, F_SETFL, flags);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	*fdp = fd;
	return NET_OK;
}

enum net_status
net_connect(const char *host, unsigned port, unsigned timeout, int *fd,
    GError **err)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 portstr[16];
	enum net_status	 st = NET_ERR_CONNECT;
	int		 rc, e = 0;

	*fd = -1;
	/*
	 * satchel skips GnuTLS's load-time initialisation (main.c), so that
	 * what never connects does not pay for it: do it on first use.
	 */
	if (g_once_init_enter(&net_tls_ready)) {
		int grc = gnutls_global_init();

		if (grc != GNUTLS_E_SUCCESS)
			log_warn("net: gnutls_global_init: %s",
			    gnutls_strerror(grc));
		g_once_init_leave(&net_tls_ready, 1);
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	g_snprintf(portstr, sizeof portstr, "%u", port);
	rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc != 0) {
		g_set_error(err, NET_ERROR, NET_ERR_RESOLVE, _("%s: %s"), host,
		    gai_strerror(rc));
		return NET_ERR_RESOLVE;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		st = net_connect_one(ai, timeout, fd, &e);
		if (st == NET_OK)
			break;
	}
	freeaddrinfo(res);
	if (st != NET_OK)
		g_set_error(err, NET_ERROR, st, _("%s port %u: %s"), host,
		    port, g_strerror(e));
	return st;
}

/* "AB:cd:01" or "abcd01" -> "ABCD01"; NULL if not hex. */
static char *
net_hex_normalise(const char *s)
{
	GString *out = g_string_new(NULL);

	for (; *s != '\0'; s++) {
		if (*s == ':' || *s == ' ')
			continue;
		if (!g_ascii_isxdigit(*s)) {
			g_string_free(out, TRUE);
			return NULL;
		}
		g_string_append_c(out, g_ascii_toupper(*s));
	}
	if (g_str_has_prefix(out->str, "SHA256"))
		g_string_erase(out, 0, 6);
	return g_string_free(out, FALSE);
}

char *
net_tls_fingerprint(mailstream *stream)
{
	unsigned char	*der = NULL, digest[32];
	size_t		 len;
	GString		*out;
	int		 i;
	gnutls_datum_t	 d;

	if (stream == NULL)
		return NULL;
	len = (size_t)mailstream_ssl_get_certificate(stream, &der);
	if (der == NULL || len == 0 || len == (size_t)-1)
		return NULL;
	d.data = der;
	d.size = (unsigned)len;
	if (gnutls_fingerprint(GNUTLS_DIG_SHA256, &d, digest,
	    &(size_t){ sizeof digest }) != 0) {
		free(der);
		return NULL;
	}
	free(der);
	out = g_string_new(NULL);
	for (i = 0; i < 32; i++)
		g_string_append_printf(out, "%s%02X", i ? ":" : "", digest[i]);
	return g_string_free(out, FALSE);
}

/*
 * A pinned SHA-256 certificate fingerprint in the forms people paste, as
 * 64 upper-case hex digits: hex with or without colons or spaces, any
 * case, optionally after "SHA256:", "SHA-256:" or OpenSSL's "SHA256
 * Fingerprint="; or "SHA256:" and base64 (43 characters, or 44 with '=').
 * NULL when it is none of these (or not 32 bytes long).
 */
static char *
net_fingerprint_parse(const char *s)
{
	static const char *const prefixes[] = {
		"sha256 fingerprint=", "sha256:", "sha-256:", "sha256=", NULL,
	};
	g_autofree char	*t = g_strstrip(g_strdup(s));
	g_autofree guchar *raw = NULL;
	g_autofree char	*padded = NULL;
	const char	*p = t;
	char		*hex;
	GString		*out;
	gsize		 n = 0, len, i;

	for (i = 0; prefixes[i] != NULL; i++) {
		len = strlen(prefixes[i]);
		if (g_ascii_strncasecmp(p, prefixes[i], len) == 0) {
			p += len;
			break;
		}
	}
	while (*p == ' ')
		p++;
	if ((hex = net_hex_normalise(p)) != NULL && strlen(hex) == 64)
		return hex;
	g_free(hex);
	len = strlen(p);
	if ((len != 43 && len != 44) ||
	    strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/=") != len)
		return NULL;
	padded = len == 43 ? g_strconcat(p, "=", NULL) : g_strdup(p);
	raw = g_base64_decode(padded, &n);
	if (raw == NULL || n != 32)
		return NULL;
	out = g_string_new(NULL);
	for (i = 0; i < n; i++)
		g_string_append_printf(out, "%02X", raw[i]);
	return g_string_free(out, FALSE);
}

/* A pinned fingerprint instead of the chain: the leaf must match it. */
static enum net_status
net_tls_verify_pin(mailstream *stream, const char *host,
    const char *fingerprint, GError **err)
{
	g_autofree char *want = net_fingerprint_parse(fingerprint);
	g_autofree char *got_raw = net_tls_fingerprint(stream);
	g_autofree char *got = got_raw != NULL ?
	    net_hex_normalise(got_raw) : NULL;

	if (want == NULL) {
		g_set_error(err, NET_ERROR, NET_ERR_CERT, _("%s: the pinned "
		    "fingerprint \"%s\" is not a SHA-256 certificate "
		    "fingerprint: write 64 hex digits (colons allowed), or "
		    "SHA256: and base64; the server's is %s"), host,
		    fingerprint, got_raw != NULL ? got_raw : "?");
		return NET_ERR_CERT;
	}
	if (got != NULL && strcmp(want, got) == 0)
		return NET_OK;
	g_set_error(err, NET_ERROR, NET_ERR_CERT, _("%s: the certificate "
	    "fingerprint %s does not match the pinned %s"), host,
	    got_raw != NULL ? got_raw : "?", fingerprint);
	return NET_ERR_CERT;
}

enum net_status
net_tls_verify(mailstream *stream, const char *host, const char *ca_file,
    const char *fingerprint, GError **err)
{
	carray				*chain = NULL;
	gnutls_x509_crt_t		*crts = NULL;
	gnutls_x509_trust_list_t	 tl = NULL;
	gnutls_datum_t			 txt = { NULL, 0 };
	unsigned			 n = 0, i, status = 0;
	enum net_status			 st = NET_ERR_CERT;
	int				 rc;

	if (fingerprint != NULL && *fingerprint != '\0')
		return net_tls_verify_pin(stream, host, fingerprint, err);
	chain = mailstream_get_certificate_chain(stream);
	if (chain == NULL || carray_count(chain) == 0) {
		g_set_error(err, NET_ERROR, NET_ERR_CERT, _("%s: the server "
		    "sent no certificate"), host);
		goto out;
	}
	n = carray_count(chain);
	crts = g_new0(gnutls_x509_crt_t, n);
	for (i = 0; i < n; i++) {
		MMAPString	*m = carray_get(chain, i);
		gnutls_datum_t	 d = { (unsigned char *)m->str,
				    (unsigned)m->len };

		if (gnutls_x509_crt_init(&crts[i]) != 0 ||
		    gnutls_x509_crt_import(crts[i], &d,
		    GNUTLS_X509_FMT_DER) != 0) {
			g_set_error(err, NET_ERROR, NET_ERR_CERT, _("%s: "
			    "cannot read the server certificate"), host);
			n = i + 1;
			goto out;
		}
	}
	if (gnutls_x509_trust_list_init(&tl, 0) != 0)
		goto out;
	if (ca_file != NULL)
		rc = gnutls_x509_trust_list_add_trust_file(tl, ca_file, NULL,
		    GNUTLS_X509_FMT_PEM, 0, 0);
	else
		rc = gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
	/*
	 * A machine without a CA store (a minimal system; satchel run from
	 * its bundle there): the store the bundle carries, which its
	 * launcher names in SATCHEL_CA_FALLBACK. Never instead of the
	 * system's own store or of the account's ca_file.
	 */
	if (ca_file == NULL && rc <= 0) {
		const char *fb = g_getenv("SATCHEL_CA_FALLBACK");

		if (fb != NULL && *fb == '/')
			rc = gnutls_x509_trust_list_add_trust_file(tl, fb,
			    NULL, GNUTLS_X509_FMT_PEM, 0, 0);
	}
	if (rc <= 0) {
		g_set_error(err, NET_ERROR, NET_ERR_CERT, ca_file != NULL ?
		    _("%s: no CA certificate could be read from %s") :
		    _("%s: no system CA certificates%s"), host,
		    ca_file != NULL ? ca_file : "");
		goto out;
	}
	{
		gnutls_typed_vdata_st vd[2] = {
			{ GNUTLS_DT_DNS_HOSTNAME, (unsigned char *)host, 0 },
			{ GNUTLS_DT_KEY_PURPOSE_OID,
			  (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER, 0 },
		};

		rc = gnutls_x509_trust_list_verify_crt2(tl, crts, n, vd, 2, 0,
		    &status, NULL);
	}
	if (rc != 0 || status != 0) {
		if (rc == 0 && gnutls_certificate_verification_status_print(
		    status, GNUTLS_CRT_X509, &txt, 0) == 0)
			g_set_error(err, NET_ERROR, NET_ERR_CERT, _("%s: %s"),
			    host, (char *)txt.data);
		else
			g_set_error(err, NET_ERROR, NET_ERR_CERT, _("%s: "
			    "certificate verification failed"), host);
		goto out;
	}
	st = NET_OK;
out:
	if (st != NET_OK && err != NULL && *err == NULL)
		g_set_error(err, NET_ERROR, st, _("%s: certificate rejected: "
		    "%s"), host, net_strerror(st));
	if (txt.data != NULL)
		gnutls_free(txt.data);
	if (tl != NULL)
		gnutls_x509_trust_list_deinit(tl, 1);	/* and the CAs added */
	for (i = 0; crts != NULL && i < n; i++)
		if (crts[i] != NULL)
			gnutls_x509_crt_deinit(crts[i]);
	g_free(crts);
	if (chain != NULL)
		mailstream_certificate_chain_free(chain);
	return st;
}
