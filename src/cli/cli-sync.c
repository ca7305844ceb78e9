/*
 * cli-sync.c: satchel sync [--verbose] [--fetch-interval SECONDS]
 *
 * A quiet, long-running process for a user session (a systemd user unit
 * or cron's @reboot): sends whenever the queue gains an entry (satchel
 * compose, satchel sendmail, the reader) or the network returns, sends
 * what is due on the retry timers, fetches every fetch_interval seconds
 * and when the network returns. It sleeps in poll() between those events:
 * inotify on the store directory (the index's write-ahead log changes on
 * every commit), the kernel's netlink through GNetworkMonitor, and timers
 * for the next due entry and the next fetch; no polling.
 *
 * One instance per store (the store's "sync" lock). Sending and fetching
 * run in worker threads with their own store handles, so SIGTERM is
 * answered at once: a fetch is cancelled, a message being sent is
 * finished, and the process exits 0. Passwords come from the configured
 * commands only; sync never prompts. Messages go through the logger
 * (sanitised, on standard error: the journal under systemd).
 */
#include "satchel-config.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "util/util.h"
#include "util/netwatch.h"
#include "config/config.h"
#include "store/store.h"
#include "pop3/pop3.h"
#include "smtp/outbox.h"
#include "session/session.h"
#include "cli/cli.h"

#define CLI_SYNC_LOCK		"sync"
/* Coalesce a burst of index writes into one look at the queue. */
#define CLI_SYNC_SETTLE_MS	100

struct cli_sync {
	struct config	*config;
	struct store	*st;		/* main thread: lock and stamps */
	char		*store_dir;
	GMainLoop	*loop;
	struct netwatch	*netwatch;
	GFileMonitor	*monitor;
	guint		 fetch_interval;
	gboolean	 fetches;	/* some account has pop3_host */
	gboolean	 quitting;

	GThread		*send_thread;
	GThread		*fetch_thread;
	struct pop3_cancel *cancel;
	unsigned	 send_pending;	/* flush flags + 1 while wanted, 0: no */
	gboolean	 fetch_pending;
	gboolean	 fetch_failed;	/* the last fetch did not get through */

	guint		 due_timer;
	guint		 fetch_timer;
	guint		 settle_timer;
	int64_t		 seen_max_id;
	guint		 seen_ready;
};

/* What a worker hands back to the main loop. */
struct cli_sync_done {
	struct cli_sync	*s;
	gboolean	 fetch;		/* else send */
	unsigned	 flags;		/* send: enum outbox_flush_flags */
	gboolean	 ok;
	guint64		 count;
};

static void	 cli_sync_send(struct cli_sync *, unsigned);
static void	 cli_sync_fetch(struct cli_sync *);
static gpointer	 cli_sync_send_thread(gpointer);
static gpointer	 cli_sync_fetch_thread(gpointer);
static void	 cli_sync_fetched(const struct account *, enum pop3_status,
		    const struct pop3_fetch_result *, const GError *, void *);
static gboolean	 cli_sync_done(gpointer);
static void	 cli_sync_arm_due(struct cli_sync *);
static gboolean	 cli_sync_due(gpointer);
static gboolean	 cli_sync_fetch_tick(gpointer);
static void	 cli_sync_net_changed(gboolean, void *);
static void	 cli_sync_file_changed(GFileMonitor *, GFile *, GFile *,
		    GFileMonitorEvent, gpointer);
static gboolean	 cli_sync_settled(gpointer);
static gboolean	 cli_sync_signal(gpointer);
static void	 cli_sync_notify(const struct outbox_event *, void *);
static void	 cli_sync_restamp(struct cli_sync *);
static void	 cli_sync_maybe_quit(struct cli_sync *);

static void
cli_sync_maybe_quit(struct cli_sync *s)
{
	if (s->quitting && s->send_thread == NULL && s->fetch_thread == NULL)
		g_main_loop_quit(s->loop);
}

