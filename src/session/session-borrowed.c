/*
 * session-borrowed.c: borrowed-machine mode (DESIGN invariant 8), part of
 * the session layer (session.h): both front ends run on it. The store
 * lives in a private directory in RAM when the machine has one, and a
 * janitor process removes it when satchel ends, however it ends: it waits
 * on a pipe whose only writer is satchel, so even kill -9 is covered.
 * Run from an unpacked bundle with --remove-bundle, the janitor removes
 * the bundle's directory as well.
 */
#include "satchel-config.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "config/config.h"
#include "mime/mime.h"
#include "mime/compose.h"
#include "session/session.h"

/* A directory of this name is the session's HOME for the editor. */
#define SESSION_BORROWED_HOME	"home"
/* The file that marks the top directory of an unpacked bundle. */
#define SESSION_BORROWED_MARK	"SATCHEL-BUNDLE"

/* What the janitor holds open: a directory and its name in a parent. */
struct session_borrowed_hold {
	int		 parentfd;
	int		 dirfd;
	char		*name;
	dev_t		 dev;
	ino_t		 ino;
};

static char	*session_borrowed_base(gboolean *in_ram);
static void	 session_borrowed_janitor(int, struct session_borrowed_hold *,
		    struct session_borrowed_hold *, gboolean);
static gboolean	 session_borrowed_hold(const char *, const char *,
		    struct session_borrowed_hold *);
static void	 session_borrowed_release(struct session_borrowed_hold *);
static char	*session_borrowed_bundle(struct session_borrowed_hold *, gboolean,
		    GError **);
static char	*session_borrowed_ask_from(struct session *, const char *);
static gboolean	 session_borrowed_hostport(const char *, char **, unsigned *);
static void	 session_borrowed_nodump(struct session *);
static void	 session_borrowed_warn(struct session *, const char *, ...)
		    G_GNUC_PRINTF(2, 3);

/*
 * No core file and no same-user ptrace or /proc/PID/mem: typed passwords
 * and mail must not leave the session in a crash dump. RLIMIT_CORE 0
 * also holds for the children (the editor, viewers); the janitor, a fork
 * without exec, keeps both.
 */
static void
session_borrowed_nodump(struct session *ctx)
{
	struct rlimit rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) != 0)
		session_borrowed_warn(ctx, "satchel: setrlimit(RLIMIT_CORE): "
		    "%s\n", g_strerror(errno));
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		session_borrowed_warn(ctx, "satchel: prctl(PR_SET_DUMPABLE): "
		    "%s\n", g_strerror(errno));
}

/* A line for the person, through the front end (session.h). */
static void
session_borrowed_warn(struct session *ctx, const char *fmt, ...)
{
	g_autofree char	*line = NULL;
	va_list		 ap;

	if (ctx->warn == NULL)
		return;
	va_start(ap, fmt);
	line = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	ctx->warn(line, ctx->front);
}

