/*
 * render-out.c: the list of output lines. Every logical line passes through
 * here: it is cut, sanitised, its tabs expanded, and it is wrapped on word
 * boundaries so that no line is wider than the output width as
 * sanitize_width() counts columns.
 */
#include "satchel-config.h"

#include <stdarg.h>
#include <string.h>
#include <wchar.h>

#include "util/util.h"
#include "mime/render-private.h"

#define RENDER_OUT_TABSTOP	8

static unsigned	 render_out_cw(gunichar);
static char	*render_out_expand(const char *);
static void	 render_out_push(struct render_out *, char *,
		    const struct render_para *, unsigned);
static GRegex	*render_out_url_regex(void);
static gboolean	 render_out_balanced(const char *, size_t);

/* Are the parentheses in s balanced (a final ')' belongs to the URL)? */
static gboolean
render_out_balanced(const char *s, size_t len)
{
	size_t	i;
	int	depth = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')')
			depth--;
	}
	return depth >= 0;
}

/* Columns of one character, exactly as sanitize_width() counts them. */
static unsigned
render_out_cw(gunichar c)
{
	int	w;

	w = wcwidth((wchar_t)c);
	return w < 0 ? 1 : (unsigned)w;
}

/* Replace tabs by spaces up to the next tab stop. */
static char *
render_out_expand(const char *s)
{
	GString		*out;
	const char	*p;
	size_t		 col = 0;

	if (strchr(s, '\t') == NULL)
		return g_strdup(s);
	out = g_string_sized_new(strlen(s) + 16);
	for (p = s; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c == '\t') {
			do {
				g_string_append_c(out, ' ');
				col++;
			} while (col % RENDER_OUT_TABSTOP != 0);
			continue;
		}
		g_string_append_len(out, p, g_utf8_next_char(p) - p);
		col += render_out_cw(c);
	}
	return g_string_free(out, FALSE);
}

void
render_out_init(struct render_out *out, size_t width)
{
	memset(out, 0, sizeof *out);
	out->lines = g_array_new(FALSE, FALSE, sizeof(struct render_line));
	out->width = width;
	out->urls = g_ptr_array_new_with_free_func(g_free);
	out->url_index = g_hash_table_new(g_str_hash, g_str_equal);
}

void
render_out_release(struct render_out *out)
{
	size_t	i;

	if (out->lines != NULL) {
		for (i = 0; i < out->lines->len; i++)
			g_free(g_array_index(out->lines, struct render_line,
			    i).text);
		g_array_free(out->lines, TRUE);
		out->lines = NULL;
	}
	if (out->url_index != NULL)
		g_hash_table_destroy(out->url_index);
	out->url_index = NULL;
	if (out->urls != NULL)
		g_ptr_array_free(out->urls, TRUE);
	out->urls = NULL;
}

/* Append one finished line; takes text. */
static void
render_out_push(struct render_out *out, char *text,
    const struct render_para *para, unsigned label)
{
	struct render_line	 line;

	line.text = text;
	line.kind = para->kind;
	line.quote = para->quote;
	line.part = out->part;
	line.label = label;
	line.verdict = para->verdict;
	line.frame = out->frame;
	g_array_append_val(out->lines, line);
}

gboolean
render_out_para(struct render_out *out, const struct render_para *para)
{
	GString		*prefix = NULL, *piece = NULL;
	char		*clean = NULL, *text = NULL;
	const char	*p, *q, *end, *brk, *cut;
	size_t		 len, width, pw, indent, hang, avail, col, cap;
	unsigned	 qn, i;
	gboolean	 first, seen;

	if (out->full || out->lines->len >= RENDER_MAX_LINES) {
		out->full = TRUE;
		return FALSE;
	}
	width = out->width;

	/* Cut first, so hostile lines cost little; never split a character. */
	len = para->len;
	if (len > RENDER_MAX_LINE_BYTES) {
		len = RENDER_MAX_LINE_BYTES;
		while (len > 0 && ((unsigned char)para->text[len] & 0xC0) == 0x80)
			len--;
	}
	clean = sanitize_text(para->text, (gssize)len, SANITIZE_KEEP_TAB);
	if (len < para->len) {
		text = g_strconcat(clean, "\u2026", NULL);
		g_free(clean);
		clean = text;
	}
	text = render_out_expand(clean);

	/* A quote prefix of one ">" per level, at most half the width. */
	prefix = g_string_new(NULL);
	if (para->quote > 0) {
		qn = MIN(para->quote, (unsigned)(width / 2 - 1));
		for (i = 0; i < qn; i++)
			g_string_append_c(prefix, '>');
		g_string_append_c(prefix, ' ');
	}
	pw = prefix->len;
	cap = (width - pw) / 2;
	indent = MIN(para->indent, cap);
	hang = MIN(para->hang, cap - indent);

	end = text + strlen(text);
	if (end == text) {
		/* An empty line keeps its quote marks, without the space. */
		g_string_truncate(prefix, prefix->len > 0 ? prefix->len - 1 : 0);
		render_out_push(out, g_string_free(prefix, FALSE), para, 0);
		prefix = NULL;
		goto out;
	}

	piece = g_string_new(NULL);
	p = text;
	first = TRUE;
	while (p < end) {
		if (out->lines->len >= RENDER_MAX_LINES) {
			out->full = TRUE;
			break;
		}
		if (!first) {
			while (*p == ' ')
				p++;
			if (p == end)
				break;
		}
		avail = width - pw - indent - (first ? 0 : hang);
		col = 0;
		brk = NULL;
		seen = FALSE;
		for (q = p; q < end; q = g_utf8_next_char(q)) {
			gunichar	 c = g_utf8_get_char(q);
			unsigned	 w = render_out_cw(c);

			if (c == ' ' && seen)
				brk = q;
			else if (c != ' ')
				seen = TRUE;
			if (col + w > avail)
				break;
			col += w;
		}
		if (q >= end)
			cut = end;
		else if (brk != NULL)
			cut = brk;
		else if (q > p)
			cut = q;
		else
			cut = g_utf8_next_char(q);	/* unreachable: avail >= 2 */

		g_string_assign(piece, prefix->str);
		for (i = 0; i < indent + (first ? 0 : hang); i++)
			g_string_append_c(piece, ' ');
		g_string_append_len(piece, p, cut - p);
		while (piece->len > 0 && piece->str[piece->len - 1] == ' ')
			g_string_truncate(piece, piece->len - 1);
		/* A name wider than the line: the label is the whole piece. */
		render_out_push(out, g_strdup(piece->str), para,
		    first ? MIN(para->label, (unsigned)piece->len) : 0);
		p = cut;
		first = FALSE;
	}

out:
	if (piece != NULL)
		g_string_free(piece, TRUE);
	if (prefix != NULL)
		g_string_free(prefix, TRUE);
	g_free(text);
	g_free(clean);
	return !out->full;
}

