/*
 * render.c: a parsed message as lines for the pager. Walks the MIME tree
 * (depth and part count capped), picks what to show of each container,
 * decodes the text parts and hands their logical lines to render-out.c.
 */
#include "satchel-config.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "mime/render-private.h"

#define RENDER_DEFAULT_TIMEOUT	5000
#define RENDER_HEADER_MAX	10000

struct render_ctx {
	struct render_out	 out;
	unsigned		 flags;
	const char		*mailcap_path;
	char *const		*envp;
	unsigned		 timeout_ms;
	GHashTable		*numbers;	/* GMimeObject * -> part number */
	gboolean		 truncated;
	gboolean		 deep_noted;
	unsigned		 visited;
	const struct crypt_state *crypt;
	unsigned		 in_crypt;	/* depth of encrypted frames around */
};

static void	 render_header(struct render_ctx *, const char *, const char *,
		    gssize);
static void	 render_addresses(struct render_ctx *, const char *,
		    InternetAddressList *);
static void	 render_headers(struct render_ctx *, GMimeMessage *);
static void	 render_walk(struct render_ctx *, GMimeObject *, unsigned);
static void	 render_multipart(struct render_ctx *, GMimeMultipart *,
		    unsigned);
static GMimeObject *render_pick_alternative(struct render_ctx *,
		    GMimeMultipart *);
static void	 render_leaf(struct render_ctx *, GMimePart *);
static void	 render_html(struct render_ctx *, GMimePart *, const char *,
		    size_t);
static char	*render_html_external(struct render_ctx *, GMimePart *,
		    const char *, size_t, size_t *);
G_STATIC_ASSERT(RENDER_MAX_LINE_BYTES == HTML_MAX_LINE_BYTES);
G_STATIC_ASSERT(RENDER_MAX_PARTS == HTML_MAX_LINKS);

static gboolean	 render_html_emit(const struct html_line *, void *);
static unsigned	 render_html_link(const char *, void *);
static unsigned	 render_number(struct render_ctx *, gpointer);
static gboolean	 render_is_text(GMimeContentType *);
static void	 render_bounce(struct render_ctx *, const char *);
static void	 render_run(struct render_ctx *, GMimeMessage *,
		    const struct render_options *);
static void	 render_ctx_release(struct render_ctx *);
static void	 render_hide_quoted(struct render_out *);
static void	 render_verdict(struct render_ctx *, enum render_verdict,
		    const char *, ...) G_GNUC_PRINTF(3, 4);
static void	 render_crypt(struct render_ctx *, const struct crypt_region *,
		    unsigned, unsigned);
static void	 render_crypt_sig(struct render_ctx *, const struct crypt_sig *);
static void	 render_protected_headers(struct render_ctx *, GMimeObject *);
static void	 render_clear_text(struct render_ctx *, const char *);

const char *
render_strerror(enum render_status status)
{
	switch (status) {
	case RENDER_OK:
		return N_("success");
	case RENDER_ERR_INVALID:
		return N_("invalid argument");
	case RENDER_ERR_NO_PART:
		return N_("no such part");
	case RENDER_ERR_EXISTS:
		return N_("file already exists");
	case RENDER_ERR_IO:
		return N_("could not write the file");
	case RENDER_ERR_NO_MAILCAP:
		return N_("no mailcap entry for this type");
	case RENDER_ERR_MAILCAP:
		return N_("mailcap command needs a shell");
	case RENDER_ERR_SPAWN:
		return N_("external command failed");
	}
	return N_("unknown error");
}

static unsigned
render_number(struct render_ctx *ctx, gpointer object)
{
	return GPOINTER_TO_UINT(g_hash_table_lookup(ctx->numbers, object));
}

/* One header line "Name: value" with the value unfolded and sanitised. */
static void
render_header(struct render_ctx *ctx, const char *name, const char *value,
    gssize len)
{
	struct render_para	 para;
	GString			*line;
	char			*clean_name, *clean_value;
	const char		*p, *end;

	if (value == NULL)
		return;
	if (len < 0)
		len = (gssize)strlen(value);
	if (len > RENDER_MAX_LINE_BYTES)
		len = RENDER_MAX_LINE_BYTES;
	clean_name = sanitize_text(name, -1, 0);
	line = g_string_new(clean_name);
	g_string_append(line, ": ");
	/* Unfold: every run of white space becomes one space. */
	end = value + len;
	for (p = value; p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
	    *p == '\n'); p++)
		;
	for (; p < end; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			if (line->str[line->len - 1] != ' ')
				g_string_append_c(line, ' ');
		} else
			g_string_append_c(line, *p);
	}
	clean_value = sanitize_text(line->str, (gssize)line->len, 0);
	memset(&para, 0, sizeof para);
	para.text = clean_value;
	para.len = strlen(clean_value);
	para.kind = RENDER_LINE_HEADER;
	para.label = (unsigned)strlen(clean_name) + 1;
	para.hang = MIN(para.label + 1, 12);
	render_out_para(&ctx->out, &para);
	g_free(clean_value);
	g_string_free(line, TRUE);
	g_free(clean_name);
}

static void
render_addresses(struct render_ctx *ctx, const char *name,
    InternetAddressList *list)
{
	char	*s;

	if (list == NULL || internet_address_list_length(list) == 0)
		return;
	s = internet_address_list_to_string(list, NULL, FALSE);
	if (s != NULL && *s != '\0')
		render_header(ctx, name, s, -1);
	g_free(s);
}

