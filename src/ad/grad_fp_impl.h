/* grad_fp_impl.h: forward, reverse and forward-mode sweeps in one binary
   floating-point type; included by grad_fp.c once per type with
     FP  the C type (float, double)      SFX  the name suffix (f, d)
     V, A, S  the tape's value, adjoint and sort-buffer arrays
     K   the tape's constant table       POWFN  the libm pow of FP
   The formulas and their order are torch 1.13's (docs/conventions.md). */

#define PD_CAT_(a, b) a##b
#define PD_CAT(a, b) PD_CAT_(a, b)
#define FN(name) PD_CAT(name, SFX)

/* Allocate the workspaces once; constants are written once and never
   overwritten. */
static void FN(_ws_)(pd_tape_t T)
{
    slong j;
    if (T->V != NULL)
        return;
    T->V = flint_calloc(T->len + 1, sizeof(FP));
    T->A = flint_calloc(T->len + 1, sizeof(FP));
    T->S = flint_calloc(T->nsortslots + 1, sizeof(FP));
    for (j = 0; j < T->nconstnodes; j++)
        T->V[T->constnode[j]] = T->K[j];
}

/* x^n as torch's pow(Tensor, Scalar) kernel computes it for one element. */
static inline FP FN(_pow_)(FP x, slong n)
{
    if (n == 0)
        return (FP) 1;
    if (n == 1)
        return x;
    if (n == 2)
        return x * x;
    if (n == 3)
        return x * x * x;
    return POWFN(x, (FP) n);
}

/* torch.maximum / minimum: the first argument among equals. */
static inline FP FN(_max2_)(FP a, FP b) { return b > a ? b : a; }
static inline FP FN(_min2_)(FP a, FP b) { return b < a ? b : a; }

static int FN(_cmp_)(const void *ctx, slong a, slong b)
{
    const FP *const *vv = ctx;       /* vv[0] = values, vv[1] = (FP*) args */
    const slong *args = (const slong *) vv[1];
    FP x = vv[0][args[a]], y = vv[0][args[b]];
    return (x < y) ? -1 : (x > y) ? 1 : 0;
}

/* The forward sweep: values of every node, ties recorded. */
static void FN(_forward_)(pd_tape_t T, const FP *x)
{
    FP *v = T->V;
    const FP *K = T->K;
    const pd_prog_struct *P = T->prog;
    slong i, k;
    T->ntied = 0;
    for (k = 0; k < T->ninputs; k++)
        v[P->input_nodes[k]] = x[k];
    for (i = 0; i < T->ninstr; i++) {
        const pd_tape_instr_struct *I = T->instr + i;
        const int o = I->out, a = I->a, b = I->b;
        switch (I->op) {
        case PD_OP_ADD: v[o] = v[a] + v[b]; break;
        case PD_OP_SUB: v[o] = v[a] - v[b]; break;
        case PD_OP_MUL: v[o] = v[a] * v[b]; break;
        case PD_OP_NEG: v[o] = -v[a]; break;
        case PD_OP_DIV: v[o] = v[a] / K[I->aux]; break;
        case PD_OP_POW: v[o] = FN(_pow_)(v[a], P->nodes[o].index); break;
        case PD_OP_RELU:
            v[o] = v[a] < 0 ? (FP) 0 : v[a];
            if (v[a] == 0)
                _pd_tape_tie(T, o);
            break;
        case PD_OP_ABS:
            v[o] = FABS(v[a]);
            if (v[a] == 0)
                _pd_tape_tie(T, o);
            break;
        case PD_OP_LEAKY_RELU:
            v[o] = v[a] > 0 ? v[a] : v[a] * K[I->aux];
            if (v[a] == 0)
                _pd_tape_tie(T, o);
            break;
        case PD_OP_CLAMP: case PD_OP_HARDTANH: case PD_OP_RELU6:
            v[o] = FN(_min2_)(FN(_max2_)(v[a], K[I->aux]), K[I->aux + 1]);
            if (v[a] == K[I->aux] || v[a] == K[I->aux + 1])
                _pd_tape_tie(T, o);
            break;
        case PD_OP_MAX: case PD_OP_MIN: {
            const pd_node_struct *nd = P->nodes + o;
            const slong *args = nd->args;
            FP m = v[args[0]];
            slong cnt = 0;
            if (nd->nargs == 2) {
                m = I->op == PD_OP_MAX ? FN(_max2_)(v[a], v[b])
                                       : FN(_min2_)(v[a], v[b]);
            } else if (I->op == PD_OP_MAX) {
                for (k = 1; k < nd->nargs; k++)
                    if (v[args[k]] > m)
                        m = v[args[k]];
            } else {
                for (k = 1; k < nd->nargs; k++)
                    if (v[args[k]] < m)
                        m = v[args[k]];
            }
            v[o] = m;
            for (k = 0; k < nd->nargs; k++)
                cnt += (v[args[k]] == m);
            if (cnt > 1)
                _pd_tape_tie(T, o);
            break;
        }
        case PD_OP_SORT: {
            const pd_node_struct *nd = P->nodes + o;
            const void *ctx[2];
            const slong *perm = T->perm + T->sortoff[o];
            ctx[0] = v;
            ctx[1] = nd->args;
            _pd_tape_sort(T, I, FN(_cmp_), ctx);
            v[o] = 0;
            for (k = 0; k + 1 < nd->nargs; k++)
                if (v[nd->args[perm[k]]] == v[nd->args[perm[k + 1]]]) {
                    _pd_tape_tie(T, o);
                    break;
                }
            break;
        }
        case PD_OP_SORTED: {
            const slong s = a, j = P->nodes[o].index;
            v[o] = v[P->nodes[s].args[T->perm[T->sortoff[s] + j]]];
            break;
        }
        default:
            break;
        }
    }
}

