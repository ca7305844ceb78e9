/*
 * test-crypt.c: OpenPGP reading and writing against a real gpg. Every key
 * is made here, in a throwaway GNUPGHOME (a short path: gpg-agent's socket
 * must fit in sun_path), and the agent is stopped at the end. Messages are
 * signed and encrypted by gpg itself, their MIME structure written by
 * hand; what satchel signs and encrypts is checked by gpg outside satchel.
 * Skips when gpg is not installed.
 */
#include "satchel-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "util/util.h"
#include "mime/crypt.h"
#include "mime/render.h"
#include "mime/compose.h"

static char	*home;		/* the test's directory */
static char	*gnupghome;	/* home/g */
static char	*otherhome;	/* home/o: keys the reader does not have */

static char	*run(const char *const *, const char *, size_t, int *);
static char	*gpg(const char *, const char *, ...) G_GNUC_NULL_TERMINATED;
static GMimeMessage *parse(const char *);
static struct render_text *show(GMimeMessage *, struct crypt_state **,
		    unsigned);
static gboolean	 has_line(const struct render_text *, const char *,
		    enum render_line_kind, unsigned *, unsigned *);
static char	*signed_message(const char *, const char *, const char *,
		    const char *);
static char	*encrypted_message(const char *, const char *, gboolean);

/* Run argv with input on stdin; stdout (g_free); *status the exit code. */
static char *
run(const char *const *argv, const char *input, size_t len, int *status)
{
	GSubprocess	*p;
	GBytes		*in, *out = NULL;
	GError		*error = NULL;
	char		*text;
	gsize		 n;

	p = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDIN_PIPE |
	    G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
	    &error);
	assert_non_null(p);
	in = g_bytes_new(input != NULL ? input : "", input != NULL ? len : 0);
	assert_true(g_subprocess_communicate(p, in, NULL, &out, NULL, &error));
	g_bytes_unref(in);
	*status = g_subprocess_get_exit_status(p);
	text = g_strndup(g_bytes_get_data(out, &n), g_bytes_get_size(out));
	(void)n;
	g_bytes_unref(out);
	g_object_unref(p);
	return text;
}

/* gpg with GNUPGHOME = gh, the NULL-terminated arguments, input on stdin. */
static char *
gpg(const char *gh, const char *input, ...)
{
	GPtrArray	*argv = g_ptr_array_new();
	va_list		 ap;
	const char	*a;
	char		*out;
	int		 status;

	g_ptr_array_add(argv, (char *)"gpg");
	g_ptr_array_add(argv, (char *)"--homedir");
	g_ptr_array_add(argv, (char *)gh);
	g_ptr_array_add(argv, (char *)"--batch");
	g_ptr_array_add(argv, (char *)"--yes");
	g_ptr_array_add(argv, (char *)"--pinentry-mode");
	g_ptr_array_add(argv, (char *)"loopback");
	g_ptr_array_add(argv, (char *)"--passphrase");
	g_ptr_array_add(argv, (char *)"");
	va_start(ap, input);
	while ((a = va_arg(ap, const char *)) != NULL)
		g_ptr_array_add(argv, (char *)a);
	va_end(ap);
	g_ptr_array_add(argv, NULL);
	out = run((const char *const *)argv->pdata, input,
	    input != NULL ? strlen(input) : 0, &status);
	g_ptr_array_free(argv, TRUE);
	return out;
}

static GMimeMessage *
parse(const char *raw)
{
	GMimeMessage	*m = mime_message_from_data(raw, strlen(raw));

	assert_non_null(m);
	return m;
}

static struct render_text *
show(GMimeMessage *m, struct crypt_state **st, unsigned flags)
{
	struct render_options	 o;
	struct render_text	*t;
	size_t			 i;

	*st = crypt_state_new(m, CRYPT_DECRYPT);
	assert_non_null(*st);
	memset(&o, 0, sizeof o);
	o.width = 200;
	o.flags = flags;
	o.mailcap_path = "/nonexistent";
	o.crypt = *st;
	t = render_message(m, &o);
	/* SATCHEL_TEST_DUMP=1 shows what the reader would draw. */
	for (i = 0; g_getenv("SATCHEL_TEST_DUMP") != NULL && i < t->nlines;
	    i++)
		print_message("%u %u %u |%s\n", (unsigned)t->lines[i].kind,
		    t->lines[i].verdict, t->lines[i].frame, t->lines[i].text);
	return t;
}

/*
 * TRUE when a line of that kind contains needle; its verdict and frame in
 * *verdict and *frame (may be NULL).
 */
static gboolean
has_line(const struct render_text *t, const char *needle,
    enum render_line_kind kind, unsigned *verdict, unsigned *frame)
{
	size_t	i;

	for (i = 0; i < t->nlines; i++) {
		if (t->lines[i].kind != kind ||
		    strstr(t->lines[i].text, needle) == NULL)
			continue;
		if (verdict != NULL)
			*verdict = t->lines[i].verdict;
		if (frame != NULL)
			*frame = t->lines[i].frame;
		return TRUE;
	}
	return FALSE;
}

