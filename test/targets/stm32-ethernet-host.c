/*
 * Host test of the STM32F7 Ethernet driver (targets/stm32/ethernet_stm32.c), run by
 * test/targets/stm32-ethernet.test.ts. The driver is compiled unchanged for Linux: the
 * peripheral pages it addresses (RCC, SYSCFG, GPIO, ETH, NVIC, the unique ID) are mapped
 * at their real addresses, and this file plays the hardware around it: the DMA engine
 * walks the descriptor rings the driver programmed (DMARDLAR/DMATDLAR), the MDIO bus
 * answers from a model of the LAN8742A, and the board functions the driver calls
 * (stm32_board.h) run on a simulated millisecond clock. Built non-PIE so that the
 * driver's 32-bit descriptor addresses hold the real host addresses of its buffers.
 *
 * Output: one line per check, "ok NAME" or "not ok NAME: why"; exit status 1 on any failure.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "stm32f7_regs.h"
#include "stm32_board.h"
#include "xstcp_ethernet.h"

extern void ETH_IRQHandler(void);

static int gFailures;

#define CHECK(name, condition) check(name, (condition), #condition)
static void check(const char *name, int ok, const char *what)
{
	if (ok)
		printf("ok %s\n", name);
	else {
		printf("not ok %s: %s\n", name, what);
		gFailures++;
	}
}

/* ---- the hardware around the driver ---- */

static uint32_t gNow;              /* simulated milliseconds */
static int gReferenceClock = 1;    /* the PHY drives REF_CLK: the DMA reset completes */
static int gPhyPresent = 1;
static uint16_t gPhy[32];          /* LAN8742A registers */
static uint32_t gMdioReads;
static uint32_t gRxIndex, gTxIndex; /* where the simulated DMA is in each ring */

uint32_t stm32Milliseconds(void) { return gNow; }
void stm32DelayMilliseconds(uint32_t ms) { gNow += ms; }

static void phyReset(void)
{
	memset(gPhy, 0, sizeof gPhy);
	gPhy[0] = 0x3100; /* autonegotiation on, 100 Mbit/s, full duplex */
	gPhy[1] = 0x7809; /* capabilities, link down */
	gPhy[2] = 0x0007;
	gPhy[3] = 0xC131;
}

static void mdioTransaction(void)
{
	uint32_t command = ETH_MACMIIAR;
	uint32_t phy = (command >> 11) & 31u, reg = (command >> 6) & 31u;
	int present = gPhyPresent && phy == 0;
	if (command & ETH_MACMIIAR_MW) {
		if (present) {
			gPhy[reg] = (uint16_t)ETH_MACMIIDR;
			if (reg == 0 && (gPhy[0] & 0x8000u))
				phyReset(); /* self-clearing soft reset */
		}
	} else {
		gMdioReads++;
		ETH_MACMIIDR = present ? gPhy[reg] : 0xFFFFu; /* nobody drives MDIO: ones */
	}
}

/* What the hardware does while the driver waits on a register. */
int stm32WaitRegister(volatile uint32_t *reg, uint32_t mask, uint32_t expected, uint32_t milliseconds)
{
	if (reg == &ETH_MACMIIAR && (*reg & ETH_MACMIIAR_MB))
		mdioTransaction();
	if (reg == &ETH_DMABMR && !gReferenceClock) {
		gNow += milliseconds + 1;
		return 0;
	}
	*reg = (*reg & ~mask) | expected;
	return 1;
}


/* The driver's descriptor layout as the DMA reads it: four words. */
typedef struct {
	volatile uint32_t status, control, buffer1, buffer2;
} Descriptor;

static Descriptor *rxRing(void) { return (Descriptor *)(uintptr_t)ETH_DMARDLAR; }
static Descriptor *txRing(void) { return (Descriptor *)(uintptr_t)ETH_DMATDLAR; }

