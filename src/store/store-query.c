/*
 * store-query.c: the search language of satchel(1), parsed into a tree and
 * turned into one SQL condition with bound parameters; words and phrases go
 * to the FTS5 table (several of them under one AND share one MATCH).
 *
 *	query	:= or
 *	or	:= and { "OR" and }
 *	and	:= unary { ["AND"] unary }
 *	unary	:= ("NOT" | "-") unary | "(" or ")" | term
 *	term	:= word | "phrase" | field ":" (word | "phrase")
 */
#include "satchel-config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/util.h"
#include "store/store-private.h"

#define STORE_QUERY_MAX_DEPTH	64
#define STORE_QUERY_FEW		3000
/*
 * A text term as an SQL condition: the set of FTS matches (built once,
 * then looked up), or a probe of the FTS index per message (cheap when
 * most messages match and only a page of them is read in date order).
 */
#define STORE_QUERY_IN_OF(t) \
	"m.id IN (SELECT rowid FROM " t " WHERE " t " MATCH ?)"
#define STORE_QUERY_PROBE_OF(t) \
	"EXISTS (SELECT 1 FROM " t " WHERE " t " MATCH ? AND" \
	" rowid = m.id)"
/*
 * The three FTS tables (store-private.h): msg_fts has the words' positions
 * (phrases need them), msg_terms only which message and column has a word,
 * lists many times shorter for everything else, and msg_head the words of
 * the subject, sender and recipients alone (with positions): a field
 * search there reads the few messages whose headers have the word, not
 * every message whose body has it.
 */
#define STORE_QUERY_IN		STORE_QUERY_IN_OF("msg_fts")
#define STORE_QUERY_IN_TERMS	STORE_QUERY_IN_OF("msg_terms")
#define STORE_QUERY_IN_HEAD	STORE_QUERY_IN_OF("msg_head")
static const struct store_query_table {
	const char	*name;
	const char	*in;
	const char	*probe;
	const char	*docs;	/* messages with a word (in a column) */
} store_query_tables[] = {
	{ "msg_fts", STORE_QUERY_IN, STORE_QUERY_PROBE_OF("msg_fts"), NULL },
	{ "msg_terms", STORE_QUERY_IN_TERMS, STORE_QUERY_PROBE_OF("msg_terms"),
	    "SELECT doc FROM msg_terms_vocab WHERE term = ?" },
	{ "msg_head", STORE_QUERY_IN_HEAD, STORE_QUERY_PROBE_OF("msg_head"),
	    "SELECT doc FROM msg_head_vocab WHERE term = ? AND col = ?" },
};
/*
 * What a text term needs of the table that answers it: positions (a
 * phrase), and columns other than the headers'. One MATCH answers terms
 * together: msg_head if none needs other columns, else msg_fts if one
 * needs positions, else msg_terms.
 */
#define STORE_QUERY_NEED_POS	1u
#define STORE_QUERY_NEED_BODY	2u
/*
 * Cost of one probe against reading one match into the set, measured
 * (about 30 us against 0.55 us on 20,000 messages).
 */
#define STORE_QUERY_PROBE_COST	55
/* How many messages there are; the condition of one folder. */
#define STORE_QUERY_TOTAL \
	"SELECT coalesce(sum(n), 0) FROM folder_counts"
#define STORE_QUERY_FOLDER \
	"m.folder_id = (SELECT id FROM folders WHERE name = ?)"
/*
 * Cost of one lookup in the (id, date) index against one step along the
 * date index with a test against a set of matches (measured on 1,000,000
 * messages: about 2.5 us against 0.15 us).
 */
#define STORE_QUERY_WALK_COST	16

enum store_qnode_type {
	QN_TRUE,
	QN_FALSE,
	QN_FTS,		/* text: FTS5 expression in s (phrase: positions) */
	QN_SQL,		/* condition in s, parameters in params */
	QN_AND,
	QN_OR,
	QN_NOT,
};

struct store_qnode {
	enum store_qnode_type	 type;
	char			*s;
	unsigned		 need;		/* QN_FTS: STORE_QUERY_NEED_* */
	GPtrArray		*params;	/* struct store_query_param */
	GPtrArray		*kids;
};

enum store_qtok_type {
	QT_END,
	QT_LPAREN,
	QT_RPAREN,
	QT_AND,
	QT_OR,
	QT_NOT,
	QT_WORD,
	QT_PHRASE,
	QT_FIELD,	/* s = field name, v = value, quoted = value was "..." */
};

struct store_qtok {
	enum store_qtok_type	 type;
	char			*s;
	char			*v;
	gboolean		 quoted;
};

struct store_qparser {
	GPtrArray	*toks;
	guint		 pos;
	int		 depth;
	GError		**err;
	struct store	*st;
};

G_DEFINE_QUARK(store-query-error-quark, store_query_error)

static void	 store_query_param_free(gpointer);
static struct store_qnode *store_query_node(enum store_qnode_type);
static void	 store_query_node_free(struct store_qnode *);
static void	 store_query_tok_free(gpointer);
static gboolean	 store_query_lex(const char *, GPtrArray *, GError **);
static struct store_qnode *store_query_or(struct store_qparser *);
static struct store_qnode *store_query_and(struct store_qparser *);
static struct store_qnode *store_query_unary(struct store_qparser *);
static struct store_qnode *store_query_term(struct store_qparser *,
		    struct store_qtok *);
static struct store_qnode *store_query_text(const char *, gboolean,
		    const char *);
static gboolean	 store_query_field(struct store_qparser *,
		    struct store_qtok *, struct store_qnode **);
static struct store_qnode *store_query_field_is(struct store_qparser *,
		    const char *);
static struct store_qnode *store_query_field_has(struct store_qparser *,
		    const char *);
static struct store_qnode *store_query_field_mid(const char *);
static struct store_qnode *store_query_field_thread(struct store_qparser *,
		    const char *);
static char	*store_query_fts_quote(const char *, gboolean);
static struct store_qnode *store_query_sql(const char *, const char *,
		    int64_t, gboolean);
static gboolean	 store_query_date(const char *, gboolean, int64_t *,
		    GError **);
static struct store_qnode *store_query_date_range(const char *, GError **);
static char	*store_query_fts_expr(struct store_qnode *, unsigned *);
static char	*store_query_fts_not(struct store_qnode *, unsigned *);
static const char *store_query_in(unsigned);
static gboolean	 store_query_one_token(const char *);
static void	 store_query_emit(struct store_qnode *, GString *,
		    GPtrArray *);
static void	 store_query_take_params(GPtrArray *, GPtrArray *);
static gboolean	 store_query_few(struct store_query *);
static gboolean	 store_query_count_word(struct store_query *, guint64 *);
static const char *store_query_single_fts(struct store_query *, guint *,
		    const struct store_query_table **);
