/* grad_mpfr.c: numeric AD in MPFR at any precision (round to nearest),
   with the same sweeps and formulas as the float and double code. */
#include "ad-impl.h"

/* Workspace.  Invariant: every mpfr has precision prec; v holds the
   constants' roundings at the CONST nodes, k the constant tables. */
typedef struct {
    mpfr_prec_t prec;
    slong len, nsort, nconst;
    mpfr_ptr v, a, s, k;
    mpfr_t t, u;
} _mpws;

void _pd_tape_mpfr_clear(pd_tape_t T)
{
    _mpws *W = T->mp;
    slong i;
    if (W == NULL)
        return;
    for (i = 0; i < W->len; i++) {
        mpfr_clear(W->v + i);
        mpfr_clear(W->a + i);
    }
    for (i = 0; i < W->nsort; i++)
        mpfr_clear(W->s + i);
    for (i = 0; i < W->nconst; i++)
        mpfr_clear(W->k + i);
    mpfr_clear(W->t);
    mpfr_clear(W->u);
    flint_free(W->v);
    flint_free(W->a);
    flint_free(W->s);
    flint_free(W->k);
    flint_free(W);
    T->mp = NULL;
}

static void _set_q(mpfr_t r, const fmpq_t q)
{
    mpq_t m;
    mpq_init(m);
    fmpq_get_mpq(m, q);
    mpfr_set_q(r, m, MPFR_RNDN);
    mpq_clear(m);
}

static _mpws *_ws(pd_tape_t T, mpfr_prec_t prec)
{
    _mpws *W = T->mp;
    slong i;
    if (W != NULL && W->prec == prec)
        return W;
    _pd_tape_mpfr_clear(T);
    W = flint_malloc(sizeof(_mpws));
    W->prec = prec;
    W->len = T->len;
    W->nsort = T->nsortslots;
    W->nconst = T->nconst;
    W->v = flint_malloc((W->len + 1) * sizeof(__mpfr_struct));
    W->a = flint_malloc((W->len + 1) * sizeof(__mpfr_struct));
    W->s = flint_malloc((W->nsort + 1) * sizeof(__mpfr_struct));
    W->k = flint_malloc((W->nconst + 1) * sizeof(__mpfr_struct));
    for (i = 0; i < W->len; i++) {
        mpfr_init2(W->v + i, prec);
        mpfr_init2(W->a + i, prec);
        mpfr_set_zero(W->v + i, 1);
        mpfr_set_zero(W->a + i, 1);
    }
    for (i = 0; i < W->nsort; i++)
        mpfr_init2(W->s + i, prec);
    for (i = 0; i < W->nconst; i++) {
        mpfr_init2(W->k + i, prec);
        _set_q(W->k + i, T->kq + i);
    }
    mpfr_init2(W->t, prec);
    mpfr_init2(W->u, prec);
    for (i = 0; i < T->nconstnodes; i++)
        mpfr_set(W->v + T->constnode[i], W->k + i, MPFR_RNDN);
    T->mp = W;
    return W;
}

/* x^n as the float code computes it (x*x, x*x*x, else a correctly
   rounded power). */
static void _pow(mpfr_t r, const mpfr_t x, slong n)
{
    if (n == 0)
        mpfr_set_ui(r, 1, MPFR_RNDN);
    else if (n == 1)
        mpfr_set(r, x, MPFR_RNDN);
    else if (n == 2)
        mpfr_mul(r, x, x, MPFR_RNDN);
    else if (n == 3) {
        mpfr_t t;
        mpfr_init2(t, mpfr_get_prec(r));
        mpfr_mul(t, x, x, MPFR_RNDN);
        mpfr_mul(r, t, x, MPFR_RNDN);
        mpfr_clear(t);
    } else
        mpfr_pow_ui(r, x, (ulong) n, MPFR_RNDN);
}

typedef struct {
    mpfr_srcptr v;
    const slong *args;
} _cmpctx;

static int _cmp(const void *ctx, slong a, slong b)
{
    const _cmpctx *c = ctx;
    return mpfr_cmp(c->v + c->args[a], c->v + c->args[b]);
}

