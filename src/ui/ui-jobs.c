/*
 * ui-jobs.c: fetching and sending in the background.
 *
 * Each job is a GThread with its own store handle (handles are
 * single-thread). It never draws: it posts struct ui_event to a
 * GAsyncQueue and writes a byte to a pipe that wakes the main loop. A
 * password that no command supplies is asked for by the main thread (a
 * NEED_SECRET event carries a reply queue the job waits on); it is kept
 * in memory for the session only, never written or logged.
 *
 * Timers: queued mail is retried every send_interval seconds and after
 * every successful fetch; with fetch_interval set, mail is fetched that
 * often. When the network changes (netwatch), every entry waiting for the
 * network is sent at once, and with fetch_interval set mail is fetched.
 */
#include "satchel-config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "util/netwatch.h"
#include "config/config.h"
#include "store/store.h"
#include "pop3/pop3.h"
#include "smtp/outbox.h"
#include "session/session.h"
#include "ui/ui-core.h"

/* How often the reader looks for changes by other processes (µs). */
#define UI_JOBS_POLL	(G_USEC_PER_SEC / 2)

struct ui_job {
	struct ui	*ui;		/* only ui->events and ui->wake are used */
	char		*store_dir;
	struct config	*config;	/* read only while the job runs */
	struct pop3_cancel *cancel;
	unsigned	 flush;		/* enum outbox_flush_flags */
	gint64		 last_progress;
	int64_t		 msg_id;	/* body job: the headers-only message */
	struct ui_event	*done;		/* fetch job: what it posts at the end */
};

static gpointer	 ui_jobs_fetch_thread(gpointer);
static gpointer	 ui_jobs_send_thread(gpointer);
static gpointer	 ui_jobs_body_thread(gpointer);
static void	 ui_jobs_fetched(const struct account *, enum pop3_status,
		    const struct pop3_fetch_result *, const GError *, void *);
static void	 ui_jobs_progress(const struct pop3_progress *, void *);
static char	*ui_jobs_ask_secret(const struct account *,
		    enum config_service, enum session_secret_kind, void *);
static char	*ui_jobs_smtp_secret(const struct account *,
		    enum outbox_secret_kind, void *);
static void	 ui_jobs_notify(const struct outbox_event *, void *);
static void	 ui_jobs_secret_reply(struct ui *, struct ui_event *);
static void	 ui_jobs_secret_given(struct ui *, char *, int, void *);
static void	 ui_jobs_damaged_answered(struct ui *, char *, int, void *);
static void	 ui_jobs_join(struct ui *, GThread **);
static struct ui_job *ui_jobs_job(struct ui *);
static void	 ui_jobs_net_changed(gboolean, void *);
static void	 ui_jobs_send_start(struct ui *, unsigned);
static void	 ui_jobs_network(struct ui *, gboolean);
static void	 ui_jobs_job_free(struct ui_job *);
static void	 ui_jobs_on_log(struct ui *, struct ui_event *);
static void	 ui_jobs_on_fetch_done(struct ui *, struct ui_event *);
static void	 ui_jobs_on_send_progress(struct ui *, struct ui_event *);
static void	 ui_jobs_on_send_done(struct ui *, struct ui_event *);
static void	 ui_jobs_on_body_done(struct ui *, struct ui_event *);
static void	 ui_jobs_changed(struct ui *, enum ui_change_kind, int64_t,
		    int64_t);

void
ui_event_free(struct ui_event *ev)
{
	if (ev == NULL)
		return;
	if (ev->type == UI_EV_NEED_SECRET && ev->u.secret.reply != NULL)
		g_async_queue_unref(ev->u.secret.reply);
	g_free(ev->text);
	g_free(ev);
}

/* Any thread: queue an event and wake the main loop. */
void
ui_jobs_post(struct ui *ui, struct ui_event *ev)
{
	char	c = 1;

	g_async_queue_push(ui->events, ev);
	if (write(ui->wake[1], &c, 1) < 0 && errno != EAGAIN)
		return;
}

/* Library log lines (any thread) go to the message line, not stderr. */
void
ui_jobs_log_sink(enum log_level level, const char *msg, void *data)
{
	struct ui		*ui = data;
	struct ui_event		*ev;

	ev = g_new0(struct ui_event, 1);
	ev->type = UI_EV_LOG;
	ev->u.log.level = (int)level;
	ev->text = g_strdup(msg);
	ui_jobs_post(ui, ev);
}

