/*
 * ui-compose.c: writing mail. A template (new, reply, reply to all,
 * forward, or a resumed draft) goes to $VISUAL/$EDITOR as a file with its
 * headers; then a confirmation screen offers send (queue at once), edit
 * again, attach a file, save as a draft, or cancel. The editor runs
 * without a shell: config->editor split into words, the file appended.
 *
 * The confirmation screen shows a Bcc and every attachment in the error
 * colour, so a blind copy or a file the user did not mean to send stands
 * out; an Attach: line of the text that names a file outside the
 * directories the user chose (through the attach prompt, or satchel's own
 * for a draft) is asked about once before the message is queued or saved.
 *
 * Also here: messages a crash left in state "sending" are shown at
 * start-up for the user to decide (send again, or count as sent).
 */
#include "satchel-config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "config/config.h"
#include "mime/mime.h"
#include "mime/compose.h"
#include "mime/crypt.h"
#include "store/store.h"
#include "smtp/outbox.h"
#include "session/session.h"
#include "ui/ui-view.h"

struct ui_compose {
	struct config	*config;	/* borrowed */
	struct account	*account;	/* sends it; borrowed from the config */
	char		*from_name;	/* the sender: the From line's, else */
	char		*from_addr;	/* the account's (from_name may be NULL) */
	char		*dir;		/* private temporary directory */
	char		*path;		/* the file the editor edits */
	GPtrArray	*attachments;	/* struct compose_attachment * */
	struct compose_fields fields;
	gboolean	 parsed;
	char		*error;		/* why the text does not parse */
	int64_t		 orig_id;	/* replied to or forwarded, -1 */
	enum ui_op	 kind;
	int64_t		 draft_id;	/* resumed draft, -1 */
	GArray		*forwarded;	/* int64_t: ;f's messages, or NULL */
	int64_t		 queue_id;	/* edited outbox entry (held), 0 */
	GPtrArray	*rows;		/* char *: what the screen lists */
	GArray		*alerts;	/* gboolean per row: stands out */
	GPtrArray	*chosen;	/* char *: directories the user chose */
	GHashTable	*confirmed;	/* Attach: paths the user accepted */
	char		*given_bcc;	/* Bcc of the text the editor got */
	unsigned	 crypt;		/* enum crypt_protect_flags asked for */
	gboolean	 crypt_auto;	/* encrypt if every recipient has a key */
};

/* What a compose starts from, while ui_compose_begin runs. */
struct ui_compose_src {
	struct store_msg	*m;	/* the original's row, or NULL */
	GMimeMessage		*orig;	/* the original, or NULL */
	char			*via;	/* the address it came to, or NULL */
	struct compose_identity	 id;	/* who it goes out as */
	const char		*sig;	/* the account's signature */
	char			*text;	/* what the editor is given */
};

static void	 ui_compose_free(struct ui_view *);
static void	 ui_compose_recalc(struct ui *, struct ui_view *);
static void	 ui_compose_attach_answered(struct ui *, char *, int, void *);
static void	 ui_compose_from_answered(struct ui *, char *, int, void *);
static void	 ui_compose_addrs_answered(struct ui *, char *, int, void *);
static void	 ui_compose_discard_answered(struct ui *, char *, int, void *);
static void	 ui_compose_title(struct ui *, struct ui_view *, GString *);
static gboolean	 ui_compose_op(struct ui *, struct ui_view *, enum ui_op);
static void	 ui_compose_draw(struct ui *, void *, int, guint64, gboolean);
static gboolean	 ui_compose_edit(struct ui *, struct ui_compose *);
static void	 ui_compose_child_setup(gpointer);
static void	 ui_compose_foreground(pid_t);
static void	 ui_compose_parse(struct ui_compose *);
static void	 ui_compose_begin(struct ui *, enum ui_op, int64_t, GArray *,
		    int64_t, int64_t);
static void	 ui_compose_forward_chosen(struct ui *, char *, int, void *);
static void	 ui_compose_open(struct ui *, enum ui_op, int64_t, GArray *,
		    int64_t, int64_t, int, int64_t);
static void	 ui_compose_resume_answered(struct ui *, char *, int, void *);
static guint64	 ui_compose_drafts(struct ui *);
static void	 ui_compose_offer_drafts(struct ui *, guint64);
static void	 ui_compose_recall_answered(struct ui *, char *, int, void *);
static gboolean	 ui_compose_recall(struct ui *, guint64);
static int	 ui_compose_ask(struct ui *, GArray *);
static struct ui_compose *ui_compose_alloc(struct ui *, enum ui_op, int64_t);
static gboolean	 ui_compose_load_msg(struct ui *, int64_t,
		    struct ui_compose_src *);
static gboolean	 ui_compose_load(struct ui *, struct ui_compose *, enum ui_op,
		    int64_t, struct ui_compose_src *);
static gboolean	 ui_compose_resume_text(struct ui *, struct ui_compose *,
		    struct ui_compose_src *);
static gboolean	 ui_compose_resume_draft(struct ui *, struct ui_compose *,
		    struct ui_compose_src *, int64_t);
static gboolean	 ui_compose_resume_queued(struct ui *, struct ui_compose *,
		    int64_t, int64_t, struct ui_compose_src *);
static gboolean	 ui_compose_recall_text(struct ui *, struct ui_compose *,
		    struct ui_compose_src *);
static gboolean	 ui_compose_reply_text(struct ui *, enum ui_op,
		    struct ui_compose_src *);
static gboolean	 ui_compose_forward_text(struct ui *, struct ui_compose *,
		    GArray *, int, struct ui_compose_src *);
static gboolean	 ui_compose_first_edit(struct ui *, struct ui_compose *,
		    const char *);
static void	 ui_compose_edit_addrs(struct ui *, struct ui_view *,
		    enum ui_op);
static void	 ui_compose_unqueue(struct ui *, struct ui_compose *);
static gboolean	 ui_compose_set_field(struct ui *, struct ui_view *,
		    const char *, const char *);
static void	 ui_compose_sender(struct ui_compose *);
static struct account *ui_compose_account_for(struct ui *, struct store_msg *,
		    GMimeMessage *, char **);
static void	 ui_compose_edit_from(struct ui *, struct ui_view *);
static GMimeMessage *ui_compose_build(struct ui *, struct ui_compose *);
static void	 ui_compose_done(struct ui *, struct ui_compose *);
static void	 ui_compose_release(struct ui_compose *);
static char	*ui_compose_mkdir(struct ui *, GError **);
static gboolean	 ui_compose_chosen(struct ui_compose *, const char *);
static gboolean	 ui_compose_ask_attach(struct ui *, struct ui_compose *);
static guint	 ui_compose_text_attachments(struct ui_compose *);
static gboolean	 ui_compose_protect(struct ui *, struct ui_compose *,
		    GMimeMessage *);
static void	 ui_compose_crypt_choose(struct ui *, struct ui_view *);
static void	 ui_compose_crypt_chosen(struct ui *, char *, int, void *);

static const struct ui_view_ops ui_compose_ops = {
	.name = "compose",
	.ctx = UI_CTX_COMPOSE,
	.recalc = ui_compose_recalc,
	.title = ui_compose_title,
	.op = ui_compose_op,
	.free = ui_compose_free,
};

static void
ui_compose_release(struct ui_compose *c)
{
	if (c->forwarded != NULL)
		g_array_free(c->forwarded, TRUE);
	if (c->path != NULL)
		unlink(c->path);
	if (c->dir != NULL)
		file_remove_tree(c->dir);
	g_free(c->path);
	g_free(c->dir);
	if (c->attachments != NULL)
		g_ptr_array_unref(c->attachments);
	if (c->parsed)
		compose_fields_clear(&c->fields);
	if (c->rows != NULL)
		g_ptr_array_unref(c->rows);
	if (c->alerts != NULL)
		g_array_unref(c->alerts);
	if (c->chosen != NULL)
		g_ptr_array_unref(c->chosen);
	if (c->confirmed != NULL)
		g_hash_table_unref(c->confirmed);
	g_free(c->given_bcc);
	g_free(c->error);
	g_free(c->from_name);
	g_free(c->from_addr);
	g_free(c);
}

