/*
 * fuzz-mailcap.c: mailcap files (src/mime/mailcap.c): parsing, lookup and
 * the expansion of %s, %t and %{param} into a viewer's arguments, through
 * render_part_view() as the reader calls it (src/mime/render-part.c).
 *
 * Input: a mailcap file, a NUL byte, then a message. Without a NUL byte
 * the whole input is the message and a built-in mailcap (the usual forms)
 * is used, so real mail serves as seeds. Every part of the message (at
 * most 16) is looked up and, when an entry matches, expanded; nothing is
 * run.
 *
 * Properties checked (what mailcap.c and render.h promise): no shell
 * operator reaches an argv; the argv has one argument per word of the
 * command; an argument that is exactly %s is the private temporary file
 * (absolute, a plain name); exactly %{param} is only [A-Za-z0-9._+-], at
 * most 64 bytes, never starting with '-'; exactly %t never starts with
 * '-' and is only [a-z0-9/.+_-]; a command without
 * %s reads the part on stdin.
 */
#include "satchel-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "mime/mime.h"
#include "mime/render.h"
#include "mime/render-private.h"
#include "scratch.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_MAX_PARTS	16

static const char fuzz_default_mailcap[] =
    "# the usual forms\n"
    "text/html; lynx -dump -force_html %s; copiousoutput\n"
    "text/plain; less -- '%s'; needsterminal\n"
    "image/*; feh %s\n"
    "application/pdf; zathura %s; test=test -n \"$DISPLAY\"\n"
    "application/pdf; mupdf -r 96 %s\n"
    "application/x-tar; tar -t -v -f %s; copiousoutput\n"
    "audio/*; play -t %{format} --rate %{rate} -\n"
    "video/*; mpv --title=%{name} %t %s\n"
    "message/*; cat %{charset} | less\n"
    "application/*; viewer --type %t --charset %{charset} %{name} %s\n"
    "text; pager\\; \\\n -x %{charset}\n";

static char	*fuzz_default_path;

static void
fuzz_die(const char *what, const char *arg)
{
	fprintf(stderr, "fuzz-mailcap: %s: \"%s\"\n", what, arg);
	abort();
}

/* %{name} exactly: the whole word is one parameter. */
static gboolean
fuzz_is_param(const char *w)
{
	size_t n = strlen(w);

	return n >= 3 && w[0] == '%' && w[1] == '{' && w[n - 1] == '}' &&
	    memchr(w + 2, '}', n - 3) == NULL;
}