static void
render_headers(struct render_ctx *ctx, GMimeMessage *msg)
{
	GMimeHeaderList	*headers;
	GMimeHeader	*header;
	GDateTime	*date;
	const char	*raw;
	char		*text;
	int		 i, count;
	guint		 dropped = mime_message_dropped_fields(msg);

	if (dropped > 0)
		ctx->truncated = TRUE;
	if (ctx->flags & RENDER_ALL_HEADERS) {
		headers = g_mime_object_get_header_list(GMIME_OBJECT(msg));
		count = headers != NULL ? g_mime_header_list_get_count(headers) : 0;
		for (i = 0; i < count && i < RENDER_HEADER_MAX; i++) {
			header = g_mime_header_list_get_header_at(headers, i);
			raw = g_mime_header_get_raw_value(header);
			if (raw == NULL)
				continue;
			/* Raw 8-bit bytes: decoded with the fallback charsets. */
			text = g_mime_utils_decode_8bit(NULL, raw,
			    MIN(strlen(raw), RENDER_MAX_LINE_BYTES));
			render_header(ctx, g_mime_header_get_name(header),
			    text, -1);
			g_free(text);
			if (ctx->out.full)
				break;
		}
		if (count > RENDER_HEADER_MAX) {
			ctx->truncated = TRUE;
			dropped += (guint)(count - RENDER_HEADER_MAX);
		}
		if (dropped > 0)
			render_out_notice(&ctx->out,
			    _("[-- %u more header fields not shown --]"),
			    dropped);
		return;
	}
	render_addresses(ctx, "From", g_mime_message_get_from(msg));
	render_addresses(ctx, "To", g_mime_message_get_to(msg));
	render_addresses(ctx, "Cc", g_mime_message_get_cc(msg));
	date = g_mime_message_get_date(msg);
	if (date != NULL) {
		text = g_date_time_format(date, "%a, %d %b %Y %H:%M:%S %z");
		render_header(ctx, "Date", text, -1);
		g_free(text);
	} else {
		raw = g_mime_object_get_header(GMIME_OBJECT(msg), "Date");
		if (raw != NULL) {
			text = g_mime_utils_decode_8bit(NULL, raw,
			    MIN(strlen(raw), RENDER_MAX_LINE_BYTES));
			render_header(ctx, "Date", text, -1);
			g_free(text);
		}
	}
	raw = g_mime_message_get_subject(msg);
	if (raw != NULL)
		render_header(ctx, "Subject", raw, -1);
	if (dropped > 0)
		render_out_notice(&ctx->out, _("[-- This header has too many "
		    "fields: %u are left out of the reader --]"), dropped);
}

static gboolean
render_is_text(GMimeContentType *ct)
{
	if (ct == NULL)
		return TRUE;	/* RFC 2045: the default is text/plain */
	if (g_mime_content_type_is_type(ct, "text", "*"))
		return TRUE;
	/* Bounce reports read well as text. */
	return (g_mime_content_type_is_type(ct, "message", "delivery-status") ||
	    g_mime_content_type_is_type(ct, "message", "disposition-notification") ||
	    g_mime_content_type_is_type(ct, "message", "feedback-report"));
}

/* The child of multipart/alternative to show. */
static GMimeObject *
render_pick_alternative(struct render_ctx *ctx, GMimeMultipart *mp)
{
	GMimeObject	*child, *plain = NULL, *html = NULL, *last = NULL;
	GMimeContentType *ct;
	int		 i, count;

	count = g_mime_multipart_get_count(mp);
	for (i = 0; i < count && i < RENDER_MAX_PARTS; i++) {
		child = g_mime_multipart_get_part(mp, i);
		ct = g_mime_object_get_content_type(child);
		if (GMIME_IS_PART(child) && ct != NULL &&
		    g_mime_content_type_is_type(ct, "text", "plain")) {
			if (plain == NULL)
				plain = child;
		} else if (GMIME_IS_PART(child) && ct != NULL &&
		    g_mime_content_type_is_type(ct, "text", "html")) {
			if (html == NULL)
				html = child;
		}
		if (GMIME_IS_MULTIPART(child) || GMIME_IS_PART(child))
			last = child;
	}
	if ((ctx->flags & RENDER_PREFER_HTML) && html != NULL)
		return html;
	/* The rich version is often multipart/related around the HTML. */
	if ((ctx->flags & RENDER_PREFER_HTML) && last != NULL &&
	    GMIME_IS_MULTIPART(last))
		return last;
	if (plain != NULL) {
		/* An empty text/plain next to real HTML is a placeholder. */
		if (html != NULL && GMIME_IS_TEXT_PART(plain)) {
			GByteArray *b = render_decode_part(GMIME_PART(plain), 64);
			guint j;
			gboolean blank = TRUE;

			for (j = 0; j < b->len; j++) {
				if (!g_ascii_isspace(b->data[j]))
					blank = FALSE;
			}
			g_byte_array_unref(b);
			if (blank)
				return html;
		}
		return plain;
	}
	if (html != NULL)
		return html;
	return last;
}