/* "host", "host:port" or "[v6]:port"; *port 0 when none is given. */
static gboolean
session_borrowed_hostport(const char *s, char **host, unsigned *port)
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
session_borrowed_base(gboolean *in_ram)
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
 * The janitor: wait until satchel is gone, then wipe its directory (and
 * the bundle's, when asked: --remove-bundle, or "R" on the pipe). It
 * works on the directories it opened at the
 * start and removes a name in its parent only while that name is still
 * the same directory: by then satchel may have removed it, and in a
 * shared /dev/shm or /tmp someone else may have made the name again, with
 * links into the user's files. Nothing is looked up through a name that
 * could have changed.
 */
static void
session_borrowed_janitor(int rfd, struct session_borrowed_hold *priv,
    struct session_borrowed_hold *bundle, gboolean remove_bundle)
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
		if (fd != rfd && fd != priv->parentfd && fd != priv->dirfd &&
		    fd != bundle->parentfd && fd != bundle->dirfd)
			close(fd);
	if (chdir("/") != 0)
		_exit(1);
	setsid();
	/*
	 * Until satchel is gone (end of file), it may tell the process
	 * group of a running editor ("PGID\n", "0\n" when it ended): that
	 * group is ended too, so that no editor outlives a kill -9. "R\n":
	 * the user asked to remove the bundle as well.
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
		} else if (c == 'R') {
			remove_bundle = TRUE;
		} else if (c == '\n') {
			if (digits > 0)
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
	file_remove_contents(priv->dirfd);
	file_remove_dir_at(priv->parentfd, priv->name, priv->dev, priv->ino);
	if (remove_bundle && bundle->dirfd >= 0) {
		file_remove_contents(bundle->dirfd);
		file_remove_dir_at(bundle->parentfd, bundle->name, bundle->dev,
		    bundle->ino);
	}
	_exit(0);
}

/*
 * Open the directory name in base, ours and nobody else's when private
 * (mode 0700), through no symbolic link.
 */
static gboolean
session_borrowed_hold(const char *base, const char *name,
    struct session_borrowed_hold *h)
{
	struct stat	sb;

	h->parentfd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (h->parentfd >= 0)
		h->dirfd = openat(h->parentfd, name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
	if (h->dirfd < 0 || fstat(h->dirfd, &sb) != 0 ||
	    sb.st_uid != geteuid()) {
		if (errno == 0)
			errno = EPERM;
		return FALSE;
	}
	h->name = g_strdup(name);
	h->dev = sb.st_dev;
	h->ino = sb.st_ino;
	return TRUE;
}

static void
session_borrowed_release(struct session_borrowed_hold *h)
{
	if (h->parentfd >= 0)
		close(h->parentfd);
	if (h->dirfd >= 0)
		close(h->dirfd);
	g_clear_pointer(&h->name, g_free);
	h->parentfd = h->dirfd = -1;
}

/*
 * The bundle's top directory, as its launcher says (SATCHEL_BUNDLE), held
 * for the janitor, which removes it when asked. Only a directory of ours
 * that carries the bundle's mark file is taken: a wrong variable must not
 * make the janitor remove anything else. Returns its path (caller frees),
 * or NULL, after saying why when loud (--remove-bundle was given).
 */
static char *
session_borrowed_bundle(struct session_borrowed_hold *h, gboolean loud,
    GError **err)
{
	g_autofree char	*base = NULL, *name = NULL;
	char		*dir = NULL;
	const char	*env = g_getenv("SATCHEL_BUNDLE");
	struct stat	 sb;

	if (env == NULL || *env != '/') {
		if (loud)
			g_set_error(err, SESSION_ERROR, SESSION_ERROR_BORROWED,
			    "%s", _("satchel: --remove-bundle "
			    "works when satchel runs from an unpacked bundle, "
			    "through its launcher\n"));
		return NULL;
	}
	if ((dir = realpath(env, NULL)) == NULL || strcmp(dir, "/") == 0) {
		if (loud)
			g_set_error(err, SESSION_ERROR, SESSION_ERROR_BORROWED,
			    _("satchel: cannot use the bundle "
			    "directory %s: %s\n"), env,
			    g_strerror(dir == NULL ? errno : EPERM));
		free(dir);
		return NULL;
	}
	base = g_path_get_dirname(dir);
	name = g_path_get_basename(dir);
	errno = 0;
	if (!session_borrowed_hold(base, name, h)) {
		if (loud)
			g_set_error(err, SESSION_ERROR, SESSION_ERROR_BORROWED,
			    _("satchel: cannot use the bundle "
			    "directory %s: %s\n"), dir, g_strerror(errno));
		goto fail;
	}
	if (fstatat(h->dirfd, SESSION_BORROWED_MARK, &sb,
	    AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sb.st_mode)) {
		if (loud)
			g_set_error(err, SESSION_ERROR, SESSION_ERROR_BORROWED,
			    _("satchel: %s is not an unpacked "
			    "satchel bundle (no %s in it); it is not "
			    "removed\n"), dir, SESSION_BORROWED_MARK);
		goto fail;
	}
	return dir;
fail:
	session_borrowed_release(h);
	free(dir);
	return NULL;
}

gboolean
session_borrowed_remove_bundle(struct session *ctx)
{
	if (ctx->bundle_dir == NULL || ctx->borrowed_fd <= 0)
		return FALSE;
	if (write(ctx->borrowed_fd, "R\n", 2) != 2)
		return FALSE;
	return TRUE;
}

gboolean
session_borrowed_begin(struct session *ctx, struct config *c, GError **err)
{
	g_autofree char		*base = NULL, *name = NULL;
	struct session_borrowed_hold priv = { -1, -1, NULL, 0, 0 };
	struct session_borrowed_hold bundle = { -1, -1, NULL, 0, 0 };
	struct stat		 sb;
	char			*dir;
	gboolean		 in_ram;
	int			 p[2];
	pid_t			 pid;
	guint			 i;

	session_borrowed_nodump(ctx);
	if (ctx->borrowed_dir != NULL)
		goto set;
	/* Held whenever there is one: the user may ask at quit. */
	if (g_getenv("SATCHEL_BUNDLE") != NULL || ctx->remove_bundle) {
		char *b = session_borrowed_bundle(&bundle, ctx->remove_bundle,
		    err);

		if (b == NULL && ctx->remove_bundle)
			return FALSE;
		g_free(ctx->bundle_dir);
		ctx->bundle_dir = b != NULL ? g_strdup(b) : NULL;
		free(b);
	}
	base = session_borrowed_base(&in_ram);
	dir = g_build_filename(base, "satchel-borrowed-XXXXXX", NULL);
	if (g_mkdtemp_full(dir, 0700) == NULL) {
		g_set_error(err, SESSION_ERROR, SESSION_ERROR_BORROWED,
		    _("satchel: cannot create a private "
		    "directory in %s: %s\n"), base, g_strerror(errno));
		g_free(dir);
		session_borrowed_release(&bundle);
		return FALSE;
	}
	if (!in_ram)
		session_borrowed_warn(ctx, _("satchel: warning: no RAM-backed directory "
		    "is available; the borrowed store is on disk in %s and "
		    "is removed on exit\n"), dir);
	ctx->borrowed_dir = dir;
	/* Hold the directory itself, not its name (see the janitor). */
	name = g_path_get_basename(dir);
	errno = 0;
	if (!session_borrowed_hold(base, name, &priv) ||
	    fstat(priv.dirfd, &sb) != 0 || (sb.st_mode & 077) != 0) {
		g_set_error(err, SESSION_ERROR, SESSION_ERROR_BORROWED,
		    _("satchel: cannot open the private directory "
		    "%s: %s\n"), dir, g_strerror(errno != 0 ? errno : EPERM));
		session_borrowed_release(&priv);
		session_borrowed_release(&bundle);
		return FALSE;
	}
	ctx->borrowed_dev = priv.dev;
	ctx->borrowed_ino = priv.ino;
	if (pipe2(p, O_CLOEXEC) != 0) {
		g_set_error(err, SESSION_ERROR, SESSION_ERROR_BORROWED,
		    "satchel: pipe: %s\n", g_strerror(errno));
		session_borrowed_release(&priv);
		session_borrowed_release(&bundle);
		return FALSE;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		g_set_error(err, SESSION_ERROR, SESSION_ERROR_BORROWED,
		    "satchel: fork: %s\n", g_strerror(errno));
		close(p[0]);
		close(p[1]);
		session_borrowed_release(&priv);
		session_borrowed_release(&bundle);
		return FALSE;
	}
	if (pid == 0) {
		/* The janitor never returns: what it does not use goes now. */
		g_clear_pointer(&base, g_free);
		g_clear_pointer(&name, g_free);
		close(p[1]);
		session_borrowed_janitor(p[0], &priv, &bundle,
		    ctx->remove_bundle);
	}
	/* Our end stays open, unseen by children (close-on-exec). */
	close(p[0]);
	session_borrowed_release(&priv);
	session_borrowed_release(&bundle);
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
			g_set_error(err, SESSION_ERROR, SESSION_ERROR_BORROWED,
			    _("satchel: cannot create %s: %s\n"),
			    gh, g_strerror(errno));
			return FALSE;
		}
		g_setenv("GNUPGHOME", gh, TRUE);
		ctx->borrowed_gnupg = TRUE;
	}
	return TRUE;
}

