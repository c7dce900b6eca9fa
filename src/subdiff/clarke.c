/* clarke.c: the Clarke subdifferential at a point by output-sensitive
   enumeration of the essentially active pieces (MATH.md 3, 4, 5). */
#include "pd-impl.h"
#include "pathdiff/exact.h"
#include "pathdiff/local.h"
#include "pathdiff/sets.h"
#include "pathdiff/subdiff.h"
#include "subdiff/subdiff-impl.h"
#include <string.h>

/* ---- the result object ------------------------------------------------ */

void pd_clarke_init(pd_clarke_t C)
{
    C->n = 0;
    C->nslots = 0;
    C->point = NULL;
    fmpq_init(C->value);
    C->tied = NULL;
    C->ntied = 0;
    C->pieces = NULL;
    C->npieces = C->palloc = 0;
    C->cuts = NULL;
    C->ncuts = C->cut_alloc = 0;
    pd_ptset_init(C->vertices, 0);
    pd_ptset_init(C->outer, 0);
    C->undecided = 0;
    C->differentiable = PD_UNKNOWN;
    C->gradient = NULL;
    C->ray_witness[0] = C->ray_witness[1] = -1;
    C->visited = 0;
}

static void _pd_piece_entry_clear(pd_clarke_piece_struct *p, slong n)
{
    flint_free(p->pattern);
    _fmpq_vec_clear(p->gradient, FLINT_MAX(n, 1));
    flint_free(p->guard_node);
    pd_activity_clear(p->activity);
    pd_activity_clear(p->ray);
}

static void _pd_cut_entry_clear(pd_clarke_cut_struct *c, slong n)
{
    flint_free(c->pattern);
    flint_free(c->guard_node);
    flint_free(c->affine);
    _fmpq_vec_clear(c->grads, FLINT_MAX(c->nguards * n, 1));
    if (c->mult != NULL)
        _fmpq_vec_clear(c->mult, FLINT_MAX(c->nguards, 1));
}

void _pd_clarke_reset(pd_clarke_t C)
{
    slong i;
    for (i = 0; i < C->npieces; i++)
        _pd_piece_entry_clear(C->pieces + i, C->n);
    for (i = 0; i < C->ncuts; i++)
        _pd_cut_entry_clear(C->cuts + i, C->n);
    C->npieces = 0;
    C->ncuts = 0;
    if (C->point != NULL)
        _fmpq_vec_clear(C->point, FLINT_MAX(C->n, 1));
    if (C->gradient != NULL)
        _fmpq_vec_clear(C->gradient, FLINT_MAX(C->n, 1));
    C->point = NULL;
    C->gradient = NULL;
    flint_free(C->tied);
    C->tied = NULL;
    C->ntied = 0;
    fmpq_zero(C->value);
    pd_ptset_zero(C->vertices);
    pd_ptset_zero(C->outer);
    C->undecided = 0;
    C->differentiable = PD_UNKNOWN;
    C->ray_witness[0] = C->ray_witness[1] = -1;
    C->visited = 0;
}

void pd_clarke_clear(pd_clarke_t C)
{
    _pd_clarke_reset(C);
    flint_free(C->pieces);
    flint_free(C->cuts);
    C->pieces = NULL;
    C->cuts = NULL;
    C->palloc = C->cut_alloc = 0;
    fmpq_clear(C->value);
    pd_ptset_clear(C->vertices);
    pd_ptset_clear(C->outer);
}

/* ---- the enumeration -------------------------------------------------- */

/* State of one enumeration.  The current prefix is the piece pc (pushed
   node by node); grads[0..nrows) are the gradients at x of its guards
   that vanish at x, in push order, zrows the same rows scaled to
   primitive integer vectors (a positive scaling: same open cone),
   row_guard their index among pc's guards, row_affine 1 for degree <= 1.
   A prefix is "first-order active" when the open cone {d : rows.d > 0} is
   non-empty (MATH.md 4, step 1): then x + t d enters its region for small
   t > 0.  dstack holds one witness per tied level. */
typedef struct {
    const pd_prog_struct *P;
    const fmpq *x;
    fmpq **xp;
    const pd_limits_struct *lim;
    pd_eval_struct *ev;
    pd_piece_struct *pc;
    slong n, last_tied;
    fmpq *grads;
    fmpz *zrows;
    slong *row_guard;
    int *row_affine;
    slong nrows, ralloc;
    fmpz *dstack;
    slong dlevels;
    fmpz *ztmp, *dtmp;
    slong *row_node;       /* the node owning each row's guard */
    slong *pattern;        /* the current pattern (pc's, or own when affine) */
    int affine;            /* piecewise-affine program: no polynomials */
    fmpq *gval, *ggrad, *work, *adj;   /* affine path: guards of one node */
    slong gcap;
    fmpq_mpoly_t tmp;
    fmpq_t q;
    fmpz_t s, l;
    pd_clarke_struct *C;
} _pd_enum_struct;

