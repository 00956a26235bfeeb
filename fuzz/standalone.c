/* standalone.c — main() for builds without a fuzzing engine.
 *
 * Runs LLVMFuzzerTestOneInput once on each file named on the command line,
 * like OSS-Fuzz's StandaloneFuzzTargetMain.c, so that any compiler and any
 * sanitizer can replay the checked-in corpus (ctest does, see
 * tests/CMakeLists.txt).  A finding aborts, as under libFuzzer.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

/* The whole file in a block of exactly its size, as libFuzzer hands
 * inputs over, so that AddressSanitizer sees a read past the end. */
static uint8_t *read_input(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	uint8_t *data = NULL;
	long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
	if (size >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		data = malloc(size ? (size_t)size : 1);
		if (!data)
			abort();
		*len = fread(data, 1, (size_t)size, f);
		if (*len != (size_t)size || ferror(f)) {
			free(data);
			data = NULL;
		}
	}
	fclose(f);
	return data;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE...\n"
				"Runs the fuzz target once on each input file.\n", argv[0]);
		return 2;
	}
	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		size_t len;
		uint8_t *data = read_input(argv[i], &len);
		if (!data) {
			fprintf(stderr, "%s: cannot read %s\n", argv[0], argv[i]);
			return 1;
		}
		fprintf(stderr, "Running: %s (%zu bytes)\n", argv[i], len);
		LLVMFuzzerTestOneInput(data, len);
		free(data);
	}
	fprintf(stderr, "Executed %d inputs\n", argc - 1);
	return 0;
}
