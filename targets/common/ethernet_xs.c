/*
 * The JavaScript Ethernet class's host functions (xsmc), written once for every runtime:
 * Moddable (XS 17) binds them through targets/common/ethernet.js (Native/native), our
 * XS 13.3 host and bare-metal firmware through the same module with Native/native
 * provided by the host. The driver is the platform's gXstcpEthernetDriver, the delivery
 * of "frames are waiting" the runtime's glue (xstcpEthernetGlueStart).
 *
 *   new Ethernet({ device, mac?, queue?, onReadable?, onError? })
 *       device      string the driver understands ("tap0"); "" when it has no choice
 *       mac         6 bytes (ArrayBuffer or view) to use; default: the device's own
 *       queue       receive slots (1..XSTCP_ETH_MAX_QUEUE), default XSTCP_ETH_DEFAULT_QUEUE
 *       onReadable  called (this = the Ethernet) with the number of frames waiting, on the
 *                   VM thread, when the queue stops being empty; read until it is empty
 *       onError     called once (this = the Ethernet) with a message when the device
 *                   failed; the Ethernet is closed by then
 *   write(bytes) -> boolean          false: refused (link down, device busy, closed)
 *   read(buffer) -> number           oldest frame copied into buffer; 0 when none
 *   read() -> ArrayBuffer|undefined  oldest frame in a new ArrayBuffer
 *   close()                          idempotent; queued frames can still be read
 *   macAddress -> ArrayBuffer|undefined, linkUp -> boolean,
 *   stats -> { rxFrames, rxDropped, rxPending, txFrames, txRefused }
 */
#include "xsmc.h"
#include "xstcp_ethernet.h"
#include <stdlib.h>
#include <string.h>

#define DEVICE_NAME_SIZE 64

typedef struct {
	xstcpEthernet eth;
	xsMachine* the;
	/* Remembered while open so the object and its callback outlive JS references. */
	xsSlot object;
	xsSlot onReadable;
	xsSlot onError;
	uint8_t hasCallback;
	uint8_t hasErrorCallback;
	uint8_t remembered;
} xstcpEthernetBinding;

void xs_ethernet_destructor(void* data);

static void stopAndClose(xstcpEthernetBinding* binding)
{
	xstcpEthernet* eth = &binding->eth;
	if (!eth->isOpen)
		return;
	xstcpEthernetGlueStop(eth);
	eth->isOpen = 0;
	eth->driver->close(eth);
}

void xs_ethernet_destructor(void* data)
{
	xstcpEthernetBinding* binding = data;
	if (!binding)
		return;
	stopAndClose(binding);
	xstcpFrameQueueFree(&binding->eth.rx);
	free(binding);
}

static xstcpEthernetBinding* bindingOf(xsMachine* the)
{
	xstcpEthernetBinding* binding = xsmcGetHostDataValidate(xsThis, (void*)xs_ethernet_destructor);
	if (!binding)
		xsUnknownError("Ethernet: not constructed");
	return binding;
}

static void forget(xsMachine* the, xstcpEthernetBinding* binding)
{
	if (!binding->remembered)
		return;
	binding->remembered = 0;
	xsForget(binding->object);
	if (binding->hasCallback)
		xsForget(binding->onReadable);
	if (binding->hasErrorCallback)
		xsForget(binding->onError);
}

/* Keeps a callback read from the options (undefined: none) alive in *slot. */
static int rememberCallback(xsMachine* the, xsSlot* slot, xsSlot* value)
{
	if (xsmcTypeOf(*value) == xsUndefinedType)
		return 0;
	*slot = *value;
	xsRemember(*slot);
	return 1;
}

/* Reads options[name] into *value: undefined or a function (TypeError otherwise). */
static void getCallback(xsMachine* the, xsSlot* value, const char* name)
{
	xsmcGet(*value, xsArg(0), xsID((char*)name));
	if ((xsmcTypeOf(*value) != xsUndefinedType) && !xsmcIsCallable(*value))
		xsTypeError("Ethernet: %s must be a function", name);
}

