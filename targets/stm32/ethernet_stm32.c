/*
 * The xstcpEthernetDriver of the STM32F7 Ethernet MAC (a Synopsys MAC with DMA descriptor
 * rings) on the Nucleo-F767ZI: RMII to the LAN8742A PHY at MDIO address 0.
 *
 * Receive is interrupt driven: the DMA fills a ring of 1536-byte buffers, the ETH interrupt
 * copies each complete frame into eth->rx and hands the descriptor back; the queue's
 * empty -> non-empty edge calls eth->signal (xstcpEthernetReceived). Transmit copies the
 * frame into the next free descriptor's buffer and kicks the DMA; a full ring refuses.
 * service() runs on the main loop and only watches the PHY, so the queue keeps a single
 * producer (the interrupt).
 *
 * Cache: descriptors and buffers live in SRAM2 (section .xstcp_eth_dma), which
 * stm32_system.c maps non-cacheable with the MPU, so no cache maintenance is needed; the
 * barriers below only order the CPU's writes against the DMA's reads.
 */
#include <string.h>
#include "stm32f7_regs.h"
#include "stm32_board.h"
#include "xstcp_ethernet.h"

#define RX_DESCRIPTORS 6
#define TX_DESCRIPTORS 4
#define BUFFER_SIZE XSTCP_ETH_MAX_FRAME
#define FCS_SIZE 4u
#define ETH_IRQ_PRIORITY 0x50u /* 4 priority bits in the top nibble; SysTick keeps 0 */
#define LINK_POLL_MS 500u

/* LAN8742A: IEEE registers plus the vendor's special control/status register. */
#define PHY_ADDRESS 0u
#define PHY_BMCR 0u
#define PHY_BMSR 1u
#define PHY_ID1 2u
#define PHY_SCSR 31u
#define PHY_BMCR_RESET STM32_BIT(15)
#define PHY_BMCR_AUTONEG STM32_BIT(12)
#define PHY_BMCR_RESTART_AUTONEG STM32_BIT(9)
#define PHY_BMSR_LINK STM32_BIT(2)
#define PHY_SCSR_100 STM32_BIT(3)  /* speed indication bits 4:2: 1x0 = 100BASE-TX */
#define PHY_SCSR_FULL STM32_BIT(4) /* 11x/1x1: full duplex */

/* The part's 96-bit unique ID, the seed of the MAC address when none is configured. */
#define STM32_UID(word) STM32_REG(0x1FF0F420u + 4u * (word))

typedef struct {
	volatile uint32_t status;
	volatile uint32_t control;
	volatile uint32_t buffer1;
	volatile uint32_t buffer2;
} DmaDescriptor;

typedef struct {
	DmaDescriptor rx[RX_DESCRIPTORS];
	DmaDescriptor tx[TX_DESCRIPTORS];
	uint8_t rxBuffers[RX_DESCRIPTORS][BUFFER_SIZE];
	uint8_t txBuffers[TX_DESCRIPTORS][BUFFER_SIZE];
} DmaMemory;

static DmaMemory gDma __attribute__((section(".xstcp_eth_dma"), aligned(32)));

typedef struct {
	xstcpEthernet *eth; /* the open device, NULL when closed */
	uint32_t rxNext;    /* next receive descriptor the CPU takes back */
	uint32_t txNext;    /* next transmit descriptor the CPU fills */
	uint32_t linkCheckedAt;
	uint8_t link;
	/* Diagnostics (a debugger reads them); errored and missed frames also count in rx.rxDropped. */
	uint32_t rxErrors;
	uint32_t rxMissed;
	uint32_t txErrors;
	volatile uint8_t busError;
} DriverState;

static DriverState gState;

/* ---- MDIO ---- */

static int mdioIdle(void)
{
	return stm32WaitRegister(&ETH_MACMIIAR, ETH_MACMIIAR_MB, 0, 10);
}