static void _forward(pd_tape_t T, _mpws *W, mpfr_srcptr x)
{
    mpfr_ptr v = W->v;
    const pd_prog_struct *P = T->prog;
    slong i, k;
    T->ntied = 0;
    for (k = 0; k < T->ninputs; k++)
        mpfr_set(v + P->input_nodes[k], x + k, MPFR_RNDN);
    for (i = 0; i < T->ninstr; i++) {
        const pd_tape_instr_struct *I = T->instr + i;
        const int o = I->out, a = I->a, b = I->b;
        switch (I->op) {
        case PD_OP_ADD: mpfr_add(v + o, v + a, v + b, MPFR_RNDN); break;
        case PD_OP_SUB: mpfr_sub(v + o, v + a, v + b, MPFR_RNDN); break;
        case PD_OP_MUL: mpfr_mul(v + o, v + a, v + b, MPFR_RNDN); break;
        case PD_OP_NEG: mpfr_neg(v + o, v + a, MPFR_RNDN); break;
        case PD_OP_DIV: mpfr_div(v + o, v + a, W->k + I->aux, MPFR_RNDN); break;
        case PD_OP_POW: _pow(v + o, v + a, P->nodes[o].index); break;
        case PD_OP_RELU:
            if (mpfr_sgn(v + a) < 0)
                mpfr_set_zero(v + o, 1);
            else
                mpfr_set(v + o, v + a, MPFR_RNDN);
            if (mpfr_zero_p(v + a))
                _pd_tape_tie(T, o);
            break;
        case PD_OP_ABS:
            mpfr_abs(v + o, v + a, MPFR_RNDN);
            if (mpfr_zero_p(v + a))
                _pd_tape_tie(T, o);
            break;
        case PD_OP_LEAKY_RELU:
            if (mpfr_sgn(v + a) > 0)
                mpfr_set(v + o, v + a, MPFR_RNDN);
            else
                mpfr_mul(v + o, v + a, W->k + I->aux, MPFR_RNDN);
            if (mpfr_zero_p(v + a))
                _pd_tape_tie(T, o);
            break;
        case PD_OP_CLAMP: case PD_OP_HARDTANH: case PD_OP_RELU6: {
            mpfr_srcptr lo = W->k + I->aux, hi = W->k + I->aux + 1;
            mpfr_srcptr m = mpfr_greater_p(lo, v + a) ? lo : v + a;
            mpfr_set(v + o, mpfr_less_p(hi, m) ? hi : m, MPFR_RNDN);
            if (mpfr_equal_p(v + a, lo) || mpfr_equal_p(v + a, hi))
                _pd_tape_tie(T, o);
            break;
        }
        case PD_OP_MAX: case PD_OP_MIN: {
            const pd_node_struct *nd = P->nodes + o;
            slong best = 0, cnt = 0;
            for (k = 1; k < nd->nargs; k++) {
                int c = mpfr_cmp(v + nd->args[k], v + nd->args[best]);
                if (I->op == PD_OP_MAX ? c > 0 : c < 0)
                    best = k;
            }
            mpfr_set(v + o, v + nd->args[best], MPFR_RNDN);
            for (k = 0; k < nd->nargs; k++)
                cnt += mpfr_equal_p(v + nd->args[k], v + o);
            if (cnt > 1)
                _pd_tape_tie(T, o);
            break;
        }
        case PD_OP_SORT: {
            const pd_node_struct *nd = P->nodes + o;
            const slong *perm = T->perm + T->sortoff[o];
            _cmpctx c;
            c.v = v;
            c.args = nd->args;
            _pd_tape_sort(T, I, _cmp, &c);
            mpfr_set_zero(v + o, 1);
            for (k = 0; k + 1 < nd->nargs; k++)
                if (mpfr_equal_p(v + nd->args[perm[k]], v + nd->args[perm[k + 1]])) {
                    _pd_tape_tie(T, o);
                    break;
                }
            break;
        }
        case PD_OP_SORTED: {
            const slong s = a, j = P->nodes[o].index;
            mpfr_set(v + o, v + P->nodes[s].args[T->perm[T->sortoff[s] + j]],
                     MPFR_RNDN);
            break;
        }
        default:
            break;
        }
        (void) b;
    }
}

