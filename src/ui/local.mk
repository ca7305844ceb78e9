## ui: the ncurses reader. Depends on every layer; the only module that
## includes ncurses.h. Inside it, one way: widgets (ui-widget.h) -> core
## (ui-core.h) -> views (ui-view.h) -> ui.c (tests/func/t0009).
noinst_LIBRARIES += src/ui/libui.a
# Widgets: the terminal, the list, keymaps, formats, signal flags.
src_ui_libui_a_SOURCES = src/ui/ui-widget.h src/ui/ui-term.c \
	src/ui/ui-list.c src/ui/ui-keys.c src/ui/ui-format.c \
	src/ui/ui-signal.c
# Core: the view stack, the one loop, the message line, prompts, jobs.
src_ui_libui_a_SOURCES += src/ui/ui-core.h src/ui/ui-core.c \
	src/ui/ui-screen.c src/ui/ui-colors.c src/ui/ui-prompt.c \
	src/ui/ui-complete.c src/ui/ui-jobs.c
# Views, the table of operations that opens them, and the front door.
src_ui_libui_a_SOURCES += src/ui/ui-view.h src/ui/ui-ops.c \
	src/ui/ui-index.c src/ui/ui-folders.c src/ui/ui-lines.c \
	src/ui/ui-help.c src/ui/ui-urls.c src/ui/ui-pager.c \
	src/ui/ui-attach.c src/ui/ui-compose.c src/ui/ui-raw.c \
	src/ui/ui-outbox.c src/ui/ui-bounce.c src/ui/ui.h src/ui/ui.c

## Functional tests: tmux drives the reader as a person would.
UI_TESTS = tests/func/t6000-ui-basic.sh tests/func/t6001-ui-search.sh \
	tests/func/t6002-ui-compose.sh tests/func/t6003-ui-term.sh \
	tests/func/t6004-ui-keys.sh tests/func/t6005-ui-sync.sh \
	tests/func/t6006-ui-partial.sh tests/func/t6007-ui-others.sh \
	tests/func/t6008-ui-thread-scope.sh \
	tests/func/t6009-ui-unparsable.sh \
	tests/func/t6012-ui-editor.sh tests/func/t6013-ui-quiet-retries.sh \
	tests/func/t6014-ui-identities.sh tests/func/t6015-ui-sender-gone.sh \
	tests/func/t6016-ui-honest-status.sh tests/func/t6017-ui-crypt.sh \
	tests/func/t6018-ui-compose-crypt.sh tests/func/t6019-ui-pinentry.sh \
	tests/func/t6020-ui-ascii-locale.sh \
	tests/func/t6021-ui-server-answered.sh \
	tests/func/t6022-ui-typeahead.sh
TESTS += $(UI_TESTS)
EXTRA_DIST += $(UI_TESTS)

## The reader's customisation and pager habits (issue 14).
UI_HABIT_TESTS = tests/func/t6140-ui-pager-malformed.sh \
	tests/func/t6141-ui-colors.sh tests/func/t6142-ui-pager-habits.sh \
	tests/func/t6143-ui-formats-macros.sh
TESTS += $(UI_HABIT_TESTS)
EXTRA_DIST += $(UI_HABIT_TESTS)
## mutt's patterns, the queue, bounce and completion in the reader.
UI_MUTT_TESTS = tests/func/t6120-ui-patterns.sh \
	tests/func/t6121-ui-outbox.sh tests/func/t6122-ui-bounce.sh \
	tests/func/t6123-ui-complete.sh
TESTS += $(UI_MUTT_TESTS)
EXTRA_DIST += $(UI_MUTT_TESTS)

## Borrowed-machine mode, end to end.
BORROWED_TESTS = tests/func/t7100-borrowed-session.sh \
	tests/func/t7100-borrowed-oneoff.sh tests/func/t7160-borrowed-editor.sh \
	tests/func/t7165-borrowed-gnupg.sh \
	tests/func/t7170-borrowed-oneoff-from.sh \
	tests/func/t7180-borrowed-editor-home.sh \
	tests/func/t7185-borrowed-viewer-home.sh \
	tests/func/t7190-borrowed-bundle.sh
TESTS += $(BORROWED_TESTS)
EXTRA_DIST += $(BORROWED_TESTS)
TESTS += tests/func/t6010-ui-bounce.sh
EXTRA_DIST += tests/func/t6010-ui-bounce.sh
TESTS += tests/func/t6011-ui-stderr.sh
EXTRA_DIST += tests/func/t6011-ui-stderr.sh
# mutt's default keys: tagging, the missing verbs, threads.
UI_MUTT_KEYS_TESTS = tests/func/t6100-ui-tagging.sh \
	tests/func/t6101-ui-pipe-save-jump.sh \
	tests/func/t6102-ui-list-recall-forward.sh \
	tests/func/t6103-ui-threads.sh \
	tests/func/t6104-ui-borrowed-pipe.sh \
	tests/func/t6105-ui-pipe-unread.sh
TESTS += $(UI_MUTT_KEYS_TESTS)
EXTRA_DIST += $(UI_MUTT_KEYS_TESTS)

## The reader's core without a terminal: the view stack, typed events.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-ui
TESTS += tests/unit/test-ui
tests_unit_test_ui_SOURCES = tests/unit/test-ui.c
tests_unit_test_ui_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_ui_LDADD = $(SATCHEL_LIBS) $(CMOCKA_LIBS) $(SATCHEL_EXTLIBS)
endif
