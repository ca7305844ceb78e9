/*
 * render.h: turning a parsed message into lines a terminal can show safely.
 * Part of the mime layer; depends on util and GMime (through mime.h).
 *
 * Nothing here prints, prompts or touches curses. Every string returned is
 * valid UTF-8 that went through sanitize_text(): no ESC, no C0 or C1
 * controls, no bidirectional overrides, no newlines or tabs. Every line of
 * a struct render_text is at most `width` columns wide as sanitize_width()
 * counts them.
 *
 * Part numbers: every leaf part and every attached message (message/rfc822)
 * of a message gets a number, 1, 2, 3 ... in depth-first order (multipart
 * containers get none). render_message() marks lines with the number of the
 * part they came from, and render_part_list(), render_part_save() and
 * render_part_view() use the same numbers.
 *
 * Hostile mail costs bounded time and memory: nesting deeper than
 * RENDER_MAX_DEPTH is not descended into, at most RENDER_MAX_PARTS parts are
 * numbered, at most RENDER_MAX_LINES lines are returned, a header or text
 * line is cut at RENDER_MAX_LINE_BYTES before wrapping, and a text part is
 * cut at RENDER_MAX_TEXT_BYTES. When any cap is hit, the result says so
 * (RENDER_TEXT_TRUNCATED) and a notice line tells the reader.
 */
#ifndef SATCHEL_RENDER_H
#define SATCHEL_RENDER_H

#include <stddef.h>
#include <glib.h>

#include "mime/mime.h"
#include "mime/crypt.h"

#define RENDER_MAX_DEPTH	32
#define RENDER_MAX_PARTS	10000
#define RENDER_MAX_LINES	200000
#define RENDER_MAX_LINE_BYTES	(16 * 1024)
#define RENDER_MAX_TEXT_BYTES	(8 * 1024 * 1024)
#define RENDER_MIN_WIDTH	10
#define RENDER_MAX_WIDTH	1000

enum render_status {
	RENDER_OK = 0,
	RENDER_ERR_INVALID,	/* NULL message, bad argument */
	RENDER_ERR_NO_PART,	/* no part with that number */
	RENDER_ERR_EXISTS,	/* save: the file exists and overwrite was not asked */
	RENDER_ERR_IO,		/* a file could not be written (GError has errno text) */
	RENDER_ERR_NO_MAILCAP,	/* no usable mailcap entry for the type */
	RENDER_ERR_MAILCAP,	/* the entry cannot run without a shell (pipes ...) */
	RENDER_ERR_SPAWN,	/* an external command failed, timed out or could not start */
};
/* Static English text, run through _() by the caller. Never NULL. */
const char	*render_strerror(enum render_status);

/* What a line is, so the UI can pick an attribute. */
enum render_line_kind {
	RENDER_LINE_TEXT,	/* body text */
	RENDER_LINE_HEADER,	/* "Subject: ..." (label says how long "Subject:" is) */
	RENDER_LINE_QUOTE,	/* quoted body text; quote holds the level (>= 1) */
	RENDER_LINE_SIGNATURE,	/* from the "-- " line to the end of its part */
	RENDER_LINE_HEADING,	/* an HTML heading (h1-h6) */
	RENDER_LINE_NOTICE,	/* our own marker: attachment, attached message, cut */
	RENDER_LINE_LINK,	/* "[N] url" in the list of links after an HTML part */
	/*
	 * Our own verdict on a signed or encrypted part (verdict says which),
	 * never made from message text: the UI draws it with attributes no
	 * message line gets, so a body saying "Good signature" cannot pass
	 * for one.
	 */
	RENDER_LINE_VERDICT,
};

/* How a RENDER_LINE_VERDICT line judges what it frames. */
enum render_verdict {
	RENDER_VERDICT_NONE = 0,	/* not a verdict line */
	RENDER_VERDICT_GOOD,		/* good signature by the From address */
	RENDER_VERDICT_INFO,		/* decrypted, or the end of a frame */
	RENDER_VERDICT_WARN,		/* unknown key, expired, not the From address, not decrypted */
	RENDER_VERDICT_BAD,		/* bad signature, revoked key, could not be checked */
};

/* Which protection the lines between a frame's verdict and its end have. */
enum render_frame {
	/* inside a signed part; its verdict line says whether it holds */
	RENDER_FRAME_SIGNED = 1 << 0,
	RENDER_FRAME_ENCRYPTED = 1 << 1,	/* inside a decrypted part */
};

