/* test-util.c: sanitiser, truncation, file names, atomic files. */
#include "satchel-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <fcntl.h>
#include <locale.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

static void
test_sanitize_degenerate(void **state)
{
	char *s;

	s = sanitize_text(NULL, -1, 0);
	assert_string_equal(s, "");
	g_free(s);
	s = sanitize_text("", 0, 0);
	assert_string_equal(s, "");
	g_free(s);
}

static void
test_sanitize_table(void **state)
{
	static const struct {
		const char	*in;
		unsigned	 flags;
		const char	*out;
	} t[] = {
		{ "plain", 0, "plain" },
		{ "evil \x1b]0;pwned\x07 title", 0, "evil \xef\xbf\xbd]0;pwned\xef\xbf\xbd title" },
		{ "\x1b[2Jclear", 0, "\xef\xbf\xbd[2Jclear" },
		{ "c1 \xc2\x9b csi", 0, "c1 \xef\xbf\xbd csi" },
		{ "bidi \xe2\x80\xaegnp.exe", 0, "bidi gnp.exe" },
		{ "isolate \xe2\x81\xa6x\xe2\x81\xa9", 0, "isolate x" },
		{ "bad \xff\xfe end", 0, "bad \xef\xbf\xbd\xef\xbf\xbd end" },
		{ "a\nb", 0, "a b" },
		{ "a\nb", SANITIZE_KEEP_NEWLINE, "a\nb" },
		{ "a\r\nb", SANITIZE_KEEP_NEWLINE, "a\nb" },
		{ "over\rprint", 0, "over\xef\xbf\xbdprint" },
		{ "tab\there", 0, "tab here" },
		{ "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", 0, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac" },
		{ "del\x7f", 0, "del\xef\xbf\xbd" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		char *s = sanitize_text(t[i].in, -1, t[i].flags);
		assert_string_equal(s, t[i].out);
		g_free(s);
	}
	/* Embedded NUL with an explicit length. */
	{
		char *s = sanitize_text("a\0b", 3, 0);
		assert_string_equal(s, "a\xef\xbf\xbd" "b");
		g_free(s);
	}
}

static void
test_truncate(void **state)
{
	char *s;

	s = sanitize_truncate("hello", 10, TRUE);
	assert_string_equal(s, "hello");
	g_free(s);
	s = sanitize_truncate("hello world", 6, TRUE);
	assert_string_equal(s, "hello\xe2\x80\xa6");
	g_free(s);
	/* Never split a double-width character. */
	s = sanitize_truncate("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 5, FALSE);
	assert_string_equal(s, "\xe6\x97\xa5\xe6\x9c\xac");
	g_free(s);
	assert_int_equal(sanitize_width("\xe6\x97\xa5x"), 3);
	/* A combining accent takes no column. */
	assert_int_equal(sanitize_width("e\xcc\x81"), 1);
}

/* A time as people read it; "-" for none. */
static void
test_time_format(void **state)
{
	g_autoptr(GDateTime) dt = g_date_time_new_local(2026, 3, 4, 5, 6, 7);
	char *s;

	(void)state;
	s = time_local_format(g_date_time_to_unix(dt), "%Y-%m-%d %H:%M");
	assert_string_equal(s, "2026-03-04 05:06");
	g_free(s);
	s = time_local_format(0, "%Y");
	assert_string_equal(s, "-");
	g_free(s);
	s = time_local_format(-5, "%Y");
	assert_string_equal(s, "-");
	g_free(s);
}

static void
test_filename(void **state)
{
	static const struct { const char *in, *out; } t[] = {
		{ NULL, "attachment" },
		{ "", "attachment" },
		{ "../../.bashrc", "bashrc" },
		{ "..", "attachment" },
		{ "-rf", "rf" },
		{ "--", "attachment" },
		{ ".-.x", "x" },
		{ "/etc/passwd", "passwd" },
		{ "C:\\evil\\x.exe", "x.exe" },
		{ "a\x1b[31mb.txt", "a_[31mb.txt" },
		{ "report; rm -rf ~.pdf", "report; rm -rf ~.pdf" },
		{ "na\xc3\xafve.pdf", "na\xc3\xafve.pdf" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		char *s = sanitize_filename(t[i].in);
		assert_string_equal(s, t[i].out);
		assert_null(strchr(s, '/'));
		g_free(s);
	}
}

static void
test_atomic(void **state)
{
	char	*dir, *path, *buf;
	size_t	 len;
	struct stat sb;

	dir = g_dir_make_tmp("satchel-test-XXXXXX", NULL);
	assert_non_null(dir);
	path = g_build_filename(dir, "f", NULL);
	assert_int_equal(file_write_atomic(path, "abc", 3, 0600), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	buf = file_read_all(path, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(buf, "abc", 3);
	g_free(buf);
	assert_int_equal(file_write_atomic(path, "de", 2, 0600), 0);
	buf = file_read_all(path, &len);
	assert_int_equal(len, 2);
	g_free(buf);
	/* Into a directory that does not exist: fails, leaves nothing. */
	{
		char *bad = g_build_filename(dir, "no", "f", NULL);
		assert_int_equal(file_write_atomic(bad, "x", 1, 0600), -1);
		g_free(bad);
	}
	assert_int_equal(file_check_owner(dir), 0);
	assert_int_equal(file_remove_tree(dir), 0);
	assert_int_not_equal(access(dir, F_OK), 0);
	g_free(path);
	g_free(dir);
}

/* Removing a tree removes links, never what they point to. */
static void
test_remove_tree(void **state)
{
	g_autofree char	*dir = NULL, *victim = NULL, *tree = NULL;
	g_autofree char	*p = NULL, *keep = NULL;
	struct stat	 sb;
	int		 fd;

	(void)state;
	dir = g_dir_make_tmp("test-util-XXXXXX", NULL);
	assert_non_null(dir);
	assert_int_equal(file_remove_tree("/nonexistent/x"), 0);
	victim = g_build_filename(dir, "victim", NULL);
	keep = g_build_filename(victim, "keep", NULL);
	tree = g_build_filename(dir, "tree", NULL);
	assert_int_equal(g_mkdir_with_parents(victim, 0700), 0);
	assert_true(g_file_set_contents(keep, "x", 1, NULL));
	p = g_build_filename(tree, "a", "b", NULL);
	assert_int_equal(g_mkdir_with_parents(p, 0700), 0);
	g_free(p);
	p = g_build_filename(tree, "a", "b", "link", NULL);
	assert_int_equal(symlink(victim, p), 0);
	g_free(p);
	p = g_build_filename(tree, "a", "file", NULL);
	assert_true(g_file_set_contents(p, "y", 1, NULL));
	assert_int_equal(file_remove_tree(tree), 0);
	assert_false(g_file_test(tree, G_FILE_TEST_EXISTS));
	assert_true(g_file_test(keep, G_FILE_TEST_IS_REGULAR));
	/* A link as the top is removed itself. */
	assert_int_equal(symlink(victim, tree), 0);
	assert_int_equal(file_remove_tree(tree), 0);
	assert_true(g_file_test(keep, G_FILE_TEST_IS_REGULAR));

	/*
	 * Checked removal: only the directory that was ours. Held open, as
	 * the borrowed-mode janitor holds it, so its inode is not reused.
	 */
	assert_int_equal(mkdir(tree, 0700), 0);
	assert_int_equal(lstat(tree, &sb), 0);
	fd = open(tree, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(rmdir(tree), 0);
	assert_int_equal(mkdir(tree, 0700), 0);	/* made again */
	g_free(p);
	p = g_build_filename(tree, "planted", NULL);
	assert_true(g_file_set_contents(p, "z", 1, NULL));
	assert_int_equal(file_remove_dir_checked(tree, sb.st_dev, sb.st_ino),
	    -1);
	assert_true(g_file_test(p, G_FILE_TEST_IS_REGULAR));
	close(fd);
	assert_int_equal(lstat(tree, &sb), 0);
	assert_int_equal(file_remove_dir_checked(tree, sb.st_dev, sb.st_ino),
	    0);
	assert_false(g_file_test(tree, G_FILE_TEST_EXISTS));
	/* Contents by handle, the directory stays. */
	assert_int_equal(mkdir(tree, 0700), 0);
	g_free(p);
	p = g_build_filename(tree, "f", NULL);
	assert_true(g_file_set_contents(p, "z", 1, NULL));
	fd = open(tree, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(file_remove_contents(fd), 0);
	close(fd);
	assert_false(g_file_test(p, G_FILE_TEST_EXISTS));
	assert_true(g_file_test(tree, G_FILE_TEST_IS_DIR));
	assert_int_equal(file_remove_tree(dir), 0);
	assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));
}

static void
test_path_expand(void **state)
{
	char *s;

	g_setenv("HOME", "/home/x", TRUE);
	s = path_expand("~/mail");
	assert_string_equal(s, "/home/x/mail");
	g_free(s);
	s = path_expand("/abs");
	assert_string_equal(s, "/abs");
	g_free(s);
	s = path_expand("~user/x");
	assert_string_equal(s, "~user/x");
	g_free(s);
	assert_null(path_expand(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_degenerate),
		cmocka_unit_test(test_sanitize_table),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_filename),
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_atomic),
		cmocka_unit_test(test_remove_tree),
		cmocka_unit_test(test_path_expand),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
