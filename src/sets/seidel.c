/* seidel.c: a witness for the open cone {d : A d > 0} by Seidel's
   incremental algorithm in exact integer arithmetic (small dimension). */
#include "pd-impl.h"
#include "sets/lp.h"

/* r . d for integer vectors of length n. */
static void _pd_zdot(fmpz_t s, const fmpz *r, const fmpz *d, slong n)
{
    slong k;
    fmpz_zero(s);
    for (k = 0; k < n; k++)
        fmpz_addmul(s, r + k, d + k);
}

static void _pd_zvec_primitive(fmpz *v, slong n)
{
    fmpz_t g;
    slong k;
    fmpz_init(g);
    for (k = 0; k < n; k++)
        fmpz_gcd(g, g, v + k);
    if (!fmpz_is_zero(g) && !fmpz_is_one(g))
        for (k = 0; k < n; k++)
            fmpz_divexact(v + k, v + k, g);
    fmpz_clear(g);
}

/* rows: m x n, in the order to be processed; on entry d satisfies rows
   0..t0-1 strictly (t0 = 0: d is ignored).  Returns 1 and a witness d
   (n entries) with rows.d > 0, or 0 when the cone is empty, and then, if
   y != NULL, a Gordan vector y (m entries): y >= 0, y != 0, rows^T y = 0.

   Invariant of the loop: d satisfies the rows processed so far strictly.
   When row r fails, the cone of the processed rows, if it meets r.d > 0
   at all, meets the hyperplane r.d = 0 (it is open, convex, and contains
   d with r.d <= 0); a point d1 of that intersection, moved along r, gives
   d = N d1 + r with r.d = |r|^2 > 0 and the earlier rows still positive
   for N large enough.  The hyperplane is parametrised by the coordinates
   other than a pivot j (scaled by |r_j| to stay integral), which turns the
   earlier rows into rows of dimension n - 1.

   Emptiness certificates unwind the same way: if the projected rows p'
   (p' = (|r_j| p - sgn(r_j) p_j r) / c_p without coordinate j, c_p > 0
   their content) have a Gordan vector y', then sum_p y'_p p' = 0 lifts to
   sum_p (y'_p |r_j| / c_p) p + y_r r = 0 with y_r = -sgn(r_j) sum_p y'_p
   p_j / c_p, and dotting with d (p.d > 0, r.d < 0: r.d = 0 would put d
   on the hyperplane, a witness there) shows y_r > 0. */
