/* test-mime.c: mime_summarize, what the index learns of a message. */
#include "satchel-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/util.h"
#include "mime/mime.h"

#define MAX_BODY	(64 * 1024)	/* MIME_MAX_BODY in mime.c */

/*
 * One row: a raw message and what its summary must hold. A NULL expected
 * string is not checked; NONE means the field must be NULL.
 */
#define NONE	((const char *)1)

struct summary_case {
	const char	*name;
	const char	*raw;
	const char	*subject;
	const char	*from;
	const char	*from_addr;
	const char	*body_has;	/* substring of body_text */
	const char	*body_not;	/* must not be in body_text */
	const char	*attachments;
	int		 has_attachment; /* -1: not checked */
	const char	*message_id;
	const char	*in_reply_to;
	const char	*references;
	int64_t		 date;		/* 0: not checked */
};

static const struct summary_case cases[] = {
	{ "plain ascii",
	  "From: Alice Example <alice@example.org>\n"
	  "To: bob@example.org\nSubject: Hello\n"
	  "Date: Tue, 14 Nov 2023 22:13:20 +0000\n"
	  "Message-ID: <one@example.org>\n\nHi Bob.\n",
	  "Hello", "Alice Example", "alice@example.org", "Hi Bob.", NULL,
	  NONE, 0, "one@example.org", NONE, NONE, 1700000000 },
	{ "rfc 2047 base64 utf-8 subject",
	  "From: =?UTF-8?B?w4lsaXNl?= <elise@example.org>\n"
	  "Subject: =?UTF-8?B?w6ljb2xl?=\n\nx\n",
	  "\xc3\xa9" "cole", "\xc3\x89lise", "elise@example.org", NULL, NULL,
	  NULL, -1, NONE, NONE, NONE, 0 },
	{ "rfc 2047 q latin-1 subject, split words",
	  "From: a@example.org\n"
	  "Subject: =?ISO-8859-1?Q?caf=E9?= =?ISO-8859-1?Q?_cr=E8me?=\n\nx\n",
	  "caf\xc3\xa9 cr\xc3\xa8me", NULL, NULL, NULL, NULL, NULL, -1, NULL,
	  NULL, NULL, 0 },
	{ "raw 8-bit latin-1 header falls back to windows-1252",
	  "From: a@example.org\nSubject: na\xefve \x80\n\nx\n",
	  "na\xc3\xafve \xe2\x82\xac", NULL, NULL, NULL, NULL, NULL, -1, NULL,
	  NULL, NULL, 0 },
	{ "broken encoded word stays text",
	  "From: a@example.org\nSubject: =?UTF-8?B?####?= tail\n\nx\n",
	  NULL, NULL, NULL, NULL, NULL, NULL, -1, NULL, NULL, NULL, 0 },
	{ "rfc 2231 attachment name",
	  "From: a@example.org\nSubject: cv\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	  "Content-Type: text/plain\n\nsee attached\n--b\n"
	  "Content-Type: application/pdf\n"
	  "Content-Disposition: attachment;\n"
	  " filename*=UTF-8''r%C3%A9sum%C3%A9.pdf\n"
	  "Content-Transfer-Encoding: base64\n\nJVBERi0=\n--b--\n",
	  "cv", NULL, NULL, "see attached", NULL, "r\xc3\xa9sum\xc3\xa9.pdf",
	  1, NULL, NULL, NULL, 0 },
	{ "rfc 2231 continuations",
	  "From: a@example.org\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	  "Content-Type: text/plain\n\nbody\n--b\n"
	  "Content-Type: application/octet-stream\n"
	  "Content-Disposition: attachment; filename*0=\"long\";\n"
	  " filename*1=\"name.bin\"\n\nxx\n--b--\n",
	  NULL, NULL, NULL, "body", NULL, "longname.bin", 1, NULL, NULL, NULL,
	  0 },
	{ "quoted-printable latin-1 body",
	  "From: a@example.org\nMIME-Version: 1.0\n"
	  "Content-Type: text/plain; charset=iso-8859-1\n"
	  "Content-Transfer-Encoding: quoted-printable\n\n"
	  "caf=E9 au lait, tr=\n=E8s bon\n",
	  NULL, NULL, NULL, "caf\xc3\xa9 au lait, tr\xc3\xa8s bon", NULL,
	  NONE, 0, NULL, NULL, NULL, 0 },
	{ "base64 utf-8 body",
	  "From: a@example.org\nMIME-Version: 1.0\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "Content-Transfer-Encoding: base64\n\n"
	  "R3LDvMOfZSBhdXMgS8O2bG4K\n",
	  NULL, NULL, NULL, "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln", NULL,
	  NULL, -1, NULL, NULL, NULL, 0 },
	{ "koi8-r body",
	  "From: a@example.org\nMIME-Version: 1.0\n"
	  "Content-Type: text/plain; charset=koi8-r\n\n\xf0\xd2\xc9\xd7\xc5\xd4\n",
	  NULL, NULL, NULL, "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",
	  NULL, NULL, -1, NULL, NULL, NULL, 0 },
	{ "bogus charset still valid utf-8",
	  "From: a@example.org\nMIME-Version: 1.0\n"
	  "Content-Type: text/plain; charset=x-no-such\n\nabc \xff\xfe def\n",
	  NULL, NULL, NULL, "def", NULL, NULL, -1, NULL, NULL, NULL, 0 },
	{ "html only: text, no script or style",
	  "From: a@example.org\nMIME-Version: 1.0\n"
	  "Content-Type: text/html; charset=utf-8\n\n"
	  "<html><head><style>p { color: red }</style>"
	  "<script>var secret = 1;</script></head>"
	  "<body><p>Visible &amp; plain</p></body></html>\n",
	  NULL, NULL, NULL, "Visible & plain", "secret", NULL, -1, NULL, NULL,
	  NULL, 0 },
	{ "html only: named and numeric entities are decoded for search",
	  "From: a@example.org\nMIME-Version: 1.0\n"
	  "Content-Type: text/html; charset=us-ascii\n\n"
	  "<p>Caf&eacute; &#233;t&#xE9; cr&egrave;me&nbsp;br&ucirc;l&eacute;e</p>\n",
	  NULL, NULL, NULL, "Caf\xc3\xa9 \xc3\xa9t\xc3\xa9 cr\xc3\xa8me",
	  "&eacute;", NULL, -1, NULL, NULL, NULL, 0 },
	{ "alternative prefers text/plain",
	  "From: a@example.org\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/alternative; boundary=x\n\n--x\n"
	  "Content-Type: text/plain\n\nplain version\n--x\n"
	  "Content-Type: text/html\n\n<p>html version</p>\n--x--\n",
	  NULL, NULL, NULL, "plain version", "html version", NONE, 0, NULL,
	  NULL, NULL, 0 },
	{ "broken from address",
	  "From: <<<@@>>> \"unterminated\nSubject: s\n\nbody\n",
	  "s", NULL, NULL, "body", NULL, NULL, -1, NULL, NULL, NULL, 0 },
	{ "address without domain",
	  "From: root\nSubject: cron\n\nbody\n",
	  "cron", "root", "root", NULL, NULL, NULL, -1, NULL, NULL, NULL, 0 },
	{ "group as from",
	  "From: team: Carol <carol@example.org>, dan@example.org;\n\nb\n",
	  NULL, "Carol", "carol@example.org", NULL, NULL, NULL, -1, NULL,
	  NULL, NULL, 0 },
	{ "message-id cleanup and references",
	  "From: a@example.org\nMessage-ID:  < spaced@example.org > \n"
	  "In-Reply-To: <p1@example.org> <p2@example.org>\n"
	  "References: <r1@example.org>\n <r2@example.org>\t<p1@example.org>\n"
	  "\nb\n",
	  NULL, NULL, NULL, NULL, NULL, NULL, -1, "spaced@example.org",
	  "p1@example.org", "r1@example.org r2@example.org p1@example.org",
	  0 },
	{ "in-reply-to with a comment and garbage",
	  "From: a@example.org\n"
	  "In-Reply-To: Your message of Monday <q@example.org> (yes)\n\nb\n",
	  NULL, NULL, NULL, NULL, NULL, NULL, -1, NONE, "q@example.org",
	  NONE, 0 },
	{ "empty message id",
	  "From: a@example.org\nMessage-ID: <>\n\nb\n",
	  NULL, NULL, NULL, NULL, NULL, NULL, -1, NONE, NULL, NULL, 0 },
	{ "bad date",
	  "From: a@example.org\nDate: the day after tomorrow\n\nb\n",
	  NULL, NULL, NULL, NULL, NULL, NULL, -1, NULL, NULL, NULL, 0 },
	{ "no headers at all",
	  "\njust a body\n",
	  NONE, NONE, NONE, NULL, NULL, NONE, 0, NONE, NONE, NONE, 0 },
	{ "attached message counts as attachment",
	  "From: a@example.org\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	  "Content-Type: text/plain\n\nfwd\n--b\n"
	  "Content-Type: message/rfc822\n\n"
	  "From: c@example.org\nSubject: inner one\n\ninner body\n--b--\n",
	  NULL, NULL, NULL, "fwd", NULL, "inner one", 1, NULL, NULL, NULL, 0 },
	{ "signature is not an attachment",
	  "From: a@example.org\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/signed; boundary=s;"
	  " protocol=\"application/pgp-signature\"\n\n--s\n"
	  "Content-Type: text/plain\n\nsigned text\n--s\n"
	  "Content-Type: application/pgp-signature; name=signature.asc\n\n"
	  "-----BEGIN PGP SIGNATURE-----\n--s--\n",
	  NULL, NULL, NULL, "signed text", NULL, NONE, 0, NULL, NULL, NULL, 0 },
};