/* The receive DMA stores one frame (plus a 4-byte FCS) into the next descriptor it owns. */
static int dmaStore(const uint8_t *frame, uint32_t length, uint32_t status)
{
	Descriptor *d = &rxRing()[gRxIndex];
	if (!(d->status & ETH_RDES0_OWN) || (d->control & 0x1FFFu) < length + 4u)
		return 0;
	memcpy((uint8_t *)(uintptr_t)d->buffer1, frame, length);
	memset((uint8_t *)(uintptr_t)d->buffer1 + length, 0xEE, 4); /* the FCS */
	d->status = status | ((length + 4u) << 16);
	gRxIndex = (d->control & ETH_RDES1_RER) ? 0 : gRxIndex + 1;
	return 1;
}

static void interrupt(uint32_t dmaStatus)
{
	ETH_DMASR = dmaStatus;
	ETH_IRQHandler();
	ETH_DMASR = 0; /* write-1-to-clear: nothing stays pending in the model */
	ETH_DMAMFBOCR = 0; /* clears on read */
}

static int receive(const uint8_t *frame, uint32_t length)
{
	if (!dmaStore(frame, length, ETH_RDES0_FS | ETH_RDES0_LS))
		return 0;
	interrupt(ETH_DMASR_RS | ETH_DMASR_NIS);
	return 1;
}

/* The transmit DMA sends what it owns; the frames go into `sent` (length of each in `lengths`). */
static int dmaSend(uint8_t sent[][XSTCP_ETH_MAX_FRAME], uint32_t *lengths, int max)
{
	int n = 0;
	for (Descriptor *d = &txRing()[gTxIndex]; (d->status & ETH_TDES0_OWN) && n < max; d = &txRing()[gTxIndex]) {
		if ((d->status & (ETH_TDES0_FS | ETH_TDES0_LS)) != (ETH_TDES0_FS | ETH_TDES0_LS))
			return -1;
		lengths[n] = d->control & 0x1FFFu;
		memcpy(sent[n], (const uint8_t *)(uintptr_t)d->buffer1, lengths[n]);
		n++;
		d->status &= ~ETH_TDES0_OWN;
		gTxIndex = (d->status & ETH_TDES0_TER) ? 0 : gTxIndex + 1;
	}
	return n;
}

static void mapPeripherals(void)
{
	static const struct { uintptr_t base; size_t size; } pages[] = {
		{0x40010000u, 0x20000u}, /* SYSCFG, GPIO A..K, RCC, ETH */
		{0xE000E000u, 0x1000u},  /* NVIC */
		{0x1FF0F000u, 0x1000u},  /* unique device ID */
	};
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		void *at = mmap((void *)pages[i].base, pages[i].size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (at != (void *)pages[i].base) {
			printf("not ok map-peripherals: cannot map 0x%lx\n", (unsigned long)pages[i].base);
			exit(1);
		}
	}
}

/* ---- the device as the runtime glue holds it ---- */

static xstcpEthernet gEth;
static int gSignals;
static void onSignal(xstcpEthernet *eth) { (void)eth; gSignals++; }

static int openDevice(uint32_t queueCapacity, const uint8_t *mac)
{
	xstcpFrameQueueFree(&gEth.rx);
	memset(&gEth, 0, sizeof gEth);
	gEth.driver = &gXstcpEthernetDriver;
	gEth.signal = onSignal;
	if (xstcpFrameQueueInit(&gEth.rx, queueCapacity) != 0)
		return -2;
	if (mac) {
		memcpy(gEth.mac, mac, 6);
		gEth.hasMac = 1;
	}
	gSignals = 0;
	gRxIndex = gTxIndex = 0;
	phyReset();
	int result = gEth.driver->open(&gEth, "eth0", gEth.error, sizeof gEth.error);
	gEth.isOpen = result == 0;
	return result;
}

static void closeDevice(void)
{
	if (gEth.isOpen)
		gEth.driver->close(&gEth);
	gEth.isOpen = 0;
}

static uint8_t gFrame[XSTCP_ETH_MAX_FRAME];
static uint8_t gPopped[XSTCP_ETH_MAX_FRAME];

