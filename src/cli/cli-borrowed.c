/*
 * cli-borrowed.c: borrowed-machine mode (DESIGN invariant 8). The store
 * lives in a private directory in RAM when the machine has one, and a
 * janitor process removes it when satchel ends, however it ends: it waits
 * on a pipe whose only writer is satchel, so even kill -9 is covered.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "config/config.h"
#include "cli/cli.h"

static char	*cli_borrowed_base(gboolean *in_ram);
static void	 cli_borrowed_janitor(int, int, int, const char *, dev_t,
		    ino_t);
static gboolean	 cli_borrowed_hostport(const char *, char **, unsigned *);
static void	 cli_borrowed_nodump(void);

/*
 * No core file and no same-user ptrace or /proc/PID/mem: typed passwords
 * and mail must not leave the session in a crash dump. RLIMIT_CORE 0
 * also holds for the children (the editor, viewers); the janitor, a fork
 * without exec, keeps both.
 */
static void
cli_borrowed_nodump(void)
{
	struct rlimit rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) != 0)
		fprintf(stderr, "satchel: setrlimit(RLIMIT_CORE): %s\n",
		    g_strerror(errno));
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		fprintf(stderr, "satchel: prctl(PR_SET_DUMPABLE): %s\n",
		    g_strerror(errno));
}

/* "host", "host:port" or "[v6]:port"; *port 0 when none is given. */
static gboolean
cli_borrowed_hostport(const char *s, char **host, unsigned *port)
{
	const char	*colon, *end;
	guint64		 n;
	char		*e;

	*port = 0;
	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL || end == s + 1)
			return FALSE;
		*host = g_strndup(s + 1, end - s - 1);
		colon = end[1] == ':' ? end + 1 : NULL;
		if (colon == NULL && end[1] != '\0')
			goto bad;
	} else {
		colon = strchr(s, ':');
		/* Two colons: a bare IPv6 address, no port. */
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			colon = NULL;
		*host = colon != NULL ? g_strndup(s, colon - s) : g_strdup(s);
	}
	if (**host == '\0')
		goto bad;
	if (colon == NULL)
		return TRUE;
	n = g_ascii_strtoull(colon + 1, &e, 10);
	if (colon[1] == '\0' || *e != '\0' || n == 0 || n > 65535)
		goto bad;
	*port = (unsigned)n;
	return TRUE;
bad:
	g_clear_pointer(host, g_free);
	return FALSE;
}

/* A RAM-backed directory we own: the runtime dir, else /dev/shm. */
static char *
cli_borrowed_base(gboolean *in_ram)
{
	const char	*rt = g_getenv("XDG_RUNTIME_DIR");
	struct stat	 sb;

	*in_ram = TRUE;
	if (rt != NULL && *rt == '/' && stat(rt, &sb) == 0 &&
	    S_ISDIR(sb.st_mode) && sb.st_uid == geteuid() &&
	    (sb.st_mode & 077) == 0)
		return g_strdup(rt);
	if (stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) &&
	    access("/dev/shm", W_OK) == 0)
		return g_strdup("/dev/shm");
	*in_ram = FALSE;
	/*
	 * Not g_get_tmp_dir(): it remembers its first answer, and TMPDIR
	 * is about to point into the private directory.
	 */
	rt = g_getenv("TMPDIR");
	return g_strdup(rt != NULL && *rt == '/' ? rt : "/tmp");
}

/*
 * The janitor: wait until satchel is gone, then wipe its directory. It
 * works on the directory it opened at the start (dirfd) and removes the
 * name in basefd only while that name is still the same directory: by
 * then satchel may have removed it, and in a shared /dev/shm or /tmp
 * someone else may have made the name again, with links into the user's
 * files. Nothing is looked up through a name that could have changed.
 */
