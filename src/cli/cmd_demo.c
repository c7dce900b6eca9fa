/* cmd_demo.c: `pathdiff demo` (not available yet). */
#include "cli.h"
#include <stdio.h>

int pd_cmd_demo(int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf(stderr, "pathdiff demo: not available in this build\n");
    return PD_EXIT_USAGE;
}
