/*
 * The xsbug transport (debug builds only). xsbug is a TCP server; the machine connects
 * to it when it is created (fxLogin -> fxConnect) and then exchanges XML messages:
 * XS writes whatever is in the machine's echo buffer, and reads commands into its debug
 * buffer, where xsDebug.c parses them. We only move the bytes.
 */
#include "xstcp_host.h"

#ifdef mxDebug

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#define XSBUG_CONNECT_TIMEOUT_MS 5000

static char gXsbugHost[256];
static int gXsbugPort = 5002;

void xsbugConfigure(const char* host, int port)
{
	if (host) {
		snprintf(gXsbugHost, sizeof(gXsbugHost), "%s", host);
		gXsbugPort = port;
	}
	else
		gXsbugHost[0] = 0;
}

/* Connects with a bounded wait; returns the socket or -1. */
static int connectWithTimeout(const struct addrinfo* address)
{
	int fd = socket(address->ai_family, SOCK_STREAM, 0);
	int flags, one = 1;
	if (fd < 0)
		return -1;
	flags = fcntl(fd, F_GETFL, 0);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, address->ai_addr, address->ai_addrlen) < 0) {
		struct pollfd waiter = { fd, POLLOUT, 0 };
		int error = 0;
		socklen_t length = sizeof(error);
		if ((errno != EINPROGRESS) || (poll(&waiter, 1, XSBUG_CONNECT_TIMEOUT_MS) != 1)
				|| getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) || error) {
			close(fd);
			return -1;
		}
	}
	fcntl(fd, F_SETFL, flags);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

void fxConnect(txMachine* the)
{
	struct addrinfo hints, *addresses = NULL, *address;
	char port[16];
	if (!gXsbugHost[0] || (the->debugSocket >= 0))
		return;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%d", gXsbugPort);
	if (getaddrinfo(gXsbugHost, port, &hints, &addresses) != 0)
		return;
	for (address = addresses; address && (the->debugSocket < 0); address = address->ai_next)
		the->debugSocket = connectWithTimeout(address);
	freeaddrinfo(addresses);
}

void fxDisconnect(txMachine* the)
{
	if (the->debugSocket >= 0) {
		close(the->debugSocket);
		the->debugSocket = -1;
	}
}

txBoolean fxIsConnected(txMachine* the)
{
	return the->debugSocket >= 0;
}

/* Called at every line while connected: one poll with no wait. */
txBoolean fxIsReadable(txMachine* the)
{
	struct pollfd waiter = { the->debugSocket, POLLIN, 0 };
	if (the->debugSocket < 0)
		return 0;
	return (poll(&waiter, 1, 0) == 1) && (waiter.revents & (POLLIN | POLLHUP | POLLERR));
}

/* Blocks until xsbug sends something (XS calls it only when it waits for a command). */
void fxReceive(txMachine* the)
{
	ssize_t count;
	the->debugOffset = 0;
	if (the->debugSocket < 0)
		return;
	do
		count = read(the->debugSocket, the->debugBuffer, sizeof(the->debugBuffer) - 1);
	while ((count < 0) && (errno == EINTR));
	if (count <= 0) {
		fxDisconnect(the);
		return;
	}
	the->debugOffset = (txSize)count;
	the->debugBuffer[count] = 0;
}

void fxSend(txMachine* the, txBoolean more)
{
	const char* data = the->echoBuffer;
	size_t left = (size_t)the->echoOffset;
	while ((left > 0) && (the->debugSocket >= 0)) {
		ssize_t count = write(the->debugSocket, data, left);
		if (count < 0) {
			if (errno == EINTR)
				continue;
			fxDisconnect(the);
			return;
		}
		data += count;
		left -= (size_t)count;
	}
}

#endif /* mxDebug */
