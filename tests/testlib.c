/* testlib.c: seed, multiplier and runner shared by the Check suites. */
#include "testlib.h"
#include <stdio.h>
#include <stdlib.h>
#include <mpfr.h>

ulong pd_test_seed = 20261129;
slong pd_test_mult = 1;

void pd_test_init(void)
{
    const char *s = getenv("PD_TEST_SEED");
    const char *m = getenv("PD_TEST_MULT");
    if (s != NULL && *s != '\0')
        pd_test_seed = strtoul(s, NULL, 10);
    if (m != NULL && *m != '\0')
        pd_test_mult = FLINT_MAX(1, strtol(m, NULL, 10));
    printf("PD_TEST_SEED=%lu PD_TEST_MULT=%ld\n", (unsigned long) pd_test_seed,
           (long) pd_test_mult);
    fflush(stdout);
}

void pd_test_randinit(flint_rand_t state, ulong salt)
{
    flint_randinit(state);
    flint_randseed(state, pd_test_seed ^ (salt * UWORD(0x9E3779B97F4A7C15)),
                   pd_test_seed + salt + 1);
}

const char *pd_test_srcdir(void)
{
    const char *d = getenv("PD_SRCDIR");
    return (d != NULL && *d != '\0') ? d : ".";
}

int pd_test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    flint_cleanup_master();
    mpfr_free_cache();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

void pd_test_fmpq_set_str(fmpq_t q, const char *s)
{
    if (fmpq_set_str(q, s, 10) != 0 || fmpz_is_zero(fmpq_denref(q)))
        ck_abort_msg("bad rational in test: %s", s);
    fmpq_canonicalise(q);
}
