/*
 * pop3-session.h: one POP3 protocol session (private to pop3/).
 *
 * libetpan only provides the byte stream (plain, TLS, the STLS upgrade);
 * every command and reply is spoken here with a strict parser: lines are
 * capped, a close in the middle of a reply is an error (never a loop),
 * message numbers outside 1..count are refused, and QUIT is sent only by
 * pop3_session_quit() (closing without it never commits a DELE).
 */
#ifndef SATCHEL_POP3_SESSION_H
#define SATCHEL_POP3_SESSION_H

#include <glib.h>

#include "net/net.h"
#include "pop3/pop3.h"

/* The longest status or listing line accepted (RFC 2449 allows 512). */
#define POP3_SESSION_LINE_MAX	4096
/* The most messages a mailbox listing may hold. */
#define POP3_SESSION_MAX_MSGS	5000000u
/* UIDL length limits (RFC 1939: 1-70 characters 0x21-0x7E). */
#define POP3_SESSION_UIDL_MAX	70

enum pop3_session_caps {
	POP3_CAP_TOP = 1 << 0,
	POP3_CAP_UIDL = 1 << 1,
	POP3_CAP_USER = 1 << 2,
	POP3_CAP_SASL = 1 << 3,
	POP3_CAP_STLS = 1 << 4,
	POP3_CAP_PIPELINING = 1 << 5,
	POP3_CAP_RESP_CODES = 1 << 6,
	POP3_CAP_AUTH_RESP_CODE = 1 << 7,
	POP3_CAP_EXPIRE = 1 << 8,
	POP3_CAP_LOGIN_DELAY = 1 << 9,
	POP3_CAP_CAPA = 1 << 10,	/* CAPA answered +OK */
};

struct pop3_session;

/*
 * Open the stream to ep (net_open: connect, implicit TLS, verification),
 * read the greeting, upgrade with STLS when ep asks for STARTTLS (refused
 * if not offered; net_starttls verifies), and send CAPA (again after TLS:
 * what came before it is forgotten). cancel may be NULL. *out is set only
 * on POP3_OK.
 */
enum pop3_status pop3_session_open(const struct net_endpoint *,
		    struct pop3_cancel *, struct pop3_session **out, GError **);
/* Close the connection WITHOUT QUIT (pending DELEs are not committed). */
void		 pop3_session_free(struct pop3_session *);	/* NULL is fine */

unsigned	 pop3_session_caps(struct pop3_session *);
gboolean	 pop3_session_is_tls(struct pop3_session *);
/* EXPIRE days (-1 none, G_MAXINT NEVER) and LOGIN-DELAY seconds (0 none). */
int		 pop3_session_expire(struct pop3_session *);
gint64		 pop3_session_login_delay(struct pop3_session *);
/* Text of the last -ERR reply (valid UTF-8, unsanitised), or NULL. */
const char	*pop3_session_last_error(struct pop3_session *);

/*
 * Authenticate. method: NULL/"auto", "user", "apop", or a SASL mechanism
 * (PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER). A password method over
 * an unencrypted link is refused (POP3_ERR_PLAINTEXT) unless
 * allow_plaintext. Sends CAPA again afterwards (RFC 2449 per-user values).
 */
enum pop3_status pop3_session_auth(struct pop3_session *, const char *method,
		    const char *user, const char *password, const char *token,
		    gboolean allow_plaintext, GError **);

/* STAT: message count and mailbox size. */
enum pop3_status pop3_session_stat(struct pop3_session *, guint *count,
		    guint64 *size, GError **);
/*
 * UIDL (all): *uidls gets count entries, index i for message i + 1; an
 * entry is NULL if the listing left that message out. A UIDL that breaks
 * RFC 1939, and the second and later messages listed with the same UIDL,
 * get a key of their own (pop3_session_uidl_key), so every entry is
 * unique, at most 70 characters and printable ASCII. POP3_ERR_NO_UIDL if
 * the server refuses the command.
 */
