/*
 * cli-sendmail.c: satchel sendmail [-t] [-i] [-f FROM] [-F NAME]
 * [-a ACCOUNT] [-C CONFIG] [RECIPIENT...] < message
 *
 * A sendmail-compatible entry point for programs that "send mail" by
 * running sendmail: git send-email (sendmail -i -f FROM RCPT...), cron's
 * MAILTO (sendmail -FCronDaemon -i -B8BITMIME -oem USER), mutt, scripts.
 * Also run as "sendmail" or "satchel-sendmail" (a link to satchel). The
 * message is put into the durable outbox and the command exits 0 once it
 * is safely queued; nothing goes over the network here: the reader or
 * satchel sync sends it at once when they run (and when the network
 * returns), or the next satchel send.
 *
 * As sendmail: the recipients are the arguments (Bcc included), or with
 * -t the To, Cc and Bcc headers plus the arguments. Without -i or -oi a
 * line holding only "." ends the message. Date, Message-ID and From are
 * added when missing. Options of other sendmails that do not matter here
 * (-B, -N, -R, -V, -X, -o..., -v ...) are accepted and ignored; modes
 * other than -bm (-bs, -bp, -q ...) are refused. Exit statuses are
 * sysexits.h values, as sendmail's callers expect.
 */
#include "satchel-config.h"

#include <stdio.h>
#include <string.h>

#include "util/util.h"
#include "config/config.h"
#include "mime/mime.h"
#include "mime/compose.h"
#include "store/store.h"
#include "smtp/outbox.h"
#include "cli/cli.h"

struct cli_sendmail_opts {
	gboolean	 extract;	/* -t */
	gboolean	 dot_ends;	/* no -i/-oi: "." alone ends input */
	const char	*from;		/* -f / -r */
	const char	*name;		/* -F */
	const char	*account;	/* -a */
	GPtrArray	*args;		/* recipient arguments (char *, borrowed) */
};

static int	 cli_sendmail_parse(struct session *, int, char **,
		    struct cli_sendmail_opts *);
static GString	*cli_sendmail_read(gboolean);
static struct account *cli_sendmail_account(struct config *,
		    const struct cli_sendmail_opts *, GMimeMessage *);
static int	 cli_sendmail_add(GPtrArray *, const char *,
		    const struct account *);
static void	 cli_sendmail_headers(GMimeMessage *, const struct account *,
		    const struct cli_sendmail_opts *);

/* sendmail's options: those with a value, those ignored. */
static const char cli_sendmail_valued[] = "fFraCBNRVXLhOp";
static const char cli_sendmail_flags[] = "tivmnUGeAcdsx";

static int
cli_sendmail_parse(struct session *ctx, int argc, char **argv,
    struct cli_sendmail_opts *o)
{
	const char	*arg, *val;
	gboolean	 done = FALSE;
	int		 i;
	char		 c;

	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (done || arg[0] != '-' || arg[1] == '\0') {
			g_ptr_array_add(o->args, (char *)arg);
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			done = TRUE;
			continue;
		}
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			printf("%s\n", _("Usage: satchel sendmail [-t] [-i] "
			    "[-f FROM] [-F NAME] [-a ACCOUNT] [-C CONFIG] "
			    "[RECIPIENT...] < MESSAGE\n\nQueue the message on "
			    "standard input in the outbox, as sendmail does; "
			    "exits 0 once it is safely queued."));
			return -2;
		}
		c = arg[1];
		if (c == 'o') {
			/* -oi as -i; -oem, -odb ... ignored; "-o X" too. */
			if (strcmp(arg, "-oi") == 0)
				o->dot_ends = FALSE;
			else if (arg[2] == '\0' && i + 1 < argc)
				i++;
			continue;
		}
		if (c == 'b') {
			if (strcmp(arg, "-bm") == 0)
				continue;
			fprintf(stderr, _("satchel sendmail: mode %s is not "
			    "supported (only -bm: read a message)\n"), arg);
			return SESSION_EXIT_USAGE;
		}
		if (c == 'q' || c == 'I') {
			fprintf(stderr, _("satchel sendmail: %s is not "
			    "supported; use 'satchel send' or 'satchel queue'\n"),
			    arg);
			return SESSION_EXIT_USAGE;
		}
		if (strchr(cli_sendmail_valued, c) != NULL) {
			val = arg[2] != '\0' ? arg + 2 : (i + 1 < argc ?
			    argv[++i] : NULL);
			if (val == NULL) {
				fprintf(stderr, _("satchel sendmail: option "
				    "-%c needs a value\n"), c);
				return SESSION_EXIT_USAGE;
			}
			if (c == 'f' || c == 'r')
				o->from = val;
			else if (c == 'F')
				o->name = val;
			else if (c == 'a')
				o->account = val;
			else if (c == 'C' && ctx->config == NULL)
				ctx->config_path = val;
			continue;
		}
		/* Flags, possibly bundled: -ti, -it. */
		for (val = arg + 1; *val != '\0'; val++) {
			if (*val == 't')
				o->extract = TRUE;
			else if (*val == 'i')
				o->dot_ends = FALSE;
			else if (strchr(cli_sendmail_flags, *val) == NULL)
				fprintf(stderr, _("satchel sendmail: ignoring "
				    "the unknown option -%c\n"), *val);
		}
	}
	return 0;
}

