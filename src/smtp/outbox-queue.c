/*
 * outbox-queue.c: the queue side of the outbox (layer smtp): queueing a
 * message (file and row in one batch) and drafts, listing and counting
 * entries, what they wait for, the user's state changes (retry, hold,
 * release, delete, resend, mark sent) and the rows rebuilt after a
 * reindex. No network.
 */
#include "satchel-config.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "util/util.h"
#include "config/config.h"
#include "mime/mime.h"
#include "mime/compose.h"
#include "store/store.h"
#include "store/store-queue.h"
#include "smtp/outbox-private.h"

static struct outbox_entry *outbox_entry_take(struct store_queue_row *,
		    gboolean);
static char	*outbox_row_waits(const struct store_queue_row *, int64_t);
static gboolean	 outbox_sender_running(struct store *);
static char	*outbox_envid(const char *);
static enum outbox_status outbox_change(struct store *, int64_t, unsigned,
		    enum store_queue_state, gboolean, GError **);
static enum outbox_status outbox_queue_common(struct store *,
		    const struct account *, GMimeMessage *, GPtrArray *,
		    int64_t, GBytes *, const char *, int64_t *, GError **);
static char	*outbox_clock(int64_t, int64_t);

/* An entry owning r's members (r itself is freed). */
static struct outbox_entry *
outbox_entry_take(struct store_queue_row *r, gboolean sender_running)
{
	struct outbox_entry	*e;

	e = g_new0(struct outbox_entry, 1);
	e->row = *r;
	g_free(r);
	e->maybe_sent = e->row.state == STORE_QUEUE_SENDING &&
	    !sender_running;
	return e;
}

/* TRUE when some handle (this process or another) holds the send lock. */
static gboolean
outbox_sender_running(struct store *st)
{
	if (store_lock(st, OUTBOX_LOCK) != STORE_OK)
		return TRUE;
	store_unlock(st, OUTBOX_LOCK);
	return FALSE;
}

/* ENVID: derived from the Message-ID so a rebuilt queue matches bounces. */
static char *
outbox_envid(const char *message_id)
{
	g_autofree char	*sum = NULL;
	char		*id;

	if (message_id == NULL || *message_id == '\0') {
		g_autofree char *r = g_strdup_printf("%" G_GINT64_FORMAT ".%u",
		    g_get_real_time(), g_random_int());

		sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, r, -1);
	} else
		sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256,
		    message_id, -1);
	id = g_strndup(sum, 32);
	return id;
}

/*
 * Queueing and drafts.
 */

enum outbox_status
outbox_queue(struct store *st, const struct account *acc, GMimeMessage *msg,
    int64_t draft_id, int64_t *queue_id, GError **err)
{
	return outbox_queue_common(st, acc, msg, NULL, draft_id, NULL, NULL,
	    queue_id, err);
}

enum outbox_status
outbox_queue_to(struct store *st, const struct account *acc,
    GMimeMessage *msg, GPtrArray *rcpts, int64_t *queue_id, GError **err)
{
	return outbox_queue_common(st, acc, msg, rcpts, 0, NULL, NULL, queue_id,
	    err);
}

enum outbox_status
outbox_queue_resent(struct store *st, const struct account *acc,
    GBytes *data, GPtrArray *rcpts, const char *resent_id, int64_t *queue_id,
    GError **err)
{
	g_autoptr(GMimeMessage)	msg = NULL;

	msg = mime_message_from_data(g_bytes_get_data(data, NULL),
	    g_bytes_get_size(data));
	if (msg == NULL || rcpts == NULL) {
		g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_INVALID, "%s",
		    _("the message cannot be read"));
		return OUTBOX_ERR_INVALID;
	}
	return outbox_queue_common(st, acc, msg, rcpts, 0, data, resent_id,
	    queue_id, err);
}