/*
 * A multipart without parts (no boundary parameter, or a boundary that
 * never occurs, as broken mailers send): its text is all in the prologue
 * (and epilogue). Show that as plain text rather than an empty page.
 */
static void
render_multipart_empty(struct render_ctx *ctx, GMimeMultipart *mp,
    const char *sub)
{
	const char	*parts[2];
	char		*text;
	size_t		 i, len, tlen;

	parts[0] = g_mime_multipart_get_prologue(mp);
	parts[1] = g_mime_multipart_get_epilogue(mp);
	render_out_notice(&ctx->out, _("[-- multipart/%s without parts "
	    "(a missing or wrong boundary): shown as text --]"),
	    sub != NULL ? sub : "?");
	for (i = 0; i < G_N_ELEMENTS(parts); i++) {
		if (parts[i] == NULL || *parts[i] == '\0')
			continue;
		len = MIN(strlen(parts[i]), (size_t)RENDER_MAX_TEXT_BYTES);
		if (len < strlen(parts[i]))
			ctx->truncated = TRUE;
		render_out_blank(&ctx->out);
		text = render_decode_text(parts[i], len, NULL, &tlen);
		render_plain_add(&ctx->out, text, tlen, FALSE, FALSE);
		g_free(text);
	}
	render_out_trim(&ctx->out);
}

static void
render_multipart(struct render_ctx *ctx, GMimeMultipart *mp, unsigned depth)
{
	GMimeContentType	*ct;
	GMimeObject		*child;
	const char		*sub;
	int			 i, count;

	ct = g_mime_object_get_content_type(GMIME_OBJECT(mp));
	sub = ct != NULL ? g_mime_content_type_get_media_subtype(ct) : NULL;
	count = g_mime_multipart_get_count(mp);
	if (count == 0) {
		render_multipart_empty(ctx, mp, sub);
		return;
	}
	if (sub != NULL && g_ascii_strcasecmp(sub, "alternative") == 0) {
		child = render_pick_alternative(ctx, mp);
		if (child != NULL)
			render_walk(ctx, child, depth + 1);
		return;
	}
	if (sub != NULL && g_ascii_strcasecmp(sub, "signed") == 0 &&
	    count > 0) {
		/* No verdicts were asked for: say the content is unchecked. */
		render_verdict(ctx, RENDER_VERDICT_WARN, "%s",
		    _("Signed part: the signature was not checked"));
		render_walk(ctx, g_mime_multipart_get_part(mp, 0), depth + 1);
		render_out_blank(&ctx->out);
		render_verdict(ctx, RENDER_VERDICT_INFO, "%s",
		    _("End of the signed part"));
		return;
	}
	if (sub != NULL && (g_ascii_strcasecmp(sub, "related") == 0 ||
	    g_ascii_strcasecmp(sub, "signed") == 0)) {
		/* The root (or the signed content); the rest supports it. */
		if (count > 0)
			render_walk(ctx, g_mime_multipart_get_part(mp, 0),
			    depth + 1);
		return;
	}
	if (sub != NULL && g_ascii_strcasecmp(sub, "encrypted") == 0) {
		render_out_notice(&ctx->out,
		    _("[-- Encrypted part, not shown --]"));
		return;
	}
	for (i = 0; i < count && !ctx->out.full; i++) {
		if (ctx->visited >= RENDER_MAX_PARTS) {
			ctx->truncated = TRUE;
			render_out_notice(&ctx->out,
			    _("[-- Too many parts: the rest is not shown --]"));
			return;
		}
		render_walk(ctx, g_mime_multipart_get_part(mp, i), depth + 1);
	}
}

/* The HTML converter's sink: its lines and links into the output. */
static gboolean
render_html_emit(const struct html_line *line, void *data)
{
	static const enum render_line_kind kinds[] = {
		[HTML_LINE_TEXT] = RENDER_LINE_TEXT,
		[HTML_LINE_QUOTE] = RENDER_LINE_QUOTE,
		[HTML_LINE_HEADING] = RENDER_LINE_HEADING,
	};
	struct render_ctx	*ctx = data;
	struct render_para	 para;

	memset(&para, 0, sizeof para);
	para.text = line->text;
	para.len = line->len;
	para.kind = kinds[line->kind];
	para.quote = line->quote;
	para.indent = line->indent;
	para.hang = line->hang;
	render_out_scan_urls(&ctx->out, para.text, (gssize)para.len);
	return render_out_para(&ctx->out, &para);
}

static unsigned
render_html_link(const char *url, void *data)
{
	struct render_ctx	*ctx = data;

	return render_out_url(&ctx->out, url, -1);
}

/*
 * Run the copiousoutput mailcap entry for text/html as a filter. NULL when
 * there is none or it failed (logged); the caller falls back.
 */
