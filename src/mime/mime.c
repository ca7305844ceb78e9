/* mime.c: GMime set-up and message parsing for the index. */
#include "satchel-config.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "mime/mime.h"
#include "mime/crypt.h"
#include "mime/html.h"

/* Limits that keep hostile messages (deep nesting, huge part counts) cheap. */
#define MIME_MAX_DEPTH		32
#define MIME_MAX_PARTS		1000
#define MIME_MAX_BODY		(64 * 1024)	/* bytes of text kept for search */
#define MIME_MAX_RAW		(4 * MIME_MAX_BODY) /* decoded bytes read */
#define MIME_MAX_SNIPPET	200		/* characters */
#define MIME_MAX_REFS		64
/* The reader's header view: fields, bytes, and bytes of one line kept. */
#define MIME_VIEW_FIELDS	1000
#define MIME_VIEW_HEADER_BYTES	(256 * 1024)
#define MIME_VIEW_LINE_MAX	(64 * 1024)

struct mime_walk {
	struct mime_summary	*sum;
	GMimeObject		*plain;
	GMimeObject		*html;
	GMimeObject		*dsn_status;
	GMimeObject		*dsn_headers;
	GString			*names;
	guint			 parts;
};

static void	 mime_warning(gint64, GMimeParserWarning, const gchar *,
		    gpointer);
static GMimeMessage *mime_parse_stream(GMimeStream *);
static char	*mime_part_bytes(GMimeObject *, gsize *);
static char	*mime_part_text(GMimeObject *);
static void	 mime_walk_object(struct mime_walk *, GMimeObject *, int);
static void	 mime_fill_addresses(struct mime_summary *, GMimeMessage *);
static void	 mime_fill_refs(struct mime_summary *, GMimeMessage *);
static void	 mime_fill_dsn(struct mime_summary *, struct mime_walk *);
static char	*mime_header_field(const char *, const char *);
static char	*mime_strip_type(const char *);
static struct mime_dsn_rcpt *mime_dsn_block(const char *, const char *);
static char	*mime_dsn_human(const char *, const char *);
static char	*mime_make_snippet(const char *);
static char	*mime_clean_msgid(const char *);

static GMimeParserOptions *mime_opts;
static GMimeParserOptions *mime_addr_opts;
static unsigned mime_summary_flags;

void
mime_init(void)
{
	iconv_t	cd;

	g_mime_init();
	/*
	 * Run from the bundle, GCONV_PATH points our C library at the
	 * bundle's character set converters. The C library reads it once,
	 * at the first conversion that needs a converter module: make that
	 * happen now, then drop the variable, so that the programs we start
	 * (viewers, the HTML converter, password commands), which have the
	 * system's C library, do not load ours.
	 */
	if (g_getenv("SATCHEL_BUNDLE") != NULL &&
	    g_getenv("GCONV_PATH") != NULL) {
		if ((cd = iconv_open("UTF-8", "CP1252")) != (iconv_t)-1)
			iconv_close(cd);
		g_unsetenv("GCONV_PATH");
	}
}

void
mime_set_summary_flags(unsigned flags)
{
	mime_summary_flags = flags;
}

void
mime_shutdown(void)
{
	if (mime_opts != NULL) {
		g_mime_parser_options_free(mime_opts);
		mime_opts = NULL;
	}
	if (mime_addr_opts != NULL) {
		g_mime_parser_options_free(mime_addr_opts);
		mime_addr_opts = NULL;
	}
	g_mime_shutdown();
}

static void
mime_warning(gint64 offset, GMimeParserWarning errcode, const gchar *item,
    gpointer data)
{
	(void)data;
	log_debug("mime: parser warning %d at offset %" G_GINT64_FORMAT ": %s",
	    (int)errcode, offset, item != NULL ? item : "");
}

GMimeParserOptions *
mime_address_options(void)
{
	static GMutex	lock;

	g_mutex_lock(&lock);
	if (mime_addr_opts == NULL) {
		mime_addr_opts = g_mime_parser_options_new();
		g_mime_parser_options_set_allow_addresses_without_domain(
		    mime_addr_opts, TRUE);
	}
	g_mutex_unlock(&lock);
	return mime_addr_opts;
}

