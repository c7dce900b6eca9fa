/* cmd_ad.c: `pathdiff ad` (not available yet). */
#include "cli.h"
#include <stdio.h>

int pd_cmd_ad(int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf(stderr, "pathdiff ad: not available in this build\n");
    return PD_EXIT_USAGE;
}
