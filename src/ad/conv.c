/* conv.c: framework conventions at kinks: presets, explicit rules, and the
   exact local derivative each convention picks (CONVENTIONS.md). */
#include "pd-impl.h"
#include "pathdiff/ad.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

void pd_conv_init(pd_conv_t C)
{
    fmpq_init(C->relu0);
    fmpq_init(C->abs0);
    fmpq_init(C->leaky0);
    fmpq_init(C->clamp0);
    fmpq_init(C->hardtanh0);
    fmpq_init(C->relu60);
    C->name = NULL;
    if (pd_conv_set_preset(C, PD_CONV_PYTORCH, NULL) != PD_OK)
        C->name = NULL; /* unreachable: the preset is valid */
}

void pd_conv_clear(pd_conv_t C)
{
    fmpq_clear(C->relu0);
    fmpq_clear(C->abs0);
    fmpq_clear(C->leaky0);
    fmpq_clear(C->clamp0);
    fmpq_clear(C->hardtanh0);
    fmpq_clear(C->relu60);
    flint_free(C->name);
}

/* Copy the rules only (not the name, not the preset). */
static void _conv_set_rules(pd_conv_t C, const pd_conv_t D)
{
    fmpq_set(C->relu0, D->relu0);
    fmpq_set(C->abs0, D->abs0);
    fmpq_set(C->leaky0, D->leaky0);
    C->leaky_slope = D->leaky_slope;
    fmpq_set(C->clamp0, D->clamp0);
    fmpq_set(C->hardtanh0, D->hardtanh0);
    fmpq_set(C->relu60, D->relu60);
    C->max2 = D->max2;
    C->maxn = D->maxn;
    C->sort = D->sort;
}

void pd_conv_set(pd_conv_t C, const pd_conv_t D)
{
    if (C == D)
        return;
    _conv_set_rules(C, D);
    C->preset = D->preset;
    flint_free(C->name);
    C->name = _pd_strdup(D->name);
}

static const char *_tie_name(pd_tie_rule_t r)
{
    switch (r) {
    case PD_TIE_FIRST: return "first";
    case PD_TIE_LAST: return "last";
    case PD_TIE_SPLIT: return "split";
    default: return "both";
    }
}

/* Append "key=value" for a bound rule: inside (1), outside (0), else S. */
static void _append_bound(char **buf, size_t *len, size_t *cap,
                          const char *key, const fmpq_t v);

static void _append(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 > *cap) {
        size_t c = 2 * (*cap) + n + 64;
        *buf = flint_realloc(*buf, c);
        *cap = c;
    }
    memcpy(*buf + *len, s, n + 1);
    *len += n;
}

static void _append_rat(char **buf, size_t *len, size_t *cap, const fmpq_t v)
{
    char *s = fmpq_get_str(NULL, 10, v);
    _append(buf, len, cap, s);
    flint_free(s);
}

static void _append_bound(char **buf, size_t *len, size_t *cap,
                          const char *key, const fmpq_t v)
{
    _append(buf, len, cap, key);
    if (fmpq_is_one(v))
        _append(buf, len, cap, "inside");
    else if (fmpq_is_zero(v))
        _append(buf, len, cap, "outside");
    else
        _append_rat(buf, len, cap, v);
}

/* Canonical name: the preset, or every rule in a fixed order. */
static void _conv_set_name(pd_conv_t C)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    flint_free(C->name);
    switch (C->preset) {
    case PD_CONV_PYTORCH: C->name = _pd_strdup("pytorch"); return;
    case PD_CONV_JAX: C->name = _pd_strdup("jax"); return;
    case PD_CONV_TENSORFLOW: C->name = _pd_strdup("tensorflow"); return;
    default: break;
    }
    _append(&buf, &len, &cap, "relu0=");
    _append_rat(&buf, &len, &cap, C->relu0);
    _append(&buf, &len, &cap, ",abs0=");
    _append_rat(&buf, &len, &cap, C->abs0);
    _append(&buf, &len, &cap, ",leaky0=");
    if (C->leaky_slope)
        _append(&buf, &len, &cap, "slope");
    else
        _append_rat(&buf, &len, &cap, C->leaky0);
    if (C->max2 == C->maxn) {
        _append(&buf, &len, &cap, ",max=");
        _append(&buf, &len, &cap, _tie_name(C->max2));
    } else {
        _append(&buf, &len, &cap, ",max2=");
        _append(&buf, &len, &cap, _tie_name(C->max2));
        _append(&buf, &len, &cap, ",maxn=");
        _append(&buf, &len, &cap, _tie_name(C->maxn));
    }
    _append_bound(&buf, &len, &cap, ",clamp=", C->clamp0);
    _append_bound(&buf, &len, &cap, ",hardtanh=", C->hardtanh0);
    _append_bound(&buf, &len, &cap, ",relu6=", C->relu60);
    _append(&buf, &len, &cap, ",sort=");
    _append(&buf, &len, &cap, C->sort == PD_SORT_STABLE ? "stable" : "reverse");
    C->name = buf;
}

