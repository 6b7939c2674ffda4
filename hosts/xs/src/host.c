/*
 * The globals the host gives JavaScript: `print`, `trace`, and `xsHost`, a plain object
 * of native functions that the glue modules in hosts/xs/modules wrap (the Moddable-style
 * "timer" module, the clock, the random source).
 *
 *   xsHost.engine, .debug, .args       "xs", true in mxDebug builds, script arguments
 *   xsHost.memoryFlag                  true when the host was given --memory
 *   xsHost.now()                       monotonic milliseconds (fractional)
 *   xsHost.randomU32()                 32 bits from the kernel's CSPRNG
 *   xsHost.checksum(buf, start, end, initial)   folded, non-inverted one's-complement sum
 *   xsHost.copy(dst, dstOffset, src, srcStart, srcEnd)   memmove; returns bytes copied
 *   xsHost.write(s), .writeError(s)    raw stdout / stderr
 *   xsHost.writeFile(path, stringOrBytes)
 *   xsHost.fileCreate(path) -> fd, .fileWrite(fd, bytes) -> boolean, .fileClose(fd)
 *   xsHost.setWake(atMs | -1)          when the loop next calls xsHost.onWake()
 *   xsHost.watch(fd), .unwatch(fd)     the loop calls xsHost.onReadable(fd) when readable
 *   xsHost.exit(code)                  leave the loop after the current callback
 *   xsHost.gc()                        full garbage collection
 * plus memory figures (memory.c); the Native/native globals come from native.c.
 */
#include "xstcp_host.h"
#include "xsmc.h"
#include <fcntl.h>
#include <sys/random.h>

HostState gHost;

double hostNow(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return ((double)now.tv_sec * 1000.0) + ((double)now.tv_nsec / 1000000.0);
}

static void outputString(const char* text)
{
	outputWrite(text, strlen(text));
}

static void xs_print(xsMachine* the)
{
	xsIntegerValue i, count = xsmcArgc;
	for (i = 0; i < count; i++) {
		if (i)
			outputString(" ");
		outputString(xsmcToString(xsArg(i)));
	}
	outputString("\n");
}

/* Moddable's trace: no newline added; to the console and, when attached, to xsbug's log. */
static void xs_trace(xsMachine* the)
{
	xsIntegerValue i, count = xsmcArgc;
	for (i = 0; i < count; i++) {
		xsStringValue s = xsmcToString(xsArg(i));
		outputString(s);
#ifdef mxDebug
		if (fxIsConnected(the))
			fxReport(the, "%s", s);
#endif
	}
}

static void xs_host_write(xsMachine* the)
{
	outputString(xsmcToString(xsArg(0)));
}

static void xs_host_write_error(xsMachine* the)
{
	fputs(xsmcToString(xsArg(0)), stderr);
	fflush(stderr);
}

static void xs_host_now(xsMachine* the)
{
	xsmcSetNumber(xsResult, hostNow());
}

static void xs_host_random_u32(xsMachine* the)
{
	uint32_t value = 0;
	if (getrandom(&value, sizeof(value), 0) != (ssize_t)sizeof(value))
		xsUnknownError("getrandom failed");
	xsmcSetNumber(xsResult, (double)value);
}

/* xsHost.checksum and xsHost.copy: the shared bindings of targets/common/bytes_xs.c. */
extern void xs_xstcp_checksum(xsMachine* the);
extern void xs_xstcp_copy(xsMachine* the);

static void xs_host_write_file(xsMachine* the)
{
	char path[PATH_MAX];
	FILE* file;
	const void* data;
	size_t length;
	xsmcToStringBuffer(xsArg(0), path, sizeof(path));
	if (xsmcTypeOf(xsArg(1)) == xsStringType) {
		data = xsmcToString(xsArg(1));
		length = strlen(data);
	}
	else {
		void* bytes;
		xsUnsignedValue count;
		xsmcGetBufferReadable(xsArg(1), &bytes, &count);
		data = bytes;
		length = count;
	}
	file = fopen(path, "wb");
	if (!file)
		xsUnknownError("cannot write %s: %s", path, strerror(errno));
	if (fwrite(data, 1, length, file) != length) {
		fclose(file);
		xsUnknownError("cannot write %s", path);
	}
	fclose(file);
}

