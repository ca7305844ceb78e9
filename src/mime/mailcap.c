/*
 * mailcap.c: RFC 1524 mailcap entries, run without a shell. A command is
 * split into words first and only then are %s, %t and %{param} replaced
 * inside the words, so no file name or parameter from a message is ever
 * parsed by a shell. Entries that need a shell (test=, pipes) are skipped
 * or refused.
 */
#include "satchel-config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/util.h"
#include "mime/render-private.h"

#define MAILCAP_MAX_FILE	(1024 * 1024)

static GPtrArray	*mailcap_fields(const char *);
static gboolean		 mailcap_matches(const char *, const char *);
static struct mailcap_entry *mailcap_parse_line(const char *, const char *,
			    gboolean);
static struct mailcap_entry *mailcap_search_file(const char *, const char *,
			    gboolean);
static char		*mailcap_param(GMimeObject *, const char *, size_t);
static char		*mailcap_type(const char *);
static void		 mailcap_child_setup(gpointer);
static char		*mailcap_expand(const char *, const char *, const char *,
			    GMimeObject *, gboolean *);

/* Split a logical line on ';' (not "\;"), trimmed. */
static GPtrArray *
mailcap_fields(const char *line)
{
	GPtrArray	*fields;
	GString		*cur;
	const char	*p;

	fields = g_ptr_array_new_with_free_func(g_free);
	cur = g_string_new(NULL);
	for (p = line; *p != '\0'; p++) {
		if (*p == '\\' && p[1] == ';') {
			g_string_append_c(cur, ';');
			p++;
		} else if (*p == ';') {
			g_ptr_array_add(fields, g_strstrip(g_strdup(cur->str)));
			g_string_truncate(cur, 0);
		} else
			g_string_append_c(cur, *p);
	}
	g_ptr_array_add(fields, g_strstrip(g_strdup(cur->str)));
	g_string_free(cur, TRUE);
	return fields;
}

/* Does the entry type (a full type, "text/" plus a star, or "text") cover type? */
static gboolean
mailcap_matches(const char *pattern, const char *type)
{
	const char	*slash;
	size_t		 n;

	if (g_ascii_strcasecmp(pattern, type) == 0)
		return TRUE;
	slash = strchr(pattern, '/');
	n = slash != NULL ? (size_t)(slash - pattern) : strlen(pattern);
	if (slash != NULL && strcmp(slash + 1, "*") != 0)
		return FALSE;
	return (g_ascii_strncasecmp(pattern, type, n) == 0 && type[n] == '/');
}

static struct mailcap_entry *
mailcap_parse_line(const char *line, const char *type, gboolean want_copious)
{
	struct mailcap_entry	*entry;
	GPtrArray		*f;
	const char		*flag;
	guint			 i;

	f = mailcap_fields(line);
	if (f->len < 2 || !mailcap_matches(g_ptr_array_index(f, 0), type) ||
	    *(const char *)g_ptr_array_index(f, 1) == '\0') {
		g_ptr_array_free(f, TRUE);
		return NULL;
	}
	entry = g_new0(struct mailcap_entry, 1);
	for (i = 2; i < f->len; i++) {
		flag = g_ptr_array_index(f, i);
		if (g_ascii_strcasecmp(flag, "needsterminal") == 0)
			entry->needs_terminal = TRUE;
		else if (g_ascii_strcasecmp(flag, "copiousoutput") == 0)
			entry->copious_output = TRUE;
		else if (g_ascii_strncasecmp(flag, "test", 4) == 0 &&
		    (flag[4] == '=' || flag[4] == ' ')) {
			/* A test needs a shell: not this entry. */
			mailcap_entry_free(entry);
			g_ptr_array_free(f, TRUE);
			return NULL;
		}
	}
	if (want_copious && !entry->copious_output) {
		mailcap_entry_free(entry);
		g_ptr_array_free(f, TRUE);
		return NULL;
	}
	entry->type = g_strdup(g_ptr_array_index(f, 0));
	entry->command = g_strdup(g_ptr_array_index(f, 1));
	g_ptr_array_free(f, TRUE);
	return entry;
}

static struct mailcap_entry *
mailcap_search_file(const char *path, const char *type, gboolean want_copious)
{
	struct mailcap_entry	*entry = NULL;
	GString			*line;
	char			*data;
	const char		*p, *eol, *end;
	size_t			 len;

	data = file_read_all(path, &len);
	if (data == NULL)
		return NULL;
	if (len > MAILCAP_MAX_FILE)
		len = MAILCAP_MAX_FILE;
	line = g_string_new(NULL);
	end = data + len;
	for (p = data; p < end && entry == NULL; ) {
		/* A logical line: backslash-newline continues it. */
		g_string_truncate(line, 0);
		for (;;) {
			eol = memchr(p, '\n', (size_t)(end - p));
			if (eol == NULL)
				eol = end;
			if (eol > p && eol[-1] == '\\' && eol < end) {
				g_string_append_len(line, p, eol - p - 1);
				p = eol + 1;
				continue;
			}
			g_string_append_len(line, p, eol - p);
			p = eol < end ? eol + 1 : end;
			break;
		}
		g_strstrip(line->str);
		if (line->str[0] == '\0' || line->str[0] == '#')
			continue;
		entry = mailcap_parse_line(line->str, type, want_copious);
	}
	g_string_free(line, TRUE);
	g_free(data);
	return entry;
}

