/* testlib.h: shared helpers for the Check suites: the seed, the iteration
   multiplier, building small programs without the parser. */
#ifndef PD_TESTLIB_H
#define PD_TESTLIB_H

#include <check.h>
#include <flint/flint.h>
#include <flint/fmpq.h>
#include "pathdiff.h"

/* The seed for randomized tests: PD_TEST_SEED if set, else a fixed default.
   pd_test_init prints it once so a failure can be replayed. */
extern ulong pd_test_seed;
/* Iteration multiplier: PD_TEST_MULT (default 1). */
extern slong pd_test_mult;
void pd_test_init(void);

/* Seed a flint_rand_t from pd_test_seed and a per-test salt, so each test
   is reproducible on its own (Check may fork each test). */
void pd_test_randinit(flint_rand_t state, ulong salt);

/* Directory of the source tree (PD_SRCDIR, default "."), for cases/. */
const char *pd_test_srcdir(void);

/* Run the suite the Check way, honouring CK_* variables; returns the
   process exit status, and releases FLINT/MPFR caches. */
int pd_test_run(Suite *s);

/* ck_assert for fmpq equality with a readable message. */
#define pd_assert_fmpq_eq(a, b)                                              \
    do {                                                                     \
        if (!fmpq_equal((a), (b))) {                                         \
            char *sa_ = fmpq_get_str(NULL, 10, (a));                         \
            char *sb_ = fmpq_get_str(NULL, 10, (b));                         \
            ck_abort_msg("%s == %s failed: %s != %s", #a, #b, sa_, sb_);     \
        }                                                                    \
    } while (0)

/* Set q from "p/q" text; aborts the test on bad text. */
void pd_test_fmpq_set_str(fmpq_t q, const char *s);

#endif