#define NN(E) FLINT_MAX((E)->n, 1)
#define GROW(E, r) ((E)->grads + (r) * NN(E))
#define ZROW(E, r) ((E)->zrows + (r) * NN(E))

static void _pd_enum_rows_fit(_pd_enum_struct *E, slong len)
{
    slong i, na;
    if (len <= E->ralloc)
        return;
    na = FLINT_MAX(len, 2 * E->ralloc);
    E->grads = flint_realloc(E->grads, na * NN(E) * sizeof(fmpq));
    E->zrows = flint_realloc(E->zrows, na * NN(E) * sizeof(fmpz));
    E->ztmp = flint_realloc(E->ztmp, na * NN(E) * sizeof(fmpz));
    for (i = E->ralloc * NN(E); i < na * NN(E); i++) {
        fmpq_init(E->grads + i);
        fmpz_init(E->zrows + i);
        fmpz_init(E->ztmp + i);
    }
    E->row_guard = flint_realloc(E->row_guard, na * sizeof(slong));
    E->row_node = flint_realloc(E->row_node, na * sizeof(slong));
    E->row_affine = flint_realloc(E->row_affine, na * sizeof(int));
    E->ralloc = na;
}

/* act: yes by OPEN_CONE with direction d (or VALUE when no guard
   vanishes), curve x + t d. */
static void _pd_activity_set_ray(pd_activity_t act, const _pd_enum_struct *E,
                                 const fmpz *d)
{
    slong i;
    pd_activity_fit(act, E->n, E->nrows, 0);
    act->active = PD_TRUE;
    act->step = E->nrows == 0 ? PD_STEP_VALUE : PD_STEP_OPEN_CONE;
    for (i = 0; i < E->n; i++) {
        fmpq_poly_set_fmpq(act->curve + i, E->x + i);
        if (E->nrows > 0) {
            fmpq_set_fmpz(act->dir + i, d + i);
            fmpq_poly_set_coeff_fmpz(act->curve + i, 1, d + i);
        }
    }
    if (E->nrows == 0)
        flint_sprintf(act->reason, "no guard vanishes at the point");
    else
        flint_sprintf(act->reason, "a direction d with grad g_j(x).d > 0 for "
                      "all %wd vanishing guards", E->nrows);
}

/* The matrix of rows idx[0..m) of grads (all rows when idx == NULL). */
static void _pd_enum_matrix(fmpq_mat_t A, const _pd_enum_struct *E,
                            const slong *idx, slong m)
{
    slong i, j;
    fmpq_mat_init(A, m, E->n);
    for (i = 0; i < m; i++)
        for (j = 0; j < E->n; j++)
            fmpq_set(fmpq_mat_entry(A, i, j),
                     GROW(E, idx == NULL ? i : idx[i]) + j);
}

/* Scale row r's gradient (grads) to a primitive integer vector in zrows. */
static void _pd_enum_zrow(_pd_enum_struct *E, slong r)
{
    fmpq *gr = GROW(E, r);
    fmpz *zr = ZROW(E, r);
    slong v;
    fmpz_one(E->l);
    for (v = 0; v < E->n; v++)
        fmpz_lcm(E->l, E->l, fmpq_denref(gr + v));
    fmpz_zero(E->s);
    for (v = 0; v < E->n; v++) {
        fmpz_divexact(zr + v, E->l, fmpq_denref(gr + v));
        fmpz_mul(zr + v, zr + v, fmpq_numref(gr + v));
        fmpz_gcd(E->s, E->s, zr + v);
    }
    if (!fmpz_is_zero(E->s) && !fmpz_is_one(E->s))
        for (v = 0; v < E->n; v++)
            fmpz_divexact(zr + v, zr + v, E->s);
}

/* Append, for the guards of the last push, the rows of those vanishing at
   x.  A guard negative at x would mean the choice is not active. */
static pd_status_t _pd_enum_add_rows(_pd_enum_struct *E, pd_error_t err)
{
    pd_status_t status = PD_OK;
    const fmpq_mpoly_ctx_struct *ctx = pd_piece_ctx(E->pc);
    slong j, v, g0 = pd_piece_last_gstart(E->pc), g1 = pd_piece_nguards(E->pc);
    for (j = g0; j < g1; j++) {
        const fmpq_mpoly_struct *g = pd_piece_guard(E->pc, j);
        fmpq *gr;
        if (!fmpq_mpoly_evaluate_all_fmpq(E->q, g, E->xp, ctx)) {
            status = pd_error_set(err, PD_EINTERNAL,
                                  "internal error: guard evaluation failed");
            goto cleanup;
        }
        PD_CHECK_INTERNAL(fmpq_sgn(E->q) >= 0);
        if (!fmpq_is_zero(E->q))
            continue;
        _pd_enum_rows_fit(E, E->nrows + 1);
        gr = GROW(E, E->nrows);
        E->row_affine[E->nrows] = 1;
        for (v = 0; v < E->n; v++) {
            fmpq_mpoly_derivative(E->tmp, g, v, ctx);
            if (!fmpq_mpoly_is_fmpq(E->tmp, ctx))
                E->row_affine[E->nrows] = 0;   /* degree > 1 */
            if (!fmpq_mpoly_evaluate_all_fmpq(gr + v, E->tmp, E->xp, ctx)) {
                status = pd_error_set(err, PD_EINTERNAL,
                                      "internal error: guard evaluation failed");
                goto cleanup;
            }
        }
        _pd_enum_zrow(E, E->nrows);
        E->row_guard[E->nrows] = j;
        E->row_node[E->nrows] = pd_piece_guard_node(E->pc, j);
        E->nrows++;
    }
cleanup:
    return status;
}

