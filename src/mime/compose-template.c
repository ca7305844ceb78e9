/*
 * compose-template.c: editable text for new messages, replies, forwards and
 * resumed drafts.
 */
#include "satchel-config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "util/util.h"
#include "mime/mime.h"
#include "mime/compose.h"

struct compose_text_find {
	GMimeObject	*plain;
	GMimeObject	*html;
};

static void	 compose_template_headers(GString *,
		    const struct compose_identity *, const char *, const char *,
		    const char *, const char *);
static void	 compose_template_signature(GString *, const char *);
static char	*compose_template_body_text(GMimeMessage *);
static void	 compose_template_find(GMimeObject *, GMimeObject *, gpointer);
static char	*compose_template_html_to_text(const char *);
static gboolean	 compose_template_is_control(gunichar);
static gboolean	 compose_template_addr_clean(const char *);
static void	 compose_template_mailbox(GString *, InternetAddress *);
static void	 compose_template_members(GString *, InternetAddressList *,
		    int);
static char	*compose_template_addresses(InternetAddressList *);
static void	 compose_template_keep(InternetAddressList *,
		    const char *const *, GHashTable *, InternetAddressList *, int);
static char	*compose_template_filter(InternetAddressList *,
		    const char *const *, GHashTable *);
static char	*compose_template_author(GMimeMessage *);
static char	*compose_template_date(GMimeMessage *);
static void	 compose_template_quote(GString *, const char *);
static void	 compose_resume_part(GMimeObject *, GMimeObject *, gpointer);
static char	*compose_template_clean(const char *);

/* What a template cannot hold: C0 and C1 controls, DEL, line separators. */
static gboolean
compose_template_is_control(gunichar c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 ||
	    c == 0x2029;
}

/*
 * Every value that came from a message (subjects, names, addresses,
 * message ids, dates) goes into a template through this one function: a
 * line break inside a value would start a header line of its own
 * ("Bcc:", "Attach:") that the mail's sender wrote and the user never
 * typed. Control characters (C0, DEL, C1, the Unicode line and paragraph
 * separators) become spaces and invalid UTF-8 is replaced, so one value
 * stays one line. Returns a new string (g_free); NULL gives "".
 */
static char *
compose_template_clean(const char *s)
{
	g_autofree char	*valid = NULL;
	GString		*out;
	const char	*p;
	gunichar	 c;

	valid = g_utf8_make_valid(s != NULL ? s : "", -1);
	out = g_string_sized_new(strlen(valid));
	for (p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		c = g_utf8_get_char(p);
		if (compose_template_is_control(c))
			g_string_append_c(out, ' ');
		else
			g_string_append_len(out, p, g_utf8_next_char(p) - p);
	}
	return g_string_free(out, FALSE);
}

static void
compose_template_headers(GString *s, const struct compose_identity *id,
    const char *to, const char *cc, const char *bcc, const char *subject)
{
	const char	*names[] = { "To", "Cc", "Bcc", "Subject" };
	const char	*values[] = { to, cc, bcc, subject };
	size_t		 i;

	if (id != NULL && id->addr != NULL) {
		g_autofree char *name = compose_template_clean(id->name);
		g_autofree char *addr = compose_template_clean(id->addr);

		if (*name != '\0')
			g_string_append_printf(s, "From: %s <%s>\n", name,
			    addr);
		else
			g_string_append_printf(s, "From: %s\n", addr);
	}
	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autofree char *v = compose_template_clean(values[i]);

		g_string_append_printf(s, "%s: %s\n", names[i], v);
	}
}

static void
compose_template_signature(GString *s, const char *sig)
{
	size_t len;

	if (sig == NULL || *sig == '\0')
		return;
	if (s->len > 0 && s->str[s->len - 1] != '\n')
		g_string_append_c(s, '\n');
	g_string_append(s, "\n-- \n");
	/* The file may carry its own separator. */
	if (g_str_has_prefix(sig, "-- \n"))
		sig += 4;
	g_string_append(s, sig);
	len = strlen(sig);
	if (len > 0 && sig[len - 1] != '\n')
		g_string_append_c(s, '\n');
}

