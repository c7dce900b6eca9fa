/* cmd_verify.c: `pathdiff verify FILE --ad DATA`: a verdict for every
   (point, AD output) row of a data file (argument parsing and printing
   only). */
#include "cli.h"
#include "pathdiff/io.h"
#include "pathdiff/verify.h"
#include "report/json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *verify_usage =
    "Usage: pathdiff verify FILE --ad DATA [--points float32|float64|exact]\n"
    "                       [--convention C] [--strict] [--max-pieces N]\n"
    "                       [--timeout S] [--json]\n"
    "\n"
    "For every row of DATA (a point and the gradient an AD tool returned there),\n"
    "decide where the gradient stands (MATH.md 5):\n"
    "  gradient  f is differentiable at the point and this is its gradient\n"
    "  clarke    a Clarke subgradient (f not differentiable there, or another one)\n"
    "  spurious  legitimate backprop (in the conservative field of the program)\n"
    "            but not a Clarke subgradient\n"
    "  invalid   not even in the backprop field\n"
    "With float data, an output that is invalid as the exact number it is but\n"
    "lies in the rigorous enclosure of the convention's float backprop is\n"
    "consistent with rounding: it is judged by the convention's exact output.\n"
    "\n"
    "  --ad DATA        CSV with a header (x,y,d_x,d_y: the inputs and d_<input>)\n"
    "                   or JSON lines {\"x\": [...], \"grad\": [...]}; values are\n"
    "                   decimals in any float notation or rationals\n"
    "  --points MODE    float32 (default), float64: values are rounded to that\n"
    "                   format and used exactly, and outputs are judged up to its\n"
    "                   rounding; exact: exact rationals, no rounding allowance\n"
    "  --convention C   the convention whose rounding is allowed for (default\n"
    "                   pytorch; see pathdiff ad --help)\n"
    "  --strict         exit 1 when some row is invalid\n"
    "  --max-pieces N   bound the exact work per row (default 100000, 0: no\n"
    "                   bound); over it, exit 3 and print nothing\n"
    "  --timeout S      seconds for the whole run\n"
    "  --json           one JSON document: {\"results\": [{\"index\": i, \"point\":\n"
    "                   [...], \"ad\": [...], \"verdict\": \"...\", ...}], \"summary\":\n"
    "                   {\"gradient\": n, \"clarke\": n, \"spurious\": n, \"invalid\": n}}\n"
    "  --help           print this help\n"
    "\n"
    "Exit status: 0 success (whatever the verdicts), 1 with --strict when a row\n"
    "is invalid, 2 bad input or usage, 3 a limit was reached, 4 some verdict\n"
    "stayed undecided.\n";

static void json_ptset(pd_json_t J, const pd_ptset_t S)
{
    slong i;
    pd_json_arr_begin(J);
    for (i = 0; i < S->len; i++)
        pd_json_fmpq_vec(J, pd_ptset_entry(S, i), S->dim);
    pd_json_arr_end(J);
}

static void text_vec(const fmpq *v, slong n)
{
    slong k;
    fputc('(', stdout);
    for (k = 0; k < n; k++) {
        if (k)
            fputs(", ", stdout);
        fmpq_print(v + k);
    }
    fputc(')', stdout);
}

static void text_names(const pd_prog_t P, const slong *v, slong n)
{
    slong k;
    if (n == 0)
        fputs("none", stdout);
    for (k = 0; k < n; k++) {
        char *s = pd_prog_node_name(P, v[k]);
        printf("%s%s", k ? ", " : "", s);
        flint_free(s);
    }
}

static void text_ptset(const pd_ptset_t S)
{
    slong i;
    fputc('{', stdout);
    for (i = 0; i < S->len; i++) {
        if (i)
            fputs(", ", stdout);
        text_vec(pd_ptset_entry(S, i), S->dim);
    }
    fputc('}', stdout);
}

