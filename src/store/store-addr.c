/*
 * store-addr.c: address completion from the index (store-addr.h). The
 * senders come from the from_addr column with SQL doing the counting;
 * the recipients of sent mail are address lists as text (to_addr,
 * cc_addr) and are parsed here. One hash table by lower-case address
 * adds the two up.
 */
#include "satchel-config.h"

#include <string.h>

#include <gmime/gmime.h>

#include "util/util.h"
#include "store/store-private.h"
#include "store/store-addr.h"

#define STORE_ADDR_MONTH	(30.0 * 86400.0)
#define STORE_ADDR_SENT_WEIGHT	2.0

static gboolean	 store_addr_matches(const char *, const char *, const char *);
static char	*store_addr_like(const char *);
static void	 store_addr_add(GHashTable *, const char *, const char *,
		    guint, int64_t, double);
static gint	 store_addr_cmp(gconstpointer, gconstpointer);

void
store_addr_free(struct store_addr *a)
{
	if (a == NULL)
		return;
	g_free(a->name);
	g_free(a->addr);
	g_free(a);
}

/* Does the address, or a word of the name, start with prefix (folded)? */
static gboolean
store_addr_matches(const char *prefix, const char *name, const char *addr)
{
	g_autofree char	*p = g_utf8_casefold(prefix, -1);
	g_autofree char	*a = addr != NULL ? g_utf8_casefold(addr, -1) : NULL;
	g_autofree char	*n = name != NULL ? g_utf8_casefold(name, -1) : NULL;
	const char	*w;

	if (*p == '\0')
		return TRUE;
	if (a != NULL && g_str_has_prefix(a, p))
		return TRUE;
	for (w = n; w != NULL && *w != '\0'; w++)
		if ((w == n || strchr(" \t\"'(.,-", w[-1]) != NULL) &&
		    g_str_has_prefix(w, p))
			return TRUE;
	return FALSE;
}

/* "%prefix%" for LIKE, with its wildcards escaped by '\'. */
static char *
store_addr_like(const char *prefix)
{
	GString		*s = g_string_new("%");
	const char	*p;

	for (p = prefix; *p != '\0'; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			g_string_append_c(s, '\\');
		g_string_append_c(s, *p);
	}
	g_string_append_c(s, '%');
	return g_string_free(s, FALSE);
}

static void
store_addr_add(GHashTable *seen, const char *name, const char *addr,
    guint count, int64_t last, double score)
{
	struct store_addr	*a;
	char			*key;

	if (addr == NULL || strchr(addr, '@') == NULL)
		return;
	key = g_utf8_casefold(addr, -1);
	if ((a = g_hash_table_lookup(seen, key)) == NULL) {
		a = g_new0(struct store_addr, 1);
		a->addr = g_strdup(addr);
		g_hash_table_insert(seen, key, a);
	} else
		g_free(key);
	/* The name written most recently wins. */
	if (name != NULL && *name != '\0' && (a->name == NULL ||
	    last >= a->last)) {
		g_free(a->name);
		a->name = g_strdup(name);
	}
	a->count += count;
	a->score += score;
	if (last > a->last)
		a->last = last;
}

static gint
store_addr_cmp(gconstpointer pa, gconstpointer pb)
{
	const struct store_addr	*a = *(struct store_addr *const *)pa;
	const struct store_addr	*b = *(struct store_addr *const *)pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->last != b->last)
		return a->last > b->last ? -1 : 1;
	return g_ascii_strcasecmp(a->addr, b->addr);
}

