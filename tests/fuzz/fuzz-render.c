/*
 * fuzz-render.c: rendering a message into terminal lines (src/mime/render*.c
 * with the sanitiser), the part list, the URL list, pager search and, for
 * some inputs, saving an attachment under its own (hostile) file name.
 *
 * Input: one byte of options, then a raw message (or, with bit 0x40, an
 * HTML document for html_to_text alone). Each run checks render.h's
 * promises and aborts when one is broken: every line is valid UTF-8 with no
 * control, C1 or bidi character and fits the width; the line count is
 * capped; part numbers run 1..n; file names and content types are clean;
 * render_url_list() gives the URLs render_message() numbered; a saved part
 * lands inside the directory asked for, whatever its name says.
 */
#include "satchel-config.h"

#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mime/mime.h"
#include "mime/html.h"
#include "mime/render.h"
#include "util/util.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	*fuzz_dir;

static void
fuzz_die(const char *what)
{
	fprintf(stderr, "fuzz-render: %s\n", what);
	abort();
}

static void
fuzz_check_clean(const char *s, const char *what)
{
	const char	*p;
	gunichar	 c;

	if (s == NULL)
		return;
	if (!g_utf8_validate(s, -1, NULL))
		fuzz_die(what);
	for (p = s; *p != '\0'; p = g_utf8_next_char(p)) {
		c = g_utf8_get_char(p);
		if (c < 0x20 || (c >= 0x7F && c <= 0x9F) ||
		    (c >= 0x202A && c <= 0x202E) ||
		    (c >= 0x2066 && c <= 0x2069) || c == 0x200E ||
		    c == 0x200F || c == 0x061C || c == 0x2028 || c == 0x2029)
			fuzz_die(what);
	}
}

static void
fuzz_cleanup(void)
{
	if (fuzz_dir != NULL)
		file_remove_tree(fuzz_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	GError	*err = NULL;

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "");
	log_set_level(LOG_LEVEL_ERROR);
	mime_init();
	/* No mailcap entry may run anything during fuzzing. */
	g_setenv("MAILCAPS", "/nonexistent/mailcap", TRUE);
	fuzz_dir = g_dir_make_tmp("satchel-fuzz-render-XXXXXX", &err);
	if (fuzz_dir == NULL) {
		fprintf(stderr, "fuzz-render: %s\n", err->message);
		exit(1);
	}
	atexit(fuzz_cleanup);
	return 0;
}

static void
fuzz_save(GMimeMessage *m, const struct render_part_list *pl)
{
	GError	*err = NULL;
	char	*path = NULL, *prefix;
	size_t	 i;

	prefix = g_strconcat(fuzz_dir, "/", NULL);
	for (i = 0; i < pl->nparts && i < 3; i++) {
		if (render_part_save(m, pl->parts[i].number, fuzz_dir, NULL,
		    RENDER_SAVE_OVERWRITE, &path, &err) != RENDER_OK) {
			g_clear_error(&err);
			continue;
		}
		if (path == NULL || !g_str_has_prefix(path, prefix) ||
		    strchr(path + strlen(prefix), '/') != NULL)
			fuzz_die("a saved part left its directory");
		if (unlink(path) != 0)
			fuzz_die("the saved part is not where it was said");
		g_clear_pointer(&path, g_free);
	}
	g_free(prefix);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct render_options	 o;
	struct render_text	*t;
	struct render_part_list	*pl;
	GMimeMessage		*m;
	char			**urls;
	size_t			*hits, nhits, i, max_width;
	char			*h, *clean;
	unsigned		 opt;

	if (size < 1)
		return 0;
	opt = data[0];
	data++;
	size--;
	if (opt & 0x40) {
		h = html_to_text((const char *)data, (gssize)size);
		if (h == NULL)
			fuzz_die("html_to_text returned NULL");
		clean = sanitize_text(h, -1, SANITIZE_KEEP_NEWLINE);
		fuzz_check_clean(strchr(clean, '\n') == NULL ? clean : "",
		    "html text");
		g_free(clean);
		g_free(h);
		return 0;
	}

	memset(&o, 0, sizeof(o));
	o.width = (opt & 0x07) == 0 ? 0 : (opt & 0x07) * 17 - 8;
	o.flags = ((opt >> 3) & 0x07) & (RENDER_ALL_HEADERS |
	    RENDER_PREFER_HTML | RENDER_NO_HEADERS);
	o.mailcap_path = "/nonexistent/mailcap";
	o.timeout_ms = 100;
	max_width = o.width == 0 ? 80 : CLAMP(o.width, RENDER_MIN_WIDTH,
	    RENDER_MAX_WIDTH);

	m = mime_message_from_data(data, size);
	if (m == NULL)
		return 0;
	t = render_message(m, &o);
	if (t == NULL)
		fuzz_die("render_message returned NULL");
	if (t->width != max_width)
		fuzz_die("width not clamped as documented");
	if (t->nlines > RENDER_MAX_LINES + 16)
		fuzz_die("too many lines");
	for (i = 0; i < t->nlines; i++) {
		const struct render_line *l = &t->lines[i];

		fuzz_check_clean(l->text, "line holds a control character");
		if (sanitize_width(l->text) > t->width)
			fuzz_die("line wider than the width");
		if (l->kind > RENDER_LINE_VERDICT)
			fuzz_die("bad line kind");
		/* Only our own verdict lines judge anything. */
		if ((l->kind == RENDER_LINE_VERDICT) !=
		    (l->verdict != RENDER_VERDICT_NONE) ||
		    l->verdict > RENDER_VERDICT_BAD)
			fuzz_die("a verdict on a line that is not one");
		if (l->label > strlen(l->text))
			fuzz_die("header label longer than the line");
	}
	urls = render_url_list(m, &o);
	if (urls == NULL)
		fuzz_die("render_url_list returned NULL");
	if (t->urls == NULL || !g_strv_equal((const char *const *)urls,
	    (const char *const *)t->urls))
		fuzz_die("render_url_list and render_message disagree");
	for (i = 0; urls[i] != NULL; i++) {
		fuzz_check_clean(urls[i], "URL holds a control character");
		if (strlen(urls[i]) > 2048 + 4)
			fuzz_die("URL longer than 2048 bytes");
	}
	g_strfreev(urls);
	hits = render_search(t, "e", &nhits);
	for (i = 0; hits != NULL && i < nhits; i++)
		if (hits[i] >= t->nlines || (i > 0 && hits[i] <= hits[i - 1]))
			fuzz_die("search hit out of order");
	g_free(hits);
	render_text_free(t);

	pl = render_part_list(m);
	if (pl == NULL)
		fuzz_die("render_part_list returned NULL");
	if (pl->nparts > RENDER_MAX_PARTS)
		fuzz_die("too many parts");
	for (i = 0; i < pl->nparts; i++) {
		const struct render_part *p = &pl->parts[i];

		if (p->number != i + 1)
			fuzz_die("part numbers do not run 1..n");
		fuzz_check_clean(p->content_type, "bad content type");
		fuzz_check_clean(p->filename, "bad file name");
		if (p->filename != NULL && (strchr(p->filename, '/') != NULL ||
		    p->filename[0] == '.' || p->filename[0] == '\0'))
			fuzz_die("unsafe file name");
	}
	if (opt & 0x80)
		fuzz_save(m, pl);
	render_part_list_free(pl);
	g_object_unref(m);
	return 0;
}
