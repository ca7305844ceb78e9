/* config.c: load and check the configuration file. */
#include "satchel-config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>


#include "config/config.h"
#include "util/util.h"

#define ACCOUNT_PREFIX "account "

static const struct config_option *config_find_option(const char *,
		    const char *);
static gboolean	config_check_value(GKeyFile *, const char *, const char *,
		    const char *, const struct config_option *, GError **);
static gboolean	config_load_account(struct config *, const char *,
		    const char *, struct account **, GError **);
static void	config_load_colors(struct config *);
static enum config_status config_run_secret(const char *, const char *,
		    char **, GError **);

static GQuark
config_error_quark(void)
{
	return g_quark_from_static_string("satchel-config-error");
}
#define CONFIG_ERROR config_error_quark()

void
config_endpoint(const struct account *a, enum config_service svc,
    struct net_endpoint *ep)
{
	memset(ep, 0, sizeof *ep);
	if (svc == CONFIG_SERVICE_POP3) {
		ep->host = a->pop3_host;
		ep->port = a->pop3_port;
		ep->tls = a->pop3_tls;
		ep->fingerprint = a->pop3_fingerprint;
	} else {
		ep->host = a->smtp_host;
		ep->port = a->smtp_port;
		ep->tls = a->smtp_tls;
		ep->fingerprint = a->smtp_fingerprint;
	}
	ep->timeout = a->timeout;
	ep->ca_file = a->ca_file;
}

const char *
config_tls_name(enum net_tls_mode m)
{
	switch (m) {
	case NET_TLS_IMPLICIT:
		return "implicit";
	case NET_TLS_STARTTLS:
		return "starttls";
	case NET_TLS_NONE:
		return "none";
	}
	return "?";
}

