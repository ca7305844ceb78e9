/*
 * fuzz-compose.c: the compose path (src/mime/compose.c and
 * compose-template.c) against a stranger's message.
 *
 * Input: a raw message. It is read twice: as the text of an edited template
 * (compose_parse must not crash, and what it accepts must build or fail
 * with a reason), and as a message the user replies to, replies to all,
 * forwards inline or as an attachment, or resumes as a draft. For every
 * template built from the message the harness checks the round trip:
 *
 *  - the template's header part has exactly the lines satchel wrote (From,
 *    To, Cc, Bcc, Subject, and In-Reply-To and References for a reply):
 *    nothing in the message can add a line;
 *  - it parses back (compose_parse) with no Bcc and no attachment, and
 *    when it builds, every envelope recipient is an address of the
 *    original's From, Reply-To, To or Cc, and every plain mailbox of the
 *    reply target is still a recipient;
 *  - a resumed draft lists exactly the files it wrote, all inside its own
 *    directory.
 */
#include "satchel-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mime/mime.h"
#include "mime/compose.h"
#include "util/util.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	*fuzz_dir;

static void
fuzz_die(const char *what, const char *tpl)
{
	fprintf(stderr, "fuzz-compose: %s\n", what);
	if (tpl != NULL)
		fprintf(stderr, "--- template ---\n%s\n--- end ---\n", tpl);
	abort();
}

/* Add the casefolded mailbox addresses of l (groups flattened) to set. */
static void
fuzz_addrs(InternetAddressList *l, GHashTable *set, gboolean plain_only)
{
	InternetAddress	*ia;
	const char	*addr;
	int		 i;

	for (i = 0; l != NULL && i < internet_address_list_length(l); i++) {
		ia = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			if (!plain_only)
				fuzz_addrs(internet_address_group_get_members(
				    INTERNET_ADDRESS_GROUP(ia)), set, FALSE);
			continue;
		}
		addr = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia));
		if (addr != NULL && *addr != '\0')
			g_hash_table_add(set, g_utf8_casefold(addr, -1));
	}
}

/* TRUE if s (UTF-8) holds a C0 or C1 control or a line separator. */
static gboolean
fuzz_has_control(const char *s)
{
	const char	*p;
	gunichar	 c;

	if (!g_utf8_validate(s, -1, NULL))
		return TRUE;
	for (p = s; *p != '\0'; p = g_utf8_next_char(p)) {
		c = g_utf8_get_char(p);
		if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 ||
		    c == 0x2029)
			return TRUE;
	}
	return FALSE;
}

/* The header lines of a template, up to the first empty line. */
static guint
fuzz_header_lines(const char *tpl)
{
	const char	*p = tpl, *nl;
	guint		 n = 0;

	while (*p != '\0' && *p != '\n') {
		n++;
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		p = nl + 1;
	}
	return n;
}

static void
fuzz_template(GMimeMessage *orig, const char *tpl, guint want_lines,
    gboolean reply)
{
	static const struct compose_identity id = { "Me", "me@example.test" };
	struct compose_fields	 f;
	g_autoptr(GHashTable)	 known = NULL, target = NULL, got = NULL;
	g_autoptr(GPtrArray)	 rcpts = NULL;
	g_autoptr(GMimeMessage)	 m = NULL;
	InternetAddressList	*primary;
	GHashTableIter		 it;
	gpointer		 key;
	GError			*err = NULL;
	guint			 i;

	if (tpl == NULL)
		fuzz_die("no template", NULL);
	if (!g_utf8_validate(tpl, -1, NULL))
		fuzz_die("template is not valid UTF-8", tpl);
	if (fuzz_header_lines(tpl) != want_lines)
		fuzz_die("the message added or removed a header line", tpl);
	if (!compose_parse(tpl, NULL, &f, &err)) {
		fprintf(stderr, "%s\n", err->message);
		fuzz_die("a template satchel wrote does not parse", tpl);
	}
	if (f.bcc != NULL)
		fuzz_die("a Bcc came from the message", tpl);
	if (f.attachments->len != 0)
		fuzz_die("an attachment came from the message", tpl);
	m = compose_build(&id, &f, &err);
	compose_fields_clear(&f);
	if (m == NULL) {
		/* Refused with a reason is fine: nothing goes anywhere. */
		if (err == NULL || err->message == NULL)
			fuzz_die("compose_build failed without a reason", tpl);
		g_error_free(err);
		return;
	}
	if (internet_address_list_length(g_mime_message_get_bcc(m)) != 0)
		fuzz_die("the built message has a Bcc", tpl);
	if (GMIME_IS_MULTIPART(g_mime_message_get_mime_part(m)))
		fuzz_die("the built message has an attachment", tpl);
	known = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	fuzz_addrs(g_mime_message_get_from(orig), known, FALSE);
	fuzz_addrs(g_mime_message_get_reply_to(orig), known, FALSE);
	fuzz_addrs(g_mime_message_get_to(orig), known, FALSE);
	fuzz_addrs(g_mime_message_get_cc(orig), known, FALSE);
	got = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	rcpts = compose_recipients(m);
	for (i = 0; i < rcpts->len; i++) {
		char *k = g_utf8_casefold(g_ptr_array_index(rcpts, i), -1);

		if (!g_hash_table_contains(known, k)) {
			fprintf(stderr, "recipient %s\n", k);
			g_free(k);
			fuzz_die("a recipient that is not in the original", tpl);
		}
		g_hash_table_add(got, k);
	}
	if (!reply)
		return;
	primary = g_mime_message_get_reply_to(orig);
	if (primary == NULL || internet_address_list_length(primary) == 0)
		primary = g_mime_message_get_from(orig);
	target = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	fuzz_addrs(primary, target, TRUE);
	g_hash_table_iter_init(&it, target);
	while (g_hash_table_iter_next(&it, &key, NULL)) {
		/* An address holding a control character cannot be sent to. */
		if (fuzz_has_control(key))
			continue;
		if (!g_hash_table_contains(got, key)) {
			fprintf(stderr, "lost %s\n", (char *)key);
			fuzz_die("the reply lost an address of its target",
			    tpl);
		}
	}
}

