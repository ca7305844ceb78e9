/*
 * fuzz-dsn.c: delivery status notifications, from parsing (what the index
 * keeps of a DSN, src/mime/mime.c) to matching them against the queue
 * (outbox_match_bounces, src/smtp/outbox-bounce.c, and
 * src/store/store-queue.c), with a real store in a temporary directory.
 *
 * Input: one message, as a fetch would deliver it to INBOX. Before it, the
 * store holds two sent messages: <queued-1@example.org>, sent through the
 * queue with ENVID "env-1", and <queued-2@example.org>, in Sent without a
 * queue row (imported).
 *
 * Properties checked: matching succeeds whatever the DSN says; a second
 * run matches nothing new; a bounced message carries a reason that is
 * valid UTF-8 and not empty; the queue row's bounce text is valid UTF-8;
 * and after the index is thrown away and rebuilt (reindex), each sent
 * message is bounced exactly when it was before, with the same reason.
 */
#include "satchel-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "store/store.h"
#include "store/store-queue.h"
#include "smtp/outbox.h"
#include "scratch.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char fuzz_sent1[] =
    "From: Ada <ada@example.org>\r\n"
    "To: Bob <bob@example.net>\r\n"
    "Subject: queued one\r\n"
    "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
    "Message-ID: <queued-1@example.org>\r\n\r\nbody one\r\n";
static const char fuzz_sent2[] =
    "From: Ada <ada@example.org>\r\n"
    "To: Carol <carol@example.net>\r\n"
    "Subject: imported two\r\n"
    "Date: Mon, 1 Jan 2024 11:00:00 +0000\r\n"
    "Message-ID: <queued-2@example.org>\r\n\r\nbody two\r\n";

static void
fuzz_die(struct store *st, const char *what)
{
	fprintf(stderr, "fuzz-dsn: %s (%s)\n", what,
	    st != NULL ? store_errmsg(st) : "");
	abort();
}

/*
 * Bounce state of the message in Sent with this Message-ID (reason
 * g_free); the DSN in INBOX may carry the same Message-ID.
 */
static gboolean
fuzz_bounced(struct store *st, const char *msgid, char **reason)
{
	struct store_query	*q = NULL;
	struct store_msg	*m = NULL;
	GPtrArray		*msgs = NULL;
	GError			*err = NULL;
	gboolean		 b;
	guint			 i;

	*reason = NULL;
	if (store_query_new(st, NULL, STORE_SENT, &q, &err) != STORE_OK ||
	    store_query_page(q, STORE_SORT_DATE_ASC, 0, 10, &msgs) != STORE_OK)
		fuzz_die(st, "cannot list Sent");
	for (i = 0; i < msgs->len && m == NULL; i++) {
		struct store_msg *x = g_ptr_array_index(msgs, i);

		if (g_strcmp0(x->message_id, msgid) == 0)
			m = x;
	}
	if (m == NULL)
		fuzz_die(st, "a sent message is gone");
	b = (m->flags & STORE_FLAG_BOUNCED) != 0;
	if (b) {
		if (m->bounce_reason == NULL || *m->bounce_reason == '\0' ||
		    !g_utf8_validate(m->bounce_reason, -1, NULL))
			fuzz_die(st, "bounced without a readable reason");
		*reason = g_strdup(m->bounce_reason);
	}
	g_ptr_array_unref(msgs);
	store_query_free(q);
	return b;
}

static void
fuzz_setup(struct store *st)
{
	struct store_queue_row	 row;
	int64_t			 id = 0, qid = 0;
	GPtrArray		*rcpts = g_ptr_array_new();

	if (store_deliver(st, STORE_SENT, fuzz_sent1, strlen(fuzz_sent1),
	    NULL, STORE_FLAG_SEEN, &id) != STORE_OK)
		fuzz_die(st, "deliver sent 1");
	memset(&row, 0, sizeof(row));
	g_ptr_array_add(rcpts, (gpointer)"bob@example.net");
	row.msg_id = id;
	row.account = (char *)"acct";
	row.from = (char *)"ada@example.org";
	row.recipients = rcpts;
	row.message_id = (char *)"queued-1@example.org";
	row.envid = (char *)"env-1";
	row.subject = (char *)"queued one";
	row.state = STORE_QUEUE_SENT;
	row.created = 1704103200;
	row.sent_at = 1704103200;
	if (store_queue_insert(st, &row, &qid) != STORE_OK)
		fuzz_die(st, "queue insert");
	g_ptr_array_unref(rcpts);
	if (store_deliver(st, STORE_SENT, fuzz_sent2, strlen(fuzz_sent2),
	    NULL, STORE_FLAG_SEEN, NULL) != STORE_OK)
		fuzz_die(st, "deliver sent 2");
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
	static const char *const ids[] = { "queued-1@example.org",
	    "queued-2@example.org" };
	struct store_progress	 pr;
	struct store		*st;
	GPtrArray		*rows = NULL;
	GError			*err = NULL;
	char			*dir, *sdir, *reason[2];
	gboolean		 bounced[2];
	guint			 matched = 0, i;

	st = fuzz_store_new(&dir);
	fuzz_setup(st);
	if (store_deliver(st, STORE_INBOX, data, size, NULL, 0, NULL) !=
	    STORE_OK)
		fuzz_die(st, "delivering the DSN failed");
	if (outbox_match_bounces(st, &matched, &err) != OUTBOX_OK) {
		fprintf(stderr, "fuzz-dsn: %s\n", err->message);
		fuzz_die(st, "matching failed");
	}
	if (getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "fuzz-dsn: %u matched\n", matched);
	if (matched > 2)
		fuzz_die(st, "one DSN matched more than the sent messages");
	if (outbox_match_bounces(st, &matched, &err) != OUTBOX_OK ||
	    matched != 0)
		fuzz_die(st, "a second run matched again");
	if (store_queue_list(st, STORE_QUEUE_LIST_SENT, 0, &rows) != STORE_OK)
		fuzz_die(st, "queue list");
	for (i = 0; i < rows->len; i++) {
		struct store_queue_row *r = g_ptr_array_index(rows, i);

		if (r->bounce != NULL && !g_utf8_validate(r->bounce, -1,
		    NULL))
			fuzz_die(st, "queue bounce text is not UTF-8");
	}
	g_ptr_array_unref(rows);
	for (i = 0; i < 2; i++)
		bounced[i] = fuzz_bounced(st, ids[i], &reason[i]);

	/* Throw the index away: the bounce marks must come back. */
	store_close(st);
	st = NULL;
	sdir = g_build_filename(dir, "store", NULL);
	if (store_open(sdir, STORE_OPEN_RESET, &st) != STORE_OK ||
	    store_reindex(st, TRUE, NULL, NULL, &pr) != STORE_OK)
		fuzz_die(st, "reindex failed");
	g_free(sdir);
	for (i = 0; i < 2; i++) {
		g_autofree char	*r = NULL;
		gboolean	 b = fuzz_bounced(st, ids[i], &r);

		if (b != bounced[i] || (b && strcmp(r, reason[i]) != 0)) {
			fprintf(stderr, "fuzz-dsn: %s: bounced %d \"%s\","
			    " after reindex %d \"%s\"\n", ids[i], bounced[i],
			    reason[i] != NULL ? reason[i] : "", b,
			    r != NULL ? r : "");
			fuzz_die(st, "reindex lost or changed a bounce");
		}
		g_free(reason[i]);
	}
	fuzz_store_done(st, dir);
	return 0;
}
