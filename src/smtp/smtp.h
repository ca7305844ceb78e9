/*
 * smtp.h: one SMTP submission session over libetpan. Depends on util,
 * config (enum net_tls_mode) and net.
 *
 * Connect (implicit TLS, STARTTLS or none), verify the certificate before
 * any credential, AUTH (SASL PLAIN/LOGIN and what the server offers,
 * XOAUTH2/OAUTHBEARER with a token), then any number of transactions
 * (MAIL/RCPT/DATA, RSET between them) on the same connection. Replies are
 * kept word for word (code plus text) for the user; nothing outside smtp/
 * sees a libetpan code. Never prints. A failed open or AUTH returns an
 * enum smtp_status with the detail in a GError of domain SMTP_ERROR (code =
 * the status); a transaction's outcome is its struct smtp_result.
 */
#ifndef SATCHEL_SMTP_H
#define SATCHEL_SMTP_H

#include <glib.h>

#include "net/net.h"

enum smtp_status {
	SMTP_OK = 0,
	SMTP_ERR_RESOLVE,	/* host name unknown (temporary) */
	SMTP_ERR_CONNECT,	/* refused, unreachable (temporary) */
	SMTP_ERR_TIMEOUT,	/* the server stopped answering (temporary) */
	SMTP_ERR_NETWORK,	/* connection lost (temporary) */
	SMTP_ERR_TLS,		/* TLS handshake failed (temporary) */
	SMTP_ERR_NOSTARTTLS,	/* STARTTLS asked for but not offered */
	SMTP_ERR_CERT,		/* certificate or host name not trusted */
	SMTP_ERR_PLAINTEXT,	/* AUTH over an unencrypted link not allowed */
	SMTP_ERR_NOAUTH,	/* no usable AUTH mechanism offered */
	SMTP_ERR_AUTH,		/* credentials refused (5xx) */
	SMTP_ERR_TEMP,		/* 4xx reply */
	SMTP_ERR_PERM,		/* 5xx reply */
	SMTP_ERR_PROTOCOL,	/* unexpected reply */
	SMTP_ERR_INVALID,	/* unsafe address or argument */
};
const char	*smtp_strerror(enum smtp_status);
/* TRUE when a later retry may succeed (network, 4xx). */
gboolean	 smtp_status_is_temporary(enum smtp_status);
/*
 * TRUE when the failure is the network's, not the server's word: no
 * address, no route, refused, reset, timed out, TLS handshake cut.
 */
gboolean	 smtp_status_is_network(enum smtp_status);

#define SMTP_ERROR (smtp_error_quark())
GQuark		 smtp_error_quark(void);

struct smtp_session;

/*
 * Open the stream to ep (net_open: connect, implicit TLS, verification),
 * read the greeting, EHLO (with the local IP literal, not the host name),
 * STARTTLS when ep asks for it (net_starttls verifies), EHLO again. *out is
 * set on SMTP_OK; the GError tells why otherwise, including the server's
 * words when it answered.
 */
enum smtp_status smtp_session_open(const struct net_endpoint *,
		    struct smtp_session **out, GError **);
/* QUIT (best effort) and free. NULL is fine. */
void		 smtp_session_close(struct smtp_session *);

/* TRUE if the server advertised AUTH at all. */
gboolean	 smtp_session_offers_auth(struct smtp_session *);
/* TRUE if the server offers DSN (ENVID/NOTIFY are then sent). */
gboolean	 smtp_session_offers_dsn(struct smtp_session *);

/*
 * Authenticate. mech: NULL or "auto" picks the best offered of PLAIN,
 * LOGIN (then what else SASL offers); a name forces it. For XOAUTH2 and
 * OAUTHBEARER secret is the access token. Over an unencrypted link only
 * with allow_plaintext (else SMTP_ERR_PLAINTEXT). Refused: SMTP_ERR_AUTH
 * with the server's reply in the GError.
 */
enum smtp_status smtp_session_auth(struct smtp_session *, const char *mech,
		    const char *user, const char *secret,
		    gboolean allow_plaintext, GError **);
/* TRUE if mech (case-insensitive) is an OAuth2 mechanism. */
gboolean	 smtp_mech_is_oauth2(const char *mech);

/* One recipient the server refused. */
struct smtp_refusal {
	char		*addr;
	int		 code;
	char		*text;		/* server's words, raw (sanitise to show) */
};
void		 smtp_refusal_free(struct smtp_refusal *);

struct smtp_result {
	enum smtp_status status; /* of the transaction as a whole */
	int		 code;		/* the deciding reply code, 0: none */
	char		*text;		/* its text (raw), or a local reason */
	GPtrArray	*refused;	/* of struct smtp_refusal *, owning */
	gboolean	 data_done;	/* the end of DATA was written: from
					   here a lost reply may mean "sent" */
};
void		 smtp_result_init(struct smtp_result *);
void		 smtp_result_clear(struct smtp_result *);

/*
 * One transaction: MAIL FROM (with SIZE, BODY=8BITMIME and SMTPUTF8 when
 * the message or the addresses need them and the server offers them;
 * ENVID and RET=HDRS when the server offers DSN and envid is set), RCPT TO
 * per recipient (NOTIFY=FAILURE,DELAY with DSN), DATA, the message. data
 * is the exact bytes to send (CRLF line ends, no Bcc): dot-stuffing is
 * done here. Returns:
 *   SMTP_OK        2xx after DATA: sent to every recipient not in refused
 *   SMTP_ERR_TEMP  a 4xx (MAIL, all RCPT, DATA) or nothing accepted
 *   SMTP_ERR_PERM  a 5xx (MAIL, DATA), or every recipient refused for good
 *   network codes  the link failed (see result->data_done)
 * After a failed transaction on a live link, RSET is sent so the session
 * can be reused; after a network error the session is dead.
 */
/*
 * Called by smtp_session_send() after the whole message and before the
 * final "." of DATA: the last moment at which a stop leaves the message
 * certainly unsent. FALSE: do not send the dot (the link is then closed
 * and the send returns SMTP_ERR_INVALID, data_done FALSE).
 */
typedef gboolean (*smtp_before_dot_fn)(void *);
void		 smtp_session_set_before_dot(struct smtp_session *,
		    smtp_before_dot_fn, void *);
enum smtp_status smtp_session_send(struct smtp_session *, const char *from,
		    GPtrArray *rcpts, const char *envid, const void *data,
		    gsize len, struct smtp_result *result);

/* RSET; SMTP_OK if the link is still good. */
enum smtp_status smtp_session_reset(struct smtp_session *);
/* FALSE once the link failed (do not reuse). */
gboolean	 smtp_session_alive(struct smtp_session *);

/* xtext (RFC 3461) of an ENVID value (g_free). */
char		*smtp_xtext(const char *);

#endif
