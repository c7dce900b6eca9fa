/* curve.c: the polynomial curve object gamma: [a, b] -> R^n. */
#include "pathdiff/curve.h"
#include "pd-impl.h"

void pd_curve_init(pd_curve_t g, slong n)
{
    slong k;
    g->n = n;
    g->coord = flint_malloc(FLINT_MAX(n, 1) * sizeof(fmpq_poly_struct));
    for (k = 0; k < n; k++)
        fmpq_poly_init(g->coord + k);
    fmpq_init(g->a);
    fmpq_init(g->b);
    fmpq_one(g->b);
}

void pd_curve_clear(pd_curve_t g)
{
    slong k;
    for (k = 0; k < g->n; k++)
        fmpq_poly_clear(g->coord + k);
    flint_free(g->coord);
    g->coord = NULL;
    g->n = 0;
    fmpq_clear(g->a);
    fmpq_clear(g->b);
}

pd_status_t pd_curve_set_range(pd_curve_t g, const fmpq_t a, const fmpq_t b,
                               pd_error_t err)
{
    if (fmpq_cmp(a, b) >= 0)
        return pd_error_set(err, PD_EINVAL,
                            "the parameter range a..b needs a < b");
    fmpq_set(g->a, a);
    fmpq_set(g->b, b);
    return PD_OK;
}