static void fillFrame(uint8_t *frame, uint32_t length, uint32_t seed)
{
	for (uint32_t i = 0; i < length; i++)
		frame[i] = (uint8_t)(seed * 31u + i * 7u + (i >> 8));
}

/* ---- checks ---- */

static const uint8_t kMac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

static void testOpen(void)
{
	CHECK("open-succeeds", openDevice(8, kMac) == 0);
	CHECK("open-mac-low", ETH_MACA0LR == 0x33221102u);
	CHECK("open-mac-high", (ETH_MACA0HR & 0xFFFFu) == 0x5544u);
	CHECK("open-filter-perfect-unicast-and-broadcast", ETH_MACFFR == 0);
	CHECK("open-rmii-selected", (SYSCFG_PMC & SYSCFG_PMC_MII_RMII_SEL) != 0);
	CHECK("open-mac-clocks", (RCC_AHB1ENR & (RCC_AHB1_ETHMAC | RCC_AHB1_ETHMACTX | RCC_AHB1_ETHMACRX)) ==
		(RCC_AHB1_ETHMAC | RCC_AHB1_ETHMACTX | RCC_AHB1_ETHMACRX));
	static const uint8_t pins[][2] = {{0, 1}, {0, 2}, {0, 7}, {1, 13}, {2, 1}, {2, 4}, {2, 5}, {6, 11}, {6, 13}};
	int pinsOk = 1;
	for (size_t i = 0; i < sizeof pins / sizeof pins[0]; i++) {
		uint32_t port = pins[i][0], pin = pins[i][1];
		pinsOk &= ((GPIO_MODER(port) >> (2 * pin)) & 3u) == GPIO_MODE_ALTERNATE;
		pinsOk &= ((GPIO_AFR(port, pin >> 3) >> (4 * (pin & 7))) & 0xFu) == 11u;
	}
	CHECK("open-rmii-pins-af11", pinsOk);
	CHECK("open-mac-enabled", (ETH_MACCR & (ETH_MACCR_TE | ETH_MACCR_RE)) == (ETH_MACCR_TE | ETH_MACCR_RE));
	CHECK("open-dma-started", (ETH_DMAOMR & (ETH_DMAOMR_ST | ETH_DMAOMR_SR)) == (ETH_DMAOMR_ST | ETH_DMAOMR_SR));
	CHECK("open-store-and-forward", (ETH_DMAOMR & (ETH_DMAOMR_RSF | ETH_DMAOMR_TSF)) == (ETH_DMAOMR_RSF | ETH_DMAOMR_TSF));
	CHECK("open-receive-interrupt", (ETH_DMAIER & (ETH_DMAIER_RIE | ETH_DMAIER_NISE)) == (ETH_DMAIER_RIE | ETH_DMAIER_NISE));
	CHECK("open-nvic-eth-enabled", (NVIC_ISER(1) & STM32_BIT(61 - 32)) != 0);
	CHECK("open-autonegotiation-started", (gPhy[0] & 0x1000u) != 0);
	int rxOk = 1, last = 0;
	for (int i = 0; !last && i < 64; i++) {
		Descriptor *d = &rxRing()[i];
		rxOk &= (d->status & ETH_RDES0_OWN) && (d->control & 0x1FFFu) == XSTCP_ETH_MAX_FRAME && d->buffer1;
		last = (d->control & ETH_RDES1_RER) != 0;
	}
	CHECK("open-rx-ring-owned-by-dma-and-closed", rxOk && last);
	int txOk = 1;
	last = 0;
	for (int i = 0; !last && i < 64; i++) {
		Descriptor *d = &txRing()[i];
		txOk &= !(d->status & ETH_TDES0_OWN) && d->buffer1;
		last = (d->status & ETH_TDES0_TER) != 0;
	}
	CHECK("open-tx-ring-owned-by-cpu-and-closed", txOk && last);
	CHECK("open-twice-refused", gEth.driver->open(&gEth, "eth0", gEth.error, sizeof gEth.error) == -1 &&
		strstr(gEth.error, "already open") != NULL);
	closeDevice();
}