static char *
render_html_external(struct render_ctx *ctx, GMimePart *part,
    const char *bytes, size_t len, size_t *outlen)
{
	struct mailcap_entry	*entry;
	GError			*error = NULL;
	char			**argv = NULL, *dir = NULL, *path = NULL;
	char			*output = NULL;
	gboolean		 uses_file;

	entry = mailcap_lookup(ctx->mailcap_path, "text/html", TRUE);
	if (entry == NULL)
		return NULL;
	if (strstr(entry->command, "%s") != NULL) {
		dir = g_dir_make_tmp("satchel-XXXXXX", &error);
		if (dir == NULL)
			goto out;
		path = g_build_filename(dir, "part.html", NULL);
		if (!g_file_set_contents_full(path, bytes, (gssize)len,
		    G_FILE_SET_CONTENTS_NONE, 0600, &error))
			goto out;
	}
	argv = mailcap_argv(entry, path, "text/html", GMIME_OBJECT(part),
	    &uses_file, &error);
	if (argv == NULL)
		goto out;
	output = mailcap_filter(argv, ctx->envp, uses_file ? "" : bytes,
	    uses_file ? 0 : len, ctx->timeout_ms, RENDER_MAX_TEXT_BYTES,
	    outlen, &error);
out:
	if (error != NULL) {
		log_warn("html converter: %s", error->message);
		g_error_free(error);
	}
	if (path != NULL)
		unlink(path);
	if (dir != NULL)
		rmdir(dir);
	g_free(path);
	g_free(dir);
	g_strfreev(argv);
	mailcap_entry_free(entry);
	return output;
}

static void
render_html(struct render_ctx *ctx, GMimePart *part, const char *bytes,
    size_t len)
{
	struct html_sink	 sink = { render_html_emit, render_html_link, ctx };
	struct render_para	 para;
	GArray			*used;
	const char		*charset;
	char			*text, *ext, *line, *sniff = NULL;
	size_t			 tlen, elen;
	guint			 i, n;

	charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part),
	    "charset");
	/* Decrypted text never goes to a file a converter could read. */
	if ((ctx->flags & RENDER_HTML_MAILCAP) && ctx->in_crypt == 0) {
		ext = render_html_external(ctx, part, bytes, len, &elen);
		if (ext != NULL) {
			text = render_decode_text(ext, elen, "utf-8", &tlen);
			render_plain_add(&ctx->out, text, tlen, FALSE, FALSE);
			g_free(text);
			g_free(ext);
			return;
		}
	}
	if (charset == NULL && bytes != NULL && len > 0) {
		/* No label on the part: look for <meta charset=...>. */
		GRegex		*re;
		GMatchInfo	*mi = NULL;

		re = g_regex_new("<meta[^>]*charset\\s*=\\s*[\"']?"
		    "([A-Za-z0-9_.:-]{1,40})", G_REGEX_CASELESS | G_REGEX_RAW,
		    0, NULL);
		if (re != NULL && g_regex_match_full(re, bytes,
		    (gssize)MIN(len, 4096), 0, 0, &mi, NULL))
			sniff = g_match_info_fetch(mi, 1);
		g_match_info_free(mi);
		if (re != NULL)
			g_regex_unref(re);
		charset = sniff;
	}
	text = render_decode_text(bytes, len, charset, &tlen);
	g_free(sniff);
	used = html_convert(text, tlen, &sink);
	g_free(text);
	if (used->len > 0 && !ctx->out.full) {
		render_out_blank(&ctx->out);
		for (i = 0; i < used->len; i++) {
			n = g_array_index(used, guint, i);
			line = g_strdup_printf("[%u] %s", n,
			    (const char *)g_ptr_array_index(ctx->out.urls,
			    n - 1));
			memset(&para, 0, sizeof para);
			para.text = line;
			para.len = strlen(line);
			para.kind = RENDER_LINE_LINK;
			para.hang = (unsigned)(strchr(line, ' ') - line) + 1;
			render_out_para(&ctx->out, &para);
			g_free(line);
		}
	}
	g_array_unref(used);
}

static void
render_leaf(struct render_ctx *ctx, GMimePart *part)
{
	GMimeContentType	*ct;
	GByteArray		*bytes;
	const char		*charset, *format, *delsp, *name;
	char			*type, *text;
	size_t			 tlen;
	unsigned		 n;

	n = render_number(ctx, part);
	ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	type = ct != NULL ? g_mime_content_type_get_mime_type(ct) :
	    g_strdup("text/plain");
	if ((g_mime_part_is_attachment(part) &&
	    !(ctx->flags & RENDER_INLINE_TEXT)) || !render_is_text(ct)) {
		name = g_mime_part_get_filename(part);
		if (n == 0) {
			/* Inside decrypted content: not in the part list. */
			char *clean = sanitize_filename(name != NULL ? name :
			    "");

			render_out_notice(&ctx->out, _("[-- Attachment "
			    "inside the protected part: %s (%s) --]"),
			    clean, type);
			g_free(clean);
		} else if (name != NULL) {
			char *clean = sanitize_filename(name);

			render_out_notice(&ctx->out,
			    _("[-- Attachment %u: %s (%s) --]"), n, clean, type);
			g_free(clean);
		} else
			render_out_notice(&ctx->out,
			    _("[-- Attachment %u: (%s) --]"), n, type);
		goto out;
	}
	render_out_blank(&ctx->out);
	bytes = render_decode_part(part, RENDER_MAX_TEXT_BYTES + 1);
	if (bytes->len > RENDER_MAX_TEXT_BYTES) {
		g_byte_array_set_size(bytes, RENDER_MAX_TEXT_BYTES);
		ctx->truncated = TRUE;
	}
	if (ct != NULL && g_mime_content_type_is_type(ct, "text", "html")) {
		render_html(ctx, part, (const char *)bytes->data, bytes->len);
	} else {
		charset = g_mime_object_get_content_type_parameter(
		    GMIME_OBJECT(part), "charset");
		format = g_mime_object_get_content_type_parameter(
		    GMIME_OBJECT(part), "format");
		delsp = g_mime_object_get_content_type_parameter(
		    GMIME_OBJECT(part), "delsp");
		text = render_decode_text((const char *)bytes->data, bytes->len,
		    charset, &tlen);
		render_plain_add(&ctx->out, text, tlen,
		    format != NULL && g_ascii_strcasecmp(format, "flowed") == 0,
		    delsp != NULL && g_ascii_strcasecmp(delsp, "yes") == 0);
		g_free(text);
	}
	if (bytes->len >= RENDER_MAX_TEXT_BYTES) {
		GMimeDataWrapper *w = g_mime_part_get_content(part);
		gint64 len = w != NULL && g_mime_data_wrapper_get_stream(w) !=
		    NULL ? g_mime_stream_length(
		    g_mime_data_wrapper_get_stream(w)) : -1;
		char *shown = g_format_size(RENDER_MAX_TEXT_BYTES);
		char *all = g_format_size(len > 0 ? (guint64)len : 0);

		if (len > RENDER_MAX_TEXT_BYTES)
			render_out_notice(&ctx->out, _("[-- Message truncated "
			    "for display: part %u shows its first %s of %s; "
			    "save it from the list of parts (v) --]"), n,
			    shown, all);
		else
			render_out_notice(&ctx->out, _("[-- Part %u is too "
			    "long: the rest is not shown --]"), n);
		g_free(shown);
		g_free(all);
	}
	g_byte_array_unref(bytes);
	render_out_trim(&ctx->out);
out:
	g_free(type);
}

