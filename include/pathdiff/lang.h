/* pathdiff/lang.h: reading .pd programs, numbers and points. */
#ifndef PATHDIFF_LANG_H
#define PATHDIFF_LANG_H

#include <flint/fmpq.h>
#include "pathdiff/common.h"
#include "pathdiff/prog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits of the language (docs/language.md, "Limits").  Over the source
   size or the node count: PD_ELIMIT; over any other limit: PD_EPARSE at the
   offending position. */
#define PD_LANG_MAX_SOURCE (16L * 1024 * 1024) /* bytes of program text      */
#define PD_LANG_MAX_DEPTH 200          /* nested brackets, signs, powers     */
#define PD_LANG_MAX_POW 1000           /* largest exponent of ^              */
#define PD_LANG_MAX_LITERAL 100000     /* characters in one number           */
#define PD_LANG_MAX_EXP10 10000        /* |e| in an exponent form 1e-3       */
#define PD_LANG_MAX_NAME 255           /* characters in one name             */
#define PD_LANG_MAX_VECTOR (1L << 20)  /* entries of one vector or matrix    */
/* The two resource limits may be lowered at build time (the fuzz build
   does), never raised beyond these values. */
#ifndef PD_LANG_MAX_NODES
#define PD_LANG_MAX_NODES (1L << 22)   /* nodes of one program               */
#endif
#ifndef PD_LANG_MAX_INPUTS
#define PD_LANG_MAX_INPUTS (1L << 16)  /* inputs of one program              */
#endif
#define PD_LANG_MAX_CONST_BITS (1L << 17) /* bits of a folded constant       */

/* How decimals in points and data are read (CLI.md, Points). */
typedef enum {
    PD_POINTS_EXACT = 0,  /* decimals are exact decimals                    */
    PD_POINTS_FLOAT32,    /* round to binary32 (nearest even), use exactly  */
    PD_POINTS_FLOAT64     /* round to binary64 (nearest even), use exactly  */
} pd_points_t;

/* Parse a whole program from text (NUL-terminated).  file names the source
   in messages (may be NULL: "<input>") and is recorded in P->file.  P must
   be freshly initialised (else PD_EINVAL).  PD_EPARSE with file, line, col,
   the source line and a message on any syntax or semantic error; PD_ELIMIT
   if the text or the program exceeds the size limits above (the message
   says which; docs/language.md).  On error P holds a partial program: clear
   it. */
pd_status_t pd_parse_string(pd_prog_t P, const char *text, const char *file,
                            pd_error_t err) PD_WARN_UNUSED;
/* Same from a file ("-" reads standard input, named "<stdin>"); PD_EIO if
   unreadable; a NUL byte in the file is a PD_EPARSE at its position. */
pd_status_t pd_parse_file(pd_prog_t P, const char *path,
                          pd_error_t err) PD_WARN_UNUSED;

/* One number: integer, a/b, decimal, exponent form (1e-3, 2.5E+4; also .5
   and 5.), with an optional sign; inf and nan are rejected in every mode.
   Surrounding white space is ignored; the rest must be consumed.  Exact
   mode reads the value exactly (written exponent within +-10000); under
   FLOAT32/FLOAT64 the value is rounded to the format (any exponent).
   PD_EPARSE with a message (no position) otherwise, PD_EDOM for a zero
   denominator or a value out of the format's range. */
pd_status_t pd_number_parse(fmpq_t q, const char *s, pd_points_t mode,
                            pd_error_t err) PD_WARN_UNUSED;

/* Round q to the nearest binary32 / binary64 value (ties to even, with
   subnormals), exactly: the result is the dyadic rational the float is.
   PD_EDOM if |q| overflows the format. */
pd_status_t pd_fmpq_round_float(fmpq_t r, const fmpq_t q, pd_points_t mode,
                                pd_error_t err) PD_WARN_UNUSED;

/* A point for P: "1/2,0,-3" in input order or "x=1/2,y=0" by name (every
   input exactly once; vector entries by their names, "x[2]=1").  Each value
   is read by pd_number_parse in the given mode.  x must have P->ninputs
   initialised entries.  PD_EINVAL for a wrong count, an unknown, repeated
   or missing name, a mix of the two forms or an empty value; a number's
   own status (PD_EPARSE, PD_EDOM) otherwise, its message prefixed with the
   input's name.  On error x may be partly written. */
pd_status_t pd_point_parse(fmpq *x, const pd_prog_t P, const char *spec,
                           pd_points_t mode, pd_error_t err) PD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
