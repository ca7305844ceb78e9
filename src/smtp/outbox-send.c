/*
 * outbox-send.c: the sender (layer smtp): outbox_flush takes the send
 * lock, files what a crash left sent in the Outbox, and sends the due
 * entries, one SMTP connection per account; each entry's outcome (sent,
 * maybe sent, deferred, failed) is recorded in its row before the next.
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
#include "smtp/smtp.h"
#include "smtp/outbox-private.h"

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

static void	 outbox_notify(struct outbox_flush_ctx *,
		    enum outbox_event_type, const char *, const char *,
		    const struct store_queue_row *, const char *, gboolean);
static void	 outbox_flush_account(struct outbox_flush_ctx *,
		    const char *, GPtrArray *);
static enum smtp_status outbox_connect(struct outbox_flush_ctx *,
		    struct account *, struct smtp_session **, char **);
static void	 outbox_send_one(struct outbox_flush_ctx *,
		    struct smtp_session *, struct store_queue_row *);
static gboolean	 outbox_send_claim(struct outbox_flush_ctx *,
		    struct store_queue_row *, struct store_msg **, char **,
		    size_t *);
static enum smtp_status outbox_send_transmit(struct outbox_flush_ctx *,
		    struct smtp_session *, struct store_queue_row *, GBytes *,
		    struct smtp_result *, gboolean *);
static void	 outbox_send_done(struct outbox_flush_ctx *,
		    struct store_queue_row *, const struct smtp_result *,
		    const char *, size_t);
static void	 outbox_send_maybe(struct outbox_flush_ctx *,
		    struct store_queue_row *, const char *);
static void	 outbox_send_refused(struct outbox_flush_ctx *,
		    struct store_queue_row *, const struct smtp_result *,
		    const char *, enum smtp_status);
static void	 outbox_defer(struct outbox_flush_ctx *,
		    struct store_queue_row *, const char *, gboolean,
		    enum smtp_status);
static void	 outbox_fail(struct outbox_flush_ctx *,
		    struct store_queue_row *, const char *, const char *);
static void	 outbox_set_text(char **, const char *);
static char	*outbox_refused_text(GPtrArray *, int);
static enum store_status outbox_requeue_refused(struct outbox_flush_ctx *,
		    const struct store_queue_row *, GPtrArray *, const void *,
		    gsize, gboolean *);
static void	 outbox_file_sent(struct store *, GArray *);
static gboolean	 outbox_before_dot(void *);

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
    const char *account, const char *host, const struct store_queue_row *row,
    const char *text, gboolean permanent)
{
	struct outbox_event	 ev;
	struct outbox_entry	 e;

	if (c->notify == NULL)
		return;
	/* The row, borrowed for the call (a sender runs: not maybe sent). */
	memset(&e, 0, sizeof e);
	if (row != NULL)
		e.row = *row;
	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.account = account;
	ev.host = host;
	ev.entry = row != NULL ? &e : NULL;
	ev.text = text;
	ev.permanent = permanent;
	c->notify(&ev, c->notify_data);
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
outbox_defer(struct outbox_flush_ctx *c, struct store_queue_row *row,
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
	row->state = STORE_QUEUE_QUEUED;
	outbox_set_text(&row->last_error, why);
	row->wait = network ? STORE_QUEUE_WAIT_NETWORK :
	    STORE_QUEUE_WAIT_SERVER;
	row->next_try = now + (network ?
	    outbox_retry_network_delay(MAX(row->attempts, 1)) :
	    outbox_retry_delay(MAX(row->attempts, 1)));
	if (store_queue_update(c->st, row) != STORE_OK)
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
outbox_fail(struct outbox_flush_ctx *c, struct store_queue_row *row,
    const char *why, const char *refused)
{
	row->state = STORE_QUEUE_FAILED;
	outbox_set_text(&row->last_error, why);
	row->wait = STORE_QUEUE_WAIT_NONE;
	if (refused != NULL)
		outbox_set_text(&row->refused, refused);
	if (store_queue_update(c->st, row) != STORE_OK)
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
outbox_requeue_refused(struct outbox_flush_ctx *c,
    const struct store_queue_row *row, GPtrArray *refused, const void *data,
    gsize len, gboolean *queued)
{
	g_autoptr(GPtrArray)	 rcpts = g_ptr_array_new_with_free_func(g_free);
	g_autofree char		*why = NULL;
	struct store_queue_row	 copy;
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
	copy.state = STORE_QUEUE_QUEUED;
	copy.attempts = 1;
	copy.next_try = now + outbox_retry_delay(1);
	copy.last_try = now;
	copy.sent_at = 0;
	copy.last_error = why;
	copy.refused = NULL;
	copy.bounce = NULL;
	copy.wait = STORE_QUEUE_WAIT_SERVER;
	if ((s = store_deliver(c->st, STORE_OUTBOX, data, len, NULL,
	    STORE_FLAG_SEEN, &msg_id)) != STORE_OK)
		return s;
	copy.msg_id = msg_id;
	if ((s = store_queue_insert(c->st, &copy, NULL)) != STORE_OK)
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
	struct store_queue_row	*row;
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

	d->row->state = STORE_QUEUE_SENDING;
	if (store_queue_update_if(d->c->st, d->row, STORE_QUEUE_QUEUED) !=
	    STORE_OK) {
		log_error("outbox: %" G_GINT64_FORMAT " not sent: %s",
		    d->row->id, store_errmsg(d->c->st));
		d->lost = TRUE;
		return FALSE;
	}
	return TRUE;
}

/*
 * Claim row for this send and read its file: only an entry still queued
 * (the user may have held it). It stays "queued" until the whole message
 * is with the server: a stop before the final dot of DATA leaves it to be
 * retried without asking. FALSE when there is nothing to send (counted).
 */
static gboolean
outbox_send_claim(struct outbox_flush_ctx *c, struct store_queue_row *row,
    struct store_msg **m, char **data, size_t *len)
{
	row->last_try = (int64_t)time(NULL);
	if (store_queue_update_if(c->st, row, STORE_QUEUE_QUEUED) != STORE_OK) {
		c->res.skipped++;
		return FALSE;
	}
	if (store_msg_get(c->st, row->msg_id, m) != STORE_OK ||
	    (*data = file_read_all((*m)->path, len)) == NULL) {
		outbox_fail(c, row, _("the message file is missing from the "
		    "Outbox"), NULL);
		return FALSE;
	}
	return TRUE;
}

/*
 * The SMTP transaction for row, with "sending" recorded just before the
 * final dot. *lost: the entry was not sendable at the dot (held, deleted
 * or not recordable): the server never got it.
 */
static enum smtp_status
outbox_send_transmit(struct outbox_flush_ctx *c, struct smtp_session *ss,
    struct store_queue_row *row, GBytes *wire, struct smtp_result *res,
    gboolean *lost)
{
	struct outbox_dot	 dot;
	enum smtp_status	 st;

	dot.c = c;
	dot.row = row;
	dot.lost = FALSE;
	smtp_session_set_before_dot(ss, outbox_before_dot, &dot);
	st = smtp_session_send(ss, row->from, row->recipients, row->envid,
	    g_bytes_get_data(wire, NULL), g_bytes_get_size(wire), res);
	smtp_session_set_before_dot(ss, NULL, NULL);
	*lost = dot.lost;
	return st;
}

/*
 * The server took the message: record "sent" (with a retry copy for the
 * recipients refused with 4xx, in the same batch), then queue the file
 * for Sent.
 */
static void
outbox_send_done(struct outbox_flush_ctx *c, struct store_queue_row *row,
    const struct smtp_result *res, const char *data, size_t len)
{
	g_autofree char		*refused = NULL;
	enum store_status	 s;
	gboolean		 requeued = FALSE;

	refused = outbox_refused_text(res->refused, 0);
	row->state = STORE_QUEUE_SENT;
	outbox_set_text(&row->refused, refused);
	outbox_set_text(&row->last_error, NULL);
	row->wait = STORE_QUEUE_WAIT_NONE;
	row->sent_at = (int64_t)time(NULL);
	row->attempts++;
	/* The retry copy for 4xx recipients and "sent": together. */
	if ((s = store_begin(c->st)) == STORE_OK &&
	    (s = outbox_requeue_refused(c, row, res->refused, data,
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
	    (s = store_queue_update(c->st, row)) == STORE_OK)
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
	if (res->refused->len > 0)
		c->res.partial++;
	if (requeued) {
		c->res.deferred++;
		c->any_temp = TRUE;
	}
	outbox_notify(c, OUTBOX_EVENT_SENT, row->account, NULL, row,
	    refused, FALSE);
}

/*
 * The link dropped after the whole message was written, before the
 * server's reply: the at-most-once window. The entry stays "sending"
 * (maybe sent) and the user decides.
 */
static void
outbox_send_maybe(struct outbox_flush_ctx *c, struct store_queue_row *row,
    const char *why)
{
	g_autofree char *t = g_strdup_printf(_("%s after the whole "
	    "message was sent: the server may have accepted it"), why);

	outbox_set_text(&row->last_error, t);
	row->attempts++;
	if (store_queue_update(c->st, row) != STORE_OK)
		log_error("outbox: %s", store_errmsg(c->st));
	c->any_perm = TRUE;
	outbox_notify(c, OUTBOX_EVENT_FAILED, row->account, NULL, row,
	    t, TRUE);
}

/*
 * The server (or the network) refused the message: the refusals are
 * recorded, then a temporary error is retried later and a permanent one
 * fails the entry.
 */
static void
outbox_send_refused(struct outbox_flush_ctx *c, struct store_queue_row *row,
    const struct smtp_result *res, const char *why, enum smtp_status st)
{
	g_autofree char	*refused = NULL;

	refused = outbox_refused_text(res->refused, 0);
	if (refused != NULL)
		outbox_set_text(&row->refused, refused);
	if (smtp_status_is_temporary(st))
		outbox_defer(c, row, why, TRUE, st);
	else {
		row->attempts++;
		outbox_fail(c, row, why, refused);
	}
}

/* Send one queued entry over ss and record what the server said. */
static void
outbox_send_one(struct outbox_flush_ctx *c, struct smtp_session *ss,
    struct store_queue_row *row)
{
	struct store_msg	*m = NULL;
	struct smtp_result	 res;
	g_autofree char		*data = NULL, *why = NULL;
	GBytes			*wire = NULL;
	enum smtp_status	 st;
	size_t			 len = 0;
	gboolean		 lost;

	smtp_result_init(&res);
	if (!outbox_send_claim(c, row, &m, &data, &len))
		goto out;
	wire = compose_wire_bytes(data, len);
	outbox_notify(c, OUTBOX_EVENT_SENDING, row->account, NULL, row, NULL,
	    FALSE);
	st = outbox_send_transmit(c, ss, row, wire, &res, &lost);
	if (lost) {
		c->res.skipped++;
		goto out;
	}
	why = res.code > 0 ? g_strdup_printf("%d %s", res.code,
	    res.text != NULL ? res.text : "") : g_strdup(res.text != NULL ?
	    res.text : smtp_strerror(st));
	if (st == SMTP_OK)
		outbox_send_done(c, row, &res, data, len);
	else if (res.data_done && !smtp_session_alive(ss))
		outbox_send_maybe(c, row, why);
	else
		outbox_send_refused(c, row, &res, why, st);
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
			struct store_queue_row *row = g_ptr_array_index(rows,
			    i);

			outbox_set_text(&row->last_error, t);
			(void)store_queue_update_if(c->st, row,
			    STORE_QUEUE_QUEUED);
			c->res.skipped++;
		}
		c->any_perm = TRUE;
		outbox_notify(c, OUTBOX_EVENT_ACCOUNT_ERROR, name, NULL, NULL,
		    t, TRUE);
		return;
	}
	for (i = 0; i < rows->len; i++) {
		struct store_queue_row *row = g_ptr_array_index(rows, i);

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
				(void)store_queue_update_if(c->st, row,
				    STORE_QUEUE_QUEUED);
				c->res.skipped++;
			} else
				outbox_defer(c, row, err, TRUE, st);
			continue;
		}
		outbox_send_one(c, ss, row);
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

		if (store_queue_sent_in(st, STORE_OUTBOX, &ids) == STORE_OK) {
			outbox_file_sent(st, ids);
			g_array_unref(ids);
		}
	}
	if ((s = store_queue_list(st, (flags & OUTBOX_FLUSH_DUE) ?
	    STORE_QUEUE_LIST_DUE | ((flags & OUTBOX_FLUSH_NETWORK) ?
	    STORE_QUEUE_LIST_NETWORK : 0) : STORE_QUEUE_LIST_QUEUED,
	    (int64_t)time(NULL), &rows)) != STORE_OK) {
		ret = outbox_store_error(st, s, err);
		goto out;
	}
	/* One connection per account, accounts in order of first entry. */
	by_account = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)g_ptr_array_unref);
	names = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; i < rows->len; i++) {
		struct store_queue_row	*row = g_ptr_array_index(rows, i);
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
