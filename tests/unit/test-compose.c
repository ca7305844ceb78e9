/* test-compose.c: templates, parsing, building and wire bytes. */
#include "satchel-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "mime/mime.h"
#include "mime/compose.h"

static const struct compose_identity me = { "Jörg Müller", "jorg@example.org" };
static const char *const own[] = { "jorg@example.org", "JM@work.example",
    NULL };

static GMimeMessage *
parse_text(const char *text)
{
	return mime_message_from_data(text, strlen(text));
}

static char *
to_string(GMimeMessage *m, gboolean keep_bcc)
{
	GBytes	*b = compose_to_bytes(m, keep_bcc);
	gsize	 len;
	char	*s = g_strndup(g_bytes_get_data(b, &len), g_bytes_get_size(b));

	g_bytes_unref(b);
	return s;
}

static void
test_addr_safe(void **state)
{
	static const struct {
		const char	*addr;
		gboolean	 ok;
	} t[] = {
		{ "", FALSE },
		{ "a@b", TRUE },
		{ "jörg@example.org", TRUE },
		{ "a@b\r\nRCPT TO:<x@y>", FALSE },
		{ "a>@b", FALSE },
		{ "<a@b", FALSE },
		{ "a b@c", FALSE },
		{ "noat", FALSE },
		{ "@b", FALSE },
		{ "a@", FALSE },
		{ "a@b@c", FALSE },
		{ "a\x01@b", FALSE },
	};
	char	long_addr[300];
	size_t	i;

	(void)state;
	assert_false(compose_addr_is_safe(NULL));
	for (i = 0; i < G_N_ELEMENTS(t); i++)
		assert_int_equal(compose_addr_is_safe(t[i].addr), t[i].ok);
	memset(long_addr, 'a', sizeof long_addr);
	memcpy(long_addr + 250, "@b.cd", 6);
	assert_false(compose_addr_is_safe(long_addr));
}

static void
test_subjects(void **state)
{
	static const struct {
		const char	*in, *re, *fwd;
	} t[] = {
		{ "", "Re: ", "Fwd: " },
		{ "Hello", "Re: Hello", "Fwd: Hello" },
		{ "Re: Hello", "Re: Hello", "Fwd: Re: Hello" },
		{ "RE: re: Hello", "Re: Hello", "Fwd: RE: re: Hello" },
		{ "Re[2]: Hello", "Re: Hello", "Fwd: Re[2]: Hello" },
		{ "Fwd: Hello", "Re: Fwd: Hello", "Fwd: Hello" },
		{ "FW: Hello", "Re: FW: Hello", "Fwd: Hello" },
		{ "Aw: Grüße", "Re: Grüße", "Fwd: Aw: Grüße" },
		{ "Reply needed", "Re: Reply needed", "Fwd: Reply needed" },
	};
	size_t	i;
	char	*s;

	(void)state;
	s = compose_subject_reply(NULL);
	assert_string_equal(s, "Re: ");
	g_free(s);
	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		s = compose_subject_reply(t[i].in);
		assert_string_equal(s, t[i].re);
		g_free(s);
		s = compose_subject_forward(t[i].in);
		assert_string_equal(s, t[i].fwd);
		g_free(s);
	}
}

static void
test_parse_errors(void **state)
{
	static const char *const bad[] = {
		"To: a@b\nthis is not a header\n\nbody",
		"Too: a@b\n\nbody",
		" continuation\n\nbody",
		":novalue\n\nbody",
	};
	struct compose_fields	 f;
	GError			*err = NULL;
	size_t			 i;

	(void)state;
	/* NULL and empty text parse to empty fields. */
	assert_true(compose_parse(NULL, NULL, &f, &err));
	assert_string_equal(f.body, "");
	compose_fields_clear(&f);
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		assert_false(compose_parse(bad[i], NULL, &f, &err));
		assert_non_null(err);
		assert_int_equal(err->code, COMPOSE_ERR_PARSE);
		assert_non_null(strstr(err->message, "line"));
		g_clear_error(&err);
		assert_null(f.attachments);
	}
}