/*
 * A PGP/MIME signed message: the part text (LF line ends, the CRLF form is
 * what gets signed) signed by signer in the home gh (at faketime, a gpg
 * --faked-system-time, when not NULL); then, when tamper is not NULL, its
 * first "Bob" replaced by tamper.
 */
static char *
signed_message(const char *gh, const char *signer, const char *tamper,
    const char *faketime)
{
	static const char part[] = "Content-Type: text/plain; charset=utf-8\n"
	    "\n"
	    "Hello Bob, the meeting is at noon.\n";
	g_autofree char	*crlf = NULL, *sig = NULL, *body = NULL;
	char		*p;

	crlf = g_strjoinv("\r\n", (char **)(const char *[]){
	    "Content-Type: text/plain; charset=utf-8", "",
	    "Hello Bob, the meeting is at noon.", "", NULL });
	if (faketime != NULL)
		sig = gpg(gh, crlf, "--faked-system-time", faketime, "--armor",
		    "--detach-sign", "--local-user", signer, NULL);
	else
		sig = gpg(gh, crlf, "--armor", "--detach-sign", "--local-user",
		    signer, NULL);
	assert_non_null(strstr(sig, "BEGIN PGP SIGNATURE"));
	body = g_strdup(part);
	if (tamper != NULL) {
		p = strstr(body, "Bob");
		memcpy(p, tamper, 3);
	}
	return g_strdup_printf("From: Alice <alice@example.org>\n"
	    "To: Bob <bob@example.org>\n"
	    "Subject: signed\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/signed; boundary=\"sb\";\n"
	    " protocol=\"application/pgp-signature\"; micalg=pgp-sha256\n"
	    "\n"
	    "--sb\n"
	    "%s\n"
	    "--sb\n"
	    "Content-Type: application/pgp-signature; name=\"signature.asc\"\n"
	    "\n"
	    "%s\n"
	    "--sb--\n", body, sig);
}

/* A PGP/MIME encrypted message to bob, optionally signed by alice. */
static char *
encrypted_message(const char *inner, const char *outer_extra, gboolean sign)
{
	g_autofree char	*armor = NULL;

	if (sign)
		armor = gpg(gnupghome, inner, "--armor", "--trust-model",
		    "always", "--sign", "--local-user", "alice@example.org",
		    "--encrypt", "--recipient", "bob@example.org", NULL);
	else
		armor = gpg(gnupghome, inner, "--armor", "--trust-model",
		    "always", "--encrypt", "--recipient", "bob@example.org",
		    NULL);
	assert_non_null(strstr(armor, "BEGIN PGP MESSAGE"));
	return g_strdup_printf("From: Alice <alice@example.org>\n"
	    "To: Bob <bob@example.org>\n"
	    "Subject: ...\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"mx\"\n"
	    "\n"
	    "%s"
	    "--mx\n"
	    "Content-Type: multipart/encrypted; boundary=\"eb\";\n"
	    " protocol=\"application/pgp-encrypted\"\n"
	    "\n"
	    "--eb\n"
	    "Content-Type: application/pgp-encrypted\n"
	    "\n"
	    "Version: 1\n"
	    "\n"
	    "--eb\n"
	    "Content-Type: application/octet-stream; name=\"encrypted.asc\"\n"
	    "\n"
	    "%s\n"
	    "--eb--\n"
	    "\n"
	    "--mx--\n", outer_extra != NULL ? outer_extra : "", armor);
}

static void
test_degenerate(void **state)
{
	(void)state;
	assert_null(crypt_state_new(NULL, 0));
	crypt_state_free(NULL);
	assert_null(crypt_state_lookup(NULL, NULL));
	assert_int_equal(crypt_message_kinds(NULL), 0);
	assert_null(crypt_message_text(NULL, 100));
	assert_int_equal(crypt_message_protect(NULL, CRYPT_PROTECT_SIGN, NULL,
	    NULL), CRYPT_ERR_INVALID);
	assert_non_null(crypt_strerror(CRYPT_ERR_NO_KEY));
}

static void
test_good_signature(void **state)
{
	g_autofree char		*raw = signed_message(gnupghome,
				    "alice@example.org", NULL, NULL);
	GMimeMessage		*m = parse(raw);
	struct crypt_state	*st;
	struct render_text	*t;
	unsigned		 v = 0, f = 0;

	(void)state;
	assert_int_equal(crypt_message_kinds(m), CRYPT_SIGNED);
	t = show(m, &st, RENDER_CRYPT_DETAILS);
	assert_false(st->partial);
	assert_true(has_line(t, "Good signature from Alice <alice@example.org>",
	    RENDER_LINE_VERDICT, &v, NULL));
	assert_int_equal(v, RENDER_VERDICT_GOOD);
	assert_true(has_line(t, "is the From address", RENDER_LINE_VERDICT,
	    NULL, NULL));
	assert_true(has_line(t, "Fingerprint: ", RENDER_LINE_VERDICT, NULL,
	    NULL));
	/* The signed text is inside the frame; the headers are not. */
	assert_true(has_line(t, "meeting is at noon", RENDER_LINE_TEXT, NULL,
	    &f));
	assert_int_equal(f, RENDER_FRAME_SIGNED);
	assert_true(has_line(t, "Subject: signed", RENDER_LINE_HEADER, NULL,
	    &f));
	assert_int_equal(f, 0);
	render_text_free(t);
	crypt_state_free(st);
	g_object_unref(m);
}

