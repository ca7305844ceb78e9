/*
 * store-addr.h: the address book that builds itself from the index:
 * everyone the store has exchanged mail with (the senders of mail
 * received, the To and Cc of mail in Sent and the Outbox), ranked by how
 * often and how recently. Part of the store module.
 */
#ifndef SATCHEL_STORE_ADDR_H
#define SATCHEL_STORE_ADDR_H

#include <stdint.h>
#include <glib.h>

#include "store/store.h"

struct store_addr {
	char		*name;		/* display name, raw; may be NULL */
	char		*addr;		/* as written (case kept) */
	guint		 count;		/* messages from or to it */
	int64_t		 last;		/* newest of those (Unix time) */
	double		 score;		/* the rank: higher first */
};
void		 store_addr_free(struct store_addr *);

/*
 * The addresses whose address, or a word of whose name, starts with
 * prefix (case-insensitive; "" for all), best first, at most limit. A
 * message counts 1 when received and 2 when sent (a person written to
 * is more likely wanted), weighed by its age at now: 1 / (1 + days / 30).
 * *out: GPtrArray of struct store_addr * (owning).
 */
enum store_status store_addr_complete(struct store *, const char *prefix,
		    int64_t now, guint limit, GPtrArray **out);

#endif
