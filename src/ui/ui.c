/* ui.c: the reader's main loop. */
#include "config.h"

#include <stdio.h>

#include "util/util.h"
#include "cli/cli.h"
#include "ui/ui.h"

int
ui_main(struct cli_ctx *ctx)
{
	fprintf(stderr, "satchel: the reader is not built yet\n");
	return CLI_EXIT_SOFTWARE;
}
