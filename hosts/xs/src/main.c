/*
 * xstcp-xs: runs an ES module on the XS engine with the xstcp host around it.
 *
 *   xstcp-xs [--xsbug HOST[:PORT]] [--memory] [--modules DIR] ENTRY.js [ARGS...]
 *
 * ENTRY.js is imported (top-level await works); ARGS reach it as xsHost.args. Then the
 * event loop runs: promise jobs first, then one poll() on the watched descriptors, the
 * open Ethernet devices (ethernet_host.c), the xsbug socket and a signalfd, with the next timer deadline as timeout
 * (no busy waiting). It ends when no timer and no descriptor is pending, on
 * xsHost.exit(code), or on an uncaught exception (exit code 1).
 *
 * Bare module specifiers resolve in --modules DIR, else $XSTCP_XS_MODULES, else
 * hosts/xs/modules found from this binary's place in build/xs/<release|debug>/.
 */
#include "xstcp_host.h"
#include "xsmc.h"
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>

static const char* gUsage =
	"usage: xstcp-xs [--xsbug HOST[:PORT]] [--memory] [--modules DIR] ENTRY.js [ARGS...]\n";

static const char* gBootstrap =
	"(function (path) {\n"
	"  return import(path).then(undefined, function (error) {\n"
	"    var text = String(error);\n"
	"    if (error && typeof error.stack === 'string') text += '\\n' + error.stack;\n"
	"    xsHost.writeError('xstcp-xs: cannot run ' + path + ': ' + text + '\\n');\n"
	"    xsHost.exit(1);\n"
	"  });\n"
	"})";

typedef struct {
	const char* xsbug;
	int memory;
	const char* modules;
	const char* entry;
	int scriptArgc;
	char** scriptArgv;
} Options;

static int parseOptions(int argc, char** argv, Options* options)
{
	int i = 1;
	memset(options, 0, sizeof(*options));
	while ((i < argc) && !strncmp(argv[i], "--", 2)) {
		if (!strcmp(argv[i], "--memory"))
			options->memory = 1;
		else if (!strcmp(argv[i], "--xsbug") && (i + 1 < argc))
			options->xsbug = argv[++i];
		else if (!strcmp(argv[i], "--modules") && (i + 1 < argc))
			options->modules = argv[++i];
		else {
			fprintf(stderr, "xstcp-xs: unknown or incomplete option %s\n%s", argv[i], gUsage);
			return 0;
		}
		i++;
	}
	if (i >= argc) {
		fprintf(stderr, "xstcp-xs: no entry module given\n%s", gUsage);
		return 0;
	}
	options->entry = argv[i++];
	options->scriptArgc = argc - i;
	options->scriptArgv = argv + i;
	return 1;
}

static void findModulesDir(const Options* options)
{
	char exe[PATH_MAX];
	ssize_t n;
	const char* env = getenv("XSTCP_XS_MODULES");
	if (options->modules)
		snprintf(gHost.modulesDir, sizeof(gHost.modulesDir), "%s", options->modules);
	else if (env && env[0])
		snprintf(gHost.modulesDir, sizeof(gHost.modulesDir), "%s", env);
	else if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		/* <repo>/build/xs/<goal>/xstcp-xs -> <repo>/hosts/xs/modules */
		int up;
		exe[n] = 0;
		for (up = 0; up < 4; up++) {
			char* slash = strrchr(exe, '/');
			if (!slash)
				break;
			*slash = 0;
		}
		snprintf(gHost.modulesDir, sizeof(gHost.modulesDir), "%.*s/hosts/xs/modules", PATH_MAX - 32, exe);
	}
	{
		char canonical[PATH_MAX];
		if (gHost.modulesDir[0] && realpath(gHost.modulesDir, canonical))
			snprintf(gHost.modulesDir, sizeof(gHost.modulesDir), "%s", canonical);
	}
}

#ifdef mxDebug
static int configureXsbug(const char* address)
{
	char host[256];
	const char* colon = strrchr(address, ':');
	int port = 5002;
	if (colon) {
		char* end;
		long value = strtol(colon + 1, &end, 10);
		if ((*end != 0) || (value < 1) || (value > 65535) || ((size_t)(colon - address) >= sizeof(host)))
			return 0;
		port = (int)value;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - address), address);
	}
	else
		snprintf(host, sizeof(host), "%s", address);
	if (!host[0])
		return 0;
	xsbugConfigure(host, port);
	return 1;
}
#endif

