/*
 * outbox.c: the durable outgoing queue: queue, drafts, listing, the user's
 * commands, the sender (flush) and bounce matching.
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
#include "store/queue.h"
#include "smtp/smtp.h"
#include "smtp/outbox.h"

#define OUTBOX_LOCK		"send"
#define OUTBOX_DSN_WATERMARK	"dsn_watermark"
/* Reconnects per account in one flush after the link dropped. */
#define OUTBOX_RECONNECTS	1
/* Sent messages filed in Sent together (one directory fsync). */
#define OUTBOX_FILE_BATCH	64

struct outbox_flush_ctx {
	struct store		*st;
	struct config		*config;
	outbox_secret_fn	 secret_fn;
	void			*secret_data;
	outbox_notify_fn	 notify;
	void			*notify_data;
	struct outbox_flush_result res;
	gboolean		 any_perm;
	gboolean		 any_temp;
	gboolean		 any_cred;
	GArray			*to_file;	/* msg ids to move to Sent */
};

static enum outbox_status outbox_store_error(struct store *,
		    enum store_status, GError **);
static struct outbox_entry *outbox_entry_from_row(const struct queue_row *,
		    gboolean);
static gboolean	 outbox_sender_running(struct store *);
static char	*outbox_envid(const char *);
static void	 outbox_notify(struct outbox_flush_ctx *,
		    enum outbox_event_type, const char *, const char *,
		    const struct queue_row *, const char *, gboolean);
static void	 outbox_flush_account(struct outbox_flush_ctx *,
		    const char *, GPtrArray *);
static enum smtp_status outbox_connect(struct outbox_flush_ctx *,
		    struct account *, struct smtp_session **, char **);
static void	 outbox_send_one(struct outbox_flush_ctx *, struct account *,
		    struct smtp_session *, struct queue_row *);
static void	 outbox_defer(struct outbox_flush_ctx *, struct queue_row *,
		    const char *, gboolean, enum smtp_status);
static void	 outbox_fail(struct outbox_flush_ctx *, struct queue_row *,
		    const char *, const char *);
static char	*outbox_refused_text(GPtrArray *, int);
static enum store_status outbox_requeue_refused(struct outbox_flush_ctx *,
		    const struct queue_row *, GPtrArray *, const void *, gsize,
		    gboolean *);
static void	 outbox_file_sent(struct store *, GArray *);
static enum outbox_status outbox_change(struct store *, int64_t,
		    const char *const *, const char *, gboolean, GError **);
static enum outbox_status outbox_queue_common(struct store *,
		    const struct account *, GMimeMessage *, GPtrArray *,
		    int64_t, GBytes *, const char *, int64_t *, GError **);
static char	*outbox_clock(int64_t, int64_t);

G_DEFINE_QUARK(satchel-outbox-error-quark, outbox_error)

const char *
outbox_strerror(enum outbox_status st)
{
	switch (st) {
	case OUTBOX_OK:
		return _("success");
	case OUTBOX_ERR_STORE:
		return _("the store failed");
	case OUTBOX_ERR_NOTFOUND:
		return _("no such queue entry");
	case OUTBOX_ERR_STATE:
		return _("not possible in the entry's state");
	case OUTBOX_ERR_ACCOUNT:
		return _("the account cannot send");
	case OUTBOX_ERR_INVALID:
		return _("the message cannot be sent");
	case OUTBOX_ERR_BUSY:
		return _("another sender is running");
	case OUTBOX_ERR_TEMP:
		return _("some messages wait for a retry");
	case OUTBOX_ERR_PERM:
		return _("some messages failed");
	case OUTBOX_ERR_CREDENTIALS:
		return _("no password or token");
	}
	return _("unknown error");
}

const char *
outbox_state_name(enum outbox_state s)
{
	switch (s) {
	case OUTBOX_QUEUED:
		return "queued";
	case OUTBOX_SENDING:
		return "sending";
	case OUTBOX_SENT:
		return "sent";
	case OUTBOX_FAILED:
		return "failed";
	case OUTBOX_HELD:
		return "held";
	}
	return "queued";
}

static enum outbox_state
outbox_state_parse(const char *s)
{
	if (s == NULL)
		return OUTBOX_QUEUED;
	if (strcmp(s, QUEUE_SENDING) == 0)
		return OUTBOX_SENDING;
	if (strcmp(s, QUEUE_SENT) == 0)
		return OUTBOX_SENT;
	if (strcmp(s, QUEUE_FAILED) == 0)
		return OUTBOX_FAILED;
	if (strcmp(s, QUEUE_HELD) == 0)
		return OUTBOX_HELD;
	return OUTBOX_QUEUED;
}

void
outbox_entry_free(struct outbox_entry *e)
{
	if (e == NULL)
		return;
	g_free(e->account);
	g_free(e->from);
	if (e->recipients != NULL)
		g_ptr_array_unref(e->recipients);
	g_free(e->message_id);
	g_free(e->envid);
	g_free(e->subject);
	g_free(e->last_error);
	g_free(e->refused);
	g_free(e->bounce);
	g_free(e);
}