static void
test_parse_fields(void **state)
{
	struct compose_fields	 f;
	GPtrArray		*extra;
	GError			*err = NULL;

	(void)state;
	extra = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)compose_attachment_free);
	g_ptr_array_add(extra, compose_attachment_new("/x/y.eml", NULL,
	    "message/rfc822"));
	assert_true(compose_parse("From: Me <me@x>\r\nto: a@b,\n c@d\n"
	    "Cc:\nBCC: e@f\nSubject:  Grüße \nIn-Reply-To: <id1@x>\n"
	    "References: <id0@x>\n <id1@x>\nAttach: /tmp/file.pdf\n\n"
	    "line 1\nline 2\n", extra, &f, &err));
	assert_null(err);
	assert_string_equal(f.from, "Me <me@x>");
	assert_string_equal(f.to, "a@b, c@d");
	assert_null(f.cc);
	assert_string_equal(f.bcc, "e@f");
	assert_string_equal(f.subject, "Grüße");
	assert_string_equal(f.in_reply_to, "id1@x");
	assert_string_equal(f.references, "id0@x id1@x");
	assert_string_equal(f.body, "line 1\nline 2\n");
	assert_int_equal(f.attachments->len, 2);
	assert_string_equal(((struct compose_attachment *)
	    g_ptr_array_index(f.attachments, 0))->path, "/tmp/file.pdf");
	assert_string_equal(((struct compose_attachment *)
	    g_ptr_array_index(f.attachments, 1))->content_type,
	    "message/rfc822");
	compose_fields_clear(&f);
	g_ptr_array_unref(extra);
}

static void
test_build_errors(void **state)
{
	static const struct {
		const char		*text;
		enum compose_status	 code;
	} t[] = {
		{ "To:\nSubject: x\n\nbody\n", COMPOSE_ERR_NO_RECIPIENT },
		{ "To: not an address\n\nbody\n", COMPOSE_ERR_ADDRESS },
		{ "To: a@b\nCc: x <y@z\r\nRCPT>\n\nbody\n", COMPOSE_ERR_PARSE },
		{ "To: a@b\nCc: Why <y>\n\nbody\n", COMPOSE_ERR_ADDRESS },
		{ "To: y@exa\033mple.test\n\nbody\n", COMPOSE_ERR_ADDRESS },
		{ "To: a@b\nBcc: c@d\001e\n\nbody\n", COMPOSE_ERR_ADDRESS },
		{ "To: undisclosed-recipients:;\n\nbody\n",
		  COMPOSE_ERR_NO_RECIPIENT },
		/*
		 * A word without a domain before a group: a strict parser
		 * reads "Wed, 17 Nov 2010 15" as the group's name and the
		 * address is gone without a word (found by fuzz-compose).
		 */
		{ "To: Al <al@example.test>, Wed, 17 Nov 2010 15: ;\n\nx\n",
		  COMPOSE_ERR_ADDRESS },
		{ "To: a@b\nAttach: /nonexistent/file\n\nbody\n",
		  COMPOSE_ERR_ATTACHMENT },
	};
	struct compose_identity	 bad = { NULL, "no-at-sign" };
	GError			*err = NULL;
	GMimeMessage		*m;
	size_t			 i;

	(void)state;
	m = compose_parse_build(&bad, "To: a@b\n\nx", NULL, &err);
	assert_null(m);
	assert_int_equal(err->code, COMPOSE_ERR_ADDRESS);
	g_clear_error(&err);
	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		m = compose_parse_build(&me, t[i].text, NULL, &err);
		assert_null(m);
		assert_non_null(err);
		assert_int_equal(err->code, t[i].code);
		g_clear_error(&err);
	}
	m = compose_parse_build(&me, "To: a@b\nAttach: /nonexistent/f\n\nx",
	    NULL, &err);
	assert_non_null(strstr(err->message, "/nonexistent/f"));
	g_clear_error(&err);
}