/*
 * A part's own header fields (Content-Type, Content-Transfer-Encoding,
 * Content-Disposition ...), as found, before its content.
 */
static void
render_part_headers(struct render_ctx *ctx, GMimeObject *obj)
{
	GMimeHeaderList	*headers;
	GMimeHeader	*header;
	const char	*raw;
	char		*text;
	unsigned	 n = render_number(ctx, obj), saved = ctx->out.part;
	int		 i, count;

	headers = g_mime_object_get_header_list(obj);
	count = headers != NULL ? g_mime_header_list_get_count(headers) : 0;
	if (count == 0)
		return;
	if (n != 0)
		ctx->out.part = n;
	render_out_blank(&ctx->out);
	if (n != 0)
		render_out_notice(&ctx->out, _("[-- Part %u: its header --]"),
		    n);
	else
		render_out_notice(&ctx->out, "%s", _("[-- A part's header --]"));
	for (i = 0; i < count && i < RENDER_HEADER_MAX && !ctx->out.full;
	    i++) {
		header = g_mime_header_list_get_header_at(headers, i);
		raw = g_mime_header_get_raw_value(header);
		if (raw == NULL)
			continue;
		text = g_mime_utils_decode_8bit(NULL, raw,
		    MIN(strlen(raw), RENDER_MAX_LINE_BYTES));
		render_header(ctx, g_mime_header_get_name(header), text, -1);
		g_free(text);
	}
	if (count > RENDER_HEADER_MAX)
		ctx->truncated = TRUE;
	ctx->out.part = saved;
}

static void
render_walk(struct render_ctx *ctx, GMimeObject *obj, unsigned depth)
{
	GMimeMessage	*inner;
	unsigned	 saved, n;

	if (obj == NULL || ctx->out.full)
		return;
	ctx->visited++;
	if (depth > RENDER_MAX_DEPTH) {
		ctx->truncated = TRUE;
		if (!ctx->deep_noted)
			render_out_notice(&ctx->out,
			    _("[-- Nested too deeply: not shown --]"));
		ctx->deep_noted = TRUE;
		return;
	}
	saved = ctx->out.part;
	if (depth > 0 && (ctx->flags & RENDER_PART_HEADERS) &&
	    (ctx->flags & RENDER_ALL_HEADERS))
		render_part_headers(ctx, obj);
	if (crypt_state_lookup(ctx->crypt, obj) != NULL) {
		n = render_number(ctx, obj);
		if (n != 0)
			ctx->out.part = n;
		render_crypt(ctx, crypt_state_lookup(ctx->crypt, obj), n,
		    depth);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		n = render_number(ctx, obj);
		inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		ctx->out.part = n;
		render_out_blank(&ctx->out);
		render_out_notice(&ctx->out, _("[-- Attached message %u --]"), n);
		if (inner != NULL) {
			render_headers(ctx, inner);
			render_out_blank(&ctx->out);
			render_walk(ctx, g_mime_message_get_mime_part(inner),
			    depth + 1);
		}
		render_out_blank(&ctx->out);
		render_out_notice(&ctx->out,
		    _("[-- End of attached message %u --]"), n);
	} else if (GMIME_IS_MULTIPART(obj)) {
		render_multipart(ctx, GMIME_MULTIPART(obj), depth);
	} else if (GMIME_IS_PART(obj)) {
		ctx->out.part = render_number(ctx, obj);
		render_leaf(ctx, GMIME_PART(obj));
	}
	ctx->out.part = saved;
}

