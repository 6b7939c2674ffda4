/*
 * The SMSC LAN9118 Ethernet controller of the MPS2 board (at 0xA0000000 on AN500, its
 * interrupt on IRQ 13), as an xstcpEthernetDriver (targets/common/xstcp_ethernet.h).
 *
 * Receive: the controller keeps frames in its RX data FIFO with one status word each;
 * service() (called by the main loop, woken by the interrupt) reads up to a bounded
 * number of frames straight into the frame queue's free slot (Reserve/Commit) and drops
 * (fast-forwards) frames with errors; while the queue is full, frames stay in the
 * controller's RX FIFO (it drops, and counts, only when that overflows too). Transmit:
 * command words A and B, then the frame as 32-bit words into the TX data FIFO; refused
 * when the FIFO has no room. Link: the internal PHY's BMSR link bit.
 */
#include <stdint.h>
#include <string.h>
#include "xstcp_ethernet.h"
#include "lan9118.h"

#define LAN_BASE 0xA0000000u
#define NVIC_ISER0 (*(volatile uint32_t*)0xE000E100)
#define NVIC_ICER0 (*(volatile uint32_t*)0xE000E180)
/* Until IRQ_CFG is written the controller holds its (active-low) line asserted. */
#define ETHERNET_IRQ 13
#define REG(offset) (*(volatile uint32_t*)(LAN_BASE + (offset)))
#define RX_DATA_FIFO REG(0x00)
#define TX_DATA_FIFO REG(0x20)
#define RX_STATUS_FIFO REG(0x40)
#define TX_STATUS_FIFO REG(0x48)
#define ID_REV REG(0x50)
#define IRQ_CFG REG(0x54)
#define INT_STS REG(0x58)
#define INT_EN REG(0x5C)
#define FIFO_INT REG(0x68)
#define RX_CFG REG(0x6C)
#define TX_CFG REG(0x70)
#define HW_CFG REG(0x74)
#define RX_DP_CTRL REG(0x78)
#define RX_FIFO_INF REG(0x7C)
#define TX_FIFO_INF REG(0x80)
#define PMT_CTRL REG(0x84)
#define MAC_CSR_CMD REG(0xA4)
#define MAC_CSR_DATA REG(0xA8)

#define ID_LAN9118 0x0118u
#define HW_CFG_SRST (1u << 0)
#define PMT_CTRL_READY (1u << 0)
#define IRQ_CFG_EN (1u << 8)
#define IRQ_CFG_POL_HIGH (1u << 4)
#define IRQ_CFG_PUSH_PULL (1u << 0)
#define INT_RSFL (1u << 3)
#define TX_CFG_ON (1u << 1)
#define TX_CFG_SAO (1u << 2)
#define RX_DP_FFWD (1u << 31)
#define CSR_BUSY (1u << 31)
#define CSR_READ (1u << 30)
#define MAC_CR 1
#define MAC_ADDRH 2
#define MAC_ADDRL 3
#define MAC_MII_ACC 6
#define MAC_MII_DATA 7
#define MAC_CR_RXEN (1u << 2)
#define MAC_CR_TXEN (1u << 3)
#define MAC_CR_FDPX (1u << 20)
#define PHY_ADDRESS 1
#define PHY_BMSR 1
#define BMSR_LINK (1u << 2)
#define RX_STATUS_ERROR (1u << 15)
#define TX_A_FIRST (1u << 13)
#define TX_A_LAST (1u << 12)

/* Frames moved per service() call, so that timers and the VM get their turn. */
#define SERVICE_BATCH 16
/* Register polls before a command counts as hung. */
#define SPIN_LIMIT 100000

static volatile int gInterrupted;

static int macCsrWait(void)
{
	for (int i = 0; i < SPIN_LIMIT; i++)
		if (!(MAC_CSR_CMD & CSR_BUSY))
			return 0;
	return -1;
}

static uint32_t macRead(uint32_t index)
{
	macCsrWait();
	MAC_CSR_CMD = CSR_BUSY | CSR_READ | index;
	macCsrWait();
	return MAC_CSR_DATA;
}

static void macWrite(uint32_t index, uint32_t value)
{
	macCsrWait();
	MAC_CSR_DATA = value;
	MAC_CSR_CMD = CSR_BUSY | index;
	macCsrWait();
}

static uint32_t phyRead(uint32_t reg)
{
	for (int i = 0; (i < SPIN_LIMIT) && (macRead(MAC_MII_ACC) & 1u); i++)
		;
	macWrite(MAC_MII_ACC, (PHY_ADDRESS << 11) | (reg << 6));
	for (int i = 0; (i < SPIN_LIMIT) && (macRead(MAC_MII_ACC) & 1u); i++)
		;
	return macRead(MAC_MII_DATA) & 0xFFFFu;
}

void Ethernet_IRQHandler(void)
{
	/* Masked until service() has drained the FIFO, so a level interrupt does not repeat. */
	INT_EN = 0;
	gInterrupted = 1;
}

int lan9118Pending(void)
{
	return gInterrupted || ((RX_FIFO_INF >> 16) & 0xFFu) != 0;
}

