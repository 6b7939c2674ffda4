/*
 * The Linux TAP driver of the Ethernet host module (gXstcpEthernetDriver on lin): opens
 * /dev/net/tun as IFF_TAP | IFF_NO_PI, non-blocking, so each read or write is exactly one
 * Ethernet frame without FCS. Polled: the runtime glue waits for eth->descriptor to be
 * readable and calls service(), which reads at most TAP_SERVICE_BATCH frames straight
 * into the receive queue's slots (further frames wait in the kernel for the next call).
 * A TAP device has no MAC of its own: the stack chooses it.
 */
#include "xstcp_ethernet.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <net/if.h>
#include <linux/if_tun.h>

/* Frames read per service() call before timers and other descriptors get a turn. */
#ifndef TAP_SERVICE_BATCH
#define TAP_SERVICE_BATCH 64
#endif

/* Catches the tail of a frame too long for a slot, so its length shows. */
static uint8_t gOverflow[64];
/* Where a frame goes when the queue is full: read to keep the kernel's queue moving. */
static uint8_t gDiscard[XSTCP_ETH_MAX_FRAME + sizeof(gOverflow)];

static int tapOpen(xstcpEthernet* eth, const char* device, char* error, size_t errorSize)
{
	struct ifreq request;
	size_t nameLength = strlen(device);
	int fd;
	if ((nameLength == 0) || (nameLength >= IFNAMSIZ)) {
		snprintf(error, errorSize, "bad TAP device name '%s'", device);
		return -1;
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(error, errorSize, "open /dev/net/tun: %s", strerror(errno));
		return -1;
	}
	memset(&request, 0, sizeof(request));
	request.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(request.ifr_name, device, nameLength);
	if (ioctl(fd, TUNSETIFF, &request) < 0) {
		snprintf(error, errorSize, "TUNSETIFF %s: %s", device, strerror(errno));
		close(fd);
		return -1;
	}
	eth->descriptor = fd;
	eth->state = NULL;
	return 0;
}

static int tapTransmit(xstcpEthernet* eth, const uint8_t* frame, size_t length)
{
	ssize_t count;
	if (eth->descriptor < 0)
		return 0;
	do
		count = write(eth->descriptor, frame, length);
	while ((count < 0) && (errno == EINTR));
	return count == (ssize_t)length;
}

static int tapLinkUp(xstcpEthernet* eth)
{
	return eth->descriptor >= 0;
}

static void tapClose(xstcpEthernet* eth)
{
	if (eth->descriptor >= 0)
		close(eth->descriptor);
	eth->descriptor = -1;
}

/* One read(): 1 a frame was handled (queued or counted as dropped), 0 none waiting, -1 failed. */
static int serviceOne(xstcpEthernet* eth)
{
	uint8_t* slot = xstcpFrameQueueReserve(&eth->rx);
	struct iovec parts[2];
	ssize_t count;
	parts[0].iov_base = slot ? slot : gDiscard;
	parts[0].iov_len = XSTCP_ETH_MAX_FRAME;
	parts[1].iov_base = gOverflow;
	parts[1].iov_len = sizeof(gOverflow);
	do
		count = readv(eth->descriptor, parts, 2);
	while ((count < 0) && (errno == EINTR));
	if (count < 0) {
		if ((errno == EAGAIN) || (errno == EWOULDBLOCK))
			return 0;
		snprintf(eth->error, sizeof(eth->error), "TAP read: %s", strerror(errno));
		return -1;
	}
	if (count == 0)
		return 0;
	if (!slot) {
		xstcpFrameQueueCountDrop(&eth->rx);
		return 1;
	}
	/* Longer than a slot: Commit counts it as dropped. */
	(void)xstcpEthernetCommitReceived(eth, (size_t)count);
	return 1;
}

static int tapService(xstcpEthernet* eth)
{
	int handled = 0;
	if (eth->descriptor < 0)
		return 0;
	while (handled < TAP_SERVICE_BATCH) {
		int result = serviceOne(eth);
		if (result < 0)
			return -1;
		if (result == 0)
			break;
		handled++;
	}
	return handled;
}

const xstcpEthernetDriver gXstcpEthernetDriver = {
	"tap",
	tapOpen,
	tapTransmit,
	tapLinkUp,
	tapClose,
	tapService,
};