char **
session_borrowed_child_env(struct session *ctx)
{
	static const char *const xdg[][2] = {
		{ "XDG_CONFIG_HOME", ".config" },
		{ "XDG_DATA_HOME", ".local/share" },
		{ "XDG_STATE_HOME", ".local/state" },
		{ "XDG_CACHE_HOME", ".cache" },
	};
	g_autofree char	*home = NULL;
	char		**env;
	size_t		 i;

	if (ctx->borrowed_dir == NULL)
		return NULL;
	home = g_build_filename(ctx->borrowed_dir, SESSION_BORROWED_HOME, NULL);
	env = g_get_environ();
	env = g_environ_setenv(env, "HOME", home, TRUE);
	for (i = 0; i < G_N_ELEMENTS(xdg); i++) {
		g_autofree char *d = g_build_filename(home, xdg[i][1], NULL);

		if (g_mkdir_with_parents(d, 0700) != 0)
			log_warn("%s: %s", d, g_strerror(errno));
		env = g_environ_setenv(env, xdg[i][0], d, TRUE);
	}
	/* The editor has the system's GLib, not the bundle's. */
	if (g_getenv("SATCHEL_BUNDLE") != NULL)
		env = g_environ_unsetenv(env, "GIO_MODULE_DIR");
	return env;
}

