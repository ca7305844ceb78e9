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

/* Once per process: ignore SIGPIPE, set libetpan's global network delay. */
void		 net_init(unsigned timeout_seconds);

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

#endif