static enum outbox_status
outbox_queue_common(struct store *st, const struct account *acc,
    GMimeMessage *msg, GPtrArray *given, int64_t draft_id, GBytes *raw,
    const char *raw_id, int64_t *queue_id, GError **err)
{
	g_autoptr(GPtrArray)	 rcpts = NULL;
	g_autofree char		*envid = NULL;
	GBytes			*bytes = NULL;
	struct store_queue_row	 row;
	enum store_status	 s;
	int64_t			 msg_id = 0, qid = 0;
	const char		*data;
	gsize			 len;
	guint			 i;

	if (acc == NULL || !compose_addr_is_safe(acc->from_addr)) {
		g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_ACCOUNT,
		    _("the account has no usable sender address"));
		return OUTBOX_ERR_ACCOUNT;
	}
	if (given != NULL) {
		rcpts = g_ptr_array_new_with_free_func(g_free);
		for (i = 0; i < given->len; i++)
			g_ptr_array_add(rcpts,
			    g_strdup(g_ptr_array_index(given, i)));
	} else
		rcpts = compose_recipients(msg);
	if (rcpts->len == 0) {
		g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_INVALID,
		    _("the message has no recipient"));
		return OUTBOX_ERR_INVALID;
	}
	for (i = 0; i < rcpts->len; i++) {
		if (!compose_addr_is_safe(g_ptr_array_index(rcpts, i))) {
			g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_INVALID,
			    _("bad recipient address \"%s\""),
			    (const char *)g_ptr_array_index(rcpts, i));
			return OUTBOX_ERR_INVALID;
		}
	}
	/* A resent message goes as it is, known by its Resent-Message-ID. */
	bytes = raw != NULL ? g_bytes_ref(raw) : compose_to_bytes(msg, TRUE);
	data = g_bytes_get_data(bytes, &len);
	envid = outbox_envid(raw_id != NULL ? raw_id :
	    g_mime_message_get_message_id(msg));

	memset(&row, 0, sizeof row);
	row.account = acc->name;
	row.from = acc->from_addr;
	if (raw == NULL) {
		/* Sent as one of the account's alternates: bounces go there. */
		InternetAddressList *fl = g_mime_message_get_from(msg);
		InternetAddress *ia = fl != NULL &&
		    internet_address_list_length(fl) == 1 ?
		    internet_address_list_get_address(fl, 0) : NULL;
		const char *fa = ia != NULL && INTERNET_ADDRESS_IS_MAILBOX(ia) ?
		    internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia)) : NULL;

		if (compose_addr_is_safe(fa) && config_account_owns(acc, fa))
			row.from = (char *)fa;
	}
	row.recipients = rcpts;
	row.message_id = raw_id != NULL ? (char *)raw_id :
	    (char *)g_mime_message_get_message_id(msg);
	row.envid = envid;
	row.subject = (char *)g_mime_message_get_subject(msg);
	row.state = STORE_QUEUE_QUEUED;
	row.created = (int64_t)time(NULL);

	/* File and row in one batch: durable together at store_commit. */
	if ((s = store_begin(st)) != STORE_OK)
		goto fail;
	if ((s = store_deliver(st, STORE_OUTBOX, data, len, NULL,
	    STORE_FLAG_SEEN, &msg_id)) != STORE_OK)
		goto rollback;
	row.msg_id = msg_id;
	if ((s = store_queue_insert(st, &row, &qid)) != STORE_OK)
		goto rollback;
	if (draft_id > 0 && (s = store_msg_delete(st, draft_id)) != STORE_OK &&
	    s != STORE_ERR_NOTFOUND)
		goto rollback;
	if ((s = store_commit(st)) != STORE_OK)
		goto fail;
	g_bytes_unref(bytes);
	log_debug("outbox: queued %" G_GINT64_FORMAT " (message %"
	    G_GINT64_FORMAT ")", qid, msg_id);
	if (queue_id != NULL)
		*queue_id = qid;
	return OUTBOX_OK;
rollback:
	{
		/* Keep the first error's text past the rollback. */
		g_autofree char *why = g_strdup(store_errmsg(st));

		store_rollback(st);
		g_bytes_unref(bytes);
		g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_STORE, "%s", why);
		return OUTBOX_ERR_STORE;
	}
fail:
	g_bytes_unref(bytes);
	return outbox_store_error(st, s, err);
}

