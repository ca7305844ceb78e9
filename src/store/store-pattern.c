/*
 * store-pattern.c: mutt's patterns in the search language (see
 * store-pattern.h for the table). A pure string translation: the result
 * goes through the query parser of store-query.c like anything typed.
 */
#include "satchel-config.h"

#include <stdio.h>
#include <string.h>

#include "util/util.h"
#include "store/store.h"
#include "store/store-pattern.h"

static void	 store_pattern_emit(GString *, const char *);
static char	*store_pattern_arg(const char **, char, GError **);
static char	*store_pattern_value(const char *);
static gboolean	 store_pattern_dmy(const char *, char *, gsize, GError **);
static gboolean	 store_pattern_date(const char *, GString *, GError **);
static gboolean	 store_pattern_one(const char **, GString *, GError **);

static const struct {
	char		 op;
	const char	*field;	/* NULL: the value alone (anywhere) */
} store_pattern_fields[] = {
	{ 'f', "from" }, { 'e', "from" }, { 's', "subject" }, { 't', "to" },
	{ 'c', "cc" }, { 'C', "to" }, { 'b', "body" }, { 'B', NULL },
	{ 'i', "id" },
};

static const struct {
	char		 op;
	const char	*query;	/* "": every message */
} store_pattern_flags[] = {
	{ 'N', "is:unread" }, { 'U', "is:unread" }, { 'O', "is:unread" },
	{ 'R', "is:read" }, { 'F', "is:flagged" }, { 'D', "is:trashed" },
	{ 'Q', "is:replied" }, { 'g', "is:signed" }, { 'G', "is:encrypted" },
	{ 'A', "" },
};

/* Append a term, a space before it unless after "(" or before ")". */
static void
store_pattern_emit(GString *out, const char *s)
{
	char	last = out->len > 0 ? out->str[out->len - 1] : '(';

	if (*s == '\0')
		return;
	if (last != ' ' && last != '(' && *s != ')')
		g_string_append_c(out, ' ');
	g_string_append(out, s);
}

/* mutt's argument: "quoted", 'quoted', or up to a blank, ")" or "|". */
static char *
store_pattern_arg(const char **pp, char op, GError **err)
{
	const char	*p = *pp;
	GString		*s = g_string_new(NULL);

	while (g_ascii_isspace(*p))
		p++;
	if (*p == '"' || *p == '\'') {
		char q = *p++;

		while (*p != '\0' && *p != q) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			g_string_append_c(s, *p++);
		}
		if (*p != q) {
			g_set_error(err, store_query_error_quark(), 1,
			    _("unterminated quote after ~%c"), op);
			g_string_free(s, TRUE);
			return NULL;
		}
		p++;
	} else
		while (*p != '\0' && !g_ascii_isspace(*p) && *p != ')' &&
		    *p != '|') {
			if (*p == '\\' && p[1] != '\0')
				p++;
			g_string_append_c(s, *p++);
		}
	if (s->len == 0) {
		g_set_error(err, store_query_error_quark(), 1,
		    _("~%c needs a value"), op);
		g_string_free(s, TRUE);
		return NULL;
	}
	*pp = p;
	return g_string_free(s, FALSE);
}

/*
 * A value for the search language: mutt's anchors dropped, double quotes
 * dropped, quoted as a phrase when it holds blanks or the language's
 * punctuation. NULL when nothing is left.
 */
static char *
store_pattern_value(const char *v)
{
	GString		*s = g_string_new(NULL);
	const char	*p;
	gboolean	 phrase = FALSE;

	for (p = v; *p != '\0'; p++) {
		if (*p == '"' || (*p == '^' && p == v) ||
		    (*p == '$' && p[1] == '\0'))
			continue;
		if (g_ascii_isspace(*p) || strchr("():", *p) != NULL)
			phrase = TRUE;
		g_string_append_c(s, *p);
	}
	g_strstrip(s->str);
	s->len = strlen(s->str);
	if (s->len == 0) {
		g_string_free(s, TRUE);
		return NULL;
	}
	if (phrase) {
		g_string_prepend_c(s, '"');
		g_string_append_c(s, '"');
	}
	return g_string_free(s, FALSE);
}