char *
compose_template_new(const struct compose_identity *id, const char *to,
    const char *subject, const char *signature)
{
	GString *s = g_string_new(NULL);

	compose_template_headers(s, id, to, NULL, NULL, subject);
	g_string_append(s, "\n\n");
	compose_template_signature(s, signature);
	return g_string_free(s, FALSE);
}

static void
compose_template_find(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	struct compose_text_find	*f = data;
	GMimeContentType		*ct;

	(void)parent;
	if (!GMIME_IS_TEXT_PART(part))
		return;
	if (g_mime_part_is_attachment(GMIME_PART(part)))
		return;
	ct = g_mime_object_get_content_type(part);
	if (f->plain == NULL && g_mime_content_type_is_type(ct, "text",
	    "plain"))
		f->plain = part;
	else if (f->html == NULL && g_mime_content_type_is_type(ct, "text",
	    "html"))
		f->html = part;
}

/* Crude HTML to text for quoting: tags dropped, entities for the basics. */
static char *
compose_template_html_to_text(const char *html)
{
	GString		*s = g_string_new(NULL);
	const char	*p;
	gboolean	 tag = FALSE;

	for (p = html; *p != '\0'; p++) {
		if (tag) {
			if (*p == '>')
				tag = FALSE;
			continue;
		}
		if (*p == '<') {
			if (g_ascii_strncasecmp(p, "<br", 3) == 0 ||
			    g_ascii_strncasecmp(p, "<p", 2) == 0 ||
			    g_ascii_strncasecmp(p, "</p", 3) == 0 ||
			    g_ascii_strncasecmp(p, "<div", 4) == 0)
				g_string_append_c(s, '\n');
			tag = TRUE;
			continue;
		}
		if (*p == '&') {
			static const struct {
				const char *ent, *text;
			} ents[] = {
				{ "&amp;", "&" }, { "&lt;", "<" },
				{ "&gt;", ">" }, { "&quot;", "\"" },
				{ "&nbsp;", " " }, { "&#39;", "'" },
			};
			size_t i;

			for (i = 0; i < G_N_ELEMENTS(ents); i++)
				if (g_str_has_prefix(p, ents[i].ent))
					break;
			if (i < G_N_ELEMENTS(ents)) {
				g_string_append(s, ents[i].text);
				p += strlen(ents[i].ent) - 1;
				continue;
			}
		}
		if (*p != '\r')
			g_string_append_c(s, *p);
	}
	return g_string_free(s, FALSE);
}

/* The message's main text as valid UTF-8 with LF line ends (g_free). */
static char *
compose_template_body_text(GMimeMessage *m)
{
	struct compose_text_find	 f = { NULL, NULL };
	g_autofree char			*raw = NULL, *valid = NULL;
	GString				*s;
	const char			*p;

	g_mime_message_foreach(m, compose_template_find, &f);
	if (f.plain == NULL && f.html == NULL) {
		GMimeObject *body = g_mime_message_get_mime_part(m);

		if (body != NULL && GMIME_IS_TEXT_PART(body))
			f.plain = body;
	}
	if (f.plain != NULL)
		raw = g_mime_text_part_get_text(GMIME_TEXT_PART(f.plain));
	else if (f.html != NULL) {
		g_autofree char *html = g_mime_text_part_get_text(
		    GMIME_TEXT_PART(f.html));

		raw = html != NULL ? compose_template_html_to_text(html) : NULL;
	}
	valid = g_utf8_make_valid(raw != NULL ? raw : "", -1);
	s = g_string_new(NULL);
	for (p = valid; *p != '\0'; p++)
		if (!(*p == '\r' && p[1] == '\n'))
			g_string_append_c(s, *p);
	return g_string_free(s, FALSE);
}

