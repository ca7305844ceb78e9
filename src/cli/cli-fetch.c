/* cli-fetch.c: satchel fetch [--quiet] [ACCOUNT...]. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "config/config.h"
#include "store/store.h"
#include "net/net.h"
#include "pop3/pop3.h"
#include "smtp/outbox.h"
#include "cli/cli.h"

struct fetch_ui {
	gboolean	 bar;		/* draw a progress bar on the terminal */
	gint64		 start;
	int		 width;		/* columns last drawn */
};

static void	fetch_progress(const struct pop3_progress *, void *);
static void	fetch_clear_bar(struct fetch_ui *);
static char	*fetch_size(guint64);
static int	fetch_exit(enum pop3_status);
static int	fetch_worse(int, int);
static int	fetch_one(struct cli_ctx *, struct store *, struct account *,
		    gboolean);
static char	*fetch_secret(struct account *, int *);

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
		return CLI_EXIT_OK;
	case POP3_ERR_CONFIG:
	case POP3_ERR_NO_SECRET:
		return CLI_EXIT_CONFIG;
	case POP3_ERR_AUTH:
	case POP3_ERR_CERT:
	case POP3_ERR_PLAINTEXT:
		return CLI_EXIT_NOPERM;
	case POP3_ERR_STORE:
		return CLI_EXIT_IOERR;
	default:
		return pop3_status_is_temporary(st) ? CLI_EXIT_TEMPFAIL :
		    CLI_EXIT_UNAVAILABLE;
	}
}

/* The more serious of two exit codes: config, permanent, I/O, temporary. */
static int
fetch_worse(int a, int b)
{
	static const int order[] = { CLI_EXIT_OK, CLI_EXIT_TEMPFAIL,
	    CLI_EXIT_IOERR, CLI_EXIT_UNAVAILABLE, CLI_EXIT_NOPERM,
	    CLI_EXIT_CONFIG };
	size_t i, ra = 0, rb = 0;

	for (i = 0; i < G_N_ELEMENTS(order); i++) {
		if (order[i] == a)
			ra = i;
		if (order[i] == b)
			rb = i;
	}
	return ra >= rb ? a : b;
}

/* The account's password or token; NULL with *code set on failure. */
static char *
fetch_secret(struct account *a, int *code)
{
	g_autofree char *prompt = NULL, *name = NULL;
	enum config_status cs;
	GError *err = NULL;
	char *secret = NULL;

	*code = CLI_EXIT_OK;
	if (pop3_account_secret(a) == POP3_SECRET_OAUTH2)
		cs = config_oauth2_token(a, &secret, &err);
	else
		cs = config_password(a, CONFIG_SERVICE_POP3, &secret, &err);
	if (cs == CONFIG_OK)
		return secret;
	name = sanitize_text(a->name, -1, 0);
	if (cs == CONFIG_ERR_NO_SECRET &&
	    pop3_account_secret(a) == POP3_SECRET_PASSWORD) {
		g_clear_error(&err);
		prompt = g_strdup_printf(_("Password for %s: "), name);
		if ((secret = cli_prompt_secret(prompt)) != NULL)
			return secret;
		fprintf(stderr, _("satchel fetch: %s: no password: set "
		    "password_command in the configuration, or run satchel "
		    "from a terminal to be asked\n"), name);
	} else {
		g_autofree char *msg = sanitize_text(err != NULL ?
		    err->message : _("no secret"), -1, 0);

		fprintf(stderr, "satchel fetch: %s: %s\n", name, msg);
	}
	g_clear_error(&err);
	*code = CLI_EXIT_CONFIG;
	return NULL;
}

