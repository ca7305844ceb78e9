/*
 * ui-attach.c: a message's parts and attachments. Enter opens one with its
 * mailcap viewer (an argv, never a shell; curses is left and restored
 * around it), s saves one to a file the user names: the name is
 * sanitised so it cannot leave the directory, and an existing file is
 * replaced only when the user says so.
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "mime/mime.h"
#include "mime/render.h"
#include "store/store.h"
#include "mime/crypt.h"
#include "ui/ui-view.h"

struct ui_attach {
	int64_t		 id;
	GMimeMessage	*mime;
	struct crypt_state *crypt;	/* decrypted parts, in memory */
	struct render_part_list *parts;
};

static void	 ui_attach_free(struct ui_view *);
static void	 ui_attach_recalc(struct ui *, struct ui_view *);
static void	 ui_attach_title(struct ui *, struct ui_view *, GString *);
static int64_t	 ui_attach_current(struct ui *, struct ui_view *);
static gboolean	 ui_attach_op(struct ui *, struct ui_view *, enum ui_op);
static void	 ui_attach_draw(struct ui *, void *, int, guint64, gboolean);
struct ui_attach_asked;
static void	 ui_attach_save(struct ui *, struct ui_view *, guint64);
static void	 ui_attach_save_answered(struct ui *, char *, int, void *);
static void	 ui_attach_save_over(struct ui *, char *, int, void *);
static gboolean	 ui_attach_save_part(struct ui *, struct ui_attach *,
		    const struct render_part *, struct ui_attach_asked *,
		    unsigned);
static void	 ui_attach_open(struct ui *, struct ui_attach *,
		    const struct render_part *);
static char	*ui_attach_default_dir(void);

static const struct ui_view_ops ui_attach_ops = {
	.name = "attachments",
	.ctx = UI_CTX_ATTACH,
	.recalc = ui_attach_recalc,
	.title = ui_attach_title,
	.current_msg = ui_attach_current,
	.op = ui_attach_op,
	.free = ui_attach_free,
};

/* Where saves go unless the user types another place. */
static char *
ui_attach_default_dir(void)
{
	const char	*d;

	d = g_get_user_special_dir(G_USER_DIRECTORY_DOWNLOAD);
	if (d != NULL && g_file_test(d, G_FILE_TEST_IS_DIR))
		return g_strdup(d);
	return g_strdup(g_get_home_dir());
}

struct ui_view *
ui_attach_new(struct ui *ui, int64_t id)
{
	struct ui_attach	*av;
	struct ui_view		*v;
	struct store_msg	*m = NULL;
	gboolean		 raw;

	if (store_msg_get(ui->store, id, &m) != STORE_OK) {
		ui_error(ui, "%s", store_errmsg(ui->store));
		return NULL;
	}
	av = g_new0(struct ui_attach, 1);
	av->id = id;
	av->mime = mime_message_from_file_raw(m->path, &raw);
	if (av->mime == NULL) {
		ui_error(ui, _("Cannot read the message file %s."), m->path);
		store_msg_free(m);
		g_free(av);
		return NULL;
	}
	store_msg_free(m);
	/* Parts inside encrypted ones are listed too, numbered after. */
	av->crypt = ui_pager_crypt_state(ui, av->mime);
	av->parts = render_part_list_crypt(av->mime, av->crypt);
	v = ui_view_new(&ui_attach_ops, av);
	ui_list_init(&v->list, ui_attach_draw, v, FALSE);
	ui_list_set_count(&v->list, av->parts != NULL ? av->parts->nparts : 0);
	return v;
}

static void
ui_attach_free(struct ui_view *v)
{
	struct ui_attach	*av = v->data;

	render_part_list_free(av->parts);
	crypt_state_free(av->crypt);
	if (av->mime != NULL)
		g_object_unref(av->mime);
	g_free(av);
}

static void
ui_attach_recalc(struct ui *ui, struct ui_view *v)
{
	struct ui_attach	*av = v->data;

	(void)ui;
	ui_list_set_count(&v->list, av->parts != NULL ? av->parts->nparts : 0);
}

