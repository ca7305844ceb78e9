/*
 * compose.h: building outgoing messages with GMime. Depends on util and mime.
 *
 * Two steps. A template is plain UTF-8 text for $EDITOR: header lines
 * (From, To, Cc, Bcc, Subject, optionally In-Reply-To, References and
 * Attach), one empty line, then the body. compose_parse() reads an edited
 * template back into struct compose_fields, and compose_build() turns fields
 * into a GMimeMessage ready to queue. Scripts that have the fields already
 * (satchel compose --to ...) call compose_build() directly.
 *
 * A built message keeps its Bcc addresses in the GMime Bcc list so the
 * outbox can put them on the envelope; compose_to_bytes() and the SMTP
 * sender never write a Bcc header into what goes on the wire.
 *
 * Template header syntax (case-insensitive names, continuation lines start
 * with a space or tab):
 *   From: Name <addr>       kept in fields->from for the caller (e.g. to
 *                           pick the account); compose_build uses its
 *                           identity argument, never this text
 *   To: / Cc: / Bcc:        RFC 5322 address lists, comma separated
 *   Reply-To:               an address list
 *   Subject: text           UTF-8, encoded with RFC 2047 when needed
 *   In-Reply-To: <id>       kept from compose_template_reply()
 *   References: <id> ...
 *   Attach: PATH            one file per line (~ expanded), added to the
 *                           attachments passed to compose_parse()
 * Lines before the first empty line that are not "Name: value", and header
 * names not listed above, are an error (COMPOSE_ERR_PARSE), so a typo or a
 * forgotten blank line is caught instead of silently dropped.
 */
#ifndef SATCHEL_COMPOSE_H
#define SATCHEL_COMPOSE_H

#include <stdint.h>
#include <glib.h>

#include "mime/mime.h"

enum compose_status {
	COMPOSE_OK = 0,
	COMPOSE_ERR_NO_RECIPIENT,	/* no To, Cc or Bcc address */
	COMPOSE_ERR_ADDRESS,		/* an address does not parse or is unsafe */
	COMPOSE_ERR_ATTACHMENT,		/* an attachment cannot be read */
	COMPOSE_ERR_PARSE,		/* the template's header part is malformed */
	COMPOSE_ERR_IO,			/* writing the message failed */
};
const char	*compose_strerror(enum compose_status);

/* GError domain; codes are enum compose_status. Messages are translated. */
#define COMPOSE_ERROR (compose_error_quark())
GQuark		 compose_error_quark(void);

/* Who sends: the account's display name (may be NULL) and address. */
struct compose_identity {
	const char	*name;
	const char	*addr;
};

struct compose_attachment {
	char		*path;		/* file to read */
	char		*filename;	/* name shown to the recipient, NULL: base name */
	char		*content_type;	/* "type/subtype", NULL: guessed by GLib */
};
/* path copied; filename and content_type may be NULL. Free with _free. */
struct compose_attachment *compose_attachment_new(const char *path,
		    const char *filename, const char *content_type);
void		 compose_attachment_free(struct compose_attachment *);

/*
 * What a message is made of. All strings UTF-8 and owned by the struct
 * (compose_fields_clear frees them). Address lists are RFC 5322 text
 * ("Ann <a@x>, b@y"). in_reply_to and references hold message ids
 * without <> (references space separated).
 */
struct compose_fields {
	char		*from;		/* as edited; informative only */
	char		*reply_to;
	char		*to;
	char		*cc;
	char		*bcc;
	char		*subject;
	char		*body;
	char		*in_reply_to;
	char		*references;
	GPtrArray	*attachments;	/* of struct compose_attachment *, owning */
};
void		 compose_fields_init(struct compose_fields *);
/*
 * TRUE the first time addr is met (letter case aside); seen is a set of
 * casefolded addresses, g_hash_table_new_full(g_str_hash, g_str_equal,
 * g_free, NULL), that remembers it.
 */
gboolean	 compose_addr_first_seen(GHashTable *seen, const char *addr);
void		 compose_fields_clear(struct compose_fields *);

/*
 * Build a message: From (identity), To, Cc, Bcc (envelope only, see above),
 * Subject (RFC 2047 when not ASCII), Date (now, local zone), Message-ID
 * (generated on the identity's domain), In-Reply-To and References,
 * MIME-Version, a text/plain; charset=UTF-8 body (7bit when it is plain
 * ASCII with lines under 998 bytes, else quoted-printable, which every
 * server carries without 8BITMIME), attachments with RFC 2231
 * names and guessed or given content types (base64; message/rfc822 as is).
 * Errors: COMPOSE_ERR_NO_RECIPIENT, COMPOSE_ERR_ADDRESS (names the
 * address), COMPOSE_ERR_ATTACHMENT (names the file). Returns a new
 * message (g_object_unref) or NULL with *err set.
 */
GMimeMessage	*compose_build(const struct compose_identity *,
		    const struct compose_fields *, GError **err);

/*
 * Parse an edited template into fields. extra_attachments (may be NULL,
 * of struct compose_attachment *) are copied into fields->attachments
 * after the template's own Attach: lines. Errors: COMPOSE_ERR_PARSE (with
 * the line number). Addresses are checked by compose_build, not here.
 * Returns TRUE and fills *fields (initialised by the call), or FALSE with
 * *err set and *fields cleared.
 */
gboolean	 compose_parse(const char *text, const GPtrArray *extra_attachments,
		    struct compose_fields *fields, GError **err);

/* Parse then build: the usual path after $EDITOR. */
GMimeMessage	*compose_parse_build(const struct compose_identity *,
		    const char *text, const GPtrArray *extra_attachments,
		    GError **err);

