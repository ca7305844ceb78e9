/*
 * pop3-fetch.c: the sync policy for one account. Which messages are new
 * (UIDL not in the store), download them into the store in durable
 * batches, and only then, where the account's policy says so, DELE what
 * is durable and QUIT to commit it.
 */
#include "satchel-config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "util/util.h"
#include "config/config.h"
#include "store/store.h"
#include "pop3/pop3.h"
#include "pop3/pop3-session.h"

#define BATCH_MSGS	500
#define BATCH_BYTES	(64u * 1024 * 1024)
#define DEFAULT_WINDOW	256
#define PROGRESS_US	(G_USEC_PER_SEC / 20)
#define STATE_FILE	"pop3-state"
/*
 * Without UIDL, a message stored this recently with the same bytes is the
 * same message fetched again after a stop between the commit and QUIT.
 */
#define NOUIDL_WINDOW	(30 * 24 * 3600)

struct fetch {
	struct store	*store;
	const struct account *acct;
	const char	*folder;
	pop3_progress_fn progress;
	void		*pdata;
	struct pop3_progress prog;
	gint64		 last_progress;
	struct pop3_fetch_result *res;

	/* The download. */
	const struct pop3_session_item *items;
	char		**item_uidl;	/* per item, borrowed; NULL: none */
	GArray		*item_size;	/* guint64 per item (LIST) */
	GArray		*sizes;		/* LIST by message number - 1, or NULL; owned */
	guint		 cur;		/* item being downloaded */
	guint64		 cur_bytes;	/* its bytes so far */
	struct store_delivery *d;
	GChecksum	*ck;		/* no UIDL: the bytes, for the hash */
	gboolean	 batch_open;
	guint		 in_batch;
	guint64		 batch_bytes;
	guint64		 batch_budget;	/* commit when batch_bytes reach it */
	/* The counts of f->res before the open batch: a rollback restores them. */
	guint64		 was_new, was_partial, was_skipped, was_unusable;
	guint64		 was_duplicate;
	GArray		*pending;	/* item indexes delivered, not committed */
	GArray		*durable;	/* item indexes committed */
	GError		*store_err;

	/* pop3_fetch_account's run: the session, the listing, the plan. */
	struct pop3_session *s;
	gboolean	 locked;	/* holds the store's "fetch" lock */
	gint64		 now;		/* Unix time at the start */
	guint		 count;		/* messages on the server */
	GPtrArray	*uidls;		/* UIDL key per message - 1, or NULL */
	GHashTable	*known;		/* the store's UIDLs for the account */
	GHashTable	*seen;		/* UIDLs planned already */
	GArray		*plan;		/* struct pop3_session_item: the new */
	GPtrArray	*plan_uidl;	/* per plan entry, borrowed; NULL: none */
	GArray		*dele;		/* message numbers to DELE */
	GPtrArray	*dele_uidl;	/* per dele entry, borrowed; NULL: none */
	gboolean	*deleted;	/* per dele entry: +OK */

	/* fetch_body */
	int64_t		 replace_id;
	int64_t		 new_id;
};

static void		fetch_report(struct fetch *, enum pop3_phase, gboolean);
static enum pop3_status	fetch_store_error(struct fetch *, struct store *,
			    enum store_status, const char *);
static enum pop3_status	fetch_commit(struct fetch *);
static enum pop3_status	sink_begin(guint, void *);
static enum pop3_status	sink_write(const void *, size_t, void *);
static guint64		fetch_size_cap(struct fetch *);
static enum pop3_status	sink_end(guint, void *);
static void		sink_skip(guint, const char *, void *);
static enum pop3_status	sink_end_replace(guint, void *);
static char		*state_path(struct store *);
static void		state_get(struct store *, const char *, gint64 *,
			    gint64 *);
static void		state_put(struct store *, const char *, gint64, gint64);
static enum pop3_status	fetch_connect(struct fetch *,
			    const struct pop3_credentials *,
			    const struct pop3_fetch_opts *,
			    struct pop3_session **, GError **);
static enum pop3_status	fetch_check(const struct account *,
			    const struct pop3_credentials *, GError **);
static gboolean		fetch_wants_delete(const struct account *,
			    const struct store_uidl *, guint64, gint64);
static GHashTable	*fetch_partial_uidls(struct store *, const char *);
static enum pop3_status	fetch_login(struct fetch *,
			    const struct pop3_credentials *,
			    const struct pop3_fetch_opts *, GError **);
static enum pop3_status	fetch_list(struct fetch *, gboolean *, GError **);
static enum pop3_status	fetch_plan(struct fetch *);
static enum pop3_status	fetch_download(struct fetch *,
			    const struct pop3_fetch_opts *, GError **);
static void		fetch_plan_policy_deletes(struct fetch *);
static enum pop3_status	fetch_delete(struct fetch *, GError **);
static enum pop3_status	fetch_quit(struct fetch *, GError **);
static void		fetch_finish(struct fetch *, enum pop3_status, gint64,
			    GError **);
static enum pop3_status	fetch_body_find(struct fetch *, const char *,
			    guint *, GError **);