static const struct config_option *
config_find_option(const char *group, const char *name)
{
	const struct config_option *o;

	for (o = config_options; o->name != NULL; o++)
		if (strcmp(o->group, group) == 0 && strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

static gboolean
config_check_value(GKeyFile *kf, const char *file, const char *group,
    const char *key, const struct config_option *o, GError **err)
{
	g_autofree char	*v = NULL;
	char		*end;
	guint64		 n;
	gboolean	 ok = TRUE;
	const char	*why = NULL;

	v = g_key_file_get_string(kf, group, key, NULL);
	if (v == NULL)
		v = g_strdup("");
	switch (o->type) {
	case CONFIG_TYPE_BOOL:
		if (g_ascii_strcasecmp(v, "true") != 0 &&
		    g_ascii_strcasecmp(v, "false") != 0 &&
		    strcmp(v, "1") != 0 && strcmp(v, "0") != 0 &&
		    g_ascii_strcasecmp(v, "yes") != 0 &&
		    g_ascii_strcasecmp(v, "no") != 0) {
			ok = FALSE;
			why = _("expected true or false");
		}
		break;
	case CONFIG_TYPE_UINT:
		errno = 0;
		n = g_ascii_strtoull(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno != 0 || v[0] == '-') {
			ok = FALSE;
			why = _("expected a whole number");
		} else if (n < o->min || n > o->max) {
			ok = FALSE;
			why = _("number out of range");
		}
		break;
	case CONFIG_TYPE_TLS:
		if (strcmp(v, "implicit") != 0 && strcmp(v, "starttls") != 0 &&
		    strcmp(v, "none") != 0) {
			ok = FALSE;
			why = _("expected implicit, starttls or none");
		}
		break;
	case CONFIG_TYPE_COMMAND: {
		char **argv = NULL;
		GError *perr = NULL;

		if (!g_shell_parse_argv(v, NULL, &argv, &perr)) {
			ok = FALSE;
			why = _("cannot split the command into words");
			g_clear_error(&perr);
		}
		g_strfreev(argv);
		break;
	}
	case CONFIG_TYPE_STRING:
	case CONFIG_TYPE_PATH:
		if (*v == '\0' && strcmp(key, "password") != 0) {
			ok = FALSE;
			why = _("empty value");
		}
		break;
	}
	if (!ok)
		g_set_error(err, CONFIG_ERROR, CONFIG_ERR_VALUE,
		    _("%s: [%s] %s: %s (got \"%s\")"), file, group, key, why, v);
	return ok;
}

static char *
config_get(GKeyFile *kf, const char *group, const char *key)
{
	char *v = g_key_file_get_string(kf, group, key, NULL);

	if (v != NULL)
		g_strstrip(v);
	return v;
}

static gboolean
config_get_bool(GKeyFile *kf, const char *group, const char *key,
    gboolean def)
{
	g_autofree char *v = config_get(kf, group, key);

	if (v == NULL)
		return def;
	return g_ascii_strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
	    g_ascii_strcasecmp(v, "yes") == 0;
}

static guint64
config_get_uint(GKeyFile *kf, const char *group, const char *key, guint64 def)
{
	g_autofree char *v = config_get(kf, group, key);

	if (v == NULL)
		return def;
	return g_ascii_strtoull(v, NULL, 10);
}

static enum net_tls_mode
config_get_tls(GKeyFile *kf, const char *group, const char *key,
    enum net_tls_mode def)
{
	g_autofree char *v = config_get(kf, group, key);

	if (v == NULL)
		return def;
	if (strcmp(v, "implicit") == 0)
		return NET_TLS_IMPLICIT;
	if (strcmp(v, "starttls") == 0)
		return NET_TLS_STARTTLS;
	return NET_TLS_NONE;
}

struct account *
config_account_new(const char *name)
{
	struct account *a = g_new0(struct account, 1);

	a->name = g_strdup(name);
	a->folder = g_strdup("INBOX");
	a->pop3_tls = NET_TLS_IMPLICIT;
	a->smtp_tls = NET_TLS_STARTTLS;
	a->pop3_auth = g_strdup("auto");
	a->smtp_auth = g_strdup("auto");
	a->keep = TRUE;
	a->timeout = 60;
	return a;
}

gboolean
config_account_owns(const struct account *a, const char *addr)
{
	g_autofree char	*low = NULL;
	char		**p;

	if (a == NULL || addr == NULL || *addr == '\0')
		return FALSE;
	if (a->from_addr != NULL && g_ascii_strcasecmp(a->from_addr, addr) == 0)
		return TRUE;
	low = g_ascii_strdown(addr, -1);
	for (p = a->alternates; p != NULL && *p != NULL; p++)
		if (g_pattern_match_simple(*p, low))
			return TRUE;
	return FALSE;
}

struct account *
config_account_for_address(struct config *c, const char *addr)
{
	struct account	*a;
	guint		 i;

	if (addr == NULL || *addr == '\0' || c->accounts == NULL)
		return NULL;
	/* Own addresses first: a glob of one account never takes another's. */
	for (i = 0; i < c->accounts->len; i++) {
		a = g_ptr_array_index(c->accounts, i);
		if (a->from_addr != NULL &&
		    g_ascii_strcasecmp(a->from_addr, addr) == 0)
			return a;
	}
	for (i = 0; i < c->accounts->len; i++) {
		a = g_ptr_array_index(c->accounts, i);
		if (config_account_owns(a, addr))
			return a;
	}
	return NULL;
}

void
config_account_finish(struct account *a)
{
	if (a->pop3_port == 0)
		a->pop3_port = a->pop3_tls == NET_TLS_IMPLICIT ? 995 : 110;
	if (a->smtp_port == 0)
		a->smtp_port = a->smtp_tls == NET_TLS_IMPLICIT ? 465 : 587;
	if (a->borrowed)
		a->keep = TRUE;
	g_clear_pointer(&a->from_name, g_free);
	g_clear_pointer(&a->from_addr, g_free);
	if (a->address != NULL) {
		const char *lt = strrchr(a->address, '<');
		const char *gt = lt != NULL ? strchr(lt, '>') : NULL;

		if (lt != NULL && gt != NULL) {
			char *name = g_strndup(a->address, lt - a->address);

			g_strstrip(name);
			if (name[0] == '"' && strlen(name) >= 2 &&
			    name[strlen(name) - 1] == '"') {
				memmove(name, name + 1, strlen(name));
				name[strlen(name) - 1] = '\0';
			}
			a->from_name = *name != '\0' ? name : NULL;
			if (a->from_name == NULL)
				g_free(name);
			a->from_addr = g_strndup(lt + 1, gt - lt - 1);
			g_strstrip(a->from_addr);
		} else {
			a->from_addr = g_strstrip(g_strdup(a->address));
		}
	}
}

void
config_account_free(struct account *a)
{
	if (a == NULL)
		return;
	g_free(a->name);
	g_free(a->address);
	g_free(a->from_name);
	g_free(a->from_addr);
	g_free(a->folder);
	g_free(a->pop3_host);
	g_free(a->pop3_user);
	g_free(a->pop3_auth);
	g_free(a->pop3_fingerprint);
	g_free(a->smtp_host);
	g_free(a->smtp_user);
	g_free(a->smtp_auth);
	g_free(a->smtp_fingerprint);
	config_secret_free(a->password);
	g_free(a->pop3_password_command);
	g_free(a->smtp_password_command);
	g_free(a->oauth2_token_command);
	g_free(a->ca_file);
	g_free(a->signature_file);
	g_free(a->signature);
	g_strfreev(a->alternates);
	g_free(a);
}

static gboolean
config_load_account(struct config *c, const char *file, const char *group,
    struct account **out, GError **err)
{
	GKeyFile	*kf = c->kf;
	struct account	*a;
	const char	*name = group + strlen(ACCOUNT_PREFIX);
	char		*sig;

	while (*name == ' ')
		name++;
	if (*name == '\0' || strchr(name, '/') != NULL) {
		g_set_error(err, CONFIG_ERROR, CONFIG_ERR_VALUE,
		    _("%s: [%s]: an account needs a name without '/'"), file,
		    group);
		return FALSE;
	}
	a = config_account_new(name);
	a->address = config_get(kf, group, "address");
	if (g_key_file_has_key(kf, group, "folder", NULL)) {
		g_free(a->folder);
		a->folder = config_get(kf, group, "folder");
	}
	a->pop3_host = config_get(kf, group, "pop3_host");
	a->pop3_tls = config_get_tls(kf, group, "pop3_tls", NET_TLS_IMPLICIT);
	a->pop3_port = (unsigned)config_get_uint(kf, group, "pop3_port", 0);
	a->pop3_user = config_get(kf, group, "pop3_user");
	if (g_key_file_has_key(kf, group, "pop3_auth", NULL)) {
		g_free(a->pop3_auth);
		a->pop3_auth = config_get(kf, group, "pop3_auth");
	}
	a->pop3_fingerprint = config_get(kf, group, "pop3_fingerprint");
	a->smtp_host = config_get(kf, group, "smtp_host");
	a->smtp_tls = config_get_tls(kf, group, "smtp_tls", NET_TLS_STARTTLS);
	a->smtp_port = (unsigned)config_get_uint(kf, group, "smtp_port", 0);
	a->smtp_user = config_get(kf, group, "smtp_user");
	if (g_key_file_has_key(kf, group, "smtp_auth", NULL)) {
		g_free(a->smtp_auth);
		a->smtp_auth = config_get(kf, group, "smtp_auth");
	}
	a->smtp_fingerprint = config_get(kf, group, "smtp_fingerprint");
	a->password = g_key_file_get_string(kf, group, "password", NULL);
	{
		char *common = config_get(kf, group, "password_command");
		char *p = config_get(kf, group, "pop3_password_command");
		char *s = config_get(kf, group, "smtp_password_command");

		a->pop3_password_command = p != NULL ? p : g_strdup(common);
		a->smtp_password_command = s != NULL ? s : g_strdup(common);
		g_free(common);
	}
	a->oauth2_token_command = config_get(kf, group, "oauth2_token_command");
	{
		char *ca = config_get(kf, group, "ca_file");

		a->ca_file = path_expand(ca);
		g_free(ca);
	}
	a->keep = config_get_bool(kf, group, "keep", TRUE);
	a->delete_after_days = (int)config_get_uint(kf, group,
	    "delete_after_days", 0);
	a->delete_on_server_when_deleted = config_get_bool(kf, group,
	    "delete_on_server_when_deleted", FALSE);
	a->max_size = config_get_uint(kf, group, "max_size", 0);
	a->timeout = (unsigned)config_get_uint(kf, group, "timeout", 60);
	a->allow_plaintext = config_get_bool(kf, group, "allow_plaintext",
	    FALSE);
	a->borrowed = config_get_bool(kf, group, "borrowed", FALSE) ||
	    c->borrowed;
	{
		char *alt = config_get(kf, group, "alternates");

		if (alt != NULL) {
			char *low = g_ascii_strdown(alt, -1);
			GPtrArray *keep = g_ptr_array_new();
			char **w = g_strsplit_set(low, ", \t;", -1);
			guint i;

			for (i = 0; w[i] != NULL; i++)
				if (*w[i] != '\0')
					g_ptr_array_add(keep, g_strdup(w[i]));
			g_ptr_array_add(keep, NULL);
			a->alternates = (char **)g_ptr_array_free(keep, FALSE);
			g_strfreev(w);
			g_free(low);
			g_free(alt);
		}
	}
	a->crypt_sign = config_get_bool(kf, group, "crypt_sign", FALSE);
	a->crypt_encrypt = config_get_bool(kf, group,
	    "crypt_encrypt_if_possible", FALSE);
	a->crypt_smime = config_get_bool(kf, group, "crypt_smime", FALSE);
	sig = config_get(kf, group, "signature_file");
	if (sig != NULL) {
		a->signature_file = path_expand(sig);
		g_free(sig);
		if (!g_file_get_contents(a->signature_file, &a->signature,
		    NULL, NULL)) {
			g_set_error(err, CONFIG_ERROR, CONFIG_ERR_VALUE,
			    _("%s: [%s] signature_file: cannot read %s"),
			    file, group, a->signature_file);
			config_account_free(a);
			return FALSE;
		}
	}
	if (a->pop3_host != NULL && a->pop3_user == NULL) {
		g_set_error(err, CONFIG_ERROR, CONFIG_ERR_VALUE,
		    _("%s: [%s] pop3_user: required when pop3_host is set"),
		    file, group);
		config_account_free(a);
		return FALSE;
	}
	config_account_finish(a);
	*out = a;
	return TRUE;
}

/* [colors]: what is understood goes in c->colors, the rest in warnings. */
static void
config_load_colors(struct config *c)
{
	g_auto(GStrv)	 keys = NULL;
	gsize		 j;

	if (!g_key_file_has_group(c->kf, "colors"))
		return;
	keys = g_key_file_get_keys(c->kf, "colors", NULL, NULL);
	for (j = 0; keys != NULL && keys[j] != NULL; j++) {
		struct config_color	*col = g_new0(struct config_color, 1);
		GError			*cerr = NULL;
		char			*v = config_get(c->kf, "colors",
					    keys[j]);

		if (config_color_parse(keys[j], v, col, &cerr))
			g_ptr_array_add(c->colors, col);
		else {
			g_ptr_array_add(c->warnings, g_strdup(cerr->message));
			g_error_free(cerr);
			g_free(col);
		}
		g_free(v);
	}
}

struct config *
config_new_default(void)
{
	struct config	*c = g_new0(struct config, 1);
	const char	*e;

	c->store = path_data_dir();
	if ((e = g_getenv("VISUAL")) != NULL && *e != '\0')
		c->editor = g_strdup(e);
	else if ((e = g_getenv("EDITOR")) != NULL && *e != '\0')
		c->editor = g_strdup(e);
	else
		c->editor = g_strdup("vi");
	c->send_interval = 60;
	c->accounts = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)config_account_free);
	c->keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	c->colors = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)config_color_free);
	c->warnings = g_ptr_array_new_with_free_func(g_free);
	c->kf = g_key_file_new();
	return c;
}

