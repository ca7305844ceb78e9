/*
 * ui-core.h: the reader's middle layer, the core: the view stack and the
 * view ops every view fills in, the one event loop (ui-core.c), the
 * message line and the bars, prompts as a state of that loop
 * (ui-prompt.c, ui-complete.c), the terminal's colours and standard error
 * (ui-screen.c, ui-colors.c), and the background jobs (ui-jobs.c) with
 * the typed events they post. It includes ui-widget.h below it and no
 * view: what changed reaches the views through their changed hook
 * (ui_views_changed), a view above asks the one below through its ops.
 *
 * Threads: only the main thread draws. Background jobs report through a
 * GAsyncQueue and wake the main loop through a pipe.
 */
#ifndef SATCHEL_UI_CORE_H
#define SATCHEL_UI_CORE_H

#include "ui/ui-widget.h"

struct session;
struct config;
struct store;
struct ui_view;
struct ui_complete;
struct ui_prompt;

/* Prerequisites the op table checks before a handler runs. */
enum ui_op_flags {
	UI_OPF_MSG = 1 << 0,		/* needs a current message */
	UI_OPF_WRITE = 1 << 1,		/* folder must not be read-only */
	UI_OPF_ACCOUNT = 1 << 2,	/* needs a configured account */
	UI_OPF_VIEW = 1 << 3,		/* the top view's op hook handles it */
};

struct ui_op_def {
	const char	*name;
	enum ui_op	 op;
	unsigned	 flags;		/* enum ui_op_flags */
	unsigned	 ctx;		/* UI_CTX_BIT mask where it may be bound */
	void		(*fn)(struct ui *, enum ui_op);
	const char	*help;
};


/*
 * What changed under the views, told to each of them (ui_views_changed):
 * the jobs announce it, the views decide what it means to them.
 */
enum ui_change_kind {
	UI_CHANGE_FETCHED,	/* a fetch brought new mail */
	UI_CHANGE_SENT,		/* a send ended: the Outbox and Sent moved */
	UI_CHANGE_BODY,		/* old_id's whole body came, as new_id */
	UI_CHANGE_STORE,	/* another process changed the store */
};
struct ui_change {
	enum ui_change_kind kind;
	int64_t		 old_id;	/* UI_CHANGE_BODY */
	int64_t		 new_id;
};

/* A view: a vtable over a list. */
struct ui_view_ops {
	const char	*name;
	enum ui_ctx	 ctx;
	/* Data changed or the screen was resized: recount, refit. */
	void		(*recalc)(struct ui *, struct ui_view *);
	/* Draw the body rows (the list's rows) into stdscr. */
	void		(*repaint)(struct ui *, struct ui_view *);
	/* Text of the title bar. */
	void		(*title)(struct ui *, struct ui_view *, GString *);
	/* Id of the current message, or -1. */
	int64_t		(*current_msg)(struct ui *, struct ui_view *);
	/* Run a view operation; FALSE if the view does not do it. */
	gboolean	(*op)(struct ui *, struct ui_view *, enum ui_op);
	/* Something changed under the view (NULL: it does not care). */
	void		(*changed)(struct ui *, struct ui_view *,
			    const struct ui_change *);
	/*
	 * Move the cursor to the next (dir 1) or previous (-1) message or
	 * thread; the message's id, or -1 at the end. NULL: the view is no
	 * message list (a view above asks it: the pager's next message).
	 */
	int64_t		(*step)(struct ui *, struct ui_view *, int dir,
			    gboolean thread);
	/*
	 * A message list's rows (messages or threads), its folder (NULL: a
	 * search) and its limit (NULL: none), for the status bar. NULL: the
	 * view is no message list.
	 */
	guint64		(*list_info)(struct ui_view *, const char **folder,
			    const char **query);
	void		(*free)(struct ui_view *);
};
struct ui_view {
	const struct ui_view_ops *ops;
	struct ui_list	 list;
	void		*data;
	gboolean	 read_only;	/* forbids UI_OPF_WRITE ops */
	guint		 serial;	/* this session's, never reused */
};

