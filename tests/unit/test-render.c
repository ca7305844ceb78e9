/*
 * test-render.c: rendering messages for the pager. Small hand-written
 * messages with the exact lines expected, then hostile input, parts,
 * saving, mailcap and URLs.
 */
#include "satchel-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"
#include "mime/html.h"
#include "mime/render.h"

#define NOHDR	RENDER_NO_HEADERS

struct render_case {
	const char	*name;
	size_t		 width;
	unsigned	 flags;
	const char	*message;
	const char	*lines;		/* expected lines joined by \n */
	const char	*kinds;		/* one letter per line, NULL: not checked */
};

static GMimeMessage	*parse(const char *);
static char		*join(const struct render_text *);
static char		*kinds(const struct render_text *);
static void		 check_safe(const struct render_text *);
static struct render_text *render(const char *, size_t, unsigned);
static char		*tmpdir(void);
static void		 rmtree(const char *);

static GMimeMessage *
parse(const char *raw)
{
	GMimeMessage	*m;

	m = mime_message_from_data(raw, strlen(raw));
	assert_non_null(m);
	return m;
}

static char *
join(const struct render_text *t)
{
	GString	*s = g_string_new(NULL);
	size_t	 i;

	for (i = 0; i < t->nlines; i++) {
		if (i > 0)
			g_string_append_c(s, '\n');
		g_string_append(s, t->lines[i].text);
	}
	return g_string_free(s, FALSE);
}

static char *
kinds(const struct render_text *t)
{
	static const char letters[] = "THQSNNL";
	GString	*s = g_string_new(NULL);
	size_t	 i;

	for (i = 0; i < t->nlines; i++) {
		if (t->lines[i].kind == RENDER_LINE_HEADING)
			g_string_append_c(s, 'G');
		else
			g_string_append_c(s, letters[t->lines[i].kind]);
	}
	return g_string_free(s, FALSE);
}

/* Every line: valid UTF-8, no control characters, fits the width. */
static void
check_safe(const struct render_text *t)
{
	const char	*p;
	gunichar	 c;
	size_t		 i;

	for (i = 0; i < t->nlines; i++) {
		const char *line = t->lines[i].text;

		assert_true(g_utf8_validate(line, -1, NULL));
		for (p = line; *p != '\0'; p = g_utf8_next_char(p)) {
			c = g_utf8_get_char(p);
			assert_false(c < 0x20 || (c >= 0x7F && c <= 0x9F));
			assert_false((c >= 0x202A && c <= 0x202E) ||
			    (c >= 0x2066 && c <= 0x2069) || c == 0x200E ||
			    c == 0x200F || c == 0x061C);
		}
		if (sanitize_width(line) > t->width)
			fail_msg("line %zu too wide (%zu > %zu): %s", i,
			    sanitize_width(line), t->width, line);
	}
}

static struct render_text *
render(const char *raw, size_t width, unsigned flags)
{
	struct render_options	 o;
	struct render_text	*t;
	GMimeMessage		*m;

	memset(&o, 0, sizeof o);
	o.width = width;
	o.flags = flags;
	o.mailcap_path = "/nonexistent";
	m = parse(raw);
	t = render_message(m, &o);
	g_object_unref(m);
	assert_non_null(t);
	check_safe(t);
	return t;
}

static char *
tmpdir(void)
{
	char	*dir;

	dir = g_dir_make_tmp("test-render-XXXXXX", NULL);
	assert_non_null(dir);
	return dir;
}

static void
rmtree(const char *dir)
{
	assert_int_equal(file_remove_tree(dir), 0);
}

