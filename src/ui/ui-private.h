/*
 * ui-private.h: what the reader's files share. Only src/ui/ includes this
 * header (and ncurses.h).
 *
 * The screen is a stack of views. Each view is a vtable (recalc after a
 * resize or a data change, repaint into the body rows, an operation hook)
 * over one list widget, so the index, the folder list, the pager, the
 * attachment and URL lists and the help screen scroll the same way. Keys
 * map to operations per context (ui-keys.c); operations run through one
 * table of handler plus prerequisite flags (ui-ops.c).
 *
 * Threads: only the main thread draws. Background jobs (ui-jobs.c) report
 * through a GAsyncQueue and wake the main loop through a pipe.
 */
#ifndef SATCHEL_UI_PRIVATE_H
#define SATCHEL_UI_PRIVATE_H

#include <sys/types.h>

#include <stdint.h>
#include <glib.h>
#include <ncurses.h>

#include "util/util.h"

struct session;
struct config;
struct store;
struct ui;
struct ui_view;
struct ui_complete;

/* Key contexts: each has its own keymap. */
enum ui_ctx {
	UI_CTX_INDEX,
	UI_CTX_PAGER,
	UI_CTX_FOLDERS,
	UI_CTX_ATTACH,
	UI_CTX_URLS,
	UI_CTX_HELP,
	UI_CTX_COMPOSE,
	UI_CTX_OUTBOX,
	UI_CTX_COUNT,
};
#define UI_CTX_BIT(c)	(1u << (c))
#define UI_CTX_LISTS	(UI_CTX_BIT(UI_CTX_INDEX) | UI_CTX_BIT(UI_CTX_FOLDERS) | \
	UI_CTX_BIT(UI_CTX_ATTACH) | UI_CTX_BIT(UI_CTX_URLS) |		\
	UI_CTX_BIT(UI_CTX_HELP) | UI_CTX_BIT(UI_CTX_COMPOSE) |	\
	UI_CTX_BIT(UI_CTX_OUTBOX))
#define UI_CTX_ALL	((1u << UI_CTX_COUNT) - 1)
#define UI_CTX_MSG	(UI_CTX_BIT(UI_CTX_INDEX) | UI_CTX_BIT(UI_CTX_PAGER))

/* Operations. Names and help live in the table in ui-ops.c. */
enum ui_op {
	UI_OP_NOOP,
	UI_OP_QUIT,
	UI_OP_EXIT,
	UI_OP_HELP,
	UI_OP_REDRAW,
	UI_OP_NEXT_ENTRY,
	UI_OP_PREV_ENTRY,
	UI_OP_NEXT_PAGE,
	UI_OP_PREV_PAGE,
	UI_OP_HALF_DOWN,
	UI_OP_HALF_UP,
	UI_OP_FIRST_ENTRY,
	UI_OP_LAST_ENTRY,
	UI_OP_NEXT_LINE,
	UI_OP_PREV_LINE,
	UI_OP_SELECT,
	UI_OP_NEXT_UNREAD,
	UI_OP_NEXT_THREAD,
	UI_OP_PREV_THREAD,
	UI_OP_FOLDERS,
	UI_OP_SEARCH,
	UI_OP_SEARCH_NEXT,
	UI_OP_LIMIT,
	UI_OP_SORT,
	UI_OP_THREADS,
	UI_OP_FLAG,
	UI_OP_TOGGLE_NEW,
	UI_OP_DELETE,
	UI_OP_SAVE,
	UI_OP_MAIL,
	UI_OP_REPLY,
	UI_OP_GROUP_REPLY,
	UI_OP_FORWARD,
	UI_OP_SYNC,
	UI_OP_ATTACHMENTS,
	UI_OP_HEADERS,
	UI_OP_URLS,
	UI_OP_SAVE_ATTACHMENT,
	UI_OP_SEND,
	UI_OP_EDIT,
	UI_OP_ATTACH_FILE,
	UI_OP_EDIT_FROM,
	UI_OP_POSTPONE,
	UI_OP_CRYPT,
	UI_OP_FETCH_BODY,
	UI_OP_TOGGLE_QUOTED,
	UI_OP_VIEW_RAW,
	UI_OP_TAG,
	UI_OP_TAG_PATTERN,
	UI_OP_UNTAG_PATTERN,
	UI_OP_TAG_PREFIX,
	UI_OP_UNDELETE,
	UI_OP_COPY,
	UI_OP_PIPE,
	UI_OP_LIST_REPLY,
	UI_OP_RECALL,
	UI_OP_JUMP,
	UI_OP_SAVE_FILE,
	UI_OP_COLLAPSE_THREAD,
	UI_OP_COLLAPSE_ALL,
	UI_OP_READ_THREAD,
	/* The queue in the reader (ui-outbox.c) and bounce. */
	UI_OP_OUTBOX,
	UI_OP_QUEUE_RETRY,
	UI_OP_QUEUE_HOLD,
	UI_OP_QUEUE_RELEASE,
	UI_OP_QUEUE_DELETE,
	UI_OP_QUEUE_EDIT,
	UI_OP_BOUNCE,
	UI_OP_EDIT_TO,
	UI_OP_EDIT_CC,
	UI_OP_EDIT_BCC,
	UI_OP_COUNT,
};

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

