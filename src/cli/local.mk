## cli: subcommands, one file each. Depends on every layer but ui.
noinst_LIBRARIES += src/cli/libcli.a
src_cli_libcli_a_SOURCES = src/cli/cli.h src/cli/cli.c src/cli/cli-borrowed.c \
	src/cli/cli-fetch.c src/cli/cli-send.c src/cli/cli-compose.c \
	src/cli/cli-search.c src/cli/cli-import.c src/cli/cli-reindex.c \
	src/cli/cli-queue.c src/cli/cli-sync.c src/cli/cli-sendmail.c

## Sending when the network returns: failure kinds, sync, sendmail.
CLI_NET_TESTS = tests/func/t3400-send-waits.sh tests/func/t3410-send-sync.sh \
	tests/func/t3420-send-netns.sh tests/func/t3430-send-sendmail.sh
TESTS += $(CLI_NET_TESTS)
EXTRA_DIST += $(CLI_NET_TESTS)
