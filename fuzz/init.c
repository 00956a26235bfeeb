/* init.c — process set-up shared by every fuzz target.
 *
 * Each input builds a world in a fresh arena and frees it.  glibc would
 * give the freed chunks back to the kernel at once and fault them in
 * again on the next input, which cost a fifth of the scenario fuzzer's
 * time; keeping freed memory in the process avoids that.  This is the
 * process's allocator policy, not state carried between inputs.
 */
#include "fuzz.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
#ifdef __GLIBC__
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
	return 0;
}
