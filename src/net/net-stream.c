/*
 * net-stream.c: the one way POP3 and SMTP open a connection: connect,
 * implicit TLS or a plain stream, the STARTTLS upgrade, and the one answer
 * to a handshake that hangs (a watchdog thread that shuts the socket down
 * when the endpoint's timeout has passed; libetpan's own timer does not
 * cover every read of a handshake). Every TLS stream is verified here
 * before it is handed back. Layer: net.
 */
#include "satchel-config.h"

#include <sys/socket.h>

#include <unistd.h>

#include "util/util.h"
#include "net/net.h"

/* libetpan's buffer for a stream (its own *_open calls use the same). */
#define NET_STREAM_BUFFER	8192

/* A watchdog that cuts a TLS handshake which takes longer than allowed. */
struct net_watchdog {
	GMutex		 lock;
	GCond		 cond;
	gboolean	 done;
	gboolean	 fired;
	int		 fd;
	gint64		 deadline;
};

static gpointer		 net_watchdog_run(gpointer);
static mailstream_low	*net_handshake(int, const struct net_endpoint *,
			    gboolean, gboolean *);

static gpointer
net_watchdog_run(gpointer data)
{
	struct net_watchdog *w = data;

	g_mutex_lock(&w->lock);
	while (!w->done) {
		if (!g_cond_wait_until(&w->cond, &w->lock, w->deadline)) {
			if (!w->done) {
				/* Wake the blocked handshake: reads return EOF. */
				shutdown(w->fd, SHUT_RDWR);
				w->fired = TRUE;
			}
			break;
		}
	}
	g_mutex_unlock(&w->lock);
	return NULL;
}

/*
 * The TLS handshake on fd under the watchdog, as libetpan does it for an
 * implicit-TLS port or after STARTTLS. Returns the TLS stream end,
 * or NULL; *timed_out is TRUE if the watchdog had to cut it, or if it
 * failed after the deadline: libetpan's own timer (the same length) often
 * ends a silent handshake before the watchdog thread runs on a busy
 * machine, and that failure is a timeout too, not "TLS failed".
 */
static mailstream_low *
net_handshake(int fd, const struct net_endpoint *ep, gboolean starttls,
    gboolean *timed_out)
{
	struct net_watchdog	 w;
	mailstream_low		*low;
	GThread			*t;
	unsigned		 timeout = net_endpoint_timeout(ep);

	g_mutex_init(&w.lock);
	g_cond_init(&w.cond);
	w.done = FALSE;
	w.fired = FALSE;
	w.fd = fd;
	w.deadline = g_get_monotonic_time() +
	    (gint64)timeout * G_USEC_PER_SEC;
	t = g_thread_new("net-tls-watchdog", net_watchdog_run, &w);
	if (starttls)
		low = mailstream_low_tls_open_with_callback_timeout(fd,
		    timeout, net_tls_sni_cb, (void *)ep->host);
	else
		low = mailstream_low_ssl_open_with_callback_timeout(fd,
		    timeout, net_tls_sni_cb, (void *)ep->host);
	g_mutex_lock(&w.lock);
	w.done = TRUE;
	g_cond_signal(&w.cond);
	g_mutex_unlock(&w.lock);
	g_thread_join(t);
	*timed_out = w.fired ||
	    (low == NULL && g_get_monotonic_time() >= w.deadline);
	g_mutex_clear(&w.lock);
	g_cond_clear(&w.cond);
	return low;
}

enum net_status
net_open(const struct net_endpoint *ep, mailstream **out, GError **err)
{
	mailstream_low	*low;
	mailstream	*stream;
	enum net_status	 st;
	unsigned	 timeout = net_endpoint_timeout(ep);
	gboolean	 timed_out;
	int		 fd = -1;

	*out = NULL;
	if ((st = net_connect(ep->host, ep->port, timeout, &fd, err)) !=
	    NET_OK)
		return st;
	if (ep->tls != NET_TLS_IMPLICIT) {
		stream = mailstream_socket_open_timeout(fd, timeout);
		if (stream == NULL) {
			close(fd);
			g_set_error(err, NET_ERROR, NET_ERR_CONNECT,
			    _("%s: cannot open the connection"), ep->host);
			return NET_ERR_CONNECT;
		}
		*out = stream;
		return NET_OK;
	}
	low = net_handshake(fd, ep, FALSE, &timed_out);
	if (low == NULL || timed_out) {
		if (low != NULL) {
			mailstream_low_close(low);
			mailstream_low_free(low);
		} else
			close(fd);
		st = timed_out ? NET_ERR_TIMEOUT : NET_ERR_TLS;
		g_set_error(err, NET_ERROR, st, timed_out ?
		    _("%s port %u: TLS handshake timed out") :
		    _("%s port %u: TLS handshake failed (is this a TLS "
		    "port?)"), ep->host, ep->port);
		return st;
	}
	mailstream_low_set_timeout(low, timeout);
	stream = mailstream_new(low, NET_STREAM_BUFFER);
	if (stream == NULL) {
		mailstream_low_close(low);
		mailstream_low_free(low);
		g_set_error(err, NET_ERROR, NET_ERR_CONNECT,
		    _("%s: cannot open the connection"), ep->host);
		return NET_ERR_CONNECT;
	}
	st = net_tls_verify(stream, ep->host, ep->ca_file, ep->fingerprint,
	    err);
	if (st != NET_OK) {
		mailstream_close(stream);
		return st;
	}
	*out = stream;
	return NET_OK;
}

enum net_status
net_starttls(mailstream *stream, const struct net_endpoint *ep,
    GError **err)
{
	mailstream_low	*plain, *tls = NULL;
	enum net_status	 st;
	gboolean	 timed_out = FALSE;
	int		 fd;

	/*
	 * Bytes the server sent after its yes would be read as if they had
	 * come through TLS (CVE-2020-15953): no handshake then.
	 */
	if (stream->read_buffer_len > 0) {
		g_set_error(err, NET_ERROR, NET_ERR_TLS,
		    _("%s: TLS handshake failed"), ep->host);
		return NET_ERR_TLS;
	}
	plain = mailstream_get_low(stream);
	fd = mailstream_low_get_fd(plain);
	if (fd >= 0)
		tls = net_handshake(fd, ep, TRUE, &timed_out);
	if (tls != NULL) {
		mailstream_low_set_timeout(tls, net_endpoint_timeout(ep));
		/* Frees the plain end only; the socket is the TLS one's now. */
		mailstream_low_free(plain);
		mailstream_set_low(stream, tls);
	}
	if (tls == NULL || timed_out) {
		st = timed_out ? NET_ERR_TIMEOUT : NET_ERR_TLS;
		g_set_error(err, NET_ERROR, st, timed_out ?
		    _("%s: TLS handshake timed out") :
		    _("%s: TLS handshake failed"), ep->host);
		return st;
	}
	return net_tls_verify(stream, ep->host, ep->ca_file, ep->fingerprint,
	    err);
}