static gboolean	 store_query_long_prefix(const char *);
static int64_t	 store_query_docs(struct store_query *,
		    const struct store_query_table *, const char *);
static gboolean	 store_query_dense(struct store_query *,
		    const struct store_query_table *, const char *, guint64,
		    GString **, gboolean *);
static int64_t	 store_query_int(struct store_query *, const char *,
		    const char *);
static int	 store_query_bind_as(struct store_query *, sqlite3_stmt *,
		    int, guint, const char *);

static void
store_query_param_free(gpointer p)
{
	struct store_query_param *qp = p;

	g_free(qp->s);
	g_free(qp);
}

static struct store_qnode *
store_query_node(enum store_qnode_type type)
{
	struct store_qnode *n = g_new0(struct store_qnode, 1);

	n->type = type;
	n->params = g_ptr_array_new_with_free_func(store_query_param_free);
	n->kids = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)store_query_node_free);
	return n;
}

static void
store_query_node_free(struct store_qnode *n)
{
	if (n == NULL)
		return;
	g_free(n->s);
	g_ptr_array_unref(n->params);
	g_ptr_array_unref(n->kids);
	g_free(n);
}

static void
store_query_tok_free(gpointer p)
{
	struct store_qtok *t = p;

	g_free(t->s);
	g_free(t->v);
	g_free(t);
}

/* Read a "..." string starting at *pp (at the quote); NULL if unterminated. */
static char *
store_query_quoted(const char **pp)
{
	const char	*p = *pp + 1, *e;

	if ((e = strchr(p, '"')) == NULL)
		return NULL;
	*pp = e + 1;
	return g_strndup(p, (gsize)(e - p));
}

static gboolean
store_query_lex(const char *q, GPtrArray *toks, GError **err)
{
	const char	*p = q, *start;
	struct store_qtok *t;

	for (;;) {
		while (g_ascii_isspace(*p))
			p++;
		t = g_new0(struct store_qtok, 1);
		g_ptr_array_add(toks, t);
		if (*p == '\0') {
			t->type = QT_END;
			return TRUE;
		}
		if (*p == '(' || *p == ')') {
			t->type = *p == '(' ? QT_LPAREN : QT_RPAREN;
			p++;
			continue;
		}
		if (*p == '"') {
			if ((t->s = store_query_quoted(&p)) == NULL)
				goto unterminated;
			t->type = QT_PHRASE;
			continue;
		}
		if (*p == '-' && p[1] != '\0' && !g_ascii_isspace(p[1])) {
			t->type = QT_NOT;
			p++;
			continue;
		}
		start = p;
		while (*p != '\0' && !g_ascii_isspace(*p) && *p != '(' &&
		    *p != ')' && *p != '"' && *p != ':')
			p++;
		if (*p == ':' && p > start) {
			t->type = QT_FIELD;
			t->s = g_ascii_strdown(start, p - start);
			p++;
			if (*p == '"') {
				if ((t->v = store_query_quoted(&p)) == NULL)
					goto unterminated;
				t->quoted = TRUE;
			} else {
				const char *vs = p;

				while (*p != '\0' && !g_ascii_isspace(*p) &&
				    *p != '(' && *p != ')')
					p++;
				t->v = g_strndup(vs, (gsize)(p - vs));
			}
			continue;
		}
		while (*p != '\0' && !g_ascii_isspace(*p) && *p != '(' &&
		    *p != ')' && *p != '"')
			p++;
		t->s = g_strndup(start, (gsize)(p - start));
		if (strcmp(t->s, "AND") == 0)
			t->type = QT_AND;
		else if (strcmp(t->s, "OR") == 0)
			t->type = QT_OR;
		else if (strcmp(t->s, "NOT") == 0)
			t->type = QT_NOT;
		else
			t->type = QT_WORD;
	}
unterminated:
	g_set_error(err, store_query_error_quark(), 1,
	    _("unterminated quote in the search"));
	return FALSE;
}

static struct store_qtok *
store_query_peek(struct store_qparser *qp)
{
	return qp->toks->pdata[qp->pos];
}

static struct store_qtok *
store_query_next(struct store_qparser *qp)
{
	struct store_qtok *t = qp->toks->pdata[qp->pos];

	if (t->type != QT_END)
		qp->pos++;
	return t;
}

static struct store_qnode *
store_query_or(struct store_qparser *qp)
{
	struct store_qnode	*left, *right, *n;

	if ((left = store_query_and(qp)) == NULL)
		return NULL;
	while (store_query_peek(qp)->type == QT_OR) {
		store_query_next(qp);
		if ((right = store_query_and(qp)) == NULL) {
			store_query_node_free(left);
			return NULL;
		}
		if (left->type == QN_OR)
			n = left;
		else {
			n = store_query_node(QN_OR);
			g_ptr_array_add(n->kids, left);
		}
		g_ptr_array_add(n->kids, right);
		left = n;
	}
	return left;
}

static struct store_qnode *
store_query_and(struct store_qparser *qp)
{
	struct store_qnode	*n = NULL, *k;
	struct store_qtok	*t;

	for (;;) {
		t = store_query_peek(qp);
		if (t->type == QT_END || t->type == QT_RPAREN ||
		    t->type == QT_OR)
			break;
		if (t->type == QT_AND) {
			store_query_next(qp);
			t = store_query_peek(qp);
			if (n == NULL || t->type == QT_END ||
			    t->type == QT_RPAREN || t->type == QT_OR ||
			    t->type == QT_AND) {
				g_set_error(qp->err, store_query_error_quark(),
				    1, _("AND needs a search term on both "
				    "sides"));
				store_query_node_free(n);
				return NULL;
			}
			continue;
		}
		if ((k = store_query_unary(qp)) == NULL) {
			store_query_node_free(n);
			return NULL;
		}
		if (n == NULL)
			n = k;
		else {
			if (n->type != QN_AND) {
				struct store_qnode *a = store_query_node(QN_AND);

				g_ptr_array_add(a->kids, n);
				n = a;
			}
			g_ptr_array_add(n->kids, k);
		}
	}
	if (n == NULL) {
		t = store_query_peek(qp);
		g_set_error(qp->err, store_query_error_quark(), 1,
		    t->type == QT_OR ? _("OR needs a search term on both "
		    "sides") : t->type == QT_RPAREN ?
		    _("unexpected \")\" in the search") :
		    _("empty search expression"));
	}
	return n;
}

