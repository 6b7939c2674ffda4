/*
 * The firmware's main(): board start-up, the configuration line, one XS machine, the
 * embedded board program, then the main loop that a bare-metal board needs instead of
 * an OS: promise jobs, console commands, Ethernet frames, timers, and sleep until the
 * next interrupt when none of them has work.
 *
 * Configuration line: firmware options first, then the board's own (`xstcp board` flags):
 *   [--heap-kb N] [--seed HEX] [--] --ip 198.18.0.2/24 --trace ...
 * --heap-kb caps malloc's heap (to run as on a part with less RAM); --seed mixes the
 * host's entropy into fwRandom32 on boards without an RNG.
 */
#include "xsAll.h"
#include "xs.h"
#include "xsmc.h"
#include "fw_board.h"
#include "fw_core.h"

fwState gFw;

static char gCommandLine[1024];

/* XS 13.3 has no Native()/native(): hosts/xs/src/native.c provides them (needs xsVar 0..2). */
extern void nativeInstall(xsMachine* the);

static const char* gBootstrap =
	"(function (path) {\n"
	"  return import(path).then(undefined, function (error) {\n"
	"    fw.write('xstcp: cannot run ' + path + ': ' + String(error) + '\\n');\n"
	"    fw.exit(1);\n"
	"  });\n"
	"})";

static void say(const char* text)
{
	fwConsoleWrite(text, c_strlen(text));
}

/* Splits the configuration line on spaces; takes the firmware's own options off the front. */
static int readConfiguration(void)
{
	int length = fwCommandLine(gCommandLine, sizeof(gCommandLine));
	char* cursor = gCommandLine;
	int own = 1;
	if (length < 0)
		gCommandLine[0] = 0;
	/* QEMU puts the image's name first, as argv[0]. */
	int first = 1;
	while (*cursor) {
		while (*cursor == ' ')
			*cursor++ = 0;
		if (!*cursor)
			break;
		char* word = cursor;
		while (*cursor && (*cursor != ' '))
			cursor++;
		if (*cursor)
			*cursor++ = 0;
		if (first) {
			first = 0;
			continue;
		}
		if (own && !c_strcmp(word, "--")) {
			own = 0;
			continue;
		}
		if (own && (!c_strcmp(word, "--heap-kb") || !c_strcmp(word, "--seed"))) {
			while (*cursor == ' ')
				cursor++;
			char* value = cursor;
			while (*cursor && (*cursor != ' '))
				cursor++;
			if (*cursor)
				*cursor++ = 0;
			if (!*value) {
				say("xstcp: firmware option needs a value\n");
				return -1;
			}
			if (word[2] == 'h')
				heapLimit((size_t)strtoul(value, NULL, 10) * 1024u);
			else
				fwRandomSeed(strtoull(value, NULL, 16));
			continue;
		}
		own = 0;
		if (gFw.argc >= FW_MAX_ARGS) {
			say("xstcp: too many arguments\n");
			return -1;
		}
		gFw.argv[gFw.argc++] = word;
	}
	return 0;
}

/* One pass of promise jobs; jobs they queue run on the loop's next turn (it does not sleep while any wait). */
static void runJobs(xsMachine* the)
{
	xsBeginHost(the);
	if (the->promiseJobs) {
		the->promiseJobs = 0;
		fxRunPromiseJobs(the);
	}
	fxEndJob(the);
	xsEndHost(the);
}

static void startEntry(xsMachine* the)
{
	xsBeginHost(the);
	{
		xsmcVars(2);
		xsTry {
			xsVar(0) = xsCall1(xsGlobal, xsID("eval"), xsString((char*)gBootstrap));
			xsmcSetString(xsVar(1), (char*)gFwEntry);
			(void)xsCallFunction1(xsVar(0), xsUndefined, xsVar(1));
		}
		xsCatch {
			say("xstcp: cannot start the board program\n");
			gFw.exitCode = 1;
			gFw.exitRequested = 1;
		}
	}
	xsEndHost(the);
}

