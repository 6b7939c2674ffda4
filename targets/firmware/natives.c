/*
 * The `fw` global of the firmware: what the JavaScript side of the board
 * (targets/firmware/ts) needs from C, as host functions.
 *
 *   fw.args             the configuration line's words (after the firmware's own options)
 *   fw.now()            ms since boot, with the tick's sub-millisecond part
 *   fw.setWake(ms)      the main loop calls fw.onWake() once fw.now() >= ms (< 0: never)
 *   fw.write(text)      to the console (trace lines, `ready`, messages)
 *   fw.exit(code)       leaves the main loop; the board then ends with `code`
 *   fw.random32()       32 random bits
 *   fw.gc(), fw.memory()  XS's chunk/slot figures; the C heap's high-water mark and
 *                       what malloc has handed out now, the main stack's peak (bytes)
 *   fw.cpu()            { totalNs, idleNs, bootNs, deliveries } since reset
 *   fw.checksum(buf, start, end, initial)   folded, non-inverted one's-complement sum
 *                       (the hook of src/net/wire/checksum.ts: a C loop instead of bytecode)
 *   fw.onWake, fw.onCommand(line)   set by JavaScript; called by the main loop
 */
#include "xsAll.h"
#include "xs.h"
#include "xsmc.h"
#include <malloc.h>
#include "fw_board.h"
#include "fw_core.h"

static void fw_now(xsMachine* the)
{
	xsmcSetNumber(xsResult, (double)fwNanos() / 1e6);
}

static void fw_setWake(xsMachine* the)
{
	gFw.wakeAt = xsmcToNumber(xsArg(0));
}

static void fw_write(xsMachine* the)
{
	const char* text = xsmcToString(xsArg(0));
	fwConsoleWrite(text, c_strlen(text));
}

static void fw_exit(xsMachine* the)
{
	gFw.exitCode = xsmcToInteger(xsArg(0));
	gFw.exitRequested = 1;
}

static void fw_random32(xsMachine* the)
{
	xsmcSetNumber(xsResult, (double)fwRandom32());
}

static void fw_gc(xsMachine* the)
{
	xsCollectGarbage();
}

static void setNumber(xsMachine* the, const char* name, double value)
{
	xsmcSetNumber(xsVar(0), value);
	xsmcSet(xsResult, xsID((char*)name), xsVar(0));
}

static void fw_memory(xsMachine* the)
{
	xsmcVars(1);
	xsResult = xsNewObject();
	setNumber(the, "chunks", (double)the->currentChunksSize);
	setNumber(the, "chunksPeak", (double)the->peakChunksSize);
	setNumber(the, "chunksReserved", (double)the->maximumChunksSize);
	setNumber(the, "slots", (double)the->currentHeapCount);
	setNumber(the, "slotsPeak", (double)the->peakHeapCount);
	setNumber(the, "slotsReserved", (double)the->maximumHeapCount);
	setNumber(the, "slotSize", (double)sizeof(txSlot));
	setNumber(the, "heapUsed", (double)heapUsed());
	setNumber(the, "heapSize", (double)heapSize());
	setNumber(the, "heapInUse", (double)mallinfo().uordblks);
	setNumber(the, "stackPeak", (double)stackPeak());
}

static void fw_cpu(xsMachine* the)
{
	xsmcVars(1);
	xsResult = xsNewObject();
	setNumber(the, "totalNs", (double)fwNanos());
	setNumber(the, "idleNs", (double)gFw.idleNanos);
	setNumber(the, "bootNs", (double)gFw.bootNanos);
	setNumber(the, "deliveries", (double)gFw.deliveries);
}

/* fw.checksum: the shared binding of targets/common/bytes_xs.c. */
extern void xs_xstcp_checksum(xsMachine* the);

static void define(xsMachine* the, xsSlot* object, const char* name, xsCallback callback, int length)
{
	xsVar(1) = xsNewHostFunction(callback, length);
	xsmcSet(*object, xsID((char*)name), xsVar(1));
}

void fwInstallGlobals(xsMachine* the)
{
	xsmcVars(3);
	xsVar(0) = xsNewObject();
	define(the, &xsVar(0), "now", fw_now, 0);
	define(the, &xsVar(0), "setWake", fw_setWake, 1);
	define(the, &xsVar(0), "write", fw_write, 1);
	define(the, &xsVar(0), "exit", fw_exit, 1);
	define(the, &xsVar(0), "random32", fw_random32, 0);
	define(the, &xsVar(0), "gc", fw_gc, 0);
	define(the, &xsVar(0), "memory", fw_memory, 0);
	define(the, &xsVar(0), "cpu", fw_cpu, 0);
	define(the, &xsVar(0), "checksum", xs_xstcp_checksum, 4);
	xsVar(1) = xsNewArray(gFw.argc);
	for (int i = 0; i < gFw.argc; i++) {
		xsmcSetString(xsVar(2), gFw.argv[i]);
		xsmcSetIndex(xsVar(1), i, xsVar(2));
	}
	xsmcSet(xsVar(0), xsID("args"), xsVar(1));
	xsmcSet(xsGlobal, xsID("fw"), xsVar(0));
}

/* Calls fw[name](argument?) when it is a function; an exception ends the firmware (exit 1). */
void fwCallHook(xsMachine* the, const char* name, const char* argument)
{
	xsBeginHost(the);
	{
		xsmcVars(3);
		xsTry {
			xsmcGet(xsVar(0), xsGlobal, xsID("fw"));
			xsmcGet(xsVar(1), xsVar(0), xsID((char*)name));
			if (xsmcTypeOf(xsVar(1)) == xsReferenceType) {
				if (argument) {
					xsmcSetString(xsVar(2), (char*)argument);
					(void)xsCallFunction1(xsVar(1), xsVar(0), xsVar(2));
				}
				else
					(void)xsCallFunction0(xsVar(1), xsVar(0));
			}
		}
		xsCatch {
			char line[160];
			xsVar(2) = xsException;
			int n = snprintf(line, sizeof(line), "xstcp: uncaught exception in fw.%s: %s\n", name, xsmcToString(xsVar(2)));
			fwConsoleWrite(line, (size_t)((n < (int)sizeof(line)) ? n : (int)sizeof(line) - 1));
			gFw.exitCode = 1;
			gFw.exitRequested = 1;
		}
	}
	xsEndHost(the);
}
