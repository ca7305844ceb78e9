/*
 * render-plain.c: text/plain into logical lines. Quote levels come from the
 * leading ">" marks, the "-- " line starts the signature, and format=flowed
 * (RFC 3676) lines are joined back into paragraphs: space-stuffing is
 * undone and DelSp=yes drops the space before each soft break.
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "mime/render-private.h"

struct render_plain {
	struct render_out	*out;
	GString			*para;
	unsigned		 quote;
	gboolean		 open;
	gboolean		 sig;
};

static void	render_plain_flush(struct render_plain *);

static void
render_plain_flush(struct render_plain *st)
{
	struct render_para	 para;

	if (!st->open)
		return;
	memset(&para, 0, sizeof para);
	para.text = st->para->str;
	para.len = st->para->len;
	para.quote = st->quote;
	if (st->quote > 0)
		para.kind = RENDER_LINE_QUOTE;
	else if (st->sig)
		para.kind = RENDER_LINE_SIGNATURE;
	else
		para.kind = RENDER_LINE_TEXT;
	render_out_scan_urls(st->out, para.text, (gssize)para.len);
	render_out_para(st->out, &para);
	g_string_truncate(st->para, 0);
	st->open = FALSE;
}

void
render_plain_add(struct render_out *out, const char *text, size_t len,
    gboolean flowed, gboolean delsp)
{
	struct render_plain	 st;
	const char		*p, *end, *eol, *next, *s, *e;
	unsigned		 quote;
	gboolean		 soft, started = FALSE;

	memset(&st, 0, sizeof st);
	st.out = out;
	st.para = g_string_new(NULL);
	end = text + len;
	for (p = text; p < end && !out->full; p = next) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		next = eol < end ? eol + 1 : end;
		e = eol;
		if (e > p && e[-1] == '\r')
			e--;
		s = p;

		/* Quote marks: flowed text has only ">>>", others "> > >". */
		quote = 0;
		while (s < e && *s == '>') {
			quote++;
			s++;
			if (!flowed) {
				while (s + 1 < e && *s == ' ' && s[1] == '>')
					s++;
			}
		}
		/* One space after the marks, or a stuffed space (RFC 3676 4.4). */
		if (s < e && *s == ' ' && (flowed || quote > 0))
			s++;

		if (st.open && st.quote != quote)
			render_plain_flush(&st);
		if (quote == 0 && e - s == 3 && memcmp(s, "-- ", 3) == 0) {
			render_plain_flush(&st);
			st.sig = TRUE;
			st.open = TRUE;
			st.quote = 0;
			g_string_assign(st.para, "-- ");
			render_plain_flush(&st);
			continue;
		}

		/* Blank lines at the top of a part only push the text down. */
		if (!started && quote == 0 && !st.open && e == s)
			continue;
		started = TRUE;

		soft = flowed && e > s && e[-1] == ' ';
		if (soft && delsp)
			e--;
		g_string_append_len(st.para, s, e - s);
		st.open = TRUE;
		st.quote = quote;
		if (!soft || st.para->len > RENDER_MAX_LINE_BYTES)
			render_plain_flush(&st);
	}
	render_plain_flush(&st);
	g_string_free(st.para, TRUE);
}