static void testOpenFailures(void)
{
	STM32_REG(0x1FF0F420u) = 0x12345678u;
	STM32_REG(0x1FF0F424u) = 0x9ABCDEF0u;
	STM32_REG(0x1FF0F428u) = 0x0F1E2D3Cu;
	CHECK("open-without-mac-derives-one", openDevice(8, NULL) == 0 && gEth.hasMac && gEth.mac[0] == 0x02 &&
		(ETH_MACA0LR & 0xFFu) == 0x02 && ((ETH_MACA0LR >> 8) & 0xFFu) == gEth.mac[1]);
	closeDevice();

	gReferenceClock = 0;
	CHECK("open-fails-without-reference-clock", openDevice(8, kMac) == -1 && strstr(gEth.error, "reference clock"));
	gReferenceClock = 1;
	gPhyPresent = 0;
	CHECK("open-fails-without-phy", openDevice(8, kMac) == -1 && strstr(gEth.error, "no PHY"));
	gPhyPresent = 1;
	CHECK("open-after-failures", openDevice(8, kMac) == 0);
	closeDevice();
}

static void testReceive(void)
{
	openDevice(8, kMac);
	fillFrame(gFrame, 60, 1);
	CHECK("rx-one-frame-stored", receive(gFrame, 60));
	CHECK("rx-one-frame-queued", xstcpFrameQueueCount(&gEth.rx) == 1);
	CHECK("rx-signal-on-edge", gSignals == 1);
	int n = xstcpFrameQueuePop(&gEth.rx, gPopped, sizeof gPopped);
	CHECK("rx-bytes-exact-without-fcs", n == 60 && memcmp(gPopped, gFrame, 60) == 0);
	CHECK("rx-descriptor-returned", (rxRing()[0].status & ETH_RDES0_OWN) != 0);

	fillFrame(gFrame, 1514, 2);
	receive(gFrame, 1514);
	receive(gFrame, 1514);
	CHECK("rx-no-second-signal-while-queued", gSignals == 2 && xstcpFrameQueueCount(&gEth.rx) == 2);
	n = xstcpFrameQueuePop(&gEth.rx, gPopped, sizeof gPopped);
	CHECK("rx-full-size-frame-exact", n == 1514 && memcmp(gPopped, gFrame, 1514) == 0);
	xstcpFrameQueuePop(&gEth.rx, gPopped, sizeof gPopped);

	/* Many more frames than descriptors, one at a time: the ring wraps in step with the DMA. */
	int wrapOk = 1;
	for (uint32_t k = 0; k < 40; k++) {
		uint32_t length = 60 + (k * 97u) % 1400u;
		fillFrame(gFrame, length, 100 + k);
		wrapOk &= receive(gFrame, length);
		n = xstcpFrameQueuePop(&gEth.rx, gPopped, sizeof gPopped);
		wrapOk &= n == (int)length && memcmp(gPopped, gFrame, length) == 0;
	}
	CHECK("rx-ring-wraps-40-frames-exact", wrapOk);
	CHECK("rx-nothing-dropped", gEth.rx.rxDropped == 0 && gEth.rx.rxFrames == 43);
	closeDevice();
}

