/* cli-import.c: satchel import PATH [--folder NAME]. */
#include "satchel-config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "util/util.h"
#include "store/store.h"
#include "cli/cli.h"

struct cli_import_tty {
	gint64		 last;
};

static void	 cli_import_progress(const struct store_progress *, void *);

static void
cli_import_progress(const struct store_progress *p, void *data)
{
	struct cli_import_tty	*t = data;
	gint64			 now = g_get_monotonic_time();

	if (now - t->last < 100000 && p->done != p->total)
		return;
	t->last = now;
	fputc('\r', stderr);
	fprintf(stderr, _("importing: %" PRIu64 "/%"
	    PRIu64 " messages read, %" PRIu64 " new "),
	    p->done, p->total, p->imported);
	fflush(stderr);
}

int
cli_import(struct session *ctx, int argc, char **argv)
{
	g_autofree char		*folder = NULL;
	struct cli_import_tty	 tty = { 0 };
	struct store_progress	 pr;
	enum store_status	 s;
	struct store		*st;
	gboolean		 quiet = FALSE, progress;
	int			 code, i, rc = SESSION_EXIT_OK;
	GOptionEntry		 opts[] = {
		{ "folder", 'f', 0, G_OPTION_ARG_STRING, &folder,
		    N_("Import into folder NAME (default INBOX)"), N_("NAME") },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
		    N_("Print no progress and no summary"), NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};

	if (!cli_parse_options("import", _("PATH... - import a Maildir or an "
	    "mbox"), NULL, NULL, opts, &argc, &argv))
		return SESSION_EXIT_USAGE;
	if (argc < 2) {
		fprintf(stderr, _("satchel import: which Maildir or mbox? "
		    "(satchel import PATH [--folder NAME])\n"));
		return SESSION_EXIT_USAGE;
	}
	if ((st = cli_store(ctx, &code)) == NULL)
		return code;
	progress = !quiet && isatty(STDERR_FILENO);
	for (i = 1; i < argc; i++) {
		g_autofree char *name = sanitize_text(argv[i], -1, 0);

		if (access(argv[i], R_OK) != 0) {
			fprintf(stderr, _("satchel import: %s: %s\n"), name,
			    g_strerror(errno));
			rc = SESSION_EXIT_NOINPUT;
			continue;
		}
		s = store_import(st, argv[i], folder, progress ?
		    cli_import_progress : NULL, &tty, &pr);
		if (progress)
			fputc('\n', stderr);
		if (!quiet)
			printf(_("%s: imported %" PRIu64
			    ", duplicates %" PRIu64
			    ", unreadable %" PRIu64 "\n"), name,
			    pr.imported, pr.duplicates, pr.unreadable);
		if (!quiet && pr.skipped > 0)
			printf(_("%s: skipped %" PRIu64 " entries that are not "
			    "regular files (symbolic links, FIFOs, devices)\n"),
			    name, pr.skipped);
		if (s == STORE_OK && pr.imported == 0 && pr.duplicates == 0 &&
		    pr.unchanged == 0 &&
		    g_file_test(argv[i], G_FILE_TEST_IS_REGULAR)) {
			/* An empty mailbox is fine; text that is no mail not. */
			if (pr.unreadable > 0) {
				fprintf(stderr, _("satchel import: %s: no message "
				    "could be read (not an mbox or a message)\n"),
				    name);
				rc = SESSION_EXIT_DATAERR;
			} else if (!quiet)
				printf(_("%s: holds no message (empty)\n"), name);
			continue;
		}
		if (s != STORE_OK) {
			g_autofree char *safe = sanitize_text(store_errmsg(st),
			    -1, 0);

			fprintf(stderr, _("satchel import: %s\n"), safe);
			switch (s) {
			case STORE_ERR_NOSPC:
			case STORE_ERR_IO:
				rc = SESSION_EXIT_IOERR;
				break;
			case STORE_ERR_NOTFOUND:
			case STORE_ERR_INVALID:
				rc = SESSION_EXIT_NOINPUT;
				break;
			case STORE_ERR_BUSY:
				rc = SESSION_EXIT_TEMPFAIL;
				break;
			case STORE_ERR_PERM:
				rc = SESSION_EXIT_NOPERM;
				break;
			default:
				rc = SESSION_EXIT_SOFTWARE;
				break;
			}
			break;
		}
	}
	fflush(stdout);
	return rc;
}