/* ui-ops.c */
const struct ui_op_def *ui_ops_find(const char *name);
const struct ui_op_def *ui_ops_get(enum ui_op);
void		 ui_ops_run(struct ui *, enum ui_op);

/*
 * ui-keys.c: key codes are Unicode scalars, or UI_KEY_FN + a KEY_* code;
 * UI_KEY_META is added for a key that came after Esc ("Esc-v", "M-v").
 */
#define UI_KEY_FN	0x200000
#define UI_KEY_META	0x1000000
struct ui_keys;
struct ui_keys	*ui_keys_new(GHashTable *config_keys, GString *warnings);
void		 ui_keys_free(struct ui_keys *);
enum ui_op	 ui_keys_lookup(struct ui_keys *, enum ui_ctx, int key);
/* The keys of the macro bound to key in ctx ("KEY = macro ..."), or NULL. */
const GArray	*ui_keys_macro(struct ui_keys *, enum ui_ctx, int key);
/* Name of a key ("j", "Enter", "C-l"); newly allocated. */
char		*ui_keys_name(int key);
/* Key code for a name, or -1. */
int		 ui_keys_parse(const char *name);
/* The keys bound to op in ctx, as "j, Down" (newly allocated, "" if none). */
char		*ui_keys_for(struct ui_keys *, enum ui_ctx, enum ui_op);

/* ui-list.c: one scrolling list; rows are drawn by a callback. */
typedef void	(*ui_list_draw_fn)(struct ui *, void *data, int y,
		    guint64 row, gboolean current);
struct ui_list {
	guint64		 count;
	guint64		 cursor;
	guint64		 top;
	int		 y0;		/* first screen row */
	int		 rows;		/* visible rows */
	gboolean	 nocursor;	/* pager: scrolling moves the view */
	ui_list_draw_fn	 draw;
	void		*data;
};
void		 ui_list_init(struct ui_list *, ui_list_draw_fn, void *,
		    gboolean nocursor);