/*
 * The configuration names commands satchel runs (editor, password and
 * token commands): whoever can change it can run anything as the user.
 * Refuse a file that another user owns or may write, and one in a
 * directory that another user owns or may write (and so replace the
 * file), unless that directory is sticky (like /tmp) and the file ours.
 */
static gboolean
config_check_writers(const char *file, const struct stat *sb, GError **err)
{
	g_autofree char	*real = NULL, *dir = NULL;
	struct stat	 dsb;
	uid_t		 me = geteuid();

	if (sb->st_uid != me && sb->st_uid != 0) {
		g_set_error(err, CONFIG_ERROR, CONFIG_ERR_PERM,
		    _("%s belongs to another user; satchel only reads a "
		    "configuration you own"), file);
		return FALSE;
	}
	if ((sb->st_mode & 022) != 0) {
		g_set_error(err, CONFIG_ERROR, CONFIG_ERR_PERM,
		    _("%s can be changed by other users, who could make "
		    "satchel run any command; run: chmod go-w %s"), file,
		    file);
		return FALSE;
	}
	real = realpath(file, NULL);
	dir = g_path_get_dirname(real != NULL ? real : file);
	if (stat(dir, &dsb) != 0)
		return TRUE;
	if ((dsb.st_uid != me && dsb.st_uid != 0) ||
	    ((dsb.st_mode & 022) != 0 && (dsb.st_mode & S_ISVTX) == 0)) {
		g_set_error(err, CONFIG_ERROR, CONFIG_ERR_PERM,
		    _("%s is in %s, which other users can change (they "
		    "could replace the configuration); run: chmod go-w %s, "
		    "or move the file"), file, dir, dir);
		return FALSE;
	}
	return TRUE;
}

