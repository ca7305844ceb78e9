/*
 * outbox-retry.c: when to try a deferred message again.
 */
#include "satchel-config.h"

#include "util/util.h"
#include "smtp/outbox.h"

gint64
outbox_retry_delay(guint attempts)
{
	gint64 delay = 60;

	if (attempts == 0)
		return 0;
	/* 1, 2, 4 ... minutes; the shift stops long before overflow. */
	while (--attempts > 0 && delay < OUTBOX_RETRY_MAX)
		delay *= 2;
	return MIN(delay, OUTBOX_RETRY_MAX);
}

gint64
outbox_retry_network_delay(guint attempts)
{
	return MIN(outbox_retry_delay(attempts), OUTBOX_RETRY_NET_MAX);
}

gboolean
outbox_retry_expired(int64_t created, int64_t now)
{
	return created > 0 && now - created > OUTBOX_RETRY_EXPIRE;
}
