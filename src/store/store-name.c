/*
 * store-name.c: Maildir file names. A name is
 *
 *	unique[,A=account][,U=uidl][,H][:2,FLAGS]
 *
 * where account and uidl are written as they are when they only hold
 * [A-Za-z0-9._+@-] and otherwise in unpadded base64url after ",a=" or
 * ",u=". This is what lets reindex restore (account, UIDL) from the Maildir
 * alone. ",H" marks a headers-only (partial) message. Other programs' fields
 * (",S=1234" from Dovecot) are ignored, and so is a plain field holding
 * other characters (not written by satchel).
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "store/store-private.h"

/*
 * Longest encoded fields: a 70-byte UIDL in base64 takes 97 with its ",u=";
 * the unique part and the info suffix take under 90, names stay < 255.
 */
#define STORE_NAME_MAX_ACCOUNT	64
#define STORE_NAME_MAX_UIDL	100

static gboolean	 store_name_plain(const char *);
static void	 store_name_add_field(GString *, char, const char *);
static char	*store_name_decode(const char *, gboolean);

static const char store_name_flag_chars[] = "DFPRST";
static const unsigned store_name_flag_bits[] = {
	STORE_FLAG_DRAFT, STORE_FLAG_FLAGGED, STORE_FLAG_PASSED,
	STORE_FLAG_REPLIED, STORE_FLAG_SEEN, STORE_FLAG_TRASHED,
};

/* Can v be written as it is ([A-Za-z0-9._+@-] only)? */
static gboolean
store_name_plain(const char *v)
{
	const char	*p;

	for (p = v; *p != '\0'; p++)
		if (!g_ascii_isalnum(*p) && strchr("._+@-", *p) == NULL)
			return FALSE;
	return TRUE;
}

static void
store_name_add_field(GString *s, char key, const char *v)
{
	if (store_name_plain(v)) {
		g_string_append_printf(s, ",%c=%s", key, v);
		return;
	}
	{
		g_autofree char *b = g_base64_encode((const guchar *)v,
		    strlen(v));
		char *q;

		for (q = b; *q != '\0'; q++)
			if (*q == '+')
				*q = '-';
			else if (*q == '/')
				*q = '_';
			else if (*q == '=')
				*q = '\0';
		g_string_append_printf(s, ",%c=%s", g_ascii_tolower(key), b);
	}
}

char *
store_name_build(const char *unique, const char *account, const char *uidl,
    gboolean partial)
{
	GString	*s = g_string_new(unique);
	gsize	 before;

	before = s->len;
	if (account != NULL)
		store_name_add_field(s, 'A', account);
	if (s->len - before > STORE_NAME_MAX_ACCOUNT) {
		g_string_free(s, TRUE);
		return NULL;
	}
	before = s->len;
	if (uidl != NULL)
		store_name_add_field(s, 'U', uidl);
	if (s->len - before > STORE_NAME_MAX_UIDL) {
		g_string_free(s, TRUE);
		return NULL;
	}
	if (partial)
		g_string_append(s, ",H");
	return g_string_free(s, FALSE);
}

static char *
store_name_decode(const char *v, gboolean b64)
{
	GString		*s;
	guchar		*raw;
	gsize		 n;
	char		*out;

	if (!b64) {
		/* Written plain only when it holds nothing else. */
		if (!store_name_plain(v))
			return NULL;
		return g_strdup(v);
	}
	s = g_string_new(v);
	g_strdelimit(s->str, "-", '+');
	g_strdelimit(s->str, "_", '/');
	while (s->len % 4 != 0)
		g_string_append_c(s, '=');
	raw = g_base64_decode(s->str, &n);
	g_string_free(s, TRUE);
	out = g_strndup((const char *)raw, n);
	g_free(raw);
	if (*out == '\0' || !g_utf8_validate(out, -1, NULL)) {
		g_free(out);
		return NULL;
	}
	return out;
}

void
store_name_parse(const char *name, char **basep, char **accountp,
    char **uidlp, unsigned *flagsp)
{
	const char	*colon;
	char		*base;
	char		**fields;
	unsigned	 flags = 0;
	size_t		 i;

	colon = strchr(name, ':');
	base = colon != NULL ? g_strndup(name, (gsize)(colon - name)) :
	    g_strdup(name);
	if (colon != NULL && strncmp(colon, ":2,", 3) == 0) {
		const char *p;

		for (p = colon + 3; *p != '\0'; p++)
			for (i = 0; i < sizeof(store_name_flag_bits) /
			    sizeof(store_name_flag_bits[0]); i++)
				if (*p == store_name_flag_chars[i])
					flags |= store_name_flag_bits[i];
	}
	if (accountp != NULL)
		*accountp = NULL;
	if (uidlp != NULL)
		*uidlp = NULL;
	fields = g_strsplit(base, ",", 0);
	/* An empty base (a file named ":2,S") splits into no field at all. */
	for (i = 1; fields[0] != NULL && fields[i] != NULL; i++) {
		const char *f = fields[i];

		if (strcmp(f, "H") == 0)
			flags |= STORE_FLAG_PARTIAL;
		else if ((f[0] == 'A' || f[0] == 'a') && f[1] == '=' &&
		    f[2] != '\0' && accountp != NULL && *accountp == NULL)
			*accountp = store_name_decode(f + 2, f[0] == 'a');
		else if ((f[0] == 'U' || f[0] == 'u') && f[1] == '=' &&
		    f[2] != '\0' && uidlp != NULL && *uidlp == NULL)
			*uidlp = store_name_decode(f + 2, f[0] == 'u');
	}
	g_strfreev(fields);
	if (accountp != NULL && uidlp != NULL && (*accountp == NULL) !=
	    (*uidlp == NULL)) {
		/* Half an origin is no origin. */
		g_clear_pointer(accountp, g_free);
		g_clear_pointer(uidlp, g_free);
	}
	if (flagsp != NULL)
		*flagsp = flags;
	if (basep != NULL)
		*basep = base;
	else
		g_free(base);
}

/*
 * The name with its info suffix set to flags (Maildir flags only, in ASCII
 * order as the spec asks); other letters of the old suffix (keywords) stay.
 */
char *
store_name_with_flags(const char *name, unsigned flags)
{
	const char	*colon = strchr(name, ':');
	GString		*s;
	GString		*info = g_string_new(NULL);
	size_t		 i;

	s = g_string_new_len(name, colon != NULL ? colon - name :
	    (gssize)strlen(name));
	for (i = 0; i < sizeof(store_name_flag_bits) /
	    sizeof(store_name_flag_bits[0]); i++)
		if ((flags & store_name_flag_bits[i]) != 0)
			g_string_append_c(info, store_name_flag_chars[i]);
	if (colon != NULL && strncmp(colon, ":2,", 3) == 0) {
		const char *p;

		for (p = colon + 3; *p != '\0'; p++)
			if (strchr(store_name_flag_chars, *p) == NULL &&
			    g_ascii_isalpha(*p))
				g_string_append_c(info, *p);
	}
	g_string_append(s, ":2,");
	g_string_append(s, info->str);
	g_string_free(info, TRUE);
	return g_string_free(s, FALSE);
}