static void
test_build_message(void **state)
{
	g_autofree char	*dir = NULL, *att = NULL, *tmpl = NULL, *out = NULL;
	g_autofree char	*wire = NULL;
	GMimeMessage	*m, *back;
	GError		*err = NULL;
	GPtrArray	*rcpts;
	const char	*data = "%PDF-1.4 binary \x01\x02\xff";
	struct mime_summary *sum;

	(void)state;
	dir = g_dir_make_tmp("test-compose-XXXXXX", NULL);
	att = g_build_filename(dir, "Résumé naïve.pdf", NULL);
	assert_true(g_file_set_contents(att, data, 20, NULL));
	tmpl = g_strdup_printf("To: Zoë <zoe@example.com>, bob@example.com\n"
	    "Cc: Carol <carol@example.com>\nBcc: secret@example.com\n"
	    "Subject: Grüße aus Köln\nIn-Reply-To: <orig@x>\n"
	    "References: <root@x> <orig@x>\nAttach: %s\n\n"
	    "Hallo Zoë,\n\nschöne Grüße.\n.\nFrom the train\n", att);
	m = compose_parse_build(&me, tmpl, NULL, &err);
	assert_null(err);
	assert_non_null(m);

	rcpts = compose_recipients(m);
	assert_int_equal(rcpts->len, 4);
	assert_string_equal(g_ptr_array_index(rcpts, 0), "zoe@example.com");
	assert_string_equal(g_ptr_array_index(rcpts, 3),
	    "secret@example.com");
	g_ptr_array_unref(rcpts);

	out = to_string(m, FALSE);
	assert_null(strstr(out, "Bcc"));
	assert_null(strstr(out, "secret@"));
	assert_non_null(strstr(out, "\r\nMIME-Version: 1.0\r\n"));
	assert_non_null(strstr(out, "Subject: =?"));
	assert_non_null(strstr(out, "In-Reply-To: <orig@x>\r\n"));
	assert_non_null(strstr(out, "References: <root@x> <orig@x>\r\n"));
	assert_non_null(strstr(out, "charset=utf-8"));
	assert_non_null(strstr(out, "quoted-printable"));
	assert_non_null(strstr(out, "filename*"));
	assert_non_null(strstr(out, "application/pdf"));
	assert_non_null(strstr(out, "Message-Id: <"));
	assert_non_null(strstr(out, "@example.org>"));
	assert_non_null(strstr(out, "Date: "));
	/* Only CRLF line ends. */
	for (const char *p = out; (p = strchr(p, '\n')) != NULL; p++)
		assert_int_equal(p[-1], '\r');

	/* Parse what we wrote: names and subject decode back. */
	back = parse_text(out);
	assert_non_null(back);
	assert_string_equal(g_mime_message_get_subject(back), "Grüße aus Köln");
	sum = mime_summarize(back);
	assert_non_null(strstr(sum->from, "Jörg Müller"));
	assert_non_null(strstr(sum->to, "Zoë"));
	assert_true(sum->has_attachment);
	assert_non_null(strstr(sum->body_text, "schöne Grüße"));
	mime_summary_free(sum);
	g_object_unref(back);

	g_free(out);
	out = to_string(m, TRUE);
	assert_non_null(strstr(out, "Bcc: secret@example.com\r\n"));
	/* The wire copy of a stored file drops Bcc and nothing else. */
	{
		GBytes *w = compose_wire_bytes(out, strlen(out));
		GBytes *direct = compose_to_bytes(m, FALSE);

		wire = g_strndup(g_bytes_get_data(w, NULL),
		    g_bytes_get_size(w));
		assert_null(strstr(wire, "secret@"));
		assert_true(g_bytes_equal(w, direct));
		g_bytes_unref(w);
		g_bytes_unref(direct);
	}
	g_object_unref(m);
	unlink(att);
	rmdir(dir);
}