static GMimeMessage *
parse(const char *raw)
{
	return mime_message_from_data(raw, strlen(raw));
}

static void
check_str(const char *what, const char *name, const char *want,
    const char *got)
{
	if (want == NULL)
		return;
	if (want == NONE) {
		if (got != NULL)
			fail_msg("%s: %s: want NULL, got \"%s\"", name, what,
			    got);
		return;
	}
	if (got == NULL || strcmp(want, got) != 0)
		fail_msg("%s: %s: want \"%s\", got \"%s\"", name, what, want,
		    got != NULL ? got : "(null)");
}

static void
check_valid(const char *name, const char *what, const char *s)
{
	if (s != NULL && !g_utf8_validate(s, -1, NULL))
		fail_msg("%s: %s is not valid UTF-8", name, what);
}

static void
test_table(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct summary_case *c = &cases[i];
		GMimeMessage *m = parse(c->raw);
		struct mime_summary *s;

		assert_non_null(m);
		s = mime_summarize(m);
		assert_non_null(s);
		check_str("subject", c->name, c->subject, s->subject);
		check_str("from", c->name, c->from, s->from);
		check_str("from_addr", c->name, c->from_addr, s->from_addr);
		check_str("attachments", c->name, c->attachments,
		    s->attachment_names);
		check_str("message_id", c->name, c->message_id, s->message_id);
		check_str("in_reply_to", c->name, c->in_reply_to,
		    s->in_reply_to);
		check_str("references", c->name, c->references, s->references);
		assert_non_null(s->body_text);
		if (c->body_has != NULL && strstr(s->body_text, c->body_has) ==
		    NULL)
			fail_msg("%s: body \"%s\" lacks \"%s\"", c->name,
			    s->body_text, c->body_has);
		if (c->body_not != NULL && strstr(s->body_text, c->body_not) !=
		    NULL)
			fail_msg("%s: body \"%s\" has \"%s\"", c->name,
			    s->body_text, c->body_not);
		if (c->has_attachment >= 0 &&
		    (s->has_attachment ? 1 : 0) != c->has_attachment)
			fail_msg("%s: has_attachment %d", c->name,
			    s->has_attachment);
		if (c->date != 0 && s->date != c->date)
			fail_msg("%s: date %" G_GINT64_FORMAT, c->name, s->date);
		check_valid(c->name, "subject", s->subject);
		check_valid(c->name, "from", s->from);
		check_valid(c->name, "body", s->body_text);
		check_valid(c->name, "snippet", s->snippet);
		assert_false(s->is_dsn);
		mime_summary_free(s);
		g_object_unref(m);
	}
}