static void
ui_attach_title(struct ui *ui, struct ui_view *v, GString *s)
{
	struct ui_attach	*av = v->data;
	char			*save, *open;

	save = ui_keys_for(ui->keys, UI_CTX_ATTACH, UI_OP_SAVE_ATTACHMENT);
	open = ui_keys_for(ui->keys, UI_CTX_ATTACH, UI_OP_SELECT);
	g_string_append_printf(s, _("satchel: attachments (%zu)  %s:save  "
	    "%s:open"), av->parts != NULL ? av->parts->nparts : (size_t)0,
	    save, open);
	g_free(save);
	g_free(open);
}

static int64_t
ui_attach_current(struct ui *ui, struct ui_view *v)
{
	(void)ui;
	return ((struct ui_attach *)v->data)->id;
}

static void
ui_attach_draw(struct ui *ui, void *data, int y, guint64 row, gboolean current)
{
	struct ui_view		*v = data;
	struct ui_attach	*av = v->data;
	const struct render_part *p = &av->parts->parts[row];
	GString			*s;
	char			*size;
	attr_t			 attr = A_NORMAL;

	ui_row_begin(ui, y, current, &attr);
	s = g_string_new(NULL);
	g_string_append_printf(s, "%3u ", p->number);
	g_string_append_printf(s, "%*s", (int)MIN(p->depth, 8) * 2, "");
	g_string_append_printf(s, "[%s", p->content_type != NULL ?
	    p->content_type : "?");
	size = g_format_size(p->size);
	g_string_append_printf(s, ", %s] ", size);
	g_free(size);
	if (p->filename != NULL)
		g_string_append(s, p->filename);
	if (p->is_attachment)
		g_string_append(s, _(" (attachment)"));
	if (p->is_protected)
		g_string_append(s, _(" (decrypted)"));
	ui_term_text(y, 2, s->str, COLS - 2, attr);
	g_string_free(s, TRUE);
}

/* A save asked: the parts view (serial), the part's row, where to. */
struct ui_attach_asked {
	guint		 view;
	guint64		 row;
	char		*dir;
	char		*name;		/* NULL: the part's own */
};

static void
ui_attach_asked_free(struct ui_attach_asked *a)
{
	g_free(a->dir);
	g_free(a->name);
	g_free(a);
}

/*
 * The part a is for, if its view is still up; NULL (a freed) if not.
 * *avp: the view's data.
 */
static const struct render_part *
ui_attach_asked_part(struct ui *ui, struct ui_attach_asked *a,
    struct ui_attach **avp)
{
	struct ui_view		*v = ui_view_find(ui, a->view);
	struct ui_attach	*av;

	if (v == NULL || (av = v->data)->parts == NULL ||
	    a->row >= av->parts->nparts) {
		ui_attach_asked_free(a);
		return NULL;
	}
	*avp = av;
	return &av->parts->parts[a->row];
}

/* s: save the part at row of view v, asking where. */
static void
ui_attach_save(struct ui *ui, struct ui_view *v, guint64 row)
{
	struct ui_attach	*av = v->data;
	const struct render_part *p = &av->parts->parts[row];
	struct ui_attach_asked	*a;
	char			*dir, *def;

	dir = ui_attach_default_dir();
	def = g_build_filename(dir, p->filename != NULL ? p->filename :
	    "attachment", NULL);
	a = g_new0(struct ui_attach_asked, 1);
	a->view = v->serial;
	a->row = row;
	ui_prompt_ask(ui, _("Save to: "), def, UI_PROMPT_FILE, FALSE,
	    ui_attach_save_answered, a);
	g_free(def);
	g_free(dir);
}

/*
 * Where to (answer, NULL: cancelled): a directory (the part's own name)
 * or a file; saved, or asked whether to overwrite what is there.
 */
