/*
 * Chip bring-up of the Nucleo-F767ZI image: the 216 MHz clock tree from the ST-LINK's 8 MHz
 * MCO (HSE bypass), over-drive and flash wait states, the MPU region that keeps the Ethernet
 * DMA memory (SRAM2) out of the data cache, the I- and D-caches, the 1 ms SysTick and the
 * USART3 console on PD8/PD9 (the ST-LINK virtual COM port).
 */
#include "stm32f7_regs.h"
#include "stm32_board.h"

/* SRAM2, where the linker script puts the Ethernet descriptors and buffers (16 KB, aligned). */
#define STM32_SRAM2_BASE 0x2007C000u
#define STM32_SRAM2_LOG2_SIZE 14u

static volatile uint32_t gMilliseconds;

void SysTick_Handler(void)
{
	gMilliseconds++;
}

uint32_t stm32Milliseconds(void)
{
	return gMilliseconds;
}

/* CPU cycles per millisecond: the 16 MHz HSI out of reset, the PLL's 216 MHz after clockTreeInit. */
static uint32_t gCyclesPerMillisecond = 16000u;

static void cycleCounterInit(void)
{
	DEMCR |= DEMCR_TRCENA;
	DWT_LAR = DWT_LAR_UNLOCK;
	DWT_CYCCNT = 0;
	DWT_CTRL |= DWT_CTRL_CYCCNTENA;
}

/* Counts cycles, not SysTick interrupts, so it also bounds waits made with interrupts masked. */
int stm32WaitRegister(volatile uint32_t *reg, uint32_t mask, uint32_t expected, uint32_t milliseconds)
{
	uint32_t start = DWT_CYCCNT;
	uint32_t limit = milliseconds * gCyclesPerMillisecond; /* waits stay far below the 19 s wrap */
	while ((*reg & mask) != expected) {
		if (DWT_CYCCNT - start > limit)
			return (*reg & mask) == expected;
	}
	return 1;
}

void stm32DelayMilliseconds(uint32_t milliseconds)
{
	uint32_t start = DWT_CYCCNT;
	while (DWT_CYCCNT - start < milliseconds * gCyclesPerMillisecond) {
	}
}

static void clockTreeInit(void)
{
	RCC_APB1ENR |= RCC_APB1_PWR;
	PWR_CR1 = (PWR_CR1 & ~(3u << 14)) | PWR_CR1_VOS_SCALE1;

	RCC_CR |= RCC_CR_HSEBYP;
	RCC_CR |= RCC_CR_HSEON;
	if (!stm32WaitRegister(&RCC_CR, RCC_CR_HSERDY, RCC_CR_HSERDY, 100))
		stm32Halt("HSE (ST-LINK MCO) not ready");

	/* 8 MHz / M 4 = 2 MHz into the VCO, x N 216 = 432 MHz; / P 2 = 216 MHz, / Q 9 = 48 MHz. */
	RCC_PLLCFGR = RCC_PLLCFGR_SRC_HSE | RCC_PLLCFGR_M(4) | RCC_PLLCFGR_N(216) | RCC_PLLCFGR_P_DIV2 |
		RCC_PLLCFGR_Q(9) | RCC_PLLCFGR_R(2);
	RCC_CR |= RCC_CR_PLLON;

	/* Above 180 MHz the regulator runs in over-drive: enable, then switch, while the PLL locks. */
	PWR_CR1 |= PWR_CR1_ODEN;
	if (!stm32WaitRegister(&PWR_CSR1, PWR_CSR1_ODRDY, PWR_CSR1_ODRDY, 100))
		stm32Halt("over-drive not ready");
	PWR_CR1 |= PWR_CR1_ODSWEN;
	if (!stm32WaitRegister(&PWR_CSR1, PWR_CSR1_ODSWRDY, PWR_CSR1_ODSWRDY, 100))
		stm32Halt("over-drive switch not ready");

	/* 7 wait states for 210..216 MHz at 2.7..3.6 V; read back before raising the clock. */
	FLASH_ACR = (FLASH_ACR & ~FLASH_ACR_LATENCY_MASK) | 7u | FLASH_ACR_PRFTEN | FLASH_ACR_ARTEN;
	if ((FLASH_ACR & FLASH_ACR_LATENCY_MASK) != 7u)
		stm32Halt("flash latency not taken");

	RCC_CFGR = (RCC_CFGR & ~(0xFFFu << 4)) | RCC_CFGR_HPRE_DIV1 | RCC_CFGR_PPRE1_DIV4 | RCC_CFGR_PPRE2_DIV2;
	if (!stm32WaitRegister(&RCC_CR, RCC_CR_PLLRDY, RCC_CR_PLLRDY, 100))
		stm32Halt("PLL not locked");
	RCC_CFGR = (RCC_CFGR & ~RCC_CFGR_SW_MASK) | RCC_CFGR_SW_PLL;
	if (!stm32WaitRegister(&RCC_CFGR, RCC_CFGR_SWS_MASK, RCC_CFGR_SWS_PLL, 100))
		stm32Halt("PLL not selected");
	gCyclesPerMillisecond = STM32_SYSCLK_HZ / 1000u;
}

