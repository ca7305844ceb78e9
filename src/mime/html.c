/*
 * html.c: a small HTML to text converter for mail, the core below both the
 * parser (mime.c: the text of an HTML-only message for the index) and the
 * renderer (render.c: the pager's lines). It does not build a tree:
 * one pass over the bytes, a few counters for lists, quotes and tables, and
 * logical lines handed to the sink. Paragraphs, headings and line breaks
 * become line breaks, list items get bullets or numbers, links get a number
 * [N] from the sink (their URLs are listed by the caller), table cells are
 * separated by " | ", entities are decoded, script and style are dropped
 * and pre keeps its spacing. Nothing is fetched and nothing is run.
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "mime/html.h"

#define HTML_MAX_LIST	16
#define HTML_MAX_QUOTE	64
#define HTML_MAX_NL	3
#define HTML_MAX_NAME	16

struct html_list {
	gboolean	 ordered;
	unsigned	 n;
};

struct html {
	const struct html_sink	*sink;
	gboolean		 stop;
	GArray			*used;		/* guint link numbers, in order */
	GHashTable		*used_set;

	GString			*line;
	gboolean		 line_open;
	enum html_line_kind	 line_kind;
	unsigned		 line_quote;
	unsigned		 line_indent;
	unsigned		 line_hang;
	unsigned		 nl;		/* line breaks wanted before the next text */
	gboolean		 started;	/* a line has been emitted */
	gboolean		 space;		/* a collapsed space is pending */

	unsigned		 quote;
	unsigned		 heading;
	unsigned		 pre;
	gboolean		 pre_start;	/* drop a newline right after <pre> */
	unsigned		 depth;		/* list nesting */
	struct html_list	 list[HTML_MAX_LIST];
	char			 bullet[24];	/* marker for the next list item */
	unsigned		 link;		/* number of the open <a>, 0 if none */
	unsigned		 cells;		/* cells started in this table row */
	gboolean		 cellsep;
};

struct html_entity {
	const char	*name;
	gunichar	 c;
};

/* ISO 8859-1 entities from U+00A0 on, in code point order. */
static const char *const html_latin1[] = {
	"nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect",
	"uml", "copy", "ordf", "laquo", "not", "shy", "reg", "macr",
	"deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot",
	"cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
	"Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil",
	"Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml",
	"ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times",
	"Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig",
	"agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
	"egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml",
	"eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide",
	"oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
};
G_STATIC_ASSERT(G_N_ELEMENTS(html_latin1) == 96);