GMimeParserOptions *
mime_parser_options(void)
{
	static const char	*fallback[] = { "utf-8", "windows-1252", NULL };
	static GMutex		 lock;

	g_mutex_lock(&lock);
	if (mime_opts == NULL) {
		mime_opts = g_mime_parser_options_new();
		g_mime_parser_options_set_rfc2047_compliance_mode(mime_opts,
		    GMIME_RFC_COMPLIANCE_LOOSE);
		g_mime_parser_options_set_address_compliance_mode(mime_opts,
		    GMIME_RFC_COMPLIANCE_LOOSE);
		g_mime_parser_options_set_parameter_compliance_mode(mime_opts,
		    GMIME_RFC_COMPLIANCE_LOOSE);
		g_mime_parser_options_set_allow_addresses_without_domain(
		    mime_opts, TRUE);
		g_mime_parser_options_set_fallback_charsets(mime_opts,
		    fallback);
		g_mime_parser_options_set_warning_callback(mime_opts,
		    mime_warning, NULL);
	}
	g_mutex_unlock(&lock);
	return mime_opts;
}

static GMimeMessage *
mime_parse_stream(GMimeStream *st)
{
	g_autoptr(GMimeParser)	 p = NULL;
	char			 head[5];
	gint64			 start;

	/* Skip a leading mbox "From " envelope line. */
	start = g_mime_stream_tell(st);
	if (g_mime_stream_read(st, head, 5) == 5 && memcmp(head, "From ", 5)
	    == 0) {
		char	 c;

		while (g_mime_stream_read(st, &c, 1) == 1 && c != '\n')
			;
	} else
		g_mime_stream_seek(st, start, GMIME_STREAM_SEEK_SET);
	p = g_mime_parser_new_with_stream(st);
	g_mime_parser_set_format(p, GMIME_FORMAT_MESSAGE);
	return g_mime_parser_construct_message(p, mime_parser_options());
}

GMimeMessage *
mime_message_from_file(const char *path)
{
	g_autoptr(GMimeStream)	 st = NULL;
	int			 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		log_debug("mime: %s: %s", path, g_strerror(errno));
		return NULL;
	}
	st = g_mime_stream_fs_new(fd);
	return mime_parse_stream(st);
}

/* Fields kept past the cap: what the reader shows and what MIME needs. */
static gboolean
mime_view_wanted(const char *line, size_t len)
{
	static const char *const names[] = {
		"from:", "to:", "cc:", "date:", "subject:", "reply-to:",
		"message-id:", "in-reply-to:", "references:", "sender:",
		"mime-version:", "content-", NULL
	};
	size_t i, n;

	for (i = 0; names[i] != NULL; i++) {
		n = strlen(names[i]);
		if (len >= n && g_ascii_strncasecmp(line, names[i], n) == 0)
			return TRUE;
	}
	return FALSE;
}

/*
 * The header block of the message in fd, capped for display: the first
 * MIME_VIEW_FIELDS fields (at most MIME_VIEW_HEADER_BYTES), and after
 * that only the fields the reader shows or MIME needs (up to twice the
 * bytes). *body is set to the offset of the blank line that ends the
 * header (the file size if none), *dropped to the fields left out.
 * NULL when the header is within the cap: parse the file as it is.
 */
static GString *
mime_view_header(int fd, gint64 *body, guint *dropped)
{
	GString		*kept, *line;
	char		 buf[65536];
	ssize_t		 n, i;
	gint64		 off = 0, line_start = 0;
	guint		 fields = 0;
	gboolean	 keep = FALSE, first = TRUE, over = FALSE;

	kept = g_string_new(NULL);
	line = g_string_new(NULL);
	*dropped = 0;
	*body = -1;
	while (*body < 0 && ((n = read(fd, buf, sizeof buf)) > 0 ||
	    (n < 0 && errno == EINTR))) {
		for (i = 0; i < n; i++, off++) {
			char c = buf[i];

			/* A longer line is cut, but keeps its line end. */
			if (line->len < MIME_VIEW_LINE_MAX || c == '\n')
				g_string_append_c(line, c);
			if (c != '\n')
				continue;
			if (line->len == 1 || (line->len == 2 &&
			    line->str[0] == '\r')) {
				*body = line_start;
				break;
			}
			if (first && g_str_has_prefix(line->str, "From ")) {
				/* An mbox envelope line: not a field. */
			} else if (line->str[0] == ' ' ||
			    line->str[0] == '\t') {
				if (keep && kept->len + line->len <=
				    2 * MIME_VIEW_HEADER_BYTES)
					g_string_append_len(kept, line->str,
					    (gssize)line->len);
			} else {
				fields++;
				if (fields > MIME_VIEW_FIELDS ||
				    kept->len + line->len >
				    MIME_VIEW_HEADER_BYTES)
					over = TRUE;
				keep = (!over || mime_view_wanted(line->str,
				    line->len)) && kept->len + line->len <=
				    2 * MIME_VIEW_HEADER_BYTES;
				if (keep)
					g_string_append_len(kept, line->str,
					    (gssize)line->len);
				else
					(*dropped)++;
			}
			first = FALSE;
			g_string_truncate(line, 0);
			line_start = off + 1;
		}
		if (*body < 0 && !over && off > 4 * MIME_VIEW_HEADER_BYTES)
			over = TRUE;	/* one endless line */
	}
	if (*body < 0)
		*body = off;
	g_string_free(line, TRUE);
	if (!over) {
		g_string_free(kept, TRUE);
		*dropped = 0;
		return NULL;
	}
	return kept;
}