/* A resumed draft: the Attach: lines are the files written, in dir. */
static void
fuzz_resume(GMimeMessage *orig)
{
	g_autofree char		*tpl = NULL, *dir = NULL;
	struct compose_fields	 f;
	GError			*err = NULL;
	GDir			*d;
	guint			 files = 0, i;

	dir = g_build_filename(fuzz_dir, "resume-XXXXXX", NULL);
	if (g_mkdtemp_full(dir, 0700) == NULL)
		fuzz_die("cannot make a directory", NULL);
	tpl = compose_template_resume(orig, dir, &err);
	if (tpl == NULL) {
		g_clear_error(&err);
		goto out;
	}
	if (!compose_parse(tpl, NULL, &f, &err)) {
		fprintf(stderr, "%s\n", err->message);
		fuzz_die("a resumed draft does not parse", tpl);
	}
	if ((d = g_dir_open(dir, 0, NULL)) != NULL) {
		while (g_dir_read_name(d) != NULL)
			files++;
		g_dir_close(d);
	}
	if (f.attachments->len != files)
		fuzz_die("a resumed draft lists other attachments than its "
		    "own", tpl);
	for (i = 0; i < f.attachments->len; i++) {
		struct compose_attachment *a = g_ptr_array_index(
		    f.attachments, i);
		g_autofree char *parent = g_path_get_dirname(a->path);

		if (strcmp(parent, dir) != 0)
			fuzz_die("a resumed draft attaches a file from "
			    "elsewhere", tpl);
	}
	compose_fields_clear(&f);
out:
	file_remove_tree(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_LEVEL_ERROR);
	mime_init();
	fuzz_dir = g_dir_make_tmp("fuzz-compose-XXXXXX", NULL);
	if (fuzz_dir == NULL)
		fuzz_die("cannot make a temporary directory", NULL);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct compose_identity id = { "Me", "me@example.test" };
	g_autoptr(GMimeMessage)	 orig = NULL;
	g_autofree char		*text = NULL, *tpl = NULL;
	struct compose_fields	 f;
	GMimeMessage		*m;
	GError			*err = NULL;
	const char		*msgid;
	guint			 reply_lines;

	/* The input as an edited template. */
	text = g_strndup((const char *)data, size);
	if (compose_parse(text, NULL, &f, &err)) {
		/* Attachments name files: do not read what the input names. */
		g_ptr_array_set_size(f.attachments, 0);
		m = compose_build(&id, &f, &err);
		if (m != NULL)
			g_object_unref(m);
		else if (err == NULL)
			fuzz_die("compose_build failed without a reason", NULL);
		compose_fields_clear(&f);
	} else if (err == NULL || f.to != NULL || f.attachments != NULL)
		fuzz_die("compose_parse failed without a reason or left "
		    "fields", NULL);
	g_clear_error(&err);

	/* The input as a stranger's message. */
	orig = mime_message_from_data(data, size);
	if (orig == NULL)
		return 0;
	msgid = g_mime_message_get_message_id(orig);
	reply_lines = msgid != NULL && *msgid != '\0' ? 7 : 5;
	tpl = compose_template_reply(&id, orig, 0, NULL, NULL);
	fuzz_template(orig, tpl, reply_lines, TRUE);
	g_clear_pointer(&tpl, g_free);
	tpl = compose_template_reply(&id, orig, COMPOSE_REPLY_ALL, NULL,
	    "sig");
	fuzz_template(orig, tpl, reply_lines, TRUE);
	g_clear_pointer(&tpl, g_free);
	tpl = compose_template_forward(&id, orig, COMPOSE_FORWARD_INLINE, NULL);
	fuzz_template(orig, tpl, 5, FALSE);
	g_clear_pointer(&tpl, g_free);
	tpl = compose_template_forward(&id, orig, COMPOSE_FORWARD_ATTACH,
	    "sig");
	fuzz_template(orig, tpl, 5, FALSE);
	fuzz_resume(orig);
	return 0;
}
