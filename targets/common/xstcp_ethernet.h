/*
 * xstcp's native Ethernet interface: one C core shared by every platform.
 *
 *   xstcpFrameQueue      bounded single-producer/single-consumer ring of received frames
 *                        (preallocated slots; the producer may be an ISR or another task,
 *                        the consumer is the JavaScript VM's thread)
 *   xstcpEthernetDriver  one per platform file (TAP, ESP32 EMAC, LAN9118, STM32 ETH),
 *                        linked in as gXstcpEthernetDriver
 *   xstcpEthernet        one open device: driver, receive queue, MAC, counters, the
 *                        signal hook of the runtime glue and the JavaScript binding
 *
 * Roles:
 *   driver   moves frames between the device and eth->rx (xstcpEthernetReceived from its
 *            receive context, or from service() for polled devices) and transmits
 *   glue     one per runtime (our XS host, Moddable's simulator, Moddable on ESP32, bare
 *            metal): sets eth->signal, calls service() when a polled device is ready and
 *            xstcpEthernetDeliver() on the VM thread once frames are waiting
 *   binding  targets/common/ethernet_xs.c: the JavaScript class (xsmc host functions)
 *
 * Engine- and platform-neutral: C99, no OS or XS headers.
 */
#ifndef XSTCP_ETHERNET_H
#define XSTCP_ETHERNET_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest frame a slot holds (no FCS): 1514 + VLAN tag, rounded up to 32-byte lines. */
#define XSTCP_ETH_MAX_FRAME 1536

/* Receive slots when the JavaScript side does not ask for a number. */
#ifndef XSTCP_ETH_DEFAULT_QUEUE
#define XSTCP_ETH_DEFAULT_QUEUE 32
#endif

/* Largest capacity xstcpFrameQueueInit accepts (indices run to twice the capacity). */
#define XSTCP_ETH_MAX_QUEUE 65536

#define XSTCP_ETH_ERROR_SIZE 128

/* A full barrier between the producer's and the consumer's index updates. */
#ifndef XSTCP_MEMORY_BARRIER
#if defined(__GNUC__) || defined(__clang__)
#define XSTCP_MEMORY_BARRIER() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#else
#error "define XSTCP_MEMORY_BARRIER() for this compiler"
#endif
#endif

/* ---- frame queue ------------------------------------------------------------------ */

typedef struct {
	uint8_t* slots;              /* capacity * XSTCP_ETH_MAX_FRAME bytes */
	uint16_t* lengths;           /* byte count of each slot's frame */
	uint32_t capacity;
	/* Positions run over [0, 2 * capacity) so that full and empty differ without a
	   spare slot. head is written by the consumer only, tail by the producer only. */
	volatile uint32_t head;
	volatile uint32_t tail;
	/* Written by the producer only. */
	volatile uint32_t rxFrames;  /* frames queued */
	volatile uint32_t rxDropped; /* frames refused: queue full, empty or too long */
	uint8_t ownsStorage;
} xstcpFrameQueue;

/* Allocates capacity slots (1..XSTCP_ETH_MAX_QUEUE) with malloc; 0 ok, -1 bad capacity
   or out of memory. */
int xstcpFrameQueueInit(xstcpFrameQueue* q, uint32_t capacity);
/* The same over caller-provided memory (bare metal, DMA-capable RAM): storage holds
   capacity * XSTCP_ETH_MAX_FRAME bytes, lengths capacity entries. 0 ok, -1 bad arguments. */
int xstcpFrameQueueInitStatic(xstcpFrameQueue* q, uint32_t capacity, uint8_t* storage, uint16_t* lengths);
/* Releases what Init allocated (idempotent); the queue is empty afterwards. */
void xstcpFrameQueueFree(xstcpFrameQueue* q);

/*
 * Producer side.
 * Push copies one frame in. It returns
 *    1  queued, and the consumer had taken every earlier frame: the queue went from empty
 *       to not empty, so the caller signals the VM (the "Rx interrupt" edge). Checked
 *       after the frame is published, so a consumer that is draining at the same moment
 *       never misses it (at worst one extra signal finds the queue already empty).
 *    0  queued, a signal is already on its way
 *   -1  dropped and counted in rxDropped: queue full, length 0 or above XSTCP_ETH_MAX_FRAME
 * Reserve/Commit is the zero-copy form: the device writes straight into the slot.
 * Reserve returns the next free slot (XSTCP_ETH_MAX_FRAME bytes) or NULL when full;
 * Commit(length) publishes it with Push's return values (length 0 or too long: -1, the
 * slot stays free). After a NULL Reserve the caller discards the frame and calls
 * CountDrop.
 */
int xstcpFrameQueuePush(xstcpFrameQueue* q, const uint8_t* frame, size_t length);
uint8_t* xstcpFrameQueueReserve(xstcpFrameQueue* q);
int xstcpFrameQueueCommit(xstcpFrameQueue* q, size_t length);
void xstcpFrameQueueCountDrop(xstcpFrameQueue* q);

