/* cli-fetch.c: satchel fetch. */
#include "config.h"

#include <stdio.h>

#include "util/util.h"
#include "cli/cli.h"

int
cli_fetch(struct cli_ctx *ctx, int argc, char **argv)
{
	fprintf(stderr, "satchel fetch: not built yet\n");
	return CLI_EXIT_SOFTWARE;
}