static const struct html_entity html_entities[] = {
	{ "quot", '"' }, { "amp", '&' }, { "apos", '\'' }, { "lt", '<' },
	{ "gt", '>' }, { "OElig", 0x152 }, { "oelig", 0x153 },
	{ "Scaron", 0x160 }, { "scaron", 0x161 }, { "Yuml", 0x178 },
	{ "fnof", 0x192 }, { "circ", 0x2C6 }, { "tilde", 0x2DC },
	{ "Alpha", 0x391 }, { "Beta", 0x392 }, { "Gamma", 0x393 },
	{ "Delta", 0x394 }, { "Omega", 0x3A9 }, { "alpha", 0x3B1 },
	{ "beta", 0x3B2 }, { "gamma", 0x3B3 }, { "delta", 0x3B4 },
	{ "epsilon", 0x3B5 }, { "lambda", 0x3BB }, { "mu", 0x3BC },
	{ "pi", 0x3C0 }, { "sigma", 0x3C3 }, { "omega", 0x3C9 },
	{ "ensp", 0x2002 }, { "emsp", 0x2003 }, { "thinsp", 0x2009 },
	{ "zwnj", 0x200C }, { "zwj", 0x200D }, { "lrm", 0x200E },
	{ "rlm", 0x200F }, { "ndash", 0x2013 }, { "mdash", 0x2014 },
	{ "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "sbquo", 0x201A },
	{ "ldquo", 0x201C }, { "rdquo", 0x201D }, { "bdquo", 0x201E },
	{ "dagger", 0x2020 }, { "Dagger", 0x2021 }, { "bull", 0x2022 },
	{ "hellip", 0x2026 }, { "permil", 0x2030 }, { "prime", 0x2032 },
	{ "Prime", 0x2033 }, { "lsaquo", 0x2039 }, { "rsaquo", 0x203A },
	{ "oline", 0x203E }, { "frasl", 0x2044 }, { "euro", 0x20AC },
	{ "trade", 0x2122 }, { "larr", 0x2190 }, { "uarr", 0x2191 },
	{ "rarr", 0x2192 }, { "darr", 0x2193 }, { "harr", 0x2194 },
	{ "lArr", 0x21D0 }, { "rArr", 0x21D2 }, { "hArr", 0x21D4 },
	{ "minus", 0x2212 }, { "infin", 0x221E }, { "asymp", 0x2248 },
	{ "ne", 0x2260 }, { "le", 0x2264 }, { "ge", 0x2265 },
	{ "loz", 0x25CA }, { "spades", 0x2660 }, { "clubs", 0x2663 },
	{ "hearts", 0x2665 }, { "diams", 0x2666 }, { "check", 0x2713 },
	{ "nbsp", 0xA0 },
};

/* Numeric references 0x80-0x9F mean windows-1252 (HTML5). */
static const gunichar html_cp1252[32] = {
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

static const char *const html_bullets[] = { "\u2022 ", "\u25e6 ", "\u25aa " };

static gboolean		 html_entity(const char *, const char *, gunichar *,
			    const char **);
static gboolean		 html_entity_name(const char *, size_t, gunichar *);
static void		 html_emit(struct html *, const char *, size_t,
			    enum html_line_kind, unsigned, unsigned, unsigned);
static void		 html_flush(struct html *, gboolean);
static void		 html_begin(struct html *);
static void		 html_put(struct html *, const char *, size_t);
static void		 html_putc(struct html *, gunichar);
static void		 html_chars(struct html *, const char *, const char *);
static void		 html_block(struct html *, unsigned);
static char		*html_attr(const char *, const char *, const char *);
static const char	*html_tag_end(const char *, const char *);
static const char	*html_find_close(const char *, const char *,
			    const char *);
static const char	*html_tag(struct html *, const char *, const char *);
static void		 html_element(struct html *, const char *, gboolean,
			    const char *, const char *);
static gboolean		 html_name_in(const char *, const char *const *);
static void		 html_link_end(struct html *);

static gboolean
html_entity_name(const char *name, size_t len, gunichar *c)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(html_latin1); i++) {
		if (strlen(html_latin1[i]) == len &&
		    memcmp(html_latin1[i], name, len) == 0) {
			*c = 0xA0 + (gunichar)i;
			return TRUE;
		}
	}
	for (i = 0; i < G_N_ELEMENTS(html_entities); i++) {
		if (strlen(html_entities[i].name) == len &&
		    memcmp(html_entities[i].name, name, len) == 0) {
			*c = html_entities[i].c;
			return TRUE;
		}
	}
	return FALSE;
}

/*
 * Decode the reference at p ('&'), not beyond end. On success *c is the
 * character and *next the first byte after the reference.
 */
static gboolean
html_entity(const char *p, const char *end, gunichar *c, const char **next)
{
	const char	*q, *start;
	guint64		 v = 0;
	gboolean	 hex;
	size_t		 n;

	q = p + 1;
	if (q < end && *q == '#') {
		q++;
		hex = q < end && (*q == 'x' || *q == 'X');
		if (hex)
			q++;
		start = q;
		while (q < end && q - start < 9 &&
		    (hex ? g_ascii_isxdigit(*q) : g_ascii_isdigit(*q))) {
			v = v * (hex ? 16 : 10) + (guint64)(hex ?
			    g_ascii_xdigit_value(*q) : g_ascii_digit_value(*q));
			q++;
		}
		if (q == start)
			return FALSE;
		while (q < end && (hex ? g_ascii_isxdigit(*q) :
		    g_ascii_isdigit(*q))) {
			v = 0x110000;	/* absurdly long: invalid */
			q++;
		}
		if (q < end && *q == ';')
			q++;
		if (v >= 0x80 && v <= 0x9F)
			*c = html_cp1252[v - 0x80];
		else if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			*c = 0xFFFD;
		else
			*c = (gunichar)v;
		*next = q;
		return TRUE;
	}
	start = q;
	while (q < end && q - start < 32 && g_ascii_isalnum(*q))
		q++;
	n = (size_t)(q - start);
	if (n == 0 || !html_entity_name(start, n, c))
		return FALSE;
	if (q < end && *q == ';') {
		*next = q + 1;
		return TRUE;
	}
	/* Without ';' only the old ones that real mail writes that way. */
	if ((n == 3 && memcmp(start, "amp", 3) == 0) ||
	    (n == 2 && memcmp(start, "lt", 2) == 0) ||
	    (n == 2 && memcmp(start, "gt", 2) == 0) ||
	    (n == 4 && memcmp(start, "quot", 4) == 0) ||
	    (n == 4 && memcmp(start, "nbsp", 4) == 0) ||
	    (n == 4 && memcmp(start, "copy", 4) == 0)) {
		*next = q;
		return TRUE;
	}
	return FALSE;
}

