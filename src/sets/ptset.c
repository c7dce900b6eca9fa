/* ptset.c: finite lists of rational points, with the canonical order. */
#include "pd-impl.h"
#include "pathdiff/sets.h"
#include <stdlib.h>
#include <string.h>

void pd_ptset_init(pd_ptset_t S, slong dim)
{
    S->coords = NULL;
    S->len = 0;
    S->alloc = 0;
    S->dim = dim;
}

void pd_ptset_clear(pd_ptset_t S)
{
    slong i;
    for (i = 0; i < S->alloc * S->dim; i++)
        fmpq_clear(S->coords + i);
    flint_free(S->coords);
    S->coords = NULL;
    S->len = S->alloc = 0;
}

void pd_ptset_zero(pd_ptset_t S)
{
    slong i;
    for (i = 0; i < S->len * S->dim; i++)
        fmpq_zero(S->coords + i);
    S->len = 0;
}

static void _pd_ptset_fit(pd_ptset_t S, slong len)
{
    slong i, na;
    if (len <= S->alloc)
        return;
    na = FLINT_MAX(len, 2 * S->alloc);
    na = FLINT_MAX(na, 4);
    if (S->dim > 0) {
        S->coords = flint_realloc(S->coords, na * S->dim * sizeof(fmpq));
        for (i = S->alloc * S->dim; i < na * S->dim; i++)
            fmpq_init(S->coords + i);
    }
    S->alloc = na;
}

void pd_ptset_set(pd_ptset_t dst, const pd_ptset_t src)
{
    slong i;
    if (dst == src)
        return;
    if (dst->dim != src->dim) {
        pd_ptset_clear(dst);
        dst->dim = src->dim;
    }
    _pd_ptset_fit(dst, src->len);
    for (i = 0; i < src->len * src->dim; i++)
        fmpq_set(dst->coords + i, src->coords + i);
    for (i = src->len * src->dim; i < dst->len * dst->dim; i++)
        fmpq_zero(dst->coords + i);
    dst->len = src->len;
}

void pd_ptset_append(pd_ptset_t S, const fmpq *p)
{
    slong j;
    _pd_ptset_fit(S, S->len + 1);
    for (j = 0; j < S->dim; j++)
        fmpq_set(pd_ptset_entry(S, S->len) + j, p + j);
    S->len++;
}

int pd_vec_cmp_lex(const fmpq *a, const fmpq *b, slong dim)
{
    slong j;
    for (j = 0; j < dim; j++) {
        int c = fmpq_cmp(a + j, b + j);
        if (c != 0)
            return c < 0 ? -1 : 1;
    }
    return 0;
}

slong pd_ptset_find(const pd_ptset_t S, const fmpq *p)
{
    slong i;
    for (i = 0; i < S->len; i++)
        if (pd_vec_cmp_lex(pd_ptset_entry(S, i), p, S->dim) == 0)
            return i;
    return -1;
}

/* qsort over row indices; the dimension travels in a static because qsort
   has no context argument (sets/ is not thread-safe anyway: cddlib). */
static const pd_ptset_struct *_pd_sort_set;

static int _pd_row_cmp(const void *x, const void *y)
{
    slong i = *(const slong *) x, j = *(const slong *) y;
    int c = pd_vec_cmp_lex(pd_ptset_entry(_pd_sort_set, i),
                           pd_ptset_entry(_pd_sort_set, j), _pd_sort_set->dim);
    if (c != 0)
        return c;
    return (i > j) - (i < j);
}

void pd_ptset_sort_unique(pd_ptset_t S)
{
    slong *idx, i, k, n = S->len, d = S->dim;
    fmpq *nc;
    if (n <= 1)
        return;
    if (d == 0) {
        S->len = 1;
        return;
    }
    idx = flint_malloc(n * sizeof(slong));
    for (i = 0; i < n; i++)
        idx[i] = i;
    _pd_sort_set = S;
    qsort(idx, n, sizeof(slong), _pd_row_cmp);
    _pd_sort_set = NULL;
    /* Swap the rows into a fresh array in sorted order, dropping repeats. */
    nc = flint_malloc(S->alloc * d * sizeof(fmpq));
    for (i = 0; i < S->alloc * d; i++)
        fmpq_init(nc + i);
    k = 0;
    for (i = 0; i < n; i++) {
        slong j;
        if (k > 0 && pd_vec_cmp_lex(nc + (k - 1) * d,
                                    pd_ptset_entry(S, idx[i]), d) == 0)
            continue;
        for (j = 0; j < d; j++)
            fmpq_swap(nc + k * d + j, pd_ptset_entry(S, idx[i]) + j);
        k++;
    }
    for (i = 0; i < S->alloc * d; i++)
        fmpq_clear(S->coords + i);
    flint_free(S->coords);
    S->coords = nc;
    S->len = k;
    flint_free(idx);
}

int pd_ptset_equal(const pd_ptset_t S, const pd_ptset_t T)
{
    slong i;
    if (S->dim != T->dim || S->len != T->len)
        return 0;
    for (i = 0; i < S->len * S->dim; i++)
        if (!fmpq_equal(S->coords + i, T->coords + i))
            return 0;
    return 1;
}