/* Events from background threads (ui-jobs.c) and the log sink. */
enum ui_event_type {
	UI_EV_LOG,
	UI_EV_FETCH_PROGRESS,
	UI_EV_FETCH_DONE,
	UI_EV_SEND_PROGRESS,
	UI_EV_SEND_DONE,
	UI_EV_NEED_SECRET,
	UI_EV_BODY_DONE,
	UI_EV_NET_CHANGED,	/* the network changed: try now */
};
/*
 * One event: its type says which member of u holds its data; text (what it
 * says: a log line, an error, the key of the secret asked for) is any
 * type's, or NULL.
 */
struct ui_event {
	enum ui_event_type type;
	char		*text;
	union {
		struct {			/* UI_EV_LOG */
			int		 level;	/* enum log_level */
		} log;
		struct {			/* UI_EV_FETCH_PROGRESS */
			guint64		 msgs, msgs_total;
			guint64		 bytes, bytes_total;
		} progress;
		struct {			/* UI_EV_FETCH_DONE */
			gboolean	 ok;
			gboolean	 network_error;
			gboolean	 refused;	/* a password was refused */
			guint64		 new_msgs;
		} fetched;
		struct {			/* UI_EV_SEND_PROGRESS */
			gboolean	 ok;	/* a message went */
			int		 level;	/* LOG_LEVEL_ERROR: it failed */
		} sending;
		struct {			/* UI_EV_SEND_DONE */
			gboolean	 ok;
			gboolean	 network_error;
			guint64		 sent, deferred, failed;
		} sent;
		struct {			/* UI_EV_NEED_SECRET */
			int		 service;	/* enum config_service */
			GAsyncQueue	*reply;	/* push a char * (or "") */
		} secret;
		struct {			/* UI_EV_BODY_DONE */
			gboolean	 ok;
			gboolean	 network_error;
			gboolean	 refused;
			int64_t		 old_id;	/* the headers-only message */
			int64_t		 new_id;	/* the whole one */
		} body;
		struct {			/* UI_EV_NET_CHANGED */
			gboolean	 again;	/* a later look while it settles */
		} net;
	} u;
};
void		 ui_event_free(struct ui_event *);

/* The reader's state. */
struct ui {
	struct session	*ctx;
	struct config	*config;
	struct store	*store;
	struct ui_keys	*keys;
	/* Runs an operation: the views' table (ui_ops_run, set by ui.c). */
	void		(*run_op)(struct ui *, enum ui_op);
	SCREEN		*screen;
	attr_t		 attrs[UI_A_COUNT];
	attr_t		 quotes[UI_QUOTE_LEVELS];	/* quote level 1 is [0] */
	int		 nquotes;	/* levels cycle through these */
	gboolean	 color;
	gboolean	 arrow_cursor;	/* "->" instead of the indicator bar */
	gboolean	 indicator_set;	/* [colors] indicator replaces the row's look */
	gboolean	 utf8;		/* locale is UTF-8: tree glyphs */

	GPtrArray	*views;		/* stack of struct ui_view *, top last */
	gboolean	 quit;
	gboolean	 dirty;		/* repaint before the next key */
	gboolean	 recalc;	/* recalc every view (resize) */

	char		*message;	/* the message line, sanitised */
	gboolean	 message_error;

