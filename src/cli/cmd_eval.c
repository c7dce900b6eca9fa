/* cmd_eval.c: `pathdiff eval FILE --at P`: the exact value and the tied
   nodes at a point (argument parsing and printing only). */
#include "cli.h"
#include "pathdiff/exact.h"
#include "report/json.h"
#include <stdio.h>
#include <string.h>

static const char *eval_usage =
    "Usage: pathdiff eval FILE --at P [--points exact|float32|float64] [--json]\n"
    "\n"
    "Evaluate the program in FILE exactly at the point P and list the nodes\n"
    "that are tied there (more than one branch active: relu or abs at 0, max\n"
    "or min arguments equal, clamp at a bound, sort with equal entries).\n"
    "\n"
    "  --at P          the point: 1/2,0,-3 in input order, or x=1/2,y=0 by name\n"
    "  --points MODE   how decimals in P are read: exact (default), or rounded\n"
    "                  to float32 / float64 first and then used exactly\n"
    "  --json          print one JSON document:\n"
    "                  {\"point\": [...], \"value\": \"...\", \"tied\": [...]}\n"
    "  --help          print this help\n"
    "\n"
    "Exit status: 0 success, 2 bad input or usage, 3 a size limit was hit.\n";

int pd_cmd_eval(int argc, char **argv)
{
    const char *file = NULL, *at = NULL, *points = NULL;
    int json = 0, i, rc = PD_EXIT_OK;
    pd_points_t mode = PD_POINTS_EXACT;
    pd_prog_t P;
    pd_eval_t ev;
    pd_error_t err;
    pd_status_t st;
    fmpq *x = NULL;
    slong k, nx = 0;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(eval_usage, stdout);
            return PD_EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (pd_cli_opt_take(argc, argv, &i, "eval", "--at",
                                       "--at needs a point",
                                       &at, &rc)) {
            if (rc != PD_EXIT_OK)
                return rc;
        } else if (pd_cli_opt_take(argc, argv, &i, "eval", "--points",
                                       "--points needs exact, float32 or float64",
                                       &points, &rc)) {
            if (rc != PD_EXIT_OK)
                return rc;
        } else if (a[0] == '-' && a[1] != '\0') {
            return pd_cli_usage_error("eval", "unknown option '%s'", a);
        } else if (file == NULL) {
            file = a;
        } else {
            return pd_cli_usage_error("eval", "one FILE expected, got '%s' too", a);
        }
    }
    if (file == NULL)
        return pd_cli_usage_error("eval", "missing FILE");
    if (at == NULL)
        return pd_cli_usage_error("eval", "missing --at P");
    if (points != NULL && (rc = pd_cli_points_mode(&mode, points, "eval")) != PD_EXIT_OK)
        return rc;

    pd_prog_init(P);
    pd_error_init(err);
    rc = pd_cli_load(P, file);
    if (rc != PD_EXIT_OK) {
        pd_prog_clear(P);
        return rc;
    }
    nx = FLINT_MAX(P->ninputs, 1);
    x = _fmpq_vec_init(nx);
    pd_eval_init(ev, P);

    st = pd_point_parse(x, P, at, mode, err);
    if (st == PD_OK)
        st = pd_eval_fmpq(ev, P, x, err);
    if (st != PD_OK) {
        if (err->line == 0 && err->file[0] == '\0')
            fprintf(stderr, "pathdiff eval: %s\n", err->msg);
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
        pd_json_fmpq_vec(J, ev->point, P->ninputs);
        pd_json_key(J, "value");
        pd_json_fmpq(J, pd_eval_output(ev));
        pd_json_key(J, "tied");
        pd_json_arr_begin(J);
        for (k = 0; k < P->len; k++)
            if (pd_eval_is_tied(ev, k)) {
                pd_json_node_name(J, P, k);
            }
        pd_json_arr_end(J);
        pd_json_obj_end(J);
        pd_cli_print_json(pd_json_get_str(J));
        pd_json_clear(J);
    } else {
        fputs("point ", stdout);
        for (k = 0; k < P->ninputs; k++) {
            printf("%s %s = ", k == 0 ? "" : ",", P->input_names[k]);
            fmpq_print(ev->point + k);
        }
        fputs("\nvalue  ", stdout);
        fmpq_print(pd_eval_output(ev));
        printf("\ntied   ");
        if (ev->ntied == 0)
            fputs("none", stdout);
        for (k = 0, i = 0; k < P->len; k++)
            if (pd_eval_is_tied(ev, k)) {
                char *name = pd_prog_node_name(P, k);
                printf("%s%s", i++ == 0 ? "" : ", ", name);
                flint_free(name);
            }
        fputc('\n', stdout);
    }

cleanup:
    pd_eval_clear(ev);
    _fmpq_vec_clear(x, nx);
    pd_prog_clear(P);
    return rc;
}
