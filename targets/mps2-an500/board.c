/*
 * The MPS2 AN500 board under QEMU: the CMSDK UART0 as the console, SysTick at 1 kHz from
 * the 25 MHz system clock as the millisecond clock, sleep on `wfi`, and semihosting for
 * the configuration line and the exit status. Entropy: the board has no RNG, so the
 * host passes a seed on the configuration line (see main.c) and fwRandom32 stirs it with
 * the tick counter's low bits.
 */
#include <stdint.h>
#include "fw_board.h"
#include "semihosting.h"
#include "lan9118.h"

#define SYSCLK_HZ 25000000u
#define TICK_RELOAD (SYSCLK_HZ / 1000u - 1u)

/* CMSDK APB UART0 */
#define UART0_BASE 0x40004000u
#define UART_DATA (*(volatile uint32_t*)(UART0_BASE + 0x00))
#define UART_STATE (*(volatile uint32_t*)(UART0_BASE + 0x04))
#define UART_CTRL (*(volatile uint32_t*)(UART0_BASE + 0x08))
#define UART_INTSTATUS (*(volatile uint32_t*)(UART0_BASE + 0x0C))
#define UART_BAUDDIV (*(volatile uint32_t*)(UART0_BASE + 0x10))
#define UART_STATE_TX_FULL 1u
#define UART_STATE_RX_FULL 2u
#define UART_CTRL_TX_EN 1u
#define UART_CTRL_RX_EN 2u
#define UART_CTRL_RX_INT_EN 8u

/* SysTick and NVIC */
#define SYST_CSR (*(volatile uint32_t*)0xE000E010)
#define SYST_RVR (*(volatile uint32_t*)0xE000E014)
#define SYST_CVR (*(volatile uint32_t*)0xE000E018)
#define NVIC_ISER0 (*(volatile uint32_t*)0xE000E100)
#define UART0_RX_IRQ 0

static volatile uint32_t gMillis;
/* Console input waits here between the UART interrupt and the main loop (one reader). */
static volatile uint8_t gRxRing[256];
static volatile uint32_t gRxHead, gRxTail;

void SysTick_Handler(void)
{
	gMillis++;
}

/* Moves a received byte, if any, from the UART into the ring; 1 when there was one. */
static int takeRxByte(void)
{
	if (!(UART_STATE & UART_STATE_RX_FULL))
		return 0;
	uint8_t byte = (uint8_t)UART_DATA;
	if (gRxHead - gRxTail < sizeof(gRxRing))
		gRxRing[gRxHead++ % sizeof(gRxRing)] = byte;
	return 1;
}

void Uart0_IRQHandler(void)
{
	/* Clear before draining: a byte that arrives after the drain raises the interrupt
	 * again. Clearing after the drain lost such a byte's interrupt, and with its one-byte
	 * buffer full the UART took no more input: the console went deaf (the board ignored
	 * `stop`; reproduced in about 1 of 2,000 commands). */
	UART_INTSTATUS = 2;
	while (takeRxByte())
		;
}

void fwBoardInit(void)
{
	UART_BAUDDIV = SYSCLK_HZ / 115200u;
	UART_CTRL = UART_CTRL_TX_EN | UART_CTRL_RX_EN | UART_CTRL_RX_INT_EN;
	SYST_RVR = TICK_RELOAD;
	SYST_CVR = 0;
	SYST_CSR = 7; /* processor clock, interrupt, enable */
	/* The Ethernet interrupt is enabled by its driver once the controller drives the line. */
	NVIC_ISER0 = 1u << UART0_RX_IRQ;
}

void fwConsoleWrite(const char* text, size_t length)
{
	for (size_t i = 0; i < length; i++) {
		while (UART_STATE & UART_STATE_TX_FULL)
			;
		UART_DATA = (uint8_t)text[i];
	}
}

int fwConsoleRead(void)
{
	if (gRxTail == gRxHead) {
		/* Polled too, so a missed interrupt can delay input but never stop it. */
		__asm volatile ("cpsid i" ::: "memory");
		takeRxByte();
		__asm volatile ("cpsie i" ::: "memory");
		if (gRxTail == gRxHead)
			return -1;
	}
	return gRxRing[gRxTail++ % sizeof(gRxRing)];
}

uint32_t fwMillis(void)
{
	return gMillis;
}

uint64_t fwNanos(void)
{
	uint32_t ms, count;
	/* Re-read when the tick wrapped between the two reads. */
	do {
		ms = gMillis;
		count = SYST_CVR;
	} while (ms != gMillis);
	return (uint64_t)ms * 1000000u + (uint64_t)(TICK_RELOAD - count) * 40u; /* 40 ns per 25 MHz cycle */
}

void fwSleep(void)
{
	__asm volatile ("dsb\n wfi" ::: "memory");
}

int fwBoardEventsPending(void)
{
	return lan9118Pending() || (gRxTail != gRxHead);
}

void fwExit(int code)
{
	semihostingExit(code);
}

int fwCommandLine(char* buffer, size_t size)
{
	return semihostingCommandLine(buffer, size);
}

static uint64_t gRandomState = 0x9E3779B97F4A7C15ull;

/* Seeds fwRandom32 (main.c passes the host's seed from the configuration line). */
void fwRandomSeed(uint64_t seed)
{
	gRandomState ^= seed;
}

uint32_t fwRandom32(void)
{
	/* xorshift64* over the host's seed, stirred with the tick counter's phase. */
	gRandomState ^= SYST_CVR;
	gRandomState ^= gRandomState >> 12;
	gRandomState ^= gRandomState << 25;
	gRandomState ^= gRandomState >> 27;
	return (uint32_t)((gRandomState * 0x2545F4914F6CDD1Dull) >> 32);
}
