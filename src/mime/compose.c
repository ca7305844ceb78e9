/*
 * compose.c: parse an edited template into fields and build the message.
 */
#include "satchel-config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "mime/mime.h"
#include "mime/compose.h"

/* Longest line SMTP allows without an encoding, CRLF excluded. */
#define COMPOSE_LINE_MAX	998
/* Bytes read from an attachment to guess its type. */
#define COMPOSE_SNIFF	4096

struct compose_header_name {
	const char	*name;
	size_t		 offset;	/* in struct compose_fields, or -1 */
	gboolean	 list;		/* values of repeated lines are joined */
};

static gboolean	 compose_parse_header(struct compose_fields *, const char *,
		    const char *, guint, GError **);
static gboolean	 compose_add_addresses(GMimeMessage *, GMimeAddressType,
		    const char *, GError **);
static char	*compose_strip_ids(const char *);
static GMimeObject *compose_text_part(const char *);
static const char *compose_text_charset(int);
static GMimePart *compose_attachment_part(const struct compose_attachment *,
		    GError **);
static char	*compose_subject_prefixed(const char *, const char *,
		    const char *const *);
static char	*compose_domain(const char *);

static const char *const compose_reply_prefixes[] = {
	"re:", "aw:", "sv:", "antw:", NULL
};
static const char *const compose_forward_prefixes[] = {
	"fwd:", "fw:", "wg:", NULL
};

G_DEFINE_QUARK(satchel-compose-error-quark, compose_error)

const char *
compose_strerror(enum compose_status st)
{
	switch (st) {
	case COMPOSE_OK:
		return _("success");
	case COMPOSE_ERR_NO_RECIPIENT:
		return _("no recipient");
	case COMPOSE_ERR_ADDRESS:
		return _("bad address");
	case COMPOSE_ERR_ATTACHMENT:
		return _("attachment cannot be read");
	case COMPOSE_ERR_PARSE:
		return _("malformed message header");
	case COMPOSE_ERR_IO:
		return _("cannot write the message");
	}
	return _("unknown error");
}

struct compose_attachment *
compose_attachment_new(const char *path, const char *filename,
    const char *content_type)
{
	struct compose_attachment *a;

	a = g_new0(struct compose_attachment, 1);
	a->path = g_strdup(path);
	a->filename = g_strdup(filename);
	a->content_type = g_strdup(content_type);
	return a;
}

void
compose_attachment_free(struct compose_attachment *a)
{
	if (a == NULL)
		return;
	g_free(a->path);
	g_free(a->filename);
	g_free(a->content_type);
	g_free(a);
}

gboolean
compose_addr_first_seen(GHashTable *seen, const char *addr)
{
	char	*key = g_utf8_casefold(addr, -1);

	if (g_hash_table_contains(seen, key)) {
		g_free(key);
		return FALSE;
	}
	g_hash_table_add(seen, key);
	return TRUE;
}

void
compose_fields_init(struct compose_fields *f)
{
	memset(f, 0, sizeof *f);
	f->attachments = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)compose_attachment_free);
}

void
compose_fields_clear(struct compose_fields *f)
{
	g_free(f->from);
	g_free(f->reply_to);
	g_free(f->to);
	g_free(f->cc);
	g_free(f->bcc);
	g_free(f->subject);
	g_free(f->body);
	g_free(f->in_reply_to);
	g_free(f->references);
	if (f->attachments != NULL)
		g_ptr_array_unref(f->attachments);
	memset(f, 0, sizeof *f);
}

gboolean
compose_addr_is_safe(const char *addr)
{
	const unsigned char	*p;
	const char		*at;
	size_t			 len;

	if (addr == NULL || (len = strlen(addr)) == 0 || len > 254)
		return FALSE;
	if ((at = strrchr(addr, '@')) == NULL || at == addr || at[1] == '\0')
		return FALSE;
	if (strchr(addr, '@') != at)
		return FALSE;
	for (p = (const unsigned char *)addr; *p != '\0'; p++) {
		if (*p <= 0x20 || *p == 0x7f)
			return FALSE;
		if (strchr("<>()\\\",;:", *p) != NULL)
			return FALSE;
	}
	return g_utf8_validate(addr, -1, NULL);
}

/*
 * Parsing the template.
 */

