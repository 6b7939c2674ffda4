/*
 * GPIO alternate-function set-up shared by the console (USART3) and the Ethernet RMII
 * pins: push-pull, very high speed, no pull, the function number in AFRL/AFRH.
 */
#include "stm32f7_regs.h"
#include "stm32_board.h"

void stm32GpioAlternate(uint32_t port, uint32_t pin, uint32_t function)
{
	uint32_t twoBits = 3u << (2u * pin);
	GPIO_MODER(port) = (GPIO_MODER(port) & ~twoBits) | (GPIO_MODE_ALTERNATE << (2u * pin));
	GPIO_OSPEEDR(port) = (GPIO_OSPEEDR(port) & ~twoBits) | (GPIO_SPEED_VERY_HIGH << (2u * pin));
	GPIO_OTYPER(port) &= ~STM32_BIT(pin);
	GPIO_PUPDR(port) &= ~twoBits;
	uint32_t nibble = 4u * (pin & 7u);
	GPIO_AFR(port, pin >> 3) = (GPIO_AFR(port, pin >> 3) & ~(0xFu << nibble)) | (function << nibble);
}
