/*
 * The firmware's JavaScript compiler, run on the PC at build time: XS 13.3's own parser
 * and byte-code generator (the @agoric/xsnap sources, built with the firmware's XS
 * options so that the byte code matches the image's XS) turn each module into byte code.
 * The firmware then loads modules without parsing (targets/firmware/xs_platform.c): no
 * parser memory and no parse time at boot.
 *
 * The byte code is also made to run from flash as it is, never copied to RAM:
 * - Its symbols are numbered here as the board's XS will number them: XS's built-in keys
 *   (gxIDStrings, in the order fxBuildKeys creates them), then every other name of every
 *   module in first-use order, which the firmware's fxBuildKeys creates right after the
 *   built-ins (and checks: a different number is a fatal error at boot). The code's
 *   symbol operands are rewritten to those key numbers, as XS's fxRemapIDs would at load.
 * - Function bodies and string literals use XS's archive opcodes (XS_CODE_CODE_ARCHIVE_n,
 *   XS_CODE_STRING_ARCHIVE_n): functions point at their code in flash and literals are
 *   strings in flash, where XS_CODE_CODE_n and XS_CODE_STRING_n copy them into chunks.
 *
 *   xsc-fw KEYS.bin IN.js OUT.xsfw [IN.js OUT.xsfw ...]
 *
 * OUT.xsfw: the code, the symbols and the hosts tables, each as a 32-bit little-endian
 * length and the bytes (the symbols table is empty: the code is numbered already).
 * KEYS.bin: the number of the first key the modules add (32-bit little-endian), then
 * their names in order, each NUL-terminated. Parse errors are printed (path:line:
 * message); exit 1.
 */
#include "xsAll.h"
#include "xsScript.h"

static void report(const char* kind, txString path, txInteger line, txString format, c_va_list arguments)
{
	if (path)
		fprintf(stderr, "%s:%d: %s: ", path, (int)line, kind);
	else
		fprintf(stderr, "%s: ", kind);
	vfprintf(stderr, format, arguments);
	fprintf(stderr, "\n");
}

void fxVReport(void* console, txString format, c_va_list arguments)
{
	vfprintf(stderr, format, arguments);
}

void fxVReportError(void* console, txString path, txInteger line, txString format, c_va_list arguments)
{
	report("error", path, line, format, arguments);
}

void fxVReportWarning(void* console, txString path, txInteger line, txString format, c_va_list arguments)
{
	report("warning", path, line, format, arguments);
}

/* Template literal sites and profile records are numbered per compile, as a machine would. */
static txID gProfileID = 1;
static int gTag;

txID fxGenerateProfileID(void* console)
{
	return gProfileID++;
}

void fxGenerateTag(void* console, txString buffer, txInteger bufferSize, txString path)
{
	c_snprintf(buffer, bufferSize, path ? "#%d@%s" : "#%d", gTag++, path);
}

/*
 * What the byte-code generator links but only reaches with a machine (console != NULL):
 * there is none here, so reaching one is a bug of this tool, not of the input.
 */
static void noMachine(const char* what)
{
	fprintf(stderr, "xsc-fw: %s needs an XS machine\n", what);
	exit(1);
}

void fxAbort(txMachine* the, int status)
{
	noMachine("fxAbort");
}

void* fxNewChunk(txMachine* the, txSize size)
{
	noMachine("fxNewChunk");
	return NULL;
}

txSize fxMultiplyChunkSizes(txMachine* the, txSize a, txSize b)
{
	noMachine("fxMultiplyChunkSizes");
	return 0;
}

txID fxNewNameC(txMachine* the, txString name)
{
	noMachine("fxNewNameC");
	return XS_NO_ID;
}

void fxOverflow(txMachine* the, txInteger count, txString path, txInteger line)
{
	noMachine("fxOverflow");
}

static int writeTable(FILE* out, const void* bytes, txSize size)
{
	uint8_t length[4] = { (uint8_t)size, (uint8_t)(size >> 8), (uint8_t)(size >> 16), (uint8_t)(size >> 24) };
	if (fwrite(length, 1, 4, out) != 4)
		return -1;
	return ((size == 0) || (fwrite(bytes, 1, (size_t)size, out) == (size_t)size)) ? 0 : -1;
}

/* Compiles one module as the firmware would parse it (module goal, no debug records); NULL on errors. */
static txScript* compile(char* input)
{
	txParser parser;
	txParserJump jump;
	txScript* script = NULL;
	FILE* in = fopen(input, "r");
	if (!in) {
		fprintf(stderr, "xsc-fw: cannot read %s\n", input);
		return NULL;
	}
	fxInitializeParser(&parser, C_NULL, 32 * 1024, 1993);
	parser.firstJump = &jump;
	if (c_setjmp(jump.jmp_buf) == 0) {
		parser.path = fxNewParserSymbol(&parser, input);
		fxParserTree(&parser, in, (txGetter)fgetc, 0, NULL);
		fxParserHoist(&parser);
		fxParserBind(&parser);
		script = fxParserCode(&parser);
	}
	fclose(in);
	if ((parser.errorCount != 0) || !script) {
		fprintf(stderr, "xsc-fw: %s: %d error(s)\n", input, (int)parser.errorCount);
		fxDeleteScript(script);
		script = NULL;
	}
	fxTerminateParser(&parser);
	return script;
}

/* ---- key numbers: the names the board's XS will have, in creation order ---- */

#define KEY_TABLE_SIZE 16384
static const char* gKeyNames[KEY_TABLE_SIZE];
static txID gKeyIDs[KEY_TABLE_SIZE];
static txID gNextID;
/* The names the modules add after the built-ins, in order. */
static const char* gAdded[KEY_TABLE_SIZE];
static int gAddedCount;