/* Runs promise jobs until none is queued, then XS's end-of-job work. */
static void runJobs(xsMachine* the)
{
	while (the->promiseJobs && !gHost.exitRequested) {
		the->promiseJobs = 0;
		xsBeginHost(the);
		fxRunPromiseJobs(the);
		xsEndHost(the);
	}
	xsBeginHost(the);
	fxEndJob(the);
	xsEndHost(the);
}

static void startEntry(xsMachine* the, const char* entry)
{
	char path[PATH_MAX];
	if (!realpath(entry, path)) {
		fprintf(stderr, "xstcp-xs: cannot find %s: %s\n", entry, strerror(errno));
		gHost.exitCode = 1;
		gHost.exitRequested = 1;
		return;
	}
	xsBeginHost(the);
	{
		xsmcVars(2);
		xsTry {
			xsVar(0) = xsCall1(xsGlobal, xsID("eval"), xsString((char*)gBootstrap));
			xsmcSetString(xsVar(1), path);
			(void)xsCallFunction1(xsVar(0), xsUndefined, xsVar(1));
		}
		xsCatch {
			hostReportException(the, "start");
			gHost.exitCode = 1;
			gHost.exitRequested = 1;
		}
	}
	xsEndHost(the);
}

static int openSignalFd(void)
{
	sigset_t signals;
	sigemptyset(&signals);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGUSR2); /* a program's own request (the board prints its figures) */
	sigprocmask(SIG_BLOCK, &signals, NULL);
	return signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* A signal calls xsHost.onSignal(number) when the program set one, else ends the loop. */
static void handleSignal(xsMachine* the, int signalFd)
{
	struct signalfd_siginfo info;
	int hasHook = 0;
	if (read(signalFd, &info, sizeof(info)) != (ssize_t)sizeof(info))
		return;
	xsBeginHost(the);
	{
		xsmcVars(2);
		xsmcGet(xsVar(0), xsGlobal, xsID("xsHost"));
		xsmcGet(xsVar(1), xsVar(0), xsID("onSignal"));
		hasHook = xsmcTypeOf(xsVar(1)) == xsReferenceType;
	}
	xsEndHost(the);
	if (hasHook)
		hostCallHook(the, "onSignal", 1, (double)info.ssi_signo);
	else {
		gHost.exitCode = 128 + (int)info.ssi_signo;
		gHost.exitRequested = 1;
	}
}