/* Quote text line by line, dropping its signature and trailing blank lines. */
static void
compose_template_quote(GString *s, const char *text)
{
	g_auto(GStrv)	 lines = g_strsplit(text, "\n", -1);
	guint		 i, n;

	n = g_strv_length(lines);
	for (i = 0; i < n; i++)
		if (strcmp(lines[i], "-- ") == 0) {
			n = i;
			break;
		}
	while (n > 0 && lines[n - 1][strspn(lines[n - 1], " \t")] == '\0')
		n--;
	for (i = 0; i < n; i++) {
		if (lines[i][0] == '\0')
			g_string_append(s, ">\n");
		else if (lines[i][0] == '>')
			g_string_append_printf(s, ">%s\n", lines[i]);
		else
			g_string_append_printf(s, "> %s\n", lines[i]);
	}
}

/* TRUE if compose_template_clean would leave addr as it is. */
static gboolean
compose_template_addr_clean(const char *addr)
{
	const char	*p;
	gunichar	 c;

	if (!g_utf8_validate(addr, -1, NULL))
		return FALSE;
	for (p = addr; *p != '\0'; p = g_utf8_next_char(p)) {
		c = g_utf8_get_char(p);
		if (compose_template_is_control(c))
			return FALSE;
	}
	return TRUE;
}

/* One mailbox as template text: see compose_template_addresses. */
static void
compose_template_mailbox(GString *s, InternetAddress *ia)
{
	g_autofree char	*one = NULL;
	const char	*addr, *name;

	addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	name = internet_address_get_name(ia);
	if (addr == NULL || *addr == '\0')
		return;
	/*
	 * An address with a character the template cannot hold (a control
	 * character) cannot be sent to; cleaned, it would be another
	 * address. It is left out.
	 */
	if (!compose_template_addr_clean(addr))
		return;
	if (s->len > 0 && s->str[s->len - 1] != ':')
		g_string_append(s, ", ");
	else if (s->len > 0)
		g_string_append_c(s, ' ');
	if (strchr(addr, '@') == NULL && (name == NULL || *name == '\0'))
		one = g_strdup_printf("<%s>", addr);
	else
		one = internet_address_to_string(ia, NULL, FALSE);
	g_string_append(s, one);
}

/* The mailboxes of l, groups flattened, at most depth groups deep. */
static void
compose_template_members(GString *s, InternetAddressList *l, int depth)
{
	InternetAddress	*ia;
	int		 i;

	for (i = 0; l != NULL && i < internet_address_list_length(l); i++) {
		ia = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			if (depth > 0)
				compose_template_members(s,
				    internet_address_group_get_members(
				    INTERNET_ADDRESS_GROUP(ia)), depth - 1);
		} else
			compose_template_mailbox(s, ia);
	}
}

/*
 * An address list as one template line (cleaned, see above), written so
 * that the template parses back to the same mailboxes: an address
 * without a domain goes in angle brackets (or a following group's name
 * would swallow it, and compose_parse could not refuse it by name), a
 * group's name is quoted unless it is plain words, and groups inside
 * groups are flattened.
 */
static char *
compose_template_addresses(InternetAddressList *l)
{
	GString		*s = g_string_new(NULL);
	InternetAddress	*ia;
	const char	*name, *p;
	gboolean	 plain;
	int		 i;

	for (i = 0; l != NULL && i < internet_address_list_length(l); i++) {
		ia = internet_address_list_get_address(l, i);
		name = internet_address_get_name(ia);
		if (!INTERNET_ADDRESS_IS_GROUP(ia)) {
			compose_template_mailbox(s, ia);
			continue;
		}
		if (name == NULL || *name == '\0') {
			compose_template_members(s,
			    internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(ia)), 8);
			continue;
		}
		plain = TRUE;
		for (p = name; *p != '\0'; p++)
			if (!g_ascii_isalnum(*p) && *p != ' ' &&
			    strchr("!#$%&'*+-/=?^_`{|}~", *p) == NULL)
				plain = FALSE;
		if (s->len > 0)
			g_string_append(s, ", ");
		if (plain)
			g_string_append(s, name);
		else {
			g_string_append_c(s, '"');
			for (p = name; *p != '\0'; p++) {
				if (*p == '"' || *p == '\\')
					g_string_append_c(s, '\\');
				g_string_append_c(s, *p);
			}
			g_string_append_c(s, '"');
		}
		g_string_append_c(s, ':');
		compose_template_members(s, internet_address_group_get_members(
		    INTERNET_ADDRESS_GROUP(ia)), 8);
		g_string_append_c(s, ';');
	}
	{
		g_autofree char *text = g_string_free(s, FALSE);

		return compose_template_clean(text);
	}
}

