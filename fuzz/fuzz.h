/* fuzz.h — the entry point every fuzz target defines.
 *
 * Declared here so targets compile under -Wmissing-prototypes, and so
 * standalone.c, which calls it, agrees with them on its type.  A target
 * must not keep state between calls: each input starts from nothing.
 */
#ifndef MUCSIM_FUZZ_H
#define MUCSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Run one input; returns 0 (libFuzzer reserves other values).  A finding
 * ends in abort() after printing its diagnosis, so every engine records
 * the input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Once per process, before the first input (init.c): allocator policy
 * only, no simulated state.  Returns 0. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
