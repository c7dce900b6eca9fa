/* number.c: exact reading of numbers and exact rounding to binary32/64. */
#include "lang-impl.h"
#include <string.h>

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* fmpz from the decimal digits s[0, n) (n >= 1, digits only). */
static void fmpz_set_digits(fmpz_t z, const char *s, size_t n)
{
    char buf[64];
    char *t = buf;
    if (n + 1 > sizeof(buf))
        t = flint_malloc(n + 1);
    memcpy(t, s, n);
    t[n] = '\0';
    fmpz_set_str(z, t, 10);
    if (t != buf)
        flint_free(t);
}

int _pd_decimal_scan(fmpq_t q, const char *s, size_t len, int loose,
                     int float_range, int *huge, const char **why)
{
    size_t p = 0, i0, n0, f0, nf = 0, lead;
    slong e = 0, k, mag;
    int esign = 1, eover = 0;
    fmpz_t m, t;

    *huge = 0;
    *why = NULL;
    if (len > PD_LANG_MAX_LITERAL) {
        *why = "too many characters";
        return 1;
    }
    i0 = p;
    while (p < len && is_digit((unsigned char) s[p]))
        p++;
    n0 = p - i0;
    f0 = p;
    if (p < len && s[p] == '.') {
        p++;
        f0 = p;
        while (p < len && is_digit((unsigned char) s[p]))
            p++;
        nf = p - f0;
        if (nf == 0 && !loose) {
            *why = "expected a digit after '.'";
            return 1;
        }
        if (n0 == 0 && !loose) {
            *why = "expected a digit before '.'";
            return 1;
        }
    }
    if (n0 + nf == 0) {
        *why = "expected digits";
        return 1;
    }
    if (p < len && (s[p] == 'e' || s[p] == 'E')) {
        size_t e0;
        p++;
        if (p < len && (s[p] == '+' || s[p] == '-')) {
            esign = (s[p] == '-') ? -1 : 1;
            p++;
        }
        e0 = p;
        while (p < len && is_digit((unsigned char) s[p])) {
            if (e <= PD_LANG_MAX_EXP10)      /* saturate: no overflow */
                e = 10 * e + (s[p] - '0');
            p++;
        }
        if (p == e0) {
            *why = "expected digits in the exponent";
            return 1;
        }
        eover = e > PD_LANG_MAX_EXP10;
    }
    if (p != len) {
        *why = "unexpected character";
        return 1;
    }

    /* value = M 10^k, M the digits without the point; M < 10^(significant
       digits), so the value lies in [10^(mag-1), 10^mag). */
    lead = 0;
    while (lead < n0 + nf) {
        char c = lead < n0 ? s[i0 + lead] : s[f0 + lead - n0];
        if (c != '0')
            break;
        lead++;
    }
    if (lead == n0 + nf) {
        fmpq_zero(q);
        return 0;
    }
    k = esign * FLINT_MIN(e, PD_LANG_MAX_EXP10 + 1) - (slong) nf;
    mag = k + (slong) (n0 + nf - lead);
    if (float_range ? (mag > 400 || mag < -400) : eover) {
        /* float formats: 10^400 overflows both, 10^-400 rounds to 0 in
           both; exact reading: the written exponent is over the limit */
        fmpq_zero(q);
        *huge = (mag > 0) ? 1 : -1;
        *why = "the exponent must lie within +-10000";
        return 2;
    }
    if (!float_range && ((k > 0 && mag > PD_LANG_MAX_LITERAL)
                         || (k < 0 && -k + 1 > PD_LANG_MAX_LITERAL))) {
        /* keep every exact value printable as a literal */
        fmpq_zero(q);
        *huge = (k > 0) ? 1 : -1;
        *why = "the exact value needs more than 100000 digits";
        return 2;
    }

    fmpz_init(m);
    fmpz_init(t);
    if (n0 > 0)
        fmpz_set_digits(m, s + i0, n0);
    if (nf > 0) {
        fmpz_set_digits(t, s + f0, nf);
        fmpz_ui_pow_ui(fmpq_denref(q), 10, nf);
        fmpz_mul(m, m, fmpq_denref(q));
        fmpz_add(m, m, t);
    }
    if (k >= 0) {
        fmpz_ui_pow_ui(t, 10, (ulong) k);
        fmpz_mul(fmpq_numref(q), m, t);
        fmpz_one(fmpq_denref(q));
    } else {
        fmpz_ui_pow_ui(t, 10, (ulong) (-k));
        fmpz_set(fmpq_numref(q), m);
        fmpz_set(fmpq_denref(q), t);
        fmpq_canonicalise(q);
    }
    fmpz_clear(m);
    fmpz_clear(t);
    return 0;
}

