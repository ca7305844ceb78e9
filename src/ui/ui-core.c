/*
 * ui-core.c: the core of the reader (ui-core.h): the stack of views and
 * what is told to them, the message line, the title and status bars, the
 * one event loop (keys, background events, timers, standard error) and
 * the end of a session (quitting, a signal).
 *
 * Screen layout: row 0 the title bar of the top view, the view's rows,
 * then the status bar (network, queue, new mail) and the message line.
 */
#include "satchel-config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "config/config.h"
#include "store/store.h"
#include "pop3/pop3.h"
#include "smtp/outbox.h"
#include "session/session.h"
#include "ui/ui-core.h"

static void	ui_key(struct ui *, int key);
static void	ui_poll_events(struct ui *);
static void	ui_draw_status(struct ui *);
static void	ui_draw_title(struct ui *);
static void	ui_draw_message(struct ui *);
static void	ui_recalc_all(struct ui *);
static void	ui_format_bytes(GString *, guint64);
static guint	ui_unsent(struct ui *);
static gboolean	ui_quit_ok(struct ui *);
static gboolean	ui_quit_sent_ok(struct ui *);
static char	*ui_purge_question(struct ui *, const char *, GPtrArray **);
static void	ui_purge_msgs(struct ui *, GPtrArray *);
static void	ui_purge_answered(struct ui *, char *, int, void *);

/* Borrowed mode: how long quitting waits for the queue to go out. */
#define UI_QUIT_SEND_WAIT	(20 * G_USEC_PER_SEC)
/* And how long a signal leaves for one attempt. */
#define UI_SIGNAL_SEND_WAIT	(10 * G_USEC_PER_SEC)

struct ui_view *
ui_view_new(const struct ui_view_ops *ops, void *data)
{
	static guint	 serial;
	struct ui_view	*v;

	v = g_new0(struct ui_view, 1);
	v->ops = ops;
	v->data = data;
	v->serial = ++serial;
	return v;
}

struct ui_view *
ui_view_find(struct ui *ui, guint serial)
{
	struct ui_view	*v;
	guint		 i;

	for (i = 0; i < ui->views->len; i++) {
		v = g_ptr_array_index(ui->views, i);
		if (v->serial == serial)
			return v;
	}
	return NULL;
}

void
ui_view_free(struct ui_view *v)
{
	if (v == NULL)
		return;
	if (v->ops->free != NULL)
		v->ops->free(v);
	g_free(v);
}

struct ui_view *
ui_top(struct ui *ui)
{
	return g_ptr_array_index(ui->views, ui->views->len - 1);
}

struct ui_view *
ui_view_below(struct ui *ui, struct ui_view *v)
{
	guint	i;

	for (i = ui->views->len; i > 1; i--)
		if (g_ptr_array_index(ui->views, i - 1) == v)
			return g_ptr_array_index(ui->views, i - 2);
	return NULL;
}

void
ui_views_changed(struct ui *ui, const struct ui_change *ch)
{
	struct ui_view	*v;
	guint		 i;

	for (i = ui->views->len; i > 0; i--) {
		v = g_ptr_array_index(ui->views, i - 1);
		if (v->ops->changed != NULL)
			v->ops->changed(ui, v, ch);
	}
}

gboolean
ui_view_steps(struct ui_view *v)
{
	return v != NULL && v->ops->step != NULL;
}

int64_t
ui_view_step(struct ui *ui, struct ui_view *v, int dir, gboolean thread)
{
	if (!ui_view_steps(v))
		return -1;
	return v->ops->step(ui, v, dir, thread);
}

int64_t
ui_view_current(struct ui *ui, struct ui_view *v)
{
	if (v == NULL || v->ops->current_msg == NULL)
		return -1;
	return v->ops->current_msg(ui, v);
}

gboolean
ui_view_list_info(struct ui_view *v, const char **folder, guint64 *total,
    const char **query)
{
	if (v == NULL || v->ops->list_info == NULL)
		return FALSE;
	*total = v->ops->list_info(v, folder, query);
	return TRUE;
}

