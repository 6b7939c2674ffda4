/*
 * What the pieces of the Nucleo-F767ZI image share with each other: chip bring-up, the
 * millisecond tick, the USART3 console and the stop-on-error path. The firmware core sees the
 * board only through its own board interface, implemented on top of these in stm32_board.c.
 */
#ifndef XSTCP_STM32_BOARD_H
#define XSTCP_STM32_BOARD_H

#include <stddef.h>
#include <stdint.h>

/* Clock tree: HSE bypass 8 MHz (the ST-LINK's MCO) -> PLL -> 216 MHz; APB1 54 MHz, APB2 108 MHz. */
#define STM32_HSE_HZ 8000000u
#define STM32_SYSCLK_HZ 216000000u
#define STM32_PCLK1_HZ (STM32_SYSCLK_HZ / 4u)
#define STM32_CONSOLE_BAUD 115200u

/* Clocks, over-drive, flash wait states, caches, MPU, SysTick and the console. */
void stm32SystemInit(void);
uint32_t stm32Milliseconds(void);
void stm32ConsoleWrite(const char *text, size_t length);
void stm32ConsolePrint(const char *text);
void stm32ConsolePrintHex(const char *label, uint32_t value);
void stm32GpioAlternate(uint32_t port, uint32_t pin, uint32_t function);
void stm32Halt(const char *why) __attribute__((noreturn));

/*
 * Bounded busy-wait on the cycle counter: 1 once (*reg & mask) == expected, 0 after about
 * `milliseconds`. Usable before SysTick runs and with interrupts masked.
 */
int stm32WaitRegister(volatile uint32_t *reg, uint32_t mask, uint32_t expected, uint32_t milliseconds);
void stm32DelayMilliseconds(uint32_t milliseconds);

#endif /* XSTCP_STM32_BOARD_H */
