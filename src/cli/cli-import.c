/* cli-import.c: satchel import. */
#include "config.h"

#include <stdio.h>

#include "util/util.h"
#include "cli/cli.h"

int
cli_import(struct cli_ctx *ctx, int argc, char **argv)
{
	fprintf(stderr, "satchel import: not built yet\n");
	return CLI_EXIT_SOFTWARE;
}
