/* bench_clarke.c: Clarke at k independent ties of a ReLU layer in R^4,
   output-sensitive enumeration against naive 2^k enumeration. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <flint/flint.h>
#include <flint/fmpq.h>
#include <flint/fmpq_mat.h>
#include "pathdiff.h"
#include "pathdiff/exact.h"
#include "pathdiff/local.h"
#include "pathdiff/sets.h"
#include "pathdiff/subdiff.h"

#define DIM 4

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static slong add(pd_prog_t P, pd_op_t op, slong a, slong b, pd_error_t err)
{
    slong args[2] = {a, b};
    return pd_prog_add_node(P, op, b < 0 ? 1 : 2, args, NULL, NULL, 0, 0, 0, err);
}

/* o = sum_i c_i relu(w_i . x), the w_i fixed pseudo-random small integers
   (no zero entries: every hyperplane passes through x = 0, all tied);
   W receives the rows. */
static void build(pd_prog_t P, fmpq_mat_t W, slong k, pd_error_t err)
{
    slong in[DIM], i, j, acc = -1;
    ulong s = 12345;
    char nm[4] = "x1";
    fmpq_t c;
    fmpq_init(c);
    for (j = 0; j < DIM; j++) {
        nm[1] = (char) ('1' + j);
        in[j] = pd_prog_add_input(P, nm, 0, 0, err);
    }
    for (i = 0; i < k; i++) {
        slong pre = -1, h, t;
        for (j = 0; j < DIM; j++) {
            slong w;
            s = s * 6364136223846793005UL + 1442695040888963407UL;
            w = (slong) ((s >> 33) % 7) - 3;
            if (w == 0)
                w = 1 + (slong) ((s >> 40) % 3);
            fmpq_set_si(fmpq_mat_entry(W, i, j), w, 1);
            fmpq_set_si(c, w, 1);
            t = add(P, PD_OP_MUL, pd_prog_add_const(P, c, 0, 0, err), in[j], err);
            pre = pre < 0 ? t : add(P, PD_OP_ADD, pre, t, err);
        }
        h = add(P, PD_OP_RELU, pre, -1, err);
        fmpq_set_si(c, 1 + i % 5, 1);
        h = add(P, PD_OP_MUL, pd_prog_add_const(P, c, 0, 0, err), h, err);
        acc = acc < 0 ? h : add(P, PD_OP_ADD, acc, h, err);
    }
    pd_prog_set_output(P, acc);
    fmpq_clear(c);
}

/* Naive: every one of the 2^k sign patterns, one open-cone LP each (the
   cheapest exact test of a pattern of affine guards).  Returns the number
   of non-empty regions, or -1 when stopped at the time cap. */
static slong naive(const fmpq_mat_t W, slong k, double cap, double *elapsed,
                   ulong *done)
{
    ulong s, total = UWORD(1) << k;
    slong regions = 0, i, j;
    double t0 = now();
    pd_error_t err;
    fmpq_mat_t A;
    pd_error_init(err);
    fmpq_mat_init(A, k, DIM);
    for (s = 0; s < total; s++) {
        int ne;
        for (i = 0; i < k; i++)
            for (j = 0; j < DIM; j++) {
                fmpq_set(fmpq_mat_entry(A, i, j), fmpq_mat_entry(W, i, j));
                if (!((s >> i) & 1))
                    fmpq_neg(fmpq_mat_entry(A, i, j), fmpq_mat_entry(A, i, j));
            }
        if (pd_cone_open(&ne, NULL, NULL, A, err) != PD_OK)
            abort();
        regions += ne;
        if ((s & 63) == 63 && now() - t0 > cap) {
            *elapsed = now() - t0;
            *done = s + 1;
            fmpq_mat_clear(A);
            return -1;
        }
    }
    *elapsed = now() - t0;
    *done = total;
    fmpq_mat_clear(A);
    return regions;
}

int main(int argc, char **argv)
{
    slong k, kmax = argc > 1 ? atol(argv[1]) : 24;
    double cap = argc > 2 ? atof(argv[2]) : 5.0;
    printf("Clarke of sum_i c_i relu(w_i . x) at x = 0 in R^%d, k ties\n", DIM);
    printf("naive = all 2^k patterns, one exact open-cone LP each, capped at "
           "%.1f s (then extrapolated from the patterns done)\n", cap);
    printf("%3s %8s %8s %10s %12s %12s %10s\n", "k", "regions", "visited",
           "clarke_s", "naive_s", "2^k", "ratio");
    for (k = 4; k <= kmax; k += 2) {
        pd_prog_t P;
        pd_clarke_t C;
        pd_error_t err;
        pd_limits_t lim;
        fmpq_mat_t W;
        fmpq x[DIM];
        slong i, regions = 0, nregions;
        double t0, tc, tn;
        ulong done;
        pd_prog_init(P);
        pd_error_init(err);
        fmpq_mat_init(W, k, DIM);
        build(P, W, k, err);
        for (i = 0; i < DIM; i++)
            fmpq_init(x + i);
        pd_clarke_init(C);
        pd_limits_init(lim);
        lim->max_pieces = 0;
        t0 = now();
        if (pd_clarke_at(C, P, x, lim, err) != PD_OK) {
            printf("k=%ld: %s\n", (long) k, err->msg);
            return 0;
        }
        tc = now() - t0;
        for (i = 0; i < C->npieces; i++)
            regions += C->pieces[i].essentially_active == PD_TRUE;
        nregions = naive(W, k, cap, &tn, &done);
        if (nregions >= 0) {
            printf("%3ld %8ld %8ld %10.4f %12.4f %12lu %10.1f%s\n", (long) k,
                   (long) regions, (long) C->visited, tc, tn,
                   (unsigned long) (UWORD(1) << k), tn / tc,
                   nregions == regions ? "" : "  (region counts differ!)");
        } else {
            double est = tn * (double) (UWORD(1) << k) / (double) done;
            printf("%3ld %8ld %8ld %10.4f %11.1f* %12lu %10.1f*\n", (long) k,
                   (long) regions, (long) C->visited, tc, est,
                   (unsigned long) (UWORD(1) << k), est / tc);
        }
        fflush(stdout);
        pd_clarke_clear(C);
        for (i = 0; i < DIM; i++)
            fmpq_clear(x + i);
        fmpq_mat_clear(W);
        pd_prog_clear(P);
    }
    printf("* naive side capped: time extrapolated from the patterns it did\n");
    pd_sets_cleanup();
    flint_cleanup_master();
    return 0;
}
