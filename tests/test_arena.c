/* test_arena.c — the region allocator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"

static void test_alloc_is_zeroed_and_aligned(void **state)
{
	arena *a = arena_new();
	for (size_t n = 1; n < 5000; n += 37) {
		unsigned char *p = arena_alloc(a, n);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(p[i], 0);
		memset(p, 0xab, n);
	}
	arena_free(a);
}

static void test_large_allocations_keep_working_chunk(void **state)
{
	arena *a = arena_new();
	char *small1 = arena_strdup(a, "before");
	char *big = arena_alloc(a, 1 << 20);
	memset(big, 1, 1 << 20);
	char *small2 = arena_strdup(a, "after");
	assert_string_equal(small1, "before");
	assert_string_equal(small2, "after");
	assert_true(arena_bytes(a) >= (1 << 20));
	arena_free(a);
}

static void test_strings(void **state)
{
	arena *a = arena_new();
	assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
	assert_string_equal(arena_printf(a, "%s-%d", "x", 42), "x-42");
	assert_string_equal(arena_printf(a, "%s", ""), "");
	char *s = arena_strdup(a, "");
	assert_string_equal(s, "");
	arena_free(a);
}

static void test_free_null(void **state)
{
	arena_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_is_zeroed_and_aligned),
		cmocka_unit_test(test_large_allocations_keep_working_chunk),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_free_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
