/* benchlib.h: programs shared by the benchmarks. */
#ifndef PD_BENCHLIB_H
#define PD_BENCHLIB_H

#include <flint/flint.h>
#include "pathdiff.h"

/* Build into P (freshly initialised) an MLP with ReLU between layers:
   inputs x1..x{sizes[0]}, layer widths sizes[1..nlayers), weights and
   biases random k / den with |k| <= 128, matrix products summed left to
   right as the parser lowers them; the output is the sum of the last
   layer. */
void bench_build_mlp(pd_prog_t P, const slong *sizes, slong nlayers,
                     slong den, flint_rand_t st);

#endif
