/* cli-search.c: satchel search. */
#include "config.h"

#include <stdio.h>

#include "util/util.h"
#include "cli/cli.h"

int
cli_search(struct cli_ctx *ctx, int argc, char **argv)
{
	fprintf(stderr, "satchel search: not built yet\n");
	return CLI_EXIT_SOFTWARE;
}