static void
ui_compose_free(struct ui_view *v)
{
	ui_compose_release(v->data);
}

/*
 * A private directory for the file the editor edits (and its swap and
 * backup files). In borrowed mode inside the session's directory, so
 * it goes with the session whatever the temporary directory is.
 */
static char *
ui_compose_mkdir(struct ui *ui, GError **err)
{
	char	*dir;

	if (ui->ctx->borrowed_dir == NULL)
		return g_dir_make_tmp("satchel-compose-XXXXXX", err);
	dir = g_build_filename(ui->ctx->borrowed_dir, "compose-XXXXXX", NULL);
	if (g_mkdtemp_full(dir, 0700) == NULL) {
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno),
		    _("Cannot create a directory in %s: %s"),
		    ui->ctx->borrowed_dir, g_strerror(errno));
		g_free(dir);
		return NULL;
	}
	return dir;
}

/* How many of fields.attachments came from Attach: lines of the text. */
static guint
ui_compose_text_attachments(struct ui_compose *c)
{
	guint n = c->fields.attachments != NULL ? c->fields.attachments->len : 0;

	/* compose_parse puts the extra attachments after the text's own. */
	return n > c->attachments->len ? n - c->attachments->len : 0;
}

/*
 * Is path inside satchel's own directory for this message or a directory
 * the user chose? Both sides resolved (symbolic links, "..").
 */
static gboolean
ui_compose_chosen(struct ui_compose *c, const char *path)
{
	g_autofree char	*real = NULL;
	char		*dir, *rdir;
	guint		 i;
	size_t		 len;
	gboolean	 inside;

	if ((real = realpath(path, NULL)) == NULL)
		return FALSE;
	for (i = 0; i <= c->chosen->len; i++) {
		dir = i < c->chosen->len ? g_ptr_array_index(c->chosen, i) :
		    c->dir;
		if (dir == NULL || (rdir = realpath(dir, NULL)) == NULL)
			continue;
		len = strlen(rdir);
		inside = strncmp(real, rdir, len) == 0 && (real[len] == '/' ||
		    (len == 1 && rdir[0] == '/'));
		free(rdir);
		if (inside)
			return TRUE;
	}
	return FALSE;
}

/*
 * Before queueing or saving: each Attach: line naming a file outside the
 * chosen directories is asked about once. FALSE when the user said no.
 */
static gboolean
ui_compose_ask_attach(struct ui *ui, struct ui_compose *c)
{
	struct compose_attachment	*a;
	g_autofree char			*safe = NULL, *q = NULL;
	guint				 i, n;

	n = ui_compose_text_attachments(c);
	for (i = 0; i < n; i++) {
		a = g_ptr_array_index(c->fields.attachments, i);
		if (ui_compose_chosen(c, a->path) ||
		    g_hash_table_contains(c->confirmed, a->path))
			continue;
		g_free(safe);
		g_free(q);
		safe = sanitize_text(a->path, -1, 0);
		q = g_strdup_printf(_("Attach %s? The text names it, outside "
		    "the folders you chose."), safe);
		if (!ui_prompt_yesno(ui, q, FALSE)) {
			ui_error(ui, _("Not sent: %s is not attached; remove "
			    "its Attach: line or attach it with the attach "
			    "key."), safe);
			return FALSE;
		}
		g_hash_table_add(c->confirmed, g_strdup(a->path));
	}
	return TRUE;
}

/* Run the editor on the file, curses left and restored around it. */
/* In the child, before exec: lead a new process group. */
static void
ui_compose_child_setup(gpointer data)
{
	(void)data;
	(void)setpgid(0, 0);
}