/* Remember the queue as it is now: changes after this are news. */
static void
cli_sync_restamp(struct cli_sync *s)
{
	if (outbox_stamp(s->st, &s->seen_max_id, &s->seen_ready, NULL) !=
	    OUTBOX_OK)
		log_warn(_("sync: cannot read the queue: %s"),
		    store_errmsg(s->st));
}

static void
cli_sync_notify(const struct outbox_event *e, void *data)
{
	const char *subject;

	(void)data;
	subject = e->entry != NULL && e->entry->row.subject != NULL ?
	    e->entry->row.subject : "";
	switch (e->type) {
	case OUTBOX_EVENT_SENT:
		log_info(_("sync: sent \"%s\""), subject);
		break;
	case OUTBOX_EVENT_DEFERRED:
		log_info(_("sync: \"%s\" waits: %s"), subject,
		    e->text != NULL ? e->text : "?");
		break;
	case OUTBOX_EVENT_FAILED:
		log_warn(_("sync: \"%s\" failed: %s"), subject,
		    e->text != NULL ? e->text : "?");
		break;
	case OUTBOX_EVENT_ACCOUNT_ERROR:
		if (e->permanent)
			log_warn(_("sync: account %s: %s"), e->account != NULL ?
			    e->account : "?", e->text != NULL ? e->text : "?");
		else
			log_info(_("sync: account %s: %s"), e->account != NULL ?
			    e->account : "?", e->text != NULL ? e->text : "?");
		break;
	default:
		break;
	}
}

static gpointer
cli_sync_send_thread(gpointer data)
{
	struct cli_sync_done		*d = data;
	struct cli_sync			*s = d->s;
	struct store			*st = NULL;
	struct outbox_flush_result	 res;
	GError				*err = NULL;
	enum outbox_status		 os;

	memset(&res, 0, sizeof res);
	if (store_open(s->store_dir, 0, &st) != STORE_OK) {
		log_error(_("sync: cannot open the store: %s"), st != NULL ?
		    store_errmsg(st) : s->store_dir);
		goto out;
	}
	os = outbox_flush(st, s->config, d->flags, NULL, NULL,
	    cli_sync_notify, NULL, &res, &err);
	d->ok = os == OUTBOX_OK;
	if (os == OUTBOX_ERR_BUSY)
		log_info("sync: %s", err != NULL ? err->message : "busy");
	g_clear_error(&err);
	d->count = res.sent;
out:
	store_close(st);
	g_idle_add(cli_sync_done, d);
	return NULL;
}

/* The fetch thread: an account is done; only trouble is logged. */
static void
cli_sync_fetched(const struct account *a, enum pop3_status ps,
    const struct pop3_fetch_result *res, const GError *err, void *data)
{
	struct cli_sync_done	*d = data;

	if (res == NULL) {
		log_warn(_("sync: account %s: %s"), a->name,
		    err != NULL ? err->message : _("no password command"));
		d->ok = FALSE;
		return;
	}
	d->count += res->new_msgs;
	if (ps != POP3_OK && ps != POP3_DEFERRED) {
		d->ok = FALSE;
		if (ps == POP3_ERR_NETWORK || ps == POP3_ERR_TIMEOUT)
			log_info(_("sync: account %s: %s"), a->name,
			    err != NULL ? err->message : pop3_strerror(ps));
		else
			log_warn(_("sync: account %s: %s"), a->name,
			    err != NULL ? err->message : pop3_strerror(ps));
	}
}

/* Passwords and tokens from the configured commands only: no prompt. */
static gpointer
cli_sync_fetch_thread(gpointer data)
{
	struct cli_sync_done		*d = data;
	struct cli_sync			*s = d->s;
	struct store			*st = NULL;
	struct session_fetch_ops	 ops;
	struct session_fetch_result	 res;

	d->ok = TRUE;
	if (store_open(s->store_dir, 0, &st) != STORE_OK) {
		log_error(_("sync: cannot open the store: %s"), st != NULL ?
		    store_errmsg(st) : s->store_dir);
		d->ok = FALSE;
		goto out;
	}
	memset(&ops, 0, sizeof ops);
	ops.account_done = cli_sync_fetched;
	ops.data = d;
	session_fetch(st, s->config, NULL, 0, s->cancel, &ops, &res);
	g_clear_error(&res.bounce_err);
out:
	store_close(st);
	g_idle_add(cli_sync_done, d);
	return NULL;
}

