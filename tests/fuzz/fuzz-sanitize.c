/*
 * fuzz-sanitize.c: the terminal sanitiser (DESIGN invariant 6).
 *
 * Input: one byte of options, then the untrusted text. Besides "does not
 * crash", each run checks the promises util.h makes, and aborts when one
 * is broken: the output is valid UTF-8 with no C0, DEL or C1 control (only
 * \n and \t when asked for) and no bidirectional or invisible formatting
 * character; sanitising twice changes nothing; truncation never exceeds its
 * width; a sanitised file name has no path separator and no leading dot.
 */
#include "satchel-config.h"

#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fuzz_fail(const char *, const char *);
static void	fuzz_check_safe(const char *, unsigned, gboolean);

static void
fuzz_fail(const char *what, const char *s)
{
	fprintf(stderr, "fuzz-sanitize: %s (output %zu bytes)\n", what,
	    strlen(s));
	abort();
}

static void
fuzz_check_safe(const char *s, unsigned flags, gboolean filename)
{
	const char	*p;
	gunichar	 c;

	if (!g_utf8_validate(s, -1, NULL))
		fuzz_fail("output is not valid UTF-8", s);
	for (p = s; *p != '\0'; p = g_utf8_next_char(p)) {
		c = g_utf8_get_char(p);
		if (c == '\n' && (flags & SANITIZE_KEEP_NEWLINE))
			continue;
		if (c == '\t' && (flags & SANITIZE_KEEP_TAB))
			continue;
		if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
			fuzz_fail("control character in output", s);
		if ((c >= 0x202A && c <= 0x202E) ||
		    (c >= 0x2066 && c <= 0x2069) || c == 0x200E ||
		    c == 0x200F || c == 0x061C || c == 0x2028 || c == 0x2029)
			fuzz_fail("bidi or separator in output", s);
		if (filename && (c == '/' || c == '\\'))
			fuzz_fail("path separator in file name", s);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* wcwidth() needs a UTF-8 locale, as in satchel itself. */
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "");
	log_set_level(LOG_LEVEL_ERROR);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned	 flags, cols;
	gboolean	 ellipsis;
	char		*out, *again, *cut, *name, *nul;
	size_t		 w;

	if (size < 1)
		return 0;
	flags = data[0] & (SANITIZE_KEEP_NEWLINE | SANITIZE_KEEP_TAB);
	ellipsis = (data[0] & 0x04) != 0;
	cols = data[0] >> 3;		/* 0..31 columns */
	data++;
	size--;

	out = sanitize_text((const char *)data, (gssize)size, flags);
	fuzz_check_safe(out, flags, FALSE);
	again = sanitize_text(out, -1, flags);
	if (strcmp(out, again) != 0)
		fuzz_fail("sanitising twice changes the text", out);
	g_free(again);

	w = sanitize_width(out);
	cut = sanitize_truncate(out, cols, ellipsis);
	fuzz_check_safe(cut, flags, FALSE);
	if (sanitize_width(cut) > cols)
		fuzz_fail("truncated text is wider than asked", cut);
	if (w <= cols && strcmp(cut, out) != 0)
		fuzz_fail("text that fits was changed by truncation", cut);
	if (!ellipsis && strncmp(cut, out, strlen(cut)) != 0)
		fuzz_fail("truncation is not a prefix", cut);
	g_free(cut);
	g_free(out);

	/* File names arrive as C strings: stop at the first NUL. */
	nul = g_strndup((const char *)data, size);
	name = sanitize_filename(nul);
	fuzz_check_safe(name, 0, TRUE);
	if (name[0] == '\0' || name[0] == '.' || name[0] == ' ')
		fuzz_fail("file name empty or starts with a dot", name);
	if (strlen(name) > 255)
		fuzz_fail("file name longer than 255 bytes", name);
	g_free(name);
	g_free(nul);
	return 0;
}