/* An RFC 3464 report as a mail server would send it. */
static char *
dsn_report(const char *status_type, gboolean headers_only)
{
	return g_strdup_printf(
	    "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
	    "To: alice@example.org\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "Message-ID: <dsn-1@mx.example.net>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status;\n"
	    "\tboundary=\"RPT\"\n\n"
	    "--RPT\nContent-Type: text/plain; charset=us-ascii\n\n"
	    "Your message could not be delivered.\n\n"
	    "--RPT\nContent-Type: %s\n\n"
	    "Reporting-MTA: dns; mx.example.net\n"
	    "Original-Envelope-Id: env-42\n"
	    "Arrival-Date: Tue, 14 Nov 2023 22:13:20 +0000\n\n"
	    "Final-Recipient: rfc822; bob@example.com\n"
	    "Original-Recipient: rfc822;bob@example.com\n"
	    "Action: Failed\n"
	    "Status: 5.1.1 (bad destination mailbox address)\n"
	    "Diagnostic-Code: smtp; 550 5.1.1 <bob@example.com>:\n"
	    " Recipient address rejected: User unknown\n\n"
	    "--RPT\nContent-Type: %s\n\n"
	    "From: alice@example.org\nTo: bob@example.com\n"
	    "Subject: lunch?\nMessage-ID: <orig-7@example.org>\n%s"
	    "\n--RPT--\n", status_type, headers_only ?
	    "text/rfc822-headers" : "message/rfc822",
	    headers_only ? "" : "\nthe original body\n");
}

