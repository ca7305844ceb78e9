/* cli.c: what every subcommand shares (the table is in cli-table.c). */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <fcntl.h>

#include "util/util.h"
#include "config/config.h"
#include "mime/mime.h"
#include "store/store.h"
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
cli_config(struct cli_ctx *ctx)
{
	GError *err = NULL;

	if (ctx->config != NULL)
		return ctx->config;
	if (ctx->ca_file != NULL && ctx->pop3_oneoff == NULL) {
		fprintf(stderr, _("satchel: --ca-file goes with --pop3 (in a "
		    "config file, use ca_file)\n"));
		return NULL;
	}
	if (ctx->pop3_oneoff != NULL) {
		if (!ctx->borrowed) {
			fprintf(stderr, _("satchel: --pop3 goes with "
			    "--borrowed\n"));
			return NULL;
		}
		if ((ctx->config = cli_borrowed_oneoff(ctx)) == NULL)
			return NULL;
	} else if (config_load(ctx->config_path, &ctx->config, &err) !=
	    CONFIG_OK) {
		fprintf(stderr, "satchel: %s\n", err->message);
		g_error_free(err);
		return NULL;
	}
	/* Before any gpg runs: the keyring and whether to index plain text. */
	if (ctx->config->gnupghome != NULL)
		g_setenv("GNUPGHOME", ctx->config->gnupghome, TRUE);
	mime_set_summary_flags(ctx->config->index_decrypted ?
	    MIME_SUMMARY_DECRYPT : 0);
	if (ctx->borrowed || ctx->config->borrowed) {
		if (cli_borrowed_begin(ctx, ctx->config) != 0) {
			config_free(ctx->config);
			ctx->config = NULL;
			return NULL;
		}
	}
	return ctx->config;
}

struct store *
cli_store(struct cli_ctx *ctx, int *exit_code)
{
	return cli_store_flags(ctx, STORE_OPEN_CREATE, exit_code);
}

struct store *
cli_store_flags(struct cli_ctx *ctx, unsigned flags, int *exit_code)
{
	struct config		*c;
	enum store_status	 st;

	*exit_code = CLI_EXIT_OK;
	if (ctx->store != NULL)
		return ctx->store;
	if ((c = cli_config(ctx)) == NULL) {
		*exit_code = CLI_EXIT_CONFIG;
		return NULL;
	}
	st = store_open(c->store, flags, &ctx->store);
	if (st != STORE_OK) {
		fprintf(stderr, _("satchel: cannot open the store %s: %s\n"),
		    c->store, ctx->store != NULL ? store_errmsg(ctx->store) :
		    store_strerror(st));
		store_close(ctx->store);
		ctx->store = NULL;
		switch (st) {
		case STORE_ERR_PERM:
			*exit_code = CLI_EXIT_NOPERM;
			break;
		case STORE_ERR_BUSY:
			*exit_code = CLI_EXIT_TEMPFAIL;
			break;
		case STORE_ERR_NOSPC:
		case STORE_ERR_IO:
			*exit_code = CLI_EXIT_IOERR;
			break;
		case STORE_ERR_CORRUPT:
			*exit_code = CLI_EXIT_DATAERR;
			break;
		default:
			*exit_code = CLI_EXIT_CANTCREAT;
			break;
		}
		return NULL;
	}
	return ctx->store;
}

void
cli_ctx_release(struct cli_ctx *ctx)
{
	store_close(ctx->store);
	ctx->store = NULL;
	config_free(ctx->config);
	ctx->config = NULL;
	cli_borrowed_end(ctx);
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