struct render_line {
	char			*text;	/* sanitised, width <= render_text.width */
	enum render_line_kind	 kind;
	unsigned		 quote;	/* quote level, 0 when not quoted */
	unsigned		 part;	/* part number the line came from, 0 for the top headers */
	unsigned		 label;	/* HEADER lines: bytes of "Name:" at the start of text; else 0 */
	unsigned		 verdict; /* enum render_verdict (VERDICT lines), else 0 */
	unsigned		 frame;	/* enum render_frame bits of the part the line is in */
};

enum render_text_flags {
	RENDER_TEXT_TRUNCATED = 1 << 0,	/* a cap was hit; a NOTICE line says where */
};

/* The whole rendered message. Free with render_text_free(). */
struct render_text {
	struct render_line	*lines;	/* nlines entries, owned by the struct */
	size_t			 nlines;
	size_t			 width;	/* the width actually used (clamped) */
	unsigned		 flags;	/* enum render_text_flags */
	char			**urls;	/* as render_url_list() returns, owned by the struct */
};

enum render_flags {
	RENDER_ALL_HEADERS = 1 << 0,	/* every header as found (unfolded, sanitised), not just the usual five */
	RENDER_HTML_MAILCAP = 1 << 1,	/* HTML through a "text/html; ...; copiousoutput" mailcap entry when one exists */
	RENDER_PREFER_HTML = 1 << 2,	/* multipart/alternative: show the HTML part, not text/plain */
	RENDER_NO_HEADERS = 1 << 3,	/* body only, no header block for the top message */
	RENDER_CRYPT_DETAILS = 1 << 4,	/* verdicts name key id, fingerprint and date */
	RENDER_HIDE_QUOTED = 1 << 5,	/* each run of quoted lines becomes one NOTICE saying how many */
	RENDER_INLINE_TEXT = 1 << 7,	/* a text part marked as an attachment is shown, not just named */
	RENDER_PART_HEADERS = 1 << 6,	/* with RENDER_ALL_HEADERS: each part's own header fields (Content-Type ...) before it */
};

struct render_options {
	size_t		 width;		/* columns; 0 means 80; clamped to RENDER_MIN_WIDTH..RENDER_MAX_WIDTH */
	unsigned	 flags;		/* enum render_flags */
	const char	*mailcap_path;	/* colon separated files; NULL: $MAILCAPS, else ~/.mailcap:/etc/mailcap */
	unsigned	 timeout_ms;	/* external HTML converter; 0 means 5000 */
	char *const	*envp;		/* the HTML converter's environment; NULL: ours */
	/*
	 * Why a sent message bounced, one "recipient: reason" per line, or
	 * NULL: shown after the headers as NOTICE lines, one per recipient.
	 */
	const char	*bounce;
	/*
	 * Verdicts and decrypted content from crypt_state_new() for the same
	 * message, or NULL: signed parts are then shown unverified (a
	 * verdict line says so) and encrypted ones as closed.
	 */
	const struct crypt_state *crypt;
};

/*
 * Render msg for a terminal. opts may be NULL (width 80, no flags).
 * Headers From, To, Cc, Date, Subject (decoded), a blank line, then the
 * body: text parts decoded to UTF-8 (format=flowed honoured), HTML
 * converted to text (links numbered and listed after the part), attached
 * messages inline with their headers, other parts as NOTICE lines naming
 * their number, type and file name. multipart/alternative shows text/plain
 * unless RENDER_PREFER_HTML. Lines are wrapped at word boundaries; quoted
 * lines keep a ">" prefix per level on every wrapped piece.
 * A failing external converter falls back to the built-in one.
 * Returns NULL only when msg is NULL. Free with render_text_free().
 */
struct render_text	*render_message(GMimeMessage *msg, const struct render_options *opts);
void			 render_text_free(struct render_text *);

/*
 * Numbers of the lines (0-based, ascending) whose text contains needle,
 * ignoring case (Unicode case folding). Stores the count in *count and
 * returns a g_free()d array, or NULL when nothing matches, needle is NULL
 * or empty, or text is NULL.
 */
size_t	*render_search(const struct render_text *text, const char *needle, size_t *count);

/*
 * Every URL in msg: http, https, ftp and mailto links found in the text
 * parts shown and href attributes of the HTML parts shown, in order of
 * first appearance, deduplicated, sanitised and cut at 2048 bytes. URL
 * number N (from 1) is element N - 1, and an HTML link marked [N] by
 * render_message() with the same opts (may be NULL) is that URL. Returns a
 * NULL-terminated array (g_strfreev); empty, never NULL.
 */
char	**render_url_list(GMimeMessage *msg, const struct render_options *opts);

