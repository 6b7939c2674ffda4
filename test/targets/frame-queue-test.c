/*
 * Unit test of the Ethernet core's frame queue and device helpers
 * (targets/common/xstcp_frame_queue.c, xstcp_ethernet.c), run by frame-queue.test.ts.
 * Prints one "ok|not ok NAME" line per check and exits 1 when any failed.
 */
#include "xstcp_ethernet.h"
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int gFailures;

#define CHECK(name, condition) check(name, (condition), __LINE__)

static void check(const char* name, int condition, int line)
{
	if (condition)
		printf("ok %s\n", name);
	else {
		printf("not ok %s (line %d)\n", name, line);
		gFailures++;
	}
}

/* A frame whose bytes all derive from seq, so any mix-up shows. */
static size_t makeFrame(uint8_t* frame, uint32_t seq)
{
	size_t length = 14 + (seq * 7919u) % (XSTCP_ETH_MAX_FRAME - 13);
	size_t i;
	for (i = 0; i < length; i++)
		frame[i] = (uint8_t)(seq * 31u + i * 7u + (i >> 8));
	return length;
}

static int sameFrame(const uint8_t* frame, int length, uint32_t seq)
{
	uint8_t expected[XSTCP_ETH_MAX_FRAME];
	size_t expectedLength = makeFrame(expected, seq);
	return (length == (int)expectedLength) && !memcmp(frame, expected, expectedLength);
}

static void testBounds(void)
{
	xstcpFrameQueue q;
	uint8_t frame[XSTCP_ETH_MAX_FRAME + 1];
	uint8_t out[XSTCP_ETH_MAX_FRAME];
	int i, results[4];
	CHECK("init refuses capacity 0", xstcpFrameQueueInit(&q, 0) == -1);
	CHECK("init refuses capacity above the maximum", xstcpFrameQueueInit(&q, XSTCP_ETH_MAX_QUEUE + 1) == -1);
	CHECK("init capacity 3", xstcpFrameQueueInit(&q, 3) == 0);
	CHECK("new queue is empty", (xstcpFrameQueueCount(&q) == 0) && (xstcpFrameQueuePop(&q, out, sizeof(out)) == 0));
	for (i = 0; i < 4; i++)
		results[i] = xstcpFrameQueuePush(&q, frame, makeFrame(frame, (uint32_t)i));
	CHECK("first push into an empty queue is the edge (1)", results[0] == 1);
	CHECK("later pushes are not (0)", (results[1] == 0) && (results[2] == 0));
	CHECK("push into a full queue drops (-1)", results[3] == -1);
	CHECK("counters: 3 queued, 1 dropped", (q.rxFrames == 3) && (q.rxDropped == 1) && (xstcpFrameQueueCount(&q) == 3));
	CHECK("reserve in a full queue gives NULL", xstcpFrameQueueReserve(&q) == NULL);
	CHECK("pop 0 exact bytes", sameFrame(out, xstcpFrameQueuePop(&q, out, sizeof(out)), 0));
	CHECK("push after a pop while not empty is not an edge", xstcpFrameQueuePush(&q, frame, makeFrame(frame, 3)) == 0);
	CHECK("pop 1", sameFrame(out, xstcpFrameQueuePop(&q, out, sizeof(out)), 1));
	CHECK("pop 2", sameFrame(out, xstcpFrameQueuePop(&q, out, sizeof(out)), 2));
	CHECK("pop 3 (the frame pushed after the drop)", sameFrame(out, xstcpFrameQueuePop(&q, out, sizeof(out)), 3));
	CHECK("drained", (xstcpFrameQueuePop(&q, out, sizeof(out)) == 0) && (xstcpFrameQueueCount(&q) == 0));
	CHECK("push into the drained queue is an edge again", xstcpFrameQueuePush(&q, frame, 60) == 1);
	CHECK("length 0 is dropped", (xstcpFrameQueuePush(&q, frame, 0) == -1) && (q.rxDropped == 2));
	CHECK("longer than a slot is dropped", (xstcpFrameQueuePush(&q, frame, XSTCP_ETH_MAX_FRAME + 1) == -1) && (q.rxDropped == 3));
	memset(frame, 0xa5, XSTCP_ETH_MAX_FRAME);
	CHECK("exactly XSTCP_ETH_MAX_FRAME is accepted", xstcpFrameQueuePush(&q, frame, XSTCP_ETH_MAX_FRAME) == 0);
	CHECK("count 2", xstcpFrameQueueCount(&q) == 2);
	xstcpFrameQueueFree(&q);
	CHECK("free empties", (xstcpFrameQueueCount(&q) == 0) && (xstcpFrameQueuePop(&q, out, sizeof(out)) == 0));
	xstcpFrameQueueFree(&q);
	CHECK("free twice is harmless; a freed queue refuses frames", xstcpFrameQueuePush(&q, frame, 60) == -1);
}