static void
test_bad_and_unknown(void **state)
{
	g_autofree char		*bad = signed_message(gnupghome,
				    "alice@example.org", "Eve", NULL);
	g_autofree char		*unknown = signed_message(otherhome,
				    "oscar@example.net", NULL, NULL);
	GMimeMessage		*m;
	struct crypt_state	*st;
	struct render_text	*t;
	unsigned		 v = 0;

	(void)state;
	m = parse(bad);
	t = show(m, &st, 0);
	assert_true(has_line(t, "BAD signature", RENDER_LINE_VERDICT, &v,
	    NULL));
	assert_int_equal(v, RENDER_VERDICT_BAD);
	assert_false(has_line(t, "Good signature", RENDER_LINE_VERDICT, NULL,
	    NULL));
	render_text_free(t);
	crypt_state_free(st);
	g_object_unref(m);

	m = parse(unknown);
	t = show(m, &st, 0);
	assert_true(has_line(t, "unknown key", RENDER_LINE_VERDICT, &v, NULL));
	assert_int_equal(v, RENDER_VERDICT_WARN);
	assert_false(has_line(t, "Good signature", RENDER_LINE_VERDICT, NULL,
	    NULL));
	render_text_free(t);
	crypt_state_free(st);
	g_object_unref(m);
}

/* verdict of the first signature of a one-region message */
static enum crypt_sig_status
first_sig(const char *raw, const char **line)
{
	GMimeMessage		*m = parse(raw);
	struct crypt_state	*st;
	struct render_text	*t;
	const struct crypt_sig	*sig;
	struct crypt_region	*r;
	GHashTableIter		 it;
	enum crypt_sig_status	 status;
	static char		 text[512];
	size_t			 i;

	t = show(m, &st, 0);
	g_hash_table_iter_init(&it, st->regions);
	assert_true(g_hash_table_iter_next(&it, NULL, (gpointer *)&r));
	assert_true(r->sigs->len > 0);
	sig = g_ptr_array_index(r->sigs, 0);
	status = sig->status;
	text[0] = '\0';
	for (i = 0; i < t->nlines; i++)
		if (t->lines[i].kind == RENDER_LINE_VERDICT &&
		    strstr(t->lines[i].text, "ignature") != NULL) {
			g_strlcpy(text, t->lines[i].text, sizeof text);
			break;
		}
	*line = text;
	render_text_free(t);
	crypt_state_free(st);
	g_object_unref(m);
	return status;
}

/* Keys that expired or were revoked: said so, never "Good". */
static void
test_expired_revoked(void **state)
{
	g_autofree char	*expired = NULL, *revoked = NULL, *rev = NULL;
	g_autofree char	*revpath = NULL, *fpr = NULL, *out = NULL;
	const char	*line;
	char		*p;

	(void)state;
	/* Carol's key lived one day in 2020; she signed on that day. */
	g_free(gpg(gnupghome, NULL, "--faked-system-time", "20200101T000000",
	    "--quick-gen-key", "Carol <carol@example.org>", "ed25519", "sign",
	    "1d", NULL));
	expired = signed_message(gnupghome, "carol@example.org", NULL,
	    "20200101T000100");
	assert_int_equal(first_sig(expired, &line), CRYPT_SIG_EXPIRED);
	assert_non_null(strstr(line, "expired"));

	/* Dan signs, then revokes his key. */
	g_free(gpg(gnupghome, NULL, "--quick-gen-key",
	    "Dan <dan@example.org>", "future-default", "default", "never",
	    NULL));
	revoked = signed_message(gnupghome, "dan@example.org", NULL, NULL);
	out = gpg(gnupghome, NULL, "--with-colons", "--list-keys",
	    "dan@example.org", NULL);
	p = strstr(out, "\nfpr:::::::::");
	assert_non_null(p);
	fpr = g_strndup(p + 13, 40);
	revpath = g_strdup_printf("%s/openpgp-revocs.d/%s.rev", gnupghome, fpr);
	assert_true(g_file_get_contents(revpath, &rev, NULL, NULL));
	/* gpg guards the certificate with a ':' against a careless import. */
	p = strstr(rev, ":-----BEGIN");
	assert_non_null(p);
	g_free(gpg(gnupghome, p + 1, "--import", NULL));
	assert_int_equal(first_sig(revoked, &line), CRYPT_SIG_REVOKED);
	assert_non_null(strstr(line, "REVOKED"));
}