static const struct compose_header_name compose_headers[] = {
	{ "from", G_STRUCT_OFFSET(struct compose_fields, from), FALSE },
	{ "reply-to", G_STRUCT_OFFSET(struct compose_fields, reply_to), TRUE },
	{ "to", G_STRUCT_OFFSET(struct compose_fields, to), TRUE },
	{ "cc", G_STRUCT_OFFSET(struct compose_fields, cc), TRUE },
	{ "bcc", G_STRUCT_OFFSET(struct compose_fields, bcc), TRUE },
	{ "subject", G_STRUCT_OFFSET(struct compose_fields, subject), FALSE },
	{ "in-reply-to", G_STRUCT_OFFSET(struct compose_fields, in_reply_to),
	  FALSE },
	{ "references", G_STRUCT_OFFSET(struct compose_fields, references),
	  TRUE },
	{ "attach", (size_t)-1, FALSE },
	{ NULL, 0, FALSE },
};

static gboolean
compose_parse_header(struct compose_fields *f, const char *name,
    const char *value, guint lineno, GError **err)
{
	const struct compose_header_name	*h;
	g_autofree char				*v = NULL;
	char					**slot;

	v = g_strstrip(g_strdup(value));
	for (h = compose_headers; h->name != NULL; h++)
		if (g_ascii_strcasecmp(h->name, name) == 0)
			break;
	if (h->name == NULL) {
		g_set_error(err, COMPOSE_ERROR, COMPOSE_ERR_PARSE,
		    _("line %u: unknown header \"%s\" (known: From, To, Cc, "
		    "Bcc, Reply-To, Subject, In-Reply-To, References, "
		    "Attach; an empty line must separate the body)"),
		    lineno, name);
		return FALSE;
	}
	if (h->offset == (size_t)-1) {
		g_autofree char *path = NULL;

		if (*v == '\0')
			return TRUE;
		path = path_expand(v);
		g_ptr_array_add(f->attachments,
		    compose_attachment_new(path, NULL, NULL));
		return TRUE;
	}
	if (h->offset == G_STRUCT_OFFSET(struct compose_fields, in_reply_to) ||
	    h->offset == G_STRUCT_OFFSET(struct compose_fields, references)) {
		char *ids = compose_strip_ids(v);

		g_free(v);
		v = ids;
	}
	slot = G_STRUCT_MEMBER_P(f, h->offset);
	if (*v == '\0')
		return TRUE;
	if (*slot != NULL && h->list) {
		char *joined = g_strconcat(*slot,
		    h->offset == G_STRUCT_OFFSET(struct compose_fields,
		    references) ? " " : ", ", v, NULL);

		g_free(*slot);
		*slot = joined;
	} else {
		g_free(*slot);
		*slot = g_steal_pointer(&v);
	}
	return TRUE;
}

gboolean
compose_parse(const char *text, const GPtrArray *extra,
    struct compose_fields *f, GError **err)
{
	g_auto(GStrv)	 lines = NULL;
	g_autoptr(GString) value = NULL;
	g_autofree char	*name = NULL;
	GString		*body;
	guint		 i, n, name_line = 0;
	char		*line, *colon;
	size_t		 len;

	compose_fields_init(f);
	if (text == NULL)
		text = "";
	lines = g_strsplit(text, "\n", -1);
	n = g_strv_length(lines);
	value = g_string_new(NULL);
	for (i = 0; i < n; i++) {
		line = lines[i];
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len == 0)
			break;
		if (line[0] == ' ' || line[0] == '\t') {
			if (name == NULL) {
				g_set_error(err, COMPOSE_ERROR,
				    COMPOSE_ERR_PARSE, _("line %u: "
				    "continuation line without a header"),
				    i + 1);
				goto fail;
			}
			g_string_append_c(value, ' ');
			g_string_append(value, g_strchug(line));
			continue;
		}
		if (name != NULL && !compose_parse_header(f, name, value->str,
		    name_line, err))
			goto fail;
		g_clear_pointer(&name, g_free);
		colon = strchr(line, ':');
		if (colon == NULL || colon == line ||
		    strcspn(line, " \t") < (size_t)(colon - line)) {
			g_set_error(err, COMPOSE_ERROR, COMPOSE_ERR_PARSE,
			    _("line %u: expected \"Header: value\" or an "
			    "empty line before the body"), i + 1);
			goto fail;
		}
		name = g_strndup(line, (gsize)(colon - line));
		name_line = i + 1;
		g_string_assign(value, colon + 1);
	}
	if (name != NULL && !compose_parse_header(f, name, value->str,
	    name_line, err))
		goto fail;

	body = g_string_new(NULL);
	for (i = i + 1; i < n; i++) {
		line = lines[i];
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		g_string_append(body, line);
		if (i + 1 < n)
			g_string_append_c(body, '\n');
	}
	f->body = g_string_free(body, FALSE);

	if (extra != NULL) {
		for (i = 0; i < extra->len; i++) {
			const struct compose_attachment *a =
			    g_ptr_array_index(extra, i);

			g_ptr_array_add(f->attachments, compose_attachment_new(
			    a->path, a->filename, a->content_type));
		}
	}
	return TRUE;
