/*
 * cli-fetch.c: satchel fetch [--quiet] [ACCOUNT...]. The fetch itself is
 * the session's (session_fetch); this file draws its progress and says
 * what it did.
 */
#include "satchel-config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "config/config.h"
#include "store/store.h"
#include "pop3/pop3.h"
#include "session/session.h"
#include "cli/cli.h"

struct fetch_ui {
	gboolean	 bar;		/* draw a progress bar on the terminal */
	gint64		 start;
	int		 width;		/* columns last drawn */
	gboolean	 quiet;		/* --quiet */
	int		 code;		/* the exit status so far */
};

static void	fetch_progress(const struct pop3_progress *, void *);
static void	fetch_clear_bar(struct fetch_ui *);
static char	*fetch_size(guint64);
static int	fetch_exit(enum pop3_status);
static int	fetch_worse(int, int);
static char	*fetch_ask(const struct account *, enum config_service,
		    enum session_secret_kind, void *);
static void	fetch_no_secret(const struct account *, enum pop3_status,
		    const GError *);
static void	fetch_done(const struct account *, enum pop3_status,
		    const struct pop3_fetch_result *, const GError *, void *);

static char *
fetch_size(guint64 n)
{
	return g_format_size_full(n, G_FORMAT_SIZE_DEFAULT);
}

static void
fetch_clear_bar(struct fetch_ui *ui)
{
	if (ui->bar && ui->width > 0) {
		printf("\r%*s\r", ui->width, "");
		fflush(stdout);
		ui->width = 0;
	}
}

static void
fetch_progress(const struct pop3_progress *p, void *data)
{
	struct fetch_ui *ui = data;
	g_autofree char *done = NULL, *total = NULL, *rate = NULL;
	g_autofree char *name = NULL;
	const char *what;
	double secs;
	int n;

	if (!ui->bar)
		return;
	/* The rate is the account's own. */
	if (p->phase == POP3_PHASE_CONNECT && p->msgs_done == 0 &&
	    p->bytes_done == 0)
		ui->start = g_get_monotonic_time();
	name = sanitize_truncate(p->account, 20, TRUE);
	switch (p->phase) {
	case POP3_PHASE_CONNECT:
		what = _("connecting");
		break;
	case POP3_PHASE_AUTH:
		what = _("logging in");
		break;
	case POP3_PHASE_LIST:
		what = _("listing");
		break;
	case POP3_PHASE_DELETE:
		what = _("deleting on the server");
		break;
	case POP3_PHASE_DONE:
		fetch_clear_bar(ui);
		return;
	case POP3_PHASE_FETCH:
	default:
		what = NULL;
		break;
	}
	if (what != NULL)
		n = printf("\r%s: %s", name, what);
	else {
		secs = (g_get_monotonic_time() - ui->start) / 1e6;
		done = fetch_size(p->bytes_done);
		total = fetch_size(p->bytes_total);
		rate = fetch_size(secs > 0.05 ?
		    (guint64)(p->bytes_done / secs) : 0);
		n = printf("\r%s: [%3u%%] %" G_GUINT64_FORMAT "/%"
		    G_GUINT64_FORMAT " %s, %s/%s, %s/s", name,
		    p->msgs_total > 0 ? (unsigned)(p->msgs_done * 100 /
		    p->msgs_total) : 100, p->msgs_done, p->msgs_total,
		    _("messages"), done, total, rate);
	}
	if (n > 0 && n - 1 < ui->width)
		printf("%*s", ui->width - (n - 1), "");
	ui->width = MAX(ui->width, n - 1);
	fflush(stdout);
}

static int
fetch_exit(enum pop3_status st)
{
	switch (st) {
	case POP3_OK:
	case POP3_DEFERRED:
		return SESSION_EXIT_OK;
	case POP3_ERR_CONFIG:
	case POP3_ERR_NO_SECRET:
		return SESSION_EXIT_CONFIG;
	case POP3_ERR_AUTH:
	case POP3_ERR_CERT:
	case POP3_ERR_PLAINTEXT:
		return SESSION_EXIT_NOPERM;
	case POP3_ERR_STORE:
		return SESSION_EXIT_IOERR;
	default:
		return pop3_status_is_temporary(st) ? SESSION_EXIT_TEMPFAIL :
		    SESSION_EXIT_UNAVAILABLE;
	}
}