/* The register's value, or -1 when the management interface did not answer. */
static int phyRead(uint32_t reg)
{
	if (!mdioIdle())
		return -1;
	ETH_MACMIIAR = ETH_MACMIIAR_PA(PHY_ADDRESS) | ETH_MACMIIAR_MR(reg) | ETH_MACMIIAR_CR_DIV102 |
		ETH_MACMIIAR_MB;
	if (!mdioIdle())
		return -1;
	return (int)(ETH_MACMIIDR & 0xFFFFu);
}

static int phyWrite(uint32_t reg, uint32_t value)
{
	if (!mdioIdle())
		return -1;
	ETH_MACMIIDR = value & 0xFFFFu;
	ETH_MACMIIAR = ETH_MACMIIAR_PA(PHY_ADDRESS) | ETH_MACMIIAR_MR(reg) | ETH_MACMIIAR_CR_DIV102 |
		ETH_MACMIIAR_MW | ETH_MACMIIAR_MB;
	return mdioIdle() ? 0 : -1;
}

/*
 * MAC configuration registers are sampled in the RMII clock domain: a write followed too
 * soon by another to the same register can be lost, so each is written, given time to
 * cross, and written again.
 */
static void macWrite(volatile uint32_t *reg, uint32_t value)
{
	*reg = value;
	(void)*reg;
	stm32DelayMilliseconds(1);
	*reg = value;
}

/* ---- bring-up ---- */

static void pinsAndClocksInit(void)
{
	RCC_APB2ENR |= RCC_APB2_SYSCFG;
	RCC_AHB1ENR |= RCC_AHB1_GPIOA | RCC_AHB1_GPIOB | RCC_AHB1_GPIOC | RCC_AHB1_GPIOG;
	(void)RCC_AHB1ENR;

	/* RMII is selected while the MAC is held in reset, before its clocks run. */
	RCC_AHB1RSTR |= RCC_AHB1RSTR_ETHMAC;
	SYSCFG_PMC |= SYSCFG_PMC_MII_RMII_SEL;
	RCC_AHB1ENR |= RCC_AHB1_ETHMAC | RCC_AHB1_ETHMACTX | RCC_AHB1_ETHMACRX;
	(void)RCC_AHB1ENR;
	RCC_AHB1RSTR &= ~RCC_AHB1RSTR_ETHMAC;

	/* Nucleo-144 RMII wiring, all on alternate function 11. */
	static const uint8_t pins[][2] = {
		{GPIO_PORT_A, 1},  /* REF_CLK (50 MHz from the PHY) */
		{GPIO_PORT_A, 2},  /* MDIO */
		{GPIO_PORT_A, 7},  /* CRS_DV */
		{GPIO_PORT_B, 13}, /* TXD1 */
		{GPIO_PORT_C, 1},  /* MDC */
		{GPIO_PORT_C, 4},  /* RXD0 */
		{GPIO_PORT_C, 5},  /* RXD1 */
		{GPIO_PORT_G, 11}, /* TX_EN */
		{GPIO_PORT_G, 13}, /* TXD0 */
	};
	for (size_t i = 0; i < sizeof pins / sizeof pins[0]; i++)
		stm32GpioAlternate(pins[i][0], pins[i][1], 11);
}

static void macAddressFromUniqueId(uint8_t mac[6])
{
	uint32_t mixed = STM32_UID(0) ^ (STM32_UID(1) * 0x9E3779B1u) ^ (STM32_UID(2) * 0x85EBCA77u);
	mac[0] = 0x02; /* locally administered, unicast */
	mac[1] = (uint8_t)(STM32_UID(2) >> 8);
	mac[2] = (uint8_t)(mixed >> 24);
	mac[3] = (uint8_t)(mixed >> 16);
	mac[4] = (uint8_t)(mixed >> 8);
	mac[5] = (uint8_t)mixed;
}

