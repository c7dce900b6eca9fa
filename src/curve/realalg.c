/* realalg.c: exact real algebraic numbers for breakpoints: roots in an
   interval, signs, comparisons, simplest rationals, isolating intervals and
   decimal approximations, all through Calcium's qqbar and Arb. */
#include "curve/realalg.h"
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* qqbar helpers                                                          */
/* ---------------------------------------------------------------------- */

int _pd_qqbar_sgn_fmpq_poly(const fmpq_poly_t h, const qqbar_t alpha)
{
    fmpq_poly_t m, r;
    arb_t x, y;
    arb_poly_t rb;
    slong prec;
    int s = 0;

    if (fmpq_poly_is_zero(h))
        return 0;
    if (qqbar_degree(alpha) == 1) {
        fmpq_t a, v;
        fmpq_init(a);
        fmpq_init(v);
        qqbar_get_fmpq(a, alpha);
        fmpq_poly_evaluate_fmpq(v, h, a);
        s = fmpq_sgn(v);
        fmpq_clear(a);
        fmpq_clear(v);
        return s;
    }
    fmpq_poly_init(m);
    fmpq_poly_init(r);
    fmpq_poly_set_fmpz_poly(m, QQBAR_POLY(alpha));
    fmpq_poly_rem(r, h, m);
    if (fmpq_poly_is_zero(r)) {
        s = 0;
    } else if (fmpq_poly_degree(r) == 0) {
        s = fmpz_sgn(fmpq_poly_numref(r));
    } else {
        /* r(alpha) != 0 (m is irreducible and r is a non-zero polynomial of
           lower degree), so the refinement terminates. */
        arb_init(x);
        arb_init(y);
        arb_poly_init(rb);
        for (prec = 64;; prec *= 2) {
            qqbar_get_arb(x, alpha, prec);
            arb_poly_set_fmpq_poly(rb, r, prec);
            arb_poly_evaluate(y, rb, x, prec);
            if (arb_is_positive(y)) {
                s = 1;
                break;
            }
            if (arb_is_negative(y)) {
                s = -1;
                break;
            }
        }
        arb_poly_clear(rb);
        arb_clear(x);
        arb_clear(y);
    }
    fmpq_poly_clear(m);
    fmpq_poly_clear(r);
    return s;
}

int _pd_qqbar_cmp_fmpq(const qqbar_t alpha, const fmpq_t q)
{
    arb_t x, b;
    slong prec;
    int s = 0;

    if (qqbar_degree(alpha) == 1) {
        fmpq_t a;
        fmpq_init(a);
        qqbar_get_fmpq(a, alpha);
        s = fmpq_cmp(a, q);
        fmpq_clear(a);
        return s < 0 ? -1 : s > 0;
    }
    /* alpha is irrational, so alpha != q and the refinement terminates. */
    arb_init(x);
    arb_init(b);
    for (prec = 64;; prec *= 2) {
        qqbar_get_arb(x, alpha, prec);
        arb_set_fmpq(b, q, prec + fmpz_bits(fmpq_denref(q)) + 16);
        arb_sub(x, x, b, prec);
        if (arb_is_positive(x)) {
            s = 1;
            break;
        }
        if (arb_is_negative(x)) {
            s = -1;
            break;
        }
    }
    arb_clear(x);
    arb_clear(b);
    return s;
}

static void vec_push(qqbar_ptr *res, slong *n, slong *alloc)
{
    if (*n == *alloc) {
        slong a = FLINT_MAX(8, 2 * *alloc), k;
        *res = flint_realloc(*res, a * sizeof(qqbar_struct));
        for (k = *alloc; k < a; k++)
            qqbar_init(*res + k);
        *alloc = a;
    }
    (*n)++;
}

static int qqbar_cmp_re_wrap(const void *a, const void *b)
{
    return qqbar_cmp_re((const qqbar_struct *)a, (const qqbar_struct *)b);
}