/* One verdict line (wrapped), drawn by the UI apart from message text. */
static void
render_verdict(struct render_ctx *ctx, enum render_verdict verdict,
    const char *fmt, ...)
{
	struct render_para	 para;
	va_list			 ap;
	char			*raw, *clean;

	va_start(ap, fmt);
	raw = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	clean = sanitize_text(raw, -1, 0);
	memset(&para, 0, sizeof para);
	para.text = clean;
	para.len = strlen(clean);
	para.kind = RENDER_LINE_VERDICT;
	para.verdict = verdict;
	para.hang = 2;
	render_out_para(&ctx->out, &para);
	g_free(clean);
	g_free(raw);
}

static void
render_crypt_sig(struct render_ctx *ctx, const struct crypt_sig *sig)
{
	enum render_verdict	 v;
	g_autofree char		*who = NULL;

	if (sig->name != NULL && sig->email != NULL)
		who = g_strdup_printf("%s <%s>", sig->name, sig->email);
	else if (sig->email != NULL)
		who = g_strdup(sig->email);
	else if (sig->name != NULL)
		who = g_strdup(sig->name);
	else
		who = g_strdup(sig->key_id != NULL ? sig->key_id : "?");
	switch (sig->status) {
	case CRYPT_SIG_GOOD:
		v = sig->from_match ? RENDER_VERDICT_GOOD : RENDER_VERDICT_WARN;
		if (sig->certified)
			render_verdict(ctx, v, _("Good signature from %s"), who);
		else
			render_verdict(ctx, v, _("Good signature from %s (the "
			    "key is not certified)"), who);
		break;
	case CRYPT_SIG_BAD:
		v = RENDER_VERDICT_BAD;
		render_verdict(ctx, v, _("BAD signature: the signed part was "
		    "changed after signing (key of %s)"), who);
		break;
	case CRYPT_SIG_UNKNOWN_KEY:
		v = RENDER_VERDICT_WARN;
		render_verdict(ctx, v, _("Signature by an unknown key %s: it "
		    "cannot be checked"), sig->key_id != NULL ? sig->key_id :
		    who);
		break;
	case CRYPT_SIG_EXPIRED:
		v = RENDER_VERDICT_WARN;
		render_verdict(ctx, v, _("Signature by %s, whose key or "
		    "signature has expired"), who);
		break;
	case CRYPT_SIG_REVOKED:
		v = RENDER_VERDICT_BAD;
		render_verdict(ctx, v, _("Signature by %s, whose key was "
		    "REVOKED"), who);
		break;
	default:
		v = RENDER_VERDICT_BAD;
		render_verdict(ctx, v, _("Signature by %s could not be "
		    "checked"), who);
		break;
	}
	if (sig->email != NULL && sig->status != CRYPT_SIG_UNKNOWN_KEY) {
		if (sig->from_match)
			render_verdict(ctx, v, "  %s", _("The signer is the "
			    "From address."));
		else
			render_verdict(ctx, v, "  %s", _("The signer is NOT "
			    "the From address."));
	}
	if (ctx->flags & RENDER_CRYPT_DETAILS) {
		g_autofree char *date = NULL;

		if (sig->created > 0) {
			GDateTime *dt = time_local(
			    sig->created);

			if (dt != NULL) {
				date = g_date_time_format(dt,
				    "%a, %d %b %Y %H:%M:%S %z");
				g_date_time_unref(dt);
			}
		}
		render_verdict(ctx, v, _("  Key ID: %s"), sig->key_id != NULL ?
		    sig->key_id : "?");
		render_verdict(ctx, v, _("  Fingerprint: %s"),
		    sig->fingerprint != NULL ? sig->fingerprint : "?");
		if (date != NULL)
			render_verdict(ctx, v, _("  Signed: %s"), date);
	}
}

/* A Subject (and the like) carried inside the protected part. */
static void
render_protected_headers(struct render_ctx *ctx, GMimeObject *content)
{
	static const char *const names[] = { "From", "To", "Cc", "Date",
	    "Subject" };
	const char	*raw;
	char		*text;
	guint		 i;
	gboolean	 any = FALSE;

	if (content == NULL || g_mime_object_get_header(content,
	    "Subject") == NULL)
		return;
	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		raw = g_mime_object_get_header(content, names[i]);
		if (raw == NULL)
			continue;
		text = g_mime_utils_header_decode_text(mime_parser_options(),
		    raw);
		render_header(ctx, names[i], text, -1);
		g_free(text);
		any = TRUE;
	}
	if (any)
		render_out_blank(&ctx->out);
}

/* Clear text next to an inline PGP block: shown outside the frame. */
static void
render_clear_text(struct render_ctx *ctx, const char *text)
{
	char	*utf8;
	size_t	 len;

	if (text == NULL)
		return;
	utf8 = render_decode_text(text, strlen(text), "utf-8", &len);
	render_out_blank(&ctx->out);
	render_plain_add(&ctx->out, utf8, len, FALSE, FALSE);
	render_out_trim(&ctx->out);
	render_out_blank(&ctx->out);
	g_free(utf8);
}

/*
 * A protected region: verdict lines, then the content inside a frame, then
 * a closing verdict line. Nothing outside the region is drawn inside it.
 */