void
pop3_fetch_result_init(struct pop3_fetch_result *r)
{
	memset(r, 0, sizeof *r);
	r->expire_days = -1;
}

void
pop3_fetch_result_clear(struct pop3_fetch_result *r)
{
	if (r == NULL)
		return;
	g_free(r->server_text);
	pop3_fetch_result_init(r);
}

static void
fetch_report(struct fetch *f, enum pop3_phase phase, gboolean force)
{
	gint64 now;

	if (f->progress == NULL)
		return;
	now = g_get_monotonic_time();
	if (!force && phase == f->prog.phase &&
	    now - f->last_progress < PROGRESS_US)
		return;
	f->prog.phase = phase;
	f->last_progress = now;
	f->progress(&f->prog, f->pdata);
}

static enum pop3_status
fetch_store_error(struct fetch *f, struct store *st, enum store_status ss,
    const char *what)
{
	if (f->store_err == NULL)
		f->store_err = g_error_new(POP3_ERROR, POP3_ERR_STORE,
		    _("%s: %s: %s"), what, store_strerror(ss),
		    store_errmsg(st));
	return POP3_ERR_STORE;
}

/* The batch is gone: the summary counts only what was committed. */
static void
fetch_uncount(struct fetch *f)
{
	if (f->res == NULL)
		return;
	f->res->new_msgs = f->was_new;
	f->res->partial_msgs = f->was_partial;
	f->res->skipped = f->was_skipped;
	f->res->unusable_uidls = f->was_unusable;
	f->res->duplicate_uidls = f->was_duplicate;
}

/* Make the pending deliveries durable and start the next batch. */
static enum pop3_status
fetch_commit(struct fetch *f)
{
	enum store_status ss;

	if (!f->batch_open)
		return POP3_OK;
	f->batch_open = FALSE;
	f->in_batch = 0;
	f->batch_bytes = 0;
	if ((ss = store_commit(f->store)) != STORE_OK) {
		store_rollback(f->store);
		g_array_set_size(f->pending, 0);
		fetch_uncount(f);
		return fetch_store_error(f, f->store, ss,
		    _("Cannot commit fetched mail"));
	}
	g_array_append_vals(f->durable, f->pending->data, f->pending->len);
	g_array_set_size(f->pending, 0);
	return POP3_OK;
}

static enum pop3_status
sink_begin(guint idx, void *data)
{
	struct fetch *f = data;
	enum store_status ss;

	f->cur = idx;
	f->cur_bytes = 0;
	if (f->replace_id == 0 && !f->batch_open) {
		/* Smaller batches as the disk fills: what fits is kept. */
		f->batch_budget = MIN(store_space_budget(f->store),
		    BATCH_BYTES);
		if (f->res != NULL) {
			f->was_new = f->res->new_msgs;
			f->was_partial = f->res->partial_msgs;
			f->was_skipped = f->res->skipped;
			f->was_unusable = f->res->unusable_uidls;
			f->was_duplicate = f->res->duplicate_uidls;
		}
		if ((ss = store_begin(f->store)) != STORE_OK)
			return fetch_store_error(f, f->store, ss,
			    _("Cannot start a store batch"));
		f->batch_open = TRUE;
	}
	ss = store_delivery_begin(f->store, f->folder, &f->d);
	if (ss != STORE_OK) {
		f->d = NULL;
		return fetch_store_error(f, f->store, ss,
		    _("Cannot store a message"));
	}
	g_clear_pointer(&f->ck, g_checksum_free);
	if (f->replace_id == 0 && f->item_uidl[idx] == NULL)
		f->ck = g_checksum_new(G_CHECKSUM_SHA1);
	return POP3_OK;
}

/*
 * Most bytes a message may bring: twice what LIST announced plus 16 MiB
 * (RFC 1939: LIST gives the exact size; CRLF to LF only shrinks it), or
 * 2 GiB when the size is unknown. A server that goes on (a body that never
 * ends) is lying, and would otherwise fill the disk.
 */
static guint64
fetch_size_cap(struct fetch *f)
{
	guint	 msgno = f->items[f->cur].msgno;
	guint64	 listed = 0;

	if (f->sizes != NULL && msgno >= 1 && msgno <= f->sizes->len)
		listed = g_array_index(f->sizes, guint64, msgno - 1);
	if (listed == 0)
		return (guint64)2 << 30;
	if (listed > G_MAXUINT64 / 4)
		return G_MAXUINT64;
	return listed * 2 + ((guint64)16 << 20);
}

