/* cmd_verify.c: `pathdiff verify` (not available yet). */
#include "cli.h"
#include <stdio.h>

int pd_cmd_verify(int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf(stderr, "pathdiff verify: not available in this build\n");
    return PD_EXIT_USAGE;
}
