/*
 * fuzz-mime.c: message parsing and what the index keeps of a message
 * (mime_message_from_data, mime_summarize), plus charset conversion.
 *
 * Input: a raw message. Besides "does not crash, leak or hang", each run
 * checks the promises of mime.h: every summary string is valid UTF-8, the
 * snippet is one line, the search text is capped; mime_to_utf8() returns
 * valid UTF-8 whatever the charset name.
 */
#include "satchel-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mime/mime.h"
#include "util/util.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Generous: mime.c keeps 64 KiB of search text; UTF-8 may triple it. */
#define FUZZ_MAX_BODY	(1024 * 1024)

static const char *fuzz_charsets[] = {
	NULL, "", "utf-8", "us-ascii", "iso-8859-1", "windows-1252",
	"iso-2022-jp", "shift_jis", "euc-kr", "gb18030", "big5", "utf-7",
	"utf-16", "utf-16le", "ucs-4", "koi8-r", "x-unknown-charset",
	"unicode-1-1-utf-7", "csISO2022JP", "../../etc/passwd",
};

static void
fuzz_check(const char *what, const char *s)
{
	if (s == NULL)
		return;
	if (!g_utf8_validate(s, -1, NULL)) {
		fprintf(stderr, "fuzz-mime: %s is not valid UTF-8\n", what);
		abort();
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_level(LOG_LEVEL_ERROR);
	mime_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GMimeMessage		*m;
	struct mime_summary	*s;
	const char		*cs;
	char			*u;

	m = mime_message_from_data(data, size);
	s = mime_summarize(m);
	fuzz_check("message_id", s->message_id);
	fuzz_check("in_reply_to", s->in_reply_to);
	fuzz_check("references", s->references);
	fuzz_check("from", s->from);
	fuzz_check("from_addr", s->from_addr);
	fuzz_check("to", s->to);
	fuzz_check("cc", s->cc);
	fuzz_check("subject", s->subject);
	fuzz_check("body_text", s->body_text);
	fuzz_check("snippet", s->snippet);
	fuzz_check("attachment_names", s->attachment_names);
	fuzz_check("list_id", s->list_id);
	fuzz_check("dsn_original_message_id", s->dsn_original_message_id);
	fuzz_check("dsn_envid", s->dsn_envid);
	fuzz_check("dsn_action", s->dsn_action);
	fuzz_check("dsn_status", s->dsn_status);
	fuzz_check("dsn_diagnostic", s->dsn_diagnostic);
	fuzz_check("dsn_recipient", s->dsn_recipient);
	if (s->snippet != NULL && strchr(s->snippet, '\n') != NULL) {
		fprintf(stderr, "fuzz-mime: snippet has a newline\n");
		abort();
	}
	if (s->body_text != NULL && strlen(s->body_text) > FUZZ_MAX_BODY) {
		fprintf(stderr, "fuzz-mime: search text of %zu bytes\n",
		    strlen(s->body_text));
		abort();
	}
	mime_summary_free(s);
	if (m != NULL)
		g_object_unref(m);

	cs = fuzz_charsets[size % G_N_ELEMENTS(fuzz_charsets)];
	u = mime_to_utf8((const char *)data, (gssize)size, cs);
	fuzz_check("mime_to_utf8", u);
	g_free(u);
	return 0;
}
