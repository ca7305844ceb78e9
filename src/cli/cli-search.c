/* cli-search.c: satchel search [--format=text|json] [--count] QUERY. */
#include "satchel-config.h"

#include <stdio.h>
#include <string.h>

#include "util/util.h"
#include "config/config.h"
#include "store/store.h"
#include "cli/cli.h"

#define CLI_SEARCH_PAGE	500

static void	 cli_search_json_str(GString *, const char *, const char *,
		    gboolean);
static void	 cli_search_print(const struct store_msg *, gboolean);
static void	 cli_search_encrypted_note(struct session *, struct store *,
		    const char *);

/* Append "key":"value" with the value sanitised, then escaped for JSON. */
static void
cli_search_json_str(GString *out, const char *key, const char *v,
    gboolean comma)
{
	g_autofree char	*safe = NULL;
	const char	*p;

	if (comma)
		g_string_append_c(out, ',');
	g_string_append_printf(out, "\"%s\":", key);
	if (v == NULL) {
		g_string_append(out, "null");
		return;
	}
	safe = sanitize_text(v, -1, 0);
	g_string_append_c(out, '"');
	for (p = safe; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\')
			g_string_append_printf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			g_string_append_printf(out, "\\u%04x", c);
		else
			g_string_append_c(out, (char)c);
	}
	g_string_append_c(out, '"');
}

static void
cli_search_print(const struct store_msg *m, gboolean json)
{
	static const struct {
		unsigned	 bit;
		const char	*name;
	} fl[] = {
		{ STORE_FLAG_SEEN, "seen" }, { STORE_FLAG_REPLIED, "replied" },
		{ STORE_FLAG_FLAGGED, "flagged" },
		{ STORE_FLAG_TRASHED, "trashed" },
		{ STORE_FLAG_DRAFT, "draft" }, { STORE_FLAG_PASSED, "passed" },
		{ STORE_FLAG_PARTIAL, "partial" },
		{ STORE_FLAG_BOUNCED, "bounced" },
	};
	g_autoptr(GDateTime)	 dt = time_local(m->date);
	g_autofree char		*date = NULL;
	GString			*s = g_string_new(NULL);
	size_t			 i;
	gboolean		 first = TRUE;

	date = dt != NULL ? g_date_time_format(dt, json ? "%FT%T%:z" :
	    "%Y-%m-%d %H:%M") : g_strdup("?");
	if (!json) {
		/* Pad the sender by columns, not bytes: names are UTF-8. */
		g_autofree char *from_s = sanitize_text(m->from != NULL ?
		    m->from : "", -1, 0);
		g_autofree char *from_t = sanitize_truncate(from_s, 24, TRUE);
		size_t fw = sanitize_width(from_t);
		g_autofree char *line = g_strdup_printf("%" G_GINT64_FORMAT
		    "  %s  %s%s  %s%*s  %s", m->id, date,
		    (m->flags & STORE_FLAG_SEEN) == 0 ? "N" : " ",
		    (m->flags & STORE_FLAG_FLAGGED) != 0 ? "F" : " ",
		    from_t, (int)(fw < 24 ? 24 - fw : 0), "",
		    m->subject != NULL ? m->subject : "");

		cli_puts_safe(line);
		g_string_free(s, TRUE);
		return;
	}
	g_string_append_printf(s, "{\"id\":%" G_GINT64_FORMAT
	    ",\"thread\":%" G_GINT64_FORMAT, m->id, m->thread_id);
	cli_search_json_str(s, "folder", m->folder, TRUE);
	cli_search_json_str(s, "date", date, TRUE);
	g_string_append_printf(s, ",\"timestamp\":%" G_GINT64_FORMAT, m->date);
	cli_search_json_str(s, "from", m->from, TRUE);
	cli_search_json_str(s, "from_addr", m->from_addr, TRUE);
	cli_search_json_str(s, "to", m->to, TRUE);
	cli_search_json_str(s, "cc", m->cc, TRUE);
	cli_search_json_str(s, "subject", m->subject, TRUE);
	cli_search_json_str(s, "message_id", m->message_id, TRUE);
	cli_search_json_str(s, "account", m->account, TRUE);
	g_string_append(s, ",\"flags\":[");
	for (i = 0; i < G_N_ELEMENTS(fl); i++)
		if ((m->flags & fl[i].bit) != 0) {
			g_string_append_printf(s, "%s\"%s\"", first ? "" :
			    ",", fl[i].name);
			first = FALSE;
		}
	g_string_append_c(s, ']');
	g_string_append_printf(s, ",\"size\":%" G_GINT64_FORMAT
	    ",\"has_attachment\":%s", m->size, m->has_attachment ? "true" :
	    "false");
	cli_search_json_str(s, "snippet", m->snippet, TRUE);
	cli_search_json_str(s, "path", m->path, TRUE);
	g_string_append(s, "}\n");
	fputs(s->str, stdout);
	g_string_free(s, TRUE);
}

/*
 * The text of encrypted messages is not indexed unless index_decrypted is
 * on: a search for words says how many it could only match by headers.
 */
