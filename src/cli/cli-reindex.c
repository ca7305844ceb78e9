/* cli-reindex.c: satchel reindex. */
#include "config.h"

#include <stdio.h>

#include "util/util.h"
#include "cli/cli.h"

int
cli_reindex(struct cli_ctx *ctx, int argc, char **argv)
{
	fprintf(stderr, "satchel reindex: not built yet\n");
	return CLI_EXIT_SOFTWARE;
}