static void runLoop(xsMachine* the, int signalFd)
{
	struct pollfd fds[XSTCP_MAX_WATCHED_FDS + XSTCP_MAX_ETHERNETS + 3];
	for (;;) {
		int count = 0, watched, ethernets, others, i, timeout, ready;
		runJobs(the);
		if (gHost.exitRequested)
			return;
		if (gHost.wakeAt >= 0) {
			double wait = gHost.wakeAt - hostNow();
			timeout = (wait <= 0) ? 0 : ((wait > 86400000.0) ? 86400000 : (int)ceil(wait));
		}
		else if ((gHost.watchedCount == 0) && (ethernetHostCount() == 0))
			return;
		else
			timeout = -1;
		watched = gHost.watchedCount;
		for (i = 0; i < watched; i++) {
			fds[count].fd = gHost.watched[i];
			fds[count].events = POLLIN;
			fds[count++].revents = 0;
		}
		ethernets = ethernetHostDescriptors(fds + count, XSTCP_MAX_ETHERNETS);
		count += ethernets;
		others = count;
		fds[count].fd = signalFd;
		fds[count].events = POLLIN;
		fds[count++].revents = 0;
		/* Output waiting for a slow reader: wake when fd 1 takes more (or -1: ignored). */
		fds[count].fd = outputPending() ? 1 : -1;
		fds[count].events = POLLOUT;
		fds[count++].revents = 0;
#ifdef mxDebug
		fds[count].fd = the->debugSocket;
		fds[count].events = POLLIN;
		fds[count++].revents = 0;
#endif
		ready = poll(fds, (nfds_t)count, timeout);
		if ((ready < 0) && (errno != EINTR)) {
			fprintf(stderr, "xstcp-xs: poll: %s\n", strerror(errno));
			gHost.exitCode = 1;
			return;
		}
		if (ready > 0) {
			if (fds[others].revents & POLLIN)
				handleSignal(the, signalFd);
			if (fds[others + 1].revents & (POLLOUT | POLLERR | POLLHUP))
				outputFlush();
			if (!gHost.exitRequested)
				ethernetHostDispatch(the, fds + watched, ethernets);
			for (i = 0; (i < watched) && !gHost.exitRequested; i++) {
				if (fds[i].revents & (POLLIN | POLLERR | POLLHUP))
					hostCallHook(the, "onReadable", 1, (double)fds[i].fd);
			}
#ifdef mxDebug
			if ((the->debugSocket >= 0) && (fds[others + 2].revents & (POLLIN | POLLHUP | POLLERR))) {
				/* xsbug talks while we sleep (breakpoints, a break request): let XS read it. */
				xsBeginHost(the);
				fxDebugCommand(the);
				xsEndHost(the);
			}
#endif
		}
		if (!gHost.exitRequested && (gHost.wakeAt >= 0) && (hostNow() >= gHost.wakeAt)) {
			gHost.wakeAt = -1;
			hostCallHook(the, "onWake", 0, 0);
		}
	}
}

int main(int argc, char** argv)
{
	Options options;
	xsCreation creation = {
		512 * 1024,   /* initialChunkSize */
		256 * 1024,   /* incrementalChunkSize */
		32 * 1024,    /* initialHeapCount (slots) */
		8 * 1024,     /* incrementalHeapCount */
		8192,         /* stackCount */
		8192,         /* initialKeyCount */
		1024,         /* incrementalKeyCount */
		1993,         /* nameModulo */
		127,          /* symbolModulo */
		256 * 1024,   /* parserBufferSize */
		1993,         /* parserTableModulo */
		0,            /* staticSize: grow with malloc */
	};
	xsMachine* machine;
	int signalFd;

	if (!parseOptions(argc, argv, &options))
		return 2;
	gHost.wakeAt = -1;
	findModulesDir(&options);
	signal(SIGPIPE, SIG_IGN);
	if (options.xsbug) {
#ifdef mxDebug
		if (!configureXsbug(options.xsbug)) {
			fprintf(stderr, "xstcp-xs: --xsbug needs HOST or HOST:PORT, got '%s'\n", options.xsbug);
			return 2;
		}
#else
		fprintf(stderr, "xstcp-xs: this is a release build without xsbug support; use build/xs/debug/xstcp-xs for --xsbug\n");
		return 2;
#endif
	}
	signalFd = openSignalFd();
	if (signalFd < 0) {
		fprintf(stderr, "xstcp-xs: signalfd: %s\n", strerror(errno));
		return 1;
	}

	/* With --xsbug, creating the machine connects and logs in, then waits for xsbug's go. */
	machine = xsCreateMachine(&creation, "xstcp", NULL);
	if (!machine) {
		fprintf(stderr, "xstcp-xs: cannot create the XS machine\n");
		return 1;
	}
#ifdef mxDebug
	if (options.xsbug && !fxIsConnected(machine)) {
		fprintf(stderr, "xstcp-xs: cannot connect to xsbug at %s\n", options.xsbug);
		xsDeleteMachine(machine);
		return 1;
	}
#endif
	xsBeginHost(machine);
	hostInstallGlobals(the, options.scriptArgc, options.scriptArgv, options.memory);
	xsEndHost(machine);

	startEntry(machine, options.entry);
	if (!gHost.exitRequested)
		runLoop(machine, signalFd);
	outputFinish();
	fflush(stdout);
	if (options.memory) {
		xsBeginHost(machine);
		xsCollectGarbage();
		memoryPrint(the, stderr, "at exit");
		xsEndHost(machine);
	}
	xsDeleteMachine(machine);
	close(signalFd);
	return gHost.exitCode;
}
