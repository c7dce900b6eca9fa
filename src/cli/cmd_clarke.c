/* cmd_clarke.c: `pathdiff clarke` (not available yet). */
#include "cli.h"
#include <stdio.h>

int pd_cmd_clarke(int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf(stderr, "pathdiff clarke: not available in this build\n");
    return PD_EXIT_USAGE;
}