fail:
	compose_fields_clear(f);
	return FALSE;
}

/* "<a> <b>" or "a b" into "a b". */
static char *
compose_strip_ids(const char *v)
{
	g_auto(GStrv)	 words = NULL;
	GString		*out;
	guint		 i;
	char		*w;

	out = g_string_new(NULL);
	words = g_strsplit_set(v, " \t,", -1);
	for (i = 0; words[i] != NULL; i++) {
		w = words[i];
		if (*w == '<')
			w++;
		if (*w != '\0' && w[strlen(w) - 1] == '>')
			w[strlen(w) - 1] = '\0';
		if (*w == '\0')
			continue;
		if (out->len > 0)
			g_string_append_c(out, ' ');
		g_string_append(out, w);
	}
	return g_string_free(out, FALSE);
}

/*
 * Building the message.
 */

static gboolean
compose_add_addresses(GMimeMessage *m, GMimeAddressType type,
    const char *text, GError **err)
{
	g_autoptr(InternetAddressList) parsed = NULL;
	InternetAddressList	*dst;
	InternetAddress		*ia;
	const char		*addr;
	int			 i, n;

	if (text == NULL || text[strspn(text, " \t\r\n")] == '\0')
		return TRUE;
	/*
	 * A control character would make the parser cut the address short
	 * and the message go to someone else: refuse it outright.
	 */
	for (addr = text; *addr != '\0'; addr++) {
		if (((unsigned char)*addr < 0x20 && *addr != '\t' &&
		    *addr != '\r' && *addr != '\n') || *addr == 0x7f) {
			g_autofree char *safe = sanitize_text(text, -1, 0);

			g_set_error(err, COMPOSE_ERROR, COMPOSE_ERR_ADDRESS,
			    _("the address list \"%s\" holds a control "
			    "character"), safe);
			return FALSE;
		}
	}
	parsed = internet_address_list_parse(mime_address_options(), text);
	if (parsed == NULL) {
		g_set_error(err, COMPOSE_ERROR, COMPOSE_ERR_ADDRESS,
		    _("cannot parse the address list \"%s\""), text);
		return FALSE;
	}
	dst = g_mime_message_get_addresses(m, type);
	n = internet_address_list_length(parsed);
	for (i = 0; i < n; i++) {
		ia = internet_address_list_get_address(parsed, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			InternetAddressList *members =
			    internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(ia));
			int j;

			for (j = 0; j < internet_address_list_length(members);
			    j++) {
				InternetAddress *mb =
				    internet_address_list_get_address(members,
				    j);

				if (!INTERNET_ADDRESS_IS_MAILBOX(mb))
					continue;
				addr = internet_address_mailbox_get_addr(
				    INTERNET_ADDRESS_MAILBOX(mb));
				if (!compose_addr_is_safe(addr)) {
					g_set_error(err, COMPOSE_ERROR,
					    COMPOSE_ERR_ADDRESS,
					    _("bad address \"%s\""), addr);
					return FALSE;
				}
			}
		} else {
			addr = internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ia));
			if (!compose_addr_is_safe(addr)) {
				g_set_error(err, COMPOSE_ERROR,
				    COMPOSE_ERR_ADDRESS,
				    _("bad address \"%s\" in \"%s\""),
				    addr != NULL ? addr : "", text);
				return FALSE;
			}
		}
		internet_address_set_charset(ia, "utf-8");
		internet_address_list_add(dst, ia);
	}
	return TRUE;
}

/* The domain of an address, for Message-IDs. */
static char *
compose_domain(const char *addr)
{
	const char *at;

	if (addr != NULL && (at = strrchr(addr, '@')) != NULL && at[1] != '\0')
		return g_strdup(at + 1);
	return g_strdup("localhost");
}