/* All of standard input, or up to a line "." alone when dot_ends. */
static GString *
cli_sendmail_read(gboolean dot_ends)
{
	GString	*s = g_string_new(NULL);
	char	 buf[8192];
	size_t	 n;

	if (!dot_ends) {
		while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
			g_string_append_len(s, buf, (gssize)n);
	} else {
		while (fgets(buf, sizeof buf, stdin) != NULL) {
			gboolean bol = s->len == 0 || s->str[s->len - 1] == '\n';

			if (bol && (strcmp(buf, ".\n") == 0 ||
			    strcmp(buf, ".\r\n") == 0 || strcmp(buf, ".") == 0))
				break;
			g_string_append(s, buf);
		}
	}
	if (ferror(stdin)) {
		g_string_free(s, TRUE);
		return NULL;
	}
	return s;
}

/* -a, else the account whose address is -f, else From's, else the first. */
static struct account *
cli_sendmail_account(struct config *config, const struct cli_sendmail_opts *o,
    GMimeMessage *msg)
{
	InternetAddressList	*from;
	struct account		*a;
	const char		*want[2] = { o->from, NULL };
	guint			 i, j;

	if (o->account != NULL) {
		a = config_account(config, o->account);
		return a != NULL && strcmp(a->name, o->account) == 0 ? a :
		    NULL;
	}
	from = g_mime_message_get_from(msg);
	if (from != NULL && internet_address_list_length(from) > 0) {
		InternetAddress *ia = internet_address_list_get_address(from,
		    0);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			want[1] = internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ia));
	}
	for (j = 0; j < G_N_ELEMENTS(want); j++) {
		if (want[j] == NULL)
			continue;
		for (i = 0; i < config->accounts->len; i++) {
			a = g_ptr_array_index(config->accounts, i);
			if (a->from_addr != NULL && a->smtp_host != NULL &&
			    g_ascii_strcasecmp(a->from_addr, want[j]) == 0)
				return a;
		}
	}
	return config_account(config, NULL);
}

/*
 * Add the addresses of one argument (it may be a list: "a@x, B <b@y>").
 * A bare name that is the user's own login (cron mails the crontab's
 * owner) means the account's own address. Returns 0 or SESSION_EXIT_NOUSER.
 */
static int
cli_sendmail_add(GPtrArray *rcpts, const char *arg, const struct account *acc)
{
	g_autoptr(InternetAddressList)	 list = NULL;
	const char			*addr;
	int				 i, n;

	if (strchr(arg, '@') == NULL && strchr(arg, ',') == NULL) {
		g_autofree char *bare = g_strstrip(g_strdup(arg));

		if (strcmp(bare, g_get_user_name()) == 0) {
			g_ptr_array_add(rcpts, g_strdup(acc->from_addr));
			return 0;
		}
		fprintf(stderr, _("satchel sendmail: \"%s\" is not a mail "
		    "address (user@domain); only your own login name stands "
		    "for your address\n"), bare);
		return SESSION_EXIT_NOUSER;
	}
	list = internet_address_list_parse(mime_parser_options(), arg);
	n = list != NULL ? internet_address_list_length(list) : 0;
	if (n == 0) {
		g_autofree char *safe = sanitize_text(arg, -1, 0);

		fprintf(stderr, _("satchel sendmail: bad address \"%s\"\n"),
		    safe);
		return SESSION_EXIT_NOUSER;
	}
	for (i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(list,
		    i);

		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		addr = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia));
		if (!compose_addr_is_safe(addr)) {
			g_autofree char *safe = sanitize_text(addr, -1, 0);

			fprintf(stderr, _("satchel sendmail: bad address "
			    "\"%s\"\n"), safe);
			return SESSION_EXIT_NOUSER;
		}
		g_ptr_array_add(rcpts, g_strdup(addr));
	}
	return 0;
}

