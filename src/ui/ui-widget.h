/*
 * ui-widget.h: the reader's lowest layer, the widgets: the terminal (text
 * drawn sanitised, keys read, the macro queue; ui-term.c), one scrolling
 * list (ui-list.c), keymaps (ui-keys.c), %-formats (ui-format.c) and the
 * signal flags (ui-signal.c), with the words they share: key contexts,
 * operations, attributes by role.
 *
 * Layers in src/ui/, one way: widgets (this header) -> core (ui-core.h:
 * the view stack, the one event loop, the message line, prompts, jobs)
 * -> views (ui-view.h: index, pager, compose, ...) -> ui.c, the front
 * door. A widget file includes only this header of the three; a core file
 * this one and ui-core.h (tests/func/t0009-ui-layers.sh checks it).
 * struct ui is opaque here: the list hands it back to its draw callback.
 * Only src/ui/ includes these headers (and ncurses.h).
 */
#ifndef SATCHEL_UI_WIDGET_H
#define SATCHEL_UI_WIDGET_H

#include <sys/types.h>

#include <stdint.h>
#include <glib.h>
#include <ncurses.h>

#include "util/util.h"

struct ui;

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

/*
 * Operations: the words keys are bound to. Names, help and handlers live
 * in the table in ui-ops.c (a view file: the handlers open views).
 */
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


/*
 * ui-keys.c: key codes are Unicode scalars, or UI_KEY_FN + a KEY_* code;
 * UI_KEY_META is added for a key that came after Esc ("Esc-v", "M-v").
 */
#define UI_KEY_FN	0x200000
#define UI_KEY_META	0x1000000
struct ui_keys;
/*
 * The operation named name and the contexts it may be bound in (a
 * UI_CTX_BIT mask); FALSE when there is none. The core's op table answers.
 */
typedef gboolean (*ui_keys_find_fn)(const char *name, enum ui_op *op,
		    unsigned *ctx);
struct ui_keys	*ui_keys_new(GHashTable *config_keys, ui_keys_find_fn,
		    GString *warnings);
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

/* ui-term.c: the terminal, text on it, keys from it. */
SCREEN		*ui_term_start(GString *warnings);
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

#endif
