/*
 * test-render-corpus.c: render every .eml of $SATCHEL_CORPUS at widths 80
 * and 40 (the second time with all headers) and check every line: valid
 * UTF-8, no control or bidi characters, not wider than the width. Also
 * lists parts and URLs. Skips when the corpus is absent.
 */
#include "satchel-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"
#include "mime/render.h"
#include "mime/crypt.h"

#define CORPUS_MAX_FILES	5000
#define CORPUS_MAX_DEPTH	8

static void	collect(const char *, GPtrArray *, int);
static int	check_text(const char *, const struct render_text *);
static int	check_string(const char *);

static void
collect(const char *dir, GPtrArray *files, int depth)
{
	GDir		*d;
	const char	*name;
	char		*path;

	if (depth > CORPUS_MAX_DEPTH || files->len >= CORPUS_MAX_FILES)
		return;
	d = g_dir_open(dir, 0, NULL);
	if (d == NULL)
		return;
	while ((name = g_dir_read_name(d)) != NULL &&
	    files->len < CORPUS_MAX_FILES) {
		path = g_build_filename(dir, name, NULL);
		if (g_file_test(path, G_FILE_TEST_IS_DIR) &&
		    !g_file_test(path, G_FILE_TEST_IS_SYMLINK))
			collect(path, files, depth + 1);
		else if (g_str_has_suffix(name, ".eml")) {
			g_ptr_array_add(files, path);
			path = NULL;
		}
		g_free(path);
	}
	g_dir_close(d);
}

/* 0 when s is safe for a terminal, else 1. */
static int
check_string(const char *s)
{
	const char	*p;
	gunichar	 c;

	if (!g_utf8_validate(s, -1, NULL))
		return 1;
	for (p = s; *p != '\0'; p = g_utf8_next_char(p)) {
		c = g_utf8_get_char(p);
		if (c < 0x20 || (c >= 0x7F && c <= 0x9F) ||
		    (c >= 0x202A && c <= 0x202E) ||
		    (c >= 0x2066 && c <= 0x2069) || c == 0x200E ||
		    c == 0x200F || c == 0x061C)
			return 1;
	}
	return 0;
}

static int
check_text(const char *path, const struct render_text *t)
{
	size_t	i;

	for (i = 0; i < t->nlines; i++) {
		if (check_string(t->lines[i].text) != 0) {
			print_error("%s: line %zu unsafe\n", path, i);
			return 1;
		}
		if (sanitize_width(t->lines[i].text) > t->width) {
			print_error("%s: line %zu wider than %zu\n", path, i,
			    t->width);
			return 1;
		}
	}
	for (i = 0; t->urls[i] != NULL; i++) {
		if (check_string(t->urls[i]) != 0) {
			print_error("%s: url %zu unsafe\n", path, i);
			return 1;
		}
	}
	return 0;
}

static void
test_corpus(void **state)
{
	struct render_options	 o;
	struct render_part_list	*parts;
	struct render_text	*t;
	GPtrArray		*files;
	GMimeMessage		*m;
	const char		*corpus, *path;
	gint64			 start, t0, worst = 0;
	const char		*worst_path = NULL;
	size_t			 i, j;
	int			 bad = 0, parsed = 0, crypto = 0;

	(void)state;
	corpus = g_getenv("SATCHEL_CORPUS");
	if (corpus == NULL || !g_file_test(corpus, G_FILE_TEST_IS_DIR))
		skip();
	files = g_ptr_array_new_with_free_func(g_free);
	collect(corpus, files, 0);
	if (files->len == 0) {
		g_ptr_array_free(files, TRUE);
		skip();
	}
	start = g_get_monotonic_time();
	for (i = 0; i < files->len; i++) {
		path = g_ptr_array_index(files, i);
		t0 = g_get_monotonic_time();
		m = mime_message_from_file(path);
		if (m == NULL)
			continue;
		parsed++;
		memset(&o, 0, sizeof o);
		o.mailcap_path = "/nonexistent";
		o.width = 80;
		t = render_message(m, &o);
		bad += check_text(path, t);
		render_text_free(t);
		o.width = 40;
		o.flags = RENDER_ALL_HEADERS | RENDER_PREFER_HTML;
		t = render_message(m, &o);
		bad += check_text(path, t);
		render_text_free(t);
		if (crypt_message_kinds(m) != 0) {
			/* Verdicts too (an empty keyring: unknown keys). */
			struct crypt_state *cs = crypt_state_new(m,
			    CRYPT_DECRYPT);

			o.crypt = cs;
			o.flags |= RENDER_CRYPT_DETAILS;
			t = render_message(m, &o);
			bad += check_text(path, t);
			render_text_free(t);
			o.crypt = NULL;
			crypt_state_free(cs);
			crypto++;
		}
		parts = render_part_list(m);
		for (j = 0; j < parts->nparts; j++) {
			bad += check_string(parts->parts[j].content_type);
			if (parts->parts[j].filename != NULL)
				bad += check_string(parts->parts[j].filename);
		}
		render_part_list_free(parts);
		g_object_unref(m);
		if (g_get_monotonic_time() - t0 > worst) {
			worst = g_get_monotonic_time() - t0;
			worst_path = path;
		}
	}
	print_message("rendered %d messages (%d with verdicts) in %.1f s; "
	    "slowest %.0f ms: %s\n", parsed, crypto, (double)(g_get_monotonic_time() - start) / 1e6,
	    (double)worst / 1e3, worst_path != NULL ? worst_path : "-");
	assert_int_equal(bad, 0);
	assert_true(parsed > 0);
	assert_true(g_get_monotonic_time() - start < 60 * G_USEC_PER_SEC);
	g_ptr_array_free(files, TRUE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
	};

	const char *corpus = g_getenv("SATCHEL_CORPUS");
	char	*home;
	int	 rc;

	/* cmocka's TAP skip reads as a failure to the driver: skip it all here. */
	if (corpus == NULL || !g_file_test(corpus, G_FILE_TEST_IS_DIR)) {
		printf("1..0 # SKIP no corpus at $SATCHEL_CORPUS\n");
		return 0;
	}
	setlocale(LC_ALL, "");
	g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
	log_set_level(LOG_LEVEL_ERROR);
	mime_init();
	/*
	 * Signed and encrypted messages are checked against an empty,
	 * private keyring (short path: gpg-agent's socket must fit).
	 */
	home = g_strdup("/tmp/sc-XXXXXX");
	if (g_mkdtemp(home) == NULL)
		return 1;
	g_setenv("GNUPGHOME", home, TRUE);
	rc = cmocka_run_group_tests_name("render-corpus", tests, NULL, NULL);
	g_spawn_command_line_sync("gpgconf --kill all", NULL, NULL, NULL,
	    NULL);
	file_remove_tree(home);
	g_free(home);
	return rc;
}