int pd_cmd_verify(int argc, char **argv)
{
    const char *file = NULL, *data = NULL, *points = NULL, *conv = NULL;
    const char *maxp = NULL, *tmo = NULL;
    int json = 0, strict = 0, i, rc = PD_EXIT_OK;
    pd_points_t mode;
    pd_prog_t P;
    pd_conv_t C;
    pd_tape_t T;
    pd_addata_t D;
    pd_limits_t lim;
    pd_error_t err;
    pd_status_t st = PD_OK;
    pd_verify_row_struct *rows = NULL;
    slong r, k, n, nrows = 0, count[5] = { 0, 0, 0, 0, 0 };
    int have_tape = 0, have_data = 0;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(verify_usage, stdout);
            return PD_EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "--strict") == 0) {
            strict = 1;
        } else if (pd_cli_opt_take(argc, argv, &i, "verify", "--ad",
                                       "--ad needs a data file",
                                       &data, &rc)) {
            if (rc != PD_EXIT_OK)
                return rc;
        } else if (pd_cli_opt_take(argc, argv, &i, "verify", "--points",
                                       "--points needs exact, float32 or float64",
                                       &points, &rc)) {
            if (rc != PD_EXIT_OK)
                return rc;
        } else if (pd_cli_opt_take(argc, argv, &i, "verify", "--convention",
                                       "--convention needs a name or rules",
                                       &conv, &rc)) {
            if (rc != PD_EXIT_OK)
                return rc;
        } else if (pd_cli_opt_take(argc, argv, &i, "verify", "--max-pieces",
                                       "--max-pieces needs a number",
                                       &maxp, &rc)) {
            if (rc != PD_EXIT_OK)
                return rc;
        } else if (pd_cli_opt_take(argc, argv, &i, "verify", "--timeout",
                                       "--timeout needs seconds",
                                       &tmo, &rc)) {
            if (rc != PD_EXIT_OK)
                return rc;
        } else if (a[0] == '-' && a[1] != '\0') {
            return pd_cli_usage_error("verify", "unknown option '%s'", a);
        } else if (file == NULL) {
            file = a;
        } else {
            return pd_cli_usage_error("verify", "one FILE expected, got '%s' too", a);
        }
    }
    if (file == NULL)
        return pd_cli_usage_error("verify", "missing FILE");
    if (data == NULL)
        return pd_cli_usage_error("verify", "missing --ad DATA");
    if (points == NULL)
        points = "float32";
    if ((rc = pd_cli_points_mode(&mode, points, "verify")) != PD_EXIT_OK)
        return rc;
    pd_limits_init(lim);
    if (maxp != NULL
        && (rc = pd_cli_parse_max_pieces(&lim->max_pieces, maxp, "verify")) != PD_EXIT_OK)
        return rc;
    if (tmo != NULL) {
        char *e;
        double t = strtod(tmo, &e);
        if (*tmo == '\0' || *e != '\0' || !(t > 0))
            return pd_cli_usage_error("verify", "--timeout needs seconds > 0, not '%s'", tmo);
        lim->timeout = t;
    }

    pd_error_init(err);
    pd_conv_init(C);
    if (conv != NULL && pd_conv_parse(C, conv, err) != PD_OK) {
        pd_conv_clear(C);
        return pd_cli_usage_error("verify", "%s", err->msg);
    }
    pd_prog_init(P);
    rc = pd_cli_load(P, file);
    if (rc != PD_EXIT_OK) {
        pd_prog_clear(P);
        pd_conv_clear(C);
        return rc;
    }
    n = P->ninputs;
    pd_addata_init(D, n);
    have_data = 1;
    pd_limits_start(lim);
    st = pd_addata_read_file(D, P, data, mode, err);
    if (st == PD_OK) {
        st = pd_tape_init(T, P, C, err);
        have_tape = (st == PD_OK);
    }
    if (st == PD_OK) {
        nrows = D->nrows;
        rows = flint_malloc((nrows + 1) * sizeof(pd_verify_row_struct));
        for (r = 0; r < nrows; r++)
            pd_verify_row_init(rows + r, n);
        for (r = 0; r < nrows && st == PD_OK; r++) {
            st = pd_verify_row(rows + r, T, D->x + r * n, D->grad + r * n,
                               mode, lim, err);
            if (st == PD_EINVAL) {
                /* a point that is not of the format: say which row */
                char msg[PD_ERROR_MSG_LEN];
                snprintf(msg, sizeof msg, "%.400s (row %ld)", err->msg, (long) (r + 1));
                st = pd_error_set_pos(err, PD_EPARSE, data, D->line[r], 1,
                                      NULL, "%s", msg);
            }
        }
    }
    if (st != PD_OK) {
        if (err->line == 0 && err->file[0] == '\0')
            fprintf(stderr, "pathdiff verify: %s\n", err->msg);
        else
            pd_cli_print_error(err);
        rc = pd_cli_exit_status(st);
        goto cleanup;
    }
    for (r = 0; r < nrows; r++)
        count[rows[r].verdict]++;

    if (json) {
        pd_json_t J;
        pd_json_init(J);
        pd_json_obj_begin(J);
        pd_json_key(J, "results");
        pd_json_arr_begin(J);
        for (r = 0; r < nrows; r++) {
            pd_verify_row_struct *R = rows + r;
            pd_json_obj_begin(J);
            pd_json_key(J, "index");
            pd_json_int(J, r);
            pd_json_key(J, "line");
            pd_json_int(J, D->line[r]);
            pd_json_key(J, "point");
            pd_json_fmpq_vec(J, D->x + r * n, n);
            pd_json_key(J, "ad");
            pd_json_fmpq_vec(J, D->grad + r * n, n);
            pd_json_key(J, "verdict");
            pd_json_str(J, pd_verdict_name(R->verdict));
            pd_json_key(J, "exact_verdict");
            pd_json_str(J, pd_verdict_name(R->exact_verdict));
            pd_json_key(J, "up_to_rounding");
            pd_json_bool(J, R->rounding);
            pd_json_key(J, "convention_output");
            pd_json_fmpq_vec(J, R->conv, n);
            pd_json_key(J, "tied");
            pd_json_node_names(J, P, R->tied_exact, R->ntied_exact);
            if (R->has_float) {
                pd_json_key(J, "tied_float");
                pd_json_node_names(J, P, R->tied_float, R->ntied_float);
            }
            pd_json_key(J, "differentiable");
            if (R->sets)
                pd_json_truth(J, R->field->clarke->differentiable);
            else
                pd_json_bool(J, 1);
            pd_json_key(J, "clarke");
            pd_json_obj_begin(J);
            pd_json_key(J, "vertices");
            if (R->sets)
                json_ptset(J, R->field->clarke->vertices);
            else {
                pd_json_arr_begin(J);
                pd_json_fmpq_vec(J, R->conv, n);
                pd_json_arr_end(J);
            }
            pd_json_obj_end(J);
            pd_json_key(J, "field");
            pd_json_obj_begin(J);
            pd_json_key(J, "vertices");
            if (R->sets)
                json_ptset(J, R->field->vertices);
            else {
                pd_json_arr_begin(J);
                pd_json_fmpq_vec(J, R->conv, n);
                pd_json_arr_end(J);
            }
            pd_json_obj_end(J);
            if (R->has_enclosure) {
                pd_arith_t A;
                pd_arith_set(A, mode == PD_POINTS_FLOAT32 ? PD_ARITH_FLOAT
                                                          : PD_ARITH_DOUBLE, 0);
                pd_json_key(J, "enclosure");
                pd_json_arr_begin(J);
                for (k = 0; k < n; k++) {
                    char *s;
                    pd_json_arr_begin(J);
                    s = pd_arith_get_str_mpfr(A, R->lo + k);
                    pd_json_str(J, s);
                    flint_free(s);
                    s = pd_arith_get_str_mpfr(A, R->hi + k);
                    pd_json_str(J, s);
                    flint_free(s);
                    pd_json_arr_end(J);
                }
                pd_json_arr_end(J);
                pd_json_key(J, "outside");
                if (R->outside >= 0)
                    pd_json_int(J, R->outside);
                else
                    pd_json_null(J);
            }
            pd_json_obj_end(J);
        }
        pd_json_arr_end(J);
        pd_json_key(J, "summary");
        pd_json_obj_begin(J);
        for (k = 0; k < 5; k++) {
            if (k == PD_VERDICT_UNDECIDED && count[k] == 0)
                continue;
            pd_json_key(J, pd_verdict_name((pd_verdict_t) k));
            pd_json_int(J, count[k]);
        }
        pd_json_obj_end(J);
        pd_json_key(J, "convention");
        pd_json_str(J, pd_conv_name(C));
        pd_json_key(J, "points");
        pd_json_str(J, points);
        pd_json_obj_end(J);
        pd_cli_print_json(pd_json_get_str(J));
        pd_json_clear(J);
    } else {
        printf("convention %s, points %s, %ld rows\n", pd_conv_name(C), points,
               (long) nrows);
        for (r = 0; r < nrows; r++) {
            pd_verify_row_struct *R = rows + r;
            printf("\nrow %ld (line %ld): at ", (long) (r + 1), (long) D->line[r]);
            text_vec(D->x + r * n, n);
            fputs(", ad ", stdout);
            text_vec(D->grad + r * n, n);
            printf("\n  verdict     %s", pd_verdict_name(R->verdict));
            if (R->rounding)
                printf(" (up to rounding: as a number the output is %s; it lies "
                       "in the %s enclosure of the convention's output ",
                       pd_verdict_name(R->exact_verdict),
                       mode == PD_POINTS_FLOAT32 ? "float32" : "float64");
            if (R->rounding) {
                text_vec(R->conv, n);
                fputc(')', stdout);
            }
            fputs("\n  tied        exact: ", stdout);
            text_names(P, R->tied_exact, R->ntied_exact);
            if (R->has_float) {
                printf("; the %s evaluation: ", mode == PD_POINTS_FLOAT32 ? "float32" : "float64");
                text_names(P, R->tied_float, R->ntied_float);
            }
            fputs("\n  clarke      ", stdout);
            if (R->sets)
                text_ptset(R->field->clarke->vertices);
            else {
                fputc('{', stdout);
                text_vec(R->conv, n);
                fputc('}', stdout);
            }
            fputs("\n  field       ", stdout);
            if (R->sets)
                text_ptset(R->field->vertices);
            else {
                fputc('{', stdout);
                text_vec(R->conv, n);
                fputs("} (no tie: f is smooth here)", stdout);
            }
            if (R->verdict == PD_VERDICT_INVALID && R->has_enclosure
                && R->outside >= 0) {
                pd_arith_t A;
                char *lo, *hi;
                pd_arith_set(A, mode == PD_POINTS_FLOAT32 ? PD_ARITH_FLOAT
                                                          : PD_ARITH_DOUBLE, 0);
                lo = pd_arith_get_str_mpfr(A, R->lo + R->outside);
                hi = pd_arith_get_str_mpfr(A, R->hi + R->outside);
                printf("\n  why         component %ld is outside [%s, %s], the "
                       "rigorous enclosure of what the convention computes in %s",
                       (long) (R->outside + 1), lo, hi,
                       mode == PD_POINTS_FLOAT32 ? "float32" : "float64");
                flint_free(lo);
                flint_free(hi);
            }
            fputc('\n', stdout);
        }
        printf("\nsummary: gradient %ld, clarke %ld, spurious %ld, invalid %ld",
               (long) count[0], (long) count[1], (long) count[2], (long) count[3]);
        if (count[4])
            printf(", undecided %ld", (long) count[4]);
        fputc('\n', stdout);
    }
    if (strict && count[PD_VERDICT_INVALID] > 0)
        rc = PD_EXIT_CHECK;
    else if (count[PD_VERDICT_UNDECIDED] > 0)
        rc = PD_EXIT_UNDECIDED;

cleanup:
    if (rows != NULL) {
        for (r = 0; r < nrows; r++)
            pd_verify_row_clear(rows + r);
        flint_free(rows);
    }
    if (have_tape)
        pd_tape_clear(T);
    if (have_data)
        pd_addata_clear(D);
    pd_prog_clear(P);
    pd_conv_clear(C);
    return rc;
}