/* ad[i] += g * r for a rational rule r (rounded to the precision). */
static void _addmul_rule(mpfr_t ad, const mpfr_t g, const fmpq_t r, mpfr_t t)
{
    _set_q(t, r);
    mpfr_mul(t, g, t, MPFR_RNDN);
    mpfr_add(ad, ad, t, MPFR_RNDN);
}

static void _backward(pd_tape_t T, _mpws *W, mpfr_ptr grad)
{
    mpfr_ptr v = W->v, ad = W->a, sb = W->s, t = W->t, u = W->u;
    const pd_prog_struct *P = T->prog;
    const pd_conv_struct *C = T->conv;
    slong i, k;

    for (i = 0; i < T->len; i++)
        mpfr_set_zero(ad + i, -1);
    for (k = 0; k < T->nsortslots; k++)
        mpfr_set_zero(sb + k, -1);
    mpfr_set_ui(ad + P->output, 1, MPFR_RNDN);
    for (i = T->ninstr - 1; i >= 0; i--) {
        const pd_tape_instr_struct *I = T->instr + i;
        const int o = I->out, a = I->a, b = I->b, f = I->flags;
        mpfr_srcptr g = ad + o;
        if (!(f & PD_TAPE_LIVE))
            continue;
        switch (I->op) {
        case PD_OP_ADD:
            if (f & PD_TAPE_RA) mpfr_add(ad + a, ad + a, g, MPFR_RNDN);
            if (f & PD_TAPE_RB) mpfr_add(ad + b, ad + b, g, MPFR_RNDN);
            break;
        case PD_OP_SUB:
            if (f & PD_TAPE_RA) mpfr_add(ad + a, ad + a, g, MPFR_RNDN);
            if (f & PD_TAPE_RB) mpfr_sub(ad + b, ad + b, g, MPFR_RNDN);
            break;
        case PD_OP_MUL:
            if (f & PD_TAPE_RA) {
                mpfr_mul(t, g, v + b, MPFR_RNDN);
                mpfr_add(ad + a, ad + a, t, MPFR_RNDN);
            }
            if (f & PD_TAPE_RB) {
                mpfr_mul(t, g, v + a, MPFR_RNDN);
                mpfr_add(ad + b, ad + b, t, MPFR_RNDN);
            }
            break;
        case PD_OP_NEG:
            mpfr_sub(ad + a, ad + a, g, MPFR_RNDN);
            break;
        case PD_OP_DIV:
            mpfr_div(t, g, W->k + I->aux, MPFR_RNDN);
            mpfr_add(ad + a, ad + a, t, MPFR_RNDN);
            break;
        case PD_OP_POW: {
            slong n = P->nodes[o].index;
            if (n == 0) {
                mpfr_set_zero(t, 1);
            } else {
                _pow(u, v + a, n - 1);
                mpfr_mul_si(u, u, n, MPFR_RNDN);
                mpfr_mul(t, g, u, MPFR_RNDN);
            }
            mpfr_add(ad + a, ad + a, t, MPFR_RNDN);
            break;
        }
        case PD_OP_RELU:
            if (mpfr_sgn(v + a) > 0)
                mpfr_add(ad + a, ad + a, g, MPFR_RNDN);
            else if (mpfr_zero_p(v + a) && !fmpq_is_zero(C->relu0))
                _addmul_rule(ad + a, g, C->relu0, t);
            else {
                mpfr_set_zero(t, 1);
                mpfr_add(ad + a, ad + a, t, MPFR_RNDN);
            }
            break;
        case PD_OP_ABS:
            if (mpfr_sgn(v + a) > 0)
                mpfr_mul_si(t, g, 1, MPFR_RNDN);
            else if (mpfr_sgn(v + a) < 0)
                mpfr_mul_si(t, g, -1, MPFR_RNDN);
            else {
                _set_q(t, C->abs0);
                mpfr_mul(t, g, t, MPFR_RNDN);
            }
            mpfr_add(ad + a, ad + a, t, MPFR_RNDN);
            break;
        case PD_OP_LEAKY_RELU:
            if (mpfr_sgn(v + a) > 0)
                mpfr_add(ad + a, ad + a, g, MPFR_RNDN);
            else if (mpfr_sgn(v + a) < 0 || C->leaky_slope) {
                mpfr_mul(t, g, W->k + I->aux, MPFR_RNDN);
                mpfr_add(ad + a, ad + a, t, MPFR_RNDN);
            } else
                _addmul_rule(ad + a, g, C->leaky0, t);
            break;
        case PD_OP_CLAMP: case PD_OP_HARDTANH: case PD_OP_RELU6: {
            mpfr_srcptr lo = W->k + I->aux, hi = W->k + I->aux + 1;
            const fmpq *rule = I->op == PD_OP_CLAMP ? C->clamp0
                             : I->op == PD_OP_HARDTANH ? C->hardtanh0
                             : C->relu60;
            if (mpfr_greater_p(v + a, lo) && mpfr_less_p(v + a, hi))
                mpfr_add(ad + a, ad + a, g, MPFR_RNDN);
            else if (!mpfr_equal_p(v + a, lo) && !mpfr_equal_p(v + a, hi)) {
                mpfr_set_zero(t, 1);
                mpfr_add(ad + a, ad + a, t, MPFR_RNDN);
            } else if (fmpq_is_zero(rule)) {
                mpfr_set_zero(t, 1);
                mpfr_add(ad + a, ad + a, t, MPFR_RNDN);
            } else
                _addmul_rule(ad + a, g, rule, t);
            break;
        }
        case PD_OP_MAX: case PD_OP_MIN: {
            const pd_node_struct *nd = P->nodes + o;
            const int ismax = (I->op == PD_OP_MAX);
            if (nd->nargs == 2) {
                int c = mpfr_cmp(v + a, v + b), sa, sb2;
                /* sa, sb2: 0 none, 1 all of g, 2 half of g */
                if (c == 0) {
                    switch (C->max2) {
                    case PD_TIE_SPLIT: sa = sb2 = 2; break;
                    case PD_TIE_FIRST: sa = 1; sb2 = 0; break;
                    case PD_TIE_LAST: sa = 0; sb2 = 1; break;
                    default: sa = sb2 = 1; break;
                    }
                } else if (ismax ? c > 0 : c < 0) {
                    sa = 1;
                    sb2 = 0;
                } else {
                    sa = 0;
                    sb2 = 1;
                }
                if (f & PD_TAPE_RA) {
                    if (sa == 0) mpfr_set_zero(t, 1);
                    else if (sa == 1) mpfr_set(t, g, MPFR_RNDN);
                    else mpfr_div_ui(t, g, 2, MPFR_RNDN);
                    mpfr_add(ad + a, ad + a, t, MPFR_RNDN);
                }
                if (f & PD_TAPE_RB) {
                    if (sb2 == 0) mpfr_set_zero(t, 1);
                    else if (sb2 == 1) mpfr_set(t, g, MPFR_RNDN);
                    else mpfr_div_ui(t, g, 2, MPFR_RNDN);
                    mpfr_add(ad + b, ad + b, t, MPFR_RNDN);
                }
            } else {
                slong cnt = 0, firstk = -1, lastk = -1;
                for (k = 0; k < nd->nargs; k++)
                    if (mpfr_equal_p(v + nd->args[k], v + o)) {
                        cnt++;
                        if (firstk < 0)
                            firstk = k;
                        lastk = k;
                    }
                if (cnt <= 1 || C->maxn == PD_TIE_SPLIT)
                    mpfr_div_ui(u, g, (ulong) cnt, MPFR_RNDN);
                else
                    mpfr_set(u, g, MPFR_RNDN);
                for (k = 0; k < nd->nargs; k++) {
                    int sel = mpfr_equal_p(v + nd->args[k], v + o);
                    if (cnt > 1 && C->maxn == PD_TIE_FIRST)
                        sel = (k == firstk);
                    else if (cnt > 1 && C->maxn == PD_TIE_LAST)
                        sel = (k == lastk);
                    if (!T->live[nd->args[k]])
                        continue;
                    mpfr_mul_si(t, u, sel ? 1 : 0, MPFR_RNDN);
                    mpfr_add(ad + nd->args[k], ad + nd->args[k], t, MPFR_RNDN);
                }
            }
            break;
        }
        case PD_OP_SORTED: {
            const slong s = a, j = P->nodes[o].index;
            mpfr_ptr buf = sb + T->sortoff[s];
            const slong n = P->nodes[s].nargs;
            if (!(f & PD_TAPE_RA))
                break;
            mpfr_set_zero(t, 1);
            for (k = 0; k < n; k++)
                mpfr_add(buf + k, buf + k, k == j ? g : t, MPFR_RNDN);
            break;
        }
        case PD_OP_SORT: {
            const pd_node_struct *nd = P->nodes + o;
            const slong off = T->sortoff[o];
            const slong *inv = T->perm + T->nsortslots + off;
            for (k = 0; k < nd->nargs; k++)
                if (T->live[nd->args[k]])
                    mpfr_add(ad + nd->args[k], ad + nd->args[k],
                             sb + off + inv[k], MPFR_RNDN);
            break;
        }
        default:
            break;
        }
    }
    for (k = 0; k < T->ninputs; k++) {
        slong n = P->input_nodes[k];
        mpfr_set_prec(grad + k, W->prec);
        if (T->live[n])
            mpfr_set(grad + k, ad + n, MPFR_RNDN);
        else
            mpfr_set_zero(grad + k, 1);
    }
}