slong _pd_qqbar_sort_unique(qqbar_ptr v, slong n)
{
    slong i, k;
    if (n <= 1)
        return n;
    qsort(v, n, sizeof(qqbar_struct), qqbar_cmp_re_wrap);
    k = 1;
    for (i = 1; i < n; i++) {
        if (qqbar_equal(v + i, v + k - 1))
            continue;
        if (i != k)
            qqbar_swap(v + k, v + i);
        k++;
    }
    /* Entries k..n-1 now hold duplicates (or swapped-out values): reset
       them to 0 so the caller's storage stays valid. */
    for (i = k; i < n; i++)
        qqbar_zero(v + i);
    return k;
}

/* A sound exclusion test: 1 if f (non-zero) certainly has no root in
   [lo, hi], from interval evaluations of f on 1, 4, then 16 equal parts of
   an enclosure of [lo, hi].  0 means "maybe": the caller then finds the
   roots exactly. */
static int roots_excluded(const fmpz_poly_t f, const qqbar_t lo,
                          const qqbar_t hi)
{
    arb_poly_t fb;
    arb_t l, u, w, x, y;
    arf_t a, b;
    slong k, parts, prec = 64;
    int excluded = 0;

    arb_poly_init(fb);
    arb_init(l);
    arb_init(u);
    arb_init(w);
    arb_init(x);
    arb_init(y);
    arf_init(a);
    arf_init(b);
    qqbar_get_arb(l, lo, prec);
    qqbar_get_arb(u, hi, prec);
    arb_poly_set_fmpz_poly(fb, f, prec);
    /* [lower(lo), upper(hi)] as the hull of the two balls */
    arb_get_lbound_arf(a, l, prec);
    arb_get_ubound_arf(b, u, prec);
    arb_set_arf(l, a);
    arb_set_arf(u, b);
    for (parts = 1; parts <= 16 && !excluded; parts *= 4) {
        arb_sub(w, u, l, prec);
        arb_div_ui(w, w, parts, prec);
        excluded = 1;
        for (k = 0; k < parts && excluded; k++) {
            /* the part [l + k w, l + (k + 1) w], enclosed generously */
            arb_mul_ui(x, w, k, prec);
            arb_add(x, x, l, prec);
            arb_mul_ui(y, w, k + 1, prec);
            arb_add(y, y, l, prec);
            arb_union(x, x, y, prec);
            arb_poly_evaluate(y, fb, x, prec);
            if (arb_contains_zero(y))
                excluded = 0;
        }
    }
    arf_clear(a);
    arf_clear(b);
    arb_clear(l);
    arb_clear(u);
    arb_clear(w);
    arb_clear(x);
    arb_clear(y);
    arb_poly_clear(fb);
    return excluded;
}

void _pd_qqbar_roots_open(qqbar_ptr *res, slong *n, slong *alloc,
                          const fmpq_poly_t p, const qqbar_t lo,
                          const qqbar_t hi)
{
    fmpz_poly_t num;
    fmpz_poly_factor_t fac;
    slong i, j, d, start = *n;

    fmpz_poly_init(num);
    fmpz_poly_factor_init(fac);
    fmpq_poly_get_numerator(num, p);
    if (fmpz_poly_degree(num) < 1)
        goto done;
    /* cheap first: most guards have no root on a given piece */
    if (roots_excluded(num, lo, hi))
        goto done;
    fmpz_poly_factor(fac, num);
    for (i = 0; i < fac->num; i++) {
        const fmpz_poly_struct *f = fac->p + i;
        d = fmpz_poly_degree(f);
        if (d < 1)
            continue;
        if (d == 1) {
            fmpq_t r;
            fmpq_init(r);
            fmpz_neg(fmpq_numref(r), f->coeffs + 0);
            fmpz_set(fmpq_denref(r), f->coeffs + 1);
            fmpq_canonicalise(r);
            if (_pd_qqbar_cmp_fmpq(lo, r) < 0 &&
                _pd_qqbar_cmp_fmpq(hi, r) > 0) {
                vec_push(res, n, alloc);
                qqbar_set_fmpq(*res + *n - 1, r);
            }
            fmpq_clear(r);
        } else {
            qqbar_ptr rr;
            if (fmpz_poly_num_real_roots(f) == 0)
                continue;
            rr = _qqbar_vec_init(d);
            qqbar_roots_fmpz_poly(rr, f, QQBAR_ROOTS_IRREDUCIBLE);
            /* Real roots come first (descending), then the non-real. */
            for (j = 0; j < d && qqbar_is_real(rr + j); j++) {
                if (qqbar_cmp_re(rr + j, lo) > 0 &&
                    qqbar_cmp_re(rr + j, hi) < 0) {
                    vec_push(res, n, alloc);
                    qqbar_swap(*res + *n - 1, rr + j);
                }
            }
            _qqbar_vec_clear(rr, d);
        }
    }
    /* Distinct irreducible factors have no common root: this only sorts. */
    *n = start + _pd_qqbar_sort_unique(*res + start, *n - start);
done:
    fmpz_poly_factor_clear(fac);
    fmpz_poly_clear(num);
}

