/*
 * mime.h: parsing messages with GMime. Depends on util. The only header that
 * includes <gmime/gmime.h>; other modules get GMime types through it.
 *
 * Every string returned here is valid UTF-8 (decoded RFC 2047/2231, charset
 * converted, invalid bytes replaced) but NOT sanitised for the terminal.
 */
#ifndef SATCHEL_MIME_H
#define SATCHEL_MIME_H

#include <stdint.h>
#include <glib.h>
#include <gmime/gmime.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeObject, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimePart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeMultipart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeTextPart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeDataWrapper, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(InternetAddressList, g_object_unref)

/* Once per process, from main. */
void	mime_init(void);
void	mime_shutdown(void);

/*
 * Parser options for real-world mail (loose RFC 2047, fallback charsets
 * utf-8 and windows-1252, addresses without domain). Shared, do not free.
 */
GMimeParserOptions *mime_parser_options(void);

/*
 * Parser options for addresses a person typed (strict RFC 5322, but a
 * word without a domain is a mailbox, so that it can be refused by name
 * rather than swallowed into a group's name). Shared, do not free.
 */
GMimeParserOptions *mime_address_options(void);

/*
 * Parse the message in the file at path (seekable stream, persist on: a big
 * message costs little memory; the fd stays open while the message lives).
 * A leading mbox "From " line is skipped. Returns NULL only when nothing
 * could be parsed; errno or a log line says why.
 */
GMimeMessage *mime_message_from_file(const char *path);
/*
 * For reading: as mime_message_from_file(), but a file GMime cannot parse
 * (no header, broken structure) comes back as a message with one
 * text/plain part holding the file's raw text (invalid UTF-8 read as
 * Windows-1252, at most MIME_RAW_MAX bytes) and *raw set, so that nothing
 * in the store is unreadable. NULL only if the file cannot be read.
 */
#define MIME_RAW_MAX	(8 * 1024 * 1024)
GMimeMessage *mime_message_from_file_raw(const char *path, gboolean *raw);
/*
 * mime_message_from_file_raw() keeps at most 1,000 header fields (256 KiB)
 * and then only those the reader shows or MIME needs: the number of
 * fields it left out of m (0 for any other message).
 */
guint	 mime_message_dropped_fields(GMimeMessage *m);
GMimeMessage *mime_message_from_data(const void *data, size_t len);
/* Parse from st (seekable for a cheap big message; the caller keeps its ref). */
GMimeMessage *mime_message_from_stream(GMimeStream *st);

/* Bytes of text converted to valid UTF-8 (charset may be NULL or bogus). */
char	*mime_to_utf8(const char *text, gssize len, const char *charset);

/* One per-recipient block of a delivery status notification (RFC 3464). */
struct mime_dsn_rcpt {
	char		*recipient;	/* Final- (else Original-) Recipient, no type */
	char		*action;	/* lower case: failed, delayed ... */
	char		*status;	/* e.g. 5.1.1 */
	/*
	 * Diagnostic-Code without its type; without one (OpenSMTPD, Exim's
	 * routing failures) what the human-readable part says about this
	 * recipient; NULL if neither.
	 */
	char		*diagnostic;
};
void	mime_dsn_rcpt_free(struct mime_dsn_rcpt *);

/* What the index needs of a message. */
struct mime_summary {
	char		*message_id;	/* without <>, NULL if none */
	char		*in_reply_to;	/* first msg-id of In-Reply-To, without <> */
	char		*references;	/* space separated msg-ids without <> */
	int64_t		 date;		/* 0 if missing or unparsable */
	char		*from;		/* display: name, else address */
	char		*from_addr;
	char		*to;		/* decoded address lists as text */
	char		*cc;
	char		*subject;
	char		*body_text;	/* text for search (plain, else HTML as text), capped */
	char		*snippet;	/* first ~200 characters of body, one line */
	char		*attachment_names; /* space separated */
	gboolean	 has_attachment;
	/*
	 * What the message claims to be (enum crypt_kind in crypt.h:
	 * signed 1, encrypted 2), from its structure. The text of an
	 * encrypted message is not in body_text unless
	 * MIME_SUMMARY_DECRYPT is set.
	 */
	unsigned	 crypt;
	char		*list_id;
	/* Delivery status notification (RFC 3464), when the message is one. */
	gboolean	 is_dsn;
	char		*dsn_original_message_id; /* without <> */
	char		*dsn_envid;
	char		*dsn_action;	/* failed, delayed, delivered ... */
	char		*dsn_status;	/* e.g. 5.1.1 */
	char		*dsn_diagnostic;
	char		*dsn_recipient;
	/*
	 * Every per-recipient block, each parsed on its own (struct
	 * mime_dsn_rcpt *), NULL unless is_dsn. The dsn_action ... fields
	 * above repeat the first failed one (else the first) for the index.
	 */
	GPtrArray	*dsn_rcpts;
};
void	mime_summary_free(struct mime_summary *);
/* NULL message: summary of nothing (all NULL/0). Never fails. */
struct mime_summary *mime_summarize(GMimeMessage *);

enum mime_summary_flags {
	/*
	 * Decrypt encrypted messages (through gpg-agent) so that their text
	 * is indexed: the plain text then lands in the index on disk.
	 */
	MIME_SUMMARY_DECRYPT = 1 << 0,
};
/* Process-wide flags for mime_summarize() (enum mime_summary_flags). */
void	mime_set_summary_flags(unsigned flags);

#endif
