/*
 * The platform functions XS asks of a host, for a board without an OS or files: machine
 * set-up, the promise job flag, aborts (one console line, then exit), and ES modules
 * looked up in the table of embedded modules (gFwModules), compiled to byte code on the
 * PC (targets/firmware/compiler), so that nothing is parsed at boot, and run from flash
 * (the keys they name are made first, by fxBuildKeys). Specifiers are tsc's
 * relative imports ("./x.js", "../a/b.js"), resolved against the importing module's
 * path, and the bare names build.mjs maps to a file.
 */
#include "xsAll.h"
#include "xsScript.h"
#include "xs.h"
#include "fw_board.h"
#include "fw_core.h"

void fxCreateMachinePlatform(txMachine* the)
{
	the->promiseJobs = 0;
	the->waiterCondition = NULL;
	the->waiterData = NULL;
	the->waiterLink = NULL;
}

void fxDeleteMachinePlatform(txMachine* the)
{
}

void fxQueuePromiseJobs(txMachine* the)
{
	the->promiseJobs = 1;
}

/* XS's exit statuses in the order of their enum in xsAll.h (XS_DEBUGGER_EXIT = 0 ...). */
static const char* const gAbortReasons[] = {
	"debugger", "memory full", "stack overflow", "fatal check", "dead strip",
	"unhandled exception", "not enough keys", "too much computation", "unhandled promise rejection",
};
#define ABORT_REASONS (sizeof(gAbortReasons) / sizeof(gAbortReasons[0]))

void fxAbort(txMachine* the, int status)
{
	char line[96];
	int n = snprintf(line, sizeof(line), "xstcp: fatal: %s (heap %u of %u bytes)\n",
		((status >= 0) && ((size_t)status < ABORT_REASONS)) ? gAbortReasons[status] : "unknown", (unsigned)heapUsed(), (unsigned)heapSize());
	fwConsoleWrite(line, (size_t)n);
	fwExit(1);
}

static const fwModule* findEmbedded(const char* path)
{
	for (uint32_t i = 0; i < gFwModuleCount; i++)
		if (!c_strcmp(gFwModules[i].path, path))
			return &gFwModules[i];
	return NULL;
}

/* Joins `name` to the directory of `from` in `out`, folding "." and ".." segments. */
static int resolvePath(const char* from, const char* name, char* out, size_t size)
{
	const char* slash = c_strrchr(from, '/');
	size_t n = slash ? (size_t)(slash - from) : 0;
	if (n >= size)
		return 0;
	c_memcpy(out, from, n);
	out[n] = 0;
	while (*name) {
		if ((name[0] == '.') && (name[1] == '/'))
			name += 2;
		else if ((name[0] == '.') && (name[1] == '.') && (name[2] == '/')) {
			char* up = c_strrchr(out, '/');
			if (!up)
				return 0;
			*up = 0;
			n = (size_t)(up - out);
			name += 3;
		}
		else {
			size_t rest = c_strlen(name);
			if (n + 1 + rest >= size)
				return 0;
			out[n++] = '/';
			c_memcpy(out + n, name, rest + 1);
			return 1;
		}
	}
	return 0;
}

txID fxFindModule(txMachine* the, txSlot* realm, txID moduleID, txSlot* slot)
{
	char name[C_PATH_MAX];
	char path[C_PATH_MAX];
	fxToStringBuffer(the, slot, name, sizeof(name));
	if (name[0] == '.') {
		if ((moduleID == XS_NO_ID) || !resolvePath(fxGetKeyName(the, moduleID), name, path, sizeof(path)))
			return XS_NO_ID;
	}
	else
		c_strcpy(path, name); /* absolute, or a bare name the build mapped ("xstcp/ethernet") */
	return findEmbedded(path) ? fxNewNameC(the, path) : XS_NO_ID;
}

/*
 * XS's built-in keys (what xsPlatforms.c's default does), then the names the embedded
 * modules use, in the order xsc-fw numbered them: their byte code holds those numbers.
 * The names stay in flash (fxNewNameX does not copy them). A number other than the one
 * the build gave would make every module misread its names: that is fatal at once.
 */
void fxBuildKeys(txMachine* the)
{
	int i;
	for (i = 0; i < XS_SYMBOL_ID_COUNT; i++) {
		txID id = the->keyIndex;
		txSlot* description = fxNewSlot(the);
		fxCopyStringC(the, description, gxIDStrings[i]);
		the->keyArray[id] = description;
		the->keyIndex++;
	}
	for (; i < XS_ID_COUNT; i++)
		fxID(the, gxIDStrings[i]);
	for (uint32_t k = 0; k < gFwKeyCount; k++) {
		txID id = fxNewNameX(the, (txString)gFwKeys[k]);
		if (id != (txID)(gFwKeyFirst + k)) {
			char line[96];
			int n = snprintf(line, sizeof(line), "xstcp: fatal: key %u is %u on this XS, not %u as built\n", (unsigned)k, (unsigned)id, (unsigned)(gFwKeyFirst + k));
			fwConsoleWrite(line, (size_t)n);
			fwExit(1);
		}
	}
}

/*
 * Runs a module's byte code from flash: xsc-fw numbered its symbols as fxBuildKeys made
 * the keys (so there is no symbol table to map), and its functions and string literals
 * use the archive opcodes, which point into the code instead of copying it into chunks.
 * Without a symbol table, XS neither rewrites nor frees the code.
 */
void fxLoadModule(txMachine* the, txSlot* module, txID moduleID)
{
	txString path = fxGetKeyName(the, moduleID);
	const fwModule* embedded = findEmbedded(path);
	txScript script;
	if (!embedded)
		mxSyntaxError("no module %s", path);
	c_memset(&script, 0, sizeof(txScript));
	script.codeBuffer = (txByte*)embedded->code;
	script.codeSize = (txSize)embedded->codeSize;
	script.version[0] = XS_MAJOR_VERSION;
	script.version[1] = XS_MINOR_VERSION;
	script.version[2] = XS_PATCH_VERSION;
	fxResolveModule(the, module, moduleID, &script, C_NULL, C_NULL);
}
