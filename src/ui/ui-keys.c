/*
 * ui-keys.c: key names and keymaps.
 *
 * The default bindings are lines of the [keys] language ("KEY = operation",
 * optionally "CONTEXT:KEY = operation") read by the same parser as the
 * user's [keys] group, which is applied after them. A binding applies in
 * every context where the operation exists; later lines win, so the
 * pager-specific lines below override the generic list bindings there.
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "ui/ui-widget.h"

struct ui_keys {
	GHashTable	*map[UI_CTX_COUNT];	/* key -> op (both as pointers) */
	GHashTable	*macros[UI_CTX_COUNT];	/* key -> GArray of keys */
	ui_keys_find_fn	 find;			/* operation names */
};

static const char *ui_keys_defaults[] = {
	/* Lists. */
	"j = next-entry", "Down = next-entry", "k = prev-entry",
	"Up = prev-entry", "PageDown = next-page", "PageUp = prev-page",
	"Right = next-page", "Left = prev-page", "Space = next-page",
	"- = prev-page", "Home = first-entry", "End = last-entry",
	"= = first-entry", "* = last-entry", "C-d = half-down",
	"C-u = half-up", "Enter = select-entry", "KP-Enter = select-entry",
	"q = quit", "x = exit", "? = help", "F1 = help", "C-l = redraw",
	/* Index and pager. */
	"Tab = next-unread", "C-n = next-thread", "C-p = prev-thread",
	"y = folders", "c = folders", "/ = search", "n = search-next",
	"l = limit", "o = sort", "z = threads", "F = flag",
	"N = toggle-new", "d = delete", "u = undelete", "s = save",
	"C = copy", "S = save-file", "| = pipe", "m = mail", "r = reply",
	"g = group-reply", "L = list-reply", "f = forward", "R = recall",
	"$ = sync", "v = attachments", "h = headers", "C-b = urls",
	"D = fetch-body", "t = tag", "; = tag-prefix", "index:T = tag-pattern",
	"index:C-t = untag-pattern", "index:1 = jump", "index:2 = jump",
	"index:3 = jump", "index:4 = jump", "index:5 = jump",
	"index:6 = jump", "index:7 = jump", "index:8 = jump",
	"index:9 = jump", "index:Esc-v = collapse-thread",
	"index:Esc-V = collapse-all", "C-r = read-thread",
	"Esc-r = read-thread",
	/* Pager: arrows and Enter scroll, j/k change message. */
	"pager:Down = next-line", "pager:Up = prev-line",
	"pager:Enter = next-line", "pager:Backspace = prev-line",
	"pager:Right = next-page", "pager:Left = prev-page",
	"pager:Space = next-page", "pager:- = prev-page",
	"pager:Home = first-entry", "pager:End = last-entry",
	"pager:i = quit", "pager:T = toggle-quoted", "H = view-raw",
	/* Attachment list. */
	"attach:s = save-attachment", "attach:Enter = select-entry",
	/* Compose confirmation. */
	"compose:y = send", "compose:e = edit", "compose:a = attach-file",
	"compose:P = postpone", "compose:f = edit-from", "compose:p = crypt",
	"compose:t = edit-to", "compose:c = edit-cc", "compose:b = edit-bcc",
	/* The outbox. */
	"b = bounce", "O = outbox", "outbox:r = queue-retry",
	"outbox:h = queue-hold",
	"outbox:u = queue-release", "outbox:d = queue-delete",
	"outbox:e = queue-edit",
	NULL,
};

static const struct {
	const char	*name;
	int		 key;
} ui_keys_names[] = {
	{ "Enter", '\n' },
	{ "Return", '\r' },
	{ "KP-Enter", UI_KEY_FN + KEY_ENTER },
	{ "Space", ' ' },
	{ "Tab", '\t' },
	{ "BackTab", UI_KEY_FN + KEY_BTAB },
	{ "Esc", 27 },
	{ "Backspace", UI_KEY_FN + KEY_BACKSPACE },
	{ "Delete", UI_KEY_FN + KEY_DC },
	{ "Insert", UI_KEY_FN + KEY_IC },
	{ "Up", UI_KEY_FN + KEY_UP },
	{ "Down", UI_KEY_FN + KEY_DOWN },
	{ "Left", UI_KEY_FN + KEY_LEFT },
	{ "Right", UI_KEY_FN + KEY_RIGHT },
	{ "PageUp", UI_KEY_FN + KEY_PPAGE },
	{ "PgUp", UI_KEY_FN + KEY_PPAGE },
	{ "PageDown", UI_KEY_FN + KEY_NPAGE },
	{ "PgDn", UI_KEY_FN + KEY_NPAGE },
	{ "Home", UI_KEY_FN + KEY_HOME },
	{ "End", UI_KEY_FN + KEY_END },
};

