/*
 * front.c: the satchel program users run. A search of an index that is
 * current is answered here, by a program linked with GLib and SQLite
 * alone: binding the symbols of the TLS, POP3/SMTP, MIME and curses
 * libraries was most of a search's start-up. Everything else, and a
 * search whose index must first be brought up to date, runs the full
 * program (src/main.c) in this same process (execv: same pid, same
 * arguments).
 */
#include "satchel-config.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "config/config.h"
#include "store/store.h"
#include "cli/cli.h"

static char	**front_argv;

static char	*front_full_path(void);
static void	 front_exec_full(void) G_GNUC_NORETURN;
static struct store *front_store(struct session *, int *);

/*
 * The full program: in a build tree, src/satchel next to this one; once
 * installed, satchel in the package's libexec directory.
 */
static char *
front_full_path(void)
{
	g_autofree char	*self = g_file_read_link("/proc/self/exe", NULL);

	if (self != NULL) {
		g_autofree char	*dir = g_path_get_dirname(self);
		char		*p = g_build_filename(dir, "src", "satchel",
				    NULL);

		if (g_file_test(p, G_FILE_TEST_IS_EXECUTABLE) &&
		    !g_file_test(p, G_FILE_TEST_IS_DIR))
			return p;
		g_free(p);
	}
	return g_strdup(SATCHEL_FULL);
}

static void
front_exec_full(void)
{
	char	*path = front_full_path();

	fflush(stdout);
	fflush(stderr);
	execv(path, front_argv);
	fprintf(stderr, _("satchel: cannot run %s: %s\n"), path,
	    g_strerror(errno));
	g_free(path);
	exit(SESSION_EXIT_SOFTWARE);
}

/*
 * The store of a search, if its index is current; otherwise (and for
 * borrowed mode, or a configuration error to report) the full program
 * runs the same command line.
 */
static struct store *
front_store(struct session *ctx, int *exit_code)
{
	GError	*err = NULL;

	*exit_code = SESSION_EXIT_OK;
	if (config_load(ctx->config_path, &ctx->config, &err) != CONFIG_OK) {
		g_clear_error(&err);
		front_exec_full();
	}
	if (ctx->config->borrowed)
		front_exec_full();
	if (store_open_query(ctx->config->store, &ctx->store) != STORE_OK) {
		store_close(ctx->store);
		ctx->store = NULL;
		front_exec_full();
	}
	return ctx->store;
}

int
main(int argc, char **argv)
{
	struct session	 ctx;
	const char	*base, *localedir;
	int		 i = 1, rc;

	/* As given: option parsing rearranges argv, the full program reads it. */
	front_argv = g_memdup2(argv, ((gsize)argc + 1) * sizeof(*argv));
	base = argc > 0 ? strrchr(argv[0], '/') : NULL;
	base = base != NULL ? base + 1 : argc > 0 ? argv[0] : "";
	if (strcmp(base, "sendmail") == 0 ||
	    strcmp(base, "satchel-sendmail") == 0)
		front_exec_full();
	if (argc == 2 && (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "-V") == 0)) {
		printf("satchel %s\n", PACKAGE_VERSION);
		g_free(front_argv);
		return SESSION_EXIT_OK;
	}
	memset(&ctx, 0, sizeof ctx);
	/* The global options a search may have: -c FILE, --config[=]FILE. */
	while (i < argc) {
		if ((strcmp(argv[i], "-c") == 0 ||
		    strcmp(argv[i], "--config") == 0) && i + 1 < argc) {
			ctx.config_path = argv[i + 1];
			i += 2;
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			ctx.config_path = argv[i] + 9;
			i++;
		} else
			break;
	}
	if (i >= argc || strcmp(argv[i], "search") != 0)
		front_exec_full();

	setlocale(LC_ALL, "");
	localedir = getenv("SATCHEL_LOCALEDIR");
	bindtextdomain(PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
	signal(SIGPIPE, SIG_IGN);
	rc = cli_search_run(&ctx, argc - i, argv + i, front_store);
	store_close(ctx.store);
	config_free(ctx.config);
	g_free(front_argv);
	return rc;
}
