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

struct ui_bounce_asked;
static struct account *ui_bounce_account(struct ui *, struct store_msg *,
		    const char *, gsize);
static gboolean	ui_bounce_load(struct ui *, int64_t, struct store_msg **,
		    char **, gsize *);
static void	ui_bounce_asked_free(struct ui_bounce_asked *);
static void	ui_bounce_to_answered(struct ui *, char *, int, void *);
static void	ui_bounce_confirmed(struct ui *, char *, int, void *);

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

/*
 * Message msg_id and its file's text (*data, *len), to bounce; FALSE
 * with the reason said (gone, only its headers here, unreadable).
 */
static gboolean
ui_bounce_load(struct ui *ui, int64_t msg_id, struct store_msg **m,
    char **data, gsize *len)
{
	*m = NULL;
	*data = NULL;
	if (store_msg_get(ui->store, msg_id, m) != STORE_OK) {
		ui_error(ui, "%s", store_errmsg(ui->store));
		*m = NULL;
		return FALSE;
	}
	if ((*m)->flags & STORE_FLAG_PARTIAL) {
		ui_error(ui, "%s", _("Only the headers of this message are "
		    "here: download it whole first."));
		g_clear_pointer(m, store_msg_free);
		return FALSE;
	}
	if ((*data = file_read_all((*m)->path, len)) == NULL) {
		ui_error(ui, _("Cannot read the message file %s."), (*m)->path);
		g_clear_pointer(m, store_msg_free);
		return FALSE;
	}
	return TRUE;
}

/* A bounce asked: the message, then what is queued if the user agrees. */
struct ui_bounce_asked {
	int64_t			 msg_id;
	struct account		*acc;
	GBytes			*bytes;
	GPtrArray		*rcpts;
	char			*resent_id;
};

static void
ui_bounce_asked_free(struct ui_bounce_asked *a)
{
	if (a->bytes != NULL)
		g_bytes_unref(a->bytes);
	if (a->rcpts != NULL)
		g_ptr_array_unref(a->rcpts);
	g_free(a->resent_id);
	g_free(a);
}

void
ui_bounce_start(struct ui *ui, int64_t msg_id)
{
	struct ui_bounce_asked	*a;
	struct store_msg	*m;
	char			*data;
	gsize			 len = 0;

	if (!ui_bounce_load(ui, msg_id, &m, &data, &len))
		return;
	store_msg_free(m);
	g_free(data);
	a = g_new0(struct ui_bounce_asked, 1);
	a->msg_id = msg_id;
	ui_prompt_ask(ui, _("Bounce message to: "), NULL, UI_PROMPT_ADDRESS,
	    FALSE, ui_bounce_to_answered, a);
}

/*
 * The recipients typed (to, NULL: cancelled): the message resent to
 * them, and the user asked to confirm who gets it, from whom.
 */
static void
ui_bounce_to_answered(struct ui *ui, char *to, int key, void *data)
{
	struct ui_bounce_asked	*a = data;
	struct store_msg	*m = NULL;
	struct compose_identity	 id;
	g_autoptr(GString)	 ask = NULL;
	GError			*err = NULL;
	char			*text = NULL;
	gsize			 len = 0;
	guint			 i;

	(void)key;
	if (to == NULL || *g_strstrip(to) == '\0' ||
	    !ui_bounce_load(ui, a->msg_id, &m, &text, &len))
		goto out;
	a->acc = ui_bounce_account(ui, m, text, len);
	id.name = a->acc->from_name;
	id.addr = a->acc->from_addr;
	if ((a->bytes = compose_resent(&id, to, text, len, &a->rcpts,
	    &a->resent_id, &err)) == NULL) {
		ui_error(ui, _("Not bounced: %s"), err->message);
		g_clear_error(&err);
		goto out;
	}
	ask = g_string_new(NULL);
	for (i = 0; i < a->rcpts->len; i++)
		g_string_append_printf(ask, "%s%s", i > 0 ? ", " : "",
		    (const char *)g_ptr_array_index(a->rcpts, i));
	g_string_prepend(ask, _("Bounce message to "));
	g_string_append_printf(ask, _(" (from %s)?"), a->acc->from_addr);
	ui_prompt_ask_yesno(ui, ask->str, TRUE, ui_bounce_confirmed, a);
	a = NULL;
out:
	if (a != NULL)
		ui_bounce_asked_free(a);
	g_free(text);
	g_free(to);
	store_msg_free(m);
}

/* ui_prompt_fn of the confirmation: queued if yes. */
static void
ui_bounce_confirmed(struct ui *ui, char *line, int yes, void *data)
{
	struct ui_bounce_asked	*a = data;
	GError			*err = NULL;
	enum outbox_status	 os;

	(void)line;
	if (!yes) {
		ui_message(ui, "%s", _("Not bounced."));
		ui_bounce_asked_free(a);
		return;
	}
	os = outbox_queue_resent(ui->store, a->acc, a->bytes, a->rcpts,
	    a->resent_id, NULL, &err);
	ui_bounce_asked_free(a);
	if (os != OUTBOX_OK) {
		ui_error(ui, _("Not queued: %s"), err != NULL ? err->message :
		    outbox_strerror(os));
		g_clear_error(&err);
		return;
	}
	ui_message(ui, "%s", _("Message bounced: queued for sending."));
	ui_jobs_send(ui);
}
