/*
 * sanitize.c: the one gate untrusted text passes before a terminal sees it
 * (DESIGN invariant 6). Decodes UTF-8 strictly, replaces every control
 * character with U+FFFD and drops bidirectional and invisible formatting
 * characters that could reorder or hide what is drawn.
 */
#include "satchel-config.h"

#include <string.h>
#include <wchar.h>

#include "util/util.h"

#define REPLACEMENT 0xFFFDu

static gboolean	sanitize_dropped(gunichar);

static gboolean
sanitize_dropped(gunichar c)
{
	return (c == 0x200B || c == 0x200E || c == 0x200F || c == 0x061C ||
	    (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
	    c == 0x2028 || c == 0x2029 || c == 0xFEFF ||
	    (c >= 0xFFF9 && c <= 0xFFFB) || (c >= 0xE0000 && c <= 0xE007F));
}

char *
sanitize_text(const char *s, gssize len, unsigned flags)
{
	GString		*out;
	const char	*p, *end;
	gunichar	 c;

	if (s == NULL)
		return g_strdup("");
	if (len < 0)
		len = (gssize)strlen(s);
	out = g_string_sized_new((gsize)len + 1);
	p = s;
	end = s + len;
	while (p < end) {
		c = g_utf8_get_char_validated(p, end - p);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_unichar(out, REPLACEMENT);
			p++;
			continue;
		}
		p = g_utf8_next_char(p);
		if (c == '\n') {
			g_string_append_c(out,
			    (flags & SANITIZE_KEEP_NEWLINE) ? '\n' : ' ');
		} else if (c == '\t') {
			g_string_append_c(out,
			    (flags & SANITIZE_KEEP_TAB) ? '\t' : ' ');
		} else if (c == '\r') {
			/* CR of a CRLF pair is noise; a lone CR could overprint. */
			if (p < end && *p == '\n')
				continue;
			g_string_append_unichar(out, REPLACEMENT);
		} else if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
			g_string_append_unichar(out, REPLACEMENT);
		} else if (sanitize_dropped(c)) {
			continue;
		} else if (!g_unichar_isdefined(c) && c > 0xFFFF &&
		    !g_unichar_iswide(c)) {
			/* Unassigned astral code points: width unknown. */
			g_string_append_unichar(out, REPLACEMENT);
		} else {
			g_string_append_unichar(out, c);
		}
	}
	return g_string_free(out, FALSE);
}

size_t
sanitize_width(const char *utf8)
{
	const char	*p;
	size_t		 cols = 0;
	int		 w;

	for (p = utf8; p != NULL && *p != '\0'; p = g_utf8_next_char(p)) {
		w = wcwidth((wchar_t)g_utf8_get_char(p));
		cols += w < 0 ? 1 : (size_t)w;
	}
	return cols;
}

char *
sanitize_truncate(const char *utf8, size_t cols, gboolean ellipsis)
{
	const char	*p, *cut = NULL;
	size_t		 used = 0, w;
	int		 ww;

	if (utf8 == NULL)
		return g_strdup("");
	if (sanitize_width(utf8) <= cols)
		return g_strdup(utf8);
	if (cols == 0)
		return g_strdup("");
	if (ellipsis)
		cols--;
	for (p = utf8; *p != '\0'; p = g_utf8_next_char(p)) {
		ww = wcwidth((wchar_t)g_utf8_get_char(p));
		w = ww < 0 ? 1 : (size_t)ww;
		if (used + w > cols)
			break;
		used += w;
		cut = g_utf8_next_char(p);
	}
	if (cut == NULL)
		cut = utf8;
	if (!ellipsis)
		return g_strndup(utf8, cut - utf8);
	{
		GString *out = g_string_new_len(utf8, cut - utf8);
		g_string_append(out, "\u2026");
		return g_string_free(out, FALSE);
	}
}

char *
sanitize_filename(const char *name)
{
	char	*clean, *base, *p;
	GString	*out;

	if (name == NULL || *name == '\0')
		return g_strdup("attachment");
	clean = sanitize_text(name, -1, 0);
	/* Both separators: names may come from other systems. */
	base = strrchr(clean, '/');
	p = base != NULL ? base + 1 : clean;
	base = strrchr(p, '\\');
	p = base != NULL ? base + 1 : p;
	out = g_string_new(NULL);
	for (; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == REPLACEMENT || c == ':' || c == '*' || c == '?' ||
		    c == '"' || c == '<' || c == '>' || c == '|')
			g_string_append_c(out, '_');
		else
			g_string_append_unichar(out, c);
	}
	g_free(clean);
	/*
	 * No hidden files, no "." or "..", and no name that reads as an
	 * option to a later command (a file "-rf" turns `rm *` into rm -rf):
	 * strip leading dots, dashes and spaces.
	 */
	while (out->len > 0 && (out->str[0] == '.' || out->str[0] == ' ' ||
	    out->str[0] == '-'))
		g_string_erase(out, 0, 1);
	while (out->len > 0 && out->str[out->len - 1] == ' ')
		g_string_truncate(out, out->len - 1);
	if (out->len > 200) {
		const char *end = out->str + 200;
		g_utf8_validate(out->str, 200, &end);
		g_string_truncate(out, end - out->str);
	}
	if (out->len == 0)
		g_string_assign(out, "attachment");
	return g_string_free(out, FALSE);
}