static enum pop3_status
sink_write(const void *buf, size_t len, void *data)
{
	struct fetch *f = data;
	enum store_status ss;

	f->cur_bytes += len;
	if (f->cur_bytes > fetch_size_cap(f)) {
		if (f->store_err == NULL)
			f->store_err = g_error_new(POP3_ERROR,
			    POP3_ERR_PROTOCOL, _("%s: message %u is much "
			    "larger than the server announced; stopped after "
			    "%" PRIu64 " bytes"), f->acct->pop3_host,
			    f->items[f->cur].msgno, f->cur_bytes);
		return POP3_ERR_PROTOCOL;
	}
	if ((ss = store_delivery_write(f->d, buf, len)) != STORE_OK)
		return fetch_store_error(f, f->store, ss,
		    _("Cannot store a message"));
	if (f->ck != NULL)
		g_checksum_update(f->ck, buf, (gssize)len);
	f->prog.bytes_done += len;
	f->batch_bytes += len;
	if (f->res != NULL)
		f->res->bytes += len;
	fetch_report(f, POP3_PHASE_FETCH, FALSE);
	return POP3_OK;
}

static enum pop3_status
sink_end(guint idx, void *data)
{
	struct fetch *f = data;
	struct store_origin origin;
	enum store_status ss;
	unsigned flags;

	origin.account = f->acct->name;
	origin.uidl = f->item_uidl[idx];
	flags = f->items[idx].top ? STORE_FLAG_PARTIAL : 0;
	if (f->ck != NULL) {
		gboolean seen = FALSE;

		/* No UIDL: already stored before a stop ahead of QUIT? */
		ss = store_uidl_seen_hash(f->store, f->acct->name,
		    store_uidl_content_hash(f->ck), (int64_t)time(NULL) -
		    NOUIDL_WINDOW, &seen);
		g_clear_pointer(&f->ck, g_checksum_free);
		if (ss != STORE_OK) {
			store_delivery_abort(f->d);
			f->d = NULL;
			return fetch_store_error(f, f->store, ss,
			    _("Cannot store a message"));
		}
		if (seen) {
			/* Durable already: only the DELE is left to do. */
			store_delivery_abort(f->d);
			f->d = NULL;
			g_array_append_val(f->pending, idx);
			f->prog.msgs_done++;
			f->res->skipped++;
			fetch_report(f, POP3_PHASE_FETCH, FALSE);
			return POP3_OK;
		}
	}
	ss = store_delivery_commit(f->d, &origin, flags, NULL);
	f->d = NULL;
	if (ss != STORE_OK)
		return fetch_store_error(f, f->store, ss,
		    _("Cannot store a message"));
	g_array_append_val(f->pending, idx);
	f->in_batch++;
	f->prog.msgs_done++;
	f->res->new_msgs++;
	switch (pop3_session_uidl_kind(f->item_uidl[idx])) {
	case POP3_UIDL_UNUSABLE:
		f->res->unusable_uidls++;
		break;
	case POP3_UIDL_DUPLICATE:
		f->res->duplicate_uidls++;
		break;
	case POP3_UIDL_REAL:
		break;
	}
	if (f->items[idx].top)
		f->res->partial_msgs++;
	fetch_report(f, POP3_PHASE_FETCH, FALSE);
	if (f->in_batch >= BATCH_MSGS || f->batch_bytes >= f->batch_budget)
		return fetch_commit(f);
	return POP3_OK;
}

static void
sink_skip(guint idx, const char *text, void *data)
{
	struct fetch *f = data;
	g_autofree char *safe = sanitize_text(text, -1, 0);

	log_warn("%s: message %u not fetched: %s", f->acct->name,
	    f->items[idx].msgno, safe);
	if (f->res != NULL) {
		g_free(f->res->server_text);
		f->res->server_text = g_strdup(text);
	}
}

static enum pop3_status
sink_end_replace(guint idx, void *data)
{
	struct fetch *f = data;
	enum store_status ss;

	(void)idx;
	ss = store_delivery_commit_replace(f->d, f->replace_id, &f->new_id);
	f->d = NULL;
	if (ss != STORE_OK)
		return fetch_store_error(f, f->store, ss,
		    _("Cannot store the message body"));
	return POP3_OK;
}

static char *
state_path(struct store *st)
{
	return g_build_filename(store_dir(st), STATE_FILE, NULL);
}

/* Last login time and LOGIN-DELAY seen for an account (0 if unknown). */
static void
state_get(struct store *st, const char *account, gint64 *last,
    gint64 *delay)
{
	g_autofree char *path = state_path(st);
	g_autoptr(GKeyFile) kf = g_key_file_new();

	*last = *delay = 0;
	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL))
		return;
	*last = g_key_file_get_int64(kf, account, "last_login", NULL);
	*delay = g_key_file_get_int64(kf, account, "login_delay", NULL);
}

static void
state_put(struct store *st, const char *account, gint64 last, gint64 delay)
{
	g_autofree char *path = state_path(st), *data = NULL;
	g_autoptr(GKeyFile) kf = g_key_file_new();
	gsize len;

	(void)g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL);
	g_key_file_set_int64(kf, account, "last_login", last);
	g_key_file_set_int64(kf, account, "login_delay", delay);
	data = g_key_file_to_data(kf, &len, NULL);
	if (file_write_atomic(path, data, len, 0600) != 0)
		log_warn("%s: %s", path, g_strerror(errno));
}

