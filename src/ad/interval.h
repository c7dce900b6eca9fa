/* interval.h: directed rounding to the binary32 and binary64 grids with
   native doubles in round-to-nearest (error-free transformations), and the
   interval operations the enclosures are made of (enclose.c, MATH.md 10).

   Why this is rigorous.  Every double operation below rounds to nearest,
   so its result s = RN(e) is within half an ulp of the exact value e; the
   error-free transformations (Knuth's TwoSum, Dekker's TwoProduct, the
   remainder of a division) give the exact sign of e - s, hence
     RD(e) = (e < s) ? pred(s) : s,   RU(e) = (e > s) ? succ(s) : s.
   Where a transformation is not exact (products or quotients near the
   ends of the exponent range) we fall back on pred(s) <= e <= succ(s),
   true for any round-to-nearest result.
   For binary32, values are floats held in doubles.  Products of two
   floats are exact in double (48 bits, far from the double range's
   ends).  A double quotient q of two floats x / y that lands on the
   binary32 grid is exact: otherwise x - q y, a nonzero number whose bits
   lie no lower than those of x or of q y (both of at most 48 bits), would
   be at least 2^-48 |x| in size, while |x - q y| <= 2^-53 |x| for the
   correctly rounded q.  Sums get the sign of their error from TwoSum.
   Directed roundings compose (RD32 o RD64 = RD32, the binary32 grid lying
   in the binary64 grid), so the binary32 bound is the double one rounded
   once more, the hardware conversion doing the subnormal range.
   The caller runs these in the default floating-point environment (round
   to nearest, no flush to zero; enclose.c installs it), on a target that
   evaluates double expressions in double (FLT_EVAL_METHOD 0) and without
   contraction into fused multiply-adds (the build passes
   -ffp-contract=off), which the transformations rely on.

   Intervals [lo, hi] hold doubles with lo <= hi, never NaN, lo < +inf and
   hi > -inf; for binary32 both ends are binary32 values.  An infinite end
   means unbounded; an operation whose endpoint arithmetic meets 0 * inf
   returns everything, [-inf, +inf]. */
#ifndef PD_AD_INTERVAL_H
#define PD_AD_INTERVAL_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "interval.h needs doubles evaluated in double (FLT_EVAL_METHOD 0)"
#endif

typedef struct {
    double lo, hi;
} _pd_iv;

/* ------------------------------------------------------------------ */
/* neighbours on the grids                                            */

