/*
 * main.c: parse the global options, then run a subcommand or the reader.
 * Nothing else lives here.
 */
#include "satchel-config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "util/util.h"
#include "config/config.h"
#include "mime/mime.h"
#include "session/session.h"
#include "cli/cli.h"
#include "ui/ui.h"

/*
 * GnuTLS initialises itself when it is loaded, before main(): a search or
 * --version would pay for it. net_connect() initialises it on first use.
 */
GNUTLS_SKIP_GLOBAL_INIT

int
main(int argc, char **argv)
{
	struct session	 ctx;
	GOptionContext	*oc;
	GError		*err = NULL;
	gboolean	 version = FALSE;
	char		*config_path = NULL, *pop3 = NULL, *ca_file = NULL;
	GString		*summary;
	int		 rc;
	GOptionEntry	 entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
		  N_("Read the configuration from FILE"), N_("FILE") },
		{ "borrowed", 0, 0, G_OPTION_ARG_NONE, &ctx.borrowed,
		  N_("Borrowed-machine mode: keep mode, private store wiped on exit"),
		  NULL },
		{ "pop3", 0, 0, G_OPTION_ARG_STRING, &pop3,
		  N_("With --borrowed: fetch from USER@HOST without a config file"),
		  N_("USER@HOST[:PORT]") },
		{ "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file,
		  N_("With --pop3: trust the certificate authorities in FILE"),
		  N_("FILE") },
		{ "remove-bundle", 0, 0, G_OPTION_ARG_NONE,
		  &ctx.remove_bundle,
		  N_("With --borrowed, run from an unpacked bundle: remove the bundle too when the session ends"),
		  NULL },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &version,
		  N_("Print the version and exit"), NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};

	memset(&ctx, 0, sizeof ctx);
	/* Before the reader starts, both front ends reach the person so. */
	ctx.warn = cli_session_warn;
	ctx.ask_line = cli_session_line;
	setlocale(LC_ALL, "");
	const char *localedir = getenv("SATCHEL_LOCALEDIR");
	bindtextdomain(PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
	/* A peer that closes a socket must not kill us (libetpan writes). */
	signal(SIGPIPE, SIG_IGN);
	mime_init();

	/* Installed as sendmail (a link): sendmail's command line, as is. */
	{
		g_autofree char *base = g_path_get_basename(argv[0]);

		if (strcmp(base, "sendmail") == 0 ||
		    strcmp(base, "satchel-sendmail") == 0) {
			argv[0] = (char *)"sendmail";
			rc = cli_run(&ctx, argc, argv);
			session_release(&ctx);
			mime_shutdown();
			return rc;
		}
	}

	oc = g_option_context_new(_("[COMMAND [ARGS...]]"));
	g_option_context_set_translation_domain(oc, PACKAGE);
	g_option_context_add_main_entries(oc, entries, PACKAGE);
	/* Options after the subcommand's name belong to the subcommand. */
	g_option_context_set_strict_posix(oc, TRUE);
	summary = g_string_new(_("An offline terminal mail reader. Without a "
	    "command, opens the reader."));
	g_string_append(summary, "\n\n");
	g_string_append(summary, _("Commands (each takes --help):"));
	g_string_append(summary, "\n  fetch, send, compose, search, import, "
	    "reindex, queue, sync, sendmail");
	g_option_context_set_summary(oc, summary->str);
	g_string_free(summary, TRUE);
	if (!g_option_context_parse(oc, &argc, &argv, &err)) {
		fprintf(stderr, "satchel: %s\n", err->message);
		fprintf(stderr, _("Try 'satchel --help'.\n"));
		g_error_free(err);
		g_option_context_free(oc);
		mime_shutdown();
		return SESSION_EXIT_USAGE;
	}
	g_option_context_free(oc);
	if (version) {
		printf("satchel %s\n", PACKAGE_VERSION);
		g_free(config_path);
		g_free(pop3);
		g_free(ca_file);
		mime_shutdown();
		return SESSION_EXIT_OK;
	}
	ctx.config_path = config_path;
	ctx.pop3_oneoff = pop3;
	ctx.ca_file = ca_file;
	if (argc > 1) {
		if (!cli_is_command(argv[1])) {
			fprintf(stderr, _("satchel: unknown command '%s'\n"),
			    argv[1]);
			cli_print_commands();
			rc = SESSION_EXIT_USAGE;
		} else
			rc = cli_run(&ctx, argc - 1, argv + 1);
	} else
		rc = ui_main(&ctx, cli_reindex_full);
	session_release(&ctx);
	g_free(config_path);
	g_free(pop3);
	g_free(ca_file);
	mime_shutdown();
	return rc;
}