static const struct render_case cases[] = {
	{ "headers", 80, 0,
	  "From: Alice <a@example.org>\nTo: b@example.org\n"
	  "Cc: =?utf-8?q?Ren=C3=A9?= <r@example.org>\n"
	  "Subject: =?ISO-8859-1?Q?Caf=E9?= time\n"
	  "Date: Mon, 1 Jan 2024 10:00:00 +0100\n\nHello world\n",
	  "From: Alice <a@example.org>\nTo: b@example.org\n"
	  "Cc: Ren\u00e9 <r@example.org>\n"
	  "Date: Mon, 01 Jan 2024 10:00:00 +0100\nSubject: Caf\u00e9 time\n"
	  "\nHello world", "HHHHHTT" },
	{ "wrap", 20, NOHDR,
	  "Subject: x\n\nThe quick brown fox jumps over the lazy dog\n",
	  "The quick brown fox\njumps over the lazy\ndog", "TTT" },
	{ "long word", 10, NOHDR,
	  "Subject: x\n\nabcdefghijklmnopqrstuvwxy z\n",
	  "abcdefghij\nklmnopqrst\nuvwxy z", NULL },
	{ "tabs", 40, NOHDR, "Subject: x\n\na\tb\n",
	  "a       b", NULL },
	{ "quotes", 80, NOHDR,
	  "Subject: x\n\n> quoted line\n>> deeper\n> > also deeper\n>\nplain\n",
	  "> quoted line\n>> deeper\n>> also deeper\n>\nplain", "QQQQT" },
	{ "quote wrap", 20, NOHDR,
	  "Subject: x\n\n> aaaa bbbb cccc dddd eeee\n",
	  "> aaaa bbbb cccc\n> dddd eeee", "QQ" },
	{ "signature", 80, NOHDR,
	  "Subject: x\n\nbody\n> -- \n-- \nJane\nhttp://j.example\n",
	  "body\n> --\n--\nJane\nhttp://j.example", "TQSSS" },
	{ "flowed", 80, NOHDR,
	  "Subject: x\nContent-Type: text/plain; format=flowed\n\n"
	  "This is a \nflowed para.\n>Quoted \n>text.\n>>Deeper.\n From stuffed\n"
	  "-- \nsig\n",
	  "This is a flowed para.\n> Quoted text.\n>> Deeper.\nFrom stuffed\n"
	  "--\nsig", "TQQTSS" },
	{ "flowed delsp", 80, NOHDR,
	  "Subject: x\nContent-Type: text/plain; format=flowed; delsp=yes\n\n"
	  "Hyph \nenated word\n",
	  "Hyphenated word", "T" },
	{ "not flowed", 80, NOHDR,
	  "Subject: x\n\nline one \nline two\n",
	  "line one\nline two", "TT" },
	{ "latin1 qp", 80, NOHDR,
	  "Subject: x\nContent-Type: text/plain; charset=iso-8859-1\n"
	  "Content-Transfer-Encoding: quoted-printable\n\nCaf=E9 cr=E8me\n",
	  "Caf\u00e9 cr\u00e8me", "T" },
	{ "unlabelled 8bit", 80, NOHDR,
	  "Subject: x\n\n\xe9t\xe9 \x80\n",
	  "\u00e9t\u00e9 \u20ac", "T" },
	{ "bogus charset", 80, NOHDR,
	  "Subject: x\nContent-Type: text/plain; charset=x-no-such\n\nabc\n",
	  "abc", "T" },
	{ "koi8", 80, NOHDR,
	  "Subject: x\nContent-Type: text/plain; charset=koi8-r\n\n\xf0\xd2\xc9\xd7\xc5\xd4\n",
	  "\u041f\u0440\u0438\u0432\u0435\u0442", "T" },
	{ "invalid utf8", 80, NOHDR,
	  "Subject: x\nContent-Type: text/plain; charset=utf-8\n\na\xff" "b\n",
	  "a\ufffdb", "T" },
	{ "hostile body", 80, NOHDR,
	  "Subject: x\n\nx\x1b]0;pwn\x07y\x1b[2Jz \xc2\x9b" "1m\n"
	  "bidi \xe2\x80\xae" "gnp.exe\n",
	  "x\ufffd]0;pwn\ufffdy\ufffd[2Jz \ufffd1m\nbidi gnp.exe", "TT" },
	{ "hostile subject", 80, 0,
	  "Subject: =?utf-8?q?a=1B]0;t=07b?= \xe2\x80\xae" "x\n"
	  "From: =?utf-8?b?G1syShtbMUtldmls?= <e@example.org>\n\nok\n",
	  "From: \"\ufffd[2J\ufffd[1Kevil\" <e@example.org>\n"
	  "Subject: a\ufffd]0;t\ufffdb x\n\nok", "HHTT" },
	{ "html", 80, NOHDR,
	  "Subject: x\nContent-Type: text/html; charset=utf-8\n\n"
	  "<html><head><title>T</title><style>p { color: red }</style>"
	  "<script>alert('<p>x</p>')</script></head><body>"
	  "<h1>Title</h1><p>Hello &amp; welcome&nbsp;here &#8364; &eacute; "
	  "&#x263a; &bogus; &lt;tag&gt;</p>"
	  "<ul><li>one</li><li>two<ul><li>inner</li></ul></li></ul>"
	  "<ol><li>a</li><li>b</li></ol>"
	  "<p>See <a href=\"https://example.org/x?a=1&amp;b=2\">the site</a>"
	  " and <a href='mailto:m@example.org'>mail</a>, "
	  "<a href=\"#top\">top</a>.</p>"
	  "<table><tr><th>Name</th><th>Value</th></tr>"
	  "<tr><td>a</td><td>1</td></tr></table>"
	  "<pre>\n  x  y\n\n  z</pre>"
	  "<blockquote>quoted<br>text</blockquote>"
	  "<!-- <p>comment</p> -->Line<br>break<br><br>gap"
	  "</body></html>\n",
	  "Title\n\nHello & welcome here \u20ac \u00e9 \u263a &bogus; <tag>\n\n"
	  "\u2022 one\n\u2022 two\n  \u25e6 inner\n\n1. a\n2. b\n\n"
	  "See the site[1] and mail[2], top.\n\n"
	  "Name | Value\na | 1\n\n  x  y\n\n  z\n\n> quoted\n> text\n\n"
	  "Line\nbreak\n\ngap\n\n"
	  "[1] https://example.org/x?a=1&b=2\n[2] mailto:m@example.org",
	  "GTTTTTTTTTTTTTTTTTTTQQTTTTTTLL" },
	{ "html list wrap", 20, NOHDR,
	  "Subject: x\nContent-Type: text/html\n\n"
	  "<ol start=9><li>one two three four five</li><li>x</li></ol>\n",
	  "9. one two three\n   four five\n10. x", "TTT" },
	{ "html meta charset", 80, NOHDR,
	  "Subject: x\nContent-Type: text/html\n\n"
	  "<meta http-equiv=\"Content-Type\" content=\"text/html; "
	  "charset=iso-8859-1\"><p>caf\xe9</p>\n",
	  "caf\u00e9", "T" },
	{ "html unclosed", 80, NOHDR,
	  "Subject: x\nContent-Type: text/html\n\n"
	  "a < b <b>bold</b> <a href=\"http://x.example/\">x <p>c <script>never",
	  "a < b bold x\n\nc[1]\n\n[1] http://x.example/", "TTTTL" },
	{ "alternative plain", 80, NOHDR,
	  "Subject: x\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/alternative; boundary=B\n\n--B\n"
	  "Content-Type: text/plain\n\nplain body\n--B\n"
	  "Content-Type: text/html\n\n<p>html body</p>\n--B--\n",
	  "plain body", "T" },
	{ "alternative html", 80, NOHDR | RENDER_PREFER_HTML,
	  "Subject: x\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/alternative; boundary=B\n\n--B\n"
	  "Content-Type: text/plain\n\nplain body\n--B\n"
	  "Content-Type: text/html\n\n<p>html body</p>\n--B--\n",
	  "html body", "T" },
	{ "alternative empty plain", 80, NOHDR,
	  "Subject: x\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/alternative; boundary=B\n\n--B\n"
	  "Content-Type: text/plain\n\n \n--B\n"
	  "Content-Type: text/html\n\n<p>html body</p>\n--B--\n",
	  "html body", "T" },
	{ "mixed", 80, NOHDR,
	  "Subject: x\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/mixed; boundary=B\n\n--B\n"
	  "Content-Type: text/plain\n\nsee attached\n--B\n"
	  "Content-Type: application/pdf; name=\"r.pdf\"\n"
	  "Content-Disposition: attachment; filename=\"../../etc/r\x1b[1m.pdf\"\n"
	  "Content-Transfer-Encoding: base64\n\naGVsbG8=\n--B\n"
	  "Content-Type: text/plain\n\nsecond text\n--B--\n",
	  "see attached\n[-- Attachment 2: r_[1m.pdf (application/pdf) --]\n\n"
	  "second text", "TNTT" },
	{ "rfc822", 80, NOHDR,
	  "Subject: outer\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/mixed; boundary=B\n\n--B\n"
	  "Content-Type: text/plain\n\nfwd:\n--B\n"
	  "Content-Type: message/rfc822\n\n"
	  "From: Bob <b@example.org>\nSubject: inner\n\ninner body\n--B--\n",
	  "fwd:\n\n[-- Attached message 2 --]\nFrom: Bob <b@example.org>\n"
	  "Subject: inner\n\ninner body\n\n[-- End of attached message 2 --]",
	  "TTNHHTTTN" },
	{ "encrypted", 80, NOHDR,
	  "Subject: x\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/encrypted; boundary=B; "
	  "protocol=\"application/pgp-encrypted\"\n\n--B\n"
	  "Content-Type: application/pgp-encrypted\n\nVersion: 1\n--B\n"
	  "Content-Type: application/octet-stream\n\n-----BEGIN PGP\n--B--\n",
	  "[-- Encrypted part, not shown --]", "N" },
};