	/* Status line state. */
	gboolean	 online;
	gboolean	 online_known;
	gboolean	 fetching;
	gboolean	 sending;
	guint64		 fetch_msgs, fetch_msgs_total, fetch_bytes;
	guint64		 new_mail;	/* fetched this session, not yet looked at */
	guint64		 queue_count;
	guint64		 queue_attention; /* held, failed, maybe sent */
	gboolean	 queue_sending;	/* counted: an entry being sent */
	char		*send_error;	/* last send error, sanitised */
	gboolean	 send_asked;	/* the running send: the user asked */
	char		*send_said;	/* last send error on the message line */
	gint64		 next_send;	/* monotonic µs of the next retry, 0: none */
	gint64		 next_fetch;
	gint64		 next_poll;	/* look for other processes' changes */
	gboolean	 damaged;	/* the index is damaged: asked once */
	gboolean	 rebuild;	/* quit, rebuild the index, start again */
	char		*queue_waits;	/* what the outbox waits for, or NULL */
	struct netwatch	*netwatch;
	gboolean	 net_send;	/* the network changed during a send */
	gboolean	 net_fetch;	/* ... during a fetch */

	/* Background jobs. */
	GAsyncQueue	*events;
	int		 wake[2];	/* pipe: jobs write a byte */
	/*
	 * Standard error while curses owns the terminal: fd 2 is the write
	 * end of this pipe, the loop reads it into the log (ui-term.c).
	 */
	int		 err_pipe[2];
	int		 err_saved;	/* the real fd 2, or -1 */
	GString		*err_line;	/* a line not yet ended */
	GThread		*fetch_thread;
	GThread		*send_thread;
	gpointer	 fetch_cancel;	/* struct pop3_cancel * */
	GHashTable	*secrets;	/* "service:account" -> secret, session only */

	struct ui_complete *complete;	/* histories, aliases (ui-complete.c) */

	/* The question up, on top of those asked before it, or NULL. */
	struct ui_prompt *prompt;

	/* Pager search term and the last index search. */
	char		*search;

	/* Keys: Esc came (the next key is Esc-key), the key being run. */
	gboolean	 esc_pending;
	int		 last_key;
	/* ';' came: the next message operation acts on the tagged ones. */
	gboolean	 tag_prefix;

	/* Borrowed-machine mode and the end of the session. */
	gboolean	 borrowed;	/* the store is wiped when we end */
	char		**child_env;	/* borrowed: the environment of the
					   editor, viewers and HTML converter
					   (session_borrowed_child_env); else NULL */
	int		 signalled;	/* SIGHUP, SIGTERM, SIGINT: ending now */
	GThread		*body_thread;	/* downloading a headers-only message */
	int64_t		 body_msg;	/* its id while it runs */
	gpointer	 body_cancel;	/* struct pop3_cancel * */
};

/* ui-core.c: the view stack, the message line, the bars, the loop. */
void		 ui_push(struct ui *, struct ui_view *);
void		 ui_pop(struct ui *);
struct ui_view	*ui_top(struct ui *);
struct ui_view	*ui_view_below(struct ui *, struct ui_view *);
/* Tell every view, top first, what changed. */
void		 ui_views_changed(struct ui *, const struct ui_change *);
/* v is a message list that steps (ui_view_ops.step). */
gboolean	 ui_view_steps(struct ui_view *);
/* Ask v to step; -1 when it cannot. */
int64_t		 ui_view_step(struct ui *, struct ui_view *, int dir,
		    gboolean thread);
/*
 * v is a message list (ui_view_ops.list_info): its folder, rows and
 * limit. FALSE when it is none.
 */
gboolean	 ui_view_list_info(struct ui_view *, const char **folder,
		    guint64 *total, const char **query);
/* The id of v's current message, or -1. */
int64_t		 ui_view_current(struct ui *, struct ui_view *);
struct ui_view	*ui_view_new(const struct ui_view_ops *, void *data);
/*
 * The view on the stack with this serial (ui_view.serial), or NULL: it
 * was popped. A question's callback finds its view so.
 */
