/*
 * The platform functions XS asks of a host (the "xsPlatforms.c" list of xsAll.h) that we
 * do not take from XS's defaults: machine set-up, the promise job flag, aborts, and ES
 * module lookup and loading from files.
 *
 * Module specifiers resolve like a Moddable manifest maps them on a PC:
 *   "./x.js", "../x.js"  relative to the importing module's file,
 *   "/abs/x.js"          as is,
 *   "timer", "a:b/c"     bare: DIR/timer.js, DIR/a/b/c.js with DIR = gHost.modulesDir.
 * Module keys are canonical absolute paths (realpath), so one file is one module.
 */
#include "xstcp_host.h"
#include <sys/stat.h>

void fxCreateMachinePlatform(txMachine* the)
{
	the->host = &gHost;
	the->promiseJobs = 0;
	the->debugSocket = -1;
	the->waiterCondition = NULL;
	the->waiterData = NULL;
	the->waiterLink = NULL;
}

void fxDeleteMachinePlatform(txMachine* the)
{
}

/* XS calls this when it queues a promise job; the event loop runs them before sleeping. */
void fxQueuePromiseJobs(txMachine* the)
{
	the->promiseJobs = 1;
}

static const char* abortReason(int status)
{
	switch (status) {
	case XS_STACK_OVERFLOW_EXIT: return "stack overflow";
	case XS_NOT_ENOUGH_MEMORY_EXIT: return "memory full";
	case XS_NO_MORE_KEYS_EXIT: return "not enough keys";
	case XS_DEAD_STRIP_EXIT: return "dead strip";
	case XS_FATAL_CHECK_EXIT: return "fatal check";
	case XS_UNHANDLED_EXCEPTION_EXIT: return "unhandled exception";
	case XS_UNHANDLED_REJECTION_EXIT: return "unhandled promise rejection";
	case XS_TOO_MUCH_COMPUTATION_EXIT: return "too much computation";
	default: return "unknown";
	}
}

void fxAbort(txMachine* the, int status)
{
	if (status == XS_DEBUGGER_EXIT) {
		/* xsbug's abort button: end quietly, like a board being reset. */
		fflush(stdout);
		exit(0);
	}
	fflush(stdout);
	fprintf(stderr, "xstcp-xs: fatal: %s\n", abortReason(status));
	if ((status == XS_UNHANDLED_EXCEPTION_EXIT) || (status == XS_UNHANDLED_REJECTION_EXIT))
		hostReportException(the, "value");
	exit(1);
}

/* ---- module paths ---------------------------------------------------------------- */

static int fileExists(const char* path)
{
	struct stat info;
	return (stat(path, &info) == 0) && S_ISREG(info.st_mode);
}

static int endsWith(const char* s, const char* suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return (n >= m) && !strcmp(s + n - m, suffix);
}

/* Writes the file a specifier names into `out` (before canonicalisation); 0 if it cannot. */
static int specifierToPath(txMachine* the, txID referrer, const char* name, char* out, size_t size)
{
	int n;
	if ((name[0] == '.') && ((name[1] == '/') || ((name[1] == '.') && (name[2] == '/')))) {
		const char* from;
		const char* slash;
		if (referrer == XS_NO_ID)
			return 0;
		from = fxGetKeyName(the, referrer);
		if (!from)
			return 0;
		slash = strrchr(from, '/');
		if (!slash)
			return 0;
		n = snprintf(out, size, "%.*s/%s", (int)(slash - from), from, name);
	}
	else if (name[0] == '/') {
		n = snprintf(out, size, "%s", name);
	}
	else {
		char mapped[PATH_MAX];
		size_t i;
		if (!gHost.modulesDir[0] || (strlen(name) >= sizeof(mapped)))
			return 0;
		/* "embedded:io/socket/tcp" -> "embedded/io/socket/tcp", as Moddable lays out modules. */
		for (i = 0; name[i]; i++)
			mapped[i] = (name[i] == ':') ? '/' : name[i];
		mapped[i] = 0;
		if (strstr(mapped, ".."))
			return 0;
		n = snprintf(out, size, "%s/%s%s", gHost.modulesDir, mapped, endsWith(mapped, ".js") ? "" : ".js");
	}
	return (n > 0) && ((size_t)n < size);
}

txID fxFindModule(txMachine* the, txSlot* realm, txID moduleID, txSlot* slot)
{
	char name[PATH_MAX];
	char path[PATH_MAX];
	char canonical[PATH_MAX];
	fxToStringBuffer(the, slot, name, sizeof(name));
	if (!specifierToPath(the, moduleID, name, path, sizeof(path)))
		return XS_NO_ID;
	if (!fileExists(path))
		return XS_NO_ID;
	if (!realpath(path, canonical))
		return XS_NO_ID;
	return fxNewNameC(the, canonical);
}

/* ---- parsing ---------------------------------------------------------------------- */

/* Parser errors go to stderr (the console is off in our builds) and to xsbug when connected. */
static void reportParserError(void* console, txString path, txInteger line, txString format, c_va_list arguments)
{
	c_va_list copy;
	va_copy(copy, arguments);
	fprintf(stderr, "%s:%d: error: ", path ? path : "?", (int)line);
	vfprintf(stderr, format, copy);
	fprintf(stderr, "\n");
	va_end(copy);
	fxVReportError(console, path, line, format, arguments);
}

txScript* platformParseFile(txMachine* the, const char* path)
{
	txParser parserRecord;
	txParser* parser = &parserRecord;
	txParserJump jump;
	txScript* script = NULL;
	txUnsigned flags = 0;
	FILE* file = fopen(path, "rb");
	if (!file)
		return NULL;
#ifdef mxDebug
	flags |= mxDebugFlag;
#endif
	fxInitializeParser(parser, the, the->parserBufferSize, the->parserTableModulo);
	parser->reportError = reportParserError;
	parser->firstJump = &jump;
	if (setjmp(jump.jmp_buf) == 0) {
		/* Name the code after its file so xsbug and error messages show the path. */
		parser->path = parser->source = fxNewParserSymbol(parser, (txString)path);
		fxParserTree(parser, file, (txGetter)fgetc, flags, NULL);
		fxParserHoist(parser);
		fxParserBind(parser);
		if (parser->errorCount == 0)
			script = fxParserCode(parser);
	}
	fxTerminateParser(parser);
	fclose(file);
	return script;
}

void fxLoadModule(txMachine* the, txSlot* module, txID moduleID)
{
	txString path = fxGetKeyName(the, moduleID);
	txScript* script = platformParseFile(the, path);
	if (!script)
		mxSyntaxError("cannot parse module %s", path);
	fxResolveModule(the, module, moduleID, script, C_NULL, C_NULL);
}