static void testSmallBufferAndZeroCopy(void)
{
	xstcpFrameQueue q;
	uint8_t frame[XSTCP_ETH_MAX_FRAME];
	uint8_t out[XSTCP_ETH_MAX_FRAME];
	size_t length;
	const uint8_t* front;
	uint8_t* slot;
	xstcpFrameQueueInit(&q, 2);
	xstcpFrameQueuePush(&q, frame, makeFrame(frame, 5));
	length = makeFrame(frame, 5);
	CHECK("peek length", xstcpFrameQueuePeekLength(&q) == length);
	CHECK("pop into a buffer too small refuses (-1)", xstcpFrameQueuePop(&q, out, length - 1) == -1);
	CHECK("the frame stays queued", xstcpFrameQueueCount(&q) == 1);
	front = xstcpFrameQueueFront(&q, &length);
	CHECK("front gives the frame in place", (front != NULL) && sameFrame(front, (int)length, 5));
	xstcpFrameQueueRelease(&q);
	CHECK("release frees it", (xstcpFrameQueueCount(&q) == 0) && (xstcpFrameQueueFront(&q, &length) == NULL) && (length == 0));
	xstcpFrameQueueRelease(&q);
	CHECK("release on empty is harmless", xstcpFrameQueueCount(&q) == 0);
	slot = xstcpFrameQueueReserve(&q);
	CHECK("reserve gives a slot", slot != NULL);
	makeFrame(slot, 9);
	CHECK("commit into the empty queue is the edge", xstcpFrameQueueCommit(&q, makeFrame(frame, 9)) == 1);
	slot = xstcpFrameQueueReserve(&q);
	CHECK("commit of length 0 drops and frees nothing", (xstcpFrameQueueCommit(&q, 0) == -1) && (xstcpFrameQueueCount(&q) == 1));
	CHECK("pop the committed frame", sameFrame(out, xstcpFrameQueuePop(&q, out, sizeof(out)), 9));
	xstcpFrameQueueCountDrop(&q);
	CHECK("countDrop counts", q.rxDropped == 2);
	xstcpFrameQueueFree(&q);
}

/* Positions run over twice the capacity: many cycles of uneven fill and drain. */
static void testWrapAround(void)
{
	xstcpFrameQueue q;
	uint8_t frame[XSTCP_ETH_MAX_FRAME];
	uint8_t out[XSTCP_ETH_MAX_FRAME];
	uint32_t pushed = 0, popped = 0, cycle;
	int ordered = 1, counted = 1;
	xstcpFrameQueueInit(&q, 5);
	for (cycle = 0; cycle < 1000; cycle++) {
		uint32_t fill = 1 + (cycle * 3) % 5, drain = 1 + (cycle * 7) % 5, k;
		for (k = 0; k < fill; k++) {
			if (xstcpFrameQueueCount(&q) == 5)
				break;
			xstcpFrameQueuePush(&q, frame, makeFrame(frame, pushed++));
		}
		for (k = 0; k < drain; k++) {
			int length = xstcpFrameQueuePop(&q, out, sizeof(out));
			if (length == 0)
				break;
			if (!sameFrame(out, length, popped++))
				ordered = 0;
		}
		if (xstcpFrameQueueCount(&q) != pushed - popped)
			counted = 0;
	}
	CHECK("wrap-around keeps order and exact bytes", ordered && (popped > 2000));
	CHECK("wrap-around keeps the count", counted);
	CHECK("positions stay below twice the capacity", (q.head < 10) && (q.tail < 10));
	xstcpFrameQueueFree(&q);
}

static void testStatic(void)
{
	static uint8_t storage[4 * XSTCP_ETH_MAX_FRAME];
	static uint16_t lengths[4];
	xstcpFrameQueue q;
	uint8_t frame[XSTCP_ETH_MAX_FRAME];
	CHECK("static init refuses NULL storage", xstcpFrameQueueInitStatic(&q, 4, NULL, lengths) == -1);
	CHECK("static init", xstcpFrameQueueInitStatic(&q, 4, storage, lengths) == 0);
	xstcpFrameQueuePush(&q, frame, makeFrame(frame, 1));
	CHECK("frames live in the caller's storage", sameFrame(storage, lengths[0], 1));
	xstcpFrameQueueFree(&q);
	CHECK("free leaves the caller's storage alone", sameFrame(storage, lengths[0], 1));
}

/* ---- device helpers with a fake driver ---- */

static int gSignals, gAccept = 1, gSent;

static int fakeTransmit(xstcpEthernet* eth, const uint8_t* frame, size_t length)
{
	(void)eth;
	(void)frame;
	(void)length;
	if (gAccept)
		gSent++;
	return gAccept;
}
static int fakeLinkUp(xstcpEthernet* eth) { (void)eth; return 1; }
static void fakeClose(xstcpEthernet* eth) { (void)eth; }
static int fakeOpen(xstcpEthernet* eth, const char* device, char* error, size_t size)
{
	(void)eth; (void)device; (void)error; (void)size;
	return 0;
}
static const xstcpEthernetDriver gFake = { "fake", fakeOpen, fakeTransmit, fakeLinkUp, fakeClose, NULL };
static void countSignal(xstcpEthernet* eth) { (void)eth; gSignals++; }