/*
 * For the reader: a message whose header is beyond the display cap is
 * parsed from its capped header followed by the file's body (which stays
 * on the file), so that GMime does not hold every field.
 */
static GMimeMessage *
mime_message_from_file_view(const char *path)
{
	g_autoptr(GMimeStream)	 fs = NULL, cat = NULL, head = NULL;
	g_autoptr(GMimeStream)	 rest = NULL;
	GMimeMessage		*m;
	GString			*kept;
	gint64			 body;
	guint			 dropped;
	int			 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		log_debug("mime: %s: %s", path, g_strerror(errno));
		return NULL;
	}
	kept = mime_view_header(fd, &body, &dropped);
	if (lseek(fd, 0, SEEK_SET) != 0) {
		log_debug("mime: %s: %s", path, g_strerror(errno));
		if (kept != NULL)
			g_string_free(kept, TRUE);
		close(fd);
		return NULL;
	}
	fs = g_mime_stream_fs_new(fd);
	if (kept == NULL)
		return mime_parse_stream(fs);
	head = g_mime_stream_mem_new_with_buffer(kept->str, kept->len);
	g_string_free(kept, TRUE);
	rest = g_mime_stream_substream(fs, body, -1);
	cat = g_mime_stream_cat_new();
	g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat), head);
	g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat), rest);
	if ((m = mime_parse_stream(cat)) != NULL && dropped > 0)
		g_object_set_data(G_OBJECT(m), "mime-dropped-fields",
		    GUINT_TO_POINTER(dropped));
	return m;
}

guint
mime_message_dropped_fields(GMimeMessage *m)
{
	if (m == NULL)
		return 0;
	return GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(m),
	    "mime-dropped-fields"));
}