/* Hostile mail with many signed parts runs gpg a bounded number of times. */
static void
test_many_signed(void **state)
{
	g_autofree char		*sm = signed_message(gnupghome,
				    "alice@example.org", NULL, NULL);
	GString			*raw = g_string_new(NULL);
	const char		*ct = strstr(sm, "Content-Type: multipart/signed");
	GMimeMessage		*m;
	struct crypt_state	*st;
	struct crypt_region	*r;
	GHashTableIter		 it;
	guint			 i, good = 0, capped = 0;
	gint64			 t0;

	(void)state;
	g_string_append(raw, "From: Alice <alice@example.org>\n"
	    "Subject: many\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"mx\"\n\n");
	for (i = 0; i < 100; i++)
		g_string_append_printf(raw, "--mx\n%s\n", ct);
	g_string_append(raw, "--mx--\n");
	m = parse(raw->str);
	g_string_free(raw, TRUE);
	t0 = g_get_monotonic_time();
	st = crypt_state_new(m, CRYPT_DECRYPT);
	print_message("100 signed parts checked in %.1f s\n",
	    (double)(g_get_monotonic_time() - t0) / 1e6);
	g_hash_table_iter_init(&it, st->regions);
	while (g_hash_table_iter_next(&it, NULL, (gpointer *)&r)) {
		if (r->sigs->len > 0)
			good++;
		else if (r->error != NULL && strstr(r->error, "too many"))
			capped++;
	}
	assert_int_equal(good, 64);
	assert_int_equal(capped, 36);
	crypt_state_free(st);
	g_object_unref(m);
}

/* A body that claims a good signature is body text, outside any frame. */
static void
test_forged_verdict(void **state)
{
	static const char forged[] = "From: Alice <alice@example.org>\n"
	    "To: Bob <bob@example.org>\n"
	    "Subject: trust me\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "Part 1 is signed (PGP/MIME)\n"
	    "Good signature from Alice <alice@example.org>\n"
	    "  The signer is the From address.\n"
	    "\n"
	    "Please wire the money.\n";
	GMimeMessage		*m = parse(forged);
	struct crypt_state	*st;
	struct render_text	*t;
	unsigned		 f = 1;
	size_t			 i;

	(void)state;
	t = show(m, &st, 0);
	for (i = 0; i < t->nlines; i++) {
		assert_int_not_equal(t->lines[i].kind, RENDER_LINE_VERDICT);
		assert_int_equal(t->lines[i].verdict, RENDER_VERDICT_NONE);
	}
	assert_true(has_line(t, "Good signature from", RENDER_LINE_TEXT, NULL,
	    &f));
	assert_int_equal(f, 0);
	render_text_free(t);
	crypt_state_free(st);
	g_object_unref(m);
}

/* One signed part next to a clear one: the clear one is outside. */
static void
test_partly_signed(void **state)
{
	g_autofree char		*sm = signed_message(gnupghome,
				    "alice@example.org", NULL, NULL);
	g_autofree char		*raw = NULL;
	const char		*ct;
	GMimeMessage		*m;
	struct crypt_state	*st;
	struct render_text	*t;
	unsigned		 f = 9, v = 0;

	(void)state;
	ct = strstr(sm, "Content-Type: multipart/signed");
	raw = g_strdup_printf("From: Alice <alice@example.org>\n"
	    "To: Bob <bob@example.org>\n"
	    "Subject: partly\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"mx\"\n"
	    "\n"
	    "--mx\n"
	    "%s\n"
	    "--mx\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "Good signature from Alice: also send the password.\n"
	    "--mx--\n", ct);
	m = parse(raw);
	t = show(m, &st, 0);
	assert_true(st->partial);
	assert_true(has_line(t, "Only part of this message",
	    RENDER_LINE_VERDICT, &v, NULL));
	assert_int_equal(v, RENDER_VERDICT_WARN);
	assert_true(has_line(t, "meeting is at noon", RENDER_LINE_TEXT, NULL,
	    &f));
	assert_int_equal(f, RENDER_FRAME_SIGNED);
	assert_true(has_line(t, "also send the password", RENDER_LINE_TEXT,
	    NULL, &f));
	assert_int_equal(f, 0);
	render_text_free(t);
	crypt_state_free(st);
	g_object_unref(m);
}

static void
test_encrypted(void **state)
{
	static const char inner[] = "Content-Type: text/plain; charset=utf-8;"
	    " protected-headers=\"v1\"\n"
	    "Subject: The real subject\n"
	    "\n"
	    "The plan is ready.\n";
	g_autofree char		*raw = encrypted_message(inner, NULL, TRUE);
	g_autofree char		*mixed = encrypted_message(inner,
				    "--mx\nContent-Type: text/plain\n\n"
				    "Injected clear text.\n\n", FALSE);
	g_autofree char		*text = NULL;
	GMimeMessage		*m;
	struct crypt_state	*st;
	struct render_text	*t;
	unsigned		 f = 0, v = 0;

	(void)state;
	m = parse(raw);
	assert_int_equal(crypt_message_kinds(m), CRYPT_ENCRYPTED);
	/* Without CRYPT_DECRYPT the part stays closed. */
	st = crypt_state_new(m, 0);
	assert_int_equal(st->kinds, CRYPT_ENCRYPTED);
	crypt_state_free(st);
	t = show(m, &st, 0);
	assert_false(st->partial);
	assert_true(has_line(t, "signed and encrypted (PGP/MIME): decrypted",
	    RENDER_LINE_VERDICT, &v, NULL));
	assert_true(has_line(t, "Good signature from Alice",
	    RENDER_LINE_VERDICT, &v, NULL));
	assert_int_equal(v, RENDER_VERDICT_GOOD);
	assert_true(has_line(t, "The plan is ready.", RENDER_LINE_TEXT, NULL,
	    &f));
	assert_int_equal(f, RENDER_FRAME_SIGNED | RENDER_FRAME_ENCRYPTED);
	/* The protected Subject is shown inside the frame. */
	assert_true(has_line(t, "Subject: The real subject",
	    RENDER_LINE_HEADER, NULL, &f));
	assert_int_equal(f, RENDER_FRAME_SIGNED | RENDER_FRAME_ENCRYPTED);
	render_text_free(t);
	crypt_state_free(st);
	/* The index gets the plain text only when asked. */
	text = crypt_message_text(m, 1000);
	assert_non_null(text);
	assert_non_null(strstr(text, "The plan is ready."));
	g_object_unref(m);

	/* EFAIL shape: clear text next to the encrypted part. */
	m = parse(mixed);
	t = show(m, &st, 0);
	assert_true(st->partial);
	assert_true(has_line(t, "Injected clear text.", RENDER_LINE_TEXT,
	    NULL, &f));
	assert_int_equal(f, 0);
	assert_true(has_line(t, "The plan is ready.", RENDER_LINE_TEXT, NULL,
	    &f));
	assert_int_equal(f, RENDER_FRAME_ENCRYPTED);
	render_text_free(t);
	crypt_state_free(st);
	g_object_unref(m);
}