static void
ui_attach_save_answered(struct ui *ui, char *answer, int key, void *data)
{
	struct ui_attach_asked	*a = data;
	struct ui_attach	*av;
	const struct render_part *p;
	char			*path, *q;

	(void)key;
	if (answer == NULL || *g_strstrip(answer) == '\0') {
		g_free(answer);
		ui_attach_asked_free(a);
		return;
	}
	if ((p = ui_attach_asked_part(ui, a, &av)) == NULL) {
		g_free(answer);
		return;
	}
	path = path_expand(answer);
	g_free(answer);
	if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
		/* A directory: keep the part's own (sanitised) name. */
		a->dir = g_strdup(path);
		a->name = NULL;
	} else {
		a->dir = g_path_get_dirname(path);
		a->name = g_path_get_basename(path);
	}
	g_free(path);
	if (!g_file_test(a->dir, G_FILE_TEST_IS_DIR)) {
		ui_error(ui, _("No such directory: %s"), a->dir);
		ui_attach_asked_free(a);
		return;
	}
	if (ui_attach_save_part(ui, av, p, a, 0)) {
		q = g_strdup_printf(_("%s exists. Overwrite?"),
		    a->name != NULL ? a->name : p->filename != NULL ?
		    p->filename : "attachment");
		ui_prompt_ask_yesno(ui, q, FALSE, ui_attach_save_over, a);
		g_free(q);
	} else
		ui_attach_asked_free(a);
}

/* ui_prompt_fn of the overwrite question: saved over it if yes. */
static void
ui_attach_save_over(struct ui *ui, char *line, int yes, void *data)
{
	struct ui_attach_asked	*a = data;
	struct ui_attach	*av;
	const struct render_part *p;

	(void)line;
	if (!yes) {
		ui_message(ui, "%s", _("Not saved."));
		ui_attach_asked_free(a);
	} else if ((p = ui_attach_asked_part(ui, a, &av)) != NULL) {
		(void)ui_attach_save_part(ui, av, p, a, RENDER_SAVE_OVERWRITE);
		ui_attach_asked_free(a);
	}
}

/*
 * Save part p of av where a says (flags: render_part_save's), and say
 * how it went. TRUE: not saved, the file exists (nothing said).
 */
static gboolean
ui_attach_save_part(struct ui *ui, struct ui_attach *av,
    const struct render_part *p, struct ui_attach_asked *a, unsigned flags)
{
	enum render_status	 rs;
	GError			*err = NULL;
	char			*saved = NULL;

	rs = render_part_save_crypt(av->mime, av->crypt, p->number, a->dir,
	    a->name, flags, &saved, &err);
	if (rs == RENDER_ERR_EXISTS && flags == 0) {
		g_clear_error(&err);
		return TRUE;
	}
	if (rs != RENDER_OK)
		ui_error(ui, _("Cannot save: %s"), err != NULL ? err->message :
		    _(render_strerror(rs)));
	else
		ui_message(ui, _("Saved to %s."), saved);
	g_clear_error(&err);
	g_free(saved);
	return FALSE;
}

static gboolean
ui_attach_is_text(const struct render_part *p)
{
	return p->content_type != NULL && !p->is_message &&
	    g_str_has_prefix(p->content_type, "text/");
}

/* A text part in the reader itself: decoded, wrapped, sanitised. */
static void
ui_attach_text(struct ui *ui, struct ui_attach *av,
    const struct render_part *p)
{
	struct render_options	 opts;
	struct render_text	*text;
	GPtrArray		*items;
	char			*title;
	size_t			 i;

	memset(&opts, 0, sizeof opts);
	opts.width = (size_t)(COLS > 2 ? COLS - 1 : 1);
	opts.envp = ui->child_env;
	text = render_part_text(av->mime, av->crypt, p->number, &opts);
	if (text == NULL) {
		ui_error(ui, "%s", _(render_strerror(RENDER_ERR_NO_PART)));
		return;
	}
	items = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; i < text->nlines; i++)
		g_ptr_array_add(items, g_strdup(text->lines[i].text));
	title = g_strdup_printf(_("satchel: part %u (%s)"), p->number,
	    p->content_type);
	ui_push(ui, ui_lines_new(ui, title, items, UI_CTX_HELP));
	g_free(title);
	g_ptr_array_unref(items);
	render_text_free(text);
}