/*
 * Add to keep the mailboxes of l, those inside groups too (a reply goes
 * to people, not to a group's name), that are not ours and not seen yet;
 * seen collects casefolded addresses across calls. Groups nest at most
 * depth deep.
 */
static void
compose_template_keep(InternetAddressList *l, const char *const *own,
    GHashTable *seen, InternetAddressList *keep, int depth)
{
	InternetAddress	*ia;
	const char	*addr;
	const char	*const *o;
	int		 i;

	for (i = 0; l != NULL && i < internet_address_list_length(l); i++) {
		ia = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			if (depth > 0)
				compose_template_keep(
				    internet_address_group_get_members(
				    INTERNET_ADDRESS_GROUP(ia)), own, seen,
				    keep, depth - 1);
			continue;
		}
		addr = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia));
		if (addr == NULL || *addr == '\0')
			continue;
		for (o = own; o != NULL && *o != NULL; o++)
			if (g_ascii_strcasecmp(*o, addr) == 0)
				break;
		if (o != NULL && *o != NULL)
			continue;
		if (compose_addr_first_seen(seen, addr))
			internet_address_list_add(keep, ia);
	}
}

/* The mailboxes compose_template_keep keeps of l, as text. */
static char *
compose_template_filter(InternetAddressList *l, const char *const *own,
    GHashTable *seen)
{
	g_autoptr(InternetAddressList) keep = internet_address_list_new();

	compose_template_keep(l, own, seen, keep, 8);
	return compose_template_addresses(keep);
}

static char *
compose_template_author(GMimeMessage *m)
{
	InternetAddressList	*from = g_mime_message_get_from(m);
	InternetAddress		*ia;
	const char		*name;

	if (from == NULL || internet_address_list_length(from) == 0)
		return g_strdup(_("someone"));
	ia = internet_address_list_get_address(from, 0);
	name = internet_address_get_name(ia);
	if (name != NULL && *name != '\0')
		return compose_template_clean(name);
	if (INTERNET_ADDRESS_IS_MAILBOX(ia))
		return compose_template_clean(internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia)));
	return g_strdup(_("someone"));
}

static char *
compose_template_date(GMimeMessage *m)
{
	GDateTime *d = g_mime_message_get_date(m);

	if (d == NULL)
		return g_strdup(_("an unknown date"));
	/* TRANSLATORS: the date in "On DATE, NAME wrote:" (g_date_time_format). */
	return g_date_time_format(d, _("%a, %d %b %Y at %H:%M"));
}