void
ui_push(struct ui *ui, struct ui_view *v)
{
	int	y0, rows;

	if (v == NULL)
		return;
	g_ptr_array_add(ui->views, v);
	ui_body_size(&y0, &rows);
	ui_list_resize(&v->list, y0, rows);
	if (v->ops->recalc != NULL)
		v->ops->recalc(ui, v);
	ui->dirty = TRUE;
}

void
ui_pop(struct ui *ui)
{
	struct ui_view	*v, *top;

	if (ui->views->len <= 1)
		return;
	v = g_ptr_array_steal_index(ui->views, ui->views->len - 1);
	ui_view_free(v);
	/* What the popped view changed (flags, seen) shows below. */
	top = ui_top(ui);
	if (top->ops->recalc != NULL)
		top->ops->recalc(ui, top);
	ui->dirty = TRUE;
}

void
ui_body_size(int *y0, int *rows)
{
	*y0 = 1;
	*rows = LINES - 3;
	if (*rows < 1)
		*rows = 1;
}

int64_t
ui_current_msg(struct ui *ui)
{
	struct ui_view	*top = ui_top(ui);

	if (top->ops->current_msg == NULL)
		return -1;
	return top->ops->current_msg(ui, top);
}

static void
ui_set_message(struct ui *ui, gboolean error, const char *fmt, va_list ap)
{
	char	*text;

	text = g_strdup_vprintf(fmt, ap);
	g_free(ui->message);
	/* Messages may quote mail or server text. */
	ui->message = sanitize_text(text, -1, 0);
	ui->message_error = error;
	g_free(text);
	ui->dirty = TRUE;
}

void
ui_message(struct ui *ui, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	ui_set_message(ui, FALSE, fmt, ap);
	va_end(ap);
}

void
ui_error(struct ui *ui, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	ui_set_message(ui, TRUE, fmt, ap);
	va_end(ap);
	if (ui->screen != NULL)
		beep();
}

void
ui_redraw(struct ui *ui)
{
	ui->dirty = TRUE;
}

static void
ui_recalc_all(struct ui *ui)
{
	struct ui_view	*v;
	int		 y0, rows;
	guint		 i;

	ui_body_size(&y0, &rows);
	for (i = 0; i < ui->views->len; i++) {
		v = g_ptr_array_index(ui->views, i);
		ui_list_resize(&v->list, y0, rows);
		/* Only the top view is recomputed now; others when shown. */
		if (i == ui->views->len - 1 && v->ops->recalc != NULL)
			v->ops->recalc(ui, v);
	}
	ui->recalc = FALSE;
	ui->dirty = TRUE;
}

static void
ui_format_bytes(GString *s, guint64 n)
{
	char	*t = g_format_size(n);

	g_string_append(s, t);
	g_free(t);
}

static void
ui_draw_title(struct ui *ui)
{
	struct ui_view	*top = ui_top(ui);
	GString		*s;
	char		*safe;

	s = g_string_new(NULL);
	if (top->ops->title != NULL)
		top->ops->title(ui, top, s);
	g_string_append(s, "  ");
	{
		char *k = ui_keys_for(ui->keys, top->ops->ctx, UI_OP_HELP);
		if (*k != '\0') {
			/* "?:Help" keeps the way to the key list visible. */
			char *first = g_strndup(k, strcspn(k, ","));
			g_string_append_printf(s, "%s:%s", first, _("Help"));
			g_free(first);
		}
		g_free(k);
	}
	safe = sanitize_text(s->str, -1, 0);
	ui_term_bar(0, safe, ui->attrs[UI_A_BAR]);
	g_free(safe);
	g_string_free(s, TRUE);
}

/* status_format's expandos (ui-format.c lists them). */
static gboolean
ui_status_expando(char code, const char *arg, GString *val,
    struct ui_format_ctx *fc)
{
	struct ui	*ui = fc->data;
	struct ui_view	*ix = NULL;
	const char	*folder = NULL, *query = NULL;
	guint		 i;
	guint64		 total = 0;