static void
ui_attach_open(struct ui *ui, struct ui_attach *av,
    const struct render_part *p)
{
	struct render_view	*rv = NULL;
	enum render_status	 rs;
	GSubprocessLauncher	*l = NULL;
	GSubprocess		*proc = NULL;
	GError			*err = NULL;
	char			*out = NULL;

	/* A viewer reads a file: decrypted content never goes to one. */
	if (p->is_protected && !ui_attach_is_text(p)) {
		ui_error(ui, "%s", _("A decrypted part is not written to a "
		    "temporary file for a viewer; save it (s) where you "
		    "choose."));
		goto out;
	}
	/*
	 * Text is read here, as mutt does, without mailcap; HTML goes to
	 * its viewer when one is configured.
	 */
	if (ui_attach_is_text(p) && (p->content_type == NULL ||
	    strcmp(p->content_type, "text/html") != 0)) {
		ui_attach_text(ui, av, p);
		goto out;
	}
	rs = render_part_view(av->mime, p->number, NULL, &rv, &err);
	if (rs == RENDER_ERR_NO_MAILCAP && ui_attach_is_text(p)) {
		g_clear_error(&err);
		ui_attach_text(ui, av, p);
		goto out;
	}
	if (rs != RENDER_OK) {
		ui_error(ui, "%s", err != NULL ? err->message :
		    _(render_strerror(rs)));
		goto out;
	}
	if (rv->copious_output) {
		/* Text output: show it as lines (sanitised there). */
		l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
		    G_SUBPROCESS_FLAGS_STDERR_SILENCE);
		if (ui->child_env != NULL)
			g_subprocess_launcher_set_environ(l, ui->child_env);
		if (rv->stdin_path != NULL)
			g_subprocess_launcher_set_stdin_file_path(l,
			    rv->stdin_path);
		proc = g_subprocess_launcher_spawnv(l,
		    (const char * const *)rv->argv, &err);
		if (proc == NULL || !g_subprocess_communicate_utf8(proc, NULL,
		    NULL, &out, NULL, &err)) {
			ui_error(ui, "%s", err != NULL ? err->message : "");
			goto out;
		}
		{
			g_auto(GStrv) lines = g_strsplit(out != NULL ? out : "",
			    "\n", 100000);
			GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
			guint i;
			for (i = 0; lines[i] != NULL; i++)
				g_ptr_array_add(items, g_strdup(lines[i]));
			ui_push(ui, ui_lines_new(ui, rv->argv[0], items,
			    UI_CTX_HELP));
			g_ptr_array_unref(items);
		}
		goto out;
	}
	/* A viewer owns the terminal while it runs. */
	l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
	/* Borrowed: what the viewer keeps goes with the session. */
	if (ui->child_env != NULL)
		g_subprocess_launcher_set_environ(l, ui->child_env);
	if (rv->stdin_path != NULL)
		g_subprocess_launcher_set_stdin_file_path(l, rv->stdin_path);
	ui_screen_suspend(ui);
	proc = g_subprocess_launcher_spawnv(l, (const char * const *)rv->argv,
	    &err);
	if (proc != NULL)
		g_subprocess_wait(proc, NULL, &err);
	ui_screen_resume(ui);
	if (err != NULL)
		ui_error(ui, "%s", err->message);
	else if (proc != NULL && g_subprocess_get_if_exited(proc) &&
	    g_subprocess_get_exit_status(proc) != 0)
		ui_error(ui, _("The viewer exited with status %d."),
		    g_subprocess_get_exit_status(proc));
out:
	g_clear_error(&err);
	g_free(out);
	if (proc != NULL)
		g_object_unref(proc);
	if (l != NULL)
		g_object_unref(l);
	render_view_free(rv);
}

static gboolean
ui_attach_op(struct ui *ui, struct ui_view *v, enum ui_op op)
{
	struct ui_attach	*av = v->data;
	const struct render_part *p;

	if (ui_list_move(&v->list, op))
		return TRUE;
	if (op != UI_OP_SELECT && op != UI_OP_SAVE_ATTACHMENT)
		return FALSE;
	if (v->list.count == 0)
		return TRUE;
	p = &av->parts->parts[v->list.cursor];
	if (op == UI_OP_SELECT)
		ui_attach_open(ui, av, p);
	else
		ui_attach_save(ui, v, v->list.cursor);
	return TRUE;
}
