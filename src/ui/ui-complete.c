/*
 * ui-complete.c: what Tab and Up/Down do in a prompt, by the prompt's
 * kind. Addresses complete from the aliases file (mutt's "alias NICK
 * Name <addr>" lines), from the address book the index makes
 * (store_addr_complete: everyone mail was exchanged with, by how often
 * and how recently) and from an external query_command (mutt's protocol:
 * a first line for people, then "addr<TAB>name<TAB>other" lines); folder
 * names from the store; file names from the file system. Several
 * candidates: Tab again shows the next.
 *
 * The history of each kind of prompt is kept in memory for the session
 * only (never on disk, so borrowed mode leaves none behind).
 */
#include "satchel-config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "util/util.h"
#include "config/config.h"
#include "store/store.h"
#include "store/store-addr.h"
#include "ui/ui-core.h"

#define UI_COMPLETE_HISTORY	100
#define UI_COMPLETE_ADDRS	20
/* How long an external address book may take, in ms. */
#define UI_COMPLETE_QUERY_MS	5000

struct ui_complete_alias {
	char		*nick;
	char		*value;		/* "Name <addr>, ..." as written */
};

struct ui_complete {
	GPtrArray	*history[UI_PROMPT_KINDS];	/* char *, oldest first */
	GPtrArray	*aliases;	/* struct ui_complete_alias * */
	char		*alias_path;
	gint64		 alias_mtime;
	/* The candidates of the last Tab: Tab again cycles without asking
	   the store and query_command again. */
	enum ui_prompt_kind cache_kind;
	char		*cache_token;
	GPtrArray	*cache;
};

static struct ui_complete *ui_complete_get(struct ui *);
static void	 ui_complete_alias_free(gpointer);
static void	 ui_complete_aliases_load(struct ui *, struct ui_complete *);
static void	 ui_complete_add(GPtrArray *, GHashTable *, const char *,
		    const char *);
static void	 ui_complete_query(struct ui *, const char *, GPtrArray *,
		    GHashTable *);
static GPtrArray *ui_complete_addresses(struct ui *, const char *);
static GPtrArray *ui_complete_folders(struct ui *, const char *);
static GPtrArray *ui_complete_files(const char *);
static gboolean	 ui_complete_own(struct ui *, const char *);
static char	*ui_complete_common(GPtrArray *);

static struct ui_complete *
ui_complete_get(struct ui *ui)
{
	struct ui_complete	*c = ui->complete;
	int			 k;

	if (c != NULL)
		return c;
	c = g_new0(struct ui_complete, 1);
	for (k = 0; k < UI_PROMPT_KINDS; k++)
		c->history[k] = g_ptr_array_new_with_free_func(g_free);
	c->aliases = g_ptr_array_new_with_free_func(ui_complete_alias_free);
	ui->complete = c;
	return c;
}

void
ui_complete_free(struct ui *ui)
{
	struct ui_complete	*c = ui->complete;
	int			 k;

	if (c == NULL)
		return;
	for (k = 0; k < UI_PROMPT_KINDS; k++)
		g_ptr_array_unref(c->history[k]);
	g_ptr_array_unref(c->aliases);
	g_free(c->alias_path);
	g_free(c->cache_token);
	if (c->cache != NULL)
		g_ptr_array_unref(c->cache);
	g_free(c);
	ui->complete = NULL;
}

void
ui_complete_history_add(struct ui *ui, enum ui_prompt_kind kind,
    const char *line)
{
	struct ui_complete *c = ui_complete_get(ui);
	GPtrArray	*h = c->history[kind];
	guint		 i;

	/* A prompt ended: the next Tab asks afresh. */
	g_clear_pointer(&c->cache_token, g_free);
	g_clear_pointer(&c->cache, g_ptr_array_unref);
	if (line == NULL || *line == '\0')
		return;
	/* Once, as the newest. */
	for (i = 0; i < h->len; i++)
		if (strcmp(g_ptr_array_index(h, i), line) == 0) {
			g_ptr_array_remove_index(h, i);
			break;
		}
	g_ptr_array_add(h, g_strdup(line));
	if (h->len > UI_COMPLETE_HISTORY)
		g_ptr_array_remove_index(h, 0);
}

const char *
ui_complete_history(struct ui *ui, enum ui_prompt_kind kind, guint back)
{
	GPtrArray	*h = ui_complete_get(ui)->history[kind];

	if (back == 0 || back > h->len)
		return NULL;
	return g_ptr_array_index(h, h->len - back);
}

