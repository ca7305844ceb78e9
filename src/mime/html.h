/*
 * html.h: HTML to logical lines of text, the core under the parser and the
 * renderer. Depends on util only. The converter never fetches or runs
 * anything; its output is not sanitised for the terminal (the renderer and
 * the index do that), only bounded: a line is cut at HTML_MAX_LINE_BYTES
 * and html_to_text() reads at most HTML_MAX_TEXT_BYTES.
 */
#ifndef SATCHEL_HTML_H
#define SATCHEL_HTML_H

#include <glib.h>

#define HTML_MAX_LINE_BYTES	(16 * 1024)
#define HTML_MAX_TEXT_BYTES	(8 * 1024 * 1024)
#define HTML_MAX_LINKS		10000	/* numbered links per conversion */
#define HTML_URL_MAX		2048	/* bytes of a cleaned URL */

enum html_line_kind {
	HTML_LINE_TEXT,
	HTML_LINE_QUOTE,	/* inside <blockquote>: quote > 0 */
	HTML_LINE_HEADING,	/* inside <h1>-<h6> */
};

/* A logical line before wrapping; text is UTF-8 as the document had it. */
struct html_line {
	const char		*text;
	size_t			 len;
	enum html_line_kind	 kind;
	unsigned		 quote;		/* blockquote level */
	unsigned		 indent;	/* columns before every piece */
	unsigned		 hang;		/* more columns after a bullet */
};

/*
 * Where the lines go. line() returns FALSE to stop the conversion (a cap
 * reached). link() gives the number shown as [N] after a link's text for
 * its href, 0 for none (a URL that is not one, a full table).
 */
struct html_sink {
	gboolean	 (*line)(const struct html_line *, void *data);
	unsigned	 (*link)(const char *url, void *data);
	void		*data;
};

/*
 * Convert len bytes of html (NULL: none). Returns the link numbers the
 * text used, each once, in the order they appeared (GArray of guint; the
 * caller unrefs it) so the caller can list their URLs.
 */
GArray		*html_convert(const char *html, size_t len,
		    const struct html_sink *);

/*
 * The document as plain text: lines with "> " for quotes and the indent as
 * spaces, then a blank line and "[N] URL" for every link. Never NULL;
 * g_free() it. len < 0: NUL-terminated.
 */
char		*html_to_text(const char *html, gssize len);

/*
 * A URL as the reader lists it: whitespace taken out (mail wraps long
 * hrefs), http, https, ftp and mailto only, made safe for a terminal
 * (sanitize_text) and cut at HTML_URL_MAX bytes on a character boundary.
 * NULL when it is not such a URL. Used for links in HTML and plain text.
 */
char		*html_url_clean(const char *url, gssize len);

#endif
