/*
 * ui-format.c: mutt-style %-expandos for index_format, date_format and
 * status_format.
 *
 * Each expando may carry mutt's width and justification, %[-][MIN][.MAX]X:
 * MIN pads to that many columns (on the left; '-' pads on the right) and
 * MAX cuts. Widths are display columns. Everything that comes from mail is
 * sanitised before it is measured, so a hostile subject cannot move the
 * columns. An unknown expando is copied as it is written.
 *
 * index_format: %C number, %Z flags (N new, D deleted or ! flagged, r
 * replied, f forwarded or B bounced, @ attachment), %d and %D the date
 * (date_format), %{FMT} the date in strftime FMT, %F and %L the author
 * (name, else address), %n the author's name, %a the author's address,
 * %s the subject (with the thread tree), %c the size, %M the messages of a
 * collapsed thread, %% a '%'.
 *
 * status_format: %f folder, %m messages (or threads) shown, %l the limit,
 * %o network state, %n new mail this session, %q queued, %w what the queue
 * waits for, %e the last send error, %p fetch progress, %S "Sending", %r
 * read-only, %v version, %% a '%'.
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "ui/ui-widget.h"

/*
 * One field, sanitised (unless trusted), cut to max and padded to min
 * columns. Returns where its text starts in out; *len is its bytes.
 */
static gsize
ui_format_field(GString *out, const char *text, gboolean left, int min,
    int max, gboolean trusted, gsize *len)
{
	char	*safe, *cut = NULL;
	size_t	 w;
	int	 pad;
	gsize	 start;

	safe = trusted ? g_strdup(text != NULL ? text : "") :
	    sanitize_text(text != NULL ? text : "", -1, 0);
	if (max >= 0) {
		cut = sanitize_truncate(safe, (size_t)max, FALSE);
		g_free(safe);
		safe = cut;
	}
	w = sanitize_width(safe);
	pad = min > (int)w ? min - (int)w : 0;
	if (!left)
		for (; pad > 0; pad--)
			g_string_append_c(out, ' ');
	start = out->len;
	g_string_append(out, safe);
	if (len != NULL)
		*len = strlen(safe);
	for (; pad > 0; pad--)
		g_string_append_c(out, ' ');
	g_free(safe);
	return start;
}

/* Literal text of the format (from the user, still sanitised). */
static void
ui_format_literal(GString *out, const char *p, gsize n)
{
	char	*text = g_strndup(p, n);

	ui_format_field(out, text, TRUE, -1, -1, FALSE, NULL);
	g_free(text);
}

void
ui_format_expand(const char *fmt, ui_format_fn fn, struct ui_format_ctx *fc,
    GString *out)
{
	const char	*p = fmt;
	GString		*val;

	fc->mark_off = fc->mark_end = 0;
	val = g_string_new(NULL);
	while (*p != '\0') {
		const char	*start = p;
		gboolean	 left = FALSE;
		int		 min = -1, max = -1;
		char		*arg = NULL;
		gsize		 at, len;

		if (*p != '%') {
			const char *next = strchr(p, '%');
			gsize n = next != NULL ? (gsize)(next - p) : strlen(p);

			ui_format_literal(out, p, n);
			p += n;
			continue;
		}
		p++;
		if (*p == '%') {
			g_string_append_c(out, '%');
			p++;
			continue;
		}
		if (*p == '-') {
			left = TRUE;
			p++;
		}
		if (g_ascii_isdigit(*p)) {
			min = 0;
			while (g_ascii_isdigit(*p))
				if ((min = min * 10 + (*p++ - '0')) > 1000)
					min = 1000;
		}
		if (*p == '.' && g_ascii_isdigit(p[1])) {
			p++;
			max = 0;
			while (g_ascii_isdigit(*p))
				if ((max = max * 10 + (*p++ - '0')) > 1000)
					max = 1000;
		}
		if (*p == '{') {
			const char *close = strchr(p, '}');

			if (close != NULL) {
				arg = g_strndup(p + 1, (gsize)(close - p - 1));
				p = close;
			}
		}
		if (*p == '\0') {
			ui_format_literal(out, start, (gsize)(p - start));
			break;
		}
		g_string_truncate(val, 0);
		fc->trusted = FALSE;
		fc->mark_len = 0;
		if (!fn(arg != NULL ? '{' : *p, arg, val, fc)) {
			p++;
			ui_format_literal(out, start, (gsize)(p - start));
			g_free(arg);
			continue;
		}
		at = ui_format_field(out, val->str, left, min, max,
		    fc->trusted, &len);
		if (fc->mark_len > 0) {
			fc->mark_off = at;
			fc->mark_end = at + MIN(fc->mark_len, len);
		}
		g_free(arg);
		p++;
	}
	g_string_free(val, TRUE);
}