/* Simplest rational in the open interval (x, y) (y = +infinity when
   y_inf), x < y: the continued-fraction recursion. */
static void simplest_rec(fmpq_t q, const qqbar_t x, const qqbar_t y, int y_inf)
{
    fmpz_t fl, n;
    qqbar_t a, b;

    if (qqbar_sgn_re(x) < 0) {
        if (y_inf || qqbar_sgn_re(y) > 0) {
            fmpq_zero(q);
            return;
        }
        qqbar_init(a);
        qqbar_init(b);
        qqbar_neg(a, y);
        qqbar_neg(b, x);
        simplest_rec(q, a, b, 0);
        fmpq_neg(q, q);
        qqbar_clear(a);
        qqbar_clear(b);
        return;
    }
    fmpz_init(fl);
    fmpz_init(n);
    qqbar_floor(fl, x);
    fmpz_add_ui(n, fl, 1);
    if (y_inf) {
        fmpz_set(fmpq_numref(q), n);
        fmpz_one(fmpq_denref(q));
        goto out;
    }
    qqbar_init(a);
    qqbar_init(b);
    qqbar_set_fmpz(a, n);
    if (qqbar_cmp_re(y, a) > 0) {
        fmpz_set(fmpq_numref(q), n);
        fmpz_one(fmpq_denref(q));
    } else {
        /* fl <= x < y <= fl + 1: q = fl + 1 / simplest(1/(y-fl), 1/(x-fl)) */
        int x_int;
        fmpq_t r;
        fmpq_init(r);
        qqbar_sub_fmpz(a, y, fl);
        qqbar_inv(a, a);
        qqbar_sub_fmpz(b, x, fl);
        x_int = qqbar_is_zero(b);
        if (!x_int)
            qqbar_inv(b, b);
        simplest_rec(r, a, b, x_int);
        fmpq_inv(r, r);
        fmpq_add_fmpz(q, r, fl);
        fmpq_clear(r);
    }
    qqbar_clear(a);
    qqbar_clear(b);
out:
    fmpz_clear(fl);
    fmpz_clear(n);
}

void _pd_qqbar_simplest_between(fmpq_t q, const qqbar_t lo, const qqbar_t hi)
{
    simplest_rec(q, lo, hi, 0);
}

void _pd_qqbar_bounds(fmpq_t lo, fmpq_t hi, const qqbar_t alpha, slong bits)
{
    arb_t x;
    arf_t l, u;
    fmpq_t w, eps;
    slong prec;

    if (qqbar_degree(alpha) == 1) {
        qqbar_get_fmpq(lo, alpha);
        fmpq_set(hi, lo);
        return;
    }
    arb_init(x);
    arf_init(l);
    arf_init(u);
    fmpq_init(w);
    fmpq_init(eps);
    fmpq_one(eps);
    fmpq_div_2exp(eps, eps, bits);
    for (prec = FLINT_MAX(64, bits + 16);; prec *= 2) {
        qqbar_get_arb(x, alpha, prec);
        arb_get_lbound_arf(l, x, prec);
        arb_get_ubound_arf(u, x, prec);
        arf_get_fmpq(lo, l);
        arf_get_fmpq(hi, u);
        fmpq_sub(w, hi, lo);
        if (fmpq_cmp(w, eps) <= 0)
            break;
    }
    fmpq_clear(w);
    fmpq_clear(eps);
    arf_clear(l);
    arf_clear(u);
    arb_clear(x);
}