static void
ui_complete_alias_free(gpointer p)
{
	struct ui_complete_alias *a = p;

	g_free(a->nick);
	g_free(a->value);
	g_free(a);
}

/* [general] alias_file, read again when it changes. */
static void
ui_complete_aliases_load(struct ui *ui, struct ui_complete *c)
{
	g_autofree char	*conf = NULL, *text = NULL;
	g_auto(GStrv)	 lines = NULL;
	struct stat	 sb;
	size_t		 len;
	guint		 i;

	if (ui->config->kf == NULL || (conf = g_key_file_get_string(
	    ui->config->kf, "general", "alias_file", NULL)) == NULL) {
		g_ptr_array_set_size(c->aliases, 0);
		return;
	}
	g_free(c->alias_path);
	c->alias_path = path_expand(g_strstrip(conf));
	if (stat(c->alias_path, &sb) != 0) {
		g_ptr_array_set_size(c->aliases, 0);
		c->alias_mtime = 0;
		return;
	}
	if ((gint64)sb.st_mtime == c->alias_mtime && c->aliases->len > 0)
		return;
	c->alias_mtime = (gint64)sb.st_mtime;
	g_ptr_array_set_size(c->aliases, 0);
	if ((text = file_read_all(c->alias_path, &len)) == NULL)
		return;
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		char	*l = g_strstrip(lines[i]), *nick, *value;
		struct ui_complete_alias *a;

		/* alias [-group NAME]... NICK ADDRESS, ADDRESS ... */
		if (!g_str_has_prefix(l, "alias") || !g_ascii_isspace(l[5]))
			continue;
		l = g_strchug(l + 5);
		while (g_str_has_prefix(l, "-group") &&
		    g_ascii_isspace(l[6])) {
			l = g_strchug(l + 6);
			l += strcspn(l, " \t");
			l = g_strchug(l);
		}
		nick = l;
		l += strcspn(l, " \t");
		if (*l == '\0')
			continue;
		*l++ = '\0';
		value = g_strstrip(l);
		/* A trailing "# comment" is not part of the address. */
		if (*value == '\0' || !g_utf8_validate(value, -1, NULL))
			continue;
		a = g_new0(struct ui_complete_alias, 1);
		a->nick = g_strdup(nick);
		a->value = g_strdup(value);
		g_ptr_array_add(c->aliases, a);
	}
}

char *
ui_complete_expand_aliases(struct ui *ui, const char *line)
{
	struct ui_complete	*c = ui_complete_get(ui);
	g_auto(GStrv)		 parts = NULL;
	GString			*out;
	guint			 i, j;

	ui_complete_aliases_load(ui, c);
	if (c->aliases->len == 0)
		return g_strdup(line);
	out = g_string_new(NULL);
	parts = g_strsplit(line, ",", -1);
	for (i = 0; parts[i] != NULL; i++) {
		const char *p = g_strstrip(parts[i]), *v = p;

		for (j = 0; j < c->aliases->len; j++) {
			struct ui_complete_alias *a = g_ptr_array_index(
			    c->aliases, j);

			if (strcmp(a->nick, p) == 0) {
				v = a->value;
				break;
			}
		}
		if (*v == '\0')
			continue;
		if (out->len > 0)
			g_string_append(out, ", ");
		g_string_append(out, v);
	}
	return g_string_free(out, FALSE);
}

static gboolean
ui_complete_own(struct ui *ui, const char *addr)
{
	guint	i;

	for (i = 0; ui->config->accounts != NULL &&
	    i < ui->config->accounts->len; i++)
		if (config_account_owns(g_ptr_array_index(
		    ui->config->accounts, i), addr))
			return TRUE;
	return FALSE;
}

/* "Name <addr>" (quoted as RFC 5322 wants) once per address. */
static void
ui_complete_add(GPtrArray *out, GHashTable *seen, const char *name,
    const char *addr)
{
	InternetAddress	*ia;
	char		*key, *text;

	if (addr == NULL || *addr == '\0')
		return;
	key = g_utf8_casefold(addr, -1);
	if (g_hash_table_contains(seen, key)) {
		g_free(key);
		return;
	}
	g_hash_table_add(seen, key);
	ia = internet_address_mailbox_new(name != NULL && *name != '\0' ?
	    name : NULL, addr);
	text = internet_address_to_string(ia, NULL, FALSE);
	g_object_unref(ia);
	/* What mail gave is shown and typed: no control characters. */
	g_ptr_array_add(out, sanitize_text(text, -1, 0));
	g_free(text);
}

/*
 * mutt's query_command: %s in an argument is the text (no shell, so the
 * text cannot become a command); no %s: the text is the last argument.
 */