static void testReceiveBurstAndErrors(void)
{
	openDevice(16, kMac);
	/* The DMA fills every descriptor before the interrupt runs, then finds none (RBUS). */
	int stored = 0;
	fillFrame(gFrame, 100, 200);
	for (uint32_t k = 0; k < 64 && dmaStore(gFrame, 100, ETH_RDES0_FS | ETH_RDES0_LS); k++) {
		fillFrame(gFrame, 100, 200 + k + 1);
		stored++;
	}
	ETH_DMARPDR = 0xFFFFFFFFu;
	interrupt(ETH_DMASR_RS | ETH_DMASR_RBUS | ETH_DMASR_NIS | ETH_DMASR_AIS);
	CHECK("rx-burst-fills-ring", stored >= 4);
	CHECK("rx-burst-all-queued", (int)xstcpFrameQueueCount(&gEth.rx) == stored);
	CHECK("rx-burst-resumes-dma", ETH_DMARPDR == 0);
	int orderOk = 1;
	for (int k = 0; k < stored; k++) {
		fillFrame(gFrame, 100, (uint32_t)(200 + k));
		orderOk &= xstcpFrameQueuePop(&gEth.rx, gPopped, sizeof gPopped) == 100 && memcmp(gPopped, gFrame, 100) == 0;
	}
	CHECK("rx-burst-in-order", orderOk);
	int ownedOk = 1;
	for (int i = 0; i < stored; i++)
		ownedOk &= (rxRing()[i].status & ETH_RDES0_OWN) != 0;
	CHECK("rx-burst-descriptors-returned", ownedOk);

	uint32_t dropped = gEth.rx.rxDropped;
	dmaStore(gFrame, 80, ETH_RDES0_FS | ETH_RDES0_LS | ETH_RDES0_ES); /* CRC error */
	interrupt(ETH_DMASR_RS | ETH_DMASR_NIS);
	CHECK("rx-error-frame-dropped-and-counted", xstcpFrameQueueCount(&gEth.rx) == 0 && gEth.rx.rxDropped == dropped + 1);
	dmaStore(gFrame, 80, ETH_RDES0_FS); /* first part only: not a whole frame */
	interrupt(ETH_DMASR_RS | ETH_DMASR_NIS);
	CHECK("rx-partial-frame-dropped", xstcpFrameQueueCount(&gEth.rx) == 0 && gEth.rx.rxDropped == dropped + 2);
	fillFrame(gFrame, 70, 9);
	receive(gFrame, 70);
	CHECK("rx-good-frame-after-errors", xstcpFrameQueuePop(&gEth.rx, gPopped, sizeof gPopped) == 70 &&
		memcmp(gPopped, gFrame, 70) == 0);
	ETH_DMAMFBOCR = 3u | (2u << 17); /* 3 missed for lack of descriptors, 2 to FIFO overflow */
	ETH_DMASR = ETH_DMASR_RS | ETH_DMASR_NIS;
	ETH_IRQHandler();
	ETH_DMASR = 0;
	CHECK("rx-missed-frames-counted", gEth.rx.rxDropped == dropped + 2 + 5);
	ETH_DMAMFBOCR = 0;
	closeDevice();

	openDevice(4, kMac);
	for (uint32_t k = 0; k < 6; k++) {
		fillFrame(gFrame, 64, k);
		receive(gFrame, 64);
	}
	CHECK("rx-queue-full-drops-counted", xstcpFrameQueueCount(&gEth.rx) == 4 && gEth.rx.rxDropped == 2);
	fillFrame(gFrame, 64, 0);
	CHECK("rx-queue-full-keeps-oldest", xstcpFrameQueuePop(&gEth.rx, gPopped, sizeof gPopped) == 64 &&
		memcmp(gPopped, gFrame, 64) == 0);
	closeDevice();
}

