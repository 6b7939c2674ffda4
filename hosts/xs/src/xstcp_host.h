/*
 * Shared declarations of the xstcp XS host: the event loop's state, the native
 * functions each source file installs, and the xsbug address.
 */
#ifndef XSTCP_HOST_H
#define XSTCP_HOST_H

#include "xsAll.h"
#include "xsScript.h"
#include "xs.h"

#define XSTCP_MAX_WATCHED_FDS 16
/* Ethernet devices open at once (ethernet_host.c). */
#define XSTCP_MAX_ETHERNETS 8

typedef struct {
	/* Next timer deadline on the host clock (ms), or < 0 when no timer is pending. */
	double wakeAt;
	int watched[XSTCP_MAX_WATCHED_FDS];
	int watchedCount;
	/* Set by xsHost.exit() or a fatal error: leave the loop after the current callback. */
	int exitRequested;
	int exitCode;
	/* The directory bare specifiers resolve in ("timer" -> DIR/timer.js). */
	char modulesDir[PATH_MAX];
} HostState;

extern HostState gHost;

/* host.c: the `xsHost` object, `print` and `trace`. */
void hostInstallGlobals(xsMachine* the, int argc, char** argv, int memoryFlag);
double hostNow(void);
void hostReportException(xsMachine* the, const char* where);
/* Calls xsHost[name](arg?) if it is a function; exceptions end the loop with exit code 1. */
void hostCallHook(xsMachine* the, const char* name, int hasArg, double arg);

/* output.c: standard output that never blocks the loop (print, trace, xsHost.write). */
void outputWrite(const char* text, size_t length);
void outputFlush(void);
int outputPending(void);
/* Writes what is left, blocking, and reports dropped output on stderr (at exit). */
void outputFinish(void);

/* native.c: the Native/native globals (XS 17's Native API) over our host functions. */
void nativeInstall(xsMachine* the);

/* ethernet_host.c: open Ethernet devices in the event loop. */
struct pollfd;
int ethernetHostCount(void);
/* Fills at most room pollfds with the devices' descriptors; returns how many. */
int ethernetHostDescriptors(struct pollfd* fds, int room);
/* After poll(): services the ready devices and delivers their frames to JavaScript. */
void ethernetHostDispatch(xsMachine* the, const struct pollfd* fds, int count);

/* memory.c: heap figures. */
void memoryInstall(xsMachine* the, xsSlot* host);
void memoryPrint(xsMachine* the, FILE* out, const char* label);

/* platform.c: parses a module file with its path recorded for xsbug and error messages. */
txScript* platformParseFile(txMachine* the, const char* path);

#ifdef mxDebug
/* xsbug.c: where fxConnect connects (host NULL: no debugger). */
void xsbugConfigure(const char* host, int port);
#endif

#endif /* XSTCP_HOST_H */
