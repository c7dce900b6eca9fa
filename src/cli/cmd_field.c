/* cmd_field.c: `pathdiff field` (not available yet). */
#include "cli.h"
#include <stdio.h>

int pd_cmd_field(int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf(stderr, "pathdiff field: not available in this build\n");
    return PD_EXIT_USAGE;
}