static enum outbox_status
outbox_store_error(struct store *st, enum store_status s, GError **err)
{
	if (s == STORE_ERR_NOTFOUND) {
		g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_NOTFOUND, "%s",
		    store_errmsg(st));
		return OUTBOX_ERR_NOTFOUND;
	}
	/* Another process holds the store: temporary, try again later. */
	if (s == STORE_ERR_BUSY) {
		g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_BUSY, "%s",
		    store_errmsg(st));
		return OUTBOX_ERR_BUSY;
	}
	g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_STORE, "%s",
	    store_errmsg(st));
	return OUTBOX_ERR_STORE;
}

static struct outbox_entry *
outbox_entry_from_row(const struct queue_row *r, gboolean sender_running)
{
	struct outbox_entry	*e;
	guint			 i;

	e = g_new0(struct outbox_entry, 1);
	e->id = r->id;
	e->msg_id = r->msg_id;
	e->account = g_strdup(r->account);
	e->from = g_strdup(r->from);
	e->recipients = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; r->recipients != NULL && i < r->recipients->len; i++)
		g_ptr_array_add(e->recipients,
		    g_strdup(g_ptr_array_index(r->recipients, i)));
	e->message_id = g_strdup(r->message_id);
	e->envid = g_strdup(r->envid);
	e->subject = g_strdup(r->subject);
	e->state = outbox_state_parse(r->state);
	e->maybe_sent = e->state == OUTBOX_SENDING && !sender_running;
	e->attempts = r->attempts;
	e->created = r->created;
	e->next_try = r->next_try;
	e->last_try = r->last_try;
	e->sent_at = r->sent_at;
	e->last_error = g_strdup(r->last_error);
	e->refused = g_strdup(r->refused);
	e->bounce = g_strdup(r->bounce);
	if (g_strcmp0(r->fail_kind, QUEUE_WAIT_NETWORK) == 0)
		e->wait = OUTBOX_WAIT_NETWORK;
	else if (g_strcmp0(r->fail_kind, QUEUE_WAIT_SERVER) == 0)
		e->wait = OUTBOX_WAIT_SERVER;
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
	struct queue_row	 row;
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
	row.state = (char *)QUEUE_QUEUED;
	row.created = (int64_t)time(NULL);

	/* File and row in one batch: durable together at store_commit. */
	if ((s = queue_init(st)) != STORE_OK ||
	    (s = store_begin(st)) != STORE_OK)
		goto fail;
	if ((s = store_deliver(st, STORE_OUTBOX, data, len, NULL,
	    STORE_FLAG_SEEN, &msg_id)) != STORE_OK)
		goto rollback;
	row.msg_id = msg_id;
	if ((s = queue_insert(st, &row, &qid)) != STORE_OK)
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
	if ((s = queue_list(st, (flags & OUTBOX_LIST_SENT) ?
	    QUEUE_LIST_SENT : 0, 0, &rows)) != STORE_OK)
		return outbox_store_error(st, s, err);
	running = outbox_sender_running(st);
	*out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)outbox_entry_free);
	for (i = 0; i < rows->len; i++)
		g_ptr_array_add(*out, outbox_entry_from_row(
		    g_ptr_array_index(rows, i), running));
	return OUTBOX_OK;
}

enum outbox_status
outbox_get(struct store *st, int64_t id, struct outbox_entry **out,
    GError **err)
{
	struct queue_row	*row = NULL;
	enum store_status	 s;

	*out = NULL;
	if ((s = queue_get(st, id, &row)) != STORE_OK)
		return outbox_store_error(st, s, err);
	*out = outbox_entry_from_row(row, outbox_sender_running(st));
	queue_row_free(row);
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
	if ((s = queue_count(st, QUEUE_QUEUED, &q)) != STORE_OK ||
	    (s = queue_count(st, QUEUE_HELD, &h)) != STORE_OK ||
	    (s = queue_count(st, QUEUE_FAILED, &f)) != STORE_OK ||
	    (s = queue_count(st, QUEUE_SENDING, &sending)) != STORE_OK)
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
	g_autoptr(GDateTime)	 dt = g_date_time_new_from_unix_local(t);
	g_autoptr(GDateTime)	 today = g_date_time_new_from_unix_local(now);

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
	g_autofree char	*when = NULL, *code = NULL;
	const char	*le;

	if (e == NULL || e->state != OUTBOX_QUEUED ||
	    e->wait == OUTBOX_WAIT_NONE)
		return NULL;
	when = e->next_try > now ? outbox_clock(e->next_try, now) : NULL;
	if (e->wait == OUTBOX_WAIT_NETWORK)
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
	const struct queue_row	*best = NULL;
	struct outbox_entry	*e;
	char			*text;
	guint			 i;

	if (queue_list(st, QUEUE_LIST_QUEUED, 0, &rows) != STORE_OK)
		return NULL;
	for (i = 0; i < rows->len; i++) {
		const struct queue_row *r = g_ptr_array_index(rows, i);

		if (g_strcmp0(r->fail_kind, QUEUE_WAIT_NETWORK) == 0) {
			best = r;
			break;
		}
		if (g_strcmp0(r->fail_kind, QUEUE_WAIT_SERVER) == 0 &&
		    (best == NULL || r->next_try < best->next_try))
			best = r;
	}
	if (best == NULL)
		return NULL;
	e = outbox_entry_from_row(best, TRUE);
	text = outbox_entry_waits(e, (int64_t)time(NULL));
	outbox_entry_free(e);
	return text;
}