enum pop3_status pop3_session_uidl(struct pop3_session *, guint count,
		    GPtrArray **uidls, GError **);
/* LIST (all): *sizes (guint64) index i for message i + 1; 0 if left out. */
enum pop3_status pop3_session_list(struct pop3_session *, guint count,
		    GArray **sizes, GError **);

/*
 * STAT, UIDL and LIST, in one round trip when the server offers
 * PIPELINING. With an empty mailbox *uidls and *sizes stay NULL.
 * POP3_ERR_NO_UIDL (with *sizes set and *uidls NULL) if the server
 * refuses UIDL; the session stays usable then.
 */
enum pop3_status pop3_session_listing(struct pop3_session *, guint *count,
		    guint64 *size, GPtrArray **uidls, GArray **sizes, GError **);

/*
 * Download messages, pipelined with a window of up to window commands
 * when the server offers PIPELINING. For each item: RETR msgno, or
 * TOP msgno 0 when top is set. The content is dot-unstuffed, with LF line
 * ends, and streamed through the sink; no message is held whole in memory.
 * A sink error stops the download and is returned (the stream is then
 * unusable: free the session). A -ERR for one message calls sink->skip
 * and goes on.
 */
struct pop3_session_item {
	guint		 msgno;
	gboolean	 top;
};
struct pop3_session_sink {
	enum pop3_status (*begin)(guint idx, void *data);
	enum pop3_status (*write)(const void *, size_t, void *data);
	enum pop3_status (*end)(guint idx, void *data);
	void		(*skip)(guint idx, const char *text, void *data);
	void		*data;
};
enum pop3_status pop3_session_fetch(struct pop3_session *,
		    const struct pop3_session_item *, guint n, guint window,
		    const struct pop3_session_sink *, GError **);

/*
 * DELE each message (pipelined when offered). deleted[i] is set TRUE for
 * each +OK. Nothing is removed until pop3_session_quit() succeeds.
 */
enum pop3_status pop3_session_dele(struct pop3_session *, const guint *msgnos,
		    guint n, guint window, gboolean *deleted, GError **);
/* QUIT and read its status: POP3_OK means the deletions are committed. */
enum pop3_status pop3_session_quit(struct pop3_session *, GError **);

/*
 * pop3.c: the session registers its stream (a mailstream *) so that
 * pop3_cancel_trigger() can wake a blocked read; NULL unregisters.
 */
void		 pop3_cancel_attach(struct pop3_cancel *, void *stream);

/* Helpers shared with the fetch policy and the unit tests. */
gboolean	 pop3_session_uidl_valid(const char *, size_t len);
/*
 * The key a listing entry is stored under when its UIDL cannot be used as
 * it is: occurrence 1 for a UIDL that breaks RFC 1939 (spaces, over 70
 * characters, non-ASCII; raw holds its len bytes), occurrence K > 1 for the
 * K-th message listed with the same UIDL or key raw. A key is at most 70
 * printable ASCII characters and holds a space, so it never equals a real
 * UIDL; the same input always gives the same key (g_free).
 */
char		*pop3_session_uidl_key(const char *raw, size_t len,
		    guint occurrence);
enum pop3_uidl_kind {
	POP3_UIDL_REAL,		/* the server's UIDL as it is */
	POP3_UIDL_UNUSABLE,	/* a digest of a UIDL that breaks RFC 1939 */
	POP3_UIDL_DUPLICATE,	/* a later message with the same UIDL */
};
enum pop3_uidl_kind pop3_session_uidl_kind(const char *key);
/* Map a -ERR text's RFC 2449/3206 response code to a status. */
enum pop3_status pop3_session_resp_code(const char *text,
		    enum pop3_status fallback);
/* APOP digest: lowercase hex MD5 of stamp followed by password (g_free). */
char		*pop3_session_apop_digest(const char *stamp, const char *password);

#endif
