/*
 * ui-bounce.c: bounce (mutt's b; "redirect"): the message under the
 * cursor goes, unchanged, to new recipients through the outbox, with
 * Resent-From, Resent-To, Resent-Date and Resent-Message-ID on top
 * (compose_resent). The envelope is the new recipients, from the address
 * of the account the message came in through.
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "config/config.h"
#include "mime/mime.h"
#include "mime/compose.h"
#include "store/store.h"
#include "smtp/outbox.h"
#include "ui/ui-view.h"

static struct account *ui_bounce_account(struct ui *, struct store_msg *,
		    const char *, gsize);

/*
 * The account that resends: the one that fetched the message, else the
 * one it was addressed to, else the first.
 */
static struct account *
ui_bounce_account(struct ui *ui, struct store_msg *m, const char *data,
    gsize len)
{
	g_autoptr(GMimeMessage)	 mime = NULL;
	g_autoptr(GPtrArray)	 to = NULL;
	struct account		*a;
	guint			 i;

	if (m->account != NULL &&
	    (a = config_account(ui->config, m->account)) != NULL &&
	    strcmp(a->name, m->account) == 0 && a->from_addr != NULL)
		return a;
	if ((mime = mime_message_from_data(data, len)) != NULL) {
		to = compose_addressed_to(mime);
		for (i = 0; i < to->len; i++)
			if ((a = config_account_for_address(ui->config,
			    g_ptr_array_index(to, i))) != NULL &&
			    a->from_addr != NULL)
				return a;
	}
	return config_account(ui->config, NULL);
}

void
ui_bounce_start(struct ui *ui, int64_t msg_id)
{
	struct store_msg	*m = NULL;
	struct account		*acc;
	struct compose_identity	 id;
	g_autoptr(GPtrArray)	 rcpts = NULL;
	g_autoptr(GString)	 ask = NULL;
	GBytes			*bytes = NULL;
	GError			*err = NULL;
	char			*data = NULL, *to = NULL, *resent_id = NULL;
	enum outbox_status	 os;
	gsize			 len = 0;
	guint			 i;

	if (store_msg_get(ui->store, msg_id, &m) != STORE_OK) {
		ui_error(ui, "%s", store_errmsg(ui->store));
		return;
	}
	if (m->flags & STORE_FLAG_PARTIAL) {
		ui_error(ui, "%s", _("Only the headers of this message are "
		    "here: download it whole first."));
		goto out;
	}
	if ((data = file_read_all(m->path, &len)) == NULL) {
		ui_error(ui, _("Cannot read the message file %s."), m->path);
		goto out;
	}
	to = ui_prompt_line_kind(ui, _("Bounce message to: "), NULL,
	    UI_PROMPT_ADDRESS);
	if (to == NULL || *g_strstrip(to) == '\0')
		goto out;
	acc = ui_bounce_account(ui, m, data, len);
	id.name = acc->from_name;
	id.addr = acc->from_addr;
	if ((bytes = compose_resent(&id, to, data, len, &rcpts, &resent_id,
	    &err)) == NULL) {
		ui_error(ui, _("Not bounced: %s"), err->message);
		g_clear_error(&err);
		goto out;
	}
	ask = g_string_new(NULL);
	for (i = 0; i < rcpts->len; i++)
		g_string_append_printf(ask, "%s%s", i > 0 ? ", " : "",
		    (const char *)g_ptr_array_index(rcpts, i));
	g_string_prepend(ask, _("Bounce message to "));
	g_string_append_printf(ask, _(" (from %s)?"), acc->from_addr);
	if (!ui_prompt_yesno(ui, ask->str, TRUE)) {
		ui_message(ui, "%s", _("Not bounced."));
		goto out;
	}
	os = outbox_queue_resent(ui->store, acc, bytes, rcpts, resent_id, NULL,
	    &err);
	if (os != OUTBOX_OK) {
		ui_error(ui, _("Not queued: %s"), err != NULL ? err->message :
		    outbox_strerror(os));
		g_clear_error(&err);
		goto out;
	}
	ui_message(ui, "%s", _("Message bounced: queued for sending."));
	ui_jobs_send(ui);
out:
	if (bytes != NULL)
		g_bytes_unref(bytes);
	g_free(resent_id);
	g_free(to);
	g_free(data);
	store_msg_free(m);
}
