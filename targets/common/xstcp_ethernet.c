/*
 * The device helpers every driver and glue share (see xstcp_ethernet.h): receiving with
 * the edge signal, servicing polled devices, transmitting with counters.
 */
#include "xstcp_ethernet.h"

int xstcpEthernetReceived(xstcpEthernet* eth, const uint8_t* frame, size_t length)
{
	int result = xstcpFrameQueuePush(&eth->rx, frame, length);
	if ((result == 1) && eth->signal)
		eth->signal(eth);
	return result;
}

int xstcpEthernetCommitReceived(xstcpEthernet* eth, size_t length)
{
	int result = xstcpFrameQueueCommit(&eth->rx, length);
	if ((result == 1) && eth->signal)
		eth->signal(eth);
	return result;
}

int xstcpEthernetService(xstcpEthernet* eth)
{
	if (!eth->isOpen || !eth->driver->service)
		return 0;
	return eth->driver->service(eth);
}

int xstcpEthernetTransmit(xstcpEthernet* eth, const uint8_t* frame, size_t length)
{
	if (eth->isOpen && (length > 0) && eth->driver->transmit(eth, frame, length)) {
		eth->txFrames++;
		return 1;
	}
	eth->txRefused++;
	return 0;
}