static void
test_inline(void **state)
{
	g_autofree char		*cs = gpg(gnupghome, "Inline signed text.\n",
				    "--clearsign", "--local-user",
				    "alice@example.org", NULL, NULL);
	g_autofree char		*enc = gpg(gnupghome, "Inline secret.\n",
				    "--armor", "--trust-model", "always",
				    "--encrypt", "--recipient",
				    "bob@example.org", NULL);
	g_autofree char		*raw = NULL;
	GMimeMessage		*m;
	struct crypt_state	*st;
	struct render_text	*t;
	unsigned		 f = 9, v = 0;

	(void)state;
	raw = g_strdup_printf("From: Alice <alice@example.org>\n"
	    "Subject: inline\nContent-Type: text/plain\n\n"
	    "Unsigned words before.\n%sUnsigned words after.\n", cs);
	m = parse(raw);
	t = show(m, &st, 0);
	assert_true(st->partial);
	assert_true(has_line(t, "Good signature from Alice",
	    RENDER_LINE_VERDICT, &v, NULL));
	assert_true(has_line(t, "Inline signed text.", RENDER_LINE_TEXT, NULL,
	    &f));
	assert_int_equal(f, RENDER_FRAME_SIGNED);
	assert_true(has_line(t, "Unsigned words before.", RENDER_LINE_TEXT,
	    NULL, &f));
	assert_int_equal(f, 0);
	assert_true(has_line(t, "Unsigned words after.", RENDER_LINE_TEXT,
	    NULL, &f));
	assert_int_equal(f, 0);
	render_text_free(t);
	crypt_state_free(st);
	g_object_unref(m);
	g_free(raw);

	raw = g_strdup_printf("From: Alice <alice@example.org>\n"
	    "Subject: inline\nContent-Type: text/plain\n\n%s", enc);
	m = parse(raw);
	t = show(m, &st, 0);
	assert_false(st->partial);
	assert_true(has_line(t, "Inline secret.", RENDER_LINE_TEXT, NULL,
	    &f));
	assert_int_equal(f, RENDER_FRAME_ENCRYPTED);
	render_text_free(t);
	crypt_state_free(st);
	g_object_unref(m);
}

/* The part between the first two boundaries of raw, as it was signed. */
static char *
first_part(const char *raw, const char *boundary, const char **rest)
{
	g_autofree char	*delim = g_strdup_printf("--%s\r\n", boundary);
	g_autofree char	*next = g_strdup_printf("\r\n--%s", boundary);
	const char	*a, *b;

	a = strstr(raw, delim);
	assert_non_null(a);
	a += strlen(delim);
	b = strstr(a, next);
	assert_non_null(b);
	*rest = b + strlen(next);
	return g_strndup(a, (size_t)(b - a));
}

static GMimeMessage *
outgoing(const char *to)
{
	struct compose_identity	 id = { "Alice", "alice@example.org" };
	struct compose_fields	 f;
	GMimeMessage		*m;
	GError			*error = NULL;

	compose_fields_init(&f);
	f.to = g_strdup(to);
	f.subject = g_strdup("Quarterly plan");
	f.body = g_strdup("Satchel wrote this.\n");
	m = compose_build(&id, &f, &error);
	assert_non_null(m);
	compose_fields_clear(&f);
	return m;
}