/*
 * First pass over the file: every group and key is known and its value
 * well-formed. *has_secret: a password is written in it.
 */
static enum config_status
config_check_groups(struct config *c, const char *file, GStrv groups,
    gboolean *has_secret, GError **err)
{
	gsize	i, j;

	for (i = 0; groups[i] != NULL; i++) {
		const char *g = groups[i], *kind;
		g_auto(GStrv) keys = NULL;

		if (strcmp(g, "general") == 0)
			kind = "general";
		else if (g_str_has_prefix(g, ACCOUNT_PREFIX))
			kind = "account";
		else if (strcmp(g, "keys") == 0 || strcmp(g, "colors") == 0)
			continue;
		else {
			g_set_error(err, CONFIG_ERROR, CONFIG_ERR_VALUE,
			    _("%s: [%s]: unknown group (expected [general], "
			    "[account NAME], [keys] or [colors])"), file, g);
			return CONFIG_ERR_VALUE;
		}
		keys = g_key_file_get_keys(c->kf, g, NULL, NULL);
		for (j = 0; keys != NULL && keys[j] != NULL; j++) {
			const struct config_option *o =
			    config_find_option(kind, keys[j]);

			if (o == NULL) {
				g_set_error(err, CONFIG_ERROR, CONFIG_ERR_VALUE,
				    _("%s: [%s] %s: unknown key"), file, g,
				    keys[j]);
				return CONFIG_ERR_VALUE;
			}
			if (!config_check_value(c->kf, file, g, keys[j], o,
			    err))
				return CONFIG_ERR_VALUE;
			if (strcmp(keys[j], "password") == 0)
				*has_secret = TRUE;
		}
	}
	return CONFIG_OK;
}