static GMimeObject *
compose_text_part(const char *text)
{
	g_autoptr(GMimeStream)	 mem = NULL;
	g_autoptr(GMimeDataWrapper) dw = NULL;
	GMimeTextPart		*part;
	GString			*body;
	const char		*p, *line;
	gboolean		 ascii = TRUE, long_line = FALSE;
	g_autofree char		*valid = NULL;

	valid = g_utf8_make_valid(text != NULL ? text : "", -1);
	body = g_string_new(NULL);
	for (p = valid; *p != '\0'; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue;
		g_string_append_c(body, *p);
	}
	if (body->len > 0 && body->str[body->len - 1] != '\n')
		g_string_append_c(body, '\n');
	for (line = p = body->str; *p != '\0'; p++) {
		if ((unsigned char)*p >= 0x80)
			ascii = FALSE;
		if (*p == '\n') {
			if (p - line > COMPOSE_LINE_MAX)
				long_line = TRUE;
			line = p + 1;
		}
	}

	part = g_mime_text_part_new_with_subtype("plain");
	mem = g_mime_stream_mem_new_with_buffer(body->str, body->len);
	g_string_free(body, TRUE);
	dw = g_mime_data_wrapper_new_with_stream(mem,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(GMIME_PART(part), dw);
	g_mime_text_part_set_charset(part, "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(part),
	    ascii && !long_line ? GMIME_CONTENT_ENCODING_7BIT :
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	return GMIME_OBJECT(part);
}

/*
 * "us-ascii" when every byte from fd is ASCII, "utf-8" when they are valid
 * UTF-8 (no NUL), NULL otherwise or on a read error. Reads to the end.
 */
static const char *
compose_text_charset(int fd)
{
	guchar		 buf[65536 + 4];
	const gchar	*end;
	size_t		 carry = 0, len, i;
	ssize_t		 n;
	gboolean	 ascii = TRUE;

	for (;;) {
		do
			n = read(fd, buf + carry, sizeof buf - 4 - carry);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return NULL;
		len = carry + (size_t)n;
		if (n == 0)
			return carry > 0 ? NULL : ascii ? "us-ascii" : "utf-8";
		for (i = carry; i < len; i++) {
			if (buf[i] == '\0')
				return NULL;
			if (buf[i] >= 0x80)
				ascii = FALSE;
		}
		if (g_utf8_validate((const gchar *)buf, (gssize)len, &end)) {
			carry = 0;
			continue;
		}
		/* Only a sequence cut at the end of the buffer may go on. */
		carry = len - ((const guchar *)end - buf);
		if (carry >= 4 || g_utf8_get_char_validated(end,
		    (gssize)carry) != (gunichar)-2)
			return NULL;
		memmove(buf, end, carry);
	}
}

static GMimePart *
compose_attachment_part(const struct compose_attachment *a, GError **err)
{
	g_autoptr(GMimeStream)	 fs = NULL;
	g_autoptr(GMimeDataWrapper) dw = NULL;
	GMimeContentType	*ct = NULL;
	g_autofree char		*guessed = NULL, *base = NULL;
	GMimePart		*part;
	guchar			 sniff[COMPOSE_SNIFF];
	ssize_t			 n;
	gboolean		 uncertain, eight = FALSE;
	const char		*type;
	int			 fd;

	fd = open(a->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		g_set_error(err, COMPOSE_ERROR, COMPOSE_ERR_ATTACHMENT,
		    _("cannot read the attachment %s: %s"), a->path,
		    g_strerror(errno));
		return NULL;
	}
	do
		n = read(fd, sniff, sizeof sniff);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		g_set_error(err, COMPOSE_ERROR, COMPOSE_ERR_ATTACHMENT,
		    _("cannot read the attachment %s: %s"), a->path,
		    g_strerror(errno));
		close(fd);
		return NULL;
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		g_set_error(err, COMPOSE_ERROR, COMPOSE_ERR_ATTACHMENT,
		    _("cannot read the attachment %s: %s"), a->path,
		    g_strerror(errno));
		close(fd);
		return NULL;
	}
	base = g_path_get_basename(a->path);
	if (a->content_type != NULL)
		type = a->content_type;
	else {
		g_autofree char *ctype = g_content_type_guess(base,
		    n > 0 ? sniff : NULL, (gsize)n, &uncertain);

		guessed = g_content_type_get_mime_type(ctype);
		if (guessed == NULL)
			guessed = g_strdup("application/octet-stream");
		type = guessed;
	}
	ct = g_mime_content_type_parse(NULL, type);
	if (ct != NULL && g_mime_content_type_get_media_type(ct) == NULL)
		g_clear_object(&ct);
	if (ct == NULL)
		ct = g_mime_content_type_new("application", "octet-stream");
	/*
	 * Text without a charset is US-ASCII to the receiver (RFC 2046
	 * section 4.1.2): say what it is when we can tell.
	 */
	if (g_mime_content_type_is_type(ct, "text", "*") &&
	    g_mime_content_type_get_parameter(ct, "charset") == NULL) {
		const char *cs = compose_text_charset(fd);

		if (lseek(fd, 0, SEEK_SET) != 0) {
			g_set_error(err, COMPOSE_ERROR, COMPOSE_ERR_ATTACHMENT,
			    _("cannot read the attachment %s: %s"), a->path,
			    g_strerror(errno));
			g_object_unref(ct);
			close(fd);
			return NULL;
		}
		if (cs != NULL)
			g_mime_content_type_set_parameter(ct, "charset", cs);
	}
	fs = g_mime_stream_fs_new(fd);	/* owns fd now */
	dw = g_mime_data_wrapper_new_with_stream(fs,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	part = g_mime_part_new_with_type(g_mime_content_type_get_media_type(ct),
	    g_mime_content_type_get_media_subtype(ct));
	if (g_mime_content_type_get_parameter(ct, "charset") != NULL)
		g_mime_object_set_content_type_parameter(GMIME_OBJECT(part),
		    "charset", g_mime_content_type_get_parameter(ct,
		    "charset"));
	g_mime_part_set_content(part, dw);
	if (g_mime_content_type_is_type(ct, "message", "rfc822")) {
		/* RFC 2046 5.2.1: never base64 or quoted-printable. */
		for (ssize_t i = 0; i < n; i++)
			if (sniff[i] >= 0x80)
				eight = TRUE;
		g_mime_part_set_content_encoding(part, eight ?
		    GMIME_CONTENT_ENCODING_8BIT : GMIME_CONTENT_ENCODING_7BIT);
		g_mime_object_set_disposition(GMIME_OBJECT(part),
		    GMIME_DISPOSITION_INLINE);
		if (a->filename != NULL)
			g_mime_part_set_filename(part, a->filename);
	} else {
		g_mime_object_set_disposition(GMIME_OBJECT(part),
		    GMIME_DISPOSITION_ATTACHMENT);
		g_mime_part_set_filename(part,
		    a->filename != NULL ? a->filename : base);
		g_mime_part_set_content_encoding(part,
		    GMIME_CONTENT_ENCODING_BASE64);
	}
	g_object_unref(ct);
	return part;
}

GMimeMessage *
compose_build(const struct compose_identity *id,
    const struct compose_fields *f, GError **err)
{
	g_autoptr(GMimeMessage)	 m = NULL;
	g_autoptr(GDateTime)	 now = NULL;
	g_autofree char		*domain = NULL, *msgid = NULL;
	GMimeObject		*body;
	GString			*refs;
	guint			 i;
	g_auto(GStrv)		 ids = NULL;

	if (id == NULL || !compose_addr_is_safe(id->addr)) {
		g_set_error(err, COMPOSE_ERROR, COMPOSE_ERR_ADDRESS,
		    _("the sender address \"%s\" is not usable"),
		    id != NULL && id->addr != NULL ? id->addr : "");
		return NULL;
	}
	m = g_mime_message_new(TRUE);
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_FROM,
	    id->name != NULL && *id->name != '\0' ? id->name : NULL, id->addr);
	internet_address_set_charset(internet_address_list_get_address(
	    g_mime_message_get_from(m), 0), "utf-8");
	if (!compose_add_addresses(m, GMIME_ADDRESS_TYPE_REPLY_TO,
	    f->reply_to, err) ||
	    !compose_add_addresses(m, GMIME_ADDRESS_TYPE_TO, f->to, err) ||
	    !compose_add_addresses(m, GMIME_ADDRESS_TYPE_CC, f->cc, err) ||
	    !compose_add_addresses(m, GMIME_ADDRESS_TYPE_BCC, f->bcc, err))
		return NULL;
	{
		g_autoptr(GPtrArray) rcpts = compose_recipients(m);

		if (rcpts->len == 0) {
			g_set_error(err, COMPOSE_ERROR,
			    COMPOSE_ERR_NO_RECIPIENT,
			    _("no recipient: fill in To, Cc or Bcc"));
			return NULL;
		}
	}
	g_mime_message_set_subject(m, f->subject != NULL ? f->subject : "",
	    "utf-8");
	now = g_date_time_new_now_local();
	g_mime_message_set_date(m, now);
	domain = compose_domain(id->addr);
	msgid = g_mime_utils_generate_message_id(domain);
	g_mime_message_set_message_id(m, msgid);
	if (f->in_reply_to != NULL && *f->in_reply_to != '\0') {
		g_autofree char *first = NULL, *v = NULL;
		g_auto(GStrv) w = g_strsplit(f->in_reply_to, " ", 2);

		first = g_strdup(w[0]);
		v = g_strdup_printf("<%s>", first);
		g_mime_object_set_header(GMIME_OBJECT(m), "In-Reply-To", v,
		    NULL);
	}
	if (f->references != NULL && *f->references != '\0') {
		refs = g_string_new(NULL);
		ids = g_strsplit(f->references, " ", -1);
		for (i = 0; ids[i] != NULL; i++) {
			if (*ids[i] == '\0')
				continue;
			if (refs->len > 0)
				g_string_append_c(refs, ' ');
			g_string_append_printf(refs, "<%s>", ids[i]);
		}
		if (refs->len > 0)
			g_mime_object_set_header(GMIME_OBJECT(m), "References",
			    refs->str, NULL);
		g_string_free(refs, TRUE);
	}

	body = compose_text_part(f->body);
	if (f->attachments != NULL && f->attachments->len > 0) {
		GMimeMultipart *mixed = g_mime_multipart_new_with_subtype(
		    "mixed");

		g_mime_multipart_add(mixed, body);
		g_object_unref(body);
		for (i = 0; i < f->attachments->len; i++) {
			GMimePart *p = compose_attachment_part(
			    g_ptr_array_index(f->attachments, i), err);

			if (p == NULL) {
				g_object_unref(mixed);
				return NULL;
			}
			g_mime_multipart_add(mixed, GMIME_OBJECT(p));
			g_object_unref(p);
		}
		body = GMIME_OBJECT(mixed);
	}
	g_mime_message_set_mime_part(m, body);
	g_object_unref(body);
	return g_steal_pointer(&m);
}

GMimeMessage *
compose_parse_build(const struct compose_identity *id, const char *text,
    const GPtrArray *extra, GError **err)
{
	struct compose_fields	 f;
	GMimeMessage		*m;

	if (!compose_parse(text, extra, &f, err))
		return NULL;
	m = compose_build(id, &f, err);
	compose_fields_clear(&f);
	return m;
}

/*
 * Output.
 */

GBytes *
compose_to_bytes(GMimeMessage *m, gboolean keep_bcc)
{
	GMimeFormatOptions	*fo;
	g_autoptr(GMimeStream)	 mem = NULL;
	GByteArray		*ba;

	fo = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fo,
	    GMIME_NEWLINE_FORMAT_DOS);
	if (!keep_bcc)
		g_mime_format_options_add_hidden_header(fo, "Bcc");
	ba = g_byte_array_new();
	mem = g_mime_stream_mem_new_with_byte_array(ba);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_mime_object_write_to_stream(GMIME_OBJECT(m), fo, mem);
	g_mime_stream_flush(mem);
	g_mime_format_options_free(fo);
	return g_byte_array_free_to_bytes(ba);
}