void
render_out_blank(struct render_out *out)
{
	struct render_para	 para;
	struct render_line	*last;

	if (out->lines->len == 0)
		return;
	last = &g_array_index(out->lines, struct render_line,
	    out->lines->len - 1);
	if (last->text[0] == '\0')
		return;
	memset(&para, 0, sizeof para);
	para.text = "";
	para.kind = RENDER_LINE_TEXT;
	render_out_para(out, &para);
}

void
render_out_notice(struct render_out *out, const char *fmt, ...)
{
	struct render_para	 para;
	va_list			 ap;
	char			*raw, *clean, *cut;

	if (out->lines->len >= RENDER_MAX_LINES + 16)
		return;
	va_start(ap, fmt);
	raw = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	clean = sanitize_text(raw, -1, 0);
	cut = sanitize_truncate(clean, out->width, TRUE);
	memset(&para, 0, sizeof para);
	para.kind = RENDER_LINE_NOTICE;
	/* Notices go in even when the output is full: they say why. */
	render_out_push(out, cut, &para, 0);
	g_free(clean);
	g_free(raw);
}

void
render_out_trim(struct render_out *out)
{
	struct render_line	*last;

	while (out->lines->len > 0) {
		last = &g_array_index(out->lines, struct render_line,
		    out->lines->len - 1);
		if (last->text[0] != '\0')
			break;
		g_free(last->text);
		g_array_set_size(out->lines, out->lines->len - 1);
	}
}

unsigned
render_out_url(struct render_out *out, const char *url, gssize len)
{
	char		*clean;
	gpointer	 n;

	if ((clean = html_url_clean(url, len)) == NULL)
		return 0;
	n = g_hash_table_lookup(out->url_index, clean);
	if (n != NULL) {
		g_free(clean);
		return GPOINTER_TO_UINT(n);
	}
	if (out->urls->len >= RENDER_MAX_PARTS) {
		g_free(clean);
		return 0;
	}
	g_ptr_array_add(out->urls, clean);
	g_hash_table_insert(out->url_index, clean,
	    GUINT_TO_POINTER(out->urls->len));
	return out->urls->len;
}

static GRegex *
render_out_url_regex(void)
{
	static gsize	 once;
	static GRegex	*re;

	if (g_once_init_enter(&once)) {
		re = g_regex_new("(?:(?:https?|ftp)://|mailto:)"
		    "[^\\s<>\"'`\\x00-\\x1f\\x7f]+",
		    G_REGEX_CASELESS | G_REGEX_RAW | G_REGEX_OPTIMIZE, 0, NULL);
		g_once_init_leave(&once, 1);
	}
	return re;
}

void
render_out_scan_urls(struct render_out *out, const char *text, gssize len)
{
	GMatchInfo	*mi = NULL;
	GRegex		*re;
	int		 start, stop;

	if (text == NULL)
		return;
	if (len < 0)
		len = (gssize)strlen(text);
	if (len < 8 || (memchr(text, ':', (size_t)len) == NULL))
		return;
	re = render_out_url_regex();
	if (re == NULL)
		return;
	g_regex_match_full(re, text, len, 0, 0, &mi, NULL);
	while (g_match_info_matches(mi)) {
		if (g_match_info_fetch_pos(mi, 0, &start, &stop)) {
			/* Sentence punctuation after a URL is not part of it. */
			while (stop > start &&
			    strchr(".,;:!?)]}*", text[stop - 1]) != NULL) {
				if (text[stop - 1] == ')' &&
				    render_out_balanced(text + start,
				    (size_t)(stop - start)))
					break;
				stop--;
			}
			render_out_url(out, text + start, stop - start);
		}
		if (!g_match_info_next(mi, NULL))
			break;
	}
	g_match_info_free(mi);
}
