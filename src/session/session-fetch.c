/*
 * session-fetch.c: fetching for every front end (session.h). The one
 * place that walks the accounts, finds each one's secret (its command, or
 * the front end's prompt), runs pop3_fetch_account and matches the
 * bounces that arrived; satchel fetch, satchel sync and the reader only
 * show what it reports through their callbacks.
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "config/config.h"
#include "store/store.h"
#include "pop3/pop3.h"
#include "smtp/outbox.h"
#include "session/session.h"

static enum pop3_status session_fetch_secret(const struct account *,
		    session_ask_fn, void *, struct pop3_credentials *,
		    char **, GError **);
static enum pop3_status session_fetch_one(struct store *, struct account *,
		    unsigned, struct pop3_cancel *,
		    const struct session_fetch_ops *, guint64 *);

/*
 * The POP3 secret of a into cr (*secret holds it, for the caller to
 * free). POP3_OK, POP3_ERR_NO_SECRET (none given) or POP3_ERR_CONFIG (the
 * command failed), with *err from the config.
 */
static enum pop3_status
session_fetch_secret(const struct account *a, session_ask_fn ask, void *data,
    struct pop3_credentials *cr, char **secret, GError **err)
{
	enum session_secret_kind	kind = session_pop3_secret_kind(a);
	enum config_status		cs;

	memset(cr, 0, sizeof *cr);
	cs = session_secret(a, CONFIG_SERVICE_POP3, kind, ask, data, secret,
	    err);
	if (cs == CONFIG_ERR_NO_SECRET)
		return POP3_ERR_NO_SECRET;
	if (cs != CONFIG_OK)
		return POP3_ERR_CONFIG;
	if (kind == SESSION_SECRET_TOKEN)
		cr->oauth2_token = *secret;
	else
		cr->password = *secret;
	return POP3_OK;
}

/* One account: its secret, its fetch, what the front end is told. */
static enum pop3_status
session_fetch_one(struct store *st, struct account *a, unsigned flags,
    struct pop3_cancel *cancel, const struct session_fetch_ops *ops,
    guint64 *new_msgs)
{
	struct pop3_credentials	 cr;
	struct pop3_fetch_opts	 opts;
	struct pop3_fetch_result res;
	enum pop3_status	 ps;
	GError			*err = NULL;
	char			*secret = NULL;
	gint64			 next;

	pop3_fetch_result_init(&res);
	if ((flags & SESSION_FETCH_DELAY_FIRST) &&
	    (next = pop3_next_allowed(st, a)) > 0) {
		res.next_allowed = next;
		ps = POP3_DEFERRED;
		goto out;
	}
	ps = session_fetch_secret(a, ops->ask, ops->data, &cr, &secret, &err);
	if (ps != POP3_OK) {
		if (ops->account_done != NULL)
			ops->account_done(a, ps, NULL, err, ops->data);
		g_clear_error(&err);
		return ps;
	}
	memset(&opts, 0, sizeof opts);
	opts.cancel = cancel;
	ps = pop3_fetch_account(st, a, &cr, &opts, ops->progress, ops->data,
	    &res, &err);
	config_secret_free(secret);
	*new_msgs += res.new_msgs;
out:
	if (ops->account_done != NULL)
		ops->account_done(a, ps, &res, err, ops->data);
	g_clear_error(&err);
	pop3_fetch_result_clear(&res);
	return ps;
}

void
session_fetch(struct store *st, struct config *c, GPtrArray *accounts,
    unsigned flags, struct pop3_cancel *cancel,
    const struct session_fetch_ops *ops, struct session_fetch_result *res)
{
	GPtrArray	*list = accounts != NULL ? accounts : c->accounts;
	struct account	*a;
	guint		 i;

	memset(res, 0, sizeof *res);
	for (i = 0; list != NULL && i < list->len; i++) {
		a = g_ptr_array_index(list, i);
		if (a->pop3_host == NULL)
			continue;
		if (pop3_cancel_is_set(cancel))
			break;
		(void)session_fetch_one(st, a, flags, cancel, ops,
		    &res->new_msgs);
	}
	/* Bounces that just arrived are matched to the mail we sent. */
	if (res->new_msgs > 0 || (flags & SESSION_FETCH_BOUNCES_ALWAYS))
		(void)outbox_match_bounces(st, &res->bounced, &res->bounce_err);
}

enum pop3_status
session_fetch_body(struct store *st, struct config *c, int64_t msg_id,
    struct pop3_cancel *cancel, pop3_progress_fn progress, session_ask_fn ask,
    void *data, int64_t *new_id, GError **err)
{
	struct store_msg	*m = NULL;
	struct account		*a = NULL;
	struct pop3_credentials	 cr;
	struct pop3_fetch_opts	 opts;
	enum pop3_status	 ps;
	char			*secret = NULL;

	*new_id = -1;
	if (store_msg_get(st, msg_id, &m) != STORE_OK) {
		g_set_error(err, POP3_ERROR, POP3_ERR_STORE, "%s",
		    store_errmsg(st));
		return POP3_ERR_STORE;
	}
	if (m->account != NULL)
		a = config_account(c, m->account);
	if (a == NULL || a->pop3_host == NULL) {
		g_set_error(err, POP3_ERROR, POP3_ERR_CONFIG, _("no account "
		    "'%s' fetches this message"), m->account != NULL ?
		    m->account : "");
		ps = POP3_ERR_CONFIG;
		goto out;
	}
	ps = session_fetch_secret(a, ask, data, &cr, &secret, err);
	if (ps == POP3_ERR_NO_SECRET) {
		g_clear_error(err);
		g_set_error(err, POP3_ERROR, ps, "%s", _("no password given"));
	}
	if (ps != POP3_OK)
		goto out;
	memset(&opts, 0, sizeof opts);
	opts.cancel = cancel;
	ps = pop3_fetch_body(st, a, &cr, msg_id, &opts, progress, data,
	    new_id, err);
	if (ps != POP3_OK && err != NULL && *err == NULL)
		g_set_error(err, POP3_ERROR, ps, "%s", pop3_strerror(ps));
out:
	config_secret_free(secret);
	store_msg_free(m);
	return ps;
}
