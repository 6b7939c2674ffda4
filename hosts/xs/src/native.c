/*
 * XS 17's Native API for our XS 13.3 host, as globals, so that modules written in that
 * form (targets/common/ethernet.js) run here unchanged:
 *
 *   native(name)  the host function registered under name (one function object per
 *                 name, made once: calling native() per method call allocates nothing)
 *   Native(name)  a base class whose instances are host objects with the destructor
 *                 registered under name (for `class X extends Native("...")`)
 *
 * Moddable's xsc resolves both at build time; here they are looked up at run time in
 * the table below. An unknown name throws, as xsc refuses it at build time.
 */
#include "xstcp_host.h"
#include "xsmc.h"

typedef void (*NativeDestructor)(void*);

/* targets/common/ethernet_xs.c */
extern void xs_ethernet_destructor(void* data);
extern void xs_ethernet_constructor(xsMachine* the);
extern void xs_ethernet_write(xsMachine* the);
extern void xs_ethernet_read(xsMachine* the);
extern void xs_ethernet_close(xsMachine* the);
extern void xs_ethernet_get_macAddress(xsMachine* the);
extern void xs_ethernet_get_linkUp(xsMachine* the);
extern void xs_ethernet_get_stats(xsMachine* the);

/* targets/common/bytes_xs.c */
extern void xs_xstcp_checksum(xsMachine* the);
extern void xs_xstcp_copy(xsMachine* the);
extern void xs_xstcp_copy_checksum(xsMachine* the);
extern void xs_xstcp_read_frame(xsMachine* the);
extern void xs_xstcp_write_tcp(xsMachine* the);
extern void xs_xstcp_write_ipv4(xsMachine* the);

static const struct {
	const char* name;
	xsCallback callback;
	int length;
} gFunctions[] = {
	{ "xs_ethernet_constructor", xs_ethernet_constructor, 1 },
	{ "xs_ethernet_write", xs_ethernet_write, 1 },
	{ "xs_ethernet_read", xs_ethernet_read, 1 },
	{ "xs_ethernet_close", xs_ethernet_close, 0 },
	{ "xs_ethernet_get_macAddress", xs_ethernet_get_macAddress, 0 },
	{ "xs_ethernet_get_linkUp", xs_ethernet_get_linkUp, 0 },
	{ "xs_ethernet_get_stats", xs_ethernet_get_stats, 0 },
	{ "xs_xstcp_checksum", xs_xstcp_checksum, 4 },
	{ "xs_xstcp_copy", xs_xstcp_copy, 5 },
	{ "xs_xstcp_copy_checksum", xs_xstcp_copy_checksum, 6 },
	{ "xs_xstcp_read_frame", xs_xstcp_read_frame, 3 },
	{ "xs_xstcp_write_tcp", xs_xstcp_write_tcp, 12 },
	{ "xs_xstcp_write_ipv4", xs_xstcp_write_ipv4, 11 },
};

static const struct {
	const char* name;
	NativeDestructor destructor;
} gDestructors[] = {
	{ "xs_ethernet_destructor", xs_ethernet_destructor },
};

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* { name: host function } and { name: base class }, made at start and kept alive. */
static xsSlot gFunctionTable;
static xsSlot gClassTable;

/* xsResult = table[name of argument 0]; what names the global in error messages. */
static void lookUp(xsMachine* the, xsSlot* table, const char* what, const char* kind)
{
	xsIdentifier id;
	if ((xsmcArgc < 1) || (xsmcTypeOf(xsArg(0)) != xsStringType))
		xsTypeError("%s: name must be a string", what);
	id = xsID(xsmcToString(xsArg(0)));
	if (!xsmcHas(*table, id))
		xsTypeError("%s: no %s %s", what, kind, xsmcToString(xsArg(0)));
	xsmcGet(xsResult, *table, id);
}

static void xs_native(xsMachine* the)
{
	lookUp(the, &gFunctionTable, "native", "host function");
}

static void xs_native_class(xsMachine* the)
{
	lookUp(the, &gClassTable, "Native", "destructor");
}

/*
 * The base constructor: a host object with the class's destructor (kept as the host data
 * of the constructor's prototype object) whose prototype is new.target's. Returning it
 * makes it the derived class's `this`.
 */
static void xs_native_base(xsMachine* the)
{
	NativeDestructor destructor;
	xsmcVars(3);
	if (xsmcTypeOf(xsTarget) == xsUndefinedType)
		xsTypeError("Native class: call with new");
	xsmcGet(xsVar(0), xsFunction, xsID("prototype"));
	destructor = (NativeDestructor)xsmcGetHostData(xsVar(0));
	xsmcGet(xsVar(1), xsTarget, xsID("prototype"));
	xsResult = xsNewHostObject(destructor);
	xsmcGet(xsVar(2), xsGlobal, xsID("Object"));
	(void)xsCall2(xsVar(2), xsID("setPrototypeOf"), xsResult, xsVar(1));
}

/* Called by hostInstallGlobals, whose xsVar(0) and xsVar(2) are free here. */
void nativeInstall(xsMachine* the)
{
	size_t i;
	gFunctionTable = xsNewObject();
	xsRemember(gFunctionTable);
	gClassTable = xsNewObject();
	xsRemember(gClassTable);
	for (i = 0; i < COUNT(gFunctions); i++) {
		xsVar(0) = xsNewHostFunction(gFunctions[i].callback, gFunctions[i].length);
		xsmcSet(gFunctionTable, xsID((char*)gFunctions[i].name), xsVar(0));
	}
	for (i = 0; i < COUNT(gDestructors); i++) {
		/* The prototype's own host data says which destructor instances get. */
		xsVar(2) = xsNewHostObject(NULL);
		xsmcSetHostData(xsVar(2), (void*)gDestructors[i].destructor);
		xsVar(0) = xsNewHostConstructor(xs_native_base, 0, xsVar(2));
		xsmcSet(gClassTable, xsID((char*)gDestructors[i].name), xsVar(0));
	}
	xsVar(0) = xsNewHostFunction(xs_native, 1);
	xsmcSet(xsGlobal, xsID("native"), xsVar(0));
	xsVar(0) = xsNewHostFunction(xs_native_class, 1);
	xsmcSet(xsGlobal, xsID("Native"), xsVar(0));
}