/* Main loop: a worker finished. */
static gboolean
cli_sync_done(gpointer data)
{
	struct cli_sync_done	*d = data;
	struct cli_sync		*s = d->s;

	if (d->fetch) {
		g_thread_join(s->fetch_thread);
		s->fetch_thread = NULL;
		s->fetch_failed = !d->ok;
		if (d->count > 0)
			log_info(ngettext("sync: %" PRIu64 " new message",
			    "sync: %" PRIu64 " new messages",
			    (unsigned long)d->count), (uint64_t)d->count);
		/* The network works: what waited for it goes now. */
		if (d->ok)
			cli_sync_send(s, OUTBOX_FLUSH_DUE |
			    OUTBOX_FLUSH_NETWORK);
	} else {
		g_thread_join(s->send_thread);
		s->send_thread = NULL;
		cli_sync_restamp(s);
		cli_sync_arm_due(s);
	}
	g_free(d);
	if (s->quitting) {
		cli_sync_maybe_quit(s);
		return G_SOURCE_REMOVE;
	}
	if (s->fetch_pending && s->fetch_thread == NULL) {
		s->fetch_pending = FALSE;
		cli_sync_fetch(s);
	}
	if (s->send_pending != 0 && s->send_thread == NULL) {
		unsigned flags = s->send_pending - 1;

		s->send_pending = 0;
		cli_sync_send(s, flags);
	}
	return G_SOURCE_REMOVE;
}

static void
cli_sync_send(struct cli_sync *s, unsigned flags)
{
	struct cli_sync_done *d;

	if (s->quitting)
		return;
	if (s->send_thread != NULL) {
		/* Again when this one ends; the wider request wins. */
		if (s->send_pending == 0 ||
		    (flags & OUTBOX_FLUSH_NETWORK) ||
		    !(flags & OUTBOX_FLUSH_DUE))
			s->send_pending = flags + 1;
		return;
	}
	d = g_new0(struct cli_sync_done, 1);
	d->s = s;
	d->flags = flags;
	s->send_thread = g_thread_new("send", cli_sync_send_thread, d);
}

static void
cli_sync_fetch(struct cli_sync *s)
{
	struct cli_sync_done *d;

	if (s->quitting || !s->fetches)
		return;
	if (s->fetch_thread != NULL) {
		s->fetch_pending = TRUE;
		return;
	}
	d = g_new0(struct cli_sync_done, 1);
	d->s = s;
	d->fetch = TRUE;
	pop3_cancel_free(s->cancel);
	s->cancel = pop3_cancel_new();
	s->fetch_thread = g_thread_new("fetch", cli_sync_fetch_thread, d);
}

/*
 * A timer for the next entry due. Entries that stay due after a flush
 * (no password command for their account) are looked at again after
 * send_interval, not in a loop.
 */
static void
cli_sync_arm_due(struct cli_sync *s)
{
	gint64 next;

	if (s->due_timer != 0) {
		g_source_remove(s->due_timer);
		s->due_timer = 0;
	}
	if ((next = outbox_next_due(s->st)) < 0)
		return;
	if (next <= 0)
		next = s->config->send_interval;
	s->due_timer = g_timeout_add_seconds((guint)MIN(next, 86400),
	    cli_sync_due, s);
}

static gboolean
cli_sync_due(gpointer data)
{
	struct cli_sync *s = data;

	s->due_timer = 0;
	cli_sync_send(s, OUTBOX_FLUSH_DUE);
	return G_SOURCE_REMOVE;
}

