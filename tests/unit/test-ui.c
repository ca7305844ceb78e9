/*
 * test-ui: the reader's core without a terminal: what changed reaches
 * every view, top first, and only views with a changed hook; a view asks
 * the one below to step through its ops, and a view without a step op
 * answers -1; the status bar finds the message list under the top; the
 * typed event frees what its own type holds.
 */
#include "satchel-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/util.h"
#include "ui/ui-core.h"

/* The order in which views heard of a change: their names. */
static GString	*heard;

static void
test_ui_changed(struct ui *ui, struct ui_view *v, const struct ui_change *ch)
{
	(void)ui;
	g_string_append_printf(heard, "%s:%d:%" G_GINT64_FORMAT ";",
	    v->ops->name, ch->kind, ch->new_id);
}

static int64_t
test_ui_step(struct ui *ui, struct ui_view *v, int dir, gboolean thread)
{
	(void)ui;
	(void)v;
	return thread ? 100 + dir : 10 + dir;
}

static guint64
test_ui_list_info(struct ui_view *v, const char **folder, const char **query)
{
	(void)v;
	*folder = "Inbox";
	*query = "~N";
	return 42;
}

static const struct ui_view_ops test_ui_list_ops = {
	.name = "list",
	.changed = test_ui_changed,
	.step = test_ui_step,
	.list_info = test_ui_list_info,
};
static const struct ui_view_ops test_ui_pager_ops = {
	.name = "pager",
	.changed = test_ui_changed,
};
static const struct ui_view_ops test_ui_help_ops = {
	.name = "help",
};

/* A reader state with a stack of three views: list, pager, help (top). */
static void
test_ui_stack(struct ui *ui)
{
	memset(ui, 0, sizeof *ui);
	ui->views = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)ui_view_free);
	g_ptr_array_add(ui->views, ui_view_new(&test_ui_list_ops, NULL));
	g_ptr_array_add(ui->views, ui_view_new(&test_ui_pager_ops, NULL));
	g_ptr_array_add(ui->views, ui_view_new(&test_ui_help_ops, NULL));
}

static void
test_changed_top_first(void **state)
{
	struct ui		ui;
	struct ui_change	ch = { UI_CHANGE_BODY, 7, 8 };

	(void)state;
	test_ui_stack(&ui);
	heard = g_string_new(NULL);
	ui_views_changed(&ui, &ch);
	assert_string_equal(heard->str, "pager:2:8;list:2:8;");
	g_string_free(heard, TRUE);
	g_ptr_array_unref(ui.views);
}

static void
test_step_below(void **state)
{
	struct ui	 ui;
	struct ui_view	*pager, *below;

	(void)state;
	test_ui_stack(&ui);
	pager = g_ptr_array_index(ui.views, 1);
	below = ui_view_below(&ui, pager);
	assert_ptr_equal(below, g_ptr_array_index(ui.views, 0));
	assert_true(ui_view_steps(below));
	assert_int_equal(ui_view_step(&ui, below, 1, FALSE), 11);
	assert_int_equal(ui_view_step(&ui, below, -1, TRUE), 99);
	/* The pager does not step; nothing is below the list. */
	assert_false(ui_view_steps(pager));
	assert_int_equal(ui_view_step(&ui, pager, 1, FALSE), -1);
	assert_null(ui_view_below(&ui, below));
	assert_false(ui_view_steps(NULL));
	assert_int_equal(ui_view_current(&ui, pager), -1);
	g_ptr_array_unref(ui.views);
}

static void
test_list_info(void **state)
{
	struct ui	 ui;
	const char	*folder = NULL, *query = NULL;
	guint64		 total = 0;

	(void)state;
	test_ui_stack(&ui);
	assert_false(ui_view_list_info(g_ptr_array_index(ui.views, 2),
	    &folder, &total, &query));
	assert_true(ui_view_list_info(g_ptr_array_index(ui.views, 0),
	    &folder, &total, &query));
	assert_string_equal(folder, "Inbox");
	assert_string_equal(query, "~N");
	assert_int_equal(total, 42);
	g_ptr_array_unref(ui.views);
}

static void
test_event_free(void **state)
{
	struct ui_event	*ev;
	GAsyncQueue	*reply = g_async_queue_new();

	(void)state;
	/* A secret's question holds a reference on the queue it answers on. */
	ev = g_new0(struct ui_event, 1);
	ev->type = UI_EV_NEED_SECRET;
	ev->text = g_strdup("pop3:password:home");
	ev->u.secret.reply = g_async_queue_ref(reply);
	ui_event_free(ev);
	/* Other types hold no queue: their union bytes are not one. */
	ev = g_new0(struct ui_event, 1);
	ev->type = UI_EV_FETCH_PROGRESS;
	ev->u.progress.msgs = 3;
	ev->u.progress.msgs_total = 5;
	ui_event_free(ev);
	ui_event_free(NULL);
	g_async_queue_unref(reply);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_changed_top_first),
		cmocka_unit_test(test_step_below),
		cmocka_unit_test(test_list_info),
		cmocka_unit_test(test_event_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
