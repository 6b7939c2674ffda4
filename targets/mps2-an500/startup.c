/*
 * Start-up of the Cortex-M7 on the MPS2 AN500 board: the vector table, the reset handler
 * (copy .data, clear .bss, turn on the FPU, run constructors, call main) and a fault
 * handler that says which fault ended the firmware.
 */
#include <stdint.h>
#include <string.h>
#include "fw_board.h"

extern uint32_t __data_start, __data_end, __data_load, __bss_start, __bss_end, __stack_top;
extern int main(void);
extern void __libc_init_array(void);
void SysTick_Handler(void);
void Ethernet_IRQHandler(void);
void Uart0_IRQHandler(void);

#define SCB_CPACR (*(volatile uint32_t*)0xE000ED88)
#define SCB_CFSR (*(volatile uint32_t*)0xE000ED28)
#define SCB_HFSR (*(volatile uint32_t*)0xE000ED2C)
#define SCB_MMFAR (*(volatile uint32_t*)0xE000ED34)
#define SCB_BFAR (*(volatile uint32_t*)0xE000ED38)
#define SCB_SHCSR (*(volatile uint32_t*)0xE000ED24)
#define MPU_CTRL (*(volatile uint32_t*)0xE000ED94)
#define MPU_RNR (*(volatile uint32_t*)0xE000ED98)
#define MPU_RBAR (*(volatile uint32_t*)0xE000ED9C)
#define MPU_RASR (*(volatile uint32_t*)0xE000EDA0)

/*
 * The code SRAM (vector table, code, constants) is writable on this board; a write
 * through a null or wild pointer would silently corrupt the vector table. The MPU makes
 * those 4 MB read-only (everything else keeps the default map), so such a write is a
 * MemManage fault that Fault_Handler reports.
 */
static void protectCode(void)
{
	MPU_RNR = 0;
	MPU_RBAR = 0x00000000u;
	/* AP=110 read-only, normal write-back memory (C, B), size 2^(21+1) = 4 MB, enabled. */
	MPU_RASR = (6u << 24) | (1u << 17) | (1u << 16) | (21u << 1) | 1u;
	MPU_CTRL = 5u; /* enabled, default map for the rest */
	SCB_SHCSR |= (1u << 16) | (1u << 17) | (1u << 18); /* MemManage, BusFault, UsageFault handlers */
	__asm volatile ("dsb\n isb");
}

void Reset_Handler(void)
{
	memcpy(&__data_start, &__data_load, (size_t)((char*)&__data_end - (char*)&__data_start));
	memset(&__bss_start, 0, (size_t)((char*)&__bss_end - (char*)&__bss_start));
	/* CP10 and CP11 full access: XS computes with doubles on the FPU. */
	SCB_CPACR |= (0xFu << 20);
	__asm volatile ("dsb\n isb");
	protectCode();
	__libc_init_array();
	fwExit(main());
}

static void hex(char* out, uint32_t value)
{
	for (int i = 7; i >= 0; i--, value >>= 4)
		out[i] = "0123456789abcdef"[value & 15];
}

/* Any fault: one console line with the fault status registers and the faulting pc, then exit 1. */
void faultReport(const uint32_t* frame)
{
	char line[] = "xstcp: fault: CFSR xxxxxxxx HFSR xxxxxxxx BFAR xxxxxxxx MMFAR xxxxxxxx pc xxxxxxxx lr xxxxxxxx\n";
	hex(line + 19, SCB_CFSR);
	hex(line + 33, SCB_HFSR);
	hex(line + 47, SCB_BFAR);
	hex(line + 62, SCB_MMFAR);
	hex(line + 74, frame[6]);
	hex(line + 86, frame[5]);
	fwConsoleWrite(line, sizeof(line) - 1);
	fwExit(1);
}

/* Naked, so that the stack pointer read is the exception frame's, before any prologue. */
__attribute__((naked)) void Fault_Handler(void)
{
	__asm volatile ("tst lr, #4\n ite eq\n mrseq r0, msp\n mrsne r0, psp\n b faultReport");
}

static void Default_Handler(void)
{
	Fault_Handler();
}

typedef void (*Vector)(void);

/* 16 system exceptions, then the board's 32 interrupts (UART0 is 0, Ethernet 13). */
__attribute__((section(".vectors"), used)) static const Vector vectors[16 + 32] = {
	(Vector)&__stack_top,
	Reset_Handler,
	Fault_Handler, /* NMI */
	Fault_Handler, /* HardFault */
	Fault_Handler, /* MemManage */
	Fault_Handler, /* BusFault */
	Fault_Handler, /* UsageFault */
	0, 0, 0, 0,
	Default_Handler, /* SVCall */
	Default_Handler, /* DebugMonitor */
	0,
	Default_Handler, /* PendSV */
	SysTick_Handler,
	[16 ... 16 + 31] = Default_Handler,
	[16 + 0] = Uart0_IRQHandler,
	[16 + 13] = Ethernet_IRQHandler,
};