gint64
pop3_next_allowed(struct store *st, const struct account *acct)
{
	gint64 last, delay;

	state_get(st, acct->name, &last, &delay);
	if (last <= 0 || delay <= 0 || last + delay <= (gint64)time(NULL))
		return 0;
	return last + delay;
}

static enum pop3_status
fetch_check(const struct account *acct, const struct pop3_credentials *cr,
    GError **err)
{
	const char *user = cr != NULL && cr->user != NULL ? cr->user :
	    acct->pop3_user;

	if (acct->pop3_host == NULL || user == NULL || *user == '\0') {
		g_set_error(err, POP3_ERROR, POP3_ERR_CONFIG,
		    _("Account %s: pop3_host and pop3_user must be set"),
		    acct->name);
		return POP3_ERR_CONFIG;
	}
	if (pop3_account_secret(acct) == POP3_SECRET_OAUTH2 ?
	    (cr == NULL || cr->oauth2_token == NULL) :
	    (cr == NULL || cr->password == NULL)) {
		g_set_error(err, POP3_ERROR, POP3_ERR_NO_SECRET,
		    _("Account %s: no %s given"), acct->name,
		    pop3_account_secret(acct) == POP3_SECRET_OAUTH2 ?
		    _("OAuth2 token") : _("password"));
		return POP3_ERR_NO_SECRET;
	}
	return POP3_OK;
}

/* Connect, verify, log in; records the login for LOGIN-DELAY. */
static enum pop3_status
fetch_connect(struct fetch *f, const struct pop3_credentials *cr,
    const struct pop3_fetch_opts *o, struct pop3_session **out,
    GError **err)
{
	const struct account *a = f->acct;
	struct net_endpoint ep;
	struct pop3_session *s = NULL;
	enum pop3_status st;
	gint64 last, delay, now = (gint64)time(NULL);

	*out = NULL;
	state_get(f->store, a->name, &last, &delay);
	if (delay > 0 && last > 0 && last + delay > now &&
	    (o == NULL || !o->ignore_login_delay)) {
		f->res->login_delay = delay;
		f->res->next_allowed = last + delay;
		g_set_error(err, POP3_ERROR, POP3_DEFERRED,
		    _("%s: the server allows one login every %" PRId64
		    " seconds; next fetch possible in %" PRId64
		    " seconds"), a->name, delay, last + delay - now);
		return POP3_DEFERRED;
	}

	config_endpoint(a, CONFIG_SERVICE_POP3, &ep);
	fetch_report(f, POP3_PHASE_CONNECT, TRUE);
	if ((st = pop3_session_open(&ep, o != NULL ? o->cancel : NULL, &s,
	    err)) != POP3_OK)
		return st;
	fetch_report(f, POP3_PHASE_AUTH, TRUE);
	st = pop3_session_auth(s, a->pop3_auth,
	    cr->user != NULL ? cr->user : a->pop3_user, cr->password,
	    cr->oauth2_token, a->allow_plaintext, err);
	if (st == POP3_ERR_LOGIN_DELAY && delay > 0) {
		/* The server counts from a login we did not record. */
		f->res->login_delay = delay;
		f->res->next_allowed = now + delay;
		if (err != NULL && *err != NULL)
			(*err)->code = POP3_DEFERRED;
		st = POP3_DEFERRED;
	}
	if (st != POP3_OK) {
		if (pop3_session_last_error(s) != NULL)
			f->res->server_text =
			    g_strdup(pop3_session_last_error(s));
		pop3_session_free(s);
		return st;
	}
	f->res->expire_days = pop3_session_expire(s);
	f->res->login_delay = pop3_session_login_delay(s);
	if (f->res->login_delay > 0 || delay > 0)
		state_put(f->store, a->name, now, f->res->login_delay);
	if (f->res->login_delay > 0)
		f->res->next_allowed = now + f->res->login_delay;
	*out = s;
	return POP3_OK;
}

/* Does the policy remove this durable message from the server? */
static gboolean
fetch_wants_delete(const struct account *a, const struct store_uidl *u,
    guint64 size, gint64 now)
{
	gboolean body_on_server;

	if (u->deleted_locally && (!a->keep ||
	    a->delete_on_server_when_deleted))
		return TRUE;
	/* A headers-only copy needs the server's copy for its body. */
	body_on_server = a->max_size > 0 && size > a->max_size;
	if (body_on_server)
		return FALSE;
	if (!a->keep)
		return TRUE;
	if (a->delete_after_days > 0 && u->stored_at > 0 &&
	    u->stored_at + (gint64)a->delete_after_days * 86400 <= now)
		return TRUE;
	return FALSE;
}

/*
 * UIDLs of the account's headers-only messages: their bodies exist only on
 * the server, whatever max_size says now. NULL if the store cannot tell.
 */