enum outbox_status
outbox_draft_save(struct store *st, GMimeMessage *msg, int64_t replace_id,
    int64_t *msg_id, GError **err)
{
	GBytes			*bytes;
	enum store_status	 s;
	int64_t			 id = 0;
	const char		*data;
	gsize			 len;

	bytes = compose_to_bytes(msg, TRUE);
	data = g_bytes_get_data(bytes, &len);
	if ((s = store_begin(st)) != STORE_OK)
		goto fail;
	if ((s = store_deliver(st, STORE_DRAFTS, data, len, NULL,
	    STORE_FLAG_SEEN | STORE_FLAG_DRAFT, &id)) != STORE_OK) {
		store_rollback(st);
		goto fail;
	}
	if (replace_id > 0 && (s = store_msg_delete(st, replace_id)) !=
	    STORE_OK && s != STORE_ERR_NOTFOUND) {
		store_rollback(st);
		goto fail;
	}
	if ((s = store_commit(st)) != STORE_OK)
		goto fail;
	g_bytes_unref(bytes);
	if (msg_id != NULL)
		*msg_id = id;
	return OUTBOX_OK;
fail:
	g_bytes_unref(bytes);
	return outbox_store_error(st, s, err);
}

/*
 * Listing.
 */

enum outbox_status
outbox_list(struct store *st, unsigned flags, GPtrArray **out, GError **err)
{
	g_autoptr(GPtrArray)	 rows = NULL;
	enum store_status	 s;
	gboolean		 running;
	guint			 i;

	*out = NULL;
	if ((s = store_queue_list(st, (flags & OUTBOX_LIST_SENT) ?
	    STORE_QUEUE_LIST_SENT : 0, 0, &rows)) != STORE_OK)
		return outbox_store_error(st, s, err);
	running = outbox_sender_running(st);
	*out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)outbox_entry_free);
	/* The entries take the rows over. */
	g_ptr_array_set_free_func(rows, NULL);
	for (i = 0; i < rows->len; i++)
		g_ptr_array_add(*out, outbox_entry_take(
		    g_ptr_array_index(rows, i), running));
	return OUTBOX_OK;
}

enum outbox_status
outbox_get(struct store *st, int64_t id, struct outbox_entry **out,
    GError **err)
{
	struct store_queue_row	*row = NULL;
	enum store_status	 s;

	*out = NULL;
	if ((s = store_queue_get(st, id, &row)) != STORE_OK)
		return outbox_store_error(st, s, err);
	*out = outbox_entry_take(row, outbox_sender_running(st));
	return OUTBOX_OK;
}

enum outbox_status
outbox_counts(struct store *st, guint *pending, guint *attention,
    guint *sending_out, GError **err)
{
	enum store_status	 s;
	guint			 q = 0, h = 0, f = 0, sending = 0;

	*pending = *attention = 0;
	if (sending_out != NULL)
		*sending_out = 0;
	if ((s = store_queue_count(st, STORE_QUEUE_QUEUED, &q)) != STORE_OK ||
	    (s = store_queue_count(st, STORE_QUEUE_HELD, &h)) != STORE_OK ||
	    (s = store_queue_count(st, STORE_QUEUE_FAILED, &f)) != STORE_OK ||
	    (s = store_queue_count(st, STORE_QUEUE_SENDING, &sending)) !=
	    STORE_OK)
		return outbox_store_error(st, s, err);
	/* A held or failed entry waits for the user, not for a send. */
	*pending = q;
	*attention = f + h;
	if (sending_out != NULL)
		*sending_out = sending;
	if (sending > 0 && !outbox_sender_running(st))
		*attention += sending;
	else
		*pending += sending;
	return OUTBOX_OK;
}

/* "14:05" today, else "2024-03-01 14:05". */
static char *
outbox_clock(int64_t t, int64_t now)
{
	g_autoptr(GDateTime)	 dt = time_local(t);
	g_autoptr(GDateTime)	 today = time_local(now);

	if (dt == NULL || today == NULL)
		return g_strdup("?");
	if (g_date_time_get_year(dt) == g_date_time_get_year(today) &&
	    g_date_time_get_day_of_year(dt) ==
	    g_date_time_get_day_of_year(today))
		return g_date_time_format(dt, "%H:%M");
	return g_date_time_format(dt, "%Y-%m-%d %H:%M");
}