GBytes *
compose_wire_bytes(const void *data, gsize len)
{
	const char	*p = data, *end = p + len, *eol, *next;
	GByteArray	*out;
	gboolean	 in_headers = TRUE, skipping = FALSE;
	gsize		 linelen;

	out = g_byte_array_sized_new((guint)len + 64);
	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		next = eol != NULL ? eol + 1 : end;
		linelen = (gsize)((eol != NULL ? eol : end) - p);
		if (linelen > 0 && p[linelen - 1] == '\r')
			linelen--;
		if (in_headers) {
			if (linelen == 0)
				in_headers = FALSE;
			else if (p[0] == ' ' || p[0] == '\t') {
				/* Continuation of the previous header. */
			} else
				skipping = linelen >= 4 &&
				    g_ascii_strncasecmp(p, "bcc:", 4) == 0;
			if (in_headers && skipping) {
				p = next;
				continue;
			}
		}
		g_byte_array_append(out, (const guint8 *)p, (guint)linelen);
		if (eol != NULL)
			g_byte_array_append(out, (const guint8 *)"\r\n", 2);
		p = next;
	}
	return g_byte_array_free_to_bytes(out);
}

GPtrArray *
compose_recipients(GMimeMessage *m)
{
	static const GMimeAddressType types[] = {
		GMIME_ADDRESS_TYPE_TO, GMIME_ADDRESS_TYPE_CC,
		GMIME_ADDRESS_TYPE_BCC,
	};
	g_autoptr(GHashTable)	 seen = NULL;
	GPtrArray		*out;
	InternetAddressList	*l;
	InternetAddress		*ia;
	const char		*addr;
	size_t			 t;
	int			 i, j;

	out = g_ptr_array_new_with_free_func(g_free);
	seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (t = 0; t < G_N_ELEMENTS(types); t++) {
		l = g_mime_message_get_addresses(m, types[t]);
		for (i = 0; l != NULL && i < internet_address_list_length(l);
		    i++) {
			InternetAddressList *members = NULL;

			ia = internet_address_list_get_address(l, i);
			if (INTERNET_ADDRESS_IS_GROUP(ia))
				members = internet_address_group_get_members(
				    INTERNET_ADDRESS_GROUP(ia));
			for (j = 0; j < (members != NULL ?
			    internet_address_list_length(members) : 1); j++) {
				InternetAddress *mb = members != NULL ?
				    internet_address_list_get_address(members,
				    j) : ia;

				if (!INTERNET_ADDRESS_IS_MAILBOX(mb))
					continue;
				addr = internet_address_mailbox_get_addr(
				    INTERNET_ADDRESS_MAILBOX(mb));
				if (addr == NULL || *addr == '\0')
					continue;
				if (compose_addr_first_seen(seen, addr))
					g_ptr_array_add(out, g_strdup(addr));
			}
		}
	}
	return out;
}