pd_status_t pd_conv_set_preset(pd_conv_t C, pd_conv_preset_t preset,
                               pd_error_t err)
{
    /* Common ground: every framework has relu'(0) = 0, keeps equal sort
       entries in order, and (pytorch) inclusive clamp, exclusive
       hardtanh/relu6 bounds.  docs/conventions.md has the sources. */
    fmpq_zero(C->relu0);
    fmpq_zero(C->abs0);
    fmpq_zero(C->leaky0);
    C->leaky_slope = 1;
    fmpq_one(C->clamp0);
    fmpq_zero(C->hardtanh0);
    fmpq_zero(C->relu60);
    C->max2 = PD_TIE_SPLIT;
    C->maxn = PD_TIE_SPLIT;
    C->sort = PD_SORT_STABLE;
    switch (preset) {
    case PD_CONV_PYTORCH:
        break;
    case PD_CONV_JAX:
        /* abs jvp: select(x >= 0, g, -g); jnp.clip = minimum(maximum(x, lo),
           hi) splits the tie with the bound; hard_tanh is a where(x > 1 ..
           where(x < -1 ..)) so the bounds are inside; leaky_relu uses
           where(x >= 0, ...). */
        fmpq_one(C->abs0);
        fmpz_one(fmpq_numref(C->clamp0));
        fmpz_set_ui(fmpq_denref(C->clamp0), 2);
        fmpq_one(C->hardtanh0);
        fmpq_one(C->leaky0);
        C->leaky_slope = 0;
        break;
    case PD_CONV_TENSORFLOW:
        /* tf.maximum/minimum give a tie to the first argument
           (greater_equal / less_equal masks); tf.reduce_max splits;
           clip_by_value is minimum then maximum, both first-argument. */
        C->max2 = PD_TIE_FIRST;
        C->maxn = PD_TIE_SPLIT;
        break;
    default:
        return pd_error_set(err, PD_EINVAL, "unknown convention preset %d",
                            (int) preset);
    }
    C->preset = preset;
    _conv_set_name(C);
    return PD_OK;
}

/* A rational: [sign] digits [. digits] [e|E [sign] digits] or a/b. */
static int _parse_rat(fmpq_t q, const char *s)
{
    const char *p = s;
    int neg = 0, eneg = 0;
    long e = 0;
    fmpz_t num, den;
    int ok = 1;
    if (*p == '+' || *p == '-')
        neg = (*p++ == '-');
    if (!isdigit((unsigned char) *p) && !(*p == '.' && isdigit((unsigned char) p[1])))
        return 0;
    fmpz_init(num);
    fmpz_init_set_ui(den, 1);
    while (isdigit((unsigned char) *p)) {
        fmpz_mul_ui(num, num, 10);
        fmpz_add_ui(num, num, (ulong) (*p++ - '0'));
    }
    if (*p == '/') {
        p++;
        if (!isdigit((unsigned char) *p)) {
            ok = 0;
            goto done;
        }
        fmpz_zero(den);
        while (isdigit((unsigned char) *p)) {
            fmpz_mul_ui(den, den, 10);
            fmpz_add_ui(den, den, (ulong) (*p++ - '0'));
        }
        if (fmpz_is_zero(den) || *p != '\0')
            ok = 0;
        goto done;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char) *p)) {
            fmpz_mul_ui(num, num, 10);
            fmpz_add_ui(num, num, (ulong) (*p++ - '0'));
            fmpz_mul_ui(den, den, 10);
        }
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            eneg = (*p++ == '-');
        if (!isdigit((unsigned char) *p)) {
            ok = 0;
            goto done;
        }
        while (isdigit((unsigned char) *p)) {
            e = 10 * e + (*p++ - '0');
            if (e > 100000) {
                ok = 0;
                goto done;
            }
        }
    }
    if (*p != '\0')
        ok = 0;