static void testTransmit(void)
{
	static uint8_t sent[8][XSTCP_ETH_MAX_FRAME];
	uint32_t lengths[8];
	openDevice(8, kMac);
	fillFrame(gFrame, 42, 7);
	ETH_DMATPDR = 0xFFFFFFFFu;
	CHECK("tx-accepted", gEth.driver->transmit(&gEth, gFrame, 42) == 1);
	CHECK("tx-poll-demand", ETH_DMATPDR == 0);
	CHECK("tx-descriptor-handed-to-dma", (txRing()[0].status & (ETH_TDES0_OWN | ETH_TDES0_FS | ETH_TDES0_LS)) ==
		(ETH_TDES0_OWN | ETH_TDES0_FS | ETH_TDES0_LS));
	int n = dmaSend(sent, lengths, 8);
	CHECK("tx-bytes-on-wire-exact", n == 1 && lengths[0] == 42 && memcmp(sent[0], gFrame, 42) == 0);

	int accepted = 0;
	for (int k = 0; k < 10 && gEth.driver->transmit(&gEth, gFrame, 42); k++)
		accepted++;
	CHECK("tx-full-ring-refuses", accepted >= 2 && accepted < 10);
	n = dmaSend(sent, lengths, 8);
	CHECK("tx-ring-drains", n == accepted);
	int wrapOk = 1;
	for (uint32_t k = 0; k < 25; k++) {
		uint32_t length = 14 + (k * 131u) % 1500u;
		fillFrame(gFrame, length, 300 + k);
		wrapOk &= gEth.driver->transmit(&gEth, gFrame, length) == 1;
		wrapOk &= dmaSend(sent, lengths, 8) == 1 && lengths[0] == length && memcmp(sent[0], gFrame, length) == 0;
	}
	CHECK("tx-ring-wraps-25-frames-exact", wrapOk);
	CHECK("tx-refuses-empty", gEth.driver->transmit(&gEth, gFrame, 0) == 0);
	CHECK("tx-refuses-oversize", gEth.driver->transmit(&gEth, gFrame, XSTCP_ETH_MAX_FRAME + 1) == 0);
	closeDevice();
	CHECK("tx-refused-after-close", gEth.driver->transmit(&gEth, gFrame, 42) == 0);
}

static void testLink(void)
{
	openDevice(8, kMac);
	CHECK("link-down", gEth.driver->linkUp(&gEth) == 0);
	gPhy[1] |= 0x0004u;     /* link */
	gPhy[31] = 1u << 2;     /* 10BASE-T half duplex */
	CHECK("link-up", gEth.driver->linkUp(&gEth) == 1);
	CHECK("link-10-half-programmed", (ETH_MACCR & (ETH_MACCR_FES | ETH_MACCR_DM)) == 0 &&
		(ETH_MACCR & (ETH_MACCR_TE | ETH_MACCR_RE)) == (ETH_MACCR_TE | ETH_MACCR_RE));
	gPhy[1] &= ~0x0004u;
	gPhy[31] = 6u << 2;     /* 100BASE-TX full duplex */
	uint32_t reads = gMdioReads;
	gNow += 499;
	CHECK("service-waits-between-polls", gEth.driver->service(&gEth) == 0 && gMdioReads == reads);
	gNow += 1;
	gEth.driver->service(&gEth);
	CHECK("service-polls-phy", gMdioReads > reads);
	gPhy[1] |= 0x0004u;
	gNow += 500;
	gEth.driver->service(&gEth);
	CHECK("link-100-full-programmed", (ETH_MACCR & (ETH_MACCR_FES | ETH_MACCR_DM)) == (ETH_MACCR_FES | ETH_MACCR_DM));

	interrupt(ETH_DMASR_FBES | ETH_DMASR_AIS);
	CHECK("bus-error-reported-by-service", gEth.driver->service(&gEth) == -1 && strstr(gEth.error, "bus error"));
	closeDevice();
	CHECK("close-stops-mac-and-dma", (ETH_MACCR & (ETH_MACCR_TE | ETH_MACCR_RE)) == 0 &&
		(ETH_DMAOMR & (ETH_DMAOMR_ST | ETH_DMAOMR_SR)) == 0 && (NVIC_ICER(1) & STM32_BIT(61 - 32)) != 0);
	uint32_t frames = gEth.rx.rxFrames;
	interrupt(ETH_DMASR_RS | ETH_DMASR_NIS);
	CHECK("interrupt-after-close-ignored", gEth.rx.rxFrames == frames);
	CHECK("reopen-after-bus-error", openDevice(8, kMac) == 0 && gEth.driver->service(&gEth) == 0);
	closeDevice();
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(20); /* every loop above is bounded; this bounds a driver bug too */
	mapPeripherals();
	testOpen();
	testOpenFailures();
	testReceive();
	testReceiveBurstAndErrors();
	testTransmit();
	testLink();
	xstcpFrameQueueFree(&gEth.rx);
	return gFailures ? 1 : 0;
}