static void descriptorRingsInit(void)
{
	for (uint32_t i = 0; i < RX_DESCRIPTORS; i++) {
		DmaDescriptor *d = &gDma.rx[i];
		d->buffer1 = (uint32_t)(uintptr_t)gDma.rxBuffers[i];
		d->buffer2 = 0;
		d->control = ETH_DES1_BUFFER1_SIZE(BUFFER_SIZE) | (i == RX_DESCRIPTORS - 1 ? ETH_RDES1_RER : 0);
		d->status = ETH_RDES0_OWN;
	}
	for (uint32_t i = 0; i < TX_DESCRIPTORS; i++) {
		DmaDescriptor *d = &gDma.tx[i];
		d->buffer1 = (uint32_t)(uintptr_t)gDma.txBuffers[i];
		d->buffer2 = 0;
		d->control = 0;
		d->status = i == TX_DESCRIPTORS - 1 ? ETH_TDES0_TER : 0;
	}
	gState.rxNext = 0;
	gState.txNext = 0;
	STM32_DSB();
	ETH_DMARDLAR = (uint32_t)(uintptr_t)gDma.rx;
	ETH_DMATDLAR = (uint32_t)(uintptr_t)gDma.tx;
}

static int fail(char *error, size_t errorSize, const char *message)
{
	size_t n = strlen(message);
	if (errorSize) {
		if (n >= errorSize)
			n = errorSize - 1;
		memcpy(error, message, n);
		error[n] = 0;
	}
	return -1;
}

static int stm32Open(xstcpEthernet *eth, const char *device, char *error, size_t errorSize)
{
	(void)device; /* one MAC on the part */
	if (gState.eth)
		return fail(error, errorSize, "stm32: the Ethernet MAC is already open");

	pinsAndClocksInit();

	/* The DMA reset completes only with the PHY's 50 MHz reference clock on REF_CLK. */
	ETH_DMABMR |= ETH_DMABMR_SR;
	if (!stm32WaitRegister(&ETH_DMABMR, ETH_DMABMR_SR, 0, 100))
		return fail(error, errorSize, "stm32: Ethernet DMA reset did not finish (no RMII reference clock from the PHY)");

	/* Nobody driving MDIO reads as all ones. */
	int id1 = phyRead(PHY_ID1);
	if (id1 <= 0 || id1 == 0xFFFF)
		return fail(error, errorSize, "stm32: no PHY answers at MDIO address 0");
	if (phyWrite(PHY_BMCR, PHY_BMCR_RESET) < 0)
		return fail(error, errorSize, "stm32: MDIO write to the PHY timed out");
	int bmcr = -1;
	for (uint32_t waited = 0; waited < 500u; waited++) {
		bmcr = phyRead(PHY_BMCR);
		if (bmcr >= 0 && !(bmcr & PHY_BMCR_RESET))
			break;
		stm32DelayMilliseconds(1);
	}
	if (bmcr < 0 || (bmcr & PHY_BMCR_RESET))
		return fail(error, errorSize, "stm32: the PHY did not come out of reset");
	if (phyWrite(PHY_BMCR, PHY_BMCR_AUTONEG | PHY_BMCR_RESTART_AUTONEG) < 0)
		return fail(error, errorSize, "stm32: could not start autonegotiation");

	if (!eth->hasMac) {
		macAddressFromUniqueId(eth->mac);
		eth->hasMac = 1;
	}
	/* Perfect filter on our address; broadcast passes; no multicast, not promiscuous. */
	macWrite(&ETH_MACA0HR, ETH_MACA0HR_MO | ((uint32_t)eth->mac[5] << 8) | eth->mac[4]);
	macWrite(&ETH_MACA0LR, ((uint32_t)eth->mac[3] << 24) | ((uint32_t)eth->mac[2] << 16) |
		((uint32_t)eth->mac[1] << 8) | eth->mac[0]);
	macWrite(&ETH_MACFFR, 0);
	macWrite(&ETH_MACFCR, 0);
	/* 100 Mbit/s full duplex until the PHY reports what it negotiated (service/linkUp). */
	macWrite(&ETH_MACCR, ETH_MACCR | ETH_MACCR_FES | ETH_MACCR_DM); /* keeps the reserved bit 15 */
	ETH_MACIMR = ETH_MACIMR_PMTIM | ETH_MACIMR_TSTIM;
	ETH_MMCRIMR = ETH_MMCRIMR_ALL;
	ETH_MMCTIMR = ETH_MMCTIMR_ALL;

	descriptorRingsInit();
	macWrite(&ETH_DMABMR, ETH_DMABMR_AAB | ETH_DMABMR_USP | ETH_DMABMR_RDP(32) | ETH_DMABMR_FB |
		ETH_DMABMR_PBL(32));
	macWrite(&ETH_DMAOMR, ETH_DMAOMR_RSF | ETH_DMAOMR_TSF);
	ETH_DMASR = ETH_DMASR_CLEARABLE;
	ETH_DMAIER = ETH_DMAIER_NISE | ETH_DMAIER_RIE | ETH_DMAIER_AISE | ETH_DMAIER_RBUIE | ETH_DMAIER_FBEIE;

	gState.eth = eth;
	gState.link = 0;
	gState.busError = 0;
	gState.linkCheckedAt = stm32Milliseconds() - LINK_POLL_MS;
	eth->state = &gState;
	eth->descriptor = -1;

	macWrite(&ETH_MACCR, ETH_MACCR | ETH_MACCR_TE);
	ETH_DMAOMR |= ETH_DMAOMR_FTF;
	if (!stm32WaitRegister(&ETH_DMAOMR, ETH_DMAOMR_FTF, 0, 10)) {
		gState.eth = NULL;
		return fail(error, errorSize, "stm32: transmit FIFO flush did not finish");
	}
	macWrite(&ETH_MACCR, ETH_MACCR | ETH_MACCR_RE);
	ETH_DMAOMR |= ETH_DMAOMR_ST | ETH_DMAOMR_SR;

	NVIC_IPR_BYTE(STM32_IRQ_ETH) = ETH_IRQ_PRIORITY;
	NVIC_ISER(STM32_IRQ_ETH / 32) = STM32_BIT(STM32_IRQ_ETH % 32);
	return 0;
}

