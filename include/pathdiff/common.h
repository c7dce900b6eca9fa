/* pathdiff/common.h: status codes, the error record and three-valued truth. */
#ifndef PATHDIFF_COMMON_H
#define PATHDIFF_COMMON_H

#include <stddef.h>
#include <flint/flint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#  define PD_WARN_UNUSED __attribute__((warn_unused_result))
#  define PD_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#  define PD_WARN_UNUSED
#  define PD_PRINTF(a, b)
#endif

/* Result of every fallible public function.  The CLI maps them to exit
   statuses (CLI.md): EPARSE/EINVAL/EDOM/EIO -> 2, ELIMIT -> 3,
   EUNDECIDED -> 4, EINTERNAL/ENOMEM -> 70. */
typedef enum {
    PD_OK = 0,
    PD_EPARSE,      /* syntax or semantic error in a .pd file or data file  */
    PD_EINVAL,      /* bad argument: wrong length, malformed option, ...     */
    PD_EDOM,        /* mathematically undefined: division by zero, ...       */
    PD_ELIMIT,      /* a resource limit (--max-pieces, --timeout) was hit    */
    PD_EUNDECIDED,  /* complete except for decisions that stayed undecided   */
    PD_EIO,         /* a file could not be read or written                   */
    PD_ENOMEM,      /* allocation failed                                     */
    PD_EINTERNAL    /* an invariant broke: a bug in pathdiff                 */
} pd_status_t;

/* Three-valued truth for questions that may not be decided (Calcium style).
   Compare explicitly; never use as a boolean. */
typedef enum { PD_FALSE = 0, PD_TRUE = 1, PD_UNKNOWN = 2 } pd_truth_t;

#define PD_ERROR_MSG_LEN 512
#define PD_ERROR_TEXT_LEN 256
#define PD_ERROR_FILE_LEN 256

/* Caller-owned error record.  Invariant: code == PD_OK iff no error has been
   raised since the last pd_error_reset.  line/col are 1-based, 0 when the
   error has no source position; text holds the offending source line (no
   newline) when line > 0.  A line longer than text can hold is cut to a
   window that contains col: text_col is the column of text[0] in the line
   (1 when the line is shown from its start; 0 counts as 1). */
typedef struct {
    pd_status_t code;
    char msg[PD_ERROR_MSG_LEN];
    char file[PD_ERROR_FILE_LEN];
    slong line, col;
    char text[PD_ERROR_TEXT_LEN];
    slong text_col;
} pd_error_struct;
typedef pd_error_struct pd_error_t[1];

void pd_error_init(pd_error_t err);
void pd_error_clear(pd_error_t err);
void pd_error_reset(pd_error_t err);

/* The one function through which library errors are raised (set a
   breakpoint here).  Returns code, so `return pd_error_set(err, ...)`.
   A NULL err is allowed: the error is then only returned. */
pd_status_t pd_error_set(pd_error_t err, pd_status_t code,
                         const char *fmt, ...) PD_PRINTF(3, 4);

/* Same, with a source position; text is the source line (may be NULL). */
pd_status_t pd_error_set_pos(pd_error_t err, pd_status_t code,
                             const char *file, slong line, slong col,
                             const char *text,
                             const char *fmt, ...) PD_PRINTF(7, 8);

/* Short name of a status ("parse error", "undecided", ...). */
const char *pd_status_str(pd_status_t code);

/* Library version string, e.g. "0.1.0". */
const char *pd_version(void);

#ifdef __cplusplus
}
#endif
#endif
