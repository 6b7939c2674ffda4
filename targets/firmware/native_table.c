/*
 * Native(name) and native(name) for XS 13.3, which has neither: the module
 * targets/common/ethernet.js is written in XS 17's form, where `class X extends
 * Native("destructor")` makes instances host objects and native("fn") is a host
 * function. Here Native returns a base class whose constructor returns a new host object
 * (with that destructor and the subclass's prototype), and native looks the name up in
 * the table of the firmware's host functions.
 */
#include "xsAll.h"
#include "xs.h"
#include "xsmc.h"

extern void xs_ethernet_destructor(void* data);
extern void xs_ethernet_constructor(xsMachine* the);
extern void xs_ethernet_close(xsMachine* the);
extern void xs_ethernet_write(xsMachine* the);
extern void xs_ethernet_read(xsMachine* the);
extern void xs_ethernet_get_macAddress(xsMachine* the);
extern void xs_ethernet_get_linkUp(xsMachine* the);
extern void xs_ethernet_get_stats(xsMachine* the);

typedef struct {
	const char* name;
	xsCallback callback;
	int length;
} NativeFunction;

static const NativeFunction gFunctions[] = {
	{ "xs_ethernet_constructor", xs_ethernet_constructor, 1 },
	{ "xs_ethernet_close", xs_ethernet_close, 0 },
	{ "xs_ethernet_write", xs_ethernet_write, 1 },
	{ "xs_ethernet_read", xs_ethernet_read, 1 },
	{ "xs_ethernet_get_macAddress", xs_ethernet_get_macAddress, 0 },
	{ "xs_ethernet_get_linkUp", xs_ethernet_get_linkUp, 0 },
	{ "xs_ethernet_get_stats", xs_ethernet_get_stats, 0 },
};

typedef struct {
	const char* name;
	xsDestructor destructor;
} NativeDestructor;

static const NativeDestructor gDestructors[] = {
	{ "xs_ethernet_destructor", xs_ethernet_destructor },
};

/* native(name): the host function, created once per name and kept in a cache object. */
static void fw_native(xsMachine* the)
{
	const char* name = xsmcToString(xsArg(0));
	for (size_t i = 0; i < sizeof(gFunctions) / sizeof(gFunctions[0]); i++)
		if (!c_strcmp(name, gFunctions[i].name)) {
			xsResult = xsNewHostFunction(gFunctions[i].callback, gFunctions[i].length);
			return;
		}
	xsReferenceError("native: no host function %s", name);
}

/* newHostObject(name, prototype): a host object with the named destructor. */
static void fw_newHostObject(xsMachine* the)
{
	const char* name = xsmcToString(xsArg(0));
	for (size_t i = 0; i < sizeof(gDestructors) / sizeof(gDestructors[0]); i++)
		if (!c_strcmp(name, gDestructors[i].name)) {
			xsResult = xsNewHostObject(gDestructors[i].destructor);
			return;
		}
	xsReferenceError("Native: no destructor %s", name);
}

static const char* gNativeSource =
	"(function (newHostObject, lookup) {\n"
	"  const functions = new Map();\n"
	"  globalThis.native = function native(name) {\n"
	"    let f = functions.get(name);\n"
	"    if (f === undefined) functions.set(name, f = lookup(name));\n"
	"    return f;\n"
	"  };\n"
	"  globalThis.Native = function Native(destructor) {\n"
	"    return class {\n"
	"      constructor() {\n"
	"        const object = newHostObject(destructor);\n"
	"        Object.setPrototypeOf(object, new.target.prototype);\n"
	"        return object;\n"
	"      }\n"
	"    };\n"
	"  };\n"
	"})";

void fwInstallNative(xsMachine* the)
{
	xsmcVars(3);
	xsVar(0) = xsCall1(xsGlobal, xsID("eval"), xsString((char*)gNativeSource));
	xsVar(1) = xsNewHostFunction(fw_newHostObject, 1);
	xsVar(2) = xsNewHostFunction(fw_native, 1);
	(void)xsCallFunction2(xsVar(0), xsUndefined, xsVar(1), xsVar(2));
}