/* The more serious of two exit codes: config, permanent, I/O, temporary. */
static int
fetch_worse(int a, int b)
{
	static const int order[] = { SESSION_EXIT_OK, SESSION_EXIT_TEMPFAIL,
	    SESSION_EXIT_IOERR, SESSION_EXIT_UNAVAILABLE, SESSION_EXIT_NOPERM,
	    SESSION_EXIT_CONFIG };
	size_t i, ra = 0, rb = 0;

	for (i = 0; i < G_N_ELEMENTS(order); i++) {
		if (order[i] == a)
			ra = i;
		if (order[i] == b)
			rb = i;
	}
	return ra >= rb ? a : b;
}

/* The session asks for a missing password on the terminal (not a token). */
static char *
fetch_ask(const struct account *a, enum config_service service,
    enum session_secret_kind kind, void *data)
{
	g_autofree char *prompt = NULL, *name = NULL;

	(void)service;
	(void)data;
	if (kind != SESSION_SECRET_PASSWORD)
		return NULL;
	name = sanitize_text(a->name, -1, 0);
	prompt = g_strdup_printf(_("Password for %s: "), name);
	return cli_prompt_secret(prompt);
}

/* No secret for a: say why. */
static void
fetch_no_secret(const struct account *a, enum pop3_status st,
    const GError *err)
{
	g_autofree char *name = sanitize_text(a->name, -1, 0);

	if (st == POP3_ERR_NO_SECRET &&
	    session_pop3_secret_kind(a) == SESSION_SECRET_PASSWORD) {
		fprintf(stderr, _("satchel fetch: %s: no password: set "
		    "password_command in the configuration, or run satchel "
		    "from a terminal to be asked\n"), name);
	} else {
		g_autofree char *msg = sanitize_text(err != NULL ?
		    err->message : _("no secret"), -1, 0);

		fprintf(stderr, "satchel fetch: %s: %s\n", name, msg);
	}
}

/* An account is done: what it did, in words (session_fetch_ops). */
static void
fetch_done(const struct account *a, enum pop3_status st,
    const struct pop3_fetch_result *res, const GError *err, void *data)
{
	struct fetch_ui	*ui = data;
	g_autofree char *name = NULL, *bytes = NULL;
	gboolean	 quiet = ui->quiet;

	fetch_clear_bar(ui);
	ui->code = fetch_worse(ui->code, fetch_exit(st));
	if (res == NULL) {
		fetch_no_secret(a, st, err);
		return;
	}
	name = sanitize_text(a->name, -1, 0);
	if (st == POP3_OK || (res->new_msgs > 0 && !quiet)) {
		bytes = fetch_size(res->bytes);
		if (!quiet) {
			printf(_("%s: %" PRIu64 " new, %"
			    PRIu64 " skipped"), name, res->new_msgs,
			    res->skipped);
			if (res->partial_msgs > 0)
				printf(_(", %" PRIu64 " headers only"),
				    res->partial_msgs);
			if (res->deleted > 0)
				printf(_(", %" PRIu64
				    " deleted on the server"), res->deleted);
			printf(_(", %s in %.1f s\n"), bytes,
			    res->elapsed_us / 1e6);
		}
	}
	/* Once, when such messages are fetched; later fetches know them. */
	if (res->unusable_uidls > 0)
		fprintf(stderr, ngettext("satchel fetch: %s: warning: %" PRIu64
		    " message has a UIDL that is not usable (spaces, over 70 "
		    "characters or not ASCII); it was fetched and is known by a "
		    "digest of that UIDL\n", "satchel fetch: %s: warning: %"
		    PRIu64 " messages have a UIDL that is not usable (spaces, "
		    "over 70 characters or not ASCII); they were fetched and "
		    "are known by a digest of that UIDL\n",
		    res->unusable_uidls), name, res->unusable_uidls);
	if (res->duplicate_uidls > 0)
		fprintf(stderr, ngettext("satchel fetch: %s: warning: %" PRIu64
		    " message has the same UIDL as another; both were "
		    "fetched\n", "satchel fetch: %s: warning: %" PRIu64
		    " messages have the same UIDL as another; all were "
		    "fetched\n", res->duplicate_uidls), name,
		    res->duplicate_uidls);
	if (st == POP3_OK && !quiet && a->keep && res->expire_days >= 0 &&
	    res->expire_days != G_MAXINT) {
		if (res->expire_days == 0)
			printf(_("%s: note: the server deletes messages as "
			    "soon as they are downloaded (EXPIRE 0), even in "
			    "keep mode\n"), name);
		else
			printf(_("%s: note: the server deletes messages %d "
			    "days after they are downloaded (EXPIRE), even in "
			    "keep mode\n"), name, res->expire_days);
	}
	if (st == POP3_DEFERRED) {
		if (!quiet) {
			char when[64] = "";
			time_t t = (time_t)res->next_allowed;

			if (t > 0)
				strftime(when, sizeof when, "%H:%M:%S",
				    localtime(&t));
			printf(_("%s: the server allows the next login at %s "
			    "(LOGIN-DELAY); not fetching now\n"), name,
			    t > 0 ? when : _("a later time"));
		}
	} else if (st != POP3_OK) {
		g_autofree char *msg = sanitize_text(err != NULL ?
		    err->message : pop3_strerror(st), -1, 0);

		fprintf(stderr, "satchel fetch: %s: %s\n", name, msg);
		fprintf(stderr, pop3_status_is_temporary(st) ?
		    _("satchel fetch: %s: temporary problem (%s); mail already "
		    "stored is safe, the next fetch continues\n") :
		    _("satchel fetch: %s: permanent problem (%s); it will "
		    "not go away by retrying\n"), name, pop3_strerror(st));
	}
}

