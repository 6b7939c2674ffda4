/*
 * The Ethernet runtime glue of the bare-metal firmware (xstcp_ethernet.h's "glue" role):
 * an open device is remembered in a short list; the main loop calls fwEthernetPoll,
 * which lets each driver move frames from the controller into its queue (service) and
 * then runs the JavaScript callback (xstcpEthernetDeliver) while frames are waiting. The
 * signal hook has nothing to post to: the main loop sees the queue itself.
 */
#include <string.h>
#include "xstcp_ethernet.h"
#include "fw_core.h"

#define FW_MAX_DEVICES 2

static xstcpEthernet* gDevices[FW_MAX_DEVICES];

int xstcpEthernetGlueStart(xstcpEthernet* eth, void* machine, char* error, size_t errorSize)
{
	for (int i = 0; i < FW_MAX_DEVICES; i++)
		if (!gDevices[i]) {
			gDevices[i] = eth;
			eth->signal = NULL;
			eth->glue = machine;
			return 0;
		}
	strncpy(error, "too many Ethernet devices open", errorSize - 1);
	error[errorSize - 1] = 0;
	return -1;
}

void xstcpEthernetGlueStop(xstcpEthernet* eth)
{
	for (int i = 0; i < FW_MAX_DEVICES; i++)
		if (gDevices[i] == eth)
			gDevices[i] = NULL;
}

void fwEthernetPoll(void* machine)
{
	for (int i = 0; i < FW_MAX_DEVICES; i++) {
		xstcpEthernet* eth = gDevices[i];
		if (!eth)
			continue;
		xstcpEthernetService(eth);
		/* Deliver may close the device (and clear the slot): re-read it. */
		if (gDevices[i] && xstcpFrameQueueCount(&eth->rx)) {
			gFw.deliveries++;
			xstcpEthernetDeliver(eth);
		}
	}
}

int fwEthernetWaiting(void)
{
	for (int i = 0; i < FW_MAX_DEVICES; i++)
		if (gDevices[i] && xstcpFrameQueueCount(&gDevices[i]->rx))
			return 1;
	return 0;
}
