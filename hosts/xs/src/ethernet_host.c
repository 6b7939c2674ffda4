/*
 * The XS host's glue for the Ethernet host module (xstcpEthernetGlueStart/Stop of
 * targets/common/xstcp_ethernet.h): each open device's descriptor joins the event loop's
 * poll(); when it is readable the loop services the driver (frames into the receive
 * queue) and, when the queue stopped being empty, delivers onReadable to JavaScript.
 * Everything runs on the one loop thread, so the edge signal only sets a flag.
 */
#include "xstcp_host.h"
#include "xstcp_ethernet.h"
#include <poll.h>

#define MAX_ETHERNETS XSTCP_MAX_ETHERNETS

typedef struct {
	xstcpEthernet* eth;
	int pending; /* the edge signal fired since the last delivery */
} EthernetWatch;

static EthernetWatch gWatches[MAX_ETHERNETS];
static int gWatchCount;

static void signalPending(xstcpEthernet* eth)
{
	((EthernetWatch*)eth->glue)->pending = 1;
}

int xstcpEthernetGlueStart(xstcpEthernet* eth, void* machine, char* error, size_t errorSize)
{
	(void)machine;
	if (eth->descriptor < 0) {
		snprintf(error, errorSize, "the %s driver has no descriptor to watch", eth->driver->name);
		return -1;
	}
	if (gWatchCount >= MAX_ETHERNETS) {
		snprintf(error, errorSize, "more than %d Ethernet devices", MAX_ETHERNETS);
		return -1;
	}
	gWatches[gWatchCount].eth = eth;
	gWatches[gWatchCount].pending = 0;
	eth->glue = &gWatches[gWatchCount];
	eth->signal = signalPending;
	gWatchCount++;
	return 0;
}

void xstcpEthernetGlueStop(xstcpEthernet* eth)
{
	int i;
	for (i = 0; i < gWatchCount; i++) {
		if (gWatches[i].eth == eth) {
			gWatchCount--;
			if (i != gWatchCount) {
				gWatches[i] = gWatches[gWatchCount];
				gWatches[i].eth->glue = &gWatches[i];
			}
			break;
		}
	}
	eth->signal = NULL;
	eth->glue = NULL;
}

int ethernetHostCount(void)
{
	return gWatchCount;
}

int ethernetHostDescriptors(struct pollfd* fds, int room)
{
	int i;
	for (i = 0; (i < gWatchCount) && (i < room); i++) {
		fds[i].fd = gWatches[i].eth->descriptor;
		fds[i].events = POLLIN;
		fds[i].revents = 0;
	}
	return i;
}

static int isWatched(xstcpEthernet* eth)
{
	int i;
	for (i = 0; i < gWatchCount; i++)
		if (gWatches[i].eth == eth)
			return 1;
	return 0;
}

void ethernetHostDispatch(xsMachine* the, const struct pollfd* fds, int count)
{
	xstcpEthernet* ready[MAX_ETHERNETS];
	int i, readyCount = 0;
	(void)the;
	/* JavaScript may open or close devices from its callbacks: work from a copy. */
	for (i = 0; i < count; i++) {
		int j;
		if (!(fds[i].revents & (POLLIN | POLLERR | POLLHUP)))
			continue;
		/* By descriptor: a signal handler may have closed a device since poll() began. */
		for (j = 0; j < gWatchCount; j++) {
			if ((gWatches[j].eth->descriptor == fds[i].fd) && (readyCount < MAX_ETHERNETS)) {
				ready[readyCount++] = gWatches[j].eth;
				break;
			}
		}
	}
	for (i = 0; (i < readyCount) && !gHost.exitRequested; i++) {
		xstcpEthernet* eth = ready[i];
		EthernetWatch* watch;
		if (!isWatched(eth))
			continue;
		if (xstcpEthernetService(eth) < 0) {
			xstcpEthernetFailed(eth);
			continue;
		}
		watch = eth->glue;
		if (watch->pending) {
			watch->pending = 0;
			xstcpEthernetDeliver(eth);
		}
	}
}