/* Local derivative chosen by the convention at a tie of a one-argument
   primitive, as a number of this type. */
static inline FP FN(_rule_)(const fmpq_t r)
{
    double d;
    pd_fmpq_get_d_rnd(&d, r);
    return (FP) d;
}

/* The reverse sweep (torch's backward; see the file comment). */
static void FN(_backward_)(pd_tape_t T, FP *grad)
{
    FP *v = T->V, *ad = T->A, *sb = T->S;
    const FP *K = T->K;
    const pd_prog_struct *P = T->prog;
    const pd_conv_struct *C = T->conv;
    const FP nz = -(FP) 0, pz = (FP) 0;
    slong i, k;

    for (i = 0; i < T->len; i++)
        ad[i] = nz;
    for (k = 0; k < T->nsortslots; k++)
        sb[k] = nz;
    ad[P->output] = 1;
    for (i = T->ninstr - 1; i >= 0; i--) {
        const pd_tape_instr_struct *I = T->instr + i;
        const int o = I->out, a = I->a, b = I->b, f = I->flags;
        FP g;
        if (!(f & PD_TAPE_LIVE))
            continue;
        g = ad[o];
        switch (I->op) {
        case PD_OP_ADD:
            if (f & PD_TAPE_RA) ad[a] += g;
            if (f & PD_TAPE_RB) ad[b] += g;
            break;
        case PD_OP_SUB:
            if (f & PD_TAPE_RA) ad[a] += g;
            if (f & PD_TAPE_RB) ad[b] += -g;
            break;
        case PD_OP_MUL:
            if (f & PD_TAPE_RA) ad[a] += g * v[b];
            if (f & PD_TAPE_RB) ad[b] += g * v[a];
            break;
        case PD_OP_NEG:
            ad[a] += -g;
            break;
        case PD_OP_DIV:
            ad[a] += g / K[I->aux];
            break;
        case PD_OP_POW: {
            /* pow_backward: grad * (n * x.pow(n - 1)); zeros for n = 0 */
            slong n = P->nodes[o].index;
            if (n == 0)
                ad[a] += pz;
            else
                ad[a] += g * ((FP) n * FN(_pow_)(v[a], n - 1));
            break;
        }
        case PD_OP_RELU:
            /* threshold_backward(grad, result, 0) */
            if (v[a] > 0)
                ad[a] += g;
            else if (v[a] == 0 && !fmpq_is_zero(C->relu0))
                ad[a] += g * FN(_rule_)(C->relu0);
            else
                ad[a] += pz;
            break;
        case PD_OP_ABS: {
            /* grad * sgn(x) */
            FP s = v[a] > 0 ? (FP) 1 : v[a] < 0 ? (FP) -1
                 : FN(_rule_)(C->abs0);
            ad[a] += g * s;
            break;
        }
        case PD_OP_LEAKY_RELU: {
            /* self > 0 ? grad : grad * negval */
            if (v[a] > 0)
                ad[a] += g;
            else if (v[a] < 0 || C->leaky_slope)
                ad[a] += g * K[I->aux];
            else
                ad[a] += g * FN(_rule_)(C->leaky0);
            break;
        }
        case PD_OP_CLAMP: case PD_OP_HARDTANH: case PD_OP_RELU6: {
            FP lo = K[I->aux], hi = K[I->aux + 1], x = v[a];
            const fmpq *rule = I->op == PD_OP_CLAMP ? C->clamp0
                             : I->op == PD_OP_HARDTANH ? C->hardtanh0
                             : C->relu60;
            if (x > lo && x < hi)
                ad[a] += g;
            else if (x != lo && x != hi)
                ad[a] += pz;
            else if (fmpq_is_one(rule))
                ad[a] += g;
            else if (fmpq_is_zero(rule))
                ad[a] += pz;
            else
                ad[a] += g * FN(_rule_)(rule);
            break;
        }
        case PD_OP_MAX: case PD_OP_MIN: {
            const pd_node_struct *nd = P->nodes + o;
            const slong *args = nd->args;
            const FP m = v[o];
            const int ismax = (I->op == PD_OP_MAX);
            if (nd->nargs == 2) {
                /* where(a == b, grad / 2, grad).masked_fill_(a < b, 0) */
                FP x = v[a], y = v[b], ga, gb;
                if (x == y) {
                    switch (C->max2) {
                    case PD_TIE_SPLIT: ga = gb = g / 2; break;
                    case PD_TIE_FIRST: ga = g; gb = pz; break;
                    case PD_TIE_LAST: ga = pz; gb = g; break;
                    default: ga = gb = g; break;
                    }
                } else if (ismax ? x > y : x < y) {
                    ga = g;
                    gb = pz;
                } else {
                    ga = pz;
                    gb = g;
                }
                if (f & PD_TAPE_RA) ad[a] += ga;
                if (f & PD_TAPE_RB) ad[b] += gb;
            } else {
                /* amax / amin of a stack: (grad / count) * mask */
                slong cnt = 0, firstk = -1, lastk = -1;
                FP q;
                for (k = 0; k < nd->nargs; k++)
                    if (v[args[k]] == m) {
                        cnt++;
                        if (firstk < 0)
                            firstk = k;
                        lastk = k;
                    }
                if (cnt <= 1 || C->maxn == PD_TIE_SPLIT)
                    q = g / (FP) cnt;
                else
                    q = g;
                for (k = 0; k < nd->nargs; k++) {
                    int sel = (v[args[k]] == m);
                    if (cnt > 1 && C->maxn == PD_TIE_FIRST)
                        sel = (k == firstk);
                    else if (cnt > 1 && C->maxn == PD_TIE_LAST)
                        sel = (k == lastk);
                    if (T->live[args[k]])
                        ad[args[k]] += q * (sel ? (FP) 1 : pz);
                }
            }
            break;
        }
        case PD_OP_SORTED: {
            /* select backward: a zero vector with grad at j, summed into
               the sort's buffer */
            const slong s = a, j = P->nodes[o].index;
            FP *buf = sb + T->sortoff[s];
            const slong n = P->nodes[s].nargs;
            if (!(f & PD_TAPE_RA))
                break;
            for (k = 0; k < n; k++)
                buf[k] += (k == j) ? g : pz;
            break;
        }
        case PD_OP_SORT: {
            /* scatter through the permutation, then unbind the stack */
            const pd_node_struct *nd = P->nodes + o;
            const slong off = T->sortoff[o];
            const slong *inv = T->perm + T->nsortslots + off;
            for (k = 0; k < nd->nargs; k++)
                if (T->live[nd->args[k]])
                    ad[nd->args[k]] += sb[off + inv[k]];
            break;
        }
        default:
            break;
        }
    }
    for (k = 0; k < T->ninputs; k++) {
        slong n = P->input_nodes[k];
        grad[k] = T->live[n] ? ad[n] : pz;
    }
}

