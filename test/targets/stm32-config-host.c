/*
 * Host side of test/targets/stm32-config.test.ts: the firmware's config block reader
 * (targets/stm32/config_block.c) over a copy of flash sector 1. The sector starts erased
 * (0xFF), the file given is written at its start, as a flash tool would.
 *
 *   stm32-config-host FILE [BUFFER-SIZE]  -> prints "length TEXT" or "-1"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config_block.h"

static uint8_t gSector[CONFIG_BLOCK_SECTOR_SIZE];

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	memset(gSector, 0xFF, sizeof gSector);
	FILE *file = fopen(argv[1], "rb");
	if (!file)
		return 2;
	size_t n = fread(gSector, 1, sizeof gSector, file);
	(void)n;
	fclose(file);
	size_t size = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 1024;
	char *buffer = malloc(size ? size : 1);
	int length = configBlockRead(gSector, buffer, size);
	if (length < 0)
		printf("-1\n");
	else
		printf("%d %s\n", length, buffer);
	free(buffer);
	return 0;
}