static void
ui_complete_query(struct ui *ui, const char *text, GPtrArray *out,
    GHashTable *seen)
{
	g_autofree char	*cmd = NULL;
	g_auto(GStrv)	 argv = NULL, lines = NULL;
	GPtrArray	*args;
	GString		*buf;
	GPid		 pid;
	gint64		 deadline;
	int		 fd = -1, status;
	gboolean	 any = FALSE;
	guint		 i;

	if (ui->config->kf == NULL || (cmd = g_key_file_get_string(
	    ui->config->kf, "general", "query_command", NULL)) == NULL ||
	    !g_shell_parse_argv(cmd, NULL, &argv, NULL))
		return;
	args = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; argv[i] != NULL; i++) {
		if (strstr(argv[i], "%s") != NULL) {
			g_auto(GStrv) bits = g_strsplit(argv[i], "%s", -1);

			g_ptr_array_add(args, g_strjoinv(text, bits));
			any = TRUE;
		} else
			g_ptr_array_add(args, g_strdup(argv[i]));
	}
	if (!any)
		g_ptr_array_add(args, g_strdup(text));
	g_ptr_array_add(args, NULL);
	if (!g_spawn_async_with_pipes(NULL, (char **)args->pdata,
	    ui->child_env, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
	    G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, NULL, &fd, NULL,
	    NULL)) {
		g_ptr_array_unref(args);
		return;
	}
	g_ptr_array_unref(args);
	buf = g_string_new(NULL);
	deadline = g_get_monotonic_time() + UI_COMPLETE_QUERY_MS * 1000;
	for (;;) {
		struct pollfd	pfd = { fd, POLLIN, 0 };
		char		chunk[4096];
		gint64		left = (deadline - g_get_monotonic_time()) /
				    1000;
		ssize_t		n;

		if (left <= 0 || buf->len > 1024 * 1024)
			break;
		if (poll(&pfd, 1, (int)left) <= 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((n = read(fd, chunk, sizeof chunk)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		g_string_append_len(buf, chunk, n);
	}
	close(fd);
	/* Too slow or done: it does not outlive the question. */
	kill(pid, SIGTERM);
	(void)waitpid(pid, &status, 0);
	g_spawn_close_pid(pid);
	lines = g_strsplit(buf->str, "\n", -1);
	g_string_free(buf, TRUE);
	/* The first line is for people ("Searching ..."). */
	for (i = 1; lines[0] != NULL && lines[i] != NULL; i++) {
		g_auto(GStrv) f = g_strsplit(lines[i], "\t", 3);

		if (f[0] == NULL || strchr(f[0], '@') == NULL ||
		    !g_utf8_validate(lines[i], -1, NULL))
			continue;
		ui_complete_add(out, seen, f[1], g_strstrip(f[0]));
	}
}

static GPtrArray *
ui_complete_addresses(struct ui *ui, const char *text)
{
	struct ui_complete	*c = ui_complete_get(ui);
	GPtrArray		*out, *book = NULL;
	GHashTable		*seen;
	g_autofree char		*folded = g_utf8_casefold(text, -1);
	guint			 i;

	out = g_ptr_array_new_with_free_func(g_free);
	seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	/* Aliases first: the user named them. */
	ui_complete_aliases_load(ui, c);
	for (i = 0; i < c->aliases->len; i++) {
		struct ui_complete_alias *a = g_ptr_array_index(c->aliases, i);
		g_autofree char *nick = g_utf8_casefold(a->nick, -1);

		char *key = g_utf8_casefold(a->value, -1);

		if (g_str_has_prefix(nick, folded) &&
		    !g_hash_table_contains(seen, key)) {
			g_hash_table_add(seen, key);
			g_ptr_array_add(out, sanitize_text(a->value, -1, 0));
		} else
			g_free(key);
	}
	if (store_addr_complete(ui->store, text, (int64_t)time(NULL),
	    UI_COMPLETE_ADDRS, &book) == STORE_OK) {
		for (i = 0; i < book->len; i++) {
			struct store_addr *a = g_ptr_array_index(book, i);

			if (!ui_complete_own(ui, a->addr))
				ui_complete_add(out, seen, a->name, a->addr);
		}
		g_ptr_array_unref(book);
	}
	ui_complete_query(ui, text, out, seen);
	g_hash_table_destroy(seen);
	return out;
}

static GPtrArray *
ui_complete_folders(struct ui *ui, const char *text)
{
	GPtrArray		*folders = NULL, *out;
	struct store_folder	*f;
	guint			 i;

	out = g_ptr_array_new_with_free_func(g_free);
	if (store_folders(ui->store, &folders) != STORE_OK)
		return out;
	for (i = 0; i < folders->len; i++) {
		f = g_ptr_array_index(folders, i);
		if (g_ascii_strncasecmp(f->name, text, strlen(text)) == 0)
			g_ptr_array_add(out, g_strdup(f->name));
	}
	g_ptr_array_unref(folders);
	return out;
}

/* Names in text's directory that start with its last part, sorted. */
static GPtrArray *
ui_complete_files(const char *text)
{
	g_autofree char	*dirpart = NULL, *dir = NULL;
	const char	*slash = strrchr(text, '/'), *base, *name;
	GPtrArray	*out;
	GDir		*d;

	out = g_ptr_array_new_with_free_func(g_free);
	dirpart = slash != NULL ? g_strndup(text, (gsize)(slash - text + 1)) :
	    g_strdup("");
	base = slash != NULL ? slash + 1 : text;
	dir = path_expand(*dirpart != '\0' ? dirpart : ".");
	if (dir == NULL || (d = g_dir_open(dir, 0, NULL)) == NULL)
		return out;
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *full = NULL;

		if (!g_str_has_prefix(name, base) ||
		    (*name == '.' && *base != '.'))
			continue;
		full = g_build_filename(dir, name, NULL);
		g_ptr_array_add(out, g_strconcat(dirpart, name,
		    g_file_test(full, G_FILE_TEST_IS_DIR) ? "/" : "", NULL));
	}
	g_dir_close(d);
	g_ptr_array_sort(out, (GCompareFunc)g_strcmp0);
	return out;
}

/* The longest start all candidates share (a whole UTF-8 character). */
static char *
ui_complete_common(GPtrArray *c)
{
	const char	*first = g_ptr_array_index(c, 0), *p;
	gsize		 n = strlen(first);
	guint		 i;

	for (i = 1; i < c->len; i++) {
		const char	*s = g_ptr_array_index(c, i);
		gsize		 k = 0;

		while (k < n && s[k] == first[k])
			k++;
		n = k;
	}
	for (p = first; (gsize)(g_utf8_next_char(p) - first) <= n &&
	    *p != '\0'; p = g_utf8_next_char(p))
		;
	return g_strndup(first, (gsize)(p - first));
}

char *
ui_complete_tab(struct ui *ui, enum ui_prompt_kind kind, const char *line,
    gsize cursor, guint round, gsize *new_cursor, gboolean *more)
{
	struct ui_complete	*c = ui_complete_get(ui);
	g_autoptr(GPtrArray)	 cand = NULL;
	g_autofree char		*token = NULL, *common = NULL;
	const char		*pick;
	gsize			 start = 0;
	GString			*out;

	*more = FALSE;
	if (kind == UI_PROMPT_ADDRESS) {
		const char *comma = g_strrstr_len(line, (gssize)cursor, ",");

		start = comma != NULL ? (gsize)(comma - line) + 1 : 0;
		while (start < cursor && line[start] == ' ')
			start++;
	} else if (kind != UI_PROMPT_FOLDER && kind != UI_PROMPT_FILE)
		return NULL;
	token = g_strndup(line + start, cursor - start);
	if (round > 0 && c->cache != NULL && c->cache_kind == kind &&
	    g_strcmp0(c->cache_token, token) == 0)
		cand = g_ptr_array_ref(c->cache);
	else if (kind == UI_PROMPT_ADDRESS)
		cand = ui_complete_addresses(ui, token);
	else if (kind == UI_PROMPT_FOLDER)
		cand = ui_complete_folders(ui, token);
	else
		cand = ui_complete_files(token);
	if (cand != c->cache) {
		g_free(c->cache_token);
		c->cache_token = g_strdup(token);
		c->cache_kind = kind;
		if (c->cache != NULL)
			g_ptr_array_unref(c->cache);
		c->cache = g_ptr_array_ref(cand);
	}
	if (cand->len == 0)
		return NULL;
	pick = g_ptr_array_index(cand, round % cand->len);
	/* Files and folders: first as far as all of them agree. */
	if (round == 0 && cand->len > 1 && kind != UI_PROMPT_ADDRESS) {
		common = ui_complete_common(cand);
		if (strlen(common) > strlen(token))
			pick = common;
		else
			*more = TRUE;
	} else
		*more = cand->len > 1;
	out = g_string_new_len(line, (gssize)start);
	g_string_append(out, pick);
	*new_cursor = out->len;
	g_string_append(out, line + cursor);
	return g_string_free(out, FALSE);
}