/* Format parameters: precision p (bits, with the hidden one), emin (the
   exponent of the smallest normal, 2^emin), emax (largest finite value
   below 2^(emax+1)). */
static void float_format(slong *p, slong *emin, slong *emax, pd_points_t mode)
{
    if (mode == PD_POINTS_FLOAT32) {
        *p = 24;
        *emin = -126;
        *emax = 127;
    } else {
        *p = 53;
        *emin = -1022;
        *emax = 1023;
    }
}

pd_status_t pd_fmpq_round_float(fmpq_t r, const fmpq_t q, pd_points_t mode,
                                pd_error_t err)
{
    slong p, emin, emax, e, s;
    int neg;
    fmpz_t n, d, N, D, m, rem;
    pd_status_t status = PD_OK;

    if (mode == PD_POINTS_EXACT) {
        fmpq_set(r, q);
        return PD_OK;
    }
    if (mode != PD_POINTS_FLOAT32 && mode != PD_POINTS_FLOAT64)
        return pd_error_set(err, PD_EINVAL, "unknown float format %d", (int) mode);
    if (fmpq_is_zero(q)) {
        fmpq_zero(r);
        return PD_OK;
    }
    float_format(&p, &emin, &emax, mode);
    fmpz_init(n);
    fmpz_init(d);
    fmpz_init(N);
    fmpz_init(D);
    fmpz_init(m);
    fmpz_init(rem);
    neg = fmpq_sgn(q) < 0;
    fmpz_abs(n, fmpq_numref(q));
    fmpz_set(d, fmpq_denref(q));

    /* e = floor(log2(n/d)): n/d lies in [2^(e0-1), 2^(e0+1)). */
    e = (slong) fmpz_bits(n) - (slong) fmpz_bits(d);
    if (e >= 0) {
        fmpz_mul_2exp(D, d, (ulong) e);
        if (fmpz_cmp(n, D) < 0)
            e--;
    } else {
        fmpz_mul_2exp(N, n, (ulong) (-e));
        if (fmpz_cmp(N, d) < 0)
            e--;
    }
    if (e > emax) {
        status = pd_error_set(err, PD_EDOM, "%s overflows %s", "value",
                              mode == PD_POINTS_FLOAT32 ? "float32" : "float64");
        goto cleanup;
    }
    if (e < emin)
        e = emin;           /* subnormal range: fixed quantum 2^(emin-p+1) */
    /* m = round(n/d * 2^s), s = p - 1 - e, ties to even. */
    s = p - 1 - e;
    if (s >= 0) {
        fmpz_mul_2exp(N, n, (ulong) s);
        fmpz_set(D, d);
    } else {
        fmpz_set(N, n);
        fmpz_mul_2exp(D, d, (ulong) (-s));
    }
    fmpz_fdiv_qr(m, rem, N, D);
    fmpz_mul_2exp(rem, rem, 1);
    {
        int c = fmpz_cmp(rem, D);
        if (c > 0 || (c == 0 && fmpz_is_odd(m)))
            fmpz_add_ui(m, m, 1);
    }
    /* Rounding up may reach 2^p, i.e. 2^(e+1): overflow if e + 1 > emax. */
    if (fmpz_bits(m) > (flint_bitcnt_t) p && e + 1 > emax) {
        status = pd_error_set(err, PD_EDOM, "%s overflows %s", "value",
                              mode == PD_POINTS_FLOAT32 ? "float32" : "float64");
        goto cleanup;
    }
    if (neg)
        fmpz_neg(m, m);
    fmpz_set(fmpq_numref(r), m);
    fmpz_one(fmpq_denref(r));
    if (s >= 0)
        fmpq_div_2exp(r, r, (flint_bitcnt_t) s);
    else
        fmpq_mul_2exp(r, r, (flint_bitcnt_t) (-s));

cleanup:
    fmpz_clear(n);
    fmpz_clear(d);
    fmpz_clear(N);
    fmpz_clear(D);
    fmpz_clear(m);
    fmpz_clear(rem);
    return status;
}

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int word_is(const char *s, size_t n, const char *w)
{
    size_t i;
    if (strlen(w) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (ascii_lower((unsigned char) s[i]) != w[i])
            return 0;
    return 1;
}

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
           || c == '\v';
}

