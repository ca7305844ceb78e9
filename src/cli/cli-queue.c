/* cli-queue.c: satchel queue. */
#include "config.h"

#include <stdio.h>

#include "util/util.h"
#include "cli/cli.h"

int
cli_queue(struct cli_ctx *ctx, int argc, char **argv)
{
	fprintf(stderr, "satchel queue: not built yet\n");
	return CLI_EXIT_SOFTWARE;
}
