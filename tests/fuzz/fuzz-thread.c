/*
 * fuzz-thread.c: conversations built from hostile Message-ID, References
 * and In-Reply-To (src/store/store-item.c assigns threads at indexing,
 * src/store/store-thread.c pages them and walks a thread's tree).
 *
 * Input: messages separated by lines "%%". A line
 *
 *	X-Fuzz-Refs: N PREFIX
 *
 * in a message's header is replaced by a References: field of N ids
 * <PREFIX-0@fuzz> ... <PREFIX-(N-1)@fuzz> (N at most 10000), so that long
 * chains, loops and self-references ("Message-ID: <a-3@fuzz>" with
 * "X-Fuzz-Refs: 9 a") cost a few bytes. The messages are delivered to a
 * fresh store in one batch.
 *
 * Properties checked, after the delivery, after deleting the first message
 * and after a full reindex: every thread listing terminates; every message
 * is in exactly one thread, appears once in that thread's tree, and the
 * thread counts add up to the number of messages; depths are sane.
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

#define FUZZ_MAX_MSGS	64
#define FUZZ_MAX_REFS	10000

static void
fuzz_die(struct store *st, const char *what)
{
	fprintf(stderr, "fuzz-thread: %s (%s)\n", what,
	    st != NULL ? store_errmsg(st) : "");
	abort();
}

/* The message with its X-Fuzz-Refs lines expanded. */
static GString *
fuzz_expand(GBytes *piece)
{
	gsize		 len;
	const char	*p = g_bytes_get_data(piece, &len);
	const char	*end, *eol;
	GString		*out = g_string_sized_new(len);
	gboolean	 header = TRUE;

	if (p == NULL)
		p = "";		/* an empty piece */
	end = p + len;
	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		eol = eol != NULL ? eol + 1 : end;
		if (header && (eol - p == 1 || (eol - p == 2 && *p == '\r')))
			header = FALSE;
		if (header && eol - p > 12 &&
		    g_ascii_strncasecmp(p, "X-Fuzz-Refs:", 12) == 0) {
			g_autofree char *line = g_strndup(p + 12,
			    (gsize)(eol - p - 12));
			char	*prefix = NULL;
			guint64	 n = g_ascii_strtoull(line, &prefix, 10), i;

			n = MIN(n, FUZZ_MAX_REFS);
			g_strstrip(prefix);
			g_string_append(out, "References:");
			for (i = 0; i < n; i++)
				g_string_append_printf(out, " <%s-%" G_GUINT64_FORMAT
				    "@fuzz>", prefix, i);
			g_string_append_c(out, '\n');
		} else
			g_string_append_len(out, p, eol - p);
		p = eol;
	}
	return out;
}

static guint64
fuzz_count(struct store *st)
{
	struct store_query	*q = NULL;
	guint64			 n = 0;
	GError			*err = NULL;

	if (store_query_new(st, NULL, NULL, &q, &err) != STORE_OK ||
	    store_query_count(q, &n) != STORE_OK)
		fuzz_die(st, "cannot count messages");
	store_query_free(q);
	return n;
}