static void
test_wire_bytes(void **state)
{
	static const struct {
		const char	*in, *out;
	} t[] = {
		{ "", "" },
		{ "A: 1\nBcc: x@y,\n z@w\nB: 2\n\nBcc: body\n",
		  "A: 1\r\nB: 2\r\n\r\nBcc: body\r\n" },
		{ "bcc: a\r\n\tb\r\nX: y\r\n\r\nz", "X: y\r\n\r\nz" },
		{ "Bccx: keep\n\n", "Bccx: keep\r\n\r\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		GBytes *b = compose_wire_bytes(t[i].in, strlen(t[i].in));
		char *s = g_strndup(g_bytes_get_data(b, NULL),
		    g_bytes_get_size(b));

		assert_string_equal(s, t[i].out);
		g_free(s);
		g_bytes_unref(b);
	}
}

static void
test_ascii_body_7bit(void **state)
{
	GMimeMessage	*m;
	char		*out;
	GString		*longbody;

	(void)state;
	m = compose_parse_build(&me, "To: a@example.com\nSubject: hi\n\nplain\n",
	    NULL, NULL);
	out = to_string(m, FALSE);
	assert_non_null(strstr(out, "Content-Transfer-Encoding: 7bit"));
	g_free(out);
	g_object_unref(m);

	longbody = g_string_new("To: a@example.com\n\n");
	for (int i = 0; i < 1200; i++)
		g_string_append_c(longbody, 'x');
	m = compose_parse_build(&me, longbody->str, NULL, NULL);
	out = to_string(m, FALSE);
	assert_non_null(strstr(out, "quoted-printable"));
	g_free(out);
	g_object_unref(m);
	g_string_free(longbody, TRUE);
}

static const char orig_text[] =
    "From: Ann Example <ann@example.com>\n"
    "Reply-To: Ann Lists <ann+lists@example.com>\n"
    "To: Jörg <jorg@example.org>, dave@example.net\n"
    "Cc: jm@work.example, Eve <eve@example.net>, ann@example.com\n"
    "Subject: Re: Re: Plans\n"
    "Date: Tue, 04 Jun 2024 10:30:00 +0200\n"
    "Message-ID: <m2@example.com>\n"
    "References: <m0@example.com> <m1@example.com>\n"
    "In-Reply-To: <m1@example.com>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "First line\n"
    "\n"
    "> older quote\n"
    "-- \n"
    "Ann's signature\n";

static void
test_reply(void **state)
{
	GMimeMessage	*orig, *m;
	char		*t;
	GError		*err = NULL;
	struct compose_fields f;

	(void)state;
	orig = parse_text(orig_text);
	assert_non_null(orig);

	t = compose_template_reply(&me, orig, 0, own, "Jörg\nsecond line");
	assert_non_null(strstr(t, "\nTo: Ann Lists <ann+lists@example.com>\n"));
	assert_non_null(strstr(t, "\nCc: \n"));
	assert_non_null(strstr(t, "\nSubject: Re: Plans\n"));
	assert_non_null(strstr(t, "\nIn-Reply-To: <m2@example.com>\n"));
	assert_non_null(strstr(t, "\nReferences: <m0@example.com> "
	    "<m1@example.com> <m2@example.com>\n"));
	assert_non_null(strstr(t, "wrote:\n> First line\n>\n>> older quote\n"));
	assert_null(strstr(t, "Ann's signature"));
	assert_non_null(strstr(t, "\n-- \nJörg\nsecond line\n"));
	assert_non_null(strstr(t, "On Tue, 04 Jun 2024 at 10:30, Ann Example"));
	/* The template parses and builds as is. */
	assert_true(compose_parse(t, NULL, &f, &err));
	assert_string_equal(f.in_reply_to, "m2@example.com");
	compose_fields_clear(&f);
	m = compose_parse_build(&me, t, NULL, &err);
	assert_non_null(m);
	g_object_unref(m);
	g_free(t);

	t = compose_template_reply(&me, orig, COMPOSE_REPLY_ALL, own, NULL);
	/* Without our own addresses (any case), without duplicates. */
	assert_non_null(strstr(t, "\nTo: Ann Lists <ann+lists@example.com>\n"));
	assert_null(strstr(t, "jorg@example.org>, "));
	assert_null(strstr(t, "jm@work.example"));
	assert_non_null(strstr(t, "\nCc: dave@example.net, Eve "
	    "<eve@example.net>, ann@example.com\n"));
	assert_null(strstr(t, "\n-- \n"));
	g_free(t);
	g_object_unref(orig);
}

static void
test_reply_own_message(void **state)
{
	GMimeMessage	*orig;
	char		*t;

	(void)state;
	orig = parse_text("From: Jörg <jorg@example.org>\nTo: z@example.com\n"
	    "Subject: mine\nMessage-ID: <x@y>\n\nbody\n");
	t = compose_template_reply(&me, orig, 0, own, NULL);
	assert_non_null(strstr(t, "\nTo: z@example.com\n"));
	g_free(t);
	g_object_unref(orig);
}

static void
test_forward(void **state)
{
	GMimeMessage	*orig;
	char		*t;

	(void)state;
	orig = parse_text(orig_text);
	t = compose_template_forward(&me, orig, COMPOSE_FORWARD_INLINE, "sig");
	assert_non_null(strstr(t, "\nSubject: Fwd: Re: Re: Plans\n"));
	assert_non_null(strstr(t, "Forwarded message"));
	assert_non_null(strstr(t, "\nFirst line\n"));
	assert_non_null(strstr(t, "\nTo: \n"));
	assert_non_null(strstr(t, "\n-- \nsig\n"));
	g_free(t);
	t = compose_template_forward(&me, orig, COMPOSE_FORWARD_ATTACH, NULL);
	assert_null(strstr(t, "First line"));
	assert_non_null(strstr(t, "Fwd: "));
	g_free(t);
	g_object_unref(orig);
}

static void
test_forward_attached(void **state)
{
	g_autofree char	*dir = NULL, *path = NULL, *out = NULL;
	GPtrArray	*extra;
	GMimeMessage	*m, *back;
	GError		*err = NULL;

	(void)state;
	dir = g_dir_make_tmp("test-compose-XXXXXX", NULL);
	path = g_build_filename(dir, "1718000000.M1P2.host:2,S", NULL);
	assert_true(g_file_set_contents(path, orig_text, -1, NULL));
	extra = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)compose_attachment_free);
	g_ptr_array_add(extra, compose_attachment_new(path, NULL,
	    "message/rfc822"));
	m = compose_parse_build(&me, "To: x@example.com\nSubject: Fwd: Plans"
	    "\n\nsee attached\n", extra, &err);
	assert_null(err);
	out = to_string(m, FALSE);
	assert_non_null(strstr(out, "Content-Type: message/rfc822"));
	assert_null(strstr(out, "base64"));
	back = parse_text(out);
	assert_non_null(back);
	assert_non_null(strstr(out, "Message-ID: <m2@example.com>"));
	g_object_unref(back);
	g_object_unref(m);
	g_ptr_array_unref(extra);
	unlink(path);
	rmdir(dir);
}