struct mailcap_entry *
mailcap_lookup(const char *paths, const char *content_type,
    gboolean want_copious)
{
	struct mailcap_entry	*entry = NULL;
	char			**files, *def = NULL, *path;
	size_t			 i;

	if (content_type == NULL)
		return NULL;
	if (paths == NULL)
		paths = g_getenv("MAILCAPS");
	if (paths == NULL) {
		def = g_strdup_printf("%s/.mailcap:/etc/mailcap",
		    g_get_home_dir());
		paths = def;
	}
	files = g_strsplit(paths, ":", 0);
	for (i = 0; files[i] != NULL && entry == NULL; i++) {
		if (files[i][0] == '\0')
			continue;
		path = path_expand(files[i]);
		entry = mailcap_search_file(path, content_type, want_copious);
		g_free(path);
	}
	g_strfreev(files);
	g_free(def);
	return entry;
}

void
mailcap_entry_free(struct mailcap_entry *entry)
{
	if (entry == NULL)
		return;
	g_free(entry->type);
	g_free(entry->command);
	g_free(entry);
}

/* A Content-Type parameter reduced to harmless characters. */
static char *
mailcap_param(GMimeObject *part, const char *name, size_t len)
{
	GString		*out;
	const char	*v = NULL, *p;
	char		*key;

	key = g_strndup(name, len);
	if (part != NULL)
		v = g_mime_object_get_content_type_parameter(part, key);
	g_free(key);
	out = g_string_new(NULL);
	for (p = v; p != NULL && *p != '\0' && out->len < 64; p++) {
		if (g_ascii_isalnum(*p) || *p == '-' || *p == '_' || *p == '.' ||
		    *p == '+')
			g_string_append_c(out, *p);
	}
	/* A value must not read as an option to the viewer. */
	while (out->len > 0 && out->str[0] == '-')
		g_string_erase(out, 0, 1);
	return g_string_free(out, FALSE);
}

/*
 * The message's Content-Type for %t, reduced like a parameter: lower-case
 * letters, digits, '.', '+', '-' and one '/', at most 127 bytes, no
 * leading '-'. A type is a token of the mail; a backquote or '$' in it
 * must never reach an entry that hands %t to a shell.
 */
static char *
mailcap_type(const char *type)
{
	GString		*out;
	const char	*p;
	gboolean	 slash = FALSE;

	out = g_string_new(NULL);
	for (p = type; p != NULL && *p != '\0' && out->len < 127; p++) {
		if (g_ascii_isalnum(*p) || *p == '-' || *p == '.' || *p == '+')
			g_string_append_c(out, g_ascii_tolower(*p));
		else if (*p == '/' && !slash) {
			g_string_append_c(out, '/');
			slash = TRUE;
		}
	}
	while (out->len > 0 && out->str[0] == '-')
		g_string_erase(out, 0, 1);
	return g_string_free(out, FALSE);
}

/* One word with %s, %t, %{name} and %% replaced. */
static char *
mailcap_expand(const char *word, const char *path, const char *type,
    GMimeObject *part, gboolean *uses_file)
{
	GString		*out;
	const char	*p, *close;
	char		*v;

	out = g_string_new(NULL);
	for (p = word; *p != '\0'; p++) {
		if (*p != '%' || p[1] == '\0') {
			g_string_append_c(out, *p);
			continue;
		}
		switch (p[1]) {
		case 's':
			g_string_append(out, path != NULL ? path : "");
			*uses_file = TRUE;
			p++;
			break;
		case 't':
			g_string_append(out, type);
			p++;
			break;
		case '%':
			g_string_append_c(out, '%');
			p++;
			break;
		case '{':
			close = strchr(p + 2, '}');
			if (close == NULL) {
				g_string_append_c(out, '%');
				break;
			}
			v = mailcap_param(part, p + 2, (size_t)(close - p - 2));
			g_string_append(out, v);
			g_free(v);
			p = close;
			break;
		default:
			g_string_append_c(out, '%');
			break;
		}
	}
	return g_string_free(out, FALSE);
}