/* One entry of the part list. */
struct render_part {
	unsigned	 number;	/* 1-based part number */
	unsigned	 depth;		/* nesting level, 0 for parts of the top message body */
	char		*content_type;	/* "type/subtype", lowercase, sanitised */
	char		*filename;	/* sanitize_filename() of the given name; NULL if none */
	size_t		 size;		/* decoded bytes (for a message: its bytes as stored) */
	gboolean	 is_attachment;	/* Content-Disposition: attachment */
	gboolean	 is_message;	/* an attached message (message/rfc822) */
	gboolean	 is_protected;	/* inside decrypted content: in memory only */
};

struct render_part_list {
	struct render_part	*parts;	/* nparts entries, parts[i].number == i + 1 */
	size_t			 nparts;
	gboolean		 truncated; /* more than RENDER_MAX_PARTS or too deep */
};

/* All numbered parts of msg. NULL only when msg is NULL. */
struct render_part_list	*render_part_list(GMimeMessage *msg);
/*
 * The same, and after them the parts of what crypt (from
 * crypt_state_new() for msg; NULL: none) decrypted or unwrapped, marked
 * is_protected. The message's own parts keep their numbers, and
 * render_message() with the same crypt numbers them alike.
 */
struct render_part_list	*render_part_list_crypt(GMimeMessage *msg,
			    const struct crypt_state *crypt);
void			 render_part_list_free(struct render_part_list *);

/*
 * Part number (numbered as render_part_list_crypt() does) rendered on its
 * own, as render_message() renders a body, text shown even when it is
 * marked as an attachment: for reading a text attachment without a
 * viewer. An attached message shows its headers too. NULL when there is
 * no such part.
 */
struct render_text	*render_part_text(GMimeMessage *msg,
			    const struct crypt_state *crypt, unsigned number,
			    const struct render_options *opts);

enum render_save_flags {
	RENDER_SAVE_OVERWRITE = 1 << 0,	/* replace an existing file */
};

/*
 * Save the decoded content of part number to directory dir under name
 * (NULL: the part's file name; either way passed through
 * sanitize_filename(), so it never leaves dir). The file gets mode 0600 and
 * is written durably: a temporary file in dir, fsync, then link (no
 * overwrite) or rename (RENDER_SAVE_OVERWRITE) into place, then the
 * directory is fsynced. An attached message is saved as it is stored.
 * On success and when saved_path is not NULL, *saved_path is the full path
 * (g_free). Returns RENDER_OK, RENDER_ERR_INVALID, RENDER_ERR_NO_PART,
 * RENDER_ERR_EXISTS (nothing written; ask, then retry with OVERWRITE) or
 * RENDER_ERR_IO (error set).
 */
enum render_status	render_part_save(GMimeMessage *msg, unsigned number,
			    const char *dir, const char *name, unsigned flags,
			    char **saved_path, GError **error);
/*
 * As render_part_save(), numbering as render_part_list_crypt() does: a
 * decrypted part is written to the file the user chose, and nowhere else.
 */
enum render_status	render_part_save_crypt(GMimeMessage *msg,
			    const struct crypt_state *crypt, unsigned number,
			    const char *dir, const char *name, unsigned flags,
			    char **saved_path, GError **error);

/*
 * How to open a part with its mailcap viewer. argv is ready for g_spawn
 * (no shell involved): the mailcap command split into words with
 * g_shell_parse_argv(), then %s replaced by temp_path, %t by the content
 * type and %{name} by that (sanitised) Content-Type parameter. When the
 * command has no %s it reads the part on its standard input: stdin_path is
 * then set and the caller opens it as the child's stdin.
 */
struct render_view {
	char		**argv;		/* NULL-terminated */
	char		 *temp_path;	/* private copy of the part (dir 0700, file 0600) */
	const char	 *stdin_path;	/* temp_path or NULL; borrowed from this struct */
	gboolean	  needs_terminal;	/* entry says needsterminal */
	gboolean	  copious_output;	/* entry says copiousoutput: page its output */
};

/*
 * Find the mailcap entry for part number (opts->mailcap_path as in
 * render_options; entries with test= are skipped since they need a shell),
 * write the decoded part to a private temporary file and build the argv.
 * Returns RENDER_OK with *view set, RENDER_ERR_INVALID, RENDER_ERR_NO_PART,
 * RENDER_ERR_NO_MAILCAP, RENDER_ERR_MAILCAP (the command uses shell syntax
 * such as pipes) or RENDER_ERR_IO. opts may be NULL.
 */
enum render_status	render_part_view(GMimeMessage *msg, unsigned number,
			    const struct render_options *opts,
			    struct render_view **view, GError **error);
/* Delete the temporary file and its directory, then free view (NULL is fine). */
void			render_view_free(struct render_view *view);

#endif