static gboolean
cli_sync_fetch_tick(gpointer data)
{
	struct cli_sync *s = data;

	cli_sync_fetch(s);
	return G_SOURCE_CONTINUE;
}

/* The network changed; again: a later look while it settles. */
static void
cli_sync_net_changed(gboolean again, void *data)
{
	struct cli_sync *s = data;

	if (!again)
		log_info("%s", _("sync: the network changed"));
	cli_sync_send(s, OUTBOX_FLUSH_DUE | OUTBOX_FLUSH_NETWORK);
	if (s->fetch_interval > 0 && (!again || s->fetch_failed))
		cli_sync_fetch(s);
}

static void
cli_sync_file_changed(GFileMonitor *m, GFile *file, GFile *other,
    GFileMonitorEvent event, gpointer data)
{
	struct cli_sync		*s = data;
	g_autofree char		*name = NULL;

	(void)m;
	(void)other;
	(void)event;
	name = g_file_get_basename(file);
	/*
	 * Every commit to the index writes its log, index.sqlite-wal (a
	 * checkpoint writes index.sqlite). Reads change only the -shm file,
	 * through mmap: looking at the queue wakes nothing.
	 */
	if (name == NULL || (strcmp(name, "index.sqlite-wal") != 0 &&
	    strcmp(name, "index.sqlite") != 0) || s->settle_timer != 0)
		return;
	s->settle_timer = g_timeout_add(CLI_SYNC_SETTLE_MS, cli_sync_settled,
	    s);
}

/* The index changed: did the queue gain an entry (or one to send now)? */
static gboolean
cli_sync_settled(gpointer data)
{
	struct cli_sync	*s = data;
	int64_t		 max_id = 0;
	guint		 ready = 0;

	s->settle_timer = 0;
	if (s->send_thread != NULL) {
		/* Its end restamps; look again then. */
		if (s->send_pending == 0)
			s->send_pending = OUTBOX_FLUSH_DUE + 1;
		return G_SOURCE_REMOVE;
	}
	if (outbox_stamp(s->st, &max_id, &ready, NULL) != OUTBOX_OK)
		return G_SOURCE_REMOVE;
	if (max_id > s->seen_max_id || ready > s->seen_ready) {
		log_info("%s", _("sync: new mail in the outbox"));
		cli_sync_send(s, OUTBOX_FLUSH_DUE);
	}
	s->seen_max_id = max_id;
	s->seen_ready = ready;
	return G_SOURCE_REMOVE;
}

static gboolean
cli_sync_signal(gpointer data)
{
	struct cli_sync *s = data;

	if (!s->quitting)
		log_info("%s", _("sync: stopping"));
	s->quitting = TRUE;
	if (s->cancel != NULL)
		pop3_cancel_trigger(s->cancel);
	cli_sync_maybe_quit(s);
	return G_SOURCE_CONTINUE;
}