static void
cli_borrowed_janitor(int rfd, int basefd, int dirfd, const char *name,
    dev_t dev, ino_t ino)
{
	char	c;
	ssize_t	n;
	pid_t	pgid = 0;
	long	num = 0;
	int	fd, digits = 0;

	/* Survive the hang-up and signals that end the session. */
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	/* Let go of the terminal and every other descriptor. */
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	for (fd = STDERR_FILENO + 1; fd < 1024; fd++)
		if (fd != rfd && fd != basefd && fd != dirfd)
			close(fd);
	if (chdir("/") != 0)
		_exit(1);
	setsid();
	/*
	 * Until satchel is gone (end of file), it may tell the process
	 * group of a running editor ("PGID\n", "0\n" when it ended): that
	 * group is ended too, so that no editor outlives a kill -9.
	 */
	for (;;) {
		do {
			n = read(rfd, &c, 1);
		} while (n < 0 && errno == EINTR);
		if (n <= 0)
			break;
		if (c >= '0' && c <= '9' && digits < 9) {
			num = num * 10 + (c - '0');
			digits++;
		} else if (c == '\n') {
			pgid = (pid_t)num;
			num = 0;
			digits = 0;
		}
	}
	if (pgid > 1 && kill(-pgid, SIGTERM) == 0) {
		struct timespec ts = { 0, 200 * 1000 * 1000 };
		int i;

		for (i = 0; i < 10 && kill(-pgid, 0) == 0; i++)
			nanosleep(&ts, NULL);
		(void)kill(-pgid, SIGKILL);
	}
	file_remove_contents(dirfd);
	file_remove_dir_at(basefd, name, dev, ino);
	_exit(0);
}

int
cli_borrowed_begin(struct cli_ctx *ctx, struct config *c)
{
	g_autofree char	*base = NULL, *name = NULL;
	struct stat	 sb;
	char		*dir;
	gboolean	 in_ram;
	int		 p[2], basefd = -1, dirfd = -1;
	pid_t		 pid;
	guint		 i;

	cli_borrowed_nodump();
	if (ctx->borrowed_dir != NULL)
		goto set;
	base = cli_borrowed_base(&in_ram);
	dir = g_build_filename(base, "satchel-borrowed-XXXXXX", NULL);
	if (g_mkdtemp_full(dir, 0700) == NULL) {
		fprintf(stderr, _("satchel: cannot create a private "
		    "directory in %s: %s\n"), base, g_strerror(errno));
		g_free(dir);
		return -1;
	}
	if (!in_ram)
		fprintf(stderr, _("satchel: warning: no RAM-backed directory "
		    "is available; the borrowed store is on disk in %s and "
		    "is removed on exit\n"), dir);
	ctx->borrowed_dir = dir;
	/* Hold the directory itself, not its name (see the janitor). */
	name = g_path_get_basename(dir);
	basefd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (basefd >= 0)
		dirfd = openat(basefd, name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0 || fstat(dirfd, &sb) != 0 || sb.st_uid != geteuid() ||
	    (sb.st_mode & 077) != 0) {
		fprintf(stderr, _("satchel: cannot open the private directory "
		    "%s: %s\n"), dir, g_strerror(errno != 0 ? errno : EPERM));
		if (basefd >= 0)
			close(basefd);
		if (dirfd >= 0)
			close(dirfd);
		return -1;
	}
	ctx->borrowed_dev = sb.st_dev;
	ctx->borrowed_ino = sb.st_ino;
	if (pipe2(p, O_CLOEXEC) != 0) {
		fprintf(stderr, "satchel: pipe: %s\n", g_strerror(errno));
		close(basefd);
		close(dirfd);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "satchel: fork: %s\n", g_strerror(errno));
		close(p[0]);
		close(p[1]);
		close(basefd);
		close(dirfd);
		return -1;
	}
	if (pid == 0) {
		close(p[1]);
		cli_borrowed_janitor(p[0], basefd, dirfd, name, sb.st_dev,
		    sb.st_ino);
	}
	/* Our end stays open, unseen by children (close-on-exec). */
	close(p[0]);
	close(basefd);
	close(dirfd);
	ctx->borrowed_fd = p[1];