char *
outbox_entry_waits(const struct outbox_entry *e, int64_t now)
{
	return e != NULL ? outbox_row_waits(&e->row, now) : NULL;
}

/* outbox_entry_waits for a row. */
static char *
outbox_row_waits(const struct store_queue_row *e, int64_t now)
{
	g_autofree char	*when = NULL, *code = NULL;
	const char	*le;

	if (e->state != STORE_QUEUE_QUEUED || e->wait == STORE_QUEUE_WAIT_NONE)
		return NULL;
	when = e->next_try > now ? outbox_clock(e->next_try, now) : NULL;
	if (e->wait == STORE_QUEUE_WAIT_NETWORK)
		return when != NULL ? g_strdup_printf(_("waiting for the "
		    "network, next try %s"), when) :
		    g_strdup(_("waiting for the network"));
	/* The server's reply code leads last_error ("451 4.3.0 ..."). */
	le = e->last_error;
	if (le != NULL && g_ascii_isdigit(le[0]) && g_ascii_isdigit(le[1]) &&
	    g_ascii_isdigit(le[2]) && (le[3] == ' ' || le[3] == '\0' ||
	    le[3] == '-'))
		code = g_strndup(le, 3);
	if (code != NULL)
		return when != NULL ? g_strdup_printf(_("server said %s, next "
		    "try %s"), code, when) : g_strdup_printf(_("server said "
		    "%s, next try now"), code);
	return when != NULL ? g_strdup_printf(_("server deferred it, next "
	    "try %s"), when) : g_strdup(_("server deferred it, next try now"));
}

char *
outbox_waits(struct store *st)
{
	g_autoptr(GPtrArray)	 rows = NULL;
	const struct store_queue_row *best = NULL;
	guint			 i;

	if (store_queue_list(st, STORE_QUEUE_LIST_QUEUED, 0, &rows) != STORE_OK)
		return NULL;
	for (i = 0; i < rows->len; i++) {
		const struct store_queue_row *r = g_ptr_array_index(rows, i);

		if (r->wait == STORE_QUEUE_WAIT_NETWORK) {
			best = r;
			break;
		}
		if (r->wait == STORE_QUEUE_WAIT_SERVER &&
		    (best == NULL || r->next_try < best->next_try))
			best = r;
	}
	if (best == NULL)
		return NULL;
	return outbox_row_waits(best, (int64_t)time(NULL));
}

enum outbox_status
outbox_stamp(struct store *st, int64_t *max_id, guint *ready, GError **err)
{
	enum store_status s;

	if ((s = store_queue_stamp(st, max_id, ready)) != STORE_OK)
		return outbox_store_error(st, s, err);
	return OUTBOX_OK;
}

gint64
outbox_next_due(struct store *st)
{
	int64_t		 next;
	gboolean	 found;
	gint64		 now = (gint64)time(NULL);

	if (store_queue_next_try(st, &next, &found) != STORE_OK || !found)
		return -1;
	return next <= now ? 0 : next - now;
}

/*
 * The user's commands.
 */

/* A set of states for outbox_change. */
#define OUTBOX_IN(state)	(1u << (state))

/*
 * Move entry id from one of the states in from (OUTBOX_IN bits) to state
 * to. maybe_sent_only: a "sending" entry only when no sender runs (the
 * send lock is held meanwhile so no flush starts).
 */
static enum outbox_status
outbox_change(struct store *st, int64_t id, unsigned from,
    enum store_queue_state to, gboolean maybe_sent_only, GError **err)
{
	struct store_queue_row	*row = NULL;
	enum store_queue_state	 old;
	enum store_status	 s;
	enum outbox_status	 ret = OUTBOX_OK;
	gboolean		 locked = FALSE;

