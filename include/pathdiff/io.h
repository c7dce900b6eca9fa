/* pathdiff/io.h: reading files of AD outputs (points and gradients) for
   `pathdiff verify`: CSV with a header, or JSON lines. */
#ifndef PATHDIFF_IO_H
#define PATHDIFF_IO_H

#include <flint/fmpq.h>
#include "pathdiff/common.h"
#include "pathdiff/prog.h"
#include "pathdiff/lang.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Rows of (point, AD gradient) for a program with n inputs.  Invariant:
   x and grad hold nrows * n canonical rationals (row r at offset r * n,
   in the program's input order); line[r] is the 1-based source line of
   row r. */
typedef struct {
    slong n, nrows, alloc;
    fmpq *x;
    fmpq *grad;
    slong *line;
} pd_addata_struct;
typedef pd_addata_struct pd_addata_t[1];

void pd_addata_init(pd_addata_t D, slong n);
void pd_addata_clear(pd_addata_t D);

/* Parse AD data for program P from text (NUL-terminated); file names the
   source in messages (may be NULL).  The format is found from the first
   character that is not blank: '{' starts JSON lines, anything else CSV.
     CSV: a header line naming one column per input (its name in P) and
     one per gradient component ("d_" and the input's name), in any order,
     each exactly once; then one row a line.  Blank lines and lines
     starting with '#' are skipped; fields may be surrounded by blanks.
     JSON lines: one object a line, {"x": [...], "grad": [...]}, with
     P->ninputs numbers (JSON numbers or strings) in each; other keys are
     ignored.
   Values: integers, decimals in any float notation (1.5, -2e-3, .5) or
   rationals p/q, read exactly (PD_POINTS_EXACT) or rounded to binary32 /
   binary64 and then used exactly (pd_number_parse).  D is reset first.
   PD_EPARSE with file, line, column and the source line for every
   malformed header, row or value; PD_EDOM for a value out of the format's
   range or a zero denominator. */
pd_status_t pd_addata_read_string(pd_addata_t D, const pd_prog_t P,
                                  const char *text, const char *file,
                                  pd_points_t mode,
                                  pd_error_t err) PD_WARN_UNUSED;

/* Same from a file ("-" reads standard input); PD_EIO if unreadable. */
pd_status_t pd_addata_read_file(pd_addata_t D, const pd_prog_t P,
                                const char *path, pd_points_t mode,
                                pd_error_t err) PD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
