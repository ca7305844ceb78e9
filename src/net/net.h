/*
 * net.h: the transport POP3 and SMTP share below their protocols: where to
 * connect (struct net_endpoint, filled from an account by config_endpoint),
 * one stream open (TCP connect with a timeout, implicit TLS, certificate
 * verification), one STARTTLS upgrade, one handshake timeout, and the SASL
 * encodings. Errors come as an enum net_status with the detail in a GError
 * of domain NET_ERROR (code = the status). libetpan checks no certificate
 * by itself: every TLS stream opened here is verified before it is handed
 * back (DESIGN invariant 7).
 *
 * Layer: directly above util, below config (config includes this header for
 * enum net_tls_mode; net includes nothing of config). With pop3/ and smtp/,
 * the only code that includes libetpan. Never prints.
 */
#ifndef SATCHEL_NET_H
#define SATCHEL_NET_H

#include <glib.h>
#include <libetpan/libetpan.h>

/* How a connection is encrypted (an account's pop3_tls and smtp_tls). */
enum net_tls_mode {
	NET_TLS_IMPLICIT,	/* TLS from the first byte */
	NET_TLS_STARTTLS,	/* plain, upgraded by the protocol (net_starttls) */
	NET_TLS_NONE,		/* never encrypted */
};

/*
 * Where and how to connect. The strings are borrowed (from an account,
 * usually: config_endpoint) and must outlive the open.
 */
struct net_endpoint {
	const char	*host;
	unsigned	 port;
	enum net_tls_mode tls;
	unsigned	 timeout;	/* seconds per network wait; 0: 60 */
	const char	*ca_file;	/* PEM trust anchors; NULL: the system's */
	const char	*fingerprint;	/* pinned leaf SHA-256, or NULL */
};
/* The endpoint's timeout in seconds, the default for 0. */
unsigned	 net_endpoint_timeout(const struct net_endpoint *);

enum net_status {
	NET_OK = 0,
	NET_ERR_RESOLVE,	/* host name unknown */
	NET_ERR_CONNECT,	/* refused, unreachable */
	NET_ERR_TIMEOUT,	/* no answer in time */
	NET_ERR_TLS,		/* handshake failed */
	NET_ERR_CERT,		/* certificate or host name not trusted */
};
const char	*net_strerror(enum net_status);

#define NET_ERROR (net_error_quark())
GQuark		 net_error_quark(void);

/*
 * Open a stream to ep: connect with the timeout; for NET_TLS_IMPLICIT do
 * the handshake (SNI for a host name), cut when it takes longer than the
 * timeout (NET_ERR_TIMEOUT), and verify the certificate (net_tls_verify).
 * For NET_TLS_STARTTLS and NET_TLS_NONE the stream is plain: the protocol
 * sends its STARTTLS or STLS and calls net_starttls. Reads and writes on
 * the stream time out after the endpoint's timeout. *out is set on NET_OK
 * only (mailstream_close it).
 */
enum net_status	 net_open(const struct net_endpoint *, mailstream **out,
		    GError **);
/*
 * Upgrade an open plain stream to TLS after the server said yes to the
 * protocol's STARTTLS: the handshake on the same socket with the same
 * timeout as net_open, then certificate verification. Refused (NET_ERR_TLS)
 * when the stream holds bytes the server sent after its yes; a protocol
 * that reads into a buffer of its own checks that one. On failure the
 * stream is not usable any more (close it).
 */
enum net_status	 net_starttls(mailstream *, const struct net_endpoint *,
		    GError **);

/*
 * Connect to host:port over TCP with a timeout (seconds) for the connect
 * itself; TCP_NODELAY is set. Returns the socket in *fd; the GError names
 * host and port on failure.
 */
enum net_status	 net_connect(const char *host, unsigned port, unsigned timeout,
		    int *fd, GError **);

/*
 * Verify the TLS peer of stream for host (a name or an IP literal): the
 * chain must lead to ca_file (PEM; NULL: the system trust store) and the
 * certificate must name host. If fingerprint is set (the SHA-256 of the
 * certificate: 64 hex digits, colons, spaces and case ignored, optionally
 * after "SHA256:" or OpenSSL's "SHA256 Fingerprint="; or "SHA256:" and
 * base64) the leaf must match it instead (pinning self-signed
 * servers). Call after the handshake, before any credential is sent
 * (net_open and net_starttls do). On failure the GError (NET_ERR_CERT)
 * names the host and the reason.
 */
enum net_status	 net_tls_verify(mailstream *stream, const char *host,
		    const char *ca_file, const char *fingerprint, GError **);

/* SHA-256 fingerprint of the peer's leaf certificate, "AB:CD:..." (g_free). */
char		*net_tls_fingerprint(mailstream *stream);

/* SNI callback for libetpan's *_with_callback connect calls; data = host. */
void		 net_tls_sni_cb(struct mailstream_ssl_context *, void *host);

/*
 * Client side of the SASL mechanisms satchel encodes itself, the same for
 * POP3 (RFC 5034) and SMTP (RFC 4954): no system plugin decides whether a
 * login works. The protocol code sends the command and reads the replies;
 * this part only turns challenges into responses. Every response is base64
 * text to send on a line of its own ("*" cancels the exchange) and holds the
 * secret: the caller wipes it (net_sasl_wipe) and frees it with g_free.
 */
enum net_sasl_mech {
	NET_SASL_NONE = 0,	/* not one of ours */
	NET_SASL_PLAIN,		/* RFC 4616 */
	NET_SASL_LOGIN,		/* draft-murchison-sasl-login */
	NET_SASL_CRAM_MD5,	/* RFC 2195 */
	NET_SASL_XOAUTH2,	/* Google's and Microsoft's OAuth2 */
	NET_SASL_OAUTHBEARER,	/* RFC 7628 */
};
struct net_sasl;

/* The mechanism named name (any case); NET_SASL_NONE if not built in. */
enum net_sasl_mech net_sasl_mech_from_name(const char *name);
/* Its name in upper case, as sent after AUTH. */
const char	*net_sasl_mech_name(enum net_sasl_mech);
/* TRUE for XOAUTH2 and OAUTHBEARER: the secret is a bearer token. */
gboolean	 net_sasl_mech_is_oauth(enum net_sasl_mech);
/* TRUE if the secret crosses the link readable (all but CRAM-MD5). */
gboolean	 net_sasl_mech_sends_secret(enum net_sasl_mech);

/*
 * One exchange for user with secret (password or token). host and port go
 * into OAUTHBEARER's message. Copies its arguments; net_sasl_free wipes them.
 */
struct net_sasl	*net_sasl_new(enum net_sasl_mech, const char *user,
		    const char *secret, const char *host, unsigned port);
void		 net_sasl_free(struct net_sasl *);

/*
 * The initial response to send with the AUTH command itself, if the
 * mechanism has one (PLAIN, XOAUTH2, OAUTHBEARER) and it is at most max
 * octets long; else NULL, and the first net_sasl_step answers the server's
 * empty challenge with it. Call once, before any step.
 */
char		*net_sasl_initial(struct net_sasl *, gsize max);

/*
 * The response to one server challenge (the base64 text after "+ " or
 * "334 "). Never NULL. A challenge the mechanism does not expect is
 * answered with "*"; for OAuth2 a challenge after the token is the server's
 * error and is answered as the mechanism asks (an empty line for XOAUTH2,
 * ^A for OAUTHBEARER) so that the server sends its final refusal.
 */
char		*net_sasl_step(struct net_sasl *, const char *challenge);

/* Overwrite a string holding a secret with zeros (NULL is fine). */
void		 net_sasl_wipe(char *);

#endif
