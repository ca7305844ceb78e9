/* cli-compose.c: satchel compose. */
#include "config.h"

#include <stdio.h>

#include "util/util.h"
#include "cli/cli.h"

int
cli_compose(struct cli_ctx *ctx, int argc, char **argv)
{
	fprintf(stderr, "satchel compose: not built yet\n");
	return CLI_EXIT_SOFTWARE;
}