static void
html_emit(struct html *h, const char *text, size_t len,
    enum html_line_kind kind, unsigned quote, unsigned indent, unsigned hang)
{
	struct html_line	 line;

	if (h->stop)
		return;
	line.text = text;
	line.len = len;
	line.kind = kind;
	line.quote = quote;
	line.indent = indent;
	line.hang = hang;
	if (!h->sink->line(&line, h->sink->data))
		h->stop = TRUE;
	h->started = TRUE;
}

/* End the open line; an empty one is emitted only when forced (pre). */
static void
html_flush(struct html *h, gboolean force)
{
	GString	*l = h->line;

	if (!h->line_open)
		return;
	while (l->len > 0 && l->str[l->len - 1] == ' ')
		g_string_truncate(l, l->len - 1);
	if (l->len > 0 || force)
		html_emit(h, l->str, l->len, h->line_kind, h->line_quote,
		    h->line_indent, h->line_hang);
	g_string_truncate(l, 0);
	h->line_open = FALSE;
	h->space = FALSE;
	h->cellsep = FALSE;
}

/* Text is about to arrive: make sure a line is open at the right place. */
static void
html_begin(struct html *h)
{
	unsigned	i, q;

	if (h->line_open && h->nl == 0)
		return;
	q = MIN(h->quote, h->line_quote);
	html_flush(h, FALSE);
	if (h->started) {
		for (i = 1; i < h->nl; i++)
			html_emit(h, "", 0, q > 0 ? HTML_LINE_QUOTE :
			    HTML_LINE_TEXT, q, 0, 0);
	}
	h->nl = 0;
	h->line_open = TRUE;
	h->line_quote = h->quote;
	h->line_indent = h->depth > 1 ? 2 * (MIN(h->depth, HTML_MAX_LIST) - 1) : 0;
	h->line_hang = 0;
	if (h->quote > 0)
		h->line_kind = HTML_LINE_QUOTE;
	else if (h->heading > 0)
		h->line_kind = HTML_LINE_HEADING;
	else
		h->line_kind = HTML_LINE_TEXT;
	h->space = FALSE;
	h->cellsep = FALSE;
	if (h->bullet[0] != '\0') {
		g_string_append(h->line, h->bullet);
		h->line_hang = (unsigned)g_utf8_strlen(h->bullet, -1);
		h->bullet[0] = '\0';
	}
}

/* Append visible text (never whitespace to collapse). */
static void
html_put(struct html *h, const char *s, size_t n)
{
	html_begin(h);
	if (h->line->len > HTML_MAX_LINE_BYTES)
		return;		/* the wrapper would cut it anyway */
	if (h->cellsep && h->line->len > h->line_hang) {
		while (h->line->len > 0 && h->line->str[h->line->len - 1] == ' ')
			g_string_truncate(h->line, h->line->len - 1);
		g_string_append(h->line, " | ");
	} else if (h->space && h->line->len > 0 &&
	    h->line->str[h->line->len - 1] != ' ')
		g_string_append_c(h->line, ' ');
	h->space = FALSE;
	h->cellsep = FALSE;
	g_string_append_len(h->line, s, (gssize)n);
}

static void
html_putc(struct html *h, gunichar c)
{
	char	buf[8];
	int	n;

	if (c == 0xAD)
		return;		/* soft hyphen: invisible */
	if (c == 0xA0 || c == 0x2002 || c == 0x2003 || c == 0x2009) {
		/* Non-breaking and fixed spaces: spacing, not text. */
		if (h->pre)
			html_put(h, " ", 1);
		else if (h->line_open)
			h->space = TRUE;
		return;
	}
	n = g_unichar_to_utf8(c, buf);
	html_put(h, buf, (size_t)n);
}