static void
render_crypt(struct render_ctx *ctx, const struct crypt_region *r,
    unsigned n, unsigned depth)
{
	const char	*proto, *what;
	unsigned	 frame = ctx->out.frame, i;
	gboolean	 sigs = r->sigs->len > 0;

	proto = r->protocol == CRYPT_SMIME ? "S/MIME" :
	    r->protocol == CRYPT_PGP_INLINE ? _("inline PGP") : "PGP/MIME";
	if (r->before != NULL)
		render_clear_text(ctx, r->before);
	render_out_blank(&ctx->out);
	if (r->kinds & CRYPT_ENCRYPTED) {
		what = sigs ? _("signed and encrypted") : _("encrypted");
		if (r->decrypted && n != 0)
			render_verdict(ctx, RENDER_VERDICT_INFO,
			    _("Part %u is %s (%s): decrypted"), n, what, proto);
		else if (r->decrypted)
			render_verdict(ctx, RENDER_VERDICT_INFO,
			    _("This part is %s (%s): decrypted"), what, proto);
		else if (r->error != NULL)
			render_verdict(ctx, RENDER_VERDICT_WARN,
			    _("Encrypted part (%s), not decrypted: %s"), proto,
			    r->error);
		else
			render_verdict(ctx, RENDER_VERDICT_WARN,
			    _("Encrypted part (%s), not decrypted"), proto);
	} else {
		if (n != 0)
			render_verdict(ctx, sigs ? RENDER_VERDICT_INFO :
			    RENDER_VERDICT_BAD, _("Part %u is signed (%s)"), n,
			    proto);
		else
			render_verdict(ctx, sigs ? RENDER_VERDICT_INFO :
			    RENDER_VERDICT_BAD, _("This part is signed (%s)"),
			    proto);
	}
	for (i = 0; i < r->sigs->len; i++)
		render_crypt_sig(ctx, g_ptr_array_index(r->sigs, i));
	if ((r->kinds & CRYPT_SIGNED) && !sigs && !(r->kinds &
	    CRYPT_ENCRYPTED))
		render_verdict(ctx, RENDER_VERDICT_BAD,
		    _("The signature could not be checked: %s"),
		    r->error != NULL ? r->error : _("no signature found"));
	if (r->content == NULL) {
		render_out_blank(&ctx->out);
		goto done;
	}
	ctx->out.frame |= (sigs ? RENDER_FRAME_SIGNED : 0) |
	    (r->decrypted ? RENDER_FRAME_ENCRYPTED : 0);
	if (r->decrypted)
		ctx->in_crypt++;
	render_out_blank(&ctx->out);
	render_protected_headers(ctx, r->content);
	if (r->content == r->object)
		render_leaf(ctx, GMIME_PART(r->object));
	else if (GMIME_IS_PART(r->content) && !GMIME_IS_MULTIPART(r->content) &&
	    r->protocol == CRYPT_PGP_INLINE)
		render_leaf(ctx, GMIME_PART(r->content));
	else
		render_walk(ctx, r->content, depth + 1);
	render_out_trim(&ctx->out);
	render_out_blank(&ctx->out);
	if (r->decrypted)
		ctx->in_crypt--;
	ctx->out.frame = frame;
	what = (r->kinds & CRYPT_ENCRYPTED) ? _("encrypted") : _("signed");
	if (n != 0)
		render_verdict(ctx, RENDER_VERDICT_INFO,
		    _("End of part %u (%s)"), n, what);
	else
		render_verdict(ctx, RENDER_VERDICT_INFO,
		    _("End of the %s part"), what);
done:
	if (r->after != NULL)
		render_clear_text(ctx, r->after);
}

/* Bounce reasons: a notice, then one wrapped line per recipient. */
static void
render_bounce(struct render_ctx *ctx, const char *bounce)
{
	struct render_para	 para;
	g_auto(GStrv)		 lines = g_strsplit(bounce, "\n", 1000);
	guint			 i;

	render_out_notice(&ctx->out, "%s",
	    _("[-- This message bounced; delivery failed for: --]"));
	for (i = 0; lines[i] != NULL; i++) {
		if (*lines[i] == '\0')
			continue;
		memset(&para, 0, sizeof para);
		para.text = lines[i];
		para.len = strlen(lines[i]);
		para.kind = RENDER_LINE_NOTICE;
		para.indent = 2;
		para.hang = 2;
		render_out_para(&ctx->out, &para);
	}
	render_out_blank(&ctx->out);
}

static void
render_run(struct render_ctx *ctx, GMimeMessage *msg,
    const struct render_options *opts)
{
	GArray		*refs;
	const char	*bounce = NULL;
	size_t		 width = 80;
	guint		 i;

	memset(ctx, 0, sizeof *ctx);
	if (opts != NULL) {
		if (opts->width != 0)
			width = opts->width;
		ctx->flags = opts->flags;
		ctx->mailcap_path = opts->mailcap_path;
		ctx->envp = opts->envp;
		ctx->timeout_ms = opts->timeout_ms;
		bounce = opts->bounce;
		ctx->crypt = opts->crypt;
	}
	if (ctx->timeout_ms == 0)
		ctx->timeout_ms = RENDER_DEFAULT_TIMEOUT;
	width = CLAMP(width, RENDER_MIN_WIDTH, RENDER_MAX_WIDTH);
	render_out_init(&ctx->out, width);

	ctx->numbers = g_hash_table_new(g_direct_hash, g_direct_equal);
	refs = render_part_collect(msg, ctx->crypt, &ctx->truncated);
	for (i = 0; i < refs->len; i++)
		g_hash_table_insert(ctx->numbers,
		    g_array_index(refs, struct render_part_ref, i).object,
		    GUINT_TO_POINTER(i + 1));
	g_array_unref(refs);

	if (!(ctx->flags & RENDER_NO_HEADERS)) {
		render_headers(ctx, msg);
		render_out_blank(&ctx->out);
	}
	if (bounce != NULL && *bounce != '\0')
		render_bounce(ctx, bounce);
	if (ctx->crypt != NULL && ctx->crypt->partial) {
		render_verdict(ctx, RENDER_VERDICT_WARN, "%s",
		    _("Only part of this message is signed or encrypted: "
		    "only what is inside the marked frames below is; the rest "
		    "is not."));
		render_out_blank(&ctx->out);
	}
	render_walk(ctx, g_mime_message_get_mime_part(msg), 0);
	render_out_trim(&ctx->out);
	if (ctx->out.full) {
		ctx->truncated = TRUE;
		render_out_notice(&ctx->out,
		    _("[-- Too many lines: the rest is not shown --]"));
	}
}

