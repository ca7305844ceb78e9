/*
 * outbox-private.h: what the outbox's files (outbox.c, outbox-queue.c,
 * outbox-send.c, outbox-bounce.c; layer smtp) share. Not a public
 * contract: outbox.h is.
 */
#ifndef SATCHEL_OUTBOX_PRIVATE_H
#define SATCHEL_OUTBOX_PRIVATE_H

#include <glib.h>

#include "store/store.h"
#include "smtp/outbox.h"

/*
 * The store lock a sender holds while it flushes: whether a "sending"
 * entry is live or maybe sent, and what the user may change meanwhile.
 */
#define OUTBOX_LOCK		"send"

/*
 * The store's error s (its text from st) as an outbox error in err:
 * OUTBOX_ERR_NOTFOUND, OUTBOX_ERR_BUSY (another process holds the store)
 * or OUTBOX_ERR_STORE.
 */
enum outbox_status outbox_store_error(struct store *, enum store_status,
		    GError **);

#endif
