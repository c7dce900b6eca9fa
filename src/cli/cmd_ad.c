/* cmd_ad.c: `pathdiff ad FILE --at P`: numeric AD (value and gradient, or a
   directional derivative) under a convention, in a chosen arithmetic
   (argument parsing and printing only). */
#include "cli.h"
#include "pathdiff/ad.h"
#include "report/json.h"
#include <stdio.h>
#include <string.h>

static const char *ad_usage =
    "Usage: pathdiff ad FILE --at P [--convention C] [--arith A]\n"
    "                   [--points exact|float32|float64] [--direction D] [--json]\n"
    "\n"
    "Run backpropagation (reverse mode) on the program in FILE at the point P,\n"
    "with the choices a framework makes at kinks, in the arithmetic A; with\n"
    "--direction, run forward mode instead and print the directional derivative.\n"
    "\n"
    "  --at P           the point: 1/2,0,-3 in input order, or x=1/2,y=0 by name\n"
    "  --convention C   pytorch (default), jax, tensorflow, or rules such as\n"
    "                   relu0=0,abs0=0,max=split (rules: relu0=S abs0=S\n"
    "                   leaky0=S|slope max|max2|maxn=first|last|split|both\n"
    "                   clamp|hardtanh|relu6=inside|outside|S sort=stable|reverse;\n"
    "                   S rational; rules not named keep the pytorch choice)\n"
    "  --arith A        float, double (default), mpfr:BITS, or exact\n"
    "  --points MODE    how decimals in P and D are read: exact (default), or\n"
    "                   rounded to float32 / float64 first and then used exactly;\n"
    "                   the point is then rounded to the arithmetic A\n"
    "  --direction D    a direction, written like P: forward mode\n"
    "  --json           print one JSON document: {\"point\": [...], \"value\": \"...\",\n"
    "                   \"gradient\": [...], \"convention\": \"...\", \"arith\": \"...\",\n"
    "                   \"tied\": [...]} (with --direction: \"direction\" and\n"
    "                   \"derivative\" instead of \"gradient\")\n"
    "  --help           print this help\n"
    "\n"
    "Numbers: exact prints rationals; float and double print the shortest\n"
    "decimal that reads back to the same binary number; mpfr:BITS prints\n"
    "enough digits to read back at BITS bits.  `tied` lists the nodes this\n"
    "arithmetic saw tied, which can differ from the exact tied set.\n"
    "\n"
    "Exit status: 0 success, 2 bad input or usage, 3 a size limit was hit.\n";

/* A number of the run's arithmetic as text (flint_free). */
static char *num_str(const pd_ad_result_t R, const fmpq_t q, const mpfr_t f)
{
    if (R->arith->kind == PD_ARITH_EXACT)
        return fmpq_get_str(NULL, 10, q);
    return pd_arith_get_str_mpfr(R->arith, f);
}

/* The point used, in the arithmetic's notation. */
static char *point_str(const pd_ad_result_t R, slong k)
{
    char *s;
    mpfr_t f;
    mpq_t m;
    if (R->arith->kind == PD_ARITH_EXACT)
        return fmpq_get_str(NULL, 10, R->point + k);
    mpfr_init2(f, R->arith->prec);
    mpq_init(m);
    fmpq_get_mpq(m, R->point + k);
    mpfr_set_q(f, m, MPFR_RNDN);      /* exact: the point is of the format */
    s = pd_arith_get_str_mpfr(R->arith, f);
    mpq_clear(m);
    mpfr_clear(f);
    return s;
}