static struct store_qnode *
store_query_unary(struct store_qparser *qp)
{
	struct store_qtok	*t = store_query_next(qp);
	struct store_qnode	*n, *k;

	if (++qp->depth > STORE_QUERY_MAX_DEPTH) {
		g_set_error(qp->err, store_query_error_quark(), 1,
		    _("the search is nested too deeply"));
		return NULL;
	}
	switch (t->type) {
	case QT_NOT:
		if (store_query_peek(qp)->type == QT_END) {
			g_set_error(qp->err, store_query_error_quark(), 1,
			    _("NOT needs a search term after it"));
			return NULL;
		}
		if ((k = store_query_unary(qp)) == NULL)
			return NULL;
		n = store_query_node(QN_NOT);
		g_ptr_array_add(n->kids, k);
		break;
	case QT_LPAREN:
		if ((n = store_query_or(qp)) == NULL)
			return NULL;
		if (store_query_next(qp)->type != QT_RPAREN) {
			g_set_error(qp->err, store_query_error_quark(), 1,
			    _("missing \")\" in the search"));
			store_query_node_free(n);
			return NULL;
		}
		break;
	default:
		n = store_query_term(qp, t);
		break;
	}
	qp->depth--;
	return n;
}

/*
 * A word or phrase as an FTS5 string: double quotes doubled, a trailing
 * '*' on a word kept as a prefix query. NULL if it holds no letter or digit
 * (the tokenizer would see nothing).
 */
static char *
store_query_fts_quote(const char *text, gboolean allow_prefix)
{
	GString		*s;
	const char	*p;
	gboolean	 prefix = FALSE, any = FALSE;
	size_t		 len = strlen(text);

	if (!g_utf8_validate(text, -1, NULL))
		return NULL;
	if (allow_prefix && len > 1 && text[len - 1] == '*') {
		prefix = TRUE;
		len--;
	}
	for (p = text; p < text + len; p = g_utf8_next_char(p))
		if (g_unichar_isalnum(g_utf8_get_char(p)))
			any = TRUE;
	if (!any)
		return NULL;
	s = g_string_new("\"");
	for (p = text; p < text + len; p++) {
		if (*p == '"')
			g_string_append_c(s, '"');
		g_string_append_c(s, *p);
	}
	g_string_append_c(s, '"');
	if (prefix)
		g_string_append_c(s, '*');
	return g_string_free(s, FALSE);
}

/*
 * TRUE when the tokenizer makes one word of text (a trailing '*' aside):
 * letters and digits only, all of them word characters of unicode61.
 * Anything else may split it into a phrase, which needs positions (msg_fts,
 * or msg_head for a header field).
 */
static gboolean
store_query_one_token(const char *text)
{
	const char	*p;
	size_t		 len = strlen(text);

	if (len > 1 && text[len - 1] == '*')
		len--;
	for (p = text; p < text + len; p = g_utf8_next_char(p))
		if (!g_unichar_isalnum(g_utf8_get_char(p)))
			return FALSE;
	return len > 0;
}

static struct store_qnode *
store_query_sql(const char *sql, const char *text, int64_t i,
    gboolean is_int)
{
	struct store_qnode		*n = store_query_node(QN_SQL);
	struct store_query_param	*p;

	n->s = g_strdup(sql);
	if (text != NULL || is_int) {
		p = g_new0(struct store_query_param, 1);
		p->is_int = is_int;
		p->i = i;
		p->s = g_strdup(text);
		g_ptr_array_add(n->params, p);
	}
	return n;
}

static struct store_qnode *
store_query_term(struct store_qparser *qp, struct store_qtok *t)
{
	struct store_qnode	*n;
	g_autofree char		*all = NULL;

	switch (t->type) {
	case QT_WORD:
	case QT_PHRASE:
		return store_query_text(t->s, t->type == QT_WORD, NULL);
	case QT_FIELD:
		break;
	case QT_RPAREN:
		g_set_error(qp->err, store_query_error_quark(), 1,
		    _("unexpected \")\" in the search"));
		return NULL;
	default:
		g_set_error(qp->err, store_query_error_quark(), 1,
		    _("a search term is missing"));
		return NULL;
	}
	if (*t->v == '\0' && !t->quoted) {
		g_set_error(qp->err, store_query_error_quark(), 1,
		    _("\"%s:\" needs a value"), t->s);
		return NULL;
	}
	if (store_query_field(qp, t, &n))
		return n;
	/* Not a field we know ("http://..."): search the text as it is. */
	all = g_strconcat(t->s, ":", t->v, NULL);
	return store_query_text(all, FALSE, NULL);
}

/*
 * Words or a phrase in the text (in one column if column is set): bare,
 * words that may carry a trailing "*" for a prefix.
 */
static struct store_qnode *
store_query_text(const char *text, gboolean bare, const char *column)
{
	struct store_qnode	*n;
	char			*fts;

	if ((fts = store_query_fts_quote(text, bare)) == NULL)
		return store_query_node(QN_TRUE);
	n = store_query_node(QN_FTS);
	if (column != NULL) {
		n->s = g_strdup_printf("%s : %s", column, fts);
		g_free(fts);
	} else
		n->s = fts;
	if (!store_query_one_token(text))
		n->need |= STORE_QUERY_NEED_POS;
	if (column == NULL || (strcmp(column, "subject") != 0 &&
	    strcmp(column, "sender") != 0 && strcmp(column, "recipients") != 0))
		n->need |= STORE_QUERY_NEED_BODY;
	return n;
}

/*
 * A term "field:value" of a field we know into *out (NULL on an error,
 * set in qp). FALSE: no such field.
 */
static gboolean
store_query_field(struct store_qparser *qp, struct store_qtok *t,
    struct store_qnode **out)
{
	static const struct {
		const char	*name;
		const char	*column;
	} textfields[] = {
		{ "from", "sender" }, { "to", "recipients" },
		{ "cc", "recipients" }, { "subject", "subject" },
		{ "body", "body" }, { "attachment", "attachments" },
		{ "file", "attachments" },
	};
	size_t	 i;

	for (i = 0; i < G_N_ELEMENTS(textfields); i++)
		if (strcmp(t->s, textfields[i].name) == 0) {
			*out = store_query_text(t->v, !t->quoted,
			    textfields[i].column);
			return TRUE;
		}
	if (strcmp(t->s, "is") == 0 || strcmp(t->s, "tag") == 0)
		*out = store_query_field_is(qp, t->v);
	else if (strcmp(t->s, "has") == 0)
		*out = store_query_field_has(qp, t->v);
	else if (strcmp(t->s, "folder") == 0 || strcmp(t->s, "in") == 0)
		*out = store_query_sql(STORE_QUERY_FOLDER, t->v, 0, FALSE);
	else if (strcmp(t->s, "account") == 0)
		*out = store_query_sql("m.account = ?", t->v, 0, FALSE);
	else if (strcmp(t->s, "id") == 0 || strcmp(t->s, "mid") == 0)
		*out = store_query_field_mid(t->v);
	else if (strcmp(t->s, "thread") == 0)
		*out = store_query_field_thread(qp, t->v);
	else if (strcmp(t->s, "date") == 0)
		*out = store_query_date_range(t->v, qp->err);
	else
		return FALSE;
	return TRUE;
}

