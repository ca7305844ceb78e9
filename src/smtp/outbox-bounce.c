/*
 * outbox-bounce.c: bounce matching (layer smtp): delivery status
 * notifications the fetch indexed (RFC 3464) are matched, recipient by
 * recipient, to the queue entries and Sent messages they are about, by
 * ENVID or original Message-ID; a failure marks both "bounced" with the
 * reason. A watermark (a queue mark) keeps each DSN to one look.
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "mime/mime.h"
#include "store/store.h"
#include "store/store-queue.h"
#include "smtp/outbox-private.h"

#define OUTBOX_DSN_WATERMARK	"dsn_watermark"

static gboolean	 outbox_same_addr(const char *, const char *, size_t);
static int	 outbox_bounce_score(const struct store_queue_row *,
		    const char *);
static char	*outbox_bounce_join(const char *, const char *);
static GPtrArray *outbox_dsn_rcpts(struct store *,
		    const struct store_queue_dsn *);
static enum outbox_status outbox_bounce_one(struct store *,
		    const struct store_queue_dsn *,
		    const struct mime_dsn_rcpt *, gboolean *, GError **);

/*
 * Bounces.
 */

/* "<Bob@Example.org>" and "bob@example.org" are one address. */
static gboolean
outbox_same_addr(const char *a, const char *b, size_t blen)
{
	size_t alen;

	if (a == NULL || b == NULL)
		return FALSE;
	if (*a == '<')
		a++;
	alen = strcspn(a, ">");
	if (blen > 0 && *b == '<') {
		b++;
		blen--;
	}
	if (blen > 0 && b[blen - 1] == '>')
		blen--;
	return alen == blen && g_ascii_strncasecmp(a, b, alen) == 0;
}

/* Did row go to rcpt; did our server refuse rcpt then ("addr: code")? */
static int
outbox_bounce_score(const struct store_queue_row *row, const char *rcpt)
{
	const char	*p, *colon;
	int		 score = 0;
	guint		 i;

	for (i = 0; rcpt != NULL && row->recipients != NULL &&
	    i < row->recipients->len; i++) {
		const char *r = g_ptr_array_index(row->recipients, i);

		if (outbox_same_addr(rcpt, r, strlen(r)))
			score = 4;
	}
	if (score > 0) {
		score += 2;
		for (p = row->refused; p != NULL && *p != '\0'; ) {
			if ((colon = strchr(p, ':')) != NULL &&
			    outbox_same_addr(rcpt, p, colon - p))
				score -= 2;
			if ((p = strchr(p, '\n')) != NULL)
				p++;
		}
	}
	if (row->state == STORE_QUEUE_SENT)
		score += 1;
	return score;
}

/* reason added to text (a line each) unless it is there already. */
static char *
outbox_bounce_join(const char *text, const char *reason)
{
	if (text == NULL || *text == '\0')
		return g_strdup(reason);
	if (strstr(text, reason) != NULL)
		return g_strdup(text);
	return g_strconcat(text, "\n", reason, NULL);
}

/*
 * The per-recipient blocks of a DSN, read again from its file (the index
 * row keeps one); the index row's fields when the file cannot be read.
 */
static GPtrArray *
outbox_dsn_rcpts(struct store *st, const struct store_queue_dsn *d)
{
	struct store_msg	*m = NULL;
	struct mime_summary	*sum = NULL;
	struct mime_dsn_rcpt	*r;
	GMimeMessage		*msg = NULL;
	GPtrArray		*out = NULL;

	if (store_msg_get(st, d->msg_id, &m) == STORE_OK && m->path != NULL &&
	    (msg = mime_message_from_file(m->path)) != NULL) {
		sum = mime_summarize(msg);
		if (sum->dsn_rcpts != NULL && sum->dsn_rcpts->len > 0)
			out = g_ptr_array_ref(sum->dsn_rcpts);
		mime_summary_free(sum);
		g_object_unref(msg);
	}
	store_msg_free(m);
	if (out != NULL)
		return out;
	out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)mime_dsn_rcpt_free);
	r = g_new0(struct mime_dsn_rcpt, 1);
	r->recipient = g_strdup(d->recipient);
	r->action = g_strdup(d->action);
	r->status = g_strdup(d->status);
	r->diagnostic = g_strdup(d->diagnostic);
	g_ptr_array_add(out, r);
	return out;
}

/*
 * One failed recipient of a DSN: its reason goes to the queue entry that
 * was sent to that recipient (a 4xx recipient's retry entry shares the
 * ENVID and Message-ID with the first one), and to its Sent message.
 * *hit is set when a message was marked.
 */