done:
    if (ok) {
        fmpz_t t;
        fmpz_init(t);
        fmpz_ui_pow_ui(t, 10, (ulong) e);
        if (eneg)
            fmpz_mul(den, den, t);
        else
            fmpz_mul(num, num, t);
        fmpz_clear(t);
        if (neg)
            fmpz_neg(num, num);
        fmpq_set_fmpz_frac(q, num, den);
    }
    fmpz_clear(num);
    fmpz_clear(den);
    return ok;
}

static int _parse_tie(pd_tie_rule_t *r, const char *v)
{
    if (!strcmp(v, "first")) *r = PD_TIE_FIRST;
    else if (!strcmp(v, "last")) *r = PD_TIE_LAST;
    else if (!strcmp(v, "split")) *r = PD_TIE_SPLIT;
    else if (!strcmp(v, "both")) *r = PD_TIE_BOTH;
    else return 0;
    return 1;
}

static int _parse_bound(fmpq_t q, const char *v)
{
    if (!strcmp(v, "inside")) {
        fmpq_one(q);
        return 1;
    }
    if (!strcmp(v, "outside")) {
        fmpq_zero(q);
        return 1;
    }
    return _parse_rat(q, v);
}

static int _preset_of(pd_conv_preset_t *p, const char *s)
{
    if (!strcmp(s, "pytorch")) *p = PD_CONV_PYTORCH;
    else if (!strcmp(s, "jax")) *p = PD_CONV_JAX;
    else if (!strcmp(s, "tensorflow")) *p = PD_CONV_TENSORFLOW;
    else return 0;
    return 1;
}

pd_status_t pd_conv_parse(pd_conv_t C, const char *spec, pd_error_t err)
{
    pd_conv_t T;
    pd_status_t status = PD_OK;
    pd_conv_preset_t preset;
    char *buf = NULL, *tok, *next;
    const char *keys[16];       /* the rule names seen (unknown names stop
                                   the loop, so at most 10 are kept) */
    int first = 1, nrules = 0;

    if (spec == NULL || *spec == '\0')
        return pd_error_set(err, PD_EINVAL, "empty convention");
    pd_conv_init(T);
    if (_preset_of(&preset, spec)) {
        status = pd_conv_set_preset(T, preset, err);
        if (status == PD_OK)
            pd_conv_set(C, T);
        pd_conv_clear(T);
        return status;
    }
    buf = _pd_strdup(spec);
    /* Rules are split at commas by hand: an empty rule ("relu0=0,", ",")
       is an error, not skipped, and so is a rule given twice. */
    for (tok = buf; tok != NULL; tok = next, first = 0) {
        char *eq, *key, *val;
        size_t n;
        next = strchr(tok, ',');
        if (next != NULL)
            *next++ = '\0';
        while (*tok == ' ')
            tok++;
        n = strlen(tok);
        while (n > 0 && tok[n - 1] == ' ')
            tok[--n] = '\0';
        if (*tok == '\0') {
            status = pd_error_set(err, PD_EINVAL,
                "empty rule in convention '%s' (rules are separated by "
                "single commas, e.g. relu0=0,abs0=0)", spec);
            goto cleanup;
        }
        eq = strchr(tok, '=');
        if (eq == NULL) {
            if (first && _preset_of(&preset, tok)) {
                status = pd_conv_set_preset(T, preset, err);
                if (status != PD_OK)
                    goto cleanup;
                continue;
            }
            status = pd_error_set(err, PD_EINVAL,
                "bad convention rule '%s' (expected pytorch, jax, tensorflow "
                "or rules like relu0=0,abs0=0,max=split)", tok);
            goto cleanup;
        }
        *eq = '\0';
        key = tok;
        val = eq + 1;
        n = strlen(key);
        while (n > 0 && key[n - 1] == ' ')
            key[--n] = '\0';
        while (*val == ' ')
            val++;
        {
            int j;
            for (j = 0; j < FLINT_MIN(nrules, 16); j++)
                if (!strcmp(keys[j], key)) {
                    status = pd_error_set(err, PD_EINVAL,
                        "convention rule '%s' given twice", key);
                    goto cleanup;
                }
            if (nrules < (int) (sizeof(keys) / sizeof(keys[0])))
                keys[nrules] = key;
        }
        nrules++;
        if (!strcmp(key, "relu0")) {
            if (!_parse_rat(T->relu0, val))
                goto badval;
        } else if (!strcmp(key, "abs0")) {
            if (!_parse_rat(T->abs0, val))
                goto badval;
        } else if (!strcmp(key, "leaky0")) {
            if (!strcmp(val, "slope"))
                T->leaky_slope = 1;
            else if (_parse_rat(T->leaky0, val))
                T->leaky_slope = 0;
            else
                goto badval;
        } else if (!strcmp(key, "max")) {
            if (!_parse_tie(&T->max2, val))
                goto badval;
            T->maxn = T->max2;
        } else if (!strcmp(key, "max2")) {
            if (!_parse_tie(&T->max2, val))
                goto badval;
        } else if (!strcmp(key, "maxn")) {
            if (!_parse_tie(&T->maxn, val))
                goto badval;
        } else if (!strcmp(key, "clamp")) {
            if (!_parse_bound(T->clamp0, val))
                goto badval;
        } else if (!strcmp(key, "hardtanh")) {
            if (!_parse_bound(T->hardtanh0, val))
                goto badval;
        } else if (!strcmp(key, "relu6")) {
            if (!_parse_bound(T->relu60, val))
                goto badval;
        } else if (!strcmp(key, "sort")) {
            if (!strcmp(val, "stable"))
                T->sort = PD_SORT_STABLE;
            else if (!strcmp(val, "reverse"))
                T->sort = PD_SORT_REVERSE;
            else
                goto badval;
        } else {
            status = pd_error_set(err, PD_EINVAL,
                "unknown convention rule '%s' (known: relu0, abs0, leaky0, "
                "max, max2, maxn, clamp, hardtanh, relu6, sort)", key);
            goto cleanup;
        }
        continue;
badval:
        status = pd_error_set(err, PD_EINVAL,
                              "bad value '%s' for convention rule '%s'",
                              val, key);
        goto cleanup;
    }
    if (nrules > 0)
        T->preset = PD_CONV_CUSTOM;
    _conv_set_name(T);
    pd_conv_set(C, T);
cleanup:
    flint_free(buf);
    pd_conv_clear(T);
    return status;
}

