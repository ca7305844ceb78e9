/*
 * ui-help.c: the help screen, generated from the operation table and the
 * keymap of the screen it was asked from, so it always tells the truth
 * about the user's own bindings.
 */
#include "satchel-config.h"

#include "util/util.h"
#include "ui/ui-view.h"

/* The help screen: generated from the key table for one context. */
struct ui_view *
ui_help_new(struct ui *ui, enum ui_ctx ctx)
{
	const struct ui_op_def	*def;
	GPtrArray		*items;
	struct ui_view		*v;
	char			*keys;
	int			 op, width = 0;

	items = g_ptr_array_new_with_free_func(g_free);
	/* The key column is as wide as the longest list of keys (capped). */
	for (op = 0; op < UI_OP_COUNT; op++) {
		if ((def = ui_ops_get((enum ui_op)op)) == NULL ||
		    (def->ctx & UI_CTX_BIT(ctx)) == 0)
			continue;
		keys = ui_keys_for(ui->keys, ctx, def->op);
		width = MAX(width, (int)sanitize_width(keys));
		g_free(keys);
	}
	width = MIN(width, 24);
	for (op = 0; op < UI_OP_COUNT; op++) {
		if ((def = ui_ops_get((enum ui_op)op)) == NULL ||
		    (def->ctx & UI_CTX_BIT(ctx)) == 0)
			continue;
		keys = ui_keys_for(ui->keys, ctx, def->op);
		if (*keys != '\0')
			g_ptr_array_add(items, g_strdup_printf("%-*s %-16s %s",
			    width, keys, def->name, _(def->help)));
		g_free(keys);
	}
	g_ptr_array_add(items, g_strdup(""));
	g_ptr_array_add(items, g_strdup(_("Keys are set in the [keys] group "
	    "of the configuration: KEY = operation.")));
	v = ui_lines_new(ui, _("satchel: help"), items, UI_CTX_HELP);
	g_ptr_array_unref(items);
	return v;
}