static void
test_new_and_resume(void **state)
{
	g_autofree char	*dir = NULL, *att = NULL, *t = NULL, *out = NULL;
	g_autofree char	*resumed = NULL;
	GMimeMessage	*m, *draft, *again;
	GError		*err = NULL;
	struct compose_fields f;
	char		*data = NULL;
	gsize		 len;

	(void)state;
	t = compose_template_new(&me, NULL, NULL, "-- \nsig text");
	assert_string_equal(t, "From: Jörg Müller <jorg@example.org>\nTo: \n"
	    "Cc: \nBcc: \nSubject: \n\n\n\n-- \nsig text\n");

	dir = g_dir_make_tmp("test-compose-XXXXXX", NULL);
	att = g_build_filename(dir, "notes.txt", NULL);
	assert_true(g_file_set_contents(att, "some notes\n", -1, NULL));
	g_free(t);
	t = g_strdup_printf("To: a@example.com\nBcc: b@example.com\n"
	    "Subject: draft\nIn-Reply-To: <p@q>\nReferences: <p@q>\n"
	    "Attach: %s\n\nunfinished text\n", att);
	m = compose_parse_build(&me, t, NULL, &err);
	assert_non_null(m);
	out = to_string(m, TRUE);
	draft = parse_text(out);
	resumed = compose_template_resume(draft, dir, &err);
	assert_null(err);
	assert_non_null(strstr(resumed, "\nBcc: b@example.com\n"));
	assert_non_null(strstr(resumed, "\nIn-Reply-To: <p@q>\n"));
	assert_non_null(strstr(resumed, "\nAttach: "));
	assert_non_null(strstr(resumed, "\n\nunfinished text\n"));
	assert_true(compose_parse(resumed, NULL, &f, &err));
	assert_int_equal(f.attachments->len, 1);
	assert_true(g_file_get_contents(((struct compose_attachment *)
	    g_ptr_array_index(f.attachments, 0))->path, &data, &len, NULL));
	assert_string_equal(data, "some notes\n");
	g_free(data);
	again = compose_parse_build(&me, resumed, NULL, &err);
	assert_null(err);
	assert_non_null(again);
	g_object_unref(again);
	unlink(((struct compose_attachment *)
	    g_ptr_array_index(f.attachments, 0))->path);
	compose_fields_clear(&f);
	g_object_unref(draft);
	g_object_unref(m);
	unlink(att);
	rmdir(dir);
}