/* Make pgrp the terminal's foreground group (no SIGTTOU while we ask). */
static void
ui_compose_foreground(pid_t pgrp)
{
	sigset_t	 set, old;

	if (!isatty(STDIN_FILENO))
		return;
	sigemptyset(&set);
	sigaddset(&set, SIGTTOU);
	sigprocmask(SIG_BLOCK, &set, &old);
	if (tcsetpgrp(STDIN_FILENO, pgrp) != 0)
		log_debug("tcsetpgrp: %s", g_strerror(errno));
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static gboolean
ui_compose_edit(struct ui *ui, struct ui_compose *c)
{
	GError		*err = NULL;
	char		**argv = NULL, **envp, *prog;
	GPtrArray	*args;
	const char	*editor;
	const char *const *flags;
	GPid		 pid = 0;
	int		 status = 0, i;
	gboolean	 ok, group;

	/* The config resolved $VISUAL, $EDITOR and its own editor key. */
	editor = ui->config->editor;
	if (editor == NULL || *editor == '\0')
		editor = "vi";
	if (!g_shell_parse_argv(editor, NULL, &argv, &err)) {
		ui_error(ui, _("Cannot use the editor '%s': %s"), editor,
		    err->message);
		g_error_free(err);
		return FALSE;
	}
	if (argv[0] == NULL || (prog = g_find_program_in_path(argv[0])) ==
	    NULL) {
		/* Say how to choose one, before the screen is left. */
		ui_error(ui, _("Editor '%s' not found: set editor = in the "
		    "config file, or $EDITOR"),
		    argv[0] != NULL ? argv[0] : editor);
		g_strfreev(argv);
		return FALSE;
	}
	g_free(prog);
	/*
	 * Borrowed mode: the editor's HOME is in the private directory, and
	 * its own history switch is on, so that it keeps nothing outside.
	 */
	envp = ui->child_env;
	flags = envp != NULL ? session_borrowed_editor_flags(argv[0]) : NULL;
	args = g_ptr_array_new();
	for (i = 0; argv[i] != NULL; i++) {
		g_ptr_array_add(args, argv[i]);
		for (; i == 0 && flags != NULL && *flags != NULL; flags++)
			g_ptr_array_add(args, (char *)*flags);
	}
	g_ptr_array_add(args, c->path);
	g_ptr_array_add(args, NULL);
	ui_screen_suspend(ui);
	/*
	 * Not g_spawn_sync: the signal handler must know the editor's pid
	 * to end it with the session.
	 */
	/*
	 * Borrowed mode: the editor leads its own process group (in the
	 * terminal's foreground), so that ending the session, or the janitor
	 * after a kill -9, ends the editor's children too.
	 */
	group = ui->borrowed;
	ok = g_spawn_async(NULL, (char **)args->pdata, envp,
	    G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN |
	    G_SPAWN_DO_NOT_REAP_CHILD, group ? ui_compose_child_setup : NULL,
	    NULL, &pid, &err);
	if (ok) {
		if (group) {
			(void)setpgid(pid, pid);
			ui_compose_foreground(pid);
		}
		ui_signal_child_group(pid, group);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		ui_signal_child_group(0, group);
		if (group)
			ui_compose_foreground(getpgrp());
	}
	ui_screen_resume(ui);
	g_ptr_array_free(args, TRUE);
	g_strfreev(argv);
	if (!ok) {
		ui_error(ui, _("Cannot run the editor: %s"), err->message);
		g_error_free(err);
		return FALSE;
	}
	/* The session ends: what was being written goes with it. */
	if (ui_signal_caught() != 0)
		return FALSE;
	if (!g_spawn_check_wait_status(status, NULL)) {
		ui_error(ui, "%s", _("The editor failed; the message is kept."));
		return TRUE;
	}
	return TRUE;
}

static void
ui_compose_parse(struct ui_compose *c)
{
	GError	*err = NULL;
	char	*text = NULL;
	size_t	 len;

	if (c->parsed)
		compose_fields_clear(&c->fields);
	c->parsed = FALSE;
	g_clear_pointer(&c->error, g_free);
	if ((text = file_read_all(c->path, &len)) == NULL) {
		c->error = g_strdup(g_strerror(errno));
		return;
	}
	if (compose_parse(text, c->attachments, &c->fields, &err)) {
		c->parsed = TRUE;
		ui_compose_sender(c);
	} else {
		c->error = g_strdup(err->message);
		g_error_free(err);
	}
	g_free(text);
}

/*
 * The From line chooses the account that sends: the one whose address or
 * alternates it is. A From that is no account's is refused, never sent
 * through another account's server under a name it does not own.
 */
static void
ui_compose_sender(struct ui_compose *c)
{
	g_autofree char	*name = NULL, *addr = NULL;
	struct account	*a;
	GError		*err = NULL;

	g_clear_pointer(&c->from_name, g_free);
	g_clear_pointer(&c->from_addr, g_free);
	if (c->fields.from == NULL || *c->fields.from == '\0') {
		c->from_name = g_strdup(c->account->from_name);
		c->from_addr = g_strdup(c->account->from_addr);
		return;
	}
	if (!compose_parse_sender(c->fields.from, &name, &addr, &err)) {
		c->error = g_strdup(err->message);
		g_error_free(err);
	} else if ((a = config_account_for_address(c->config, addr)) ==
	    NULL)
		c->error = g_strdup_printf(_("From: %s is not the address of "
		    "any account: change it, or add it to an account's "
		    "alternates"), addr);
	else {
		c->account = a;
		c->from_name = name != NULL ? g_steal_pointer(&name) :
		    g_strdup(a->from_name);
		c->from_addr = g_steal_pointer(&addr);
		return;
	}
	compose_fields_clear(&c->fields);
	c->parsed = FALSE;
}

/*
 * The account a reply or forward of m goes out from: the one that fetched
 * it, else the one that wrote it, else the one it was addressed to (*via:
 * that address, when it is an alternate rather than the account's own),
 * else the first.
 */
static struct account *
ui_compose_account_for(struct ui *ui, struct store_msg *m, GMimeMessage *orig,
    char **via)
{
	g_autoptr(GPtrArray)	 to = NULL;
	struct account		*a;
	guint			 i;

	*via = NULL;
	if (m != NULL && m->account != NULL &&
	    (a = config_account(ui->config, m->account)) != NULL &&
	    strcmp(a->name, m->account) == 0 && a->from_addr != NULL)
		return a;
	/*
	 * Our own message (in Sent, say): the account that wrote it. Only
	 * by its own address: an alternate such as *@example.org also
	 * matches a colleague's mail.
	 */
	if (m != NULL && (a = config_account_for_address(ui->config,
	    m->from_addr)) != NULL && a->from_addr != NULL &&
	    g_ascii_strcasecmp(a->from_addr, m->from_addr) == 0)
		return a;
	to = compose_addressed_to(orig);
	for (i = 0; i < to->len; i++) {
		const char *addr = g_ptr_array_index(to, i);

		if ((a = config_account_for_address(ui->config, addr)) ==
		    NULL)
			continue;
		if (a->from_addr == NULL ||
		    g_ascii_strcasecmp(a->from_addr, addr) != 0)
			*via = g_strdup(addr);
		return a;
	}
	return config_account(ui->config, NULL);
}

/*
 * One header of the message file set to value, then the screen parsed
 * again; TRUE when the message still parses (an error is said otherwise).
 */
static gboolean
ui_compose_set_field(struct ui *ui, struct ui_view *v, const char *name,
    const char *value)
{
	struct ui_compose	*c = v->data;
	g_autofree char		*text = NULL, *edited = NULL;
	size_t			 len;

	if ((text = file_read_all(c->path, &len)) == NULL) {
		ui_error(ui, _("Cannot read %s: %s"), c->path,
		    g_strerror(errno));
		return FALSE;
	}
	edited = compose_set_header(text, name, value);
	if (file_write_atomic(c->path, edited, strlen(edited), 0600) != 0) {
		ui_error(ui, _("Cannot write %s: %s"), c->path,
		    g_strerror(errno));
		return FALSE;
	}
	ui_compose_parse(c);
	ui_compose_recalc(ui, v);
	if (!c->parsed)
		ui_error(ui, "%s", c->error);
	return c->parsed;
}

/* Change the sender: an address, or an account's name. */
static void
ui_compose_edit_from(struct ui *ui, struct ui_view *v)
{
	struct ui_compose	*c = v->data;
	g_autofree char		*cur = NULL;

	cur = c->from_name != NULL ? g_strdup_printf("%s <%s>", c->from_name,
	    c->from_addr) : g_strdup(c->from_addr != NULL ? c->from_addr : "");
	ui_prompt_ask(ui, _("From (an address, or an account's name): "), cur,
	    UI_PROMPT_TEXT, FALSE, ui_compose_from_answered,
	    GUINT_TO_POINTER(v->serial));
}

/*
 * The sender typed (in, NULL: cancelled) on the compose screen of view
 * serial data: an account's name stands for its address.
 */
static void
ui_compose_from_answered(struct ui *ui, char *line, int key, void *data)
{
	struct ui_view		*v = ui_view_find(ui, GPOINTER_TO_UINT(data));
	g_autofree char		*in = line;
	struct ui_compose	*c;
	struct account		*a;
	const char		*value;

	(void)key;
	if (v == NULL || in == NULL || *g_strstrip(in) == '\0')
		return;
	c = v->data;
	if (strpbrk(in, "\r\n") != NULL) {
		ui_error(ui, "%s", _("From: one line only."));
		return;
	}
	value = in;
	if ((a = config_account(ui->config, in)) != NULL &&
	    strcmp(a->name, in) == 0 && a->address != NULL)
		value = a->address;
	if (ui_compose_set_field(ui, v, "From", value))
		ui_message(ui, _("Sending from account %s."), c->account->name);
}

static GMimeMessage *
ui_compose_build(struct ui *ui, struct ui_compose *c)
{
	struct compose_identity	 id;
	struct compose_attachment *a;
	GMimeMessage		*msg;
	GError			*err = NULL;
	guint			 i;

	ui_compose_parse(c);
	if (!c->parsed) {
		ui_error(ui, "%s", c->error);
		return NULL;
	}
	for (i = 0; c->fields.attachments != NULL &&
	    i < c->fields.attachments->len; i++) {
		a = g_ptr_array_index(c->fields.attachments, i);
		if (store_path_is_index(store_dir(ui->store), a->path)) {
			g_autofree char *safe = sanitize_text(a->path, -1, 0);

			ui_error(ui, _("%s: this is the store's own index; it "
			    "cannot be attached"), safe);
			return NULL;
		}
	}
	if (!ui_compose_ask_attach(ui, c))
		return NULL;
	id.name = c->from_name;
	id.addr = c->from_addr;
	if ((msg = compose_build(&id, &c->fields, &err)) == NULL) {
		ui_error(ui, "%s", err->message);
		g_error_free(err);
	}
	return msg;
}

/* Queued or saved: mark the original replied or forwarded. */
static void
ui_compose_done(struct ui *ui, struct ui_compose *c)
{
	guint	i;

	if (c->orig_id >= 0 && (c->kind == UI_OP_REPLY ||
	    c->kind == UI_OP_GROUP_REPLY || c->kind == UI_OP_LIST_REPLY))
		store_msg_set_flags(ui->store, c->orig_id, STORE_FLAG_REPLIED,
		    0);
	else if (c->orig_id >= 0 && c->kind == UI_OP_FORWARD)
		store_msg_set_flags(ui->store, c->orig_id, STORE_FLAG_PASSED,
		    0);
	for (i = 0; c->forwarded != NULL && i < c->forwarded->len; i++)
		store_msg_set_flags(ui->store, g_array_index(c->forwarded,
		    int64_t, i), STORE_FLAG_PASSED, 0);
	ui_refresh_counts(ui);
}

/* The edited outbox entry was queued again or saved: the old one goes. */
static void
ui_compose_unqueue(struct ui *ui, struct ui_compose *c)
{
	GError	*err = NULL;

	if (c->queue_id <= 0)
		return;
	if (outbox_delete(ui->store, c->queue_id, &err) != OUTBOX_OK) {
		ui_error(ui, _("The old copy is still held in the outbox: %s"),
		    err != NULL ? err->message : "?");
		g_clear_error(&err);
	}
	c->queue_id = 0;
}

/* An address field asked: the compose screen (serial) and which field. */
struct ui_compose_asked {
	guint		 view;
	const char	*name;		/* "To", "Cc", "Bcc" */
};

/* mutt's t, c, b: To, Cc or Bcc on a prompt that completes addresses. */
static void
ui_compose_edit_addrs(struct ui *ui, struct ui_view *v, enum ui_op op)
{
	struct ui_compose	*c = v->data;
	struct ui_compose_asked	*a = g_new0(struct ui_compose_asked, 1);
	g_autofree char		*prompt = NULL;
	const char		*cur;

	a->view = v->serial;
	a->name = op == UI_OP_EDIT_TO ? "To" : op == UI_OP_EDIT_CC ? "Cc" :
	    "Bcc";
	cur = !c->parsed ? NULL : op == UI_OP_EDIT_TO ? c->fields.to :
	    op == UI_OP_EDIT_CC ? c->fields.cc : c->fields.bcc;
	prompt = g_strdup_printf("%s: ", a->name);
	ui_prompt_ask(ui, prompt, cur, UI_PROMPT_ADDRESS, FALSE,
	    ui_compose_addrs_answered, a);
}

/* The addresses typed (NULL: cancelled): the field set to them. */
static void
ui_compose_addrs_answered(struct ui *ui, char *line, int key, void *data)
{
	struct ui_compose_asked	*a = data;
	struct ui_view		*v = ui_view_find(ui, a->view);
	g_autofree char		*in = line;
	const char		*name = a->name;

	(void)key;
	g_free(a);
	if (v == NULL || in == NULL)
		return;
	if (strpbrk(in, "\r\n") != NULL) {
		ui_error(ui, _("%s: one line only."), name);
		return;
	}
	(void)ui_compose_set_field(ui, v, name, g_strstrip(in));
}

void
ui_compose_start(struct ui *ui, enum ui_op kind, int64_t orig_id)
{
	ui_compose_begin(ui, kind, orig_id, NULL, -1, 0);
}

/*
 * Edit an outbox entry's message (held by the caller) as a draft: sent,
 * it is queued anew and the entry deleted; postponed, it moves to Drafts;
 * discarded, the entry stays held.
 */
void
ui_compose_requeue(struct ui *ui, int64_t msg_id, int64_t queue_id)
{
	ui_compose_begin(ui, UI_OP_MAIL, -1, NULL, msg_id, queue_id);
}

void
ui_compose_forward_many(struct ui *ui, GArray *ids)
{
	if (ids->len == 0)
		return;
	ui_compose_begin(ui, UI_OP_FORWARD, g_array_index(ids, int64_t, 0),
	    ids->len > 1 ? ids : NULL, -1, 0);
}

/* How many drafts wait (0: none, or the store could not say). */
static guint64
ui_compose_drafts(struct ui *ui)
{
	GPtrArray		*folders = NULL;
	struct store_folder	*f;
	guint64			 n = 0;
	guint			 i;

	if (store_folders(ui->store, &folders) != STORE_OK)
		return 0;
	for (i = 0; i < folders->len; i++) {
		f = g_ptr_array_index(folders, i);
		if (strcmp(f->name, STORE_DRAFTS) == 0)
			n = f->total;
	}
	g_ptr_array_unref(folders);
	return n;
}

/* m with n drafts waiting, outside Drafts: offer them first, as mutt does. */
static void
ui_compose_offer_drafts(struct ui *ui, guint64 n)
{
	guint64	*np;
	char	*ask;

	ask = g_strdup_printf(ngettext("Recall postponed message? "
	    "(%u draft)", "Recall postponed message? (%u drafts)",
	    (unsigned long)n), (unsigned)n);
	np = g_new(guint64, 1);
	*np = n;
	ui_prompt_ask_yesno(ui, ask, FALSE, ui_compose_recall_answered, np);
	g_free(ask);
}

/*
 * The drafts offered (yes: recall one; data: how many): the Drafts folder
 * to choose from, the one recalled, or (no) a new message.
 */
static void
ui_compose_recall_answered(struct ui *ui, char *line, int yes, void *data)
{
	guint64	n = *(guint64 *)data;

	(void)line;
	g_free(data);
	/* Cancelled as the session ends: nothing to compose. */
	if (ui->quit || ui->signalled != 0)
		return;
	if (!yes || !ui_compose_recall(ui, n))
		ui_compose_open(ui, UI_OP_MAIL, -1, NULL, -1, 0, 'i', -1);
}

/* Recall one of n drafts; FALSE when none could be. */
static gboolean
ui_compose_recall(struct ui *ui, guint64 n)
{
	GPtrArray		*rows = NULL;
	struct store_query	*q = NULL;
	struct ui_view		*v;
	gboolean		 done = FALSE;

	if (n > 1) {
		/* Several: the Drafts folder to choose from. */
		v = ui_index_new(ui, STORE_DRAFTS);
		ui_push(ui, v);
		ui_message(ui, "%s", _("Choose the draft and press R to "
		    "recall it."));
		return TRUE;
	}
	if (store_query_new(ui->store, NULL, STORE_DRAFTS, &q, NULL) ==
	    STORE_OK && store_query_page(q, STORE_SORT_DATE_DESC, 0, 1,
	    &rows) == STORE_OK && rows->len == 1) {
		ui_compose_begin(ui, UI_OP_RECALL,
		    ((struct store_msg *)g_ptr_array_index(rows, 0))->id, NULL,
		    -1, 0);
		done = TRUE;
	}
	if (rows != NULL)
		g_ptr_array_unref(rows);
	store_query_free(q);
	return done;
}

/*
 * Before anything is made: an account to send from. The forward's form
 * ('i', or 'a' for several messages, more), or 0 when nothing is to be
 * composed now.
 */
static int
ui_compose_ask(struct ui *ui, GArray *more)
{
	if (ui->config->accounts == NULL || ui->config->accounts->len == 0) {
		ui_error(ui, "%s", _("No account is configured: add an "
		    "[account NAME] with an address to send mail."));
		return 0;
	}
	return more != NULL ? 'a' : 'i';
}

/* A new compose state with its private directory; NULL said. */
static struct ui_compose *
ui_compose_alloc(struct ui *ui, enum ui_op kind, int64_t orig_id)
{
	struct ui_compose	*c;
	GError			*err = NULL;

	c = g_new0(struct ui_compose, 1);
	c->config = ui->config;
	c->account = config_account(ui->config, NULL);
	c->kind = kind;
	c->orig_id = orig_id;
	c->draft_id = -1;
	c->attachments = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)compose_attachment_free);
	c->rows = g_ptr_array_new_with_free_func(g_free);
	c->alerts = g_array_new(FALSE, TRUE, sizeof(gboolean));
	c->chosen = g_ptr_array_new_with_free_func(g_free);
	c->confirmed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	if ((c->dir = ui_compose_mkdir(ui, &err)) == NULL) {
		ui_error(ui, "%s", err->message);
		g_error_free(err);
		ui_compose_release(c);
		return NULL;
	}
	c->path = g_build_filename(c->dir, "message.txt", NULL);
	return c;
}