void xs_ethernet_constructor(xsMachine* the)
{
	char device[DEVICE_NAME_SIZE];
	char error[XSTCP_ETH_ERROR_SIZE];
	xstcpEthernetBinding* binding;
	xstcpEthernet* eth;
	uint32_t capacity = XSTCP_ETH_DEFAULT_QUEUE;
	uint8_t mac[6];
	int hasMac = 0;

	xsmcVars(3);
	/* Throws for an object that is not an Ethernet host object; refuses a second open. */
	if (xsmcGetHostDataValidate(xsThis, (void*)xs_ethernet_destructor))
		xsTypeError("Ethernet: already constructed");
	if ((xsmcArgc < 1) || (xsmcTypeOf(xsArg(0)) != xsReferenceType))
		xsTypeError("Ethernet: options object required");
	device[0] = 0;
	xsmcGet(xsVar(0), xsArg(0), xsID("device"));
	if (xsmcTypeOf(xsVar(0)) != xsUndefinedType) {
		if (xsmcTypeOf(xsVar(0)) != xsStringType)
			xsTypeError("Ethernet: device must be a string");
		if (strlen(xsmcToString(xsVar(0))) >= sizeof(device))
			xsRangeError("Ethernet: device name too long");
		xsmcToStringBuffer(xsVar(0), device, sizeof(device));
	}
	xsmcGet(xsVar(0), xsArg(0), xsID("mac"));
	if (xsmcTypeOf(xsVar(0)) != xsUndefinedType) {
		void* data;
		xsUnsignedValue length;
		xsmcGetBufferReadable(xsVar(0), &data, &length);
		if (length != 6)
			xsRangeError("Ethernet: mac must be 6 bytes");
		memcpy(mac, data, 6);
		hasMac = 1;
	}
	xsmcGet(xsVar(0), xsArg(0), xsID("queue"));
	if (xsmcTypeOf(xsVar(0)) != xsUndefinedType) {
		double value = xsmcToNumber(xsVar(0));
		if (!(value >= 1) || (value > XSTCP_ETH_MAX_QUEUE) || (value != (double)(uint32_t)value))
			xsRangeError("Ethernet: queue must be an integer 1..%d", XSTCP_ETH_MAX_QUEUE);
		capacity = (uint32_t)value;
	}
	/* Every option is read before the device opens: nothing below can throw from JS. */
	getCallback(the, &xsVar(1), "onReadable");
	getCallback(the, &xsVar(2), "onError");

	binding = calloc(1, sizeof(*binding));
	if (!binding)
		xsUnknownError("Ethernet: out of memory");
	eth = &binding->eth;
	if (xstcpFrameQueueInit(&eth->rx, capacity) != 0) {
		free(binding);
		xsUnknownError("Ethernet: no memory for %u receive slots", (unsigned)capacity);
	}
	eth->driver = &gXstcpEthernetDriver;
	eth->descriptor = -1;
	eth->binding = binding;
	binding->the = the;
	if (hasMac) {
		memcpy(eth->mac, mac, 6);
		eth->hasMac = 1;
	}
	error[0] = 0;
	if (eth->driver->open(eth, device, error, sizeof(error)) != 0) {
		xs_ethernet_destructor(binding);
		xsUnknownError("%s", error[0] ? error : "Ethernet: open failed");
	}
	eth->isOpen = 1;
	xsmcSetHostData(xsThis, binding);
	if (xstcpEthernetGlueStart(eth, the, error, sizeof(error)) != 0) {
		eth->isOpen = 0;
		eth->driver->close(eth);
		xsUnknownError("Ethernet: %s", error[0] ? error : "cannot watch the device");
	}
	binding->object = xsThis;
	xsRemember(binding->object);
	binding->hasCallback = rememberCallback(the, &binding->onReadable, &xsVar(1));
	binding->hasErrorCallback = rememberCallback(the, &binding->onError, &xsVar(2));
	binding->remembered = 1;
}

void xs_ethernet_close(xsMachine* the)
{
	xstcpEthernetBinding* binding = bindingOf(the);
	stopAndClose(binding);
	forget(the, binding);
}

void xs_ethernet_write(xsMachine* the)
{
	xstcpEthernetBinding* binding = bindingOf(the);
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	xsmcSetBoolean(xsResult, xstcpEthernetTransmit(&binding->eth, data, length));
}