GMimeMessage *
mime_message_from_file_raw(const char *path, gboolean *raw)
{
	GMimeMessage		*m;
	GMimeTextPart		*part;
	g_autofree char		*buf = NULL, *text = NULL;
	ssize_t			 n;
	size_t			 len = 0;
	int			 fd;

	*raw = FALSE;
	if ((m = mime_message_from_file_view(path)) != NULL)
		return m;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	buf = g_malloc(MIME_RAW_MAX);
	while (len < MIME_RAW_MAX && ((n = read(fd, buf + len,
	    MIME_RAW_MAX - len)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	close(fd);
	log_debug("mime: %s: not a parsable message; shown as raw text",
	    path);
	text = mime_to_utf8(buf, (gssize)len, NULL);
	m = g_mime_message_new(TRUE);
	part = g_mime_text_part_new_with_subtype("plain");
	g_mime_text_part_set_text(part, text);
	g_mime_message_set_mime_part(m, GMIME_OBJECT(part));
	g_object_unref(part);
	*raw = TRUE;
	return m;
}

GMimeMessage *
mime_message_from_stream(GMimeStream *st)
{
	if (st == NULL)
		return NULL;
	return mime_parse_stream(st);
}

GMimeMessage *
mime_message_from_data(const void *data, size_t len)
{
	g_autoptr(GMimeStream)	 st = NULL;

	st = g_mime_stream_mem_new_with_buffer(data != NULL ? data : "",
	    data != NULL ? len : 0);
	return mime_parse_stream(st);
}

char *
mime_to_utf8(const char *text, gssize len, const char *charset)
{
	const char	*name;
	char		*out = NULL, *valid;
	gsize		 n;

	if (text == NULL)
		return g_strdup("");
	if (len < 0)
		len = (gssize)strlen(text);
	/* An embedded NUL ends the text; nothing after it is shown anyway. */
	n = strnlen(text, (size_t)len);
	if (charset != NULL && *charset != '\0' &&
	    g_ascii_strcasecmp(charset, "utf-8") != 0 &&
	    g_ascii_strcasecmp(charset, "us-ascii") != 0) {
		name = g_mime_charset_iconv_name(charset);
		out = g_convert(text, (gssize)n, "UTF-8", name, NULL, NULL,
		    NULL);
	}
	if (out == NULL) {
		if (g_utf8_validate(text, (gssize)n, NULL))
			return g_strndup(text, n);
		out = g_convert(text, (gssize)n, "UTF-8", "WINDOWS-1252",
		    NULL, NULL, NULL);
	}
	if (out == NULL)
		return g_utf8_make_valid(text, (gssize)n);
	if (g_utf8_validate(out, -1, NULL))
		return out;
	valid = g_utf8_make_valid(out, -1);
	g_free(out);
	return valid;
}

void
mime_summary_free(struct mime_summary *s)
{
	if (s == NULL)
		return;
	g_free(s->message_id);
	g_free(s->in_reply_to);
	g_free(s->references);
	g_free(s->from);
	g_free(s->from_addr);
	g_free(s->to);
	g_free(s->cc);
	g_free(s->subject);
	g_free(s->body_text);
	g_free(s->snippet);
	g_free(s->attachment_names);
	g_free(s->list_id);
	g_free(s->dsn_original_message_id);
	g_free(s->dsn_envid);
	g_free(s->dsn_action);
	g_free(s->dsn_status);
	g_free(s->dsn_diagnostic);
	g_free(s->dsn_recipient);
	if (s->dsn_rcpts != NULL)
		g_ptr_array_unref(s->dsn_rcpts);
	g_free(s);
}

void
mime_dsn_rcpt_free(struct mime_dsn_rcpt *r)
{
	if (r == NULL)
		return;
	g_free(r->recipient);
	g_free(r->action);
	g_free(r->status);
	g_free(r->diagnostic);
	g_free(r);
}

/*
 * Decoded (transfer encoding removed) bytes of a leaf part, capped: only
 * the first MIME_MAX_RAW decoded bytes are ever produced, so a huge part
 * costs no more memory than a small one.
 */
static char *
mime_part_bytes(GMimeObject *obj, gsize *lenp)
{
	g_autoptr(GMimeStream)	 fs = NULL;
	GMimeDataWrapper	*dw;
	GMimeStream		*src;
	GMimeContentEncoding	 enc;
	char			*out;
	gsize			 n = 0;
	gssize			 r;

	*lenp = 0;
	if (!GMIME_IS_PART(obj))
		return NULL;
	if ((dw = g_mime_part_get_content(GMIME_PART(obj))) == NULL ||
	    (src = g_mime_data_wrapper_get_stream(dw)) == NULL)
		return NULL;
	enc = g_mime_data_wrapper_get_encoding(dw);
	if (g_mime_stream_reset(src) != 0)
		return NULL;
	fs = g_mime_stream_filter_new(src);
	if (enc == GMIME_CONTENT_ENCODING_BASE64 ||
	    enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	    enc == GMIME_CONTENT_ENCODING_UUENCODE) {
		GMimeFilter *f = g_mime_filter_basic_new(enc, FALSE);

		g_mime_stream_filter_add(GMIME_STREAM_FILTER(fs), f);
		g_object_unref(f);
	}
	out = g_malloc(MIME_MAX_RAW + 1);
	while (n < MIME_MAX_RAW) {
		r = g_mime_stream_read(fs, out + n, MIME_MAX_RAW - n);
		if (r <= 0)
			break;
		n += (gsize)r;
	}
	g_mime_stream_reset(src);
	out[n] = '\0';
	*lenp = n;
	return out;
}

/* Text of a text/ part in UTF-8. */
static char *
mime_part_text(GMimeObject *obj)
{
	g_autofree char	*raw = NULL;
	const char	*cs;
	gsize		 n;

	if ((raw = mime_part_bytes(obj, &n)) == NULL)
		return NULL;
	cs = g_mime_object_get_content_type_parameter(obj, "charset");
	return mime_to_utf8(raw, (gssize)n, cs);
}

static void
mime_walk_object(struct mime_walk *w, GMimeObject *obj, int depth)
{
	GMimeContentType	*ct;
	const char		*fname;
	int			 i, n;

	if (obj == NULL || depth > MIME_MAX_DEPTH ||
	    ++w->parts > MIME_MAX_PARTS)
		return;
	ct = g_mime_object_get_content_type(obj);
	if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < n && w->parts <= MIME_MAX_PARTS; i++)
			mime_walk_object(w, g_mime_multipart_get_part(
			    GMIME_MULTIPART(obj), i), depth + 1);
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));

		if (ct != NULL && g_mime_content_type_is_type(ct, "message",
		    "delivery-status"))
			w->dsn_status = obj;
		else if (w->dsn_headers == NULL && inner != NULL)
			w->dsn_headers = obj;
		/* An attached message counts as an attachment. */
		w->sum->has_attachment = TRUE;
		if (inner != NULL &&
		    g_mime_message_get_subject(inner) != NULL) {
			if (w->names->len > 0)
				g_string_append_c(w->names, ' ');
			g_string_append(w->names,
			    g_mime_message_get_subject(inner));
		}
		return;
	}
	if (!GMIME_IS_PART(obj) || ct == NULL)
		return;
	if (g_mime_content_type_is_type(ct, "message", "delivery-status") ||
	    g_mime_content_type_is_type(ct, "message",
	    "global-delivery-status")) {
		w->dsn_status = obj;
		return;
	}
	if (g_mime_content_type_is_type(ct, "text", "rfc822-headers") ||
	    g_mime_content_type_is_type(ct, "message", "rfc822-headers")) {
		if (w->dsn_headers == NULL)
			w->dsn_headers = obj;
		return;
	}
	fname = g_mime_part_get_filename(GMIME_PART(obj));
	if (g_mime_content_type_is_type(ct, "application",
	    "pgp-signature") || g_mime_content_type_is_type(ct,
	    "application", "pkcs7-signature") ||
	    g_mime_content_type_is_type(ct, "application",
	    "x-pkcs7-signature"))
		return;
	if (g_mime_part_is_attachment(GMIME_PART(obj)) || (fname != NULL &&
	    !g_mime_content_type_is_type(ct, "text", "*"))) {
		w->sum->has_attachment = TRUE;
		if (fname != NULL) {
			if (w->names->len > 0)
				g_string_append_c(w->names, ' ');
			g_string_append(w->names, fname);
		}
		return;
	}
	if (w->plain == NULL && g_mime_content_type_is_type(ct, "text",
	    "plain"))
		w->plain = obj;
	else if (w->html == NULL && g_mime_content_type_is_type(ct, "text",
	    "html"))
		w->html = obj;
}