int
cli_fetch(struct session *ctx, int argc, char **argv)
{
	gboolean quiet = FALSE;
	GOptionEntry entries[] = {
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
		  N_("Print nothing but errors (for cron)"), NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GPtrArray *todo;
	struct config *cfg;
	struct store *store;
	struct account *a;
	struct fetch_ui ui;
	struct session_fetch_ops ops;
	struct session_fetch_result res;
	int code, i;
	guint j;

	if (!cli_parse_options("fetch", _("[ACCOUNT...] - download new mail"),
	    NULL, NULL, entries, &argc, &argv))
		return SESSION_EXIT_USAGE;
	if ((cfg = cli_config(ctx)) == NULL)
		return SESSION_EXIT_CONFIG;

	todo = g_ptr_array_new();
	if (argc > 1) {
		for (i = 1; i < argc; i++) {
			a = NULL;
			for (j = 0; j < cfg->accounts->len; j++) {
				struct account *b = cfg->accounts->pdata[j];

				if (strcmp(b->name, argv[i]) == 0)
					a = b;
			}
			if (a == NULL || a->pop3_host == NULL) {
				g_autofree char *n = sanitize_text(argv[i],
				    -1, 0);

				fprintf(stderr, a == NULL ?
				    _("satchel fetch: no account named %s\n") :
				    _("satchel fetch: account %s has no "
				    "pop3_host\n"), n);
				g_ptr_array_free(todo, TRUE);
				return SESSION_EXIT_CONFIG;
			}
			g_ptr_array_add(todo, a);
		}
	} else {
		for (j = 0; j < cfg->accounts->len; j++) {
			a = cfg->accounts->pdata[j];
			if (a->pop3_host != NULL)
				g_ptr_array_add(todo, a);
		}
		if (todo->len == 0) {
			fprintf(stderr, _("satchel fetch: no account has "
			    "pop3_host set\n"));
			g_ptr_array_free(todo, TRUE);
			return SESSION_EXIT_CONFIG;
		}
	}
	if ((store = cli_store(ctx, &code)) == NULL) {
		g_ptr_array_free(todo, TRUE);
		return code;
	}
	memset(&ui, 0, sizeof ui);
	ui.bar = !quiet && cli_isatty();
	ui.start = g_get_monotonic_time();
	ui.quiet = quiet;
	ui.code = SESSION_EXIT_OK;
	memset(&ops, 0, sizeof ops);
	ops.progress = fetch_progress;
	ops.ask = fetch_ask;
	ops.account_done = fetch_done;
	ops.data = &ui;
	session_fetch(store, cfg, todo, SESSION_FETCH_DELAY_FIRST |
	    SESSION_FETCH_BOUNCES_ALWAYS, NULL, &ops, &res);
	g_ptr_array_free(todo, TRUE);
	if (res.bounce_err != NULL) {
		g_autofree char *safe = sanitize_text(res.bounce_err->message,
		    -1, 0);

		fprintf(stderr, _("satchel: matching bounces: %s\n"), safe);
		g_clear_error(&res.bounce_err);
	} else if (res.bounced > 0 && !quiet)
		printf(ngettext("%u sent message bounced: see "
		    "'satchel queue --all'\n", "%u sent messages "
		    "bounced: see 'satchel queue --all'\n", res.bounced),
		    res.bounced);
	return ui.code;
}