static void
test_dsn(void **state)
{
	static const struct {
		const char	*type;
		gboolean	 headers_only;
	} v[] = {
		{ "message/delivery-status", TRUE },
		{ "message/delivery-status", FALSE },
		{ "message/global-delivery-status", TRUE },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(v); i++) {
		g_autofree char *raw = dsn_report(v[i].type, v[i].headers_only);
		GMimeMessage *m = parse(raw);
		struct mime_summary *s = mime_summarize(m);

		assert_true(s->is_dsn);
		assert_string_equal(s->dsn_action, "failed");
		assert_string_equal(s->dsn_status, "5.1.1");
		assert_string_equal(s->dsn_recipient, "bob@example.com");
		assert_string_equal(s->dsn_envid, "env-42");
		assert_non_null(s->dsn_diagnostic);
		assert_non_null(strstr(s->dsn_diagnostic, "550 5.1.1"));
		assert_non_null(strstr(s->dsn_diagnostic, "User unknown"));
		assert_string_equal(s->dsn_original_message_id,
		    "orig-7@example.org");
		assert_non_null(strstr(s->body_text, "could not be delivered"));
		mime_summary_free(s);
		g_object_unref(m);
	}
}

/*
 * Several recipients, each block on its own (RFC 3464 section 2.3): Exim
 * writes Action first and leaves Diagnostic-Code out for routing
 * failures; OpenSMTPD never writes one. The reason then comes from the
 * human-readable part, never from another recipient's block.
 */
