/*
 * Reset and the vector table of the Nucleo-F767ZI image. Reset enables the FPU (the image is
 * built for the hard-float ABI, so nothing else may run first), copies .data from flash,
 * zeroes .bss, brings the chip up (stm32_system.c), runs the constructors and
 * enters main(). Faults report their status registers and the faulting pc on the console;
 * every other exception without a handler of its own reports its number; both halt.
 */
#include <stdint.h>
#include "stm32f7_regs.h"
#include "stm32_board.h"

extern uint32_t __xstcp_stack_top;
extern uint32_t __xstcp_data_load, __xstcp_data_start, __xstcp_data_end;
extern uint32_t __xstcp_bss_start, __xstcp_bss_end;
extern void (*const __preinit_array_start[])(void), (*const __preinit_array_end[])(void);
extern void (*const __init_array_start[])(void), (*const __init_array_end[])(void);
extern int main(void);

void Reset_Handler(void) __attribute__((noreturn));
void Default_Handler(void);
void HardFault_Handler(void);
void faultReport(const uint32_t *frame);
void SysTick_Handler(void);
void ETH_IRQHandler(void);
void USART3_IRQHandler(void);

typedef void (*VectorEntry)(void);

/* 16 system exceptions + the part's interrupts; unnamed slots take the default handler. */
#define VECTOR_COUNT (16 + STM32_IRQ_COUNT)
#define SYSTEM_VECTORS(fault, other) \
	[2] = other, [3] = fault, [4] = fault, [5] = fault, [6] = fault, [11] = other, \
	[12] = other, [14] = other
#define RANGE_ALL [16 ... (VECTOR_COUNT - 1)] = Default_Handler

/* The catch-all range is overridden by the named slots below it, on purpose. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
__attribute__((section(".xstcp_vectors"), used))
const VectorEntry gStm32Vectors[VECTOR_COUNT] = {
	[0] = (VectorEntry)&__xstcp_stack_top,
	[1] = Reset_Handler,
	SYSTEM_VECTORS(HardFault_Handler, Default_Handler),
	[15] = SysTick_Handler,
	RANGE_ALL,
	[16 + STM32_IRQ_USART3] = USART3_IRQHandler,
	[16 + STM32_IRQ_ETH] = ETH_IRQHandler,
};
#pragma GCC diagnostic pop

void Reset_Handler(void)
{
	/* CP10/CP11 full access before the first floating-point instruction. */
	SCB_CPACR |= 0xFu << 20;
	__asm volatile("dsb\n\tisb" ::: "memory");

	const uint32_t *from = &__xstcp_data_load;
	for (uint32_t *to = &__xstcp_data_start; to < &__xstcp_data_end;)
		*to++ = *from++;
	for (uint32_t *to = &__xstcp_bss_start; to < &__xstcp_bss_end;)
		*to++ = 0;

	stm32SystemInit();
	/* Constructors, as newlib's __libc_init_array would run them (without crti's _init). */
	for (void (*const *f)(void) = __preinit_array_start; f < __preinit_array_end; f++)
		(*f)();
	for (void (*const *f)(void) = __init_array_start; f < __init_array_end; f++)
		(*f)();
	main();
	stm32Halt("main returned");
}

/* Which exception: the active vector number is in IPSR. */
static uint32_t activeException(void)
{
	uint32_t ipsr;
	__asm volatile("mrs %0, ipsr" : "=r"(ipsr));
	return ipsr & 0x1FFu;
}

void Default_Handler(void)
{
	stm32ConsolePrintHex("unexpected exception ", activeException());
	stm32Halt("halted");
}

/* Hard, memory-management, bus and usage faults: the status registers and the faulting pc. */
void faultReport(const uint32_t *frame)
{
	stm32ConsolePrintHex("fault: exception ", activeException());
	stm32ConsolePrintHex("CFSR ", SCB_CFSR);
	stm32ConsolePrintHex("HFSR ", SCB_HFSR);
	stm32ConsolePrintHex("BFAR ", SCB_BFAR);
	stm32ConsolePrintHex("MMFAR ", SCB_MMFAR);
	stm32ConsolePrintHex("pc ", frame[6]);
	stm32ConsolePrintHex("lr ", frame[5]);
	stm32Halt("halted");
}

/* The stacked frame is on whichever stack was in use: bit 2 of EXC_RETURN says which. */
__attribute__((naked)) void HardFault_Handler(void)
{
	__asm volatile(
		"tst lr, #4\n\t"
		"ite eq\n\t"
		"mrseq r0, msp\n\t"
		"mrsne r0, psp\n\t"
		"b faultReport\n\t");
}
