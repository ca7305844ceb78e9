/*
 * cli.c: what every subcommand shares (the table is in cli-table.c): the
 * session's config and store with their errors printed, the terminal's
 * prompts, safe printing.
 */
#include "satchel-config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <fcntl.h>

#include "util/util.h"
#include "config/config.h"
#include "store/store.h"
#include "session/session.h"
#include "cli/cli.h"

gboolean
cli_parse_options(const char *name, const char *params, const char *summary,
    const char *description, const GOptionEntry *entries, int *argc,
    char ***argv)
{
	GOptionContext	*oc;
	GError		*err = NULL;
	gboolean	 ok;

	/* --help and errors name the subcommand: "satchel fetch [OPTION…]". */
	{
		g_autofree char *prg = g_strdup_printf("satchel %s", name);

		g_set_prgname(prg);
	}
	oc = g_option_context_new(params);
	g_option_context_set_translation_domain(oc, PACKAGE);
	g_option_context_add_main_entries(oc, entries, PACKAGE);
	if (summary != NULL)
		g_option_context_set_summary(oc, summary);
	if (description != NULL)
		g_option_context_set_description(oc, description);
	ok = g_option_context_parse(oc, argc, argv, &err);
	if (!ok) {
		fprintf(stderr, "satchel %s: %s\n", name, err->message);
		fprintf(stderr, _("Try 'satchel %s --help'.\n"), name);
		g_error_free(err);
	}
	g_option_context_free(oc);
	return ok;
}

struct config *
cli_config(struct session *ctx)
{
	struct config	*c;
	GError		*err = NULL;

	if ((c = session_config(ctx, &err)) == NULL && err != NULL) {
		fputs(err->message, stderr);
		g_error_free(err);
	}
	return c;
}

struct store *
cli_store(struct session *ctx, int *exit_code)
{
	return cli_store_flags(ctx, STORE_OPEN_CREATE, exit_code);
}

struct store *
cli_store_flags(struct session *ctx, unsigned flags, int *exit_code)
{
	GError	*err = NULL;

	if ((*exit_code = session_open(ctx, flags, &err)) == SESSION_EXIT_OK)
		return ctx->store;
	if (err != NULL)
		fputs(err->message, stderr);
	g_clear_error(&err);
	return NULL;
}

void
cli_session_warn(const char *line, void *data)
{
	(void)data;
	fputs(line, stderr);
}

char *
cli_session_line(const char *prompt, void *data)
{
	(void)data;
	return cli_prompt_line(prompt);
}

char *
cli_prompt_line(const char *prompt)
{
	char	buf[1024];
	FILE	*tty;
	char	*nl;

	if ((tty = fopen("/dev/tty", "r+e")) == NULL)
		return NULL;
	fputs(prompt, tty);
	fflush(tty);
	if (fgets(buf, sizeof buf, tty) == NULL) {
		fclose(tty);
		return NULL;
	}
	fclose(tty);
	if ((nl = strpbrk(buf, "\r\n")) != NULL)
		*nl = '\0';
	return g_strdup(buf);
}

char *
cli_prompt_secret(const char *prompt)
{
	struct termios	 old, noecho;
	GString		*s;
	int		 fd, c;
	char		 ch;
	ssize_t		 n;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0)
		return NULL;
	if (tcgetattr(fd, &old) != 0) {
		close(fd);
		return NULL;
	}
	noecho = old;
	noecho.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	noecho.c_lflag |= ICANON;
	(void)file_write_all(fd, prompt, strlen(prompt));
	tcsetattr(fd, TCSAFLUSH, &noecho);
	s = g_string_new(NULL);
	for (;;) {
		n = read(fd, &ch, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		c = (unsigned char)ch;
		if (c == '\n' || c == '\r')
			break;
		g_string_append_c(s, ch);
	}
	tcsetattr(fd, TCSAFLUSH, &old);
	(void)file_write_all(fd, "\n", 1);
	close(fd);
	if (n <= 0 && s->len == 0) {
		g_string_free(s, TRUE);
		return NULL;
	}
	{
		char *ret = g_strdup(s->str);

		explicit_bzero(s->str, s->len);
		g_string_free(s, TRUE);
		return ret;
	}
}

gboolean
cli_isatty(void)
{
	return isatty(STDOUT_FILENO);
}

void
cli_puts_safe(const char *text)
{
	char *safe = sanitize_text(text, -1, 0);

	fputs(safe, stdout);
	fputc('\n', stdout);
	g_free(safe);
}