/* ---- receive (ETH interrupt: the queue's only producer) ---- */

static void drainReceiveRing(xstcpEthernet *eth)
{
	for (uint32_t n = 0; n < RX_DESCRIPTORS; n++) {
		DmaDescriptor *d = &gDma.rx[gState.rxNext];
		uint32_t status = d->status;
		if (status & ETH_RDES0_OWN)
			break;
		uint32_t length = ETH_RDES0_FL(status);
		/* Whole frames only: buffers hold the largest frame, so FS and LS come together. */
		if ((status & (ETH_RDES0_FS | ETH_RDES0_LS | ETH_RDES0_ES)) == (ETH_RDES0_FS | ETH_RDES0_LS) &&
			length > FCS_SIZE && length - FCS_SIZE <= BUFFER_SIZE) {
			xstcpEthernetReceived(eth, gDma.rxBuffers[gState.rxNext], length - FCS_SIZE);
		} else {
			gState.rxErrors++;
			xstcpFrameQueueCountDrop(&eth->rx);
		}
		/* The copy is done before the DMA may overwrite the buffer. */
		STM32_DMB();
		d->status = ETH_RDES0_OWN;
		gState.rxNext = gState.rxNext + 1 == RX_DESCRIPTORS ? 0 : gState.rxNext + 1;
	}
}

void ETH_IRQHandler(void)
{
	uint32_t status = ETH_DMASR;
	ETH_DMASR = status & ETH_DMASR_CLEARABLE;
	xstcpEthernet *eth = gState.eth;
	if (!eth)
		return;
	if (status & (ETH_DMASR_RS | ETH_DMASR_RBUS))
		drainReceiveRing(eth);
	/* Frames lost for lack of a descriptor (bits 15:0) or to a full receive FIFO (bits 27:17);
	   the register clears on read. This handler is the queue's producer, so it may count. */
	uint32_t counters = ETH_DMAMFBOCR;
	uint32_t missed = (counters & 0xFFFFu) + ((counters >> 17) & 0x7FFu);
	if (missed) {
		gState.rxMissed += missed;
		eth->rx.rxDropped += missed;
	}
	if (status & ETH_DMASR_FBES)
		gState.busError = 1; /* the DMA stopped; service() reports it */
	if (status & ETH_DMASR_RBUS) {
		STM32_DSB();
		ETH_DMARPDR = 0; /* descriptors are back: resume reception */
	}
}

