/* arith.c: the arithmetics AD runs in: names, exact conversions between
   rationals and binary floats, and round-trip decimal printing. */
#include "pd-impl.h"
#include "pathdiff/ad.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

pd_status_t pd_arith_parse(pd_arith_t A, const char *spec, pd_error_t err)
{
    if (spec == NULL)
        return pd_error_set(err, PD_EINVAL, "missing arithmetic");
    if (!strcmp(spec, "float")) {
        pd_arith_set(A, PD_ARITH_FLOAT, 24);
    } else if (!strcmp(spec, "double")) {
        pd_arith_set(A, PD_ARITH_DOUBLE, 53);
    } else if (!strcmp(spec, "exact")) {
        pd_arith_set(A, PD_ARITH_EXACT, 0);
    } else if (!strncmp(spec, "mpfr:", 5)) {
        const char *p = spec + 5;
        long bits = 0;
        if (*p < '0' || *p > '9')
            goto bad;
        while (*p >= '0' && *p <= '9') {
            bits = 10 * bits + (*p++ - '0');
            if (bits > 1000000)
                goto bad;
        }
        if (*p != '\0' || bits < 2)
            goto bad;
        pd_arith_set(A, PD_ARITH_MPFR, bits);
    } else {
        goto bad;
    }
    return PD_OK;
bad:
    return pd_error_set(err, PD_EINVAL,
        "bad arithmetic '%s' (expected float, double, mpfr:BITS with "
        "2 <= BITS <= 1000000, or exact)", spec);
}

void pd_arith_set(pd_arith_t A, pd_arith_kind_t kind, slong prec)
{
    A->kind = kind;
    switch (kind) {
    case PD_ARITH_FLOAT: A->prec = 24; break;
    case PD_ARITH_DOUBLE: A->prec = 53; break;
    case PD_ARITH_MPFR: A->prec = prec; break;
    default: A->prec = 0; break;
    }
}

char *pd_arith_get_str(const pd_arith_t A)
{
    char buf[64];
    switch (A->kind) {
    case PD_ARITH_FLOAT: return _pd_strdup("float");
    case PD_ARITH_DOUBLE: return _pd_strdup("double");
    case PD_ARITH_MPFR:
        snprintf(buf, sizeof buf, "mpfr:%ld", (long) A->prec);
        return _pd_strdup(buf);
    default: return _pd_strdup("exact");
    }
}

/* Round q to prec bits within the exponent range [emin, emax] of a binary
   format (MPFR's convention: x = m 2^e, 1/2 <= m < 1), with subnormals. */
static void _round_fmt(mpfr_t t, const fmpq_t q, mpfr_exp_t emin,
                       mpfr_exp_t emax)
{
    mpfr_exp_t omin = mpfr_get_emin(), omax = mpfr_get_emax();
    mpq_t m;
    int inex;
    mpq_init(m);
    fmpq_get_mpq(m, q);
    mpfr_set_emin(emin);
    mpfr_set_emax(emax);
    inex = mpfr_set_q(t, m, MPFR_RNDN);
    mpfr_subnormalize(t, inex, MPFR_RNDN);
    mpfr_set_emin(omin);
    mpfr_set_emax(omax);
    mpq_clear(m);
}

int pd_fmpq_get_d_rnd(double *d, const fmpq_t q)
{
    mpfr_t t;
    mpfr_init2(t, 53);
    _round_fmt(t, q, -1073, 1024);
    *d = mpfr_get_d(t, MPFR_RNDN);
    mpfr_clear(t);
    return isfinite(*d);
}

int pd_fmpq_get_f_rnd(float *f, const fmpq_t q)
{
    mpfr_t t;
    mpfr_init2(t, 24);
    _round_fmt(t, q, -148, 128);
    *f = mpfr_get_flt(t, MPFR_RNDN);
    mpfr_clear(t);
    return isfinite(*f);
}

void pd_fmpq_set_d_exact(fmpq_t q, double d)
{
    int e;
    double m;
    if (d == 0.0 || !isfinite(d)) {
        fmpq_zero(q);
        return;
    }
    m = frexp(d, &e);          /* d = m 2^e, 1/2 <= |m| < 1 */
    m = ldexp(m, 53);          /* an integer, exactly */
    fmpz_set_d(fmpq_numref(q), m);
    fmpz_one(fmpq_denref(q));
    e -= 53;
    if (e >= 0)
        fmpq_mul_2exp(q, q, (ulong) e);
    else
        fmpq_div_2exp(q, q, (ulong) (-e));
}

/* Shortest "%.*g" text that reads back to d (strtod) / f (strtof). */
static char *_shortest_d(double d)
{
    char buf[64];
    int p;
    if (isnan(d))
        return _pd_strdup("nan");
    if (isinf(d))
        return _pd_strdup(d > 0 ? "inf" : "-inf");
    for (p = 1; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, d);
        if (strtod(buf, NULL) == d && (d != 0.0 || signbit(strtod(buf, NULL)) == signbit(d)))
            break;
    }
    return _pd_strdup(buf);
}

static char *_shortest_f(float f)
{
    char buf[64];
    int p;
    if (isnan(f))
        return _pd_strdup("nan");
    if (isinf(f))
        return _pd_strdup(f > 0 ? "inf" : "-inf");
    for (p = 1; p <= 9; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, (double) f);
        if (strtof(buf, NULL) == f && (f != 0.0f || signbit(strtof(buf, NULL)) == signbit(f)))
            break;
    }
    return _pd_strdup(buf);
}

char *pd_arith_get_str_mpfr(const pd_arith_t A, const mpfr_t v)
{
    switch (A->kind) {
    case PD_ARITH_FLOAT:
        return _shortest_f(mpfr_get_flt(v, MPFR_RNDN));
    case PD_ARITH_DOUBLE:
        return _shortest_d(mpfr_get_d(v, MPFR_RNDN));
    case PD_ARITH_MPFR: {
        /* 1 + ceil(p log10 2) significant digits read back to the same
           p-bit number (the classical bound, cf. mpfr_get_str_ndigits). */
        char *s = NULL, *r;
        int nd = 1 + (int) ceil((double) A->prec * 0.30102999566398120);
        if (mpfr_nan_p(v))
            return _pd_strdup("nan");
        if (mpfr_inf_p(v))
            return _pd_strdup(mpfr_sgn(v) > 0 ? "inf" : "-inf");
        if (mpfr_zero_p(v))
            return _pd_strdup(mpfr_signbit(v) ? "-0" : "0");
        if (mpfr_asprintf(&s, "%.*Rg", nd, v) < 0)
            return _pd_strdup("nan");
        r = _pd_strdup(s);
        mpfr_free_str(s);
        return r;
    }
    default: {
        fmpq_t q;
        char *s, *r;
        fmpq_init(q);
        if (mpfr_number_p(v) && !mpfr_zero_p(v)) {
            /* v = z 2^e exactly */
            mpz_t z;
            mpfr_exp_t e;
            mpz_init(z);
            e = mpfr_get_z_2exp(z, v);
            fmpz_set_mpz(fmpq_numref(q), z);
            fmpz_one(fmpq_denref(q));
            if (e >= 0)
                fmpq_mul_2exp(q, q, (ulong) e);
            else
                fmpq_div_2exp(q, q, (ulong) (-e));
            mpz_clear(z);
        }
        s = fmpq_get_str(NULL, 10, q);
        r = _pd_strdup(s);
        flint_free(s);
        fmpq_clear(q);
        return r;
    }
    }
}