/* is:VALUE (tag:VALUE): a flag, or signed or encrypted. */
static struct store_qnode *
store_query_field_is(struct store_qparser *qp, const char *value)
{
	static const struct {
		const char	*name;
		const char	*sql;
	} isvals[] = {
		{ "unread", "(m.flags & 1) = 0" },
		{ "read", "(m.flags & 1) <> 0" },
		{ "seen", "(m.flags & 1) <> 0" },
		{ "replied", "(m.flags & 2) <> 0" },
		{ "flagged", "(m.flags & 4) <> 0" },
		{ "starred", "(m.flags & 4) <> 0" },
		{ "trashed", "(m.flags & 8) <> 0" },
		{ "deleted", "(m.flags & 8) <> 0" },
		{ "draft", "(m.flags & 16) <> 0" },
		{ "forwarded", "(m.flags & 32) <> 0" },
		{ "passed", "(m.flags & 32) <> 0" },
		{ "partial", "(m.flags & 256) <> 0" },
		{ "bounced", "(m.flags & 512) <> 0" },
		{ "signed", "(m.crypt & 1) <> 0" },
		{ "encrypted", "(m.crypt & 2) <> 0" },
	};
	g_autofree char	*v = g_ascii_strdown(value, -1);
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(isvals); i++)
		if (strcmp(v, isvals[i].name) == 0)
			return store_query_sql(isvals[i].sql, NULL, 0, FALSE);
	g_set_error(qp->err, store_query_error_quark(), 1,
	    _("unknown value in \"is:%s\" (try unread, read, flagged, "
	    "replied, trashed, draft, bounced, signed, encrypted)"), value);
	return NULL;
}

/* has:attachment, the only value. */
static struct store_qnode *
store_query_field_has(struct store_qparser *qp, const char *value)
{
	if (g_ascii_strncasecmp(value, "attachment", 10) == 0)
		return store_query_sql("m.has_attachment = 1", NULL, 0, FALSE);
	g_set_error(qp->err, store_query_error_quark(), 1,
	    _("unknown value in \"has:%s\" (try has:attachment)"), value);
	return NULL;
}

/* id:VALUE (mid:): a Message-ID, with or without its angle brackets. */
static struct store_qnode *
store_query_field_mid(const char *value)
{
	g_autofree char *v = g_strdup(value[0] == '<' ? value + 1 : value);

	if (*v != '\0' && v[strlen(v) - 1] == '>')
		v[strlen(v) - 1] = '\0';
	return store_query_sql("m.message_id = ?", v, 0, FALSE);
}

/* thread:N, a thread's number. */
static struct store_qnode *
store_query_field_thread(struct store_qparser *qp, const char *value)
{
	char	*end;
	gint64	 v = g_ascii_strtoll(value, &end, 10);

	if (*end != '\0') {
		g_set_error(qp->err, store_query_error_quark(), 1,
		    _("\"thread:\" needs a number"));
		return NULL;
	}
	return store_query_sql("m.thread_id = ?", NULL, v, TRUE);
}

/*
 * One end of a date range as Unix time: YYYY, YYYY-MM, YYYY-MM-DD (local
 * time; the start of the period, or with end the start of the next one),
 * Nd/Nw/Nm/Ny ago, today, yesterday, now.
 */
static gboolean
store_query_date(const char *v, gboolean end, int64_t *out, GError **err)
{
	g_autoptr(GDateTime)	 now = g_date_time_new_now_local();
	g_autoptr(GDateTime)	 dt = NULL, day = NULL;
	int			 y = 0, mo = 1, d = 1, n;
	char			 unit, extra;

	if (g_ascii_strcasecmp(v, "now") == 0) {
		*out = g_date_time_to_unix(now);
		return TRUE;
	}
	day = g_date_time_new_local(g_date_time_get_year(now),
	    g_date_time_get_month(now), g_date_time_get_day_of_month(now),
	    0, 0, 0);
	if (g_ascii_strcasecmp(v, "today") == 0) {
		dt = end ? g_date_time_add_days(day, 1) : g_date_time_ref(day);
		*out = g_date_time_to_unix(dt);
		return TRUE;
	}
	if (g_ascii_strcasecmp(v, "yesterday") == 0) {
		dt = g_date_time_add_days(day, end ? 0 : -1);
		*out = g_date_time_to_unix(dt);
		return TRUE;
	}
	if (sscanf(v, "%d%c%c", &n, &unit, &extra) == 2 && n >= 0 &&
	    n < 100000 && strchr("hdwmy", unit) != NULL) {
		switch (unit) {
		case 'h':
			dt = g_date_time_add_hours(now, -n);
			break;
		case 'd':
			dt = g_date_time_add_days(now, -n);
			break;
		case 'w':
			dt = g_date_time_add_weeks(now, -n);
			break;
		case 'm':
			dt = g_date_time_add_months(now, -n);
			break;
		default:
			dt = g_date_time_add_years(now, -n);
			break;
		}
		if (dt == NULL)
			goto bad;
		*out = g_date_time_to_unix(dt);
		return TRUE;
	}
	n = sscanf(v, "%4d-%2d-%2d%c", &y, &mo, &d, &extra);
	if (n < 1 || n > 3 || y < 1970 || y > 9999 || mo < 1 || mo > 12 ||
	    d < 1 || d > 31 || strlen(v) > 10)
		goto bad;
	if ((dt = g_date_time_new_local(y, mo, d, 0, 0, 0)) == NULL)
		goto bad;
	if (end) {
		GDateTime *next = n == 1 ? g_date_time_add_years(dt, 1) :
		    n == 2 ? g_date_time_add_months(dt, 1) :
		    g_date_time_add_days(dt, 1);

		g_date_time_unref(dt);
		dt = next;
	}
	*out = g_date_time_to_unix(dt);
	return TRUE;
bad:
	g_set_error(err, store_query_error_quark(), 1,
	    _("bad date \"%s\" (use YYYY, YYYY-MM, YYYY-MM-DD, today, "
	    "yesterday or a number of days like 7d)"), v);
	return FALSE;
}

static struct store_qnode *
store_query_date_range(const char *v, GError **err)
{
	struct store_qnode		*n;
	struct store_query_param	*p;
	const char			*dots = strstr(v, "..");
	g_autofree char			*a = NULL, *b = NULL;
	int64_t				 from = 0, to = 0;
	gboolean			 has_from, has_to;

	if (dots != NULL) {
		a = g_strndup(v, (gsize)(dots - v));
		b = g_strdup(dots + 2);
	} else {
		a = g_strdup(v);
		b = g_strdup(v);
	}
	has_from = *a != '\0';
	has_to = *b != '\0';
	if (!has_from && !has_to) {
		g_set_error(err, store_query_error_quark(), 1,
		    _("\"date:\" needs a date or a range like "
		    "2024-01..2024-03"));
		return NULL;
	}
	if (has_from && !store_query_date(a, FALSE, &from, err))
		return NULL;
	/* A relative end ("..7d") means "older than", not "up to the end". */
	if (has_to && !store_query_date(b, TRUE, &to, err))
		return NULL;
	n = store_query_node(QN_SQL);
	if (has_from && has_to)
		n->s = g_strdup("(m.date >= ? AND m.date < ?)");
	else if (has_from)
		n->s = g_strdup("m.date >= ?");
	else
		n->s = g_strdup("m.date < ?");
	if (has_from) {
		p = g_new0(struct store_query_param, 1);
		p->is_int = TRUE;
		p->i = from;
		g_ptr_array_add(n->params, p);
	}
	if (has_to) {
		p = g_new0(struct store_query_param, 1);
		p->is_int = TRUE;
		p->i = to;
		g_ptr_array_add(n->params, p);
	}
	return n;
}