/* Affine path: the guards of node's current choice (in E->pattern) by
   reverse mode; append the rows of those vanishing at x (identically zero
   ones are dropped by the merge rule, *flags says so). */
static pd_status_t _pd_enum_add_rows_affine(int *flags, _pd_enum_struct *E,
                                            slong node, pd_error_t err)
{
    pd_status_t status = PD_OK;
    slong ng, j, v;
    ng = _pd_guards_at(E->gval, E->ggrad, flags, E->work, E->adj, E->P,
                       E->ev->val, E->pattern, node);
    for (j = 0; j < ng; j++) {
        const fmpq *gg = E->ggrad + j * NN(E);
        PD_CHECK_INTERNAL(fmpq_sgn(E->gval + j) >= 0);
        if (!fmpq_is_zero(E->gval + j) || _pd_qvec_is_zero_sd(gg, E->n))
            continue;            /* positive at x, or identically zero */
        _pd_enum_rows_fit(E, E->nrows + 1);
        for (v = 0; v < E->n; v++)
            fmpq_set(GROW(E, E->nrows) + v, gg + v);
        _pd_enum_zrow(E, E->nrows);
        E->row_guard[E->nrows] = -1;
        E->row_node[E->nrows] = node;
        E->row_affine[E->nrows] = 1;
        E->nrows++;
    }
cleanup:
    return status;
}

/* The vanishing guards of the current prefix as a contiguous array of
   shallow copies (read-only views of pc's polynomials), and their nodes. */
static void _pd_enum_guards(fmpq_mpoly_struct *g, slong *gnode,
                            const _pd_enum_struct *E)
{
    slong r;
    for (r = 0; r < E->nrows; r++) {
        if (g != NULL)
            g[r] = *pd_piece_guard(E->pc, E->row_guard[r]);
        if (gnode != NULL)
            gnode[r] = E->row_node[r];
    }
}

/* Record that the prefix ending at node is cut, decided by step; mult
   (over the current rows) may be NULL: computed on demand. */
static void _pd_enum_cut(_pd_enum_struct *E, slong node, pd_step_t step,
                         const fmpq *mult)
{
    pd_clarke_struct *C = E->C;
    pd_clarke_cut_struct *c;
    slong i, end, m = E->nrows;
    if (C->ncuts == C->cut_alloc) {
        C->cut_alloc = FLINT_MAX(8, 2 * C->cut_alloc);
        C->cuts = flint_realloc(C->cuts, C->cut_alloc * sizeof(pd_clarke_cut_struct));
    }
    c = C->cuts + C->ncuts++;
    c->node = node;
    c->step = step;
    c->nguards = m;
    c->pattern = flint_malloc(FLINT_MAX(E->P->nslots, 1) * sizeof(slong));
    end = E->P->nodes[node].slot + pd_prog_node_nslots(E->P, node);
    for (i = 0; i < E->P->nslots; i++)
        c->pattern[i] = (i < end) ? E->pattern[i] : -1;
    c->guard_node = flint_malloc(FLINT_MAX(m, 1) * sizeof(slong));
    c->affine = flint_malloc(FLINT_MAX(m, 1) * sizeof(int));
    c->grads = _fmpq_vec_init(FLINT_MAX(m * E->n, 1));
    _pd_enum_guards(NULL, c->guard_node, E);
    for (i = 0; i < m; i++)
        c->affine[i] = E->row_affine[i];
    for (i = 0; i < m * E->n; i++)
        fmpq_set(c->grads + i, GROW(E, i / E->n) + i % E->n);
    c->mult = NULL;
    if (mult != NULL) {
        c->mult = _fmpq_vec_init(FLINT_MAX(m, 1));
        for (i = 0; i < m; i++)
            fmpq_set(c->mult + i, mult + i);
    }
}

/* A complete pattern: its gradient, essential activity (MATH.md 4) and,
   unless refuted, open ray activity (MATH.md 5).  fo, d: the first-order
   state of the pattern (see _pd_enum_rec). */
