/*
 * fuzz-import.c: the whole import path (src/store/store-import.c): mbox
 * detection and splitting ("From " lines, MMDF markers, a single message),
 * the reader threads, parsing and indexing, into a real store in a
 * temporary directory.
 *
 * Input: the bytes of a file to import. The harness imports it into a
 * fresh store as a file (mbox or one message) into INBOX and, as the one
 * message of a Maildir's cur/, as a directory into another folder.
 *
 * Properties checked: the import succeeds; every message it counts as
 * imported is in the folder and nothing else is; the index passes
 * store_check(); a second import of the same, unchanged source adds
 * nothing; and every stored message can be read back.
 */
#include "satchel-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "store/store.h"
#include "scratch.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_die(struct store *st, const char *what)
{
	fprintf(stderr, "fuzz-import: %s (%s)\n", what,
	    st != NULL ? store_errmsg(st) : "");
	abort();
}

static guint64
fuzz_count(struct store *st, const char *folder)
{
	struct store_query	*q = NULL;
	guint64			 n = 0;
	GError			*err = NULL;

	if (store_query_new(st, NULL, folder, &q, &err) != STORE_OK ||
	    store_query_count(q, &n) != STORE_OK)
		fuzz_die(st, "cannot count the folder");
	store_query_free(q);
	return n;
}

/* Every message of the folder must be readable from its file. */
static void
fuzz_read_back(struct store *st, const char *folder)
{
	struct store_query	*q = NULL;
	GPtrArray		*msgs = NULL;
	GError			*err = NULL;
	guint			 i;

	if (store_query_new(st, NULL, folder, &q, &err) != STORE_OK ||
	    store_query_page(q, STORE_SORT_DATE_ASC, 0, 1000, &msgs) !=
	    STORE_OK)
		fuzz_die(st, "cannot list the folder");
	for (i = 0; i < msgs->len; i++) {
		struct store_msg *m = g_ptr_array_index(msgs, i);
		struct store_msg *again = NULL;

		if (m->path == NULL || !g_file_test(m->path,
		    G_FILE_TEST_IS_REGULAR))
			fuzz_die(st, "an indexed message has no file");
		if (store_msg_get(st, m->id, &again) != STORE_OK)
			fuzz_die(st, "an indexed message cannot be read");
		store_msg_free(again);
	}
	g_ptr_array_unref(msgs);
	store_query_free(q);
}

static void
fuzz_import(struct store *st, const char *what, const char *src,
    const char *folder)
{
	struct store_progress	 pr;
	enum store_status	 s;
	guint64			 n;

	s = store_import(st, src, folder, NULL, NULL, &pr);
	if (s != STORE_OK) {
		fprintf(stderr, "fuzz-import: %s: ", what);
		fuzz_die(st, "import failed");
	}
	n = fuzz_count(st, folder);
	if (n != pr.imported) {
		fprintf(stderr, "fuzz-import: %s: %" G_GUINT64_FORMAT
		    " imported, %" G_GUINT64_FORMAT " in the folder\n", what,
		    pr.imported, n);
		fuzz_die(st, "count mismatch");
	}
	if (store_check(st) != STORE_OK)
		fuzz_die(st, "index damaged after import");
	fuzz_read_back(st, folder);
	s = store_import(st, src, folder, NULL, NULL, &pr);
	if (s != STORE_OK || pr.imported != 0 || fuzz_count(st, folder) != n)
		fuzz_die(st, "second import of the same source added mail");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store *st;
	char	*sdir;
	char	*dir = fuzz_scratch_dir();
	char	*mbox = g_build_filename(dir, "in.mbox", NULL);
	char	*md = g_build_filename(dir, "md", NULL);
	char	*file = g_build_filename(md, "cur",
	    "1700000000.M1P2.other,S=12:2,FS", NULL);

	fuzz_write_file(mbox, data, size);
	fuzz_write_file(file, data, size);
	st = fuzz_store_new(&sdir);
	fuzz_import(st, "mbox", mbox, STORE_INBOX);
	fuzz_import(st, "maildir", md, "Imported");
	fuzz_store_done(st, sdir);
	(void)file_remove_tree(dir);
	g_free(file);
	g_free(md);
	g_free(mbox);
	g_free(dir);
	return 0;
}