static void
mime_fill_addresses(struct mime_summary *s, GMimeMessage *m)
{
	InternetAddressList	*l;
	InternetAddress		*a;
	const char		*name, *addr = NULL;

	l = g_mime_message_get_from(m);
	if (l != NULL && internet_address_list_length(l) > 0) {
		a = internet_address_list_get_address(l, 0);
		if (INTERNET_ADDRESS_IS_GROUP(a)) {
			InternetAddressList *g = internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(a));

			if (g != NULL && internet_address_list_length(g) > 0)
				a = internet_address_list_get_address(g, 0);
		}
		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			addr = internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(a));
		name = internet_address_get_name(a);
		if (addr != NULL)
			s->from_addr = mime_to_utf8(addr, -1, NULL);
		if (name != NULL && *name != '\0')
			s->from = mime_to_utf8(name, -1, NULL);
		else if (addr != NULL)
			s->from = mime_to_utf8(addr, -1, NULL);
	}
	l = g_mime_message_get_to(m);
	if (l != NULL && internet_address_list_length(l) > 0) {
		g_autofree char *t = internet_address_list_to_string(l, NULL,
		    FALSE);

		s->to = mime_to_utf8(t, -1, NULL);
	}
	l = g_mime_message_get_cc(m);
	if (l != NULL && internet_address_list_length(l) > 0) {
		g_autofree char *t = internet_address_list_to_string(l, NULL,
		    FALSE);

		s->cc = mime_to_utf8(t, -1, NULL);
	}
}

static void
mime_fill_refs(struct mime_summary *s, GMimeMessage *m)
{
	GMimeObject	*obj = GMIME_OBJECT(m);
	GMimeReferences	*refs;
	const char	*h;
	GString		*all;
	int		 i, n, first;

	if ((h = g_mime_object_get_header(obj, "In-Reply-To")) != NULL &&
	    (refs = g_mime_references_parse(mime_parser_options(), h)) !=
	    NULL) {
		if (g_mime_references_length(refs) > 0)
			s->in_reply_to = mime_clean_msgid(
			    g_mime_references_get_message_id(refs, 0));
		g_mime_references_free(refs);
	}
	if ((h = g_mime_object_get_header(obj, "References")) != NULL &&
	    (refs = g_mime_references_parse(mime_parser_options(), h)) !=
	    NULL) {
		n = g_mime_references_length(refs);
		/* Keep the first (the root) and the last ones. */
		all = g_string_new(NULL);
		first = n > MIME_MAX_REFS ? n - MIME_MAX_REFS + 1 : 1;
		for (i = 0; i < n; i++) {
			g_autofree char *id = NULL;

			if (i > 0 && i < first)
				continue;
			id = mime_clean_msgid(g_mime_references_get_message_id(
			    refs, i));
			if (id == NULL)
				continue;
			if (all->len > 0)
				g_string_append_c(all, ' ');
			g_string_append(all, id);
		}
		g_mime_references_free(refs);
		if (all->len > 0)
			s->references = g_string_free(all, FALSE);
		else
			g_string_free(all, TRUE);
	}
}