void
ui_jobs_init(struct ui *ui)
{
	gint64	now = g_get_monotonic_time();
	int	i;

	ui->events = g_async_queue_new_full((GDestroyNotify)ui_event_free);
	if (pipe(ui->wake) != 0) {
		ui->wake[0] = ui->wake[1] = -1;
	} else {
		for (i = 0; i < 2; i++) {
			fcntl(ui->wake[i], F_SETFL, fcntl(ui->wake[i],
			    F_GETFL) | O_NONBLOCK);
			fcntl(ui->wake[i], F_SETFD, FD_CLOEXEC);
		}
	}
	log_set_sink(ui_jobs_log_sink, ui);
	ui->netwatch = netwatch_new(TRUE, ui_jobs_net_changed, ui);
	/* Something queued from before: try it soon, then on the timer. */
	if (ui->config->send_interval > 0)
		ui->next_send = now + 2 * G_USEC_PER_SEC;
	if (ui->config->fetch_interval > 0)
		ui->next_fetch = now + G_USEC_PER_SEC;
	ui->next_poll = now + UI_JOBS_POLL;
}

static void
ui_jobs_join(struct ui *ui, GThread **t)
{
	(void)ui;
	/* The job posted its last event; it only frees itself now. */
	if (*t != NULL)
		g_thread_join(*t);
	*t = NULL;
}

void
ui_jobs_shutdown(struct ui *ui)
{
	struct ui_event	*ev;

	if (ui->events == NULL)
		return;
	/* No more network news: it would post to a queue about to go. */
	netwatch_free(ui->netwatch);
	ui->netwatch = NULL;
	if (ui->fetch_cancel != NULL)
		pop3_cancel_trigger(ui->fetch_cancel);
	if (ui->body_cancel != NULL)
		pop3_cancel_trigger(ui->body_cancel);
	if (ui->send_thread != NULL && ui->screen != NULL) {
		ui_message(ui, "%s", _("Finishing the message being sent..."));
		ui_repaint_now(ui);
	}
	while (ui->fetch_thread != NULL || ui->send_thread != NULL ||
	    ui->body_thread != NULL) {
		ev = g_async_queue_timeout_pop(ui->events, 100000);
		if (ev == NULL)
			continue;
		if (ev->type == UI_EV_NEED_SECRET)
			g_async_queue_push(ev->u.secret.reply, g_strdup(""));
		if (ev->type == UI_EV_FETCH_DONE) {
			g_thread_join(ui->fetch_thread);
			ui->fetch_thread = NULL;
		}
		if (ev->type == UI_EV_SEND_DONE) {
			g_thread_join(ui->send_thread);
			ui->send_thread = NULL;
		}
		if (ev->type == UI_EV_BODY_DONE) {
			g_thread_join(ui->body_thread);
			ui->body_thread = NULL;
		}
		ui_event_free(ev);
	}
	log_set_sink(NULL, NULL);
	pop3_cancel_free(ui->fetch_cancel);
	ui->fetch_cancel = NULL;
	pop3_cancel_free(ui->body_cancel);
	ui->body_cancel = NULL;
	g_async_queue_unref(ui->events);
	ui->events = NULL;
	if (ui->wake[0] >= 0) {
		close(ui->wake[0]);
		close(ui->wake[1]);
	}
}

gboolean
ui_jobs_drain(struct ui *ui, gint64 deadline)
{
	struct ui_event	*ev;
	const char	*cached;

	if (ui->events == NULL)
		return TRUE;
	while ((ui->fetch_thread != NULL || ui->send_thread != NULL ||
	    ui->body_thread != NULL) && g_get_monotonic_time() < deadline) {
		ev = g_async_queue_timeout_pop(ui->events, 100000);
		if (ev == NULL)
			continue;
		switch (ev->type) {
		case UI_EV_NEED_SECRET:
			/* Only what the person typed earlier this session. */
			cached = g_hash_table_lookup(ui->secrets, ev->text);
			g_async_queue_push(ev->u.secret.reply,
			    g_strdup(cached != NULL ?
			    cached : ""));
			break;
		case UI_EV_FETCH_DONE:
			ui_jobs_join(ui, &ui->fetch_thread);
			ui->fetching = FALSE;
			break;
		case UI_EV_SEND_DONE:
			ui_jobs_join(ui, &ui->send_thread);
			ui->sending = FALSE;
			break;
		case UI_EV_BODY_DONE:
			ui_jobs_join(ui, &ui->body_thread);
			break;
		default:
			break;
		}
		ui_event_free(ev);
	}
	return ui->fetch_thread == NULL && ui->send_thread == NULL &&
	    ui->body_thread == NULL;
}

