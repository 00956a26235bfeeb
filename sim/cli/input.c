/* input.c — reading and writing fuzz inputs for the commands that take
 * them (replay, minimize). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

uint8_t *cli_read_input(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "mucsim: %s: cannot open\n", path);
		return NULL;
	}
	uint8_t *data = malloc(CLI_MAX_INPUT);
	if (!data)
		abort();
	*len = fread(data, 1, CLI_MAX_INPUT, f);
	bool too_big = fgetc(f) != EOF;
	fclose(f);
	if (too_big) {
		fprintf(stderr, "mucsim: %s: larger than %d bytes\n", path, CLI_MAX_INPUT);
		free(data);
		return NULL;
	}
	return data;
}

bool cli_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool written = f && fwrite(data, 1, len, f) == len;
	if (f && fclose(f) != 0)
		written = false;
	if (!written)
		fprintf(stderr, "mucsim: %s: cannot write\n", path);
	return written;
}