int pd_cmd_ad(int argc, char **argv)
{
    const char *file = NULL, *at = NULL, *points = NULL, *conv = NULL;
    const char *arith = NULL, *dirs = NULL;
    int json = 0, i, rc = PD_EXIT_OK;
    pd_points_t mode = PD_POINTS_EXACT;
    pd_prog_t P;
    pd_conv_t C;
    pd_arith_t A;
    pd_tape_t T;
    pd_ad_result_t R;
    pd_error_t err;
    pd_status_t st;
    fmpq *x = NULL, *d = NULL;
    slong k, nx = 0;
    int have_tape = 0, have_res = 0;
    char *s;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(ad_usage, stdout);
            return PD_EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (pd_cli_opt_take(argc, argv, &i, "ad", "--at",
                                       "--at needs a point",
                                       &at, &rc)) {
            if (rc != PD_EXIT_OK)
                return rc;
        } else if (pd_cli_opt_take(argc, argv, &i, "ad", "--points",
                                       "--points needs exact, float32 or float64",
                                       &points, &rc)) {
            if (rc != PD_EXIT_OK)
                return rc;
        } else if (pd_cli_opt_take(argc, argv, &i, "ad", "--convention",
                                       "--convention needs a name or rules",
                                       &conv, &rc)) {
            if (rc != PD_EXIT_OK)
                return rc;
        } else if (pd_cli_opt_take(argc, argv, &i, "ad", "--arith",
                                       "--arith needs float, double, mpfr:BITS or exact",
                                       &arith, &rc)) {
            if (rc != PD_EXIT_OK)
                return rc;
        } else if (pd_cli_opt_take(argc, argv, &i, "ad", "--direction",
                                       "--direction needs a vector",
                                       &dirs, &rc)) {
            if (rc != PD_EXIT_OK)
                return rc;
        } else if (a[0] == '-' && a[1] != '\0') {
            return pd_cli_usage_error("ad", "unknown option '%s'", a);
        } else if (file == NULL) {
            file = a;
        } else {
            return pd_cli_usage_error("ad", "one FILE expected, got '%s' too", a);
        }
    }
    if (file == NULL)
        return pd_cli_usage_error("ad", "missing FILE");
    if (at == NULL)
        return pd_cli_usage_error("ad", "missing --at P");
    if (points != NULL && (rc = pd_cli_points_mode(&mode, points, "ad")) != PD_EXIT_OK)
        return rc;

    pd_error_init(err);
    pd_conv_init(C);
    pd_arith_set(A, PD_ARITH_DOUBLE, 53);
    if (conv != NULL && pd_conv_parse(C, conv, err) != PD_OK) {
        pd_conv_clear(C);
        return pd_cli_usage_error("ad", "%s", err->msg);
    }
    if (arith != NULL && pd_arith_parse(A, arith, err) != PD_OK) {
        pd_conv_clear(C);
        return pd_cli_usage_error("ad", "%s", err->msg);
    }

    pd_prog_init(P);
    rc = pd_cli_load(P, file);
    if (rc != PD_EXIT_OK) {
        pd_prog_clear(P);
        pd_conv_clear(C);
        return rc;
    }
    nx = FLINT_MAX(P->ninputs, 1);
    x = _fmpq_vec_init(nx);
    d = _fmpq_vec_init(nx);

    st = pd_point_parse(x, P, at, mode, err);
    if (st == PD_OK && dirs != NULL)
        st = pd_point_parse(d, P, dirs, mode, err);
    if (st == PD_OK) {
        st = pd_tape_init(T, P, C, err);
        have_tape = (st == PD_OK);
    }
    if (st == PD_OK) {
        pd_ad_result_init(R, P->ninputs);
        have_res = 1;
        st = pd_ad_run(R, T, A, x, dirs != NULL ? d : NULL, err);
    }
    if (st != PD_OK) {
        if (err->line == 0 && err->file[0] == '\0')
            fprintf(stderr, "pathdiff ad: %s\n", err->msg);
        else
            pd_cli_print_error(err);
        rc = pd_cli_exit_status(st);
        goto cleanup;
    }

    if (json) {
        pd_json_t J;
        pd_json_init(J);
        pd_json_obj_begin(J);
        pd_json_key(J, "point");
        pd_json_arr_begin(J);
        for (k = 0; k < P->ninputs; k++) {
            s = point_str(R, k);
            pd_json_str(J, s);
            flint_free(s);
        }
        pd_json_arr_end(J);
        pd_json_key(J, "value");
        s = num_str(R, R->value, R->valuef);
        pd_json_str(J, s);
        flint_free(s);
        if (dirs == NULL) {
            pd_json_key(J, "gradient");
            pd_json_arr_begin(J);
            for (k = 0; k < P->ninputs; k++) {
                s = num_str(R, R->grad + k, R->gradf + k);
                pd_json_str(J, s);
                flint_free(s);
            }
            pd_json_arr_end(J);
        } else {
            pd_json_key(J, "direction");
            pd_json_fmpq_vec(J, d, P->ninputs);
            pd_json_key(J, "derivative");
            s = num_str(R, R->dot, R->dotf);
            pd_json_str(J, s);
            flint_free(s);
        }
        pd_json_key(J, "convention");
        pd_json_str(J, pd_conv_name(C));
        pd_json_key(J, "arith");
        s = pd_arith_get_str(A);
        pd_json_str(J, s);
        flint_free(s);
        pd_json_key(J, "tied");
        pd_json_node_names(J, P, R->tied, R->ntied);
        pd_json_obj_end(J);
        pd_cli_print_json(pd_json_get_str(J));
        pd_json_clear(J);
    } else {
        s = pd_arith_get_str(A);
        printf("convention  %s\narith       %s\npoint       ", pd_conv_name(C), s);
        flint_free(s);
        for (k = 0; k < P->ninputs; k++) {
            s = point_str(R, k);
            printf("%s%s = %s", k == 0 ? "" : ", ", P->input_names[k], s);
            flint_free(s);
        }
        s = num_str(R, R->value, R->valuef);
        printf("\nvalue       %s\n", s);
        flint_free(s);
        if (dirs == NULL) {
            fputs("gradient    ", stdout);
            for (k = 0; k < P->ninputs; k++) {
                s = num_str(R, R->grad + k, R->gradf + k);
                printf("%sd/d%s = %s", k == 0 ? "" : ", ", P->input_names[k], s);
                flint_free(s);
            }
            fputc('\n', stdout);
        } else {
            fputs("direction   ", stdout);
            for (k = 0; k < P->ninputs; k++) {
                printf("%s", k == 0 ? "" : ", ");
                fmpq_print(d + k);
            }
            s = num_str(R, R->dot, R->dotf);
            printf("\nderivative  %s\n", s);
            flint_free(s);
        }
        fputs("tied        ", stdout);
        if (R->ntied == 0)
            fputs("none", stdout);
        for (k = 0; k < R->ntied; k++) {
            char *name = pd_prog_node_name(P, R->tied[k]);
            printf("%s%s", k == 0 ? "" : ", ", name);
            flint_free(name);
        }
        fputc('\n', stdout);
    }

cleanup:
    if (have_res)
        pd_ad_result_clear(R);
    if (have_tape)
        pd_tape_clear(T);
    _fmpq_vec_clear(x, nx);
    _fmpq_vec_clear(d, nx);
    pd_prog_clear(P);
    pd_conv_clear(C);
    return rc;
}