/*
 * The node as one FTS5 expression, or NULL if it needs SQL. Negations in
 * an AND with at least one text term become FTS5's binary NOT, so that
 * "a AND NOT b" is one lookup in the FTS index, not an anti-join. What
 * its terms need (STORE_QUERY_NEED_*) is added to *need.
 */
static char *
store_query_fts_expr(struct store_qnode *n, unsigned *need)
{
	GString		*s, *neg;
	gboolean	 any = FALSE;
	unsigned	 nd = 0;
	guint		 i;

	if (n->type == QN_FTS) {
		*need |= n->need;
		return g_strdup(n->s);
	}
	if (n->type != QN_AND && n->type != QN_OR)
		return NULL;
	s = g_string_new("(");
	neg = g_string_new(NULL);
	for (i = 0; i < n->kids->len; i++) {
		struct store_qnode *kid = n->kids->pdata[i];
		char *k;

		if (n->type == QN_AND && kid->type == QN_NOT) {
			if ((k = store_query_fts_expr(kid->kids->pdata[0],
			    &nd)) == NULL)
				goto sql;
			g_string_append(neg, neg->len > 0 ? " OR " : "");
			g_string_append(neg, k);
			g_free(k);
			continue;
		}
		if ((k = store_query_fts_expr(kid, &nd)) == NULL)
			goto sql;
		if (any)
			g_string_append(s, n->type == QN_AND ? " AND " :
			    " OR ");
		g_string_append(s, k);
		g_free(k);
		any = TRUE;
	}
	if (!any)
		goto sql;
	g_string_append_c(s, ')');
	if (neg->len > 0) {
		g_string_prepend_c(s, '(');
		g_string_append_printf(s, " NOT (%s))", neg->str);
	}
	g_string_free(neg, TRUE);
	*need |= nd;
	return g_string_free(s, FALSE);
sql:
	g_string_free(neg, TRUE);
	g_string_free(s, TRUE);
	return NULL;
}

/* The FTS5 expression of a NOT node's operand, or NULL. */
static char *
store_query_fts_not(struct store_qnode *n, unsigned *need)
{
	if (n->type != QN_NOT)
		return NULL;
	return store_query_fts_expr(n->kids->pdata[0], need);
}

/* The condition on the FTS table that answers terms needing need. */
static const char *
store_query_in(unsigned need)
{
	if ((need & STORE_QUERY_NEED_BODY) == 0)
		return STORE_QUERY_IN_HEAD;
	return (need & STORE_QUERY_NEED_POS) != 0 ? STORE_QUERY_IN :
	    STORE_QUERY_IN_TERMS;
}

static void
store_query_take_params(GPtrArray *to, GPtrArray *from)
{
	guint	 i;

	for (i = 0; i < from->len; i++) {
		struct store_query_param *p = from->pdata[i], *c;

		c = g_new0(struct store_query_param, 1);
		c->is_int = p->is_int;
		c->i = p->i;
		c->s = g_strdup(p->s);
		g_ptr_array_add(to, c);
	}
}

static void
store_query_fts_param(GPtrArray *params, char *expr)
{
	struct store_query_param *p = g_new0(struct store_query_param, 1);

	p->s = expr;
	g_ptr_array_add(params, p);
}

static void
store_query_emit(struct store_qnode *n, GString *out, GPtrArray *params)
{
	char		*fts;
	unsigned	 need = 0;
	guint		 i;

	switch (n->type) {
	case QN_TRUE:
		g_string_append(out, "1");
		return;
	case QN_FALSE:
		g_string_append(out, "0");
		return;
	case QN_SQL:
		g_string_append_printf(out, "(%s)", n->s);
		store_query_take_params(params, n->params);
		return;
	case QN_NOT:
		g_string_append(out, "NOT ");
		store_query_emit(n->kids->pdata[0], out, params);
		return;
	default:
		break;
	}
	if ((fts = store_query_fts_expr(n, &need)) != NULL) {
		g_string_append(out, store_query_in(need));
		store_query_fts_param(params, fts);
		return;
	}
	if (n->type == QN_AND) {
		GString	*ftsand = g_string_new(NULL);
		GString	*ftsnot = g_string_new(NULL);
		g_autofree char *nots = NULL;
		gboolean first = TRUE, folded;
		unsigned nd = 0, nnd = 0, skip = 0;

		/*
		 * The text terms of an AND share one MATCH, their negations
		 * too (FTS5's NOT) when there is a term to take them from.
		 */
		g_string_append_c(out, '(');
		for (i = 0; i < n->kids->len; i++) {
			if ((fts = store_query_fts_expr(n->kids->pdata[i],
			    &nd)) != NULL) {
				if (ftsand->len > 0)
					g_string_append(ftsand, " AND ");
				g_string_append(ftsand, fts);
			} else if ((fts = store_query_fts_not(
			    n->kids->pdata[i], &nnd)) != NULL) {
				if (ftsnot->len > 0)
					g_string_append(ftsnot, " OR ");
				g_string_append(ftsnot, fts);
			}
			g_free(fts);
		}
		folded = ftsand->len > 0 && ftsnot->len > 0;
		nots = g_string_free(ftsnot, FALSE);
		if (ftsand->len > 0) {
			if (folded) {
				g_string_prepend(ftsand, "((");
				g_string_append_printf(ftsand, ") NOT (%s))",
				    nots);
				nd |= nnd;
			}
			g_string_append(out, store_query_in(nd));
			store_query_fts_param(params, g_strdup(ftsand->str));
			first = FALSE;
		}
		g_string_free(ftsand, TRUE);
		for (i = 0; i < n->kids->len; i++) {
			struct store_qnode *k = n->kids->pdata[i];

			if ((fts = store_query_fts_expr(k, &skip)) != NULL ||
			    (folded && (fts = store_query_fts_not(k, &skip)) !=
			    NULL)) {
				g_free(fts);
				continue;
			}
			if (!first)
				g_string_append(out, " AND ");
			store_query_emit(k, out, params);
			first = FALSE;
		}
		g_string_append_c(out, ')');
		return;
	}
	g_string_append_c(out, '(');
	for (i = 0; i < n->kids->len; i++) {
		if (i > 0)
			g_string_append(out, n->type == QN_AND ? " AND " :
			    " OR ");
		store_query_emit(n->kids->pdata[i], out, params);
	}
	g_string_append_c(out, ')');
}

