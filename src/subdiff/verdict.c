/* verdict.c: where an AD output stands against the exact Clarke set and
   backprop field at a point (MATH.md 5, the verdict table). */
#include "pd-impl.h"
#include "pathdiff/sets.h"
#include "pathdiff/subdiff.h"
#include "subdiff/subdiff-impl.h"

const char *pd_verdict_name(pd_verdict_t v)
{
    switch (v) {
    case PD_VERDICT_GRADIENT:
        return "gradient";
    case PD_VERDICT_CLARKE:
        return "clarke";
    case PD_VERDICT_SPURIOUS:
        return "spurious";
    case PD_VERDICT_INVALID:
        return "invalid";
    default:
        return "undecided";
    }
}

void pd_judgement_init(pd_judgement_t J)
{
    J->verdict = PD_VERDICT_UNDECIDED;
    J->n = 0;
    J->in_field = 0;
    J->field_weights = NULL;
    J->nfield = 0;
    J->field_normal = NULL;
    fmpq_init(J->field_offset);
    J->in_clarke = PD_UNKNOWN;
    J->clarke_weights = NULL;
    J->nclarke = 0;
    J->clarke_normal = NULL;
    fmpq_init(J->clarke_offset);
}

static void _pd_judgement_reset(pd_judgement_t J)
{
    if (J->field_weights != NULL)
        _fmpq_vec_clear(J->field_weights, FLINT_MAX(J->nfield, 1));
    if (J->clarke_weights != NULL)
        _fmpq_vec_clear(J->clarke_weights, FLINT_MAX(J->nclarke, 1));
    if (J->field_normal != NULL)
        _fmpq_vec_clear(J->field_normal, FLINT_MAX(J->n, 1));
    if (J->clarke_normal != NULL)
        _fmpq_vec_clear(J->clarke_normal, FLINT_MAX(J->n, 1));
    J->field_weights = J->clarke_weights = NULL;
    J->field_normal = J->clarke_normal = NULL;
    J->nfield = J->nclarke = 0;
    J->verdict = PD_VERDICT_UNDECIDED;
    J->in_field = 0;
    J->in_clarke = PD_UNKNOWN;
    fmpq_zero(J->field_offset);
    fmpq_zero(J->clarke_offset);
}

void pd_judgement_clear(pd_judgement_t J)
{
    _pd_judgement_reset(J);
    fmpq_clear(J->field_offset);
    fmpq_clear(J->clarke_offset);
}

/* 1 if v is the gradient of a piece whose open ray activity is not
   refuted: if f is differentiable at x, its gradient is that of every
   open-ray-active piece, and there is one (docs/math.md 5). */
static int _pd_is_candidate_gradient(const pd_clarke_t C, const fmpq *v)
{
    slong i;
    for (i = 0; i < C->npieces; i++) {
        const pd_clarke_piece_struct *p = C->pieces + i;
        if (p->ray_active != PD_FALSE && _pd_qvec_equal(p->gradient, v, C->n))
            return 1;
    }
    return 0;
}

pd_status_t pd_verdict_judge(pd_judgement_t J, const pd_field_t F,
                             const fmpq *v, pd_error_t err)
{
    pd_status_t status = PD_OK;
    const pd_clarke_struct *C = F->clarke;
    slong n = C->n;
    int in;

    _pd_judgement_reset(J);
    if (C->npieces == 0 || F->vertices->len == 0 || C->point == NULL)
        return pd_error_set(err, PD_EINVAL,
                            "no Clarke set and field to judge against");
    J->n = n;

    /* conv D_P(x): outside it, backprop with no choice of the primitives'
       Clarke Jacobians gives v. */
    J->nfield = F->vertices->len;
    J->field_weights = _fmpq_vec_init(FLINT_MAX(J->nfield, 1));
    J->field_normal = _fmpq_vec_init(FLINT_MAX(n, 1));
    PD_TRY(pd_hull_contains(&in, J->field_weights, J->field_normal,
                            J->field_offset, F->vertices, v, err));
    J->in_field = in;
    if (!in) {
        J->verdict = PD_VERDICT_INVALID;
        goto cleanup;
    }

    if (C->differentiable == PD_TRUE && _pd_qvec_equal(C->gradient, v, n)) {
        /* The gradient of a differentiable f is in its Clarke set; the
           weights show it in the inner hull when some essentially active
           piece has it (else they stay 0: undecided pieces carry it). */
        J->verdict = PD_VERDICT_GRADIENT;
        J->in_clarke = PD_TRUE;
        J->nclarke = C->vertices->len;
        J->clarke_weights = _fmpq_vec_init(FLINT_MAX(J->nclarke, 1));
        J->clarke_normal = _fmpq_vec_init(FLINT_MAX(n, 1));
        PD_TRY(pd_hull_contains(&in, J->clarke_weights, J->clarke_normal,
                                J->clarke_offset, C->vertices, v, err));
        if (!in) {
            slong q;
            for (q = 0; q < J->nclarke; q++)
                fmpq_zero(J->clarke_weights + q);
        }
        goto cleanup;
    }

    /* The inner hull (essentially active pieces) lies in d^c f(x). */
    J->nclarke = C->vertices->len;
    J->clarke_weights = _fmpq_vec_init(FLINT_MAX(J->nclarke, 1));
    J->clarke_normal = _fmpq_vec_init(FLINT_MAX(n, 1));
    PD_TRY(pd_hull_contains(&in, J->clarke_weights, J->clarke_normal,
                            J->clarke_offset, C->vertices, v, err));
    if (in) {
        J->in_clarke = PD_TRUE;
        if (C->differentiable == PD_UNKNOWN && _pd_is_candidate_gradient(C, v))
            J->verdict = PD_VERDICT_UNDECIDED;
        else
            J->verdict = PD_VERDICT_CLARKE;
        goto cleanup;
    }

    /* The outer hull contains d^c f(x) (undecided pieces included). */
    if (C->undecided > 0) {
        _fmpq_vec_clear(J->clarke_weights, FLINT_MAX(J->nclarke, 1));
        J->nclarke = C->outer->len;
        J->clarke_weights = _fmpq_vec_init(FLINT_MAX(J->nclarke, 1));
        PD_TRY(pd_hull_contains(&in, NULL, J->clarke_normal,
                                J->clarke_offset, C->outer, v, err));
        if (in) {
            J->in_clarke = PD_UNKNOWN;
            J->verdict = PD_VERDICT_UNDECIDED;
            goto cleanup;
        }
    }
    J->in_clarke = PD_FALSE;
    J->verdict = PD_VERDICT_SPURIOUS;

cleanup:
    if (status != PD_OK)
        _pd_judgement_reset(J);
    return status;
}