/*
 * Subjects.
 */

static char *
compose_subject_prefixed(const char *subject, const char *prefix,
    const char *const *strip)
{
	const char	*s = subject != NULL ? subject : "";
	const char	*const *p;
	gboolean	 again = TRUE;
	size_t		 n;

	/* Drop every leading reply/forward marker, then add ours once. */
	while (again) {
		again = FALSE;
		while (g_ascii_isspace(*s))
			s++;
		for (p = strip; *p != NULL; p++) {
			n = strlen(*p);
			if (g_ascii_strncasecmp(s, *p, n) == 0) {
				s += n;
				again = TRUE;
				break;
			}
			/* "Re[2]:" and "Re(2):" */
			if (n > 1 && g_ascii_strncasecmp(s, *p, n - 1) == 0 &&
			    (s[n - 1] == '[' || s[n - 1] == '(')) {
				const char *q = s + n;

				while (g_ascii_isdigit(*q))
					q++;
				if ((*q == ']' || *q == ')') && q[1] == ':') {
					s = q + 2;
					again = TRUE;
					break;
				}
			}
		}
	}
	return g_strconcat(prefix, s, NULL);
}

char *
compose_subject_reply(const char *subject)
{
	return compose_subject_prefixed(subject, "Re: ",
	    compose_reply_prefixes);
}