static void
fuzz_check_view(const struct render_view *v, const char *command)
{
	static const char *const ops[] = { "|", "||", "&&", ";", "&", "<",
	    ">", ">>", "2>", "2>&1", NULL };
	char		**words = NULL;
	int		 argc = 0, i, j;
	gboolean	 uses_file = FALSE;

	if (v->argv == NULL || v->argv[0] == NULL)
		fuzz_die("empty argv", command);
	if (!g_shell_parse_argv(command, &argc, &words, NULL))
		fuzz_die("argv from a command that does not parse", command);
	for (i = 0; v->argv[i] != NULL; i++)
		;
	if (i != argc)
		fuzz_die("argv has not one argument per word", command);
	for (i = 0; i < argc; i++) {
		const char *w = words[i], *a = v->argv[i], *p;

		for (j = 0; ops[j] != NULL; j++)
			if (strcmp(w, ops[j]) == 0)
				fuzz_die("shell operator passed", command);
		if (strstr(w, "%s") != NULL)
			uses_file = TRUE;
		if (strcmp(w, "%s") == 0) {
			g_autofree char *base = g_path_get_basename(a);

			if (strcmp(a, v->temp_path) != 0 || a[0] != '/')
				fuzz_die("%s is not the temporary file", a);
			for (p = base; *p != '\0'; p++)
				if (!g_ascii_isalnum(*p) && *p != '.')
					fuzz_die("temporary name not plain", a);
			if (base[0] == '.' || base[0] == '-')
				fuzz_die("temporary name not plain", a);
		} else if (strcmp(w, "%t") == 0) {
			if (a[0] == '-')
				fuzz_die("%t reads as an option", a);
			for (p = a; *p != '\0'; p++)
				if (!(g_ascii_isdigit(*p) ||
				    (*p >= 'a' && *p <= 'z') ||
				    strchr("/.+_-", *p) != NULL))
					fuzz_die("%t carries a character outside [a-z0-9/.+_-]", a);
		} else if (fuzz_is_param(w)) {
			if (a[0] == '-')
				fuzz_die("%{param} reads as an option", a);
			if (strlen(a) > 64)
				fuzz_die("%{param} too long", a);
			for (p = a; *p != '\0'; p++)
				if (!g_ascii_isalnum(*p) &&
				    strchr("._+-", *p) == NULL)
					fuzz_die("%{param} not sanitised", a);
		}
	}
	if (uses_file != (v->stdin_path == NULL))
		fuzz_die("stdin set although %s is used (or not set without)",
		    command);
	if (v->stdin_path != NULL && strcmp(v->stdin_path, v->temp_path) != 0)
		fuzz_die("stdin is not the temporary file", command);
	g_strfreev(words);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init();
	fuzz_default_path = g_build_filename(fuzz_scratch(), "mailcap-default",
	    NULL);
	fuzz_write_file(fuzz_default_path, fuzz_default_mailcap,
	    strlen(fuzz_default_mailcap));
	/* The temporary copies of parts go under the scratch directory. */
	g_setenv("TMPDIR", fuzz_scratch(), TRUE);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t		*nul;
	struct render_options	 opts;
	GMimeMessage		*msg;
	GArray			*refs;
	gboolean		 truncated = FALSE;
	char			*path = NULL, *dir = NULL;
	guint			 i, n;

	if (size == 0)
		return 0;
	nul = memchr(data, '\0', size);
	memset(&opts, 0, sizeof(opts));
	if (nul != NULL) {
		dir = fuzz_scratch_dir();
		path = g_build_filename(dir, "mailcap", NULL);
		fuzz_write_file(path, data, (size_t)(nul - data));
		opts.mailcap_path = path;
		msg = mime_message_from_data(nul + 1,
		    size - (size_t)(nul - data) - 1);
	} else {
		opts.mailcap_path = fuzz_default_path;
		msg = mime_message_from_data(data, size);
	}
	if (msg == NULL)
		goto out;
	refs = render_part_collect(msg, NULL, &truncated);
	n = MIN(refs->len, FUZZ_MAX_PARTS);
	for (i = 1; i <= n; i++) {
		struct render_part_ref	*ref = &g_array_index(refs,
		    struct render_part_ref, i - 1);
		GMimeContentType	*ct;
		struct mailcap_entry	*entry;
		struct render_view	*view = NULL;
		enum render_status	 s;
		GError			*err = NULL;
		char			*type;

		s = render_part_view(msg, i, &opts, &view, &err);
		ct = g_mime_object_get_content_type(ref->object);
		type = ct != NULL ? g_mime_content_type_get_mime_type(ct) :
		    g_strdup("text/plain");
		entry = mailcap_lookup(opts.mailcap_path, type, FALSE);
		if (s == RENDER_OK) {
			if (entry == NULL)
				fuzz_die("a view without a mailcap entry", type);
			fuzz_check_view(view, entry->command);
			if (access(view->temp_path, R_OK) != 0)
				fuzz_die("no temporary file", view->temp_path);
		} else {
			if (view != NULL)
				fuzz_die("a view set on failure", type);
			if (err == NULL && s != RENDER_ERR_NO_MAILCAP &&
			    s != RENDER_ERR_NO_PART)
				fuzz_die("failure without an error", type);
			if (s == RENDER_ERR_NO_MAILCAP && entry != NULL)
				fuzz_die("entry found but not used", type);
		}
		g_clear_error(&err);
		mailcap_entry_free(entry);
		render_view_free(view);
		g_free(type);
	}
	g_array_unref(refs);
	g_object_unref(msg);
out:
	if (dir != NULL)
		(void)file_remove_tree(dir);
	g_free(path);
	g_free(dir);
	return 0;
}