void		 ui_list_set_count(struct ui_list *, guint64);
void		 ui_list_resize(struct ui_list *, int y0, int rows);
/* TRUE if op was a movement op (even when at an edge). */
gboolean	 ui_list_move(struct ui_list *, enum ui_op);
void		 ui_list_goto(struct ui_list *, guint64 row);
void		 ui_list_repaint(struct ui *, struct ui_list *);

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
	void		(*free)(struct ui_view *);
};
struct ui_view {
	const struct ui_view_ops *ops;
	struct ui_list	 list;
	void		*data;
	gboolean	 read_only;	/* forbids UI_OPF_WRITE ops */
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

/* Colour pairs / attributes by role. */
enum ui_attr {
	UI_A_NORMAL,
	UI_A_BAR,		/* title and status bars */
	UI_A_CURSOR,		/* the cursor marker */
	UI_A_UNREAD,
	UI_A_FLAGGED,
	UI_A_DELETED,
	UI_A_TREE,
	UI_A_HEADER,		/* header names in the pager */
	UI_A_QUOTE1,
	UI_A_QUOTE2,
	UI_A_SIGNATURE,
	UI_A_ERROR,
	UI_A_MARK,		/* search hits */
	/* Verdicts on signed/encrypted parts: attributes no message text gets. */
	UI_A_VERDICT_GOOD,
	UI_A_VERDICT_INFO,
	UI_A_VERDICT_WARN,
	UI_A_VERDICT_BAD,
	UI_A_INDICATOR,		/* the bar across the current list row */
	UI_A_HDRDEFAULT,	/* header values in the pager */
	UI_A_ATTACHMENT,	/* the pager's own notices: attachments, cuts */
	UI_A_MESSAGE,		/* the message line (not an error) */
	UI_A_TAGGED,
	UI_A_COUNT,
};
/* Quote levels with their own attribute ([colors] quoted0 ... quoted9). */
#define UI_QUOTE_LEVELS	10

/* The reader's state. */
struct ui {
	struct session	*ctx;
	struct config	*config;
	struct store	*store;
	struct ui_keys	*keys;
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

/* ui.c */
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
/* The id of v's current message, or -1. */
int64_t		 ui_view_current(struct ui *, struct ui_view *);
struct ui_view	*ui_view_new(const struct ui_view_ops *, void *data);
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
/* Drain pending events (also called while a prompt waits). */
void		 ui_poll_events(struct ui *);

/* ui-signal.c: flags and the wake pipe only; the main loop does the rest. */
void		 ui_signal_init(void);
void		 ui_signal_wake(int fd);
void		 ui_signal_release(void);
/* The signal that ends the session, or 0. */
int		 ui_signal_caught(void);
/* Treat the session as ended by sig (the terminal went away). */
void		 ui_signal_note(int sig);
/* The editor's pid while it runs (0: none): it gets SIGTERM with us. */
void		 ui_signal_child(pid_t);
/* group: pid leads its own process group, which is signalled whole. */
void		 ui_signal_child_group(pid_t, gboolean group);
/* Borrowed mode: the pipe to the janitor (told the editor's group). */
void		 ui_signal_janitor_fd(int fd);

/* ui-term.c */
SCREEN		*ui_term_start(GString *warnings);
void		 ui_term_colors(struct ui *);
void		 ui_term_stop(struct ui *);
/* Leave curses mode for a child process, and come back. */
void		 ui_term_suspend(struct ui *);
void		 ui_term_resume(struct ui *);
/*
 * Standard error into the log: start (after curses and the log sink),
 * read what is waiting (the loop polls err_pipe[0]), stop (after
 * curses: fd 2 is the terminal's again, the rest printed sanitised).
 * suspend/resume give a child the real standard error meanwhile.
 */
void		 ui_term_stderr_start(struct ui *);
void		 ui_term_stderr_read(struct ui *);
void		 ui_term_stderr_stop(struct ui *);
/*
 * Draw untrusted text at (y, x) in at most cols columns: sanitised, cut on
 * a character boundary. Returns the columns used.
 */
int		 ui_term_text(int y, int x, const char *text, int cols, attr_t);
/* Same, for text already sanitised. */
int		 ui_term_text_safe(int y, int x, const char *safe, int cols, attr_t);
/* Fill a bar line with attr and draw safe text on it. */
void		 ui_term_bar(int y, const char *safe, attr_t);
/*
 * Out of curses (between suspend and resume): print prompt and wait for
 * one key on the terminal, as after a piped command.
 */
void		 ui_term_wait_key(const char *prompt);
/* Read one key (blocking up to ms, -1 forever); -1 on timeout. */
int		 ui_term_key(int ms);
/*
 * Macros: keys read before the terminal's. FALSE (and the queue
 * dropped) when macros ran more than UI_MACRO_MAX_RUNS times without a
 * key typed in between: a macro that runs itself stops.
 */
#define UI_MACRO_MAX_RUNS	64
#define UI_MACRO_MAX_KEYS	512
gboolean	 ui_term_push_keys(const GArray *keys);
void		 ui_term_drop_keys(void);

/* ui-colors.c: [colors] over the built-in attributes; list rows. */
/*
 * Apply the user's [colors] (after ui_term_colors set the defaults);
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

/* ui-format.c: mutt-style %-expandos with widths (%-20.20F). */
struct ui_format_ctx {
	void		*data;
	gboolean	 trusted;	/* fn: the value is ours, not mail's */
	gsize		 mark_len;	/* fn: bytes at the value's start to mark */
	gsize		 mark_off, mark_end;	/* out: where they landed */
};
/*
 * fn appends the value of expando code (arg: the text of %{arg}, code
 * '{') to val; FALSE when it does not know the code.
 */
typedef gboolean (*ui_format_fn)(char code, const char *arg, GString *val,
		    struct ui_format_ctx *);
void		 ui_format_expand(const char *fmt, ui_format_fn,
		    struct ui_format_ctx *, GString *out);

/*
 * ui-prompt.c: prompts on the message line. A prompt's kind chooses what
 * Tab completes (ui-complete.c) and which history Up and Down walk.
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
gboolean	 ui_prompt_yesno(struct ui *, const char *prompt, gboolean def);

/* Views. */
struct ui_view	*ui_index_new(struct ui *, const char *folder);
void		 ui_index_set_folder(struct ui *, struct ui_view *, const char *);
const char	*ui_index_folder(struct ui_view *);
guint64		 ui_index_total(struct ui_view *, const char **query);
int64_t		 ui_index_current_msg(struct ui *, struct ui_view *);
gboolean	 ui_index_is(struct ui_view *);
/*
 * The tagged messages (ids, in id order); FALSE with an error said when
 * there are none.
 */
gboolean	 ui_index_tagged(struct ui *, struct ui_view *, GArray *ids);
struct ui_view	*ui_folders_new(struct ui *);
struct ui_view	*ui_help_new(struct ui *, enum ui_ctx);
struct ui_view	*ui_pager_new(struct ui *, int64_t msg_id);
gboolean	 ui_pager_is(struct ui_view *);
struct ui_view	*ui_attach_new(struct ui *, int64_t msg_id);
struct ui_view	*ui_urls_new(struct ui *, int64_t msg_id);
struct ui_view	*ui_urls_new_list(struct ui *, char **urls);
struct crypt_state;
struct _GMimeMessage;	/* GMimeMessage, without GMime's headers here */
/*
 * Verdicts and decrypted parts of mime (NULL when it is neither signed nor
 * encrypted); curses steps aside while gpg-agent may ask a passphrase.
 * Free with crypt_state_free().
 */
struct crypt_state *ui_pager_crypt_state(struct ui *,
		    struct _GMimeMessage *mime);
struct ui_view	*ui_lines_new(struct ui *, const char *title, GPtrArray *lines,
		    enum ui_ctx);

/* ui-raw.c: the message as stored, sanitised. */
void		 ui_raw_show(struct ui *, int64_t msg_id);

/* ui-compose.c */
void		 ui_compose_start(struct ui *, enum ui_op, int64_t msg_id);
/* One new message with every message of ids attached (message/rfc822). */
void		 ui_compose_forward_many(struct ui *, GArray *ids);
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

/* ui-bounce.c: the message, unchanged, to new recipients (Resent-*). */
void		 ui_bounce_start(struct ui *, int64_t msg_id);

/* ui-outbox.c: the queue, entry by entry. */
struct ui_view	*ui_outbox_new(struct ui *);
gboolean	 ui_outbox_is(struct ui_view *);

/* Edit the message of outbox entry queue_id (held) and queue it anew. */
void		 ui_compose_requeue(struct ui *, int64_t msg_id,
		    int64_t queue_id);
void		 ui_compose_stuck(struct ui *);

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
