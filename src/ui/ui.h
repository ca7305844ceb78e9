/*
 * ui.h: the ncurses reader, a front end on the session layer
 * (session/session.h), beside cli/ and never including it. The only
 * module that includes ncurses.h and the only one that draws on the
 * terminal. Inside, it is one way (doc/UI-LAYERS): widgets (ui-widget.h)
 * below the core (ui-core.h) below the views (ui-view.h) below ui.c, which
 * this header fronts.
 */
#ifndef SATCHEL_UI_H
#define SATCHEL_UI_H

struct session;

/*
 * Rebuild the index from the Maildir, saying how on stderr (curses is not
 * running): the front end that knows how. Returns an exit status.
 */
typedef int	(*ui_rebuild_fn)(struct session *);

/*
 * Open the reader on the session's store. rebuild is run when the person
 * asks for a damaged index to be rebuilt. Returns an exit status (enum
 * session_exit).
 */
int	ui_main(struct session *, ui_rebuild_fn rebuild);

#endif