	if (maybe_sent_only) {
		if (store_lock(st, OUTBOX_LOCK) != STORE_OK) {
			g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_BUSY,
			    _("a sender is running; try again when it is "
			    "done"));
			return OUTBOX_ERR_BUSY;
		}
		locked = TRUE;
	}
	if ((s = store_queue_get(st, id, &row)) != STORE_OK) {
		ret = outbox_store_error(st, s, err);
		goto out;
	}
	if ((from & OUTBOX_IN(row->state)) == 0) {
		g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_STATE,
		    _("queue entry %" PRId64 " is %s"), id,
		    store_queue_state_name(row->state));
		ret = OUTBOX_ERR_STATE;
		goto out;
	}
	old = row->state;
	row->state = to;
	if (to == STORE_QUEUE_QUEUED)
		row->next_try = 0;
	if (to == STORE_QUEUE_SENT) {
		row->sent_at = (int64_t)time(NULL);
		g_free(row->last_error);
		row->last_error = NULL;
	}
	if ((s = store_queue_update_if(st, row, old)) != STORE_OK) {
		ret = outbox_store_error(st, s, err);
		goto out;
	}
	if (to == STORE_QUEUE_SENT &&
	    (s = store_msg_move(st, row->msg_id, STORE_SENT)) != STORE_OK)
		log_warn("outbox: entry %" G_GINT64_FORMAT " is sent but its "
		    "file did not move to Sent: %s", id, store_errmsg(st));
out:
	if (locked)
		store_unlock(st, OUTBOX_LOCK);
	store_queue_row_free(row);
	return ret;
}

enum outbox_status
outbox_retry(struct store *st, int64_t id, GError **err)
{
	return outbox_change(st, id, OUTBOX_IN(STORE_QUEUE_QUEUED) |
	    OUTBOX_IN(STORE_QUEUE_FAILED), STORE_QUEUE_QUEUED, FALSE, err);
}

enum outbox_status
outbox_hold(struct store *st, int64_t id, GError **err)
{
	return outbox_change(st, id, OUTBOX_IN(STORE_QUEUE_QUEUED) |
	    OUTBOX_IN(STORE_QUEUE_FAILED), STORE_QUEUE_HELD, FALSE, err);
}

enum outbox_status
outbox_release(struct store *st, int64_t id, GError **err)
{
	return outbox_change(st, id, OUTBOX_IN(STORE_QUEUE_HELD),
	    STORE_QUEUE_QUEUED, FALSE, err);
}

enum outbox_status
outbox_resend(struct store *st, int64_t id, GError **err)
{
	return outbox_change(st, id, OUTBOX_IN(STORE_QUEUE_SENDING),
	    STORE_QUEUE_QUEUED, TRUE, err);
}

enum outbox_status
outbox_mark_sent(struct store *st, int64_t id, GError **err)
{
	return outbox_change(st, id, OUTBOX_IN(STORE_QUEUE_SENDING),
	    STORE_QUEUE_SENT, TRUE, err);
}

enum outbox_status
outbox_delete(struct store *st, int64_t id, GError **err)
{
	struct store_queue_row	*row = NULL;
	enum store_status	 s;
	enum outbox_status	 ret = OUTBOX_OK;

	if (store_lock(st, OUTBOX_LOCK) != STORE_OK) {
		g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_BUSY,
		    _("a sender is running; try again when it is done"));
		return OUTBOX_ERR_BUSY;
	}
	if ((s = store_queue_get(st, id, &row)) != STORE_OK) {
		ret = outbox_store_error(st, s, err);
		goto out;
	}
	if (row->state == STORE_QUEUE_SENT) {
		g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_STATE,
		    _("queue entry %" PRId64 " was sent; delete the "
		    "message from Sent instead"), id);
		ret = OUTBOX_ERR_STATE;
		goto out;
	}
	if ((s = store_begin(st)) != STORE_OK) {
		ret = outbox_store_error(st, s, err);
		goto out;
	}
	if ((s = store_queue_delete(st, id)) != STORE_OK ||
	    ((s = store_msg_delete(st, row->msg_id)) != STORE_OK &&
	    s != STORE_ERR_NOTFOUND)) {
		ret = outbox_store_error(st, s, err);
		store_rollback(st);
		goto out;
	}
	if ((s = store_commit(st)) != STORE_OK)
		ret = outbox_store_error(st, s, err);