static struct ui_job *
ui_jobs_job(struct ui *ui)
{
	struct ui_job	*job;

	job = g_new0(struct ui_job, 1);
	job->ui = ui;
	job->store_dir = g_strdup(store_dir(ui->store));
	job->config = ui->config;
	return job;
}

static void
ui_jobs_job_free(struct ui_job *job)
{
	g_free(job->store_dir);
	g_free(job);
}

/*
 * In the job's thread: ask the main thread for a secret and wait
 * (session_ask_fn; data is the job). NULL when none was given.
 */
static char *
ui_jobs_ask_secret(const struct account *a, enum config_service service,
    enum session_secret_kind kind, void *data)
{
	struct ui_job	*job = data;
	const char	*what = kind == SESSION_SECRET_TOKEN ? "token" :
			    "password";
	struct ui_event	*ev;
	GAsyncQueue	*reply;
	char		*s;

	reply = g_async_queue_new();
	ev = g_new0(struct ui_event, 1);
	ev->type = UI_EV_NEED_SECRET;
	ev->text = g_strdup_printf("%s:%s:%s", service ==
	    CONFIG_SERVICE_SMTP ? "smtp" : "pop3", what, a->name);
	ev->u.secret.service = service;
	ev->u.secret.reply = g_async_queue_ref(reply);
	ui_jobs_post(job->ui, ev);
	s = g_async_queue_pop(reply);
	g_async_queue_unref(reply);
	if (s != NULL && *s == '\0') {
		g_free(s);
		return NULL;
	}
	return s;
}

static void
ui_jobs_progress(const struct pop3_progress *p, void *data)
{
	struct ui_job	*job = data;
	struct ui_event	*ev;
	gint64		 now = g_get_monotonic_time();

	/* At most a few updates a second: no progress chatter on the wire. */
	if (now - job->last_progress < 500000 &&
	    p->phase != POP3_PHASE_DONE && p->msgs_done != p->msgs_total)
		return;
	job->last_progress = now;
	ev = g_new0(struct ui_event, 1);
	ev->type = UI_EV_FETCH_PROGRESS;
	ev->u.progress.msgs = p->msgs_done;
	ev->u.progress.msgs_total = p->msgs_total;
	ev->u.progress.bytes = p->bytes_done;
	ev->u.progress.bytes_total = p->bytes_total;
	ui_jobs_post(job->ui, ev);
}

/* In the fetch thread: an account is done (session_fetch_ops). */
static void
ui_jobs_fetched(const struct account *a, enum pop3_status ps,
    const struct pop3_fetch_result *res, const GError *err, void *data)
{
	struct ui_job	*job = data;
	struct ui_event	*done = job->done;

	/* No secret given: skipped, the prompt said so. */
	if (res == NULL && ps == POP3_ERR_NO_SECRET)
		return;
	if (res == NULL) {
		done->u.fetched.ok = FALSE;
		g_free(done->text);
		done->text = g_strdup_printf("%s: %s", a->name,
		    err != NULL ? err->message : pop3_strerror(ps));
		return;
	}
	if (ps != POP3_OK && ps != POP3_DEFERRED) {
		done->u.fetched.ok = FALSE;
		if (ps == POP3_ERR_NETWORK || ps == POP3_ERR_TIMEOUT)
			done->u.fetched.network_error = TRUE;
		g_free(done->text);
		done->text = g_strdup_printf("%s: %s", a->name,
		    err != NULL ? err->message : pop3_strerror(ps));
		/* A refused password is not asked for again silently. */
		if (ps == POP3_ERR_AUTH)
			done->u.fetched.refused = TRUE;
	}
}

static gpointer
ui_jobs_fetch_thread(gpointer data)
{
	struct ui_job			*job = data;
	struct store			*st = NULL;
	struct session_fetch_ops	 ops;
	struct session_fetch_result	 res;
	struct ui_event			*done;

	done = job->done = g_new0(struct ui_event, 1);
	done->type = UI_EV_FETCH_DONE;
	done->u.fetched.ok = TRUE;
	if (store_open(job->store_dir, 0, &st) != STORE_OK) {
		done->u.fetched.ok = FALSE;
		done->text = g_strdup(st != NULL ? store_errmsg(st) :
		    _("cannot open the store"));
		goto out;
	}
	memset(&ops, 0, sizeof ops);
	ops.progress = ui_jobs_progress;
	ops.ask = ui_jobs_ask_secret;
	ops.account_done = ui_jobs_fetched;
	ops.data = job;
	session_fetch(st, job->config, NULL, 0, job->cancel, &ops, &res);
	done->u.fetched.new_msgs = res.new_msgs;
	g_clear_error(&res.bounce_err);
out:
	store_close(st);
	ui_jobs_post(job->ui, done);
	ui_jobs_job_free(job);
	return NULL;
}

