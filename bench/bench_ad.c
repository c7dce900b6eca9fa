/* bench_ad.c: numeric AD speed on MLPs: double gradient / double value, and
   exact gradient at a float32 point / double gradient.  Figures only. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <flint/flint.h>
#include <flint/fmpq.h>
#include "pathdiff.h"
#include "pathdiff/ad.h"
#include "benchlib.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Seconds per call of f, repeated for at least 0.3 s. */
#define TIMEIT(res, stmt)                                                   \
    do {                                                                    \
        double t0_ = now(), t1_;                                            \
        long n_ = 0;                                                        \
        do {                                                                \
            stmt;                                                           \
            n_++;                                                           \
            t1_ = now();                                                    \
        } while (t1_ - t0_ < 0.3);                                          \
        (res) = (t1_ - t0_) / n_;                                           \
    } while (0)

static void run(const char *label, const slong *sizes, slong nlayers)
{
    pd_prog_t P;
    pd_conv_t C;
    pd_tape_t T;
    pd_error_t err;
    flint_rand_t st;
    slong n = sizes[0], k;
    double *xd, *gd, vd, t_eval, t_grad, t_exact, t_tape;
    float *xf, *gf, vf, t_gradf;
    fmpq *xq, *gq;
    fmpq_t vq;
    int rc = PD_OK;

    flint_randinit(st);
    flint_randseed(st, 20240611, 7);
    pd_prog_init(P);
    pd_conv_init(C);
    pd_error_init(err);
    bench_build_mlp(P, sizes, nlayers, 256, st);
    xd = flint_malloc(n * sizeof(double));
    gd = flint_malloc(n * sizeof(double));
    xf = flint_malloc(n * sizeof(float));
    gf = flint_malloc(n * sizeof(float));
    xq = _fmpq_vec_init(n);
    gq = _fmpq_vec_init(n);
    fmpq_init(vq);
    for (k = 0; k < n; k++) {
        /* a float32 point in [-1, 1] */
        xf[k] = (float) ((double) n_randint(st, 1u << 30) / (1u << 29) - 1.0);
        xd[k] = xf[k];
        pd_fmpq_set_d_exact(xq + k, xd[k]);
    }
    {
        double t0 = now();
        if (pd_tape_init(T, P, C, err) != PD_OK) {
            printf("tape: %s\n", err->msg);
            return;
        }
        t_tape = now() - t0;
    }
    TIMEIT(t_eval, rc |= pd_ad_eval_d(&vd, T, xd, err));
    TIMEIT(t_grad, rc |= pd_ad_grad_d(&vd, gd, T, xd, err));
    TIMEIT(t_gradf, rc |= pd_ad_grad_f(&vf, gf, T, xf, err));
    TIMEIT(t_exact, rc |= pd_ad_grad_fmpq(vq, gq, T, xq, err));
    if (rc != PD_OK)
        printf("AD failed: %s\n", err->msg);
    printf("%s: %ld nodes, tape built in %.1f ms\n", label, (long) P->len,
           1e3 * t_tape);
    printf("  double value      %10.1f us\n", 1e6 * t_eval);
    printf("  double gradient   %10.1f us   ratio to value  %5.2f  (target <= 3)\n",
           1e6 * t_grad, t_grad / t_eval);
    printf("  float gradient    %10.1f us\n", 1e6 * t_gradf);
    printf("  exact gradient    %10.1f us   ratio to double %5.1f  (target <= 30)\n",
           1e6 * t_exact, t_exact / t_grad);
    pd_tape_clear(T);
    _fmpq_vec_clear(xq, n);
    _fmpq_vec_clear(gq, n);
    fmpq_clear(vq);
    flint_free(xd);
    flint_free(gd);
    flint_free(xf);
    flint_free(gf);
    pd_conv_clear(C);
    pd_prog_clear(P);
    flint_randclear(st);
}

int main(void)
{
    const slong small[] = { 2, 64, 64, 1 };
    const slong mnist[] = { 784, 128, 10 };
    run("MLP 2-64-64-1", small, 4);
    run("MLP 784-128-10", mnist, 3);
    flint_cleanup();
    return 0;
}
