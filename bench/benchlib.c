/* benchlib.c: programs shared by the benchmarks. */
#include <stdio.h>
#include <flint/fmpq.h>
#include "benchlib.h"

/* An MLP with ReLU between layers (sizes[0] inputs, ..., sizes[nlayers-1]
   outputs), weights and biases random k / den with |k| <= 128, matrix products summed left to right as the
   parser lowers them; the output is the sum of the last layer. */
void bench_build_mlp(pd_prog_t P, const slong *sizes, slong nlayers,
                     slong den, flint_rand_t st)
{
    slong *h, *z, l, i, j, n0 = sizes[0];
    fmpq_t c;
    char name[32];
    fmpq_init(c);
    h = flint_malloc(sizeof(slong) * 1024);
    z = flint_malloc(sizeof(slong) * 1024);
    for (i = 0; i < n0; i++) {
        snprintf(name, sizeof name, "x%ld", (long) (i + 1));
        h[i] = pd_prog_add_input(P, name, 0, 0, NULL);
    }
    for (l = 0; l + 1 < nlayers; l++) {
        for (i = 0; i < sizes[l + 1]; i++) {
            slong acc = -1, args[2];
            for (j = 0; j < sizes[l]; j++) {
                slong w, m;
                fmpq_set_si(c, (slong) n_randint(st, 257) - 128, den);
                w = pd_prog_add_const(P, c, 0, 0, NULL);
                args[0] = w;
                args[1] = h[j];
                m = pd_prog_add_node(P, PD_OP_MUL, 2, args, NULL, NULL, 0, 0, 0, NULL);
                if (acc < 0)
                    acc = m;
                else {
                    args[0] = acc;
                    args[1] = m;
                    acc = pd_prog_add_node(P, PD_OP_ADD, 2, args, NULL, NULL, 0, 0, 0, NULL);
                }
            }
            fmpq_set_si(c, (slong) n_randint(st, 257) - 128, den);
            args[0] = acc;
            args[1] = pd_prog_add_const(P, c, 0, 0, NULL);
            acc = pd_prog_add_node(P, PD_OP_ADD, 2, args, NULL, NULL, 0, 0, 0, NULL);
            if (l + 2 < nlayers)
                acc = pd_prog_add_node(P, PD_OP_RELU, 1, &acc, NULL, NULL, 0, 0, 0, NULL);
            z[i] = acc;
        }
        for (i = 0; i < sizes[l + 1]; i++)
            h[i] = z[i];
    }
    {
        slong acc = h[0], args[2];
        for (i = 1; i < sizes[nlayers - 1]; i++) {
            args[0] = acc;
            args[1] = h[i];
            acc = pd_prog_add_node(P, PD_OP_ADD, 2, args, NULL, NULL, 0, 0, 0, NULL);
        }
        pd_prog_set_output(P, acc);
    }
    flint_free(h);
    flint_free(z);
    fmpq_clear(c);
}