static int lanOpen(xstcpEthernet* eth, const char* device, char* error, size_t errorSize)
{
	uint32_t id = ID_REV;
	if ((id >> 16) != ID_LAN9118) {
		strncpy(error, "no LAN9118 at 0xA0000000", errorSize - 1);
		error[errorSize - 1] = 0;
		return -1;
	}
	HW_CFG = HW_CFG_SRST;
	int ready = 0;
	for (int i = 0; i < SPIN_LIMIT; i++)
		if (!(HW_CFG & HW_CFG_SRST) && (PMT_CTRL & PMT_CTRL_READY)) {
			ready = 1;
			break;
		}
	if (!ready) {
		strncpy(error, "LAN9118 does not come out of reset", errorSize - 1);
		error[errorSize - 1] = 0;
		return -1;
	}
	if (!eth->hasMac) {
		uint32_t low = macRead(MAC_ADDRL), high = macRead(MAC_ADDRH);
		for (int i = 0; i < 4; i++)
			eth->mac[i] = (uint8_t)(low >> (8 * i));
		eth->mac[4] = (uint8_t)high;
		eth->mac[5] = (uint8_t)(high >> 8);
		eth->hasMac = 1;
	}
	else {
		macWrite(MAC_ADDRL, eth->mac[0] | (eth->mac[1] << 8) | (eth->mac[2] << 16) | ((uint32_t)eth->mac[3] << 24));
		macWrite(MAC_ADDRH, eth->mac[4] | (eth->mac[5] << 8));
	}
	RX_CFG = 0; /* no offset: the frame starts at the first word */
	TX_CFG = TX_CFG_ON | TX_CFG_SAO;
	macWrite(MAC_CR, MAC_CR_RXEN | MAC_CR_TXEN | MAC_CR_FDPX);
	FIFO_INT = 0; /* RX status level 0: interrupt as soon as one frame is in */
	INT_STS = 0xFFFFFFFFu;
	IRQ_CFG = IRQ_CFG_EN | IRQ_CFG_POL_HIGH | IRQ_CFG_PUSH_PULL;
	INT_EN = INT_RSFL;
	NVIC_ISER0 = 1u << ETHERNET_IRQ;
	eth->state = (void*)LAN_BASE;
	eth->descriptor = -1;
	return 0;
}

static int lanTransmit(xstcpEthernet* eth, const uint8_t* frame, size_t length)
{
	if ((length == 0) || (length > 1514))
		return 0;
	uint32_t words = (uint32_t)((length + 3) / 4);
	if ((TX_FIFO_INF & 0xFFFFu) < words * 4 + 8)
		return 0;
	TX_DATA_FIFO = TX_A_FIRST | TX_A_LAST | (uint32_t)length;
	TX_DATA_FIFO = ((uint32_t)length << 16) | (uint32_t)length;
	uint32_t full = (uint32_t)(length / 4);
	for (uint32_t i = 0; i < full; i++) {
		uint32_t word;
		memcpy(&word, frame + 4 * i, 4);
		TX_DATA_FIFO = word;
	}
	if (length & 3u) {
		uint32_t word = 0;
		memcpy(&word, frame + 4 * full, length & 3u);
		TX_DATA_FIFO = word;
	}
	/* Statuses are not needed (TX_CFG_SAO lets them overrun); keep the FIFO empty anyway. */
	while ((TX_FIFO_INF >> 16) & 0xFFu)
		(void)TX_STATUS_FIFO;
	return 1;
}

static int lanLinkUp(xstcpEthernet* eth)
{
	return (phyRead(PHY_BMSR) & BMSR_LINK) != 0;
}

static void lanClose(xstcpEthernet* eth)
{
	INT_EN = 0;
	NVIC_ICER0 = 1u << ETHERNET_IRQ;
	macWrite(MAC_CR, 0);
	eth->state = NULL;
}

/* Throws away the rest of the current frame (`words` words of it). */
static void discard(uint32_t words)
{
	if (words >= 4) {
		RX_DP_CTRL = RX_DP_FFWD;
		for (int i = 0; (i < SPIN_LIMIT) && (RX_DP_CTRL & RX_DP_FFWD); i++)
			;
	}
	else
		while (words--)
			(void)RX_DATA_FIFO;
}

static int lanService(xstcpEthernet* eth)
{
	int moved = 0;
	gInterrupted = 0;
	while ((moved < SERVICE_BATCH) && ((RX_FIFO_INF >> 16) & 0xFFu)) {
		/* Queue full: the frames wait in the controller's RX FIFO until JavaScript has taken some. */
		uint8_t* slot = xstcpFrameQueueReserve(&eth->rx);
		if (!slot)
			break;
		uint32_t status = RX_STATUS_FIFO;
		uint32_t length = (status >> 16) & 0x3FFFu; /* with the 4-byte FCS */
		uint32_t words = (length + 3) / 4;
		if ((status & RX_STATUS_ERROR) || (length <= 4) || (length > XSTCP_ETH_MAX_FRAME)) {
			discard(words);
			xstcpFrameQueueCountDrop(&eth->rx);
			continue;
		}
		uint32_t* out = (uint32_t*)slot;
		for (uint32_t i = 0; i < words; i++)
			out[i] = RX_DATA_FIFO;
		xstcpEthernetCommitReceived(eth, length - 4);
		moved++;
	}
	INT_STS = INT_RSFL;
	INT_EN = INT_RSFL;
	return moved;
}

const xstcpEthernetDriver gXstcpEthernetDriver = {
	"lan9118",
	lanOpen,
	lanTransmit,
	lanLinkUp,
	lanClose,
	lanService,
};