/* Date, Message-ID and From when the message has none. */
static void
cli_sendmail_headers(GMimeMessage *msg, const struct account *acc,
    const struct cli_sendmail_opts *o)
{
	InternetAddressList	*from;
	const char		*at;

	if (g_mime_message_get_date(msg) == NULL) {
		g_autoptr(GDateTime) now = g_date_time_new_now_local();

		g_mime_message_set_date(msg, now);
	}
	if (g_mime_message_get_message_id(msg) == NULL) {
		g_autofree char *id = NULL;

		at = strrchr(acc->from_addr, '@');
		id = g_mime_utils_generate_message_id(at != NULL ? at + 1 :
		    "localhost");
		g_mime_message_set_message_id(msg, id);
	}
	from = g_mime_message_get_from(msg);
	if (from == NULL || internet_address_list_length(from) == 0)
		g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM,
		    o->name != NULL ? o->name : acc->from_name,
		    acc->from_addr);
}

int
cli_sendmail(struct session *ctx, int argc, char **argv)
{
	struct cli_sendmail_opts	 o;
	g_autoptr(GPtrArray)		 rcpts = NULL;
	g_autoptr(GPtrArray)		 args = NULL;
	g_autoptr(GMimeMessage)		 msg = NULL;
	struct config			*config;
	struct account			*acc;
	struct store			*st;
	GString				*in;
	GError				*err = NULL;
	int				 rc = SESSION_EXIT_OK;
	guint				 i, j;

	memset(&o, 0, sizeof o);
	o.dot_ends = TRUE;
	args = g_ptr_array_new();
	o.args = args;
	if ((rc = cli_sendmail_parse(ctx, argc, argv, &o)) != 0)
		return rc == -2 ? SESSION_EXIT_OK : rc;
	if (!o.extract && args->len == 0) {
		fprintf(stderr, "%s\n", _("satchel sendmail: no recipient "
		    "(name them as arguments, or use -t to read them from the "
		    "message)"));
		return SESSION_EXIT_USAGE;
	}
	if ((in = cli_sendmail_read(o.dot_ends)) == NULL) {
		fprintf(stderr, "%s\n", _("satchel sendmail: cannot read the "
		    "message from standard input"));
		return SESSION_EXIT_IOERR;
	}
	msg = in->len > 0 ? mime_message_from_data(in->str, in->len) : NULL;
	g_string_free(in, TRUE);
	if (msg == NULL) {
		fprintf(stderr, "%s\n", _("satchel sendmail: the input is "
		    "not a mail message"));
		return SESSION_EXIT_DATAERR;
	}
	if ((config = cli_config(ctx)) == NULL)
		return SESSION_EXIT_CONFIG;
	if ((acc = cli_sendmail_account(config, &o, msg)) == NULL ||
	    acc->from_addr == NULL) {
		fprintf(stderr, o.account != NULL ?
		    _("satchel sendmail: no account '%s'\n") :
		    _("satchel sendmail: no account with an address is "
		    "configured%s\n"), o.account != NULL ? o.account : "");
		return SESSION_EXIT_CONFIG;
	}

	rcpts = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; i < args->len; i++)
		if ((rc = cli_sendmail_add(rcpts, g_ptr_array_index(args, i),
		    acc)) != 0)
			return rc;
	if (o.extract) {
		g_autoptr(GPtrArray) hdr = compose_recipients(msg);

		for (i = 0; i < hdr->len; i++)
			if ((rc = cli_sendmail_add(rcpts,
			    g_ptr_array_index(hdr, i), acc)) != 0)
				return rc;
	}
	/* Once each (case-insensitive), in order. */
	for (i = 0; i < rcpts->len; i++)
		for (j = i + 1; j < rcpts->len; )
			if (g_ascii_strcasecmp(g_ptr_array_index(rcpts, i),
			    g_ptr_array_index(rcpts, j)) == 0)
				g_ptr_array_remove_index(rcpts, j);
			else
				j++;
	if (rcpts->len == 0) {
		fprintf(stderr, "%s\n", _("satchel sendmail: the message "
		    "names no recipient"));
		return SESSION_EXIT_NOUSER;
	}
	cli_sendmail_headers(msg, acc, &o);

	if ((st = cli_store(ctx, &rc)) == NULL)
		return rc;
	if (outbox_queue_to(st, acc, msg, rcpts, NULL, &err) != OUTBOX_OK) {
		g_autofree char *safe = sanitize_text(err->message, -1, 0);

		fprintf(stderr, "satchel sendmail: %s\n", safe);
		rc = err->code == OUTBOX_ERR_STORE ? SESSION_EXIT_TEMPFAIL :
		    err->code == OUTBOX_ERR_INVALID ? SESSION_EXIT_NOUSER :
		    err->code == OUTBOX_ERR_ACCOUNT ? SESSION_EXIT_CONFIG :
		    SESSION_EXIT_SOFTWARE;
		g_error_free(err);
		return rc;
	}
	return SESSION_EXIT_OK;
}
