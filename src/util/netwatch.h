/*
 * netwatch.h: "the network changed, try now". Depends on GLib/GIO only.
 *
 * Wraps GIO's GNetworkMonitor (netlink on Linux). Its "network-changed"
 * signal is taken as a hint to try again, never its "network-available"
 * property as the truth: the property stays TRUE while other routes exist
 * and FALSE on a network without a default route. A burst of changes (a
 * link coming up adds an address and several routes) becomes one call,
 * and two more follow (again TRUE) while the network settles: a first try
 * can fail when a route exists before the link carries packets, or while
 * DHCP and neighbour discovery finish.
 */
#ifndef SATCHEL_NETWATCH_H
#define SATCHEL_NETWATCH_H

#include <glib.h>

/* Milliseconds a burst of changes must settle before the callback. */
#define NETWATCH_SETTLE_MS	200
/* The second and third looks, in milliseconds after the first. */
#define NETWATCH_AGAIN1_MS	2000
#define NETWATCH_AGAIN2_MS	5000

/* again: FALSE for the first call after a change, TRUE for the others. */
typedef void	(*netwatch_fn)(gboolean again, void *data);
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
