/*
 * scratch.h: what the harnesses that work on a real store share: a
 * private scratch directory (on /dev/shm when there is one, so the
 * store's fsyncs cost nothing) and a fresh store in it per input.
 */
#ifndef SATCHEL_FUZZ_SCRATCH_H
#define SATCHEL_FUZZ_SCRATCH_H

#include <glib.h>

#include "store/store.h"

/* Quiet logging and GMime set up: call from LLVMFuzzerInitialize. */
void		 fuzz_init(void);
/* The harness's scratch directory, made on first use, removed at exit. */
const char	*fuzz_scratch(void);
/* A new empty directory under the scratch directory (g_free). */
char		*fuzz_scratch_dir(void);
/* A new store in a new directory; *dir gets that directory. Aborts on failure. */
struct store	*fuzz_store_new(char **dir);
/* Close st and remove dir with everything in it. */
void		 fuzz_store_done(struct store *st, char *dir);
/* Write len bytes to path (creating the directories); aborts on failure. */
void		 fuzz_write_file(const char *path, const void *data,
		    size_t len);
/*
 * Split data at separator lines (sep followed by '\n', at the start of the
 * data or after a '\n'): a GPtrArray of GBytes, at most max pieces (the
 * last piece takes the rest).
 */
GPtrArray	*fuzz_split(const uint8_t *data, size_t size, const char *sep,
		    guint max);

#endif