/* Message id's row and parsed message into src; FALSE said. */
static gboolean
ui_compose_load_msg(struct ui *ui, int64_t id, struct ui_compose_src *src)
{
	if (store_msg_get(ui->store, id, &src->m) != STORE_OK) {
		ui_error(ui, "%s", store_errmsg(ui->store));
		return FALSE;
	}
	if ((src->orig = mime_message_from_file(src->m->path)) == NULL) {
		ui_error(ui, _("Cannot read the message file %s."),
		    src->m->path);
		return FALSE;
	}
	return TRUE;
}

/*
 * The message replied to, forwarded or recalled (recall: edited as new,
 * a draft going on as that draft); the account and identity it goes out
 * as, and the protection asked for by default. FALSE said.
 */
static gboolean
ui_compose_load(struct ui *ui, struct ui_compose *c, enum ui_op kind,
    int64_t orig_id, struct ui_compose_src *src)
{
	if (kind == UI_OP_RECALL) {
		/* Edit as new: a draft goes on as that draft. */
		c->kind = UI_OP_MAIL;
		c->orig_id = -1;
		if (!ui_compose_load_msg(ui, orig_id, src))
			return FALSE;
		if (strcmp(src->m->folder, STORE_DRAFTS) == 0)
			c->draft_id = orig_id;
	} else if (orig_id >= 0 && !ui_compose_load_msg(ui, orig_id, src))
		return FALSE;
	/* A reply or forward goes out from the account the original came to. */
	if (src->orig != NULL && kind != UI_OP_RECALL)
		c->account = ui_compose_account_for(ui, src->m, src->orig,
		    &src->via);
	src->id.name = c->account->from_name;
	src->id.addr = src->via != NULL ? src->via : c->account->from_addr;
	src->sig = c->account->signature;
	/* The account's defaults; p on the compose screen changes them. */
	c->crypt = (c->account->crypt_sign ? CRYPT_PROTECT_SIGN : 0) |
	    (c->account->crypt_smime ? CRYPT_PROTECT_SMIME : 0);
	c->crypt_auto = c->account->crypt_encrypt;
	return TRUE;
}