	(void)arg;
	/* The message list under the top of the stack (a search is one too). */
	for (i = ui->views->len; i > 0; i--)
		if (ui_view_list_info(g_ptr_array_index(ui->views, i - 1),
		    &folder, &total, &query)) {
			ix = g_ptr_array_index(ui->views, i - 1);
			break;
		}
	switch (code) {
	case 'f':
		if (ix != NULL)
			g_string_append(val, folder != NULL ? folder :
			    _("search"));
		return TRUE;
	case 'm':
		g_string_append_printf(val, "%" PRIu64, total);
		return TRUE;
	case 'l':
		if (query != NULL)
			g_string_append(val, query);
		return TRUE;
	case 'o':
		g_string_append(val, !ui->online_known ? _("[offline?]") :
		    ui->online ? _("[online]") : _("[offline]"));
		return TRUE;
	case 'n':
		g_string_append_printf(val, "%" PRIu64, ui->new_mail);
		return TRUE;
	case 'q':
		g_string_append_printf(val, "%" PRIu64, ui->queue_count);
		return TRUE;
	case 'w':
		if (ui->queue_count > 0 && ui->queue_waits != NULL)
			g_string_append(val, ui->queue_waits);
		return TRUE;
	case 'e':
		if (ui->send_error != NULL)
			g_string_append(val, ui->send_error);
		return TRUE;
	case 'p':
		if (ui->fetching) {
			g_string_append_printf(val, _("Fetching %" PRIu64 "/%"
			    PRIu64), ui->fetch_msgs, ui->fetch_msgs_total);
			g_string_append(val, " (");
			ui_format_bytes(val, ui->fetch_bytes);
			g_string_append(val, ")");
		}
		return TRUE;
	case 'S':
		if (ui->sending)
			g_string_append(val, _("Sending"));
		return TRUE;
	case 'r':
		if (ix != NULL && ix->read_only)
			g_string_append(val, _("(read-only)"));
		return TRUE;
	case 'v':
		g_string_append(val, PACKAGE_VERSION);
		return TRUE;
	default:
		return FALSE;
	}
}

static void
ui_draw_status(struct ui *ui)
{
	GString	*s;
	char	*safe;

	if (LINES < 3)
		return;
	if (ui->config->status_format != NULL) {
		struct ui_format_ctx fc = { 0 };

		fc.data = ui;
		s = g_string_new(NULL);
		/* Every value is sanitised by the expander. */
		ui_format_expand(ui->config->status_format, ui_status_expando,
		    &fc, s);
		ui_term_bar(LINES - 2, s->str, ui->attrs[UI_A_BAR]);
		g_string_free(s, TRUE);
		return;
	}
	s = g_string_new("-");
	if (!ui->online_known)
		g_string_append(s, _("[offline?]"));
	else
		g_string_append(s, ui->online ? _("[online]") : _("[offline]"));
	if (ui->fetching) {
		g_string_append_c(s, ' ');
		g_string_append_printf(s, _("Fetching %" PRIu64 "/%"
		    PRIu64), ui->fetch_msgs, ui->fetch_msgs_total);
		g_string_append(s, " (");
		ui_format_bytes(s, ui->fetch_bytes);
		g_string_append(s, ")");
	}
	if (ui->sending) {
		g_string_append_c(s, ' ');
		g_string_append(s, _("Sending"));
	}
	if (ui->new_mail > 0) {
		g_string_append_c(s, ' ');
		g_string_append_printf(s, _("New:%" PRIu64),
		    ui->new_mail);
	}
	g_string_append_c(s, ' ');
	g_string_append_printf(s, _("Queue:%" PRIu64),
	    ui->queue_count);
	if (ui->queue_count > 0 && ui->queue_waits != NULL)
		g_string_append_printf(s, " (%s)", ui->queue_waits);
	if (ui->queue_attention > 0) {
		g_string_append_c(s, ' ');
		g_string_append_printf(s, _("Held/failed:%" PRIu64),
		    ui->queue_attention);
	}
	if (ui->send_error != NULL) {
		g_string_append_c(s, ' ');
		g_string_append_printf(s, _("Send error: %s"), ui->send_error);
	}
	g_string_append(s, " -");
	safe = sanitize_text(s->str, -1, 0);
	ui_term_bar(LINES - 2, safe, ui->attrs[UI_A_BAR]);
	g_free(safe);
	g_string_free(s, TRUE);
}

static void
ui_draw_message(struct ui *ui)
{
	move(LINES - 1, 0);
	clrtoeol();
	if (ui->message != NULL)
		ui_term_text_safe(LINES - 1, 0, ui->message, COLS,
		    ui->message_error ? ui->attrs[UI_A_ERROR] :
		    ui->attrs[UI_A_MESSAGE]);
}