static pd_status_t _pd_enum_leaf(_pd_enum_struct *E, int fo, const fmpz *d,
                                 pd_error_t err)
{
    pd_status_t status = PD_OK;
    pd_clarke_struct *C = E->C;
    pd_clarke_piece_struct *p;
    fmpq_mpoly_struct *g = NULL;
    slong k = E->nrows, i, na = 0;
    fmpq_t val;

    fmpq_init(val);
    if (C->npieces == C->palloc) {
        C->palloc = FLINT_MAX(8, 2 * C->palloc);
        C->pieces = flint_realloc(C->pieces,
                                  C->palloc * sizeof(pd_clarke_piece_struct));
    }
    p = C->pieces + C->npieces++;
    p->pattern = flint_malloc(FLINT_MAX(E->P->nslots, 1) * sizeof(slong));
    for (i = 0; i < E->P->nslots; i++)
        p->pattern[i] = E->pattern[i];
    p->gradient = _fmpq_vec_init(NN(E));
    p->guard_node = flint_malloc(FLINT_MAX(k, 1) * sizeof(slong));
    p->nguards = k;
    pd_activity_init(p->activity);
    pd_activity_init(p->ray);
    p->essentially_active = PD_UNKNOWN;
    p->decided_by = PD_STEP_NONE;
    p->ray_active = PD_UNKNOWN;
    _pd_enum_guards(NULL, p->guard_node, E);

    PD_TRY(pd_piece_grad_fmpq(p->gradient, val, E->P, p->pattern, E->x, err));
    for (i = 0; i < k; i++)
        na += E->row_affine[i];

    if (fo) {
        /* MATH.md 4, step 1.  Every row is then a non-zero gradient, so
           the lowest form of every tied guard is the linear form
           grad g_j(x).d, positive at d: open-ray-active too. */
        _pd_activity_set_ray(p->activity, E, d);
        _pd_activity_set_ray(p->ray, E, d);
        p->ray->ray = 1;
    } else if (na == k) {
        /* Step 3: affine guards with an empty open cone; Gordan vector.
           Not essentially active, so not open-ray-active either. */
        fmpq_mat_t A;
        int ne;
        pd_activity_fit(p->activity, E->n, k, 0);
        _pd_enum_matrix(A, E, NULL, k);
        status = pd_cone_open(&ne, NULL, p->activity->mult, A, err);
        fmpq_mat_clear(A);
        if (status != PD_OK)
            goto cleanup;
        PD_CHECK_INTERNAL(!ne);
        p->activity->active = PD_FALSE;
        p->activity->step = PD_STEP_AFFINE;
        flint_sprintf(p->activity->reason, "affine guards with an empty open "
                      "cone (Gordan multipliers)");
    } else {
        g = flint_malloc(FLINT_MAX(k, 1) * sizeof(fmpq_mpoly_struct));
        _pd_enum_guards(g, NULL, E);
        PD_TRY(pd_local_activity(p->activity, g, k, E->x, pd_piece_ctx(E->pc),
                                 E->lim, 0, err));
        if (p->activity->active != PD_FALSE)
            PD_TRY(pd_local_ray_activity(p->ray, g, k, E->x,
                                         pd_piece_ctx(E->pc), E->lim, 0, err));
    }
    if (p->activity->active == PD_UNKNOWN && p->ray->active == PD_TRUE) {
        /* The ray x + t d of an open-ray-activity certificate enters the
           region (L_j(d) > 0 for every tied guard): a witness curve. */
        slong j;
        pd_activity_fit(p->activity, E->n, k, 0);
        p->activity->active = PD_TRUE;
        p->activity->step = PD_STEP_CURVE;
        for (j = 0; j < E->n; j++) {
            fmpq_set(p->activity->dir + j, p->ray->dir + j);
            fmpq_poly_set(p->activity->curve + j, p->ray->curve + j);
        }
        flint_sprintf(p->activity->reason, "the ray of the ray-activity "
                      "certificate enters the region");
    }
    p->essentially_active = p->activity->active;
    p->decided_by = p->activity->step;
    p->ray_active = (p->essentially_active == PD_FALSE) ? PD_FALSE
                                                        : p->ray->active;

cleanup:
    flint_free(g);
    fmpq_clear(val);
    return status;
}

/* The open cone of the current rows is empty: try to show that no
   completion of the prefix is essentially active.  *cut = 1 when done
   (and the cut recorded). */
