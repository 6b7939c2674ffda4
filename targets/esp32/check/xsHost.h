/* Compile-check stand-in for Moddable's xs/platforms/esp/xsHost.h: only what
   ethernet_esp32.c uses (the message post to the VM's thread). */
#pragma once
#include <stdint.h>

typedef struct xsMachineRecord xsMachine;

typedef void (*modMessageDeliver)(void* the, void* refcon, uint8_t* message, uint16_t messageLength);

int modMessagePostToMachine(xsMachine* the, uint8_t* message, uint16_t messageLength, modMessageDeliver callback, void* refcon);