void
ui_repaint_now(struct ui *ui)
{
	struct ui_view	*top = ui_top(ui);

	if (ui->recalc)
		ui_recalc_all(ui);
	if (LINES >= 4) {
		ui_draw_title(ui);
		if (top->ops->repaint != NULL)
			top->ops->repaint(ui, top);
		else
			ui_list_repaint(ui, &top->list);
		ui_draw_status(ui);
	} else
		erase();
	ui_draw_message(ui);
	refresh();
	ui->dirty = FALSE;
}

void
ui_refresh_counts(struct ui *ui)
{
	GError	*err = NULL;
	guint	 pending = 0, attention = 0, sending = 0;

	if (outbox_counts(ui->store, &pending, &attention, &sending, &err) ==
	    OUTBOX_OK) {
		ui->queue_count = pending;
		ui->queue_attention = attention;
	}
	ui->queue_sending = sending > 0;
	g_clear_error(&err);
	g_free(ui->queue_waits);
	ui->queue_waits = pending > 0 ? outbox_waits(ui->store) : NULL;
	ui->dirty = TRUE;
}

/* Drain pending events, then run the timers that are due. */
static void
ui_poll_events(struct ui *ui)
{
	struct ui_event	*ev;
	char		 buf[64];

	/* The pipe only wakes us; the queue holds the events. */
	while (read(ui->wake[0], buf, sizeof buf) > 0)
		;
	while ((ev = g_async_queue_try_pop(ui->events)) != NULL) {
		ui_jobs_handle(ui, ev);
		ui_event_free(ev);
	}
	ui_jobs_timers(ui);
}

static void
ui_key(struct ui *ui, int key)
{
	struct ui_view	*top = ui_top(ui);
	enum ui_op	 op;

	if (key == UI_KEY_FN + KEY_RESIZE) {
		ui->recalc = TRUE;
		ui->dirty = TRUE;
		return;
	}
	if (ui->message != NULL) {
		g_clear_pointer(&ui->message, g_free);
		ui->dirty = TRUE;
	}
	/* Esc, unless bound itself, makes the next key Esc-key, as in mutt. */
	if (ui->esc_pending) {
		ui->esc_pending = FALSE;
		if (key != 27)
			key |= UI_KEY_META;
	} else if (key == 27 && ui_keys_lookup(ui->keys, top->ops->ctx, key) ==
	    UI_OP_NOOP && ui_keys_macro(ui->keys, top->ops->ctx, key) == NULL) {
		ui->esc_pending = TRUE;
		return;
	}
	if (ui_keys_macro(ui->keys, top->ops->ctx, key) != NULL) {
		if (!ui_term_push_keys(ui_keys_macro(ui->keys,
		    top->ops->ctx, key)))
			ui_error(ui, "%s", _("A macro ran macros too many "
			    "times over; stopped."));
		return;
	}
	op = ui_keys_lookup(ui->keys, top->ops->ctx, key);
	if (op == UI_OP_NOOP) {
		char *name = ui_keys_name(key);
		char *help = ui_keys_for(ui->keys, top->ops->ctx, UI_OP_HELP);
		ui_error(ui, _("Key %s is not bound. Press %s for help."),
		    name, *help != '\0' ? help : "?");
		g_free(name);
		g_free(help);
		ui->tag_prefix = FALSE;
		return;
	}
	ui->last_key = key;
	ui->run_op(ui, op);
	/* The tag prefix lasts for one operation. */
	if (op != UI_OP_TAG_PREFIX)
		ui->tag_prefix = FALSE;
	ui->dirty = TRUE;
}

/*
 * One turn of the loop: wait for a key, an event, a timer or standard
 * error, and handle what came. Keys go to the prompt when a question is
 * asked (ui-prompt.c: a state of this loop), else to the top view's
 * operations; under a question, events and timers go on (counts, other
 * processes' changes and due sends do not wait for an answer), and it
 * takes the keys typed ahead first. FALSE: the session is ending (a
 * signal, the terminal gone).
 */
