/* test_permissions.c — the two permission tables of muc.lib.lua:
 * set_affiliation's ladder and may_set_role. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "muc/muc_internal.h"

#define O AFF_OWNER
#define A AFF_ADMIN
#define M AFF_MEMBER
#define N AFF_NONE
#define X AFF_OUTCAST

static const struct {
	muc_affiliation_change c;
	const char *want;          /* NULL: allowed */
} affiliation_cases[] = {
	/* Owners may do anything to anyone... */
	{{O, N, O, false, false}, NULL},
	{{O, O, N, false, true}, NULL},
	{{O, A, X, false, true}, NULL},
	{{O, M, A, false, false}, NULL},
	/* ...but the last owner cannot step down, another owner can. */
	{{O, O, A, true, false}, "conflict"},
	{{O, O, N, true, false}, "conflict"},
	{{O, O, X, true, false}, "conflict"},
	{{O, O, A, true, true}, NULL},
	{{O, O, O, true, false}, NULL},  /* no downgrade */
	/* Admins move people between outcast, none and member only. */
	{{A, N, M, false, false}, NULL},
	{{A, M, X, false, false}, NULL},
	{{A, X, N, false, false}, NULL},
	{{A, N, A, false, false}, "not-allowed"},
	{{A, N, O, false, false}, "not-allowed"},
	{{A, A, N, false, false}, "not-allowed"},
	{{A, O, X, false, false}, "not-allowed"},
	{{A, A, M, true, false}, "not-allowed"},  /* not even themselves */
	/* Nobody else changes affiliations. */
	{{M, N, M, false, false}, "not-allowed"},
	{{M, N, X, false, false}, "not-allowed"},
	{{N, N, M, false, false}, "not-allowed"},
	{{X, N, N, false, false}, "not-allowed"},
};

static void test_affiliation_ladder(void **state)
{
	for (size_t i = 0; i < sizeof affiliation_cases / sizeof *affiliation_cases; i++) {
		const char *got = muc_affiliation_refusal(&affiliation_cases[i].c);
		const char *want = affiliation_cases[i].want;
		if ((got == NULL) != (want == NULL) || (got && strcmp(got, want) != 0))
			fail_msg("affiliation case %zu: want %s, got %s", i,
					want ? want : "allowed", got ? got : "allowed");
	}
}

#define MOD ROLE_MODERATOR
#define PAR ROLE_PARTICIPANT
#define VIS ROLE_VISITOR
#define NON ROLE_NONE

static const struct {
	muc_role_change c;
	const char *want;
} role_cases[] = {
	/* actor aff, target aff, actor role, from, to */
	{{N, N, MOD, PAR, NON}, NULL},          /* a moderator kicks a participant */
	{{N, N, MOD, PAR, VIS}, NULL},          /* revokes voice */
	{{N, N, MOD, VIS, PAR}, NULL},          /* grants voice */
	{{M, N, MOD, PAR, NON}, NULL},
	{{N, M, MOD, PAR, NON}, "not-allowed"}, /* higher affiliation */
	{{A, O, MOD, MOD, NON}, "not-allowed"},
	{{A, A, MOD, MOD, PAR}, NULL},          /* admins revoke admins (#1724) */
	{{O, A, MOD, MOD, NON}, NULL},
	{{N, N, MOD, PAR, MOD}, "not-allowed"}, /* moderator rights need admin */
	{{M, M, MOD, MOD, PAR}, "not-allowed"},
	{{A, N, MOD, PAR, MOD}, NULL},
	{{O, N, MOD, PAR, MOD}, NULL},
	{{N, N, PAR, PAR, NON}, "not-allowed"}, /* the actor must moderate */
	{{O, N, NON, PAR, NON}, "not-allowed"}, /* and be in the room */
	{{O, N, VIS, PAR, VIS}, "not-allowed"},
};

static void test_role_rules(void **state)
{
	for (size_t i = 0; i < sizeof role_cases / sizeof *role_cases; i++) {
		const char *got = muc_role_refusal(&role_cases[i].c);
		const char *want = role_cases[i].want;
		if ((got == NULL) != (want == NULL) || (got && strcmp(got, want) != 0))
			fail_msg("role case %zu: want %s, got %s", i,
					want ? want : "allowed", got ? got : "allowed");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_affiliation_ladder),
		cmocka_unit_test(test_role_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