static void
test_dsn_recipients(void **state)
{
	static const char exim[] =
	    "From: Mail Delivery System <Mailer-Daemon@mx.example.test>\n"
	    "To: alice@example.test\n"
	    "Subject: Mail delivery failed: returning message to sender\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=1717408801-eximdsn-1804289383\n\n"
	    "--1717408801-eximdsn-1804289383\n"
	    "Content-type: text/plain; charset=us-ascii\n\n"
	    "recipients. This is a permanent error. The following "
	    "address(es) failed:\n\n"
	    "  nobody@nowhere.invalid\n"
	    "    Unrouteable address\n"
	    "  gone@example.test\n"
	    "    host mail.example.test [192.0.2.25]\n"
	    "    550 5.1.1 <gone@example.test>: User unknown\n\n"
	    "--1717408801-eximdsn-1804289383\n"
	    "Content-type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; mx.example.test\n\n"
	    "Action: failed\n"
	    "Final-Recipient: rfc822;nobody@nowhere.invalid\n"
	    "Status: 5.0.0\n\n"
	    "Action: failed\n"
	    "Final-Recipient: rfc822;gone@example.test\n"
	    "Status: 5.0.0\n"
	    "Remote-MTA: dns; mail.example.test\n"
	    "Diagnostic-Code: smtp; 550 5.1.1 <gone@example.test>: "
	    "Recipient address rejected: User unknown\n\n"
	    "--1717408801-eximdsn-1804289383--\n";
	static const char opensmtpd[] =
	    "From: Mailer Daemon <MAILER-DAEMON@mx.example.test>\n"
	    "To: alice@example.test\n"
	    "Subject: Delivery status notification: error\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed;boundary=\"B1\"\n\n"
	    "--B1\nContent-Description: Notification\n"
	    "Content-Type: text/plain; charset=us-ascii\n\n"
	    "Hi!\n\nAn error has occurred while attempting to deliver a "
	    "message for\nthe following list of recipients:\n\n"
	    "carol@example.test: 550 5.2.1 Mailbox disabled\n\n"
	    "Below is a copy of the original message:\n\n"
	    "--B1\nContent-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; mx.example.test\n\n"
	    "Final-Recipient: rfc822; carol@example.test\n"
	    "Action: failed\nStatus: 5.0.0\n"
	    "   \n"
	    "Final-Recipient: rfc822; dave@example.test\n"
	    "Action: delayed\nStatus: 4.4.1\n\n"
	    "--B1--\n";
	const struct mime_dsn_rcpt *r;
	struct mime_summary *s;
	GMimeMessage *m;

	(void)state;
	m = parse(exim);
	s = mime_summarize(m);
	assert_true(s->is_dsn);
	assert_non_null(s->dsn_rcpts);
	assert_int_equal(s->dsn_rcpts->len, 2);
	r = g_ptr_array_index(s->dsn_rcpts, 0);
	assert_string_equal(r->recipient, "nobody@nowhere.invalid");
	assert_string_equal(r->action, "failed");
	assert_string_equal(r->diagnostic, "Unrouteable address");
	r = g_ptr_array_index(s->dsn_rcpts, 1);
	assert_string_equal(r->recipient, "gone@example.test");
	assert_string_equal(r->status, "5.0.0");
	assert_string_equal(r->diagnostic, "550 5.1.1 <gone@example.test>: "
	    "Recipient address rejected: User unknown");
	/* The index keeps the first failed one, with its own reason. */
	assert_string_equal(s->dsn_recipient, "nobody@nowhere.invalid");
	assert_string_equal(s->dsn_diagnostic, "Unrouteable address");
	mime_summary_free(s);
	g_object_unref(m);

	m = parse(opensmtpd);
	s = mime_summarize(m);
	assert_true(s->is_dsn);
	assert_int_equal(s->dsn_rcpts->len, 2);
	r = g_ptr_array_index(s->dsn_rcpts, 0);
	assert_string_equal(r->recipient, "carol@example.test");
	assert_string_equal(r->diagnostic, "550 5.2.1 Mailbox disabled");
	r = g_ptr_array_index(s->dsn_rcpts, 1);
	assert_string_equal(r->recipient, "dave@example.test");
	assert_string_equal(r->action, "delayed");
	assert_null(r->diagnostic);
	mime_summary_free(s);
	g_object_unref(m);
}

static void
test_null(void **state)
{
	struct mime_summary *s = mime_summarize(NULL);

	(void)state;
	assert_non_null(s);
	assert_null(s->subject);
	assert_null(s->body_text);
	assert_null(s->message_id);
	assert_false(s->is_dsn);
	mime_summary_free(s);
	mime_summary_free(NULL);
}

/* A body far past the cap: the text kept is capped, still valid UTF-8. */
static void
test_limit_body(void **state)
{
	GString			*g = g_string_new(NULL);
	GMimeMessage		*m;
	struct mime_summary	*s;
	int			 i;

	(void)state;
	g_string_append(g, "From: a@example.org\nMIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=utf-8\n\n");
	for (i = 0; i < 200000; i++)
		g_string_append(g, "\xc3\xa9t\xc3\xa9 ");	/* 7 bytes */
	m = mime_message_from_data(g->str, g->len);
	s = mime_summarize(m);
	assert_true(strlen(s->body_text) <= MAX_BODY);
	assert_true(strlen(s->body_text) > MAX_BODY - 8);
	assert_true(g_utf8_validate(s->body_text, -1, NULL));
	assert_true(g_utf8_strlen(s->snippet, -1) <= 200);
	mime_summary_free(s);
	g_object_unref(m);
	g_string_free(g, TRUE);
}