/* The text of message orig as a draft to go on with; FALSE said. */
static gboolean
ui_compose_resume_text(struct ui *ui, struct ui_compose *c,
    struct ui_compose_src *src)
{
	GError	*err = NULL;

	if ((src->text = compose_template_resume(src->orig, c->dir,
	    &err)) == NULL) {
		ui_error(ui, "%s", err->message);
		g_error_free(err);
		return FALSE;
	}
	return TRUE;
}

/* In Drafts, mail resumes draft id (the user agreed). FALSE said. */
static gboolean
ui_compose_resume_draft(struct ui *ui, struct ui_compose *c,
    struct ui_compose_src *src, int64_t id)
{
	if (store_msg_get(ui->store, id, &src->m) == STORE_OK &&
	    (src->orig = mime_message_from_file(src->m->path)) != NULL) {
		if (!ui_compose_resume_text(ui, c, src))
			return FALSE;
		c->draft_id = id;
	}
	return TRUE;
}

/*
 * An outbox entry's message (resume_id, entry queue_id): its From (so
 * its account) kept. FALSE said.
 */
static gboolean
ui_compose_resume_queued(struct ui *ui, struct ui_compose *c,
    int64_t resume_id, int64_t queue_id, struct ui_compose_src *src)
{
	g_autofree char		*from = NULL;
	InternetAddressList	*fl;

	if (store_msg_get(ui->store, resume_id, &src->m) != STORE_OK ||
	    (src->orig = mime_message_from_file(src->m->path)) == NULL) {
		ui_error(ui, "%s", _("Cannot read the queued message."));
		return FALSE;
	}
	if (!ui_compose_resume_text(ui, c, src))
		return FALSE;
	if ((fl = g_mime_message_get_from(src->orig)) != NULL &&
	    internet_address_list_length(fl) > 0 &&
	    (from = internet_address_list_to_string(fl, NULL,
	    FALSE)) != NULL && strpbrk(from, "\r\n") == NULL) {
		char *t = compose_set_header(src->text, "From", from);

		g_free(src->text);
		src->text = t;
	}
	c->queue_id = queue_id;
	return TRUE;
}

/*
 * Recall: the message's text, sent by the account of its From, or (someone
 * else's message) as ours. FALSE said.
 */
static gboolean
ui_compose_recall_text(struct ui *ui, struct ui_compose *c,
    struct ui_compose_src *src)
{
	struct account *mine = NULL;
	InternetAddressList *from = g_mime_message_get_from(src->orig);
	InternetAddress *a0 = from != NULL &&
	    internet_address_list_length(from) > 0 ?
	    internet_address_list_get_address(from, 0) : NULL;

	if (!ui_compose_resume_text(ui, c, src))
		return FALSE;
	if (a0 != NULL && INTERNET_ADDRESS_IS_MAILBOX(a0))
		mine = config_account_for_address(ui->config,
		    internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(a0)));
	if (mine != NULL)
		c->account = mine;
	else {
		/* Someone else's message: sent as ours. */
		g_autofree char *me = src->id.name != NULL ?
		    g_strdup_printf("%s <%s>", src->id.name, src->id.addr) :
		    g_strdup(src->id.addr);
		char *t2 = compose_set_header(src->text, "From", me);

		g_free(src->text);
		src->text = t2;
	}
	return TRUE;
}

/* A reply's text (list-reply: to the list only). FALSE said. */
static gboolean
ui_compose_reply_text(struct ui *ui, enum ui_op kind,
    struct ui_compose_src *src)
{
	g_autofree char	*list = NULL;
	GPtrArray	*own;
	guint		 i;

	if (kind == UI_OP_LIST_REPLY &&
	    (list = compose_list_post(src->orig)) == NULL) {
		ui_error(ui, "%s", _("This message has no List-Post "
		    "address: it did not come through a mailing list "
		    "that takes replies."));
		return FALSE;
	}
	own = g_ptr_array_new();
	for (i = 0; i < ui->config->accounts->len; i++) {
		struct account *a = g_ptr_array_index(ui->config->accounts, i);
		if (a->from_addr != NULL)
			g_ptr_array_add(own, a->from_addr);
	}
	if (src->via != NULL)
		g_ptr_array_add(own, src->via);
	g_ptr_array_add(own, NULL);
	src->text = compose_template_reply(&src->id, src->orig,
	    kind == UI_OP_GROUP_REPLY ? COMPOSE_REPLY_ALL : 0,
	    (const char *const *)own->pdata, src->sig);
	g_ptr_array_free(own, TRUE);
	/* The list, and only the list. */
	if (list != NULL) {
		char *t2 = compose_set_header(src->text, "To", list);

		g_free(src->text);
		src->text = compose_set_header(t2, "Cc", "");
		g_free(t2);
	}
	return TRUE;
}

/*
 * A forward's text and attachments: the original whole (fwd 'a'), or
 * every message of more (;f). FALSE said.
 */
static gboolean
ui_compose_forward_text(struct ui *ui, struct ui_compose *c, GArray *more,
    int fwd, struct ui_compose_src *src)
{
	guint	i;

	src->text = compose_template_forward(&src->id, src->orig, fwd == 'a' ?
	    COMPOSE_FORWARD_ATTACH : COMPOSE_FORWARD_INLINE, src->sig);
	/* The original goes along whole, as message/rfc822. */
	if (fwd == 'a' && more == NULL)
		g_ptr_array_add(c->attachments, compose_attachment_new(
		    src->m->path, "forwarded-message.eml", "message/rfc822"));
	/* ;f: every tagged message, each whole. */
	for (i = 0; more != NULL && i < more->len; i++) {
		struct store_msg *fm = NULL;
		g_autofree char *name = NULL;

		if (store_msg_get(ui->store, g_array_index(more, int64_t, i),
		    &fm) != STORE_OK) {
			ui_error(ui, "%s", store_errmsg(ui->store));
			return FALSE;
		}
		name = g_strdup_printf("forwarded-message-%u.eml", i + 1);
		g_ptr_array_add(c->attachments, compose_attachment_new(
		    fm->path, name, "message/rfc822"));
		store_msg_free(fm);
	}
	if (more != NULL) {
		c->orig_id = -1;
		c->forwarded = g_array_copy(more);
	}
	return TRUE;
}