static pd_status_t _pd_enum_refute(int *cut, _pd_enum_struct *E, slong node,
                                   pd_error_t err)
{
    pd_status_t status = PD_OK;
    slong m = E->nrows, i, j, na = 0;
    fmpq *mult = _fmpq_vec_init(FLINT_MAX(m, 1));
    fmpq_mat_t A;
    int z;

    *cut = 0;
    fmpq_mat_init(A, 0, 0);
    for (i = 0; i < m; i++)
        na += E->row_affine[i];
    /* Affine guards are exact to first order (MATH.md 4, step 3): if the
       affine ones alone have an empty open cone, the region is empty. */
    if (na == m) {
        _pd_enum_cut(E, node, PD_STEP_AFFINE, NULL);
        *cut = 1;
        goto cleanup;
    }
    if (na > 0) {
        slong a = 0;
        for (i = 0; i < m; i++)
            if (E->row_affine[i]) {
                for (j = 0; j < E->n; j++)
                    fmpz_set(E->ztmp + a * NN(E) + j, ZROW(E, i) + j);
                a++;
            }
        if (pd_cone_open_fmpz(E->dtmp, E->ztmp, na, E->n) == 0) {
            _pd_enum_cut(E, node, PD_STEP_AFFINE, NULL);
            *cut = 1;
            goto cleanup;
        }
    }
    /* MATH.md 4, step 2: the closed cone {0} lets no curve enter. */
    fmpq_mat_clear(A);
    _pd_enum_matrix(A, E, NULL, m);
    PD_TRY(pd_cone_closed_is_zero(&z, NULL, mult, A, err));
    if (z) {
        _pd_enum_cut(E, node, PD_STEP_CLOSED_CONE, mult);
        *cut = 1;
        goto cleanup;
    }
    /* One variable: Taylor signs are complete (step 4); let local/ decide
       the prefix with its first-order steps. */
    if (E->n == 1) {
        pd_activity_t act;
        fmpq_mpoly_struct *g = flint_malloc(FLINT_MAX(m, 1) * sizeof(fmpq_mpoly_struct));
        pd_activity_init(act);
        _pd_enum_guards(g, NULL, E);
        status = pd_local_activity(act, g, m, E->x, pd_piece_ctx(E->pc),
                                   E->lim, PD_LOCAL_FIRST_ORDER, err);
        if (status == PD_OK && act->active == PD_FALSE) {
            _pd_enum_cut(E, node, act->step,
                         (act->k == m && act->mult != NULL) ? act->mult : mult);
            *cut = 1;
        }
        pd_activity_clear(act);
        flint_free(g);
    }

cleanup:
    fmpq_mat_clear(A);
    _fmpq_vec_clear(mult, FLINT_MAX(m, 1));
    return status;
}

static pd_status_t _pd_enum_rec(_pd_enum_struct *E, int fo, const fmpz *d,
                                slong level, pd_error_t err);
static pd_status_t _pd_enum_rec_affine(_pd_enum_struct *E, int fo,
                                       const fmpz *d, slong level,
                                       pd_error_t err);

static pd_status_t _pd_enum_limits(_pd_enum_struct *E, pd_error_t err)
{
    if (E->lim->max_pieces > 0 && E->C->visited >= E->lim->max_pieces)
        return pd_error_set(err, PD_ELIMIT,
            "more than %ld pattern prefixes to examine (--max-pieces)",
            (long) E->lim->max_pieces);
    if (pd_limits_expired(E->lim))
        return pd_error_set(err, PD_ELIMIT,
            "time limit reached while enumerating pieces (--timeout)");
    E->C->visited++;
    return PD_OK;
}

/* A tied node's choice has been made and its vanishing rows appended
   (rows r0..): decide the child prefix and grow it unless cut.  fo, d: the
   parent's first-order state; dn: room for the child's witness.

   MATH.md 4, step 1, incrementally: the parent's witness may still do;
   otherwise an exact solve extending it.  A prefix that is not first-order
   active has no first-order active completion, and is cut when a sound
   refutation applies (always, for affine guards). */
static pd_status_t _pd_enum_child(_pd_enum_struct *E, int fo, const fmpz *d,
                                  fmpz *dn, slong r0, slong node, slong level,
                                  pd_error_t err)
{
    pd_status_t status = PD_OK;
    int nfo = 0, cut = 0;
    slong r, j;
    if (fo) {
        nfo = 1;
        for (r = r0; r < E->nrows && nfo; r++) {
            fmpz_zero(E->s);
            for (j = 0; j < E->n; j++)
                fmpz_addmul(E->s, ZROW(E, r) + j, d + j);
            if (fmpz_sgn(E->s) <= 0)
                nfo = 0;
        }
        for (j = 0; j < E->n; j++)
            fmpz_set(dn + j, d + j);
        if (!nfo) {
            int ne = pd_cone_open_fmpz_extend(dn, E->zrows, E->nrows, E->n, r0);
            if (ne < 0)
                return pd_error_set(err, PD_EINTERNAL,
                                    "internal error: open-cone LP failed");
            nfo = ne;
        }
    }
    if (!nfo && E->nrows > r0 && node != E->last_tied)
        status = _pd_enum_refute(&cut, E, node, err);
    if (status == PD_OK && !cut)
        status = E->affine ? _pd_enum_rec_affine(E, nfo, dn, level + 1, err)
                           : _pd_enum_rec(E, nfo, dn, level + 1, err);
    return status;
}

/* Grow the prefix from the next nonsmooth node, through exact/'s
   polynomial pieces.  fo: the prefix is first-order active with witness d
   (d unused otherwise).  Untied nodes take their unique active branch
   (guards positive at x: no new rows); tied ones try each active choice. */