pd_status_t FN(pd_ad_eval_)(FP *value, pd_tape_t T, const FP *x,
                            pd_error_t err)
{
    FN(_ws_)(T);
    FN(_forward_)(T, x);
    *value = T->V[T->prog->output];
    return PD_OK;
}

pd_status_t FN(pd_ad_grad_)(FP *value, FP *grad, pd_tape_t T, const FP *x,
                            pd_error_t err)
{
    FN(_ws_)(T);
    FN(_forward_)(T, x);
    *value = T->V[T->prog->output];
    if (grad != NULL)
        FN(_backward_)(T, grad);
    return PD_OK;
}

/* Forward mode: dot[i] = sum_k (local derivative) * dot[args[k]], with
   the convention's choice at ties. */
pd_status_t FN(pd_ad_jvp_)(FP *value, FP *dot, pd_tape_t T, const FP *x,
                           const FP *dir, pd_error_t err)
{
    FP *v, *d;
    const FP *K;
    const pd_prog_struct *P = T->prog;
    const pd_conv_struct *C = T->conv;
    slong i, k;

    FN(_ws_)(T);
    FN(_forward_)(T, x);
    v = T->V;
    d = T->A;
    K = T->K;
    for (k = 0; k < T->nconstnodes; k++)
        d[T->constnode[k]] = 0;
    for (k = 0; k < T->ninputs; k++)
        d[P->input_nodes[k]] = dir[k];
    for (i = 0; i < T->ninstr; i++) {
        const pd_tape_instr_struct *I = T->instr + i;
        const int o = I->out, a = I->a, b = I->b;
        switch (I->op) {
        case PD_OP_ADD: d[o] = d[a] + d[b]; break;
        case PD_OP_SUB: d[o] = d[a] - d[b]; break;
        case PD_OP_MUL: d[o] = d[a] * v[b] + v[a] * d[b]; break;
        case PD_OP_NEG: d[o] = -d[a]; break;
        case PD_OP_DIV: d[o] = d[a] / K[I->aux]; break;
        case PD_OP_POW: {
            slong n = P->nodes[o].index;
            d[o] = n == 0 ? (FP) 0 : ((FP) n * FN(_pow_)(v[a], n - 1)) * d[a];
            break;
        }
        case PD_OP_RELU:
            d[o] = v[a] > 0 ? d[a] : v[a] < 0 ? (FP) 0
                 : FN(_rule_)(C->relu0) * d[a];
            break;
        case PD_OP_ABS:
            d[o] = v[a] > 0 ? d[a] : v[a] < 0 ? -d[a]
                 : FN(_rule_)(C->abs0) * d[a];
            break;
        case PD_OP_LEAKY_RELU:
            d[o] = v[a] > 0 ? d[a] : (v[a] < 0 || C->leaky_slope)
                 ? K[I->aux] * d[a] : FN(_rule_)(C->leaky0) * d[a];
            break;
        case PD_OP_CLAMP: case PD_OP_HARDTANH: case PD_OP_RELU6: {
            FP lo = K[I->aux], hi = K[I->aux + 1];
            const fmpq *rule = I->op == PD_OP_CLAMP ? C->clamp0
                             : I->op == PD_OP_HARDTANH ? C->hardtanh0
                             : C->relu60;
            if (v[a] > lo && v[a] < hi)
                d[o] = d[a];
            else if (v[a] != lo && v[a] != hi)
                d[o] = 0;
            else
                d[o] = FN(_rule_)(rule) * d[a];
            break;
        }
        case PD_OP_MAX: case PD_OP_MIN: {
            const pd_node_struct *nd = P->nodes + o;
            pd_tie_rule_t rule = nd->nargs == 2 ? C->max2 : C->maxn;
            slong cnt = 0, firstk = -1, lastk = -1;
            FP sum = 0;
            for (k = 0; k < nd->nargs; k++)
                if (v[nd->args[k]] == v[o]) {
                    cnt++;
                    sum += d[nd->args[k]];
                    if (firstk < 0)
                        firstk = k;
                    lastk = k;
                }
            if (cnt == 1 || rule == PD_TIE_FIRST)
                d[o] = d[nd->args[firstk]];
            else if (rule == PD_TIE_LAST)
                d[o] = d[nd->args[lastk]];
            else if (rule == PD_TIE_SPLIT)
                d[o] = sum / (FP) cnt;
            else
                d[o] = sum;
            break;
        }
        case PD_OP_SORT:
            d[o] = 0;
            break;
        case PD_OP_SORTED: {
            const slong s = a, j = P->nodes[o].index;
            d[o] = d[P->nodes[s].args[T->perm[T->sortoff[s] + j]]];
            break;
        }
        default:
            break;
        }
        (void) b;
    }
    *value = v[P->output];
    *dot = d[P->output];
    return PD_OK;
}

#undef FN
#undef PD_CAT
#undef PD_CAT_
