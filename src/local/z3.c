/* z3.c: MATH.md 4 step 6, the complete fallback: Z3's nlqsat on the closed
   formula "for all e > 0 there is z with |z|^2 < e and every h_j(z) > 0"
   (DEPENDENCIES.md 3.4), and the existential formula "some d makes every
   lowest form positive" for open ray activity (MATH.md 5).
   Pitfalls handled: an error handler (Z3 exits otherwise), tactics, solvers
   and params inc_ref'ed at once, rlimit rather than a timeout, and the
   reason of every `unknown` reported. */
#include "local-impl.h"
#include <stdio.h>
#include <string.h>

#ifdef PD_HAVE_Z3
#include <z3.h>

/* Z3 calls the handler and then returns from the API call; the first error
   of the current thread's context is kept here. */
static _Thread_local int _pd_z3_error = 0;
static _Thread_local char _pd_z3_errmsg[128];

static void z3_on_error(Z3_context z, Z3_error_code e)
{
    if (_pd_z3_error == 0) {
        _pd_z3_error = (int) e + 1000;
        snprintf(_pd_z3_errmsg, sizeof(_pd_z3_errmsg), "%s",
                 Z3_get_error_msg(z, e));
    }
}

/* The polynomial h in Z3 terms over the variables v[0..n). */
static Z3_ast z3_poly(Z3_context z, const fmpq_mpoly_t h, Z3_ast *v,
                      const fmpq_mpoly_ctx_t ctx, Z3_sort real)
{
    slong n = ctx->zctx->minfo->nvars, len = fmpq_mpoly_length(h, ctx), t, i;
    ulong *e = flint_malloc(FLINT_MAX(n, 1) * sizeof(ulong));
    Z3_ast *terms = flint_malloc(FLINT_MAX(len, 1) * sizeof(Z3_ast));
    Z3_ast r;
    fmpq_t c;
    fmpq_init(c);
    for (t = 0; t < len; t++) {
        char *s;
        slong nf = 1;
        Z3_ast f[64];
        fmpq_mpoly_get_term_coeff_fmpq(c, h, t, ctx);
        fmpq_mpoly_get_term_exp_ui(e, h, t, ctx);
        s = fmpq_get_str(NULL, 10, c);
        f[0] = Z3_mk_numeral(z, s, real);
        flint_free(s);
        for (i = 0; i < n; i++) {
            ulong p;
            for (p = 0; p < e[i]; p++) {
                if (nf == 64) {
                    f[0] = Z3_mk_mul(z, (unsigned) nf, f);
                    nf = 1;
                }
                f[nf++] = v[i];
            }
        }
        terms[t] = nf == 1 ? f[0] : Z3_mk_mul(z, (unsigned) nf, f);
    }
    if (len == 0)
        r = Z3_mk_numeral(z, "0", real);
    else if (len == 1)
        r = terms[0];
    else
        r = Z3_mk_add(z, (unsigned) len, terms);
    fmpq_clear(c);
    flint_free(terms);
    flint_free(e);
    return r;
}

static Z3_tactic z3_tactic(Z3_context z, const char *name)
{
    Z3_tactic t = Z3_mk_tactic(z, name);
    if (t != NULL)
        Z3_tactic_inc_ref(z, t);
    return t;
}