/* Templates. All return newly allocated UTF-8 text (g_free). */

/* A new message; to and subject may be NULL; signature appended after "-- ". */
char		*compose_template_new(const struct compose_identity *,
		    const char *to, const char *subject, const char *signature);

enum compose_reply_flags {
	COMPOSE_REPLY_ALL = 1 << 0,	/* also To and Cc of the original */
};
/*
 * Reply to orig: To is Reply-To, else From (with COMPOSE_REPLY_ALL also
 * the original To and Cc in Cc), without any address in own_addrs (NULL
 * terminated, compared case-insensitively; pass every account's from_addr)
 * and without duplicates. Subject "Re: " once (an existing Re:/RE:/Aw:
 * prefix is not repeated). In-Reply-To and References headers filled from
 * orig. Body: "On DATE, NAME wrote:" then the original text, each line
 * prefixed "> ", then the signature.
 */
char		*compose_template_reply(const struct compose_identity *,
		    GMimeMessage *orig, unsigned flags,
		    const char *const *own_addrs, const char *signature);

enum compose_forward_mode {
	COMPOSE_FORWARD_INLINE,		/* original text in the body */
	COMPOSE_FORWARD_ATTACH,		/* caller attaches the original, see below */
};
/*
 * Forward orig: empty To, Subject "Fwd: " once. INLINE puts a
 * "---------- Forwarded message ----------" block (From, Date, Subject,
 * To) and the original text in the body. ATTACH leaves the body for the
 * user; the caller passes the original's file as an extra attachment with
 * content type "message/rfc822" (compose_attachment_new(path, NULL,
 * "message/rfc822")).
 */
char		*compose_template_forward(const struct compose_identity *,
		    GMimeMessage *orig, enum compose_forward_mode,
		    const char *signature);

/*
 * Resume a draft (a message saved by outbox_draft_save): template text with
 * its To/Cc/Bcc/Subject/In-Reply-To/References and body. Its attachments
 * are written into attach_dir (must exist; the caller removes it when
 * done) and listed as Attach: lines. Returns NULL with *err on error.
 */
char		*compose_template_resume(GMimeMessage *draft,
		    const char *attach_dir, GError **err);

/* "Re: " / "Fwd: " once: subject with prefix unless already there (g_free). */
char		*compose_subject_reply(const char *subject);
char		*compose_subject_forward(const char *subject);

/*
 * The message as bytes with CRLF line ends. keep_bcc TRUE writes the Bcc
 * header (the Outbox and Drafts files keep it, so the queue can be rebuilt
 * from the Maildir and the Sent copy tells the user who got a blind copy);
 * FALSE hides it. Returns a new GBytes (g_bytes_unref).
 */
GBytes		*compose_to_bytes(GMimeMessage *, gboolean keep_bcc);

/*
 * What goes on the wire for a stored message: data with every Bcc header
 * (and its continuation lines) removed from the header section, the rest
 * byte for byte, bare LF turned into CRLF. Returns a new GBytes.
 */
GBytes		*compose_wire_bytes(const void *data, gsize len);

/*
 * Envelope recipients of a message: the addresses of To, Cc and Bcc
 * (groups flattened), without duplicates (case-insensitive), in order.
 * Returns a GPtrArray of char * (owning; g_ptr_array_unref).
 */
GPtrArray	*compose_recipients(GMimeMessage *);

/*
 * TRUE if addr is safe to put in an SMTP command: an addr-spec with one @,
 * no CR/LF/NUL/<>/space or other control characters, at most 254 bytes.
 */
gboolean	 compose_addr_is_safe(const char *addr);

/*
 * The sender a From: value names: exactly one mailbox. Sets *name (NULL
 * when there is none) and *addr (both g_free), or returns FALSE with
 * *err set (COMPOSE_ERR_ADDRESS).
 */
gboolean	 compose_parse_sender(const char *from, char **name, char **addr,
		    GError **err);

/*
 * Who a message was addressed to, in the order that best says which of
 * our addresses received it: Delivered-To, X-Original-To, Envelope-To,
 * then To and Cc (groups flattened). A GPtrArray of char * (owning).
 */
GPtrArray	*compose_addressed_to(GMimeMessage *);

/*
 * The address a list reply goes to: the first mailto: URL of List-Post
 * (RFC 2369), without its ?parameters, %XX decoded; NULL when there is
 * none ("NO", only web URLs) or it is not a safe address (g_free).
 */
char		*compose_list_post(GMimeMessage *);

/*
 * text (a template) with its header field name set to value: the first
 * such field (with its continuation lines) replaced, or the field added
 * as the first line. Newly allocated.
 */
char		*compose_set_header(const char *text, const char *name,
		    const char *value);

/*
 * Bounce (mutt's word; RFC 5322 3.6.6 "resent"): data, a whole message,
 * unchanged after a new Resent-From (id), Resent-To (to, an address list
 * as typed), Resent-Date and Resent-Message-ID, in the message's own line
 * ends (an mbox "From " line is dropped). *rcpts (may be NULL) gets the
 * envelope recipients, the addresses of to (owning); *resent_id (may be
 * NULL) the new id without <> (g_free). NULL with *err set
 * (COMPOSE_ERR_ADDRESS, COMPOSE_ERR_NO_RECIPIENT) when id or to is
 * unusable. Returns a new GBytes.
 */
GBytes		*compose_resent(const struct compose_identity *id,
		    const char *to, const void *data, gsize len,
		    GPtrArray **rcpts, char **resent_id, GError **err);

#endif
