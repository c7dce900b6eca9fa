/* bench_curve.c: curve checks for a 2-16-16-1 ReLU network along a degree-3
   curve: breakpoints found and time (composition alone, and the whole check
   with Clarke, the field, the convention and the integral form).  The same
   network and curve are in bench/sympy_curve.py for the SymPy ratio.
   Figures only. */
#include "curve/curve-impl.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CPU time of the process (the machine may be shared; sympy_curve.py
   reports the same measure). */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* The generator shared with sympy_curve.py: a 31-bit LCG; each weight is
   ((s >> 16) mod 7) - 3 in [-3, 3], biases that over 2. */
static unsigned long lcg_state = 20261129UL;
static long lcg_next(void)
{
    lcg_state = (1103515245UL * lcg_state + 12345UL) & 0x7fffffffUL;
    return (long)((lcg_state >> 16) % 7) - 3;
}

/* The network as .pd text: h1 = relu(W1 [x, y] + b1), h2 = relu(W2 h1 +
   b2), output w3 . h2 (weights drawn in that order, row by row). */
static char *network_text(void)
{
    char *s = malloc(1 << 16);
    size_t p = 0;
    int i, j;
    p += sprintf(s + p, "input x, y\nh1 = relu([");
    for (i = 0; i < 16; i++) {
        p += sprintf(s + p, "%s[", i ? ", " : "");
        for (j = 0; j < 2; j++)
            p += sprintf(s + p, "%s%ld", j ? ", " : "", lcg_next());
        p += sprintf(s + p, "]");
    }
    p += sprintf(s + p, "] @ [x, y] + [");
    for (i = 0; i < 16; i++)
        p += sprintf(s + p, "%s%ld/2", i ? ", " : "", lcg_next());
    p += sprintf(s + p, "])\nh2 = relu([");
    for (i = 0; i < 16; i++) {
        p += sprintf(s + p, "%s[", i ? ", " : "");
        for (j = 0; j < 16; j++)
            p += sprintf(s + p, "%s%ld", j ? ", " : "", lcg_next());
        p += sprintf(s + p, "]");
    }
    p += sprintf(s + p, "] @ h1 + [");
    for (i = 0; i < 16; i++)
        p += sprintf(s + p, "%s%ld/2", i ? ", " : "", lcg_next());
    p += sprintf(s + p, "])\noutput dot([");
    for (i = 0; i < 16; i++)
        p += sprintf(s + p, "%s%ld", i ? ", " : "", lcg_next());
    p += sprintf(s + p, "], h2)\n");
    return s;
}

#define CURVE "x = 3*t^3 - 2*t, y = 2*t^2 - t - 1/2"
#define RANGE "-1..1"

int main(int argc, char **argv)
{
    pd_prog_t P;
    pd_curve_t g;
    pd_curve_result_t R;
    pd_conv_t C;
    pd_error_t err;
    char *text = network_text();
    double t0, t1;
    slong k, reps = 5, irr = 0;

    if (argc > 1 && strcmp(argv[1], "--pd") == 0) {
        /* the program, for `pathdiff curve` or another tool */
        fputs(text, stdout);
        free(text);
        return 0;
    }
    pd_error_init(err);
    pd_prog_init(P);
    if (pd_parse_string(P, text, "bench", err) != PD_OK) {
        fprintf(stderr, "bench_curve: %s\n", err->msg);
        return 1;
    }
    pd_curve_init(g, P->ninputs);
    if (pd_curve_parse(g, P, CURVE, err) != PD_OK ||
        pd_curve_parse_range(g, RANGE, err) != PD_OK) {
        fprintf(stderr, "bench_curve: %s\n", err->msg);
        return 1;
    }
    pd_conv_init(C);
    pd_curve_result_init(R);

    printf("2-16-16-1 ReLU network (%ld nodes) along %s, t in [%s]\n",
           (long)P->len, CURVE, RANGE);
    /* the part SymPy does too: breakpoints, piece polynomials and their
       derivatives */
    t0 = now();
    for (k = 0; k < reps; k++) {
        _pd_compose_t comp;
        slong j;
        fmpq_poly_t d;
        _pd_compose_init(comp, P);
        fmpq_poly_init(d);
        if (_pd_compose_run(comp, P, g, NULL, err) != PD_OK) {
            fprintf(stderr, "bench_curve: %s\n", err->msg);
            return 1;
        }
        for (j = 0; j < comp->npieces; j++)
            fmpq_poly_derivative(d, comp->pieces[j].val + P->output);
        fmpq_poly_clear(d);
        _pd_compose_clear(comp);
    }
    t1 = now();
    printf("breakpoints and piece derivatives: %.2f ms CPU\n",
           1e3 * (t1 - t0) / reps);
    t0 = now();
    for (k = 0; k < reps; k++)
        if (pd_curve_check(R, P, g, C, NULL, err) != PD_OK) {
            fprintf(stderr, "bench_curve: %s\n", err->msg);
            return 1;
        }
    t1 = now();
    for (k = 0; k < pd_curve_result_nbreakpoints(R); k++)
        irr += !pd_realalg_get_fmpq(NULL, pd_curve_result_breakpoint(R, k));
    printf("breakpoints %ld (%ld irrational), intervals %ld, conservative %s\n",
           (long)pd_curve_result_nbreakpoints(R), (long)irr,
           (long)R->nintervals, R->conservative == PD_TRUE ? "yes" : "no");
    printf("full check (breakpoints, Clarke, field, convention, integral): "
           "%.2f ms CPU\n",
           1e3 * (t1 - t0) / reps);
    if (pd_curve_result_nbreakpoints(R) > 0) {
        char *s = pd_realalg_get_str(pd_curve_result_breakpoint(R, 0), 15);
        printf("first breakpoint %s\n", s);
        flint_free(s);
    }

    pd_curve_result_clear(R);
    pd_conv_clear(C);
    pd_curve_clear(g);
    pd_prog_clear(P);
    free(text);
    flint_cleanup_master();
    return 0;
}
