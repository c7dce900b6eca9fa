/* grad_fmpq.c: exact AD over the rationals, reverse and forward mode, with
   the convention's exact local derivatives (pd_conv_local_fmpq). */
#include "ad-impl.h"

/* Bits above which an exact power is refused (PD_ELIMIT). */
#define PD_AD_POW_BITS 50000000

/* Workspace.  Invariant: v holds the constants at the CONST nodes; w, av
   are scratch arrays of maxargs entries (av: shallow copies, never
   cleared). */
typedef struct {
    slong len, maxargs;
    fmpq *v, *a, *w;
    fmpq *av;
    fmpq_t t;
} _exws;

void _pd_tape_fmpq_clear(pd_tape_t T)
{
    _exws *W = T->ex;
    if (W == NULL)
        return;
    _fmpq_vec_clear(W->v, W->len);
    _fmpq_vec_clear(W->a, W->len);
    _fmpq_vec_clear(W->w, W->maxargs);
    flint_free(W->av);
    fmpq_clear(W->t);
    flint_free(W);
    T->ex = NULL;
}

static _exws *_ws(pd_tape_t T)
{
    _exws *W = T->ex;
    slong i;
    if (W != NULL)
        return W;
    W = flint_malloc(sizeof(_exws));
    W->len = T->len;
    W->maxargs = 2;
    for (i = 0; i < T->len; i++)
        if (T->prog->nodes[i].nargs > W->maxargs)
            W->maxargs = T->prog->nodes[i].nargs;
    W->v = _fmpq_vec_init(W->len + 1);
    W->a = _fmpq_vec_init(W->len + 1);
    W->w = _fmpq_vec_init(W->maxargs);
    W->av = flint_malloc(W->maxargs * sizeof(fmpq));
    fmpq_init(W->t);
    for (i = 0; i < T->nconstnodes; i++)
        fmpq_set(W->v + T->constnode[i], T->kq + i);
    T->ex = W;
    return W;
}

/* Gather the argument values of node o as shallow copies into W->av. */
static const fmpq *_args(_exws *W, const pd_prog_struct *P, slong o)
{
    const pd_node_struct *nd = P->nodes + o;
    slong k;
    for (k = 0; k < nd->nargs; k++)
        W->av[k] = W->v[nd->args[k]];
    return W->av;
}

static pd_status_t _forward(pd_tape_t T, _exws *W, const fmpq *x,
                            pd_error_t err)
{
    fmpq *v = W->v;
    const pd_prog_struct *P = T->prog;
    slong i, k;
    T->ntied = 0;
    for (k = 0; k < T->ninputs; k++)
        fmpq_set(v + P->input_nodes[k], x + k);
    for (i = 0; i < T->ninstr; i++) {
        const pd_tape_instr_struct *I = T->instr + i;
        const int o = I->out, a = I->a, b = I->b;
        const pd_node_struct *nd = P->nodes + o;
        switch (I->op) {
        case PD_OP_ADD: fmpq_add(v + o, v + a, v + b); break;
        case PD_OP_SUB: fmpq_sub(v + o, v + a, v + b); break;
        case PD_OP_MUL: fmpq_mul(v + o, v + a, v + b); break;
        case PD_OP_NEG: fmpq_neg(v + o, v + a); break;
        case PD_OP_DIV: fmpq_div(v + o, v + a, T->kq + I->aux); break;
        case PD_OP_POW: {
            slong n = nd->index;
            if (n > 0 && (double) (fmpz_bits(fmpq_numref(v + a))
                          + fmpz_bits(fmpq_denref(v + a))) * (double) n
                         > PD_AD_POW_BITS)
                return pd_error_set(err, PD_ELIMIT,
                                    "exact power too large (node %ld)",
                                    (long) o);
            fmpq_pow_si(v + o, v + a, n);
            break;
        }
        case PD_OP_RELU:
            if (fmpq_sgn(v + a) > 0)
                fmpq_set(v + o, v + a);
            else
                fmpq_zero(v + o);
            break;
        case PD_OP_ABS: fmpq_abs(v + o, v + a); break;
        case PD_OP_LEAKY_RELU:
            if (fmpq_sgn(v + a) > 0)
                fmpq_set(v + o, v + a);
            else
                fmpq_mul(v + o, v + a, nd->c);
            break;
        case PD_OP_CLAMP: case PD_OP_HARDTANH: case PD_OP_RELU6:
            if (fmpq_cmp(v + a, nd->c) < 0)
                fmpq_set(v + o, nd->c);
            else if (fmpq_cmp(v + a, nd->c2) > 0)
                fmpq_set(v + o, nd->c2);
            else
                fmpq_set(v + o, v + a);
            break;
        case PD_OP_MAX: case PD_OP_MIN: {
            slong best = 0;
            for (k = 1; k < nd->nargs; k++) {
                int c = fmpq_cmp(v + nd->args[k], v + nd->args[best]);
                if (I->op == PD_OP_MAX ? c > 0 : c < 0)
                    best = k;
            }
            fmpq_set(v + o, v + nd->args[best]);
            break;
        }
        case PD_OP_SORT: {
            const fmpq *av = _args(W, P, o);
            slong off = T->sortoff[o];
            pd_status_t st = pd_conv_local_fmpq(NULL, T->perm + off, T->conv,
                                                P, o, av, err);
            if (st != PD_OK)
                return st;
            for (k = 0; k < nd->nargs; k++)
                T->perm[T->nsortslots + off + T->perm[off + k]] = k;
            fmpq_zero(v + o);
            break;
        }
        case PD_OP_SORTED: {
            const slong s = a, j = nd->index;
            fmpq_set(v + o, v + P->nodes[s].args[T->perm[T->sortoff[s] + j]]);
            break;
        }
        default:
            break;
        }
        if (pd_op_is_nonsmooth(nd->op)
            && pd_conv_node_is_tied(P, o, _args(W, P, o)))
            _pd_tape_tie(T, o);
        (void) b;
    }
    return PD_OK;
}