pd_status_t pd_number_parse(fmpq_t q, const char *s, pd_points_t mode,
                            pd_error_t err)
{
    size_t a = 0, b, p;
    int neg = 0, huge, rc;
    const char *why;
    const char *slash;
    fmpq_t v;
    pd_status_t status = PD_OK;

    if (s == NULL)
        return pd_error_set(err, PD_EINVAL, "no number given");
    if (mode != PD_POINTS_EXACT && mode != PD_POINTS_FLOAT32
        && mode != PD_POINTS_FLOAT64)
        return pd_error_set(err, PD_EINVAL, "unknown points mode %d", (int) mode);
    b = strlen(s);
    while (a < b && is_space((unsigned char) s[a]))
        a++;
    while (b > a && is_space((unsigned char) s[b - 1]))
        b--;
    if (a == b)
        return pd_error_set(err, PD_EPARSE, "bad number '': empty");
    if (b - a > PD_LANG_MAX_LITERAL + 1)
        return pd_error_set(err, PD_EPARSE, "bad number: longer than %ld characters",
                            (long) PD_LANG_MAX_LITERAL);
    p = a;
    if (s[p] == '+' || s[p] == '-') {
        neg = (s[p] == '-');
        p++;
    }
    if (word_is(s + p, b - p, "inf") || word_is(s + p, b - p, "infinity")
        || word_is(s + p, b - p, "nan"))
        return pd_error_set(err, PD_EPARSE, "bad number '%.*s': not a finite number",
                            (int) (b - a), s + a);

    fmpq_init(v);
    slash = memchr(s + p, '/', b - p);
    if (slash != NULL) {
        /* a/b: digits on both sides, b non-zero. */
        size_t i, ns = (size_t) (slash - (s + p)), nd = b - p - ns - 1;
        int ok = ns > 0 && nd > 0;
        for (i = 0; ok && i < ns; i++)
            ok = is_digit((unsigned char) s[p + i]);
        for (i = 0; ok && i < nd; i++)
            ok = is_digit((unsigned char) s[p + ns + 1 + i]);
        if (!ok) {
            status = pd_error_set(err, PD_EPARSE,
                                  "bad number '%.*s': a rational is digits/digits, e.g. -3/4",
                                  (int) FLINT_MIN(b - a, 80), s + a);
            goto cleanup;
        }
        fmpz_set_digits(fmpq_numref(v), s + p, ns);
        fmpz_set_digits(fmpq_denref(v), s + p + ns + 1, nd);
        if (fmpz_is_zero(fmpq_denref(v))) {
            status = pd_error_set(err, PD_EDOM, "bad number '%.*s': zero denominator",
                                  (int) FLINT_MIN(b - a, 80), s + a);
            goto cleanup;
        }
        fmpq_canonicalise(v);
    } else {
        rc = _pd_decimal_scan(v, s + p, b - p, 1, mode != PD_POINTS_EXACT,
                              &huge, &why);
        if (rc == 1) {
            status = pd_error_set(err, PD_EPARSE, "bad number '%.*s': %s",
                                  (int) FLINT_MIN(b - a, 80), s + a, why);
            goto cleanup;
        }
        if (rc == 2) {
            if (mode == PD_POINTS_EXACT) {
                status = pd_error_set(err, PD_EPARSE, "bad number '%.*s': %s",
                                      (int) FLINT_MIN(b - a, 80), s + a, why);
                goto cleanup;
            }
            if (huge > 0) {
                status = pd_error_set(err, PD_EDOM, "number '%.*s' overflows %s",
                                      (int) FLINT_MIN(b - a, 80), s + a,
                                      mode == PD_POINTS_FLOAT32 ? "float32" : "float64");
                goto cleanup;
            }
            fmpq_zero(v);       /* below 10^-400: rounds to (signed) zero */
        }
    }
    if (neg)
        fmpq_neg(v, v);
    if (mode != PD_POINTS_EXACT) {
        status = pd_fmpq_round_float(q, v, mode, err);
        if (status != PD_OK) {
            pd_error_set(err, status, "number '%.*s' overflows %s",
                         (int) FLINT_MIN(b - a, 80), s + a,
                         mode == PD_POINTS_FLOAT32 ? "float32" : "float64");
            goto cleanup;
        }
    } else {
        fmpq_set(q, v);
    }

cleanup:
    fmpq_clear(v);
    return status;
}