char *
compose_subject_forward(const char *subject)
{
	return compose_subject_prefixed(subject, "Fwd: ",
	    compose_forward_prefixes);
}

gboolean
compose_parse_sender(const char *from, char **name, char **addr,
    GError **err)
{
	g_autoptr(InternetAddressList)	 l = NULL;
	InternetAddress			*ia;
	const char			*a, *n;

	*name = *addr = NULL;
	if (from != NULL)
		l = internet_address_list_parse(mime_address_options(), from);
	if (l == NULL || internet_address_list_length(l) != 1 ||
	    !INTERNET_ADDRESS_IS_MAILBOX(
	    ia = internet_address_list_get_address(l, 0))) {
		g_autofree char *safe = sanitize_text(from != NULL ? from : "",
		    -1, 0);

		g_set_error(err, COMPOSE_ERROR, COMPOSE_ERR_ADDRESS,
		    _("From: \"%s\" must be one address"), safe);
		return FALSE;
	}
	a = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	if (!compose_addr_is_safe(a)) {
		g_autofree char *safe = sanitize_text(a != NULL ? a : "", -1,
		    0);

		g_set_error(err, COMPOSE_ERROR, COMPOSE_ERR_ADDRESS,
		    _("the sender address \"%s\" is not usable"), safe);
		return FALSE;
	}
	n = internet_address_get_name(ia);
	*name = n != NULL && *n != '\0' ? g_strdup(n) : NULL;
	*addr = g_strdup(a);
	return TRUE;
}