/* mutt's toggle-quoted: each run of quoted lines becomes one notice. */
static void
render_hide_quoted(struct render_out *out)
{
	GArray			*kept;
	struct render_line	*l, note;
	guint			 i, j, n;
	char			*text;

	kept = g_array_sized_new(FALSE, TRUE, sizeof(struct render_line),
	    out->lines->len);
	for (i = 0; i < out->lines->len; i = j) {
		l = &g_array_index(out->lines, struct render_line, i);
		if (l->kind != RENDER_LINE_QUOTE) {
			g_array_append_val(kept, *l);
			j = i + 1;
			continue;
		}
		note = *l;
		for (j = i; j < out->lines->len && g_array_index(out->lines,
		    struct render_line, j).kind == RENDER_LINE_QUOTE; j++)
			g_free(g_array_index(out->lines, struct render_line,
			    j).text);
		n = j - i;
		text = g_strdup_printf(ngettext("[-- %u quoted line hidden --]",
		    "[-- %u quoted lines hidden --]", n), n);
		note.text = sanitize_truncate(text, out->width, FALSE);
		g_free(text);
		note.kind = RENDER_LINE_NOTICE;
		note.quote = 0;
		g_array_append_val(kept, note);
	}
	g_array_set_size(out->lines, 0);
	g_array_append_vals(out->lines, kept->data, kept->len);
	g_array_unref(kept);
}

static void
render_ctx_release(struct render_ctx *ctx)
{
	render_out_release(&ctx->out);
	if (ctx->numbers != NULL)
		g_hash_table_destroy(ctx->numbers);
	ctx->numbers = NULL;
}

struct render_text *
render_message(GMimeMessage *msg, const struct render_options *opts)
{
	struct render_ctx	 ctx;
	struct render_text	*text;

	if (msg == NULL)
		return NULL;
	render_run(&ctx, msg, opts);
	if (ctx.flags & RENDER_HIDE_QUOTED)
		render_hide_quoted(&ctx.out);
	text = g_new0(struct render_text, 1);
	text->width = ctx.out.width;
	text->flags = ctx.truncated ? RENDER_TEXT_TRUNCATED : 0;
	text->nlines = ctx.out.lines->len;
	text->lines = (struct render_line *)g_array_free(ctx.out.lines, FALSE);
	ctx.out.lines = NULL;
	g_ptr_array_add(ctx.out.urls, NULL);
	g_hash_table_destroy(ctx.out.url_index);
	ctx.out.url_index = NULL;
	text->urls = (char **)g_ptr_array_free(ctx.out.urls, FALSE);
	ctx.out.urls = NULL;
	render_ctx_release(&ctx);
	return text;
}

void
render_text_free(struct render_text *text)
{
	size_t	i;

	if (text == NULL)
		return;
	for (i = 0; i < text->nlines; i++)
		g_free(text->lines[i].text);
	g_free(text->lines);
	g_strfreev(text->urls);
	g_free(text);
}

char **
render_url_list(GMimeMessage *msg, const struct render_options *opts)
{
	struct render_text	*text;
	char			**urls;

	if (msg == NULL)
		return g_new0(char *, 1);
	text = render_message(msg, opts);
	urls = text->urls;
	text->urls = NULL;
	render_text_free(text);
	return urls;
}

size_t *
render_search(const struct render_text *text, const char *needle,
    size_t *count)
{
	GArray	*hits;
	char	*fold, *line;
	size_t	 i, n;

	if (count != NULL)
		*count = 0;
	if (text == NULL || needle == NULL || *needle == '\0' ||
	    !g_utf8_validate(needle, -1, NULL))
		return NULL;
	fold = g_utf8_casefold(needle, -1);
	hits = g_array_new(FALSE, FALSE, sizeof(size_t));
	for (i = 0; i < text->nlines; i++) {
		line = g_utf8_casefold(text->lines[i].text, -1);
		if (strstr(line, fold) != NULL)
			g_array_append_val(hits, i);
		g_free(line);
	}
	g_free(fold);
	n = hits->len;
	if (count != NULL)
		*count = n;
	if (n == 0) {
		g_array_free(hits, TRUE);
		return NULL;
	}
	return (size_t *)g_array_free(hits, FALSE);
}