static const struct {
	const char	*name;
	enum ui_ctx	 ctx;
} ui_keys_ctxs[] = {
	{ "index", UI_CTX_INDEX },
	{ "pager", UI_CTX_PAGER },
	{ "folders", UI_CTX_FOLDERS },
	{ "attach", UI_CTX_ATTACH },
	{ "urls", UI_CTX_URLS },
	{ "help", UI_CTX_HELP },
	{ "compose", UI_CTX_COMPOSE },
	{ "outbox", UI_CTX_OUTBOX },
};

static gboolean	ui_keys_bind(struct ui_keys *, const char *key,
		    const char *opname, GString *warnings);
static GArray	*ui_keys_macro_parse(const char *spec, const char *text,
		    GString *warnings);

/*
 * A macro's keys: characters as typed, <NAME> for a named key as [keys]
 * names them (<Enter>, <C-u>, <Esc>, <Down> ...), <lt> for '<'. Double
 * quotes around the whole are dropped. NULL (with a warning) when a name
 * is unknown or the macro is empty or longer than UI_MACRO_MAX_KEYS.
 */
static GArray *
ui_keys_macro_parse(const char *spec, const char *text, GString *warnings)
{
	GArray		*seq;
	char		*t = g_strstrip(g_strdup(text));
	const char	*p, *close;
	size_t		 n = strlen(t);
	int		 key;

	if (n >= 2 && t[0] == '"' && t[n - 1] == '"') {
		memmove(t, t + 1, n - 2);
		t[n - 2] = '\0';
	}
	seq = g_array_new(FALSE, FALSE, sizeof(int));
	if (!g_utf8_validate(t, -1, NULL))
		goto bad;
	for (p = t; *p != '\0'; ) {
		if (*p == '<' && (close = strchr(p + 1, '>')) != NULL &&
		    close > p + 1) {
			char *name = g_strndup(p + 1, (gsize)(close - p - 1));

			key = strcmp(name, "lt") == 0 ? '<' :
			    ui_keys_parse(name);
			if (key < 0) {
				g_string_append_printf(warnings, _("[keys]: "
				    "unknown key <%s> in the macro of '%s'. "),
				    name, spec);
				g_free(name);
				g_array_unref(seq);
				g_free(t);
				return NULL;
			}
			g_free(name);
			p = close + 1;
		} else {
			key = (int)g_utf8_get_char(p);
			p = g_utf8_next_char(p);
		}
		g_array_append_val(seq, key);
	}
	if (seq->len == 0 || seq->len > UI_MACRO_MAX_KEYS)
		goto bad;
	g_free(t);
	return seq;
bad:
	g_string_append_printf(warnings, _("[keys]: the macro of '%s' is "
	    "empty, too long or not text. "), spec);
	g_array_unref(seq);
	g_free(t);
	return NULL;
}

/* Esc then key; not Esc twice, nor Esc after Esc-key. */
static int
ui_keys_meta(int key)
{
	if (key < 0 || key == 27 || (key & UI_KEY_META))
		return -1;
	return key | UI_KEY_META;
}

int
ui_keys_parse(const char *name)
{
	size_t		i;
	gunichar	c;

	if (name == NULL || *name == '\0')
		return -1;
	/* A key after Esc: "Esc-v", "Esc v" or "M-v" (mutt's "\\ev"). */
	if (g_ascii_strncasecmp(name, "Esc", 3) == 0 &&
	    (name[3] == '-' || name[3] == ' ') && name[4] != '\0')
		return ui_keys_meta(ui_keys_parse(name + 4));
	if ((name[0] == 'M' || name[0] == 'm') && name[1] == '-' &&
	    name[2] != '\0')
		return ui_keys_meta(ui_keys_parse(name + 2));
	for (i = 0; i < G_N_ELEMENTS(ui_keys_names); i++)
		if (g_ascii_strcasecmp(name, ui_keys_names[i].name) == 0)
			return ui_keys_names[i].key;
	if ((name[0] == 'F' || name[0] == 'f') && g_ascii_isdigit(name[1])) {
		guint64 n = g_ascii_strtoull(name + 1, NULL, 10);
		if (n >= 1 && n <= 12 && strlen(name) <= 3)
			return UI_KEY_FN + KEY_F((int)n);
	}
	/* C-x and ^X are control keys. */
	if (((name[0] == 'C' && name[1] == '-') || name[0] == '^') &&
	    name[name[0] == '^' ? 1 : 2] != '\0' &&
	    name[name[0] == '^' ? 2 : 3] == '\0') {
		char k = g_ascii_tolower(name[name[0] == '^' ? 1 : 2]);
		if (k >= 'a' && k <= 'z')
			return k - 'a' + 1;
		return -1;
	}
	if (!g_utf8_validate(name, -1, NULL))
		return -1;
	c = g_utf8_get_char(name);
	if (*g_utf8_next_char(name) != '\0' || c < 0x20 || c == 0x7f)
		return -1;
	return (int)c;
}