pd_status_t pd_ad_grad_mpfr(mpfr_t value, mpfr_ptr grad, pd_tape_t T,
                            mpfr_srcptr x, mpfr_prec_t prec, pd_error_t err)
{
    _mpws *W;
    if (prec < MPFR_PREC_MIN || prec > MPFR_PREC_MAX)
        return pd_error_set(err, PD_EINVAL, "bad MPFR precision %ld",
                            (long) prec);
    W = _ws(T, prec);
    _forward(T, W, x);
    mpfr_set_prec(value, prec);
    mpfr_set(value, W->v + T->prog->output, MPFR_RNDN);
    if (grad != NULL)
        _backward(T, W, grad);
    return PD_OK;
}

pd_status_t pd_ad_jvp_mpfr(mpfr_t value, mpfr_t dot, pd_tape_t T,
                           mpfr_srcptr x, mpfr_srcptr dir, mpfr_prec_t prec,
                           pd_error_t err)
{
    _mpws *W;
    mpfr_ptr v, d, t;
    const pd_prog_struct *P = T->prog;
    const pd_conv_struct *C = T->conv;
    slong i, k;

    if (prec < MPFR_PREC_MIN || prec > MPFR_PREC_MAX)
        return pd_error_set(err, PD_EINVAL, "bad MPFR precision %ld",
                            (long) prec);
    W = _ws(T, prec);
    _forward(T, W, x);
    v = W->v;
    d = W->a;
    t = W->t;
    for (k = 0; k < T->nconstnodes; k++)
        mpfr_set_zero(d + T->constnode[k], 1);
    for (k = 0; k < T->ninputs; k++)
        mpfr_set(d + P->input_nodes[k], dir + k, MPFR_RNDN);
    for (i = 0; i < T->ninstr; i++) {
        const pd_tape_instr_struct *I = T->instr + i;
        const int o = I->out, a = I->a, b = I->b;
        switch (I->op) {
        case PD_OP_ADD: mpfr_add(d + o, d + a, d + b, MPFR_RNDN); break;
        case PD_OP_SUB: mpfr_sub(d + o, d + a, d + b, MPFR_RNDN); break;
        case PD_OP_MUL:
            mpfr_mul(t, d + a, v + b, MPFR_RNDN);
            mpfr_mul(d + o, v + a, d + b, MPFR_RNDN);
            mpfr_add(d + o, t, d + o, MPFR_RNDN);
            break;
        case PD_OP_NEG: mpfr_neg(d + o, d + a, MPFR_RNDN); break;
        case PD_OP_DIV: mpfr_div(d + o, d + a, W->k + I->aux, MPFR_RNDN); break;
        case PD_OP_POW: {
            slong n = P->nodes[o].index;
            if (n == 0) {
                mpfr_set_zero(d + o, 1);
            } else {
                _pow(t, v + a, n - 1);
                mpfr_mul_si(t, t, n, MPFR_RNDN);
                mpfr_mul(d + o, t, d + a, MPFR_RNDN);
            }
            break;
        }
        case PD_OP_RELU: case PD_OP_ABS: case PD_OP_LEAKY_RELU:
        case PD_OP_CLAMP: case PD_OP_HARDTANH: case PD_OP_RELU6: {
            /* the exact local derivative at the computed argument, which
               is a dyadic rational */
            fmpq_t q, w;
            mpz_t z;
            mpfr_exp_t e;
            fmpq_init(q);
            fmpq_init(w);
            if (!mpfr_zero_p(v + a)) {
                mpz_init(z);
                e = mpfr_get_z_2exp(z, v + a);
                fmpz_set_mpz(fmpq_numref(q), z);
                if (e >= 0)
                    fmpq_mul_2exp(q, q, (ulong) e);
                else
                    fmpq_div_2exp(q, q, (ulong) (-e));
                mpz_clear(z);
            }
            if (I->op == PD_OP_LEAKY_RELU || I->op == PD_OP_RELU
                || I->op == PD_OP_ABS) {
                if (pd_conv_local_fmpq(w, NULL, C, P, o, q, err) != PD_OK)
                    fmpq_zero(w);
            } else {
                /* compare with the rounded bounds, as the float code */
                int slo = mpfr_cmp(v + a, W->k + I->aux);
                int shi = mpfr_cmp(v + a, W->k + I->aux + 1);
                const fmpq *rule = I->op == PD_OP_CLAMP ? C->clamp0
                                 : I->op == PD_OP_HARDTANH ? C->hardtanh0
                                 : C->relu60;
                if (slo == 0 || shi == 0) fmpq_set(w, rule);
                else if (slo > 0 && shi < 0) fmpq_one(w);
                else fmpq_zero(w);
            }
            if (I->op == PD_OP_LEAKY_RELU && mpfr_sgn(v + a) < 0)
                mpfr_mul(d + o, W->k + I->aux, d + a, MPFR_RNDN);
            else {
                _set_q(t, w);
                mpfr_mul(d + o, t, d + a, MPFR_RNDN);
            }
            fmpq_clear(q);
            fmpq_clear(w);
            break;
        }
        case PD_OP_MAX: case PD_OP_MIN: {
            const pd_node_struct *nd = P->nodes + o;
            pd_tie_rule_t rule = nd->nargs == 2 ? C->max2 : C->maxn;
            slong cnt = 0, firstk = -1, lastk = -1;
            mpfr_set_zero(t, 1);
            for (k = 0; k < nd->nargs; k++)
                if (mpfr_equal_p(v + nd->args[k], v + o)) {
                    cnt++;
                    mpfr_add(t, t, d + nd->args[k], MPFR_RNDN);
                    if (firstk < 0)
                        firstk = k;
                    lastk = k;
                }
            if (cnt == 1 || rule == PD_TIE_FIRST)
                mpfr_set(d + o, d + nd->args[firstk], MPFR_RNDN);
            else if (rule == PD_TIE_LAST)
                mpfr_set(d + o, d + nd->args[lastk], MPFR_RNDN);
            else if (rule == PD_TIE_SPLIT)
                mpfr_div_ui(d + o, t, (ulong) cnt, MPFR_RNDN);
            else
                mpfr_set(d + o, t, MPFR_RNDN);
            break;
        }
        case PD_OP_SORT:
            mpfr_set_zero(d + o, 1);
            break;
        case PD_OP_SORTED: {
            const slong s = a, j = P->nodes[o].index;
            mpfr_set(d + o, d + P->nodes[s].args[T->perm[T->sortoff[s] + j]],
                     MPFR_RNDN);
            break;
        }
        default:
            break;
        }
        (void) b;
    }
    mpfr_set_prec(value, prec);
    mpfr_set_prec(dot, prec);
    mpfr_set(value, v + P->output, MPFR_RNDN);
    mpfr_set(dot, d + P->output, MPFR_RNDN);
    return PD_OK;
}
