/*
 * netwatch.c: network changes from GNetworkMonitor, debounced, to one
 * callback.
 */
#include "satchel-config.h"

#include <gio/gio.h>

#include "util/util.h"
#include "util/netwatch.h"

struct netwatch {
	netwatch_fn	 fn;
	void		*data;
	GNetworkMonitor	*monitor;
	gulong		 handler;
	GMainContext	*ctx;		/* where the signal and fn run */
	GSource		*settle;	/* pending debounce timer, or NULL */
	guint		 look;		/* looks done since the last change */
	GThread		*thread;	/* own_thread only */
	GMainLoop	*loop;		/* own_thread only */
	GMutex		 lock;
	GCond		 cond;
	gboolean	 ready;
};

static void	 netwatch_changed(GNetworkMonitor *, gboolean, gpointer);
static void	 netwatch_arm(struct netwatch *, guint);
static gboolean	 netwatch_settled(gpointer);
static void	 netwatch_attach(struct netwatch *);
static void	 netwatch_detach(struct netwatch *);
static gpointer	 netwatch_thread(gpointer);
static gboolean	 netwatch_quit(gpointer);

static void
netwatch_arm(struct netwatch *nw, guint ms)
{
	nw->settle = g_timeout_source_new(ms);
	g_source_set_callback(nw->settle, netwatch_settled, nw, NULL);
	g_source_attach(nw->settle, nw->ctx);
}

static gboolean
netwatch_settled(gpointer data)
{
	struct netwatch	*nw = data;
	guint		 look = nw->look++;

	g_source_unref(nw->settle);
	nw->settle = NULL;
	log_debug("netwatch: the network changed (look %u)", look + 1);
	if (look == 0)
		netwatch_arm(nw, NETWATCH_AGAIN1_MS);
	else if (look == 1)
		netwatch_arm(nw, NETWATCH_AGAIN2_MS - NETWATCH_AGAIN1_MS);
	nw->fn(look > 0, nw->data);
	return G_SOURCE_REMOVE;
}

static void
netwatch_changed(GNetworkMonitor *m, gboolean available, gpointer data)
{
	struct netwatch *nw = data;

	(void)m;
	(void)available;
	/* Within a burst: wait for its end. After the first look: anew. */
	if (nw->settle != NULL && nw->look == 0)
		return;
	if (nw->settle != NULL) {
		g_source_destroy(nw->settle);
		g_source_unref(nw->settle);
	}
	nw->look = 0;
	netwatch_arm(nw, NETWATCH_SETTLE_MS);
}

/* In the watching thread, with nw->ctx its thread-default context. */
static void
netwatch_attach(struct netwatch *nw)
{
	/*
	 * The monitor binds to the thread-default context of the thread
	 * that makes it first; its signal is emitted there.
	 */
	nw->monitor = g_network_monitor_get_default();
	if (nw->monitor == NULL) {
		log_warn("netwatch: %s", _("cannot watch the network"));
		return;
	}
	g_object_ref(nw->monitor);
	nw->handler = g_signal_connect(nw->monitor, "network-changed",
	    G_CALLBACK(netwatch_changed), nw);
}

static void
netwatch_detach(struct netwatch *nw)
{
	if (nw->settle != NULL) {
		g_source_destroy(nw->settle);
		g_source_unref(nw->settle);
		nw->settle = NULL;
	}
	if (nw->monitor != NULL) {
		if (nw->handler != 0)
			g_signal_handler_disconnect(nw->monitor, nw->handler);
		g_object_unref(nw->monitor);
		nw->monitor = NULL;
	}
}

static gpointer
netwatch_thread(gpointer data)
{
	struct netwatch *nw = data;

	g_main_context_push_thread_default(nw->ctx);
	netwatch_attach(nw);
	g_mutex_lock(&nw->lock);
	nw->ready = TRUE;
	g_cond_signal(&nw->cond);
	g_mutex_unlock(&nw->lock);
	g_main_loop_run(nw->loop);
	netwatch_detach(nw);
	g_main_context_pop_thread_default(nw->ctx);
	return NULL;
}

static gboolean
netwatch_quit(gpointer data)
{
	struct netwatch *nw = data;

	g_main_loop_quit(nw->loop);
	return G_SOURCE_REMOVE;
}

struct netwatch *
netwatch_new(gboolean own_thread, netwatch_fn fn, void *data)
{
	struct netwatch *nw;

	nw = g_new0(struct netwatch, 1);
	nw->fn = fn;
	nw->data = data;
	g_mutex_init(&nw->lock);
	g_cond_init(&nw->cond);
	if (!own_thread) {
		nw->ctx = g_main_context_ref_thread_default();
		netwatch_attach(nw);
		return nw;
	}
	nw->ctx = g_main_context_new();
	nw->loop = g_main_loop_new(nw->ctx, FALSE);
	nw->thread = g_thread_new("netwatch", netwatch_thread, nw);
	/* Watching when this returns: no change is missed after it. */
	g_mutex_lock(&nw->lock);
	while (!nw->ready)
		g_cond_wait(&nw->cond, &nw->lock);
	g_mutex_unlock(&nw->lock);
	return nw;
}

void
netwatch_free(struct netwatch *nw)
{
	if (nw == NULL)
		return;
	if (nw->thread != NULL) {
		g_main_context_invoke(nw->ctx, netwatch_quit, nw);
		g_thread_join(nw->thread);
		g_main_loop_unref(nw->loop);
	} else
		netwatch_detach(nw);
	g_main_context_unref(nw->ctx);
	g_mutex_clear(&nw->lock);
	g_cond_clear(&nw->cond);
	g_free(nw);
}
