/* bench_verify.c: `verify` throughput on a 784-128-10 MLP at float32
   points: rows per second, with the time of each step, and the cost of the
   rigorous enclosures (MATH.md 10) against a float32 and a float64
   gradient.  CPU time of the process, so the ratios hold on a shared
   machine; each step is timed over all rows, best of a few repetitions,
   after one call that allocates the workspaces.  Figures only. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <flint/flint.h>
#include <flint/fmpq.h>
#include "pathdiff.h"
#include "pathdiff/ad.h"
#include "pathdiff/verify.h"
#include "benchlib.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Denominator of the random weights (k / 256 or k / 255). */
static slong weight_den = 256;

/* Repetitions of each timed step (the best is kept). */
#define REPS 3

static void run(void)
{
    const slong sizes[] = { 784, 128, 10 };
    const slong nrows = 8;
    pd_prog_t P;
    pd_conv_t C;
    pd_tape_t T;
    pd_error_t err;
    flint_rand_t st;
    slong n = 784, r, k, rep, counts[5] = { 0, 0, 0, 0, 0 }, rounding = 0;
    fmpq *x, *g;
    float *xf, *gf, vf;
    double *xd, *gd, vd;
    double t0, t, t_rows = 1e300, t_float = 1e300, t_double = 1e300;
    double t_exact = 1e300, t_enc = 1e300, t_enc64 = 1e300;
    mpfr_ptr lo, hi;
    fmpq_t vq;

    flint_randinit(st);
    flint_randseed(st, 20240611, 7);
    pd_prog_init(P);
    pd_conv_init(C);
    pd_error_init(err);
    bench_build_mlp(P, sizes, 3, weight_den, st);
    if (pd_tape_init(T, P, C, err) != PD_OK) {
        printf("tape: %s\n", err->msg);
        return;
    }
    x = _fmpq_vec_init(n * nrows);
    g = _fmpq_vec_init(n * nrows);
    xf = flint_malloc(n * nrows * sizeof(float));
    gf = flint_malloc(n * sizeof(float));
    xd = flint_malloc(n * nrows * sizeof(double));
    gd = flint_malloc(n * sizeof(double));
    fmpq_init(vq);
    lo = flint_malloc(n * sizeof(__mpfr_struct));
    hi = flint_malloc(n * sizeof(__mpfr_struct));
    for (k = 0; k < n; k++) {
        mpfr_init2(lo + k, 24);
        mpfr_init2(hi + k, 24);
    }
    /* rows: float32 points in [-1, 1] and our float32 gradients there (a
       torch-identical output), as a verify data file would hold them */
    for (r = 0; r < nrows; r++) {
        for (k = 0; k < n; k++) {
            xf[r * n + k] = (float) ((double) n_randint(st, 1u << 30) / (1u << 29) - 1.0);
            xd[r * n + k] = xf[r * n + k];
            pd_fmpq_set_d_exact(x + r * n + k, xf[r * n + k]);
        }
        if (pd_ad_grad_f(&vf, gf, T, xf + r * n, err) != PD_OK)
            return;
        for (k = 0; k < n; k++)
            pd_fmpq_set_d_exact(g + r * n + k, gf[k]);
    }
    /* allocate every workspace once, outside the timings */
    {
        fmpq *gq = _fmpq_vec_init(n);
        int ok = pd_ad_grad_d(&vd, gd, T, xd, err) == PD_OK
              && pd_ad_grad_fmpq(vq, gq, T, x, err) == PD_OK
              && pd_ad_grad_enclose(lo, hi, T, PD_ARITH_FLOAT, x, err) == PD_OK
              && pd_ad_grad_enclose(lo, hi, T, PD_ARITH_DOUBLE, x, err) == PD_OK;
        _fmpq_vec_clear(gq, n);
        if (!ok)
            return;
    }

    /* the parts, each timed alone */
    for (rep = 0; rep < REPS; rep++) {
        t0 = now();
        for (r = 0; r < nrows; r++)
            if (pd_ad_grad_f(&vf, gf, T, xf + r * n, err) != PD_OK)
                return;
        t = now() - t0;
        t_float = FLINT_MIN(t_float, t);
        t0 = now();
        for (r = 0; r < nrows; r++)
            if (pd_ad_grad_d(&vd, gd, T, xd + r * n, err) != PD_OK)
                return;
        t = now() - t0;
        t_double = FLINT_MIN(t_double, t);
        t0 = now();
        for (r = 0; r < nrows; r++)
            if (pd_ad_grad_enclose(lo, hi, T, PD_ARITH_FLOAT, x + r * n, err) != PD_OK)
                return;
        t = now() - t0;
        t_enc = FLINT_MIN(t_enc, t);
        t0 = now();
        for (r = 0; r < nrows; r++)
            if (pd_ad_grad_enclose(lo, hi, T, PD_ARITH_DOUBLE, x + r * n, err) != PD_OK)
                return;
        t = now() - t0;
        t_enc64 = FLINT_MIN(t_enc64, t);
    }
    t0 = now();
    for (r = 0; r < nrows; r++) {
        fmpq *gq = _fmpq_vec_init(n);
        if (pd_ad_grad_fmpq(vq, gq, T, x + r * n, err) != PD_OK)
            return;
        _fmpq_vec_clear(gq, n);
    }
    t_exact = now() - t0;
    /* whole rows */
    for (rep = 0; rep < REPS; rep++) {
        slong cnt[5] = { 0, 0, 0, 0, 0 }, rnd = 0;
        t0 = now();
        for (r = 0; r < nrows; r++) {
            pd_verify_row_t R;
            pd_verify_row_init(R, n);
            if (pd_verify_row(R, T, x + r * n, g + r * n, PD_POINTS_FLOAT32, NULL, err) != PD_OK) {
                printf("verify: %s\n", err->msg);
                return;
            }
            cnt[R->verdict]++;
            rnd += R->rounding;
            pd_verify_row_clear(R);
        }
        t = now() - t0;
        t_rows = FLINT_MIN(t_rows, t);
        for (k = 0; k < 5; k++)
            counts[k] = cnt[k];
        rounding = rnd;
    }
    printf("verify on MLP 784-128-10 (%ld nodes), weights k/%ld, %ld float32 rows "
           "(CPU time, best of %d):\n",
           (long) P->len, (long) weight_den, (long) nrows, REPS);
    printf("  %.1f rows/s (%.2f ms a row); verdicts: gradient %ld, clarke %ld, "
           "spurious %ld, invalid %ld (%ld only up to rounding)\n",
           nrows / t_rows, 1e3 * t_rows / nrows, (long) counts[0], (long) counts[1],
           (long) counts[2], (long) counts[3], (long) rounding);
    printf("  per row: float32 gradient %.3f ms, float64 gradient %.3f ms, "
           "exact gradient %.2f ms\n", 1e3 * t_float / nrows,
           1e3 * t_double / nrows, 1e3 * t_exact / nrows);
    printf("  per row: float32 enclosure %.3f ms (%.1fx the float32 gradient), "
           "float64 enclosure %.3f ms (%.1fx the float64 gradient)\n",
           1e3 * t_enc / nrows, t_enc / t_float, 1e3 * t_enc64 / nrows,
           t_enc64 / t_double);
    for (k = 0; k < n; k++) {
        mpfr_clear(lo + k);
        mpfr_clear(hi + k);
    }
    flint_free(lo);
    flint_free(hi);
    fmpq_clear(vq);
    flint_free(xf);
    flint_free(gf);
    flint_free(xd);
    flint_free(gd);
    _fmpq_vec_clear(x, n * nrows);
    _fmpq_vec_clear(g, n * nrows);
    pd_tape_clear(T);
    pd_conv_clear(C);
    pd_prog_clear(P);
    flint_randclear(st);
}

int main(void)
{
    /* dyadic weights: float32 gradients are exact, no enclosure needed */
    weight_den = 256;
    run();
    /* weights k/255: float32 gradients differ from the exact ones by
       rounding, every row goes through the enclosure */
    weight_den = 255;
    run();
    flint_cleanup();
    return 0;
}
