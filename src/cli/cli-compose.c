/*
 * cli-compose.c: satchel compose --to ADDR [--cc ADDR] [--bcc ADDR]
 * --subject S [--attach FILE]... [--account NAME] [--draft] < body
 *
 * Queues the message (or saves it as a draft) without an editor, as mail(1)
 * users expect, and prints the queue id. Nothing goes over the network.
 */
#include "satchel-config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "config/config.h"
#include "mime/mime.h"
#include "mime/compose.h"
#include "store/store.h"
#include "smtp/outbox.h"
#include "cli/cli.h"

static char	*cli_compose_join(char **);
static char	*cli_compose_read_stdin(GError **);

/* Repeated --to/--cc/--bcc options become one address list. */
static char *
cli_compose_join(char **v)
{
	if (v == NULL || v[0] == NULL)
		return NULL;
	return g_strjoinv(", ", v);
}

static char *
cli_compose_read_stdin(GError **err)
{
	GString	*s = g_string_new(NULL);
	char	 buf[8192];
	size_t	 n;

	while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
		g_string_append_len(s, buf, (gssize)n);
	if (ferror(stdin)) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_IO,
		    _("cannot read the message body from standard input"));
		g_string_free(s, TRUE);
		return NULL;
	}
	if (!g_utf8_validate(s->str, (gssize)s->len, NULL)) {
		char *valid = g_utf8_make_valid(s->str, (gssize)s->len);

		g_string_free(s, TRUE);
		return valid;
	}
	return g_string_free(s, FALSE);
}

int
cli_compose(struct session *ctx, int argc, char **argv)
{
	g_auto(GStrv)		 to = NULL, cc = NULL, bcc = NULL;
	g_auto(GStrv)		 attach = NULL;
	g_autofree char		*subject = NULL, *account = NULL;
	g_autoptr(GMimeMessage)	 msg = NULL;
	struct compose_fields	 f;
	struct compose_identity	 id;
	struct config		*config;
	struct account		*acc;
	struct store		*st;
	GError			*err = NULL;
	gboolean		 draft = FALSE;
	int64_t			 qid = 0;
	int			 rc = SESSION_EXIT_OK, i;
	GOptionEntry		 entries[] = {
		{ "to", 0, 0, G_OPTION_ARG_STRING_ARRAY, &to,
		  N_("Recipient (repeatable)"), N_("ADDR") },
		{ "cc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cc,
		  N_("Copy recipient (repeatable)"), N_("ADDR") },
		{ "bcc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &bcc,
		  N_("Blind copy recipient, never shown in the message"),
		  N_("ADDR") },
		{ "subject", 's', 0, G_OPTION_ARG_STRING, &subject,
		  N_("Subject"), N_("TEXT") },
		{ "attach", 'a', 0, G_OPTION_ARG_FILENAME_ARRAY, &attach,
		  N_("Attach FILE (repeatable)"), N_("FILE") },
		{ "account", 0, 0, G_OPTION_ARG_STRING, &account,
		  N_("Send from account NAME (default: the first)"),
		  N_("NAME") },
		{ "draft", 0, 0, G_OPTION_ARG_NONE, &draft,
		  N_("Save to Drafts instead of queueing"), NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};

	if (!cli_parse_options("compose", _("< BODY"), _("Queue a message "
	    "read from standard input; prints its queue id. It goes out with "
	    "the next 'satchel send' (or the reader's sender)."), NULL,
	    entries, &argc, &argv))
		return SESSION_EXIT_USAGE;
	if (argc > 1) {
		fprintf(stderr, _("satchel compose: unexpected argument '%s' "
		    "(the body is read from standard input)\n"), argv[1]);
		return SESSION_EXIT_USAGE;
	}
	if ((config = cli_config(ctx)) == NULL)
		return SESSION_EXIT_CONFIG;
	if ((acc = config_account(config, account)) == NULL ||
	    (account != NULL && strcmp(acc->name, account) != 0)) {
		fprintf(stderr, account != NULL ?
		    _("satchel compose: no account '%s'\n") :
		    _("satchel compose: no account configured%s\n"),
		    account != NULL ? account : "");
		return SESSION_EXIT_CONFIG;
	}
	if (acc->from_addr == NULL) {
		fprintf(stderr, _("satchel compose: account %s has no "
		    "address\n"), acc->name);
		return SESSION_EXIT_CONFIG;
	}

	compose_fields_init(&f);
	f.to = cli_compose_join(to);
	f.cc = cli_compose_join(cc);
	f.bcc = cli_compose_join(bcc);
	f.subject = g_strdup(subject);
	for (i = 0; attach != NULL && attach[i] != NULL; i++) {
		if (store_path_is_index(config->store, attach[i])) {
			fprintf(stderr, _("satchel compose: %s: this is the "
			    "store's own index; it cannot be attached\n"),
			    attach[i]);
			compose_fields_clear(&f);
			return SESSION_EXIT_NOINPUT;
		}
		g_ptr_array_add(f.attachments, compose_attachment_new(
		    attach[i], NULL, NULL));
	}
	if ((f.body = cli_compose_read_stdin(&err)) == NULL) {
		fprintf(stderr, "satchel compose: %s\n", err->message);
		g_error_free(err);
		compose_fields_clear(&f);
		return SESSION_EXIT_IOERR;
	}
	id.name = acc->from_name;
	id.addr = acc->from_addr;
	msg = compose_build(&id, &f, &err);
	compose_fields_clear(&f);
	if (msg == NULL) {
		char *safe = sanitize_text(err->message, -1, 0);

		fprintf(stderr, "satchel compose: %s\n", safe);
		g_free(safe);
		rc = err->code == COMPOSE_ERR_ATTACHMENT ? SESSION_EXIT_NOINPUT :
		    SESSION_EXIT_DATAERR;
		g_error_free(err);
		return rc;
	}
	if ((st = cli_store(ctx, &rc)) == NULL)
		return rc;
	if (draft) {
		if (outbox_draft_save(st, msg, 0, &qid, &err) != OUTBOX_OK)
			goto fail;
		printf("%" G_GINT64_FORMAT "\n", qid);
		return SESSION_EXIT_OK;
	}
	if (outbox_queue(st, acc, msg, 0, &qid, &err) != OUTBOX_OK)
		goto fail;
	printf("%" G_GINT64_FORMAT "\n", qid);
	return SESSION_EXIT_OK;
fail:
	{
		g_autofree char *safe = sanitize_text(err->message, -1, 0);

		fprintf(stderr, "satchel compose: %s\n", safe);
	}
	rc = err->code == OUTBOX_ERR_BUSY ? SESSION_EXIT_TEMPFAIL :
	    err->code == OUTBOX_ERR_STORE ? SESSION_EXIT_IOERR : SESSION_EXIT_DATAERR;
	g_error_free(err);
	return rc;
}
