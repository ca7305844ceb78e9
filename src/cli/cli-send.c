/*
 * cli-send.c: satchel send [--due] [--verbose]: submit queued mail now.
 *
 * Exit status: 0 when nothing is left to send, 75 (EX_TEMPFAIL) when
 * something waits for a retry, 69 (EX_UNAVAILABLE) when something failed
 * for good or an account was refused (certificate, AUTH).
 */
#include "satchel-config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"
#include "config/config.h"
#include "store/store.h"
#include "smtp/outbox.h"
#include "session/session.h"
#include "cli/cli.h"

struct cli_send_state {
	gboolean	 verbose;
};

static char	*cli_send_ask(const struct account *, enum config_service,
		    enum session_secret_kind, void *);
static char	*cli_send_secret(const struct account *,
		    enum outbox_secret_kind, void *);
static void	 cli_send_notify(const struct outbox_event *, void *);
static void	 cli_send_eprint(const char *, const char *, const char *);

/* A password nothing supplies is asked for on the terminal; a token is not. */
static char *
cli_send_ask(const struct account *acc, enum config_service service,
    enum session_secret_kind kind, void *data)
{
	g_autofree char	*prompt = NULL;

	(void)service;
	(void)data;
	if (kind != SESSION_SECRET_PASSWORD)
		return NULL;
	prompt = g_strdup_printf(_("SMTP password for %s@%s: "),
	    acc->smtp_user != NULL ? acc->smtp_user : acc->from_addr,
	    acc->smtp_host);
	return cli_prompt_secret(prompt);
}

/* The account's secret (session_secret); why there is none, on stderr. */
static char *
cli_send_secret(const struct account *acc, enum outbox_secret_kind kind,
    void *data)
{
	GError	*err = NULL;
	char	*secret = NULL;

	(void)data;
	if (session_secret(acc, CONFIG_SERVICE_SMTP, kind ==
	    OUTBOX_SECRET_OAUTH2_TOKEN ? SESSION_SECRET_TOKEN :
	    SESSION_SECRET_PASSWORD, cli_send_ask, NULL, &secret, &err) !=
	    CONFIG_OK && err != NULL)
		cli_send_eprint(acc->name, NULL, err->message);
	g_clear_error(&err);
	return secret;
}

/* "satchel send: PREFIX: text" on stderr, text sanitised. */
static void
cli_send_eprint(const char *who, const char *what, const char *text)
{
	g_autofree char *safe = sanitize_text(text != NULL ? text : "", -1, 0);

	if (what != NULL)
		fprintf(stderr, "satchel send: %s: %s: %s\n", who, what, safe);
	else
		fprintf(stderr, "satchel send: %s: %s\n", who, safe);
}

static void
cli_send_notify(const struct outbox_event *ev, void *data)
{
	struct cli_send_state	*s = data;
	const struct outbox_entry *e = ev->entry;
	g_autofree char		*who = NULL, *subj = NULL;

	if (e != NULL) {
		subj = sanitize_text(e->row.subject != NULL ?
		    e->row.subject : "", -1, 0);
		who = g_strdup_printf(_("queue entry %" PRId64 " (%s)"),
		    e->row.id, subj);
	}
	switch (ev->type) {
	case OUTBOX_EVENT_CONNECTING:
		if (s->verbose)
			fprintf(stderr, _("satchel send: %s: connecting to "
			    "%s\n"), ev->account, ev->host);
		break;
	case OUTBOX_EVENT_SENDING:
		break;
	case OUTBOX_EVENT_SENT:
		if (s->verbose)
			fprintf(stderr, _("satchel send: %s: sent\n"), who);
		if (ev->text != NULL) {
			g_auto(GStrv) lines = g_strsplit(ev->text, "\n", -1);
			guint i;

			for (i = 0; lines[i] != NULL; i++)
				cli_send_eprint(who, _("recipient refused"),
				    lines[i]);
		}
		break;
	case OUTBOX_EVENT_DEFERRED:
		cli_send_eprint(who, _("will retry"), ev->text);
		break;
	case OUTBOX_EVENT_FAILED:
		cli_send_eprint(who, _("failed"), ev->text);
		break;
	case OUTBOX_EVENT_ACCOUNT_ERROR:
		cli_send_eprint(ev->account, ev->permanent ?
		    _("cannot send") : _("cannot send now"), ev->text);
		break;
	}
}