/* ---- transmit, link, close (main loop) ---- */

static int stm32Transmit(xstcpEthernet *eth, const uint8_t *frame, size_t length)
{
	(void)eth;
	if (!gState.eth || length == 0 || length > BUFFER_SIZE)
		return 0;
	uint32_t index = gState.txNext;
	DmaDescriptor *d = &gDma.tx[index];
	uint32_t status = d->status;
	if (status & ETH_TDES0_OWN)
		return 0; /* every descriptor is still queued for the wire */
	if (status & ETH_TDES0_ES)
		gState.txErrors++; /* the frame this descriptor carried last time failed */
	memcpy(gDma.txBuffers[index], frame, length);
	d->control = ETH_DES1_BUFFER1_SIZE(length);
	STM32_DMB();
	/* The MAC pads short frames and appends the FCS. */
	d->status = ETH_TDES0_OWN | ETH_TDES0_FS | ETH_TDES0_LS | (index == TX_DESCRIPTORS - 1 ? ETH_TDES0_TER : 0);
	STM32_DSB();
	ETH_DMATPDR = 0;
	gState.txNext = index + 1 == TX_DESCRIPTORS ? 0 : index + 1;
	return 1;
}

/* Reads the PHY; on a change to up, programs the negotiated speed and duplex into the MAC. */
static int linkRefresh(void)
{
	(void)phyRead(PHY_BMSR); /* the link bit latches low: the second read is current */
	int bmsr = phyRead(PHY_BMSR);
	int up = bmsr >= 0 && (bmsr & PHY_BMSR_LINK);
	if (up && !gState.link) {
		int scsr = phyRead(PHY_SCSR);
		if (scsr >= 0) {
			uint32_t maccr = ETH_MACCR & ~(ETH_MACCR_FES | ETH_MACCR_DM);
			if (scsr & PHY_SCSR_100)
				maccr |= ETH_MACCR_FES;
			if (scsr & PHY_SCSR_FULL)
				maccr |= ETH_MACCR_DM;
			macWrite(&ETH_MACCR, maccr);
		}
	}
	gState.link = (uint8_t)up;
	gState.linkCheckedAt = stm32Milliseconds();
	return up;
}

static int stm32LinkUp(xstcpEthernet *eth)
{
	(void)eth;
	return gState.eth ? linkRefresh() : 0;
}

/* Main loop: the PHY every LINK_POLL_MS; frames reach eth->rx from the interrupt, so 0
   moved, or -1 once the DMA has stopped on a bus error. */
static int stm32Service(xstcpEthernet *eth)
{
	if (gState.busError) {
		static const char message[] = "stm32: Ethernet DMA bus error, the DMA stopped";
		memcpy(eth->error, message, sizeof message);
		return -1;
	}
	if (gState.eth && stm32Milliseconds() - gState.linkCheckedAt >= LINK_POLL_MS)
		linkRefresh();
	return 0;
}

static void stm32Close(xstcpEthernet *eth)
{
	if (!gState.eth)
		return;
	NVIC_ICER(STM32_IRQ_ETH / 32) = STM32_BIT(STM32_IRQ_ETH % 32);
	ETH_DMAOMR &= ~(ETH_DMAOMR_ST | ETH_DMAOMR_SR);
	macWrite(&ETH_MACCR, ETH_MACCR & ~(ETH_MACCR_TE | ETH_MACCR_RE));
	ETH_DMAIER = 0;
	ETH_DMASR = ETH_DMASR_CLEARABLE;
	gState.eth = NULL;
	gState.link = 0;
	eth->state = NULL;
}

const xstcpEthernetDriver gXstcpEthernetDriver = {
	.name = "stm32",
	.open = stm32Open,
	.transmit = stm32Transmit,
	.linkUp = stm32LinkUp,
	.close = stm32Close,
	.service = stm32Service,
};
