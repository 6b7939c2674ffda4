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
static volatile uint8_t gSignalled[FW_MAX_DEVICES];

static void flagDevice(xstcpEthernet* eth)
{
	for (int i = 0; i < FW_MAX_DEVICES; i++)
		if (gDevices[i] == eth)
			gSignalled[i] = 1;
}

int xstcpEthernetGlueStart(xstcpEthernet* eth, void* machine, char* error, size_t errorSize)
{
	for (int i = 0; i < FW_MAX_DEVICES; i++)
		if (!gDevices[i]) {
			gDevices[i] = eth;
			gSignalled[i] = 0;
			eth->signal = flagDevice;
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
		if (xstcpEthernetService(eth) < 0) {
			/* The device failed (the STM32 DMA after a bus error): JavaScript hears it by onError. */
			xstcpEthernetFailed(eth);
			continue;
		}
		if (gSignalled[i]) {
			gSignalled[i] = 0;
			gFw.deliveries++;
			xstcpEthernetDeliver(eth);
		}
	}
}

int fwEthernetWaiting(void)
{
	for (int i = 0; i < FW_MAX_DEVICES; i++)
		if (gDevices[i] && gSignalled[i])
			return 1;
	return 0;
}