static enum outbox_status
outbox_bounce_one(struct store *st, const struct store_queue_dsn *d,
    const struct mime_dsn_rcpt *r, gboolean *hit, GError **err)
{
	g_autoptr(GPtrArray)	 rows = NULL;
	g_autofree char		*reason = NULL, *text = NULL;
	struct store_queue_row	*row = NULL;
	struct store_msg	*sent = NULL;
	enum store_status	 s;
	int64_t			 target = 0;
	int			 best = -1, sc;
	guint			 i;

	*hit = FALSE;
	reason = g_strdup_printf("%s%s%s%s%s",
	    r->recipient != NULL ? r->recipient : "",
	    r->recipient != NULL ? ": " : "",
	    r->status != NULL ? r->status : "",
	    r->status != NULL && r->diagnostic != NULL ? " " : "",
	    r->diagnostic != NULL ? r->diagnostic : "");
	if (*reason == '\0') {
		g_free(reason);
		reason = g_strdup(_("delivery failed"));
	}
	if ((s = store_queue_find_all(st, d->envid, d->original_message_id,
	    &rows)) != STORE_OK)
		return outbox_store_error(st, s, err);
	/* Newest first: the newest of equally good entries wins. */
	for (i = 0; i < rows->len; i++) {
		struct store_queue_row *q = g_ptr_array_index(rows, i);

		if ((sc = outbox_bounce_score(q, r->recipient)) > best) {
			best = sc;
			row = q;
		}
	}
	if (row != NULL) {
		text = outbox_bounce_join(row->bounce, reason);
		if (row->bounce == NULL || strcmp(text, row->bounce) != 0) {
			g_free(row->bounce);
			row->bounce = g_strdup(text);
			if ((s = store_queue_update(st, row)) != STORE_OK)
				return outbox_store_error(st, s, err);
		}
		target = row->msg_id;
	} else if (d->original_message_id != NULL &&
	    store_msg_by_message_id(st, d->original_message_id, &sent) ==
	    STORE_OK) {
		/* Sent before this queue knew it (e.g. imported). */
		if (sent->folder != NULL &&
		    strcmp(sent->folder, STORE_SENT) == 0) {
			target = sent->id;
			text = outbox_bounce_join(sent->bounce_reason, reason);
		}
		store_msg_free(sent);
	}
	if (target == 0)
		return OUTBOX_OK;
	if ((s = store_msg_set_bounce(st, target, text)) != STORE_OK &&
	    s != STORE_ERR_NOTFOUND)
		return outbox_store_error(st, s, err);
	*hit = TRUE;
	return OUTBOX_OK;
}

enum outbox_status
outbox_match_bounces(struct store *st, guint *matched, GError **err)
{
	g_autoptr(GPtrArray)	 dsns = NULL;
	enum outbox_status	 os;
	enum store_status	 s;
	int64_t			 after = 0, last = 0;
	guint			 i, j, n = 0;
	gboolean		 hit, any;

	if (matched != NULL)
		*matched = 0;
	if ((s = store_queue_mark_get(st, OUTBOX_DSN_WATERMARK, &after)) !=
	    STORE_OK)
		return outbox_store_error(st, s, err);
	if ((s = store_queue_dsn_since(st, after, &dsns, &last)) != STORE_OK)
		return outbox_store_error(st, s, err);
	for (i = 0; i < dsns->len; i++) {
		struct store_queue_dsn	*d = g_ptr_array_index(dsns, i);
		g_autoptr(GPtrArray)	 rcpts = outbox_dsn_rcpts(st, d);

		any = FALSE;
		for (j = 0; j < rcpts->len; j++) {
			const struct mime_dsn_rcpt *r = g_ptr_array_index(
			    rcpts, j);

			/* Only failures bounce; "delayed" and "delivered" inform. */
			if (r->action != NULL && g_ascii_strcasecmp(r->action,
			    "failed") != 0)
				continue;
			if (r->action == NULL && (r->status == NULL ||
			    r->status[0] != '5'))
				continue;
			if ((os = outbox_bounce_one(st, d, r, &hit, err)) !=
			    OUTBOX_OK)
				return os;
			any |= hit;
		}
		if (any)
			n++;
	}
	if ((s = store_queue_mark_set(st, OUTBOX_DSN_WATERMARK, last)) !=
	    STORE_OK)
		return outbox_store_error(st, s, err);
	if (matched != NULL)
		*matched = n;
	return OUTBOX_OK;
}
