/*
 * fuzz-sidefiles.c: the store's side files and a damaged Maildir
 * (src/store/store-uidl.c, store-reindex.c, store.c at open).
 *
 * Input: sections, each starting with a line
 *
 *	%%tombstones		the file of locally deleted POP3 messages
 *	%%bounced		the file of bounced messages
 *	%%file PATH		a file at PATH under the store directory
 *	%%dir PATH		a directory
 *	%%link PATH		a symbolic link to a file outside the store
 *
 * followed by the content (up to the next %% line). PATH is relative to
 * the store (e.g. "INBOX/cur/1.2.host,A=acct,U=u1:2,S"); ".." and
 * absolute paths are dropped, and so is the index file itself (the index
 * is not what is fuzzed here). A fresh store is made, closed, damaged
 * with the sections, then opened (repairing what open repairs), reindexed
 * in full, reindexed again, and opened with its index thrown away and
 * reindexed a third time.
 *
 * Properties checked: open and reindex either succeed or fail with a
 * message; after a successful reindex the index passes store_check(); a
 * second reindex changes nothing (same count); the rebuilt index holds
 * the same number of messages and the same bounced messages; the
 * tombstoned UIDLs of account "acct" are known after every rebuild; a
 * file outside the store that a link points to is left as it was.
 */
#include "satchel-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "store/store.h"
#include "scratch.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_MAX_SECTIONS	64

static const char fuzz_outside[] =
    "From: outside@example.org\nSubject: outside the store\n\nsecret\n";

static void
fuzz_die(struct store *st, const char *what)
{
	fprintf(stderr, "fuzz-sidefiles: %s (%s)\n", what,
	    st != NULL ? store_errmsg(st) : "");
	abort();
}

/* A relative path inside the store, or NULL. */
static char *
fuzz_path(const char *dir, const char *rel)
{
	char	**parts;
	guint	 i;
	gboolean ok = TRUE;

	if (*rel == '\0' || *rel == '/' || strlen(rel) > 300)
		return NULL;
	parts = g_strsplit(rel, "/", 0);
	for (i = 0; parts[i] != NULL; i++)
		if (strcmp(parts[i], "..") == 0 || strcmp(parts[i], ".") == 0 ||
		    parts[i][0] == '\0')
			ok = FALSE;
	if (ok && g_str_has_prefix(rel, "index.sqlite"))
		ok = FALSE;
	g_strfreev(parts);
	return ok ? g_build_filename(dir, rel, NULL) : NULL;
}

static void
fuzz_damage(const char *sdir, const char *outside, const uint8_t *data,
    size_t size)
{
	const char	*p = (const char *)data, *end = p + size;
	guint		 n = 0;

	while (p < end && n < FUZZ_MAX_SECTIONS) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *body, *next;
		g_autofree char *head = NULL;
		g_autofree char *path = NULL;

		if (eol == NULL)
			eol = end;
		head = g_strndup(p, (gsize)(eol - p));
		body = eol < end ? eol + 1 : end;
		/* The section runs to the next line starting with %%. */
		for (next = body; next < end; ) {
			const char *nl;

			if (end - next >= 2 && next[0] == '%' && next[1] == '%')
				break;
			nl = memchr(next, '\n', (size_t)(end - next));
			next = nl != NULL ? nl + 1 : end;
		}
		p = next;
		n++;
		if (strcmp(head, "%%tombstones") == 0)
			path = g_build_filename(sdir, "uidl-deleted", NULL);
		else if (strcmp(head, "%%bounced") == 0)
			path = g_build_filename(sdir, "bounced", NULL);
		else if (g_str_has_prefix(head, "%%file "))
			path = fuzz_path(sdir, head + 7);
		else if (g_str_has_prefix(head, "%%dir ")) {
			g_autofree char *d = fuzz_path(sdir, head + 6);

			if (d != NULL)
				(void)g_mkdir_with_parents(d, 0700);
			continue;
		} else if (g_str_has_prefix(head, "%%link ")) {
			g_autofree char *l = fuzz_path(sdir, head + 7);
			g_autofree char *parent = NULL;

			if (l == NULL)
				continue;
			parent = g_path_get_dirname(l);
			(void)g_mkdir_with_parents(parent, 0700);
			(void)unlink(l);
			(void)symlink(outside, l);
			continue;
		}
		if (path == NULL)
			continue;
		if (g_file_test(path, G_FILE_TEST_IS_DIR))
			continue;	/* a directory there is damage too */
		{
			g_autofree char *parent = g_path_get_dirname(path);

			(void)g_mkdir_with_parents(parent, 0700);
			if (g_file_test(parent, G_FILE_TEST_IS_DIR))
				(void)g_file_set_contents(path, body,
				    (gssize)(next - body), NULL);
		}
	}
}

static guint64
fuzz_count(struct store *st, const char *folder)
{
	struct store_query	*q = NULL;
	guint64			 n = 0;
	GError			*err = NULL;

	if (store_query_new(st, NULL, folder, &q, &err) != STORE_OK ||
	    store_query_count(q, &n) != STORE_OK)
		fuzz_die(st, "cannot count messages");
	store_query_free(q);
	return n;
}