void xs_ethernet_read(xsMachine* the)
{
	xstcpEthernetBinding* binding = bindingOf(the);
	xstcpFrameQueue* rx = &binding->eth.rx;
	size_t length;
	const uint8_t* frame = xstcpFrameQueueFront(rx, &length);
	if ((xsmcArgc > 0) && (xsmcTypeOf(xsArg(0)) != xsUndefinedType)) {
		void* data;
		xsUnsignedValue size;
		xsmcGetBufferWritable(xsArg(0), &data, &size);
		if (!frame) {
			xsmcSetInteger(xsResult, 0);
			return;
		}
		if (length > size)
			xsRangeError("Ethernet: buffer of %u bytes is too small for a %u-byte frame", (unsigned)size, (unsigned)length);
		memcpy(data, frame, length);
		xstcpFrameQueueRelease(rx);
		xsmcSetInteger(xsResult, (xsIntegerValue)length);
		return;
	}
	if (!frame)
		return;
	/* Allocation may collect garbage but never touches the C queue: frame stays valid. */
	xsmcSetArrayBuffer(xsResult, (void*)frame, (xsUnsignedValue)length);
	xstcpFrameQueueRelease(rx);
}

void xs_ethernet_get_macAddress(xsMachine* the)
{
	xstcpEthernetBinding* binding = bindingOf(the);
	if (binding->eth.hasMac)
		xsmcSetArrayBuffer(xsResult, binding->eth.mac, 6);
}

void xs_ethernet_get_linkUp(xsMachine* the)
{
	xstcpEthernetBinding* binding = bindingOf(the);
	xstcpEthernet* eth = &binding->eth;
	xsmcSetBoolean(xsResult, eth->isOpen && eth->driver->linkUp(eth));
}

static void setCounter(xsMachine* the, const char* name, uint32_t value)
{
	xsmcSetNumber(xsVar(0), (double)value);
	xsmcSet(xsResult, xsID((char*)name), xsVar(0));
}

void xs_ethernet_get_stats(xsMachine* the)
{
	xstcpEthernetBinding* binding = bindingOf(the);
	xstcpEthernet* eth = &binding->eth;
	xsmcVars(1);
	xsmcSetNewObject(xsResult);
	setCounter(the, "rxFrames", eth->rx.rxFrames);
	setCounter(the, "rxDropped", eth->rx.rxDropped);
	setCounter(the, "rxPending", xstcpFrameQueueCount(&eth->rx));
	setCounter(the, "txFrames", eth->txFrames);
	setCounter(the, "txRefused", eth->txRefused);
}

void xstcpEthernetDeliver(xstcpEthernet* eth)
{
	xstcpEthernetBinding* binding = eth->binding;
	uint32_t waiting;
	if (!binding || !binding->remembered || !binding->hasCallback)
		return;
	waiting = xstcpFrameQueueCount(&eth->rx);
	if (waiting == 0)
		return;
	xsBeginHost(binding->the);
	{
		xsmcVars(1);
		xsmcSetInteger(xsVar(0), (xsIntegerValue)waiting);
		(void)xsCallFunction1(binding->onReadable, binding->object, xsVar(0));
	}
	xsEndHost(binding->the);
}

void xstcpEthernetFailed(xstcpEthernet* eth)
{
	xstcpEthernetBinding* binding = eth->binding;
	if (!binding || !eth->isOpen)
		return;
	stopAndClose(binding);
	if (!binding->remembered)
		return;
	xsBeginHost(binding->the);
	{
		xsmcVars(3);
		/* Held in VM slots: forget() below lets go of the remembered ones. */
		xsVar(0) = binding->object;
		xsVar(1) = binding->onError;
		xsVar(2) = xsUndefined;
		if (binding->hasErrorCallback)
			xsmcSetString(xsVar(2), eth->error[0] ? eth->error : "device failed");
		forget(the, binding);
		if (xsmcTypeOf(xsVar(2)) != xsUndefinedType)
			(void)xsCallFunction1(xsVar(1), xsVar(0), xsVar(2));
	}
	xsEndHost(binding->the);
}