int
cli_sync(struct session *ctx, int argc, char **argv)
{
	struct cli_sync		 s;
	enum store_status	 ss;
	gboolean		 verbose = FALSE;
	gint			 interval = -1;
	g_autoptr(GFile)	 dir = NULL;
	GError			*err = NULL;
	guint			 sig[3], i;
	int			 rc = SESSION_EXIT_OK;
	GOptionEntry		 entries[] = {
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
		  N_("Log every send and fetch, not only problems"), NULL },
		{ "fetch-interval", 0, 0, G_OPTION_ARG_INT, &interval,
		  N_("Fetch every SECONDS (default: fetch_interval; 0: never)"), N_("SECONDS") },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};

	if (!cli_parse_options("sync", "", _("Stay running: send queued mail "
	    "as soon as it is queued or the network returns, fetch every "
	    "fetch_interval seconds. Stops cleanly on SIGTERM. One per "
	    "store."), NULL, entries, &argc, &argv))
		return SESSION_EXIT_USAGE;
	if (argc > 1) {
		fprintf(stderr, _("satchel sync: unexpected argument '%s'\n"),
		    argv[1]);
		return SESSION_EXIT_USAGE;
	}
	memset(&s, 0, sizeof s);
	if ((s.config = cli_config(ctx)) == NULL)
		return SESSION_EXIT_CONFIG;
	if ((s.st = cli_store(ctx, &rc)) == NULL)
		return rc;
	if ((ss = store_lock(s.st, CLI_SYNC_LOCK)) != STORE_OK) {
		if (ss == STORE_ERR_BUSY)
			fprintf(stderr, _("satchel sync: already running for "
			    "the store %s\n"), store_dir(s.st));
		else
			fprintf(stderr, "satchel sync: %s\n",
			    store_errmsg(s.st));
		return ss == STORE_ERR_BUSY ? SESSION_EXIT_TEMPFAIL :
		    SESSION_EXIT_IOERR;
	}
	if (interval > 86400 || interval < -1) {
		fprintf(stderr, "%s\n", _("satchel sync: --fetch-interval "
		    "takes 0 to 86400 seconds"));
		store_unlock(s.st, CLI_SYNC_LOCK);
		return SESSION_EXIT_USAGE;
	}
	if (verbose)
		log_set_level(LOG_LEVEL_INFO);
	s.fetch_interval = interval >= 0 ? (guint)interval :
	    s.config->fetch_interval;
	for (i = 0; i < s.config->accounts->len; i++)
		if (((struct account *)g_ptr_array_index(s.config->accounts,
		    i))->pop3_host != NULL)
			s.fetches = TRUE;
	s.store_dir = g_strdup(store_dir(s.st));
	s.loop = g_main_loop_new(NULL, FALSE);

	sig[0] = g_unix_signal_add(SIGTERM, cli_sync_signal, &s);
	sig[1] = g_unix_signal_add(SIGINT, cli_sync_signal, &s);
	sig[2] = g_unix_signal_add(SIGHUP, cli_sync_signal, &s);

	dir = g_file_new_for_path(s.store_dir);
	s.monitor = g_file_monitor_directory(dir, G_FILE_MONITOR_NONE, NULL,
	    &err);
	if (s.monitor == NULL) {
		log_warn(_("sync: cannot watch %s (%s): new mail in the outbox "
		    "waits for the next timer"), s.store_dir, err->message);
		g_clear_error(&err);
	} else {
		g_file_monitor_set_rate_limit(s.monitor, CLI_SYNC_SETTLE_MS);
		g_signal_connect(s.monitor, "changed",
		    G_CALLBACK(cli_sync_file_changed), &s);
	}
	s.netwatch = netwatch_new(FALSE, cli_sync_net_changed, &s);
	cli_sync_restamp(&s);
	log_info(_("sync: watching %s"), s.store_dir);

	/* What waits from before goes now; then the timers take over. */
	cli_sync_send(&s, OUTBOX_FLUSH_DUE | OUTBOX_FLUSH_NETWORK);
	if (s.fetch_interval > 0 && s.fetches) {
		cli_sync_fetch(&s);
		s.fetch_timer = g_timeout_add_seconds(s.fetch_interval,
		    cli_sync_fetch_tick, &s);
	}
	g_main_loop_run(s.loop);

	for (i = 0; i < G_N_ELEMENTS(sig); i++)
		g_source_remove(sig[i]);
	if (s.fetch_timer != 0)
		g_source_remove(s.fetch_timer);
	if (s.due_timer != 0)
		g_source_remove(s.due_timer);
	if (s.settle_timer != 0)
		g_source_remove(s.settle_timer);
	netwatch_free(s.netwatch);
	if (s.monitor != NULL) {
		g_file_monitor_cancel(s.monitor);
		g_object_unref(s.monitor);
	}
	pop3_cancel_free(s.cancel);
	g_main_loop_unref(s.loop);
	g_free(s.store_dir);
	store_unlock(s.st, CLI_SYNC_LOCK);
	return SESSION_EXIT_OK;
}
