/*
 * Memory figures of the machine, as XS counts them: chunk bytes (strings, array
 * buffers, closures' code, ...) and slots (every value, property and object header),
 * in use and at their peak. "In use" counts what survived the last collection plus
 * what was allocated since, so callers collect first for a steady figure.
 *
 *   xsHost.memory() -> { chunks, chunksPeak, chunksReserved, slots, slotsPeak,
 *                        slotsReserved, slotSize }   (chunks in bytes, slots in slots)
 *   xsHost.collection(on)   turns garbage collection on or off. Off, nothing is freed, so
 *                           the growth of `chunks` and `slots` over some code is exactly what
 *                           it allocated (the allocation count of scripted-transfer.ts).
 */
#include "xstcp_host.h"
#include "xsmc.h"

static void setNumber(xsMachine* the, xsSlot* object, const char* name, double value)
{
	xsSlot number;
	xsmcSetNumber(number, value);
	xsmcSet(*object, xsID((char*)name), number);
}

static void xs_host_memory(xsMachine* the)
{
	xsResult = xsNewObject();
	setNumber(the, &xsResult, "chunks", (double)the->currentChunksSize);
	setNumber(the, &xsResult, "chunksPeak", (double)the->peakChunksSize);
	setNumber(the, &xsResult, "chunksReserved", (double)the->maximumChunksSize);
	setNumber(the, &xsResult, "slots", (double)the->currentHeapCount);
	setNumber(the, &xsResult, "slotsPeak", (double)the->peakHeapCount);
	setNumber(the, &xsResult, "slotsReserved", (double)the->maximumHeapCount);
	setNumber(the, &xsResult, "slotSize", (double)sizeof(txSlot));
}

static void xs_host_collection(xsMachine* the)
{
	xsEnableGarbageCollection(xsmcTest(xsArg(0)));
}

/* Called by hostInstallGlobals, whose xsVar(0) is free to hold the new function. */
void memoryInstall(xsMachine* the, xsSlot* host)
{
	xsVar(0) = xsNewHostFunction(xs_host_memory, 0);
	xsmcSet(*host, xsID("memory"), xsVar(0));
	xsVar(0) = xsNewHostFunction(xs_host_collection, 1);
	xsmcSet(*host, xsID("collection"), xsVar(0));
}

void memoryPrint(xsMachine* the, FILE* out, const char* label)
{
	fprintf(out, "xstcp-xs memory (%s): chunks %ld bytes (peak %ld), slots %ld x %d bytes (peak %ld), reserved %ld chunk bytes + %ld slots\n",
		label, (long)the->currentChunksSize, (long)the->peakChunksSize, (long)the->currentHeapCount, (int)sizeof(txSlot),
		(long)the->peakHeapCount, (long)the->maximumChunksSize, (long)the->maximumHeapCount);
	fflush(out);
}
