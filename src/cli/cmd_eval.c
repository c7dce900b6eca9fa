/* cmd_eval.c: `pathdiff eval` (not available yet). */
#include "cli.h"
#include <stdio.h>

int pd_cmd_eval(int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf(stderr, "pathdiff eval: not available in this build\n");
    return PD_EXIT_USAGE;
}
