/*
 * test-mailcap.c: what a message can put into a mailcap command line (%t)
 * and what a timed-out converter leaves behind (src/mime/mailcap.c).
 */
#include "satchel-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "mime/mime.h"
#include "mime/render-private.h"

/* Expand entry for content_type and return word n (g_free). */
static char *
expand_word(const char *command, const char *content_type, int n)
{
	struct mailcap_entry	 entry = { NULL, NULL, FALSE, FALSE };
	GError			*err = NULL;
	gboolean		 uses_file;
	char			**argv, *w;

	entry.command = (char *)command;
	argv = mailcap_argv(&entry, "/tmp/part", content_type, NULL,
	    &uses_file, &err);
	assert_non_null(argv);
	w = g_strdup(argv[n]);
	g_strfreev(argv);
	return w;
}

static void
test_type_filtered(void **state)
{
	static const struct {
		const char *type, *want;
	} cases[] = {
		{ "", "" },
		{ "text/html", "text/html" },
		{ "Text/HTML", "text/html" },
		{ "application/x-`id`", "application/x-id" },
		{ "application/x-$(touch${IFS}m)", "application/x-touchifsm" },
		{ "a/b/c", "a/bc" },
		{ "-rf/x", "rf/x" },
		{ "image/svg+xml", "image/svg+xml" },
		{ "text/plain;x=\"'\"", "text/plainx" },
		{ "application/vnd.ms-excel", "application/vnd.ms-excel" },
	};
	size_t	i;
	char	*w;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		w = expand_word("viewer %t", cases[i].type, 1);
		assert_string_equal(w, cases[i].want);
		g_free(w);
	}
	/* Inside a word, around other text. */
	w = expand_word("viewer --type=%t;", "a/`b`", 1);
	assert_string_equal(w, "--type=a/b;");
	g_free(w);
}

/*
 * An entry that hands %t to a shell, as people write them: a type with
 * command substitution must not run anything.
 */
static void
test_type_shell_entry(void **state)
{
	static const char *types[] = {
		"application/x-`touch marker-bq`",
		"application/x-$(touch marker-ds)",
		"application/x-;touch marker-sc",
	};
	struct mailcap_entry	 entry = { NULL, NULL, FALSE, FALSE };
	g_autofree char		*dir = NULL;
	GError			*err = NULL;
	gboolean		 uses_file;
	char			**argv, *out = NULL, *marker;
	int			 status;
	size_t			 i;

	(void)state;
	dir = g_dir_make_tmp("test-mailcap-XXXXXX", NULL);
	assert_non_null(dir);
	entry.command = (char *)"sh -c 'echo %t'";
	for (i = 0; i < G_N_ELEMENTS(types); i++) {
		argv = mailcap_argv(&entry, NULL, types[i], NULL, &uses_file,
		    &err);
		assert_non_null(argv);
		assert_true(g_spawn_sync(dir, argv, NULL, G_SPAWN_SEARCH_PATH |
		    G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
		    &status, &err));
		assert_non_null(strstr(out, "application/x-"));
		g_free(out);
		g_strfreev(argv);
	}
	for (i = 0; i < G_N_ELEMENTS(types); i++) {
		marker = g_strconcat(dir, "/marker-", i == 0 ? "bq" :
		    i == 1 ? "ds" : "sc", NULL);
		assert_false(g_file_test(marker, G_FILE_TEST_EXISTS));
		g_free(marker);
	}
	assert_int_equal(file_remove_tree(dir), 0);
}

/* Is pid gone (or a zombie nobody has reaped yet)? */
static gboolean
pid_gone(pid_t pid)
{
	g_autofree char	*path = NULL, *stat = NULL;
	const char	*p;

	if (kill(pid, 0) == -1 && errno == ESRCH)
		return TRUE;
	path = g_strdup_printf("/proc/%ld/stat", (long)pid);
	if (!g_file_get_contents(path, &stat, NULL, NULL))
		return TRUE;
	p = strrchr(stat, ')');
	return p != NULL && (p[2] == 'Z' || p[2] == 'X');
}

/*
 * A converter that starts a process of its own and never ends: the
 * timeout ends both, not only the direct child.
 */
static void
test_timeout_kills_group(void **state)
{
	g_autofree char	*dir = NULL, *pidfile = NULL, *cmd = NULL;
	g_autofree char	*pidtext = NULL;
	GError		*err = NULL;
	char		*argv[4], *out;
	size_t		 outlen = 0;
	pid_t		 pid;
	int		 i;

	(void)state;
	dir = g_dir_make_tmp("test-mailcap-XXXXXX", NULL);
	assert_non_null(dir);
	pidfile = g_build_filename(dir, "pid", NULL);
	cmd = g_strdup_printf("sleep 30 & echo $! >%s; wait", pidfile);
	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = cmd;
	argv[3] = NULL;
	out = mailcap_filter(argv, NULL, "", 0, 300, 1024, &outlen, &err);
	assert_null(out);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "timed out"));
	g_clear_error(&err);
	assert_true(g_file_get_contents(pidfile, &pidtext, NULL, NULL));
	pid = (pid_t)atol(pidtext);
	assert_true(pid > 1);
	for (i = 0; i < 100 && !pid_gone(pid); i++)
		g_usleep(20000);
	if (!pid_gone(pid)) {
		kill(pid, SIGKILL);
		fail_msg("the converter's own child outlived the timeout");
	}
	assert_int_equal(file_remove_tree(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_filtered),
		cmocka_unit_test(test_type_shell_entry),
		cmocka_unit_test(test_timeout_kills_group),
	};

	log_set_level(LOG_LEVEL_ERROR);
	mime_init();
	return cmocka_run_group_tests_name("mailcap", tests, NULL, NULL);
}
