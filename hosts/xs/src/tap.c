/*
 * The native Ethernet host module: a Linux TAP device (IFF_TAP | IFF_NO_PI, so each
 * read or write is exactly one Ethernet frame without FCS), non-blocking. The event
 * loop polls the descriptor (xsHost.watch) and the JS MAC adapter pulls frames with
 * tapRead until it returns undefined.
 *
 *   xsHost.tapOpen(name) -> fd            throws Error with the reason on failure
 *   xsHost.tapRead(fd) -> ArrayBuffer | undefined (nothing waiting)
 *   xsHost.tapWrite(fd, bytes) -> boolean (false: the kernel refused it, e.g. queue full)
 *   xsHost.tapClose(fd)
 */
#include "xstcp_host.h"
#include "xsmc.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <linux/if_tun.h>

/* Larger than any frame the kernel hands a TAP device with a 1500-byte MTU (1518 + VLAN). */
#define TAP_READ_BUFFER 16384

static uint8_t gFrame[TAP_READ_BUFFER];

static void xs_tap_open(xsMachine* the)
{
	char name[IFNAMSIZ + 1];
	struct ifreq request;
	int fd;
	xsmcToStringBuffer(xsArg(0), name, sizeof(name));
	if (!name[0] || (strlen(name) >= IFNAMSIZ))
		xsRangeError("bad TAP device name");
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		xsUnknownError("open /dev/net/tun: %s", strerror(errno));
	memset(&request, 0, sizeof(request));
	request.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(request.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &request) < 0) {
		int error = errno;
		close(fd);
		xsUnknownError("TUNSETIFF %s: %s", name, strerror(error));
	}
	xsmcSetInteger(xsResult, fd);
}

static void xs_tap_read(xsMachine* the)
{
	int fd = xsmcToInteger(xsArg(0));
	ssize_t count;
	do
		count = read(fd, gFrame, sizeof(gFrame));
	while ((count < 0) && (errno == EINTR));
	if (count < 0) {
		if ((errno == EAGAIN) || (errno == EWOULDBLOCK))
			return;
		xsUnknownError("TAP read: %s", strerror(errno));
	}
	if (count == 0)
		return;
	xsmcSetArrayBuffer(xsResult, gFrame, (xsIntegerValue)count);
}

static void xs_tap_write(xsMachine* the)
{
	int fd = xsmcToInteger(xsArg(0));
	void* data;
	xsUnsignedValue length;
	ssize_t count;
	xsmcGetBufferReadable(xsArg(1), &data, &length);
	do
		count = write(fd, data, length);
	while ((count < 0) && (errno == EINTR));
	xsmcSetBoolean(xsResult, count == (ssize_t)length);
}

static void xs_tap_close(xsMachine* the)
{
	int fd = xsmcToInteger(xsArg(0));
	if (fd >= 0)
		close(fd);
}

/* Called by hostInstallGlobals, whose xsVar(0) is free to hold each new function. */
void tapInstall(xsMachine* the, xsSlot* host)
{
	xsVar(0) = xsNewHostFunction(xs_tap_open, 1);
	xsmcSet(*host, xsID("tapOpen"), xsVar(0));
	xsVar(0) = xsNewHostFunction(xs_tap_read, 1);
	xsmcSet(*host, xsID("tapRead"), xsVar(0));
	xsVar(0) = xsNewHostFunction(xs_tap_write, 2);
	xsmcSet(*host, xsID("tapWrite"), xsVar(0));
	xsVar(0) = xsNewHostFunction(xs_tap_close, 1);
	xsmcSet(*host, xsID("tapClose"), xsVar(0));
}