out:
	store_unlock(st, OUTBOX_LOCK);
	store_queue_row_free(row);
	return ret;
}

/*
 * Recovery after the index was rebuilt.
 */

enum outbox_status
outbox_recover(struct store *st, struct config *config, guint *recovered,
    GError **err)
{
	g_autoptr(GArray)	 ids = NULL;
	enum store_status	 s;
	guint			 i, j, n = 0;

	if (recovered != NULL)
		*recovered = 0;
	/*
	 * One transaction: two processes recovering at once must not both
	 * add an entry for the same message.
	 */
	if ((s = store_begin(st)) != STORE_OK)
		return outbox_store_error(st, s, err);
	if ((s = store_queue_orphans(st, STORE_OUTBOX, &ids)) != STORE_OK)
		goto fail;
	for (i = 0; i < ids->len; i++) {
		int64_t			 id = g_array_index(ids, int64_t, i);
		struct store_msg	*m = NULL, *old = NULL;
		struct store_queue_row	*known = NULL;
		g_autoptr(GMimeMessage)	 msg = NULL;
		g_autoptr(GPtrArray)	 rcpts = NULL;
		g_autofree char		*envid = NULL;
		struct account		*acc = NULL;
		struct store_queue_row	 row;

		if (store_msg_get(st, id, &m) != STORE_OK)
			continue;
		msg = mime_message_from_file(m->path);
		if (msg == NULL) {
			store_msg_free(m);
			continue;
		}
		/*
		 * The message may have an entry already, pointing to the row
		 * it had before the index was rebuilt: the entry gets the
		 * message back, and no second entry (sendable once released)
		 * is made. Its state, "sent" included, stays as it was.
		 */
		envid = outbox_envid(g_mime_message_get_message_id(msg));
		if (g_mime_message_get_message_id(msg) != NULL &&
		    store_queue_find_sent(st, envid,
		    g_mime_message_get_message_id(msg), &known) == STORE_OK) {
			if (store_msg_get(st, known->msg_id, &old) ==
			    STORE_ERR_NOTFOUND) {
				known->msg_id = id;
				s = store_queue_update(st, known);
			}
			store_msg_free(old);
			store_queue_row_free(known);
			store_msg_free(m);
			if (s != STORE_OK)
				goto fail;
			continue;
		}
		for (j = 0; config != NULL && j < config->accounts->len; j++) {
			struct account *a = g_ptr_array_index(config->accounts,
			    j);

			if (m->from_addr != NULL && a->from_addr != NULL &&
			    g_ascii_strcasecmp(a->from_addr, m->from_addr) == 0)
				acc = a;
		}
		if (acc == NULL)
			acc = config_account(config, NULL);
		rcpts = compose_recipients(msg);
		memset(&row, 0, sizeof row);
		row.msg_id = id;
		row.account = acc != NULL ? acc->name : (char *)"";
		row.from = acc != NULL && acc->from_addr != NULL ?
		    acc->from_addr : m->from_addr != NULL ? m->from_addr :
		    (char *)"";
		row.recipients = rcpts;
		row.message_id = (char *)g_mime_message_get_message_id(msg);
		row.envid = envid;
		row.subject = (char *)g_mime_message_get_subject(msg);
		row.state = STORE_QUEUE_HELD;
		row.created = m->date > 0 ? m->date : (int64_t)time(NULL);
		row.last_error = (char *)_("found in the Outbox without a queue "
		    "entry (index rebuilt): release it to send it");
		s = store_queue_insert(st, &row, NULL);
		store_msg_free(m);
		if (s != STORE_OK)
			goto fail;
		n++;
	}
	if ((s = store_commit(st)) != STORE_OK)
		return outbox_store_error(st, s, err);
	if (recovered != NULL)
		*recovered = n;
	return OUTBOX_OK;
fail:
	{
		g_autofree char *why = g_strdup(store_errmsg(st));

		store_rollback(st);
		g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_STORE, "%s", why);
		return OUTBOX_ERR_STORE;
	}
}