/* Message-IDs for the index: valid UTF-8, no spaces, no <>, not empty. */
static char *
mime_clean_msgid(const char *id)
{
	char	*s, *p, *q;

	if (id == NULL)
		return NULL;
	s = mime_to_utf8(id, -1, NULL);
	for (p = q = s; *p != '\0'; p++)
		if (!g_ascii_isspace(*p) && *p != '<' && *p != '>')
			*q++ = *p;
	*q = '\0';
	if (*s == '\0' || strlen(s) > 998) {
		g_free(s);
		return NULL;
	}
	return s;
}

/*
 * Value of field name in an RFC 822 style block of text (unfolded,
 * trimmed), or NULL.
 */
static char *
mime_header_field(const char *text, const char *name)
{
	size_t		 nlen = strlen(name);
	const char	*p = text, *e;
	GString		*v;

	while (p != NULL && *p != '\0') {
		if (g_ascii_strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
			v = g_string_new(NULL);
			p += nlen + 1;
			for (;;) {
				e = strchr(p, '\n');
				g_string_append_len(v, p, e != NULL ? e - p :
				    (gssize)strlen(p));
				if (e == NULL || (e[1] != ' ' && e[1] != '\t'))
					break;
				/* Unfold: the line break and indent are one space. */
				p = e + 1;
				while (*p == ' ' || *p == '\t')
					p++;
				g_string_append_c(v, ' ');
			}
			g_strdelimit(v->str, "\r\n\t", ' ');
			g_strstrip(v->str);
			return g_string_free(v, FALSE);
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return NULL;
}

/* "rfc822; user@example.org" -> "user@example.org". */
static char *
mime_strip_type(const char *v)
{
	const char	*semi;
	char		*s;

	if (v == NULL)
		return NULL;
	semi = strchr(v, ';');
	s = mime_to_utf8(semi != NULL ? semi + 1 : v, -1, NULL);
	g_strstrip(s);
	if (*s == '\0') {
		g_free(s);
		return NULL;
	}
	return s;
}

/*
 * What the human-readable part of a DSN says about rcpt: the rest of the
 * line that names it ("rcpt: 550 ..." from OpenSMTPD, "<rcpt>: host ...
 * said: ..." from Postfix) with its indented continuation lines, or when
 * the address stands alone on its line (Exim) the indented lines below
 * it. NULL if the text does not name rcpt.
 */
static char *
mime_dsn_human(const char *text, const char *rcpt)
{
	g_autofree char *low = NULL, *needle = NULL;
	g_auto(GStrv) lines = NULL;
	GString *out;
	size_t indent, ind;
	guint i, j;
	const char *hit, *rest;

	if (text == NULL || rcpt == NULL || *rcpt == '\0')
		return NULL;
	needle = g_ascii_strdown(rcpt, -1);
	lines = g_strsplit(text, "\n", 2000);
	for (i = 0; lines[i] != NULL; i++) {
		g_free(low);
		low = g_ascii_strdown(lines[i], -1);
		if ((hit = strstr(low, needle)) == NULL)
			continue;
		out = g_string_new(NULL);
		rest = lines[i] + (hit - low) + strlen(needle);
		while (*rest == '>' || *rest == ':' || *rest == ' ' ||
		    *rest == '\t' || *rest == '\r')
			rest++;
		g_string_append(out, rest);
		indent = strspn(lines[i], " \t");
		for (j = i + 1; lines[j] != NULL && out->len < 1000; j++) {
			ind = strspn(lines[j], " \t");
			if (lines[j][ind] == '\0' || lines[j][ind] == '\r' ||
			    ind <= indent)
				break;
			if (out->len > 0)
				g_string_append_c(out, ' ');
			g_string_append(out, lines[j] + ind);
		}
		g_strdelimit(out->str, "\r\t", ' ');
		g_strstrip(out->str);
		if (out->len > 0)
			return g_string_free(out, FALSE);
		g_string_free(out, TRUE);
	}
	return NULL;
}

/* One per-recipient block; NULL if it names no recipient and no action. */
static struct mime_dsn_rcpt *
mime_dsn_block(const char *blk, const char *human)
{
	struct mime_dsn_rcpt *r;
	g_autofree char *fr = mime_header_field(blk, "Final-Recipient");
	g_autofree char *orc = mime_header_field(blk, "Original-Recipient");
	g_autofree char *diag = mime_header_field(blk, "Diagnostic-Code");
	char *sp;

	r = g_new0(struct mime_dsn_rcpt, 1);
	r->recipient = mime_strip_type(fr != NULL ? fr : orc);
	r->action = mime_header_field(blk, "Action");
	r->status = mime_header_field(blk, "Status");
	if (r->recipient == NULL && r->action == NULL) {
		mime_dsn_rcpt_free(r);
		return NULL;
	}
	if (r->recipient != NULL && r->recipient[0] == '<') {
		/* "rfc822; <user@example.org>" */
		memmove(r->recipient, r->recipient + 1,
		    strlen(r->recipient));
		if ((sp = strchr(r->recipient, '>')) != NULL)
			*sp = '\0';
	}
	if (r->action != NULL) {
		char *low = g_ascii_strdown(r->action, -1);

		g_free(r->action);
		r->action = low;
	}
	if (r->status != NULL) {
		/* "5.1.1 (bad mailbox)" -> "5.1.1" */
		if ((sp = strpbrk(r->status, " \t(")) != NULL)
			*sp = '\0';
	}
	r->diagnostic = mime_strip_type(diag);
	if (r->diagnostic == NULL)
		r->diagnostic = mime_dsn_human(human, r->recipient);
	return r;
}

static void
mime_fill_dsn(struct mime_summary *s, struct mime_walk *w)
{
	g_autofree char	*raw = NULL, *blk = NULL;
	const struct mime_dsn_rcpt *pick = NULL;
	g_auto(GStrv)	 blocks = NULL;
	gsize		 n;
	guint		 i;

	if (w->dsn_status == NULL)
		return;
	s->is_dsn = TRUE;
	s->dsn_rcpts = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)mime_dsn_rcpt_free);
	if (GMIME_IS_PART(w->dsn_status))
		raw = mime_part_bytes(w->dsn_status, &n);
	else if (GMIME_IS_MESSAGE_PART(w->dsn_status)) {
		GMimeMessage *inner = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(w->dsn_status));

		if (inner != NULL)
			raw = g_mime_object_to_string(GMIME_OBJECT(inner),
			    NULL);
	}
	if (raw == NULL)
		return;
	blk = mime_to_utf8(raw, -1, NULL);
	g_free(raw);
	raw = NULL;
	/*
	 * Normalise line ends and blank lines (whitespace only counts as
	 * blank) so that blank lines separate the field blocks: the first is
	 * per message, each later one is one recipient (RFC 3464 section 2).
	 */
	{
		char *p, *q, *bol;

		for (p = q = bol = blk; *p != '\0'; p++) {
			if (*p == '\r')
				continue;
			*q++ = *p;
			if (*p == '\n') {
				char *t = bol;

				while (t < q - 1 && (*t == ' ' || *t == '\t'))
					t++;
				if (t == q - 1 && t != bol) {
					/* A line of blanks: keep the \n only. */
					bol[0] = '\n';
					q = bol + 1;
				}
				bol = q;
			}
		}
		*q = '\0';
	}
	blocks = g_strsplit(blk, "\n\n", 1001);
	s->dsn_envid = mime_header_field(blocks[0], "Original-Envelope-Id");
	for (i = 1; blocks[0] != NULL && blocks[i] != NULL; i++) {
		struct mime_dsn_rcpt *r = mime_dsn_block(blocks[i],
		    s->body_text);

		if (r != NULL)
			g_ptr_array_add(s->dsn_rcpts, r);
	}
	if (s->dsn_rcpts->len == 0 && blocks[0] != NULL) {
		/* No blank line at all: one block holds everything. */
		struct mime_dsn_rcpt *r = mime_dsn_block(blocks[0],
		    s->body_text);

		if (r != NULL)
			g_ptr_array_add(s->dsn_rcpts, r);
	}
	for (i = 0; i < s->dsn_rcpts->len && pick == NULL; i++) {
		const struct mime_dsn_rcpt *r = g_ptr_array_index(
		    s->dsn_rcpts, i);

		if (r->action != NULL && strcmp(r->action, "failed") == 0)
			pick = r;
	}
	if (pick == NULL && s->dsn_rcpts->len > 0)
		pick = g_ptr_array_index(s->dsn_rcpts, 0);
	if (pick != NULL) {
		s->dsn_recipient = g_strdup(pick->recipient);
		s->dsn_action = g_strdup(pick->action);
		s->dsn_status = g_strdup(pick->status);
		s->dsn_diagnostic = g_strdup(pick->diagnostic);
	}
	if (w->dsn_headers != NULL && GMIME_IS_MESSAGE_PART(w->dsn_headers)) {
		GMimeMessage *inner = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(w->dsn_headers));

		if (inner != NULL)
			s->dsn_original_message_id = mime_clean_msgid(
			    g_mime_message_get_message_id(inner));
	} else if (w->dsn_headers != NULL) {
		g_autofree char *hdrs = mime_part_bytes(w->dsn_headers, &n);
		g_autofree char *mid = NULL;

		if (hdrs != NULL && (mid = mime_header_field(hdrs,
		    "Message-ID")) != NULL) {
			char *lt = strchr(mid, '<'), *gt;

			if (lt != NULL && (gt = strchr(lt, '>')) != NULL)
				*gt = '\0';
			s->dsn_original_message_id = mime_clean_msgid(
			    lt != NULL ? lt + 1 : mid);
		}
	}
}