static void
cli_search_encrypted_note(struct session *ctx, struct store *st,
    const char *folder)
{
	struct store_query	*q = NULL;
	guint64			 n = 0;

	if (ctx->config != NULL && ctx->config->index_decrypted)
		return;
	if (store_query_new(st, "is:encrypted", folder, &q, NULL) !=
	    STORE_OK)
		return;
	if (store_query_count(q, &n) == STORE_OK && n > 0)
		fprintf(stderr, ngettext("satchel search: the text of %lu "
		    "encrypted message was not searched, only its headers "
		    "(see index_decrypted)\n", "satchel search: the text of "
		    "%lu encrypted messages was not searched, only their "
		    "headers (see index_decrypted)\n", (unsigned long)n),
		    (unsigned long)n);
	store_query_free(q);
}

static struct store *
cli_search_store(struct session *ctx, int *exit_code)
{
	return cli_store_flags(ctx, STORE_OPEN_CREATE | STORE_OPEN_QUERY,
	    exit_code);
}

int
cli_search(struct session *ctx, int argc, char **argv)
{
	return cli_search_run(ctx, argc, argv, cli_search_store);
}

int
cli_search_run(struct session *ctx, int argc, char **argv,
    cli_store_fn open_store)
{
	g_autoptr(GError)	 err = NULL;
	g_autofree char		*format = NULL, *folder = NULL, *query = NULL;
	struct store_query	*q = NULL;
	struct store		*st;
	enum store_status	 s;
	GPtrArray		*page;
	gboolean		 count = FALSE, json = FALSE;
	guint64			 n = 0, offset = 0;
	gint			 limit = 0;
	int			 code;
	GOptionEntry		 opts[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format,
		    N_("Output format: text (default) or json"), N_("FORMAT") },
		{ "count", 'c', 0, G_OPTION_ARG_NONE, &count,
		    N_("Print only the number of matching messages"), NULL },
		{ "folder", 'f', 0, G_OPTION_ARG_STRING, &folder,
		    N_("Search only folder NAME"), N_("NAME") },
		{ "limit", 'n', 0, G_OPTION_ARG_INT, &limit,
		    N_("Print at most N messages (newest first)"), N_("N") },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};

	if (!cli_parse_options("search", _("QUERY - search the local store"),
	    NULL, _("Query syntax: words, \"phrases\", from:, to:, subject:, "
	    "date:2024-01..2024-03, date:7d.., is:unread, is:flagged, "
	    "is:signed, is:encrypted, has:attachment, folder:, account:, AND, OR, NOT, parentheses."),
	    opts, &argc, &argv))
		return SESSION_EXIT_USAGE;
	if (format != NULL && strcmp(format, "json") == 0)
		json = TRUE;
	else if (format != NULL && strcmp(format, "text") != 0) {
		fprintf(stderr, _("satchel search: unknown format \"%s\" (text "
		    "or json)\n"), format);
		return SESSION_EXIT_USAGE;
	}
	if (limit < 0) {
		fprintf(stderr, _("satchel search: --limit must be positive\n"));
		return SESSION_EXIT_USAGE;
	}
	query = argc > 1 ? g_strjoinv(" ", argv + 1) : g_strdup("");
	if ((st = open_store(ctx, &code)) == NULL)
		return code;
	s = store_query_new(st, query, folder, &q, &err);
	if (s == STORE_ERR_QUERY) {
		g_autofree char *safe = sanitize_text(err != NULL ?
		    err->message : store_errmsg(st), -1, 0);

		fprintf(stderr, _("satchel search: %s\n"), safe);
		return SESSION_EXIT_DATAERR;
	}
	if (s != STORE_OK)
		goto fail;
	if (store_query_has_text(q))
		cli_search_encrypted_note(ctx, st, folder);
	if (count) {
		if ((s = store_query_count(q, &n)) != STORE_OK)
			goto fail;
		printf("%" G_GUINT64_FORMAT "\n", n);
		store_query_free(q);
		return SESSION_EXIT_OK;
	}
	for (;;) {
		guint want = CLI_SEARCH_PAGE, i;

		if (limit > 0 && offset + want > (guint64)limit)
			want = (guint)((guint64)limit - offset);
		if (want == 0)
			break;
		if ((s = store_query_page(q, STORE_SORT_DATE_DESC, offset, want,
		    &page)) != STORE_OK)
			goto fail;
		for (i = 0; i < page->len; i++)
			cli_search_print(page->pdata[i], json);
		offset += page->len;
		n += page->len;
		i = page->len;
		g_ptr_array_unref(page);
		if (i < want)
			break;
	}
	store_query_free(q);
	fflush(stdout);
	return n > 0 ? SESSION_EXIT_OK : SESSION_EXIT_FAILURE;
fail:
	{
		g_autofree char *safe = sanitize_text(store_errmsg(st), -1, 0);

		fprintf(stderr, _("satchel search: %s\n"), safe);
	}
	store_query_free(q);
	return s == STORE_ERR_BUSY ? SESSION_EXIT_TEMPFAIL : SESSION_EXIT_SOFTWARE;
}