struct ui_view	*ui_view_find(struct ui *, guint serial);
void		 ui_view_free(struct ui_view *);
void		 ui_message(struct ui *, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void		 ui_error(struct ui *, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void		 ui_redraw(struct ui *);
void		 ui_refresh_counts(struct ui *);
void		 ui_body_size(int *y0, int *rows);
void		 ui_repaint_now(struct ui *);
int64_t		 ui_current_msg(struct ui *);
/* Purge what was marked deleted this session, if the user agrees. */
void		 ui_purge(struct ui *, const char *folder);
/*
 * The same through the loop (no nested turn): asks and returns; done
 * runs once the user answered (or at once when nothing is marked).
 */
void		 ui_purge_ask(struct ui *, const char *folder,
		    void (*done)(struct ui *, void *), void *data);
/* The one event loop: until the user quits or a signal ends the session. */
void		 ui_core_loop(struct ui *);
/* One turn of it; FALSE when the session is ending (a signal, hang-up). */
gboolean	 ui_core_turn(struct ui *);
/*
 * A signal ended the session: the terminal given back, then (borrowed
 * mode) one bounded attempt to send what is queued.
 */
void		 ui_core_end_signalled(struct ui *);

/* ui-screen.c: the terminal as the reader uses it. */
void		 ui_screen_colors(struct ui *);
void		 ui_screen_stop(struct ui *);
/* Leave curses mode for a child process, and come back. */
void		 ui_screen_suspend(struct ui *);
void		 ui_screen_resume(struct ui *);
/*
 * Standard error into the log: start (after curses and the log sink),
 * read what is waiting (the loop polls err_pipe[0]), stop (after
 * curses: fd 2 is the terminal's again, the rest printed sanitised).
 * suspend/resume give a child the real standard error meanwhile.
 */
void		 ui_screen_stderr_start(struct ui *);
void		 ui_screen_stderr_read(struct ui *);
void		 ui_screen_stderr_stop(struct ui *);

/* ui-colors.c: [colors] over the built-in attributes; list rows. */
/*
 * Apply the user's [colors] (after ui_screen_colors set the defaults);
 * problems go to warnings.
 */
void		 ui_colors_apply(struct ui *, GString *warnings);
/* The attribute of a quoted line of level (>= 1). */
attr_t		 ui_colors_quote(struct ui *, unsigned level);
/*
 * Begin a list row at y: draws the cursor marker; *attr becomes the
 * attribute the row's text takes when it is current (the indicator), else
 * is left alone. Returns the column where the row's text starts.
 */
int		 ui_row_begin(struct ui *, int y, gboolean current,
		    attr_t *attr);
/* End a row drawn up to column x: the indicator bar reaches the edge. */
void		 ui_row_end(struct ui *, int y, int x, gboolean current);

/*
 * ui-prompt.c: prompts on the message line, a state of the one loop (as
 * tmux's status_prompt_set): ui_prompt_ask and ui_prompt_ask_choice put
 * a question up and return; the loop (ui_core_turn) hands it the keys,
 * and the callback gets the answer. Questions asked while one is up
 * stack: the newest takes the keys until it is answered. A callback
 * finds its view again by serial (ui_view_find) and its messages by id.
 * The ui_prompt_line ... ui_prompt_yesno calls below answer in place:
 * they ask, then turn the one loop until the answer came. Only callers
 * that need the answer before they return use them: quitting (borrowed
 * mode's unsent mail and bundle, the purge after the loop), starting
 * (messages a crash left "sending", asked before the loop runs), and
 * the compose screen's send and draft (attachments the text names, keys
 * missing for encryption: a chain of questions before it queues). A
 * prompt's kind chooses what Tab completes (ui-complete.c) and which
 * history Up and Down walk.
 */
enum ui_prompt_kind {
	UI_PROMPT_TEXT,		/* no completion */
	UI_PROMPT_ADDRESS,	/* addresses; aliases expanded on Enter */
	UI_PROMPT_FOLDER,	/* folder names */
	UI_PROMPT_FILE,		/* file paths */
	UI_PROMPT_QUERY,	/* searches and limits */
	UI_PROMPT_KINDS,
};
char		*ui_prompt_line_kind(struct ui *, const char *prompt,
		    const char *initial, enum ui_prompt_kind);
/* Edit a line; NULL if cancelled (Esc, C-g). initial may be NULL. */
char		*ui_prompt_line(struct ui *, const char *prompt,
		    const char *initial);
/* A secret, echo off. NULL if cancelled. Free with config_secret_free. */
char		*ui_prompt_secret(struct ui *, const char *prompt);
/* One key out of choices ("yn"); returns the character or 0 if cancelled. */
int		 ui_prompt_choice(struct ui *, const char *prompt,
		    const char *choices);
/*
 * The answer: line (a line or secret prompt; the callee owns it, NULL
 * when cancelled) or key (a choice: the character, 0 when cancelled).
 */
typedef void	(*ui_prompt_fn)(struct ui *, char *line, int key, void *data);
/* Ask for a line (secret: echo off); fn gets it. */
void		 ui_prompt_ask(struct ui *, const char *prompt,
		    const char *initial, enum ui_prompt_kind, gboolean secret,
		    ui_prompt_fn, void *data);
/* Ask for one key out of choices ("yn"); fn gets it. */
void		 ui_prompt_ask_choice(struct ui *, const char *prompt,
		    const char *choices, ui_prompt_fn, void *data);
/* A question is up: keys are its. */
gboolean	 ui_prompt_asking(struct ui *);
/* The loop: a key for the question up. */
void		 ui_prompt_key(struct ui *, int key);
/* The session is ending: every question up is cancelled, newest first. */
void		 ui_prompt_cancel_all(struct ui *);
/* The loop repainted the screen: the question again. */
void		 ui_prompt_redraw(struct ui *);
/* How long the loop waits at most while a question is up. */
#define UI_PROMPT_POLL_MS	500
gboolean	 ui_prompt_yesno(struct ui *, const char *prompt, gboolean def);
/*
 * Ask yes or no (def: what Enter says); fn gets key TRUE for yes, FALSE
 * for no or cancelled, and line NULL.
 */
void		 ui_prompt_ask_yesno(struct ui *, const char *prompt,
		    gboolean def, ui_prompt_fn, void *data);


/* ui-complete.c: Tab completion and prompt histories (memory only). */
void		 ui_complete_free(struct ui *);
void		 ui_complete_history_add(struct ui *, enum ui_prompt_kind,
		    const char *line);
/* The back-th newest line (1: the newest), or NULL. */
const char	*ui_complete_history(struct ui *, enum ui_prompt_kind,
		    guint back);
/* Each comma-separated item that is an alias's nick, expanded. g_free. */
char		*ui_complete_expand_aliases(struct ui *, const char *line);
/*
 * Tab at byte cursor of line: the line with the word there completed,
 * the round-th candidate (0 first); *new_cursor is the byte after it,
 * *more TRUE when another Tab gives another candidate. NULL: none.
 */
char		*ui_complete_tab(struct ui *, enum ui_prompt_kind,
		    const char *line, gsize cursor, guint round,
		    gsize *new_cursor, gboolean *more);


/* ui-jobs.c */
void		 ui_jobs_init(struct ui *);
void		 ui_jobs_shutdown(struct ui *);
void		 ui_jobs_fetch(struct ui *);
void		 ui_jobs_send(struct ui *);
void		 ui_jobs_handle(struct ui *, struct ui_event *);
void		 ui_jobs_timers(struct ui *);
/* Milliseconds until the next timer, or -1. */
int		 ui_jobs_next_timeout(struct ui *);
void		 ui_jobs_log_sink(enum log_level, const char *msg, void *data);
void		 ui_jobs_post(struct ui *, struct ui_event *);
/*
 * Wait until deadline (monotonic µs) for the background jobs to end
 * without drawing or asking (secrets come from the session's cache only).
 * TRUE when none is left running.
 */
gboolean	 ui_jobs_drain(struct ui *, gint64 deadline);
/* Download the full body of a headers-only message in the background. */
void		 ui_jobs_fetch_body(struct ui *, int64_t msg_id);


#endif