static void
test_cases(void **state)
{
	struct render_text	*t;
	char			*got, *k;
	size_t			 i;

	(void)state;
	assert_null(render_message(NULL, NULL));
	render_text_free(NULL);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		t = render(cases[i].message, cases[i].width, cases[i].flags);
		got = join(t);
		k = kinds(t);
		if (strcmp(got, cases[i].lines) != 0)
			fail_msg("%s: got\n%s\n--- want\n%s", cases[i].name,
			    got, cases[i].lines);
		if (cases[i].kinds != NULL && strcmp(k, cases[i].kinds) != 0)
			fail_msg("%s: kinds %s, want %s", cases[i].name, k,
			    cases[i].kinds);
		g_free(k);
		g_free(got);
		render_text_free(t);
	}
}

static void
test_quote_levels(void **state)
{
	struct render_text	*t;

	(void)state;
	t = render("Subject: x\n\n> a\n>> b\n> > > c\nd\n", 80, NOHDR);
	assert_int_equal(t->nlines, 4);
	assert_int_equal(t->lines[0].quote, 1);
	assert_int_equal(t->lines[1].quote, 2);
	assert_int_equal(t->lines[2].quote, 3);
	assert_int_equal(t->lines[3].quote, 0);
	render_text_free(t);

	/* Headers carry the length of their label. */
	t = render("Subject: hello\n\nx\n", 80, 0);
	assert_int_equal(t->lines[0].kind, RENDER_LINE_HEADER);
	assert_int_equal(t->lines[0].label, strlen("Subject:"));
	render_text_free(t);
}