/* Text between tags. */
static void
html_chars(struct html *h, const char *p, const char *end)
{
	const char	*q, *next;
	gunichar	 c;

	while (p < end && !h->stop) {
		if (*p == '&') {
			if (html_entity(p, end, &c, &next)) {
				html_putc(h, c);
				p = next;
			} else {
				html_put(h, "&", 1);
				p++;
			}
			h->pre_start = FALSE;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\f') {
			if (h->pre == 0) {
				if (h->line_open)
					h->space = TRUE;
			} else if (*p == '\n') {
				if (!h->pre_start) {
					html_begin(h);
					html_flush(h, TRUE);
				}
			} else if (*p != '\r') {
				html_put(h, p, 1);
			}
			if (*p != '\r')
				h->pre_start = FALSE;
			p++;
			continue;
		}
		for (q = p; q < end && *q != '&' && *q != ' ' && *q != '\t' &&
		    *q != '\n' && *q != '\r' && *q != '\f'; q++)
			;
		html_put(h, p, (size_t)(q - p));
		h->pre_start = FALSE;
		p = q;
	}
}

static void
html_block(struct html *h, unsigned n)
{
	if (h->nl < n)
		h->nl = n;
	h->space = FALSE;
}

/* The end of the tag starting at p ('<'): the byte after '>', or end. */
static const char *
html_tag_end(const char *p, const char *end)
{
	const char	*q, *close;
	char		 quote;

	for (q = p + 1; q < end; q++) {
		if (*q == '>')
			return q + 1;
		if (*q == '=') {
			q++;
			while (q < end && (*q == ' ' || *q == '\t' ||
			    *q == '\n' || *q == '\r'))
				q++;
			if (q < end && (*q == '"' || *q == '\'')) {
				quote = *q;
				close = memchr(q + 1, quote, (size_t)(end - q - 1));
				if (close == NULL)
					break;	/* unbalanced: plain scan */
				q = close;
			} else if (q < end && *q == '>')
				return q + 1;
		}
	}
	close = memchr(p, '>', (size_t)(end - p));
	return close != NULL ? close + 1 : end;
}

/* The '<' of the first "</name" (any case) from p, or end. */
static const char *
html_find_close(const char *p, const char *end, const char *name)
{
	size_t	 n = strlen(name);

	while (p < end) {
		p = memchr(p, '<', (size_t)(end - p));
		if (p == NULL)
			return end;
		if ((size_t)(end - p) >= n + 2 && p[1] == '/' &&
		    g_ascii_strncasecmp(p + 2, name, n) == 0)
			return p;
		p++;
	}
	return end;
}

/* Value of attribute name in the tag [p, end), decoded; NULL if absent. */
static char *
html_attr(const char *p, const char *end, const char *name)
{
	GString		*val;
	const char	*q, *an, *vs, *ve, *next;
	size_t		 anlen, nlen = strlen(name);
	gunichar	 c;
	char		 buf[8];

	q = p + 1;
	while (q < end && (g_ascii_isalnum(*q) || *q == ':' || *q == '-'))
		q++;
	while (q < end) {
		while (q < end && (g_ascii_isspace(*q) || *q == '/'))
			q++;
		if (q >= end || *q == '>')
			return NULL;
		an = q;
		while (q < end && !g_ascii_isspace(*q) && *q != '=' &&
		    *q != '>' && *q != '/')
			q++;
		anlen = (size_t)(q - an);
		if (anlen == 0) {
			q++;
			continue;
		}
		while (q < end && g_ascii_isspace(*q))
			q++;
		vs = ve = NULL;
		if (q < end && *q == '=') {
			q++;
			while (q < end && g_ascii_isspace(*q))
				q++;
			if (q < end && (*q == '"' || *q == '\'')) {
				vs = q + 1;
				ve = memchr(vs, *q, (size_t)(end - vs));
				if (ve == NULL)
					ve = end;
				q = ve < end ? ve + 1 : end;
			} else {
				vs = q;
				while (q < end && !g_ascii_isspace(*q) &&
				    *q != '>')
					q++;
				ve = q;
			}
		}
		if (anlen != nlen || g_ascii_strncasecmp(an, name, nlen) != 0)
			continue;
		val = g_string_new(NULL);
		for (q = vs; vs != NULL && q < ve; ) {
			if (*q == '&' && html_entity(q, ve, &c, &next)) {
				g_string_append_len(val, buf,
				    g_unichar_to_utf8(c, buf));
				q = next;
			} else
				g_string_append_c(val, *q++);
		}
		return g_string_free(val, FALSE);
	}
	return NULL;
}