gboolean
ui_core_turn(struct ui *ui)
{
	struct pollfd	 pfd[3];
	int		 key, timeout;
	gboolean	 asking = ui_prompt_asking(ui);

	if ((ui->signalled = ui_signal_caught()) != 0)
		return FALSE;
	if (asking) {
		if ((key = ui_term_key(0)) != -1) {
			ui_prompt_key(ui, key);
			return TRUE;
		}
		timeout = UI_PROMPT_POLL_MS;
	} else {
		ui_poll_events(ui);
		if (ui->recalc || ui->dirty)
			ui_repaint_now(ui);
		if (ui_prompt_asking(ui)) {
			/* An event asked a question: the keys are its now. */
			ui_prompt_redraw(ui);
			return TRUE;
		}
		timeout = ui_jobs_next_timeout(ui);
	}
	pfd[0].fd = STDIN_FILENO;
	pfd[0].events = POLLIN;
	pfd[1].fd = ui->wake[0];
	pfd[1].events = POLLIN;
	pfd[2].fd = ui->err_pipe[0];	/* -1: ignored by poll */
	pfd[2].events = POLLIN;
	pfd[2].revents = 0;
	if (poll(pfd, 3, timeout) < 0 && errno != EINTR)
		return FALSE;
	if (pfd[2].revents & POLLIN)
		ui_screen_stderr_read(ui);
	if ((ui->signalled = ui_signal_caught()) != 0)
		return FALSE;
	/* Also after EINTR: a resize arrives as KEY_RESIZE. */
	if ((pfd[0].revents & (POLLHUP | POLLERR)) &&
	    !(pfd[0].revents & POLLIN)) {
		/* The terminal went away: as if the link dropped. */
		ui_signal_note(SIGHUP);
		ui->signalled = SIGHUP;
		return FALSE;
	}
	if (asking) {
		ui_poll_events(ui);
		if (ui->dirty) {
			ui_repaint_now(ui);
			ui_prompt_redraw(ui);
		}
		return TRUE;
	}
	while (!ui->quit && !ui_prompt_asking(ui) &&
	    (key = ui_term_key(0)) != -1) {
		ui_key(ui, key);
		if (ui->recalc)
			ui_repaint_now(ui);
		if (ui_signal_caught() != 0)
			break;
	}
	return TRUE;
}

void
ui_core_loop(struct ui *ui)
{
	while (!ui->quit) {
		if (!ui_core_turn(ui))
			break;
		if (ui->quit && ui_signal_caught() == 0 && !ui_quit_ok(ui))
			ui->quit = FALSE;
	}
	/* A job waiting for an answer gets none: it goes on without. */
	ui_prompt_cancel_all(ui);
	if (ui->signalled == 0)
		ui->signalled = ui_signal_caught();
}

/* Messages that would not leave with us: queued, held, failed. */
static guint
ui_unsent(struct ui *ui)
{
	GError	*err = NULL;
	guint	 pending = 0, attention = 0;

	if (outbox_counts(ui->store, &pending, &attention, NULL, &err) !=
	    OUTBOX_OK)
		pending = attention = 0;
	g_clear_error(&err);
	ui->queue_count = pending;
	ui->queue_attention = attention;
	return pending + attention;
}

/*
 * Borrowed mode, quitting: mail not sent (ui_quit_sent_ok), then, run
 * from an unpacked bundle without --remove-bundle, whether the bundle
 * goes too. TRUE to quit.
 */
static gboolean
ui_quit_ok(struct ui *ui)
{
	g_autofree char	*safe = NULL, *q = NULL;

	if (!ui_quit_sent_ok(ui))
		return FALSE;
	if (!ui->borrowed || ui_signal_caught() != 0 ||
	    ui->ctx->bundle_dir == NULL || ui->ctx->remove_bundle)
		return TRUE;
	/* The directory's own name: a whole path would hide the answer. */
	{
		g_autofree char *base = g_path_get_basename(
		    ui->ctx->bundle_dir);

		safe = sanitize_text(base, -1, 0);
	}
	q = g_strdup_printf(_("Remove satchel itself (the unpacked %s) as "
	    "well?"), safe);
	if (ui_prompt_yesno(ui, q, FALSE) &&
	    !session_borrowed_remove_bundle(ui->ctx)) {
		/* Not quitting: the message would not be seen. */
		ui_error(ui, "%s", _("The bundle cannot be removed with the "
		    "session; answer n to quit and remove it yourself."));
		return FALSE;
	}
	return TRUE;
}