static void testDevice(void)
{
	xstcpEthernet eth;
	uint8_t frame[64] = { 0 };
	uint8_t out[64];
	memset(&eth, 0, sizeof(eth));
	eth.driver = &gFake;
	xstcpFrameQueueInit(&eth.rx, 2);
	eth.signal = countSignal;
	xstcpEthernetReceived(&eth, frame, 60);
	xstcpEthernetReceived(&eth, frame, 60);
	xstcpEthernetReceived(&eth, frame, 60);
	CHECK("received: one signal for the edge, none for the rest or the drop", (gSignals == 1) && (eth.rx.rxDropped == 1));
	xstcpFrameQueuePop(&eth.rx, out, sizeof(out));
	xstcpFrameQueuePop(&eth.rx, out, sizeof(out));
	memcpy(xstcpFrameQueueReserve(&eth.rx), frame, 60);
	xstcpEthernetCommitReceived(&eth, 60);
	CHECK("commitReceived signals the next edge", gSignals == 2);
	CHECK("service without a service op is 0", xstcpEthernetService(&eth) == 0);
	CHECK("transmit while closed is refused", (xstcpEthernetTransmit(&eth, frame, 60) == 0) && (eth.txRefused == 1) && (gSent == 0));
	eth.isOpen = 1;
	CHECK("transmit counts what the driver sent", (xstcpEthernetTransmit(&eth, frame, 60) == 1) && (eth.txFrames == 1) && (gSent == 1));
	gAccept = 0;
	CHECK("transmit counts what the driver refused", (xstcpEthernetTransmit(&eth, frame, 60) == 0) && (eth.txRefused == 2));
	xstcpFrameQueueFree(&eth.rx);
}

/* ---- a producer thread against a consumer woken only by the edge ---- */

#define THREAD_FRAMES 50000u

typedef struct {
	xstcpFrameQueue q;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	uint32_t signals; /* edges not yet taken by the consumer */
	uint32_t retries;
	uint32_t edges;
} Shared;

static void* producer(void* argument)
{
	Shared* shared = argument;
	uint8_t frame[XSTCP_ETH_MAX_FRAME];
	uint32_t seq;
	for (seq = 0; seq < THREAD_FRAMES; seq++) {
		size_t length = makeFrame(frame, seq);
		int result;
		/* Full: the consumer was told at the edge and is draining; try again. */
		while ((result = xstcpFrameQueuePush(&shared->q, frame, length)) < 0) {
			shared->retries++;
			sched_yield();
		}
		if (result == 1) {
			shared->edges++;
			pthread_mutex_lock(&shared->lock);
			shared->signals++;
			pthread_cond_signal(&shared->wake);
			pthread_mutex_unlock(&shared->lock);
		}
	}
	return NULL;
}

static void testThreads(void)
{
	Shared shared;
	pthread_t thread;
	uint8_t out[XSTCP_ETH_MAX_FRAME];
	uint32_t next = 0;
	int exact = 1, stalled = 0;
	memset(&shared, 0, sizeof(shared));
	xstcpFrameQueueInit(&shared.q, 8);
	pthread_mutex_init(&shared.lock, NULL);
	pthread_cond_init(&shared.wake, NULL);
	pthread_create(&thread, NULL, producer, &shared);
	while (next < THREAD_FRAMES) {
		int length;
		pthread_mutex_lock(&shared.lock);
		while (!shared.signals) {
			struct timespec deadline;
			clock_gettime(CLOCK_REALTIME, &deadline);
			deadline.tv_sec += 5;
			/* Five seconds without an edge while frames wait: a lost wake-up. */
			if (pthread_cond_timedwait(&shared.wake, &shared.lock, &deadline) != 0) {
				stalled = 1;
				break;
			}
		}
		shared.signals = 0;
		pthread_mutex_unlock(&shared.lock);
		if (stalled)
			break;
		/* Drain completely, as the stack does once woken. */
		while ((length = xstcpFrameQueuePop(&shared.q, out, sizeof(out))) > 0) {
			if (!sameFrame(out, length, next))
				exact = 0;
			next++;
		}
	}
	if (stalled)
		pthread_cancel(thread);
	pthread_join(thread, NULL);
	printf("# %u frames across threads: %u edges, %u pushes refused (queue full) and retried\n", next, shared.edges, shared.retries);
	CHECK("threads: every frame arrives, in order, exact bytes", exact && (next == THREAD_FRAMES));
	CHECK("threads: no lost wake-up", !stalled);
	CHECK("threads: rxFrames counts every frame, rxDropped every refused push", (shared.q.rxFrames == THREAD_FRAMES) && (shared.q.rxDropped == shared.retries));
	xstcpFrameQueueFree(&shared.q);
}

int main(void)
{
	testBounds();
	testSmallBufferAndZeroCopy();
	testWrapAround();
	testStatic();
	testDevice();
	testThreads();
	printf("%s\n", gFailures ? "FAILED" : "PASSED");
	return gFailures ? 1 : 0;
}
