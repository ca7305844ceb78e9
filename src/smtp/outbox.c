/*
 * outbox.c: what the outbox's files share (layer smtp): its status names
 * and error domain, the store's errors as outbox errors, the entry. The
 * queue is outbox-queue.c, the sender outbox-send.c, bounce matching
 * outbox-bounce.c, the backoff outbox-retry.c.
 */
#include "satchel-config.h"

#include "util/util.h"
#include "smtp/outbox-private.h"

G_DEFINE_QUARK(satchel-outbox-error-quark, outbox_error)

const char *
outbox_strerror(enum outbox_status st)
{
	switch (st) {
	case OUTBOX_OK:
		return _("success");
	case OUTBOX_ERR_STORE:
		return _("the store failed");
	case OUTBOX_ERR_NOTFOUND:
		return _("no such queue entry");
	case OUTBOX_ERR_STATE:
		return _("not possible in the entry's state");
	case OUTBOX_ERR_ACCOUNT:
		return _("the account cannot send");
	case OUTBOX_ERR_INVALID:
		return _("the message cannot be sent");
	case OUTBOX_ERR_BUSY:
		return _("another sender is running");
	case OUTBOX_ERR_TEMP:
		return _("some messages wait for a retry");
	case OUTBOX_ERR_PERM:
		return _("some messages failed");
	case OUTBOX_ERR_CREDENTIALS:
		return _("no password or token");
	}
	return _("unknown error");
}

void
outbox_entry_free(struct outbox_entry *e)
{
	if (e == NULL)
		return;
	store_queue_row_clear(&e->row);
	g_free(e);
}

enum outbox_status
outbox_store_error(struct store *st, enum store_status s, GError **err)
{
	if (s == STORE_ERR_NOTFOUND) {
		g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_NOTFOUND, "%s",
		    store_errmsg(st));
		return OUTBOX_ERR_NOTFOUND;
	}
	/* Another process holds the store: temporary, try again later. */
	if (s == STORE_ERR_BUSY) {
		g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_BUSY, "%s",
		    store_errmsg(st));
		return OUTBOX_ERR_BUSY;
	}
	g_set_error(err, OUTBOX_ERROR, OUTBOX_ERR_STORE, "%s",
	    store_errmsg(st));
	return OUTBOX_ERR_STORE;
}