enum outbox_status
outbox_stamp(struct store *st, int64_t *max_id, guint *ready, GError **err)
{
	enum store_status s;

	if ((s = queue_stamp(st, max_id, ready)) != STORE_OK)
		return outbox_store_error(st, s, err);
	return OUTBOX_OK;
}

gint64
outbox_next_due(struct store *st)
{
	int64_t		 next;
	gboolean	 found;
	gint64		 now = (gint64)time(NULL);

	if (queue_next_try(st, &next, &found) != STORE_OK || !found)
		return -1;
	return next <= now ? 0 : next - now;
}

/*
 * The user's commands.
 */

/*
 * Move entry id from one of the states in from (NULL terminated) to state
 * to. maybe_sent_only: a "sending" entry only when no sender runs (the
 * send lock is held meanwhile so no flush starts).
 */
static enum outbox_status
outbox_change(struct store *st, int64_t id, const char *const *from,
    const char *to, gboolean maybe_sent_only, GError **err)
{
	struct queue_row	*row = NULL;
	g_autofree char		*old = NULL;
	enum store_status	 s;
	enum outbox_status	 ret = OUTBOX_OK;
	const char *const	*f;
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
	if ((s = queue_get(st, id, &row)) != STORE_OK) {
		ret = outbox_store_error(st, s, err);
		goto out;
	}
	for (f = from; *f != NULL; f++)
		if (strcmp(row->state, *f) == 0)
			break;
	if (*f == NULL) {
		g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_STATE,
		    _("queue entry %" PRId64 " is %s"), id,
		    row->state);
		ret = OUTBOX_ERR_STATE;
		goto out;
	}
	old = g_strdup(row->state);
	g_free(row->state);
	row->state = g_strdup(to);
	if (strcmp(to, QUEUE_QUEUED) == 0)
		row->next_try = 0;
	if (strcmp(to, QUEUE_SENT) == 0) {
		row->sent_at = (int64_t)time(NULL);
		g_free(row->last_error);
		row->last_error = NULL;
	}
	if ((s = queue_update(st, row, old)) != STORE_OK) {
		ret = outbox_store_error(st, s, err);
		goto out;
	}
	if (strcmp(to, QUEUE_SENT) == 0 &&
	    (s = store_msg_move(st, row->msg_id, STORE_SENT)) != STORE_OK)
		log_warn("outbox: entry %" G_GINT64_FORMAT " is sent but its "
		    "file did not move to Sent: %s", id, store_errmsg(st));
out:
	if (locked)
		store_unlock(st, OUTBOX_LOCK);
	queue_row_free(row);
	return ret;
}

enum outbox_status
outbox_retry(struct store *st, int64_t id, GError **err)
{
	static const char *const from[] = { QUEUE_QUEUED, QUEUE_FAILED, NULL };

	return outbox_change(st, id, from, QUEUE_QUEUED, FALSE, err);
}

enum outbox_status
outbox_hold(struct store *st, int64_t id, GError **err)
{
	static const char *const from[] = { QUEUE_QUEUED, QUEUE_FAILED, NULL };

	return outbox_change(st, id, from, QUEUE_HELD, FALSE, err);
}

enum outbox_status
outbox_release(struct store *st, int64_t id, GError **err)
{
	static const char *const from[] = { QUEUE_HELD, NULL };

	return outbox_change(st, id, from, QUEUE_QUEUED, FALSE, err);
}

enum outbox_status
outbox_resend(struct store *st, int64_t id, GError **err)
{
	static const char *const from[] = { QUEUE_SENDING, NULL };

	return outbox_change(st, id, from, QUEUE_QUEUED, TRUE, err);
}

enum outbox_status
outbox_mark_sent(struct store *st, int64_t id, GError **err)
{
	static const char *const from[] = { QUEUE_SENDING, NULL };

	return outbox_change(st, id, from, QUEUE_SENT, TRUE, err);
}