/* Every message in exactly one thread, once. */
static void
fuzz_check(struct store *st, const char *when)
{
	g_autoptr(GHashTable)	 seen = g_hash_table_new_full(g_int64_hash,
	    g_int64_equal, g_free, NULL);
	GPtrArray		*threads = NULL;
	GError			*err = NULL;
	guint64			 total = fuzz_count(st), nthreads = 0, sum = 0;
	guint			 i, j;

	if (store_threads_count(st, NULL, NULL, &nthreads, &err) != STORE_OK)
		fuzz_die(st, "cannot count threads");
	if (store_threads_page(st, NULL, NULL, 0, FUZZ_MAX_MSGS * 2 + 8,
	    &threads, &err) != STORE_OK)
		fuzz_die(st, "cannot list threads");
	if (getenv("FUZZ_VERBOSE") != NULL) {
		fprintf(stderr, "fuzz-thread: %s: %" G_GUINT64_FORMAT
		    " messages, %u threads:", when, total, threads->len);
		for (i = 0; i < threads->len; i++)
			fprintf(stderr, " %" G_GINT64_FORMAT "(%u)",
			    ((struct store_thread *)threads->pdata[i])->id,
			    ((struct store_thread *)threads->pdata[i])->count);
		fprintf(stderr, "\n");
	}
	if (threads->len != nthreads) {
		fprintf(stderr, "fuzz-thread: %s: %u threads listed, %"
		    G_GUINT64_FORMAT " counted\n", when, threads->len,
		    nthreads);
		fuzz_die(st, "thread count differs from the listing");
	}
	for (i = 0; i < threads->len; i++) {
		struct store_thread	*t = g_ptr_array_index(threads, i);
		GPtrArray		*msgs = NULL;

		if (store_thread_messages(st, t->id, &msgs) != STORE_OK)
			fuzz_die(st, "cannot list a thread");
		if (msgs->len != t->count) {
			fprintf(stderr, "fuzz-thread: %s: thread %" G_GINT64_FORMAT
			    " says %u messages, has %u\n", when, t->id,
			    t->count, msgs->len);
			fuzz_die(st, "thread count differs from its tree");
		}
		if (msgs->len == 0)
			fuzz_die(st, "an empty thread is listed");
		for (j = 0; j < msgs->len; j++) {
			struct store_msg *m = g_ptr_array_index(msgs, j);
			int64_t *k = g_new(int64_t, 1);

			if (m->thread_id != t->id)
				fuzz_die(st, "a message in another thread's tree");
			if (m->depth < 0 || (j == 0 && m->depth != 0) ||
			    (j > 0 && m->depth > ((struct store_msg *)
			    g_ptr_array_index(msgs, j - 1))->depth + 1))
				fuzz_die(st, "impossible depth in a tree");
			*k = m->id;
			if (!g_hash_table_add(seen, k)) {
				fprintf(stderr, "fuzz-thread: %s: message %"
				    G_GINT64_FORMAT " twice\n", when, m->id);
				fuzz_die(st, "a message is in two threads");
			}
		}
		sum += msgs->len;
		g_ptr_array_unref(msgs);
	}
	g_ptr_array_unref(threads);
	if (sum != total) {
		fprintf(stderr, "fuzz-thread: %s: %" G_GUINT64_FORMAT
		    " messages in threads, %" G_GUINT64_FORMAT " stored\n", when,
		    sum, total);
		fuzz_die(st, "a message is in no thread");
	}
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
	GPtrArray		*pieces = fuzz_split(data, size, "%%",
	    FUZZ_MAX_MSGS);
	struct store_progress	 pr;
	struct store		*st;
	enum store_status	 s;
	int64_t			 first = 0;
	char			*dir;
	guint			 i;

	st = fuzz_store_new(&dir);
	if (store_begin(st) != STORE_OK)
		fuzz_die(st, "begin");
	for (i = 0; i < pieces->len; i++) {
		GString	*m = fuzz_expand(g_ptr_array_index(pieces, i));
		int64_t	 id = 0;

		s = store_deliver(st, STORE_INBOX, m->str, m->len, NULL, 0,
		    &id);
		if (s != STORE_OK)
			fuzz_die(st, "delivery failed");
		if (first == 0)
			first = id;
		g_string_free(m, TRUE);
	}
	if (store_commit(st) != STORE_OK)
		fuzz_die(st, "commit");
	fuzz_check(st, "delivered");
	if (first != 0 && pieces->len > 1) {
		if (store_msg_delete(st, first) != STORE_OK)
			fuzz_die(st, "delete");
		fuzz_check(st, "after a delete");
	}
	if (store_reindex(st, TRUE, NULL, NULL, &pr) != STORE_OK)
		fuzz_die(st, "reindex");
	fuzz_check(st, "reindexed");
	fuzz_store_done(st, dir);
	g_ptr_array_unref(pieces);
	return 0;
}
