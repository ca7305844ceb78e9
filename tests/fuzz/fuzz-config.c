/*
 * fuzz-config.c: the configuration parser (GKeyFile plus satchel's checks
 * of every group, key and value).
 *
 * Input: the bytes of a configuration file. The harness writes them to a
 * private file (mode 0600) and loads it, then walks the accounts. HOME and
 * the XDG directories point into a private temporary directory, so "~" in
 * paths stays there. Inputs naming /dev, /proc or /sys are skipped: a
 * signature_file there could block or never end, which is the user's own
 * choice, not a parser bug. Password commands are never run by config_load.
 */
#include "satchel-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "util/util.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	*fuzz_dir;
static char	*fuzz_file;

static void
fuzz_cleanup(void)
{
	if (fuzz_file != NULL)
		unlink(fuzz_file);
	if (fuzz_dir != NULL)
		file_remove_tree(fuzz_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	GError	*err = NULL;

	fuzz_dir = g_dir_make_tmp("satchel-fuzz-config-XXXXXX", &err);
	if (fuzz_dir == NULL) {
		fprintf(stderr, "fuzz-config: %s\n", err->message);
		exit(1);
	}
	g_setenv("HOME", fuzz_dir, TRUE);
	g_setenv("XDG_CONFIG_HOME", fuzz_dir, TRUE);
	g_setenv("XDG_DATA_HOME", fuzz_dir, TRUE);
	g_setenv("EDITOR", "true", TRUE);
	g_unsetenv("VISUAL");
	fuzz_file = g_build_filename(fuzz_dir, "config", NULL);
	log_set_level(LOG_LEVEL_ERROR);
	atexit(fuzz_cleanup);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config		*c = NULL;
	struct account		*a;
	GError			*err = NULL;
	enum config_status	 st;
	guint			 i;
	int			 fd;

	if (memmem(data, size, "/dev", 4) != NULL ||
	    memmem(data, size, "/proc", 5) != NULL ||
	    memmem(data, size, "/sys", 4) != NULL)
		return 0;
	fd = open(fuzz_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd == -1 || file_write_all(fd, data, size) != 0) {
		fprintf(stderr, "fuzz-config: %s: %s\n", fuzz_file,
		    strerror(errno));
		abort();
	}
	close(fd);

	st = config_load(fuzz_file, &c, &err);
	if (st == CONFIG_OK) {
		if (c == NULL || err != NULL)
			abort();
		for (i = 0; i < c->accounts->len; i++) {
			a = g_ptr_array_index(c->accounts, i);
			if (a->name == NULL || config_account(c, a->name) != a)
				abort();
			(void)config_tls_name(a->pop3_tls);
			(void)config_tls_name(a->smtp_tls);
		}
		(void)config_account(c, NULL);
	} else {
		/* Every failure explains itself. */
		if (c != NULL || err == NULL || err->message == NULL)
			abort();
		g_error_free(err);
	}
	config_free(c);
	return 0;
}