char *
compose_template_reply(const struct compose_identity *id, GMimeMessage *orig,
    unsigned flags, const char *const *own_addrs, const char *signature)
{
	g_autoptr(GHashTable)	 seen = NULL;
	g_autofree char		*to = NULL, *cc = NULL;
	g_autofree char		*subject = NULL, *author = NULL, *date = NULL;
	g_autofree char		*text = NULL;
	InternetAddressList	*primary;
	const char		*msgid, *refs, *irt;
	GString			*s;

	seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	primary = g_mime_message_get_reply_to(orig);
	if (primary == NULL || internet_address_list_length(primary) == 0)
		primary = g_mime_message_get_from(orig);
	to = compose_template_filter(primary, own_addrs, seen);
	if (*to == '\0') {
		/* Replying to our own message: write to its recipients. */
		g_free(to);
		to = compose_template_filter(g_mime_message_get_to(orig),
		    own_addrs, seen);
	}
	if (flags & COMPOSE_REPLY_ALL) {
		g_autofree char *c1 = compose_template_filter(
		    g_mime_message_get_to(orig), own_addrs, seen);
		g_autofree char *c2 = compose_template_filter(
		    g_mime_message_get_cc(orig), own_addrs, seen);

		if (*c1 != '\0' && *c2 != '\0')
			cc = g_strconcat(c1, ", ", c2, NULL);
		else
			cc = g_strconcat(c1, c2, NULL);
	}
	subject = compose_subject_reply(g_mime_message_get_subject(orig));

	s = g_string_new(NULL);
	compose_template_headers(s, id, to, cc, NULL, subject);
	msgid = g_mime_message_get_message_id(orig);
	if (msgid != NULL && *msgid != '\0') {
		g_autofree char *id1 = compose_template_clean(msgid);

		g_string_append_printf(s, "In-Reply-To: <%s>\n", id1);
		g_string_append(s, "References:");
		refs = g_mime_object_get_header(GMIME_OBJECT(orig),
		    "References");
		irt = g_mime_object_get_header(GMIME_OBJECT(orig),
		    "In-Reply-To");
		if (refs != NULL || irt != NULL) {
			GMimeReferences *r = g_mime_references_parse(NULL,
			    refs != NULL ? refs : irt);
			int i;

			for (i = 0; r != NULL &&
			    i < g_mime_references_length(r); i++) {
				g_autofree char *ref = compose_template_clean(
				    g_mime_references_get_message_id(r, i));

				g_string_append_printf(s, " <%s>", ref);
			}
			if (r != NULL)
				g_mime_references_free(r);
		}
		g_string_append_printf(s, " <%s>\n", id1);
	}
	author = compose_template_author(orig);
	date = compose_template_date(orig);
	text = compose_template_body_text(orig);
	g_string_append(s, "\n");
	g_string_append_printf(s, _("On %s, %s wrote:"), date, author);
	g_string_append_c(s, '\n');
	compose_template_quote(s, text);
	g_string_append(s, "\n");
	compose_template_signature(s, signature);
	return g_string_free(s, FALSE);
}

char *
compose_template_forward(const struct compose_identity *id,
    GMimeMessage *orig, enum compose_forward_mode mode, const char *signature)
{
	g_autofree char	*subject = NULL, *from = NULL, *to = NULL;
	g_autofree char	*date = NULL, *text = NULL, *osubj = NULL;
	GString		*s;

	subject = compose_subject_forward(g_mime_message_get_subject(orig));
	s = g_string_new(NULL);
	compose_template_headers(s, id, NULL, NULL, NULL, subject);
	g_string_append(s, "\n\n");
	if (mode == COMPOSE_FORWARD_INLINE) {
		from = compose_template_addresses(g_mime_message_get_from(orig));
		to = compose_template_addresses(g_mime_message_get_to(orig));
		date = compose_template_date(orig);
		osubj = compose_template_clean(g_mime_message_get_subject(
		    orig));
		text = compose_template_body_text(orig);
		g_string_append(s, _("---------- Forwarded message ----------"));
		g_string_append_c(s, '\n');
		g_string_append_printf(s, "From: %s\n", from);
		g_string_append_printf(s, "Date: %s\n", date);
		g_string_append_printf(s, "Subject: %s\n", osubj);
		g_string_append_printf(s, "To: %s\n\n", to);
		g_string_append(s, text);
		if (s->len > 0 && s->str[s->len - 1] != '\n')
			g_string_append_c(s, '\n');
	}
	compose_template_signature(s, signature);
	return g_string_free(s, FALSE);
}

struct compose_resume {
	const char	*dir;
	GMimeObject	*body;		/* the text part kept as the body */
	GString		*attach;	/* Attach: lines */
	GError		*err;
	guint		 n;
};

