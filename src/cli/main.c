/* main.c: pathdiff's entry point: the command table, the overview help,
   --version, and dispatch to one command. */
#include "cli.h"
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *synopsis;
    const char *summary;
} pd_cli_command_struct;

/* The order here is the order of `pathdiff --help` and of the man page. */
static const pd_cli_command_struct pd_commands[] = {
    {"eval", pd_cmd_eval, "eval FILE --at P",
     "exact value at a point, and the nodes tied there"},
    {"ad", pd_cmd_ad, "ad FILE --at P [--convention C] [--arith A]",
     "numeric AD (reverse mode) the way a framework does it"},
    {"clarke", pd_cmd_clarke, "clarke FILE --at P",
     "exact Clarke subdifferential, its pieces and their certificates"},
    {"field", pd_cmd_field, "field FILE --at P",
     "exact backprop conservative field, with the Clarke set beside it"},
    {"verify", pd_cmd_verify, "verify FILE --ad DATA [--points F]",
     "a verdict (gradient|clarke|spurious|invalid) for each AD output"},
    {"curve", pd_cmd_curve, "curve FILE --curve \"x=t, y=t^2\" [--on a..b]",
     "breakpoints and exact chain-rule checks along a polynomial curve"},
    {"demo", pd_cmd_demo, "demo [NAME | --list]",
     "a guided tour: why AD at a kink can be wrong, computed live"},
};

#define PD_NCOMMANDS ((int) (sizeof(pd_commands) / sizeof(pd_commands[0])))

static const pd_cli_command_struct *pd_cli_find(const char *name)
{
    int i;
    for (i = 0; i < PD_NCOMMANDS; i++)
        if (strcmp(pd_commands[i].name, name) == 0)
            return &pd_commands[i];
    return NULL;
}

static void pd_cli_overview(FILE *out)
{
    int i;
    fprintf(out,
            "Usage: pathdiff COMMAND [ARGS...]\n"
            "\n"
            "Exact Clarke subdifferentials, backprop conservative fields and\n"
            "verdicts on AD outputs for nonsmooth piecewise-polynomial programs\n"
            "(.pd files).\n"
            "\n"
            "Commands:\n");
    for (i = 0; i < PD_NCOMMANDS; i++)
        fprintf(out, "  %-8s %s\n", pd_commands[i].name, pd_commands[i].summary);
    fprintf(out,
            "\n"
            "Usage of each command:\n");
    for (i = 0; i < PD_NCOMMANDS; i++)
        fprintf(out, "  pathdiff %s\n", pd_commands[i].synopsis);
    fprintf(out,
            "\n"
            "Every command takes --json (print one JSON document on stdout and\n"
            "nothing else) and --help.  Points: --at 1/2,0 in input order or\n"
            "--at x=1/2,y=0 by name; decimals are exact unless --points float32\n"
            "or --points float64 rounds them to that format first.\n"
            "\n"
            "Exit status:\n"
            "  0  success, whatever the verdicts\n"
            "  1  a check failed and --strict was given\n"
            "  2  bad input or usage (errors name file:line:col)\n"
            "  3  a resource limit was reached (--max-pieces, --timeout)\n"
            "  4  complete except for decisions that stayed undecided\n"
            "\n"
            "  pathdiff help COMMAND   the options of one command\n"
            "  pathdiff demo           start here: a guided tour\n"
            "  pathdiff --version      the version\n"
            "\n"
            "Manual: man pathdiff; guide: docs/guide.md.\n");
}

static int pd_cli_version(void)
{
    printf("pathdiff %s\n", pd_version());
    return PD_EXIT_OK;
}

/* Run a command's own --help. */
static int pd_cli_command_help(const pd_cli_command_struct *c)
{
    char name[32], help[] = "--help";
    char *args[3];
    strncpy(name, c->name, sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    args[0] = name;
    args[1] = help;
    args[2] = NULL;
    return c->run(2, args);
}

/* Release FLINT's and MPFR's caches so valgrind sees no leak. */
static void pd_cli_release(void)
{
    fflush(stdout);
    flint_cleanup_master();
    mpfr_free_cache();
}

static int pd_cli_unknown(const char *name)
{
    fprintf(stderr, "pathdiff: unknown command '%s'\n"
                    "Try 'pathdiff --help'.\n", name);
    return PD_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    const pd_cli_command_struct *c;
    int status;

    if (argc < 2) {
        fprintf(stderr, "pathdiff: no command given\n"
                        "Try 'pathdiff --help', or 'pathdiff demo' for a tour.\n");
        return PD_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
        return pd_cli_version();
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        pd_cli_overview(stdout);
        return PD_EXIT_OK;
    }
    if (strcmp(argv[1], "help") == 0) {
        if (argc == 2) {
            pd_cli_overview(stdout);
            return PD_EXIT_OK;
        }
        if (argc > 3) {
            fprintf(stderr, "pathdiff help: expected one command name\n"
                            "Try 'pathdiff --help'.\n");
            return PD_EXIT_USAGE;
        }
        c = pd_cli_find(argv[2]);
        if (c == NULL)
            return pd_cli_unknown(argv[2]);
        status = pd_cli_command_help(c);
        pd_cli_release();
        return status;
    }
    if (argv[1][0] == '-') {
        fprintf(stderr, "pathdiff: unknown option '%s' before the command\n"
                        "Try 'pathdiff --help'.\n", argv[1]);
        return PD_EXIT_USAGE;
    }
    c = pd_cli_find(argv[1]);
    if (c == NULL)
        return pd_cli_unknown(argv[1]);
    /* `pathdiff CMD --version` answers the same as `pathdiff --version`. */
    if (argc == 3 && strcmp(argv[2], "--version") == 0)
        return pd_cli_version();
    status = c->run(argc - 1, argv + 1);
    pd_cli_release();
    return status;
}