enum outbox_status
outbox_delete(struct store *st, int64_t id, GError **err)
{
	struct queue_row	*row = NULL;
	enum store_status	 s;
	enum outbox_status	 ret = OUTBOX_OK;

	if (store_lock(st, OUTBOX_LOCK) != STORE_OK) {
		g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_BUSY,
		    _("a sender is running; try again when it is done"));
		return OUTBOX_ERR_BUSY;
	}
	if ((s = queue_get(st, id, &row)) != STORE_OK) {
		ret = outbox_store_error(st, s, err);
		goto out;
	}
	if (strcmp(row->state, QUEUE_SENT) == 0) {
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
	if ((s = queue_delete(st, id)) != STORE_OK ||
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
	queue_row_free(row);
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
	if ((s = queue_init(st)) != STORE_OK || (s = store_begin(st)) !=
	    STORE_OK)
		return outbox_store_error(st, s, err);
	if ((s = queue_orphans(st, STORE_OUTBOX, &ids)) != STORE_OK)
		goto fail;
	for (i = 0; i < ids->len; i++) {
		int64_t			 id = g_array_index(ids, int64_t, i);
		struct store_msg	*m = NULL, *old = NULL;
		struct queue_row	*known = NULL;
		g_autoptr(GMimeMessage)	 msg = NULL;
		g_autoptr(GPtrArray)	 rcpts = NULL;
		g_autofree char		*envid = NULL;
		struct account		*acc = NULL;
		struct queue_row	 row;

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
		    queue_find_sent(st, envid, g_mime_message_get_message_id(
		    msg), &known) == STORE_OK) {
			if (store_msg_get(st, known->msg_id, &old) ==
			    STORE_ERR_NOTFOUND) {
				known->msg_id = id;
				s = queue_update(st, known, NULL);
			}
			store_msg_free(old);
			queue_row_free(known);
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
		row.state = (char *)QUEUE_HELD;
		row.created = m->date > 0 ? m->date : (int64_t)time(NULL);
		row.last_error = (char *)_("found in the Outbox without a queue "
		    "entry (index rebuilt): release it to send it");
		s = queue_insert(st, &row, NULL);
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

/*
 * The sender.
 */

/* Move sent messages from the Outbox to Sent in one store batch. */
static void
outbox_file_sent(struct store *st, GArray *ids)
{
	guint i;

	if (ids->len == 0)
		return;
	if (store_begin(st) != STORE_OK) {
		log_error("outbox: cannot file sent messages: %s",
		    store_errmsg(st));
		return;
	}
	for (i = 0; i < ids->len; i++)
		if (store_msg_move(st, g_array_index(ids, int64_t, i),
		    STORE_SENT) != STORE_OK)
			log_warn("outbox: message %" G_GINT64_FORMAT " was sent "
			    "but did not move to Sent: %s",
			    g_array_index(ids, int64_t, i), store_errmsg(st));
	if (store_commit(st) != STORE_OK)
		log_error("outbox: cannot file sent messages: %s",
		    store_errmsg(st));
	g_array_set_size(ids, 0);
}

static void
outbox_notify(struct outbox_flush_ctx *c, enum outbox_event_type type,
    const char *account, const char *host, const struct queue_row *row,
    const char *text, gboolean permanent)
{
	struct outbox_event	 ev;
	struct outbox_entry	*e = NULL;

	if (c->notify == NULL)
		return;
	if (row != NULL)
		e = outbox_entry_from_row(row, TRUE);
	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.account = account;
	ev.host = host;
	ev.entry = e;
	ev.text = text;
	ev.permanent = permanent;
	c->notify(&ev, c->notify_data);
	outbox_entry_free(e);
}

static void
outbox_set_text(char **slot, const char *text)
{
	g_free(*slot);
	*slot = g_strdup(text);
}

/*
 * 4xx or network (st says which): retry later; counts as an attempt when
 * counted. A server's 4xx backs off exponentially and expires; a network
 * failure waits for the network to change, or a short capped interval.
 */
static void
outbox_defer(struct outbox_flush_ctx *c, struct queue_row *row,
    const char *why, gboolean counted, enum smtp_status st)
{
	int64_t		now = (int64_t)time(NULL);
	gboolean	network = smtp_status_is_network(st);

	if (counted)
		row->attempts++;
	if (st == SMTP_ERR_TEMP && outbox_retry_expired(row->created, now)) {
		g_autofree char *t = g_strdup_printf(_("gave up after %u "
		    "attempts: %s"), row->attempts, why);

		outbox_fail(c, row, t, NULL);
		return;
	}
	outbox_set_text(&row->state, QUEUE_QUEUED);
	outbox_set_text(&row->last_error, why);
	outbox_set_text(&row->fail_kind, network ? QUEUE_WAIT_NETWORK :
	    QUEUE_WAIT_SERVER);
	row->next_try = now + (network ?
	    outbox_retry_network_delay(MAX(row->attempts, 1)) :
	    outbox_retry_delay(MAX(row->attempts, 1)));
	if (queue_update(c->st, row, NULL) != STORE_OK)
		log_error("outbox: cannot record the retry of %" G_GINT64_FORMAT
		    ": %s", row->id, store_errmsg(c->st));
	c->res.deferred++;
	if (network)
		c->res.deferred_network++;
	c->any_temp = TRUE;
	outbox_notify(c, OUTBOX_EVENT_DEFERRED, row->account, NULL, row, why,
	    FALSE);
}

static void
outbox_fail(struct outbox_flush_ctx *c, struct queue_row *row,
    const char *why, const char *refused)
{
	outbox_set_text(&row->state, QUEUE_FAILED);
	outbox_set_text(&row->last_error, why);
	outbox_set_text(&row->fail_kind, NULL);
	if (refused != NULL)
		outbox_set_text(&row->refused, refused);
	if (queue_update(c->st, row, NULL) != STORE_OK)
		log_error("outbox: cannot record the failure of %"
		    G_GINT64_FORMAT ": %s", row->id, store_errmsg(c->st));
	c->res.failed++;
	c->any_perm = TRUE;
	outbox_notify(c, OUTBOX_EVENT_FAILED, row->account, NULL, row, why,
	    TRUE);
}

/* "addr: 550 5.1.1 text" per line; code_class 4 or 5: only those. */
static char *
outbox_refused_text(GPtrArray *refused, int code_class)
{
	GString	*s = g_string_new(NULL);
	guint	 i;

	for (i = 0; refused != NULL && i < refused->len; i++) {
		struct smtp_refusal *r = g_ptr_array_index(refused, i);

		if (code_class != 0 && r->code / 100 != code_class)
			continue;
		if (s->len > 0)
			g_string_append_c(s, '\n');
		g_string_append_printf(s, "%s: %d %s", r->addr, r->code,
		    r->text != NULL ? r->text : "");
	}
	if (s->len == 0) {
		g_string_free(s, TRUE);
		return NULL;
	}
	return g_string_free(s, FALSE);
}

/*
 * Recipients refused with 4xx while the others got the message: a new
 * entry (a copy of the file) retries them alone. Runs inside the caller's
 * store batch, so that the copy and the "sent" of the original become
 * durable together: a crash between them would lose those recipients.
 * *queued is set when a copy was added.
 */
static enum store_status
outbox_requeue_refused(struct outbox_flush_ctx *c, const struct queue_row *row,
    GPtrArray *refused, const void *data, gsize len, gboolean *queued)
{
	g_autoptr(GPtrArray)	 rcpts = g_ptr_array_new_with_free_func(g_free);
	g_autofree char		*why = NULL;
	struct queue_row	 copy;
	enum store_status	 s;
	int64_t			 msg_id = 0, now = (int64_t)time(NULL);
	guint			 i;

	for (i = 0; i < refused->len; i++) {
		struct smtp_refusal *r = g_ptr_array_index(refused, i);

		if (r->code / 100 == 4)
			g_ptr_array_add(rcpts, g_strdup(r->addr));
	}
	if (rcpts->len == 0)
		return STORE_OK;
	/* The retry is about these recipients only, not the 5xx ones. */
	why = outbox_refused_text(refused, 4);
	copy = *row;
	copy.recipients = rcpts;
	copy.state = (char *)QUEUE_QUEUED;
	copy.attempts = 1;
	copy.next_try = now + outbox_retry_delay(1);
	copy.last_try = now;
	copy.sent_at = 0;
	copy.last_error = why;
	copy.refused = NULL;
	copy.bounce = NULL;
	copy.fail_kind = (char *)QUEUE_WAIT_SERVER;
	if ((s = store_deliver(c->st, STORE_OUTBOX, data, len, NULL,
	    STORE_FLAG_SEEN, &msg_id)) != STORE_OK)
		return s;
	copy.msg_id = msg_id;
	if ((s = queue_insert(c->st, &copy, NULL)) != STORE_OK)
		return s;
	*queued = TRUE;
	return STORE_OK;
}

static enum smtp_status
outbox_connect(struct outbox_flush_ctx *c, struct account *acc,
    struct smtp_session **out, char **err)
{
	struct net_endpoint	 ep;
	struct smtp_session	*ss = NULL;
	enum smtp_status	 st;
	enum outbox_secret_kind	 kind;
	char			*secret = NULL;
	const char		*user, *mech;
	gboolean		 oauth;
	GError			*e = NULL;

	*out = NULL;
	config_endpoint(acc, CONFIG_SERVICE_SMTP, &ep);
	outbox_notify(c, OUTBOX_EVENT_CONNECTING, acc->name, acc->smtp_host,
	    NULL, NULL, FALSE);
	if ((st = smtp_session_open(&ep, &ss, &e)) != SMTP_OK) {
		*err = e != NULL ? g_strdup(e->message) : NULL;
		g_clear_error(&e);
		return st;
	}

	mech = acc->smtp_auth;
	oauth = smtp_mech_is_oauth2(mech) || ((mech == NULL ||
	    g_ascii_strcasecmp(mech, "auto") == 0) &&
	    acc->oauth2_token_command != NULL);
	if (acc->smtp_user == NULL && !oauth) {
		*out = ss;
		return SMTP_OK;
	}
	user = acc->smtp_user != NULL ? acc->smtp_user : acc->from_addr;
	kind = oauth ? OUTBOX_SECRET_OAUTH2_TOKEN : OUTBOX_SECRET_PASSWORD;
	if (c->secret_fn != NULL)
		secret = c->secret_fn(acc, kind, c->secret_data);
	else {
		if (oauth)
			(void)config_oauth2_token(acc, &secret, &e);
		else
			(void)config_password(acc, CONFIG_SERVICE_SMTP, &secret,
			    &e);
		if (e != NULL) {
			*err = g_strdup(e->message);
			g_clear_error(&e);
		}
	}
	if (secret == NULL) {
		smtp_session_close(ss);
		if (*err == NULL)
			*err = g_strdup_printf(_("no password for account %s"),
			    acc->name);
		c->any_cred = TRUE;
		return SMTP_ERR_INVALID;
	}
	if (oauth && !smtp_mech_is_oauth2(mech)) {
		/* auto with a token: what the server offers. */
		mech = NULL;
		st = smtp_session_auth(ss, "XOAUTH2", user, secret,
		    acc->allow_plaintext, &e);
		if (st == SMTP_ERR_NOAUTH) {
			g_clear_error(&e);
			st = smtp_session_auth(ss, "OAUTHBEARER", user, secret,
			    acc->allow_plaintext, &e);
		}
	} else
		st = smtp_session_auth(ss, mech, user, secret,
		    acc->allow_plaintext, &e);
	config_secret_free(secret);
	if (st != SMTP_OK) {
		*err = e != NULL ? g_strdup(e->message) : NULL;
		g_clear_error(&e);
		smtp_session_close(ss);
		return st;
	}
	*out = ss;
	return SMTP_OK;
}

struct outbox_dot {
	struct outbox_flush_ctx	*c;
	struct queue_row	*row;
	gboolean		 lost;
};

/*
 * Just before the final dot of DATA: record "sending" durably. Only a
 * stop from here to the server's reply can leave a message that may have
 * been sent; the entry then waits for the user. FALSE (no dot) if the
 * entry is no longer queued or the record cannot be written.
 */
static gboolean
outbox_before_dot(void *data)
{
	struct outbox_dot *d = data;

	outbox_set_text(&d->row->state, QUEUE_SENDING);
	if (queue_update(d->c->st, d->row, QUEUE_QUEUED) != STORE_OK) {
		log_error("outbox: %" G_GINT64_FORMAT " not sent: %s",
		    d->row->id, store_errmsg(d->c->st));
		d->lost = TRUE;
		return FALSE;
	}
	return TRUE;
}

static void
outbox_send_one(struct outbox_flush_ctx *c, struct account *acc,
    struct smtp_session *ss, struct queue_row *row)
{
	struct outbox_dot	 dot;
	struct store_msg	*m = NULL;
	struct smtp_result	 res;
	g_autofree char		*data = NULL, *refused = NULL, *why = NULL;
	GBytes			*wire = NULL;
	enum smtp_status	 st;
	enum store_status	 s;
	size_t			 len = 0;
	int64_t			 now = (int64_t)time(NULL);
	gboolean		 requeued = FALSE;

	(void)acc;
	smtp_result_init(&res);
	/*
	 * Only an entry still queued (the user may have held it). It stays
	 * "queued" until the whole message is with the server: a stop before
	 * the final dot of DATA leaves it to be retried without asking.
	 */
	row->last_try = now;
	if (queue_update(c->st, row, QUEUE_QUEUED) != STORE_OK) {
		c->res.skipped++;
		goto out;
	}
	if (store_msg_get(c->st, row->msg_id, &m) != STORE_OK ||
	    (data = file_read_all(m->path, &len)) == NULL) {
		outbox_fail(c, row, _("the message file is missing from the "
		    "Outbox"), NULL);
		goto out;
	}
	wire = compose_wire_bytes(data, len);
	outbox_notify(c, OUTBOX_EVENT_SENDING, row->account, NULL, row, NULL,
	    FALSE);
	dot.c = c;
	dot.row = row;
	dot.lost = FALSE;
	smtp_session_set_before_dot(ss, outbox_before_dot, &dot);
	st = smtp_session_send(ss, row->from, row->recipients, row->envid,
	    g_bytes_get_data(wire, NULL), g_bytes_get_size(wire), &res);
	smtp_session_set_before_dot(ss, NULL, NULL);
	if (dot.lost) {
		/* Held, deleted or not recordable: the server never got it. */
		c->res.skipped++;
		goto out;
	}
	why = res.code > 0 ? g_strdup_printf("%d %s", res.code,
	    res.text != NULL ? res.text : "") : g_strdup(res.text != NULL ?
	    res.text : smtp_strerror(st));

	if (st == SMTP_OK) {
		/* Sent: record it first, then file it in Sent. */
		refused = outbox_refused_text(res.refused, 0);
		outbox_set_text(&row->state, QUEUE_SENT);
		outbox_set_text(&row->refused, refused);
		outbox_set_text(&row->last_error, NULL);
		outbox_set_text(&row->fail_kind, NULL);
		row->sent_at = (int64_t)time(NULL);
		row->attempts++;
		/* The retry copy for 4xx recipients and "sent": together. */
		if ((s = store_begin(c->st)) == STORE_OK &&
		    (s = outbox_requeue_refused(c, row, res.refused, data,
		    len, &requeued)) != STORE_OK) {
			log_error("outbox: cannot queue the retry for refused "
			    "recipients of %" G_GINT64_FORMAT ": %s", row->id,
			    store_errmsg(c->st));
			/* Still record the send; the refusals stay shown. */
			store_rollback(c->st);
			requeued = FALSE;
			s = store_begin(c->st);
		}
		if (s == STORE_OK &&
		    (s = queue_update(c->st, row, NULL)) == STORE_OK)
			s = store_commit(c->st);
		else if (s == STORE_OK)
			store_rollback(c->st);
		if (s != STORE_OK) {
			log_error("outbox: %" G_GINT64_FORMAT " was sent but "
			    "the queue could not record it: %s", row->id,
			    store_errmsg(c->st));
			requeued = FALSE;
		} else {
			/*
			 * The row says sent (committed); the file follows to
			 * Sent in a batch. A crash before that leaves it in
			 * the Outbox, and the next flush files it.
			 */
			g_array_append_val(c->to_file, row->msg_id);
			if (c->to_file->len >= OUTBOX_FILE_BATCH)
				outbox_file_sent(c->st, c->to_file);
		}
		c->res.sent++;
		if (res.refused->len > 0)
			c->res.partial++;
		if (requeued) {
			c->res.deferred++;
			c->any_temp = TRUE;
		}
		outbox_notify(c, OUTBOX_EVENT_SENT, row->account, NULL, row,
		    refused, FALSE);
		goto out;
	}
	if (res.data_done && !smtp_session_alive(ss)) {
		/* The at-most-once window: the user decides. */
		g_autofree char *t = g_strdup_printf(_("%s after the whole "
		    "message was sent: the server may have accepted it"), why);

		outbox_set_text(&row->last_error, t);
		row->attempts++;
		if (queue_update(c->st, row, NULL) != STORE_OK)
			log_error("outbox: %s", store_errmsg(c->st));
		c->any_perm = TRUE;
		outbox_notify(c, OUTBOX_EVENT_FAILED, row->account, NULL, row,
		    t, TRUE);
		goto out;
	}
	refused = outbox_refused_text(res.refused, 0);
	if (refused != NULL)
		outbox_set_text(&row->refused, refused);
	if (smtp_status_is_temporary(st))
		outbox_defer(c, row, why, TRUE, st);
	else {
		row->attempts++;
		outbox_fail(c, row, why, refused);
	}
out:
	if (wire != NULL)
		g_bytes_unref(wire);
	store_msg_free(m);
	smtp_result_clear(&res);
}

static void
outbox_flush_account(struct outbox_flush_ctx *c, const char *name,
    GPtrArray *rows)
{
	struct account		*acc;
	struct smtp_session	*ss = NULL;
	g_autofree char		*err = NULL;
	enum smtp_status	 st = SMTP_OK;
	guint			 i, reconnects = 0;

	acc = name != NULL && *name != '\0' ? config_account(c->config,
	    name) : NULL;
	if (acc == NULL || acc->smtp_host == NULL) {
		g_autofree char *t = acc == NULL ?
		    g_strdup_printf(_("no account \"%s\" in the "
		    "configuration"), name) :
		    g_strdup_printf(_("account %s has no smtp_host"), name);

		for (i = 0; i < rows->len; i++) {
			struct queue_row *row = g_ptr_array_index(rows, i);

			outbox_set_text(&row->last_error, t);
			(void)queue_update(c->st, row, QUEUE_QUEUED);
			c->res.skipped++;
		}
		c->any_perm = TRUE;
		outbox_notify(c, OUTBOX_EVENT_ACCOUNT_ERROR, name, NULL, NULL,
		    t, TRUE);
		return;
	}
	for (i = 0; i < rows->len; i++) {
		struct queue_row *row = g_ptr_array_index(rows, i);

		if (ss != NULL && !smtp_session_alive(ss)) {
			smtp_session_close(ss);
			ss = NULL;
			if (reconnects++ >= OUTBOX_RECONNECTS) {
				st = SMTP_ERR_NETWORK;
				err = g_strdup(_("the connection keeps "
				    "dropping"));
			}
		}
		if (ss == NULL && err == NULL) {
			st = outbox_connect(c, acc, &ss, &err);
			if (st != SMTP_OK) {
				gboolean temp = smtp_status_is_temporary(st);

				if (err == NULL)
					err = g_strdup(smtp_strerror(st));
				if (st == SMTP_ERR_INVALID && c->any_cred)
					temp = FALSE;
				else if (st == SMTP_ERR_CERT ||
				    st == SMTP_ERR_NOSTARTTLS)
					/*
					 * TLS refused: the entries stay
					 * queued for a retry, and the exit
					 * status says so (75), not "failed".
					 */
					;
				else if (!temp)
					c->any_perm = TRUE;
				if (st == SMTP_ERR_AUTH || st == SMTP_ERR_PLAINTEXT)
					c->res.refused_login = TRUE;
				outbox_notify(c, OUTBOX_EVENT_ACCOUNT_ERROR,
				    acc->name, acc->smtp_host, NULL, err,
				    !temp);
			}
		}
		if (ss == NULL) {
			/* The rest of this account's entries wait. */
			if (c->any_cred && st == SMTP_ERR_INVALID) {
				outbox_set_text(&row->last_error, err);
				(void)queue_update(c->st, row, QUEUE_QUEUED);
				c->res.skipped++;
			} else
				outbox_defer(c, row, err, TRUE, st);
			continue;
		}
		outbox_send_one(c, acc, ss, row);
	}
	smtp_session_close(ss);
}

enum outbox_status
outbox_flush(struct store *st, struct config *config, unsigned flags,
    outbox_secret_fn secret_fn, void *secret_data, outbox_notify_fn notify,
    void *notify_data, struct outbox_flush_result *result, GError **err)
{
	struct outbox_flush_ctx	 c;
	g_autoptr(GPtrArray)	 rows = NULL;
	g_autoptr(GPtrArray)	 names = NULL;
	g_autoptr(GHashTable)	 by_account = NULL;
	enum store_status	 s;
	enum outbox_status	 ret;
	guint			 i;

	memset(&c, 0, sizeof c);
	c.st = st;
	c.config = config;
	c.secret_fn = secret_fn;
	c.secret_data = secret_data;
	c.notify = notify;
	c.notify_data = notify_data;
	if (result != NULL)
		memset(result, 0, sizeof *result);

	if ((s = store_lock(st, OUTBOX_LOCK)) != STORE_OK) {
		if (s == STORE_ERR_BUSY) {
			g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_BUSY, "%s",
			    _("another sender is running"));
			return OUTBOX_ERR_BUSY;
		}
		return outbox_store_error(st, s, err);
	}
	c.to_file = g_array_new(FALSE, FALSE, sizeof(int64_t));
	if ((ret = outbox_recover(st, config, NULL, err)) != OUTBOX_OK)
		goto out;
	/* Sent before a crash but not filed yet. */
	{
		GArray *ids = NULL;

		if (queue_sent_in(st, STORE_OUTBOX, &ids) == STORE_OK) {
			outbox_file_sent(st, ids);
			g_array_unref(ids);
		}
	}
	if ((s = queue_list(st, (flags & OUTBOX_FLUSH_DUE) ? QUEUE_LIST_DUE |
	    ((flags & OUTBOX_FLUSH_NETWORK) ? QUEUE_LIST_NETWORK : 0) :
	    QUEUE_LIST_QUEUED, (int64_t)time(NULL), &rows)) != STORE_OK) {
		ret = outbox_store_error(st, s, err);
		goto out;
	}
	/* One connection per account, accounts in order of first entry. */
	by_account = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)g_ptr_array_unref);
	names = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; i < rows->len; i++) {
		struct queue_row	*row = g_ptr_array_index(rows, i);
		GPtrArray		*list;

		list = g_hash_table_lookup(by_account, row->account);
		if (list == NULL) {
			list = g_ptr_array_new();
			g_hash_table_insert(by_account, g_strdup(row->account),
			    list);
			g_ptr_array_add(names, g_strdup(row->account));
		}
		g_ptr_array_add(list, row);
	}
	for (i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);

		outbox_flush_account(&c, name,
		    g_hash_table_lookup(by_account, name));
	}
	if (c.any_perm) {
		ret = OUTBOX_ERR_PERM;
		g_set_error(err, OUTBOX_ERROR, ret, "%s", outbox_strerror(ret));
	} else if (c.any_cred) {
		ret = OUTBOX_ERR_CREDENTIALS;
		g_set_error(err, OUTBOX_ERROR, ret, "%s", outbox_strerror(ret));
	} else if (c.any_temp) {
		ret = OUTBOX_ERR_TEMP;
		g_set_error(err, OUTBOX_ERROR, ret, "%s", outbox_strerror(ret));
	} else
		ret = OUTBOX_OK;