/* ---------------------------------------------------------------------- */
/* pd_realalg                                                             */
/* ---------------------------------------------------------------------- */

const qqbar_struct *_pd_realalg_qqbar(const pd_realalg_t x)
{
    return (const qqbar_struct *)x->exact;
}

static qqbar_struct *realalg_qq(pd_realalg_t x)
{
    return (qqbar_struct *)x->exact;
}

void pd_realalg_init(pd_realalg_t x)
{
    fmpz_poly_init(x->poly);
    fmpq_init(x->lo);
    fmpq_init(x->hi);
    x->exact = flint_malloc(sizeof(qqbar_struct));
    qqbar_init(realalg_qq(x));
    fmpz_poly_set_coeff_ui(x->poly, 1, 1); /* 0 is the root of t */
}

void pd_realalg_clear(pd_realalg_t x)
{
    fmpz_poly_clear(x->poly);
    fmpq_clear(x->lo);
    fmpq_clear(x->hi);
    qqbar_clear(realalg_qq(x));
    flint_free(x->exact);
    x->exact = NULL;
}

void pd_realalg_set(pd_realalg_t x, const pd_realalg_t y)
{
    if (x == y)
        return;
    fmpz_poly_set(x->poly, y->poly);
    fmpq_set(x->lo, y->lo);
    fmpq_set(x->hi, y->hi);
    qqbar_set(realalg_qq(x), _pd_realalg_qqbar(y));
}

void pd_realalg_swap(pd_realalg_t x, pd_realalg_t y)
{
    pd_realalg_struct t = *x;
    *x = *y;
    *y = t;
}

void pd_realalg_set_fmpq(pd_realalg_t x, const fmpq_t q)
{
    qqbar_set_fmpq(realalg_qq(x), q);
    fmpz_poly_set(x->poly, QQBAR_POLY(realalg_qq(x)));
    fmpq_set(x->lo, q);
    fmpq_set(x->hi, q);
}

void _pd_realalg_set_qqbar(pd_realalg_t x, const qqbar_t a)
{
    qqbar_struct *q = realalg_qq(x);
    qqbar_ptr all;
    slong d, j, e;
    fmpz_t k, ten;
    qqbar_t s;

    qqbar_set(q, a);
    fmpz_poly_set(x->poly, QQBAR_POLY(q));
    d = qqbar_degree(q);
    if (d == 1) {
        qqbar_get_fmpq(x->lo, q);
        fmpq_set(x->hi, x->lo);
        return;
    }
    /* The smallest decimal grid interval holding no other real root. */
    all = _qqbar_vec_init(d);
    qqbar_roots_fmpz_poly(all, x->poly, QQBAR_ROOTS_IRREDUCIBLE);
    fmpz_init(k);
    fmpz_init(ten);
    qqbar_init(s);
    for (e = 0;; e++) {
        int ok = 1;
        fmpz_ui_pow_ui(ten, 10, e);
        qqbar_mul_fmpz(s, q, ten);
        qqbar_floor(k, s);
        fmpq_set_fmpz_frac(x->lo, k, ten);
        fmpz_add_ui(k, k, 1);
        fmpq_set_fmpz_frac(x->hi, k, ten);
        for (j = 0; j < d && qqbar_is_real(all + j); j++) {
            if (qqbar_equal(all + j, q))
                continue;
            if (_pd_qqbar_cmp_fmpq(all + j, x->lo) > 0 &&
                _pd_qqbar_cmp_fmpq(all + j, x->hi) < 0) {
                ok = 0;
                break;
            }
        }
        if (ok)
            break;
    }
    qqbar_clear(s);
    fmpz_clear(k);
    fmpz_clear(ten);
    _qqbar_vec_clear(all, d);
}

int pd_realalg_get_fmpq(fmpq_t q, const pd_realalg_t x)
{
    if (!fmpq_equal(x->lo, x->hi))
        return 0;
    if (q != NULL)
        fmpq_set(q, x->lo);
    return 1;
}

int pd_realalg_cmp(const pd_realalg_t x, const pd_realalg_t y)
{
    int c;
    if (fmpq_cmp(x->hi, y->lo) < 0)
        return -1;
    if (fmpq_cmp(x->lo, y->hi) > 0)
        return 1;
    c = qqbar_cmp_re(_pd_realalg_qqbar(x), _pd_realalg_qqbar(y));
    return c < 0 ? -1 : c > 0;
}