static void
compose_resume_part(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	struct compose_resume	*r = data;
	g_autofree char		*name = NULL, *path = NULL;
	g_autoptr(GMimeStream)	 out = NULL;
	GMimeDataWrapper	*dw;
	const char		*fn;
	int			 fd;

	(void)parent;
	if (r->err != NULL || part == r->body || !GMIME_IS_PART(part))
		return;
	fn = g_mime_part_get_filename(GMIME_PART(part));
	name = sanitize_filename(fn != NULL ? fn : "attachment");
	r->n++;
	path = g_strdup_printf("%s/%u-%s", r->dir, r->n, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		g_set_error(&r->err, COMPOSE_ERROR, COMPOSE_ERR_IO,
		    _("cannot write %s: %s"), path, g_strerror(errno));
		return;
	}
	out = g_mime_stream_fs_new(fd);
	dw = g_mime_part_get_content(GMIME_PART(part));
	if (dw != NULL && g_mime_data_wrapper_write_to_stream(dw, out) < 0) {
		g_set_error(&r->err, COMPOSE_ERROR, COMPOSE_ERR_IO,
		    _("cannot write %s"), path);
		return;
	}
	g_mime_stream_flush(out);
	g_string_append_printf(r->attach, "Attach: %s\n", path);
}

char *
compose_template_resume(GMimeMessage *draft, const char *attach_dir,
    GError **err)
{
	struct compose_text_find f = { NULL, NULL };
	struct compose_resume	 r;
	g_autofree char		*to = NULL, *cc = NULL, *bcc = NULL;
	const char		*irt, *refs, *subject;
	GString			*s;
	InternetAddressList	*from;

	g_mime_message_foreach(draft, compose_template_find, &f);
	memset(&r, 0, sizeof r);
	r.dir = attach_dir;
	r.body = f.plain;
	if (r.body == NULL && GMIME_IS_TEXT_PART(
	    g_mime_message_get_mime_part(draft)))
		r.body = g_mime_message_get_mime_part(draft);
	r.attach = g_string_new(NULL);
	g_mime_message_foreach(draft, compose_resume_part, &r);
	if (r.err != NULL) {
		g_propagate_error(err, r.err);
		g_string_free(r.attach, TRUE);
		return NULL;
	}
	to = compose_template_addresses(g_mime_message_get_to(draft));
	cc = compose_template_addresses(g_mime_message_get_cc(draft));
	bcc = compose_template_addresses(g_mime_message_get_bcc(draft));
	subject = g_mime_message_get_subject(draft);
	s = g_string_new(NULL);
	from = g_mime_message_get_from(draft);
	if (from != NULL && internet_address_list_length(from) > 0) {
		g_autofree char *f1 = compose_template_addresses(from);

		g_string_append_printf(s, "From: %s\n", f1);
	}
	compose_template_headers(s, NULL, to, cc, bcc, subject);
	irt = g_mime_object_get_header(GMIME_OBJECT(draft), "In-Reply-To");
	refs = g_mime_object_get_header(GMIME_OBJECT(draft), "References");
	if (irt != NULL) {
		g_autofree char *v = compose_template_clean(irt);

		g_string_append_printf(s, "In-Reply-To: %s\n", v);
	}
	if (refs != NULL) {
		g_autofree char *v = compose_template_clean(refs);

		g_string_append_printf(s, "References: %s\n", v);
	}
	g_string_append(s, r.attach->str);
	g_string_free(r.attach, TRUE);
	g_string_append_c(s, '\n');
	if (r.body != NULL) {
		g_autofree char *raw = g_mime_text_part_get_text(
		    GMIME_TEXT_PART(r.body));
		g_autofree char *valid = g_utf8_make_valid(raw != NULL ?
		    raw : "", -1);
		const char *p;

		for (p = valid; *p != '\0'; p++)
			if (!(*p == '\r' && p[1] == '\n'))
				g_string_append_c(s, *p);
	}
	return g_string_free(s, FALSE);
}
