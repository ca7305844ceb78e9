/*
 * render-private.h: what the render*.c and mailcap.c files share. Not for
 * use outside src/mime.
 */
#ifndef SATCHEL_RENDER_PRIVATE_H
#define SATCHEL_RENDER_PRIVATE_H

#include "mime/html.h"
#include "mime/render.h"

/* A logical line before wrapping: a paragraph of text or one line of it. */
struct render_para {
	const char		*text;	/* UTF-8, not yet sanitised; tabs allowed */
	size_t			 len;
	enum render_line_kind	 kind;
	unsigned		 quote;	/* quote level */
	unsigned		 indent; /* columns before every wrapped piece */
	unsigned		 hang;	/* further columns before continuation pieces */
	unsigned		 label;	/* HEADER: bytes of "Name:" */
	unsigned		 verdict; /* VERDICT: enum render_verdict */
};

/* render-out.c: the growing list of output lines and the wrapper. */
struct render_out {
	GArray		*lines;		/* struct render_line */
	size_t		 width;
	unsigned	 part;		/* part number stamped on new lines */
	unsigned	 frame;		/* enum render_frame stamped on new lines */
	gboolean	 full;		/* RENDER_MAX_LINES reached */
	GPtrArray	*urls;		/* message-wide URL table (char *) */
	GHashTable	*url_index;	/* url -> number (GUINT_TO_POINTER) */
};
void		 render_out_init(struct render_out *, size_t width);
void		 render_out_release(struct render_out *);
/* Wrap and append one logical line. FALSE once the output is full. */
gboolean	 render_out_para(struct render_out *, const struct render_para *);
/* Append an empty line unless the output is empty or already ends in one. */
void		 render_out_blank(struct render_out *);
/* Append a NOTICE line (formatted text, sanitised and cut to the width). */
void		 render_out_notice(struct render_out *, const char *fmt, ...)
		    G_GNUC_PRINTF(2, 3);
/* Drop trailing empty lines. */
void		 render_out_trim(struct render_out *);
/* Number of url in the table, adding it (cleaned) if new; 0 if unusable. */
unsigned	 render_out_url(struct render_out *, const char *url, gssize len);
/* Add every URL found in text to the table. */
void		 render_out_scan_urls(struct render_out *, const char *text, gssize len);

/* render-plain.c: text/plain (optionally format=flowed) into the output. */
void		 render_plain_add(struct render_out *, const char *text, size_t len,
		    gboolean flowed, gboolean delsp);

/* render-decode.c: bytes in a charset to valid UTF-8 (g_free). */
char		*render_decode_text(const char *bytes, size_t len,
		    const char *charset, size_t *outlen);
/* The decoded (transfer encoding removed) content of a leaf part. */
GByteArray	*render_decode_part(GMimePart *part, size_t max);

/* render-part.c: depth-first numbering shared with render_message(). */
struct render_part_ref {
	GMimeObject	*object;	/* borrowed from the message (or crypt) */
	unsigned	 depth;
	gboolean	 protected_content; /* inside content crypt decrypted */
};
/*
 * Numbered parts of msg (struct render_part_ref); *truncated set if
 * capped. With crypt (may be NULL), the parts of decrypted or unwrapped
 * content follow those of the message, so the message's own numbers are
 * the same with or without it.
 */
GArray		*render_part_collect(GMimeMessage *msg,
		    const struct crypt_state *crypt, gboolean *truncated);

/* mailcap.c: RFC 1524 mailcap entries. */
struct mailcap_entry {
	char		*type;		/* as written: "text/html", "image/any" or "text" */
	char		*command;
	gboolean	 needs_terminal;
	gboolean	 copious_output;
};
/*
 * First entry matching content_type in the colon separated list of files
 * paths (NULL: $MAILCAPS, else ~/.mailcap:/etc/mailcap). Entries with
 * test= are skipped; with want_copious only copiousoutput entries count.
 * NULL when none.
 */
struct mailcap_entry *mailcap_lookup(const char *paths, const char *content_type,
		    gboolean want_copious);
void		 mailcap_entry_free(struct mailcap_entry *);
/*
 * The command as argv for g_spawn: split with g_shell_parse_argv, then %s
 * becomes path (NULL: the command must not use %s), %t content_type
 * (lower case, only [a-z0-9/.+_-], no leading '-') and %{param} the
 * sanitised parameter from part (may be NULL). *uses_file
 * tells whether %s occurred. NULL with error when the command is empty,
 * malformed or uses shell operators.
 */
char		**mailcap_argv(const struct mailcap_entry *, const char *path,
		    const char *content_type, GMimeObject *part,
		    gboolean *uses_file, GError **error);
/*
 * Run argv with input on stdin, collect at most max bytes of stdout, kill
 * the child after timeout_ms. envp: its environment (NULL: ours). Returns
 * the output (g_free) or NULL with error.
 */
char		*mailcap_filter(char **argv, char *const *envp,
		    const char *input, size_t len,
		    unsigned timeout_ms, size_t max, size_t *outlen,
		    GError **error);

#endif