/* Add the mailbox addresses of l (groups flattened once) to out. */
static void
compose_addressed_add(GPtrArray *out, InternetAddressList *l)
{
	InternetAddress	*ia;
	const char	*a;
	int		 i;

	for (i = 0; l != NULL && i < internet_address_list_length(l); i++) {
		ia = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			InternetAddressList *m =
			    internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(ia));
			int j;

			for (j = 0; j < internet_address_list_length(m); j++)
				if (INTERNET_ADDRESS_IS_MAILBOX(
				    internet_address_list_get_address(m, j)) &&
				    (a = internet_address_mailbox_get_addr(
				    INTERNET_ADDRESS_MAILBOX(
				    internet_address_list_get_address(m,
				    j)))) != NULL && *a != '\0')
					g_ptr_array_add(out, g_strdup(a));
			continue;
		}
		a = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia));
		if (a != NULL && *a != '\0')
			g_ptr_array_add(out, g_strdup(a));
	}
}

GPtrArray *
compose_addressed_to(GMimeMessage *m)
{
	static const char *const fields[] = {
		"Delivered-To", "X-Original-To", "Envelope-To",
	};
	GPtrArray	*out = g_ptr_array_new_with_free_func(g_free);
	const char	*v;
	size_t		 i;

	if (m == NULL)
		return out;
	for (i = 0; i < G_N_ELEMENTS(fields); i++) {
		g_autoptr(InternetAddressList) l = NULL;

		v = g_mime_object_get_header(GMIME_OBJECT(m), fields[i]);
		if (v != NULL && (l = internet_address_list_parse(
		    mime_parser_options(), v)) != NULL)
			compose_addressed_add(out, l);
	}
	compose_addressed_add(out, g_mime_message_get_to(m));
	compose_addressed_add(out, g_mime_message_get_cc(m));
	return out;
}

char *
compose_list_post(GMimeMessage *m)
{
	const char	*v, *p, *end;
	GString		*addr;
	int		 hi, lo;

	if (m == NULL || (v = g_mime_object_get_header(GMIME_OBJECT(m),
	    "List-Post")) == NULL)
		return NULL;
	for (p = v; *p != '\0'; p++)
		if (*p == '<' && g_ascii_strncasecmp(p + 1, "mailto:", 7) == 0)
			break;
	if (*p == '\0')
		return NULL;
	p += 8;
	end = p + strcspn(p, ">?");
	if (*end == '\0')
		return NULL;
	addr = g_string_new(NULL);
	for (; p < end; p++) {
		if (*p == '%' && p + 2 < end &&
		    (hi = g_ascii_xdigit_value(p[1])) >= 0 &&
		    (lo = g_ascii_xdigit_value(p[2])) >= 0) {
			g_string_append_c(addr, (char)(hi * 16 + lo));
			p += 2;
		} else if (*p != ' ' && *p != '\t' && *p != '\r' &&
		    *p != '\n')
			g_string_append_c(addr, *p);
	}
	if (!compose_addr_is_safe(addr->str)) {
		g_string_free(addr, TRUE);
		return NULL;
	}
	return g_string_free(addr, FALSE);
}

char *
compose_set_header(const char *text, const char *name, const char *value)
{
	GString		*out = g_string_new(NULL);
	const char	*p = text != NULL ? text : "", *nl, *end;
	size_t		 nlen = strlen(name);
	gboolean	 done = FALSE;

	while (*p != '\0' && *p != '\n') {
		nl = strchr(p, '\n');
		end = nl != NULL ? nl + 1 : p + strlen(p);
		if (!done && g_ascii_strncasecmp(p, name, nlen) == 0 &&
		    p[nlen] == ':') {
			g_string_append_printf(out, "%s: %s\n", name, value);
			done = TRUE;
			/* Its continuation lines go with it. */
			while (*end == ' ' || *end == '\t') {
				nl = strchr(end, '\n');
				end = nl != NULL ? nl + 1 : end + strlen(end);
			}
		} else
			g_string_append_len(out, p, end - p);
		p = end;
	}
	g_string_append(out, p);
	if (!done) {
		g_autofree char *line = g_strdup_printf("%s: %s\n", name,
		    value);

		g_string_prepend(out, line);
	}
	return g_string_free(out, FALSE);
}
