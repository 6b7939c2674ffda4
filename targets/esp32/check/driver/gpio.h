/* Compile-check stand-in for ESP-IDF's driver/gpio.h: only what ethernet_esp32.c uses. */
#pragma once
#include <stdint.h>
#include "esp_err.h"

typedef enum {
	GPIO_NUM_NC = -1,
	GPIO_NUM_0 = 0,
	GPIO_NUM_39 = 39,
	GPIO_NUM_MAX,
} gpio_num_t;

typedef enum {
	GPIO_MODE_DISABLE = 0,
	GPIO_MODE_INPUT = 1,
	GPIO_MODE_OUTPUT = 2,
} gpio_mode_t;

esp_err_t gpio_reset_pin(gpio_num_t gpio_num);
esp_err_t gpio_set_direction(gpio_num_t gpio_num, gpio_mode_t mode);
esp_err_t gpio_set_level(gpio_num_t gpio_num, uint32_t level);