const char *pd_conv_name(const pd_conv_t C)
{
    return C->name;
}

int pd_conv_equal(const pd_conv_t C, const pd_conv_t D)
{
    return fmpq_equal(C->relu0, D->relu0) && fmpq_equal(C->abs0, D->abs0)
        && C->leaky_slope == D->leaky_slope
        && (C->leaky_slope || fmpq_equal(C->leaky0, D->leaky0))
        && fmpq_equal(C->clamp0, D->clamp0)
        && fmpq_equal(C->hardtanh0, D->hardtanh0)
        && fmpq_equal(C->relu60, D->relu60)
        && C->max2 == D->max2 && C->maxn == D->maxn && C->sort == D->sort;
}

int pd_conv_node_is_tied(const pd_prog_t P, slong i, const fmpq *argval)
{
    const pd_node_struct *nd = P->nodes + i;
    slong k, j;
    switch (nd->op) {
    case PD_OP_RELU: case PD_OP_ABS: case PD_OP_LEAKY_RELU:
        return fmpq_is_zero(argval);
    case PD_OP_CLAMP: case PD_OP_HARDTANH: case PD_OP_RELU6:
        return fmpq_equal(argval, nd->c) || fmpq_equal(argval, nd->c2);
    case PD_OP_MAX: case PD_OP_MIN: {
        slong best = 0, count = 1;
        for (k = 1; k < nd->nargs; k++) {
            int c = fmpq_cmp(argval + k, argval + best);
            if (nd->op == PD_OP_MIN)
                c = -c;
            if (c > 0) {
                best = k;
                count = 1;
            } else if (c == 0) {
                count++;
            }
        }
        return count > 1;
    }
    case PD_OP_SORT:
        for (k = 0; k < nd->nargs; k++)
            for (j = k + 1; j < nd->nargs; j++)
                if (fmpq_equal(argval + k, argval + j))
                    return 1;
        return 0;
    default:
        return 0;
    }
}

/* Sort order used by conventions: ascending value, equal entries by
   argument index (stable) or reverse index. */
typedef struct {
    const fmpq *v;
    int reverse;
} _sort_ctx;

static int _before(const _sort_ctx *c, slong a, slong b)
{
    int s = fmpq_cmp(c->v + a, c->v + b);
    if (s != 0)
        return s < 0;
    return c->reverse ? a > b : a < b;
}

