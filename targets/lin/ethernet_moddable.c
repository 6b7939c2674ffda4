/*
 * The Ethernet host module's runtime glue in Moddable's Linux simulator (mcsim): the
 * simulator runs the VM from GLib's main loop, so the glue adds a unix-fd source for the
 * TAP descriptor to that loop. When the descriptor is readable the source's callback,
 * on the VM thread, lets the driver move frames into the receive queue (service) and
 * then runs the JavaScript onReadable callback if the queue went from empty to not
 * empty (the driver's signal sets a flag: everything here runs on the VM thread). A
 * device that fails is closed and reported to the JavaScript onError.
 */
#include "xstcp_ethernet.h"
#include <glib.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
	GSource* source;
	/* Set by signal() during service(), cleared before the callback runs. */
	int pending;
} xstcpModdableGlue;

static void glueSignal(xstcpEthernet* eth)
{
	xstcpModdableGlue* glue = eth->glue;
	if (glue)
		glue->pending = 1;
}

static void stopSource(xstcpModdableGlue* glue)
{
	if (!glue->source)
		return;
	g_source_destroy(glue->source);
	g_source_unref(glue->source);
	glue->source = NULL;
}

static gboolean glueReadable(gint fd, GIOCondition condition, gpointer data)
{
	xstcpEthernet* eth = data;
	xstcpModdableGlue* glue = eth->glue;
	(void)fd;
	if (!glue)
		return G_SOURCE_REMOVE;
	if ((condition & (G_IO_ERR | G_IO_HUP | G_IO_NVAL)) || (xstcpEthernetService(eth) < 0)) {
		/* The device is gone. Failed stops this glue (destroying the source from inside
		   its callback, which GLib allows), closes the driver and runs the JavaScript
		   onError: touch nothing afterwards. */
		if (!eth->error[0])
			snprintf(eth->error, sizeof(eth->error), "TAP device failed");
		xstcpEthernetFailed(eth);
		return G_SOURCE_REMOVE;
	}
	if (glue->pending) {
		glue->pending = 0;
		/* May close the device (GlueStop frees glue): touch nothing after it. */
		xstcpEthernetDeliver(eth);
	}
	return G_SOURCE_CONTINUE;
}

int xstcpEthernetGlueStart(xstcpEthernet* eth, void* machine, char* error, size_t errorSize)
{
	xstcpModdableGlue* glue;
	(void)machine;
	if (eth->descriptor < 0) {
		snprintf(error, errorSize, "the driver has no descriptor to watch");
		return -1;
	}
	glue = calloc(1, sizeof(*glue));
	if (!glue) {
		snprintf(error, errorSize, "out of memory");
		return -1;
	}
	glue->source = g_unix_fd_source_new(eth->descriptor, G_IO_IN | G_IO_ERR | G_IO_HUP);
	g_source_set_callback(glue->source, (GSourceFunc)(void (*)(void))glueReadable, eth, NULL);
	g_source_set_priority(glue->source, G_PRIORITY_DEFAULT);
	g_source_attach(glue->source, g_main_context_get_thread_default());
	eth->glue = glue;
	eth->signal = glueSignal;
	return 0;
}

void xstcpEthernetGlueStop(xstcpEthernet* eth)
{
	xstcpModdableGlue* glue = eth->glue;
	eth->signal = NULL;
	if (!glue)
		return;
	stopSource(glue);
	eth->glue = NULL;
	free(glue);
}