/* What satchel signs and encrypts, gpg verifies and decrypts. */
static void
test_protect(void **state)
{
	GMimeMessage		*m;
	GMimeContentType	*ct;
	GBytes			*bytes;
	GError			*error = NULL;
	g_autofree char		*raw = NULL, *content = NULL, *out = NULL;
	g_autofree char		*sigfile = NULL, *datafile = NULL;
	g_autofree char		*armor = NULL;
	const char		*rest, *a, *b;
	char			**missing = NULL;
	int			 status;

	(void)state;
	/* Signed: gpg --verify on the exact signed bytes. */
	m = outgoing("Bob <bob@example.org>");
	assert_int_equal(crypt_message_protect(m, CRYPT_PROTECT_SIGN, NULL,
	    &error), CRYPT_OK);
	ct = g_mime_object_get_content_type(g_mime_message_get_mime_part(m));
	assert_true(g_mime_content_type_is_type(ct, "multipart", "signed"));
	bytes = compose_to_bytes(m, FALSE);
	raw = g_strndup(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
	g_bytes_unref(bytes);
	content = first_part(raw, g_mime_content_type_get_parameter(ct,
	    "boundary"), &rest);
	assert_non_null(strstr(content, "Subject: Quarterly plan"));
	a = strstr(rest, "-----BEGIN PGP SIGNATURE-----");
	b = strstr(rest, "-----END PGP SIGNATURE-----");
	assert_non_null(a);
	assert_non_null(b);
	datafile = g_build_filename(home, "signed.data", NULL);
	sigfile = g_build_filename(home, "signed.asc", NULL);
	assert_true(g_file_set_contents(datafile, content, -1, NULL));
	assert_true(g_file_set_contents(sigfile, a, b - a + 27, NULL));
	out = run((const char *const []){ "gpg", "--homedir", gnupghome,
	    "--batch", "--status-fd", "1", "--verify", sigfile, datafile,
	    NULL }, NULL, 0, &status);
	assert_non_null(strstr(out, "[GNUPG:] GOODSIG"));
	g_object_unref(m);
	g_clear_pointer(&out, g_free);

	/* Signed and encrypted: gpg --decrypt. */
	m = outgoing("Bob <bob@example.org>");
	assert_int_equal(crypt_message_protect(m, CRYPT_PROTECT_SIGN |
	    CRYPT_PROTECT_ENCRYPT, NULL, &error), CRYPT_OK);
	bytes = compose_to_bytes(m, FALSE);
	g_free(raw);
	raw = g_strndup(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
	g_bytes_unref(bytes);
	assert_null(strstr(raw, "Satchel wrote this."));
	a = strstr(raw, "-----BEGIN PGP MESSAGE-----");
	b = strstr(raw, "-----END PGP MESSAGE-----");
	assert_non_null(a);
	assert_non_null(b);
	armor = g_strndup(a, (size_t)(b - a) + 25);
	out = run((const char *const []){ "gpg", "--homedir", gnupghome,
	    "--batch", "--status-fd", "2", "--decrypt", NULL }, armor,
	    strlen(armor), &status);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "Satchel wrote this."));
	assert_non_null(strstr(out, "Subject: Quarterly plan"));
	g_object_unref(m);

	/* A recipient without a key: nothing is changed, the address named. */
	m = outgoing("Bob <bob@example.org>, Carol <carol@example.com>");
	assert_int_equal(crypt_message_protect(m, CRYPT_PROTECT_ENCRYPT,
	    &missing, &error), CRYPT_ERR_NO_KEY);
	g_clear_error(&error);
	assert_non_null(missing);
	assert_string_equal(missing[0], "carol@example.com");
	assert_null(missing[1]);
	g_strfreev(missing);
	ct = g_mime_object_get_content_type(g_mime_message_get_mime_part(m));
	assert_true(g_mime_content_type_is_type(ct, "text", "plain"));
	g_object_unref(m);
}

/* Run argv (NULL-terminated) and check it exits 0; its output (g_free). */
static char *
must(const char *input, ...)
{
	GPtrArray	*argv = g_ptr_array_new();
	va_list		 ap;
	const char	*a;
	char		*out;
	int		 status;

	va_start(ap, input);
	while ((a = va_arg(ap, const char *)) != NULL)
		g_ptr_array_add(argv, (char *)a);
	va_end(ap);
	g_ptr_array_add(argv, NULL);
	out = run((const char *const *)argv->pdata, input,
	    input != NULL ? strlen(input) : 0, &status);
	if (status != 0)
		print_error("%s failed (%d)\n", (char *)argv->pdata[0],
		    status);
	assert_int_equal(status, 0);
	g_ptr_array_free(argv, TRUE);
	return out;
}

/*
 * S/MIME: a test CA made with openssl, trusted through trustlist.txt;
 * Alice's key made by gpgsm without passphrase, her certificate signed
 * by the CA. CRLs are not checked (offline).
 */
