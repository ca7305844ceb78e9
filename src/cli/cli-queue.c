/*
 * cli-queue.c: satchel queue [--all] [list | retry | hold | release |
 * delete | resend | mark-sent ID...]
 */
#include "satchel-config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/util.h"
#include "config/config.h"
#include "store/store.h"
#include "smtp/outbox.h"
#include "cli/cli.h"

/* How `satchel queue` writes a time. */
#define CLI_QUEUE_TIME	"%Y-%m-%d %H:%M"

struct cli_queue_action {
	const char	*name;
	enum outbox_status (*fn)(struct store *, int64_t, GError **);
	const char	*done;
};

static const struct cli_queue_action cli_queue_actions[] = {
	{ "retry", outbox_retry, N_("will be sent with the next send") },
	{ "hold", outbox_hold, N_("held") },
	{ "release", outbox_release, N_("released") },
	{ "delete", outbox_delete, N_("deleted") },
	{ "resend", outbox_resend, N_("will be sent again") },
	{ "mark-sent", outbox_mark_sent, N_("marked as sent") },
	{ NULL, NULL, NULL },
};

static void	 cli_queue_print(const struct outbox_entry *);
static void	 cli_queue_detail(const char *, const char *);

/* Indented lines of server words, each sanitised. */
static void
cli_queue_detail(const char *label, const char *text)
{
	g_auto(GStrv)	 lines = NULL;
	guint		 i;

	if (text == NULL || *text == '\0')
		return;
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		g_autofree char *l = g_strdup_printf("    %s: %s", label,
		    lines[i]);

		cli_puts_safe(l);
	}
}

static void
cli_queue_print(const struct outbox_entry *e)
{
	g_autofree char	*next = NULL, *rcpts = NULL, *line = NULL;
	g_autofree char	*state = NULL, *sent = NULL, *waits = NULL;

	if (e->maybe_sent)
		state = g_strdup(_("sending: maybe sent"));
	else if (e->row.state == STORE_QUEUE_SENT && e->row.bounce != NULL)
		state = g_strdup(_("sent, bounced"));
	else if (e->row.state == STORE_QUEUE_SENT && e->row.refused != NULL)
		state = g_strdup(_("sent, some refused"));
	else
		state = g_strdup(store_queue_state_name(e->row.state));
	next = e->row.state == STORE_QUEUE_QUEUED ? (e->row.next_try <= 0 ?
	    g_strdup(_("now")) : time_local_format(e->row.next_try,
	    CLI_QUEUE_TIME)) : g_strdup("-");
	g_ptr_array_add(e->row.recipients, NULL);
	rcpts = g_strjoinv(", ", (char **)e->row.recipients->pdata);
	g_ptr_array_set_size(e->row.recipients, e->row.recipients->len - 1);
	line = g_strdup_printf("%" G_GINT64_FORMAT "\t%s\t%s %u\t%s %s\t%s\t%s",
	    e->row.id, state, _("attempts"), e->row.attempts, _("next"), next,
	    rcpts, e->row.subject != NULL ? e->row.subject : "");
	cli_puts_safe(line);
	waits = outbox_entry_waits(e, (int64_t)time(NULL));
	if (waits != NULL) {
		g_autofree char *l = g_strdup_printf("    %s", waits);

		cli_puts_safe(l);
	}
	if (e->row.state == STORE_QUEUE_SENT) {
		sent = time_local_format(e->row.sent_at, CLI_QUEUE_TIME);
		cli_queue_detail(_("sent"), sent);
	}
	cli_queue_detail(_("last error"), e->row.last_error);
	cli_queue_detail(_("refused"), e->row.refused);
	cli_queue_detail(_("bounced"), e->row.bounce);
	if (e->maybe_sent) {
		g_autofree char *hint = g_strdup_printf(_("the server may "
		    "have it: 'satchel queue resend %" PRId64 "' or "
		    "'satchel queue mark-sent %" PRId64 "'"), e->row.id,
		    e->row.id);

		cli_queue_detail(_("decide"), hint);
	}
}

int
cli_queue(struct session *ctx, int argc, char **argv)
{
	const struct cli_queue_action	*a;
	g_autoptr(GPtrArray)		 entries = NULL;
	struct config			*config;
	struct store			*st;
	GError				*err = NULL;
	gboolean			 all = FALSE;
	int				 rc = SESSION_EXIT_OK, i;
	guint				 j;
	GOptionEntry			 options[] = {
		{ "all", 0, 0, G_OPTION_ARG_NONE, &all,
		  N_("Also list messages already sent"), NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};

	if (!cli_parse_options("queue", _("[list | retry | hold | release | "
	    "delete | resend | mark-sent ID...]"), _("List the outbox (state, "
	    "attempts, next try, last error) or change entries. resend and "
	    "mark-sent resolve an entry that may have been sent when a sender "
	    "stopped mid-way."), NULL, options, &argc, &argv))
		return SESSION_EXIT_USAGE;
	if ((config = cli_config(ctx)) == NULL)
		return SESSION_EXIT_CONFIG;
	if ((st = cli_store(ctx, &rc)) == NULL)
		return rc;

	if (argc < 2 || strcmp(argv[1], "list") == 0) {
		(void)outbox_recover(st, config, NULL, NULL);
		/* DSNs fetched since the last look mark their messages. */
		(void)outbox_match_bounces(st, NULL, NULL);
		if (outbox_list(st, all ? OUTBOX_LIST_SENT : 0, &entries,
		    &err) != OUTBOX_OK) {
			g_autofree char *safe = sanitize_text(err->message,
			    -1, 0);

			fprintf(stderr, "satchel queue: %s\n", safe);
			rc = err->code == OUTBOX_ERR_BUSY ? SESSION_EXIT_TEMPFAIL :
			    SESSION_EXIT_IOERR;
			g_error_free(err);
			return rc;
		}
		for (j = 0; j < entries->len; j++)
			cli_queue_print(g_ptr_array_index(entries, j));
		return SESSION_EXIT_OK;
	}
	for (a = cli_queue_actions; a->name != NULL; a++)
		if (strcmp(a->name, argv[1]) == 0)
			break;
	if (a->name == NULL || argc < 3) {
		fprintf(stderr, a->name == NULL ?
		    _("satchel queue: unknown action '%s'\n") :
		    _("satchel queue: %s needs a queue id\n"), argv[1]);
		return SESSION_EXIT_USAGE;
	}
	for (i = 2; i < argc; i++) {
		char		*end = NULL;
		gint64		 id = g_ascii_strtoll(argv[i], &end, 10);
		enum outbox_status os;

		if (end == argv[i] || *end != '\0' || id <= 0) {
			fprintf(stderr, _("satchel queue: bad queue id '%s'\n"),
			    argv[i]);
			rc = SESSION_EXIT_USAGE;
			continue;
		}
		os = a->fn(st, id, &err);
		if (os != OUTBOX_OK) {
			g_autofree char *safe = sanitize_text(err->message,
			    -1, 0);

			fprintf(stderr, "satchel queue: %s\n", safe);
			g_clear_error(&err);
			if (rc == SESSION_EXIT_OK)
				rc = os == OUTBOX_ERR_BUSY ? SESSION_EXIT_TEMPFAIL :
				    os == OUTBOX_ERR_STORE ? SESSION_EXIT_IOERR :
				    SESSION_EXIT_FAILURE;
			continue;
		}
		printf("%" G_GINT64_FORMAT ": %s\n", id, _(a->done));
	}
	return rc;
}