static int
fetch_one(struct cli_ctx *ctx, struct store *store, struct account *a,
    gboolean quiet)
{
	struct pop3_credentials cr;
	struct pop3_fetch_result res;
	struct fetch_ui ui;
	g_autofree char *name = NULL, *bytes = NULL;
	enum pop3_status st;
	GError *err = NULL;
	char *secret = NULL;
	gint64 next;
	int code;

	(void)ctx;
	name = sanitize_text(a->name, -1, 0);
	next = pop3_next_allowed(store, a);
	if (next > 0) {
		if (!quiet) {
			char when[64];
			time_t t = (time_t)next;

			strftime(when, sizeof when, "%H:%M:%S", localtime(&t));
			printf(_("%s: the server allows the next login at %s "
			    "(LOGIN-DELAY); not fetching now\n"), name, when);
		}
		return CLI_EXIT_OK;
	}
	if ((secret = fetch_secret(a, &code)) == NULL)
		return code;
	memset(&cr, 0, sizeof cr);
	if (pop3_account_secret(a) == POP3_SECRET_OAUTH2)
		cr.oauth2_token = secret;
	else
		cr.password = secret;

	memset(&ui, 0, sizeof ui);
	ui.bar = !quiet && cli_isatty();
	ui.start = g_get_monotonic_time();
	st = pop3_fetch_account(store, a, &cr, NULL, fetch_progress, &ui,
	    &res, &err);
	config_secret_free(secret);
	fetch_clear_bar(&ui);

	if (st == POP3_OK || (res.new_msgs > 0 && !quiet)) {
		bytes = fetch_size(res.bytes);
		if (!quiet) {
			printf(_("%s: %" PRIu64 " new, %"
			    PRIu64 " skipped"), name, res.new_msgs,
			    res.skipped);
			if (res.partial_msgs > 0)
				printf(_(", %" PRIu64 " headers only"),
				    res.partial_msgs);
			if (res.deleted > 0)
				printf(_(", %" PRIu64
				    " deleted on the server"), res.deleted);
			printf(_(", %s in %.1f s\n"), bytes,
			    res.elapsed_us / 1e6);
		}
	}
	/* Once, when such messages are fetched; later fetches know them. */
	if (res.unusable_uidls > 0)
		fprintf(stderr, ngettext("satchel fetch: %s: warning: %" PRIu64
		    " message has a UIDL that is not usable (spaces, over 70 "
		    "characters or not ASCII); it was fetched and is known by a "
		    "digest of that UIDL\n", "satchel fetch: %s: warning: %"
		    PRIu64 " messages have a UIDL that is not usable (spaces, "
		    "over 70 characters or not ASCII); they were fetched and "
		    "are known by a digest of that UIDL\n",
		    res.unusable_uidls), name, res.unusable_uidls);
	if (res.duplicate_uidls > 0)
		fprintf(stderr, ngettext("satchel fetch: %s: warning: %" PRIu64
		    " message has the same UIDL as another; both were "
		    "fetched\n", "satchel fetch: %s: warning: %" PRIu64
		    " messages have the same UIDL as another; all were "
		    "fetched\n", res.duplicate_uidls), name,
		    res.duplicate_uidls);
	if (st == POP3_OK && !quiet && a->keep && res.expire_days >= 0 &&
	    res.expire_days != G_MAXINT) {
		if (res.expire_days == 0)
			printf(_("%s: note: the server deletes messages as "
			    "soon as they are downloaded (EXPIRE 0), even in "
			    "keep mode\n"), name);
		else
			printf(_("%s: note: the server deletes messages %d "
			    "days after they are downloaded (EXPIRE), even in "
			    "keep mode\n"), name, res.expire_days);
	}
	if (st == POP3_DEFERRED) {
		if (!quiet) {
			char when[64] = "";
			time_t t = (time_t)res.next_allowed;

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
	g_clear_error(&err);
	pop3_fetch_result_clear(&res);
	return fetch_exit(st);
}

int
cli_fetch(struct cli_ctx *ctx, int argc, char **argv)
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
	unsigned timeout = 0;
	int rc = CLI_EXIT_OK, code, i;
	guint j;

	if (!cli_parse_options("fetch", _("[ACCOUNT...] - download new mail"),
	    NULL, NULL, entries, &argc, &argv))
		return CLI_EXIT_USAGE;
	if ((cfg = cli_config(ctx)) == NULL)
		return CLI_EXIT_CONFIG;

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
				return CLI_EXIT_CONFIG;
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
			return CLI_EXIT_CONFIG;
		}
	}
	for (j = 0; j < todo->len; j++) {
		a = todo->pdata[j];
		timeout = MAX(timeout, a->timeout);
	}
	net_init(timeout);
	if ((store = cli_store(ctx, &code)) == NULL) {
		g_ptr_array_free(todo, TRUE);
		return code;
	}
	for (j = 0; j < todo->len; j++)
		rc = fetch_worse(rc, fetch_one(ctx, store, todo->pdata[j],
		    quiet));
	g_ptr_array_free(todo, TRUE);
	/* Bounces that just arrived are matched to the mail we sent. */
	{
		GError	*berr = NULL;
		guint	 matched = 0;

		if (outbox_match_bounces(store, &matched, &berr) != OUTBOX_OK) {
			g_autofree char *safe = sanitize_text(berr != NULL ?
			    berr->message : "?", -1, 0);

			fprintf(stderr, _("satchel: matching bounces: %s\n"),
			    safe);
			g_clear_error(&berr);
		} else if (matched > 0 && !quiet)
			printf(ngettext("%u sent message bounced: see "
			    "'satchel queue --all'\n", "%u sent messages "
			    "bounced: see 'satchel queue --all'\n", matched),
			    matched);
	}
	return rc;
}