static void
test_wide(void **state)
{
	struct render_text	*t;
	char			*got;

	(void)state;
	if (MB_CUR_MAX == 1)
		skip();
	t = render("Subject: x\nContent-Type: text/plain; charset=utf-8\n\n"
	    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3067\u3059\n"
	    "cafe\xcc\x81 cafe\xcc\x81 cafe\xcc\x81\n", 10, NOHDR);
	got = join(t);
	assert_string_equal(got, "\u65e5\u672c\u8a9e\u306e\u30c6\n"
	    "\u30ad\u30b9\u30c8\u3067\u3059\n"
	    "cafe\xcc\x81 cafe\xcc\x81\ncafe\xcc\x81");
	g_free(got);
	render_text_free(t);
}

static void
test_all_headers(void **state)
{
	struct render_text	*t;
	char			*got;

	(void)state;
	t = render("Received: from a\n\tby b\nX-Evil: \x1b[31mred\x07\n"
	    "Subject: =?utf-8?q?enc?=\n\nbody\n", 80, RENDER_ALL_HEADERS);
	got = join(t);
	assert_string_equal(got, "Received: from a by b\n"
	    "X-Evil: \ufffd[31mred\ufffd\nSubject: =?utf-8?q?enc?=\n\nbody");
	g_free(got);
	render_text_free(t);
}