/* Paths (sorted, newline-joined) of the bounced messages, with reasons. */
static char *
fuzz_bounces(struct store *st)
{
	struct store_query	*q = NULL;
	GPtrArray		*msgs = NULL;
	GError			*err = NULL;
	GPtrArray		*lines = g_ptr_array_new_with_free_func(g_free);
	GString			*out = g_string_new(NULL);
	guint64			 off = 0;
	guint			 i;

	if (store_query_new(st, NULL, NULL, &q, &err) != STORE_OK)
		fuzz_die(st, "query");
	for (;;) {
		if (store_query_page(q, STORE_SORT_DATE_ASC, off, 500, &msgs) !=
		    STORE_OK)
			fuzz_die(st, "page");
		for (i = 0; i < msgs->len; i++) {
			struct store_msg *m = g_ptr_array_index(msgs, i);

			if ((m->flags & STORE_FLAG_BOUNCED) != 0)
				g_ptr_array_add(lines, g_strdup_printf("%s\t%s",
				    m->path, m->bounce_reason != NULL ?
				    m->bounce_reason : ""));
		}
		off += msgs->len;
		i = msgs->len;
		g_ptr_array_unref(msgs);
		if (i < 500)
			break;
	}
	store_query_free(q);
	g_ptr_array_sort(lines, (GCompareFunc)g_strcmp0);
	for (i = 0; i < lines->len; i++) {
		g_string_append(out, *(char **)&lines->pdata[i]);
		g_string_append_c(out, '\n');
	}
	g_ptr_array_unref(lines);
	return g_string_free(out, FALSE);
}

static guint
fuzz_tombstones_known(struct store *st)
{
	GHashTable	*known = NULL;
	GHashTableIter	 it;
	gpointer	 v;
	guint		 n = 0;

	if (store_uidl_known(st, "acct", &known) != STORE_OK)
		fuzz_die(st, "uidl known");
	g_hash_table_iter_init(&it, known);
	while (g_hash_table_iter_next(&it, NULL, &v))
		if (((struct store_uidl *)v)->deleted_locally)
			n++;
	g_hash_table_unref(known);
	return n;
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
	struct store_progress	 pr;
	struct store		*st;
	enum store_status	 s;
	g_autofree char		*sdir = NULL, *outside = NULL;
	g_autofree char		*b1 = NULL, *b2 = NULL, *back = NULL;
	char			*dir;
	guint64			 n1, n2, n3;
	guint			 t1, t3;

	st = fuzz_store_new(&dir);
	store_close(st);
	st = NULL;
	sdir = g_build_filename(dir, "store", NULL);
	outside = g_build_filename(dir, "outside.eml", NULL);
	fuzz_write_file(outside, fuzz_outside, strlen(fuzz_outside));
	fuzz_damage(sdir, outside, data, size);

	s = store_open(sdir, 0, &st);
	if (s != STORE_OK) {
		if (st == NULL || *store_errmsg(st) == '\0')
			fuzz_die(st, "open failed without a message");
		goto out;
	}
	s = store_reindex(st, TRUE, NULL, NULL, &pr);
	if (s != STORE_OK) {
		if (*store_errmsg(st) == '\0')
			fuzz_die(st, "reindex failed without a message");
		goto out;
	}
	if (store_check(st) != STORE_OK)
		fuzz_die(st, "index damaged after reindex");
	n1 = fuzz_count(st, NULL);
	b1 = fuzz_bounces(st);
	t1 = fuzz_tombstones_known(st);
	if (store_reindex(st, TRUE, NULL, NULL, &pr) != STORE_OK)
		fuzz_die(st, "second reindex failed");
	n2 = fuzz_count(st, NULL);
	b2 = fuzz_bounces(st);
	if (n1 != n2 || strcmp(b1, b2) != 0)
		fuzz_die(st, "a second reindex changed the index");
	store_close(st);
	st = NULL;

	/* Throw the index away and build it from the Maildir alone. */
	if (store_open(sdir, STORE_OPEN_RESET, &st) != STORE_OK ||
	    store_reindex(st, TRUE, NULL, NULL, &pr) != STORE_OK)
		fuzz_die(st, "rebuilding the index failed");
	if (store_check(st) != STORE_OK)
		fuzz_die(st, "rebuilt index damaged");
	n3 = fuzz_count(st, NULL);
	t3 = fuzz_tombstones_known(st);
	back = fuzz_bounces(st);
	if (n3 != n1) {
		fprintf(stderr, "fuzz-sidefiles: %" G_GUINT64_FORMAT
		    " messages, %" G_GUINT64_FORMAT " after a rebuild\n", n1,
		    n3);
		fuzz_die(st, "a rebuild changed the number of messages");
	}
	if (strcmp(back, b1) != 0) {
		fprintf(stderr, "fuzz-sidefiles: bounced before:\n%s"
		    "after a rebuild:\n%s", b1, back);
		fuzz_die(st, "a rebuild changed the bounced messages");
	}
	if (t3 != t1)
		fuzz_die(st, "a rebuild changed the tombstones");
out:
	{
		g_autofree char *again = NULL;
		size_t len = 0;

		again = file_read_all(outside, &len);
		if (again == NULL || len != strlen(fuzz_outside) ||
		    memcmp(again, fuzz_outside, len) != 0)
			fuzz_die(st, "a file outside the store was changed");
	}
	fuzz_store_done(st, dir);
	return 0;
}
