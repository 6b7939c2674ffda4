/*
 * The firmware core's board interface (targets/firmware/fw_board.h) on the Nucleo-F767ZI:
 * the USART3 console (ST-LINK virtual COM port, 115200 8N1) with interrupt-driven input,
 * the SysTick clock, sleep on `wfi`, the configuration line from the flash config block,
 * the hardware RNG, and a reset (or a halt on an error) as the exit.
 */
#include <string.h>
#include "stm32f7_regs.h"
#include "stm32_board.h"
#include "config_block.h"
#include "fw_board.h"

/* The RNG (clocked from the PLL's 48 MHz Q output) and USART3's receive side. */
#define RCC_AHB2ENR STM32_REG(0x40023834u)
#define RCC_AHB2_RNG STM32_BIT(6)
#define RNG_CR STM32_REG(0x50060800u)
#define RNG_SR STM32_REG(0x50060804u)
#define RNG_DR STM32_REG(0x50060808u)
#define RNG_CR_RNGEN STM32_BIT(2)
#define RNG_SR_DRDY STM32_BIT(0)
#define USART3_ICR STM32_REG(USART3_BASE + 0x20u)
#define USART3_RDR STM32_REG(USART3_BASE + 0x24u)
#define USART_CR1_RE STM32_BIT(2)
#define USART_CR1_RXNEIE STM32_BIT(5)
#define USART_ISR_ORE STM32_BIT(3)
#define USART_ISR_RXNE STM32_BIT(5)
#define USART_ICR_ORECF STM32_BIT(3)

extern const uint8_t __xstcp_config_start[];

/* Console input between the USART3 interrupt (producer) and the main loop (consumer). */
static volatile uint8_t gRxRing[256];
static volatile uint32_t gRxHead, gRxTail;
static uint64_t gRandomState = 0x9E3779B97F4A7C15ull;

void USART3_IRQHandler(void)
{
	uint32_t status = USART3_ISR;
	if (status & USART_ISR_ORE)
		USART3_ICR = USART_ICR_ORECF;
	if (status & USART_ISR_RXNE) {
		uint8_t byte = (uint8_t)USART3_RDR;
		if (gRxHead - gRxTail < sizeof gRxRing)
			gRxRing[gRxHead++ % sizeof gRxRing] = byte;
	}
}

void fwBoardInit(void)
{
	/* stm32SystemInit ran from Reset_Handler: clocks, caches, SysTick, console output. */
	USART3_CR1 |= USART_CR1_RE | USART_CR1_RXNEIE;
	NVIC_ISER(STM32_IRQ_USART3 / 32) = STM32_BIT(STM32_IRQ_USART3 % 32);
	RCC_AHB2ENR |= RCC_AHB2_RNG;
	(void)RCC_AHB2ENR;
	RNG_CR = RNG_CR_RNGEN;
}

void fwConsoleWrite(const char *text, size_t length)
{
	stm32ConsoleWrite(text, length);
}

int fwConsoleRead(void)
{
	if (gRxTail == gRxHead)
		return -1;
	return gRxRing[gRxTail++ % sizeof gRxRing];
}

uint32_t fwMillis(void)
{
	return stm32Milliseconds();
}

uint64_t fwNanos(void)
{
	uint32_t ms, count;
	do { /* again when the tick wrapped between the two reads */
		ms = stm32Milliseconds();
		count = SYSTICK_VAL;
	} while (ms != stm32Milliseconds());
	uint32_t elapsedCycles = SYSTICK_LOAD - count;
	return (uint64_t)ms * 1000000u + (uint64_t)elapsedCycles * 1000u / (STM32_SYSCLK_HZ / 1000000u);
}

void fwSleep(void)
{
	__asm volatile("dsb\n\twfi" ::: "memory");
}

/* The Ethernet interrupt fills the frame queue itself; only console input waits here. */
int fwBoardEventsPending(void)
{
	return gRxTail != gRxHead;
}

/*
 * Exit 0 (the `stop` command) resets the board, which boots again into the same
 * configuration; any other status halts with the message on the console, so that a bad
 * configuration is read once instead of in a reset loop.
 */
void fwExit(int code)
{
	if (code != 0) {
		stm32ConsolePrintHex("xstcp: exit status ", (uint32_t)code);
		stm32Halt("xstcp: halted (fix the configuration block and reset)");
	}
	while (!(USART3_ISR & USART_ISR_TC)) {
	}
	STM32_DSB();
	SCB_AIRCR = SCB_AIRCR_RESET;
	for (;;) {
	}
}

/* Used while flash sector 1 holds no valid block (a fresh board): the board's own address. */
static const char gDefaultConfiguration[] = "xstcp --ip 198.18.0.2/24";

int fwCommandLine(char *buffer, size_t size)
{
	int length = configBlockRead(__xstcp_config_start, buffer, size);
	if (length >= 0 || size < sizeof gDefaultConfiguration)
		return length;
	memcpy(buffer, gDefaultConfiguration, sizeof gDefaultConfiguration);
	return (int)sizeof gDefaultConfiguration - 1;
}

void fwRandomSeed(uint64_t seed)
{
	gRandomState ^= seed;
}

/*
 * The hardware RNG's word (bounded wait); a 64-bit LCG over the seed is folded in so that
 * a host's seed still counts and the value still changes if the RNG reports an error.
 */
uint32_t fwRandom32(void)
{
	uint32_t word = 0;
	if (stm32WaitRegister(&RNG_SR, RNG_SR_DRDY, RNG_SR_DRDY, 2))
		word = RNG_DR;
	gRandomState = gRandomState * 6364136223846793005ull + 1442695040888963407ull;
	return word ^ (uint32_t)(gRandomState >> 32);
}