static gpointer
ui_jobs_body_thread(gpointer data)
{
	struct ui_job		*job = data;
	struct store		*st = NULL;
	struct ui_event		*done;
	GError			*err = NULL;
	enum pop3_status	 ps;
	int64_t			 new_id = -1;

	done = g_new0(struct ui_event, 1);
	done->type = UI_EV_BODY_DONE;
	done->u.body.old_id = job->msg_id;
	if (store_open(job->store_dir, 0, &st) != STORE_OK) {
		done->text = g_strdup(st != NULL ? store_errmsg(st) :
		    _("cannot open the store"));
		goto out;
	}
	ps = session_fetch_body(st, job->config, job->msg_id, job->cancel,
	    ui_jobs_progress, ui_jobs_ask_secret, job, &new_id, &err);
	if (ps == POP3_OK) {
		done->u.body.ok = TRUE;
		done->u.body.new_id = new_id;
	} else {
		done->u.body.network_error = ps == POP3_ERR_NETWORK ||
		    ps == POP3_ERR_TIMEOUT;
		done->text = g_strdup(err != NULL ? err->message :
		    pop3_strerror(ps));
		if (ps == POP3_ERR_AUTH)
			done->u.body.refused = TRUE;
	}
out:
	g_clear_error(&err);
	store_close(st);
	ui_jobs_post(job->ui, done);
	ui_jobs_job_free(job);
	return NULL;
}

void
ui_jobs_fetch_body(struct ui *ui, int64_t msg_id)
{
	struct ui_job	*job;

	if (ui->body_thread != NULL) {
		ui_message(ui, "%s", _("Already downloading a message."));
		return;
	}
	job = ui_jobs_job(ui);
	job->msg_id = msg_id;
	pop3_cancel_free(ui->body_cancel);
	ui->body_cancel = job->cancel = pop3_cancel_new();
	ui->body_msg = msg_id;
	ui->fetching = TRUE;
	ui->fetch_msgs = ui->fetch_msgs_total = ui->fetch_bytes = 0;
	ui->body_thread = g_thread_new("body", ui_jobs_body_thread, job);
	ui_message(ui, "%s", _("Downloading the whole message..."));
}

static char *
ui_jobs_smtp_secret(const struct account *a, enum outbox_secret_kind kind,
    void *data)
{
	GError	*err = NULL;
	char	*secret = NULL;

	(void)session_secret(a, CONFIG_SERVICE_SMTP, kind ==
	    OUTBOX_SECRET_OAUTH2_TOKEN ? SESSION_SECRET_TOKEN :
	    SESSION_SECRET_PASSWORD, ui_jobs_ask_secret, data, &secret, &err);
	g_clear_error(&err);
	return secret;
}

static void
ui_jobs_notify(const struct outbox_event *e, void *data)
{
	struct ui_job	*job = data;
	struct ui_event	*ev;

	ev = g_new0(struct ui_event, 1);
	ev->type = UI_EV_SEND_PROGRESS;
	switch (e->type) {
	case OUTBOX_EVENT_CONNECTING:
		ev->text = g_strdup_printf(_("Connecting to %s..."),
		    e->host != NULL ? e->host : "?");
		break;
	case OUTBOX_EVENT_SENDING:
		ev->text = g_strdup_printf(_("Sending \"%s\"..."),
		    e->entry != NULL && e->entry->row.subject != NULL ?
		    e->entry->row.subject : "");
		break;
	case OUTBOX_EVENT_SENT:
		ev->u.sending.ok = TRUE;
		ev->text = g_strdup_printf(_("Sent \"%s\"."),
		    e->entry != NULL && e->entry->row.subject != NULL ?
		    e->entry->row.subject : "");
		break;
	case OUTBOX_EVENT_DEFERRED:
	case OUTBOX_EVENT_FAILED:
	case OUTBOX_EVENT_ACCOUNT_ERROR:
		ev->u.sending.level = LOG_LEVEL_ERROR;
		ev->text = g_strdup(e->text != NULL ? e->text : "?");
		break;
	}
	ui_jobs_post(job->ui, ev);
}