/*
 * Borrowed mode: the store goes with us, so mail not yet sent would be
 * lost. Send it now, showing progress, for a bounded time; what is still
 * left is counted and the user decides. TRUE to quit.
 */
static gboolean
ui_quit_sent_ok(struct ui *ui)
{
	struct pollfd	 pfd;
	gint64		 deadline;
	guint		 n;
	char		*q;
	gboolean	 quit, started = FALSE;

	if (!ui->borrowed)
		return TRUE;
	if (ui_unsent(ui) == 0 && ui->send_thread == NULL)
		return TRUE;
	deadline = g_get_monotonic_time() + UI_QUIT_SEND_WAIT;
	ui_message(ui, "%s", _("Sending the queue before quitting..."));
	while (ui_signal_caught() == 0 && g_get_monotonic_time() < deadline) {
		if (ui->send_thread == NULL) {
			/* One attempt of our own after any that was running. */
			if (started || ui_unsent(ui) == 0 ||
			    ui->queue_count == 0)
				break;
			ui_jobs_send(ui);
			started = TRUE;
			continue;
		}
		ui_repaint_now(ui);
		pfd.fd = ui->wake[0];
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 200) < 0 && errno != EINTR)
			break;
		ui_poll_events(ui);
		/*
		 * The send asked for a password: the loop's turns take the
		 * keys until it is answered, as any question's.
		 */
		while (ui_prompt_asking(ui) && ui_core_turn(ui))
			;
	}
	if (ui_signal_caught() != 0)
		return TRUE;
	if ((n = ui_unsent(ui)) == 0 && ui->send_thread == NULL)
		return TRUE;
	if (n == 0)
		n = 1;
	q = g_strdup_printf(ngettext("%u message is not sent and "
	    "is lost with this borrowed session. Quit anyway?",
	    "%u messages are not sent and are lost with this borrowed "
	    "session. Quit anyway?", n), n);
	quit = ui_prompt_yesno(ui, q, FALSE);
	g_free(q);
	if (!quit)
		ui_message(ui, "%s", _("Not quitting: the Outbox (c, then "
		    "Outbox) shows what waits."));
	return quit || ui_signal_caught() != 0;
}

/*
 * SIGHUP, SIGTERM or SIGINT: give the terminal back first, then (borrowed
 * mode) make one bounded attempt to send what is queued. No question is
 * asked: the person may be gone.
 */
void
ui_core_end_signalled(struct ui *ui)
{
	gint64	 deadline;
	guint	 n;
	gboolean tell = ui->signalled != SIGHUP, started = FALSE;

	ui_screen_stop(ui);
	if (ui->fetch_cancel != NULL)
		pop3_cancel_trigger(ui->fetch_cancel);
	if (ui->body_cancel != NULL)
		pop3_cancel_trigger(ui->body_cancel);
	if (!ui->borrowed)
		return;
	n = ui_unsent(ui);
	if ((ui->queue_count > 0 || ui->send_thread != NULL) && tell)
		fprintf(stderr, ngettext("satchel: sending %u queued "
		    "message before the borrowed session ends...\n",
		    "satchel: sending %u queued messages before the borrowed "
		    "session ends...\n", n), n);
	/*
	 * A send already running may have picked its messages before the
	 * last one was queued: when it ends, one attempt of our own.
	 */
	deadline = g_get_monotonic_time() + UI_SIGNAL_SEND_WAIT;
	for (;;) {
		if (ui->send_thread == NULL) {
			if (started || ui_unsent(ui) == 0 ||
			    ui->queue_count == 0)
				break;
			ui_jobs_send(ui);
			started = TRUE;
		}
		if (ui_jobs_drain(ui, deadline))
			continue;
		/*
		 * A job is still talking to a server. The store is about to
		 * be wiped anyway: leave now (the janitor also wipes).
		 */
		if (tell)
			fprintf(stderr, "%s\n", _("satchel: sending did not "
			    "finish in time; unsent mail is lost with the "
			    "session."));
		session_borrowed_end(ui->ctx);
		_exit(128 + ui->signalled);
	}
	if ((n = ui_unsent(ui)) > 0 && tell)
		fprintf(stderr, ngettext("satchel: %u message was not "
		    "sent and is lost with the borrowed session.\n",
		    "satchel: %u messages were not sent and are lost with the "
		    "borrowed session.\n", n), n);
}

