/*
 * ui-urls.c: the links of a message, numbered like the [N] marks the
 * pager shows for HTML links, one per line and wrapped rather than cut,
 * so they can be copied from the terminal over SSH.
 */
#include "satchel-config.h"

#include "util/util.h"
#include "mime/mime.h"
#include "mime/render.h"
#include "store/store.h"
#include "ui/ui-view.h"

/*
 * The links as the pager numbered them (its render_text's list), so that
 * links inside a decrypted part are listed under the numbers shown.
 */
struct ui_view *
ui_urls_new_list(struct ui *ui, char **urls)
{
	GPtrArray	*items;
	struct ui_view	*v;
	guint		 i;

	if (urls == NULL || urls[0] == NULL) {
		ui_message(ui, "%s", _("This message has no links."));
		return NULL;
	}
	items = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; urls[i] != NULL; i++)
		g_ptr_array_add(items, g_strdup_printf("[%u] %s", i + 1,
		    urls[i]));
	v = ui_lines_new(ui, _("satchel: links"), items, UI_CTX_URLS);
	g_ptr_array_unref(items);
	return v;
}

struct ui_view *
ui_urls_new(struct ui *ui, int64_t id)
{
	struct store_msg	*m = NULL;
	GMimeMessage		*mime;
	struct ui_view		*v;
	char			**urls;
	gboolean		 raw;

	if (store_msg_get(ui->store, id, &m) != STORE_OK) {
		ui_error(ui, "%s", store_errmsg(ui->store));
		return NULL;
	}
	mime = mime_message_from_file_raw(m->path, &raw);
	store_msg_free(m);
	if (mime == NULL) {
		ui_error(ui, "%s", _("Cannot read the message file."));
		return NULL;
	}
	urls = render_url_list(mime, NULL);
	g_object_unref(mime);
	v = ui_urls_new_list(ui, urls);
	g_strfreev(urls);
	return v;
}