static gpointer
ui_jobs_send_thread(gpointer data)
{
	struct ui_job			*job = data;
	struct store			*st = NULL;
	struct outbox_flush_result	 res;
	struct ui_event			*done;
	GError				*err = NULL;
	enum outbox_status		 os;

	done = g_new0(struct ui_event, 1);
	done->type = UI_EV_SEND_DONE;
	memset(&res, 0, sizeof res);
	if (store_open(job->store_dir, 0, &st) != STORE_OK) {
		done->text = g_strdup(st != NULL ? store_errmsg(st) :
		    _("cannot open the store"));
		goto out;
	}
	os = outbox_flush(st, job->config, job->flush, ui_jobs_smtp_secret,
	    job, ui_jobs_notify, job, &res, &err);
	done->u.sent.sent = res.sent;
	done->u.sent.deferred = res.deferred;
	done->u.sent.failed = res.failed;
	done->u.sent.ok = os == OUTBOX_OK || os == OUTBOX_ERR_BUSY;
	/*
	 * Offline only when no server was reached: something got through, or
	 * a server answered "try later", means we are online.
	 */
	done->u.sent.network_error = res.sent == 0 && os == OUTBOX_ERR_TEMP &&
	    res.deferred_network == res.deferred;
	if (!done->u.sent.ok && os != OUTBOX_ERR_BUSY)
		done->text = g_strdup(err != NULL ? err->message :
		    outbox_strerror(os));
	g_clear_error(&err);
out:
	store_close(st);
	ui_jobs_post(job->ui, done);
	ui_jobs_job_free(job);
	return NULL;
}

void
ui_jobs_fetch(struct ui *ui)
{
	struct ui_job	*job;
	guint		 i, n = 0;

	if (ui->fetch_thread != NULL) {
		ui_message(ui, "%s", _("Already fetching."));
		return;
	}
	for (i = 0; ui->config->accounts != NULL &&
	    i < ui->config->accounts->len; i++)
		if (((struct account *)g_ptr_array_index(ui->config->accounts,
		    i))->pop3_host != NULL)
			n++;
	if (n == 0) {
		ui_message(ui, "%s", _("No account fetches mail (pop3_host)."));
		return;
	}
	job = ui_jobs_job(ui);
	pop3_cancel_free(ui->fetch_cancel);
	ui->fetch_cancel = job->cancel = pop3_cancel_new();
	ui->fetching = TRUE;
	ui->fetch_msgs = ui->fetch_msgs_total = ui->fetch_bytes = 0;
	ui->fetch_thread = g_thread_new("fetch", ui_jobs_fetch_thread, job);
	ui->dirty = TRUE;
}

static void
ui_jobs_send_start(struct ui *ui, unsigned flush)
{
	struct ui_job	*job;

	if (ui->send_thread != NULL)
		return;
	job = ui_jobs_job(ui);
	job->flush = flush;
	/* Only ui_jobs_send (the user) sends everything, not just what is due. */
	ui->send_asked = (flush & OUTBOX_FLUSH_DUE) == 0;
	ui->sending = TRUE;
	ui->send_thread = g_thread_new("send", ui_jobs_send_thread, job);
	ui->dirty = TRUE;
}

/* The user asked (queued a message, or sync): everything, now. */
void
ui_jobs_send(struct ui *ui)
{
	ui_refresh_counts(ui);
	if (ui->queue_count == 0 && ui->send_thread == NULL)
		return;
	ui_jobs_send_start(ui, 0);
}

/* The netwatch thread: hand the news to the main loop. */
static void
ui_jobs_net_changed(gboolean again, void *data)
{
	struct ui	*ui = data;
	struct ui_event	*ev;

	ev = g_new0(struct ui_event, 1);
	ev->type = UI_EV_NET_CHANGED;
	ev->u.net.again = again;
	ui_jobs_post(ui, ev);
}

/*
 * The network changed: what waits for it goes now (a send or fetch
 * running meanwhile may have failed before the change: go again after).
 * The later looks while it settles (again) fetch only after a failure.
 */
static void
ui_jobs_network(struct ui *ui, gboolean again)
{
	gboolean	fetches = FALSE;
	guint		i;

	for (i = 0; ui->config->accounts != NULL &&
	    i < ui->config->accounts->len; i++)
		if (((struct account *)g_ptr_array_index(ui->config->accounts,
		    i))->pop3_host != NULL)
			fetches = TRUE;
	ui_refresh_counts(ui);
	if (ui->send_thread != NULL)
		ui->net_send = TRUE;
	else if (ui->queue_count > 0)
		ui_jobs_send_start(ui, OUTBOX_FLUSH_DUE | OUTBOX_FLUSH_NETWORK);
	if (ui->config->fetch_interval == 0 || !fetches ||
	    (again && ui->online && ui->online_known))
		return;
	if (ui->fetch_thread != NULL)
		ui->net_fetch = TRUE;
	else
		ui_jobs_fetch(ui);
}