/* First characters of the body on one line, quoted lines skipped. */
static char *
mime_make_snippet(const char *body)
{
	GString		*s = g_string_new(NULL);
	const char	*p = body, *eol;
	glong		 chars = 0;
	gboolean	 space = FALSE;

	while (*p != '\0' && chars < MIME_MAX_SNIPPET) {
		eol = strchr(p, '\n');
		if (*p == '>') {
			if (eol == NULL)
				break;
			p = eol + 1;
			continue;
		}
		for (; *p != '\0' && *p != '\n' && chars < MIME_MAX_SNIPPET;
		    p = g_utf8_next_char(p)) {
			gunichar c = g_utf8_get_char(p);

			if (g_unichar_isspace(c) || c < 0x20) {
				space = s->len > 0;
				continue;
			}
			if (space) {
				g_string_append_c(s, ' ');
				chars++;
				space = FALSE;
			}
			g_string_append_unichar(s, c);
			chars++;
		}
		if (*p == '\n') {
			space = s->len > 0;
			p++;
		}
	}
	return g_string_free(s, FALSE);
}

struct mime_summary *
mime_summarize(GMimeMessage *m)
{
	struct mime_summary	*s = g_new0(struct mime_summary, 1);
	struct mime_walk	 w;
	GDateTime		*dt;
	const char		*v;
	char			*body = NULL;

	if (m == NULL)
		return s;
	s->message_id = mime_clean_msgid(g_mime_message_get_message_id(m));
	if ((v = g_mime_message_get_subject(m)) != NULL)
		s->subject = mime_to_utf8(v, -1, NULL);
	if ((dt = g_mime_message_get_date(m)) != NULL)
		s->date = g_date_time_to_unix(dt);
	mime_fill_addresses(s, m);
	mime_fill_refs(s, m);
	if ((v = g_mime_object_get_header(GMIME_OBJECT(m), "List-Id")) !=
	    NULL)
		s->list_id = mime_to_utf8(v, -1, NULL);

	memset(&w, 0, sizeof(w));
	w.sum = s;
	w.names = g_string_new(NULL);
	mime_walk_object(&w, g_mime_message_get_mime_part(m), 0);
	s->crypt = crypt_message_kinds(m);
	if (s->crypt & CRYPT_ENCRYPTED) {
		/* Ciphertext is no text; the plain text only when asked. */
		if (mime_summary_flags & MIME_SUMMARY_DECRYPT)
			body = crypt_message_text(m, MIME_MAX_BODY);
		if (body == NULL)
			body = g_strdup("");
	} else if (w.plain != NULL)
		body = mime_part_text(w.plain);
	else if (w.html != NULL) {
		g_autofree char *html = mime_part_text(w.html);

		if (html != NULL)
			body = html_to_text(html, -1);
	}
	if (body != NULL && strlen(body) > MIME_MAX_BODY) {
		/* Cut at a character boundary. */
		char *end = g_utf8_find_prev_char(body, body + MIME_MAX_BODY);

		if (end != NULL)
			*end = '\0';
	}
	s->body_text = body != NULL ? body : g_strdup("");
	s->snippet = mime_make_snippet(s->body_text);
	if (w.names->len > 0)
		s->attachment_names = mime_to_utf8(w.names->str, -1, NULL);
	g_string_free(w.names, TRUE);
	mime_fill_dsn(s, &w);
	return s;
}