static void
test_hostile_limits(void **state)
{
	struct render_text	*t;
	GString			*raw;
	gint64			 start;
	int			 i;

	(void)state;
	/* A 1 MB header line. */
	raw = g_string_new("Subject: ");
	for (i = 0; i < 1024 * 1024 / 8; i++)
		g_string_append(raw, "abcdefg ");
	g_string_append(raw, "\n\nbody\n");
	start = g_get_monotonic_time();
	t = render(raw->str, 40, 0);
	assert_true(t->nlines < RENDER_MAX_LINE_BYTES / 10);
	render_text_free(t);

	/* A 1 MB body line without spaces. */
	g_string_assign(raw, "Subject: x\n\n");
	for (i = 0; i < 1024 * 1024 / 8; i++)
		g_string_append(raw, "abcdefgh");
	g_string_append(raw, "\n");
	t = render(raw->str, 40, NOHDR);
	assert_true(t->nlines < RENDER_MAX_LINE_BYTES / 30);
	render_text_free(t);

	/* 500 levels of nested multiparts. */
	g_string_assign(raw, "Subject: deep\nMIME-Version: 1.0\n");
	for (i = 0; i < 500; i++)
		g_string_append_printf(raw, "Content-Type: multipart/mixed; "
		    "boundary=b%d\n\n--b%d\n", i, i);
	g_string_append(raw, "Content-Type: text/plain\n\ndeep text\n");
	for (i = 499; i >= 0; i--)
		g_string_append_printf(raw, "--b%d--\n", i);
	t = render(raw->str, 80, 0);
	assert_true(t->flags & RENDER_TEXT_TRUNCATED);
	render_text_free(t);

	/* Tens of thousands of parts. */
	g_string_assign(raw, "Subject: many\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=B\n\n");
	for (i = 0; i < 20000; i++)
		g_string_append(raw, "--B\nContent-Type: text/plain\n\np\n");
	g_string_append(raw, "--B--\n");
	t = render(raw->str, 80, 0);
	assert_true(t->flags & RENDER_TEXT_TRUNCATED);
	assert_true(t->nlines <= RENDER_MAX_LINES + 16);
	render_text_free(t);

	/* NUL bytes in the body become visible replacement characters. */
	{
		static const char nul[] = "Subject: x\n\na\0b\n";
		GMimeMessage *m = mime_message_from_data(nul, sizeof nul - 1);
		struct render_options o = { .width = 80, .flags = NOHDR };

		assert_non_null(m);
		t = render_message(m, &o);
		check_safe(t);
		assert_int_equal(t->nlines, 1);
		assert_string_equal(t->lines[0].text, "a\ufffdb");
		render_text_free(t);
		g_object_unref(m);
	}
	/* All of the above is a few seconds at most even with sanitizers. */
	assert_true(g_get_monotonic_time() - start < 30 * G_USEC_PER_SEC);
	g_string_free(raw, TRUE);
}

static void
test_speed(void **state)
{
	struct render_text	*t;
	GString			*raw;
	GMimeMessage		*m;
	gint64			 start;
	int			 i;

	(void)state;
	raw = g_string_new("From: a@example.org\nSubject: typical\n"
	    "Content-Type: text/plain; format=flowed\n\n");
	for (i = 0; i < 200; i++)
		g_string_append(raw, "> A typical line of a typical reply that "
		    "goes on for a while so it needs wrapping, \n"
		    "and a plain line after it.\n");
	m = parse(raw->str);
	start = g_get_monotonic_time();
	for (i = 0; i < 10; i++) {
		t = render_message(m, NULL);
		render_text_free(t);
	}
	/* Generous: about 1 ms each without sanitizers. */
	assert_true(g_get_monotonic_time() - start < 10 * 100 * 1000);
	g_object_unref(m);
	g_string_free(raw, TRUE);
}

static void
test_search(void **state)
{
	struct render_text	*t;
	size_t			*hits, n = 99;

	(void)state;
	assert_null(render_search(NULL, "x", &n));
	assert_int_equal(n, 0);
	t = render("Subject: x\n\nAlpha beta\ngamma\nBETA \u00c9t\u00e9\n",
	    80, NOHDR);
	assert_null(render_search(t, "", &n));
	assert_null(render_search(t, NULL, &n));
	assert_null(render_search(t, "nothing", &n));
	assert_int_equal(n, 0);
	hits = render_search(t, "Beta", &n);
	assert_int_equal(n, 2);
	assert_int_equal(hits[0], 0);
	assert_int_equal(hits[1], 2);
	g_free(hits);
	hits = render_search(t, "\u00e9T\u00c9", &n);
	assert_int_equal(n, 1);
	assert_int_equal(hits[0], 2);
	g_free(hits);
	render_text_free(t);
}