/* The convention's local derivatives of nonsmooth node o into W->w. */
static pd_status_t _local(_exws *W, pd_tape_t T, slong o, pd_error_t err)
{
    return pd_conv_local_fmpq(W->w, NULL, T->conv, T->prog, o,
                              _args(W, T->prog, o), err);
}

pd_status_t pd_ad_grad_fmpq(fmpq_t value, fmpq *grad, pd_tape_t T,
                            const fmpq *x, pd_error_t err)
{
    _exws *W = _ws(T);
    fmpq *v = W->v, *ad = W->a;
    const pd_prog_struct *P = T->prog;
    pd_status_t status;
    slong i, k;

    status = _forward(T, W, x, err);
    if (status != PD_OK)
        return status;
    fmpq_set(value, v + P->output);
    if (grad == NULL)
        return PD_OK;
    for (i = 0; i < T->len; i++)
        fmpq_zero(ad + i);
    fmpq_one(ad + P->output);
    for (i = T->ninstr - 1; i >= 0; i--) {
        const pd_tape_instr_struct *I = T->instr + i;
        const int o = I->out, a = I->a, b = I->b, f = I->flags;
        const pd_node_struct *nd = P->nodes + o;
        const fmpq *g = ad + o;
        if (!(f & PD_TAPE_LIVE) || fmpq_is_zero(g))
            continue;
        switch (I->op) {
        case PD_OP_ADD:
            if (f & PD_TAPE_RA) fmpq_add(ad + a, ad + a, g);
            if (f & PD_TAPE_RB) fmpq_add(ad + b, ad + b, g);
            break;
        case PD_OP_SUB:
            if (f & PD_TAPE_RA) fmpq_add(ad + a, ad + a, g);
            if (f & PD_TAPE_RB) fmpq_sub(ad + b, ad + b, g);
            break;
        case PD_OP_MUL:
            if (f & PD_TAPE_RA) fmpq_addmul(ad + a, g, v + b);
            if (f & PD_TAPE_RB) fmpq_addmul(ad + b, g, v + a);
            break;
        case PD_OP_NEG:
            fmpq_sub(ad + a, ad + a, g);
            break;
        case PD_OP_DIV:
            fmpq_div(W->t, g, T->kq + I->aux);
            fmpq_add(ad + a, ad + a, W->t);
            break;
        case PD_OP_POW: {
            slong n = nd->index;
            if (n == 0)
                break;
            fmpq_pow_si(W->t, v + a, n - 1);
            fmpq_mul_si(W->t, W->t, n);
            fmpq_addmul(ad + a, g, W->t);
            break;
        }
        case PD_OP_RELU:
            /* the common case without the general rule */
            if (fmpq_sgn(v + a) > 0)
                fmpq_add(ad + a, ad + a, g);
            else if (fmpq_is_zero(v + a) && !fmpq_is_zero(T->conv->relu0))
                fmpq_addmul(ad + a, g, T->conv->relu0);
            break;
        case PD_OP_ABS: case PD_OP_LEAKY_RELU: case PD_OP_CLAMP:
        case PD_OP_HARDTANH: case PD_OP_RELU6: case PD_OP_MAX: case PD_OP_MIN:
            status = _local(W, T, o, err);
            if (status != PD_OK)
                return status;
            for (k = 0; k < nd->nargs; k++)
                if (T->live[nd->args[k]] && !fmpq_is_zero(W->w + k))
                    fmpq_addmul(ad + nd->args[k], g, W->w + k);
            break;
        case PD_OP_SORTED: {
            /* straight to the sorted argument: the sum is exact */
            const slong s = a, j = nd->index;
            slong arg = P->nodes[s].args[T->perm[T->sortoff[s] + j]];
            if (T->live[arg])
                fmpq_add(ad + arg, ad + arg, g);
            break;
        }
        default:
            break;
        }
    }
    for (k = 0; k < T->ninputs; k++) {
        slong n = P->input_nodes[k];
        if (T->live[n])
            fmpq_set(grad + k, ad + n);
        else
            fmpq_zero(grad + k);
    }
    return PD_OK;
}

