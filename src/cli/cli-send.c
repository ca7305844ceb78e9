/* cli-send.c: satchel send. */
#include "config.h"

#include <stdio.h>

#include "util/util.h"
#include "cli/cli.h"

int
cli_send(struct cli_ctx *ctx, int argc, char **argv)
{
	fprintf(stderr, "satchel send: not built yet\n");
	return CLI_EXIT_SOFTWARE;
}