static void
test_urls(void **state)
{
	GMimeMessage	*m;
	char		**urls;
	struct render_text *t;

	(void)state;
	urls = render_url_list(NULL, NULL);
	assert_null(urls[0]);
	g_strfreev(urls);
	m = parse("Subject: x\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=B\n\n--B\n"
	    "Content-Type: text/plain\n\n"
	    "see https://a.example/x, and <http://b.example/y>.\n"
	    "(https://c.example/w_(z)) again https://a.example/x\n--B\n"
	    "Content-Type: text/html\n\n"
	    "<a href=\"https://d.example/\x1b[1m\">d</a> "
	    "<a href=\"javascript:alert(1)\">no</a> "
	    "<a href=\" http://b.example/y\">b</a>\n--B--\n");
	urls = render_url_list(m, NULL);
	assert_int_equal(g_strv_length(urls), 4);
	assert_string_equal(urls[0], "https://a.example/x");
	assert_string_equal(urls[1], "http://b.example/y");
	assert_string_equal(urls[2], "https://c.example/w_(z)");
	assert_string_equal(urls[3], "https://d.example/\ufffd[1m");
	g_strfreev(urls);
	/* The numbers in the text are the list's numbers. */
	t = render_message(m, NULL);
	assert_non_null(t->urls);
	assert_int_equal(g_strv_length(t->urls), 4);
	{
		char *got = join(t);

		assert_non_null(strstr(got, "d[4] no b[2]"));
		assert_non_null(strstr(got, "[4] https://d.example/"));
		g_free(got);
	}
	render_text_free(t);
	g_object_unref(m);
}

static void
test_html_to_text(void **state)
{
	char	*s;

	(void)state;
	s = html_to_text(NULL, -1);
	assert_string_equal(s, "");
	g_free(s);
	s = html_to_text("<p>a &amp; b</p><p><a href=\"http://x.example/\">"
	    "x</a></p>", -1);
	assert_string_equal(s, "a & b\n\nx[1]\n\n[1] http://x.example/\n");
	g_free(s);
}

static const char attach_msg[] =
    "Subject: files\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=B\n\n--B\n"
    "Content-Type: text/plain\n\nhi\n--B\n"
    "Content-Type: application/x-test; name=x.bin\n"
    "Content-Disposition: attachment; filename=\"../../x.bin\"\n"
    "Content-Transfer-Encoding: base64\n\naGVsbG8gd29ybGQ=\n--B\n"
    "Content-Type: message/rfc822\n\nSubject: inner\n\ninner\n--B\n"
    "Content-Type: application/pdf\n"
    "Content-Disposition: attachment; filename=\"a b.pdf\"\n\n%PDF\n--B--\n";

static void
test_parts(void **state)
{
	struct render_part_list	*l;
	GMimeMessage		*m;

	(void)state;
	assert_null(render_part_list(NULL));
	render_part_list_free(NULL);
	m = parse(attach_msg);
	l = render_part_list(m);
	assert_int_equal(l->nparts, 5);
	assert_false(l->truncated);
	assert_int_equal(l->parts[0].number, 1);
	assert_string_equal(l->parts[0].content_type, "text/plain");
	assert_false(l->parts[0].is_attachment);
	assert_null(l->parts[0].filename);
	assert_string_equal(l->parts[1].content_type, "application/x-test");
	assert_string_equal(l->parts[1].filename, "x.bin");
	assert_int_equal(l->parts[1].size, 11);
	assert_true(l->parts[1].is_attachment);
	assert_int_equal(l->parts[1].depth, 0);
	assert_true(l->parts[2].is_message);
	assert_string_equal(l->parts[2].content_type, "message/rfc822");
	assert_int_equal(l->parts[3].depth, 1);	/* the attached message's body */
	assert_string_equal(l->parts[4].filename, "a b.pdf");
	render_part_list_free(l);
	g_object_unref(m);
}