/* [general], checked already. */
static void
config_load_general(struct config *c)
{
	char	*v;

	if (!g_key_file_has_group(c->kf, "general"))
		return;
	if ((v = config_get(c->kf, "general", "store")) != NULL) {
		g_free(c->store);
		c->store = path_expand(v);
		g_free(v);
	}
	if ((v = config_get(c->kf, "general", "editor")) != NULL) {
		g_free(c->editor);
		c->editor = v;
	}
	c->borrowed = config_get_bool(c->kf, "general", "borrowed", FALSE);
	c->send_interval = (unsigned)config_get_uint(c->kf, "general",
	    "send_interval", 60);
	c->fetch_interval = (unsigned)config_get_uint(c->kf, "general",
	    "fetch_interval", 0);
	c->index_decrypted = config_get_bool(c->kf, "general",
	    "index_decrypted", FALSE);
	if ((v = config_get(c->kf, "general", "gnupghome")) != NULL) {
		c->gnupghome = path_expand(v);
		g_free(v);
	}
	c->index_format = g_key_file_get_string(c->kf, "general",
	    "index_format", NULL);
	c->date_format = g_key_file_get_string(c->kf, "general",
	    "date_format", NULL);
	c->status_format = g_key_file_get_string(c->kf, "general",
	    "status_format", NULL);
	c->arrow_cursor = config_get_bool(c->kf, "general", "arrow_cursor",
	    FALSE);
}

