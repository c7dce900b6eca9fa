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

/* Shared helpers (common.c). */

/* Print err to stderr the way every command does: "file:line:col: message",
   then the source line and a caret under the column (when known), else
   "pathdiff: message". */
void pd_cli_print_error(const pd_error_t err);

/* The exit status for a library status (CLI.md). */
int pd_cli_exit_status(pd_status_t st);

/* Parse the program at path into P (initialised by the caller); on error
   prints it and returns PD_EXIT_USAGE, else PD_EXIT_OK. */
int pd_cli_load(pd_prog_t P, const char *path);

/* "exact" | "float32" | "float64" -> mode; 0 on success, else prints a usage
   error for command cmd and returns PD_EXIT_USAGE. */
int pd_cli_points_mode(pd_points_t *mode, const char *s, const char *cmd);

/* Print a usage error "pathdiff CMD: message" plus "Try 'pathdiff CMD
   --help'." and return PD_EXIT_USAGE. */
int pd_cli_usage_error(const char *cmd, const char *fmt, ...) PD_PRINTF(2, 3);

/* The value of option `name` given as "--name V" or "--name=V", advancing
   *i past a separate value; NULL if argv[*i] is not that option.  *missing
   is set when the option is the last argument and has no value. */
const char *pd_cli_opt_value(int argc, char **argv, int *i, const char *name,
                             int *missing);

/* Store the value v of option `name` in *slot, which must still be NULL:
   an option given twice is a usage error (printed; returns PD_EXIT_USAGE),
   never silently overridden.  Returns PD_EXIT_OK otherwise. */
int pd_cli_opt_once(const char *cmd, const char *name, const char **slot,
                    const char *v);

/* If argv[*i] is the value option `name` ("--name V" or "--name=V"):
   store V in *slot (once: a repeat is a usage error), set *rc to
   PD_EXIT_OK or to the usage error printed (missing_msg when the value is
   missing), and return 1.  Otherwise return 0 and leave everything alone. */
int pd_cli_opt_take(int argc, char **argv, int *i, const char *cmd,
                    const char *name, const char *missing_msg,
                    const char **slot, int *rc);

/* Read the value of --max-pieces for command cmd into *out: decimal digits
   only, no sign, no overflow; 0 means no bound.  Prints a usage error and
   returns PD_EXIT_USAGE otherwise. */
int pd_cli_parse_max_pieces(slong *out, const char *v, const char *cmd);

/* Write a finished JSON document and a newline to stdout. */
void pd_cli_print_json(const char *doc);
