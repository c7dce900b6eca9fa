/* main.c: pathdiff's entry point: dispatch to a command. */
#include "cli.h"
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("pathdiff %s\n", pd_version());
        return PD_EXIT_OK;
    }
    fprintf(stderr, "pathdiff: no commands yet\n");
    return PD_EXIT_USAGE;
}
