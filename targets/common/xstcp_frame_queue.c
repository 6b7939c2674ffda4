/*
 * The receive frame queue (see xstcp_ethernet.h): a single-producer/single-consumer ring
 * of preallocated XSTCP_ETH_MAX_FRAME slots. Positions run over [0, 2 * capacity): the
 * count is (tail - head) modulo 2 * capacity, so a full ring needs no spare slot. Each
 * side writes only its own position and publishes it after a full barrier; the
 * producer's edge test reads head after publishing tail, the consumer reads tail after
 * publishing head, so a frame pushed while the consumer drains is either seen by that
 * drain or reported as a new edge (never neither).
 */
#include "xstcp_ethernet.h"
#include <stdlib.h>
#include <string.h>

static uint32_t advance(const xstcpFrameQueue* q, uint32_t position)
{
	position++;
	return (position == 2 * q->capacity) ? 0 : position;
}

static uint32_t slotOf(const xstcpFrameQueue* q, uint32_t position)
{
	return (position >= q->capacity) ? position - q->capacity : position;
}

static uint32_t distance(const xstcpFrameQueue* q, uint32_t head, uint32_t tail)
{
	return (tail >= head) ? tail - head : tail + 2 * q->capacity - head;
}

static void reset(xstcpFrameQueue* q, uint32_t capacity)
{
	q->capacity = capacity;
	q->head = 0;
	q->tail = 0;
	q->rxFrames = 0;
	q->rxDropped = 0;
}

int xstcpFrameQueueInit(xstcpFrameQueue* q, uint32_t capacity)
{
	memset(q, 0, sizeof(*q));
	if ((capacity < 1) || (capacity > XSTCP_ETH_MAX_QUEUE))
		return -1;
	q->slots = malloc((size_t)capacity * XSTCP_ETH_MAX_FRAME);
	q->lengths = malloc((size_t)capacity * sizeof(uint16_t));
	if (!q->slots || !q->lengths) {
		free(q->slots);
		free(q->lengths);
		q->slots = NULL;
		q->lengths = NULL;
		return -1;
	}
	q->ownsStorage = 1;
	reset(q, capacity);
	return 0;
}

int xstcpFrameQueueInitStatic(xstcpFrameQueue* q, uint32_t capacity, uint8_t* storage, uint16_t* lengths)
{
	memset(q, 0, sizeof(*q));
	if ((capacity < 1) || (capacity > XSTCP_ETH_MAX_QUEUE) || !storage || !lengths)
		return -1;
	q->slots = storage;
	q->lengths = lengths;
	reset(q, capacity);
	return 0;
}

void xstcpFrameQueueFree(xstcpFrameQueue* q)
{
	if (q->ownsStorage) {
		free(q->slots);
		free(q->lengths);
	}
	q->slots = NULL;
	q->lengths = NULL;
	q->ownsStorage = 0;
	q->capacity = 0;
	q->head = 0;
	q->tail = 0;
}

uint8_t* xstcpFrameQueueReserve(xstcpFrameQueue* q)
{
	uint32_t tail = q->tail;
	if (!q->slots || (distance(q, q->head, tail) >= q->capacity))
		return NULL;
	return q->slots + (size_t)slotOf(q, tail) * XSTCP_ETH_MAX_FRAME;
}

void xstcpFrameQueueCountDrop(xstcpFrameQueue* q)
{
	q->rxDropped = q->rxDropped + 1;
}

int xstcpFrameQueueCommit(xstcpFrameQueue* q, size_t length)
{
	uint32_t tail = q->tail;
	if ((length == 0) || (length > XSTCP_ETH_MAX_FRAME) || !q->slots || (distance(q, q->head, tail) >= q->capacity)) {
		xstcpFrameQueueCountDrop(q);
		return -1;
	}
	q->lengths[slotOf(q, tail)] = (uint16_t)length;
	/* The frame's bytes and length are visible before the new tail is. */
	XSTCP_MEMORY_BARRIER();
	q->tail = advance(q, tail);
	q->rxFrames = q->rxFrames + 1;
	/* Read head only after publishing: see the file comment. */
	XSTCP_MEMORY_BARRIER();
	return (q->head == tail) ? 1 : 0;
}

int xstcpFrameQueuePush(xstcpFrameQueue* q, const uint8_t* frame, size_t length)
{
	uint8_t* slot;
	if ((length == 0) || (length > XSTCP_ETH_MAX_FRAME) || !(slot = xstcpFrameQueueReserve(q))) {
		xstcpFrameQueueCountDrop(q);
		return -1;
	}
	memcpy(slot, frame, length);
	return xstcpFrameQueueCommit(q, length);
}

const uint8_t* xstcpFrameQueueFront(xstcpFrameQueue* q, size_t* length)
{
	uint32_t head = q->head;
	uint32_t slot;
	if (!q->slots || (head == q->tail)) {
		*length = 0;
		return NULL;
	}
	/* The producer's slot writes are visible once its tail is. */
	XSTCP_MEMORY_BARRIER();
	slot = slotOf(q, head);
	*length = q->lengths[slot];
	return q->slots + (size_t)slot * XSTCP_ETH_MAX_FRAME;
}

void xstcpFrameQueueRelease(xstcpFrameQueue* q)
{
	uint32_t head = q->head;
	if (!q->slots || (head == q->tail))
		return;
	/* Done reading the slot before the producer may reuse it. */
	XSTCP_MEMORY_BARRIER();
	q->head = advance(q, head);
	XSTCP_MEMORY_BARRIER();
}

size_t xstcpFrameQueuePeekLength(xstcpFrameQueue* q)
{
	size_t length;
	(void)xstcpFrameQueueFront(q, &length);
	return length;
}

int xstcpFrameQueuePop(xstcpFrameQueue* q, uint8_t* dst, size_t dstSize)
{
	size_t length;
	const uint8_t* frame = xstcpFrameQueueFront(q, &length);
	if (!frame)
		return 0;
	if (length > dstSize)
		return -1;
	memcpy(dst, frame, length);
	xstcpFrameQueueRelease(q);
	return (int)length;
}

uint32_t xstcpFrameQueueCount(const xstcpFrameQueue* q)
{
	if (!q->slots)
		return 0;
	return distance(q, q->head, q->tail);
}
