/* Compile-check stand-in for FreeRTOS task.h (ESP-IDF): only what ethernet_esp32.c uses. */
#pragma once
#include "freertos/FreeRTOS.h"

void vTaskDelay(const TickType_t xTicksToDelay);