static pd_status_t _pd_enum_rec(_pd_enum_struct *E, int fo, const fmpz *d,
                                slong level, pd_error_t err)
{
    pd_status_t status = PD_OK;
    slong node = pd_piece_next_node(E->pc), ns, r0;
    slong *choice = NULL;
    fmpz *dn;

    if (node < 0)
        return _pd_enum_leaf(E, fo, d, err);

    ns = pd_prog_node_nslots(E->P, node);
    choice = flint_malloc(FLINT_MAX(ns, 1) * sizeof(slong));
    pd_eval_choice_first(choice, E->ev, node);

    if (!pd_eval_is_tied(E->ev, node)) {
        PD_TRY(pd_piece_push(E->pc, choice, err));
        status = _pd_enum_rec(E, fo, d, level, err);
        pd_piece_pop(E->pc);
        goto cleanup;
    }

    dn = E->dstack + (level + 1) * NN(E);
    do {
        PD_TRY(_pd_enum_limits(E, err));
        PD_TRY(pd_piece_push(E->pc, choice, err));
        if (pd_piece_last_flags(E->pc) & PD_PIECE_REDUNDANT) {
            /* Same polynomial and guards as a smaller choice (merge rule). */
            pd_piece_pop(E->pc);
            continue;
        }
        r0 = E->nrows;
        status = _pd_enum_add_rows(E, err);
        if (status == PD_OK)
            status = _pd_enum_child(E, fo, d, dn, r0, node, level, err);
        E->nrows = r0;
        pd_piece_pop(E->pc);
        if (status != PD_OK)
            goto cleanup;
    } while (pd_eval_choice_next(choice, E->ev, node));

cleanup:
    flint_free(choice);
    return status;
}

/* The same for piecewise-affine programs, without polynomials: only the
   tied nodes are visited (untied ones keep their branch in E->pattern),
   and guard gradients come from reverse mode at x. */
static pd_status_t _pd_enum_rec_affine(_pd_enum_struct *E, int fo,
                                       const fmpz *d, slong level,
                                       pd_error_t err)
{
    pd_status_t status = PD_OK;
    slong node, ns, r0, k, *choice, *saved;
    fmpz *dn;

    if (level == E->C->ntied)
        return _pd_enum_leaf(E, fo, d, err);
    node = E->C->tied[level];
    ns = pd_prog_node_nslots(E->P, node);
    choice = E->pattern + E->P->nodes[node].slot;
    saved = flint_malloc(FLINT_MAX(ns, 1) * sizeof(slong));
    for (k = 0; k < ns; k++)
        saved[k] = choice[k];
    dn = E->dstack + (level + 1) * NN(E);
    pd_eval_choice_first(choice, E->ev, node);
    do {
        int flags;
        PD_TRY(_pd_enum_limits(E, err));
        r0 = E->nrows;
        status = _pd_enum_add_rows_affine(&flags, E, node, err);
        if (status == PD_OK && !(flags & PD_PIECE_REDUNDANT))
            status = _pd_enum_child(E, fo, d, dn, r0, node, level, err);
        E->nrows = r0;
        if (status != PD_OK)
            goto cleanup;
    } while (pd_eval_choice_next(choice, E->ev, node));

cleanup:
    for (k = 0; k < ns; k++)
        choice[k] = saved[k];
    flint_free(saved);
    return status;
}

pd_status_t pd_clarke_cut_certify(pd_clarke_t C, slong i, pd_error_t err)
{
    pd_status_t status = PD_OK;
    pd_clarke_cut_struct *c;
    fmpq_mat_t A;
    fmpq *y = NULL;
    slong *idx = NULL, m, na = 0, j, q;
    int ne;

    if (i < 0 || i >= C->ncuts)
        return pd_error_set(err, PD_EINVAL, "no cut %ld (there are %ld)",
                            (long) i, (long) C->ncuts);
    c = C->cuts + i;
    if (c->mult != NULL)
        return PD_OK;
    m = c->nguards;
    c->mult = _fmpq_vec_init(FLINT_MAX(m, 1));
    if (c->step != PD_STEP_AFFINE)
        return PD_OK;                 /* decided elsewhere, no multipliers */
    idx = flint_malloc(FLINT_MAX(m, 1) * sizeof(slong));
    for (j = 0; j < m; j++)
        if (c->affine[j])
            idx[na++] = j;
    fmpq_mat_init(A, na, C->n);
    for (j = 0; j < na; j++)
        for (q = 0; q < C->n; q++)
            fmpq_set(fmpq_mat_entry(A, j, q), c->grads + idx[j] * C->n + q);
    y = _fmpq_vec_init(FLINT_MAX(na, 1));
    PD_TRY(pd_cone_open(&ne, NULL, y, A, err));
    PD_CHECK_INTERNAL(!ne);
    for (j = 0; j < na; j++)
        fmpq_set(c->mult + idx[j], y + j);
cleanup:
    fmpq_mat_clear(A);
    _fmpq_vec_clear(y, FLINT_MAX(na, 1));
    flint_free(idx);
    return status;
}