/* fileCreate(path) -> fd: a file opened for writing, truncated (captures, logs). */
static void xs_host_file_create(xsMachine* the)
{
	char path[PATH_MAX];
	int fd;
	xsmcToStringBuffer(xsArg(0), path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		xsUnknownError("cannot create %s: %s", path, strerror(errno));
	xsmcSetInteger(xsResult, fd);
}

/* fileWrite(fd, bytes) -> boolean: true when every byte was written. */
static void xs_host_file_write(xsMachine* the)
{
	int fd = xsmcToInteger(xsArg(0));
	void* data;
	xsUnsignedValue length;
	size_t done = 0;
	xsmcGetBufferReadable(xsArg(1), &data, &length);
	while (done < length) {
		ssize_t count = write(fd, (const uint8_t*)data + done, length - done);
		if (count < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		done += (size_t)count;
	}
	xsmcSetBoolean(xsResult, done == length);
}

static void xs_host_file_close(xsMachine* the)
{
	int fd = xsmcToInteger(xsArg(0));
	if (fd > 2)
		close(fd);
}

static void xs_host_set_wake(xsMachine* the)
{
	double at = (xsmcArgc > 0) ? xsmcToNumber(xsArg(0)) : -1;
	gHost.wakeAt = (at >= 0) ? at : -1;
}

static void xs_host_watch(xsMachine* the)
{
	int fd = xsmcToInteger(xsArg(0)), i;
	for (i = 0; i < gHost.watchedCount; i++)
		if (gHost.watched[i] == fd)
			return;
	if (gHost.watchedCount >= XSTCP_MAX_WATCHED_FDS)
		xsRangeError("too many watched descriptors");
	gHost.watched[gHost.watchedCount++] = fd;
}

static void xs_host_unwatch(xsMachine* the)
{
	int fd = xsmcToInteger(xsArg(0)), i;
	for (i = 0; i < gHost.watchedCount; i++) {
		if (gHost.watched[i] == fd) {
			gHost.watched[i] = gHost.watched[--gHost.watchedCount];
			return;
		}
	}
}

static void xs_host_exit(xsMachine* the)
{
	gHost.exitCode = (xsmcArgc > 0) ? xsmcToInteger(xsArg(0)) : 0;
	gHost.exitRequested = 1;
}

static void xs_host_gc(xsMachine* the)
{
	xsCollectGarbage();
}

static void defineFunction(xsMachine* the, xsSlot* object, const char* name, xsCallback callback, int length)
{
	xsVar(0) = xsNewHostFunction(callback, length);
	xsmcSet(*object, xsID((char*)name), xsVar(0));
}

void hostInstallGlobals(xsMachine* the, int argc, char** argv, int memoryFlag)
{
	int i;
	xsmcVars(3);
	xsVar(0) = xsNewHostFunction(xs_print, 0);
	xsmcSet(xsGlobal, xsID("print"), xsVar(0));
	xsVar(0) = xsNewHostFunction(xs_trace, 0);
	xsmcSet(xsGlobal, xsID("trace"), xsVar(0));

	xsVar(1) = xsNewObject();
	xsmcSetString(xsVar(0), "xs");
	xsmcSet(xsVar(1), xsID("engine"), xsVar(0));
#ifdef mxDebug
	xsmcSetBoolean(xsVar(0), 1);
#else
	xsmcSetBoolean(xsVar(0), 0);
#endif
	xsmcSet(xsVar(1), xsID("debug"), xsVar(0));
	/* --memory was given: entries print their own figures too (e.g. after start-up). */
	xsmcSetBoolean(xsVar(0), memoryFlag);
	xsmcSet(xsVar(1), xsID("memoryFlag"), xsVar(0));
	xsVar(2) = xsNewArray(0);
	for (i = 0; i < argc; i++) {
		xsmcSetString(xsVar(0), argv[i]);
		xsmcSetIndex(xsVar(2), i, xsVar(0));
	}
	xsmcSet(xsVar(1), xsID("args"), xsVar(2));
	defineFunction(the, &xsVar(1), "now", xs_host_now, 0);
	defineFunction(the, &xsVar(1), "randomU32", xs_host_random_u32, 0);
	defineFunction(the, &xsVar(1), "checksum", xs_xstcp_checksum, 4);
	defineFunction(the, &xsVar(1), "copy", xs_xstcp_copy, 5);
	defineFunction(the, &xsVar(1), "write", xs_host_write, 1);
	defineFunction(the, &xsVar(1), "writeError", xs_host_write_error, 1);
	defineFunction(the, &xsVar(1), "writeFile", xs_host_write_file, 2);
	defineFunction(the, &xsVar(1), "fileCreate", xs_host_file_create, 1);
	defineFunction(the, &xsVar(1), "fileWrite", xs_host_file_write, 2);
	defineFunction(the, &xsVar(1), "fileClose", xs_host_file_close, 1);
	defineFunction(the, &xsVar(1), "setWake", xs_host_set_wake, 1);
	defineFunction(the, &xsVar(1), "watch", xs_host_watch, 1);
	defineFunction(the, &xsVar(1), "unwatch", xs_host_unwatch, 1);
	defineFunction(the, &xsVar(1), "exit", xs_host_exit, 1);
	defineFunction(the, &xsVar(1), "gc", xs_host_gc, 0);
	memoryInstall(the, &xsVar(1));
	xsmcSet(xsGlobal, xsID("xsHost"), xsVar(1));
	nativeInstall(the);
}

/* Prints the pending exception (xsException) and, when it has one, its stack, to stderr. */
void hostReportException(xsMachine* the, const char* where)
{
	xsTry {
		xsSlot exception = xsException;
		xsException = xsUndefined;
		xsmcVars(2);
		xsVar(0) = exception;
		fprintf(stderr, "xstcp-xs: uncaught exception (%s): %s\n", where, xsmcToString(xsVar(0)));
		if (xsmcTypeOf(xsVar(0)) == xsReferenceType) {
			xsmcGet(xsVar(1), xsVar(0), xsID("stack"));
			if (xsmcTypeOf(xsVar(1)) == xsStringType)
				fprintf(stderr, "%s\n", xsmcToString(xsVar(1)));
		}
	}
	xsCatch {
		fprintf(stderr, "xstcp-xs: uncaught exception (%s)\n", where);
	}
	fflush(stderr);
}

void hostCallHook(xsMachine* the, const char* name, int hasArg, double arg)
{
	xsBeginHost(the);
	{
		xsmcVars(3);
		xsTry {
			xsmcGet(xsVar(0), xsGlobal, xsID("xsHost"));
			xsmcGet(xsVar(1), xsVar(0), xsID((char*)name));
			if (xsmcTypeOf(xsVar(1)) == xsReferenceType) {
				if (hasArg) {
					xsmcSetNumber(xsVar(2), arg);
					(void)xsCall1(xsVar(0), xsID((char*)name), xsVar(2));
				}
				else
					(void)xsCall0(xsVar(0), xsID((char*)name));
			}
		}
		xsCatch {
			hostReportException(the, name);
			gHost.exitCode = 1;
			gHost.exitRequested = 1;
		}
	}
	xsEndHost(the);
}