char *
ui_keys_name(int key)
{
	size_t	i;
	char	buf[8];

	if (key == '\r')
		key = '\n';
	if (key > 0 && (key & UI_KEY_META)) {
		char *base = ui_keys_name(key & ~UI_KEY_META);
		char *name = g_strconcat("Esc-", base, NULL);
		g_free(base);
		return name;
	}
	for (i = 0; i < G_N_ELEMENTS(ui_keys_names); i++)
		if (ui_keys_names[i].key == key)
			return g_strdup(ui_keys_names[i].name);
	if (key >= UI_KEY_FN + KEY_F(1) && key <= UI_KEY_FN + KEY_F(12))
		return g_strdup_printf("F%d", key - UI_KEY_FN - KEY_F0);
	if (key >= 1 && key <= 26)
		return g_strdup_printf("C-%c", 'a' + key - 1);
	if (key >= UI_KEY_FN)
		return g_strdup_printf("<%d>", key - UI_KEY_FN);
	memset(buf, 0, sizeof buf);
	g_unichar_to_utf8((gunichar)key, buf);
	return g_strdup(buf);
}

static gboolean
ui_keys_bind(struct ui_keys *keys, const char *spec, const char *opname,
    GString *warnings)
{
	enum ui_op		 op;
	unsigned		 opctx;
	const char		*colon, *keyname = spec;
	unsigned		 ctxmask = UI_CTX_ALL;
	int			 key, c;
	size_t			 i;

	/* "pager:j" names a context; a lone ":" is a key. */
	colon = strchr(spec, ':');
	if (colon != NULL && colon != spec && colon[1] != '\0') {
		ctxmask = 0;
		for (i = 0; i < G_N_ELEMENTS(ui_keys_ctxs); i++)
			if (strncmp(spec, ui_keys_ctxs[i].name,
			    (size_t)(colon - spec)) == 0 &&
			    ui_keys_ctxs[i].name[colon - spec] == '\0')
				ctxmask = UI_CTX_BIT(ui_keys_ctxs[i].ctx);
		if (ctxmask == 0) {
			g_string_append_printf(warnings,
			    _("[keys]: unknown context in '%s'. "), spec);
			return FALSE;
		}
		keyname = colon + 1;
	}
	if ((key = ui_keys_parse(keyname)) < 0) {
		g_string_append_printf(warnings, _("[keys]: unknown key '%s'. "),
		    spec);
		return FALSE;
	}
	if (g_str_has_prefix(opname, "macro") &&
	    g_ascii_isspace(opname[5])) {
		GArray *seq = ui_keys_macro_parse(spec, opname + 6, warnings);

		if (seq == NULL)
			return FALSE;
		for (c = 0; c < UI_CTX_COUNT; c++) {
			if ((ctxmask & UI_CTX_BIT(c)) == 0)
				continue;
			for (i = 0; i < (key == '\n' ? 2u : 1u); i++)
				g_hash_table_replace(keys->macros[c],
				    GINT_TO_POINTER(i == 0 ? key : '\r'),
				    g_array_ref(seq));
		}
		g_array_unref(seq);
		return TRUE;
	}
	if (!keys->find(opname, &op, &opctx)) {
		g_string_append_printf(warnings,
		    _("[keys]: unknown operation '%s'. "), opname);
		return FALSE;
	}
	for (c = 0; c < UI_CTX_COUNT; c++) {
		if ((ctxmask & UI_CTX_BIT(c)) == 0)
			continue;
		/* Enter arrives as \n or \r depending on the terminal. */
		for (i = 0; i < (key == '\n' ? 2u : 1u); i++) {
			gpointer kp = GINT_TO_POINTER(i == 0 ? key : '\r');

			/* An operation bound later replaces a macro. */
			g_hash_table_remove(keys->macros[c], kp);
			if (op == UI_OP_NOOP)
				g_hash_table_remove(keys->map[c], kp);
			else if ((opctx & UI_CTX_BIT(c)) != 0)
				g_hash_table_replace(keys->map[c], kp,
				    GINT_TO_POINTER(op));
		}
	}
	return TRUE;
}