static void
test_sender(void **state)
{
	static const char *const bad[] = {
		"", "a@b, c@d", "list: a@b;", "no-domain", "Why <y>",
	};
	char		*name, *addr;
	GError		*err = NULL;
	size_t		 i;

	(void)state;
	assert_true(compose_parse_sender("Jane Doe <jane@x.test>", &name,
	    &addr, &err));
	assert_string_equal(name, "Jane Doe");
	assert_string_equal(addr, "jane@x.test");
	g_free(name);
	g_free(addr);
	assert_true(compose_parse_sender("jane@x.test", &name, &addr, &err));
	assert_null(name);
	assert_string_equal(addr, "jane@x.test");
	g_free(addr);
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		assert_false(compose_parse_sender(bad[i], &name, &addr, &err));
		assert_null(name);
		assert_null(addr);
		assert_int_equal(err->code, COMPOSE_ERR_ADDRESS);
		g_clear_error(&err);
	}
}

static void
test_set_header(void **state)
{
	char	*t;

	(void)state;
	t = compose_set_header("To: a@b\nfrom: Old <o@x>\n  folded\n"
	    "Subject: s\n\nFrom: body line\n", "From", "New <n@x>");
	assert_string_equal(t, "To: a@b\nFrom: New <n@x>\nSubject: s\n\n"
	    "From: body line\n");
	g_free(t);
	/* No From field: it becomes the first line, the body untouched. */
	t = compose_set_header("To: a@b\n\nFrom: body\n", "From", "n@x");
	assert_string_equal(t, "From: n@x\nTo: a@b\n\nFrom: body\n");
	g_free(t);
	t = compose_set_header("", "From", "n@x");
	assert_string_equal(t, "From: n@x\n");
	g_free(t);
}

static void
test_addressed_to(void **state)
{
	static const char msg[] =
	    "Delivered-To: alias@home.test\n"
	    "From: Al <al@x.test>\n"
	    "To: Team: one@x.test, two@x.test;, me@home.test\n"
	    "Cc: cc@x.test\n"
	    "Subject: s\n\nbody\n";
	GMimeMessage	*m;
	GPtrArray	*to;

	(void)state;
	m = mime_message_from_data(msg, sizeof msg - 1);
	assert_non_null(m);
	to = compose_addressed_to(m);
	assert_int_equal(to->len, 5);
	assert_string_equal(g_ptr_array_index(to, 0), "alias@home.test");
	assert_string_equal(g_ptr_array_index(to, 1), "one@x.test");
	assert_string_equal(g_ptr_array_index(to, 3), "me@home.test");
	assert_string_equal(g_ptr_array_index(to, 4), "cc@x.test");
	g_ptr_array_unref(to);
	g_object_unref(m);
	to = compose_addressed_to(NULL);
	assert_int_equal(to->len, 0);
	g_ptr_array_unref(to);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_safe),
		cmocka_unit_test(test_subjects),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_sender),
		cmocka_unit_test(test_set_header),
		cmocka_unit_test(test_addressed_to),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_build_message),
		cmocka_unit_test(test_wire_bytes),
		cmocka_unit_test(test_ascii_body_7bit),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_reply_own_message),
		cmocka_unit_test(test_forward),
		cmocka_unit_test(test_forward_attached),
		cmocka_unit_test(test_new_and_resume),
	};
	int rc;

	setlocale(LC_ALL, "C.UTF-8");
	mime_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	mime_shutdown();
	return rc;
}
