/*
 * The firmware's JavaScript compiler, run on the PC at build time: XS 13.3's own parser
 * and byte-code generator (the @agoric/xsnap sources, built with the firmware's XS
 * options so that the byte code matches the image's XS) turn each module into the
 * code and symbol tables XS runs. The firmware then loads modules without parsing
 * (targets/firmware/xs_platform.c): no parser memory and no parse time at boot.
 *
 *   xsc-fw IN.js OUT.xsfw [IN.js OUT.xsfw ...]
 *
 * OUT.xsfw: the code, the symbols and the hosts tables, each as a 32-bit little-endian
 * length and the bytes. Parse errors are printed (path:line: message); exit 1.
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

/* Compiles one module as the firmware would parse it (module goal, no debug records). */
static int compile(char* input, const char* output)
{
	txParser parser;
	txParserJump jump;
	txScript* script = NULL;
	int status = 1;
	FILE* in = fopen(input, "r");
	if (!in) {
		fprintf(stderr, "xsc-fw: cannot read %s\n", input);
		return 1;
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
	if ((parser.errorCount == 0) && script) {
		FILE* out = fopen(output, "wb");
		if (out && (writeTable(out, script->codeBuffer, script->codeSize) == 0)
			&& (writeTable(out, script->symbolsBuffer, script->symbolsSize) == 0)
			&& (writeTable(out, script->hostsBuffer, script->hostsSize) == 0))
			status = 0;
		else
			fprintf(stderr, "xsc-fw: cannot write %s\n", output);
		if (out)
			fclose(out);
	}
	else
		fprintf(stderr, "xsc-fw: %s: %d error(s)\n", input, (int)parser.errorCount);
	fxDeleteScript(script);
	fxTerminateParser(&parser);
	return status;
}

int main(int argc, char** argv)
{
	if ((argc < 3) || ((argc - 1) % 2)) {
		fprintf(stderr, "usage: xsc-fw IN.js OUT.xsfw [IN.js OUT.xsfw ...]\n");
		return 2;
	}
	for (int i = 1; i + 1 < argc; i += 2)
		if (compile(argv[i], argv[i + 1]))
			return 1;
	return 0;
}