/* A big base64 attachment after the text: the text is all there is. */
static void
test_limit_attachment(void **state)
{
	GString			*g = g_string_new(NULL);
	GMimeMessage		*m;
	struct mime_summary	*s;
	int			 i;

	(void)state;
	g_string_append(g, "From: a@example.org\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "Content-Type: text/plain\n\nsmall text\n--b\n"
	    "Content-Type: application/octet-stream; name=big.bin\n"
	    "Content-Transfer-Encoding: base64\n\n");
	for (i = 0; i < 100000; i++)
		g_string_append(g, "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
		    "QUFBQUFBQUFBQUFBQUFBQUFBQUFB\n");
	g_string_append(g, "--b--\n");
	m = mime_message_from_data(g->str, g->len);
	s = mime_summarize(m);
	assert_string_equal(s->body_text, "small text");
	assert_string_equal(s->attachment_names, "big.bin");
	assert_true(s->has_attachment);
	mime_summary_free(s);
	g_object_unref(m);
	g_string_free(g, TRUE);
}

/* Nesting and part counts far past the limits stay cheap and safe. */
static void
test_limit_nesting(void **state)
{
	GString			*g = g_string_new(NULL);
	GMimeMessage		*m;
	struct mime_summary	*s;
	int			 i;

	(void)state;
	g_string_append(g, "From: a@example.org\nMIME-Version: 1.0\n");
	for (i = 0; i < 200; i++)
		g_string_append_printf(g, "Content-Type: multipart/mixed;"
		    " boundary=b%d\n\n--b%d\n", i, i);
	g_string_append(g, "Content-Type: text/plain\n\ndeep text\n");
	for (i = 199; i >= 0; i--)
		g_string_append_printf(g, "--b%d--\n", i);
	m = mime_message_from_data(g->str, g->len);
	s = mime_summarize(m);
	assert_non_null(s->body_text);
	assert_null(strstr(s->body_text, "deep text"));	/* past the depth */
	mime_summary_free(s);
	g_object_unref(m);

	g_string_assign(g, "From: a@example.org\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=p\n\n");
	for (i = 0; i < 5000; i++)
		g_string_append_printf(g, "--p\nContent-Type: application/x-y;"
		    " name=f%d\n\nx\n", i);
	g_string_append(g, "--p--\n");
	m = mime_message_from_data(g->str, g->len);
	s = mime_summarize(m);
	assert_true(s->has_attachment);
	assert_non_null(s->attachment_names);
	assert_null(strstr(s->attachment_names, "f4999"));	/* capped */
	mime_summary_free(s);
	g_object_unref(m);
	g_string_free(g, TRUE);
}

/* References: the root and the newest 63 are kept of a long chain. */
static void
test_limit_references(void **state)
{
	GString			*g = g_string_new(NULL);
	GMimeMessage		*m;
	struct mime_summary	*s;
	char			**v;
	int			 i;

	(void)state;
	g_string_append(g, "From: a@example.org\nReferences:");
	for (i = 0; i < 500; i++)
		g_string_append_printf(g, " <r%d@example.org>\n", i);
	g_string_append(g, "\nb\n");
	m = mime_message_from_data(g->str, g->len);
	s = mime_summarize(m);
	v = g_strsplit(s->references, " ", 0);
	assert_int_equal(g_strv_length(v), 64);
	assert_string_equal(v[0], "r0@example.org");
	assert_string_equal(v[63], "r499@example.org");
	g_strfreev(v);
	mime_summary_free(s);
	g_object_unref(m);
	g_string_free(g, TRUE);
}

/* Bytes that are not mail at all. */
static void
test_garbage(void **state)
{
	static const char *const junk[] = {
		"", "\n", "\r\n\r\n", "From \n", ":::\n\n",
		"Content-Type: multipart/mixed; boundary=\"\"\n\n--\n--\n",
		"Content-Transfer-Encoding: base64\n\n!!!!====\n",
		"Subject: =?UTF-8?Q?=FF=FE?=\n\n\xff\xfe\x00\x01",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(junk); i++) {
		GMimeMessage *m = mime_message_from_data(junk[i],
		    strlen(junk[i]));
		struct mime_summary *s = mime_summarize(m);

		assert_non_null(s);
		check_valid("garbage", "subject", s->subject);
		check_valid("garbage", "body", s->body_text);
		mime_summary_free(s);
		if (m != NULL)
			g_object_unref(m);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_dsn),
		cmocka_unit_test(test_dsn_recipients),
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_limit_body),
		cmocka_unit_test(test_limit_attachment),
		cmocka_unit_test(test_limit_nesting),
		cmocka_unit_test(test_limit_references),
		cmocka_unit_test(test_garbage),
	};
	int	 rc;

	mime_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	mime_shutdown();
	return rc;
}
