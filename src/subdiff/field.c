/* field.c: the backprop conservative field at a point, as the vertices of
   its convex hull (MATH.md 5), group by group. */
#include "pd-impl.h"
#include "pathdiff/exact.h"
#include "pathdiff/local.h"
#include "pathdiff/sets.h"
#include "pathdiff/subdiff.h"
#include "subdiff/subdiff-impl.h"

/* Union-find over tied-node positions 0..k-1. */
static slong _pd_uf_find(slong *parent, slong i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static void _pd_uf_union(slong *parent, slong i, slong j)
{
    i = _pd_uf_find(parent, i);
    j = _pd_uf_find(parent, j);
    if (i < j)
        parent[j] = i;
    else if (j < i)
        parent[i] = j;
}

/* group[t] for the k tied nodes tied[0..k): two tied nodes share a group
   when one is an ancestor of the other (then some path may meet both and
   backprop multiplies their local derivatives).  Ancestry among tied
   nodes is carried forward as bit sets, one per node. */
static void _pd_field_groups(slong *group, const pd_prog_t P,
                             const slong *tied, slong k)
{
    slong words = (k + FLINT_BITS - 1) / FLINT_BITS, i, j, a, t;
    ulong *anc = flint_calloc(P->len * FLINT_MAX(words, 1), sizeof(ulong));
    slong *pos = flint_malloc(P->len * sizeof(slong));
    slong *parent = flint_malloc(FLINT_MAX(k, 1) * sizeof(slong));

    for (i = 0; i < P->len; i++)
        pos[i] = -1;
    for (t = 0; t < k; t++) {
        pos[tied[t]] = t;
        parent[t] = t;
    }
    for (i = 0; i < P->len; i++) {
        ulong *ai = anc + i * words;
        const pd_node_struct *nd = P->nodes + i;
        for (a = 0; a < nd->nargs; a++) {
            const ulong *aa = anc + nd->args[a] * words;
            for (j = 0; j < words; j++)
                ai[j] |= aa[j];
        }
        if (pos[i] >= 0) {
            /* i is tied: join it with every tied ancestor. */
            for (j = 0; j < words; j++) {
                ulong w = ai[j];
                slong b;
                for (b = 0; w != 0; b++, w >>= 1)
                    if (w & 1)
                        _pd_uf_union(parent, pos[i], j * FLINT_BITS + b);
            }
            ai[pos[i] / FLINT_BITS] |= UWORD(1) << (pos[i] % FLINT_BITS);
        }
    }
    for (t = 0; t < k; t++)
        group[t] = _pd_uf_find(parent, t);
    flint_free(parent);
    flint_free(pos);
    flint_free(anc);
}

/* Vertices of the Minkowski sum of the polytopes with vertex lists
   hulls[0..nh) (each in canonical order), into H.  A point sum_g v_g is a
   vertex iff the open normal cones of the v_g in their polytopes meet:
   N(v) = {c : c.(v - w) > 0 for every other vertex w}; then c is
   maximised at sum_g v_g alone, and the decomposition is unique.  So the
   vertices are enumerated like the Clarke pieces: choose v_g group by
   group, keep a witness c of the open cone of the rows chosen so far, and
   cut a prefix as soon as that cone is empty (exact, Seidel).  The work
   follows the number of vertices, not the product of the hull sizes. */
typedef struct {
    slong n, nh, nrows, ralloc;
    const pd_ptset_struct *hulls;
    fmpz **vrows;          /* vrows[g][a]: rows of N(vertex a of hull g) */
    fmpz *rows;            /* the rows of the current prefix */
    fmpz *cstack;          /* one witness per level */
    slong *choice;
    slong visited;
    const pd_limits_struct *lim;
    pd_ptset_struct *H;
    fmpq *acc;
} _pd_msum_struct;

static void _pd_rat_to_primitive(fmpz *z, const fmpq *v, slong n)
{
    fmpz_t l, g;
    slong j;
    fmpz_init(l);
    fmpz_init(g);
    fmpz_one(l);
    for (j = 0; j < n; j++)
        fmpz_lcm(l, l, fmpq_denref(v + j));
    for (j = 0; j < n; j++) {
        fmpz_divexact(z + j, l, fmpq_denref(v + j));
        fmpz_mul(z + j, z + j, fmpq_numref(v + j));
        fmpz_gcd(g, g, z + j);
    }
    if (!fmpz_is_zero(g) && !fmpz_is_one(g))
        for (j = 0; j < n; j++)
            fmpz_divexact(z + j, z + j, g);
    fmpz_clear(l);
    fmpz_clear(g);
}

static pd_status_t _pd_msum_rec(_pd_msum_struct *M, slong g, pd_error_t err)
{
    pd_status_t status = PD_OK;
    slong a, n = M->n, nn = FLINT_MAX(n, 1), j, r, k, r0;
    const pd_ptset_struct *Vg;
    fmpz *c, *cn;

    if (g == M->nh) {
        /* a vertex: the sum of the chosen vertices */
        for (j = 0; j < n; j++)
            fmpq_zero(M->acc + j);
        for (k = 0; k < M->nh; k++)
            for (j = 0; j < n; j++)
                fmpq_add(M->acc + j, M->acc + j,
                         pd_ptset_entry(M->hulls + k, M->choice[k]) + j);
        pd_ptset_append(M->H, M->acc);
        return PD_OK;
    }
    Vg = M->hulls + g;
    c = M->cstack + g * nn;
    cn = M->cstack + (g + 1) * nn;
    r0 = M->nrows;
    k = Vg->len - 1;                  /* rows per vertex */
    for (a = 0; a < Vg->len; a++) {
        int ok = 1;
        if (M->lim->max_pieces > 0 && M->visited >= M->lim->max_pieces)
            return pd_error_set(err, PD_ELIMIT,
                "the backprop field needs more than %ld vertex combinations "
                "(--max-pieces)", (long) M->lim->max_pieces);
        if (pd_limits_expired(M->lim))
            return pd_error_set(err, PD_ELIMIT,
                "time limit reached while computing the backprop field (--timeout)");
        M->visited++;
        if (r0 + k > M->ralloc) {
            slong na = FLINT_MAX(r0 + k, 2 * M->ralloc);
            M->rows = flint_realloc(M->rows, na * nn * sizeof(fmpz));
            for (j = M->ralloc * nn; j < na * nn; j++)
                fmpz_init(M->rows + j);
            M->ralloc = na;
        }
        for (r = 0; r < k * n; r++)
            fmpz_set(M->rows + r0 * nn + r, M->vrows[g] + (a * k) * n + r);
        M->nrows = r0 + k;
        /* the parent's witness may do; otherwise extend it exactly */
        for (r = r0; r < M->nrows && ok; r++) {
            fmpz_t s;
            fmpz_init(s);
            for (j = 0; j < n; j++)
                fmpz_addmul(s, M->rows + r * nn + j, c + j);
            ok = fmpz_sgn(s) > 0;
            fmpz_clear(s);
        }
        for (j = 0; j < n; j++)
            fmpz_set(cn + j, c + j);
        if (!ok) {
            ok = pd_cone_open_fmpz_extend(cn, M->rows, M->nrows, n, r0);
            if (ok < 0) {
                status = pd_error_set(err, PD_EINTERNAL,
                                      "internal error: open-cone LP failed");
                break;
            }
        }
        if (ok) {
            M->choice[g] = a;
            status = _pd_msum_rec(M, g + 1, err);
            if (status != PD_OK)
                break;
        }
    }
    M->nrows = r0;
    return status;
}

static pd_status_t _pd_minkowski_vertices(pd_ptset_t H,
                                          const pd_ptset_struct *hulls,
                                          slong nh, slong n,
                                          const pd_limits_struct *lim,
                                          pd_error_t err)
{
    pd_status_t status;
    _pd_msum_struct M[1];
    slong g, a, b, nn = FLINT_MAX(n, 1), r;
    fmpq *diff = _fmpq_vec_init(nn);

    pd_ptset_zero(H);
    M->n = n;
    M->nh = nh;
    M->hulls = hulls;
    M->nrows = M->ralloc = 0;
    M->rows = NULL;
    M->visited = 0;
    M->lim = lim;
    M->H = H;
    M->acc = _fmpq_vec_init(nn);
    M->choice = flint_malloc(FLINT_MAX(nh, 1) * sizeof(slong));
    M->cstack = _fmpz_vec_init((nh + 1) * nn);
    M->vrows = flint_malloc(FLINT_MAX(nh, 1) * sizeof(fmpz *));
    for (g = 0; g < nh; g++) {
        const pd_ptset_struct *Vg = hulls + g;
        slong k = Vg->len - 1;
        M->vrows[g] = _fmpz_vec_init(FLINT_MAX(Vg->len * k * n, 1));
        for (a = 0; a < Vg->len; a++)
            for (b = 0, r = 0; b < Vg->len; b++) {
                slong j;
                if (b == a)
                    continue;
                for (j = 0; j < n; j++)
                    fmpq_sub(diff + j, pd_ptset_entry(Vg, a) + j,
                             pd_ptset_entry(Vg, b) + j);
                _pd_rat_to_primitive(M->vrows[g] + (a * k + r) * n, diff, n);
                r++;
            }
    }
    status = _pd_msum_rec(M, 0, err);
    if (status != PD_OK)
        pd_ptset_zero(H);
    for (g = 0; g < nh; g++)
        _fmpz_vec_clear(M->vrows[g],
                        FLINT_MAX(hulls[g].len * (hulls[g].len - 1) * n, 1));
    flint_free(M->vrows);
    _fmpz_vec_clear(M->cstack, (nh + 1) * nn);
    if (M->rows != NULL)
        _fmpz_vec_clear(M->rows, M->ralloc * nn);
    flint_free(M->choice);
    _fmpq_vec_clear(M->acc, nn);
    _fmpq_vec_clear(diff, nn);
    return status;
}

pd_status_t pd_field_vertices(pd_ptset_t V, slong *ngroups, slong *choices,
                              const pd_prog_t P, const fmpq *x,
                              const pd_limits_t lim, pd_error_t err)
{
    pd_status_t status = PD_OK;
    slong n = P->ninputs, k = 0, i, t, g, ng = 0, nch = 0, max_pieces;
    pd_eval_t ev;
    slong *tied = NULL, *group = NULL, *members = NULL, *pattern = NULL;
    fmpq *gref = NULL, *grad = NULL;
    pd_ptset_struct *hulls = NULL;
    slong nh = 0;
    fmpq_t val;
    pd_ptset_t H, S, Vg;
    pd_limits_t deflim;

    if (lim == NULL) {
        pd_limits_init(deflim);
        lim = deflim;
    }
    max_pieces = lim->max_pieces;

    pd_eval_init(ev, P);
    pd_ptset_init(H, n);
    pd_ptset_init(S, n);
    pd_ptset_init(Vg, n);
    fmpq_init(val);
    gref = _fmpq_vec_init(FLINT_MAX(n, 1));
    grad = _fmpq_vec_init(FLINT_MAX(n, 1));
    pd_ptset_zero(V);
    if (V->dim != n) {
        pd_ptset_clear(V);
        pd_ptset_init(V, n);
    }

    PD_TRY(pd_eval_fmpq(ev, P, x, err));
    tied = flint_malloc(FLINT_MAX(P->len, 1) * sizeof(slong));
    for (i = 0; i < P->len; i++)
        if (pd_eval_is_tied(ev, i))
            tied[k++] = i;
    pattern = flint_malloc(FLINT_MAX(P->nslots, 1) * sizeof(slong));
    for (i = 0; i < P->nslots; i++)
        pattern[i] = ev->pattern[i];
    PD_TRY(pd_piece_grad_fmpq(gref, val, P, pattern, x, err));

    group = flint_malloc(FLINT_MAX(k, 1) * sizeof(slong));
    members = flint_malloc(FLINT_MAX(k, 1) * sizeof(slong));
    _pd_field_groups(group, P, tied, k);

    for (g = 0; g < k; g++) {
        slong nm = 0, j;
        int more;
        if (group[g] != g)
            continue;                 /* not a group's representative */
        ng++;
        for (t = 0; t < k; t++)
            if (group[t] == g)
                members[nm++] = tied[t];

        /* Every vertex choice of the group, the other nodes at their
           reference choice: an odometer over the members' active choices. */
        pd_ptset_zero(S);
        for (j = 0; j < nm; j++)
            pd_eval_choice_first(pattern + P->nodes[members[j]].slot, ev,
                                 members[j]);
        do {
            if (max_pieces > 0 && nch >= max_pieces) {
                status = pd_error_set(err, PD_ELIMIT,
                    "the backprop field needs more than %ld vertex choices "
                    "(--max-pieces)", (long) max_pieces);
                goto cleanup;
            }
            if (pd_limits_expired(lim)) {
                status = pd_error_set(err, PD_ELIMIT,
                    "time limit reached while computing the backprop field");
                goto cleanup;
            }
            nch++;
            PD_TRY(pd_piece_grad_fmpq(grad, val, P, pattern, x, err));
            for (i = 0; i < n; i++)
                fmpq_sub(grad + i, grad + i, gref + i);
            pd_ptset_append(S, grad);
            more = 0;
            for (j = nm - 1; j >= 0 && !more; j--) {
                slong *c = pattern + P->nodes[members[j]].slot;
                if (pd_eval_choice_next(c, ev, members[j]))
                    more = 1;
                else
                    pd_eval_choice_first(c, ev, members[j]);
            }
        } while (more);
        /* Back to the reference choices for the next group. */
        for (j = 0; j < nm; j++) {
            slong s0 = P->nodes[members[j]].slot;
            slong ns = pd_prog_node_nslots(P, members[j]), q;
            for (q = 0; q < ns; q++)
                pattern[s0 + q] = ev->pattern[s0 + q];
        }

        PD_TRY(pd_hull_vertices(Vg, S, err));
        if (Vg->len == 1 && _pd_qvec_is_zero_sd(pd_ptset_entry(Vg, 0), n))
            continue;                 /* the group changes nothing */
        hulls = flint_realloc(hulls, (nh + 1) * sizeof(pd_ptset_struct));
        pd_ptset_init(hulls + nh, n);
        pd_ptset_set(hulls + nh, Vg);
        nh++;
    }

    /* conv D_P(x) = gref + the Minkowski sum of the groups' hulls. */
    PD_TRY(_pd_minkowski_vertices(H, hulls, nh, n, lim, err));
    for (i = 0; i < H->len; i++) {
        slong q;
        for (q = 0; q < n; q++)
            fmpq_add(grad + q, pd_ptset_entry(H, i) + q, gref + q);
        pd_ptset_append(V, grad);
    }
    pd_ptset_sort_unique(V);

cleanup:
    if (status != PD_OK)
        pd_ptset_zero(V);
    if (ngroups != NULL)
        *ngroups = (status == PD_OK) ? ng : 0;
    if (choices != NULL)
        *choices = nch;
    for (i = 0; i < nh; i++)
        pd_ptset_clear(hulls + i);
    flint_free(hulls);
    flint_free(tied);
    flint_free(group);
    flint_free(members);
    flint_free(pattern);
    _fmpq_vec_clear(gref, FLINT_MAX(n, 1));
    _fmpq_vec_clear(grad, FLINT_MAX(n, 1));
    fmpq_clear(val);
    pd_ptset_clear(H);
    pd_ptset_clear(S);
    pd_ptset_clear(Vg);
    pd_eval_clear(ev);
    return status;
}

void pd_field_init(pd_field_t F)
{
    pd_clarke_init(F->clarke);
    pd_ptset_init(F->vertices, 0);
    F->ngroups = 0;
    F->choices = 0;
}

void pd_field_clear(pd_field_t F)
{
    pd_clarke_clear(F->clarke);
    pd_ptset_clear(F->vertices);
}

pd_status_t pd_field_at(pd_field_t F, const pd_prog_t P, const fmpq *x,
                        const pd_limits_t lim, pd_error_t err)
{
    pd_status_t status;
    status = pd_clarke_at(F->clarke, P, x, lim, err);
    if (status != PD_OK) {
        pd_ptset_zero(F->vertices);
        return status;
    }
    status = pd_field_vertices(F->vertices, &F->ngroups, &F->choices, P, x,
                               lim, err);
    if (status != PD_OK)
        _pd_clarke_reset(F->clarke);
    return status;
}
