/* integral.h: the integral form of the chain rule along the curve. */
#ifndef PD_CURVE_INTEGRAL_H
#define PD_CURVE_INTEGRAL_H

#include "curve/curve-impl.h"

/* Fill J (initialised) for the convention's field along R (points,
   intervals with f, df and conv_grad set), the curve g and dg = gamma'. */
pd_status_t _pd_curve_integral(pd_curve_integral_struct *J,
                               const pd_curve_result_t R, const pd_curve_t g,
                               const fmpq_poly_struct *dg, pd_error_t err);

#endif