/*
 * SRAM2 as normal, shareable, non-cacheable, not executable memory: the Ethernet DMA reads
 * and writes it behind the CPU's back, so no cache line may hold a stale copy. Everything
 * else keeps the default (cached) memory map.
 */
static void mpuInit(void)
{
	MPU_CTRL = 0;
	MPU_RNR = 0;
	MPU_RBAR = STM32_SRAM2_BASE;
	MPU_RASR = MPU_RASR_XN | MPU_RASR_AP_FULL | MPU_RASR_TEX(1) | MPU_RASR_SHAREABLE |
		MPU_RASR_SIZE(STM32_SRAM2_LOG2_SIZE) | MPU_RASR_ENABLE;
	MPU_CTRL = MPU_CTRL_PRIVDEFENA | MPU_CTRL_ENABLE;
	__asm volatile("dsb\n\tisb" ::: "memory");
}

static void cachesInit(void)
{
	__asm volatile("dsb\n\tisb" ::: "memory");
	SCB_ICIALLU = 0;
	__asm volatile("dsb\n\tisb" ::: "memory");
	SCB_CCR |= SCB_CCR_IC;

	/* Invalidate every line of the L1 data cache by set and way before turning it on. */
	SCB_CSSELR = 0;
	__asm volatile("dsb" ::: "memory");
	uint32_t geometry = SCB_CCSIDR;
	uint32_t sets = ((geometry >> 13) & 0x7FFFu) + 1u;
	uint32_t ways = ((geometry >> 3) & 0x3FFu) + 1u;
	uint32_t lineShift = (geometry & 7u) + 4u;
	uint32_t wayShift = ways > 1u ? (uint32_t)__builtin_clz(ways - 1u) : 0u;
	for (uint32_t set = 0; set < sets; set++) {
		for (uint32_t way = 0; way < ways; way++)
			SCB_DCISW = (way << wayShift) | (set << lineShift);
	}
	__asm volatile("dsb" ::: "memory");
	SCB_CCR |= SCB_CCR_DC;
	__asm volatile("dsb\n\tisb" ::: "memory");
}

static void sysTickInit(void)
{
	SYSTICK_LOAD = STM32_SYSCLK_HZ / 1000u - 1u;
	SYSTICK_VAL = 0;
	SYSTICK_CTRL = SYSTICK_CTRL_CLKSOURCE_CPU | SYSTICK_CTRL_TICKINT | SYSTICK_CTRL_ENABLE;
}

static int gConsoleReady;

/* Called twice: at the 16 MHz reset clock (so clock failures can be reported), then at 54 MHz. */
static void consoleInit(uint32_t pclk1Hz)
{
	if (gConsoleReady) {
		while (!(USART3_ISR & USART_ISR_TC)) {
		}
	}
	RCC_AHB1ENR |= RCC_AHB1_GPIOD;
	RCC_APB1ENR |= RCC_APB1_USART3;
	(void)RCC_APB1ENR; /* the clock is on before the first register write */
	RCC_DCKCFGR2 &= ~RCC_DCKCFGR2_USART3SEL_MASK;
	stm32GpioAlternate(GPIO_PORT_D, 8, 7);  /* USART3_TX */
	stm32GpioAlternate(GPIO_PORT_D, 9, 7);  /* USART3_RX */
	USART3_CR1 = 0;
	USART3_BRR = (pclk1Hz + STM32_CONSOLE_BAUD / 2u) / STM32_CONSOLE_BAUD; /* 16x oversampling */
	USART3_CR1 = USART_CR1_TE | USART_CR1_UE;
	gConsoleReady = 1;
}

void stm32ConsoleWrite(const char *text, size_t length)
{
	if (!gConsoleReady)
		return;
	for (size_t i = 0; i < length; i++) {
		if (text[i] == '\n') {
			while (!(USART3_ISR & USART_ISR_TXE)) {
			}
			USART3_TDR = '\r';
		}
		while (!(USART3_ISR & USART_ISR_TXE)) {
		}
		USART3_TDR = (uint8_t)text[i];
	}
}

void stm32ConsolePrint(const char *text)
{
	size_t length = 0;
	while (text[length])
		length++;
	stm32ConsoleWrite(text, length);
}

void stm32ConsolePrintHex(const char *label, uint32_t value)
{
	char digits[11] = "0x";
	for (int i = 0; i < 8; i++)
		digits[2 + i] = "0123456789abcdef"[(value >> (28 - 4 * i)) & 0xFu];
	digits[10] = '\n';
	stm32ConsolePrint(label);
	stm32ConsoleWrite(digits, sizeof digits);
}

void stm32Halt(const char *why)
{
	__asm volatile("cpsid i" ::: "memory");
	stm32ConsolePrint(why);
	stm32ConsolePrint("\n");
	for (;;)
		__asm volatile("wfi");
}

void stm32SystemInit(void)
{
	SCB_SHCSR |= SCB_SHCSR_FAULTS_ENABLE;
	cycleCounterInit();
	consoleInit(16000000u); /* HSI, the reset clock; APB1 undivided */
	clockTreeInit();
	consoleInit(STM32_PCLK1_HZ);
	mpuInit();
	cachesInit();
	sysTickInit();
}
