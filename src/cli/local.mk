## cli: subcommands, one file each. Depends on every layer but ui.
noinst_LIBRARIES += src/cli/libcli.a
src_cli_libcli_a_SOURCES = src/cli/cli.h src/cli/cli.c src/cli/cli-borrowed.c \
	src/cli/cli-fetch.c src/cli/cli-send.c src/cli/cli-compose.c \
	src/cli/cli-search.c src/cli/cli-import.c src/cli/cli-reindex.c \
	src/cli/cli-queue.c