int
cli_send(struct session *ctx, int argc, char **argv)
{
	struct cli_send_state		 s;
	struct outbox_flush_result	 res;
	g_autoptr(GPtrArray)		 entries = NULL;
	struct config			*config;
	struct store			*st;
	GError				*err = NULL;
	gboolean			 due = FALSE, verbose = FALSE;
	enum outbox_status		 os;
	int				 rc;
	guint				 i;
	GOptionEntry			 options[] = {
		{ "due", 0, 0, G_OPTION_ARG_NONE, &due,
		  N_("Only messages whose retry time has come (for cron)"),
		  NULL },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
		  N_("Report every message sent"), NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};

	if (!cli_parse_options("send", NULL, _("Submit queued messages over "
	    "SMTP now. Exit status 75: something waits for a retry; 69: "
	    "something failed for good."), NULL, options, &argc, &argv))
		return SESSION_EXIT_USAGE;
	if (argc > 1) {
		fprintf(stderr, _("satchel send: unexpected argument \"%s\"\n"),
		    argv[1]);
		return SESSION_EXIT_USAGE;
	}
	if ((config = cli_config(ctx)) == NULL)
		return SESSION_EXIT_CONFIG;
	if ((st = cli_store(ctx, &rc)) == NULL)
		return rc;
	s.verbose = verbose;
	/* DSNs fetched since the last look mark their messages. */
	(void)outbox_match_bounces(st, NULL, NULL);
	os = outbox_flush(st, config, due, cli_send_secret, NULL,
	    cli_send_notify, &s, &res, &err);
	/* Entries found mid-send after a crash wait for the user. */
	if (outbox_list(st, 0, &entries, NULL) == OUTBOX_OK) {
		for (i = 0; i < entries->len; i++) {
			struct outbox_entry *e = g_ptr_array_index(entries, i);

			if (!e->maybe_sent)
				continue;
			fprintf(stderr, _("satchel send: queue entry %"
			    PRId64 " may have been sent already; "
			    "decide with 'satchel queue resend %" PRId64
			    "' or 'satchel queue mark-sent %" PRId64
			    "'\n"), e->row.id, e->row.id, e->row.id);
		}
	}
	if (res.sent + res.deferred + res.failed > 0 || verbose)
		printf(_("sent %u, waiting for a retry %u, failed %u\n"),
		    res.sent, res.deferred, res.failed);
	if ((os == OUTBOX_ERR_STORE || os == OUTBOX_ERR_BUSY) && err != NULL) {
		g_autofree char *safe = sanitize_text(err->message, -1, 0);

		fprintf(stderr, "satchel send: %s\n", safe);
	}
	g_clear_error(&err);
	switch (os) {
	case OUTBOX_OK:
		return SESSION_EXIT_OK;
	case OUTBOX_ERR_TEMP:
	case OUTBOX_ERR_BUSY:
	case OUTBOX_ERR_CREDENTIALS:
		return SESSION_EXIT_TEMPFAIL;
	case OUTBOX_ERR_PERM:
		/*
		 * sysexits: a refused login is EX_NOPERM. A certificate
		 * that cannot be trusted leaves the queue waiting (75).
		 */
		return res.refused_login ? SESSION_EXIT_NOPERM :
		    SESSION_EXIT_UNAVAILABLE;
	case OUTBOX_ERR_STORE:
		return SESSION_EXIT_IOERR;
	default:
		return SESSION_EXIT_SOFTWARE;
	}
}