pd_status_t _pd_z3_decide(pd_truth_t *answer, char *reason, size_t rlen,
                          const _pd_germ_t G, int ray, const pd_limits_t lim,
                          pd_error_t err)
{
    slong n = G->n, k = G->k, i, j;
    Z3_config cfg;
    Z3_context z;
    Z3_sort real;
    Z3_ast *v = NULL, *conj = NULL, formula, zero;
    Z3_tactic t1 = NULL, t2 = NULL, t3 = NULL, t12 = NULL, tac = NULL;
    Z3_solver s = NULL;
    Z3_params prm = NULL;
    Z3_lbool r;

    *answer = PD_UNKNOWN;
    if (lim->z3_rlimit == 0) {
        snprintf(reason, rlen, "Z3 not called (rlimit 0)");
        return PD_OK;
    }
    _pd_z3_error = 0;
    cfg = Z3_mk_config();
    z = Z3_mk_context(cfg);
    Z3_del_config(cfg);
    Z3_set_error_handler(z, z3_on_error);
    real = Z3_mk_real_sort(z);
    zero = Z3_mk_numeral(z, "0", real);
    v = flint_malloc(FLINT_MAX(n, 1) * sizeof(Z3_ast));
    conj = flint_malloc((FLINT_MAX(k, 1) + 1) * sizeof(Z3_ast));
    for (i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof(name), "z%ld", (long) i);
        v[i] = Z3_mk_const(z, Z3_mk_string_symbol(z, name), real);
    }

    if (!ray) {
        /* forall e. e > 0 -> exists z. |z|^2 < e and h_j(z) > 0 */
        Z3_ast eps = Z3_mk_const(z, Z3_mk_string_symbol(z, "e"), real);
        Z3_ast sq[64], body, ex;
        Z3_app bound[64], be[1];
        if (n > 64) {
            snprintf(reason, rlen, "Z3 not called: more than 64 variables");
            goto cleanup;
        }
        for (i = 0; i < n; i++) {
            Z3_ast pr[2];
            pr[0] = v[i];
            pr[1] = v[i];
            sq[i] = Z3_mk_mul(z, 2, pr);
            bound[i] = Z3_to_app(z, v[i]);
        }
        conj[0] = Z3_mk_lt(z, n == 1 ? sq[0] : Z3_mk_add(z, (unsigned) n, sq), eps);
        for (j = 0; j < k; j++)
            conj[j + 1] = Z3_mk_gt(z, z3_poly(z, G->h + j, v, G->ctx, real), zero);
        body = Z3_mk_and(z, (unsigned) (k + 1), conj);
        ex = Z3_mk_exists_const(z, 0, (unsigned) n, bound, 0, NULL, body);
        be[0] = Z3_to_app(z, eps);
        formula = Z3_mk_forall_const(z, 0, 1, be, 0, NULL,
                                     Z3_mk_implies(z, Z3_mk_gt(z, eps, zero), ex));
        tac = z3_tactic(z, "nlqsat");
    } else {
        /* exists d: every lowest form h_j(d) > 0 (G holds the lowest
           forms; quantifier-free in d) */
        for (j = 0; j < k; j++)
            conj[j] = Z3_mk_gt(z, z3_poly(z, G->h + j, v, G->ctx, real), zero);
        formula = k == 0 ? Z3_mk_true(z) : Z3_mk_and(z, (unsigned) k, conj);
        t1 = z3_tactic(z, "simplify");
        t2 = z3_tactic(z, "purify-arith");
        t3 = z3_tactic(z, "nlqsat");
        if (t1 != NULL && t2 != NULL && t3 != NULL) {
            t12 = Z3_tactic_and_then(z, t1, t2);
            Z3_tactic_inc_ref(z, t12);
            tac = Z3_tactic_and_then(z, t12, t3);
            Z3_tactic_inc_ref(z, tac);
        }
    }
    if (_pd_z3_error || tac == NULL) {
        snprintf(reason, rlen, "Z3 error: %s", _pd_z3_errmsg);
        goto cleanup;
    }
    s = Z3_mk_solver_from_tactic(z, tac);
    Z3_solver_inc_ref(z, s);
    prm = Z3_mk_params(z);
    Z3_params_inc_ref(z, prm);
    Z3_params_set_uint(z, prm, Z3_mk_string_symbol(z, "rlimit"),
                       (unsigned) FLINT_MIN(lim->z3_rlimit, (ulong) 4000000000u));
    {
        /* a wall-clock bound too: some nlqsat phases check rlimit rarely */
        double left = lim->deadline > 0 ? lim->deadline - _pd_now() : 0;
        unsigned ms = PD_Z3_MAX_MS;
        if (lim->deadline > 0)
            ms = left <= 0.001 ? 1 : (unsigned) FLINT_MIN((double) ms, left * 1000);
        Z3_params_set_uint(z, prm, Z3_mk_string_symbol(z, "timeout"), ms);
    }
    Z3_solver_set_params(z, s, prm);
    Z3_solver_assert(z, s, formula);
    if (_pd_z3_error) {
        snprintf(reason, rlen, "Z3 error: %s", _pd_z3_errmsg);
        goto cleanup;
    }
    r = Z3_solver_check(z, s);
    if (_pd_z3_error) {
        snprintf(reason, rlen, "Z3 error: %s", _pd_z3_errmsg);
    } else if (r == Z3_L_TRUE) {
        *answer = PD_TRUE;
        snprintf(reason, rlen, "decided by Z3 nlqsat");
    } else if (r == Z3_L_FALSE) {
        *answer = PD_FALSE;
        snprintf(reason, rlen, "decided by Z3 nlqsat");
    } else {
        snprintf(reason, rlen, "Z3 nlqsat gave up: %s",
                 Z3_solver_get_reason_unknown(z, s));
    }

cleanup:
    if (prm != NULL)
        Z3_params_dec_ref(z, prm);
    if (s != NULL)
        Z3_solver_dec_ref(z, s);
    if (tac != NULL)
        Z3_tactic_dec_ref(z, tac);
    if (t12 != NULL)
        Z3_tactic_dec_ref(z, t12);
    if (t1 != NULL)
        Z3_tactic_dec_ref(z, t1);
    if (t2 != NULL)
        Z3_tactic_dec_ref(z, t2);
    if (t3 != NULL)
        Z3_tactic_dec_ref(z, t3);
    Z3_del_context(z);
    flint_free(v);
    flint_free(conj);
    (void) err;
    return PD_OK;
}

int pd_local_have_z3(void)
{
    return 1;
}

#else

pd_status_t _pd_z3_decide(pd_truth_t *answer, char *reason, size_t rlen,
                          const _pd_germ_t G, int ray, const pd_limits_t lim,
                          pd_error_t err)
{
    (void) G;
    (void) ray;
    (void) lim;
    (void) err;
    *answer = PD_UNKNOWN;
    snprintf(reason, rlen, "built without Z3");
    return PD_OK;
}

int pd_local_have_z3(void)
{
    return 0;
}

#endif