static int _pd_seidel(fmpz *d, fmpz *y, const fmpz *rows, slong m, slong n,
                      slong t0)
{
    slong t, k, q, j;
    int ok = 1;
    fmpz_t s, u, v, N, aj;
    fmpz *sub = NULL, *dsub = NULL, *ysub = NULL, *cont = NULL;

    if (y != NULL)
        _fmpz_vec_zero(y, m);
    if (n == 0) {
        if (m > 0 && y != NULL)
            fmpz_one(y);          /* 0 > 0 fails for the first row */
        return m == 0;
    }
    fmpz_init(s);
    fmpz_init(u);
    fmpz_init(v);
    fmpz_init(N);
    fmpz_init(aj);
    if (t0 == 0)
        _fmpz_vec_zero(d, n);
    dsub = _fmpz_vec_init(n);
    for (t = t0; t < m && ok; t++) {
        const fmpz *r = rows + t * n;
        _pd_zdot(s, r, d, n);
        if (fmpz_sgn(s) > 0)
            continue;
        /* pivot: the non-zero entry of smallest size */
        j = -1;
        for (k = 0; k < n; k++)
            if (!fmpz_is_zero(r + k) &&
                (j < 0 || fmpz_cmpabs(r + k, r + j) < 0))
                j = k;
        if (j < 0) {
            ok = 0;                   /* 0 > 0 never holds */
            if (y != NULL)
                fmpz_one(y + t);
            break;
        }
        fmpz_abs(aj, r + j);
        /* the earlier rows restricted to r.d = 0 */
        sub = _fmpz_vec_init(FLINT_MAX(t * (n - 1), 1));
        cont = _fmpz_vec_init(FLINT_MAX(t, 1));
        for (q = 0; q < t; q++) {
            const fmpz *p = rows + q * n;
            fmpz *o = sub + q * (n - 1);
            slong c = 0;
            for (k = 0; k < n; k++) {
                if (k == j)
                    continue;
                /* o_k = |r_j| p_k - sgn(r_j) p_j r_k */
                fmpz_mul(o + c, aj, p + k);
                if (fmpz_sgn(r + j) > 0)
                    fmpz_submul(o + c, p + j, r + k);
                else
                    fmpz_addmul(o + c, p + j, r + k);
                c++;
            }
            _fmpz_vec_content(cont + q, o, n - 1);
            if (!fmpz_is_zero(cont + q) && !fmpz_is_one(cont + q))
                _fmpz_vec_scalar_divexact_fmpz(o, o, n - 1, cont + q);
            if (fmpz_is_zero(cont + q))
                fmpz_one(cont + q);
        }
        if (y != NULL)
            ysub = _fmpz_vec_init(FLINT_MAX(t, 1));
        ok = _pd_seidel(dsub, ysub, sub, t, n - 1, 0);
        _fmpz_vec_clear(sub, FLINT_MAX(t * (n - 1), 1));
        sub = NULL;
        if (!ok) {
            if (y != NULL) {
                /* lift y' (see above), scaled by L = lcm c_p to integers */
                fmpz_t L, w;
                fmpz_init(L);
                fmpz_init(w);
                fmpz_one(L);
                for (q = 0; q < t; q++)
                    if (!fmpz_is_zero(ysub + q))
                        fmpz_lcm(L, L, cont + q);
                fmpz_zero(y + t);
                for (q = 0; q < t; q++) {
                    if (fmpz_is_zero(ysub + q))
                        continue;
                    fmpz_divexact(w, L, cont + q);
                    fmpz_mul(w, w, ysub + q);          /* y'_q L / c_q */
                    fmpz_mul(y + q, w, aj);
                    fmpz_addmul(y + t, w, rows + q * n + j);
                }
                if (fmpz_sgn(r + j) > 0)
                    fmpz_neg(y + t, y + t);
                _pd_zvec_primitive(y, t + 1);
                fmpz_clear(L);
                fmpz_clear(w);
            }
            break;
        }
        if (ysub != NULL) {
            _fmpz_vec_clear(ysub, FLINT_MAX(t, 1));
            ysub = NULL;
        }
        _fmpz_vec_clear(cont, FLINT_MAX(t, 1));
        cont = NULL;
        /* lift: d1_k = |r_j| dsub_k (k != j), d1_j = -sgn(r_j) sum r_k dsub_k */
        {
            slong c = 0;
            fmpz_zero(v);
            for (k = 0; k < n; k++) {
                if (k == j)
                    continue;
                fmpz_addmul(v, r + k, dsub + c);
                fmpz_mul(d + k, aj, dsub + c);
                c++;
            }
            if (fmpz_sgn(r + j) > 0)
                fmpz_neg(d + j, v);
            else
                fmpz_set(d + j, v);
        }
        /* N > (-p.r) / (p.d1) for every earlier row with p.r < 0 */
        fmpz_one(N);
        for (q = 0; q < t; q++) {
            const fmpz *p = rows + q * n;
            _pd_zdot(u, p, r, n);
            if (fmpz_sgn(u) >= 0)
                continue;
            _pd_zdot(v, p, d, n);    /* > 0 by the recursion */
            fmpz_neg(u, u);
            fmpz_fdiv_q(u, u, v);
            fmpz_add_ui(u, u, 1);
            if (fmpz_cmp(u, N) > 0)
                fmpz_set(N, u);
        }
        for (k = 0; k < n; k++) {
            fmpz_mul(d + k, d + k, N);
            fmpz_add(d + k, d + k, r + k);
        }
        _pd_zvec_primitive(d, n);
    }
    /* after a break t is the failing row: the sizes allocated above */
    if (ysub != NULL)
        _fmpz_vec_clear(ysub, FLINT_MAX(t, 1));
    if (cont != NULL)
        _fmpz_vec_clear(cont, FLINT_MAX(t, 1));
    _fmpz_vec_clear(dsub, n);
    fmpz_clear(s);
    fmpz_clear(u);
    fmpz_clear(v);
    fmpz_clear(N);
    fmpz_clear(aj);
    return ok;
}

int _pd_cone_open_seidel(fmpz *d, fmpz *y, const fmpz *A, slong m, slong n)
{
    /* Process the rows in a fixed pseudo-random order (Seidel's expected
       bound needs a random order; a fixed one keeps answers
       reproducible). */
    fmpz *rows = _fmpz_vec_init(FLINT_MAX(m * n, 1));
    slong *perm = flint_malloc(FLINT_MAX(m, 1) * sizeof(slong));
    fmpz *yp;
    ulong st = 0x2545F4914F6CDD1DUL;
    slong i, k;
    int ok;
    for (i = 0; i < m; i++)
        perm[i] = i;
    for (i = m - 1; i > 0; i--) {
        slong r, tmp;
        st ^= st << 13;
        st ^= st >> 7;
        st ^= st << 17;
        r = (slong) (st % (ulong) (i + 1));
        tmp = perm[i];
        perm[i] = perm[r];
        perm[r] = tmp;
    }
    for (i = 0; i < m; i++)
        for (k = 0; k < n; k++)
            fmpz_set(rows + i * n + k, A + perm[i] * n + k);
    yp = (y != NULL) ? _fmpz_vec_init(FLINT_MAX(m, 1)) : NULL;
    ok = _pd_seidel(d, yp, rows, m, n, 0);
    if (y != NULL) {
        for (i = 0; i < m; i++)
            fmpz_set(y + perm[i], yp + i);
        _fmpz_vec_clear(yp, FLINT_MAX(m, 1));
    }
    flint_free(perm);
    _fmpz_vec_clear(rows, FLINT_MAX(m * n, 1));
    return ok;
}

int _pd_cone_extend_seidel(fmpz *d, const fmpz *A, slong m, slong n, slong m0)
{
    /* Rows m0.. in the given order, from a d good for rows 0..m0-1: one
       step of the outer loop per new row (each step solves its own
       (n-1)-dimensional problem from scratch). */
    if (n == 0)
        return m == 0;
    return _pd_seidel(d, NULL, A, m, n, m0);
}