int
store_query_bind(struct store_query *q, sqlite3_stmt *stmt, int first)
{
	return store_query_bind_as(q, stmt, first, G_MAXUINT, NULL);
}

/* The same, with parameter which bound to text instead. */
static int
store_query_bind_as(struct store_query *q, sqlite3_stmt *stmt, int first,
    guint which, const char *text)
{
	guint	 i;

	for (i = 0; i < q->params->len; i++) {
		struct store_query_param *p = q->params->pdata[i];

		if (i == which) {
			sqlite3_bind_text(stmt, first++, text, -1,
			    SQLITE_STATIC);
			continue;
		}
		if (p->is_int)
			sqlite3_bind_int64(stmt, first++, p->i);
		else
			sqlite3_bind_text(stmt, first++, p->s, -1,
			    SQLITE_STATIC);
	}
	return first;
}

gboolean
store_query_has_text(const struct store_query *q)
{
	return q != NULL && (strstr(q->where->str, "msg_fts") != NULL ||
	    strstr(q->where->str, "msg_terms") != NULL ||
	    strstr(q->where->str, "msg_head") != NULL);
}

enum store_status
store_query_new(struct store *st, const char *query, const char *folder,
    struct store_query **out, GError **err)
{
	struct store_query	*q;
	struct store_qparser	 qp;
	struct store_qnode	*root = NULL;
	GPtrArray		*toks;

	*out = NULL;
	q = g_new0(struct store_query, 1);
	q->st = st;
	q->where = g_string_new(NULL);
	q->params = g_ptr_array_new_with_free_func(store_query_param_free);
	if (query != NULL && !g_utf8_validate(query, -1, NULL)) {
		g_set_error(err, store_query_error_quark(), 1,
		    _("the search is not valid UTF-8"));
		store_query_free(q);
		return store_set_error(st, STORE_ERR_QUERY, "%s",
		    _("the search is not valid UTF-8"));
	}
	toks = g_ptr_array_new_with_free_func(store_query_tok_free);
	memset(&qp, 0, sizeof(qp));
	qp.toks = toks;
	qp.st = st;
	qp.err = err;
	if (query != NULL && store_query_lex(query, toks, err)) {
		if (((struct store_qtok *)toks->pdata[0])->type != QT_END) {
			root = store_query_or(&qp);
			if (root != NULL &&
			    store_query_peek(&qp)->type != QT_END) {
				g_set_error(err, store_query_error_quark(), 1,
				    _("unexpected \")\" in the search"));
				store_query_node_free(root);
				root = NULL;
			}
			if (root == NULL) {
				g_ptr_array_unref(toks);
				store_query_free(q);
				return store_set_error(st, STORE_ERR_QUERY,
				    "%s", err != NULL && *err != NULL ?
				    (*err)->message : _("search syntax error"));
			}
		}
	} else if (query != NULL) {
		g_ptr_array_unref(toks);
		store_query_free(q);
		return store_set_error(st, STORE_ERR_QUERY, "%s",
		    err != NULL && *err != NULL ? (*err)->message :
		    _("search syntax error"));
	}
	g_ptr_array_unref(toks);
	if (root != NULL)
		store_query_emit(root, q->where, q->params);
	else
		g_string_append(q->where, "1");
	store_query_node_free(root);
	if (folder != NULL) {
		struct store_query_param *p = g_new0(struct store_query_param,
		    1);

		g_string_append(q->where, " AND " STORE_QUERY_FOLDER);
		p->s = g_strdup(folder);
		g_ptr_array_add(q->params, p);
	}
	*out = q;
	return STORE_OK;
}

void
store_query_free(struct store_query *q)
{
	if (q == NULL)
		return;
	g_string_free(q->where, TRUE);
	g_ptr_array_unref(q->params);
	g_free(q);
}

/* The SQL that counts the query's matches. */
static char *
store_query_count_sql(struct store_query *q)
{
	/*
	 * One text term alone: count the FTS matches, no join needed; its
	 * negation alone: all messages but those (every message has its FTS
	 * row and no other), no anti-join over the table.
	 */
	const char	*w = q->where->str;
	size_t		 i;

	/* All messages, or those of a folder: the folders' counts. */
	if (strcmp(w, "1") == 0)
		return g_strdup(STORE_QUERY_TOTAL);
	if (strcmp(w, "(" STORE_QUERY_FOLDER ")") == 0 ||
	    strcmp(w, "1 AND " STORE_QUERY_FOLDER) == 0)
		return g_strdup("SELECT coalesce((SELECT n FROM folder_counts"
		    " WHERE folder_id = (SELECT id FROM folders WHERE name ="
		    " ?)), 0)");
	for (i = 0; i < G_N_ELEMENTS(store_query_tables); i++) {
		const char *t = store_query_tables[i].name;

		if (strcmp(w, store_query_tables[i].in) == 0)
			return g_strdup_printf("SELECT count(*) FROM %s WHERE"
			    " %s MATCH ?", t, t);
		if (g_str_has_prefix(w, "NOT ") &&
		    strcmp(w + 4, store_query_tables[i].in) == 0)
			return g_strdup_printf("SELECT (%s) - (SELECT count(*)"
			    " FROM %s WHERE %s MATCH ?)", STORE_QUERY_TOTAL, t,
			    t);
	}
	return g_strdup_printf("SELECT count(*) FROM messages m WHERE %s",
	    q->where->str);
}

/*
 * One word alone, or its negation: its count from the vocabulary (no
 * row read); FALSE when the query is something else.
 */
static gboolean
store_query_count_word(struct store_query *q, guint64 *count)
{
	const char	*w = q->where->str, *fts;
	gboolean	 neg = g_str_has_prefix(w, "NOT ");
	int64_t		 docs, total;
	size_t		 i;

	if (q->params->len != 1)
		return FALSE;
	fts = ((struct store_query_param *)q->params->pdata[0])->s;
	for (i = 0; i < G_N_ELEMENTS(store_query_tables); i++) {
		const struct store_query_table *t = &store_query_tables[i];

		if (strcmp(neg ? w + 4 : w, t->in) != 0)
			continue;
		if ((docs = store_query_docs(q, t, fts)) < 0)
			return FALSE;
		if (!neg) {
			*count = (guint64)docs;
			return TRUE;
		}
		total = store_query_int(q, STORE_QUERY_TOTAL, NULL);
		if (total < docs)
			return FALSE;
		*count = (guint64)(total - docs);
		return TRUE;
	}
	return FALSE;
}