/*
 * The messages marked deleted in folder (NULL: every folder): those
 * marked in this session, in an earlier one, or by another Maildir
 * reader, into *msgs; the question that offers to purge them, saying how
 * many, in which folders. NULL (and *msgs NULL) when there are none.
 */
static char *
ui_purge_question(struct ui *ui, const char *folder, GPtrArray **msgs)
{
	GString			*q;
	struct store_msg	*m;
	const char		*last = NULL;
	guint			 i, n = 0;

	*msgs = NULL;
	if (store_msg_trashed(ui->store, folder, msgs) != STORE_OK) {
		ui_error(ui, "%s", store_errmsg(ui->store));
		*msgs = NULL;
		return NULL;
	}
	if ((*msgs)->len == 0) {
		g_clear_pointer(msgs, g_ptr_array_unref);
		return NULL;
	}
	q = g_string_new(NULL);
	g_string_printf(q, ngettext("Purge %u deleted message (",
	    "Purge %u deleted messages (", (*msgs)->len), (*msgs)->len);
	for (i = 0; i <= (*msgs)->len; i++) {
		m = i < (*msgs)->len ? g_ptr_array_index(*msgs, i) : NULL;
		if (last != NULL && (m == NULL || strcmp(m->folder, last) != 0)) {
			g_autofree char *safe = sanitize_text(last, -1, 0);

			g_string_append_printf(q, "%s%s: %u", q->str[q->len -
			    1] == '(' ? "" : ", ", safe, n);
			n = 0;
		}
		if (m != NULL) {
			last = m->folder;
			n++;
		}
	}
	g_string_append(q, ")?");
	return g_string_free(q, FALSE);
}

/* The user agreed: msgs (store_msg) deleted for good. */
static void
ui_purge_msgs(struct ui *ui, GPtrArray *msgs)
{
	struct store_msg	*m;
	enum store_status	 s;
	guint			 i;

	for (i = 0; i < msgs->len; i++) {
		m = g_ptr_array_index(msgs, i);
		s = store_msg_delete(ui->store, m->id);
		/* Gone meanwhile (another process purged it): fine. */
		if (s != STORE_OK && s != STORE_ERR_NOTFOUND) {
			ui_error(ui, "%s", store_errmsg(ui->store));
			break;
		}
	}
}

void
ui_purge(struct ui *ui, const char *folder)
{
	GPtrArray	*msgs;
	char		*q;

	if ((q = ui_purge_question(ui, folder, &msgs)) == NULL)
		return;
	ui_repaint_now(ui);
	if (ui_prompt_yesno(ui, q, TRUE))
		ui_purge_msgs(ui, msgs);
	g_free(q);
	g_ptr_array_unref(msgs);
}

/* A purge asked through the loop: what, and whom to tell after. */
struct ui_purge_asked {
	GPtrArray	*msgs;
	void		(*done)(struct ui *, void *);
	void		*data;
};

/* ui_prompt_fn of the purge question: purged if yes; then done. */
static void
ui_purge_answered(struct ui *ui, char *line, int yes, void *data)
{
	struct ui_purge_asked	*a = data;

	(void)line;
	if (yes)
		ui_purge_msgs(ui, a->msgs);
	g_ptr_array_unref(a->msgs);
	a->done(ui, a->data);
	g_free(a);
}

void
ui_purge_ask(struct ui *ui, const char *folder,
    void (*done)(struct ui *, void *), void *data)
{
	struct ui_purge_asked	*a;
	GPtrArray		*msgs;
	char			*q;

	if ((q = ui_purge_question(ui, folder, &msgs)) == NULL) {
		done(ui, data);
		return;
	}
	a = g_new0(struct ui_purge_asked, 1);
	a->msgs = msgs;
	a->done = done;
	a->data = data;
	ui_repaint_now(ui);
	ui_prompt_ask_yesno(ui, q, TRUE, ui_purge_answered, a);
	g_free(q);
}