enum store_status
store_addr_complete(struct store *st, const char *prefix, int64_t now,
    guint limit, GPtrArray **out)
{
	/* Received: one row per sender, counted and weighed by SQL. */
	static const char from_sql[] =
	    "SELECT m.from_addr, max(m.from_name), count(*), max(m.date),"
	    " sum(1.0 / (1.0 + max(?2 - m.date, 0) / ?3))"
	    " FROM messages m JOIN folders f ON f.id = m.folder_id"
	    " WHERE f.name NOT IN ('Sent', 'Drafts', 'Outbox')"
	    " AND m.from_addr IS NOT NULL AND m.dsn_action IS NULL"
	    " AND (m.from_addr LIKE ?1 ESCAPE '\\'"
	    " OR m.from_name LIKE ?1 ESCAPE '\\')"
	    " GROUP BY lower(m.from_addr)";
	/* Sent: the address lists as text, parsed below. */
	static const char sent_sql[] =
	    "SELECT m.to_addr, m.cc_addr, m.date"
	    " FROM messages m JOIN folders f ON f.id = m.folder_id"
	    " WHERE f.name IN ('Sent', 'Outbox')"
	    " AND (m.to_addr LIKE ?1 ESCAPE '\\'"
	    " OR m.cc_addr LIKE ?1 ESCAPE '\\')";
	g_autofree char		*like = store_addr_like(prefix != NULL ?
				    prefix : "");
	GHashTable		*seen;
	GHashTableIter		 it;
	gpointer		 k, v;
	sqlite3_stmt		*stmt;
	GPtrArray		*res;
	int			 rc = SQLITE_OK, col;

	*out = NULL;
	if (prefix == NULL)
		prefix = "";
	seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if ((stmt = store_stmt(st, from_sql)) == NULL)
		goto db;
	sqlite3_bind_text(stmt, 1, like, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, now);
	sqlite3_bind_double(stmt, 3, STORE_ADDR_MONTH);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *addr = (const char *)sqlite3_column_text(stmt, 0);
		const char *name = (const char *)sqlite3_column_text(stmt, 1);

		if (!store_addr_matches(prefix, name, addr))
			continue;
		store_addr_add(seen, name, addr,
		    (guint)sqlite3_column_int(stmt, 2),
		    sqlite3_column_int64(stmt, 3),
		    sqlite3_column_double(stmt, 4));
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		goto sql;
	if ((stmt = store_stmt(st, sent_sql)) == NULL)
		goto db;
	sqlite3_bind_text(stmt, 1, like, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t	date = sqlite3_column_int64(stmt, 2);
		double	w = STORE_ADDR_SENT_WEIGHT / (1.0 + MAX(now - date,
			    0) / STORE_ADDR_MONTH);

		for (col = 0; col < 2; col++) {
			const char *text = (const char *)sqlite3_column_text(
			    stmt, col);
			InternetAddressList *l;
			int i;

			if (text == NULL || *text == '\0' ||
			    (l = internet_address_list_parse(NULL, text)) ==
			    NULL)
				continue;
			for (i = 0; i < internet_address_list_length(l); i++) {
				InternetAddress *ia =
				    internet_address_list_get_address(l, i);
				const char *addr, *name;

				if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
					continue;
				addr = internet_address_mailbox_get_addr(
				    INTERNET_ADDRESS_MAILBOX(ia));
				name = internet_address_get_name(ia);
				if (store_addr_matches(prefix, name, addr))
					store_addr_add(seen, name, addr, 1,
					    date, w);
			}
			g_object_unref(l);
		}
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		goto sql;
	res = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)store_addr_free);
	g_hash_table_iter_init(&it, seen);
	while (g_hash_table_iter_next(&it, &k, &v))
		g_ptr_array_add(res, v);
	g_hash_table_destroy(seen);
	g_ptr_array_sort(res, store_addr_cmp);
	if (limit > 0 && res->len > limit)
		g_ptr_array_set_size(res, limit);
	*out = res;
	return STORE_OK;
sql:
db:
	{
		GHashTableIter	i2;

		g_hash_table_iter_init(&i2, seen);
		while (g_hash_table_iter_next(&i2, &k, &v))
			store_addr_free(v);
		g_hash_table_destroy(seen);
	}
	return rc != SQLITE_OK && rc != SQLITE_DONE ?
	    store_sql_error(st, rc, "addresses") : STORE_ERR_DB;
}