/* A job's question for a secret, while the prompt is up. */
struct ui_jobs_asked {
	char		*key;		/* "service:what:account" */
	GAsyncQueue	*reply;		/* the job waits on it */
};

/*
 * The prompt's answer (ui_prompt_fn): the secret to the job and into the
 * session's cache; nothing (cancelled, empty) skips the account.
 */
static void
ui_jobs_secret_given(struct ui *ui, char *s, int key, void *data)
{
	struct ui_jobs_asked	*asked = data;

	(void)key;
	if (s == NULL || *s == '\0') {
		config_secret_free(s);
		g_async_queue_push(asked->reply, g_strdup(""));
		ui_message(ui, "%s", _("No password given: skipped."));
	} else {
		/* The cache keeps s; config_secret_free() wipes it there. */
		g_async_queue_push(asked->reply, g_strdup(s));
		g_hash_table_replace(ui->secrets, g_strdup(asked->key), s);
	}
	g_async_queue_unref(asked->reply);
	g_free(asked->key);
	g_free(asked);
}

/*
 * A job needs a secret: from the session's cache, else asked on the
 * message line. The question is put up and this returns: the loop goes
 * on, and the answer reaches the job through ui_jobs_secret_given.
 */
static void
ui_jobs_secret_reply(struct ui *ui, struct ui_event *ev)
{
	struct ui_jobs_asked	*asked;
	const char		*cached;
	char			*prompt, *name;

	/* ev->text is "service:what:account". */
	cached = g_hash_table_lookup(ui->secrets, ev->text);
	if (cached != NULL) {
		g_async_queue_push(ev->u.secret.reply, g_strdup(cached));
		return;
	}
	name = strchr(strchr(ev->text, ':') + 1, ':') + 1;
	prompt = g_strdup_printf(ev->u.secret.service == CONFIG_SERVICE_SMTP ?
	    _("SMTP password for %s: ") : _("POP3 password for %s: "), name);
	asked = g_new0(struct ui_jobs_asked, 1);
	asked->key = g_strdup(ev->text);
	asked->reply = g_async_queue_ref(ev->u.secret.reply);
	ui_prompt_ask(ui, prompt, NULL, UI_PROMPT_TEXT, TRUE,
	    ui_jobs_secret_given, asked);
	g_free(prompt);
}

/* Announce a change to the views; each decides what it means to it. */
static void
ui_jobs_changed(struct ui *ui, enum ui_change_kind kind, int64_t old_id,
    int64_t new_id)
{
	struct ui_change	ch;

	ch.kind = kind;
	ch.old_id = old_id;
	ch.new_id = new_id;
	ui_views_changed(ui, &ch);
}

/* A warning or error logged anywhere: the message line shows it. */
static void
ui_jobs_on_log(struct ui *ui, struct ui_event *ev)
{
	if (ev->u.log.level >= LOG_LEVEL_WARN) {
		g_free(ui->message);
		ui->message = g_strdup(ev->text);
		ui->message_error = ev->u.log.level >= LOG_LEVEL_ERROR;
		ui->dirty = TRUE;
	}
}

/*
 * The fetch ended: the network's state, what it brought, the index
 * reloaded; a fetch the network changed under goes again, a send waiting
 * for the network goes.
 */