/* DD[/MM[/YY[YY]]] as YYYY-MM-DD; month and year default to today's. */
static gboolean
store_pattern_dmy(const char *v, char *iso, gsize len, GError **err)
{
	g_autoptr(GDateTime)	 now = g_date_time_new_now_local();
	int			 d = 0, m = g_date_time_get_month(now);
	int			 y = g_date_time_get_year(now), n;
	char			 extra;

	n = sscanf(v, "%d/%d/%d%c", &d, &m, &y, &extra);
	if (n < 1 || n > 3 || strspn(v, "0123456789/") != strlen(v))
		goto bad;
	if (n == 3 && y < 100)
		y += y < 70 ? 2000 : 1900;
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		goto bad;
	g_snprintf(iso, len, "%04d-%02d-%02d", y, m, d);
	return TRUE;
bad:
	g_set_error(err, store_query_error_quark(), 1,
	    _("bad date \"%s\" after ~d (use DD/MM/YYYY, a range "
	    "DD/MM/YYYY-DD/MM/YYYY, or <1w, >2d, =3m)"), v);
	return FALSE;
}

/* mutt's ~d argument as date:A..B. */
static gboolean
store_pattern_date(const char *v, GString *out, GError **err)
{
	char		 a[16] = "", b[16] = "", unit, extra;
	const char	*dash;
	unsigned	 n;
	char		*term;

	if (*v == '<' || *v == '>' || *v == '=') {
		if (sscanf(v + 1, "%u%c%c", &n, &unit, &extra) != 2 ||
		    n > 100000 || strchr("ymwdH", unit) == NULL) {
			g_set_error(err, store_query_error_quark(), 1,
			    _("bad relative date \"%s\" after ~d (a number "
			    "and one of y, m, w, d, H: <1w, >2d, =3m)"), v);
			return FALSE;
		}
		if (unit == 'H')
			unit = 'h';
		if (*v == '<')
			term = g_strdup_printf("date:%u%c..", n, unit);
		else if (*v == '>')
			term = g_strdup_printf("date:..%u%c", n, unit);
		else
			term = g_strdup_printf("date:%u%c..%u%c", n + 1, unit,
			    n, unit);
		store_pattern_emit(out, term);
		g_free(term);
		return TRUE;
	}
	if ((dash = strchr(v, '-')) != NULL) {
		g_autofree char *left = g_strndup(v, (gsize)(dash - v));

		if (*left == '\0' && dash[1] == '\0') {
			g_set_error(err, store_query_error_quark(), 1,
			    _("bad date \"%s\" after ~d (use DD/MM/YYYY, a "
			    "range DD/MM/YYYY-DD/MM/YYYY, or <1w, >2d, =3m)"),
			    v);
			return FALSE;
		}
		if (*left != '\0' && !store_pattern_dmy(left, a, sizeof a,
		    err))
			return FALSE;
		if (dash[1] != '\0' && !store_pattern_dmy(dash + 1, b,
		    sizeof b, err))
			return FALSE;
		term = g_strdup_printf("date:%s..%s", a, b);
	} else {
		if (!store_pattern_dmy(v, a, sizeof a, err))
			return FALSE;
		term = g_strdup_printf("date:%s", a);
	}
	store_pattern_emit(out, term);
	g_free(term);
	return TRUE;
}

