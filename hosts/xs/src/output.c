/*
 * Standard output that never stalls the event loop. `print`, `trace` and xsHost.write
 * append to a buffer; it goes to fd 1 only as far as fd 1 takes data without blocking
 * (checked with poll), and the loop waits for POLLOUT while something is left. A reader
 * that falls more than OUTPUT_LIMIT behind loses output, counted and reported at exit:
 * a board's trace must never hold up its network stack.
 */
#include "xstcp_host.h"
#include <poll.h>

#define OUTPUT_LIMIT (4 * 1024 * 1024)
/* A pipe that polls writable has a free page: writes up to this size do not block. */
#define OUTPUT_CHUNK 4096

static char* gOutput = NULL;
static size_t gOutputLength = 0;
static size_t gOutputCapacity = 0;
static unsigned long long gOutputDropped = 0;

static int writableNow(void)
{
	struct pollfd p = { 1, POLLOUT, 0 };
	return (poll(&p, 1, 0) == 1) && (p.revents & POLLOUT);
}

void outputFlush(void)
{
	size_t done = 0;
	while ((done < gOutputLength) && writableNow()) {
		size_t chunk = gOutputLength - done;
		ssize_t n;
		if (chunk > OUTPUT_CHUNK)
			chunk = OUTPUT_CHUNK;
		n = write(1, gOutput + done, chunk);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* The reader is gone (EPIPE) or fd 1 is broken: nothing more can be written. */
			gOutputDropped += gOutputLength - done;
			done = gOutputLength;
			break;
		}
		done += (size_t)n;
	}
	if (done > 0) {
		memmove(gOutput, gOutput + done, gOutputLength - done);
		gOutputLength -= done;
	}
}

void outputWrite(const char* text, size_t length)
{
	if (gOutputLength + length > OUTPUT_LIMIT) {
		gOutputDropped += length;
		return;
	}
	if (gOutputLength + length > gOutputCapacity) {
		size_t capacity = gOutputCapacity ? gOutputCapacity : 16384;
		char* grown;
		while (capacity < gOutputLength + length)
			capacity *= 2;
		grown = realloc(gOutput, capacity);
		if (!grown) {
			gOutputDropped += length;
			return;
		}
		gOutput = grown;
		gOutputCapacity = capacity;
	}
	memcpy(gOutput + gOutputLength, text, length);
	gOutputLength += length;
	outputFlush();
}

int outputPending(void)
{
	return gOutputLength > 0;
}

void outputFinish(void)
{
	size_t done = 0;
	while (done < gOutputLength) {
		ssize_t n = write(1, gOutput + done, gOutputLength - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			gOutputDropped += gOutputLength - done;
			break;
		}
		done += (size_t)n;
	}
	gOutputLength = 0;
	if (gOutputDropped)
		fprintf(stderr, "xstcp-xs: %llu bytes of standard output were dropped: its reader fell more than %d bytes behind\n", gOutputDropped, OUTPUT_LIMIT);
}