char **
mailcap_argv(const struct mailcap_entry *entry, const char *path,
    const char *content_type, GMimeObject *part, gboolean *uses_file,
    GError **error)
{
	static const char *const ops[] = { "|", "||", "&&", ";", "&", "<", ">",
	    ">>", "2>", "2>&1", NULL };
	char		**words = NULL, **argv;
	char		*type;
	int		 argc, i, j;

	*uses_file = FALSE;
	if (!g_shell_parse_argv(entry->command, &argc, &words, error))
		return NULL;
	for (i = 0; i < argc; i++) {
		for (j = 0; ops[j] != NULL; j++) {
			if (strcmp(words[i], ops[j]) == 0) {
				g_set_error(error, G_SHELL_ERROR,
				    G_SHELL_ERROR_FAILED,
				    "mailcap command needs a shell: %s",
				    entry->command);
				g_strfreev(words);
				return NULL;
			}
		}
	}
	type = mailcap_type(content_type);
	argv = g_new0(char *, (size_t)argc + 1);
	for (i = 0; i < argc; i++)
		argv[i] = mailcap_expand(words[i], path, type, part, uses_file);
	g_free(type);
	g_strfreev(words);
	return argv;
}

/*
 * In the child before exec: a process group of its own, so a timeout ends
 * whatever the converter started too (a viewer behind "sh -c").
 */
static void
mailcap_child_setup(gpointer data)
{
	(void)data;
	setpgid(0, 0);
}

char *
mailcap_filter(char **argv, char *const *envp, const char *input, size_t len,
    unsigned timeout_ms, size_t max, size_t *outlen, GError **error)
{
	GString		*out = NULL;
	struct pollfd	 pfd[2];
	sigset_t	 pipe_set, old_set;
	struct timespec	 zero = { 0, 0 };
	GPid		 pid = 0;
	gint64		 deadline, now;
	size_t		 sent = 0;
	ssize_t		 n;
	char		 buf[8192];
	int		 in = -1, rd = -1, status = 0, nfds, r;
	gboolean	 killed = FALSE, reaped = FALSE, ok = FALSE;

	if (!g_spawn_async_with_pipes(NULL, argv, (char **)envp,
	    G_SPAWN_SEARCH_PATH |
	    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
	    mailcap_child_setup, NULL, &pid, &in, &rd, NULL, error))
		return NULL;
	/* Also here, so a kill cannot come before the child's own call. */
	setpgid(pid, pid);
	/* A converter that stops reading must not kill us with SIGPIPE. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
	fcntl(in, F_SETFL, fcntl(in, F_GETFL) | O_NONBLOCK);
	out = g_string_new(NULL);
	deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
	if (len == 0) {
		close(in);
		in = -1;
	}
	while (rd != -1) {
		now = g_get_monotonic_time();
		if (now >= deadline) {
			killed = TRUE;
			break;
		}
		nfds = 0;
		pfd[nfds].fd = rd;
		pfd[nfds++].events = POLLIN;
		if (in != -1) {
			pfd[nfds].fd = in;
			pfd[nfds++].events = POLLOUT;
		}
		r = poll(pfd, (nfds_t)nfds, (int)((deadline - now) / 1000) + 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			break;
		if (in != -1 && pfd[1].revents != 0) {
			n = write(in, input + sent, MIN(len - sent, sizeof buf));
			if (n > 0)
				sent += (size_t)n;
			if ((n == -1 && errno != EAGAIN && errno != EINTR) ||
			    sent >= len) {
				close(in);
				in = -1;
			}
		}
		if (pfd[0].revents != 0) {
			n = read(rd, buf, sizeof buf);
			if (n > 0) {
				g_string_append_len(out, buf, n);
				if (out->len > max) {
					g_string_truncate(out, max);
					killed = TRUE;
					break;
				}
			} else if (n == 0 || (errno != EAGAIN &&
			    errno != EINTR)) {
				close(rd);
				rd = -1;
			}
		}
	}
	/* Wait for the exit until the deadline; then it is killed. */
	while (!killed) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid) {
			reaped = TRUE;
			break;
		}
		if (r == -1 && errno != EINTR)
			break;
		if (g_get_monotonic_time() >= deadline) {
			killed = TRUE;
			break;
		}
		g_usleep(2000);
	}
	if (!reaped) {
		/* The group first: the child, a zombie at worst, holds its id. */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	}
	g_spawn_close_pid(pid);
	if (in != -1)
		close(in);
	if (rd != -1)
		close(rd);
	while (sigtimedwait(&pipe_set, NULL, &zero) == SIGPIPE)
		;
	pthread_sigmask(SIG_SETMASK, &old_set, NULL);

	if (killed && out->len < max)
		g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
		    "%s: timed out after %u ms", argv[0], timeout_ms);
	else if (!killed && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
		    "%s: failed (status %d)", argv[0], status);
	else
		ok = TRUE;
	if (!ok) {
		g_string_free(out, TRUE);
		return NULL;
	}
	*outlen = out->len;
	return g_string_free(out, FALSE);
}