static unsigned hashName(const char* name)
{
	unsigned h = 2166136261u;
	while (*name)
		h = (h ^ (uint8_t)*name++) * 16777619u;
	return h;
}

/* The number XS gives `name` (fxNewNameC/fxNewNameX): the existing key's, else the next one. */
static int keyOf(const char* name, int added, txID* id)
{
	unsigned i = hashName(name) % KEY_TABLE_SIZE;
	for (unsigned probes = 0; probes < KEY_TABLE_SIZE; probes++, i = (i + 1) % KEY_TABLE_SIZE) {
		if (!gKeyNames[i]) {
			if ((gNextID == (txID)-1) || (added && (gAddedCount == KEY_TABLE_SIZE)))
				break;
			gKeyNames[i] = name;
			gKeyIDs[i] = gNextID++;
			if (added)
				gAdded[gAddedCount++] = name;
			*id = gKeyIDs[i];
			return 0;
		}
		if (!c_strcmp(gKeyNames[i], name)) {
			*id = gKeyIDs[i];
			return 0;
		}
	}
	fprintf(stderr, "xsc-fw: too many keys\n");
	return -1;
}

/* What fxBuildKeys does: the symbols take the first numbers, then the built-in names in order. */
static void numberBuiltInKeys(void)
{
	txID id;
	gNextID = XS_SYMBOL_ID_COUNT;
	for (int i = XS_SYMBOL_ID_COUNT; i < XS_ID_COUNT; i++)
		(void)keyOf(gxIDStrings[i], 0, &id);
}

/*
 * Rewrites `script`'s code in place for the flash: symbol operands to key numbers (the walk
 * of XS's fxRemapIDs), function bodies and string literals to their archive opcodes.
 */
static int numberScript(txScript* script)
{
	txByte* p = script->symbolsBuffer;
	txID count, id;
	txID* ids;
	mxDecodeID(p, count);
	ids = c_malloc((count ? count : 1) * sizeof(txID));
	if (!ids)
		return -1;
	ids[0] = XS_NO_ID;
	for (txID i = 1; i < count; i++) {
		if (keyOf((const char*)p, 1, &ids[i]) != 0)
			return -1;
		p += mxStringLength((char*)p) + 1;
	}
	p = script->codeBuffer;
	txByte* q = script->codeBuffer + script->codeSize;
	while (p < q) {
		txU1 code = *(txU1*)p;
		txS1 offset = gxCodeSizes[code];
		if (((XS_CODE_CODE_1 <= code) && (code <= XS_CODE_CODE_4)) || ((XS_CODE_STRING_1 <= code) && (code <= XS_CODE_STRING_4)))
			*(txU1*)p = code + 3; /* XS_CODE_..._ARCHIVE_n follow XS_CODE_..._n in the enum */
		if (0 < offset)
			p += offset;
		else if (0 == offset) {
			p++;
			mxDecodeID(p, id);
			if (id != XS_NO_ID) {
				if (id >= count) {
					fprintf(stderr, "xsc-fw: symbol %u out of the module's table\n", (unsigned)id);
					return -1;
				}
				p -= sizeof(txID);
				mxEncodeID(p, ids[id]);
			}
		}
		else if (-1 == offset) {
			txU1 index;
			p++;
			index = *((txU1*)p);
			p += 1 + index;
		}
		else if (-2 == offset) {
			txU2 index;
			p++;
			mxDecode2(p, index);
			p += index;
		}
		else {
			txS4 index;
			p++;
			mxDecode4(p, index);
			p += index;
		}
	}
	c_free(ids);
	return (p == q) ? 0 : -1;
}

static int writeModule(txScript* script, const char* output)
{
	FILE* out = fopen(output, "wb");
	int status = (out && (writeTable(out, script->codeBuffer, script->codeSize) == 0)
		&& (writeTable(out, NULL, 0) == 0)
		&& (writeTable(out, script->hostsBuffer, script->hostsSize) == 0)) ? 0 : 1;
	if (out && fclose(out))
		status = 1;
	if (status)
		fprintf(stderr, "xsc-fw: cannot write %s\n", output);
	return status;
}

static int writeKeys(const char* output, txID first)
{
	FILE* out = fopen(output, "wb");
	uint8_t header[4] = { (uint8_t)first, (uint8_t)(first >> 8), 0, 0 };
	int status = (out && (fwrite(header, 1, 4, out) == 4)) ? 0 : 1;
	for (int i = 0; !status && (i < gAddedCount); i++)
		if (fwrite(gAdded[i], 1, c_strlen(gAdded[i]) + 1, out) != c_strlen(gAdded[i]) + 1)
			status = 1;
	if (out && fclose(out))
		status = 1;
	if (status)
		fprintf(stderr, "xsc-fw: cannot write %s\n", output);
	return status;
}

int main(int argc, char** argv)
{
	if ((argc < 4) || ((argc - 2) % 2)) {
		fprintf(stderr, "usage: xsc-fw KEYS.bin IN.js OUT.xsfw [IN.js OUT.xsfw ...]\n");
		return 2;
	}
	numberBuiltInKeys();
	txID first = gNextID;
	/* The scripts stay allocated until exit: the key table points into their symbols. */
	for (int i = 2; i + 1 < argc; i += 2) {
		txScript* script = compile(argv[i]);
		if (!script)
			return 1;
		if (numberScript(script) != 0) {
			fprintf(stderr, "xsc-fw: %s: cannot number its byte code\n", argv[i]);
			return 1;
		}
		if (writeModule(script, argv[i + 1]))
			return 1;
	}
	return writeKeys(argv[1], first);
}
