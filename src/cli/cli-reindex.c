/* cli-reindex.c: satchel reindex [--full]. */
#include "satchel-config.h"

#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "util/util.h"
#include "config/config.h"
#include "store/store.h"
#include "smtp/outbox.h"
#include "cli/cli.h"

static void	 cli_reindex_progress(const struct store_progress *, void *);
static int	 cli_reindex_exit(enum store_status);

static void
cli_reindex_progress(const struct store_progress *p, void *data)
{
	gint64	*last = data;
	gint64	 now = g_get_monotonic_time();

	if (now - *last < 100000)
		return;
	*last = now;
	fputc('\r', stderr);
	fprintf(stderr, _("reindexing: %" PRIu64 "/%"
	    PRIu64 " files "), p->done, p->total);
	fflush(stderr);
}

static int
cli_reindex_exit(enum store_status s)
{
	switch (s) {
	case STORE_OK:
		return SESSION_EXIT_OK;
	case STORE_ERR_NOSPC:
	case STORE_ERR_IO:
		return SESSION_EXIT_IOERR;
	case STORE_ERR_BUSY:
		return SESSION_EXIT_TEMPFAIL;
	case STORE_ERR_PERM:
		return SESSION_EXIT_NOPERM;
	default:
		return SESSION_EXIT_SOFTWARE;
	}
}

int
cli_reindex(struct session *ctx, int argc, char **argv)
{
	struct store_progress	 pr = { 0 };
	struct config		*c;
	enum store_status	 s;
	gboolean		 full = FALSE, quiet = FALSE, progress;
	gboolean		 reset = FALSE;
	guint			 held = 0;
	gint64			 last = 0;
	unsigned		 flags;
	int			 attempt;
	GOptionEntry		 opts[] = {
		{ "full", 0, 0, G_OPTION_ARG_NONE, &full,
		    N_("Read every message again, not only changed folders"), NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
		    N_("Print nothing unless something fails"), NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};

	if (!cli_parse_options("reindex", _("- rebuild the index from the "
	    "Maildir"), NULL, NULL, opts, &argc, &argv))
		return SESSION_EXIT_USAGE;
	if (argc > 1) {
		fprintf(stderr, _("satchel reindex: unexpected argument "
		    "\"%s\"\n"), argv[1]);
		return SESSION_EXIT_USAGE;
	}
	if ((c = cli_config(ctx)) == NULL)
		return SESSION_EXIT_CONFIG;
	progress = !quiet && isatty(STDERR_FILENO);
	/*
	 * A damaged index is moved aside and rebuilt: the Maildir is the
	 * truth. A second attempt starts from an empty index.
	 */
	flags = STORE_OPEN_CREATE | STORE_OPEN_REBUILD | STORE_OPEN_NOSCAN;
	for (attempt = 0; attempt < 2; attempt++) {
		store_close(ctx->store);
		ctx->store = NULL;
		s = store_open(c->store, flags, &ctx->store);
		/* A damaged index is found first, not half-way through. */
		if (s == STORE_OK)
			s = store_check(ctx->store);
		if (s == STORE_OK)
			s = store_reindex(ctx->store, full, progress ?
			    cli_reindex_progress : NULL, &last, &pr);
		if (progress)
			fputc('\n', stderr);
		if (s != STORE_ERR_CORRUPT)
			break;
		if (!quiet)
			fprintf(stderr, _("satchel reindex: the index is "
			    "damaged; rebuilding it from the Maildir\n"));
		flags |= STORE_OPEN_RESET;
		full = TRUE;
		reset = TRUE;
	}
	if (s != STORE_OK) {
		g_autofree char *safe = sanitize_text(ctx->store != NULL ?
		    store_errmsg(ctx->store) : store_strerror(s), -1, 0);

		fprintf(stderr, _("satchel reindex: %s\n"), safe);
		return cli_reindex_exit(s);
	}
	/*
	 * The queue went with the damaged index: what is left in the Outbox
	 * comes back held (never sendable twice), for the user to release.
	 */
	if (reset && outbox_recover(ctx->store, c, &held, NULL) == OUTBOX_OK &&
	    held > 0)
		fprintf(stderr, ngettext("satchel reindex: %u message in the "
		    "Outbox is held: see `satchel queue`\n", "satchel reindex: "
		    "%u messages in the Outbox are held: see `satchel queue`\n",
		    held), held);
	if (!quiet)
		printf(_("reindex: %" PRIu64 " files, %"
		    PRIu64 " indexed, %" PRIu64
		    " unreadable\n"), pr.total, pr.imported, pr.unreadable);
	return SESSION_EXIT_OK;
}

int
cli_reindex_full(struct session *ctx)
{
	char	*argv[] = { (char *)"reindex", (char *)"--full", NULL };

	return cli_reindex(ctx, 2, argv);
}
