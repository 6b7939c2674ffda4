/*
 * Reads and checks the configuration block (format in config_block.h). An erased sector
 * (all 0xFF), a torn write or a block longer than the sector reads as "no configuration".
 */
#include <string.h>
#include "config_block.h"

static uint32_t readWord(const uint8_t *at)
{
	return (uint32_t)at[0] | ((uint32_t)at[1] << 8) | ((uint32_t)at[2] << 16) | ((uint32_t)at[3] << 24);
}

static uint32_t fnv1a(const uint8_t *bytes, uint32_t length)
{
	uint32_t hash = 0x811C9DC5u;
	for (uint32_t i = 0; i < length; i++) {
		hash ^= bytes[i];
		hash *= 0x01000193u;
	}
	return hash;
}

int configBlockRead(const uint8_t *block, char *buffer, size_t size)
{
	if (readWord(block) != CONFIG_BLOCK_MAGIC)
		return -1;
	uint32_t length = readWord(block + 4);
	if (length > CONFIG_BLOCK_SECTOR_SIZE - CONFIG_BLOCK_HEADER || length + 1u > size)
		return -1;
	const uint8_t *text = block + CONFIG_BLOCK_HEADER;
	if (fnv1a(text, length) != readWord(block + 8))
		return -1;
	memcpy(buffer, text, length);
	buffer[length] = 0;
	return (int)length;
}