/* Every [account NAME], in the file's order; names are unique. */
static enum config_status
config_load_accounts(struct config *c, const char *file, GStrv groups,
    GError **err)
{
	struct account	*a;
	gsize		 i;

	for (i = 0; groups[i] != NULL; i++) {
		if (!g_str_has_prefix(groups[i], ACCOUNT_PREFIX))
			continue;
		if (!config_load_account(c, file, groups[i], &a, err))
			return CONFIG_ERR_VALUE;
		if (config_account(c, a->name) != NULL) {
			g_set_error(err, CONFIG_ERROR, CONFIG_ERR_VALUE,
			    _("%s: [%s]: account defined twice"), file,
			    groups[i]);
			config_account_free(a);
			return CONFIG_ERR_VALUE;
		}
		if (a->borrowed)
			c->borrowed = TRUE;
		g_ptr_array_add(c->accounts, a);
	}
	return CONFIG_OK;
}

/* [keys]: the reader's key bindings, as written (the reader parses them). */
static void
config_load_keys(struct config *c)
{
	g_auto(GStrv)	 keys = NULL;
	gsize		 j;

	if (!g_key_file_has_group(c->kf, "keys"))
		return;
	keys = g_key_file_get_keys(c->kf, "keys", NULL, NULL);
	for (j = 0; keys != NULL && keys[j] != NULL; j++)
		g_hash_table_replace(c->keys, g_strdup(keys[j]),
		    config_get(c->kf, "keys", keys[j]));
}

/* Open and parse the file that exists at file (stat'ed into sb). */
static enum config_status
config_parse_file(struct config *c, const char *file, const struct stat *sb,
    GError **err)
{
	g_auto(GStrv)		 groups = NULL;
	GError			*kerr = NULL;
	gboolean		 has_secret = FALSE;
	enum config_status	 s;

	if (!config_check_writers(file, sb, err))
		return CONFIG_ERR_PERM;
	if (!g_key_file_load_from_file(c->kf, file, G_KEY_FILE_NONE, &kerr)) {
		g_set_error(err, CONFIG_ERROR, CONFIG_ERR_PARSE, "%s: %s",
		    file, kerr->message);
		g_error_free(kerr);
		return CONFIG_ERR_PARSE;
	}
	c->path = g_strdup(file);
	groups = g_key_file_get_groups(c->kf, NULL);
	if ((s = config_check_groups(c, file, groups, &has_secret, err)) !=
	    CONFIG_OK)
		return s;
	if (has_secret && (sb->st_mode & 077) != 0) {
		g_set_error(err, CONFIG_ERROR, CONFIG_ERR_PERM,
		    _("%s holds a password and is readable by others; "
		    "run: chmod 600 %s"), file, file);
		return CONFIG_ERR_PERM;
	}
	config_load_general(c);
	config_load_colors(c);
	if ((s = config_load_accounts(c, file, groups, err)) != CONFIG_OK)
		return s;
	config_load_keys(c);
	return CONFIG_OK;
}

enum config_status
config_load(const char *path, struct config **out, GError **err)
{
	struct config		*c;
	g_autofree char		*file = NULL;
	struct stat		 sb;
	enum config_status	 s;

	*out = NULL;
	c = config_new_default();
	file = path != NULL ? path_expand(path) : path_config_file();
	if (stat(file, &sb) != 0) {
		if (path == NULL && errno == ENOENT) {
			*out = c;
			return CONFIG_OK;
		}
		g_set_error(err, CONFIG_ERROR, CONFIG_ERR_NOTFOUND,
		    _("%s: cannot read the configuration: %s"), file,
		    g_strerror(errno));
		config_free(c);
		return CONFIG_ERR_NOTFOUND;
	}
	if ((s = config_parse_file(c, file, &sb, err)) != CONFIG_OK) {
		config_free(c);
		return s;
	}
	*out = c;
	return CONFIG_OK;
}