static gboolean
html_name_in(const char *name, const char *const *names)
{
	for (; *names != NULL; names++) {
		if (strcmp(name, *names) == 0)
			return TRUE;
	}
	return FALSE;
}

/* Close the open link: its number after its text. */
static void
html_link_end(struct html *h)
{
	char	mark[16];

	if (h->link == 0)
		return;
	g_snprintf(mark, sizeof mark, "[%u]", h->link);
	h->space = FALSE;
	html_put(h, mark, strlen(mark));
	h->link = 0;
}

/* <a>: number the href through the sink; the mark comes at </a>. */
static void
html_link_start(struct html *h, const char *tag, const char *tag_end)
{
	char		*val;
	unsigned	 n;

	val = html_attr(tag, tag_end, "href");
	n = val != NULL ? h->sink->link(val, h->sink->data) : 0;
	g_free(val);
	if (n == 0)
		return;
	h->link = n;
	if (!g_hash_table_contains(h->used_set, GUINT_TO_POINTER(n))) {
		g_hash_table_add(h->used_set, GUINT_TO_POINTER(n));
		g_array_append_val(h->used, n);
	}
}

/* <ul>, <ol> and their ends: the nesting, an ordered list's start. */
static void
html_list(struct html *h, const char *name, gboolean close,
    const char *tag, const char *tag_end)
{
	char		*val;
	unsigned	 n;

	if (close) {
		if (h->depth > 0) {
			h->depth--;
			html_block(h, h->depth == 0 ? 2 : 1);
		}
		return;
	}
	html_block(h, h->depth == 0 ? 2 : 1);
	h->depth++;
	if (h->depth > HTML_MAX_LIST)
		return;
	h->list[h->depth - 1].ordered = name[0] == 'o';
	h->list[h->depth - 1].n = 1;
	val = name[0] == 'o' ? html_attr(tag, tag_end, "start") : NULL;
	if (val != NULL) {
		n = (unsigned)g_ascii_strtoull(val, NULL, 10);
		if (n > 0 && n < 1000000)
			h->list[h->depth - 1].n = n;
		g_free(val);
	}
}

/* <li>: the marker of the next line, by the list it is in. */
static void
html_item(struct html *h, gboolean close)
{
	struct html_list	*l;
	unsigned		 d;

	html_block(h, 1);
	if (close)
		return;
	if (h->depth == 0) {
		g_strlcpy(h->bullet, html_bullets[0], sizeof h->bullet);
		return;
	}
	d = MIN(h->depth, HTML_MAX_LIST);
	l = &h->list[d - 1];
	if (l->ordered)
		g_snprintf(h->bullet, sizeof h->bullet, "%u. ", l->n++);
	else
		g_strlcpy(h->bullet, html_bullets[(d - 1) % 3],
		    sizeof h->bullet);
}

/* Table rows and cells: cells of a row joined by " | ". */
static void
html_cell(struct html *h, const char *name, gboolean close)
{
	if (strcmp(name, "tr") == 0) {
		html_block(h, 1);
		h->cells = 0;
		h->cellsep = FALSE;
	} else if (!close) {
		if (h->cells > 0 && h->line_open && h->nl == 0)
			h->cellsep = TRUE;
		h->cells++;
	} else if (h->line_open)
		h->space = TRUE;
}

/* <img>: its alt text in brackets, nothing when it has none. */
static void
html_image(struct html *h, const char *tag, const char *tag_end)
{
	char	*val, *alt;

	val = html_attr(tag, tag_end, "alt");
	if (val == NULL)
		return;
	g_strstrip(val);
	if (*val != '\0') {
		alt = g_strdup_printf("[%s]", val);
		html_chars(h, alt, alt + strlen(alt));
		g_free(alt);
	}
	g_free(val);
}

/* Count an opening or closing tag of a nesting kind (quote, pre...). */
static void
html_nest(unsigned *level, gboolean close, unsigned max)
{
	if (!close)
		*level = MIN(*level + 1, max);
	else if (*level > 0)
		(*level)--;
}