struct ui_keys *
ui_keys_new(GHashTable *config_keys, ui_keys_find_fn find, GString *warnings)
{
	struct ui_keys	*keys;
	GHashTableIter	 it;
	gpointer	 k, v;
	GPtrArray	*names;
	guint		 i;
	int		 c;
	char		*key, *op;

	keys = g_new0(struct ui_keys, 1);
	keys->find = find;
	for (c = 0; c < UI_CTX_COUNT; c++) {
		keys->map[c] = g_hash_table_new(g_direct_hash, g_direct_equal);
		keys->macros[c] = g_hash_table_new_full(g_direct_hash,
		    g_direct_equal, NULL, (GDestroyNotify)g_array_unref);
	}
	for (i = 0; ui_keys_defaults[i] != NULL; i++) {
		g_auto(GStrv) kv = g_strsplit(ui_keys_defaults[i], " = ", 2);
		ui_keys_bind(keys, kv[0], kv[1], warnings);
	}
	if (config_keys == NULL)
		return keys;
	/* Sorted, so that warnings come in a stable order. */
	names = g_ptr_array_new();
	g_hash_table_iter_init(&it, config_keys);
	while (g_hash_table_iter_next(&it, &k, &v))
		g_ptr_array_add(names, k);
	g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
	for (i = 0; i < names->len; i++) {
		key = g_strstrip(g_strdup(g_ptr_array_index(names, i)));
		op = g_strstrip(g_strdup(g_hash_table_lookup(config_keys,
		    g_ptr_array_index(names, i))));
		ui_keys_bind(keys, key, op, warnings);
		g_free(key);
		g_free(op);
	}
	g_ptr_array_free(names, TRUE);
	return keys;
}

void
ui_keys_free(struct ui_keys *keys)
{
	int	c;

	if (keys == NULL)
		return;
	for (c = 0; c < UI_CTX_COUNT; c++) {
		g_hash_table_unref(keys->map[c]);
		g_hash_table_unref(keys->macros[c]);
	}
	g_free(keys);
}

enum ui_op
ui_keys_lookup(struct ui_keys *keys, enum ui_ctx ctx, int key)
{
	return (enum ui_op)GPOINTER_TO_INT(g_hash_table_lookup(keys->map[ctx],
	    GINT_TO_POINTER(key)));
}

static gint
ui_keys_cmp(gconstpointer a, gconstpointer b)
{
	int	ka = *(const int *)a, kb = *(const int *)b;

	/* Printable keys first, then named ones. */
	if ((ka >= UI_KEY_FN) != (kb >= UI_KEY_FN))
		return ka >= UI_KEY_FN ? 1 : -1;
	return ka - kb;
}

char *
ui_keys_for(struct ui_keys *keys, enum ui_ctx ctx, enum ui_op op)
{
	GHashTableIter	 it;
	gpointer	 k, v;
	GArray		*found;
	GString		*out;
	guint		 i;
	int		 key;

	found = g_array_new(FALSE, FALSE, sizeof(int));
	g_hash_table_iter_init(&it, keys->map[ctx]);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		key = GPOINTER_TO_INT(k);
		if ((enum ui_op)GPOINTER_TO_INT(v) == op && key != '\r')
			g_array_append_val(found, key);
	}
	g_array_sort(found, ui_keys_cmp);
	out = g_string_new(NULL);
	for (i = 0; i < found->len; i++) {
		char *name = ui_keys_name(g_array_index(found, int, i));
		if (out->len > 0)
			g_string_append(out, ", ");
		g_string_append(out, name);
		g_free(name);
	}
	g_array_free(found, TRUE);
	return g_string_free(out, FALSE);
}

const GArray *
ui_keys_macro(struct ui_keys *keys, enum ui_ctx ctx, int key)
{
	return g_hash_table_lookup(keys->macros[ctx], GINT_TO_POINTER(key));
}