pd_status_t pd_ad_jvp_fmpq(fmpq_t value, fmpq_t dot, pd_tape_t T,
                           const fmpq *x, const fmpq *dir, pd_error_t err)
{
    _exws *W = _ws(T);
    fmpq *v = W->v, *d = W->a;
    const pd_prog_struct *P = T->prog;
    pd_status_t status;
    slong i, k;

    status = _forward(T, W, x, err);
    if (status != PD_OK)
        return status;
    for (k = 0; k < T->nconstnodes; k++)
        fmpq_zero(d + T->constnode[k]);
    for (k = 0; k < T->ninputs; k++)
        fmpq_set(d + P->input_nodes[k], dir + k);
    for (i = 0; i < T->ninstr; i++) {
        const pd_tape_instr_struct *I = T->instr + i;
        const int o = I->out, a = I->a, b = I->b;
        const pd_node_struct *nd = P->nodes + o;
        switch (I->op) {
        case PD_OP_ADD: fmpq_add(d + o, d + a, d + b); break;
        case PD_OP_SUB: fmpq_sub(d + o, d + a, d + b); break;
        case PD_OP_MUL:
            fmpq_mul(d + o, d + a, v + b);
            fmpq_addmul(d + o, v + a, d + b);
            break;
        case PD_OP_NEG: fmpq_neg(d + o, d + a); break;
        case PD_OP_DIV: fmpq_div(d + o, d + a, T->kq + I->aux); break;
        case PD_OP_POW: {
            slong n = nd->index;
            if (n == 0) {
                fmpq_zero(d + o);
                break;
            }
            fmpq_pow_si(W->t, v + a, n - 1);
            fmpq_mul_si(W->t, W->t, n);
            fmpq_mul(d + o, W->t, d + a);
            break;
        }
        case PD_OP_RELU: case PD_OP_ABS: case PD_OP_LEAKY_RELU:
        case PD_OP_CLAMP: case PD_OP_HARDTANH: case PD_OP_RELU6:
        case PD_OP_MAX: case PD_OP_MIN:
            status = _local(W, T, o, err);
            if (status != PD_OK)
                return status;
            fmpq_zero(d + o);
            for (k = 0; k < nd->nargs; k++)
                fmpq_addmul(d + o, W->w + k, d + nd->args[k]);
            break;
        case PD_OP_SORT:
            fmpq_zero(d + o);
            break;
        case PD_OP_SORTED: {
            const slong s = a, j = nd->index;
            fmpq_set(d + o, d + P->nodes[s].args[T->perm[T->sortoff[s] + j]]);
            break;
        }
        default:
            break;
        }
        (void) b;
    }
    fmpq_set(value, v + P->output);
    fmpq_set(dot, d + P->output);
    return PD_OK;
}
