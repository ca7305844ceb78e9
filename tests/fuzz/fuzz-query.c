/*
 * fuzz-query.c: the search query parser (src/store/store-query.c) and the
 * SQL and FTS5 expressions it builds.
 *
 * Input: a query as a user would type it. A small store with a few
 * messages is opened once in a private temporary directory. Each run
 * parses the query; a query that parses must also run: counting and
 * reading a page must succeed (an SQL or FTS5 syntax error there means the
 * parser let something through unquoted), and a query that does not parse
 * must say why. Thread listing runs the same query.
 */
#include "satchel-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mime/mime.h"
#include "store/store.h"
#include "util/util.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct store	*fuzz_store;
static char		*fuzz_dir;

static const char *fuzz_msgs[] = {
	"From: Grace Hopper <grace@example.org>\n"
	"To: Ada <ada@example.org>\n"
	"Subject: lunch on friday\n"
	"Date: Fri, 5 Jan 2024 12:00:00 +0000\n"
	"Message-ID: <q1@example.org>\n\n"
	"Shall we have lunch? \"quoted\" words AND OR NOT near*\n",
	"From: Ada <ada@example.org>\n"
	"To: Grace Hopper <grace@example.org>\n"
	"Subject: Re: lunch on friday\n"
	"Date: Fri, 5 Jan 2024 13:00:00 +0000\n"
	"Message-ID: <q2@example.org>\n"
	"In-Reply-To: <q1@example.org>\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/mixed; boundary=b\n\n"
	"--b\nContent-Type: text/plain\n\nYes. Caf\xc3\xa9 at noon.\n"
	"--b\nContent-Type: application/pdf\n"
	"Content-Disposition: attachment; filename=menu.pdf\n\nPDF\n--b--\n",
	"From: list@example.net\n"
	"Subject: [list] weekly digest\n"
	"Date: Mon, 1 Jan 2024 00:00:00 +0000\n"
	"List-Id: <list.example.net>\n\n"
	"digest body\n",
};

static void
fuzz_cleanup(void)
{
	store_close(fuzz_store);
	fuzz_store = NULL;
	if (fuzz_dir != NULL)
		file_remove_tree(fuzz_dir);
}

static void
fuzz_die(const char *what, const char *q, GError *err)
{
	fprintf(stderr, "fuzz-query: %s (query of %zu bytes)%s%s\n", what,
	    strlen(q), err != NULL ? ": " : "",
	    err != NULL ? err->message : "");
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	GError		*err = NULL;
	enum store_status st;
	size_t		 i;

	log_set_level(LOG_LEVEL_ERROR);
	mime_init();
	fuzz_dir = g_dir_make_tmp("satchel-fuzz-query-XXXXXX", &err);
	if (fuzz_dir == NULL) {
		fprintf(stderr, "fuzz-query: %s\n", err->message);
		exit(1);
	}
	atexit(fuzz_cleanup);
	st = store_open(fuzz_dir, STORE_OPEN_CREATE, &fuzz_store);
	if (st != STORE_OK) {
		fprintf(stderr, "fuzz-query: store_open: %s\n",
		    fuzz_store != NULL ? store_errmsg(fuzz_store) :
		    store_strerror(st));
		exit(1);
	}
	for (i = 0; i < G_N_ELEMENTS(fuzz_msgs); i++) {
		st = store_deliver(fuzz_store, STORE_INBOX, fuzz_msgs[i],
		    strlen(fuzz_msgs[i]), NULL, i == 0 ? STORE_FLAG_SEEN : 0,
		    NULL);
		if (st != STORE_OK) {
			fprintf(stderr, "fuzz-query: deliver: %s\n",
			    store_errmsg(fuzz_store));
			exit(1);
		}
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store_query	*q = NULL;
	GPtrArray		*page = NULL;
	GError			*err = NULL;
	enum store_status	 st;
	guint64			 count = 0, tcount = 0;
	char			*query;

	/* Queries come from a command line or a prompt: C strings. */
	query = g_strndup((const char *)data, size);
	st = store_query_new(fuzz_store, query, NULL, &q, &err);
	if (st == STORE_OK) {
		if (q == NULL || err != NULL)
			fuzz_die("OK without a query", query, err);
		st = store_query_count(q, &count);
		if (st != STORE_OK)
			fuzz_die("a parsed query does not count", query,
			    NULL);
		st = store_query_page(q, STORE_SORT_DATE_DESC, 0, 10, &page);
		if (st != STORE_OK)
			fuzz_die("a parsed query does not page", query, NULL);
		if (page == NULL || page->len > 10 || page->len > count)
			fuzz_die("page of the wrong size", query, NULL);
		g_ptr_array_unref(page);
		store_query_free(q);
		st = store_threads_count(fuzz_store, NULL, query, &tcount,
		    &err);
		if (st != STORE_OK)
			fuzz_die("a parsed query does not count threads",
			    query, err);
	} else {
		if (st != STORE_ERR_QUERY)
			fuzz_die("parse failed with a status other than "
			    "STORE_ERR_QUERY", query, err);
		if (err == NULL || err->message == NULL ||
		    !g_utf8_validate(err->message, -1, NULL))
			fuzz_die("a syntax error without a readable message",
			    query, NULL);
		if (q != NULL)
			fuzz_die("query set on failure", query, NULL);
		g_clear_error(&err);
	}
	g_free(query);
	return 0;
}