const char *const *
session_borrowed_editor_flags(const char *argv0)
{
	/* viminfo (vim) and ShaDa (neovim): history, marks, registers. */
	static const char *const vim[] = { "-i", "NONE", NULL };
	/* No rc file can turn the history or position log on. */
	static const char *const nano[] = { "--ignorercfiles", NULL };
	static const char *const vims[] = { "vi", "vim", "vim.tiny",
	    "vim.basic", "vim.nox", "vim.gtk3", "vim.athena", "view", "rvim",
	    "nvim", "gvim", NULL };
	g_autofree char	*base = NULL;
	size_t		 i;

	if (argv0 == NULL)
		return NULL;
	base = g_path_get_basename(argv0);
	for (i = 0; vims[i] != NULL; i++)
		if (strcmp(base, vims[i]) == 0)
			return vim;
	if (strcmp(base, "nano") == 0 || strcmp(base, "rnano") == 0)
		return nano;
	return NULL;
}

char *
session_borrowed_default_from(const char *user, const char *host)
{
	static const char *const labels[] = { "pop.", "pop3.", "mail.",
	    NULL };
	size_t	i;

	if (strchr(user, '@') != NULL)
		return g_strdup(user);
	for (i = 0; labels[i] != NULL; i++)
		if (g_ascii_strncasecmp(host, labels[i], strlen(labels[i])) ==
		    0 && strchr(host + strlen(labels[i]), '.') != NULL) {
			host += strlen(labels[i]);
			break;
		}
	return g_strdup_printf("%s@%s", user, host);
}

/*
 * Ask for the From address, showing the default; Enter takes it. Asked
 * again (three times at most) while the answer is no usable address.
 * Returns "Name <addr>" or "addr" (caller frees); NULL at end of input.
 */
