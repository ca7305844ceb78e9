/*
 * ui.h: the ncurses reader. The only module that includes ncurses.h and the
 * only one that draws on the terminal.
 */
#ifndef SATCHEL_UI_H
#define SATCHEL_UI_H

struct cli_ctx;

/* Open the reader on the configured store. Returns an exit status. */
int	ui_main(struct cli_ctx *);

#endif
