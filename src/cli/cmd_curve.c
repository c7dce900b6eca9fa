/* cmd_curve.c: `pathdiff curve` (not available yet). */
#include "cli.h"
#include <stdio.h>

int pd_cmd_curve(int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf(stderr, "pathdiff curve: not available in this build\n");
    return PD_EXIT_USAGE;
}
