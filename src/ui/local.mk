## ui: the ncurses reader. Depends on every layer; the only module that
## includes ncurses.h.
noinst_LIBRARIES += src/ui/libui.a
src_ui_libui_a_SOURCES = src/ui/ui.h src/ui/ui-private.h src/ui/ui.c \
	src/ui/ui-term.c src/ui/ui-keys.c src/ui/ui-ops.c src/ui/ui-list.c \
	src/ui/ui-index.c src/ui/ui-folders.c src/ui/ui-lines.c \
	src/ui/ui-help.c src/ui/ui-urls.c src/ui/ui-pager.c \
	src/ui/ui-attach.c src/ui/ui-compose.c src/ui/ui-prompt.c \
	src/ui/ui-jobs.c