pd_status_t pd_conv_local_fmpq(fmpq *w, slong *perm, const pd_conv_t C,
                               const pd_prog_t P, slong i,
                               const fmpq *argval, pd_error_t err)
{
    const pd_node_struct *nd;
    slong k;

    if (i < 0 || i >= P->len)
        return pd_error_set(err, PD_EINVAL, "node %ld out of range", (long) i);
    nd = P->nodes + i;
    if (!pd_op_is_nonsmooth(nd->op))
        return pd_error_set(err, PD_EINVAL,
                            "node %ld (%s) is not a nonsmooth primitive",
                            (long) i, pd_op_name(nd->op));
    if (nd->op == PD_OP_SORT) {
        _sort_ctx c;
        if (perm == NULL)
            return pd_error_set(err, PD_EINVAL, "sort needs a permutation array");
        c.v = argval;
        c.reverse = (C->sort == PD_SORT_REVERSE);
        /* insertion sort: sorts are short and the order must be exact */
        for (k = 0; k < nd->nargs; k++) {
            slong j = k;
            while (j > 0 && _before(&c, k, perm[j - 1])) {
                perm[j] = perm[j - 1];
                j--;
            }
            perm[j] = k;
        }
        return PD_OK;
    }
    if (w == NULL)
        return pd_error_set(err, PD_EINVAL, "local derivative array is NULL");

    switch (nd->op) {
    case PD_OP_RELU: {
        int s = fmpq_sgn(argval);
        if (s > 0) fmpq_one(w);
        else if (s < 0) fmpq_zero(w);
        else fmpq_set(w, C->relu0);
        break;
    }
    case PD_OP_ABS: {
        int s = fmpq_sgn(argval);
        if (s > 0) fmpq_one(w);
        else if (s < 0) fmpq_set_si(w, -1, 1);
        else fmpq_set(w, C->abs0);
        break;
    }
    case PD_OP_LEAKY_RELU: {
        int s = fmpq_sgn(argval);
        if (s > 0) fmpq_one(w);
        else if (s < 0) fmpq_set(w, nd->c);
        else fmpq_set(w, C->leaky_slope ? nd->c : C->leaky0);
        break;
    }
    case PD_OP_CLAMP: case PD_OP_HARDTANH: case PD_OP_RELU6: {
        int slo = fmpq_cmp(argval, nd->c), shi = fmpq_cmp(argval, nd->c2);
        const fmpq *rule = nd->op == PD_OP_CLAMP ? C->clamp0
                         : nd->op == PD_OP_HARDTANH ? C->hardtanh0 : C->relu60;
        if (slo == 0 || shi == 0) fmpq_set(w, rule);
        else if (slo > 0 && shi < 0) fmpq_one(w);
        else fmpq_zero(w);
        break;
    }
    case PD_OP_MAX: case PD_OP_MIN: {
        slong best = 0, count = 1, firstk = -1, lastk = -1;
        pd_tie_rule_t rule = nd->nargs == 2 ? C->max2 : C->maxn;
        for (k = 1; k < nd->nargs; k++) {
            int c = fmpq_cmp(argval + k, argval + best);
            if (nd->op == PD_OP_MIN)
                c = -c;
            if (c > 0) {
                best = k;
                count = 1;
            } else if (c == 0) {
                count++;
            }
        }
        for (k = 0; k < nd->nargs; k++) {
            fmpq_zero(w + k);
            if (fmpq_equal(argval + k, argval + best)) {
                if (firstk < 0)
                    firstk = k;
                lastk = k;
            }
        }
        if (count == 1) {
            fmpq_one(w + best);
            break;
        }
        switch (rule) {
        case PD_TIE_FIRST: fmpq_one(w + firstk); break;
        case PD_TIE_LAST: fmpq_one(w + lastk); break;
        case PD_TIE_SPLIT: case PD_TIE_BOTH:
            for (k = 0; k < nd->nargs; k++)
                if (fmpq_equal(argval + k, argval + best)) {
                    if (rule == PD_TIE_SPLIT)
                        fmpq_set_si(w + k, 1, count);
                    else
                        fmpq_one(w + k);
                }
            break;
        }
        break;
    }
    default:
        return pd_error_set(err, PD_EINTERNAL, "unhandled primitive %s",
                            pd_op_name(nd->op));
    }
    return PD_OK;
}
