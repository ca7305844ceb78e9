/*
 * fuzz-main.c: a main() for the fuzz harnesses in builds without libFuzzer.
 * It runs every file named on the command line (and every regular file in a
 * named directory) through LLVMFuzzerTestOneInput once, so `make check`
 * replays the inputs in tests/fuzz/regress/ with the normal compiler, under
 * AddressSanitizer when --enable-sanitizers is given, or under valgrind.
 *
 * Exit status: 0 when every input ran, 2 when an input could not be read.
 * A harness that finds a broken property calls abort(), which fails the run.
 */
#include "satchel-config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***) __attribute__((weak));

static int	fuzz_main_file(const char *);
static int	fuzz_main_path(const char *);
static gint	fuzz_main_cmp(gconstpointer, gconstpointer);

static gint
fuzz_main_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
fuzz_main_file(const char *path)
{
	gchar	*data = NULL;
	gsize	 len = 0;
	GError	*err = NULL;
	uint8_t	*copy;

	if (!g_file_get_contents(path, &data, &len, &err)) {
		fprintf(stderr, "fuzz-main: %s\n", err->message);
		g_error_free(err);
		return 2;
	}
	/* An exact-size copy lets ASan see reads past the end. */
	copy = malloc(len > 0 ? len : 1);
	if (copy == NULL) {
		g_free(data);
		return 2;
	}
	memcpy(copy, data, len);
	g_free(data);
	fprintf(stderr, "fuzz-main: running %s (%zu bytes)\n", path,
	    (size_t)len);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	return 0;
}

static int
fuzz_main_path(const char *path)
{
	struct stat	 sb;
	DIR		*d;
	struct dirent	*de;
	GPtrArray	*names;
	guint		 i;
	int		 rc = 0;

	if (stat(path, &sb) != 0) {
		fprintf(stderr, "fuzz-main: %s: %s\n", path, strerror(errno));
		return 2;
	}
	if (!S_ISDIR(sb.st_mode))
		return fuzz_main_file(path);
	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "fuzz-main: %s: %s\n", path, strerror(errno));
		return 2;
	}
	names = g_ptr_array_new_with_free_func(g_free);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		g_ptr_array_add(names, g_build_filename(path, de->d_name,
		    NULL));
	}
	closedir(d);
	/* Same order on every run. */
	g_ptr_array_sort(names, fuzz_main_cmp);
	for (i = 0; i < names->len; i++) {
		const char *p = g_ptr_array_index(names, i);

		if (stat(p, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		if (fuzz_main_file(p) != 0)
			rc = 2;
	}
	g_ptr_array_unref(names);
	return rc;
}

int
main(int argc, char **argv)
{
	int	i, rc = 0;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;	/* libFuzzer options: ignored here */
		if (fuzz_main_path(argv[i]) != 0)
			rc = 2;
	}
	return rc;
}