/*
 * The editor's first go at the text: written, edited, read back. FALSE
 * (said) when it failed or the message was left untouched.
 */
static gboolean
ui_compose_first_edit(struct ui *ui, struct ui_compose *c, const char *text)
{
	struct compose_fields	 given;
	g_autofree char		*after = NULL;
	size_t			 len;

	/* What the editor is given: a Bcc there was not typed now. */
	if (compose_parse(text, NULL, &given, NULL)) {
		c->given_bcc = g_steal_pointer(&given.bcc);
		compose_fields_clear(&given);
	}
	if (file_write_atomic(c->path, text, strlen(text), 0600) != 0) {
		ui_error(ui, _("Cannot write %s: %s"), c->path,
		    g_strerror(errno));
		return FALSE;
	}
	if (!ui_compose_edit(ui, c))
		return FALSE;
	after = file_read_all(c->path, &len);
	/* An untouched new message or reply is abandoned, as mutt does. */
	if (after == NULL || (c->draft_id < 0 && c->queue_id <= 0 &&
	    strcmp(after, text) == 0)) {
		ui_message(ui, "%s", _("Message not changed: cancelled."));
		return FALSE;
	}
	return TRUE;
}

/*
 * kind: mail, reply, group-reply, list-reply, forward (more: every
 * message to attach, when several are forwarded together) or recall (the
 * message orig_id opened as a new one); resume_id >= 0: the message of
 * outbox entry queue_id, edited to be queued anew.
 */
static void
ui_compose_begin(struct ui *ui, enum ui_op kind, int64_t orig_id,
    GArray *more, int64_t resume_id, int64_t queue_id)
{
	int64_t	*id, cur;
	guint64	 n;
	int	 fwd;

	if ((fwd = ui_compose_ask(ui, more)) == 0)
		return;
	if (kind == UI_OP_MAIL && ui_index_is(ui_top(ui)) &&
	    g_strcmp0(ui_index_folder(ui_top(ui)), STORE_DRAFTS) == 0) {
		/* In Drafts, mail offers to resume the draft there. */
		if ((cur = ui_current_msg(ui)) < 0) {
			ui_compose_open(ui, kind, orig_id, more, resume_id,
			    queue_id, fwd, -1);
			return;
		}
		id = g_new(int64_t, 3);
		id[0] = cur;
		id[1] = resume_id;
		id[2] = queue_id;
		ui_prompt_ask_yesno(ui, _("Resume this draft?"), TRUE,
		    ui_compose_resume_answered, id);
		return;
	}
	if (kind == UI_OP_MAIL && resume_id < 0 &&
	    (n = ui_compose_drafts(ui)) > 0) {
		ui_compose_offer_drafts(ui, n);
		return;
	}
	if (kind == UI_OP_FORWARD && more == NULL) {
		/* One message: inline or attached, asked; then on. */
		id = g_new(int64_t, 1);
		*id = orig_id;
		ui_prompt_ask_choice(ui, _("Forward inline or as an "
		    "attachment? (i/a, Enter: inline) "), "ia\n",
		    ui_compose_forward_chosen, id);
		return;
	}
	ui_compose_open(ui, kind, orig_id, more, resume_id, queue_id, fwd, -1);
}

/*
 * Resume the draft under the cursor? (data: its id, then the outbox's
 * resume and queue ids): the draft, or a new message.
 */
static void
ui_compose_resume_answered(struct ui *ui, char *line, int yes, void *data)
{
	int64_t	*id = data;

	(void)line;
	/* Cancelled as the session ends: nothing to compose. */
	if (!ui->quit && ui->signalled == 0)
		ui_compose_open(ui, UI_OP_MAIL, -1, NULL, id[1], id[2], 'i',
		    yes ? id[0] : -1);
	g_free(id);
}

/* The forward's form chosen (key, 0: cancelled) for message *data. */
static void
ui_compose_forward_chosen(struct ui *ui, char *line, int key, void *data)
{
	int64_t	orig_id = *(int64_t *)data;

	(void)line;
	g_free(data);
	if (key == 0)
		return;
	ui_compose_open(ui, UI_OP_FORWARD, orig_id, NULL, -1, 0,
	    key == '\n' ? 'i' : key, -1);
}

/*
 * The compose state made, its text from the message it answers, forwards
 * (fwd: 'i' inline, 'a' attached), recalls or resumes (draft >= 0: the
 * draft resumed); the editor run on it; the compose screen pushed.
 */
static void
ui_compose_open(struct ui *ui, enum ui_op kind, int64_t orig_id,
    GArray *more, int64_t resume_id, int64_t queue_id, int fwd, int64_t draft)
{
	struct ui_compose	*c;
	struct ui_compose_src	 src;
	struct ui_view		*v;
	gboolean		 ok;

	if ((c = ui_compose_alloc(ui, kind, orig_id)) == NULL)
		return;
	memset(&src, 0, sizeof src);
	if (!ui_compose_load(ui, c, kind, orig_id, &src))
		goto fail;
	if (draft >= 0 && !ui_compose_resume_draft(ui, c, &src, draft))
		goto fail;
	if (resume_id >= 0 &&
	    !ui_compose_resume_queued(ui, c, resume_id, queue_id, &src))
		goto fail;
	if (kind == UI_OP_RECALL && !ui_compose_recall_text(ui, c, &src))
		goto fail;
	/* A reply to encrypted mail is signed and encrypted by default. */
	if (src.orig != NULL && (kind == UI_OP_REPLY ||
	    kind == UI_OP_GROUP_REPLY || kind == UI_OP_LIST_REPLY) &&
	    (crypt_message_kinds(src.orig) & CRYPT_ENCRYPTED))
		c->crypt |= CRYPT_PROTECT_SIGN | CRYPT_PROTECT_ENCRYPT;
	if (src.text != NULL)
		ok = TRUE;
	else if (kind == UI_OP_REPLY || kind == UI_OP_GROUP_REPLY ||
	    kind == UI_OP_LIST_REPLY)
		ok = ui_compose_reply_text(ui, kind, &src);
	else if (kind == UI_OP_FORWARD)
		ok = ui_compose_forward_text(ui, c, more, fwd, &src);
	else {
		src.text = compose_template_new(&src.id, NULL, NULL, src.sig);
		ok = TRUE;
	}
	if (!ok || !ui_compose_first_edit(ui, c, src.text))
		goto fail;
	ui_compose_parse(c);
	v = ui_view_new(&ui_compose_ops, c);
	ui_list_init(&v->list, ui_compose_draw, v, FALSE);
	ui_push(ui, v);
	c = NULL;
fail:
	g_free(src.text);
	g_free(src.via);
	store_msg_free(src.m);
	if (src.orig != NULL)
		g_object_unref(src.orig);
	if (c != NULL)
		ui_compose_release(c);
}

/* Add a row; alert: drawn so that it stands out. */
static void
ui_compose_row(struct ui_compose *c, gboolean alert, char *text)
{
	g_ptr_array_add(c->rows, text);
	g_array_append_val(c->alerts, alert);
}

