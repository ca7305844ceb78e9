## ui: the ncurses reader. Depends on every layer.
noinst_LIBRARIES += src/ui/libui.a
src_ui_libui_a_SOURCES = src/ui/ui.h src/ui/ui.c