/* ---- post-processing -------------------------------------------------- */

/* vertices, outer, differentiable (MATH.md 3 and 5). */
static pd_status_t _pd_clarke_sets(pd_clarke_t C, pd_error_t err)
{
    pd_status_t status = PD_OK;
    pd_ptset_t A, O, DA, DO;
    slong i, first = -1, cand, unknown_other = 0, n = C->n;
    fmpq *zero;

    pd_ptset_init(A, n);
    pd_ptset_init(O, n);
    pd_ptset_init(DA, n);
    pd_ptset_init(DO, n);
    zero = _fmpq_vec_init(FLINT_MAX(n, 1));
    C->undecided = 0;
    for (i = 0; i < C->npieces; i++) {
        pd_clarke_piece_struct *p = C->pieces + i;
        /* A witness direction d of an open cone is a good hint: the
           piece's gradient is then often the unique maximiser of d.g. */
        const fmpq *hint = (p->decided_by == PD_STEP_OPEN_CONE &&
                            p->activity->dir != NULL) ? p->activity->dir : zero;
        if (p->essentially_active == PD_TRUE) {
            pd_ptset_append(A, p->gradient);
            pd_ptset_append(DA, hint);
        }
        if (p->essentially_active != PD_FALSE) {
            pd_ptset_append(O, p->gradient);
            pd_ptset_append(DO, hint);
        }
        if (p->essentially_active == PD_UNKNOWN)
            C->undecided++;
    }
    PD_TRY(pd_hull_vertices_hinted(C->vertices, A, DA, err));
    if (C->undecided == 0)
        pd_ptset_set(C->outer, C->vertices);
    else
        PD_TRY(pd_hull_vertices_hinted(C->outer, O, DO, err));
    /* The Clarke set is non-empty and lies in the outer hull: when that
       is one point, it is the Clarke set, undecided pieces or not. */
    if (C->outer->len == 1)
        pd_ptset_set(C->vertices, C->outer);

    /* MATH.md 5: differentiable iff every open-ray-active piece has the
       same gradient (the directions whose ray enters an open-ray-active
       piece are open and dense, and f'(x; .) is continuous). */
    C->differentiable = PD_UNKNOWN;
    for (i = 0; i < C->npieces; i++) {
        pd_clarke_piece_struct *p = C->pieces + i;
        if (p->ray_active != PD_TRUE)
            continue;
        if (first < 0)
            first = i;
        else if (!_pd_qvec_equal(p->gradient, C->pieces[first].gradient, n)) {
            C->differentiable = PD_FALSE;
            C->ray_witness[0] = first;
            C->ray_witness[1] = i;
            goto cleanup;
        }
    }
    /* The pieces whose open ray activity is not refuted: some of them
       are open-ray-active (there is at least one, the directions above
       being dense).  If they all share one gradient, f is differentiable
       with it, even when it is not known which of them are; an undecided
       piece with another gradient leaves the answer undecided. */
    cand = -1;
    for (i = 0; i < C->npieces; i++) {
        pd_clarke_piece_struct *p = C->pieces + i;
        if (p->ray_active == PD_FALSE)
            continue;
        if (cand < 0)
            cand = (first >= 0) ? first : i;
        if (!_pd_qvec_equal(p->gradient, C->pieces[cand].gradient, n))
            unknown_other = 1;
    }
    if (n == 0 && C->npieces > 0) {
        /* no inputs: f is a constant */
        C->differentiable = PD_TRUE;
        C->gradient = _fmpq_vec_init(1);
    } else if (cand >= 0 && !unknown_other) {
        C->differentiable = PD_TRUE;
        C->gradient = _fmpq_vec_init(FLINT_MAX(n, 1));
        _pd_qvec_set_sd(C->gradient, C->pieces[cand].gradient, n);
    } else {
        PD_CHECK_INTERNAL(cand >= 0 /* some piece may be ray-active */);
    }

cleanup:
    pd_ptset_clear(A);
    pd_ptset_clear(O);
    pd_ptset_clear(DA);
    pd_ptset_clear(DO);
    _fmpq_vec_clear(zero, FLINT_MAX(n, 1));
    return status;
}