static GHashTable *
fetch_partial_uidls(struct store *store, const char *account)
{
	struct store_query *q = NULL;
	GHashTable *h;
	GPtrArray *msgs;
	guint64 off = 0;
	guint i, got;

	if (store_query_new(store, "is:partial", NULL, &q, NULL) != STORE_OK)
		return NULL;
	h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	do {
		if (store_query_page(q, STORE_SORT_DATE_ASC, off, 500, &msgs) !=
		    STORE_OK) {
			g_hash_table_unref(h);
			store_query_free(q);
			return NULL;
		}
		got = msgs->len;
		for (i = 0; i < msgs->len; i++) {
			const struct store_msg *m = g_ptr_array_index(msgs, i);

			if (m->uidl != NULL && m->account != NULL &&
			    strcmp(m->account, account) == 0)
				g_hash_table_add(h, g_strdup(m->uidl));
		}
		g_ptr_array_unref(msgs);
		off += got;
	} while (got == 500);
	store_query_free(q);
	return h;
}

/* Check the account, take the store's fetch lock, make the folder, log in. */
static enum pop3_status
fetch_login(struct fetch *f, const struct pop3_credentials *cr,
    const struct pop3_fetch_opts *o, GError **err)
{
	enum store_status ss;
	enum pop3_status st;

	if ((st = fetch_check(f->acct, cr, err)) != POP3_OK)
		return st;
	ss = store_lock(f->store, "fetch");
	if (ss != STORE_OK) {
		st = ss == STORE_ERR_BUSY ? POP3_ERR_LOCKED : POP3_ERR_STORE;
		g_set_error(err, POP3_ERROR, st, ss == STORE_ERR_BUSY ?
		    _("Another fetch is already running on this store") :
		    _("Cannot lock the store: %s"), store_errmsg(f->store));
		return st;
	}
	f->locked = TRUE;
	/* The account's own folder may not exist yet. */
	if ((ss = store_folder_create(f->store, f->folder)) != STORE_OK)
		return fetch_store_error(f, f->store, ss,
		    _("Cannot create the folder for fetched mail"));
	return fetch_connect(f, cr, o, &f->s, err);
}

/*
 * STAT, UIDL and LIST into f->count, f->uidls and f->sizes; without UIDL
 * only delete mode goes on (by message number). *empty: nothing on the
 * server, go straight to QUIT.
 */
static enum pop3_status
fetch_list(struct fetch *f, gboolean *empty, GError **err)
{
	GError *uerr = NULL;
	enum pop3_status st;
	guint64 mbox_size;

	fetch_report(f, POP3_PHASE_LIST, TRUE);
	st = pop3_session_listing(f->s, &f->count, &mbox_size, &f->uidls,
	    &f->sizes, &uerr);
	f->res->server_msgs = f->count;
	*empty = st == POP3_OK && f->count == 0;
	if (st == POP3_ERR_NO_UIDL && !f->acct->keep) {
		/*
		 * Delete mode works without UIDL: messages are fetched by
		 * number and deleted once durable. A stop between the commit
		 * and QUIT leaves them on the server; the next fetch knows
		 * them by their bytes (sink_end) and only deletes them.
		 */
		g_clear_error(&uerr);
		return POP3_OK;
	}
	if (st == POP3_ERR_NO_UIDL) {
		g_clear_error(&uerr);
		g_set_error(err, POP3_ERROR, st,
		    _("%s: the server does not support UIDL, so satchel "
		    "cannot tell which messages it already has; keep mode "
		    "needs it (set keep = false to fetch and delete)"),
		    f->acct->pop3_host);
		return st;
	}
	if (st != POP3_OK)
		g_propagate_error(err, uerr);
	return st;
}

/*
 * The plan: the first occurrence of each UIDL the store does not know,
 * headers only (TOP) where max_size says so, and the progress totals.
 */
static enum pop3_status
fetch_plan(struct fetch *f)
{
	const struct account *acct = f->acct;
	enum store_status ss;
	guint i;

	ss = store_uidl_known(f->store, acct->name, &f->known);
	if (ss != STORE_OK)
		return fetch_store_error(f, f->store, ss,
		    _("Cannot read the known UIDLs"));
	f->plan = g_array_new(FALSE, FALSE, sizeof(struct pop3_session_item));
	f->seen = g_hash_table_new(g_str_hash, g_str_equal);
	f->plan_uidl = g_ptr_array_new();
	for (i = 0; i < f->count; i++) {
		char *u = f->uidls != NULL ? g_ptr_array_index(f->uidls, i) :
		    NULL;
		struct pop3_session_item it = { i + 1, FALSE };

		if (f->uidls != NULL && u == NULL)
			continue;	/* left out of the listing */
		if (u != NULL && (g_hash_table_contains(f->known, u) ||
		    !g_hash_table_add(f->seen, u))) {
			f->res->skipped++;
			continue;
		}
		g_array_append_val(f->plan, it);
		g_ptr_array_add(f->plan_uidl, u);
	}
	/* Sizes: for max_size, progress, and deciding deletions. */
	for (i = 0; i < f->plan->len; i++) {
		struct pop3_session_item *it = &g_array_index(f->plan,
		    struct pop3_session_item, i);
		guint64 sz = g_array_index(f->sizes, guint64, it->msgno - 1);

		if (acct->max_size > 0 && sz > acct->max_size &&
		    (pop3_session_caps(f->s) & POP3_CAP_TOP) &&
		    g_ptr_array_index(f->plan_uidl, i) != NULL)
			it->top = TRUE;
		f->prog.bytes_total += it->top ? 0 : sz;
	}
	f->prog.msgs_total = f->plan->len;
	return POP3_OK;
}