static void
ui_jobs_on_fetch_done(struct ui *ui, struct ui_event *ev)
{
	ui_jobs_join(ui, &ui->fetch_thread);
	ui->fetching = FALSE;
	if (ev->u.fetched.ok || !ev->u.fetched.network_error) {
		ui->online = ev->u.fetched.ok;
		ui->online_known = ev->u.fetched.ok;
	}
	if (ev->u.fetched.network_error) {
		ui->online = FALSE;
		ui->online_known = TRUE;
	}
	if (ev->text != NULL)
		ui_error(ui, _("Fetch: %s"), ev->text);
	else if (ev->u.fetched.new_msgs > 0)
		ui_message(ui, ngettext("%" PRIu64 " new message.",
		    "%" PRIu64 " new messages.", (unsigned long)ev->u.fetched.new_msgs),
		    ev->u.fetched.new_msgs);
	else
		ui_message(ui, "%s", _("No new mail."));
	/* A refused password is asked for again next time. */
	if (ev->u.fetched.refused)
		g_hash_table_remove_all(ui->secrets);
	ui->new_mail += ev->u.fetched.new_msgs;
	if (ev->u.fetched.new_msgs > 0)
		ui_jobs_changed(ui, UI_CHANGE_FETCHED, -1, -1);
	if (ui->net_fetch) {
		ui->net_fetch = FALSE;
		if (!ev->u.fetched.ok)
			ui_jobs_fetch(ui);
	}
	/* Fetched: the network works, whatever waited for it goes. */
	if (ev->u.fetched.ok)
		ui_jobs_send_start(ui, OUTBOX_FLUSH_DUE |
		    OUTBOX_FLUSH_NETWORK);
	ui->dirty = TRUE;
}

/* A step of a send: the status line's error, the message line's words. */
static void
ui_jobs_on_send_progress(struct ui *ui, struct ui_event *ev)
{
	if (ev->u.sending.ok) {
		ui->online = ui->online_known = TRUE;
		g_clear_pointer(&ui->send_error, g_free);
	}
	if (ev->u.sending.ok)
		g_clear_pointer(&ui->send_said, g_free);
	if (ev->u.sending.level >= LOG_LEVEL_ERROR) {
		g_free(ui->send_error);
		ui->send_error = sanitize_text(ev->text, -1, 0);
		/*
		 * A retry nobody asked for that fails as the last one did
		 * has nothing new to say: the status line already shows
		 * it, and the message line keeps what the user last did.
		 */
		if (!ui->send_asked &&
		    g_strcmp0(ui->send_said, ev->text) == 0)
			return;
		g_free(ui->send_said);
		ui->send_said = g_strdup(ev->text);
	} else if (!ev->u.sending.ok && !ui->send_asked)
		return;	/* "Sending ..." of a background retry */
	ui_message(ui, "%s", ev->text);
}

/*
 * The send ended: the network's state and the last error, the counts,
 * the Outbox or Sent index reloaded; a send the network changed under
 * goes again.
 */
static void
ui_jobs_on_send_done(struct ui *ui, struct ui_event *ev)
{
	ui_jobs_join(ui, &ui->send_thread);
	ui->sending = FALSE;
	/*
	 * A send that tried nothing (nothing was due) learnt nothing about
	 * the network or the server: the status line keeps what it said,
	 * the last send error included.
	 */
	if (ev->u.sent.sent + ev->u.sent.deferred + ev->u.sent.failed > 0 || !ev->u.sent.ok) {
		/* A server that answered, even "later", is online. */
		if (ev->u.sent.network_error)
			ui->online = FALSE, ui->online_known = TRUE;
		else if (ev->u.sent.sent + ev->u.sent.deferred + ev->u.sent.failed > 0 || ev->u.sent.ok)
			ui->online = ui->online_known = TRUE;
		if (ev->text != NULL) {
			g_free(ui->send_error);
			ui->send_error = sanitize_text(ev->text, -1, 0);
		} else if (ev->u.sent.ok)
			g_clear_pointer(&ui->send_error, g_free);
	}
	ui_refresh_counts(ui);
	if (ev->u.sent.sent > 0)
		ui_message(ui, ngettext("Sent %" PRIu64 " message.",
		    "Sent %" PRIu64 " messages.", (unsigned long)ev->u.sent.sent),
		    ev->u.sent.sent);
	ui_jobs_changed(ui, UI_CHANGE_SENT, -1, -1);
	if (ui->net_send) {
		ui->net_send = FALSE;
		if (ui->queue_count > 0)
			ui_jobs_send_start(ui, OUTBOX_FLUSH_DUE |
			    OUTBOX_FLUSH_NETWORK);
	}
}

/* A headers-only message's body came (or did not): the pager shows it. */
static void
ui_jobs_on_body_done(struct ui *ui, struct ui_event *ev)
{
	ui_jobs_join(ui, &ui->body_thread);
	ui->fetching = ui->fetch_thread != NULL;
	ui->body_msg = -1;
	if (ev->u.body.refused)
		g_hash_table_remove_all(ui->secrets);
	if (ev->u.body.network_error)
		ui->online = FALSE, ui->online_known = TRUE;
	if (!ev->u.body.ok) {
		ui_error(ui, _("Download: %s"), ev->text != NULL ?
		    ev->text : "?");
		return;
	}
	ui->online = ui->online_known = TRUE;
	ui_jobs_changed(ui, UI_CHANGE_BODY, ev->u.body.old_id,
	    ev->u.body.new_id);
	ui_message(ui, "%s", _("Downloaded the whole message."));
}