int pd_realalg_cmp_fmpq(const pd_realalg_t x, const fmpq_t q)
{
    if (fmpq_cmp(x->hi, q) < 0)
        return -1;
    if (fmpq_cmp(x->lo, q) > 0)
        return 1;
    return _pd_qqbar_cmp_fmpq(_pd_realalg_qqbar(x), q);
}

int pd_realalg_sgn_fmpq_poly(const fmpq_poly_t h, const pd_realalg_t x)
{
    return _pd_qqbar_sgn_fmpq_poly(h, _pd_realalg_qqbar(x));
}

pd_status_t pd_realalg_roots(pd_realalg_struct **roots, slong *nroots,
                             const fmpq_poly_struct *p, slong m, const fmpq_t a,
                             const fmpq_t b, pd_error_t err)
{
    qqbar_ptr v = NULL;
    slong n = 0, alloc = 0, j;
    qqbar_t lo, hi;

    *roots = NULL;
    *nroots = 0;
    if (fmpq_cmp(a, b) >= 0)
        return pd_error_set(err, PD_EINVAL, "roots: empty interval");
    for (j = 0; j < m; j++)
        if (fmpq_poly_is_zero(p + j))
            return pd_error_set(err, PD_EINVAL, "roots: polynomial %ld is zero",
                                (long)j);
    qqbar_init(lo);
    qqbar_init(hi);
    qqbar_set_fmpq(lo, a);
    qqbar_set_fmpq(hi, b);
    for (j = 0; j < m; j++)
        if (fmpq_poly_degree(p + j) >= 1)
            _pd_qqbar_roots_open(&v, &n, &alloc, p + j, lo, hi);
    n = _pd_qqbar_sort_unique(v, n);
    if (n > 0) {
        *roots = flint_malloc(n * sizeof(pd_realalg_struct));
        for (j = 0; j < n; j++) {
            pd_realalg_init(*roots + j);
            _pd_realalg_set_qqbar(*roots + j, v + j);
        }
    }
    *nroots = n;
    for (j = 0; j < alloc; j++)
        qqbar_clear(v + j);
    flint_free(v);
    qqbar_clear(lo);
    qqbar_clear(hi);
    return PD_OK;
}

pd_status_t pd_realalg_simplest_between(fmpq_t q, const pd_realalg_t x,
                                        const pd_realalg_t y, pd_error_t err)
{
    if (pd_realalg_cmp(x, y) >= 0)
        return pd_error_set(err, PD_EINVAL, "simplest_between: empty interval");
    _pd_qqbar_simplest_between(q, _pd_realalg_qqbar(x), _pd_realalg_qqbar(y));
    return PD_OK;
}

/* ---------------------------------------------------------------------- */
/* Decimal approximation                                                  */
/* ---------------------------------------------------------------------- */

/* Round |v| (v != 0) to `digits` significant decimal digits, ties to even:
   |v| ~ N 10^(e - digits + 1) with 10^(digits-1) <= N < 10^digits.
   Returns the sign of v. */