/*
 * The fetch loop: download the plan (pipelined) through the sinks, which
 * commit in batches; whatever arrived whole is committed even after an
 * error.
 */
static enum pop3_status
fetch_download(struct fetch *f, const struct pop3_fetch_opts *o,
    GError **err)
{
	struct pop3_session_sink sink;
	struct pop3_fetch_result *result = f->res;
	enum pop3_status st;
	guint window;

	if (f->plan->len == 0)
		return POP3_OK;
	f->items = (const struct pop3_session_item *)f->plan->data;
	f->item_uidl = (char **)f->plan_uidl->pdata;
	sink.begin = sink_begin;
	sink.write = sink_write;
	sink.end = sink_end;
	sink.skip = sink_skip;
	sink.data = f;
	window = o != NULL && o->window > 0 ? o->window : DEFAULT_WINDOW;
	fetch_report(f, POP3_PHASE_FETCH, TRUE);
	st = pop3_session_fetch(f->s, f->items, f->plan->len, window, &sink,
	    err);
	if (f->d != NULL) {
		store_delivery_abort(f->d);
		f->d = NULL;
	}
	/* Whatever arrived whole stays, even after an error. */
	if (fetch_commit(f) != POP3_OK && st == POP3_OK)
		st = POP3_ERR_STORE;
	if ((st == POP3_ERR_STORE || st == POP3_ERR_PROTOCOL) &&
	    f->store_err != NULL) {
		g_clear_error(err);
		g_propagate_error(err, f->store_err);
		f->store_err = NULL;
	}
	if (result->unusable_uidls > 0 || result->duplicate_uidls > 0)
		log_warn("%s: %s lists %" PRIu64 " new messages with a "
		    "UIDL that breaks RFC 1939 and %" PRIu64 " with "
		    "the same UIDL as another; they are stored under "
		    "keys of their own", f->acct->name, f->acct->pop3_host,
		    result->unusable_uidls, result->duplicate_uidls);
	return st;
}

/*
 * With a UIDL listing: the messages the account's policy removes from the
 * server, of those durable in the store (known before, or committed now),
 * never a headers-only one whose body is still needed.
 */
static void
fetch_plan_policy_deletes(struct fetch *f)
{
	const struct account *acct = f->acct;
	g_autoptr(GHashTable) fresh = g_hash_table_new(g_str_hash,
	    g_str_equal);
	g_autoptr(GHashTable) once = g_hash_table_new(g_str_hash,
	    g_str_equal);
	g_autoptr(GHashTable) partial = fetch_partial_uidls(f->store,
	    acct->name);
	guint i;

	if (partial == NULL) {
		log_warn("%s: %s; nothing is deleted on the server "
		    "this time", acct->name, store_errmsg(f->store));
	}
	for (i = 0; i < f->durable->len; i++) {
		guint idx = g_array_index(f->durable, guint, i);
		g_hash_table_add(fresh, f->item_uidl[idx]);
	}
	for (i = 0; partial != NULL && i < f->count; i++) {
		char *u = g_ptr_array_index(f->uidls, i);
		struct store_uidl fake = { u, f->now, FALSE };
		const struct store_uidl *k;
		guint64 sz = f->sizes != NULL ? g_array_index(f->sizes,
		    guint64, i) : 0;
		guint msgno = i + 1;

		if (u == NULL || !g_hash_table_add(once, u))
			continue;
		k = g_hash_table_lookup(f->known, u);
		if (k == NULL && g_hash_table_contains(fresh, u))
			k = &fake;
		if (k == NULL || !fetch_wants_delete(acct, k, sz, f->now))
			continue;
		/* Headers only here: the body is still needed. */
		if (g_hash_table_contains(partial, u))
			continue;
		g_array_append_val(f->dele, msgno);
		g_ptr_array_add(f->dele_uidl, u);
	}
}

/* Deletions: DELE only what is durable in the store (committed at QUIT). */
static enum pop3_status
fetch_delete(struct fetch *f, GError **err)
{
	const struct account *acct = f->acct;
	guint i;

	f->dele = g_array_new(FALSE, FALSE, sizeof(guint));
	f->dele_uidl = g_ptr_array_new();
	if (f->uidls == NULL) {
		for (i = 0; i < f->durable->len; i++) {
			guint idx = g_array_index(f->durable, guint, i);
			g_array_append_val(f->dele, g_array_index(f->plan,
			    struct pop3_session_item, idx).msgno);
			g_ptr_array_add(f->dele_uidl, NULL);
		}
	} else if (!acct->keep || acct->delete_after_days > 0 ||
	    acct->delete_on_server_when_deleted)
		fetch_plan_policy_deletes(f);
	if (f->dele->len == 0)
		return POP3_OK;
	fetch_report(f, POP3_PHASE_DELETE, TRUE);
	f->deleted = g_new0(gboolean, f->dele->len);
	return pop3_session_dele(f->s, (guint *)f->dele->data, f->dele->len,
	    DEFAULT_WINDOW * 4, f->deleted, err);
}