void
ui_jobs_handle(struct ui *ui, struct ui_event *ev)
{
	switch (ev->type) {
	case UI_EV_LOG:
		ui_jobs_on_log(ui, ev);
		break;
	case UI_EV_FETCH_PROGRESS:
		ui->fetch_msgs = ev->u.progress.msgs;
		ui->fetch_msgs_total = ev->u.progress.msgs_total;
		ui->fetch_bytes = ev->u.progress.bytes;
		ui->dirty = TRUE;
		break;
	case UI_EV_FETCH_DONE:
		ui_jobs_on_fetch_done(ui, ev);
		break;
	case UI_EV_SEND_PROGRESS:
		ui_jobs_on_send_progress(ui, ev);
		break;
	case UI_EV_SEND_DONE:
		ui_jobs_on_send_done(ui, ev);
		break;
	case UI_EV_NET_CHANGED:
		ui_jobs_network(ui, ev->u.net.again);
		break;
	case UI_EV_NEED_SECRET:
		ui_jobs_secret_reply(ui, ev);
		break;
	case UI_EV_BODY_DONE:
		ui_jobs_on_body_done(ui, ev);
		break;
	}
}

/* ui_prompt_fn of the damaged-index question: rebuild, or say how. */
static void
ui_jobs_damaged_answered(struct ui *ui, char *line, int yes, void *data)
{
	(void)line;
	(void)data;
	if (yes) {
		ui->rebuild = TRUE;
		ui->quit = TRUE;
	} else
		ui_error(ui, "%s", _("The index is damaged: run "
		    "`satchel reindex --full`."));
}

/*
 * What other processes did (cron's fetch, compose, `satchel queue`, mutt
 * renaming files in cur/) shows without a restart: the store says whether
 * anything changed, cheaply, once per UI_JOBS_POLL.
 */
static void
ui_jobs_poll(struct ui *ui)
{
	enum store_status	 s;
	gboolean		 changed = FALSE;

	s = store_poll(ui->store, &changed);
	if (s == STORE_ERR_CORRUPT && !ui->damaged) {
		ui->damaged = TRUE;
		ui_repaint_now(ui);
		ui_prompt_ask_yesno(ui, _("The index is damaged. Quit, "
		    "rebuild it from the Maildir and start again?"), TRUE,
		    ui_jobs_damaged_answered, NULL);
		return;
	}
	if (!changed) {
		/*
		 * An entry being sent counts as queued while a sender runs
		 * and as maybe sent once it is gone: a sender that exits or
		 * dies changes nothing in the index, so count again.
		 */
		if (ui->queue_sending)
			ui_refresh_counts(ui);
		return;
	}
	ui_refresh_counts(ui);
	ui_jobs_changed(ui, UI_CHANGE_STORE, -1, -1);
	ui->dirty = TRUE;
}

void
ui_jobs_timers(struct ui *ui)
{
	gint64	now = g_get_monotonic_time();

	if (ui->next_poll != 0 && now >= ui->next_poll) {
		ui->next_poll = now + UI_JOBS_POLL;
		ui_jobs_poll(ui);
	}

	if (ui->next_send != 0 && now >= ui->next_send) {
		ui->next_send = now + (gint64)ui->config->send_interval *
		    G_USEC_PER_SEC;
		if (ui->queue_count > 0)
			ui_jobs_send_start(ui, OUTBOX_FLUSH_DUE);
	}
	if (ui->next_fetch != 0 && now >= ui->next_fetch) {
		ui->next_fetch = now + (gint64)ui->config->fetch_interval *
		    G_USEC_PER_SEC;
		if (ui->fetch_thread == NULL)
			ui_jobs_fetch(ui);
	}
}

int
ui_jobs_next_timeout(struct ui *ui)
{
	gint64	now = g_get_monotonic_time(), next = 0, ms;

	if (ui->next_send != 0)
		next = ui->next_send;
	if (ui->next_poll != 0 && (next == 0 || ui->next_poll < next))
		next = ui->next_poll;
	if (ui->next_fetch != 0 && (next == 0 || ui->next_fetch < next))
		next = ui->next_fetch;
	if (next == 0)
		return -1;
	ms = (next - now) / 1000;
	if (ms < 0)
		ms = 0;
	return ms > 600000 ? 600000 : (int)ms;
}
