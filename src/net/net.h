/*
 * net.h: what POP3 and SMTP share below the protocol: TCP connects with a
 * timeout and verified TLS (libetpan checks no certificate by itself).
 * Depends on util. With pop3/ and smtp/, the only code that includes libetpan.
 */
#ifndef SATCHEL_NET_H
#define SATCHEL_NET_H

#include <glib.h>
#include <libetpan/libetpan.h>

enum net_status {
	NET_OK = 0,
	NET_ERR_RESOLVE,	/* host name unknown */
	NET_ERR_CONNECT,	/* refused, unreachable */
	NET_ERR_TIMEOUT,	/* no answer in time */
	NET_ERR_TLS,		/* handshake failed */
	NET_ERR_CERT,		/* certificate or host name not trusted */
};
const char	*net_strerror(enum net_status);

/*
 * Connect to host:port over TCP with a timeout (seconds) for the connect
 * itself; TCP_NODELAY is set. Returns the socket in *fd. *err gets a
 * readable reason on failure (g_free).
 */
enum net_status	 net_connect(const char *host, unsigned port, unsigned timeout,
		    int *fd, char **err);

/*
 * Verify the TLS peer of stream for host (a name or an IP literal): the
 * chain must lead to ca_file (PEM; NULL: the system trust store) and the
 * certificate must name host. If fingerprint is set (the SHA-256 of the
 * certificate: 64 hex digits, colons, spaces and case ignored, optionally
 * after "SHA256:" or OpenSSL's "SHA256 Fingerprint="; or "SHA256:" and
 * base64) the leaf must match it instead (pinning self-signed
 * servers). Call after the handshake, before any credential is sent.
 * On failure *err names the reason (g_free).
 */
enum net_status	 net_tls_verify(mailstream *stream, const char *host,
		    const char *ca_file, const char *fingerprint, char **err);

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