static void
test_save(void **state)
{
	GMimeMessage	*m;
	GError		*error = NULL;
	struct stat	 st;
	char		*dir, *path = NULL, *data;
	size_t		 len;

	(void)state;
	m = parse(attach_msg);
	dir = tmpdir();
	assert_int_equal(render_part_save(NULL, 1, dir, NULL, 0, NULL, NULL),
	    RENDER_ERR_INVALID);
	assert_int_equal(render_part_save(m, 0, dir, NULL, 0, NULL, NULL),
	    RENDER_ERR_NO_PART);
	assert_int_equal(render_part_save(m, 6, dir, NULL, 0, NULL, NULL),
	    RENDER_ERR_NO_PART);
	assert_int_equal(render_part_save(m, 2, dir, NULL, 0, &path, &error),
	    RENDER_OK);
	assert_null(error);
	assert_non_null(path);
	assert_true(g_str_has_prefix(path, dir));
	assert_true(g_str_has_suffix(path, "/x.bin"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	data = file_read_all(path, &len);
	assert_int_equal(len, 11);
	assert_memory_equal(data, "hello world", 11);
	g_free(data);
	g_free(path);

	/* Never overwrite unless told; then replace. */
	assert_int_equal(render_part_save(m, 2, dir, NULL, 0, &path, &error),
	    RENDER_ERR_EXISTS);
	assert_null(path);
	assert_int_equal(render_part_save(m, 1, dir, "x.bin",
	    RENDER_SAVE_OVERWRITE, &path, &error), RENDER_OK);
	data = file_read_all(path, &len);
	assert_int_equal(len, 2);	/* the newline before a boundary is the boundary's */
	assert_memory_equal(data, "hi", 2);
	g_free(data);
	g_free(path);

	/* A name from the caller is cleaned too; messages save as .eml. */
	assert_int_equal(render_part_save(m, 3, dir, "../../evil", 0, &path,
	    NULL), RENDER_OK);
	assert_true(g_str_has_suffix(path, "/evil"));
	g_free(path);
	assert_int_equal(render_part_save(m, 3, dir, NULL, 0, &path, NULL),
	    RENDER_OK);
	assert_true(g_str_has_suffix(path, "/message.eml"));
	data = file_read_all(path, &len);
	assert_non_null(strstr(data, "Subject: inner"));
	g_free(data);
	g_free(path);

	/* An unwritable directory is an I/O error with detail. */
	assert_int_equal(render_part_save(m, 2, "/nonexistent/dir", NULL, 0,
	    NULL, &error), RENDER_ERR_IO);
	assert_non_null(error);
	g_clear_error(&error);
	rmtree(dir);
	g_free(dir);
	g_object_unref(m);
}

static void
test_view(void **state)
{
	struct render_options	 o;
	struct render_view	*v = NULL;
	GMimeMessage		*m;
	GError			*error = NULL;
	char			*dir, *cap, *data, *tmp;
	size_t			 len;

	(void)state;
	m = parse(attach_msg);
	dir = tmpdir();
	cap = g_build_filename(dir, "mailcap", NULL);
	assert_true(g_file_set_contents(cap,
	    "# comment\n"
	    "application/pdf; echo %s; test=test -n \"$DISPLAY\"\n"
	    "application/pdf; cat '%s' \\\n  --type=%t; copiousoutput\n"
	    "application/x-test; less; needsterminal\n"
	    "message/*; mutt -f %s | more\n", -1, NULL));
	memset(&o, 0, sizeof o);
	o.mailcap_path = cap;

	assert_int_equal(render_part_view(NULL, 1, &o, &v, NULL),
	    RENDER_ERR_INVALID);
	assert_int_equal(render_part_view(m, 9, &o, &v, NULL),
	    RENDER_ERR_NO_PART);
	assert_int_equal(render_part_view(m, 1, &o, &v, NULL),
	    RENDER_ERR_NO_MAILCAP);
	assert_null(v);
	assert_int_equal(render_part_view(m, 3, &o, &v, &error),
	    RENDER_ERR_MAILCAP);
	assert_null(v);
	g_clear_error(&error);

	/* %s inside quotes is still one word: no shell sees the name. */
	assert_int_equal(render_part_view(m, 5, &o, &v, &error), RENDER_OK);
	assert_non_null(v);
	assert_string_equal(v->argv[0], "cat");
	assert_string_equal(v->argv[1], v->temp_path);
	assert_string_equal(v->argv[2], "--type=application/pdf");
	assert_null(v->argv[3]);
	assert_true(g_str_has_suffix(v->temp_path, "/part.pdf"));
	assert_null(v->stdin_path);
	assert_true(v->copious_output);
	assert_false(v->needs_terminal);
	data = file_read_all(v->temp_path, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(data, "%PDF", 4);
	g_free(data);
	tmp = g_strdup(v->temp_path);
	render_view_free(v);
	assert_false(g_file_test(tmp, G_FILE_TEST_EXISTS));
	g_free(tmp);

	/* No %s: the part comes on stdin. */
	assert_int_equal(render_part_view(m, 2, &o, &v, &error), RENDER_OK);
	assert_string_equal(v->argv[0], "less");
	assert_null(v->argv[1]);
	assert_non_null(v->stdin_path);
	assert_true(v->needs_terminal);
	render_view_free(v);
	render_view_free(NULL);

	unlink(cap);
	g_free(cap);
	rmtree(dir);
	g_free(dir);
	g_object_unref(m);
}

static void
test_html_mailcap(void **state)
{
	static const char html[] = "Subject: x\nContent-Type: text/html\n\n"
	    "<p>hi there</p>\n";
	struct render_options	 o;
	struct render_text	*t;
	GMimeMessage		*m;
	char			*dir, *cap, *got;
	gint64			 start;

	(void)state;
	dir = tmpdir();
	cap = g_build_filename(dir, "mailcap", NULL);
	m = parse(html);
	memset(&o, 0, sizeof o);
	o.mailcap_path = cap;
	o.flags = NOHDR | RENDER_HTML_MAILCAP;

	/* The filter's output is used, read from its stdout. */
	assert_true(g_file_set_contents(cap,
	    "text/html; tr a-z A-Z; copiousoutput\n", -1, NULL));
	t = render_message(m, &o);
	check_safe(t);
	got = join(t);
	assert_string_equal(got, "<P>HI THERE</P>");
	g_free(got);
	render_text_free(t);

	/* With %s it reads a private copy. */
	assert_true(g_file_set_contents(cap,
	    "text/html; sed s/hi/HO/ %s; copiousoutput\n", -1, NULL));
	t = render_message(m, &o);
	got = join(t);
	assert_string_equal(got, "<p>HO there</p>");
	g_free(got);
	render_text_free(t);

	/* A hanging or failing converter: the built-in one takes over. */
	assert_true(g_file_set_contents(cap,
	    "text/html; sleep 10; copiousoutput\n", -1, NULL));
	o.timeout_ms = 200;
	start = g_get_monotonic_time();
	t = render_message(m, &o);
	assert_true(g_get_monotonic_time() - start < 5 * G_USEC_PER_SEC);
	got = join(t);
	assert_string_equal(got, "hi there");
	g_free(got);
	render_text_free(t);
	assert_true(g_file_set_contents(cap,
	    "text/html; false; copiousoutput\n", -1, NULL));
	t = render_message(m, &o);
	got = join(t);
	assert_string_equal(got, "hi there");
	g_free(got);
	render_text_free(t);

	g_object_unref(m);
	unlink(cap);
	g_free(cap);
	rmtree(dir);
	g_free(dir);
}

static void
test_strerror(void **state)
{
	(void)state;
	assert_string_equal(render_strerror(RENDER_OK), "success");
	assert_string_equal(render_strerror(RENDER_ERR_EXISTS),
	    "file already exists");
	assert_string_equal(render_strerror((enum render_status)99),
	    "unknown error");
}

static int
quiet(void **state)
{
	(void)state;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_quote_levels),
		cmocka_unit_test(test_wide),
		cmocka_unit_test(test_all_headers),
		cmocka_unit_test(test_hostile_limits),
		cmocka_unit_test(test_speed),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_html_to_text),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_save),
		cmocka_unit_test(test_view),
		cmocka_unit_test(test_html_mailcap),
		cmocka_unit_test(test_strerror),
	};

	setlocale(LC_ALL, "");
	g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
	log_set_level(LOG_LEVEL_ERROR);
	mime_init();
	return cmocka_run_group_tests_name("render", tests, quiet, NULL);
}
