/*
 * ui-raw.c: a message as it is stored, every byte of its header and body
 * (mutt users reach for this when a message looks wrong). The text is
 * made valid UTF-8 and then sanitised like everything else from mail
 * before it reaches the terminal: escapes and controls never do. Big
 * messages are shown up to a cap, with a line saying so.
 */
#include "satchel-config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "store/store.h"
#include "ui/ui-view.h"

#define UI_RAW_MAX	(4 * 1024 * 1024)

void
ui_raw_show(struct ui *ui, int64_t id)
{
	struct store_msg	*m = NULL;
	GPtrArray		*items;
	char			*buf, *title;
	const char		*p, *end, *nl;
	ssize_t			 n;
	size_t			 len = 0;
	gboolean		 cut = FALSE;
	int			 fd;

	if (store_msg_get(ui->store, id, &m) != STORE_OK) {
		ui_error(ui, "%s", store_errmsg(ui->store));
		return;
	}
	if ((fd = open(m->path, O_RDONLY | O_CLOEXEC)) < 0) {
		ui_error(ui, _("Cannot read the message file %s."), m->path);
		store_msg_free(m);
		return;
	}
	buf = g_malloc(UI_RAW_MAX + 1);
	while (len < UI_RAW_MAX && ((n = read(fd, buf + len,
	    UI_RAW_MAX - len)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	if (len == UI_RAW_MAX && read(fd, buf + len, 1) == 1)
		cut = TRUE;
	close(fd);
	items = g_ptr_array_new_with_free_func(g_free);
	end = buf + len;
	for (p = buf; p < end; p = nl + 1) {
		size_t l;

		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		l = (size_t)(nl - p);
		if (l > 0 && p[l - 1] == '\r')
			l--;
		/* Sanitised when drawn (ui-lines.c); valid UTF-8 first. */
		g_ptr_array_add(items, g_utf8_make_valid(p, (gssize)l));
	}
	if (cut)
		g_ptr_array_add(items, g_strdup_printf(_("[-- The rest of "
		    "the message is not shown (more than %u MB) --]"),
		    UI_RAW_MAX / (1024 * 1024)));
	g_free(buf);
	title = g_strdup_printf(_("satchel: raw message (%s)"), m->folder);
	ui_push(ui, ui_lines_new(ui, title, items, UI_CTX_HELP));
	g_free(title);
	g_ptr_array_unref(items);
	store_msg_free(m);
}