static char *
session_borrowed_ask_from(struct session *ctx, const char *def)
{
	g_autofree char	*prompt = NULL;
	char		*line;
	int		 tries;

	prompt = g_strdup_printf(_("Your From address, NAME <ADDRESS> or "
	    "ADDRESS (Enter: %s): "), def);
	for (tries = 0; tries < 3; tries++) {
		struct account	*a;
		gboolean	 ok;

		if ((line = ctx->ask_line(prompt, ctx->front)) == NULL)
			return NULL;
		g_strstrip(line);
		if (*line == '\0') {
			g_free(line);
			return g_strdup(def);
		}
		a = config_account_new("from");
		a->address = g_strdup(line);
		config_account_finish(a);
		ok = compose_addr_is_safe(a->from_addr);
		config_account_free(a);
		if (ok)
			return line;
		session_borrowed_warn(ctx, _("satchel: '%s' is not an address like "
		    "jane@example.org or Jane Doe <jane@example.org>\n"),
		    line);
		g_free(line);
	}
	return NULL;
}

void
session_borrowed_end(struct session *ctx)
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
	g_clear_pointer(&ctx->bundle_dir, g_free);
	if (ctx->borrowed_fd > 0) {
		close(ctx->borrowed_fd);
		ctx->borrowed_fd = 0;
	}
}

struct config *
session_borrowed_oneoff(struct session *ctx, GError **err)
{
	struct config	*c;
	struct account	*a;
	const char	*at;
	char		*smtp;

	at = strrchr(ctx->pop3_oneoff, '@');
	if (at == NULL || at == ctx->pop3_oneoff || at[1] == '\0') {
		g_set_error(err, SESSION_ERROR, SESSION_ERROR_CONFIG,
		    _("satchel: --pop3 needs USER@HOST\n"));
		return NULL;
	}
	c = config_new_default();
	a = config_account_new("borrowed");
	a->pop3_user = g_strndup(ctx->pop3_oneoff, at - ctx->pop3_oneoff);
	if (!session_borrowed_hostport(at + 1, &a->pop3_host, &a->pop3_port)) {
		g_set_error(err, SESSION_ERROR, SESSION_ERROR_CONFIG,
		    _("satchel: --pop3 needs USER@HOST or "
		    "USER@HOST:PORT\n"));
		config_account_free(a);
		config_free(c);
		return NULL;
	}
	a->borrowed = TRUE;
	if (ctx->ca_file != NULL) {
		if (access(ctx->ca_file, R_OK) != 0) {
			g_set_error(err, SESSION_ERROR, SESSION_ERROR_CONFIG,
			    _("satchel: cannot read %s: %s\n"),
			    ctx->ca_file, g_strerror(errno));
			config_account_free(a);
			config_free(c);
			return NULL;
		}
		a->ca_file = g_strdup(ctx->ca_file);
	}
	a->address = session_borrowed_default_from(a->pop3_user, a->pop3_host);
	/* Sending is optional: ask for a server only on a terminal. */
	if (isatty(STDIN_FILENO) && ctx->ask_line != NULL &&
	    (smtp = ctx->ask_line(_("SMTP server for replies, HOST[:PORT] (empty: none): "), ctx->front)) != NULL) {
		g_strstrip(smtp);
		if (*smtp != '\0' && !session_borrowed_hostport(smtp,
		    &a->smtp_host, &a->smtp_port))
			session_borrowed_warn(ctx, _("satchel: '%s' is not HOST or "
			    "HOST:PORT; replies stay queued\n"), smtp);
		a->smtp_user = g_strdup(a->pop3_user);
		g_free(smtp);
	}
	/* Replies go out with this: the user sees it and may change it. */
	if (isatty(STDIN_FILENO) && ctx->ask_line != NULL) {
		char *from = session_borrowed_ask_from(ctx, a->address);

		if (from == NULL) {
			g_set_error(err, SESSION_ERROR, SESSION_ERROR_CONFIG,
			    "%s", _("satchel: no From address; "
			    "not starting\n"));
			config_account_free(a);
			config_free(c);
			return NULL;
		}
		g_free(a->address);
		a->address = from;
	}
	config_account_finish(a);
	g_ptr_array_add(c->accounts, a);
	return c;
}