set:
	g_free(c->store);
	c->store = g_build_filename(ctx->borrowed_dir, "store", NULL);
	c->borrowed = TRUE;
	for (i = 0; i < c->accounts->len; i++) {
		struct account *a = c->accounts->pdata[i];

		a->borrowed = TRUE;
		a->keep = TRUE;
		a->delete_after_days = 0;
		a->delete_on_server_when_deleted = FALSE;
	}
	/* Children (the editor) keep their temporary files with ours. */
	g_setenv("TMPDIR", ctx->borrowed_dir, TRUE);
	/*
	 * gpg and gpgsm write their keyrings (and trustdb, random seed)
	 * into a keyring of their own, wiped with the session, unless the
	 * config names one: nothing lands in the machine's ~/.gnupg.
	 */
	if (c->gnupghome == NULL) {
		g_autofree char *gh = g_build_filename(ctx->borrowed_dir,
		    "gnupg", NULL);

		if (mkdir(gh, 0700) != 0 && errno != EEXIST) {
			fprintf(stderr, _("satchel: cannot create %s: %s\n"),
			    gh, g_strerror(errno));
			return -1;
		}
		g_setenv("GNUPGHOME", gh, TRUE);
		ctx->borrowed_gnupg = TRUE;
	}
	return 0;
}

void
cli_borrowed_end(struct cli_ctx *ctx)
{
	if (ctx->borrowed_dir == NULL)
		return;
	/* The agent gpg started for the temporary keyring ends with it. */
	if (ctx->borrowed_gnupg) {
		const char *argv[] = { "gpgconf", "--kill", "all", NULL };

		(void)g_spawn_sync(NULL, (char **)argv, NULL,
		    G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
		    G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL,
		    NULL);
		ctx->borrowed_gnupg = FALSE;
	}
	if (ctx->borrowed_ino != 0)
		file_remove_dir_checked(ctx->borrowed_dir, ctx->borrowed_dev,
		    ctx->borrowed_ino);
	else
		file_remove_tree(ctx->borrowed_dir);
	g_clear_pointer(&ctx->borrowed_dir, g_free);
	if (ctx->borrowed_fd > 0) {
		close(ctx->borrowed_fd);
		ctx->borrowed_fd = 0;
	}
}

struct config *
cli_borrowed_oneoff(struct cli_ctx *ctx)
{
	struct config	*c;
	struct account	*a;
	const char	*at;
	char		*smtp;

	at = strrchr(ctx->pop3_oneoff, '@');
	if (at == NULL || at == ctx->pop3_oneoff || at[1] == '\0') {
		fprintf(stderr, _("satchel: --pop3 needs USER@HOST\n"));
		return NULL;
	}
	c = config_new_default();
	a = config_account_new("borrowed");
	a->pop3_user = g_strndup(ctx->pop3_oneoff, at - ctx->pop3_oneoff);
	if (!cli_borrowed_hostport(at + 1, &a->pop3_host, &a->pop3_port)) {
		fprintf(stderr, _("satchel: --pop3 needs USER@HOST or "
		    "USER@HOST:PORT\n"));
		config_account_free(a);
		config_free(c);
		return NULL;
	}
	a->borrowed = TRUE;
	if (ctx->ca_file != NULL) {
		if (access(ctx->ca_file, R_OK) != 0) {
			fprintf(stderr, _("satchel: cannot read %s: %s\n"),
			    ctx->ca_file, g_strerror(errno));
			config_account_free(a);
			config_free(c);
			return NULL;
		}
		a->ca_file = g_strdup(ctx->ca_file);
	}
	if (strchr(a->pop3_user, '@') != NULL)
		a->address = g_strdup(a->pop3_user);
	else
		a->address = g_strdup_printf("%s@%s", a->pop3_user,
		    a->pop3_host);
	/* Sending is optional: ask for a server only on a terminal. */
	if (isatty(STDIN_FILENO) &&
	    (smtp = cli_prompt_line(_("SMTP server for replies, HOST[:PORT] (empty: none): "))) != NULL) {
		g_strstrip(smtp);
		if (*smtp != '\0' && !cli_borrowed_hostport(smtp,
		    &a->smtp_host, &a->smtp_port))
			fprintf(stderr, _("satchel: '%s' is not HOST or "
			    "HOST:PORT; replies stay queued\n"), smtp);
		a->smtp_user = g_strdup(a->pop3_user);
		g_free(smtp);
	}
	config_account_finish(a);
	g_ptr_array_add(c->accounts, a);
	return c;
}