static void
ui_compose_recalc(struct ui *ui, struct ui_view *v)
{
	struct ui_compose		*c = v->data;
	struct compose_attachment	*a;
	const char			*bcc, *note;
	guint				 i, ntext;

	g_ptr_array_set_size(c->rows, 0);
	g_array_set_size(c->alerts, 0);
	if (!c->parsed) {
		ui_compose_row(c, TRUE, g_strdup_printf(_("Error: %s"),
		    c->error != NULL ? c->error : "?"));
		ui_compose_row(c, FALSE, g_strdup(_("Edit the message again "
		    "to fix it, or cancel.")));
	} else {
		g_autofree char *acct = ui->config->accounts->len > 1 ?
		    g_strdup_printf(_("  (account %s)"), c->account->name) :
		    g_strdup("");

		/* No name: the address alone, not " <address>". */
		if (c->from_name != NULL)
			ui_compose_row(c, FALSE, g_strdup_printf(
			    "%-9s %s <%s>%s", _("From:"), c->from_name,
			    c->from_addr, acct));
		else
			ui_compose_row(c, FALSE, g_strdup_printf("%-9s %s%s",
			    _("From:"), c->from_addr, acct));
		ui_compose_row(c, FALSE, g_strdup_printf("%-9s %s", _("To:"),
		    c->fields.to != NULL ? c->fields.to : ""));
		ui_compose_row(c, FALSE, g_strdup_printf("%-9s %s", _("Cc:"),
		    c->fields.cc != NULL ? c->fields.cc : ""));
		/* A blind copy always stands out; say if it was not typed. */
		bcc = c->fields.bcc != NULL ? c->fields.bcc : "";
		note = *bcc != '\0' && c->given_bcc != NULL ?
		    _(" (was in the text before you edited it)") : "";
		ui_compose_row(c, *bcc != '\0', g_strdup_printf("%-9s %s%s",
		    _("Bcc:"), bcc, note));
		ui_compose_row(c, FALSE, g_strdup_printf("%-9s %s",
		    _("Subject:"), c->fields.subject != NULL ?
		    c->fields.subject : ""));
		ui_compose_row(c, FALSE, g_strdup_printf("%-9s %s%s%s",
		    _("Security:"),
		    (c->crypt & CRYPT_PROTECT_SIGN) &&
		    (c->crypt & CRYPT_PROTECT_ENCRYPT) ?
		    _("sign and encrypt") : (c->crypt & CRYPT_PROTECT_SIGN) ?
		    _("sign") : (c->crypt & CRYPT_PROTECT_ENCRYPT) ?
		    _("encrypt") : _("none"),
		    !(c->crypt & CRYPT_PROTECT_ENCRYPT) && c->crypt_auto ?
		    _(", encrypt if every recipient has a key") : "",
		    (c->crypt & CRYPT_PROTECT_SMIME) ? " (S/MIME)" :
		    (c->crypt != 0 || c->crypt_auto) ? " (OpenPGP)" : ""));
		ntext = ui_compose_text_attachments(c);
		for (i = 0; c->fields.attachments != NULL &&
		    i < c->fields.attachments->len; i++) {
			a = g_ptr_array_index(c->fields.attachments, i);
			note = i < ntext && !ui_compose_chosen(c, a->path) &&
			    !g_hash_table_contains(c->confirmed, a->path) ?
			    _(" (named in the text: asked before sending)") :
			    "";
			ui_compose_row(c, TRUE, g_strdup_printf("%-9s %s%s",
			    _("Attach:"), a->path, note));
		}
	}
	ui_list_set_count(&v->list, c->rows->len);
}

static void
ui_compose_title(struct ui *ui, struct ui_view *v, GString *s)
{
	static const enum ui_op ops[] = {
		UI_OP_SEND, UI_OP_EDIT, UI_OP_EDIT_FROM, UI_OP_ATTACH_FILE,
		UI_OP_POSTPONE, UI_OP_CRYPT, UI_OP_QUIT,
	};
	static const char *names[] = {
		N_("send"), N_("edit"), N_("from"), N_("attach"), N_("draft"),
		N_("security"), N_("cancel"),
	};
	size_t	i;
	char	*k;

	(void)v;
	g_string_append(s, _("satchel: compose "));
	for (i = 0; i < G_N_ELEMENTS(ops); i++) {
		k = ui_keys_for(ui->keys, UI_CTX_COMPOSE, ops[i]);
		if (*k != '\0')
			g_string_append_printf(s, " %.*s:%s",
			    (int)strcspn(k, ","), k, _(names[i]));
		g_free(k);
	}
}

static void
ui_compose_draw(struct ui *ui, void *data, int y, guint64 row,
    gboolean current)
{
	struct ui_view		*v = data;
	struct ui_compose	*c = v->data;

	attr_t			 attr = g_array_index(c->alerts, gboolean,
				    row) ? ui->attrs[UI_A_ERROR] : A_NORMAL;

	ui_row_begin(ui, y, current, &attr);
	ui_term_text(y, 2, g_ptr_array_index(c->rows, row), COLS - 2, attr);
}

/*
 * ui_prompt_fn of q on the compose screen of view serial data: if yes,
 * the message is discarded and the screen closes.
 */
static void
ui_compose_discard_answered(struct ui *ui, char *line, int yes, void *data)
{
	struct ui_view		*v = ui_view_find(ui, GPOINTER_TO_UINT(data));
	struct ui_compose	*c;

	(void)line;
	if (!yes || v == NULL || ui_top(ui) != v)
		return;
	c = v->data;
	ui_message(ui, "%s", c->queue_id > 0 ? _("Message discarded: "
	    "the queued one stays held (u in the outbox releases it).") :
	    _("Message discarded."));
	ui_pop(ui);
}

/*
 * The file typed (path, NULL: cancelled) on the compose screen of view
 * serial data: attached.
 */
static void
ui_compose_attach_answered(struct ui *ui, char *path, int key, void *data)
{
	struct ui_view		*v = ui_view_find(ui, GPOINTER_TO_UINT(data));
	struct ui_compose	*c;
	char			*file;

	(void)key;
	if (v == NULL || path == NULL || *g_strstrip(path) == '\0') {
		g_free(path);
		return;
	}
	c = v->data;
	file = path_expand(path);
	g_free(path);
	if (!g_file_test(file, G_FILE_TEST_IS_REGULAR))
		ui_error(ui, _("Not a file: %s"), file);
	else {
		/* The user chose this file, and so its folder. */
		g_ptr_array_add(c->chosen, g_path_get_dirname(file));
		g_ptr_array_add(c->attachments,
		    compose_attachment_new(file, NULL, NULL));
		ui_compose_parse(c);
		ui_compose_recalc(ui, v);
	}
	g_free(file);
}