/*
 * QUIT, which commits the DELEs: count them and forget their UIDLs; on
 * failure keep the server's last words.
 */
static enum pop3_status
fetch_quit(struct fetch *f, GError **err)
{
	struct pop3_fetch_result *result = f->res;
	enum pop3_status st;
	guint i;

	st = pop3_session_quit(f->s, err);
	if (st == POP3_OK && f->dele != NULL) {
		for (i = 0; i < f->dele->len; i++) {
			const char *u = g_ptr_array_index(f->dele_uidl, i);

			if (!f->deleted[i])
				continue;
			result->deleted++;
			if (u != NULL && store_uidl_forget(f->store,
			    f->acct->name, u) != STORE_OK)
				log_warn("%s: %s", f->acct->name,
				    store_errmsg(f->store));
		}
	}
	if (st != POP3_OK && pop3_session_last_error(f->s) != NULL) {
		/* A skipped message may have set it already. */
		g_free(result->server_text);
		result->server_text = g_strdup(pop3_session_last_error(f->s));
	}
	return st;
}

/*
 * The result: roll back an open batch, keep the server's last words for an
 * error, close without QUIT if it was not sent, unlock, hand over a store
 * error, report DONE and free the run.
 */
static void
fetch_finish(struct fetch *f, enum pop3_status st, gint64 t0, GError **err)
{
	struct pop3_fetch_result *result = f->res;

	if (f->batch_open) {
		store_rollback(f->store);
		fetch_uncount(f);
	}
	if (st != POP3_OK && st != POP3_DEFERRED && f->s != NULL &&
	    result->server_text == NULL &&
	    pop3_session_last_error(f->s) != NULL)
		result->server_text = g_strdup(pop3_session_last_error(f->s));
	pop3_session_free(f->s);
	f->s = NULL;
	if (f->locked)
		store_unlock(f->store, "fetch");
	if (f->store_err != NULL) {
		if (err != NULL && *err == NULL)
			g_propagate_error(err, f->store_err);
		else
			g_error_free(f->store_err);
		f->store_err = NULL;
	}
	result->elapsed_us = g_get_monotonic_time() - t0;
	fetch_report(f, POP3_PHASE_DONE, TRUE);
	g_free(f->deleted);
	if (f->plan_uidl != NULL)
		g_ptr_array_free(f->plan_uidl, TRUE);
	if (f->dele_uidl != NULL)
		g_ptr_array_free(f->dele_uidl, TRUE);
	if (f->dele != NULL)
		g_array_unref(f->dele);
	if (f->seen != NULL)
		g_hash_table_unref(f->seen);
	if (f->known != NULL)
		g_hash_table_unref(f->known);
	if (f->plan != NULL)
		g_array_unref(f->plan);
	if (f->sizes != NULL)
		g_array_unref(f->sizes);
	if (f->uidls != NULL)
		g_ptr_array_unref(f->uidls);
	g_array_unref(f->pending);
	g_array_unref(f->durable);
	if (f->ck != NULL)
		g_checksum_free(f->ck);
}

enum pop3_status
pop3_fetch_account(struct store *store, const struct account *acct,
    const struct pop3_credentials *cr, const struct pop3_fetch_opts *o,
    pop3_progress_fn progress, void *pdata, struct pop3_fetch_result *result,
    GError **err)
{
	struct pop3_fetch_result local;
	struct fetch f;
	enum pop3_status st;
	gboolean empty = FALSE;
	gint64 t0 = g_get_monotonic_time();

	if (result == NULL)
		result = &local;
	pop3_fetch_result_init(result);
	memset(&f, 0, sizeof f);
	f.store = store;
	f.acct = acct;
	f.folder = acct->folder != NULL ? acct->folder : STORE_INBOX;
	f.progress = progress;
	f.pdata = pdata;
	f.prog.account = acct->name;
	f.res = result;
	f.now = (gint64)time(NULL);
	f.pending = g_array_new(FALSE, FALSE, sizeof(guint));
	f.durable = g_array_new(FALSE, FALSE, sizeof(guint));

	if ((st = fetch_login(&f, cr, o, err)) == POP3_OK)
		st = fetch_list(&f, &empty, err);
	if (st == POP3_OK && !empty && (st = fetch_plan(&f)) == POP3_OK &&
	    (st = fetch_download(&f, o, err)) == POP3_OK)
		st = fetch_delete(&f, err);
	if (st == POP3_OK)
		st = fetch_quit(&f, err);
	fetch_finish(&f, st, t0, err);
	if (result == &local)
		pop3_fetch_result_clear(&local);
	return st;
}

/*
 * pop3_fetch_body's listing: STAT and UIDL on f->s, and the number of the
 * message listed with uidl; POP3_ERR_NOTFOUND (after QUIT) if none is.
 */