enum store_status
store_query_count(struct store_query *q, guint64 *count)
{
	g_autofree char	*sql = NULL;
	sqlite3_stmt	*stmt = NULL;
	enum store_status s = STORE_OK;
	int		 rc;

	*count = 0;
	if (store_query_count_word(q, count))
		return STORE_OK;
	sql = store_query_count_sql(q);
	rc = sqlite3_prepare_v2(q->st->db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sql_error(q->st, rc, "search");
	store_query_bind(q, stmt, 1);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*count = (guint64)sqlite3_column_int64(stmt, 0);
	else
		s = store_sql_error(q->st, rc, "search");
	sqlite3_finalize(stmt);
	return s;
}

/*
 * TRUE when the query matches few messages (cheap to find: at most
 * STORE_QUERY_FEW rows are read). Then sorting the matches beats walking
 * the date index until a page is full.
 */
static gboolean
store_query_few(struct store_query *q)
{
	g_autofree char	*sql = NULL;
	sqlite3_stmt	*stmt = NULL;
	gboolean	 few = FALSE;

	sql = g_strdup_printf("SELECT count(*) FROM (SELECT m.id FROM"
	    " messages m WHERE %s LIMIT %d)", q->where->str, STORE_QUERY_FEW);
	if (sqlite3_prepare_v2(q->st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return FALSE;
	store_query_bind(q, stmt, 1);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		few = sqlite3_column_int(stmt, 0) < STORE_QUERY_FEW;
	sqlite3_finalize(stmt);
	return few;
}

/*
 * The FTS expression of the query's only text term, or NULL; *param is
 * the index of its parameter, *table the FTS table it reads.
 */
static const char *
store_query_single_fts(struct store_query *q, guint *param,
    const struct store_query_table **table)
{
	const char	*w = q->where->str, *hit = NULL, *p;
	guint		 idx = 0;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(store_query_tables); i++) {
		const char *in = store_query_tables[i].in, *h;

		if ((h = strstr(w, in)) == NULL)
			continue;
		if (hit != NULL || strstr(h + 1, in) != NULL)
			return NULL;
		hit = h;
		*table = &store_query_tables[i];
	}
	if (hit == NULL)
		return NULL;
	for (p = w; p < hit; p++)
		if (*p == '?')
			idx++;
	if (idx >= q->params->len)
		return NULL;
	*param = idx;
	return ((struct store_query_param *)q->params->pdata[idx])->s;
}

/* One integer from sql with text bound to its parameter (if any). */
static int64_t
store_query_int(struct store_query *q, const char *sql, const char *text)
{
	sqlite3_stmt	*stmt = NULL;
	int64_t		 v = 0;

	if (sqlite3_prepare_v2(q->st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	if (text != NULL)
		sqlite3_bind_text(stmt, 1, text, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	else
		v = -1;
	sqlite3_finalize(stmt);
	return v;
}

/* TRUE when the FTS expression has a prefix term ("abcd"*) over 3 chars. */
static gboolean
store_query_long_prefix(const char *fts)
{
	const char	*p, *q;

	for (p = strchr(fts, '*'); p != NULL; p = strchr(p + 1, '*')) {
		if (p == fts || p[-1] != '"')
			continue;
		for (q = p - 2; q >= fts && *q != '"'; q--)
			;
		if (q < fts || g_utf8_strlen(q + 1, p - 1 - (q + 1)) > 3)
			return TRUE;
	}
	return FALSE;
}

/*
 * How many messages table t has for the FTS expression fts, read from the
 * table's vocabulary (the count FTS5 keeps with each word's list, no row
 * read), or -1 when fts is not one word there: one word of ASCII letters
 * and digits (what the tokenizer keeps as it is, lowercased), in a column
 * of msg_head or anywhere in msg_terms.
 */
static int64_t
store_query_docs(struct store_query *q, const struct store_query_table *t,
    const char *fts)
{
	g_autofree char	*col = NULL, *word = NULL;
	sqlite3_stmt	*stmt = NULL;
	const char	*p = fts, *colon;
	int64_t		 n = -1;
	size_t		 len;
	int		 rc;

	if (t->docs == NULL)
		return -1;
	if ((colon = strstr(fts, " : ")) != NULL) {
		if (strcmp(t->name, "msg_head") != 0)
			return -1;
		col = g_strndup(fts, (gsize)(colon - fts));
		p = colon + 3;
	} else if (strcmp(t->name, "msg_head") == 0)
		return -1;
	len = strlen(p);
	if (len < 3 || p[0] != '"' || p[len - 1] != '"')
		return -1;
	word = g_ascii_strdown(p + 1, (gssize)len - 2);
	for (p = word; *p != '\0'; p++)
		if (!g_ascii_isalnum(*p))
			return -1;
	if (col != NULL)
		for (p = col; *p != '\0'; p++)
			if (!g_ascii_isalpha(*p))
				return -1;
	if (sqlite3_prepare_v2(q->st->db, t->docs, -1, &stmt, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_text(stmt, 1, word, -1, SQLITE_STATIC);
	if (col != NULL)
		sqlite3_bind_text(stmt, 2, col, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	else if (rc == SQLITE_DONE)
		n = 0;
	sqlite3_finalize(stmt);
	return n;
}

/*
 * TRUE when the text term fts matches so many messages that walking the
 * date index and probing the FTS index for each message finds a page
 * sooner than building the whole match set. Probes needed: about
 * want * total / matches; so probing wins when matches^2 exceeds
 * want * total * STORE_QUERY_PROBE_COST. Counting stops at that bound.
 */
static gboolean
store_query_dense(struct store_query *q, const struct store_query_table *t,
    const char *fts, guint64 want, GString **ids, gboolean *walk)
{
	g_autofree char	*sql = NULL;
	sqlite3_stmt	*stmt = NULL;
	guint64		 sq, bound = 1, x, n = 0;
	int64_t		 total, docs;
	int		 rc;

	total = store_query_int(q, "SELECT max(id) FROM messages", NULL);
	if (total <= 0 || want == 0 || want > G_MAXUINT32)
		return FALSE;
	/*
	 * A prefix term longer than the prefix indexes (3 characters) is
	 * looked up anew by every probe, its words' lists merged again:
	 * read its matches once instead.
	 */
	if (store_query_long_prefix(fts))
		return FALSE;
	sq = want * (guint64)total * STORE_QUERY_PROBE_COST;
	/* Integer square root (Newton). */
	for (x = sq; x > 0 && (bound = (x + sq / x) / 2) < x; x = bound)
		;
	bound = x;
	if (bound >= (guint64)total)
		return FALSE;
	/* A word's count is known without reading its matches. */
	if ((docs = store_query_docs(q, t, fts)) > (int64_t)bound)
		return TRUE;
	/*
	 * The matches are read once: when there are few enough, their ids
	 * stand in for the text term (*ids, a JSON array the page's SQL
	 * reads with json_each(), bound in the term's place: no SQL text of
	 * thousands of numbers to parse), so the FTS expression (a phrase, a
	 * column filter) is not evaluated again.
	 */
	sql = g_strdup_printf("SELECT rowid FROM %s WHERE %s MATCH ?"
	    " LIMIT %" G_GUINT64_FORMAT, t->name, t->name, bound + 1);
	if (sqlite3_prepare_v2(q->st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return FALSE;
	sqlite3_bind_text(stmt, 1, fts, -1, SQLITE_STATIC);
	*ids = g_string_new("[");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		g_string_append_printf(*ids, "%s%" G_GINT64_FORMAT,
		    n > 0 ? "," : "", (gint64)sqlite3_column_int64(stmt, 0));
		n++;
	}
	sqlite3_finalize(stmt);
	g_string_append_c(*ids, ']');
	if (rc != SQLITE_DONE || n > bound) {
		g_string_free(*ids, TRUE);
		*ids = NULL;
	}
	/*
	 * Sorting n matches costs n lookups in the (id, date) index; walking
	 * the date index newest first until a page of them is found passes
	 * about want * total / n entries, each far cheaper than a lookup
	 * (a step to the next entry and a test against the matches' set,
	 * about STORE_QUERY_WALK_COST times). Walk when that is fewer.
	 */
	*walk = n > 0 && n * n * STORE_QUERY_WALK_COST > want *
	    (guint64)total;
	return rc == SQLITE_DONE && n > bound;
}

/*
 * The SQL that reads one page of the query's matches. When the matches of
 * its text term were read (store_query_dense), parameter *which is to be
 * bound to *ids (g_free) in the term's place.
 */
static char *
store_query_page_sql(struct store_query *q, enum store_sort sort,
    guint64 offset, guint limit, guint *which, char **ids_json)
{
	const struct store_query_table *t = NULL;
	const char	*order, *fts;
	char		*sql;
	GString		*where, *ids = NULL;
	gboolean	 sorted = FALSE, walk = FALSE;
	guint		 param = 0;

	where = g_string_new(q->where->str);
	switch (sort) {
	case STORE_SORT_DATE_ASC:
		order = "m.date ASC, m.id ASC";
		break;
	case STORE_SORT_FROM:
		order = "m.from_name COLLATE NOCASE, m.date DESC";
		break;
	case STORE_SORT_SUBJECT:
		order = "m.subject_base, m.date DESC";
		break;
	case STORE_SORT_SIZE:
		order = "m.size DESC, m.date DESC";
		break;
	default:
		/*
		 * With a text term, let SQLite start from the FTS matches
		 * and sort them ("+" keeps it off the date index, which it
		 * would walk end to end for a rare word).
		 */
		order = "m.date DESC, m.id DESC";
		if (!store_query_has_text(q))
			break;
		if ((fts = store_query_single_fts(q, &param, &t)) != NULL) {
			/* A term in most messages: probe along the dates. */
			if (store_query_dense(q, t, fts, offset + limit, &ids,
			    &walk))
				g_string_replace(where, t->in, t->probe, 0);
			else if (strstr(q->where->str, "NOT ") == NULL &&
			    !walk)
				sorted = TRUE;
			/* Its matches, read once, stand in for it. */
			if (ids != NULL) {
				g_string_replace(where, t->in, "m.id IN"
				    " (SELECT value FROM json_each(?))", 0);
				*ids_json = g_string_free(ids, FALSE);
				*which = param;
			}
			/*
			 * A rare term under a NOT: its few matches are read
			 * once and the date index walked past them.
			 */
		} else if (store_query_few(q))
			sorted = TRUE;
		break;
	}
	if (sorted)
		/*
		 * Few matches: sort them by date from the (id, date) index
		 * and read the rows of one page only.
		 */
		sql = g_strdup_printf("SELECT %s FROM messages m JOIN folders f"
		    " ON f.id = m.folder_id WHERE m.id IN (SELECT m.id FROM"
		    " messages m INDEXED BY messages_id_date WHERE %s"
		    " ORDER BY %s LIMIT ? OFFSET ?) ORDER BY %s",
		    store_msg_columns, where->str, order, order);
	else
		sql = g_strdup_printf("SELECT %s FROM messages m%s JOIN folders"
		    " f ON f.id = m.folder_id WHERE %s ORDER BY %s LIMIT ?"
		    " OFFSET ?", store_msg_columns, walk ?
		    " INDEXED BY messages_date" : "", where->str, order);
	g_string_free(where, TRUE);
	return sql;
}

enum store_status
store_query_page(struct store_query *q, enum store_sort sort,
    guint64 offset, guint limit, GPtrArray **msgs)
{
	g_autofree char	*sql = NULL;
	sqlite3_stmt	*stmt = NULL;
	g_autofree char	*ids = NULL;
	GPtrArray	*a;
	guint		 which = G_MAXUINT;
	int		 rc, i;

	*msgs = NULL;
	sql = store_query_page_sql(q, sort, offset, limit, &which, &ids);
	rc = sqlite3_prepare_v2(q->st->db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sql_error(q->st, rc, "search");
	i = store_query_bind_as(q, stmt, 1, which, ids);
	sqlite3_bind_int64(stmt, i, limit);
	sqlite3_bind_int64(stmt, i + 1, (sqlite3_int64)offset);
	a = g_ptr_array_new_with_free_func((GDestroyNotify)store_msg_free);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		g_ptr_array_add(a, store_msg_from_row(q->st, stmt));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(a);
		return store_sql_error(q->st, rc, "search");
	}
	*msgs = a;
	return STORE_OK;
}

enum store_status
store_query_plan(struct store_query *q, gboolean count, enum store_sort sort,
    guint limit, char **plan)
{
	guint		 which = G_MAXUINT;
	g_autofree char	*ids = NULL;
	g_autofree char	*sql = count ? store_query_count_sql(q) :
			    store_query_page_sql(q, sort, 0, limit, &which,
			    &ids);
	g_autofree char	*explain = g_strconcat("EXPLAIN QUERY PLAN ", sql,
			    NULL);
	sqlite3_stmt	*stmt = NULL;
	GString		*out = g_string_new(NULL);
	int		 rc, i;

	*plan = NULL;
	rc = sqlite3_prepare_v2(q->st->db, explain, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		g_string_free(out, TRUE);
		return store_sql_error(q->st, rc, "search");
	}
	i = store_query_bind_as(q, stmt, 1, which, ids);
	if (!count) {
		sqlite3_bind_int64(stmt, i, limit);
		sqlite3_bind_int64(stmt, i + 1, 0);
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		g_string_append_printf(out, "%s\n",
		    (const char *)sqlite3_column_text(stmt, 3));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		g_string_free(out, TRUE);
		return store_sql_error(q->st, rc, "search");
	}
	*plan = g_string_free(out, FALSE);
	return STORE_OK;
}
