/*
 * netwatch.h: "the network changed, try now". Depends on GLib/GIO only.
 *
 * Wraps GIO's GNetworkMonitor (netlink on Linux). Its "network-changed"
 * signal is taken as a hint to try again, never its "network-available"
 * property as the truth: the property stays TRUE while other routes exist
 * and FALSE on a network without a default route. A burst of changes (a
 * link coming up adds an address and several routes) becomes one call.
 */
#ifndef SATCHEL_NETWATCH_H
#define SATCHEL_NETWATCH_H

#include <glib.h>

/* Milliseconds a burst of changes must settle before the callback. */
#define NETWATCH_SETTLE_MS	200

typedef void	(*netwatch_fn)(void *data);
struct netwatch;

/*
 * Start watching. own_thread FALSE: in the caller's thread-default main
 * context (the caller runs a GMainLoop); fn runs there. own_thread TRUE:
 * in a private thread with its own main loop (for a program that runs its
 * own poll loop); fn runs in that thread and must only hand the news on.
 * Returns NULL (after a log line) when the network cannot be watched.
 */
struct netwatch	*netwatch_new(gboolean own_thread, netwatch_fn fn,
		    void *data);
/* Stop watching (joins the private thread). NULL is fine. */
void		 netwatch_free(struct netwatch *);

#endif
