/*
 * cli-table.c: the subcommand table. Apart from cli.c, so that a program
 * that runs one command (the search front) links none of the others.
 */
#include "satchel-config.h"

#include <stdio.h>
#include <string.h>

#include "util/util.h"
#include "cli/cli.h"

struct cli_command {
	const char	*name;
	int		(*fn)(struct session *, int, char **);
	const char	*help;
};

static const struct cli_command cli_commands[] = {
	{ "fetch", cli_fetch, N_("download new mail from POP3 accounts") },
	{ "send", cli_send, N_("send queued mail now") },
	{ "compose", cli_compose, N_("queue a message from standard input") },
	{ "search", cli_search, N_("search the store") },
	{ "import", cli_import, N_("import a Maildir or mbox") },
	{ "reindex", cli_reindex, N_("rebuild the index from the Maildir") },
	{ "queue", cli_queue, N_("list or change the outbox queue") },
	{ "sync", cli_sync, N_("keep running: send and fetch when it can") },
	{ "sendmail", cli_sendmail,
	  N_("queue a message, as sendmail does (for scripts)") },
	{ NULL, NULL, NULL },
};

gboolean
cli_is_command(const char *name)
{
	const struct cli_command *c;

	for (c = cli_commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return TRUE;
	return FALSE;
}

void
cli_print_commands(void)
{
	const struct cli_command *c;

	fprintf(stderr, _("Commands:\n"));
	for (c = cli_commands; c->name != NULL; c++)
		fprintf(stderr, "  %-10s %s\n", c->name, _(c->help));
}

int
cli_run(struct session *ctx, int argc, char **argv)
{
	const struct cli_command *c;

	for (c = cli_commands; c->name != NULL; c++)
		if (strcmp(c->name, argv[0]) == 0)
			return c->fn(ctx, argc, argv);
	return SESSION_EXIT_USAGE;
}