static int round_sig(fmpz_t N, slong *e, const fmpq_t v, slong digits)
{
    fmpq_t a, s;
    fmpz_t p, r, two_r;
    slong ee;
    int sgn = fmpq_sgn(v);

    fmpq_init(a);
    fmpq_init(s);
    fmpz_init(p);
    fmpz_init(r);
    fmpz_init(two_r);
    fmpq_abs(a, v);
    /* e = floor(log10 a): start from the bit sizes, then adjust. */
    ee = ((slong)fmpz_bits(fmpq_numref(a)) - (slong)fmpz_bits(fmpq_denref(a))) *
         30103 / 100000;
    for (;;) {
        /* s = a / 10^ee */
        fmpz_ui_pow_ui(p, 10, FLINT_ABS(ee));
        if (ee >= 0)
            fmpq_div_fmpz(s, a, p);
        else
            fmpq_mul_fmpz(s, a, p);
        if (fmpz_cmp(fmpq_numref(s), fmpq_denref(s)) < 0) {
            ee--; /* s < 1 */
            continue;
        }
        fmpz_mul_ui(p, fmpq_denref(s), 10);
        if (fmpz_cmp(fmpq_numref(s), p) >= 0) {
            ee++; /* s >= 10 */
            continue;
        }
        break;
    }
    /* N = round(s 10^(digits-1)) */
    fmpz_ui_pow_ui(p, 10, digits - 1);
    fmpq_mul_fmpz(s, s, p);
    fmpz_fdiv_qr(N, r, fmpq_numref(s), fmpq_denref(s));
    fmpz_mul_2exp(two_r, r, 1);
    {
        int c = fmpz_cmp(two_r, fmpq_denref(s));
        if (c > 0 || (c == 0 && fmpz_is_odd(N)))
            fmpz_add_ui(N, N, 1);
    }
    fmpz_ui_pow_ui(p, 10, digits);
    if (fmpz_equal(N, p)) {
        fmpz_divexact_ui(N, N, 10);
        ee++;
    }
    *e = ee;
    fmpq_clear(a);
    fmpq_clear(s);
    fmpz_clear(p);
    fmpz_clear(r);
    fmpz_clear(two_r);
    return sgn;
}

/* Format like C's %.{digits}g from sign, digit string and exponent. */
static char *format_g(int sgn, const fmpz_t N, slong e, slong digits)
{
    char *d = fmpz_get_str(NULL, 10, N);
    char *out = flint_malloc(digits + 40);
    slong len = (slong)strlen(d), k, pos = 0;

    /* strip trailing zeros of the significand */
    while (len > 1 && d[len - 1] == '0')
        len--;
    d[len] = '\0';
    if (sgn < 0)
        out[pos++] = '-';
    if (e < -4 || e >= digits) {
        out[pos++] = d[0];
        if (len > 1) {
            out[pos++] = '.';
            for (k = 1; k < len; k++)
                out[pos++] = d[k];
        }
        pos += sprintf(out + pos, "e%c%02ld", e < 0 ? '-' : '+',
                       (long)FLINT_ABS(e));
    } else if (e >= 0) {
        for (k = 0; k <= e; k++)
            out[pos++] = k < len ? d[k] : '0';
        if (len > e + 1) {
            out[pos++] = '.';
            for (k = e + 1; k < len; k++)
                out[pos++] = d[k];
        }
    } else {
        out[pos++] = '0';
        out[pos++] = '.';
        for (k = 0; k < -e - 1; k++)
            out[pos++] = '0';
        for (k = 0; k < len; k++)
            out[pos++] = d[k];
    }
    out[pos] = '\0';
    flint_free(d);
    return out;
}

char *pd_realalg_get_str(const pd_realalg_t x, slong digits)
{
    fmpz_t N1, N2;
    fmpq_t lo, hi;
    slong e1, e2, bits;
    int s1, s2;
    char *out;

    if (digits < 1)
        digits = 1;
    fmpz_init(N1);
    fmpz_init(N2);
    fmpq_init(lo);
    fmpq_init(hi);
    if (pd_realalg_get_fmpq(lo, x)) {
        if (fmpq_is_zero(lo)) {
            out = _pd_strdup("0");
            goto cleanup;
        }
        s1 = round_sig(N1, &e1, lo, digits);
        out = format_g(s1, N1, e1, digits);
        goto cleanup;
    }
    /* Irrational: refine until both ends of an enclosure round alike (they
       eventually do: an irrational number is never a rounding tie). */
    for (bits = 4 * digits + 32;; bits *= 2) {
        _pd_qqbar_bounds(lo, hi, _pd_realalg_qqbar(x), bits);
        if (fmpq_sgn(lo) * fmpq_sgn(hi) <= 0)
            continue;
        s1 = round_sig(N1, &e1, lo, digits);
        s2 = round_sig(N2, &e2, hi, digits);
        if (s1 == s2 && e1 == e2 && fmpz_equal(N1, N2))
            break;
    }
    out = format_g(s1, N1, e1, digits);
cleanup:
    fmpz_clear(N1);
    fmpz_clear(N2);
    fmpq_clear(lo);
    fmpq_clear(hi);
    return out;
}