static void
html_element(struct html *h, const char *name, gboolean close,
    const char *tag, const char *tag_end)
{
	static const char *const lines[] = { "div", "section", "article",
	    "header", "footer", "nav", "aside", "main", "center", "form",
	    "address", "figure", "figcaption", "fieldset", "legend",
	    "details", "summary", "caption", "dt", "dd", "table", "tbody",
	    "thead", "tfoot", "dl", "option", "body", NULL };

	if (strcmp(name, "p") == 0) {
		html_block(h, 2);
	} else if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' &&
	    name[2] == '\0') {
		html_block(h, 2);
		html_nest(&h->heading, close, G_MAXUINT);
	} else if (strcmp(name, "br") == 0) {
		h->nl = MIN(h->nl + 1, HTML_MAX_NL);
		h->space = FALSE;
	} else if (strcmp(name, "blockquote") == 0) {
		html_block(h, 2);
		html_nest(&h->quote, close, HTML_MAX_QUOTE);
	} else if (strcmp(name, "ul") == 0 || strcmp(name, "ol") == 0) {
		html_list(h, name, close, tag, tag_end);
	} else if (strcmp(name, "li") == 0) {
		html_item(h, close);
	} else if (strcmp(name, "pre") == 0) {
		html_block(h, 2);
		if (!close)
			h->pre_start = TRUE;
		html_nest(&h->pre, close, G_MAXUINT);
	} else if (strcmp(name, "hr") == 0) {
		html_block(h, 2);
		html_put(h, "----------", 10);
		html_block(h, 2);
	} else if (strcmp(name, "tr") == 0 || strcmp(name, "td") == 0 ||
	    strcmp(name, "th") == 0) {
		html_cell(h, name, close);
	} else if (strcmp(name, "a") == 0) {
		html_link_end(h);
		if (!close)
			html_link_start(h, tag, tag_end);
	} else if (strcmp(name, "img") == 0) {
		html_image(h, tag, tag_end);
	} else if (html_name_in(name, lines)) {
		html_block(h, 1);
	}
}

/* Handle the markup at p ('<'); returns where the text resumes. */
static const char *
html_tag(struct html *h, const char *p, const char *end)
{
	static const char *const raw[] = { "script", "style", "title",
	    "template", "xml", "head", "noembed", "iframe", "object", NULL };
	char		 name[HTML_MAX_NAME + 1];
	const char	*q, *te, *c;
	gboolean	 close;
	size_t		 n = 0;

	if ((size_t)(end - p) >= 4 && memcmp(p, "<!--", 4) == 0) {
		for (q = p + 4; q + 3 <= end; q++) {
			if (memcmp(q, "-->", 3) == 0)
				return q + 3;
		}
		return end;
	}
	if ((size_t)(end - p) >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
		for (q = p + 9; q + 3 <= end; q++) {
			if (memcmp(q, "]]>", 3) == 0)
				return q + 3;
		}
		return end;
	}
	if (p + 1 < end && (p[1] == '!' || p[1] == '?')) {
		q = memchr(p, '>', (size_t)(end - p));
		return q != NULL ? q + 1 : end;
	}
	close = p + 1 < end && p[1] == '/';
	q = p + (close ? 2 : 1);
	if (q >= end || !g_ascii_isalpha(*q)) {
		html_chars(h, p, p + 1);	/* a lone '<' is text */
		return p + 1;
	}
	while (q < end && (g_ascii_isalnum(*q) || *q == ':' || *q == '-')) {
		if (n < HTML_MAX_NAME)
			name[n] = g_ascii_tolower(*q);
		n++;
		q++;
	}
	name[MIN(n, HTML_MAX_NAME)] = '\0';
	te = html_tag_end(p, end);
	if (n > HTML_MAX_NAME)
		return te;
	if (!close && html_name_in(name, raw)) {
		/* head holds title, style and meta; skip only its raw parts. */
		if (strcmp(name, "head") == 0)
			return te;
		if (te - p >= 2 && te[-2] == '/')
			return te;	/* <script/> */
		c = html_find_close(te, end, name);
		return c < end ? html_tag_end(c, end) : end;
	}
	html_element(h, name, close, p, te);
	return te;
}

GArray *
html_convert(const char *html, size_t len, const struct html_sink *sink)
{
	struct html	 h;
	const char	*p, *end, *q;

	memset(&h, 0, sizeof h);
	h.sink = sink;
	h.used = g_array_new(FALSE, FALSE, sizeof(guint));
	h.used_set = g_hash_table_new(g_direct_hash, g_direct_equal);
	h.line = g_string_new(NULL);
	if (html == NULL)
		len = 0;
	p = html;
	end = html + len;
	while (p < end && !h.stop) {
		if (*p == '<') {
			p = html_tag(&h, p, end);
			continue;
		}
		q = memchr(p, '<', (size_t)(end - p));
		if (q == NULL)
			q = end;
		html_chars(&h, p, q);
		p = q;
	}
	html_link_end(&h);
	html_flush(&h, FALSE);
	g_string_free(h.line, TRUE);
	g_hash_table_destroy(h.used_set);
	return h.used;
}