void
config_free(struct config *c)
{
	if (c == NULL)
		return;
	g_free(c->path);
	g_free(c->store);
	g_free(c->editor);
	g_free(c->gnupghome);
	if (c->accounts != NULL)
		g_ptr_array_unref(c->accounts);
	if (c->keys != NULL)
		g_hash_table_unref(c->keys);
	if (c->colors != NULL)
		g_ptr_array_unref(c->colors);
	if (c->warnings != NULL)
		g_ptr_array_unref(c->warnings);
	g_free(c->index_format);
	g_free(c->date_format);
	g_free(c->status_format);
	if (c->kf != NULL)
		g_key_file_unref(c->kf);
	g_free(c);
}

struct account *
config_account(struct config *c, const char *name)
{
	guint i;

	if (c == NULL || c->accounts->len == 0)
		return NULL;
	if (name == NULL)
		return c->accounts->pdata[0];
	for (i = 0; i < c->accounts->len; i++) {
		struct account *a = c->accounts->pdata[i];

		if (strcmp(a->name, name) == 0)
			return a;
	}
	return NULL;
}

static enum config_status
config_run_secret(const char *what, const char *cmd, char **secret,
    GError **err)
{
	g_auto(GStrv)	 argv = NULL;
	char		*out = NULL, *nl;
	int		 status = 0;
	GError		*serr = NULL;

	*secret = NULL;
	if (!g_shell_parse_argv(cmd, NULL, &argv, &serr)) {
		g_set_error(err, CONFIG_ERROR, CONFIG_ERR_COMMAND,
		    _("%s: cannot split the command: %s"), what,
		    serr->message);
		g_error_free(serr);
		return CONFIG_ERR_COMMAND;
	}
	/* No shell; stderr goes to the user's terminal (pinentry, gpg). */
	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH |
	    G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, &out, NULL, &status,
	    &serr)) {
		g_set_error(err, CONFIG_ERROR, CONFIG_ERR_COMMAND,
		    _("%s: cannot run %s: %s"), what, argv[0], serr->message);
		g_error_free(serr);
		return CONFIG_ERR_COMMAND;
	}
	if (!g_spawn_check_wait_status(status, NULL)) {
		g_set_error(err, CONFIG_ERROR, CONFIG_ERR_COMMAND,
		    _("%s: %s failed"), what, argv[0]);
		config_secret_free(out);
		return CONFIG_ERR_COMMAND;
	}
	if ((nl = strpbrk(out, "\r\n")) != NULL)
		*nl = '\0';
	if (*out == '\0') {
		g_set_error(err, CONFIG_ERROR, CONFIG_ERR_COMMAND,
		    _("%s: %s printed nothing"), what, argv[0]);
		config_secret_free(out);
		return CONFIG_ERR_COMMAND;
	}
	*secret = out;
	return CONFIG_OK;
}

enum config_status
config_password(const struct account *a, enum config_service svc,
    char **secret, GError **err)
{
	const char *cmd = svc == CONFIG_SERVICE_POP3 ?
	    a->pop3_password_command : a->smtp_password_command;

	*secret = NULL;
	/* Borrowed machines: passwords are only ever typed (invariant 8). */
	if (a->borrowed)
		return CONFIG_ERR_NO_SECRET;
	if (cmd == NULL) {
		if (a->password != NULL) {
			*secret = g_strdup(a->password);
			return CONFIG_OK;
		}
		return CONFIG_ERR_NO_SECRET;
	}
	return config_run_secret(svc == CONFIG_SERVICE_POP3 ?
	    "pop3_password_command" : "smtp_password_command", cmd, secret,
	    err);
}

enum config_status
config_oauth2_token(const struct account *a, char **token, GError **err)
{
	*token = NULL;
	/* Borrowed machines run no secret command, tokens included. */
	if (a->borrowed) {
		g_set_error(err, CONFIG_ERROR, CONFIG_ERR_NO_SECRET,
		    _("oauth2_token_command is not run in borrowed mode; "
		    "type the token when asked"));
		return CONFIG_ERR_NO_SECRET;
	}
	if (a->oauth2_token_command == NULL)
		return CONFIG_ERR_NO_SECRET;
	return config_run_secret("oauth2_token_command",
	    a->oauth2_token_command, token, err);
}

void
config_secret_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	g_free(s);
}
