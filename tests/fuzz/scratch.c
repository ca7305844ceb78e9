/*
 * scratch.c: scratch directories and fresh stores for the harnesses.
 */
#include "satchel-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "mime/mime.h"
#include "scratch.h"

static char	*fuzz_scratch_path;
static guint	 fuzz_scratch_n;

static void
fuzz_scratch_cleanup(void)
{
	if (fuzz_scratch_path != NULL)
		(void)file_remove_tree(fuzz_scratch_path);
}

void
fuzz_init(void)
{
	log_set_level(LOG_LEVEL_ERROR);
	mime_init();
	/*
	 * The store parses a batch's deliveries in a GThreadPool. When a pool
	 * is freed, GLib keeps two of its threads for later pools and ends
	 * the others, and ends a kept one after 15 idle seconds. A thread
	 * that is ending while the leak check runs (after an input, or at
	 * exit) holds its last blocks where the check cannot see them, and
	 * they are reported as leaked: keep every pool thread, for ever.
	 */
	g_thread_pool_set_max_unused_threads(-1);
	g_thread_pool_set_max_idle_time(0);
}

const char *
fuzz_scratch(void)
{
	const char	*base;
	char		*tmpl;

	if (fuzz_scratch_path != NULL)
		return fuzz_scratch_path;
	base = g_getenv("FUZZ_SCRATCH");
	if (base == NULL)
		base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" :
		    g_get_tmp_dir();
	tmpl = g_build_filename(base, "satchel-fuzz-XXXXXX", NULL);
	if (g_mkdtemp_full(tmpl, 0700) == NULL) {
		fprintf(stderr, "fuzz: cannot make %s\n", tmpl);
		abort();
	}
	fuzz_scratch_path = tmpl;
	atexit(fuzz_scratch_cleanup);
	return fuzz_scratch_path;
}

char *
fuzz_scratch_dir(void)
{
	char	*dir;

	dir = g_strdup_printf("%s/%u", fuzz_scratch(), fuzz_scratch_n++);
	(void)file_remove_tree(dir);
	if (g_mkdir_with_parents(dir, 0700) != 0) {
		fprintf(stderr, "fuzz: cannot make %s\n", dir);
		abort();
	}
	return dir;
}

struct store *
fuzz_store_new(char **dirp)
{
	struct store	*st = NULL;
	char		*dir = fuzz_scratch_dir();
	char		*sdir = g_build_filename(dir, "store", NULL);
	enum store_status s;

	s = store_open(sdir, STORE_OPEN_CREATE, &st);
	if (s != STORE_OK) {
		fprintf(stderr, "fuzz: store_open %s: %s\n", sdir,
		    st != NULL ? store_errmsg(st) : store_strerror(s));
		abort();
	}
	g_free(sdir);
	*dirp = dir;
	return st;
}

void
fuzz_store_done(struct store *st, char *dir)
{
	store_close(st);
	(void)file_remove_tree(dir);
	g_free(dir);
}

void
fuzz_write_file(const char *path, const void *data, size_t len)
{
	g_autofree char	*parent = g_path_get_dirname(path);
	GError		*err = NULL;

	if (g_mkdir_with_parents(parent, 0700) != 0 ||
	    !g_file_set_contents(path, data, (gssize)len, &err)) {
		fprintf(stderr, "fuzz: cannot write %s: %s\n", path,
		    err != NULL ? err->message : "mkdir");
		abort();
	}
}

GPtrArray *
fuzz_split(const uint8_t *data, size_t size, const char *sep, guint max)
{
	GPtrArray	*out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)g_bytes_unref);
	size_t		 seplen = strlen(sep), start = 0, i = 0;
	static const uint8_t none[1];

	if (data == NULL)
		data = none;	/* libFuzzer's empty input */

	while (i + seplen + 1 <= size && out->len + 1 < max) {
		if ((i == 0 || data[i - 1] == '\n') &&
		    memcmp(data + i, sep, seplen) == 0 &&
		    data[i + seplen] == '\n') {
			g_ptr_array_add(out, g_bytes_new(data + start,
			    i - start));
			i += seplen + 1;
			start = i;
			continue;
		}
		i++;
	}
	g_ptr_array_add(out, g_bytes_new(data + start, size - start));
	return out;
}