out:
	if (c.to_file != NULL) {
		outbox_file_sent(st, c.to_file);
		g_array_unref(c.to_file);
	}
	store_unlock(st, OUTBOX_LOCK);
	if (result != NULL)
		*result = c.res;
	return ret;
}

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
outbox_bounce_score(const struct queue_row *row, const char *rcpt)
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
	if (row->state != NULL && strcmp(row->state, QUEUE_SENT) == 0)
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
outbox_dsn_rcpts(struct store *st, const struct queue_dsn *d)
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
outbox_bounce_one(struct store *st, const struct queue_dsn *d,
    const struct mime_dsn_rcpt *r, gboolean *hit, GError **err)
{
	g_autoptr(GPtrArray)	 rows = NULL;
	g_autofree char		*reason = NULL, *text = NULL;
	struct queue_row	*row = NULL;
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
	if ((s = queue_find_all(st, d->envid, d->original_message_id,
	    &rows)) != STORE_OK)
		return outbox_store_error(st, s, err);
	/* Newest first: the newest of equally good entries wins. */
	for (i = 0; i < rows->len; i++) {
		struct queue_row *q = g_ptr_array_index(rows, i);

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
			if ((s = queue_update(st, row, NULL)) != STORE_OK)
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
	if ((s = queue_meta_get(st, OUTBOX_DSN_WATERMARK, &after)) != STORE_OK)
		return outbox_store_error(st, s, err);
	if ((s = queue_dsn_since(st, after, &dsns, &last)) != STORE_OK)
		return outbox_store_error(st, s, err);
	for (i = 0; i < dsns->len; i++) {
		struct queue_dsn	*d = g_ptr_array_index(dsns, i);
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
	if ((s = queue_meta_set(st, OUTBOX_DSN_WATERMARK, last)) != STORE_OK)
		return outbox_store_error(st, s, err);
	if (matched != NULL)
		*matched = n;
	return OUTBOX_OK;
}