/* The largest double < x (x not NaN; -inf stays). */
static inline double _pd_next_dn_d(double x)
{
    uint64_t u;
    if (x == 0)
        return -DBL_TRUE_MIN;
    if (x == -INFINITY)
        return x;
    memcpy(&u, &x, sizeof u);
    u += (x > 0) ? (uint64_t) -1 : (uint64_t) 1;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* The smallest double > x (x not NaN; +inf stays). */
static inline double _pd_next_up_d(double x)
{
    uint64_t u;
    if (x == 0)
        return DBL_TRUE_MIN;
    if (x == INFINITY)
        return x;
    memcpy(&u, &x, sizeof u);
    u += (x > 0) ? (uint64_t) 1 : (uint64_t) -1;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* The same on the binary32 grid, for x a binary32 value held in a double. */
static inline double _pd_next_dn_f(double x)
{
    float f = (float) x;
    uint32_t u;
    if (f == 0)
        return -FLT_TRUE_MIN;
    if (f == -INFINITY)
        return x;
    memcpy(&u, &f, sizeof u);
    u += (f > 0) ? (uint32_t) -1 : (uint32_t) 1;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline double _pd_next_up_f(double x)
{
    float f = (float) x;
    uint32_t u;
    if (f == 0)
        return FLT_TRUE_MIN;
    if (f == INFINITY)
        return x;
    memcpy(&u, &f, sizeof u);
    u += (f > 0) ? (uint32_t) 1 : (uint32_t) -1;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* s, or its neighbour towards -inf / +inf on the double grid when c (a
   condition, 0 or 1), without branches.  When c, s is finite and
   nonzero: the step is one unit of the bits, away from or towards zero
   by the sign. */
static inline double _pd_step_dn_d(double s, int c)
{
    uint64_t u;
    memcpy(&u, &s, sizeof u);
    u += (uint64_t) c * ((u >> 63) * 2 - 1);
    memcpy(&s, &u, sizeof s);
    return s;
}

static inline double _pd_step_up_d(double s, int c)
{
    uint64_t u;
    memcpy(&u, &s, sizeof u);
    u += (uint64_t) c * (1 - (u >> 63) * 2);
    memcpy(&s, &u, sizeof s);
    return s;
}

/* RD32(y), RU32(y): y rounded down / up to the binary32 grid (any double,
   not NaN; overflow gives FLT_MAX or an infinity as directed rounding
   does).  The conversion rounds to nearest; one step of the grid fixes the
   direction.  A conversion that lands above y is never +0 (a negative y
   converts to -0) and one below y never -0, so the step is one unit of
   the bits, away from or towards zero by the sign (+inf steps down to
   FLT_MAX, -inf up to -FLT_MAX). */
static inline double _pd_rd_f(double y)
{
    float f = (float) y;
    uint32_t u, c = (double) f > y;
    memcpy(&u, &f, sizeof u);
    u += c * ((u >> 31) * 2 - 1);
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline double _pd_ru_f(double y)
{
    float f = (float) y;
    uint32_t u, c = (double) f < y;
    memcpy(&u, &f, sizeof u);
    u += c * (1 - (u >> 31) * 2);
    memcpy(&f, &u, sizeof f);
    return f;
}

/* ------------------------------------------------------------------ */
/* error-free transformations                                         */

/* e - s for s = RN(a + b), exactly (Knuth's TwoSum; no overflow). */
static inline double _pd_two_sum_err(double a, double b, double s)
{
    double bb = s - a;
    return (a - (s - bb)) + (b - bb);
}

/* a b - p for p = RN(a b), exactly when |a|, |b| <= 2^990 and
   2^-900 <= |p| <= 2^1000 (Dekker's TwoProduct with Veltkamp's
   splitting: no overflow in the split, and the exponents of a and b sum
   high enough that every partial product is exact). */
static inline double _pd_two_prod_err(double a, double b, double p)
{
    const double split = 134217729.0;    /* 2^27 + 1 */
    double c, ah, al, bh, bl;
    c = split * a;
    ah = c - (c - a);
    al = a - ah;
    c = split * b;
    bh = c - (c - b);
    bl = b - bh;
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

static inline int _pd_two_prod_safe(double a, double b, double p)
{
    double ap = fabs(p);
    return ap >= 0x1p-900 && ap <= 0x1p1000
        && fabs(a) <= 0x1p990 && fabs(b) <= 0x1p990;
}

/* ------------------------------------------------------------------ */
/* binary64: RD and RU of a + b, a b, a / b                            */

/* The sign of the error of s = RN(a + b) as a comparison: with big the
   operand of larger magnitude, s - big is exact and the error is
   small - (s - big) (Dekker's FastTwoSum), a shorter chain than TwoSum's.
   A sum is zero only when exact, so a step is never asked of a zero. */
static inline double _pd_add_dn_d(double a, double b)
{
    double s = a + b;
    int sw = fabs(a) < fabs(b);
    double big = sw ? b : a, small = sw ? a : b;
    if (isinf(s))   /* an infinite operand, or an overflow */
        return (s > 0 && isfinite(a) && isfinite(b)) ? DBL_MAX : s;
    return _pd_step_dn_d(s, small < s - big);
}

static inline double _pd_add_up_d(double a, double b)
{
    double s = a + b;
    int sw = fabs(a) < fabs(b);
    double big = sw ? b : a, small = sw ? a : b;
    if (isinf(s))
        return (s < 0 && isfinite(a) && isfinite(b)) ? -DBL_MAX : s;
    return _pd_step_up_d(s, small > s - big);
}

/* Outside the range of the transformations: exact zeros and infinities,
   overflow rounded as directed, underflow to zero by the zero's sign,
   else one ulp outward.  s is the round-to-nearest result, dir -1 (down)
   or 1 (up). */
static inline double _pd_widen_d(double s, int dir, int exact_zero,
                                 int finite_ops)
{
    if (s != s || exact_zero)
        return s;
    if (s == 0) {
        /* a nonzero value under half the least subnormal, of the zero's
           sign */
        if (dir < 0)
            return signbit(s) ? -DBL_TRUE_MIN : 0.0;
        return signbit(s) ? -0.0 : DBL_TRUE_MIN;
    }
    if (isinf(s)) {
        if (!finite_ops)
            return s;
        if (dir < 0)
            return s > 0 ? DBL_MAX : s;
        return s < 0 ? -DBL_MAX : s;
    }
    return dir < 0 ? _pd_next_dn_d(s) : _pd_next_up_d(s);
}

static inline double _pd_mul_dn_d(double a, double b)
{
    double p = a * b;
    if (_pd_two_prod_safe(a, b, p))
        return _pd_step_dn_d(p, _pd_two_prod_err(a, b, p) < 0);
    return _pd_widen_d(p, -1, a == 0 || b == 0, isfinite(a) && isfinite(b));
}

static inline double _pd_mul_up_d(double a, double b)
{
    double p = a * b;
    if (_pd_two_prod_safe(a, b, p))
        return _pd_step_up_d(p, _pd_two_prod_err(a, b, p) > 0);
    return _pd_widen_d(p, 1, a == 0 || b == 0, isfinite(a) && isfinite(b));
}

/* The sign of x / y - q for q = RN(x / y), or 2 where it is not known
   exactly: r = x - q y from TwoProduct (x - RN(q y) is exact by Sterbenz,
   q y being within a few ulps of x), then x / y - q = r / y. */
static inline int _pd_div_err_sgn(double x, double y, double q)
{
    double p, r;
    if (!(fabs(x) >= 0x1p-890 && fabs(x) <= 0x1p990 && fabs(y) <= 0x1p990
          && fabs(q) >= 0x1p-900 && fabs(q) <= 0x1p990))
        return 2;
    p = q * y;
    r = (x - p) - _pd_two_prod_err(q, y, p);
    if (r == 0)
        return 0;
    return ((r > 0) == (y > 0)) ? 1 : -1;
}

/* y finite and nonzero. */
static inline double _pd_div_dn_d(double x, double y)
{
    double q = x / y;
    int s = _pd_div_err_sgn(x, y, q);
    if (s != 2)
        return _pd_step_dn_d(q, s < 0);
    return _pd_widen_d(q, -1, x == 0, isfinite(x));
}

static inline double _pd_div_up_d(double x, double y)
{
    double q = x / y;
    int s = _pd_div_err_sgn(x, y, q);
    if (s != 2)
        return _pd_step_up_d(q, s > 0);
    return _pd_widen_d(q, 1, x == 0, isfinite(x));
}

/* ------------------------------------------------------------------ */
/* binary32 (values held in doubles): RD32 and RU32 of a + b, a b, a / b */

/* RD32 / RU32 of a double in the binary32 normal range (or zero), by
   keeping the leading 24 bits of its significand: cheaper and of shorter
   latency than a conversion.  A carry out of the significand moves to
   the next binade, as it should. */
static inline int _pd_f_normal(double s)
{
    double m = fabs(s);
    return (m >= FLT_MIN && m <= FLT_MAX) || s == 0;
}

static inline double _pd_rd_f_normal(double s)
{
    const uint64_t low = ((uint64_t) 1 << 29) - 1;
    uint64_t u;
    memcpy(&u, &s, sizeof u);
    u = (u & ~low) + (((u & low) != 0 && (u >> 63)) ? low + 1 : 0);
    memcpy(&s, &u, sizeof s);
    return s;
}

static inline double _pd_ru_f_normal(double s)
{
    const uint64_t low = ((uint64_t) 1 << 29) - 1;
    uint64_t u;
    memcpy(&u, &s, sizeof u);
    u = (u & ~low) + (((u & low) != 0 && !(u >> 63)) ? low + 1 : 0);
    memcpy(&s, &u, sizeof s);
    return s;
}

/* RD32(a + b) = RD32(RD64(a + b)): the grids nest.  The double sum s of
   two binary32 values is exact but for a gap of about 29 binades between
   them, and then its error decides; the test for the common case is a
   predictable branch off the data's critical path.  The double sum never
   overflows; with an infinite operand the error is NaN and no step is
   taken. */
static inline double _pd_add_dn_f(double a, double b)
{
    double s = a + b, e = _pd_two_sum_err(a, b, s);
    if (e == 0 && _pd_f_normal(s))
        return _pd_rd_f_normal(s);
    return _pd_rd_f(_pd_step_dn_d(s, e < 0));
}

static inline double _pd_add_up_f(double a, double b)
{
    double s = a + b, e = _pd_two_sum_err(a, b, s);
    if (e == 0 && _pd_f_normal(s))
        return _pd_ru_f_normal(s);
    return _pd_ru_f(_pd_step_up_d(s, e > 0));
}

/* The product of two binary32 values is exact in double. */
static inline double _pd_mul_dn_f(double a, double b)
{
    double p = a * b;
    return _pd_f_normal(p) ? _pd_rd_f_normal(p) : _pd_rd_f(p);
}

static inline double _pd_mul_up_f(double a, double b)
{
    double p = a * b;
    return _pd_f_normal(p) ? _pd_ru_f_normal(p) : _pd_ru_f(p);
}

/* y a nonzero binary32 value: see the file comment. */
static inline double _pd_div_dn_f(double x, double y)
{
    return _pd_rd_f(x / y);
}

static inline double _pd_div_up_f(double x, double y)
{
    return _pd_ru_f(x / y);
}

/* ------------------------------------------------------------------ */
/* intervals                                                           */

static inline double _pd_min2(double a, double b)
{
    return b < a ? b : a;
}

static inline double _pd_max2(double a, double b)
{
    return b > a ? b : a;
}

static inline void _pd_iv_everything(_pd_iv *r)
{
    r->lo = -INFINITY;
    r->hi = INFINITY;
}

static inline void _pd_iv_hull(_pd_iv *r, _pd_iv x)
{
    r->lo = _pd_min2(r->lo, x.lo);
    r->hi = _pd_max2(r->hi, x.hi);
}

/* sign of an interval: 1 (> 0), -1 (< 0), 0 (contains 0) */
static inline int _pd_iv_sgn(_pd_iv x)
{
    return x.lo > 0 ? 1 : x.hi < 0 ? -1 : 0;
}

/* x y in binary32: the four endpoint products are exact in double, so
   the bounds are their extremes rounded once, without sign cases. */
static inline void _pd_iv_mul_f(_pd_iv *r, _pd_iv x, _pd_iv y)
{
    double p1 = x.lo * y.lo, p2 = x.lo * y.hi;
    double p3 = x.hi * y.lo, p4 = x.hi * y.hi, lo, hi;
    if (p1 != p1 || p2 != p2 || p3 != p3 || p4 != p4) {
        _pd_iv_everything(r);
        return;
    }
    lo = _pd_min2(_pd_min2(p1, p2), _pd_min2(p3, p4));
    hi = _pd_max2(_pd_max2(p1, p2), _pd_max2(p3, p4));
    r->lo = _pd_f_normal(lo) ? _pd_rd_f_normal(lo) : _pd_rd_f(lo);
    r->hi = _pd_f_normal(hi) ? _pd_ru_f_normal(hi) : _pd_ru_f(hi);
}

/* x y in binary64, bounds by the classical sign cases (two directed
   products in all but one). */
static inline void _pd_iv_mul_d_cases(_pd_iv *r, _pd_iv x, _pd_iv y)
{
    double lo, hi;
    if (x.lo >= 0) {
        if (y.lo >= 0) {
            lo = _pd_mul_dn_d(x.lo, y.lo);
            hi = _pd_mul_up_d(x.hi, y.hi);
        } else if (y.hi <= 0) {
            lo = _pd_mul_dn_d(x.hi, y.lo);
            hi = _pd_mul_up_d(x.lo, y.hi);
        } else {
            lo = _pd_mul_dn_d(x.hi, y.lo);
            hi = _pd_mul_up_d(x.hi, y.hi);
        }
    } else if (x.hi <= 0) {
        if (y.lo >= 0) {
            lo = _pd_mul_dn_d(x.lo, y.hi);
            hi = _pd_mul_up_d(x.hi, y.lo);
        } else if (y.hi <= 0) {
            lo = _pd_mul_dn_d(x.hi, y.hi);
            hi = _pd_mul_up_d(x.lo, y.lo);
        } else {
            lo = _pd_mul_dn_d(x.lo, y.hi);
            hi = _pd_mul_up_d(x.lo, y.lo);
        }
    } else {
        if (y.lo >= 0) {
            lo = _pd_mul_dn_d(x.lo, y.hi);
            hi = _pd_mul_up_d(x.hi, y.hi);
        } else if (y.hi <= 0) {
            lo = _pd_mul_dn_d(x.hi, y.lo);
            hi = _pd_mul_up_d(x.lo, y.lo);
        } else {
            double l1 = _pd_mul_dn_d(x.lo, y.hi), l2 = _pd_mul_dn_d(x.hi, y.lo);
            double h1 = _pd_mul_up_d(x.lo, y.lo), h2 = _pd_mul_up_d(x.hi, y.hi);
            if (l1 != l1 || l2 != l2 || h1 != h1 || h2 != h2) {
                _pd_iv_everything(r);
                return;
            }
            lo = _pd_min2(l1, l2);
            hi = _pd_max2(h1, h2);
        }
    }
    if (lo != lo || hi != hi) {
        _pd_iv_everything(r);
        return;
    }
    r->lo = lo;
    r->hi = hi;
}

/* Veltkamp's splitting of a (|a| <= 2^990): a = h + l, h of 26 bits. */
static inline void _pd_split(double *h, double *l, double a)
{
    double c = 134217729.0 * a;
    *h = c - (c - a);
    *l = a - *h;
}

/* 0, or 2^-450 <= |v| < 2^451, from the exponent field: products of two
   such numbers are exact zeros or within TwoProduct's range. */
static inline int _pd_mid_range(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return (((u >> 52) & 0x7ff) - 573 <= 900) | ((u << 1) == 0);
}

/* One endpoint product p = RN(a b) rounded both ways exactly, the
   splits given (TwoProduct's error, whose sign decides). */
static inline void _pd_prod_du(double *dn, double *up, double a, double ah,
                               double al, double b, double bh, double bl)
{
    double p = a * b;
    double e = (((ah * bh - p) + ah * bl) + al * bh) + al * bl;
    *dn = _pd_step_dn_d(p, e < 0);
    *up = _pd_step_up_d(p, e > 0);
}

/* x y in binary64: the four endpoint products, each rounded both ways
   exactly (TwoProduct on shared splits).  No sign cases: their branches
   cannot be predicted on varied signs, and cost more than the two extra
   products.  An end out of TwoProduct's range or infinite: the sign
   cases. */
static inline void _pd_iv_mul_d(_pd_iv *r, _pd_iv x, _pd_iv y)
{
    double xlh, xll, xhh, xhl, ylh, yll, yhh, yhl;
    double d1, d2, d3, d4, u1, u2, u3, u4;
    if (!(_pd_mid_range(x.lo) & _pd_mid_range(x.hi)
          & _pd_mid_range(y.lo) & _pd_mid_range(y.hi))) {
        _pd_iv_mul_d_cases(r, x, y);
        return;
    }
    _pd_split(&xlh, &xll, x.lo);
    _pd_split(&xhh, &xhl, x.hi);
    _pd_split(&ylh, &yll, y.lo);
    _pd_split(&yhh, &yhl, y.hi);
    _pd_prod_du(&d1, &u1, x.lo, xlh, xll, y.lo, ylh, yll);
    _pd_prod_du(&d2, &u2, x.lo, xlh, xll, y.hi, yhh, yhl);
    _pd_prod_du(&d3, &u3, x.hi, xhh, xhl, y.lo, ylh, yll);
    _pd_prod_du(&d4, &u4, x.hi, xhh, xhl, y.hi, yhh, yhl);
    r->lo = _pd_min2(_pd_min2(d1, d2), _pd_min2(d3, d4));
    r->hi = _pd_max2(_pd_max2(u1, u2), _pd_max2(u3, u4));
}

#endif
