/* lp.c: exact rational LP through cddlib in GMP mode, behind one call. */
#include "pd-impl.h"
#include "sets/lp.h"
/* configure finds cdd.h under cddlib/ or cdd/ (PD_CDD_DIR). */
#ifndef PD_CDD_DIR
#  define PD_CDD_DIR cdd
#endif
#define PD_CDD_STR_(s) #s
#define PD_CDD_STR(s) PD_CDD_STR_(s)
#include PD_CDD_STR(PD_CDD_DIR/setoper.h)
#include PD_CDD_STR(PD_CDD_DIR/cdd.h)

/* cddlib keeps global constants (dd_zero, ...): set them once, free them in
   pd_sets_cleanup.  Not thread-safe, like cddlib itself. */
static int _pd_cdd_ready = 0;

static void _pd_cdd_ensure(void)
{
    if (!_pd_cdd_ready) {
        dd_set_global_constants();
        _pd_cdd_ready = 1;
    }
}

void pd_sets_cleanup(void)
{
    if (_pd_cdd_ready) {
        dd_free_global_constants();
        _pd_cdd_ready = 0;
    }
}

pd_status_t _pd_lp_min(_pd_lp_result_t *result, fmpq *x, fmpq_t opt,
                       fmpq *dual, const fmpq_mat_t M, const char *eq,
                       const fmpq *obj, pd_error_t err)
{
    pd_status_t status = PD_OK;
    slong m = fmpq_mat_nrows(M), d = fmpq_mat_ncols(M), i, j;
    dd_MatrixPtr A = NULL;
    dd_LPPtr lp = NULL;
    dd_ErrorType derr = dd_NoError;

    _pd_cdd_ensure();
    if (d < 1)
        return pd_error_set(err, PD_EINTERNAL, "internal error: LP with no columns");

    A = dd_CreateMatrix(m, d);
    if (A == NULL)
        return pd_error_set(err, PD_ENOMEM, "out of memory in the LP solver");
    for (i = 0; i < m; i++) {
        for (j = 0; j < d; j++)
            fmpq_get_mpq(A->matrix[i][j], fmpq_mat_entry(M, i, j));
        if (eq != NULL && eq[i])
            set_addelem(A->linset, i + 1);
    }
    A->representation = dd_Inequality;
    A->objective = dd_LPmin;
    for (j = 0; j < d; j++) {
        if (obj != NULL)
            fmpq_get_mpq(A->rowvec[j], obj + j);
        else
            mpq_set_si(A->rowvec[j], 0, 1);
    }

    lp = dd_Matrix2LP(A, &derr);
    if (lp == NULL || derr != dd_NoError) {
        status = pd_error_set(err, PD_EINTERNAL,
                              "internal error: cddlib could not set up an LP (%d)",
                              (int) derr);
        goto cleanup;
    }
    if (!dd_LPSolve(lp, dd_DualSimplex, &derr) || derr != dd_NoError) {
        status = pd_error_set(err, PD_EINTERNAL,
                              "internal error: cddlib LP failed (%d)", (int) derr);
        goto cleanup;
    }

    switch (lp->LPS) {
    case dd_Optimal:
        *result = _PD_LP_OPTIMAL;
        break;
    case dd_Inconsistent:
    case dd_StrucInconsistent:
        *result = _PD_LP_INFEASIBLE;
        goto cleanup;
    case dd_DualInconsistent:
    case dd_StrucDualInconsistent:
        *result = _PD_LP_UNBOUNDED;
        goto cleanup;
    default:
        status = pd_error_set(err, PD_EINTERNAL,
                              "internal error: cddlib LP status %d", (int) lp->LPS);
        goto cleanup;
    }

    /* sol[0] is the homogenising coordinate (1); sol[1..d) is x. */
    if (x != NULL)
        for (j = 1; j < d; j++)
            fmpq_set_mpq(x + j - 1, lp->sol[j]);
    if (opt != NULL)
        fmpq_set_mpq(opt, lp->optvalue);
    if (dual != NULL) {
        /* cddlib: dsol[j] is the reduced cost of the non-basic row
           nbindex[j]; for a minimisation the multiplier is -dsol[j]. */
        for (i = 0; i < m; i++)
            fmpq_zero(dual + i);
        for (j = 1; j < d; j++) {
            slong r = lp->nbindex[j];
            if (r >= 1 && r <= m) {
                fmpq_set_mpq(dual + r - 1, lp->dsol[j]);
                fmpq_neg(dual + r - 1, dual + r - 1);
            }
        }
    }

cleanup:
    if (lp != NULL)
        dd_FreeLPData(lp);
    dd_FreeMatrix(A);
    return status;
}

void _pd_vec_make_primitive(fmpq *v, slong len)
{
    fmpz_t l, g;
    fmpq_t s;
    slong i;
    fmpz_init(l);
    fmpz_init(g);
    fmpq_init(s);
    fmpz_one(l);
    for (i = 0; i < len; i++)
        fmpz_lcm(l, l, fmpq_denref(v + i));
    for (i = 0; i < len; i++) {
        fmpz_t t;
        fmpz_init(t);
        fmpz_divexact(t, l, fmpq_denref(v + i));
        fmpz_mul(t, t, fmpq_numref(v + i));
        fmpz_gcd(g, g, t);
        fmpz_clear(t);
    }
    if (!fmpz_is_zero(g)) {
        fmpq_set_fmpz_frac(s, l, g);
        for (i = 0; i < len; i++)
            fmpq_mul(v + i, v + i, s);
    }
    fmpq_clear(s);
    fmpz_clear(g);
    fmpz_clear(l);
}

void _pd_qvec_zero(fmpq *v, slong len)
{
    slong i;
    for (i = 0; i < len; i++)
        fmpq_zero(v + i);
}

void _pd_qvec_set(fmpq *r, const fmpq *v, slong len)
{
    slong i;
    for (i = 0; i < len; i++)
        fmpq_set(r + i, v + i);
}

int _pd_qvec_is_zero(const fmpq *v, slong len)
{
    slong i;
    for (i = 0; i < len; i++)
        if (!fmpq_is_zero(v + i))
            return 0;
    return 1;
}