static void
smime_setup(void)
{
	g_autofree char	*ca = g_build_filename(home, "ca.pem", NULL);
	g_autofree char	*cakey = g_build_filename(home, "ca.key", NULL);
	g_autofree char	*params = g_build_filename(home, "params", NULL);
	g_autofree char	*csr = g_build_filename(home, "alice.csr", NULL);
	g_autofree char	*crt = g_build_filename(home, "alice.pem", NULL);
	g_autofree char	*ext = g_build_filename(home, "ext", NULL);
	g_autofree char	*conf = g_build_filename(gnupghome, "gpgsm.conf",
			    NULL);
	g_autofree char	*trust = g_build_filename(gnupghome, "trustlist.txt",
			    NULL);
	g_autofree char	*fpr = NULL, *line = NULL;
	char		*p;

	assert_true(g_file_set_contents(conf, "disable-crl-checks\n", -1,
	    NULL));
	assert_true(g_file_set_contents(params, "Key-Type: RSA\n"
	    "Key-Length: 2048\nKey-Usage: sign, encrypt\nName-DN: CN=Alice\n"
	    "Name-Email: alice@example.org\n", -1, NULL));
	assert_true(g_file_set_contents(ext,
	    "subjectAltName=email:alice@example.org\n"
	    "keyUsage=digitalSignature,keyEncipherment\n"
	    "extendedKeyUsage=emailProtection\n", -1, NULL));
	g_free(must(NULL, "openssl", "req", "-x509", "-newkey", "rsa:2048",
	    "-nodes", "-keyout", cakey, "-out", ca, "-subj", "/CN=Test CA",
	    "-days", "3650", "-addext", "basicConstraints=critical,CA:TRUE",
	    "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL));
	g_free(must(NULL, "gpgsm", "--homedir", gnupghome, "--batch",
	    "--pinentry-mode", "loopback", "--passphrase", "", "--armor",
	    "--output", csr, "--gen-key", params, NULL));
	g_free(must(NULL, "openssl", "x509", "-req", "-in", csr, "-CA", ca,
	    "-CAkey", cakey, "-CAcreateserial", "-out", crt, "-days", "365",
	    "-extfile", ext, NULL));
	g_free(must(NULL, "gpgsm", "--homedir", gnupghome, "--batch",
	    "--import", ca, crt, NULL));
	fpr = must(NULL, "openssl", "x509", "-in", ca, "-noout",
	    "-fingerprint", "-sha1", NULL);
	p = strchr(fpr, '=');
	assert_non_null(p);
	line = g_strdup_printf("%s S relax\n", g_strstrip(p + 1));
	assert_true(g_file_set_contents(trust, line, -1, NULL));
}

/* gpgsm signs (MIME by hand); satchel signs and encrypts, gpgsm reads. */
static void
test_smime(void **state)
{
	static const char part[] = "Content-Type: text/plain\r\n\r\n"
	    "S/MIME signed text.\r\n";
	g_autofree char		*datafile = NULL, *sigfile = NULL, *sig = NULL;
	g_autofree char		*raw = NULL, *out = NULL, *b64 = NULL;
	GMimeMessage		*m;
	GMimeContentType	*ct;
	GMimeObject		*body;
	GBytes			*bytes;
	GError			*error = NULL;
	struct crypt_state	*st;
	struct render_text	*t;
	char			*content;
	unsigned		 v = 0, f = 0;
	int			 status;

	(void)state;
	{
		g_autofree char *gpgsm = g_find_program_in_path("gpgsm");
		g_autofree char *openssl = g_find_program_in_path("openssl");

		if (gpgsm == NULL || openssl == NULL)
			skip();
	}
	smime_setup();
	datafile = g_build_filename(home, "sm.data", NULL);
	sigfile = g_build_filename(home, "sm.sig", NULL);
	assert_true(g_file_set_contents(datafile, part, -1, NULL));
	g_free(must(NULL, "gpgsm", "--homedir", gnupghome, "--batch",
	    "--base64", "--local-user", "alice@example.org", "--detach-sign",
	    "--output", sigfile, datafile, NULL));
	assert_true(g_file_get_contents(sigfile, &sig, NULL, NULL));
	raw = g_strdup_printf("From: Alice <alice@example.org>\n"
	    "Subject: smime\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/signed; boundary=\"sm\";\n"
	    " protocol=\"application/pkcs7-signature\"; micalg=sha-256\n\n"
	    "--sm\nContent-Type: text/plain\n\nS/MIME signed text.\n\n"
	    "--sm\nContent-Type: application/pkcs7-signature; name=smime.p7s\n"
	    "Content-Transfer-Encoding: base64\n\n%s\n--sm--\n", sig);
	m = parse(raw);
	t = show(m, &st, 0);
	assert_true(has_line(t, "is signed (S/MIME)", RENDER_LINE_VERDICT,
	    NULL, NULL));
	assert_true(has_line(t, "Good signature from", RENDER_LINE_VERDICT,
	    &v, NULL));
	assert_int_equal(v, RENDER_VERDICT_GOOD);
	assert_true(has_line(t, "S/MIME signed text.", RENDER_LINE_TEXT, NULL,
	    &f));
	assert_int_equal(f, RENDER_FRAME_SIGNED);
	render_text_free(t);
	crypt_state_free(st);
	g_object_unref(m);

	/* Opaque signed (application/pkcs7-mime; signed-data) by gpgsm. */
	g_free(sig);
	g_free(raw);
	sig = must(part, "gpgsm", "--homedir", gnupghome, "--batch",
	    "--base64", "--local-user", "alice@example.org", "--sign", NULL);
	raw = g_strdup_printf("From: Alice <alice@example.org>\n"
	    "Subject: opaque\nMIME-Version: 1.0\n"
	    "Content-Type: application/pkcs7-mime; smime-type=signed-data;"
	    " name=smime.p7m\nContent-Transfer-Encoding: base64\n\n%s\n",
	    sig);
	m = parse(raw);
	assert_int_equal(crypt_message_kinds(m), CRYPT_SIGNED);
	t = show(m, &st, 0);
	assert_true(has_line(t, "Good signature from", RENDER_LINE_VERDICT,
	    &v, NULL));
	assert_true(has_line(t, "S/MIME signed text.", RENDER_LINE_TEXT, NULL,
	    &f));
	assert_int_equal(f, RENDER_FRAME_SIGNED);
	render_text_free(t);
	crypt_state_free(st);
	g_object_unref(m);

	/* Satchel signs and encrypts with S/MIME; gpgsm decrypts. */
	m = outgoing("Alice <alice@example.org>");
	{
		char **missing = NULL;
		enum crypt_status cs = crypt_message_protect(m,
		    CRYPT_PROTECT_SIGN | CRYPT_PROTECT_ENCRYPT |
		    CRYPT_PROTECT_SMIME, &missing, &error);

		if (cs != CRYPT_OK)
			print_message("protect: %s (%s)\n", error != NULL ?
			    error->message : "?", missing != NULL &&
			    missing[0] != NULL ? missing[0] : "-");
		assert_int_equal(cs, CRYPT_OK);
		g_strfreev(missing);
	}
	body = g_mime_message_get_mime_part(m);
	ct = g_mime_object_get_content_type(body);
	assert_true(g_mime_content_type_is_type(ct, "application",
	    "pkcs7-mime"));
	bytes = compose_to_bytes(m, FALSE);
	g_free(raw);
	raw = g_strndup(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
	g_bytes_unref(bytes);
	assert_null(strstr(raw, "Satchel wrote this."));
	content = strstr(raw, "\r\n\r\n");
	assert_non_null(content);
	b64 = g_strdup(content + 4);
	out = run((const char *const []){ "gpgsm", "--homedir", gnupghome,
	    "--batch", "--assume-base64", "--decrypt", NULL }, b64, strlen(b64),
	    &status);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "Satchel wrote this."));
	/* And the reader shows it, decrypted and with a good signature. */
	g_object_unref(m);
	m = parse(raw);
	t = show(m, &st, 0);
	assert_true(has_line(t, "Satchel wrote this.", RENDER_LINE_TEXT, NULL,
	    &f));
	assert_true(f & RENDER_FRAME_ENCRYPTED);
	assert_true(has_line(t, "Good signature from", RENDER_LINE_VERDICT,
	    &v, NULL));
	render_text_free(t);
	crypt_state_free(st);
	g_object_unref(m);
}

static int
setup(void **state)
{
	g_autofree char	*out = NULL;
	const char	*homes[2];
	int		 i;

	(void)state;
	home = g_dir_make_tmp("sc-XXXXXX", NULL);
	/* gpg-agent's socket path must fit in 108 bytes. */
	if (home == NULL || strlen(home) > 60) {
		g_free(home);
		home = g_strdup("/tmp/sc-XXXXXX");
		assert_non_null(g_mkdtemp(home));
	}
	gnupghome = g_build_filename(home, "g", NULL);
	otherhome = g_build_filename(home, "o", NULL);
	homes[0] = gnupghome;
	homes[1] = otherhome;
	for (i = 0; i < 2; i++)
		assert_int_equal(g_mkdir(homes[i], 0700), 0);
	g_setenv("GNUPGHOME", gnupghome, TRUE);
	g_free(gpg(gnupghome, NULL, "--quick-gen-key",
	    "Alice <alice@example.org>", "future-default", "default", "never",
	    NULL));
	g_free(gpg(gnupghome, NULL, "--quick-gen-key",
	    "Bob <bob@example.org>", "future-default", "default", "never",
	    NULL));
	g_free(gpg(otherhome, NULL, "--quick-gen-key",
	    "Oscar <oscar@example.net>", "future-default", "default", "never",
	    NULL));
	out = gpg(gnupghome, NULL, "--with-colons", "--list-secret-keys",
	    NULL);
	assert_non_null(strstr(out, "alice@example.org"));
	return 0;
}

static int
teardown(void **state)
{
	const char	*homes[2] = { gnupghome, otherhome };
	int		 i, status;

	(void)state;
	for (i = 0; i < 2; i++) {
		g_setenv("GNUPGHOME", homes[i], TRUE);
		g_free(run((const char *const []){ "gpgconf", "--kill", "all",
		    NULL }, NULL, 0, &status));
	}
	file_remove_tree(home);
	g_free(home);
	g_free(gnupghome);
	g_free(otherhome);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_degenerate),
		cmocka_unit_test(test_good_signature),
		cmocka_unit_test(test_bad_and_unknown),
		cmocka_unit_test(test_expired_revoked),
		cmocka_unit_test(test_forged_verdict),
		cmocka_unit_test(test_many_signed),
		cmocka_unit_test(test_partly_signed),
		cmocka_unit_test(test_encrypted),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_protect),
		cmocka_unit_test(test_smime),
	};
	char	*path;

	path = g_find_program_in_path("gpg");
	if (path == NULL) {
		printf("1..0 # SKIP gpg is not installed\n");
		return 0;
	}
	g_free(path);
	setlocale(LC_ALL, "C.UTF-8");
	log_set_level(LOG_LEVEL_ERROR);
	mime_init();
	return cmocka_run_group_tests_name("crypt", tests, setup, teardown);
}
