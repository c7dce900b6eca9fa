/* cli.h: the pathdiff command's shared wiring: one function per command,
   option helpers, error printing.  No mathematics lives in src/cli/. */
#ifndef PD_CLI_H
#define PD_CLI_H

#include "pd-impl.h"

/* Exit statuses (CLI.md). */
#define PD_EXIT_OK 0
#define PD_EXIT_CHECK 1
#define PD_EXIT_USAGE 2
#define PD_EXIT_LIMIT 3
#define PD_EXIT_UNDECIDED 4
#define PD_EXIT_INTERNAL 70

/* Each command: argv[0] is the command name; returns the exit status. */
int pd_cmd_eval(int argc, char **argv);
int pd_cmd_ad(int argc, char **argv);
int pd_cmd_clarke(int argc, char **argv);
int pd_cmd_field(int argc, char **argv);
int pd_cmd_verify(int argc, char **argv);
int pd_cmd_curve(int argc, char **argv);
int pd_cmd_demo(int argc, char **argv);

#endif