/* Console input: lines handed to fw.onCommand (the host's "stop", "cpu" ...). */
static char gLine[128];
static size_t gLineLength;

static void readConsole(xsMachine* the)
{
	int c;
	while (!gFw.exitRequested && ((c = fwConsoleRead()) >= 0)) {
		if ((c == '\n') || (c == '\r')) {
			if (gLineLength == 0)
				continue;
			gLine[gLineLength] = 0;
			gLineLength = 0;
			fwCallHook(the, "onCommand", gLine);
		}
		else if (gLineLength < sizeof(gLine) - 1)
			gLine[gLineLength++] = (char)c;
	}
}

static int timerDue(void)
{
	return (gFw.wakeAt >= 0) && (((double)fwNanos() / 1e6) >= gFw.wakeAt);
}

static void runLoop(xsMachine* the)
{
	while (!gFw.exitRequested) {
		runJobs(the);
		readConsole(the);
		fwEthernetPoll(the);
		if (!gFw.exitRequested && timerDue()) {
			gFw.wakeAt = -1;
			fwCallHook(the, "onWake", NULL);
		}
		/* Sleep only when nothing is left; an interrupt between the check and wfi still wakes it. */
		__asm volatile ("cpsid i" ::: "memory");
		if (!gFw.exitRequested && !the->promiseJobs && !fwBoardEventsPending() && !fwEthernetWaiting() && !timerDue()) {
			uint64_t before = fwNanos();
			fwSleep();
			__asm volatile ("cpsie i\n isb" ::: "memory");
			gFw.idleNanos += fwNanos() - before;
		}
		else
			__asm volatile ("cpsie i" ::: "memory");
	}
}

/*
 * XS's memory, for the board program with its four apps (README "Firmware"): about 17,500
 * slots live after boot, so the heap starts at 16,384 and grows by 512 (XS grows when two
 * collections in a row leave fewer free than that step: a smaller step reserves less
 * beyond what is live). The byte code runs from flash, so chunks hold only data (80 KiB
 * after boot, 120 KiB at the peak): one block of 112 KiB, which XS compacts, so that a
 * socket's 23 KiB buffer finds room in it; with several small blocks it needed a new
 * 32 KiB block that a heap capped at 512 KiB no longer had. JavaScript's stack: 1,024 slots.
 */
int main(void)
{
	xsCreation creation = {
		112 * 1024,   /* initialChunkSize */
		8 * 1024,     /* incrementalChunkSize */
		16384,        /* initialHeapCount (slots of 16 bytes) */
		512,          /* incrementalHeapCount */
		1024,         /* stackCount */
		0,            /* initialKeyCount: set below, to the keys fxBuildKeys makes */
		256,          /* incrementalKeyCount */
		127,          /* nameModulo */
		61,           /* symbolModulo */
		16 * 1024,    /* parserBufferSize */
		127,          /* parserTableModulo */
		0,            /* staticSize: grow with malloc */
	};
	xsMachine* machine;
	/* XS's built-in keys and the modules' (fxBuildKeys), and room for the keys made at run time. */
	creation.initialKeyCount = (xsIntegerValue)(gFwKeyFirst + gFwKeyCount + 256);

	stackPaint();
	fwBoardInit();
	gFw.wakeAt = -1;
	if (readConfiguration() != 0)
		return 2;
	machine = xsCreateMachine(&creation, "xstcp", NULL);
	if (!machine) {
		say("xstcp: cannot create the XS machine\n");
		return 1;
	}
	xsBeginHost(machine);
	fwInstallGlobals(the);
	{
		xsmcVars(3);
		nativeInstall(the);
	}
	xsEndHost(machine);
	startEntry(machine);
	/* The import resolves through promise jobs: the board program has run when none is left. */
	for (int i = 0; (i < 1000) && machine->promiseJobs && !gFw.exitRequested; i++)
		runJobs(machine);
	gFw.bootNanos = fwNanos();
	runLoop(machine);
	return gFw.exitCode;
}