pd_status_t _pd_clarke_at_opts(pd_clarke_t C, const pd_prog_t P,
                               const fmpq *x, const pd_limits_t lim,
                               int force_poly, pd_error_t err)
{
    pd_status_t status = PD_OK;
    _pd_enum_struct E[1];
    pd_eval_t ev;
    pd_piece_t pc;
    pd_limits_t deflim;
    slong i, n = P->ninputs;
    int pc_ready = 0;

    _pd_clarke_reset(C);
    if (P->output < 0)
        return pd_error_set(err, PD_EINVAL, "the program has no output");
    if (lim == NULL) {
        pd_limits_init(deflim);
        lim = deflim;
    }
    C->n = n;
    C->nslots = P->nslots;
    if (C->vertices->dim != n) {
        pd_ptset_clear(C->vertices);
        pd_ptset_init(C->vertices, n);
        pd_ptset_clear(C->outer);
        pd_ptset_init(C->outer, n);
    }
    C->point = _fmpq_vec_init(FLINT_MAX(n, 1));
    _pd_qvec_set_sd(C->point, x, n);

    memset(E, 0, sizeof(E));
    pd_eval_init(ev, P);
    fmpq_init(E->q);
    fmpz_init(E->s);
    fmpz_init(E->l);
    E->P = P;
    E->x = x;
    E->n = n;
    E->lim = lim;
    E->ev = ev;
    E->C = C;
    E->xp = flint_malloc(FLINT_MAX(n, 1) * sizeof(fmpq *));
    for (i = 0; i < n; i++)
        E->xp[i] = (fmpq *) (x + i);

    PD_TRY(pd_eval_fmpq(ev, P, x, err));
    fmpq_set(C->value, pd_eval_output(ev));
    C->tied = flint_malloc(FLINT_MAX(ev->ntied, 1) * sizeof(slong));
    E->last_tied = -1;
    for (i = 0; i < P->len; i++)
        if (pd_eval_is_tied(ev, i)) {
            C->tied[C->ntied++] = i;
            E->last_tied = i;
        }

    E->dlevels = C->ntied + 2;
    E->dstack = _fmpz_vec_init(E->dlevels * FLINT_MAX(n, 1));
    E->dtmp = _fmpz_vec_init(FLINT_MAX(n, 1));
    E->affine = !force_poly && _pd_prog_is_piecewise_affine(P);
    if (E->affine) {
        /* Every guard is affine: first-order data decide everything, and
           reverse mode gives them without building polynomials (whose size
           grows with the number of inputs times the size of the DAG). */
        slong mg = 2;
        for (i = 0; i < P->len; i++)
            mg = FLINT_MAX(mg, P->nodes[i].nargs);
        E->pattern = flint_malloc(FLINT_MAX(P->nslots, 1) * sizeof(slong));
        for (i = 0; i < P->nslots; i++)
            E->pattern[i] = ev->pattern[i];
        E->gval = _fmpq_vec_init(mg);
        E->ggrad = _fmpq_vec_init(mg * FLINT_MAX(n, 1));
        E->work = _fmpq_vec_init(2 * FLINT_MAX(n, 1));
        E->adj = _fmpq_vec_init(FLINT_MAX(P->len, 1));
        E->gcap = mg;
        /* The empty prefix is first-order active with d = 0 (no rows). */
        PD_TRY(_pd_enum_rec_affine(E, 1, E->dstack, 0, err));
    } else {
        pd_piece_init(pc, P);
        pc_ready = 1;
        E->pc = pc;
        E->pattern = pc->pattern;
        fmpq_mpoly_init(E->tmp, pd_piece_ctx(pc));
        PD_TRY(_pd_enum_rec(E, 1, E->dstack, 0, err));
    }
    PD_TRY(_pd_clarke_sets(C, err));

cleanup:
    if (status != PD_OK) {
        /* No partial answer. */
        _pd_clarke_reset(C);
    }
    if (E->dstack != NULL)
        _fmpz_vec_clear(E->dstack, E->dlevels * FLINT_MAX(n, 1));
    if (E->dtmp != NULL)
        _fmpz_vec_clear(E->dtmp, FLINT_MAX(n, 1));
    if (E->grads != NULL) {
        _fmpq_vec_clear(E->grads, E->ralloc * FLINT_MAX(n, 1));
        _fmpz_vec_clear(E->zrows, E->ralloc * FLINT_MAX(n, 1));
        _fmpz_vec_clear(E->ztmp, E->ralloc * FLINT_MAX(n, 1));
    }
    flint_free(E->row_guard);
    flint_free(E->row_node);
    flint_free(E->row_affine);
    if (E->affine) {
        flint_free(E->pattern);
        if (E->gval != NULL) {
            _fmpq_vec_clear(E->gval, E->gcap);
            _fmpq_vec_clear(E->ggrad, E->gcap * FLINT_MAX(n, 1));
            _fmpq_vec_clear(E->work, 2 * FLINT_MAX(n, 1));
            _fmpq_vec_clear(E->adj, FLINT_MAX(P->len, 1));
        }
    }
    if (pc_ready) {
        fmpq_mpoly_clear(E->tmp, pd_piece_ctx(pc));
        pd_piece_clear(pc);
    }
    flint_free(E->xp);
    fmpq_clear(E->q);
    fmpz_clear(E->s);
    fmpz_clear(E->l);
    pd_eval_clear(ev);
    return status;
}

pd_status_t pd_clarke_at(pd_clarke_t C, const pd_prog_t P, const fmpq *x,
                         const pd_limits_t lim, pd_error_t err)
{
    return _pd_clarke_at_opts(C, P, x, lim, 0, err);
}
