/* grad_fp.c: numeric AD in IEEE float and double (reverse mode with
   torch's backward formulas, forward mode), instantiated from
   grad_fp_impl.h. */
#include "ad-impl.h"
#include <math.h>

#define FP double
#define SFX d
#define V vd
#define A ad
#define S sd
#define K kd
#define POWFN pow
#define FABS fabs
#include "grad_fp_impl.h"
#undef FP
#undef SFX
#undef V
#undef A
#undef S
#undef K
#undef POWFN
#undef FABS

#define FP float
#define SFX f
#define V vf
#define A af
#define S sf
#define K kf
#define POWFN powf
#define FABS fabsf
#include "grad_fp_impl.h"
#undef FP
#undef SFX
#undef V
#undef A
#undef S
#undef K
#undef POWFN
#undef FABS