/* One ~X term at *pp (which points at the ~). */
static gboolean
store_pattern_one(const char **pp, GString *out, GError **err)
{
	const char	*p = *pp + 1;
	char		 op = *p++;
	g_autofree char	*arg = NULL, *val = NULL, *term = NULL;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(store_pattern_flags); i++)
		if (store_pattern_flags[i].op == op) {
			if (*store_pattern_flags[i].query == '\0' &&
			    g_str_has_suffix(out->str, "NOT ")) {
				g_set_error(err, store_query_error_quark(), 1,
				    "%s", _("!~A matches no message"));
				return FALSE;
			}
			store_pattern_emit(out, store_pattern_flags[i].query);
			*pp = p;
			return TRUE;
		}
	if (op == 'd' || op == 'r') {
		if ((arg = store_pattern_arg(&p, op, err)) == NULL ||
		    !store_pattern_date(arg, out, err))
			return FALSE;
		*pp = p;
		return TRUE;
	}
	if (op == 'L') {
		if ((arg = store_pattern_arg(&p, op, err)) == NULL)
			return FALSE;
		if ((val = store_pattern_value(arg)) != NULL) {
			term = g_strdup_printf("(from:%s OR to:%s)", val, val);
			store_pattern_emit(out, term);
		}
		*pp = p;
		return TRUE;
	}
	for (i = 0; i < G_N_ELEMENTS(store_pattern_fields); i++)
		if (store_pattern_fields[i].op == op) {
			if ((arg = store_pattern_arg(&p, op, err)) == NULL)
				return FALSE;
			if ((val = store_pattern_value(arg)) == NULL) {
				g_set_error(err, store_query_error_quark(), 1,
				    _("~%c needs a value"), op);
				return FALSE;
			}
			if (store_pattern_fields[i].field == NULL)
				store_pattern_emit(out, val);
			else {
				term = g_strdup_printf("%s:%s",
				    store_pattern_fields[i].field, val);
				store_pattern_emit(out, term);
			}
			*pp = p;
			return TRUE;
		}
	g_set_error(err, store_query_error_quark(), 1,
	    _("the mutt pattern ~%c is not known here (~f ~s ~t ~c ~C ~b ~B "
	    "~L ~i ~d ~r ~N ~U ~O ~R ~F ~D ~Q ~g ~G ~A are)"), op);
	return FALSE;
}

gboolean
store_pattern_is_mutt(const char *query)
{
	g_autofree char	*t = NULL;
	const char	*p;

	if (query == NULL)
		return FALSE;
	t = g_strstrip(g_strdup(query));
	if (strcmp(t, "all") == 0)
		return TRUE;
	for (p = t; *p != '\0'; p++)
		if (*p == '~' && (p == t || strchr(" \t(!|", p[-1]) != NULL))
			return TRUE;
	return FALSE;
}

char *
store_pattern_translate(const char *query, GError **err)
{
	GString		*out = g_string_new(NULL);
	const char	*p, *start;
	g_autofree char	*t = g_strstrip(g_strdup(query != NULL ? query : ""));

	if (strcmp(t, "all") == 0)
		return g_string_free(out, FALSE);
	for (p = t; *p != '\0';) {
		if (g_ascii_isspace(*p)) {
			p++;
			continue;
		}
		if (*p == '(' || *p == ')') {
			char paren[2] = { *p++, '\0' };

			store_pattern_emit(out, paren);
			continue;
		}
		if (*p == '|') {
			store_pattern_emit(out, "OR");
			p++;
			continue;
		}
		if (*p == '!' && (p[1] == '~' || p[1] == '(')) {
			store_pattern_emit(out, "NOT ");
			p++;
			continue;
		}
		if (*p == '~' && g_ascii_isalpha(p[1])) {
			if (!store_pattern_one(&p, out, err)) {
				g_string_free(out, TRUE);
				return NULL;
			}
			continue;
		}
		/* The search language's own term: as it is. */
		start = p;
		while (*p != '\0' && !g_ascii_isspace(*p) && *p != ')' &&
		    *p != '|') {
			if (*p == '"' && (p = strchr(p + 1, '"')) == NULL) {
				p = start + strlen(start);
				break;
			}
			p++;
		}
		{
			g_autofree char *word = g_strndup(start,
			    (gsize)(p - start));

			store_pattern_emit(out, word);
		}
	}
	return g_string_free(out, FALSE);
}