static enum pop3_status
fetch_body_find(struct fetch *f, const char *uidl, guint *msgno,
    GError **err)
{
	enum pop3_status st;
	guint64 mbox_size;
	guint i;

	if ((st = pop3_session_stat(f->s, &f->count, &mbox_size, err)) !=
	    POP3_OK)
		return st;
	if (f->count > 0 && (st = pop3_session_uidl(f->s, f->count,
	    &f->uidls, err)) != POP3_OK)
		return st;
	for (i = 0; i < f->count; i++) {
		const char *u = g_ptr_array_index(f->uidls, i);

		if (u != NULL && strcmp(u, uidl) == 0) {
			*msgno = i + 1;
			return POP3_OK;
		}
	}
	g_set_error(err, POP3_ERROR, POP3_ERR_NOTFOUND,
	    _("%s: the message is no longer on the server"),
	    f->acct->pop3_host);
	(void)pop3_session_quit(f->s, NULL);
	return POP3_ERR_NOTFOUND;
}

enum pop3_status
pop3_fetch_body(struct store *store, const struct account *acct,
    const struct pop3_credentials *cr, int64_t msg_id,
    const struct pop3_fetch_opts *o, pop3_progress_fn progress, void *pdata,
    int64_t *new_id, GError **err)
{
	struct pop3_fetch_result res;
	struct store_msg *m = NULL;
	struct pop3_session *s = NULL;
	struct pop3_session_sink sink;
	struct pop3_session_item it = { 0, FALSE };
	struct fetch f;
	enum store_status ss;
	enum pop3_status st;
	gboolean locked = FALSE;
	char *uidl_one[1];

	pop3_fetch_result_init(&res);
	memset(&f, 0, sizeof f);
	if (new_id != NULL)
		*new_id = msg_id;
	if ((ss = store_msg_get(store, msg_id, &m)) != STORE_OK) {
		g_set_error(err, POP3_ERROR, POP3_ERR_STORE, "%s",
		    store_errmsg(store));
		return POP3_ERR_STORE;
	}
	if (!(m->flags & STORE_FLAG_PARTIAL)) {
		store_msg_free(m);
		return POP3_OK;
	}
	if (m->account == NULL || m->uidl == NULL ||
	    strcmp(m->account, acct->name) != 0) {
		g_set_error(err, POP3_ERROR, POP3_ERR_CONFIG,
		    _("The message was not fetched by account %s"), acct->name);
		store_msg_free(m);
		return POP3_ERR_CONFIG;
	}
	f.store = store;
	f.acct = acct;
	f.folder = m->folder;
	f.progress = progress;
	f.pdata = pdata;
	f.prog.account = acct->name;
	f.prog.msgs_total = 1;
	f.res = &res;
	f.replace_id = msg_id;
	f.new_id = msg_id;

	if ((st = fetch_check(acct, cr, err)) != POP3_OK)
		goto out;
	if ((ss = store_lock(store, "fetch")) != STORE_OK) {
		st = ss == STORE_ERR_BUSY ? POP3_ERR_LOCKED : POP3_ERR_STORE;
		g_set_error(err, POP3_ERROR, st, "%s", ss == STORE_ERR_BUSY ?
		    _("Another fetch is already running on this store") :
		    store_errmsg(store));
		goto out;
	}
	locked = TRUE;
	if ((st = fetch_connect(&f, cr, o, &s, err)) != POP3_OK)
		goto out;
	f.s = s;
	if ((st = fetch_body_find(&f, m->uidl, &it.msgno, err)) != POP3_OK)
		goto out;
	uidl_one[0] = m->uidl;
	f.items = &it;
	f.item_uidl = uidl_one;
	sink.begin = sink_begin;
	sink.write = sink_write;
	sink.end = sink_end_replace;
	sink.skip = sink_skip;
	sink.data = &f;
	fetch_report(&f, POP3_PHASE_FETCH, TRUE);
	st = pop3_session_fetch(s, &it, 1, 1, &sink, err);
	if (f.d != NULL) {
		store_delivery_abort(f.d);
		f.d = NULL;
	}
	if (st == POP3_ERR_STORE && f.store_err != NULL) {
		g_clear_error(err);
		g_propagate_error(err, f.store_err);
		f.store_err = NULL;
	}
	if (st == POP3_OK && f.new_id == msg_id && res.server_text != NULL) {
		st = POP3_ERR_SERVER;
		g_set_error(err, POP3_ERROR, st, _("%s: RETR refused: %s"),
		    acct->pop3_host, res.server_text);
	}
	if (st != POP3_OK)
		goto out;
	if (new_id != NULL)
		*new_id = f.new_id;
	st = pop3_session_quit(s, err);
out:
	pop3_session_free(s);
	if (locked)
		store_unlock(store, "fetch");
	if (f.store_err != NULL)
		g_error_free(f.store_err);
	if (f.uidls != NULL)
		g_ptr_array_unref(f.uidls);
	fetch_report(&f, POP3_PHASE_DONE, TRUE);
	pop3_fetch_result_clear(&res);
	store_msg_free(m);
	return st;
}