/*
 * Consumer side.
 * Pop copies the oldest frame into dst and frees its slot: the frame's length, 0 when
 * the queue is empty, -1 when dstSize is smaller than the frame (it stays queued; see
 * PeekLength). Front/Release is the zero-copy form: Front returns the oldest frame and
 * its length (NULL when empty), valid until Release frees the slot.
 */
int xstcpFrameQueuePop(xstcpFrameQueue* q, uint8_t* dst, size_t dstSize);
size_t xstcpFrameQueuePeekLength(xstcpFrameQueue* q);
const uint8_t* xstcpFrameQueueFront(xstcpFrameQueue* q, size_t* length);
void xstcpFrameQueueRelease(xstcpFrameQueue* q);

/* Frames waiting (either side may ask; the answer may be stale by one). */
uint32_t xstcpFrameQueueCount(const xstcpFrameQueue* q);

/* ---- device ----------------------------------------------------------------------- */

typedef struct xstcpEthernetRecord xstcpEthernet;

typedef struct {
	const char* name; /* "tap", "esp32", "lan9118", "stm32" */
	/* Opens device (a name the platform understands: "tap0"; may be ignored). The driver
	   sets eth->state and, when it has one, eth->descriptor and eth->mac/hasMac (when the
	   caller did not give a MAC; when hasMac is already set the driver programs that MAC
	   into the device if it filters). Returns 0, or -1 with a message in error. */
	int (*open)(xstcpEthernet* eth, const char* device, char* error, size_t errorSize);
	/* Sends one complete frame (no FCS); the frame may be reused on return. 1 sent,
	   0 refused (link down, no transmit buffer, device gone). */
	int (*transmit)(xstcpEthernet* eth, const uint8_t* frame, size_t length);
	/* 1 while the link is up. */
	int (*linkUp)(xstcpEthernet* eth);
	/* Stops receiving and releases the device (called once). */
	void (*close)(xstcpEthernet* eth);
	/* Optional (NULL for devices that push from their own receive context): moves the
	   frames the device holds into eth->rx, at most a bounded number per call. Returns
	   the number moved, or -1 when the device failed (message in eth->error). */
	int (*service)(xstcpEthernet* eth);
} xstcpEthernetDriver;

/* The driver of the platform being built (exactly one per link). */
extern const xstcpEthernetDriver gXstcpEthernetDriver;

struct xstcpEthernetRecord {
	const xstcpEthernetDriver* driver;
	xstcpFrameQueue rx;
	uint8_t mac[6];
	uint8_t hasMac;
	uint8_t isOpen;
	/* The driver's own state (device handle, registers...). */
	void* state;
	/* A file descriptor the glue waits on for readable (TAP), or -1 when the device
	   pushes frames itself. */
	int descriptor;
	/* Written by the VM thread only. */
	uint32_t txFrames;
	uint32_t txRefused;
	/* Set by the glue; called by xstcpEthernetReceived, from the producer's context, on
	   the empty -> non-empty edge. Must be safe there (ISR, driver task): post a message,
	   set a flag. NULL: nobody is told. */
	void (*signal)(xstcpEthernet* eth);
	/* Glue state (a message handle, a watch id...). */
	void* glue;
	/* The JavaScript binding (ethernet_xs.c): machine and object. */
	void* binding;
	char error[XSTCP_ETH_ERROR_SIZE];
};

/* Producer helper for drivers: Push, then signal on the edge. Returns Push's value. */
int xstcpEthernetReceived(xstcpEthernet* eth, const uint8_t* frame, size_t length);
/* The same after Reserve (zero-copy drivers). */
int xstcpEthernetCommitReceived(xstcpEthernet* eth, size_t length);
/* Calls driver->service when there is one: frames moved, 0 without service, -1 failed. */
int xstcpEthernetService(xstcpEthernet* eth);
/* Transmit with the counters kept: 1 sent, 0 refused (also when closed). */
int xstcpEthernetTransmit(xstcpEthernet* eth, const uint8_t* frame, size_t length);

/* ---- runtime glue (one implementation per runtime) -------------------------------- */

/* Called by the binding after the driver opened: set eth->signal and start watching
   (eth->descriptor, a device task...). machine is the xsMachine*. 0, or -1 with a
   message in error (the binding then closes the driver). */
int xstcpEthernetGlueStart(xstcpEthernet* eth, void* machine, char* error, size_t errorSize);
/* Called by the binding before the driver closes: stop watching, cancel pending
   signals. After it returns the glue never calls xstcpEthernetDeliver for eth. */
void xstcpEthernetGlueStop(xstcpEthernet* eth);

/* ---- binding (ethernet_xs.c) ------------------------------------------------------ */

/* On the VM thread, outside any host function: runs the JavaScript onReadable callback
   of eth's object when frames are waiting (none, or a closed eth: nothing). Uncaught
   exceptions go to the engine's abort handling, as for any callback from C. */
void xstcpEthernetDeliver(xstcpEthernet* eth);
/* On the VM thread, outside any host function, when the device failed (service returned
   -1; message in eth->error): stops the glue, closes the driver, then runs the object's
   onError callback once with the message. */
void xstcpEthernetFailed(xstcpEthernet* eth);

#ifdef __cplusplus
}
#endif

#endif /* XSTCP_ETHERNET_H */
