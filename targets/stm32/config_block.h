/*
 * The configuration block of the Nucleo-F767ZI image. A board has no host to pass a
 * command line (QEMU's semihosting does that for mps2-an500), so the configuration line
 * lives in its own flash sector (sector 1, 0x08008000, 32 KB): the image carries a default
 * block, and a new one can be written to that sector alone without reflashing the code.
 * build.mjs writes both (the C array linked in, and a .bin for a flash tool).
 *
 * Layout, little-endian: magic "xcfg", text length, FNV-1a 32 of the text, the text
 * (a command line whose first word is the program name, like argv).
 */
#ifndef XSTCP_STM32_CONFIG_BLOCK_H
#define XSTCP_STM32_CONFIG_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#define CONFIG_BLOCK_MAGIC 0x67666378u /* "xcfg" */
#define CONFIG_BLOCK_HEADER 12u
#define CONFIG_BLOCK_SECTOR_SIZE 32768u

/* The text into buffer, NUL-terminated: its length, or -1 (erased, damaged, too long). */
int configBlockRead(const uint8_t *block, char *buffer, size_t size);

#endif /* XSTCP_STM32_CONFIG_BLOCK_H */