char *
html_url_clean(const char *url, gssize len)
{
	GString		*raw;
	char		*clean;
	const char	*p, *end;
	size_t		 cut;

	if (url == NULL)
		return NULL;
	if (len < 0)
		len = (gssize)strlen(url);
	/* Mail wraps long hrefs: whitespace inside a URL is never meant. */
	raw = g_string_sized_new((gsize)len);
	end = url + len;
	for (p = url; p < end && raw->len <= HTML_URL_MAX + 4; p++) {
		if (!g_ascii_isspace(*p))
			g_string_append_c(raw, *p);
	}
	if (!(g_ascii_strncasecmp(raw->str, "http://", 7) == 0 ||
	    g_ascii_strncasecmp(raw->str, "https://", 8) == 0 ||
	    g_ascii_strncasecmp(raw->str, "ftp://", 6) == 0 ||
	    g_ascii_strncasecmp(raw->str, "mailto:", 7) == 0) ||
	    raw->len < 8) {
		g_string_free(raw, TRUE);
		return NULL;
	}
	clean = sanitize_text(raw->str, (gssize)raw->len, 0);
	g_string_free(raw, TRUE);
	cut = strlen(clean);
	if (cut > HTML_URL_MAX) {
		cut = HTML_URL_MAX;
		while (cut > 0 && ((unsigned char)clean[cut] & 0xC0) == 0x80)
			cut--;
		clean[cut] = '\0';
	}
	return clean;
}

/* html_to_text(): lines as text, links numbered in a table of its own. */
struct html_text {
	GString		*s;
	GPtrArray	*urls;		/* char *, link N at N - 1 */
	GHashTable	*index;		/* url -> N (GUINT_TO_POINTER) */
};

static gboolean
html_text_line(const struct html_line *line, void *data)
{
	struct html_text	*t = data;
	unsigned		 i;

	for (i = 0; i < line->quote; i++)
		g_string_append_c(t->s, '>');
	if (line->quote > 0 && line->len > 0)
		g_string_append_c(t->s, ' ');
	for (i = 0; i < line->indent; i++)
		g_string_append_c(t->s, ' ');
	g_string_append_len(t->s, line->text, (gssize)line->len);
	g_string_append_c(t->s, '\n');
	return t->s->len < HTML_MAX_TEXT_BYTES;
}

static unsigned
html_text_link(const char *url, void *data)
{
	struct html_text	*t = data;
	char			*u;
	gpointer		 n;

	if ((u = html_url_clean(url, -1)) == NULL)
		return 0;
	if ((n = g_hash_table_lookup(t->index, u)) != NULL) {
		g_free(u);
		return GPOINTER_TO_UINT(n);
	}
	if (t->urls->len >= HTML_MAX_LINKS) {
		g_free(u);
		return 0;
	}
	g_ptr_array_add(t->urls, u);
	g_hash_table_insert(t->index, u, GUINT_TO_POINTER(t->urls->len));
	return t->urls->len;
}

char *
html_to_text(const char *html, gssize len)
{
	struct html_text	 t;
	struct html_sink	 sink = { html_text_line, html_text_link, &t };
	GArray			*used;
	guint			 i, n;

	if (html == NULL)
		return g_strdup("");
	if (len < 0)
		len = (gssize)strlen(html);
	if ((size_t)len > HTML_MAX_TEXT_BYTES)
		len = HTML_MAX_TEXT_BYTES;
	t.s = g_string_new(NULL);
	t.urls = g_ptr_array_new_with_free_func(g_free);
	t.index = g_hash_table_new(g_str_hash, g_str_equal);
	used = html_convert(html, (size_t)len, &sink);
	if (used->len > 0)
		g_string_append_c(t.s, '\n');
	for (i = 0; i < used->len; i++) {
		n = g_array_index(used, guint, i);
		g_string_append_printf(t.s, "[%u] %s\n", n,
		    (const char *)g_ptr_array_index(t.urls, n - 1));
	}
	g_array_unref(used);
	g_hash_table_destroy(t.index);
	g_ptr_array_unref(t.urls);
	return g_string_free(t.s, FALSE);
}