static gboolean
ui_compose_op(struct ui *ui, struct ui_view *v, enum ui_op op)
{
	struct ui_compose	*c = v->data;
	GMimeMessage		*msg;
	GError			*err = NULL;
	enum outbox_status	 os;

	if (ui_list_move(&v->list, op))
		return TRUE;
	switch (op) {
	case UI_OP_QUIT:
		ui_prompt_ask_yesno(ui, _("Discard this message?"), FALSE,
		    ui_compose_discard_answered, GUINT_TO_POINTER(v->serial));
		return TRUE;
	case UI_OP_SELECT:
	case UI_OP_EDIT:
		ui_compose_edit(ui, c);
		ui_compose_parse(c);
		ui_compose_recalc(ui, v);
		return TRUE;
	case UI_OP_EDIT_FROM:
		ui_compose_edit_from(ui, v);
		return TRUE;
	case UI_OP_ATTACH_FILE:
		ui_prompt_ask(ui, _("Attach file: "), NULL, UI_PROMPT_FILE,
		    FALSE, ui_compose_attach_answered,
		    GUINT_TO_POINTER(v->serial));
		return TRUE;
	case UI_OP_EDIT_TO:
	case UI_OP_EDIT_CC:
	case UI_OP_EDIT_BCC:
		ui_compose_edit_addrs(ui, v, op);
		return TRUE;
	case UI_OP_CRYPT:
		ui_compose_crypt_choose(ui, v);
		return TRUE;
	case UI_OP_SEND:
		if ((msg = ui_compose_build(ui, c)) == NULL) {
			ui_compose_recalc(ui, v);
			return TRUE;
		}
		/* What is queued is final: signed and encrypted now. */
		if (!ui_compose_protect(ui, c, msg)) {
			g_object_unref(msg);
			ui_compose_recalc(ui, v);
			return TRUE;
		}
		os = outbox_queue(ui->store, c->account, msg,
		    c->draft_id > 0 ? c->draft_id : 0, NULL, &err);
		g_object_unref(msg);
		if (os != OUTBOX_OK) {
			ui_error(ui, _("Not queued: %s"), err != NULL ?
			    err->message : outbox_strerror(os));
			g_clear_error(&err);
			return TRUE;
		}
		ui_compose_done(ui, c);
		ui_compose_unqueue(ui, c);
		ui_pop(ui);
		ui_message(ui, "%s", _("Queued for sending."));
		ui_jobs_send(ui);
		return TRUE;
	case UI_OP_POSTPONE:
		if ((msg = ui_compose_build(ui, c)) == NULL) {
			ui_compose_recalc(ui, v);
			return TRUE;
		}
		os = outbox_draft_save(ui->store, msg,
		    c->draft_id > 0 ? c->draft_id : 0, NULL, &err);
		g_object_unref(msg);
		if (os != OUTBOX_OK) {
			ui_error(ui, _("Not saved: %s"), err != NULL ?
			    err->message : outbox_strerror(os));
			g_clear_error(&err);
			return TRUE;
		}
		ui_compose_unqueue(ui, c);
		ui_pop(ui);
		ui_message(ui, "%s", _("Saved in Drafts."));
		return TRUE;
	default:
		return FALSE;
	}
}

/* The security menu: how the message is protected, one key of five. */
static void
ui_compose_crypt_choose(struct ui *ui, struct ui_view *v)
{
	ui_prompt_ask_choice(ui, _("Security: (s)ign, (e)ncrypt, (b)oth, "
	    "(n)one, (m) switch OpenPGP/S-MIME? "), "sebnm",
	    ui_compose_crypt_chosen, GUINT_TO_POINTER(v->serial));
}

/* The protection chosen (ch, 0: cancelled) on compose screen data. */
static void
ui_compose_crypt_chosen(struct ui *ui, char *line, int ch, void *data)
{
	struct ui_view		*v = ui_view_find(ui, GPOINTER_TO_UINT(data));
	struct ui_compose	*c;

	(void)line;
	if (v == NULL)
		return;
	c = v->data;
	switch (ch) {
	case 's':
		c->crypt = (c->crypt & CRYPT_PROTECT_SMIME) |
		    CRYPT_PROTECT_SIGN;
		break;
	case 'e':
		c->crypt = (c->crypt & CRYPT_PROTECT_SMIME) |
		    CRYPT_PROTECT_ENCRYPT;
		break;
	case 'b':
		c->crypt |= CRYPT_PROTECT_SIGN | CRYPT_PROTECT_ENCRYPT;
		break;
	case 'n':
		c->crypt &= CRYPT_PROTECT_SMIME;
		c->crypt_auto = FALSE;
		break;
	case 'm':
		c->crypt ^= CRYPT_PROTECT_SMIME;
		break;
	default:
		break;
	}
	ui_compose_recalc(ui, v);
}

/*
 * Sign and/or encrypt msg as asked, with curses out of the way for
 * gpg-agent's pinentry. When encryption was asked for and a recipient
 * has no usable key the message is not sent in clear: the user is told
 * and decides. FALSE: do not queue (the screen stays).
 */
static gboolean
ui_compose_protect(struct ui *ui, struct ui_compose *c, GMimeMessage *msg)
{
	GError			*err = NULL;
	char			**missing = NULL;
	unsigned		 flags = c->crypt;
	enum crypt_status	 cs;
	gboolean		 ok = FALSE;

	if (!(flags & CRYPT_PROTECT_ENCRYPT) && c->crypt_auto) {
		/* Encrypt if possible: only when every key is there. */
		GPtrArray *rcpts = compose_recipients(msg);
		char **lack;

		g_ptr_array_add(rcpts, NULL);
		lack = crypt_missing_keys((const char *const *)rcpts->pdata,
		    (flags & CRYPT_PROTECT_SMIME) != 0, FALSE);
		if (lack[0] == NULL)
			flags |= CRYPT_PROTECT_ENCRYPT;
		g_strfreev(lack);
		g_ptr_array_unref(rcpts);
	}
	if (!(flags & (CRYPT_PROTECT_SIGN | CRYPT_PROTECT_ENCRYPT)))
		return TRUE;
	ui_screen_suspend(ui);
	printf("%s\n", _("Signing/encrypting (gpg-agent may ask for your "
	    "passphrase)..."));
	fflush(stdout);
	cs = crypt_message_protect(msg, flags, &missing, &err);
	ui_screen_resume(ui);
	if (cs == CRYPT_OK)
		return TRUE;
	if (cs == CRYPT_ERR_NO_KEY && missing != NULL && missing[0] != NULL) {
		g_autofree char *list = g_strjoinv(", ", missing);
		g_autofree char *safe = sanitize_text(list, -1, 0);
		g_autofree char *q = NULL;

		if (!(flags & CRYPT_PROTECT_ENCRYPT)) {
			ui_error(ui, _("Not sent: no secret key to sign as %s."),
			    safe);
			goto out;
		}
		q = g_strdup_printf(_("No usable key for %s: send it NOT "
		    "encrypted? (the message stays here if you say no)"),
		    safe);
		if (!ui_prompt_yesno(ui, q, FALSE)) {
			ui_error(ui, _("Not sent: no key for %s. Import one, "
			    "remove the recipient, or choose (p) no "
			    "encryption."), safe);
			goto out;
		}
		/* The user chose clear text; a signature still goes on. */
		flags &= ~CRYPT_PROTECT_ENCRYPT;
		if (!(flags & CRYPT_PROTECT_SIGN)) {
			ok = TRUE;
			goto out;
		}
		g_clear_error(&err);
		g_strfreev(missing);
		missing = NULL;
		ui_screen_suspend(ui);
		cs = crypt_message_protect(msg, flags, &missing, &err);
		ui_screen_resume(ui);
		if (cs == CRYPT_OK) {
			ok = TRUE;
			goto out;
		}
	}
	ui_error(ui, _("Not sent: %s"), err != NULL ? err->message :
	    _(crypt_strerror(cs)));
out:
	g_clear_error(&err);
	g_strfreev(missing);
	return ok;
}

/* Messages a crash left "sending": the user decides, once per start. */
void
ui_compose_stuck(struct ui *ui)
{
	struct outbox_entry	*e;
	GPtrArray		*list = NULL;
	GError			*err = NULL;
	char			*q, *to;
	guint			 i;
	int			 c;

	if (outbox_list(ui->store, 0, &list, &err) != OUTBOX_OK) {
		g_clear_error(&err);
		return;
	}
	for (i = 0; i < list->len; i++) {
		e = g_ptr_array_index(list, i);
		if (!e->maybe_sent)
			continue;
		to = e->row.recipients != NULL && e->row.recipients->len > 0 ?
		    g_ptr_array_index(e->row.recipients, 0) : "";
		q = g_strdup_printf(_("\"%s\" to %s may have been sent before "
		    "a crash. (r)esend, (m)ark sent, (l)eave for later?"),
		    e->row.subject != NULL ? e->row.subject : "", to);
		c = ui_prompt_choice(ui, q, "rml");
		g_free(q);
		if (c == 'r')
			outbox_resend(ui->store, e->row.id, &err);
		else if (c == 'm')
			outbox_mark_sent(ui->store, e->row.id, &err);
		if (err != NULL) {
			ui_error(ui, "%s", err->message);
			g_clear_error(&err);
		}
	}
	g_ptr_array_unref(list);
	ui_refresh_counts(ui);
}
